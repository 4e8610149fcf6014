/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_safety_test.c: what apply must never do, against a real `gitfargate local-aws`:
 * let a secret value reach the plan, the file, the audit store or a log line (at trace level);
 * change anything when the preflight finds a certificate that does not cover the domain or a
 * file system out of the stack's VPC; delete what the stack uses but did not make; hide the
 * plan's warnings because there was nothing to change. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/service.h"
#include "common/buf.h"
#include "tests/testlib/stackfix.h"
#include "common/banned.h"

#define PLANTED_SM  "planted-SM-value-Zq81xT"
#define PLANTED_SSM "planted-SSM-value-Lw44pR"

/* ---- secrets ---------------------------------------------------------------------------------- */

/* Fail when `text` (what `what` printed or holds) carries a planted value. */
static void assert_clean(const char *what, const char *text, size_t len)
{
    static const char *const s_planted[] = {PLANTED_SM, PLANTED_SSM};
    size_t i, n;

    for (i = 0; i < 2; i++) {
        n = strlen(s_planted[i]);
        for (size_t at = 0; at + n <= len; at++)
            cr_assert(memcmp(text + at, s_planted[i], n) != 0, "%s holds the planted value %s",
                      what, s_planted[i]);
    }
}

static void run_clean(struct gf_test_stack *f, const char *const *args, size_t *log_bytes)
{
    struct gf_test_run r;

    gf_test_stack_run(&r, f, args);
    cr_assert_eq(r.status, 0, "%s failed (%d): %s", args[0], r.status, r.err.ptr);
    assert_clean(args[0], r.out.ptr, r.out.len);
    assert_clean(args[0], r.err.ptr, r.err.len);
    *log_bytes += r.err.len;
    gf_test_run_release(&r);
}

static void file_clean(const char *path, bool must_exist)
{
    struct gf_buf b = GF_BUF_INIT;

    if (gf_test_read_file(&b, path) != 0) {
        cr_assert(!must_exist, "%s is missing", path);
        return;
    }
    assert_clean(path, b.ptr, b.len);
    gf_buf_release(&b);
}

