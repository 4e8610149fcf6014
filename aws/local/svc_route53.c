/* SPDX-License-Identifier: Apache-2.0 */
/* svc_route53.c: local-aws's Route 53 (rest-xml, global, reference/aws-protocols.md §2.5 and
 * §7.12): public and private hosted zones with their SOA and NS sets, record-set change batches
 * applied all or nothing with AWS's InvalidChangeBatch messages, listings in AWS's order (names
 * by reversed labels), changes PENDING then INSYNC 300 ms later (computed when read), zone tags;
 * and the hooks ACM's DNS validation and the starting topology use (local.h). Rows: ("route53",
 * "zone", ZONEID) holding the zone, its record sets and tags; ("route53", "change", CHANGEID);
 * ("route53", "caller-reference", REF). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC            "route53"
#define TYPE_ZONE      "zone"
#define TYPE_CHANGE    "change"
#define TYPE_CALLER    "caller-reference"
#define INSYNC_AFTER_MS 300
#define LIST_ALL       1000000
#define MAX_ZONE_ITEMS 100
#define MAX_RR_ITEMS   300
#define MAX_TAGS       50
#define ID_CHARS       20

static const char *const s_types[] = {"SOA", "A",  "TXT", "NS",   "CNAME", "MX",    "NAPTR",
                                      "PTR", "SRV", "SPF", "AAAA", "CAA",   "DS",    "TLSA",
                                      "SSHFP", "SVCB", "HTTPS", NULL};

/* ---- names and ids ---------------------------------------------------------------------- */

static int invalid_input(struct gf_local_ctx *ctx, const char *msg)
{
    return gf_local_fail(ctx, 400, "InvalidInput", "%s", msg);
}

static bool name_char_ok(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '*' || c == '\\';
}

/* One character of a name: the current label's length is updated; false when the character
 * is not allowed, a label is empty (a dot after a dot or first) or passes 63. */
static bool label_step(size_t *label, unsigned char c, bool after_dot)
{
    if (c == '.') {
        *label = 0;
        return !after_dot;
    }
    *label += 1;
    return name_char_ok(c) && *label <= 63;
}

/* A DNS name lowercased with its final dot, into out (owned by the caller). Returns false for a
 * name that is not one: empty labels, labels past 63 or names past 255 characters, characters
 * outside letters, digits, '-', '_', '*' and '\' escapes. */
static bool name_norm(struct gf_buf *out, const char *name)
{
    size_t len = name ? strlen(name) : 0, label = 0, i;

    gf_buf_clear(out);
    if (len == 0 || (len == 1 && name[0] == '.'))
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (!label_step(&label, c, i == 0 || name[i - 1] == '.'))
            return false;
        gf_buf_putc(out, (char)tolower(c));
    }
    if (name[len - 1] != '.')
        gf_buf_putc(out, '.');
    return !gf_buf_failed(out) && out->len <= 255;
}

/* The reversed-label form AWS sorts names by ("www.example.com." -> "com.example.www"). */
static int name_key(struct gf_buf *out, const char *norm)
{
    size_t end = strlen(norm);

    gf_buf_clear(out);
    if (end && norm[end - 1] == '.')
        end--;
    while (end > 0) {
        size_t start = end;

        while (start > 0 && norm[start - 1] != '.')
            start--;
        if (out->len)
            gf_buf_putc(out, '.');
        gf_buf_put(out, norm + start, end - start);
        end = start ? start - 1 : 0;
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* Compare two normalised names in AWS's order. */
static int name_cmp(const char *a, const char *b)
{
    struct gf_buf ka = GF_BUF_INIT, kb = GF_BUF_INIT;
    int r;

    if (name_key(&ka, a) < 0 || name_key(&kb, b) < 0)
        r = strcmp(a, b);
    else
        r = strcmp(ka.ptr, kb.ptr);
    gf_buf_release(&ka);
    gf_buf_release(&kb);
    return r;
}

/* "Z" or "C" and ID_CHARS uppercase letters and digits. */
static void new_id(char out[ID_CHARS + 2], char first)
{
    size_t i;

    out[0] = first;
    gf_local_random_hex(out + 1, ID_CHARS);
    for (i = 1; i <= ID_CHARS; i++)
        out[i] = (char)toupper((unsigned char)out[i]);
}

static bool type_ok(const char *t)
{
    size_t i;

    for (i = 0; t && s_types[i]; i++)
        if (strcmp(t, s_types[i]) == 0)
            return true;
    return false;
}

/* ---- zones in the database -------------------------------------------------------------- */

static int no_such_zone(struct gf_local_ctx *ctx, const char *id)
{
    return gf_local_fail(ctx, 404, "NoSuchHostedZone", "No hosted zone found with ID: %s", id);
}

/* The zone row of a bare or prefixed id; a NoSuchHostedZone failure when absent. */
static int load_zone(json_t **out, struct gf_local_ctx *ctx, const char *id)
{
    const char *bare = id ? strrchr(id, '/') : NULL;
    int rc;

    bare = bare ? bare + 1 : id;
    *out = NULL;
    if (!bare || !*bare)
        return invalid_input(ctx, "The request must contain the hosted zone ID");
    rc = gf_local_db_get(out, ctx->db, SVC, TYPE_ZONE, bare, 0);
    if (rc == 0 && !*out)
        return no_such_zone(ctx, bare);
    return rc;
}

static const char *zone_bare_id(const json_t *zone)
{
    const char *id = json_string_value(json_object_get(json_object_get(zone, "HostedZone"), "Id"));
    const char *slash = id ? strrchr(id, '/') : NULL;

    return slash ? slash + 1 : id;
}

static const char *zone_name(const json_t *zone)
{
    return json_string_value(json_object_get(json_object_get(zone, "HostedZone"), "Name"));
}

static int save_zone(struct gf_local_ctx *ctx, json_t *zone)
{
    struct gf_local_res res = {SVC, TYPE_ZONE, zone_bare_id(zone), 0, NULL, "ACTIVE", zone};
    json_t *hz = json_object_get(zone, "HostedZone");
    struct gf_buf arn = GF_BUF_INIT;
    int rc;

    rc = gf_local_set(hz, "ResourceRecordSetCount",
                      json_integer((json_int_t)json_array_size(json_object_get(zone, "Records"))));
    gf_buf_printf(&arn, "arn:aws:route53:::hostedzone/%s", res.name);
    if (rc == 0 && gf_buf_failed(&arn))
        rc = gf_error_oom();
    res.arn = arn.ptr;
    if (rc == 0)
        rc = gf_local_db_put(ctx->db, &res);
    gf_buf_release(&arn);
    return rc;
}

/* Every zone row, in id order. */
static int all_zones(json_t **out, struct gf_local_ctx *ctx)
{
    struct gf_local_list q = {SVC, TYPE_ZONE, NULL, NULL, false, 0, LIST_ALL};
    bool more = false;

    return gf_local_db_list(out, &more, ctx->db, &q);
}

/* A new change, PENDING now: its ChangeInfo into *out. */
static int new_change(json_t **out, struct gf_local_ctx *ctx, const char *comment)
{
    struct gf_local_res res = {SVC, TYPE_CHANGE, NULL, 0, NULL, "ACTIVE", NULL};
    char id[ID_CHARS + 2], full[ID_CHARS + 16];
    json_t *doc = NULL;
    int rc;

    new_id(id, 'C');
    snprintf(full, sizeof(full), "/change/%s", id);
    doc = json_pack("{s:s, s:s, s:o, s:I}", "Id", full, "Status", "PENDING", "SubmittedAt",
                    gf_local_now(ctx), "SubmittedMs", (json_int_t)ctx->now_ms);
    if (doc && comment)
        json_object_set_new(doc, "Comment", json_string(comment));
    if (!doc)
        return gf_error_oom();
    res.name = id;
    res.arn = full;
    res.doc = doc;
    rc = gf_local_db_put(ctx->db, &res);
    if (rc == 0) {
        json_object_del(doc, "SubmittedMs");
        *out = doc;
        return 0;
    }
    json_decref(doc);
    return rc;
}

/* ---- record sets ------------------------------------------------------------------------ */

static int rr_cmp(const void *pa, const void *pb)
{
    const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
    int r = name_cmp(json_string_value(json_object_get(a, "Name")),
                     json_string_value(json_object_get(b, "Name")));

    if (r == 0)
        r = strcmp(json_string_value(json_object_get(a, "Type")),
                   json_string_value(json_object_get(b, "Type")));
    return r;
}

/* Sort a zone's record sets in place, as ListResourceRecordSets answers them. */
static int sort_records(json_t *records)
{
    size_t n = json_array_size(records), i;
    json_t **v = NULL;
    int rc = 0;

    if (n < 2)
        return 0;
    v = gf_calloc(n, sizeof(json_t *));
    if (!v)
        return gf_error_oom();
    for (i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(records, i));
    qsort(v, n, sizeof(json_t *), rr_cmp);
    json_array_clear(records);
    for (i = 0; i < n; i++)
        if (json_array_append_new(records, v[i]) < 0)
            rc = gf_error_oom();
    gf_free(v);
    return rc;
}

/* The index of the set (name, type) in records, or -1. */
static long find_record(const json_t *records, const char *name, const char *type)
{
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "Name")), name) == 0 &&
            strcmp(json_string_value(json_object_get(r, "Type")), type) == 0)
            return (long)i;
    }
    return -1;
}

