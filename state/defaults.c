/* SPDX-License-Identifier: Apache-2.0 */
/* defaults.c: gf_stack_defaults fills every unset value the way FargateStack derives it
 * (reference/fargatestack-behaviour.md §2, §3, §6; the evident intent where §15 lists a defect),
 * marking it GF_ORIGIN_DEFAULT. Runs after state/validate.c; never overwrites a set value, and
 * leaves region alone (resolved later from the environment). */
#include <stdbool.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/names.h"
#include "state/stack.h"

#include "common/banned.h"

/* FargateStack constants (§3.3). */
#define HTTP_PORT          80
#define HTTPS_ALB_PORT     443
#define HC_INTERVAL        30
#define HC_TIMEOUT         5
#define HC_HEALTHY         5
#define HC_UNHEALTHY       2
#define HC_MATCHER         "200"
#define LOG_RETENTION_DAYS 14
#define SQS_VISIBILITY     30
#define SQS_RETENTION      345600
#define SQS_WAIT           0
#define SQS_DELAY          0
#define SQS_MAX_SIZE       262144
#define SQS_MAX_RECEIVE    5
#define AS_MIN             1
#define AS_MAX             2
#define AS_OUT_COOLDOWN    60
#define AS_IN_COOLDOWN     300
#define FALLBACK_CPU       256
#define FALLBACK_MEMORY    512

struct dctx {
    struct gf_stack *s;
    int rc;
    struct gf_buf tmp;
};

/* ---- setters: only when unset ---- */

static void def_str(struct dctx *c, struct gf_str *dst, const char *value)
{
    char *copy;

    if (dst->v != NULL || value == NULL)
        return;
    copy = gf_strdup(value);
    if (copy == NULL) {
        c->rc = GF_ENOMEM;
        return;
    }
    dst->v = copy;
    dst->origin = GF_ORIGIN_DEFAULT;
}

static void def_int(struct gf_int *dst, int64_t value)
{
    if (dst->origin != GF_ORIGIN_UNSET)
        return;
    dst->v = value;
    dst->origin = GF_ORIGIN_DEFAULT;
}

static void def_bool(struct gf_bool *dst, bool value)
{
    if (dst->origin != GF_ORIGIN_UNSET)
        return;
    dst->v = value;
    dst->origin = GF_ORIGIN_DEFAULT;
}

/* A name derived from app.name (nothing when app.name is unset). */
static void def_app_name(struct dctx *c, struct gf_str *dst, enum gf_name_app kind)
{
    if (dst->v != NULL || c->s->app_name.v == NULL)
        return;
    gf_buf_clear(&c->tmp);
    if (gf_names_app(&c->tmp, kind, c->s->app_name.v) < 0) {
        c->rc = GF_ENOMEM;
        return;
    }
    def_str(c, dst, c->tmp.ptr);
}

/* ---- tasks ---- */

static bool scheduled(const struct gf_task *t)
{
    return t->type == GF_TASK_TASK && t->schedule.v != NULL && t->schedule.v[0] != '\0';
}

static bool http_type(enum gf_task_type type)
{
    return type == GF_TASK_HTTP || type == GF_TASK_HTTPS;
}

static void default_type(struct dctx *c, struct gf_task *t)
{
    if (t->type_text.v != NULL || t->type != GF_TASK_UNSET)
        return;
    t->type = GF_TASK_TASK; /* FargateStack: missing type -> task (written back) */
    def_str(c, &t->type_text, "task");
}

