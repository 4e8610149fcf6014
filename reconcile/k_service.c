/* SPDX-License-Identifier: Apache-2.0 */
/* k_service.c: the ECS service of each daemon/http/https task (fargatestack-behaviour.md §10.2;
 * gitfargate creates and updates it in apply, so merging deploys): desired count, the first two
 * private subnets, the task security group, the target group for http/https, the deployment
 * circuit breaker with rollback. After a create or update it waits for the deployment to finish
 * and fails with ECS's own reason when the breaker rolls it back. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_ecs.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define MAX_SUBNETS    2
#define IAM_RETRY_S    60
#define POLL_FIRST_MS  500
#define POLL_MAX_MS    5000
#define PROGRESS_EVERY 10000

static bool is_service_task(const struct gf_task *t)
{
    return t->type == GF_TASK_DAEMON || t->type == GF_TASK_HTTP || t->type == GF_TASK_HTTPS;
}

static int svc_expand(struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < s->n_tasks; i++) {
        const struct gf_task *t = &s->tasks[i];

        if (is_service_task(t))
            code = gf_rc_add(NULL, rc, &gf_rc_kind_service, t->key, t->key, t);
        if (t->autoscaling.present) /* Application Auto Scaling is not one of our services yet */
            gf_rc_warn(rc, "tasks.%s.autoscaling (line %u) is not applied yet: the service keeps "
                       "its desired_count", t->key, (unsigned)t->autoscaling.pos.line);
    }
    return code;
}

/* ---- comparison helpers ------------------------------------------------------------------- */


static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first two subnets in sorted order, as a new array (public ones when the VPC has no
 * private ones); NULL when none are known. */
static json_t *subnets(const struct gf_stack *s, bool *public_out)
{
    const struct gf_strlist *l = s->subnets_private.n ? &s->subnets_private : &s->subnets_public;
    const char **v;
    json_t *a;
    size_t i;

    *public_out = s->subnets_private.n == 0;
    if (!l->n)
        return NULL;
    v = gf_calloc(l->n, sizeof(*v));
    a = json_array();
    if (!v || !a) {
        gf_free(v);
        json_decref(a);
        return NULL;
    }
    for (i = 0; i < l->n; i++)
        v[i] = l->v[i];
    qsort(v, l->n, sizeof(*v), cmp_str);
    for (i = 0; i < l->n && i < MAX_SUBNETS; i++)
        json_array_append_new(a, json_string(v[i]));
    gf_free(v);
    return a;
}

/* Sort a JSON array of strings in place (AWS may hand lists back in any order). */
static void sort_strings(json_t *a)
{
    size_t i, j, n = json_array_size(a);

    for (i = 1; i < n; i++) {
        for (j = i; j > 0; j--) {
            const char *x = json_string_value(json_array_get(a, j - 1));
            const char *y = json_string_value(json_array_get(a, j));

            if (!x || !y || strcmp(x, y) <= 0)
                break;
            json_t *tmp = json_incref(json_array_get(a, j - 1));
            json_array_set(a, j - 1, json_array_get(a, j));
            json_array_set_new(a, j, tmp);
        }
    }
}

/* ---- desired ------------------------------------------------------------------------------ */

static json_t *network(const struct gf_stack *s)
{
    bool pub = false;
    json_t *sn = subnets(s, &pub);

    return json_pack("{s:{s:o, s:[s], s:s}}", "awsvpcConfiguration", "subnets",
                     sn ? sn : json_string(GF_RC_UNKNOWN), "securityGroups",
                     gf_rc_or_unknown(&s->sg_fargate.group_id), "assignPublicIp",
                     pub ? "ENABLED" : "DISABLED");
}

