/* SPDX-License-Identifier: Apache-2.0 */
/* svc_events.c: local-aws's EventBridge (json 1.1, reference/aws-protocols.md §7.8, botocore
 * events/2015-10-07): rules on the default bus with AWS's schedule-expression and event-pattern
 * checks, their targets (ECS parameters checked, five per rule) and tags. A rule's targets and
 * tags live in its document under our own "_" members. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC           "events"
#define T_RULE        "rule"
#define E_VALID       "ValidationException"
#define E_NOTFOUND    "ResourceNotFoundException"
#define E_LIMIT       "LimitExceededException"
#define E_PATTERN     "InvalidEventPatternException"
#define ALL_ROWS      100000000
#define MAX_RULES     300
#define MAX_TARGETS   5
#define MAX_TAGS      50
#define NAME_PATTERN  "[\\.\\-_A-Za-z0-9]+"

/* ---- helpers ---------------------------------------------------------------------------- */

static bool valid_name(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 1 || n > 64)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static int fail_name(struct gf_local_ctx *ctx, const char *value, const char *member)
{
    return gf_local_fail(ctx, 400, E_VALID,
                         "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: "
                         NAME_PATTERN,
                         value, member);
}

static int no_rule(struct gf_local_ctx *ctx, const char *name)
{
    return gf_local_fail(ctx, 400, E_NOTFOUND, "Rule %s does not exist on EventBus default.",
                         name);
}

/* EventBusName: absent, "default" or the default bus's ARN; others do not exist here. */
static int check_bus(struct gf_local_ctx *ctx, const json_t *input)
{
    const char *bus = NULL;
    int rc = gf_local_get_string(&bus, ctx, input, "EventBusName", NULL);

    if (rc < 0 || !bus || strcmp(gf_local_ref_name(bus, ":event-bus/"), "default") == 0)
        return rc;
    return gf_local_fail(ctx, 400, E_NOTFOUND, "Event bus %s does not exist.", bus);
}

/* The rule's document (stored form) into *out; ResourceNotFoundException when absent. */
static int load_rule(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    int rc = gf_local_db_get(out, ctx->db, SVC, T_RULE, name, 0);

    if (rc == 0 && !*out)
        return no_rule(ctx, name);
    return rc;
}

