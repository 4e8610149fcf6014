/* SPDX-License-Identifier: Apache-2.0 */
/* audit_test.c: the audit log: recording runs, actions and API calls, the list/get queries and
 * their filters, --since parsing, the JSON and table formats (golden strings), allocation
 * failures in the queries, and the `gitfargate audit` command (controller/cmd_audit.c). */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "controller/cmd.h"
#include "state/audit.h"
#include "state/store.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_audit;

#define T0 1795426867000LL /* 2026-11-23T09:41:07Z */

static char *s_dir;
static char *s_path;
static struct gf_clock_fixed s_clock;
static struct gf_store *s_store;
static char s_run1[GF_AUDIT_RUN_ID_SIZE];
static char s_run2[GF_AUDIT_RUN_ID_SIZE];
static char s_run3[GF_AUDIT_RUN_ID_SIZE];

static void setup(void)
{
    s_dir = gf_test_tmpdir("audit");
    cr_assert_not_null(s_dir);
    s_path = gf_test_path(s_dir, "g.db");
    gf_clock_fixed_init(&s_clock, T0);
    gf_cr_ok(gf_store_open(&s_store, &(struct gf_store_opts){s_path, 0, &s_clock.clock}));
}

static void teardown(void)
{
    gf_store_free(s_store);
    free(s_path);
    gf_test_tmpdir_remove(s_dir);
}

/* cppcheck-suppress unknownMacro */
TestSuite(audit, .init = setup, .fini = teardown);

static void at(int64_t offset_ms)
{
    s_clock.now_ms = T0 + offset_ms;
}

/* Run 1: api, sync, failed: a create that worked, an update that failed, a no-op; 3 calls. */
static void record_run1(void)
{
    struct gf_error err;

    at(0);
    gf_cr_ok(gf_audit_run_start(
        s_run1, s_store,
        &(struct gf_audit_run_start){"api", "0123456789abcdef0123", GF_TRIGGER_SYNC, "sync"}));
    gf_cr_ok(gf_audit_action_add(
        s_store, s_run1,
        &(struct gf_audit_action){0, "log_group", "api-logs", GF_CHANGE_CREATE, "missing"}));
    gf_cr_ok(gf_audit_action_add(
        s_store, s_run1,
        &(struct gf_audit_action){1, "service", "api-web", GF_CHANGE_UPDATE, "image changed"}));
    gf_cr_ok(gf_audit_action_add(
        s_store, s_run1, &(struct gf_audit_action){2, "cluster", "main", GF_CHANGE_NONE, NULL}));
    at(100);
    gf_cr_ok(gf_audit_action_start(s_store, s_run1, 0));
    at(135);
    gf_cr_ok(gf_audit_api_call(
        s_store, s_run1,
        &(struct gf_audit_api_call){0, "logs", "CreateLogGroup", 200, NULL, 35, 1, "req-1"}));
    at(140);
    gf_cr_ok(gf_audit_action_finish(s_store, s_run1, 0, GF_ACTION_SUCCESS, NULL));
    at(200);
    gf_cr_ok(gf_audit_action_start(s_store, s_run1, 1));
    at(1400);
    gf_cr_ok(gf_audit_api_call(s_store, s_run1,
                               &(struct gf_audit_api_call){1, "ecs", "UpdateService", 400,
                                                           "InvalidParameterException", 1200, 3,
                                                           "req-2"}));
    at(1500);
    gf_error_set(GF_EINVALID, "service 'api-web' cannot use cpu 300");
    gf_error_where("ecs:UpdateService");
    gf_error_aws("InvalidParameterException", "req-2", 400);
    gf_error_hint("use 256, 512, 1024, 2048 or 4096");
    gf_error_copy(&err, gf_error_last());
    gf_cr_ok(gf_audit_action_finish(s_store, s_run1, 1, GF_ACTION_FAILED, &err));
    gf_cr_ok(gf_audit_api_call(
        s_store, s_run1,
        &(struct gf_audit_api_call){-1, "ec2", "DescribeVpcs", 200, NULL, 20, 1, NULL}));
    at(2300);
    gf_error_set(GF_ERROR, "1 of 3 actions failed");
    gf_error_copy(&err, gf_error_last());
    gf_cr_ok(gf_audit_run_finish(s_store, s_run1, GF_RUN_FAILED, &err));
}

