/* SPDX-License-Identifier: Apache-2.0 */
/* svc_logs.c: local-aws's CloudWatch Logs (json 1.1, reference/aws-protocols.md §7.7, botocore
 * logs/2014-03-28): log groups with retention and tags, streams, events (one row each, so a
 * long-running task's output is appended, not rewritten), GetLogEvents' forward/backward tokens
 * and FilterLogEvents; plus the hook gf_local_logs_put through which ECS's tasks write. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC         "logs"
#define T_GROUP     "log-group"
#define T_STREAM    "log-stream"
#define T_EVENT     "log-event"
#define E_PARAM     "InvalidParameterException"
#define E_NOTFOUND  "ResourceNotFoundException"
#define E_EXISTS    "ResourceAlreadyExistsException"
#define E_TAGS      "TooManyTagsException"
#define NAME_MAX_   512
#define KEY_MAX     (2 * NAME_MAX_ + 2)
#define ALL_ROWS    100000000
#define MAX_TAGS    50
#define DAY_MS      (24LL * 3600 * 1000)
#define EVENT_BYTES 26 /* AWS counts each event's message plus 26 bytes */
#define MAX_BATCH   1048576

/* ---- names, documents, rows ------------------------------------------------------------- */

/* Log group names: 1-512 of [.-_/#A-Za-z0-9]. */
static bool valid_group_name(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 1 || n > NAME_MAX_)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr(".-_/#", c)))
            return false;
    }
    return true;
}

/* Log stream names: 1-512, no ':' and no '*'. */
static bool valid_stream_name(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= NAME_MAX_ && !strchr(s, ':') && !strchr(s, '*');
}

static int fail_pattern(struct gf_local_ctx *ctx, const char *value, const char *member,
                        const char *pattern)
{
    return gf_local_fail(ctx, 400, E_PARAM,
                         "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: %s",
                         value, member, pattern);
}

static int no_group(struct gf_local_ctx *ctx)
{
    return gf_local_fail(ctx, 400, E_NOTFOUND, "The specified log group does not exist.");
}

static int no_stream(struct gf_local_ctx *ctx)
{
    return gf_local_fail(ctx, 400, E_NOTFOUND, "The specified log stream does not exist.");
}

/* "GROUP:STREAM", the row name of a stream and of its events (':' is in neither name). */
static void stream_key(char out[KEY_MAX], const char *group, const char *stream)
{
    snprintf(out, KEY_MAX, "%s:%s", group, stream);
}

/* The document without our own members (those starting with '_'). New reference. */
static json_t *public_doc(const json_t *doc)
{
    json_t *copy = json_copy((json_t *)(uintptr_t)doc);
    const char *key;
    json_t *v;
    void *tmp;

    if (!copy)
        return NULL;
    json_object_foreach_safe(copy, tmp, key, v) {
        if (key[0] == '_')
            json_object_del(copy, key);
    }
    return copy;
}

static int put_row(struct gf_local_ctx *ctx, const char *type, const char *name, int64_t version,
                   const char *arn, const json_t *doc)
{
    struct gf_local_res res = {SVC, type, name, version, arn, "ACTIVE", doc};

    return gf_local_db_put(ctx->db, &res);
}

static int put_group(struct gf_local_ctx *ctx, const json_t *g)
{
    return put_row(ctx, T_GROUP, json_string_value(json_object_get(g, "logGroupName")), 0,
                   json_string_value(json_object_get(g, "logGroupArn")), g);
}

static int put_stream(struct gf_local_ctx *ctx, const char *group, const json_t *s)
{
    char key[KEY_MAX];

    stream_key(key, group, json_string_value(json_object_get(s, "logStreamName")));
    return put_row(ctx, T_STREAM, key, 0, json_string_value(json_object_get(s, "arn")), s);
}

/* The group's document into *out; ResourceNotFoundException when absent. */
static int load_group(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    int rc = gf_local_db_get(out, ctx->db, SVC, T_GROUP, name, 0);

    if (rc == 0 && !*out)
        return no_group(ctx);
    return rc;
}

static int load_stream(json_t **out, struct gf_local_ctx *ctx, const char *group,
                       const char *stream)
{
    char key[KEY_MAX];
    int rc;

    stream_key(key, group, stream);
    rc = gf_local_db_get(out, ctx->db, SVC, T_STREAM, key, 0);
    if (rc == 0 && !*out)
        return no_stream(ctx);
    return rc;
}

/* Every row of `type` (name: only that one; NULL: all), in name/version order. */
static int list_rows(json_t **out, struct gf_local_ctx *ctx, const char *type, const char *name)
{
    struct gf_local_list q = {SVC, type, name, NULL, false, 0, ALL_ROWS};
    bool more = false;

    return gf_local_db_list(out, &more, ctx->db, &q);
}

/* The group named by logGroupName, or logGroupIdentifier (a name or an ARN, with or without
 * ":*"), into out; "" when neither is given and not required. */
static int group_ref(char out[NAME_MAX_ + 1], struct gf_local_ctx *ctx, const json_t *input,
                     bool required)
{
    const char *name = NULL, *ident = NULL;
    size_t n;
    int rc;

    out[0] = '\0';
    rc = gf_local_get_string(&name, ctx, input, "logGroupName", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&ident, ctx, input, "logGroupIdentifier", NULL);
    if (rc < 0)
        return rc;
    if (name && ident)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "LogGroup name and LogGroup identifier are mutually exclusive");
    if (ident)
        name = gf_local_ref_name(ident, ":log-group:");
    if (!name)
        return required ? gf_local_fail(ctx, 400, E_PARAM,
                                        "Should provide either logGroupName or "
                                        "logGroupIdentifier.")
                        : 0;
    n = strlen(name);
    if (ident && n >= 2 && strcmp(name + n - 2, ":*") == 0)
        n -= 2;
    if (n > NAME_MAX_)
        return fail_pattern(ctx, name, "logGroupName", "[\\.\\-_/#A-Za-z0-9]+");
    snprintf(out, NAME_MAX_ + 1, "%.*s", (int)n, name);
    return 0;
}

