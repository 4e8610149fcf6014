/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sts.c: STS over the call layer: GetCallerIdentity for `whoami`, and AssumeRole /
 * AssumeRoleWithWebIdentity for the credentials chain's role and web identity sources
 * (reference/aws-protocols.md §5; the web identity call is unsigned, §3). */
#define _DEFAULT_SOURCE
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/svc_sts.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

void gf_sts_identity_release(struct gf_sts_identity *id)
{
    gf_free(id->account);
    gf_free(id->arn);
    gf_free(id->user_id);
    memset(id, 0, sizeof(*id));
}

static int dup_member(char **out, const json_t *obj, const char *key, bool required)
{
    const char *v = json_string_value(json_object_get(obj, key));

    if (!v && !required)
        return 0;
    if (!v)
        return gf_error_set(GF_ERROR, "sts:GetCallerIdentity reply has no '%s'", key);
    *out = gf_strdup(v);
    return *out ? 0 : gf_error_oom();
}

int gf_sts_get_caller_identity(struct gf_sts_identity *out, struct gf_aws_client *client)
{
    json_t *res = NULL;
    int rc;

    rc = gf_aws_call(&res, client, &gf_aws_sts, "GetCallerIdentity", NULL);
    if (rc < 0)
        goto out;
    rc = dup_member(&out->account, res, "Account", true);
    if (rc == 0)
        rc = dup_member(&out->arn, res, "Arn", true);
    if (rc == 0)
        rc = dup_member(&out->user_id, res, "UserId", false);
out:
    json_decref(res);
    return rc;
}

