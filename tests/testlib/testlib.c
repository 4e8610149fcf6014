/* SPDX-License-Identifier: Apache-2.0 */
/* testlib.c: see testlib.h. */
#define _DEFAULT_SOURCE /* mkdtemp, nftw flags */
#define _XOPEN_SOURCE   700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "aws/local/mhd.h"
#include "common/alloc.h"
#include "testlib.h"
#include "common/banned.h"

/* ---- cleaning up after a failed assertion ----------------------------------------------------
 * A failed cr_assert ends the test without its own clean-up. The folders it made are removed
 * when its process exits (atexit), and the programs it started die with it (PR_SET_PDEATHSIG
 * in the child), so a failing test leaves no server running and no folder behind. */

#define TMPDIR_MAX 64

static char s_tmpdirs[TMPDIR_MAX][4096];
static pid_t s_tmpdirs_owner;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_left_tmpdirs(void)
{
    size_t i;

    if (getpid() != s_tmpdirs_owner) /* a forked child that called exit(): not its folders */
        return;
    for (i = 0; i < TMPDIR_MAX; i++)
        if (s_tmpdirs[i][0])
            nftw(s_tmpdirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remember_tmpdir(const char *path, bool add)
{
    size_t i;

    if (add && s_tmpdirs_owner != getpid()) {
        memset(s_tmpdirs, 0, sizeof(s_tmpdirs));
        if (s_tmpdirs_owner == 0)
            atexit(remove_left_tmpdirs);
        s_tmpdirs_owner = getpid();
    }
    for (i = 0; i < TMPDIR_MAX; i++) {
        if (add && !s_tmpdirs[i][0]) {
            snprintf(s_tmpdirs[i], sizeof(s_tmpdirs[i]), "%s", path);
            return;
        }
        if (!add && strcmp(s_tmpdirs[i], path) == 0) {
            s_tmpdirs[i][0] = '\0';
            return;
        }
    }
}

/* In a forked child before exec: die when the test's process does (see above). */
static void die_with_test(pid_t test)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != test)
        _exit(125); /* the test is already gone */
}

char *gf_test_tmpdir(const char *prefix)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    char *p;

    snprintf(tmpl, sizeof(tmpl), "%s/gf-%s-XXXXXX", base && *base ? base : "/tmp",
             prefix ? prefix : "test");
    p = mkdtemp(tmpl);
    if (!p)
        return NULL;
    remember_tmpdir(p, true);
    return strdup(p);
}

void gf_test_tmpdir_remove(char *path)
{
    if (!path)
        return;
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    remember_tmpdir(path, false);
    free(path);
}

int gf_test_read_file(struct gf_buf *out, const char *path)
{
    char chunk[8192];
    FILE *f = fopen(path, "rb");
    size_t n;

    gf_buf_clear(out);
    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        gf_buf_put(out, chunk, n);
    fclose(f);
    return gf_buf_failed(out) ? -1 : 0;
}

int gf_test_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f)
        return -1;
    if (len && fwrite(data, 1, len, f) != len)
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **gf_test_list(size_t *n_out, const char *dir, const char *suffix, bool strip)
{
    size_t slen = strlen(suffix);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    DIR *d = opendir(dir);

    cr_assert_not_null(d, "cannot read the folder %s", dir);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.' || len <= slen || strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        char **grown = realloc(names, (n + 1) * sizeof(*names));

        cr_assert_not_null(grown);
        names = grown;
        names[n] = strndup(e->d_name, strip ? len - slen : len);
        cr_assert_not_null(names[n]);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    *n_out = n;
    return names;
}

void gf_test_list_free(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

char *gf_test_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

const char *gf_test_binary(void)
{
    const char *env = getenv("GF_TEST_BINARY");

    return env && *env ? env : GF_BINARY;
}

const char *gf_test_source_dir(void)
{
    return GF_SOURCE_DIR;
}

const char *gf_test_data_dir(void)
{
    return GF_TEST_DATA;
}

const char *gf_test_shared_dir(void)
{
    return GF_SHARED_DIR;
}

static void set_env_list(const char *const *env)
{
    for (; env && *env; env++) {
        const char *eq = strchr(*env, '=');
        char name[256];

        if (!eq || (size_t)(eq - *env) >= sizeof(name))
            continue;
        memcpy(name, *env, (size_t)(eq - *env));
        name[eq - *env] = '\0';
        if (eq[1] == '\0')
            unsetenv(name);
        else
            setenv(name, eq + 1, 1);
    }
}

static void drain(int fd, struct gf_buf *into, bool *open_flag)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n > 0)
        gf_buf_put(into, chunk, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        *open_flag = false;
}

