/* SPDX-License-Identifier: Apache-2.0 */
/* svc_s3.c: local-aws's S3 (rest-xml, path style, reference/aws-protocols.md §2.5 and §7.10):
 * buckets with their region, public access block, default encryption (SSE-S3 from creation, as
 * AWS since 2023) and tags, and objects enough to list them (a bucket holding data is refused by
 * DeleteBucket). Rows: ("s3", "bucket", NAME) and ("s3", "object/NAME", KEY). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC          "s3"
#define TYPE_BUCKET  "bucket"
#define MAX_KEYS     1000
#define MAX_TAGS     50
#define LIST_ALL     1000000

/* ---- helpers ------------------------------------------------------------------------------ */

static int no_such_bucket(struct gf_local_ctx *ctx, const char *name)
{
    (void)name;
    return gf_local_fail(ctx, 404, "NoSuchBucket", "The specified bucket does not exist");
}

/* The object rows of a bucket live under their own type, so one list reads them in key order. */
static void object_type(char *out, size_t size, const char *bucket)
{
    snprintf(out, size, "object/%s", bucket);
}

static bool is_alnum_lower(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* AWS's general-purpose bucket naming rules: 3-63 of [a-z0-9.-], starting and ending with a
 * letter or digit, no "..", ".-" or "-.", not an IPv4 address, none of the reserved prefixes
 * and suffixes. */
static bool bucket_name_ok(const char *n)
{
    static const char *const bad_prefix[] = {"xn--", "sthree-", "amzn-s3-demo-", NULL};
    static const char *const bad_suffix[] = {"-s3alias", "--ol-s3", "--x-s3", "--table-s3", NULL};
    struct in_addr a;
    size_t len = strlen(n), i;

    if (len < 3 || len > 63 || !is_alnum_lower(n[0]) || !is_alnum_lower(n[len - 1]))
        return false;
    for (i = 0; i < len; i++) {
        if (!is_alnum_lower(n[i]) && n[i] != '.' && n[i] != '-')
            return false;
        if (i > 0 && n[i] == '.' && (n[i - 1] == '.' || n[i - 1] == '-'))
            return false;
        if (i > 0 && n[i] == '-' && n[i - 1] == '.')
            return false;
    }
    for (i = 0; bad_prefix[i]; i++)
        if (strncmp(n, bad_prefix[i], strlen(bad_prefix[i])) == 0)
            return false;
    for (i = 0; bad_suffix[i]; i++) {
        size_t sl = strlen(bad_suffix[i]);

        if (len > sl && strcmp(n + len - sl, bad_suffix[i]) == 0)
            return false;
    }
    return inet_pton(AF_INET, n, &a) != 1;
}

/* The bucket row named by input's Bucket, or a NoSuchBucket failure. *name_out borrowed. */
static int load_bucket(json_t **doc_out, const char **name_out, struct gf_local_ctx *ctx,
                       const json_t *input)
{
    const char *name = NULL;
    int rc;

    *doc_out = NULL;
    rc = gf_local_get_string(&name, ctx, input, "Bucket", "InvalidArgument");
    if (rc < 0)
        return rc;
    if (name_out)
        *name_out = name;
    rc = gf_local_db_get(doc_out, ctx->db, SVC, TYPE_BUCKET, name, 0);
    if (rc == 0 && !*doc_out)
        return no_such_bucket(ctx, name);
    return rc;
}

static int save_bucket(struct gf_local_ctx *ctx, const json_t *doc)
{
    const char *name = json_string_value(json_object_get(doc, "Name"));
    struct gf_buf arn = GF_BUF_INIT;
    struct gf_local_res res = {SVC, TYPE_BUCKET, name, 0, NULL, "ACTIVE", doc};
    int rc;

    gf_buf_printf(&arn, "arn:aws:s3:::%s", name);
    if (gf_buf_failed(&arn))
        return gf_error_oom();
    res.arn = arn.ptr;
    rc = gf_local_db_put(ctx->db, &res);
    gf_buf_release(&arn);
    return rc;
}

/* The bucket's region from the CreateBucketConfiguration (§7.10): none in us-east-1, the
 * endpoint's region elsewhere ("EU" is eu-west-1). */
static int check_location(struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *cfg = json_object_get(input, "CreateBucketConfiguration");
    const char *lc = json_string_value(json_object_get(cfg, "LocationConstraint"));
    bool us_east_1 = strcmp(ctx->region, "us-east-1") == 0;

    if (lc && strcmp(lc, "EU") == 0)
        lc = "eu-west-1";
    if (lc && !*lc)
        lc = NULL;
    if (us_east_1 && lc && strcmp(lc, "us-east-1") == 0)
        return gf_local_fail(ctx, 400, "InvalidLocationConstraint",
                             "The specified location-constraint is not valid");
    if (!lc && !us_east_1)
        return gf_local_fail(ctx, 400, "IllegalLocationConstraintException",
                             "The unspecified location constraint is incompatible for the region "
                             "specific endpoint this request was sent to.");
    if (lc && strcmp(lc, ctx->region) != 0)
        return gf_local_fail(ctx, 400, "IllegalLocationConstraintException",
                             "The %s location constraint is incompatible for the region specific "
                             "endpoint this request was sent to.",
                             lc);
    return 0;
}

static json_t *default_encryption(void)
{
    return json_pack("{s:{s:s}, s:b}", "ApplyServerSideEncryptionByDefault", "SSEAlgorithm",
                     "AES256", "BucketKeyEnabled", 0);
}

/* ---- buckets ------------------------------------------------------------------------------ */

static int s3_create_bucket(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf loc = GF_BUF_INIT;
    const char *name = NULL;
    json_t *doc = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "Bucket", "InvalidArgument");
    if (rc < 0)
        return rc;
    if (!bucket_name_ok(name))
        return gf_local_fail(ctx, 400, "InvalidBucketName", "The specified bucket is not valid.");
    rc = gf_local_db_get(&doc, ctx->db, SVC, TYPE_BUCKET, name, 0);
    if (rc < 0)
        return rc;
    if (doc) {
        bool east = strcmp(ctx->region, "us-east-1") == 0 &&
                    strcmp(json_string_value(json_object_get(doc, "BucketRegion")), "us-east-1") == 0;

        json_decref(doc);
        /* us-east-1 answers 200 to its owner re-creating a bucket there (AWS's legacy rule) */
        if (!east)
            return gf_local_fail(ctx, 409, "BucketAlreadyOwnedByYou",
                                 "Your previous request to create the named bucket succeeded and "
                                 "you already own it.");
        doc = NULL;
    } else {
        rc = check_location(ctx, input);
        if (rc < 0)
            return rc;
        doc = json_pack("{s:s, s:o, s:s, s:o}", "Name", name, "CreationDate", gf_local_now(ctx),
                        "BucketRegion", ctx->region, "Encryption", default_encryption());
        if (!doc)
            return gf_error_oom();
        rc = save_bucket(ctx, doc);
    }
    gf_buf_printf(&loc, "/%s", name);
    if (rc == 0 && gf_buf_failed(&loc))
        rc = gf_error_oom();
    if (rc == 0) {
        *out = json_pack("{s:s}", "Location", loc.ptr);
        rc = *out ? 0 : gf_error_oom();
    }
    gf_buf_release(&loc);
    json_decref(doc);
    return rc;
}

