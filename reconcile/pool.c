/* SPDX-License-Identifier: Apache-2.0 */
/* pool.c: the workers that run reconcile jobs together: each worker thread owns an AWS client
 * (a client belongs to one thread, aws/client.h), takes the next resource whose dependencies
 * are done, and reports every AWS call it makes to the audit log under the action it serves.
 * Before a mutating call is sent its intent is journaled and committed; its result after. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "state/audit.h"
#include "state/journal.h"
#include "common/banned.h"

enum slot { WAITING = 0, RUNNING, DONE_OK, DONE_FAILED };

#define BATCH_CAP 64 /* the most resources one batched job takes, whatever the kind allows */

struct pool {
    struct gf_rc *rc;
    gf_rc_job_fn *fn;
    gf_rc_batch_fn *many; /* NULL: every job takes one resource */
    bool ordered;
    unsigned char *slot; /* enum slot per resource */
    size_t remaining;    /* resources not yet done */
    pthread_cond_t cond; /* with rc->lock */
    int first_rc;
    struct gf_error first_err;
};

/* ---- the audit observer and the journal hook ------------------------------------------------ */

/* Record the job's mutating calls that succeeded as done, with the resource's id as the kind
 * now knows it (a create's ARN is known only once its answer has been read). Lock held. */
static void settle_done(struct gf_rc_worker *w)
{
    size_t i;
    bool begun = w->n_done > 1 && gf_store_begin(w->rc->opts.store) == 0; /* one commit */

    for (i = 0; i < w->n_done; i++)
        (void)gf_journal_finish(w->rc->opts.store, w->done[i], w->cur ? w->cur->id : NULL, NULL);
    if (begun)
        (void)gf_store_commit(w->rc->opts.store);
    w->n_done = 0;
}

static void observe(const struct gf_aws_call_info *info, void *payload)
{
    struct gf_rc_worker *w = payload;
    struct gf_rc *rc = w->rc;
    struct gf_audit_api_call call = {w->cur && w->cur->outcome == GF_ACTION_RUNNING
                                         ? w->cur->seq
                                         : -1,
                                     info->service,
                                     info->operation,
                                     info->http_status,
                                     info->aws_code[0] ? info->aws_code : NULL,
                                     info->latency_ms,
                                     info->attempts > 0 ? info->attempts : 1,
                                     info->request_id[0] ? info->request_id : NULL};
    struct gf_error saved;

    /* recording must not replace the error the call is about to return */
    gf_error_copy(&saved, gf_error_last());
    pthread_mutex_lock(&rc->lock);
    rc->calls++;
    if (gf_rc_op_mutates(info->operation))
        rc->mutating++;
    (void)gf_audit_api_call(rc->opts.store, rc->opts.run_id, &call);
    if (w->intent_id > 0 && info->rc < 0) {
        (void)gf_journal_finish(rc->opts.store, w->intent_id, NULL, &saved);
    } else if (w->intent_id > 0) {
        /* done: recorded at the end of the job with the id the kind took from the answer (or
         * read after it); a crash before then leaves it to recovery, like any intent */
        if (w->n_done == GF_RC_DONE_MAX)
            settle_done(w);
        w->done[w->n_done++] = w->intent_id;
    }
    w->intent_id = 0;
    pthread_mutex_unlock(&rc->lock);
    gf_error_restore(&saved);
}

/* Before each call: journal the intent of a mutating one and commit it. */
static int before_call(const char *service, const char *operation, void *payload)
{
    struct gf_rc_worker *w = payload;
    struct gf_rc *rc = w->rc;
    struct gf_journal_intent in;
    char ident[512];
    int err;

    if (!gf_rc_op_mutates(operation) || !w->cur)
        return 0;
    snprintf(ident, sizeof(ident), "name=%s", w->cur->name);
    in = (struct gf_journal_intent){rc->opts.run_id, w->cur->kind->name, w->cur->key, service,
                                    operation, NULL, ident};
    pthread_mutex_lock(&rc->lock);
    err = gf_journal_begin(&w->intent_id, rc->opts.store, &in);
    pthread_mutex_unlock(&rc->lock);
    return err; /* an intent that cannot be recorded is a call not sent */
}

