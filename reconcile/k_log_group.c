/* SPDX-License-Identifier: Apache-2.0 */
/* k_log_group.c: the stack's CloudWatch Logs group with its retention (fargatestack-behaviour.md
 * §6.1): the awslogs destination of every task. */
#include <jansson.h>

#include "aws/svc_logs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static int lg_expand(struct gf_rc *rc)
{
    return gf_rc_add(NULL, rc, &gf_rc_kind_log_group, "", gf_rc_stack(rc)->log_group_name.v,
                     NULL);
}

static int lg_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    r->desired = json_pack("{s:s}", "logGroupName", r->name);
    if (r->desired && s->log_group_retention_days.origin != GF_ORIGIN_UNSET)
        json_object_set_new(r->desired, "retentionInDays",
                            json_integer(s->log_group_retention_days.v));
    return r->desired ? 0 : gf_error_oom();
}

static const char *lg_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->log_group_arn.v;
}

static int lg_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *group)
{
    const char *arn = json_string_value(json_object_get(group, "arn"));

    json_decref(r->actual);
    r->actual = group;
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    return gf_rc_state_set(rc, &gf_rc_stack(rc)->log_group_arn, arn);
}

static int lg_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *group = NULL;
    int code = gf_logs_describe_log_group(&group, io->aws, r->name);

    return code < 0 ? code : lg_adopt(r, io->rc, group);
}

static int lg_retention(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const json_t *days = json_object_get(r->desired, "retentionInDays");

    if (!days)
        return 0;
    return gf_logs_put_retention_policy(io->aws, r->name, (int)json_integer_value(days));
}

static int lg_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *map = json_object();
    size_t i;
    const json_t *t;
    int code = tags && map ? 0 : gf_error_oom();

    /* CreateLogGroup takes tags as a map */
    json_array_foreach(tags, i, t) {
        json_object_set(map, json_string_value(json_object_get(t, "Key")),
                        json_object_get(t, "Value"));
    }
    if (code == 0)
        code = gf_logs_create_log_group(io->aws, r->name, map);
    if (code == GF_ECONFLICT) /* made by an interrupted run: adopt it */
        code = 0;
    if (code == 0)
        code = lg_retention(r, io);
    if (code == 0)
        code = lg_read(r, io);
    json_decref(tags);
    json_decref(map);
    return code;
}

static int lg_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = lg_retention(r, io);

    return code < 0 ? code : lg_read(r, io);
}

static int lg_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = gf_logs_delete_log_group(io->aws, r->name);

    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 ? code : gf_rc_state_set(io->rc, &gf_rc_stack(io->rc)->log_group_arn, NULL);
}

static const char *const s_create[] = {"logs:CreateLogGroup", "logs:PutRetentionPolicy",
                                       "logs:DescribeLogGroups", NULL};
static const char *const s_update[] = {"logs:PutRetentionPolicy", "logs:DescribeLogGroups", NULL};
static const char *const s_delete[] = {"logs:DeleteLogGroup", NULL};

const struct gf_rc_kind gf_rc_kind_log_group = {
    .name = "log_group",
    .expand = lg_expand,
    .desire = lg_desire,
    .read = lg_read,
    .create = lg_create,
    .update = lg_update,
    .destroy = lg_destroy,
    .state_id = lg_state_id,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
};
