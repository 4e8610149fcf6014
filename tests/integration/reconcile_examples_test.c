/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_examples_test.c: every stack in examples/ end to end, as a user runs it, against
 * `gitfargate local-aws` and against moto: apply (the file enriched), an idle re-apply and plan,
 * an image bump, a schedule change, an added bucket, a task removed with --prune, and destroy.
 * What an example refers to (ECR images, a hosted zone, an EFS file system, secrets) is seeded
 * in set-up; moto's gaps are worked around there too, never in the product. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/service.h"
#include "common/buf.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/stackfix.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define ECR        "123456789012.dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/"
#define STRIPE_ARN "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-Ab12Cd"
#define EFS_ID     "fs-0123456789abcdef0"

/* What runs the example's first task: the image bump's calls and the prune's checks differ. */
enum shape {
    SHAPE_SERVICE,   /* daemon, http, https: an ECS service */
    SHAPE_SCHEDULED, /* task with a schedule: an EventBridge rule and target */
    SHAPE_ONESHOT,   /* task without a schedule: a task definition only */
};

enum seed {
    SEED_DOMAIN = 1 << 0,  /* hosted zones for example.com (public and private) */
    SEED_EFS = 1 << 1,     /* a file system with a mount target, its id in the file */
    SEED_SECRETS = 1 << 2, /* the two secrets of payments-sync, the ARN one in the file */
};

struct example {
    const char *file, *app;
    const char *task; /* the first task: bumped, then pruned */
    enum shape shape;
    const char *repo, *tag, *bumped;    /* its image: ECR repository (or Docker Hub name), tags */
    bool ecr;                           /* the image is written with the ECR registry */
    const char *schedule, *schedule_to; /* its schedule and the change, or NULL */
    bool bucket;                        /* the stack has a bucket already */
    const char *second;                 /* a second task in the file, or NULL (the test adds one) */
    unsigned seed;
};

static const struct example s_examples[] = {
    {"admin-console.yml", "admin-console", "admin", SHAPE_SERVICE, "nginx", "1.27", "1.28", false,
     NULL, NULL, false, NULL, SEED_DOMAIN},
    {"billing-migrations.yml", "billing-migrations", "migrate", SHAPE_ONESHOT, "billing-migrations",
     "3.1.0", "3.1.1", true, NULL, NULL, false, NULL, 0},
    {"image-resizer.yml", "image-resizer", "resize", SHAPE_SERVICE, "image-resizer", "0.9.1",
     "0.9.2", true, NULL, NULL, true, NULL, 0},
    {"inbox-sweeper.yml", "inbox-sweeper", "sweep", SHAPE_SCHEDULED, "inbox-sweeper", "2.4.0",
     "2.4.1", true, "rate(15 minutes)", "rate(30 minutes)", false, NULL, 0},
    {"media-indexer.yml", "media-indexer", "indexer", SHAPE_SERVICE, "media-indexer", "2.0.0",
     "2.0.1", true, NULL, NULL, false, NULL, SEED_EFS},
    {"metrics-relay.yml", "metrics-relay", "relay", SHAPE_SERVICE, "metrics-relay", "1.8.2",
     "1.8.3", true, NULL, NULL, false, NULL, 0},
    {"newsletter.yml", "newsletter", "send", SHAPE_SCHEDULED, "myapp", "latest", "1.1", false,
     "cron(0 9 ? * MON *)", "cron(0 10 ? * MON *)", false, "preview", 0},
    {"nightly-report.yml", "nightly-report", "report", SHAPE_SCHEDULED, "report-runner", "latest",
     "1.1", false, "cron(0 2 * * ? *)", "cron(30 3 * * ? *)", false, NULL, 0},
    {"order-worker.yml", "order-worker", "worker", SHAPE_SERVICE, "order-worker", "4.2.0", "4.2.1",
     true, NULL, NULL, false, NULL, 0},
    {"payments-sync.yml", "payments-sync", "sync", SHAPE_SCHEDULED, "payments-sync", "5.0.1",
     "5.0.2", true, "cron(0 * * * ? *)", "cron(30 * * * ? *)", false, NULL, SEED_SECRETS},
    {"report-reader.yml", "report-reader", "digest", SHAPE_SCHEDULED, "report-reader", "1.0.4",
     "1.0.5", true, "cron(30 6 ? * MON-FRI *)", "cron(0 7 ? * MON-FRI *)", true, NULL, 0},
    {"storefront.yml", "storefront", "web", SHAPE_SERVICE, "storefront", "1.2.3", "1.2.4", true,
     NULL, NULL, false, NULL, SEED_DOMAIN},
};

