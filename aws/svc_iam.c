/* SPDX-License-Identifier: Apache-2.0 */
/* svc_iam.c: IAM roles over the call layer (query protocol, reference/aws-protocols.md §7.2):
 * roles, inline and attached policies, tags. Policy documents come back URL-encoded and are
 * decoded here, once, so callers only ever see JSON text. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/codec.h"
#include "aws/service.h"
#include "aws/svc_iam.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/uri.h"
#include "common/banned.h"

int gf_iam_url_decode(char **out, const char *text)
{
    struct gf_buf b = GF_BUF_INIT;
    const char *p = text;
    int rc;

    *out = NULL;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    /* already JSON text (moto and older SDK paths answer it plain) */
    if (*p == '{') {
        *out = gf_strdup(text);
        return *out ? 0 : gf_error_oom();
    }
    rc = gf_uri_decode(&b, gf_slice_from(text), GF_URI_STRICT);
    if (rc < 0) {
        gf_buf_release(&b);
        return rc;
    }
    *out = gf_buf_detach(&b);
    return *out ? 0 : gf_error_oom();
}

/* Replace obj[key] (a URL-encoded string) by its decoded text; absent keys are left alone. */
static int decode_member(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    char *text = NULL;
    int rc;

    if (!v)
        return 0;
    rc = gf_iam_url_decode(&text, v);
    if (rc < 0)
        return rc;
    rc = json_object_set_new(obj, key, json_string(text)) < 0 ? gf_error_oom() : 0;
    gf_free(text);
    return rc;
}

/* Name the thing a NoSuchEntity was about, keeping the AWS fields of the error. */
static int not_found(int rc, const char *what, const char *name)
{
    struct gf_error e;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&e, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "%s '%s' does not exist", what, name);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return GF_ENOTFOUND;
}

/* Call `op`; take `key` from the reply into *out when out is given. input is stolen. */
static int call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                const char *key)
{
    json_t *res = NULL;
    json_t *v;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_iam, op, input);
    json_decref(input);
    if (rc < 0)
        return rc;
    if (out) {
        v = json_object_get(res, key);
        if (!v) {
            json_decref(res);
            return gf_error_set(GF_ERROR, "iam:%s reply has no '%s'", op, key);
        }
        *out = json_incref(v);
    }
    json_decref(res);
    return 0;
}

static int set_opt(json_t *in, const char *key, const char *v)
{
    if (!in || !v)
        return 0;
    return json_object_set_new(in, key, json_string(v)) < 0 ? gf_error_oom() : 0;
}

int gf_iam_create_role(json_t **out, struct gf_aws_client *client,
                       const struct gf_iam_role_spec *spec)
{
    json_t *in = NULL;
    json_t *role = NULL;
    int rc;

    *out = NULL;
    in = json_pack("{s:s,s:s}", "RoleName", spec->name ? spec->name : "",
                   "AssumeRolePolicyDocument",
                   spec->assume_role_policy ? spec->assume_role_policy : "");
    rc = set_opt(in, "Path", spec->path);
    if (rc == 0)
        rc = set_opt(in, "Description", spec->description);
    if (rc == 0 && in && spec->max_session_duration_s > 0)
        rc = json_object_set_new(in, "MaxSessionDuration",
                                 json_integer(spec->max_session_duration_s)) < 0
                 ? gf_error_oom()
                 : 0;
    if (rc == 0 && in && spec->tags && json_array_size(spec->tags) > 0)
        rc = json_object_set(in, "Tags", (json_t *)(uintptr_t)spec->tags) < 0 ? gf_error_oom()
                                                                               : 0;
    if (rc < 0) {
        json_decref(in);
        return rc;
    }
    rc = call(&role, client, "CreateRole", in, "Role");
    if (rc == 0)
        rc = decode_member(role, "AssumeRolePolicyDocument");
    if (rc < 0) {
        json_decref(role);
        return rc;
    }
    *out = role;
    return 0;
}

int gf_iam_get_role(json_t **out, struct gf_aws_client *client, const char *role_name)
{
    json_t *role = NULL;
    int rc;

    *out = NULL;
    rc = call(&role, client, "GetRole", json_pack("{s:s}", "RoleName", role_name), "Role");
    if (rc < 0)
        return not_found(rc, "role", role_name);
    rc = decode_member(role, "AssumeRolePolicyDocument");
    if (rc < 0) {
        json_decref(role);
        return rc;
    }
    *out = role;
    return 0;
}

int gf_iam_delete_role(struct gf_aws_client *client, const char *role_name)
{
    int rc = call(NULL, client, "DeleteRole", json_pack("{s:s}", "RoleName", role_name), NULL);

    return not_found(rc, "role", role_name);
}

