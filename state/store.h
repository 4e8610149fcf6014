/* SPDX-License-Identifier: Apache-2.0 */
/* store.h: the SQLite store: one database file holding the audit log (runs, actions, API calls),
 * the apply journal and the controller's bookkeeping (DESIGN.md "State, journal, audit").
 *
 * Opening applies the versioned schema migrations (PRAGMA user_version), each in a transaction;
 * a database written by a newer gitfargate is refused. The file is in WAL mode with a busy
 * timeout, foreign keys on and synchronous=FULL (see store.c for why).
 *
 * Secret values never reach the store: no table has a column for a request or response body,
 * and no function here or in audit.h / journal.h takes one. Only names, ARNs, ids, error
 * messages (which never carry secrets, STYLE.md §4) and numbers are stored.
 *
 * Threads: a gf_store is one SQLite connection with its prepared-statement cache; it must be used
 * by one thread at a time. Threads that write concurrently each open their own gf_store on the
 * same path; SQLite's file locks and the busy timeout serialise them, and a lock still held when
 * the timeout passes is GF_ERETRY.
 *
 * Errors: every SQLite failure is translated once, here, into the gf_error: SQLITE_BUSY/LOCKED
 * -> GF_ERETRY, constraint violations -> GF_ECONFLICT, SQLITE_NOMEM -> GF_ENOMEM, corrupt or
 * not-a-database -> GF_ERROR with the path in `where` and a hint; anything else -> GF_ERROR. */
#ifndef GF_STORE_H
#define GF_STORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/error.h"

/* Where `gitfargate` keeps its database unless told otherwise (relative to the working folder;
 * the folder is created with mode 0700 when missing, the file with 0600). */
#define GF_STORE_DEFAULT_PATH ".gitfargate/gitfargate.db"
/* How long a writer waits for another connection's lock before GF_ERETRY. */
#define GF_STORE_BUSY_TIMEOUT_MS 5000
/* The schema version this build writes (PRAGMA user_version after the migrations). */
#define GF_STORE_SCHEMA_VERSION 1
/* PRAGMA application_id of a gitfargate database ("GFgt"). */
#define GF_STORE_APPLICATION_ID 0x47466774

struct gf_store;

struct gf_store_opts {
    const char *path;             /* NULL: GF_STORE_DEFAULT_PATH; ":memory:" for tests */
    int busy_timeout_ms;          /* 0: GF_STORE_BUSY_TIMEOUT_MS; < 0: do not wait */
    const struct gf_clock *clock; /* borrowed, must outlive the store; NULL: the system clock */
};

#define GF_STORE_OPTS_INIT {NULL, 0, NULL}

/* Open (creating when missing) the database and bring its schema up to date.
 * out: the new store (owned, free with gf_store_free); NULL on failure.
 * opts: may be NULL for the defaults.
 * Returns 0; GF_ERROR when the file cannot be opened, is corrupt, is not a gitfargate database
 * or has a newer schema (msg says which, where = the path, hint = what to do); GF_ERETRY when
 * another connection holds the lock past the busy timeout while a migration is needed;
 * GF_ENOMEM. Blocks on file I/O and, at most busy_timeout_ms, on locks. */
int gf_store_open(struct gf_store **out, const struct gf_store_opts *opts);

/* Finalise the cached statements and close the connection (a transaction still open is rolled
 * back). NULL is allowed. */
void gf_store_free(struct gf_store *store);

/* The path the store was opened with (borrowed from the store). */
const char *gf_store_path(const struct gf_store *store);
/* The clock the store stamps rows with (borrowed). */
const struct gf_clock *gf_store_clock(const struct gf_store *store);
/* The schema version found in the file (after migrations: GF_STORE_SCHEMA_VERSION). */
int gf_store_schema_version(const struct gf_store *store);

/* Transactions. gf_store_begin starts a write transaction (BEGIN IMMEDIATE: the write lock is
 * taken now, waiting up to the busy timeout); calls nest, only the outermost begin/commit reach
 * SQLite, so several audit/journal calls can be made atomic by wrapping them:
 *     gf_store_begin(s); gf_audit_run_start(...); gf_audit_action_add(...); gf_store_commit(s);
 * gf_store_rollback undoes the whole outermost transaction when called at the outermost level;
 * called inside, it marks the transaction so that the outermost commit rolls back instead (and
 * returns GF_ERROR). Every begin must be matched by exactly one commit or rollback.
 * Return 0 or a translated error (GF_ERETRY when the lock is held). */
