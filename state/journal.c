/* SPDX-License-Identifier: Apache-2.0 */
/* journal.c: the apply journal (state/journal.h): intents committed before a mutating call,
 * results after, and the unfinished intents a pass resolves after a crash. Used by
 * reconcile/apply.c and the recovery step before planning. */
#include <sqlite3.h>
#include <string.h>

#include "common/alloc.h"
#include "state/journal.h"
#include "common/banned.h"

static const char *const s_state_names[] = {"intent", "done", "failed", "resolved"};

const char *gf_journal_state_name(enum gf_journal_state state)
{
    GF_ASSERT((int)state >= 0 && (size_t)state < sizeof(s_state_names) / sizeof(s_state_names[0]));
    return s_state_names[state];
}

static enum gf_journal_state state_of(const unsigned char *s)
{
    size_t i;

    for (i = 0; s && i < sizeof(s_state_names) / sizeof(s_state_names[0]); i++) {
        if (strcmp(s_state_names[i], (const char *)s) == 0)
            return (enum gf_journal_state)i;
    }
    return GF_JOURNAL_INTENT;
}

static const char s_sql_insert[] =
    "INSERT INTO journal (run_id, kind, key, service, operation, client_token, ident, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char s_sql_settle[] =
    "UPDATE journal SET state = ?2, result_id = ?3, error = ?4, finished_at = ?5"
    " WHERE id = ?1 AND state = 'intent'";
static const char s_sql_state[] = "SELECT state FROM journal WHERE id = ?1";
#define ENTRY_COLUMNS                                                                              \
    "id, run_id, kind, key, service, operation, client_token, ident, state, result_id, error,"     \
    " created_at, finished_at"
static const char s_sql_pending[] = "SELECT " ENTRY_COLUMNS " FROM journal"
                                    " WHERE state = 'intent' AND (?1 IS NULL OR run_id <> ?1)"
                                    " ORDER BY id";
static const char s_sql_get[] = "SELECT " ENTRY_COLUMNS " FROM journal WHERE id = ?1";

static int64_t now_ms(struct gf_store *store)
{
    return gf_clock_wall_ms(gf_store_clock(store));
}

int gf_journal_begin(int64_t *id_out, struct gf_store *store, const struct gf_journal_intent *in)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    GF_ASSERT(in->run_id && in->kind && in->key && in->service && in->operation);
    *id_out = 0;
    /* the promise: durable before the call is sent, whatever mode the last writer left */
    rc = gf_store_set_durable(store, true);
    if (rc == 0)
        rc = gf_store_begin(store);
    if (rc < 0)
        return rc;
    rc = gf_store_stmt(&stmt, store, s_sql_insert);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "sssssssl", in->run_id, in->kind, in->key, in->service,
                           in->operation, in->client_token, in->ident, now_ms(store));
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    if (rc < 0) {
        gf_store_rollback(store);
        return rc;
    }
    *id_out = gf_store_last_insert_id(store);
    rc = gf_store_commit(store);
    if (rc < 0)
        *id_out = 0;
    return rc;
}

/* Why settling `id` changed nothing: it does not exist, or is not an intent any more. */
static int explain_unsettled(struct gf_store *store, int64_t id)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    rc = gf_store_stmt(&stmt, store, s_sql_state);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "l", id);
    if (rc == 0)
        rc = gf_store_step_row(store, stmt);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        gf_error_set(GF_ENOTFOUND, "journal intent %lld not found", (long long)id);
        return GF_ENOTFOUND;
    }
    gf_error_set(GF_ECONFLICT, "journal intent %lld is already %s", (long long)id,
                 (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    return GF_ECONFLICT;
}

static int settle(struct gf_store *store, int64_t id, enum gf_journal_state state,
                  const char *result_id, const char *text)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    rc = gf_store_set_durable(store, true);
    if (rc == 0)
        rc = gf_store_begin(store);
    if (rc < 0)
        return rc;
    rc = gf_store_stmt(&stmt, store, s_sql_settle);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "lsssl", id, gf_journal_state_name(state), result_id, text,
                           now_ms(store));
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    if (rc == 0 && gf_store_changes(store) == 0)
        rc = explain_unsettled(store, id);
    if (rc < 0) {
        gf_store_rollback(store);
        return rc;
    }
    return gf_store_commit(store);
}