/* FargateStack's size rules (§3.2). */
static void default_size(struct dctx *c, struct gf_task *t)
{
    bool has_cpu = t->cpu.origin != GF_ORIGIN_UNSET;
    bool has_mem = t->memory.origin != GF_ORIGIN_UNSET;
    const struct gf_size_profile *p;

    if (t->size.v != NULL && has_cpu && has_mem)
        return; /* rule 1: as written */
    if (t->size.v == NULL && has_cpu && has_mem) {
        p = gf_names_size_for(t->cpu.v, t->memory.v); /* rule 2 */
        if (p != NULL)
            def_str(c, &t->size, p->name);
        return;
    }
    def_str(c, &t->size, gf_names_default_size(gf_task_is_service(t), scheduled(t))); /* rule 3 */
    p = gf_names_size(t->size.v);
    def_int(&t->cpu, p != NULL ? p->cpu : FALLBACK_CPU); /* rule 4 when the size is unknown */
    def_int(&t->memory, p != NULL ? p->memory : FALLBACK_MEMORY);
}

static void default_health_check(struct dctx *c, struct gf_task *t)
{
    struct gf_health_check *h = &t->health_check;

    h->present = true;
    def_bool(&h->enabled, true);
    def_int(&h->port, t->container_port.v);
    def_str(c, &h->path, "/");
    def_int(&h->interval_seconds, HC_INTERVAL);
    def_int(&h->timeout_seconds, HC_TIMEOUT);
    def_int(&h->healthy_threshold_count, HC_HEALTHY);
    def_int(&h->unhealthy_threshold_count, HC_UNHEALTHY);
    def_str(c, &h->matcher, HC_MATCHER);
}

static void default_http(struct dctx *c, struct gf_task *t)
{
    def_int(&t->port, HTTP_PORT);
    def_int(&t->container_port, HTTP_PORT);
    def_int(&t->host_port, t->port.v);
    def_app_name(c, &t->target_group_name, GF_NAME_TARGET_GROUP);
    default_health_check(c, t);
}

static void default_autoscaling(struct dctx *c, struct gf_task *t)
{
    struct gf_autoscaling *as = &t->autoscaling;

    if (!as->present)
        return;
    def_int(&as->min_capacity, AS_MIN);
    def_int(&as->max_capacity, AS_MAX);
    def_int(&as->scale_out_cooldown, AS_OUT_COOLDOWN);
    def_int(&as->scale_in_cooldown, AS_IN_COOLDOWN);
    if (as->policy_name.v != NULL || c->s->app_name.v == NULL)
        return;
    gf_buf_clear(&c->tmp);
    if (gf_names_task(&c->tmp, GF_NAME_AUTOSCALING_POLICY, c->s->app_name.v, t->key) < 0)
        c->rc = GF_ENOMEM;
    else
        def_str(c, &as->policy_name, c->tmp.ptr);
}

static void default_task(struct dctx *c, struct gf_task *t)
{
    default_type(c, t);
    default_size(c, t);
    def_str(c, &t->name, t->key);
    def_str(c, &t->family, t->key);
    if (http_type(t->type))
        default_http(c, t);
    if (gf_task_is_service(t))
        def_int(&t->desired_count, 1);
    default_autoscaling(c, t);
    if (t->efs.present) {
        def_str(c, &t->efs.path, "/");
        def_str(c, &t->efs.mount_point, "/mnt");
    }
}

/* ---- stack level ---- */

static void default_role(struct dctx *c, struct gf_role *r, enum gf_name_app name,
                         enum gf_name_app policy)
{
    r->present = true;
    def_app_name(c, &r->name, name);
    def_app_name(c, &r->policy_name, policy);
}

/* FargateStack: waf.managed_rules defaults to [default] (§2.1). */
static void default_waf_rules(struct dctx *c, struct gf_strlist *l)
{
    char **v = gf_calloc(1, sizeof(*v));
    struct gf_pos *vpos = gf_calloc(1, sizeof(*vpos));
    char *word = gf_strdup("default");

    if (v == NULL || vpos == NULL || word == NULL) {
        gf_free(v);
        gf_free(vpos);
        gf_free(word);
        c->rc = GF_ENOMEM;
        return;
    }
    v[0] = word;
    l->v = v;
    l->vpos = vpos;
    l->n = 1;
    l->origin = GF_ORIGIN_DEFAULT;
}

