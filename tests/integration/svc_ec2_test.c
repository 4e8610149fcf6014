/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ec2_test.c: aws/svc_ec2.c against `gitfargate local-aws` and moto (each scenario written
 * once, run against both), local-aws's EC2 strictness and NAT lifecycle, and the starting
 * topology seeded through the gf_local_ec2_seed hook on a database opened by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/local/local.h"
#include "aws/svc_ec2.h"
#include "common/alloc.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

static struct gf_test_aws s_b;

static void stop(void)
{
    gf_test_aws_stop(&s_b);
}

static json_t *filter1(const char *name, const char *value)
{
    return json_pack("[{s:s,s:[s]}]", "Name", name, "Values", value);
}

static json_t *name_tags(const char *name)
{
    return json_pack("[{s:s,s:s}]", "Key", "Name", "Value", name);
}

static void copy_id(char out[64], const json_t *obj, const char *key)
{
    const char *v = gf_test_json_str(obj, key);

    cr_assert_not_null(v, "no '%s'", key);
    snprintf(out, 64, "%s", v);
}

/* An item list of exactly one item whose `key` is `want`. */
static void assert_one(json_t *items, const char *key, const char *want)
{
    cr_assert_eq(json_array_size(items), 1, "%zu items", json_array_size(items));
    cr_assert_str_eq(gf_test_json_str(items, key), want);
    json_decref(items);
}

struct net {
    char vpc[64], pub[64], priv[64], igw[64], rtb[64], alloc[64], nat[64];
};

/* A VPC with a public subnet routed to an internet gateway and a NAT gateway in it. */
static void build_network(struct gf_test_aws *b, struct net *n)
{
    json_t *o = NULL, *tags = name_tags("gf-net");

    gf_cr_ok(gf_ec2_create_vpc(&o, b->client, "10.20.0.0/16", tags));
    copy_id(n->vpc, o, "vpcId");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_subnet(&o, b->client, n->vpc, "10.20.1.0/24", GF_TEST_AWS_REGION "a",
                                  tags));
    copy_id(n->pub, o, "subnetId");
    cr_assert_str_eq(gf_test_json_str(o, "availabilityZone"), GF_TEST_AWS_REGION "a");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_subnet(&o, b->client, n->vpc, "10.20.2.0/24", GF_TEST_AWS_REGION "b",
                                  NULL));
    copy_id(n->priv, o, "subnetId");
    json_decref(o);
    gf_cr_fails(GF_ECONFLICT, gf_ec2_create_subnet(&o, b->client, n->vpc, "10.20.1.0/25", NULL,
                                                   NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidSubnet.Conflict");
    gf_cr_ok(gf_ec2_create_internet_gateway(&o, b->client, tags));
    copy_id(n->igw, o, "internetGatewayId");
    json_decref(o);
    gf_cr_ok(gf_ec2_attach_internet_gateway(b->client, n->igw, n->vpc, true));
    gf_cr_ok(gf_ec2_create_route_table(&o, b->client, n->vpc, tags));
    copy_id(n->rtb, o, "routeTableId");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_route(b->client, n->rtb, "0.0.0.0/0", n->igw, NULL));
    gf_cr_ok(gf_ec2_associate_route_table(&o, b->client, n->rtb, n->pub));
    cr_assert_eq(strncmp(gf_test_json_str(o, "associationId"), "rtbassoc-", 9), 0);
    json_decref(o);
    gf_cr_ok(gf_ec2_allocate_address(&o, b->client, NULL));
    copy_id(n->alloc, o, "allocationId");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_nat_gateway(&o, b->client, n->pub, n->alloc, tags));
    copy_id(n->nat, o, "natGatewayId");
    json_decref(o);
    json_decref(tags);
}

