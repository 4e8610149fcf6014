/* SPDX-License-Identifier: Apache-2.0 */
/* stack_validate_test.c: gf_stack_validate over tests/data/validate/: each <case>.yml is parsed
 * and validated, and the sorted gf_diags_format output (paths printed as the case's base name)
 * must equal <case>.expected byte for byte. Cases named ok_* must give no error (warnings are
 * allowed), warn_* warnings only, every other case at least one error.
 * GF_UPDATE_EXPECTED=1 rewrites the .expected files instead of comparing (review the diff). */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "state/stack.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

/* Parse + validate + sort + format one case into out; returns the number of errors. */
static size_t run_case(struct gf_buf *out, const char *dir, const char *name)
{
    struct gf_buf path = GF_BUF_INIT;
    struct gf_buf yml = GF_BUF_INIT;
    struct gf_buf base = GF_BUF_INIT;
    struct gf_diags diags;
    struct gf_stack *stack = NULL;
    size_t errors;
    int rc;

    gf_diags_init(&diags);
    gf_buf_printf(&path, "%s/%s.yml", dir, name);
    gf_buf_printf(&base, "%s.yml", name);
    cr_assert_eq(gf_test_read_file(&yml, path.ptr), 0, "cannot read %s", path.ptr);
    rc = gf_stack_parse(&stack, &diags, base.ptr, gf_buf_slice(&yml));
    cr_assert_eq(rc, 0, "%s: parse failed: %s", name, gf_error_last()->msg);
    rc = gf_stack_validate(stack, &diags);
    cr_expect(rc == 0 || rc == GF_EINVALID, "%s: validate returned %d", name, rc);
    cr_expect_eq(rc == GF_EINVALID, diags.n_errors > 0, "%s: rc %d with %zu errors", name, rc,
                 diags.n_errors);
    gf_diags_sort(&diags);
    gf_buf_clear(out);
    cr_assert_eq(gf_diags_format(out, &diags, base.ptr), 0);
    errors = diags.n_errors;
    gf_stack_free(stack);
    gf_diags_release(&diags);
    gf_buf_release(&path);
    gf_buf_release(&yml);
    gf_buf_release(&base);
    return errors;
}

static void check_case(const char *dir, const char *name, bool update)
{
    struct gf_buf got = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    struct gf_buf path = GF_BUF_INIT;
    size_t errors = run_case(&got, dir, name);

    gf_buf_printf(&path, "%s/%s.expected", dir, name);
    if (update) {
        cr_assert_eq(gf_test_write_file(path.ptr, got.ptr, got.len), 0);
    } else {
        cr_expect_eq(gf_test_read_file(&want, path.ptr), 0, "missing %s", path.ptr);
        cr_expect_str_eq(got.ptr, want.ptr, "case %s:\n--- got\n%s--- expected\n%s", name, got.ptr,
                         want.ptr);
    }
    if (strncmp(name, "ok_", 3) == 0)
        cr_expect_eq(errors, 0, "case %s should have no errors:\n%s", name, got.ptr);
    else if (strncmp(name, "warn_", 5) == 0)
        cr_expect(errors == 0 && got.len > 0, "case %s should warn only:\n%s", name, got.ptr);
    else
        cr_expect_gt(errors, 0, "case %s should have an error:\n%s", name, got.ptr);
    gf_buf_release(&got);
    gf_buf_release(&want);
    gf_buf_release(&path);
}

Test(stack_validate, data_cases_match_expected)
{
    struct gf_buf dir = GF_BUF_INIT;
    const char *update = getenv("GF_UPDATE_EXPECTED");
    size_t n = 0;
    char **names;

    gf_buf_printf(&dir, "%s/validate", gf_test_data_dir());
    names = gf_test_list(&n, dir.ptr, ".yml", true);
    cr_expect_geq(n, 60, "only %zu cases", n);
    for (size_t i = 0; i < n; i++)
        check_case(dir.ptr, names[i], update != NULL && update[0] == '1');
    gf_test_list_free(names, n);
    gf_buf_release(&dir);
}

/* ---- behaviours the data files cannot show ---- */

static struct gf_stack *parse_text(struct gf_diags *diags, const char *text)
{
    struct gf_stack *stack = NULL;

    gf_diags_init(diags);
    gf_cr_ok(gf_stack_parse(&stack, diags, "t.yml", gf_slice_from(text)));
    cr_assert_eq(diags->n, 0, "parse: %s", diags->n ? diags->v[0].msg : "");
    return stack;
}

