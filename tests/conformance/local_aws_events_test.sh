#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_events_test.sh: the AWS CLI against `gitfargate local-aws`'s EventBridge: rules
# (schedule and pattern checks, upsert, enable/disable, paging), ECS targets (checks, per-target
# failures, the five-target limit), deletes and tags, with AWS's error codes.
# Usage: local_aws_events_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --no-topology

rarn=arn:aws:events:eu-west-1:123456789012:rule
cluster=arn:aws:ecs:eu-west-1:123456789012:cluster/main
role=arn:aws:iam::123456789012:role/events-ecs
td=arn:aws:ecs:eu-west-1:123456789012:task-definition/report:3

# ---- rules
expect "events put-rule schedule" "$rarn/nightly" \
    events put-rule --name nightly --schedule-expression 'cron(0 3 * * ? *)' \
    --description 'nightly report' --tags Key=team,Value=a --query RuleArn
expect "events put-rule rate" "$rarn/every-5" \
    events put-rule --name every-5 --schedule-expression 'rate(5 minutes)' --state DISABLED --query RuleArn
expect "events put-rule rate(1 minute)" "$rarn/every-1" \
    events put-rule --name every-1 --schedule-expression 'rate(1 minute)' --query RuleArn
expect "events put-rule pattern" "$rarn/on-push" \
    events put-rule --name on-push --event-pattern '{"source":["aws.ecr"],"detail":{"action-type":["PUSH"]}}' \
    --role-arn "$role" --query RuleArn
for bad in 'rate(1 minutes)' 'rate(5 minute)' 'rate(0 minutes)' 'rate(5 weeks)' 'rate(5minutes)' \
           'cron(0 3 * * *)' 'cron(0 3 * * * *)' 'cron(0 3 ? * ? *)' 'cron(60 3 * * ? *)' \
           'cron(0 24 * * ? *)' 'cron(0 3 32 * ? *)' 'cron(0 3 * 13 ? *)' 'every day' 'cron(0 3 * * ? 1969)'; do
    expect_error "events put-rule bad schedule '$bad'" ValidationException \
        events put-rule --name bad --schedule-expression "$bad"
done
for good in 'cron(0/15 * * * ? *)' 'cron(0 9 ? * MON-FRI *)' 'cron(0 12 L * ? *)' \
            'cron(0 10 ? * 6#3 *)' 'cron(5,35 14 * JAN,JUL ? 2030-2035)' 'rate(2 hours)' 'rate(1 day)'; do
    expect "events put-rule good schedule '$good'" "$rarn/good" \
        events put-rule --name good --schedule-expression "$good" --query RuleArn
done
expect_error "events put-rule neither schedule nor pattern" ValidationException events put-rule --name none
expect_error "events put-rule bad pattern JSON" InvalidEventPatternException \
    events put-rule --name bad --event-pattern '{"source":'
expect_error "events put-rule pattern scalar" InvalidEventPatternException \
    events put-rule --name bad --event-pattern '{"source":"aws.ecr"}'
expect_error "events put-rule bad name" ValidationException \
    events put-rule --name 'bad name' --schedule-expression 'rate(1 day)'
expect_error "events put-rule bad state" ValidationException \
    events put-rule --name bad --schedule-expression 'rate(1 day)' --state PAUSED
expect_error "events put-rule other bus" ResourceNotFoundException \
    events put-rule --name bad --schedule-expression 'rate(1 day)' --event-bus-name custom
expect "events describe-rule" "nightly cron(0 3 * * ? *) ENABLED nightly report default 123456789012" \
    events describe-rule --name nightly \
    --query '[Name, ScheduleExpression, State, Description, EventBusName, CreatedBy]'
expect "events describe-rule pattern" "$role True" \
    events describe-rule --name on-push --query '[RoleArn, contains(EventPattern, `"aws.ecr"`)]'
expect_error "events describe-rule missing" ResourceNotFoundException events describe-rule --name nope
expect "events put-rule updates (upsert)" "$rarn/every-5" \
    events put-rule --name every-5 --schedule-expression 'rate(1 hour)' --query RuleArn