Test(reconcile_safety, secret_values_never_reach_plan_file_store_or_logs, .timeout = 240)
{
    static const char *const s_images[] = {"--image", "sync:1.0", NULL};
    struct gf_test_stack f;
    struct gf_buf text = GF_BUF_INIT, path = GF_BUF_INIT;
    json_t *out, *got;
    const char *sm_arn;
    size_t logs = 0;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, "app:\n  name: vault\n", s_images);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_secretsmanager, "CreateSecret",
                              json_pack("{s:s, s:s}", "Name", "prod/db-password", "SecretString",
                                        PLANTED_SM));
    sm_arn = gf_test_json_str(out, "ARN");
    cr_assert_not_null(sm_arn);
    json_decref(gf_test_aws_call_ok(&f.aws, &gf_aws_ssm, "PutParameter",
                                    json_pack("{s:s, s:s, s:s}", "Name", "/prod/api-token",
                                              "Value", PLANTED_SSM, "Type", "SecureString")));
    gf_buf_printf(&text,
                  "app:\n  name: vault\n"
                  "tasks:\n"
                  "  sync:\n"
                  "    type: daemon\n"
                  "    image: sync:1.0\n"
                  "    secrets:\n"
                  "      - prod/db-password:DB_PASSWORD\n"
                  "      - ssm:/prod/api-token:API_TOKEN\n");
    gf_test_stack_write(&f, text.ptr);
    {
        const char *const plan[] = {"plan", "--log-level", "trace", NULL};
        const char *const plan_json[] = {"plan", "--format", "json", "--log-level", "trace", NULL};
        const char *const apply[] = {"apply", "--log-level", "trace", "--log-format", "json",
                                     NULL};
        const char *const again[] = {"apply", "--no-cache", "--log-level", "trace", NULL};
        const char *const audit[] = {"audit", "--format", "json", "--log-level", "trace", NULL};

        run_clean(&f, plan, &logs);
        run_clean(&f, plan_json, &logs);
        run_clean(&f, apply, &logs);
        run_clean(&f, again, &logs);
        run_clean(&f, audit, &logs);
    }
    cr_expect_gt(logs, 2000, "trace level logged next to nothing (%zu bytes): the search is empty",
                 logs);

    /* the file names the secret by ARN, and only by ARN */
    gf_buf_clear(&text);
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    cr_expect(strstr(text.ptr, "prod/db-password"), "the file names the secret: %s", text.ptr);
    gf_buf_release(&text);
    file_clean(f.stack, true);
    gf_buf_printf(&path, "%s.bak", f.stack);
    file_clean(path.ptr, true);

    /* every run's API calls, in full, and the raw store with its journal */
    {
        struct gf_test_run r;
        const char *const runs[] = {"audit", "--format", "json", NULL};
        json_t *doc, *run;
        size_t i;

        gf_test_stack_run(&r, &f, runs);
        doc = json_loads(r.out.ptr, 0, NULL);
        cr_assert(json_is_array(doc) || json_is_object(doc), "audit json: %s", r.out.ptr);
        json_array_foreach(json_is_array(doc) ? doc : json_object_get(doc, "runs"), i, run) {
            const char *id = json_string_value(json_object_get(run, "id"));
            const char *const show[] = {"audit", "--format", "json", id, NULL};
            size_t ignored = 0;

            cr_assert_not_null(id);
            run_clean(&f, show, &ignored);
        }
        cr_expect_geq(json_array_size(json_is_array(doc) ? doc : json_object_get(doc, "runs")), 4);
        json_decref(doc);
        gf_test_run_release(&r);
    }
    file_clean(f.db, true);
    gf_buf_clear(&path);
    gf_buf_printf(&path, "%s-wal", f.db);
    file_clean(path.ptr, false);
    /* (a check that can fail: the secret is there to be found where it belongs) */
    got = gf_test_aws_call_ok(&f.aws, &gf_aws_secretsmanager, "GetSecretValue",
                              json_pack("{s:s}", "SecretId", sm_arn));
    cr_expect_str_eq(gf_test_json_str(got, "SecretString"), PLANTED_SM);
    json_decref(got);
    json_decref(out);
    gf_buf_release(&path);
    gf_test_stack_stop(&f);
}

/* ---- preflight -------------------------------------------------------------------------------- */

static long long clusters(struct gf_test_stack *f)
{
    json_t *out = gf_test_aws_call_ok(&f->aws, &gf_aws_ecs, "ListClusters", NULL);
    long long n = (long long)json_array_size(json_object_get(out, "clusterArns"));

    json_decref(out);
    return n;
}

Test(reconcile_safety, certificate_that_does_not_cover_the_domain_fails_preflight, .timeout = 240)
{
    static const char *const s_args[] = {"--image", "storefront:1.2.3", "--domain", "example.com",
                                         NULL};
    struct gf_test_stack f;
    struct gf_buf text = GF_BUF_INIT, err = GF_BUF_INIT, line = GF_BUF_INIT;
    json_t *cert;
    const char *arn;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, "app:\n  name: x\n", s_args);
    cert = gf_test_aws_call_ok(&f.aws, &gf_aws_acm, "RequestCertificate",
                               json_pack("{s:s, s:s}", "DomainName", "other.example.com",
                                         "ValidationMethod", "DNS"));
    arn = gf_test_json_str(cert, "CertificateArn");
    cr_assert_not_null(arn);
    gf_test_stack_read_example(&text, "storefront.yml");
    gf_buf_printf(&line, "    type: https\n    certificate_arn: %s\n", arn);
    gf_test_stack_replace_all(&text, "    type: https\n", line.ptr);
    gf_test_stack_write(&f, text.ptr);

    cr_expect_eq(gf_test_stack_apply(&f, NULL, 1, &err), 0);
    cr_expect(strstr(err.ptr, "does not cover shop.example.com"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "nothing was changed"), "stderr: %s", err.ptr);
    cr_expect_eq(clusters(&f), 0, "a failed preflight changes nothing");
    json_decref(cert);
    gf_buf_release(&line);
    gf_buf_release(&err);
    gf_buf_release(&text);
    gf_test_stack_stop(&f);
}

