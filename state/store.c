/* SPDX-License-Identifier: Apache-2.0 */
/* store.c: the SQLite store (state/store.h): opening, pragmas, schema migrations, the
 * per-connection statement cache, nested transactions, SQLite error translation, and the
 * controller's bookkeeping tables. audit.c and journal.c build on it. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/log.h"
#include "state/store.h"
#include "common/banned.h"

/* Distinct SQL strings used through gf_store_stmt (audit.c + journal.c + this file, ~30). */
#define STORE_STMT_CAP 64

struct store_stmt {
    const char *sql; /* the key: a static string's address */
    sqlite3_stmt *stmt;
};

struct gf_store {
    sqlite3 *db;
    char *path;
    const struct gf_clock *clock;
    int version;
    int tx_depth;
    bool tx_doomed;
    bool relaxed; /* synchronous=NORMAL now (gf_store_set_durable) */
    size_t n_stmts;
    struct store_stmt stmts[STORE_STMT_CAP];
};

/* The schema, one migration per step: migrations[v] takes user_version v to v + 1 and runs in
 * its own transaction with the version bump. Append new steps; never edit a released one.
 * Times are Unix epoch milliseconds (UTC). No column can hold a request or response body. */
static const char *const s_migrations[] = {
    /* 0 -> 1: the audit log, the apply journal and the controller bookkeeping. */
    "CREATE TABLE runs ("
    "  id TEXT PRIMARY KEY,"
    "  stack TEXT NOT NULL,"
    "  source_commit TEXT,"
    "  \"trigger\" TEXT NOT NULL CHECK (\"trigger\" IN ('cli','sync','webhook','poll')),"
    "  command TEXT NOT NULL,"
    "  outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN"
    "    ('running','success','failed','no-change','rejected','interrupted')),"
    "  error TEXT,"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  n_actions INTEGER NOT NULL DEFAULT 0,"
    "  n_changed INTEGER NOT NULL DEFAULT 0,"
    "  n_failed INTEGER NOT NULL DEFAULT 0,"
    "  n_api_calls INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX runs_by_time ON runs (started_at DESC);"
    "CREATE INDEX runs_by_stack_time ON runs (stack, started_at DESC);"
    "CREATE INDEX runs_running ON runs (outcome) WHERE outcome = 'running';"
    "CREATE TABLE actions ("
    "  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL CHECK (seq >= 0),"
    "  kind TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  change TEXT NOT NULL CHECK (change IN"
    "    ('create','update','replace','delete','none','drift')),"
    "  reason TEXT,"
    "  outcome TEXT NOT NULL DEFAULT 'planned' CHECK (outcome IN"
    "    ('planned','running','success','failed','skipped')),"
    "  error TEXT,"
    "  started_at INTEGER,"
    "  finished_at INTEGER,"
    "  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE api_calls ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
    "  action_seq INTEGER,"
    "  service TEXT NOT NULL,"
    "  operation TEXT NOT NULL,"
    "  http_status INTEGER NOT NULL DEFAULT 0,"
    "  error_code TEXT,"
    "  latency_ms INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 1,"
    "  request_id TEXT,"
    "  at INTEGER NOT NULL,"
    "  FOREIGN KEY (run_id, action_seq) REFERENCES actions (run_id, seq) ON DELETE CASCADE);"
    "CREATE INDEX api_calls_by_run ON api_calls (run_id, id);"
    "CREATE TABLE journal ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id TEXT NOT NULL REFERENCES runs (id),"
    "  kind TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  service TEXT NOT NULL,"
    "  operation TEXT NOT NULL,"
    "  client_token TEXT,"
    "  ident TEXT,"
    "  state TEXT NOT NULL DEFAULT 'intent' CHECK (state IN"
    "    ('intent','done','failed','resolved')),"
    "  result_id TEXT,"
    "  error TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  finished_at INTEGER);"
    "CREATE INDEX journal_pending ON journal (id) WHERE state = 'intent';"
    "CREATE INDEX journal_by_run ON journal (run_id);"
    "CREATE TABLE kv ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE stacks ("
    "  stack TEXT PRIMARY KEY,"
    "  applied_commit TEXT,"
    "  status_commit TEXT,"
    "  run_id TEXT,"
    "  updated_at INTEGER NOT NULL) WITHOUT ROWID;",
};

