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

struct fixture {
    struct gf_test_aws aws;
    char *dir, *stack, *db;
    char endpoint_env[96];
};

static void fixture_start(struct fixture *f, enum gf_test_aws_kind kind, const char *text)
{
    gf_test_aws_start(&f->aws, kind, kind == GF_TEST_LOCAL_AWS ? s_images : NULL);
    f->dir = gf_test_tmpdir("reconcile-ecs");
    cr_assert_not_null(f->dir);
    f->stack = gf_test_path(f->dir, "stack.yml");
    f->db = gf_test_path(f->dir, "gf.db");
    cr_assert_eq(gf_test_write_file(f->stack, text, strlen(text)), 0);
    snprintf(f->endpoint_env, sizeof(f->endpoint_env), "AWS_ENDPOINT_URL=%s", f->aws.url);
}

static void fixture_stop(struct fixture *f)
{
    free(f->stack);
    free(f->db);
    gf_test_tmpdir_remove(f->dir);
    gf_test_aws_stop(&f->aws);
}

/* Run gitfargate (args NULL-terminated) with the backend's credentials and endpoint. */
static void gf(struct gf_test_run *out, struct fixture *f, const char *const *args)
{
    const char *argv[32] = {gf_test_binary()};
    const char *env[] = {"AWS_ACCESS_KEY_ID=" GF_TEST_AWS_KEY,
                         "AWS_SECRET_ACCESS_KEY=" GF_TEST_AWS_SECRET,
                         "AWS_SESSION_TOKEN=",
                         "AWS_REGION=" GF_TEST_AWS_REGION,
                         "AWS_PROFILE=",
                         "AWS_CONFIG_FILE=/dev/null",
                         "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
                         "AWS_EC2_METADATA_DISABLED=true",
                         f->endpoint_env,
                         NULL};
    size_t n = 1, i;

    for (i = 0; args[i] && n < 26; i++)
        argv[n++] = args[i];
    argv[n++] = "-c";
    argv[n++] = f->stack;
    argv[n++] = "--db";
    argv[n++] = f->db;
    argv[n] = NULL;
    cr_assert_eq(gf_test_run(out, argv, env, f->dir, NULL, 120), 0);
}

/* apply [extra]; asserts the exit status; returns the mutating-call count of the summary. */
static long apply(struct fixture *f, const char *extra, int want_status, struct gf_buf *err)
{
    struct gf_test_run r;
    const char *args[] = {"apply", extra, NULL};
    const char *s;
    long mutating = 0;

    gf(&r, f, args);
    cr_assert_eq(r.status, want_status, "apply exited %d: %s", r.status, r.err.ptr);
    s = strstr(r.err.ptr, "AWS calls (");
    if (s)
        mutating = strtol(s + strlen("AWS calls ("), NULL, 10);
    if (err)
        gf_buf_puts(err, r.err.ptr);
    gf_test_run_release(&r);
    return mutating;
}

static json_t *plan_json(struct fixture *f)
{
    struct gf_test_run r;
    const char *args[] = {"plan", "--format", "json", NULL};
    json_t *doc;

    gf(&r, f, args);
    cr_assert_eq(r.status, 0, "plan failed: %s", r.err.ptr);
    doc = json_loads(r.out.ptr, 0, NULL);
    cr_assert_not_null(doc, "plan printed: %s", r.out.ptr);
    gf_test_run_release(&r);
    return doc;
}

static long long summary(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "summary"), key));
}

/* Replace `from` by `to` in the (enriched) stack file. */
static void edit(struct fixture *f, const char *from, const char *to)
{
    struct gf_buf text = GF_BUF_INIT, next = GF_BUF_INIT;
    const char *at;

    cr_assert_eq(gf_test_read_file(&text, f->stack), 0);
    at = strstr(text.ptr, from);
    cr_assert_not_null(at, "'%s' not in %s", from, text.ptr);
    gf_buf_put(&next, text.ptr, (size_t)(at - text.ptr));
    gf_buf_puts(&next, to);
    gf_buf_puts(&next, at + strlen(from));
    cr_assert_eq(gf_test_write_file(f->stack, next.ptr, next.len), 0);
    gf_buf_release(&text);
    gf_buf_release(&next);
}

