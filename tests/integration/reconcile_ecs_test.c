/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_ecs_test.c: task definitions, ECS services and EventBridge schedules through
 * `gitfargate plan / apply` against a real `gitfargate local-aws` (whose services start tasks,
 * pull from its ECR and fail like AWS) and, where it can, moto (services never start tasks
 * there: --no-wait). Covers steady state, idle re-apply, an image bump, a schedule change, the
 * preflight's missing image, a failed deployment's reason, and --prune. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "common/buf.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/stackfix.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define ECR "123456789012.dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/"

/* examples/metrics-relay.yml, in the tests' region */
#define RELAY                                                                                      \
    "app:\n"                                                                                       \
    "  name: metrics-relay\n"                                                                      \
    "tasks:\n"                                                                                     \
    "  relay:\n"                                                                                   \
    "    type: daemon\n"                                                                           \
    "    image: " ECR "metrics-relay:1.8.2\n"                                                      \
    "    desired_count: 2\n"                                                                       \
    "    size: small\n"                                                                            \
    "    environment:\n"                                                                           \
    "      UPSTREAM_URL: https://metrics.example.com/ingest\n"

/* examples/nightly-report.yml */
#define REPORT                                                                                     \
    "app:\n"                                                                                       \
    "  name: nightly-report\n"                                                                     \
    "tasks:\n"                                                                                     \
    "  report:\n"                                                                                  \
    "    type: task\n"                                                                             \
    "    image: report-runner:latest\n"                                                            \
    "    schedule: cron(0 2 * * ? *)\n"

static const char *const s_images[] = {"--image", "metrics-relay:1.8.2", "--image",
                                       "metrics-relay:1.8.3", "--image", "report-runner:latest",
                                       NULL};

static json_t *describe_service(struct gf_test_stack *f, const char *cluster, const char *name)
{
    return gf_test_aws_call_ok(&f->aws, &gf_aws_ecs, "DescribeServices",
                               json_pack("{s:s, s:[s]}", "cluster", cluster, "services", name));
}

Test(reconcile_ecs, daemon_reaches_steady_state_and_an_image_bump_is_two_calls, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_buf text = GF_BUF_INIT;
    json_t *svc, *plan;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, RELAY, s_images);
    gf_test_stack_apply(&f, NULL, 0, NULL);
    svc = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect_str_eq(gf_test_json_str(svc, "services.0.status"), "ACTIVE");
    cr_expect_eq(json_integer_value(gf_test_json_at(svc, "services.0.runningCount")), 2);
    cr_expect_str_eq(gf_test_json_str(svc, "services.0.deployments.0.rolloutState"), "COMPLETED");
    cr_expect(json_is_true(gf_test_json_at(
        svc, "services.0.deploymentConfiguration.deploymentCircuitBreaker.rollback")));
    json_decref(svc);
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    cr_expect(strstr(text.ptr, "task-definition/relay:1"), "file: %s", text.ptr);
    cr_expect(strstr(text.ptr, "image_digest: sha256:"), "file: %s", text.ptr);
    cr_expect(strstr(text.ptr, "service/metrics-relay-cluster/relay"), "file: %s", text.ptr);
    gf_buf_release(&text);

    cr_expect_eq(gf_test_stack_apply(&f, NULL, 0, NULL), 0, "re-apply makes no mutating call");

    gf_test_stack_edit(&f, "metrics-relay:1.8.2", "metrics-relay:1.8.3");
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "update"), 2, "task definition and service");
    cr_expect_eq(gf_test_stack_summary(plan, "create"), 0);
    json_decref(plan);
    cr_expect_eq(gf_test_stack_apply(&f, NULL, 0, NULL), 2, "one RegisterTaskDefinition, one UpdateService");
    svc = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect(strstr(gf_test_json_str(svc, "services.0.taskDefinition"), "relay:2"));
    cr_expect_eq(json_integer_value(gf_test_json_at(svc, "services.0.runningCount")), 2);
    json_decref(svc);
    cr_expect_eq(gf_test_stack_apply(&f, NULL, 0, NULL), 0, "and then it is idle again");
    gf_test_stack_stop(&f);
}

