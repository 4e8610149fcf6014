/* SPDX-License-Identifier: Apache-2.0 */
/* audit.c: the audit log (state/audit.h): recording runs, actions and API calls in the store,
 * the queries behind `gitfargate audit`, --since parsing, and the JSON and table formats.
 * The last step of a pass (DESIGN.md "One pass, as data"). */
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "state/audit.h"
#include "common/banned.h"

static const char *const s_trigger_names[] = {"cli", "sync", "webhook", "poll"};
static const char *const s_run_outcome_names[] = {"running",   "success",  "failed",
                                                  "no-change", "rejected", "interrupted"};
static const char *const s_change_names[] = {"create", "update", "replace",
                                             "delete", "none",   "drift"};
static const char *const s_action_outcome_names[] = {"planned", "running", "success", "failed",
                                                     "skipped"};

#define NAMES_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t len, int v)
{
    GF_ASSERT(v >= 0 && (size_t)v < len);
    return names[v];
}

/* The stored text back to its enum value; the schema's CHECKs keep it one of the names. */
static int value_of(const char *const *names, size_t len, const unsigned char *s)
{
    size_t i;

    for (i = 0; s && i < len; i++) {
        if (strcmp(names[i], (const char *)s) == 0)
            return (int)i;
    }
    return 0;
}

const char *gf_run_trigger_name(enum gf_run_trigger t)
{
    return name_of(s_trigger_names, NAMES_LEN(s_trigger_names), (int)t);
}

const char *gf_run_outcome_name(enum gf_run_outcome o)
{
    return name_of(s_run_outcome_names, NAMES_LEN(s_run_outcome_names), (int)o);
}

const char *gf_change_name(enum gf_change c)
{
    return name_of(s_change_names, NAMES_LEN(s_change_names), (int)c);
}

const char *gf_action_outcome_name(enum gf_action_outcome o)
{
    return name_of(s_action_outcome_names, NAMES_LEN(s_action_outcome_names), (int)o);
}

/* ---- recording ---- */

static const char s_sql_run_insert[] =
    "INSERT INTO runs (id, stack, source_commit, \"trigger\", command, started_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char s_sql_run_finish[] =
    "UPDATE runs SET outcome = ?2, error = ?3, finished_at = ?4,"
    " n_actions = (SELECT count(*) FROM actions WHERE run_id = ?1),"
    " n_changed = (SELECT count(*) FROM actions WHERE run_id = ?1 AND change <> 'none'),"
    " n_failed = (SELECT count(*) FROM actions WHERE run_id = ?1 AND outcome = 'failed'),"
    " n_api_calls = (SELECT count(*) FROM api_calls WHERE run_id = ?1)"
    " WHERE id = ?1";
static const char s_sql_runs_interrupt[] =
    "UPDATE runs SET outcome = 'interrupted', finished_at = ?1 WHERE outcome = 'running'";
static const char s_sql_action_insert[] =
    "INSERT INTO actions (run_id, seq, kind, key, change, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char s_sql_action_start[] =
    "UPDATE actions SET outcome = 'running', started_at = ?3 WHERE run_id = ?1 AND seq = ?2";
static const char s_sql_action_finish[] =
    "UPDATE actions SET outcome = ?3, error = ?4, finished_at = ?5,"
    " started_at = coalesce(started_at, ?5) WHERE run_id = ?1 AND seq = ?2";
static const char s_sql_call_insert[] =
    "INSERT INTO api_calls (run_id, action_seq, service, operation, http_status, error_code,"
    " latency_ms, attempts, request_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

static int64_t now_ms(struct gf_store *store)
{
    return gf_clock_wall_ms(gf_store_clock(store));
}

