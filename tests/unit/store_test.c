/* SPDX-License-Identifier: Apache-2.0 */
/* store_test.c: the SQLite store: opening, migrations (fresh, re-open, newer, corrupt, foreign),
 * pragmas and file modes, SQLite error translation (busy -> GF_ERETRY), nested transactions,
 * and the controller's bookkeeping tables. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "state/store.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

static char *s_dir;

static void setup(void)
{
    s_dir = gf_test_tmpdir("store");
    cr_assert_not_null(s_dir);
}

static void teardown(void)
{
    gf_test_tmpdir_remove(s_dir);
}

/* cppcheck-suppress unknownMacro */
TestSuite(store, .init = setup, .fini = teardown);

/* Path of `name` in the test's folder; owned (free). */
static char *db_path(const char *name)
{
    return gf_test_path(s_dir, name);
}

static struct gf_store *open_ok(const char *path)
{
    struct gf_store_opts opts = GF_STORE_OPTS_INIT;
    struct gf_store *store = NULL;

    opts.path = path;
    gf_cr_ok(gf_store_open(&store, &opts));
    cr_assert_not_null(store);
    return store;
}

/* Run one statement on a raw connection and return its first column as an int. */
static int raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int v = -1;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

Test(store, creates_fresh_database_with_schema_and_private_modes)
{
    char *path = db_path("sub/dir/gitfargate.db");
    char *dir = db_path("sub/dir");
    struct gf_store *store = open_ok(path);
    struct stat st;

    cr_assert_eq(gf_store_schema_version(store), GF_STORE_SCHEMA_VERSION);
    cr_assert_str_eq(gf_store_path(store), path);
    gf_cr_ok(gf_store_kv_set(store, "k", "v"));
    gf_store_free(store);
    cr_assert_eq(stat(dir, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700, "folder mode %o", st.st_mode & 0777);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "file mode %o", st.st_mode & 0777);
    cr_assert_eq(raw_int(path, "PRAGMA user_version"), GF_STORE_SCHEMA_VERSION);
    cr_assert_eq(raw_int(path, "PRAGMA application_id"), GF_STORE_APPLICATION_ID);
    cr_assert_eq(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    cr_assert_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                               " ('runs','actions','api_calls','journal','kv','stacks')"),
                 6);
    free(path);
    free(dir);
}

Test(store, reopen_is_idempotent_and_keeps_data)
{
    char *path = db_path("g.db");
    struct gf_store *store = open_ok(path);
    char *value = NULL;
    int i;

    gf_cr_ok(gf_store_kv_set(store, "last_poll", "2026-11-23T09:00:00Z"));
    gf_store_free(store);
    for (i = 0; i < 3; i++) {
        store = open_ok(path);
        cr_assert_eq(gf_store_schema_version(store), GF_STORE_SCHEMA_VERSION);
        gf_cr_ok(gf_store_kv_get(&value, store, "last_poll"));
        cr_assert_str_eq(value, "2026-11-23T09:00:00Z");
        gf_free(value);
        gf_store_free(store);
    }
    cr_assert_eq(raw_int(path, "SELECT count(*) FROM kv"), 1);
    free(path);
}

Test(store, refuses_a_newer_schema)
{
    char *path = db_path("g.db");
    struct gf_store *store = open_ok(path);
    const struct gf_error *e;

    gf_store_free(store);
    raw_exec(path, "PRAGMA user_version = 99");
    store = (struct gf_store *)1;
    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}));
    cr_assert_null(store);
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "database has schema version 99, newer than this gitfargate's 1");
    cr_assert_str_eq(e->where, path);
    cr_assert_str_eq(e->hint, "upgrade gitfargate, or use another --db path");
    /* Refusing must not have touched the file. */
    cr_assert_eq(raw_int(path, "PRAGMA user_version"), 99);
    free(path);
}

Test(store, corrupt_file_is_a_clean_error)
{
    char *path = db_path("g.db");
    struct gf_store *store = NULL;
    char junk[8192];
    const struct gf_error *e;

    memset(junk, 'x', sizeof(junk));
    memcpy(junk, "this is not a database", 22);
    cr_assert_eq(gf_test_write_file(path, junk, sizeof(junk)), 0);
    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}));
    cr_assert_null(store);
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "database is unreadable: file is not a database");
    cr_assert_str_eq(e->where, path);
    cr_assert_str_eq(e->hint,
                     "move the file aside (gitfargate creates a new one) or restore a backup");
    free(path);
}