expect "events rule after upsert" "rate(1 hour) None ENABLED" \
    events describe-rule --name every-5 --query '[ScheduleExpression, Description, State]'
expect "events list-rules" "every-1 every-5 good nightly on-push" events list-rules --query 'Rules[].Name'
expect "events list-rules --name-prefix" "every-1 every-5" \
    events list-rules --name-prefix every --query 'Rules[].Name'
expect "events list-rules --limit 2" "every-1 every-5" events list-rules --limit 2 --query 'Rules[].Name'
tok=$(cli events list-rules --limit 2 --query NextToken --output text)
expect "events list-rules --next-token" "good nightly on-push" \
    events list-rules --next-token "$tok" --query 'Rules[].Name'
expect_error "events list-rules bad token" ValidationException events list-rules --next-token nope
expect_error "events list-rules --limit 101" ValidationException events list-rules --limit 101
expect "events disable-rule" "" events disable-rule --name nightly
expect "events disabled" "DISABLED" events describe-rule --name nightly --query State
expect "events enable-rule" "" events enable-rule --name nightly
expect "events enabled" "ENABLED" events describe-rule --name nightly --query State
expect_error "events enable-rule missing" ResourceNotFoundException events enable-rule --name nope
expect_error "events disable-rule missing" ResourceNotFoundException events disable-rule --name nope

# ---- targets
net='{"awsvpcConfiguration":{"Subnets":["subnet-0a","subnet-0b"],"SecurityGroups":["sg-1"],"AssignPublicIp":"DISABLED"}}'
ecs_target() { # ID
    printf '{"Id":"%s","Arn":"%s","RoleArn":"%s","Input":"{\\"x\\":1}","EcsParameters":{"TaskDefinitionArn":"%s","TaskCount":1,"LaunchType":"FARGATE","PlatformVersion":"LATEST","NetworkConfiguration":%s}}' \
        "$1" "$cluster" "$role" "$td" "$net"
}
expect "events put-targets ECS" "0" \
    events put-targets --rule nightly --targets "[$(ecs_target report)]" --query FailedEntryCount
expect "events list-targets-by-rule" "report $cluster $role $td FARGATE LATEST subnet-0a DISABLED" \
    events list-targets-by-rule --rule nightly \
    --query 'Targets[0].[Id, Arn, RoleArn, EcsParameters.TaskDefinitionArn, EcsParameters.LaunchType, EcsParameters.PlatformVersion, EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets[0], EcsParameters.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp]'
expect "events put-targets replaces by Id" "0 0" \
    events put-targets --rule nightly --targets "[$(ecs_target report)]" \
    --query '[FailedEntryCount, length(FailedEntries)]'
expect "events one target after replace" "1" events list-targets-by-rule --rule nightly --query 'length(Targets)'
expect "events put-targets per-target failure (HTTP 200)" "1 bad ValidationException" \
    events put-targets --rule nightly --targets "[$(ecs_target ok2), {\"Id\":\"bad\",\"Arn\":\"not-an-arn\"}]" \
    --query '[FailedEntryCount, FailedEntries[0].TargetId, FailedEntries[0].ErrorCode]'
expect "events targets after partial failure" "ok2 report" \
    events list-targets-by-rule --rule nightly --query 'sort(Targets[].Id)'
expect_error "events put-targets ECS without RoleArn" ValidationException \
    events put-targets --rule nightly --targets "[{\"Id\":\"x\",\"Arn\":\"$cluster\",\"EcsParameters\":{\"TaskDefinitionArn\":\"$td\"}}]"
expect_error "events put-targets FARGATE without network" ValidationException \
    events put-targets --rule nightly --targets "[{\"Id\":\"x\",\"Arn\":\"$cluster\",\"RoleArn\":\"$role\",\"EcsParameters\":{\"TaskDefinitionArn\":\"$td\",\"LaunchType\":\"FARGATE\"}}]"
expect_error "events put-targets bad launch type" ValidationException \
    events put-targets --rule nightly --targets "[{\"Id\":\"x\",\"Arn\":\"$cluster\",\"RoleArn\":\"$role\",\"EcsParameters\":{\"TaskDefinitionArn\":\"$td\",\"LaunchType\":\"LAMBDA\"}}]"
