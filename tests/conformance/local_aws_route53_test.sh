#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_route53_test.sh: the AWS CLI against `gitfargate local-aws`'s Route 53: the seeded
# zones, public and private zones, caller references, record-set batches with AWS's
# InvalidChangeBatch messages, listings and paging in AWS's order, changes, tags.
# Usage: local_aws_route53_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --domain conf.test

vpc=vpc-0123456789abcdef0

# ---- the starting topology: a public and a private zone of --domain
expect "route53 list-hosted-zones-by-name: the seeded zones" "conf.test. conf.test." \
    route53 list-hosted-zones-by-name --dns-name conf.test --query 'HostedZones[].Name'
expect "route53 seeded zones: one private" "1" \
    route53 list-hosted-zones-by-name --dns-name conf.test --query 'length(HostedZones[?Config.PrivateZone])'

# ---- zones
zid=$(cli route53 create-hosted-zone --name Web.Example.com --caller-reference ref-1 \
      --hosted-zone-config Comment=conf --query HostedZone.Id --output text)
[[ "$zid" =~ ^/hostedzone/Z[A-Z0-9]{13,21}$ ]] && ok "route53 create-hosted-zone id $zid" \
    || ko "route53 create-hosted-zone id '$zid'"
z=${zid#/hostedzone/}
expect "route53 create-hosted-zone retried with its caller reference" "$zid" \
    route53 create-hosted-zone --name web.example.com --caller-reference ref-1 \
    --hosted-zone-config Comment=conf --query HostedZone.Id
expect_error "route53 create-hosted-zone reusing a caller reference" HostedZoneAlreadyExists \
    route53 create-hosted-zone --name other.example.com --caller-reference ref-1
expect_error "route53 create-hosted-zone bad name" InvalidDomainName \
    route53 create-hosted-zone --name 'bad..example.com' --caller-reference ref-2
expect_error "route53 create-hosted-zone private without a VPC" InvalidInput \
    route53 create-hosted-zone --name p.example.com --caller-reference ref-3 \
    --hosted-zone-config PrivateZone=true
expect_error "route53 create-hosted-zone bad VPC id" InvalidVPCId \
    route53 create-hosted-zone --name p.example.com --caller-reference ref-4 \
    --vpc VPCRegion=$region,VPCId=vpc-nothex
pid_zone=$(cli route53 create-hosted-zone --name web.example.com --caller-reference ref-5 \
      --vpc VPCRegion=$region,VPCId=$vpc --query HostedZone.Id --output text)
p=${pid_zone#/hostedzone/}
expect_error "route53 create-hosted-zone same private zone and VPC" ConflictingDomainExists \
    route53 create-hosted-zone --name web.example.com --caller-reference ref-6 \
    --vpc VPCRegion=$region,VPCId=$vpc
expect "route53 get-hosted-zone" "web.example.com. conf False 2" route53 get-hosted-zone --id "$z" \
    --query '[HostedZone.Name, HostedZone.Config.Comment, HostedZone.Config.PrivateZone, HostedZone.ResourceRecordSetCount]'
expect "route53 get-hosted-zone name servers" "4" route53 get-hosted-zone --id "$zid" \
    --query 'length(DelegationSet.NameServers)'
expect "route53 get-hosted-zone private" "True $vpc $region" route53 get-hosted-zone --id "$p" \
    --query '[HostedZone.Config.PrivateZone, VPCs[0].VPCId, VPCs[0].VPCRegion]'
expect_error "route53 get-hosted-zone missing" NoSuchHostedZone route53 get-hosted-zone --id ZNOSUCHZONE0000
expect "route53 list-hosted-zones" "4" route53 list-hosted-zones --query 'length(HostedZones)'
expect "route53 list-hosted-zones --page-size 1: four server pages of one" "1 1 1 1" \
    route53 list-hosted-zones --page-size 1 --query 'length(HostedZones)'
# reversed labels: com.example.web sorts before test.conf
expect "route53 list-hosted-zones-by-name order" "web.example.com. web.example.com. conf.test. conf.test." \
    route53 list-hosted-zones-by-name --query 'HostedZones[].Name'
expect "route53 list-hosted-zones-by-name from a name" "web.example.com. web.example.com. conf.test. conf.test." \
    route53 list-hosted-zones-by-name --dns-name a.example.com --query 'HostedZones[].Name'
expect "route53 list-hosted-zones-by-name page" "True web.example.com." \
    route53 list-hosted-zones-by-name --dns-name web.example.com --max-items 1 \
    --query '[IsTruncated, NextDNSName]'
expect_error "route53 list-hosted-zones-by-name id without name" InvalidInput \
    route53 list-hosted-zones-by-name --hosted-zone-id "$z"

# ---- record sets
batch='{"Comment":"first","Changes":[
 {"Action":"CREATE","ResourceRecordSet":{"Name":"WWW.web.example.com","Type":"A","TTL":60,"ResourceRecords":[{"Value":"10.0.0.1"},{"Value":"10.0.0.2"}]}},
 {"Action":"CREATE","ResourceRecordSet":{"Name":"web.example.com","Type":"TXT","TTL":300,"ResourceRecords":[{"Value":"\"v=1\""}]}},
 {"Action":"UPSERT","ResourceRecordSet":{"Name":"api.web.example.com.","Type":"A","AliasTarget":{"HostedZoneId":"Z32O12XQLNTSW2","DNSName":"LB.eu-west-1.elb.amazonaws.com","EvaluateTargetHealth":true}}},
 {"Action":"CREATE","ResourceRecordSet":{"Name":"_v.web.example.com","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"_x.acm-validations.aws."}]}}]}'
cid=$(cli route53 change-resource-record-sets --hosted-zone-id "$z" --change-batch "$batch" \
      --query ChangeInfo.Id --output text)
[[ "$cid" =~ ^/change/C[A-Z0-9]+$ ]] && ok "route53 change-resource-record-sets $cid" || ko "change id '$cid'"
expect "route53 get-change" "$cid" route53 get-change --id "$cid" --query ChangeInfo.Id
sleep 0.4
expect "route53 get-change INSYNC 300 ms later" "INSYNC" route53 get-change --id "${cid#/change/}" --query ChangeInfo.Status
expect_error "route53 get-change missing" NoSuchChange route53 get-change --id CNOSUCHCHANGE
expect "route53 wait resource-record-sets-changed" "" route53 wait resource-record-sets-changed --id "$cid"
expect "route53 list-resource-record-sets: AWS's order" \
    "web.example.com. NS web.example.com. SOA web.example.com. TXT _v.web.example.com. CNAME api.web.example.com. A www.web.example.com. A" \
    route53 list-resource-record-sets --hosted-zone-id "$z" --query 'ResourceRecordSets[].[Name, Type]'
expect "route53 list-resource-record-sets alias" "lb.eu-west-1.elb.amazonaws.com. True" \
    route53 list-resource-record-sets --hosted-zone-id "$z" \
    --query "ResourceRecordSets[?Type=='A' && AliasTarget].[AliasTarget.DNSName, AliasTarget.EvaluateTargetHealth]"
expect "route53 list-resource-record-sets values" "60 10.0.0.1 10.0.0.2" \
    route53 list-resource-record-sets --hosted-zone-id "$z" \
    --query "ResourceRecordSets[?Name=='www.web.example.com.'] | [0].[TTL, ResourceRecords[0].Value, ResourceRecords[1].Value]"
expect "route53 list-resource-record-sets --page-size 2: three server pages" "2 2 2" \
    route53 list-resource-record-sets --hosted-zone-id "$z" --page-size 2 --query 'length(ResourceRecordSets)'
expect "route53 list-resource-record-sets from a name and type" "TXT CNAME" \
    route53 list-resource-record-sets --hosted-zone-id "$z" --start-record-name web.example.com \
    --start-record-type TXT --max-items 2 --query 'ResourceRecordSets[].Type'
expect_error "route53 list-resource-record-sets type without name" InvalidInput \
    route53 list-resource-record-sets --hosted-zone-id "$z" --start-record-type A
expect_error "route53 list-resource-record-sets missing zone" NoSuchHostedZone \
    route53 list-resource-record-sets --hosted-zone-id ZNOSUCHZONE0000
expect "route53 get-hosted-zone count" "6" route53 get-hosted-zone --id "$z" \
    --query HostedZone.ResourceRecordSetCount

icb() { # NAME MESSAGE BATCH: the batch fails with InvalidChangeBatch and exactly MESSAGE
    run_cli --endpoint-url "$endpoint" route53 change-resource-record-sets --hosted-zone-id "$z" --change-batch "$3"
    if [ "$cli_rc" != 0 ] && [[ "$cli_err" == *"(InvalidChangeBatch)"*": $2"* ]]; then ok "$1"
    else ko "$1: $(printf '%s' "$cli_err" | tr '\n' ' ')"; fi
}
one() { printf '{"Changes":[{"Action":"%s","ResourceRecordSet":{"Name":"%s","Type":"%s","TTL":60,"ResourceRecords":[{"Value":"%s"}]}}]}' "$@"; }
icb "create an existing set" \
    "[Tried to create resource record set [name='www.web.example.com.', type='A'] but it already exists]" \
    "$(one CREATE www.web.example.com A 10.0.0.1)"
icb "delete a missing set" \
    "[Tried to delete resource record set [name='x.web.example.com.', type='A'] but it was not found]" \
    "$(one DELETE x.web.example.com A 10.0.0.1)"
icb "delete with other values" \
    "[Tried to delete resource record set [name='www.web.example.com.', type='A'] but the values provided do not match the current values]" \
    "$(one DELETE www.web.example.com A 10.0.0.1)"
icb "CNAME at the apex" \
    "[RRSet of type CNAME with DNS name web.example.com. is not permitted at apex in zone web.example.com.]" \
    "$(one CREATE web.example.com CNAME x.example.org)"
icb "A beside a CNAME" \
    "[RRSet of type A with DNS name _v.web.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone web.example.com.]" \
    "$(one CREATE _v.web.example.com A 10.0.0.9)"
icb "outside the zone" \
    "[RRSet with DNS name www.other.org. is not permitted in zone web.example.com.]" \
    "$(one CREATE www.other.org A 10.0.0.1)"
icb "delete the SOA" "[A HostedZone must contain exactly one SOA record.]" \
    "$(one DELETE web.example.com SOA x)"
icb "two faults, one message" \
    "[Tried to create resource record set [name='www.web.example.com.', type='A'] but it already exists, Tried to delete resource record set [name='gone.web.example.com.', type='A'] but it was not found]" \
    '{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"ok.web.example.com","Type":"A","TTL":1,"ResourceRecords":[{"Value":"10.1.1.1"}]}},{"Action":"CREATE","ResourceRecordSet":{"Name":"www.web.example.com","Type":"A","TTL":1,"ResourceRecords":[{"Value":"10.1.1.1"}]}},{"Action":"DELETE","ResourceRecordSet":{"Name":"gone.web.example.com","Type":"A","TTL":1,"ResourceRecords":[{"Value":"10.1.1.1"}]}}]}'
expect "the failed batch changed nothing" "6" route53 get-hosted-zone --id "$z" \
    --query HostedZone.ResourceRecordSetCount
expect_error "a set without TTL or alias" InvalidInput route53 change-resource-record-sets \
    --hosted-zone-id "$z" --change-batch '{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"n.web.example.com","Type":"A"}}]}'
expect_error "change-resource-record-sets missing zone" NoSuchHostedZone \
    route53 change-resource-record-sets --hosted-zone-id ZNOSUCHZONE0000 --change-batch "$(one CREATE a.b A 10.0.0.1)"
expect "route53 UPSERT replaces" "PENDING" route53 change-resource-record-sets --hosted-zone-id "$z" \
    --change-batch "$(one UPSERT www.web.example.com A 10.9.9.9)" --query 'ChangeInfo.Status'
expect "route53 UPSERT result" "10.9.9.9" route53 list-resource-record-sets --hosted-zone-id "$z" \
    --start-record-name www.web.example.com --start-record-type A --max-items 1 \
    --query 'ResourceRecordSets[0].ResourceRecords[].Value'

# ---- tags
expect "route53 change-tags-for-resource" "" route53 change-tags-for-resource --resource-type hostedzone \
    --resource-id "$z" --add-tags Key=app,Value=web Key=team,Value=a
expect "route53 change-tags-for-resource remove" "" route53 change-tags-for-resource \
    --resource-type hostedzone --resource-id "$z" --remove-tag-keys team
expect "route53 list-tags-for-resource" "hostedzone $z app web" route53 list-tags-for-resource \
    --resource-type hostedzone --resource-id "$z" \
    --query '[ResourceTagSet.ResourceType, ResourceTagSet.ResourceId, ResourceTagSet.Tags[0].Key, ResourceTagSet.Tags[0].Value]'
expect_error "route53 list-tags-for-resource missing zone" NoSuchHostedZone \
    route53 list-tags-for-resource --resource-type hostedzone --resource-id ZNOSUCHZONE0000

# ---- delete
expect_error "route53 delete-hosted-zone with records" HostedZoneNotEmpty route53 delete-hosted-zone --id "$z"
del=$(printf '{"Changes":[
 {"Action":"DELETE","ResourceRecordSet":{"Name":"www.web.example.com","Type":"A","TTL":60,"ResourceRecords":[{"Value":"10.9.9.9"}]}},
 {"Action":"DELETE","ResourceRecordSet":{"Name":"web.example.com","Type":"TXT","TTL":300,"ResourceRecords":[{"Value":"\\"v=1\\""}]}},
 {"Action":"DELETE","ResourceRecordSet":{"Name":"api.web.example.com","Type":"A","AliasTarget":{"HostedZoneId":"Z32O12XQLNTSW2","DNSName":"lb.eu-west-1.elb.amazonaws.com.","EvaluateTargetHealth":true}}},
 {"Action":"DELETE","ResourceRecordSet":{"Name":"_v.web.example.com","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"_x.acm-validations.aws."}]}}]}')
expect "route53 delete every record set" "PENDING" route53 change-resource-record-sets \
    --hosted-zone-id "$z" --change-batch "$del" --query ChangeInfo.Status
expect "route53 delete-hosted-zone" "PENDING" route53 delete-hosted-zone --id "$z" --query ChangeInfo.Status
expect_error "route53 delete-hosted-zone again" NoSuchHostedZone route53 delete-hosted-zone --id "$z"
expect "route53 delete-hosted-zone private" "PENDING" route53 delete-hosted-zone --id "$p" --query ChangeInfo.Status
expect "route53 list-hosted-zones after deletes" "2" route53 list-hosted-zones --query 'length(HostedZones)'

stop_local_aws
finish