static void discover_network(struct gf_test_aws *b, const struct net *n)
{
    json_t *items = NULL, *f, *o = NULL;

    f = filter1("tag:Name", "gf-net");
    gf_cr_ok(gf_ec2_describe_vpcs(&items, b->client, NULL, f));
    assert_one(items, "0.vpcId", n->vpc);
    json_decref(f);
    gf_cr_ok(gf_ec2_get_vpc(&o, b->client, n->vpc));
    cr_assert_str_eq(gf_test_json_str(o, "cidrBlock"), "10.20.0.0/16");
    json_decref(o);
    f = filter1("vpc-id", n->vpc);
    gf_cr_ok(gf_ec2_describe_subnets(&items, b->client, NULL, f));
    cr_assert_eq(json_array_size(items), 2);
    json_decref(items);
    json_decref(f);
    f = filter1("attachment.vpc-id", n->vpc);
    gf_cr_ok(gf_ec2_describe_internet_gateways(&items, b->client, NULL, f));
    assert_one(items, "0.internetGatewayId", n->igw);
    json_decref(f);
    f = filter1("association.subnet-id", n->pub);
    gf_cr_ok(gf_ec2_describe_route_tables(&items, b->client, NULL, f));
    assert_one(items, "0.routeTableId", n->rtb);
    json_decref(f);
    f = filter1("vpc-id", n->vpc);
    gf_cr_ok(gf_ec2_describe_nat_gateways(&items, b->client, NULL, f));
    assert_one(items, "0.subnetId", n->pub);
    json_decref(f);
    gf_cr_ok(gf_ec2_get_subnet(&o, b->client, n->pub));
    cr_assert_str_eq(gf_test_json_str(o, "vpcId"), n->vpc);
    json_decref(o);
    gf_cr_fails(GF_ENOTFOUND, gf_ec2_get_vpc(&o, b->client, "vpc-00000000000000000"));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidVpcID.NotFound");
    cr_assert_str_eq(gf_error_last()->msg, "vpc 'vpc-00000000000000000' does not exist");
    gf_cr_fails(GF_ENOTFOUND, gf_ec2_get_subnet(&o, b->client, "subnet-00000000000000000"));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidSubnetID.NotFound");
    gf_cr_ok(gf_ec2_describe_availability_zones(&items, b->client, NULL));
    cr_assert_geq(json_array_size(items), 2);
    json_decref(items);
}

