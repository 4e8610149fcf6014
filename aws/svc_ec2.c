/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ec2.c: EC2 networking over the call layer (ec2 protocol, reference/aws-protocols.md
 * §2.3, §7.5): discovery with ids and filters, security groups and rules, tags, and the VPC
 * building blocks. Inputs use botocore member names; the codec table renames them on the wire. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/codec.h"
#include "aws/service.h"
#include "aws/svc_ec2.h"
#include "common/error.h"
#include "common/banned.h"


/* Describe* operations: the input members for ids and filters, the result key. */
struct describe_op {
    const char *op;
    const char *ids_key;
    const char *filters_key;
    const char *result_key;
    const char *what; /* for not-found messages */
};

static const struct describe_op s_vpcs = {"DescribeVpcs", "VpcIds", "Filters", "vpcSet", "vpc"};
static const struct describe_op s_subnets = {"DescribeSubnets", "SubnetIds", "Filters",
                                             "subnetSet", "subnet"};
static const struct describe_op s_route_tables = {"DescribeRouteTables", "RouteTableIds",
                                                  "Filters", "routeTableSet", "route table"};
static const struct describe_op s_igws = {"DescribeInternetGateways", "InternetGatewayIds",
                                          "Filters", "internetGatewaySet", "internet gateway"};
/* DescribeNatGateways names its filter list `Filter` (reference §11) */
static const struct describe_op s_nats = {"DescribeNatGateways", "NatGatewayIds", "Filter",
                                          "natGatewaySet", "NAT gateway"};
static const struct describe_op s_groups = {"DescribeSecurityGroups", "GroupIds", "Filters",
                                            "securityGroupInfo", "security group"};
static const struct describe_op s_rules = {"DescribeSecurityGroupRules", "SecurityGroupRuleIds",
                                           "Filters", "securityGroupRuleSet",
                                           "security group rule"};
static const struct describe_op s_tags = {"DescribeTags", NULL, "Filters", "tagSet", "tag"};

/* Name the thing a NotFound was about, keeping the AWS fields of the error. */
static int not_found(int rc, const char *what, const char *id)
{
    struct gf_error e;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&e, gf_error_last());
    if (id)
        gf_error_set(GF_ENOTFOUND, "%s '%s' does not exist", what, id);
    else
        gf_error_set(GF_ENOTFOUND, "%s: %s", what, e.msg);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return GF_ENOTFOUND;
}

/* Every page of `op` into one array (aws/codec.c's paginators); an op without one is called
 * once and its `result_key` items taken. */
static int paginate(json_t **out, struct gf_aws_client *client, const char *op,
                    const char *result_key, const json_t *input)
{
    json_t *page = NULL;
    json_t *got;
    int rc;

    if (gf_aws_paginator_find(&gf_aws_ec2, op))
        return gf_aws_paginate(out, client, &gf_aws_ec2, op, input, 0);
    rc = gf_aws_call(&page, client, &gf_aws_ec2, op, input);
    got = json_object_get(page, result_key);
    if (rc == 0)
        *out = json_is_array(got) ? json_incref(got) : json_array();
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    json_decref(page);
    return rc;
}

static int describe(json_t **out, struct gf_aws_client *client, const struct describe_op *d,
                    const json_t *ids, const json_t *filters)
{
    json_t *in = json_object();
    int rc = in ? 0 : gf_error_oom();

    *out = NULL;
    if (rc == 0 && ids && d->ids_key && json_array_size(ids) > 0)
        rc = json_object_set(in, d->ids_key, (json_t *)(uintptr_t)ids) < 0 ? gf_error_oom() : 0;
    if (rc == 0 && filters && json_array_size(filters) > 0)
        rc = json_object_set(in, d->filters_key, (json_t *)(uintptr_t)filters) < 0
                 ? gf_error_oom()
                 : 0;
    if (rc == 0)
        rc = paginate(out, client, d->op, d->result_key, in);
    json_decref(in);
    return rc;
}

int gf_ec2_describe_vpcs(json_t **out, struct gf_aws_client *client, const json_t *ids,
                         const json_t *filters)
{
    return describe(out, client, &s_vpcs, ids, filters);
}

int gf_ec2_describe_subnets(json_t **out, struct gf_aws_client *client, const json_t *ids,
                            const json_t *filters)
{
    return describe(out, client, &s_subnets, ids, filters);
}

int gf_ec2_describe_route_tables(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                 const json_t *filters)
{
    return describe(out, client, &s_route_tables, ids, filters);
}

