/* SPDX-License-Identifier: Apache-2.0 */
/* k_listener.c: the load balancer's listeners and their host-header rules
 * (fargatestack-behaviour.md §6.13). alb.port forwards to the target group (HTTPS with the
 * task's certificate for https); with redirect_80 an https stack also listens on 80 and
 * redirects to HTTPS (HTTP_301). On each listener a rule routes host-header = domain the same
 * way, at priority highest + 1 (100 on an empty listener). Listeners of a reused load balancer
 * that gitfargate did not make are used as they are: only the stack's rule goes on them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_elbv2.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define FIRST_PRIORITY 100
#define MAX_PRIORITY   50000

/* ---- shared ----------------------------------------------------------------------------------- */

static int port_of(const struct gf_rc_res *r)
{
    return (int)strtol(r->key, NULL, 10);
}

/* Whether the listener on `port` is the https stack's redirect to HTTPS. */
static bool is_redirect(const struct gf_stack *s, int port)
{
    const struct gf_task *t = gf_stack_http_task(s);

    return t && t->type == GF_TASK_HTTPS && port != (int)s->alb.port.v;
}

static int expand_ports(struct gf_rc *rc, const struct gf_rc_kind *kind)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_task *t = gf_stack_http_task(s);
    char key[16], name[128];
    int code;

    if (!t)
        return 0;
    snprintf(key, sizeof(key), "%lld", (long long)s->alb.port.v);
    snprintf(name, sizeof(name), "%s:%s", s->alb.name.v, key);
    code = gf_rc_add(NULL, rc, kind, key, name, t);
    if (code < 0 || t->type != GF_TASK_HTTPS || !s->alb.redirect_80.v || s->alb.port.v == 80)
        return code;
    snprintf(name, sizeof(name), "%s:80", s->alb.name.v);
    return gf_rc_add(NULL, rc, kind, "80", name, t);
}

/* The action of the listener on `port`, in our compact shape. */
static json_t *want_action(const struct gf_stack *s, int port)
{
    const struct gf_task *t = gf_stack_http_task(s);
    char to[16];

    if (is_redirect(s, port)) {
        snprintf(to, sizeof(to), "%lld", (long long)s->alb.port.v);
        return json_pack("{s:s, s:s, s:s, s:s}", "type", "redirect", "protocol", "HTTPS", "port",
                         to, "status", "HTTP_301");
    }
    return json_pack("{s:s, s:s}", "type", "forward", "targetGroup",
                     gf_rc_or_unknown(&t->target_group_arn));
}

/* An ELBv2 action in our compact shape. */
static json_t *have_action(const json_t *a)
{
    const char *type = json_string_value(json_object_get(a, "Type"));
    const json_t *rc = json_object_get(a, "RedirectConfig");
    const json_t *tg = json_object_get(a, "TargetGroupArn");

    if (type && strcmp(type, "redirect") == 0)
        return json_pack("{s:s, s:O?, s:O?, s:O?}", "type", type, "protocol",
                         json_object_get(rc, "Protocol"), "port", json_object_get(rc, "Port"),
                         "status", json_object_get(rc, "StatusCode"));
    if (!tg)
        tg = json_object_get(json_array_get(json_object_get(json_object_get(a, "ForwardConfig"),
                                                            "TargetGroups"),
                                            0),
                             "TargetGroupArn");
    return json_pack("{s:s?, s:O?}", "type", type, "targetGroup", tg);
}

/* Our compact action as ELBv2's action list. */
static json_t *aws_actions(const json_t *want)
{
    const char *type = json_string_value(json_object_get(want, "type"));

    if (type && strcmp(type, "redirect") == 0)
        return json_pack("[{s:s, s:{s:O, s:O, s:O}}]", "Type", "redirect", "RedirectConfig",
                         "Protocol", json_object_get(want, "protocol"), "Port",
                         json_object_get(want, "port"), "StatusCode",
                         json_object_get(want, "status"));
    return json_pack("[{s:s, s:O}]", "Type", "forward", "TargetGroupArn",
                     json_object_get(want, "targetGroup"));
}

static int elb_ours(bool *out, struct gf_rc_io *io, const char *arn)
{
    json_t *tags = NULL;
    int code = gf_elbv2_describe_tags(&tags, io->aws, arn);

    *out = code == 0 && gf_rc_tagged_for_stack(tags, "Key", "Value", io->rc);
    json_decref(tags);
    return code;
}

