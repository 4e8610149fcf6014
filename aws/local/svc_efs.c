/* SPDX-License-Identifier: Apache-2.0 */
/* svc_efs.c: local-aws's EFS (rest-json, reference/aws-protocols.md §2.6, §7.13): file systems
 * (creation-token idempotency, lifecycle creating -> available computed lazily), mount targets
 * (one per zone, all in one VPC, subnets resolved through EC2's gf_local_ec2_subnet hook), and
 * tags. Member names, statuses and error codes from botocore's efs/2015-02-01 model. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define EFS         "efs"
#define T_FS        "file-system"
#define T_MT        "mount-target"
#define E_BAD       "BadRequest"
#define E_NOFS      "FileSystemNotFound"
#define E_NOMT      "MountTargetNotFound"
#define READY_MS    200 /* creating -> available, as seen from the next read */
#define MAX_SGS     5

static const struct gf_local_page s_page = {"MaxItems", "Marker", "NextMarker", 100, E_BAD};

/* ---- helpers --------------------------------------------------------------------------- */

/* *out = v; GF_ENOMEM when v is NULL (a failed json_pack). */
static int set_out(json_t **out, json_t *v)
{
    *out = v;
    return v ? 0 : gf_error_oom();
}

static int store(struct gf_local_ctx *ctx, const char *type, const char *id, const char *arn,
                 const json_t *doc)
{
    struct gf_local_res r = {EFS, type, id, 0, arn, "ACTIVE", doc};

    return gf_local_db_put(ctx->db, &r);
}

/* The file system `id` (new reference) or FileSystemNotFound. */
static int load_fs(json_t **out, struct gf_local_ctx *ctx, const char *id)
{
    int rc = gf_local_db_get(out, ctx->db, EFS, T_FS, gf_local_ref_name(id, "file-system/"), 0);

    if (rc == 0 && !*out)
        rc = gf_local_fail(ctx, 404, E_NOFS, "File system '%.64s' does not exist.", id);
    return rc;
}

/* Every mount target (a new array), or only those of file system `fs_id` when not NULL. */
static int list_mts(json_t **out, struct gf_local_ctx *ctx, const char *fs_id)
{
    struct gf_local_list q = {EFS, T_MT, NULL, NULL, false, 0, INT32_MAX};
    json_t *all = NULL;
    bool more;
    size_t i;
    int rc;

    *out = NULL;
    rc = gf_local_db_list(&all, &more, ctx->db, &q);
    if (rc < 0)
        return rc;
    for (i = json_array_size(all); fs_id && i > 0; i--) {
        const char *f = json_string_value(json_object_get(json_array_get(all, i - 1),
                                                          "FileSystemId"));

        if (!f || strcmp(f, fs_id) != 0)
            json_array_remove(all, i - 1);
    }
    *out = all;
    return 0;
}

/* The lifecycle as of now: "creating" until _ReadyMs, then "available". */
static const char *lifecycle(const struct gf_local_ctx *ctx, const json_t *doc)
{
    json_t *ready = json_object_get(doc, "_ReadyMs");

    if (json_is_integer(ready) && ctx->now_ms < json_integer_value(ready))
        return "creating";
    return "available";
}

/* The public view of a stored document at ctx->now_ms: our "_" members dropped, LifeCycleState
 * computed, and for file systems NumberOfMountTargets and Name. */