/* Run 2: web, webhook, success, one action; 1h later. Run 3: api, poll, no-change; 2h later. */
static void record_runs23(void)
{
    at(3600000);
    gf_cr_ok(gf_audit_run_start(
        s_run2, s_store, &(struct gf_audit_run_start){"web", NULL, GF_TRIGGER_WEBHOOK, "apply"}));
    gf_cr_ok(gf_audit_action_add(
        s_store, s_run2,
        &(struct gf_audit_action){0, "queue", "jobs", GF_CHANGE_CREATE, "missing"}));
    gf_cr_ok(gf_audit_action_start(s_store, s_run2, 0));
    at(3600000 + 65000);
    gf_cr_ok(gf_audit_action_finish(s_store, s_run2, 0, GF_ACTION_SUCCESS, NULL));
    gf_cr_ok(gf_audit_run_finish(s_store, s_run2, GF_RUN_SUCCESS, NULL));
    at(7200000);
    gf_cr_ok(gf_audit_run_start(
        s_run3, s_store,
        &(struct gf_audit_run_start){"api", "fedcba9876543210", GF_TRIGGER_POLL, "sync"}));
    at(7200450);
    gf_cr_ok(gf_audit_run_finish(s_store, s_run3, GF_RUN_NO_CHANGE, NULL));
}

/* Replace each "RUN1"/"RUN2"/"RUN3" padded placeholder (27 chars, the ids' length) by the id. */
static char *expand(const char *golden)
{
    struct gf_buf b = GF_BUF_INIT;
    const char *p = golden;

    while (*p) {
        if (strncmp(p, "<run1----------------------", 27) == 0) {
            gf_buf_puts(&b, s_run1);
            p += 27;
        } else if (strncmp(p, "<run2----------------------", 27) == 0) {
            gf_buf_puts(&b, s_run2);
            p += 27;
        } else if (strncmp(p, "<run3----------------------", 27) == 0) {
            gf_buf_puts(&b, s_run3);
            p += 27;
        } else {
            gf_buf_putc(&b, *p++);
        }
    }
    cr_assert(!gf_buf_failed(&b));
    return gf_buf_detach(&b);
}

Test(audit, run_ids_have_time_and_random_parts)
{
    char other[GF_AUDIT_RUN_ID_SIZE];

    record_run1();
    cr_assert_eq(strlen(s_run1), 27);
    cr_assert(strncmp(s_run1, "r-20261123T094107Z-", 19) == 0, "%s", s_run1);
    gf_cr_ok(gf_audit_run_start(other, s_store,
                                &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_CLI, "plan"}));
    cr_assert_str_neq(other, s_run1);
}

Test(audit, records_a_run_in_full)
{
    struct gf_audit_run run;

    record_run1();
    gf_cr_ok(gf_audit_get(&run, s_store, s_run1));
    cr_assert_str_eq(run.id, s_run1);
    cr_assert_str_eq(run.stack, "api");
    cr_assert_str_eq(run.source_commit, "0123456789abcdef0123");
    cr_assert_eq(run.trigger, GF_TRIGGER_SYNC);
    cr_assert_str_eq(run.command, "sync");
    cr_assert_eq(run.outcome, GF_RUN_FAILED);
    cr_assert_str_eq(run.error, "1 of 3 actions failed");
    cr_assert_eq(run.started_ms, T0);
    cr_assert_eq(run.finished_ms, T0 + 2300);
    cr_assert_eq(run.n_actions, 3);
    cr_assert_eq(run.n_changed, 2);
    cr_assert_eq(run.n_failed, 1);
    cr_assert_eq(run.n_api_calls, 3);
    cr_assert_eq(run.actions_len, 3);
    cr_assert_eq(run.actions[0].seq, 0);
    cr_assert_str_eq(run.actions[0].kind, "log_group");
    cr_assert_str_eq(run.actions[0].key, "api-logs");
    cr_assert_eq(run.actions[0].change, GF_CHANGE_CREATE);
    cr_assert_str_eq(run.actions[0].reason, "missing");
    cr_assert_eq(run.actions[0].outcome, GF_ACTION_SUCCESS);
    cr_assert_null(run.actions[0].error);
    cr_assert_eq(run.actions[0].started_ms, T0 + 100);
    cr_assert_eq(run.actions[0].finished_ms, T0 + 140);
    cr_assert_eq(run.actions[1].outcome, GF_ACTION_FAILED);
    cr_assert_str_eq(run.actions[1].error,
                     "ecs:UpdateService: service 'api-web' cannot use cpu 300"
                     " [InvalidParameterException] (use 256, 512, 1024, 2048 or 4096)");
    cr_assert_eq(run.actions[2].outcome, GF_ACTION_PLANNED);
    cr_assert_null(run.actions[2].reason);
    cr_assert_eq(run.actions[2].started_ms, -1);
    cr_assert_eq(run.actions[2].finished_ms, -1);
    cr_assert_eq(run.calls_len, 3);
    cr_assert_eq(run.calls[0].action_seq, 0);
    cr_assert_str_eq(run.calls[0].service, "logs");
    cr_assert_str_eq(run.calls[0].operation, "CreateLogGroup");
    cr_assert_eq(run.calls[0].http_status, 200);
    cr_assert_null(run.calls[0].error_code);
    cr_assert_eq(run.calls[0].latency_ms, 35);
    cr_assert_eq(run.calls[0].attempts, 1);
    cr_assert_str_eq(run.calls[0].request_id, "req-1");
    cr_assert_eq(run.calls[0].at_ms, T0 + 135);
    cr_assert_str_eq(run.calls[1].error_code, "InvalidParameterException");
    cr_assert_eq(run.calls[1].attempts, 3);
    cr_assert_eq(run.calls[2].action_seq, -1);
    cr_assert_null(run.calls[2].request_id);
    gf_audit_run_release(&run);
}

