/* SPDX-License-Identifier: Apache-2.0 */
/* audit.h: the audit log in the store: runs (one pass over one stack), their actions (one
 * planned change to one resource) and the AWS API calls made; the queries behind
 * `gitfargate audit`, and its JSON and table formats.
 *
 * Recording is cheap: one INSERT/UPDATE per call through statements cached in the gf_store,
 * each its own transaction unless wrapped in gf_store_begin/gf_store_commit. Every string
 * recorded is a name, ARN, id or error message: there is no parameter for a request or
 * response body, so secret values cannot reach the log (state/store.h).
 *
 * Ownership, once for the whole API: inputs are borrowed for the call; the query results
 * (struct gf_audit_run, gf_audit_runs) own every string and array in them and are released with
 * gf_audit_run_release / gf_audit_runs_release. Every function blocks on the database. */
#ifndef GF_AUDIT_H
#define GF_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/store.h"

/* "r-20261123T094107Z-7f3a9c1e" plus the NUL. */
#define GF_AUDIT_RUN_ID_SIZE 32

enum gf_run_trigger { GF_TRIGGER_CLI = 0, GF_TRIGGER_SYNC, GF_TRIGGER_WEBHOOK, GF_TRIGGER_POLL };

enum gf_run_outcome {
    GF_RUN_RUNNING = 0,
    GF_RUN_SUCCESS,
    GF_RUN_FAILED,
    GF_RUN_NO_CHANGE,
    GF_RUN_REJECTED,
    GF_RUN_INTERRUPTED, /* the process ended mid-run (found by gf_audit_runs_interrupt) */
};

enum gf_change {
    GF_CHANGE_CREATE = 0,
    GF_CHANGE_UPDATE,
    GF_CHANGE_REPLACE,
    GF_CHANGE_DELETE,
    GF_CHANGE_NONE,
    GF_CHANGE_DRIFT,
};

enum gf_action_outcome {
    GF_ACTION_PLANNED = 0, /* recorded, not (yet) applied: plan, dry run */
    GF_ACTION_RUNNING,
    GF_ACTION_SUCCESS,
    GF_ACTION_FAILED,
    GF_ACTION_SKIPPED, /* a dependency failed */
};

/* Stable names, as stored and printed: "webhook", "no-change", "replace", "skipped". */
const char *gf_run_trigger_name(enum gf_run_trigger t);
const char *gf_run_outcome_name(enum gf_run_outcome o);
const char *gf_change_name(enum gf_change c);
const char *gf_action_outcome_name(enum gf_action_outcome o);

/* ---- recording ---- */

struct gf_audit_run_start {
    const char *stack;         /* stack name; required */
    const char *source_commit; /* config commit applied, or NULL (a local file) */
    enum gf_run_trigger trigger;
    const char *command; /* "sync", "apply", "plan"...; required */
};

/* Record a new run (outcome running, started now) and write its id, "r-<time>-<random>", into
 * id_out. GF_ECONFLICT in the unlikely case the id exists. */
int gf_audit_run_start(char id_out[GF_AUDIT_RUN_ID_SIZE], struct gf_store *store,
                       const struct gf_audit_run_start *start);

/* Record a run's end: its outcome (not GF_RUN_RUNNING), finish time, the error (`err`, NULL on
 * success; stored as gf_error_format's line) and its counts, computed from its actions and API
 * calls. GF_ENOTFOUND when the run does not exist. */
int gf_audit_run_finish(struct gf_store *store, const char *run_id, enum gf_run_outcome outcome,
                        const struct gf_error *err);

/* Mark every run still "running" as "interrupted" (a process that ended without finishing them).
 * Call only when no other pass uses this database, e.g. at controller start; *count_out (may be
 * NULL) receives how many runs were marked. */
int gf_audit_runs_interrupt(int64_t *count_out, struct gf_store *store);

struct gf_audit_action {
    int seq;          /* unique within the run, >= 0 (the plan's order) */
    const char *kind; /* "service", "log_group"... required */
    const char *key;  /* the resource's key in the stack: "api-web"; required */
    enum gf_change change;
    const char *reason; /* "image changed", or NULL */
};

/* Record a planned action (outcome planned). GF_ECONFLICT when seq is already used in the run
 * or the run does not exist. */
int gf_audit_action_add(struct gf_store *store, const char *run_id,
                        const struct gf_audit_action *action);
/* Mark the action running, started now. GF_ENOTFOUND when there is no such action. */
int gf_audit_action_start(struct gf_store *store, const char *run_id, int seq);
/* Record the action's outcome (success/failed/skipped), finished now, with its error (`err`, NULL
 * when none). GF_ENOTFOUND when there is no such action. */
