/* SPDX-License-Identifier: Apache-2.0 */
/* svc_s3.c: local-aws's s3 (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

static const struct gf_local_op s_s3_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_s3 = {&gf_aws_s3, s_s3_ops};
