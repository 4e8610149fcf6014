/* SPDX-License-Identifier: Apache-2.0 */
/* svc_iam.c: local-aws's IAM roles (query protocol, global; reference/aws-protocols.md §7.2):
 * roles with inline and attached managed policies and tags, with IAM's name rules, limits and
 * error codes. One row per role (type "role", keyed by the lower-cased name, since IAM names are
 * case-insensitive) holding {"Role": <as GetRole returns it>, "Policies": {name: document},
 * "Attached": [{"PolicyName", "PolicyArn"}]}. Documents are stored as JSON text and sent
 * URL-encoded, as IAM does. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/uri.h"
#include "common/banned.h"

#define IAM              "iam"
#define T_ROLE           "role"
#define E_VALIDATION     "ValidationError"
#define E_NOSUCH         "NoSuchEntity"
#define E_MALFORMED      "MalformedPolicyDocument"
#define E_LIMIT          "LimitExceeded"
#define E_INVALID        "InvalidInput"
#define MAX_TAGS         50
#define MAX_INLINE_BYTES 10240 /* RolePolicySizeQuota: the sum of a role's inline policies */
#define MAX_TRUST_BYTES  2048  /* ACLSizePerRole */
#define MAX_ATTACHED     10    /* PolicyRolesQuota: managed policies per role */
#define MAX_ALL          100000

/* AWS-managed policies local-aws knows (arn:aws:iam::aws:policy/<path+name>). */
static const char *const s_aws_policies[] = {
    "service-role/AmazonECSTaskExecutionRolePolicy",
    "service-role/AmazonEC2ContainerServiceRole",
    "service-role/AmazonEC2ContainerServiceEventsRole",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonECS_FullAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchAgentServerPolicy",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonSQSFullAccess",
    "AmazonSSMReadOnlyAccess",
    "SecretsManagerReadWrite",
    "AmazonElasticFileSystemClientReadWriteAccess",
    "AWSXRayDaemonWriteAccess",
    "ReadOnlyAccess",
    "AdministratorAccess",
    NULL,
};

/* ---- validation --------------------------------------------------------------------------- */

/* [\w+=,.@-]{1,max} */
static bool valid_name(const char *s, size_t max)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > max)
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!isalnum(c) && !strchr("_+=,.@-", c))
            return false;
    }
    return true;
}

static int check_name(struct gf_local_ctx *ctx, const char *v, const char *member, size_t max)
{
    if (valid_name(v, max))
        return 0;
    return gf_local_fail(ctx, 400, E_VALIDATION,
                         "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: "
                         "[\\w+=,.@-]+ and have length between 1 and %zu",
                         v, member, max);
}

/* "/" or "/x/.../" with printable ASCII, up to 512 characters. */
static int check_path(struct gf_local_ctx *ctx, const char *p, const char *member)
{
    size_t n = strlen(p), i;
    bool ok = n >= 1 && n <= 512 && p[0] == '/' && p[n - 1] == '/';

    for (i = 0; ok && i < n; i++)
        ok = p[i] >= 0x21 && p[i] <= 0x7e;
    if (ok && n > 1 && strstr(p, "//"))
        ok = false;
    if (ok)
        return 0;
    return gf_local_fail(ctx, 400, E_VALIDATION,
                         "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: "
                         "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
                         p, member);
}

/* A policy document must be a JSON object with Version and Statement. */
static int check_policy(struct gf_local_ctx *ctx, const char *doc)
{
    json_t *j = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
    const char *version = json_string_value(json_object_get(j, "Version"));
    const json_t *st = json_object_get(j, "Statement");
    int rc = 0;

    if (!json_is_object(j))
        rc = gf_local_fail(ctx, 400, E_MALFORMED, "Syntax errors in policy.");
    else if (!version ||
             (strcmp(version, "2012-10-17") != 0 && strcmp(version, "2008-10-17") != 0))
        rc = gf_local_fail(ctx, 400, E_MALFORMED, "The policy must contain a valid version "
                                                  "string");
    else if (!json_is_object(st) && !(json_is_array(st) && json_array_size(st) > 0))
        rc = gf_local_fail(ctx, 400, E_MALFORMED, "Missing required field Statement");
    json_decref(j);
    return rc;
}

static bool sts_action(const json_t *a)
{
    return json_is_string(a) && strncmp(json_string_value(a), "sts:", 4) == 0;
}