Test(reconcile_safety, file_system_outside_the_vpc_fails_preflight_until_mounted, .timeout = 240)
{
    static const char *const s_args[] = {"--image", "media-indexer:2.0.0", NULL};
    struct gf_test_stack f;
    struct gf_buf text = GF_BUF_INIT, err = GF_BUF_INIT;
    json_t *fs, *subnets, *mt;
    char *vpc, *fs_id;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, "app:\n  name: x\n", s_args);
    fs = gf_test_aws_call_ok(&f.aws, &gf_aws_efs, "CreateFileSystem",
                             json_pack("{s:s}", "CreationToken", "media"));
    fs_id = strdup(gf_test_json_str(fs, "FileSystemId"));
    cr_assert_not_null(fs_id);
    gf_test_stack_read_example(&text, "media-indexer.yml");
    gf_test_stack_replace_all(&text, "fs-0123456789abcdef0", fs_id);
    gf_test_stack_replace_all(&text, "      authorize_ingress: true\n", "");
    gf_test_stack_write(&f, text.ptr);

    /* no mount target anywhere: the tasks could not mount it */
    gf_test_stack_apply(&f, "--no-wait", 1, &err);
    cr_expect(strstr(err.ptr, "has no mount target in the stack's VPC"), "stderr: %s", err.ptr);
    cr_expect_eq(clusters(&f), 0, "a failed preflight changes nothing");

    /* a mount target in one of the VPC's subnets: the same file applies */
    vpc = gf_test_stack_file_value(&f, "vpc_id");
    subnets = gf_test_aws_call_ok(&f.aws, &gf_aws_ec2, "DescribeSubnets",
                                  json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "vpc-id",
                                            "Value", vpc));
    for (int i = 0; i < 200; i++) { /* a new file system is `creating` for a moment */
        json_t *d = gf_test_aws_call_ok(&f.aws, &gf_aws_efs, "DescribeFileSystems",
                                        json_pack("{s:s}", "FileSystemId", fs_id));
        bool ready = strcmp(gf_test_json_str(d, "FileSystems.0.LifeCycleState"), "available") == 0;

        json_decref(d);
        if (ready)
            break;
        nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
    }
    mt = gf_test_aws_call_ok(&f.aws, &gf_aws_efs, "CreateMountTarget",
                             json_pack("{s:s, s:s}", "FileSystemId", fs_id, "SubnetId",
                                       gf_test_json_str(subnets, "subnetSet.0.subnetId")));
    gf_buf_clear(&err);
    gf_test_stack_apply(&f, "--no-wait", 0, &err);
    json_decref(mt);
    json_decref(subnets);
    json_decref(fs);
    free(vpc);
    free(fs_id);
    gf_buf_release(&err);
    gf_buf_release(&text);
    gf_test_stack_stop(&f);
}

/* The subnets a change starts tasks in must be usable, whatever the state says: enough free
 * addresses for the desired count, and there at all. Each failure changes nothing. */
