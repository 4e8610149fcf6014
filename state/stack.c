/* SPDX-License-Identifier: Apache-2.0 */
/* stack.c: lifetime of the stack model (gf_stack_free), lookups over it, and the diagnostics
 * list every step of the parse pass (parse, validate) appends to. The structure itself is
 * filled by state/parse.c and written back by state/emit.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/stack.h"

#include "common/banned.h"

/* ---- freeing the model ---- */

static void str_release(struct gf_str *s)
{
    gf_free(s->v);
    s->v = NULL;
}

static void strlist_release(struct gf_strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        gf_free(l->v[i]);
    gf_free(l->v);
    gf_free(l->vpos);
    l->v = NULL;
    l->vpos = NULL;
    l->n = 0;
}

static void strmap_release(struct gf_strmap *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        gf_free(m->v[i].key);
        gf_free(m->v[i].value);
    }
    gf_free(m->v);
    m->v = NULL;
    m->n = 0;
}

static void efs_release(struct gf_efs *e)
{
    str_release(&e->id);
    str_release(&e->path);
    str_release(&e->mount_point);
    str_release(&e->arn);
    strlist_release(&e->security_groups);
}

static void health_check_release(struct gf_health_check *h)
{
    str_release(&h->path);
    str_release(&h->matcher);
}

static void autoscaling_release(struct gf_autoscaling *a)
{
    size_t i;

    str_release(&a->policy_name);
    str_release(&a->policy_arn);
    for (i = 0; i < a->n_scheduled; i++) {
        struct gf_scheduled_action *s = &a->scheduled[i];

        gf_free(s->name);
        str_release(&s->start_time);
        str_release(&s->end_time);
        str_release(&s->days);
        str_release(&s->min_capacity);
        str_release(&s->max_capacity);
    }
    gf_free(a->scheduled);
    a->scheduled = NULL;
    a->n_scheduled = 0;
}

static void task_release(struct gf_task *t)
{
    gf_free(t->key);
    str_release(&t->type_text);
    str_release(&t->image);
    str_release(&t->command);
    strmap_release(&t->environment);
    strlist_release(&t->secrets);
    strmap_release(&t->secrets_map);
    str_release(&t->schedule);
    str_release(&t->size);
    str_release(&t->name);
    str_release(&t->family);
    efs_release(&t->efs);
    str_release(&t->arn);
    str_release(&t->image_digest);
    str_release(&t->target_group_name);
    str_release(&t->target_group_arn);
    health_check_release(&t->health_check);
    str_release(&t->certificate_arn);
    strmap_release(&t->tags);
    autoscaling_release(&t->autoscaling);
    str_release(&t->event_bus_name);
    str_release(&t->domain);
    str_release(&t->service_arn);
    str_release(&t->rule_arn);
}

static void queue_release(struct gf_queue *q)
{
    str_release(&q->name);
    str_release(&q->url);
    str_release(&q->arn);
    str_release(&q->permissions_profile);
    strlist_release(&q->permissions_include);
    strlist_release(&q->permissions_exclude);
}

static void role_release(struct gf_role *r)
{
    str_release(&r->name);
    str_release(&r->arn);
    str_release(&r->policy_name);
}

static void sg_release(struct gf_sg *s)
{
    str_release(&s->group_id);
    str_release(&s->group_name);
    str_release(&s->name);
}

static void alb_release(struct gf_alb *a)
{
    str_release(&a->type);
    str_release(&a->arn);
    str_release(&a->name);
    strlist_release(&a->waf.managed_rules);
    str_release(&a->waf.name);
    str_release(&a->waf.id);
    str_release(&a->waf.arn);
    str_release(&a->waf.lock_token);
    str_release(&a->waf.md5);
}