static int put_rule(struct gf_local_ctx *ctx, const json_t *rule)
{
    struct gf_local_res res = {SVC,
                               T_RULE,
                               json_string_value(json_object_get(rule, "Name")),
                               0,
                               json_string_value(json_object_get(rule, "Arn")),
                               json_string_value(json_object_get(rule, "State")),
                               rule};

    return gf_local_db_put(ctx->db, &res);
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

/* Name and EventBusName of a rule-addressed call, and the rule loaded. */
static int rule_call(json_t **rule_out, const char **name_out, struct gf_local_ctx *ctx,
                     const json_t *input, const char *member)
{
    int rc;

    *rule_out = NULL;
    rc = gf_local_get_string(name_out, ctx, input, member, E_VALID);
    if (rc == 0 && !valid_name(*name_out))
        rc = fail_name(ctx, *name_out, member);
    if (rc == 0)
        rc = check_bus(ctx, input);
    if (rc == 0)
        rc = load_rule(rule_out, ctx, *name_out);
    return rc;
}

/* ---- schedule expressions --------------------------------------------------------------- */

/* "rate(1 minute)", "rate(5 minutes)": a positive integer, singular unit for 1 only. */
static bool valid_rate(const char *body, size_t len)
{
    static const char *const s_units[] = {"minute", "hour", "day"};
    char unit[16];
    size_t digits = 0, i;
    int64_t value = 0;

    while (digits < len && body[digits] >= '0' && body[digits] <= '9')
        digits++;
    if (digits == 0 || digits > 9 || digits + 1 >= len || body[digits] != ' ' || body[0] == '0')
        return false;
    if (gf_slice_to_i64(&value, gf_slice_make(body, digits), 1, INT32_MAX) < 0)
        return false;
    if (len - digits - 1 >= sizeof(unit))
        return false;
    snprintf(unit, sizeof(unit), "%.*s", (int)(len - digits - 1), body + digits + 1);
    for (i = 0; i < 3; i++) {
        size_t n = strlen(s_units[i]);

        if (strncmp(unit, s_units[i], n) != 0)
            continue;
        if (unit[n] == '\0')
            return value == 1;
        if (unit[n] == 's' && unit[n + 1] == '\0')
            return value > 1;
    }
    return false;
}

/* One cron field's rules. */
struct cron_field {
    int min, max;
    const char *const *names; /* JAN..DEC or SUN..SAT (1-based), or NULL */
    bool question;            /* '?' allowed (day-of-month, day-of-week) */
    bool dom;                 /* L, W, LW */
    bool dow;                 /* L suffix, '#' */
};

static const char *const s_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                       "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const s_days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

/* A value (number in range, or a name) at *p, advancing it. */
static bool cron_value(const char **p, const struct cron_field *f)
{
    int64_t v = 0;
    size_t n = 0, i;

    while ((*p)[n] >= '0' && (*p)[n] <= '9')
        n++;
    if (n > 0 && n <= 4 && gf_slice_to_i64(&v, gf_slice_make(*p, n), f->min, f->max) == 0) {
        *p += n;
        return true;
    }
    for (i = 0; n == 0 && f->names && f->names[i]; i++) {
        if (strncmp(*p, f->names[i], 3) == 0) {
            *p += 3;
            return true;
        }
    }
    return false;
}

/* One comma-separated item of a field: * | v | v-v, then /step; or the L/W/# forms. */
static bool cron_item(const char *item, const struct cron_field *f)
{
    const char *p = item;
    int64_t step = 0;

    if (f->dom && (!strcmp(item, "L") || !strcmp(item, "LW")))
        return true;
    if (f->dow && !strcmp(item, "L"))
        return true;
    if (*p == '*') {
        p++;
    } else {
        if (!cron_value(&p, f))
            return false;
        if (f->dom && *p == 'W')
            return p[1] == '\0';
        if (f->dow && *p == 'L')
            return p[1] == '\0';
        if (f->dow && *p == '#')
            return p[1] >= '1' && p[1] <= '5' && p[2] == '\0';
        if (*p == '-') {
            p++;
            if (!cron_value(&p, f))
                return false;
        }
    }
    if (*p == '/')
        return gf_slice_to_i64(&step, gf_slice_from(p + 1), 1, f->max) == 0;
    return *p == '\0';
}

static bool cron_field_ok(const char *field, const struct cron_field *f)
{
    char item[64];
    const char *p = field;

    if (!strcmp(field, "?"))
        return f->question;
    while (*p) {
        size_t n = strcspn(p, ",");

        if (n == 0 || n >= sizeof(item))
            return false;
        snprintf(item, sizeof(item), "%.*s", (int)n, p);
        if (!cron_item(item, f))
            return false;
        p += n;
        if (*p == ',' && *++p == '\0')
            return false;
    }
    return true;
}

/* "cron(Minutes Hours Day-of-month Month Day-of-week Year)": six fields, and exactly one of
 * day-of-month and day-of-week is '?'. */
static bool valid_cron(const char *body, size_t len)
{
    static const struct cron_field s_fields[6] = {
        {0, 59, NULL, false, false, false},     {0, 23, NULL, false, false, false},
        {1, 31, NULL, true, true, false},       {1, 12, s_months, false, false, false},
        {1, 7, s_days, true, false, true},      {1970, 2199, NULL, false, false, false},
    };
    char fields[6][64];
    size_t nf = 0, i = 0;

    while (i < len) {
        size_t n = 0;

        while (i + n < len && body[i + n] != ' ')
            n++;
        if (n == 0 || n >= sizeof(fields[0]) || nf == 6)
            return false;
        snprintf(fields[nf++], sizeof(fields[0]), "%.*s", (int)n, body + i);
        i += n + 1;
    }
    if (nf != 6 || (strcmp(fields[2], "?") == 0) == (strcmp(fields[4], "?") == 0))
        return false;
    for (i = 0; i < 6; i++) {
        if (!cron_field_ok(fields[i], &s_fields[i]))
            return false;
    }
    return true;
}

static bool valid_schedule(const char *s)
{
    size_t n = strlen(s);

    if (n > 256 || n < 7 || s[n - 1] != ')')
        return false;
    if (strncmp(s, "rate(", 5) == 0)
        return valid_rate(s + 5, n - 6);
    if (strncmp(s, "cron(", 5) == 0)
        return valid_cron(s + 5, n - 6);
    return false;
}

/* ---- event patterns --------------------------------------------------------------------- */

/* Every member of a pattern object is an object (nested) or an array of match values. */
static bool pattern_object_ok(const json_t *obj, const char **bad_out)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
        if (json_is_object(v) && pattern_object_ok(v, bad_out))
            continue;
        if (json_is_array(v) && json_array_size(v) > 0)
            continue;
        if (!*bad_out || !json_is_object(v))
            *bad_out = key;
        return false;
    }
    return json_object_size(obj) > 0;
}

