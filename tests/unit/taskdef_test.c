/* SPDX-License-Identifier: Apache-2.0 */
/* taskdef_test.c: reconcile/taskdef.h: the RegisterTaskDefinition input of every task of every
 * example stack against golden files (tests/data/taskdef/<example>.<task>.json;
 * GF_UPDATE_EXPECTED=1 rewrites them), DescribeTaskDefinition results recorded from moto and one
 * shaped like AWS's (tests/data/taskdef/describe/) comparing equal to the desired input, and
 * targeted cases: what a changed field reports, digests, sorting, secrets. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "reconcile/taskdef.h"
#include "state/stack.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

#define ACCOUNT "123456789012"
#define REGION  "us-east-1"

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
    gf_cr_ok(gf_stack_defaults(s));
    gf_diags_release(&diags);
    gf_buf_release(&fmt);
    return s;
}

static struct gf_stack *load_file(const char *path)
{
    struct gf_buf yml = GF_BUF_INIT;
    struct gf_stack *s;

    cr_assert_eq(gf_test_read_file(&yml, path), 0, "cannot read %s", path);
    s = load(yml.ptr, path);
    gf_buf_release(&yml);
    return s;
}

static struct gf_build_ctx ctx_for(const struct gf_stack *s)
{
    struct gf_build_ctx ctx = {0};

    ctx.stack = s;
    ctx.region = REGION;
    ctx.account = ACCOUNT;
    return ctx;
}

static json_t *tags_for(const struct gf_stack *s, const char *task)
{
    return json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "key", "gitfargate:stack", "value",
                     s->app_name.v, "key", "gitfargate:managed", "value", "true", "key",
                     "gitfargate:key", "value", task);
}

static json_t *build(const struct gf_stack *s, const char *task)
{
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *tags = tags_for(s, task);
    json_t *td = NULL;

    gf_cr_ok(gf_taskdef_build(&td, &ctx, task, tags));
    json_decref(tags);
    return td;
}

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *v = json_load_file(path, 0, &e);

    cr_assert_not_null(v, "%s: %s", path, e.text);
    return v;
}

/* ---- golden files ---- */

static void check_example(const char *dir, const char *name, bool update)
{
    struct gf_buf path = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    struct gf_stack *s;

    gf_buf_printf(&path, "%s/%s.yml", dir, name);
    s = load_file(path.ptr);
    for (size_t i = 0; i < s->n_tasks; i++) {
        json_t *td = build(s, s->tasks[i].key);
        char *got = json_dumps(td, JSON_INDENT(2));
        json_t *diffs = NULL;

        /* The desired input compares equal to itself after normalisation. */
        gf_cr_ok(gf_taskdef_diff(&diffs, td, td));
        cr_expect_eq(json_array_size(diffs), 0);
        gf_buf_clear(&path);
        gf_buf_printf(&path, "%s/taskdef/%s.%s.json", gf_test_data_dir(), name, s->tasks[i].key);
        gf_buf_clear(&want);
        if (update) {
            cr_assert_eq(gf_test_write_file(path.ptr, got, strlen(got)), 0);
        } else {
            cr_expect_eq(gf_test_read_file(&want, path.ptr), 0, "missing %s", path.ptr);
            cr_expect_str_eq(got, want.ptr, "%s.%s:\n--- got\n%s\n--- expected\n%s", name,
                             s->tasks[i].key, got, want.ptr);
        }
        free(got); /* jansson's allocator */
        json_decref(diffs);
        json_decref(td);
    }
    gf_stack_free(s);
    gf_buf_release(&path);
    gf_buf_release(&want);
}

Test(taskdef, examples_match_golden_files)
{
    struct gf_buf dir = GF_BUF_INIT;
    const char *update = getenv("GF_UPDATE_EXPECTED");
    char **names;
    size_t n = 0;

    gf_buf_printf(&dir, "%s/examples", gf_test_source_dir());
    names = gf_test_list(&n, dir.ptr, ".yml", true);
    cr_expect_geq(n, 12, "only %zu examples", n);
    for (size_t i = 0; i < n; i++)
        check_example(dir.ptr, names[i], update != NULL && update[0] == '1');
    gf_test_list_free(names, n);
    gf_buf_release(&dir);
}

