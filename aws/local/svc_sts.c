/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sts.c: local-aws's STS (query protocol, reference/aws-protocols.md §7.1): who the verified
 * caller is. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

/* GetCallerIdentity: the configured account; the caller is the IAM user named by its key. */
static int sts_get_caller_identity(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *o = NULL;
    int rc = 0;

    (void)input;
    gf_buf_printf(&arn, "arn:aws:iam::%s:user/%s", ctx->account, ctx->access_key_id);
    o = json_pack("{s:s, s:s, s:s}", "UserId", ctx->access_key_id, "Account", ctx->account, "Arn",
                  arn.ptr);
    if (gf_buf_failed(&arn) || !o) {
        json_decref(o);
        rc = gf_error_oom();
    } else {
        *out = o;
    }
    gf_buf_release(&arn);
    return rc;
}

static const struct gf_local_op s_sts_ops[] = {
    {"GetCallerIdentity", sts_get_caller_identity},
    {NULL, NULL},
};

const struct gf_local_service gf_local_sts = {&gf_aws_sts, s_sts_ops};
