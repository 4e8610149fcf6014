/* SPDX-License-Identifier: Apache-2.0 */
/* k_security_group.c: the tasks' security group `<app>-sg` in the stack's VPC
 * (fargatestack-behaviour.md §6.8): found by name in the VPC, else created; AWS's default
 * all-egress rule is what the tasks need. Ingress from the load balancer is its own kind. */
#include <jansson.h>
#include <string.h>

#include "aws/svc_ec2.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static int sg_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    return gf_rc_add(NULL, rc, &gf_rc_kind_security_group, "fargate", s->sg_fargate.group_name.v,
                     NULL);
}

static int sg_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    r->desired = json_pack("{s:s, s:s}", "groupName", r->name, "vpcId",
                           gf_rc_or_unknown(&gf_rc_stack(rc)->vpc_id));
    return r->desired ? 0 : gf_error_oom();
}

static const char *sg_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->sg_fargate.group_id.v;
}

static int sg_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *group)
{
    const char *id = json_string_value(json_object_get(group, "groupId"));

    json_decref(r->actual);
    r->actual = group;
    gf_free(r->id);
    r->id = id ? gf_strdup(id) : NULL;
    return gf_rc_state_set(rc, &gf_rc_stack(rc)->sg_fargate.group_id, id);
}

static int sg_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *group = NULL;
    int code;

    if (s->sg_fargate.group_id.v) {
        code = gf_ec2_get_security_group(&group, io->aws, s->sg_fargate.group_id.v);
        if (code != GF_ENOTFOUND)
            return code < 0 ? code : sg_adopt(r, io->rc, group);
    }
    if (!s->vpc_id.v)
        return GF_ENOTFOUND;
    code = gf_ec2_find_security_group(&group, io->aws, s->vpc_id.v, r->name);
    return code < 0 ? code : sg_adopt(r, io->rc, group);
}

static int sg_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *made = NULL;
    int code = tags ? gf_ec2_create_security_group(&made, io->aws, s->vpc_id.v, r->name,
                                                   "gitfargate: Fargate tasks of the stack", tags)
                    : gf_error_oom();

    json_decref(tags);
    json_decref(made);
    if (code == GF_ECONFLICT) /* made by an interrupted run: adopt it */
        code = 0;
    return code < 0 ? code : sg_read(r, io);
}

/* Revoke, in `group`, the rules gitfargate made ("gitfargate: ..." description) that admit
 * `source`. */
static int revoke_ours(struct gf_rc_io *io, const json_t *group, const char *source)
{
    const char *gid = json_string_value(json_object_get(group, "groupId"));
    const json_t *p, *pair;
    size_t i, j;
    int code = 0;

    json_array_foreach(json_object_get(group, "ipPermissions"), i, p) {
        json_array_foreach(json_object_get(p, "groups"), j, pair) {
            const char *id = json_string_value(json_object_get(pair, "groupId"));
            const char *why = json_string_value(json_object_get(pair, "description"));
            json_t *perm;

            if (code < 0 || !gid || !id || strcmp(id, source) != 0 || !why ||
                strncmp(why, "gitfargate:", 11) != 0)
                continue;
            /* named as listed, description included (AWS matches without it, moto only with) */
            perm = json_pack("[{s:O?, s:O?, s:O?, s:[{s:s, s:s}]}]", "IpProtocol",
                             json_object_get(p, "ipProtocol"), "FromPort",
                             json_object_get(p, "fromPort"), "ToPort", json_object_get(p, "toPort"),
                             "UserIdGroupPairs", "GroupId", source, "Description", why);
            code = perm ? gf_ec2_revoke_security_group(io->aws, gid, false, perm, NULL)
                        : gf_error_oom();
            json_decref(perm);
            if (code == GF_ENOTFOUND) {
                gf_error_clear();
                code = 0;
            }
        }
    }
    return code;
}

/* Rules the stack added to other groups naming the tasks' group (the NFS rule on an EFS mount
 * target's group, left by a task pruned earlier) would keep the group from being deleted
 * (DependencyViolation): revoke them first. Others' rules are left, and the delete says why. */
static int release_references(struct gf_rc_io *io, const char *group_id)
{
    json_t *filters = json_pack("[{s:s, s:[s]}]", "Name", "ip-permission.group-id", "Values",
                                group_id);
    json_t *groups = NULL;
    const json_t *g;
    size_t i;
    int code = filters ? gf_ec2_describe_security_groups(&groups, io->aws, NULL, filters)
                       : gf_error_oom();

    json_array_foreach(groups, i, g) {
        if (code == 0)
            code = revoke_ours(io, g, group_id);
    }
    json_decref(groups);
    json_decref(filters);
    return code;
}

static int sg_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    int code = r->id ? release_references(io, r->id) : 0;

    if (code == 0 && r->id)
        code = gf_ec2_delete_security_group(io->aws, r->id);

    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 ? code : gf_rc_state_set(io->rc, &s->sg_fargate.group_id, NULL);
}

static const char *const s_create[] = {"ec2:CreateSecurityGroup", "ec2:DescribeSecurityGroups",
                                       NULL};
static const char *const s_delete[] = {"ec2:DescribeSecurityGroups", "ec2:DeleteSecurityGroup",
                                       NULL};
static const char *const s_replace[] = {"vpcId", NULL};

const struct gf_rc_kind gf_rc_kind_security_group = {
    .name = "security_group",
    .expand = sg_expand,
    .desire = sg_desire,
    .read = sg_read,
    .create = sg_create,
    .destroy = sg_destroy,
    .state_id = sg_state_id,
    .replace_fields = s_replace,
    .create_calls = s_create,
    .delete_calls = s_delete,
};
