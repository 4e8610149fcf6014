/* SPDX-License-Identifier: Apache-2.0 */
/* k_dns.c: the alias record `domain` -> the stack's load balancer (fargatestack-behaviour.md
 * §6.15) in the hosted zone of the domain (§5.5: public for https, private for http), UPSERTed
 * on change and waited for until Route 53 reports it INSYNC. Also the zone lookup the
 * certificate's validation record shares (reconcile/k_dns.h). */
#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "aws/svc_elbv2.h"
#include "aws/svc_route53.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/k_dns.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define WAIT_INTERVAL_MS 2000

/* ---- the hosted zone ------------------------------------------------------------------------ */

static const char *bare_zone_id(const char *id)
{
    const char *slash = strrchr(id, '/');

    return slash ? slash + 1 : id;
}

/* The longest zone name that is a suffix of `domain` (two labels at least). */
static int zone_lookup(char **out, struct gf_aws_client *aws, const char *domain,
                       bool private_zone)
{
    const char *name = domain;
    json_t *zone = NULL;
    int code = GF_ENOTFOUND;

    while (name && strchr(name, '.')) {
        code = gf_route53_find_hosted_zone(&zone, aws, name, private_zone);
        if (code != GF_ENOTFOUND)
            break;
        name = strchr(name, '.') + 1;
    }
    if (code == 0) {
        const char *id = json_string_value(json_object_get(zone, "Id"));

        *out = gf_strdup(bare_zone_id(id ? id : ""));
        code = *out ? 0 : gf_error_oom();
    }
    json_decref(zone);
    if (code == GF_ENOTFOUND) {
        code = gf_error_set(GF_EINVALID, "no %s hosted zone found for domain '%s'",
                            private_zone ? "private" : "public", domain);
        gf_error_key("route53.zone_id");
        gf_error_hint("create a %s hosted zone for the domain (or one of its parents), or write "
                      "its id as route53.zone_id",
                      private_zone ? "private" : "public");
    }
    return code;
}

int gf_rc_dns_zone(char **zone_id_out, struct gf_rc_io *io, bool private_zone)
{
    struct gf_stack *s = gf_rc_stack(io->rc);
    int code;

    *zone_id_out = NULL;
    if (s->route53_zone_id.v && *s->route53_zone_id.v) {
        *zone_id_out = gf_strdup(bare_zone_id(s->route53_zone_id.v));
        return *zone_id_out ? 0 : gf_error_oom();
    }
    if (!s->domain.v)
        return gf_error_set(GF_EINVALID, "the stack has no domain");
    code = zone_lookup(zone_id_out, io->aws, s->domain.v, private_zone);
    if (code == 0)
        code = gf_rc_state_set(io->rc, &s->route53_zone_id, *zone_id_out);
    if (code < 0) {
        gf_free(*zone_id_out);
        *zone_id_out = NULL;
    }
    return code;
}

/* ---- the alias record ----------------------------------------------------------------------- */

static bool wants_private_zone(const struct gf_stack *s)
{
    const struct gf_task *t = gf_stack_http_task(s);

    return t && t->type == GF_TASK_HTTP;
}

/* A DNS name in Route 53's form: lowercase with the final dot, as a new JSON string. */
static json_t *dns_name(const char *name)
{
    struct gf_buf b = GF_BUF_INIT;
    json_t *out;
    size_t i;

    gf_buf_puts(&b, name ? name : "");
    if (b.len == 0 || b.ptr[b.len - 1] != '.')
        gf_buf_putc(&b, '.');
    if (gf_buf_failed(&b))
        return NULL;
    for (i = 0; i < b.len; i++)
        b.ptr[i] = (char)tolower((unsigned char)b.ptr[i]);
    out = json_string(b.ptr);
    gf_buf_release(&b);
    return out;
}