/* ---- what DescribeTaskDefinition returns ---- */

/* tests/data/taskdef/describe/<example>.<task>.json: {"taskDefinition": ..., "tags": ...}
 * as a server answered DescribeTaskDefinition for the golden input, with every field and
 * default it adds. No difference may be reported. */
Test(taskdef, describe_results_compare_equal_to_the_input)
{
    struct gf_buf dir = GF_BUF_INIT;
    struct gf_buf path = GF_BUF_INIT;
    char **names;
    size_t n = 0;

    gf_buf_printf(&dir, "%s/taskdef/describe", gf_test_data_dir());
    names = gf_test_list(&n, dir.ptr, ".json", true);
    cr_expect_geq(n, 3, "only %zu recorded results", n);
    for (size_t i = 0; i < n; i++) {
        json_t *got;
        json_t *want;
        json_t *diffs = NULL;
        char *text;

        gf_buf_clear(&path);
        gf_buf_printf(&path, "%s/%s.json", dir.ptr, names[i]);
        got = load_json(path.ptr);
        gf_buf_clear(&path);
        gf_buf_printf(&path, "%s/taskdef/%s.json", gf_test_data_dir(), names[i]);
        want = load_json(path.ptr);
        gf_cr_ok(gf_taskdef_diff(&diffs, want, json_object_get(got, "taskDefinition")));
        text = json_dumps(diffs, JSON_COMPACT);
        cr_expect_eq(json_array_size(diffs), 0, "%s: %s", names[i], text);
        free(text);
        json_decref(diffs);
        json_decref(want);
        json_decref(got);
    }
    gf_test_list_free(names, n);
    gf_buf_release(&dir);
    gf_buf_release(&path);
}

static json_t *aws_describe(void)
{
    struct gf_buf path = GF_BUF_INIT;
    json_t *outer;
    json_t *v;

    gf_buf_printf(&path, "%s/taskdef/describe/storefront.web.json", gf_test_data_dir());
    outer = load_json(path.ptr);
    v = json_incref(json_object_get(outer, "taskDefinition"));
    json_decref(outer);
    gf_buf_release(&path);
    return v;
}

static json_t *one_diff(const json_t *desired, const json_t *actual)
{
    json_t *diffs = NULL;

    gf_cr_ok(gf_taskdef_diff(&diffs, desired, actual));
    return diffs;
}

Test(taskdef, a_changed_image_is_reported_with_both_values)
{
    struct gf_buf path = GF_BUF_INIT;
    json_t *have = aws_describe();
    json_t *want;
    json_t *diffs;

    gf_buf_printf(&path, "%s/taskdef/storefront.web.json", gf_test_data_dir());
    want = load_json(path.ptr);
    json_object_set_new(json_array_get(json_object_get(want, "containerDefinitions"), 0), "image",
                        json_string("123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront:1.2.4"));
    json_object_set_new(want, "cpu", json_string("4096"));
    diffs = one_diff(want, have);
    cr_assert_eq(json_array_size(diffs), 2);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, 0), "field")), "cpu");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, 0), "want")), "4096");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, 0), "have")), "2048");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, 1), "field")),
                     "containerDefinitions[web].image");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, 1), "have")),
                     "123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront:1.2.3");
    json_decref(diffs);
    json_decref(want);
    json_decref(have);
    gf_buf_release(&path);
}

Test(taskdef, added_and_removed_fields_and_containers)
{
    json_t *want = json_pack("{s:s, s:[{s:s, s:s, s:[{s:s, s:s}]}]}", "family", "f",
                             "containerDefinitions", "name", "web", "image", "i", "environment",
                             "name", "A", "value", "1");
    json_t *have = json_pack("{s:s, s:[{s:s, s:s, s:[s]}, {s:s, s:s}]}", "family", "f",
                             "containerDefinitions", "name", "web", "image", "i", "command", "x",
                             "name", "sidecar", "image", "j");
    json_t *diffs = one_diff(want, have);
    const char *fields[] = {"containerDefinitions[web].environment",
                            "containerDefinitions[web].command", "containerDefinitions[sidecar]"};

    cr_assert_eq(json_array_size(diffs), 3);
    for (size_t i = 0; i < 3; i++)
        cr_expect_str_eq(json_string_value(json_object_get(json_array_get(diffs, i), "field")),
                         fields[i]);
    cr_expect(json_is_null(json_object_get(json_array_get(diffs, 0), "have")));
    cr_expect(json_is_null(json_object_get(json_array_get(diffs, 2), "want")));
    json_decref(diffs);
    json_decref(want);
    json_decref(have);
}