/* ---- paging over a filtered array ------------------------------------------------------- */

/* Put items[offset, offset+limit) under `key` in out, with a nextToken when more remain. */
static int page_out(json_t *out, const char *key, const json_t *items, int64_t limit,
                    int64_t offset)
{
    static const struct gf_local_page s_page = {"limit", "nextToken", "nextToken", 50, E_PARAM};
    json_t *page = json_array();
    size_t i, n = json_array_size(items);

    if (!page)
        return gf_error_oom();
    for (i = (size_t)offset; i < n && i < (size_t)(offset + limit); i++)
        json_array_append(page, json_array_get(items, i));
    if (gf_local_set(out, key, page) < 0)
        return gf_error_oom();
    return gf_local_page_set(out, &s_page, (size_t)(offset + limit) < n, offset,
                             (size_t)limit);
}

static int get_page(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                    const json_t *input, int64_t max)
{
    struct gf_local_page page = {"limit", "nextToken", "nextToken", max, E_PARAM};

    return gf_local_page_get(limit_out, offset_out, ctx, input, &page);
}

/* ---- tags ------------------------------------------------------------------------------- */

/* Check a tags map: 1-50 entries, keys 1-128, values 0-256 strings. */
static int check_tags(struct gf_local_ctx *ctx, const json_t *tags, const char *member)
{
    const char *k;
    const json_t *v;

    if (json_object_size(tags) < 1)
        return gf_local_fail(ctx, 400, E_PARAM, "%s must have at least 1 entry", member);
    json_object_foreach((json_t *)(uintptr_t)tags, k, v) {
        if (strlen(k) < 1 || strlen(k) > 128)
            return gf_local_fail(ctx, 400, E_PARAM, "Tag key '%s' must be 1 to 128 long", k);
        if (!json_is_string(v) || json_string_length(v) > 256)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Tag value of '%s' must be a string of 0 to 256", k);
    }
    return 0;
}

/* Merge tags into the group's "_tags"; TooManyTagsException past 50. */
static int add_tags(struct gf_local_ctx *ctx, json_t *group, const json_t *tags)
{
    json_t *have = json_object_get(group, "_tags");
    json_t *merged = json_copy(have ? have : json_object());

    if (!merged || json_object_update(merged, (json_t *)(uintptr_t)tags) < 0) {
        json_decref(merged);
        return gf_error_oom();
    }
    if (json_object_size(merged) > MAX_TAGS) {
        json_decref(merged);
        return gf_local_fail(ctx, 400, E_TAGS, "A resource can have no more than %d tags.",
                             MAX_TAGS);
    }
    return gf_local_set(group, "_tags", merged);
}

static int remove_tags(json_t *group, const json_t *keys)
{
    json_t *have = json_object_get(group, "_tags");
    const json_t *k;
    size_t i;

    json_array_foreach(keys, i, k) {
        if (json_is_string(k) && have)
            json_object_del(have, json_string_value(k));
    }
    return 0;
}

/* The group named by a TagResource-style ARN "arn:aws:logs:R:A:log-group:NAME[:*]". */
static int group_by_arn(json_t **out, struct gf_local_ctx *ctx, const char *arn)
{
    struct gf_buf want = GF_BUF_INIT;
    char name[NAME_MAX_ + 1];
    const char *n = gf_local_ref_name(arn, ":log-group:");
    size_t len = strlen(n);
    int rc;

    *out = NULL;
    if (strncmp(arn, "arn:", 4) != 0 || n == arn)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid resourceArn: %s", arn);
    if (len >= 2 && strcmp(n + len - 2, ":*") == 0)
        len -= 2;
    snprintf(name, sizeof(name), "%.*s", (int)(len > NAME_MAX_ ? NAME_MAX_ : len), n);
    rc = gf_local_arn(&want, ctx, SVC, true, "log-group:");
    if (rc == 0 && strncmp(arn, want.ptr, want.len) != 0)
        rc = gf_local_fail(ctx, 400, E_NOTFOUND, "The specified resource does not exist.");
    if (rc == 0)
        rc = load_group(out, ctx, name);
    gf_buf_release(&want);
    return rc;
}

/* ---- log groups ------------------------------------------------------------------------- */

static int new_group(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *g = NULL;
    int rc;

    *out = NULL;
    rc = gf_local_arn(&arn, ctx, SVC, true, "log-group:");
    if (rc == 0)
        rc = gf_buf_puts(&arn, name);
    if (rc < 0)
        goto out;
    g = json_pack("{s:s,s:I,s:i,s:s+,s:s,s:I,s:s,s:{}}", "logGroupName", name, "creationTime",
                  (json_int_t)ctx->now_ms, "metricFilterCount", 0, "arn", arn.ptr, ":*",
                  "logGroupArn", arn.ptr, "storedBytes", (json_int_t)0, "logGroupClass",
                  "STANDARD", "_tags");
    rc = g ? 0 : gf_error_oom();
out:
    gf_buf_release(&arn);
    *out = g;
    return rc;
}

static int check_class(struct gf_local_ctx *ctx, const char *cls)
{
    if (!cls || !strcmp(cls, "STANDARD") || !strcmp(cls, "INFREQUENT_ACCESS") ||
        !strcmp(cls, "DELIVERY"))
        return 0;
    return gf_local_fail(ctx, 400, E_PARAM,
                         "1 validation error detected: Value '%s' at 'logGroupClass' failed to "
                         "satisfy constraint: Member must satisfy enum value set: [STANDARD, "
                         "INFREQUENT_ACCESS, DELIVERY]",
                         cls);
}

