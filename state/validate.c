/* SPDX-License-Identifier: Apache-2.0 */
/* validate.c: the semantic checks of a parsed stack (gf_stack_validate), after state/parse.c and
 * before state/defaults.c. Every rule of reference/fargatestack-behaviour.md (§2, §3, §5.4, §6,
 * §7, §8, §12) and the AWS limits of every name, set or derived, each reported separately with
 * the value's position, its key path and a hint.
 *
 * Messages start with the key path ("tasks.web.image is required", "tasks.web.schedule:
 * day-of-week value 8 out of range 1-7 or SUN-SAT"). Environment values are never echoed.
 *
 * Secrets (tasks.<t>.secrets), the forms accepted, each optionally followed by ":<ENV>":
 *   <name-or-path>[:ENV]        a Secrets Manager secret by name (FargateStack's form); split at
 *                               the first ':'; the name is 1-512 of A-Za-z0-9 / _ + = . @ -
 *   arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[:ENV]
 *                               a full secret ARN; split at the LAST ':' (an ARN with more fields,
 *                               such as ECS's json-key/version selectors, is refused)
 *   arn:<partition>:ssm:<region>:<account>:parameter/<name>[:ENV]
 *                               a full SSM Parameter Store ARN
 *   ssm:<name-or-/path>[:ENV]   an SSM parameter by name (gitfargate's shorthand, resolved to the
 *                               parameter ARN in the stack's region and account); the name is
 *                               1-2048 of A-Za-z0-9 _ . - /
 * ENV is upper-cased (as FargateStack does) and must then be a valid variable name
 * ([A-Za-z_][A-Za-z0-9_]*). Without ":ENV" the upper-cased last '/' segment of the name is used.
 * The map form (secrets: {"<name>:<ENV>": <arn>}) takes the key like the name form and needs a
 * Secrets Manager or SSM parameter ARN as the value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "state/names.h"
#include "state/schedule.h"
#include "state/stack.h"

#include "common/banned.h"

struct vctx {
    struct gf_stack *s;
    struct gf_diags *d;
    int rc; /* GF_ENOMEM once anything failed to allocate */
    bool app_ok;
    struct gf_buf key;
    struct gf_buf hint;
    struct gf_buf tmp;
};

/* ---- reporting ---- */

/* Append one diagnostic whose message is `key` followed by the formatted text (a space is put
 * between them unless the text starts with ':'). */
static void add(struct vctx *c, enum gf_diag_severity sev, struct gf_pos pos, const char *key,
                const char *hint, const char *fmt, ...) GF_PRINTF(6, 7);
static void add(struct vctx *c, enum gf_diag_severity sev, struct gf_pos pos, const char *key,
                const char *hint, const char *fmt, ...)
{
    struct gf_buf msg = GF_BUF_INIT;
    va_list ap;

    gf_buf_puts(&msg, key);
    if (fmt[0] != ':')
        gf_buf_putc(&msg, ' ');
    va_start(ap, fmt);
    gf_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (gf_buf_failed(&msg) || gf_diags_add(c->d, sev, pos, key, msg.ptr, hint) < 0)
        c->rc = GF_ENOMEM;
    gf_buf_release(&msg);
}

#define ERR  GF_DIAG_ERROR
#define WARN GF_DIAG_WARNING

/* A formatted hint in c->hint (valid until the next call). */
static const char *hintf(struct vctx *c, const char *fmt, ...) GF_PRINTF(2, 3);
static const char *hintf(struct vctx *c, const char *fmt, ...)
{
    va_list ap;

    gf_buf_clear(&c->hint);
    va_start(ap, fmt);
    gf_buf_vprintf(&c->hint, fmt, ap);
    va_end(ap);
    if (gf_buf_failed(&c->hint))
        c->rc = GF_ENOMEM;
    return c->hint.ptr;
}

/* "tasks.<task>.<field>" in c->key (valid until the next call). */
static const char *tkey(struct vctx *c, const struct gf_task *t, const char *field)
{
    gf_buf_clear(&c->key);
    gf_buf_printf(&c->key, "tasks.%s%s%s", t->key, field[0] ? "." : "", field);
    if (gf_buf_failed(&c->key))
        c->rc = GF_ENOMEM;
    return c->key.ptr;
}

/* Report the gf_error just set by a names/schedule check as "<key>: <msg> (<hint>)". */
static void add_error(struct vctx *c, enum gf_diag_severity sev, struct gf_pos pos, const char *key)
{
    const struct gf_error *e = gf_error_last();

    add(c, sev, pos, key, e->hint[0] ? e->hint : NULL, ": %s", e->msg);
}

static struct gf_pos pos_or(struct gf_pos a, struct gf_pos b)
{
    return a.line != 0 ? a : b;
}

/* ---- small predicates ---- */

static bool is_set(const struct gf_str *s)
{
    return s->v != NULL;
}

static bool in_range(const struct gf_int *i, int64_t lo, int64_t hi)
{
    return i->origin == GF_ORIGIN_UNSET || (i->v >= lo && i->v <= hi);
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_upper(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static bool is_lower(char ch)
{
    return ch >= 'a' && ch <= 'z';
}

static bool is_hex(char ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'f');
}

static bool all_of(struct gf_slice s, bool (*pred)(char))
{
    for (size_t i = 0; i < s.len; i++) {
        if (!pred(s.ptr[i]))
            return false;
    }
    return s.len > 0;
}

static bool chars_in(struct gf_slice s, const char *punct)
{
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.ptr[i];
        if (!is_digit(ch) && !is_upper(ch) && !is_lower(ch) && strchr(punct, ch) == NULL)
            return false;
    }
    return s.len > 0;
}

/* An environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
static bool env_name_ok(struct gf_slice s)
{
    return s.len > 0 && !is_digit(s.ptr[0]) && chars_in(s, "_");
}

/* prefix followed by 8 or 17 lower-case hex digits (vpc-, subnet-, sg-, fs-). */
static bool aws_id_ok(const char *v, const char *prefix)
{
    struct gf_slice s = gf_slice_from(v);
    size_t n = strlen(prefix);

    if (!gf_slice_starts_with(s, prefix))
        return false;
    s = gf_slice_sub(s, n, s.len);
    return (s.len == 8 || s.len == 17) && all_of(s, is_hex);
}

/* us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7 ... */
static bool region_ok(struct gf_slice s)
{
    size_t i = 0;
    int parts = 0;

    while (i < s.len) {
        size_t start = i;
        while (i < s.len && s.ptr[i] != '-')
            i++;
        struct gf_slice part = gf_slice_sub(s, start, i - start);
        bool last = i >= s.len;
        if (last ? !all_of(part, is_digit) || part.len > 2 : !all_of(part, is_lower))
            return false;
        if (parts == 0 && part.len != 2)
            return false;
        parts++;
        i++;
    }
    return parts >= 3 && s.ptr[s.len - 1] != '-';
}

static bool account_ok(struct gf_slice s)
{
    return s.len == 12 && all_of(s, is_digit);
}

/* A DNS name: 2+ labels of 1-63 letters, digits and '-', no '-' at a label's ends, <= 253. */
static bool hostname_ok(const char *v)
{
    size_t len = strlen(v);
    size_t label = 0;
    int labels = 1;

    if (len == 0 || len > 253 || v[0] == '.' || v[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '.') {
            if (label == 0 || v[i - 1] == '-')
                return false;
            labels++;
            label = 0;
            continue;
        }
        if (!is_digit(v[i]) && !is_upper(v[i]) && !is_lower(v[i]) && v[i] != '-')
            return false;
        if (v[i] == '-' && label == 0)
            return false;
        if (++label > 63)
            return false;
    }
    return labels >= 2 && v[len - 1] != '-';
}

static bool is_service_type(enum gf_task_type t)
{
    return t == GF_TASK_DAEMON || t == GF_TASK_HTTP || t == GF_TASK_HTTPS;
}

static bool is_http_type(enum gf_task_type t)
{
    return t == GF_TASK_HTTP || t == GF_TASK_HTTPS;
}

/* The type a task will have after defaults: unset -> task, unknown text -> UNSET. */
static enum gf_task_type task_type(const struct gf_task *t)
{
    static const char *const names[] = {"task", "daemon", "http", "https"};
    static const enum gf_task_type types[] = {GF_TASK_TASK, GF_TASK_DAEMON, GF_TASK_HTTP,
                                              GF_TASK_HTTPS};

