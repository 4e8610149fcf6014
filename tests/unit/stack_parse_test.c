/* SPDX-License-Identifier: Apache-2.0 */
/* stack_parse_test.c: gf_stack_parse over tests/data/parse/<case>.yml, each compared with
 * <case>.expected (the exact gf_diags_format output, the case's base name as path), plus
 * checks of values, origins and positions, limits, the schema table and OOM safety.
 * GF_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"
#include "state/yaml.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

static char *case_path(const char *name)
{
    struct gf_buf p = GF_BUF_INIT;

    gf_buf_printf(&p, "%s/parse/%s", gf_test_data_dir(), name);
    cr_assert(!gf_buf_failed(&p));
    return gf_buf_detach(&p);
}

/* Parse tests/data/parse/<name> with path = name. */
static int parse_case(struct gf_stack **out, struct gf_diags *diags, const char *name)
{
    struct gf_buf bytes = GF_BUF_INIT;
    char *path = case_path(name);
    int rc;

    cr_assert_eq(gf_test_read_file(&bytes, path), 0, "cannot read %s", path);
    gf_diags_init(diags);
    rc = gf_stack_parse(out, diags, name, gf_buf_slice(&bytes));
    gf_buf_release(&bytes);
    gf_free(path);
    return rc;
}

static void formatted(struct gf_buf *out, struct gf_diags *diags, const char *name)
{
    gf_diags_sort(diags);
    gf_cr_ok(gf_diags_format(out, diags, name));
}

static void check_case(const char *yml)
{
    struct gf_stack *stack = NULL;
    struct gf_diags diags;
    struct gf_buf got = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    char expected_name[512];
    char *expected_path;
    int rc;

    rc = parse_case(&stack, &diags, yml);
    cr_assert(rc == 0 || rc == GF_EINVALID, "%s: rc %d", yml, rc);
    cr_assert_eq(rc == 0, stack != NULL, "%s: model on a negative return", yml);
    if (rc < 0)
        cr_assert_gt(diags.n_errors, 0, "%s: GF_EINVALID without a diagnostic", yml);
    formatted(&got, &diags, yml);
    snprintf(expected_name, sizeof(expected_name), "%.*s.expected", (int)(strlen(yml) - 4), yml);
    expected_path = case_path(expected_name);
    if (getenv("GF_UPDATE_GOLDEN"))
        gf_test_write_file(expected_path, got.ptr, got.len);
    cr_assert_eq(gf_test_read_file(&want, expected_path), 0, "missing %s", expected_path);
    cr_expect_str_eq(got.ptr, want.ptr, "%s: diagnostics differ", yml);
    gf_free(expected_path);
    gf_buf_release(&got);
    gf_buf_release(&want);
    gf_diags_release(&diags);
    gf_stack_free(stack);
}

Test(stack_parse, data_cases_match_expected)
{
    char *dir = case_path("");
    size_t i, n = 0;
    char **names = gf_test_list(&n, dir, ".yml", false);

    for (i = 0; i < n; i++)
        check_case(names[i]);
    gf_test_list_free(names, n);
    gf_free(dir);
    cr_assert_geq(n, 30, "only %zu cases", n);
}

/* ---- values, origins, positions ---- */

static void assert_str(const struct gf_str *s, const char *v, uint32_t line, uint32_t col)
{
    cr_assert_not_null(s->v, "expected '%s'", v);
    cr_assert_str_eq(s->v, v);
    cr_assert_eq(s->origin, GF_ORIGIN_USER);
    cr_assert_eq(s->pos.line, line, "'%s' line %u, wanted %u", v, s->pos.line, line);
    cr_assert_eq(s->pos.col, col, "'%s' col %u, wanted %u", v, s->pos.col, col);
}

