/* SPDX-License-Identifier: Apache-2.0 */
/* svc_logs_test.c: aws/svc_logs.c against local-aws and moto (groups, retention, tags, streams,
 * events, filtering, not-found and conflict codes), local-aws's Logs strictness (AWS's codes for
 * bad names, retention values, batches, paging past one page), and the ECS hook
 * gf_local_logs_put driven directly on an in-memory state. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/local/local.h"
#include "aws/svc_logs.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define GARN "arn:aws:logs:eu-west-1:123456789012:log-group:"

static struct gf_test_aws s_b;

static void fini(void)
{
    gf_test_aws_stop(&s_b);
}

static int64_t now_ms(void)
{
    return (int64_t)time(NULL) * 1000;
}

static json_t *events_of(int64_t t0, const char *const *messages)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; messages[i]; i++)
        json_array_append_new(a, json_pack("{s:I,s:s}", "timestamp", (json_int_t)(t0 + (int64_t)i),
                                           "message", messages[i]));
    return a;
}

static void assert_aws_code(const char *code)
{
    cr_assert_str_eq(gf_error_last()->aws_code, code, "aws_code %s, wanted %s (%s)",
                     gf_error_last()->aws_code, code, gf_error_last()->msg);
}

/* ---- one scenario, two backends --------------------------------------------------------- */

static void groups_scenario(struct gf_test_aws *b)
{
    struct gf_aws_client *c = b->client;
    json_t *tags = json_pack("{s:s}", "team", "a");
    json_t *out = NULL, *keys = json_pack("[s]", "team"), *env = json_pack("{s:s}", "env", "prod");
    static const char *const msgs[] = {"starting", "ERROR boom", "done", NULL};
    json_t *events = events_of(now_ms() - 1000, msgs);

    gf_cr_ok(gf_logs_create_log_group(c, "/ecs/web", tags));
    gf_cr_ok(gf_logs_create_log_group(c, "/ecs/worker", NULL));
    gf_cr_fails(GF_ECONFLICT, gf_logs_create_log_group(c, "/ecs/web", NULL));
    assert_aws_code("ResourceAlreadyExistsException");

    /* describe by exact name, though "/ecs/web" is a prefix of nothing else here */
    gf_cr_ok(gf_logs_describe_log_group(&out, c, "/ecs/web"));
    cr_assert_str_eq(gf_test_json_str(out, "logGroupName"), "/ecs/web");
    cr_assert_str_eq(gf_test_json_str(out, "arn"), GARN "/ecs/web:*");
    cr_assert_null(json_object_get(out, "retentionInDays"));
    json_decref(out);
    gf_cr_fails(GF_ENOTFOUND, gf_logs_describe_log_group(&out, c, "/ecs/we"));
    cr_assert_str_eq(gf_error_last()->msg, "log group '/ecs/we' does not exist");
    cr_assert_null(out);

    gf_cr_ok(gf_logs_put_retention_policy(c, "/ecs/web", 7));
    gf_cr_ok(gf_logs_describe_log_group(&out, c, "/ecs/web"));
    cr_assert_eq(json_integer_value(json_object_get(out, "retentionInDays")), 7);
    json_decref(out);
    gf_cr_ok(gf_logs_delete_retention_policy(c, "/ecs/web"));
    gf_cr_fails(GF_ENOTFOUND, gf_logs_put_retention_policy(c, "/nope", 7));
    cr_assert_str_eq(gf_error_last()->msg, "log group '/nope' does not exist");
    assert_aws_code("ResourceNotFoundException");

    gf_cr_ok(gf_logs_list_log_groups(&out, c, "/ecs/"));
    cr_assert_eq(json_array_size(out), 2);
    cr_assert_str_eq(gf_test_json_str(out, "1.logGroupName"), "/ecs/worker");
    json_decref(out);

    /* tags, by the ARN without ":*" */
    gf_cr_ok(gf_logs_list_tags(&out, c, GARN "/ecs/web"));
    cr_assert_str_eq(gf_test_json_str(out, "team"), "a");
    json_decref(out);
    gf_cr_ok(gf_logs_tag_resource(c, GARN "/ecs/web", env));
    gf_cr_ok(gf_logs_untag_resource(c, GARN "/ecs/web", keys));
    gf_cr_ok(gf_logs_list_tags(&out, c, GARN "/ecs/web"));
    cr_assert_eq(json_object_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "env"), "prod");
    json_decref(out);

    /* streams and events */
    gf_cr_ok(gf_logs_create_log_stream(c, "/ecs/web", "web/app/1"));
    gf_cr_fails(GF_ECONFLICT, gf_logs_create_log_stream(c, "/ecs/web", "web/app/1"));
    gf_cr_fails(GF_ENOTFOUND, gf_logs_create_log_stream(c, "/nope", "s"));
    gf_cr_ok(gf_logs_put_log_events(NULL, c, "/ecs/web", "web/app/1", events));
    gf_cr_fails(GF_ENOTFOUND, gf_logs_put_log_events(NULL, c, "/ecs/web", "nope", events));
    cr_assert_str_eq(gf_error_last()->msg,
                     "log stream 'nope' does not exist in log group '/ecs/web'");
    gf_cr_ok(gf_logs_list_log_streams(&out, c, "/ecs/web", "web/"));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.logStreamName"), "web/app/1");
    json_decref(out);
    gf_cr_ok(gf_logs_get_log_events(&out, c, "/ecs/web", "web/app/1", NULL));
    cr_assert_eq(json_array_size(out), 3);
    cr_assert_str_eq(gf_test_json_str(out, "0.message"), "starting");
    cr_assert_str_eq(gf_test_json_str(out, "2.message"), "done");
    json_decref(out);
    gf_cr_ok(gf_logs_filter_log_events(&out, c, "/ecs/web", NULL, "ERROR", NULL));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.message"), "ERROR boom");
    cr_assert_str_eq(gf_test_json_str(out, "0.logStreamName"), "web/app/1");
    json_decref(out);
    gf_cr_fails(GF_ENOTFOUND, gf_logs_get_log_events(&out, c, "/ecs/web", "nope", NULL));

    gf_cr_ok(gf_logs_delete_log_group(c, "/ecs/web"));
    gf_cr_fails(GF_ENOTFOUND, gf_logs_delete_log_group(c, "/ecs/web"));
    cr_assert_str_eq(gf_error_last()->where, "logs:DeleteLogGroup");
    gf_cr_fails(GF_ENOTFOUND, gf_logs_describe_log_group(&out, c, "/ecs/web"));
    json_decref(tags);
    json_decref(keys);
    json_decref(env);
    json_decref(events);
}

