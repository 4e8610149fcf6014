#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_secrets_test.sh: the AWS CLI against local-aws's Secrets Manager and SSM Parameter
# Store: every supported operation, its errors, paging and deletion lifecycle.
# Usage: local_aws_secrets_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --log-level trace

sm_arn=arn:aws:secretsmanager:eu-west-1:123456789012:secret

# ---- Secrets Manager
expect "secretsmanager create-secret" "app/db" \
    secretsmanager create-secret --name app/db --secret-string '{"password":"planted-S3cr3t"}' \
    --tags Key=team,Value=web --query Name
arn=$(cli --output text secretsmanager describe-secret --secret-id app/db --query ARN)
[[ "$arn" =~ ^$sm_arn:app/db-[A-Za-z0-9]{6}$ ]] && ok "secret ARN has a 6-character suffix" || ko "secret ARN '$arn'"
expect_error "create-secret twice" ResourceExistsException \
    secretsmanager create-secret --name app/db --secret-string x
expect_error "create-secret bad name" ValidationException \
    secretsmanager create-secret --name 'bad name' --secret-string x
expect "describe-secret by ARN" "app/db team web" \
    secretsmanager describe-secret --secret-id "$arn" --query '[Name, Tags[0].Key, Tags[0].Value]'
expect "describe-secret by partial ARN" "app/db" \
    secretsmanager describe-secret --secret-id "$sm_arn:app/db" --query Name
expect_error "describe-secret missing" ResourceNotFoundException \
    secretsmanager describe-secret --secret-id nope
expect "get-secret-value" '{"password":"planted-S3cr3t"} AWSCURRENT' \
    secretsmanager get-secret-value --secret-id app/db --query '[SecretString, VersionStages[0]]'
expect "put-secret-value" "AWSCURRENT" \
    secretsmanager put-secret-value --secret-id app/db --secret-string v2 --query 'VersionStages[0]'
expect "get-secret-value AWSPREVIOUS" '{"password":"planted-S3cr3t"}' \
    secretsmanager get-secret-value --secret-id app/db --version-stage AWSPREVIOUS --query SecretString
printf 'abc' >"$tmp/bin"
expect "create-secret binary" "bin" \
    secretsmanager create-secret --name bin --secret-binary "fileb://$tmp/bin" --query Name
expect "get-secret-value binary" "YWJj" \
    secretsmanager get-secret-value --secret-id bin --query SecretBinary
expect "create-secret without a value" "empty" secretsmanager create-secret --name empty --query Name
expect_error "get-secret-value with no version" ResourceNotFoundException \
    secretsmanager get-secret-value --secret-id empty
expect "list-secrets" "app/db bin empty" secretsmanager list-secrets --query 'SecretList[].Name'
expect "list-secrets name filter" "app/db" \
    secretsmanager list-secrets --filters Key=name,Values=app/ --query 'SecretList[].Name'
expect "list-secrets pages of one" "1 1 1" \
    secretsmanager list-secrets --page-size 1 --query 'length(SecretList)'
expect_error "list-secrets bad filter key" ValidationException \
    secretsmanager list-secrets --filters Key=nope,Values=x
expect "list-secrets never returns values" "0" \
    secretsmanager list-secrets --query "length(SecretList[?contains(to_string(@), 'planted')])"
run_cli --endpoint-url "$endpoint" secretsmanager tag-resource --secret-id app/db --tags Key=env,Value=prod
[ "$cli_rc" = 0 ] && ok "tag-resource" || ko "tag-resource: $cli_err"
expect "tags after tag-resource" "2" secretsmanager describe-secret --secret-id app/db --query 'length(Tags)'
run_cli --endpoint-url "$endpoint" secretsmanager untag-resource --secret-id app/db --tag-keys team
[ "$cli_rc" = 0 ] && ok "untag-resource" || ko "untag-resource: $cli_err"
expect "tags after untag-resource" "env" secretsmanager describe-secret --secret-id app/db --query 'Tags[].Key'
expect_error "delete-secret window 6" InvalidParameterException \
    secretsmanager delete-secret --secret-id app/db --recovery-window-in-days 6
expect "delete-secret window 7" "app/db" \
    secretsmanager delete-secret --secret-id app/db --recovery-window-in-days 7 --query Name
expect "describe-secret shows DeletedDate" "True" \
    secretsmanager describe-secret --secret-id app/db --query 'DeletedDate != null'
expect_error "get-secret-value marked for deletion" InvalidRequestException \
    secretsmanager get-secret-value --secret-id app/db
expect_error "create-secret over one marked for deletion" InvalidRequestException \
    secretsmanager create-secret --name app/db --secret-string x
expect "list-secrets hides deleted" "bin empty" secretsmanager list-secrets --query 'SecretList[].Name'
expect "list-secrets --include-planned-deletion" "3" \
    secretsmanager list-secrets --include-planned-deletion --query 'length(SecretList)'
expect "restore-secret" "app/db" secretsmanager restore-secret --secret-id app/db --query Name
expect "delete-secret --force-delete-without-recovery" "bin" \
    secretsmanager delete-secret --secret-id bin --force-delete-without-recovery --query Name
expect_error "describe-secret after force delete" ResourceNotFoundException \
    secretsmanager describe-secret --secret-id bin

# ---- SSM
expect "ssm put-parameter" "1 Standard" \
    ssm put-parameter --name /app/db/host --type String --value db.internal --tags Key=team,Value=web \
    --query '[Version, Tier]'
