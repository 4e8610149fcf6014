/* SPDX-License-Identifier: Apache-2.0 */
/* creds.c: AWS credentials: the provider chain in the SDKs' order (env, assume-role profile, web
 * identity, shared files, credential_process, ECS container endpoint, EC2 IMDSv2) and the caching,
 * refreshing provider the signer reads from (aws/creds.h, reference/aws-protocols.md §5). */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/awsconfig.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/banned.h"

#define SKIPPED 1 /* a chain step's "not configured here": not an error, the chain goes on */
#define MAX_DEPTH 16
#define MAX_BODY_BYTES (64u << 10)
#define MAX_TOKEN_BYTES (16u << 10)

/* ---- struct gf_creds ------------------------------------------------------------------------ */

void gf_creds_init(struct gf_creds *creds)
{
    memset(creds, 0, sizeof(*creds));
    gf_buf_init(&creds->secret_access_key, 0);
    gf_buf_init(&creds->session_token, 0);
}

void gf_creds_release(struct gf_creds *creds)
{
    gf_free(creds->access_key_id);
    gf_free(creds->account_id);
    gf_free(creds->source);
    gf_buf_release_secret(&creds->secret_access_key);
    gf_buf_release_secret(&creds->session_token);
    gf_creds_init(creds);
}

int gf_creds_set(struct gf_creds *creds, const char *access_key_id, struct gf_slice secret,
                 struct gf_slice session_token, int64_t expiration_ms, const char *account_id,
                 const char *source)
{
    gf_creds_release(creds);
    creds->expiration_ms = expiration_ms;
    creds->access_key_id = access_key_id && access_key_id[0] ? gf_strdup(access_key_id) : NULL;
    creds->account_id = account_id && account_id[0] ? gf_strdup(account_id) : NULL;
    creds->source = source ? gf_strdup(source) : NULL;
    gf_buf_put_slice(&creds->secret_access_key, secret);
    gf_buf_put_slice(&creds->session_token, session_token);
    if ((access_key_id && access_key_id[0] && !creds->access_key_id) ||
        (account_id && account_id[0] && !creds->account_id) || (source && !creds->source) ||
        gf_buf_failed(&creds->secret_access_key) || gf_buf_failed(&creds->session_token)) {
        gf_creds_release(creds);
        return gf_error_oom();
    }
    return 0;
}

int gf_creds_copy(struct gf_creds *out, const struct gf_creds *src)
{
    return gf_creds_set(out, src->access_key_id, gf_buf_slice(&src->secret_access_key),
                        gf_buf_slice(&src->session_token), src->expiration_ms, src->account_id,
                        src->source);
}

static int set_source(struct gf_creds *creds, const char *fmt, ...) GF_PRINTF(2, 3);
static int set_source(struct gf_creds *creds, const char *fmt, ...)
{
    struct gf_buf s = GF_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    gf_buf_vprintf(&s, fmt, ap);
    va_end(ap);
    gf_free(creds->source);
    creds->source = gf_buf_detach(&s);
    return creds->source ? 0 : gf_error_oom();
}

/* ---- JSON credentials (process, container, IMDS) ----------------------------------------- */

static const char *json_str(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));

    return v && v[0] ? v : NULL;
}

/* Fill out from a JSON object with AccessKeyId, SecretAccessKey, <token_key>, Expiration and
 * AccountId. `what` names the answerer in errors; the body is never quoted (it holds secrets). */
static int creds_from_json(struct gf_creds *out, json_t *obj, const char *token_key,
                           const char *what)
{
    const char *akid = json_str(obj, "AccessKeyId");
    const char *secret = json_str(obj, "SecretAccessKey");
    const char *token = json_str(obj, token_key);
    const char *exp = json_str(obj, "Expiration");
    int64_t exp_ms = 0;

    if (!akid || !secret) {
        gf_error_set(GF_EAUTH, "%s answered without %s", what,
                     !akid ? "AccessKeyId" : "SecretAccessKey");
        return GF_EAUTH;
    }
    if (exp && gf_time_parse_iso8601(&exp_ms, exp) < 0) {
        gf_error_set(GF_EAUTH, "%s answered an Expiration '%.40s' that is not an ISO 8601 time",
                     what, exp);
        return GF_EAUTH;
    }
    return gf_creds_set(out, akid, gf_slice_from(secret), gf_slice_from(token), exp_ms,
                        json_str(obj, "AccountId"), NULL);
}

static json_t *json_parse_object(struct gf_slice body, const char *what)
{
    json_error_t jerr;
    json_t *root = json_loadb(body.ptr, body.len, 0, &jerr);

    if (json_is_object(root))
        return root;
    if (root) {
        json_decref(root);
        gf_error_set(GF_EAUTH, "%s answered JSON that is not an object", what);
        return NULL;
    }
    gf_error_set(GF_EAUTH, "%s answered a body that is not JSON (line %d column %d)", what,
                 jerr.line, jerr.column);
    return NULL;
}

/* ---- the chain's state ------------------------------------------------------------------ */

struct chain {
    const struct gf_creds_opts *opts;
    const struct gf_awsconfig *cfg;
    const struct gf_clock *clock;
    struct gf_http *http;     /* opts->http or own_http, made on first use */
    struct gf_http *own_http;
    struct gf_buf notes;      /* "env: ...; profile default: ..." */
    const char *visited[MAX_DEPTH];
    size_t nvisited;
};

static const char *env(const struct chain *c, const char *name)
{
    return gf_env_get(c->cfg->env, name);
}

static void note(struct chain *c, const char *fmt, ...) GF_PRINTF(2, 3);
static void note(struct chain *c, const char *fmt, ...)
{
    va_list ap;

    if (c->notes.len)
        gf_buf_puts(&c->notes, "; ");
    va_start(ap, fmt);
    gf_buf_vprintf(&c->notes, fmt, ap);
    va_end(ap);
}

/* A path as the user knows it: $HOME/x prints as ~/x. */
static void put_path(struct gf_buf *out, const struct chain *c, const char *path)
{
    const char *home = env(c, "HOME");
    size_t n = home ? strlen(home) : 0;

    if (n && strncmp(path, home, n) == 0 && path[n] == '/')
        gf_buf_printf(out, "~%s", path + n);
    else
        gf_buf_puts(out, path);
}

static bool env_true(const struct chain *c, const char *name)
{
    const char *v = env(c, name);

    return v && (strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 || strcmp(v, "True") == 0);
}

/* ---- env ---------------------------------------------------------------------------------- */

