/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecs_test.c: aws/svc_ecs.h against local-aws and moto (the same scenarios), plus local-aws's
 * ECS lifecycle: tasks that run and stop, a missing ECR image or log group, services reaching a
 * steady state, the circuit breaker rolling back, draining, and its error codes. */
#define _DEFAULT_SOURCE /* usleep */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/svc_ecs.h"
#include "awsbackend.h"
#include "testlib.h"
#include "common/banned.h"

#define ARN "arn:aws:ecs:" GF_TEST_AWS_REGION ":" GF_TEST_AWS_ACCOUNT ":"

static struct gf_test_aws s_b;

static void stop_backend(void)
{
    gf_test_aws_stop(&s_b);
}

TestSuite(svc_ecs, .fini = stop_backend, .timeout = 60);

static const char *str_at(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static json_t *taskdef(const char *family, const char *image, const char *log_group)
{
    json_t *td = json_pack("{s:s, s:s, s:[s], s:s, s:s, s:[{s:s, s:s, s:b, s:i, "
                           "s:[{s:i, s:s}]}]}",
                           "family", family, "networkMode", "awsvpc", "requiresCompatibilities",
                           "FARGATE", "cpu", "256", "memory", "512", "containerDefinitions", "name",
                           "app", "image", image, "essential", 1, "memory", 512, "portMappings",
                           "containerPort", 80, "protocol", "tcp");

    cr_assert_not_null(td);
    if (log_group)
        json_object_set_new(json_array_get(json_object_get(td, "containerDefinitions"), 0),
                            "logConfiguration",
                            json_pack("{s:s, s:{s:s, s:s, s:s}}", "logDriver", "awslogs", "options",
                                      "awslogs-group", log_group, "awslogs-region",
                                      GF_TEST_AWS_REGION, "awslogs-stream-prefix", "web"));
    return td;
}

static void expect_error(int rc, int code, const char *msg_part)
{
    cr_assert_eq(rc, code, "rc %d, want %d: %s", rc, code, gf_error_last()->msg);
    if (msg_part)
        cr_expect(strstr(gf_error_last()->msg, msg_part), "message '%s' lacks '%s'",
                  gf_error_last()->msg, msg_part);
}

/* ---- clusters, task definitions and tags (local-aws and moto) ---------------------------- */

static void clusters_and_taskdefs(struct gf_test_aws *b)
{
    struct gf_aws_client *c = b->client;
    json_t *out = NULL, *tags = NULL, *list = NULL;
    json_t *team = json_pack("[{s:s, s:s}]", "key", "team", "value", "a");
    json_t *td = taskdef("web", "nginx:1.27", NULL);
    json_t *keys = json_pack("[s]", "team");
    json_t *env = json_pack("[{s:s, s:s}]", "key", "env", "value", "prod");

    gf_cr_ok(gf_ecs_create_cluster(&out, c, "c1", team));
    cr_expect_str_eq(str_at(out, "clusterArn"), ARN "cluster/c1");
    cr_expect_str_eq(str_at(out, "status"), "ACTIVE");
    json_decref(out);
    gf_cr_ok(gf_ecs_describe_cluster(&out, c, "c1"));
    cr_expect_str_eq(gf_test_json_str(out, "tags.0.value"), "a");
    json_decref(out);
    gf_cr_ok(gf_ecs_list_clusters(&list, c));
    cr_expect_eq(json_array_size(list), 1);
    json_decref(list);
    expect_error(gf_ecs_describe_cluster(&out, c, "nope"), GF_ENOTFOUND, "cluster 'nope'");
    cr_expect_null(out);

    gf_cr_ok(gf_ecs_register_task_definition(&out, c, td, team));
    cr_expect_str_eq(str_at(out, "taskDefinitionArn"), ARN "task-definition/web:1");
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, td, NULL));
    cr_expect_eq(json_integer_value(json_object_get(out, "revision")), 2);
    json_decref(out);
    gf_cr_ok(gf_ecs_describe_task_definition(&out, &tags, c, "web:1"));
    cr_expect_str_eq(str_at(out, "family"), "web");
    cr_expect_str_eq(gf_test_json_str(tags, "0.key"), "team");
    json_decref(out);
    json_decref(tags);
    gf_cr_ok(gf_ecs_describe_task_definition(&out, NULL, c, "web"));
    cr_expect_eq(json_integer_value(json_object_get(out, "revision")), 2);
    json_decref(out);
    gf_cr_ok(gf_ecs_list_task_definitions(&list, c, "web", NULL));
    cr_expect_eq(json_array_size(list), 2);
    cr_expect_str_eq(json_string_value(json_array_get(list, 0)), ARN "task-definition/web:1");
    json_decref(list);
    gf_cr_ok(gf_ecs_list_task_definition_families(&list, c, "we", NULL));
    cr_expect_eq(json_array_size(list), 1);
    cr_expect_str_eq(json_string_value(json_array_get(list, 0)), "web");
    json_decref(list);
    gf_cr_ok(gf_ecs_deregister_task_definition(&out, c, "web:1"));
    cr_expect_str_eq(str_at(out, "status"), "INACTIVE");
    json_decref(out);
    gf_cr_ok(gf_ecs_list_task_definitions(&list, c, "web", "ACTIVE"));
    cr_expect_eq(json_array_size(list), 1);
    json_decref(list);
    expect_error(gf_ecs_describe_task_definition(&out, NULL, c, "nope:1"), GF_ENOTFOUND,
                 "task definition 'nope:1' not found");

    gf_cr_ok(gf_ecs_tag_resource(c, ARN "cluster/c1", env));
    gf_cr_ok(gf_ecs_list_tags(&list, c, ARN "cluster/c1"));
    cr_expect_eq(json_array_size(list), 2);
    json_decref(list);
    gf_cr_ok(gf_ecs_untag_resource(c, ARN "cluster/c1", keys));
    gf_cr_ok(gf_ecs_list_tags(&list, c, ARN "cluster/c1"));
    cr_expect_eq(json_array_size(list), 1);
    cr_expect_str_eq(gf_test_json_str(list, "0.key"), "env");
    json_decref(list);

    gf_cr_ok(gf_ecs_delete_cluster(&out, c, "c1"));
    cr_expect_str_eq(str_at(out, "status"), "INACTIVE");
    json_decref(out);
    expect_error(gf_ecs_describe_cluster(&out, c, "c1"), GF_ENOTFOUND, "cluster 'c1' not found");
    json_decref(team);
    json_decref(td);
    json_decref(keys);
    json_decref(env);
}

