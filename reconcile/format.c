/* SPDX-License-Identifier: Apache-2.0 */
/* format.c: the plan (and, after apply, its outcome) as text for a terminal, JSON for tools and
 * markdown for a pull-request comment (reconcile.h gf_rc_format). One walk over the graph
 * builds the JSON form; text and markdown are rendered from it, so the three always agree. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "common/banned.h"

static const char *symbol(enum gf_change c)
{
    static const char *const s[] = {"+", "~", "-/+", "-", "=", "~"};

    return (unsigned)c < sizeof(s) / sizeof(s[0]) ? s[c] : "?";
}

static const char *const *calls_of(const struct gf_rc_res *r)
{
    switch (r->change) {
    case GF_CHANGE_CREATE:
        return r->kind->create_calls;
    case GF_CHANGE_DELETE:
        return r->kind->delete_calls;
    case GF_CHANGE_UPDATE:
    case GF_CHANGE_DRIFT:
        return r->kind->update_calls;
    default:
        return NULL;
    }
}

static json_t *calls_json(const struct gf_rc_res *r)
{
    json_t *a = json_array();
    const char *const *c;
    size_t i;

    if (r->change == GF_CHANGE_REPLACE) {
        for (i = 0; r->kind->delete_calls && r->kind->delete_calls[i]; i++)
            json_array_append_new(a, json_string(r->kind->delete_calls[i]));
        for (i = 0; r->kind->create_calls && r->kind->create_calls[i]; i++)
            json_array_append_new(a, json_string(r->kind->create_calls[i]));
        return a;
    }
    c = calls_of(r);
    for (i = 0; c && c[i]; i++)
        json_array_append_new(a, json_string(c[i]));
    return a;
}

static json_t *action_json(const struct gf_rc *rc, const struct gf_rc_res *r)
{
    json_t *a = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s*, s:o, s:O?, s:s*}", "seq", r->seq, "kind",
                          r->kind->name, "key", r->key, "name", r->name, "change",
                          gf_change_name(r->change), "reason", r->reason, "calls", calls_json(r),
                          "diffs", r->diffs, "id", r->id);

    if (a && rc->applied) {
        json_object_set_new(a, "outcome", json_string(gf_action_outcome_name(r->outcome)));
        if (r->outcome == GF_ACTION_FAILED)
            json_object_set_new(a, "error", json_string(r->err.msg));
    }
    return a;
}

/* The plan as one document. `text`: for the text and markdown forms, which list only what
 * changes: the unchanged are counted, not built (1,500 objects of a 500-task stack), and each
 * action carries its change as a number ("change_code"). */
static json_t *plan_json(const struct gf_rc *rc, bool text)
{
    static const char *const s_keys[] = {"create", "update", "replace", "delete", "none", "drift"};
    json_t *summary = json_object(), *actions = json_array(), *doc;
    size_t counts[6] = {0}, i, all = 0, mutating = 0, planned_calls = 0;

    for (i = 0; i < rc->n_res; i++) {
        const struct gf_rc_res *r = rc->res[i];
        json_t *a;

        counts[r->change]++;
        if (text && r->change == GF_CHANGE_NONE)
            continue;
        a = action_json(rc, r);
        if (a && text)
            json_object_set_new(a, "change_code", json_integer(r->change));
        planned_calls += json_array_size(json_object_get(a, "calls"));
        json_array_append_new(actions, a);
    }
    for (i = 0; i < 6; i++)
        json_object_set_new(summary, s_keys[i], json_integer((json_int_t)counts[i]));
    json_object_set_new(summary, "planned_calls", json_integer((json_int_t)planned_calls));
    gf_rc_call_counts(rc, &all, &mutating);
    doc = json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:O, s:O, s:{s:I, s:I}}", "stack",
                    rc->stack->app_name.v, "region", rc->region, "account", rc->account,
                    "applied", rc->applied, "summary", summary, "actions", actions, "warnings",
                    rc->warnings, "problems", rc->problems, "api_calls", "made", (json_int_t)all,
                    "mutating", (json_int_t)mutating);
    return doc;
}

