/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_http_test.c: the load-balancer kinds (ALB and its security group, the ALB -> task
 * ingress, target group, listeners and host-header rules, ACM certificate, Route 53 alias)
 * through `gitfargate apply / destroy` against a real `gitfargate local-aws`: the shipped
 * examples admin-console.yml (http: internal ALB, private zone) and storefront.yml (https:
 * certificate validated through Route 53, 80 -> 443 redirect), with their domains moved to
 * local-aws's zones; an unchanged re-apply makes no mutating call; destroy and --prune remove
 * what the stack made. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "common/buf.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/stackfix.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define ECR    "123456789012.dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/"

static const char *const s_images[] = {"--image", "storefront:1.2.3", NULL};

/* examples/<example> with its domain moved into local-aws's example.test zones. */
static void start(struct gf_test_stack *f, const char *example, const char *domain_from,
                  const char *domain_to)
{
    struct gf_buf text = GF_BUF_INIT;

    gf_test_stack_read_example(&text, example);
    gf_test_stack_replace_all(&text, domain_from, domain_to);
    gf_test_stack_start(f, GF_TEST_LOCAL_AWS, text.ptr, s_images);
    f->timeout_s = 240;
    gf_buf_release(&text);
}

static json_t *lbs(struct gf_test_stack *f)
{
    return gf_test_aws_call_ok(&f->aws, &gf_aws_elbv2, "DescribeLoadBalancers", NULL);
}

static json_t *listeners(struct gf_test_stack *f, const char *lb_arn)
{
    return gf_test_aws_call_ok(&f->aws, &gf_aws_elbv2, "DescribeListeners",
                               json_pack("{s:s}", "LoadBalancerArn", lb_arn));
}

/* The listener on `port` in a DescribeListeners output (borrowed), or NULL. */
static const json_t *listener_on(const json_t *out, int port)
{
    size_t i;
    const json_t *l;

    json_array_foreach(json_object_get(out, "Listeners"), i, l) {
        if (json_integer_value(json_object_get(l, "Port")) == port)
            return l;
    }
    return NULL;
}

/* The record set of `name` and `type` in zone, or NULL (owned). */
static json_t *record(struct gf_test_stack *f, const char *zone, const char *name, const char *type)
{
    json_t *out = gf_test_aws_call_ok(&f->aws, &gf_aws_route53, "ListResourceRecordSets",
                                      json_pack("{s:s}", "HostedZoneId", zone));
    json_t *hit = NULL;
    size_t i;
    const json_t *s;

    json_array_foreach(json_object_get(out, "ResourceRecordSets"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "Name")), name) == 0 &&
            strcmp(json_string_value(json_object_get(s, "Type")), type) == 0)
            hit = json_incref((json_t *)s);
    }
    json_decref(out);
    return hit;
}

static bool zone_private(struct gf_test_stack *f, const char *zone)
{
    json_t *out = gf_test_aws_call_ok(&f->aws, &gf_aws_route53, "GetHostedZone",
                                      json_pack("{s:s}", "Id", zone));
    bool priv = json_is_true(gf_test_json_at(out, "HostedZone.Config.PrivateZone"));

    json_decref(out);
    return priv;
}

/* The ingress port the tasks' group opens to the ALB's group, or -1. */
static long long ingress_port(struct gf_test_stack *f, const char *tasks_sg, const char *alb_sg)
{
    json_t *out = gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, "DescribeSecurityGroups",
                                      json_pack("{s:[s]}", "GroupIds", tasks_sg));
    const json_t *perms = gf_test_json_at(out, "securityGroupInfo.0.ipPermissions");
    long long port = -1;
    size_t i;
    const json_t *p;

    json_array_foreach(perms, i, p) {
        const char *src = gf_test_json_str(p, "groups.0.groupId");

        if (src && strcmp(src, alb_sg) == 0)
            port = json_integer_value(json_object_get(p, "fromPort"));
    }
    json_decref(out);
    return port;
}

static void reapply_is_idle(struct gf_test_stack *f)
{
    struct gf_buf err = GF_BUF_INIT;
    const char *apply[] = {"apply", NULL};

    gf_test_stack_ok(f, apply, &err);
    cr_expect(strstr(err.ptr, "No changes"), "an unchanged stack makes no change: %s", err.ptr);
    gf_buf_release(&err);
}

