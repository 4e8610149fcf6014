/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_test.c: `gitfargate local-aws` as a real process on a kernel-picked loopback port,
 * driven with raw requests signed by aws/sigv4 and sent by aws/http: STS and ECS calls, SigV4
 * rejections, protocol errors, the stats endpoint, persistence across a restart, clean stop;
 * the starting topology, SQS's legacy query form, and the command line's errors. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define KEY    "AKIDLOCALTEST0000001"
#define SECRET "local/Secret+Key/0123456789abcdefghijkl"
#define ECS_T  "AmazonEC2ContainerServiceV20141113."
#define JSON11 "application/x-amz-json-1.1"
#define FORM   "application/x-www-form-urlencoded; charset=utf-8"

struct local {
    char *tmp;
    struct gf_test_child child;
    unsigned port;
    unsigned starts;
    struct gf_http *http;
};

/* Start with the common arguments plus `extra` (NULL-terminated, at most 8, or NULL). */
static void local_start_with(struct local *t, const char *db, const char *const *extra)
{
    struct gf_buf line = GF_BUF_INIT;
    char name[32];
    char *log;
    const char *argv[24] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0", "--db", db,
                            "--region", "eu-west-1", "--account", "123456789012",
                            "--credentials", KEY ":" SECRET, NULL};
    const char *mark;
    size_t n = 12, i;

    for (i = 0; extra && extra[i] && i < 8; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    /* a fresh log per start: a restart must not read the previous run's ready line */
    snprintf(name, sizeof(name), "local-aws-%u.log", t->starts++);
    log = gf_test_path(t->tmp, name);
    cr_assert_eq(gf_test_spawn(&t->child, argv, NULL, log), 0);
    cr_assert_eq(gf_test_wait_log(&t->child, "local-aws: listening on http://127.0.0.1:", &line,
                                  10000),
                 0, "local-aws did not print its ready line");
    mark = strrchr(line.ptr, ':');
    cr_assert(mark);
    t->port = (unsigned)strtoul(mark + 1, NULL, 10);
    cr_assert_gt(t->port, 0);
    gf_buf_release(&line);
    free(log);
}

static void local_start(struct local *t, const char *db)
{
    local_start_with(t, db, NULL);
}

static void setup_with(struct local *t, const char *db)
{
    memset(t, 0, sizeof(*t));
    t->tmp = gf_test_tmpdir("local-aws");
    gf_cr_ok(gf_http_new(&t->http, NULL));
    local_start(t, db);
}

static void teardown(struct local *t)
{
    gf_test_kill(&t->child);
    gf_http_free(t->http);
    gf_test_tmpdir_remove(t->tmp);
}

struct reply {
    int status;
    struct gf_buf body;
    char request_id[64];
    json_t *json; /* JSON bodies */
};

struct call {
    const char *scope;  /* signing name */
    const char *region; /* scope region */
    const char *key, *secret;
    const char *ctype, *target;
    const char *body;
};