/* Run a cached write statement with its bindings; *changes_out (may be NULL) gets the count. */
static int write_row(int64_t *changes_out, struct gf_store *store, const char *sql, const char *fmt,
                     ...)
{
    sqlite3_stmt *stmt = NULL;
    va_list ap;
    int rc;

    rc = gf_store_stmt(&stmt, store, sql);
    if (rc < 0)
        return rc;
    va_start(ap, fmt);
    rc = gf_store_vbind(store, stmt, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    if (rc == 0 && changes_out)
        *changes_out = gf_store_changes(store);
    return rc;
}

static void make_run_id(char id_out[GF_AUDIT_RUN_ID_SIZE], int64_t at_ms)
{
    char stamp[20];
    unsigned char rnd[4];

    gf_time_amz(stamp, sizeof(stamp), at_ms);
    sqlite3_randomness((int)sizeof(rnd), rnd);
    snprintf(id_out, GF_AUDIT_RUN_ID_SIZE, "r-%s-%02x%02x%02x%02x", stamp, rnd[0], rnd[1], rnd[2],
             rnd[3]);
}

int gf_audit_run_start(char id_out[GF_AUDIT_RUN_ID_SIZE], struct gf_store *store,
                       const struct gf_audit_run_start *start)
{
    int64_t at = now_ms(store);
    int rc;

    GF_ASSERT(start->stack && start->command);
    make_run_id(id_out, at);
    rc = write_row(NULL, store, s_sql_run_insert, "sssssl", id_out, start->stack,
                   start->source_commit, gf_run_trigger_name(start->trigger), start->command, at);
    if (rc < 0)
        id_out[0] = '\0';
    return rc;
}

static int not_found(const char *what, const char *run_id, int seq)
{
    if (seq < 0)
        gf_error_set(GF_ENOTFOUND, "%s '%s' not found", what, run_id);
    else
        gf_error_set(GF_ENOTFOUND, "%s %d of run '%s' not found", what, seq, run_id);
    return GF_ENOTFOUND;
}

int gf_audit_run_finish(struct gf_store *store, const char *run_id, enum gf_run_outcome outcome,
                        const struct gf_error *err)
{
    char *text = NULL;
    int64_t changed = 0;
    int rc;

    GF_ASSERT(outcome != GF_RUN_RUNNING);
    rc = gf_store_error_text(&text, err);
    if (rc == 0)
        rc = write_row(&changed, store, s_sql_run_finish, "sssl", run_id,
                       gf_run_outcome_name(outcome), text, now_ms(store));
    if (rc == 0 && changed == 0)
        rc = not_found("run", run_id, -1);
    gf_free(text);
    return rc;
}

int gf_audit_runs_interrupt(int64_t *count_out, struct gf_store *store)
{
    int64_t changed = 0;
    int rc = write_row(&changed, store, s_sql_runs_interrupt, "l", now_ms(store));

    if (count_out)
        *count_out = rc == 0 ? changed : 0;
    return rc;
}

int gf_audit_action_add(struct gf_store *store, const char *run_id,
                        const struct gf_audit_action *action)
{
    GF_ASSERT(action->kind && action->key && action->seq >= 0);
    return write_row(NULL, store, s_sql_action_insert, "sissss", run_id, action->seq, action->kind,
                     action->key, gf_change_name(action->change), action->reason);
}

int gf_audit_action_start(struct gf_store *store, const char *run_id, int seq)
{
    int64_t changed = 0;
    int rc = write_row(&changed, store, s_sql_action_start, "sil", run_id, seq, now_ms(store));

    if (rc == 0 && changed == 0)
        rc = not_found("action", run_id, seq);
    return rc;
}

int gf_audit_action_finish(struct gf_store *store, const char *run_id, int seq,
                           enum gf_action_outcome outcome, const struct gf_error *err)
{
    char *text = NULL;
    int64_t changed = 0;
    int rc;

    rc = gf_store_error_text(&text, err);
    if (rc == 0)
        rc = write_row(&changed, store, s_sql_action_finish, "sissl", run_id, seq,
                       gf_action_outcome_name(outcome), text, now_ms(store));
    if (rc == 0 && changed == 0)
        rc = not_found("action", run_id, seq);
    gf_free(text);
    return rc;
}

int gf_audit_api_call(struct gf_store *store, const char *run_id,
                      const struct gf_audit_api_call *call)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    GF_ASSERT(call->service && call->operation);
    /* A pass makes hundreds of calls: one fsync each made a 500-task --no-cache plan take 11 s.
     * A call row is committed relaxed: a killed process keeps it, and the next durable commit
     * (the journal's intent before any mutating call, the run's end) makes it durable; a power
     * loss can drop only the rows of reads made since. */
    rc = gf_store_set_durable(store, false);
    if (rc == 0)
        rc = gf_store_stmt(&stmt, store, s_sql_call_insert);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "sossislisl", run_id, (int64_t)call->action_seq,
                           call->service, call->operation, call->http_status, call->error_code,
                           call->latency_ms, call->attempts, call->request_id, now_ms(store));
    if (rc == 0)
        rc = gf_store_step_done(store, stmt);
    if (rc == 0)
        rc = gf_store_set_durable(store, true);
    else
        (void)gf_store_set_durable(store, true);
    return rc;
}

