/* SPDX-License-Identifier: Apache-2.0 */
/* emit.c: the model -> YAML text, the "commit state" step of the pass (gf_stack_emit).
 * Keys in schema order, 2-space block style, every set value whatever its origin, and a
 * quoting rule that depends only on the string, so emit(parse(emit(m))) == emit(m). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"
#include "state/yaml.h"

#include "common/banned.h"

/* libyaml refuses implicit keys longer than 1024 characters; past this, write `? key`. */
#define EMIT_MAX_SIMPLE_KEY 1000

enum quote { QUOTE_PLAIN = 0, QUOTE_SINGLE, QUOTE_DOUBLE };

/* Characters a plain scalar in block context must not need: a line break, a control
 * character, or what libyaml reads as a break or a BOM. */
static bool needs_escape(const unsigned char *p)
{
    if (p[0] < 0x20 || p[0] == 0x7F)
        return true;
    if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
        return true; /* C1 controls, NEL */
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        return true; /* LS, PS */
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return true; /* BOM */
    if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        return true; /* U+FFFE, U+FFFF */
    return false;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Would a YAML 1.1 or 1.2 reader take it for a number or a timestamp? Errs toward yes. */
static bool looks_numeric(const char *s)
{
    const char *p = s;
    size_t digits = 0;

    if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-')
        return true; /* 2001-12-14... */
    if (*p == '+' || *p == '-')
        p++;
    if (strcasecmp(p, ".inf") == 0 || strcasecmp(p, ".nan") == 0)
        return true;
    if (p[0] == '0' && strchr("xXoObB", p[1]) && p[1] && p[2])
        return strspn(p + 2, "0123456789abcdefABCDEF_") == strlen(p + 2);
    for (; *p && strchr("0123456789_.:-", *p); p++)
        digits += is_digit(*p);
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return false;
        while (is_digit(*p))
            p++;
    }
    return digits > 0 && *p == '\0';
}

static bool looks_special(const char *s)
{
    static const char *const words[] = {"y",  "n",   "yes",  "no", "true", "false",
                                        "on", "off", "null", "~",  "<<",   "="};
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasecmp(s, words[i]) == 0)
            return true;
    }
    return false;
}

static bool plain_unsafe(const char *s)
{
    size_t len = strlen(s);
    char c = s[0];

    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
        return true;
    if (strchr(",[]{}#&*!|>'\"%@`", c))
        return true;
    if ((c == '-' || c == '?' || c == ':') && (s[1] == '\0' || s[1] == ' '))
        return true;
    if (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0)
        return true;
    if (strstr(s, ": ") || strstr(s, " #"))
        return true;
    return looks_special(s) || looks_numeric(s);
}

static int pick_quote(enum quote *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i;

    if (gf_yaml_utf8_invalid_at(gf_slice_make(s, len)) >= 0)
        return gf_error_set(GF_EINVALID, "cannot write a value that is not valid UTF-8");
    for (i = 0; i < len; i++) {
        if (needs_escape(p + i)) {
            *out = QUOTE_DOUBLE;
            return 0;
        }
    }
    *out = plain_unsafe(s) ? QUOTE_SINGLE : QUOTE_PLAIN;
    return 0;
}

static void put_escape(struct gf_buf *out, const unsigned char *p, size_t *i)
{
    static const char simple[] = "0\0"
                                 "a\a"
                                 "b\b"
                                 "t\t"
                                 "n\n"
                                 "v\v"
                                 "f\f"
                                 "r\r"
                                 "e\x1b"
                                 "\"\""
                                 "\\\\";
    size_t k;

    if (p[0] == 0xC2 && p[1] == 0x85) {
        gf_buf_puts(out, "\\N");
        *i += 1;
        return;
    }
    if (p[0] == 0xC2) {
        gf_buf_printf(out, "\\x%02X", p[1]);
        *i += 1;
        return;
    }
    if (p[0] == 0xE2) {
        gf_buf_puts(out, p[2] == 0xA8 ? "\\L" : "\\P");
        *i += 2;
        return;
    }
    if (p[0] == 0xEF) {
        gf_buf_printf(out, "\\u%s", p[1] == 0xBB ? "FEFF" : (p[2] == 0xBE ? "FFFE" : "FFFF"));
        *i += 2;
        return;
    }
    for (k = 0; k + 1 < sizeof(simple); k += 2) {
        if ((unsigned char)simple[k + 1] == p[0] && !(p[0] == 0 && k != 0)) {
            gf_buf_putc(out, '\\');
            gf_buf_putc(out, simple[k]);
            return;
        }
    }
    gf_buf_printf(out, "\\x%02X", p[0]);
}