/* Sign and send POST / with the call's headers and body. */
static void send_call(struct reply *out, struct local *t, const struct call *c)
{
    struct gf_sigv4_header h[3];
    struct gf_sigv4_creds creds = {gf_slice_from(c->key), gf_slice_from(c->secret), GF_SLICE_INIT};
    struct gf_sigv4_params p;
    struct gf_sigv4_signed sig;
    struct gf_http_request req;
    struct gf_http_response resp;
    char host[64], url[96];
    size_t n = 0, i;
    const char *rid;

    snprintf(host, sizeof(host), "127.0.0.1:%u", t->port);
    snprintf(url, sizeof(url), "http://%s/", host);
    h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("Content-Type"), gf_slice_from(c->ctype)};
    h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("Host"), gf_slice_from(host)};
    if (c->target)
        h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Target"), gf_slice_from(c->target)};
    memset(&p, 0, sizeof(p));
    p.creds = &creds;
    p.region = gf_slice_from(c->region ? c->region : "eu-west-1");
    p.service = gf_slice_from(c->scope);
    p.time_ms = gf_clock_wall_ms(gf_clock_system());
    gf_sigv4_signed_init(&sig);
    struct gf_sigv4_request sreq = {GF_SLICE_LIT("POST"), GF_SLICE_LIT("/"), GF_SLICE_INIT, h, n,
                                    gf_slice_from(c->body)};
    gf_cr_ok(gf_sigv4_sign(&sig, &sreq, &p));
    gf_cr_ok(gf_http_request_init(&req, "POST", url));
    for (i = 0; i < n; i++)
        if (!gf_slice_eq_str(h[i].name, "Host"))
            gf_http_headers_add(&req.headers, h[i].name.ptr, h[i].value.ptr);
    for (i = 0; i < sig.n_add; i++) {
        char *name = gf_slice_dup(sig.add[i].name), *value = gf_slice_dup(sig.add[i].value);

        gf_http_headers_add(&req.headers, name, value);
        gf_free(name);
        gf_free(value);
    }
    gf_buf_puts(&req.body, c->body);
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, t->http, &req));
    memset(out, 0, sizeof(*out));
    out->status = resp.status;
    gf_buf_init(&out->body, 0);
    gf_buf_put_slice(&out->body, gf_buf_slice(&resp.body));
    rid = gf_http_response_request_id(&resp);
    snprintf(out->request_id, sizeof(out->request_id), "%s", rid ? rid : "");
    out->json = json_loadb(out->body.ptr, out->body.len, 0, NULL);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_sigv4_signed_release(&sig);
}

static void reply_release(struct reply *r)
{
    json_decref(r->json);
    gf_buf_release(&r->body);
}

static void ecs(struct reply *out, struct local *t, const char *op, const char *body)
{
    char target[128];

    snprintf(target, sizeof(target), ECS_T "%s", op);
    send_call(out, t, &(struct call){"ecs", NULL, KEY, SECRET, JSON11, target, body});
}

static void expect_json_error(const struct reply *r, int status, const char *code)
{
    cr_expect_eq(r->status, status, "status %d, body %s", r->status, r->body.ptr);
    cr_assert(r->json, "error body is not JSON: %s", r->body.ptr);
    cr_expect_str_eq(json_string_value(json_object_get(r->json, "__type")), code);
    cr_expect(r->request_id[0], "no request id");
}

static const char *jpath_str(const json_t *j, const char *a, const char *b)
{
    const json_t *v = json_object_get(j, a);

    return json_string_value(b ? json_object_get(v, b) : v);
}

/* ---- tests -------------------------------------------------------------------------------- */