_Static_assert(sizeof(s_migrations) / sizeof(s_migrations[0]) == GF_STORE_SCHEMA_VERSION,
               "one migration per schema version");

static int sqlite_error(sqlite3 *db, const char *path, int rc)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int code;

    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = gf_error_set(GF_ERETRY, "database is locked: %s", msg);
        gf_error_hint("another gitfargate process is writing to it; try again");
        break;
    case SQLITE_CONSTRAINT:
        code = gf_error_set(GF_ECONFLICT, "database constraint failed: %s", msg);
        break;
    case SQLITE_NOMEM:
        return gf_error_oom();
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        code = gf_error_set(GF_ERROR, "database is unreadable: %s", msg);
        gf_error_hint("move the file aside (gitfargate creates a new one) or restore a backup");
        break;
    case SQLITE_CANTOPEN:
        code = gf_error_set(GF_ERROR, "cannot open database: %s", msg);
        gf_error_hint("check that its folder exists and is writable");
        break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        code = gf_error_set(GF_ERROR, "cannot write database: %s", msg);
        gf_error_hint("check the permissions of the file and its folder");
        break;
    case SQLITE_FULL:
        code = gf_error_set(GF_ERROR, "cannot write database: %s", msg);
        gf_error_hint("free some disk space");
        break;
    default:
        code = gf_error_set(GF_ERROR, "database error: %s", msg);
        break;
    }
    gf_error_where("%s", path);
    return code;
}

int gf_store_fail(struct gf_store *store, int sqlite_rc)
{
    return sqlite_error(store->db, store->path, sqlite_rc);
}

/* mkdir -p of the folder holding `path`, new levels with mode 0700 (the database and its WAL
 * are nobody else's business). */
static int make_parent_dirs(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    char *p;
    int rc = 0;

    if (!slash || slash == path)
        return 0;
    dir = gf_strndup(path, (size_t)(slash - path));
    if (!dir)
        return gf_error_oom();
    for (p = dir + 1;; p++) {
        char c = *p;

        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
            rc = gf_error_set(GF_ERROR, "cannot create folder '%s': %s", dir, strerror(errno));
            gf_error_where("%s", path);
            goto out;
        }
        *p = c;
        if (c == '\0')
            break;
    }
out:
    gf_free(dir);
    return rc;
}

/* Create a missing database file as 0600 so SQLite (and its -wal/-shm, which copy the main
 * file's mode) never make it world-readable. An existing file is left as it is. */
static int precreate_file(const char *path)
{
    struct stat st;
    int fd;

    if (stat(path, &st) == 0 || errno != ENOENT)
        return 0;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
        gf_error_set(GF_ERROR, "cannot create database: %s", strerror(errno));
        gf_error_where("%s", path);
        gf_error_hint("check that its folder exists and is writable");
        return GF_ERROR;
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

static int exec_sql(struct gf_store *store, const char *sql)
{
    int rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : gf_store_fail(store, rc);
}

static int pragma_int(int *out, struct gf_store *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(stmt, 0);
        rc = SQLITE_OK;
    }
    rc = rc == SQLITE_OK ? 0 : gf_store_fail(store, rc);
    sqlite3_finalize(stmt);
    return rc;
}

/* synchronous=FULL, not NORMAL: in WAL mode NORMAL survives a killed process but a power loss
 * or a lost host (the controller's EFS volume outlives its task) may drop the last commits. The
 * journal promises an intent is durable BEFORE the mutating AWS call is sent; losing it would
 * leave an orphan nobody resolves. A pass writes tens to hundreds of rows, so one fsync per
 * commit is cheap; batch with gf_store_begin/commit where it is not. */
