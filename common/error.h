/* SPDX-License-Identifier: Apache-2.0 */
/* error.h: result codes and the per-thread last error (STYLE.md §3).
 *
 * Anything that can fail returns int: 0 on success, a negative GF_E* code on failure, with the
 * details in the calling thread's gf_error. The fields are fixed-size so the error path never
 * allocates. The error is valid only until the next failing call: copy it (gf_error_copy) into
 * anything that outlives that moment. */
#ifndef GF_ERROR_H
#define GF_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

enum gf_error_code {
    GF_OK = 0,
    GF_ERROR = -1,     /* anything else */
    GF_ENOMEM = -2,    /* out of memory, or a size limit passed */
    GF_EINVALID = -3,  /* bad input: the user can fix it */
    GF_ENOTFOUND = -4, /* a thing named does not exist */
    GF_ECONFLICT = -5, /* someone else moved the state (push race, already exists) */
    GF_ERETRY = -6,    /* transient: throttled, 5xx, timeout; trying again may work */
    GF_EAUTH = -7,     /* credentials missing, rejected or not allowed */
};

struct gf_error {
    int code;
    int http_status;   /* 0 if none */
    char msg[512];     /* what went wrong, lowercase, no final period */
    char where[256];   /* "stacks/api.yml:14:9" or "ecs:UpdateService" */
    char key[256];     /* "tasks.web.image" */
    char hint[512];    /* what the user can do */
    char aws_code[128];
    char request_id[128];
};

/* Set the calling thread's error: code and message; clears every other field. Returns code. */
int gf_error_set(int code, const char *fmt, ...) GF_PRINTF(2, 3);
/* Add detail to the current error (after gf_error_set). */
void gf_error_where(const char *fmt, ...) GF_PRINTF(1, 2);
void gf_error_key(const char *fmt, ...) GF_PRINTF(1, 2);
void gf_error_hint(const char *fmt, ...) GF_PRINTF(1, 2);
void gf_error_aws(const char *aws_code, const char *request_id, int http_status);
/* Set GF_ENOMEM "out of memory"; returns GF_ENOMEM. */
int gf_error_oom(void);
/* The calling thread's last error (borrowed, thread-local). */
const struct gf_error *gf_error_last(void);
void gf_error_clear(void);
/* Copy an error into storage that outlives it. */
void gf_error_copy(struct gf_error *out, const struct gf_error *src);
/* Make `e` the calling thread's error again (after a copy crossed threads). Returns e->code. */
int gf_error_restore(const struct gf_error *e);
/* "GF_EINVALID" -> "invalid" and so on: a stable short name for logs, JSON and the audit log. */
const char *gf_error_code_name(int code);
/* Append "WHERE: error: MSG (HINT)" to out, the form the CLI prints. */
int gf_error_format(struct gf_buf *out, const struct gf_error *e);

/* Invariants, not input checks: a failed assertion is a bug in gitfargate. */
void gf_bug(const char *file, int line, const char *what) __attribute__((noreturn));
#define GF_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            gf_bug(__FILE__, __LINE__, #cond);                                                     \
    } while (0)
#define GF_BUG(what) gf_bug(__FILE__, __LINE__, (what))

#endif