static json_t *view(struct gf_local_ctx *ctx, const json_t *doc, bool fs)
{
    json_t *o = json_object(), *v, *mts = NULL;
    const char *k;
    size_t i;

    if (!o)
        return NULL;
    json_object_foreach((json_t *)doc, k, v) {
        if (k[0] != '_' && json_object_set(o, k, v) < 0)
            goto fail;
    }
    if (gf_local_set(o, "LifeCycleState", json_string(lifecycle(ctx, doc))) < 0)
        goto fail;
    if (!fs)
        return o;
    if (list_mts(&mts, ctx, json_string_value(json_object_get(doc, "FileSystemId"))) < 0 ||
        gf_local_set(o, "NumberOfMountTargets", json_integer((json_int_t)json_array_size(mts))) <
            0)
        goto fail;
    json_decref(mts);
    json_array_foreach(json_object_get(doc, "Tags"), i, v) {
        if (strcmp(json_string_value(json_object_get(v, "Key")), "Name") == 0)
            json_object_set(o, "Name", json_object_get(v, "Value"));
    }
    return o;
fail:
    json_decref(mts);
    json_decref(o);
    return NULL;
}

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    size_t i;
    const json_t *t;

    if (json_array_size(tags) > 50)
        return gf_local_fail(ctx, 400, E_BAD, "A resource takes at most 50 tags.");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));

        if (!k || !k[0] || strlen(k) > 128 || !v || strlen(v) > 256 || strncmp(k, "aws:", 4) == 0)
            return gf_local_fail(ctx, 400, E_BAD,
                                 "Tags need a Key of 1-128 characters not starting with 'aws:' "
                                 "and a Value of 0-256.");
    }
    return 0;
}

static bool in_enum(const char *s, const char *const *set)
{
    size_t i;

    for (i = 0; set[i]; i++) {
        if (strcmp(s, set[i]) == 0)
            return true;
    }
    return false;
}

/* ---- file systems ----------------------------------------------------------------------- */

struct fs_args {
    const char *token, *perf, *throughput, *kms;
    const json_t *tags;
    bool encrypted;
};

static int fs_read(struct fs_args *a, struct gf_local_ctx *ctx, const json_t *in)
{
    static const char *const perf[] = {"generalPurpose", "maxIO", NULL};
    static const char *const tput[] = {"bursting", "provisioned", "elastic", NULL};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = gf_local_get_string(&a->token, ctx, in, "CreationToken", E_BAD);
    if (rc == 0)
        rc = gf_local_get_string(&a->perf, ctx, in, "PerformanceMode", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->throughput, ctx, in, "ThroughputMode", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->kms, ctx, in, "KmsKeyId", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&a->encrypted, ctx, in, "Encrypted");
    if (rc == 0)
        rc = gf_local_get_array(&a->tags, ctx, in, "Tags", NULL);
    if (rc < 0)
        return rc;
    if (!a->token[0] || strlen(a->token) > 64)
        return gf_local_fail(ctx, 400, E_BAD, "CreationToken must be 1-64 characters.");
    if (a->perf && !in_enum(a->perf, perf))
        return gf_local_fail(ctx, 400, E_BAD, "PerformanceMode must be generalPurpose or maxIO.");
    if (a->throughput && !in_enum(a->throughput, tput))
        return gf_local_fail(ctx, 400, E_BAD,
                             "ThroughputMode must be bursting, provisioned or elastic.");
    if (a->throughput && strcmp(a->throughput, "provisioned") == 0)
        return gf_local_fail(ctx, 400, E_BAD,
                             "ProvisionedThroughputInMibps is required when ThroughputMode is "
                             "provisioned.");
    if (a->kms && !a->encrypted)
        return gf_local_fail(ctx, 400, E_BAD, "KmsKeyId needs Encrypted set to true.");
    return check_tags(ctx, a->tags);
}

/* The file system created with `token`, if any (new reference). */
static int find_token(json_t **out, struct gf_local_ctx *ctx, const char *token)
{
    struct gf_local_list q = {EFS, T_FS, NULL, NULL, false, 0, INT32_MAX};
    json_t *all = NULL, *fs;
    bool more;
    size_t i;
    int rc;

    *out = NULL;
    rc = gf_local_db_list(&all, &more, ctx->db, &q);
    json_array_foreach(all, i, fs) {
        const char *t = json_string_value(json_object_get(fs, "CreationToken"));

        if (rc == 0 && t && strcmp(t, token) == 0) {
            *out = json_incref(fs);
            break;
        }
    }
    json_decref(all);
    return rc;
}