/* The listener on `port` of the stack's load balancer. GF_ENOTFOUND: none (yet). */
static int find_listener(json_t **out, struct gf_rc_io *io, int port)
{
    const char *lb = gf_rc_stack(io->rc)->alb.arn.v;
    json_t *all = NULL;
    size_t i;
    const json_t *l;
    int code;

    *out = NULL;
    if (!lb)
        return GF_ENOTFOUND;
    code = gf_elbv2_list_listeners(&all, io->aws, lb);
    json_array_foreach(all, i, l) {
        if (json_integer_value(json_object_get(l, "Port")) == port)
            *out = json_incref((json_t *)l);
    }
    json_decref(all);
    if (code == 0 && !*out)
        code = GF_ENOTFOUND;
    return code;
}

static int tag_new(struct gf_rc_res *r, struct gf_rc_io *io, const char *arn)
{
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value");
    int code = tags ? gf_elbv2_add_tags(io->aws, arn, tags) : gf_error_oom();

    json_decref(tags);
    return code;
}

/* ---- listener --------------------------------------------------------------------------------- */

static int ln_expand(struct gf_rc *rc)
{
    return expand_ports(rc, &gf_rc_kind_listener);
}

static int ln_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_task *t = gf_stack_http_task(s);
    int port = port_of(r);
    bool tls = t && t->type == GF_TASK_HTTPS && !is_redirect(s, port);

    r->desired = json_pack("{s:i, s:s, s:o?}", "port", port, "protocol", tls ? "HTTPS" : "HTTP",
                           "action", want_action(s, port));
    if (r->desired && tls)
        json_object_set_new(r->desired, "certificate",
                            json_string(gf_rc_or_unknown(&t->certificate_arn)));
    return r->desired && json_object_get(r->desired, "action") ? 0 : gf_error_oom();
}

static int ln_adopt(struct gf_rc_res *r, struct gf_rc_io *io, json_t *l)
{
    const char *arn = json_string_value(json_object_get(l, "ListenerArn"));
    const json_t *cert = json_object_get(json_array_get(json_object_get(l, "Certificates"), 0),
                                         "CertificateArn");
    bool ours = false;
    int code = arn ? elb_ours(&ours, io, arn) : gf_error_set(GF_ERROR, "listener without ARN");

    json_decref(r->actual);
    r->actual = json_pack("{s:O?, s:O?, s:o?, s:O?, s:b}", "port", json_object_get(l, "Port"),
                          "protocol", json_object_get(l, "Protocol"), "action",
                          have_action(json_array_get(json_object_get(l, "DefaultActions"), 0)),
                          "certificate", cert, "_ours", ours);
    if (r->actual && !ours && r->desired) { /* a reused load balancer's listener: used as is */
        json_object_set(r->actual, "action", json_object_get(r->desired, "action"));
        json_object_set(r->actual, "protocol", json_object_get(r->desired, "protocol"));
        if (json_object_get(r->desired, "certificate"))
            json_object_set(r->actual, "certificate", json_object_get(r->desired, "certificate"));
    }
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (code == 0 && (!r->actual || !r->id))
        code = gf_error_oom();
    json_decref(l);
    return code;
}

static int ln_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *l = NULL;
    int code = find_listener(&l, io, port_of(r));

    return code < 0 ? code : ln_adopt(r, io, l);
}

static int ln_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *cert = json_string_value(json_object_get(r->desired, "certificate"));
    json_t *actions = aws_actions(json_object_get(r->desired, "action")), *l = NULL;
    int code = actions ? 0 : gf_error_oom();

    if (code == 0)
        code = gf_elbv2_create_listener(
            &l, io->aws, gf_rc_stack(io->rc)->alb.arn.v,
            json_string_value(json_object_get(r->desired, "protocol")), port_of(r), cert, actions);
    json_decref(actions);
    if (code == GF_ECONFLICT) { /* made by an interrupted run: adopt it */
        gf_error_clear();
        return ln_read(r, io);
    }
    if (code == 0)
        code = tag_new(r, io, json_string_value(json_object_get(l, "ListenerArn")));
    if (code < 0) {
        json_decref(l);
        return code;
    }
    return ln_adopt(r, io, l);
}

static int ln_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *cert = json_string_value(json_object_get(r->desired, "certificate"));
    json_t *actions = aws_actions(json_object_get(r->desired, "action")), *l = NULL;
    int code = actions ? 0 : gf_error_oom();

    if (code == 0)
        code = gf_elbv2_modify_listener(&l, io->aws, r->id,
                                        json_string_value(json_object_get(r->desired, "protocol")),
                                        port_of(r), cert, actions);
    json_decref(actions);
    json_decref(l);
    return code < 0 ? code : ln_read(r, io);
}