/* "arn:aws:sts::123456789012:assumed-role/r/s" -> "123456789012" (owned), NULL if none. */
static char *arn_account(const char *arn)
{
    const char *p = arn;
    const char *end;
    int i;

    for (i = 0; p && i < 4; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    end = strchr(p, ':');
    if (!end || end == p)
        return NULL;
    return gf_strndup(p, (size_t)(end - p));
}

static int expiration_ms(int64_t *out, const json_t *v, const char *op)
{
    *out = 0;
    if (json_is_number(v)) {
        *out = (int64_t)(json_number_value(v) * 1000.0);
        return 0;
    }
    if (json_is_string(v) && gf_time_parse_iso8601(out, json_string_value(v)) == 0)
        return 0;
    return gf_error_set(GF_ERROR, "sts:%s reply has no valid Credentials.Expiration", op);
}

/* Wipe the secret strings of a decoded Credentials object before it is freed. */
static void wipe_credentials(json_t *creds)
{
    static const char *const keys[] = {"SecretAccessKey", "SessionToken"};
    size_t i;

    for (i = 0; i < 2; i++) {
        json_t *v = json_object_get(creds, keys[i]);

        if (json_is_string(v))
            explicit_bzero((char *)(uintptr_t)json_string_value(v), json_string_length(v));
    }
}

/* Fill out from an AssumeRole* result. */
static int creds_from_result(struct gf_creds *out, const json_t *res, const char *op,
                             const char *source)
{
    const json_t *c = json_object_get(res, "Credentials");
    const char *akid = json_string_value(json_object_get(c, "AccessKeyId"));
    const char *secret = json_string_value(json_object_get(c, "SecretAccessKey"));
    const char *token = json_string_value(json_object_get(c, "SessionToken"));
    const char *arn = json_string_value(
        json_object_get(json_object_get(res, "AssumedRoleUser"), "Arn"));
    char *account = NULL;
    int64_t exp_ms;
    int rc;

    if (!akid || !secret || !token)
        return gf_error_set(GF_ERROR, "sts:%s reply has no Credentials", op);
    rc = expiration_ms(&exp_ms, json_object_get(c, "Expiration"), op);
    if (rc < 0)
        return rc;
    if (arn) {
        account = arn_account(arn);
        if (!account)
            account = gf_strdup("");
        if (!account)
            return gf_error_oom();
    }
    rc = gf_creds_set(out, akid, gf_slice_from(secret), gf_slice_from(token), exp_ms,
                      account && account[0] ? account : NULL, source);
    gf_free(account);
    return rc;
}

static int role_call(struct gf_creds *out, struct gf_aws_client *client, const char *op,
                     json_t *input, const struct gf_aws_call_opts *opts, const char *source)
{
    json_t *res = NULL;
    int rc;

    if (!input)
        return gf_error_oom();
    rc = gf_aws_call_with(&res, client, &gf_aws_sts, op, input, opts);
    if (rc == 0)
        rc = creds_from_result(out, res, op, source);
    if (res)
        wipe_credentials(json_object_get(res, "Credentials"));
    json_decref(res);
    return rc;
}

int gf_sts_assume_role(struct gf_creds *out, struct gf_aws_client *client,
                       const struct gf_creds_assume_role_req *req)
{
    struct gf_aws_call_opts opts = GF_AWS_CALL_OPTS_INIT;
    struct gf_buf source = GF_BUF_INIT;
    json_t *input = NULL;
    int rc;

    opts.creds = req->source;
    opts.region = req->region;
    opts.secret_response = true;
    input = json_pack("{s:s,s:s}", "RoleArn", req->role_arn ? req->role_arn : "",
                      "RoleSessionName", req->role_session_name ? req->role_session_name : "");
    if (input && req->external_id)
        json_object_set_new(input, "ExternalId", json_string(req->external_id));
    if (input && req->duration_seconds > 0)
        json_object_set_new(input, "DurationSeconds", json_integer(req->duration_seconds));
    gf_buf_printf(&source, "assume-role %s", req->role_arn ? req->role_arn : "");
    if (gf_buf_failed(&source)) {
        rc = gf_error_oom();
        goto out;
    }
    rc = role_call(out, client, "AssumeRole", input, &opts, source.ptr);
out:
    json_decref(input);
    gf_buf_release(&source);
    return rc;
}

int gf_sts_assume_role_with_web_identity(struct gf_creds *out, struct gf_aws_client *client,
                                         const struct gf_creds_web_identity_req *req)
{
    struct gf_aws_call_opts opts = GF_AWS_CALL_OPTS_INIT;
    json_t *input = NULL;
    char *token = NULL;
    int rc;

    opts.unsigned_request = true;
    opts.region = req->region;
    opts.secret_response = true;
    token = gf_slice_dup(req->token);
    if (!token)
        return gf_error_oom();
    input = json_pack("{s:s,s:s,s:s}", "RoleArn", req->role_arn ? req->role_arn : "",
                      "RoleSessionName", req->role_session_name ? req->role_session_name : "",
                      "WebIdentityToken", token);
    if (input && req->duration_seconds > 0)
        json_object_set_new(input, "DurationSeconds", json_integer(req->duration_seconds));
    rc = role_call(out, client, "AssumeRoleWithWebIdentity", input, &opts, "web-identity");
    if (input)
        explicit_bzero((char *)(uintptr_t)json_string_value(json_object_get(input,
                                                                            "WebIdentityToken")),
                       req->token.len);
    explicit_bzero(token, req->token.len);
    gf_free(token);
    json_decref(input);
    return rc;
}

static int sts_assume_role(struct gf_creds *out, const struct gf_creds_assume_role_req *req,
                           void *payload)
{
    return gf_sts_assume_role(out, payload, req);
}

static int sts_web_identity(struct gf_creds *out, const struct gf_creds_web_identity_req *req,
                            void *payload)
{
    return gf_sts_assume_role_with_web_identity(out, payload, req);
}

void gf_sts_creds_sts(struct gf_creds_sts *out, struct gf_aws_client *client)
{
    out->assume_role = sts_assume_role;
    out->assume_role_with_web_identity = sts_web_identity;
    out->payload = client;
}