static int s3_head_bucket(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = load_bucket(&doc, NULL, ctx, input);

    if (rc == 0) {
        *out = json_pack("{s:O, s:s, s:s}", "BucketRegion", json_object_get(doc, "BucketRegion"),
                         "AccessPointAlias", "false", "BucketLocationType", "Region");
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int s3_list_buckets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SVC, TYPE_BUCKET, NULL, NULL, false, 0, LIST_ALL};
    json_t *docs = NULL, *buckets = NULL;
    bool more = false;
    size_t i;
    json_t *d;
    int rc;

    (void)input;
    rc = gf_local_db_list(&docs, &more, ctx->db, &q);
    if (rc < 0)
        return rc;
    buckets = json_array();
    json_array_foreach(docs, i, d) {
        if (!buckets ||
            json_array_append_new(buckets, json_pack("{s:O, s:O, s:O}", "Name",
                                                     json_object_get(d, "Name"), "CreationDate",
                                                     json_object_get(d, "CreationDate"),
                                                     "BucketRegion",
                                                     json_object_get(d, "BucketRegion"))) < 0) {
            rc = gf_error_oom();
            break;
        }
    }
    if (rc == 0) {
        *out = json_pack("{s:o, s:{s:s, s:s}}", "Buckets", buckets, "Owner", "ID", ctx->account,
                         "DisplayName", "local-aws");
        buckets = NULL;
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(buckets);
    json_decref(docs);
    return rc;
}

/* The codec writes the constraint as the root's text, as AWS does (aws/codec.h
 * gf_aws_op_text_root). Empty in us-east-1. */
static int s3_get_bucket_location(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    const char *region;
    int rc = load_bucket(&doc, NULL, ctx, input);

    if (rc < 0)
        return rc;
    region = json_string_value(json_object_get(doc, "BucketRegion"));
    *out = json_pack("{s:s}", "LocationConstraint",
                     region && strcmp(region, "us-east-1") != 0 ? region : "");
    json_decref(doc);
    return *out ? 0 : gf_error_oom();
}

static int s3_delete_bucket(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SVC, NULL, NULL, NULL, false, 0, 1};
    const char *name = NULL;
    json_t *doc = NULL, *objs = NULL;
    char type[96];
    bool more = false, deleted = false;
    int rc;

    (void)out;
    rc = load_bucket(&doc, &name, ctx, input);
    if (rc < 0)
        return rc;
    object_type(type, sizeof(type), name);
    q.type = type;
    rc = gf_local_db_list(&objs, &more, ctx->db, &q);
    if (rc == 0 && json_array_size(objs) > 0)
        rc = gf_local_fail(ctx, 409, "BucketNotEmpty",
                           "The bucket you tried to delete is not empty");
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, TYPE_BUCKET, name, 0);
    json_decref(objs);
    json_decref(doc);
    return rc;
}

