/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ssm.c: local-aws's SSM Parameter Store (json 1.1, reference/aws-protocols.md §7.13):
 * parameters with versions, SecureString values hidden unless decrypted, DescribeParameters
 * filters, tags, and the value hook the compose conversion uses. Member names, limits and error
 * codes from botocore's ssm/2014-11-06 model. Values never reach a log line or an error
 * message: messages name parameters, never their contents. */
#define _DEFAULT_SOURCE /* strncasecmp */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "aws/svc_ssm.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SSM          "ssm"
#define T_PARAM      "parameter"
#define E_VALIDATION "ValidationException"
#define E_NOTFOUND   "ParameterNotFound"
#define MAX_LEVELS   15

static const struct gf_local_page s_page = {"MaxResults", "NextToken", "NextToken", 50,
                                            "InvalidNextToken"};

/* ---- helpers --------------------------------------------------------------------------- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-' || c == '/';
}

/* PutParameter's Name rules: 1-2048 of [a-zA-Z0-9_.-/]; a name with '/' is a path starting
 * with '/', without empty levels, at most 15 levels; no "aws" / "ssm" prefix. */
static int check_name(struct gf_local_ctx *ctx, const char *name)
{
    size_t n = strlen(name), i, levels = 0;
    const char *first = name[0] == '/' ? name + 1 : name;

    for (i = 0; i < n; i++) {
        if (!name_char(name[i]))
            return gf_local_fail(ctx, 400, E_VALIDATION,
                                 "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
                                 "(case-insensitive). If formed as a path, it can consist of "
                                 "sub-paths divided by slash symbol; each sub-path can be formed "
                                 "as a mix of letters, numbers and the following 3 symbols .-_");
        if (name[i] == '/')
            levels++;
    }
    if (n == 0 || n > 2048)
        return gf_local_fail(ctx, 400, E_VALIDATION, "Parameter name must be 1-2048 characters");
    if (strchr(name, '/') && (name[0] != '/' || strstr(name, "//") || name[n - 1] == '/'))
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "Parameter name must be a fully qualified name.");
    if (levels > MAX_LEVELS)
        return gf_local_fail(ctx, 400, "HierarchyLevelLimitExceededException",
                             "Parameter name exceeds the limit of %d hierarchy levels",
                             MAX_LEVELS);
    if (strncasecmp(first, "aws", 3) == 0 || strncasecmp(first, "ssm", 3) == 0)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
                             "(case-insensitive).");
    return 0;
}

static int store(struct gf_local_ctx *ctx, const json_t *doc)
{
    struct gf_local_res r = {SSM, T_PARAM, json_string_value(json_object_get(doc, "Name")), 0,
                             json_string_value(json_object_get(doc, "ARN")), "ACTIVE", doc};

    return gf_local_db_put(ctx->db, &r);
}

/* The parameter a name or ARN names (new reference), NULL when absent. A ":N" version
 * selector is cut into *version_out (0: none). */
static int load(json_t **out, int64_t *version_out, struct gf_local_ctx *ctx, const char *ref)
{
    char name[2100];
    const char *colon;
    int rc;

    *out = NULL;
    *version_out = 0;
    if (strncmp(ref, "arn:", 4) == 0) {
        if (gf_ssm_parameter_name(name, sizeof(name), NULL, 0, ref) < 0)
            return 0;
    } else {
        snprintf(name, sizeof(name), "%s", ref);
        colon = strchr(ref, ':');
        if (colon && (size_t)(colon - ref) < sizeof(name)) {
            name[colon - ref] = '\0';
            if (gf_slice_to_i64(version_out, gf_slice_from(colon + 1), 1, INT32_MAX) < 0)
                *version_out = -1;
        }
    }
    rc = gf_local_db_get(out, ctx->db, SSM, T_PARAM, name, 0);
    return rc;
}