int gf_ec2_describe_internet_gateways(json_t **out, struct gf_aws_client *client,
                                      const json_t *ids, const json_t *filters)
{
    return describe(out, client, &s_igws, ids, filters);
}

int gf_ec2_describe_nat_gateways(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                 const json_t *filters)
{
    return describe(out, client, &s_nats, ids, filters);
}

int gf_ec2_describe_security_groups(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                    const json_t *filters)
{
    return describe(out, client, &s_groups, ids, filters);
}

int gf_ec2_describe_security_group_rules(json_t **out, struct gf_aws_client *client,
                                         const json_t *ids, const json_t *filters)
{
    return describe(out, client, &s_rules, ids, filters);
}

int gf_ec2_describe_availability_zones(json_t **out, struct gf_aws_client *client,
                                       const json_t *filters)
{
    static const struct describe_op d = {"DescribeAvailabilityZones", NULL, "Filters",
                                         "availabilityZoneInfo", "zone"};

    return describe(out, client, &d, NULL, filters);
}

int gf_ec2_describe_tags(json_t **out, struct gf_aws_client *client, const json_t *filters)
{
    return describe(out, client, &s_tags, NULL, filters);
}

/* One item by id: GF_ENOTFOUND for the NotFound code or an empty answer. */
static int get_one(json_t **out, struct gf_aws_client *client, const struct describe_op *d,
                   const char *id)
{
    json_t *ids = json_pack("[s]", id ? id : "");
    json_t *items = NULL;
    int rc;

    *out = NULL;
    if (!ids)
        return gf_error_oom();
    rc = describe(&items, client, d, ids, NULL);
    json_decref(ids);
    if (rc < 0)
        return not_found(rc, d->what, id);
    if (json_array_size(items) == 0) {
        json_decref(items);
        gf_error_set(GF_ENOTFOUND, "%s '%s' does not exist", d->what, id);
        gf_error_where("ec2:%s", d->op);
        return GF_ENOTFOUND;
    }
    *out = json_incref(json_array_get(items, 0));
    json_decref(items);
    return 0;
}

int gf_ec2_get_vpc(json_t **out, struct gf_aws_client *client, const char *vpc_id)
{
    return get_one(out, client, &s_vpcs, vpc_id);
}

int gf_ec2_get_subnet(json_t **out, struct gf_aws_client *client, const char *subnet_id)
{
    return get_one(out, client, &s_subnets, subnet_id);
}

int gf_ec2_get_security_group(json_t **out, struct gf_aws_client *client, const char *group_id)
{
    return get_one(out, client, &s_groups, group_id);
}

int gf_ec2_get_nat_gateway(json_t **out, struct gf_aws_client *client, const char *nat_id)
{
    return get_one(out, client, &s_nats, nat_id);
}

int gf_ec2_find_security_group(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                               const char *group_name)
{
    json_t *filters = json_pack("[{s:s,s:[s]},{s:s,s:[s]}]", "Name", "vpc-id", "Values",
                                vpc_id ? vpc_id : "", "Name", "group-name", "Values",
                                group_name ? group_name : "");
    json_t *items = NULL;
    int rc;

    *out = NULL;
    if (!filters)
        return gf_error_oom();
    rc = describe(&items, client, &s_groups, NULL, filters);
    json_decref(filters);
    if (rc < 0)
        return rc;
    if (json_array_size(items) == 0) {
        json_decref(items);
        gf_error_set(GF_ENOTFOUND, "security group '%s' does not exist in '%s'", group_name,
                     vpc_id);
        gf_error_where("ec2:DescribeSecurityGroups");
        return GF_ENOTFOUND;
    }
    *out = json_incref(json_array_get(items, 0));
    json_decref(items);
    return 0;
}

/* ---- single calls ----------------------------------------------------------------------- */

/* Call `op` with `input` (stolen); *out (when given) gets reply[key], or the whole reply when
 * key is NULL. A NotFound names `what` `id`. */
static int call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                const char *key, const char *what, const char *id)
{
    json_t *res = NULL;
    json_t *v;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_ec2, op, input);
    json_decref(input);
    if (rc < 0)
        return not_found(rc, what, id);
    if (out) {
        v = key ? json_object_get(res, key) : res;
        if (!v) {
            json_decref(res);
            return gf_error_set(GF_ERROR, "ec2:%s reply has no '%s'", op, key ? key : "body");
        }
        *out = json_incref(v);
    }
    json_decref(res);
    return 0;
}