/* One trust policy statement: no Resource, only sts:AssumeRole* actions. */
static int check_trust_statement(struct gf_local_ctx *ctx, const json_t *st)
{
    const json_t *a = json_object_get(st, "Action");
    const json_t *one;
    bool ok = json_is_array(a) || sts_action(a);
    size_t i;

    if (json_object_get(st, "Resource"))
        return gf_local_fail(ctx, 400, E_MALFORMED, "Has prohibited field Resource");
    json_array_foreach(a, i, one)
        ok = ok && sts_action(one);
    if (!ok)
        return gf_local_fail(ctx, 400, E_MALFORMED,
                             "Trust Policy statement actions can only be sts:AssumeRole, "
                             "sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity");
    return 0;
}

/* A trust policy's statements may not name resources and only allow the sts:AssumeRole*
 * actions (check_policy has vouched for its shape). */
static int check_trust(struct gf_local_ctx *ctx, const char *doc)
{
    json_t *j = json_loads(doc, 0, NULL);
    const json_t *st = json_object_get(j, "Statement");
    const json_t *one;
    size_t i;
    int rc = 0;

    if (json_is_object(st))
        rc = check_trust_statement(ctx, st);
    json_array_foreach(st, i, one) {
        if (rc == 0)
            rc = check_trust_statement(ctx, one);
    }
    json_decref(j);
    return rc;
}

/* Policy size as IAM counts it: characters other than white space. */
static size_t policy_size(const char *doc)
{
    size_t n = 0;

    for (; doc && *doc; doc++) {
        if (!isspace((unsigned char)*doc))
            n++;
    }
    return n;
}

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    const json_t *t;
    size_t i, j;

    if (json_array_size(tags) > MAX_TAGS)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "1 validation error detected: Value at 'tags' failed to satisfy "
                             "constraint: Member must have length less than or equal to 50");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));

        if (!k || !v)
            return gf_local_fail(ctx, 400, E_VALIDATION, "a tag needs a Key and a Value");
        if (strlen(k) < 1 || strlen(k) > 128 || strlen(v) > 256)
            return gf_local_fail(ctx, 400, E_VALIDATION,
                                 "1 validation error detected: Value '%s' at 'tags.%zu.member."
                                 "key' failed to satisfy constraint: Member must have length "
                                 "less than or equal to 128",
                                 k, i + 1);
        for (j = 0; j < i; j++) {
            if (strcmp(json_string_value(json_object_get(json_array_get(tags, j), "Key")), k) ==
                0)
                return gf_local_fail(ctx, 400, E_INVALID, "Duplicate tag keys found. Please "
                                                          "note that Tag keys are "
                                                          "case insensitive.");
        }
    }
    return 0;
}

/* ---- rows --------------------------------------------------------------------------------- */