Test(local_aws, sts_get_caller_identity_names_the_account_and_key)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    send_call(&r, &t, &(struct call){"sts", NULL, KEY, SECRET, FORM, NULL,
                                     "Action=GetCallerIdentity&Version=2011-06-15"});
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<Account>123456789012</Account>"), "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<Arn>arn:aws:iam::123456789012:user/" KEY "</Arn>"), "%s",
              r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<RequestId>"), "%s", r.body.ptr);
    cr_expect(r.request_id[0]);
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, ecs_clusters_create_describe_list_delete)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    ecs(&r, &t, "CreateCluster", "{\"clusterName\":\"web\"}");
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect_str_eq(jpath_str(r.json, "cluster", "clusterArn"),
                     "arn:aws:ecs:eu-west-1:123456789012:cluster/web");
    cr_expect_str_eq(jpath_str(r.json, "cluster", "status"), "ACTIVE");
    reply_release(&r);
    ecs(&r, &t, "CreateCluster", "{\"clusterName\":\"web\"}"); /* idempotent */
    cr_expect_eq(r.status, 200);
    reply_release(&r);
    ecs(&r, &t, "DescribeClusters", "{\"clusters\":[\"web\",\"nope\"]}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "clusters")), 1);
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "failures"), 0), "reason")),
                     "MISSING");
    reply_release(&r);
    ecs(&r, &t, "ListClusters", "{}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "clusterArns")), 1, "%s", r.body.ptr);
    reply_release(&r);
    ecs(&r, &t, "DeleteCluster", "{\"cluster\":\"web\"}");
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(jpath_str(r.json, "cluster", "status"), "INACTIVE");
    reply_release(&r);
    ecs(&r, &t, "DeleteCluster", "{\"cluster\":\"web\"}");
    expect_json_error(&r, 400, "ClusterNotFoundException");
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, ecs_list_clusters_pages_with_next_token)
{
    struct local t;
    struct reply r;
    char body[256];
    const char *names[] = {"a", "b", "c"};
    size_t i;

    setup_with(&t, ":memory:");
    for (i = 0; i < 3; i++) {
        snprintf(body, sizeof(body), "{\"clusterName\":\"%s\"}", names[i]);
        ecs(&r, &t, "CreateCluster", body);
        reply_release(&r);
    }
    ecs(&r, &t, "ListClusters", "{\"maxResults\":2}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "clusterArns")), 2);
    cr_assert(jpath_str(r.json, "nextToken", NULL), "%s", r.body.ptr);
    snprintf(body, sizeof(body), "{\"maxResults\":2,\"nextToken\":\"%s\"}",
             jpath_str(r.json, "nextToken", NULL));
    reply_release(&r);
    ecs(&r, &t, "ListClusters", body);
    cr_expect_eq(json_array_size(json_object_get(r.json, "clusterArns")), 1);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(r.json, "clusterArns"), 0)),
                     "arn:aws:ecs:eu-west-1:123456789012:cluster/c");
    cr_expect_null(json_object_get(r.json, "nextToken"));
    reply_release(&r);
    ecs(&r, &t, "ListClusters", "{\"maxResults\":0}");
    expect_json_error(&r, 400, "InvalidParameterException");
    reply_release(&r);
    ecs(&r, &t, "ListClusters", "{\"nextToken\":\"garbage\"}");
    expect_json_error(&r, 400, "InvalidParameterException");
    reply_release(&r);
    teardown(&t);
}

#define TD_WEB                                                                                     \
    "{\"family\":\"web\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"FARGATE\"],"     \
    "\"cpu\":\"256\",\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"app\","              \
    "\"image\":\"nginx:1\"}],\"tags\":[{\"key\":\"team\",\"value\":\"a\"}]}"