static void default_alb(struct dctx *c, const struct gf_task *http)
{
    struct gf_alb *a = &c->s->alb;
    bool https = http->type == GF_TASK_HTTPS;

    a->present = true;
    def_str(c, &a->type, https ? "public" : "private");
    def_int(&a->port, https ? HTTPS_ALB_PORT : HTTP_PORT);
    if (https)
        def_bool(&a->redirect_80, true); /* the evident intent of §15.7 */
    def_app_name(c, &a->name, GF_NAME_ALB);
    c->s->sg_alb.present = true;
    if (c->s->sg_alb.group_name.v == NULL)
        def_app_name(c, &c->s->sg_alb.name, GF_NAME_ALB_SG); /* FargateStack writes `name` */
    if (!a->waf.present || !a->waf.enabled.v)
        return;
    def_app_name(c, &a->waf.name, GF_NAME_WAF_ACL);
    if (a->waf.managed_rules.n == 0 && a->waf.managed_rules.origin == GF_ORIGIN_UNSET)
        default_waf_rules(c, &a->waf.managed_rules);
}

static void default_queue_attrs(struct dctx *c, struct gf_queue *q)
{
    def_int(&q->visibility_timeout, SQS_VISIBILITY);
    def_int(&q->message_retention_period, SQS_RETENTION);
    def_int(&q->receive_message_wait_time_seconds, SQS_WAIT);
    def_int(&q->delay_seconds, SQS_DELAY);
    def_int(&q->maximum_message_size, SQS_MAX_SIZE);
    def_str(c, &q->permissions_profile, "consumer");
}

static void default_queue(struct dctx *c)
{
    struct gf_queue *q = &c->s->queue;
    struct gf_queue *d = &c->s->dlq;

    if (!q->present || q->name.v == NULL)
        return; /* FargateStack: nothing happens without queue.name */
    default_queue_attrs(c, q);
    if (!q->max_receive_count_present)
        return;
    def_int(&q->max_receive_count, SQS_MAX_RECEIVE);
    d->present = true;
    if (d->name.v == NULL) {
        gf_buf_clear(&c->tmp);
        if (gf_names_dlq(&c->tmp, q->name.v) < 0)
            c->rc = GF_ENOMEM;
        else
            def_str(c, &d->name, c->tmp.ptr);
    }
    default_queue_attrs(c, d);
}

static void default_stack(struct dctx *c)
{
    struct gf_stack *s = c->s;
    const struct gf_task *http = gf_stack_http_task(s);
    bool any_scheduled = false;

    for (size_t i = 0; i < s->n_tasks; i++)
        any_scheduled = any_scheduled || scheduled(&s->tasks[i]);
    def_app_name(c, &s->cluster_name, GF_NAME_CLUSTER);
    default_role(c, &s->role, GF_NAME_ROLE, GF_NAME_POLICY);
    default_role(c, &s->task_role, GF_NAME_TASK_ROLE, GF_NAME_TASK_POLICY);
    if (any_scheduled)
        default_role(c, &s->events_role, GF_NAME_EVENTS_ROLE, GF_NAME_EVENTS_POLICY);
    def_app_name(c, &s->log_group_name, GF_NAME_LOG_GROUP);
    def_int(&s->log_group_retention_days, LOG_RETENTION_DAYS);
    s->sg_fargate.present = true;
    def_app_name(c, &s->sg_fargate.group_name, GF_NAME_SG);
    if (http != NULL)
        default_alb(c, http);
    default_queue(c);
}

int gf_stack_defaults(struct gf_stack *stack)
{
    struct dctx c = {stack, 0, GF_BUF_INIT};

    for (size_t i = 0; i < stack->n_tasks; i++)
        default_task(&c, &stack->tasks[i]);
    default_stack(&c);
    gf_buf_release(&c.tmp);
    return c.rc < 0 ? gf_error_oom() : 0;
}