static int op_create_log_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *kms = NULL, *cls = NULL;
    const json_t *tags = NULL;
    json_t *g = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&kms, ctx, input, "kmsKeyId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&cls, ctx, input, "logGroupClass", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&tags, ctx, input, "tags", NULL);
    if (rc < 0)
        return rc;
    if (!valid_group_name(name))
        return fail_pattern(ctx, name, "logGroupName", "[\\.\\-_/#A-Za-z0-9]+");
    rc = check_class(ctx, cls);
    if (rc == 0 && tags)
        rc = check_tags(ctx, tags, "tags");
    if (rc == 0)
        rc = gf_local_db_get(&g, ctx->db, SVC, T_GROUP, name, 0);
    if (rc == 0 && g)
        rc = gf_local_fail(ctx, 400, E_EXISTS, "The specified log group already exists");
    json_decref(g);
    g = NULL;
    if (rc == 0)
        rc = new_group(&g, ctx, name);
    if (rc == 0 && cls)
        rc = gf_local_set(g, "logGroupClass", json_string(cls));
    if (rc == 0 && kms)
        rc = gf_local_set(g, "kmsKeyId", json_string(kms));
    if (rc == 0 && tags)
        rc = add_tags(ctx, g, tags);
    if (rc == 0)
        rc = put_group(ctx, g);
    json_decref(g);
    return rc;
}

/* Delete every event row and the stream row of one stream. */
static int drop_stream(struct gf_local_ctx *ctx, const char *key)
{
    bool deleted;
    int64_t max = 0, max_active = 0, v;
    int rc;

    rc = gf_local_db_max_version(&max, &max_active, ctx->db, SVC, T_EVENT, key);
    for (v = 1; rc == 0 && v <= max; v++)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_EVENT, key, v);
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_STREAM, key, 0);
    return rc;
}

static int op_delete_log_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *g = NULL, *streams = NULL;
    const json_t *s;
    char key[KEY_MAX];
    bool deleted;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, name);
    if (rc == 0 && json_is_true(json_object_get(g, "deletionProtectionEnabled")))
        rc = gf_local_fail(ctx, 400, "ValidationException",
                           "Log group %s has deletion protection enabled", name);
    if (rc == 0)
        rc = list_rows(&streams, ctx, T_STREAM, NULL);
    json_array_foreach(streams, i, s) {
        if (rc < 0)
            break;
        if (strcmp(json_string_value(json_object_get(s, "_group")), name) != 0)
            continue;
        stream_key(key, name, json_string_value(json_object_get(s, "logStreamName")));
        rc = drop_stream(ctx, key);
    }
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_GROUP, name, 0);
    json_decref(g);
    json_decref(streams);
    return rc;
}

static int op_describe_log_groups(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *prefix = NULL, *pattern = NULL;
    json_t *all = NULL, *match = json_array();
    const json_t *g;
    int64_t limit = 0, offset = 0;
    size_t i;
    int rc;

    rc = match ? 0 : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&prefix, ctx, input, "logGroupNamePrefix", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&pattern, ctx, input, "logGroupNamePattern", NULL);
    if (rc == 0 && prefix && pattern)
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "LogGroup name prefix and LogGroup name pattern are mutually "
                           "exclusive parameters.");
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input, 50);
    if (rc == 0)
        rc = list_rows(&all, ctx, T_GROUP, NULL);
    json_array_foreach(all, i, g) {
        const char *n = json_string_value(json_object_get(g, "logGroupName"));

        if (rc < 0 || !n || (prefix && strncmp(n, prefix, strlen(prefix)) != 0) ||
            (pattern && !strstr(n, pattern)))
            continue;
        rc = json_array_append_new(match, public_doc(g)) < 0 ? gf_error_oom() : 0;
    }
    if (rc == 0) {
        *out = json_object();
        rc = *out ? page_out(*out, "logGroups", match, limit, offset) : gf_error_oom();
    }
    json_decref(all);
    json_decref(match);
    return rc;
}

/* AWS's allowed retention periods (PutRetentionPolicy). */
static bool valid_retention(int64_t days)
{
    static const int s_days[] = {1,   3,   5,   7,    14,   30,   60,   90,   120,  150,  180,
                                 365, 400, 545, 731,  1096, 1827, 2192, 2557, 2922, 3288, 3653};
    size_t i;

    for (i = 0; i < sizeof(s_days) / sizeof(s_days[0]); i++) {
        if (s_days[i] == days)
            return true;
    }
    return false;
}

static int op_put_retention_policy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    int64_t days = 0;
    json_t *g = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_int(&days, NULL, ctx, input, "retentionInDays", E_PARAM);
    if (rc == 0 && !valid_retention(days))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "1 validation error detected: Value '%" PRId64 "' at "
                           "'retentionInDays' failed to satisfy constraint: Member must satisfy "
                           "enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, "
                           "400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
                           days);
    if (rc == 0)
        rc = load_group(&g, ctx, name);
    if (rc == 0)
        rc = gf_local_set(g, "retentionInDays", json_integer(days));
    if (rc == 0)
        rc = put_group(ctx, g);
    json_decref(g);
    return rc;
}

static int op_delete_retention_policy(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    const char *name = NULL;
    json_t *g = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, name);
    if (rc == 0) {
        json_object_del(g, "retentionInDays");
        rc = put_group(ctx, g);
    }
    json_decref(g);
    return rc;
}

/* ---- tagging ---------------------------------------------------------------------------- */

/* Load the group, apply tags (add) or keys (remove), store it. */
static int retag(struct gf_local_ctx *ctx, json_t *g, const json_t *tags, const json_t *keys)
{
    int rc = 0;

    if (tags)
        rc = check_tags(ctx, tags, "tags");
    if (rc == 0 && tags)
        rc = add_tags(ctx, g, tags);
    if (rc == 0 && keys)
        rc = remove_tags(g, keys);
    if (rc == 0)
        rc = put_group(ctx, g);
    return rc;
}

static int tags_out(json_t **out, const json_t *g)
{
    const json_t *tags = json_object_get(g, "_tags");

    *out = json_pack("{s:o}", "tags", tags ? json_deep_copy(tags) : json_object());
    return *out ? 0 : gf_error_oom();
}

