/* SPDX-License-Identifier: Apache-2.0 */
/* preflight.c: checks before any mutating call (reconcile.h gf_rc_preflight): a failed check
 * changes nothing and says exactly what to fix. The problems found while planning (resources
 * the stack only refers to and that do not exist) are reported here with the others.
 *
 * Per task whose task definition, service or schedule is about to change (read calls only,
 * sequentially on one client: a stack has a handful of tasks): its image exists when it lives
 * in ECR (its digest recorded in tasks.<t>.image_digest; a bare name not in this account's ECR
 * is used as a public image, with a warning, as FargateStack does), every secret and SSM
 * parameter exists (metadata only, never a value), and an http/https container port is the
 * port of its target group. What the plan read of resources the stack only uses: a certificate
 * covers the domain, an EFS file system has a mount target in the stack's VPC. The subnets the
 * changes start tasks or a load balancer in are usable (exist, available, in the VPC, free
 * addresses); discovery checks the lists against the VPC when it runs (discover.c). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_ec2.h"
#include "aws/svc_ecr.h"
#include "aws/svc_secretsmanager.h"
#include "aws/svc_ssm.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/k_alb.h"
#include "reconcile/policy.h"
#include "reconcile/rc_internal.h"
#include "common/banned.h"

static void problem(struct gf_rc *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct gf_rc *rc, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&rc->lock);
    json_array_append_new(rc->problems, json_string(msg));
    pthread_mutex_unlock(&rc->lock);
}

/* Whether the plan changes what runs this task (so its inputs must be checked now). */
static bool task_changes(struct gf_rc *rc, const struct gf_task *t)
{
    static const char *const s_kinds[] = {"task_definition", "service", "schedule"};
    size_t i;

    for (i = 0; i < sizeof(s_kinds) / sizeof(s_kinds[0]); i++) {
        const struct gf_rc_res *r = gf_rc_find(rc, s_kinds[i], t->key);

        if (r && !r->orphan && r->change != GF_CHANGE_NONE && r->change != GF_CHANGE_DELETE)
            return true;
    }
    return false;
}

/* ---- images ----------------------------------------------------------------------------------- */

static int check_bare_image(struct gf_rc *rc, struct gf_rc_worker *w, struct gf_task *t,
                            const struct gf_ecr_image_ref *ref)
{
    json_t *img = NULL;
    int code = gf_ecr_describe_image(&img, w->aws, NULL, ref->repository, ref->tag);

    if (code == GF_ENOTFOUND) {
        gf_rc_warn(rc, "image %s is not in this account's ECR: used as a public registry image",
                   t->image.v);
        code = gf_rc_state_set(rc, &t->image_digest, NULL);
    } else if (code == 0) {
        code = gf_rc_state_set(rc, &t->image_digest,
                               json_string_value(json_object_get(img, "imageDigest")));
    }
    json_decref(img);
    return code;
}

static int check_image(struct gf_rc *rc, struct gf_rc_worker *w, struct gf_task *t)
{
    struct gf_ecr_image_ref ref;
    char digest[80] = "";
    int code;

    if (!t->image.v)
        return 0;
    if (gf_ecr_parse_image_ref(&ref, t->image.v) < 0) {
        problem(rc, "tasks.%s.image: %s", t->key, gf_error_last()->msg);
        return 0;
    }
    if (!ref.is_ecr) {
        if (!ref.registry[0] && !ref.digest[0])
            return check_bare_image(rc, w, t, &ref);
        return gf_rc_state_set(rc, &t->image_digest, NULL);
    }
    code = gf_ecr_image_digest(digest, w->aws, &ref);
    if (code == GF_ENOTFOUND) {
        problem(rc, "tasks.%s.image: image %s is not in ECR (push it, or fix the repository or "
                "tag)", t->key, t->image.v);
        return 0;
    }
    return code < 0 ? code : gf_rc_state_set(rc, &t->image_digest, digest);
}

/* ---- secrets ---------------------------------------------------------------------------------- */

