/* SPDX-License-Identifier: Apache-2.0 */
/* stack_defaults_test.c: gf_stack_defaults golden tests over tests/data/defaults/: each
 * <case>.yml is parsed, validated (no errors allowed) and defaulted, and every set value,
 * listed by gf_stack_each_value as "path: text (origin)", must equal <case>.expected.
 * GF_UPDATE_EXPECTED=1 rewrites the .expected files instead of comparing (review the diff). */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "state/stack.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

static const char *origin_name(enum gf_origin o)
{
    switch (o) {
    case GF_ORIGIN_USER:
        return "user";
    case GF_ORIGIN_DEFAULT:
        return "default";
    case GF_ORIGIN_STATE:
        return "state";
    case GF_ORIGIN_UNSET:
        break;
    }
    return "unset";
}

static int dump_value(const struct gf_stack_value *value, void *payload)
{
    struct gf_buf *out = payload;

    gf_buf_printf(out, "%s: %s (%s)\n", value->path, value->text, origin_name(value->origin));
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

static void dump(struct gf_buf *out, const struct gf_stack *s)
{
    gf_buf_clear(out);
    gf_cr_ok(gf_stack_each_value(s, dump_value, out));
}

static struct gf_stack *load(const char *text, const char *name)
{
    struct gf_diags diags;
    struct gf_buf fmt = GF_BUF_INIT;
    struct gf_stack *s = NULL;

    gf_diags_init(&diags);
    gf_cr_ok(gf_stack_parse(&s, &diags, name, gf_slice_from(text)));
    gf_stack_validate(s, &diags);
    gf_diags_format(&fmt, &diags, name);
    cr_assert_eq(diags.n_errors, 0, "%s does not validate:\n%s", name, fmt.ptr);
    gf_diags_release(&diags);
    gf_buf_release(&fmt);
    return s;
}

static void check_case(const char *dir, const char *name, bool update)
{
    struct gf_buf path = GF_BUF_INIT;
    struct gf_buf yml = GF_BUF_INIT;
    struct gf_buf got = GF_BUF_INIT;
    struct gf_buf again = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    struct gf_stack *s;

    gf_buf_printf(&path, "%s/%s.yml", dir, name);
    cr_assert_eq(gf_test_read_file(&yml, path.ptr), 0, "cannot read %s", path.ptr);
    s = load(yml.ptr, name);
    gf_cr_ok(gf_stack_defaults(s));
    dump(&got, s);
    gf_cr_ok(gf_stack_defaults(s)); /* a second run changes nothing */
    dump(&again, s);
    cr_expect_str_eq(again.ptr, got.ptr, "%s: second gf_stack_defaults changed the model", name);
    gf_buf_clear(&path);
    gf_buf_printf(&path, "%s/%s.expected", dir, name);
    if (update) {
        cr_assert_eq(gf_test_write_file(path.ptr, got.ptr, got.len), 0);
    } else {
        cr_expect_eq(gf_test_read_file(&want, path.ptr), 0, "missing %s", path.ptr);
        cr_expect_str_eq(got.ptr, want.ptr, "case %s:\n--- got\n%s--- expected\n%s", name, got.ptr,
                         want.ptr);
    }
    gf_stack_free(s);
    gf_buf_release(&path);
    gf_buf_release(&yml);
    gf_buf_release(&got);
    gf_buf_release(&again);
    gf_buf_release(&want);
}

Test(stack_defaults, data_cases_match_expected)
{
    struct gf_buf dir = GF_BUF_INIT;
    const char *update = getenv("GF_UPDATE_EXPECTED");
    char **names;
    size_t n = 0;

    gf_buf_printf(&dir, "%s/defaults", gf_test_data_dir());
    names = gf_test_list(&n, dir.ptr, ".yml", true);
    cr_expect_geq(n, 15, "only %zu cases", n);
    for (size_t i = 0; i < n; i++)
        check_case(dir.ptr, names[i], update != NULL && update[0] == '1');
    gf_test_list_free(names, n);
    gf_buf_release(&dir);
}

/* ---- behaviours the golden files cannot show ---- */

Test(stack_defaults, never_overwrites_set_values)
{
    struct gf_stack *s =
        load("app:\n  name: shop\ncluster:\n  name: mine\nlog_group:\n"
             "  retention_days: 30\ntasks:\n  web:\n    image: x\n    size: small\n"
             "    cpu: 512\n    memory: 4096\n    family: fam\n",
             "t.yml");

    gf_cr_ok(gf_stack_defaults(s));
    cr_expect_str_eq(s->cluster_name.v, "mine");
    cr_expect_eq(s->cluster_name.origin, GF_ORIGIN_USER);
    cr_expect_eq(s->log_group_retention_days.v, 30);
    cr_expect_eq(s->log_group_retention_days.origin, GF_ORIGIN_USER);
    cr_expect_eq(s->tasks[0].memory.v, 4096);
    cr_expect_str_eq(s->tasks[0].size.v, "small");
    cr_expect_str_eq(s->tasks[0].family.v, "fam");
    cr_expect_str_eq(s->tasks[0].name.v, "web");
    cr_expect_eq(s->tasks[0].name.origin, GF_ORIGIN_DEFAULT);
    cr_expect_eq(s->tasks[0].name.pos.line, 0);
    gf_stack_free(s);
}

Test(stack_defaults, fills_the_model_fields)
{
    struct gf_stack *s = load("app:\n  name: my-cron-job\ndomain: a.example.com\ntasks:\n"
                              "  web:\n    type: https\n    image: x\n",
                              "t.yml");
    const struct gf_task *t;

    gf_cr_ok(gf_stack_defaults(s));
    t = &s->tasks[0];
    cr_expect_eq(t->type, GF_TASK_HTTPS);
    cr_expect(t->health_check.present);
    cr_expect(t->health_check.enabled.v);
    cr_expect_eq(t->health_check.port.v, 80);
    cr_expect(s->alb.present);
    cr_expect(s->alb.redirect_80.v);
    cr_expect_eq(s->alb.redirect_80.origin, GF_ORIGIN_DEFAULT);
    cr_expect_str_eq(s->role.name.v, "FargateMyCronJobRole");
    cr_expect(s->role.present);
    cr_expect_null(s->events_role.name.v);
    cr_expect_null(s->region.v); /* resolved later, not here */
    gf_stack_free(s);
}

Test(stack_defaults, plain_task_gets_type_task)
{
    struct gf_stack *s = load("app:\n  name: a\ntasks:\n  job:\n    image: x\n", "t.yml");

    gf_cr_ok(gf_stack_defaults(s));
    cr_expect_eq(s->tasks[0].type, GF_TASK_TASK);
    cr_expect_str_eq(s->tasks[0].type_text.v, "task");
    cr_expect_eq(s->tasks[0].type_text.origin, GF_ORIGIN_DEFAULT);
    cr_expect_eq(s->tasks[0].desired_count.origin, GF_ORIGIN_UNSET);
    gf_stack_free(s);
}

Test(stack_defaults, reports_oom)
{
    const char *text = "app:\n  name: shop\ndomain: a.example.com\nqueue:\n  name: q\n"
                       "  max_receive_count:\nalb:\n  waf:\n    enabled: true\ntasks:\n  web:\n"
                       "    type: https\n    image: x\n    efs:\n      id: fs-0123abcd\n"
                       "    autoscaling:\n      cpu: 50\n  job:\n    image: y\n"
                       "    schedule: rate(1 day)\n";
    struct gf_stack *s = load(text, "t.yml");
    long calls;

    gf_alloc_failing_install(-1);
    gf_cr_ok(gf_stack_defaults(s));
    calls = gf_alloc_failing_count();
    gf_alloc_set(NULL);
    gf_stack_free(s);
    cr_assert_gt(calls, 20);
    for (long n = 0; n < calls; n++) {
        s = load(text, "t.yml");
        gf_alloc_failing_install(n);
        int rc = gf_stack_defaults(s);
        gf_alloc_set(NULL);
        cr_expect_eq(rc, GF_ENOMEM, "allocation %ld failing gave %d", n, rc);
        gf_stack_free(s); /* must not leak or double free whatever was half filled */
    }
}
