/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_test.c: `gitfargate local-aws` as a real process on a kernel-picked loopback port,
 * driven with raw requests signed by aws/sigv4 and sent by aws/http: STS and ECS calls, SigV4
 * rejections, protocol errors, the stats endpoint, persistence across a restart, clean stop. */
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

static void local_start(struct local *t, const char *db)
{
    struct gf_buf line = GF_BUF_INIT;
    char name[32];
    char *log;
    const char *argv[] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0", "--db", db,
                          "--region", "eu-west-1", "--account", "123456789012",
                          "--credentials", KEY ":" SECRET, NULL};
    const char *mark;

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
    send_call(&r, &t, &(struct call){"logs", NULL, KEY, SECRET, JSON11, "Logs_20140328.DescribeLogGroups",
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