static void lower_key(char out[72], const char *name)
{
    size_t i;

    for (i = 0; i < 70 && name[i]; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[i] = '\0';
}

/* The row of role `name`, NULL when absent. */
static int find_role(json_t **row_out, struct gf_local_ctx *ctx, const char *name)
{
    char key[72];

    *row_out = NULL;
    lower_key(key, name);
    return gf_local_db_get(row_out, ctx->db, IAM, T_ROLE, key, 0);
}

/* The row of role `name`, NoSuchEntity when absent. */
static int load_role(json_t **row_out, struct gf_local_ctx *ctx, const char *name)
{
    int rc = find_role(row_out, ctx, name);

    if (rc < 0)
        return rc;
    if (!*row_out)
        return gf_local_fail(ctx, 404, E_NOSUCH, "The role with name %s cannot be found.", name);
    return 0;
}

static int save_role(struct gf_local_ctx *ctx, const json_t *row)
{
    const json_t *role = json_object_get(row, "Role");
    const char *name = json_string_value(json_object_get(role, "RoleName"));
    struct gf_local_res res;
    char key[72];

    lower_key(key, name);
    memset(&res, 0, sizeof(res));
    res.service = IAM;
    res.type = T_ROLE;
    res.name = key;
    res.arn = json_string_value(json_object_get(role, "Arn"));
    res.status = "ACTIVE";
    res.doc = row;
    return gf_local_db_put(ctx->db, &res);
}

/* A role name member, required and well-formed. */
static int get_role_name(const char **out, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = gf_local_get_string(out, ctx, input, "RoleName", E_VALIDATION);

    if (rc == 0)
        rc = check_name(ctx, *out, "roleName", 64);
    return rc;
}

/* A copy of `role` with its trust policy URL-encoded, as IAM answers. */
static json_t *role_out(const json_t *role, bool with_tags)
{
    json_t *r = json_deep_copy(role);
    const char *doc = json_string_value(json_object_get(r, "AssumeRolePolicyDocument"));
    struct gf_buf enc = GF_BUF_INIT;

    if (!r)
        return NULL;
    if (doc) {
        gf_uri_encode(&enc, gf_slice_from(doc), NULL, 0);
        if (gf_buf_failed(&enc) ||
            json_object_set_new(r, "AssumeRolePolicyDocument", json_string(enc.ptr)) < 0) {
            json_decref(r);
            r = NULL;
        }
    }
    gf_buf_release(&enc);
    if (r && (!with_tags || json_array_size(json_object_get(r, "Tags")) == 0))
        json_object_del(r, "Tags");
    return r;
}

/* ---- roles -------------------------------------------------------------------------------- */

struct role_in {
    const char *name, *path, *doc, *description;
    int64_t max_session;
    const json_t *tags;
};

static int read_role_in(struct role_in *in, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    memset(in, 0, sizeof(*in));
    in->max_session = 3600;
    rc = get_role_name(&in->name, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&in->doc, ctx, input, "AssumeRolePolicyDocument", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_string(&in->path, ctx, input, "Path", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&in->description, ctx, input, "Description", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->max_session, NULL, ctx, input, "MaxSessionDuration", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&in->tags, ctx, input, "Tags", NULL);
    if (rc < 0)
        return rc;
    if (!in->path)
        in->path = "/";
    rc = check_path(ctx, in->path, "path");
    if (rc == 0 && in->description && strlen(in->description) > 1000)
        rc = gf_local_fail(ctx, 400, E_VALIDATION,
                           "1 validation error detected: Value at 'description' failed to "
                           "satisfy constraint: Member must have length less than or equal to "
                           "1000");
    if (rc == 0 && (in->max_session < 3600 || in->max_session > 43200))
        rc = gf_local_fail(ctx, 400, E_VALIDATION,
                           "1 validation error detected: Value '%lld' at 'maxSessionDuration' "
                           "failed to satisfy constraint: Member must have value between 3600 "
                           "and 43200",
                           (long long)in->max_session);
    if (rc == 0)
        rc = check_policy(ctx, in->doc);
    if (rc == 0)
        rc = check_trust(ctx, in->doc);
    if (rc == 0 && policy_size(in->doc) > MAX_TRUST_BYTES)
        rc = gf_local_fail(ctx, 409, E_LIMIT, "Cannot exceed quota for ACLSizePerRole: %d",
                           MAX_TRUST_BYTES);
    if (rc == 0)
        rc = check_tags(ctx, in->tags);
    return rc;
}

static json_t *new_role(struct gf_local_ctx *ctx, const struct role_in *in)
{
    struct gf_buf arn = GF_BUF_INIT;
    char id[24] = "AROA";
    json_t *role = NULL;
    size_t i;

    gf_local_random_hex(id + 4, 17);
    for (i = 4; id[i]; i++)
        id[i] = (char)toupper((unsigned char)id[i]);
    gf_buf_printf(&arn, "arn:aws:iam::%s:role%s%s", ctx->account, in->path, in->name);
    if (!gf_buf_failed(&arn))
        role = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:I,s:o,s:{}}", "Path", in->path, "RoleName",
                         in->name, "RoleId", id, "Arn", arn.ptr, "CreateDate", gf_local_now(ctx),
                         "AssumeRolePolicyDocument", in->doc, "MaxSessionDuration",
                         (json_int_t)in->max_session, "Tags",
                         in->tags ? json_deep_copy(in->tags) : json_array(), "RoleLastUsed");
    if (role && in->description)
        json_object_set_new(role, "Description", json_string(in->description));
    gf_buf_release(&arn);
    return role;
}