Test(reconcile_ecs, scheduled_task_rule_and_target_and_a_schedule_change, .timeout = 120)
{
    struct gf_test_stack f;
    json_t *out;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, REPORT, s_images);
    gf_test_stack_apply(&f, NULL, 0, NULL);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "DescribeRule",
                              json_pack("{s:s}", "Name", "report-schedule"));
    cr_expect_str_eq(gf_test_json_str(out, "State"), "ENABLED");
    cr_expect_str_eq(gf_test_json_str(out, "ScheduleExpression"), "cron(0 2 * * ? *)");
    json_decref(out);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "ListTargetsByRule",
                              json_pack("{s:s}", "Rule", "report-schedule"));
    cr_expect_str_eq(gf_test_json_str(out, "Targets.0.Id"), "report-target");
    cr_expect(strstr(gf_test_json_str(out, "Targets.0.EcsParameters.TaskDefinitionArn"),
                     "task-definition/report:1"));
    cr_expect(strstr(gf_test_json_str(out, "Targets.0.RoleArn"), "role/Events"));
    json_decref(out);

    cr_expect_eq(gf_test_stack_apply(&f, NULL, 0, NULL), 0, "re-apply makes no mutating call");
    gf_test_stack_edit(&f, "cron(0 2 * * ? *)", "cron(30 3 * * ? *)");
    cr_expect_eq(gf_test_stack_apply(&f, NULL, 0, NULL), 1, "a schedule change is one PutRule");
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "DescribeRule",
                              json_pack("{s:s}", "Name", "report-schedule"));
    cr_expect_str_eq(gf_test_json_str(out, "ScheduleExpression"), "cron(30 3 * * ? *)");
    json_decref(out);

    /* disabled behind our back: --no-cache shows drift */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "DisableRule",
                              json_pack("{s:s}", "Name", "report-schedule"));
    json_decref(out);
    {
        struct gf_test_run r;
        const char *args[] = {"plan", "--format", "json", "--no-cache", NULL};
        json_t *plan;

        gf_test_stack_run(&r, &f, args);
        plan = json_loads(r.out.ptr, 0, NULL);
        cr_assert_not_null(plan, "plan: %s %s", r.out.ptr, r.err.ptr);
        cr_expect_eq(gf_test_stack_summary(plan, "drift"), 1);
        json_decref(plan);
        gf_test_run_release(&r);
    }
    gf_test_stack_stop(&f);
}

Test(reconcile_ecs, missing_ecr_image_fails_preflight_and_changes_nothing, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, RELAY, s_images);
    gf_test_stack_edit(&f, "metrics-relay:1.8.2", "metrics-relay:9.9.9");
    cr_expect_eq(gf_test_stack_apply(&f, NULL, 1, &err), 0);
    cr_expect(strstr(err.ptr, "preflight failed"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "tasks.relay.image: image " ECR "metrics-relay:9.9.9 is not in ECR"),
              "stderr: %s", err.ptr);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeClusters",
                              json_pack("{s:[s]}", "clusters", "metrics-relay-cluster"));
    cr_expect_eq(json_array_size(json_object_get(out, "clusters")), 0, "nothing was created");
    json_decref(out);
    gf_buf_release(&err);
    gf_test_stack_stop(&f);
}

Test(reconcile_ecs, failed_deployment_fails_apply_with_the_ecs_reason, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, RELAY, s_images);
    gf_test_stack_apply(&f, NULL, 0, NULL);
    /* the image exists, but the new tasks cannot start: their log group is gone */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "DeleteLogGroup",
                              json_pack("{s:s}", "logGroupName",
                                        "/ecs/app-fargatestack/metrics-relay"));
    json_decref(out);
    gf_test_stack_edit(&f, "metrics-relay:1.8.2", "metrics-relay:1.8.3");
    gf_test_stack_apply(&f, NULL, 1, &err);
    cr_expect(strstr(err.ptr, "service 'relay' deployment of"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "circuit breaker"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "ResourceInitializationError"), "stderr: %s", err.ptr);
    out = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect(strstr(gf_test_json_str(out, "services.0.taskDefinition"), "relay:1"),
              "rolled back to the last working revision");
    json_decref(out);
    gf_buf_release(&err);
    gf_test_stack_stop(&f);
}

Test(reconcile_ecs, prune_removes_a_task_gone_from_the_file, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS,
                        RELAY "  report:\n"
                              "    type: task\n"
                              "    image: report-runner:latest\n"
                              "    schedule: rate(1 day)\n",
                        s_images);
    gf_test_stack_apply(&f, NULL, 0, NULL);
    gf_test_stack_remove_task(&f, "report");
    gf_test_stack_apply(&f, "--prune", 0, &err);
    cr_expect(strstr(err.ptr, "schedule report-schedule: deleting"), "stderr: %s", err.ptr);
    gf_test_aws_call_fails(&f.aws, &gf_aws_events, "DescribeRule",
                           json_pack("{s:s}", "Name", "report-schedule"),
                           "ResourceNotFoundException");
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeTaskDefinition",
                              json_pack("{s:s}", "taskDefinition", "report:1"));
    cr_expect_str_eq(gf_test_json_str(out, "taskDefinition.status"), "INACTIVE");
    json_decref(out);
    out = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect_str_eq(gf_test_json_str(out, "services.0.status"), "ACTIVE", "the rest stays");
    json_decref(out);
    gf_buf_release(&err);
    gf_test_stack_stop(&f);
}

