#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_ec2_test.sh: the AWS CLI (botocore, an independent client) against `gitfargate
# local-aws` EC2: the starting topology, VPCs, subnets, gateways, route tables, elastic IPs,
# security groups and rules, tags, filters, paging and EC2's error codes.
# Usage: local_aws_ec2_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

# ---- the starting topology
vpc=$(cli ec2 describe-vpcs --filters Name=tag:Name,Values=local-aws --query 'Vpcs[0].VpcId' --output text)
[[ "$vpc" =~ ^vpc-[0-9a-f]{17}$ ]] && ok "topology vpc id" || ko "topology vpc '$vpc'"
expect "topology vpc cidr" "10.0.0.0/16 False" \
    ec2 describe-vpcs --vpc-ids "$vpc" --query 'Vpcs[0].[CidrBlock, IsDefault]'
expect "topology public subnets" "10.0.1.0/24 eu-west-1a True 10.0.2.0/24 eu-west-1b True" \
    ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" "Name=tag:Name,Values=local-aws-public-*" \
    --query 'sort_by(Subnets, &CidrBlock)[].[CidrBlock, AvailabilityZone, MapPublicIpOnLaunch]'
expect "topology private subnets" "10.0.101.0/24 False 10.0.102.0/24 False" \
    ec2 describe-subnets --filters "Name=tag:Name,Values=local-aws-private-a,local-aws-private-b" \
    --query 'sort_by(Subnets, &CidrBlock)[].[CidrBlock, MapPublicIpOnLaunch]'
igw=$(cli ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$vpc" \
    --query 'InternetGateways[0].InternetGatewayId' --output text)
[[ "$igw" =~ ^igw- ]] && ok "topology internet gateway" || ko "topology igw '$igw'"
nat=$(cli ec2 describe-nat-gateways --filter "Name=vpc-id,Values=$vpc" --query 'NatGateways[0].NatGatewayId' --output text)
expect "topology NAT gateway available in public a" "available 10.0.1.0/24" \
    ec2 describe-nat-gateways --nat-gateway-ids "$nat" \
    --query '[NatGateways[0].State, `10.0.1.0/24`]'
pub_a=$(cli ec2 describe-subnets --filters Name=tag:Name,Values=local-aws-public-a --query 'Subnets[0].SubnetId' --output text)
priv_a=$(cli ec2 describe-subnets --filters Name=tag:Name,Values=local-aws-private-a --query 'Subnets[0].SubnetId' --output text)
expect "NAT gateway sits in public subnet a" "$pub_a" \
    ec2 describe-nat-gateways --nat-gateway-ids "$nat" --query 'NatGateways[0].SubnetId'
expect "public route table 0.0.0.0/0 -> igw" "$igw" \
    ec2 describe-route-tables --filters "Name=association.subnet-id,Values=$pub_a" \
    --query 'RouteTables[0].Routes[?DestinationCidrBlock==`0.0.0.0/0`].GatewayId | [0]'
expect "private route table 0.0.0.0/0 -> nat" "$nat" \
    ec2 describe-route-tables --filters "Name=association.subnet-id,Values=$priv_a" \
    --query 'RouteTables[0].Routes[?DestinationCidrBlock==`0.0.0.0/0`].NatGatewayId | [0]'
expect "main route table" "1" \
    ec2 describe-route-tables --filters "Name=vpc-id,Values=$vpc" Name=association.main,Values=true \
    --query 'length(RouteTables)'
expect "default security group" "default" \
    ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" Name=group-name,Values=default \
    --query 'SecurityGroups[0].GroupName'
expect "availability zones" "eu-west-1a euw1-az1 eu-west-1b euw1-az2 eu-west-1c euw1-az3" \
    ec2 describe-availability-zones --query 'AvailabilityZones[].[ZoneName, ZoneId]'
expect "availability zones by name" "available" \
    ec2 describe-availability-zones --zone-names eu-west-1b --query 'AvailabilityZones[0].State'
expect_error "availability zone unknown" InvalidParameterValue \
    ec2 describe-availability-zones --zone-names mars-1a

# ---- VPCs
v2=$(cli ec2 create-vpc --cidr-block 10.1.0.0/16 \
    --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=v2},{Key=team,Value=a}]' \
    --query 'Vpc.VpcId' --output text)