static int p_env_any(struct gf_creds *out, struct chain *c)
{
    const char *akid = env(c, "AWS_ACCESS_KEY_ID");
    const char *secret = env(c, "AWS_SECRET_ACCESS_KEY");
    const char *token = env(c, "AWS_SESSION_TOKEN");
    const char *exp = env(c, "AWS_CREDENTIAL_EXPIRATION");
    int64_t exp_ms = 0;
    int rc;

    if (!akid) {
        note(c, "env: AWS_ACCESS_KEY_ID not set");
        return SKIPPED;
    }
    if (!secret) {
        gf_error_set(GF_EAUTH, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        gf_error_where("env");
        gf_error_hint("export both, or unset AWS_ACCESS_KEY_ID to use another source");
        return GF_EAUTH;
    }
    if (!token)
        token = env(c, "AWS_SECURITY_TOKEN");
    if (exp && gf_time_parse_iso8601(&exp_ms, exp) < 0) {
        gf_error_set(GF_EINVALID, "AWS_CREDENTIAL_EXPIRATION '%.40s' is not an ISO 8601 time",
                     exp);
        gf_error_where("env");
        return GF_EINVALID;
    }
    rc = gf_creds_set(out, akid, gf_slice_from(secret), gf_slice_from(token), exp_ms,
                      env(c, "AWS_ACCOUNT_ID"), "env");
    return rc;
}

static int p_env(struct gf_creds *out, struct chain *c)
{
    if (c->cfg->profile_explicit) {
        note(c, "env: skipped for --profile");
        return SKIPPED;
    }
    return p_env_any(out, c);
}

/* ---- static keys of a profile --------------------------------------------------------------- */

static int profile_keys(struct gf_creds *out, struct chain *c, enum gf_awsconfig_file file,
                        const char *profile)
{
    const struct gf_awsconfig *cfg = c->cfg;
    const char *akid = gf_awsconfig_profile_get(cfg, file, profile, "aws_access_key_id");
    const char *secret = gf_awsconfig_profile_get(cfg, file, profile, "aws_secret_access_key");
    const char *token = gf_awsconfig_profile_get(cfg, file, profile, "aws_session_token");
    char where[256];

    if (!akid)
        return SKIPPED;
    if (!secret) {
        gf_awsconfig_profile_where(where, sizeof(where), cfg, file, profile, "aws_access_key_id");
        gf_error_set(GF_EINVALID, "profile '%s' has aws_access_key_id but no "
                     "aws_secret_access_key", profile);
        gf_error_where("%s", where);
        return GF_EINVALID;
    }
    if (!token)
        token = gf_awsconfig_profile_get(cfg, file, profile, "aws_security_token");
    return gf_creds_set(out, akid, gf_slice_from(secret), gf_slice_from(token), 0,
                        gf_awsconfig_profile_get(cfg, file, profile, "aws_account_id"), NULL);
}

static int p_credentials_file(struct gf_creds *out, struct chain *c)
{
    int rc = profile_keys(out, c, GF_AWSCONFIG_CREDENTIALS, c->cfg->profile);

    if (rc == 0)
        rc = set_source(out, "profile %s", c->cfg->profile);
    return rc;
}

static int p_config_file(struct gf_creds *out, struct chain *c)
{
    const struct gf_awsconfig *cfg = c->cfg;
    int rc = profile_keys(out, c, GF_AWSCONFIG_CONFIG, cfg->profile);

    if (rc == 0)
        return set_source(out, "profile %s", cfg->profile);
    if (rc != SKIPPED)
        return rc;
    note(c, "profile %s: %s ", cfg->profile,
         gf_awsconfig_has_profile(cfg, cfg->profile) ? "no keys in" : "not in");
    put_path(&c->notes, c, cfg->credentials_path);
    gf_buf_puts(&c->notes, " or ");
    put_path(&c->notes, c, cfg->config_path);
    return SKIPPED;
}

/* ---- credential_process ------------------------------------------------------------------- */

struct proc {
    pid_t pid;
    int out_fd;
    int err_fd;
    struct gf_buf out; /* stdout: holds secrets */
    struct gf_buf err; /* the start of stderr */
    int status;
};

static int64_t mono_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int make_pipe(int fds[2])
{
    if (pipe(fds) < 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* fork + exec /bin/sh -c command in its own process group, stdin from /dev/null. */
static int proc_start(struct proc *p, const char *command)
{
    int outp[2] = {-1, -1};
    int errp[2] = {-1, -1};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int rc = 0;

    if (devnull < 0 || make_pipe(outp) < 0 || make_pipe(errp) < 0) {
        rc = gf_error_set(GF_ERROR, "cannot start credential_process: %s", strerror(errno));
        goto out;
    }
    p->pid = fork();
    if (p->pid < 0) {
        rc = gf_error_set(GF_ERROR, "cannot start credential_process: %s", strerror(errno));
        goto out;
    }
    if (p->pid == 0) {
        setpgid(0, 0);
        if (dup2(devnull, 0) < 0 || dup2(outp[1], 1) < 0 || dup2(errp[1], 2) < 0)
            _exit(127);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    p->out_fd = outp[0];
    p->err_fd = errp[0];
    outp[0] = -1;
    errp[0] = -1;
out:
    close_fd(&outp[0]);
    close_fd(&outp[1]);
    close_fd(&errp[0]);
    close_fd(&errp[1]);
    close_fd(&devnull);
    return rc;
}

/* Read what is ready on fd into buf (stderr: only its first 4 KiB are kept). */
static void proc_drain(int *fd, struct gf_buf *buf, size_t keep)
{
    char chunk[4096];
    ssize_t n = read(*fd, chunk, sizeof(chunk));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close_fd(fd);
        return;
    }
    if (keep == 0)
        gf_buf_put(buf, chunk, (size_t)n); /* past buf->max the buffer fails (sticky) */
    else if (buf->len < keep)
        gf_buf_put(buf, chunk, (size_t)n > keep - buf->len ? keep - buf->len : (size_t)n);
}

/* Collect output until both pipes close and the child exits, or the deadline. */
/* Both pipes closed: reap the child. 1 still running, 0 reaped, negative on error. */
static int proc_reap(struct proc *p, int64_t left)
{
    pid_t w = waitpid(p->pid, &p->status, WNOHANG);

    if (w == p->pid)
        return 0;
    if (w < 0 && errno != EINTR)
        return gf_error_set(GF_ERROR, "cannot wait for credential_process: %s", strerror(errno));
    poll(NULL, 0, left < 10 ? (int)left : 10);
    return 1;
}

static int proc_wait(struct proc *p, int64_t timeout_ms)
{
    int64_t deadline = mono_now_ms() + timeout_ms;

    for (;;) {
        struct pollfd fds[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
        int64_t left = deadline - mono_now_ms();
        int rc;

        if (left <= 0)
            return GF_ERETRY;
        if (p->out_fd < 0 && p->err_fd < 0) {
            rc = proc_reap(p, left);
            if (rc <= 0)
                return rc;
            continue;
        }
        if (poll(fds, 2, left > 1000 ? 1000 : (int)left) < 0 && errno != EINTR)
            return GF_ERETRY;
        if (p->out_fd >= 0 && fds[0].revents)
            proc_drain(&p->out_fd, &p->out, 0);
        if (p->err_fd >= 0 && fds[1].revents)
            proc_drain(&p->err_fd, &p->err, 4096);
    }
}

/* The first line of stderr, control characters dropped, at most 200 bytes. */
static void first_line(char *out, size_t size, const struct gf_buf *err)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < err->len && err->ptr[i] != '\n' && n + 1 < size && n < 200; i++)
        if ((unsigned char)err->ptr[i] >= 0x20 && err->ptr[i] != 0x7f)
            out[n++] = err->ptr[i];
    out[n] = '\0';
}

static int proc_result(struct gf_creds *out, const struct proc *p, const char *profile)
{
    char line[256];
    json_t *root = NULL;
    json_t *version;
    int rc;

    first_line(line, sizeof(line), &p->err);
    if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0) {
        gf_error_set(GF_EAUTH, "credential_process %s %d%s%s",
                     WIFEXITED(p->status) ? "exited with status" : "killed by signal",
                     WIFEXITED(p->status) ? WEXITSTATUS(p->status) : WTERMSIG(p->status),
                     line[0] ? ": " : "", line);
        gf_error_where("profile %s", profile);
        return GF_EAUTH;
    }
    if (gf_buf_failed(&p->out)) {
        gf_error_set(GF_EAUTH, "credential_process wrote more than %u bytes", MAX_BODY_BYTES);
        gf_error_where("profile %s", profile);
        return GF_EAUTH;
    }
    root = json_parse_object(gf_buf_slice(&p->out), "credential_process");
    if (!root) {
        gf_error_where("profile %s", profile);
        return GF_EAUTH;
    }
    version = json_object_get(root, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        rc = gf_error_set(GF_EAUTH, "credential_process output has no \"Version\": 1");
    } else {
        rc = creds_from_json(out, root, "SessionToken", "credential_process");
    }
    if (rc < 0)
        gf_error_where("profile %s", profile);
    json_decref(root);
    return rc;
}

int gf_creds_from_process(struct gf_creds *out, const char *command, const char *profile,
                          int64_t timeout_ms)
{
    struct proc p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.out_fd = -1;
    p.err_fd = -1;
    gf_buf_init(&p.out, MAX_BODY_BYTES);
    gf_buf_init(&p.err, 0);
    gf_creds_release(out);
    rc = proc_start(&p, command);
    if (rc < 0)
        goto out;
    rc = proc_wait(&p, timeout_ms > 0 ? timeout_ms : 60000);
    if (rc < 0) {
        kill(-p.pid, SIGKILL);
        waitpid(p.pid, &p.status, 0);
        if (rc == GF_ERETRY)
            gf_error_set(GF_ERETRY, "credential_process did not finish within %lld ms",
                         (long long)(timeout_ms > 0 ? timeout_ms : 60000));
        gf_error_where("profile %s", profile);
        goto out;
    }
    rc = proc_result(out, &p, profile);
    if (rc == 0)
        rc = set_source(out, "process");
out:
    close_fd(&p.out_fd);
    close_fd(&p.err_fd);
    gf_buf_release_secret(&p.out);
    gf_buf_release_secret(&p.err);
    return rc;
}

static int profile_process(struct gf_creds *out, struct chain *c, const char *profile)
{
    const char *cmd = gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile,
                                               "credential_process");
    int64_t timeout_ms = c->opts->process_timeout_ms;

    if (!cmd)
        return SKIPPED;
    return gf_creds_from_process(out, cmd, profile, timeout_ms ? timeout_ms : 60000);
}

