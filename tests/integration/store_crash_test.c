/* SPDX-License-Identifier: Apache-2.0 */
/* store_crash_test.c: the store survives a process killed mid-write. A child writes runs with
 * their actions and API calls (one transaction each, its size encoded in the run's command so a
 * half-written one shows) and journal intents then results, in a tight loop; the parent kills it
 * with SIGKILL at random moments and checks, after each kill, that the database opens, passes
 * PRAGMA integrity_check and foreign_key_check, holds only whole transactions, never loses a
 * commit, and that each journal entry is a clean intent or a clean result. A second test kills
 * children while they create and migrate a fresh database. */
#define _DEFAULT_SOURCE /* rand_r */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "state/audit.h"
#include "state/journal.h"
#include "state/store.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define CRASH_KILLS      20
#define CRASH_OPEN_KILLS 10

static char *s_dir;

static void setup(void)
{
    s_dir = gf_test_tmpdir("store-crash");
    cr_assert_not_null(s_dir);
}

static void teardown(void)
{
    gf_test_tmpdir_remove(s_dir);
}

/* cppcheck-suppress unknownMacro */
TestSuite(store_crash, .init = setup, .fini = teardown, .timeout = 240);

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* One run with k actions and k API calls in one transaction; the command says k. */
static int write_run(char id[GF_AUDIT_RUN_ID_SIZE], struct gf_store *store, int k)
{
    char command[32];
    char key[32];
    int rc;
    int j;

    snprintf(command, sizeof(command), "crash-%d", k);
    rc = gf_store_begin(store);
    if (rc < 0)
        return rc;
    rc = gf_audit_run_start(
        id, store, &(struct gf_audit_run_start){"crash", "c0ffee", GF_TRIGGER_CLI, command});
    for (j = 0; rc == 0 && j < k; j++) {
        snprintf(key, sizeof(key), "q-%d", j);
        rc = gf_audit_action_add(
            store, id, &(struct gf_audit_action){j, "queue", key, GF_CHANGE_CREATE, "crash test"});
        if (rc == 0)
            rc = gf_audit_api_call(
                store, id,
                &(struct gf_audit_api_call){j, "sqs", "CreateQueue", 200, NULL, 3, 1, "req"});
    }
    if (rc == 0)
        rc = gf_audit_run_finish(store, id, GF_RUN_SUCCESS, NULL);
    if (rc < 0) {
        gf_store_rollback(store);
        return rc;
    }
    return gf_store_commit(store);
}

/* The child: never returns. Exit 2/3 tell the parent something failed before the kill. */
static void child_main(const char *path, int ready_fd, unsigned seed)
{
    struct gf_store *store = NULL;
    char id[GF_AUDIT_RUN_ID_SIZE];
    char arn[64];
    int64_t intent = 0;
    int i;

    if (gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}) < 0)
        _exit(2);
    if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1)
        _exit(2);
    for (i = 0; i < 1000000; i++) {
        if (write_run(id, store, 1 + (int)((seed + (unsigned)i) % 7)) < 0)
            _exit(3);
        if (gf_journal_begin(&intent, store,
                             &(struct gf_journal_intent){id, "queue", "q-0", "sqs", "CreateQueue",
                                                         id, "name=q-0"}) < 0)
            _exit(3);
        snprintf(arn, sizeof(arn), "arn:test:%s", id);
        if (gf_journal_finish(store, intent, arn, NULL) < 0)
            _exit(3);
    }
    _exit(0);
}

static pid_t spawn_child(const char *path, bool wait_ready, unsigned seed)
{
    int fds[2];
    pid_t pid;
    char c;
    struct pollfd pfd;

    cr_assert_eq(pipe(fds), 0);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        child_main(path, fds[1], seed);
    }
    close(fds[1]);
    if (wait_ready) {
        pfd.fd = fds[0];
        pfd.events = POLLIN;
        cr_assert_eq(poll(&pfd, 1, 10000), 1, "child did not open the store");
        cr_assert_eq(read(fds[0], &c, 1), 1, "child failed before writing");
    }
    close(fds[0]);
    return pid;
}

static void kill_child(pid_t pid)
{
    int status = 0;

    kill(pid, SIGKILL);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the child ended on its own (status %d) before the kill", status);
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;

    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static void check_integrity(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;

    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "ok");
    cr_assert_eq(sqlite3_step(stmt), SQLITE_DONE, "integrity_check reported more than one line");
    sqlite3_finalize(stmt);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(stmt), SQLITE_DONE, "foreign_key_check found orphans");
    sqlite3_finalize(stmt);
}

