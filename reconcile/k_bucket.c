/* SPDX-License-Identifier: Apache-2.0 */
/* k_bucket.c: the stack's S3 bucket (fargatestack-behaviour.md §6.5): created private (public
 * access block all true), encrypted (SSE-S3, AES256) and tagged for the stack. A bucket named in
 * the file that gitfargate did not create is used as is: only checked, never changed or deleted.
 * --prune finds buckets tagged for the stack that the file no longer names. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "aws/svc_s3.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static int bucket_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    if (!s->bucket_present || !s->bucket_name.v)
        return 0;
    if (s->bucket_policy.v) /* FargateStack's [defect] never sent it either; not built yet */
        gf_rc_warn(rc, "bucket.policy (line %u) is not applied yet: the bucket gets no bucket "
                   "policy", (unsigned)s->bucket_policy.pos.line);
    return gf_rc_add(NULL, rc, &gf_rc_kind_bucket, "", s->bucket_name.v, NULL);
}

static json_t *pab_doc(const struct gf_s3_public_access_block *p)
{
    return json_pack("{s:b, s:b, s:b, s:b}", "BlockPublicAcls", p->block_public_acls,
                     "IgnorePublicAcls", p->ignore_public_acls, "BlockPublicPolicy",
                     p->block_public_policy, "RestrictPublicBuckets", p->restrict_public_buckets);
}

static const struct gf_s3_public_access_block s_private = {true, true, true, true};

static int bucket_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    (void)rc;
    r->desired = json_pack("{s:s, s:o, s:s}", "Name", r->name, "PublicAccessBlock",
                           pab_doc(&s_private), "SSEAlgorithm", "AES256");
    return r->desired ? 0 : gf_error_oom();
}

static const char *bucket_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->bucket_arn.v;
}

static int set_found(struct gf_rc_res *r, struct gf_rc *rc, json_t *actual)
{
    json_t *arn = json_sprintf("arn:aws:s3:::%s", r->name);

    json_decref(r->actual);
    r->actual = actual;
    r->exists = true;
    gf_free(r->id);
    r->id = arn ? gf_strdup(json_string_value(arn)) : NULL;
    json_decref(arn);
    if (!actual || !r->id)
        return gf_error_oom();
    return gf_rc_state_set(rc, &gf_rc_stack(rc)->bucket_arn, r->id);
}

/* The configuration of a bucket we manage, in desire's shape. */
static int read_config(json_t **out, struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_s3_public_access_block pab = {false, false, false, false};
    json_t *rules = NULL;
    const char *algo;
    int code = gf_s3_get_public_access_block(&pab, io->aws, r->name);

    if (code == GF_ENOTFOUND && strcmp(gf_error_last()->aws_code, "NoSuchBucket") != 0)
        code = 0; /* no configuration: nothing blocked */
    if (code == 0)
        code = gf_s3_get_bucket_encryption(&rules, io->aws, r->name);
    if (code < 0)
        return code;
    algo = json_string_value(json_object_get(
        json_object_get(json_array_get(rules, 0), "ApplyServerSideEncryptionByDefault"),
        "SSEAlgorithm"));
    *out = json_pack("{s:s, s:o, s:s, s:b}", "Name", r->name, "PublicAccessBlock", pab_doc(&pab),
                     "SSEAlgorithm", algo ? algo : "", "_ours", 1);
    json_decref(rules);
    return *out ? 0 : gf_error_oom();
}

/* An untagged, empty bucket without a public access block: one an interrupted create left (it
 * tags right after CreateBucket), finished as ours. */
static int interrupted_create(bool *out, struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_s3_public_access_block pab;
    int code = gf_s3_get_public_access_block(&pab, io->aws, r->name);

    *out = false;
    if (code == 0)
        return 0;
    if (code != GF_ENOTFOUND || strcmp(gf_error_last()->aws_code, "NoSuchBucket") == 0)
        return code;
    return gf_s3_bucket_is_empty(out, io->aws, r->name);
}

static int bucket_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *tags = NULL, *actual = NULL;
    bool ours = false;
    int code = gf_s3_head_bucket(NULL, io->aws, r->name);

    if (code == 0)
        code = gf_s3_get_bucket_tagging(&tags, io->aws, r->name);
    if (code == 0) {
        ours = gf_rc_tagged_for_stack(tags, "Key", "Value", io->rc);
        if (!ours && json_array_size(tags) == 0)
            code = interrupted_create(&ours, r, io);
    }
    if (code == 0 && ours)
        code = read_config(&actual, r, io);
    if (code == 0 && !ours) {
        gf_rc_warn(io->rc, "bucket %s was not created by gitfargate: used as is", r->name);
        actual = json_deep_copy(r->desired);
        if (actual)
            json_object_set_new(actual, "_ours", json_false());
    }
    json_decref(tags);
    if (code < 0)
        return code;
    return set_found(r, io->rc, actual);
}

