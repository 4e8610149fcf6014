#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_ecs_test.sh: the AWS CLI (botocore, an independent client) against `gitfargate
# local-aws`'s ECS: clusters, task definitions, services, tasks and tags, their lifecycles and
# error codes. Service and task runs need subnets (the starting topology's, or made through EC2);
# when local-aws does not serve EC2 yet those checks are skipped with a note.
# Usage: local_aws_ecs_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

arn=arn:aws:ecs:eu-west-1:123456789012

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

expect "ecs list-task-definition-families" "web" ecs list-task-definition-families --query 'families'
expect "ecs list-task-definition-families --family-prefix x" "" \
    ecs list-task-definition-families --family-prefix x --query 'families'
expect "ecs list-task-definition-families --status INACTIVE" "" \
    ecs list-task-definition-families --status INACTIVE --query 'families'

# ---- tags
expect "ecs tag-resource cluster" "" ecs tag-resource --resource-arn "$arn:cluster/c1" \
    --tags key=env,value=prod key=team,value=b
expect "ecs list-tags-for-resource cluster" "team b env prod" \
    ecs list-tags-for-resource --resource-arn "$arn:cluster/c1" --query 'tags[].[key, value]'
expect "ecs untag-resource cluster" "" ecs untag-resource --resource-arn "$arn:cluster/c1" --tag-keys env
expect "ecs list-tags-for-resource after untag" "team" \
    ecs list-tags-for-resource --resource-arn "$arn:cluster/c1" --query 'tags[].key'
expect "ecs tag-resource task definition" "" \
    ecs tag-resource --resource-arn "$arn:task-definition/web:2" --tags key=v,value=2
expect "ecs list-tags-for-resource task definition" "team a v 2" \
    ecs list-tags-for-resource --resource-arn "$arn:task-definition/web:2" --query 'tags[].[key, value]'
expect_error "ecs tag-resource missing cluster" ClusterNotFoundException \
    ecs tag-resource --resource-arn "$arn:cluster/nope" --tags key=a,value=b
expect_error "ecs tag-resource missing task definition" ResourceNotFoundException \
    ecs tag-resource --resource-arn "$arn:task-definition/nope:1" --tags key=a,value=b
expect_error "ecs tag-resource reserved prefix" InvalidParameterException \
    ecs tag-resource --resource-arn "$arn:cluster/c1" --tags key=aws:x,value=b

# ---- services and tasks: what fails before anything runs
net='awsvpcConfiguration={subnets=[subnet-nope]}'
expect "ecs list-services empty" "" ecs list-services --cluster c1 --query 'serviceArns'
expect "ecs describe-services missing" "$arn:service/c1/nope MISSING" \
    ecs describe-services --cluster c1 --services nope --query 'failures[0].[arn, reason]'
expect_error "ecs create-service missing cluster" ClusterNotFoundException \
    ecs create-service --cluster nope --service-name s --task-definition web --desired-count 1 \
    --launch-type FARGATE --network-configuration "$net"
expect_error "ecs create-service unknown task definition" ClientException \
    ecs create-service --cluster c1 --service-name s --task-definition nope:1 --launch-type FARGATE \
    --network-configuration "$net"
expect_error "ecs create-service without network configuration" InvalidParameterException \
    ecs create-service --cluster c1 --service-name s --task-definition web --launch-type FARGATE
expect_error "ecs create-service unknown subnet" InvalidParameterException \
    ecs create-service --cluster c1 --service-name s --task-definition web --launch-type FARGATE \
    --network-configuration "$net"
expect_error "ecs update-service missing" ServiceNotFoundException \
    ecs update-service --cluster c1 --service nope --desired-count 2
expect_error "ecs delete-service missing" ServiceNotFoundException \
    ecs delete-service --cluster c1 --service nope
expect_error "ecs run-task missing cluster" ClusterNotFoundException \
    ecs run-task --cluster nope --task-definition web --launch-type FARGATE --network-configuration "$net"
expect_error "ecs run-task unknown task definition" ClientException \
    ecs run-task --cluster c1 --task-definition nope --launch-type FARGATE --network-configuration "$net"
