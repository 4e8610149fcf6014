/* SPDX-License-Identifier: Apache-2.0 */
/* k_alb.c: the stack's application load balancer and its security group
 * (fargatestack-behaviour.md §5.6, §6.13). An existing ALB of the wanted scheme in the VPC is
 * reused when it is the only one (several: an error unless alb.arn or alb.create says which);
 * otherwise `<app>-alb` is made, internet-facing in the first two public subnets for a public
 * ALB, internal in the private ones otherwise, behind `<app>-alb-sg`. What gitfargate did not
 * make (a reused ALB, its group) is used but never changed or deleted. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_ec2.h"
#include "aws/svc_elbv2.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/k_alb.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define RETRY_MS      3000
#define MAX_LB_SUBNETS 2

/* ---- shared ----------------------------------------------------------------------------------- */

static bool alb_public(const struct gf_stack *s)
{
    return s->alb.type.v && strcmp(s->alb.type.v, "public") == 0;
}

static const char *alb_scheme(const struct gf_stack *s)
{
    return alb_public(s) ? "internet-facing" : "internal";
}

json_t *gf_rc_alb_subnets(const struct gf_stack *s)
{
    const struct gf_strlist *from = alb_public(s) ? &s->subnets_public : &s->subnets_private;
    json_t *subnets = json_array();
    size_t i;

    for (i = 0; subnets && i < from->n && i < MAX_LB_SUBNETS; i++)
        if (json_array_append_new(subnets, json_string(from->v[i])) < 0) {
            json_decref(subnets);
            return NULL;
        }
    return subnets;
}

/* Whether the load balancer `arn` carries this stack's tag. */
static int lb_ours(bool *out, struct gf_rc_io *io, const char *arn)
{
    json_t *tags = NULL;
    int code = gf_elbv2_describe_tags(&tags, io->aws, arn);

    *out = code == 0 && gf_rc_tagged_for_stack(tags, "Key", "Value", io->rc);
    json_decref(tags);
    return code;
}

static bool actual_ours(const struct gf_rc_res *r)
{
    return json_is_true(json_object_get(r->actual, "_ours"));
}

/* Whether gitfargate made r: what the read saw, else (a plan the cache decided) its tags now. */
static int made_by_us(bool *out, struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *group = NULL;
    int code;

    *out = actual_ours(r);
    if (*out || json_object_get(r->actual, "_ours") || !r->id)
        return 0;
    if (r->kind == &gf_rc_kind_load_balancer)
        return lb_ours(out, io, r->id);
    code = gf_ec2_get_security_group(&group, io->aws, r->id);
    *out = code == 0 &&
           gf_rc_tagged_for_stack(json_object_get(group, "tagSet"), "key", "value", io->rc);
    json_decref(group);
    return code;
}

/* §5.6: the only application load balancer of the scheme in the VPC. GF_ENOTFOUND: none. */
static int alb_discover(json_t **out, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    struct gf_buf names = GF_BUF_INIT;
    json_t *all = NULL, *hit = NULL;
    size_t i, n = 0;
    const json_t *lb;
    int code = gf_elbv2_list_load_balancers(&all, io->aws);

    json_array_foreach(all, i, lb) {
        const char *scheme = json_string_value(json_object_get(lb, "Scheme"));
        const char *vpc = json_string_value(json_object_get(lb, "VpcId"));
        const char *type = json_string_value(json_object_get(lb, "Type"));

        if (!scheme || strcmp(scheme, alb_scheme(s)) != 0 || !vpc || !s->vpc_id.v ||
            strcmp(vpc, s->vpc_id.v) != 0 || (type && strcmp(type, "application") != 0))
            continue;
        hit = (json_t *)lb;
        gf_buf_printf(&names, "%s%s", n++ ? ", " : "",
                      json_string_value(json_object_get(lb, "LoadBalancerName")));
    }
    if (code == 0 && n == 0)
        code = GF_ENOTFOUND;
    if (code == 0 && n > 1) {
        code = gf_error_set(GF_EINVALID, "%zu %s load balancers found in %s: %s", n,
                            alb_scheme(s), s->vpc_id.v, gf_buf_failed(&names) ? "?" : names.ptr);
        gf_error_key("alb.arn");
        gf_error_hint("write the ARN of the one to use as alb.arn, or set alb.create: true to "
                      "make one for the stack");
    }
    if (code == 0)
        *out = json_incref(hit);
    json_decref(all);
    gf_buf_release(&names);
    return code;
}