static int fs_doc(json_t **out, struct gf_local_ctx *ctx, const struct fs_args *a)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT;
    char id[24], hex[18];
    int rc;

    gf_local_random_hex(hex, 17);
    snprintf(id, sizeof(id), "fs-%s", hex);
    gf_buf_printf(&res, "file-system/%s", id);
    rc = gf_buf_failed(&res) ? gf_error_oom()
                             : gf_local_arn(&arn, ctx, "elasticfilesystem", true, res.ptr);
    if (rc == 0)
        *out = json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:i,s:i},s:s,s:b,s:s,s:o,s:I,s:{s:s}}",
                         "OwnerId", ctx->account, "CreationToken", a->token, "FileSystemId", id,
                         "FileSystemArn", arn.ptr, "CreationTime", gf_local_now(ctx),
                         "SizeInBytes", "Value", 6144, "ValueInStandard", 6144, "PerformanceMode",
                         a->perf ? a->perf : "generalPurpose", "Encrypted", a->encrypted,
                         "ThroughputMode", a->throughput ? a->throughput : "bursting", "Tags",
                         a->tags ? json_deep_copy(a->tags) : json_array(), "_ReadyMs",
                         (json_int_t)ctx->now_ms + READY_MS, "FileSystemProtection",
                         "ReplicationOverwriteProtection", "ENABLED");
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (rc == 0 && a->encrypted)
        rc = gf_local_set(*out, "KmsKeyId",
                          json_string(a->kms ? a->kms : "alias/aws/elasticfilesystem"));
    gf_buf_release(&arn);
    gf_buf_release(&res);
    return rc;
}

static int efs_create_file_system(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct fs_args a;
    json_t *doc = NULL;
    int rc = fs_read(&a, ctx, input);

    if (rc == 0)
        rc = find_token(&doc, ctx, a.token);
    if (rc == 0 && doc) {
        /* the model's error carries FileSystemId too; gf_local_fail sends code and message */
        rc = gf_local_fail(ctx, 409, "FileSystemAlreadyExists",
                           "File system '%s' already exists with creation token '%s'",
                           json_string_value(json_object_get(doc, "FileSystemId")), a.token);
    } else if (rc == 0) {
        rc = fs_doc(&doc, ctx, &a);
        if (rc == 0)
            rc = store(ctx, T_FS, json_string_value(json_object_get(doc, "FileSystemId")),
                       json_string_value(json_object_get(doc, "FileSystemArn")), doc);
        if (rc == 0)
            rc = set_out(out, view(ctx, doc, true));
    }
    json_decref(doc);
    return rc;
}

/* Keep the file systems DescribeFileSystems selects by FileSystemId / CreationToken. */
static int fs_select(json_t **docs_out, struct gf_local_ctx *ctx, const char *id,
                     const char *token)
{
    struct gf_local_list q = {EFS, T_FS, NULL, NULL, false, 0, INT32_MAX};
    json_t *one = NULL;
    bool more;
    size_t i;
    int rc;

    *docs_out = NULL;
    if (id) {
        rc = load_fs(&one, ctx, id);
        if (rc == 0 && token &&
            strcmp(json_string_value(json_object_get(one, "CreationToken")), token) != 0) {
            json_decref(one);
            one = NULL;
        }
        *docs_out = one ? json_pack("[o]", one) : json_array();
        return rc < 0 ? rc : (*docs_out ? 0 : gf_error_oom());
    }
    rc = gf_local_db_list(docs_out, &more, ctx->db, &q);
    for (i = json_array_size(*docs_out); rc == 0 && token && i > 0; i--) {
        const char *t = json_string_value(
            json_object_get(json_array_get(*docs_out, i - 1), "CreationToken"));

        if (strcmp(t, token) != 0)
            json_array_remove(*docs_out, i - 1);
    }
    return rc;
}