    if (!is_set(&t->type_text))
        return t->type != GF_TASK_UNSET ? t->type : GF_TASK_TASK;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(t->type_text.v, names[i]) == 0)
            return types[i];
    }
    return GF_TASK_UNSET;
}

static bool task_scheduled(const struct gf_task *t)
{
    return task_type(t) == GF_TASK_TASK && is_set(&t->schedule) && t->schedule.v[0] != '\0';
}

static bool stack_has_scheduled(const struct gf_stack *s)
{
    for (size_t i = 0; i < s->n_tasks; i++) {
        if (task_scheduled(&s->tasks[i]))
            return true;
    }
    return false;
}

static const struct gf_task *stack_http(const struct gf_stack *s)
{
    for (size_t i = 0; i < s->n_tasks; i++) {
        if (is_http_type(task_type(&s->tasks[i])))
            return &s->tasks[i];
    }
    return NULL;
}

/* ---- names: set by the user or derived ---- */

/* Check a name the user set (key `key`) against `rule`. */
static void check_set_name(struct vctx *c, enum gf_name_rule rule, const struct gf_str *v,
                           const char *key)
{
    if (gf_names_check(rule, v->v) < 0)
        add_error(c, ERR, v->pos, key);
}

/* Check the name derived from app.name (when `set` is unset); report at app.name. `override`
 * names the key that would replace the derived name, or NULL when there is none. */
static void check_app_name(struct vctx *c, enum gf_name_rule rule, enum gf_name_app kind,
                           const struct gf_str *set, const char *override)
{
    const char *app = c->s->app_name.v;
    size_t over;

    if (set != NULL && is_set(set)) {
        check_set_name(c, rule, set, override);
        return;
    }
    if (!c->app_ok)
        return;
    gf_buf_clear(&c->tmp);
    if (gf_names_app(&c->tmp, kind, app) < 0) {
        c->rc = GF_ENOMEM;
        return;
    }
    if (gf_names_check(rule, c->tmp.ptr) == 0)
        return;
    const struct gf_error *e = gf_error_last();
    if (c->tmp.len > gf_names_rule_max(rule)) {
        over = c->tmp.len - gf_names_rule_max(rule);
        hintf(c, "shorten app.name to at most %zu characters%s%s",
              strlen(app) > over ? strlen(app) - over : 0, override ? ", or set " : "",
              override ? override : "");
    } else {
        hintf(c, "%s in app.name%s%s", e->hint, override ? ", or set " : "",
              override ? override : "");
    }
    add(c, ERR, c->s->app_name.pos, "app.name", c->hint.ptr, ": %s", e->msg);
}

/* The same for a name derived from a task key: report at the task. */
static void check_task_derived(struct vctx *c, const struct gf_task *t, enum gf_name_rule rule,
                               enum gf_name_task kind)
{
    gf_buf_clear(&c->tmp);
    if (gf_names_task(&c->tmp, kind, c->s->app_name.v ? c->s->app_name.v : "", t->key) < 0) {
        c->rc = GF_ENOMEM;
        return;
    }
    if (gf_names_check(rule, c->tmp.ptr) == 0)
        return;
    const struct gf_error *e = gf_error_last();
    if (c->tmp.len > gf_names_rule_max(rule)) {
        size_t over = c->tmp.len - gf_names_rule_max(rule);
        size_t keylen = strlen(t->key);
        hintf(c, "shorten the task name '%s' to at most %zu characters", t->key,
              keylen > over ? keylen - over : 0);
    } else {
        hintf(c, "%s in the task name", e->hint);
    }
    add(c, ERR, t->pos, tkey(c, t, ""), c->hint.ptr, ": %s", e->msg);
}

/* ---- stack level ---- */

static void validate_app(struct vctx *c)
{
    const struct gf_str *name = &c->s->app_name;

    if (!is_set(name)) {
        add(c, ERR, c->s->app_pos, "app.name", "add app: {name: my-app}; it names every resource",
            "is required");
        return;
    }
    if (gf_names_check(GF_RULE_APP, name->v) < 0) {
        /* The rule's message already starts with "app.name". */
        if (gf_diags_add(c->d, ERR, name->pos, "app.name", gf_error_last()->msg,
                         gf_error_last()->hint) < 0)
            c->rc = GF_ENOMEM;
        return;
    }
    c->app_ok = true;
}

static void validate_ids(struct vctx *c)
{
    const struct gf_stack *s = c->s;

    if (is_set(&s->region) && !region_ok(gf_slice_from(s->region.v)))
        add(c, ERR, s->region.pos, "region", "write an AWS region code such as us-east-1",
            "'%s' does not look like an AWS region", s->region.v);
    if (is_set(&s->account) && !account_ok(gf_slice_from(s->account.v)))
        add(c, ERR, s->account.pos, "account", "an AWS account id is 12 digits (quote it)",
            "'%s' is not a 12-digit AWS account id", s->account.v);
    if (is_set(&s->vpc_id) && !aws_id_ok(s->vpc_id.v, "vpc-"))
        add(c, ERR, s->vpc_id.pos, "vpc_id", "VPC ids look like vpc-0123456789abcdef0",
            "'%s' is not a VPC id", s->vpc_id.v);
    if (is_set(&s->route53_zone_id) && (strchr(s->route53_zone_id.v, '/') != NULL ||
                                        !chars_in(gf_slice_from(s->route53_zone_id.v), "")))
        add(c, ERR, s->route53_zone_id.pos, "route53.zone_id",
            "write the bare id such as Z0123456789ABCDEFGHIJ (without /hostedzone/)",
            "'%s' is not a hosted zone id", s->route53_zone_id.v);
    if (is_set(&s->domain) && !hostname_ok(s->domain.v))
        add(c, ERR, s->domain.pos, "domain", "write a DNS name such as api.example.com",
            "'%s' is not a valid domain name", s->domain.v);
    if (is_set(&s->sg_fargate.group_id) && !aws_id_ok(s->sg_fargate.group_id.v, "sg-"))
        add(c, ERR, s->sg_fargate.group_id.pos, "security_groups.fargate.group_id",
            "security group ids look like sg-0123456789abcdef0", "'%s' is not a security group id",
            s->sg_fargate.group_id.v);
    if (is_set(&s->sg_alb.group_id) && !aws_id_ok(s->sg_alb.group_id.v, "sg-"))
        add(c, ERR, s->sg_alb.group_id.pos, "security_groups.alb.group_id",
            "security group ids look like sg-0123456789abcdef0", "'%s' is not a security group id",
            s->sg_alb.group_id.v);
}

static void validate_subnet_list(struct vctx *c, const struct gf_strlist *l, const char *which)
{
    for (size_t i = 0; i < l->n; i++) {
        if (aws_id_ok(l->v[i], "subnet-"))
            continue;
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "subnets.%s[%zu]", which, i);
        add(c, ERR, l->vpos ? l->vpos[i] : l->pos, c->key.ptr,
            "subnet ids look like subnet-0123456789abcdef0", "'%s' is not a subnet id", l->v[i]);
    }
}

static void validate_log_group(struct vctx *c)
{
    static const int64_t days[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                   365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
    const struct gf_int *r = &c->s->log_group_retention_days;

    check_app_name(c, GF_RULE_LOG_GROUP, GF_NAME_LOG_GROUP, &c->s->log_group_name,
                   "log_group.name");
    if (r->origin == GF_ORIGIN_UNSET)
        return;
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        if (r->v == days[i])
            return;
    }
    add(c, ERR, r->pos, "log_group.retention_days",
        "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
        "2192, 2557, 2922, 3288, 3653",
        "%lld is not a CloudWatch Logs retention period", (long long)r->v);
}

static void validate_roles(struct vctx *c)
{
    struct gf_stack *s = c->s;

    check_app_name(c, GF_RULE_ECS_CLUSTER, GF_NAME_CLUSTER, &s->cluster_name, "cluster.name");
    check_app_name(c, GF_RULE_IAM_ROLE, GF_NAME_ROLE, &s->role.name, "role.name");
    check_app_name(c, GF_RULE_IAM_POLICY, GF_NAME_POLICY, &s->role.policy_name, "role.policy_name");
    check_app_name(c, GF_RULE_IAM_ROLE, GF_NAME_TASK_ROLE, &s->task_role.name, "task_role.name");
    check_app_name(c, GF_RULE_IAM_POLICY, GF_NAME_TASK_POLICY, &s->task_role.policy_name,
                   "task_role.policy_name");
    check_app_name(c, GF_RULE_SECURITY_GROUP, GF_NAME_SG, &s->sg_fargate.group_name,
                   "security_groups.fargate.group_name");
    if (!stack_has_scheduled(s))
        return;
    check_app_name(c, GF_RULE_IAM_ROLE, GF_NAME_EVENTS_ROLE, &s->events_role.name,
                   "events_role.name");
    check_app_name(c, GF_RULE_IAM_POLICY, GF_NAME_EVENTS_POLICY, &s->events_role.policy_name,
                   "events_role.policy_name");
}

