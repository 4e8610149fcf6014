/* SPDX-License-Identifier: Apache-2.0 */
/* kinds.c: the resource kinds a stack implies, one line each (resource.h). The order is the
 * plan's display order; the graph's edges come from each kind's `deps`. */
#include <stddef.h>

#include "reconcile/resource.h"
#include "common/banned.h"

const struct gf_rc_kind *const gf_rc_kinds[] = {
    &gf_rc_kind_cluster,
    &gf_rc_kind_log_group,
    &gf_rc_kind_dlq,
    &gf_rc_kind_queue,
    &gf_rc_kind_bucket,
    &gf_rc_kind_security_group,
    &gf_rc_kind_efs,
    &gf_rc_kind_role,
    &gf_rc_kind_role_policy,
    &gf_rc_kind_certificate,
    &gf_rc_kind_alb_security_group,
    &gf_rc_kind_load_balancer,
    &gf_rc_kind_sg_ingress,
    &gf_rc_kind_target_group,
    &gf_rc_kind_listener,
    &gf_rc_kind_listener_rule,
    &gf_rc_kind_dns_record,
    &gf_rc_kind_task_definition,
    &gf_rc_kind_service,
    &gf_rc_kind_schedule,
    NULL,
};
