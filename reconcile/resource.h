/* SPDX-License-Identifier: Apache-2.0 */
/* resource.h: the resource interface (DESIGN.md "The resource interface"). Every AWS resource
 * kind a stack implies is one file reconcile/k_<kind>.c exporting one const struct gf_rc_kind,
 * listed once in reconcile/kinds.c. The planner and the executor are generic over this table:
 *
 *   expand  -> the kind's instances for this stack (gf_rc_add), each with a key and an AWS name
 *   desire  -> r->desired: the attributes the stack asks for, as JSON shaped like `read` returns
 *              them; a value an upstream resource has not made yet is GF_RC_UNKNOWN
 *   read    -> r->actual and r->id from AWS (by the id the state holds, else by the name or
 *              tag); GF_ENOTFOUND when it does not exist. A resource the stack uses but did
 *              not make (a reused load balancer and its listeners, someone's bucket) is read
 *              with "_ours": false in actual: it is r->foreign, used as is, never deleted
 *   create / update / destroy -> the mutating calls; what they make is written back into the
 *              model with gf_rc_state_set (configuration as state)
 *
 * Comparison is generic (reconcile/diff.c): every member of `desired` is compared with the same
 * member of `actual`, so a kind's desire and read only have to agree on a shape. Kinds that
 * need more (a policy document equal modulo formatting) normalise in read.
 *
 * Threads: desire/read/create/update/destroy of different resources run on different worker
 * threads at once, each with its own AWS client. A kind touches only its own resource, reads
 * the model (stable while it runs: its dependencies are done) and writes it through
 * gf_rc_state_set (locked). */
#ifndef GF_RECONCILE_RESOURCE_H
#define GF_RECONCILE_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "common/buf.h"
#include "state/audit.h"
#include "state/stack.h"

/* A desired value an upstream resource will only know once it exists. */
#define GF_RC_UNKNOWN "(known after apply)"

/* The tags every resource gitfargate creates carries (where the API allows). */
#define GF_RC_TAG_STACK   "gitfargate:stack"
#define GF_RC_TAG_MANAGED "gitfargate:managed"
#define GF_RC_TAG_KEY     "gitfargate:key"

struct gf_rc;
struct gf_rc_res;

/* What a kind's functions get besides the resource: the pass and this worker's client. */
struct gf_rc_io {
    struct gf_rc *rc;
    struct gf_aws_client *aws;
};

struct gf_rc_kind {
    const char *name;        /* "log_group": plan output, audit `kind`, journal */
    /* kinds applied before this one (NULL-terminated, or NULL): a resource waits for every
     * resource of these kinds, except those of another task (models of different tasks) */
    const char *const *deps;
    int (*expand)(struct gf_rc *rc);
    int (*desire)(struct gf_rc_res *r, struct gf_rc *rc);
    int (*read)(struct gf_rc_res *r, struct gf_rc_io *io);
    /* Optional: read several resources of this kind with one call where the API allows it
     * (DescribeServices takes 10): each as `read` would, codes[i] its result (0, GF_ENOTFOUND
     * or an error). Returns < 0 only when the call itself failed. The plan's reads use it for
     * the resources of this kind that are ready together, at most read_batch_max at once. */
    int (*read_batch)(struct gf_rc_res *const *rs, int *codes, size_t n, struct gf_rc_io *io);
    size_t read_batch_max;
    int (*create)(struct gf_rc_res *r, struct gf_rc_io *io);
    int (*update)(struct gf_rc_res *r, struct gf_rc_io *io); /* NULL: changes need a replace */
    int (*destroy)(struct gf_rc_res *r, struct gf_rc_io *io);
    /* With --prune: find resources of this kind tagged for the stack (GF_RC_TAG_STACK) that the
     * stack no longer implies, and add each with gf_rc_add_orphan. NULL: none can exist (a
     * singleton the stack always has). */
    int (*orphans)(struct gf_rc *rc, struct gf_rc_io *io);
    /* The id the model holds for r (ARN, id), or NULL when it holds none. */
    const char *(*state_id)(const struct gf_rc_res *r, const struct gf_rc *rc);
    /* desired members whose change replaces the resource (NULL-terminated, or NULL). */
    const char *const *replace_fields;
    /* The API calls a create / update / delete makes ("ecs:CreateCluster"), for the plan. */
    const char *const *create_calls;
    const char *const *update_calls;
    const char *const *delete_calls;
    /* Only ever read and checked, never created or deleted (EFS, discovered resources); a
     * `destroy`, when given, removes only what the stack added to it (EFS: the NFS rules). */
    bool check_only;
    /* Holds data (a bucket, a queue): never deleted by --prune / destroy unless forced. */
    bool holds_data;
};