static int check_secret(struct gf_rc *rc, struct gf_rc_worker *w, const struct gf_task *t,
                        const struct gf_secret_ref *s)
{
    json_t *meta = NULL;
    int code;

    if (s->store == GF_SECRET_SSM)
        code = gf_ssm_describe_parameter(&meta, w->aws, s->value_from);
    else
        code = gf_secretsmanager_describe_secret(&meta, w->aws, s->value_from);
    if (code == GF_ENOTFOUND) {
        problem(rc, "tasks.%s.secrets: %s %s does not exist (create it, or fix the name)", t->key,
                s->store == GF_SECRET_SSM ? "SSM parameter" : "secret", s->value_from);
        code = 0;
    } else if (code == 0 && json_object_get(meta, "DeletedDate") &&
               !json_is_null(json_object_get(meta, "DeletedDate"))) { /* moto sends null */
        problem(rc, "tasks.%s.secrets: secret %s is scheduled for deletion (restore it)", t->key,
                s->value_from);
    }
    json_decref(meta);
    return code;
}

static int check_secrets(struct gf_rc *rc, struct gf_rc_worker *w, const struct gf_task *t)
{
    struct gf_build_ctx ctx;
    struct gf_secret_ref *refs = NULL;
    size_t i, n = 0;
    int code;

    gf_rc_build_ctx(&ctx, rc);
    code = gf_secret_refs(&refs, &n, &ctx, t);
    for (i = 0; code == 0 && i < n; i++)
        code = check_secret(rc, w, t, &refs[i]);
    gf_secret_refs_free(refs, n);
    return code;
}

/* ---- ports ------------------------------------------------------------------------------------ */

static void check_port(struct gf_rc *rc, const struct gf_task *t)
{
    const struct gf_rc_res *tg = gf_rc_find(rc, "target_group", t->key);
    const json_t *port = tg ? json_object_get(tg->actual, "port") : NULL; /* k_target_group.c */
    int64_t want = t->container_port.v ? t->container_port.v : 80;

    if (t->type != GF_TASK_HTTP && t->type != GF_TASK_HTTPS)
        return;
    if (json_is_integer(port) && json_integer_value(port) != want)
        problem(rc, "tasks.%s.container_port: %lld is not the port of target group %s (%lld)",
                t->key, (long long)want, tg->name, (long long)json_integer_value(port));
}

/* ---- what the plan read: the certificate, EFS ------------------------------------------------ */

/* Resources the stack only uses must fit it: the certificate covers the domain, the file system
 * has a mount target in the stack's VPC (the kinds' reads say so: k_certificate.c "_covers",
 * k_efs.c "VpcId"). */
static void check_used(struct gf_rc *rc)
{
    size_t i;

    for (i = 0; i < rc->n_res; i++) {
        const struct gf_rc_res *r = rc->res[i];
        const char *kind = r->kind->name;
        const char *want = json_string_value(json_object_get(r->desired, "VpcId"));
        const char *have = json_string_value(json_object_get(r->actual, "VpcId"));

        if (r->orphan || !r->exists || !r->actual)
            continue;
        if (strcmp(kind, "certificate") == 0 &&
            json_is_false(json_object_get(r->actual, "_covers")))
            problem(rc, "tasks.%s.certificate_arn: certificate %s does not cover %s (request "
                    "one for the domain, or remove certificate_arn to let gitfargate request "
                    "it)", r->key, r->id ? r->id : "?", r->name);
        if (strcmp(kind, "efs") == 0 && want && have && strcmp(want, GF_RC_UNKNOWN) != 0 &&
            strcmp(want, have) != 0)
            problem(rc, "tasks.%s.efs.id: file system %s has no mount target in the stack's VPC "
                    "%s (create mount targets in its subnets, or fix efs.id)", r->key, r->name,
                    want);
    }
}

/* ---- subnets ---------------------------------------------------------------------------------- */

#define LB_FREE_MIN 8 /* free addresses an ALB needs in each of its subnets (ELB's rule) */

/* Whether r's change places tasks anew: a service or schedule made (or replaced), or a service
 * whose count or network changes. An image bump only rolls tasks where they run, and makes no
 * call here. */