static int check_pattern(struct gf_local_ctx *ctx, const char *text)
{
    json_error_t jerr;
    json_t *p = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    const char *bad = NULL;
    int rc = 0;

    if (!p)
        rc = gf_local_fail(ctx, 400, E_PATTERN,
                           "Event pattern is not valid. Reason: %s at line: %d, column: %d",
                           jerr.text, jerr.line, jerr.column);
    else if (!json_is_object(p))
        rc = gf_local_fail(ctx, 400, E_PATTERN,
                           "Event pattern is not valid. Reason: Filter is not an object");
    else if (!pattern_object_ok(p, &bad))
        rc = gf_local_fail(ctx, 400, E_PATTERN,
                           "Event pattern is not valid. Reason: '%s' must be an object or an "
                           "array",
                           bad ? bad : "{}");
    json_decref(p);
    return rc;
}

/* ---- tags ------------------------------------------------------------------------------- */

/* Check a [{Key, Value}] list: keys 1-128, values 0-256. */
static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    const json_t *t;
    size_t i;

    json_array_foreach(tags, i, t) {
        const json_t *k = json_object_get(t, "Key"), *v = json_object_get(t, "Value");

        if (!json_is_string(k) || json_string_length(k) < 1 || json_string_length(k) > 128)
            return gf_local_fail(ctx, 400, E_VALID, "Tags.%zu.Key must be 1 to 128 long",
                                 i + 1);
        if (!json_is_string(v) || json_string_length(v) > 256)
            return gf_local_fail(ctx, 400, E_VALID, "Tags.%zu.Value must be 0 to 256 long",
                                 i + 1);
    }
    return 0;
}

/* Set each tag of `tags` in the rule's "_tags" (by Key); LimitExceededException past 50. */
static int merge_tags(struct gf_local_ctx *ctx, json_t *rule, const json_t *tags)
{
    json_t *have = json_object_get(rule, "_tags");
    const json_t *t;
    size_t i, j;

    if (!have) {
        have = json_array();
        if (gf_local_set(rule, "_tags", have) < 0)
            return gf_error_oom();
    }
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const json_t *h;
        bool replaced = false;

        json_array_foreach(have, j, h) {
            if (!replaced && strcmp(json_string_value(json_object_get(h, "Key")), k) == 0) {
                json_array_set(have, j, (json_t *)(uintptr_t)t);
                replaced = true;
            }
        }
        if (!replaced && json_array_append(have, (json_t *)(uintptr_t)t) < 0)
            return gf_error_oom();
    }
    if (json_array_size(have) > MAX_TAGS)
        return gf_local_fail(ctx, 400, E_LIMIT,
                             "The requested resource exceeds the maximum number allowed.");
    return 0;
}

/* ---- rules ------------------------------------------------------------------------------ */

struct rule_in {
    const char *name, *schedule, *pattern, *state, *description, *role;
    const json_t *tags;
};