Test(svc_ecs, clusters_and_taskdefs_local_aws)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    clusters_and_taskdefs(&s_b);
}

Test(svc_ecs, clusters_and_taskdefs_moto)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    clusters_and_taskdefs(&s_b);
}

/* ---- services and tasks (local-aws and moto) --------------------------------------------- */

/* A subnet and security group for awsvpc tasks: made through EC2 (moto needs DNS hostnames on
 * the VPC and a security group for RunTask: a moto gap worked around here). NULL when the
 * backend serves no EC2 (local-aws before its EC2 lands). */
static json_t *network_in(char vpc_out[64], struct gf_test_aws *b)
{
    json_t *out = NULL, *vpc = NULL, *subnet = NULL, *sg = NULL, *net, *in;
    const char *vpc_id;
    int rc;

    in = json_pack("{s:s}", "CidrBlock", "10.0.0.0/16");
    rc = gf_aws_call(&vpc, b->client, &gf_aws_ec2, "CreateVpc", in);
    json_decref(in);
    if (rc < 0)
        return NULL;
    vpc_id = gf_test_json_str(vpc, "vpc.vpcId");
    cr_assert_not_null(vpc_id);
    snprintf(vpc_out, 64, "%s", vpc_id);
    if (b->kind == GF_TEST_MOTO) /* moto's RunTask crashes without DNS hostnames */
        json_decref(gf_test_aws_call_ok(
            b, &gf_aws_ec2, "ModifyVpcAttribute",
            json_pack("{s:s, s:{s:b}}", "VpcId", vpc_id, "EnableDnsHostnames", "Value", 1)));
    subnet =
        gf_test_aws_call_ok(b, &gf_aws_ec2, "CreateSubnet",
                            json_pack("{s:s, s:s, s:s}", "VpcId", vpc_id, "CidrBlock",
                                      "10.0.1.0/24", "AvailabilityZone", GF_TEST_AWS_REGION "a"));
    sg = gf_test_aws_call_ok(b, &gf_aws_ec2, "CreateSecurityGroup",
                             json_pack("{s:s, s:s, s:s}", "GroupName", "tasks", "Description",
                                       "tasks", "VpcId", vpc_id));
    net = json_pack("{s:{s:[s], s:[s], s:s}}", "awsvpcConfiguration", "subnets",
                    gf_test_json_str(subnet, "subnet.subnetId"), "securityGroups",
                    gf_test_json_str(sg, "groupId"), "assignPublicIp", "DISABLED");
    json_decref(out);
    json_decref(vpc);
    json_decref(subnet);
    json_decref(sg);
    return net;
}

