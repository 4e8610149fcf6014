/* SPDX-License-Identifier: Apache-2.0 */
/* svc_secretsmanager.c: local-aws's Secrets Manager (json 1.1, reference/aws-protocols.md
 * §7.13): secrets with versions and stages, deletion with a recovery window (purged lazily when
 * read), tags, and the value hook the compose conversion uses. Member names, limits and error
 * codes from botocore's secretsmanager/2017-10-17 model. Values never reach a log line or an
 * error message: messages name secrets, never their contents. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "aws/svc_secretsmanager.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SM           "secretsmanager"
#define T_SECRET     "secret"
#define E_NOTFOUND   "ResourceNotFoundException"
#define E_PARAM      "InvalidParameterException"
#define E_REQUEST    "InvalidRequestException"
#define E_EXISTS     "ResourceExistsException"
#define E_VALIDATION "ValidationException"
#define MSG_NOTFOUND "Secrets Manager can't find the specified secret."
#define MSG_DELETED                                                                                \
    "You can't perform this operation on the secret because it was marked for deletion."
#define MAX_VALUE_BYTES 65536
#define DAY_MS          (24LL * 3600 * 1000)

static const struct gf_local_page s_page = {"MaxResults", "NextToken", "NextToken", 100, E_PARAM};

/* ---- helpers --------------------------------------------------------------------------- */

/* Secret names: 1-512 of ASCII letters, digits and /_+=.@- (CreateSecret's Name). */
static bool name_valid(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 512)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("/_+=.@-", c)))
            return false;
    }
    return true;
}

/* `n` random letters and digits and a NUL (the ARN's suffix). */
static void random_alnum(char *out, size_t n)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char raw[16];
    size_t i;

    GF_ASSERT(n <= sizeof(raw));
    if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
        memset(raw, 7, sizeof(raw));
    for (i = 0; i < n; i++)
        out[i] = set[raw[i] % 62];
    out[n] = '\0';
}

/* A UUID-shaped version id (37 bytes). */
static void random_uuid(char out[37])
{
    char hex[33];

    gf_local_random_hex(hex, 32);
    snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex, hex + 8, hex + 13, hex + 17, hex + 20);
}

static int not_found(struct gf_local_ctx *ctx)
{
    return gf_local_fail(ctx, 400, E_NOTFOUND, MSG_NOTFOUND);
}

static int store(struct gf_local_ctx *ctx, const json_t *doc)
{
    struct gf_local_res r = {SM, T_SECRET, json_string_value(json_object_get(doc, "Name")), 0,
                             json_string_value(json_object_get(doc, "ARN")), "ACTIVE", doc};

    if (json_object_get(doc, "DeletedDate"))
        r.status = "DELETED";
    return gf_local_db_put(ctx->db, &r);
}

/* The stored document of `name` (a new reference, NULL when absent); a secret whose recovery
 * window has passed is purged here, lazily. */
static int load_name(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    json_t *doc = NULL;
    json_t *purge;
    bool deleted;
    int rc;

    *out = NULL;
    rc = gf_local_db_get(&doc, ctx->db, SM, T_SECRET, name, 0);
    if (rc < 0 || !doc)
        return rc;
    purge = json_object_get(doc, "_PurgeMs");
    if (json_is_integer(purge) && json_integer_value(purge) <= ctx->now_ms) {
        json_decref(doc);
        return gf_local_db_delete(&deleted, ctx->db, SM, T_SECRET, name, 0);
    }
    *out = doc;
    return 0;
}