/* Page `docs` into out[key] (views), with NextMarker when more remain. */
static int page_out(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                    const json_t *docs, const char *key, bool fs)
{
    json_t *list = json_array();
    int64_t limit = 0, offset = 0, i;
    int rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    int64_t n = (int64_t)json_array_size(docs);

    if (rc == 0 && !list)
        rc = gf_error_oom();
    for (i = offset; rc == 0 && i < n && i < offset + limit; i++) {
        if (json_array_append_new(list, view(ctx, json_array_get(docs, (size_t)i), fs)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", key, list));
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, offset + limit < n, offset, json_array_size(list));
    json_decref(list);
    return rc;
}

static int efs_describe_file_systems(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL, *token = NULL;
    json_t *docs = NULL;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "FileSystemId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&token, ctx, input, "CreationToken", NULL);
    if (rc == 0)
        rc = fs_select(&docs, ctx, id, token);
    if (rc == 0)
        rc = page_out(out, ctx, input, docs, "FileSystems", true);
    json_decref(docs);
    return rc;
}

static int efs_delete_file_system(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *doc = NULL, *mts = NULL;
    bool deleted;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "FileSystemId", E_BAD);
    if (rc == 0)
        rc = load_fs(&doc, ctx, id);
    if (rc == 0)
        rc = list_mts(&mts, ctx, json_string_value(json_object_get(doc, "FileSystemId")));
    if (rc == 0 && json_array_size(mts) > 0)
        rc = gf_local_fail(ctx, 409, "FileSystemInUse",
                           "File system '%s' has mount targets: delete them first.", id);
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, EFS, T_FS,
                                json_string_value(json_object_get(doc, "FileSystemId")), 0);
    json_decref(doc);
    json_decref(mts);
    return rc;
}

/* ---- mount targets ---------------------------------------------------------------------- */

/* Two lowercase hex digits as a number. */
static unsigned hex_byte(const char *h)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 2; i++)
        v = v * 16 + (unsigned)(h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
    return v;
}

static int check_sgs(struct gf_local_ctx *ctx, const json_t *sgs)
{
    size_t i;
    const json_t *sg;

    if (json_array_size(sgs) > MAX_SGS)
        return gf_local_fail(ctx, 400, "SecurityGroupLimitExceeded",
                             "A mount target takes at most %d security groups.", MAX_SGS);
    json_array_foreach(sgs, i, sg) {
        if (!json_is_string(sg) || gf_local_ec2_exists(ctx, json_string_value(sg)) < 0)
            return gf_local_fail(ctx, 400, "SecurityGroupNotFound",
                                 "Security group '%.64s' does not exist.",
                                 json_is_string(sg) ? json_string_value(sg) : "");
    }
    return 0;
}

/* One mount target per zone, all in one VPC (CreateMountTarget's MountTargetConflict). */
static int check_conflict(struct gf_local_ctx *ctx, const char *fs_id, const char *vpc,
                          const char *az)
{
    json_t *mts = NULL, *mt;
    size_t i;
    int rc = list_mts(&mts, ctx, fs_id);

    json_array_foreach(mts, i, mt) {
        if (rc < 0)
            break;
        if (strcmp(json_string_value(json_object_get(mt, "VpcId")), vpc) != 0)
            rc = gf_local_fail(ctx, 409, "MountTargetConflict",
                               "File system '%s' has mount targets in VPC '%s', not '%s'.",
                               fs_id, json_string_value(json_object_get(mt, "VpcId")), vpc);
        else if (strcmp(json_string_value(json_object_get(mt, "AvailabilityZoneName")), az) == 0)
            rc = gf_local_fail(ctx, 409, "MountTargetConflict",
                               "File system '%s' already has a mount target in zone '%s'.",
                               fs_id, az);
    }
    json_decref(mts);
    return rc;
}

static int mt_doc(json_t **out, struct gf_local_ctx *ctx, const char *fs_id, const char *subnet,
                  const char *vpc, const char *az, const char *ip, const json_t *sgs)
{
    char id[24], eni[24], hex[18], addr[20];
    struct gf_buf arn = GF_BUF_INIT;
    int rc;

    gf_local_random_hex(hex, 17);
    snprintf(id, sizeof(id), "fsmt-%s", hex);
    gf_local_random_hex(hex, 17);
    snprintf(eni, sizeof(eni), "eni-%s", hex);
    gf_local_random_hex(hex, 4);
    snprintf(addr, sizeof(addr), "10.0.%u.%u", hex_byte(hex), hex_byte(hex + 2) % 250 + 4);
    rc = gf_local_arn(&arn, ctx, "elasticfilesystem", true, id); /* unique key only */
    if (rc == 0)
        *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I}", "OwnerId", ctx->account,
                         "MountTargetId", id, "FileSystemId", fs_id, "SubnetId", subnet,
                         "IpAddress", ip ? ip : addr, "NetworkInterfaceId", eni,
                         "AvailabilityZoneName", az, "AvailabilityZoneId", az, "VpcId", vpc,
                         "_SecurityGroups", sgs ? json_deep_copy(sgs) : json_array(), "_ReadyMs",
                         (json_int_t)ctx->now_ms + READY_MS);
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (rc == 0)
        rc = store(ctx, T_MT, id, arn.ptr, *out);
    gf_buf_release(&arn);
    return rc;
}

