#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_s3_test.sh: the AWS CLI (s3api, path style under --endpoint-url) against
# `gitfargate local-aws`'s S3: buckets, their region, public access block, default encryption,
# tags, and S3's own errors.
# Usage: local_aws_s3_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws

cfg="LocationConstraint=$region"

# ---- create, probe, list
expect "s3api create-bucket" "/gf-conf-a" \
    s3api create-bucket --bucket gf-conf-a --create-bucket-configuration "$cfg" --query Location
expect_error "s3api create-bucket again" BucketAlreadyOwnedByYou \
    s3api create-bucket --bucket gf-conf-a --create-bucket-configuration "$cfg"
expect_error "s3api create-bucket without a constraint outside us-east-1" \
    IllegalLocationConstraintException s3api create-bucket --bucket gf-conf-b
expect_error "s3api create-bucket for another region" IllegalLocationConstraintException \
    s3api create-bucket --bucket gf-conf-b --create-bucket-configuration LocationConstraint=us-west-2
for bad in ab Upper 192.168.0.1 a..b a.-b ab- xn--ab ab-s3alias; do
    expect_error "s3api create-bucket '$bad'" InvalidBucketName \
        s3api create-bucket --bucket="$bad" --create-bucket-configuration "$cfg"
done
expect "s3api create-bucket b" "/gf-conf-b.with.dots" \
    s3api create-bucket --bucket gf-conf-b.with.dots --create-bucket-configuration "$cfg" --query Location
expect "s3api head-bucket" "$region" s3api head-bucket --bucket gf-conf-a --query BucketRegion
expect_error "s3api head-bucket missing" 404 s3api head-bucket --bucket gf-conf-missing
expect "s3api list-buckets" "gf-conf-a gf-conf-b.with.dots" s3api list-buckets --query 'Buckets[].Name'
expect "s3api list-buckets regions" "$region $region" s3api list-buckets --query 'Buckets[].BucketRegion'
# AWS answers the constraint as the root's text, which botocore reads specially
expect "s3api get-bucket-location" "$region" \
    s3api get-bucket-location --bucket gf-conf-a --query LocationConstraint
expect_error "s3api get-bucket-location missing" NoSuchBucket \
    s3api get-bucket-location --bucket gf-conf-missing

# ---- default encryption
expect "s3api get-bucket-encryption: SSE-S3 by default" "AES256 False" \
    s3api get-bucket-encryption --bucket gf-conf-a \
    --query 'ServerSideEncryptionConfiguration.Rules[0].[ApplyServerSideEncryptionByDefault.SSEAlgorithm, BucketKeyEnabled]'
expect "s3api put-bucket-encryption kms" "" s3api put-bucket-encryption --bucket gf-conf-a \
    --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/gf"},"BucketKeyEnabled":true}]}'
expect "s3api get-bucket-encryption kms" "aws:kms alias/gf True" \
    s3api get-bucket-encryption --bucket gf-conf-a \
    --query 'ServerSideEncryptionConfiguration.Rules[0].[ApplyServerSideEncryptionByDefault.SSEAlgorithm, ApplyServerSideEncryptionByDefault.KMSMasterKeyID, BucketKeyEnabled]'
expect_error "s3api put-bucket-encryption bad algorithm" MalformedXML \
    s3api put-bucket-encryption --bucket gf-conf-a \
    --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"DES"}}]}'
expect_error "s3api put-bucket-encryption AES256 with a key" InvalidArgument \
    s3api put-bucket-encryption --bucket gf-conf-a \
    --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256","KMSMasterKeyID":"k"}}]}'
expect_error "s3api get-bucket-encryption missing" NoSuchBucket \
    s3api get-bucket-encryption --bucket gf-conf-missing

# ---- public access block
expect_error "s3api get-public-access-block before any" NoSuchPublicAccessBlockConfiguration \
    s3api get-public-access-block --bucket gf-conf-a
expect "s3api put-public-access-block" "" s3api put-public-access-block --bucket gf-conf-a \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=true
expect "s3api get-public-access-block" "True True False True" \
    s3api get-public-access-block --bucket gf-conf-a \
    --query 'PublicAccessBlockConfiguration.[BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets]'
expect "s3api delete-public-access-block" "" s3api delete-public-access-block --bucket gf-conf-a
expect_error "s3api get-public-access-block after delete" NoSuchPublicAccessBlockConfiguration \
    s3api get-public-access-block --bucket gf-conf-a
expect_error "s3api put-public-access-block missing bucket" NoSuchBucket \
    s3api put-public-access-block --bucket gf-conf-missing \
    --public-access-block-configuration BlockPublicAcls=true

# ---- tags
expect_error "s3api get-bucket-tagging before any" NoSuchTagSet s3api get-bucket-tagging --bucket gf-conf-a
expect "s3api put-bucket-tagging" "" s3api put-bucket-tagging --bucket gf-conf-a \
    --tagging 'TagSet=[{Key=app,Value=web},{Key=team,Value=a}]'
expect "s3api get-bucket-tagging" "app web team a" \
    s3api get-bucket-tagging --bucket gf-conf-a --query 'TagSet[].[Key, Value]'
expect "s3api put-bucket-tagging replaces all" "" s3api put-bucket-tagging --bucket gf-conf-a \
    --tagging 'TagSet=[{Key=only,Value=one}]'
expect "s3api get-bucket-tagging replaced" "only" \
    s3api get-bucket-tagging --bucket gf-conf-a --query 'TagSet[].Key'
expect_error "s3api put-bucket-tagging duplicate keys" InvalidTag s3api put-bucket-tagging \
    --bucket gf-conf-a --tagging 'TagSet=[{Key=k,Value=1},{Key=k,Value=2}]'
expect_error "s3api put-bucket-tagging aws: prefix" InvalidTag s3api put-bucket-tagging \
    --bucket gf-conf-a --tagging 'TagSet=[{Key=aws:k,Value=1}]'
expect "s3api delete-bucket-tagging" "" s3api delete-bucket-tagging --bucket gf-conf-a
expect_error "s3api get-bucket-tagging after delete" NoSuchTagSet s3api get-bucket-tagging --bucket gf-conf-a

# ---- objects
expect "s3api list-objects-v2 empty" "0" s3api list-objects-v2 --no-paginate --bucket gf-conf-a --query KeyCount
printf 'hello' >"$tmp/object.txt"
expect "s3api put-object" "True" s3api put-object --bucket gf-conf-a --key dir/a.txt \
    --body "$tmp/object.txt" --query 'ETag != null'
expect "s3api list-objects-v2 after put" "1 dir/a.txt 5" \
    s3api list-objects-v2 --no-paginate --bucket gf-conf-a --query '[KeyCount, Contents[0].Key, Contents[0].Size]'
expect_error "s3api delete-bucket holding an object" BucketNotEmpty \
    s3api delete-bucket --bucket gf-conf-a
expect "s3api delete-object" "" s3api delete-object --bucket gf-conf-a --key dir/a.txt

# ---- delete
expect "s3api delete-bucket" "" s3api delete-bucket --bucket gf-conf-a
expect_error "s3api delete-bucket again" NoSuchBucket s3api delete-bucket --bucket gf-conf-a
expect_error "s3api head-bucket deleted" 404 s3api head-bucket --bucket gf-conf-a
expect "s3api list-buckets after delete" "gf-conf-b.with.dots" s3api list-buckets --query 'Buckets[].Name'
expect "s3api create-bucket after delete" "/gf-conf-a" \
    s3api create-bucket --bucket gf-conf-a --create-bucket-configuration "$cfg" --query Location

stop_local_aws
finish