static void text_action(struct gf_buf *out, const json_t *a, bool markdown)
{
    const char *change = json_string_value(json_object_get(a, "change"));
    const char *reason = json_string_value(json_object_get(a, "reason"));
    const char *outcome = json_string_value(json_object_get(a, "outcome"));
    const char *err = json_string_value(json_object_get(a, "error"));
    const json_t *calls = json_object_get(a, "calls"), *v;
    size_t i;
    int c = (int)json_integer_value(json_object_get(a, "change_code"));

    if (markdown) {
        gf_buf_printf(out, "| `%s` | %s | `%s` | %s |%s%s\n", symbol((enum gf_change)c),
                      json_string_value(json_object_get(a, "kind")),
                      json_string_value(json_object_get(a, "name")), reason ? reason : "",
                      outcome ? " " : "", outcome ? outcome : "");
        return;
    }
    gf_buf_printf(out, "  %s %s %s", symbol((enum gf_change)c),
                  json_string_value(json_object_get(a, "kind")),
                  json_string_value(json_object_get(a, "name")));
    if (strcmp(change, "none") != 0 && reason)
        gf_buf_printf(out, ": %s", reason);
    if (outcome)
        gf_buf_printf(out, " [%s%s%s]", outcome, err ? ": " : "", err ? err : "");
    gf_buf_puts(out, "\n");
    if (json_array_size(calls) == 0)
        return;
    gf_buf_puts(out, "        calls:");
    json_array_foreach(calls, i, v) {
        gf_buf_printf(out, "%s %s", i ? "," : "", json_string_value(v));
    }
    gf_buf_puts(out, "\n");
}

static void text_list(struct gf_buf *out, const char *title, const json_t *list, bool markdown)
{
    size_t i;
    const json_t *v;

    if (json_array_size(list) == 0)
        return;
    gf_buf_printf(out, markdown ? "\n**%s**\n\n" : "\n%s:\n", title);
    json_array_foreach(list, i, v) {
        gf_buf_printf(out, "%s%s\n", markdown ? "- " : "  - ", json_string_value(v));
    }
}

static void text_plan(struct gf_buf *out, const json_t *doc, bool markdown)
{
    const json_t *s = json_object_get(doc, "summary"), *actions = json_object_get(doc, "actions");
    const json_t *a;
    size_t i;

#define N(k) (long long)json_integer_value(json_object_get(s, k))
    gf_buf_printf(out,
                  markdown ? "### gitfargate plan for `%s` (%s, account %s)\n\n"
                           : "Plan for stack '%s' (region %s, account %s):\n",
                  json_string_value(json_object_get(doc, "stack")),
                  json_string_value(json_object_get(doc, "region")),
                  json_string_value(json_object_get(doc, "account")));
    gf_buf_printf(out,
                  "%s%lld to create, %lld to update, %lld to replace, %lld to delete, %lld drifted, "
                  "%lld unchanged; %lld API call%s planned\n",
                  markdown ? "" : "  ", N("create"), N("update"), N("replace"), N("delete"),
                  N("drift"), N("none"), N("planned_calls"), N("planned_calls") == 1 ? "" : "s");
#undef N
    if (markdown)
        gf_buf_puts(out, "\n| | kind | name | why |\n|---|---|---|---|\n");
    json_array_foreach(actions, i, a) { /* the unchanged are counted, not listed */
        text_action(out, a, markdown);
    }
    text_list(out, "Warnings", json_object_get(doc, "warnings"), markdown);
    text_list(out, "Preflight problems", json_object_get(doc, "problems"), markdown);
}

int gf_rc_format(struct gf_buf *out, const struct gf_rc *rc, enum gf_rc_format fmt)
{
    json_t *doc = plan_json(rc, fmt != GF_RC_FORMAT_JSON);
    char *text;

    if (!doc)
        return gf_error_oom();
    if (fmt == GF_RC_FORMAT_JSON) {
        text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text) {
            gf_buf_puts(out, text);
            gf_buf_puts(out, "\n");
        }
        free(text); /* jansson's allocator is the C library's */
    } else {
        text_plan(out, doc, fmt == GF_RC_FORMAT_MARKDOWN);
    }
    json_decref(doc);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

int gf_rc_format_warnings(struct gf_buf *out, const struct gf_rc *rc)
{
    text_list(out, "Warnings", rc->warnings, false);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}