Test(store, corrupt_page_is_a_clean_error)
{
    char *path = db_path("g.db");
    struct gf_store *store = open_ok(path);
    struct gf_buf bytes = GF_BUF_INIT;
    char *value = NULL;
    int i, rc;

    /* Fill a few pages, then checkpoint so the data lives in the main file, and smash page 2+. */
    for (i = 0; i < 200; i++) {
        char key[32];

        snprintf(key, sizeof(key), "key-%03d", i);
        gf_cr_ok(gf_store_kv_set(store, key, "some value that takes room in the b-tree pages"));
    }
    gf_store_free(store);
    raw_exec(path, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
    cr_assert_eq(gf_test_read_file(&bytes, path), 0);
    cr_assert_gt(bytes.len, 4096 * 3);
    memset(bytes.ptr + 4096, 0xA5, bytes.len - 4096);
    cr_assert_eq(gf_test_write_file(path, bytes.ptr, bytes.len), 0);
    gf_buf_release(&bytes);
    /* Opening may still work (the header page is intact); reading the smashed pages must fail
     * with the translated error, not crash. */
    rc = gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL});
    if (rc == 0) {
        rc = gf_store_kv_get(&value, store, "key-150");
        gf_store_free(store);
    }
    cr_assert_eq(rc, GF_ERROR, "rc %d: %s", rc, gf_error_last()->msg);
    cr_assert(strncmp(gf_error_last()->msg, "database is unreadable: ", 24) == 0 ||
                  strncmp(gf_error_last()->msg, "database error: ", 16) == 0,
              "%s", gf_error_last()->msg);
    cr_assert_str_eq(gf_error_last()->where, path);
    cr_assert_null(value);
    free(path);
}

Test(store, refuses_another_applications_database)
{
    char *path = db_path("other.db");
    char *path2 = db_path("other2.db");
    struct gf_store *store = NULL;

    raw_exec(path, "CREATE TABLE notes (x TEXT)");
    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}));
    cr_assert_str_eq(
        gf_error_last()->msg,
        "database is not a gitfargate database: it has tables but no gitfargate schema");
    cr_assert_str_eq(gf_error_last()->where, path);
    raw_exec(path2, "PRAGMA application_id = 1234");
    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){path2, 0, NULL}));
    cr_assert_str_eq(gf_error_last()->msg,
                     "database is not a gitfargate database: another application's id");
    cr_assert_null(store);
    free(path);
    free(path2);
}

Test(store, cannot_create_its_folder_under_a_file)
{
    struct gf_store *store = NULL;
    char *file = db_path("afile");
    char *sub = db_path("afile/sub");
    char *path = db_path("afile/sub/g.db");
    char want[1024];

    cr_assert_eq(gf_test_write_file(file, "x", 1), 0);
    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){path, 0, NULL}));
    cr_assert_null(store);
    snprintf(want, sizeof(want), "cannot create folder '%s': Not a directory", sub);
    cr_assert_str_eq(gf_error_last()->msg, want);
    cr_assert_str_eq(gf_error_last()->where, path);
    free(file);
    free(sub);
    free(path);
}

Test(store, cannot_open_a_folder)
{
    struct gf_store *store = NULL;

    gf_cr_fails(GF_ERROR, gf_store_open(&store, &(struct gf_store_opts){s_dir, 0, NULL}));
    cr_assert(strncmp(gf_error_last()->msg, "cannot open database: ", 22) == 0, "%s",
              gf_error_last()->msg);
    cr_assert_str_eq(gf_error_last()->where, s_dir);
    cr_assert_str_eq(gf_error_last()->hint, "check that its folder exists and is writable");
}