Test(stack_parse, minimal_stack_values_and_positions)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    const struct gf_task *t;

    gf_cr_ok(parse_case(&s, &diags, "valid_minimal.yml"));
    cr_assert_eq(diags.n, 0);
    cr_assert_str_eq(s->path, "valid_minimal.yml");
    cr_assert_gt(s->src.len, 50);
    assert_str(&s->app_name, "nightly-report", 2, 9);
    cr_assert_eq(s->app_pos.line, 1);
    cr_assert_eq(s->n_tasks, 1);
    cr_assert_eq(s->tasks_pos.line, 3);
    t = gf_stack_task(s, "report");
    cr_assert_not_null(t);
    cr_assert_eq(t->pos.line, 4);
    cr_assert_eq(t->pos.col, 3);
    cr_assert_eq(t->type, GF_TASK_TASK);
    assert_str(&t->type_text, "task", 5, 11);
    assert_str(&t->image, "report-runner:latest", 6, 12);
    assert_str(&t->schedule, "cron(0 2 * * ? *)", 7, 15);
    cr_assert(gf_task_is_scheduled(t));
    cr_assert_not(gf_task_is_service(t));
    cr_assert_null(gf_stack_http_task(s));
    cr_assert_null(s->region.v);
    cr_assert_eq(s->region.origin, GF_ORIGIN_UNSET);
    cr_assert_eq(t->cpu.origin, GF_ORIGIN_UNSET);
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, enriched_state_keeps_text_exactly)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    const struct gf_task *t;

    gf_cr_ok(parse_case(&s, &diags, "valid_enriched.yml"));
    cr_assert_eq(diags.n, 0);
    assert_str(&s->account, "012345678901", 1, 10); /* leading zero kept */
    cr_assert_eq(s->log_group_retention_days.v, 14);
    cr_assert_eq(s->log_group_retention_days.origin, GF_ORIGIN_USER);
    cr_assert_eq(s->log_group_retention_days.pos.line, 17);
    cr_assert(s->role.present);
    cr_assert(s->events_role.present);
    cr_assert_not(s->task_role.present == false);
    cr_assert(s->sg_fargate.present);
    cr_assert_str_eq(s->sg_fargate.group_id.v, "sg-0123456789abcdef0");
    cr_assert_eq(s->subnets_private.n, 2);
    cr_assert_str_eq(s->subnets_private.v[1], "subnet-bbbb2222");
    cr_assert_eq(s->subnets_private.vpos[1].line, 31);
    cr_assert_eq(s->subnets_private.vpos[1].col, 30);
    cr_assert_str_eq(s->last_updated.v, "Thu Aug 14 17:35:27 2025");
    cr_assert_str_eq(s->route53_profile.v, "default");
    t = gf_stack_task(s, "report");
    cr_assert_eq(t->cpu.v, 1024);
    cr_assert_eq(t->memory.v, 2048);
    cr_assert_str_eq(t->rule_arn.v, "arn:aws:events:us-east-1:012345678901:rule/"
                                    "nightly-report-report-schedule");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, https_stack_types_and_presence)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    const struct gf_task *t;

    gf_cr_ok(parse_case(&s, &diags, "valid_https.yml"));
    cr_assert_eq(diags.n, 0);
    cr_assert(s->alb.present);
    cr_assert_eq(s->alb.port.v, 443); /* quoted digits */
    cr_assert(s->alb.redirect_80.v);
    cr_assert(s->alb.waf.present);
    cr_assert(s->alb.waf.enabled.v); /* 'true' quoted */
    cr_assert_str_eq(s->sg_alb.name.v, "api-alb-sg");
    cr_assert(s->queue.present);
    cr_assert(s->queue.max_receive_count_present);
    cr_assert_eq(s->queue.max_receive_count.origin, GF_ORIGIN_UNSET);
    cr_assert_eq(s->queue.visibility_timeout.v, 60);
    cr_assert_str_eq(s->queue.permissions_profile.v, "producer");
    cr_assert_eq(s->queue.permissions_pos.line, 23);
    cr_assert_str_eq(s->queue.permissions_include.v[0], "sqs:PurgeQueue");
    cr_assert_not(s->dlq.present);
    cr_assert(s->bucket_present);
    cr_assert(s->bucket_readonly.v);
    cr_assert_str_eq(s->bucket_paths.v[0], "uploads/*");
    t = gf_stack_http_task(s);
    cr_assert_not_null(t);
    cr_assert_str_eq(t->key, "web");
    cr_assert_eq(t->type, GF_TASK_HTTPS);
    cr_assert_eq(t->container_port.v, 8080);
    cr_assert_eq(t->environment.n, 4);
    cr_assert_str_eq(t->environment.v[1].key, "WORKERS");
    cr_assert_str_eq(t->environment.v[1].value, "4");
    cr_assert_str_eq(t->environment.v[2].value, "no"); /* kept as text, not a bool */
    cr_assert_str_eq(t->environment.v[3].value, "");
    cr_assert_eq(t->environment.v[1].key_pos.line, 40);
    cr_assert_eq(t->environment.v[1].value_pos.col, 16);
    cr_assert_eq(t->secrets.n, 2);
    cr_assert_eq(t->secrets_map.n, 0);
    cr_assert(t->efs.present);
    cr_assert(t->efs.readonly.v);
    cr_assert_not(t->efs.authorize_ingress.v);
    cr_assert_eq(t->efs.authorize_ingress.origin, GF_ORIGIN_USER);
    cr_assert(t->health_check.enabled.v);
    cr_assert_str_eq(t->health_check.matcher.v, "200");
    cr_assert_eq(t->autoscaling.requests.v, 500);
    cr_assert_eq(t->autoscaling.n_scheduled, 1);
    cr_assert_str_eq(t->autoscaling.scheduled[0].name, "business_hours");
    cr_assert_str_eq(t->autoscaling.scheduled[0].start_time.v, "00:08");
    cr_assert_str_eq(t->autoscaling.scheduled[0].min_capacity.v, "4/2");
    cr_assert_eq(t->desired_count.v, 2);
    t = gf_stack_task(s, "worker");
    cr_assert(gf_task_is_service(t));
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, secrets_map_form)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "valid_secrets_map.yml"));
    cr_assert_eq(diags.n, 0);
    cr_assert_eq(s->tasks[0].secrets.n, 0);
    cr_assert_eq(s->tasks[0].secrets_map.n, 1);
    cr_assert_str_eq(s->tasks[0].secrets_map.v[0].key, "prod/db:DB_PASS");
    cr_assert_eq(s->tasks[0].type, GF_TASK_UNSET); /* defaults fills it */
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, aliases_are_resolved)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "valid_aliases.yml"));
    cr_assert_eq(diags.n, 0);
    cr_assert_eq(s->tasks[1].environment.n, 2);
    cr_assert_str_eq(s->tasks[1].environment.v[1].value, "prod");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, legacy_keys_warn_and_are_dropped)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "legacy_keys.yml"));
    cr_assert_eq(diags.n, 5);
    cr_assert_eq(diags.n_errors, 0);
    cr_assert_eq(diags.v[0].severity, GF_DIAG_WARNING);
    cr_assert_str_eq(diags.v[0].msg, "legacy key 'default_log_group' is ignored");
    cr_assert_str_eq(diags.v[0].key, "default_log_group");
    cr_assert_null(s->route53_profile.v); /* top-level route53_profile is not route53.profile */
    cr_assert_str_eq(diags.v[4].key, "tasks.web.log_group");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

