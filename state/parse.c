/* SPDX-License-Identifier: Apache-2.0 */
/* parse.c: the stack file's node tree (state/yaml.c) -> the model (state/stack.h), driven by
 * the schema rows (state/schema.c). Only structure is checked here: duplicate and unknown
 * keys, value types, legacy keys. Every problem is collected; semantic rules are
 * state/validate.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"
#include "state/yaml.h"

#include "common/banned.h"

/* Past this many problems in one file the rest are noise (and a hostile file could make
 * millions). */
#define PARSE_MAX_DIAGS 100

struct pctx {
    struct gf_diags *diags;
    struct gf_buf key; /* dotted path of the value being parsed: "tasks.web.port" */
    size_t n_diags;
    bool capped;
};

typedef int field_parse_fn(struct pctx *c, const struct gf_schema_row *row, char *base,
                           const struct gf_yaml_node *k, const struct gf_yaml_node *v);

static int parse_map(struct pctx *c, const struct gf_schema_row *rows, char *base,
                     const struct gf_yaml_node *map);

/* ---- diagnostics ---- */

static int diag(struct pctx *c, enum gf_diag_severity sev, struct gf_pos pos, const char *hint,
                const char *fmt, ...) GF_PRINTF(5, 6);

static int diag(struct pctx *c, enum gf_diag_severity sev, struct gf_pos pos, const char *hint,
                const char *fmt, ...)
{
    struct gf_buf msg = GF_BUF_INIT;
    va_list ap;
    int rc;

    if (c->capped)
        return 0;
    if (c->n_diags == PARSE_MAX_DIAGS) {
        c->capped = true;
        return gf_diags_addf(c->diags, GF_DIAG_ERROR, pos, c->key.ptr, "fix these first",
                             "too many problems, stopping after %d", PARSE_MAX_DIAGS);
    }
    c->n_diags++;
    va_start(ap, fmt);
    gf_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (gf_buf_failed(&msg))
        return gf_error_oom();
    rc = gf_diags_add(c->diags, sev, pos, c->key.ptr, msg.ptr, hint);
    gf_buf_release(&msg);
    return rc;
}

/* A short, printable rendering of a node for messages: 'text', "a map", "an empty value". */
static const char *describe(char *buf, size_t size, const struct gf_yaml_node *v)
{
    size_t n = 0;
    size_t i;
    size_t take;

    if (v->kind != GF_YAML_SCALAR)
        return gf_yaml_kind_name(v->kind);
    if (gf_yaml_is_null(v))
        return "an empty value";
    GF_ASSERT(size >= 8);
    take = v->len;
    if (take > size - 6) {
        take = size - 6;
        while (take > 0 && ((unsigned char)v->text[take] & 0xC0) == 0x80)
            take--;
    }
    buf[n++] = '\'';
    for (i = 0; i < take; i++) {
        unsigned char ch = (unsigned char)v->text[i];

        buf[n++] = (char)(ch < 0x20 || ch == 0x7F ? '?' : ch);
    }
    if (take < v->len) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

#define DESCRIBE_SIZE 56

static int key_push(struct pctx *c, const char *seg, size_t len, size_t *saved)
{
    *saved = c->key.len;
    if (c->key.len)
        gf_buf_putc(&c->key, '.');
    gf_buf_put(&c->key, seg, len);
    if (gf_buf_failed(&c->key))
        return gf_error_oom();
    return 0;
}

static int wrong_type(struct pctx *c, const char *want, const struct gf_yaml_node *v)
{
    char buf[DESCRIBE_SIZE];

    return diag(c, GF_DIAG_ERROR, v->pos, NULL, "expected %s for '%s', found %s", want, c->key.ptr,
                describe(buf, sizeof(buf), v));
}

static bool has_nul(const struct gf_yaml_node *v)
{
    return memchr(v->text, '\0', v->len) != NULL;
}

static int nul_char(struct pctx *c, const struct gf_yaml_node *v)
{
    return diag(c, GF_DIAG_ERROR, v->pos, "remove the \\0 escape", "'%s' contains a NUL character",
                c->key.ptr);
}

/* A key usable as a name: a scalar without NUL that is not a repeat. Reports the problem
 * and returns 1 when the pair must be skipped, 0 when usable, <0 on OOM. */
static int check_key(struct pctx *c, const struct gf_yaml_pair *p)
{
    char buf[DESCRIBE_SIZE];
    int rc;

    if (p->key->kind != GF_YAML_SCALAR) {
        rc = diag(c, GF_DIAG_ERROR, p->key->pos, NULL, "expected a name as key in '%s', found %s",
                  c->key.len ? c->key.ptr : "the top level", gf_yaml_kind_name(p->key->kind));
        return rc < 0 ? rc : 1;
    }
    if (p->dup_of) {
        size_t saved;

        rc = key_push(c, p->key->text, p->key->len, &saved);
        if (rc < 0)
            return rc;
        rc = diag(c, GF_DIAG_ERROR, p->key->pos, "remove one of them",
                  "duplicate key %s, first at line %u", describe(buf, sizeof(buf), p->key),
                  (unsigned)p->dup_of->pos.line);
        gf_buf_truncate(&c->key, saved);
        return rc < 0 ? rc : 1;
    }
    if (has_nul(p->key)) {
        rc = diag(c, GF_DIAG_ERROR, p->key->pos, "remove the \\0 escape",
                  "key %s contains a NUL character", describe(buf, sizeof(buf), p->key));
        return rc < 0 ? rc : 1;
    }
    return 0;
}

/* ---- setting values ---- */

static int set_str(struct gf_str *dst, const struct gf_yaml_node *v)
{
    char *s = gf_strndup(v->text, v->len);

    if (!s)
        return gf_error_oom();
    gf_free(dst->v);
    dst->v = s;
    dst->origin = GF_ORIGIN_USER;
    dst->pos = v->pos;
    return 0;
}

static void strlist_clear(struct gf_strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        gf_free(l->v[i]);
    gf_free(l->v);
    gf_free(l->vpos);
    memset(l, 0, sizeof(*l));
}

static void strmap_clear(struct gf_strmap *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        gf_free(m->v[i].key);
        gf_free(m->v[i].value);
    }
    gf_free(m->v);
    memset(m, 0, sizeof(*m));
}