static int dns_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    if (!gf_stack_http_task(s) || !s->domain.v)
        return 0;
    if (s->route53_profile.v && s->route53_profile.origin == GF_ORIGIN_USER)
        gf_rc_warn(rc, "route53.profile (line %u) is not supported yet: Route 53 calls use the "
                   "stack's credentials, so the zone must be in the same account",
                   (unsigned)s->route53_profile.pos.line);
    return gf_rc_add(NULL, rc, &gf_rc_kind_dns_record, "", s->domain.v, NULL);
}

static int dns_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    /* the alias names the load balancer's DNS name, which only a read of it tells; the load
     * balancer's ARN stands for it in the document the applied-state cache remembers */
    r->desired = json_pack("{s:o?, s:s, s:s, s:s}", "name", dns_name(s->domain.v), "type", "A",
                           "target", GF_RC_UNKNOWN, "load_balancer", gf_rc_or_unknown(&s->alb.arn));
    return r->desired && json_object_get(r->desired, "name") ? 0 : gf_error_oom();
}

/* The stack's load balancer (alb.arn), for its DNSName and CanonicalHostedZoneId. */
static int dns_alb(json_t **out, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);

    *out = NULL;
    if (!s->alb.arn.v)
        return gf_error_set(GF_EINVALID, "the stack's load balancer is not known yet");
    return gf_elbv2_describe_load_balancer(out, io->aws, s->alb.arn.v);
}

/* What the target should be, once the load balancer exists: the read states it in desired. */
static void dns_known_target(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *lb = NULL;

    if (!gf_rc_stack(io->rc)->alb.arn.v || dns_alb(&lb, io) < 0) {
        gf_error_clear();
        return;
    }
    json_object_set_new(r->desired, "target",
                        dns_name(json_string_value(json_object_get(lb, "DNSName"))));
    if (json_equal(json_object_get(r->desired, "target"), json_object_get(r->actual, "target")))
        json_object_set_new(r->actual, "load_balancer", json_string(gf_rc_stack(io->rc)->alb.arn.v));
    json_decref(lb);
}

static int dns_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    char *zone = NULL;
    json_t *rec = NULL;
    const char *target;
    int code = gf_rc_dns_zone(&zone, io, wants_private_zone(s));

    if (code == 0)
        code = gf_route53_get_record(&rec, io->aws, zone, s->domain.v, "A");
    if (code == 0) {
        target = json_string_value(json_object_get(json_object_get(rec, "AliasTarget"), "DNSName"));
        json_decref(r->actual);
        r->actual = json_pack("{s:o?, s:s, s:o?, s:O}", "name",
                              dns_name(json_string_value(json_object_get(rec, "Name"))), "type",
                              "A", "target", target ? dns_name(target) : json_null(), "_record",
                              rec);
        gf_free(r->id);
        r->id = gf_strdup(s->domain.v);
        code = r->actual && r->id ? 0 : gf_error_oom();
        if (code == 0 && r->desired)
            dns_known_target(r, io);
    }
    json_decref(rec);
    gf_free(zone);
    return code;
}

static int dns_wait(struct gf_rc_res *r, struct gf_rc_io *io, const json_t *info)
{
    struct gf_route53_wait_opts opts = GF_ROUTE53_WAIT_OPTS_INIT;
    const char *id = json_string_value(json_object_get(info, "Id"));
    int timeout_s = gf_rc_wait_timeout_s(io->rc);

    if (timeout_s <= 0 || !id)
        return 0;
    gf_rc_progress(io->rc, r, "waiting for Route 53 to apply the change");
    opts.timeout_ms = (int64_t)timeout_s * 1000;
    opts.interval_ms = WAIT_INTERVAL_MS;
    return gf_route53_wait_change(NULL, io->aws, id, &opts);
}