Test(reconcile_safety, subnets_without_room_or_gone_fail_preflight, .timeout = 240)
{
    struct gf_test_stack f;
    struct gf_buf err = GF_BUF_INIT, calls = GF_BUF_INIT;
    json_t *svc;
    char *subnet;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS,
                        "app:\n  name: net\ntasks:\n  relay:\n    type: daemon\n"
                        "    image: nginx:1.27\n    desired_count: 2\n",
                        NULL);
    gf_test_stack_apply(&f, "--no-wait", 0, NULL);

    /* local-aws's private subnets are two /24s: 251 free addresses each */
    gf_test_stack_edit(&f, "desired_count: 2", "desired_count: 600");
    gf_test_stack_apply(&f, "--no-wait", 1, &err);
    cr_expect(strstr(err.ptr, "600 tasks need as many free addresses; its subnets have 502"),
              "stderr: %s", err.ptr);
    cr_expect_eq(gf_test_stack_last_calls(&calls, &f, true), 0, "mutating: %s", calls.ptr);

    /* a subnet of the state that is gone */
    gf_test_stack_edit(&f, "desired_count: 600", "desired_count: 3");
    svc = gf_test_aws_call_ok(&f.aws, &gf_aws_ecs, "DescribeServices",
                              json_pack("{s:s, s:[s]}", "cluster", "net-cluster", "services",
                                        "relay"));
    subnet = strdup(
        gf_test_json_str(svc, "services.0.networkConfiguration.awsvpcConfiguration.subnets.0"));
    cr_assert_not_null(subnet);
    gf_test_stack_edit(&f, subnet, "subnet-0123456789abcdef0");
    gf_buf_clear(&err);
    gf_test_stack_apply(&f, "--no-wait", 1, &err);
    cr_expect(strstr(err.ptr, "subnet-0123456789abcdef0"), "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "preflight failed"), "stderr: %s", err.ptr);
    cr_expect_eq(gf_test_stack_last_calls(&calls, &f, true), 0, "mutating: %s", calls.ptr);

    /* put back: the scale-up applies */
    gf_test_stack_edit(&f, "subnet-0123456789abcdef0", subnet);
    gf_test_stack_apply(&f, "--no-wait", 0, NULL);
    json_decref(svc);
    free(subnet);
    gf_buf_release(&calls);
    gf_buf_release(&err);
    gf_test_stack_stop(&f);
}

/* ---- what the stack did not make -------------------------------------------------------------- */

#define WITH_BUCKET                                                                                \
    "app:\n"                                                                                       \
    "  name: keeper\n"                                                                             \
    "bucket:\n"                                                                                    \
    "  name: shared-reports\n"                                                                     \
    "tasks:\n"                                                                                     \
    "  job:\n"                                                                                     \
    "    type: task\n"                                                                             \
    "    image: nginx:1.27\n"

Test(reconcile_safety, destroy_keeps_a_bucket_the_stack_did_not_make, .timeout = 240)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    const char *const destroy[] = {"destroy", "--yes", NULL};
    const char *const plan[] = {"plan", "--no-cache", NULL};
    const json_t *a;
    json_t *doc;
    size_t i;
    bool seen = false;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, WITH_BUCKET, NULL);
    json_decref(gf_test_aws_call_ok(&f.aws, &gf_aws_s3, "CreateBucket",
                                    json_pack("{s:s, s:{s:s}}", "Bucket", "shared-reports",
                                              "CreateBucketConfiguration", "LocationConstraint",
                                              GF_TEST_AWS_REGION)));
    gf_test_stack_apply(&f, NULL, 0, NULL);

    /* nothing to change, yet the plan read the bucket and has something to say: it is shown */
    gf_test_stack_run(&r, &f, (const char *const[]){"apply", "--no-cache", NULL});
    cr_assert_eq(r.status, 0, "apply: %s", r.err.ptr);
    cr_expect(strstr(r.err.ptr, "No changes"), "stderr: %s", r.err.ptr);
    cr_expect(strstr(r.out.ptr, "bucket shared-reports was not created by gitfargate"),
              "the warning of a plan that was not printed: stdout %s", r.out.ptr);
    gf_test_run_release(&r);
    gf_test_stack_run(&r, &f, plan);
    cr_assert_eq(r.status, 0);
    gf_test_run_release(&r);

    /* destroy's plan keeps it, and says why */
    doc = gf_test_stack_plan_json(&f, "--destroy");
    json_array_foreach(json_object_get(doc, "actions"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "kind")), "bucket") != 0)
            continue;
        seen = true;
        cr_expect_str_eq(json_string_value(json_object_get(a, "change")), "none");
        cr_expect_str_eq(json_string_value(json_object_get(a, "reason")),
                         "kept: not made by this stack");
    }
    cr_expect(seen, "the bucket is in destroy's plan");
    json_decref(doc);
    gf_test_stack_ok(&f, destroy, NULL);
    json_decref(gf_test_aws_call_ok(&f.aws, &gf_aws_s3, "HeadBucket",
                                    json_pack("{s:s}", "Bucket", "shared-reports")));
    gf_test_stack_stop(&f);
}