int gf_audit_action_finish(struct gf_store *store, const char *run_id, int seq,
                           enum gf_action_outcome outcome, const struct gf_error *err);

struct gf_audit_api_call {
    int action_seq;         /* the action it served, or -1 (discovery, preflight) */
    const char *service;    /* "ecs"; required */
    const char *operation;  /* "UpdateService"; required */
    int http_status;        /* last response's status, 0 when none came back */
    const char *error_code; /* AWS error code or NULL */
    int64_t latency_ms;     /* all attempts together */
    int attempts;           /* >= 1 */
    const char *request_id; /* x-amzn-RequestId or NULL */
};

/* Record one API call (stamped now). GF_ECONFLICT when the run (or the action) does not exist. */
int gf_audit_api_call(struct gf_store *store, const char *run_id,
                      const struct gf_audit_api_call *call);

/* ---- queries ---- */

struct gf_audit_action_row {
    int seq;
    char *kind;
    char *key;
    enum gf_change change;
    char *reason; /* or NULL */
    enum gf_action_outcome outcome;
    char *error;         /* or NULL */
    int64_t started_ms;  /* -1 when not started */
    int64_t finished_ms; /* -1 when not finished */
};

struct gf_audit_call_row {
    int action_seq; /* -1 when none */
    char *service;
    char *operation;
    int http_status;
    char *error_code; /* or NULL */
    int64_t latency_ms;
    int attempts;
    char *request_id; /* or NULL */
    int64_t at_ms;
};

struct gf_audit_run {
    char *id;
    char *stack;
    char *source_commit; /* or NULL */
    enum gf_run_trigger trigger;
    char *command;
    enum gf_run_outcome outcome;
    char *error; /* or NULL */
    int64_t started_ms;
    int64_t finished_ms;                             /* -1 while running */
    int n_actions, n_changed, n_failed, n_api_calls; /* as recorded by gf_audit_run_finish */
    struct gf_audit_action_row *actions;             /* by seq */
    size_t actions_len;
    struct gf_audit_call_row *calls; /* in the order made; filled by gf_audit_get only */
    size_t calls_len;
};

struct gf_audit_runs {
    struct gf_audit_run *v; /* newest first */
    size_t len;
};

#define GF_AUDIT_RUNS_INIT {NULL, 0}
#define GF_AUDIT_LIST_DEFAULT_LIMIT 20

struct gf_audit_filter {
    const char *stack; /* NULL: every stack */
    int64_t since_ms;  /* runs started at or after; 0: any */
    int limit;         /* at most this many runs; 0: GF_AUDIT_LIST_DEFAULT_LIMIT */
};

/* Runs matching the filter, newest first, each with its actions (not its API calls).
 * out is overwritten (owned; gf_audit_runs_release). */
int gf_audit_list(struct gf_audit_runs *out, struct gf_store *store,
                  const struct gf_audit_filter *filter);
/* One run in full: the run, its actions and its API calls. out is overwritten (owned;
 * gf_audit_run_release). GF_ENOTFOUND (with a hint) when no run has that id. */
int gf_audit_get(struct gf_audit_run *out, struct gf_store *store, const char *run_id);

void gf_audit_run_release(struct gf_audit_run *run);
void gf_audit_runs_release(struct gf_audit_runs *runs);

/* Parse a --since value relative to now_ms: a duration back from now ("90s", "30m", "2h", "3d",
 * "1w", combined as "1h30m"), an ISO 8601 UTC time ("2026-11-23T09:41:07Z") or a date
 * ("2026-11-23", midnight UTC). GF_EINVALID (error and hint set) otherwise. */
int gf_audit_parse_since(int64_t *out_ms, const char *s, int64_t now_ms);

/* ---- output ---- */

/* Append JSON (2-space indent, keys in a fixed order, times ISO 8601 with ms, absent values
 * null, a final newline): a list as {"runs": [run, ...]}, each run with "actions"; one run with
 * "actions" and "api_calls". GF_ENOMEM on failure. */
int gf_audit_format_list_json(struct gf_buf *out, const struct gf_audit_runs *runs);
int gf_audit_format_run_json(struct gf_buf *out, const struct gf_audit_run *run);

/* Append a plain text table, columns aligned with two spaces, no trailing blanks: a list is
 * one row per run with its actions indented below it; one run is a header block, then its
 * actions, then its API calls. "no runs" when the list is empty. */
int gf_audit_format_list_table(struct gf_buf *out, const struct gf_audit_runs *runs);
int gf_audit_format_run_table(struct gf_buf *out, const struct gf_audit_run *run);

#endif
