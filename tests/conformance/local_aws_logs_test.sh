#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_logs_test.sh: the AWS CLI against `gitfargate local-aws`'s CloudWatch Logs: every
# operation it serves (groups, retention, tags old and new, streams, events, filtering, paging)
# must be accepted by the CLI, leave the right state and fail with AWS's codes.
# Usage: local_aws_logs_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --no-topology

garn=arn:aws:logs:eu-west-1:123456789012:log-group
now=$(($(date +%s) * 1000))

# ---- log groups
expect "logs create-log-group" "" logs create-log-group --log-group-name /ecs/web --tags team=a,env=prod
expect "logs create-log-group #2" "" logs create-log-group --log-group-name /ecs/worker
expect "logs create-log-group #3" "" logs create-log-group --log-group-name other_group.1#x
expect_error "logs create-log-group exists" ResourceAlreadyExistsException \
    logs create-log-group --log-group-name /ecs/web
expect_error "logs create-log-group bad name" InvalidParameterException \
    logs create-log-group --log-group-name 'bad name'
expect_error "logs create-log-group bad class" InvalidParameterException \
    logs create-log-group --log-group-name /x --log-group-class NOPE
expect "logs describe-log-groups" "/ecs/web /ecs/worker other_group.1#x" \
    logs describe-log-groups --query 'logGroups[].logGroupName'
expect "logs describe-log-groups arn forms" "$garn:/ecs/web:* $garn:/ecs/web 0 STANDARD" \
    logs describe-log-groups --log-group-name-prefix /ecs/web \
    --query 'logGroups[0].[arn, logGroupArn, storedBytes, logGroupClass]'
expect "logs describe-log-groups --log-group-name-prefix" "/ecs/web /ecs/worker" \
    logs describe-log-groups --log-group-name-prefix /ecs --query 'logGroups[].logGroupName'
expect "logs describe-log-groups --log-group-name-pattern" "/ecs/worker" \
    logs describe-log-groups --log-group-name-pattern work --query 'logGroups[].logGroupName'
expect_error "logs describe-log-groups prefix and pattern" InvalidParameterException \
    logs describe-log-groups --log-group-name-prefix a --log-group-name-pattern b
expect "logs describe-log-groups --page-size 1 (three server pages)" "/ecs/web /ecs/worker other_group.1#x" \
    logs describe-log-groups --page-size 1 --query 'logGroups[].logGroupName'
if page=$(cli --output json logs describe-log-groups --max-items 2 2>/dev/null); then
    set -- $(printf '%s' "$page" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["logGroups"]), d.get("NextToken",""))')
    if [ "$1" = 2 ] && [ -n "${2:-}" ]; then
        expect "logs describe-log-groups --starting-token" "other_group.1#x" \
            logs describe-log-groups --max-items 2 --starting-token "$2" --query 'logGroups[].logGroupName'
    else
        ko "logs describe-log-groups --max-items 2: $*"
    fi
else
    ko "logs describe-log-groups --max-items 2: $cli_err"
fi
expect "logs describe-log-groups --limit 1 has a token" "1 True" \
    logs describe-log-groups --limit 1 --no-paginate --query '[length(logGroups), nextToken != null]'
expect_error "logs describe-log-groups --limit 51" InvalidParameterException \
    logs describe-log-groups --limit 51 --no-paginate
expect_error "logs describe-log-groups bad token" InvalidParameterException \
    logs describe-log-groups --next-token nope --no-paginate

# ---- retention
expect "logs put-retention-policy" "" logs put-retention-policy --log-group-name /ecs/web --retention-in-days 14
expect "logs retention read back" "14" \
    logs describe-log-groups --log-group-name-prefix /ecs/web --query 'logGroups[0].retentionInDays'
expect_error "logs put-retention-policy 4 days" InvalidParameterException \
    logs put-retention-policy --log-group-name /ecs/web --retention-in-days 4
expect_error "logs put-retention-policy missing group" ResourceNotFoundException \
    logs put-retention-policy --log-group-name /nope --retention-in-days 7
expect "logs put-retention-policy 3653" "" \
    logs put-retention-policy --log-group-name /ecs/worker --retention-in-days 3653
