#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_iam_test.sh: the AWS CLI (botocore, an independent client) against `gitfargate
# local-aws` IAM: roles, inline and attached policies, tags, paging and IAM's error codes.
# Usage: local_aws_iam_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

arn=arn:aws:iam::123456789012
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
trust2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents","s3:GetObject"],"Resource":"arn:aws:s3:::b/a b+c%"}]}'
exec_arn=arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy

# ---- roles
expect "iam create-role" "$arn:role/app/web-task /app/ web-task" \
    iam create-role --role-name web-task --path /app/ --assume-role-policy-document "$trust" \
    --description "the web task" --tags Key=team,Value=a Key=env,Value=dev \
    --query 'Role.[Arn, Path, RoleName]'
role_id=$(cli iam get-role --role-name web-task --query Role.RoleId --output text)
[[ "$role_id" =~ ^AROA[A-Z0-9]{17}$ ]] && ok "role id AROA + 17" || ko "role id '$role_id'"
expect "iam get-role decodes the trust policy" "ecs-tasks.amazonaws.com sts:AssumeRole" \
    iam get-role --role-name web-task \
    --query 'Role.AssumeRolePolicyDocument.Statement[0].[Principal.Service, Action]'
expect "iam get-role description, duration, tags" "the web task 3600 2" \
    iam get-role --role-name web-task --query 'Role.[Description, MaxSessionDuration, length(Tags)]'
created=$(cli iam get-role --role-name web-task --query Role.CreateDate --output text)
[[ "$created" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T ]] && ok "CreateDate is ISO 8601" || ko "CreateDate '$created'"
expect "iam get-role is case-insensitive" "web-task" \
    iam get-role --role-name WEB-TASK --query 'Role.RoleName'
expect_error "iam create-role twice" EntityAlreadyExists \
    iam create-role --role-name web-task --assume-role-policy-document "$trust"
expect_error "iam create-role differing only in case" EntityAlreadyExists \
    iam create-role --role-name Web-Task --assume-role-policy-document "$trust"
expect_error "iam get-role missing" NoSuchEntity iam get-role --role-name nope
expect_error "iam create-role bad name" ValidationError \
    iam create-role --role-name 'bad name!' --assume-role-policy-document "$trust"
expect_error "iam create-role name of 65" ValidationError \
    iam create-role --role-name "$(printf 'a%.0s' $(seq 1 65))" --assume-role-policy-document "$trust"
expect_error "iam create-role bad path" ValidationError \
    iam create-role --role-name p1 --path app --assume-role-policy-document "$trust"
expect_error "iam create-role not JSON" MalformedPolicyDocument \
    iam create-role --role-name p1 --assume-role-policy-document 'not json'
expect_error "iam create-role without Statement" MalformedPolicyDocument \
    iam create-role --role-name p1 --assume-role-policy-document '{"Version":"2012-10-17"}'
expect_error "iam create-role without Version" MalformedPolicyDocument \
    iam create-role --role-name p1 --assume-role-policy-document '{"Statement":[{"Effect":"Allow"}]}'
expect_error "iam create-role bad duration" ValidationError \
    iam create-role --role-name p1 --max-session-duration 43201 --assume-role-policy-document "$trust"
cli iam update-assume-role-policy --role-name web-task --policy-document "$trust2" >/dev/null &&
    ok "iam update-assume-role-policy" || ko "iam update-assume-role-policy"
expect "iam get-role after update" "events.amazonaws.com" \
    iam get-role --role-name web-task --query 'Role.AssumeRolePolicyDocument.Statement[0].Principal.Service'
expect_error "iam update-assume-role-policy malformed" MalformedPolicyDocument \
    iam update-assume-role-policy --role-name web-task --policy-document '[1]'
expect_error "iam update-assume-role-policy missing role" NoSuchEntity \
    iam update-assume-role-policy --role-name nope --policy-document "$trust"

# ---- list-roles, path prefix and paging
for r in r1 r2 r3; do
    cli iam create-role --role-name "$r" --assume-role-policy-document "$trust" >/dev/null ||
        ko "create $r"
done
expect "iam list-roles" "r1 r2 r3 web-task" iam list-roles --query 'sort(Roles[].RoleName)'
expect "iam list-roles --path-prefix" "web-task" \
    iam list-roles --path-prefix /app/ --query 'Roles[].RoleName'
expect "iam list-roles decodes documents" "ecs-tasks.amazonaws.com" \
    iam list-roles --path-prefix / --query 'Roles[?RoleName==`r1`].AssumeRolePolicyDocument.Statement[0].Principal.Service | [0]'
expect "iam list-roles --page-size 1: four server pages of one" "1 1 1 1" \
    iam list-roles --page-size 1 --query 'length(Roles)'
page=$(cli --output json iam list-roles --max-items 3)
next=$(printf '%s' "$page" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["Roles"]), d.get("NextToken",""))')
set -- $next
if [ "$1" = 3 ] && [ -n "${2:-}" ]; then
    expect "iam list-roles --starting-token" "1" \
        iam list-roles --max-items 3 --starting-token "$2" --query 'length(Roles)'
else
    ko "iam list-roles --max-items 3: $next"
fi
expect_error "iam list-roles MaxItems 1001" ValidationError iam list-roles --page-size 1001

# ---- inline policies
cli iam put-role-policy --role-name web-task --policy-name logs --policy-document "$policy" >/dev/null &&
    ok "iam put-role-policy" || ko "iam put-role-policy"