static json_t *describe_service(struct fixture *f, const char *cluster, const char *name)
{
    return gf_test_aws_call_ok(&f->aws, &gf_aws_ecs, "DescribeServices",
                               json_pack("{s:s, s:[s]}", "cluster", cluster, "services", name));
}

Test(reconcile_ecs, daemon_reaches_steady_state_and_an_image_bump_is_two_calls, .timeout = 120)
{
    struct fixture f;
    struct gf_buf text = GF_BUF_INIT;
    json_t *svc, *plan;

    fixture_start(&f, GF_TEST_LOCAL_AWS, RELAY);
    apply(&f, NULL, 0, NULL);
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

    cr_expect_eq(apply(&f, NULL, 0, NULL), 0, "re-apply makes no mutating call");

    edit(&f, "metrics-relay:1.8.2", "metrics-relay:1.8.3");
    plan = plan_json(&f);
    cr_expect_eq(summary(plan, "update"), 2, "task definition and service");
    cr_expect_eq(summary(plan, "create"), 0);
    json_decref(plan);
    cr_expect_eq(apply(&f, NULL, 0, NULL), 2, "one RegisterTaskDefinition, one UpdateService");
    svc = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect(strstr(gf_test_json_str(svc, "services.0.taskDefinition"), "relay:2"));
    cr_expect_eq(json_integer_value(gf_test_json_at(svc, "services.0.runningCount")), 2);
    json_decref(svc);
    cr_expect_eq(apply(&f, NULL, 0, NULL), 0, "and then it is idle again");
    fixture_stop(&f);
}

Test(reconcile_ecs, scheduled_task_rule_and_target_and_a_schedule_change, .timeout = 120)
{
    struct fixture f;
    json_t *out;

    fixture_start(&f, GF_TEST_LOCAL_AWS, REPORT);
    apply(&f, NULL, 0, NULL);
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

    cr_expect_eq(apply(&f, NULL, 0, NULL), 0, "re-apply makes no mutating call");
    edit(&f, "cron(0 2 * * ? *)", "cron(30 3 * * ? *)");
    cr_expect_eq(apply(&f, NULL, 0, NULL), 1, "a schedule change is one PutRule");
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

        gf(&r, &f, args);
        plan = json_loads(r.out.ptr, 0, NULL);
        cr_assert_not_null(plan, "plan: %s %s", r.out.ptr, r.err.ptr);
        cr_expect_eq(summary(plan, "drift"), 1);
        json_decref(plan);
        gf_test_run_release(&r);
    }
    fixture_stop(&f);
}

Test(reconcile_ecs, missing_ecr_image_fails_preflight_and_changes_nothing, .timeout = 120)
{
    struct fixture f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    fixture_start(&f, GF_TEST_LOCAL_AWS, RELAY);
    edit(&f, "metrics-relay:1.8.2", "metrics-relay:9.9.9");
    cr_expect_eq(apply(&f, NULL, 1, &err), 0);
    cr_expect(strstr(err.ptr, "preflight failed"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "tasks.relay.image: image " ECR "metrics-relay:9.9.9 is not in ECR"),
              "stderr: %s", err.ptr);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeClusters",
                              json_pack("{s:[s]}", "clusters", "metrics-relay-cluster"));
    cr_expect_eq(json_array_size(json_object_get(out, "clusters")), 0, "nothing was created");
    json_decref(out);
    gf_buf_release(&err);
    fixture_stop(&f);
}

