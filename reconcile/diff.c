/* SPDX-License-Identifier: Apache-2.0 */
/* diff.c: the generic comparison of a resource's desired attributes with its actual ones: every
 * member the stack asks for is compared, members AWS adds are ignored, and a desired value not
 * known before apply (GF_RC_UNKNOWN) matches any value AWS has (an absent one differs). Objects
 * are compared member by member so the plan names the exact field; arrays and scalars whole. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "common/banned.h"

#define MAX_REASON_FIELDS 3

static bool is_unknown(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), GF_RC_UNKNOWN) == 0;
}

static bool matches(const json_t *want, const json_t *have);

/* Every member of `want` matches the same member of `have` (members AWS adds are ignored). */
static bool object_matches(const json_t *want, const json_t *have)
{
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)want, k, v) {
        if (!matches(v, json_object_get(have, k)))
            return false;
    }
    return true;
}

static bool array_matches(const json_t *want, const json_t *have)
{
    size_t i;
    const json_t *v;

    if (json_array_size(want) != json_array_size(have))
        return false;
    json_array_foreach(want, i, v) {
        if (!matches(v, json_array_get(have, i)))
            return false;
    }
    return true;
}

/* json_equal with GF_RC_UNKNOWN matching anything, and desired objects as subsets. */
static bool matches(const json_t *want, const json_t *have)
{
    if (is_unknown(want)) /* whatever AWS has, but it must have something */
        return have != NULL && !json_is_null(have);
    if (json_is_object(want) && json_is_object(have))
        return object_matches(want, have);
    if (json_is_array(want) && json_is_array(have))
        return array_matches(want, have);
    if (json_is_number(want) && json_is_number(have))
        return json_number_value(want) == json_number_value(have);
    return json_equal(want, have);
}

static int add_diff(json_t *diffs, const char *field, const json_t *want, const json_t *have)
{
    json_t *d = json_pack("{s:s, s:O, s:O}", "field", field, "want", want, "have",
                          have ? have : json_null());

    if (!d || json_array_append_new(diffs, d) < 0)
        return gf_error_oom();
    return 0;
}

static int walk(json_t *diffs, const char *path, const json_t *want, const json_t *have)
{
    const char *k;
    json_t *v;
    char sub[512];
    int rc;

    if (json_is_object(want) && json_is_object(have)) {
        json_object_foreach((json_t *)want, k, v) {
            snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
            rc = walk(diffs, sub, v, json_object_get(have, k));
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (matches(want, have))
        return 0;
    return add_diff(diffs, *path ? path : "(all)", want, have);
}

bool gf_rc_matches(const json_t *desired, const json_t *actual)
{
    return matches(desired, actual);
}

static void short_value(struct gf_buf *out, const json_t *v)
{
    char *text;

    if (!v || json_is_null(v)) {
        gf_buf_puts(out, "(none)");
        return;
    }
    text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) {
        gf_buf_puts(out, "?");
        return;
    }
    if (strlen(text) > 60)
        gf_buf_printf(out, "%.57s...", text);
    else
        gf_buf_puts(out, text);
    free(text); /* jansson's allocator is the C library's */
}

int gf_rc_diff(struct gf_rc_res *r)
{
    struct gf_buf reason = GF_BUF_INIT;
    size_t i;
    json_t *d;
    int rc;

    json_decref(r->diffs);
    r->diffs = json_array();
    if (!r->diffs)
        return gf_error_oom();
    if (!r->desired || !r->actual)
        return 0;
    rc = walk(r->diffs, "", r->desired, r->actual);
    if (rc < 0)
        return rc;
    json_array_foreach(r->diffs, i, d) {
        if (i == MAX_REASON_FIELDS) {
            gf_buf_printf(&reason, " and %zu more", json_array_size(r->diffs) - i);
            break;
        }
        gf_buf_printf(&reason, "%s%s ", i ? ", " : "",
                      json_string_value(json_object_get(d, "field")));
        short_value(&reason, json_object_get(d, "have"));
        gf_buf_puts(&reason, " -> ");
        short_value(&reason, json_object_get(d, "want"));
    }
    if (gf_buf_failed(&reason)) {
        gf_buf_release(&reason);
        return gf_error_oom();
    }
    gf_free(r->reason);
    r->reason = reason.len ? gf_strdup(reason.ptr) : NULL;
    gf_buf_release(&reason);
    return 0;
}