static json_t *network(struct gf_test_aws *b)
{
    char vpc[64];

    return network_in(vpc, b);
}

static void services_and_tasks(struct gf_test_aws *b)
{
    struct gf_aws_client *c = b->client;
    struct gf_ecs_task_filter f = GF_ECS_TASK_FILTER_INIT;
    json_t *net = network(b), *out = NULL, *list = NULL, *td = taskdef("web", "nginx:1", NULL);
    json_t *spec = NULL, *changes = NULL, *names = NULL;
    const char *task;

    if (!net)
        cr_skip_test("the backend serves no EC2 subnets yet");
    gf_cr_ok(gf_ecs_create_cluster(&out, c, "c1", NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, td, NULL));
    json_decref(out);

    spec = json_pack("{s:s, s:i, s:s, s:O, s:{s:{s:b, s:b}}}", "taskDefinition", "web",
                     "desiredCount", 1, "launchType", "FARGATE", "networkConfiguration", net,
                     "deploymentConfiguration", "deploymentCircuitBreaker", "enable", 1, "rollback",
                     1);
    gf_cr_ok(gf_ecs_create_service(&out, c, "c1", "api", spec));
    cr_expect_str_eq(str_at(out, "serviceArn"), ARN "service/c1/api");
    cr_expect_str_eq(str_at(out, "status"), "ACTIVE");
    cr_expect_str_eq(gf_test_json_str(out, "deployments.0.status"), "PRIMARY");
    json_decref(out);
    if (b->kind == GF_TEST_LOCAL_AWS) { /* moto accepts the same name twice; ECS refuses */
        cr_expect_eq(gf_ecs_create_service(&out, c, "c1", "api", spec), GF_ERROR);
        cr_expect_str_eq(gf_error_last()->aws_code, "InvalidParameterException");
    }
    gf_cr_ok(gf_ecs_describe_service(&out, c, "c1", "api"));
    cr_expect_eq(json_integer_value(json_object_get(out, "desiredCount")), 1);
    json_decref(out);
    expect_error(gf_ecs_describe_service(&out, c, "c1", "nope"), GF_ENOTFOUND, "service 'nope'");
    names = json_pack("[s, s]", "api", "nope");
    gf_cr_ok(gf_ecs_describe_services(&list, c, "c1", names));
    cr_expect_eq(json_array_size(list), 1);
    json_decref(list);
    gf_cr_ok(gf_ecs_list_services(&list, c, "c1"));
    cr_expect_eq(json_array_size(list), 1);
    json_decref(list);
    changes = json_pack("{s:i, s:b}", "desiredCount", 2, "forceNewDeployment", 1);
    gf_cr_ok(gf_ecs_update_service(&out, c, "c1", "api", changes));
    cr_expect_eq(json_integer_value(json_object_get(out, "desiredCount")), 2);
    json_decref(out);
    expect_error(gf_ecs_update_service(&out, c, "c1", "nope", changes), GF_ENOTFOUND,
                 "service 'nope'");

    json_decref(spec);
    spec = json_pack("{s:s, s:O, s:s}", "launchType", "FARGATE", "networkConfiguration", net,
                     "startedBy", "svc-ecs-test");
    gf_cr_ok(gf_ecs_run_task(&list, c, "c1", "web", spec));
    cr_assert_eq(json_array_size(list), 1);
    task = str_at(json_array_get(list, 0), "taskArn");
    cr_expect(strncmp(task, ARN "task/c1/", strlen(ARN "task/c1/")) == 0, "%s", task);
    gf_cr_ok(gf_ecs_describe_task(&out, c, "c1", task));
    cr_expect_str_eq(str_at(out, "desiredStatus"), "RUNNING");
    json_decref(out);
    f.started_by = "svc-ecs-test";
    gf_cr_ok(gf_ecs_list_tasks(&out, c, "c1", &f));
    cr_expect_eq(json_array_size(out), 1);
    json_decref(out);
    f.started_by = NULL;
    f.family = "web";
    gf_cr_ok(gf_ecs_list_tasks(&out, c, "c1", &f));
    cr_expect_geq(json_array_size(out), 1);
    json_decref(out);
    gf_cr_ok(gf_ecs_stop_task(&out, c, "c1", task, "test over"));
    cr_expect_str_eq(str_at(out, "desiredStatus"), "STOPPED");
    cr_expect_str_eq(str_at(out, "stoppedReason"), "test over");
    json_decref(out);
    expect_error(gf_ecs_describe_task(&out, c, "c1", "0123456789abcdef0123456789abcdef"),
                 GF_ENOTFOUND, "task '0123456789abcdef0123456789abcdef'");
    json_decref(list);

    cr_expect_eq(gf_ecs_delete_service(&out, c, "c1", "api", false), GF_ERROR);
    cr_expect_str_eq(gf_error_last()->aws_code, "InvalidParameterException");
    gf_cr_ok(gf_ecs_delete_service(&out, c, "c1", "api", true));
    json_decref(out);
    expect_error(gf_ecs_delete_service(&out, c, "c1", "nope", true), GF_ENOTFOUND, "'nope'");
    expect_error(gf_ecs_list_services(&list, c, "nope"), GF_ENOTFOUND, "cluster 'nope'");
    json_decref(spec);
    json_decref(changes);
    json_decref(names);
    json_decref(net);
    json_decref(td);
}

