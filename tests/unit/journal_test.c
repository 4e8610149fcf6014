/* SPDX-License-Identifier: Apache-2.0 */
/* journal_test.c: the apply journal: intent -> done/failed, pending detection across runs and
 * re-opens, resolution, misuse (unknown ids, double finish, unknown run), a locked database,
 * and allocation failures while reading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "state/audit.h"
#include "state/journal.h"
#include "state/store.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define T0 1795426867000LL /* 2026-11-23T09:41:07Z */

static char *s_dir;
static char *s_path;
static struct gf_clock_fixed s_clock;
static struct gf_store *s_store;
static char s_run_a[GF_AUDIT_RUN_ID_SIZE];
static char s_run_b[GF_AUDIT_RUN_ID_SIZE];

static void setup(void)
{
    s_dir = gf_test_tmpdir("journal");
    cr_assert_not_null(s_dir);
    s_path = gf_test_path(s_dir, "g.db");
    gf_clock_fixed_init(&s_clock, T0);
    gf_cr_ok(gf_store_open(&s_store, &(struct gf_store_opts){s_path, 0, &s_clock.clock}));
    gf_cr_ok(gf_audit_run_start(
        s_run_a, s_store, &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_SYNC, "sync"}));
    s_clock.now_ms += 1000;
    gf_cr_ok(gf_audit_run_start(
        s_run_b, s_store, &(struct gf_audit_run_start){"api", NULL, GF_TRIGGER_SYNC, "sync"}));
}

static void teardown(void)
{
    gf_store_free(s_store);
    free(s_path);
    gf_test_tmpdir_remove(s_dir);
}

/* cppcheck-suppress unknownMacro */
TestSuite(journal, .init = setup, .fini = teardown);

static int64_t begin(const char *run_id, const char *key, const char *op)
{
    int64_t id = 0;

    gf_cr_ok(gf_journal_begin(
        &id, s_store,
        &(struct gf_journal_intent){run_id, "service", key, "ecs", op, "tok-123", "name=api-web"}));
    cr_assert_gt(id, 0);
    return id;
}

Test(journal, intent_then_done)
{
    struct gf_journal_entry e;
    int64_t id;

    s_clock.now_ms = T0 + 5000;
    id = begin(s_run_a, "api-web", "CreateService");
    gf_cr_ok(gf_journal_get(&e, s_store, id));
    cr_assert_eq(e.id, id);
    cr_assert_str_eq(e.run_id, s_run_a);
    cr_assert_str_eq(e.kind, "service");
    cr_assert_str_eq(e.key, "api-web");
    cr_assert_str_eq(e.service, "ecs");
    cr_assert_str_eq(e.operation, "CreateService");
    cr_assert_str_eq(e.client_token, "tok-123");
    cr_assert_str_eq(e.ident, "name=api-web");
    cr_assert_eq(e.state, GF_JOURNAL_INTENT);
    cr_assert_null(e.result_id);
    cr_assert_null(e.error);
    cr_assert_eq(e.created_ms, T0 + 5000);
    cr_assert_eq(e.finished_ms, -1);
    gf_journal_entry_release(&e);

    s_clock.now_ms = T0 + 6000;
    gf_cr_ok(gf_journal_finish(s_store, id,
                               "arn:aws:ecs:us-east-1:123456789012:service/main/api-web", NULL));
    gf_cr_ok(gf_journal_get(&e, s_store, id));
    cr_assert_eq(e.state, GF_JOURNAL_DONE);
    cr_assert_str_eq(e.result_id, "arn:aws:ecs:us-east-1:123456789012:service/main/api-web");
    cr_assert_eq(e.finished_ms, T0 + 6000);
    cr_assert_str_eq(gf_journal_state_name(e.state), "done");
    gf_journal_entry_release(&e);

    gf_cr_fails(GF_ECONFLICT, gf_journal_finish(s_store, id, "arn:other", NULL));
    cr_assert_str_eq(gf_error_last()->msg, "journal intent 1 is already done");
    gf_cr_ok(gf_journal_get(&e, s_store, id));
    cr_assert_str_eq(e.result_id, "arn:aws:ecs:us-east-1:123456789012:service/main/api-web",
                     "a second finish changes nothing");
    gf_journal_entry_release(&e);
}

