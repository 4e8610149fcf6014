/* SPDX-License-Identifier: Apache-2.0 */
/* svc_efs.c: Amazon EFS over the call layer (rest-json, reference/aws-protocols.md §2.6, §7.13):
 * file systems, mount targets and tags for a stack's volumes, and the preflight's check that a
 * file system exists and has a mount target in the stack's VPC. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_efs.h"
#include "common/error.h"
#include "common/banned.h"

/* Re-word the call's GF_ENOTFOUND so it names the thing, keeping the AWS fields. */
static int not_found(const char *what, const char *id)
{
    struct gf_error saved;

    gf_error_copy(&saved, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "%s '%s' does not exist", what, id);
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return GF_ENOTFOUND;
}

/* Call `op` with `input` (stolen; NULL means out of memory). */
static int call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_efs, op, input);
    json_decref(input);
    if (rc == 0 && out)
        *out = res;
    else
        json_decref(res);
    return rc;
}

int gf_efs_create_file_system(json_t **out, struct gf_aws_client *client,
                              const char *creation_token, bool encrypted, const json_t *tags)
{
    json_t *input = json_pack("{s:s,s:b}", "CreationToken", creation_token ? creation_token : "",
                              "Encrypted", encrypted);

    if (input && tags && json_object_set(input, "Tags", (json_t *)tags) < 0) {
        json_decref(input);
        input = NULL;
    }
    return call(out, client, "CreateFileSystem", input);
}

/* The one FileSystems entry of a DescribeFileSystems with `key` = `value`. */
static int describe_one(json_t **out, struct gf_aws_client *client, const char *key,
                        const char *value, const char *what)
{
    json_t *res = NULL;
    const json_t *first;
    int rc;

    *out = NULL;
    rc = call(&res, client, "DescribeFileSystems", json_pack("{s:s}", key, value ? value : ""));
    if (rc == GF_ENOTFOUND)
        return not_found(what, value ? value : "");
    if (rc < 0)
        return rc;
    first = json_array_get(json_object_get(res, "FileSystems"), 0);
    if (first)
        *out = json_incref((json_t *)first);
    else
        rc = gf_error_set(GF_ENOTFOUND, "%s '%s' does not exist", what, value ? value : "");
    json_decref(res);
    return rc;
}

int gf_efs_describe_file_system(json_t **out, struct gf_aws_client *client, const char *fs_id)
{
    return describe_one(out, client, "FileSystemId", fs_id, "file system");
}

int gf_efs_find_by_creation_token(json_t **out, struct gf_aws_client *client,
                                  const char *creation_token)
{
    return describe_one(out, client, "CreationToken", creation_token,
                        "file system with creation token");
}

int gf_efs_describe_file_systems(json_t **out, struct gf_aws_client *client)
{
    return gf_aws_paginate(out, client, &gf_aws_efs, "DescribeFileSystems", NULL, 0);
}

int gf_efs_delete_file_system(struct gf_aws_client *client, const char *fs_id)
{
    int rc = call(NULL, client, "DeleteFileSystem",
                  json_pack("{s:s}", "FileSystemId", fs_id ? fs_id : ""));

    return rc == GF_ENOTFOUND ? not_found("file system", fs_id ? fs_id : "") : rc;
}

int gf_efs_create_mount_target(json_t **out, struct gf_aws_client *client, const char *fs_id,
                               const char *subnet_id, const json_t *security_groups)
{
    json_t *input = json_pack("{s:s,s:s}", "FileSystemId", fs_id ? fs_id : "", "SubnetId",
                              subnet_id ? subnet_id : "");

    if (input && security_groups &&
        json_object_set(input, "SecurityGroups", (json_t *)security_groups) < 0) {
        json_decref(input);
        input = NULL;
    }
    return call(out, client, "CreateMountTarget", input);
}

int gf_efs_describe_mount_targets(json_t **out, struct gf_aws_client *client, const char *fs_id)
{
    json_t *input = json_pack("{s:s}", "FileSystemId", fs_id ? fs_id : "");
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_efs, "DescribeMountTargets", input, 0);
    json_decref(input);
    return rc == GF_ENOTFOUND ? not_found("file system", fs_id ? fs_id : "") : rc;
}

int gf_efs_describe_mount_target_security_groups(json_t **out, struct gf_aws_client *client,
                                                 const char *mount_target_id)
{
    const char *id = mount_target_id ? mount_target_id : "";
    json_t *res = NULL;
    int rc = call(&res, client, "DescribeMountTargetSecurityGroups",
                  json_pack("{s:s}", "MountTargetId", id));

    *out = NULL;
    if (rc == GF_ENOTFOUND)
        return not_found("mount target", id);
    if (rc == 0) {
        json_t *sgs = json_object_get(res, "SecurityGroups");

        *out = json_is_array(sgs) ? json_incref(sgs) : json_array();
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(res);
    return rc;
}

int gf_efs_delete_mount_target(struct gf_aws_client *client, const char *mount_target_id)
{
    const char *id = mount_target_id ? mount_target_id : "";
    int rc = call(NULL, client, "DeleteMountTarget", json_pack("{s:s}", "MountTargetId", id));

    return rc == GF_ENOTFOUND ? not_found("mount target", id) : rc;
}

int gf_efs_tag_resource(struct gf_aws_client *client, const char *resource_id,
                        const json_t *tags)
{
    const char *id = resource_id ? resource_id : "";
    int rc = call(NULL, client, "TagResource",
                  json_pack("{s:s,s:O}", "ResourceId", id, "Tags", tags ? tags : json_null()));

    return rc == GF_ENOTFOUND ? not_found("file system", id) : rc;
}

int gf_efs_untag_resource(struct gf_aws_client *client, const char *resource_id,
                          const json_t *tag_keys)
{
    const char *id = resource_id ? resource_id : "";
    int rc = call(NULL, client, "UntagResource",
                  json_pack("{s:s,s:O}", "ResourceId", id, "TagKeys",
                            tag_keys ? tag_keys : json_null()));

    return rc == GF_ENOTFOUND ? not_found("file system", id) : rc;
}

int gf_efs_list_tags(json_t **out, struct gf_aws_client *client, const char *resource_id)
{
    const char *id = resource_id ? resource_id : "";
    json_t *res = NULL;
    int rc;

    *out = NULL;
    rc = call(&res, client, "ListTagsForResource", json_pack("{s:s}", "ResourceId", id));
    if (rc == GF_ENOTFOUND)
        return not_found("file system", id);
    if (rc < 0)
        return rc;
    *out = json_incref(json_object_get(res, "Tags"));
    if (!*out)
        *out = json_array();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_efs_check_vpc(bool *in_vpc_out, struct gf_aws_client *client, const char *fs_id,
                     const char *vpc_id)
{
    json_t *fs = NULL, *mts = NULL, *mt;
    size_t i;
    int rc;

    *in_vpc_out = false;
    rc = gf_efs_describe_file_system(&fs, client, fs_id);
    if (rc == 0)
        rc = gf_efs_describe_mount_targets(&mts, client, fs_id);
    json_array_foreach(mts, i, mt) {
        const char *v = json_string_value(json_object_get(mt, "VpcId"));

        if (v && vpc_id && strcmp(v, vpc_id) == 0)
            *in_vpc_out = true;
    }
    json_decref(fs);
    json_decref(mts);
    return rc;
}