static int mt_read(const char **fs_id, const char **subnet, const char **ip, const json_t **sgs,
                   struct gf_local_ctx *ctx, const json_t *in)
{
    int rc = gf_local_get_string(fs_id, ctx, in, "FileSystemId", E_BAD);

    if (rc == 0)
        rc = gf_local_get_string(subnet, ctx, in, "SubnetId", E_BAD);
    if (rc == 0)
        rc = gf_local_get_string(ip, ctx, in, "IpAddress", NULL);
    if (rc == 0)
        rc = gf_local_get_array(sgs, ctx, in, "SecurityGroups", NULL);
    return rc;
}

static int efs_create_mount_target(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *fs_id = NULL, *subnet = NULL, *ip = NULL;
    const json_t *sgs = NULL;
    json_t *fs = NULL, *mt = NULL, *defaults = NULL;
    char vpc[32], az[32];
    int rc = mt_read(&fs_id, &subnet, &ip, &sgs, ctx, input);

    if (rc == 0)
        rc = load_fs(&fs, ctx, fs_id);
    if (rc == 0 && strcmp(lifecycle(ctx, fs), "available") != 0)
        rc = gf_local_fail(ctx, 409, "IncorrectFileSystemLifeCycleState",
                           "File system '%s' is in life cycle state 'creating'; wait for "
                           "'available'.",
                           fs_id);
    if (rc == 0 && gf_local_ec2_subnet(vpc, az, ctx, subnet) < 0)
        rc = gf_local_fail(ctx, 400, "SubnetNotFound", "Subnet '%.64s' does not exist.", subnet);
    if (rc == 0)
        rc = check_sgs(ctx, sgs);
    if (rc == 0)
        rc = check_conflict(ctx, json_string_value(json_object_get(fs, "FileSystemId")), vpc, az);
    if (rc == 0 && json_array_size(sgs) == 0) { /* AWS: the VPC's default group */
        char dflt[40];

        if (gf_local_ec2_default_group(dflt, ctx, vpc) == 0)
            sgs = defaults = json_pack("[s]", dflt);
    }
    if (rc == 0)
        rc = mt_doc(&mt, ctx, json_string_value(json_object_get(fs, "FileSystemId")), subnet, vpc,
                    az, ip, sgs);
    if (rc == 0)
        rc = set_out(out, view(ctx, mt, false));
    json_decref(defaults);
    json_decref(fs);
    json_decref(mt);
    return rc;
}

static int efs_describe_mount_targets(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    const char *fs_id = NULL, *mt_id = NULL, *ap = NULL;
    json_t *fs = NULL, *docs = NULL, *one = NULL;
    int rc;

    rc = gf_local_get_string(&fs_id, ctx, input, "FileSystemId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&mt_id, ctx, input, "MountTargetId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&ap, ctx, input, "AccessPointId", NULL);
    if (rc == 0 && ap)
        rc = gf_local_fail(ctx, 404, "AccessPointNotFound", "Access point '%.64s' does not "
                                                            "exist.", ap);
    if (rc == 0 && !fs_id && !mt_id)
        rc = gf_local_fail(ctx, 400, E_BAD,
                           "Either FileSystemId, MountTargetId or AccessPointId must be "
                           "specified.");
    if (rc == 0 && mt_id) {
        rc = gf_local_db_get(&one, ctx->db, EFS, T_MT, mt_id, 0);
        if (rc == 0 && !one)
            rc = gf_local_fail(ctx, 404, E_NOMT, "Mount target '%.64s' does not exist.", mt_id);
        if (rc == 0)
            rc = set_out(&docs, json_pack("[o]", one));
    } else if (rc == 0) {
        rc = load_fs(&fs, ctx, fs_id);
        if (rc == 0)
            rc = list_mts(&docs, ctx, json_string_value(json_object_get(fs, "FileSystemId")));
    }
    if (rc == 0)
        rc = page_out(out, ctx, input, docs, "MountTargets", false);
    json_decref(fs);
    json_decref(docs);
    return rc;
}

