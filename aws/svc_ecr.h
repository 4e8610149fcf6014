/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecr.h: Amazon ECR through the call layer (aws/client.h, json 1.1, reference/
 * aws-protocols.md §2.4 and §7.4): repositories, the digest of one image (the preflight's "does
 * this image exist", and pinning a tag to a digest), tags, and the pure parser of image
 * references shared by the preflight and local-aws (aws/local/svc_ecr.c).
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are owned by the caller (json_decref), NULL on failure; inputs are
 *   borrowed for the call; NULL / absent optional inputs are not sent.
 * - Tags (`const json_t *tags`) are ECR's shape: an array of {"Key": k, "Value": v}.
 * - "It does not exist" (RepositoryNotFoundException, ImageNotFoundException) is GF_ENOTFOUND
 *   with a gf_error naming the repository or image; RepositoryAlreadyExistsException and
 *   RepositoryNotEmptyException are GF_ECONFLICT; others are gf_aws_call's mapping.
 * - Every function blocks, except the parser. */
#ifndef GF_AWS_SVC_ECR_H
#define GF_AWS_SVC_ECR_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"

/* ---- image references (pure: no I/O, no allocation) -------------------------------------- */

struct gf_ecr_image_ref {
    bool is_ecr;          /* the registry is ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn] */
    char registry[256];   /* "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "docker.io"; "" */
    char account[16];     /* ECR only: "123456789012"; else "" */
    char region[32];      /* ECR only: "eu-west-1"; else "" */
    char repository[257]; /* "team/app", "nginx", "library/nginx" as written */
    char tag[129];        /* "1.27"; "latest" when neither a tag nor a digest is given */
    char digest[80];      /* "sha256:<64 hex>" or "" */
};

/* Parse an image reference: "[REGISTRY/]REPOSITORY[:TAG][@sha256:HEX]". A first path component
 * holding '.' or ':' or equal to "localhost" is the registry. Examples:
 * "123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo:tag" (ECR), "repo@sha256:<hex>" (not
 * ECR), "nginx:1.27" (not ECR). Returns 0, or GF_EINVALID with a gf_error saying what is wrong
 * (empty, a bad repository name, a tag longer than 128 or with bad characters, a digest that
 * is not sha256 with 64 lowercase hex digits, a part too long). Pure. */
int gf_ecr_parse_image_ref(struct gf_ecr_image_ref *out, const char *image);

/* Whether `name` follows ECR's repository name rule (botocore ecr model): 2-256 characters,
 * slash-separated components of [a-z0-9]+ joined by '.', '_', '__' or runs of '-'. Pure. */
bool gf_ecr_repository_name_valid(const char *name);

/* ---- repositories ------------------------------------------------------------------------ */

/* CreateRepository. tags, or NULL. out (may be NULL): the repository {repositoryArn,
 * registryId, repositoryName, repositoryUri "ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME",
 * createdAt, imageTagMutability, ...}. GF_ECONFLICT when it exists. */
int gf_ecr_create_repository(json_t **out, struct gf_aws_client *client, const char *name,
                             const json_t *tags);

/* DescribeRepositories for one name. out: the repository object. GF_ENOTFOUND. */
int gf_ecr_describe_repository(json_t **out, struct gf_aws_client *client, const char *name);

/* DescribeRepositories, every page. names: an array of names, or NULL for all. out: the
 * repositories array. GF_ENOTFOUND when a named one does not exist. */
int gf_ecr_describe_repositories(json_t **out, struct gf_aws_client *client,
                                 const json_t *names);

/* DeleteRepository; force also deletes its images. GF_ENOTFOUND; GF_ECONFLICT when it holds
 * images and force is false (RepositoryNotEmptyException). */
int gf_ecr_delete_repository(struct gf_aws_client *client, const char *name, bool force);

/* ---- images ------------------------------------------------------------------------------ */

/* DescribeImages for one image of `repository` named by tag_or_digest ("1.27" or
 * "sha256:..."); registry_id: the account owning the registry, or NULL for the caller's.
 * out: the imageDetails entry {imageDigest, imageTags, imagePushedAt, imageSizeInBytes, ...}.
 * GF_ENOTFOUND when the repository or the image does not exist. */
int gf_ecr_describe_image(json_t **out, struct gf_aws_client *client, const char *registry_id,
                          const char *repository, const char *tag_or_digest);

/* The digest of the image a parsed ECR reference names (its digest when it has one, else its
 * tag), asking the reference's account and region. digest_out: "sha256:<64 hex>". Returns 0,
 * GF_ENOTFOUND (repository or image absent), GF_EINVALID (ref is not ECR), or the call's
 * error. */
int gf_ecr_image_digest(char digest_out[80], struct gf_aws_client *client,
                        const struct gf_ecr_image_ref *ref);

/* TagResource / ListTagsForResource (out: the tags array) of a repository ARN. GF_ENOTFOUND. */
int gf_ecr_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_ecr_list_tags(json_t **out, struct gf_aws_client *client, const char *arn);

#endif