static int configure_connection(struct gf_store *store, int busy_timeout_ms, bool in_memory)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    sqlite3_extended_result_codes(store->db, 1);
    sqlite3_busy_timeout(store->db, busy_timeout_ms);
    rc = exec_sql(store, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
    if (rc < 0 || in_memory)
        return rc;
    /* The first statement that reads the file: a corrupt or foreign file fails here. */
    rc = sqlite3_prepare_v2(store->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(stmt, 0);

        /* WAL needs shared memory on one host: a network file system may refuse it. */
        if (!mode || strcmp(mode, "wal") != 0)
            gf_log_warn("store", "database is not in WAL mode", GF_F_STR("path", store->path),
                        GF_F_STR("journal_mode", mode ? mode : ""));
        rc = SQLITE_OK;
    }
    rc = rc == SQLITE_OK ? 0 : gf_store_fail(store, rc);
    sqlite3_finalize(stmt);
    return rc;
}

static int refuse_foreign(struct gf_store *store, const char *why)
{
    gf_error_set(GF_ERROR, "database is not a gitfargate database: %s", why);
    gf_error_where("%s", store->path);
    gf_error_hint("use another --db path, or move the file aside");
    return GF_ERROR;
}

/* Check the file is ours (or empty) and not from a newer gitfargate. */
static int check_identity(struct gf_store *store, int version)
{
    int app_id = 0;
    int n_tables = 0;
    int rc;

    if (version > GF_STORE_SCHEMA_VERSION) {
        gf_error_set(GF_ERROR, "database has schema version %d, newer than this gitfargate's %d",
                     version, GF_STORE_SCHEMA_VERSION);
        gf_error_where("%s", store->path);
        gf_error_hint("upgrade gitfargate, or use another --db path");
        return GF_ERROR;
    }
    rc = pragma_int(&app_id, store, "PRAGMA application_id");
    if (rc < 0)
        return rc;
    if (app_id != 0 && app_id != GF_STORE_APPLICATION_ID)
        return refuse_foreign(store, "another application's id");
    if (version > 0 || app_id != 0)
        return 0;
    rc = pragma_int(&n_tables, store, "SELECT count(*) FROM sqlite_schema");
    if (rc < 0)
        return rc;
    return n_tables ? refuse_foreign(store, "it has tables but no gitfargate schema") : 0;
}

/* One migration step in its own transaction. Another process may have migrated since we read
 * the version: re-read under the write lock and do nothing when it moved. */
static int migrate_step(struct gf_store *store, int from)
{
    char bump[96];
    int now = 0;
    int rc;

    rc = gf_store_begin(store);
    if (rc < 0)
        return rc;
    rc = pragma_int(&now, store, "PRAGMA user_version");
    if (rc < 0 || now != from)
        goto out;
    rc = check_identity(store, now);
    if (rc < 0)
        goto out;
    rc = exec_sql(store, s_migrations[from]);
    if (rc < 0)
        goto out;
    snprintf(bump, sizeof(bump), "PRAGMA user_version = %d; PRAGMA application_id = %d;", from + 1,
             GF_STORE_APPLICATION_ID);
    rc = exec_sql(store, bump);
out:
    if (rc < 0) {
        gf_store_rollback(store);
        return rc;
    }
    return gf_store_commit(store);
}

static int migrate(struct gf_store *store)
{
    int version = 0;
    int rc;

    rc = pragma_int(&version, store, "PRAGMA user_version");
    if (rc < 0)
        return rc;
    rc = check_identity(store, version);
    while (rc == 0 && version < GF_STORE_SCHEMA_VERSION) {
        rc = migrate_step(store, version);
        if (rc == 0)
            rc = pragma_int(&version, store, "PRAGMA user_version");
        if (rc == 0 && version > GF_STORE_SCHEMA_VERSION)
            rc = check_identity(store, version);
    }
    store->version = version;
    return rc;
}