expect "ssm put-parameter SecureString" "1" \
    ssm put-parameter --name /app/db/pass --type SecureString --value planted-P4ram --query Version
expect "ssm put-parameter StringList" "1" \
    ssm put-parameter --name plain --type StringList --value a,b --query Version
expect_error "put-parameter exists" ParameterAlreadyExists \
    ssm put-parameter --name /app/db/host --type String --value x
expect_error "put-parameter without type" ValidationException \
    ssm put-parameter --name /app/new --value x
expect_error "put-parameter bad name" ValidationException \
    ssm put-parameter --name a/b --type String --value x
expect_error "put-parameter aws prefix" ValidationException \
    ssm put-parameter --name awsthing --type String --value x
expect_error "put-parameter bad type" ValidationException \
    ssm put-parameter --name /x --type Number --value x
expect_error "put-parameter tags with overwrite" ValidationException \
    ssm put-parameter --name /app/db/host --type String --value x --overwrite --tags Key=a,Value=b
expect "put-parameter --overwrite" "2" \
    ssm put-parameter --name /app/db/host --type String --value db2.internal --overwrite --query Version
expect "get-parameter" "/app/db/host String db2.internal 2" \
    ssm get-parameter --name /app/db/host --query 'Parameter.[Name, Type, Value, Version]'
expect "get-parameter SecureString stays encrypted" "False" \
    ssm get-parameter --name /app/db/pass --query "Parameter.Value == 'planted-P4ram'"
expect "get-parameter --with-decryption" "planted-P4ram" \
    ssm get-parameter --name /app/db/pass --with-decryption --query Parameter.Value
expect "get-parameter by ARN" "a,b" \
    ssm get-parameter --name arn:aws:ssm:eu-west-1:123456789012:parameter/plain --query Parameter.Value
expect_error "get-parameter missing" ParameterNotFound ssm get-parameter --name /nope
expect "get-parameters" "/app/db/host plain /nope" \
    ssm get-parameters --names /app/db/host plain /nope --query '[Parameters[].Name, InvalidParameters]'
expect "describe-parameters Name Equals" "/app/db/pass SecureString" \
    ssm describe-parameters --parameter-filters Key=Name,Option=Equals,Values=/app/db/pass \
    --query 'Parameters[].[Name, Type]'
expect "describe-parameters BeginsWith" "2" \
    ssm describe-parameters --parameter-filters Key=Name,Option=BeginsWith,Values=/app/ \
    --query 'length(Parameters)'
expect "describe-parameters Type" "plain" \
    ssm describe-parameters --parameter-filters Key=Type,Values=StringList --query 'Parameters[].Name'
expect "describe-parameters Path" "2" \
    ssm describe-parameters --parameter-filters Key=Path,Option=Recursive,Values=/app \
    --query 'length(Parameters)'
expect "describe-parameters tag" "/app/db/host" \
    ssm describe-parameters --parameter-filters Key=tag:team --query 'Parameters[].Name'
expect "describe-parameters pages of one" "1 1 1" \
    ssm describe-parameters --page-size 1 --query 'length(Parameters)'
expect "describe-parameters never returns values" "0" \
    ssm describe-parameters --query "length(Parameters[?contains(to_string(@), 'planted')])"
expect_error "describe-parameters bad key" InvalidFilterKey \
    ssm describe-parameters --parameter-filters Key=Bogus,Values=x
expect_error "describe-parameters bad option" InvalidFilterOption \
    ssm describe-parameters --parameter-filters Key=Type,Option=Recursive,Values=String
run_cli --endpoint-url "$endpoint" ssm add-tags-to-resource --resource-type Parameter \
    --resource-id plain --tags Key=env,Value=prod
[ "$cli_rc" = 0 ] && ok "add-tags-to-resource" || ko "add-tags-to-resource: $cli_err"
expect "list-tags-for-resource" "env prod" \
    ssm list-tags-for-resource --resource-type Parameter --resource-id plain --query 'TagList[0].[Key, Value]'
run_cli --endpoint-url "$endpoint" ssm remove-tags-from-resource --resource-type Parameter \
    --resource-id plain --tag-keys env
[ "$cli_rc" = 0 ] && ok "remove-tags-from-resource" || ko "remove-tags-from-resource: $cli_err"
expect "list-tags-for-resource after remove" "0" \
    ssm list-tags-for-resource --resource-type Parameter --resource-id plain --query 'length(TagList)'
expect_error "add-tags-to-resource missing" InvalidResourceId \
    ssm add-tags-to-resource --resource-type Parameter --resource-id /nope --tags Key=a,Value=b
expect_error "add-tags-to-resource bad type" InvalidResourceType \
    ssm add-tags-to-resource --resource-type Document --resource-id plain --tags Key=a,Value=b
run_cli --endpoint-url "$endpoint" ssm delete-parameter --name plain
[ "$cli_rc" = 0 ] && ok "delete-parameter" || ko "delete-parameter: $cli_err"
expect_error "delete-parameter missing" ParameterNotFound ssm delete-parameter --name plain
expect "delete-parameters" "/app/db/host /nope" \
    ssm delete-parameters --names /app/db/host /nope --query '[DeletedParameters, InvalidParameters]'

# ---- the secrets rule: no value in the server's trace log
if grep -q 'planted-' "$tmp/server.err" "$tmp/server.out"; then
    ko "local-aws logged a secret value"
else
    ok "local-aws logged no secret value at trace level ($(wc -l <"$tmp/server.err") lines)"
fi
stop_local_aws
finish