int gf_rc_worker_init(struct gf_rc_worker *w, struct gf_rc *rc)
{
    struct gf_aws_client_opts o = GF_AWS_CLIENT_OPTS_INIT;

    memset(w, 0, sizeof(*w));
    w->rc = rc;
    o.profile = rc->opts.profile;
    o.region = rc->opts.region;
    o.stack_region = rc->stack->region.v;
    o.endpoint_url = rc->opts.endpoint_url;
    o.env = rc->opts.env;
    o.observer = observe;
    o.observer_payload = w;
    o.before = before_call;
    o.before_payload = w;
    return gf_aws_client_new(&w->aws, &o);
}

void gf_rc_worker_release(struct gf_rc_worker *w)
{
    gf_aws_client_free(w->aws);
    w->aws = NULL;
}

/* ---- scheduling ------------------------------------------------------------------------------ */

/* Whether every resource r waits for has finished well (always, unordered). */
static bool deps_done(const struct pool *p, const struct gf_rc_res *r)
{
    size_t d;

    for (d = 0; p->ordered && d < r->n_deps; d++)
        if (p->slot[r->deps[d]] != DONE_OK)
            return false;
    return true;
}

static bool dep_failed(const struct pool *p, const struct gf_rc_res *r)
{
    size_t d;

    for (d = 0; p->ordered && d < r->n_deps; d++)
        if (p->slot[r->deps[d]] == DONE_FAILED)
            return true;
    return false;
}

/* The next resource ready to run, marked RUNNING; resources whose dependency failed are marked
 * skipped on the way. NULL when none is ready now. Called with the lock held. */
static struct gf_rc_res *take_ready(struct pool *p)
{
    struct gf_rc *rc = p->rc;
    size_t i;

    for (i = 0; i < rc->n_res; i++) {
        struct gf_rc_res *r = rc->res[i];

        if (p->slot[i] != WAITING)
            continue;
        if (dep_failed(p, r)) {
            p->slot[i] = DONE_FAILED;
            r->outcome = GF_ACTION_SKIPPED;
            p->remaining--;
            i = (size_t)-1; /* a skip may unblock nothing but may skip others: rescan */
            continue;
        }
        if (deps_done(p, r)) {
            p->slot[i] = RUNNING;
            return r;
        }
    }
    return NULL;
}

/* With rs[0] taken: the other resources of its kind that are ready now, marked RUNNING, for
 * one batched job. Returns how many rs holds. Called with the lock held. */
static size_t take_peers(struct pool *p, struct gf_rc_res **rs)
{
    const struct gf_rc_kind *k = rs[0]->kind;
    size_t i, n = 1;
    size_t max = k->read_batch_max < BATCH_CAP ? k->read_batch_max : BATCH_CAP;

    if (!p->many || !k->read_batch)
        return 1;
    for (i = 0; i < p->rc->n_res && n < max; i++) {
        struct gf_rc_res *r = p->rc->res[i];

        if (r->kind == k && p->slot[i] == WAITING && deps_done(p, r) && !dep_failed(p, r)) {
            p->slot[i] = RUNNING;
            rs[n++] = r;
        }
    }
    return n;
}

static void finish(struct pool *p, struct gf_rc_res *r, int rc_code)
{
    r->finished_ms = gf_clock_wall_ms(gf_clock_system());
    if (rc_code < 0) {
        gf_error_copy(&r->err, gf_error_last());
        r->outcome = GF_ACTION_FAILED;
        if (p->first_rc == 0) {
            p->first_rc = rc_code;
            gf_error_copy(&p->first_err, gf_error_last());
        }
    } else if (r->outcome == GF_ACTION_RUNNING) {
        r->outcome = GF_ACTION_SUCCESS;
    }
    p->slot[r->seq] = rc_code < 0 ? DONE_FAILED : DONE_OK;
    p->remaining--;
}