/* local-aws's starting topology: example.com's zones (images are seeded as on moto). */
static const char *const s_local_args[] = {"--domain", "example.com", NULL};

#define MANIFEST                                                                                   \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"," \
    "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":7023,"  \
    "\"digest\":\"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7\"},"     \
    "\"layers\":[]}"

struct ctx {
    struct gf_test_stack f;
    const struct example *ex;
    enum gf_test_aws_kind kind;
    const char *wait; /* "--no-wait", or NULL where the apply waits */
    char vpc[64], private_subnet[64];
    char efs_group[64]; /* the mount target's security group, "" without EFS */
    struct gf_buf calls;
};

static const char *backend_name(const struct ctx *c)
{
    return c->kind == GF_TEST_MOTO ? "moto" : "local-aws";
}

static json_t *aws_ok(struct ctx *c, const struct gf_aws_service *svc, const char *op, json_t *in)
{
    return gf_test_aws_call_ok(&c->f.aws, svc, op, in);
}

/* ---- seeding ------------------------------------------------------------------------------ */

/* The example's image before and after the bump, pushed to ECR (nginx is Docker Hub's). */
static void seed_images(struct ctx *c)
{
    size_t i;
    const char *tags[] = {c->ex->tag, c->ex->bumped};

    if (strcmp(c->ex->repo, "nginx") == 0)
        return;
    json_decref(aws_ok(c, &gf_aws_ecr, "CreateRepository",
                       json_pack("{s:s}", "repositoryName", c->ex->repo)));
    for (i = 0; i < 2; i++)
        json_decref(aws_ok(c, &gf_aws_ecr, "PutImage",
                           json_pack("{s:s, s:s, s:s}", "repositoryName", c->ex->repo,
                                     "imageManifest", MANIFEST, "imageTag", tags[i])));
}

/* moto: the network discovery needs, example.com's zones. */
static void seed_moto(struct ctx *c)
{
    gf_test_stack_moto_network(&c->f, c->vpc, c->private_subnet);
    if (!(c->ex->seed & SEED_DOMAIN))
        return;
    json_decref(aws_ok(c, &gf_aws_route53, "CreateHostedZone",
                       json_pack("{s:s, s:s}", "Name", "example.com", "CallerReference", "pub")));
    json_decref(aws_ok(c, &gf_aws_route53, "CreateHostedZone",
                       json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:b}}", "Name", "example.com",
                                 "CallerReference", "priv", "VPC", "VPCRegion", GF_TEST_AWS_REGION,
                                 "VPCId", c->vpc, "HostedZoneConfig", "PrivateZone", 1)));
}

/* local-aws: its one VPC and a subnet of it, for the EFS mount target. */
static void local_network(struct ctx *c)
{
    json_t *out = aws_ok(c, &gf_aws_ec2, "DescribeSubnets", NULL);

    snprintf(c->vpc, sizeof(c->vpc), "%s", gf_test_json_str(out, "subnetSet.0.vpcId"));
    snprintf(c->private_subnet, sizeof(c->private_subnet), "%s",
             gf_test_json_str(out, "subnetSet.0.subnetId"));
    json_decref(out);
    cr_assert(c->vpc[0] && c->private_subnet[0], "local-aws has no subnet");
}