/* ---- structural errors: every one collected, each located ---- */

Test(stack_parse, rejects_duplicate_keys_at_the_second)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "dup_key.yml"));
    cr_assert_eq(diags.n_errors, 2);
    cr_assert_str_eq(diags.v[0].msg, "duplicate key 'region', first at line 3");
    cr_assert_eq(diags.v[0].pos.line, 4);
    cr_assert_str_eq(diags.v[0].hint, "remove one of them");
    cr_assert_str_eq(s->region.v, "us-east-1"); /* the first wins */
    cr_assert_str_eq(diags.v[1].key, "tasks.web.image");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, unknown_keys_suggest_a_sibling)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "unknown_key_task.yml"));
    cr_assert_eq(diags.n_errors, 2);
    cr_assert_str_eq(diags.v[0].msg, "unknown key 'imgae' in 'tasks.web'");
    cr_assert_str_eq(diags.v[0].hint, "did you mean 'image'?");
    cr_assert_str_eq(diags.v[0].key, "tasks.web.imgae");
    cr_assert_str_eq(diags.v[1].hint, "did you mean 'schedule'?");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

Test(stack_parse, wrong_types_are_all_reported)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_ok(parse_case(&s, &diags, "wrong_types.yml"));
    cr_assert_eq(diags.n_errors, 14, "got %zu", diags.n_errors);
    cr_assert_str_eq(diags.v[0].msg, "expected a map for 'app', found a list");
    cr_assert_eq(diags.v[0].pos.line, 1);
    cr_assert_eq(diags.v[0].pos.col, 6);
    /* the good items survive next to the bad */
    cr_assert_eq(s->subnets_private.n, 1);
    cr_assert_str_eq(s->tasks[0].efs.id.v, "fs-1");
    gf_diags_release(&diags);
    gf_stack_free(s);
}

