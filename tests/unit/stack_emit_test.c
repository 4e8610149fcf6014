/* SPDX-License-Identifier: Apache-2.0 */
/* stack_emit_test.c: gf_stack_emit: golden output (tests/data/parse/<case>.emitted), the
 * round-trip property over every parseable case (emit(parse(emit(m))) == emit(m) and
 * parse(emit(m)) holds the same values as m, compared through the schema), and quoting.
 * GF_UPDATE_GOLDEN=1 rewrites the .emitted files that exist (review the diff). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

static char *case_path(const char *name)
{
    struct gf_buf p = GF_BUF_INIT;

    gf_buf_printf(&p, "%s/parse/%s", gf_test_data_dir(), name);
    cr_assert(!gf_buf_failed(&p));
    return gf_buf_detach(&p);
}

static struct gf_stack *parse_bytes(struct gf_slice bytes, const char *name)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_diags_init(&diags);
    if (gf_stack_parse(&s, &diags, name, bytes) < 0)
        s = NULL;
    gf_diags_release(&diags);
    return s;
}

/* ---- value equality through the schema ---- */

static void same_rows(const struct gf_schema_row *rows, const char *a, const char *b,
                      const char *where);

static void same_strlist(const struct gf_strlist *x, const struct gf_strlist *y, const char *k)
{
    size_t i;

    cr_assert_eq(x->n, y->n, "%s: %zu items vs %zu", k, x->n, y->n);
    for (i = 0; i < x->n; i++)
        cr_assert_str_eq(x->v[i], y->v[i], "%s[%zu]", k, i);
}

static void same_strmap(const struct gf_strmap *x, const struct gf_strmap *y, const char *k)
{
    size_t i;

    cr_assert_eq(x->n, y->n, "%s: %zu entries vs %zu", k, x->n, y->n);
    for (i = 0; i < x->n; i++) {
        cr_assert_str_eq(x->v[i].key, y->v[i].key, "%s key %zu", k, i);
        cr_assert_str_eq(x->v[i].value, y->v[i].value, "%s.%s", k, x->v[i].key);
    }
}

static void same_str(const struct gf_str *x, const struct gf_str *y, const char *k)
{
    cr_assert_eq(x->v == NULL, y->v == NULL, "%s: set in one only", k);
    if (x->v)
        cr_assert_str_eq(x->v, y->v, "%s", k);
}

static void same_keyed(const struct gf_schema_row *r, const char *a, const char *b, const char *k)
{
    size_t n = *(const size_t *)(a + r->aux_off);
    const char *xa = *(const char *const *)(a + r->off);
    const char *xb = *(const char *const *)(b + r->off);
    size_t i;

    cr_assert_eq(n, *(const size_t *)(b + r->aux_off), "%s: count differs", k);
    for (i = 0; i < n; i++) {
        const char *ea = xa + i * r->elem_size;
        const char *eb = xb + i * r->elem_size;

        cr_assert_str_eq(*(char *const *)(ea + r->elem_key_off),
                         *(char *const *)(eb + r->elem_key_off), "%s name %zu", k, i);
        same_rows(r->children, ea, eb, k);
    }
}

