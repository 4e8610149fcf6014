/* SPDX-License-Identifier: Apache-2.0 */
/* svc_events_test.c: aws/svc_events.c against local-aws and moto (rules, upsert, state, ECS
 * targets, tags, deletes), and local-aws's EventBridge strictness (schedule expressions, the
 * five-target limit, per-target failures with HTTP 200, ListRules paging). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_events.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/alloc.h"
#include "common/banned.h"

#define RARN    "arn:aws:events:eu-west-1:123456789012:rule/"
#define CLUSTER "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
#define ROLE    "arn:aws:iam::123456789012:role/events-ecs"
#define TASKDEF "arn:aws:ecs:eu-west-1:123456789012:task-definition/report:3"

static struct gf_test_aws s_b;

static void fini(void)
{
    gf_test_aws_stop(&s_b);
}

static void assert_aws_code(const char *code)
{
    cr_assert_str_eq(gf_error_last()->aws_code, code, "aws_code %s, wanted %s (%s)",
                     gf_error_last()->aws_code, code, gf_error_last()->msg);
}

/* An ECS Fargate target as the reconcile engine builds it. */
static json_t *ecs_target(const char *id)
{
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:i,s:s,s:s,s:{s:{s:[s],s:[s],s:s}}}}", "Id", id, "Arn",
                     CLUSTER, "RoleArn", ROLE, "EcsParameters", "TaskDefinitionArn", TASKDEF,
                     "TaskCount", 1, "LaunchType", "FARGATE", "PlatformVersion", "LATEST",
                     "NetworkConfiguration", "awsvpcConfiguration", "Subnets", "subnet-0a",
                     "SecurityGroups", "sg-1", "AssignPublicIp", "DISABLED");
}

static void rules_scenario(struct gf_test_aws *b)
{
    struct gf_aws_client *c = b->client;
    struct gf_events_rule_spec spec = GF_EVENTS_RULE_SPEC_INIT;
    json_t *tags = json_pack("[{s:s,s:s}]", "Key", "team", "Value", "a");
    json_t *more = json_pack("[{s:s,s:s}]", "Key", "env", "Value", "prod");
    json_t *keys = json_pack("[s]", "team");
    json_t *targets = json_pack("[o]", ecs_target("report"));
    json_t *ids = json_pack("[s]", "report");
    json_t *out = NULL, *failed = NULL;
    char *arn = NULL;

    spec.name = "nightly";
    spec.schedule_expression = "cron(0 3 * * ? *)";
    spec.description = "nightly report";
    spec.tags = tags;
    gf_cr_ok(gf_events_put_rule(&arn, c, &spec));
    cr_assert_str_eq(arn, RARN "nightly");
    gf_free(arn);
    spec.name = "every-5";
    spec.schedule_expression = "rate(5 minutes)";
    spec.state = "DISABLED";
    spec.description = NULL;
    spec.tags = NULL;
    gf_cr_ok(gf_events_put_rule(NULL, c, &spec));

    gf_cr_ok(gf_events_describe_rule(&out, c, "nightly"));
    cr_assert_str_eq(gf_test_json_str(out, "Arn"), RARN "nightly");
    cr_assert_str_eq(gf_test_json_str(out, "ScheduleExpression"), "cron(0 3 * * ? *)");
    cr_assert_str_eq(gf_test_json_str(out, "State"), "ENABLED");
    cr_assert_str_eq(gf_test_json_str(out, "Description"), "nightly report");
    json_decref(out);
    gf_cr_fails(GF_ENOTFOUND, gf_events_describe_rule(&out, c, "nope"));
    cr_assert_str_eq(gf_error_last()->msg, "rule 'nope' does not exist");
    assert_aws_code("ResourceNotFoundException");

    gf_cr_ok(gf_events_list_rules(&out, c, "every"));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.State"), "DISABLED");
    json_decref(out);
    gf_cr_ok(gf_events_enable_rule(c, "every-5"));
    gf_cr_ok(gf_events_describe_rule(&out, c, "every-5"));
    cr_assert_str_eq(gf_test_json_str(out, "State"), "ENABLED");
    json_decref(out);
    gf_cr_ok(gf_events_disable_rule(c, "every-5"));
    gf_cr_fails(GF_ENOTFOUND, gf_events_enable_rule(c, "nope"));

    /* targets */
    gf_cr_ok(gf_events_put_targets(&failed, c, "nightly", targets));
    cr_assert_eq(json_array_size(failed), 0);
    json_decref(failed);
    gf_cr_ok(gf_events_list_targets(&out, c, "nightly"));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.Id"), "report");
    cr_assert_str_eq(gf_test_json_str(out, "0.EcsParameters.TaskDefinitionArn"), TASKDEF);
    cr_assert_str_eq(
        gf_test_json_str(out, "0.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets.0"),
        "subnet-0a");
    json_decref(out);
    gf_cr_fails(GF_ENOTFOUND, gf_events_put_targets(NULL, c, "nope", targets));
    gf_cr_fails(GF_ERROR, gf_events_delete_rule(c, "nightly"));
    assert_aws_code("ValidationException");
    gf_cr_ok(gf_events_remove_targets(NULL, c, "nightly", ids));
    gf_cr_ok(gf_events_list_targets(&out, c, "nightly"));
    cr_assert_eq(json_array_size(out), 0);
    json_decref(out);

    /* tags */
    gf_cr_ok(gf_events_tag_resource(c, RARN "nightly", more));
    gf_cr_ok(gf_events_untag_resource(c, RARN "nightly", keys));
    gf_cr_ok(gf_events_list_tags(&out, c, RARN "nightly"));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.Key"), "env");
    json_decref(out);
    gf_cr_fails(GF_ENOTFOUND, gf_events_list_tags(&out, c, RARN "nope"));

    gf_cr_ok(gf_events_delete_rule(c, "nightly"));
    gf_cr_fails(GF_ENOTFOUND, gf_events_describe_rule(&out, c, "nightly"));
    gf_cr_ok(gf_events_delete_rule(c, "nightly")); /* repeats succeed */
    json_decref(tags);
    json_decref(more);
    json_decref(keys);
    json_decref(targets);
    json_decref(ids);
}

