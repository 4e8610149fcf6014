/* SPDX-License-Identifier: Apache-2.0 */
/* svc_iam.c: local-aws's iam (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

static const struct gf_local_op s_iam_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_iam = {&gf_aws_iam, s_iam_ops};
