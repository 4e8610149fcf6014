/* SPDX-License-Identifier: Apache-2.0 */
/* svc_elbv2.h: Elastic Load Balancing v2 (application load balancers) through the call layer
 * (aws/client.h, query protocol, reference/aws-protocols.md §2.2 and §7.6): load balancers,
 * target groups, listeners, rules, targets and tags. Thin: one function per operation, lists
 * fully paginated, no business logic and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure; they
 *   are the API's object of interest as gf_aws_response_decode gives it (element names as keys:
 *   "LoadBalancerArn", "State": {"Code": "active"}, "Port" as an integer).
 * - json_t and string inputs are borrowed for the call. An optional input is NULL (or 0 for an
 *   integer) when absent, and is then not sent.
 * - Tags (`const json_t *tags`) are ELBv2's own shape: an array of {"Key": k, "Value": v}.
 * - Actions and conditions are botocore's shapes: an action is {"Type": "forward",
 *   "TargetGroupArn": arn} | {"Type": "redirect", "RedirectConfig": {...}} | {"Type":
 *   "fixed-response", "FixedResponseConfig": {...}}; a condition {"Field": "host-header",
 *   "HostHeaderConfig": {"Values": [...]}} or path-pattern / PathPatternConfig.
 * - Reads of one thing normalise "it does not exist" (LoadBalancerNotFound, TargetGroupNotFound,
 *   ListenerNotFound, RuleNotFound) to GF_ENOTFOUND with a gf_error naming the thing; creates
 *   answered "already exists" (DuplicateLoadBalancerName, DuplicateTargetGroupName,
 *   DuplicateListener, PriorityInUse) return GF_ECONFLICT. Deletes of something in use
 *   (ResourceInUse) return GF_ECONFLICT. Other failures are gf_aws_call's codes.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_ELBV2_H
#define GF_AWS_SVC_ELBV2_H

#include <jansson.h>

#include "aws/client.h"

/* ---- load balancers --------------------------------------------------------------------- */

/* CreateLoadBalancer of Type "application". name: 1-32 alphanumerics and hyphens. scheme:
 * "internet-facing" or "internal" (NULL: AWS's default, internet-facing). subnets: array of
 * subnet ids (two or more, in different zones); security_groups: array of group ids or NULL.
 * out: the LoadBalancer object (LoadBalancerArn, DNSName, CanonicalHostedZoneId, State, VpcId). */
int gf_elbv2_create_load_balancer(json_t **out, struct gf_aws_client *client, const char *name,
                                  const char *scheme, const json_t *subnets,
                                  const json_t *security_groups, const json_t *tags);
/* DescribeLoadBalancers for one load balancer by name or ARN (an "arn:" prefix selects the ARN
 * form). out: the LoadBalancer object. GF_ENOTFOUND when it does not exist. */
int gf_elbv2_describe_load_balancer(json_t **out, struct gf_aws_client *client,
                                    const char *name_or_arn);
/* Every load balancer of the region. out: array of LoadBalancer objects. */
int gf_elbv2_list_load_balancers(json_t **out, struct gf_aws_client *client);
/* DeleteLoadBalancer (its listeners and rules go with it; AWS answers success when it is
 * already gone). */
int gf_elbv2_delete_load_balancer(struct gf_aws_client *client, const char *lb_arn);
/* DescribeLoadBalancerAttributes. out: array of {"Key", "Value"}. */
int gf_elbv2_describe_load_balancer_attributes(json_t **out, struct gf_aws_client *client,
                                               const char *lb_arn);
/* ModifyLoadBalancerAttributes with `attributes` (array of {"Key", "Value"}). out: the full
 * attribute array after the change. */
int gf_elbv2_modify_load_balancer_attributes(json_t **out, struct gf_aws_client *client,
                                             const char *lb_arn, const json_t *attributes);

/* ---- target groups ---------------------------------------------------------------------- */

/* A target group's settings. Zero / NULL members are not sent (AWS's defaults apply: for HTTP
 * path "/", interval 30 s, timeout 5 s, healthy 5, unhealthy 2, matcher "200"). */
struct gf_elbv2_target_group_spec {
    const char *name;        /* create only: 1-32 alphanumerics and hyphens */
    const char *protocol;    /* create only: "HTTP", "HTTPS" */
    int port;                /* create only: 1-65535 */
    const char *vpc_id;      /* create only */
    const char *target_type; /* create only: "ip" for awsvpc tasks (NULL: AWS's "instance") */
    const char *health_check_protocol;
    const char *health_check_port; /* "traffic-port" or a number */
    const char *health_check_path;
    int health_check_interval_s;
    int health_check_timeout_s;
    int healthy_threshold;
    int unhealthy_threshold;
    const char *matcher_http_code; /* "200", "200-399", "200,302" */
    const json_t *tags;            /* create only */
};

#define GF_ELBV2_TARGET_GROUP_SPEC_INIT                                                            \
    {                                                                                              \
        NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL                        \
    }

/* CreateTargetGroup. out: the TargetGroup object (TargetGroupArn, Port, HealthCheck*). */
int gf_elbv2_create_target_group(json_t **out, struct gf_aws_client *client,
                                 const struct gf_elbv2_target_group_spec *spec);