Test(local_aws, ecs_task_definitions_have_immutable_revisions)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    ecs(&r, &t, "RegisterTaskDefinition", TD_WEB);
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "taskDefinitionArn"),
                     "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1");
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "status"), "ACTIVE");
    reply_release(&r);
    ecs(&r, &t, "RegisterTaskDefinition", TD_WEB);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r.json, "taskDefinition"),
                                                    "revision")),
                 2);
    reply_release(&r);
    ecs(&r, &t, "DescribeTaskDefinition", "{\"taskDefinition\":\"web\",\"include\":[\"TAGS\"]}");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r.json, "taskDefinition"),
                                                    "revision")),
                 2, "%s", r.body.ptr);
    cr_expect_eq(json_array_size(json_object_get(r.json, "tags")), 1);
    reply_release(&r);
    ecs(&r, &t, "DeregisterTaskDefinition", "{\"taskDefinition\":\"web:2\"}");
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "status"), "INACTIVE", "%s", r.body.ptr);
    reply_release(&r);
    ecs(&r, &t, "DescribeTaskDefinition",
        "{\"taskDefinition\":\"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2\"}");
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "status"), "INACTIVE");
    cr_expect_null(json_object_get(r.json, "tags"));
    reply_release(&r);
    ecs(&r, &t, "DescribeTaskDefinition", "{\"taskDefinition\":\"web\"}"); /* latest ACTIVE */
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "taskDefinitionArn"),
                     "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1");
    reply_release(&r);
    ecs(&r, &t, "ListTaskDefinitions", "{\"familyPrefix\":\"web\"}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "taskDefinitionArns")), 1, "%s",
                 r.body.ptr);
    reply_release(&r);
    ecs(&r, &t, "ListTaskDefinitions", "{\"status\":\"INACTIVE\"}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "taskDefinitionArns")), 1);
    reply_release(&r);
    ecs(&r, &t, "DescribeTaskDefinition", "{\"taskDefinition\":\"web:9\"}");
    expect_json_error(&r, 400, "ClientException");
    reply_release(&r);
    ecs(&r, &t, "DeregisterTaskDefinition", "{\"taskDefinition\":\"web\"}");
    expect_json_error(&r, 400, "ClientException");
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, ecs_register_task_definition_validates)
{
    static const struct {
        const char *body, *code, *message;
    } s_cases[] = {
        {"{\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\"}]}", "ClientException",
         "'family' is required"},
        {"{\"family\":\"f\",\"containerDefinitions\":[]}", "ClientException",
         "Container list cannot be empty."},
        {"{\"family\":\"f\",\"containerDefinitions\":[{\"name\":\"a\"}]}", "ClientException",
         "Container.image should not be null or empty."},
        {"{\"family\":\"f\",\"requiresCompatibilities\":[\"FARGATE\"],\"networkMode\":\"bridge\","
         "\"cpu\":\"256\",\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"a\","
         "\"image\":\"i\"}]}",
         "ClientException", "Fargate only supports network mode 'awsvpc'."},
        {"{\"family\":\"f\",\"requiresCompatibilities\":[\"FARGATE\"],\"networkMode\":\"awsvpc\","
         "\"cpu\":\"256\",\"memory\":\"4096\",\"containerDefinitions\":[{\"name\":\"a\","
         "\"image\":\"i\"}]}",
         "ClientException", NULL},
        {"{\"family\":\"bad name\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\"}]}",
         "ClientException", NULL},
        {"{\"family\":7,\"containerDefinitions\":[]}", "SerializationException", NULL},
    };
    struct local t;
    struct reply r;
    size_t i;

    setup_with(&t, ":memory:");
    for (i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        ecs(&r, &t, "RegisterTaskDefinition", s_cases[i].body);
        expect_json_error(&r, 400, s_cases[i].code);
        if (s_cases[i].message)
            cr_expect_str_eq(json_string_value(json_object_get(r.json, "message")),
                             s_cases[i].message, "case %zu", i);
        reply_release(&r);
    }
    ecs(&r, &t, "RegisterTaskDefinition",
        "{\"family\":\"f\",\"requiresCompatibilities\":[\"FARGATE\"],\"networkMode\":\"awsvpc\","
        "\"cpu\":\"1 vCPU\",\"memory\":\"2 GB\",\"containerDefinitions\":[{\"name\":\"a\","
        "\"image\":\"i\"}]}");
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "cpu"), "1024");
    cr_expect_str_eq(jpath_str(r.json, "taskDefinition", "memory"), "2048");
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, sigv4_failures_get_aws_codes)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    send_call(&r, &t, &(struct call){"ecs", NULL, KEY, "wrong/secret", JSON11,
                                     ECS_T "ListClusters", "{}"});
    expect_json_error(&r, 403, "SignatureDoesNotMatch");
    reply_release(&r);
    send_call(&r, &t, &(struct call){"ecs", NULL, "AKIDUNKNOWN", SECRET, JSON11,
                                     ECS_T "ListClusters", "{}"});
    expect_json_error(&r, 403, "InvalidClientTokenId");
    reply_release(&r);
    send_call(&r, &t, &(struct call){"ecs", "us-west-2", KEY, SECRET, JSON11,
                                     ECS_T "ListClusters", "{}"});
    expect_json_error(&r, 403, "SignatureDoesNotMatch");
    reply_release(&r);
    send_call(&r, &t, &(struct call){"sts", NULL, KEY, "wrong", FORM, NULL,
                                     "Action=GetCallerIdentity&Version=2011-06-15"});
    cr_expect_eq(r.status, 403);
    cr_expect(strstr(r.body.ptr, "<Code>SignatureDoesNotMatch</Code>"), "%s", r.body.ptr);
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, protocol_errors_never_crash)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    ecs(&r, &t, "NoSuchOperation", "{}");
    expect_json_error(&r, 400, "UnknownOperationException");
    reply_release(&r);
    ecs(&r, &t, "CreateCluster", "{\"clusterName\":");
    expect_json_error(&r, 400, "SerializationException");
    reply_release(&r);
    ecs(&r, &t, "CreateCluster", "[1,2]");
    expect_json_error(&r, 400, "SerializationException");
    reply_release(&r);
    send_call(&r, &t, &(struct call){"sts", NULL, KEY, SECRET, FORM, NULL,
                                     "Action=NoSuchThing&Version=2011-06-15"});
    cr_expect_eq(r.status, 400);
    cr_expect(strstr(r.body.ptr, "<Code>InvalidAction</Code>"), "%s", r.body.ptr);
    reply_release(&r);
    send_call(&r, &t, &(struct call){"sts", NULL, KEY, SECRET, FORM, NULL, "Version=2011-06-15"});
    cr_expect(strstr(r.body.ptr, "<Code>MissingAction</Code>"), "%s", r.body.ptr);
    reply_release(&r);
    send_call(&r, &t, &(struct call){"logs", NULL, KEY, SECRET, JSON11, "Logs_20140328.NoSuchOp",
                                     "{}"});
    expect_json_error(&r, 400, "UnknownOperationException");
    reply_release(&r);
    /* the server still answers */
    ecs(&r, &t, "ListClusters", "{}");
    cr_expect_eq(r.status, 200);
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, stats_count_calls_per_operation)
{
    struct gf_http_request req;
    struct gf_http_response resp;
    struct local t;
    struct reply r;
    char url[96];
    json_t *stats;

    setup_with(&t, ":memory:");
    ecs(&r, &t, "ListClusters", "{}");
    reply_release(&r);
    ecs(&r, &t, "ListClusters", "{}");
    reply_release(&r);
    ecs(&r, &t, "DeleteCluster", "{\"cluster\":\"x\"}");
    reply_release(&r);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/_localaws/stats", t.port);
    gf_cr_ok(gf_http_request_init(&req, "GET", url));
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, t.http, &req));
    cr_assert_eq(resp.status, 200);
    stats = json_loadb(resp.body.ptr, resp.body.len, 0, NULL);
    cr_assert(stats, "%s", resp.body.ptr);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(stats, "calls"),
                                                                    "ecs"),
                                                    "ListClusters")),
                 2, "%s", resp.body.ptr);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(stats, "errors"),
                                                                    "ecs"),
                                                    "DeleteCluster")),
                 1, "%s", resp.body.ptr);
    json_decref(stats);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    teardown(&t);
}