/* moto: what its ECS and EventBridge support; its services never start tasks, so --no-wait. */
Test(reconcile_ecs, moto_daemon_and_schedule_apply_without_wait, .timeout = 120)
{
    struct gf_test_stack f;
    json_t *out;

    if (!gf_test_moto_installed())
        cr_skip_test("moto is not installed");
    gf_test_stack_start(&f, GF_TEST_MOTO,
                        "app:\n"
                        "  name: mixed\n"
                        "tasks:\n"
                        "  relay:\n"
                        "    type: daemon\n"
                        "    image: nginx:1.27\n"
                        "  report:\n"
                        "    type: task\n"
                        "    image: nginx:1.27\n"
                        "    schedule: rate(1 day)\n",
                        NULL);
    gf_test_stack_moto_network(&f, NULL, NULL);
    gf_test_stack_apply(&f, "--no-wait", 0, NULL);
    out = describe_service(&f, "mixed-cluster", "relay");
    cr_expect_str_eq(gf_test_json_str(out, "services.0.status"), "ACTIVE");
    json_decref(out);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "ListTargetsByRule",
                              json_pack("{s:s}", "Rule", "report-schedule"));
    cr_expect_str_eq(gf_test_json_str(out, "Targets.0.Id"), "report-target");
    json_decref(out);
    cr_expect_eq(gf_test_stack_apply(&f, "--no-wait", 0, NULL), 0,
                 "re-apply makes no mutating call");
    gf_test_stack_stop(&f);
}

/* 23 services: `plan --no-cache` reads them with DescribeServices of up to 10 names (3 to 8
 * calls, not 23: batches of three or more on average), and a service scaled by hand in the middle of a batch is that service's drift
 * and no other's. On both backends: moto answers DescribeServices as AWS does. */
static void many_services_read_in_batches(enum gf_test_aws_kind kind)
{
    struct gf_test_stack f;
    struct gf_buf y = GF_BUF_INIT, calls = GF_BUF_INIT;
    const char *at;
    const json_t *a;
    json_t *plan, *out;
    size_t i;
    long describes = 0;
    int drifted = 0;

    gf_buf_puts(&y, "app:\n  name: fleet\ntasks:\n");
    for (i = 0; i < 23; i++)
        gf_buf_printf(&y, "  d%02zu:\n    type: daemon\n    image: nginx:1.27\n", i);
    gf_test_stack_start(&f, kind, y.ptr, NULL);
    if (kind == GF_TEST_MOTO)
        gf_test_stack_moto_network(&f, NULL, NULL);
    gf_test_stack_apply(&f, "--no-wait", 0, NULL);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "UpdateService",
                              json_pack("{s:s, s:s, s:i}", "cluster", "fleet-cluster", "service",
                                        "d17", "desiredCount", 3));
    json_decref(out);

    plan = gf_test_stack_plan_json(&f, "--no-cache");
    json_array_foreach(json_object_get(plan, "actions"), i, a) {
        const char *key = json_string_value(json_object_get(a, "key"));
        const json_t *d;
        size_t j;

        json_array_foreach(json_object_get(a, "diffs"), j, d) {
            if (strcmp(json_string_value(json_object_get(d, "field")), "desiredCount") == 0) {
                drifted++;
                cr_expect_str_eq(key, "d17");
                cr_expect_str_eq(json_string_value(json_object_get(a, "change")), "drift");
            }
        }
    }
    cr_expect_eq(drifted, 1, "one service scaled by hand, one desiredCount drift");
    /* moto drops deploymentConfiguration (the circuit breaker), so on moto every service also
     * differs there; local-aws keeps it, as ECS does */
    if (kind == GF_TEST_LOCAL_AWS)
        cr_expect_eq(gf_test_stack_summary(plan, "drift"), 1);
    gf_test_stack_last_calls(&calls, &f, false);
    for (at = calls.ptr; (at = strstr(at, "ecs:DescribeServices")) != NULL; at++)
        describes++;
    cr_expect(describes >= 3 && describes <= 8,
              "23 services in %ld DescribeServices (10 a call): %s", describes, calls.ptr);
    json_decref(plan);
    gf_buf_release(&calls);
    gf_buf_release(&y);
    gf_test_stack_stop(&f);
}

Test(reconcile_ecs, many_services_are_read_in_batches_local_aws, .timeout = 120)
{
    many_services_read_in_batches(GF_TEST_LOCAL_AWS);
}

Test(reconcile_ecs, many_services_are_read_in_batches_moto, .timeout = 120)
{
    many_services_read_in_batches(GF_TEST_MOTO);
}
