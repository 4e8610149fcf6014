/* SPDX-License-Identifier: Apache-2.0 */
/* names_test.c: FargateStack's name derivations (state/names.c) and the AWS name rules with
 * their lengths, characters and reserved prefixes/suffixes. */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "state/names.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

static void expect_app(enum gf_name_app kind, const char *app, const char *want)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_names_app(&out, kind, app));
    cr_expect_str_eq(out.ptr, want);
    gf_buf_release(&out);
}

static void expect_task(enum gf_name_task kind, const char *app, const char *task, const char *want)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_names_task(&out, kind, app, task));
    cr_expect_str_eq(out.ptr, want);
    gf_buf_release(&out);
}

static void expect_ok(enum gf_name_rule rule, const char *name)
{
    int rc = gf_names_check(rule, name);
    cr_expect_eq(rc, 0, "%s '%s' rejected: %s", gf_names_rule_what(rule), name,
                 gf_error_last()->msg);
}

static void expect_bad(enum gf_name_rule rule, const char *name, const char *msg)
{
    int rc = gf_names_check(rule, name);

    cr_expect_eq(rc, GF_EINVALID, "%s '%s' accepted", gf_names_rule_what(rule), name);
    if (rc == GF_EINVALID) {
        cr_expect_str_eq(gf_error_last()->msg, msg);
        cr_expect_neq(gf_error_last()->hint[0], '\0', "no hint for '%s'", name);
    }
}

/* A string of n copies of c (owned by the static buffer; n < 1024). */
static const char *repeat(char c, size_t n, const char *suffix)
{
    static char buf[1100];

    cr_assert_lt(n + strlen(suffix), sizeof(buf));
    memset(buf, c, n);
    memcpy(buf + n, suffix, strlen(suffix) + 1);
    return buf;
}

Test(names, camel_cases_app_names)
{
    expect_app(GF_NAME_CAMEL, "my-cron_job", "MyCronJob");
    expect_app(GF_NAME_CAMEL, "nightly-report", "NightlyReport");
    expect_app(GF_NAME_CAMEL, "a--b__c", "ABC");
    expect_app(GF_NAME_CAMEL, "-lead", "Lead");
    expect_app(GF_NAME_CAMEL, "web2-api", "Web2Api");
    expect_app(GF_NAME_CAMEL, "mixedCase-x", "MixedCaseX");
    expect_app(GF_NAME_CAMEL, "2fast", "2fast");
}

Test(names, derives_app_names_as_fargatestack)
{
    expect_app(GF_NAME_CLUSTER, "nightly-report", "nightly-report-cluster");
    expect_app(GF_NAME_ROLE, "nightly-report", "FargateNightlyReportRole");
    expect_app(GF_NAME_POLICY, "nightly-report", "FargateNightlyReportPolicy");
    expect_app(GF_NAME_TASK_ROLE, "nightly-report", "FargateNightlyReportTaskRole");
    expect_app(GF_NAME_TASK_POLICY, "nightly-report", "FargateNightlyReportTaskPolicy");
    expect_app(GF_NAME_EVENTS_ROLE, "nightly-report", "EventsNightlyReportRole");
    expect_app(GF_NAME_EVENTS_POLICY, "nightly-report", "EventsNightlyReportPolicy");
    expect_app(GF_NAME_SG, "my_app", "my_app-sg");
    expect_app(GF_NAME_ALB_SG, "my_app", "my_app-alb-sg");
    expect_app(GF_NAME_ALB, "my_app", "my_app-alb");
    expect_app(GF_NAME_TARGET_GROUP, "my_app", "my_app-tg");
    expect_app(GF_NAME_LOG_GROUP, "my_app", "/ecs/app-fargatestack/my_app");
    expect_app(GF_NAME_WAF_ACL, "my_app", "my_app-acl");
    expect_app(GF_NAME_LOG_STREAM_PREFIX, "my_app", "my_app");
}

Test(names, derives_task_names_as_fargatestack)
{
    expect_task(GF_NAME_RULE, "app", "report", "report-schedule");
    expect_task(GF_NAME_TARGET_ID, "app", "report", "report-target");
    expect_task(GF_NAME_LAUNCH_GROUP, "app", "report", "schedule:report");
    expect_task(GF_NAME_AUTOSCALING_POLICY, "shop", "web",
                "app-fargatestack-shop-web-autoscaling-policy");
    expect_task(GF_NAME_RESOURCE_ID, "shop-cluster", "web", "service/shop-cluster/web");
}

