/* SPDX-License-Identifier: Apache-2.0 */
/* svc_elbv2_test.c: aws/svc_elbv2.c against local-aws and moto (one scenario, two backends), and
 * local-aws's ELBv2 strictness and the target-health hooks ECS uses (aws/local/svc_elbv2.c). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "aws/client.h"
#include "aws/local/local.h"
#include "aws/svc_elbv2.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

/* A VPC and two subnets in two zones through EC2 (raw calls: the EC2 service file is not ours).
 * local-aws without EC2 yet: the test is skipped with a message. */
static void make_network(char vpc[32], char s1[32], char s2[32], struct gf_test_aws *b)
{
    json_t *in = json_pack("{s:s}", "CidrBlock", "10.0.0.0/16");
    json_t *out = NULL;
    const char *zones[] = {"eu-west-1a", "eu-west-1b"};
    char *subnets[] = {s1, s2};
    int i;

    if (gf_aws_call(&out, b->client, &gf_aws_ec2, "CreateVpc", in) < 0) {
        json_decref(in);
        cr_skip_test("%s cannot CreateVpc yet (%s): the load balancer scenario needs subnets",
                     b->kind == GF_TEST_MOTO ? "moto" : "local-aws", gf_error_last()->msg);
    }
    json_decref(in);
    snprintf(vpc, 32, "%s", gf_test_json_str(out, "vpc.vpcId"));
    json_decref(out);
    for (i = 0; i < 2; i++) {
        char cidr[32];

        snprintf(cidr, sizeof(cidr), "10.0.%d.0/24", i + 1);
        out = gf_test_aws_call_ok(b, &gf_aws_ec2, "CreateSubnet",
                                  json_pack("{s:s,s:s,s:s}", "VpcId", vpc, "CidrBlock", cidr,
                                            "AvailabilityZone", zones[i]));
        snprintf(subnets[i], 32, "%s", gf_test_json_str(out, "subnet.subnetId"));
        json_decref(out);
    }
}

static const char *str(const json_t *o, const char *path)
{
    const char *s = gf_test_json_str(o, path);

    return s ? s : "";
}

static void scenario_load_balancer(struct gf_test_aws *b, char lb_arn[256])
{
    char vpc[32], s1[32], s2[32];
    json_t *subnets, *tags, *lb = NULL, *again = NULL, *list = NULL;

    make_network(vpc, s1, s2, b);
    subnets = json_pack("[s,s]", s1, s2);
    tags = json_pack("[{s:s,s:s}]", "Key", "team", "Value", "web");
    /* the scheme is given: moto 5.2 leaves Scheme out of the reply when it is not (AWS answers
     * its default, internet-facing, as local-aws does) */
    gf_cr_ok(gf_elbv2_create_load_balancer(&lb, b->client, "web", "internet-facing", subnets,
                                           NULL, tags));
    snprintf(lb_arn, 256, "%s", str(lb, "LoadBalancerArn"));
    cr_assert(strstr(lb_arn, ":loadbalancer/app/web/"), "%s", lb_arn);
    cr_assert_str_eq(str(lb, "VpcId"), vpc);
    cr_assert_str_eq(str(lb, "Scheme"), "internet-facing");
    cr_assert(strstr(str(lb, "DNSName"), ".eu-west-1.elb.amazonaws.com"));
    gf_cr_ok(gf_elbv2_describe_load_balancer(&again, b->client, "web"));
    cr_assert_str_eq(str(again, "LoadBalancerArn"), lb_arn);
    json_decref(again);
    gf_cr_ok(gf_elbv2_describe_load_balancer(&again, b->client, lb_arn));
    cr_assert_str_eq(str(again, "LoadBalancerName"), "web");
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_load_balancer(&list, b->client, "nope"));
    cr_assert_str_eq(gf_error_last()->msg, "load balancer 'nope' not found");
    cr_assert_str_eq(gf_error_last()->aws_code, "LoadBalancerNotFound");
    gf_cr_ok(gf_elbv2_list_load_balancers(&list, b->client));
    cr_assert_eq(json_array_size(list), 1);
    json_decref(list);
    json_decref(again);
    json_decref(lb);
    json_decref(subnets);
    json_decref(tags);
    (void)vpc;
}

