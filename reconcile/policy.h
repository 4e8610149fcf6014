/* SPDX-License-Identifier: Apache-2.0 */
/* policy.h: the IAM documents a stack implies (reference/fargatestack-behaviour.md §6.6, §8):
 * the three trust policies and the least-privilege inline policies of the execution role, the
 * task role and the EventBridge role, generated from what the stack uses; and a canonical
 * comparison so the planner can tell "policy changed" without false positives (IAM hands
 * documents back URL-encoded, reorders nothing but may collapse one-element lists).
 *
 * Also the inputs shared with reconcile/taskdef.h: struct gf_build_ctx (the stack plus what the
 * pass resolved: region, account, secret ARNs, image references) and the resolution of a task's
 * secrets and image, so the task definition and the policies always name the same ARNs.
 *
 * Pure functions: no I/O, no AWS call, no clock. Ownership, once for the whole API: json_t
 * outputs (`**out`) are new references the caller json_decref()s; gf_buf outputs are appended
 * to caller-owned buffers; the context and everything it points at are borrowed for the call. */
#ifndef GF_RECONCILE_POLICY_H
#define GF_RECONCILE_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "state/stack.h"

#define GF_POLICY_VERSION "2012-10-17"

/* A name -> value pair the pass resolved (both borrowed). */
struct gf_build_pair {
    const char *name;
    const char *value;
};

/* What the builders need besides the stack. */
struct gf_build_ctx {
    const struct gf_stack *stack; /* parsed, validated and defaulted (gf_stack_defaults) */
    const char *partition;        /* "aws" (NULL), "aws-cn", "aws-us-gov" */
    const char *region;           /* NULL: stack->region */
    const char *account;          /* NULL: stack->account; required one way or the other */
    /* Secrets Manager secrets named by name in tasks.<t>.secrets, as the preflight resolved them
     * (name -> full ARN with its random suffix). A name missing here is granted as
     * `secret:<name>-??????` (AWS's pattern for the 6-character suffix) and referenced in the
     * task definition by its partial ARN `secret:<name>`. */
    const struct gf_build_pair *secret_arns;
    size_t n_secret_arns;
    /* Resolved images (task key -> image reference), FargateStack §7.3: the preflight maps a
     * bare `repo[:tag]` found in this account's ECR to `<account>.dkr.ecr.<region>.amazonaws.com/
     * repo:tag`. A task missing here uses its image as written. */
    const struct gf_build_pair *images;
    size_t n_images;
};

/* ---- secrets and images (shared with taskdef.c) ------------------------------------------ */

enum gf_secret_store { GF_SECRET_SECRETSMANAGER = 0, GF_SECRET_SSM };

/* One entry of tasks.<t>.secrets, resolved. */
struct gf_secret_ref {
    char *env;       /* owned: the variable name, upper-cased (FargateStack §7.4) */
    char *value_from; /* owned: the ARN the task definition names */
    char *grant;      /* owned: the resource the policy grants (value_from, or the suffix pattern) */
    enum gf_secret_store store;
};

/* Resolve every secret of `task` (list and map forms, in file order) into a new array *out of
 * *n_out entries (free with gf_secret_refs_free). Entry forms as state/validate.c accepts them:
 * `<name>[:ENV]`, `arn:...:secretsmanager:...:secret:<name>[:ENV]`,
 * `arn:...:ssm:...:parameter/<name>[:ENV]`, `ssm:<name>[:ENV]`. Returns 0, GF_EINVALID (an entry
 * that does not parse; key tasks.<t>.secrets[i]), GF_ENOMEM. */
int gf_secret_refs(struct gf_secret_ref **out, size_t *n_out, const struct gf_build_ctx *ctx,
                   const struct gf_task *task);
void gf_secret_refs_free(struct gf_secret_ref *refs, size_t n);

