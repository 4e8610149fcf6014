/* SPDX-License-Identifier: Apache-2.0 */
/* svc_elbv2.c: ELBv2 over the call layer (reference/aws-protocols.md §7.6): one thin function per
 * operation the reconcile engine needs to create, read, change and destroy what a stack's load
 * balancer implies. Inputs are botocore-named json objects; outputs the decoded members. */
#include <jansson.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_elbv2.h"
#include "common/error.h"
#include "common/banned.h"

/* Make a not-found error name the thing ("load balancer 'web' not found"), keeping the AWS
 * fields the call layer set. Other codes pass unchanged. */
static int name_notfound(int rc, const char *what, const char *name)
{
    struct gf_error saved;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&saved, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "%s '%s' not found", what, name ? name : "");
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return GF_ENOTFOUND;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    if (!v)
        return 0;
    return json_object_set_new(o, key, json_string(v)) == 0 ? 0 : gf_error_oom();
}

static int set_int(json_t *o, const char *key, int v)
{
    if (v == 0)
        return 0;
    return json_object_set_new(o, key, json_integer(v)) == 0 ? 0 : gf_error_oom();
}

static int set_json(json_t *o, const char *key, const json_t *v)
{
    if (!v)
        return 0;
    /* deep copy: the input is borrowed and const */
    return json_object_set_new(o, key, json_deep_copy(v)) == 0 ? 0 : gf_error_oom();
}

/* {key: [one]} as a new object, or NULL on OOM. */
static json_t *one_list(const char *key, const char *one)
{
    return json_pack("{s:[s]}", key, one ? one : "");
}

/* Call op and take out[list_key][0] as *out; GF_ERROR when the reply has none. */
static int call_first(json_t **out, struct gf_aws_client *client, const char *op,
                      const json_t *input, const char *list_key)
{
    json_t *res = NULL;
    json_t *item;
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_elbv2, op, input);
    if (rc < 0)
        goto out;
    item = json_array_get(json_object_get(res, list_key), 0);
    if (!json_is_object(item)) {
        rc = gf_error_set(GF_ERROR, "elbv2:%s reply has no '%s'", op, list_key);
        goto out;
    }
    *out = json_incref(item);
out:
    json_decref(res);
    return rc;
}

/* Call op for its side effect only. */
static int call_void(struct gf_aws_client *client, const char *op, const json_t *input)
{
    json_t *res = NULL;
    int rc;

    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_elbv2, op, input);
    json_decref(res);
    return rc;
}

/* Call op and take out[key] (an array) as *out; [] when absent. */
static int call_array(json_t **out, struct gf_aws_client *client, const char *op,
                      const json_t *input, const char *key)
{
    json_t *res = NULL;
    json_t *arr;
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_elbv2, op, input);
    if (rc < 0)
        goto out;
    arr = json_object_get(res, key);
    *out = json_is_array(arr) ? json_incref(arr) : json_array();
    if (!*out)
        rc = gf_error_oom();
out:
    json_decref(res);
    return rc;
}

static bool is_arn(const char *s)
{
    return s && strncmp(s, "arn:", 4) == 0;
}

/* ---- load balancers --------------------------------------------------------------------- */

int gf_elbv2_create_load_balancer(json_t **out, struct gf_aws_client *client, const char *name,
                                  const char *scheme, const json_t *subnets,
                                  const json_t *security_groups, const json_t *tags)
{
    json_t *in = json_pack("{s:s,s:s}", "Name", name ? name : "", "Type", "application");
    int rc = in ? 0 : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = set_str(in, "Scheme", scheme);
    if (rc == 0)
        rc = set_json(in, "Subnets", subnets);
    if (rc == 0)
        rc = set_json(in, "SecurityGroups", security_groups);
    if (rc == 0)
        rc = set_json(in, "Tags", tags);
    if (rc == 0)
        rc = call_first(out, client, "CreateLoadBalancer", in, "LoadBalancers");
    json_decref(in);
    return rc;
}

int gf_elbv2_describe_load_balancer(json_t **out, struct gf_aws_client *client,
                                    const char *name_or_arn)
{
    json_t *in = one_list(is_arn(name_or_arn) ? "LoadBalancerArns" : "Names", name_or_arn);
    int rc;

    rc = call_first(out, client, "DescribeLoadBalancers", in, "LoadBalancers");
    json_decref(in);
    return name_notfound(rc, "load balancer", name_or_arn);
}