[[ "$v2" =~ ^vpc-[0-9a-f]{17}$ ]] && ok "ec2 create-vpc" || ko "ec2 create-vpc '$v2'"
expect "create-vpc made a main route table" "True" \
    ec2 describe-route-tables --filters "Name=vpc-id,Values=$v2" --query 'RouteTables[0].Associations[0].Main'
expect "create-vpc made a default group with allow-all egress" "-1 0.0.0.0/0" \
    ec2 describe-security-groups --filters "Name=vpc-id,Values=$v2" \
    --query 'SecurityGroups[0].IpPermissionsEgress[0].[IpProtocol, IpRanges[0].CidrIp]'
expect "describe-vpcs tag filter" "$v2" ec2 describe-vpcs --filters Name=tag:team,Values=a --query 'Vpcs[].VpcId'
expect "describe-vpcs tag-key filter" "$v2" ec2 describe-vpcs --filters Name=tag-key,Values=team --query 'Vpcs[].VpcId'
expect "describe-vpcs is-default filter" "0" \
    ec2 describe-vpcs --filters Name=is-default,Values=true --query 'length(Vpcs)'
expect "describe-vpcs paged" "2" ec2 describe-vpcs --page-size 5 --query 'length(Vpcs)'
expect_error "describe-vpcs unknown id" InvalidVpcID.NotFound ec2 describe-vpcs --vpc-ids vpc-00000000000000000
expect_error "describe-vpcs unknown filter" InvalidParameterValue ec2 describe-vpcs --filters Name=bogus,Values=x
expect_error "create-vpc bad cidr" InvalidParameterValue ec2 create-vpc --cidr-block 10.1.0.0/33
expect_error "create-vpc /8" InvalidVpc.Range ec2 create-vpc --cidr-block 10.0.0.0/8
expect_error "create-vpc bad tag type" InvalidParameterValue \
    ec2 create-vpc --cidr-block 10.9.0.0/16 --tag-specifications 'ResourceType=subnet,Tags=[{Key=a,Value=b}]'

# ---- subnets
s1=$(cli ec2 create-subnet --vpc-id "$v2" --cidr-block 10.1.1.0/24 --availability-zone eu-west-1b \
    --tag-specifications 'ResourceType=subnet,Tags=[{Key=Name,Value=s1}]' --query 'Subnet.SubnetId' --output text)
[[ "$s1" =~ ^subnet-[0-9a-f]{17}$ ]] && ok "ec2 create-subnet" || ko "ec2 create-subnet '$s1'"
expect "describe-subnets by id" "$v2 10.1.1.0/24 eu-west-1b 251 False" \
    ec2 describe-subnets --subnet-ids "$s1" \
    --query 'Subnets[0].[VpcId, CidrBlock, AvailabilityZone, AvailableIpAddressCount, DefaultForAz]'
expect "describe-subnets availability-zone filter" "$s1" \
    ec2 describe-subnets --filters "Name=vpc-id,Values=$v2" Name=availability-zone,Values=eu-west-1b --query 'Subnets[].SubnetId'
expect "describe-subnets default-for-az filter" "0" \
    ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'length(Subnets)'
expect_error "create-subnet overlapping" InvalidSubnet.Conflict \
    ec2 create-subnet --vpc-id "$v2" --cidr-block 10.1.1.128/25
expect_error "create-subnet outside the vpc" InvalidSubnet.Range \
    ec2 create-subnet --vpc-id "$v2" --cidr-block 10.2.1.0/24
expect_error "create-subnet bad zone" InvalidParameterValue \
    ec2 create-subnet --vpc-id "$v2" --cidr-block 10.1.2.0/24 --availability-zone us-east-1a
expect_error "create-subnet missing vpc" InvalidVpcID.NotFound \
    ec2 create-subnet --vpc-id vpc-00000000000000000 --cidr-block 10.1.2.0/24
expect_error "describe-subnets unknown id" InvalidSubnetID.NotFound \
    ec2 describe-subnets --subnet-ids subnet-00000000000000000
s2=$(cli ec2 create-subnet --vpc-id "$v2" --cidr-block 10.1.2.0/24 --query 'Subnet.SubnetId' --output text)