expect "logs retention 3653" "3653" \
    logs describe-log-groups --log-group-name-prefix /ecs/worker --query 'logGroups[0].retentionInDays'
expect "logs delete-retention-policy" "" logs delete-retention-policy --log-group-name /ecs/worker
expect "logs retention gone" "None" \
    logs describe-log-groups --log-group-name-prefix /ecs/worker --query 'logGroups[0].retentionInDays'
expect_error "logs delete-retention-policy missing group" ResourceNotFoundException \
    logs delete-retention-policy --log-group-name /nope

# ---- tags
expect "logs list-tags-for-resource" "prod a" \
    logs list-tags-for-resource --resource-arn "$garn:/ecs/web" --query '[tags.env, tags.team]'
expect "logs tag-resource" "" logs tag-resource --resource-arn "$garn:/ecs/web" --tags owner=ops
expect "logs untag-resource" "" logs untag-resource --resource-arn "$garn:/ecs/web" --tag-keys env
expect "logs tags after tag/untag" "None ops a" \
    logs list-tags-for-resource --resource-arn "$garn:/ecs/web" --query '[tags.env, tags.owner, tags.team]'
expect_error "logs tag-resource missing group" ResourceNotFoundException \
    logs tag-resource --resource-arn "$garn:/nope" --tags a=b
expect_error "logs tag-resource not an ARN" InvalidParameterException \
    logs tag-resource --resource-arn nope --tags a=b
expect "logs tag-log-group (deprecated)" "" logs tag-log-group --log-group-name /ecs/worker --tags k=v
expect "logs list-tags-log-group" "v" logs list-tags-log-group --log-group-name /ecs/worker --query 'tags.k'
expect "logs untag-log-group" "" logs untag-log-group --log-group-name /ecs/worker --tags k
expect "logs list-tags-log-group empty" "0" \
    logs list-tags-log-group --log-group-name /ecs/worker --query 'length(keys(tags))'
expect_error "logs list-tags-log-group missing" ResourceNotFoundException \
    logs list-tags-log-group --log-group-name /nope

# ---- streams
expect "logs create-log-stream" "" logs create-log-stream --log-group-name /ecs/web --log-stream-name web/app/1
expect "logs create-log-stream #2" "" logs create-log-stream --log-group-name /ecs/web --log-stream-name web/app/2
expect "logs create-log-stream #3" "" logs create-log-stream --log-group-name /ecs/web --log-stream-name side/1
expect_error "logs create-log-stream exists" ResourceAlreadyExistsException \
    logs create-log-stream --log-group-name /ecs/web --log-stream-name side/1
expect_error "logs create-log-stream bad name" InvalidParameterException \
    logs create-log-stream --log-group-name /ecs/web --log-stream-name 'a:b'
expect_error "logs create-log-stream missing group" ResourceNotFoundException \
    logs create-log-stream --log-group-name /nope --log-stream-name s
expect "logs describe-log-streams" "side/1 web/app/1 web/app/2" \
    logs describe-log-streams --log-group-name /ecs/web --query 'logStreams[].logStreamName'
expect "logs describe-log-streams prefix" "web/app/1 web/app/2" \
    logs describe-log-streams --log-group-name /ecs/web --log-stream-name-prefix web/ \
    --query 'logStreams[].logStreamName'
expect "logs describe-log-streams --descending" "web/app/2 web/app/1 side/1" \
    logs describe-log-streams --log-group-name /ecs/web --descending --query 'logStreams[].logStreamName'
expect "logs describe-log-streams by identifier ARN" "3" \
    logs describe-log-streams --log-group-identifier "$garn:/ecs/web" --query 'length(logStreams)'
expect "logs describe-log-streams --page-size 1" "side/1 web/app/1 web/app/2" \
    logs describe-log-streams --log-group-name /ecs/web --page-size 1 --query 'logStreams[].logStreamName'
expect_error "logs describe-log-streams LastEventTime with prefix" InvalidParameterException \
    logs describe-log-streams --log-group-name /ecs/web --order-by LastEventTime --log-stream-name-prefix w
expect_error "logs describe-log-streams missing group" ResourceNotFoundException \
    logs describe-log-streams --log-group-name /nope