static void same_row(const struct gf_schema_row *r, const char *a, const char *b, const char *k)
{
    switch (r->type) {
    case GF_SCHEMA_STRING:
    case GF_SCHEMA_TASK_TYPE:
        same_str((const struct gf_str *)(a + r->off), (const struct gf_str *)(b + r->off), k);
        if (r->type == GF_SCHEMA_TASK_TYPE)
            cr_assert_eq(*(const int *)(a + r->aux_off), *(const int *)(b + r->aux_off), "%s", k);
        break;
    case GF_SCHEMA_INT: {
        const struct gf_int *x = (const struct gf_int *)(a + r->off);
        const struct gf_int *y = (const struct gf_int *)(b + r->off);

        cr_assert_eq(x->origin == GF_ORIGIN_UNSET, y->origin == GF_ORIGIN_UNSET, "%s", k);
        cr_assert_eq(x->v, y->v, "%s", k);
        if (r->flags & GF_SCHEMA_PRESENCE)
            cr_assert_eq(*(const bool *)(a + r->aux_off), *(const bool *)(b + r->aux_off));
        break;
    }
    case GF_SCHEMA_BOOL: {
        const struct gf_bool *x = (const struct gf_bool *)(a + r->off);
        const struct gf_bool *y = (const struct gf_bool *)(b + r->off);

        cr_assert_eq(x->origin == GF_ORIGIN_UNSET, y->origin == GF_ORIGIN_UNSET, "%s", k);
        cr_assert_eq(x->v, y->v, "%s", k);
        break;
    }
    case GF_SCHEMA_STRLIST:
        same_strlist((const void *)(a + r->off), (const void *)(b + r->off), k);
        break;
    case GF_SCHEMA_STRMAP:
        same_strmap((const void *)(a + r->off), (const void *)(b + r->off), k);
        break;
    case GF_SCHEMA_SECRETS:
        same_strlist((const void *)(a + r->off), (const void *)(b + r->off), k);
        same_strmap((const void *)(a + r->aux_off), (const void *)(b + r->aux_off), k);
        break;
    case GF_SCHEMA_MAP:
        same_rows(r->children, a + r->off, b + r->off, k);
        break;
    case GF_SCHEMA_TASKS:
    case GF_SCHEMA_SCHEDULED:
        same_keyed(r, a, b, k);
        break;
    case GF_SCHEMA_ANY:
        break;
    }
}

static void same_rows(const struct gf_schema_row *rows, const char *a, const char *b,
                      const char *where)
{
    size_t i;

    for (i = 0; rows[i].key; i++) {
        char k[256];

        snprintf(k, sizeof(k), "%s.%s", where, rows[i].key);
        same_row(&rows[i], a, b, k);
    }
}

/* emit(m) -> parse -> emit: byte-identical, and the same values. Returns the first emission. */
static void round_trip(struct gf_buf *first, const struct gf_stack *m, const char *name)
{
    struct gf_buf second = GF_BUF_INIT;
    struct gf_stack *again;

    gf_cr_ok(gf_stack_emit(first, m));
    again = parse_bytes(gf_buf_slice(first), name);
    cr_assert_not_null(again, "%s: emitted YAML does not parse:\n%s\n%s", name, first->ptr,
                       gf_error_last()->msg);
    same_rows(gf_schema_stack(), (const char *)m, (const char *)again, name);
    gf_cr_ok(gf_stack_emit(&second, again));
    cr_assert_str_eq(second.ptr, first->ptr, "%s: emission is not stable", name);
    gf_stack_free(again);
    gf_buf_release(&second);
}

static void check_file(const char *yml)
{
    struct gf_buf bytes = GF_BUF_INIT;
    struct gf_buf out = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    char golden[512];
    char *path = case_path(yml);
    char *golden_path;
    struct gf_stack *m;

    cr_assert_eq(gf_test_read_file(&bytes, path), 0);
    m = parse_bytes(gf_buf_slice(&bytes), yml);
    if (m) {
        round_trip(&out, m, yml);
        snprintf(golden, sizeof(golden), "%.*s.emitted", (int)(strlen(yml) - 4), yml);
        golden_path = case_path(golden);
        if (gf_test_read_file(&want, golden_path) == 0) {
            if (getenv("GF_UPDATE_GOLDEN"))
                gf_test_write_file(golden_path, out.ptr, out.len);
            else
                cr_expect_str_eq(out.ptr, want.ptr, "%s differs from %s", yml, golden);
        }
        gf_free(golden_path);
    }
    gf_stack_free(m);
    gf_buf_release(&bytes);
    gf_buf_release(&out);
    gf_buf_release(&want);
    gf_free(path);
}

Test(stack_emit, round_trips_every_case_and_matches_golden)
{
    char *dir = case_path("");
    size_t i, n = 0;
    char **names = gf_test_list(&n, dir, ".yml", false);

    for (i = 0; i < n; i++)
        check_file(names[i]);
    gf_test_list_free(names, n);
    gf_free(dir);
    cr_assert_geq(n, 30, "only %zu cases", n);
}