Test(audit, unknown_things_are_not_found_or_conflicts)
{
    struct gf_audit_run run;
    const struct gf_error *e;

    record_run1();
    gf_cr_fails(GF_ENOTFOUND, gf_audit_get(&run, s_store, "r-nope"));
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "run 'r-nope' not found");
    cr_assert_str_eq(e->where, s_path);
    cr_assert_str_eq(e->hint, "list the recorded runs with `gitfargate audit`");
    gf_cr_fails(GF_ENOTFOUND, gf_audit_run_finish(s_store, "r-nope", GF_RUN_SUCCESS, NULL));
    cr_assert_str_eq(gf_error_last()->msg, "run 'r-nope' not found");
    gf_cr_fails(GF_ENOTFOUND, gf_audit_action_start(s_store, s_run1, 9));
    cr_assert(strstr(gf_error_last()->msg, "action 9 of run 'r-") == gf_error_last()->msg);
    gf_cr_fails(GF_ENOTFOUND,
                gf_audit_action_finish(s_store, "r-nope", 0, GF_ACTION_SUCCESS, NULL));
    cr_assert_str_eq(gf_error_last()->msg, "action 0 of run 'r-nope' not found");
    /* The same seq twice, an action or call for a run that does not exist: constraints. */
    gf_cr_fails(GF_ECONFLICT, gf_audit_action_add(s_store, s_run1,
                                                  &(struct gf_audit_action){
                                                      1, "service", "x", GF_CHANGE_CREATE, NULL}));
    cr_assert(
        strstr(gf_error_last()->msg, "database constraint failed: UNIQUE constraint failed") ==
            gf_error_last()->msg,
        "%s", gf_error_last()->msg);
    cr_assert_str_eq(gf_error_last()->where, s_path);
    gf_cr_fails(GF_ECONFLICT, gf_audit_action_add(s_store, "r-nope",
                                                  &(struct gf_audit_action){
                                                      0, "service", "x", GF_CHANGE_CREATE, NULL}));
    cr_assert_str_eq(gf_error_last()->msg,
                     "database constraint failed: FOREIGN KEY constraint failed");
    gf_cr_fails(GF_ECONFLICT, gf_audit_api_call(s_store, "r-nope",
                                                &(struct gf_audit_api_call){-1, "ecs", "ListX", 200,
                                                                            NULL, 1, 1, NULL}));
    gf_cr_fails(GF_ECONFLICT, gf_audit_api_call(s_store, s_run1,
                                                &(struct gf_audit_api_call){7, "ecs", "ListX", 200,
                                                                            NULL, 1, 1, NULL}));
}

