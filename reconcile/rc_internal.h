/* SPDX-License-Identifier: Apache-2.0 */
/* rc_internal.h: the pass object shared by reconcile/'s own files (rc.c, plan.c, apply.c,
 * pool.c, format.c, discover.c, preflight.c). Kinds use resource.h only. */
#ifndef GF_RECONCILE_INTERNAL_H
#define GF_RECONCILE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "reconcile/policy.h"
#include "reconcile/reconcile.h"
#include "reconcile/resource.h"

struct gf_rc {
    struct gf_stack *stack;
    struct gf_rc_opts opts;
    pthread_mutex_t lock; /* the model's state fields, the store, the counters, warnings */
    struct gf_rc_res **res;
    size_t n_res, cap_res;
    char region[64];
    char account[32];
    json_t *warnings; /* [string] */
    json_t *problems; /* [string]: preflight */
    size_t calls, mutating;
    /* what the preflight resolved, for the builders (reconcile/policy.h struct gf_build_ctx):
     * secret name -> ARN, task key -> image reference; strings owned by the pass */
    struct gf_build_pair *secret_arns;
    size_t n_secret_arns;
    struct gf_build_pair *images;
    size_t n_images;
    bool planned, applied;
};

#define GF_RC_DONE_MAX 16

/* A worker of the pool: its own AWS client, the resource it serves (for the audit and the
 * journal). */
struct gf_rc_worker {
    struct gf_rc *rc;
    struct gf_aws_client *aws;
    struct gf_rc_res *cur;
    int64_t intent_id; /* the journal intent of the call in flight, 0 when none */
    /* the job's calls that succeeded, recorded done when it ends (pool.c settle_done) */
    int64_t done[GF_RC_DONE_MAX];
    size_t n_done;
};

/* Rebuild the images the builders see (opts: rc->images) from the state: called once the
 * discovery ran and again after the preflight recorded digests, never while workers run. */
int gf_rc_resolve_images(struct gf_rc *rc);

/* A client for a worker: the pass's AWS options, the stack's region, the audit observer. */
int gf_rc_worker_init(struct gf_rc_worker *w, struct gf_rc *rc);
void gf_rc_worker_release(struct gf_rc_worker *w);

/* Run fn over the resources for which want(r) holds, on up to opts.parallel workers; with
 * `ordered`, a resource starts only when every resource in r->deps has finished, and is skipped
 * (outcome SKIPPED) when one of them failed. r->outcome / r->err record each result. Returns 0
 * when every call returned 0, else the first failure's code. */
typedef int gf_rc_job_fn(struct gf_rc_res *r, struct gf_rc_worker *w);
typedef bool gf_rc_want_fn(const struct gf_rc_res *r, const struct gf_rc *rc);
int gf_rc_pool_run(struct gf_rc *rc, gf_rc_job_fn *fn, gf_rc_want_fn *want, bool ordered);
/* The same, for reads: resources of a kind with read_batch that are ready at the same moment
 * are taken together (up to the kind's read_batch_max) and given to `many` in one job; codes[i]
 * is each one's result, as fn's would be. */
typedef int gf_rc_batch_fn(struct gf_rc_res *const *rs, int *codes, size_t n,
                           struct gf_rc_worker *w);
int gf_rc_pool_run_batched(struct gf_rc *rc, gf_rc_job_fn *fn, gf_rc_batch_fn *many,
                           gf_rc_want_fn *want);


/* The applied-state cache (the store's kv "rc/<stack>/<kind>/<key>"): the digest of the desired
 * document AWS last matched, and, for kinds whose id the model has no field for (listeners,
 * rules, ingress rules, records), the id the apply found or made: "<digest>[ <id>]".
 * gf_rc_cache_get: 1 with digest_out (65 bytes) and *id_out (owned, NULL when none) filled, 0
 * when there is no entry, or an error. Locks the pass. */
int gf_rc_cache_get(struct gf_rc *rc, const struct gf_rc_res *r, char *digest_out, char **id_out);
/* Run r's kind's desire into a fresh r->desired and r->digest. */
int gf_rc_desire(struct gf_rc *rc, struct gf_rc_res *r);
/* Record that AWS now matches r->desired as desired (r->digest) (r->id too when the model cannot hold it); a delete
 * forgets r. Locks the pass. */
int gf_rc_cache_put(struct gf_rc *rc, const struct gf_rc_res *r);
/* The digest of a desired document (sha256 hex of its canonical JSON) into out (65 bytes). */
int gf_rc_digest(char out[65], const json_t *doc);

/* Generic comparison: every member of desired against actual (reconcile/diff.c). Sets r->diffs
 * and r->reason (the first few differences). */
int gf_rc_diff(struct gf_rc_res *r);


/* Discovery before expansion (reconcile/discover.c): account, VPC, subnets... into the model. */
int gf_rc_discover(struct gf_rc *rc, struct gf_rc_worker *w);

#endif
