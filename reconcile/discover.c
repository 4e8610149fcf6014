/* SPDX-License-Identifier: Apache-2.0 */
/* discover.c: what the stack needs before its resources can be planned and the state does not
 * already hold (fargatestack-behaviour.md §5): the account, the VPC (the one with an internet
 * gateway; more than one is an error listing them), and its subnets classified by their route
 * tables (public: 0.0.0.0/0 to an internet gateway; private: to a NAT gateway). Everything found
 * is written into the model (configuration as state), so the next pass makes no discovery call.
 *
 * Differences from FargateStack, on purpose: subnets that use the VPC's main route table
 * implicitly are classified by the main table (FargateStack leaves them out, so a default VPC
 * never has subnets); subnets written in the file are checked against the VPC on every uncached
 * pass. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_ec2.h"
#include "aws/svc_sts.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/rc_internal.h"
#include "common/banned.h"

#define MIN_SUBNETS 2

static int discover_account(struct gf_rc *rc, struct gf_rc_worker *w)
{
    struct gf_sts_identity id = {NULL, NULL, NULL};
    int code;

    if (rc->stack->account.v && *rc->stack->account.v)
        return 0;
    code = gf_sts_get_caller_identity(&id, w->aws);
    if (code == 0)
        code = gf_rc_state_set(rc, &rc->stack->account, id.account);
    if (code == 0)
        snprintf(rc->account, sizeof(rc->account), "%s", id.account);
    gf_sts_identity_release(&id);
    return code;
}

static json_t *filter1(const char *name, const char *value)
{
    return json_pack("[{s:s, s:[s]}]", "Name", name, "Values", value);
}

/* ---- the VPC ---------------------------------------------------------------------------------- */

static bool has_available_nat(struct gf_rc_worker *w, const char *vpc)
{
    json_t *filters = filter1("vpc-id", vpc), *nats = NULL;
    size_t i;
    const json_t *n;
    bool found = false;

    if (filters && gf_ec2_describe_nat_gateways(&nats, w->aws, NULL, filters) == 0) {
        json_array_foreach(nats, i, n) {
            const char *state = json_string_value(json_object_get(n, "state"));

            found |= state && strcmp(state, "available") == 0;
        }
    }
    json_decref(filters);
    json_decref(nats);
    return found;
}

/* The VPCs with an internet gateway attached, into `candidates`. */
static int vpcs_with_igw(json_t *candidates, struct gf_rc_worker *w)
{
    json_t *igws = NULL;
    size_t i, j;
    const json_t *g, *a;
    int code = gf_ec2_describe_internet_gateways(&igws, w->aws, NULL, NULL);

    json_array_foreach(igws, i, g) {
        json_array_foreach(json_object_get(g, "attachmentSet"), j, a) {
            const char *vpc = json_string_value(json_object_get(a, "vpcId"));

            if (vpc && !gf_rc_json_has_string(candidates, vpc))
                json_array_append_new(candidates, json_string(vpc));
        }
    }
    json_decref(igws);
    return code;
}

/* With several, the ones whose private subnets can reach out (a NAT gateway) win. */
static json_t *prefer_nat(json_t *candidates, struct gf_rc_worker *w)
{
    json_t *with_nat = json_array();
    size_t i;
    const json_t *v;

    json_array_foreach(candidates, i, v) {
        if (has_available_nat(w, json_string_value(v)))
            json_array_append(with_nat, (json_t *)v);
    }
    if (json_array_size(with_nat) == 0) {
        json_decref(with_nat);
        return candidates;
    }
    json_decref(candidates);
    return with_nat;
}

static int no_single_vpc(const struct gf_rc *rc, const json_t *candidates)
{
    struct gf_buf list = GF_BUF_INIT;
    size_t i;
    const json_t *v;
    int code;

    if (json_array_size(candidates) == 0) {
        code = gf_error_set(GF_ENOTFOUND, "could not find a VPC with an internet gateway for "
                                          "Fargate tasks in %s",
                            rc->region);
        gf_error_hint("create one (an internet gateway, public subnets, a NAT gateway and private "
                      "subnets) or write its id as vpc_id in the stack file");
        return code;
    }
    json_array_foreach(candidates, i, v) {
        gf_buf_printf(&list, "%s%s", i ? ", " : "", json_string_value(v));
    }
    code = gf_error_set(GF_EINVALID, "found more than one VPC Fargate could use: %s",
                        list.ptr ? list.ptr : "");
    gf_error_hint("write the one to use as vpc_id in the stack file");
    gf_buf_release(&list);
    return code;
}

static int pick_vpc(struct gf_rc *rc, struct gf_rc_worker *w)
{
    json_t *candidates = json_array();
    int code = candidates ? vpcs_with_igw(candidates, w) : gf_error_oom();

    if (code == 0 && json_array_size(candidates) > 1)
        candidates = prefer_nat(candidates, w);
    if (code == 0 && json_array_size(candidates) != 1) {
        code = no_single_vpc(rc, candidates);
    } else if (code == 0) {
        const char *vpc = json_string_value(json_array_get(candidates, 0));

        gf_rc_warn(rc, "vpc_id was not set: using %s, the only VPC with an internet gateway", vpc);
        code = gf_rc_state_set(rc, &rc->stack->vpc_id, vpc);
    }
    json_decref(candidates);
    return code;
}

/* ---- subnets ---------------------------------------------------------------------------------- */

enum subnet_class { SUBNET_ISOLATED = 0, SUBNET_PUBLIC, SUBNET_PRIVATE };

static enum subnet_class classify_table(const json_t *table)
{
    size_t i;
    const json_t *route;
    enum subnet_class c = SUBNET_ISOLATED;

