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

static int remember(struct gf_rc *rc, const struct gf_rc_res *r)
{
    char key[512], digest[65];
    int code = 0;

    gf_rc_cache_key(key, sizeof(key), rc, r);
    if (r->change != GF_CHANGE_DELETE && r->desired)
        code = gf_rc_digest(digest, r->desired);
    if (code < 0)
        return code;
    pthread_mutex_lock(&rc->lock);
    code = r->change == GF_CHANGE_DELETE ? gf_store_kv_delete(rc->opts.store, key)
                                         : gf_store_kv_set(rc->opts.store, key, digest);
    pthread_mutex_unlock(&rc->lock);
    return code;
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
    if (r->change != GF_CHANGE_DELETE) {
        json_decref(r->desired);
        r->desired = NULL;
        code = r->kind->desire(r, rc);
    }
    if (code == 0) {
        gf_rc_progress(rc, r, "%s", verb(r->change));
        code = run_change(r, &io);
    }
    if (code == 0)
        code = remember(rc, r);
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

int gf_rc_apply(struct gf_rc *rc)
{
    int code;

    if (!rc->planned)
        return gf_error_set(GF_EINVALID, "apply needs a plan first");
    if (rc->opts.offline)
        return gf_error_set(GF_EINVALID, "an offline plan cannot be applied");
    code = gf_rc_pool_run(rc, apply_job, want_change, true);
    if (code < 0) {
        struct gf_error saved;

        gf_error_copy(&saved, gf_error_last());
        record_skips(rc);
        code = gf_error_restore(&saved);
    }
    rc->applied = true;
    return code;
}