# ---- events
expect "logs put-log-events" "None" \
    logs put-log-events --log-group-name /ecs/web --log-stream-name web/app/1 \
    --log-events "timestamp=$now,message=starting" "timestamp=$((now + 1)),message=GET /health 200" \
    "timestamp=$((now + 2)),message=ERROR boom" --query 'rejectedLogEventsInfo'
expect "logs put-log-events ignores a sequence token" "None" \
    logs put-log-events --log-group-name /ecs/web --log-stream-name web/app/2 --sequence-token 42 \
    --log-events "timestamp=$((now + 5)),message=other ERROR line" --query 'rejectedLogEventsInfo'
expect "logs put-log-events too new" "1 None" \
    logs put-log-events --log-group-name /ecs/web --log-stream-name side/1 \
    --log-events "timestamp=$((now + 3)),message=fine" "timestamp=$((now + 3 * 3600000)),message=future" \
    --query '[rejectedLogEventsInfo.tooNewLogEventStartIndex, rejectedLogEventsInfo.tooOldLogEventEndIndex]'
expect "logs put-log-events too old" "2 None" \
    logs put-log-events --log-group-name /ecs/web --log-stream-name side/1 \
    --log-events "timestamp=$((now - 20 * 86400000)),message=old" \
    "timestamp=$((now - 20 * 86400000 + 1)),message=old2" \
    --query '[rejectedLogEventsInfo.tooOldLogEventEndIndex, rejectedLogEventsInfo.tooNewLogEventStartIndex]'
cli logs put-retention-policy --log-group-name /ecs/web --retention-in-days 1 >/dev/null
expect "logs put-log-events past the retention" "1 None" \
    logs put-log-events --log-group-name /ecs/web --log-stream-name side/1 \
    --log-events "timestamp=$((now - 2 * 86400000)),message=expired" \
    --query '[rejectedLogEventsInfo.expiredLogEventEndIndex, rejectedLogEventsInfo.tooOldLogEventEndIndex]'
cli logs put-retention-policy --log-group-name /ecs/web --retention-in-days 14 >/dev/null
expect_error "logs put-log-events out of order" InvalidParameterException \
    logs put-log-events --log-group-name /ecs/web --log-stream-name side/1 \
    --log-events "timestamp=$((now + 9)),message=b" "timestamp=$now,message=a"
expect_error "logs put-log-events over 24 hours" InvalidParameterException \
    logs put-log-events --log-group-name /ecs/web --log-stream-name side/1 \
    --log-events "timestamp=$((now - 25 * 3600000)),message=a" "timestamp=$now,message=b"
expect_error "logs put-log-events missing stream" ResourceNotFoundException \
    logs put-log-events --log-group-name /ecs/web --log-stream-name nope --log-events "timestamp=$now,message=x"
expect_error "logs put-log-events missing group" ResourceNotFoundException \
    logs put-log-events --log-group-name /nope --log-stream-name s --log-events "timestamp=$now,message=x"
expect "logs stream figures" "$now $((now + 2))" \
    logs describe-log-streams --log-group-name /ecs/web --log-stream-name-prefix web/app/1 \
    --query 'logStreams[0].[firstEventTimestamp, lastEventTimestamp]'
expect "logs describe-log-streams --order-by LastEventTime --descending" "web/app/2 side/1 web/app/1" \
    logs describe-log-streams --log-group-name /ecs/web --order-by LastEventTime --descending \
    --query 'logStreams[].logStreamName'
expect "logs storedBytes" "True" \
    logs describe-log-groups --log-group-name-prefix /ecs/web --query 'logGroups[0].storedBytes > `0`'
expect "logs get-log-events --start-from-head" "starting GET /health 200 ERROR boom" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --start-from-head \
    --query 'events[].message'
expect "logs get-log-events by identifier" "3" \
    logs get-log-events --log-group-identifier "$garn:/ecs/web" --log-stream-name web/app/1 \
    --query 'length(events)'
expect "logs get-log-events --limit 1 (tail)" "ERROR boom" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --limit 1 --query 'events[].message'
fwd=$(cli logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --start-from-head \
    --limit 2 --query nextForwardToken --output text)