Test(audit, lists_newest_first_with_filters)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;

    record_run1();
    record_runs23();
    gf_cr_ok(gf_audit_list(&runs, s_store, NULL));
    cr_assert_eq(runs.len, 3);
    cr_assert_str_eq(runs.v[0].id, s_run3);
    cr_assert_str_eq(runs.v[1].id, s_run2);
    cr_assert_str_eq(runs.v[2].id, s_run1);
    cr_assert_eq(runs.v[2].actions_len, 3);
    cr_assert_eq(runs.v[1].actions_len, 1);
    cr_assert_eq(runs.v[0].actions_len, 0);
    cr_assert_eq(runs.v[2].calls_len, 0, "the list does not load API calls");
    gf_audit_runs_release(&runs);

    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){"api", 0, 0}));
    cr_assert_eq(runs.len, 2);
    cr_assert_str_eq(runs.v[0].id, s_run3);
    cr_assert_str_eq(runs.v[1].id, s_run1);
    gf_audit_runs_release(&runs);

    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){NULL, T0 + 3600000, 0}));
    cr_assert_eq(runs.len, 2, "since is inclusive");
    gf_audit_runs_release(&runs);

    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){"api", T0 + 1, 0}));
    cr_assert_eq(runs.len, 1);
    cr_assert_str_eq(runs.v[0].id, s_run3);
    gf_audit_runs_release(&runs);

    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){NULL, 0, 2}));
    cr_assert_eq(runs.len, 2);
    cr_assert_str_eq(runs.v[1].id, s_run2);
    gf_audit_runs_release(&runs);

    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){"nope", 0, 0}));
    cr_assert_eq(runs.len, 0);
    cr_assert_null(runs.v);
}

Test(audit, marks_unfinished_runs_interrupted)
{
    struct gf_audit_run run;
    char id[GF_AUDIT_RUN_ID_SIZE];
    int64_t n = -1;

    record_run1();
    at(5000);
    gf_cr_ok(gf_audit_run_start(
        id, s_store, &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_CLI, "apply"}));
    at(9000);
    gf_cr_ok(gf_audit_runs_interrupt(&n, s_store));
    cr_assert_eq(n, 1);
    gf_cr_ok(gf_audit_get(&run, s_store, id));
    cr_assert_eq(run.outcome, GF_RUN_INTERRUPTED);
    cr_assert_eq(run.finished_ms, T0 + 9000);
    gf_audit_run_release(&run);
    gf_cr_ok(gf_audit_get(&run, s_store, s_run1));
    cr_assert_eq(run.outcome, GF_RUN_FAILED, "finished runs are left alone");
    gf_audit_run_release(&run);
}

Test(audit, batches_in_one_transaction)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;
    char id[GF_AUDIT_RUN_ID_SIZE];

    gf_cr_ok(gf_store_begin(s_store));
    gf_cr_ok(gf_audit_run_start(
        id, s_store, &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_CLI, "apply"}));
    gf_cr_ok(gf_audit_action_add(
        s_store, id, &(struct gf_audit_action){0, "queue", "q", GF_CHANGE_CREATE, NULL}));
    gf_store_rollback(s_store);
    gf_cr_ok(gf_audit_list(&runs, s_store, NULL));
    cr_assert_eq(runs.len, 0);
}

/* A call row is committed relaxed (no fsync of its own: hundreds per pass; strace shows it, a
 * unit test cannot) and leaves the store durable for what follows: it is committed, and the
 * store is back to synchronous FULL. */
Test(audit, a_call_row_is_committed_and_leaves_the_store_durable)
{
    struct gf_audit_run run;
    char id[GF_AUDIT_RUN_ID_SIZE];
    sqlite3_stmt *stmt = NULL;

    gf_cr_ok(gf_audit_run_start(
        id, s_store, &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_CLI, "plan"}));
    gf_cr_ok(gf_audit_api_call(s_store, id,
                               &(struct gf_audit_api_call){-1, "ecs", "DescribeServices", 200,
                                                           NULL, 3, 1, "req-1"}));
    gf_cr_ok(gf_store_stmt(&stmt, s_store, "PRAGMA synchronous"));
    cr_assert_eq(gf_store_step_row(s_store, stmt), 1);
    cr_assert_eq(sqlite3_column_int(stmt, 0), 2, "FULL again after the call row");
    sqlite3_reset(stmt);
    gf_cr_ok(gf_audit_get(&run, s_store, id));
    cr_assert_eq(run.calls_len, 1);
    gf_audit_run_release(&run);
}