static void security_groups(struct gf_test_aws *b, const struct net *n)
{
    json_t *o = NULL, *items = NULL, *perms, *f, *tags = name_tags("gf-web");
    char web[64], lb[64];

    gf_cr_ok(gf_ec2_create_security_group(&o, b->client, n->vpc, "gf-web", "web tier", tags));
    copy_id(web, o, "groupId");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_security_group(&o, b->client, n->vpc, "gf-lb", "lb", NULL));
    copy_id(lb, o, "groupId");
    json_decref(o);
    gf_cr_fails(GF_ECONFLICT,
                gf_ec2_create_security_group(&o, b->client, n->vpc, "gf-web", "again", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidGroup.Duplicate");
    gf_cr_ok(gf_ec2_find_security_group(&o, b->client, n->vpc, "gf-web"));
    cr_assert_str_eq(gf_test_json_str(o, "groupId"), web);
    /* a new group allows all egress */
    cr_assert_str_eq(gf_test_json_str(o, "ipPermissionsEgress.0.ipProtocol"), "-1");
    cr_assert_str_eq(gf_test_json_str(o, "ipPermissionsEgress.0.ipRanges.0.cidrIp"),
                     "0.0.0.0/0");
    json_decref(o);
    gf_cr_fails(GF_ENOTFOUND, gf_ec2_find_security_group(&o, b->client, n->vpc, "gf-none"));
    f = filter1("group-name", "default");
    json_array_append_new(f, json_pack("{s:s,s:[s]}", "Name", "vpc-id", "Values", n->vpc));
    gf_cr_ok(gf_ec2_describe_security_groups(&items, b->client, NULL, f));
    assert_one(items, "0.groupName", "default");
    json_decref(f);

    perms = json_pack("[{s:s,s:i,s:i,s:[{s:s,s:s}]},{s:s,s:i,s:i,s:[{s:s}]}]", "IpProtocol",
                      "tcp", "FromPort", 80, "ToPort", 80, "IpRanges", "CidrIp", "10.0.0.0/8",
                      "Description", "http", "IpProtocol", "tcp", "FromPort", 8080, "ToPort",
                      8080, "UserIdGroupPairs", "GroupId", lb);
    gf_cr_ok(gf_ec2_authorize_security_group(&o, b->client, web, false, perms));
    json_decref(o);
    gf_cr_fails(GF_ECONFLICT, gf_ec2_authorize_security_group(&o, b->client, web, false, perms));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidPermission.Duplicate");
    gf_cr_ok(gf_ec2_get_security_group(&o, b->client, web));
    cr_assert_eq(json_array_size(json_object_get(o, "ipPermissions")), 2);
    json_decref(o);
    gf_cr_ok(gf_ec2_revoke_security_group(b->client, web, false, perms, NULL));
    gf_cr_fails(GF_ENOTFOUND, gf_ec2_revoke_security_group(b->client, web, false, perms, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidPermission.NotFound");
    gf_cr_ok(gf_ec2_get_security_group(&o, b->client, web));
    cr_assert_eq(json_array_size(json_object_get(o, "ipPermissions")), 0);
    json_decref(o);
    json_decref(perms);

    gf_cr_ok(gf_ec2_delete_security_group(b->client, web));
    gf_cr_ok(gf_ec2_delete_security_group(b->client, lb));
    gf_cr_fails(GF_ENOTFOUND, gf_ec2_get_security_group(&o, b->client, web));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidGroup.NotFound");
    json_decref(tags);
}

static void tags_and_teardown(struct gf_test_aws *b, const struct net *n)
{
    json_t *ids = json_pack("[s,s]", n->vpc, n->pub);
    json_t *tags = json_pack("[{s:s,s:s}]", "Key", "env", "Value", "dev");
    json_t *keys = json_pack("[{s:s}]", "Key", "env");
    json_t *items = NULL, *f = filter1("tag:env", "dev");

    gf_cr_ok(gf_ec2_create_tags(b->client, ids, tags));
    gf_cr_ok(gf_ec2_describe_subnets(&items, b->client, NULL, f));
    assert_one(items, "0.subnetId", n->pub);
    json_decref(f);
    f = filter1("resource-id", n->vpc);
    gf_cr_ok(gf_ec2_describe_tags(&items, b->client, f));
    cr_assert_eq(json_array_size(items), 2); /* Name and env */
    json_decref(items);
    gf_cr_ok(gf_ec2_delete_tags(b->client, ids, keys));
    gf_cr_ok(gf_ec2_describe_tags(&items, b->client, f));
    cr_assert_eq(json_array_size(items), 1);
    json_decref(items);

    gf_cr_ok(gf_ec2_delete_nat_gateway(b->client, n->nat));
    gf_cr_fails(GF_ECONFLICT, gf_ec2_delete_internet_gateway(b->client, n->igw));
    cr_assert_str_eq(gf_error_last()->aws_code, "DependencyViolation");
    gf_cr_ok(gf_ec2_attach_internet_gateway(b->client, n->igw, n->vpc, false));
    gf_cr_ok(gf_ec2_delete_internet_gateway(b->client, n->igw));
    json_decref(ids);
    json_decref(tags);
    json_decref(keys);
    json_decref(f);
}

static void network_scenario(struct gf_test_aws *b)
{
    struct net n;

    memset(&n, 0, sizeof(n));
    build_network(b, &n);
    discover_network(b, &n);
    security_groups(b, &n);
    tags_and_teardown(b, &n);
}

Test(svc_ec2, network_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    network_scenario(&s_b);
}

Test(svc_ec2, network_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    network_scenario(&s_b);
}

/* ---- local-aws only ----------------------------------------------------------------------- */

static void expect_aws(int rc, int want_rc, const char *code)
{
    cr_assert_eq(rc, want_rc, "rc %d (%s), want %d", rc, gf_error_last()->msg, want_rc);
    cr_assert_str_eq(gf_error_last()->aws_code, code);
    cr_assert_eq(gf_error_last()->http_status, 400);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

Test(svc_ec2, local_aws_dependencies_and_nat_lifecycle, .fini = stop)
{
    const char *no_topology[] = {"--no-topology", NULL};
    json_t *o = NULL, *perms;
    struct net n;
    char web[64], lb[64];

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, no_topology);
    memset(&n, 0, sizeof(n));
    build_network(&s_b, &n);
    gf_cr_ok(gf_ec2_get_nat_gateway(&o, s_b.client, n.nat));
    cr_assert_str_eq(gf_test_json_str(o, "state"), "pending");
    json_decref(o);
    sleep_ms(300);
    gf_cr_ok(gf_ec2_get_nat_gateway(&o, s_b.client, n.nat));
    cr_assert_str_eq(gf_test_json_str(o, "state"), "available");
    json_decref(o);
    expect_aws(gf_ec2_release_address(s_b.client, n.alloc), GF_ECONFLICT,
               "InvalidIPAddress.InUse");
    expect_aws(gf_ec2_delete_subnet(s_b.client, n.pub), GF_ECONFLICT, "DependencyViolation");
    expect_aws(gf_ec2_delete_vpc(s_b.client, n.vpc), GF_ECONFLICT, "DependencyViolation");
    expect_aws(gf_ec2_delete_route_table(s_b.client, n.rtb), GF_ECONFLICT,
               "DependencyViolation");

    /* a group another group's rule references cannot go */
    gf_cr_ok(gf_ec2_create_security_group(&o, s_b.client, n.vpc, "web", "web", NULL));
    copy_id(web, o, "groupId");
    json_decref(o);
    gf_cr_ok(gf_ec2_create_security_group(&o, s_b.client, n.vpc, "lb", "lb", NULL));
    copy_id(lb, o, "groupId");
    json_decref(o);
    perms = json_pack("[{s:s,s:i,s:i,s:[{s:s}]}]", "IpProtocol", "tcp", "FromPort", 80,
                      "ToPort", 80, "UserIdGroupPairs", "GroupId", lb);
    gf_cr_ok(gf_ec2_authorize_security_group(&o, s_b.client, web, false, perms));
    cr_assert_eq(strncmp(gf_test_json_str(o, "0.securityGroupRuleId"), "sgr-", 4), 0);
    json_decref(o);
    expect_aws(gf_ec2_delete_security_group(s_b.client, lb), GF_ECONFLICT, "DependencyViolation");
    cr_assert_not_null(strstr(gf_error_last()->msg, "has a dependent object"), "%s",
                       gf_error_last()->msg);
    gf_cr_ok(gf_ec2_revoke_security_group(s_b.client, web, false, perms, NULL));
    gf_cr_ok(gf_ec2_delete_security_group(s_b.client, lb));
    gf_cr_ok(gf_ec2_delete_security_group(s_b.client, web));
    json_decref(perms);

    /* NAT deleting -> deleted, then the subnet, address and VPC can go */
    gf_cr_ok(gf_ec2_delete_nat_gateway(s_b.client, n.nat));
    gf_cr_ok(gf_ec2_get_nat_gateway(&o, s_b.client, n.nat));
    cr_assert_str_eq(gf_test_json_str(o, "state"), "deleting");
    json_decref(o);
    sleep_ms(300);
    gf_cr_ok(gf_ec2_get_nat_gateway(&o, s_b.client, n.nat));
    cr_assert_str_eq(gf_test_json_str(o, "state"), "deleted");
    json_decref(o);
    gf_cr_ok(gf_ec2_release_address(s_b.client, n.alloc));
    gf_cr_ok(gf_ec2_delete_subnet(s_b.client, n.pub));
    gf_cr_ok(gf_ec2_delete_subnet(s_b.client, n.priv));
    gf_cr_ok(gf_ec2_delete_route_table(s_b.client, n.rtb));
    gf_cr_ok(gf_ec2_attach_internet_gateway(s_b.client, n.igw, n.vpc, false));
    gf_cr_ok(gf_ec2_delete_internet_gateway(s_b.client, n.igw));
    gf_cr_ok(gf_ec2_delete_vpc(s_b.client, n.vpc));
    expect_aws(gf_ec2_delete_vpc(s_b.client, n.vpc), GF_ENOTFOUND, "InvalidVpcID.NotFound");
}

Test(svc_ec2, local_aws_rejects_what_ec2_rejects, .fini = stop)
{
    const char *no_topology[] = {"--no-topology", NULL};
    json_t *o = NULL, *sg = NULL, *perms, *f;
    char vpc[64];

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, no_topology);
    expect_aws(gf_ec2_create_vpc(&o, s_b.client, "10.0.0.0/8", NULL), GF_ERROR,
               "InvalidVpc.Range");
    expect_aws(gf_ec2_create_vpc(&o, s_b.client, "10.0.0.1/16", NULL), GF_ERROR,
               "InvalidParameterValue");
    gf_cr_ok(gf_ec2_create_vpc(&o, s_b.client, "10.0.0.0/16", NULL));
    copy_id(vpc, o, "vpcId");
    cr_assert_eq(strlen(vpc), 21); /* vpc- + 17 hex */
    json_decref(o);
    expect_aws(gf_ec2_create_subnet(&o, s_b.client, vpc, "10.1.0.0/24", NULL, NULL), GF_ERROR,
               "InvalidSubnet.Range");
    expect_aws(gf_ec2_create_subnet(&o, s_b.client, vpc, "10.0.0.0/24", "mars-1a", NULL),
               GF_ERROR, "InvalidParameterValue");
    expect_aws(gf_ec2_create_security_group(&o, s_b.client, NULL, "x", "x", NULL), GF_ERROR,
               "VPCIdNotSpecified");
    expect_aws(gf_ec2_create_security_group(&o, s_b.client, vpc, "default", "x", NULL),
               GF_ECONFLICT, "InvalidGroup.Duplicate");
    expect_aws(gf_ec2_delete_security_group(s_b.client, "sg-00000000000000000"), GF_ENOTFOUND,
               "InvalidGroup.NotFound");
    expect_aws(gf_ec2_describe_route_tables(&o, s_b.client, NULL, f = filter1("bogus", "x")),
               GF_ERROR, "InvalidParameterValue");
    json_decref(f);
    perms = json_pack("[{s:s,s:[{s:s}]}]", "IpProtocol", "tcp", "IpRanges", "CidrIp",
                      "0.0.0.0/0");
    gf_cr_ok(gf_ec2_find_security_group(&sg, s_b.client, vpc, "default"));
    /* tcp without ports */
    expect_aws(gf_ec2_authorize_security_group(&o, s_b.client,
                                               gf_test_json_str(sg, "groupId"), false, perms),
               GF_ERROR, "InvalidParameterValue");
    json_decref(perms);
    json_decref(sg);
    expect_aws(gf_ec2_create_nat_gateway(&o, s_b.client, "subnet-00000000000000000",
                                         "eipalloc-00000000000000000", NULL),
               GF_ENOTFOUND, "InvalidSubnetID.NotFound");
    expect_aws(gf_ec2_get_nat_gateway(&o, s_b.client, "nat-00000000000000000"), GF_ENOTFOUND,
               "NatGatewayNotFound");
    gf_test_aws_call_fails(&s_b, &gf_aws_ec2, "DescribeVpcs", json_pack("{s:i}", "MaxResults", 4),
                           "InvalidParameterValue");
    gf_test_aws_call_fails(&s_b, &gf_aws_ec2, "CreateTags",
                           json_pack("{s:[s],s:[{s:s,s:s}]}", "Resources", "foo-1", "Tags", "Key",
                                     "a", "Value", "b"),
                           "InvalidID");
}

/* ---- the starting topology, through the hook on a database opened by hand ----------------- */

static int count_type(struct gf_local_db *db, const char *type)
{
    struct gf_local_list q = {"ec2", type, NULL, NULL, false, 0, 1000};
    json_t *docs = NULL;
    bool more;
    int n;

    gf_cr_ok(gf_local_db_list(&docs, &more, db, &q));
    n = (int)json_array_size(docs);
    json_decref(docs);
    return n;
}

Test(svc_ec2, seed_makes_the_starting_topology)
{
    char *tmp = gf_test_tmpdir("ec2-seed");
    char *path = gf_test_path(tmp, "state.db");
    struct gf_local_db *db = NULL;
    struct gf_local_ctx ctx;
    char vpc[32], subnet_vpc[32], az[32];
    json_t *doc = NULL, *subnets = NULL, *s;
    struct gf_local_list q = {"ec2", "subnet", NULL, NULL, false, 0, 1000};
    bool more;
    size_t i;
    int public_n = 0;

    gf_cr_ok(gf_local_db_open(&db, path));
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.svc = &gf_aws_ec2;
    ctx.region = "eu-west-1";
    ctx.account = "123456789012";
    ctx.access_key_id = "test";
    ctx.now_ms = 1795000000000;
    gf_cr_ok(gf_local_ec2_seed(vpc, &ctx));
    cr_assert_eq(strncmp(vpc, "vpc-", 4), 0);
    gf_cr_ok(gf_local_db_get(&doc, db, "ec2", "vpc", vpc, 0));
    cr_assert_str_eq(gf_test_json_str(doc, "cidrBlock"), "10.0.0.0/16");
    cr_assert_str_eq(gf_test_json_str(doc, "tagSet.0.value"), "local-aws");
    json_decref(doc);
    cr_assert_eq(count_type(db, "vpc"), 1);
    cr_assert_eq(count_type(db, "subnet"), 4);
    cr_assert_eq(count_type(db, "internet-gateway"), 1);
    cr_assert_eq(count_type(db, "natgateway"), 1);
    cr_assert_eq(count_type(db, "elastic-ip"), 1);
    cr_assert_eq(count_type(db, "route-table"), 3); /* main, public, private */
    cr_assert_eq(count_type(db, "security-group"), 1);

    gf_cr_ok(gf_local_db_list(&subnets, &more, db, &q));
    json_array_foreach(subnets, i, s) {
        bool pub = json_is_true(json_object_get(s, "mapPublicIpOnLaunch"));
        const char *id = json_string_value(json_object_get(s, "subnetId"));

        public_n += pub;
        gf_cr_ok(gf_local_ec2_exists(&ctx, id));
        gf_cr_ok(gf_local_ec2_subnet(subnet_vpc, az, &ctx, id));
        cr_assert_str_eq(subnet_vpc, vpc);
        cr_assert(strcmp(az, "eu-west-1a") == 0 || strcmp(az, "eu-west-1b") == 0, "%s", az);
    }
    cr_assert_eq(public_n, 2);
    json_decref(subnets);
    gf_cr_fails(GF_ENOTFOUND, gf_local_ec2_exists(&ctx, "subnet-00000000000000000"));
    gf_cr_fails(GF_ENOTFOUND, gf_local_ec2_exists(&ctx, "bogus"));
    gf_cr_fails(GF_ENOTFOUND, gf_local_ec2_subnet(subnet_vpc, az, &ctx, "subnet-0"));
    gf_local_db_free(db);
    free(path);
    gf_test_tmpdir_remove(tmp);
}