static int svc_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_task *t = r->model;
    const struct gf_stack *s = gf_rc_stack(rc);
    int64_t count = t->desired_count.origin != GF_ORIGIN_UNSET ? t->desired_count.v : 1;
    json_t *d = json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:{s:{s:b, s:b}}}", "serviceName",
                          r->name, "status", "ACTIVE", "taskDefinition", gf_rc_task_definition_arn(rc, t),
                          "desiredCount", (json_int_t)count, "launchType", "FARGATE",
                          "networkConfiguration", network(s), "deploymentConfiguration",
                          "deploymentCircuitBreaker", "enable", 1, "rollback", 1);

    if (d && t->type != GF_TASK_DAEMON)
        json_object_set_new(d, "loadBalancers",
                            json_pack("[{s:s, s:s, s:I}]", "targetGroupArn",
                                      gf_rc_or_unknown(&t->target_group_arn), "containerName",
                                      t->name.v ? t->name.v : t->key, "containerPort",
                                      (json_int_t)(t->container_port.v ? t->container_port.v
                                                                       : 80)));
    r->desired = d;
    return d ? 0 : gf_error_oom();
}

static const char *svc_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)rc;
    return r->model ? ((const struct gf_task *)r->model)->service_arn.v : NULL;
}

/* ---- read --------------------------------------------------------------------------------- */

static const char *cluster(const struct gf_rc *rc)
{
    return gf_rc_stack(rc)->cluster_name.v;
}

static int svc_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *svc)
{
    json_t *vpc = json_object_get(json_object_get(svc, "networkConfiguration"),
                                  "awsvpcConfiguration");
    const char *arn = json_string_value(json_object_get(svc, "serviceArn"));

    sort_strings(json_object_get(vpc, "subnets"));
    sort_strings(json_object_get(vpc, "securityGroups"));
    json_decref(r->actual);
    r->actual = svc;
    r->exists = true;
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (!r->model)
        return 0;
    return gf_rc_state_set(rc, &((struct gf_task *)r->model)->service_arn, arn);
}

/* The service named `name` among DescribeServices' answers, NULL when absent or INACTIVE. */
static json_t *svc_named(const json_t *found, const char *name)
{
    const json_t *svc = gf_rc_json_find(found, "serviceName", name);
    const char *status = json_string_value(json_object_get(svc, "status"));

    return status && strcmp(status, "INACTIVE") == 0 ? NULL : (json_t *)svc;
}

/* Up to 10 services with one DescribeServices (all of a stack's are in its cluster). */
static int svc_read_batch(struct gf_rc_res *const *rs, int *codes, size_t n, struct gf_rc_io *io)
{
    json_t *names = json_array(), *found = NULL;
    size_t i;
    int code = names ? 0 : gf_error_oom();

    for (i = 0; code == 0 && i < n; i++)
        if (json_array_append_new(names, json_string(rs[i]->name)) < 0)
            code = gf_error_oom();
    if (code == 0)
        code = gf_ecs_describe_services(&found, io->aws, cluster(io->rc), names);
    if (code == GF_ENOTFOUND) /* no cluster: none of its services exists */
        code = 0;
    for (i = 0; code == 0 && i < n; i++) {
        struct gf_rc_res *r = rs[i];
        json_t *svc = svc_named(found, r->name);

        if (!svc) {
            codes[i] = gf_error_set(GF_ENOTFOUND, "service '%s' not found", r->name);
            continue;
        }
        codes[i] = svc_adopt(r, io->rc, json_incref(svc));
        /* the task definition has been read by now: a revision it will not make is not
         * awaited */
        if (codes[i] == 0 && r->desired && r->model)
            json_object_set_new(r->desired, "taskDefinition",
                                json_string(gf_rc_task_definition_arn(io->rc, r->model)));
    }
    json_decref(found);
    json_decref(names);
    return code;
}

static int svc_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = 0;
    int rc = svc_read_batch(&r, &code, 1, io);

    return rc < 0 ? rc : code;
}

/* ---- waiting for the deployment ----------------------------------------------------------- */

/* The deployment running `td` (NULL when gone). */
static const json_t *deployment_of(const json_t *svc, const char *td)
{
    size_t i;
    const json_t *d;

    json_array_foreach(json_object_get(svc, "deployments"), i, d) {
        const char *x = json_string_value(json_object_get(d, "taskDefinition"));

        if (x && td && strcmp(x, td) == 0)
            return d;
    }
    return NULL;
}

