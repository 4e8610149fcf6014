/* SPDX-License-Identifier: Apache-2.0 */
/* k_sg_ingress.c: the rule that lets the load balancer reach the tasks: ingress on the tasks'
 * security group (reconcile/k_security_group.c) from the ALB's group, tcp on the container port
 * (fargatestack-behaviour.md §6.13; FargateStack's fixed port 80 is §15.8's defect). A port
 * change replaces the rule: the old one is revoked, the new one authorised. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_ec2.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static int ing_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_task *t = gf_stack_http_task(s);
    char name[160];

    if (!t)
        return 0;
    snprintf(name, sizeof(name), "%s from %s", s->sg_fargate.group_name.v,
             s->sg_alb.group_name.v ? s->sg_alb.group_name.v : s->sg_alb.name.v);
    return gf_rc_add(NULL, rc, &gf_rc_kind_sg_ingress, "", name, t);
}

static int ing_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_task *t = gf_stack_http_task(s);

    (void)r;
    r->desired = json_pack("{s:I, s:s}", "port", (json_int_t)(t ? t->container_port.v : 80),
                           "source", gf_rc_or_unknown(&s->sg_alb.group_id));
    return r->desired ? 0 : gf_error_oom();
}

/* The tcp permission of the tasks' group whose source is `source`, or NULL. */
static const json_t *find_permission(const json_t *group, const char *source)
{
    size_t i, j;
    const json_t *p, *g;

    json_array_foreach(json_object_get(group, "ipPermissions"), i, p) {
        const char *proto = json_string_value(json_object_get(p, "ipProtocol"));

        if (!proto || strcmp(proto, "tcp") != 0)
            continue;
        json_array_foreach(json_object_get(p, "groups"), j, g) {
            const char *id = json_string_value(json_object_get(g, "groupId"));

            if (id && strcmp(id, source) == 0)
                return p;
        }
    }
    return NULL;
}

static int ing_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *group = NULL;
    const json_t *p;
    int code;

    if (!s->sg_fargate.group_id.v || !s->sg_alb.group_id.v)
        return GF_ENOTFOUND;
    code = gf_ec2_get_security_group(&group, io->aws, s->sg_fargate.group_id.v);
    p = code == 0 ? find_permission(group, s->sg_alb.group_id.v) : NULL;
    if (code == 0 && !p)
        code = GF_ENOTFOUND;
    if (code == 0) {
        json_decref(r->actual);
        r->actual = json_pack("{s:O, s:s}", "port", json_object_get(p, "fromPort"), "source",
                              s->sg_alb.group_id.v);
        gf_free(r->id);
        r->id = gf_strdup(s->sg_fargate.group_id.v);
        code = r->actual && r->id ? 0 : gf_error_oom();
    }
    json_decref(group);
    return code;
}

static json_t *permission(const json_t *port, const char *source)
{
    return json_pack("[{s:s, s:O, s:O, s:[{s:s, s:s}]}]", "IpProtocol", "tcp", "FromPort", port,
                     "ToPort", port, "UserIdGroupPairs", "GroupId", source, "Description",
                     "gitfargate: from the load balancer");
}

static int ing_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *perm = permission(json_object_get(r->desired, "port"), s->sg_alb.group_id.v);
    json_t *made = NULL;
    int code = perm ? gf_ec2_authorize_security_group(&made, io->aws, s->sg_fargate.group_id.v,
                                                      false, perm)
                    : gf_error_oom();

    json_decref(perm);
    json_decref(made);
    if (code == GF_ECONFLICT) { /* made by an interrupted run */
        gf_error_clear();
        code = 0;
    }
    return code < 0 ? code : ing_read(r, io);
}

static int ing_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const json_t *port = json_object_get(r->actual, "port");
    const char *source = json_string_value(json_object_get(r->actual, "source"));
    json_t *perm;
    int code;

    if (!r->id || !port || !source)
        return 0;
    perm = permission(port, source);
    code = perm ? gf_ec2_revoke_security_group(io->aws, r->id, false, perm, NULL)
                : gf_error_oom();
    json_decref(perm);
    return code == GF_ENOTFOUND ? 0 : code;
}

/* The rule from a load balancer group that --prune deletes (found by its tags) to the tasks. */
static int ing_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_rc_res *alb = gf_rc_find(rc, "alb_security_group", "");
    json_t *group = NULL;
    const json_t *p;
    int code;

    if (gf_rc_wanted(rc, "sg_ingress", "") || !alb || !alb->orphan || !alb->id ||
        !s->sg_fargate.group_id.v)
        return 0;
    code = gf_ec2_get_security_group(&group, io->aws, s->sg_fargate.group_id.v);
    p = code == 0 ? find_permission(group, alb->id) : NULL;
    if (p)
        code = gf_rc_add_orphan(rc, &gf_rc_kind_sg_ingress, "", s->sg_fargate.group_id.v,
                                s->sg_fargate.group_id.v,
                                json_pack("{s:O, s:s}", "port", json_object_get(p, "fromPort"),
                                          "source", alb->id));
    json_decref(group);
    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_deps[] = {"security_group", "alb_security_group", NULL};
static const char *const s_create[] = {"ec2:AuthorizeSecurityGroupIngress",
                                       "ec2:DescribeSecurityGroups", NULL};
static const char *const s_delete[] = {"ec2:RevokeSecurityGroupIngress", NULL};
static const char *const s_replace[] = {"port", "source", NULL};

const struct gf_rc_kind gf_rc_kind_sg_ingress = {
    .name = "sg_ingress",
    .deps = s_deps,
    .expand = ing_expand,
    .desire = ing_desire,
    .read = ing_read,
    .create = ing_create,
    .destroy = ing_destroy,
    .orphans = ing_orphans,
    .replace_fields = s_replace,
    .create_calls = s_create,
    .delete_calls = s_delete,
};