/* The metadata DescribeParameters answers with (no value). */
static json_t *metadata(const json_t *doc)
{
    static const char *const keys[] = {"Name", "ARN", "Type", "KeyId", "LastModifiedDate",
                                       "LastModifiedUser", "Description", "AllowedPattern",
                                       "Version", "Tier", "Policies", "DataType", NULL};
    json_t *o = json_object();
    size_t i;

    for (i = 0; o && keys[i]; i++) {
        json_t *v = json_object_get(doc, keys[i]);

        if (v && json_object_set(o, keys[i], v) < 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/* The Parameter GetParameter answers with: a SecureString's value only when decrypted. */
static json_t *parameter(const json_t *doc, bool decrypt)
{
    const char *type = json_string_value(json_object_get(doc, "Type"));
    bool hide = type && strcmp(type, "SecureString") == 0 && !decrypt;
    json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "Name", json_object_get(doc, "Name"),
                          "Type", json_object_get(doc, "Type"), "Version",
                          json_object_get(doc, "Version"), "LastModifiedDate",
                          json_object_get(doc, "LastModifiedDate"), "ARN",
                          json_object_get(doc, "ARN"), "DataType",
                          json_object_get(doc, "DataType"));

    /* AWS returns the ciphertext; ours is an opaque stand-in that says nothing of the value */
    if (o && json_object_set_new(o, "Value",
                                 hide ? json_string("AQICAHgflocalawsciphertext")
                                      : json_incref(json_object_get(doc, "_Value"))) < 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    size_t i;
    const json_t *t;

    if (json_array_size(tags) > 50)
        return gf_local_fail(ctx, 400, "TooManyTagsError",
                             "The Tags parameter contains more than 50 tags");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));

        if (!k || !k[0] || strlen(k) > 128 || !v || strlen(v) > 256)
            return gf_local_fail(ctx, 400, E_VALIDATION,
                                 "tags need a Key of 1-128 and a Value of 0-256 characters");
    }
    return 0;
}

/* ---- PutParameter ----------------------------------------------------------------------- */

struct put_args {
    const char *name, *value, *type, *desc, *key_id, *tier, *data_type, *pattern;
    const json_t *tags;
    bool overwrite;
};

static int put_read(struct put_args *a, struct gf_local_ctx *ctx, const json_t *in)
{
    int rc;

    memset(a, 0, sizeof(*a));
    rc = gf_local_get_string(&a->name, ctx, in, "Name", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_string(&a->value, ctx, in, "Value", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_string(&a->type, ctx, in, "Type", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->desc, ctx, in, "Description", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->key_id, ctx, in, "KeyId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->tier, ctx, in, "Tier", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->data_type, ctx, in, "DataType", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->pattern, ctx, in, "AllowedPattern", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&a->tags, ctx, in, "Tags", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&a->overwrite, ctx, in, "Overwrite");
    return rc;
}

static int put_check(struct gf_local_ctx *ctx, const struct put_args *a, const json_t *old)
{
    bool advanced = a->tier && strcmp(a->tier, "Advanced") == 0;
    int rc = check_name(ctx, a->name);

    if (rc < 0)
        return rc;
    if (a->type && strcmp(a->type, "String") != 0 && strcmp(a->type, "StringList") != 0 &&
        strcmp(a->type, "SecureString") != 0)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "1 validation error detected: Value '%.32s' at 'type' failed to "
                             "satisfy constraint: Member must satisfy enum value set: "
                             "[SecureString, StringList, String]",
                             a->type);
    if (a->tier && !advanced && strcmp(a->tier, "Standard") != 0 &&
        strcmp(a->tier, "Intelligent-Tiering") != 0)
        return gf_local_fail(ctx, 400, E_VALIDATION, "Tier must be Standard, Advanced or "
                                                     "Intelligent-Tiering");
    if (!a->value[0] || strlen(a->value) > (advanced ? 8192u : 4096u))
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "Value must be 1-%d characters for the %s tier",
                             advanced ? 8192 : 4096, advanced ? "Advanced" : "Standard");
    if (a->desc && strlen(a->desc) > 1024)
        return gf_local_fail(ctx, 400, E_VALIDATION, "Description must be at most 1024 characters");
    if (a->tags && a->overwrite)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "Invalid request: tags and overwrite can't be used together. To "
                             "create a parameter with tags, please remove overwrite flag. To "
                             "update tags for an existing parameter, please use "
                             "AddTagsToResource or RemoveTagsFromResource.");
    if (old && !a->overwrite)
        return gf_local_fail(ctx, 400, "ParameterAlreadyExists",
                             "The parameter already exists. To overwrite this value, set the "
                             "overwrite option in the request to true.");
    if (!old && !a->type)
        return gf_local_fail(ctx, 400, E_VALIDATION,
                             "A parameter type is required when you create a parameter.");
    if (old && a->type && strcmp(a->type, json_string_value(json_object_get(old, "Type"))) != 0 &&
        strcmp(a->type, "SecureString") != 0 &&
        strcmp(json_string_value(json_object_get(old, "Type")), "SecureString") == 0)
        return gf_local_fail(ctx, 400, "HierarchyTypeMismatchException",
                             "The parameter type can't be changed from SecureString");
    return check_tags(ctx, a->tags);
}

