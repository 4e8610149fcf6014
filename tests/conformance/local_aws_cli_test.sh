#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_cli_test.sh: the AWS CLI (botocore, an independent client) against `gitfargate
# local-aws`: every supported operation must be accepted by the CLI and leave the right state.
# Usage: local_aws_cli_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

arn=arn:aws:ecs:eu-west-1:123456789012

# ---- STS
expect "sts get-caller-identity" \
    "123456789012 arn:aws:iam::123456789012:user/$AWS_ACCESS_KEY_ID" \
    sts get-caller-identity --query '[Account, Arn]'

# ---- a little ECS state for the restart check (tests/conformance/local_aws_ecs_test.sh drives ECS)
expect "ecs create-cluster c1" "$arn:cluster/c1" ecs create-cluster --cluster-name c1 --query 'cluster.clusterArn'
expect "ecs create-cluster c2" "$arn:cluster/c2" ecs create-cluster --cluster-name c2 --query 'cluster.clusterArn'
cat >"$tmp/td.json" <<'EOF2'
{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
 "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx:1.27"}]}
EOF2
expect "ecs register-task-definition" "1" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" --query 'taskDefinition.revision'
expect "ecs register-task-definition revision 2" "2" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" --query 'taskDefinition.revision'

# ---- what is not (yet) served, and signatures
expect_error "ecs list-container-instances (not implemented)" UnknownOperationException \
    ecs list-container-instances
AWS_SECRET_ACCESS_KEY=wrong expect_error_fresh "a wrong secret" SignatureDoesNotMatch sts get-caller-identity
AWS_ACCESS_KEY_ID=AKIDNOTKNOWN expect_error_fresh "an unknown key" InvalidClientTokenId ecs list-clusters

# ---- state survives a restart
stop_local_aws
start_local_aws
expect "state after restart: clusters" "$arn:cluster/c1 $arn:cluster/c2" ecs list-clusters --query 'clusterArns'
expect "state after restart: next revision" "3" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" --query 'taskDefinition.revision'

finish