static int configure(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = gf_s3_put_public_access_block(io->aws, r->name, &s_private);

    if (code == 0)
        code = gf_s3_put_bucket_encryption(io->aws, r->name, "AES256", NULL);
    return code < 0 ? code : bucket_read(r, io);
}

static int bucket_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value");
    int code = tags ? gf_s3_create_bucket(NULL, io->aws, r->name, gf_rc_region(io->rc))
                    : gf_error_oom();

    if (code == GF_ECONFLICT) { /* ours from an interrupted run, or someone else's name */
        code = gf_s3_head_bucket(NULL, io->aws, r->name);
        if (code == GF_ENOTFOUND || code == GF_EAUTH)
            code = gf_error_set(GF_ECONFLICT, "bucket name '%s' is taken by another account",
                                r->name);
    }
    if (code == 0) /* tags first: they are what marks the bucket as ours */
        code = gf_s3_put_bucket_tagging(io->aws, r->name, tags);
    json_decref(tags);
    return code < 0 ? code : configure(r, io);
}

static int bucket_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    if (r->foreign)
        return bucket_read(r, io);
    return configure(r, io);
}

static int bucket_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    bool empty = false;
    int code = 0;

    if (r->foreign)
        return 0; /* not ours: never deleted */
    code = gf_s3_bucket_is_empty(&empty, io->aws, r->name);
    if (code == 0 && !empty)
        code = gf_error_set(GF_ECONFLICT, "bucket '%s' holds objects: gitfargate does not "
                            "delete data", r->name);
    if (code == 0)
        code = gf_s3_delete_bucket(io->aws, r->name);
    if (code == GF_ENOTFOUND)
        code = 0;
    if (code == 0 && !r->orphan)
        code = gf_rc_state_set(io->rc, &gf_rc_stack(io->rc)->bucket_arn, NULL);
    if (code == GF_ECONFLICT)
        gf_error_hint("empty the bucket (aws s3 rm s3://%s --recursive), then run again",
                      r->name);
    return code;
}

/* ---- --prune ------------------------------------------------------------------------------- */

static int bucket_consider(struct gf_rc *rc, struct gf_rc_io *io, const char *name)
{
    json_t *tags = NULL;
    bool empty = false;
    int code = gf_s3_get_bucket_tagging(&tags, io->aws, name);

    if (code == GF_ENOMEM)
        return code;
    if (code < 0 || !gf_rc_tagged_for_stack(tags, "Key", "Value", rc)) {
        json_decref(tags); /* gone, or not readable by us: not the stack's */
        return 0;
    }
    json_decref(tags);
    code = gf_s3_bucket_is_empty(&empty, io->aws, name);
    if (code < 0)
        return code == GF_ENOTFOUND ? 0 : code;
    gf_rc_warn(rc, "bucket %s is gone from the stack and %s", name,
               empty ? "is empty" : "holds objects: it is kept (empty it to delete it)");
    return gf_rc_add_orphan(rc, &gf_rc_kind_bucket, name, name, NULL,
                            json_pack("{s:b, s:b}", "_ours", 1, "empty", empty));
}

static int bucket_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_rc_res *want = gf_rc_find(rc, "bucket", "");
    json_t *list = NULL;
    const json_t *b;
    size_t i;
    int code = gf_s3_list_buckets(&list, io->aws);

    json_array_foreach(list, i, b) {
        const char *name = json_string_value(json_object_get(b, "Name"));

        if (code == 0 && name && !(want && strcmp(want->name, name) == 0))
            code = bucket_consider(rc, io, name);
    }
    json_decref(list);
    return code;
}

static const char *const s_create[] = {
    "s3:CreateBucket",          "s3:PutBucketTagging",        "s3:PutPublicAccessBlock",
    "s3:PutBucketEncryption",   "s3:HeadBucket",              "s3:GetBucketTagging",
    "s3:GetPublicAccessBlock",  "s3:GetBucketEncryption",     NULL};
static const char *const s_update[] = {"s3:PutPublicAccessBlock", "s3:PutBucketEncryption",
                                       "s3:HeadBucket",           "s3:GetBucketTagging",
                                       "s3:GetPublicAccessBlock", "s3:GetBucketEncryption",
                                       NULL};
static const char *const s_delete[] = {"s3:ListObjectsV2", "s3:DeleteBucket", NULL};

const struct gf_rc_kind gf_rc_kind_bucket = {
    .name = "bucket",
    .expand = bucket_expand,
    .desire = bucket_desire,
    .read = bucket_read,
    .create = bucket_create,
    .update = bucket_update,
    .destroy = bucket_destroy,
    .orphans = bucket_orphans,
    .state_id = bucket_state_id,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
    .holds_data = true,
};