/* Wait until file system `id` is available (local-aws makes it 'creating' first, as AWS). */
static void wait_efs_available(struct ctx *c, const char *id)
{
    struct timespec tick = {0, 50000000L};
    int i;

    for (i = 0; i < 200; i++) {
        json_t *out =
            aws_ok(c, &gf_aws_efs, "DescribeFileSystems", json_pack("{s:s}", "FileSystemId", id));
        const char *state = gf_test_json_str(out, "FileSystems.0.LifeCycleState");
        bool ready = state && strcmp(state, "available") == 0;

        json_decref(out);
        if (ready)
            return;
        nanosleep(&tick, NULL);
    }
    cr_assert_fail("file system %s never became available", id);
}

/* A file system with a mount target (its own security group) in the stack's VPC. */
static void seed_efs(struct ctx *c, struct gf_buf *text)
{
    struct gf_buf line = GF_BUF_INIT;
    json_t *sg, *fs;
    const char *fs_id;

    sg = aws_ok(c, &gf_aws_ec2, "CreateSecurityGroup",
                json_pack("{s:s, s:s, s:s}", "GroupName", "media-efs", "GroupDescription",
                          "the file system's mount targets", "VpcId", c->vpc));
    fs = aws_ok(c, &gf_aws_efs, "CreateFileSystem", json_pack("{s:s}", "CreationToken", "media"));
    fs_id = gf_test_json_str(fs, "FileSystemId");
    cr_assert_not_null(fs_id);
    wait_efs_available(c, fs_id);
    json_decref(
        aws_ok(c, &gf_aws_efs, "CreateMountTarget",
               json_pack("{s:s, s:s, s:[s]}", "FileSystemId", fs_id, "SubnetId", c->private_subnet,
                         "SecurityGroups", gf_test_json_str(sg, "groupId"))));
    snprintf(c->efs_group, sizeof(c->efs_group), "%s", gf_test_json_str(sg, "groupId"));
    /* efs.security_groups is left out: apply finds the mount target's group itself */
    gf_buf_printf(&line, "%s", fs_id);
    gf_test_stack_replace_all(text, EFS_ID, line.ptr);
    gf_buf_release(&line);
    json_decref(fs);
    json_decref(sg);
}

/* payments-sync's secrets; the one the file names by ARN gets its real ARN. */
static void seed_secrets(struct ctx *c, struct gf_buf *text)
{
    json_t *out;

    json_decref(aws_ok(c, &gf_aws_secretsmanager, "CreateSecret",
                       json_pack("{s:s, s:s}", "Name", "/prod/payments/db-password", "SecretString",
                                 "not-a-real-password")));
    out = aws_ok(c, &gf_aws_secretsmanager, "CreateSecret",
                 json_pack("{s:s, s:s}", "Name", "prod/stripe", "SecretString", "not-a-key"));
    cr_assert_not_null(gf_test_json_str(out, "ARN"));
    gf_test_stack_replace_all(text, STRIPE_ARN, gf_test_json_str(out, "ARN"));
    json_decref(out);
}

static void start(struct ctx *c, const struct example *ex, enum gf_test_aws_kind kind)
{
    struct gf_buf text = GF_BUF_INIT;

    c->ex = ex;
    c->kind = kind;
    /* moto issues DNS certificates after this many seconds (default 60); the server inherits it */
    if (kind == GF_TEST_MOTO)
        cr_assert_eq(setenv("MOTO_ACM_VALIDATION_WAIT", "0", 1), 0);
    /* the backend first: it may skip the test (moto absent), before anything is allocated */
    gf_test_stack_start(&c->f, kind, "", s_local_args);
    gf_test_stack_read_example(&text, ex->file);
    if (kind == GF_TEST_MOTO)
        seed_moto(c);
    else
        local_network(c);
    seed_images(c);
    if (ex->seed & SEED_EFS)
        seed_efs(c, &text);
    if (ex->seed & SEED_SECRETS)
        seed_secrets(c, &text);
    gf_test_stack_write(&c->f, text.ptr);
    gf_buf_release(&text);
}

static void stop(struct ctx *c)
{
    gf_buf_release(&c->calls);
    gf_test_stack_stop(&c->f);
}

/* One example a process (Criterion's rule): the fixture is static so that .fini stops the
 * backend even when an assertion ended the test early. */