/* One instance in the graph. */
struct gf_rc_res {
    const struct gf_rc_kind *kind;
    char *key;  /* owned: the resource's key in the stack ("web", "queue", ""); with the kind it
                   identifies the resource in the plan, the audit log and the journal */
    char *name; /* owned: the AWS name ("/ecs/app-fargatestack/web") */
    const void *model; /* borrowed: the model part it comes from (a struct gf_task *...) */
    json_t *desired;   /* owned; NULL for a delete */
    char digest[65];   /* of `desired` as desire made it (a read may complete it): what the
                          applied-state cache remembers; "" when there is none */
    json_t *actual;    /* owned; NULL while unknown or absent */
    char *id;          /* owned: ARN or id of the actual one */
    bool exists;       /* read found it (or it was made) */
    bool orphan;       /* found by tag, gone from the stack: deleted with --prune */
    bool foreign;      /* the read found one the stack did not make ("_ours": false) */
    bool cached;       /* decided from the state without a read */
    enum gf_change change;
    json_t *diffs;   /* owned: [{"field", "want", "have"}] */
    char *reason;    /* owned: one line, "retentionInDays 14 -> 30" */
    int seq;         /* plan order, the audit action's seq */
    size_t *deps;    /* owned: indexes in the graph of the resources it waits for */
    size_t n_deps;
    /* apply */
    enum gf_action_outcome outcome;
    struct gf_error err;
    int64_t started_ms, finished_ms;
};

/* ---- for kinds ------------------------------------------------------------------------------ */

/* The stack being reconciled (borrowed). Kinds read it freely (the parts their dependencies
 * fill are stable once those are done) and write its state fields only with gf_rc_state_set. */
struct gf_stack *gf_rc_stack(const struct gf_rc *rc);
/* The stack's region and account (known once the pass starts). */
const char *gf_rc_region(const struct gf_rc *rc);
const char *gf_rc_account(const struct gf_rc *rc);

/* Add an instance of `kind` with `key`, AWS `name` and its model part. Returns the new resource
 * (owned by the graph) in *out (may be NULL). GF_ECONFLICT when (kind, key) exists. */
int gf_rc_add(struct gf_rc_res **out, struct gf_rc *rc, const struct gf_rc_kind *kind,
              const char *key, const char *name, const void *model);
/* Add a resource found by `orphans`: it exists (`id`, `actual` stolen, may be NULL) and the
 * stack no longer wants it. Skipped when the graph already has (kind, key). */
int gf_rc_add_orphan(struct gf_rc *rc, const struct gf_rc_kind *kind, const char *key,
                     const char *name, const char *id, json_t *actual);
/* Whether the stack still implies (kind, key): for `orphans` to skip what it owns. */
bool gf_rc_wanted(struct gf_rc *rc, const char *kind, const char *key);
/* Write what AWS made or said into the model (configuration as state), origin STATE, under the
 * pass's lock. value NULL clears it. */
int gf_rc_state_set(struct gf_rc *rc, struct gf_str *field, const char *value);
/* The same for a list of strings: `values` is a JSON array of strings (NULL clears it). */
int gf_rc_state_set_list(struct gf_rc *rc, struct gf_strlist *field, const json_t *values);
/* A model string, or GF_RC_UNKNOWN when it is unset (for desire). */
const char *gf_rc_or_unknown(const struct gf_str *s);
/* The stack's tags for a new resource of `r`: [{"<key_name>": k, "<value_name>": v}] with
 * gitfargate:stack, gitfargate:managed and gitfargate:key, as a new array (key_name "Key" /
 * "key", value_name "Value" / "value" per API). */
json_t *gf_rc_tags(const struct gf_rc *rc, const struct gf_rc_res *r, const char *key_name,
                   const char *value_name);