int gf_journal_finish(struct gf_store *store, int64_t id, const char *result_id,
                      const struct gf_error *err)
{
    char *text = NULL;
    int rc;

    if (!err)
        return settle(store, id, GF_JOURNAL_DONE, result_id, NULL);
    rc = gf_store_error_text(&text, err);
    if (rc == 0)
        rc = settle(store, id, GF_JOURNAL_FAILED, result_id, text);
    gf_free(text);
    return rc;
}

int gf_journal_resolve(struct gf_store *store, int64_t id, const char *result_id, const char *note)
{
    return settle(store, id, GF_JOURNAL_RESOLVED, result_id, note);
}

static int read_entry(struct gf_journal_entry *e, sqlite3_stmt *stmt)
{
    bool oom = false;

    memset(e, 0, sizeof(*e));
    e->id = sqlite3_column_int64(stmt, 0);
    e->run_id = gf_store_col_dup(stmt, 1, &oom);
    e->kind = gf_store_col_dup(stmt, 2, &oom);
    e->key = gf_store_col_dup(stmt, 3, &oom);
    e->service = gf_store_col_dup(stmt, 4, &oom);
    e->operation = gf_store_col_dup(stmt, 5, &oom);
    e->client_token = gf_store_col_dup(stmt, 6, &oom);
    e->ident = gf_store_col_dup(stmt, 7, &oom);
    e->state = state_of(sqlite3_column_text(stmt, 8));
    e->result_id = gf_store_col_dup(stmt, 9, &oom);
    e->error = gf_store_col_dup(stmt, 10, &oom);
    e->created_ms = sqlite3_column_int64(stmt, 11);
    e->finished_ms =
        sqlite3_column_type(stmt, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 12);
    return oom ? gf_error_oom() : 0;
}

int gf_journal_pending(struct gf_journal_entries *out, struct gf_store *store,
                       const char *current_run_id)
{
    sqlite3_stmt *stmt = NULL;
    size_t cap = 0;
    int rc;

    out->v = NULL;
    out->len = 0;
    rc = gf_store_stmt(&stmt, store, s_sql_pending);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", current_run_id);
    while (rc == 0 && (rc = gf_store_step_row(store, stmt)) == 1) {
        if (out->len == cap) {
            size_t n = cap ? cap * 2 : 8;
            struct gf_journal_entry *bigger = gf_realloc(out->v, n * sizeof(*bigger));

            if (!bigger) {
                rc = gf_error_oom();
                break;
            }
            out->v = bigger;
            cap = n;
        }
        rc = read_entry(&out->v[out->len++], stmt);
    }
    if (stmt)
        sqlite3_reset(stmt);
    if (rc < 0)
        gf_journal_entries_release(out);
    return rc;
}

int gf_journal_get(struct gf_journal_entry *out, struct gf_store *store, int64_t id)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gf_store_stmt(&stmt, store, s_sql_get);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "l", id);
    if (rc == 0)
        rc = gf_store_step_row(store, stmt);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        gf_error_set(GF_ENOTFOUND, "journal intent %lld not found", (long long)id);
        return GF_ENOTFOUND;
    }
    rc = read_entry(out, stmt);
    sqlite3_reset(stmt);
    if (rc < 0)
        gf_journal_entry_release(out);
    return rc;
}

void gf_journal_entry_release(struct gf_journal_entry *e)
{
    gf_free(e->run_id);
    gf_free(e->kind);
    gf_free(e->key);
    gf_free(e->service);
    gf_free(e->operation);
    gf_free(e->client_token);
    gf_free(e->ident);
    gf_free(e->result_id);
    gf_free(e->error);
    memset(e, 0, sizeof(*e));
}

void gf_journal_entries_release(struct gf_journal_entries *entries)
{
    size_t i;

    for (i = 0; i < entries->len; i++)
        gf_journal_entry_release(&entries->v[i]);
    gf_free(entries->v);
    entries->v = NULL;
    entries->len = 0;
}
