/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sqs.c: local-aws's sqs (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

static const struct gf_local_op s_sqs_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_sqs = {&gf_aws_sqs, s_sqs_ops};
