#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_acm_test.sh: the AWS CLI against `gitfargate local-aws`'s ACM: request, describe,
# list (filters, pagination), tags, delete, AWS's error codes, and the DNS validation that turns
# a certificate ISSUED once its CNAME exists in Route 53 (run when local-aws serves Route 53).
# Usage: local_aws_acm_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --no-topology

prefix="arn:aws:acm:$region:$account:certificate/"

# ---- RequestCertificate
c1=$(cli acm request-certificate --domain-name app.example.test --validation-method DNS \
    --subject-alternative-names www.example.test '*.api.example.test' \
    --idempotency-token tok1 --tags Key=team,Value=web Key=env \
    --query CertificateArn --output text)
case "$c1" in "$prefix"????????-????-4???-????-????????????) ok "request-certificate ARN $c1" ;;
    *) ko "request-certificate ARN: '$c1'" ;; esac
expect "request-certificate with the same token and domain gives the same ARN" "$c1" \
    acm request-certificate --domain-name app.example.test --validation-method DNS \
    --idempotency-token tok1 --query CertificateArn
c2=$(cli acm request-certificate --domain-name other.example.test --validation-method DNS \
    --query CertificateArn --output text)
[ -n "$c2" ] && [ "$c2" != "$c1" ] && ok "a second certificate" || ko "second certificate '$c2'"
c3=$(cli acm request-certificate --domain-name third.example.test --validation-method DNS \
    --idempotency-token tok1 --query CertificateArn --output text)
[ -n "$c3" ] && [ "$c3" != "$c1" ] && ok "the same token for another domain is a new certificate" \
    || ko "token reuse for another domain gave '$c3'"

# ---- DescribeCertificate
expect "describe-certificate status and names" \
    "PENDING_VALIDATION app.example.test app.example.test www.example.test *.api.example.test" \
    acm describe-certificate --certificate-arn "$c1" \
    --query '[Certificate.Status, Certificate.DomainName, Certificate.SubjectAlternativeNames]'
expect "describe-certificate validation options" \
    "3 DNS PENDING_VALIDATION CNAME" \
    acm describe-certificate --certificate-arn "$c1" \
    --query '[length(Certificate.DomainValidationOptions), Certificate.DomainValidationOptions[0].ValidationMethod, Certificate.DomainValidationOptions[0].ValidationStatus, Certificate.DomainValidationOptions[0].ResourceRecord.Type]'
rr=$(cli acm describe-certificate --certificate-arn "$c1" --output text \
    --query 'Certificate.DomainValidationOptions[0].ResourceRecord.[Name, Value]')
rname=$(printf '%s' "$rr" | cut -f1)
rvalue=$(printf '%s' "$rr" | cut -f2)
[[ "$rname" =~ ^_[0-9a-f]{32}\.app\.example\.test\.$ ]] && ok "validation record name $rname" \
    || ko "validation record name '$rname'"
[[ "$rvalue" =~ ^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$ ]] && ok "validation record value" \
    || ko "validation record value '$rvalue'"
expect "wildcard record name drops '*.'" "True" acm describe-certificate --certificate-arn "$c1" \
    --query "starts_with(Certificate.DomainValidationOptions[2].ResourceRecord.Name, '_') && ends_with(Certificate.DomainValidationOptions[2].ResourceRecord.Name, '.api.example.test.')"
expect "describe-certificate InUseBy empty, no IssuedAt" "0 None" acm describe-certificate \
    --certificate-arn "$c1" --query '[length(Certificate.InUseBy), Certificate.IssuedAt]'
expect_error "describe-certificate unknown" ResourceNotFoundException \
    acm describe-certificate --certificate-arn "${prefix}00000000-0000-4000-8000-000000000000"
expect_error "describe-certificate bad ARN" InvalidArnException \
    acm describe-certificate --certificate-arn "arn:aws:s3:::not-a-certificate-arn"

# ---- RequestCertificate errors
expect_error "request-certificate bad domain" ValidationException \
    acm request-certificate --domain-name 'bad..domain' --validation-method DNS
expect_error "request-certificate single label" ValidationException \
    acm request-certificate --domain-name 'localhost' --validation-method DNS
expect_error "request-certificate bad SAN" ValidationException \
    acm request-certificate --domain-name ok.example.test --validation-method DNS \
    --subject-alternative-names 'bad_name.example.test'
expect_error "request-certificate bad token" ValidationException \
    acm request-certificate --domain-name ok.example.test --validation-method DNS \
    --idempotency-token 'not a token!'
expect_error "request-certificate bad method" ValidationException \
    acm request-certificate --domain-name ok.example.test --validation-method FAX
expect_error "request-certificate too many names" LimitExceededException \
    acm request-certificate --domain-name ok.example.test --validation-method DNS \
    --subject-alternative-names a1.example.test a2.example.test a3.example.test a4.example.test \
    a5.example.test a6.example.test a7.example.test a8.example.test a9.example.test a10.example.test

# ---- ListCertificates
expect "list-certificates" "3" acm list-certificates --query 'length(CertificateSummaryList)'
expect "list-certificates PENDING_VALIDATION" "3" \
    acm list-certificates --certificate-statuses PENDING_VALIDATION --query 'length(CertificateSummaryList)'