# ---- internet gateways
g2=$(cli ec2 create-internet-gateway --tag-specifications 'ResourceType=internet-gateway,Tags=[{Key=Name,Value=g2}]' \
    --query 'InternetGateway.InternetGatewayId' --output text)
[[ "$g2" =~ ^igw-[0-9a-f]{17}$ ]] && ok "ec2 create-internet-gateway" || ko "create-internet-gateway '$g2'"
cli ec2 attach-internet-gateway --internet-gateway-id "$g2" --vpc-id "$v2" >/dev/null &&
    ok "ec2 attach-internet-gateway" || ko "ec2 attach-internet-gateway"
expect "describe-internet-gateways attachment.vpc-id" "$g2 available" \
    ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$v2" \
    --query 'InternetGateways[0].[InternetGatewayId, Attachments[0].State]'
expect_error "attach-internet-gateway twice" Resource.AlreadyAssociated \
    ec2 attach-internet-gateway --internet-gateway-id "$g2" --vpc-id "$v2"
expect_error "delete-internet-gateway attached" DependencyViolation \
    ec2 delete-internet-gateway --internet-gateway-id "$g2"
expect_error "describe-internet-gateways unknown" InvalidInternetGatewayID.NotFound \
    ec2 describe-internet-gateways --internet-gateway-ids igw-00000000000000000

# ---- route tables
rt=$(cli ec2 create-route-table --vpc-id "$v2" --query 'RouteTable.RouteTableId' --output text)
[[ "$rt" =~ ^rtb-[0-9a-f]{17}$ ]] && ok "ec2 create-route-table" || ko "create-route-table '$rt'"
expect "create-route route to the igw" "True" \
    ec2 create-route --route-table-id "$rt" --destination-cidr-block 0.0.0.0/0 --gateway-id "$g2" --query 'Return'
expect_error "create-route twice" RouteAlreadyExists \
    ec2 create-route --route-table-id "$rt" --destination-cidr-block 0.0.0.0/0 --gateway-id "$g2"
expect_error "create-route foreign igw" InvalidParameterValue \
    ec2 create-route --route-table-id "$rt" --destination-cidr-block 1.0.0.0/8 --gateway-id "$igw"
expect_error "create-route unknown gateway" InvalidGatewayID.NotFound \
    ec2 create-route --route-table-id "$rt" --destination-cidr-block 1.0.0.0/8 --gateway-id igw-00000000000000000
assoc=$(cli ec2 associate-route-table --route-table-id "$rt" --subnet-id "$s1" --query AssociationId --output text)
[[ "$assoc" =~ ^rtbassoc- ]] && ok "ec2 associate-route-table" || ko "associate-route-table '$assoc'"
expect_error "associate-route-table twice" Resource.AlreadyAssociated \
    ec2 associate-route-table --route-table-id "$rt" --subnet-id "$s1"
expect "describe-route-tables route.gateway-id" "$rt" \
    ec2 describe-route-tables --filters "Name=route.gateway-id,Values=$g2" --query 'RouteTables[].RouteTableId'
expect_error "delete-route-table associated" DependencyViolation ec2 delete-route-table --route-table-id "$rt"
expect_error "describe-route-tables unknown" InvalidRouteTableID.NotFound \
    ec2 describe-route-tables --route-table-ids rtb-00000000000000000

# ---- elastic IPs and NAT gateways
alloc=$(cli ec2 allocate-address --domain vpc --query AllocationId --output text)
[[ "$alloc" =~ ^eipalloc-[0-9a-f]{17}$ ]] && ok "ec2 allocate-address" || ko "allocate-address '$alloc'"
n2=$(cli ec2 create-nat-gateway --subnet-id "$s1" --allocation-id "$alloc" \
    --tag-specifications 'ResourceType=natgateway,Tags=[{Key=Name,Value=n2}]' \
    --query 'NatGateway.[NatGatewayId, State]' --output text)
set -- $n2
[ "${2:-}" = pending ] && ok "create-nat-gateway pending" || ko "create-nat-gateway '$n2'"
n2=$1
sleep 0.3
expect "nat gateway available after 200 ms" "available" \
    ec2 describe-nat-gateways --nat-gateway-ids "$n2" --query 'NatGateways[0].State'