Test(svc_events, rules_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    rules_scenario(&s_b);
}

Test(svc_events, rules_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    rules_scenario(&s_b);
}

/* ---- local-aws strictness --------------------------------------------------------------- */

Test(svc_events, strict_codes_local_aws, .fini = fini)
{
    static const char *const bad[] = {"rate(1 minutes)", "rate(5 minute)", "cron(0 3 * * *)",
                                      "cron(0 3 ? * ? *)", "cron(0 3 * * * *)", NULL};
    struct gf_events_rule_spec spec = GF_EVENTS_RULE_SPEC_INIT;
    json_t *targets = json_array(), *failed = NULL;
    struct gf_aws_client *c;
    char id[8];
    size_t i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    spec.name = "r";
    for (i = 0; bad[i]; i++) {
        spec.schedule_expression = bad[i];
        gf_cr_fails(GF_ERROR, gf_events_put_rule(NULL, c, &spec));
        assert_aws_code("ValidationException");
        cr_assert_str_eq(gf_error_last()->msg,
                         "events:PutRule: ValidationException: Parameter ScheduleExpression is "
                         "not valid.");
    }
    spec.schedule_expression = NULL;
    spec.event_pattern = "{\"source\":\"aws.ecr\"}";
    gf_cr_fails(GF_ERROR, gf_events_put_rule(NULL, c, &spec));
    assert_aws_code("InvalidEventPatternException");
    spec.event_pattern = NULL;
    spec.schedule_expression = "rate(1 minute)";
    gf_cr_ok(gf_events_put_rule(NULL, c, &spec));

    /* a bad target ARN fails that target only, with HTTP 200 */
    json_array_append_new(targets, ecs_target("ok"));
    json_array_append_new(targets, json_pack("{s:s,s:s}", "Id", "bad", "Arn", "not-an-arn"));
    gf_cr_fails(GF_ERROR, gf_events_put_targets(&failed, c, "r", targets));
    cr_assert_str_eq(gf_error_last()->aws_code, "ValidationException");
    cr_assert(strstr(gf_error_last()->msg, "target 'bad' of rule 'r' failed"));
    cr_assert_eq(json_array_size(failed), 1);
    cr_assert_str_eq(gf_test_json_str(failed, "0.TargetId"), "bad");
    json_decref(failed);
    json_array_clear(targets);
    for (i = 0; i < 5; i++) {
        snprintf(id, sizeof(id), "t%zu", i);
        json_array_append_new(targets, ecs_target(id));
    }
    /* 5 + "ok": LimitExceededException, which botocore's retry modes (and so aws/retry.c)
     * count as throttling: retried, then GF_ERETRY */
    gf_cr_fails(GF_ERETRY, gf_events_put_targets(NULL, c, "r", targets));
    assert_aws_code("LimitExceededException");
    json_array_remove(targets, 4);
    gf_cr_ok(gf_events_put_targets(NULL, c, "r", targets));
    json_decref(targets);
}

Test(svc_events, list_rules_pages_local_aws, .fini = fini)
{
    struct gf_events_rule_spec spec = GF_EVENTS_RULE_SPEC_INIT;
    json_t *out = NULL;
    char name[16];
    int i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    spec.schedule_expression = "rate(1 day)";
    spec.name = name;
    for (i = 0; i < 130; i++) { /* ListRules pages at 100 */
        snprintf(name, sizeof(name), "r%03d", i);
        gf_cr_ok(gf_events_put_rule(NULL, s_b.client, &spec));
    }
    gf_cr_ok(gf_events_list_rules(&out, s_b.client, NULL));
    cr_assert_eq(json_array_size(out), 130);
    cr_assert_str_eq(gf_test_json_str(out, "129.Name"), "r129");
    json_decref(out);
}