static int check_state(struct gf_local_ctx *ctx, const char *state)
{
    if (!state || !strcmp(state, "ENABLED") || !strcmp(state, "DISABLED") ||
        !strcmp(state, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"))
        return 0;
    return gf_local_fail(ctx, 400, E_VALID,
                         "1 validation error detected: Value '%s' at 'state' failed to satisfy "
                         "constraint: Member must satisfy enum value set: [ENABLED, DISABLED, "
                         "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
                         state);
}

static int read_rule_in(struct rule_in *r, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    memset(r, 0, sizeof(*r));
    rc = gf_local_get_string(&r->name, ctx, input, "Name", E_VALID);
    if (rc == 0)
        rc = gf_local_get_string(&r->schedule, ctx, input, "ScheduleExpression", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&r->pattern, ctx, input, "EventPattern", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&r->state, ctx, input, "State", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&r->description, ctx, input, "Description", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&r->role, ctx, input, "RoleArn", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&r->tags, ctx, input, "Tags", NULL);
    if (rc == 0)
        rc = check_bus(ctx, input);
    return rc;
}

static int check_rule_in(struct gf_local_ctx *ctx, const struct rule_in *r)
{
    if (!valid_name(r->name))
        return fail_name(ctx, r->name, "name");
    if (!r->schedule && !r->pattern)
        return gf_local_fail(ctx, 400, E_VALID,
                             "Parameter(s) ScheduleExpression or EventPattern must be "
                             "specified.");
    if (r->schedule && !valid_schedule(r->schedule))
        return gf_local_fail(ctx, 400, E_VALID, "Parameter ScheduleExpression is not valid.");
    if (r->pattern && check_pattern(ctx, r->pattern) < 0)
        return GF_EINVALID;
    if (r->description && strlen(r->description) > 512)
        return gf_local_fail(ctx, 400, E_VALID,
                             "1 validation error detected: Value at 'description' failed to "
                             "satisfy constraint: Member must have length less than or equal "
                             "to 512");
    if (r->role && (strlen(r->role) < 1 || strlen(r->role) > 1600))
        return gf_local_fail(ctx, 400, E_VALID, "RoleArn must be 1 to 1600 long");
    if (r->tags)
        return check_tags(ctx, r->tags);
    return check_state(ctx, r->state);
}

/* The number of rules stored. */
static int count_rules(size_t *out, struct gf_local_ctx *ctx)
{
    struct gf_local_list q = {SVC, T_RULE, NULL, NULL, false, 0, ALL_ROWS};
    json_t *all = NULL;
    bool more;
    int rc = gf_local_db_list(&all, &more, ctx->db, &q);

    *out = json_array_size(all);
    json_decref(all);
    return rc;
}

/* A new rule document from r, keeping targets and tags of `old` (PutRule's upsert: other
 * settings left out become unset). */
static int build_rule(json_t **out, struct gf_local_ctx *ctx, const struct rule_in *r,
                      const json_t *old)
{
    struct gf_buf arn = GF_BUF_INIT;
    const json_t *targets = json_object_get(old, "_targets");
    const json_t *tags = json_object_get(old, "_tags");
    json_t *d;
    int rc;

    *out = NULL;
    rc = gf_local_arn(&arn, ctx, SVC, true, "rule/");
    if (rc == 0)
        rc = gf_buf_puts(&arn, r->name) == 0 ? 0 : gf_error_oom();
    d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "Name", r->name, "Arn", arn.ptr, "State",
                  r->state ? r->state : "ENABLED", "EventBusName", "default", "CreatedBy",
                  ctx->account, "_targets", targets ? json_deep_copy(targets) : json_array(),
                  "_tags", tags ? json_deep_copy(tags) : json_array());
    gf_buf_release(&arn);
    if (rc < 0 || !d) {
        json_decref(d);
        return rc < 0 ? rc : gf_error_oom();
    }
    if (r->schedule)
        json_object_set_new(d, "ScheduleExpression", json_string(r->schedule));
    if (r->pattern)
        json_object_set_new(d, "EventPattern", json_string(r->pattern));
    if (r->description)
        json_object_set_new(d, "Description", json_string(r->description));
    if (r->role)
        json_object_set_new(d, "RoleArn", json_string(r->role));
    *out = d;
    return 0;
}

static int op_put_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct rule_in r;
    json_t *old = NULL, *rule = NULL;
    size_t n = 0;
    int rc;

    rc = read_rule_in(&r, ctx, input);
    if (rc == 0)
        rc = check_rule_in(ctx, &r);
    if (rc == 0)
        rc = gf_local_db_get(&old, ctx->db, SVC, T_RULE, r.name, 0);
    if (rc == 0 && !old)
        rc = count_rules(&n, ctx);
    if (rc == 0 && n >= MAX_RULES)
        rc = gf_local_fail(ctx, 400, E_LIMIT,
                           "The requested resource exceeds the maximum number allowed.");
    if (rc == 0)
        rc = build_rule(&rule, ctx, &r, old);
    if (rc == 0 && !old && r.tags) /* AWS ignores Tags when updating a rule */
        rc = merge_tags(ctx, rule, r.tags);
    if (rc == 0)
        rc = put_rule(ctx, rule);
    if (rc == 0) {
        *out = json_pack("{s:O}", "RuleArn", json_object_get(rule, "Arn"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(old);
    json_decref(rule);
    return rc;
}

static int op_describe_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *rule = NULL;
    int rc;

    rc = rule_call(&rule, &name, ctx, input, "Name");
    if (rc == 0) {
        *out = public_doc(rule);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(rule);
    return rc;
}

/* Put items[offset, offset+limit) under `key`, with NextToken when more remain. */
static int page_out(json_t **out, const char *key, const json_t *items, int64_t limit,
                    int64_t offset)
{
    static const struct gf_local_page s_page = {"Limit", "NextToken", "NextToken", 100, E_VALID};
    json_t *page = json_array();
    size_t i, n = json_array_size(items);

    *out = json_object();
    if (!page || !*out) {
        json_decref(page);
        return gf_error_oom();
    }
    for (i = (size_t)offset; i < n && i < (size_t)(offset + limit); i++)
        json_array_append(page, json_array_get(items, i));
    if (gf_local_set(*out, key, page) < 0)
        return gf_error_oom();
    return gf_local_page_set(*out, &s_page, (size_t)(offset + limit) < n, offset,
                             (size_t)limit);
}

static int get_page(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                    const json_t *input)
{
    static const struct gf_local_page s_page = {"Limit", "NextToken", "NextToken", 100, E_VALID};

    return gf_local_page_get(limit_out, offset_out, ctx, input, &s_page);
}

static int op_list_rules(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SVC, T_RULE, NULL, NULL, false, 0, ALL_ROWS};
    const char *prefix = NULL;
    json_t *all = NULL, *match = json_array();
    const json_t *r;
    int64_t limit = 0, offset = 0;
    bool more;
    size_t i;
    int rc;

    rc = match ? gf_local_get_string(&prefix, ctx, input, "NamePrefix", NULL) : gf_error_oom();
    if (rc == 0)
        rc = check_bus(ctx, input);
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = gf_local_db_list(&all, &more, ctx->db, &q);
    json_array_foreach(all, i, r) {
        const char *n = json_string_value(json_object_get(r, "Name"));
        json_t *pub;

        if (rc < 0 || (prefix && strncmp(n, prefix, strlen(prefix)) != 0))
            continue;
        pub = public_doc(r);
        if (pub)
            json_object_del(pub, "CreatedBy");
        rc = json_array_append_new(match, pub) < 0 ? gf_error_oom() : 0;
    }
    if (rc == 0)
        rc = page_out(out, "Rules", match, limit, offset);
    json_decref(all);
    json_decref(match);
    return rc;
}

static int set_state(struct gf_local_ctx *ctx, const json_t *input, const char *state)
{
    const char *name = NULL;
    json_t *rule = NULL;
    int rc;

    rc = rule_call(&rule, &name, ctx, input, "Name");
    if (rc == 0)
        rc = gf_local_set(rule, "State", json_string(state));
    if (rc == 0)
        rc = put_rule(ctx, rule);
    json_decref(rule);
    return rc;
}

static int op_enable_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return set_state(ctx, input, "ENABLED");
}

static int op_disable_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return set_state(ctx, input, "DISABLED");
}