/* Add TagSpecifications [{ResourceType, Tags}] to `in` when tags are given. */
static json_t *with_tags(json_t *in, const char *resource_type, const json_t *tags)
{
    if (!in || !tags || json_array_size(tags) == 0)
        return in;
    if (json_object_set_new(in, "TagSpecifications",
                            json_pack("[{s:s,s:O}]", "ResourceType", resource_type, "Tags",
                                      tags)) < 0) {
        json_decref(in);
        return NULL;
    }
    return in;
}

int gf_ec2_create_security_group(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                                 const char *group_name, const char *description,
                                 const json_t *tags)
{
    json_t *in = json_pack("{s:s,s:s}", "GroupName", group_name ? group_name : "",
                           "Description", description ? description : "");

    if (in && vpc_id && json_object_set_new(in, "VpcId", json_string(vpc_id)) < 0) {
        json_decref(in);
        in = NULL;
    }
    return call(out, client, "CreateSecurityGroup", with_tags(in, "security-group", tags), NULL,
                "vpc", vpc_id);
}

int gf_ec2_delete_security_group(struct gf_aws_client *client, const char *group_id)
{
    return call(NULL, client, "DeleteSecurityGroup", json_pack("{s:s}", "GroupId", group_id),
                NULL, "security group", group_id);
}

