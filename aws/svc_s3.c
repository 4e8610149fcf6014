/* SPDX-License-Identifier: Apache-2.0 */
/* svc_s3.c: Amazon S3 buckets through the call layer (svc_s3.h; rest-xml, reference/
 * aws-protocols.md §7.10): one thin function per operation, not-found and already-exists
 * normalised, ListBuckets and ListObjectsV2 followed to their last page. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/svc_s3.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_PAGES 1000

/* Say what the failing call meant in our words, keeping where it failed and AWS's code, request
 * id and status. Returns rc. */
static int restate(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int restate(int rc, const char *fmt, ...)
{
    struct gf_error e;
    char msg[256];
    va_list ap;

    gf_error_copy(&e, gf_error_last());
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_error_set(rc, "%s", msg);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return rc;
}

static bool aws_code_is(const char *code)
{
    return strcmp(gf_error_last()->aws_code, code) == 0;
}

/* One call with {"Bucket": bucket} plus `extra`'s members (stolen, may be NULL). */
static int bucket_call(json_t **out, struct gf_aws_client *client, const char *op,
                       const char *bucket, json_t *extra)
{
    json_t *input = json_pack("{s:s}", "Bucket", bucket ? bucket : "");
    json_t *res = NULL;
    int rc;

    if (!input || (extra && json_object_update(input, extra) < 0)) {
        json_decref(input);
        json_decref(extra);
        return gf_error_oom();
    }
    json_decref(extra);
    rc = gf_aws_call(&res, client, &gf_aws_s3, op, input);
    json_decref(input);
    /* HeadBucket's 404 has no body: its code is "404" */
    if (rc == GF_ENOTFOUND && (aws_code_is("NoSuchBucket") || strcmp(op, "HeadBucket") == 0))
        restate(rc, "s3 bucket '%s' does not exist", bucket ? bucket : "");
    if (rc < 0)
        return rc;
    if (out)
        *out = res;
    else
        json_decref(res);
    return 0;
}

int gf_s3_create_bucket(json_t **out, struct gf_aws_client *client, const char *bucket,
                        const char *region)
{
    const char *r = region ? region : gf_aws_client_region(client);
    json_t *extra = NULL;
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    /* us-east-1 takes no configuration: AWS refuses an explicit us-east-1 constraint */
    if (r && strcmp(r, "us-east-1") != 0) {
        extra = json_pack("{s:{s:s}}", "CreateBucketConfiguration", "LocationConstraint", r);
        if (!extra)
            return gf_error_oom();
    }
    rc = bucket_call(&res, client, "CreateBucket", bucket, extra);
    if (rc == GF_ECONFLICT)
        restate(rc, "s3 bucket '%s' already exists (%s)", bucket, gf_error_last()->aws_code);
    if (rc < 0)
        return rc;
    if (out)
        *out = res;
    else
        json_decref(res);
    return 0;
}

int gf_s3_head_bucket(char **region_out, struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL;
    const char *r;
    int rc;

    if (region_out)
        *region_out = NULL;
    rc = bucket_call(&res, client, "HeadBucket", bucket, NULL);
    if (rc < 0)
        return rc;
    r = json_string_value(json_object_get(res, "BucketRegion"));
    if (region_out) {
        *region_out = gf_strdup(r ? r : "");
        rc = *region_out ? 0 : gf_error_oom();
    }
    json_decref(res);
    return rc;
}

/* Append the items at `key` of a page (an array, or one object the decoder could not tell from
 * a structure) to `all`. */
static int append_items(json_t *all, const json_t *page, const char *key)
{
    const json_t *items = json_object_get(page, key);

    if (json_is_array(items))
        return json_array_extend(all, (json_t *)items) < 0 ? gf_error_oom() : 0;
    if (json_is_object(items))
        return json_array_append(all, (json_t *)items) < 0 ? gf_error_oom() : 0;
    return 0;
}

/* Call `op` page after page: `token_out` of each reply goes back as `token_in`. */
static int list_pages(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                      const char *items_key, const char *token_in, const char *token_out)
{
    json_t *all = json_array();
    json_t *page = NULL;
    int pages = 0;
    int rc = all ? 0 : gf_error_oom();

    while (rc == 0) {
        const json_t *next;

        rc = gf_aws_call(&page, client, &gf_aws_s3, op, input);
        if (rc == 0)
            rc = append_items(all, page, items_key);
        next = json_object_get(page, token_out);
        if (rc < 0 || !json_is_string(next) || json_string_length(next) == 0)
            break;
        if (++pages >= MAX_PAGES) {
            rc = gf_error_set(GF_ERROR, "s3:%s did not finish after %d pages", op, MAX_PAGES);
            break;
        }
        if (json_object_set(input, token_in, (json_t *)next) < 0)
            rc = gf_error_oom();
        json_decref(page);
        page = NULL;
    }
    json_decref(page);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    *out = all;
    return 0;
}

int gf_s3_list_buckets(json_t **out, struct gf_aws_client *client)
{
    json_t *input = json_object();
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = list_pages(out, client, "ListBuckets", input, "Buckets", "ContinuationToken",
                    "ContinuationToken");
    json_decref(input);
    return rc;
}

int gf_s3_get_bucket_location(char **out, struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL;
    const char *lc;
    int rc;

    *out = NULL;
    rc = bucket_call(&res, client, "GetBucketLocation", bucket, NULL);
    if (rc < 0)
        return rc;
    lc = json_string_value(json_object_get(res, "LocationConstraint"));
    /* AWS answers an empty constraint for us-east-1 and the legacy "EU" for eu-west-1 */
    if (!lc || !*lc)
        lc = "us-east-1";
    else if (strcmp(lc, "EU") == 0)
        lc = "eu-west-1";
    *out = gf_strdup(lc);
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_s3_delete_bucket(struct gf_aws_client *client, const char *bucket)
{
    int rc = bucket_call(NULL, client, "DeleteBucket", bucket, NULL);

    if (rc == GF_ECONFLICT)
        restate(rc, "s3 bucket '%s' is not empty", bucket);
    return rc;
}

/* ---- public access block ---------------------------------------------------------------- */

int gf_s3_put_public_access_block(struct gf_aws_client *client, const char *bucket,
                                  const struct gf_s3_public_access_block *cfg)
{
    json_t *extra = json_pack("{s:{s:b, s:b, s:b, s:b}}", "PublicAccessBlockConfiguration",
                              "BlockPublicAcls", cfg->block_public_acls, "IgnorePublicAcls",
                              cfg->ignore_public_acls, "BlockPublicPolicy",
                              cfg->block_public_policy, "RestrictPublicBuckets",
                              cfg->restrict_public_buckets);

    if (!extra)
        return gf_error_oom();
    return bucket_call(NULL, client, "PutPublicAccessBlock", bucket, extra);
}

/* A boolean as decoded: JSON true, or the text "true" when no hint typed it. */
static bool truthy(const json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0);
}

int gf_s3_get_public_access_block(struct gf_s3_public_access_block *out,
                                  struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL;
    const json_t *cfg;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = bucket_call(&res, client, "GetPublicAccessBlock", bucket, NULL);
    if (rc == GF_ENOTFOUND && aws_code_is("NoSuchPublicAccessBlockConfiguration"))
        restate(rc, "s3 bucket '%s' has no public access block", bucket);
    if (rc < 0)
        return rc;
    /* the payload's root is PublicAccessBlockConfiguration: its members come at the top */
    cfg = json_object_get(res, "PublicAccessBlockConfiguration");
    if (!cfg)
        cfg = res;
    out->block_public_acls = truthy(json_object_get(cfg, "BlockPublicAcls"));
    out->ignore_public_acls = truthy(json_object_get(cfg, "IgnorePublicAcls"));
    out->block_public_policy = truthy(json_object_get(cfg, "BlockPublicPolicy"));
    out->restrict_public_buckets = truthy(json_object_get(cfg, "RestrictPublicBuckets"));
    json_decref(res);
    return 0;
}

int gf_s3_delete_public_access_block(struct gf_aws_client *client, const char *bucket)
{
    return bucket_call(NULL, client, "DeletePublicAccessBlock", bucket, NULL);
}

/* ---- default encryption ----------------------------------------------------------------- */

int gf_s3_put_bucket_encryption(struct gf_aws_client *client, const char *bucket,
                                const char *algorithm, const char *kms_key_id)
{
    json_t *def = json_pack("{s:s}", "SSEAlgorithm", algorithm ? algorithm : "");
    json_t *extra = NULL;

    if (def && kms_key_id && json_object_set_new(def, "KMSMasterKeyID", json_string(kms_key_id))) {
        json_decref(def);
        def = NULL;
    }
    if (!def)
        return gf_error_oom();
    extra = json_pack("{s:{s:[{s:o}]}}", "ServerSideEncryptionConfiguration", "Rules",
                      "ApplyServerSideEncryptionByDefault", def);
    if (!extra)
        return gf_error_oom();
    return bucket_call(NULL, client, "PutBucketEncryption", bucket, extra);
}

int gf_s3_get_bucket_encryption(json_t **out, struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL, *rules = NULL;
    const json_t *cfg;
    int rc;

    *out = NULL;
    rc = bucket_call(&res, client, "GetBucketEncryption", bucket, NULL);
    if (rc < 0)
        return rc;
    /* the payload's root is ServerSideEncryptionConfiguration: its Rule elements come at the
     * top, one object when there is one rule (the codec's hint names the payload's path) */
    cfg = json_object_get(res, "ServerSideEncryptionConfiguration");
    rules = json_array();
    rc = rules ? append_items(rules, cfg ? cfg : res, "Rule") : gf_error_oom();
    json_decref(res);
    if (rc < 0) {
        json_decref(rules);
        return rc;
    }
    *out = rules;
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------- */

int gf_s3_put_bucket_tagging(struct gf_aws_client *client, const char *bucket,
                             const json_t *tags)
{
    json_t *set = tags ? json_deep_copy(tags) : json_array();
    json_t *extra = set ? json_pack("{s:{s:o}}", "Tagging", "TagSet", set) : NULL;

    if (!extra)
        return gf_error_oom();
    return bucket_call(NULL, client, "PutBucketTagging", bucket, extra);
}

int gf_s3_get_bucket_tagging(json_t **out, struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL, *tags = NULL;
    int rc;

    *out = NULL;
    rc = bucket_call(&res, client, "GetBucketTagging", bucket, NULL);
    if (rc == GF_ENOTFOUND && aws_code_is("NoSuchTagSet")) {
        *out = json_array();
        return *out ? 0 : gf_error_oom();
    }
    if (rc < 0)
        return rc;
    tags = json_array();
    rc = tags ? append_items(tags, res, "TagSet") : gf_error_oom();
    json_decref(res);
    if (rc < 0) {
        json_decref(tags);
        return rc;
    }
    *out = tags;
    return 0;
}

int gf_s3_delete_bucket_tagging(struct gf_aws_client *client, const char *bucket)
{
    return bucket_call(NULL, client, "DeleteBucketTagging", bucket, NULL);
}

/* ---- objects ---------------------------------------------------------------------------- */

int gf_s3_list_objects(json_t **out, struct gf_aws_client *client, const char *bucket,
                       const char *prefix)
{
    json_t *input = json_pack("{s:s}", "Bucket", bucket ? bucket : "");
    int rc;

    *out = NULL;
    if (input && prefix && json_object_set_new(input, "Prefix", json_string(prefix)) < 0) {
        json_decref(input);
        input = NULL;
    }
    if (!input)
        return gf_error_oom();
    rc = list_pages(out, client, "ListObjectsV2", input, "Contents", "ContinuationToken",
                    "NextContinuationToken");
    if (rc == GF_ENOTFOUND && aws_code_is("NoSuchBucket"))
        restate(rc, "s3 bucket '%s' does not exist", bucket ? bucket : "");
    json_decref(input);
    return rc;
}

int gf_s3_bucket_is_empty(bool *empty_out, struct gf_aws_client *client, const char *bucket)
{
    json_t *res = NULL;
    const json_t *n;
    int rc;

    *empty_out = false;
    rc = bucket_call(&res, client, "ListObjectsV2", bucket, json_pack("{s:i}", "MaxKeys", 1));
    if (rc < 0)
        return rc;
    n = json_object_get(res, "KeyCount");
    if (json_is_string(n))
        *empty_out = strcmp(json_string_value(n), "0") == 0;
    else if (json_is_integer(n))
        *empty_out = json_integer_value(n) == 0;
    else
        *empty_out = json_object_get(res, "Contents") == NULL;
    json_decref(res);
    return 0;
}