Test(svc_logs, groups_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    groups_scenario(&s_b);
}

Test(svc_logs, groups_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    groups_scenario(&s_b);
}

/* ---- local-aws strictness --------------------------------------------------------------- */

Test(svc_logs, strict_codes_local_aws, .fini = fini)
{
    struct gf_aws_client *c;
    static const char *const late[] = {"b", "a", NULL};
    json_t *out = NULL, *events;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    gf_cr_fails(GF_ERROR, gf_logs_create_log_group(c, "bad name", NULL));
    assert_aws_code("InvalidParameterException");
    gf_cr_ok(gf_logs_create_log_group(c, "g", NULL));
    gf_cr_fails(GF_ERROR, gf_logs_put_retention_policy(c, "g", 4));
    assert_aws_code("InvalidParameterException");
    cr_assert(strstr(gf_error_last()->msg, "Member must satisfy enum value set"));
    gf_cr_ok(gf_logs_put_retention_policy(c, "g", 3653));
    gf_cr_ok(gf_logs_create_log_stream(c, "g", "s"));
    gf_cr_fails(GF_ERROR, gf_logs_create_log_stream(c, "g", "a:b"));
    assert_aws_code("InvalidParameterException");

    /* events out of order fail the batch; too new ones are refused one by one */
    events = json_pack("[{s:I,s:s},{s:I,s:s}]", "timestamp", (json_int_t)now_ms(), "message", "b",
                       "timestamp", (json_int_t)(now_ms() - 5), "message", "a");
    gf_cr_fails(GF_ERROR, gf_logs_put_log_events(NULL, c, "g", "s", events));
    cr_assert(strstr(gf_error_last()->msg, "chronological order"));
    json_decref(events);
    events = events_of(now_ms() + 3 * 3600 * 1000, late);
    gf_cr_ok(gf_logs_put_log_events(&out, c, "g", "s", events));
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "rejectedLogEventsInfo"),
                                                    "tooNewLogEventStartIndex")),
                 0);
    json_decref(out);
    json_decref(events);
    gf_cr_ok(gf_logs_get_log_events(&out, c, "g", "s", NULL));
    cr_assert_eq(json_array_size(out), 0);
    json_decref(out);
}