/* ---- queries ---- */

#define RUN_COLUMNS                                                                                \
    "id, stack, source_commit, \"trigger\", command, outcome, error, started_at, finished_at,"     \
    " n_actions, n_changed, n_failed, n_api_calls"

static const char s_sql_list[] = "SELECT " RUN_COLUMNS " FROM runs"
                                 " WHERE (?1 IS NULL OR stack = ?1) AND started_at >= ?2"
                                 " ORDER BY started_at DESC, id DESC LIMIT ?3";
static const char s_sql_get[] = "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1";
static const char s_sql_actions[] =
    "SELECT seq, kind, key, change, reason, outcome, error, started_at, finished_at"
    " FROM actions WHERE run_id = ?1 ORDER BY seq";
static const char s_sql_calls[] =
    "SELECT action_seq, service, operation, http_status, error_code, latency_ms, attempts,"
    " request_id, at FROM api_calls WHERE run_id = ?1 ORDER BY id";

static int64_t col_time(sqlite3_stmt *stmt, int col)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, col);
}

static void read_run(struct gf_audit_run *run, sqlite3_stmt *stmt, bool *oom)
{
    memset(run, 0, sizeof(*run));
    run->id = gf_store_col_dup(stmt, 0, oom);
    run->stack = gf_store_col_dup(stmt, 1, oom);
    run->source_commit = gf_store_col_dup(stmt, 2, oom);
    run->trigger = (enum gf_run_trigger)value_of(s_trigger_names, NAMES_LEN(s_trigger_names),
                                                 sqlite3_column_text(stmt, 3));
    run->command = gf_store_col_dup(stmt, 4, oom);
    run->outcome = (enum gf_run_outcome)value_of(
        s_run_outcome_names, NAMES_LEN(s_run_outcome_names), sqlite3_column_text(stmt, 5));
    run->error = gf_store_col_dup(stmt, 6, oom);
    run->started_ms = sqlite3_column_int64(stmt, 7);
    run->finished_ms = col_time(stmt, 8);
    run->n_actions = sqlite3_column_int(stmt, 9);
    run->n_changed = sqlite3_column_int(stmt, 10);
    run->n_failed = sqlite3_column_int(stmt, 11);
    run->n_api_calls = sqlite3_column_int(stmt, 12);
}

static void read_action(struct gf_audit_action_row *a, sqlite3_stmt *stmt, bool *oom)
{
    memset(a, 0, sizeof(*a));
    a->seq = sqlite3_column_int(stmt, 0);
    a->kind = gf_store_col_dup(stmt, 1, oom);
    a->key = gf_store_col_dup(stmt, 2, oom);
    a->change = (enum gf_change)value_of(s_change_names, NAMES_LEN(s_change_names),
                                         sqlite3_column_text(stmt, 3));
    a->reason = gf_store_col_dup(stmt, 4, oom);
    a->outcome = (enum gf_action_outcome)value_of(
        s_action_outcome_names, NAMES_LEN(s_action_outcome_names), sqlite3_column_text(stmt, 5));
    a->error = gf_store_col_dup(stmt, 6, oom);
    a->started_ms = col_time(stmt, 7);
    a->finished_ms = col_time(stmt, 8);
}