int gf_test_run(struct gf_test_run *out, const char *const *argv, const char *const *env,
                const char *cwd, const char *input, int timeout_s)
{
    int out_pipe[2], err_pipe[2], in_pipe[2];
    bool out_open = true, err_open = true;
    time_t deadline = time(NULL) + (timeout_s > 0 ? timeout_s : 60);
    pid_t pid, parent;
    int wstatus = 0;

    memset(out, 0, sizeof(*out));
    gf_buf_init(&out->out, 0);
    gf_buf_init(&out->err, 0);
    if (pipe(out_pipe) < 0 || pipe(err_pipe) < 0 || pipe(in_pipe) < 0)
        return -1;
    parent = getpid();
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        die_with_test(parent);
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        if (cwd && chdir(cwd) < 0)
            _exit(126);
        set_env_list(env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (input) {
        size_t len = strlen(input);
        ssize_t w = write(in_pipe[1], input, len);
        (void)w;
    }
    close(in_pipe[1]);
    while (out_open || err_open) {
        struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
        int left = (int)(deadline - time(NULL));

        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, 200) < 0 && errno != EINTR)
            break;
        if (out_open && (fds[0].revents & (POLLIN | POLLHUP)))
            drain(out_pipe[0], &out->out, &out_open);
        if (err_open && (fds[1].revents & (POLLIN | POLLHUP)))
            drain(err_pipe[0], &out->err, &err_open);
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    waitpid(pid, &wstatus, 0);
    if (WIFEXITED(wstatus))
        out->status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        out->status = 128 + WTERMSIG(wstatus);
    return 0;
}

void gf_test_run_release(struct gf_test_run *run)
{
    gf_buf_release(&run->out);
    gf_buf_release(&run->err);
}

static enum MHD_Result mhd_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version, const char *upload,
                                      size_t *upload_size, void **con_cls)
{
    struct gf_test_mhd *srv = cls;
    struct gf_buf *body = *con_cls;

    (void)version;
    if (!body) {
        body = calloc(1, sizeof(*body));
        if (!body)
            return MHD_NO;
        gf_buf_init(body, 16 << 20);
        *con_cls = body;
        return MHD_YES;
    }
    if (*upload_size) {
        gf_buf_put(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return srv->fn(srv->cls, c, url, method, body);
}

static void mhd_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                             enum MHD_RequestTerminationCode toe)
{
    struct gf_buf *body = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (body) {
        gf_buf_release(body);
        free(body);
        *con_cls = NULL;
    }
}

void gf_test_mhd_start(struct gf_test_mhd *srv, gf_test_mhd_fn *fn, void *cls)
{
    const union MHD_DaemonInfo *info;
    struct sockaddr_in sa;

    srv->fn = fn;
    srv->cls = cls;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                              NULL, NULL, mhd_on_request, srv, MHD_OPTION_SOCK_ADDR, &sa,
                              MHD_OPTION_UNESCAPE_CALLBACK, gf_mhd_no_unescape, NULL,
                              MHD_OPTION_NOTIFY_COMPLETED, mhd_on_completed, NULL, MHD_OPTION_END);
    cr_assert_not_null(srv->d, "libmicrohttpd did not start on 127.0.0.1");
    info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    cr_assert(info && info->port, "no bound port");
    srv->port = info->port;
}

void gf_test_mhd_stop(struct gf_test_mhd *srv)
{
    if (srv->d)
        MHD_stop_daemon(srv->d);
    srv->d = NULL;
}

int gf_test_spawn(struct gf_test_child *out, const char *const *argv, const char *const *env,
                  const char *log_path)
{
    pid_t pid, parent;

    out->pid = -1;
    out->log_path = strdup(log_path);
    parent = getpid();
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd;

        die_with_test(parent);
        fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int devnull = open("/dev/null", O_RDONLY);

        if (fd < 0)
            _exit(126);
        dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        set_env_list(env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    out->pid = pid;
    return 0;
}

int gf_test_wait_log(struct gf_test_child *child, const char *needle, struct gf_buf *line_out,
                     int timeout_ms)
{
    struct gf_buf log = GF_BUF_INIT;
    int waited = 0;
    int rc = -1;

    while (waited <= timeout_ms) {
        int wstatus;

        if (gf_test_read_file(&log, child->log_path) == 0) {
            const char *hit = strstr(log.ptr, needle);

            if (hit) {
                const char *start = hit;
                const char *end = strchr(hit, '\n');

                while (start > log.ptr && start[-1] != '\n')
                    start--;
                if (line_out) {
                    gf_buf_clear(line_out);
                    gf_buf_put(line_out, start, end ? (size_t)(end - start) : strlen(start));
                }
                rc = 0;
                break;
            }
        }
        if (waitpid(child->pid, &wstatus, WNOHANG) == child->pid) {
            child->pid = -1;
            break;
        }
        usleep(20000);
        waited += 20;
    }
    gf_buf_release(&log);
    return rc;
}

int gf_test_kill(struct gf_test_child *child)
{
    int wstatus = 0;
    int i;

    if (child->pid > 0) {
        kill(child->pid, SIGTERM);
        for (i = 0; i < 250; i++) {
            if (waitpid(child->pid, &wstatus, WNOHANG) == child->pid)
                break;
            usleep(20000);
        }
        if (i == 250) {
            kill(child->pid, SIGKILL);
            waitpid(child->pid, &wstatus, 0);
        }
        child->pid = -1;
    }
    free(child->log_path);
    child->log_path = NULL;
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}