Test(audit, parses_since)
{
    int64_t ms = 0;
    static const char *const bad[] = {"",
                                      "2",
                                      "h",
                                      "2x",
                                      "-1h",
                                      "1h30",
                                      "1234567890h",
                                      "2026-13-01",
                                      "2026-11-23T25:00:00Z",
                                      "2026-11-2",
                                      "yesterday"};
    size_t i;

    gf_cr_ok(gf_audit_parse_since(&ms, "2h", T0));
    cr_assert_eq(ms, T0 - 2 * 3600000LL);
    gf_cr_ok(gf_audit_parse_since(&ms, "3d", T0));
    cr_assert_eq(ms, T0 - 3 * 86400000LL);
    gf_cr_ok(gf_audit_parse_since(&ms, "1h30m", T0));
    cr_assert_eq(ms, T0 - 5400000LL);
    gf_cr_ok(gf_audit_parse_since(&ms, "45s", T0));
    cr_assert_eq(ms, T0 - 45000);
    gf_cr_ok(gf_audit_parse_since(&ms, "1w", T0));
    cr_assert_eq(ms, T0 - 7 * 86400000LL);
    gf_cr_ok(gf_audit_parse_since(&ms, "2026-11-23T09:41:07Z", 0));
    cr_assert_eq(ms, T0);
    gf_cr_ok(gf_audit_parse_since(&ms, "2026-11-23T10:41:07+01:00", 0));
    cr_assert_eq(ms, T0);
    gf_cr_ok(gf_audit_parse_since(&ms, "2026-11-23", 0));
    cr_assert_eq(ms, T0 - (9 * 3600 + 41 * 60 + 7) * 1000LL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gf_cr_fails(GF_EINVALID, gf_audit_parse_since(&ms, bad[i], T0));
        cr_assert(strncmp(gf_error_last()->msg, "invalid time '", 14) == 0, "%s", bad[i]);
        cr_assert_str_eq(gf_error_last()->hint,
                         "use a duration such as 30m, 2h or 3d, or a UTC time such as "
                         "2026-11-23T09:00:00Z or 2026-11-23");
    }
    gf_cr_fails(GF_EINVALID, gf_audit_parse_since(&ms, "2x", T0));
    cr_assert_str_eq(gf_error_last()->msg, "invalid time '2x'");
}

/* Golden outputs in tests/data/store/, run ids written as 27-character placeholders. */
static char *golden(const char *name)
{
    struct gf_buf b = GF_BUF_INIT;
    char *dir = gf_test_path(gf_test_data_dir(), "store");
    char *path = gf_test_path(dir, name);
    char *text;

    cr_assert_eq(gf_test_read_file(&b, path), 0, "cannot read %s", path);
    text = expand(b.ptr);
    gf_buf_release(&b);
    free(path);
    free(dir);
    return text;
}

static void check_golden(const char *what, const struct gf_buf *got, const char *name)
{
    char *want = golden(name);

    if (strcmp(got->ptr, want) != 0)
        fprintf(stderr, "---- %s: got ----\n%s---- end ----\n", what, got->ptr);
    cr_assert_str_eq(got->ptr, want, "%s differs", what);
    gf_free(want);
}

Test(audit, formats_list_as_table)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;
    struct gf_buf out = GF_BUF_INIT;

    record_run1();
    record_runs23();
    gf_cr_ok(gf_audit_list(&runs, s_store, NULL));
    gf_cr_ok(gf_audit_format_list_table(&out, &runs));
    check_golden("list table", &out, "list.txt");
    gf_buf_release(&out);
    gf_audit_runs_release(&runs);
    gf_cr_ok(gf_audit_format_list_table(&out, &runs));
    cr_assert_str_eq(out.ptr, "no runs\n");
    gf_buf_release(&out);
}

Test(audit, formats_run_as_table)
{
    struct gf_audit_run run;
    struct gf_buf out = GF_BUF_INIT;

    record_run1();
    gf_cr_ok(gf_audit_get(&run, s_store, s_run1));
    gf_cr_ok(gf_audit_format_run_table(&out, &run));
    check_golden("run table", &out, "run.txt");
    gf_buf_release(&out);
    gf_audit_run_release(&run);
}