/* Whether a set of another type than `type` (CNAME: any; others: CNAME) sits at name. */
static const char *cname_conflict(const json_t *records, const char *name, const char *type)
{
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *t = json_string_value(json_object_get(r, "Type"));

        if (strcmp(json_string_value(json_object_get(r, "Name")), name) != 0 ||
            strcmp(t, type) == 0)
            continue;
        if (strcmp(type, "CNAME") == 0 || strcmp(t, "CNAME") == 0)
            return t;
    }
    return NULL;
}

/* Whether the normalised name lies in the normalised zone (or is its apex). */
static bool in_zone(const char *name, const char *zone)
{
    size_t nl = strlen(name), zl = strlen(zone);

    if (nl == zl)
        return strcmp(name, zone) == 0;
    return nl > zl && name[nl - zl - 1] == '.' && strcmp(name + nl - zl, zone) == 0;
}

/* Where one change batch's messages gather (InvalidChangeBatch lists them all). */
struct batch {
    struct gf_buf msgs;
    int n;
    const char *zone; /* normalised zone name */
};

static void batch_msg(struct batch *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void batch_msg(struct batch *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (b->n++)
        gf_buf_puts(&b->msgs, ", ");
    gf_buf_puts(&b->msgs, line);
}

/* One value's syntax for its type; the FATAL lines are AWS's. */
static void check_value(struct batch *b, const char *type, const char *v)
{
    unsigned char addr[16];

    if (strcmp(type, "A") == 0 && inet_pton(AF_INET, v, addr) != 1)
        batch_msg(b, "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value "
                     "is not a valid IPv4 address) encountered with '%s''", v);
    else if (strcmp(type, "AAAA") == 0 && inet_pton(AF_INET6, v, addr) != 1)
        batch_msg(b, "Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address "
                     "(Value is not a valid IPv6 address) encountered with '%s''", v);
    else if ((strcmp(type, "TXT") == 0 || strcmp(type, "SPF") == 0) && v[0] != '"')
        batch_msg(b, "Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value "
                     "should be enclosed in quotation marks) encountered with '%s''", v);
}

/* The stored form of a change's set (a new object), or NULL with *rc set: InvalidInput when a
 * member is missing or malformed. Syntax problems of the values go to the batch. */
static json_t *build_rrset(int *rc, struct gf_local_ctx *ctx, struct batch *b, const char *action,
                           const json_t *in);

static int missing_data(struct gf_local_ctx *ctx, const char *action, const char *name,
                        const char *type)
{
    return gf_local_fail(ctx, 400, "InvalidInput",
                         "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and "
                         "ResourceRecords], or TrafficPolicyInstanceId], but found none in Change "
                         "with [Action=%s, Name=%s, Type=%s, SetIdentifier=null]",
                         action, name, type);
}

static int rrset_alias(json_t *out, struct gf_local_ctx *ctx, const json_t *alias)
{
    const char *zid = json_string_value(json_object_get(alias, "HostedZoneId"));
    const char *dns = json_string_value(json_object_get(alias, "DNSName"));
    struct gf_buf norm = GF_BUF_INIT;
    bool eval = false;
    int rc;

    if (!zid || !dns || !json_object_get(alias, "EvaluateTargetHealth"))
        return invalid_input(ctx, "Invalid request: AliasTarget needs HostedZoneId, DNSName and "
                                  "EvaluateTargetHealth");
    rc = gf_local_get_bool(&eval, ctx, alias, "EvaluateTargetHealth");
    if (rc == 0 && !name_norm(&norm, dns))
        rc = gf_local_fail(ctx, 400, "InvalidInput", "Invalid alias target DNS name '%s'", dns);
    if (rc == 0)
        rc = gf_local_set(out, "AliasTarget",
                          json_pack("{s:s, s:s, s:b}", "HostedZoneId", zid, "DNSName", norm.ptr,
                                    "EvaluateTargetHealth", eval));
    gf_buf_release(&norm);
    return rc;
}

static int rrset_values(json_t *out, struct gf_local_ctx *ctx, struct batch *b, const json_t *in,
                        const char *type)
{
    const json_t *rrs = json_object_get(in, "ResourceRecords");
    json_t *copy = json_array();
    int64_t ttl = -1;
    size_t i;
    const json_t *r;
    int rc;

    rc = gf_local_get_int(&ttl, NULL, ctx, in, "TTL", NULL);
    if (rc == 0 && (ttl < 0 || ttl > 2147483647))
        rc = invalid_input(ctx, "Invalid request: TTL must be between 0 and 2147483647");
    json_array_foreach(rrs, i, r) {
        const char *v = json_string_value(json_object_get(r, "Value"));

        if (rc == 0 && (!v || !*v))
            rc = invalid_input(ctx, "Invalid request: a ResourceRecord needs a Value");
        if (rc == 0)
            check_value(b, type, v);
        if (rc == 0 && json_array_append_new(copy, json_pack("{s:s}", "Value", v)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0 && strcmp(type, "CNAME") == 0 && json_array_size(copy) > 1)
        batch_msg(b, "RRSet of type CNAME with DNS name %s contains more than one resource "
                     "record", json_string_value(json_object_get(out, "Name")));
    if (rc == 0)
        rc = gf_local_set(out, "TTL", json_integer(ttl));
    if (rc == 0) {
        rc = gf_local_set(out, "ResourceRecords", copy);
        copy = NULL;
    }
    json_decref(copy);
    return rc;
}

static json_t *build_rrset(int *rc, struct gf_local_ctx *ctx, struct batch *b, const char *action,
                           const json_t *in)
{
    const char *name = json_string_value(json_object_get(in, "Name"));
    const char *type = json_string_value(json_object_get(in, "Type"));
    const json_t *alias = json_object_get(in, "AliasTarget");
    const json_t *rrs = json_object_get(in, "ResourceRecords");
    struct gf_buf norm = GF_BUF_INIT;
    json_t *out = NULL;

    *rc = 0;
    if (!json_is_object(in) || !name || !type)
        *rc = invalid_input(ctx, "Invalid request: a ResourceRecordSet needs a Name and a Type");
    else if (!type_ok(type))
        *rc = gf_local_fail(ctx, 400, "InvalidInput",
                            "1 validation error detected: Value '%s' at "
                            "'changeBatch.changes.1.member.resourceRecordSet.type' failed to "
                            "satisfy constraint: Member must satisfy enum value set",
                            type);
    else if (!name_norm(&norm, name))
        *rc = gf_local_fail(ctx, 400, "InvalidInput", "Invalid DNS name '%s'", name);
    else if (!alias && (!json_object_get(in, "TTL") || json_array_size(rrs) == 0))
        *rc = missing_data(ctx, action, norm.ptr, type);
    if (*rc == 0) {
        if (!in_zone(norm.ptr, b->zone))
            batch_msg(b, "RRSet with DNS name %s is not permitted in zone %s", norm.ptr, b->zone);
        out = json_pack("{s:s, s:s}", "Name", norm.ptr, "Type", type);
        if (!out)
            *rc = gf_error_oom();
    }
    if (*rc == 0)
        *rc = alias ? rrset_alias(out, ctx, alias) : rrset_values(out, ctx, b, in, type);
    gf_buf_release(&norm);
    if (*rc < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static bool same_values(const json_t *a, const json_t *b)
{
    json_t *x = json_deep_copy(a), *y = json_deep_copy(b);
    bool eq;

    json_object_del(x, "SetIdentifier");
    json_object_del(y, "SetIdentifier");
    eq = json_equal(x, y);
    json_decref(x);
    json_decref(y);
    return eq;
}

static int apply_create(struct batch *b, json_t *records, json_t *rr, bool upsert)
{
    const char *name = json_string_value(json_object_get(rr, "Name"));
    const char *type = json_string_value(json_object_get(rr, "Type"));
    long at = find_record(records, name, type);
    const char *other = cname_conflict(records, name, type);

    if (at >= 0 && !upsert) {
        batch_msg(b, "Tried to create resource record set [name='%s', type='%s'] but it already "
                     "exists", name, type);
        return 0;
    }
    if (strcmp(type, "CNAME") == 0 && strcmp(name, b->zone) == 0) {
        batch_msg(b, "RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s",
                  name, b->zone);
        return 0;
    }
    if (other && strcmp(type, "CNAME") == 0) {
        batch_msg(b, "RRSet of type CNAME with DNS name %s is not permitted as it conflicts with "
                     "other records with the same DNS name in zone %s", name, b->zone);
        return 0;
    }
    if (other) {
        batch_msg(b, "RRSet of type %s with DNS name %s is not permitted because a conflicting "
                     "RRSet of type CNAME with the same DNS name already exists in zone %s",
                  type, name, b->zone);
        return 0;
    }
    if (at >= 0)
        return json_array_set(records, (size_t)at, rr) < 0 ? gf_error_oom() : 0;
    return json_array_append(records, rr) < 0 ? gf_error_oom() : 0;
}

static void apply_delete(struct batch *b, json_t *records, const json_t *rr)
{
    const char *name = json_string_value(json_object_get(rr, "Name"));
    const char *type = json_string_value(json_object_get(rr, "Type"));
    long at = find_record(records, name, type);

    if (at < 0) {
        batch_msg(b, "Tried to delete resource record set [name='%s', type='%s'] but it was not "
                     "found", name, type);
    } else if (strcmp(name, b->zone) == 0 && strcmp(type, "SOA") == 0) {
        batch_msg(b, "A HostedZone must contain exactly one SOA record.");
    } else if (strcmp(name, b->zone) == 0 && strcmp(type, "NS") == 0) {
        batch_msg(b, "A HostedZone must contain at least one NS record for the zone itself.");
    } else if (!same_values(json_array_get(records, (size_t)at), rr)) {
        batch_msg(b, "Tried to delete resource record set [name='%s', type='%s'] but the values "
                     "provided do not match the current values", name, type);
    } else {
        json_array_remove(records, (size_t)at);
    }
}

/* Apply one Change to `records`. */
static int apply_change(struct gf_local_ctx *ctx, struct batch *b, json_t *records,
                        const json_t *change)
{
    const char *action = json_string_value(json_object_get(change, "Action"));
    json_t *rr = NULL;
    int rc = 0;

    if (!action || (strcmp(action, "CREATE") != 0 && strcmp(action, "DELETE") != 0 &&
                    strcmp(action, "UPSERT") != 0))
        return gf_local_fail(ctx, 400, "InvalidInput",
                             "Invalid request: Action '%s' is not CREATE, DELETE or UPSERT",
                             action ? action : "");
    rr = build_rrset(&rc, ctx, b, action, json_object_get(change, "ResourceRecordSet"));
    if (rc < 0)
        return rc;
    if (strcmp(action, "DELETE") == 0)
        apply_delete(b, records, rr);
    else
        rc = apply_create(b, records, rr, strcmp(action, "UPSERT") == 0);
    json_decref(rr);
    return rc;
}

/* Apply a whole batch to a copy of the zone's sets; *records_out the result when all passed. */
static int apply_batch(json_t **records_out, struct gf_local_ctx *ctx, const json_t *zone,
                       const json_t *changes)
{
    struct batch b = {GF_BUF_INIT, 0, zone_name(zone)};
    json_t *records = json_deep_copy(json_object_get(zone, "Records"));
    size_t i;
    const json_t *c;
    int rc = records ? 0 : gf_error_oom();

    json_array_foreach(changes, i, c) {
        if (rc == 0)
            rc = apply_change(ctx, &b, records, c);
    }
    if (rc == 0 && gf_buf_failed(&b.msgs))
        rc = gf_error_oom();
    if (rc == 0 && b.n)
        rc = gf_local_fail(ctx, 400, "InvalidChangeBatch", "[%s]", b.msgs.ptr);
    if (rc == 0)
        rc = sort_records(records);
    gf_buf_release(&b.msgs);
    if (rc < 0) {
        json_decref(records);
        return rc;
    }
    *records_out = records;
    return 0;
}

/* ---- zones -------------------------------------------------------------------------------- */

/* The SOA and NS sets a new zone starts with. */
static int initial_records(json_t **out, const char *name, const json_t *nameservers)
{
    json_t *ns = json_array(), *recs = NULL;
    char soa[512];
    size_t i;
    const json_t *v;

    if (!ns)
        return gf_error_oom();
    json_array_foreach(nameservers, i, v) {
        char host[128];

        snprintf(host, sizeof(host), "%s.", json_string_value(v));
        json_array_append_new(ns, json_pack("{s:s}", "Value", host));
    }
    snprintf(soa, sizeof(soa), "%s. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
             json_string_value(json_array_get(nameservers, 0)));
    recs = json_pack("[{s:s, s:s, s:i, s:o}, {s:s, s:s, s:i, s:[{s:s}]}]", "Name", name, "Type",
                     "NS", "TTL", 172800, "ResourceRecords", ns, "Name", name, "Type", "SOA",
                     "TTL", 900, "ResourceRecords", "Value", soa);
    if (!recs)
        return gf_error_oom();
    *out = recs;
    return 0;
}

/* Four name servers in AWS's form, spread over the four top-level domains. */
static json_t *new_nameservers(bool private_zone)
{
    static const char *const s_tld[] = {"com", "net", "org", "co.uk"};
    json_t *ns = json_array();
    char hex[8], host[64];
    unsigned long n = 0;
    size_t i;

    gf_local_random_hex(hex, 6);
    if (!private_zone)
        n = strtoul(hex, NULL, 16);
    for (i = 0; ns && i < 4; i++) {
        snprintf(host, sizeof(host), "ns-%lu.awsdns-%02lu.%s",
                 (unsigned long)(i * 512) + (n % 512), (n >> 9) % 64, s_tld[i]);
        if (json_array_append_new(ns, json_string(host)) < 0) {
            json_decref(ns);
            return NULL;
        }
    }
    return ns;
}

/* What CreateHostedZone was asked, checked. */
struct zone_req {
    const char *name, *ref, *comment, *vpc_id, *vpc_region;
    bool private_zone;
    struct gf_buf norm;
};

static bool vpc_id_ok(const char *id)
{
    size_t len = strlen(id), i;

    if (strncmp(id, "vpc-", 4) != 0 || (len != 12 && len != 21))
        return false;
    for (i = 4; i < len; i++)
        if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
            return false;
    return true;
}

static int zone_req_vpc(struct zone_req *r, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *vpc = NULL;
    int rc = gf_local_get_object(&vpc, ctx, input, "VPC", NULL);

    if (rc == 0 && vpc)
        rc = gf_local_get_string(&r->vpc_id, ctx, vpc, "VPCId", NULL);
    if (rc == 0 && vpc)
        rc = gf_local_get_string(&r->vpc_region, ctx, vpc, "VPCRegion", NULL);
    if (rc < 0)
        return rc;
    if (vpc)
        r->private_zone = true;
    if (r->private_zone && (!r->vpc_id || !r->vpc_region))
        return invalid_input(ctx, "When you're creating a private hosted zone (when you specify "
                                  "true for PrivateZone), you must also specify values for VPCId "
                                  "and VPCRegion.");
    if (r->vpc_id && !vpc_id_ok(r->vpc_id))
        return gf_local_fail(ctx, 400, "InvalidVPCId", "The VPC ID '%s' is invalid.", r->vpc_id);
    return 0;
}

static int zone_req_get(struct zone_req *r, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *cfg = NULL;
    int rc;

    rc = gf_local_get_string(&r->name, ctx, input, "Name", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_string(&r->ref, ctx, input, "CallerReference", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_object(&cfg, ctx, input, "HostedZoneConfig", NULL);
    if (rc == 0 && cfg)
        rc = gf_local_get_string(&r->comment, ctx, cfg, "Comment", NULL);
    if (rc == 0 && cfg)
        rc = gf_local_get_bool(&r->private_zone, ctx, cfg, "PrivateZone");
    if (rc < 0)
        return rc;
    if (!*r->ref || strlen(r->ref) > 128)
        return invalid_input(ctx, "CallerReference must be 1 to 128 characters long");
    if (r->comment && strlen(r->comment) > 256)
        return invalid_input(ctx, "The comment must be at most 256 characters long");
    if (!name_norm(&r->norm, r->name) || strchr(r->norm.ptr, '*'))
        return gf_local_fail(ctx, 400, "InvalidDomainName", "%s is not a valid domain name.",
                             r->name);
    return zone_req_vpc(r, ctx, input);
}

/* A private zone of this name already associated with this VPC (ConflictingDomainExists). */
static int check_private_conflict(struct gf_local_ctx *ctx, const struct zone_req *r)
{
    json_t *zones = NULL;
    size_t i, j;
    const json_t *z, *v;
    int rc;

    if (!r->private_zone)
        return 0;
    rc = all_zones(&zones, ctx);
    json_array_foreach(zones, i, z) {
        if (rc < 0 || strcmp(zone_name(z), r->norm.ptr) != 0)
            continue;
        json_array_foreach(json_object_get(z, "VPCs"), j, v) {
            if (strcmp(json_string_value(json_object_get(v, "VPCId")), r->vpc_id) == 0)
                rc = gf_local_fail(ctx, 400, "ConflictingDomainExists",
                                   "Cannot create hosted zone with DNS name %s because a "
                                   "conflicting hosted zone is already associated with VPC %s",
                                   r->norm.ptr, r->vpc_id);
        }
    }
    json_decref(zones);
    return rc;
}

/* The stored zone of a request: HostedZone, DelegationSet or VPCs, Records, Tags. */
static int zone_doc(json_t **out, const struct zone_req *r, const char *id)
{
    json_t *ns = new_nameservers(r->private_zone), *recs = NULL, *doc = NULL;
    char full[ID_CHARS + 16];
    int rc;

    snprintf(full, sizeof(full), "/hostedzone/%s", id);
    rc = ns ? initial_records(&recs, r->norm.ptr, ns) : gf_error_oom();
    if (rc == 0)
        doc = json_pack("{s:{s:s, s:s, s:s, s:{s:b}, s:i}, s:o, s:[]}", "HostedZone", "Id", full,
                        "Name", r->norm.ptr, "CallerReference", r->ref, "Config", "PrivateZone",
                        r->private_zone, "ResourceRecordSetCount", 2, "Records", recs, "Tags");
    recs = NULL;
    if (rc == 0 && !doc)
        rc = gf_error_oom();
    if (rc == 0 && r->comment)
        rc = gf_local_set(json_object_get(json_object_get(doc, "HostedZone"), "Config"),
                          "Comment", json_string(r->comment));
    if (rc == 0 && r->private_zone)
        rc = gf_local_set(doc, "VPCs", json_pack("[{s:s, s:s}]", "VPCRegion", r->vpc_region,
                                                 "VPCId", r->vpc_id));
    else if (rc == 0)
        rc = gf_local_set(doc, "DelegationSet", json_pack("{s:O}", "NameServers", ns));
    json_decref(ns);
    if (rc < 0) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

/* The CreateHostedZone output of a stored zone and its change. */
static int create_output(json_t **out, const json_t *zone, json_t *change)
{
    json_t *o = json_pack("{s:O, s:o, s:s+}", "HostedZone", json_object_get(zone, "HostedZone"),
                          "ChangeInfo", change, "Location",
                          "https://route53.amazonaws.com/2013-04-01/hostedzone/",
                          zone_bare_id(zone));
    const json_t *vpcs = json_object_get(zone, "VPCs");
    int rc = 0;

    if (!o)
        return gf_error_oom();
    if (vpcs)
        rc = gf_local_set(o, "VPC", json_deep_copy(json_array_get(vpcs, 0)));
    else
        rc = gf_local_set(o, "DelegationSet", json_deep_copy(json_object_get(zone,
                                                                             "DelegationSet")));
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* A reused CallerReference: the same request again answers the zone it made (a retry); any
 * other request is HostedZoneAlreadyExists. */
static int caller_reused(json_t **out, struct gf_local_ctx *ctx, const struct zone_req *r,
                         const json_t *prev)
{
    const char *zid = json_string_value(json_object_get(prev, "ZoneId"));
    const char *vpc = json_string_value(json_object_get(prev, "VPCId"));
    json_t *zone = NULL, *change = NULL;
    int rc;

    if (strcmp(json_string_value(json_object_get(prev, "Name")), r->norm.ptr) != 0 ||
        json_is_true(json_object_get(prev, "Private")) != r->private_zone ||
        strcmp(vpc ? vpc : "", r->vpc_id ? r->vpc_id : "") != 0 ||
        gf_local_db_get(&zone, ctx->db, SVC, TYPE_ZONE, zid, 0) < 0 || !zone)
        return gf_local_fail(ctx, 409, "HostedZoneAlreadyExists",
                             "A hosted zone has already been created with the specified caller "
                             "reference.");
    rc = gf_local_db_get(&change, ctx->db, SVC, TYPE_CHANGE,
                         json_string_value(json_object_get(prev, "ChangeId")), 0);
    if (rc == 0 && change)
        json_object_del(change, "SubmittedMs");
    if (rc == 0)
        rc = create_output(out, zone, change ? change : json_object());
    json_decref(zone);
    return rc;
}

static int remember_caller(struct gf_local_ctx *ctx, const struct zone_req *r, const char *zid,
                           const json_t *change)
{
    const char *cid = strrchr(json_string_value(json_object_get(change, "Id")), '/');
    struct gf_local_res res = {SVC, TYPE_CALLER, r->ref, 0, NULL, "ACTIVE", NULL};
    json_t *doc = json_pack("{s:s, s:s, s:b, s:s, s:s}", "ZoneId", zid, "Name", r->norm.ptr,
                            "Private", r->private_zone, "VPCId", r->vpc_id ? r->vpc_id : "",
                            "ChangeId", cid ? cid + 1 : "");
    int rc;

    if (!doc)
        return gf_error_oom();
    res.arn = r->ref;
    res.doc = doc;
    rc = gf_local_db_put(ctx->db, &res);
    json_decref(doc);
    return rc;
}

static int r53_create_hosted_zone(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct zone_req r;
    json_t *prev = NULL, *zone = NULL, *change = NULL;
    char id[ID_CHARS + 2];
    int rc;

    memset(&r, 0, sizeof(r));
    gf_buf_init(&r.norm, 0);
    rc = zone_req_get(&r, ctx, input);
    if (rc == 0)
        rc = gf_local_db_get(&prev, ctx->db, SVC, TYPE_CALLER, r.ref, 0);
    if (rc == 0 && prev) {
        rc = caller_reused(out, ctx, &r, prev);
        goto out;
    }
    if (rc == 0)
        rc = check_private_conflict(ctx, &r);
    new_id(id, 'Z');
    if (rc == 0)
        rc = zone_doc(&zone, &r, id);
    if (rc == 0)
        rc = save_zone(ctx, zone);
    if (rc == 0)
        rc = new_change(&change, ctx, NULL);
    if (rc == 0)
        rc = remember_caller(ctx, &r, id, change);
    if (rc == 0) {
        rc = create_output(out, zone, change);
        change = NULL;
    }
out:
    json_decref(change);
    json_decref(zone);
    json_decref(prev);
    gf_buf_release(&r.norm);
    return rc;
}

/* The GetHostedZone form of a stored zone. */
static int zone_output(json_t **out, const json_t *zone)
{
    json_t *o = json_pack("{s:O}", "HostedZone", json_object_get(zone, "HostedZone"));
    const json_t *ds = json_object_get(zone, "DelegationSet");
    int rc = 0;

    if (!o)
        return gf_error_oom();
    if (ds)
        rc = gf_local_set(o, "DelegationSet", json_deep_copy(ds));
    else
        rc = gf_local_set(o, "VPCs", json_deep_copy(json_object_get(zone, "VPCs")));
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

static int r53_get_hosted_zone(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *zone = NULL;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "Id", "InvalidInput");
    if (rc == 0)
        rc = load_zone(&zone, ctx, id);
    if (rc == 0)
        rc = zone_output(out, zone);
    json_decref(zone);
    return rc;
}

static int r53_delete_hosted_zone(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *zone = NULL, *change = NULL;
    bool deleted = false;
    size_t i;
    const json_t *r;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "Id", "InvalidInput");
    if (rc == 0)
        rc = load_zone(&zone, ctx, id);
    json_array_foreach(json_object_get(zone, "Records"), i, r) {
        const char *t = json_string_value(json_object_get(r, "Type"));
        bool apex = strcmp(json_string_value(json_object_get(r, "Name")), zone_name(zone)) == 0;

        if (rc == 0 && !(apex && (strcmp(t, "SOA") == 0 || strcmp(t, "NS") == 0)))
            rc = gf_local_fail(ctx, 400, "HostedZoneNotEmpty",
                               "The specified hosted zone contains non-required resource record "
                               "sets and so cannot be deleted.");
    }
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, TYPE_ZONE, zone_bare_id(zone), 0);
    if (rc == 0)
        rc = new_change(&change, ctx, NULL);
    if (rc == 0) {
        *out = json_pack("{s:o}", "ChangeInfo", change);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(zone);
    return rc;
}

/* MaxItems as a string member ("100"), 1..max; AWS answers above the cap with the cap. */
static int max_items(int64_t *out, struct gf_local_ctx *ctx, const json_t *input, int64_t max)
{
    bool given = false;
    int rc;

    *out = max;
    rc = gf_local_get_int(out, &given, ctx, input, "MaxItems", NULL);
    if (rc < 0)
        return gf_local_fail(ctx, 400, "InvalidInput", "MaxItems must be a number");
    if (given && *out < 1)
        return invalid_input(ctx, "MaxItems must be at least 1");
    if (*out > max)
        *out = max;
    return 0;
}

static int hz_summary(json_t *list, const json_t *zone)
{
    return json_array_append(list, json_object_get(zone, "HostedZone")) < 0 ? gf_error_oom() : 0;
}

static int r53_list_hosted_zones(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *marker = NULL, *type = NULL;
    json_t *zones = NULL, *list = json_array(), *o = NULL;
    int64_t max = 0, n = 0;
    size_t i;
    const json_t *z;
    int rc;

    rc = list ? max_items(&max, ctx, input, MAX_ZONE_ITEMS) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&marker, ctx, input, "Marker", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&type, ctx, input, "HostedZoneType", NULL);
    if (rc == 0)
        rc = all_zones(&zones, ctx);
    if (rc == 0)
        o = json_pack("{s:b, s:s+}", "IsTruncated", 0, "MaxItems", "", "");
    if (rc == 0 && !o)
        rc = gf_error_oom();
    json_array_foreach(zones, i, z) {
        const json_t *priv = json_object_get(json_object_get(
            json_object_get(z, "HostedZone"), "Config"), "PrivateZone");

        if (rc < 0 || (marker && strcmp(zone_bare_id(z), marker) < 0) ||
            (type && !json_is_true(priv)))
            continue;
        if (n++ == max) {
            json_object_set_new(o, "IsTruncated", json_true());
            rc = gf_local_set(o, "NextMarker", json_string(zone_bare_id(z)));
            break;
        }
        rc = hz_summary(list, z);
    }
    if (rc == 0) {
        char m[24];

        snprintf(m, sizeof(m), "%lld", (long long)max);
        rc = gf_local_set(o, "MaxItems", json_string(m));
    }
    if (rc == 0 && marker)
        rc = gf_local_set(o, "Marker", json_string(marker));
    if (rc == 0) {
        rc = gf_local_set(o, "HostedZones", list);
        list = NULL;
    }
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    json_decref(o);
    json_decref(list);
    json_decref(zones);
    return rc;
}

/* Zones ordered as ListHostedZonesByName answers: reversed-label names, then id. */
static int zone_cmp(const void *pa, const void *pb)
{
    const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
    int r = name_cmp(zone_name(a), zone_name(b));

    return r ? r : strcmp(zone_bare_id(a), zone_bare_id(b));
}

static int sorted_zones(json_t ***out, size_t *n_out, json_t *zones)
{
    size_t n = json_array_size(zones), i;
    json_t **v = gf_calloc(n ? n : 1, sizeof(json_t *));

    if (!v)
        return gf_error_oom();
    for (i = 0; i < n; i++)
        v[i] = json_array_get(zones, i);
    qsort(v, n, sizeof(json_t *), zone_cmp);
    *out = v;
    *n_out = n;
    return 0;
}

struct by_name {
    const char *dns, *zid;
    struct gf_buf norm;
    int64_t max;
};

static int by_name_args(struct by_name *a, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = max_items(&a->max, ctx, input, MAX_ZONE_ITEMS);

    if (rc == 0)
        rc = gf_local_get_string(&a->dns, ctx, input, "DNSName", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&a->zid, ctx, input, "HostedZoneId", NULL);
    if (rc < 0)
        return rc;
    if (a->zid && !a->dns)
        return invalid_input(ctx, "The DNSName is required when HostedZoneId is specified");
    if (a->dns && !name_norm(&a->norm, a->dns))
        return gf_local_fail(ctx, 400, "InvalidDomainName", "%s is not a valid domain name.",
                             a->dns);
    return 0;
}

/* Whether zone z sorts at or after the start (dns, zid). */
static bool by_name_selected(const json_t *z, const struct by_name *a)
{
    int r;

    if (!a->dns)
        return true;
    r = name_cmp(zone_name(z), a->norm.ptr);
    if (r != 0)
        return r > 0;
    return !a->zid || strcmp(zone_bare_id(z), a->zid) >= 0;
}

static int by_name_page(json_t *o, json_t *list, json_t **v, size_t n, const struct by_name *a)
{
    int64_t count = 0;
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        if (!by_name_selected(v[i], a))
            continue;
        if (count++ == a->max) {
            json_object_set_new(o, "IsTruncated", json_true());
            rc = gf_local_set(o, "NextDNSName", json_string(zone_name(v[i])));
            if (rc == 0)
                rc = gf_local_set(o, "NextHostedZoneId", json_string(zone_bare_id(v[i])));
            break;
        }
        rc = hz_summary(list, v[i]);
    }
    return rc;
}

static int r53_list_hosted_zones_by_name(json_t **out, struct gf_local_ctx *ctx,
                                         const json_t *input)
{
    struct by_name a = {NULL, NULL, GF_BUF_INIT, 0};
    json_t *zones = NULL, *list = json_array(), *o = NULL;
    json_t **v = NULL;
    size_t n = 0;
    char m[24];
    int rc;

    rc = list ? by_name_args(&a, ctx, input) : gf_error_oom();
    if (rc == 0)
        rc = all_zones(&zones, ctx);
    if (rc == 0)
        rc = sorted_zones(&v, &n, zones);
    snprintf(m, sizeof(m), "%lld", (long long)a.max);
    if (rc == 0)
        o = json_pack("{s:b, s:s}", "IsTruncated", 0, "MaxItems", m);
    if (rc == 0 && !o)
        rc = gf_error_oom();
    if (rc == 0)
        rc = by_name_page(o, list, v, n, &a);
    if (rc == 0 && a.dns)
        rc = gf_local_set(o, "DNSName", json_string(a.dns));
    if (rc == 0 && a.zid)
        rc = gf_local_set(o, "HostedZoneId", json_string(a.zid));
    if (rc == 0) {
        rc = gf_local_set(o, "HostedZones", list);
        list = NULL;
    }
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    gf_free(v);
    json_decref(o);
    json_decref(list);
    json_decref(zones);
    gf_buf_release(&a.norm);
    return rc;
}

/* ---- record-set operations ---------------------------------------------------------------- */

static int r53_change_resource_record_sets(json_t **out, struct gf_local_ctx *ctx,
                                           const json_t *input)
{
    const char *id = NULL, *comment = NULL;
    const json_t *batch = NULL, *changes = NULL;
    json_t *zone = NULL, *records = NULL, *change = NULL;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "HostedZoneId", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_object(&batch, ctx, input, "ChangeBatch", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_array(&changes, ctx, batch, "Changes", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_string(&comment, ctx, batch, "Comment", NULL);
    if (rc == 0 && json_array_size(changes) == 0)
        rc = invalid_input(ctx, "Invalid request: the ChangeBatch has no Changes");
    if (rc == 0)
        rc = load_zone(&zone, ctx, id);
    if (rc == 0)
        rc = apply_batch(&records, ctx, zone, changes);
    if (rc == 0) {
        rc = gf_local_set(zone, "Records", records);
        records = NULL;
    }
    if (rc == 0)
        rc = save_zone(ctx, zone);
    if (rc == 0)
        rc = new_change(&change, ctx, comment);
    if (rc == 0) {
        *out = json_pack("{s:o}", "ChangeInfo", change);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(records);
    json_decref(zone);
    return rc;
}

struct rr_start {
    const char *name, *type;
    struct gf_buf norm;
    int64_t max;
};

static int rr_start_get(struct rr_start *s, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = max_items(&s->max, ctx, input, MAX_RR_ITEMS);

    if (rc == 0)
        rc = gf_local_get_string(&s->name, ctx, input, "StartRecordName", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&s->type, ctx, input, "StartRecordType", NULL);
    if (rc < 0)
        return rc;
    if (s->type && !s->name)
        return invalid_input(ctx, "The input is not valid: StartRecordType requires "
                                  "StartRecordName");
    if (s->type && !type_ok(s->type))
        return gf_local_fail(ctx, 400, "InvalidInput", "Invalid type: %s", s->type);
    if (s->name && !name_norm(&s->norm, s->name))
        return gf_local_fail(ctx, 400, "InvalidInput", "Invalid DNS name '%s'", s->name);
    return 0;
}

static bool rr_selected(const json_t *r, const struct rr_start *s)
{
    int c;

    if (!s->name)
        return true;
    c = name_cmp(json_string_value(json_object_get(r, "Name")), s->norm.ptr);
    if (c != 0)
        return c > 0;
    return !s->type || strcmp(json_string_value(json_object_get(r, "Type")), s->type) >= 0;
}

static int rr_page(json_t *o, json_t *list, const json_t *records, const struct rr_start *s)
{
    int64_t n = 0;
    size_t i;
    const json_t *r;
    int rc = 0;

    json_array_foreach(records, i, r) {
        if (rc < 0 || !rr_selected(r, s))
            continue;
        if (n++ == s->max) {
            json_object_set_new(o, "IsTruncated", json_true());
            rc = gf_local_set(o, "NextRecordName", json_deep_copy(json_object_get(r, "Name")));
            if (rc == 0)
                rc = gf_local_set(o, "NextRecordType", json_deep_copy(json_object_get(r, "Type")));
            break;
        }
        if (json_array_append(list, (json_t *)r) < 0)
            rc = gf_error_oom();
    }
    return rc;
}

static int r53_list_resource_record_sets(json_t **out, struct gf_local_ctx *ctx,
                                         const json_t *input)
{
    struct rr_start s = {NULL, NULL, GF_BUF_INIT, 0};
    const char *id = NULL;
    json_t *zone = NULL, *list = json_array(), *o = NULL;
    char m[24];
    int rc;

    rc = list ? gf_local_get_string(&id, ctx, input, "HostedZoneId", "InvalidInput")
              : gf_error_oom();
    if (rc == 0)
        rc = rr_start_get(&s, ctx, input);
    if (rc == 0)
        rc = load_zone(&zone, ctx, id);
    snprintf(m, sizeof(m), "%lld", (long long)s.max);
    if (rc == 0)
        o = json_pack("{s:b, s:s}", "IsTruncated", 0, "MaxItems", m);
    if (rc == 0 && !o)
        rc = gf_error_oom();
    if (rc == 0)
        rc = rr_page(o, list, json_object_get(zone, "Records"), &s);
    if (rc == 0) {
        rc = gf_local_set(o, "ResourceRecordSets", list);
        list = NULL;
    }
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    json_decref(o);
    json_decref(list);
    json_decref(zone);
    gf_buf_release(&s.norm);
    return rc;
}

static int r53_get_change(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL, *bare;
    json_t *doc = NULL;
    int64_t at;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "Id", "InvalidInput");
    if (rc < 0)
        return rc;
    bare = strrchr(id, '/') ? strrchr(id, '/') + 1 : id;
    rc = gf_local_db_get(&doc, ctx->db, SVC, TYPE_CHANGE, bare, 0);
    if (rc == 0 && !doc)
        return gf_local_fail(ctx, 404, "NoSuchChange",
                             "A change with the specified change ID does not exist.");
    if (rc < 0)
        return rc;
    at = json_integer_value(json_object_get(doc, "SubmittedMs"));
    /* Route 53 propagates within seconds; here a change is INSYNC once 300 ms have passed */
    if (ctx->now_ms - at >= INSYNC_AFTER_MS)
        json_object_set_new(doc, "Status", json_string("INSYNC"));
    json_object_del(doc, "SubmittedMs");
    *out = json_pack("{s:o}", "ChangeInfo", doc);
    return *out ? 0 : gf_error_oom();
}

/* ---- tags --------------------------------------------------------------------------------- */

static int tag_target(json_t **zone_out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *type = NULL, *id = NULL;
    int rc;

    rc = gf_local_get_string(&type, ctx, input, "ResourceType", "InvalidInput");
    if (rc == 0)
        rc = gf_local_get_string(&id, ctx, input, "ResourceId", "InvalidInput");
    if (rc < 0)
        return rc;
    if (strcmp(type, "healthcheck") == 0)
        return gf_local_fail(ctx, 404, "NoSuchHealthCheck",
                             "No health check exists with the specified ID %s", id);
    if (strcmp(type, "hostedzone") != 0)
        return gf_local_fail(ctx, 400, "InvalidInput",
                             "1 validation error detected: Value '%s' at 'resourceType' failed "
                             "to satisfy constraint: Member must satisfy enum value set: "
                             "[healthcheck, hostedzone]", type);
    return load_zone(zone_out, ctx, id);
}

static void tags_remove(json_t *tags, const char *key)
{
    size_t i;

    for (i = json_array_size(tags); i > 0; i--)
        if (strcmp(json_string_value(json_object_get(json_array_get(tags, i - 1), "Key")), key) ==
            0)
            json_array_remove(tags, i - 1);
}

static int tags_add(struct gf_local_ctx *ctx, json_t *tags, const json_t *add)
{
    size_t i;
    const json_t *t;

    if (json_array_size(add) > 10)
        return invalid_input(ctx, "Number of tags in AddTags must be at most 10");
    json_array_foreach(add, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));

        if (!k || !*k || strlen(k) > 128 || (v && strlen(v) > 256))
            return invalid_input(ctx, "A tag needs a Key of 1 to 128 characters and a Value of at "
                                      "most 256");
        tags_remove(tags, k);
        if (json_array_append_new(tags, json_pack("{s:s, s:s}", "Key", k, "Value", v ? v : "")) <
            0)
            return gf_error_oom();
    }
    if (json_array_size(tags) > MAX_TAGS)
        return invalid_input(ctx, "A resource can have at most 50 tags");
    return 0;
}

static int r53_change_tags_for_resource(json_t **out, struct gf_local_ctx *ctx,
                                        const json_t *input)
{
    const json_t *add = NULL, *remove = NULL;
    json_t *zone = NULL, *tags;
    size_t i;
    const json_t *k;
    int rc;

    (void)out;
    rc = tag_target(&zone, ctx, input);
    if (rc == 0)
        rc = gf_local_get_array(&add, ctx, input, "AddTags", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&remove, ctx, input, "RemoveTagKeys", NULL);
    tags = json_object_get(zone, "Tags");
    json_array_foreach(remove, i, k) {
        if (rc == 0 && json_is_string(k))
            tags_remove(tags, json_string_value(k));
    }
    if (rc == 0)
        rc = tags_add(ctx, tags, add);
    if (rc == 0)
        rc = save_zone(ctx, zone);
    json_decref(zone);
    return rc;
}

static int r53_list_tags_for_resource(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    json_t *zone = NULL;
    int rc = tag_target(&zone, ctx, input);

    if (rc == 0) {
        *out = json_pack("{s:{s:s, s:s, s:O}}", "ResourceTagSet", "ResourceType", "hostedzone",
                         "ResourceId", zone_bare_id(zone), "Tags", json_object_get(zone, "Tags"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(zone);
    return rc;
}

/* ---- cross-service hooks (local.h) -------------------------------------------------------- */

static bool record_has_value(const json_t *r, const char *value)
{
    size_t i;
    const json_t *rr;

    json_array_foreach(json_object_get(r, "ResourceRecords"), i, rr) {
        const char *v = json_string_value(json_object_get(rr, "Value"));

        if (v && strstr(v, value))
            return true;
    }
    return false;
}

int gf_local_route53_has_record(bool *found_out, struct gf_local_ctx *ctx, const char *name,
                                const char *type, const char *value)
{
    struct gf_buf norm = GF_BUF_INIT;
    json_t *zones = NULL;
    size_t i, j;
    const json_t *z, *r;
    int rc;

    *found_out = false;
    if (!name_norm(&norm, name)) {
        gf_buf_release(&norm);
        return 0;
    }
    rc = all_zones(&zones, ctx);
    json_array_foreach(zones, i, z) {
        json_array_foreach(json_object_get(z, "Records"), j, r) {
            if (strcmp(json_string_value(json_object_get(r, "Name")), norm.ptr) == 0 &&
                strcasecmp(json_string_value(json_object_get(r, "Type")), type) == 0 &&
                record_has_value(r, value ? value : ""))
                *found_out = true;
        }
    }
    json_decref(zones);
    gf_buf_release(&norm);
    return rc;
}

static int seed_zone(struct gf_local_ctx *ctx, const char *domain, const char *vpc_id)
{
    struct gf_buf ref = GF_BUF_INIT;
    json_t *input = NULL, *out = NULL;
    int rc;

    gf_buf_printf(&ref, "local-aws-seed-%s-%s", vpc_id ? "private" : "public", domain);
    input = json_pack("{s:s, s:s}", "Name", domain, "CallerReference", ref.ptr);
    if (input && vpc_id)
        json_object_set_new(input, "VPC", json_pack("{s:s, s:s}", "VPCRegion", ctx->region,
                                                    "VPCId", vpc_id));
    rc = input && !gf_buf_failed(&ref) ? r53_create_hosted_zone(&out, ctx, input) : gf_error_oom();
    json_decref(out);
    json_decref(input);
    gf_buf_release(&ref);
    return rc;
}

int gf_local_route53_seed(struct gf_local_ctx *ctx, const char *domain, const char *vpc_id)
{
    int rc = seed_zone(ctx, domain, NULL);

    if (rc == 0 && vpc_id && *vpc_id)
        rc = seed_zone(ctx, domain, vpc_id);
    return rc;
}

static const struct gf_local_op s_route53_ops[] = {
    {"CreateHostedZone", r53_create_hosted_zone},
    {"GetHostedZone", r53_get_hosted_zone},
    {"DeleteHostedZone", r53_delete_hosted_zone},
    {"ListHostedZones", r53_list_hosted_zones},
    {"ListHostedZonesByName", r53_list_hosted_zones_by_name},
    {"ChangeResourceRecordSets", r53_change_resource_record_sets},
    {"ListResourceRecordSets", r53_list_resource_record_sets},
    {"GetChange", r53_get_change},
    {"ChangeTagsForResource", r53_change_tags_for_resource},
    {"ListTagsForResource", r53_list_tags_for_resource},
    {NULL, NULL},
};

const struct gf_local_service gf_local_route53 = {&gf_aws_route53, s_route53_ops};
