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

# ---- ECS clusters
expect "ecs create-cluster" "$arn:cluster/c1 ACTIVE" \
    ecs create-cluster --cluster-name c1 --tags key=team,value=a --query '[cluster.clusterArn, cluster.status]'
expect "ecs create-cluster is idempotent" "$arn:cluster/c1" \
    ecs create-cluster --cluster-name c1 --query 'cluster.clusterArn'
expect "ecs create-cluster c2" "c2" ecs create-cluster --cluster-name c2 --query 'cluster.clusterName'
expect "ecs create-cluster c3" "c3" ecs create-cluster --cluster-name c3 --query 'cluster.clusterName'
expect "ecs describe-clusters with a missing one" "c1 ACTIVE $arn:cluster/nope MISSING" \
    ecs describe-clusters --clusters c1 nope \
    --query '[clusters[0].clusterName, clusters[0].status, failures[0].arn, failures[0].reason]'
expect "ecs describe-clusters --include TAGS" "team a" \
    ecs describe-clusters --clusters "$arn:cluster/c1" --include TAGS --query 'clusters[0].tags[0].[key, value]'
expect "ecs list-clusters" "$arn:cluster/c1 $arn:cluster/c2 $arn:cluster/c3" \
    ecs list-clusters --query 'clusterArns'
expect "ecs list-clusters --page-size 1: three server pages of one" "1 1 1" \
    ecs list-clusters --page-size 1 --query 'length(clusterArns)'
if token=$(cli --output json ecs list-clusters --max-items 2 2>/dev/null); then
    next=$(printf '%s' "$token" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["clusterArns"]), d.get("NextToken",""))')
    set -- $next
    if [ "$1" = 2 ] && [ -n "${2:-}" ]; then
        expect "ecs list-clusters --starting-token" "$arn:cluster/c3" \
            ecs list-clusters --max-items 2 --starting-token "$2" --query 'clusterArns'
    else
        ko "ecs list-clusters --max-items 2: $next"
    fi
else
    ko "ecs list-clusters --max-items 2: $cli_err"
fi
expect "ecs delete-cluster" "INACTIVE" ecs delete-cluster --cluster c3 --query 'cluster.status'
expect "ecs list-clusters after delete" "2" ecs list-clusters --query 'length(clusterArns)'
expect_error "ecs delete-cluster missing" ClusterNotFoundException ecs delete-cluster --cluster c3

# ---- ECS task definitions
cat >"$tmp/td.json" <<'EOF'
{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {"name": "app", "image": "nginx:1.27", "essential": true,
     "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
     "environment": [{"name": "MODE", "value": "prod"}],
     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web",
       "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web"}}}
  ],
  "tags": [{"key": "team", "value": "a"}]
}
EOF
expect "ecs register-task-definition" "$arn:task-definition/web:1 1 ACTIVE 256 512" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" \
    --query '[taskDefinition.taskDefinitionArn, taskDefinition.revision, taskDefinition.status, taskDefinition.cpu, taskDefinition.memory]'
expect "ecs register-task-definition revision 2" "2" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" --query 'taskDefinition.revision'
expect "ecs describe-task-definition family" "2 nginx:1.27 80" \
    ecs describe-task-definition --task-definition web \
    --query '[taskDefinition.revision, taskDefinition.containerDefinitions[0].image, taskDefinition.containerDefinitions[0].portMappings[0].containerPort]'
expect "ecs describe-task-definition family:rev --include TAGS" "1 team" \
    ecs describe-task-definition --task-definition web:1 --include TAGS --query '[taskDefinition.revision, tags[0].key]'
expect "ecs describe-task-definition ARN" "web" \
    ecs describe-task-definition --task-definition "$arn:task-definition/web:2" --query 'taskDefinition.family'
expect "ecs list-task-definitions" "$arn:task-definition/web:1 $arn:task-definition/web:2" \
    ecs list-task-definitions --query 'taskDefinitionArns'
expect "ecs list-task-definitions --sort DESC --family-prefix web" \
    "$arn:task-definition/web:2 $arn:task-definition/web:1" \
    ecs list-task-definitions --family-prefix web --sort DESC --query 'taskDefinitionArns'
expect "ecs deregister-task-definition" "INACTIVE" \
    ecs deregister-task-definition --task-definition web:1 --query 'taskDefinition.status'
expect "ecs list-task-definitions ACTIVE" "$arn:task-definition/web:2" \
    ecs list-task-definitions --query 'taskDefinitionArns'
expect "ecs list-task-definitions INACTIVE" "$arn:task-definition/web:1" \
    ecs list-task-definitions --status INACTIVE --query 'taskDefinitionArns'
expect_error "ecs describe-task-definition missing" ClientException \
    ecs describe-task-definition --task-definition nope:1
expect_error "ecs deregister-task-definition missing" ClientException \
    ecs deregister-task-definition --task-definition web:9
expect_error "ecs register-task-definition bad Fargate size" ClientException \
    ecs register-task-definition --family bad --requires-compatibilities FARGATE \
    --network-mode awsvpc --cpu 256 --memory 4096 \
    --container-definitions '[{"name":"a","image":"i"}]'

# ---- what is not (yet) served, and signatures
expect_error "ecs list-services (not implemented)" UnknownOperationException ecs list-services
AWS_SECRET_ACCESS_KEY=wrong expect_error_fresh "a wrong secret" SignatureDoesNotMatch sts get-caller-identity
AWS_ACCESS_KEY_ID=AKIDNOTKNOWN expect_error_fresh "an unknown key" InvalidClientTokenId ecs list-clusters

# ---- state survives a restart
stop_local_aws
start_local_aws
expect "state after restart: clusters" "$arn:cluster/c1 $arn:cluster/c2" ecs list-clusters --query 'clusterArns'
expect "state after restart: next revision" "3" \
    ecs register-task-definition --cli-input-json "file://$tmp/td.json" --query 'taskDefinition.revision'

finish