static bool is_primary(const json_t *d)
{
    const char *status = json_string_value(json_object_get(d, "status"));

    return status && strcmp(status, "PRIMARY") == 0;
}

/* 1 steady, 0 in progress, -1 failed or rolled back. */
static int rollout(const json_t *svc, const char *td)
{
    const json_t *d = deployment_of(svc, td);
    const char *state = json_string_value(json_object_get(d, "rolloutState"));
    json_int_t running = json_integer_value(json_object_get(svc, "runningCount"));
    json_int_t desired = json_integer_value(json_object_get(svc, "desiredCount"));

    if (!d || !is_primary(d) || (state && strcmp(state, "FAILED") == 0))
        return -1;
    if ((!state || strcmp(state, "COMPLETED") == 0) && running == desired &&
        json_array_size(json_object_get(svc, "deployments")) == 1)
        return 1;
    return 0;
}

/* The newest stopped task's reason (CannotPullContainerError...), appended to out. */
static void stopped_reason(struct gf_buf *out, struct gf_rc_io *io, const char *name)
{
    struct gf_ecs_task_filter f = GF_ECS_TASK_FILTER_INIT;
    json_t *arns = NULL, *tasks = NULL;
    size_t i;
    const json_t *t;

    f.service_name = name;
    f.desired_status = "STOPPED";
    if (gf_ecs_list_tasks(&arns, io->aws, cluster(io->rc), &f) == 0 && json_array_size(arns) &&
        gf_ecs_describe_tasks(&tasks, io->aws, cluster(io->rc), arns) == 0) {
        json_array_foreach(tasks, i, t) {
            const char *why = json_string_value(json_object_get(t, "stoppedReason"));

            if (why) {
                gf_buf_printf(out, "; task stopped: %s", why);
                break;
            }
        }
    }
    json_decref(arns);
    json_decref(tasks);
}

/* The first deployment in `rolloutState` FAILED (ECS's breaker reason), or NULL. */
static const json_t *failed_deployment(const json_t *svc)
{
    size_t i;
    const json_t *d;

    json_array_foreach(json_object_get(svc, "deployments"), i, d) {
        const char *st = json_string_value(json_object_get(d, "rolloutState"));

        if (st && strcmp(st, "FAILED") == 0)
            return d;
    }
    return NULL;
}

/* The newest service event saying it rolled back (or failed), appended to out. */
static void rollback_event(struct gf_buf *out, const json_t *svc)
{
    size_t i;
    const json_t *e;

    json_array_foreach(json_object_get(svc, "events"), i, e) {
        const char *m = json_string_value(json_object_get(e, "message"));

        if (m && (strstr(m, "rolling back") || strstr(m, "failed"))) {
            gf_buf_printf(out, "; %s", m);
            return;
        }
    }
}

static int svc_failed(struct gf_rc_res *r, struct gf_rc_io *io, const json_t *svc, const char *td)
{
    struct gf_buf msg = GF_BUF_INIT;
    const json_t *d = deployment_of(svc, td);
    const char *reason = json_string_value(json_object_get(d, "rolloutStateReason"));
    int code;

    if (!reason || !strstr(reason, "circuit breaker"))
        reason = json_string_value(
            json_object_get(failed_deployment(svc), "rolloutStateReason"));
    gf_buf_printf(&msg, "service '%s' deployment of %s failed", r->name, td ? td : "?");
    if (reason)
        gf_buf_printf(&msg, ": %s", reason);
    stopped_reason(&msg, io, r->name);
    rollback_event(&msg, svc);
    code = gf_error_set(GF_ERROR, "%s", gf_buf_failed(&msg) ? "service deployment failed" : msg.ptr);
    gf_error_where("ecs:service %s", r->name);
    gf_error_key("tasks.%s", r->key);
    gf_error_hint("the deployment circuit breaker stopped it and rolls the service back to its "
                  "last working revision; fix the image or its configuration and apply again");
    gf_buf_release(&msg);
    return code;
}