static bool places(const struct gf_rc_res *r)
{
    size_t i;
    const json_t *d;

    if (!r || r->orphan)
        return false;
    if (r->change == GF_CHANGE_CREATE || r->change == GF_CHANGE_REPLACE)
        return true;
    if (r->change != GF_CHANGE_UPDATE && r->change != GF_CHANGE_DRIFT)
        return false;
    json_array_foreach(r->diffs, i, d) {
        const char *f = json_string_value(json_object_get(d, "field"));

        if (f && (strncmp(f, "desiredCount", 12) == 0 ||
                  strncmp(f, "networkConfiguration", 20) == 0))
            return true;
    }
    return false;
}

/* Append the strings of `from` that `to` does not hold yet. */
static void add_ids(json_t *to, const json_t *from)
{
    size_t i;
    const json_t *v;

    json_array_foreach(from, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), GF_RC_UNKNOWN) != 0 &&
            !gf_rc_json_has_string(to, json_string_value(v)))
            json_array_append(to, (json_t *)v);
    }
}

/* The subnets a service (networkConfiguration...subnets) or a schedule's target
 * (Targets[0].EcsParameters.NetworkConfiguration...Subnets) places its tasks in, per their
 * desired documents; NULL for other kinds. */
static const json_t *placed_in(const struct gf_rc_res *r)
{
    const json_t *target = json_array_get(json_object_get(r->desired, "Targets"), 0);

    if (strcmp(r->kind->name, "service") == 0)
        return json_object_get(json_object_get(json_object_get(r->desired,
                                                               "networkConfiguration"),
                                               "awsvpcConfiguration"),
                               "subnets");
    if (strcmp(r->kind->name, "schedule") == 0)
        return json_object_get(
            json_object_get(json_object_get(json_object_get(target, "EcsParameters"),
                                            "NetworkConfiguration"),
                            "awsvpcConfiguration"),
            "Subnets");
    return NULL;
}

static json_int_t free_in(const json_t *subnets, const json_t *ids)
{
    json_int_t n = 0;
    size_t i;
    const json_t *v;

    json_array_foreach(ids, i, v) {
        const json_t *s = gf_rc_json_find(subnets, "subnetId", json_string_value(v));

        n += json_integer_value(json_object_get(s, "availableIpAddressCount"));
    }
    return n;
}

/* Each subnet is there, available and in the stack's VPC. */
static void check_found(struct gf_rc *rc, const json_t *ids, const json_t *subnets)
{
    const char *vpc = rc->stack->vpc_id.v;
    size_t i;
    const json_t *v;

    json_array_foreach(ids, i, v) {
        const char *id = json_string_value(v);
        const json_t *s = gf_rc_json_find(subnets, "subnetId", id);
        const char *state = json_string_value(json_object_get(s, "state"));
        const char *in = json_string_value(json_object_get(s, "vpcId"));

        if (!s)
            problem(rc, "subnets: subnet %s does not exist (fix the stack's subnet lists, or "
                    "remove them to let gitfargate find the VPC's subnets)", id);
        else if (state && strcmp(state, "available") != 0)
            problem(rc, "subnets: subnet %s is %s, not available", id, state);
        else if (vpc && in && strcmp(vpc, in) != 0)
            problem(rc, "subnets: subnet %s is in %s, not in the stack's VPC %s", id, in, vpc);
    }
}

/* Services about to start tasks find free addresses in their subnets; a new load balancer finds
 * LB_FREE_MIN in each of its own. */
static void check_room(struct gf_rc *rc, const json_t *subnets, const json_t *lb_ids)
{
    size_t i;
    const json_t *v;

    for (i = 0; i < rc->n_res; i++) {
        const struct gf_rc_res *r = rc->res[i];
        json_int_t want, have;

        if (strcmp(r->kind->name, "service") != 0 || !places(r))
            continue;
        if (!json_is_array(placed_in(r)) || gf_rc_json_has_string(placed_in(r), GF_RC_UNKNOWN))
            continue; /* not known yet: nothing to count */
        want = json_integer_value(json_object_get(r->desired, "desiredCount"));
        have = free_in(subnets, placed_in(r));
        if (want > have)
            problem(rc, "tasks.%s.desired_count: %lld tasks need as many free addresses; its "
                    "subnets have %lld (free some, or use larger subnets)", r->key,
                    (long long)want, (long long)have);
    }
    json_array_foreach(lb_ids, i, v) {
        const json_t *s = gf_rc_json_find(subnets, "subnetId", json_string_value(v));
        json_int_t have = json_integer_value(json_object_get(s, "availableIpAddressCount"));

        if (s && have < LB_FREE_MIN)
            problem(rc, "subnets: subnet %s has %lld free addresses; a load balancer needs %d in "
                    "each of its subnets", json_string_value(v), (long long)have, LB_FREE_MIN);
    }
}