static int iam_create_role(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct role_in in;
    json_t *row = NULL, *role = NULL;
    int rc;

    rc = read_role_in(&in, ctx, input);
    if (rc < 0)
        return rc;
    rc = find_role(&row, ctx, in.name);
    if (rc < 0)
        return rc;
    if (row) {
        json_decref(row);
        return gf_local_fail(ctx, 409, "EntityAlreadyExists", "Role with name %s already exists.",
                             in.name);
    }
    role = new_role(ctx, &in);
    row = role ? json_pack("{s:o,s:{},s:[]}", "Role", role, "Policies", "Attached") : NULL;
    rc = row ? save_role(ctx, row) : gf_error_oom();
    if (rc == 0) {
        *out = json_pack("{s:o}", "Role", role_out(role, true));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(row);
    return rc;
}

static int iam_get_role(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *row = NULL;
    int rc;

    rc = get_role_name(&name, ctx, input);
    if (rc == 0)
        rc = load_role(&row, ctx, name);
    if (rc == 0) {
        *out = json_pack("{s:o}", "Role", role_out(json_object_get(row, "Role"), true));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(row);
    return rc;
}

static int iam_delete_role(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *row = NULL;
    bool deleted;
    char key[72];
    int rc;

    (void)out;
    rc = get_role_name(&name, ctx, input);
    if (rc == 0)
        rc = load_role(&row, ctx, name);
    if (rc == 0 && json_object_size(json_object_get(row, "Policies")) > 0)
        rc = gf_local_fail(ctx, 409, "DeleteConflict",
                           "Cannot delete entity, must delete policies first.");
    if (rc == 0 && json_array_size(json_object_get(row, "Attached")) > 0)
        rc = gf_local_fail(ctx, 409, "DeleteConflict",
                           "Cannot delete entity, must detach all policies first.");
    if (rc == 0) {
        lower_key(key, name);
        rc = gf_local_db_delete(&deleted, ctx->db, IAM, T_ROLE, key, 0);
    }
    json_decref(row);
    return rc;
}

static int iam_update_assume_role_policy(json_t **out, struct gf_local_ctx *ctx,
                                         const json_t *input)
{
    const char *name = NULL, *doc = NULL;
    json_t *row = NULL;
    int rc;

    (void)out;
    rc = get_role_name(&name, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&doc, ctx, input, "PolicyDocument", E_VALIDATION);
    if (rc == 0)
        rc = load_role(&row, ctx, name);
    if (rc == 0)
        rc = check_policy(ctx, doc);
    if (rc == 0)
        rc = check_trust(ctx, doc);
    if (rc == 0 && policy_size(doc) > MAX_TRUST_BYTES)
        rc = gf_local_fail(ctx, 409, E_LIMIT, "Cannot exceed quota for ACLSizePerRole: %d",
                           MAX_TRUST_BYTES);
    if (rc == 0)
        rc = gf_local_set(json_object_get(row, "Role"), "AssumeRolePolicyDocument",
                          json_string(doc));
    if (rc == 0)
        rc = save_role(ctx, row);
    json_decref(row);
    return rc;
}

static const struct gf_local_page s_page = {"MaxItems", "Marker", "Marker", 1000, E_VALIDATION};

/* MaxItems (1-1000, default 100 as IAM's) and Marker. */
static int get_page(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                    const json_t *input)
{
    int rc = gf_local_page_get(limit_out, offset_out, ctx, input, &s_page);

    if (rc == 0 && !json_object_get(input, "MaxItems"))
        *limit_out = 100;
    return rc;
}

/* Set the page of `all` at offset/limit as out[key], with Marker and IsTruncated. Steals the
 * items it keeps from `all`. */
static int page_out(json_t **out, const json_t *all, const char *key, int64_t offset,
                    int64_t limit)
{
    json_t *o = json_object();
    json_t *items = json_array();
    size_t n = json_array_size(all);
    bool more = (size_t)(offset + limit) < n;
    size_t i;
    int rc = (o && items) ? 0 : gf_error_oom();

    for (i = (size_t)offset; rc == 0 && i < n && i < (size_t)(offset + limit); i++)
        rc = json_array_append(items, json_array_get(all, i)) < 0 ? gf_error_oom() : 0;
    if (rc == 0)
        rc = gf_local_set(o, key, json_incref(items));
    if (rc == 0)
        rc = gf_local_set(o, "IsTruncated", json_boolean(more));
    if (rc == 0)
        rc = gf_local_page_set(o, &s_page, more, offset, json_array_size(items));
    json_decref(items);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

static int iam_list_roles(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {IAM, T_ROLE, NULL, NULL, false, 0, MAX_ALL};
    const char *prefix = NULL;
    json_t *rows = NULL, *all = NULL, *row;
    int64_t limit = 0, offset = 0;
    bool more;
    size_t i;
    int rc;

    rc = gf_local_get_string(&prefix, ctx, input, "PathPrefix", NULL);
    if (rc == 0 && prefix && (prefix[0] != '/' || strlen(prefix) > 512))
        rc = gf_local_fail(ctx, 400, E_VALIDATION,
                           "1 validation error detected: Value '%s' at 'pathPrefix' failed to "
                           "satisfy constraint: Member must satisfy regular expression pattern: "
                           "\\u002F[\\u0021-\\u007F]*",
                           prefix);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = gf_local_db_list(&rows, &more, ctx->db, &q);
    if (rc < 0)
        goto out;
    all = json_array();
    json_array_foreach(rows, i, row) {
        const json_t *role = json_object_get(row, "Role");
        const char *path = json_string_value(json_object_get(role, "Path"));

        if (prefix && strncmp(path, prefix, strlen(prefix)) != 0)
            continue;
        if (json_array_append_new(all, role_out(role, false)) < 0) {
            rc = gf_error_oom();
            goto out;
        }
    }
    rc = page_out(out, all, "Roles", offset, limit);
out:
    json_decref(rows);
    json_decref(all);
    return rc;
}

/* ---- inline policies ---------------------------------------------------------------------- */

static int get_policy_name(const char **out, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = gf_local_get_string(out, ctx, input, "PolicyName", E_VALIDATION);

    if (rc == 0)
        rc = check_name(ctx, *out, "policyName", 128);
    return rc;
}

/* The inline total of `policies` with `name` replaced by `doc`. */
static size_t inline_total(const json_t *policies, const char *name, const char *doc)
{
    const char *k;
    const json_t *v;
    size_t n = policy_size(doc);

    if (!name)
        return n;
    json_object_foreach((json_t *)(uintptr_t)policies, k, v) {
        if (strcmp(k, name) != 0)
            n += policy_size(json_string_value(v));
    }
    return n;
}

static int iam_put_role_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL, *name = NULL, *doc = NULL;
    json_t *row = NULL, *policies;
    int rc;

    (void)out;
    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = get_policy_name(&name, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&doc, ctx, input, "PolicyDocument", E_VALIDATION);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc == 0)
        rc = check_policy(ctx, doc);
    if (rc < 0)
        goto out;
    policies = json_object_get(row, "Policies");
    if (inline_total(policies, name, doc) > MAX_INLINE_BYTES) {
        rc = gf_local_fail(ctx, 409, E_LIMIT,
                           "Maximum policy size of %d bytes exceeded for role %s",
                           MAX_INLINE_BYTES, role);
        goto out;
    }
    rc = gf_local_set(policies, name, json_string(doc));
    if (rc == 0)
        rc = save_role(ctx, row);
out:
    json_decref(row);
    return rc;
}

/* The role row and the inline policy named in input (NoSuchEntity for either). */
static int load_policy(json_t **row_out, const char **role_out_name, const char **name_out,
                       struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    rc = get_role_name(role_out_name, ctx, input);
    if (rc == 0)
        rc = get_policy_name(name_out, ctx, input);
    if (rc == 0)
        rc = load_role(row_out, ctx, *role_out_name);
    if (rc == 0 && !json_object_get(json_object_get(*row_out, "Policies"), *name_out))
        rc = gf_local_fail(ctx, 404, E_NOSUCH, "The role policy with name %s cannot be found.",
                           *name_out);
    return rc;
}

static int iam_get_role_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL, *name = NULL;
    struct gf_buf enc = GF_BUF_INIT;
    json_t *row = NULL;
    int rc;

    rc = load_policy(&row, &role, &name, ctx, input);
    if (rc == 0) {
        gf_uri_encode(&enc, gf_slice_from(json_string_value(
                                json_object_get(json_object_get(row, "Policies"), name))),
                      NULL, 0);
        *out = json_pack("{s:s,s:s,s:s}", "RoleName",
                         json_string_value(
                             json_object_get(json_object_get(row, "Role"), "RoleName")),
                         "PolicyName", name, "PolicyDocument", enc.ptr);
        rc = (*out && !gf_buf_failed(&enc)) ? 0 : gf_error_oom();
    }
    gf_buf_release(&enc);
    json_decref(row);
    return rc;
}