/* DescribeTargetGroups for one group by name or ARN. out: the TargetGroup object (with
 * LoadBalancerArns). GF_ENOTFOUND when it does not exist. */
int gf_elbv2_describe_target_group(json_t **out, struct gf_aws_client *client,
                                   const char *name_or_arn);
/* The target groups of load balancer `lb_arn`, or every one of the region when NULL. out: array
 * of TargetGroup objects. GF_ENOTFOUND when the load balancer does not exist. */
int gf_elbv2_list_target_groups(json_t **out, struct gf_aws_client *client, const char *lb_arn);
/* ModifyTargetGroup: the health-check members of `spec` that are set (the create-only members
 * are ignored). out: the TargetGroup object after the change. */
int gf_elbv2_modify_target_group(json_t **out, struct gf_aws_client *client, const char *tg_arn,
                                 const struct gf_elbv2_target_group_spec *spec);
/* DeleteTargetGroup; GF_ECONFLICT (ResourceInUse) while a listener or rule forwards to it. */
int gf_elbv2_delete_target_group(struct gf_aws_client *client, const char *tg_arn);
/* Describe / ModifyTargetGroupAttributes, as for load balancers. */
int gf_elbv2_describe_target_group_attributes(json_t **out, struct gf_aws_client *client,
                                              const char *tg_arn);
int gf_elbv2_modify_target_group_attributes(json_t **out, struct gf_aws_client *client,
                                            const char *tg_arn, const json_t *attributes);

/* ---- listeners -------------------------------------------------------------------------- */

/* CreateListener on `lb_arn`. protocol "HTTP" or "HTTPS"; certificate_arn: the ACM certificate
 * for HTTPS (NULL for HTTP); default_actions: array of actions. out: the Listener object. */
int gf_elbv2_create_listener(json_t **out, struct gf_aws_client *client, const char *lb_arn,
                             const char *protocol, int port, const char *certificate_arn,
                             const json_t *default_actions);
/* DescribeListeners for one listener. out: the Listener object; GF_ENOTFOUND. */
int gf_elbv2_describe_listener(json_t **out, struct gf_aws_client *client,
                               const char *listener_arn);
/* The listeners of `lb_arn`. out: array of Listener objects; GF_ENOTFOUND for the LB. */
int gf_elbv2_list_listeners(json_t **out, struct gf_aws_client *client, const char *lb_arn);
/* ModifyListener: the members given (NULL / 0 unchanged). out: the Listener object. */
int gf_elbv2_modify_listener(json_t **out, struct gf_aws_client *client, const char *listener_arn,
                             const char *protocol, int port, const char *certificate_arn,
                             const json_t *default_actions);
int gf_elbv2_delete_listener(struct gf_aws_client *client, const char *listener_arn);

/* ---- rules ------------------------------------------------------------------------------ */

/* CreateRule with priority 1-50000 (unique per listener: GF_ECONFLICT, PriorityInUse).
 * out: the Rule object (RuleArn, Priority as a string, Conditions, Actions, IsDefault). */
int gf_elbv2_create_rule(json_t **out, struct gf_aws_client *client, const char *listener_arn,
                         int priority, const json_t *conditions, const json_t *actions);
/* DescribeRules for one rule. out: the Rule object; GF_ENOTFOUND. */
int gf_elbv2_describe_rule(json_t **out, struct gf_aws_client *client, const char *rule_arn);
/* The rules of a listener, the default rule included (Priority "default", IsDefault true).
 * out: array of Rule objects; GF_ENOTFOUND for the listener. */
int gf_elbv2_list_rules(json_t **out, struct gf_aws_client *client, const char *listener_arn);
/* ModifyRule: conditions and/or actions (NULL unchanged). out: the Rule object. */
int gf_elbv2_modify_rule(json_t **out, struct gf_aws_client *client, const char *rule_arn,
                         const json_t *conditions, const json_t *actions);
int gf_elbv2_delete_rule(struct gf_aws_client *client, const char *rule_arn);

/* ---- targets ---------------------------------------------------------------------------- */

/* RegisterTargets / DeregisterTargets; targets: array of {"Id": ip, "Port": n}. */
int gf_elbv2_register_targets(struct gf_aws_client *client, const char *tg_arn,
                              const json_t *targets);
int gf_elbv2_deregister_targets(struct gf_aws_client *client, const char *tg_arn,
                                const json_t *targets);
/* DescribeTargetHealth. out: array of {"Target": {"Id", "Port"}, "HealthCheckPort",
 * "TargetHealth": {"State", "Reason", "Description"}}. GF_ENOTFOUND for the group. */
int gf_elbv2_describe_target_health(json_t **out, struct gf_aws_client *client,
                                    const char *tg_arn);

/* ---- tags ------------------------------------------------------------------------------- */

/* AddTags / RemoveTags on one resource (a load balancer, target group, listener or rule ARN).
 * keys: array of strings. */
int gf_elbv2_add_tags(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_elbv2_remove_tags(struct gf_aws_client *client, const char *arn, const json_t *keys);
/* DescribeTags of one resource. out: its tag array ([] when none); GF_ENOTFOUND. */
int gf_elbv2_describe_tags(json_t **out, struct gf_aws_client *client, const char *arn);

#endif