static int op_delete_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *rule = NULL;
    bool force = false, deleted;
    int rc;

    (void)out;
    rc = gf_local_get_string(&name, ctx, input, "Name", E_VALID);
    if (rc == 0 && !valid_name(name))
        rc = fail_name(ctx, name, "name");
    if (rc == 0)
        rc = gf_local_get_bool(&force, ctx, input, "Force");
    if (rc == 0)
        rc = check_bus(ctx, input);
    if (rc == 0)
        rc = gf_local_db_get(&rule, ctx->db, SVC, T_RULE, name, 0);
    /* AWS: deleting a rule that does not exist succeeds (repeats succeed) */
    if (rc == 0 && rule && json_array_size(json_object_get(rule, "_targets")) > 0)
        rc = gf_local_fail(ctx, 400, E_VALID, "Rule can't be deleted since it has targets.");
    if (rc == 0 && rule)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_RULE, name, 0);
    json_decref(rule);
    return rc;
}

/* ---- targets ---------------------------------------------------------------------------- */

static int check_enum(struct gf_local_ctx *ctx, const char *value, const char *member,
                      const char *const *allowed)
{
    size_t i;

    if (!value)
        return 0;
    for (i = 0; allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0)
            return 0;
    }
    return gf_local_fail(ctx, 400, E_VALID,
                         "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy enum value set",
                         value, member);
}

