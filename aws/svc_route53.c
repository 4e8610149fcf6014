/* SPDX-License-Identifier: Apache-2.0 */
/* svc_route53.c: Amazon Route 53 through the call layer (svc_route53.h; rest-xml, global,
 * reference/aws-protocols.md §7.12 and §9): one thin function per operation, not-found and
 * already-exists normalised, lists followed to their last page, and the INSYNC wait. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/svc_route53.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_PAGES          1000
#define WAIT_TIMEOUT_MS    1800000 /* ResourceRecordSetsChanged: 60 attempts */
#define WAIT_INTERVAL_MS   30000   /* ... 30 s apart */

/* As svc_s3.c: our words for a failed call, keeping where and AWS's code. Returns rc. */
static int restate(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int restate(int rc, const char *fmt, ...)
{
    struct gf_error e;
    char msg[256];
    va_list ap;

    gf_error_copy(&e, gf_error_last());
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_error_set(rc, "%s", msg);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return rc;
}

/* Call `op` with `input` (stolen); NoSuchHostedZone names the zone. */
static int zone_call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                     const char *zone_id)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_route53, op, input);
    json_decref(input);
    if (rc == GF_ENOTFOUND && strcmp(gf_error_last()->aws_code, "NoSuchHostedZone") == 0)
        return restate(rc, "route53 hosted zone '%s' does not exist", zone_id ? zone_id : "");
    if (rc < 0)
        return rc;
    if (out)
        *out = res;
    else
        json_decref(res);
    return 0;
}

/* A new reference to out[key], or NULL; the rest of `res` is released. */
static json_t *take(json_t *res, const char *key)
{
    json_t *v = json_incref(json_object_get(res, key));

    json_decref(res);
    return v;
}

/* ---- hosted zones ----------------------------------------------------------------------- */

static json_t *zone_input(const struct gf_route53_zone_spec *spec)
{
    json_t *in = json_pack("{s:s, s:s}", "Name", spec->name ? spec->name : "", "CallerReference",
                           spec->caller_reference ? spec->caller_reference : "");
    json_t *cfg = NULL;

    if (in && (spec->comment || spec->private_zone)) {
        cfg = json_object();
        if (cfg && spec->comment)
            json_object_set_new(cfg, "Comment", json_string(spec->comment));
        if (cfg && spec->private_zone)
            json_object_set_new(cfg, "PrivateZone", json_true());
        if (!cfg || json_object_set_new(in, "HostedZoneConfig", cfg) < 0) {
            json_decref(in);
            return NULL;
        }
    }
    if (in && (spec->vpc_id || spec->vpc_region) &&
        json_object_set_new(in, "VPC",
                            json_pack("{s:s, s:s}", "VPCRegion",
                                      spec->vpc_region ? spec->vpc_region : "", "VPCId",
                                      spec->vpc_id ? spec->vpc_id : "")) < 0) {
        json_decref(in);
        return NULL;
    }
    return in;
}

int gf_route53_create_hosted_zone(json_t **out, struct gf_aws_client *client,
                                  const struct gf_route53_zone_spec *spec)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    rc = zone_call(&res, client, "CreateHostedZone", zone_input(spec), NULL);
    if (rc == GF_ECONFLICT)
        return restate(rc, "route53 hosted zone '%s' not created: %s", spec->name ? spec->name : "",
                       gf_error_last()->msg);
    if (rc < 0)
        return rc;
    if (out)
        *out = res;
    else
        json_decref(res);
    return 0;
}

int gf_route53_get_hosted_zone(json_t **out, struct gf_aws_client *client, const char *zone_id)
{
    return zone_call(out, client, "GetHostedZone", json_pack("{s:s}", "Id", zone_id ? zone_id : ""),
                     zone_id);
}