/* Run the job of rs[0..n) (one resource, or a batch) on worker w; codes[i] is each result. */
static void run_jobs(struct pool *p, struct gf_rc_worker *w, int init, struct gf_rc_res *const *rs,
                     int *codes, size_t n)
{
    size_t i;
    int code = init;

    w->cur = rs[0]; /* a batch's calls are recorded under its first resource */
    if (code == 0 && n == 1)
        code = codes[0] = p->fn(rs[0], w);
    else if (code == 0)
        code = p->many(rs, codes, n, w);
    for (i = 0; code < 0 && i < n; i++)
        codes[i] = code;
    w->cur = NULL;
}

static void *worker_main(void *arg)
{
    struct pool *p = arg;
    struct gf_rc *rc = p->rc;
    struct gf_rc_worker w;
    int init = gf_rc_worker_init(&w, rc);

    pthread_mutex_lock(&rc->lock);
    for (;;) {
        struct gf_rc_res *rs[BATCH_CAP] = {NULL};
        int codes[BATCH_CAP] = {0};
        size_t i, n;
        int64_t now;

        while (p->remaining > 0 && !(rs[0] = take_ready(p)))
            pthread_cond_wait(&p->cond, &rc->lock);
        if (p->remaining == 0)
            break;
        n = take_peers(p, rs);
        now = gf_clock_wall_ms(gf_clock_system());
        for (i = 0; i < n; i++)
            rs[i]->started_ms = now;
        pthread_mutex_unlock(&rc->lock);
        run_jobs(p, &w, init, rs, codes, n);
        pthread_mutex_lock(&rc->lock);
        w.cur = rs[0];
        settle_done(&w);
        w.cur = NULL;
        for (i = 0; i < n; i++)
            finish(p, rs[i], codes[i]);
        pthread_cond_broadcast(&p->cond);
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&rc->lock);
    gf_rc_worker_release(&w);
    return NULL;
}

static int pool_run(struct gf_rc *rc, gf_rc_job_fn *fn, gf_rc_batch_fn *many, gf_rc_want_fn *want,
                    bool ordered)
{
    struct pool p;
    pthread_t *threads = NULL;
    size_t i, n_threads = 0, started = 0;

    memset(&p, 0, sizeof(p));
    p.rc = rc;
    p.fn = fn;
    p.many = many;
    p.ordered = ordered;
    p.slot = gf_calloc(rc->n_res ? rc->n_res : 1, 1);
    if (!p.slot)
        return gf_error_oom();
    for (i = 0; i < rc->n_res; i++) {
        if (want(rc->res[i], rc))
            p.remaining++;
        else
            p.slot[i] = DONE_OK;
    }
    n_threads = p.remaining < (size_t)rc->opts.parallel ? p.remaining : (size_t)rc->opts.parallel;
    if (n_threads == 0) {
        gf_free(p.slot);
        return 0;
    }
    pthread_cond_init(&p.cond, NULL);
    threads = gf_calloc(n_threads, sizeof(*threads));
    for (i = 0; threads && i < n_threads; i++) {
        if (pthread_create(&threads[i], NULL, worker_main, &p) != 0)
            break;
        started++;
    }
    if (started == 0) {
        p.first_rc = gf_error_set(GF_ERROR, "cannot start reconcile workers");
        gf_error_copy(&p.first_err, gf_error_last());
    }
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_cond_destroy(&p.cond);
    gf_free(threads);
    gf_free(p.slot);
    return p.first_rc < 0 ? gf_error_restore(&p.first_err) : 0;
}

int gf_rc_pool_run(struct gf_rc *rc, gf_rc_job_fn *fn, gf_rc_want_fn *want, bool ordered)
{
    return pool_run(rc, fn, NULL, want, ordered);
}

int gf_rc_pool_run_batched(struct gf_rc *rc, gf_rc_job_fn *fn, gf_rc_batch_fn *many,
                           gf_rc_want_fn *want)
{
    return pool_run(rc, fn, many, want, true);
}