static void stack_release_top(struct gf_stack *s)
{
    str_release(&s->app_name);
    str_release(&s->app_version);
    str_release(&s->account);
    str_release(&s->profile);
    str_release(&s->region);
    str_release(&s->vpc_id);
    strlist_release(&s->subnets_public);
    strlist_release(&s->subnets_private);
    strlist_release(&s->subnets_isolated);
    str_release(&s->domain);
    str_release(&s->route53_zone_id);
    str_release(&s->route53_profile);
    str_release(&s->cluster_name);
    str_release(&s->cluster_arn);
    role_release(&s->role);
    role_release(&s->task_role);
    role_release(&s->events_role);
    str_release(&s->log_group_name);
    str_release(&s->log_group_arn);
    sg_release(&s->sg_fargate);
    sg_release(&s->sg_alb);
    alb_release(&s->alb);
    str_release(&s->certificate_arn);
    queue_release(&s->queue);
    queue_release(&s->dlq);
    str_release(&s->bucket_name);
    strlist_release(&s->bucket_paths);
    str_release(&s->bucket_policy);
    str_release(&s->bucket_arn);
    str_release(&s->config_name);
    str_release(&s->id);
    str_release(&s->last_updated);
}

void gf_stack_free(struct gf_stack *stack)
{
    size_t i;

    if (!stack)
        return;
    stack_release_top(stack);
    for (i = 0; i < stack->n_tasks; i++)
        task_release(&stack->tasks[i]);
    gf_free(stack->tasks);
    gf_free(stack->path);
    gf_buf_release(&stack->src);
    gf_free(stack);
}

/* ---- lookups ---- */

const struct gf_task *gf_stack_task(const struct gf_stack *stack, const char *key)
{
    size_t i;

    if (!stack || !key)
        return NULL;
    for (i = 0; i < stack->n_tasks; i++) {
        if (stack->tasks[i].key && strcmp(stack->tasks[i].key, key) == 0)
            return &stack->tasks[i];
    }
    return NULL;
}

const char *gf_task_type_name(enum gf_task_type type)
{
    switch (type) {
    case GF_TASK_TASK:
        return "task";
    case GF_TASK_DAEMON:
        return "daemon";
    case GF_TASK_HTTP:
        return "http";
    case GF_TASK_HTTPS:
        return "https";
    case GF_TASK_UNSET:
        break;
    }
    return "unset";
}

bool gf_task_is_service(const struct gf_task *task)
{
    return task && (task->type == GF_TASK_DAEMON || task->type == GF_TASK_HTTP ||
                    task->type == GF_TASK_HTTPS);
}

bool gf_task_is_scheduled(const struct gf_task *task)
{
    return task && task->type == GF_TASK_TASK && task->schedule.v && task->schedule.v[0];
}

const struct gf_task *gf_stack_http_task(const struct gf_stack *stack)
{
    size_t i;

    if (!stack)
        return NULL;
    for (i = 0; i < stack->n_tasks; i++) {
        if (stack->tasks[i].type == GF_TASK_HTTP || stack->tasks[i].type == GF_TASK_HTTPS)
            return &stack->tasks[i];
    }
    return NULL;
}

/* ---- diagnostics ---- */

void gf_diags_init(struct gf_diags *diags)
{
    diags->v = NULL;
    diags->n = 0;
    diags->n_errors = 0;
}

void gf_diags_release(struct gf_diags *diags)
{
    size_t i;

    if (!diags)
        return;
    for (i = 0; i < diags->n; i++) {
        gf_free(diags->v[i].key);
        gf_free(diags->v[i].msg);
        gf_free(diags->v[i].hint);
    }
    gf_free(diags->v);
    gf_diags_init(diags);
}

