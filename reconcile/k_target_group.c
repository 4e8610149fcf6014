/* SPDX-License-Identifier: Apache-2.0 */
/* k_target_group.c: the target group `<app>-tg` of the stack's http/https task
 * (fargatestack-behaviour.md §6.13): HTTP on the container port, target type ip, the task's
 * health check as written (FargateStack's defects §15.8 fixed: the path is sent, thresholds and
 * matcher are the user's), modified in place when the health check changes. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_elbv2.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define RETRY_MS 3000

static int tg_expand(struct gf_rc *rc)
{
    const struct gf_task *t = gf_stack_http_task(gf_rc_stack(rc));

    if (!t)
        return 0;
    return gf_rc_add(NULL, rc, &gf_rc_kind_target_group, t->key, t->target_group_name.v, t);
}

static const struct gf_task *tg_task(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    return r->model ? r->model : gf_stack_task(gf_rc_stack(rc), r->key);
}

static int tg_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_task *t = tg_task(r, rc);
    const struct gf_health_check *h = &t->health_check;
    char port[16];

    snprintf(port, sizeof(port), "%lld",
             (long long)(h->port.origin != GF_ORIGIN_UNSET ? h->port.v : t->container_port.v));
    r->desired = json_pack(
        "{s:s, s:s, s:I, s:s, s:s, s:{s:b, s:s, s:s, s:I, s:I, s:I, s:I, s:s}}", "name", r->name,
        "protocol", "HTTP", "port", (json_int_t)t->container_port.v, "targetType", "ip", "vpcId",
        gf_rc_or_unknown(&gf_rc_stack(rc)->vpc_id), "healthCheck", "enabled", 1, "port", port,
        "path", h->path.v ? h->path.v : "/", "interval", (json_int_t)h->interval_seconds.v,
        "timeout", (json_int_t)h->timeout_seconds.v, "healthy",
        (json_int_t)h->healthy_threshold_count.v, "unhealthy",
        (json_int_t)h->unhealthy_threshold_count.v, "matcher", h->matcher.v ? h->matcher.v : "200");
    return r->desired ? 0 : gf_error_oom();
}

static const char *tg_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    const struct gf_task *t = tg_task(r, rc);

    return t ? t->target_group_arn.v : NULL;
}

static json_t *tg_normalise(const json_t *g)
{
    return json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:{s:b, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, "
                     "s:O?}}",
                     "name", json_object_get(g, "TargetGroupName"), "protocol",
                     json_object_get(g, "Protocol"), "port", json_object_get(g, "Port"),
                     "targetType", json_object_get(g, "TargetType"), "vpcId",
                     json_object_get(g, "VpcId"), "healthCheck", "enabled",
                     !json_is_false(json_object_get(g, "HealthCheckEnabled")), "port",
                     json_object_get(g, "HealthCheckPort"), "path",
                     json_object_get(g, "HealthCheckPath"), "interval",
                     json_object_get(g, "HealthCheckIntervalSeconds"), "timeout",
                     json_object_get(g, "HealthCheckTimeoutSeconds"), "healthy",
                     json_object_get(g, "HealthyThresholdCount"), "unhealthy",
                     json_object_get(g, "UnhealthyThresholdCount"), "matcher",
                     json_object_get(json_object_get(g, "Matcher"), "HttpCode"));
}

static int tg_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *group)
{
    struct gf_task *t = (struct gf_task *)tg_task(r, rc);
    const char *arn = json_string_value(json_object_get(group, "TargetGroupArn"));
    int code = 0;

    json_decref(r->actual);
    r->actual = tg_normalise(group);
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (!r->actual || (arn && !r->id))
        code = gf_error_oom();
    if (code == 0 && t)
        code = gf_rc_state_set(rc, &t->target_group_arn, arn);
    json_decref(group);
    return code;
}

static int tg_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *arn = tg_state_id(r, io->rc);
    json_t *group = NULL;
    int code = GF_ENOTFOUND;

    if (arn)
        code = gf_elbv2_describe_target_group(&group, io->aws, arn);
    if (code == GF_ENOTFOUND)
        code = gf_elbv2_describe_target_group(&group, io->aws, r->name);
    return code < 0 ? code : tg_adopt(r, io->rc, group);
}

/* The health-check members of the spec, from desired (borrowed strings). */
static void tg_health(struct gf_elbv2_target_group_spec *spec, const json_t *desired)
{
    const json_t *h = json_object_get(desired, "healthCheck");

    spec->health_check_protocol = "HTTP";
    spec->health_check_port = json_string_value(json_object_get(h, "port"));
    spec->health_check_path = json_string_value(json_object_get(h, "path"));
    spec->health_check_interval_s = (int)json_integer_value(json_object_get(h, "interval"));
    spec->health_check_timeout_s = (int)json_integer_value(json_object_get(h, "timeout"));
    spec->healthy_threshold = (int)json_integer_value(json_object_get(h, "healthy"));
    spec->unhealthy_threshold = (int)json_integer_value(json_object_get(h, "unhealthy"));
    spec->matcher_http_code = json_string_value(json_object_get(h, "matcher"));
}

