#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_sqs_test.sh: the AWS CLI (SQS over JSON 1.0 with query-compatible errors) against
# `gitfargate local-aws`: queues (names, attribute checks, redrive policies, idempotent create,
# QueueDeletedRecently), URLs from any host, paging, tags, and the message calls.
# Usage: local_aws_sqs_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --no-topology

qarn=arn:aws:sqs:eu-west-1:123456789012
# queue URLs name this endpoint, as a stand-in's must (reference §7.9), so SDKs that route on them
# stay on it
url() { printf '%s/123456789012/%s' "$endpoint" "$1"; }
# the CLI shows SQS's legacy code from x-amzn-query-error (reference §2.4)
NOQ=AWS.SimpleQueueService.NonExistentQueue

# ---- queues
expect "sqs create-queue dlq" "True" \
    sqs create-queue --queue-name jobs-dlq --query 'ends_with(QueueUrl, `/123456789012/jobs-dlq`)'
jobs=$(cli sqs create-queue --queue-name jobs --tags team=a \
    --attributes "{\"VisibilityTimeout\":\"60\",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$qarn:jobs-dlq\\\",\\\"maxReceiveCount\\\":\\\"2\\\"}\"}" \
    --query QueueUrl --output text)
[ -n "$jobs" ] && ok "sqs create-queue with a redrive policy" || ko "sqs create-queue with a redrive policy"
expect "sqs create-queue same attributes: same URL" "$jobs" \
    sqs create-queue --queue-name jobs --attributes VisibilityTimeout=60 --query QueueUrl
expect "sqs create-queue no attributes: same URL" "$jobs" sqs create-queue --queue-name jobs --query QueueUrl
expect_error "sqs create-queue different attributes" QueueAlreadyExists \
    sqs create-queue --queue-name jobs --attributes VisibilityTimeout=61
expect "sqs create-queue fifo" "True" \
    sqs create-queue --queue-name orders.fifo --attributes FifoQueue=true,ContentBasedDeduplication=true \
    --query 'ends_with(QueueUrl, `/orders.fifo`)'
expect_error "sqs create-queue fifo name without FifoQueue" InvalidParameterValue \
    sqs create-queue --queue-name plain.fifo
expect_error "sqs create-queue FifoQueue without .fifo" InvalidParameterValue \
    sqs create-queue --queue-name plain --attributes FifoQueue=true
expect_error "sqs create-queue bad name" InvalidParameterValue sqs create-queue --queue-name 'a b'
expect_error "sqs create-queue name too long" InvalidParameterValue \
    sqs create-queue --queue-name "$(printf 'q%.0s' $(seq 1 81))"
for bad in VisibilityTimeout=43201 MessageRetentionPeriod=59 MessageRetentionPeriod=1209601 \
           DelaySeconds=901 ReceiveMessageWaitTimeSeconds=21 MaximumMessageSize=1023 \
           MaximumMessageSize=262145 VisibilityTimeout=abc SqsManagedSseEnabled=maybe; do
    expect_error "sqs create-queue $bad" InvalidAttributeValue sqs create-queue --queue-name bad --attributes "$bad"
done
expect_error "sqs create-queue unknown attribute" InvalidAttributeName \
    sqs create-queue --queue-name bad --attributes Colour=blue
expect_error "sqs create-queue read-only attribute" InvalidAttributeName \
    sqs create-queue --queue-name bad --attributes QueueArn=x
expect_error "sqs create-queue fifo-only attribute on standard" InvalidAttributeName \
    sqs create-queue --queue-name bad --attributes ContentBasedDeduplication=true
expect_error "sqs create-queue redrive to a missing queue" InvalidAttributeValue \
    sqs create-queue --queue-name bad \
    --attributes "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$qarn:nope\\\",\\\"maxReceiveCount\\\":3}\"}"
expect_error "sqs create-queue redrive maxReceiveCount 0" InvalidAttributeValue \
    sqs create-queue --queue-name bad \
    --attributes "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$qarn:jobs-dlq\\\",\\\"maxReceiveCount\\\":0}\"}"
expect_error "sqs create-queue redrive fifo to standard" InvalidAttributeValue \
    sqs create-queue --queue-name bad.fifo \
    --attributes "{\"FifoQueue\":\"true\",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$qarn:jobs-dlq\\\",\\\"maxReceiveCount\\\":3}\"}"
expect_error "sqs create-queue redrive not JSON" InvalidAttributeValue \
    sqs create-queue --queue-name bad --attributes '{"RedrivePolicy":"nope"}'

# ---- lookups and attributes
expect "sqs get-queue-url" "$jobs" sqs get-queue-url --queue-name jobs --query QueueUrl
expect_error "sqs get-queue-url missing" "$NOQ" sqs get-queue-url --queue-name nope
expect_error "sqs get-queue-url other owner" "$NOQ" \
    sqs get-queue-url --queue-name jobs --queue-owner-aws-account-id 999999999999
