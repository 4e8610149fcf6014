/* SPDX-License-Identifier: Apache-2.0 */
/* awsbackend.c: see awsbackend.h. One start-up for local-aws and moto, so every service's
 * integration test runs the same scenario against both. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws/http.h"
#include "awsbackend.h"
#include "common/banned.h"

static unsigned free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    cr_assert_geq(fd, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static const char *backend_getenv(const char *name, void *payload)
{
    struct gf_test_aws *b = payload;
    static const char *const fixed[][2] = {
        {"AWS_ACCESS_KEY_ID", GF_TEST_AWS_KEY},
        {"AWS_SECRET_ACCESS_KEY", GF_TEST_AWS_SECRET},
        {"AWS_EC2_METADATA_DISABLED", "true"},
        {"AWS_REGION", GF_TEST_AWS_REGION},
    };
    size_t i;

    if (strcmp(name, "AWS_ENDPOINT_URL") == 0)
        return b->url;
    if (strcmp(name, "AWS_CONFIG_FILE") == 0)
        return b->config;
    if (strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
        return b->creds;
    if (strcmp(name, "HOME") == 0)
        return b->tmp;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (strcmp(fixed[i][0], name) == 0)
            return fixed[i][1];
    }
    return NULL;
}

bool gf_test_moto_installed(void)
{
    static int s_cached = -1;
    const char *argv[] = {"/usr/bin/env", "python3", "-c", "import moto", NULL};
    struct gf_test_run r;

    if (s_cached < 0) {
        cr_assert_eq(gf_test_run(&r, argv, NULL, NULL, NULL, 60), 0);
        s_cached = r.status == 0;
        gf_test_run_release(&r);
    }
    return s_cached == 1;
}

static void start_local(struct gf_test_aws *b, const char *const *extra)
{
    const char *argv[48] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0", "--db",
                            NULL, "--region", GF_TEST_AWS_REGION, "--account",
                            GF_TEST_AWS_ACCOUNT, "--credentials",
                            GF_TEST_AWS_KEY ":" GF_TEST_AWS_SECRET};
    size_t n = 12, i;
    struct gf_buf line = GF_BUF_INIT;
    char name[32];
    char *db = gf_test_path(b->tmp, "local.db"), *log;
    const char *mark;

    argv[5] = db;
    for (i = 0; extra && extra[i] && n < 46; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    /* a fresh log per start: a restart must not read the previous run's ready line */
    snprintf(name, sizeof(name), "local-aws-%u.log", b->starts++);
    log = gf_test_path(b->tmp, name);
    cr_assert_eq(gf_test_spawn(&b->child, argv, NULL, log), 0);
    b->started = true;
    cr_assert_eq(gf_test_wait_log(&b->child, "local-aws: listening on http://127.0.0.1:", &line,
                                  15000),
                 0, "local-aws did not print its ready line (see %s)", log);
    mark = strrchr(line.ptr, ':');
    cr_assert(mark);
    b->port = (unsigned)strtoul(mark + 1, NULL, 10);
    cr_assert_gt(b->port, 0);
    gf_buf_release(&line);
    free(log);
    free(db);
}

static void start_moto(struct gf_test_aws *b)
{
    char port[16];
    char *script = gf_test_path(gf_test_shared_dir(), "tools/moto_server.py");
    char *log = gf_test_path(b->tmp, "moto.log");

    b->port = free_port();
    snprintf(port, sizeof(port), "%u", b->port);
    {
        const char *argv[] = {"/usr/bin/env", "python3", script, "-H", "127.0.0.1", "-p", port,
                              NULL};

        cr_assert_eq(gf_test_spawn(&b->child, argv, NULL, log), 0);
    }
    b->started = true;
    cr_assert_eq(gf_test_wait_log(&b->child, "Running on", NULL, 60000), 0,
                 "moto did not start (see %s)", log);
    free(script);
    free(log);
}

static void connect_client(struct gf_test_aws *b)
{
    struct gf_aws_client_opts opts = GF_AWS_CLIENT_OPTS_INIT;

    snprintf(b->url, sizeof(b->url), "http://127.0.0.1:%u", b->port);
    b->env = (struct gf_env){backend_getenv, b};
    opts.env = &b->env;
    gf_cr_ok(gf_aws_client_new(&b->client, &opts));
}

