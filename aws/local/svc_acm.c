/* SPDX-License-Identifier: Apache-2.0 */
/* svc_acm.c: local-aws's acm (reference/aws-protocols.md). Being written: operations land here
 * one table entry at a time. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

static const struct gf_local_op s_acm_ops[] = {
    {NULL, NULL},
};

const struct gf_local_service gf_local_acm = {&gf_aws_acm, s_acm_ops};
