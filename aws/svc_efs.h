/* SPDX-License-Identifier: Apache-2.0 */
/* svc_efs.h: Amazon EFS through the call layer (aws/client.h, rest-json, reference/
 * aws-protocols.md §2.6 and §7.13): file systems and their mount targets for a stack's volumes,
 * their tags, and the preflight's "does this file system exist and reach this VPC".
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are owned by the caller (json_decref), NULL on failure; inputs are
 *   borrowed for the call; NULL / absent optional inputs are not sent.
 * - Tags (`const json_t *tags`) are EFS's shape: an array of {"Key": k, "Value": v}.
 * - "It does not exist" (FileSystemNotFound, MountTargetNotFound: 404) is GF_ENOTFOUND with a
 *   gf_error naming the thing; FileSystemAlreadyExists, FileSystemInUse, MountTargetConflict
 *   (409) are GF_ECONFLICT; others are gf_aws_call's mapping.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_EFS_H
#define GF_AWS_SVC_EFS_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"

/* CreateFileSystem. creation_token: the idempotency token (1-64 chars, required); encrypted;
 * tags, or NULL (a "Name" tag names it in the console). out (may be NULL): the
 * FileSystemDescription {FileSystemId, FileSystemArn, CreationToken, LifeCycleState
 * ("creating" first, then "available"), PerformanceMode, Encrypted, Tags, ...}. GF_ECONFLICT
 * when a file system with this token exists (find it with gf_efs_find_by_creation_token). */
int gf_efs_create_file_system(json_t **out, struct gf_aws_client *client,
                              const char *creation_token, bool encrypted, const json_t *tags);

/* DescribeFileSystems for one id ("fs-0123abcd"). out: its FileSystemDescription.
 * GF_ENOTFOUND. */
int gf_efs_describe_file_system(json_t **out, struct gf_aws_client *client, const char *fs_id);

/* DescribeFileSystems with CreationToken. out: its FileSystemDescription; GF_ENOTFOUND when no
 * file system has that token. */
int gf_efs_find_by_creation_token(json_t **out, struct gf_aws_client *client,
                                  const char *creation_token);

/* DescribeFileSystems, every page. out: the FileSystems array. */
int gf_efs_describe_file_systems(json_t **out, struct gf_aws_client *client);

/* DeleteFileSystem. GF_ENOTFOUND; GF_ECONFLICT (FileSystemInUse) while mount targets exist. */
int gf_efs_delete_file_system(struct gf_aws_client *client, const char *fs_id);

/* CreateMountTarget of fs_id in subnet_id with security_groups (array of "sg-..." ids, up to 5,
 * or NULL for the VPC's default group). out (may be NULL): the MountTargetDescription
 * {MountTargetId, FileSystemId, SubnetId, VpcId, AvailabilityZoneName, IpAddress,
 * LifeCycleState, ...}. GF_ENOTFOUND (file system or subnet); GF_ECONFLICT (one exists in that
 * zone: MountTargetConflict). */
int gf_efs_create_mount_target(json_t **out, struct gf_aws_client *client, const char *fs_id,
                               const char *subnet_id, const json_t *security_groups);

/* DescribeMountTargets of a file system, every page. out: the MountTargets array ([] when it
 * has none). GF_ENOTFOUND when the file system does not exist. */
int gf_efs_describe_mount_targets(json_t **out, struct gf_aws_client *client, const char *fs_id);

/* DescribeMountTargetSecurityGroups of one mount target ("fsmt-..."). out: the SecurityGroups
 * array of "sg-..." ids. GF_ENOTFOUND (no such mount target). */
int gf_efs_describe_mount_target_security_groups(json_t **out, struct gf_aws_client *client,
                                                 const char *mount_target_id);

/* DeleteMountTarget ("fsmt-..."). GF_ENOTFOUND. */
int gf_efs_delete_mount_target(struct gf_aws_client *client, const char *mount_target_id);

/* TagResource / UntagResource (tag_keys: array of key strings) / ListTagsForResource (out: the
 * Tags array; one page holds them all, EFS allows 50) of a file system id. GF_ENOTFOUND. */
int gf_efs_tag_resource(struct gf_aws_client *client, const char *resource_id,
                        const json_t *tags);
int gf_efs_untag_resource(struct gf_aws_client *client, const char *resource_id,
                          const json_t *tag_keys);
int gf_efs_list_tags(json_t **out, struct gf_aws_client *client, const char *resource_id);

/* The preflight's question: does file system fs_id exist, and does it have a mount target in
 * vpc_id? *in_vpc_out: true when some mount target's VpcId is vpc_id (false when it has none).
 * Returns 0 (exists), GF_ENOTFOUND (no such file system), or the call's error. */
int gf_efs_check_vpc(bool *in_vpc_out, struct gf_aws_client *client, const char *fs_id,
                     const char *vpc_id);

#endif