Test(svc_ecs, services_and_tasks_local_aws)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    services_and_tasks(&s_b);
}

Test(svc_ecs, services_and_tasks_moto)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    services_and_tasks(&s_b);
}

/* ---- local-aws only: the lifecycle --------------------------------------------------------- */

/* Poll a task until its lastStatus is `want` (the lifecycle takes 300 ms to RUNNING). */
static json_t *wait_task(struct gf_aws_client *c, const char *task, const char *want)
{
    json_t *out = NULL;
    int i;

    for (i = 0; i < 60; i++) {
        gf_cr_ok(gf_ecs_describe_task(&out, c, "c1", task));
        if (strcmp(str_at(out, "lastStatus"), want) == 0)
            return out;
        json_decref(out);
        usleep(50 * 1000);
    }
    cr_assert_fail("task %s never reached %s", task, want);
    return NULL;
}

static json_t *run_one(struct gf_aws_client *c, const json_t *net, const char *td_ref)
{
    json_t *spec = json_pack("{s:s, s:O}", "launchType", "FARGATE", "networkConfiguration", net);
    json_t *list = NULL, *task;

    gf_cr_ok(gf_ecs_run_task(&list, c, "c1", td_ref, spec));
    task = json_incref(json_array_get(list, 0));
    json_decref(list);
    json_decref(spec);
    return task;
}