expect_error "ecs run-task count 11" InvalidParameterException \
    ecs run-task --cluster c1 --task-definition web --count 11 --launch-type FARGATE --network-configuration "$net"
expect_error "ecs run-task EC2 without instances" InvalidParameterException \
    ecs run-task --cluster c1 --task-definition web --launch-type EC2 --network-configuration "$net"
expect_error "ecs run-task unknown subnet" InvalidParameterException \
    ecs run-task --cluster c1 --task-definition web --launch-type FARGATE --network-configuration "$net"
expect "ecs describe-tasks missing" "MISSING" \
    ecs describe-tasks --cluster c1 --tasks 0123456789abcdef0123456789abcdef --query 'failures[0].reason'
expect_error "ecs stop-task missing" InvalidParameterException \
    ecs stop-task --cluster c1 --task 0123456789abcdef0123456789abcdef
expect_error "ecs list-tasks unknown service" ServiceNotFoundException \
    ecs list-tasks --cluster c1 --service-name nope
expect "ecs list-tasks empty" "" ecs list-tasks --cluster c1 --query 'taskArns'

# ---- services and tasks that run (the starting topology's private subnets)
subnets=$(cli ec2 describe-subnets --query 'Subnets[].SubnetId' --output text 2>/dev/null | tr '\t' ',')
if [ -z "$subnets" ] && vpc=$(cli ec2 create-vpc --cidr-block 10.9.0.0/16 --query 'Vpc.VpcId' --output text 2>/dev/null); then
    subnets=$(cli ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.9.1.0/24 \
        --query 'Subnet.SubnetId' --output text 2>/dev/null)
fi
if [ -z "$subnets" ]; then
    echo "note: local-aws serves no EC2 subnets yet: running services and tasks not checked"
