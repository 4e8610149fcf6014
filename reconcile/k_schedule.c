/* SPDX-License-Identifier: Apache-2.0 */
/* k_schedule.c: the EventBridge rule `<task>-schedule` of a scheduled task and its ECS target
 * `<task>-target` (fargatestack-behaviour.md §6.12): the rule ENABLED with the task's schedule
 * expression; the target runs the task definition on FARGATE in the first private subnet with
 * the task security group, as the events role. Rule and target are compared separately, so a
 * schedule change is one PutRule and a new revision one PutTargets. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_events.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define IAM_RETRY_S  60

static int sch_expand(struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);
    struct gf_buf name = GF_BUF_INIT;
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < s->n_tasks; i++) {
        const struct gf_task *t = &s->tasks[i];

        if (t->type != GF_TASK_TASK || !t->schedule.v || !*t->schedule.v)
            continue;
        if (t->event_bus_name.v && strcmp(t->event_bus_name.v, "default") != 0)
            gf_rc_warn(rc, "tasks.%s.event_bus_name (line %u) is not used: EventBridge runs "
                       "schedules only on the default event bus", t->key,
                       (unsigned)t->event_bus_name.pos.line);
        gf_buf_clear(&name);
        gf_buf_printf(&name, "%s-schedule", t->key); /* FargateStack's rule name */
        code = gf_buf_failed(&name) ? gf_error_oom()
                                    : gf_rc_add(NULL, rc, &gf_rc_kind_schedule, t->key, name.ptr, t);
    }
    gf_buf_release(&name);
    return code;
}


/* The first subnet in sorted order (private, else public) and whether it is public. */
static const char *first_subnet(const struct gf_stack *s, bool *public_out)
{
    const struct gf_strlist *l = s->subnets_private.n ? &s->subnets_private : &s->subnets_public;
    const char *best = NULL;
    size_t i;

    *public_out = s->subnets_private.n == 0;
    for (i = 0; i < l->n; i++) {
        if (!best || strcmp(l->v[i], best) < 0)
            best = l->v[i];
    }
    return best;
}

static json_t *target(struct gf_rc *rc, const struct gf_task *t)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    struct gf_buf id = GF_BUF_INIT;
    bool pub = false;
    const char *subnet = first_subnet(s, &pub);
    json_t *v;

    gf_buf_printf(&id, "%s-target", t->key);
    v = gf_buf_failed(&id)
            ? NULL
            : json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:s, s:{s:{s:[s], s:[s], s:s}}}}", "Id",
                        id.ptr, "Arn", gf_rc_or_unknown(&s->cluster_arn), "RoleArn",
                        gf_rc_or_unknown(&s->events_role.arn), "EcsParameters",
                        "TaskDefinitionArn", gf_rc_task_definition_arn(rc, t), "TaskCount", 1, "LaunchType",
                        "FARGATE", "NetworkConfiguration", "awsvpcConfiguration", "Subnets",
                        subnet ? subnet : GF_RC_UNKNOWN, "SecurityGroups",
                        gf_rc_or_unknown(&s->sg_fargate.group_id), "AssignPublicIp",
                        pub ? "ENABLED" : "DISABLED");
    gf_buf_release(&id);
    return v;
}

static int sch_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_task *t = r->model;
    json_t *tg = target(rc, t);

    r->desired = tg ? json_pack("{s:s, s:s, s:s, s:[o]}", "Name", r->name, "ScheduleExpression",
                                t->schedule.v, "State", "ENABLED", "Targets", tg)
                    : NULL;
    return r->desired ? 0 : gf_error_oom();
}

static const char *sch_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)rc;
    return r->model ? ((const struct gf_task *)r->model)->rule_arn.v : NULL;
}

static int sch_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *rule = NULL, *targets = NULL;
    const char *arn;
    int code = gf_events_describe_rule(&rule, io->aws, r->name);

    if (code == 0)
        code = gf_events_list_targets(&targets, io->aws, r->name);
    if (code < 0) {
        json_decref(rule);
        return code;
    }
    json_object_set_new(rule, "Targets", targets);
    arn = json_string_value(json_object_get(rule, "Arn"));
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    json_decref(r->actual);
    r->actual = rule;
    r->exists = true;
    if (r->desired && r->model) { /* the task definition has been read by now */
        json_t *tg = json_array_get(json_object_get(r->desired, "Targets"), 0);

        json_object_set_new(json_object_get(tg, "EcsParameters"), "TaskDefinitionArn",
                            json_string(gf_rc_task_definition_arn(io->rc, r->model)));
    }
    return r->model ? gf_rc_state_set(io->rc, &((struct gf_task *)r->model)->rule_arn, arn) : 0;
}

static int put_rule(struct gf_rc_res *r, struct gf_rc_io *io, bool create)
{
    struct gf_events_rule_spec spec = GF_EVENTS_RULE_SPEC_INIT;
    json_t *tags = create ? gf_rc_tags(io->rc, r, "Key", "Value") : NULL;
    char *arn = NULL;
    int code = create && !tags ? gf_error_oom() : 0;

    spec.name = r->name;
    spec.schedule_expression = json_string_value(json_object_get(r->desired,
                                                                 "ScheduleExpression"));
    spec.state = "ENABLED";
    spec.tags = tags;
    if (code == 0)
        code = gf_events_put_rule(&arn, io->aws, &spec);
    if (code == 0) {
        gf_free(r->id);
        r->id = arn;
        arn = NULL;
        code = gf_rc_state_set(io->rc, &((struct gf_task *)r->model)->rule_arn, r->id);
    }
    gf_free(arn);
    json_decref(tags);
    return code;
}

