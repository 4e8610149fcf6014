/* SPDX-License-Identifier: Apache-2.0 */
/* k_efs.c: a task's EFS volume (fargatestack-behaviour.md §5.8, §6.10), check only: the file
 * system exists and has mount targets in the stack's VPC (its ARN kept in efs.arn), and with
 * efs.authorize_ingress the mount targets' security groups (efs.security_groups, found from
 * the mount targets in the stack's VPC when the file does not list them) admit NFS (tcp 2049)
 * from the tasks' group. FargateStack's [defect] (the list read before it is filled)
 * is fixed: an unknown list is a clear error, never a crash. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_ec2.h"
#include "aws/svc_efs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define NFS_PORT     2049
#define NFS_RULE_WHY "gitfargate: NFS from the tasks" /* the description of the rule it adds */

static int efs_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < s->n_tasks; i++) {
        const struct gf_task *t = &s->tasks[i];

        if (t->efs.present && t->efs.id.v)
            code = gf_rc_add(NULL, rc, &gf_rc_kind_efs, t->key, t->efs.id.v, t);
    }
    return code;
}

static struct gf_efs *efs_of(const struct gf_rc_res *r)
{
    return &((struct gf_task *)r->model)->efs;
}

static int efs_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    r->desired = json_pack("{s:s, s:s}", "FileSystemId", r->name, "VpcId",
                           gf_rc_or_unknown(&s->vpc_id));
    if (r->desired && efs_of(r)->authorize_ingress.v)
        json_object_set_new(r->desired, "IngressFrom",
                            json_string(gf_rc_or_unknown(&s->sg_fargate.group_id)));
    return r->desired ? 0 : gf_error_oom();
}

static const char *efs_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)rc;
    return r->model ? efs_of(r)->arn.v : NULL; /* a --prune orphan has no model */
}

/* The VPC the file system reaches: the stack's when a mount target is in it, else another. */
static const char *mounted_vpc(const json_t *targets, const char *vpc)
{
    const char *first = NULL;
    const json_t *mt;
    size_t i;

    json_array_foreach(targets, i, mt) {
        const char *v = json_string_value(json_object_get(mt, "VpcId"));

        if (v && vpc && strcmp(v, vpc) == 0)
            return v;
        if (!first)
            first = v;
    }
    return first ? first : "";
}

/* Whether `group` admits tcp NFS from `source`. */
static bool admits_nfs(const json_t *group, const char *source)
{
    size_t i, j;
    const json_t *p, *g;

    json_array_foreach(json_object_get(group, "ipPermissions"), i, p) {
        const char *proto = json_string_value(json_object_get(p, "ipProtocol"));
        json_int_t from = json_integer_value(json_object_get(p, "fromPort"));
        json_int_t to = json_integer_value(json_object_get(p, "toPort"));

        if (!proto || (strcmp(proto, "tcp") != 0 && strcmp(proto, "-1") != 0))
            continue;
        if (strcmp(proto, "tcp") == 0 && (from > NFS_PORT || to < NFS_PORT))
            continue;
        json_array_foreach(json_object_get(p, "groups"), j, g) {
            const char *id = json_string_value(json_object_get(g, "groupId"));

            if (id && strcmp(id, source) == 0)
                return true;
        }
    }
    return false;
}

/* The first of efs.security_groups that does not admit NFS from the tasks (NULL: all do). */
static int missing_ingress(const char **out, struct gf_rc_res *r, struct gf_rc_io *io,
                           const char *source)
{
    const struct gf_efs *e = efs_of(r);
    size_t i;
    int code = 0;

    *out = NULL;
    for (i = 0; code == 0 && !*out && i < e->security_groups.n; i++) {
        json_t *group = NULL;

        code = gf_ec2_get_security_group(&group, io->aws, e->security_groups.v[i]);
        if (code == 0 && !admits_nfs(group, source))
            *out = e->security_groups.v[i];
        json_decref(group);
    }
    return code;
}

/* efs.security_groups when the file does not name them: the groups of the file system's mount
 * targets in the stack's VPC (DescribeMountTargetSecurityGroups), written into the model. */