Test(svc_ecs, task_lifecycle_local_aws)
{
    struct gf_aws_client *c;
    json_t *net, *out = NULL, *task, *bad;
    json_t *good = taskdef("web", "nginx:1", NULL);
    json_t *logs = taskdef("logged", "nginx:1", "/ecs/missing-group");

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    net = network(&s_b);
    if (!net)
        cr_skip_test("local-aws serves no EC2 subnets yet");
    bad = taskdef("bad", GF_TEST_AWS_ACCOUNT ".dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/nope:1",
                  NULL);
    json_decref(out);
    gf_cr_ok(gf_ecs_create_cluster(&out, c, "c1", NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, good, NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, bad, NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, logs, NULL));
    json_decref(out);

    /* a public image runs, then stops when asked */
    task = run_one(c, net, "web");
    cr_expect_str_eq(str_at(task, "lastStatus"), "PROVISIONING");
    cr_expect_str_eq(gf_test_json_str(task, "attachments.0.type"), "ElasticNetworkInterface");
    out = wait_task(c, str_at(task, "taskArn"), "RUNNING");
    cr_expect_str_eq(gf_test_json_str(out, "containers.0.lastStatus"), "RUNNING");
    json_decref(out);
    expect_error(gf_ecs_delete_cluster(NULL, c, "c1"), GF_ECONFLICT, "cluster 'c1'");
    cr_expect_str_eq(gf_error_last()->aws_code, "ClusterContainsTasksException");
    gf_cr_ok(gf_ecs_stop_task(NULL, c, "c1", str_at(task, "taskArn"), NULL));
    out = wait_task(c, str_at(task, "taskArn"), "STOPPED");
    cr_expect_str_eq(str_at(out, "stopCode"), "UserInitiated");
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "containers.0.exitCode")), 0);
    json_decref(out);
    json_decref(task);

    /* an ECR image that is not in the registry cannot be pulled */
    task = run_one(c, net, "bad");
    out = wait_task(c, str_at(task, "taskArn"), "STOPPED");
    cr_expect_str_eq(str_at(out, "stopCode"), "TaskFailedToStart");
    cr_expect(strncmp(str_at(out, "stoppedReason"),
                      "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
                      72) == 0,
              "%s", str_at(out, "stoppedReason"));
    cr_expect_str_eq(gf_test_json_str(out, "containers.0.reason"), str_at(out, "stoppedReason"));
    json_decref(out);
    json_decref(task);

    /* awslogs to a log group that does not exist */
    task = run_one(c, net, "logged");
    out = wait_task(c, str_at(task, "taskArn"), "STOPPED");
    cr_expect(strstr(str_at(out, "stoppedReason"),
                     "ResourceInitializationError: failed to validate logger args") != NULL,
              "%s", str_at(out, "stoppedReason"));
    cr_expect(strstr(str_at(out, "stoppedReason"), "The specified log group does not exist"));
    json_decref(out);
    json_decref(task);
    json_decref(net);
    json_decref(good);
    json_decref(bad);
    json_decref(logs);
}

/* Poll a service until `done` holds for it. */
static json_t *wait_service(struct gf_aws_client *c, const char *name,
                            bool (*done)(const json_t *svc), const char *what)
{
    json_t *out = NULL;
    int i;

    for (i = 0; i < 100; i++) {
        gf_cr_ok(gf_ecs_describe_service(&out, c, "c1", name));
        if (done(out))
            return out;
        json_decref(out);
        usleep(50 * 1000);
    }
    gf_cr_ok(gf_ecs_describe_service(&out, c, "c1", name));
    {
        char *dump = json_dumps(json_object_get(out, "deployments"), JSON_COMPACT);
        char *ev = json_dumps(json_object_get(out, "events"), JSON_COMPACT);

        cr_log_error("deployments %s\nevents %s", dump, ev);
        free(dump);
        free(ev);
    }
    json_decref(out);
    cr_assert_fail("service never %s", what);
    return NULL;
}

static bool steady(const json_t *svc)
{
    return json_array_size(json_object_get(svc, "deployments")) == 1 &&
           json_integer_value(json_object_get(svc, "runningCount")) ==
               json_integer_value(json_object_get(svc, "desiredCount")) &&
           strcmp(gf_test_json_str(svc, "deployments.0.rolloutState"), "COMPLETED") == 0;
}

static bool rolled_back(const json_t *svc)
{
    return steady(svc) && strcmp(str_at(svc, "taskDefinition"), ARN "task-definition/web:1") == 0;
}