static void scenario_everything(struct gf_test_aws *b)
{
    struct gf_elbv2_target_group_spec spec = GF_ELBV2_TARGET_GROUP_SPEC_INIT;
    char lb_arn[256], tg_arn[256], l_arn[256], r_arn[256];
    json_t *tg = NULL, *l = NULL, *r = NULL, *list = NULL, *actions, *conds, *targets, *tags;
    json_t *keys, *lb = NULL;

    scenario_load_balancer(b, lb_arn);
    gf_cr_ok(gf_elbv2_describe_load_balancer(&lb, b->client, lb_arn));
    spec.name = "web-tg";
    spec.protocol = "HTTP";
    spec.port = 8080;
    spec.vpc_id = str(lb, "VpcId");
    spec.target_type = "ip";
    spec.health_check_path = "/health";
    gf_cr_ok(gf_elbv2_create_target_group(&tg, b->client, &spec));
    snprintf(tg_arn, sizeof(tg_arn), "%s", str(tg, "TargetGroupArn"));
    cr_assert_eq(json_integer_value(json_object_get(tg, "Port")), 8080);
    cr_assert_str_eq(str(tg, "HealthCheckPath"), "/health");
    json_decref(tg);
    spec.health_check_interval_s = 15;
    gf_cr_ok(gf_elbv2_modify_target_group(&tg, b->client, tg_arn, &spec));
    cr_assert_eq(json_integer_value(json_object_get(tg, "HealthCheckIntervalSeconds")), 15);
    json_decref(tg);

    actions = json_pack("[{s:s,s:s}]", "Type", "forward", "TargetGroupArn", tg_arn);
    gf_cr_ok(gf_elbv2_create_listener(&l, b->client, lb_arn, "HTTP", 80, NULL, actions));
    snprintf(l_arn, sizeof(l_arn), "%s", str(l, "ListenerArn"));
    json_decref(l);
    gf_cr_ok(gf_elbv2_describe_listener(&l, b->client, l_arn));
    cr_assert_eq(json_integer_value(json_object_get(l, "Port")), 80);
    json_decref(l);
    gf_cr_ok(gf_elbv2_list_listeners(&list, b->client, lb_arn));
    cr_assert_eq(json_array_size(list), 1);
    json_decref(list);
    gf_cr_ok(gf_elbv2_list_target_groups(&list, b->client, lb_arn));
    cr_assert_str_eq(str(list, "0.TargetGroupArn"), tg_arn);
    json_decref(list);

    conds = json_pack("[{s:s,s:{s:[s]}}]", "Field", "path-pattern", "PathPatternConfig",
                      "Values", "/api/*");
    gf_cr_ok(gf_elbv2_create_rule(&r, b->client, l_arn, 10, conds, actions));
    snprintf(r_arn, sizeof(r_arn), "%s", str(r, "RuleArn"));
    cr_assert_str_eq(str(r, "Priority"), "10");
    json_decref(r);
    gf_cr_fails(GF_ECONFLICT, gf_elbv2_create_rule(&r, b->client, l_arn, 10, conds, actions));
    cr_assert_str_eq(gf_error_last()->aws_code, "PriorityInUse");
    gf_cr_ok(gf_elbv2_list_rules(&list, b->client, l_arn));
    cr_assert_eq(json_array_size(list), 2); /* and the default rule */
    json_decref(list);
    gf_cr_ok(gf_elbv2_describe_rule(&r, b->client, r_arn));
    json_decref(r);
    gf_cr_ok(gf_elbv2_modify_rule(&r, b->client, r_arn, NULL, actions));
    json_decref(r);

    targets = json_pack("[{s:s,s:i}]", "Id", "10.0.1.10", "Port", 8080);
    gf_cr_ok(gf_elbv2_register_targets(b->client, tg_arn, targets));
    gf_cr_ok(gf_elbv2_describe_target_health(&list, b->client, tg_arn));
    cr_assert_str_eq(str(list, "0.Target.Id"), "10.0.1.10");
    json_decref(list);
    gf_cr_ok(gf_elbv2_deregister_targets(b->client, tg_arn, targets));

    tags = json_pack("[{s:s,s:s}]", "Key", "env", "Value", "prod");
    keys = json_pack("[s]", "team");
    gf_cr_ok(gf_elbv2_add_tags(b->client, lb_arn, tags));
    gf_cr_ok(gf_elbv2_remove_tags(b->client, lb_arn, keys));
    gf_cr_ok(gf_elbv2_describe_tags(&list, b->client, lb_arn));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(str(list, "0.Key"), "env");
    json_decref(list);

    gf_cr_ok(gf_elbv2_delete_rule(b->client, r_arn));
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_rule(&r, b->client, r_arn));
    gf_cr_ok(gf_elbv2_delete_listener(b->client, l_arn));
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_listener(&l, b->client, l_arn));
    gf_cr_ok(gf_elbv2_delete_target_group(b->client, tg_arn));
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_target_group(&tg, b->client, tg_arn));
    cr_assert_str_eq(gf_error_last()->aws_code, "TargetGroupNotFound");
    gf_cr_ok(gf_elbv2_delete_load_balancer(b->client, lb_arn));
    json_decref(lb); /* spec.vpc_id borrowed from it until here */
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_load_balancer(&lb, b->client, "web"));
    json_decref(actions);
    json_decref(conds);
    json_decref(targets);
    json_decref(tags);
    json_decref(keys);
    json_decref(lb);
}