/* A secret by name, full ARN or partial ARN (no 6-character suffix). */
static int load_ref(json_t **out, struct gf_local_ctx *ctx, const char *ref)
{
    const char *name = gf_local_ref_name(ref, ":secret:");
    const char *arn;
    size_t n = strlen(name);
    char *base = NULL;
    int rc;

    rc = load_name(out, ctx, name);
    if (rc < 0 || *out || name == ref || n < 8 || name[n - 7] != '-')
        return rc;
    /* a full ARN: NAME-AbCdEf */
    base = gf_strndup(name, n - 7);
    if (!base)
        return gf_error_oom();
    rc = load_name(out, ctx, base);
    gf_free(base);
    arn = json_string_value(json_object_get(*out, "ARN"));
    if (rc == 0 && *out && (!arn || strcmp(arn, ref) != 0)) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The secret `SecretId` names, failing ResourceNotFoundException; with `live`, a secret marked
 * for deletion fails InvalidRequestException. */
static int get_secret(json_t **out, struct gf_local_ctx *ctx, const json_t *input, bool live)
{
    const char *id = NULL;
    int rc;

    *out = NULL;
    rc = gf_local_get_string(&id, ctx, input, "SecretId", E_VALIDATION);
    if (rc == 0 && (!id[0] || strlen(id) > 2048))
        rc = gf_local_fail(ctx, 400, E_VALIDATION, "SecretId must be 1-2048 characters");
    if (rc == 0)
        rc = load_ref(out, ctx, id);
    if (rc == 0 && !*out)
        rc = not_found(ctx);
    if (rc == 0 && live && json_object_get(*out, "DeletedDate"))
        rc = gf_local_fail(ctx, 400, E_REQUEST, MSG_DELETED);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The public view of a stored document: everything but our "_" members. */
static json_t *public_view(const json_t *doc)
{
    json_t *o = json_object();
    const char *k;
    json_t *v;

    if (!o)
        return NULL;
    json_object_foreach((json_t *)doc, k, v) {
        if (k[0] != '_' && json_object_set(o, k, v) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* Validate Tags [{Key, Value}]: keys 1-128, values 0-256, at most 50. */
static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    size_t i;
    const json_t *t;

    if (json_array_size(tags) > 50)
        return gf_local_fail(ctx, 400, E_VALIDATION, "a secret takes at most 50 tags");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const json_t *v = json_object_get(t, "Value");

        if (!k || !k[0] || strlen(k) > 128 || (v && !json_is_string(v)) ||
            (v && json_string_length(v) > 256))
            return gf_local_fail(ctx, 400, E_VALIDATION,
                                 "tag keys must be 1-128 characters, values 0-256");
    }
    return 0;
}

/* Merge `tags` into doc's Tags (same key: replaced). */
static int merge_tags(json_t *doc, const json_t *tags)
{
    json_t *have = json_object_get(doc, "Tags");
    size_t i, j;
    const json_t *t;
    json_t *h;

    if (!have) {
        have = json_array();
        if (gf_local_set(doc, "Tags", have) < 0)
            return GF_ENOMEM;
    }
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));

        json_array_foreach(have, j, h) {
            if (strcmp(json_string_value(json_object_get(h, "Key")), k) == 0) {
                json_array_remove(have, j);
                break;
            }
        }
        if (json_array_append(have, (json_t *)t) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* SecretString | SecretBinary from input: exactly one... or neither when `optional`. */
static int get_value(const char **string_out, const char **binary_out, struct gf_local_ctx *ctx,
                     const json_t *input, bool optional)
{
    int rc;

    rc = gf_local_get_string(string_out, ctx, input, "SecretString", NULL);
    if (rc == 0)
        rc = gf_local_get_string(binary_out, ctx, input, "SecretBinary", NULL);
    if (rc < 0)
        return rc;
    if (*string_out && *binary_out)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "You can't specify both a binary secret value and a string secret "
                             "value in the same secret.");
    if (!*string_out && !*binary_out && !optional)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "You must provide either SecretString or SecretBinary.");
    if ((*string_out && strlen(*string_out) > MAX_VALUE_BYTES) ||
        (*binary_out && strlen(*binary_out) > MAX_VALUE_BYTES * 4 / 3 + 4))
        return gf_local_fail(ctx, 400, E_VALIDATION, "the secret value exceeds 65536 bytes");
    return 0;
}

/* The ClientRequestToken (32-64 characters) or a new UUID, into out (65 bytes). */
static int get_token(char out[65], struct gf_local_ctx *ctx, const json_t *input)
{
    const char *t = NULL;
    int rc = gf_local_get_string(&t, ctx, input, "ClientRequestToken", NULL);

    if (rc < 0)
        return rc;
    if (!t) {
        random_uuid(out);
        return 0;
    }
    if (strlen(t) < 32 || strlen(t) > 64)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "ClientRequestToken must be 32-64 characters");
    snprintf(out, 65, "%s", t);
    return 0;
}

