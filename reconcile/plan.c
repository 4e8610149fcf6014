/* SPDX-License-Identifier: Apache-2.0 */
/* plan.c: desired vs actual into a graph of actions (reconcile.h gf_rc_plan). The enriched
 * stack is the source of truth: a resource whose id the state holds and whose desired document
 * is the one last applied (the applied-state cache in the store) is not read at all, so an
 * unchanged stack plans with no AWS call; --no-cache reads everything and shows drift. */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "state/journal.h"
#include "common/banned.h"

/* ---- the graph's edges ------------------------------------------------------------------------ */

static bool kind_lists(const struct gf_rc_kind *k, const char *name)
{
    size_t i;

    for (i = 0; k->deps && k->deps[i]; i++) {
        if (strcmp(k->deps[i], name) == 0)
            return true;
    }
    return false;
}

#define MAX_KINDS 64

/* The index of kind k in gf_rc_kinds (every kind is listed there). */
static size_t kind_index(const struct gf_rc_kind *k)
{
    size_t i;

    for (i = 0; gf_rc_kinds[i]; i++) {
        if (gf_rc_kinds[i] == k)
            return i;
    }
    GF_BUG("a resource of a kind missing from gf_rc_kinds");
}

/* The graph's resources grouped by kind: by_kind[start[k] .. start[k + 1]) are the indexes of
 * kind k's resources. */
struct kind_groups {
    size_t start[MAX_KINDS + 1];
    size_t *by_kind;
    size_t *kind_of; /* per resource */
};

static int group_by_kind(struct kind_groups *g, const struct gf_rc *rc)
{
    size_t fill[MAX_KINDS] = {0};
    size_t i, k;

    memset(g->start, 0, sizeof(g->start));
    g->by_kind = gf_calloc(rc->n_res ? rc->n_res : 1, sizeof(*g->by_kind));
    g->kind_of = gf_calloc(rc->n_res ? rc->n_res : 1, sizeof(*g->kind_of));
    if (!g->by_kind || !g->kind_of)
        return gf_error_oom();
    for (i = 0; i < rc->n_res; i++) {
        g->kind_of[i] = kind_index(rc->res[i]->kind);
        GF_ASSERT(g->kind_of[i] < MAX_KINDS);
        g->start[g->kind_of[i] + 1]++;
    }
    for (k = 0; k < MAX_KINDS; k++)
        g->start[k + 1] += g->start[k];
    for (i = 0; i < rc->n_res; i++) {
        k = g->kind_of[i];
        g->by_kind[g->start[k] + fill[k]++] = i;
    }
    return 0;
}

/* The task a resource belongs to (its model is one of the stack's tasks), or NULL. */
static const struct gf_task *task_of(const struct gf_rc *rc, const struct gf_rc_res *r)
{
    uintptr_t m = (uintptr_t)r->model, first = (uintptr_t)rc->stack->tasks;

    if (!r->model || !rc->stack->n_tasks || m < first)
        return NULL;
    return m < first + rc->stack->n_tasks * sizeof(struct gf_task) ? r->model : NULL;
}

/* The edges of resource i: every resource of the kinds it waits for (as in link_deps), counted
 * into *n_out and, when out is not NULL, written there. */
static void edges_of(size_t *out, size_t *n_out, const struct gf_rc *rc,
                     const struct kind_groups *g, size_t i, bool reverse)
{
    const struct gf_rc_res *r = rc->res[i];
    const struct gf_task *mine = task_of(rc, r);
    bool back = reverse || r->orphan; /* deletions: dependants go first */
    size_t k, x, n = 0;

    for (k = 0; gf_rc_kinds[k]; k++) {
        const struct gf_rc_kind *other = gf_rc_kinds[k];

        if (!(back ? kind_lists(other, r->kind->name) : kind_lists(r->kind, other->name)))
            continue;
        for (x = g->start[k]; x < g->start[k + 1]; x++) {
            size_t j = g->by_kind[x];

            const struct gf_task *theirs = task_of(rc, rc->res[j]);

            if (j == i || rc->res[j]->orphan != r->orphan || (mine && theirs && mine != theirs))
                continue;
            if (out)
                out[n] = j;
            n++;
        }
    }
    *n_out = n;
}

