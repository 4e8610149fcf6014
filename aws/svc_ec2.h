/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ec2.h: Amazon EC2's networking through the call layer (aws/client.h, ec2 protocol,
 * reference/aws-protocols.md §2.3 and §7.5): discovery of VPCs, subnets, route tables, gateways,
 * security groups and zones; security groups and their rules; tags; and the VPC building blocks
 * (VPC, subnet, internet and NAT gateways, route tables, elastic IPs) the starting topology and
 * the tests need. Thin: one function per operation, lists fully paginated, no business logic.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure; they
 *   are what gf_aws_response_decode gives: EC2's lower-camel element names as keys ("vpcId",
 *   "cidrBlock", "tagSet": [{"key", "value"}], "ipPermissions", "mapPublicIpOnLaunch" as a
 *   boolean), lists as arrays.
 * - json_t and string inputs are borrowed for the call; an optional input is NULL when absent
 *   and is then not sent.
 * - `ids`: an array of id strings or NULL. `filters`: botocore's shape, an array of
 *   {"Name": "vpc-id", "Values": ["vpc-..."]}, or NULL.
 * - Tags (`const json_t *tags`) in inputs are EC2's input shape: an array of {"Key": k,
 *   "Value": v}; creates send them as a TagSpecification for the new resource. Outputs carry
 *   them as "tagSet": [{"key", "value"}].
 * - IP permissions are botocore's input shape: an array of {"IpProtocol": "tcp" | "-1",
 *   "FromPort": n, "ToPort": n, "IpRanges": [{"CidrIp", "Description"}], "UserIdGroupPairs":
 *   [{"GroupId", "Description"}]}.
 * - Reads of one thing by id normalise InvalidVpcID.NotFound, InvalidSubnetID.NotFound,
 *   InvalidGroup.NotFound, InvalidRouteTableID.NotFound, InvalidInternetGatewayID.NotFound,
 *   NatGatewayNotFound (and an empty answer) to GF_ENOTFOUND with a gf_error naming the id.
 *   Creates answered InvalidGroup.Duplicate / InvalidPermission.Duplicate return GF_ECONFLICT;
 *   deletes answered DependencyViolation return GF_ECONFLICT. Other failures are gf_aws_call's.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_EC2_H
#define GF_AWS_SVC_EC2_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"

/* ---- discovery (every page, one array) -------------------------------------------------- */

/* DescribeVpcs / DescribeSubnets / DescribeRouteTables / DescribeInternetGateways /
 * DescribeNatGateways / DescribeSecurityGroups / DescribeSecurityGroupRules with optional ids
 * and filters. out: the array of items (vpcSet, subnetSet, routeTableSet, internetGatewaySet,
 * natGatewaySet, securityGroupInfo, securityGroupRuleSet), possibly empty. An unknown id in
 * `ids` is GF_ENOTFOUND (AWS answers the whole call with the NotFound code). */
int gf_ec2_describe_vpcs(json_t **out, struct gf_aws_client *client, const json_t *ids,
                         const json_t *filters);
int gf_ec2_describe_subnets(json_t **out, struct gf_aws_client *client, const json_t *ids,
                            const json_t *filters);
int gf_ec2_describe_route_tables(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                 const json_t *filters);
int gf_ec2_describe_internet_gateways(json_t **out, struct gf_aws_client *client,
                                      const json_t *ids, const json_t *filters);
int gf_ec2_describe_nat_gateways(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                 const json_t *filters);
int gf_ec2_describe_security_groups(json_t **out, struct gf_aws_client *client, const json_t *ids,
                                    const json_t *filters);
int gf_ec2_describe_security_group_rules(json_t **out, struct gf_aws_client *client,
                                         const json_t *ids, const json_t *filters);
/* DescribeAvailabilityZones (not paginated). out: availabilityZoneInfo items (zoneName, zoneId,
 * zoneState, regionName). */
int gf_ec2_describe_availability_zones(json_t **out, struct gf_aws_client *client,
                                       const json_t *filters);
/* DescribeTags. out: tagSet items {"resourceId", "resourceType", "key", "value"}. */
int gf_ec2_describe_tags(json_t **out, struct gf_aws_client *client, const json_t *filters);

/* One thing by id. out: the item. GF_ENOTFOUND when it does not exist. */
int gf_ec2_get_vpc(json_t **out, struct gf_aws_client *client, const char *vpc_id);
int gf_ec2_get_subnet(json_t **out, struct gf_aws_client *client, const char *subnet_id);
int gf_ec2_get_security_group(json_t **out, struct gf_aws_client *client, const char *group_id);
int gf_ec2_get_nat_gateway(json_t **out, struct gf_aws_client *client, const char *nat_id);
/* The security group called `group_name` in `vpc_id` (filters vpc-id and group-name). out: the
 * item. GF_ENOTFOUND when there is none. */
int gf_ec2_find_security_group(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                               const char *group_name);

/* ---- security groups -------------------------------------------------------------------- */