/* The load balancer the stack uses: the state's ARN, its name, else the one to reuse.
 * GF_ENOTFOUND: one is to be made. */
static int alb_find(json_t **out, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    int code;

    *out = NULL;
    if (s->alb.arn.v) {
        code = gf_elbv2_describe_load_balancer(out, io->aws, s->alb.arn.v);
        if (code != GF_ENOTFOUND)
            return code;
        if (s->alb.arn.origin == GF_ORIGIN_USER) {
            code = gf_error_set(GF_EINVALID, "load balancer '%s' does not exist", s->alb.arn.v);
            gf_error_key("alb.arn");
            return code;
        }
        gf_error_clear();
    }
    code = gf_elbv2_describe_load_balancer(out, io->aws, s->alb.name.v);
    if (code != GF_ENOTFOUND || s->alb.create.v)
        return code;
    gf_error_clear();
    return alb_discover(out, io);
}

static int alb_expand_one(struct gf_rc *rc, const struct gf_rc_kind *kind, const char *name)
{
    if (!gf_stack_http_task(gf_rc_stack(rc)))
        return 0;
    return gf_rc_add(NULL, rc, kind, "", name, NULL);
}

/* Desire again once the read has found what the stack uses (a reused ALB's names). */
static int redesire(struct gf_rc_res *r, struct gf_rc *rc)
{
    if (!r->desired)
        return 0;
    json_decref(r->desired);
    r->desired = NULL;
    return r->kind->desire(r, rc);
}

static int retry_sleep(struct gf_rc_res *r, struct gf_rc_io *io, int64_t *waited_ms,
                       const char *what)
{
    if (*waited_ms >= (int64_t)gf_rc_wait_timeout_s(io->rc) * 1000)
        return -1;
    gf_rc_progress(io->rc, r, "%s (%lld s)", what, (long long)(*waited_ms / 1000));
    *waited_ms += RETRY_MS;
    return gf_rc_sleep(io->rc, RETRY_MS);
}

/* ---- alb_security_group ----------------------------------------------------------------------- */

static const char *asg_name(const struct gf_stack *s)
{
    return s->sg_alb.group_name.v ? s->sg_alb.group_name.v : s->sg_alb.name.v;
}

static int asg_expand(struct gf_rc *rc)
{
    return alb_expand_one(rc, &gf_rc_kind_alb_security_group, asg_name(gf_rc_stack(rc)));
}

static json_t *asg_ports(const struct gf_stack *s)
{
    json_t *ports = json_array();
    int port = (int)s->alb.port.v;

    if (s->alb.redirect_80.v && port != 80) /* §15.7: the redirect listener needs 80 open */
        json_array_append_new(ports, json_integer(80));
    json_array_append_new(ports, json_integer(port));
    return ports;
}

static int asg_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    r->desired = json_pack("{s:s, s:s, s:o, s:s}", "groupName", asg_name(s), "vpcId",
                           gf_rc_or_unknown(&s->vpc_id), "ports", asg_ports(s), "cidr",
                           alb_public(s) ? "0.0.0.0/0" : GF_RC_UNKNOWN);
    return r->desired ? 0 : gf_error_oom();
}

static const char *asg_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->sg_alb.group_id.v;
}

static int cmp_int(const void *a, const void *b)
{
    json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;

    return (x > y) - (x < y);
}

#define MAX_PORTS 64