expect "list-certificates ISSUED" "0" \
    acm list-certificates --certificate-statuses ISSUED --query 'length(CertificateSummaryList)'
expect "list-certificates summary" "PENDING_VALIDATION False" \
    acm list-certificates --query "CertificateSummaryList[?CertificateArn=='$c1'] | [0].[Status, InUse]"
expect "list-certificates --page-size 1: three server pages of one" "1 1 1" \
    acm list-certificates --page-size 1 --query 'length(CertificateSummaryList)'
page=$(cli --output json acm list-certificates --max-items 2)
next=$(printf '%s' "$page" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["CertificateSummaryList"]), d.get("NextToken",""))')
set -- $next
if [ "$1" = 2 ] && [ -n "${2:-}" ]; then
    expect "list-certificates --starting-token" "1" acm list-certificates --max-items 2 \
        --starting-token "$2" --query 'length(CertificateSummaryList)'
else
    ko "list-certificates --max-items 2: $next"
fi
expect_error "list-certificates bad status" ValidationException \
    acm list-certificates --certificate-statuses NOPE

# ---- tags
expect "list-tags-for-certificate" "team web env None" \
    acm list-tags-for-certificate --certificate-arn "$c1" --query 'Tags[].[Key, Value]'
expect "add-tags-to-certificate" "" acm add-tags-to-certificate --certificate-arn "$c1" \
    --tags Key=team,Value=api Key=owner,Value=ops
expect "tags replaced and added" "team api env None owner ops" \
    acm list-tags-for-certificate --certificate-arn "$c1" --query 'Tags[].[Key, Value]'
expect "remove-tags-from-certificate (value must match)" "" acm remove-tags-from-certificate \
    --certificate-arn "$c1" --tags Key=team,Value=other Key=env
expect "remove kept a tag whose value differs" "team owner" \
    acm list-tags-for-certificate --certificate-arn "$c1" --query 'Tags[].Key'
expect_error "add-tags aws: prefix" InvalidTagException acm add-tags-to-certificate \
    --certificate-arn "$c1" --tags Key=aws:x,Value=y
expect_error "add-tags unknown certificate" ResourceNotFoundException \
    acm add-tags-to-certificate --certificate-arn "${prefix}00000000-0000-4000-8000-000000000000" \
    --tags Key=a,Value=b
tags=""; for i in $(seq 1 49); do tags="$tags Key=k$i,Value=v"; done
expect_error "add-tags past 50" TooManyTagsException acm add-tags-to-certificate \
    --certificate-arn "$c1" --tags $tags
expect_error "list-tags bad ARN" InvalidArnException \
    acm list-tags-for-certificate --certificate-arn "arn:aws:acm:eu-west-1:123:nothing"

# ---- DNS validation through Route 53 (when local-aws serves it)
if zone=$(cli route53 create-hosted-zone --name example.test --caller-reference acm-test \
        --query HostedZone.Id --output text 2>/dev/null); then
    for i in 0 1 2; do
        rec=$(cli acm describe-certificate --certificate-arn "$c1" --output text \
            --query "Certificate.DomainValidationOptions[$i].ResourceRecord.[Name, Value]")
        n=$(printf '%s' "$rec" | cut -f1); v=$(printf '%s' "$rec" | cut -f2)
        if [ "$i" = 1 ]; then
            expect "after one record: still pending" "PENDING_VALIDATION SUCCESS" \
                acm describe-certificate --certificate-arn "$c1" \
                --query '[Certificate.Status, Certificate.DomainValidationOptions[0].ValidationStatus]'
        fi
        cli route53 change-resource-record-sets --hosted-zone-id "$zone" --change-batch \
            "{\"Changes\":[{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"$n\",\"Type\":\"CNAME\",\"TTL\":300,\"ResourceRecords\":[{\"Value\":\"$v\"}]}}]}" \
            >/dev/null || ko "route53 change-resource-record-sets $n"
    done
    expect "every record in Route 53: ISSUED" "ISSUED True True SUCCESS SUCCESS SUCCESS" \
        acm describe-certificate --certificate-arn "$c1" \
        --query '[Certificate.Status, Certificate.IssuedAt != null, Certificate.NotAfter > Certificate.NotBefore, Certificate.DomainValidationOptions[].ValidationStatus]'
    expect "list-certificates ISSUED" "$c1" \
        acm list-certificates --certificate-statuses ISSUED --query 'CertificateSummaryList[].CertificateArn'
else
    echo "note: local-aws does not serve route53 yet: the ISSUED path is not checked here"
fi

# ---- DeleteCertificate
expect "delete-certificate" "" acm delete-certificate --certificate-arn "$c2"
expect_error "deleted certificate is gone" ResourceNotFoundException \
    acm describe-certificate --certificate-arn "$c2"
expect_error "delete-certificate twice" ResourceNotFoundException \
    acm delete-certificate --certificate-arn "$c2"
expect_error "delete-certificate bad ARN" InvalidArnException \
    acm delete-certificate --certificate-arn "nope-not-an-arn-at-all"
expect "two left" "2" acm list-certificates --query 'length(CertificateSummaryList)'

finish
