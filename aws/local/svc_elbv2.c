/* SPDX-License-Identifier: Apache-2.0 */
/* svc_elbv2.c: local-aws's elbv2 (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_elbv2_target_group(int64_t *port_out, struct gf_local_ctx *ctx, const char *tg_arn)
{
    (void)ctx;
    (void)tg_arn;
    *port_out = 0;
    return GF_ENOTFOUND;
}

int gf_local_elbv2_register(struct gf_local_ctx *ctx, const char *tg_arn, const json_t *targets,
                            bool deregister)
{
    (void)ctx;
    (void)tg_arn;
    (void)targets;
    (void)deregister;
    return GF_ENOTFOUND;
}

int gf_local_elbv2_healthy(bool *healthy_out, struct gf_local_ctx *ctx, const char *tg_arn,
                           const char *ip)
{
    (void)ctx;
    (void)tg_arn;
    (void)ip;
    *healthy_out = false;
    return GF_ENOTFOUND;
}

static const struct gf_local_op s_elbv2_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_elbv2 = {&gf_aws_elbv2, s_elbv2_ops};