Test(reconcile_ecs, failed_deployment_fails_apply_with_the_ecs_reason, .timeout = 120)
{
    struct fixture f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    fixture_start(&f, GF_TEST_LOCAL_AWS, RELAY);
    apply(&f, NULL, 0, NULL);
    /* the image exists, but the new tasks cannot start: their log group is gone */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "DeleteLogGroup",
                              json_pack("{s:s}", "logGroupName",
                                        "/ecs/app-fargatestack/metrics-relay"));
    json_decref(out);
    edit(&f, "metrics-relay:1.8.2", "metrics-relay:1.8.3");
    apply(&f, NULL, 1, &err);
    cr_expect(strstr(err.ptr, "service 'relay' deployment of"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "circuit breaker"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "ResourceInitializationError"), "stderr: %s", err.ptr);
    out = describe_service(&f, "metrics-relay-cluster", "relay");
    cr_expect(strstr(gf_test_json_str(out, "services.0.taskDefinition"), "relay:1"),
              "rolled back to the last working revision");
    json_decref(out);
    gf_buf_release(&err);
    fixture_stop(&f);
}

/* Cut the task `key`'s block out of the (enriched) stack file. */
static void remove_task(struct fixture *f, const char *key)
{
    struct gf_buf text = GF_BUF_INIT, next = GF_BUF_INIT, head = GF_BUF_INIT;
    const char *at, *end;

    gf_buf_printf(&head, "\n  %s:\n", key);
    cr_assert_eq(gf_test_read_file(&text, f->stack), 0);
    at = strstr(text.ptr, head.ptr);
    cr_assert_not_null(at, "task %s not in %s", key, text.ptr);
    for (end = at + head.len; *end; end = strchr(end, '\n') + 1) {
        if (!(end[0] == ' ' && end[1] == ' ' && end[2] == ' ') && end[0] != '\n')
            break;
        if (!strchr(end, '\n')) {
            end += strlen(end);
            break;
        }
    }
    gf_buf_put(&next, text.ptr, (size_t)(at - text.ptr) + 1);
    gf_buf_puts(&next, end);
    cr_assert_eq(gf_test_write_file(f->stack, next.ptr, next.len), 0);
    gf_buf_release(&text);
    gf_buf_release(&next);
    gf_buf_release(&head);
}

Test(reconcile_ecs, prune_removes_a_task_gone_from_the_file, .timeout = 120)
{
    struct fixture f;
    struct gf_buf err = GF_BUF_INIT;
    json_t *out;

    fixture_start(&f, GF_TEST_LOCAL_AWS,
                  RELAY "  report:\n"
                        "    type: task\n"
                        "    image: report-runner:latest\n"
                        "    schedule: rate(1 day)\n");
    apply(&f, NULL, 0, NULL);
    remove_task(&f, "report");
    apply(&f, "--prune", 0, &err);
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
    fixture_stop(&f);
}

/* Two private subnets in `vpc`, routed to a NAT gateway in public subnet `pub`. */
static void moto_private_subnets(struct fixture *f, const char *vpc, const char *pub)
{
    static const char *const s_cidr[] = {"172.31.128.0/20", "172.31.144.0/20"};
    static const char *const s_zone[] = {GF_TEST_AWS_REGION "a", GF_TEST_AWS_REGION "b"};
    json_t *eip, *nat, *table, *out;
    const char *nat_id, *table_id;
    size_t i;

    eip = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "AllocateAddress",
                              json_pack("{s:s}", "Domain", "vpc"));
    nat = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateNatGateway",
                              json_pack("{s:s, s:s}", "SubnetId", pub, "AllocationId",
                                        gf_test_json_str(eip, "allocationId")));
    nat_id = gf_test_json_str(nat, "natGateway.natGatewayId");
    cr_assert_not_null(nat_id);
    table = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateRouteTable",
                                json_pack("{s:s}", "VpcId", vpc));
    table_id = gf_test_json_str(table, "routeTable.routeTableId");
    cr_assert_not_null(table_id);
    out = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateRoute",
                              json_pack("{s:s, s:s, s:s}", "RouteTableId", table_id,
                                        "DestinationCidrBlock", "0.0.0.0/0", "NatGatewayId",
                                        nat_id));
    json_decref(out);
    for (i = 0; i < 2; i++) {
        json_t *sn = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateSubnet",
                                         json_pack("{s:s, s:s, s:s}", "VpcId", vpc, "CidrBlock",
                                                   s_cidr[i], "AvailabilityZone", s_zone[i]));

        out = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "AssociateRouteTable",
                                  json_pack("{s:s, s:s}", "RouteTableId", table_id, "SubnetId",
                                            gf_test_json_str(sn, "subnet.subnetId")));
        json_decref(out);
        json_decref(sn);
    }
    json_decref(table);
    json_decref(nat);
    json_decref(eip);
}