static int op_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    const json_t *tags = NULL;
    json_t *g = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&arn, ctx, input, "resourceArn", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_object(&tags, ctx, input, "tags", E_PARAM);
    if (rc == 0)
        rc = group_by_arn(&g, ctx, arn);
    if (rc == 0)
        rc = retag(ctx, g, tags, NULL);
    json_decref(g);
    return rc;
}

static int op_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    const json_t *keys = NULL;
    json_t *g = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&arn, ctx, input, "resourceArn", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_array(&keys, ctx, input, "tagKeys", E_PARAM);
    if (rc == 0)
        rc = group_by_arn(&g, ctx, arn);
    if (rc == 0)
        rc = retag(ctx, g, NULL, keys);
    json_decref(g);
    return rc;
}

static int op_list_tags_for_resource(json_t **out, struct gf_local_ctx *ctx,
                                     const json_t *input)
{
    const char *arn = NULL;
    json_t *g = NULL;
    int rc;

    rc = gf_local_get_string(&arn, ctx, input, "resourceArn", E_PARAM);
    if (rc == 0)
        rc = group_by_arn(&g, ctx, arn);
    if (rc == 0)
        rc = tags_out(out, g);
    json_decref(g);
    return rc;
}

/* TagLogGroup / UntagLogGroup (deprecated, by name; UntagLogGroup's `tags` is a key list). */
static int tag_log_group(struct gf_local_ctx *ctx, const json_t *input, bool untag)
{
    const char *name = NULL;
    const json_t *tags = NULL, *keys = NULL;
    json_t *g = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0 && untag)
        rc = gf_local_get_array(&keys, ctx, input, "tags", E_PARAM);
    else if (rc == 0)
        rc = gf_local_get_object(&tags, ctx, input, "tags", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, name);
    if (rc == 0)
        rc = retag(ctx, g, tags, keys);
    json_decref(g);
    return rc;
}

static int op_tag_log_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tag_log_group(ctx, input, false);
}

static int op_untag_log_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tag_log_group(ctx, input, true);
}

static int op_list_tags_log_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *g = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, name);
    if (rc == 0)
        rc = tags_out(out, g);
    json_decref(g);
    return rc;
}

/* ---- streams ---------------------------------------------------------------------------- */

static int new_stream(json_t **out, struct gf_local_ctx *ctx, const json_t *group,
                      const char *stream)
{
    const char *garn = json_string_value(json_object_get(group, "logGroupArn"));

    *out = json_pack("{s:s,s:I,s:s++,s:I,s:s}", "logStreamName", stream, "creationTime",
                     (json_int_t)ctx->now_ms, "arn", garn, ":log-stream:", stream, "storedBytes",
                     (json_int_t)0, "_group",
                     json_string_value(json_object_get(group, "logGroupName")));
    return *out ? 0 : gf_error_oom();
}

static int op_create_log_stream(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *group = NULL, *stream = NULL;
    json_t *g = NULL, *s = NULL;
    char key[KEY_MAX];
    int rc;

    (void)out;
    rc = gf_local_get_string(&group, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&stream, ctx, input, "logStreamName", E_PARAM);
    if (rc == 0 && !valid_stream_name(stream))
        rc = fail_pattern(ctx, stream, "logStreamName", "[^:*]*");
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0) {
        stream_key(key, group, stream);
        rc = gf_local_db_get(&s, ctx->db, SVC, T_STREAM, key, 0);
    }
    if (rc == 0 && s)
        rc = gf_local_fail(ctx, 400, E_EXISTS, "The specified log stream already exists");
    json_decref(s);
    s = NULL;
    if (rc == 0)
        rc = new_stream(&s, ctx, g, stream);
    if (rc == 0)
        rc = put_stream(ctx, group, s);
    json_decref(g);
    json_decref(s);
    return rc;
}

static int op_delete_log_stream(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *group = NULL, *stream = NULL;
    json_t *g = NULL, *s = NULL;
    char key[KEY_MAX];
    int rc;

    (void)out;
    rc = gf_local_get_string(&group, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&stream, ctx, input, "logStreamName", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0)
        rc = load_stream(&s, ctx, group, stream);
    if (rc == 0) {
        stream_key(key, group, stream);
        rc = drop_stream(ctx, key);
    }
    json_decref(g);
    json_decref(s);
    return rc;
}

/* The streams of `group` (documents as stored), in name order. */
static int group_streams(json_t **out, struct gf_local_ctx *ctx, const char *group)
{
    json_t *all = NULL;
    const json_t *s;
    size_t i;
    int rc;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    rc = list_rows(&all, ctx, T_STREAM, NULL);
    json_array_foreach(all, i, s) {
        const char *g = json_string_value(json_object_get(s, "_group"));

        if (rc == 0 && g && strcmp(g, group) == 0)
            rc = json_array_append(*out, (json_t *)(uintptr_t)s) < 0 ? gf_error_oom() : 0;
    }
    json_decref(all);
    return rc;
}

static int64_t last_event(const json_t *s)
{
    const json_t *v = json_object_get(s, "lastEventTimestamp");

    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static int cmp_last_event(const void *a, const void *b)
{
    int64_t x = last_event(*(json_t *const *)a), y = last_event(*(json_t *const *)b);

    return x < y ? -1 : x > y;
}

/* Sort a JSON array in place by lastEventTimestamp (stable for equal keys is not needed). */
static int sort_by_last_event(json_t *arr)
{
    size_t n = json_array_size(arr), i;
    json_t **items;

    if (n < 2)
        return 0;
    items = gf_calloc(n, sizeof(json_t *));
    if (!items)
        return gf_error_oom();
    for (i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(arr, i));
    qsort(items, n, sizeof(json_t *), cmp_last_event);
    json_array_clear(arr);
    for (i = 0; i < n; i++)
        json_array_append_new(arr, items[i]);
    gf_free(items);
    return 0;
}

static int reverse(json_t *arr)
{
    size_t n = json_array_size(arr), i;

    for (i = 0; i < n / 2; i++) {
        json_t *a = json_incref(json_array_get(arr, i));
        json_t *b = json_incref(json_array_get(arr, n - 1 - i));

        json_array_set_new(arr, i, b);
        json_array_set_new(arr, n - 1 - i, a);
    }
    return 0;
}

/* Check orderBy and its clash with a prefix; *by_time_out when LastEventTime. */
static int stream_order(bool *by_time_out, struct gf_local_ctx *ctx, const char *order_by,
                        const char *prefix)
{
    *by_time_out = false;
    if (!order_by || strcmp(order_by, "LogStreamName") == 0)
        return 0;
    if (strcmp(order_by, "LastEventTime") != 0)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "1 validation error detected: Value '%s' at 'orderBy' failed to "
                             "satisfy constraint: Member must satisfy enum value set: "
                             "[LogStreamName, LastEventTime]",
                             order_by);
    if (prefix)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Cannot order by LastEventTime with a logStreamNamePrefix.");
    *by_time_out = true;
    return 0;
}