static void validate_waf(struct vctx *c, bool have_http)
{
    static const char *const words[] = {"default",   "linux-app", "wordpress-app", "windows-app",
                                        "all",       "base",      "sql",           "linux",
                                        "admin",     "php",       "wordpress",     "windows",
                                        "anonymous", "ddos",      "premium"};
    const struct gf_waf *w = &c->s->alb.waf;

    if (!w->present || (w->enabled.origin != GF_ORIGIN_UNSET && !w->enabled.v))
        return;
    if (!have_http && w->enabled.v) {
        add(c, ERR, w->enabled.pos, "alb.waf.enabled",
            "WAF protects the ALB of an http or https task: add one or remove alb.waf",
            "needs an http or https task");
        return;
    }
    for (size_t i = 0; i < w->managed_rules.n; i++) {
        const char *r = w->managed_rules.v[i];
        bool known = false;
        for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
            known = known || strcmp(r[0] == '-' ? r + 1 : r, words[k]) == 0;
        if (known)
            continue;
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "alb.waf.managed_rules[%zu]", i);
        add(c, ERR, w->managed_rules.vpos ? w->managed_rules.vpos[i] : w->managed_rules.pos,
            c->key.ptr,
            "use default, linux-app, wordpress-app, windows-app, all, or the sets base, sql, "
            "linux, admin, php, wordpress, windows, anonymous, ddos, premium (-name removes one)",
            "'%s' is not a WAF rule keyword", r);
    }
    if (w->enabled.v)
        check_app_name(c, GF_RULE_WAF_ACL, GF_NAME_WAF_ACL, &w->name, "alb.waf.name");
}

static void validate_alb(struct vctx *c)
{
    const struct gf_alb *a = &c->s->alb;
    const struct gf_task *http = stack_http(c->s);

    if (a->present && http == NULL)
        add(c, WARN, a->pos, "alb", "remove the alb block, or add an http or https task",
            "is only used by an http or https task");
    if (is_set(&a->type) && strcmp(a->type.v, "public") != 0 && strcmp(a->type.v, "private") != 0)
        add(c, ERR, a->type.pos, "alb.type",
            "use public (internet-facing, for https) or private (internal, for http)",
            "'%s' must be public or private", a->type.v);
    if (!in_range(&a->port, 1, 65535))
        add(c, ERR, a->port.pos, "alb.port", "use a port from 1 to 65535", "%lld is not a TCP port",
            (long long)a->port.v);
    if (http != NULL) {
        check_app_name(c, GF_RULE_LOAD_BALANCER, GF_NAME_ALB, &a->name, "alb.name");
        check_app_name(c, GF_RULE_SECURITY_GROUP, GF_NAME_ALB_SG,
                       is_set(&c->s->sg_alb.group_name) ? &c->s->sg_alb.group_name
                                                        : &c->s->sg_alb.name,
                       is_set(&c->s->sg_alb.group_name) ? "security_groups.alb.group_name"
                                                        : "security_groups.alb.name");
    }
    validate_waf(c, http != NULL);
}

/* ---- queue, DLQ, bucket ---- */

struct int_rule {
    size_t off; /* of the struct gf_int in struct gf_queue */
    const char *key;
    int64_t lo, hi;
    const char *unit;
};

static void validate_queue_attrs(struct vctx *c, const struct gf_queue *q, const char *block)
{
    static const struct int_rule rules[] = {
        {offsetof(struct gf_queue, visibility_timeout), "visibility_timeout", 0, 43200, "seconds"},
        {offsetof(struct gf_queue, message_retention_period), "message_retention_period", 60,
         1209600, "seconds"},
        {offsetof(struct gf_queue, receive_message_wait_time_seconds),
         "receive_message_wait_time_seconds", 0, 20, "seconds"},
        {offsetof(struct gf_queue, delay_seconds), "delay_seconds", 0, 900, "seconds"},
        {offsetof(struct gf_queue, maximum_message_size), "maximum_message_size", 1024, 1048576,
         "bytes"},
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        const struct gf_int *v = (const struct gf_int *)((const char *)q + rules[i].off);
        if (in_range(v, rules[i].lo, rules[i].hi))
            continue;
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "%s.%s", block, rules[i].key);
        add(c, ERR, v->pos, c->key.ptr,
            hintf(c, "SQS accepts %lld to %lld %s", (long long)rules[i].lo, (long long)rules[i].hi,
                  rules[i].unit),
            "%lld is out of range", (long long)v->v);
    }
}

static bool iam_action_ok(const char *a)
{
    const char *colon = strchr(a, ':');
    struct gf_slice svc;
    struct gf_slice act;

    if (colon == NULL)
        return false;
    svc = gf_slice_make(a, (size_t)(colon - a));
    act = gf_slice_from(colon + 1);
    return chars_in(svc, "-") && chars_in(act, "*?");
}

static void validate_permissions(struct vctx *c, const struct gf_queue *q, const char *block)
{
    static const char *const profiles[] = {"consumer", "producer", "admin", "none"};
    const struct gf_strlist *lists[] = {&q->permissions_include, &q->permissions_exclude};
    const char *names[] = {"include", "exclude"};
    const struct gf_str *p = &q->permissions_profile;
    bool known = false;

    for (size_t i = 0; is_set(p) && i < 4; i++)
        known = known || strcmp(p->v, profiles[i]) == 0;
    if (is_set(p) && !known) {
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "%s.permissions.profile", block);
        add(c, ERR, p->pos, c->key.ptr, "use consumer, producer, admin or none",
            "'%s' is not a permissions profile", p->v);
    }
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->n; i++) {
            if (iam_action_ok(lists[l]->v[i]))
                continue;
            gf_buf_clear(&c->key);
            gf_buf_printf(&c->key, "%s.permissions.%s[%zu]", block, names[l], i);
            add(c, ERR, lists[l]->vpos ? lists[l]->vpos[i] : lists[l]->pos, c->key.ptr,
                "write an IAM action as service:Action, e.g. sqs:GetQueueUrl",
                "'%s' is not an IAM action", lists[l]->v[i]);
        }
    }
}

static void validate_dlq(struct vctx *c)
{
    const struct gf_queue *q = &c->s->queue;
    const struct gf_queue *d = &c->s->dlq;
    bool fifo = is_set(&q->name) && gf_slice_ends_with(gf_slice_from(q->name.v), ".fifo");

    if (!q->max_receive_count_present) {
        if (d->present && d->name.origin == GF_ORIGIN_USER)
            add(c, WARN, d->pos, "dlq",
                "set queue.max_receive_count (default 5) to have the dead-letter queue made",
                "is ignored without queue.max_receive_count");
        return;
    }
    if (!in_range(&q->max_receive_count, 1, 1000))
        add(c, ERR, q->max_receive_count.pos, "queue.max_receive_count",
            "SQS accepts 1 to 1000 receives before a message moves to the dead-letter queue",
            "%lld is out of range", (long long)q->max_receive_count.v);
    validate_queue_attrs(c, d, "dlq");
    validate_permissions(c, d, "dlq");
    if (is_set(&d->name)) {
        check_set_name(c, GF_RULE_SQS_QUEUE, &d->name, "dlq.name");
        if (fifo != gf_slice_ends_with(gf_slice_from(d->name.v), ".fifo"))
            add(c, ERR, d->name.pos, "dlq.name",
                "the dead-letter queue of a FIFO queue is FIFO too, and of a standard queue "
                "standard",
                "'%s' must %s with .fifo like queue.name", d->name.v, fifo ? "end" : "not end");
        return;
    }
    if (!is_set(&q->name))
        return;
    gf_buf_clear(&c->tmp);
    if (gf_names_dlq(&c->tmp, q->name.v) < 0) {
        c->rc = GF_ENOMEM;
        return;
    }
    if (gf_names_check(GF_RULE_SQS_QUEUE, c->tmp.ptr) < 0 || fifo)
        add(c, ERR, q->name.pos, "queue.name",
            fifo ? "set dlq.name to a FIFO name such as jobs-dlq.fifo"
                 : hintf(c, "shorten queue.name to at most 76 characters, or set dlq.name"),
            ": the dead-letter queue name '%s' derived from it is not valid", c->tmp.ptr);
}