static void put_double(struct gf_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i;

    gf_buf_putc(out, '"');
    for (i = 0; p[i]; i++) {
        if (p[i] == '"' || p[i] == '\\' || needs_escape(p + i))
            put_escape(out, p + i, &i);
        else
            gf_buf_putc(out, (char)p[i]);
    }
    gf_buf_putc(out, '"');
}

static void put_single(struct gf_buf *out, const char *s)
{
    gf_buf_putc(out, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            gf_buf_putc(out, '\'');
        gf_buf_putc(out, *s);
    }
    gf_buf_putc(out, '\'');
}

static int put_scalar(struct gf_buf *out, const char *s)
{
    enum quote q = QUOTE_PLAIN;
    int rc = pick_quote(&q, s);

    if (rc < 0)
        return rc;
    if (q == QUOTE_DOUBLE)
        put_double(out, s);
    else if (q == QUOTE_SINGLE)
        put_single(out, s);
    else
        gf_buf_puts(out, s);
    return 0;
}

static void put_indent(struct gf_buf *out, unsigned indent)
{
    unsigned i;

    for (i = 0; i < indent; i++)
        gf_buf_putc(out, ' ');
}

/* "<indent>key:" (or "<indent>? key\n<indent>:" for a key too long to be implicit). */
static int put_key(struct gf_buf *out, unsigned indent, const char *key)
{
    size_t start;
    int rc;

    put_indent(out, indent);
    start = out->len;
    rc = put_scalar(out, key);
    if (rc < 0 || gf_buf_failed(out))
        return rc < 0 ? rc : gf_error_oom();
    if (out->len - start > EMIT_MAX_SIMPLE_KEY) {
        gf_buf_truncate(out, start);
        gf_buf_puts(out, "? ");
        put_scalar(out, key);
        gf_buf_putc(out, '\n');
        put_indent(out, indent);
    }
    gf_buf_putc(out, ':');
    return 0;
}

static int put_str_line(struct gf_buf *out, const char *s)
{
    int rc;

    gf_buf_putc(out, ' ');
    rc = put_scalar(out, s);
    gf_buf_putc(out, '\n');
    return rc;
}

/* ---- what is set ---- */

static bool rows_set(const struct gf_schema_row *rows, const char *base);

static bool strlist_set(const struct gf_strlist *l)
{
    return l->origin != GF_ORIGIN_UNSET || l->n > 0;
}

static bool strmap_set(const struct gf_strmap *m)
{
    return m->origin != GF_ORIGIN_UNSET || m->n > 0;
}

static bool row_set(const struct gf_schema_row *r, const char *base)
{
    switch (r->type) {
    case GF_SCHEMA_STRING:
        return ((const struct gf_str *)(base + r->off))->v != NULL;
    case GF_SCHEMA_TASK_TYPE:
        return ((const struct gf_str *)(base + r->off))->v != NULL ||
               *(const enum gf_task_type *)(base + r->aux_off) != GF_TASK_UNSET;
    case GF_SCHEMA_INT:
        return ((const struct gf_int *)(base + r->off))->origin != GF_ORIGIN_UNSET ||
               ((r->flags & GF_SCHEMA_PRESENCE) && *(const bool *)(base + r->aux_off));
    case GF_SCHEMA_BOOL:
        return ((const struct gf_bool *)(base + r->off))->origin != GF_ORIGIN_UNSET;
    case GF_SCHEMA_STRLIST:
        return strlist_set((const struct gf_strlist *)(base + r->off));
    case GF_SCHEMA_STRMAP:
        return strmap_set((const struct gf_strmap *)(base + r->off));
    case GF_SCHEMA_SECRETS:
        return strlist_set((const struct gf_strlist *)(base + r->off)) ||
               strmap_set((const struct gf_strmap *)(base + r->aux_off));
    case GF_SCHEMA_MAP:
        return (r->aux_off != GF_SCHEMA_NO_OFF && *(const bool *)(base + r->aux_off)) ||
               rows_set(r->children, base + r->off);
    case GF_SCHEMA_TASKS:
    case GF_SCHEMA_SCHEDULED:
        return *(const size_t *)(base + r->aux_off) > 0;
    case GF_SCHEMA_ANY:
        break;
    }
    return false;
}

static bool rows_set(const struct gf_schema_row *rows, const char *base)
{
    size_t i;

    for (i = 0; rows[i].key; i++) {
        if (row_set(&rows[i], base))
            return true;
    }
    return false;
}

/* ---- writing ---- */

static int emit_rows(struct gf_buf *out, const struct gf_schema_row *rows, const char *base,
                     unsigned indent);

static int emit_strlist(struct gf_buf *out, const struct gf_strlist *l, unsigned indent)
{
    size_t i;
    int rc;

    if (l->n == 0) {
        gf_buf_puts(out, " []\n");
        return 0;
    }
    gf_buf_putc(out, '\n');
    for (i = 0; i < l->n; i++) {
        put_indent(out, indent + 2);
        gf_buf_puts(out, "- ");
        rc = put_scalar(out, l->v[i] ? l->v[i] : "");
        if (rc < 0)
            return rc;
        gf_buf_putc(out, '\n');
    }
    return 0;
}