static int select_streams(json_t *match, const json_t *streams, const char *prefix)
{
    const json_t *s;
    size_t i;

    json_array_foreach(streams, i, s) {
        const char *n = json_string_value(json_object_get(s, "logStreamName"));

        if (prefix && strncmp(n, prefix, strlen(prefix)) != 0)
            continue;
        if (json_array_append_new(match, public_doc(s)) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int op_describe_log_streams(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    char group[NAME_MAX_ + 1];
    const char *prefix = NULL, *order_by = NULL;
    bool descending = false, by_time = false;
    json_t *g = NULL, *streams = NULL, *match = json_array();
    int64_t limit = 0, offset = 0;
    int rc;

    rc = match ? group_ref(group, ctx, input, true) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&prefix, ctx, input, "logStreamNamePrefix", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&order_by, ctx, input, "orderBy", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&descending, ctx, input, "descending");
    if (rc == 0)
        rc = stream_order(&by_time, ctx, order_by, prefix);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input, 50);
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0)
        rc = group_streams(&streams, ctx, group);
    if (rc == 0)
        rc = select_streams(match, streams, prefix);
    if (rc == 0 && by_time)
        rc = sort_by_last_event(match);
    if (rc == 0 && descending)
        rc = reverse(match);
    if (rc == 0) {
        *out = json_object();
        rc = *out ? page_out(*out, "logStreams", match, limit, offset) : gf_error_oom();
    }
    json_decref(g);
    json_decref(streams);
    json_decref(match);
    return rc;
}

/* ---- events ----------------------------------------------------------------------------- */

/* Append one event row to the stream and update the stream's and group's figures. */
static int append_event(struct gf_local_ctx *ctx, json_t *g, json_t *s, const char *key,
                        int64_t ts, const char *message)
{
    struct gf_buf arn = GF_BUF_INIT;
    int64_t seq = 0, active = 0;
    json_t *ev = NULL;
    int64_t bytes = (int64_t)strlen(message);
    int rc;

    rc = gf_local_db_max_version(&seq, &active, ctx->db, SVC, T_EVENT, key);
    seq++;
    gf_buf_printf(&arn, "%s:event:%" PRId64, json_string_value(json_object_get(s, "arn")), seq);
    ev = json_pack("{s:I,s:s,s:I}", "timestamp", (json_int_t)ts, "message", message,
                   "ingestionTime", (json_int_t)ctx->now_ms);
    if (rc == 0 && (!ev || gf_buf_failed(&arn)))
        rc = gf_error_oom();
    if (rc == 0)
        rc = put_row(ctx, T_EVENT, key, seq, arn.ptr, ev);
    if (rc == 0 && (!json_object_get(s, "firstEventTimestamp") ||
                    ts < json_integer_value(json_object_get(s, "firstEventTimestamp"))))
        rc = gf_local_set(s, "firstEventTimestamp", json_integer(ts));
    if (rc == 0 && ts >= last_event(s))
        rc = gf_local_set(s, "lastEventTimestamp", json_integer(ts));
    if (rc == 0)
        rc = gf_local_set(s, "lastIngestionTime", json_integer(ctx->now_ms));
    if (rc == 0)
        rc = gf_local_set(s, "uploadSequenceToken", json_sprintf("%049" PRId64, seq + 1));
    if (rc == 0)
        rc = gf_local_set(g, "storedBytes",
                          json_integer(json_integer_value(json_object_get(g, "storedBytes")) +
                                       bytes));
    json_decref(ev);
    gf_buf_release(&arn);
    return rc;
}

int gf_local_logs_put(struct gf_local_ctx *ctx, const char *group, const char *stream,
                      const char *message)
{
    json_t *g = NULL, *s = NULL;
    char key[KEY_MAX];
    int rc;

    rc = gf_local_db_get(&g, ctx->db, SVC, T_GROUP, group, 0);
    if (rc == 0 && !g)
        rc = gf_error_set(GF_ENOTFOUND, "log group '%s' does not exist", group);
    if (rc == 0 && !valid_stream_name(stream))
        rc = gf_error_set(GF_EINVALID, "'%s' is not a valid log stream name", stream);
    if (rc < 0)
        goto out;
    stream_key(key, group, stream);
    rc = gf_local_db_get(&s, ctx->db, SVC, T_STREAM, key, 0);
    if (rc == 0 && !s)
        rc = new_stream(&s, ctx, g, stream);
    if (rc == 0)
        rc = append_event(ctx, g, s, key, ctx->now_ms, message && *message ? message : " ");
    if (rc == 0)
        rc = put_stream(ctx, group, s);
    if (rc == 0)
        rc = put_group(ctx, g);
out:
    json_decref(g);
    json_decref(s);
    return rc;
}

/* Where each event of a PutLogEvents batch stands. */
struct verdicts {
    int64_t too_new_start; /* -1: none */
    int64_t too_old_end;   /* 0: none (exclusive) */
    int64_t expired_end;   /* 0: none (exclusive) */
};