static bool is_memory_path(const char *path)
{
    return strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0;
}

static int open_file(struct gf_store *store, bool in_memory)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc;

    if (!in_memory) {
        rc = make_parent_dirs(store->path);
        if (rc == 0)
            rc = precreate_file(store->path);
        if (rc < 0)
            return rc;
    } else {
        flags |= SQLITE_OPEN_URI;
    }
    rc = sqlite3_open_v2(store->path, &store->db, flags, NULL);
    if (rc != SQLITE_OK)
        return gf_store_fail(store, rc);
    return 0;
}

int gf_store_open(struct gf_store **out, const struct gf_store_opts *opts)
{
    struct gf_store_opts defaults = GF_STORE_OPTS_INIT;
    struct gf_store *store = NULL;
    const char *path;
    bool in_memory;
    int timeout_ms;
    int rc;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    path = opts->path ? opts->path : GF_STORE_DEFAULT_PATH;
    in_memory = is_memory_path(path);
    timeout_ms = opts->busy_timeout_ms ? opts->busy_timeout_ms : GF_STORE_BUSY_TIMEOUT_MS;
    store = gf_calloc(1, sizeof(*store));
    if (!store)
        return gf_error_oom();
    store->clock = opts->clock ? opts->clock : gf_clock_system();
    store->path = gf_strdup(path);
    if (!store->path) {
        rc = gf_error_oom();
        goto out;
    }
    rc = open_file(store, in_memory);
    if (rc == 0)
        rc = configure_connection(store, timeout_ms < 0 ? 0 : timeout_ms, in_memory);
    if (rc == 0)
        rc = migrate(store);
out:
    if (rc < 0) {
        gf_store_free(store);
        return rc;
    }
    *out = store;
    return 0;
}

void gf_store_free(struct gf_store *store)
{
    size_t i;

    if (!store)
        return;
    for (i = 0; i < store->n_stmts; i++)
        sqlite3_finalize(store->stmts[i].stmt);
    if (store->db && !sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close_v2(store->db);
    gf_free(store->path);
    gf_free(store);
}

const char *gf_store_path(const struct gf_store *store)
{
    return store->path;
}

const struct gf_clock *gf_store_clock(const struct gf_store *store)
{
    return store->clock;
}

int gf_store_schema_version(const struct gf_store *store)
{
    return store->version;
}

int gf_store_stmt(sqlite3_stmt **out, struct gf_store *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    size_t i;
    int rc;

    for (i = 0; i < store->n_stmts; i++) {
        if (store->stmts[i].sql == sql) {
            sqlite3_reset(store->stmts[i].stmt);
            sqlite3_clear_bindings(store->stmts[i].stmt);
            *out = store->stmts[i].stmt;
            return 0;
        }
    }
    GF_ASSERT(store->n_stmts < STORE_STMT_CAP);
    rc = sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK)
        return gf_store_fail(store, rc);
    store->stmts[store->n_stmts].sql = sql;
    store->stmts[store->n_stmts].stmt = stmt;
    store->n_stmts++;
    *out = stmt;
    return 0;
}

static int bind_one(sqlite3_stmt *stmt, int idx, char f, va_list *ap)
{
    const char *s;
    int64_t l;

    switch (f) {
    case 's':
        s = va_arg(*ap, const char *);
        return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_STATIC);
    case 'i':
        return sqlite3_bind_int(stmt, idx, va_arg(*ap, int));
    case 'l':
        return sqlite3_bind_int64(stmt, idx, va_arg(*ap, int64_t));
    case 'o':
        l = va_arg(*ap, int64_t);
        return l < 0 ? sqlite3_bind_null(stmt, idx) : sqlite3_bind_int64(stmt, idx, l);
    default:
        GF_BUG("unknown gf_store_bind format character");
    }
}