int gf_route53_delete_hosted_zone(json_t **out, struct gf_aws_client *client,
                                  const char *zone_id)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    rc = zone_call(&res, client, "DeleteHostedZone",
                   json_pack("{s:s}", "Id", zone_id ? zone_id : ""), zone_id);
    if (rc == GF_ECONFLICT)
        return restate(rc, "route53 hosted zone '%s' still holds record sets", zone_id);
    if (rc < 0)
        return rc;
    if (out)
        *out = take(res, "ChangeInfo");
    else
        json_decref(res);
    return 0;
}

/* Append a page's items (an array, or the one object an unhinted list of one decodes to). */
static int append_items(json_t *all, const json_t *items)
{
    if (json_is_array(items))
        return json_array_extend(all, (json_t *)items) < 0 ? gf_error_oom() : 0;
    if (json_is_object(items))
        return json_array_append(all, (json_t *)items) < 0 ? gf_error_oom() : 0;
    return 0;
}

static bool truncated(const json_t *page)
{
    const json_t *t = json_object_get(page, "IsTruncated");

    return json_is_true(t) || (json_is_string(t) && strcmp(json_string_value(t), "true") == 0);
}

int gf_route53_list_hosted_zones(json_t **out, struct gf_aws_client *client)
{
    json_t *all = json_array(), *input = json_object(), *page = NULL;
    int pages = 0, rc = all && input ? 0 : gf_error_oom();

    *out = NULL;
    while (rc == 0) {
        const json_t *next;

        rc = gf_aws_call(&page, client, &gf_aws_route53, "ListHostedZones", input);
        if (rc == 0)
            rc = append_items(all, json_object_get(page, "HostedZones"));
        next = json_object_get(page, "NextMarker");
        if (rc < 0 || !truncated(page) || !json_is_string(next))
            break;
        if (++pages >= MAX_PAGES)
            rc = gf_error_set(GF_ERROR, "route53:ListHostedZones did not finish after %d pages",
                              MAX_PAGES);
        else if (json_object_set(input, "Marker", (json_t *)next) < 0)
            rc = gf_error_oom();
        json_decref(page);
        page = NULL;
    }
    json_decref(page);
    json_decref(input);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    *out = all;
    return 0;
}

/* `name` lowercased with its final dot, as Route 53 answers names. */
static int dotted(struct gf_buf *out, const char *name)
{
    size_t i, len = strlen(name);

    for (i = 0; i < len; i++)
        gf_buf_putc(out, (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]));
    if (len == 0 || name[len - 1] != '.')
        gf_buf_putc(out, '.');
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* Keep the zones of `items` named exactly `name` in `all`; *past_out: a later name was seen. */
static int keep_named(json_t *all, bool *past_out, const json_t *items, const char *name)
{
    json_t *list = json_is_array(items) ? json_incref((json_t *)items) : json_array();
    size_t i;
    const json_t *z;
    int rc = list ? 0 : gf_error_oom();

    if (rc == 0 && json_is_object(items))
        json_array_append(list, (json_t *)items);
    json_array_foreach(list, i, z) {
        const char *n = json_string_value(json_object_get(z, "Name"));

        if (rc < 0)
            break;
        if (n && strcasecmp(n, name) == 0)
            rc = json_array_append(all, (json_t *)z) < 0 ? gf_error_oom() : 0;
        else
            *past_out = true;
    }
    json_decref(list);
    return rc;
}

static int by_name_loop(json_t *all, struct gf_aws_client *client, json_t *input, const char *name)
{
    json_t *page = NULL;
    bool past = false;
    int pages = 0, rc = 0;

    while (rc == 0 && !past) {
        rc = gf_aws_call(&page, client, &gf_aws_route53, "ListHostedZonesByName", input);
        if (rc == 0)
            rc = keep_named(all, &past, json_object_get(page, "HostedZones"), name);
        if (rc < 0 || !truncated(page))
            break;
        if (++pages >= MAX_PAGES)
            rc = gf_error_set(GF_ERROR, "route53:ListHostedZonesByName did not finish");
        if (rc == 0 &&
            (json_object_set(input, "DNSName", json_object_get(page, "NextDNSName")) < 0 ||
             json_object_set(input, "HostedZoneId", json_object_get(page, "NextHostedZoneId")) <
                 0))
            rc = gf_error_set(GF_ERROR, "route53:ListHostedZonesByName is truncated without "
                                        "NextDNSName");
        json_decref(page);
        page = NULL;
    }
    json_decref(page);
    return rc;
}