static struct ctx s_ctx = {.calls = GF_BUF_INIT};

static void fini(void)
{
    stop(&s_ctx);
}

/* ---- the steps ---------------------------------------------------------------------------- */

/* The mutating calls of the last run, sorted and joined, must be exactly `want`. */
static void expect_mutating(struct ctx *c, const char *step, const char *want)
{
    gf_test_stack_last_calls(&c->calls, &c->f, true);
    cr_expect_str_eq(c->calls.ptr, want, "%s, %s: the mutating calls were [%s], wanted [%s]",
                     c->ex->file, step, c->calls.ptr, want);
}

/* The first apply: exit 0 and an enriched file. */
static void step_apply(struct ctx *c)
{
    struct gf_buf text = GF_BUF_INIT, err = GF_BUF_INIT;
    char cluster[256], taskdef[128], tail[2048];
    /* local-aws runs the tasks: the first apply waits for services and certificates */
    const char *apply[] = {"apply", c->kind == GF_TEST_MOTO ? "--no-wait" : NULL, NULL};
    int status = gf_test_stack_status(&c->f, apply, &err);

    snprintf(tail, sizeof(tail), "%s",
             err.len < sizeof(tail) ? err.ptr : err.ptr + err.len - (sizeof(tail) - 1));
    gf_buf_release(&err);
    cr_assert_eq(status, 0, "%s: the first apply exited %d: %s", c->ex->file, status, tail);
    snprintf(cluster, sizeof(cluster), "arn:aws:ecs:%s:%s:cluster/%s-cluster", GF_TEST_AWS_REGION,
             GF_TEST_AWS_ACCOUNT, c->ex->app);
    snprintf(taskdef, sizeof(taskdef), "task-definition/%s:1", c->ex->task);
    cr_assert_eq(gf_test_read_file(&text, c->f.stack), 0);
    cr_expect(strstr(text.ptr, cluster), "%s: the enriched file has no %s: %s", c->ex->file,
              cluster, text.ptr);
    cr_expect(strstr(text.ptr, taskdef), "%s: the enriched file has no %s: %s", c->ex->file,
              taskdef, text.ptr);
    gf_buf_release(&text);
}

static void step_idle(struct ctx *c)
{
    struct gf_buf err = GF_BUF_INIT;
    const char *plan[] = {"plan", "--detailed-exitcode", NULL};
    int status;

    cr_expect_eq(gf_test_stack_apply(&c->f, c->wait, 0, &err), 0);
    cr_expect(strstr(err.ptr, "No changes"), "%s: re-apply: %s", c->ex->file, err.ptr);
    expect_mutating(c, "re-apply", "");
    gf_buf_clear(&err);
    status = gf_test_stack_status(&c->f, plan, &err);
    cr_expect_eq(status, 0, "%s: plan --detailed-exitcode of the unchanged stack exited %d: %s",
                 c->ex->file, status, err.ptr);
    if (c->kind == GF_TEST_LOCAL_AWS) {
        long long n = gf_test_stack_last_calls(&c->calls, &c->f, false);

        cr_expect_eq(n, 0, "%s: the unchanged plan made %lld AWS calls: %s", c->ex->file, n,
                     c->calls.ptr);
    }
    gf_buf_release(&err);
}

static void step_image_bump(struct ctx *c)
{
    static const char *const s_want[] = {
        [SHAPE_SERVICE] = "ecs:RegisterTaskDefinition,ecs:UpdateService",
        [SHAPE_SCHEDULED] = "ecs:RegisterTaskDefinition,events:PutTargets",
        [SHAPE_ONESHOT] = "ecs:RegisterTaskDefinition",
    };
    char from[128], to[128];

    snprintf(from, sizeof(from), "%s:%s\n", c->ex->repo, c->ex->tag);
    snprintf(to, sizeof(to), "%s:%s\n", c->ex->repo, c->ex->bumped);
    gf_test_stack_edit(&c->f, from, to);
    gf_test_stack_apply(&c->f, c->wait, 0, NULL);
    expect_mutating(c, "image bump", s_want[c->ex->shape]);
    gf_test_stack_last_calls(&c->calls, &c->f, false);
    cr_expect(strstr(c->calls.ptr, "ecr:DescribeImages"), "%s: the image is checked: %s",
              c->ex->file, c->calls.ptr);
}

