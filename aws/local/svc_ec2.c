/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ec2.c: local-aws's ec2 (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_ec2_seed(char vpc_out[32], struct gf_local_ctx *ctx)
{
    (void)ctx;
    vpc_out[0] = '\0';
    return 0;
}

int gf_local_ec2_exists(struct gf_local_ctx *ctx, const char *id)
{
    (void)ctx;
    (void)id;
    return GF_ENOTFOUND;
}

int gf_local_ec2_subnet(char vpc_out[32], char az_out[32], struct gf_local_ctx *ctx,
                        const char *subnet_id)
{
    (void)ctx;
    (void)subnet_id;
    vpc_out[0] = '\0';
    az_out[0] = '\0';
    return GF_ENOTFOUND;
}

static const struct gf_local_op s_ec2_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_ec2 = {&gf_aws_ec2, s_ec2_ops};