Test(journal, intent_then_failed)
{
    struct gf_journal_entry e;
    struct gf_error err;
    int64_t id = begin(s_run_a, "api-web", "CreateService");

    gf_error_set(GF_ERETRY, "rate exceeded");
    gf_error_where("ecs:CreateService");
    gf_error_aws("ThrottlingException", "req-9", 400);
    gf_error_copy(&err, gf_error_last());
    gf_cr_ok(gf_journal_finish(s_store, id, NULL, &err));
    gf_cr_ok(gf_journal_get(&e, s_store, id));
    cr_assert_eq(e.state, GF_JOURNAL_FAILED);
    cr_assert_null(e.result_id);
    cr_assert_str_eq(e.error, "ecs:CreateService: rate exceeded [ThrottlingException]");
    gf_journal_entry_release(&e);
}

Test(journal, pending_lists_unfinished_intents_of_earlier_runs)
{
    struct gf_journal_entries p = GF_JOURNAL_ENTRIES_INIT;
    int64_t a1 = begin(s_run_a, "api-web", "CreateService");
    int64_t a2 = begin(s_run_a, "api-logs", "CreateLogGroup");
    int64_t a3 = begin(s_run_a, "api-role", "CreateRole");
    int64_t b1 = begin(s_run_b, "api-queue", "CreateQueue");

    gf_cr_ok(gf_journal_finish(s_store, a2, "arn:aws:logs:::log-group:api", NULL));
    gf_cr_ok(gf_journal_pending(&p, s_store, s_run_b));
    cr_assert_eq(p.len, 2);
    cr_assert_eq(p.v[0].id, a1, "oldest first");
    cr_assert_eq(p.v[1].id, a3);
    cr_assert_str_eq(p.v[1].key, "api-role");
    cr_assert_eq(p.v[1].state, GF_JOURNAL_INTENT);
    gf_journal_entries_release(&p);
    cr_assert_null(p.v);

    gf_cr_ok(gf_journal_pending(&p, s_store, NULL));
    cr_assert_eq(p.len, 3);
    cr_assert_eq(p.v[2].id, b1);
    gf_journal_entries_release(&p);

    gf_cr_ok(
        gf_journal_resolve(s_store, a1, "arn:aws:ecs:::service/main/api-web", "found by name"));
    gf_cr_ok(gf_journal_resolve(s_store, a3, NULL, "not created"));
    gf_cr_ok(gf_journal_pending(&p, s_store, s_run_b));
    cr_assert_eq(p.len, 0);
    gf_journal_entries_release(&p);
    gf_cr_fails(GF_ECONFLICT, gf_journal_resolve(s_store, a3, NULL, "again"));
    cr_assert_str_eq(gf_error_last()->msg, "journal intent 3 is already resolved");
}

Test(journal, resolve_records_what_was_found)
{
    struct gf_journal_entry e;
    int64_t id = begin(s_run_a, "api-web", "CreateService");

    gf_cr_ok(gf_journal_resolve(s_store, id, "arn:found", "found by tag"));
    gf_cr_ok(gf_journal_get(&e, s_store, id));
    cr_assert_eq(e.state, GF_JOURNAL_RESOLVED);
    cr_assert_str_eq(e.result_id, "arn:found");
    cr_assert_str_eq(e.error, "found by tag");
    cr_assert_neq(e.finished_ms, -1);
    gf_journal_entry_release(&e);
}