/* A scalar value for a string-like field; 1 = skip (reported or null), 0 = use it. */
static int want_scalar(struct pctx *c, const struct gf_yaml_node *v, const char *want)
{
    int rc;

    if (gf_yaml_is_null(v))
        return 1;
    if (v->kind != GF_YAML_SCALAR) {
        rc = wrong_type(c, want, v);
        return rc < 0 ? rc : 1;
    }
    if (has_nul(v)) {
        rc = nul_char(c, v);
        return rc < 0 ? rc : 1;
    }
    return 0;
}

static int parse_string(struct pctx *c, const struct gf_schema_row *row, char *base,
                        const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    int rc = want_scalar(c, v, "a string");

    (void)k;
    if (rc != 0)
        return rc < 0 ? rc : 0;
    return set_str((struct gf_str *)(base + row->off), v);
}

static enum gf_task_type task_type_from(const char *text)
{
    static const char *const names[] = {"task", "daemon", "http", "https"};
    static const enum gf_task_type types[] = {GF_TASK_TASK, GF_TASK_DAEMON, GF_TASK_HTTP,
                                              GF_TASK_HTTPS};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0)
            return types[i];
    }
    return GF_TASK_UNSET; /* state/validate.c reports it */
}

static int parse_task_type(struct pctx *c, const struct gf_schema_row *row, char *base,
                           const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    struct gf_str *text = (struct gf_str *)(base + row->off);
    int rc = parse_string(c, row, base, k, v);

    if (rc < 0 || !text->v)
        return rc;
    *(enum gf_task_type *)(base + row->aux_off) = task_type_from(text->v);
    return 0;
}

static int parse_int(struct pctx *c, const struct gf_schema_row *row, char *base,
                     const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    struct gf_int *dst = (struct gf_int *)(base + row->off);
    int64_t n;

    (void)k;
    if (row->flags & GF_SCHEMA_PRESENCE)
        *(bool *)(base + row->aux_off) = true;
    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind != GF_YAML_SCALAR || has_nul(v) ||
        gf_slice_to_i64(&n, gf_slice_make(v->text, v->len), INT64_MIN, INT64_MAX) < 0)
        return wrong_type(c, "a number", v);
    dst->v = n;
    dst->origin = GF_ORIGIN_USER;
    dst->pos = v->pos;
    return 0;
}