/* The subnets the changes place tasks and a new load balancer in are usable: they exist, are
 * available, are in the stack's VPC and have free addresses (one DescribeSubnets). Discovery
 * checks them only when it runs; the state usually holds them. */
static int check_subnets(struct gf_rc *rc, struct gf_rc_worker *w)
{
    json_t *ids = json_array(), *lb_ids = NULL, *subnets = NULL;
    const struct gf_rc_res *lb = gf_rc_find(rc, "load_balancer", "");
    size_t i;
    int code = ids ? 0 : gf_error_oom();

    for (i = 0; code == 0 && i < rc->n_res; i++)
        if (places(rc->res[i]))
            add_ids(ids, placed_in(rc->res[i]));
    if (code == 0 && lb && lb->change == GF_CHANGE_CREATE && !lb->foreign) {
        lb_ids = gf_rc_alb_subnets(rc->stack);
        code = lb_ids ? 0 : gf_error_oom();
        if (code == 0)
            add_ids(ids, lb_ids);
    }
    if (code == 0 && json_array_size(ids) > 0) {
        code = gf_ec2_describe_subnets(&subnets, w->aws, ids, NULL);
        if (code == GF_ENOTFOUND) { /* InvalidSubnetID.NotFound: AWS names one of them */
            problem(rc, "subnets: %s (fix the stack's subnet lists, or remove them to let "
                    "gitfargate find the VPC's subnets)", gf_error_last()->msg);
            gf_error_clear();
            code = 0;
        } else if (code == 0) {
            check_found(rc, ids, subnets);
            check_room(rc, subnets, lb_ids);
        }
    }
    json_decref(subnets);
    json_decref(lb_ids);
    json_decref(ids);
    return code;
}

/* ---- the checks ------------------------------------------------------------------------------- */

static int check_tasks(struct gf_rc *rc)
{
    struct gf_rc_worker w;
    size_t i;
    int code = 0;
    bool started = false;

    for (i = 0; code == 0 && i < rc->stack->n_tasks; i++) {
        struct gf_task *t = &rc->stack->tasks[i];

        if (!task_changes(rc, t))
            continue;
        if (!started) {
            code = gf_rc_worker_init(&w, rc);
            if (code < 0)
                return code;
            started = true;
        }
        code = check_image(rc, &w, t);
        if (code == 0)
            code = check_secrets(rc, &w, t);
        check_port(rc, t);
    }
    if (code == 0 && !started) {
        code = gf_rc_worker_init(&w, rc);
        started = code == 0;
    }
    if (code == 0)
        code = check_subnets(rc, &w);
    if (started)
        gf_rc_worker_release(&w);
    return code;
}

int gf_rc_preflight(struct gf_rc *rc)
{
    struct gf_buf msg = GF_BUF_INIT;
    size_t i, n;
    int code = 0;

    if (!rc->opts.offline && !rc->opts.destroy) {
        check_used(rc);
        code = check_tasks(rc);
    }
    if (code == 0)
        code = gf_rc_resolve_images(rc); /* the digests just recorded: ECR pulls in the policy */
    if (code < 0)
        return code;
    n = json_array_size(rc->problems);
    if (n == 0)
        return 0;
    gf_buf_printf(&msg, "preflight failed: %zu problem%s:", n, n == 1 ? "" : "s");
    for (i = 0; i < n; i++)
        gf_buf_printf(&msg, "%s %s", i ? ";" : "", json_string_value(json_array_get(rc->problems, i)));
    code = gf_error_set(GF_EINVALID, "%s", gf_buf_failed(&msg) ? "preflight failed" : msg.ptr);
    gf_error_hint("nothing was changed; fix the stack file or create what it refers to, then "
                  "run again");
    gf_buf_release(&msg);
    return code;
}
