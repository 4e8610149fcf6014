#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_efs_test.sh: the AWS CLI against local-aws's EFS (rest-json): file systems with
# creation-token idempotency and a lazy lifecycle, mount targets, tags, 404/409 error codes.
# Usage: local_aws_efs_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

expect "efs create-file-system" "tok-1 creating generalPurpose True" \
    efs create-file-system --creation-token tok-1 --encrypted --tags Key=Name,Value=data \
    --query '[CreationToken, LifeCycleState, PerformanceMode, Encrypted]'
fs=$(cli --output text efs describe-file-systems --creation-token tok-1 --query 'FileSystems[0].FileSystemId')
[[ "$fs" =~ ^fs-[0-9a-f]{17}$ ]] && ok "file system id $fs" || ko "file system id '$fs'"
expect_error "create-file-system same token" FileSystemAlreadyExists \
    efs create-file-system --creation-token tok-1
expect_error "create-file-system bad performance mode" BadRequest \
    efs create-file-system --creation-token tok-x --performance-mode fast
sleep 0.3
expect "describe-file-systems by id" "$fs available data 0 arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/$fs" \
    efs describe-file-systems --file-system-id "$fs" \
    --query 'FileSystems[0].[FileSystemId, LifeCycleState, Name, NumberOfMountTargets, FileSystemArn]'
expect_error "describe-file-systems missing" FileSystemNotFound \
    efs describe-file-systems --file-system-id fs-0123456789abcdef0
expect "describe-file-systems unknown token" "0" \
    efs describe-file-systems --creation-token nope --query 'length(FileSystems)'
expect "create-file-system 2" "tok-2" efs create-file-system --creation-token tok-2 --query CreationToken
expect "create-file-system 3" "tok-3" efs create-file-system --creation-token tok-3 --query CreationToken
expect "describe-file-systems" "3" efs describe-file-systems --query 'length(FileSystems)'
expect "describe-file-systems pages of one" "1 1 1" \
    efs describe-file-systems --page-size 1 --query 'length(FileSystems)'
run_cli --endpoint-url "$endpoint" efs tag-resource --resource-id "$fs" --tags Key=team,Value=web Key=env,Value=prod
[ "$cli_rc" = 0 ] && ok "tag-resource" || ko "tag-resource: $cli_err"
expect "list-tags-for-resource" "Name env team" \
    efs list-tags-for-resource --resource-id "$fs" --query 'sort(Tags[].Key)'
# one key per call: the rest decoder keeps only one of repeated query members (reported)
for k in env team; do
    run_cli --endpoint-url "$endpoint" efs untag-resource --resource-id "$fs" --tag-keys "$k"
    [ "$cli_rc" = 0 ] && ok "untag-resource $k" || ko "untag-resource: $cli_err"
done
expect "list-tags after untag" "Name" efs list-tags-for-resource --resource-id "$fs" --query 'Tags[].Key'
expect_error "tag-resource missing" FileSystemNotFound \
    efs tag-resource --resource-id fs-0123456789abcdef0 --tags Key=a,Value=b
expect_error "describe-mount-targets without id" BadRequest efs describe-mount-targets
expect "describe-mount-targets none" "0" \
    efs describe-mount-targets --file-system-id "$fs" --query 'length(MountTargets)'
expect_error "describe-mount-targets missing fs" FileSystemNotFound \
    efs describe-mount-targets --file-system-id fs-0123456789abcdef0
expect_error "describe-mount-targets missing mount target" MountTargetNotFound \
    efs describe-mount-targets --mount-target-id fsmt-0123456789abcdef0
expect_error "create-mount-target unknown subnet" SubnetNotFound \
    efs create-mount-target --file-system-id "$fs" --subnet-id subnet-0123456789abcdef0
expect_error "create-mount-target missing fs" FileSystemNotFound \
    efs create-mount-target --file-system-id fs-0123456789abcdef0 --subnet-id subnet-0123456789abcdef0

# Mount targets need subnets: through EC2 when local-aws serves it.
if vpc=$(cli --output text ec2 create-vpc --cidr-block 10.9.0.0/16 --query Vpc.VpcId 2>/dev/null); then
    s1=$(cli --output text ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.9.1.0/24 --availability-zone eu-west-1a --query Subnet.SubnetId)
    s2=$(cli --output text ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.9.2.0/24 --availability-zone eu-west-1a --query Subnet.SubnetId)
    s3=$(cli --output text ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.9.3.0/24 --availability-zone eu-west-1b --query Subnet.SubnetId)
    mt=$(cli --output text efs create-mount-target --file-system-id "$fs" --subnet-id "$s1" --query MountTargetId)
    [[ "$mt" =~ ^fsmt-[0-9a-f]{17}$ ]] && ok "create-mount-target $mt" || ko "create-mount-target '$mt'"
    expect_error "create-mount-target same zone" MountTargetConflict \
        efs create-mount-target --file-system-id "$fs" --subnet-id "$s2"
    expect "create-mount-target other zone" "eu-west-1b $vpc" \
        efs create-mount-target --file-system-id "$fs" --subnet-id "$s3" --query '[AvailabilityZoneName, VpcId]'
    expect "describe-mount-targets" "2" \
        efs describe-mount-targets --file-system-id "$fs" --query 'length(MountTargets)'
    expect "describe-mount-targets by id" "$s1 $vpc" \
        efs describe-mount-targets --mount-target-id "$mt" --query 'MountTargets[0].[SubnetId, VpcId]'
    expect "NumberOfMountTargets" "2" \
        efs describe-file-systems --file-system-id "$fs" --query 'FileSystems[0].NumberOfMountTargets'
    expect_error "delete-file-system in use" FileSystemInUse efs delete-file-system --file-system-id "$fs"
    for m in $(cli --output text efs describe-mount-targets --file-system-id "$fs" --query 'MountTargets[].MountTargetId'); do
        run_cli --endpoint-url "$endpoint" efs delete-mount-target --mount-target-id "$m"
        [ "$cli_rc" = 0 ] && ok "delete-mount-target $m" || ko "delete-mount-target: $cli_err"
    done
    expect_error "delete-mount-target missing" MountTargetNotFound efs delete-mount-target --mount-target-id "$mt"
else
    echo "skip: local-aws serves no EC2 CreateVpc yet; mount targets checked for SubnetNotFound only"
fi
run_cli --endpoint-url "$endpoint" efs delete-file-system --file-system-id "$fs"
[ "$cli_rc" = 0 ] && ok "delete-file-system" || ko "delete-file-system: $cli_err"
expect_error "delete-file-system missing" FileSystemNotFound efs delete-file-system --file-system-id "$fs"
expect "describe-file-systems after delete" "2" efs describe-file-systems --query 'length(FileSystems)'
stop_local_aws
finish