static void assert_load_fails(const char *name, const char *msg, uint32_t line)
{
    struct gf_stack *s = (struct gf_stack *)1;
    struct gf_diags diags;
    int rc = parse_case(&s, &diags, name);

    cr_assert_eq(rc, GF_EINVALID, "%s: rc %d", name, rc);
    cr_assert_null(s);
    cr_assert_eq(diags.n, 1);
    cr_assert_str_eq(diags.v[0].msg, msg);
    cr_assert_str_eq(gf_error_last()->msg, msg);
    cr_assert_eq(diags.v[0].pos.line, line, "%s: line %u", name, diags.v[0].pos.line);
    gf_diags_release(&diags);
}

Test(stack_parse, loader_rejects_unreadable_files)
{
    assert_load_fails("empty.yml", "file is empty", 0);
    assert_load_fails("comments_only.yml", "file is empty", 0);
    assert_load_fails("top_list.yml", "expected a map at the top level, found a list", 1);
    assert_load_fails("top_scalar.yml", "expected a map at the top level, found 'just a string'",
                      1);
    assert_load_fails("multi_doc.yml", "several documents in one file", 3);
    assert_load_fails("invalid_utf8.yml", "file is not valid UTF-8 (byte 0xe9)", 2);
    assert_load_fails("invalid_utf8_surrogate.yml", "file is not valid UTF-8 (byte 0xed)", 3);
    assert_load_fails("deep_nesting.yml", "nesting deeper than 32 levels", 2);
    assert_load_fails("deep_alias.yml", "nesting deeper than 32 levels", 5);
    assert_load_fails("alias_bomb.yml", "alias '*e' expands past the limit of 200000 YAML nodes",
                      6);
    assert_load_fails("alias_undefined.yml", "alias '*nothing' names no complete anchor before it",
                      3);
    assert_load_fails("alias_recursive.yml", "alias '*loop' names no complete anchor before it", 3);
}

Test(stack_parse, syntax_error_is_located)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_cr_fails(GF_EINVALID, parse_case(&s, &diags, "syntax_indent.yml"));
    cr_assert_null(s);
    cr_assert_eq(diags.n, 1);
    cr_assert_eq(diags.v[0].pos.line, 3);
    cr_assert_str_eq(gf_error_last()->where, "syntax_indent.yml:3:2");
    cr_assert(strstr(diags.v[0].msg, "YAML syntax error: ") == diags.v[0].msg);
    gf_diags_release(&diags);
}

static int parse_text(struct gf_stack **out, struct gf_diags *diags, const char *text, size_t len)
{
    gf_diags_init(diags);
    return gf_stack_parse(out, diags, "gen.yml", gf_slice_make(text, len));
}

Test(stack_parse, rejects_a_file_over_the_size_limit)
{
    size_t len = GF_STACK_MAX_BYTES + 1;
    char *text = malloc(len);
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    struct gf_buf out = GF_BUF_INIT;

    memset(text, '#', len);
    gf_cr_fails(GF_EINVALID, parse_text(&s, &diags, text, len));
    cr_assert_null(s);
    gf_cr_ok(gf_diags_format(&out, &diags, "gen.yml"));
    cr_assert_str_eq(out.ptr, "gen.yml: error: file is larger than the limit of 1048576 bytes "
                              "(split the stack into several files)\n");
    gf_buf_release(&out);
    gf_diags_release(&diags);
    free(text);
}