int gf_elbv2_list_load_balancers(json_t **out, struct gf_aws_client *client)
{
    *out = NULL;
    return gf_aws_paginate(out, client, &gf_aws_elbv2, "DescribeLoadBalancers", NULL, 0);
}

int gf_elbv2_delete_load_balancer(struct gf_aws_client *client, const char *lb_arn)
{
    json_t *in = json_pack("{s:s}", "LoadBalancerArn", lb_arn ? lb_arn : "");
    int rc = call_void(client, "DeleteLoadBalancer", in);

    json_decref(in);
    return name_notfound(rc, "load balancer", lb_arn);
}

int gf_elbv2_describe_load_balancer_attributes(json_t **out, struct gf_aws_client *client,
                                               const char *lb_arn)
{
    json_t *in = json_pack("{s:s}", "LoadBalancerArn", lb_arn ? lb_arn : "");
    int rc = call_array(out, client, "DescribeLoadBalancerAttributes", in, "Attributes");

    json_decref(in);
    return name_notfound(rc, "load balancer", lb_arn);
}

int gf_elbv2_modify_load_balancer_attributes(json_t **out, struct gf_aws_client *client,
                                             const char *lb_arn, const json_t *attributes)
{
    json_t *in = json_pack("{s:s}", "LoadBalancerArn", lb_arn ? lb_arn : "");
    int rc = in ? set_json(in, "Attributes", attributes) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = call_array(out, client, "ModifyLoadBalancerAttributes", in, "Attributes");
    json_decref(in);
    return name_notfound(rc, "load balancer", lb_arn);
}

/* ---- target groups ---------------------------------------------------------------------- */

/* The health-check members of spec into `in` (shared by create and modify). */
static int put_health_check(json_t *in, const struct gf_elbv2_target_group_spec *s)
{
    int rc = set_str(in, "HealthCheckProtocol", s->health_check_protocol);

    if (rc == 0)
        rc = set_str(in, "HealthCheckPort", s->health_check_port);
    if (rc == 0)
        rc = set_str(in, "HealthCheckPath", s->health_check_path);
    if (rc == 0)
        rc = set_int(in, "HealthCheckIntervalSeconds", s->health_check_interval_s);
    if (rc == 0)
        rc = set_int(in, "HealthCheckTimeoutSeconds", s->health_check_timeout_s);
    if (rc == 0)
        rc = set_int(in, "HealthyThresholdCount", s->healthy_threshold);
    if (rc == 0)
        rc = set_int(in, "UnhealthyThresholdCount", s->unhealthy_threshold);
    if (rc == 0 && s->matcher_http_code) {
        if (json_object_set_new(in, "Matcher", json_pack("{s:s}", "HttpCode",
                                                         s->matcher_http_code)) < 0)
            rc = gf_error_oom();
    }
    return rc;
}

int gf_elbv2_create_target_group(json_t **out, struct gf_aws_client *client,
                                 const struct gf_elbv2_target_group_spec *spec)
{
    json_t *in = json_pack("{s:s}", "Name", spec->name ? spec->name : "");
    int rc = in ? 0 : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = set_str(in, "Protocol", spec->protocol);
    if (rc == 0)
        rc = set_int(in, "Port", spec->port);
    if (rc == 0)
        rc = set_str(in, "VpcId", spec->vpc_id);
    if (rc == 0)
        rc = set_str(in, "TargetType", spec->target_type);
    if (rc == 0)
        rc = put_health_check(in, spec);
    if (rc == 0)
        rc = set_json(in, "Tags", spec->tags);
    if (rc == 0)
        rc = call_first(out, client, "CreateTargetGroup", in, "TargetGroups");
    json_decref(in);
    return rc;
}

int gf_elbv2_describe_target_group(json_t **out, struct gf_aws_client *client,
                                   const char *name_or_arn)
{
    json_t *in = one_list(is_arn(name_or_arn) ? "TargetGroupArns" : "Names", name_or_arn);
    int rc = call_first(out, client, "DescribeTargetGroups", in, "TargetGroups");

    json_decref(in);
    return name_notfound(rc, "target group", name_or_arn);
}