/* Set what a put changes on doc: type, value, version, tier, dates, optional members. */
static int put_fields(json_t *doc, struct gf_local_ctx *ctx, const struct put_args *a,
                      const char *user)
{
    int64_t version = json_integer_value(json_object_get(doc, "Version")) + 1;
    json_t *type = a->type ? json_string(a->type) : json_incref(json_object_get(doc, "Type"));
    bool secure = type && strcmp(json_string_value(type), "SecureString") == 0;
    struct {
        const char *key;
        json_t *v;
    } f[] = {
        {"Type", type},
        {"_Value", json_string(a->value)},
        {"Version", json_integer(version)},
        {"Tier", json_string(a->tier ? a->tier : "Standard")},
        {"DataType", json_string(a->data_type ? a->data_type : "text")},
        {"LastModifiedDate", gf_local_now(ctx)},
        {"LastModifiedUser", json_string(user)},
    };
    size_t i;
    int rc = 0;

    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (rc == 0)
            rc = gf_local_set(doc, f[i].key, f[i].v);
        else
            json_decref(f[i].v);
    }
    if (rc == 0 && a->desc)
        rc = gf_local_set(doc, "Description", json_string(a->desc));
    if (rc == 0 && a->pattern)
        rc = gf_local_set(doc, "AllowedPattern", json_string(a->pattern));
    if (rc == 0 && secure)
        rc = gf_local_set(doc, "KeyId", json_string(a->key_id ? a->key_id : "alias/aws/ssm"));
    return rc;
}

/* Create (when *doc_io is NULL) or update the stored parameter. */
static int put_doc(json_t **doc_io, struct gf_local_ctx *ctx, const struct put_args *a)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT, user = GF_BUF_INIT;
    int rc;

    gf_buf_printf(&res, "parameter%s%s", a->name[0] == '/' ? "" : "/", a->name);
    gf_buf_printf(&user, "arn:aws:iam::%s:user/%s", ctx->account, ctx->access_key_id);
    rc = gf_buf_failed(&res) || gf_buf_failed(&user) ? gf_error_oom()
                                                      : gf_local_arn(&arn, ctx, SSM, true, res.ptr);
    if (rc == 0 && !*doc_io) {
        *doc_io = json_pack("{s:s,s:s,s:[],s:o}", "Name", a->name, "ARN", arn.ptr, "Policies",
                            "_Tags", a->tags ? json_deep_copy(a->tags) : json_array());
        if (!*doc_io)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = put_fields(*doc_io, ctx, a, user.ptr);
    gf_buf_release(&arn);
    gf_buf_release(&res);
    gf_buf_release(&user);
    return rc;
}

static int ssm_put_parameter(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct put_args a;
    json_t *doc = NULL;
    int rc = put_read(&a, ctx, input);

    if (rc == 0)
        rc = gf_local_db_get(&doc, ctx->db, SSM, T_PARAM, a.name, 0);
    if (rc == 0)
        rc = put_check(ctx, &a, doc);
    if (rc == 0)
        rc = put_doc(&doc, ctx, &a);
    if (rc == 0)
        rc = store(ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:O,s:O}", "Version", json_object_get(doc, "Version"), "Tier",
                         json_object_get(doc, "Tier"));
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

/* ---- reads ------------------------------------------------------------------------------ */