Test(local_aws, state_survives_a_restart_with_a_file_db)
{
    struct local t;
    struct reply r;
    char *db;

    memset(&t, 0, sizeof(t));
    t.tmp = gf_test_tmpdir("local-aws");
    db = gf_test_path(t.tmp, "state.db");
    gf_cr_ok(gf_http_new(&t.http, NULL));
    local_start(&t, db);
    ecs(&r, &t, "CreateCluster", "{\"clusterName\":\"kept\"}");
    reply_release(&r);
    ecs(&r, &t, "RegisterTaskDefinition", TD_WEB);
    reply_release(&r);
    cr_expect_eq(gf_test_kill(&t.child), 0, "SIGTERM should exit 0");
    local_start(&t, db);
    ecs(&r, &t, "DescribeClusters", "{\"clusters\":[\"kept\"]}");
    cr_expect_eq(json_array_size(json_object_get(r.json, "clusters")), 1, "%s", r.body.ptr);
    reply_release(&r);
    ecs(&r, &t, "RegisterTaskDefinition", TD_WEB);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r.json, "taskDefinition"),
                                                    "revision")),
                 2, "%s", r.body.ptr);
    reply_release(&r);
    free(db);
    teardown(&t);
}

Test(local_aws, sigterm_stops_cleanly)
{
    struct local t;

    setup_with(&t, ":memory:");
    cr_expect_eq(gf_test_kill(&t.child), 0);
    gf_http_free(t.http);
    gf_test_tmpdir_remove(t.tmp);
}