expect "sqs get-queue-attributes All" "$qarn:jobs 60 345600 262144 0 0 0 True" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names All \
    --query 'Attributes.[QueueArn, VisibilityTimeout, MessageRetentionPeriod, MaximumMessageSize, DelaySeconds, ApproximateNumberOfMessages, ReceiveMessageWaitTimeSeconds, CreatedTimestamp != null]'
expect "sqs get-queue-attributes by names" "$qarn:jobs 60" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names QueueArn VisibilityTimeout \
    --query 'Attributes.[QueueArn, VisibilityTimeout]'
expect "sqs get-queue-attributes redrive" "True" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names RedrivePolicy \
    --query "contains(Attributes.RedrivePolicy, '$qarn:jobs-dlq')"
expect "sqs get-queue-attributes fifo" "true true queue perQueue" \
    sqs get-queue-attributes --queue-url "$(url orders.fifo)" --attribute-names All \
    --query 'Attributes.[FifoQueue, ContentBasedDeduplication, DeduplicationScope, FifoThroughputLimit]'
expect "sqs QueueUrl from any host" "$qarn:jobs" \
    sqs get-queue-attributes --queue-url http://localhost:4566/123456789012/jobs --attribute-names QueueArn \
    --query Attributes.QueueArn
expect_error "sqs get-queue-attributes unknown name" InvalidAttributeName \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names Colour
expect_error "sqs get-queue-attributes missing queue" "$NOQ" \
    sqs get-queue-attributes --queue-url "$(url nope)" --attribute-names All
expect_error "sqs get-queue-attributes other account" "$NOQ" \
    sqs get-queue-attributes --queue-url https://sqs.eu-west-1.amazonaws.com/999999999999/jobs
expect_error "sqs get-queue-attributes not a URL" InvalidAddress \
    sqs get-queue-attributes --queue-url jobs
expect "sqs set-queue-attributes" "" \
    sqs set-queue-attributes --queue-url "$jobs" --attributes VisibilityTimeout=120,DelaySeconds=0
expect "sqs attributes after set" "120" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names VisibilityTimeout --query Attributes.VisibilityTimeout
expect_error "sqs set-queue-attributes bad value" InvalidAttributeValue \
    sqs set-queue-attributes --queue-url "$jobs" --attributes MessageRetentionPeriod=10
expect_error "sqs set-queue-attributes FifoQueue" InvalidAttributeName \
    sqs set-queue-attributes --queue-url "$jobs" --attributes FifoQueue=true
expect_error "sqs set-queue-attributes missing queue" "$NOQ" \
    sqs set-queue-attributes --queue-url "$(url nope)" --attributes VisibilityTimeout=1
cli sqs create-queue --queue-name orders-dlq.fifo --attributes FifoQueue=true >/dev/null
expect "sqs set-queue-attributes fifo redrive" "" \
    sqs set-queue-attributes --queue-url "$(url orders.fifo)" \
    --attributes "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$qarn:orders-dlq.fifo\\\",\\\"maxReceiveCount\\\":5}\"}"
expect "sqs set-queue-attributes clears the redrive policy" "" \
    sqs set-queue-attributes --queue-url "$(url orders.fifo)" --attributes '{"RedrivePolicy":""}'
expect "sqs redrive policy gone" "None" \
    sqs get-queue-attributes --queue-url "$(url orders.fifo)" --attribute-names All --query Attributes.RedrivePolicy
expect "sqs list-dead-letter-source-queues" "$jobs" \
    sqs list-dead-letter-source-queues --queue-url "$(url jobs-dlq)" --query 'queueUrls'

# ---- listing
for n in a1 a2 a3; do cli sqs create-queue --queue-name "$n" >/dev/null; done
expect "sqs list-queues" "$(url a1) $(url a2) $(url a3) $(url jobs) $(url jobs-dlq) $(url orders-dlq.fifo) $(url orders.fifo)" \
    sqs list-queues --query QueueUrls
expect "sqs list-queues --queue-name-prefix" "$(url jobs) $(url jobs-dlq)" \
    sqs list-queues --queue-name-prefix jobs --query QueueUrls
expect "sqs list-queues --page-size 2 (server pages)" "$(url a1) $(url a2) $(url a3) $(url jobs) $(url jobs-dlq) $(url orders-dlq.fifo) $(url orders.fifo)" \
    sqs list-queues --page-size 2 --query 'QueueUrls[]'
expect "sqs list-queues --max-results 2 token" "2 True" \
    sqs list-queues --max-results 2 --no-paginate --query '[length(QueueUrls), NextToken != null]'
expect "sqs list-queues no match" "None" sqs list-queues --queue-name-prefix zzz --query QueueUrls
expect_error "sqs list-queues --max-results 1001" InvalidParameterValue \
    sqs list-queues --max-results 1001 --no-paginate

