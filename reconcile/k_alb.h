/* SPDX-License-Identifier: Apache-2.0 */
/* k_alb.h: what the load balancer kind shares with the preflight (reconcile/k_alb.c). */
#ifndef GF_RECONCILE_K_ALB_H
#define GF_RECONCILE_K_ALB_H

#include <jansson.h>

#include "state/stack.h"

/* The subnets a load balancer the stack creates is placed in (the first two public ones for an
 * internet-facing one, private ones for an internal one), as a new array; NULL on OOM. */
json_t *gf_rc_alb_subnets(const struct gf_stack *s);

#endif