static void validate_queue(struct vctx *c)
{
    const struct gf_queue *q = &c->s->queue;

    if (!q->present) {
        if (c->s->dlq.present && c->s->dlq.name.origin == GF_ORIGIN_USER)
            add(c, WARN, c->s->dlq.pos, "dlq", "a dead-letter queue belongs to queue: add one",
                "is ignored without a queue");
        return;
    }
    if (!is_set(&q->name))
        add(c, ERR, q->pos, "queue.name", "name the queue, e.g. queue: {name: my-app-jobs}",
            "is required when queue is present");
    else
        check_set_name(c, GF_RULE_SQS_QUEUE, &q->name, "queue.name");
    validate_queue_attrs(c, q, "queue");
    validate_permissions(c, q, "queue");
    validate_dlq(c);
}

static void validate_bucket(struct vctx *c)
{
    const struct gf_stack *s = c->s;

    if (!s->bucket_present)
        return;
    if (!is_set(&s->bucket_name)) {
        add(c, ERR, s->bucket_pos, "bucket.name", "name the bucket, e.g. bucket: {name: my-data}",
            "is required when bucket is present");
        return;
    }
    check_set_name(c, GF_RULE_S3_BUCKET, &s->bucket_name, "bucket.name");
    for (size_t i = 0; i < s->bucket_paths.n; i++) {
        if (s->bucket_paths.v[i][0] != '/' && s->bucket_paths.v[i][0] != '\0')
            continue;
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "bucket.paths[%zu]", i);
        add(c, ERR, s->bucket_paths.vpos ? s->bucket_paths.vpos[i] : s->bucket_paths.pos,
            c->key.ptr, "write a key prefix without the leading '/', e.g. uploads/*",
            "'%s' must be a non-empty key prefix not starting with '/'", s->bucket_paths.v[i]);
    }
}

/* ---- tasks: type, image, size ---- */

static void validate_type(struct vctx *c, const struct gf_task *t, const struct gf_task **http)
{
    enum gf_task_type type = task_type(t);

    if (type == GF_TASK_UNSET) {
        add(c, ERR, t->type_text.pos, tkey(c, t, "type"), "use one of: task, daemon, http, https",
            "'%s' is not a task type", t->type_text.v);
        return;
    }
    if (!is_http_type(type))
        return;
    if (*http != NULL) {
        add(c, ERR, pos_or(t->type_text.pos, t->pos), tkey(c, t, "type"),
            hintf(c,
                  "FargateStack allows one http or https service per stack; make '%s' a daemon "
                  "or move it to another stack",
                  t->key),
            "'%s': '%s' is already the stack's http service", gf_task_type_name(type),
            (*http)->key);
        return;
    }
    *http = t;
    if (!is_set(&c->s->domain))
        add(c, ERR, pos_or(t->type_text.pos, t->pos), "domain",
            hintf(c, "set domain: to the name '%s' answers on, e.g. domain: api.example.com",
                  t->key),
            "is required for the %s task '%s'", gf_task_type_name(type), t->key);
}

static const char *fargate_memory_hint(struct vctx *c, int64_t cpu)
{
    switch (cpu) {
    case 256:
        return "with cpu 256 use memory 512, 1024 or 2048";
    case 512:
        return "with cpu 512 use memory 1024 to 4096 in steps of 1024";
    case 1024:
        return "with cpu 1024 use memory 2048 to 8192 in steps of 1024";
    case 2048:
        return "with cpu 2048 use memory 4096 to 16384 in steps of 1024";
    case 4096:
        return "with cpu 4096 use memory 8192 to 30720 in steps of 1024";
    case 8192:
        return "with cpu 8192 use memory 16384 to 61440 in steps of 4096";
    default:
        return hintf(c, "with cpu 16384 use memory 32768 to 122880 in steps of 8192");
    }
}

/* Fargate's CPU/memory table. */
static bool fargate_pair_ok(int64_t cpu, int64_t mem)
{
    static const struct {
        int64_t cpu, lo, hi, step;
    } t[] = {
        {256, 512, 2048, 512},        {512, 1024, 4096, 1024},   {1024, 2048, 8192, 1024},
        {2048, 4096, 16384, 1024},    {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096},
        {16384, 32768, 122880, 8192},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (t[i].cpu == cpu)
            return mem >= t[i].lo && mem <= t[i].hi && (mem - t[i].lo) % t[i].step == 0;
    }
    return false;
}

static bool fargate_cpu_ok(int64_t cpu)
{
    return cpu == 256 || cpu == 512 || cpu == 1024 || cpu == 2048 || cpu == 4096 || cpu == 8192 ||
           cpu == 16384;
}

static void validate_size(struct vctx *c, const struct gf_task *t)
{
    const struct gf_size_profile *p = NULL;
    int64_t cpu;
    int64_t mem;

    if (is_set(&t->size)) {
        p = gf_names_size(t->size.v);
        if (p == NULL)
            add(c, ERR, t->size.pos, tkey(c, t, "size"),
                hintf(c, "use one of: %s", gf_names_size_list()), "'%s' is not a size", t->size.v);
    }
    if (t->cpu.origin == GF_ORIGIN_UNSET && t->memory.origin == GF_ORIGIN_UNSET)
        return;
    if (t->cpu.origin != GF_ORIGIN_UNSET && !fargate_cpu_ok(t->cpu.v)) {
        add(c, ERR, t->cpu.pos, tkey(c, t, "cpu"), "use 256, 512, 1024, 2048, 4096, 8192 or 16384",
            "%lld is not a Fargate CPU value", (long long)t->cpu.v);
        return;
    }
    if (p == NULL)
        p = gf_names_size(gf_names_default_size(is_service_type(task_type(t)), task_scheduled(t)));
    if (p == NULL && (t->cpu.origin == GF_ORIGIN_UNSET || t->memory.origin == GF_ORIGIN_UNSET))
        return; /* an unknown size was reported above */
    cpu = t->cpu.origin != GF_ORIGIN_UNSET ? t->cpu.v : p->cpu;
    mem = t->memory.origin != GF_ORIGIN_UNSET ? t->memory.v : p->memory;
    if (fargate_pair_ok(cpu, mem))
        return;
    if (t->memory.origin != GF_ORIGIN_UNSET)
        add(c, ERR, t->memory.pos, tkey(c, t, "memory"), fargate_memory_hint(c, cpu),
            "%lld does not fit cpu %lld%s%s%s", (long long)mem, (long long)cpu,
            t->cpu.origin == GF_ORIGIN_UNSET ? " (from size " : "",
            t->cpu.origin == GF_ORIGIN_UNSET ? p->name : "",
            t->cpu.origin == GF_ORIGIN_UNSET ? ")" : "");
    else
        add(c, ERR, t->cpu.pos, tkey(c, t, "cpu"),
            hintf(c, "set memory too, or a size whose memory fits: %s",
                  fargate_memory_hint(c, cpu)),
            "%lld does not fit memory %lld (from size %s)", (long long)cpu, (long long)mem,
            p->name);
}

/* ---- tasks: schedule ---- */

static void validate_schedule(struct vctx *c, struct gf_task *t)
{
    struct gf_buf norm = GF_BUF_INIT;
    struct gf_schedule_info info = {0};
    char *copy = NULL;
    enum gf_task_type type = task_type(t);
    int rc;

    if (!is_set(&t->schedule))
        return;
    if (is_service_type(type)) {
        add(c, ERR, t->schedule.pos, tkey(c, t, "schedule"),
            "schedules run one-shot tasks: remove schedule, or move it to a task of type task",
            ": %s %s service runs continuously and cannot have a schedule",
            type == GF_TASK_DAEMON ? "a" : "an", gf_task_type_name(type));
        return;
    }
    rc = gf_schedule_check(&norm, &info, t->schedule.v);
    if (rc == GF_ENOMEM) {
        c->rc = rc;
    } else if (rc < 0) {
        add_error(c, ERR, t->schedule.pos, tkey(c, t, "schedule"));
    } else if (strcmp(norm.ptr, t->schedule.v) != 0) {
        add(c, WARN, t->schedule.pos, tkey(c, t, "schedule"),
            info.dow_normalised
                ? "EventBridge needs '?' in day-of-month or day-of-week; write it that way"
                : "write the expression with single spaces",
            "'%s' is used as '%s'", t->schedule.v, norm.ptr);
        copy = gf_buf_detach(&norm);
        if (copy == NULL) {
            c->rc = GF_ENOMEM;
        } else {
            gf_free(t->schedule.v); /* FargateStack stores the rewritten value (§6.11) */
            t->schedule.v = copy;
        }
    }
    gf_buf_release(&norm);
    if (task_scheduled(t)) {
        check_task_derived(c, t, GF_RULE_EVENTS_RULE, GF_NAME_RULE);
        check_task_derived(c, t, GF_RULE_EVENTS_TARGET_ID, GF_NAME_TARGET_ID);
    }
}