# ---- tags
expect "sqs list-queue-tags" "a" sqs list-queue-tags --queue-url "$jobs" --query Tags.team
expect "sqs tag-queue" "" sqs tag-queue --queue-url "$jobs" --tags env=prod,team=b
expect "sqs tags after tag-queue" "prod b" sqs list-queue-tags --queue-url "$jobs" --query 'Tags.[env, team]'
expect "sqs untag-queue" "" sqs untag-queue --queue-url "$jobs" --tag-keys team
expect "sqs tags after untag" "prod None" sqs list-queue-tags --queue-url "$jobs" --query 'Tags.[env, team]'
expect_error "sqs tag-queue missing queue" "$NOQ" sqs tag-queue --queue-url "$(url nope)" --tags a=b
expect_error "sqs list-queue-tags missing queue" "$NOQ" sqs list-queue-tags --queue-url "$(url nope)"

# ---- messages
expect "sqs send-message" "True 5d41402abc4b2a76b9719d911017c592" \
    sqs send-message --queue-url "$jobs" --message-body hello --query '[MessageId != null, MD5OfMessageBody]'
cli sqs send-message --queue-url "$jobs" --message-body world >/dev/null
cli sqs send-message --queue-url "$jobs" --message-body later --delay-seconds 600 >/dev/null
expect "sqs ApproximateNumberOfMessages" "2 0 1" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names All \
    --query 'Attributes.[ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesDelayed]'
expect_error "sqs send-message missing queue" "$NOQ" sqs send-message --queue-url "$(url nope)" --message-body x
expect_error "sqs send-message delay 901" InvalidParameterValue \
    sqs send-message --queue-url "$jobs" --message-body x --delay-seconds 901
expect_error "sqs send-message fifo without group" MissingParameter \
    sqs send-message --queue-url "$(url orders.fifo)" --message-body x
expect "sqs send-message fifo" "True" \
    sqs send-message --queue-url "$(url orders.fifo)" --message-body x --message-group-id g \
    --query 'SequenceNumber != null'
expect "sqs receive-message" "hello 1" \
    sqs receive-message --queue-url "$jobs" --attribute-names All \
    --query 'Messages[0].[Body, Attributes.ApproximateReceiveCount]'
expect "sqs in flight" "1 1" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names All \
    --query 'Attributes.[ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible]'
receipt=$(cli sqs receive-message --queue-url "$jobs" --query 'Messages[0].ReceiptHandle' --output text)
expect "sqs change-message-visibility" "" \
    sqs change-message-visibility --queue-url "$jobs" --receipt-handle "$receipt" --visibility-timeout 0
expect "sqs visible again (the first is still in flight)" "1 1" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names All \
    --query 'Attributes.[ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible]'
receipt=$(cli sqs receive-message --queue-url "$jobs" --max-number-of-messages 10 --query 'Messages[0].ReceiptHandle' --output text)
expect "sqs delete-message" "" sqs delete-message --queue-url "$jobs" --receipt-handle "$receipt"
expect_error "sqs delete-message bad handle" ReceiptHandleIsInvalid \
    sqs delete-message --queue-url "$jobs" --receipt-handle nope
expect_error "sqs receive-message 11" InvalidParameterValue \
    sqs receive-message --queue-url "$jobs" --max-number-of-messages 11
expect "sqs receive-message empty" "None" sqs receive-message --queue-url "$jobs" --query Messages
expect "sqs purge-queue" "" sqs purge-queue --queue-url "$jobs"
expect "sqs empty after purge" "0 0 0" \
    sqs get-queue-attributes --queue-url "$jobs" --attribute-names All \
    --query 'Attributes.[ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesDelayed]'
# AWS's x-amzn-query-error says AWS.SimpleQueueService.PurgeQueueInProgress, the code botocore
# reports for an awsQueryCompatible service
expect_error "sqs purge-queue twice within 60 s" AWS.SimpleQueueService.PurgeQueueInProgress \
    sqs purge-queue --queue-url "$jobs"

# ---- dead letters: maxReceiveCount 2 on jobs
cli sqs set-queue-attributes --queue-url "$jobs" --attributes VisibilityTimeout=0 >/dev/null
cli sqs send-message --queue-url "$jobs" --message-body poison >/dev/null
cli sqs receive-message --queue-url "$jobs" >/dev/null
cli sqs receive-message --queue-url "$jobs" >/dev/null
expect "sqs third receive moves it to the dead-letter queue" "None" \
    sqs receive-message --queue-url "$jobs" --query Messages
expect "sqs dead-letter queue holds it" "poison" \
    sqs receive-message --queue-url "$(url jobs-dlq)" --query 'Messages[0].Body'

# ---- deletes
expect "sqs delete-queue" "" sqs delete-queue --queue-url "$(url a3)"
expect_error "sqs delete-queue again" "$NOQ" sqs delete-queue --queue-url "$(url a3)"
expect_error "sqs create-queue right after delete" AWS.SimpleQueueService.QueueDeletedRecently \
    sqs create-queue --queue-name a3
expect "sqs list-queues after delete" "$(url a1) $(url a2)" sqs list-queues --queue-name-prefix a --query QueueUrls

# ---- state survives a restart
stop_local_aws
start_local_aws --no-topology
expect "sqs after restart" "$(url jobs)" sqs get-queue-url --queue-name jobs --query QueueUrl
finish
