/* SPDX-License-Identifier: Apache-2.0 */
/* svc_events.h: Amazon EventBridge through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4 and §7.8): rules on the default event bus (schedules for
 * scheduled tasks), their ECS targets and tags. Thin: one function per operation, lists fully
 * paginated, no business logic and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`, `char **arn_out`) are owned by the caller (json_decref, gf_free),
 *   NULL on failure; they are the API's object of interest as AWS returns it (member names
 *   unchanged: "Name", "Arn", "State", "ScheduleExpression").
 * - Inputs are borrowed for the call; an optional input that is NULL is not sent.
 * - Tags (`const json_t *tags`) are EventBridge's shape: an array of {"Key": k, "Value": v}; tag
 *   keys to remove are an array of strings. Tagging takes the rule's ARN (`ResourceARN`).
 * - A target is botocore's Target: {"Id", "Arn" (the cluster ARN for ECS), "RoleArn", "Input",
 *   "EcsParameters": {"TaskDefinitionArn", "TaskCount", "LaunchType", "PlatformVersion",
 *   "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets", "SecurityGroups",
 *   "AssignPublicIp"}}}} (note the lower-camel awsvpcConfiguration).
 * - "It does not exist" (ResourceNotFoundException) is GF_ENOTFOUND with a gf_error naming the
 *   rule. Other failures are gf_aws_call's codes (ValidationException, LimitExceededException:
 *   GF_ERROR with aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_EVENTS_H
#define GF_AWS_SVC_EVENTS_H

#include <jansson.h>

#include "aws/client.h"

/* A rule's settings for PutRule. At least one of schedule_expression and event_pattern. */
struct gf_events_rule_spec {
    const char *name;                /* 1-64 of [.-_A-Za-z0-9] */
    const char *schedule_expression; /* "rate(5 minutes)", "cron(0 12 * * ? *)", or NULL */
    const char *event_pattern;       /* a JSON text, or NULL */
    const char *state;               /* "ENABLED" / "DISABLED"; NULL: AWS's ENABLED */
    const char *description;         /* or NULL */
    const char *role_arn;            /* or NULL */
    const json_t *tags;              /* or NULL; AWS ignores tags when the rule exists */
};

#define GF_EVENTS_RULE_SPEC_INIT                                                                   \
    {                                                                                              \
        NULL, NULL, NULL, NULL, NULL, NULL, NULL                                                   \
    }

/* PutRule: creates the rule, or replaces an existing one's settings (AWS's upsert: members left
 * NULL become unset). arn_out (may be NULL): the RuleArn
 * "arn:aws:events:REGION:ACCOUNT:rule/NAME". */
int gf_events_put_rule(char **arn_out, struct gf_aws_client *client,
                       const struct gf_events_rule_spec *spec);
/* DescribeRule. out: {Name, Arn, State, ScheduleExpression, EventPattern, Description, RoleArn,
 * EventBusName, CreatedBy}. GF_ENOTFOUND. */
int gf_events_describe_rule(json_t **out, struct gf_aws_client *client, const char *name);
/* ListRules, every page. prefix: or NULL. out: array of rule objects as DescribeRule's. */
int gf_events_list_rules(json_t **out, struct gf_aws_client *client, const char *prefix);
/* EnableRule / DisableRule. GF_ENOTFOUND. */
int gf_events_enable_rule(struct gf_aws_client *client, const char *name);
int gf_events_disable_rule(struct gf_aws_client *client, const char *name);
/* DeleteRule. Its targets must be removed first (else GF_ERROR, aws_code ValidationException).
 * A rule already gone succeeds, as on AWS. */
int gf_events_delete_rule(struct gf_aws_client *client, const char *name);

/* PutTargets: add or replace (by Id) targets of `rule`. targets: array of Target objects (at
 * most 5 per rule). Per-target failures come with HTTP 200: they return GF_ERROR with a
 * gf_error naming the first failed target (aws_code its ErrorCode), and *failed_out (may be
 * NULL) gets FailedEntries ([{TargetId, ErrorCode, ErrorMessage}], [] on success).
 * GF_ENOTFOUND when the rule does not exist. */
int gf_events_put_targets(json_t **failed_out, struct gf_aws_client *client, const char *rule,
                          const json_t *targets);
/* ListTargetsByRule, every page. out: array of Target objects. GF_ENOTFOUND. */
int gf_events_list_targets(json_t **out, struct gf_aws_client *client, const char *rule);
/* RemoveTargets by id (ids: array of strings). Failures and failed_out as gf_events_put_targets.
 * GF_ENOTFOUND when the rule does not exist. */
int gf_events_remove_targets(json_t **failed_out, struct gf_aws_client *client, const char *rule,
                             const json_t *ids);

/* TagResource / UntagResource / ListTagsForResource on a rule's ARN. keys: array of strings.
 * out: the tag array ([] when none). GF_ENOTFOUND. */
int gf_events_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_events_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys);
int gf_events_list_tags(json_t **out, struct gf_aws_client *client, const char *arn);

#endif