static int tg_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_elbv2_target_group_spec spec = GF_ELBV2_TARGET_GROUP_SPEC_INIT;
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *group = NULL;
    int code = tags ? 0 : gf_error_oom();

    spec.name = r->name;
    spec.protocol = "HTTP";
    spec.port = (int)json_integer_value(json_object_get(r->desired, "port"));
    spec.vpc_id = gf_rc_stack(io->rc)->vpc_id.v;
    spec.target_type = "ip";
    spec.tags = tags;
    tg_health(&spec, r->desired);
    if (code == 0)
        code = gf_elbv2_create_target_group(&group, io->aws, &spec);
    json_decref(tags);
    if (code == GF_ECONFLICT) { /* made by an interrupted run: adopt it */
        gf_error_clear();
        return tg_read(r, io);
    }
    return code < 0 ? code : tg_adopt(r, io->rc, group);
}

static int tg_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_elbv2_target_group_spec spec = GF_ELBV2_TARGET_GROUP_SPEC_INIT;
    json_t *group = NULL;
    int code;

    tg_health(&spec, r->desired);
    code = gf_elbv2_modify_target_group(&group, io->aws, r->id, &spec);
    return code < 0 ? code : tg_adopt(r, io->rc, group);
}

static int tg_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_task *t = (struct gf_task *)tg_task(r, io->rc);
    int64_t waited_ms = 0;
    int code = 0;

    /* a listener of a load balancer being deleted may still forward to it for a moment */
    while (r->id && (code = gf_elbv2_delete_target_group(io->aws, r->id)) == GF_ECONFLICT) {
        struct gf_error saved;

        gf_error_copy(&saved, gf_error_last());
        if (waited_ms >= (int64_t)gf_rc_wait_timeout_s(io->rc) * 1000) {
            code = gf_error_restore(&saved);
            break;
        }
        gf_rc_progress(io->rc, r, "still in use, retrying (%lld s)", (long long)(waited_ms / 1000));
        waited_ms += RETRY_MS;
        code = gf_rc_sleep(io->rc, RETRY_MS);
        if (code < 0)
            break;
    }
    if (code == GF_ENOTFOUND)
        code = 0;
    if (code == 0 && t)
        code = gf_rc_state_set(io->rc, &t->target_group_arn, NULL);
    return code;
}

/* Target groups in the stack's VPC tagged for this stack whose task is gone. */
static int tg_orphan_one(struct gf_rc *rc, struct gf_rc_io *io, const json_t *g)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const char *arn = json_string_value(json_object_get(g, "TargetGroupArn"));
    const char *vpc = json_string_value(json_object_get(g, "VpcId"));
    const char *key;
    json_t *tags = NULL;
    int code;

    if (!arn || !vpc || !s->vpc_id.v || strcmp(vpc, s->vpc_id.v) != 0)
        return 0;
    code = gf_elbv2_describe_tags(&tags, io->aws, arn);
    key = gf_rc_tag_value(tags, "Key", "Value", GF_RC_TAG_KEY);
    if (code == 0 && gf_rc_tagged_for_stack(tags, "Key", "Value", rc) && key &&
        strncmp(key, "target_group/", 13) == 0 && !gf_rc_wanted(rc, "target_group", key + 13))
        code = gf_rc_add_orphan(rc, &gf_rc_kind_target_group, key + 13,
                                json_string_value(json_object_get(g, "TargetGroupName")), arn,
                                NULL);
    json_decref(tags);
    return code == GF_ENOTFOUND ? 0 : code;
}

static int tg_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *all = NULL;
    size_t i;
    const json_t *g;
    int code = gf_elbv2_list_target_groups(&all, io->aws, NULL);

    json_array_foreach(all, i, g) {
        if (code == 0)
            code = tg_orphan_one(rc, io, g);
    }
    json_decref(all);
    return code;
}

static const char *const s_create[] = {"elbv2:CreateTargetGroup", NULL};
static const char *const s_update[] = {"elbv2:ModifyTargetGroup", NULL};
static const char *const s_delete[] = {"elbv2:DeleteTargetGroup", NULL};
static const char *const s_replace[] = {"name", "protocol", "port", "targetType", "vpcId", NULL};

const struct gf_rc_kind gf_rc_kind_target_group = {
    .name = "target_group",
    .expand = tg_expand,
    .desire = tg_desire,
    .read = tg_read,
    .create = tg_create,
    .update = tg_update,
    .destroy = tg_destroy,
    .orphans = tg_orphans,
    .state_id = tg_state_id,
    .replace_fields = s_replace,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
};