int gf_store_vbind(struct gf_store *store, sqlite3_stmt *stmt, const char *fmt, va_list ap)
{
    va_list args;
    int idx = 1;
    int rc = SQLITE_OK;

    va_copy(args, ap);
    for (; *fmt && rc == SQLITE_OK; fmt++, idx++)
        rc = bind_one(stmt, idx, *fmt, &args);
    va_end(args);
    return rc == SQLITE_OK ? 0 : gf_store_fail(store, rc);
}

int gf_store_bind(struct gf_store *store, sqlite3_stmt *stmt, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = gf_store_vbind(store, stmt, fmt, ap);
    va_end(ap);
    return rc;
}

int gf_store_step_done(struct gf_store *store, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(stmt);
        return 0;
    }
    rc = gf_store_fail(store, rc);
    sqlite3_reset(stmt);
    return rc;
}

int gf_store_step_row(struct gf_store *store, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(stmt);
        return 0;
    }
    rc = gf_store_fail(store, rc);
    sqlite3_reset(stmt);
    return rc;
}

int64_t gf_store_changes(struct gf_store *store)
{
    return sqlite3_changes64(store->db);
}

int gf_store_error_text(char **text_out, const struct gf_error *err)
{
    struct gf_buf b = GF_BUF_INIT;

    *text_out = NULL;
    if (!err)
        return 0;
    if (err->where[0])
        gf_buf_printf(&b, "%s: ", err->where);
    gf_buf_puts(&b, err->msg[0] ? err->msg : gf_error_code_name(err->code));
    if (err->aws_code[0])
        gf_buf_printf(&b, " [%s]", err->aws_code);
    if (err->hint[0])
        gf_buf_printf(&b, " (%s)", err->hint);
    if (gf_buf_failed(&b))
        return gf_error_oom();
    *text_out = gf_buf_detach(&b);
    return *text_out ? 0 : gf_error_oom();
}

int64_t gf_store_last_insert_id(struct gf_store *store)
{
    return sqlite3_last_insert_rowid(store->db);
}

char *gf_store_col_dup(sqlite3_stmt *stmt, int col, bool *oom)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);
    char *copy;

    if (!s)
        return NULL;
    copy = gf_strndup((const char *)s, (size_t)sqlite3_column_bytes(stmt, col));
    if (!copy)
        *oom = true;
    return copy;
}

static const char s_sql_begin[] = "BEGIN IMMEDIATE";
static const char s_sql_commit[] = "COMMIT";

static int run_cached(struct gf_store *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int rc = gf_store_stmt(&stmt, store, sql);

    return rc < 0 ? rc : gf_store_step_done(store, stmt);
}