Test(reconcile_http, admin_console_internal_alb_private_zone, .timeout = 240)
{
    struct gf_test_stack f;
    const char *apply[] = {"apply", NULL}, *destroy[] = {"destroy", "--yes", NULL};
    json_t *out, *ls, *rec;
    const json_t *l;
    char *lb_arn, *tg_arn, *zone;

    start(&f, "admin-console.yml", "admin.example.com", "admin.example.test");
    gf_test_stack_ok(&f, apply, NULL);
    tg_arn = gf_test_stack_file_value(&f, "target_group_arn");
    zone = gf_test_stack_file_value(&f, "zone_id");

    /* an internal ALB named <app>-alb, in the private zone */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeLoadBalancers",
                              json_pack("{s:[s]}", "Names", "admin-console-alb"));
    cr_expect_str_eq(gf_test_json_str(out, "LoadBalancers.0.Scheme"), "internal");
    lb_arn = strdup(gf_test_json_str(out, "LoadBalancers.0.LoadBalancerArn"));
    json_decref(out);
    cr_expect(zone_private(&f, zone), "http: the alias goes into the private zone");

    /* port 80 forwards to the target group, and a host-header rule routes the domain */
    ls = listeners(&f, lb_arn);
    l = listener_on(ls, 80);
    cr_assert_not_null(l);
    cr_expect_str_eq(gf_test_json_str(l, "Protocol"), "HTTP");
    cr_expect_str_eq(gf_test_json_str(l, "DefaultActions.0.TargetGroupArn"), tg_arn);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeRules",
                              json_pack("{s:s}", "ListenerArn", gf_test_json_str(l, "ListenerArn")));
    cr_expect_str_eq(gf_test_json_str(out, "Rules.0.Priority"), "100");
    cr_expect_str_eq(gf_test_json_str(out, "Rules.0.Conditions.0.HostHeaderConfig.Values.0"),
                     "admin.example.test");
    json_decref(out);
    json_decref(ls);

    /* the target group: HTTP on the container port, ip targets */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeTargetGroups",
                              json_pack("{s:[s]}", "TargetGroupArns", tg_arn));
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "TargetGroups.0.Port")), 80);
    cr_expect_str_eq(gf_test_json_str(out, "TargetGroups.0.TargetType"), "ip");
    json_decref(out);

    rec = record(&f, zone, "admin.example.test.", "A");
    cr_assert_not_null(rec, "the alias record exists");
    cr_expect_not_null(gf_test_json_str(rec, "AliasTarget.DNSName"));
    json_decref(rec);

    reapply_is_idle(&f);

    gf_test_stack_ok(&f, destroy, NULL);
    out = lbs(&f);
    cr_expect_eq(json_array_size(json_object_get(out, "LoadBalancers")), 0, "the ALB is gone");
    json_decref(out);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeTargetGroups", NULL);
    cr_expect_eq(json_array_size(json_object_get(out, "TargetGroups")), 0, "the group is gone");
    json_decref(out);
    rec = record(&f, zone, "admin.example.test.", "A");
    cr_expect_null(rec, "the alias record is gone");
    json_decref(rec);
    free(lb_arn);
    free(tg_arn);
    free(zone);
    gf_test_stack_stop(&f);
}