static bool event_ok(int64_t i, const struct verdicts *v)
{
    return i >= v->too_old_end && i >= v->expired_end &&
           (v->too_new_start < 0 || i < v->too_new_start);
}

/* Check a batch: each event {timestamp, message}, chronological, within 24 h and 1 MiB; and
 * classify events too new (> 2 h ahead), too old (> 14 days) or past the group's retention. */
static int check_batch(struct verdicts *v, struct gf_local_ctx *ctx, const json_t *events,
                       int64_t retention_days)
{
    int64_t prev = INT64_MIN, first = 0, bytes = 0;
    const json_t *ev;
    size_t i, n = json_array_size(events);

    v->too_new_start = -1;
    v->too_old_end = v->expired_end = 0;
    if (n < 1 || n > 10000)
        return gf_local_fail(ctx, 400, E_PARAM, "logEvents must have 1 to 10000 events");
    json_array_foreach(events, i, ev) {
        const json_t *ts = json_object_get(ev, "timestamp");
        const json_t *msg = json_object_get(ev, "message");
        int64_t t;

        if (!json_is_integer(ts) || !json_is_string(msg) || json_string_length(msg) < 1)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "logEvents.%zu must have a timestamp and a non-empty message",
                                 i + 1);
        t = json_integer_value(ts);
        if (t < prev)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Log events in a single PutLogEvents request must be in "
                                 "chronological order.");
        if (i == 0)
            first = t;
        if (t - first > DAY_MS)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "The batch of log events in a single PutLogEvents request "
                                 "cannot span more than 24 hours.");
        prev = t;
        bytes += (int64_t)json_string_length(msg) + EVENT_BYTES;
        if (t > ctx->now_ms + 2LL * 3600 * 1000 && v->too_new_start < 0)
            v->too_new_start = (int64_t)i;
        if (t < ctx->now_ms - 14 * DAY_MS)
            v->too_old_end = (int64_t)i + 1;
        else if (retention_days > 0 && t < ctx->now_ms - retention_days * DAY_MS)
            v->expired_end = (int64_t)i + 1;
    }
    if (bytes > MAX_BATCH)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Log event batch size %" PRId64 " exceeds %d bytes", bytes,
                             MAX_BATCH);
    return 0;
}

static int rejected_info(json_t *out, const struct verdicts *v)
{
    json_t *info;

    if (v->too_new_start < 0 && !v->too_old_end && !v->expired_end)
        return 0;
    info = json_object();
    if (!info)
        return gf_error_oom();
    if (v->too_new_start >= 0)
        json_object_set_new(info, "tooNewLogEventStartIndex", json_integer(v->too_new_start));
    if (v->too_old_end)
        json_object_set_new(info, "tooOldLogEventEndIndex", json_integer(v->too_old_end));
    if (v->expired_end)
        json_object_set_new(info, "expiredLogEventEndIndex", json_integer(v->expired_end));
    return gf_local_set(out, "rejectedLogEventsInfo", info);
}

static int put_events(struct gf_local_ctx *ctx, json_t *g, json_t *s, const char *key,
                      const json_t *events, const struct verdicts *v)
{
    const json_t *ev;
    size_t i;
    int rc = 0;

    json_array_foreach(events, i, ev) {
        if (rc < 0)
            break;
        if (!event_ok((int64_t)i, v))
            continue;
        rc = append_event(ctx, g, s, key, json_integer_value(json_object_get(ev, "timestamp")),
                          json_string_value(json_object_get(ev, "message")));
    }
    return rc;
}

static int op_put_log_events(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *group = NULL, *stream = NULL, *token = NULL;
    const json_t *events = NULL;
    json_t *g = NULL, *s = NULL;
    struct verdicts v = {-1, 0, 0};
    char key[KEY_MAX];
    int rc;

    rc = gf_local_get_string(&group, ctx, input, "logGroupName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&stream, ctx, input, "logStreamName", E_PARAM);
    if (rc == 0) /* accepted and ignored, as AWS does since 2023 */
        rc = gf_local_get_string(&token, ctx, input, "sequenceToken", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&events, ctx, input, "logEvents", E_PARAM);
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0)
        rc = load_stream(&s, ctx, group, stream);
    if (rc == 0)
        rc = check_batch(&v, ctx, events,
                         json_integer_value(json_object_get(g, "retentionInDays")));
    stream_key(key, group ? group : "", stream ? stream : "");
    if (rc == 0)
        rc = put_events(ctx, g, s, key, events, &v);
    if (rc == 0)
        rc = put_stream(ctx, group, s);
    if (rc == 0)
        rc = put_group(ctx, g);
    if (rc == 0) {
        const json_t *next = json_object_get(s, "uploadSequenceToken");

        *out = json_pack("{s:o}", "nextSequenceToken",
                         next ? json_incref((json_t *)(uintptr_t)next) : json_string("1"));
        rc = *out ? rejected_info(*out, &v) : gf_error_oom();
    }
    json_decref(g);
    json_decref(s);
    return rc;
}

/* ---- reading events --------------------------------------------------------------------- */

struct window {
    int64_t start_ms; /* inclusive; INT64_MIN: none */
    int64_t end_ms;   /* exclusive; INT64_MAX: none */
    int64_t oldest;   /* retention: events before are expired */
};

static int get_window(struct window *w, struct gf_local_ctx *ctx, const json_t *input,
                      const json_t *group)
{
    int64_t days = json_integer_value(json_object_get(group, "retentionInDays"));
    int rc;

    w->start_ms = INT64_MIN;
    w->end_ms = INT64_MAX;
    w->oldest = days > 0 ? ctx->now_ms - days * DAY_MS : INT64_MIN;
    rc = gf_local_get_int(&w->start_ms, NULL, ctx, input, "startTime", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&w->end_ms, NULL, ctx, input, "endTime", NULL);
    if (rc == 0 && w->start_ms != INT64_MIN && w->end_ms != INT64_MAX && w->end_ms < w->start_ms)
        rc = gf_local_fail(ctx, 400, E_PARAM, "endTime must not be before startTime");
    return rc;
}