static int check_awsvpc(struct gf_local_ctx *ctx, const json_t *net, const char *id)
{
    static const char *const s_public[] = {"ENABLED", "DISABLED", NULL};
    const json_t *vpc = NULL, *subnets = NULL, *groups = NULL;
    const char *assign = NULL;
    int rc;

    rc = gf_local_get_object(&vpc, ctx, net, "awsvpcConfiguration", NULL);
    if (rc < 0 || !vpc)
        return rc < 0 ? rc
                      : gf_local_fail(ctx, 400, E_VALID,
                                      "awsvpcConfiguration must be specified for target %s", id);
    rc = gf_local_get_array(&subnets, ctx, vpc, "Subnets", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&groups, ctx, vpc, "SecurityGroups", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&assign, ctx, vpc, "AssignPublicIp", NULL);
    if (rc == 0 && (json_array_size(subnets) < 1 || json_array_size(subnets) > 16))
        rc = gf_local_fail(ctx, 400, E_VALID,
                           "Subnets must have 1 to 16 subnets for target %s", id);
    if (rc == 0 && json_array_size(groups) > 5)
        rc = gf_local_fail(ctx, 400, E_VALID,
                           "SecurityGroups can have at most 5 groups for target %s", id);
    if (rc == 0)
        rc = check_enum(ctx, assign, "assignPublicIp", s_public);
    return rc;
}

static int check_ecs(struct gf_local_ctx *ctx, const json_t *ecs, const char *id)
{
    static const char *const s_launch[] = {"EC2", "FARGATE", "EXTERNAL", NULL};
    const char *td = NULL, *launch = NULL, *platform = NULL;
    const json_t *net = NULL;
    int64_t count = 1;
    int rc;

    rc = gf_local_get_string(&td, ctx, ecs, "TaskDefinitionArn", NULL);
    if (rc == 0 && (!td || !*td))
        rc = gf_local_fail(ctx, 400, E_VALID,
                           "EcsParameters.TaskDefinitionArn must be specified for target %s", id);
    if (rc == 0)
        rc = gf_local_get_int(&count, NULL, ctx, ecs, "TaskCount", NULL);
    if (rc == 0 && count < 1)
        rc = gf_local_fail(ctx, 400, E_VALID, "TaskCount must be at least 1 for target %s", id);
    if (rc == 0)
        rc = gf_local_get_string(&launch, ctx, ecs, "LaunchType", NULL);
    if (rc == 0)
        rc = check_enum(ctx, launch, "launchType", s_launch);
    if (rc == 0)
        rc = gf_local_get_string(&platform, ctx, ecs, "PlatformVersion", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&net, ctx, ecs, "NetworkConfiguration", NULL);
    if (rc == 0 && platform && (!launch || strcmp(launch, "FARGATE") != 0))
        rc = gf_local_fail(ctx, 400, E_VALID,
                           "PlatformVersion is only allowed with LaunchType FARGATE (target %s)",
                           id);
    if (rc == 0 && launch && strcmp(launch, "FARGATE") == 0 && !net)
        rc = gf_local_fail(ctx, 400, E_VALID,
                           "Network configuration must be specified when LaunchType is FARGATE "
                           "(target %s)",
                           id);
    if (rc == 0 && net)
        rc = check_awsvpc(ctx, net, id);
    return rc;
}

/* Whole-request checks of one target (AWS fails the call for these). */
static int check_target(struct gf_local_ctx *ctx, const json_t *t)
{
    const char *id = NULL, *arn = NULL, *role = NULL, *in = NULL;
    const json_t *ecs = NULL;
    json_t *parsed;
    int rc;

    if (!json_is_object(t))
        return gf_local_fail(ctx, 400, "SerializationException", "a target must be a structure");
    rc = gf_local_get_string(&id, ctx, t, "Id", E_VALID);
    if (rc == 0 && !valid_name(id))
        rc = fail_name(ctx, id, "targets.id");
    if (rc == 0)
        rc = gf_local_get_string(&arn, ctx, t, "Arn", E_VALID);
    if (rc == 0 && (strlen(arn) < 1 || strlen(arn) > 1600))
        rc = gf_local_fail(ctx, 400, E_VALID, "Arn must be 1 to 1600 long for target %s", id);
    if (rc == 0)
        rc = gf_local_get_string(&role, ctx, t, "RoleArn", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&in, ctx, t, "Input", NULL);
    if (rc == 0 && in) {
        parsed = json_loads(in, JSON_DECODE_ANY, NULL);
        if (!parsed)
            rc = gf_local_fail(ctx, 400, E_VALID, "Input for target %s is not valid JSON.", id);
        json_decref(parsed);
    }
    if (rc == 0)
        rc = gf_local_get_object(&ecs, ctx, t, "EcsParameters", NULL);
    if (rc == 0 && ecs && !role)
        rc = gf_local_fail(ctx, 400, E_VALID, "RoleArn is required for target %s.", id);
    if (rc == 0 && ecs)
        rc = check_ecs(ctx, ecs, id);
    return rc;
}