static int parse_bool(struct pctx *c, const struct gf_schema_row *row, char *base,
                      const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    struct gf_bool *dst = (struct gf_bool *)(base + row->off);
    size_t i;
    int found = -1;

    (void)k;
    if (gf_yaml_is_null(v))
        return 0;
    for (i = 0; i < 3 && v->kind == GF_YAML_SCALAR && !has_nul(v); i++) {
        if (strcasecmp(v->text, yes[i]) == 0)
            found = 1;
        else if (strcasecmp(v->text, no[i]) == 0)
            found = 0;
    }
    if (found < 0)
        return wrong_type(c, "true or false", v);
    dst->v = found == 1;
    dst->origin = GF_ORIGIN_USER;
    dst->pos = v->pos;
    return 0;
}

static int fill_strlist(struct pctx *c, struct gf_strlist *dst, const struct gf_yaml_node *v)
{
    size_t i;
    int rc;

    strlist_clear(dst);
    dst->origin = GF_ORIGIN_USER;
    dst->pos = v->pos;
    dst->v = gf_calloc(v->n ? v->n : 1, sizeof(*dst->v));
    dst->vpos = gf_calloc(v->n ? v->n : 1, sizeof(*dst->vpos));
    if (!dst->v || !dst->vpos)
        return gf_error_oom();
    for (i = 0; i < v->n; i++) {
        const struct gf_yaml_node *item = v->items[i];

        if (gf_yaml_is_null(item)) {
            rc = wrong_type(c, "a string", item);
            if (rc < 0)
                return rc;
            continue;
        }
        rc = want_scalar(c, item, "a string");
        if (rc < 0)
            return rc;
        if (rc != 0)
            continue;
        dst->v[dst->n] = gf_strndup(item->text, item->len);
        if (!dst->v[dst->n])
            return gf_error_oom();
        dst->vpos[dst->n++] = item->pos;
    }
    return 0;
}

static int parse_strlist(struct pctx *c, const struct gf_schema_row *row, char *base,
                         const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    (void)k;
    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind != GF_YAML_SEQ)
        return wrong_type(c, "a list", v);
    return fill_strlist(c, (struct gf_strlist *)(base + row->off), v);
}

static int strmap_entry(struct pctx *c, struct gf_strmap *dst, const struct gf_yaml_pair *p)
{
    struct gf_kv *kv = &dst->v[dst->n];
    size_t saved;
    int rc;

    rc = check_key(c, p);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    rc = key_push(c, p->key->text, p->key->len, &saved);
    if (rc < 0)
        return rc;
    if (!gf_yaml_is_null(p->value))
        rc = want_scalar(c, p->value, "a string");
    if (rc == 0) {
        kv->key = gf_strndup(p->key->text, p->key->len);
        kv->value =
            gf_yaml_is_null(p->value) ? gf_strdup("") : gf_strndup(p->value->text, p->value->len);
        kv->key_pos = p->key->pos;
        kv->value_pos = p->value->pos;
        dst->n++; /* counted first: a failed copy is still freed by strmap_clear */
        if (!kv->key || !kv->value)
            rc = gf_error_oom();
    }
    gf_buf_truncate(&c->key, saved);
    return rc < 0 ? rc : 0;
}