static bool iam_not_ready(void)
{
    const struct gf_error *e = gf_error_last();

    return (strcmp(e->aws_code, "ValidationException") == 0 ||
            strcmp(e->aws_code, "InvalidParameterException") == 0) &&
           (strstr(e->msg, "assume role") || strstr(e->msg, "Unable to assume") ||
            strstr(e->msg, "not authorized to assume"));
}

static int put_targets(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const json_t *targets = json_object_get(r->desired, "Targets");
    int waited = 0;

    for (;;) {
        int code = gf_events_put_targets(NULL, io->aws, r->name, targets);

        if (code == 0 || !iam_not_ready() || waited >= IAM_RETRY_S)
            return code;
        gf_rc_progress(io->rc, r, "waiting for IAM to accept the events role (%d s)", waited);
        code = gf_rc_sleep(io->rc, 5000);
        if (code < 0)
            return code;
        waited += 5;
    }
}

static int sch_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = put_rule(r, io, true);

    return code < 0 ? code : put_targets(r, io);
}

/* Only the half that differs: the rule (schedule, state) and/or the target. */
static int sch_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const json_t *a = r->actual, *d = r->desired;
    bool rule = !a || !json_equal(json_object_get(d, "ScheduleExpression"),
                                  json_object_get(a, "ScheduleExpression")) ||
                !json_equal(json_object_get(d, "State"), json_object_get(a, "State"));
    bool tgt = !a || !gf_rc_matches(json_object_get(d, "Targets"), json_object_get(a, "Targets"));
    int code = rule ? put_rule(r, io, false) : 0;

    if (code == 0 && tgt)
        code = put_targets(r, io);
    return code;
}

static int sch_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *targets = NULL, *ids = json_array();
    size_t i;
    const json_t *t;
    int code = ids ? gf_events_list_targets(&targets, io->aws, r->name) : gf_error_oom();

    json_array_foreach(targets, i, t) {
        json_array_append(ids, json_object_get(t, "Id"));
    }
    if (code == 0 && json_array_size(ids))
        code = gf_events_remove_targets(NULL, io->aws, r->name, ids);
    if (code == 0 || code == GF_ENOTFOUND)
        code = gf_events_delete_rule(io->aws, r->name);
    if (code == GF_ENOTFOUND)
        code = 0;
    json_decref(targets);
    json_decref(ids);
    if (code == 0 && r->model)
        code = gf_rc_state_set(io->rc, &((struct gf_task *)r->model)->rule_arn, NULL);
    return code;
}

/* With --prune: rules named *-schedule tagged for this stack under a task the file dropped. */
static int sch_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *rules = NULL;
    size_t i;
    const json_t *rule;
    int code = gf_events_list_rules(&rules, io->aws, NULL);

    json_array_foreach(rules, i, rule) {
        const char *name = json_string_value(json_object_get(rule, "Name"));
        const char *arn = json_string_value(json_object_get(rule, "Arn"));
        size_t n = name ? strlen(name) : 0;
        json_t *tags = NULL;
        const char *stack, *key;

        if (code < 0)
            break;
        if (n < 9 || strcmp(name + n - 9, "-schedule") != 0 || !arn)
            continue;
        code = gf_events_list_tags(&tags, io->aws, arn);
        stack = gf_rc_tag_value(tags, "Key", "Value", GF_RC_TAG_STACK);
        key = gf_rc_tag_value(tags, "Key", "Value", GF_RC_TAG_KEY);
        if (code == 0 && stack && strcmp(stack, gf_rc_stack(rc)->app_name.v) == 0 && key &&
            strncmp(key, "schedule/", 9) == 0 && !gf_rc_wanted(rc, "schedule", key + 9))
            code = gf_rc_add_orphan(rc, &gf_rc_kind_schedule, key + 9, name, arn, NULL);
        if (code == GF_ENOTFOUND)
            code = 0;
        json_decref(tags);
    }
    json_decref(rules);
    return code;
}

static const char *const s_deps[] = {"task_definition", "role", "role_policy", "cluster",
                                     "security_group", NULL};
static const char *const s_create[] = {"events:PutRule", "events:PutTargets", NULL};
static const char *const s_delete[] = {"events:ListTargetsByRule", "events:RemoveTargets",
                                       "events:DeleteRule", NULL};

const struct gf_rc_kind gf_rc_kind_schedule = {
    .name = "schedule",
    .deps = s_deps,
    .expand = sch_expand,
    .desire = sch_desire,
    .read = sch_read,
    .create = sch_create,
    .update = sch_update,
    .destroy = sch_destroy,
    .orphans = sch_orphans,
    .state_id = sch_state_id,
    .create_calls = s_create,
    .update_calls = s_create,
    .delete_calls = s_delete,
};