/* The tcp ports the group opens to address ranges, sorted, and the first range. */
static json_t *asg_opened(const json_t *group, const char **cidr_out)
{
    json_t *sorted = json_array();
    json_int_t v[MAX_PORTS];
    size_t i, n = 0;
    const json_t *p;

    *cidr_out = NULL;
    json_array_foreach(json_object_get(group, "ipPermissions"), i, p) {
        const json_t *ranges = json_object_get(p, "ipRanges");
        const char *proto = json_string_value(json_object_get(p, "ipProtocol"));

        if (!json_array_size(ranges) || !proto || strcmp(proto, "tcp") != 0 || n == MAX_PORTS)
            continue;
        if (!*cidr_out)
            *cidr_out = json_string_value(json_object_get(json_array_get(ranges, 0), "cidrIp"));
        v[n++] = json_integer_value(json_object_get(p, "fromPort"));
    }
    qsort(v, n, sizeof(v[0]), cmp_int);
    for (i = 0; i < n; i++)
        json_array_append_new(sorted, json_integer(v[i]));
    return sorted;
}

static int asg_adopt(struct gf_rc_res *r, struct gf_rc_io *io, json_t *group)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    const char *id = json_string_value(json_object_get(group, "groupId"));
    const char *name = json_string_value(json_object_get(group, "groupName"));
    const char *cidr;
    bool ours = gf_rc_tagged_for_stack(json_object_get(group, "tagSet"), "key", "value", io->rc);
    json_t *ports = asg_opened(group, &cidr);
    int code = 0;

    json_decref(r->actual);
    r->actual = json_pack("{s:s?, s:O?, s:o, s:s?, s:b}", "groupName", name, "vpcId",
                          json_object_get(group, "vpcId"), "ports", ports, "cidr", cidr, "_ours",
                          ours);
    if (r->actual && !ours && r->desired) { /* a reused ALB's group: used, never changed */
        json_object_set(r->actual, "ports", json_object_get(r->desired, "ports"));
        json_object_set(r->actual, "cidr", json_object_get(r->desired, "cidr"));
    }
    gf_free(r->id);
    r->id = id ? gf_strdup(id) : NULL;
    if (!r->actual || (id && !r->id))
        code = gf_error_oom();
    if (code == 0)
        code = gf_rc_state_set(io->rc, &s->sg_alb.group_id, id);
    if (code == 0 && name && s->sg_alb.group_name.v == NULL &&
        (!s->sg_alb.name.v || strcmp(s->sg_alb.name.v, name) != 0))
        code = gf_rc_state_set(io->rc, &s->sg_alb.name, name);
    json_decref(group);
    return code < 0 ? code : redesire(r, io->rc);
}

static int asg_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *group = NULL, *lb = NULL;
    const char *gid;
    int code = GF_ENOTFOUND;

    if (s->sg_alb.group_id.v)
        code = gf_ec2_get_security_group(&group, io->aws, s->sg_alb.group_id.v);
    if (code == GF_ENOTFOUND) {
        code = alb_find(&lb, io);
        gid = json_string_value(json_array_get(json_object_get(lb, "SecurityGroups"), 0));
        if (code == 0)
            code = gid ? gf_ec2_get_security_group(&group, io->aws, gid) : GF_ENOTFOUND;
    }
    if (code == GF_ENOTFOUND && s->vpc_id.v)
        code = gf_ec2_find_security_group(&group, io->aws, s->vpc_id.v, asg_name(s));
    json_decref(lb);
    return code < 0 ? code : asg_adopt(r, io, group);
}

static int asg_authorize(struct gf_rc_io *io, const char *gid, const json_t *ports,
                         const char *cidr)
{
    size_t i;
    const json_t *p;
    int code = 0;

    json_array_foreach(ports, i, p) {
        json_t *perm = json_pack("[{s:s, s:O, s:O, s:[{s:s, s:s}]}]", "IpProtocol", "tcp",
                                 "FromPort", p, "ToPort", p, "IpRanges", "CidrIp", cidr,
                                 "Description", "gitfargate: load balancer listener");
        json_t *made = NULL;

        code = perm ? gf_ec2_authorize_security_group(&made, io->aws, gid, false, perm)
                    : gf_error_oom();
        json_decref(perm);
        json_decref(made);
        if (code == GF_ECONFLICT) /* already open */
            code = 0;
        if (code < 0)
            break;
    }
    return code;
}