static int fill_strmap(struct pctx *c, struct gf_strmap *dst, const struct gf_yaml_node *v)
{
    size_t i;
    int rc;

    strmap_clear(dst);
    dst->origin = GF_ORIGIN_USER;
    dst->pos = v->pos;
    dst->v = gf_calloc(v->n ? v->n : 1, sizeof(*dst->v));
    if (!dst->v)
        return gf_error_oom();
    for (i = 0; i < v->n; i++) {
        rc = strmap_entry(c, dst, &v->pairs[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_strmap(struct pctx *c, const struct gf_schema_row *row, char *base,
                        const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    (void)k;
    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind != GF_YAML_MAP)
        return wrong_type(c, "a map", v);
    return fill_strmap(c, (struct gf_strmap *)(base + row->off), v);
}

static int parse_secrets(struct pctx *c, const struct gf_schema_row *row, char *base,
                         const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    (void)k;
    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind == GF_YAML_SEQ)
        return fill_strlist(c, (struct gf_strlist *)(base + row->off), v);
    if (v->kind == GF_YAML_MAP)
        return fill_strmap(c, (struct gf_strmap *)(base + row->aux_off), v);
    return wrong_type(c, "a list or a map", v);
}

static int parse_nested(struct pctx *c, const struct gf_schema_row *row, char *base,
                        const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind != GF_YAML_MAP)
        return wrong_type(c, "a map", v);
    if (row->pos_off != GF_SCHEMA_NO_OFF)
        *(struct gf_pos *)(base + row->pos_off) = k->pos;
    if (row->aux_off != GF_SCHEMA_NO_OFF)
        *(bool *)(base + row->aux_off) = true;
    return parse_map(c, row->children, base + row->off, v);
}

/* One element of a keyed map (a task, a scheduled action). */
static int keyed_entry(struct pctx *c, const struct gf_schema_row *row, char *base,
                       const struct gf_yaml_pair *p)
{
    char *arr = *(char **)(base + row->off);
    size_t *count = (size_t *)(base + row->aux_off);
    char *elem = arr + *count * row->elem_size;
    char *name = NULL;
    size_t saved;
    int rc;

    rc = check_key(c, p);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    rc = key_push(c, p->key->text, p->key->len, &saved);
    if (rc < 0)
        return rc;
    name = gf_strndup(p->key->text, p->key->len);
    if (!name) {
        rc = gf_error_oom();
        goto out;
    }
    (*count)++;
    *(char **)(elem + row->elem_key_off) = name;
    *(struct gf_pos *)(elem + row->elem_pos_off) = p->key->pos;
    if (gf_yaml_is_null(p->value))
        goto out;
    if (p->value->kind != GF_YAML_MAP)
        rc = wrong_type(c, "a map", p->value);
    else
        rc = parse_map(c, row->children, elem, p->value);
out:
    gf_buf_truncate(&c->key, saved);
    return rc;
}

static int parse_keyed(struct pctx *c, const struct gf_schema_row *row, char *base,
                       const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    char **arr = (char **)(base + row->off);
    size_t i;
    int rc;

    if (gf_yaml_is_null(v))
        return 0;
    if (v->kind != GF_YAML_MAP)
        return wrong_type(c, "a map", v);
    GF_ASSERT(*arr == NULL); /* duplicates are skipped, so each row is set once */
    *(struct gf_pos *)(base + row->pos_off) = k->pos;
    *arr = gf_calloc(v->n ? v->n : 1, row->elem_size);
    if (!*arr)
        return gf_error_oom();
    for (i = 0; i < v->n; i++) {
        rc = keyed_entry(c, row, base, &v->pairs[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_legacy(struct pctx *c, const struct gf_schema_row *row, char *base,
                        const struct gf_yaml_node *k, const struct gf_yaml_node *v)
{
    (void)base;
    (void)v;
    return diag(c, GF_DIAG_WARNING, k->pos, "remove it", "legacy key '%s' is ignored", row->key);
}

static field_parse_fn *const s_parsers[] = {
    [GF_SCHEMA_STRING] = parse_string,   [GF_SCHEMA_INT] = parse_int,
    [GF_SCHEMA_BOOL] = parse_bool,       [GF_SCHEMA_STRLIST] = parse_strlist,
    [GF_SCHEMA_STRMAP] = parse_strmap,   [GF_SCHEMA_MAP] = parse_nested,
    [GF_SCHEMA_TASKS] = parse_keyed,     [GF_SCHEMA_SCHEDULED] = parse_keyed,
    [GF_SCHEMA_SECRETS] = parse_secrets, [GF_SCHEMA_TASK_TYPE] = parse_task_type,
    [GF_SCHEMA_ANY] = parse_legacy,
};

/* ---- unknown keys ---- */

static int valid_keys_hint(struct gf_buf *out, const struct gf_schema_row *rows)
{
    size_t i;
    size_t n = 0;

    for (i = 0; rows[i].key; i++)
        n += !(rows[i].flags & GF_SCHEMA_LEGACY);
    if (n > 6)
        return 0;
    gf_buf_puts(out, "valid keys: ");
    for (i = 0, n = 0; rows[i].key; i++) {
        if (rows[i].flags & GF_SCHEMA_LEGACY)
            continue;
        gf_buf_printf(out, "%s%s", n++ ? ", " : "", rows[i].key);
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

static int unknown_key(struct pctx *c, const struct gf_schema_row *rows,
                       const struct gf_yaml_node *k, size_t parent_len)
{
    struct gf_buf hint = GF_BUF_INIT;
    const struct gf_schema_row *best;
    char buf[DESCRIBE_SIZE];
    char parent[128];
    int rc = 0;

    if (k->len == 2 && memcmp(k->text, "<<", 2) == 0)
        return diag(c, GF_DIAG_ERROR, k->pos, "repeat the keys instead",
                    "merge keys ('<<') are not supported");
    best = gf_schema_suggest(rows, k->text, k->len);
    if (best)
        gf_buf_printf(&hint, "did you mean '%s'?", best->key);
    else
        rc = valid_keys_hint(&hint, rows);
    if (rc == 0 && gf_buf_failed(&hint))
        rc = gf_error_oom();
    if (rc == 0) {
        snprintf(parent, sizeof(parent), "%.*s", (int)parent_len, c->key.ptr);
        rc = diag(c, GF_DIAG_ERROR, k->pos, hint.len ? hint.ptr : NULL, "unknown key %s%s%s%s",
                  describe(buf, sizeof(buf), k), parent_len ? " in '" : "",
                  parent_len ? parent : "", parent_len ? "'" : "");
    }
    gf_buf_release(&hint);
    return rc;
}

/* ---- the walk ---- */

static int map_pair(struct pctx *c, const struct gf_schema_row *rows, char *base,
                    const struct gf_yaml_pair *p)
{
    const struct gf_schema_row *row;
    size_t saved;
    int rc;

    rc = check_key(c, p);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    rc = key_push(c, p->key->text, p->key->len, &saved);
    if (rc < 0)
        return rc;
    row = gf_schema_find(rows, p->key->text, p->key->len);
    if (!row)
        rc = unknown_key(c, rows, p->key, saved);
    else
        rc = s_parsers[row->type](c, row, base, p->key, p->value);
    gf_buf_truncate(&c->key, saved);
    return rc;
}

static int parse_map(struct pctx *c, const struct gf_schema_row *rows, char *base,
                     const struct gf_yaml_node *map)
{
    size_t i;
    int rc;

    for (i = 0; i < map->n && !c->capped; i++) {
        rc = map_pair(c, rows, base, &map->pairs[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The loader's error (already in gf_error) as the one diagnostic. */
static int load_failed(struct gf_diags *diags, struct gf_pos pos)
{
    struct gf_error e;
    int rc;

    gf_error_copy(&e, gf_error_last());
    rc = gf_diags_add(diags, GF_DIAG_ERROR, pos, "", e.msg, e.hint[0] ? e.hint : NULL);
    if (rc < 0)
        return rc;
    gf_error_restore(&e);
    return GF_EINVALID;
}

int gf_stack_parse(struct gf_stack **out, struct gf_diags *diags, const char *path,
                   struct gf_slice bytes)
{
    struct gf_stack *stack = NULL;
    struct gf_yaml_doc *doc = NULL;
    struct pctx c;
    struct gf_pos err_pos;
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.diags = diags;
    gf_buf_init(&c.key, 0);
    if (!path)
        path = "";
    rc = gf_yaml_load(&doc, &err_pos, path, bytes);
    if (rc == GF_EINVALID)
        rc = load_failed(diags, err_pos);
    if (rc < 0)
        goto out;
    stack = gf_calloc(1, sizeof(*stack));
    if (!stack) {
        rc = gf_error_oom();
        goto out;
    }
    gf_buf_init(&stack->src, 0);
    stack->path = gf_strdup(path);
    gf_buf_put(&stack->src, bytes.ptr, bytes.len);
    if (!stack->path || gf_buf_failed(&stack->src)) {
        rc = gf_error_oom();
        goto out;
    }
    rc = parse_map(&c, gf_schema_stack(), (char *)stack, gf_yaml_doc_root(doc));
    if (rc < 0)
        goto out;
    *out = stack;
    stack = NULL;
out:
    gf_stack_free(stack);
    gf_yaml_doc_free(doc);
    gf_buf_release(&c.key);
    return rc;
}

static int read_file(struct gf_buf *out, FILE *f)
{
    char chunk[16384];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (gf_buf_put(out, chunk, n) < 0)
            return GF_ENOMEM;
        if (out->len > GF_STACK_MAX_BYTES)
            return 0; /* gf_stack_parse reports the size */
    }
    if (ferror(f))
        return gf_error_set(GF_ERROR, "cannot read the file");
    return 0;
}

int gf_stack_load(struct gf_stack **out, struct gf_diags *diags, const char *path)
{
    struct gf_buf bytes = GF_BUF_INIT;
    FILE *f = NULL;
    int rc;

    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        rc = gf_error_set(GF_ENOTFOUND, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
    rc = read_file(&bytes, f);
    if (rc < 0) {
        gf_error_where("%s", path);
        goto out;
    }
    rc = gf_stack_parse(out, diags, path, gf_buf_slice(&bytes));
out:
    if (f)
        fclose(f);
    gf_buf_release(&bytes);
    return rc;
}
