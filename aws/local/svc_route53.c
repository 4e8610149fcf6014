/* SPDX-License-Identifier: Apache-2.0 */
/* svc_route53.c: local-aws's route53 (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_route53_has_record(bool *found_out, struct gf_local_ctx *ctx, const char *name,
                                const char *type, const char *value)
{
    (void)ctx;
    (void)name;
    (void)type;
    (void)value;
    *found_out = false;
    return 0;
}

int gf_local_route53_seed(struct gf_local_ctx *ctx, const char *domain, const char *vpc_id)
{
    (void)ctx;
    (void)domain;
    (void)vpc_id;
    return 0;
}

static const struct gf_local_op s_route53_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_route53 = {&gf_aws_route53, s_route53_ops};