Test(local_aws, refuses_a_non_loopback_listen)
{
    struct gf_test_run run;
    const char *argv[] = {gf_test_binary(), "local-aws", "--listen", "0.0.0.0:0", NULL};

    cr_assert_eq(gf_test_run(&run, argv, NULL, NULL, NULL, 10), 0);
    cr_expect_neq(run.status, 0);
    cr_expect(strstr(run.err.ptr, "not a loopback address"), "%s", run.err.ptr);
    gf_test_run_release(&run);
}

/* ---- starting topology ----------------------------------------------------------------------- */

static void expect_log_line(struct local *t, const char *needle, const char *also)
{
    struct gf_buf line = GF_BUF_INIT;

    cr_assert_eq(gf_test_wait_log(&t->child, needle, &line, 5000), 0, "no line with '%s'",
                 needle);
    if (also)
        cr_expect(strstr(line.ptr, also), "'%s' not in: %s", also, line.ptr);
    gf_buf_release(&line);
}

Test(local_aws, the_topology_is_seeded_once_and_kept_across_restarts)
{
    static const char *const extra[] = {"--domain", "demo.test", "--image", "web:1.4",
                                        "--image", "team/api:latest", NULL};
    struct local t;
    char *db;

    memset(&t, 0, sizeof(t));
    t.tmp = gf_test_tmpdir("local-aws");
    db = gf_test_path(t.tmp, "state.db");
    gf_cr_ok(gf_http_new(&t.http, NULL));
    local_start_with(&t, db, extra);
    expect_log_line(&t, "local-aws: topology seeded: vpc ",
                    "zones demo.test (public) and demo.test (private); images web:1.4, "
                    "team/api:latest");
    expect_log_line(&t, "export AWS_ENDPOINT_URL=http://127.0.0.1:", NULL);
    cr_expect_eq(gf_test_kill(&t.child), 0);
    /* a restart does not seed again, whatever it is told: it reports what the db holds */
    local_start_with(&t, db, (const char *const[]){"--image", "other:2", NULL});
    expect_log_line(&t, "local-aws: topology kept from the database: vpc ",
                    "images web:1.4, team/api:latest");
    free(db);
    teardown(&t);
}

Test(local_aws, no_topology_starts_empty)
{
    struct local t;

    memset(&t, 0, sizeof(t));
    t.tmp = gf_test_tmpdir("local-aws");
    gf_cr_ok(gf_http_new(&t.http, NULL));
    local_start_with(&t, ":memory:", (const char *const[]){"--no-topology", NULL});
    expect_log_line(&t, "local-aws: topology: none (--no-topology)", NULL);
    teardown(&t);
}

/* ---- SQS's legacy query form --------------------------------------------------------------- */

#define SQS_JSON "application/x-amz-json-1.0"

static void sqs_form(struct reply *out, struct local *t, const char *body)
{
    send_call(out, t, &(struct call){"sqs", NULL, KEY, SECRET, FORM, NULL, body});
}

/* The queue URL in a body, percent-encoded for a form, into out. */
static void form_url(char *out, size_t size, const char *xml_or_json)
{
    const char *tag = strstr(xml_or_json, "<QueueUrl>");
    const char *p = tag ? tag + 10 : NULL;
    size_t n = 0;

    cr_assert(p, "no queue URL in %s", xml_or_json);
    for (; *p && *p != '<' && *p != '"' && n + 4 < size; p++) {
        if (*p == ':' || *p == '/')
            n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
        else
            out[n++] = *p;
    }
    out[n] = '\0';
}