static int ssm_get_parameter(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    bool decrypt = false;
    int64_t version = 0;
    json_t *doc = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "Name", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_bool(&decrypt, ctx, input, "WithDecryption");
    if (rc == 0)
        rc = load(&doc, &version, ctx, name);
    if (rc == 0 && !doc)
        rc = gf_local_fail(ctx, 400, E_NOTFOUND, "Parameter %.2048s not found.", name);
    if (rc == 0 && version && version != json_integer_value(json_object_get(doc, "Version")))
        rc = gf_local_fail(ctx, 400, "ParameterVersionNotFound",
                           "Systems Manager could not find version of parameter %.2048s.", name);
    if (rc == 0) {
        *out = json_pack("{s:o}", "Parameter", parameter(doc, decrypt));
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

/* Append name's Parameter to found, or the name to invalid. */
static int get_one(json_t *found, json_t *invalid, struct gf_local_ctx *ctx, const json_t *name,
                   bool decrypt)
{
    json_t *doc = NULL;
    int64_t version = 0;
    int rc = json_is_string(name) ? load(&doc, &version, ctx, json_string_value(name)) : 0;

    if (rc == 0 && doc &&
        (!version || version == json_integer_value(json_object_get(doc, "Version"))))
        rc = json_array_append_new(found, parameter(doc, decrypt)) < 0 ? gf_error_oom() : 0;
    else if (rc == 0)
        rc = json_array_append(invalid, (json_t *)name) < 0 ? gf_error_oom() : 0;
    json_decref(doc);
    return rc;
}

static int ssm_get_parameters(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *names = NULL, *n;
    json_t *found = json_array(), *invalid = json_array();
    bool decrypt = false;
    size_t i;
    int rc;

    rc = gf_local_get_array(&names, ctx, input, "Names", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_bool(&decrypt, ctx, input, "WithDecryption");
    if (rc == 0 && (json_array_size(names) < 1 || json_array_size(names) > 10))
        rc = gf_local_fail(ctx, 400, E_VALIDATION, "Names must hold 1-10 names");
    if (rc == 0 && (!found || !invalid))
        rc = gf_error_oom();
    json_array_foreach(names, i, n) {
        if (rc == 0)
            rc = get_one(found, invalid, ctx, n, decrypt);
    }
    if (rc == 0) {
        *out = json_pack("{s:O,s:O}", "Parameters", found, "InvalidParameters", invalid);
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(found);
    json_decref(invalid);
    return rc;
}

/* ---- DescribeParameters ----------------------------------------------------------------- */

static bool value_matches(const char *have, const char *option, const json_t *values)
{
    size_t i;
    const json_t *v;

    json_array_foreach(values, i, v) {
        const char *want = json_string_value(v);

        if (!have || !want)
            continue;
        if (strcmp(option, "Equals") == 0 && strcmp(have, want) == 0)
            return true;
        if (strcmp(option, "BeginsWith") == 0 && strncmp(have, want, strlen(want)) == 0)
            return true;
        if (strcmp(option, "Contains") == 0 && strstr(have, want))
            return true;
    }
    return false;
}

/* Path filter: names under a path ("/a": "/a/x"; OneLevel: not "/a/x/y"). */
static bool path_matches(const char *name, const char *option, const json_t *values)
{
    size_t i;
    const json_t *v;

    json_array_foreach(values, i, v) {
        const char *p = json_string_value(v);
        size_t n = p ? strlen(p) : 0;

        while (n > 1 && p[n - 1] == '/')
            n--;
        if (!p || strncmp(name, p, n) != 0 || (n > 1 && name[n] != '/'))
            continue;
        if (strcmp(option, "Recursive") == 0 || !strchr(name + n + (n > 1), '/'))
            return true;
    }
    return false;
}

static bool tag_matches(const json_t *doc, const char *key, const json_t *values)
{
    size_t i;
    const json_t *t;

    json_array_foreach(json_object_get(doc, "_Tags"), i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));

        if (k && strcmp(k, key) == 0 &&
            (json_array_size(values) == 0 ||
             value_matches(json_string_value(json_object_get(t, "Value")), "Equals", values)))
            return true;
    }
    return false;
}

static bool doc_matches(const json_t *doc, const json_t *filters)
{
    size_t i;
    const json_t *f;

    json_array_foreach(filters, i, f) {
        const char *key = json_string_value(json_object_get(f, "Key"));
        const char *opt = json_string_value(json_object_get(f, "Option"));
        const json_t *values = json_object_get(f, "Values");
        bool ok;

        if (strncmp(key, "tag:", 4) == 0)
            ok = tag_matches(doc, key + 4, values);
        else if (strcmp(key, "Path") == 0)
            ok = path_matches(json_string_value(json_object_get(doc, "Name")),
                              opt ? opt : "OneLevel", values);
        else
            ok = value_matches(json_string_value(json_object_get(doc, key)),
                               opt ? opt : "Equals", values);
        if (!ok)
            return false;
    }
    return true;
}

static int check_filters(struct gf_local_ctx *ctx, const json_t *filters)
{
    size_t i;
    const json_t *f;

    json_array_foreach(filters, i, f) {
        const char *key = json_string_value(json_object_get(f, "Key"));
        const char *opt = json_string_value(json_object_get(f, "Option"));
        bool path = key && strcmp(key, "Path") == 0, name = key && strcmp(key, "Name") == 0;

        if (!key || (strncmp(key, "tag:", 4) != 0 && !path && !name &&
                     strcmp(key, "Type") != 0 && strcmp(key, "KeyId") != 0 &&
                     strcmp(key, "Tier") != 0 && strcmp(key, "DataType") != 0))
            return gf_local_fail(ctx, 400, "InvalidFilterKey",
                                 "The following filter key is not valid: %.132s",
                                 key ? key : "");
        if (opt && (path ? strcmp(opt, "Recursive") != 0 && strcmp(opt, "OneLevel") != 0
                         : strcmp(opt, "Equals") != 0 && strcmp(opt, "BeginsWith") != 0 &&
                               !(name && strcmp(opt, "Contains") == 0)))
            return gf_local_fail(ctx, 400, "InvalidFilterOption",
                                 "The following filter option is not valid: %.10s", opt);
        if (!json_is_array(json_object_get(f, "Values")) && strncmp(key, "tag:", 4) != 0)
            return gf_local_fail(ctx, 400, "InvalidFilterValue",
                                 "The following filter values are missing : null for filter "
                                 "key %.132s",
                                 key);
    }
    return 0;
}

static int ssm_describe_parameters(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SSM, T_PARAM, NULL, NULL, false, 0, INT32_MAX};
    const json_t *filters = NULL, *doc;
    json_t *docs = NULL, *list = json_array();
    int64_t limit = 0, offset = 0;
    bool more = false;
    size_t i, n = 0;
    int rc;

    rc = gf_local_get_array(&filters, ctx, input, "ParameterFilters", NULL);
    if (rc == 0)
        rc = check_filters(ctx, filters);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = gf_local_db_list(&docs, &more, ctx->db, &q);
    if (rc == 0 && !list)
        rc = gf_error_oom();
    json_array_foreach(docs, i, doc) {
        if (rc < 0 || !doc_matches(doc, filters))
            continue;
        if (n >= (size_t)offset && json_array_size(list) < (size_t)limit &&
            json_array_append_new(list, metadata(doc)) < 0)
            rc = gf_error_oom();
        n++;
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "Parameters", list);
        if (!*out)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, n > (size_t)offset + json_array_size(list), offset,
                               json_array_size(list));
    json_decref(list);
    json_decref(docs);
    return rc;
}