/* r waits for every resource of the kinds it depends on, but never for another task's (a
 * service waits for its own task definition, not for the 499 others, and one task's failure
 * skips only its own dependants); `reverse` (deleting) the other way round. Reads always go
 * forward: a read may need the id its parent's read found. Linear in the edges. */
static int link_deps(struct gf_rc *rc, bool reverse)
{
    struct kind_groups g;
    size_t i, n;
    int code = group_by_kind(&g, rc);

    for (i = 0; code == 0 && i < rc->n_res; i++) {
        struct gf_rc_res *r = rc->res[i];

        edges_of(NULL, &n, rc, &g, i, reverse);
        gf_free(r->deps);
        r->deps = gf_malloc((n ? n : 1) * sizeof(*r->deps)); /* filled right below */
        r->n_deps = 0;
        if (!r->deps)
            code = gf_error_oom();
        else
            edges_of(r->deps, &r->n_deps, rc, &g, i, reverse);
    }
    gf_free(g.by_kind);
    gf_free(g.kind_of);
    return code;
}

/* ---- reading ---------------------------------------------------------------------------------- */

/* Whether the state and the applied-state cache vouch for r, so that it need not be read: the
 * desired document is the one AWS last matched, and the id is known (the model's, else the
 * cache's). Never for a destroy: what it deletes and what it keeps is read. */
static bool cache_vouches(struct gf_rc *rc, struct gf_rc_res *r)
{
    char have[65];
    char *cached_id = NULL;
    const char *id = r->kind->state_id ? r->kind->state_id(r, rc) : NULL;
    bool ok;

    if (rc->opts.no_cache || rc->opts.destroy || !r->digest[0])
        return false;
    ok = gf_rc_cache_get(rc, r, have, &cached_id) == 1 && strcmp(have, r->digest) == 0;
    if (!id)
        id = cached_id;
    ok = ok && id;
    if (ok) {
        gf_free(r->id);
        r->id = gf_strdup(id);
        ok = r->id != NULL;
        r->cached = r->exists = ok;
    }
    gf_free(cached_id);
    return ok;
}

static bool want_read(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    return !rc->opts.offline && !r->cached;
}

/* What a read's result makes of r: GF_ENOTFOUND is an answer (absent), not a failure. */
static int read_done(struct gf_rc_res *r, int code)
{
    r->foreign = code == 0 && json_is_false(json_object_get(r->actual, "_ours"));
    if (code == GF_ENOTFOUND) {
        r->exists = false;
        return 0;
    }
    if (code == 0)
        r->exists = true;
    return code;
}

static int read_job(struct gf_rc_res *r, struct gf_rc_worker *w)
{
    struct gf_rc_io io = {w->rc, w->aws};

    json_decref(r->actual);
    r->actual = NULL;
    return read_done(r, r->kind->read(r, &io));
}

/* Resources of one kind ready together, read with one call (the kind's read_batch). */
static int read_batch_job(struct gf_rc_res *const *rs, int *codes, size_t n,
                          struct gf_rc_worker *w)
{
    struct gf_rc_io io = {w->rc, w->aws};
    size_t i;
    int code;

    for (i = 0; i < n; i++) {
        json_decref(rs[i]->actual);
        rs[i]->actual = NULL;
        codes[i] = 0;
    }
    code = rs[0]->kind->read_batch(rs, codes, n, &io);
    for (i = 0; code == 0 && i < n; i++)
        codes[i] = read_done(rs[i], codes[i]);
    return code;
}