static int ln_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    bool ours = json_is_true(json_object_get(r->actual, "_ours"));
    int code = 0;

    if (r->id && !json_object_get(r->actual, "_ours"))
        code = elb_ours(&ours, io, r->id);
    if (code == 0 && r->id && ours)
        code = gf_elbv2_delete_listener(io->aws, r->id);
    else if (code == 0 && r->id)
        gf_rc_progress(io->rc, r, "kept: not made by gitfargate");
    return code == GF_ENOTFOUND ? 0 : code;
}

/* Our listeners on the stack's load balancer on a port the stack no longer listens on: every
 * one when the load balancer itself goes, so that their target groups and certificates are
 * deleted only once no listener uses them (the graph orders the deletions). */
static int ln_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_rc_res *gone = gf_rc_find(rc, "load_balancer", "");
    const char *lb = gf_rc_stack(rc)->alb.arn.v;
    json_t *all = NULL;
    size_t i;
    const json_t *l;
    int code;

    if (!lb && gone && gone->orphan)
        lb = gone->id;
    if (!lb)
        return 0;
    code = gf_elbv2_list_listeners(&all, io->aws, lb);
    json_array_foreach(all, i, l) {
        const char *arn = json_string_value(json_object_get(l, "ListenerArn"));
        char key[16];
        bool ours = false;

        if (code < 0 || !arn)
            break;
        snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(l, "Port")));
        if (gf_rc_wanted(rc, "listener", key))
            continue;
        code = elb_ours(&ours, io, arn);
        if (code == 0 && ours)
            code = gf_rc_add_orphan(rc, &gf_rc_kind_listener, key, key, arn,
                                    json_pack("{s:b}", "_ours", 1));
    }
    json_decref(all);
    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_ln_deps[] = {"load_balancer", "target_group", "certificate", NULL};
static const char *const s_ln_create[] = {"elbv2:CreateListener", "elbv2:AddTags", NULL};
static const char *const s_ln_update[] = {"elbv2:ModifyListener", NULL};
static const char *const s_ln_delete[] = {"elbv2:DeleteListener", NULL};
static const char *const s_ln_replace[] = {"port", NULL};

const struct gf_rc_kind gf_rc_kind_listener = {
    .name = "listener",
    .deps = s_ln_deps,
    .expand = ln_expand,
    .desire = ln_desire,
    .read = ln_read,
    .create = ln_create,
    .update = ln_update,
    .destroy = ln_destroy,
    .orphans = ln_orphans,
    .replace_fields = s_ln_replace,
    .create_calls = s_ln_create,
    .update_calls = s_ln_update,
    .delete_calls = s_ln_delete,
};

/* ---- listener_rule ---------------------------------------------------------------------------- */

static int rule_expand(struct gf_rc *rc)
{
    if (!gf_rc_stack(rc)->domain.v)
        return 0;
    return expand_ports(rc, &gf_rc_kind_listener_rule);
}

static int rule_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    r->desired = json_pack("{s:s, s:o?}", "host", s->domain.v, "action",
                           want_action(s, port_of(r)));
    return r->desired && json_object_get(r->desired, "action") ? 0 : gf_error_oom();
}

static bool rule_has_host(const json_t *rule, const char *host)
{
    size_t i, j;
    const json_t *c, *v;

    json_array_foreach(json_object_get(rule, "Conditions"), i, c) {
        const char *field = json_string_value(json_object_get(c, "Field"));
        const json_t *values = json_object_get(json_object_get(c, "HostHeaderConfig"), "Values");

        if (!field || strcmp(field, "host-header") != 0)
            continue;
        if (!values)
            values = json_object_get(c, "Values");
        json_array_foreach(values, j, v) {
            if (json_string_value(v) && strcmp(json_string_value(v), host) == 0)
                return true;
        }
    }
    return false;
}

/* The stack's rule on the listener (rules_out: all of them, for the priorities; may be NULL). */
static int find_rule(json_t **out, json_t **rules_out, struct gf_rc_res *r, struct gf_rc_io *io,
                     char **listener_out)
{
    const char *host = gf_rc_stack(io->rc)->domain.v;
    json_t *l = NULL, *rules = NULL;
    size_t i;
    const json_t *rule;
    int code = find_listener(&l, io, port_of(r));

    *out = NULL;
    if (code == 0)
        code = gf_elbv2_list_rules(&rules, io->aws,
                                   json_string_value(json_object_get(l, "ListenerArn")));
    json_array_foreach(rules, i, rule) {
        if (!*out && !json_is_true(json_object_get(rule, "IsDefault")) && rule_has_host(rule, host))
            *out = json_incref((json_t *)rule);
    }
    if (code == 0 && listener_out) {
        *listener_out = gf_strdup(json_string_value(json_object_get(l, "ListenerArn")));
        code = *listener_out ? 0 : gf_error_oom();
    }
    if (code == 0 && rules_out)
        *rules_out = json_incref(rules);
    if (code == 0 && !*out && !rules_out)
        code = GF_ENOTFOUND;
    json_decref(l);
    json_decref(rules);
    return code;
}