Test(names, derives_queue_and_action_names)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_names_dlq(&out, "jobs"));
    cr_expect_str_eq(out.ptr, "jobs-dlq");
    gf_buf_clear(&out);
    gf_cr_ok(gf_names_scheduled_action(&out, "shop", "weekday", true));
    cr_expect_str_eq(out.ptr, "shop-weekday-out-schedule");
    gf_buf_clear(&out);
    gf_cr_ok(gf_names_scheduled_action(&out, "shop", "weekday", false));
    cr_expect_str_eq(out.ptr, "shop-weekday-in-schedule");
    gf_buf_release(&out);
}

Test(names, derivations_append)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_buf_puts(&out, "arn:aws:iam::123456789012:role/");
    gf_cr_ok(gf_names_app(&out, GF_NAME_ROLE, "x"));
    cr_expect_str_eq(out.ptr, "arn:aws:iam::123456789012:role/FargateXRole");
    gf_buf_release(&out);
}

Test(names, derivation_reports_oom)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_alloc_failing_install(0);
    cr_expect_eq(gf_names_app(&out, GF_NAME_ROLE, "app"), GF_ENOMEM);
    gf_alloc_set(NULL);
    cr_expect(gf_buf_failed(&out));
    gf_buf_release(&out);
}

Test(names, app_name_rule)
{
    expect_ok(GF_RULE_APP, "nightly-report");
    expect_ok(GF_RULE_APP, "my_app2");
    expect_bad(GF_RULE_APP, "", "app.name is empty");
    expect_bad(GF_RULE_APP, "MyApp", "app.name 'MyApp' contains 'M'");
    expect_bad(GF_RULE_APP, "my app", "app.name 'my app' contains a space");
    expect_bad(GF_RULE_APP, "my.app", "app.name 'my.app' contains '.'");
    expect_bad(GF_RULE_APP, "caf\xc3\xa9", "app.name 'caf\xc3\xa9' contains the byte 0xc3");
    cr_expect_str_eq(gf_error_last()->hint, "use only lower-case letters, digits, '-' and '_'");
}

Test(names, ecs_rules)
{
    expect_ok(GF_RULE_ECS_CLUSTER, "My_Cluster-1");
    expect_ok(GF_RULE_ECS_SERVICE, repeat('s', 255, ""));
    expect_bad(GF_RULE_ECS_SERVICE, repeat('s', 256, ""),
               "ECS service name '"
               "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
               "...' is 256 characters long, the limit is 255");
    cr_expect_str_eq(gf_error_last()->hint, "use 1-255 of letters, digits, '-' and '_'");
    expect_bad(GF_RULE_ECS_FAMILY, "web.v2", "task definition family 'web.v2' contains '.'");
    expect_bad(GF_RULE_ECS_CONTAINER, "web/app", "container name 'web/app' contains '/'");
    expect_bad(GF_RULE_ECS_CLUSTER, "", "ECS cluster name is empty");
}

Test(names, iam_rules)
{
    expect_ok(GF_RULE_IAM_ROLE, "FargateMyAppRole");
    expect_ok(GF_RULE_IAM_ROLE, "a+b=c,d.e@f_g-h");
    expect_ok(GF_RULE_IAM_ROLE, repeat('R', 64, ""));
    expect_ok(GF_RULE_IAM_ROLE, repeat('R', 60, "Role"));
    expect_bad(GF_RULE_IAM_ROLE, "my role", "IAM role name 'my role' contains a space");
    expect_bad(GF_RULE_IAM_ROLE, "my/role", "IAM role name 'my/role' contains '/'");
    expect_ok(GF_RULE_IAM_POLICY, repeat('P', 128, ""));
    expect_bad(GF_RULE_IAM_POLICY, repeat('P', 129, ""),
               "IAM policy name 'PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"
               "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP...' is "
               "129 characters long, the limit is 128");
    expect_bad(GF_RULE_IAM_POLICY, "p:1", "IAM policy name 'p:1' contains ':'");
}

Test(names, iam_role_limit_is_64)
{
    expect_bad(GF_RULE_IAM_ROLE, repeat('R', 65, ""),
               "IAM role name '"
               "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR' is 65 "
               "characters long, the limit is 64");
}