static int iam_delete_role_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL, *name = NULL;
    json_t *row = NULL;
    int rc;

    (void)out;
    rc = load_policy(&row, &role, &name, ctx, input);
    if (rc == 0) {
        json_object_del(json_object_get(row, "Policies"), name);
        rc = save_role(ctx, row);
    }
    json_decref(row);
    return rc;
}

static int iam_list_role_policies(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL, *k;
    json_t *row = NULL, *names = NULL, *v;
    int64_t limit = 0, offset = 0;
    int rc;

    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc < 0)
        goto out;
    names = json_array();
    json_object_foreach(json_object_get(row, "Policies"), k, v) {
        if (json_array_append_new(names, json_string(k)) < 0) {
            rc = gf_error_oom();
            goto out;
        }
    }
    rc = page_out(out, names, "PolicyNames", offset, limit);
out:
    json_decref(names);
    json_decref(row);
    return rc;
}

/* ---- attached managed policies ------------------------------------------------------------ */

/* The policy name of a known managed policy ARN, or NULL (NoSuchEntity / InvalidInput set). */
static const char *managed_policy(struct gf_local_ctx *ctx, const char *arn)
{
    static const char prefix[] = "arn:aws:iam::aws:policy/";
    const char *slash;
    size_t i;

    if (strncmp(arn, "arn:", 4) != 0 || strlen(arn) < 20) {
        gf_local_fail(ctx, 400, E_INVALID, "ARN %s is not valid.", arn);
        return NULL;
    }
    for (i = 0; strncmp(arn, prefix, sizeof(prefix) - 1) == 0 && s_aws_policies[i]; i++) {
        if (strcmp(arn + sizeof(prefix) - 1, s_aws_policies[i]) == 0) {
            slash = strrchr(s_aws_policies[i], '/');
            return slash ? slash + 1 : s_aws_policies[i];
        }
    }
    gf_local_fail(ctx, 404, E_NOSUCH, "Policy %s does not exist or is not attachable.", arn);
    return NULL;
}