expect "describe-nat-gateways state filter" "$n2" \
    ec2 describe-nat-gateways --filter Name=state,Values=available "Name=subnet-id,Values=$s1" --query 'NatGateways[].NatGatewayId'
expect_error "create-nat-gateway address in use" Resource.AlreadyAssociated \
    ec2 create-nat-gateway --subnet-id "$s2" --allocation-id "$alloc"
expect_error "release-address in use" InvalidIPAddress.InUse ec2 release-address --allocation-id "$alloc"
expect_error "delete-subnet with a NAT gateway" DependencyViolation ec2 delete-subnet --subnet-id "$s1"
expect_error "describe-nat-gateways unknown" NatGatewayNotFound \
    ec2 describe-nat-gateways --nat-gateway-ids nat-00000000000000000
expect_error "create-nat-gateway unknown address" InvalidAllocationID.NotFound \
    ec2 create-nat-gateway --subnet-id "$s2" --allocation-id eipalloc-00000000000000000
expect "create-route to the NAT gateway" "True" \
    ec2 create-route --route-table-id "$rt" --destination-cidr-block 10.50.0.0/16 --nat-gateway-id "$n2" --query Return
expect "delete-nat-gateway" "$n2" ec2 delete-nat-gateway --nat-gateway-id "$n2" --query NatGatewayId
sleep 0.3
expect "nat gateway deleted after 200 ms" "deleted" \
    ec2 describe-nat-gateways --nat-gateway-ids "$n2" --query 'NatGateways[0].State'
cli ec2 release-address --allocation-id "$alloc" >/dev/null && ok "ec2 release-address" || ko "release-address"
expect_error "release-address twice" InvalidAllocationID.NotFound ec2 release-address --allocation-id "$alloc"

# ---- security groups
sg=$(cli ec2 create-security-group --group-name web --description "web tier" --vpc-id "$v2" \
    --tag-specifications 'ResourceType=security-group,Tags=[{Key=app,Value=web}]' --query GroupId --output text)
[[ "$sg" =~ ^sg-[0-9a-f]{17}$ ]] && ok "ec2 create-security-group" || ko "create-security-group '$sg'"
lb=$(cli ec2 create-security-group --group-name lb --description "load balancer" --vpc-id "$v2" --query GroupId --output text)
expect "new group has the allow-all egress rule" "-1 0.0.0.0/0 0" \
    ec2 describe-security-groups --group-ids "$sg" \
    --query 'SecurityGroups[0].[IpPermissionsEgress[0].IpProtocol, IpPermissionsEgress[0].IpRanges[0].CidrIp, length(IpPermissions)]'
expect_error "create-security-group duplicate" InvalidGroup.Duplicate \
    ec2 create-security-group --group-name web --description x --vpc-id "$v2"
expect_error "create-security-group default name" InvalidGroup.Duplicate \
    ec2 create-security-group --group-name default --description x --vpc-id "$v2"
expect_error "create-security-group sg- name" InvalidParameterValue \
    ec2 create-security-group --group-name sg-x --description x --vpc-id "$v2"
expect_error "create-security-group missing vpc" InvalidVpcID.NotFound \
    ec2 create-security-group --group-name x --description x --vpc-id vpc-00000000000000000
expect_error "create-security-group without default vpc" VPCIdNotSpecified \
    ec2 create-security-group --group-name x --description x
expect "describe-security-groups group-name filter" "$sg" \
    ec2 describe-security-groups --filters "Name=vpc-id,Values=$v2" Name=group-name,Values=web --query 'SecurityGroups[].GroupId'
expect "describe-security-groups tag filter" "$sg" \
    ec2 describe-security-groups --filters Name=tag:app,Values=web --query 'SecurityGroups[].GroupId'
expect "describe-security-groups group-id filter" "web tier" \
    ec2 describe-security-groups --filters "Name=group-id,Values=$sg" --query 'SecurityGroups[0].Description'
expect_error "describe-security-groups unknown" InvalidGroup.NotFound \
    ec2 describe-security-groups --group-ids sg-00000000000000000
expect_error "describe-security-groups malformed" InvalidGroupId.Malformed \
    ec2 describe-security-groups --group-ids nope