Test(names, log_group_rules)
{
    expect_ok(GF_RULE_LOG_GROUP, "/ecs/app-fargatestack/my_app");
    expect_ok(GF_RULE_LOG_GROUP, "a.b-c_d/e#f");
    expect_ok(GF_RULE_LOG_GROUP, repeat('g', 512, ""));
    expect_bad(GF_RULE_LOG_GROUP, repeat('g', 513, ""),
               "log group name 'gggggggggggggggggggggggggggggggggggggggg"
               "gggggggggggggggggggggggggggggggggggggggg...' "
               "is 513 characters long, the limit is 512");
    expect_bad(GF_RULE_LOG_GROUP, "/ecs/my app", "log group name '/ecs/my app' contains a space");
    expect_bad(GF_RULE_LOG_GROUP, "/ecs/a:b", "log group name '/ecs/a:b' contains ':'");
}

Test(names, sqs_rules)
{
    expect_ok(GF_RULE_SQS_QUEUE, "jobs");
    expect_ok(GF_RULE_SQS_QUEUE, "jobs-dlq_1");
    expect_ok(GF_RULE_SQS_QUEUE, "jobs.fifo");
    expect_ok(GF_RULE_SQS_QUEUE, repeat('q', 75, ".fifo"));
    expect_bad(GF_RULE_SQS_QUEUE, repeat('q', 76, ".fifo"),
               "SQS queue name '"
               "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq.fif..."
               "' is 81 "
               "characters long, the limit is 80");
    expect_bad(GF_RULE_SQS_QUEUE, "jobs.v2", "SQS queue name 'jobs.v2' contains '.'");
    expect_bad(GF_RULE_SQS_QUEUE, ".fifo", "SQS queue name '.fifo' contains '.'");
    expect_bad(GF_RULE_SQS_QUEUE, "a.fifo.fifo", "SQS queue name 'a.fifo.fifo' contains '.'");
}

Test(names, s3_rules)
{
    expect_ok(GF_RULE_S3_BUCKET, "my-bucket.example");
    expect_ok(GF_RULE_S3_BUCKET, "abc");
    expect_ok(GF_RULE_S3_BUCKET, repeat('b', 63, ""));
    expect_ok(GF_RULE_S3_BUCKET, "1.2.3.bucket");
    expect_bad(GF_RULE_S3_BUCKET, "ab",
               "S3 bucket name 'ab' is 2 characters long, the minimum is 3");
    expect_bad(
        GF_RULE_S3_BUCKET, repeat('b', 64, ""),
        "S3 bucket name 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' is 64 "
        "characters long, the limit is 63");
    expect_bad(GF_RULE_S3_BUCKET, "My-Bucket", "S3 bucket name 'My-Bucket' contains 'M'");
    expect_bad(GF_RULE_S3_BUCKET, "my_bucket", "S3 bucket name 'my_bucket' contains '_'");
    expect_bad(GF_RULE_S3_BUCKET, "-bucket",
               "S3 bucket name '-bucket' must start and end with a letter or digit");
    expect_bad(GF_RULE_S3_BUCKET, "bucket.",
               "S3 bucket name 'bucket.' must start and end with a letter or digit");
    expect_bad(GF_RULE_S3_BUCKET, "my..bucket", "S3 bucket name 'my..bucket' contains '..'");
    expect_bad(GF_RULE_S3_BUCKET, "192.168.5.4",
               "S3 bucket name '192.168.5.4' looks like an IP address");
    expect_bad(GF_RULE_S3_BUCKET, "xn--bucket", "S3 bucket name 'xn--bucket' starts with 'xn--'");
    expect_bad(GF_RULE_S3_BUCKET, "sthree-bucket",
               "S3 bucket name 'sthree-bucket' starts with 'sthree-'");
    expect_bad(GF_RULE_S3_BUCKET, "bucket-s3alias",
               "S3 bucket name 'bucket-s3alias' ends with '-s3alias'");
    expect_bad(GF_RULE_S3_BUCKET, "bucket--ol-s3",
               "S3 bucket name 'bucket--ol-s3' ends with '--ol-s3'");
    expect_bad(GF_RULE_S3_BUCKET, "bucket.mrap", "S3 bucket name 'bucket.mrap' ends with '.mrap'");
}

