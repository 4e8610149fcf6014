/* SPDX-License-Identifier: Apache-2.0 */
/* journal.h: the apply journal (DESIGN.md "State, journal, audit"). Before a mutating AWS call
 * is sent, its intent is committed durably (gf_journal_begin); after, its result is recorded
 * (gf_journal_finish). A pass that starts after a crash reads the intents left unfinished by
 * earlier runs (gf_journal_pending), looks for what they may have created (by name, tag or
 * client token) and records what it found (gf_journal_resolve) before planning: no duplicate
 * resources, no orphans.
 *
 * Each call is its own transaction, committed (fsynced: synchronous=FULL) before it returns;
 * do not wrap gf_journal_begin in gf_store_begin, or the intent is only as durable as the outer
 * transaction. Only names, tokens and ids are stored: never a request body (state/store.h).
 *
 * Ownership: inputs are borrowed for the call; gf_journal_entry and gf_journal_entries own
 * their strings (gf_journal_entry_release / gf_journal_entries_release). Every function blocks
 * on the database. */
#ifndef GF_JOURNAL_H
#define GF_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "state/store.h"

enum gf_journal_state {
    GF_JOURNAL_INTENT = 0, /* recorded, call maybe sent, result unknown */
    GF_JOURNAL_DONE,       /* the call succeeded; result_id holds what it made or changed */
    GF_JOURNAL_FAILED,     /* the call failed; error holds why */
    GF_JOURNAL_RESOLVED,   /* an unfinished intent settled by recovery */
};

/* "intent", "done", "failed", "resolved". */
const char *gf_journal_state_name(enum gf_journal_state state);

struct gf_journal_intent {
    const char *run_id;       /* the run making the call (must exist in the audit log) */
    const char *kind;         /* resource kind: "service" */
    const char *key;          /* resource key in the stack: "api-web" */
    const char *service;      /* "ecs" */
    const char *operation;    /* "CreateService" */
    const char *client_token; /* idempotency / client token sent with the call, or NULL */
    const char *ident;        /* how to find the result again: name or tag, e.g.
                                 "name=api-web" or "tag:gitfargate:key=api-web"; or NULL */
};

struct gf_journal_entry {
    int64_t id;
    char *run_id;
    char *kind;
    char *key;
    char *service;
    char *operation;
    char *client_token; /* or NULL */
    char *ident;        /* or NULL */
    enum gf_journal_state state;
    char *result_id; /* ARN / id, or NULL */
    char *error;     /* failure or resolution note, or NULL */
    int64_t created_ms;
    int64_t finished_ms; /* -1 while an intent */
};

struct gf_journal_entries {
    struct gf_journal_entry *v; /* oldest first */
    size_t len;
};

#define GF_JOURNAL_ENTRIES_INIT {NULL, 0}

/* Record an intent and commit it before returning. *id_out receives the intent id.
 * run_id, kind, key, service and operation are required. GF_ECONFLICT when the run does not
 * exist; GF_ERETRY when the database stays locked. */
int gf_journal_begin(int64_t *id_out, struct gf_store *store, const struct gf_journal_intent *in);

/* Record the call's result: err NULL -> done, with result_id (the ARN or id it made or changed,
 * may be NULL for calls that return none); err set -> failed, with err's formatted line.
 * GF_ENOTFOUND when no intent has that id; GF_ECONFLICT when it is no longer an intent. */
int gf_journal_finish(struct gf_store *store, int64_t id, const char *result_id,
                      const struct gf_error *err);

/* Intents still unfinished from runs other than current_run_id (NULL: from every run), oldest
 * first. out is overwritten (owned). */
int gf_journal_pending(struct gf_journal_entries *out, struct gf_store *store,
                       const char *current_run_id);

/* Settle an unfinished intent with what recovery found: result_id (the resource found, or NULL
 * when nothing was) and a short note ("found by tag", "not created"). Same errors as finish. */
int gf_journal_resolve(struct gf_store *store, int64_t id, const char *result_id, const char *note);

/* One entry by id (any state). GF_ENOTFOUND when there is none. out overwritten (owned). */
int gf_journal_get(struct gf_journal_entry *out, struct gf_store *store, int64_t id);

void gf_journal_entry_release(struct gf_journal_entry *entry);
void gf_journal_entries_release(struct gf_journal_entries *entries);

#endif
