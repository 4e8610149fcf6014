/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_test.c: `gitfargate plan / apply / destroy` as a user runs them, against a real
 * `gitfargate local-aws` on loopback: the first apply creates, the file is enriched, a second
 * apply makes no mutating call (and a plan of the unchanged stack makes no call at all), a change
 * in the file is one update, drift made behind our back shows with --no-cache, destroy removes
 * everything, and the audit store holds every run, action and call. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "common/buf.h"
#include "tests/testlib/awsbackend.h"
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

struct fixture {
    struct gf_test_aws aws;
    char *dir;
    char *stack;
    char *db;
    char endpoint_env[96];
};

static void fixture_start(struct fixture *f, const char *stack_text)
{
    gf_test_aws_start(&f->aws, GF_TEST_LOCAL_AWS, NULL);
    f->dir = gf_test_tmpdir("reconcile");
    cr_assert_not_null(f->dir);
    f->stack = gf_test_path(f->dir, "stack.yml");
    f->db = gf_test_path(f->dir, "gf.db");
    cr_assert_eq(gf_test_write_file(f->stack, stack_text, strlen(stack_text)), 0);
    snprintf(f->endpoint_env, sizeof(f->endpoint_env), "AWS_ENDPOINT_URL=%s", f->aws.url);
}

static void fixture_stop(struct fixture *f)
{
    free(f->stack);
    free(f->db);
    gf_test_tmpdir_remove(f->dir);
    gf_test_aws_stop(&f->aws);
}

/* Run gitfargate with the backend's credentials and endpoint. */
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

    for (i = 0; args[i] && n < 28; i++)
        argv[n++] = args[i];
    argv[n++] = "--db";
    argv[n++] = f->db;
    argv[n] = NULL;
    cr_assert_eq(gf_test_run(out, argv, env, f->dir, NULL, 120), 0);
}

static json_t *plan_json(struct fixture *f, const char *extra)
{
    struct gf_test_run r;
    const char *args[] = {"plan", "--format", "json", "-c", f->stack, extra, NULL};
    json_t *doc;

    gf(&r, f, args);
    cr_assert_eq(r.status, 0, "plan failed: %s", r.err.ptr);
    doc = json_loads(r.out.ptr, 0, NULL);
    cr_assert_not_null(doc, "plan --format json printed: %s", r.out.ptr);
    gf_test_run_release(&r);
    return doc;
}

static long long summary(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "summary"), key));
}

static long long calls(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "api_calls"), key));
}

static void apply_ok(struct fixture *f, struct gf_test_run *r)
{
    const char *args[] = {"apply", "-c", f->stack, NULL};

    gf(r, f, args);
    cr_assert_eq(r->status, 0, "apply failed (%d): %s", r->status, r->err.ptr);
}

Test(reconcile, apply_creates_enriches_and_reapply_is_idle, .timeout = 120)
{
    struct fixture f;
    struct gf_test_run r;
    struct gf_buf text = GF_BUF_INIT;
    json_t *plan, *out;

    fixture_start(&f, STACK_MIN);
    plan = plan_json(&f, NULL);
    cr_expect_geq(summary(plan, "create"), 2, "cluster and log group to create");
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

    /* AWS has them */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeClusters",
                              json_pack("{s:[s]}", "clusters", "demo-cluster"));
    cr_expect_str_eq(gf_test_json_str(out, "clusters.0.status"), "ACTIVE");
    json_decref(out);

    /* unchanged: a plan makes no AWS call at all, an apply no mutating one */
    plan = plan_json(&f, NULL);
    cr_expect_eq(summary(plan, "none"), json_array_size(json_object_get(plan, "actions")));
    cr_expect_eq(calls(plan, "made"), 0, "an unchanged stack plans without AWS calls");
    json_decref(plan);
    apply_ok(&f, &r);
    cr_expect(strstr(r.err.ptr, "No changes"), "stderr: %s", r.err.ptr);
    gf_test_run_release(&r);
    fixture_stop(&f);
}

Test(reconcile, a_change_is_one_update_and_drift_shows_without_cache, .timeout = 120)
{
    struct fixture f;
    struct gf_test_run r;
    struct gf_buf text = GF_BUF_INIT;
    json_t *plan, *out;
    char *edited;

    fixture_start(&f, STACK_MIN);
    apply_ok(&f, &r);
    gf_test_run_release(&r);

    /* someone changes the retention by hand: the cache hides it, --no-cache shows drift */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "PutRetentionPolicy",
                              json_pack("{s:s, s:i}", "logGroupName", "/ecs/app-fargatestack/demo",
                                        "retentionInDays", 90));
    json_decref(out);
    plan = plan_json(&f, NULL);
    cr_expect_eq(summary(plan, "drift"), 0);
    json_decref(plan);
    plan = plan_json(&f, "--no-cache");
    cr_expect_eq(summary(plan, "drift"), 1, "--no-cache reads and finds the drift");
    json_decref(plan);

    /* the file changes: one update, and afterwards AWS has it */
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    edited = strstr(text.ptr, "retention_days: 14");
    cr_assert_not_null(edited, "enriched file: %s", text.ptr);
    memcpy(edited, "retention_days: 30", strlen("retention_days: 30"));
    cr_assert_eq(gf_test_write_file(f.stack, text.ptr, text.len), 0);
    gf_buf_release(&text);
    plan = plan_json(&f, NULL);
    cr_expect_eq(summary(plan, "update"), 1);
    cr_expect_eq(summary(plan, "create"), 0);
    json_decref(plan);
    apply_ok(&f, &r);
    gf_test_run_release(&r);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_logs, "DescribeLogGroups",
                              json_pack("{s:s}", "logGroupNamePrefix", "/ecs/app-fargatestack/demo"));
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "logGroups.0.retentionInDays")), 30);
    json_decref(out);
    fixture_stop(&f);
}

Test(reconcile, destroy_removes_everything_and_the_audit_has_it, .timeout = 120)
{
    struct fixture f;
    struct gf_test_run r;
    json_t *out;
    const char *destroy[] = {"destroy", "--yes", "-c", NULL, NULL};
    const char *no_yes[] = {"destroy", "-c", NULL, NULL};
    const char *audit[] = {"audit", "--format", "json", NULL};

    fixture_start(&f, STACK_MIN);
    apply_ok(&f, &r);
    gf_test_run_release(&r);

    no_yes[2] = f.stack;
    gf(&r, &f, no_yes);
    cr_expect_eq(r.status, 64, "destroy without --yes is a usage error");
    gf_test_run_release(&r);

    destroy[3] = f.stack;
    gf(&r, &f, destroy);
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

    gf(&r, &f, audit);
    cr_assert_eq(r.status, 0, "audit: %s", r.err.ptr);
    cr_expect(strstr(r.out.ptr, "\"destroy\""), "audit: %s", r.out.ptr);
    cr_expect(strstr(r.out.ptr, "\"apply\""), "audit: %s", r.out.ptr);
    gf_test_run_release(&r);
    fixture_stop(&f);
}