/* The address range the group opens: anywhere for a public ALB, the VPC for an internal one. */
static int asg_cidr(char **out, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *vpc = NULL;
    int code;

    if (alb_public(s)) {
        *out = gf_strdup("0.0.0.0/0");
        return *out ? 0 : gf_error_oom();
    }
    code = gf_ec2_get_vpc(&vpc, io->aws, s->vpc_id.v);
    if (code == 0) {
        *out = gf_strdup(json_string_value(json_object_get(vpc, "cidrBlock")));
        code = *out ? 0 : gf_error_set(GF_ERROR, "vpc '%s' has no CIDR block", s->vpc_id.v);
    }
    json_decref(vpc);
    return code;
}

static int asg_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *made = NULL, *group = NULL;
    char *cidr = NULL;
    int code = tags ? asg_cidr(&cidr, io) : gf_error_oom();

    if (code == 0)
        code = gf_ec2_create_security_group(&made, io->aws, s->vpc_id.v, asg_name(s),
                                            "gitfargate: the load balancer of the stack", tags);
    if (code == GF_ECONFLICT) /* made by an interrupted run: adopt it */
        code = 0;
    if (code == 0)
        code = gf_ec2_find_security_group(&group, io->aws, s->vpc_id.v, asg_name(s));
    if (code == 0)
        code = asg_authorize(io, json_string_value(json_object_get(group, "groupId")),
                             json_object_get(r->desired, "ports"), cidr);
    json_decref(group);
    json_decref(tags);
    json_decref(made);
    gf_free(cidr);
    return code < 0 ? code : asg_read(r, io);
}

static bool has_port(const json_t *ports, const json_t *port)
{
    size_t i;
    const json_t *p;

    json_array_foreach(ports, i, p) {
        if (json_integer_value(p) == json_integer_value(port))
            return true;
    }
    return false;
}

/* Revoke the ports the group opens that the stack no longer listens on. */
static int asg_revoke_extra(struct gf_rc_res *r, struct gf_rc_io *io, const char *cidr)
{
    const json_t *want = json_object_get(r->desired, "ports");
    size_t i;
    const json_t *p;
    int code = 0;

    json_array_foreach(json_object_get(r->actual, "ports"), i, p) {
        json_t *perm;

        if (has_port(want, p))
            continue;
        perm = json_pack("[{s:s, s:O, s:O, s:[{s:s}]}]", "IpProtocol", "tcp", "FromPort", p,
                         "ToPort", p, "IpRanges", "CidrIp", cidr);
        code = perm ? gf_ec2_revoke_security_group(io->aws, r->id, false, perm, NULL)
                    : gf_error_oom();
        json_decref(perm);
        if (code == GF_ENOTFOUND)
            code = 0;
        if (code < 0)
            break;
    }
    return code;
}

static int asg_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *had = json_string_value(json_object_get(r->actual, "cidr"));
    char *cidr = NULL;
    int code = asg_cidr(&cidr, io);

    if (code == 0 && actual_ours(r))
        code = asg_revoke_extra(r, io, had ? had : cidr);
    if (code == 0 && actual_ours(r))
        code = asg_authorize(io, r->id, json_object_get(r->desired, "ports"), cidr);
    gf_free(cidr);
    return code < 0 ? code : asg_read(r, io);
}

static int asg_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    int64_t waited_ms = 0;
    bool ours = false;
    int code = made_by_us(&ours, r, io);

    if (code == 0 && ours) {
        /* the load balancer's network interfaces go some time after it */
        while ((code = gf_ec2_delete_security_group(io->aws, r->id)) == GF_ECONFLICT) {
            struct gf_error saved;

            gf_error_copy(&saved, gf_error_last());
            if (retry_sleep(r, io, &waited_ms, "still in use, retrying") != 0) {
                code = gf_error_restore(&saved);
                break;
            }
        }
    } else if (code == 0 && r->id) {
        gf_rc_progress(io->rc, r, "kept: not made by gitfargate");
    }
    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 ? code : gf_rc_state_set(io->rc, &s->sg_alb.group_id, NULL);
}