Test(journal, intents_survive_a_closed_connection)
{
    struct gf_journal_entries p = GF_JOURNAL_ENTRIES_INIT;
    struct gf_store *other = NULL;
    int64_t id = begin(s_run_a, "api-web", "CreateService");

    /* As after a crash: the writer is gone without finishing; a new process reads the file. */
    gf_store_free(s_store);
    s_store = NULL;
    gf_cr_ok(gf_store_open(&other, &(struct gf_store_opts){s_path, 0, NULL}));
    gf_cr_ok(gf_journal_pending(&p, other, NULL));
    cr_assert_eq(p.len, 1);
    cr_assert_eq(p.v[0].id, id);
    cr_assert_str_eq(p.v[0].client_token, "tok-123");
    gf_journal_entries_release(&p);
    s_store = other;
}

Test(journal, misuse_is_reported)
{
    struct gf_journal_entry e;
    int64_t id = 7;

    gf_cr_fails(GF_ENOTFOUND, gf_journal_finish(s_store, 42, "arn", NULL));
    cr_assert_str_eq(gf_error_last()->msg, "journal intent 42 not found");
    gf_cr_fails(GF_ENOTFOUND, gf_journal_resolve(s_store, 42, NULL, "x"));
    gf_cr_fails(GF_ENOTFOUND, gf_journal_get(&e, s_store, 42));
    gf_cr_fails(GF_ECONFLICT,
                gf_journal_begin(&id, s_store,
                                 &(struct gf_journal_intent){"r-nope", "service", "k", "ecs",
                                                             "CreateService", NULL, NULL}));
    cr_assert_str_eq(gf_error_last()->msg,
                     "database constraint failed: FOREIGN KEY constraint failed");
    cr_assert_eq(id, 0);
}

Test(journal, locked_database_is_retry_and_leaves_no_intent)
{
    struct gf_journal_entries p = GF_JOURNAL_ENTRIES_INIT;
    struct gf_store *holder = NULL;
    struct gf_store *writer = NULL;
    int64_t id = 0;

    gf_cr_ok(gf_store_open(&holder, &(struct gf_store_opts){s_path, 0, NULL}));
    gf_cr_ok(gf_store_open(&writer, &(struct gf_store_opts){s_path, 30, NULL}));
    gf_cr_ok(gf_store_begin(holder));
    gf_cr_fails(GF_ERETRY,
                gf_journal_begin(&id, writer,
                                 &(struct gf_journal_intent){s_run_a, "service", "k", "ecs",
                                                             "CreateService", NULL, NULL}));
    cr_assert_eq(id, 0);
    gf_store_rollback(holder);
    gf_cr_ok(gf_journal_pending(&p, writer, NULL));
    cr_assert_eq(p.len, 0);
    gf_store_free(holder);
    gf_store_free(writer);
}

Test(journal, pending_survives_allocation_failures)
{
    struct gf_journal_entries p = GF_JOURNAL_ENTRIES_INIT;
    struct gf_error err;
    long n;
    int rc = -1;
    int i;

    for (i = 0; i < 12; i++)
        begin(s_run_a, "k", "CreateService");
    for (n = 0; rc != 0; n++) {
        gf_alloc_failing_install(n);
        rc = gf_journal_pending(&p, s_store, NULL);
        gf_alloc_set(NULL);
        cr_assert(rc == 0 || rc == GF_ENOMEM, "n=%ld rc=%d", n, rc);
        if (rc < 0)
            cr_assert_null(p.v);
    }
    cr_assert_eq(p.len, 12);
    gf_journal_entries_release(&p);
    gf_error_set(GF_ERROR, "boom");
    gf_error_copy(&err, gf_error_last());
    gf_alloc_failing_install(0);
    rc = gf_journal_finish(s_store, 1, NULL, &err);
    gf_alloc_set(NULL);
    cr_assert_eq(rc, GF_ENOMEM);
    gf_cr_ok(gf_journal_pending(&p, s_store, NULL));
    cr_assert_eq(p.len, 12, "a failed finish leaves the intent pending");
    gf_journal_entries_release(&p);
}
