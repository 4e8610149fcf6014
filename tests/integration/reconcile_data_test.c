/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_data_test.c: the kinds that hold data, as a user runs them against `gitfargate
 * local-aws`: the SQS queue and its DLQ (attributes, RedrivePolicy, one update on change), the
 * S3 bucket (private, encrypted, tagged; someone else's bucket used as is), and --prune, which
 * finds what the file no longer names and deletes it only with --force (never a bucket that
 * holds objects). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "aws/service.h"
#include "aws/svc_s3.h"
#include "aws/svc_sqs.h"
#include "common/buf.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/stackfix.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define STACK_HEAD                                                                                 \
    "app:\n"                                                                                       \
    "  name: demo\n"                                                                               \
    "log_group:\n"                                                                                 \
    "  retention_days: 14\n"
#define STACK_DATA                                                                                 \
    "queue:\n"                                                                                     \
    "  name: jobs\n"                                                                               \
    "  max_receive_count: 3\n"                                                                     \
    "  visibility_timeout: 60\n"                                                                   \
    "bucket:\n"                                                                                    \
    "  name: demo-data\n"
#define STACK_TASKS                                                                                \
    "tasks:\n"                                                                                     \
    "  hello:\n"                                                                                   \
    "    type: task\n"                                                                             \
    "    image: nginx:1.27\n"

/* The text plan's output (stdout and stderr), owned by the caller. */
static void plan_text(struct gf_buf *out, struct gf_test_stack *f, const char *extra)
{
    struct gf_test_run r;
    const char *args[] = {"plan", extra, NULL};

    gf_test_stack_run(&r, f, args);
    cr_assert_eq(r.status, 0, "plan failed: %s", r.err.ptr);
    gf_buf_puts(out, r.out.ptr);
    gf_buf_puts(out, r.err.ptr);
    gf_test_run_release(&r);
}

/* An object row straight into local-aws's database (its PutObject fails: reported). */
static void put_object_row(struct gf_test_stack *f, const char *bucket, const char *key)
{
    struct gf_local_db *db = NULL;
    char path[600], type[96];
    json_t *doc = json_pack("{s:s, s:i, s:s, s:s, s:s}", "Key", key, "Size", 3, "ETag",
                            "\"abc\"", "StorageClass", "STANDARD", "LastModified",
                            "2026-01-01T00:00:00.000Z");
    struct gf_local_res res = {"s3", type, key, 0, "arn:aws:s3:::x", "ACTIVE", doc};

    snprintf(path, sizeof(path), "%s/local.db", f->aws.tmp);
    snprintf(type, sizeof(type), "object/%s", bucket);
    gf_cr_ok(gf_local_db_open(&db, path));
    gf_cr_ok(gf_local_db_put(db, &res));
    gf_local_db_free(db);
    json_decref(doc);
}

static void apply(struct gf_test_stack *f, struct gf_test_run *r, const char *a1, const char *a2)
{
    const char *args[] = {"apply", a1, a2, NULL};

    gf_test_stack_run(r, f, args);
    cr_assert_eq(r->status, 0, "apply failed (%d): %s", r->status, r->err.ptr);
}

static json_t *queue_attrs(struct gf_test_stack *f, const char *name)
{
    char *url = NULL;
    json_t *attrs = NULL;

    gf_cr_ok(gf_sqs_get_queue_url(&url, f->aws.client, name));
    gf_cr_ok(gf_sqs_get_queue_attributes(&attrs, f->aws.client, url, NULL));
    free(url);
    return attrs;
}

Test(reconcile_data, queue_dlq_and_bucket_are_made_as_the_file_says, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    struct gf_s3_public_access_block pab = {false, false, false, false};
    json_t *attrs, *redrive, *tags = NULL, *rules = NULL, *plan;
    struct gf_buf text = GF_BUF_INIT;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_HEAD STACK_DATA STACK_TASKS, NULL);
    apply(&f, &r, NULL, NULL);
    gf_test_run_release(&r);

    /* the queue: the file's attributes (not FargateStack's defaults) and the redrive */
    attrs = queue_attrs(&f, "jobs");
    cr_expect_str_eq(json_string_value(json_object_get(attrs, "VisibilityTimeout")), "60");
    cr_expect_str_eq(json_string_value(json_object_get(attrs, "MaximumMessageSize")), "262144");
    redrive = json_loads(json_string_value(json_object_get(attrs, "RedrivePolicy")), 0, NULL);
    cr_assert_not_null(redrive);
    cr_expect_str_eq(json_string_value(json_object_get(redrive, "deadLetterTargetArn")),
                     "arn:aws:sqs:" GF_TEST_AWS_REGION ":" GF_TEST_AWS_ACCOUNT ":jobs-dlq");
    cr_expect_eq(json_integer_value(json_object_get(redrive, "maxReceiveCount")), 3);
    json_decref(redrive);
    json_decref(attrs);
    attrs = queue_attrs(&f, "jobs-dlq");
    cr_expect_str_eq(json_string_value(json_object_get(attrs, "VisibilityTimeout")), "30");
    cr_expect_null(json_object_get(attrs, "RedrivePolicy"));
    json_decref(attrs);

    /* the bucket: private, encrypted, tagged for the stack */
    gf_cr_ok(gf_s3_get_public_access_block(&pab, f.aws.client, "demo-data"));
    cr_expect(pab.block_public_acls && pab.ignore_public_acls && pab.block_public_policy &&
              pab.restrict_public_buckets);
    gf_cr_ok(gf_s3_get_bucket_encryption(&rules, f.aws.client, "demo-data"));
    cr_expect_str_eq(gf_test_json_str(rules, "0.ApplyServerSideEncryptionByDefault.SSEAlgorithm"),
                     "AES256");
    gf_cr_ok(gf_s3_get_bucket_tagging(&tags, f.aws.client, "demo-data"));
    cr_expect_eq(json_array_size(tags), 3, "gitfargate's three tags");
    json_decref(tags);
    json_decref(rules);

    /* the state: urls and arns written back */
    cr_assert_eq(gf_test_read_file(&text, f.stack), 0);
    cr_expect(strstr(text.ptr, "arn: arn:aws:sqs:" GF_TEST_AWS_REGION ":" GF_TEST_AWS_ACCOUNT
                               ":jobs-dlq"), "%s", text.ptr);
    cr_expect(strstr(text.ptr, "arn: arn:aws:s3:::demo-data"), "%s", text.ptr);
    gf_buf_release(&text);

    /* unchanged: nothing to do even when everything is read again */
    plan = gf_test_stack_plan_json(&f, "--no-cache");
    cr_expect_eq(gf_test_stack_summary(plan, "none"), json_array_size(json_object_get(plan, "actions")),
                 "plan: %s", json_dumps(plan, 0));
    json_decref(plan);

    /* one attribute changes: one update of the queue, and AWS has it */
    gf_test_stack_edit(&f, "visibility_timeout: 60", "visibility_timeout: 90");
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "update"), 1);
    cr_expect_eq(gf_test_stack_summary(plan, "create"), 0);
    json_decref(plan);
    apply(&f, &r, NULL, NULL);
    gf_test_run_release(&r);
    attrs = queue_attrs(&f, "jobs");
    cr_expect_str_eq(json_string_value(json_object_get(attrs, "VisibilityTimeout")), "90");
    json_decref(attrs);
    gf_test_stack_stop(&f);
}