/* Parse dir/name; when it gives a model, emit(parse(emit(m))) must equal emit(m). */
static void round_trip_file(const char *dir, const char *name, bool must_parse)
{
    struct gf_buf bytes = GF_BUF_INIT;
    struct gf_buf out = GF_BUF_INIT;
    char *path = gf_test_path(dir, name);
    struct gf_stack *m;

    cr_assert_eq(gf_test_read_file(&bytes, path), 0, "cannot read %s", path);
    m = parse_bytes(gf_buf_slice(&bytes), name);
    if (must_parse)
        cr_assert_not_null(m, "%s does not parse", name);
    if (m)
        round_trip(&out, m, name);
    gf_stack_free(m);
    gf_buf_release(&bytes);
    gf_buf_release(&out);
    free(path);
}

Test(stack_emit, round_trips_the_fuzz_corpus)
{
    char *dir = gf_test_path(gf_test_source_dir(), "tests/fuzz/corpus/stack_parse_fuzz");
    size_t i, n = 0;
    char **names = gf_test_list(&n, dir, "", false);

    for (i = 0; i < n; i++)
        round_trip_file(dir, names[i], false);
    gf_test_list_free(names, n);
    free(dir);
    cr_assert_gt(n, 10);
}

Test(stack_emit, round_trips_every_example)
{
    char *dir = gf_test_path(gf_test_source_dir(), "examples");
    size_t i, n = 0;
    char **names = gf_test_list(&n, dir, ".yml", false);

    for (i = 0; i < n; i++)
        round_trip_file(dir, names[i], true);
    gf_test_list_free(names, n);
    free(dir);
    cr_assert_geq(n, 10, "only %zu examples", n);
}

/* ---- quoting ---- */

static const char *const s_tricky[] = {
    "",
    " ",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "<<",
    "0123",
    "1e3",
    "0x1f",
    ".5",
    "-.inf",
    ".NaN",
    "12:30",
    "2025-09-25",
    "1_000",
    "+1",
    "-1",
    "- x",
    "-",
    "?",
    ":",
    "? x",
    "-x",
    "?x",
    ":x",
    "a: b",
    "a #b",
    "a#b",
    "a:",
    "#c",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "'",
    "\"",
    "%p",
    "@x",
    "`x",
    "[a]",
    "{a}",
    ",a",
    "---",
    "...",
    "--- x",
    " lead",
    "trail ",
    "two\nlines",
    "tab\there",
    "cr\r",
    "bell\a",
    "nul-free\x1b",
    "caf\xc3\xa9",
    "nel\xc2\x85",
    "ls\xe2\x80\xa8",
    "bom\xef\xbb\xbf",
    "c1\xc2\x9f",
    "back\\slash",
    "it's",
    "say \"hi\"",
    "2xlarge",
    "cron(0 2 * * ? *)",
    "arn:aws:iam::012345678901:role/R",
    "/ecs/app-fargatestack/x",
    "sha256:abc",
    "4/2",
    "a,b",
    "a]b",
    "=",
    "\xf0\x9f\x9a\x80",
};

static const char *plain_ok[] = {"2xlarge",
                                 "-x",
                                 "?x",
                                 ":x",
                                 "a#b",
                                 "caf\xc3\xa9",
                                 "cron(0 2 * * ? *)",
                                 "arn:aws:iam::012345678901:role/R",
                                 "/ecs/app-fargatestack/x",
                                 "sha256:abc",
                                 "4/2",
                                 "a,b"};

static void add_tricky_task(struct gf_stack *m)
{
    size_t n = sizeof(s_tricky) / sizeof(s_tricky[0]);
    struct gf_task *t;
    size_t i;

    m->tasks = gf_calloc(n, sizeof(*m->tasks));
    m->n_tasks = n;
    for (i = 0; i < n; i++) {
        t = &m->tasks[i];
        t->key = gf_strdup(s_tricky[i]);     /* as a key */
        t->image.v = gf_strdup(s_tricky[i]); /* as a value */
        t->image.origin = GF_ORIGIN_STATE;
        t->environment.v = gf_calloc(1, sizeof(struct gf_kv));
        t->environment.n = 1;
        t->environment.v[0].key = gf_strdup(s_tricky[i]);
        t->environment.v[0].value = gf_strdup(s_tricky[(i + 1) % n]);
        t->secrets.v = gf_calloc(1, sizeof(char *));
        t->secrets.vpos = gf_calloc(1, sizeof(struct gf_pos));
        t->secrets.n = 1;
        t->secrets.v[0] = gf_strdup(s_tricky[i]);
    }
}