static void step_schedule(struct ctx *c)
{
    json_t *rule;
    char name[128];

    gf_test_stack_edit(&c->f, c->ex->schedule, c->ex->schedule_to);
    gf_test_stack_apply(&c->f, c->wait, 0, NULL);
    expect_mutating(c, "schedule change", "events:PutRule");
    snprintf(name, sizeof(name), "%s-schedule", c->ex->task);
    rule = aws_ok(c, &gf_aws_events, "DescribeRule", json_pack("{s:s}", "Name", name));
    cr_expect_str_eq(gf_test_json_str(rule, "ScheduleExpression"), c->ex->schedule_to);
    json_decref(rule);
}

static void append_to_file(struct ctx *c, const char *text)
{
    struct gf_buf buf = GF_BUF_INIT;

    cr_assert_eq(gf_test_read_file(&buf, c->f.stack), 0);
    gf_buf_puts(&buf, text);
    cr_assert(!gf_buf_failed(&buf));
    gf_test_stack_write(&c->f, buf.ptr);
    gf_buf_release(&buf);
}

static void step_add_bucket(struct ctx *c)
{
    char text[256];

    snprintf(text, sizeof(text), "bucket:\n  name: %s-added\n", c->ex->app);
    append_to_file(c, text);
    gf_test_stack_apply(&c->f, c->wait, 0, NULL);
    gf_test_stack_last_calls(&c->calls, &c->f, true);
    cr_expect(strstr(c->calls.ptr, "s3:CreateBucket"), "%s: added bucket: %s", c->ex->file,
              c->calls.ptr);
    cr_expect(strstr(c->calls.ptr, "iam:PutRolePolicy"), "%s: added bucket: %s", c->ex->file,
              c->calls.ptr);
    cr_expect_null(strstr(c->calls.ptr, "ecs:"), "%s: added bucket: %s", c->ex->file, c->calls.ptr);
    snprintf(text, sizeof(text), "%s-added", c->ex->app);
    json_decref(aws_ok(c, &gf_aws_s3, "HeadBucket", json_pack("{s:s}", "Bucket", text)));
}

/* A second, scheduled task on the same image, so that the first can be pruned. */
static void add_second_task(struct ctx *c)
{
    char text[512];

    snprintf(text, sizeof(text),
             "\ntasks:\n  extra:\n    type: task\n    image: %s%s:%s\n    schedule: rate(1 day)\n",
             c->ex->ecr ? ECR : "", c->ex->repo, c->ex->bumped);
    gf_test_stack_edit(&c->f, "\ntasks:\n", text);
    gf_test_stack_apply(&c->f, c->wait, 0, NULL);
}

static void expect_service_gone(struct ctx *c)
{
    char cluster[128];
    json_t *out;
    const char *status;

    snprintf(cluster, sizeof(cluster), "%s-cluster", c->ex->app);
    out = aws_ok(c, &gf_aws_ecs, "DescribeServices",
                 json_pack("{s:s, s:[s]}", "cluster", cluster, "services", c->ex->task));
    status = gf_test_json_str(out, "services.0.status");
    cr_expect(!status || strcmp(status, "ACTIVE") != 0, "%s: service %s is still %s", c->ex->file,
              c->ex->task, status);
    json_decref(out);
}

/* The task definitions of `family` still ACTIVE. */
static size_t active_revisions(struct ctx *c, const char *family)
{
    json_t *out = aws_ok(c, &gf_aws_ecs, "ListTaskDefinitions",
                         json_pack("{s:s, s:s}", "familyPrefix", family, "status", "ACTIVE"));
    size_t n = json_array_size(json_object_get(out, "taskDefinitionArns"));

    json_decref(out);
    return n;
}