Test(audit, formats_list_as_json)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;
    struct gf_buf out = GF_BUF_INIT;

    record_run1();
    record_runs23();
    gf_cr_ok(gf_audit_list(&runs, s_store, &(struct gf_audit_filter){NULL, 0, 2}));
    gf_cr_ok(gf_audit_format_list_json(&out, &runs));
    check_golden("list json", &out, "list.json");
    gf_buf_release(&out);
    gf_audit_runs_release(&runs);
    gf_cr_ok(gf_audit_format_list_json(&out, &runs));
    cr_assert_str_eq(out.ptr, "{\n  \"runs\": []\n}\n");
    gf_buf_release(&out);
}

Test(audit, formats_run_as_json)
{
    struct gf_audit_run run;
    struct gf_buf out = GF_BUF_INIT;

    record_run1();
    gf_cr_ok(gf_audit_get(&run, s_store, s_run1));
    gf_cr_ok(gf_audit_format_run_json(&out, &run));
    check_golden("run json", &out, "run.json");
    gf_buf_release(&out);
    gf_audit_run_release(&run);
}

/* Our allocations failing at every point of the queries and the table: GF_ENOMEM, no leak
 * (the ASan build checks), never a crash. SQLite's own allocations cannot be failed this way:
 * it has its own allocator. */
Test(audit, queries_survive_allocation_failures)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;
    struct gf_audit_run run;
    struct gf_buf out = GF_BUF_INIT;
    long n;
    int rc = -1;
    int failures = 0;

    record_run1();
    record_runs23();
    for (n = 0; rc != 0; n++) {
        gf_alloc_failing_install(n);
        rc = gf_audit_list(&runs, s_store, NULL);
        if (rc == 0) {
            rc = gf_audit_format_list_table(&out, &runs);
            gf_audit_runs_release(&runs);
            gf_buf_release(&out);
        }
        gf_alloc_set(NULL);
        cr_assert(rc == 0 || rc == GF_ENOMEM, "n=%ld rc=%d", n, rc);
        failures += rc != 0;
    }
    cr_assert_gt(failures, 10);
    for (n = 0, rc = -1; rc != 0; n++) {
        gf_alloc_failing_install(n);
        rc = gf_audit_get(&run, s_store, s_run1);
        if (rc == 0)
            gf_audit_run_release(&run);
        gf_alloc_set(NULL);
        cr_assert(rc == 0 || rc == GF_ENOMEM, "n=%ld rc=%d", n, rc);
    }
    gf_alloc_failing_install(0);
    rc = gf_audit_action_finish(s_store, s_run1, 2, GF_ACTION_FAILED, gf_error_last());
    gf_alloc_set(NULL);
    cr_assert_eq(rc, GF_ENOMEM);
}

/* ---- the command ---- */

struct cmd_result {
    int status;
    struct gf_buf out;
    struct gf_buf err;
};

/* Run `gitfargate audit ARGS...` in process, stdout and stderr captured through files. */
static void run_audit(struct cmd_result *r, const char *const *args)
{
    char *argv[16];
    char *out_path = gf_test_path(s_dir, "stdout");
    char *err_path = gf_test_path(s_dir, "stderr");
    int saved_out = dup(1), saved_err = dup(2);
    int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    struct gf_cli cli;
    int argc = 0;

    memset(&cli, 0, sizeof(cli));
    cli.color = -1;
    argv[argc++] = (char *)"audit";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    dup2(fo, 1);
    dup2(fe, 2);
    r->status = gf_cmd_audit.run(argc, argv, &cli);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    close(fo);
    close(fe);
    gf_buf_init(&r->out, 0);
    gf_buf_init(&r->err, 0);
    cr_assert_eq(gf_test_read_file(&r->out, out_path), 0);
    cr_assert_eq(gf_test_read_file(&r->err, err_path), 0);
    free(out_path);
    free(err_path);
}

static void cmd_result_release(struct cmd_result *r)
{
    gf_buf_release(&r->out);
    gf_buf_release(&r->err);
}

Test(audit, command_lists_and_shows)
{
    struct cmd_result r;
    char *want;

    record_run1();
    record_runs23();
    run_audit(&r, (const char *const[]){"--db", s_path, NULL});
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    want = golden("list.txt");
    cr_assert_str_eq(r.out.ptr, want);
    cr_assert_str_eq(r.err.ptr, "");
    gf_free(want);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--db=", NULL});
    cr_assert_neq(r.status, 0);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--format", "json", "--limit", "2", "--db", s_path, NULL});
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    want = golden("list.json");
    cr_assert_str_eq(r.out.ptr, want);
    gf_free(want);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--db", s_path, s_run1, NULL});
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    want = golden("run.txt");
    cr_assert_str_eq(r.out.ptr, want);
    gf_free(want);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--db", s_path, "--stack=api", "--since",
                                        "2026-11-23T10:00:00Z", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    cr_assert(strstr(r.out.ptr, s_run3) != NULL);
    cr_assert(strstr(r.out.ptr, s_run1) == NULL);
    cr_assert(strstr(r.out.ptr, s_run2) == NULL);
    cmd_result_release(&r);
}