/* Per-target failures (reported in FailedEntries with HTTP 200): a target ARN that is not an
 * ARN. NULL when the target is fine. */
static const char *target_failure(const json_t *t)
{
    const char *arn = json_string_value(json_object_get(t, "Arn"));
    int colons = 0;
    const char *p;

    for (p = arn; *p; p++)
        colons += *p == ':';
    if (strncmp(arn, "arn:", 4) != 0 || colons < 5)
        return "Parameter(s) Arn is not valid. Reason: Provided Arn is not in correct format.";
    return NULL;
}

static int find_target(const json_t *targets, const char *id)
{
    const json_t *t;
    size_t i;

    json_array_foreach(targets, i, t) {
        if (strcmp(json_string_value(json_object_get(t, "Id")), id) == 0)
            return (int)i;
    }
    return -1;
}

static int check_targets(struct gf_local_ctx *ctx, const json_t *targets)
{
    const json_t *t;
    size_t i, j;
    int rc = 0;

    if (json_array_size(targets) < 1 || json_array_size(targets) > 10)
        return gf_local_fail(ctx, 400, E_VALID,
                             "1 validation error detected: Value at 'targets' failed to satisfy "
                             "constraint: Member must have length between 1 and 10");
    json_array_foreach(targets, i, t) {
        rc = check_target(ctx, t);
        if (rc < 0)
            return rc;
        for (j = 0; j < i; j++) {
            if (strcmp(json_string_value(json_object_get(json_array_get(targets, j), "Id")),
                       json_string_value(json_object_get(t, "Id"))) == 0)
                return gf_local_fail(ctx, 400, E_VALID,
                                     "Target ids must be unique within a request: %s",
                                     json_string_value(json_object_get(t, "Id")));
        }
    }
    return 0;
}

/* Apply the accepted targets to `have` (replacing by Id); failures into `failed`. */
static int apply_targets(struct gf_local_ctx *ctx, json_t *have, json_t *failed,
                         const json_t *targets)
{
    const json_t *t;
    size_t i;

    json_array_foreach(targets, i, t) {
        const char *id = json_string_value(json_object_get(t, "Id"));
        const char *why = target_failure(t);
        int at = find_target(have, id);

        if (why) {
            if (json_array_append_new(failed, json_pack("{s:s,s:s,s:s}", "TargetId", id,
                                                        "ErrorCode", E_VALID, "ErrorMessage",
                                                        why)) < 0)
                return gf_error_oom();
            continue;
        }
        if (at >= 0)
            json_array_set(have, (size_t)at, (json_t *)(uintptr_t)t);
        else if (json_array_append(have, (json_t *)(uintptr_t)t) < 0)
            return gf_error_oom();
    }
    if (json_array_size(have) > MAX_TARGETS)
        return gf_local_fail(ctx, 400, E_LIMIT,
                             "The requested resource exceeds the maximum number allowed.");
    return 0;
}

static int failed_out(json_t **out, json_t *failed)
{
    *out = json_pack("{s:i,s:O}", "FailedEntryCount", (int)json_array_size(failed),
                     "FailedEntries", failed);
    return *out ? 0 : gf_error_oom();
}

static int op_put_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    const json_t *targets = NULL;
    json_t *rule = NULL, *have = NULL, *failed = json_array();
    int rc;

    rc = failed ? rule_call(&rule, &name, ctx, input, "Rule") : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_array(&targets, ctx, input, "Targets", E_VALID);
    if (rc == 0)
        rc = check_targets(ctx, targets);
    if (rc == 0) {
        have = json_deep_copy(json_object_get(rule, "_targets"));
        rc = have ? 0 : gf_error_oom();
    }
    if (rc == 0)
        rc = apply_targets(ctx, have, failed, targets);
    if (rc == 0)
        rc = gf_local_set(rule, "_targets", json_incref(have));
    if (rc == 0)
        rc = put_rule(ctx, rule);
    if (rc == 0)
        rc = failed_out(out, failed);
    json_decref(rule);
    json_decref(have);
    json_decref(failed);
    return rc;
}