Test(reconcile_http, storefront_https_certificate_redirect_and_health_check, .timeout = 240)
{
    struct gf_test_stack f;
    const char *apply[] = {"apply", NULL}, *destroy[] = {"destroy", "--yes", NULL};
    json_t *out, *ls, *rec;
    const json_t *l;
    char *cert, *tg_arn, *zone, *lb_arn, *tasks_sg, *alb_sg;

    start(&f, "storefront.yml", "shop.example.com", "shop.example.test");
    gf_test_stack_ok(&f, apply, NULL);
    cert = gf_test_stack_file_value(&f, "certificate_arn");
    tg_arn = gf_test_stack_file_value(&f, "target_group_arn");
    zone = gf_test_stack_file_value(&f, "zone_id");
    cr_expect_not(zone_private(&f, zone), "https: the public zone");

    /* the certificate was validated through Route 53 and is issued */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_acm, "DescribeCertificate",
                              json_pack("{s:s}", "CertificateArn", cert));
    cr_expect_str_eq(gf_test_json_str(out, "Certificate.Status"), "ISSUED");
    cr_expect_str_eq(gf_test_json_str(out, "Certificate.DomainName"), "shop.example.test");
    json_decref(out);

    /* internet-facing; 443 HTTPS with the certificate; 80 redirects to 443 */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeLoadBalancers",
                              json_pack("{s:[s]}", "Names", "storefront-alb"));
    cr_expect_str_eq(gf_test_json_str(out, "LoadBalancers.0.Scheme"), "internet-facing");
    lb_arn = strdup(gf_test_json_str(out, "LoadBalancers.0.LoadBalancerArn"));
    alb_sg = strdup(gf_test_json_str(out, "LoadBalancers.0.SecurityGroups.0"));
    json_decref(out);
    ls = listeners(&f, lb_arn);
    l = listener_on(ls, 443);
    cr_assert_not_null(l);
    cr_expect_str_eq(gf_test_json_str(l, "Protocol"), "HTTPS");
    cr_expect_str_eq(gf_test_json_str(l, "Certificates.0.CertificateArn"), cert);
    cr_expect_str_eq(gf_test_json_str(l, "DefaultActions.0.TargetGroupArn"), tg_arn);
    l = listener_on(ls, 80);
    cr_assert_not_null(l);
    cr_expect_str_eq(gf_test_json_str(l, "DefaultActions.0.Type"), "redirect");
    cr_expect_str_eq(gf_test_json_str(l, "DefaultActions.0.RedirectConfig.Port"), "443");
    cr_expect_str_eq(gf_test_json_str(l, "DefaultActions.0.RedirectConfig.StatusCode"),
                     "HTTP_301");
    json_decref(ls);

    /* the target group on 8080 with the health check as written (§15.8 fixed) */
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeTargetGroups",
                              json_pack("{s:[s]}", "TargetGroupArns", tg_arn));
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "TargetGroups.0.Port")), 8080);
    cr_expect_str_eq(gf_test_json_str(out, "TargetGroups.0.HealthCheckPath"), "/healthz");
    cr_expect_eq(json_integer_value(gf_test_json_at(out, "TargetGroups.0.HealthyThresholdCount")),
                 3);
    json_decref(out);

    /* the tasks accept the load balancer on the container port, not 80 */
    tasks_sg = gf_test_stack_file_value(&f, "group_id");
    cr_expect_eq(ingress_port(&f, tasks_sg, alb_sg), 8080);

    rec = record(&f, zone, "shop.example.test.", "A");
    cr_expect_not_null(rec, "the alias record exists");
    json_decref(rec);

    reapply_is_idle(&f);

    gf_test_stack_ok(&f, destroy, NULL);
    gf_test_aws_call_fails(&f.aws, &gf_aws_acm, "DescribeCertificate",
                           json_pack("{s:s}", "CertificateArn", cert),
                           "ResourceNotFoundException");
    out = lbs(&f);
    cr_expect_eq(json_array_size(json_object_get(out, "LoadBalancers")), 0, "the ALB is gone");
    json_decref(out);
    rec = record(&f, zone, "shop.example.test.", "A");
    cr_expect_null(rec, "the alias record is gone");
    json_decref(rec);
    free(cert);
    free(tg_arn);
    free(zone);
    free(lb_arn);
    free(tasks_sg);
    free(alb_sg);
    gf_test_stack_stop(&f);
}

/* The http task leaves the file (a plain task stays): apply --prune removes its load balancer,
 * target group and certificate, found by the stack's tags. */
Test(reconcile_http, prune_removes_what_a_removed_https_task_left, .timeout = 240)
{
    struct gf_test_stack f;
    const char *apply[] = {"apply", NULL}, *prune[] = {"apply", "--prune", NULL};
    struct gf_buf plain = GF_BUF_INIT;
    json_t *out, *rec;
    char *cert, *zone;

    start(&f, "storefront.yml", "shop.example.com", "shop.example.test");
    gf_test_stack_ok(&f, apply, NULL);
    cert = gf_test_stack_file_value(&f, "certificate_arn");
    zone = gf_test_stack_file_value(&f, "zone_id");
    gf_buf_printf(&plain,
                  "app:\n  name: storefront\ndomain: shop.example.test\nroute53:\n  zone_id: %s\n"
                  "tasks:\n  report:\n    type: task\n    image: " ECR "storefront:1.2.3\n",
                  zone);
    cr_assert_eq(gf_test_write_file(f.stack, plain.ptr, plain.len), 0);
    gf_buf_release(&plain);
    gf_test_stack_ok(&f, prune, NULL);
    rec = record(&f, zone, "shop.example.test.", "A");
    cr_expect_null(rec, "the alias record is gone");
    json_decref(rec);
    free(zone);
    out = lbs(&f);
    cr_expect_eq(json_array_size(json_object_get(out, "LoadBalancers")), 0, "the ALB is gone");
    json_decref(out);
    out = gf_test_aws_call_ok(&f.aws, &gf_aws_elbv2, "DescribeTargetGroups", NULL);
    cr_expect_eq(json_array_size(json_object_get(out, "TargetGroups")), 0, "the group is gone");
    json_decref(out);
    gf_test_aws_call_fails(&f.aws, &gf_aws_acm, "DescribeCertificate",
                           json_pack("{s:s}", "CertificateArn", cert),
                           "ResourceNotFoundException");
    free(cert);
    gf_test_stack_stop(&f);
}