static int asg_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    json_t *filters = json_pack("[{s:s, s:[s]}, {s:s, s:[s]}]", "Name", "tag:" GF_RC_TAG_STACK,
                                "Values", s->app_name.v, "Name", "tag:" GF_RC_TAG_KEY, "Values",
                                "alb_security_group/");
    json_t *groups = NULL;
    size_t i;
    const json_t *g;
    int code = filters ? 0 : gf_error_oom();

    if (code == 0 && gf_rc_wanted(rc, "alb_security_group", ""))
        goto out;
    if (code == 0)
        code = gf_ec2_describe_security_groups(&groups, io->aws, NULL, filters);
    json_array_foreach(groups, i, g) {
        if (code < 0)
            break;
        code = gf_rc_add_orphan(rc, &gf_rc_kind_alb_security_group, "",
                                json_string_value(json_object_get(g, "groupName")),
                                json_string_value(json_object_get(g, "groupId")),
                                json_pack("{s:b}", "_ours", 1));
    }
out:
    json_decref(filters);
    json_decref(groups);
    return code;
}

static const char *const s_asg_create[] = {"ec2:CreateSecurityGroup",
                                           "ec2:AuthorizeSecurityGroupIngress",
                                           "ec2:DescribeSecurityGroups", NULL};
static const char *const s_asg_update[] = {"ec2:RevokeSecurityGroupIngress",
                                           "ec2:AuthorizeSecurityGroupIngress",
                                           "ec2:DescribeSecurityGroups", NULL};
static const char *const s_asg_delete[] = {"ec2:DeleteSecurityGroup", NULL};
static const char *const s_asg_replace[] = {"groupName", "vpcId", NULL};

const struct gf_rc_kind gf_rc_kind_alb_security_group = {
    .name = "alb_security_group",
    .expand = asg_expand,
    .desire = asg_desire,
    .read = asg_read,
    .create = asg_create,
    .update = asg_update,
    .destroy = asg_destroy,
    .orphans = asg_orphans,
    .state_id = asg_state_id,
    .replace_fields = s_asg_replace,
    .create_calls = s_asg_create,
    .update_calls = s_asg_update,
    .delete_calls = s_asg_delete,
};

/* ---- load_balancer ---------------------------------------------------------------------------- */

static int lb_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    if (s->alb.waf.enabled.v && gf_stack_http_task(s)) /* WAFv2 is not one of ours yet */
        gf_rc_warn(rc, "alb.waf (line %u) is not applied yet: the load balancer has no web ACL",
                   (unsigned)s->alb.waf.pos.line);
    return alb_expand_one(rc, &gf_rc_kind_load_balancer, s->alb.name.v);
}

static int lb_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    r->desired = json_pack("{s:s, s:s, s:s}", "name", s->alb.name.v, "scheme", alb_scheme(s),
                           "vpcId", gf_rc_or_unknown(&s->vpc_id));
    return r->desired ? 0 : gf_error_oom();
}

static const char *lb_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->alb.arn.v;
}

static int lb_adopt(struct gf_rc_res *r, struct gf_rc_io *io, json_t *lb)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    const char *arn = json_string_value(json_object_get(lb, "LoadBalancerArn"));
    const char *name = json_string_value(json_object_get(lb, "LoadBalancerName"));
    bool ours = false;
    int code = arn ? lb_ours(&ours, io, arn) : gf_error_set(GF_ERROR, "load balancer without ARN");

    json_decref(r->actual);
    r->actual = json_pack("{s:s?, s:O?, s:O?, s:O?, s:b}", "name", name, "scheme",
                          json_object_get(lb, "Scheme"), "vpcId", json_object_get(lb, "VpcId"),
                          "dnsName", json_object_get(lb, "DNSName"), "_ours", ours);
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (code == 0 && (!r->actual || !r->id))
        code = gf_error_oom();
    if (code == 0)
        code = gf_rc_state_set(io->rc, &s->alb.arn, arn);
    if (code == 0 && name && (!s->alb.name.v || strcmp(s->alb.name.v, name) != 0))
        code = gf_rc_state_set(io->rc, &s->alb.name, name);
    json_decref(lb);
    return code < 0 ? code : redesire(r, io->rc);
}

static int lb_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *lb = NULL;
    int code = alb_find(&lb, io);

    return code < 0 ? code : lb_adopt(r, io, lb);
}