Test(svc_elbv2, everything_local_aws)
{
    struct gf_test_aws b;

    gf_test_aws_start(&b, GF_TEST_LOCAL_AWS, NULL);
    scenario_everything(&b);
    gf_test_aws_stop(&b);
}

Test(svc_elbv2, everything_moto)
{
    struct gf_test_aws b;

    gf_test_aws_start(&b, GF_TEST_MOTO, NULL);
    scenario_everything(&b);
    gf_test_aws_stop(&b);
}

/* local-aws's codes where nothing exists: every read names the thing, AWS's codes come through. */
Test(svc_elbv2, not_found_and_validation_local_aws)
{
    struct gf_test_aws b;
    struct gf_elbv2_target_group_spec spec = GF_ELBV2_TARGET_GROUP_SPEC_INIT;
    const char *nolb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/"
                       "0123456789abcdef";
    const char *notg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/"
                       "0123456789abcdef";
    json_t *out = NULL, *subnets = json_pack("[s,s]", "subnet-1", "subnet-2");

    gf_test_aws_start(&b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_load_balancer(&out, b.client, nolb));
    cr_assert_str_eq(gf_error_last()->msg, "load balancer '" "arn:aws:elasticloadbalancing:"
                     "eu-west-1:123456789012:loadbalancer/app/x/0123456789abcdef' not found");
    cr_assert_str_eq(gf_error_last()->where, "elbv2:DescribeLoadBalancers");
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_target_group(&out, b.client, "x"));
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_list_target_groups(&out, b.client, nolb));
    cr_assert_str_eq(gf_error_last()->aws_code, "LoadBalancerNotFound");
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_list_listeners(&out, b.client, nolb));
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_target_health(&out, b.client, notg));
    cr_assert_str_eq(gf_error_last()->msg, "target group '" "arn:aws:elasticloadbalancing:"
                     "eu-west-1:123456789012:targetgroup/x/0123456789abcdef' not found");
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_describe_tags(&out, b.client, notg));
    gf_cr_ok(gf_elbv2_delete_load_balancer(b.client, nolb)); /* AWS: gone is success */
    gf_cr_ok(gf_elbv2_delete_target_group(b.client, notg));
    gf_cr_fails(GF_ERROR, gf_elbv2_create_load_balancer(&out, b.client, "-bad", NULL, subnets,
                                                        NULL, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "ValidationError");
    cr_assert_eq(gf_error_last()->http_status, 400);
    gf_cr_fails(GF_ENOTFOUND, gf_elbv2_create_load_balancer(&out, b.client, "web", "internal",
                                                            subnets, NULL, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "SubnetNotFound");
    spec.name = "tg";
    spec.protocol = "HTTP";
    spec.vpc_id = "vpc-1";
    gf_cr_fails(GF_ERROR, gf_elbv2_create_target_group(&out, b.client, &spec));
    cr_assert_str_eq(gf_error_last()->aws_code, "ValidationError");
    cr_assert_null(out);
    json_decref(subnets);
    gf_test_aws_stop(&b);
}

/* The hooks ECS uses, on a target group stored directly (no EC2 needed): initial, then healthy
 * on the group's port, unhealthy on another, gone after deregistration. */
Test(svc_elbv2, hooks_follow_registration_and_port)
{
    const char *arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/"
                      "00000000000000aa";
    struct gf_local_db *db = NULL;
    struct gf_local_ctx ctx;
    json_t *doc = json_pack("{s:s,s:s,s:i,s:s,s:[],s:[{s:s,s:s}]}", "TargetGroupArn", arn,
                            "TargetGroupName", "tg", "Port", 8080, "TargetType", "ip",
                            "_targets", "_attributes", "Key",
                            "deregistration_delay.timeout_seconds", "Value", "300");
    struct gf_local_res row = {"elbv2", "targetgroup", "tg", 0, arn, "ACTIVE", doc};
    json_t *good = json_pack("[{s:s,s:i}]", "Id", "10.0.0.5", "Port", 8080);
    json_t *bad = json_pack("[{s:s,s:i}]", "Id", "10.0.0.6", "Port", 9090);
    int64_t port = 0;
    bool healthy = true;

    memset(&ctx, 0, sizeof(ctx));
    gf_cr_ok(gf_local_db_open(&db, ":memory:"));
    ctx.db = db;
    ctx.svc = &gf_aws_elbv2;
    ctx.region = "eu-west-1";
    ctx.account = "123456789012";
    ctx.now_ms = 1000000;
    gf_cr_ok(gf_local_db_put(db, &row));
    gf_cr_ok(gf_local_elbv2_target_group(&port, &ctx, arn));
    cr_assert_eq(port, 8080);
    gf_cr_fails(GF_ENOTFOUND, gf_local_elbv2_target_group(&port, &ctx, "arn:nope"));
    gf_cr_ok(gf_local_elbv2_healthy(&healthy, &ctx, arn, "10.0.0.5"));
    cr_assert_not(healthy, "no target registered yet");
    gf_cr_ok(gf_local_elbv2_register(&ctx, arn, good, false));
    gf_cr_ok(gf_local_elbv2_register(&ctx, arn, bad, false));
    gf_cr_ok(gf_local_elbv2_healthy(&healthy, &ctx, arn, "10.0.0.5"));
    cr_assert_not(healthy, "initial for the first 300 ms");
    ctx.now_ms += 300;
    gf_cr_ok(gf_local_elbv2_healthy(&healthy, &ctx, arn, "10.0.0.5"));
    cr_assert(healthy);
    gf_cr_ok(gf_local_elbv2_healthy(&healthy, &ctx, arn, "10.0.0.6"));
    cr_assert_not(healthy, "another port than the group's is unhealthy");
    gf_cr_ok(gf_local_elbv2_register(&ctx, arn, good, true));
    gf_cr_ok(gf_local_elbv2_healthy(&healthy, &ctx, arn, "10.0.0.5"));
    cr_assert_not(healthy, "deregistered");
    gf_cr_fails(GF_EINVALID, gf_local_elbv2_register(&ctx, arn, good, true));
    cr_assert_str_eq(ctx.err_code, "InvalidTarget");
    gf_cr_fails(GF_ENOTFOUND, gf_local_elbv2_register(&ctx, "arn:nope", good, false));
    json_decref(doc);
    json_decref(good);
    json_decref(bad);
    gf_local_db_free(db);
}
