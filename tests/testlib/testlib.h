/* SPDX-License-Identifier: Apache-2.0 */
/* testlib.h: helpers shared by the Criterion tests: assertions that print the gf_error, temp
 * folders that clean themselves up, files, and running the real `gitfargate` binary. */
#ifndef GF_TESTLIB_H
#define GF_TESTLIB_H

#include <criterion/criterion.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* Assert a gf call returned >= 0; on failure print the thread's gf_error. */
#define gf_cr_ok(expr)                                                                             \
    do {                                                                                           \
        int gf_cr_rc_ = (expr);                                                                    \
        if (gf_cr_rc_ < 0) {                                                                       \
            const struct gf_error *gf_cr_e_ = gf_error_last();                                     \
            cr_assert_fail("%s returned %d: %s: %s [where=%s key=%s hint=%s]", #expr, gf_cr_rc_,   \
                           gf_error_code_name(gf_cr_e_->code), gf_cr_e_->msg, gf_cr_e_->where,     \
                           gf_cr_e_->key, gf_cr_e_->hint);                                         \
        }                                                                                          \
    } while (0)

/* Assert a gf call failed with exactly `code`. */
#define gf_cr_fails(code, expr)                                                                    \
    do {                                                                                           \
        int gf_cr_rc_ = (expr);                                                                    \
        cr_assert_eq(gf_cr_rc_, (code), "%s returned %d (%s), wanted %d; error: %s", #expr,        \
                     gf_cr_rc_, gf_error_code_name(gf_cr_rc_), (code), gf_error_last()->msg);      \
    } while (0)

/* A fresh folder under $TMPDIR (or /tmp); owned, free with gf_test_tmpdir_remove. */
char *gf_test_tmpdir(const char *prefix);
/* Remove a folder and everything in it, then free the path. */
void gf_test_tmpdir_remove(char *path);

/* Read a whole file into out (cleared first); 0 or -1. */
int gf_test_read_file(struct gf_buf *out, const char *path);
/* Write data to path (created or truncated); 0 or -1. */
int gf_test_write_file(const char *path, const char *data, size_t len);
/* The names of the files in dir ending with suffix ("": all but dot files), sorted, without the
 * suffix when strip is true; owned (gf_test_list_free). *n_out gets the count. Fails the test if
 * dir cannot be read. */
char **gf_test_list(size_t *n_out, const char *dir, const char *suffix, bool strip);
void gf_test_list_free(char **names, size_t n);
/* path = join(dir, name); owned (free). */
char *gf_test_path(const char *dir, const char *name);

struct gf_test_run {
    int status;        /* exit status, or 128 + signal */
    struct gf_buf out; /* stdout */
    struct gf_buf err; /* stderr */
};

/* Run argv (argv[0] a path) with optional extra environment ("K=V" list, NULL-terminated; "K="
 * unsets K),
 * in `cwd` (NULL: current), stdin from /dev/null or `input`; waits up to timeout_s. */
int gf_test_run(struct gf_test_run *out, const char *const *argv, const char *const *env,
                const char *cwd, const char *input, int timeout_s);
void gf_test_run_release(struct gf_test_run *run);

/* The built gitfargate binary, the source tree, the tests' data folder, shared/. */
const char *gf_test_binary(void);
const char *gf_test_source_dir(void);
const char *gf_test_data_dir(void);
const char *gf_test_shared_dir(void);

/* A libmicrohttpd server on 127.0.0.1 with a kernel-picked port, a thread per connection,
 * URLs and query arguments left as sent (gf_mhd_no_unescape, as a SigV4 verifier needs). It
 * gathers each request's body (up to 16 MiB) and calls `fn` once per request with it; the
 * body is NUL-terminated. The struct must outlive the server. Fails the test when it cannot
 * start. */
typedef enum MHD_Result gf_test_mhd_fn(void *cls, struct MHD_Connection *c, const char *url,
                                       const char *method, const struct gf_buf *body);

struct gf_test_mhd {
    struct MHD_Daemon *d;
    unsigned port;
    gf_test_mhd_fn *fn;
    void *cls;
};

void gf_test_mhd_start(struct gf_test_mhd *srv, gf_test_mhd_fn *fn, void *cls);
void gf_test_mhd_stop(struct gf_test_mhd *srv);

/* A background child process (a server): started with gf_test_spawn, stopped with
 * gf_test_kill (SIGTERM, then SIGKILL after 5 s), its stdout captured to a file. */
struct gf_test_child {
    int pid;
    char *log_path; /* stdout+stderr of the child */
};
int gf_test_spawn(struct gf_test_child *out, const char *const *argv, const char *const *env,
                  const char *log_path);
/* Wait until the child's log holds `needle` (up to timeout_ms); the matching line is copied into
 * line_out when given. 0 found, -1 not (or the child died). */
int gf_test_wait_log(struct gf_test_child *child, const char *needle, struct gf_buf *line_out,
                     int timeout_ms);
int gf_test_kill(struct gf_test_child *child);

#endif