/* The length of the array at `path` in the output of op(in). */
static size_t count(struct ctx *c, const struct gf_aws_service *svc, const char *op, json_t *in,
                    const char *path)
{
    json_t *out = aws_ok(c, svc, op, in);
    size_t n = json_array_size(gf_test_json_at(out, path));

    json_decref(out);
    return n;
}

/* The ingress rules of the EFS mount target's group (apply adds NFS from the tasks). */
static size_t efs_rules(struct ctx *c)
{
    return count(c, &gf_aws_ec2, "DescribeSecurityGroups",
                 json_pack("{s:[s]}", "GroupIds", c->efs_group), "securityGroupInfo.0.ipPermissions");
}

static void step_prune(struct ctx *c)
{
    const char *prune[] = {"apply", "--prune", c->wait, NULL};
    char rule[128];
    struct gf_buf err = GF_BUF_INIT;

    if (!c->ex->second)
        add_second_task(c);
    if (c->efs_group[0])
        cr_expect_eq(efs_rules(c), 1, "%s: the NFS rule from the tasks", c->ex->file);
    gf_test_stack_remove_task(&c->f, c->ex->task);
    gf_test_stack_ok(&c->f, prune, &err);
    if (c->ex->shape == SHAPE_SERVICE)
        expect_service_gone(c);
    if (c->ex->shape == SHAPE_SCHEDULED) {
        snprintf(rule, sizeof(rule), "%s-schedule", c->ex->task);
        gf_test_aws_call_fails(&c->f.aws, &gf_aws_events, "DescribeRule",
                               json_pack("{s:s}", "Name", rule), "ResourceNotFoundException");
    }
    cr_expect_eq(active_revisions(c, c->ex->task), 0, "%s: task definition %s is still active",
                 c->ex->file, c->ex->task);
    if (c->efs_group[0]) /* no task mounts the file system now: the NFS rule went with it */
        cr_expect_eq(efs_rules(c), 0, "%s: the pruned task's NFS rule is still there: %s",
                     c->ex->file, err.ptr);
    cr_expect_geq(active_revisions(c, c->ex->second ? c->ex->second : "extra"), 1,
                  "%s: the other task stays", c->ex->file);
    gf_buf_release(&err);
}

static void expect_nothing_left(struct ctx *c)
{
    char name[128];
    json_t *out;
    const char *status;

    snprintf(name, sizeof(name), "%s-cluster", c->ex->app);
    out = aws_ok(c, &gf_aws_ecs, "DescribeClusters", json_pack("{s:[s]}", "clusters", name));
    status = gf_test_json_str(out, "clusters.0.status");
    cr_expect(!status || strcmp(status, "ACTIVE") != 0, "%s: the cluster is %s", c->ex->file,
              status);
    json_decref(out);
    cr_expect_eq(count(c, &gf_aws_ecs, "ListTaskDefinitions",
                       json_pack("{s:s}", "status", "ACTIVE"), "taskDefinitionArns"),
                 0, "%s: task definitions left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_events, "ListRules", json_object(), "Rules"), 0, "%s: rules left",
                 c->ex->file);
    snprintf(name, sizeof(name), "/ecs/app-fargatestack/%s", c->ex->app);
    cr_expect_eq(count(c, &gf_aws_logs, "DescribeLogGroups",
                       json_pack("{s:s}", "logGroupNamePrefix", name), "logGroups"),
                 0, "%s: log group left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_ec2, "DescribeSecurityGroups",
                       json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "tag:gitfargate:stack",
                                 "Value", c->ex->app),
                       "securityGroupInfo"),
                 0, "%s: security groups left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_elbv2, "DescribeLoadBalancers", NULL, "LoadBalancers"), 0,
                 "%s: load balancers left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_elbv2, "DescribeTargetGroups", NULL, "TargetGroups"), 0,
                 "%s: target groups left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_acm, "ListCertificates", json_object(), "CertificateSummaryList"),
                 0, "%s: certificates left", c->ex->file);
    cr_expect_eq(count(c, &gf_aws_s3, "ListBuckets", NULL, "Buckets"), 0, "%s: buckets left",
                 c->ex->file);
    cr_expect_eq(count(c, &gf_aws_sqs, "ListQueues", json_object(), "QueueUrls"), 0,
                 "%s: queues left", c->ex->file);
}