Test(names, elb_rules)
{
    expect_ok(GF_RULE_TARGET_GROUP, "my-app-tg");
    expect_ok(GF_RULE_TARGET_GROUP, repeat('t', 32, ""));
    expect_bad(GF_RULE_TARGET_GROUP, repeat('t', 30, "-tg"),
               "target group name 'tttttttttttttttttttttttttttttt-tg' is 33 characters long, the "
               "limit is 32");
    expect_bad(GF_RULE_TARGET_GROUP, "my_app-tg", "target group name 'my_app-tg' contains '_'");
    expect_bad(GF_RULE_TARGET_GROUP, "-tg", "target group name '-tg' starts with '-'");
    expect_bad(GF_RULE_TARGET_GROUP, "tg-", "target group name 'tg-' ends with '-'");
    expect_ok(GF_RULE_LOAD_BALANCER, "my-app-alb");
    expect_ok(GF_RULE_TARGET_GROUP, "internal-tg");
    expect_bad(GF_RULE_LOAD_BALANCER, "internal-alb",
               "load balancer name 'internal-alb' starts with 'internal-'");
    expect_bad(GF_RULE_LOAD_BALANCER, "my.alb", "load balancer name 'my.alb' contains '.'");
}

Test(names, events_rules)
{
    expect_ok(GF_RULE_EVENTS_RULE, "report.v2-schedule_x");
    expect_ok(GF_RULE_EVENTS_RULE, repeat('r', 55, "-schedule"));
    expect_bad(GF_RULE_EVENTS_RULE, repeat('r', 56, "-schedule"),
               "EventBridge rule name '"
               "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr-schedule' is 65 "
               "characters long, the limit is 64");
    expect_bad(GF_RULE_EVENTS_RULE, "a:b-schedule",
               "EventBridge rule name 'a:b-schedule' contains ':'");
    expect_bad(GF_RULE_EVENTS_TARGET_ID, "a b", "EventBridge target id 'a b' contains a space");
}

Test(names, security_group_rules)
{
    expect_ok(GF_RULE_SECURITY_GROUP, "my app (web) #1");
    expect_ok(GF_RULE_SECURITY_GROUP, "my-app-sg");
    expect_bad(GF_RULE_SECURITY_GROUP, "sg-web", "security group name 'sg-web' starts with 'sg-'");
    expect_bad(GF_RULE_SECURITY_GROUP, "a\"b", "security group name 'a\"b' contains '\"'");
    expect_bad(GF_RULE_SECURITY_GROUP, repeat('s', 256, ""),
               "security group name 'ssssssssssssssssssssssssssssssssssssssss"
               "ssssssssssssssssssssssssssssssssssssssss...' is "
               "256 characters long, the limit is 255");
}

Test(names, waf_and_scaling_rules)
{
    expect_ok(GF_RULE_WAF_ACL, "my_app-acl");
    expect_bad(GF_RULE_WAF_ACL, "my.app-acl", "web ACL name 'my.app-acl' contains '.'");
    expect_ok(GF_RULE_AUTOSCALING_POLICY, "app-fargatestack-a b-web-autoscaling-policy");
    expect_bad(GF_RULE_AUTOSCALING_POLICY, "a\tb",
               "scaling policy name 'a\tb' contains the byte 0x09");
}

Test(names, scheduled_action_rules)
{
    expect_ok(GF_RULE_SCHEDULED_ACTION, "shop-weekday-out-schedule");
    expect_bad(GF_RULE_SCHEDULED_ACTION, "shop-a:b-out-schedule",
               "scheduled action name 'shop-a:b-out-schedule' contains ':'");
    expect_bad(GF_RULE_SCHEDULED_ACTION, "shop-a/b-in-schedule",
               "scheduled action name 'shop-a/b-in-schedule' contains '/'");
    expect_bad(GF_RULE_SCHEDULED_ACTION, " x", "scheduled action name ' x' starts with a space");
}

Test(names, rule_metadata)
{
    cr_expect_eq(gf_names_rule_max(GF_RULE_TARGET_GROUP), 32);
    cr_expect_eq(gf_names_rule_max(GF_RULE_IAM_ROLE), 64);
    cr_expect_str_eq(gf_names_rule_what(GF_RULE_LOG_GROUP), "log group name");
}

Test(names, size_profiles)
{
    const struct gf_size_profile *p = gf_names_size("medium");

    cr_assert_not_null(p);
    cr_expect_eq(p->cpu, 1024);
    cr_expect_eq(p->memory, 2048);
    cr_expect_null(gf_names_size("huge"));
    cr_expect_null(gf_names_size("Medium"));
    cr_expect_str_eq(gf_names_size_for(8192, 16384)->name, "2xlarge");
    cr_expect_str_eq(gf_names_size_for(256, 512)->name, "tiny");
    cr_expect_null(gf_names_size_for(256, 1024));
    cr_expect_str_eq(gf_names_default_size(true, false), "medium");
    cr_expect_str_eq(gf_names_default_size(false, true), "medium");
    cr_expect_str_eq(gf_names_default_size(false, false), "tiny");
}