/* ---- tasks: ports, health check ---- */

static void check_port(struct vctx *c, const struct gf_task *t, const struct gf_int *p,
                       const char *field)
{
    if (!in_range(p, 1, 65535))
        add(c, ERR, p->pos, tkey(c, t, field), "use a port from 1 to 65535",
            "%lld is not a TCP port", (long long)p->v);
}

static void validate_ports(struct vctx *c, const struct gf_task *t)
{
    int64_t port = t->port.origin != GF_ORIGIN_UNSET ? t->port.v : 80;
    int64_t host = t->host_port.origin != GF_ORIGIN_UNSET ? t->host_port.v : port;
    int64_t cport = t->container_port.origin != GF_ORIGIN_UNSET ? t->container_port.v : 80;

    check_port(c, t, &t->port, "port");
    check_port(c, t, &t->container_port, "container_port");
    check_port(c, t, &t->host_port, "host_port");
    if (!is_http_type(task_type(t)) || host == cport || host < 1 || host > 65535 || cport < 1 ||
        cport > 65535)
        return;
    /* awsvpc: ECS refuses a host port different from the container port. */
    if (t->host_port.origin != GF_ORIGIN_UNSET)
        add(c, ERR, t->host_port.pos, tkey(c, t, "host_port"),
            "Fargate (awsvpc) needs host_port equal to container_port; remove host_port",
            "%lld differs from container_port %lld", (long long)host, (long long)cport);
    else
        add(c, ERR, pos_or(t->port.pos, t->container_port.pos),
            tkey(c, t, t->port.origin != GF_ORIGIN_UNSET ? "port" : "container_port"),
            "Fargate (awsvpc) maps the container port unchanged: give port and container_port "
            "the same value (the ALB listens on alb.port)",
            "%lld: the host port %lld would differ from container_port %lld",
            (long long)(t->port.origin != GF_ORIGIN_UNSET ? port : cport), (long long)host,
            (long long)cport);
}

/* ELB matcher: "200", "200,202", "200-299"; HTTP codes 200-499 for an ALB. */
static bool matcher_ok(const char *m)
{
    struct gf_slice s = gf_slice_from(m);
    size_t start = 0;

    for (;;) {
        long comma = gf_slice_find(s, ',', start);
        size_t end = comma < 0 ? s.len : (size_t)comma;
        struct gf_slice item = gf_slice_sub(s, start, end - start);
        long dash = gf_slice_find(item, '-', 0);
        int64_t lo = 0;
        int64_t hi = 0;

        if (dash < 0) {
            if (gf_slice_to_i64(&lo, item, 200, 499) < 0)
                return false;
        } else if (gf_slice_to_i64(&lo, gf_slice_sub(item, 0, (size_t)dash), 200, 499) < 0 ||
                   gf_slice_to_i64(&hi, gf_slice_sub(item, (size_t)dash + 1, item.len), 200, 499) <
                       0 ||
                   lo > hi) {
            return false;
        }
        if (comma < 0)
            return true;
        start = end + 1;
    }
}

static void check_hc_range(struct vctx *c, const struct gf_task *t, const struct gf_int *v,
                           const char *field, int64_t lo, int64_t hi)
{
    if (!in_range(v, lo, hi))
        add(c, ERR, v->pos, tkey(c, t, field),
            hintf(c, "ELB accepts %lld to %lld", (long long)lo, (long long)hi),
            "%lld is out of range", (long long)v->v);
}

static void validate_health_check(struct vctx *c, const struct gf_task *t)
{
    const struct gf_health_check *h = &t->health_check;
    int64_t interval = h->interval_seconds.origin != GF_ORIGIN_UNSET ? h->interval_seconds.v : 30;
    int64_t timeout = h->timeout_seconds.origin != GF_ORIGIN_UNSET ? h->timeout_seconds.v : 5;

    if (!h->present)
        return;
    if (!is_http_type(task_type(t)))
        add(c, WARN, h->pos, tkey(c, t, "health_check"),
            "remove it: only http and https tasks have a target group", "is ignored for a %s",
            gf_task_type_name(task_type(t)));
    if (h->enabled.origin != GF_ORIGIN_UNSET && !h->enabled.v)
        add(c, ERR, h->enabled.pos, tkey(c, t, "health_check.enabled"),
            "remove enabled: false; tune path, interval_seconds and thresholds instead",
            "cannot be false: FargateStack requires target group health checks");
    check_port(c, t, &h->port, "health_check.port");
    check_hc_range(c, t, &h->interval_seconds, "health_check.interval_seconds", 5, 300);
    check_hc_range(c, t, &h->timeout_seconds, "health_check.timeout_seconds", 2, 120);
    check_hc_range(c, t, &h->healthy_threshold_count, "health_check.healthy_threshold_count", 2,
                   10);
    check_hc_range(c, t, &h->unhealthy_threshold_count, "health_check.unhealthy_threshold_count", 2,
                   10);
    if (timeout >= interval && timeout >= 2 && timeout <= 120 && interval >= 5 && interval <= 300)
        add(c, ERR, pos_or(h->timeout_seconds.pos, h->interval_seconds.pos),
            tkey(c, t,
                 h->timeout_seconds.origin != GF_ORIGIN_UNSET ? "health_check.timeout_seconds"
                                                              : "health_check.interval_seconds"),
            "ELB needs the timeout shorter than the interval",
            "%lld: the timeout (%llds) must be less than the interval (%llds)",
            (long long)(h->timeout_seconds.origin != GF_ORIGIN_UNSET ? timeout : interval),
            (long long)timeout, (long long)interval);
    if (is_set(&h->path) && (h->path.v[0] != '/' || strlen(h->path.v) > 1024))
        add(c, ERR, h->path.pos, tkey(c, t, "health_check.path"),
            "write an absolute URL path of at most 1024 characters, e.g. /health",
            "'%s' must start with '/'", h->path.v);
    if (is_set(&h->matcher) && !matcher_ok(h->matcher.v))
        add(c, ERR, h->matcher.pos, tkey(c, t, "health_check.matcher"),
            "write HTTP codes 200-499 as a code (200), a list (200,202) or a range (200-299)",
            "'%s' is not an HTTP code matcher", h->matcher.v);
}

/* ---- tasks: autoscaling ---- */

struct pair {
    int64_t out, in;
};

/* "out/in" with / , : - or space between (§2.6). */
static bool parse_pair(struct pair *p, const char *v)
{
    struct gf_slice s = gf_slice_trim(gf_slice_from(v));
    size_t i = 0;

    while (i < s.len && is_digit(s.ptr[i]))
        i++;
    if (i == 0 || i >= s.len || strchr("/,:- ", s.ptr[i]) == NULL)
        return false;
    if (gf_slice_to_i64(&p->out, gf_slice_sub(s, 0, i), 0, 100000) < 0)
        return false;
    return gf_slice_to_i64(&p->in, gf_slice_trim(gf_slice_sub(s, i + 1, s.len)), 0, 100000) == 0;
}

/* "MM:HH", minute first. */
static bool time_ok(const char *v)
{
    struct gf_slice s = gf_slice_from(v);
    long colon = gf_slice_find(s, ':', 0);
    int64_t n = 0;

    if (colon < 1 || colon > 2 || s.len - (size_t)colon - 1 < 1 || s.len - (size_t)colon - 1 > 2)
        return false;
    return all_of(gf_slice_sub(s, 0, (size_t)colon), is_digit) &&
           gf_slice_to_i64(&n, gf_slice_sub(s, 0, (size_t)colon), 0, 59) == 0 &&
           all_of(gf_slice_sub(s, (size_t)colon + 1, s.len), is_digit) &&
           gf_slice_to_i64(&n, gf_slice_sub(s, (size_t)colon + 1, s.len), 0, 23) == 0;
}