int gf_ec2_authorize_security_group(json_t **out, struct gf_aws_client *client,
                                    const char *group_id, bool egress,
                                    const json_t *ip_permissions)
{
    json_t *res = NULL;
    json_t *rules;
    int rc;

    *out = NULL;
    rc = call(&res, client,
              egress ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress",
              json_pack("{s:s,s:O}", "GroupId", group_id, "IpPermissions", ip_permissions),
              NULL, "security group", group_id);
    if (rc < 0)
        return rc;
    rules = json_object_get(res, "securityGroupRuleSet");
    *out = json_is_array(rules) ? json_incref(rules) : json_array();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_ec2_revoke_security_group(struct gf_aws_client *client, const char *group_id, bool egress,
                                 const json_t *ip_permissions, const json_t *rule_ids)
{
    json_t *in = json_pack("{s:s}", "GroupId", group_id);
    int rc = in ? 0 : gf_error_oom();

    if (rc == 0 && ip_permissions)
        rc = json_object_set(in, "IpPermissions", (json_t *)(uintptr_t)ip_permissions) < 0
                 ? gf_error_oom()
                 : 0;
    if (rc == 0 && rule_ids)
        rc = json_object_set(in, "SecurityGroupRuleIds", (json_t *)(uintptr_t)rule_ids) < 0
                 ? gf_error_oom()
                 : 0;
    if (rc < 0) {
        json_decref(in);
        return rc;
    }
    return call(NULL, client, egress ? "RevokeSecurityGroupEgress" : "RevokeSecurityGroupIngress",
                in, NULL, "security group rule of", group_id);
}

int gf_ec2_create_tags(struct gf_aws_client *client, const json_t *resource_ids,
                       const json_t *tags)
{
    return call(NULL, client, "CreateTags",
                json_pack("{s:O,s:O}", "Resources", resource_ids, "Tags", tags), NULL,
                "resource", NULL);
}

int gf_ec2_delete_tags(struct gf_aws_client *client, const json_t *resource_ids,
                       const json_t *tags)
{
    return call(NULL, client, "DeleteTags",
                json_pack("{s:O,s:O}", "Resources", resource_ids, "Tags", tags), NULL,
                "resource", NULL);
}

/* ---- VPC building blocks ---------------------------------------------------------------- */

int gf_ec2_create_vpc(json_t **out, struct gf_aws_client *client, const char *cidr,
                      const json_t *tags)
{
    return call(out, client, "CreateVpc",
                with_tags(json_pack("{s:s}", "CidrBlock", cidr), "vpc", tags), "vpc", "vpc",
                NULL);
}

int gf_ec2_delete_vpc(struct gf_aws_client *client, const char *vpc_id)
{
    return call(NULL, client, "DeleteVpc", json_pack("{s:s}", "VpcId", vpc_id), NULL, "vpc",
                vpc_id);
}

int gf_ec2_create_subnet(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                         const char *cidr, const char *az, const json_t *tags)
{
    json_t *in = json_pack("{s:s,s:s}", "VpcId", vpc_id, "CidrBlock", cidr);

    if (in && az && json_object_set_new(in, "AvailabilityZone", json_string(az)) < 0) {
        json_decref(in);
        in = NULL;
    }
    return call(out, client, "CreateSubnet", with_tags(in, "subnet", tags), "subnet", "vpc",
                vpc_id);
}

int gf_ec2_delete_subnet(struct gf_aws_client *client, const char *subnet_id)
{
    return call(NULL, client, "DeleteSubnet", json_pack("{s:s}", "SubnetId", subnet_id), NULL,
                "subnet", subnet_id);
}

int gf_ec2_create_internet_gateway(json_t **out, struct gf_aws_client *client,
                                   const json_t *tags)
{
    return call(out, client, "CreateInternetGateway",
                with_tags(json_object(), "internet-gateway", tags), "internetGateway",
                "internet gateway", NULL);
}

int gf_ec2_attach_internet_gateway(struct gf_aws_client *client, const char *igw_id,
                                   const char *vpc_id, bool attach)
{
    return call(NULL, client, attach ? "AttachInternetGateway" : "DetachInternetGateway",
                json_pack("{s:s,s:s}", "InternetGatewayId", igw_id, "VpcId", vpc_id), NULL,
                "internet gateway or vpc", NULL);
}

int gf_ec2_delete_internet_gateway(struct gf_aws_client *client, const char *igw_id)
{
    return call(NULL, client, "DeleteInternetGateway",
                json_pack("{s:s}", "InternetGatewayId", igw_id), NULL, "internet gateway",
                igw_id);
}

int gf_ec2_create_route_table(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                              const json_t *tags)
{
    return call(out, client, "CreateRouteTable",
                with_tags(json_pack("{s:s}", "VpcId", vpc_id), "route-table", tags),
                "routeTable", "vpc", vpc_id);
}

int gf_ec2_delete_route_table(struct gf_aws_client *client, const char *route_table_id)
{
    return call(NULL, client, "DeleteRouteTable",
                json_pack("{s:s}", "RouteTableId", route_table_id), NULL, "route table",
                route_table_id);
}

int gf_ec2_create_route(struct gf_aws_client *client, const char *route_table_id,
                        const char *dest_cidr, const char *gateway_id, const char *nat_id)
{
    json_t *in = json_pack("{s:s,s:s}", "RouteTableId", route_table_id, "DestinationCidrBlock",
                           dest_cidr);

    if (in && gateway_id && json_object_set_new(in, "GatewayId", json_string(gateway_id)) < 0) {
        json_decref(in);
        in = NULL;
    }
    if (in && nat_id && json_object_set_new(in, "NatGatewayId", json_string(nat_id)) < 0) {
        json_decref(in);
        in = NULL;
    }
    return call(NULL, client, "CreateRoute", in, NULL, "route target", NULL);
}

int gf_ec2_associate_route_table(json_t **out, struct gf_aws_client *client,
                                 const char *route_table_id, const char *subnet_id)
{
    return call(out, client, "AssociateRouteTable",
                json_pack("{s:s,s:s}", "RouteTableId", route_table_id, "SubnetId", subnet_id),
                NULL, "route table or subnet", NULL);
}

int gf_ec2_allocate_address(json_t **out, struct gf_aws_client *client, const json_t *tags)
{
    return call(out, client, "AllocateAddress",
                with_tags(json_pack("{s:s}", "Domain", "vpc"), "elastic-ip", tags), NULL,
                "address", NULL);
}

int gf_ec2_release_address(struct gf_aws_client *client, const char *allocation_id)
{
    return call(NULL, client, "ReleaseAddress",
                json_pack("{s:s}", "AllocationId", allocation_id), NULL, "address",
                allocation_id);
}

int gf_ec2_create_nat_gateway(json_t **out, struct gf_aws_client *client, const char *subnet_id,
                              const char *allocation_id, const json_t *tags)
{
    return call(out, client, "CreateNatGateway",
                with_tags(json_pack("{s:s,s:s}", "SubnetId", subnet_id, "AllocationId",
                                    allocation_id),
                          "natgateway", tags),
                "natGateway", "subnet or address", NULL);
}

int gf_ec2_delete_nat_gateway(struct gf_aws_client *client, const char *nat_id)
{
    return call(NULL, client, "DeleteNatGateway", json_pack("{s:s}", "NatGatewayId", nat_id),
                NULL, "NAT gateway", nat_id);
}