static bool in_window(const json_t *ev, const struct window *w)
{
    int64_t t = json_integer_value(json_object_get(ev, "timestamp"));

    return t >= w->start_ms && t < w->end_ms && t >= w->oldest;
}

static int64_t ev_time(const json_t *ev)
{
    return json_integer_value(json_object_get(ev, "timestamp"));
}

static int cmp_events(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int64_t tx = ev_time(x), ty = ev_time(y);
    int64_t ox = json_integer_value(json_object_get(x, "_order"));
    int64_t oy = json_integer_value(json_object_get(y, "_order"));

    if (tx != ty)
        return tx < ty ? -1 : 1;
    return ox < oy ? -1 : ox > oy;
}

/* Sort events by timestamp, keeping arrival order ("_order") among equal times. */
static int sort_events(json_t *arr)
{
    size_t n = json_array_size(arr), i;
    json_t **items;

    for (i = 0; i < n; i++)
        json_object_set_new(json_array_get(arr, i), "_order", json_integer((json_int_t)i));
    if (n < 2)
        return 0;
    items = gf_calloc(n, sizeof(json_t *));
    if (!items)
        return gf_error_oom();
    for (i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(arr, i));
    qsort(items, n, sizeof(json_t *), cmp_events);
    json_array_clear(arr);
    for (i = 0; i < n; i++)
        json_array_append_new(arr, items[i]);
    gf_free(items);
    return 0;
}

/* The events of one stream in the window, oldest first; each tagged with "_stream" (its stream
 * name) and "_seq" (its row version) for FilterLogEvents. */
static int stream_events(json_t *out, struct gf_local_ctx *ctx, const char *group,
                         const char *stream, const struct window *w)
{
    char key[KEY_MAX];
    json_t *rows = NULL;
    json_t *ev;
    size_t i;
    int rc;

    stream_key(key, group, stream);
    rc = list_rows(&rows, ctx, T_EVENT, key);
    json_array_foreach(rows, i, ev) {
        if (rc < 0)
            break;
        if (!in_window(ev, w))
            continue;
        json_object_set_new(ev, "_stream", json_string(stream));
        json_object_set_new(ev, "_seq", json_integer((json_int_t)i + 1));
        rc = json_array_append(out, ev) < 0 ? gf_error_oom() : 0;
    }
    json_decref(rows);
    return rc;
}

/* A GetLogEvents token "f/N" or "b/N" into its direction and index. */
static int parse_token(bool *forward_out, int64_t *index_out, struct gf_local_ctx *ctx,
                       const char *token, int64_t n)
{
    if ((token[0] != 'f' && token[0] != 'b') || token[1] != '/' ||
        gf_slice_to_i64(index_out, gf_slice_from(token + 2), 0, n) < 0)
        return gf_local_fail(ctx, 400, E_PARAM, "The specified nextToken is invalid.");
    *forward_out = token[0] == 'f';
    return 0;
}

/* The [from, to) range of events a GetLogEvents call returns. */
static int event_range(int64_t *from_out, int64_t *to_out, struct gf_local_ctx *ctx,
                       const char *token, bool from_head, int64_t limit, int64_t n)
{
    bool forward = from_head;
    int64_t at = from_head ? 0 : n;
    int rc;

    if (token && *token) {
        rc = parse_token(&forward, &at, ctx, token, n);
        if (rc < 0)
            return rc;
    }
    if (forward) {
        *from_out = at;
        *to_out = at + limit < n ? at + limit : n;
    } else {
        *to_out = at;
        *from_out = at - limit > 0 ? at - limit : 0;
    }
    return 0;
}

static json_t *output_event(const json_t *ev)
{
    return json_pack("{s:O,s:O,s:O}", "timestamp", json_object_get(ev, "timestamp"), "message",
                     json_object_get(ev, "message"), "ingestionTime",
                     json_object_get(ev, "ingestionTime"));
}

static int events_page(json_t **out, const json_t *events, int64_t from, int64_t to)
{
    json_t *page = json_array();
    int64_t i;

    *out = json_object();
    if (!page || !*out) {
        json_decref(page);
        return gf_error_oom();
    }
    for (i = from; i < to; i++)
        json_array_append_new(page, output_event(json_array_get(events, (size_t)i)));
    json_object_set_new(*out, "events", page);
    json_object_set_new(*out, "nextForwardToken", json_sprintf("f/%" PRId64, to));
    json_object_set_new(*out, "nextBackwardToken", json_sprintf("b/%" PRId64, from));
    return 0;
}

static int op_get_log_events(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    char group[NAME_MAX_ + 1];
    const char *stream = NULL, *token = NULL;
    bool from_head = false;
    int64_t limit = 10000, from = 0, to = 0;
    json_t *g = NULL, *s = NULL, *events = json_array();
    struct window w;
    int rc;

    rc = events ? group_ref(group, ctx, input, true) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&stream, ctx, input, "logStreamName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&token, ctx, input, "nextToken", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&from_head, ctx, input, "startFromHead");
    if (rc == 0)
        rc = gf_local_get_int(&limit, NULL, ctx, input, "limit", NULL);
    if (rc == 0 && (limit < 1 || limit > 10000))
        rc = gf_local_fail(ctx, 400, E_PARAM, "limit must be between 1 and 10000");
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0)
        rc = load_stream(&s, ctx, group, stream);
    if (rc == 0)
        rc = get_window(&w, ctx, input, g);
    if (rc == 0)
        rc = stream_events(events, ctx, group, stream, &w);
    if (rc == 0)
        rc = sort_events(events);
    if (rc == 0)
        rc = event_range(&from, &to, ctx, token, from_head, limit,
                         (int64_t)json_array_size(events));
    if (rc == 0)
        rc = events_page(out, events, from, to);
    json_decref(g);
    json_decref(s);
    json_decref(events);
    return rc;
}

/* filterPattern as plain text: a quoted pattern is one literal, else every space-separated term
 * must occur; "" matches everything. */