static int day_value(struct gf_slice s)
{
    static const char *const days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    int64_t n = 0;

    if (gf_slice_to_i64(&n, s, 1, 7) == 0)
        return (int)n;
    for (int i = 0; i < 7; i++) {
        if (gf_slice_eq_str(s, days[i]))
            return i + 1;
    }
    return 0;
}

/* MON-FRI, 1-7 or a single day. */
static bool days_ok(const char *v)
{
    struct gf_slice s = gf_slice_from(v);
    long dash = gf_slice_find(s, '-', 0);
    int lo;
    int hi;

    if (dash < 0)
        return day_value(s) > 0;
    lo = day_value(gf_slice_sub(s, 0, (size_t)dash));
    hi = day_value(gf_slice_sub(s, (size_t)dash + 1, s.len));
    return lo > 0 && hi > 0 && lo <= hi;
}

static const char *akey(struct vctx *c, const struct gf_task *t,
                        const struct gf_scheduled_action *a, const char *field)
{
    gf_buf_clear(&c->key);
    gf_buf_printf(&c->key, "tasks.%s.autoscaling.scheduled.%s%s%s", t->key, a->name,
                  field[0] ? "." : "", field);
    if (gf_buf_failed(&c->key))
        c->rc = GF_ENOMEM;
    return c->key.ptr;
}

static bool action_field(struct vctx *c, const struct gf_task *t,
                         const struct gf_scheduled_action *a, const struct gf_str *v,
                         const char *field, bool (*ok)(const char *), const char *hint)
{
    if (!is_set(v)) {
        add(c, ERR, a->pos, akey(c, t, a, field), hint, "is required");
        return false;
    }
    if (ok(v->v))
        return true;
    add(c, ERR, v->pos, akey(c, t, a, field), hint, "'%s' is not valid", v->v);
    return false;
}

static bool pair_ok(const char *v)
{
    struct pair p = {0, 0};
    return parse_pair(&p, v);
}

#define PAIR_HINT "write scale-out/scale-in capacities as a pair, e.g. 4/2"

static void validate_action_caps(struct vctx *c, const struct gf_task *t,
                                 const struct gf_scheduled_action *a, int64_t top_max, bool metric)
{
    struct pair mn = {0, 0};
    struct gf_pos pos = a->max_capacity.pos;
    struct pair mx = {0, 0};

    parse_pair(&mn, a->min_capacity.v);
    parse_pair(&mx, a->max_capacity.v);
    if (mn.in > mn.out || mx.in > mx.out)
        add(c, ERR, mn.in > mn.out ? a->min_capacity.pos : pos,
            akey(c, t, a, mn.in > mn.out ? "min_capacity" : "max_capacity"),
            "the first number is the scale-out capacity, the second the scale-in one",
            ": the scale-in capacity is greater than the scale-out one");
    else if (mn.out > mx.out || mn.in > mx.in)
        add(c, ERR, a->min_capacity.pos, akey(c, t, a, "min_capacity"),
            "make each minimum at most the matching maximum", "'%s' exceeds max_capacity '%s'",
            a->min_capacity.v, a->max_capacity.v);
    else if (!metric && (mn.out != mx.out || mn.in != mx.in))
        add(c, ERR, pos, akey(c, t, a, ""),
            "without autoscaling.cpu or requests, give min_capacity and max_capacity the same "
            "values",
            ": minimum and maximum capacities differ but there is no scaling metric");
    else if (metric && (mx.out > top_max || mx.in > top_max))
        add(c, ERR, pos, akey(c, t, a, "max_capacity"),
            hintf(c, "raise autoscaling.max_capacity to at least %lld or lower this",
                  (long long)(mx.out > mx.in ? mx.out : mx.in)),
            "'%s' exceeds autoscaling.max_capacity %lld", a->max_capacity.v, (long long)top_max);
}

static void validate_action(struct vctx *c, const struct gf_task *t,
                            const struct gf_scheduled_action *a, int64_t top_max, bool metric)
{
    bool ok = true;

    ok &= action_field(c, t, a, &a->start_time, "start_time", time_ok,
                       "write the time as MM:HH, minute first, e.g. 00:08 for 08:00");
    ok &= action_field(c, t, a, &a->end_time, "end_time", time_ok,
                       "write the time as MM:HH, minute first, e.g. 00:18 for 18:00");
    ok &= action_field(c, t, a, &a->days, "days", days_ok,
                       "write a day or a range of days: MON-FRI, 1-7 or SAT");
    ok &= action_field(c, t, a, &a->min_capacity, "min_capacity", pair_ok, PAIR_HINT);
    ok &= action_field(c, t, a, &a->max_capacity, "max_capacity", pair_ok, PAIR_HINT);
    if (ok)
        validate_action_caps(c, t, a, top_max, metric);
    if (!c->app_ok)
        return;
    for (int out = 0; out < 2; out++) {
        gf_buf_clear(&c->tmp);
        gf_names_scheduled_action(&c->tmp, c->s->app_name.v, a->name, out == 0);
        if (gf_buf_failed(&c->tmp)) {
            c->rc = GF_ENOMEM;
            return;
        }
        if (gf_names_check(GF_RULE_SCHEDULED_ACTION, c->tmp.ptr) < 0) {
            add_error(c, ERR, a->pos, akey(c, t, a, ""));
            return;
        }
    }
}

static void validate_scaling_numbers(struct vctx *c, const struct gf_task *t)
{
    const struct gf_autoscaling *as = &t->autoscaling;
    int64_t mn = as->min_capacity.origin != GF_ORIGIN_UNSET ? as->min_capacity.v : 1;
    int64_t mx = as->max_capacity.origin != GF_ORIGIN_UNSET ? as->max_capacity.v : 2;

    if (!in_range(&as->cpu, 1, 100))
        add(c, ERR, as->cpu.pos, tkey(c, t, "autoscaling.cpu"),
            "give the target average CPU utilisation in percent, 1 to 100",
            "%lld is not a CPU percentage", (long long)as->cpu.v);
    if (!in_range(&as->requests, 1, INT32_MAX))
        add(c, ERR, as->requests.pos, tkey(c, t, "autoscaling.requests"),
            "give the target number of ALB requests per task, at least 1", "%lld must be positive",
            (long long)as->requests.v);
    if (!in_range(&as->min_capacity, 0, 100000))
        add(c, ERR, as->min_capacity.pos, tkey(c, t, "autoscaling.min_capacity"),
            "use 0 or more tasks", "%lld must not be negative", (long long)mn);
    else if (!in_range(&as->max_capacity, 1, 100000))
        add(c, ERR, as->max_capacity.pos, tkey(c, t, "autoscaling.max_capacity"),
            "use at least 1 task", "%lld must be at least 1", (long long)mx);
    else if (mn > mx)
        add(c, ERR, pos_or(as->min_capacity.pos, as->max_capacity.pos),
            tkey(c, t, "autoscaling.min_capacity"),
            hintf(c, "make min_capacity at most max_capacity (%lld%s)", (long long)mx,
                  as->max_capacity.origin == GF_ORIGIN_UNSET ? ", the default" : ""),
            "%lld is greater than max_capacity %lld", (long long)mn, (long long)mx);
    if (!in_range(&as->scale_out_cooldown, 0, INT32_MAX))
        add(c, ERR, as->scale_out_cooldown.pos, tkey(c, t, "autoscaling.scale_out_cooldown"),
            "give the cooldown in seconds, 0 or more", "%lld must not be negative",
            (long long)as->scale_out_cooldown.v);
    if (!in_range(&as->scale_in_cooldown, 0, INT32_MAX))
        add(c, ERR, as->scale_in_cooldown.pos, tkey(c, t, "autoscaling.scale_in_cooldown"),
            "give the cooldown in seconds, 0 or more", "%lld must not be negative",
            (long long)as->scale_in_cooldown.v);
}