/* The image the task definition names for `task`: the resolved reference (ctx->images) or the
 * image as written; with the recorded digest (tasks.<t>.image_digest, "sha256:...") the tag is
 * replaced by `@<digest>`, pinning exactly what the preflight saw. Appends to out; 0 or
 * GF_ENOMEM. */
int gf_build_image(struct gf_buf *out, const struct gf_build_ctx *ctx, const struct gf_task *task);

/* The ECR repository ARN of an image reference `<acct>.dkr.ecr.<region>.amazonaws.com/<repo>
 * [:tag|@digest]` (arn:<partition>:ecr:<region>:<acct>:repository/<repo>), appended to out.
 * Returns 1 when the image is in ECR, 0 when it is not (out unchanged), GF_ENOMEM. */
int gf_build_ecr_repository_arn(struct gf_buf *out, const struct gf_build_ctx *ctx,
                                const char *image);

/* ---- documents ------------------------------------------------------------------------- */

enum gf_policy_role {
    GF_POLICY_EXECUTION = 0, /* Fargate<App>Role: ECS pulls images, writes logs, reads secrets */
    GF_POLICY_TASK,          /* Fargate<App>TaskRole: what the application itself may do */
    GF_POLICY_EVENTS,        /* Events<App>Role: EventBridge runs the scheduled tasks */
};

/* The trust policy of `role` (§8.1): one statement allowing sts:AssumeRole to
 * ecs-tasks.amazonaws.com (execution and task roles) or events.amazonaws.com (events role). */
int gf_policy_trust(json_t **out, enum gf_policy_role role);

/* The inline policy of `role`, statements in a fixed order, each with a fixed Sid, Action and
 * Resource lists sorted and without duplicates. *out is NULL (and 0 returned) when the role
 * needs no policy: a task role for a stack with no bucket, queue or secret; an events role for a
 * stack without scheduled tasks. Statements (FargateStack §8, [defect]s fixed as noted in
 * policy.c):
 *   execution: EcrAuth (ecr:GetAuthorizationToken on *), EcrPull (on the ECR repositories the
 *              tasks' images use), Logs (the stack's log group and its streams), Secrets
 *              (secretsmanager:GetSecretValue), SsmParameters (ssm:GetParameters), EfsReadWrite /
 *              EfsRead (elasticfilesystem:ClientMount [+ ClientWrite] on each file system)
 *   task:      S3Objects, S3List, SQSAllowQueuePolicy, SQSAllowDlqPolicy, Secrets, SsmParameters
 *   events:    RunTask (ecs:RunTask on every scheduled family, any revision, in the stack's
 *              cluster), PassRole (the execution and task roles), TagLaunchedTasks
 * Returns 0, GF_EINVALID (no account or region; an unknown queue permissions profile; a secret
 * entry that does not parse), GF_ENOMEM. */
int gf_policy_document(json_t **out, const struct gf_build_ctx *ctx, enum gf_policy_role role);

/* ---- comparison -------------------------------------------------------------------------- */

/* Parse a policy document as IAM returns it: JSON text, or URL-encoded JSON text (GetRolePolicy,
 * GetRole's AssumeRolePolicyDocument). Returns 0 with *out set, GF_EINVALID when it is neither
 * (message says why), GF_ENOMEM. */
int gf_policy_parse(json_t **out, const char *text);

/* The canonical form of a document (a new value): objects compared by key whatever their order;
 * a single string and a one-element array are the same (Action, NotAction, Resource,
 * NotResource, Principal and Condition values become sorted, de-duplicated arrays); statements
 * sorted by their canonical text. A string argument is parsed first (gf_policy_parse). Returns
 * 0, GF_EINVALID (not an object with a Statement), GF_ENOMEM. */
int gf_policy_canonical(json_t **out, const json_t *doc);

/* Whether two documents (objects, or strings as IAM returns them) grant the same: their
 * canonical forms are equal. Returns 0 with *equal_out set, or the error of gf_policy_canonical. */
int gf_policy_equal(bool *equal_out, const json_t *a, const json_t *b);

#endif
