/* SPDX-License-Identifier: Apache-2.0 */
/* svc_s3.h: Amazon S3 buckets through the call layer (aws/client.h, rest-xml, reference/
 * aws-protocols.md §2.5 and §7.10): create, probe, list and delete buckets, and their public
 * access block, default encryption and tags; a count of the objects a bucket holds, so the
 * reconcile engine can refuse to prune a bucket with data. Thin: one function per operation,
 * lists fully paginated, no business logic and no caching. With an endpoint override S3 is
 * addressed path style (§6).
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`, `char **out`) are new references / owned strings (json_decref /
 *   gf_free), NULL on failure; JSON outputs use the element names as keys, as
 *   gf_aws_response_decode gives them ("Name", "CreationDate", "Key", "Size", ...).
 * - String and json_t inputs are borrowed for the call. `bucket` is the bucket's name.
 * - Tags (`const json_t *tags`) are S3's TagSet shape: an array of {"Key": k, "Value": v}.
 * - "Does not exist" is GF_ENOTFOUND with a gf_error naming the bucket (aws_code NoSuchBucket,
 *   or "404" for HeadBucket, which has no body); a missing sub-configuration is GF_ENOTFOUND
 *   with its own aws_code (NoSuchPublicAccessBlockConfiguration) except tags, where no tag set
 *   reads as an empty array. CreateBucket answered BucketAlreadyOwnedByYou / BucketAlreadyExists
 *   is GF_ECONFLICT, DeleteBucket answered BucketNotEmpty too. Other failures are gf_aws_call's
 *   codes with the gf_error's aws_code set (InvalidBucketName, IllegalLocationConstraintException).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_S3_H
#define GF_AWS_SVC_S3_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/client.h"

/* ---- buckets ---------------------------------------------------------------------------- */

/* CreateBucket in `region` (NULL: the client's region). Outside us-east-1 the body carries
 * <LocationConstraint>region</LocationConstraint>; in us-east-1 there is no body (AWS refuses
 * an explicit us-east-1). out (may be NULL): {"Location": "/bucket"} (the Location header).
 * GF_ECONFLICT when the name is taken (by you or anyone). */
int gf_s3_create_bucket(json_t **out, struct gf_aws_client *client, const char *bucket,
                        const char *region);
/* HeadBucket: whether the bucket exists and is yours. region_out (may be NULL): the
 * x-amz-bucket-region header (owned; "" when absent). GF_ENOTFOUND when it does not exist
 * (404). */
int gf_s3_head_bucket(char **region_out, struct gf_aws_client *client, const char *bucket);
/* ListBuckets, every page. out: array of {"Name", "CreationDate" (ISO 8601 text),
 * "BucketRegion" when the server sends it}. */
int gf_s3_list_buckets(json_t **out, struct gf_aws_client *client);
/* GetBucketLocation. out: the bucket's region (owned); AWS's empty LocationConstraint reads as
 * "us-east-1" and the legacy "EU" as "eu-west-1". GF_ENOTFOUND. */
int gf_s3_get_bucket_location(char **out, struct gf_aws_client *client, const char *bucket);
/* DeleteBucket. GF_ENOTFOUND; GF_ECONFLICT (BucketNotEmpty) while objects remain. */
int gf_s3_delete_bucket(struct gf_aws_client *client, const char *bucket);

/* ---- public access block ---------------------------------------------------------------- */

struct gf_s3_public_access_block {
    bool block_public_acls;
    bool ignore_public_acls;
    bool block_public_policy;
    bool restrict_public_buckets;
};

/* PutPublicAccessBlock (all four flags sent; Content-MD5 added by the codec). GF_ENOTFOUND. */
int gf_s3_put_public_access_block(struct gf_aws_client *client, const char *bucket,
                                  const struct gf_s3_public_access_block *cfg);
/* GetPublicAccessBlock into *out (flags absent on the wire read as false). GF_ENOTFOUND when the
 * bucket does not exist or has no configuration (aws_code NoSuchPublicAccessBlockConfiguration
 * tells which). */
int gf_s3_get_public_access_block(struct gf_s3_public_access_block *out,
                                  struct gf_aws_client *client, const char *bucket);
/* DeletePublicAccessBlock. GF_ENOTFOUND for the bucket (deleting no configuration succeeds). */
int gf_s3_delete_public_access_block(struct gf_aws_client *client, const char *bucket);

/* ---- default encryption ----------------------------------------------------------------- */

/* PutBucketEncryption with one rule: `algorithm` "AES256" (SSE-S3) or "aws:kms" (then
 * kms_key_id may name the key; NULL: the AWS-managed key). GF_ENOTFOUND. */
int gf_s3_put_bucket_encryption(struct gf_aws_client *client, const char *bucket,
                                const char *algorithm, const char *kms_key_id);
/* GetBucketEncryption. out: the array of rules, each {"ApplyServerSideEncryptionByDefault":
 * {"SSEAlgorithm", "KMSMasterKeyID"?}, "BucketKeyEnabled"?}. New buckets answer SSE-S3
 * (AES256), as AWS does since 2023. GF_ENOTFOUND. */
int gf_s3_get_bucket_encryption(json_t **out, struct gf_aws_client *client, const char *bucket);

/* ---- tags ------------------------------------------------------------------------------- */

/* PutBucketTagging: replace the whole tag set with `tags` (array of {"Key", "Value"}).
 * GF_ENOTFOUND. */
int gf_s3_put_bucket_tagging(struct gf_aws_client *client, const char *bucket,
                             const json_t *tags);
/* GetBucketTagging. out: array of {"Key", "Value"}; [] when the bucket has none (NoSuchTagSet).
 * GF_ENOTFOUND for the bucket. */
int gf_s3_get_bucket_tagging(json_t **out, struct gf_aws_client *client, const char *bucket);
/* DeleteBucketTagging. GF_ENOTFOUND. */
int gf_s3_delete_bucket_tagging(struct gf_aws_client *client, const char *bucket);

/* ---- objects ---------------------------------------------------------------------------- */

/* ListObjectsV2 with `prefix` (NULL: all), every page. out: array of {"Key", "Size",
 * "LastModified", "ETag", "StorageClass"}. GF_ENOTFOUND. */
int gf_s3_list_objects(json_t **out, struct gf_aws_client *client, const char *bucket,
                       const char *prefix);
/* Whether the bucket holds any object: one ListObjectsV2 page of MaxKeys 1, read through its
 * KeyCount. GF_ENOTFOUND. */
int gf_s3_bucket_is_empty(bool *empty_out, struct gf_aws_client *client, const char *bucket);

#endif