static bool pattern_match(const char *message, const char *pattern)
{
    size_t n = pattern ? strlen(pattern) : 0;
    const char *p = pattern;
    char term[1024];

    if (n == 0)
        return true;
    if (n >= 2 && pattern[0] == '"' && pattern[n - 1] == '"') {
        snprintf(term, sizeof(term), "%.*s", (int)(n - 2), pattern + 1);
        return strstr(message, term) != NULL;
    }
    while (*p) {
        size_t len = strcspn(p, " ");

        if (len > 0) {
            snprintf(term, sizeof(term), "%.*s", (int)len, p);
            if (!strstr(message, term))
                return false;
        }
        p += len;
        p += strspn(p, " ");
    }
    return true;
}

struct filter {
    const char *prefix;
    const json_t *names;
    const char *pattern;
    struct window w;
};

static int get_filter(struct filter *f, struct gf_local_ctx *ctx, const json_t *input,
                      const json_t *group)
{
    int rc;

    memset(f, 0, sizeof(*f));
    rc = gf_local_get_string(&f->prefix, ctx, input, "logStreamNamePrefix", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&f->names, ctx, input, "logStreamNames", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&f->pattern, ctx, input, "filterPattern", NULL);
    if (rc == 0 && f->prefix && f->names)
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "logStreamNames and logStreamNamePrefix are mutually exclusive");
    if (rc == 0 && f->names && (json_array_size(f->names) < 1 || json_array_size(f->names) > 100))
        rc = gf_local_fail(ctx, 400, E_PARAM, "logStreamNames must have 1 to 100 names");
    if (rc == 0)
        rc = get_window(&f->w, ctx, input, group);
    return rc;
}

/* Matching events of every selected stream, by time. */
static int filter_events(json_t *out, struct gf_local_ctx *ctx, const char *group,
                         const json_t *streams, const struct filter *f)
{
    json_t *events = json_array();
    const json_t *s, *ev;
    size_t i;
    int rc = events ? 0 : gf_error_oom();

    json_array_foreach(streams, i, s) {
        const char *n = json_string_value(json_object_get(s, "logStreamName"));

        if (rc < 0)
            break;
        if ((f->prefix && strncmp(n, f->prefix, strlen(f->prefix)) != 0) ||
            (f->names && !gf_local_array_has_string(f->names, n)))
            continue;
        rc = stream_events(events, ctx, group, n, &f->w);
    }
    if (rc == 0)
        rc = sort_events(events);
    json_array_foreach(events, i, ev) {
        if (rc == 0 && pattern_match(json_string_value(json_object_get(ev, "message")),
                                     f->pattern))
            rc = json_array_append(out, (json_t *)(uintptr_t)ev) < 0 ? gf_error_oom() : 0;
    }
    json_decref(events);
    return rc;
}

/* eventId: the stream and the event's place in it, unique in the group. */
static json_t *filtered_event(const json_t *ev)
{
    char id[KEY_MAX + 32];

    snprintf(id, sizeof(id), "%s/%" JSON_INTEGER_FORMAT,
             json_string_value(json_object_get(ev, "_stream")),
             json_integer_value(json_object_get(ev, "_seq")));
    return json_pack("{s:O,s:O,s:O,s:O,s:s}", "logStreamName", json_object_get(ev, "_stream"),
                     "timestamp", json_object_get(ev, "timestamp"), "message",
                     json_object_get(ev, "message"), "ingestionTime",
                     json_object_get(ev, "ingestionTime"), "eventId", id);
}

static int op_filter_log_events(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    char group[NAME_MAX_ + 1];
    json_t *g = NULL, *streams = NULL, *match = json_array(), *page = json_array();
    struct filter f;
    int64_t limit = 0, offset = 0;
    size_t i;
    int rc;

    rc = match && page ? group_ref(group, ctx, input, true) : gf_error_oom();
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input, 10000);
    if (rc == 0)
        rc = load_group(&g, ctx, group);
    if (rc == 0)
        rc = get_filter(&f, ctx, input, g);
    if (rc == 0)
        rc = group_streams(&streams, ctx, group);
    if (rc == 0)
        rc = filter_events(match, ctx, group, streams, &f);
    for (i = (size_t)offset; rc == 0 && i < json_array_size(match) &&
                             i < (size_t)(offset + limit);
         i++)
        json_array_append_new(page, filtered_event(json_array_get(match, i)));
    if (rc == 0) {
        *out = json_object();
        rc = *out ? gf_local_set(*out, "events", json_incref(page)) : gf_error_oom();
    }
    if (rc == 0 && (size_t)(offset + limit) < json_array_size(match))
        rc = gf_local_set(*out, "nextToken",
                          json_sprintf("gfl1-%" PRId64, offset + limit));
    json_decref(g);
    json_decref(streams);
    json_decref(match);
    json_decref(page);
    return rc;
}

static const struct gf_local_op s_logs_ops[] = {
    {"CreateLogGroup", op_create_log_group},
    {"DeleteLogGroup", op_delete_log_group},
    {"DescribeLogGroups", op_describe_log_groups},
    {"PutRetentionPolicy", op_put_retention_policy},
    {"DeleteRetentionPolicy", op_delete_retention_policy},
    {"CreateLogStream", op_create_log_stream},
    {"DeleteLogStream", op_delete_log_stream},
    {"DescribeLogStreams", op_describe_log_streams},
    {"PutLogEvents", op_put_log_events},
    {"GetLogEvents", op_get_log_events},
    {"FilterLogEvents", op_filter_log_events},
    {"TagResource", op_tag_resource},
    {"UntagResource", op_untag_resource},
    {"ListTagsForResource", op_list_tags_for_resource},
    {"TagLogGroup", op_tag_log_group},
    {"UntagLogGroup", op_untag_log_group},
    {"ListTagsLogGroup", op_list_tags_log_group},
    {NULL, NULL},
};

const struct gf_local_service gf_local_logs = {&gf_aws_logs, s_logs_ops};