static int dns_upsert(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    struct gf_route53_record rec = GF_ROUTE53_RECORD_INIT;
    json_t *lb = NULL, *changes = json_array(), *info = NULL;
    char *zone = NULL;
    int code = changes ? dns_alb(&lb, io) : gf_error_oom();

    if (code == 0)
        code = gf_rc_dns_zone(&zone, io, wants_private_zone(s));
    if (code == 0) {
        rec.name = s->domain.v;
        rec.type = "A";
        rec.alias_zone_id = json_string_value(json_object_get(lb, "CanonicalHostedZoneId"));
        rec.alias_dns_name = json_string_value(json_object_get(lb, "DNSName"));
        code = gf_route53_change_append(changes, "UPSERT", &rec);
    }
    if (code == 0)
        code = gf_route53_change_records(&info, io->aws, zone, changes, "gitfargate");
    if (code == 0)
        code = dns_wait(r, io, info);
    if (code == 0)
        code = dns_read(r, io);
    json_decref(lb);
    json_decref(changes);
    json_decref(info);
    gf_free(zone);
    return code;
}

/* DELETE needs the record set exactly as it is: the one the read found. */
static int dns_delete_change(json_t *changes, const json_t *set)
{
    struct gf_route53_record rec = GF_ROUTE53_RECORD_INIT;
    const json_t *alias = json_object_get(set, "AliasTarget");

    if (!alias)
        return 1; /* not an alias: not ours */
    rec.name = json_string_value(json_object_get(set, "Name"));
    rec.type = json_string_value(json_object_get(set, "Type"));
    rec.alias_zone_id = json_string_value(json_object_get(alias, "HostedZoneId"));
    rec.alias_dns_name = json_string_value(json_object_get(alias, "DNSName"));
    rec.alias_evaluate_health = json_is_true(json_object_get(alias, "EvaluateTargetHealth"));
    return gf_route53_change_append(changes, "DELETE", &rec);
}

static int dns_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(io->rc);
    json_t *rec = NULL, *changes = json_array();
    char *zone = NULL;
    int code = changes ? gf_rc_dns_zone(&zone, io, wants_private_zone(s)) : gf_error_oom();

    if (code == 0)
        code = gf_route53_get_record(&rec, io->aws, zone, s->domain.v, "A");
    if (code == 0)
        code = dns_delete_change(changes, rec);
    if (code == 0)
        code = gf_route53_change_records(NULL, io->aws, zone, changes, "gitfargate");
    if (code == 1)
        gf_rc_progress(io->rc, r, "kept: the record is not an alias gitfargate made");
    json_decref(rec);
    json_decref(changes);
    gf_free(zone);
    return code == GF_ENOTFOUND || code == 1 ? 0 : code;
}

/* With --prune, once the http task is gone: the alias to the stack's load balancer being
 * pruned (the record carries no tags; its target names the load balancer). */
static int dns_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_rc_res *lb = gf_rc_find(rc, "load_balancer", "");
    json_t *rec = NULL, *target = NULL;
    int code;

    if (gf_rc_wanted(rc, "dns_record", "") || !lb || !lb->orphan || !s->domain.v ||
        !s->route53_zone_id.v)
        return 0;
    code = gf_route53_get_record(&rec, io->aws, s->route53_zone_id.v, s->domain.v, "A");
    if (code == 0)
        target = dns_name(json_string_value(
            json_object_get(json_object_get(rec, "AliasTarget"), "DNSName")));
    if (code == 0 && target && json_object_get(rec, "AliasTarget") &&
        strstr(json_string_value(target), lb->name))
        code = gf_rc_add_orphan(rc, &gf_rc_kind_dns_record, "", s->domain.v, s->domain.v, NULL);
    json_decref(rec);
    json_decref(target);
    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_deps[] = {"load_balancer", "certificate", NULL};
static const char *const s_create[] = {"elbv2:DescribeLoadBalancers",
                                       "route53:ChangeResourceRecordSets", "route53:GetChange",
                                       NULL};
static const char *const s_delete[] = {"route53:ListResourceRecordSets",
                                       "route53:ChangeResourceRecordSets", NULL};

const struct gf_rc_kind gf_rc_kind_dns_record = {
    .name = "dns_record",
    .deps = s_deps,
    .expand = dns_expand,
    .desire = dns_desire,
    .read = dns_read,
    .create = dns_upsert,
    .update = dns_upsert,
    .destroy = dns_destroy,
    .orphans = dns_orphans,
    .create_calls = s_create,
    .update_calls = s_create,
    .delete_calls = s_delete,
};