/* Report progress on stderr (and the log): "waiting for certificate (45 s)". */
void gf_rc_progress(struct gf_rc *rc, const struct gf_rc_res *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* How long waits may take (seconds), from the options. */
int gf_rc_wait_timeout_s(const struct gf_rc *rc);
/* Sleep `ms` between polls of a wait (resumes after signals). Returns 0. Waits are bounded by
 * gf_rc_wait_timeout_s; a pass is not cancelled mid-wait (SIGTERM ends the process, and the
 * journal settles what was in flight on the next run). */
int gf_rc_sleep(struct gf_rc *rc, int ms);
/* Record a warning shown with the plan ("image nginx:1 is not in ECR: used as a public image"). */
void gf_rc_warn(struct gf_rc *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The builders' context (reconcile/policy.h) for this pass: the stack, its region and account,
 * and the secret ARNs and images the preflight resolved. */
struct gf_build_ctx;
void gf_rc_build_ctx(struct gf_build_ctx *out, const struct gf_rc *rc);
/* The ECR reference of a task's image the preflight resolved, from the state: a bare
 * `repo[:tag]` with a recorded digest was found in this account's ECR, so it is
 * `<account>.dkr.ecr.<region>.amazonaws.com/repo:tag`. Appends it and returns 1; returns 0 (out
 * unchanged) for an image used as written; GF_ENOMEM. */
int gf_rc_resolved_image(struct gf_buf *out, const struct gf_rc *rc, const struct gf_task *t);

/* Whether actual holds everything desired asks for, as the plan's comparison judges it
 * (reconcile/diff.c): members AWS adds are ignored, GF_RC_UNKNOWN matches any present value. */
bool gf_rc_matches(const json_t *desired, const json_t *actual);
/* The task definition ARN a service or schedule of task t should run: the state's, unless the
 * plan gives the task definition a new revision ("(new revision)", so the plan shows the
 * service's or the target's update too). Defined in k_task_definition.c. */
const char *gf_rc_task_definition_arn(struct gf_rc *rc, const struct gf_task *t);

/* Whether JSON array `a` holds the string s. */
bool gf_rc_json_has_string(const json_t *a, const char *s);
/* The first object of array `a` whose member `member` is the string `value` (NULL if none):
 * a subnet by "subnetId", a tag by "Key". */
const json_t *gf_rc_json_find(const json_t *a, const char *member, const char *value);
/* The value of tag `key` in an AWS tag list ([{"<key_name>": k, "<value_name>": v}]), or
 * NULL; key_name / value_name "Key" / "Value" or "key" / "value" per API. */
const char *gf_rc_tag_value(const json_t *tags, const char *key_name, const char *value_name,
                            const char *key);
/* Whether such a tag list carries gitfargate:stack = this stack's app name. */
bool gf_rc_tagged_for_stack(const json_t *tags, const char *key_name, const char *value_name,
                            struct gf_rc *rc);

/* Find a resource of the graph by kind name and key (NULL if none). */
struct gf_rc_res *gf_rc_find(struct gf_rc *rc, const char *kind, const char *key);

/* The kinds, in a dependency-respecting order, NULL-terminated (reconcile/kinds.c). */
extern const struct gf_rc_kind *const gf_rc_kinds[];

/* One per file, reconcile/k_<kind>.c. */
extern const struct gf_rc_kind gf_rc_kind_cluster, gf_rc_kind_log_group,
    gf_rc_kind_security_group, gf_rc_kind_role, gf_rc_kind_role_policy;

extern const struct gf_rc_kind gf_rc_kind_task_definition, gf_rc_kind_service,
    gf_rc_kind_schedule;

extern const struct gf_rc_kind gf_rc_kind_certificate, gf_rc_kind_alb_security_group,
    gf_rc_kind_load_balancer, gf_rc_kind_sg_ingress, gf_rc_kind_target_group, gf_rc_kind_listener,
    gf_rc_kind_listener_rule, gf_rc_kind_dns_record;

extern const struct gf_rc_kind gf_rc_kind_queue, gf_rc_kind_dlq, gf_rc_kind_bucket, gf_rc_kind_efs;

#endif