/* ---- deletes and tags ------------------------------------------------------------------- */

static int delete_name(bool *deleted_out, struct gf_local_ctx *ctx, const char *ref)
{
    char name[2100];

    *deleted_out = false;
    if (gf_ssm_parameter_name(name, sizeof(name), NULL, 0, ref) < 0)
        return 0;
    return gf_local_db_delete(deleted_out, ctx->db, SSM, T_PARAM, name, 0);
}

static int ssm_delete_parameter(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    bool deleted = false;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "Name", E_VALIDATION);
    if (rc == 0)
        rc = delete_name(&deleted, ctx, name);
    if (rc == 0 && !deleted)
        rc = gf_local_fail(ctx, 400, E_NOTFOUND, "Parameter %.2048s not found.", name);
    return rc;
}

static int ssm_delete_parameters(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *names = NULL, *n;
    json_t *gone = json_array(), *invalid = json_array();
    bool deleted;
    size_t i;
    int rc;

    rc = gf_local_get_array(&names, ctx, input, "Names", E_VALIDATION);
    if (rc == 0 && (json_array_size(names) < 1 || json_array_size(names) > 10))
        rc = gf_local_fail(ctx, 400, E_VALIDATION, "Names must hold 1-10 names");
    if (rc == 0 && (!gone || !invalid))
        rc = gf_error_oom();
    json_array_foreach(names, i, n) {
        if (rc < 0)
            break;
        deleted = false;
        if (json_is_string(n))
            rc = delete_name(&deleted, ctx, json_string_value(n));
        if (rc == 0 && json_array_append(deleted ? gone : invalid, (json_t *)n) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0) {
        *out = json_pack("{s:O,s:O}", "DeletedParameters", gone, "InvalidParameters", invalid);
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(gone);
    json_decref(invalid);
    return rc;
}

/* The parameter a tagging call names (ResourceType Parameter, ResourceId its name). */
static int tag_target(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *type = NULL, *id = NULL;
    int64_t version;
    int rc;

    *out = NULL;
    rc = gf_local_get_string(&type, ctx, input, "ResourceType", E_VALIDATION);
    if (rc == 0)
        rc = gf_local_get_string(&id, ctx, input, "ResourceId", E_VALIDATION);
    if (rc == 0 && strcmp(type, "Parameter") != 0)
        rc = gf_local_fail(ctx, 400, "InvalidResourceType",
                           "local-aws tags only resources of type Parameter");
    if (rc == 0)
        rc = load(out, &version, ctx, id);
    if (rc == 0 && !*out)
        rc = gf_local_fail(ctx, 400, "InvalidResourceId", "The resource ID \"%.2048s\" is not "
                                                          "valid. Verify the ID and try again.",
                           id);
    return rc;
}

static int ssm_add_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tags = NULL, *t;
    json_t *doc = NULL, *have, *h;
    size_t i, j;
    int rc;

    (void)out;
    rc = gf_local_get_array(&tags, ctx, input, "Tags", E_VALIDATION);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = tag_target(&doc, ctx, input);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "_Tags");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));

        json_array_foreach(have, j, h) {
            if (strcmp(json_string_value(json_object_get(h, "Key")), k) == 0) {
                json_array_remove(have, j);
                break;
            }
        }
        if (json_array_append(have, (json_t *)t) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0 && json_array_size(have) > 50)
        rc = gf_local_fail(ctx, 400, "TooManyTagsError", "a parameter takes at most 50 tags");
    if (rc == 0)
        rc = store(ctx, doc);