int gf_elbv2_list_target_groups(json_t **out, struct gf_aws_client *client, const char *lb_arn)
{
    json_t *in = lb_arn ? json_pack("{s:s}", "LoadBalancerArn", lb_arn) : json_object();
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_elbv2, "DescribeTargetGroups", in, 0);
    json_decref(in);
    return name_notfound(rc, "load balancer", lb_arn);
}

int gf_elbv2_modify_target_group(json_t **out, struct gf_aws_client *client, const char *tg_arn,
                                 const struct gf_elbv2_target_group_spec *spec)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = in ? put_health_check(in, spec) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = call_first(out, client, "ModifyTargetGroup", in, "TargetGroups");
    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

int gf_elbv2_delete_target_group(struct gf_aws_client *client, const char *tg_arn)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = call_void(client, "DeleteTargetGroup", in);

    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

int gf_elbv2_describe_target_group_attributes(json_t **out, struct gf_aws_client *client,
                                              const char *tg_arn)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = call_array(out, client, "DescribeTargetGroupAttributes", in, "Attributes");

    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

int gf_elbv2_modify_target_group_attributes(json_t **out, struct gf_aws_client *client,
                                            const char *tg_arn, const json_t *attributes)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = in ? set_json(in, "Attributes", attributes) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = call_array(out, client, "ModifyTargetGroupAttributes", in, "Attributes");
    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

/* ---- listeners -------------------------------------------------------------------------- */

