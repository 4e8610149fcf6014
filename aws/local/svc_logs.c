/* SPDX-License-Identifier: Apache-2.0 */
/* svc_logs.c: local-aws's logs (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_logs_put(struct gf_local_ctx *ctx, const char *group, const char *stream,
                      const char *message)
{
    (void)ctx;
    (void)group;
    (void)stream;
    (void)message;
    return GF_ENOTFOUND;
}

static const struct gf_local_op s_logs_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_logs = {&gf_aws_logs, s_logs_ops};