else
    net="awsvpcConfiguration={subnets=[${subnets%%,*}]}"
    # web's containers log to /ecs/web (awslogs): without the group tasks fail to start
    expect "logs create-log-group /ecs/web" "" logs create-log-group --log-group-name /ecs/web
    expect "ecs run-task" "PROVISIONING RUNNING family:web" \
        ecs run-task --cluster c1 --task-definition web --launch-type FARGATE --network-configuration "$net" \
        --started-by conformance --query 'tasks[0].[lastStatus, desiredStatus, group]'
    task=$(cli ecs list-tasks --cluster c1 --started-by conformance --query 'taskArns[0]' --output text)
    sleep 0.4
    expect "ecs describe-tasks RUNNING" "RUNNING RUNNING" \
        ecs describe-tasks --cluster c1 --tasks "$task" --query 'tasks[0].[lastStatus, containers[0].lastStatus]'
    expect "ecs list-tasks --family" "$task" ecs list-tasks --cluster c1 --family web --query 'taskArns'
    expect "the task's start in its awslogs stream" "local-aws: task ${task##*/} started container app (image nginx:1.27)" \
        logs get-log-events --log-group-name /ecs/web --log-stream-name "web/app/${task##*/}" \
        --query 'events[0].message'
    expect "ecs tag-resource task" "" ecs tag-resource --resource-arn "$task" --tags key=k,value=v
    expect "ecs describe-tasks --include TAGS" "k" \
        ecs describe-tasks --cluster c1 --tasks "$task" --include TAGS --query 'tasks[0].tags[0].key'
    expect_error "ecs delete-cluster with a task" ClusterContainsTasksException ecs delete-cluster --cluster c1
    expect "ecs stop-task" "STOPPED UserInitiated done" \
        ecs stop-task --cluster c1 --task "$task" --reason done --query 'task.[desiredStatus, stopCode, stoppedReason]'
    sleep 0.2
    expect "ecs describe-tasks STOPPED" "STOPPED 0" \
        ecs describe-tasks --cluster c1 --tasks "$task" --query 'tasks[0].[lastStatus, containers[0].exitCode]'
    expect "ecs list-tasks --desired-status STOPPED" "$task" \
        ecs list-tasks --cluster c1 --desired-status STOPPED --query 'taskArns'

    expect "ecs create-service" "ACTIVE 2 PRIMARY IN_PROGRESS" \
        ecs create-service --cluster c1 --service-name api --task-definition web --desired-count 2 \
        --launch-type FARGATE --network-configuration "$net" --tags key=svc,value=api \
        --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}' \
        --query 'service.[status, desiredCount, deployments[0].status, deployments[0].rolloutState]'
    expect_error "ecs create-service again" InvalidParameterException \
        ecs create-service --cluster c1 --service-name api --task-definition web --launch-type FARGATE \
        --network-configuration "$net"
    sleep 0.5
    expect "ecs describe-services steady" "2 0 COMPLETED 1" \
        ecs describe-services --cluster c1 --services api \
        --query 'services[0].[runningCount, pendingCount, deployments[0].rolloutState, length(deployments)]'
    expect "ecs describe-services events" "(service api) has reached a steady state." \
        ecs describe-services --cluster c1 --services api --query 'services[0].events[0].message'
    expect "ecs list-services" "$arn:service/c1/api" ecs list-services --cluster c1 --query 'serviceArns'
    expect "ecs list-tasks --service-name" "2" \
        ecs list-tasks --cluster c1 --service-name api --query 'length(taskArns)'
    expect "ecs describe-services --include TAGS" "svc api" \
        ecs describe-services --cluster c1 --services api --include TAGS --query 'services[0].tags[0].[key, value]'
    expect "ecs update-service --desired-count 3" "3" \
        ecs update-service --cluster c1 --service api --desired-count 3 --query 'service.desiredCount'
    sleep 0.5
    expect "ecs describe-services scaled" "3" \
        ecs describe-services --cluster c1 --services api --query 'services[0].runningCount'
    # a revision whose ECR image is missing: tasks fail, the breaker rolls back to revision 2
    expect "ecs register-task-definition with a missing ECR image" "3" \
        ecs register-task-definition --family web --requires-compatibilities FARGATE --network-mode awsvpc \
        --cpu 256 --memory 512 --query 'taskDefinition.revision' \
        --container-definitions '[{"name":"app","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/nope:1"}]'
    expect "ecs update-service --task-definition web:3" "2 $arn:task-definition/web:3" \
        ecs update-service --cluster c1 --service api --task-definition web:3 \
        --query 'service.[length(deployments), taskDefinition]'
    sleep 2.5
    expect "ecs describe-services rolled back" "$arn:task-definition/web:2 COMPLETED" \
        ecs describe-services --cluster c1 --services api \
        --query 'services[0].[taskDefinition, deployments[0].rolloutState]'
    expect "ecs describe-services failed deployment event" "1" \
        ecs describe-services --cluster c1 --services api \
        --query "length(services[0].events[?contains(message, 'deployment failed: tasks failed to start.')])"
    failed=$(cli ecs list-tasks --cluster c1 --desired-status STOPPED --family web --query 'taskArns' --output text)
    # shellcheck disable=SC2086
    expect "the failed tasks' stop reason" \
        "TaskFailedToStart CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/nope:1: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/nope:1: not found" \
        ecs describe-tasks --cluster c1 --tasks $failed \
        --query "tasks[?stopCode=='TaskFailedToStart'] | [0].[stopCode, stoppedReason]"
    expect_error "ecs delete-cluster with services" ClusterContainsServicesException ecs delete-cluster --cluster c1
    expect_error "ecs delete-service scaled above 0" InvalidParameterException \
        ecs delete-service --cluster c1 --service api
    expect "ecs delete-service --force" "DRAINING" \
        ecs delete-service --cluster c1 --service api --force --query 'service.status'
    sleep 0.3
    expect "ecs describe-services INACTIVE" "INACTIVE" \
        ecs describe-services --cluster c1 --services api --query 'services[0].status'
    expect "ecs list-services after delete" "" ecs list-services --cluster c1 --query 'serviceArns'
    expect_error "ecs update-service INACTIVE" ServiceNotFoundException \
        ecs update-service --cluster c1 --service api --desired-count 1
fi
expect "ecs delete-cluster c1" "INACTIVE" ecs delete-cluster --cluster c1 --query 'cluster.status'
stop_local_aws

finish