void gf_test_aws_start(struct gf_test_aws *b, enum gf_test_aws_kind kind,
                       const char *const *extra_args)
{
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    /* the sanitizer pass of scripts/test.sh: the moto halves check the wire dialect, which the
     * normal pass covers; the client code they run is the same the local-aws halves run */
    if (kind == GF_TEST_MOTO && getenv("GF_TEST_SKIP_MOTO"))
        cr_skip_test("GF_TEST_SKIP_MOTO is set: the moto half runs in the normal build's pass");
    if (kind == GF_TEST_MOTO && !gf_test_moto_installed())
        cr_skip_test("moto is not installed (python3 -c 'import moto' failed): the moto half of "
                     "this test is skipped");
    b->tmp = gf_test_tmpdir(kind == GF_TEST_MOTO ? "moto" : "local-aws");
    cr_assert_not_null(b->tmp);
    snprintf(b->config, sizeof(b->config), "%s/config", b->tmp);
    snprintf(b->creds, sizeof(b->creds), "%s/credentials", b->tmp);
    if (kind == GF_TEST_MOTO)
        start_moto(b);
    else
        start_local(b, extra_args);
    connect_client(b);
}

void gf_test_aws_restart(struct gf_test_aws *b, const char *const *extra_args)
{
    cr_assert_eq(b->kind, GF_TEST_LOCAL_AWS, "only local-aws restarts");
    gf_aws_client_free(b->client);
    b->client = NULL;
    gf_test_kill(&b->child);
    b->started = false;
    start_local(b, extra_args);
    connect_client(b);
}

void gf_test_aws_stop(struct gf_test_aws *b)
{
    gf_aws_client_free(b->client);
    b->client = NULL;
    if (b->started)
        gf_test_kill(&b->child);
    b->started = false;
    if (b->tmp)
        gf_test_tmpdir_remove(b->tmp);
    b->tmp = NULL;
}

json_t *gf_test_aws_call_ok(struct gf_test_aws *b, const struct gf_aws_service *svc,
                            const char *op, json_t *input)
{
    json_t *out = NULL;
    int rc = gf_aws_call(&out, b->client, svc, op, input);
    const struct gf_error *e = gf_error_last();

    json_decref(input);
    cr_assert_geq(rc, 0, "%s %s failed (%s): %s %s", svc->id, op,
                  b->kind == GF_TEST_MOTO ? "moto" : "local-aws", e->aws_code, e->msg);
    cr_assert_not_null(out);
    return out;
}

void gf_test_aws_call_fails(struct gf_test_aws *b, const struct gf_aws_service *svc,
                            const char *op, json_t *input, const char *code)
{
    json_t *out = NULL;
    int rc = gf_aws_call(&out, b->client, svc, op, input);

    json_decref(input);
    json_decref(out);
    cr_assert_lt(rc, 0, "%s %s succeeded (%s), wanted %s", svc->id, op,
                 b->kind == GF_TEST_MOTO ? "moto" : "local-aws", code);
    cr_assert_str_eq(gf_error_last()->aws_code, code, "%s %s: %s", svc->id, op,
                     gf_error_last()->msg);
}

const json_t *gf_test_json_at(const json_t *root, const char *path)
{
    const json_t *v = root;
    const char *p = path;

    while (v && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[128];

        if (n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (json_is_array(v))
            v = json_array_get(v, strtoul(key, NULL, 10));
        else
            v = json_object_get(v, key);
        p += n + (dot ? 1 : 0);
    }
    return v;
}

const char *gf_test_json_str(const json_t *root, const char *path)
{
    return json_string_value(gf_test_json_at(root, path));
}

json_t *gf_test_aws_stats(struct gf_test_aws *b)
{
    struct gf_http_opts o = GF_HTTP_OPTS_INIT;
    struct gf_http *http = NULL;
    struct gf_http_request req;
    struct gf_http_response resp;
    char url[96];
    json_t *doc;

    cr_assert_eq(b->kind, GF_TEST_LOCAL_AWS, "only local-aws has a stats endpoint");
    snprintf(url, sizeof(url), "%s/_localaws/stats", b->url);
    o.rate_per_s = 0;
    gf_cr_ok(gf_http_new(&http, &o));
    gf_cr_ok(gf_http_request_init(&req, "GET", url));
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200, "GET %s: %d", url, resp.status);
    doc = json_loadb(resp.body.ptr, resp.body.len, 0, NULL);
    cr_assert_not_null(doc, "stats: %s", resp.body.ptr);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    return doc;
}