static void validate_autoscaling(struct vctx *c, const struct gf_task *t)
{
    const struct gf_autoscaling *as = &t->autoscaling;
    enum gf_task_type type = task_type(t);
    bool has_cpu = as->cpu.origin != GF_ORIGIN_UNSET;
    bool has_req = as->requests.origin != GF_ORIGIN_UNSET;

    if (!as->present)
        return;
    if (type != GF_TASK_UNSET && !is_service_type(type)) {
        add(c, ERR, as->pos, tkey(c, t, "autoscaling"),
            "autoscaling changes a service's task count: use it on a daemon, http or https task",
            ": a task of type task is not a service");
        return;
    }
    if (has_cpu && has_req)
        add(c, ERR, as->requests.pos, tkey(c, t, "autoscaling.requests"),
            "scale on cpu or on requests, not both", ": cpu and requests are mutually exclusive");
    else if (has_req && !is_http_type(type))
        add(c, ERR, as->requests.pos, tkey(c, t, "autoscaling.requests"),
            "scale a daemon on cpu: requests counts ALB requests, and a daemon has no ALB",
            ": only http and https tasks can scale on requests");
    validate_scaling_numbers(c, t);
    for (size_t i = 0; i < as->n_scheduled; i++)
        validate_action(c, t, &as->scheduled[i],
                        as->max_capacity.origin != GF_ORIGIN_UNSET ? as->max_capacity.v : 2,
                        has_cpu || has_req);
    if (c->app_ok && !is_set(&as->policy_name)) {
        gf_buf_clear(&c->tmp);
        if (gf_names_task(&c->tmp, GF_NAME_AUTOSCALING_POLICY, c->s->app_name.v, t->key) < 0)
            c->rc = GF_ENOMEM;
        else if (gf_names_check(GF_RULE_AUTOSCALING_POLICY, c->tmp.ptr) < 0)
            add_error(c, ERR, as->pos, tkey(c, t, "autoscaling"));
    }
}

/* ---- tasks: EFS ---- */

static void validate_efs(struct vctx *c, const struct gf_task *t)
{
    const struct gf_efs *e = &t->efs;

    if (!e->present)
        return;
    if (!is_set(&e->id))
        add(c, ERR, e->pos, tkey(c, t, "efs.id"),
            "give the file system id, e.g. efs: {id: fs-0123456789abcdef0}", "is required");
    else if (!aws_id_ok(e->id.v, "fs-"))
        add(c, ERR, e->id.pos, tkey(c, t, "efs.id"),
            "EFS file system ids look like fs-0123456789abcdef0 (fs- and 8 or 17 hex digits)",
            "'%s' is not an EFS file system id", e->id.v);
    if (is_set(&e->path) && e->path.v[0] != '/')
        add(c, ERR, e->path.pos, tkey(c, t, "efs.path"),
            "write the directory on the file system as an absolute path, e.g. /data",
            "'%s' must be an absolute path", e->path.v);
    if (is_set(&e->mount_point) && e->mount_point.v[0] != '/')
        add(c, ERR, e->mount_point.pos, tkey(c, t, "efs.mount_point"),
            "write the path inside the container as an absolute path, e.g. /mnt/data",
            "'%s' must be an absolute path", e->mount_point.v);
    else if (!is_set(&e->mount_point))
        add(c, WARN, e->pos, tkey(c, t, "efs.mount_point"),
            "set mount_point to where the container expects the volume",
            "is not set: the volume is mounted at /mnt");
}

/* ---- tasks: secrets and environment ---- */

/* "arn:<partition>:<service>:<region>:<account>:<resource>" with the resource for `service`.
 * Returns NULL if good, else what is wrong. */
static const char *arn_problem(struct gf_slice arn, const char *service)
{
    struct gf_slice f[6];
    size_t start = 0;
    size_t n = 0;

    while (n < 6) {
        long colon = n < 5 ? gf_slice_find(arn, ':', start) : -1;
        size_t end = colon < 0 ? arn.len : (size_t)colon;
        f[n++] = gf_slice_sub(arn, start, end - start);
        if (colon < 0)
            break;
        start = end + 1;
    }
    if (n < 6 || !gf_slice_eq_str(f[0], "arn") || !gf_slice_starts_with(f[1], "aws"))
        return "is not an ARN (arn:aws:<service>:<region>:<account>:<resource>)";
    if (!gf_slice_eq_str(f[2], service))
        return "is not a Secrets Manager or SSM parameter ARN";
    if (!region_ok(f[3]))
        return "has no valid region";
    if (!account_ok(f[4]))
        return "has no valid 12-digit account id";
    if (strcmp(service, "ssm") == 0)
        return gf_slice_starts_with(f[5], "parameter/") && f[5].len > 10 &&
                       chars_in(gf_slice_sub(f[5], 10, f[5].len), "_.-/")
                   ? NULL
                   : "has no parameter/<name> resource";
    return gf_slice_starts_with(f[5], "secret:") && f[5].len > 7 &&
                   chars_in(gf_slice_sub(f[5], 7, f[5].len), "/_+=.@-")
               ? NULL
               : "has no secret:<name> resource";
}

struct secret_ref {
    struct gf_slice source; /* name, path or ARN */
    struct gf_slice env;    /* as written, or the derived last segment */
    bool env_written;
    const char *problem; /* NULL when the source is well formed */
};

static size_t count_char(struct gf_slice s, char ch)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += s.ptr[i] == ch;
    return n;
}

static void split_last(struct secret_ref *r, struct gf_slice s, bool has_env)
{
    size_t cut = s.len;

    if (has_env) {
        while (cut > 0 && s.ptr[cut - 1] != ':')
            cut--;
        r->env = gf_slice_sub(s, cut, s.len);
        r->env_written = true;
        cut--;
    }
    r->source = gf_slice_sub(s, 0, cut);
}

/* Split one entry (see the header comment) and check its source part. */
static void parse_secret(struct secret_ref *r, const char *entry)
{
    struct gf_slice s = gf_slice_from(entry);
    size_t colons = count_char(s, ':');
    struct gf_slice name;

    *r = (struct secret_ref){0};
    if (gf_slice_starts_with(s, "arn:")) {
        bool ssm =
            gf_slice_starts_with(gf_slice_sub(s, gf_slice_find(s, ':', 4) + 1, s.len), "ssm:");
        size_t want = ssm ? 5 : 6; /* colons inside the ARN itself */
        split_last(r, s, colons > want);
        r->problem = colons > want + 1 ? "has too many ':' (selectors after the name are not "
                                         "supported)"
                                       : arn_problem(r->source, ssm ? "ssm" : "secretsmanager");
        name = gf_slice_sub(r->source, (size_t)gf_slice_find(r->source, ':', 0), r->source.len);
    } else if (gf_slice_starts_with(s, "ssm:")) {
        split_last(r, gf_slice_sub(s, 4, s.len), colons > 1);
        name = r->source;
        if (!chars_in(name, "_.-/") || name.len > 2048)
            r->problem = "is not an SSM parameter name (1-2048 of letters, digits and _ . - /)";
        r->source = gf_slice_sub(s, 0, name.len + 4);
    } else {
        long colon = gf_slice_find(s, ':', 0); /* FargateStack splits at the first ':' */
        r->source = colon < 0 ? s : gf_slice_sub(s, 0, (size_t)colon);
        if (colon >= 0) {
            r->env = gf_slice_sub(s, (size_t)colon + 1, s.len);
            r->env_written = true;
        }
        name = r->source;
        if (!chars_in(name, "/_+=.@-") || name.len > 512)
            r->problem = "is not a secret name (1-512 of letters, digits and / _ + = . @ -)";
    }
    if (!r->env_written) {
        size_t i = name.len;
        while (i > 0 && name.ptr[i - 1] != '/' && name.ptr[i - 1] != ':')
            i--;
        r->env = gf_slice_sub(name, i, name.len);
    }
}

/* FargateStack upper-cases the variable name. */
static bool env_upper_ok(struct vctx *c, struct gf_slice env)
{
    gf_buf_clear(&c->tmp);
    for (size_t i = 0; i < env.len; i++)
        gf_buf_putc(&c->tmp, is_lower(env.ptr[i]) ? (char)(env.ptr[i] - 'a' + 'A') : env.ptr[i]);
    if (gf_buf_failed(&c->tmp)) {
        c->rc = GF_ENOMEM;
        return true;
    }
    return env_name_ok(gf_buf_slice(&c->tmp));
}

static void check_secret_ref(struct vctx *c, const struct secret_ref *r, struct gf_pos pos,
                             const char *key)
{
    if (r->problem != NULL)
        add(c, ERR, pos, key,
            "write <secret-name>:<ENV>, arn:aws:secretsmanager:<region>:<account>:secret:<name>:"
            "<ENV>, arn:aws:ssm:<region>:<account>:parameter/<name>:<ENV> or ssm:<name>:<ENV>",
            ": '%.*s' %s", GF_SLICE_FMT(r->source), r->problem);
    else if (!env_upper_ok(c, r->env))
        add(c, ERR, pos, key,
            r->env_written ? "variable names start with a letter or '_' and hold letters, "
                             "digits and '_'"
                           : "add :<ENV> to name the variable, e.g. db/password:DB_PASSWORD",
            ": '%.*s' is not a valid environment variable name%s", GF_SLICE_FMT(r->env),
            r->env_written ? "" : " (taken from the last part of the name)");
}