Test(svc_logs, lists_page_local_aws, .fini = fini)
{
    struct gf_aws_client *c;
    json_t *out = NULL;
    char name[32];
    int i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    /* DescribeLogGroups pages at 50: 60 groups need two pages */
    for (i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "/p/g%02d", i);
        gf_cr_ok(gf_logs_create_log_group(c, name, NULL));
    }
    gf_cr_ok(gf_logs_create_log_group(c, "/q", NULL));
    gf_cr_ok(gf_logs_list_log_groups(&out, c, "/p/"));
    cr_assert_eq(json_array_size(out), 60);
    cr_assert_str_eq(gf_test_json_str(out, "59.logGroupName"), "/p/g59");
    json_decref(out);
    for (i = 0; i < 55; i++) {
        snprintf(name, sizeof(name), "s%02d", i);
        gf_cr_ok(gf_logs_create_log_stream(c, "/q", name));
    }
    gf_cr_ok(gf_logs_list_log_streams(&out, c, "/q", NULL));
    cr_assert_eq(json_array_size(out), 55);
    json_decref(out);
}

/* ---- the ECS hook ----------------------------------------------------------------------- */

static const struct gf_local_op *find_op(const char *name)
{
    size_t i;

    for (i = 0; gf_local_logs.ops[i].name; i++) {
        if (strcmp(gf_local_logs.ops[i].name, name) == 0)
            return &gf_local_logs.ops[i];
    }
    cr_assert_fail("no op %s", name);
    return NULL;
}

static json_t *run_op(struct gf_local_ctx *ctx, const char *name, json_t *input)
{
    json_t *out = NULL;
    int rc = find_op(name)->fn(&out, ctx, input);

    cr_assert_eq(rc, 0, "%s: %s %s", name, ctx->err_code, ctx->err_message);
    json_decref(input);
    return out;
}

Test(svc_logs, hook_appends_for_ecs)
{
    struct gf_local_ctx ctx;
    struct gf_local_db *db = NULL;
    json_t *out;

    memset(&ctx, 0, sizeof(ctx));
    gf_cr_ok(gf_local_db_open(&db, ":memory:"));
    ctx.db = db;
    ctx.svc = &gf_aws_logs;
    ctx.region = "eu-west-1";
    ctx.account = "123456789012";
    ctx.now_ms = 1700000000000;
    gf_cr_fails(GF_ENOTFOUND, gf_local_logs_put(&ctx, "/ecs/web", "web/app/t1", "hello"));
    cr_assert_str_eq(gf_error_last()->msg, "log group '/ecs/web' does not exist");
    json_decref(run_op(&ctx, "CreateLogGroup", json_pack("{s:s}", "logGroupName", "/ecs/web")));
    gf_cr_ok(gf_local_logs_put(&ctx, "/ecs/web", "web/app/t1", "hello"));
    ctx.now_ms += 5;
    gf_cr_ok(gf_local_logs_put(&ctx, "/ecs/web", "web/app/t1", "world"));
    gf_cr_fails(GF_EINVALID, gf_local_logs_put(&ctx, "/ecs/web", "bad:name", "x"));
    out = run_op(&ctx, "GetLogEvents",
                 json_pack("{s:s,s:s,s:b}", "logGroupName", "/ecs/web", "logStreamName",
                           "web/app/t1", "startFromHead", 1));
    cr_assert_eq(json_array_size(json_object_get(out, "events")), 2);
    cr_assert_str_eq(gf_test_json_str(out, "events.0.message"), "hello");
    cr_assert_eq(json_integer_value(gf_test_json_at(out, "events.1.timestamp")), 1700000000005);
    json_decref(out);
    out = run_op(&ctx, "DescribeLogStreams", json_pack("{s:s}", "logGroupName", "/ecs/web"));
    cr_assert_str_eq(gf_test_json_str(out, "logStreams.0.logStreamName"), "web/app/t1");
    cr_assert_eq(json_integer_value(gf_test_json_at(out, "logStreams.0.lastEventTimestamp")),
                 1700000000005);
    json_decref(out);
    gf_local_db_free(db);
}