expect_error "events put-targets bad Input" ValidationException \
    events put-targets --rule nightly --targets "[{\"Id\":\"x\",\"Arn\":\"$cluster\",\"Input\":\"{nope\"}]"
expect_error "events put-targets bad Id" ValidationException \
    events put-targets --rule nightly --targets "[{\"Id\":\"a b\",\"Arn\":\"$cluster\"}]"
expect_error "events put-targets duplicate Ids" ValidationException \
    events put-targets --rule nightly --targets "[$(ecs_target d), $(ecs_target d)]"
expect_error "events put-targets missing rule" ResourceNotFoundException \
    events put-targets --rule nope --targets "[$(ecs_target x)]"
expect "events put-targets up to five" "0" \
    events put-targets --rule nightly --targets "[$(ecs_target t3), $(ecs_target t4), $(ecs_target t5)]" \
    --query FailedEntryCount
expect_error "events put-targets a sixth" LimitExceededException \
    events put-targets --rule nightly --targets "[$(ecs_target t6)]"
expect "events list-targets-by-rule --page-size 2 (server pages)" "report ok2 t3 t4 t5" \
    events list-targets-by-rule --rule nightly --page-size 2 --query 'Targets[].Id'
expect "events list-targets-by-rule --limit 2" "report ok2" \
    events list-targets-by-rule --rule nightly --limit 2 --query 'Targets[].Id'
expect_error "events list-targets-by-rule missing rule" ResourceNotFoundException \
    events list-targets-by-rule --rule nope
expect_error "events delete-rule with targets" ValidationException events delete-rule --name nightly
expect "events remove-targets" "0" \
    events remove-targets --rule nightly --ids report ok2 t3 t4 t5 unknown --query FailedEntryCount
expect "events no targets left" "0" events list-targets-by-rule --rule nightly --query 'length(Targets)'
expect_error "events remove-targets missing rule" ResourceNotFoundException \
    events remove-targets --rule nope --ids a

# ---- tags
expect "events list-tags-for-resource" "team a" \
    events list-tags-for-resource --resource-arn "$rarn/nightly" --query 'Tags[0].[Key, Value]'
expect "events tag-resource" "" events tag-resource --resource-arn "$rarn/nightly" --tags Key=env,Value=prod Key=team,Value=b
expect "events tags after tag-resource" "env prod team b" \
    events list-tags-for-resource --resource-arn "$rarn/nightly" --query 'sort_by(Tags, &Key)[].[Key, Value]'
expect "events untag-resource" "" events untag-resource --resource-arn "$rarn/nightly" --tag-keys team
expect "events tags after untag" "env" events list-tags-for-resource --resource-arn "$rarn/nightly" --query 'Tags[].Key'
expect "events put-rule update with tags" "$rarn/nightly" \
    events put-rule --name nightly --schedule-expression 'rate(1 day)' --tags Key=x,Value=y --query RuleArn
expect "events tags unchanged by update" "env" \
    events list-tags-for-resource --resource-arn "$rarn/nightly" --query 'Tags[].Key'
expect_error "events tag-resource missing rule" ResourceNotFoundException \
    events tag-resource --resource-arn "$rarn/nope" --tags Key=a,Value=b
expect_error "events list-tags-for-resource foreign ARN" ResourceNotFoundException \
    events list-tags-for-resource --resource-arn arn:aws:events:us-east-1:999999999999:rule/x

# ---- deletes
expect "events delete-rule" "" events delete-rule --name nightly
expect_error "events describe-rule deleted" ResourceNotFoundException events describe-rule --name nightly
expect "events delete-rule again succeeds" "" events delete-rule --name nightly
expect "events list-rules after delete" "every-1 every-5 good on-push" events list-rules --query 'Rules[].Name'

# ---- state survives a restart
stop_local_aws
start_local_aws --no-topology
expect "events after restart" "rate(1 hour)" events describe-rule --name every-5 --query ScheduleExpression
finish