Test(svc_ecs, service_circuit_breaker_rolls_back_local_aws)
{
    struct gf_aws_client *c;
    json_t *net, *out = NULL, *spec, *changes;
    json_t *good = taskdef("web", "nginx:1", NULL);
    json_t *bad = taskdef(
        "web", GF_TEST_AWS_ACCOUNT ".dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/nope:1", NULL);
    const json_t *ev;
    size_t i;
    bool failed_event = false, rollback_event = false;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    net = network(&s_b);
    if (!net)
        cr_skip_test("local-aws serves no EC2 subnets yet");
    gf_cr_ok(gf_ecs_create_cluster(&out, c, "c1", NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, good, NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, bad, NULL));
    json_decref(out);
    spec = json_pack("{s:s, s:i, s:s, s:O, s:{s:{s:b, s:b}}}", "taskDefinition", "web:1",
                     "desiredCount", 2, "launchType", "FARGATE", "networkConfiguration", net,
                     "deploymentConfiguration", "deploymentCircuitBreaker", "enable", 1, "rollback",
                     1);
    gf_cr_ok(gf_ecs_create_service(&out, c, "c1", "api", spec));
    json_decref(out);
    out = wait_service(c, "api", steady, "reached a steady state");
    cr_expect_str_eq(gf_test_json_str(out, "events.0.message"),
                     "(service api) has reached a steady state.");
    json_decref(out);

    changes = json_pack("{s:s}", "taskDefinition", "web:2");
    gf_cr_ok(gf_ecs_update_service(&out, c, "c1", "api", changes));
    cr_expect_eq(json_array_size(json_object_get(out, "deployments")), 2);
    json_decref(out);
    out = wait_service(c, "api", rolled_back, "rolled back");
    cr_expect_str_eq(str_at(out, "taskDefinition"), ARN "task-definition/web:1");
    json_array_foreach(json_object_get(out, "events"), i, ev)
    {
        if (strstr(str_at(ev, "message"), "deployment failed: tasks failed to start."))
            failed_event = true;
        if (strstr(str_at(ev, "message"), "rolling back to deployment ecs-svc/"))
            rollback_event = true;
    }
    cr_expect(failed_event, "no 'deployment failed' event");
    cr_expect(rollback_event, "no 'rolling back' event");
    json_decref(out);

    expect_error(gf_ecs_delete_cluster(NULL, c, "c1"), GF_ECONFLICT, NULL);
    cr_expect_str_eq(gf_error_last()->aws_code, "ClusterContainsServicesException");
    gf_cr_ok(gf_ecs_delete_service(&out, c, "c1", "api", true));
    cr_expect_str_eq(str_at(out, "status"), "DRAINING");
    json_decref(out);
    for (i = 0; i < 40 && gf_ecs_describe_service(&out, c, "c1", "api") == 0; i++) {
        json_decref(out);
        usleep(50 * 1000);
    }
    expect_error(gf_ecs_describe_service(&out, c, "c1", "api"), GF_ENOTFOUND, "(INACTIVE)");
    gf_cr_ok(gf_ecs_delete_cluster(NULL, c, "c1"));
    json_decref(spec);
    json_decref(changes);
    json_decref(net);
    json_decref(good);
    json_decref(bad);
}

/* ---- local-aws only: a service end to end with ECR, Logs and ELBv2 ------------------------ */

static const char *tg_new(struct gf_test_aws *b, json_t **keep, const char *name, int port,
                          const char *vpc)
{
    *keep = gf_test_aws_call_ok(b, &gf_aws_elbv2, "CreateTargetGroup",
                                json_pack("{s:s, s:s, s:i, s:s, s:s}", "Name", name, "Protocol",
                                          "HTTP", "Port", port, "VpcId", vpc, "TargetType", "ip"));
    cr_assert_not_null(gf_test_json_str(*keep, "TargetGroups.0.TargetGroupArn"));
    return gf_test_json_str(*keep, "TargetGroups.0.TargetGroupArn");
}

static bool deployment_failed(const json_t *svc)
{
    return strcmp(gf_test_json_str(svc, "deployments.0.rolloutState"), "FAILED") == 0;
}

static json_t *service_spec(const json_t *net, const char *tg)
{
    return json_pack("{s:s, s:i, s:s, s:O, s:[{s:s, s:s, s:i}], s:{s:{s:b, s:b}}}",
                     "taskDefinition", "web", "desiredCount", 1, "launchType", "FARGATE",
                     "networkConfiguration", net, "loadBalancers", "targetGroupArn", tg,
                     "containerName", "app", "containerPort", 80, "deploymentConfiguration",
                     "deploymentCircuitBreaker", "enable", 1, "rollback", 0);
}

