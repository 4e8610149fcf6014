/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_test.c: `gitfargate plan / apply / destroy` as a user runs them, against a real
 * `gitfargate local-aws` on loopback: the first apply creates, the file is enriched, a second
 * apply makes no mutating call (and a plan of the unchanged stack makes no call at all), a change
 * in the file is one update, drift made behind our back (a retention, a policy widened by hand)
 * shows with --no-cache and an apply puts it back, destroy removes
 * everything, and the audit store holds every run, action and call. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "common/buf.h"
#include "reconcile/resource.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/stackfix.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define STACK_MIN                                                                                  \
    "app:\n"                                                                                       \
    "  name: demo\n"                                                                               \
    "log_group:\n"                                                                                 \
    "  retention_days: 14\n"                                                                       \
    "tasks:\n"                                                                                     \
    "  hello:\n"                                                                                   \
    "    type: task\n"                                                                             \
    "    image: nginx:1.27\n"

static void apply_ok(struct gf_test_stack *f, struct gf_test_run *r)
{
    const char *args[] = {"apply", NULL};

    gf_test_stack_run(r, f, args);
    cr_assert_eq(r->status, 0, "apply failed (%d): %s", r->status, r->err.ptr);
}

Test(reconcile, apply_creates_enriches_and_reapply_is_idle, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    struct gf_buf text = GF_BUF_INIT;
    json_t *plan, *out;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_MIN, NULL);
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_geq(gf_test_stack_summary(plan, "create"), 2, "cluster and log group to create");
    json_decref(plan);

    apply_ok(&f, &r);
    cr_expect(strstr(r.err.ptr, "Apply complete"), "stderr: %s", r.err.ptr);
    gf_test_run_release(&r);

    /* the file is the state: it now holds the account and the ARNs */
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    cr_expect(strstr(text.ptr, "arn:aws:ecs:" GF_TEST_AWS_REGION ":" GF_TEST_AWS_ACCOUNT
                               ":cluster/demo-cluster"),
              "enriched file: %s", text.ptr);
    cr_expect(strstr(text.ptr, "arn:aws:logs:"), "enriched file: %s", text.ptr);
    gf_buf_release(&text);

    /* the journal holds each create's result: what it made, not the id known before it */
    cr_expect_gt(gf_test_stack_sql_int(&f, "SELECT count(*) FROM journal WHERE state = 'done' "
                                           "AND operation LIKE 'Create%'"),
                 0);
    cr_expect_eq(gf_test_stack_sql_int(&f, "SELECT count(*) FROM journal WHERE state = 'done' "
                                           "AND operation LIKE 'Create%' AND result_id IS NULL"),
                 0);
    cr_expect_eq(gf_test_stack_sql_int(&f, "SELECT count(*) FROM journal WHERE operation = "
                                           "'CreateCluster' AND result_id LIKE "
                                           "'arn:aws:ecs:%:cluster/demo-cluster'"),
                 1);

    /* AWS has them */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeClusters",
                              json_pack("{s:[s]}", "clusters", "demo-cluster"));
    cr_expect_str_eq(gf_test_json_str(out, "clusters.0.status"), "ACTIVE");
    json_decref(out);

    /* unchanged: a plan makes no AWS call at all, an apply no mutating one */
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "none"), json_array_size(json_object_get(plan, "actions")));
    cr_expect_eq(gf_test_stack_calls(plan, "made"), 0, "an unchanged stack plans without AWS calls");
    json_decref(plan);
    apply_ok(&f, &r);
    cr_expect(strstr(r.err.ptr, "No changes"), "stderr: %s", r.err.ptr);
    gf_test_run_release(&r);
    gf_test_stack_stop(&f);
}