static int emit_strmap(struct gf_buf *out, const struct gf_strmap *m, unsigned indent)
{
    size_t i;
    int rc;

    if (m->n == 0) {
        gf_buf_puts(out, " {}\n");
        return 0;
    }
    gf_buf_putc(out, '\n');
    for (i = 0; i < m->n; i++) {
        rc = put_key(out, indent + 2, m->v[i].key ? m->v[i].key : "");
        if (rc < 0)
            return rc;
        rc = put_str_line(out, m->v[i].value ? m->v[i].value : "");
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int emit_keyed(struct gf_buf *out, const struct gf_schema_row *r, const char *base,
                      unsigned indent)
{
    const char *arr = *(const char *const *)(base + r->off);
    size_t n = *(const size_t *)(base + r->aux_off);
    size_t i;
    int rc;

    gf_buf_putc(out, '\n');
    for (i = 0; i < n; i++) {
        const char *elem = arr + i * r->elem_size;
        const char *name = *(const char *const *)(elem + r->elem_key_off);

        rc = put_key(out, indent + 2, name ? name : "");
        if (rc < 0)
            return rc;
        if (!rows_set(r->children, elem)) {
            gf_buf_puts(out, " {}\n");
            continue;
        }
        gf_buf_putc(out, '\n');
        rc = emit_rows(out, r->children, elem, indent + 4);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int emit_value(struct gf_buf *out, const struct gf_schema_row *r, const char *base,
                      unsigned indent)
{
    const struct gf_int *iv;
    const struct gf_str *sv;

    switch (r->type) {
    case GF_SCHEMA_STRING:
        return put_str_line(out, ((const struct gf_str *)(base + r->off))->v);
    case GF_SCHEMA_TASK_TYPE:
        sv = (const struct gf_str *)(base + r->off);
        return put_str_line(
            out,
            sv->v ? sv->v : gf_task_type_name(*(const enum gf_task_type *)(base + r->aux_off)));
    case GF_SCHEMA_INT:
        iv = (const struct gf_int *)(base + r->off);
        if (iv->origin == GF_ORIGIN_UNSET) /* present but empty: max_receive_count */
            gf_buf_putc(out, '\n');
        else
            gf_buf_printf(out, " %" PRId64 "\n", iv->v);
        return 0;
    case GF_SCHEMA_BOOL:
        gf_buf_puts(out, ((const struct gf_bool *)(base + r->off))->v ? " true\n" : " false\n");
        return 0;
    case GF_SCHEMA_STRLIST:
        return emit_strlist(out, (const struct gf_strlist *)(base + r->off), indent);
    case GF_SCHEMA_STRMAP:
        return emit_strmap(out, (const struct gf_strmap *)(base + r->off), indent);
    case GF_SCHEMA_SECRETS:
        if (strlist_set((const struct gf_strlist *)(base + r->off)))
            return emit_strlist(out, (const struct gf_strlist *)(base + r->off), indent);
        return emit_strmap(out, (const struct gf_strmap *)(base + r->aux_off), indent);
    case GF_SCHEMA_MAP:
        if (!rows_set(r->children, base + r->off)) {
            gf_buf_puts(out, " {}\n");
            return 0;
        }
        gf_buf_putc(out, '\n');
        return emit_rows(out, r->children, base + r->off, indent + 2);
    case GF_SCHEMA_TASKS:
    case GF_SCHEMA_SCHEDULED:
        return emit_keyed(out, r, base, indent);
    case GF_SCHEMA_ANY:
        break;
    }
    return 0;
}

static int emit_rows(struct gf_buf *out, const struct gf_schema_row *rows, const char *base,
                     unsigned indent)
{
    size_t i;
    int rc;

    for (i = 0; rows[i].key; i++) {
        const struct gf_schema_row *r = &rows[i];

        if ((r->flags & GF_SCHEMA_LEGACY) || !row_set(r, base))
            continue;
        rc = put_key(out, indent, r->key);
        if (rc < 0)
            return rc;
        rc = emit_value(out, r, base, indent);
        if (rc < 0)
            return rc;
        if (gf_buf_failed(out))
            return gf_error_oom();
    }
    return 0;
}

int gf_stack_emit(struct gf_buf *out, const struct gf_stack *stack)
{
    size_t start = out->len;
    int rc;

    rc = emit_rows(out, gf_schema_stack(), (const char *)stack, 0);
    if (rc == 0 && out->len == start)
        gf_buf_puts(out, "{}\n");
    if (rc == 0 && gf_buf_failed(out))
        rc = gf_error_oom();
    return rc;
}