int gf_route53_find_hosted_zones(json_t **out, struct gf_aws_client *client, const char *name)
{
    struct gf_buf norm = GF_BUF_INIT;
    json_t *all = json_array(), *input = NULL;
    int rc;

    *out = NULL;
    rc = all ? dotted(&norm, name ? name : "") : gf_error_oom();
    if (rc == 0)
        input = json_pack("{s:s}", "DNSName", norm.ptr);
    if (rc == 0 && !input)
        rc = gf_error_oom();
    if (rc == 0)
        rc = by_name_loop(all, client, input, norm.ptr);
    if (rc == 0 && json_array_size(all) == 0)
        rc = gf_error_set(GF_ENOTFOUND, "route53 has no hosted zone named '%s'", norm.ptr);
    if (rc == 0) {
        *out = all;
        all = NULL;
    }
    json_decref(input);
    json_decref(all);
    gf_buf_release(&norm);
    return rc;
}

static bool zone_private(const json_t *zone)
{
    const json_t *p = json_object_get(json_object_get(zone, "Config"), "PrivateZone");

    return json_is_true(p) || (json_is_string(p) && strcmp(json_string_value(p), "true") == 0);
}

int gf_route53_find_hosted_zone(json_t **out, struct gf_aws_client *client, const char *name,
                                bool private_zone)
{
    json_t *zones = NULL, *found = NULL;
    size_t i, n = 0;
    const json_t *z;
    int rc;

    *out = NULL;
    rc = gf_route53_find_hosted_zones(&zones, client, name);
    if (rc < 0)
        return rc;
    json_array_foreach(zones, i, z) {
        if (zone_private(z) == private_zone) {
            n++;
            if (!found)
                found = json_incref((json_t *)z);
        }
    }
    json_decref(zones);
    if (n == 0)
        rc = gf_error_set(GF_ENOTFOUND, "route53 has no %s hosted zone named '%s'",
                          private_zone ? "private" : "public", name);
    else if (n > 1)
        rc = gf_error_set(GF_ECONFLICT, "route53 has %zu %s hosted zones named '%s'", n,
                          private_zone ? "private" : "public", name);
    if (rc < 0) {
        json_decref(found);
        return rc;
    }
    *out = found;
    return 0;
}

/* ---- record sets ------------------------------------------------------------------------ */

static json_t *record_values(const struct gf_route53_record *rec)
{
    json_t *rrs = json_array();
    size_t i;

    for (i = 0; rrs && i < rec->nvalues; i++) {
        if (json_array_append_new(rrs, json_pack("{s:s}", "Value", rec->values[i])) < 0) {
            json_decref(rrs);
            return NULL;
        }
    }
    return rrs;
}