/* ---- public access block ------------------------------------------------------------------ */

static const char *const s_pab_keys[] = {"BlockPublicAcls", "IgnorePublicAcls",
                                         "BlockPublicPolicy", "RestrictPublicBuckets", NULL};

static int s3_put_public_access_block(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *cfg = NULL;
    json_t *doc = NULL, *pab = NULL;
    size_t i;
    int rc;

    (void)out;
    rc = load_bucket(&doc, NULL, ctx, input);
    if (rc == 0)
        rc = gf_local_get_object(&cfg, ctx, input, "PublicAccessBlockConfiguration", NULL);
    if (rc == 0 && !cfg)
        rc = gf_local_fail(ctx, 400, "MissingRequestBodyError", "Request Body is empty");
    if (rc == 0)
        pab = json_object();
    for (i = 0; rc == 0 && s_pab_keys[i]; i++) {
        bool v = false;

        if (!pab)
            rc = gf_error_oom();
        if (rc == 0)
            rc = gf_local_get_bool(&v, ctx, cfg, s_pab_keys[i]);
        if (rc == 0)
            rc = gf_local_set(pab, s_pab_keys[i], json_boolean(v));
    }
    if (rc == 0) {
        rc = gf_local_set(doc, "PublicAccessBlock", pab);
        pab = NULL;
    }
    if (rc == 0)
        rc = save_bucket(ctx, doc);
    json_decref(pab);
    json_decref(doc);
    return rc;
}

/* The configuration's members at the top: the output is the payload, whose root botocore reads
 * as PublicAccessBlockConfiguration whatever its name. */
static int s3_get_public_access_block(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    const json_t *pab;
    int rc = load_bucket(&doc, NULL, ctx, input);

    if (rc < 0)
        return rc;
    pab = json_object_get(doc, "PublicAccessBlock");
    if (!pab)
        rc = gf_local_fail(ctx, 404, "NoSuchPublicAccessBlockConfiguration",
                           "The public access block configuration was not found");
    else
        *out = json_deep_copy(pab);
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    json_decref(doc);
    return rc;
}

static int s3_delete_public_access_block(json_t **out, struct gf_local_ctx *ctx,
                                         const json_t *input)
{
    json_t *doc = NULL;
    int rc = load_bucket(&doc, NULL, ctx, input);

    (void)out;
    if (rc == 0 && json_object_del(doc, "PublicAccessBlock") == 0)
        rc = save_bucket(ctx, doc);
    json_decref(doc);
    return rc;
}

/* ---- default encryption ------------------------------------------------------------------- */

static int malformed(struct gf_local_ctx *ctx)
{
    return gf_local_fail(ctx, 400, "MalformedXML",
                         "The XML you provided was not well-formed or did not validate against "
                         "our published schema");
}