int gf_store_begin(struct gf_store *store);
int gf_store_commit(struct gf_store *store);
void gf_store_rollback(struct gf_store *store);

/* Durability of the commits that follow (outside a transaction; inside one it is left as is):
 * durable (the default, synchronous=FULL: fsynced before the commit returns) or relaxed
 * (synchronous=NORMAL in WAL mode: survives a killed process; a power loss may drop the relaxed
 * commits made since the last durable one, which makes them durable too). For rows that are
 * many and cheap to lose on power loss, never for the journal. Returns 0 or a translated error. */
int gf_store_set_durable(struct gf_store *store, bool durable);

/* Controller bookkeeping: a small key/value table. Values are names, commits and numbers only.
 * gf_store_kv_get: *value_out is an owned copy (gf_free), or NULL when the key is absent
 * (returns 0 either way). */
int gf_store_kv_set(struct gf_store *store, const char *key, const char *value);
int gf_store_kv_get(char **value_out, struct gf_store *store, const char *key);
int gf_store_kv_delete(struct gf_store *store, const char *key);

/* Per-stack bookkeeping: the last source commit applied and the status-branch commit written
 * for it, with the run that did it. Owned strings (gf_store_stack_state_release). */
struct gf_store_stack_state {
    char *stack;
    char *applied_commit; /* source commit last applied; NULL if never */
    char *status_commit;  /* status-branch commit recording it; NULL if none */
    char *run_id;         /* the run that applied it; NULL if none */
    int64_t updated_ms;
};
/* Set the stack's row (NULL fields are stored as NULL). */
int gf_store_stack_set(struct gf_store *store, const char *stack, const char *applied_commit,
                       const char *status_commit, const char *run_id);
/* Fill *out; GF_ENOTFOUND (error set) when the stack has no row. */
int gf_store_stack_get(struct gf_store_stack_state *out, struct gf_store *store, const char *stack);
void gf_store_stack_state_release(struct gf_store_stack_state *state);

/* ---- Within state/ only (audit.c, journal.c): statement cache and error translation. ---- */

struct sqlite3_stmt;

/* A prepared statement for `sql`, cached per store under the address of `sql`, which must be a
 * string literal or other static storage. The statement is reset and its bindings cleared;
 * *out is borrowed from the store. */
int gf_store_stmt(struct sqlite3_stmt **out, struct gf_store *store, const char *sql);
/* Bind parameters 1.. from a format: 's' const char * (NULL binds NULL), 'i' int, 'l' int64_t,
 * 'o' int64_t bound as NULL when negative. */
int gf_store_bind(struct gf_store *store, struct sqlite3_stmt *stmt, const char *fmt, ...);
int gf_store_vbind(struct gf_store *store, struct sqlite3_stmt *stmt, const char *fmt, va_list ap);
/* Step a statement that returns no rows (or ignore them); resets it. */
int gf_store_step_done(struct gf_store *store, struct sqlite3_stmt *stmt);
/* Step once: 1 when a row is ready, 0 when done (the statement is then reset), < 0 on error. */
int gf_store_step_row(struct gf_store *store, struct sqlite3_stmt *stmt);
/* Rows changed by the last statement on this connection; the rowid of its last INSERT. */
int64_t gf_store_changes(struct gf_store *store);
int64_t gf_store_last_insert_id(struct gf_store *store);
/* Translate a SQLite result code (with the connection's message) into the gf_error; returns
 * the gf code. */
int gf_store_fail(struct gf_store *store, int sqlite_rc);
/* The stored form of an error, one line: "WHERE: MSG [AWS_CODE] (HINT)" (parts only when set).
 * *text_out is owned (gf_free); NULL when err is NULL. GF_ENOMEM on failure. */
int gf_store_error_text(char **text_out, const struct gf_error *err);
/* An owned copy (gf_free) of a text column, NULL when the column is NULL. *oom set on failure. */
char *gf_store_col_dup(struct sqlite3_stmt *stmt, int col, bool *oom);

#endif
