#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# local_aws_ecr_test.sh: the AWS CLI against local-aws's ECR: repositories, images pushed as
# manifests (digest = sha256 of the manifest), tag mutability, listing, batch deletes, tags,
# and `--image NAME:TAG` seeding.
# Usage: local_aws_ecr_test.sh PATH/TO/gitfargate   (exit 77: skipped, no `aws` on PATH)
. "$(dirname "$0")/lib.sh"
start_local_aws --image seeded/app:v1

registry=123456789012.dkr.ecr.eu-west-1.amazonaws.com
repo_arn=arn:aws:ecr:eu-west-1:123456789012:repository

expect "seeded repository" "seeded/app $registry/seeded/app" \
    ecr describe-repositories --query 'repositories[].[repositoryName, repositoryUri]'
expect "seeded image" "v1" ecr describe-images --repository-name seeded/app --query 'imageDetails[0].imageTags'
expect "ecr create-repository" "team/app $registry/team/app $repo_arn/team/app MUTABLE" \
    ecr create-repository --repository-name team/app --tags Key=team,Value=web \
    --query 'repository.[repositoryName, repositoryUri, repositoryArn, imageTagMutability]'
expect_error "create-repository twice" RepositoryAlreadyExistsException \
    ecr create-repository --repository-name team/app
expect_error "create-repository bad name" InvalidParameterException \
    ecr create-repository --repository-name Team
expect "create-repository immutable" "IMMUTABLE" \
    ecr create-repository --repository-name imm --image-tag-mutability IMMUTABLE \
    --query repository.imageTagMutability
expect "describe-repositories by name" "team/app" \
    ecr describe-repositories --repository-names team/app --query 'repositories[].repositoryName'
expect_error "describe-repositories missing" RepositoryNotFoundException \
    ecr describe-repositories --repository-names nope
expect "describe-repositories pages of one" "1 1 1" \
    ecr describe-repositories --page-size 1 --query 'length(repositories)'

m1='{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":93,"digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222"}]}'
m2='{"schemaVersion":2,"layers":[]}'
d1="sha256:$(printf '%s' "$m1" | sha256sum | cut -d' ' -f1)"
d2="sha256:$(printf '%s' "$m2" | sha256sum | cut -d' ' -f1)"
expect "put-image" "$d1 1.0" \
    ecr put-image --repository-name team/app --image-manifest "$m1" --image-tag 1.0 \
    --query 'image.imageId.[imageDigest, imageTag]'
expect_error "put-image same tag and manifest" ImageAlreadyExistsException \
    ecr put-image --repository-name team/app --image-manifest "$m1" --image-tag 1.0
expect "put-image second tag on the same image" "$d1" \
    ecr put-image --repository-name team/app --image-manifest "$m1" --image-tag latest \
    --query 'image.imageId.imageDigest'
expect "put-image moves a tag (MUTABLE)" "$d2" \
    ecr put-image --repository-name team/app --image-manifest "$m2" --image-tag latest \
    --query 'image.imageId.imageDigest'
expect_error "put-image bad manifest" InvalidParameterException \
    ecr put-image --repository-name team/app --image-manifest 'not json'
expect_error "put-image digest mismatch" ImageDigestDoesNotMatchException \
    ecr put-image --repository-name team/app --image-manifest "$m2" --image-digest "$d1"
expect_error "put-image missing repository" RepositoryNotFoundException \
    ecr put-image --repository-name nope --image-manifest "$m2"
expect "put-image immutable" "a" \
    ecr put-image --repository-name imm --image-manifest "$m1" --image-tag a --query image.imageId.imageTag
expect_error "put-image immutable tag" ImageTagAlreadyExistsException \
    ecr put-image --repository-name imm --image-manifest "$m2" --image-tag a
expect "describe-images by tag" "$d1 1.0 100" \
    ecr describe-images --repository-name team/app --image-ids imageTag=1.0 \
    --query 'imageDetails[0].[imageDigest, join(`,`, imageTags), imageSizeInBytes]'
expect "describe-images by digest" "latest" \
    ecr describe-images --repository-name team/app --image-ids imageDigest="$d2" --query 'imageDetails[0].imageTags'
expect "describe-images imagePushedAt" "True" \
    ecr describe-images --repository-name team/app --query 'imageDetails[0].imagePushedAt != null'
expect_error "describe-images missing tag" ImageNotFoundException \
    ecr describe-images --repository-name team/app --image-ids imageTag=9.9
expect_error "describe-images missing repository" RepositoryNotFoundException \
    ecr describe-images --repository-name nope
expect "describe-images pages of one" "1 1" \
    ecr describe-images --repository-name team/app --page-size 1 --query 'length(imageDetails)'
expect "list-images" "2" ecr list-images --repository-name team/app --query 'length(imageIds)'
expect "list-images TAGGED" "1.0 latest" \
    ecr list-images --repository-name team/app --filter tagStatus=TAGGED --query 'sort(imageIds[].imageTag)'
expect "batch-delete-image" "1.0 ImageNotFound" \
    ecr batch-delete-image --repository-name team/app --image-ids imageTag=1.0 imageTag=zz \
    --query '[imageIds[0].imageTag, failures[0].failureCode]'
expect "list-images after delete" "latest" ecr list-images --repository-name team/app --query 'imageIds[].imageTag'
run_cli --endpoint-url "$endpoint" ecr tag-resource --resource-arn "$repo_arn/team/app" --tags Key=env,Value=prod
[ "$cli_rc" = 0 ] && ok "tag-resource" || ko "tag-resource: $cli_err"
expect "list-tags-for-resource" "env team" \
    ecr list-tags-for-resource --resource-arn "$repo_arn/team/app" --query 'sort(tags[].Key)'
run_cli --endpoint-url "$endpoint" ecr untag-resource --resource-arn "$repo_arn/team/app" --tag-keys team
[ "$cli_rc" = 0 ] && ok "untag-resource" || ko "untag-resource: $cli_err"
expect "list-tags after untag" "env" ecr list-tags-for-resource --resource-arn "$repo_arn/team/app" --query 'tags[].Key'
expect_error "list-tags-for-resource missing" RepositoryNotFoundException \
    ecr list-tags-for-resource --resource-arn "$repo_arn/nope"
expect_error "delete-repository not empty" RepositoryNotEmptyException ecr delete-repository --repository-name team/app
expect "delete-repository --force" "team/app" \
    ecr delete-repository --repository-name team/app --force --query repository.repositoryName
expect_error "delete-repository missing" RepositoryNotFoundException ecr delete-repository --repository-name team/app
stop_local_aws
finish