Test(stack_parse, rejects_too_many_nodes)
{
    struct gf_buf text = GF_BUF_INIT;
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    int i;

    gf_buf_puts(&text, "app: {name: x}\nx: [");
    for (i = 0; i < GF_STACK_MAX_NODES; i++)
        gf_buf_puts(&text, "0,");
    gf_buf_puts(&text, "0]\n");
    cr_assert_lt(text.len, GF_STACK_MAX_BYTES);
    gf_cr_fails(GF_EINVALID, parse_text(&s, &diags, text.ptr, text.len));
    cr_assert_str_eq(diags.v[0].msg, "more than 200000 YAML nodes");
    cr_assert_eq(diags.v[0].pos.line, 2);
    gf_diags_release(&diags);
    gf_buf_release(&text);
}

Test(stack_parse, caps_the_number_of_problems)
{
    struct gf_buf text = GF_BUF_INIT;
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    int i;

    for (i = 0; i < 500; i++)
        gf_buf_printf(&text, "bad%d: 1\n", i);
    gf_cr_ok(parse_text(&s, &diags, text.ptr, text.len));
    cr_assert_eq(diags.n, 101);
    cr_assert_str_eq(diags.v[100].msg, "too many problems, stopping after 100");
    gf_diags_release(&diags);
    gf_stack_free(s);
    gf_buf_release(&text);
}

Test(stack_parse, load_reports_a_missing_file)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;

    gf_diags_init(&diags);
    gf_cr_fails(GF_ENOTFOUND, gf_stack_load(&s, &diags, "/nonexistent/stack.yml"));
    cr_assert_null(s);
    gf_diags_release(&diags);
}

Test(stack_parse, load_reads_a_file)
{
    struct gf_stack *s = NULL;
    struct gf_diags diags;
    char *path = case_path("valid_minimal.yml");

    gf_diags_init(&diags);
    gf_cr_ok(gf_stack_load(&s, &diags, path));
    cr_assert_str_eq(s->path, path);
    cr_assert_str_eq(s->app_name.v, "nightly-report");
    gf_stack_free(s);
    gf_diags_release(&diags);
    gf_free(path);
}

/* ---- OOM: every failing allocation returns GF_ENOMEM cleanly, no leak ---- */

static void oom_case(const char *name, int want_rc)
{
    struct gf_buf bytes = GF_BUF_INIT;
    char *path = case_path(name);
    long n;
    int rc = GF_ENOMEM;

    cr_assert_eq(gf_test_read_file(&bytes, path), 0);
    for (n = 0; rc == GF_ENOMEM; n++) {
        struct gf_stack *s = NULL;
        struct gf_diags diags;

        gf_diags_init(&diags);
        gf_alloc_failing_install(n);
        rc = gf_stack_parse(&s, &diags, name, gf_buf_slice(&bytes));
        gf_alloc_set(NULL);
        if (rc == GF_ENOMEM) {
            cr_assert_null(s, "%s: model after OOM at %ld", name, n);
            cr_assert_eq(gf_error_last()->code, GF_ENOMEM);
        } else {
            cr_assert_eq(rc, want_rc, "%s: rc %d after %ld allocations", name, rc, n);
        }
        gf_diags_release(&diags);
        gf_stack_free(s);
        cr_assert_lt(n, 100000);
    }
    cr_assert_gt(n, 5, "%s: only %ld allocations", name, n);
    gf_buf_release(&bytes);
    gf_free(path);
}

Test(stack_parse, survives_every_allocation_failure)
{
    oom_case("valid_https.yml", 0);
    oom_case("wrong_types.yml", 0);
    oom_case("unknown_key_nested.yml", 0);
    oom_case("legacy_keys.yml", 0);
    oom_case("valid_aliases.yml", 0);
    oom_case("multi_doc.yml", GF_EINVALID);
}

/* ---- the schema table ---- */

struct walk_count {
    int rows;
    int legacy;
    int state;
    bool saw_scheduled_days;
    bool saw_service_arn;
};