Test(reconcile_data, someone_elses_bucket_is_used_as_is, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    struct gf_s3_public_access_block pab;
    struct gf_buf text = GF_BUF_INIT;
    json_t *tags = json_pack("[{s:s, s:s}]", "Key", "owner", "Value", "data-team"), *got = NULL;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_HEAD STACK_DATA STACK_TASKS, NULL);
    gf_cr_ok(gf_s3_create_bucket(NULL, f.aws.client, "demo-data", NULL));
    gf_cr_ok(gf_s3_put_bucket_tagging(f.aws.client, "demo-data", tags));
    plan_text(&text, &f, NULL);
    cr_expect(strstr(text.ptr, "bucket demo-data was not created by gitfargate: used as is"),
              "%s", text.ptr);
    gf_buf_release(&text);
    apply(&f, &r, NULL, NULL);
    gf_test_run_release(&r);
    gf_cr_ok(gf_s3_get_bucket_tagging(&got, f.aws.client, "demo-data"));
    cr_expect(json_equal(got, tags), "its tags are left alone");
    cr_expect_eq(gf_s3_get_public_access_block(&pab, f.aws.client, "demo-data"), GF_ENOTFOUND,
                 "its configuration is left alone");

    /* destroy --force never deletes it */
    {
        const char *args[] = {"destroy", "--force", "--yes", NULL};

        gf_test_stack_run(&r, &f, args);
        gf_test_run_release(&r);
    }
    gf_cr_ok(gf_s3_head_bucket(NULL, f.aws.client, "demo-data"));
    json_decref(tags);
    json_decref(got);
    gf_test_stack_stop(&f);
}

