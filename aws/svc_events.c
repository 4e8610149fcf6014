/* SPDX-License-Identifier: Apache-2.0 */
/* svc_events.c: EventBridge over the call layer (reference/aws-protocols.md §7.8): rules on the
 * default bus, their targets (per-target failures arrive with HTTP 200 and become GF_ERROR here)
 * and tags, with ResourceNotFoundException normalised to GF_ENOTFOUND naming the rule. ListRules
 * is paged here: aws/codec.c's paginator table lacks it (botocore has one). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_events.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"


/* Rewrite a GF_ENOTFOUND as "rule '...' does not exist", keeping the AWS fields. */
static int not_found(int rc, const char *rule)
{
    struct gf_error e;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&e, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "rule '%s' does not exist", rule);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return GF_ENOTFOUND;
}

/* Call op with input (stolen; NULL means out of memory); *out (may be NULL) gets the output. */
static int call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_events, op, input);
    json_decref(input);
    if (rc == 0 && out) {
        *out = res;
        res = NULL;
    }
    json_decref(res);
    return rc;
}

static int set_opt(json_t *obj, const char *key, const char *value)
{
    if (!value)
        return 0;
    return json_object_set_new(obj, key, json_string(value)) < 0 ? gf_error_oom() : 0;
}

static json_t *rule_input(const struct gf_events_rule_spec *spec)
{
    json_t *input = json_pack("{s:s}", "Name", spec->name ? spec->name : "");

    if (input && (set_opt(input, "ScheduleExpression", spec->schedule_expression) < 0 ||
                  set_opt(input, "EventPattern", spec->event_pattern) < 0 ||
                  set_opt(input, "State", spec->state) < 0 ||
                  set_opt(input, "Description", spec->description) < 0 ||
                  set_opt(input, "RoleArn", spec->role_arn) < 0 ||
                  (spec->tags && json_array_size(spec->tags) > 0 &&
                   json_object_set(input, "Tags", (json_t *)(uintptr_t)spec->tags) < 0))) {
        json_decref(input);
        return NULL;
    }
    return input;
}

int gf_events_put_rule(char **arn_out, struct gf_aws_client *client,
                       const struct gf_events_rule_spec *spec)
{
    json_t *res = NULL;
    const char *arn;
    int rc;

    if (arn_out)
        *arn_out = NULL;
    rc = call(&res, client, "PutRule", rule_input(spec));
    if (rc < 0)
        return rc;
    arn = json_string_value(json_object_get(res, "RuleArn"));
    if (!arn)
        rc = gf_error_set(GF_ERROR, "events:PutRule reply for '%s' has no RuleArn", spec->name);
    else if (arn_out && !(*arn_out = gf_strdup(arn)))
        rc = gf_error_oom();
    json_decref(res);
    return rc;
}

int gf_events_describe_rule(json_t **out, struct gf_aws_client *client, const char *name)
{
    return not_found(call(out, client, "DescribeRule", json_pack("{s:s}", "Name", name)), name);
}

int gf_events_list_rules(json_t **out, struct gf_aws_client *client, const char *prefix)
{
    json_t *input = json_object();
    int rc;

    *out = NULL;
    rc = input ? set_opt(input, "NamePrefix", prefix) : gf_error_oom();
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_events, "ListRules", input, 0);
    json_decref(input);
    return rc;
}

int gf_events_enable_rule(struct gf_aws_client *client, const char *name)
{
    return not_found(call(NULL, client, "EnableRule", json_pack("{s:s}", "Name", name)), name);
}

int gf_events_disable_rule(struct gf_aws_client *client, const char *name)
{
    return not_found(call(NULL, client, "DisableRule", json_pack("{s:s}", "Name", name)), name);
}

int gf_events_delete_rule(struct gf_aws_client *client, const char *name)
{
    int rc = call(NULL, client, "DeleteRule", json_pack("{s:s}", "Name", name));

    /* AWS: deleting a rule that is gone succeeds (repeats succeed); some emulators say 404 */
    return rc == GF_ENOTFOUND ? 0 : rc;
}

/* FailedEntries of a PutTargets / RemoveTargets reply: GF_ERROR naming the first. */
static int failed_entries(json_t **failed_out, const json_t *res, const char *op,
                          const char *rule)
{
    json_t *failed = json_object_get(res, "FailedEntries");
    const json_t *first = json_array_get(failed, 0);
    int rc = 0;

    if (first) {
        const char *code = json_string_value(json_object_get(first, "ErrorCode"));
        const char *msg = json_string_value(json_object_get(first, "ErrorMessage"));

        const char *id = json_string_value(json_object_get(first, "TargetId"));

        rc = gf_error_set(GF_ERROR, "target '%s' of rule '%s' failed: %s: %s", id ? id : "?",
                          rule, code ? code : "?", msg ? msg : "");
        gf_error_where("events:%s", op);
        gf_error_aws(code ? code : "", "", 200);
    }
    if (failed_out) {
        *failed_out = json_is_array(failed) ? json_incref(failed) : json_array();
        if (!*failed_out)
            return gf_error_oom();
    }
    return rc;
}

static int targets_call(json_t **failed_out, struct gf_aws_client *client, const char *op,
                        const char *rule, json_t *input)
{
    json_t *res = NULL;
    int rc;

    if (failed_out)
        *failed_out = NULL;
    rc = not_found(call(&res, client, op, input), rule);
    if (rc == 0)
        rc = failed_entries(failed_out, res, op, rule);
    json_decref(res);
    return rc;
}

int gf_events_put_targets(json_t **failed_out, struct gf_aws_client *client, const char *rule,
                          const json_t *targets)
{
    return targets_call(failed_out, client, "PutTargets", rule,
                        json_pack("{s:s,s:O}", "Rule", rule, "Targets", targets));
}

int gf_events_remove_targets(json_t **failed_out, struct gf_aws_client *client, const char *rule,
                             const json_t *ids)
{
    return targets_call(failed_out, client, "RemoveTargets", rule,
                        json_pack("{s:s,s:O}", "Rule", rule, "Ids", ids));
}

int gf_events_list_targets(json_t **out, struct gf_aws_client *client, const char *rule)
{
    json_t *input = json_pack("{s:s}", "Rule", rule);
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_events, "ListTargetsByRule", input, 0);
    json_decref(input);
    return not_found(rc, rule);
}

/* "arn:aws:events:R:A:rule/NAME" -> NAME, for error messages. */
static const char *arn_rule(const char *arn)
{
    const char *at = strstr(arn, ":rule/");

    return at ? at + strlen(":rule/") : arn;
}

int gf_events_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    json_t *input = json_pack("{s:s,s:O}", "ResourceARN", arn, "Tags", tags);

    return not_found(call(NULL, client, "TagResource", input), arn_rule(arn));
}

int gf_events_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys)
{
    json_t *input = json_pack("{s:s,s:O}", "ResourceARN", arn, "TagKeys", keys);

    return not_found(call(NULL, client, "UntagResource", input), arn_rule(arn));
}

int gf_events_list_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *res = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    rc = call(&res, client, "ListTagsForResource", json_pack("{s:s}", "ResourceARN", arn));
    if (rc < 0)
        return not_found(rc, arn_rule(arn));
    tags = json_object_get(res, "Tags");
    *out = json_is_array(tags) ? json_incref(tags) : json_array();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}