Test(local_aws, sqs_legacy_query_form_is_decoded_and_answered_as_query)
{
    struct local t;
    struct reply r;
    char url[256], body[1024];

    setup_with(&t, ":memory:");
    send_call(&r, &t, &(struct call){"sqs", NULL, KEY, SECRET, SQS_JSON, "AmazonSQS.ListQueues",
                                     "{}"});
    if (r.status != 200) {
        reply_release(&r);
        teardown(&t);
        cr_skip_test("local-aws SQS does not serve ListQueues yet: the query form is tested "
                     "once aws/local/svc_sqs.c lands");
    }
    reply_release(&r);
    sqs_form(&r, &t, "Action=CreateQueue&Version=2012-11-05&QueueName=jobs"
                     "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=45"
                     "&Attribute.2.Name=DelaySeconds&Attribute.2.Value=2"
                     "&Tag.1.Key=team&Tag.1.Value=payments");
    cr_assert_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<CreateQueueResponse xmlns=\"http://queue.amazonaws.com/doc/"
                                 "2012-11-05/\"><CreateQueueResult><QueueUrl>"),
              "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "/123456789012/jobs</QueueUrl></CreateQueueResult>"
                                 "<ResponseMetadata><RequestId>"),
              "%s", r.body.ptr);
    form_url(url, sizeof(url), r.body.ptr);
    reply_release(&r);
    snprintf(body, sizeof(body),
             "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=%s"
             "&AttributeName.1=VisibilityTimeout&AttributeName.2=DelaySeconds",
             url);
    sqs_form(&r, &t, body);
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<GetQueueAttributesResult><Attribute><Name>"), "%s",
              r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<Name>VisibilityTimeout</Name><Value>45</Value>"), "%s",
              r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<Name>DelaySeconds</Name><Value>2</Value>"), "%s", r.body.ptr);
    reply_release(&r);
    snprintf(body, sizeof(body), "Action=ListQueueTags&Version=2012-11-05&QueueUrl=%s", url);
    sqs_form(&r, &t, body);
    cr_expect(strstr(r.body.ptr, "<Tag><Key>team</Key><Value>payments</Value></Tag>"), "%s",
              r.body.ptr);
    reply_release(&r);
    /* the JSON form sees the same queue */
    send_call(&r, &t, &(struct call){"sqs", NULL, KEY, SECRET, SQS_JSON, "AmazonSQS.GetQueueUrl",
                                     "{\"QueueName\":\"jobs\"}"});
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    reply_release(&r);
    snprintf(body, sizeof(body), "Action=DeleteQueue&Version=2012-11-05&QueueUrl=%s", url);
    sqs_form(&r, &t, body);
    cr_expect_eq(r.status, 200, "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<DeleteQueueResponse xmlns=\"http://queue.amazonaws.com/doc/"
                                 "2012-11-05/\"><ResponseMetadata>"),
              "%s", r.body.ptr);
    reply_release(&r);
    teardown(&t);
}

Test(local_aws, sqs_legacy_query_errors_use_the_legacy_codes)
{
    struct local t;
    struct reply r;

    setup_with(&t, ":memory:");
    send_call(&r, &t, &(struct call){"sqs", NULL, KEY, SECRET, SQS_JSON, "AmazonSQS.GetQueueUrl",
                                     "{\"QueueName\":\"missing\"}"});
    if (r.status == 400 && r.json && json_object_get(r.json, "__type") &&
        strcmp(json_string_value(json_object_get(r.json, "__type")),
               "UnknownOperationException") == 0) {
        reply_release(&r);
        teardown(&t);
        cr_skip_test("local-aws SQS does not serve GetQueueUrl yet");
    }
    reply_release(&r);
    sqs_form(&r, &t, "Action=GetQueueUrl&Version=2012-11-05&QueueName=missing");
    cr_expect_eq(r.status, 400, "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/"
                                 "2012-11-05/\"><Error><Type>Sender</Type><Code>"
                                 "AWS.SimpleQueueService.NonExistentQueue</Code>"),
              "%s", r.body.ptr);
    reply_release(&r);
    sqs_form(&r, &t, "Action=NoSuchAction&Version=2012-11-05");
    cr_expect_eq(r.status, 400);
    cr_expect(strstr(r.body.ptr, "<Code>InvalidAction</Code>"), "%s", r.body.ptr);
    reply_release(&r);
    sqs_form(&r, &t, "Action=CreateQueue&Version=2012-11-05&QueueName=q&Attribute.1.Name=x");
    cr_expect_eq(r.status, 400);
    cr_expect(strstr(r.body.ptr, "<Code>MalformedQueryString</Code>"), "%s", r.body.ptr);
    cr_expect(strstr(r.body.ptr, "Attribute.1 needs a Name and a Value"), "%s", r.body.ptr);
    reply_release(&r);
    sqs_form(&r, &t, "Version=2012-11-05&QueueName=q");
    cr_expect(strstr(r.body.ptr, "<Code>MissingAction</Code>"), "%s", r.body.ptr);
    reply_release(&r);
    teardown(&t);
}