Test(reconcile_data, prune_deletes_what_the_file_dropped_only_with_force, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    json_t *urls = NULL, *plan;
    struct gf_buf text = GF_BUF_INIT;
    bool empty = false;

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_HEAD STACK_DATA STACK_TASKS, NULL);
    apply(&f, &r, NULL, NULL);
    gf_test_run_release(&r);
    cr_assert_eq(gf_test_write_file(f.stack, STACK_HEAD STACK_TASKS,
                                    strlen(STACK_HEAD STACK_TASKS)), 0);

    /* without --prune the dropped resources are left alone; with it they show, kept */
    plan = gf_test_stack_plan_json(&f, NULL);
    cr_expect_eq(gf_test_stack_summary(plan, "delete"), 0);
    json_decref(plan);
    plan_text(&text, &f, "--prune");
    cr_expect(strstr(text.ptr, "queue jobs is gone from the stack and holds 0 message(s)"), "%s",
              text.ptr);
    cr_expect(strstr(text.ptr, "bucket demo-data is gone from the stack and is empty"), "%s",
              text.ptr);
    cr_expect(strstr(text.ptr, "queue jobs is kept: it may hold data (add --force to delete it)"),
              "%s", text.ptr);
    gf_buf_release(&text);
    apply(&f, &r, "--prune", NULL);
    gf_test_run_release(&r);
    gf_cr_ok(gf_sqs_list_queues(&urls, f.aws.client, NULL));
    cr_expect_eq(json_array_size(urls), 2);
    json_decref(urls);

    /* --prune --force: gone */
    apply(&f, &r, "--prune", "--force");
    gf_test_run_release(&r);
    gf_cr_ok(gf_sqs_list_queues(&urls, f.aws.client, NULL));
    cr_expect_eq(json_array_size(urls), 0, "queues left: %s", json_dumps(urls, 0));
    json_decref(urls);
    cr_expect_eq(gf_s3_bucket_is_empty(&empty, f.aws.client, "demo-data"), GF_ENOTFOUND);
    gf_test_stack_stop(&f);
}

Test(reconcile_data, a_bucket_holding_objects_is_never_deleted, .timeout = 120)
{
    struct gf_test_stack f;
    struct gf_test_run r;
    struct gf_buf text = GF_BUF_INIT;
    const char *args[] = {"apply", "--prune", "--force", NULL};

    gf_test_stack_start(&f, GF_TEST_LOCAL_AWS, STACK_HEAD STACK_DATA STACK_TASKS, NULL);
    apply(&f, &r, NULL, NULL);
    gf_test_run_release(&r);
    put_object_row(&f, "demo-data", "report.csv");
    cr_assert_eq(gf_test_write_file(f.stack, STACK_HEAD STACK_TASKS,
                                    strlen(STACK_HEAD STACK_TASKS)), 0);
    plan_text(&text, &f, "--prune");
    cr_expect(strstr(text.ptr, "bucket demo-data is gone from the stack and holds objects"), "%s",
              text.ptr);
    gf_buf_release(&text);
    gf_test_stack_run(&r, &f, args);
    cr_expect_neq(r.status, 0);
    cr_expect(strstr(r.err.ptr, "bucket 'demo-data' holds objects: gitfargate does not delete "
                                "data"), "%s", r.err.ptr);
    gf_test_run_release(&r);
    gf_cr_ok(gf_s3_head_bucket(NULL, f.aws.client, "demo-data"));
    gf_test_stack_stop(&f);
}