static int lb_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *subnets = gf_rc_alb_subnets(s), *sgs = json_pack("[s?]", s->sg_alb.group_id.v);
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *lb = NULL;
    int code = subnets && sgs && tags ? 0 : gf_error_oom();

    if (code == 0)
        code = gf_elbv2_create_load_balancer(&lb, io->aws, s->alb.name.v, alb_scheme(s), subnets,
                                             sgs, tags);
    if (code == GF_ECONFLICT) { /* made by an interrupted run: adopt it */
        gf_error_clear();
        code = gf_elbv2_describe_load_balancer(&lb, io->aws, s->alb.name.v);
    }
    json_decref(subnets);
    json_decref(sgs);
    json_decref(tags);
    return code < 0 ? code : lb_adopt(r, io, lb);
}

/* Wait until the load balancer is gone, so its group can go too. */
static int lb_wait_gone(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int64_t waited_ms = 0;
    json_t *lb = NULL;
    int code;

    while ((code = gf_elbv2_describe_load_balancer(&lb, io->aws, r->id)) == 0) {
        json_decref(lb);
        lb = NULL;
        if (retry_sleep(r, io, &waited_ms, "waiting for the load balancer to go") != 0)
            return gf_error_set(GF_ERETRY, "load balancer '%s' still exists after %d s", r->name,
                                gf_rc_wait_timeout_s(io->rc));
    }
    if (code == GF_ENOTFOUND)
        gf_error_clear();
    return code == GF_ENOTFOUND ? 0 : code;
}

static int lb_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    bool ours = false;
    int code = made_by_us(&ours, r, io);

    if (code < 0 || !r->id)
        return code == GF_ENOTFOUND ? 0 : code;
    if (!ours) {
        gf_rc_progress(io->rc, r, "kept: not made by gitfargate");
        return 0;
    }
    code = gf_elbv2_delete_load_balancer(io->aws, r->id);
    if (code == 0 && gf_rc_wait_timeout_s(io->rc) > 0)
        code = lb_wait_gone(r, io);
    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 ? code : gf_rc_state_set(io->rc, &s->alb.arn, NULL);
}

static int lb_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    json_t *all = NULL;
    size_t i;
    const json_t *lb;
    int code = 0;

    if (gf_rc_wanted(rc, "load_balancer", ""))
        return 0;
    code = gf_elbv2_list_load_balancers(&all, io->aws);
    json_array_foreach(all, i, lb) {
        const char *arn = json_string_value(json_object_get(lb, "LoadBalancerArn"));
        const char *vpc = json_string_value(json_object_get(lb, "VpcId"));
        bool ours = false;

        if (code < 0)
            break;
        if (!arn || !vpc || !s->vpc_id.v || strcmp(vpc, s->vpc_id.v) != 0)
            continue;
        code = lb_ours(&ours, io, arn);
        if (code == 0 && ours)
            code = gf_rc_add_orphan(rc, &gf_rc_kind_load_balancer, "",
                                    json_string_value(json_object_get(lb, "LoadBalancerName")),
                                    arn, json_pack("{s:b}", "_ours", 1));
    }
    json_decref(all);
    return code;
}

static const char *const s_lb_deps[] = {"alb_security_group", NULL};
static const char *const s_lb_create[] = {"elbv2:CreateLoadBalancer", "elbv2:DescribeTags", NULL};
static const char *const s_lb_delete[] = {"elbv2:DeleteLoadBalancer",
                                          "elbv2:DescribeLoadBalancers", NULL};
static const char *const s_lb_replace[] = {"name", "scheme", "vpcId", NULL};

const struct gf_rc_kind gf_rc_kind_load_balancer = {
    .name = "load_balancer",
    .deps = s_lb_deps,
    .expand = lb_expand,
    .desire = lb_desire,
    .read = lb_read,
    .create = lb_create,
    .destroy = lb_destroy,
    .orphans = lb_orphans,
    .state_id = lb_state_id,
    .replace_fields = s_lb_replace,
    .create_calls = s_lb_create,
    .delete_calls = s_lb_delete,
};