    json_array_foreach(json_object_get(table, "routeSet"), i, route) {
        const char *dest = json_string_value(json_object_get(route, "destinationCidrBlock"));
        const char *gw = json_string_value(json_object_get(route, "gatewayId"));

        if (!dest || strcmp(dest, "0.0.0.0/0") != 0)
            continue;
        if (gw && strncmp(gw, "igw-", 4) == 0)
            return SUBNET_PUBLIC;
        if (json_object_get(route, "natGatewayId"))
            c = SUBNET_PRIVATE;
    }
    return c;
}

struct classes {
    json_t *by_class[3]; /* arrays of subnet ids */
    json_t *explicit_ids;
};

static void classify_tables(struct classes *cl, const json_t *tables, const json_t *subnets)
{
    size_t i, j;
    const json_t *t, *a, *s;
    enum subnet_class main_class = SUBNET_ISOLATED;

    json_array_foreach(tables, i, t) {
        enum subnet_class c = classify_table(t);

        json_array_foreach(json_object_get(t, "associationSet"), j, a) {
            const char *sid = json_string_value(json_object_get(a, "subnetId"));

            if (json_is_true(json_object_get(a, "main")))
                main_class = c;
            if (sid && !gf_rc_json_has_string(cl->explicit_ids, sid)) {
                json_array_append_new(cl->explicit_ids, json_string(sid));
                json_array_append_new(cl->by_class[c], json_string(sid));
            }
        }
    }
    /* the others use the main route table implicitly */
    json_array_foreach(subnets, i, s) {
        const char *sid = json_string_value(json_object_get(s, "subnetId"));

        if (sid && !gf_rc_json_has_string(cl->explicit_ids, sid))
            json_array_append_new(cl->by_class[main_class], json_string(sid));
    }
}

static int check_listed(const struct gf_strlist *l, const json_t *known, const char *vpc)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (!gf_rc_json_has_string(known, l->v[i])) {
            gf_error_set(GF_EINVALID, "subnet %s does not exist in %s", l->v[i], vpc);
            gf_error_key("subnets");
            gf_error_hint("list subnets of the stack's VPC, or remove the list to let gitfargate "
                          "find them");
            return GF_EINVALID;
        }
    }
    return 0;
}

static int need_two(const struct gf_strlist *l, const char *what, const char *vpc)
{
    if (l->n >= MIN_SUBNETS)
        return 0;
    gf_error_set(GF_EINVALID, "the stack needs at least %d %s subnets in %s; found %zu",
                 MIN_SUBNETS, what, vpc, l->n);
    gf_error_hint("%s", strcmp(what, "private") == 0
                            ? "Fargate tasks run in private subnets routed to a NAT gateway: add "
                              "two, in different zones"
                            : "load balancers need public subnets routed to an internet gateway: "
                              "add two, in different zones");
    return GF_EINVALID;
}

static int classify_subnets(struct gf_rc *rc, struct gf_rc_worker *w)
{
    const char *vpc = rc->stack->vpc_id.v;
    json_t *filters = filter1("vpc-id", vpc), *tables = NULL, *subnets = NULL, *ids = json_array();
    struct classes cl = {{json_array(), json_array(), json_array()}, json_array()};
    size_t i;
    const json_t *s;
    bool listed = rc->stack->subnets_private.n || rc->stack->subnets_public.n;
    int code = filters && ids ? 0 : gf_error_oom();

    if (code == 0)
        code = gf_ec2_describe_subnets(&subnets, w->aws, NULL, filters);
    if (code == 0)
        code = gf_ec2_describe_route_tables(&tables, w->aws, NULL, filters);
    json_array_foreach(subnets, i, s) {
        json_array_append(ids, json_object_get(s, "subnetId"));
    }
    if (code == 0 && listed) {
        code = check_listed(&rc->stack->subnets_private, ids, vpc);
        if (code == 0)
            code = check_listed(&rc->stack->subnets_public, ids, vpc);
    } else if (code == 0) {
        classify_tables(&cl, tables, subnets);
        code = gf_rc_state_set_list(rc, &rc->stack->subnets_public, cl.by_class[SUBNET_PUBLIC]);
        if (code == 0)
            code = gf_rc_state_set_list(rc, &rc->stack->subnets_private,
                                        cl.by_class[SUBNET_PRIVATE]);
        if (code == 0 && json_array_size(cl.by_class[SUBNET_ISOLATED]))
            code = gf_rc_state_set_list(rc, &rc->stack->subnets_isolated,
                                        cl.by_class[SUBNET_ISOLATED]);
    }
    if (code == 0)
        code = need_two(&rc->stack->subnets_private, "private", vpc);
    if (code == 0)
        code = need_two(&rc->stack->subnets_public, "public", vpc);
    for (i = 0; i < 3; i++)
        json_decref(cl.by_class[i]);
    json_decref(cl.explicit_ids);
    json_decref(filters);
    json_decref(tables);
    json_decref(subnets);
    json_decref(ids);
    return code;
}

int gf_rc_discover(struct gf_rc *rc, struct gf_rc_worker *w)
{
    bool have_subnets = rc->stack->subnets_private.n && rc->stack->subnets_public.n;
    int code;

    snprintf(rc->region, sizeof(rc->region), "%s", gf_aws_client_region(w->aws));
    if (!rc->stack->region.v || strcmp(rc->stack->region.v, rc->region) != 0)
        gf_rc_state_set(rc, &rc->stack->region, rc->region);
    code = discover_account(rc, w);
    if (code == 0 && !rc->stack->vpc_id.v)
        code = pick_vpc(rc, w);
    if (code == 0 && (!have_subnets || rc->opts.no_cache))
        code = classify_subnets(rc, w);
    return code;
}