int gf_route53_change_append(json_t *changes, const char *action,
                             const struct gf_route53_record *rec)
{
    json_t *set = NULL;

    if (!rec->name || !rec->type)
        return gf_error_set(GF_EINVALID, "a route53 record set needs a name and a type");
    if (!action || (strcmp(action, "CREATE") != 0 && strcmp(action, "DELETE") != 0 &&
                    strcmp(action, "UPSERT") != 0))
        return gf_error_set(GF_EINVALID, "route53 change action '%s' is not CREATE, DELETE or "
                                         "UPSERT", action ? action : "");
    if (!rec->alias_zone_id && rec->nvalues == 0)
        return gf_error_set(GF_EINVALID, "route53 record set '%s' %s has neither values nor an "
                                         "alias", rec->name, rec->type);
    set = json_pack("{s:s, s:s}", "Name", rec->name, "Type", rec->type);
    if (set && rec->alias_zone_id)
        json_object_set_new(set, "AliasTarget",
                            json_pack("{s:s, s:s, s:b}", "HostedZoneId", rec->alias_zone_id,
                                      "DNSName", rec->alias_dns_name ? rec->alias_dns_name : "",
                                      "EvaluateTargetHealth", rec->alias_evaluate_health));
    else if (set) {
        json_object_set_new(set, "TTL", json_integer((json_int_t)rec->ttl));
        json_object_set_new(set, "ResourceRecords", record_values(rec));
    }
    if (!set || json_object_size(set) != 4 - (rec->alias_zone_id ? 1 : 0)) {
        json_decref(set);
        return gf_error_oom();
    }
    if (json_array_append_new(changes, json_pack("{s:s, s:o}", "Action", action,
                                                 "ResourceRecordSet", set)) < 0)
        return gf_error_oom();
    return 0;
}

int gf_route53_change_records(json_t **out, struct gf_aws_client *client, const char *zone_id,
                              const json_t *changes, const char *comment)
{
    json_t *input = json_pack("{s:s, s:{s:O}}", "HostedZoneId", zone_id ? zone_id : "",
                              "ChangeBatch", "Changes", changes);
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (input && comment)
        json_object_set_new(json_object_get(input, "ChangeBatch"), "Comment",
                            json_string(comment));
    rc = zone_call(&res, client, "ChangeResourceRecordSets", input, zone_id);
    if (rc < 0)
        return rc;
    if (out)
        *out = take(res, "ChangeInfo");
    else
        json_decref(res);
    return 0;
}

int gf_route53_list_records(json_t **out, struct gf_aws_client *client, const char *zone_id,
                            const char *start_name, const char *start_type)
{
    json_t *input = json_pack("{s:s}", "HostedZoneId", zone_id ? zone_id : "");
    int rc;

    *out = NULL;
    if (input && start_name)
        json_object_set_new(input, "StartRecordName", json_string(start_name));
    if (input && start_type)
        json_object_set_new(input, "StartRecordType", json_string(start_type));
    if (!input)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_route53, "ListResourceRecordSets", input, 0);
    json_decref(input);
    if (rc == GF_ENOTFOUND && strcmp(gf_error_last()->aws_code, "NoSuchHostedZone") == 0)
        restate(rc, "route53 hosted zone '%s' does not exist", zone_id ? zone_id : "");
    return rc;
}

int gf_route53_get_record(json_t **out, struct gf_aws_client *client, const char *zone_id,
                          const char *name, const char *type)
{
    struct gf_buf norm = GF_BUF_INIT;
    json_t *res = NULL, *sets = NULL;
    size_t i;
    const json_t *s;
    int rc;

    *out = NULL;
    rc = dotted(&norm, name ? name : "");
    if (rc == 0)
        rc = zone_call(&res, client, "ListResourceRecordSets",
                       json_pack("{s:s, s:s, s:s, s:s}", "HostedZoneId", zone_id ? zone_id : "",
                                 "StartRecordName", norm.ptr, "StartRecordType",
                                 type ? type : "", "MaxItems", "1"),
                       zone_id);
    sets = json_array();
    if (rc == 0)
        rc = sets ? append_items(sets, json_object_get(res, "ResourceRecordSets"))
                  : gf_error_oom();
    json_array_foreach(sets, i, s) {
        const char *n = json_string_value(json_object_get(s, "Name"));
        const char *t = json_string_value(json_object_get(s, "Type"));

        if (rc == 0 && !*out && n && t && strcasecmp(n, norm.ptr) == 0 && type &&
            strcmp(t, type) == 0)
            *out = json_incref((json_t *)s);
    }
    if (rc == 0 && !*out)
        rc = gf_error_set(GF_ENOTFOUND, "route53 record set '%s' %s does not exist in zone '%s'",
                          norm.ptr, type ? type : "", zone_id ? zone_id : "");
    json_decref(sets);
    json_decref(res);
    gf_buf_release(&norm);
    return rc;
}