Test(taskdef, environment_order_and_aws_defaults_are_not_changes)
{
    json_t *want = json_pack("{s:s, s:s, s:[{s:s, s:[{s:s,s:s},{s:s,s:s}], s:[{s:I}]}]}", "cpu",
                             "256", "memory", "512", "containerDefinitions", "name", "w",
                             "environment", "name", "B", "value", "2", "name", "A", "value", "1",
                             "portMappings", "containerPort", (json_int_t)80);
    json_t *have = json_pack(
        "{s:i, s:i, s:[{s:s, s:i, s:b, s:[{s:s,s:s},{s:s,s:s}], s:[{s:I, s:I, s:s}], s:[], s:[],"
        " s:[]}], s:[], s:[], s:b, s:i, s:s}",
        "cpu", 256, "memory", 512, "containerDefinitions", "name", "w", "cpu", 0, "essential", 1,
        "environment", "name", "A", "value", "1", "name", "B", "value", "2", "portMappings",
        "containerPort", (json_int_t)80, "hostPort", (json_int_t)80, "protocol", "tcp",
        "mountPoints", "volumesFrom", "systemControls", "volumes", "placementConstraints",
        "enableFaultInjection", 0, "revision", 3, "status", "ACTIVE");
    json_t *diffs = one_diff(want, have);
    char *text = json_dumps(diffs, JSON_COMPACT);

    cr_expect_eq(json_array_size(diffs), 0, "%s", text);
    free(text);
    json_decref(diffs);
    json_decref(want);
    json_decref(have);
}

/* ---- building ---- */

Test(taskdef, digest_pins_the_image_and_secrets_are_value_from_arns)
{
    static const struct gf_build_pair images[] = {
        {"job", "123456789012.dkr.ecr.us-east-1.amazonaws.com/report-runner:latest"}};
    struct gf_stack *s = load("app:\n  name: rep\ntasks:\n  job:\n    image: report-runner:latest\n"
                              "    image_digest: sha256:0123abcd\n    command: run --all\n"
                              "    environment:\n      ZED: z\n      ALPHA: a\n    secrets:\n"
                              "      - prod/db:DB\n      - ssm:/prod/flag:FLAG\n",
                              "d.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *td = NULL;
    json_t *c;

    ctx.images = images;
    ctx.n_images = 1;
    gf_cr_ok(gf_taskdef_build(&td, &ctx, "job", NULL));
    c = json_array_get(json_object_get(td, "containerDefinitions"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(c, "image")),
                     "123456789012.dkr.ecr.us-east-1.amazonaws.com/report-runner@sha256:0123abcd");
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(c, "command"), 0)),
                     "run --all");
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(c, "environment"), 0), "name")),
                     "ALPHA");
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(c, "secrets"), 0), "valueFrom")),
                     "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db");
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(c, "secrets"), 1), "valueFrom")),
                     "arn:aws:ssm:us-east-1:123456789012:parameter/prod/flag");
    cr_expect_null(json_object_get(td, "tags"));
    cr_expect_null(json_object_get(td, "volumes"));
    json_decref(td);
    gf_stack_free(s);
}

Test(taskdef, unknown_task_and_missing_account)
{
    struct gf_stack *s = load("app:\n  name: rep\ntasks:\n  job:\n    image: x\n", "u.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *td = NULL;

    gf_cr_fails(GF_ENOTFOUND, gf_taskdef_build(&td, &ctx, "nope", NULL));
    cr_expect_str_eq(gf_error_last()->msg, "stack 'rep' has no task 'nope'");
    ctx.account = NULL;
    gf_cr_fails(GF_EINVALID, gf_taskdef_build(&td, &ctx, "job", NULL));
    cr_expect_null(td);
    gf_stack_free(s);
}