Test(audit, command_errors)
{
    struct cmd_result r;
    char *missing = gf_test_path(s_dir, "none/x.db");
    char want[1024];

    record_run1();
    run_audit(&r, (const char *const[]){"--db", s_path, "r-nope", NULL});
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out.ptr, "");
    snprintf(want, sizeof(want),
             "gitfargate: %s: error: run 'r-nope' not found (list the recorded runs with "
             "`gitfargate audit`)\n",
             s_path);
    cr_assert_str_eq(r.err.ptr, want);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--db", missing, NULL});
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err.ptr, "error: no audit database at '") != NULL, "%s", r.err.ptr);
    cr_assert(strstr(r.err.ptr, "(run a pass first, or point --db at the controller's database)") !=
                  NULL,
              "%s", r.err.ptr);
    cmd_result_release(&r);
    cr_assert_neq(access(missing, F_OK), 0, "a read command must not create the database");

    run_audit(&r, (const char *const[]){"--db", s_path, "--format", "xml", NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "gitfargate audit: unknown format 'xml' (use table or json)\n"
                                "usage: gitfargate audit [--db PATH]") == r.err.ptr,
              "%s", r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--bogus", NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "unknown option '--bogus'") != NULL, "%s", r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--db", NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "option '--db' needs a value") != NULL, "%s", r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--stack", "api", s_run1, NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "--stack, --since and --limit select runs to list, not one run") !=
                  NULL,
              "%s", r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"a", "b", NULL});
    cr_assert_eq(r.status, 64);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--limit", "0", NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "invalid --limit '0' (a number from 1 to 100000)") != NULL, "%s",
              r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--since", "soon", NULL});
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "invalid time 'soon' (use a duration such as 30m") != NULL, "%s",
              r.err.ptr);
    cmd_result_release(&r);

    run_audit(&r, (const char *const[]){"--help", NULL});
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out.ptr, "usage: gitfargate audit [--db PATH] [--stack S]") == r.out.ptr,
              "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "--since T") != NULL);
    cmd_result_release(&r);
    free(missing);
}

Test(audit, command_reads_while_another_process_writes)
{
    struct gf_store *holder = NULL;
    struct cmd_result r;

    /* A fresh file needs no migration, so only the write lock matters: reading never waits in
     * WAL mode. The command only reads: it must succeed while another process writes. */
    record_run1();
    gf_cr_ok(gf_store_open(&holder, &(struct gf_store_opts){s_path, 0, NULL}));
    gf_cr_ok(gf_store_begin(holder));
    gf_cr_ok(gf_store_kv_set(holder, "x", "y"));
    run_audit(&r, (const char *const[]){"--db", s_path, NULL});
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    cmd_result_release(&r);
    gf_store_rollback(holder);
    gf_store_free(holder);
}

Test(audit, json_replaces_invalid_utf8)
{
    struct gf_audit_run run;
    struct gf_buf out = GF_BUF_INIT;
    char id[GF_AUDIT_RUN_ID_SIZE];

    gf_cr_ok(gf_audit_run_start(id, s_store,
                                &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_CLI, "plan"}));
    gf_cr_ok(gf_audit_action_add(s_store, id,
                                 &(struct gf_audit_action){0, "queue", "q\xff", GF_CHANGE_CREATE,
                                                           "caf\xc3\xa9"}));
    gf_cr_ok(gf_audit_get(&run, s_store, id));
    gf_cr_ok(gf_audit_format_run_json(&out, &run));
    cr_assert(strstr(out.ptr, "\"key\": \"q?\"") != NULL, "%s", out.ptr);
    cr_assert(strstr(out.ptr, "\"reason\": \"caf\xc3\xa9\"") != NULL, "%s", out.ptr);
    gf_buf_release(&out);
    gf_audit_run_release(&run);
}
