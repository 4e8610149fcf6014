/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ssm.c: local-aws's ssm (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_ssm_value(char **value_out, struct gf_local_ctx *ctx, const char *ref)
{
    (void)ctx;
    (void)ref;
    *value_out = NULL;
    return GF_ENOTFOUND;
}

static const struct gf_local_op s_ssm_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_ssm = {&gf_aws_ssm, s_ssm_ops};