/* Add version `vid` holding the value as AWSCURRENT (the previous current becomes
 * AWSPREVIOUS) and `stages` (NULL: AWSCURRENT only). */
static int add_version(struct gf_local_ctx *ctx, json_t *doc, const char *vid, const char *str,
                       const char *bin)
{
    json_t *versions = json_object_get(doc, "_Versions");
    json_t *stages = json_object_get(doc, "VersionIdsToStages");
    json_t *v = json_pack("{s:s,s:o}", str ? "SecretString" : "SecretBinary", str ? str : bin,
                          "CreatedDate", gf_local_now(ctx));
    const char *k;
    json_t *s, *tmp;

    if (!v || !versions || !stages || json_object_set_new(versions, vid, v) < 0)
        return gf_error_oom();
    json_object_foreach_safe(stages, tmp, k, s) {
        size_t i;
        json_t *label;

        json_array_foreach(s, i, label) {
            if (strcmp(json_string_value(label), "AWSPREVIOUS") == 0) {
                json_array_remove(s, i);
                break;
            }
        }
        json_array_foreach(s, i, label) {
            if (strcmp(json_string_value(label), "AWSCURRENT") == 0) {
                json_array_set_new(s, i, json_string("AWSPREVIOUS"));
                break;
            }
        }
        if (json_array_size(s) == 0)
            json_object_del(stages, k);
    }
    if (gf_local_set(stages, vid, json_pack("[s]", "AWSCURRENT")) < 0)
        return GF_ENOMEM;
    return gf_local_set(doc, "LastChangedDate", gf_local_now(ctx));
}

/* ---- operations ------------------------------------------------------------------------- */

static int create_doc(json_t **out, struct gf_local_ctx *ctx, const char *name, const char *desc,
                      const char *kms, const json_t *tags)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT;
    char suffix[8];
    int rc;

    random_alnum(suffix, 6);
    gf_buf_printf(&res, "secret:%s-%s", name, suffix);
    rc = gf_buf_failed(&res) ? gf_error_oom() : gf_local_arn(&arn, ctx, SM, true, res.ptr);
    if (rc == 0) {
        *out = json_pack("{s:s,s:s,s:o,s:o,s:{},s:{},s:b}", "ARN", arn.ptr, "Name", name,
                         "CreatedDate", gf_local_now(ctx), "LastChangedDate", gf_local_now(ctx),
                         "VersionIdsToStages", "_Versions", "RotationEnabled", 0);
        if (!*out)
            rc = gf_error_oom();
    }
    if (rc == 0 && desc)
        rc = gf_local_set(*out, "Description", json_string(desc));
    if (rc == 0 && kms)
        rc = gf_local_set(*out, "KmsKeyId", json_string(kms));
    if (rc == 0 && json_array_size(tags))
        rc = gf_local_set(*out, "Tags", json_deep_copy(tags));
    gf_buf_release(&arn);
    gf_buf_release(&res);
    return rc;
}

static int check_create(struct gf_local_ctx *ctx, const char *name)
{
    json_t *old = NULL;
    bool deleted, exists;
    int rc;

    if (!name_valid(name))
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "Invalid name. Must be a valid name containing alphanumeric "
                             "characters, or any of the following: -/_+=.@!");
    rc = load_name(&old, ctx, name);
    if (rc < 0)
        return rc;
    exists = old != NULL;
    deleted = exists && json_object_get(old, "DeletedDate");
    json_decref(old);
    if (deleted)
        return gf_local_fail(ctx, 400, E_REQUEST,
                             "You can't create this secret because a secret with this name is "
                             "already scheduled for deletion.");
    if (exists)
        return gf_local_fail(ctx, 400, E_EXISTS,
                             "The operation failed because the secret %s already exists.", name);
    return 0;
}