/* ---- deciding --------------------------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *field)
{
    size_t i, n;

    for (i = 0; list && list[i]; i++) {
        n = strlen(list[i]);
        if (strncmp(field, list[i], n) == 0 && (field[n] == '\0' || field[n] == '.'))
            return true;
    }
    return false;
}

static int set_reason(struct gf_rc_res *r, const char *reason)
{
    gf_free(r->reason);
    r->reason = reason ? gf_strdup(reason) : NULL;
    return reason && !r->reason ? gf_error_oom() : 0;
}

static int decide_destroy(struct gf_rc *rc, struct gf_rc_res *r)
{
    if (r->kind->check_only && r->kind->destroy && r->exists) {
        r->change = GF_CHANGE_DELETE; /* what the stack added to it (EFS: the NFS rules) */
        return set_reason(r, r->orphan ? "what the stack added for a task gone from it (--prune)"
                                       : "kept; what the stack added to it is removed");
    }
    if (r->kind->check_only || r->foreign)
        return set_reason(r, "kept: not made by this stack");
    if (!r->exists)
        return set_reason(r, "already gone");
    if (r->kind->holds_data && !rc->opts.force) {
        gf_rc_warn(rc, "%s %s is kept: it may hold data (add --force to delete it)",
                   r->kind->name, r->name);
        return set_reason(r, "kept: may hold data");
    }
    r->change = GF_CHANGE_DELETE;
    return set_reason(r, r->orphan ? "gone from the stack (--prune)" : "destroy");
}

static int decide_existing(struct gf_rc *rc, struct gf_rc_res *r)
{
    size_t i;
    json_t *d;
    bool replace = false;
    char have[65], now[65];
    char *cached_id = NULL;
    int code = gf_rc_diff(r);

    if (code < 0 || json_array_size(r->diffs) == 0)
        return code;
    json_array_foreach(r->diffs, i, d) {
        replace |= in_list(r->kind->replace_fields, json_string_value(json_object_get(d, "field")));
    }
    if (replace || !r->kind->update) {
        r->change = GF_CHANGE_REPLACE;
        return 0;
    }
    r->change = GF_CHANGE_UPDATE;
    /* the file asks for what was last applied, yet AWS differs: someone changed it by hand */
    /* (the digest of desire's document, or of the one the read completed) */
    if (gf_rc_cache_get(rc, r, have, &cached_id) == 1 &&
        (strcmp(have, r->digest) == 0 ||
         (gf_rc_digest(now, r->desired) == 0 && strcmp(have, now) == 0)))
        r->change = GF_CHANGE_DRIFT;
    gf_free(cached_id);
    return 0;
}

static int decide(struct gf_rc *rc, struct gf_rc_res *r)
{
    r->change = GF_CHANGE_NONE;
    if (rc->opts.destroy || r->orphan)
        return decide_destroy(rc, r);
    if (rc->opts.offline) {
        bool known = r->kind->state_id && r->kind->state_id(r, rc);

        if (!known && !r->kind->check_only)
            r->change = GF_CHANGE_CREATE;
        return set_reason(r, known ? "in the state (not read: offline)" : "not in the state");
    }
    if (r->cached)
        return set_reason(r, "unchanged since the last apply (not read)");
    if (!r->exists) {
        if (r->kind->check_only) {
            pthread_mutex_lock(&rc->lock);
            json_array_append_new(rc->problems,
                                  json_sprintf("%s %s does not exist", r->kind->name, r->name));
            pthread_mutex_unlock(&rc->lock);
            return set_reason(r, "missing");
        }
        r->change = GF_CHANGE_CREATE;
        return set_reason(r, "does not exist");
    }
    return decide_existing(rc, r);
}

/* ---- pruning ---------------------------------------------------------------------------------- */

static int find_orphans(struct gf_rc *rc)
{
    struct gf_rc_worker w;
    size_t i;
    int code = gf_rc_worker_init(&w, rc);

    for (i = 0; code == 0 && gf_rc_kinds[i]; i++) {
        struct gf_rc_io io = {rc, w.aws};

        if (gf_rc_kinds[i]->orphans)
            code = gf_rc_kinds[i]->orphans(rc, &io);
    }
    gf_rc_worker_release(&w);
    return code == 0 ? link_deps(rc, rc->opts.destroy) : code;
}

/* ---- the journal's unfinished intents --------------------------------------------------------- */

/* Earlier runs' unfinished intents: force a read of each resource they name (by name: the read
 * finds what the call may have made), then settle them with what the read found. */
