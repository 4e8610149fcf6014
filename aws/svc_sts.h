/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sts.h: AWS STS through the call layer (aws/client.h): who am I (GetCallerIdentity), and
 * the two role calls the credentials chain needs (AssumeRole, AssumeRoleWithWebIdentity, the
 * latter unsigned), plugged into struct gf_creds_sts by gf_sts_creds_sts.
 *
 * Ownership: results are caller storage; strings in them are owned (release with the struct's
 * _release). Credentials returned are secrets (struct gf_creds wipes them). */
#ifndef GF_AWS_SVC_STS_H
#define GF_AWS_SVC_STS_H

#include "aws/client.h"
#include "aws/creds.h"

struct gf_sts_identity {
    char *account; /* "123456789012" */
    char *arn;     /* "arn:aws:iam::123456789012:user/alice" */
    char *user_id; /* "AIDA..." or "AROA...:session" */
};

void gf_sts_identity_release(struct gf_sts_identity *id);

/* STS GetCallerIdentity with the client's credentials. Fills `out` (zeroed by the caller,
 * released by the caller either way). Returns 0 or gf_aws_call's error; GF_ERROR when the reply
 * lacks Account or Arn. Blocks. */
int gf_sts_get_caller_identity(struct gf_sts_identity *out, struct gf_aws_client *client);

/* STS AssumeRole signed with req->source (not the client's provider), for req->region (NULL:
 * the client's). Fills `out` (initialised) with the temporary credentials, their expiry and the
 * account of AssumedRoleUser.Arn; out->source is "assume-role ROLE". Returns 0 or the call's
 * error (GF_EAUTH when STS refuses). Blocks. */
int gf_sts_assume_role(struct gf_creds *out, struct gf_aws_client *client,
                       const struct gf_creds_assume_role_req *req);

/* STS AssumeRoleWithWebIdentity, unsigned (no Authorization, no X-Amz-Date). As above;
 * out->source is "web-identity". Blocks. */
int gf_sts_assume_role_with_web_identity(struct gf_creds *out, struct gf_aws_client *client,
                                         const struct gf_creds_web_identity_req *req);

/* Fill `out` so the credentials chain (aws/creds.h) calls the two functions above through
 * `client` (borrowed for as long as `out` is used). */
void gf_sts_creds_sts(struct gf_creds_sts *out, struct gf_aws_client *client);

#endif