static int p_process(struct gf_creds *out, struct chain *c)
{
    return profile_process(out, c, c->cfg->profile);
}

/* ---- files read each time ----------------------------------------------------------------- */

/* A small secret file (a token). */
static int read_secret_file(struct gf_buf *out, const char *path, const char *what)
{
    char chunk[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = 0;

    gf_buf_init(out, MAX_TOKEN_BYTES);
    if (fd < 0) {
        gf_error_set(GF_EAUTH, "cannot read the %s file '%s': %s", what, path, strerror(errno));
        return GF_EAUTH;
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = gf_error_set(GF_EAUTH, "cannot read the %s file '%s': %s", what, path,
                              strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (gf_buf_put(out, chunk, (size_t)n) < 0) {
            rc = gf_error_set(GF_EAUTH, "the %s file '%s' is larger than %u bytes", what, path,
                              MAX_TOKEN_BYTES);
            break;
        }
    }
    explicit_bzero(chunk, sizeof(chunk));
    close(fd);
    return rc;
}

static void session_name(char *out, size_t size, const struct chain *c)
{
    struct gf_buf s = GF_BUF_INIT;

    /* botocore's default is botocore-session-<epoch seconds> */
    gf_buf_printf(&s, "gitfargate-session-%lld",
                  (long long)(gf_clock_wall_ms(c->clock) / 1000));
    out[0] = '\0';
    if (!gf_buf_failed(&s) && s.len < size)
        memcpy(out, s.ptr, s.len + 1);
    gf_buf_release(&s);
}

/* ---- web identity ------------------------------------------------------------------------- */

/* env (unless use_env is false) wins over the profile's key (botocore _get_config). */
static const char *wi_get(const struct chain *c, bool use_env, const char *profile,
                          const char *var, const char *key)
{
    const char *v = use_env ? env(c, var) : NULL;

    return v ? v : gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile, key);
}

static int web_identity(struct gf_creds *out, struct chain *c, const char *profile, bool use_env)
{
    struct gf_creds_web_identity_req req;
    struct gf_awsconfig_role role;
    struct gf_buf token = GF_BUF_INIT;
    const char *path = wi_get(c, use_env, profile, "AWS_WEB_IDENTITY_TOKEN_FILE",
                              "web_identity_token_file");
    char name[64];
    int rc;

    if (!path)
        return SKIPPED;
    memset(&req, 0, sizeof(req));
    req.role_arn = wi_get(c, use_env, profile, "AWS_ROLE_ARN", "role_arn");
    req.role_session_name = wi_get(c, use_env, profile, "AWS_ROLE_SESSION_NAME",
                                   "role_session_name");
    req.region = c->opts->region;
    if (!req.role_arn) {
        gf_error_set(GF_EINVALID, "web identity token file '%s' is set but no role ARN", path);
        gf_error_hint("set AWS_ROLE_ARN or role_arn in profile '%s'", profile);
        return GF_EINVALID;
    }
    rc = gf_awsconfig_role(&role, c->cfg, profile);
    if (rc < 0)
        return rc;
    req.duration_seconds = role.duration_seconds;
    if (!req.role_session_name) {
        session_name(name, sizeof(name), c);
        req.role_session_name = name;
    }
    if (!c->opts->sts || !c->opts->sts->assume_role_with_web_identity) {
        gf_error_set(GF_ERROR, "web identity needs STS, and no STS client was given");
        return GF_ERROR;
    }
    rc = read_secret_file(&token, path, "web identity token");
    if (rc < 0)
        goto out;
    req.token = gf_slice_trim(gf_buf_slice(&token));
    rc = c->opts->sts->assume_role_with_web_identity(out, &req, c->opts->sts->payload);
    if (rc == 0)
        rc = set_source(out, "web-identity");
out:
    gf_buf_release_secret(&token);
    return rc;
}

static int p_web_identity(struct gf_creds *out, struct chain *c)
{
    int rc = web_identity(out, c, c->cfg->profile, !c->cfg->profile_explicit);

    if (rc == SKIPPED)
        note(c, "web-identity: no token file");
    return rc;
}

/* ---- HTTP (container, IMDS) --------------------------------------------------------------- */

static int chain_http(struct gf_http **out, struct chain *c)
{
    struct gf_http_opts o = GF_HTTP_OPTS_INIT;
    int rc;

    if (!c->http) {
        o.rate_per_s = 0;
        o.user_agent = "gitfargate-creds";
        rc = gf_http_new(&c->own_http, &o);
        if (rc < 0)
            return rc;
        c->http = c->own_http;
    }
    *out = c->http;
    return 0;
}

/* One attempt. headers: name, value pairs, NULL-terminated. rc 0: resp->status is set;
 * < 0: no response (resp->fault says why; the gf_error is set). */
static int http_once(struct gf_http_response *resp, struct chain *c, const char *method,
                     const char *url, const char *const *headers, int64_t timeout_ms,
                     const char *op)
{
    struct gf_http_request req;
    struct gf_http *http = NULL;
    int rc;

    rc = gf_http_request_init(&req, method, url);
    if (rc < 0)
        goto out;
    req.service = "creds";
    req.operation = op;
    req.timeout_ms = timeout_ms;
    req.connect_timeout_ms = timeout_ms;
    req.max_response_bytes = MAX_BODY_BYTES;
    req.max_attempts = 1;
    req.no_proxy = true;
    req.secret = true; /* the reply is credentials: wiped before it is freed */
    for (; headers && headers[0] && rc == 0; headers += 2)
        rc = gf_http_headers_add(&req.headers, headers[0], headers[1]);
    if (rc == 0)
        rc = chain_http(&http, c);
    if (rc == 0)
        rc = gf_http_send(resp, http, &req);
out:
    gf_http_request_release(&req);
    return rc;
}

/* ---- ECS container endpoint --------------------------------------------------------------- */

static bool host_is(struct gf_slice host, const char *name)
{
    return gf_slice_eq_str(host, name);
}

/* 127.0.0.0/8 as a dotted quad. */
static bool host_loopback4(struct gf_slice h)
{
    int dots = 0;
    size_t i;

    if (!gf_slice_starts_with(h, "127."))
        return false;
    for (i = 0; i < h.len; i++) {
        if (h.ptr[i] == '.')
            dots++;
        else if (h.ptr[i] < '0' || h.ptr[i] > '9')
            return false;
    }
    return dots == 3;
}

/* FULL_URI must be https, or http to loopback or the ECS / EKS agent addresses (botocore
 * ContainerMetadataFetcher._ALLOWED_HOSTS). */
static bool full_uri_allowed(const char *uri)
{
    struct gf_slice rest = gf_slice_from(uri);
    struct gf_slice host;
    size_t i = 0;
    long at;

    if (gf_slice_starts_with(rest, "https://"))
        return true;
    if (!gf_slice_starts_with(rest, "http://"))
        return false;
    rest = gf_slice_sub(rest, 7, rest.len);
    while (i < rest.len && rest.ptr[i] != '/' && rest.ptr[i] != '?' && rest.ptr[i] != '#')
        i++;
    host = gf_slice_sub(rest, 0, i);
    at = gf_slice_find(host, '@', 0);
    if (at >= 0)
        host = gf_slice_sub(host, (size_t)at + 1, host.len);
    if (host.len && host.ptr[0] == '[') {
        long close = gf_slice_find(host, ']', 0);

        host = gf_slice_sub(host, 1, close < 0 ? 0 : (size_t)close - 1);
        return host_is(host, "fd00:ec2::23") || host_is(host, "::1");
    }
    for (i = 0; i < host.len && host.ptr[i] != ':'; i++)
        ;
    host = gf_slice_sub(host, 0, i);
    return host_loopback4(host) || host_is(host, "localhost") ||
           host_is(host, "169.254.170.2") || host_is(host, "169.254.170.23");
}

static int container_url(struct gf_buf *url, struct chain *c)
{
    const char *rel = env(c, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env(c, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *base = c->opts->container_base ? c->opts->container_base : "http://169.254.170.2";

    if (rel) {
        gf_buf_printf(url, "%s%s%s", base, rel[0] == '/' ? "" : "/", rel);
    } else if (full) {
        if (!full_uri_allowed(full)) {
            gf_error_set(GF_EINVALID, "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' must use "
                         "https, or http to a loopback address, 169.254.170.2, 169.254.170.23, "
                         "[fd00:ec2::23] or localhost", full);
            gf_error_where("env");
            return GF_EINVALID;
        }
        gf_buf_puts(url, full);
    } else {
        note(c, "container: AWS_CONTAINER_CREDENTIALS_* not set");
        return SKIPPED;
    }
    return gf_buf_failed(url) ? GF_ENOMEM : 0;
}

/* Authorization: the token file (read each time) wins over the variable; CR/LF rejected. */
static int container_auth(struct gf_buf *out, bool *set, struct chain *c)
{
    const char *file = env(c, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = env(c, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    const char *from = file ? "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
                            : "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    int rc;

    *set = false;
    if (file) {
        rc = read_secret_file(out, file, "container authorization token");
        if (rc < 0)
            return rc;
    } else if (tok) {
        gf_buf_puts(out, tok);
        if (gf_buf_failed(out))
            return GF_ENOMEM;
    } else {
        return 0;
    }
    *set = true;
    if (memchr(out->ptr, '\r', out->len) || memchr(out->ptr, '\n', out->len)) {
        gf_error_set(GF_EINVALID, "the container authorization token (from %s) contains a "
                     "CR or LF", from);
        gf_error_where("env");
        gf_error_hint("write the token without a trailing newline");
        return GF_EINVALID;
    }
    return 0;
}

static int container_parse(struct gf_creds *out, const struct gf_http_response *resp)
{
    json_t *root = json_parse_object(gf_buf_slice(&resp->body), "the container endpoint");
    int rc;

    if (!root)
        return GF_EAUTH;
    rc = creds_from_json(out, root, "Token", "the container endpoint");
    json_decref(root);
    return rc;
}

/* Up to `attempts` GETs, `delay` apart; any failure is retried (botocore). */
static int container_fetch(struct gf_creds *out, struct chain *c, const char *url,
                           const char *const *headers)
{
    const struct gf_creds_opts *o = c->opts;
    int attempts = o->container_attempts > 0 ? o->container_attempts : 3;
    int64_t delay = o->container_retry_delay_ms ? o->container_retry_delay_ms : 1000;
    int64_t timeout = o->container_timeout_ms > 0 ? o->container_timeout_ms : 2000;
    struct gf_http_response resp;
    int rc = 0;
    int i;

    gf_http_response_init(&resp);
    for (i = 1; i <= attempts; i++) {
        if (i > 1 && delay > 0)
            c->clock->sleep_ms(c->clock->payload, delay);
        rc = http_once(&resp, c, "GET", url, headers, timeout, "container");
        if (rc == 0 && resp.status == 200)
            rc = container_parse(out, &resp);
        else if (rc == 0)
            rc = gf_error_set(resp.status >= 500 || resp.status == 429 ? GF_ERETRY : GF_EAUTH,
                              "the container credentials endpoint answered HTTP %d",
                              resp.status);
        if (rc == 0 || rc == GF_ENOMEM)
            break;
    }
    gf_http_response_release(&resp);
    if (rc < 0 && rc != GF_ENOMEM) {
        gf_error_where("%s", url);
        gf_error_hint("gave up after %d attempts; on ECS check the task role "
                      "(taskRoleArn) of the task definition", attempts);
    }
    return rc;
}

static int container_creds(struct gf_creds *out, struct chain *c)
{
    struct gf_buf url = GF_BUF_INIT;
    struct gf_buf auth = GF_BUF_INIT;
    const char *headers[5] = {"Accept", "application/json", NULL, NULL, NULL};
    bool have_auth = false;
    int rc;

    rc = container_url(&url, c);
    if (rc != 0)
        goto out;
    rc = container_auth(&auth, &have_auth, c);
    if (rc < 0)
        goto out;
    if (have_auth) {
        headers[2] = "Authorization";
        headers[3] = auth.ptr;
    }
    rc = container_fetch(out, c, url.ptr, headers);
    if (rc == 0)
        rc = set_source(out, "container");
out:
    gf_buf_release_secret(&auth);
    gf_buf_release(&url);
    return rc;
}

static int p_container(struct gf_creds *out, struct chain *c)
{
    return container_creds(out, c);
}

/* ---- EC2 instance metadata (IMDSv2, v1 fallback) ------------------------------------------ */

struct imds {
    struct chain *c;
    struct gf_buf base;  /* no trailing '/' */
    struct gf_buf token; /* secret; empty: IMDSv1 */
    int64_t timeout_ms;
};

static int imds_base(struct imds *m)
{
    struct chain *c = m->c;
    const char *base = env(c, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *mode = env(c, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");

    if (!base && mode && (strcmp(mode, "IPv6") == 0 || strcmp(mode, "ipv6") == 0))
        base = "http://[fd00:ec2::254]";
    if (!base)
        base = c->opts->imds_base ? c->opts->imds_base : "http://169.254.169.254";
    gf_buf_puts(&m->base, base);
    while (m->base.len && m->base.ptr[m->base.len - 1] == '/')
        gf_buf_truncate(&m->base, m->base.len - 1);
    return gf_buf_failed(&m->base) ? GF_ENOMEM : 0;
}

static void imds_note_fault(struct imds *m, const struct gf_http_response *resp)
{
    if (resp->fault == GF_HTTP_FAULT_TIMEOUT || resp->fault == GF_HTTP_FAULT_CONNECT)
        note(m->c, "instance: IMDS did not answer in %lld %s",
             (long long)(m->timeout_ms % 1000 ? m->timeout_ms : m->timeout_ms / 1000),
             m->timeout_ms % 1000 ? "ms" : "s");
    else
        note(m->c, "instance: IMDS request failed (%s)", gf_error_last()->msg);
}

static bool token_ok(const struct gf_buf *t)
{
    size_t i;

    for (i = 0; i < t->len; i++)
        if ((unsigned char)t->ptr[i] < 0x20 || t->ptr[i] == 0x7f)
            return false;
    return t->len > 0;
}

/* PUT /latest/api/token. 0: token (or v1 fallback, token empty); SKIPPED with a note. */
static int imds_token(struct imds *m)
{
    const char *hdr[] = {"x-aws-ec2-metadata-token-ttl-seconds", "21600", NULL};
    struct gf_http_response resp;
    struct gf_buf url = GF_BUF_INIT;
    bool v1_ok = !env_true(m->c, "AWS_EC2_METADATA_V1_DISABLED");
    int rc;

    gf_http_response_init(&resp);
    gf_buf_printf(&url, "%s/latest/api/token", m->base.ptr);
    rc = gf_buf_failed(&url) ? GF_ENOMEM : 0;
    if (rc == 0)
        rc = http_once(&resp, m->c, "PUT", url.ptr, hdr, m->timeout_ms, "imds-token");
    if (rc == GF_ENOMEM)
        goto out;
    if (rc < 0 && resp.fault == GF_HTTP_FAULT_CONNECT) {
        imds_note_fault(m, &resp); /* nobody listens: v1 would fail the same way */
        rc = SKIPPED;
    } else if (rc == 0 && resp.status == 200) {
        gf_buf_put_slice(&m->token, gf_slice_trim(gf_buf_slice(&resp.body)));
        rc = gf_buf_failed(&m->token) ? GF_ENOMEM : 0;
        if (rc == 0 && !token_ok(&m->token)) {
            note(m->c, "instance: IMDS answered an unusable token");
            rc = SKIPPED;
        }
    } else if (rc == 0 && resp.status == 400) {
        note(m->c, "instance: IMDS refused the token request (HTTP 400)");
        rc = SKIPPED;
    } else if (!v1_ok) {
        note(m->c, "instance: no IMDS token (%s) and AWS_EC2_METADATA_V1_DISABLED is set",
             rc < 0 ? "no answer" : "HTTP error");
        rc = SKIPPED;
    } else {
        rc = 0; /* 403/404/405, other statuses or a timeout: IMDSv1 */
    }
out:
    gf_buf_release(&url);
    gf_http_response_release(&resp);
    return rc;
}

/* GET base + path (with the token when there is one). 0 with a 200 body in *resp; SKIPPED. */
static int imds_get(struct gf_http_response *resp, struct imds *m, const char *path,
                    const char *role)
{
    const char *hdr[] = {"x-aws-ec2-metadata-token", m->token.ptr, NULL};
    struct gf_buf url = GF_BUF_INIT;
    int rc;

    gf_buf_printf(&url, "%s%s%s", m->base.ptr, path, role ? role : "");
    rc = gf_buf_failed(&url) ? GF_ENOMEM : 0;
    if (rc == 0)
        rc = http_once(resp, m->c, "GET", url.ptr, m->token.len ? hdr : NULL, m->timeout_ms,
                       "imds");
    gf_buf_release(&url);
    if (rc == GF_ENOMEM)
        return rc;
    if (rc < 0) {
        imds_note_fault(m, resp);
        return SKIPPED;
    }
    if (resp->status == 404 && !role) {
        note(m->c, "instance: no IAM role attached to the instance");
        return SKIPPED;
    }
    if (resp->status != 200) {
        note(m->c, "instance: IMDS answered HTTP %d%s", resp->status,
             resp->status == 401 ? " (it wants an IMDSv2 token)" : "");
        return SKIPPED;
    }
    return 0;
}

static int imds_parse(struct gf_creds *out, struct imds *m, struct gf_slice body)
{
    json_t *root = json_parse_object(body, "IMDS");
    const char *code;
    int rc;

    if (!root) {
        note(m->c, "instance: IMDS credentials are not JSON");
        return SKIPPED;
    }
    code = json_str(root, "Code");
    if (code && strcmp(code, "Success") != 0) {
        note(m->c, "instance: IMDS answered Code '%.60s'", code);
        rc = SKIPPED;
    } else {
        rc = creds_from_json(out, root, "Token", "IMDS");
        if (rc == GF_EAUTH) {
            note(m->c, "instance: %s", gf_error_last()->msg);
            rc = SKIPPED;
        }
    }
    json_decref(root);
    return rc;
}

static int imds_creds(struct gf_creds *out, struct chain *c)
{
    struct imds m;
    struct gf_http_response resp;
    struct gf_slice role;
    char *role_name = NULL;
    long nl;
    int rc;

    memset(&m, 0, sizeof(m));
    m.c = c;
    m.timeout_ms = c->opts->imds_timeout_ms > 0 ? c->opts->imds_timeout_ms : 1000;
    gf_buf_init(&m.base, 0);
    gf_buf_init(&m.token, 0);
    gf_http_response_init(&resp);
    if (env_true(c, "AWS_EC2_METADATA_DISABLED")) {
        note(c, "instance: AWS_EC2_METADATA_DISABLED is set");
        rc = SKIPPED;
        goto out;
    }
    rc = imds_base(&m);
    if (rc == 0)
        rc = imds_token(&m);
    if (rc == 0)
        rc = imds_get(&resp, &m, "/latest/meta-data/iam/security-credentials/", NULL);
    if (rc != 0)
        goto out;
    role = gf_buf_slice(&resp.body);
    nl = gf_slice_find(role, '\n', 0);
    if (nl >= 0)
        role = gf_slice_sub(role, 0, (size_t)nl);
    role = gf_slice_trim(role);
    if (!role.len) {
        note(c, "instance: no IAM role attached to the instance");
        rc = SKIPPED;
        goto out;
    }
    role_name = gf_slice_dup(role);
    rc = role_name ? imds_get(&resp, &m, "/latest/meta-data/iam/security-credentials/", role_name)
                   : GF_ENOMEM;
    if (rc == 0)
        rc = imds_parse(out, &m, gf_buf_slice(&resp.body));
    if (rc == 0)
        rc = set_source(out, "instance");
out:
    gf_free(role_name);
    gf_http_response_release(&resp);
    gf_buf_release_secret(&m.token);
    gf_buf_release(&m.base);
    return rc;
}

static int p_imds(struct gf_creds *out, struct chain *c)
{
    return imds_creds(out, c);
}

/* ---- assume-role profiles ----------------------------------------------------------------- */

static int assume_role(struct gf_creds *out, struct chain *c, const char *profile);

static bool has_static_keys(const struct chain *c, const char *profile)
{
    return gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile, "aws_access_key_id") ||
           gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile, "aws_secret_access_key");
}

static bool is_role_profile(const struct chain *c, const char *profile)
{
    return gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile, "role_arn") &&
           !gf_awsconfig_profile_get(c->cfg, GF_AWSCONFIG_ANY, profile, "web_identity_token_file");
}

/* A source profile's own credentials: web identity (profile keys only), credentials file,
 * credential_process, config file; env is never consulted (botocore's profile provider
 * builder with disable_env_vars). */
static int source_profile_creds(struct gf_creds *out, struct chain *c, const char *profile)
{
    int rc;

    if (!has_static_keys(c, profile) && is_role_profile(c, profile))
        return assume_role(out, c, profile);
    rc = web_identity(out, c, profile, false);
    if (rc == SKIPPED)
        rc = profile_keys(out, c, GF_AWSCONFIG_CREDENTIALS, profile);
    if (rc == SKIPPED)
        rc = profile_process(out, c, profile);
    if (rc == SKIPPED)
        rc = profile_keys(out, c, GF_AWSCONFIG_CONFIG, profile);
    if (rc == SKIPPED) {
        gf_error_set(GF_EINVALID, "source profile '%s' has no credentials", profile);
        gf_error_hint("give [%s] aws_access_key_id and aws_secret_access_key, a "
                      "credential_process, or a role_arn of its own", profile);
        return GF_EINVALID;
    }
    return rc;
}

/* credential_source = Environment | EcsContainer | Ec2InstanceMetadata. */
static int named_source_creds(struct gf_creds *out, struct chain *c, const char *source,
                              const char *profile)
{
    size_t mark = c->notes.len;
    int rc;

    if (strcmp(source, "Environment") == 0) {
        rc = p_env_any(out, c);
    } else if (strcmp(source, "EcsContainer") == 0) {
        rc = container_creds(out, c);
    } else if (strcmp(source, "Ec2InstanceMetadata") == 0) {
        rc = imds_creds(out, c);
    } else {
        gf_error_set(GF_EINVALID, "credential_source '%.60s' of profile '%s' is not one of "
                     "Environment, EcsContainer, Ec2InstanceMetadata", source, profile);
        return GF_EINVALID;
    }
    if (rc == SKIPPED) {
        const char *said = "";

        if (!gf_buf_failed(&c->notes) && c->notes.len > mark + 2)
            said = c->notes.ptr + mark + (mark ? 2 : 0);
        gf_error_set(GF_EAUTH, "credential_source %s of profile '%s' found no credentials: %s",
                     source, profile, said);
        return GF_EAUTH;
    }
    return rc;
}

static int loop_error(struct chain *c, const char *profile, const char *source)
{
    struct gf_buf path = GF_BUF_INIT;
    char where[256];
    size_t i;

    for (i = 0; i < c->nvisited; i++)
        gf_buf_printf(&path, "%s -> ", c->visited[i]);
    gf_buf_puts(&path, source);
    gf_awsconfig_profile_where(where, sizeof(where), c->cfg, GF_AWSCONFIG_ANY, profile,
                               "source_profile");
    gf_error_set(GF_EINVALID, "source_profile loop: %s",
                 gf_buf_failed(&path) ? source : path.ptr);
    gf_error_where("%s", where);
    gf_error_key("source_profile");
    gf_buf_release(&path);
    return GF_EINVALID;
}

/* botocore _validate_source_profile: it must exist; a profile seen before is a loop, except a
 * profile naming itself that has static keys. */
static int check_source_profile(struct chain *c, const char *profile, const char *source)
{
    char where[256];
    size_t i;

    if (!gf_awsconfig_has_profile(c->cfg, source)) {
        gf_awsconfig_profile_where(where, sizeof(where), c->cfg, GF_AWSCONFIG_ANY, profile,
                                   "source_profile");
        gf_error_set(GF_EINVALID, "source_profile '%s' of profile '%s' does not exist", source,
                     profile);
        gf_error_where("%s", where);
        return GF_EINVALID;
    }
    for (i = 0; i < c->nvisited; i++) {
        if (strcmp(c->visited[i], source) != 0)
            continue;
        if (strcmp(source, profile) == 0 && has_static_keys(c, source))
            return 0;
        return loop_error(c, profile, source);
    }
    if (c->nvisited == MAX_DEPTH) {
        gf_error_set(GF_EINVALID, "source_profile chain longer than %d profiles", MAX_DEPTH);
        return GF_EINVALID;
    }
    return 0;
}

static int role_config_check(const struct gf_awsconfig_role *role, struct chain *c,
                             const char *profile)
{
    char where[256];

    gf_awsconfig_profile_where(where, sizeof(where), c->cfg, GF_AWSCONFIG_ANY, profile,
                               "role_arn");
    if (role->mfa_serial)
        gf_error_set(GF_EINVALID, "profile '%s' needs an MFA code (mfa_serial), which "
                     "gitfargate cannot prompt for", profile);
    else if (role->source_profile && role->credential_source)
        gf_error_set(GF_EINVALID, "profile '%s' has both source_profile and credential_source",
                     profile);
    else if (!role->source_profile && !role->credential_source)
        gf_error_set(GF_EINVALID, "profile '%s' has role_arn but neither source_profile nor "
                     "credential_source", profile);
    else if (!c->opts->sts || !c->opts->sts->assume_role)
        gf_error_set(GF_ERROR, "profile '%s' assumes a role, and no STS client was given",
                     profile);
    else
        return 0;
    gf_error_where("%s", where);
    return gf_error_last()->code;
}

static int assume_role(struct gf_creds *out, struct chain *c, const char *profile)
{
    struct gf_creds_assume_role_req req;
    struct gf_awsconfig_role role;
    struct gf_creds src = GF_CREDS_INIT;
    char name[64];
    int rc;

    rc = gf_awsconfig_role(&role, c->cfg, profile);
    if (rc == 0)
        rc = role_config_check(&role, c, profile);
    if (rc < 0)
        return rc;
    if (c->nvisited == 0)
        c->visited[c->nvisited++] = profile;
    if (role.credential_source) {
        rc = named_source_creds(&src, c, role.credential_source, profile);
    } else {
        rc = check_source_profile(c, profile, role.source_profile);
        if (rc == 0 && strcmp(role.source_profile, profile) == 0) {
            rc = profile_keys(&src, c, GF_AWSCONFIG_CREDENTIALS, profile);
            if (rc == SKIPPED)
                rc = profile_keys(&src, c, GF_AWSCONFIG_CONFIG, profile);
        } else if (rc == 0) {
            c->visited[c->nvisited++] = role.source_profile;
            rc = source_profile_creds(&src, c, role.source_profile);
        }
    }
    if (rc < 0)
        goto out;
    memset(&req, 0, sizeof(req));
    req.source = &src;
    req.role_arn = role.role_arn;
    req.role_session_name = role.role_session_name;
    if (!req.role_session_name) {
        session_name(name, sizeof(name), c);
        req.role_session_name = name;
    }
    req.external_id = role.external_id;
    req.duration_seconds = role.duration_seconds;
    req.region = c->opts->region;
    req.profile = profile;
    rc = c->opts->sts->assume_role(out, &req, c->opts->sts->payload);
    if (rc == 0)
        rc = set_source(out, "assume-role %s via profile %s", role.role_arn, profile);
out:
    gf_creds_release(&src);
    return rc;
}

static int p_assume_role(struct gf_creds *out, struct chain *c)
{
    if (!is_role_profile(c, c->cfg->profile))
        return SKIPPED;
    return assume_role(out, c, c->cfg->profile);
}

/* ---- the chain ---------------------------------------------------------------------------- */

typedef int chain_step_fn(struct gf_creds *out, struct chain *c);

/* reference/aws-protocols.md §5, without sso, login and boto2 */
static chain_step_fn *const s_steps[] = {
    p_env,     p_assume_role, p_web_identity, p_credentials_file,
    p_process, p_config_file, p_container,    p_imds,
};

static int none_found(const struct chain *c)
{
    gf_error_set(GF_EAUTH, "no AWS credentials found: %s",
                 gf_buf_failed(&c->notes) ? "(out of memory)" : c->notes.ptr);
    gf_error_where("credentials");
    gf_error_hint("export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, add keys to profile '%s' "
                  "(name another with --profile or AWS_PROFILE), or run on ECS with a task role",
                  c->cfg->profile);
    return GF_EAUTH;
}

int gf_creds_resolve(struct gf_creds *out, const struct gf_creds_opts *opts)
{
    struct chain c;
    size_t i;
    int rc = SKIPPED;

    GF_ASSERT(opts && opts->config && opts->config->profile);
    memset(&c, 0, sizeof(c));
    c.opts = opts;
    c.cfg = opts->config;
    c.clock = opts->clock ? opts->clock : gf_clock_system();
    c.http = opts->http;
    gf_buf_init(&c.notes, 0);
    gf_creds_release(out);
    for (i = 0; i < sizeof(s_steps) / sizeof(s_steps[0]) && rc == SKIPPED; i++) {
        rc = s_steps[i](out, &c);
        if (rc != 0)
            gf_creds_release(out);
    }
    if (rc == SKIPPED)
        rc = none_found(&c);
    if (rc == 0)
        gf_log_debug("creds", "credentials resolved", GF_F_STR("source", out->source),
                     GF_F_STR("profile", c.cfg->profile), GF_F_INT("expires_ms", out->expiration_ms));
    gf_http_free(c.own_http);
    gf_buf_release(&c.notes);
    return rc;
}

/* ---- caching provider --------------------------------------------------------------------- */

struct gf_creds_provider {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    gf_creds_fetch_fn *fetch;
    void *payload;
    const struct gf_clock *clock;
    struct gf_creds cached;
    bool have;
    bool refreshing;
    struct gf_creds_opts chain_opts; /* for _new_chain */
};

int gf_creds_provider_new(struct gf_creds_provider **out, gf_creds_fetch_fn *fetch, void *payload,
                          const struct gf_clock *clock)
{
    struct gf_creds_provider *p = gf_calloc(1, sizeof(*p));

    *out = NULL;
    if (!p)
        return gf_error_oom();
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        gf_free(p);
        return gf_error_set(GF_ERROR, "cannot create a mutex");
    }
    if (pthread_cond_init(&p->cond, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        gf_free(p);
        return gf_error_set(GF_ERROR, "cannot create a condition variable");
    }
    p->fetch = fetch;
    p->payload = payload;
    p->clock = clock ? clock : gf_clock_system();
    gf_creds_init(&p->cached);
    *out = p;
    return 0;
}

static int chain_fetch(struct gf_creds *out, void *payload)
{
    const struct gf_creds_provider *p = payload;

    return gf_creds_resolve(out, &p->chain_opts);
}

int gf_creds_provider_new_chain(struct gf_creds_provider **out, const struct gf_creds_opts *opts)
{
    struct gf_creds_provider *p = NULL;
    int rc = gf_creds_provider_new(&p, chain_fetch, NULL, opts->clock);

    if (rc < 0)
        return rc;
    GF_ASSERT(p);
    p->chain_opts = *opts;
    p->payload = p;
    *out = p;
    return 0;
}

void gf_creds_provider_free(struct gf_creds_provider *p)
{
    if (!p)
        return;
    gf_creds_release(&p->cached);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    gf_free(p);
}

void gf_creds_provider_invalidate(struct gf_creds_provider *p)
{
    pthread_mutex_lock(&p->lock);
    gf_creds_release(&p->cached);
    p->have = false;
    pthread_mutex_unlock(&p->lock);
}

/* Time left before expiry, INT64_MAX for credentials that do not expire. */
static int64_t time_left(const struct gf_creds_provider *p)
{
    if (!p->have)
        return INT64_MIN;
    if (p->cached.expiration_ms == 0)
        return INT64_MAX;
    return p->cached.expiration_ms - gf_clock_wall_ms(p->clock);
}

/* Under the lock: store the result of a refresh and pick what the caller gets. */
static int refresh_done(struct gf_creds *out, struct gf_creds_provider *p, struct gf_creds *fresh,
                        int rc)
{
    struct gf_error err;

    if (rc == 0) {
        gf_creds_release(&p->cached);
        p->cached = *fresh;
        gf_creds_init(fresh);
        p->have = true;
        gf_log_debug("creds", "credentials refreshed", GF_F_STR("source", p->cached.source),
                     GF_F_INT("expires_ms", p->cached.expiration_ms));
        return gf_creds_copy(out, &p->cached);
    }
    if (time_left(p) <= GF_CREDS_MANDATORY_MS)
        return rc;
    /* advisory window: keep serving what we have */
    gf_error_copy(&err, gf_error_last());
    gf_log_warn("creds", "credential refresh failed; using the current ones until they are "
                "closer to expiry", GF_F_STR("error", err.msg), GF_F_STR("where", err.where),
                GF_F_INT("expires_in_ms", time_left(p)));
    return gf_creds_copy(out, &p->cached);
}

int gf_creds_provider_get(struct gf_creds *out, struct gf_creds_provider *p)
{
    struct gf_creds fresh = GF_CREDS_INIT;
    int rc;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        int64_t left = time_left(p);

        if (left > GF_CREDS_ADVISORY_MS || (p->refreshing && left > GF_CREDS_MANDATORY_MS)) {
            rc = gf_creds_copy(out, &p->cached);
            pthread_mutex_unlock(&p->lock);
            return rc;
        }
        if (!p->refreshing)
            break;
        pthread_cond_wait(&p->cond, &p->lock);
    }
    p->refreshing = true;
    pthread_mutex_unlock(&p->lock);

    rc = p->fetch(&fresh, p->payload);

    pthread_mutex_lock(&p->lock);
    p->refreshing = false;
    rc = refresh_done(out, p, &fresh, rc);
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    gf_creds_release(&fresh);
    return rc;
}