/* The one rule of a ServerSideEncryptionConfiguration, checked; borrowed from input. */
static int encryption_rule(const json_t **rule_out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *cfg = json_object_get(input, "ServerSideEncryptionConfiguration");
    const json_t *rules = json_object_get(cfg, "Rules");
    const json_t *rule = json_is_array(rules) ? json_array_get(rules, 0) : rules;
    const json_t *def = json_object_get(rule, "ApplyServerSideEncryptionByDefault");
    const char *alg = json_string_value(json_object_get(def, "SSEAlgorithm"));
    const char *key = json_string_value(json_object_get(def, "KMSMasterKeyID"));

    if (!cfg)
        return gf_local_fail(ctx, 400, "MissingRequestBodyError", "Request Body is empty");
    if (!json_is_object(rule) || (json_is_array(rules) && json_array_size(rules) != 1) || !alg)
        return malformed(ctx);
    if (strcmp(alg, "AES256") != 0 && strcmp(alg, "aws:kms") != 0 &&
        strcmp(alg, "aws:kms:dsse") != 0)
        return malformed(ctx);
    if (key && strcmp(alg, "AES256") == 0)
        return gf_local_fail(ctx, 400, "InvalidArgument",
                             "a KMSMasterKeyID is not applicable if the default sse algorithm is "
                             "not aws:kms or aws:kms:dsse");
    *rule_out = rule;
    return 0;
}

static int s3_put_bucket_encryption(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *rule = NULL;
    const json_t *def;
    const char *key;
    json_t *doc = NULL, *stored = NULL;
    bool bke = false;
    int rc;

    (void)out;
    rc = load_bucket(&doc, NULL, ctx, input);
    if (rc == 0)
        rc = encryption_rule(&rule, ctx, input);
    if (rc == 0)
        rc = gf_local_get_bool(&bke, ctx, rule, "BucketKeyEnabled");
    if (rc == 0) {
        def = json_object_get(rule, "ApplyServerSideEncryptionByDefault");
        key = json_string_value(json_object_get(def, "KMSMasterKeyID"));
        stored = json_pack("{s:{s:O}, s:b}", "ApplyServerSideEncryptionByDefault", "SSEAlgorithm",
                           json_object_get(def, "SSEAlgorithm"), "BucketKeyEnabled", bke);
        if (stored && key)
            rc = gf_local_set(json_object_get(stored, "ApplyServerSideEncryptionByDefault"),
                              "KMSMasterKeyID", json_string(key));
        if (!stored)
            rc = gf_error_oom();
    }
    if (rc == 0) {
        rc = gf_local_set(doc, "Encryption", stored);
        stored = NULL;
    }
    if (rc == 0)
        rc = save_bucket(ctx, doc);
    json_decref(stored);
    json_decref(doc);
    return rc;
}

/* One Rule at the top: the output is the payload (see s3_get_public_access_block); a single
 * object, as the encoder has no hint for the flattened list at this path. */
static int s3_get_bucket_encryption(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = load_bucket(&doc, NULL, ctx, input);

    if (rc < 0)
        return rc;
    *out = json_pack("{s:O}", "Rule", json_object_get(doc, "Encryption"));
    json_decref(doc);
    return *out ? 0 : gf_error_oom();
}

/* ---- tags --------------------------------------------------------------------------------- */

static int invalid_tag(struct gf_local_ctx *ctx, const char *msg)
{
    return gf_local_fail(ctx, 400, "InvalidTag", "%s", msg);
}

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    size_t i, j;
    const json_t *t;

    if (json_array_size(tags) > MAX_TAGS)
        return gf_local_fail(ctx, 400, "BadRequest", "Object tags cannot be greater than 50");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const json_t *v = json_object_get(t, "Value");

        if (!k || !json_is_string(v))
            return malformed(ctx);
        if (!*k || strlen(k) > 128)
            return invalid_tag(ctx, "The TagKey you have provided is invalid");
        if (json_string_length(v) > 256)
            return invalid_tag(ctx, "The TagValue you have provided is invalid");
        if (strncasecmp(k, "aws:", 4) == 0)
            return invalid_tag(ctx, "System tags cannot be added/updated by requester");
        for (j = 0; j < i; j++)
            if (strcmp(k, json_string_value(json_object_get(json_array_get(tags, j), "Key"))) ==
                0)
                return invalid_tag(ctx, "Cannot provide multiple Tags with the same key");
    }
    return 0;
}