static int rule_adopt(struct gf_rc_res *r, struct gf_rc_io *io, json_t *rule)
{
    const char *arn = json_string_value(json_object_get(rule, "RuleArn"));
    bool ours = false;
    int code = arn ? elb_ours(&ours, io, arn) : gf_error_set(GF_ERROR, "rule without ARN");

    json_decref(r->actual);
    r->actual = json_pack("{s:s, s:o?, s:O?, s:b}", "host", gf_rc_stack(io->rc)->domain.v,
                          "action", have_action(json_array_get(json_object_get(rule, "Actions"), 0)),
                          "priority", json_object_get(rule, "Priority"), "_ours", ours);
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (code == 0 && (!r->actual || !r->id))
        code = gf_error_oom();
    json_decref(rule);
    return code;
}

static int rule_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *rule = NULL;
    int code = find_rule(&rule, NULL, r, io, NULL);

    return code < 0 ? code : rule_adopt(r, io, rule);
}

/* FargateStack: highest numeric priority + 1, or 100 on a listener without rules. */
static int next_priority(const json_t *rules)
{
    size_t i;
    const json_t *rule;
    long top = 0;

    json_array_foreach(rules, i, rule) {
        const char *p = json_string_value(json_object_get(rule, "Priority"));
        long v = p ? strtol(p, NULL, 10) : 0;

        top = v > top ? v : top;
    }
    return top ? (int)(top + 1 > MAX_PRIORITY ? MAX_PRIORITY : top + 1) : FIRST_PRIORITY;
}

static json_t *host_condition(const char *host)
{
    return json_pack("[{s:s, s:{s:[s]}}]", "Field", "host-header", "HostHeaderConfig", "Values",
                     host);
}

static int rule_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *found = NULL, *rules = NULL, *made = NULL;
    json_t *conds = host_condition(gf_rc_stack(io->rc)->domain.v);
    json_t *actions = aws_actions(json_object_get(r->desired, "action"));
    char *listener = NULL;
    int attempt, code = conds && actions ? 0 : gf_error_oom();

    for (attempt = 0; code == 0 && attempt < 2; attempt++) {
        code = find_rule(&found, &rules, r, io, &listener);
        if (code == 0 && found) /* made by an interrupted run: adopt it */
            break;
        if (code == 0)
            code = gf_elbv2_create_rule(&made, io->aws, listener, next_priority(rules), conds,
                                        actions);
        json_decref(rules);
        rules = NULL;
        gf_free(listener);
        listener = NULL;
        if (code != GF_ECONFLICT || attempt == 1) /* a priority taken meanwhile: once more */
            break;
        gf_error_clear();
        code = 0;
    }
    if (code == 0 && made)
        code = tag_new(r, io, json_string_value(json_object_get(made, "RuleArn")));
    json_decref(conds);
    json_decref(actions);
    if (code < 0) {
        json_decref(found);
        json_decref(made);
        return code;
    }
    return rule_adopt(r, io, found ? found : made);
}

static int rule_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *conds = host_condition(gf_rc_stack(io->rc)->domain.v);
    json_t *actions = aws_actions(json_object_get(r->desired, "action")), *rule = NULL;
    int code = conds && actions ? gf_elbv2_modify_rule(&rule, io->aws, r->id, conds, actions)
                                : gf_error_oom();

    json_decref(conds);
    json_decref(actions);
    json_decref(rule);
    return code < 0 ? code : rule_read(r, io);
}

static int rule_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = r->id ? gf_elbv2_delete_rule(io->aws, r->id) : 0;

    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_rule_deps[] = {"listener", NULL};
static const char *const s_rule_create[] = {"elbv2:DescribeRules", "elbv2:CreateRule",
                                            "elbv2:AddTags", NULL};
static const char *const s_rule_update[] = {"elbv2:ModifyRule", NULL};
static const char *const s_rule_delete[] = {"elbv2:DeleteRule", NULL};

const struct gf_rc_kind gf_rc_kind_listener_rule = {
    .name = "listener_rule",
    .deps = s_rule_deps,
    .expand = rule_expand,
    .desire = rule_desire,
    .read = rule_read,
    .create = rule_create,
    .update = rule_update,
    .destroy = rule_destroy,
    .create_calls = s_rule_create,
    .update_calls = s_rule_update,
    .delete_calls = s_rule_delete,
};