static int op_remove_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    const json_t *ids = NULL, *id;
    json_t *rule = NULL, *failed = json_array();
    json_t *have;
    bool force = false;
    size_t i;
    int rc;

    rc = failed ? rule_call(&rule, &name, ctx, input, "Rule") : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_array(&ids, ctx, input, "Ids", E_VALID);
    if (rc == 0)
        rc = gf_local_get_bool(&force, ctx, input, "Force");
    if (rc == 0 && (json_array_size(ids) < 1 || json_array_size(ids) > 100))
        rc = gf_local_fail(ctx, 400, E_VALID, "Ids must have 1 to 100 ids");
    have = json_object_get(rule, "_targets");
    json_array_foreach(ids, i, id) {
        int at = rc == 0 && json_is_string(id) ? find_target(have, json_string_value(id)) : -1;

        if (at >= 0)
            json_array_remove(have, (size_t)at);
    }
    if (rc == 0)
        rc = put_rule(ctx, rule);
    if (rc == 0)
        rc = failed_out(out, failed);
    json_decref(rule);
    json_decref(failed);
    return rc;
}

static int op_list_targets_by_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *rule = NULL;
    int64_t limit = 0, offset = 0;
    int rc;

    rc = rule_call(&rule, &name, ctx, input, "Rule");
    if (rc == 0)
        rc = get_page(&limit, &offset, ctx, input);
    if (rc == 0)
        rc = page_out(out, "Targets", json_object_get(rule, "_targets"), limit, offset);
    json_decref(rule);
    return rc;
}

/* ---- tagging ---------------------------------------------------------------------------- */

/* The rule a ResourceARN names ("arn:aws:events:R:A:rule/NAME", default bus only). */
static int rule_by_arn(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf want = GF_BUF_INIT;
    const char *arn = NULL;
    int rc;

    *out = NULL;
    rc = gf_local_get_string(&arn, ctx, input, "ResourceARN", E_VALID);
    if (rc == 0)
        rc = gf_local_arn(&want, ctx, SVC, true, "rule/");
    if (rc == 0 && strncmp(arn, want.ptr, want.len) != 0)
        rc = gf_local_fail(ctx, 400, E_NOTFOUND, "Resource %s does not exist.", arn);
    if (rc == 0)
        rc = load_rule(out, ctx, arn + want.len);
    gf_buf_release(&want);
    return rc;
}

static int op_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tags = NULL;
    json_t *rule = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_array(&tags, ctx, input, "Tags", E_VALID);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = rule_by_arn(&rule, ctx, input);
    if (rc == 0)
        rc = merge_tags(ctx, rule, tags);
    if (rc == 0)
        rc = put_rule(ctx, rule);
    json_decref(rule);
    return rc;
}

static int op_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *keys = NULL;
    json_t *rule = NULL;
    json_t *have;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_VALID);
    if (rc == 0)
        rc = rule_by_arn(&rule, ctx, input);
    have = json_object_get(rule, "_tags");
    for (i = json_array_size(have); rc == 0 && i > 0; i--) {
        const char *k = json_string_value(json_object_get(json_array_get(have, i - 1), "Key"));

        if (k && gf_local_array_has_string(keys, k))
            json_array_remove(have, i - 1);
    }
    if (rc == 0)
        rc = put_rule(ctx, rule);
    json_decref(rule);
    return rc;
}

static int op_list_tags_for_resource(json_t **out, struct gf_local_ctx *ctx,
                                     const json_t *input)
{
    json_t *rule = NULL;
    const json_t *tags;
    int rc;

    rc = rule_by_arn(&rule, ctx, input);
    if (rc == 0) {
        tags = json_object_get(rule, "_tags");
        *out = json_pack("{s:o}", "Tags", tags ? json_deep_copy(tags) : json_array());
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(rule);
    return rc;
}

static const struct gf_local_op s_events_ops[] = {
    {"PutRule", op_put_rule},
    {"DescribeRule", op_describe_rule},
    {"ListRules", op_list_rules},
    {"EnableRule", op_enable_rule},
    {"DisableRule", op_disable_rule},
    {"DeleteRule", op_delete_rule},
    {"PutTargets", op_put_targets},
    {"ListTargetsByRule", op_list_targets_by_rule},
    {"RemoveTargets", op_remove_targets},
    {"TagResource", op_tag_resource},
    {"UntagResource", op_untag_resource},
    {"ListTagsForResource", op_list_tags_for_resource},
    {NULL, NULL},
};

const struct gf_local_service gf_local_events = {&gf_aws_events, s_events_ops};
