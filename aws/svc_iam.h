/* SPDX-License-Identifier: Apache-2.0 */
/* svc_iam.h: AWS IAM roles through the call layer (aws/client.h, query protocol, global service,
 * reference/aws-protocols.md §2.2 and §7.2): roles, their inline policies, attached managed
 * policies and tags. Thin: one function per operation, lists fully paginated, no business logic
 * and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure; they
 *   are the API's object of interest as gf_aws_response_decode gives it (element names as keys:
 *   "RoleName", "Arn", "RoleId", "Path", "CreateDate" (ISO 8601 text), "Tags").
 * - Policy documents go in and come out as JSON text. IAM answers them URL-encoded (RFC 3986);
 *   every read here decodes them in place (Role.AssumeRolePolicyDocument, PolicyDocument), as
 *   the AWS CLI does.
 * - json_t and string inputs are borrowed for the call. An optional input is NULL (or 0) when
 *   absent, and is then not sent.
 * - Tags (`const json_t *tags`) are IAM's own shape: an array of {"Key": k, "Value": v}.
 * - Reads of one thing normalise NoSuchEntity to GF_ENOTFOUND with a gf_error naming the role or
 *   policy; creates answered EntityAlreadyExists return GF_ECONFLICT; DeleteRole answered
 *   DeleteConflict (policies remain) returns GF_ECONFLICT. Other failures are gf_aws_call's
 *   codes (MalformedPolicyDocument, ValidationError and LimitExceeded are GF_ERROR / GF_EINVALID
 *   as aws/awserror.h maps them, with the gf_error's aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_IAM_H
#define GF_AWS_SVC_IAM_H

#include <jansson.h>

#include "aws/client.h"

/* What CreateRole sends. name and assume_role_policy are required; the rest optional. */
struct gf_iam_role_spec {
    const char *name;               /* 1-64 of [A-Za-z0-9+=,.@_-] */
    const char *path;               /* "/" (default) or "/a/b/" */
    const char *assume_role_policy; /* the trust policy, JSON text */
    const char *description;        /* up to 1000 characters */
    int max_session_duration_s;     /* 3600-43200; 0: AWS's default 3600 */
    const json_t *tags;             /* array of {"Key", "Value"} or NULL */
};

#define GF_IAM_ROLE_SPEC_INIT                                                                      \
    {                                                                                              \
        NULL, NULL, NULL, NULL, 0, NULL                                                            \
    }

/* ---- roles ------------------------------------------------------------------------------ */

/* CreateRole. out: the Role object (RoleName, RoleId "AROA...", Arn, Path, CreateDate,
 * AssumeRolePolicyDocument decoded when present). GF_ECONFLICT when the name is taken. */
int gf_iam_create_role(json_t **out, struct gf_aws_client *client,
                       const struct gf_iam_role_spec *spec);
/* GetRole. out: the Role object with AssumeRolePolicyDocument decoded to JSON text, Description,
 * MaxSessionDuration, Tags. GF_ENOTFOUND when the role does not exist. */
int gf_iam_get_role(json_t **out, struct gf_aws_client *client, const char *role_name);
/* DeleteRole. GF_ENOTFOUND; GF_ECONFLICT while inline or attached policies remain. */
int gf_iam_delete_role(struct gf_aws_client *client, const char *role_name);
/* UpdateAssumeRolePolicy: replace the trust policy (JSON text). GF_ENOTFOUND. */
int gf_iam_update_assume_role_policy(struct gf_aws_client *client, const char *role_name,
                                     const char *policy);
/* Every role whose path starts with path_prefix (NULL: "/", all). out: array of Role objects
 * (documents decoded). */
int gf_iam_list_roles(json_t **out, struct gf_aws_client *client, const char *path_prefix);

/* ---- inline policies -------------------------------------------------------------------- */

/* PutRolePolicy (create or replace). GF_ENOTFOUND when the role does not exist. */
int gf_iam_put_role_policy(struct gf_aws_client *client, const char *role_name,
                           const char *policy_name, const char *policy);
/* GetRolePolicy. out: the policy document as a JSON string value (decoded text).
 * GF_ENOTFOUND when the role or the policy does not exist. */
int gf_iam_get_role_policy(json_t **out, struct gf_aws_client *client, const char *role_name,
                           const char *policy_name);
/* DeleteRolePolicy. GF_ENOTFOUND when the role or the policy does not exist. */
int gf_iam_delete_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_name);
/* ListRolePolicies. out: array of policy names (strings). GF_ENOTFOUND for the role. */
int gf_iam_list_role_policies(json_t **out, struct gf_aws_client *client, const char *role_name);

/* ---- attached managed policies ---------------------------------------------------------- */

/* AttachRolePolicy / DetachRolePolicy with a managed policy ARN
 * ("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"). GF_ENOTFOUND when
 * the role or the policy does not exist (detach: or is not attached). */
int gf_iam_attach_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_arn);
int gf_iam_detach_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_arn);
/* ListAttachedRolePolicies. out: array of {"PolicyName", "PolicyArn"}. GF_ENOTFOUND. */
int gf_iam_list_attached_role_policies(json_t **out, struct gf_aws_client *client,
                                       const char *role_name);

/* ---- tags ------------------------------------------------------------------------------- */

/* TagRole (adds or overwrites keys) with `tags` (array of {"Key", "Value"}). GF_ENOTFOUND. */
int gf_iam_tag_role(struct gf_aws_client *client, const char *role_name, const json_t *tags);
/* UntagRole with `keys` (array of key strings). GF_ENOTFOUND. */
int gf_iam_untag_role(struct gf_aws_client *client, const char *role_name, const json_t *keys);
/* ListRoleTags. out: array of {"Key", "Value"}. GF_ENOTFOUND. */
int gf_iam_list_role_tags(json_t **out, struct gf_aws_client *client, const char *role_name);

/* ---- helpers ---------------------------------------------------------------------------- */

/* Decode an RFC 3986 percent-encoded document ("%7B%22Version%22...") into *out (owned,
 * gf_free). Text that is not percent-encoded comes back unchanged ('+' stays '+'). Returns 0,
 * GF_EINVALID for a truncated or non-hex escape, GF_ENOMEM. Never blocks. */
int gf_iam_url_decode(char **out, const char *text);

#endif