static int put_listener(json_t *in, const char *protocol, int port, const char *certificate_arn,
                        const json_t *default_actions)
{
    int rc = set_str(in, "Protocol", protocol);

    if (rc == 0)
        rc = set_int(in, "Port", port);
    if (rc == 0 && certificate_arn) {
        if (json_object_set_new(in, "Certificates",
                                json_pack("[{s:s}]", "CertificateArn", certificate_arn)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = set_json(in, "DefaultActions", default_actions);
    return rc;
}

int gf_elbv2_create_listener(json_t **out, struct gf_aws_client *client, const char *lb_arn,
                             const char *protocol, int port, const char *certificate_arn,
                             const json_t *default_actions)
{
    json_t *in = json_pack("{s:s}", "LoadBalancerArn", lb_arn ? lb_arn : "");
    int rc = in ? put_listener(in, protocol, port, certificate_arn, default_actions)
                : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = call_first(out, client, "CreateListener", in, "Listeners");
    json_decref(in);
    return rc;
}

int gf_elbv2_describe_listener(json_t **out, struct gf_aws_client *client,
                               const char *listener_arn)
{
    json_t *in = one_list("ListenerArns", listener_arn);
    int rc = call_first(out, client, "DescribeListeners", in, "Listeners");

    json_decref(in);
    return name_notfound(rc, "listener", listener_arn);
}

int gf_elbv2_list_listeners(json_t **out, struct gf_aws_client *client, const char *lb_arn)
{
    json_t *in = json_pack("{s:s}", "LoadBalancerArn", lb_arn ? lb_arn : "");
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_elbv2, "DescribeListeners", in, 0);
    json_decref(in);
    return name_notfound(rc, "load balancer", lb_arn);
}

int gf_elbv2_modify_listener(json_t **out, struct gf_aws_client *client, const char *listener_arn,
                             const char *protocol, int port, const char *certificate_arn,
                             const json_t *default_actions)
{
    json_t *in = json_pack("{s:s}", "ListenerArn", listener_arn ? listener_arn : "");
    int rc = in ? put_listener(in, protocol, port, certificate_arn, default_actions)
                : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = call_first(out, client, "ModifyListener", in, "Listeners");
    json_decref(in);
    return name_notfound(rc, "listener", listener_arn);
}

int gf_elbv2_delete_listener(struct gf_aws_client *client, const char *listener_arn)
{
    json_t *in = json_pack("{s:s}", "ListenerArn", listener_arn ? listener_arn : "");
    int rc = call_void(client, "DeleteListener", in);

    json_decref(in);
    return name_notfound(rc, "listener", listener_arn);
}

/* ---- rules ------------------------------------------------------------------------------ */

int gf_elbv2_create_rule(json_t **out, struct gf_aws_client *client, const char *listener_arn,
                         int priority, const json_t *conditions, const json_t *actions)
{
    json_t *in = json_pack("{s:s,s:i}", "ListenerArn", listener_arn ? listener_arn : "",
                           "Priority", priority);
    int rc = in ? set_json(in, "Conditions", conditions) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = set_json(in, "Actions", actions);
    if (rc == 0)
        rc = call_first(out, client, "CreateRule", in, "Rules");
    json_decref(in);
    return rc;
}

int gf_elbv2_describe_rule(json_t **out, struct gf_aws_client *client, const char *rule_arn)
{
    json_t *in = one_list("RuleArns", rule_arn);
    int rc = call_first(out, client, "DescribeRules", in, "Rules");

    json_decref(in);
    return name_notfound(rc, "rule", rule_arn);
}

int gf_elbv2_list_rules(json_t **out, struct gf_aws_client *client, const char *listener_arn)
{
    json_t *in = json_pack("{s:s}", "ListenerArn", listener_arn ? listener_arn : "");
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_elbv2, "DescribeRules", in, 0);
    json_decref(in);
    return name_notfound(rc, "listener", listener_arn);
}

int gf_elbv2_modify_rule(json_t **out, struct gf_aws_client *client, const char *rule_arn,
                         const json_t *conditions, const json_t *actions)
{
    json_t *in = json_pack("{s:s}", "RuleArn", rule_arn ? rule_arn : "");
    int rc = in ? set_json(in, "Conditions", conditions) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = set_json(in, "Actions", actions);
    if (rc == 0)
        rc = call_first(out, client, "ModifyRule", in, "Rules");
    json_decref(in);
    return name_notfound(rc, "rule", rule_arn);
}

int gf_elbv2_delete_rule(struct gf_aws_client *client, const char *rule_arn)
{
    json_t *in = json_pack("{s:s}", "RuleArn", rule_arn ? rule_arn : "");
    int rc = call_void(client, "DeleteRule", in);

    json_decref(in);
    return name_notfound(rc, "rule", rule_arn);
}

/* ---- targets ---------------------------------------------------------------------------- */

static int targets_call(struct gf_aws_client *client, const char *op, const char *tg_arn,
                        const json_t *targets)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = in ? set_json(in, "Targets", targets) : gf_error_oom();

    if (rc == 0)
        rc = call_void(client, op, in);
    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

int gf_elbv2_register_targets(struct gf_aws_client *client, const char *tg_arn,
                              const json_t *targets)
{
    return targets_call(client, "RegisterTargets", tg_arn, targets);
}

int gf_elbv2_deregister_targets(struct gf_aws_client *client, const char *tg_arn,
                                const json_t *targets)
{
    return targets_call(client, "DeregisterTargets", tg_arn, targets);
}

int gf_elbv2_describe_target_health(json_t **out, struct gf_aws_client *client,
                                    const char *tg_arn)
{
    json_t *in = json_pack("{s:s}", "TargetGroupArn", tg_arn ? tg_arn : "");
    int rc = call_array(out, client, "DescribeTargetHealth", in, "TargetHealthDescriptions");

    json_decref(in);
    return name_notfound(rc, "target group", tg_arn);
}

/* ---- tags ------------------------------------------------------------------------------- */

int gf_elbv2_add_tags(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    json_t *in = one_list("ResourceArns", arn);
    int rc = in ? set_json(in, "Tags", tags) : gf_error_oom();

    if (rc == 0)
        rc = call_void(client, "AddTags", in);
    json_decref(in);
    return name_notfound(rc, "resource", arn);
}

int gf_elbv2_remove_tags(struct gf_aws_client *client, const char *arn, const json_t *keys)
{
    json_t *in = one_list("ResourceArns", arn);
    int rc = in ? set_json(in, "TagKeys", keys) : gf_error_oom();

    if (rc == 0)
        rc = call_void(client, "RemoveTags", in);
    json_decref(in);
    return name_notfound(rc, "resource", arn);
}

int gf_elbv2_describe_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *in = one_list("ResourceArns", arn);
    json_t *desc = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    rc = call_first(&desc, client, "DescribeTags", in, "TagDescriptions");
    json_decref(in);
    if (rc < 0)
        return name_notfound(rc, "resource", arn);
    tags = json_object_get(desc, "Tags");
    *out = json_is_array(tags) ? json_incref(tags) : json_array();
    json_decref(desc);
    return *out ? 0 : gf_error_oom();
}