/* moto's default VPC has no internet gateway: give it one, routed from the main table, so
 * discovery finds it (its subnets then classify as public), and two private subnets. */
static void moto_gateway(struct fixture *f)
{
    json_t *vpcs, *igw, *tables, *out, *subnets;
    const char *vpc, *igw_id, *table;

    vpcs = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "DescribeVpcs", NULL);
    vpc = gf_test_json_str(vpcs, "vpcSet.0.vpcId");
    cr_assert_not_null(vpc);
    igw = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateInternetGateway", NULL);
    igw_id = gf_test_json_str(igw, "internetGateway.internetGatewayId");
    cr_assert_not_null(igw_id);
    out = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "AttachInternetGateway",
                              json_pack("{s:s, s:s}", "InternetGatewayId", igw_id, "VpcId", vpc));
    json_decref(out);
    tables = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "DescribeRouteTables",
                                 json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "vpc-id",
                                           "Value", vpc));
    table = gf_test_json_str(tables, "routeTableSet.0.routeTableId");
    cr_assert_not_null(table);
    out = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "CreateRoute",
                              json_pack("{s:s, s:s, s:s}", "RouteTableId", table,
                                        "DestinationCidrBlock", "0.0.0.0/0", "GatewayId", igw_id));
    json_decref(out);
    subnets = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "DescribeSubnets",
                                  json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "vpc-id",
                                            "Value", vpc));
    moto_private_subnets(f, vpc, gf_test_json_str(subnets, "subnetSet.0.subnetId"));
    json_decref(subnets);
    json_decref(tables);
    json_decref(igw);
    json_decref(vpcs);
}

/* moto: what its ECS and EventBridge support; its services never start tasks, so --no-wait. */
Test(reconcile_ecs, moto_daemon_and_schedule_apply_without_wait, .timeout = 120)
{
    struct fixture f;
    json_t *out;

    if (!gf_test_moto_installed())
        cr_skip_test("moto is not installed");
    fixture_start(&f, GF_TEST_MOTO,
                  "app:\n"
                  "  name: mixed\n"
                  "tasks:\n"
                  "  relay:\n"
                  "    type: daemon\n"
                  "    image: nginx:1.27\n"
                  "  report:\n"
                  "    type: task\n"
                  "    image: nginx:1.27\n"
                  "    schedule: rate(1 day)\n");
    moto_gateway(&f);
    apply(&f, "--no-wait", 0, NULL);
    out = describe_service(&f, "mixed-cluster", "relay");
    cr_expect_str_eq(gf_test_json_str(out, "services.0.status"), "ACTIVE");
    json_decref(out);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_events, "ListTargetsByRule",
                              json_pack("{s:s}", "Rule", "report-schedule"));
    cr_expect_str_eq(gf_test_json_str(out, "Targets.0.Id"), "report-target");
    json_decref(out);
    cr_expect_eq(apply(&f, "--no-wait", 0, NULL), 0, "re-apply makes no mutating call");
    fixture_stop(&f);
}