int gf_iam_update_assume_role_policy(struct gf_aws_client *client, const char *role_name,
                                     const char *policy)
{
    int rc = call(NULL, client, "UpdateAssumeRolePolicy",
                  json_pack("{s:s,s:s}", "RoleName", role_name, "PolicyDocument", policy), NULL);

    return not_found(rc, "role", role_name);
}

int gf_iam_list_roles(json_t **out, struct gf_aws_client *client, const char *path_prefix)
{
    json_t *in = json_object();
    json_t *roles = NULL;
    json_t *r;
    size_t i;
    int rc;

    *out = NULL;
    rc = in ? set_opt(in, "PathPrefix", path_prefix) : gf_error_oom();
    if (rc == 0)
        rc = gf_aws_paginate(&roles, client, &gf_aws_iam, "ListRoles", in, 0);
    json_decref(in);
    if (rc < 0)
        return rc;
    json_array_foreach(roles, i, r) {
        rc = decode_member(r, "AssumeRolePolicyDocument");
        if (rc < 0) {
            json_decref(roles);
            return rc;
        }
    }
    *out = roles;
    return 0;
}

int gf_iam_put_role_policy(struct gf_aws_client *client, const char *role_name,
                           const char *policy_name, const char *policy)
{
    int rc = call(NULL, client, "PutRolePolicy",
                  json_pack("{s:s,s:s,s:s}", "RoleName", role_name, "PolicyName", policy_name,
                            "PolicyDocument", policy),
                  NULL);

    return not_found(rc, "role", role_name);
}

int gf_iam_get_role_policy(json_t **out, struct gf_aws_client *client, const char *role_name,
                           const char *policy_name)
{
    json_t *res = NULL;
    char *text = NULL;
    int rc;

    *out = NULL;
    rc = call(&res, client, "GetRolePolicy",
              json_pack("{s:s,s:s}", "RoleName", role_name, "PolicyName", policy_name),
              "PolicyDocument");
    if (rc < 0)
        return not_found(rc, "role policy", policy_name);
    rc = gf_iam_url_decode(&text, json_string_value(res) ? json_string_value(res) : "");
    json_decref(res);
    if (rc < 0)
        return rc;
    *out = json_string(text);
    gf_free(text);
    return *out ? 0 : gf_error_oom();
}

int gf_iam_delete_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_name)
{
    int rc = call(NULL, client, "DeleteRolePolicy",
                  json_pack("{s:s,s:s}", "RoleName", role_name, "PolicyName", policy_name), NULL);

    return not_found(rc, "role policy", policy_name);
}

/* A paginated list of one role's things. */
static int list_of_role(json_t **out, struct gf_aws_client *client, const char *op,
                        const char *role_name)
{
    json_t *in = json_pack("{s:s}", "RoleName", role_name);
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_iam, op, in, 0);
    json_decref(in);
    return not_found(rc, "role", role_name);
}

int gf_iam_list_role_policies(json_t **out, struct gf_aws_client *client, const char *role_name)
{
    return list_of_role(out, client, "ListRolePolicies", role_name);
}

int gf_iam_attach_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_arn)
{
    int rc = call(NULL, client, "AttachRolePolicy",
                  json_pack("{s:s,s:s}", "RoleName", role_name, "PolicyArn", policy_arn), NULL);

    return not_found(rc, "role or policy", role_name);
}

int gf_iam_detach_role_policy(struct gf_aws_client *client, const char *role_name,
                              const char *policy_arn)
{
    int rc = call(NULL, client, "DetachRolePolicy",
                  json_pack("{s:s,s:s}", "RoleName", role_name, "PolicyArn", policy_arn), NULL);

    return not_found(rc, "attached policy", policy_arn);
}

int gf_iam_list_attached_role_policies(json_t **out, struct gf_aws_client *client,
                                       const char *role_name)
{
    return list_of_role(out, client, "ListAttachedRolePolicies", role_name);
}

int gf_iam_tag_role(struct gf_aws_client *client, const char *role_name, const json_t *tags)
{
    int rc = call(NULL, client, "TagRole",
                  json_pack("{s:s,s:O}", "RoleName", role_name, "Tags", tags), NULL);

    return not_found(rc, "role", role_name);
}

int gf_iam_untag_role(struct gf_aws_client *client, const char *role_name, const json_t *keys)
{
    int rc = call(NULL, client, "UntagRole",
                  json_pack("{s:s,s:O}", "RoleName", role_name, "TagKeys", keys), NULL);

    return not_found(rc, "role", role_name);
}

int gf_iam_list_role_tags(json_t **out, struct gf_aws_client *client, const char *role_name)
{
    return list_of_role(out, client, "ListRoleTags", role_name);
}
