/* SPDX-License-Identifier: Apache-2.0 */
/* apply.c: running the plan (reconcile.h gf_rc_apply). Ready actions run together on the pool's
 * workers; each re-derives its desired state first (its dependencies have just filled in the
 * ids the plan could only call GF_RC_UNKNOWN), makes its calls (each mutating one journaled by
 * the worker, pool.c), and on success stores the digest of what it applied, which lets the next
 * plan of an unchanged stack skip the read. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "state/audit.h"
#include "common/banned.h"

static bool want_change(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)rc;
    return r->change != GF_CHANGE_NONE;
}

static const char *verb(enum gf_change c)
{
    switch (c) {
    case GF_CHANGE_CREATE:
        return "creating";
    case GF_CHANGE_DELETE:
        return "deleting";
    case GF_CHANGE_REPLACE:
        return "replacing";
    default:
        return "updating";
    }
}

static int run_change(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code;

    switch (r->change) {
    case GF_CHANGE_CREATE:
        return r->kind->create(r, io);
    case GF_CHANGE_DELETE:
        return r->kind->destroy(r, io);
    case GF_CHANGE_REPLACE:
        code = r->kind->destroy(r, io);
        return code < 0 ? code : r->kind->create(r, io);
    default:
        return r->kind->update(r, io);
    }
}

static int apply_job(struct gf_rc_res *r, struct gf_rc_worker *w)
{
    struct gf_rc *rc = w->rc;
    struct gf_rc_io io = {rc, w->aws};
    int64_t t0 = gf_clock_mono_ms(gf_clock_system());
    int code = 0;

    pthread_mutex_lock(&rc->lock);
    r->outcome = GF_ACTION_RUNNING;
    (void)gf_audit_action_start(rc->opts.store, rc->opts.run_id, r->seq);
    pthread_mutex_unlock(&rc->lock);
    if (r->change != GF_CHANGE_DELETE)
        code = gf_rc_desire(rc, r);
    if (code == 0) {
        gf_rc_progress(rc, r, "%s", verb(r->change));
        code = run_change(r, &io);
    }
    if (code == 0)
        code = gf_rc_cache_put(rc, r);
    pthread_mutex_lock(&rc->lock);
    (void)gf_audit_action_finish(rc->opts.store, rc->opts.run_id, r->seq,
                                 code < 0 ? GF_ACTION_FAILED : GF_ACTION_SUCCESS,
                                 code < 0 ? gf_error_last() : NULL);
    pthread_mutex_unlock(&rc->lock);
    if (code < 0) {
        struct gf_error saved;

        gf_error_copy(&saved, gf_error_last());
        gf_rc_progress(rc, r, "failed: %s", saved.msg);
        return gf_error_restore(&saved);
    }
    gf_rc_progress(rc, r, "done (%lld ms)", (long long)(gf_clock_mono_ms(gf_clock_system()) - t0));
    return 0;
}

/* Actions skipped because a dependency failed are recorded as such. */
static void record_skips(struct gf_rc *rc)
{
    size_t i;

    for (i = 0; i < rc->n_res; i++) {
        if (rc->res[i]->outcome == GF_ACTION_SKIPPED)
            (void)gf_audit_action_finish(rc->opts.store, rc->opts.run_id, rc->res[i]->seq,
                                         GF_ACTION_SKIPPED, NULL);
    }
}

/* Resources the plan read and found as the file wants them: remember that, so the next plan of
 * the unchanged stack need not read them either (the ones without a state field in the model,
 * or an applied-state cache from another database, would otherwise be read on every plan). What
 * is remembered is the desired document as the next plan will make it, now that everything it
 * depends on is known, and only when what the read saw matches it. */
static int remember_unchanged(struct gf_rc *rc)
{
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < rc->n_res; i++) {
        struct gf_rc_res *r = rc->res[i];

        if (r->change != GF_CHANGE_NONE || r->cached || !r->exists || r->orphan || !r->id ||
            !r->actual)
            continue;
        code = gf_rc_desire(rc, r);
        if (code == 0 && r->desired && gf_rc_matches(r->desired, r->actual))
            code = gf_rc_cache_put(rc, r);
    }
    return code;
}

int gf_rc_apply(struct gf_rc *rc)
{
    int code;

    if (!rc->planned)
        return gf_error_set(GF_EINVALID, "apply needs a plan first");
    if (rc->opts.offline)
        return gf_error_set(GF_EINVALID, "an offline plan cannot be applied");
    code = gf_rc_pool_run(rc, apply_job, want_change, true);
    if (code == 0 && !rc->opts.destroy)
        code = remember_unchanged(rc);
    if (code < 0) {
        struct gf_error saved;

        gf_error_copy(&saved, gf_error_last());
        record_skips(rc);
        code = gf_error_restore(&saved);
    }
    rc->applied = true;
    return code;
}