static int recover_mark(struct gf_rc *rc, struct gf_journal_entries *pending)
{
    size_t i;
    int code = gf_journal_pending(pending, rc->opts.store, rc->opts.run_id);

    for (i = 0; code == 0 && i < pending->len; i++) {
        struct gf_rc_res *r = gf_rc_find(rc, pending->v[i].kind, pending->v[i].key);

        if (r)
            r->cached = false; /* whatever the cache says, look */
    }
    return code;
}

static int recover_settle(struct gf_rc *rc, struct gf_journal_entries *pending)
{
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < pending->len; i++) {
        const struct gf_journal_entry *e = &pending->v[i];
        struct gf_rc_res *r = gf_rc_find(rc, e->kind, e->key);
        const char *note = !r ? "no longer in the stack"
                           : r->exists ? "found by name after an interrupted run"
                                       : "not created";

        if (rc->opts.offline)
            break;
        code = gf_journal_resolve(rc->opts.store, e->id, r && r->exists ? r->id : NULL, note);
        if (code == 0 && r && !rc->opts.quiet)
            fprintf(stderr, "  recovered: %s %s %s (%s)\n", e->operation, e->kind, e->key, note);
    }
    return code;
}

/* ---- the plan --------------------------------------------------------------------------------- */

static int expand_all(struct gf_rc *rc)
{
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && gf_rc_kinds[i]; i++)
        code = gf_rc_kinds[i]->expand(rc);
    for (i = 0; code == 0 && i < rc->n_res; i++) {
        struct gf_rc_res *r = rc->res[i];

        code = gf_rc_desire(rc, r);
        if (code == 0)
            cache_vouches(rc, r);
    }
    return code == 0 ? link_deps(rc, false) : code;
}

/* One transaction for all of them: one sync, not one per action (1,030 for 500 tasks). */
static int record_actions(struct gf_rc *rc)
{
    size_t i;
    int code = gf_store_begin(rc->opts.store);
    bool begun = code == 0;

    for (i = 0; code == 0 && i < rc->n_res; i++) {
        const struct gf_rc_res *r = rc->res[i];
        struct gf_audit_action a = {r->seq, r->kind->name, r->key[0] ? r->key : "-", r->change,
                                    r->reason};

        /* what is unchanged is no action: a controller re-planning a 500-task stack every
         * minute would otherwise add 1,500 rows a minute to the store. What destroy or --prune
         * keeps is recorded, with why. */
        if (r->change != GF_CHANGE_NONE || r->orphan || rc->opts.destroy)
            code = gf_audit_action_add(rc->opts.store, rc->opts.run_id, &a);
    }
    if (code == 0)
        return gf_store_commit(rc->opts.store);
    if (begun)
        gf_store_rollback(rc->opts.store);
    return code;
}

int gf_rc_plan(struct gf_rc *rc)
{
    struct gf_journal_entries pending = GF_JOURNAL_ENTRIES_INIT;
    struct gf_rc_worker w;
    size_t i;
    int code = 0;

    memset(&w, 0, sizeof(w));
    if (!rc->opts.offline) {
        code = gf_rc_worker_init(&w, rc);
        if (code == 0)
            code = gf_rc_discover(rc, &w);
        gf_rc_worker_release(&w);
    }
    if (code == 0)
        code = gf_rc_resolve_images(rc);
    if (code == 0)
        code = expand_all(rc);
    if (code == 0 && !rc->opts.offline)
        code = recover_mark(rc, &pending);
    if (code == 0)
        code = gf_rc_pool_run_batched(rc, read_job, read_batch_job, want_read);
    if (code == 0 && rc->opts.destroy)
        code = link_deps(rc, true);
    if (code == 0 && rc->opts.prune && !rc->opts.offline && !rc->opts.destroy)
        code = find_orphans(rc);
    if (code == 0)
        code = recover_settle(rc, &pending);
    for (i = 0; code == 0 && i < rc->n_res; i++) {
        rc->res[i]->outcome = GF_ACTION_PLANNED; /* the reads used the field */
        code = decide(rc, rc->res[i]);
    }
    if (code == 0)
        code = record_actions(rc);
    gf_journal_entries_release(&pending);
    rc->planned = code == 0;
    return code;
}