static int s3_put_bucket_tagging(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tagging = NULL;
    const json_t *tags;
    json_t *doc = NULL;
    int rc;

    (void)out;
    rc = load_bucket(&doc, NULL, ctx, input);
    if (rc == 0)
        rc = gf_local_get_object(&tagging, ctx, input, "Tagging", NULL);
    if (rc == 0 && !tagging)
        rc = gf_local_fail(ctx, 400, "MissingRequestBodyError", "Request Body is empty");
    tags = json_object_get(tagging, "TagSet");
    if (rc == 0 && !json_is_array(tags))
        rc = malformed(ctx);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = gf_local_set(doc, "TagSet", json_deep_copy(tags));
    if (rc == 0)
        rc = save_bucket(ctx, doc);
    json_decref(doc);
    return rc;
}

static int s3_get_bucket_tagging(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    const json_t *tags;
    int rc = load_bucket(&doc, NULL, ctx, input);

    if (rc < 0)
        return rc;
    tags = json_object_get(doc, "TagSet");
    if (!tags || json_array_size(tags) == 0) {
        rc = gf_local_fail(ctx, 404, "NoSuchTagSet", "The TagSet does not exist");
    } else {
        *out = json_pack("{s:O}", "TagSet", tags);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int s3_delete_bucket_tagging(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = load_bucket(&doc, NULL, ctx, input);

    (void)out;
    if (rc == 0 && json_object_del(doc, "TagSet") == 0)
        rc = save_bucket(ctx, doc);
    json_decref(doc);
    return rc;
}

/* ---- objects ------------------------------------------------------------------------------ */

struct list_args {
    const char *prefix, *start_after, *token;
    int64_t max_keys;
};

static int list_args_get(struct list_args *a, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    memset(a, 0, sizeof(*a));
    a->max_keys = MAX_KEYS;
    rc = gf_local_get_string(&a->prefix, ctx, input, "Prefix", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->start_after, ctx, input, "StartAfter", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->token, ctx, input, "ContinuationToken", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&a->max_keys, NULL, ctx, input, "MaxKeys", NULL);
    if (rc == 0 && a->max_keys < 0)
        return gf_local_fail(ctx, 400, "InvalidArgument",
                             "Argument maxKeys must be an integer between 0 and 2147483647");
    if (a->max_keys > MAX_KEYS)
        a->max_keys = MAX_KEYS; /* AWS answers at most 1000 whatever is asked */
    if (rc == 0 && a->token && strncmp(a->token, "gfs3-", 5) != 0)
        return gf_local_fail(ctx, 400, "InvalidArgument",
                             "The continuation token provided is incorrect");
    return rc;
}

/* Whether key is listed: under the prefix and after the token's or StartAfter's key. */
static bool key_selected(const char *key, const struct list_args *a)
{
    if (a->prefix && strncmp(key, a->prefix, strlen(a->prefix)) != 0)
        return false;
    if (a->token)
        return strcmp(key, a->token + 5) > 0;
    return !a->start_after || strcmp(key, a->start_after) > 0;
}

static int list_result(json_t *out, const json_t *objs, const struct list_args *a)
{
    json_t *contents = json_array();
    const char *last = NULL;
    bool truncated = false;
    json_int_t n = 0;
    size_t i;
    json_t *o;
    int rc = 0;

    if (!contents)
        return gf_error_oom();
    json_array_foreach(objs, i, o) {
        const char *key = json_string_value(json_object_get(o, "Key"));

        if (!key || !key_selected(key, a))
            continue;
        if (n == a->max_keys) {
            truncated = true;
            break;
        }
        if (json_array_append(contents, o) < 0) {
            json_decref(contents);
            return gf_error_oom();
        }
        last = key;
        n++;
    }
    if (n > 0)
        rc = gf_local_set(out, "Contents", contents);
    else
        json_decref(contents);
    if (rc == 0)
        rc = gf_local_set(out, "KeyCount", json_integer(n));
    if (rc == 0)
        rc = gf_local_set(out, "IsTruncated", json_boolean(truncated));
    if (rc == 0 && truncated && last) {
        struct gf_buf tok = GF_BUF_INIT;

        gf_buf_printf(&tok, "gfs3-%s", last);
        rc = gf_buf_failed(&tok) ? gf_error_oom()
                                 : gf_local_set(out, "NextContinuationToken", json_string(tok.ptr));
        gf_buf_release(&tok);
    }
    return rc;
}

static int s3_list_objects_v2(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SVC, NULL, NULL, NULL, false, 0, LIST_ALL};
    struct list_args a;
    const char *name = NULL;
    json_t *doc = NULL, *objs = NULL, *res = NULL;
    char type[96];
    bool more = false;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = load_bucket(&doc, &name, ctx, input);
    if (rc == 0)
        rc = list_args_get(&a, ctx, input);
    if (rc < 0)
        goto out;
    object_type(type, sizeof(type), name);
    q.type = type;
    rc = gf_local_db_list(&objs, &more, ctx->db, &q);
    if (rc == 0) {
        res = json_pack("{s:s, s:s, s:I}", "Name", name, "Prefix", a.prefix ? a.prefix : "",
                        "MaxKeys", (json_int_t)a.max_keys);
        rc = res ? list_result(res, objs, &a) : gf_error_oom();
    }
    if (rc == 0 && a.token)
        rc = gf_local_set(res, "ContinuationToken", json_string(a.token));
    if (rc == 0 && a.start_after)
        rc = gf_local_set(res, "StartAfter", json_string(a.start_after));
    if (rc == 0) {
        *out = res;
        res = NULL;
    }
out:
    json_decref(res);
    json_decref(objs);
    json_decref(doc);
    return rc;
}

/* PutObject: the object row is what ListObjectsV2 and DeleteBucket read (the bytes are not
 * kept: only the size). */
static int s3_put_object(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_res res = {SVC, NULL, NULL, 0, NULL, "ACTIVE", NULL};
    struct gf_buf arn = GF_BUF_INIT;
    const char *name = NULL, *key = NULL;
    json_t *doc = NULL, *obj = NULL;
    const json_t *body;
    char type[96], etag[40];
    int rc;

    rc = load_bucket(&doc, &name, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&key, ctx, input, "Key", "InvalidArgument");
    if (rc < 0)
        goto out;
    body = json_object_get(input, "Body");
    etag[0] = '"';
    gf_local_random_hex(etag + 1, 32);
    etag[33] = '"';
    etag[34] = '\0';
    obj = json_pack("{s:s, s:o, s:s, s:I, s:s}", "Key", key, "LastModified", gf_local_now(ctx),
                    "ETag", etag, "Size",
                    (json_int_t)(json_is_string(body) ? json_string_length(body) : 0),
                    "StorageClass", "STANDARD");
    if (!obj) {
        rc = gf_error_oom();
        goto out;
    }
    object_type(type, sizeof(type), name);
    gf_buf_printf(&arn, "arn:aws:s3:::%s/%s", name, key);
    if (gf_buf_failed(&arn)) {
        rc = gf_error_oom();
        goto out;
    }
    res.type = type;
    res.name = key;
    res.arn = arn.ptr;
    res.doc = obj;
    rc = gf_local_db_put(ctx->db, &res);
    if (rc == 0) {
        *out = json_pack("{s:s, s:s}", "ETag", etag, "ServerSideEncryption", "AES256");
        rc = *out ? 0 : gf_error_oom();
    }
out:
    gf_buf_release(&arn);
    json_decref(obj);
    json_decref(doc);
    return rc;
}

/* DeleteObject: S3 answers 204 whether or not the key existed. */
static int s3_delete_object(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *key = NULL;
    json_t *doc = NULL;
    char type[96];
    bool deleted = false;
    int rc = load_bucket(&doc, &name, ctx, input);

    (void)out;
    if (rc == 0)
        rc = gf_local_get_string(&key, ctx, input, "Key", "InvalidArgument");
    if (rc == 0) {
        object_type(type, sizeof(type), name);
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, type, key, 0);
    }
    json_decref(doc);
    return rc;
}

static const struct gf_local_op s_s3_ops[] = {
    {"CreateBucket", s3_create_bucket},
    {"HeadBucket", s3_head_bucket},
    {"ListBuckets", s3_list_buckets},
    {"GetBucketLocation", s3_get_bucket_location},
    {"DeleteBucket", s3_delete_bucket},
    {"PutPublicAccessBlock", s3_put_public_access_block},
    {"GetPublicAccessBlock", s3_get_public_access_block},
    {"DeletePublicAccessBlock", s3_delete_public_access_block},
    {"PutBucketEncryption", s3_put_bucket_encryption},
    {"GetBucketEncryption", s3_get_bucket_encryption},
    {"PutBucketTagging", s3_put_bucket_tagging},
    {"GetBucketTagging", s3_get_bucket_tagging},
    {"DeleteBucketTagging", s3_delete_bucket_tagging},
    {"ListObjectsV2", s3_list_objects_v2},
    {"PutObject", s3_put_object},
    {"DeleteObject", s3_delete_object},
    {NULL, NULL},
};

const struct gf_local_service gf_local_s3 = {&gf_aws_s3, s_s3_ops};
