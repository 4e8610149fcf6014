/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecr.c: local-aws's ecr (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_ecr_find_image(char digest_out[80], bool *is_ecr_out, struct gf_local_ctx *ctx,
                            const char *image)
{
    (void)ctx;
    digest_out[0] = '\0';
    *is_ecr_out = strstr(image, ".dkr.ecr.") != NULL;
    return GF_ENOTFOUND;
}

int gf_local_ecr_seed_image(struct gf_local_ctx *ctx, const char *name_tag)
{
    (void)ctx;
    (void)name_tag;
    return 0;
}

static const struct gf_local_op s_ecr_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_ecr = {&gf_aws_ecr, s_ecr_ops};
