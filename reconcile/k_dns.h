/* SPDX-License-Identifier: Apache-2.0 */
/* k_dns.h: what the load-balancer kinds share about Route 53 (reconcile/k_dns.c): the stack's
 * hosted zone, found once and kept in the model (route53.zone_id) as configuration as state. */
#ifndef GF_RECONCILE_K_DNS_H
#define GF_RECONCILE_K_DNS_H

#include <stdbool.h>

#include "reconcile/resource.h"

/* The hosted zone of the stack's `domain`: route53.zone_id when the model has it, else the zone
 * of the wanted privacy whose name is the longest suffix of the domain (FargateStack tries only
 * the last two labels, §5.5 / §15.28), written into route53.zone_id with gf_rc_state_set.
 * zone_id_out: the bare zone id ("Z0123..."), owned by the caller (gf_free). Returns 0;
 * GF_EINVALID when no zone fits (the error says which domain and privacy, key route53.zone_id);
 * GF_ECONFLICT when several zones of that name and privacy exist; or the call's error. Blocks. */
int gf_rc_dns_zone(char **zone_id_out, struct gf_rc_io *io, bool private_zone);

#endif
