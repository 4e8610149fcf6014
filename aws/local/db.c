/* SPDX-License-Identifier: Apache-2.0 */
/* db.c: local-aws's state in SQLite. Every resource of every service is one row of one
 * `resources` table keyed by (service, type, name, version) holding the JSON document the API
 * returns, so adding a service needs no schema change. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"

/* Why one generic table rather than per-service tables: local-aws answers with documents it
 * stored (AWS's own shapes), it rarely queries inside them, and the services to come (15) would
 * otherwise each need a schema and migrations. The columns that lists filter or sort on (name,
 * version for revisions, status) are real columns; arn is unique so lookups by ARN stay cheap. */
static const char s_schema[] =
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS resources ("
    "  service TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 0, arn TEXT NOT NULL, status TEXT NOT NULL,"
    "  doc TEXT NOT NULL, updated_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (service, type, name, version));"
    "CREATE UNIQUE INDEX IF NOT EXISTS resources_arn ON resources(arn);"
    "PRAGMA user_version=1;";

struct gf_local_db {
    sqlite3 *db;
};

static int db_fail(struct gf_local_db *db, int rc)
{
    if (rc == SQLITE_NOMEM)
        return gf_error_oom();
    gf_error_set(rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? GF_ERETRY : GF_ERROR,
                 "local-aws database: %s", db->db ? sqlite3_errmsg(db->db) : sqlite3_errstr(rc));
    return gf_error_last()->code;
}

int gf_local_db_open(struct gf_local_db **out, const char *path)
{
    struct gf_local_db *db = NULL;
    bool memory = !path || !*path || !strcmp(path, ":memory:");
    int rc;

    *out = NULL;
    db = gf_calloc(1, sizeof(*db));
    if (!db)
        return gf_error_oom();
    rc = sqlite3_open_v2(memory ? ":memory:" : path, &db->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db->db, 5000);
    if (rc == SQLITE_OK && !memory)
        rc = sqlite3_exec(db->db, "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;", NULL,
                          NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db->db, s_schema, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = db_fail(db, rc);
        gf_error_where("%s", memory ? ":memory:" : path);
        gf_error_hint("give --db a writable SQLite file, or :memory:");
        gf_local_db_free(db);
        return rc;
    }
    *out = db;
    return 0;
}

void gf_local_db_free(struct gf_local_db *db)
{
    if (!db)
        return;
    sqlite3_close(db->db);
    gf_free(db);
}

static int prepare(sqlite3_stmt **out, struct gf_local_db *db, const char *sql)
{
    int rc = sqlite3_prepare_v2(db->db, sql, -1, out, NULL);

    return rc == SQLITE_OK ? 0 : db_fail(db, rc);
}

static void bind_key(sqlite3_stmt *st, const char *service, const char *type, const char *name,
                     int64_t version)
{
    sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, version);
}