static int svc_wait(struct gf_rc_res *r, struct gf_rc_io *io, const char *td)
{
    int64_t timeout_ms = (int64_t)gf_rc_wait_timeout_s(io->rc) * 1000, waited = 0, told = 0;
    int step = POLL_FIRST_MS;

    if (timeout_ms == 0)
        return 0;
    for (;;) {
        json_t *svc = NULL;
        int code = gf_ecs_describe_service(&svc, io->aws, cluster(io->rc), r->name);
        int st = code < 0 ? 0 : rollout(svc, td);

        if (code == 0 && st != 0) {
            code = st < 0 ? svc_failed(r, io, svc, td) : svc_adopt(r, io->rc, svc);
            if (st > 0)
                svc = NULL;
        } else if (code == 0 && waited - told >= PROGRESS_EVERY) {
            told = waited;
            gf_rc_progress(io->rc, r, "waiting for the deployment: %lld of %lld running (%lld s)",
                           (long long)json_integer_value(json_object_get(svc, "runningCount")),
                           (long long)json_integer_value(json_object_get(svc, "desiredCount")),
                           (long long)(waited / 1000));
        }
        json_decref(svc);
        if (code < 0 || st != 0)
            return code;
        if (waited >= timeout_ms) {
            code = gf_error_set(GF_ERETRY, "service '%s' did not reach a steady state in %lld s",
                                r->name, (long long)(timeout_ms / 1000));
            gf_error_key("tasks.%s", r->key);
            gf_error_hint("see the service's events in the ECS console; raise --wait-timeout "
                          "or use --no-wait");
            return code;
        }
        code = gf_rc_sleep(io->rc, step);
        if (code < 0)
            return code;
        waited += step;
        step = step * 2 > POLL_MAX_MS ? POLL_MAX_MS : step * 2;
    }
}

/* ---- create / update ---------------------------------------------------------------------- */

/* IAM is eventually consistent: a role made seconds ago may not be assumable yet. */
static bool iam_not_ready(void)
{
    const struct gf_error *e = gf_error_last();

    return (strcmp(e->aws_code, "InvalidParameterException") == 0 ||
            strcmp(e->aws_code, "ValidationException") == 0) &&
           (strstr(e->msg, "assume role") || strstr(e->msg, "Unable to assume"));
}

/* The desired members a call sends (without serviceName and status). */
static json_t *spec_of(const json_t *desired, const json_t *actual)
{
    json_t *spec = json_deep_copy(desired);
    const char *k;
    json_t *v;
    void *tmp;

    if (!spec)
        return NULL;
    json_object_del(spec, "serviceName");
    json_object_del(spec, "status");
    if (actual) { /* an update: only what differs, and never the launch type */
        json_object_del(spec, "launchType");
        json_object_foreach_safe(spec, tmp, k, v) {
            if (gf_rc_matches(v, json_object_get(actual, k)))
                json_object_del(spec, k);
        }
    }
    return spec;
}

static int svc_call(struct gf_rc_res *r, struct gf_rc_io *io, const json_t *spec, bool create)
{
    int waited = 0;

    for (;;) {
        json_t *svc = NULL;
        int code = create ? gf_ecs_create_service(&svc, io->aws, cluster(io->rc), r->name, spec)
                          : gf_ecs_update_service(&svc, io->aws, cluster(io->rc), r->name, spec);

        if (code == 0)
            return svc_adopt(r, io->rc, svc);
        if (!iam_not_ready() || waited >= IAM_RETRY_S)
            return code;
        gf_rc_progress(io->rc, r, "waiting for IAM to accept the new role (%d s)", waited);
        code = gf_rc_sleep(io->rc, 5000);
        if (code < 0)
            return code;
        waited += 5;
    }
}