/* ---- changes ---------------------------------------------------------------------------- */

int gf_route53_get_change(json_t **out, struct gf_aws_client *client, const char *change_id)
{
    json_t *input = json_pack("{s:s}", "Id", change_id ? change_id : "");
    json_t *res = NULL;
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_route53, "GetChange", input);
    json_decref(input);
    if (rc == GF_ENOTFOUND)
        return restate(rc, "route53 change '%s' does not exist", change_id ? change_id : "");
    if (rc < 0)
        return rc;
    *out = take(res, "ChangeInfo");
    return *out ? 0 : gf_error_set(GF_ERROR, "route53:GetChange reply has no ChangeInfo");
}

int gf_route53_wait_change(json_t **out, struct gf_aws_client *client, const char *change_id,
                           const struct gf_route53_wait_opts *opts)
{
    const struct gf_clock *clock = opts && opts->clock ? opts->clock : gf_clock_system();
    int64_t timeout = opts && opts->timeout_ms > 0 ? opts->timeout_ms : WAIT_TIMEOUT_MS;
    int64_t interval = opts && opts->interval_ms > 0 ? opts->interval_ms : WAIT_INTERVAL_MS;
    int64_t start = gf_clock_mono_ms(clock);
    json_t *info = NULL;
    int rc;

    if (out)
        *out = NULL;
    for (;;) {
        const char *status;
        int64_t waited;

        rc = gf_route53_get_change(&info, client, change_id);
        if (rc < 0)
            return rc;
        status = json_string_value(json_object_get(info, "Status"));
        if (status && strcmp(status, "INSYNC") == 0)
            break;
        waited = gf_clock_mono_ms(clock) - start;
        if (waited + interval > timeout) {
            rc = gf_error_set(GF_ERETRY, "route53 change '%s' is still %s after %lld ms",
                              change_id, status ? status : "?", (long long)waited);
            gf_error_hint("Route 53 usually propagates within a minute; try again later");
            json_decref(info);
            return rc;
        }
        json_decref(info);
        info = NULL;
        clock->sleep_ms(clock->payload, interval);
    }
    if (out)
        *out = info;
    else
        json_decref(info);
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------- */

int gf_route53_change_zone_tags(struct gf_aws_client *client, const char *zone_id,
                                const json_t *add, const json_t *remove_keys)
{
    const char *slash = zone_id ? strrchr(zone_id, '/') : NULL;
    const char *bare = slash ? slash + 1 : (zone_id ? zone_id : "");
    json_t *input = json_pack("{s:s, s:s}", "ResourceType", "hostedzone", "ResourceId", bare);

    if (input && add && json_array_size(add))
        json_object_set_new(input, "AddTags", json_deep_copy(add));
    if (input && remove_keys && json_array_size(remove_keys))
        json_object_set_new(input, "RemoveTagKeys", json_deep_copy(remove_keys));
    return zone_call(NULL, client, "ChangeTagsForResource", input, zone_id);
}

int gf_route53_list_zone_tags(json_t **out, struct gf_aws_client *client, const char *zone_id)
{
    const char *slash = zone_id ? strrchr(zone_id, '/') : NULL;
    const char *bare = slash ? slash + 1 : (zone_id ? zone_id : "");
    json_t *res = NULL, *tags = NULL;
    int rc;

    *out = NULL;
    rc = zone_call(&res, client, "ListTagsForResource",
                   json_pack("{s:s, s:s}", "ResourceType", "hostedzone", "ResourceId", bare),
                   zone_id);
    if (rc < 0)
        return rc;
    tags = json_array();
    rc = tags ? append_items(tags, json_object_get(json_object_get(res, "ResourceTagSet"),
                                                   "Tags"))
              : gf_error_oom();
    json_decref(res);
    if (rc < 0) {
        json_decref(tags);
        return rc;
    }
    *out = tags;
    return 0;
}