/* CreateSecurityGroup in `vpc_id` (NULL: the default VPC) with a description (required by AWS,
 * up to 255 characters) and tags. out: the reply {"groupId": "sg-...", "securityGroupArn",
 * "tagSet"}. GF_ECONFLICT (InvalidGroup.Duplicate) when the name is taken in that VPC;
 * GF_ENOTFOUND when the VPC does not exist. */
int gf_ec2_create_security_group(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                                 const char *group_name, const char *description,
                                 const json_t *tags);
/* DeleteSecurityGroup by id. GF_ENOTFOUND; GF_ECONFLICT (DependencyViolation) while another
 * group's rule references it. */
int gf_ec2_delete_security_group(struct gf_aws_client *client, const char *group_id);
/* Authorize{Ingress,Egress} with `ip_permissions`. out: the new rules (securityGroupRuleSet
 * items with securityGroupRuleId "sgr-..."). GF_ECONFLICT (InvalidPermission.Duplicate) when a
 * rule exists already; GF_ENOTFOUND when the group does not exist. */
int gf_ec2_authorize_security_group(json_t **out, struct gf_aws_client *client,
                                    const char *group_id, bool egress,
                                    const json_t *ip_permissions);
/* Revoke{Ingress,Egress}, by `ip_permissions` or by `rule_ids` (array of "sgr-..."; exactly one
 * of the two non-NULL). GF_ENOTFOUND (InvalidPermission.NotFound, InvalidGroup.NotFound) when
 * a rule or the group does not exist. */
int gf_ec2_revoke_security_group(struct gf_aws_client *client, const char *group_id, bool egress,
                                 const json_t *ip_permissions, const json_t *rule_ids);

/* ---- tags ------------------------------------------------------------------------------- */

/* CreateTags on every resource of `resource_ids` (overwrites keys). GF_ENOTFOUND when one does
 * not exist. */
int gf_ec2_create_tags(struct gf_aws_client *client, const json_t *resource_ids,
                       const json_t *tags);
/* DeleteTags: `tags` an array of {"Key"} (any value) or {"Key", "Value"} (only that value). */
int gf_ec2_delete_tags(struct gf_aws_client *client, const json_t *resource_ids,
                       const json_t *tags);

/* ---- VPC building blocks ---------------------------------------------------------------- */

/* CreateVpc (with its main route table and "default" security group). out: the vpc object. */
int gf_ec2_create_vpc(json_t **out, struct gf_aws_client *client, const char *cidr,
                      const json_t *tags);
/* DeleteVpc. GF_ECONFLICT (DependencyViolation) while subnets, gateways or groups remain. */
int gf_ec2_delete_vpc(struct gf_aws_client *client, const char *vpc_id);
/* CreateSubnet of `cidr` inside the VPC in zone `az` (NULL: AWS picks). out: the subnet object.
 * GF_ECONFLICT (InvalidSubnet.Conflict) when it overlaps another subnet. */
int gf_ec2_create_subnet(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                         const char *cidr, const char *az, const json_t *tags);
int gf_ec2_delete_subnet(struct gf_aws_client *client, const char *subnet_id);
/* CreateInternetGateway. out: the internetGateway object. */
int gf_ec2_create_internet_gateway(json_t **out, struct gf_aws_client *client,
                                   const json_t *tags);
/* Attach (attach true) or detach an internet gateway to / from a VPC. */
int gf_ec2_attach_internet_gateway(struct gf_aws_client *client, const char *igw_id,
                                   const char *vpc_id, bool attach);
int gf_ec2_delete_internet_gateway(struct gf_aws_client *client, const char *igw_id);
/* CreateRouteTable. out: the routeTable object (with its local route). */
int gf_ec2_create_route_table(json_t **out, struct gf_aws_client *client, const char *vpc_id,
                              const json_t *tags);
int gf_ec2_delete_route_table(struct gf_aws_client *client, const char *route_table_id);
/* CreateRoute `dest_cidr` to an internet gateway (gateway_id) or a NAT gateway (nat_id); one of
 * the two non-NULL. */
int gf_ec2_create_route(struct gf_aws_client *client, const char *route_table_id,
                        const char *dest_cidr, const char *gateway_id, const char *nat_id);
/* AssociateRouteTable with a subnet. out: the reply {"associationId": "rtbassoc-..."}. */
int gf_ec2_associate_route_table(json_t **out, struct gf_aws_client *client,
                                 const char *route_table_id, const char *subnet_id);
/* AllocateAddress (domain vpc). out: the reply {"allocationId": "eipalloc-...", "publicIp"}. */
int gf_ec2_allocate_address(json_t **out, struct gf_aws_client *client, const json_t *tags);
int gf_ec2_release_address(struct gf_aws_client *client, const char *allocation_id);
/* CreateNatGateway (public) in `subnet_id` with the elastic IP `allocation_id`. out: the
 * natGateway object (state "pending"). */
int gf_ec2_create_nat_gateway(json_t **out, struct gf_aws_client *client, const char *subnet_id,
                              const char *allocation_id, const json_t *tags);
int gf_ec2_delete_nat_gateway(struct gf_aws_client *client, const char *nat_id);

#endif