Test(reconcile, a_change_is_one_update_and_drift_shows_without_cache, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    struct gf_buf text = GF_BUF_INIT;
    json_t *plan, *out;
    char *edited;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_MIN, NULL);
    apply_ok(&f, &r);
    gf_test_run_release(&r);

    /* someone changes the retention by hand: the cache hides it, --no-cache shows drift */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "PutRetentionPolicy",
                              json_pack("{s:s, s:i}", "logGroupName", "/ecs/app-fargatestack/demo",
                                        "retentionInDays", 90));
    json_decref(out);
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "drift"), 0);
    json_decref(plan);
    plan = gf_test_stack_plan_json(&f, "--no-cache");
    cr_expect_eq(gf_test_stack_summary(plan, "drift"), 1, "--no-cache reads and finds the drift");
    json_decref(plan);

    /* the file changes: one update, and afterwards AWS has it */
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    edited = strstr(text.ptr, "retention_days: 14");
    cr_assert_not_null(edited, "enriched file: %s", text.ptr);
    memcpy(edited, "retention_days: 30", strlen("retention_days: 30"));
    cr_assert_eq(gf_test_write_file(f.stack, text.ptr, text.len), 0);
    gf_buf_release(&text);
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "update"), 1);
    cr_expect_eq(gf_test_stack_summary(plan, "create"), 0);
    json_decref(plan);
    apply_ok(&f, &r);
    gf_test_run_release(&r);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "DescribeLogGroups",
                              json_pack("{s:s}", "logGroupNamePrefix", "/ecs/app-fargatestack/demo"));
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "logGroups.0.retentionInDays")), 30);
    json_decref(out);
    gf_test_stack_stop(&f);
}

/* What the file asks for and gitfargate does not build yet is said, never silently dropped. */
Test(reconcile, what_is_not_built_yet_is_warned_about_not_dropped, .timeout = 120)
{
    struct gf_test_stack f;
    json_t *plan;
    char *all;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS,
                        "app:\n  name: shop\ndomain: shop.example.test\n"
                        "alb:\n  waf:\n    enabled: true\n"
                        "tasks:\n  web:\n    type: http\n    image: nginx:1.27\n"
                        "    autoscaling:\n      cpu: 60\n      max_capacity: 4\n"
                        "  nightly:\n    type: task\n    image: nginx:1.27\n"
                        "    schedule: rate(1 day)\n    event_bus_name: orders\n"
                        "bucket:\n  name: shop-assets\n  policy: '{}'\n"
                        "route53:\n  profile: dns-account\n",
                        NULL);
    plan = gf_test_stack_plan_json(&f, NULL);
    all = json_dumps(json_object_get(plan, "warnings"), 0);
    cr_assert_not_null(all);
    cr_expect(strstr(all, "tasks.web.autoscaling (line 11) is not applied yet"), "%s", all);
    cr_expect(strstr(all, "alb.waf (line 5) is not applied yet"), "%s", all);
    cr_expect(strstr(all, "tasks.nightly.event_bus_name (line 18) is not used"), "%s", all);
    cr_expect(strstr(all, "bucket.policy (line 21) is not applied yet"), "%s", all);
    cr_expect(strstr(all, "route53.profile (line 23) is not supported yet"), "%s", all);
    free(all);
    json_decref(plan);
    gf_test_stack_stop(&f);
}

/* The action of `kind` in a plan document (NULL when none). */
static const json_t *action_of(const json_t *plan, const char *kind)
{
    return gf_rc_json_find(json_object_get(plan, "actions"), "kind", kind);
}

/* A policy widened by hand: --no-cache shows it as drift, and an apply puts the stack's back. */
Test(reconcile, a_policy_edited_by_hand_is_drift_and_apply_restores_it, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    const json_t *a, *v;
    json_t *plan;
    const char *role_key;
    char role[128] = "", policy[128];
    size_t i;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_MIN, NULL);
    apply_ok(&f, &r);
    gf_test_run_release(&r);
    plan = gf_test_stack_plan_json(&f, "--no-cache");
    a = action_of(plan, "role_policy");
    cr_assert_not_null(a, "the stack has an inline policy");
    snprintf(policy, sizeof(policy), "%s", json_string_value(json_object_get(a, "name")));
    /* its role: the role action of the same key ("execution", "task", "events") */
    role_key = json_string_value(json_object_get(a, "key"));
    json_array_foreach(json_object_get(plan, "actions"), i, v) {
        if (strcmp(json_string_value(json_object_get(v, "kind")), "role") == 0 &&
            strcmp(json_string_value(json_object_get(v, "key")), role_key) == 0)
            snprintf(role, sizeof(role), "%s", json_string_value(json_object_get(v, "name")));
    }
    cr_assert(role[0], "the role of policy %s", policy);
    json_decref(plan);

    json_decref(gf_test_aws_call_ok(
        &f.aws, &gf_aws_iam, "PutRolePolicy",
        json_pack("{s:s, s:s, s:s}", "RoleName", role, "PolicyName", policy, "PolicyDocument",
                  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                  "\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")));
    plan = gf_test_stack_plan_json(&f, "--no-cache");
    cr_expect_eq(gf_test_stack_summary(plan, "drift"), 1);
    a = action_of(plan, "role_policy");
    cr_expect_str_eq(json_string_value(json_object_get(a, "change")), "drift");
    cr_expect_str_eq(gf_test_json_str(a, "diffs.0.field"), "PolicyDocument.Statement");
    json_decref(plan);

    cr_expect_eq(gf_test_stack_apply(&f, "--no-cache", 0, NULL), 1, "one PutRolePolicy");
    plan = gf_test_stack_plan_json(&f, "--no-cache");
    cr_expect_eq(gf_test_stack_summary(plan, "drift"), 0, "the stack's policy is back");
    cr_expect_eq(gf_test_stack_summary(plan, "update"), 0);
    json_decref(plan);
    gf_test_stack_stop(&f);
}

