/* SPDX-License-Identifier: Apache-2.0 */
/* svc_efs.c: local-aws's efs (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

static const struct gf_local_op s_efs_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_efs = {&gf_aws_efs, s_efs_ops};
