/* SPDX-License-Identifier: Apache-2.0 */
/* svc_s3_test.c: aws/svc_s3.c against `gitfargate local-aws` and moto (each scenario written
 * once, run against both), and local-aws's S3 strictness: bucket name rules, location
 * constraints, BucketNotEmpty, missing configurations. Two codec faults are pinned by disabled
 * tests (see each). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/local/local.h"
#include "aws/svc_s3.h"
#include "common/alloc.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define BUCKET "gf-h5-artifacts"

static struct gf_test_aws s_b;

static void stop(void)
{
    gf_test_aws_stop(&s_b);
}

static bool has_bucket(const json_t *list, const char *name)
{
    size_t i;
    const json_t *b;

    json_array_foreach(list, i, b) {
        const char *n = json_string_value(json_object_get(b, "Name"));

        if (n && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

static void check_encryption(struct gf_test_aws *b, const char *want_alg, const char *want_key)
{
    json_t *rules = NULL;

    gf_cr_ok(gf_s3_get_bucket_encryption(&rules, b->client, BUCKET));
    cr_assert_eq(json_array_size(rules), 1);
    cr_assert_str_eq(gf_test_json_str(rules, "0.ApplyServerSideEncryptionByDefault.SSEAlgorithm"),
                     want_alg);
    if (want_key)
        cr_assert_str_eq(
            gf_test_json_str(rules, "0.ApplyServerSideEncryptionByDefault.KMSMasterKeyID"),
            want_key);
    json_decref(rules);
}

static void public_access_block(struct gf_test_aws *b)
{
    struct gf_s3_public_access_block pab = {true, true, true, false}, got;

    gf_cr_fails(GF_ENOTFOUND, gf_s3_get_public_access_block(&got, b->client, BUCKET));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchPublicAccessBlockConfiguration");
    gf_cr_ok(gf_s3_put_public_access_block(b->client, BUCKET, &pab));
    gf_cr_ok(gf_s3_get_public_access_block(&got, b->client, BUCKET));
    cr_assert(got.block_public_acls && got.ignore_public_acls && got.block_public_policy);
    cr_assert_not(got.restrict_public_buckets);
    gf_cr_ok(gf_s3_delete_public_access_block(b->client, BUCKET));
    gf_cr_fails(GF_ENOTFOUND, gf_s3_get_public_access_block(&got, b->client, BUCKET));
}

static void tagging(struct gf_test_aws *b)
{
    json_t *tags = json_pack("[{s:s,s:s},{s:s,s:s}]", "Key", "app", "Value", "web", "Key",
                             "team", "Value", "a");
    json_t *got = NULL;

    gf_cr_ok(gf_s3_get_bucket_tagging(&got, b->client, BUCKET));
    cr_assert_eq(json_array_size(got), 0, "a new bucket has no tags");
    json_decref(got);
    gf_cr_ok(gf_s3_put_bucket_tagging(b->client, BUCKET, tags));
    gf_cr_ok(gf_s3_get_bucket_tagging(&got, b->client, BUCKET));
    cr_assert(json_equal(got, tags), "tags: %s", json_dumps(got, JSON_COMPACT));
    json_decref(got);
    gf_cr_ok(gf_s3_delete_bucket_tagging(b->client, BUCKET));
    gf_cr_ok(gf_s3_get_bucket_tagging(&got, b->client, BUCKET));
    cr_assert_eq(json_array_size(got), 0);
    json_decref(got);
    json_decref(tags);
}

/* A bucket's whole life: create, probe, list, configure, delete. */
static void buckets_scenario(struct gf_test_aws *b)
{
    json_t *out = NULL;
    char *region = NULL;

    gf_cr_ok(gf_s3_create_bucket(&out, b->client, BUCKET, NULL));
    cr_assert_str_eq(gf_test_json_str(out, "Location"), "/" BUCKET);
    json_decref(out);
    gf_cr_fails(GF_ECONFLICT, gf_s3_create_bucket(NULL, b->client, BUCKET, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "BucketAlreadyOwnedByYou");
    cr_assert_eq(gf_error_last()->http_status, 409);

    gf_cr_ok(gf_s3_head_bucket(&region, b->client, BUCKET));
    cr_assert_str_eq(region, GF_TEST_AWS_REGION);
    gf_free(region);
    gf_cr_fails(GF_ENOTFOUND, gf_s3_head_bucket(&region, b->client, "gf-h5-missing"));
    cr_assert_str_eq(gf_error_last()->msg, "s3 bucket 'gf-h5-missing' does not exist");
    cr_assert_eq(gf_error_last()->http_status, 404);
    cr_assert_null(region);

    gf_cr_ok(gf_s3_list_buckets(&out, b->client));
    cr_assert(has_bucket(out, BUCKET));
    json_decref(out);

    /* moto 5 gap: a new bucket has no default encryption (AWS: SSE-S3 since January 2023),
     * so moto gets it set here; local-aws must answer it unasked */
    if (b->kind == GF_TEST_MOTO)
        gf_cr_ok(gf_s3_put_bucket_encryption(b->client, BUCKET, "AES256", NULL));
    check_encryption(b, "AES256", NULL);
    gf_cr_ok(gf_s3_put_bucket_encryption(b->client, BUCKET, "aws:kms", "alias/gf"));
    check_encryption(b, "aws:kms", "alias/gf");
    public_access_block(b);
    tagging(b);

    gf_cr_ok(gf_s3_delete_bucket(b->client, BUCKET));
    gf_cr_fails(GF_ENOTFOUND, gf_s3_delete_bucket(b->client, BUCKET));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchBucket");
    cr_assert_str_eq(gf_error_last()->msg, "s3 bucket '" BUCKET "' does not exist");
    gf_cr_fails(GF_ENOTFOUND, gf_s3_get_bucket_tagging(&out, b->client, BUCKET));
}

Test(svc_s3, buckets_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    buckets_scenario(&s_b);
}

Test(svc_s3, buckets_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    buckets_scenario(&s_b);
}

/* Objects: a bucket holding data is not empty and cannot be deleted. */
static void objects_scenario(struct gf_test_aws *b)
{
    json_t *objs = NULL;
    bool empty = false;

    gf_cr_ok(gf_s3_create_bucket(NULL, b->client, BUCKET, NULL));
    gf_cr_ok(gf_s3_bucket_is_empty(&empty, b->client, BUCKET));
    cr_assert(empty);
    gf_cr_ok(gf_s3_list_objects(&objs, b->client, BUCKET, NULL));
    cr_assert_eq(json_array_size(objs), 0);
    json_decref(objs);
    gf_cr_fails(GF_ENOTFOUND, gf_s3_bucket_is_empty(&empty, b->client, "gf-h5-missing"));
}

Test(svc_s3, objects_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    objects_scenario(&s_b);
}

/* ListObjectsV2's URI holds the literal "list-type=2": the REST decoder matches that exact pair. */
Test(svc_s3, objects_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    objects_scenario(&s_b);
}

/* AWS answers GetBucketLocation with the constraint as the root's text; both sides of the codec
 * handle it (aws/codec.h gf_aws_op_text_root). */
static void location_scenario(struct gf_test_aws *b)
{
    char *region = NULL;

    gf_cr_ok(gf_s3_create_bucket(NULL, b->client, BUCKET, NULL));
    gf_cr_ok(gf_s3_get_bucket_location(&region, b->client, BUCKET));
    cr_assert_str_eq(region, GF_TEST_AWS_REGION);
    gf_free(region);
    gf_cr_fails(GF_ENOTFOUND, gf_s3_get_bucket_location(&region, b->client, "gf-h5-missing"));
}

Test(svc_s3, location_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    location_scenario(&s_b);
}

Test(svc_s3, location_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    location_scenario(&s_b);
}

/* ---- local-aws strictness ------------------------------------------------------------------ */

static void create_fails(const char *bucket, const char *region, const char *code)
{
    gf_cr_fails(GF_ERROR, gf_s3_create_bucket(NULL, s_b.client, bucket, region));
    cr_assert_str_eq(gf_error_last()->aws_code, code, "%s: %s", bucket, gf_error_last()->msg);
    cr_assert_eq(gf_error_last()->http_status, 400);
}

Test(svc_s3, local_aws_rejects_what_s3_rejects, .fini = stop)
{
    static const char *const bad[] = {"ab", "Upper-case", "-dash-first", "dot-last.", "a..b",
                                      "a.-b", "192.168.1.2", "xn--punycode", "x-s3alias",
                                      "under_score", NULL};
    size_t i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    for (i = 0; bad[i]; i++)
        create_fails(bad[i], NULL, "InvalidBucketName");
    cr_assert_str_eq(gf_error_last()->msg,
                     "s3:CreateBucket: InvalidBucketName: The specified bucket is not valid.");
    /* a constraint for another region than the endpoint's, and none outside us-east-1 */
    create_fails("gf-h5-elsewhere", "us-west-2", "IllegalLocationConstraintException");
    create_fails("gf-h5-elsewhere", "us-east-1", "IllegalLocationConstraintException");
    cr_assert_str_eq(gf_error_last()->msg,
                     "s3:CreateBucket: IllegalLocationConstraintException: The unspecified "
                     "location constraint is incompatible for the region specific endpoint this "
                     "request was sent to.");
    gf_cr_ok(gf_s3_create_bucket(NULL, s_b.client, "a.b-c.0123456789", NULL));
}

/* Test set-up puts an object row straight into local-aws's database: PutObject is not in the
 * codec's table yet (reported), so no client can send it. */
static void put_object_row(const char *bucket, const char *key)
{
    struct gf_local_db *db = NULL;
    char path[600], type[96];
    json_t *doc = json_pack("{s:s, s:i, s:s, s:s, s:s}", "Key", key, "Size", 3, "ETag",
                            "\"abc\"", "StorageClass", "STANDARD", "LastModified",
                            "2026-01-01T00:00:00.000Z");
    struct gf_local_res res = {"s3", type, key, 0, "arn:aws:s3:::x", "ACTIVE", doc};

    snprintf(path, sizeof(path), "%s/local.db", s_b.tmp);
    snprintf(type, sizeof(type), "object/%s", bucket);
    gf_cr_ok(gf_local_db_open(&db, path));
    gf_cr_ok(gf_local_db_put(db, &res));
    gf_local_db_free(db);
    json_decref(doc);
}

Test(svc_s3, local_aws_refuses_to_delete_a_bucket_holding_data, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(gf_s3_create_bucket(NULL, s_b.client, BUCKET, NULL));
    put_object_row(BUCKET, "data/a.txt");
    gf_cr_fails(GF_ECONFLICT, gf_s3_delete_bucket(s_b.client, BUCKET));
    cr_assert_str_eq(gf_error_last()->aws_code, "BucketNotEmpty");
    cr_assert_eq(gf_error_last()->http_status, 409);
    cr_assert_str_eq(gf_error_last()->msg, "s3 bucket '" BUCKET "' is not empty");
    gf_cr_ok(gf_s3_head_bucket(NULL, s_b.client, BUCKET));
}

Test(svc_s3, local_aws_checks_encryption_and_tags, .fini = stop)
{
    json_t *dup = json_pack("[{s:s,s:s},{s:s,s:s}]", "Key", "a", "Value", "1", "Key", "a",
                            "Value", "2");
    json_t *sys = json_pack("[{s:s,s:s}]", "Key", "aws:x", "Value", "1");

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(gf_s3_create_bucket(NULL, s_b.client, BUCKET, NULL));
    gf_cr_fails(GF_ERROR, gf_s3_put_bucket_encryption(s_b.client, BUCKET, "DES", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "MalformedXML");
    gf_cr_fails(GF_ERROR, gf_s3_put_bucket_encryption(s_b.client, BUCKET, "AES256", "k"));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidArgument");
    gf_cr_fails(GF_ERROR, gf_s3_put_bucket_tagging(s_b.client, BUCKET, dup));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidTag");
    cr_assert_str_eq(gf_error_last()->msg,
                     "s3:PutBucketTagging: InvalidTag: Cannot provide multiple Tags with the "
                     "same key");
    gf_cr_fails(GF_ERROR, gf_s3_put_bucket_tagging(s_b.client, BUCKET, sys));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidTag");
    gf_cr_fails(GF_ENOTFOUND, gf_s3_put_bucket_tagging(s_b.client, "gf-h5-missing", sys));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchBucket");
    json_decref(dup);
    json_decref(sys);
}
