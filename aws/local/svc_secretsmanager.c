/* SPDX-License-Identifier: Apache-2.0 */
/* svc_secretsmanager.c: local-aws's secretsmanager (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_secret_value(char **value_out, struct gf_local_ctx *ctx, const char *ref)
{
    (void)ctx;
    (void)ref;
    *value_out = NULL;
    return GF_ENOTFOUND;
}

static const struct gf_local_op s_secretsmanager_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_secretsmanager = {&gf_aws_secretsmanager, s_secretsmanager_ops};