static void validate_secrets(struct vctx *c, const struct gf_task *t)
{
    struct secret_ref r;

    for (size_t i = 0; i < t->secrets.n; i++) {
        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "tasks.%s.secrets[%zu]", t->key, i);
        parse_secret(&r, t->secrets.v[i]);
        check_secret_ref(c, &r, t->secrets.vpos ? t->secrets.vpos[i] : t->secrets.pos, c->key.ptr);
    }
    for (size_t i = 0; i < t->secrets_map.n; i++) {
        const struct gf_kv *kv = &t->secrets_map.v[i];
        struct gf_slice arn = gf_slice_from(kv->value);
        bool ssm = gf_slice_find(arn, ':', 4) > 0 &&
                   gf_slice_starts_with(gf_slice_sub(arn, gf_slice_find(arn, ':', 4) + 1, arn.len),
                                        "ssm:");
        const char *problem = arn_problem(arn, ssm ? "ssm" : "secretsmanager");

        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "tasks.%s.secrets.%s", t->key, kv->key);
        parse_secret(&r, kv->key);
        check_secret_ref(c, &r, kv->key_pos, c->key.ptr);
        if (problem != NULL)
            add(c, ERR, kv->value_pos, c->key.ptr,
                "the value of the map form is the secret's full ARN, "
                "arn:aws:secretsmanager:<region>:<account>:secret:<name>",
                ": the value '%s' %s", kv->value, problem);
    }
}

/* Names that say "secret"; _ARN/_NAME/_PATH/_FILE/_URL/_ID names point at one instead. */
static bool secret_like_name(const char *k)
{
    static const char *const words[] = {"PASSWORD",    "PASSWD",     "SECRET",
                                        "TOKEN",       "API_KEY",    "APIKEY",
                                        "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"};
    static const char *const refs[] = {"_ARN", "_NAME", "_PATH", "_FILE", "_URL", "_ID"};
    char up[256];
    size_t n = strlen(k);

    if (n >= sizeof(up))
        n = sizeof(up) - 1;
    for (size_t i = 0; i < n; i++)
        up[i] = is_lower(k[i]) ? (char)(k[i] - 'a' + 'A') : k[i];
    up[n] = '\0';
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        if (gf_slice_ends_with(gf_slice_make(up, n), refs[i]))
            return false;
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strstr(up, words[i]) != NULL)
            return true;
    }
    return false;
}

/* AKIA/ASIA followed by 16 upper-case letters or digits, anywhere in the value. */
static bool has_access_key_id(const char *v)
{
    size_t len = strlen(v);

    for (size_t i = 0; i + 20 <= len; i++) {
        if (strncmp(v + i, "AKIA", 4) != 0 && strncmp(v + i, "ASIA", 4) != 0)
            continue;
        size_t j = 4;
        while (j < 20 && (is_upper(v[i + j]) || is_digit(v[i + j])))
            j++;
        if (j == 20)
            return true;
    }
    return false;
}

static void validate_environment(struct vctx *c, const struct gf_task *t)
{
    for (size_t i = 0; i < t->environment.n; i++) {
        const struct gf_kv *kv = &t->environment.v[i];

        gf_buf_clear(&c->key);
        gf_buf_printf(&c->key, "tasks.%s.environment.%s", t->key, kv->key);
        if (!env_name_ok(gf_slice_from(kv->key))) {
            add(c, ERR, kv->key_pos, c->key.ptr,
                "variable names start with a letter or '_' and hold letters, digits and '_'",
                ": '%s' is not a valid environment variable name", kv->key);
            continue;
        }
        /* Never echo the value: it may be the secret. */
        if (has_access_key_id(kv->value) || strstr(kv->value, "-----BEGIN") != NULL)
            add(c, WARN, kv->value_pos, c->key.ptr,
                "move it to secrets: and keep the value in Secrets Manager, out of git and the "
                "task definition",
                "holds what looks like %s",
                strstr(kv->value, "-----BEGIN") != NULL ? "a private key or certificate"
                                                        : "an AWS access key id");
        else if (secret_like_name(kv->key) && kv->value[0] != '\0')
            add(c, WARN, kv->key_pos, c->key.ptr,
                "move it to secrets: and keep the value in Secrets Manager, out of git and the "
                "task definition",
                "looks like a secret in plain text");
    }
}

/* ---- tasks ---- */

static void validate_task_names(struct vctx *c, const struct gf_task *t)
{
    enum gf_task_type type = task_type(t);
    enum gf_name_rule keyrule = is_service_type(type) ? GF_RULE_ECS_SERVICE : GF_RULE_ECS_FAMILY;

    if (gf_names_check(keyrule, t->key) < 0)
        add(c, ERR, t->pos, tkey(c, t, ""),
            "name tasks with letters, digits, '-' and '_' (the name is the ECS service, "
            "task definition family and container name)",
            ": %s", gf_error_last()->msg);
    if (is_set(&t->family))
        check_set_name(c, GF_RULE_ECS_FAMILY, &t->family, tkey(c, t, "family"));
    if (is_set(&t->name))
        check_set_name(c, GF_RULE_ECS_CONTAINER, &t->name, tkey(c, t, "name"));
    if (is_http_type(type))
        check_app_name(c, GF_RULE_TARGET_GROUP, GF_NAME_TARGET_GROUP, &t->target_group_name,
                       tkey(c, t, "target_group_name"));
}

static void validate_task(struct vctx *c, struct gf_task *t, const struct gf_task **http)
{
    validate_type(c, t, http);
    if (!is_set(&t->image))
        add(c, ERR, t->pos, tkey(c, t, "image"),
            "set the container image, e.g. image: my-repo:1.2 (ECR) or nginx:1.27", "is required");
    else if (t->image.v[0] == '\0' || strchr(t->image.v, ' ') != NULL)
        add(c, ERR, t->image.pos, tkey(c, t, "image"),
            "write an image reference such as my-repo:1.2 or public.ecr.aws/org/app:tag",
            "'%s' is not an image reference", t->image.v);
    validate_task_names(c, t);
    validate_size(c, t);
    validate_schedule(c, t);
    validate_ports(c, t);
    if (!in_range(&t->desired_count, 0, 100000))
        add(c, ERR, t->desired_count.pos, tkey(c, t, "desired_count"),
            "use 0 (stopped) or more tasks", "%lld must not be negative",
            (long long)t->desired_count.v);
    validate_health_check(c, t);
    validate_autoscaling(c, t);
    validate_efs(c, t);
    validate_secrets(c, t);
    validate_environment(c, t);
}

static void validate_tasks(struct vctx *c)
{
    const struct gf_task *http = NULL;

    if (c->s->n_tasks == 0) {
        add(c, ERR, c->s->tasks_pos, "tasks",
            "add a task, e.g. tasks: {web: {type: http, image: my-repo:1.0}}",
            "must hold at least one task");
        return;
    }
    for (size_t i = 0; i < c->s->n_tasks; i++)
        validate_task(c, &c->s->tasks[i], &http);
}

int gf_stack_validate(struct gf_stack *stack, struct gf_diags *diags)
{
    struct vctx c = {stack, diags, 0, false, GF_BUF_INIT, GF_BUF_INIT, GF_BUF_INIT};
    size_t errors_before = diags->n_errors;

    validate_app(&c);
    validate_ids(&c);
    validate_subnet_list(&c, &stack->subnets_public, "public");
    validate_subnet_list(&c, &stack->subnets_private, "private");
    validate_subnet_list(&c, &stack->subnets_isolated, "isolated");
    validate_log_group(&c);
    validate_roles(&c);
    validate_tasks(&c);
    validate_alb(&c);
    validate_queue(&c);
    validate_bucket(&c);
    gf_buf_release(&c.key);
    gf_buf_release(&c.hint);
    gf_buf_release(&c.tmp);
    if (c.rc < 0)
        return gf_error_oom();
    if (diags->n_errors > errors_before) {
        gf_error_set(GF_EINVALID, "%s: %zu problem%s found", stack->path ? stack->path : "stack",
                     diags->n_errors - errors_before,
                     diags->n_errors - errors_before == 1 ? "" : "s");
        return GF_EINVALID;
    }
    return 0;
}