/* ---- the command line ------------------------------------------------------------------------- */

Test(local_aws, bad_options_are_usage_errors_that_say_what_to_do)
{
    static const struct {
        const char *args[5];
        const char *message;
    } s_cases[] = {
        {{"--domain", "Not_A_Domain", NULL}, "bad --domain 'Not_A_Domain': use a lowercase DNS "
                                             "name such as example.test"},
        {{"--domain", "single", NULL}, "bad --domain 'single'"},
        {{"--image", "web", NULL}, "bad --image 'web': use NAME:TAG"},
        {{"--image", "Web:1", NULL}, "bad --image 'Web:1'"},
        {{"--seed", "-3", NULL}, "bad --seed '-3': use a non-negative integer"},
        {{"--docker", NULL}, "--docker needs --compose-dir DIR"},
        {{"--faults", NULL}, "option '--faults' needs a value"},
        {{"--frobnicate", NULL}, "unknown option '--frobnicate'"},
    };
    struct gf_test_run run;
    size_t i, n;

    for (i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        const char *argv[8] = {gf_test_binary(), "local-aws"};

        for (n = 0; s_cases[i].args[n]; n++)
            argv[2 + n] = s_cases[i].args[n];
        argv[2 + n] = NULL;
        cr_assert_eq(gf_test_run(&run, argv, NULL, NULL, NULL, 10), 0);
        cr_expect_eq(run.status, 64, "case %zu: status %d", i, run.status);
        cr_expect(strstr(run.err.ptr, s_cases[i].message), "case %zu: %s", i, run.err.ptr);
        gf_test_run_release(&run);
    }
}

Test(local_aws, docker_without_an_engine_fails_at_start_up)
{
    struct gf_test_run run;
    const char *info[] = {"/usr/bin/env", "docker", "info", NULL};
    char *tmp = gf_test_tmpdir("local-aws");
    const char *argv[] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0",
                          "--compose-dir", tmp, "--docker", NULL};
    bool engine;

    engine = gf_test_run(&run, info, NULL, NULL, NULL, 20) == 0 && run.status == 0;
    gf_test_run_release(&run);
    if (engine) {
        gf_test_tmpdir_remove(tmp);
        cr_skip_test("a Docker engine answers here: the no-engine message cannot be tested");
    }
    cr_assert_eq(gf_test_run(&run, argv, NULL, NULL, NULL, 20), 0);
    cr_expect_eq(run.status, 1);
    cr_expect(strstr(run.err.ptr, "--docker: no Docker engine answers (`docker info` failed)"),
              "%s", run.err.ptr);
    cr_expect(strstr(run.err.ptr, "drop --docker"), "%s", run.err.ptr);
    gf_test_run_release(&run);
    gf_test_tmpdir_remove(tmp);
}

Test(local_aws, help_lists_every_option)
{
    static const char *const s_opts[] = {"--listen", "--db", "--account", "--credentials",
                                         "--allow-remote", "--no-topology", "--domain",
                                         "--image", "--faults", "--seed", "--compose-dir",
                                         "--docker", NULL};
    struct gf_test_run run;
    const char *argv[] = {gf_test_binary(), "local-aws", "--help", NULL};
    size_t i;

    cr_assert_eq(gf_test_run(&run, argv, NULL, NULL, NULL, 10), 0);
    cr_expect_eq(run.status, 0);
    for (i = 0; s_opts[i]; i++)
        cr_expect(strstr(run.out.ptr, s_opts[i]), "--help lacks %s", s_opts[i]);
    gf_test_run_release(&run);
}