expect "logs get-log-events forward token" "ERROR boom" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token "$fwd" \
    --query 'events[].message'
end=$(cli logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token "$fwd" \
    --query nextForwardToken --output text)
expect "logs get-log-events end: the same token comes back" "$end 0" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token "$end" \
    --query '[nextForwardToken, length(events)]'
back=$(cli logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token "$end" \
    --query nextBackwardToken --output text)
expect "logs get-log-events backward token" "GET /health 200 ERROR boom" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token "$back" --limit 2 \
    --query 'events[].message'
expect "logs get-log-events --start-time/--end-time" "GET /health 200" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --start-from-head \
    --start-time $((now + 1)) --end-time $((now + 2)) --query 'events[].message'
expect_error "logs get-log-events bad token" InvalidParameterException \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --next-token zz
expect_error "logs get-log-events missing stream" ResourceNotFoundException \
    logs get-log-events --log-group-name /ecs/web --log-stream-name nope
expect "logs filter-log-events all" "starting GET /health 200 ERROR boom fine other ERROR line" \
    logs filter-log-events --log-group-name /ecs/web --query 'events[].message'
expect "logs filter-log-events --filter-pattern" "web/app/1 ERROR boom web/app/2 other ERROR line" \
    logs filter-log-events --log-group-name /ecs/web --filter-pattern ERROR \
    --query 'events[].[logStreamName, message]'
expect "logs filter-log-events quoted pattern" "GET /health 200" \
    logs filter-log-events --log-group-name /ecs/web --filter-pattern '"/health 200"' --query 'events[].message'
expect "logs filter-log-events --log-stream-name-prefix" "ERROR boom" \
    logs filter-log-events --log-group-name /ecs/web --log-stream-name-prefix web/app/1 \
    --filter-pattern ERROR --query 'events[].message'
expect "logs filter-log-events --log-stream-names" "other ERROR line" \
    logs filter-log-events --log-group-name /ecs/web --log-stream-names web/app/2 --query 'events[].message'
expect "logs filter-log-events --page-size 2 (three server pages)" "2 2 1" \
    logs filter-log-events --log-group-name /ecs/web --page-size 2 --query 'length(events)'
expect "logs filter-log-events time window" "GET /health 200 ERROR boom" \
    logs filter-log-events --log-group-name /ecs/web --start-time $((now + 1)) --end-time $((now + 3)) \
    --query 'events[].message'
expect_error "logs filter-log-events names and prefix" InvalidParameterException \
    logs filter-log-events --log-group-name /ecs/web --log-stream-names a --log-stream-name-prefix b
expect_error "logs filter-log-events missing group" ResourceNotFoundException \
    logs filter-log-events --log-group-name /nope

# ---- deletes
expect "logs delete-log-stream" "" logs delete-log-stream --log-group-name /ecs/web --log-stream-name side/1
expect "logs streams after delete" "web/app/1 web/app/2" \
    logs describe-log-streams --log-group-name /ecs/web --query 'logStreams[].logStreamName'
expect_error "logs delete-log-stream missing" ResourceNotFoundException \
    logs delete-log-stream --log-group-name /ecs/web --log-stream-name side/1
expect "logs delete-log-group" "" logs delete-log-group --log-group-name /ecs/web
expect_error "logs delete-log-group again" ResourceNotFoundException logs delete-log-group --log-group-name /ecs/web
expect "logs groups after delete" "/ecs/worker other_group.1#x" \
    logs describe-log-groups --query 'logGroups[].logGroupName'
expect "logs re-created group" "" logs create-log-group --log-group-name /ecs/web
cli logs create-log-stream --log-group-name /ecs/web --log-stream-name web/app/1 >/dev/null
expect "logs re-created stream starts empty" "0" \
    logs get-log-events --log-group-name /ecs/web --log-stream-name web/app/1 --query 'length(events)'

# ---- state survives a restart
stop_local_aws
start_local_aws --no-topology
expect "logs after restart" "/ecs/web /ecs/worker other_group.1#x" \
    logs describe-log-groups --query 'logGroups[].logGroupName'
finish