static int find_attached(const json_t *attached, const char *arn)
{
    const json_t *a;
    size_t i;

    json_array_foreach(attached, i, a) {
        const char *v = json_string_value(json_object_get(a, "PolicyArn"));

        if (v && arn && strcmp(v, arn) == 0)
            return (int)i;
    }
    return -1;
}

static int attach(json_t **out, struct gf_local_ctx *ctx, const json_t *input, bool detach)
{
    const char *role = NULL, *arn = NULL, *pname = NULL;
    json_t *row = NULL, *attached;
    int at, rc;

    (void)out;
    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&arn, ctx, input, "PolicyArn", E_VALIDATION);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc == 0) {
        pname = managed_policy(ctx, arn);
        rc = pname ? 0 : GF_EINVALID;
    }
    if (rc < 0)
        goto out;
    attached = json_object_get(row, "Attached");
    at = find_attached(attached, arn);
    if (detach && at < 0) {
        rc = gf_local_fail(ctx, 404, E_NOSUCH, "Policy %s was not found.", arn);
    } else if (detach) {
        json_array_remove(attached, (size_t)at);
    } else if (at < 0 && json_array_size(attached) >= MAX_ATTACHED) {
        rc = gf_local_fail(ctx, 409, E_LIMIT, "Cannot exceed quota for PoliciesPerRole: %d",
                           MAX_ATTACHED);
    } else if (at < 0) {
        rc = json_array_append_new(attached, json_pack("{s:s,s:s}", "PolicyName", pname,
                                                       "PolicyArn", arn)) < 0
                 ? gf_error_oom()
                 : 0;
    }
    if (rc == 0)
        rc = save_role(ctx, row);
out:
    json_decref(row);
    return rc;
}

static int iam_attach_role_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return attach(out, ctx, input, false);
}

static int iam_detach_role_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return attach(out, ctx, input, true);
}