int gf_local_db_put(struct gf_local_db *db, const struct gf_local_res *res)
{
    static const char sql[] =
        "INSERT OR REPLACE INTO resources(service,type,name,version,arn,status,doc)"
        " VALUES(?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    char *text = NULL;
    int rc;

    text = json_dumps(res->doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!text)
        return gf_error_oom();
    rc = prepare(&st, db, sql);
    if (rc < 0)
        goto out;
    bind_key(st, res->service, res->type, res->name, res->version);
    sqlite3_bind_text(st, 5, res->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, res->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    rc = rc == SQLITE_DONE ? 0 : db_fail(db, rc);
out:
    sqlite3_finalize(st);
    free(text); /* jansson's allocator is the C library's */
    return rc;
}

static int load_doc(json_t **out, sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    json_error_t jerr;

    *out = json_loads(text ? text : "{}", 0, &jerr);
    if (!*out)
        return gf_error_set(GF_ERROR, "local-aws database: stored document does not parse: %s",
                            jerr.text);
    return 0;
}

int gf_local_db_get(json_t **doc_out, struct gf_local_db *db, const char *service,
                    const char *type, const char *name, int64_t version)
{
    static const char sql[] =
        "SELECT doc FROM resources WHERE service=? AND type=? AND name=? AND version=?";
    sqlite3_stmt *st = NULL;
    int rc;

    *doc_out = NULL;
    rc = prepare(&st, db, sql);
    if (rc < 0)
        return rc;
    bind_key(st, service, type, name, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = load_doc(doc_out, st, 0);
    else
        rc = rc == SQLITE_DONE ? 0 : db_fail(db, rc);
    sqlite3_finalize(st);
    return rc;
}

int gf_local_db_delete(bool *deleted_out, struct gf_local_db *db, const char *service,
                       const char *type, const char *name, int64_t version)
{
    static const char sql[] =
        "DELETE FROM resources WHERE service=? AND type=? AND name=? AND version=?";
    sqlite3_stmt *st = NULL;
    int rc;

    *deleted_out = false;
    rc = prepare(&st, db, sql);
    if (rc < 0)
        return rc;
    bind_key(st, service, type, name, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        *deleted_out = sqlite3_changes(db->db) > 0;
        rc = 0;
    } else {
        rc = db_fail(db, rc);
    }
    sqlite3_finalize(st);
    return rc;
}

int gf_local_db_max_version(int64_t *max_out, int64_t *max_active_out, struct gf_local_db *db,
                            const char *service, const char *type, const char *name)
{
    static const char sql[] =
        "SELECT coalesce(max(version),0),"
        " coalesce(max(CASE WHEN status='ACTIVE' THEN version END),0)"
        " FROM resources WHERE service=? AND type=? AND name=?";
    sqlite3_stmt *st = NULL;
    int rc;

    *max_out = 0;
    *max_active_out = 0;
    rc = prepare(&st, db, sql);
    if (rc < 0)
        return rc;
    bind_key(st, service, type, name, 0);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *max_out = sqlite3_column_int64(st, 0);
        *max_active_out = sqlite3_column_int64(st, 1);
        rc = 0;
    } else {
        rc = db_fail(db, rc);
    }
    sqlite3_finalize(st);
    return rc;
}

static int list_rows(json_t *docs, bool *more_out, sqlite3_stmt *st, struct gf_local_db *db,
                     int64_t limit)
{
    json_t *doc = NULL;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((int64_t)json_array_size(docs) == limit) {
            *more_out = true;
            return 0;
        }
        rc = load_doc(&doc, st, 0);
        if (rc < 0)
            return rc;
        if (json_array_append_new(docs, doc) < 0)
            return gf_error_oom();
    }
    return rc == SQLITE_DONE ? 0 : db_fail(db, rc);
}

int gf_local_db_list(json_t **docs_out, bool *more_out, struct gf_local_db *db,
                     const struct gf_local_list *q)
{
    static const char sql_asc[] =
        "SELECT doc FROM resources WHERE service=?1 AND type=?2 AND (?3 IS NULL OR name=?3)"
        " AND (?4 IS NULL OR status=?4) ORDER BY name, version LIMIT ?5 OFFSET ?6";
    static const char sql_desc[] =
        "SELECT doc FROM resources WHERE service=?1 AND type=?2 AND (?3 IS NULL OR name=?3)"
        " AND (?4 IS NULL OR status=?4) ORDER BY name DESC, version DESC LIMIT ?5 OFFSET ?6";
    sqlite3_stmt *st = NULL;
    json_t *docs = NULL;
    int rc;

    *docs_out = NULL;
    *more_out = false;
    docs = json_array();
    if (!docs)
        return gf_error_oom();
    rc = prepare(&st, db, q->desc ? sql_desc : sql_asc);
    if (rc < 0)
        goto out;
    sqlite3_bind_text(st, 1, q->service, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, q->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, q->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, q->limit + 1); /* one more tells whether a next page exists */
    sqlite3_bind_int64(st, 6, q->offset);
    rc = list_rows(docs, more_out, st, db, q->limit);
    if (rc == 0) {
        *docs_out = docs;
        docs = NULL;
    }
out:
    sqlite3_finalize(st);
    json_decref(docs);
    return rc;
}