Test(stack_emit, tricky_strings_round_trip)
{
    struct gf_stack *m = gf_calloc(1, sizeof(*m));
    struct gf_buf out = GF_BUF_INIT;

    add_tricky_task(m);
    round_trip(&out, m, "tricky");
    gf_stack_free(m);
    gf_buf_release(&out);
}

static void emitted_image(struct gf_buf *out, const char *value)
{
    struct gf_stack *m = gf_calloc(1, sizeof(*m));

    m->region.v = gf_strdup(value);
    m->region.origin = GF_ORIGIN_DEFAULT;
    gf_buf_clear(out);
    gf_cr_ok(gf_stack_emit(out, m));
    gf_stack_free(m);
}

Test(stack_emit, quotes_only_when_reading_back_plain_would_change_it)
{
    struct gf_buf out = GF_BUF_INIT;
    size_t i;

    for (i = 0; i < sizeof(plain_ok) / sizeof(plain_ok[0]); i++) {
        char want[256];

        emitted_image(&out, plain_ok[i]);
        snprintf(want, sizeof(want), "region: %s\n", plain_ok[i]);
        cr_assert_str_eq(out.ptr, want);
    }
    emitted_image(&out, "012345678901");
    cr_assert_str_eq(out.ptr, "region: '012345678901'\n");
    emitted_image(&out, "yes");
    cr_assert_str_eq(out.ptr, "region: 'yes'\n");
    emitted_image(&out, "it's: x");
    cr_assert_str_eq(out.ptr, "region: 'it''s: x'\n");
    emitted_image(&out, "");
    cr_assert_str_eq(out.ptr, "region: ''\n");
    emitted_image(&out, "a\nb\t\"\\\x01");
    cr_assert_str_eq(out.ptr, "region: \"a\\nb\\t\\\"\\\\\\x01\"\n");
    emitted_image(&out, "ls\xe2\x80\xa8nel\xc2\x85");
    cr_assert_str_eq(out.ptr, "region: \"ls\\Lnel\\N\"\n");
    gf_buf_release(&out);
}

Test(stack_emit, refuses_invalid_utf8)
{
    struct gf_stack *m = gf_calloc(1, sizeof(*m));
    struct gf_buf out = GF_BUF_INIT;

    m->region.v = gf_strdup("bad\xff");
    gf_cr_fails(GF_EINVALID, gf_stack_emit(&out, m));
    gf_stack_free(m);
    gf_buf_release(&out);
}

Test(stack_emit, schema_order_values_and_empty_blocks)
{
    struct gf_stack *m = gf_calloc(1, sizeof(*m));
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_stack_emit(&out, m));
    cr_assert_str_eq(out.ptr, "{}\n");
    gf_buf_clear(&out);
    m->region.v = gf_strdup("us-east-1");
    m->app_name.v = gf_strdup("demo");
    m->log_group_retention_days.v = 14;
    m->log_group_retention_days.origin = GF_ORIGIN_DEFAULT;
    m->events_role.present = true;
    m->queue.max_receive_count_present = true;
    m->queue.name.v = gf_strdup("q");
    gf_cr_ok(gf_stack_emit(&out, m));
    cr_assert_str_eq(out.ptr, "app:\n"
                              "  name: demo\n"
                              "region: us-east-1\n"
                              "events_role: {}\n"
                              "log_group:\n"
                              "  retention_days: 14\n"
                              "queue:\n"
                              "  name: q\n"
                              "  max_receive_count:\n");
    gf_stack_free(m);
    gf_buf_release(&out);
}

Test(stack_emit, long_keys_use_explicit_form)
{
    struct gf_stack *m = gf_calloc(1, sizeof(*m));
    struct gf_buf out = GF_BUF_INIT;
    char key[1500];

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    m->tasks = gf_calloc(1, sizeof(*m->tasks));
    m->n_tasks = 1;
    m->tasks[0].key = gf_strdup(key);
    m->tasks[0].image.v = gf_strdup("i");
    round_trip(&out, m, "longkey");
    cr_assert(strstr(out.ptr, "  ? kkk"));
    gf_stack_free(m);
    gf_buf_release(&out);
}