Test(svc_ecs, service_end_to_end_local_aws)
{
    static const char *const s_extra[] = {"--image", "web:1", NULL};
    struct gf_aws_client *c;
    struct gf_ecs_task_filter f = GF_ECS_TASK_FILTER_INIT;
    char vpc[64], stream[128], reason[512];
    json_t *net, *out = NULL, *tg80 = NULL, *tg8080 = NULL, *spec, *list = NULL, *task = NULL;
    json_t *td =
        taskdef("web", GF_TEST_AWS_ACCOUNT ".dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/web:1",
                "/ecs/web");
    const char *good_tg, *bad_tg, *id;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, s_extra);
    c = s_b.client;
    net = network_in(vpc, &s_b);
    if (!net)
        cr_skip_test("local-aws serves no EC2 subnets yet");
    json_decref(gf_test_aws_call_ok(&s_b, &gf_aws_logs, "CreateLogGroup",
                                    json_pack("{s:s}", "logGroupName", "/ecs/web")));
    good_tg = tg_new(&s_b, &tg80, "tg80", 80, vpc);
    bad_tg = tg_new(&s_b, &tg8080, "tg8080", 8080, vpc);
    gf_cr_ok(gf_ecs_create_cluster(&out, c, "c1", NULL));
    json_decref(out);
    gf_cr_ok(gf_ecs_register_task_definition(&out, c, td, NULL));
    json_decref(out);

    /* the seeded image is pulled, the task logs its start, its target turns healthy */
    spec = service_spec(net, good_tg);
    gf_cr_ok(gf_ecs_create_service(&out, c, "c1", "api", spec));
    json_decref(out);
    json_decref(spec);
    out = wait_service(c, "api", steady, "reached a steady state");
    json_decref(out);
    f.service_name = "api";
    gf_cr_ok(gf_ecs_list_tasks(&list, c, "c1", &f));
    cr_assert_eq(json_array_size(list), 1);
    gf_cr_ok(gf_ecs_describe_task(&task, c, "c1", json_string_value(json_array_get(list, 0))));
    cr_expect(strncmp(gf_test_json_str(task, "containers.0.imageDigest"), "sha256:", 7) == 0);
    id = strrchr(str_at(task, "taskArn"), '/') + 1;
    snprintf(stream, sizeof(stream), "web/app/%s", id);
    out = gf_test_aws_call_ok(
        &s_b, &gf_aws_logs, "GetLogEvents",
        json_pack("{s:s, s:s}", "logGroupName", "/ecs/web", "logStreamName", stream));
    cr_expect(strstr(gf_test_json_str(out, "events.0.message"), "started container app") != NULL,
              "log events: %s", gf_test_json_str(out, "events.0.message"));
    json_decref(out);
    out = gf_test_aws_call_ok(&s_b, &gf_aws_elbv2, "DescribeTargetHealth",
                              json_pack("{s:s}", "TargetGroupArn", good_tg));
    cr_expect_eq(json_array_size(json_object_get(out, "TargetHealthDescriptions")), 1);
    cr_expect_str_eq(gf_test_json_str(out, "TargetHealthDescriptions.0.TargetHealth.State"),
                     "healthy");
    json_decref(out);

    /* a target group on another port: targets unhealthy, tasks stopped, the breaker trips */
    spec = service_spec(net, bad_tg);
    gf_cr_ok(gf_ecs_create_service(&out, c, "c1", "bad", spec));
    json_decref(out);
    json_decref(spec);
    out = wait_service(c, "bad", deployment_failed, "failed its deployment");
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "deployments.0.failedTasks")), 3);
    json_decref(out);
    json_decref(list);
    f.service_name = "bad";
    f.desired_status = "STOPPED";
    gf_cr_ok(gf_ecs_list_tasks(&list, c, "c1", &f));
    cr_assert_geq(json_array_size(list), 3);
    json_decref(task);
    gf_cr_ok(gf_ecs_describe_task(&task, c, "c1", json_string_value(json_array_get(list, 0))));
    snprintf(reason, sizeof(reason), "Task failed ELB health checks in (target-group %s)", bad_tg);
    cr_expect_str_eq(str_at(task, "stoppedReason"), reason);
    cr_expect_str_eq(str_at(task, "stopCode"), "ServiceSchedulerInitiated");
    json_decref(task);
    json_decref(list);
    json_decref(tg80);
    json_decref(tg8080);
    json_decref(net);
    json_decref(td);
}