Test(stack_validate, rewrites_cron_with_both_day_fields_star)
{
    struct gf_diags diags;
    struct gf_stack *s = parse_text(&diags, "app:\n  name: job\ntasks:\n  run:\n    image: x\n"
                                            "    schedule: cron(0 2 * * * *)\n");

    gf_cr_ok(gf_stack_validate(s, &diags));
    cr_expect_str_eq(s->tasks[0].schedule.v, "cron(0 2 * * ? *)");
    cr_expect_eq(s->tasks[0].schedule.origin, GF_ORIGIN_USER);
    cr_assert_eq(diags.n, 1);
    cr_expect_eq(diags.v[0].severity, GF_DIAG_WARNING);
    cr_expect_str_eq(diags.v[0].key, "tasks.run.schedule");
    cr_expect_eq(diags.v[0].pos.line, 6);
    cr_expect_eq(diags.v[0].pos.col, 15);
    gf_stack_free(s);
    gf_diags_release(&diags);
}

Test(stack_validate, records_key_position_and_hint)
{
    struct gf_diags diags;
    struct gf_stack *s = parse_text(&diags, "app:\n  name: shop\ntasks:\n  web:\n    type: daemon\n"
                                            "    image: x\n    cpu: 300\n");

    gf_cr_fails(GF_EINVALID, gf_stack_validate(s, &diags));
    cr_assert_eq(diags.n, 1);
    cr_expect_eq(diags.n_errors, 1);
    cr_expect_str_eq(diags.v[0].key, "tasks.web.cpu");
    cr_expect_str_eq(diags.v[0].msg, "tasks.web.cpu 300 is not a Fargate CPU value");
    cr_expect_str_eq(diags.v[0].hint, "use 256, 512, 1024, 2048, 4096, 8192 or 16384");
    cr_expect_eq(diags.v[0].pos.line, 7);
    cr_expect_eq(gf_error_last()->code, GF_EINVALID);
    gf_stack_free(s);
    gf_diags_release(&diags);
}

Test(stack_validate, appends_to_existing_diags)
{
    struct gf_diags diags;
    struct gf_stack *s = parse_text(&diags, "app:\n  name: shop\ntasks:\n  web:\n    image: x\n");

    gf_cr_ok(gf_diags_add(&diags, GF_DIAG_ERROR, (struct gf_pos){1, 1}, "k", "earlier", NULL));
    gf_cr_ok(gf_stack_validate(s, &diags)); /* it added no error of its own */
    cr_expect_eq(diags.n, 1);
    gf_stack_free(s);
    gf_diags_release(&diags);
}

Test(stack_validate, never_echoes_environment_values)
{
    struct gf_diags diags;
    struct gf_buf out = GF_BUF_INIT;
    struct gf_stack *s = parse_text(&diags, "app:\n  name: shop\ntasks:\n  web:\n    image: x\n"
                                            "    environment:\n      DB_PASSWORD: hunter2\n"
                                            "      KEY: AKIAABCDEFGHIJKLMNOP\n");

    gf_cr_ok(gf_stack_validate(s, &diags));
    cr_expect_eq(diags.n, 2);
    gf_cr_ok(gf_diags_format(&out, &diags, "t.yml"));
    cr_expect_null(strstr(out.ptr, "hunter2"));
    cr_expect_null(strstr(out.ptr, "AKIAABCDEFGHIJKLMNOP"));
    gf_buf_release(&out);
    gf_stack_free(s);
    gf_diags_release(&diags);
}

Test(stack_validate, reports_oom)
{
    struct gf_diags diags;
    struct gf_stack *s = parse_text(&diags, "app:\n  name: Shop\ntasks:\n  web:\n    cpu: 3\n");
    long calls;
    int rc;

    /* Fail every allocation from the first to past the last one validate makes. */
    gf_alloc_failing_install(-1);
    rc = gf_stack_validate(s, &diags);
    calls = gf_alloc_failing_count();
    gf_alloc_set(NULL);
    cr_assert_eq(rc, GF_EINVALID);
    cr_assert_gt(calls, 3);
    gf_diags_release(&diags);
    for (long n = 0; n < calls; n++) {
        gf_diags_init(&diags);
        gf_alloc_failing_install(n);
        rc = gf_stack_validate(s, &diags);
        gf_alloc_set(NULL);
        cr_expect_eq(rc, GF_ENOMEM, "allocation %ld failing gave %d", n, rc);
        gf_diags_release(&diags);
    }
    gf_stack_free(s);
}