static void read_call(struct gf_audit_call_row *c, sqlite3_stmt *stmt, bool *oom)
{
    memset(c, 0, sizeof(*c));
    c->action_seq = sqlite3_column_type(stmt, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(stmt, 0);
    c->service = gf_store_col_dup(stmt, 1, oom);
    c->operation = gf_store_col_dup(stmt, 2, oom);
    c->http_status = sqlite3_column_int(stmt, 3);
    c->error_code = gf_store_col_dup(stmt, 4, oom);
    c->latency_ms = sqlite3_column_int64(stmt, 5);
    c->attempts = sqlite3_column_int(stmt, 6);
    c->request_id = gf_store_col_dup(stmt, 7, oom);
    c->at_ms = sqlite3_column_int64(stmt, 8);
}

static void action_row_release(struct gf_audit_action_row *a)
{
    gf_free(a->kind);
    gf_free(a->key);
    gf_free(a->reason);
    gf_free(a->error);
}

static void call_row_release(struct gf_audit_call_row *c)
{
    gf_free(c->service);
    gf_free(c->operation);
    gf_free(c->error_code);
    gf_free(c->request_id);
}

void gf_audit_run_release(struct gf_audit_run *run)
{
    size_t i;

    for (i = 0; i < run->actions_len; i++)
        action_row_release(&run->actions[i]);
    for (i = 0; i < run->calls_len; i++)
        call_row_release(&run->calls[i]);
    gf_free(run->actions);
    gf_free(run->calls);
    gf_free(run->id);
    gf_free(run->stack);
    gf_free(run->source_commit);
    gf_free(run->command);
    gf_free(run->error);
    memset(run, 0, sizeof(*run));
}

void gf_audit_runs_release(struct gf_audit_runs *runs)
{
    size_t i;

    for (i = 0; i < runs->len; i++)
        gf_audit_run_release(&runs->v[i]);
    gf_free(runs->v);
    runs->v = NULL;
    runs->len = 0;
}

/* Make room for one more element of `size` bytes in *v (len elements, *cap capacity). */
static int grow(void **v, size_t *cap, size_t len, size_t size)
{
    void *bigger;
    size_t n;

    if (len < *cap)
        return 0;
    n = *cap ? *cap * 2 : 8;
    bigger = gf_realloc(*v, n * size);
    if (!bigger)
        return gf_error_oom();
    *v = bigger;
    *cap = n;
    return 0;
}

static int load_actions(struct gf_audit_run *run, struct gf_store *store)
{
    sqlite3_stmt *stmt = NULL;
    size_t cap = 0;
    bool oom = false;
    int rc;

    rc = gf_store_stmt(&stmt, store, s_sql_actions);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", run->id);
    while (rc == 0 && (rc = gf_store_step_row(store, stmt)) == 1) {
        rc = grow((void **)&run->actions, &cap, run->actions_len, sizeof(*run->actions));
        if (rc < 0)
            break;
        read_action(&run->actions[run->actions_len++], stmt, &oom);
        rc = oom ? gf_error_oom() : 0;
    }
    if (stmt)
        sqlite3_reset(stmt);
    return rc;
}

static int load_calls(struct gf_audit_run *run, struct gf_store *store)
{
    sqlite3_stmt *stmt = NULL;
    size_t cap = 0;
    bool oom = false;
    int rc;

    rc = gf_store_stmt(&stmt, store, s_sql_calls);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", run->id);
    while (rc == 0 && (rc = gf_store_step_row(store, stmt)) == 1) {
        rc = grow((void **)&run->calls, &cap, run->calls_len, sizeof(*run->calls));
        if (rc < 0)
            break;
        read_call(&run->calls[run->calls_len++], stmt, &oom);
        rc = oom ? gf_error_oom() : 0;
    }
    if (stmt)
        sqlite3_reset(stmt);
    return rc;
}

static int load_runs(struct gf_audit_runs *out, struct gf_store *store,
                     const struct gf_audit_filter *filter)
{
    sqlite3_stmt *stmt = NULL;
    size_t cap = 0;
    bool oom = false;
    int limit = filter && filter->limit > 0 ? filter->limit : GF_AUDIT_LIST_DEFAULT_LIMIT;
    int rc;

    rc = gf_store_stmt(&stmt, store, s_sql_list);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "sli", filter ? filter->stack : NULL,
                           filter ? filter->since_ms : (int64_t)0, limit);
    while (rc == 0 && (rc = gf_store_step_row(store, stmt)) == 1) {
        rc = grow((void **)&out->v, &cap, out->len, sizeof(*out->v));
        if (rc < 0)
            break;
        GF_ASSERT(out->v);
        read_run(&out->v[out->len++], stmt, &oom);
        rc = oom ? gf_error_oom() : 0;
    }
    if (stmt)
        sqlite3_reset(stmt);
    return rc;
}

int gf_audit_list(struct gf_audit_runs *out, struct gf_store *store,
                  const struct gf_audit_filter *filter)
{
    size_t i;
    int rc;

    out->v = NULL;
    out->len = 0;
    rc = load_runs(out, store, filter);
    for (i = 0; rc == 0 && i < out->len; i++)
        rc = load_actions(&out->v[i], store);
    if (rc < 0)
        gf_audit_runs_release(out);
    return rc;
}