Test(reconcile, destroy_removes_everything_and_the_audit_has_it, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    json_t *out;
    const char *destroy[] = {"destroy", "--yes", NULL};
    const char *no_yes[] = {"destroy", NULL};
    const char *audit[] = {"audit", "--format", "json", NULL};

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_MIN, NULL);
    apply_ok(&f, &r);
    gf_test_run_release(&r);

    gf_test_stack_run(&r, &f, no_yes);
    cr_expect_eq(r.status, 64, "destroy without --yes is a usage error");
    gf_test_run_release(&r);

    gf_test_stack_run(&r, &f, destroy);
    cr_assert_eq(r.status, 0, "destroy failed: %s", r.err.ptr);
    gf_test_run_release(&r);
    gf_test_aws_call_fails(&f.aws, &gf_aws_logs, "DeleteLogGroup",
                           json_pack("{s:s}", "logGroupName", "/ecs/app-fargatestack/demo"),
                           "ResourceNotFoundException");
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeClusters",
                              json_pack("{s:[s]}", "clusters", "demo-cluster"));
    {
        const char *status = gf_test_json_str(out, "clusters.0.status");

        /* ECS keeps a deleted cluster visible as INACTIVE for a while */
        cr_expect(!status || strcmp(status, "INACTIVE") == 0, "cluster still %s", status);
    }
    json_decref(out);

    gf_test_stack_run(&r, &f, audit);
    cr_assert_eq(r.status, 0, "audit: %s", r.err.ptr);
    cr_expect(strstr(r.out.ptr, "\"destroy\""), "audit: %s", r.out.ptr);
    cr_expect(strstr(r.out.ptr, "\"apply\""), "audit: %s", r.out.ptr);
    gf_test_run_release(&r);
    gf_test_stack_stop(&f);
}

/* --format json on apply: one document, after the apply, with each action's outcome and every
 * call made (the plan's reads and the apply's writes), for a pipeline to read. */
Test(reconcile, apply_json_is_printed_after_the_apply_with_outcomes, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    const char *const args[] = {"apply", "--format", "json", NULL};
    const json_t *a;
    json_t *doc;
    size_t i, succeeded = 0;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_MIN, NULL);
    gf_test_stack_run(&r, &f, args);
    cr_assert_eq(r.status, 0, "apply: %s", r.err.ptr);
    doc = json_loads(r.out.ptr, 0, NULL);
    cr_assert_not_null(doc, "stdout is one JSON document: %s", r.out.ptr);
    cr_expect(json_is_true(json_object_get(doc, "applied")));
    json_array_foreach(json_object_get(doc, "actions"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "change")), "create") == 0) {
            cr_expect_str_eq(json_string_value(json_object_get(a, "outcome")), "success",
                             "action %zu", i);
            succeeded++;
        }
    }
    cr_expect_geq(succeeded, 2, "cluster and log group at least");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(doc, "api_calls"), "made")),
                 gf_test_stack_sql_int(&f, "SELECT count(*) FROM api_calls"),
                 "every call of the run is counted");
    json_decref(doc);
    gf_test_run_release(&r);
    gf_test_stack_stop(&f);
}