static int svc_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *spec = spec_of(r->desired, NULL);
    json_t *tags = gf_rc_tags(io->rc, r, "key", "value");
    int code = spec && tags ? 0 : gf_error_oom();

    if (code == 0) {
        json_object_set_new(spec, "tags", tags);
        tags = NULL;
        json_object_set_new(spec, "propagateTags", json_string("SERVICE"));
        code = svc_call(r, io, spec, true);
    }
    if (code == GF_ERROR && strstr(gf_error_last()->msg, "not idempotent")) {
        /* made by an interrupted run: bring it to the desired state */
        json_decref(spec);
        spec = spec_of(r->desired, NULL);
        json_object_del(spec, "launchType");
        code = spec ? svc_call(r, io, spec, false) : gf_error_oom();
    }
    if (code == 0)
        code = svc_wait(r, io, json_string_value(json_object_get(r->desired, "taskDefinition")));
    json_decref(spec);
    json_decref(tags);
    return code;
}

static int svc_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *spec = spec_of(r->desired, r->actual);
    int code = spec ? 0 : gf_error_oom();

    if (code == 0 && json_object_size(spec))
        code = svc_call(r, io, spec, false);
    if (code == 0)
        code = svc_wait(r, io, json_string_value(json_object_get(r->desired, "taskDefinition")));
    json_decref(spec);
    return code;
}

/* ---- destroy and prune -------------------------------------------------------------------- */

static int svc_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *zero = json_pack("{s:i}", "desiredCount", 0);
    int code = zero ? gf_ecs_update_service(NULL, io->aws, cluster(io->rc), r->name, zero)
                    : gf_error_oom();

    json_decref(zero);
    if (code == GF_ENOTFOUND || code == GF_ECONFLICT) /* gone, or already draining */
        code = 0;
    if (code == 0)
        code = gf_ecs_delete_service(NULL, io->aws, cluster(io->rc), r->name, true);
    if (code == GF_ENOTFOUND)
        code = 0;
    /* DeleteService leaves it DRAINING, which lets the cluster go once its tasks stop */
    if (code == 0 && r->model)
        code = gf_rc_state_set(io->rc, &((struct gf_task *)r->model)->service_arn, NULL);
    return code;
}

static int svc_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *arns = NULL, *svcs = NULL;
    size_t i;
    const json_t *s;
    int code = gf_ecs_list_services(&arns, io->aws, cluster(rc));

    if (code == 0 && json_array_size(arns))
        code = gf_ecs_describe_services(&svcs, io->aws, cluster(rc), arns);
    json_array_foreach(svcs, i, s) {
        const json_t *tags = json_object_get(s, "tags");
        const char *stack = gf_rc_tag_value(tags, "key", "value", GF_RC_TAG_STACK);
        const char *key = gf_rc_tag_value(tags, "key", "value", GF_RC_TAG_KEY);
        const char *status = json_string_value(json_object_get(s, "status"));

        if (code < 0)
            break;
        if (!stack || strcmp(stack, gf_rc_stack(rc)->app_name.v) != 0 || !key ||
            strncmp(key, "service/", 8) != 0 || gf_rc_wanted(rc, "service", key + 8) ||
            !status || strcmp(status, "ACTIVE") != 0)
            continue;
        code = gf_rc_add_orphan(rc, &gf_rc_kind_service, key + 8,
                                json_string_value(json_object_get(s, "serviceName")),
                                json_string_value(json_object_get(s, "serviceArn")), NULL);
    }
    json_decref(arns);
    json_decref(svcs);
    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_deps[] = {"cluster",      "task_definition", "security_group",
                                     "target_group", "listener",        NULL};
static const char *const s_replace[] = {"serviceName", "status", "launchType", NULL};
static const char *const s_create[] = {"ecs:CreateService", "ecs:DescribeServices", NULL};
static const char *const s_update[] = {"ecs:UpdateService", "ecs:DescribeServices", NULL};
static const char *const s_delete[] = {"ecs:UpdateService", "ecs:DeleteService", NULL};

const struct gf_rc_kind gf_rc_kind_service = {
    .name = "service",
    .deps = s_deps,
    .expand = svc_expand,
    .desire = svc_desire,
    .read = svc_read,
    .read_batch = svc_read_batch,
    .read_batch_max = 10, /* DescribeServices' limit */
    .create = svc_create,
    .update = svc_update,
    .destroy = svc_destroy,
    .orphans = svc_orphans,
    .state_id = svc_state_id,
    .replace_fields = s_replace,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
};