int gf_audit_get(struct gf_audit_run *out, struct gf_store *store, const char *run_id)
{
    sqlite3_stmt *stmt = NULL;
    bool oom = false;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gf_store_stmt(&stmt, store, s_sql_get);
    if (rc == 0)
        rc = gf_store_bind(store, stmt, "s", run_id);
    if (rc == 0)
        rc = gf_store_step_row(store, stmt);
    if (rc == 0) {
        gf_error_set(GF_ENOTFOUND, "run '%s' not found", run_id);
        gf_error_where("%s", gf_store_path(store));
        gf_error_hint("list the recorded runs with `gitfargate audit`");
        return GF_ENOTFOUND;
    }
    if (rc < 0)
        return rc;
    read_run(out, stmt, &oom);
    sqlite3_reset(stmt);
    rc = oom ? gf_error_oom() : 0;
    if (rc == 0)
        rc = load_actions(out, store);
    if (rc == 0)
        rc = load_calls(out, store);
    if (rc < 0)
        gf_audit_run_release(out);
    return rc;
}

/* ---- --since ---- */

static int since_invalid(const char *s)
{
    gf_error_set(GF_EINVALID, "invalid time '%s'", s);
    gf_error_hint("use a duration such as 30m, 2h or 3d, or a UTC time such as "
                  "2026-11-23T09:00:00Z or 2026-11-23");
    return GF_EINVALID;
}

static int64_t unit_ms(char u)
{
    switch (u) {
    case 's':
        return 1000;
    case 'm':
        return 60LL * 1000;
    case 'h':
        return 3600LL * 1000;
    case 'd':
        return 86400LL * 1000;
    case 'w':
        return 7LL * 86400 * 1000;
    default:
        return 0;
    }
}

/* "1h30m": digits then a unit, repeated; each number at most 9 digits so nothing overflows. */
static int parse_duration(int64_t *out_ms, const char *s)
{
    const char *p = s;
    int64_t total = 0;

    while (*p) {
        int64_t n = 0;
        int digits = 0;

        while (*p >= '0' && *p <= '9' && digits < 10) {
            n = n * 10 + (*p - '0');
            p++;
            digits++;
        }
        if (!digits || digits > 9 || !unit_ms(*p))
            return GF_EINVALID;
        total += n * unit_ms(*p);
        p++;
    }
    if (p == s)
        return GF_EINVALID;
    *out_ms = total;
    return 0;
}

int gf_audit_parse_since(int64_t *out_ms, const char *s, int64_t now_ms)
{
    char with_time[32];
    int64_t ms = 0;
    size_t len = strlen(s);

    if (len >= 10 && s[4] == '-') {
        if (len == 10) {
            snprintf(with_time, sizeof(with_time), "%sT00:00:00Z", s);
            s = with_time;
        }
        if (gf_time_parse_iso8601(&ms, s) < 0)
            return since_invalid(s);
        *out_ms = ms;
        return 0;
    }
    if (parse_duration(&ms, s) < 0)
        return since_invalid(s);
    *out_ms = now_ms - ms;
    return 0;
}

/* ---- JSON ---- */

struct jctx {
    bool failed;
};