expect_error "describe-security-groups by name outside a default vpc" InvalidGroup.NotFound \
    ec2 describe-security-groups --group-names web

rule=$(cli ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0,Description=http}]" \
    --query 'SecurityGroupRules[0].SecurityGroupRuleId' --output text)
[[ "$rule" =~ ^sgr-[0-9a-f]{17}$ ]] && ok "authorize-security-group-ingress cidr" || ko "authorize ingress '$rule'"
expect "authorize ingress from a group" "True" \
    ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$lb}]" --query Return
expect "authorize ingress --protocol --port --cidr" "True" \
    ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --cidr 10.0.0.0/8 --query Return
expect_error "authorize ingress duplicate" InvalidPermission.Duplicate \
    ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}]"
expect_error "authorize ingress unknown group pair" InvalidGroup.NotFound \
    ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=1,ToPort=1,UserIdGroupPairs=[{GroupId=sg-00000000000000000}]"
expect_error "authorize ingress bad cidr" InvalidParameterValue \
    ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=1,ToPort=1,IpRanges=[{CidrIp=10.0.0.1/8}]"
expect_error "authorize ingress bad ports" InvalidParameterValue \
    ec2 authorize-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=90,ToPort=80,IpRanges=[{CidrIp=10.0.0.0/8}]"
expect_error "authorize ingress unknown group" InvalidGroup.NotFound \
    ec2 authorize-security-group-ingress --group-id sg-00000000000000000 --protocol tcp --port 1 --cidr 0.0.0.0/0
expect "describe-security-groups permissions" "tcp 80 80 0.0.0.0/0 http tcp 443 443 10.0.0.0/8 - tcp 8080 8080 $lb -" \
    ec2 describe-security-groups --group-ids "$sg" \
    --query 'sort_by(SecurityGroups[0].IpPermissions, &FromPort)[].[IpProtocol, FromPort, ToPort, IpRanges[0].CidrIp || UserIdGroupPairs[0].GroupId, IpRanges[0].Description || `-`]'
expect "describe-security-group-rules by group" "4" \
    ec2 describe-security-group-rules --filters "Name=group-id,Values=$sg" --query 'length(SecurityGroupRules)'
expect "describe-security-group-rules by id" "$sg False tcp 80 0.0.0.0/0" \
    ec2 describe-security-group-rules --security-group-rule-ids "$rule" \
    --query 'SecurityGroupRules[0].[GroupId, IsEgress, IpProtocol, FromPort, CidrIpv4]'
expect_error "delete-security-group referenced" DependencyViolation ec2 delete-security-group --group-id "$lb"
expect_error "delete default security group" CannotDelete ec2 delete-security-group \
    --group-id "$(cli ec2 describe-security-groups --filters "Name=vpc-id,Values=$v2" Name=group-name,Values=default --query 'SecurityGroups[0].GroupId' --output text)"
expect "authorize egress" "True" \
    ec2 authorize-security-group-egress --group-id "$sg" \
    --ip-permissions "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.2/32}]" --query Return
expect "revoke egress" "True" \
    ec2 revoke-security-group-egress --group-id "$sg" \
    --ip-permissions "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.2/32}]" --query Return
expect_error "revoke egress twice" InvalidPermission.NotFound \
    ec2 revoke-security-group-egress --group-id "$sg" \
    --ip-permissions "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.2/32}]"
expect "revoke ingress by rule id" "True" \
    ec2 revoke-security-group-ingress --group-id "$sg" --security-group-rule-ids "$rule" --query Return
expect_error "revoke ingress by unknown rule id" InvalidSecurityGroupRuleId.NotFound \
    ec2 revoke-security-group-ingress --group-id "$sg" --security-group-rule-ids "$rule"
expect "revoke ingress group pair" "True" \
    ec2 revoke-security-group-ingress --group-id "$sg" \
    --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$lb}]" --query Return
expect_error "revoke ingress missing" InvalidPermission.NotFound \
    ec2 revoke-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 0.0.0.0/0
cli ec2 delete-security-group --group-id "$lb" >/dev/null && ok "delete-security-group once unreferenced" ||
    ko "delete-security-group lb"