static int efs_describe_mount_target_security_groups(json_t **out, struct gf_local_ctx *ctx,
                                                      const json_t *input)
{
    const char *id = NULL;
    json_t *mt = NULL;
    int rc = gf_local_get_string(&id, ctx, input, "MountTargetId", E_BAD);

    if (rc == 0)
        rc = gf_local_db_get(&mt, ctx->db, EFS, T_MT, id, 0);
    if (rc == 0 && !mt)
        rc = gf_local_fail(ctx, 404, E_NOMT, "Mount target '%.64s' does not exist.", id);
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "SecurityGroups",
                                    json_object_get(mt, "_SecurityGroups")));
    json_decref(mt);
    return rc;
}

static int efs_delete_mount_target(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    bool deleted = false;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "MountTargetId", E_BAD);
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, EFS, T_MT, id, 0);
    if (rc == 0 && !deleted)
        rc = gf_local_fail(ctx, 404, E_NOMT, "Mount target '%.64s' does not exist.", id);
    return rc;
}

/* ---- tags --------------------------------------------------------------------------------- */

static int efs_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    const json_t *tags = NULL, *t;
    json_t *doc = NULL, *have, *h;
    size_t i, j;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "ResourceId", E_BAD);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", E_BAD);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = load_fs(&doc, ctx, id);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "Tags");
    json_array_foreach(tags, i, t) {
        json_array_foreach(have, j, h) {
            if (json_equal(json_object_get(h, "Key"), json_object_get(t, "Key"))) {
                json_array_remove(have, j);
                break;
            }
        }
        if (json_array_append(have, (json_t *)t) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0 && json_array_size(have) > 50)
        rc = gf_local_fail(ctx, 400, E_BAD, "A resource takes at most 50 tags.");
    if (rc == 0)
        rc = store(ctx, T_FS, json_string_value(json_object_get(doc, "FileSystemId")),
                   json_string_value(json_object_get(doc, "FileSystemArn")), doc);
out:
    json_decref(doc);
    return rc;
}

static int efs_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    const json_t *keys = NULL;
    json_t *doc = NULL, *have;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "ResourceId", E_BAD);
    if (rc == 0)
        rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_BAD);
    if (rc == 0)
        rc = load_fs(&doc, ctx, id);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "Tags");
    for (i = json_array_size(have); i > 0; i--) {
        const char *k = json_string_value(json_object_get(json_array_get(have, i - 1), "Key"));

        if (gf_local_array_has_string(keys, k))
            json_array_remove(have, i - 1);
    }
    rc = store(ctx, T_FS, json_string_value(json_object_get(doc, "FileSystemId")),
               json_string_value(json_object_get(doc, "FileSystemArn")), doc);
out:
    json_decref(doc);
    return rc;
}

static int efs_list_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *doc = NULL;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "ResourceId", E_BAD);
    if (rc == 0)
        rc = load_fs(&doc, ctx, id);
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "Tags", json_object_get(doc, "Tags")));
    json_decref(doc);
    return rc;
}

static const struct gf_local_op s_efs_ops[] = {
    {"CreateFileSystem", efs_create_file_system},
    {"DescribeFileSystems", efs_describe_file_systems},
    {"DeleteFileSystem", efs_delete_file_system},
    {"CreateMountTarget", efs_create_mount_target},
    {"DescribeMountTargets", efs_describe_mount_targets},
    {"DescribeMountTargetSecurityGroups", efs_describe_mount_target_security_groups},
    {"DeleteMountTarget", efs_delete_mount_target},
    {"TagResource", efs_tag_resource},
    {"UntagResource", efs_untag_resource},
    {"ListTagsForResource", efs_list_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_efs = {&gf_aws_efs, s_efs_ops};