/* Take ownership of msg (always, even on failure). */
static int diags_push(struct gf_diags *diags, enum gf_diag_severity severity, struct gf_pos pos,
                      const char *key, char *msg, const char *hint)
{
    struct gf_diag *d;
    struct gf_diag *grown;
    char *key_copy = NULL;
    char *hint_copy = NULL;

    key_copy = gf_strdup(key ? key : "");
    if (hint)
        hint_copy = gf_strdup(hint);
    if (!msg || !key_copy || (hint && !hint_copy))
        goto oom;
    /* Grow by doubling: the array length is a power of two once non-empty. */
    if ((diags->n & (diags->n - 1)) == 0) {
        size_t cap = diags->n ? diags->n * 2 : 4;

        if (diags->n < 4 && diags->n != 0)
            cap = 4;
        grown = gf_realloc(diags->v, cap * sizeof(*grown));
        if (!grown)
            goto oom;
        diags->v = grown;
    }
    d = &diags->v[diags->n++];
    d->severity = severity;
    d->pos = pos;
    d->key = key_copy;
    d->msg = msg;
    d->hint = hint_copy;
    if (severity == GF_DIAG_ERROR)
        diags->n_errors++;
    return 0;
oom:
    gf_free(msg);
    gf_free(key_copy);
    gf_free(hint_copy);
    return gf_error_oom();
}

int gf_diags_add(struct gf_diags *diags, enum gf_diag_severity severity, struct gf_pos pos,
                 const char *key, const char *msg, const char *hint)
{
    return diags_push(diags, severity, pos, key, gf_strdup(msg ? msg : ""), hint);
}

int gf_diags_addf(struct gf_diags *diags, enum gf_diag_severity severity, struct gf_pos pos,
                  const char *key, const char *hint, const char *fmt, ...)
{
    struct gf_buf msg = GF_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    gf_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (gf_buf_failed(&msg))
        return gf_error_oom();
    return diags_push(diags, severity, pos, key, gf_buf_detach(&msg), hint);
}

/* a goes strictly after b */
static bool diag_after(const struct gf_diag *a, const struct gf_diag *b)
{
    if (a->pos.line != b->pos.line)
        return a->pos.line > b->pos.line;
    if (a->pos.col != b->pos.col)
        return a->pos.col > b->pos.col;
    return a->severity > b->severity;
}

static void diags_insertion_sort(struct gf_diag *v, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++) {
        struct gf_diag cur = v[i];
        size_t j = i;

        while (j > 0 && diag_after(&v[j - 1], &cur)) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = cur;
    }
}

static void diags_merge_sort(struct gf_diag *v, struct gf_diag *tmp, size_t n)
{
    size_t mid = n / 2;
    size_t i = 0;
    size_t j = mid;
    size_t k = 0;

    if (n < 16) {
        diags_insertion_sort(v, n);
        return;
    }
    diags_merge_sort(v, tmp, mid);
    diags_merge_sort(v + mid, tmp, n - mid);
    while (i < mid && j < n) {
        if (diag_after(&v[i], &v[j]))
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

void gf_diags_sort(struct gf_diags *diags)
{
    struct gf_diag *tmp;

    if (diags->n < 2)
        return;
    tmp = gf_malloc(diags->n * sizeof(*tmp));
    if (!tmp) {
        /* Cannot fail: fall back to the quadratic stable sort. */
        diags_insertion_sort(diags->v, diags->n);
        return;
    }
    diags_merge_sort(diags->v, tmp, diags->n);
    gf_free(tmp);
}

int gf_diags_format(struct gf_buf *out, const struct gf_diags *diags, const char *path)
{
    size_t i;

    if (!path)
        path = "";
    for (i = 0; i < diags->n; i++) {
        const struct gf_diag *d = &diags->v[i];
        const char *sev = d->severity == GF_DIAG_ERROR ? "error" : "warning";

        if (d->pos.line)
            gf_buf_printf(out, "%s:%u:%u: %s: %s", path, (unsigned)d->pos.line,
                          (unsigned)d->pos.col, sev, d->msg);
        else
            gf_buf_printf(out, "%s: %s: %s", path, sev, d->msg);
        if (d->hint && d->hint[0])
            gf_buf_printf(out, " (%s)", d->hint);
        gf_buf_putc(out, '\n');
    }
    if (gf_buf_failed(out))
        return gf_error_oom();
    return 0;
}