/* Roll back without touching the gf_error (it holds the failure that led here). */
static void rollback_quietly(struct gf_store *store)
{
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int gf_store_begin(struct gf_store *store)
{
    int rc;

    if (store->tx_depth == 0) {
        rc = run_cached(store, s_sql_begin);
        if (rc < 0)
            return rc;
        store->tx_doomed = false;
    }
    store->tx_depth++;
    return 0;
}

int gf_store_commit(struct gf_store *store)
{
    int rc;

    GF_ASSERT(store->tx_depth > 0);
    if (--store->tx_depth > 0)
        return 0;
    if (store->tx_doomed) {
        rollback_quietly(store);
        gf_error_set(GF_ERROR, "transaction rolled back after an earlier failure in it");
        gf_error_where("%s", store->path);
        return GF_ERROR;
    }
    rc = run_cached(store, s_sql_commit);
    if (rc < 0)
        rollback_quietly(store);
    return rc;
}

int gf_store_set_durable(struct gf_store *store, bool durable)
{
    int rc;

    if (store->tx_depth > 0 || store->relaxed == !durable)
        return 0;
    rc = run_cached(store, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    if (rc == 0)
        store->relaxed = !durable;
    return rc;
}

void gf_store_rollback(struct gf_store *store)
{
    GF_ASSERT(store->tx_depth > 0);
    if (--store->tx_depth > 0) {
        store->tx_doomed = true;
        return;
    }
    rollback_quietly(store);
}

/* ---- bookkeeping ---- */

static const char s_sql_kv_set[] =
    "INSERT INTO kv (key, value, updated_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
static const char s_sql_kv_get[] = "SELECT value FROM kv WHERE key = ?1";
static const char s_sql_kv_delete[] = "DELETE FROM kv WHERE key = ?1";
static const char s_sql_stack_set[] =
    "INSERT INTO stacks (stack, applied_commit, status_commit, run_id, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (stack) DO UPDATE SET"
    " applied_commit = excluded.applied_commit, status_commit = excluded.status_commit,"
    " run_id = excluded.run_id, updated_at = excluded.updated_at";
static const char s_sql_stack_get[] =
    "SELECT stack, applied_commit, status_commit, run_id, updated_at FROM stacks WHERE stack = ?1";

int gf_store_kv_set(struct gf_store *store, const char *key, const char *value)
{
    sqlite3_stmt *stmt = NULL;
    int rc = gf_store_stmt(&stmt, store, s_sql_kv_set);

    if (rc == 0)
        rc = gf_store_bind(store, stmt, "ssl", key, value, gf_clock_wall_ms(store->clock));
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    return rc;
}

int gf_store_kv_get(char **value_out, struct gf_store *store, const char *key)
{
    sqlite3_stmt *stmt = NULL;
    bool oom = false;
    int rc;

    *value_out = NULL;
    rc = gf_store_stmt(&stmt, store, s_sql_kv_get);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", key);
    if (rc == 0)
        rc = gf_store_step_row(store, stmt);
    if (rc <= 0)
        return rc;
    *value_out = gf_store_col_dup(stmt, 0, &oom);
    sqlite3_reset(stmt);
    return oom ? gf_error_oom() : 0;
}

int gf_store_kv_delete(struct gf_store *store, const char *key)
{
    sqlite3_stmt *stmt = NULL;
    int rc = gf_store_stmt(&stmt, store, s_sql_kv_delete);

    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", key);
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    return rc;
}

int gf_store_stack_set(struct gf_store *store, const char *stack, const char *applied_commit,
                       const char *status_commit, const char *run_id)
{
    sqlite3_stmt *stmt = NULL;
    int rc = gf_store_stmt(&stmt, store, s_sql_stack_set);

    if (rc == 0)
        rc = gf_store_bind(store, stmt, "ssssl", stack, applied_commit, status_commit, run_id,
                           gf_clock_wall_ms(store->clock));
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    return rc;
}

int gf_store_stack_get(struct gf_store_stack_state *out, struct gf_store *store, const char *stack)
{
    sqlite3_stmt *stmt = NULL;
    bool oom = false;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gf_store_stmt(&stmt, store, s_sql_stack_get);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", stack);
    if (rc == 0)
        rc = gf_store_step_row(store, stmt);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        gf_error_set(GF_ENOTFOUND, "no applied state recorded for stack '%s'", stack);
        return GF_ENOTFOUND;
    }
    out->stack = gf_store_col_dup(stmt, 0, &oom);
    out->applied_commit = gf_store_col_dup(stmt, 1, &oom);
    out->status_commit = gf_store_col_dup(stmt, 2, &oom);
    out->run_id = gf_store_col_dup(stmt, 3, &oom);
    out->updated_ms = sqlite3_column_int64(stmt, 4);
    sqlite3_reset(stmt);
    if (oom) {
        gf_store_stack_state_release(out);
        return gf_error_oom();
    }
    return 0;
}

void gf_store_stack_state_release(struct gf_store_stack_state *state)
{
    gf_free(state->stack);
    gf_free(state->applied_commit);
    gf_free(state->status_commit);
    gf_free(state->run_id);
    memset(state, 0, sizeof(*state));
}