expect "iam get-role-policy decodes" "web-task logs arn:aws:s3:::b/a b+c%" \
    iam get-role-policy --role-name web-task --policy-name logs \
    --query '[RoleName, PolicyName, PolicyDocument.Statement[0].Resource]'
cli iam put-role-policy --role-name web-task --policy-name logs --policy-document "$trust" >/dev/null &&
    ok "iam put-role-policy replaces" || ko "iam put-role-policy replaces"
expect "iam get-role-policy after replace" "sts:AssumeRole" \
    iam get-role-policy --role-name web-task --policy-name logs --query 'PolicyDocument.Statement[0].Action'
cli iam put-role-policy --role-name web-task --policy-name s3 --policy-document "$policy" >/dev/null
expect "iam list-role-policies" "logs s3" iam list-role-policies --role-name web-task --query 'PolicyNames'
expect "iam list-role-policies paged" "1 1" \
    iam list-role-policies --role-name web-task --page-size 1 --query 'length(PolicyNames)'
expect_error "iam get-role-policy missing" NoSuchEntity \
    iam get-role-policy --role-name web-task --policy-name nope
expect_error "iam put-role-policy missing role" NoSuchEntity \
    iam put-role-policy --role-name nope --policy-name p --policy-document "$policy"
expect_error "iam put-role-policy malformed" MalformedPolicyDocument \
    iam put-role-policy --role-name web-task --policy-name p --policy-document '{"Version":"2012-10-17"'
expect_error "iam put-role-policy bad name" ValidationError \
    iam put-role-policy --role-name web-task --policy-name 'a b' --policy-document "$policy"
big=$(python3 -c 'import json; print(json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"+"x"*10300}]}))')
expect_error "iam put-role-policy past 10240 bytes" LimitExceeded \
    iam put-role-policy --role-name web-task --policy-name big --policy-document "$big"
expect_error "iam delete-role with inline policies" DeleteConflict iam delete-role --role-name web-task
cli iam delete-role-policy --role-name web-task --policy-name logs >/dev/null &&
    ok "iam delete-role-policy" || ko "iam delete-role-policy"
expect_error "iam delete-role-policy twice" NoSuchEntity \
    iam delete-role-policy --role-name web-task --policy-name logs
cli iam delete-role-policy --role-name web-task --policy-name s3 >/dev/null

# ---- attached managed policies
cli iam attach-role-policy --role-name web-task --policy-arn "$exec_arn" >/dev/null &&
    ok "iam attach-role-policy" || ko "iam attach-role-policy"
cli iam attach-role-policy --role-name web-task --policy-arn "$exec_arn" >/dev/null &&
    ok "iam attach-role-policy again is a no-op" || ko "iam attach-role-policy again"
expect "iam list-attached-role-policies" "AmazonECSTaskExecutionRolePolicy $exec_arn" \
    iam list-attached-role-policies --role-name web-task --query 'AttachedPolicies[].[PolicyName, PolicyArn]'
expect_error "iam attach-role-policy unknown policy" NoSuchEntity \
    iam attach-role-policy --role-name web-task --policy-arn arn:aws:iam::aws:policy/Nope
expect_error "iam attach-role-policy bad arn" InvalidInput \
    iam attach-role-policy --role-name web-task --policy-arn not-an-arn-of-any-kind
expect_error "iam attach-role-policy missing role" NoSuchEntity \
    iam attach-role-policy --role-name nope --policy-arn "$exec_arn"
expect_error "iam delete-role with attached policies" DeleteConflict iam delete-role --role-name web-task
cli iam detach-role-policy --role-name web-task --policy-arn "$exec_arn" >/dev/null &&
    ok "iam detach-role-policy" || ko "iam detach-role-policy"
expect_error "iam detach-role-policy not attached" NoSuchEntity \
    iam detach-role-policy --role-name web-task --policy-arn "$exec_arn"
expect "iam list-attached-role-policies empty" "0" \
    iam list-attached-role-policies --role-name web-task --query 'length(AttachedPolicies)'

# ---- tags
cli iam tag-role --role-name web-task --tags Key=team,Value=b Key=tier,Value=web >/dev/null &&
    ok "iam tag-role" || ko "iam tag-role"
expect "iam list-role-tags overwrote and added" "env=dev team=b tier=web" \
    iam list-role-tags --role-name web-task --query 'sort(Tags[].join(`=`, [Key, Value]))'
cli iam untag-role --role-name web-task --tag-keys env tier >/dev/null &&
    ok "iam untag-role" || ko "iam untag-role"
expect "iam list-role-tags after untag" "team=b" \
    iam list-role-tags --role-name web-task --query 'Tags[].join(`=`, [Key, Value])'
many=$(for i in $(seq 1 50); do printf 'Key=k%s,Value=v ' "$i"; done)
# shellcheck disable=SC2086
expect_error "iam tag-role past 50 tags" LimitExceeded iam tag-role --role-name web-task --tags $many
expect_error "iam tag-role missing role" NoSuchEntity iam tag-role --role-name nope --tags Key=a,Value=b
expect_error "iam list-role-tags missing role" NoSuchEntity iam list-role-tags --role-name nope

# ---- delete
cli iam delete-role --role-name web-task >/dev/null && ok "iam delete-role" || ko "iam delete-role"
expect_error "iam delete-role twice" NoSuchEntity iam delete-role --role-name web-task
expect "iam list-roles after delete" "r1 r2 r3" iam list-roles --query 'sort(Roles[].RoleName)'

finish
