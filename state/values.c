/* SPDX-License-Identifier: Apache-2.0 */
/* values.c: visit every set value of a stack model in schema order, driven by the schema table
 * (state/schema.h), so `plan` can show which values were defaulted without per-key code. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"
#include "common/banned.h"

struct visit {
    gf_stack_value_fn *cb;
    void *payload;
    struct gf_buf path;
    struct gf_buf text;
};

static int emit_value(struct visit *v, const char *text, enum gf_origin origin, struct gf_pos pos)
{
    struct gf_stack_value value = {v->path.ptr, text, origin, pos};

    if (gf_buf_failed(&v->path))
        return GF_ENOMEM;
    return v->cb(&value, v->payload);
}

static int visit_rows(struct visit *v, const struct gf_schema_row *rows, const char *base);

/* Push ".key" (or "key" at the top) onto the path; returns the old length to restore. */
static size_t path_push(struct visit *v, const char *key, size_t len)
{
    size_t old = v->path.len;

    if (old)
        gf_buf_putc(&v->path, '.');
    gf_buf_put(&v->path, key, len);
    return old;
}

static int visit_list(struct visit *v, const struct gf_strlist *l)
{
    size_t i;

    if (l->origin == GF_ORIGIN_UNSET && l->n == 0)
        return 0;
    gf_buf_clear(&v->text);
    gf_buf_putc(&v->text, '[');
    for (i = 0; i < l->n; i++)
        gf_buf_printf(&v->text, "%s%s", i ? ", " : "", l->v[i]);
    gf_buf_putc(&v->text, ']');
    if (gf_buf_failed(&v->text))
        return GF_ENOMEM;
    return emit_value(v, v->text.ptr, l->origin, l->pos);
}

static int visit_map(struct visit *v, const struct gf_strmap *m)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < m->n && rc == 0; i++) {
        size_t old = path_push(v, m->v[i].key, strlen(m->v[i].key));

        rc = emit_value(v, m->v[i].value, m->origin, m->v[i].value_pos);
        gf_buf_truncate(&v->path, old);
    }
    return rc;
}

static int visit_scalar(struct visit *v, const struct gf_schema_row *row, const char *base)
{
    char num[32];

    switch (row->type) {
    case GF_SCHEMA_STRING:
    case GF_SCHEMA_TASK_TYPE: {
        const struct gf_str *s = (const struct gf_str *)(const void *)(base + row->off);

        return s->v ? emit_value(v, s->v, s->origin, s->pos) : 0;
    }
    case GF_SCHEMA_INT: {
        const struct gf_int *i = (const struct gf_int *)(const void *)(base + row->off);

        if (i->origin == GF_ORIGIN_UNSET)
            return 0;
        snprintf(num, sizeof(num), "%" PRId64, i->v);
        return emit_value(v, num, i->origin, i->pos);
    }
    case GF_SCHEMA_BOOL: {
        const struct gf_bool *b = (const struct gf_bool *)(const void *)(base + row->off);

        return b->origin == GF_ORIGIN_UNSET ? 0 : emit_value(v, b->v ? "true" : "false",
                                                               b->origin, b->pos);
    }
    default:
        return 0;
    }
}

static int visit_array(struct visit *v, const struct gf_schema_row *row, const char *base)
{
    const char *elems = *(char *const *)(const void *)(base + row->off);
    size_t n = *(const size_t *)(const void *)(base + row->aux_off);
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        const char *elem = elems + i * row->elem_size;
        const char *name = *(char *const *)(const void *)(elem + row->elem_key_off);
        size_t old = path_push(v, name ? name : "", name ? strlen(name) : 0);

        rc = visit_rows(v, row->children, elem);
        gf_buf_truncate(&v->path, old);
    }
    return rc;
}

static int visit_row(struct visit *v, const struct gf_schema_row *row, const char *base)
{
    switch (row->type) {
    case GF_SCHEMA_STRLIST:
        return visit_list(v, (const struct gf_strlist *)(const void *)(base + row->off));
    case GF_SCHEMA_STRMAP:
        return visit_map(v, (const struct gf_strmap *)(const void *)(base + row->off));
    case GF_SCHEMA_SECRETS: {
        int rc = visit_list(v, (const struct gf_strlist *)(const void *)(base + row->off));

        if (rc == 0 && row->aux_off != GF_SCHEMA_NO_OFF)
            rc = visit_map(v, (const struct gf_strmap *)(const void *)(base + row->aux_off));
        return rc;
    }
    case GF_SCHEMA_MAP:
        return visit_rows(v, row->children, base + row->off);
    case GF_SCHEMA_TASKS:
    case GF_SCHEMA_SCHEDULED:
        return visit_array(v, row, base);
    case GF_SCHEMA_ANY:
        return 0;
    default:
        return visit_scalar(v, row, base);
    }
}

static int visit_rows(struct visit *v, const struct gf_schema_row *rows, const char *base)
{
    int rc = 0;

    for (; rows && rows->key && rc == 0; rows++) {
        size_t old;

        if (rows->flags & GF_SCHEMA_LEGACY)
            continue;
        old = path_push(v, rows->key, strlen(rows->key));
        rc = visit_row(v, rows, base);
        gf_buf_truncate(&v->path, old);
    }
    return rc;
}

int gf_stack_each_value(const struct gf_stack *stack, gf_stack_value_fn *cb, void *payload)
{
    struct visit v = {cb, payload, GF_BUF_INIT, GF_BUF_INIT};
    int rc;

    rc = visit_rows(&v, gf_schema_stack(), (const char *)stack);
    if (rc == 0 && (gf_buf_failed(&v.path) || gf_buf_failed(&v.text)))
        rc = GF_ENOMEM;
    gf_buf_release(&v.path);
    gf_buf_release(&v.text);
    return rc;
}