static int discover_groups(struct gf_rc_res *r, struct gf_rc_io *io, const json_t *targets)
{
    const char *vpc = gf_rc_stack(io->rc)->vpc_id.v;
    json_t *groups = json_array();
    const json_t *mt;
    size_t i, j;
    int code = groups ? 0 : gf_error_oom();

    if (!efs_of(r)->authorize_ingress.v || efs_of(r)->security_groups.n > 0 || !vpc) {
        json_decref(groups);
        return 0;
    }
    json_array_foreach(targets, i, mt) {
        const char *id = json_string_value(json_object_get(mt, "MountTargetId"));
        const char *in = json_string_value(json_object_get(mt, "VpcId"));
        json_t *sgs = NULL;
        const json_t *g;

        if (code < 0 || !id || !in || strcmp(in, vpc) != 0)
            continue;
        code = gf_efs_describe_mount_target_security_groups(&sgs, io->aws, id);
        json_array_foreach(sgs, j, g) {
            if (code == 0 && !gf_rc_json_has_string(groups, json_string_value(g)))
                code = json_array_append(groups, (json_t *)g) < 0 ? gf_error_oom() : 0;
        }
        json_decref(sgs);
    }
    if (code == 0 && json_array_size(groups) > 0)
        code = gf_rc_state_set_list(io->rc, &efs_of(r)->security_groups, groups);
    json_decref(groups);
    return code;
}

static int read_ingress(struct gf_rc_res *r, struct gf_rc_io *io, json_t *actual)
{
    const char *source = gf_rc_stack(io->rc)->sg_fargate.group_id.v;
    const char *missing = NULL;
    int code = 0;

    if (!efs_of(r)->authorize_ingress.v || !source)
        return 0;
    if (efs_of(r)->security_groups.n > 0)
        code = missing_ingress(&missing, r, io, source);
    if (code == 0 && efs_of(r)->security_groups.n > 0 && !missing)
        json_object_set_new(actual, "IngressFrom", json_string(source));
    return code;
}

static int efs_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *fs = NULL, *targets = NULL, *actual = NULL;
    const char *arn;
    int code = gf_efs_describe_file_system(&fs, io->aws, r->name);

    if (code == 0)
        code = gf_efs_describe_mount_targets(&targets, io->aws, r->name);
    if (code == 0) {
        actual = json_pack("{s:s, s:s}", "FileSystemId", r->name, "VpcId",
                           mounted_vpc(targets, s->vpc_id.v));
        code = actual ? discover_groups(r, io, targets) : gf_error_oom();
        if (code == 0)
            code = read_ingress(r, io, actual);
    }
    arn = json_string_value(json_object_get(fs, "FileSystemArn"));
    if (code == 0) {
        json_decref(r->actual);
        r->actual = actual;
        actual = NULL;
        r->exists = true;
        gf_free(r->id);
        r->id = gf_strdup(arn ? arn : r->name);
        code = r->id ? gf_rc_state_set(io->rc, &efs_of(r)->arn, arn) : gf_error_oom();
    }
    json_decref(fs);
    json_decref(targets);
    json_decref(actual);
    return code;
}

/* The NFS permission from `source`, with the description it is added with. A revoke names it
 * the same way: AWS matches a rule without its description, moto only with it. */
static json_t *nfs_from(const char *source)
{
    return json_pack("[{s:s, s:i, s:i, s:[{s:s, s:s}]}]", "IpProtocol", "tcp", "FromPort",
                     NFS_PORT, "ToPort", NFS_PORT, "UserIdGroupPairs", "GroupId", source,
                     "Description", NFS_RULE_WHY);
}

static int authorize(struct gf_rc_res *r, struct gf_rc_io *io, const char *group_id,
                     const char *source)
{
    json_t *made = NULL;
    json_t *perm = nfs_from(source);
    int code = perm ? gf_ec2_authorize_security_group(&made, io->aws, group_id, false, perm)
                    : gf_error_oom();

    (void)r;
    json_decref(perm);
    json_decref(made);
    if (code == GF_ECONFLICT) { /* the rule exists (another task, an interrupted run) */
        gf_error_clear();
        code = 0;
    }
    return code;
}

/* Only the ingress can be brought in line; a file system outside the VPC is an error. */
static int efs_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    const struct gf_task *t = r->model;
    const char *have = json_string_value(json_object_get(r->actual, "VpcId"));
    size_t i;
    int code = 0;

    if (s->vpc_id.v && (!have || strcmp(have, s->vpc_id.v) != 0)) {
        code = gf_error_set(GF_EINVALID, "EFS file system '%s' has no mount target in VPC '%s'",
                            r->name, s->vpc_id.v);
        gf_error_key("tasks.%s.efs.id", t->key);
        gf_error_hint("create a mount target of the file system in the stack's subnets");
        return code;
    }
    if (!json_object_get(r->desired, "IngressFrom"))
        return efs_read(r, io);
    if (t->efs.security_groups.n == 0) {
        code = gf_error_set(GF_EINVALID, "the security groups of EFS file system '%s' are not "
                            "known", r->name);
        gf_error_key("tasks.%s.efs.security_groups", t->key);
        gf_error_hint("give its mount targets in the stack's VPC a security group, or list the "
                      "groups in efs.security_groups");
        return code;
    }
    for (i = 0; code == 0 && i < t->efs.security_groups.n; i++)
        code = authorize(r, io, t->efs.security_groups.v[i], s->sg_fargate.group_id.v);
    return code < 0 ? code : efs_read(r, io);
}