static int iam_list_attached_role_policies(json_t **out, struct gf_local_ctx *ctx,
                                           const json_t *input)
{
    const char *role = NULL, *prefix = NULL;
    json_t *row = NULL, *all = NULL, *a;
    int64_t limit = 0, offset = 0;
    size_t i;
    int rc;

    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&prefix, ctx, input, "PathPrefix", NULL);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc < 0)
        goto out;
    all = json_array();
    json_array_foreach(json_object_get(row, "Attached"), i, a) {
        const char *arn = json_string_value(json_object_get(a, "PolicyArn"));
        const char *path = strstr(arn, ":policy") + 7;

        if (prefix && strncmp(path, prefix, strlen(prefix)) != 0)
            continue;
        if (json_array_append(all, a) < 0) {
            rc = gf_error_oom();
            goto out;
        }
    }
    rc = page_out(out, all, "AttachedPolicies", offset, limit);
out:
    json_decref(all);
    json_decref(row);
    return rc;
}

/* ---- tags --------------------------------------------------------------------------------- */

static int tag_index(const json_t *tags, const char *key)
{
    const json_t *t;
    size_t i;

    json_array_foreach(tags, i, t) {
        if (strcasecmp(json_string_value(json_object_get(t, "Key")), key) == 0)
            return (int)i;
    }
    return -1;
}

static int iam_tag_role(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL;
    const json_t *tags = NULL, *t;
    json_t *row = NULL, *have, *merged = NULL;
    size_t i;
    int at, rc;

    (void)out;
    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", E_VALIDATION);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc < 0)
        goto out;
    have = json_object_get(json_object_get(row, "Role"), "Tags");
    merged = have ? json_deep_copy(have) : json_array();
    json_array_foreach(tags, i, t) {
        at = tag_index(merged, json_string_value(json_object_get(t, "Key")));
        if (at >= 0)
            json_array_set(merged, (size_t)at, (json_t *)t);
        else
            json_array_append(merged, (json_t *)t);
    }
    if (json_array_size(merged) > MAX_TAGS) {
        rc = gf_local_fail(ctx, 409, E_LIMIT, "The number of tags has reached the maximum limit.");
        goto out;
    }
    rc = gf_local_set(json_object_get(row, "Role"), "Tags", json_incref(merged));
    if (rc == 0)
        rc = save_role(ctx, row);
out:
    json_decref(merged);
    json_decref(row);
    return rc;
}

static int iam_untag_role(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL;
    const json_t *keys = NULL, *k;
    json_t *row = NULL, *have;
    size_t i;
    int at, rc;

    (void)out;
    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_VALIDATION);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc < 0)
        goto out;
    have = json_object_get(json_object_get(row, "Role"), "Tags");
    json_array_foreach(keys, i, k) {
        if (!json_is_string(k))
            continue;
        at = tag_index(have, json_string_value(k));
        if (at >= 0)
            json_array_remove(have, (size_t)at);
    }
    rc = save_role(ctx, row);
out:
    json_decref(row);
    return rc;
}

static const json_t *const s_empty = NULL; /* page_out treats NULL as no items */

static int iam_list_role_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *role = NULL;
    json_t *row = NULL;
    const json_t *tags;
    int64_t limit = 0, offset = 0;
    int rc;

    rc = get_role_name(&role, ctx, input);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = load_role(&row, ctx, role);
    if (rc == 0) {
        tags = json_object_get(json_object_get(row, "Role"), "Tags");
        rc = page_out(out, json_is_array(tags) ? tags : s_empty, "Tags", offset, limit);
    }
    json_decref(row);
    return rc;
}

static const struct gf_local_op s_iam_ops[] = {
    {"CreateRole", iam_create_role},
    {"GetRole", iam_get_role},
    {"DeleteRole", iam_delete_role},
    {"UpdateAssumeRolePolicy", iam_update_assume_role_policy},
    {"ListRoles", iam_list_roles},
    {"PutRolePolicy", iam_put_role_policy},
    {"GetRolePolicy", iam_get_role_policy},
    {"DeleteRolePolicy", iam_delete_role_policy},
    {"ListRolePolicies", iam_list_role_policies},
    {"AttachRolePolicy", iam_attach_role_policy},
    {"DetachRolePolicy", iam_detach_role_policy},
    {"ListAttachedRolePolicies", iam_list_attached_role_policies},
    {"TagRole", iam_tag_role},
    {"UntagRole", iam_untag_role},
    {"ListRoleTags", iam_list_role_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_iam = {&gf_aws_iam, s_iam_ops};