static int sm_create_secret(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *desc = NULL, *kms = NULL, *str = NULL, *bin = NULL;
    const json_t *tags = NULL;
    json_t *doc = NULL;
    char vid[65];
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "Name", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_string(&desc, ctx, input, "Description", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&kms, ctx, input, "KmsKeyId", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", NULL);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = get_value(&str, &bin, ctx, input, true);
    if (rc == 0)
        rc = get_token(vid, ctx, input);
    if (rc == 0 && desc && strlen(desc) > 2048)
        rc = gf_local_fail(ctx, 400, E_VALIDATION, "Description must be at most 2048 characters");
    if (rc == 0)
        rc = check_create(ctx, name);
    if (rc == 0)
        rc = create_doc(&doc, ctx, name, desc, kms, tags);
    if (rc == 0 && (str || bin))
        rc = add_version(ctx, doc, vid, str, bin);
    if (rc == 0)
        rc = store(ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:O,s:O}", "ARN", json_object_get(doc, "ARN"), "Name",
                         json_object_get(doc, "Name"));
        if (!*out || ((str || bin) && gf_local_set(*out, "VersionId", json_string(vid)) < 0))
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int sm_describe_secret(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = get_secret(&doc, ctx, input, false);

    if (rc == 0) {
        *out = public_view(doc);
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

/* The version GetSecretValue selects: VersionId and/or VersionStage (default AWSCURRENT). */
static int select_version(const char **vid_out, struct gf_local_ctx *ctx, const json_t *doc,
                          const json_t *input)
{
    const char *vid = NULL, *stage = NULL, *k;
    const json_t *stages = json_object_get(doc, "VersionIdsToStages"), *s;
    int rc;

    rc = gf_local_get_string(&vid, ctx, input, "VersionId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&stage, ctx, input, "VersionStage", NULL);
    if (rc < 0)
        return rc;
    if (vid) {
        s = json_object_get(stages, vid);
        if (!s)
            return gf_local_fail(ctx, 400, E_NOTFOUND,
                                 "Secrets Manager can't find the specified secret value for "
                                 "VersionId: %.64s",
                                 vid);
        if (stage && !gf_local_array_has_string(s, stage))
            return gf_local_fail(ctx, 400, E_REQUEST,
                                 "You provided a VersionStage that is not associated to the "
                                 "provided VersionId.");
        *vid_out = vid;
        return 0;
    }
    if (!stage)
        stage = "AWSCURRENT";
    json_object_foreach((json_t *)stages, k, s) {
        if (gf_local_array_has_string(s, stage)) {
            *vid_out = k;
            return 0;
        }
    }
    return gf_local_fail(ctx, 400, E_NOTFOUND,
                         "Secrets Manager can't find the specified secret value for staging "
                         "label: %.64s",
                         stage);
}

static int sm_get_secret_value(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL, *ver;
    const char *vid = NULL;
    int rc = get_secret(&doc, ctx, input, true);

    if (rc == 0)
        rc = select_version(&vid, ctx, doc, input);
    if (rc == 0) {
        ver = json_object_get(json_object_get(doc, "_Versions"), vid);
        *out = json_pack("{s:O,s:O,s:s,s:O,s:O}", "ARN", json_object_get(doc, "ARN"), "Name",
                         json_object_get(doc, "Name"), "VersionId", vid, "VersionStages",
                         json_object_get(json_object_get(doc, "VersionIdsToStages"), vid),
                         "CreatedDate", json_object_get(ver, "CreatedDate"));
        if (!*out || json_object_update_missing(*out, ver) < 0)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int sm_put_secret_value(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *str = NULL, *bin = NULL;
    json_t *doc = NULL;
    char vid[65];
    int rc = get_secret(&doc, ctx, input, true);

    if (rc == 0)
        rc = get_value(&str, &bin, ctx, input, false);
    if (rc == 0)
        rc = get_token(vid, ctx, input);
    if (rc == 0 && json_object_get(json_object_get(doc, "_Versions"), vid))
        rc = gf_local_fail(ctx, 400, E_EXISTS,
                           "A resource with the ID you requested already exists.");
    if (rc == 0)
        rc = add_version(ctx, doc, vid, str, bin);
    if (rc == 0)
        rc = store(ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:O,s:O,s:s,s:[s]}", "ARN", json_object_get(doc, "ARN"), "Name",
                         json_object_get(doc, "Name"), "VersionId", vid, "VersionStages",
                         "AWSCURRENT");
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

/* Whether s begins with prefix. */
static bool has_prefix(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether one filter value (prefix match) hits doc's fields named by key. */
static bool value_hits(const json_t *doc, const char *key, const char *want)
{
    bool all = strcmp(key, "all") == 0;
    size_t i;
    const json_t *t;

    if ((all || strcmp(key, "name") == 0) &&
        has_prefix(json_string_value(json_object_get(doc, "Name")), want))
        return true;
    if ((all || strcmp(key, "description") == 0) &&
        has_prefix(json_string_value(json_object_get(doc, "Description")), want))
        return true;
    json_array_foreach(json_object_get(doc, "Tags"), i, t) {
        if ((all || strcmp(key, "tag-key") == 0) &&
            has_prefix(json_string_value(json_object_get(t, "Key")), want))
            return true;
        if ((all || strcmp(key, "tag-value") == 0) &&
            has_prefix(json_string_value(json_object_get(t, "Value")), want))
            return true;
    }
    return false;
}

/* Whether doc matches one ListSecrets filter (any value; a leading '!' negates it). */
static bool filter_matches(const json_t *doc, const char *key, const json_t *values)
{
    size_t i;
    const json_t *v;

    json_array_foreach(values, i, v) {
        const char *want = json_string_value(v);
        bool neg = want && want[0] == '!';

        if (want && value_hits(doc, key, want + neg) != neg)
            return true;
    }
    return false;
}

static int check_filters(struct gf_local_ctx *ctx, const json_t *filters)
{
    static const char *const keys[] = {"description", "name", "tag-key", "tag-value",
                                       "primary-region", "owning-service", "all", NULL};
    size_t i, j;
    const json_t *f;

    json_array_foreach(filters, i, f) {
        const char *k = json_string_value(json_object_get(f, "Key"));
        bool known = false;

        for (j = 0; k && keys[j]; j++)
            known = known || strcmp(keys[j], k) == 0;
        if (!known)
            return gf_local_fail(ctx, 400, E_VALIDATION,
                                 "1 validation error detected: Value '%.64s' at "
                                 "'filters.%zu.member.key' failed to satisfy constraint",
                                 k ? k : "", i + 1);
        if (!json_is_array(json_object_get(f, "Values")))
            return gf_local_fail(ctx, 400, E_PARAM, "Invalid filter values");
    }
    return 0;
}

static bool doc_listed(const json_t *doc, const json_t *filters, bool planned)
{
    size_t i;
    const json_t *f;

    if (json_object_get(doc, "DeletedDate") && !planned)
        return false;
    json_array_foreach(filters, i, f) {
        if (!filter_matches(doc, json_string_value(json_object_get(f, "Key")),
                            json_object_get(f, "Values")))
            return false;
    }
    return true;
}

static int sm_list_secrets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SM, T_SECRET, NULL, NULL, false, 0, INT32_MAX};
    const json_t *filters = NULL, *doc;
    json_t *docs = NULL, *list = NULL;
    int64_t limit = 0, offset = 0;
    bool more = false, planned = false;
    size_t i, n = 0;
    int rc;

    rc = gf_local_get_array(&filters, ctx, input, "Filters", NULL);
    if (rc == 0)
        rc = check_filters(ctx, filters);
    if (rc == 0)
        rc = gf_local_get_bool(&planned, ctx, input, "IncludePlannedDeletion");
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = gf_local_db_list(&docs, &more, ctx->db, &q);
    list = json_array();
    if (rc == 0 && !list)
        rc = gf_error_oom();
    json_array_foreach(docs, i, doc) {
        json_t *purge = json_object_get(doc, "_PurgeMs");

        if (rc < 0 || (json_is_integer(purge) && json_integer_value(purge) <= ctx->now_ms) ||
            !doc_listed(doc, filters, planned))
            continue;
        if (n >= (size_t)offset && json_array_size(list) < (size_t)limit &&
            json_array_append_new(list, public_view(doc)) < 0)
            rc = gf_error_oom();
        n++;
    }
    if (rc == 0)
        *out = json_pack("{s:O}", "SecretList", list);
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, n > (size_t)offset + json_array_size(list), offset,
                               json_array_size(list));
    json_decref(list);
    json_decref(docs);
    return rc;
}

static int delete_args(int64_t *window_out, bool *force_out, struct gf_local_ctx *ctx,
                       const json_t *input)
{
    bool given = false;
    int rc;

    *window_out = 30;
    *force_out = false;
    rc = gf_local_get_int(window_out, &given, ctx, input, "RecoveryWindowInDays", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(force_out, ctx, input, "ForceDeleteWithoutRecovery");
    if (rc < 0)
        return rc;
    if (given && *force_out)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "You can't use ForceDeleteWithoutRecovery in conjunction with "
                             "RecoveryWindowInDays.");
    if (given && (*window_out < 7 || *window_out > 30))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "The RecoveryWindowInDays value must be between 7 and 30 days "
                             "(inclusive).");
    return 0;
}

static int sm_delete_secret(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int64_t window, when;
    bool force, deleted;
    int rc = delete_args(&window, &force, ctx, input);

    if (rc == 0)
        rc = get_secret(&doc, ctx, input, false);
    if (rc == 0 && json_object_get(doc, "DeletedDate") && !force)
        rc = gf_local_fail(ctx, 400, E_REQUEST,
                           "You tried to perform the operation on a secret that's currently "
                           "marked deleted.");
    if (rc < 0)
        goto out;
    when = force ? ctx->now_ms : ctx->now_ms + window * DAY_MS;
    if (force) {
        rc = gf_local_db_delete(&deleted, ctx->db, SM, T_SECRET,
                                json_string_value(json_object_get(doc, "Name")), 0);
    } else {
        rc = gf_local_set(doc, "DeletedDate", json_real((double)when / 1000.0));
        if (rc == 0)
            rc = gf_local_set(doc, "_PurgeMs", json_integer(when));
        if (rc == 0)
            rc = store(ctx, doc);
    }
    if (rc == 0) {
        *out = json_pack("{s:O,s:O,s:f}", "ARN", json_object_get(doc, "ARN"), "Name",
                         json_object_get(doc, "Name"), "DeletionDate", (double)when / 1000.0);
        if (!*out)
            rc = gf_error_oom();
    }
out:
    json_decref(doc);
    return rc;
}

static int sm_restore_secret(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = get_secret(&doc, ctx, input, false);

    if (rc == 0) {
        json_object_del(doc, "DeletedDate");
        json_object_del(doc, "_PurgeMs");
        rc = store(ctx, doc);
    }
    if (rc == 0) {
        *out = json_pack("{s:O,s:O}", "ARN", json_object_get(doc, "ARN"), "Name",
                         json_object_get(doc, "Name"));
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int sm_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tags = NULL;
    json_t *doc = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_array(&tags, ctx, input, "Tags", E_VALIDATION);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = get_secret(&doc, ctx, input, false);
    if (rc == 0)
        rc = merge_tags(doc, tags);
    if (rc == 0 && json_array_size(json_object_get(doc, "Tags")) > 50)
        rc = gf_local_fail(ctx, 400, E_VALIDATION, "a secret takes at most 50 tags");
    if (rc == 0)
        rc = store(ctx, doc);
    json_decref(doc);
    return rc;
}

static int sm_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *keys = NULL;
    json_t *doc = NULL, *tags, *t;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_VALIDATION);
    if (rc == 0)
        rc = get_secret(&doc, ctx, input, false);
    if (rc < 0)
        goto out;
    tags = json_object_get(doc, "Tags");
    for (i = json_array_size(tags); i > 0; i--) {
        t = json_array_get(tags, i - 1);
        if (gf_local_array_has_string(keys, json_string_value(json_object_get(t, "Key"))))
            json_array_remove(tags, i - 1);
    }
    rc = store(ctx, doc);
out:
    json_decref(doc);
    return rc;
}

/* ---- the compose hook --------------------------------------------------------------------- */

/* The value of `json_key` in a JSON SecretString (owned); GF_ENOTFOUND when absent. */
static int json_key_value(char **out, const char *secret, const char *json_key)
{
    json_t *obj = json_loads(secret, 0, NULL);
    const json_t *v = json_object_get(obj, json_key);
    char *text = NULL;
    int rc = 0;

    if (!v)
        rc = gf_error_set(GF_ENOTFOUND, "secret has no JSON key '%s'", json_key);
    else if (json_is_string(v))
        *out = gf_strdup(json_string_value(v));
    else
        text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (text)
        *out = gf_strdup(text);
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (text) {
        explicit_bzero(text, strlen(text));
        free(text); /* jansson's allocator is the C library's */
    }
    json_decref(obj);
    return rc;
}

/* ref's ":json-key:stage:version" fields after the secret id (borrowed into parts). */
static void split_suffix(char *key, char *stage, char *version, size_t size, const char *rest)
{
    char *dst[3] = {key, stage, version};
    size_t i, n;

    for (i = 0; i < 3; i++) {
        const char *end = rest ? strchr(rest, ':') : NULL;

        n = rest ? (end ? (size_t)(end - rest) : strlen(rest)) : 0;
        if (n >= size)
            n = size - 1;
        memcpy(dst[i], rest ? rest : "", n);
        dst[i][n] = '\0';
        rest = end ? end + 1 : NULL;
    }
}

int gf_local_secret_value(char **value_out, struct gf_local_ctx *ctx, const char *ref)
{
    char id[2048], key[256], stage[64], version[65];
    json_t *doc = NULL, *in = NULL, *val = NULL;
    const char *vid = NULL, *s;
    int rc;

    *value_out = NULL;
    rc = gf_secretsmanager_secret_id(id, sizeof(id), ref);
    if (rc < 0)
        return rc;
    split_suffix(key, stage, version, sizeof(key), ref[strlen(id)] == ':' ? ref + strlen(id) + 1
                                                                           : NULL);
    in = json_pack("{s:s}", "SecretId", id);
    if (in && stage[0])
        json_object_set_new(in, "VersionStage", json_string(stage));
    if (in && version[0])
        json_object_set_new(in, "VersionId", json_string(version));
    if (!in)
        return gf_error_oom();
    rc = get_secret(&doc, ctx, in, true);
    if (rc == 0)
        rc = select_version(&vid, ctx, doc, in);
    if (rc < 0 && ctx->err_code[0])
        rc = gf_error_set(GF_ENOTFOUND, "secret '%s' has no such value: %s", id,
                          ctx->err_message);
    if (rc < 0)
        goto out;
    val = json_object_get(json_object_get(doc, "_Versions"), vid);
    s = json_string_value(json_object_get(val, "SecretString"));
    if (!s)
        s = json_string_value(json_object_get(val, "SecretBinary"));
    if (key[0])
        rc = json_key_value(value_out, s ? s : "", key);
    else if (!(*value_out = gf_strdup(s ? s : "")))
        rc = gf_error_oom();
out:
    ctx->err_code[0] = '\0';
    json_decref(in);
    json_decref(doc);
    return rc;
}

static const struct gf_local_op s_secretsmanager_ops[] = {
    {"CreateSecret", sm_create_secret},
    {"DescribeSecret", sm_describe_secret},
    {"GetSecretValue", sm_get_secret_value},
    {"PutSecretValue", sm_put_secret_value},
    {"ListSecrets", sm_list_secrets},
    {"DeleteSecret", sm_delete_secret},
    {"RestoreSecret", sm_restore_secret},
    {"TagResource", sm_tag_resource},
    {"UntagResource", sm_untag_resource},
    {NULL, NULL},
};

const struct gf_local_service gf_local_secretsmanager = {&gf_aws_secretsmanager,
                                                         s_secretsmanager_ops};