out:
    json_decref(doc);
    return rc;
}

static int ssm_list_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = tag_target(&doc, ctx, input);

    if (rc == 0) {
        *out = json_pack("{s:O}", "TagList", json_object_get(doc, "_Tags"));
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int ssm_remove_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *keys = NULL;
    json_t *doc = NULL, *have;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_VALIDATION);
    if (rc == 0)
        rc = tag_target(&doc, ctx, input);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "_Tags");
    for (i = json_array_size(have); i > 0; i--) {
        const char *k = json_string_value(json_object_get(json_array_get(have, i - 1), "Key"));

        if (gf_local_array_has_string(keys, k))
            json_array_remove(have, i - 1);
    }
    rc = store(ctx, doc);
out:
    json_decref(doc);
    return rc;
}

/* ---- the compose hook --------------------------------------------------------------------- */

int gf_local_ssm_value(char **value_out, struct gf_local_ctx *ctx, const char *ref)
{
    json_t *doc = NULL;
    int64_t version = 0;
    int rc;

    *value_out = NULL;
    rc = load(&doc, &version, ctx, ref);
    if (rc < 0)
        return rc;
    if (!doc || (version && version != json_integer_value(json_object_get(doc, "Version")))) {
        json_decref(doc);
        return gf_error_set(GF_ENOTFOUND, "parameter '%.512s' does not exist", ref);
    }
    *value_out = gf_strdup(json_string_value(json_object_get(doc, "_Value")));
    json_decref(doc);
    return *value_out ? 0 : gf_error_oom();
}

static const struct gf_local_op s_ssm_ops[] = {
    {"PutParameter", ssm_put_parameter},
    {"GetParameter", ssm_get_parameter},
    {"GetParameters", ssm_get_parameters},
    {"DescribeParameters", ssm_describe_parameters},
    {"DeleteParameter", ssm_delete_parameter},
    {"DeleteParameters", ssm_delete_parameters},
    {"AddTagsToResource", ssm_add_tags},
    {"ListTagsForResource", ssm_list_tags},
    {"RemoveTagsFromResource", ssm_remove_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_ssm = {&gf_aws_ssm, s_ssm_ops};