/* json_string refuses invalid UTF-8: replace such bytes so a stored message still prints. */
static json_t *jstr(const char *s)
{
    json_t *v;
    char *copy;
    size_t i;

    if (!s)
        return json_null();
    v = json_string(s);
    if (v)
        return v;
    copy = gf_strdup(s);
    if (!copy)
        return NULL;
    for (i = 0; copy[i]; i++) {
        if ((unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
    }
    v = json_string(copy);
    gf_free(copy);
    return v;
}

static json_t *jtime(int64_t ms)
{
    char iso[32];

    if (ms < 0)
        return json_null();
    gf_time_iso8601(iso, sizeof(iso), ms, 1);
    return json_string(iso);
}

static void jset(struct jctx *c, json_t *obj, const char *key, json_t *v)
{
    if (!obj || !v || json_object_set_new(obj, key, v) < 0)
        c->failed = true;
}

static void jappend(struct jctx *c, json_t *arr, json_t *v)
{
    if (!arr || !v || json_array_append_new(arr, v) < 0)
        c->failed = true;
}

static json_t *action_json(struct jctx *c, const struct gf_audit_action_row *a)
{
    json_t *o = json_object();

    jset(c, o, "seq", json_integer(a->seq));
    jset(c, o, "kind", jstr(a->kind));
    jset(c, o, "key", jstr(a->key));
    jset(c, o, "change", json_string(gf_change_name(a->change)));
    jset(c, o, "reason", jstr(a->reason));
    jset(c, o, "outcome", json_string(gf_action_outcome_name(a->outcome)));
    jset(c, o, "error", jstr(a->error));
    jset(c, o, "started_at", jtime(a->started_ms));
    jset(c, o, "finished_at", jtime(a->finished_ms));
    return o;
}

static json_t *call_json(struct jctx *c, const struct gf_audit_call_row *k)
{
    json_t *o = json_object();

    jset(c, o, "action_seq", k->action_seq < 0 ? json_null() : json_integer(k->action_seq));
    jset(c, o, "service", jstr(k->service));
    jset(c, o, "operation", jstr(k->operation));
    jset(c, o, "http_status", json_integer(k->http_status));
    jset(c, o, "error_code", jstr(k->error_code));
    jset(c, o, "latency_ms", json_integer(k->latency_ms));
    jset(c, o, "attempts", json_integer(k->attempts));
    jset(c, o, "request_id", jstr(k->request_id));
    jset(c, o, "at", jtime(k->at_ms));
    return o;
}

static json_t *run_json(struct jctx *c, const struct gf_audit_run *r, bool with_calls)
{
    json_t *o = json_object();
    json_t *counts = json_object();
    json_t *actions = json_array();
    json_t *calls = NULL;
    size_t i;

    jset(c, o, "id", jstr(r->id));
    jset(c, o, "stack", jstr(r->stack));
    jset(c, o, "trigger", json_string(gf_run_trigger_name(r->trigger)));
    jset(c, o, "command", jstr(r->command));
    jset(c, o, "source_commit", jstr(r->source_commit));
    jset(c, o, "outcome", json_string(gf_run_outcome_name(r->outcome)));
    jset(c, o, "error", jstr(r->error));
    jset(c, o, "started_at", jtime(r->started_ms));
    jset(c, o, "finished_at", jtime(r->finished_ms));
    jset(c, o, "duration_ms",
         r->finished_ms < 0 ? json_null() : json_integer(r->finished_ms - r->started_ms));
    jset(c, counts, "actions", json_integer(r->n_actions));
    jset(c, counts, "changed", json_integer(r->n_changed));
    jset(c, counts, "failed", json_integer(r->n_failed));
    jset(c, counts, "api_calls", json_integer(r->n_api_calls));
    jset(c, o, "counts", counts);
    for (i = 0; i < r->actions_len; i++)
        jappend(c, actions, action_json(c, &r->actions[i]));
    jset(c, o, "actions", actions);
    if (with_calls) {
        calls = json_array();
        for (i = 0; i < r->calls_len; i++)
            jappend(c, calls, call_json(c, &r->calls[i]));
        jset(c, o, "api_calls", calls);
    }
    return o;
}

static int dump_to_buf(const char *data, size_t len, void *payload)
{
    return gf_buf_put(payload, data, len) < 0 ? -1 : 0;
}

static int json_out(struct gf_buf *out, struct jctx *c, json_t *root)
{
    int rc = 0;

    if (c->failed || !root ||
        json_dump_callback(root, dump_to_buf, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
        gf_buf_putc(out, '\n') < 0)
        rc = gf_error_oom();
    json_decref(root);
    return rc;
}

int gf_audit_format_list_json(struct gf_buf *out, const struct gf_audit_runs *runs)
{
    struct jctx c = {false};
    json_t *root = json_object();
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < runs->len; i++)
        jappend(&c, arr, run_json(&c, &runs->v[i], false));
    jset(&c, root, "runs", arr);
    return json_out(out, &c, root);
}

int gf_audit_format_run_json(struct gf_buf *out, const struct gf_audit_run *run)
{
    struct jctx c = {false};

    return json_out(out, &c, run_json(&c, run, true));
}

/* ---- tables ---- */

#define TABLE_MAX_COLS   10
#define TABLE_MAX_GROUPS 3

/* Rows in groups: the columns of each group are aligned among themselves, so a run's actions
 * can sit indented under it and still line up with the other runs' actions. */
struct table_row {
    int group;
    int n;
    char *cells[TABLE_MAX_COLS];
};

struct table {
    struct table_row *rows;
    size_t len, cap;
    int indent[TABLE_MAX_GROUPS];
    bool failed;
};

static void table_release(struct table *t)
{
    size_t i;
    int j;

    for (i = 0; i < t->len; i++) {
        for (j = 0; j < t->rows[i].n; j++)
            gf_free(t->rows[i].cells[j]);
    }
    gf_free(t->rows);
}

/* Add a row of n cells (const char *; NULL prints as "-"). */
static void table_add(struct table *t, int group, int n, ...)
{
    struct table_row *row;
    va_list ap;
    int j;

    GF_ASSERT(n <= TABLE_MAX_COLS && group < TABLE_MAX_GROUPS);
    if (t->failed || grow((void **)&t->rows, &t->cap, t->len, sizeof(*t->rows)) < 0) {
        t->failed = true;
        return;
    }
    row = &t->rows[t->len++];
    row->group = group;
    row->n = n;
    va_start(ap, n);
    for (j = 0; j < n; j++) {
        const char *s = va_arg(ap, const char *);

        row->cells[j] = gf_strdup(s ? s : "-");
        if (!row->cells[j])
            t->failed = true;
    }
    va_end(ap);
}

static int table_render(struct gf_buf *out, struct table *t)
{
    size_t width[TABLE_MAX_GROUPS][TABLE_MAX_COLS] = {{0}};
    size_t i;
    int j;

    if (t->failed)
        return gf_error_oom();
    for (i = 0; i < t->len; i++) {
        for (j = 0; j < t->rows[i].n; j++) {
            size_t w = strlen(t->rows[i].cells[j]);

            if (w > width[t->rows[i].group][j])
                width[t->rows[i].group][j] = w;
        }
    }
    for (i = 0; i < t->len; i++) {
        const struct table_row *row = &t->rows[i];
        size_t start = out->len;

        gf_buf_printf(out, "%*s", t->indent[row->group], "");
        for (j = 0; j < row->n; j++)
            gf_buf_printf(out, "%-*s  ", (int)width[row->group][j], row->cells[j]);
        while (out->len > start && out->ptr[out->len - 1] == ' ')
            gf_buf_truncate(out, out->len - 1);
        gf_buf_putc(out, '\n');
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

static void fmt_time(char *out, size_t size, int64_t ms)
{
    if (ms < 0)
        snprintf(out, size, "-");
    else
        gf_time_iso8601(out, size, ms, 0);
}

static void fmt_duration(char *out, size_t size, int64_t from_ms, int64_t to_ms)
{
    int64_t d = to_ms - from_ms;

    if (from_ms < 0 || to_ms < 0 || d < 0)
        snprintf(out, size, "-");
    else if (d < 1000)
        snprintf(out, size, "%lldms", (long long)d);
    else if (d < 60000)
        snprintf(out, size, "%lld.%llds", (long long)(d / 1000), (long long)(d % 1000 / 100));
    else if (d < 3600000)
        snprintf(out, size, "%lldm%02llds", (long long)(d / 60000), (long long)(d % 60000 / 1000));
    else
        snprintf(out, size, "%lldh%02lldm", (long long)(d / 3600000),
                 (long long)(d % 3600000 / 60000));
}

static void add_action_row(struct table *t, int group, const struct gf_audit_action_row *a)
{
    char seq[16];
    char dur[32];

    snprintf(seq, sizeof(seq), "%d", a->seq);
    fmt_duration(dur, sizeof(dur), a->started_ms, a->finished_ms);
    table_add(t, group, 7, seq, gf_change_name(a->change), a->kind, a->key,
              gf_action_outcome_name(a->outcome), dur,
              a->error    ? a->error
              : a->reason ? a->reason
                          : "");
}

static void add_run_row(struct table *t, const struct gf_audit_run *r)
{
    char started[32];
    char dur[32];
    char changes[32];
    char commit[13];

    fmt_time(started, sizeof(started), r->started_ms);
    fmt_duration(dur, sizeof(dur), r->started_ms, r->finished_ms);
    snprintf(changes, sizeof(changes), "%d/%d", r->n_changed, r->n_actions);
    snprintf(commit, sizeof(commit), "%s", r->source_commit ? r->source_commit : "-");
    table_add(t, 0, 9, r->id, r->stack, gf_run_trigger_name(r->trigger), r->command,
              gf_run_outcome_name(r->outcome), started, dur, commit, changes);
}

static void add_error_row(struct table *t, const char *error)
{
    struct gf_buf line = GF_BUF_INIT;

    gf_buf_printf(&line, "error: %s", error);
    if (gf_buf_failed(&line))
        t->failed = true;
    else
        table_add(t, 2, 1, line.ptr);
    gf_buf_release(&line);
}

int gf_audit_format_list_table(struct gf_buf *out, const struct gf_audit_runs *runs)
{
    struct table t = {NULL, 0, 0, {0, 2, 2}, false};
    size_t i, j;
    int rc;

    if (runs->len == 0)
        return gf_buf_puts(out, "no runs\n");
    table_add(&t, 0, 9, "RUN", "STACK", "TRIGGER", "COMMAND", "OUTCOME", "STARTED", "DURATION",
              "COMMIT", "CHANGES");
    for (i = 0; i < runs->len; i++) {
        const struct gf_audit_run *r = &runs->v[i];

        add_run_row(&t, r);
        if (r->error)
            add_error_row(&t, r->error);
        for (j = 0; j < r->actions_len; j++)
            add_action_row(&t, 1, &r->actions[j]);
    }
    rc = table_render(out, &t);
    table_release(&t);
    return rc;
}

static void add_run_header(struct table *t, const struct gf_audit_run *r)
{
    char started[32];
    char finished[32];
    char dur[32];
    char counts[96];

    fmt_time(started, sizeof(started), r->started_ms);
    fmt_time(finished, sizeof(finished), r->finished_ms);
    fmt_duration(dur, sizeof(dur), r->started_ms, r->finished_ms);
    snprintf(counts, sizeof(counts), "%d actions, %d changed, %d failed, %d api calls",
             r->n_actions, r->n_changed, r->n_failed, r->n_api_calls);
    table_add(t, 0, 2, "run", r->id);
    table_add(t, 0, 2, "stack", r->stack);
    table_add(t, 0, 2, "trigger", gf_run_trigger_name(r->trigger));
    table_add(t, 0, 2, "command", r->command);
    table_add(t, 0, 2, "commit", r->source_commit);
    table_add(t, 0, 2, "outcome", gf_run_outcome_name(r->outcome));
    table_add(t, 0, 2, "started", started);
    table_add(t, 0, 2, "finished", finished);
    table_add(t, 0, 2, "duration", dur);
    table_add(t, 0, 2, "counts", counts);
    if (r->error)
        table_add(t, 0, 2, "error", r->error);
}

static void add_call_row(struct table *t, const struct gf_audit_call_row *k)
{
    char at[32];
    char seq[16];
    char status[16];
    char attempts[16];
    char latency[32];

    fmt_time(at, sizeof(at), k->at_ms);
    snprintf(seq, sizeof(seq), "%d", k->action_seq);
    snprintf(status, sizeof(status), "%d", k->http_status);
    snprintf(attempts, sizeof(attempts), "%d", k->attempts);
    snprintf(latency, sizeof(latency), "%lldms", (long long)k->latency_ms);
    table_add(t, 2, 9, at, k->action_seq < 0 ? NULL : seq, k->service, k->operation,
              k->http_status ? status : NULL, k->error_code, attempts, latency, k->request_id);
}

int gf_audit_format_run_table(struct gf_buf *out, const struct gf_audit_run *run)
{
    struct table t = {NULL, 0, 0, {0, 0, 0}, false};
    size_t i;
    int rc;

    add_run_header(&t, run);
    rc = table_render(out, &t);
    table_release(&t);
    if (rc == 0 && run->actions_len) {
        struct table ta = {NULL, 0, 0, {0, 0, 0}, false};

        gf_buf_putc(out, '\n');
        table_add(&ta, 1, 7, "SEQ", "CHANGE", "KIND", "KEY", "OUTCOME", "DURATION", "REASON/ERROR");
        for (i = 0; i < run->actions_len; i++)
            add_action_row(&ta, 1, &run->actions[i]);
        rc = table_render(out, &ta);
        table_release(&ta);
    }
    if (rc == 0 && run->calls_len) {
        struct table tc = {NULL, 0, 0, {0, 0, 0}, false};

        gf_buf_putc(out, '\n');
        table_add(&tc, 2, 9, "AT", "ACTION", "SERVICE", "OPERATION", "STATUS", "ERROR", "ATTEMPTS",
                  "LATENCY", "REQUEST ID");
        for (i = 0; i < run->calls_len; i++)
            add_call_row(&tc, &run->calls[i]);
        rc = table_render(out, &tc);
        table_release(&tc);
    }
    return rc;
}