/* The stack's roles (Fargate<App>Role, Fargate<App>TaskRole) are gone. */
static void expect_roles_gone(struct ctx *c)
{
    json_t *out = aws_ok(c, &gf_aws_iam, "ListRoles", json_object());
    const json_t *role;
    size_t i, left = 0;

    json_array_foreach(gf_test_json_at(out, "Roles"), i, role)
    {
        const char *name = gf_test_json_str(role, "RoleName");

        if (name && strncmp(name, "Fargate", 7) == 0) {
            cr_log_error("%s: role %s left", c->ex->file, name);
            left++;
        }
    }
    cr_expect_eq(left, 0, "%s: the stack's roles are gone", c->ex->file);
    json_decref(out);
}

static void step_destroy(struct ctx *c)
{
    const char *destroy[] = {"destroy", "--yes", "--force", NULL};

    gf_test_stack_ok(&c->f, destroy, NULL);
    expect_nothing_left(c);
    expect_roles_gone(c);
}

/* ---- one example on one backend ------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_example(const char *file, enum gf_test_aws_kind kind)
{
    struct ctx *c = &s_ctx;
    const struct example *ex = NULL;
    size_t i;
    double t0 = now_s();

    for (i = 0; i < sizeof(s_examples) / sizeof(s_examples[0]); i++) {
        if (strcmp(s_examples[i].file, file) == 0)
            ex = &s_examples[i];
    }
    cr_assert_not_null(ex, "%s is not in the table", file);
    start(c, ex, kind);
    c->wait = "--no-wait"; /* after the first apply: the steps check calls, not rollouts */
    step_apply(c);
    step_idle(c);
    step_image_bump(c);
    if (ex->schedule)
        step_schedule(c);
    if (!ex->bucket)
        step_add_bucket(c);
    step_prune(c);
    step_destroy(c);
    cr_log_info("examples: %s on %s in %.1f s", file, backend_name(c), now_s() - t0);
    stop(c);
}

#define EXAMPLE(name, file)                                                                        \
    Test(reconcile_examples, name##_local_aws, .fini = fini, .timeout = 120)                       \
    {                                                                                              \
        run_example(file, GF_TEST_LOCAL_AWS);                                                      \
    }                                                                                              \
    Test(reconcile_examples, name##_moto, .fini = fini, .timeout = 120)                            \
    {                                                                                              \
        run_example(file, GF_TEST_MOTO);                                                           \
    }

EXAMPLE(admin_console, "admin-console.yml")
EXAMPLE(billing_migrations, "billing-migrations.yml")
EXAMPLE(image_resizer, "image-resizer.yml")
EXAMPLE(inbox_sweeper, "inbox-sweeper.yml")
EXAMPLE(media_indexer, "media-indexer.yml")
EXAMPLE(metrics_relay, "metrics-relay.yml")
EXAMPLE(newsletter, "newsletter.yml")
EXAMPLE(nightly_report, "nightly-report.yml")
EXAMPLE(order_worker, "order-worker.yml")
EXAMPLE(payments_sync, "payments-sync.yml")
EXAMPLE(report_reader, "report-reader.yml")
EXAMPLE(storefront, "storefront.yml")

/* Every file in examples/ has a row in the table (a new example gets tested). */
Test(reconcile_examples, every_example_is_in_the_table)
{
    char *dir = gf_test_path(gf_test_source_dir(), "examples");
    size_t n = 0, i, j;
    char **names = gf_test_list(&n, dir, ".yml", false);

    cr_expect_eq(n, sizeof(s_examples) / sizeof(s_examples[0]));
    for (i = 0; i < n; i++) {
        bool found = false;

        for (j = 0; j < sizeof(s_examples) / sizeof(s_examples[0]); j++)
            found = found || strcmp(names[i], s_examples[j].file) == 0;
        cr_expect(found, "examples/%s has no row in s_examples", names[i]);
    }
    gf_test_list_free(names, n);
    free(dir);
}
