/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile.h: one reconcile pass over one stack (DESIGN.md "One pass, as data"): discover what
 * the state does not hold, plan desired vs actual into a graph of actions, check the preflight,
 * apply the graph with independent actions in flight together, and leave everything found or
 * made in the model (configuration as state) for the caller to write back.
 *
 *     gf_rc_new -> gf_rc_plan -> gf_rc_format (show it) -> gf_rc_apply -> gf_stack_emit
 *
 * Every AWS call is recorded in the audit store under opts->run_id (with the action it served),
 * every mutating call's intent is journaled before it is sent, and a pass that starts after a
 * crash resolves earlier unfinished intents before planning (reconcile/apply.c).
 *
 * Ownership: the pass borrows the stack (and changes its state fields), the store and the
 * options' strings for its life. Threads: the pass is driven from one thread; it runs worker
 * threads of its own during plan reads and apply. */
#ifndef GF_RECONCILE_H
#define GF_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/env.h"
#include "state/stack.h"
#include "state/store.h"

struct gf_rc;

#define GF_RC_DEFAULT_PARALLEL     8
#define GF_RC_DEFAULT_WAIT_TIMEOUT 900 /* seconds: certificate issue, service steady */

struct gf_rc_opts {
    /* AWS (aws/client.h): NULL for the usual resolution */
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const struct gf_env *env;
    /* what to do */
    bool offline;  /* plan from the file alone: no AWS call at all */
    bool no_cache; /* read every resource from AWS, even those the state and cache vouch for */
    bool prune;    /* delete resources tagged for the stack but gone from the file */
    bool force;    /* with prune/destroy: also buckets and queues holding data */
    bool destroy;  /* plan the removal of every resource of the stack */
    bool no_wait;  /* do not wait for certificates and services to settle */
    int parallel;  /* calls in flight together; 0: GF_RC_DEFAULT_PARALLEL */
    int wait_timeout_s; /* 0: GF_RC_DEFAULT_WAIT_TIMEOUT */
    /* where it is recorded */
    struct gf_store *store; /* audit, journal, applied-state cache; required */
    const char *run_id;     /* the audit run this pass belongs to (gf_audit_run_start); required */
    bool quiet;             /* no progress lines on stderr */
};

#define GF_RC_OPTS_INIT {0}

/* Start a pass over `stack` (parsed, validated, defaulted). Creates no AWS client yet. 0,
 * GF_EINVALID (missing store or run id), GF_ENOMEM. */
int gf_rc_new(struct gf_rc **out, struct gf_stack *stack, const struct gf_rc_opts *opts);
void gf_rc_free(struct gf_rc *rc);

/* Resolve the journal's unfinished intents, discover, expand every kind, derive the desired
 * state, read the actual one (in parallel; skipped for resources the state and the applied-state
 * cache vouch for, and for everything when offline), diff, and record the planned actions in
 * the audit log. Returns 0 or the first error (AWS errors carry service/op in `where`). Blocks. */
int gf_rc_plan(struct gf_rc *rc);

/* The preflight checks on a plan (images, ports, secrets, subnets, certificate, EFS): GF_EINVALID
 * with every problem listed in the error (and gf_rc_problems) when one fails. Makes only read
 * calls. Blocks. */
int gf_rc_preflight(struct gf_rc *rc);

/* Apply the plan: workers run ready actions (dependencies done) together, each mutating call
 * journaled; a failed action skips its dependants and the others continue. Returns 0, or the
 * first failure's code with its error. The model holds whatever was found or made either way.
 * Blocks (progress on stderr unless quiet). */
int gf_rc_apply(struct gf_rc *rc);

/* Counts of the plan: actions that change something (create, update, replace, delete, drift). */
size_t gf_rc_changes(const struct gf_rc *rc);
/* The API calls made so far by this pass: all, and the mutating ones. */
void gf_rc_call_counts(const struct gf_rc *rc, size_t *all_out, size_t *mutating_out);

enum gf_rc_format { GF_RC_FORMAT_TEXT = 0, GF_RC_FORMAT_JSON, GF_RC_FORMAT_MARKDOWN };

/* Append the plan (and, after apply, each action's outcome) in `fmt`: text is "+ ~ -/+ -" lines
 * with field diffs and the calls each action makes; JSON is one object; markdown is a PR
 * comment. Warnings and preflight problems are included. 0 or GF_ENOMEM. */
int gf_rc_format(struct gf_buf *out, const struct gf_rc *rc, enum gf_rc_format fmt);
/* Append only the warnings, as text ("Warnings:" and a line each; nothing when there are none),
 * for a run that shows no plan. 0 or GF_ENOMEM. */
int gf_rc_format_warnings(struct gf_buf *out, const struct gf_rc *rc);

/* Whether an operation changes something ("CreateRole": yes; "DescribeVpcs": no): what the
 * apply journals and counts as mutating. */
bool gf_rc_op_mutates(const char *operation);

#endif