Test(store, memory_database_works)
{
    struct gf_store *store = open_ok(":memory:");
    char *value = NULL;

    cr_assert_eq(gf_store_schema_version(store), GF_STORE_SCHEMA_VERSION);
    gf_cr_ok(gf_store_kv_set(store, "a", "1"));
    gf_cr_ok(gf_store_kv_get(&value, store, "a"));
    cr_assert_str_eq(value, "1");
    gf_free(value);
    gf_store_free(store);
}

Test(store, busy_lock_is_retry)
{
    char *path = db_path("g.db");
    struct gf_store *a = open_ok(path);
    struct gf_store *b = NULL;
    char *value = NULL;
    const struct gf_error *e;

    gf_cr_ok(gf_store_open(&b, &(struct gf_store_opts){path, 50, NULL}));
    gf_cr_ok(gf_store_begin(a));
    gf_cr_ok(gf_store_kv_set(a, "holder", "a"));
    gf_cr_fails(GF_ERETRY, gf_store_kv_set(b, "writer", "b"));
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "database is locked: database is locked");
    cr_assert_str_eq(e->where, path);
    cr_assert_str_eq(e->hint, "another gitfargate process is writing to it; try again");
    gf_cr_fails(GF_ERETRY, gf_store_begin(b));
    /* Readers are not blocked by the writer (WAL) and see the last commit only. */
    gf_cr_ok(gf_store_kv_get(&value, b, "holder"));
    cr_assert_null(value);
    gf_cr_ok(gf_store_commit(a));
    gf_cr_ok(gf_store_kv_set(b, "writer", "b"));
    gf_cr_ok(gf_store_kv_get(&value, b, "holder"));
    cr_assert_str_eq(value, "a");
    gf_free(value);
    gf_store_free(a);
    gf_store_free(b);
    free(path);
}

Test(store, transactions_nest_and_roll_back)
{
    struct gf_store *store = open_ok(":memory:");
    char *value = NULL;

    gf_cr_ok(gf_store_begin(store));
    gf_cr_ok(gf_store_begin(store));
    gf_cr_ok(gf_store_kv_set(store, "a", "1"));
    gf_cr_ok(gf_store_commit(store)); /* inner: nothing committed yet */
    gf_store_rollback(store);
    gf_cr_ok(gf_store_kv_get(&value, store, "a"));
    cr_assert_null(value);

    gf_cr_ok(gf_store_begin(store));
    gf_cr_ok(gf_store_kv_set(store, "b", "2"));
    gf_cr_ok(gf_store_begin(store));
    gf_store_rollback(store); /* inner failure dooms the outer transaction */
    gf_cr_fails(GF_ERROR, gf_store_commit(store));
    cr_assert_str_eq(gf_error_last()->msg,
                     "transaction rolled back after an earlier failure in it");
    gf_cr_ok(gf_store_kv_get(&value, store, "b"));
    cr_assert_null(value);

    gf_cr_ok(gf_store_begin(store));
    gf_cr_ok(gf_store_kv_set(store, "c", "3"));
    gf_cr_ok(gf_store_commit(store));
    gf_cr_ok(gf_store_kv_get(&value, store, "c"));
    cr_assert_str_eq(value, "3");
    gf_free(value);
    gf_store_free(store);
}

Test(store, kv_set_get_delete)
{
    struct gf_store *store = open_ok(":memory:");
    char *value = (char *)"sentinel";

    gf_cr_ok(gf_store_kv_get(&value, store, "missing"));
    cr_assert_null(value);
    gf_cr_ok(gf_store_kv_set(store, "k", "one"));
    gf_cr_ok(gf_store_kv_set(store, "k", "two"));
    gf_cr_ok(gf_store_kv_get(&value, store, "k"));
    cr_assert_str_eq(value, "two");
    gf_free(value);
    gf_cr_ok(gf_store_kv_delete(store, "k"));
    gf_cr_ok(gf_store_kv_get(&value, store, "k"));
    cr_assert_null(value);
    gf_store_free(store);
}