expect_error "delete-security-group twice" InvalidGroup.NotFound ec2 delete-security-group --group-id "$lb"

# ---- tags
cli ec2 create-tags --resources "$v2" "$s1" "$sg" --tags Key=env,Value=dev Key=team,Value=b >/dev/null &&
    ok "ec2 create-tags" || ko "ec2 create-tags"
expect "describe-tags resource-id" "env dev team b" \
    ec2 describe-tags --filters "Name=resource-id,Values=$s1" Name=key,Values=env,team \
    --query 'sort_by(Tags, &Key)[].[Key, Value]'
expect "describe-tags resource types" "security-group subnet vpc" \
    ec2 describe-tags --filters Name=key,Values=env --query 'sort(Tags[].ResourceType)'
expect "create-tags overwrote team" "b" \
    ec2 describe-vpcs --vpc-ids "$v2" --query 'Vpcs[0].Tags[?Key==`team`].Value | [0]'
cli ec2 delete-tags --resources "$v2" --tags Key=team,Value=other >/dev/null
expect "delete-tags with another value keeps the tag" "b" \
    ec2 describe-vpcs --vpc-ids "$v2" --query 'Vpcs[0].Tags[?Key==`team`].Value | [0]'
cli ec2 delete-tags --resources "$v2" --tags Key=team >/dev/null && ok "ec2 delete-tags" || ko "ec2 delete-tags"
expect "delete-tags by key" "0" ec2 describe-vpcs --vpc-ids "$v2" --query 'length(Vpcs[0].Tags[?Key==`team`])'
expect "describe-tags paged: pages of 5 and 3" "5 3" ec2 describe-tags --page-size 5 --filters "Name=resource-id,Values=$v2,$s1,$sg" --query 'length(Tags)'
expect_error "create-tags unknown resource" InvalidVpcID.NotFound \
    ec2 create-tags --resources vpc-00000000000000000 --tags Key=a,Value=b
expect_error "create-tags bad id" InvalidID ec2 create-tags --resources foo-1 --tags Key=a,Value=b
expect_error "create-tags aws: prefix" InvalidParameterValue ec2 create-tags --resources "$v2" --tags Key=aws:x,Value=b

# ---- teardown and dependencies
expect_error "delete-vpc with dependencies" DependencyViolation ec2 delete-vpc --vpc-id "$v2"
cli ec2 delete-security-group --group-id "$sg" >/dev/null && ok "delete-security-group" || ko "delete sg"
cli ec2 delete-subnet --subnet-id "$s1" >/dev/null && ok "delete-subnet (NAT gateway deleted)" || ko "delete-subnet s1"
cli ec2 delete-subnet --subnet-id "$s2" >/dev/null && ok "delete-subnet s2" || ko "delete-subnet s2"
expect_error "delete-subnet twice" InvalidSubnetID.NotFound ec2 delete-subnet --subnet-id "$s2"
cli ec2 delete-route-table --route-table-id "$rt" >/dev/null && ok "delete-route-table" || ko "delete-route-table"
expect_error "delete-vpc with an attached gateway" DependencyViolation ec2 delete-vpc --vpc-id "$v2"
expect_error "detach-internet-gateway wrong vpc" Gateway.NotAttached \
    ec2 detach-internet-gateway --internet-gateway-id "$g2" --vpc-id "$vpc"
cli ec2 detach-internet-gateway --internet-gateway-id "$g2" --vpc-id "$v2" >/dev/null &&
    ok "detach-internet-gateway" || ko "detach-internet-gateway"
cli ec2 delete-internet-gateway --internet-gateway-id "$g2" >/dev/null &&
    ok "delete-internet-gateway" || ko "delete-internet-gateway"
cli ec2 delete-vpc --vpc-id "$v2" >/dev/null && ok "delete-vpc" || ko "delete-vpc"
expect_error "delete-vpc twice" InvalidVpcID.NotFound ec2 delete-vpc --vpc-id "$v2"
expect "delete-vpc took its route table and default group" "0 0" \
    ec2 describe-route-tables --filters "Name=vpc-id,Values=$v2" \
    --query '[length(RouteTables), `0`]'
expect "only the topology is left" "1 4" \
    ec2 describe-vpcs --query '[length(Vpcs), `4`]'

finish