struct crash_counts {
    int64_t runs;
    int64_t pending;
};

/* Open as the next process would, then check every invariant. */
static void verify(struct crash_counts *out, const char *path)
{
    struct gf_journal_entries pending = GF_JOURNAL_ENTRIES_INIT;
    struct gf_store *store = NULL;
    sqlite3 *db = NULL;

    gf_cr_ok(gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}));
    cr_assert_eq(gf_store_schema_version(store), GF_STORE_SCHEMA_VERSION);
    gf_cr_ok(gf_journal_pending(&pending, store, NULL));
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    check_integrity(db);
    /* Whole transactions only: each run has exactly the k actions and k calls its command says,
     * and was finished in the same transaction. */
    cr_assert_eq(query_int(db, "SELECT count(*) FROM runs r WHERE r.outcome <> 'success'"
                               " OR r.finished_at IS NULL"
                               " OR r.command <> 'crash-' || (SELECT count(*) FROM actions a"
                               "   WHERE a.run_id = r.id)"
                               " OR r.n_actions <> (SELECT count(*) FROM actions a"
                               "   WHERE a.run_id = r.id)"
                               " OR r.n_api_calls <> (SELECT count(*) FROM api_calls c"
                               "   WHERE c.run_id = r.id)"),
                 0, "a run with a partial transaction");
    cr_assert_eq(query_int(db, "SELECT count(*) FROM actions a WHERE NOT EXISTS"
                               " (SELECT 1 FROM runs r WHERE r.id = a.run_id)"),
                 0);
    /* Journal entries are a clean intent or a clean result; never anything between. */
    cr_assert_eq(query_int(db, "SELECT count(*) FROM journal WHERE NOT ("
                               " (state = 'intent' AND result_id IS NULL AND finished_at IS NULL)"
                               " OR (state = 'done' AND result_id = 'arn:test:' || run_id"
                               "     AND finished_at IS NOT NULL AND client_token = run_id))"),
                 0, "a journal entry half written");
    out->runs = query_int(db, "SELECT count(*) FROM runs");
    out->pending = query_int(db, "SELECT count(*) FROM journal WHERE state = 'intent'");
    cr_assert_eq((int64_t)pending.len, out->pending);
    gf_journal_entries_release(&pending);
    sqlite3_close(db);
    gf_store_free(store);
}

Test(store_crash, survives_sigkill_mid_write)
{
    char *path = gf_test_path(s_dir, "crash.db");
    struct crash_counts before = {0, 0};
    struct crash_counts after;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    unsigned rnd = seed;
    int kills;

    for (kills = 0; kills < CRASH_KILLS; kills++) {
        pid_t pid = spawn_child(path, true, rnd);

        sleep_ms(1 + rand_r(&rnd) % 50);
        kill_child(pid);
        verify(&after, path);
        cr_assert_geq(after.runs, before.runs, "a committed run was lost (seed %u)", seed);
        cr_assert_leq(after.pending, kills + 1, "more pending intents than kills (seed %u)", seed);
        before = after;
    }
    cr_log_info("store crash test: %d kills (seed %u): %lld runs committed, %lld intents left "
                "pending by a kill",
                kills, seed, (long long)after.runs, (long long)after.pending);
    fprintf(stderr, "store_crash: %d SIGKILLs at 1-50 ms (seed %u): %lld runs, %lld pending\n",
            kills, seed, (long long)after.runs, (long long)after.pending);
    cr_assert_gt(after.runs, 0, "the children wrote nothing");
    free(path);
}

Test(store_crash, survives_sigkill_while_creating_the_database)
{
    struct crash_counts counts;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    unsigned rnd = seed;
    int i;

    for (i = 0; i < CRASH_OPEN_KILLS; i++) {
        char name[32];
        char *path;
        pid_t pid;

        snprintf(name, sizeof(name), "fresh-%d.db", i);
        path = gf_test_path(s_dir, name);
        pid = spawn_child(path, false, rnd);
        sleep_ms(rand_r(&rnd) % 4);
        kill_child(pid);
        verify(&counts, path); /* creates or finishes the schema if the kill came first */
        free(path);
    }
    fprintf(stderr, "store_crash: %d SIGKILLs during create/migrate (seed %u)\n", i, seed);
}