Test(store, stack_bookkeeping)
{
    struct gf_clock_fixed clock;
    struct gf_store *store = NULL;
    struct gf_store_stack_state st;

    gf_clock_fixed_init(&clock, 1795426867000); /* 2026-11-23T09:41:07Z */
    gf_cr_ok(gf_store_open(&store, &(struct gf_store_opts){":memory:", 0, &clock.clock}));
    gf_cr_fails(GF_ENOTFOUND, gf_store_stack_get(&st, store, "api"));
    cr_assert_str_eq(gf_error_last()->msg, "no applied state recorded for stack 'api'");
    gf_cr_ok(gf_store_stack_set(store, "api", "1111", NULL, "r-1"));
    clock.now_ms += 1000;
    gf_cr_ok(gf_store_stack_set(store, "api", "2222", "3333", "r-2"));
    gf_cr_ok(gf_store_stack_get(&st, store, "api"));
    cr_assert_str_eq(st.stack, "api");
    cr_assert_str_eq(st.applied_commit, "2222");
    cr_assert_str_eq(st.status_commit, "3333");
    cr_assert_str_eq(st.run_id, "r-2");
    cr_assert_eq(st.updated_ms, 1795426868000);
    gf_store_stack_state_release(&st);
    gf_cr_ok(gf_store_stack_set(store, "web", NULL, NULL, NULL));
    gf_cr_ok(gf_store_stack_get(&st, store, "web"));
    cr_assert_null(st.applied_commit);
    cr_assert_null(st.status_commit);
    gf_store_stack_state_release(&st);
    gf_store_free(store);
}

/* Secret values can never be stored: no table has a column that could hold a body. */
Test(store, schema_has_no_body_columns)
{
    char *path = db_path("g.db");
    struct gf_store *store = open_ok(path);

    gf_store_free(store);
    cr_assert_eq(raw_int(path, "SELECT count(*) FROM sqlite_schema s, pragma_table_info(s.name) c"
                               " WHERE s.type = 'table' AND (c.name LIKE '%body%'"
                               " OR c.name LIKE '%payload%' OR c.name LIKE '%secret%'"
                               " OR c.name LIKE '%response%' OR c.name LIKE '%header%'"
                               " OR (c.name LIKE '%request%' AND c.name <> 'request_id'))"),
                 0);
    free(path);
}

Test(store, open_survives_allocation_failures)
{
    struct gf_store *store = NULL;
    long n;
    int rc = -1;

    /* Only our own allocations fail (SQLite allocates with its own allocator). */
    for (n = 0; n < 20 && rc != 0; n++) {
        gf_alloc_failing_install(n);
        rc = gf_store_open(&store, &(struct gf_store_opts){":memory:", 0, NULL});
        gf_alloc_set(NULL);
        if (rc < 0) {
            cr_assert_eq(rc, GF_ENOMEM, "n=%ld rc=%d %s", n, rc, gf_error_last()->msg);
            cr_assert_null(store);
        }
    }
    cr_assert_eq(rc, 0);
    gf_store_free(store);
}

/* PRAGMA synchronous on the store's own connection (2 FULL, 1 NORMAL). */
static int store_synchronous(struct gf_store *store)
{
    sqlite3_stmt *stmt = NULL;
    int v = -1;

    gf_cr_ok(gf_store_stmt(&stmt, store, "PRAGMA synchronous"));
    if (gf_store_step_row(store, stmt) == 1)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    return v;
}

Test(store, relaxed_commits_are_kept_and_durable_is_the_default)
{
    char *path = db_path("relaxed.db");
    struct gf_store *store = open_ok(path);

    cr_assert_eq(store_synchronous(store), 2, "durable by default");
    gf_cr_ok(gf_store_set_durable(store, false));
    cr_assert_eq(store_synchronous(store), 1);
    gf_cr_ok(gf_store_kv_set(store, "relaxed", "1"));
    /* committed: another connection sees it at once */
    cr_assert_eq(raw_int(path, "SELECT count(*) FROM kv WHERE key = 'relaxed'"), 1);
    /* inside a transaction the mode is left as is */
    gf_cr_ok(gf_store_begin(store));
    gf_cr_ok(gf_store_set_durable(store, true));
    cr_assert_eq(store_synchronous(store), 1);
    gf_cr_ok(gf_store_commit(store));
    gf_cr_ok(gf_store_set_durable(store, true));
    cr_assert_eq(store_synchronous(store), 2);
    gf_store_free(store);
    free(path);
}