static int count_row(const struct gf_schema_row *row, const char *path, unsigned depth,
                     void *payload)
{
    struct walk_count *w = payload;

    (void)depth;
    w->rows++;
    cr_assert_not_null(row->doc, "%s has no doc", path);
    cr_assert_gt(strlen(row->doc), 3, "%s has no doc", path);
    w->legacy += (row->flags & GF_SCHEMA_LEGACY) != 0;
    w->state += (row->flags & GF_SCHEMA_STATE) != 0;
    if (strcmp(path, "tasks.<task>.autoscaling.scheduled.<action>.days") == 0)
        w->saw_scheduled_days = true;
    if (strcmp(path, "tasks.<task>.service_arn") == 0)
        w->saw_service_arn = (row->flags & GF_SCHEMA_STATE) != 0;
    return 0;
}

Test(stack_parse, schema_walk_lists_every_key_with_docs)
{
    struct walk_count w = {0};

    gf_cr_ok(gf_schema_walk(gf_schema_stack(), count_row, &w));
    cr_assert_gt(w.rows, 120, "%d rows", w.rows);
    cr_assert_eq(w.legacy, 5);
    cr_assert_gt(w.state, 20);
    cr_assert(w.saw_scheduled_days);
    cr_assert(w.saw_service_arn);
}

Test(stack_parse, schema_suggests_close_keys_only)
{
    const struct gf_schema_row *top = gf_schema_stack();

    cr_assert_str_eq(gf_schema_suggest(top, "regoin", 6)->key, "region");
    cr_assert_str_eq(gf_schema_suggest(top, "Tasks", 5)->key, "tasks");
    cr_assert_null(gf_schema_suggest(top, "kubernetes", 10));
    cr_assert_null(gf_schema_suggest(top, "default_log_grou", 16)); /* legacy is never offered */
    cr_assert_str_eq(gf_schema_find(top, "bucket", 6)->key, "bucket");
    cr_assert_null(gf_schema_find(top, "bucke", 5));
}

/* ---- diagnostics API ---- */

Test(stack_parse, diags_sort_and_format)
{
    struct gf_diags d;
    struct gf_buf out = GF_BUF_INIT;
    struct gf_pos a = {5, 3};
    struct gf_pos b = {2, 9};
    struct gf_pos none = {0, 0};

    gf_diags_init(&d);
    gf_cr_ok(gf_diags_add(&d, GF_DIAG_WARNING, a, "x", "warn here", NULL));
    gf_cr_ok(gf_diags_add(&d, GF_DIAG_ERROR, a, "x", "error here", "fix it"));
    gf_cr_ok(gf_diags_addf(&d, GF_DIAG_ERROR, b, "y", NULL, "value %d is bad", 7));
    gf_cr_ok(gf_diags_add(&d, GF_DIAG_ERROR, none, "", "no place", NULL));
    cr_assert_eq(d.n_errors, 3);
    gf_diags_sort(&d);
    gf_cr_ok(gf_diags_format(&out, &d, "s.yml"));
    cr_assert_str_eq(out.ptr, "s.yml: error: no place\n"
                              "s.yml:2:9: error: value 7 is bad\n"
                              "s.yml:5:3: error: error here (fix it)\n"
                              "s.yml:5:3: warning: warn here\n");
    gf_buf_release(&out);
    gf_diags_release(&d);
}

Test(stack_parse, diags_sort_is_stable_for_many)
{
    struct gf_diags d;
    size_t i;

    gf_diags_init(&d);
    for (i = 0; i < 300; i++) {
        struct gf_pos p = {(uint32_t)(i % 7) + 1, 1};

        gf_cr_ok(gf_diags_addf(&d, GF_DIAG_ERROR, p, "k", NULL, "%zu", i));
    }
    gf_diags_sort(&d);
    for (i = 1; i < d.n; i++) {
        cr_assert_leq(d.v[i - 1].pos.line, d.v[i].pos.line);
        if (d.v[i - 1].pos.line == d.v[i].pos.line)
            cr_assert_lt(strtol(d.v[i - 1].msg, NULL, 10), strtol(d.v[i].msg, NULL, 10));
    }
    gf_diags_release(&d);
}