static int revoke_nfs(struct gf_rc_io *io, const char *group_id, const json_t *perm)
{
    int code = gf_ec2_revoke_security_group(io->aws, group_id, false, perm, NULL);

    if (code == GF_ENOTFOUND) { /* already gone */
        gf_error_clear();
        code = 0;
    }
    return code;
}

/* destroy: the file system is never touched; the NFS rules the stack added to its mount
 * targets' groups go, so that the tasks' group they name can be deleted after them. A --prune
 * orphan is one such rule (r->id: its group) no remaining task's file system needs. */
static int efs_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *source = gf_rc_stack(io->rc)->sg_fargate.group_id.v;
    json_t *perm = source ? nfs_from(source) : NULL;
    size_t i;
    int code = source && !perm ? gf_error_oom() : 0;

    if (code == 0 && perm && r->orphan)
        code = revoke_nfs(io, r->id, perm);
    for (i = 0; code == 0 && perm && r->model && efs_of(r)->authorize_ingress.v &&
                i < efs_of(r)->security_groups.n;
         i++)
        code = revoke_nfs(io, efs_of(r)->security_groups.v[i], perm);
    json_decref(perm);
    return code;
}

/* Whether a remaining task's file system admits the tasks through `group_id`. */
static bool group_needed(const struct gf_stack *s, const char *group_id)
{
    size_t i, j;

    for (i = 0; i < s->n_tasks; i++) {
        const struct gf_efs *e = &s->tasks[i].efs;

        for (j = 0; e->present && e->authorize_ingress.v && j < e->security_groups.n; j++)
            if (strcmp(e->security_groups.v[j], group_id) == 0)
                return true;
    }
    return false;
}

/* Whether `group` holds the NFS rule this kind adds for `source` (by its description). */
static bool has_our_nfs_rule(const json_t *group, const char *source)
{
    size_t i, j;
    const json_t *p, *pair;

    json_array_foreach(json_object_get(group, "ipPermissions"), i, p) {
        if (json_integer_value(json_object_get(p, "fromPort")) != NFS_PORT)
            continue;
        json_array_foreach(json_object_get(p, "groups"), j, pair) {
            const char *id = json_string_value(json_object_get(pair, "groupId"));
            const char *why = json_string_value(json_object_get(pair, "description"));

            if (id && why && strcmp(id, source) == 0 && strcmp(why, NFS_RULE_WHY) == 0)
                return true;
        }
    }
    return false;
}

/* --prune: the NFS rules the stack added for a task since removed, in groups no remaining
 * task's file system lists (a rule is shared by the tasks mounting one file system). */
static int efs_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const char *source = s->sg_fargate.group_id.v;
    json_t *filters, *groups = NULL;
    const json_t *g;
    size_t i;
    int code;

    if (!source)
        return 0;
    filters = json_pack("[{s:s, s:[s]}]", "Name", "ip-permission.group-id", "Values", source);
    code = filters ? gf_ec2_describe_security_groups(&groups, io->aws, NULL, filters)
                   : gf_error_oom();
    json_array_foreach(groups, i, g) {
        const char *gid = json_string_value(json_object_get(g, "groupId"));
        char key[128];

        if (code < 0 || !gid || group_needed(s, gid) || !has_our_nfs_rule(g, source))
            continue;
        snprintf(key, sizeof(key), "nfs/%s", gid);
        code = gf_rc_add_orphan(rc, &gf_rc_kind_efs, key, gid, gid, NULL);
    }
    json_decref(groups);
    json_decref(filters);
    return code;
}

static const char *const s_delete[] = {"ec2:RevokeSecurityGroupIngress", NULL};
static const char *const s_update[] = {"ec2:AuthorizeSecurityGroupIngress",
                                       "elasticfilesystem:DescribeFileSystems",
                                       "elasticfilesystem:DescribeMountTargets",
                                       "elasticfilesystem:DescribeMountTargetSecurityGroups",
                                       "ec2:DescribeSecurityGroups", NULL};
static const char *const s_deps[] = {"security_group", NULL};

const struct gf_rc_kind gf_rc_kind_efs = {
    .name = "efs",
    .deps = s_deps,
    .expand = efs_expand,
    .desire = efs_desire,
    .read = efs_read,
    .update = efs_update,
    .destroy = efs_destroy,
    .orphans = efs_orphans,
    .state_id = efs_state_id,
    .update_calls = s_update,
    .delete_calls = s_delete,
    .check_only = true,
};
