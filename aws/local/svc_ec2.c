/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ec2.c: local-aws's EC2 networking (ec2 protocol, reference/aws-protocols.md §7.5): VPCs
 * with their main route table and default security group, subnets, internet and NAT gateways
 * (NAT state computed lazily from ctx->now_ms), route tables, elastic IPs, security groups and
 * rules, tags, zones; Describe* with ids, filters and paging; the starting topology's seed and the
 * hooks other services use. One row per resource (type = EC2's resource type, name = its id)
 * holding the item as Describe* returns it; a security group's ipPermissions are assembled from
 * its rule rows when described. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

#define EC2           "ec2"
#define E_PARAM       "InvalidParameterValue"
#define E_MISSING     "MissingParameter"
#define E_DEPENDENCY  "DependencyViolation"
#define E_ASSOCIATED  "Resource.AlreadyAssociated"
#define MAX_ALL       100000
#define MAX_TAGS      50
#define NAT_DELAY_MS  200
#define ID_HEX        17

/* ---- resource kinds ----------------------------------------------------------------------- */

struct kind {
    const char *prefix;   /* id prefix: "vpc-" */
    const char *type;     /* row type and DescribeTags resourceType */
    const char *id_key;   /* the id member of the item */
    const char *notfound; /* the NotFound code */
    const char *msg_pre;  /* NotFound message: msg_pre ID msg_post */
    const char *msg_post;
};

enum kind_id { K_VPC, K_SUBNET, K_RTB, K_IGW, K_NAT, K_SG, K_SGR, K_EIP, K_COUNT };

static const struct kind s_kinds[K_COUNT] = {
    {"vpc-", "vpc", "vpcId", "InvalidVpcID.NotFound", "The vpc ID '", "' does not exist"},
    {"subnet-", "subnet", "subnetId", "InvalidSubnetID.NotFound",
     "The subnet ID '", "' does not exist"},
    {"rtb-", "route-table", "routeTableId", "InvalidRouteTableID.NotFound",
     "The routeTable ID '", "' does not exist"},
    {"igw-", "internet-gateway", "internetGatewayId", "InvalidInternetGatewayID.NotFound",
     "The internetGateway ID '", "' does not exist"},
    {"nat-", "natgateway", "natGatewayId", "NatGatewayNotFound",
     "The Nat Gateway ", " was not found"},
    {"sg-", "security-group", "groupId", "InvalidGroup.NotFound",
     "The security group '", "' does not exist"},
    {"sgr-", "security-group-rule", "securityGroupRuleId", "InvalidSecurityGroupRuleId.NotFound",
     "The security group rule ID '", "' does not exist"},
    {"eipalloc-", "elastic-ip", "allocationId", "InvalidAllocationID.NotFound",
     "The allocation ID '", "' does not exist"},
};

static const struct kind *kind_of_id(const char *id)
{
    size_t i;

    for (i = 0; i < K_COUNT; i++) {
        if (strncmp(id, s_kinds[i].prefix, strlen(s_kinds[i].prefix)) == 0)
            return &s_kinds[i];
    }
    return NULL;
}

static void new_id(char out[40], const char *prefix)
{
    char hex[ID_HEX + 1];

    gf_local_random_hex(hex, ID_HEX);
    snprintf(out, 40, "%s%s", prefix, hex);
}

/* The NAT gateway's state now: pending -> available and deleting -> deleted NAT_DELAY_MS after
 * createTime / deleteTime (lazily, from ctx->now_ms). */
static void nat_refresh(const struct gf_local_ctx *ctx, json_t *nat)
{
    const char *state = json_string_value(json_object_get(nat, "state"));
    const char *at_key = NULL;
    const char *next = NULL;
    int64_t at_ms;

    if (!state)
        return;
    if (strcmp(state, "pending") == 0) {
        at_key = "createTime";
        next = "available";
    } else if (strcmp(state, "deleting") == 0) {
        at_key = "deleteTime";
        next = "deleted";
    }
    if (!next || gf_time_parse_iso8601(&at_ms, json_string_value(json_object_get(nat, at_key))) <
                     0)
        return;
    if (ctx->now_ms >= at_ms + NAT_DELAY_MS)
        json_object_set_new(nat, "state", json_string(next));
}

/* The item of `id` (NULL when absent). */
static int res_get(json_t **out, struct gf_local_ctx *ctx, enum kind_id k, const char *id)
{
    int rc = gf_local_db_get(out, ctx->db, EC2, s_kinds[k].type, id, 0);

    if (rc == 0 && *out && k == K_NAT)
        nat_refresh(ctx, *out);
    return rc;
}

/* The item of `id`, or the kind's NotFound. */
static int res_load(json_t **out, struct gf_local_ctx *ctx, enum kind_id k, const char *id)
{
    int rc = res_get(out, ctx, k, id);

    if (rc == 0 && !*out)
        return gf_local_fail(ctx, 400, s_kinds[k].notfound, "%s%s%s", s_kinds[k].msg_pre, id,
                             s_kinds[k].msg_post);
    return rc;
}

static int res_put(struct gf_local_ctx *ctx, enum kind_id k, const json_t *doc)
{
    const char *id = json_string_value(json_object_get(doc, s_kinds[k].id_key));
    struct gf_buf arn = GF_BUF_INIT;
    struct gf_buf res_name = GF_BUF_INIT;
    struct gf_local_res res;
    int rc;

    GF_ASSERT(id);
    gf_buf_printf(&res_name, "%s/%s", s_kinds[k].type, id);
    rc = gf_buf_failed(&res_name) ? gf_error_oom() : 0;
    if (rc == 0)
        rc = gf_local_arn(&arn, ctx, EC2, true, res_name.ptr);
    if (rc == 0) {
        memset(&res, 0, sizeof(res));
        res.service = EC2;
        res.type = s_kinds[k].type;
        res.name = id;
        res.arn = arn.ptr;
        res.status = "available";
        res.doc = doc;
        rc = gf_local_db_put(ctx->db, &res);
    }
    gf_buf_release(&arn);
    gf_buf_release(&res_name);
    return rc;
}

static int res_delete(struct gf_local_ctx *ctx, enum kind_id k, const char *id)
{
    bool deleted;

    return gf_local_db_delete(&deleted, ctx->db, EC2, s_kinds[k].type, id, 0);
}

/* Every item of kind k (a new array). */
static int res_all(json_t **out, struct gf_local_ctx *ctx, enum kind_id k)
{
    struct gf_local_list q = {EC2, s_kinds[k].type, NULL, NULL, false, 0, MAX_ALL};
    json_t *d;
    bool more;
    size_t i;
    int rc = gf_local_db_list(out, &more, ctx->db, &q);

    if (rc == 0 && k == K_NAT) {
        json_array_foreach(*out, i, d)
            nat_refresh(ctx, d);
    }
    return rc;
}

/* Whether any item of kind k has doc[key] == value (and passes `keep`, when given). */
static int res_any(bool *found_out, struct gf_local_ctx *ctx, enum kind_id k, const char *key,
                   const char *value, bool (*keep)(const json_t *doc))
{
    json_t *all = NULL, *d;
    size_t i;
    int rc = res_all(&all, ctx, k);

    *found_out = false;
    json_array_foreach(all, i, d) {
        const char *v = json_string_value(json_object_get(d, key));

        if (v && strcmp(v, value) == 0 && (!keep || keep(d)))
            *found_out = true;
    }
    json_decref(all);
    return rc;
}

/* ---- CIDR blocks -------------------------------------------------------------------------- */

struct cidr {
    uint32_t addr;
    int prefix;
};

/* A decimal number of 1-3 digits at *p, at most max; advances *p. */
static bool parse_octet(unsigned *out, const char **p, unsigned max)
{
    unsigned v = 0;
    int n = 0;

    while (n < 3 && isdigit((unsigned char)**p)) {
        v = v * 10 + (unsigned)(**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0 && v <= max && !isdigit((unsigned char)**p);
}

/* "a.b.c.d/n" with zero host bits. */
static bool parse_cidr(struct cidr *out, const char *s)
{
    const char *p = s;
    unsigned v, prefix;
    uint32_t addr = 0, mask;
    int i;

    for (i = 0; p && i < 4; i++) {
        if (!parse_octet(&v, &p, 255) || *p != (i < 3 ? '.' : '/'))
            return false;
        addr = (addr << 8) | v;
        p++;
    }
    if (!p || !parse_octet(&prefix, &p, 32) || *p != '\0')
        return false;
    out->addr = addr;
    out->prefix = (int)prefix;
    mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    return (addr & ~mask) == 0; /* host bits must be zero */
}

static uint32_t cidr_mask(int prefix)
{
    return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

static bool cidr_inside(const struct cidr *inner, const struct cidr *outer)
{
    return inner->prefix >= outer->prefix &&
           (inner->addr & cidr_mask(outer->prefix)) == outer->addr;
}

static bool cidr_overlap(const struct cidr *a, const struct cidr *b)
{
    return cidr_inside(a, b) || cidr_inside(b, a);
}

static int check_cidr(struct cidr *out, struct gf_local_ctx *ctx, const char *s, const char *param)
{
    if (parse_cidr(out, s))
        return 0;
    return gf_local_fail(ctx, 400, E_PARAM,
                         "Value (%s) for parameter %s is invalid. This is not a valid CIDR "
                         "block.",
                         s, param);
}

/* ---- zones -------------------------------------------------------------------------------- */

#define N_ZONES 3

/* "eu-west-1" + 'a' -> "eu-west-1a"; zone id "euw1-az1". */
static void zone_name(char out[48], const struct gf_local_ctx *ctx, int i)
{
    snprintf(out, 48, "%s%c", ctx->region, 'a' + i);
}

static void zone_id(char out[48], const struct gf_local_ctx *ctx, int i)
{
    const char *r = ctx->region;
    const char *d1 = strchr(r, '-');
    const char *d2 = d1 ? strchr(d1 + 1, '-') : NULL;

    if (d1 && d2)
        snprintf(out, 48, "%.*s%c%s-az%d", (int)(d1 - r), r, d1[1], d2 + 1, i + 1);
    else
        snprintf(out, 48, "%s-az%d", r, i + 1);
}

/* The zone index of a zone name or zone id, or -1. */
static int zone_index(const struct gf_local_ctx *ctx, const char *name_or_id)
{
    char n[48], id[48];
    int i;

    for (i = 0; i < N_ZONES; i++) {
        zone_name(n, ctx, i);
        zone_id(id, ctx, i);
        if (strcmp(n, name_or_id) == 0 || strcmp(id, name_or_id) == 0)
            return i;
    }
    return -1;
}

/* ---- tags --------------------------------------------------------------------------------- */

static int check_tag(struct gf_local_ctx *ctx, const char *key, const char *value)
{
    if (!key || !*key || strlen(key) > 127)
        return gf_local_fail(ctx, 400, E_PARAM, "Tag key must be 1 to 127 characters: '%s'",
                             key ? key : "");
    if (strncmp(key, "aws:", 4) == 0)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Tag keys starting with 'aws:' are reserved for internal use");
    if (value && strlen(value) > 255)
        return gf_local_fail(ctx, 400, E_PARAM, "Tag value exceeds the maximum length of 255 "
                                                "characters");
    return 0;
}

/* Set (add or overwrite) tags [{Key, Value}] into a tagSet [{key, value}]. */
static int tagset_merge(struct gf_local_ctx *ctx, json_t *tagset, const json_t *tags)
{
    const json_t *t, *have;
    size_t i, j;
    int rc;

    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));
        bool set = false;

        rc = check_tag(ctx, k, v);
        if (rc < 0)
            return rc;
        json_array_foreach(tagset, j, have) {
            if (strcmp(json_string_value(json_object_get(have, "key")), k) == 0) {
                json_object_set_new((json_t *)have, "value", json_string(v ? v : ""));
                set = true;
            }
        }
        if (!set && json_array_append_new(tagset, json_pack("{s:s,s:s}", "key", k, "value",
                                                            v ? v : "")) < 0)
            return gf_error_oom();
    }
    if (json_array_size(tagset) > MAX_TAGS)
        return gf_local_fail(ctx, 400, "TagLimitExceeded",
                             "The maximum number of tags for a resource is %d", MAX_TAGS);
    return 0;
}

/* The tagSet for a new resource of `type` from input TagSpecifications (a new array). */
static int tags_from_specs(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                           const char *type)
{
    const json_t *specs = NULL, *spec;
    size_t i;
    int rc;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    rc = gf_local_get_array(&specs, ctx, input, "TagSpecifications", NULL);
    json_array_foreach(specs, i, spec) {
        const char *rt = json_string_value(json_object_get(spec, "ResourceType"));

        if (rc < 0)
            break;
        if (!rt || strcmp(rt, type) != 0)
            rc = gf_local_fail(ctx, 400, E_PARAM,
                               "'%s' is not a valid taggable resource type for this operation.",
                               rt ? rt : "");
        else
            rc = tagset_merge(ctx, *out, json_object_get(spec, "Tags"));
    }
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- filters ------------------------------------------------------------------------------ */

struct filter_def {
    const char *name;
    const char *path; /* '.'-separated; arrays are walked */
};

/* Glob with '*' and '?', as EC2 filter values allow. */
static bool glob(const char *p, const char *s)
{
    if (*p == '\0')
        return *s == '\0';
    if (*p == '*')
        return glob(p + 1, s) || (*s && glob(p, s + 1));
    if (*s && (*p == '?' || *p == *s))
        return glob(p + 1, s + 1);
    return false;
}

/* Whether scalar v's text matches any of `values`. */
static bool scalar_matches(const json_t *v, const json_t *values)
{
    char num[32];
    const char *text = NULL;
    const json_t *x;
    size_t i;

    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_boolean(v))
        text = json_is_true(v) ? "true" : "false";
    else if (json_is_integer(v) && snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                                            json_integer_value(v)) > 0)
        text = num;
    json_array_foreach(values, i, x) {
        if (text && json_is_string(x) && glob(json_string_value(x), text))
            return true;
    }
    return false;
}

/* Whether any value at `path` of `v` matches any of `values`. */
static bool path_matches(const json_t *v, const char *path, const json_t *values)
{
    const char *dot;
    char key[64];
    const json_t *x;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if (path_matches(x, path, values))
                return true;
        }
        return false;
    }
    if (!*path)
        return scalar_matches(v, values);
    dot = strchr(path, '.');
    snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
    return path_matches(json_object_get(v, key), dot ? dot + 1 : "", values);
}

static bool tag_matches(const json_t *doc, const char *key, const json_t *values)
{
    const json_t *t;
    size_t i;

    json_array_foreach(json_object_get(doc, "tagSet"), i, t) {
        if (strcmp(json_string_value(json_object_get(t, "key")), key) == 0 &&
            path_matches(json_object_get(t, "value"), "", values))
            return true;
    }
    return false;
}

/* Whether doc passes filter {Name, Values}; an unknown name fails the request. */
static int filter_one(bool *pass_out, struct gf_local_ctx *ctx, const json_t *doc,
                      const json_t *filter, const struct filter_def *defs)
{
    const char *name = json_string_value(json_object_get(filter, "Name"));
    const json_t *values = json_object_get(filter, "Values");
    size_t i;

    if (!name)
        return gf_local_fail(ctx, 400, E_MISSING, "The request must contain the parameter "
                                                  "Filter.Name");
    if (strncmp(name, "tag:", 4) == 0) {
        *pass_out = tag_matches(doc, name + 4, values);
        return 0;
    }
    if (strcmp(name, "tag-key") == 0 || strcmp(name, "tag-value") == 0) {
        *pass_out = path_matches(json_object_get(doc, "tagSet"), name + 4, values);
        return 0;
    }
    for (i = 0; defs[i].name; i++) {
        if (strcmp(defs[i].name, name) == 0) {
            *pass_out = path_matches(doc, defs[i].path, values);
            return 0;
        }
    }
    return gf_local_fail(ctx, 400, E_PARAM, "The filter '%s' is invalid", name);
}

/* Keep the items of `all` that pass every filter (a new array). */
static int filter_all(json_t **out, struct gf_local_ctx *ctx, const json_t *all,
                      const json_t *filters, const struct filter_def *defs)
{
    const json_t *d, *f;
    size_t i, j;
    bool pass;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach(all, i, d) {
        pass = true;
        json_array_foreach(filters, j, f) {
            if (pass && rc == 0)
                rc = filter_one(&pass, ctx, d, f, defs);
        }
        if (rc < 0)
            break;
        if (pass && json_array_append(*out, (json_t *)d) < 0)
            rc = gf_error_oom();
    }
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static const struct filter_def s_vpc_filters[] = {
    {"vpc-id", "vpcId"},
    {"cidr", "cidrBlock"},
    {"cidr-block-association.cidr-block", "cidrBlockAssociationSet.cidrBlock"},
    {"cidr-block-association.association-id", "cidrBlockAssociationSet.associationId"},
    {"state", "state"},
    {"is-default", "isDefault"},
    {"isDefault", "isDefault"},
    {"owner-id", "ownerId"},
    {"dhcp-options-id", "dhcpOptionsId"},
    {NULL, NULL},
};

static const struct filter_def s_subnet_filters[] = {
    {"subnet-id", "subnetId"},
    {"vpc-id", "vpcId"},
    {"availability-zone", "availabilityZone"},
    {"availabilityZone", "availabilityZone"},
    {"availability-zone-id", "availabilityZoneId"},
    {"cidr-block", "cidrBlock"},
    {"cidr", "cidrBlock"},
    {"cidrBlock", "cidrBlock"},
    {"state", "state"},
    {"default-for-az", "defaultForAz"},
    {"defaultForAz", "defaultForAz"},
    {"map-public-ip-on-launch", "mapPublicIpOnLaunch"},
    {"subnet-arn", "subnetArn"},
    {"owner-id", "ownerId"},
    {NULL, NULL},
};

static const struct filter_def s_rtb_filters[] = {
    {"route-table-id", "routeTableId"},
    {"vpc-id", "vpcId"},
    {"association.subnet-id", "associationSet.subnetId"},
    {"association.main", "associationSet.main"},
    {"association.route-table-id", "associationSet.routeTableId"},
    {"association.route-table-association-id", "associationSet.routeTableAssociationId"},
    {"route.gateway-id", "routeSet.gatewayId"},
    {"route.nat-gateway-id", "routeSet.natGatewayId"},
    {"route.destination-cidr-block", "routeSet.destinationCidrBlock"},
    {"route.state", "routeSet.state"},
    {"owner-id", "ownerId"},
    {NULL, NULL},
};

static const struct filter_def s_igw_filters[] = {
    {"internet-gateway-id", "internetGatewayId"},
    {"attachment.vpc-id", "attachmentSet.vpcId"},
    {"attachment.state", "attachmentSet.state"},
    {"owner-id", "ownerId"},
    {NULL, NULL},
};

static const struct filter_def s_nat_filters[] = {
    {"nat-gateway-id", "natGatewayId"},
    {"subnet-id", "subnetId"},
    {"vpc-id", "vpcId"},
    {"state", "state"},
    {NULL, NULL},
};

static const struct filter_def s_sg_filters[] = {
    {"group-id", "groupId"},
    {"group-name", "groupName"},
    {"vpc-id", "vpcId"},
    {"description", "groupDescription"},
    {"owner-id", "ownerId"},
    {"ip-permission.cidr", "ipPermissions.ipRanges.cidrIp"},
    {"ip-permission.group-id", "ipPermissions.groups.groupId"},
    {"ip-permission.protocol", "ipPermissions.ipProtocol"},
    {"ip-permission.from-port", "ipPermissions.fromPort"},
    {"ip-permission.to-port", "ipPermissions.toPort"},
    {"egress.ip-permission.cidr", "ipPermissionsEgress.ipRanges.cidrIp"},
    {"egress.ip-permission.group-id", "ipPermissionsEgress.groups.groupId"},
    {NULL, NULL},
};

static const struct filter_def s_sgr_filters[] = {
    {"group-id", "groupId"},
    {"security-group-rule-id", "securityGroupRuleId"},
    {NULL, NULL},
};

static const struct filter_def s_tag_filters[] = {
    {"resource-id", "resourceId"},
    {"resource-type", "resourceType"},
    {"key", "key"},
    {"value", "value"},
    {NULL, NULL},
};

static const struct filter_def s_zone_filters[] = {
    {"zone-name", "zoneName"},
    {"zone-id", "zoneId"},
    {"state", "zoneState"},
    {"region-name", "regionName"},
    {"zone-type", "zoneType"},
    {"group-name", "groupName"},
    {NULL, NULL},
};

/* ---- Describe* ---------------------------------------------------------------------------- */

static const struct gf_local_page s_page = {"MaxResults", "NextToken", "nextToken", 1000, E_PARAM};

/* The page [offset, offset+limit) of items as out[key], with nextToken when more remain. */
static int page_out(json_t **out, const json_t *items, const char *key, int64_t offset,
                    int64_t limit)
{
    json_t *o = json_object();
    json_t *page = json_array();
    size_t n = json_array_size(items), i;
    bool more = limit > 0 && (size_t)(offset + limit) < n;
    int rc = (o && page) ? 0 : gf_error_oom();

    for (i = (size_t)offset; rc == 0 && i < n && (limit <= 0 || i < (size_t)(offset + limit));
         i++)
        rc = json_array_append(page, json_array_get(items, i)) < 0 ? gf_error_oom() : 0;
    if (rc == 0)
        rc = gf_local_set(o, key, json_incref(page));
    if (rc == 0)
        rc = gf_local_page_set(o, &s_page, more, offset, json_array_size(page));
    json_decref(page);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

struct describe {
    enum kind_id kind;
    const char *ids_key;
    const char *filters_key;
    const char *out_key;
    const struct filter_def *filters;
    /* complete an item before filtering (security groups: their permissions), or NULL */
    int (*complete)(struct gf_local_ctx *ctx, json_t *doc);
};

/* The items named by `ids` (each must exist) or all of them. */
static int describe_items(json_t **out, struct gf_local_ctx *ctx, const struct describe *d,
                          const json_t *ids)
{
    const json_t *id;
    json_t *doc = NULL;
    size_t i;
    int rc = 0;

    if (json_array_size(ids) == 0)
        return res_all(out, ctx, d->kind);
    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach(ids, i, id) {
        if (!json_is_string(id)) {
            rc = gf_local_fail(ctx, 400, E_PARAM, "'%s' must be a list of strings", d->ids_key);
            break;
        }
        rc = res_load(&doc, ctx, d->kind, json_string_value(id));
        if (rc < 0)
            break;
        rc = json_array_append_new(*out, doc) < 0 ? gf_error_oom() : 0;
        doc = NULL;
        if (rc < 0)
            break;
    }
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static int describe(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                    const struct describe *d)
{
    const json_t *ids = NULL, *filters = NULL;
    json_t *items = NULL, *kept = NULL, *doc;
    int64_t limit = 0, offset = 0;
    bool given = false;
    size_t i;
    int rc;

    rc = d->ids_key ? gf_local_get_array(&ids, ctx, input, d->ids_key, NULL) : 0;
    if (rc == 0)
        rc = gf_local_get_array(&filters, ctx, input, d->filters_key, NULL);
    if (rc == 0)
        rc = gf_local_get_int(&limit, &given, ctx, input, "MaxResults", NULL);
    if (rc == 0 && given && (limit < 5 || limit > 1000))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Value ( %" PRId64 " ) for parameter maxResults is invalid. Expecting "
                           "a value between 5 and 1000.",
                           limit);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = describe_items(&items, ctx, d, ids);
    json_array_foreach(items, i, doc) {
        if (rc == 0 && d->complete)
            rc = d->complete(ctx, doc);
    }
    if (rc == 0)
        rc = filter_all(&kept, ctx, items, filters, d->filters);
    if (rc == 0)
        rc = page_out(out, kept, d->out_key, offset, given ? limit : 0);
    json_decref(items);
    json_decref(kept);
    return rc;
}

/* ---- security group rules ----------------------------------------------------------------- */

/* json_equal, with two absent values equal. */
static bool eq(const json_t *a, const json_t *b)
{
    return (!a && !b) || json_equal(a, b);
}

/* A rule's permission key: protocol and ports. */
static bool same_ports(const json_t *a, const json_t *b)
{
    return eq(json_object_get(a, "ipProtocol"), json_object_get(b, "ipProtocol")) &&
           eq(json_object_get(a, "fromPort"), json_object_get(b, "fromPort")) &&
           eq(json_object_get(a, "toPort"), json_object_get(b, "toPort"));
}

/* Whether two rules are the same rule (group, direction, ports, peer). */
static bool same_rule(const json_t *a, const json_t *b)
{
    return same_ports(a, b) && eq(json_object_get(a, "groupId"),
                                          json_object_get(b, "groupId")) &&
           eq(json_object_get(a, "isEgress"), json_object_get(b, "isEgress")) &&
           eq(json_object_get(a, "cidrIpv4"), json_object_get(b, "cidrIpv4")) &&
           eq(json_object_get(a, "cidrIpv6"), json_object_get(b, "cidrIpv6")) &&
           eq(json_object_get(json_object_get(a, "referencedGroupInfo"), "groupId"),
                      json_object_get(json_object_get(b, "referencedGroupInfo"), "groupId"));
}

/* The rules of group `group_id` (a new array), in one direction or both (egress < 0). */
static int group_rules(json_t **out, struct gf_local_ctx *ctx, const char *group_id, int egress)
{
    json_t *all = NULL, *r;
    size_t i;
    int rc = res_all(&all, ctx, K_SGR);

    *out = json_array();
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    json_array_foreach(all, i, r) {
        if (rc == 0 && strcmp(json_string_value(json_object_get(r, "groupId")), group_id) == 0 &&
            (egress < 0 || json_is_true(json_object_get(r, "isEgress")) == (egress == 1)))
            rc = json_array_append(*out, r) < 0 ? gf_error_oom() : 0;
    }
    json_decref(all);
    return rc;
}

/* The IpPermission of rule r (protocol, ports, empty peer lists). */
static json_t *permission_of(const json_t *r)
{
    json_t *p = json_pack("{s:O,s:[],s:[],s:[],s:[]}", "ipProtocol",
                          json_object_get(r, "ipProtocol"), "groups", "ipRanges", "ipv6Ranges",
                          "prefixListIds");

    if (p && strcmp(json_string_value(json_object_get(r, "ipProtocol")), "-1") != 0) {
        json_object_set(p, "fromPort", json_object_get(r, "fromPort"));
        json_object_set(p, "toPort", json_object_get(r, "toPort"));
    }
    return p;
}

/* Add rule r's peer to permission p. */
static int add_peer(json_t *p, const json_t *r)
{
    const json_t *desc = json_object_get(r, "description");
    const json_t *ref = json_object_get(r, "referencedGroupInfo");
    json_t *peer = NULL;
    const char *list = NULL;

    if (ref) {
        peer = json_pack("{s:O,s:O}", "groupId", json_object_get(ref, "groupId"), "userId",
                         json_object_get(ref, "userId"));
        list = "groups";
    } else if (json_object_get(r, "cidrIpv6")) {
        peer = json_pack("{s:O}", "cidrIpv6", json_object_get(r, "cidrIpv6"));
        list = "ipv6Ranges";
    } else {
        peer = json_pack("{s:O}", "cidrIp", json_object_get(r, "cidrIpv4"));
        list = "ipRanges";
    }
    if (!peer)
        return gf_error_oom();
    if (desc)
        json_object_set(peer, "description", (json_t *)(uintptr_t)desc);
    return json_array_append_new(json_object_get(p, list), peer) < 0 ? gf_error_oom() : 0;
}

/* ipPermissions from a group's rules of one direction, grouped by protocol and ports. */
static int permissions_of(json_t **out, const json_t *rules)
{
    const json_t *r, *p;
    json_t *perm;
    size_t i, j;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach(rules, i, r) {
        perm = NULL;
        json_array_foreach(*out, j, p) {
            if (!perm && same_ports(p, r))
                perm = (json_t *)p;
        }
        if (!perm) {
            perm = permission_of(r);
            if (!perm || json_array_append_new(*out, perm) < 0)
                rc = gf_error_oom();
        }
        if (rc == 0)
            rc = add_peer(perm, r);
        if (rc < 0)
            break;
    }
    return rc;
}

/* Describe's completion of a security group: ipPermissions and ipPermissionsEgress. */
static int sg_complete(struct gf_local_ctx *ctx, json_t *sg)
{
    const char *id = json_string_value(json_object_get(sg, "groupId"));
    json_t *rules = NULL, *perms = NULL;
    int egress, rc = 0;

    for (egress = 0; rc == 0 && egress < 2; egress++) {
        rc = group_rules(&rules, ctx, id, egress);
        if (rc == 0)
            rc = permissions_of(&perms, rules);
        if (rc == 0)
            rc = gf_local_set(sg, egress ? "ipPermissionsEgress" : "ipPermissions", perms);
        perms = NULL;
        json_decref(rules);
        rules = NULL;
    }
    return rc;
}

/* A new rule document. peer_key: "cidrIpv4", "cidrIpv6" or "groupId" (referenced group). */
static json_t *new_rule(struct gf_local_ctx *ctx, const char *group_id, bool egress,
                        const char *proto, int64_t from, int64_t to, const char *peer_key,
                        const char *peer, const char *description)
{
    char id[40];
    struct gf_buf arn = GF_BUF_INIT;
    json_t *r;

    new_id(id, "sgr-");
    gf_buf_printf(&arn, "arn:aws:ec2:%s:%s:security-group-rule/%s", ctx->region, ctx->account,
                  id);
    r = json_pack("{s:s,s:s,s:s,s:b,s:s,s:I,s:I,s:[],s:s}", "securityGroupRuleId", id,
                  "groupId", group_id, "groupOwnerId", ctx->account, "isEgress", egress,
                  "ipProtocol", proto, "fromPort", (json_int_t)from, "toPort", (json_int_t)to,
                  "tagSet", "securityGroupRuleArn", arn.ptr);
    if (r && strcmp(peer_key, "groupId") == 0)
        json_object_set_new(r, "referencedGroupInfo",
                            json_pack("{s:s,s:s}", "groupId", peer, "userId", ctx->account));
    else if (r)
        json_object_set_new(r, peer_key, json_string(peer));
    if (r && description)
        json_object_set_new(r, "description", json_string(description));
    if (gf_buf_failed(&arn)) {
        json_decref(r);
        r = NULL;
    }
    gf_buf_release(&arn);
    return r;
}

/* "tcp" / "6" -> "tcp" and so on; "all" / "-1" -> "-1"; NULL when unknown. */
static const char *norm_proto(const char *p)
{
    static const char *const names[][2] = {{"tcp", "6"},   {"udp", "17"}, {"icmp", "1"},
                                           {"-1", "all"},  {"icmpv6", "58"}};
    size_t i;
    int64_t n;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(p, names[i][0]) == 0 || strcmp(p, names[i][1]) == 0)
            return names[i][0];
    }
    if (gf_slice_to_i64(&n, gf_slice_from(p), 0, 255) == 0)
        return p;
    return NULL;
}

struct perm_ports {
    const char *proto;
    int64_t from, to;
};

static int read_ports(struct perm_ports *out, struct gf_local_ctx *ctx, const json_t *perm)
{
    const char *proto = NULL;
    bool has_from = false, has_to = false;
    int rc;

    out->from = -1;
    out->to = -1;
    rc = gf_local_get_string(&proto, ctx, perm, "IpProtocol", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_int(&out->from, &has_from, ctx, perm, "FromPort", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&out->to, &has_to, ctx, perm, "ToPort", NULL);
    if (rc < 0)
        return rc;
    out->proto = norm_proto(proto);
    if (!out->proto)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid value '%s' for IP protocol. Unknown "
                                                "protocol.",
                             proto);
    if (strcmp(out->proto, "-1") == 0) {
        out->from = -1;
        out->to = -1;
        return 0;
    }
    if (strcmp(out->proto, "tcp") != 0 && strcmp(out->proto, "udp") != 0)
        return 0; /* icmp: type and code, -1 for all */
    if (!has_from || !has_to)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid value 'null' for portRange. Must "
                                                "specify both from and to ports with TCP/UDP.");
    if (out->from < 0 || out->to > 65535 || out->from > out->to)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Invalid value '%" PRId64 "-%" PRId64 "' for portRange.", out->from,
                             out->to);
    return 0;
}

/* Expand one IpPermission into rule documents appended to `rules`. */
static int expand_permission(json_t *rules, struct gf_local_ctx *ctx, const char *group_id,
                             bool egress, const json_t *perm)
{
    static const char *const lists[][3] = {{"IpRanges", "CidrIp", "cidrIpv4"},
                                           {"Ipv6Ranges", "CidrIpv6", "cidrIpv6"},
                                           {"UserIdGroupPairs", "GroupId", "groupId"}};
    struct perm_ports pp;
    const json_t *items, *it;
    json_t *doc = NULL;
    struct cidr c;
    size_t i, j;
    int rc = read_ports(&pp, ctx, perm);

    for (i = 0; rc == 0 && i < 3; i++) {
        rc = gf_local_get_array(&items, ctx, perm, lists[i][0], NULL);
        json_array_foreach(items, j, it) {
            const char *peer = json_string_value(json_object_get(it, lists[i][1]));
            const char *desc = json_string_value(json_object_get(it, "Description"));

            if (rc < 0)
                break;
            if (!peer)
                rc = gf_local_fail(ctx, 400, E_MISSING,
                                   "The request must contain the parameter %s", lists[i][1]);
            else if ((i == 0 && !parse_cidr(&c, peer)) ||
                     (i == 1 && (!strchr(peer, ':') || !strchr(peer, '/'))))
                rc = gf_local_fail(ctx, 400, E_PARAM, "CIDR block %s is malformed", peer);
            else if (i == 2)
                rc = res_load(&doc, ctx, K_SG, peer);
            json_decref(doc);
            doc = NULL;
            if (rc == 0 && json_array_append_new(rules, new_rule(ctx, group_id, egress, pp.proto,
                                                                 pp.from, pp.to, lists[i][2],
                                                                 peer, desc)) < 0)
                rc = gf_error_oom();
        }
    }
    return rc;
}

/* IpPermissions of the input, or one built from the legacy top-level members (IpProtocol,
 * FromPort, ToPort, CidrIp) older callers send. A new array. */
static int input_permissions(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *perms = NULL;
    const char *cidr = NULL, *proto = NULL;
    json_t *p;
    int rc;

    *out = NULL;
    rc = gf_local_get_array(&perms, ctx, input, "IpPermissions", NULL);
    if (rc == 0 && json_array_size(perms) > 0) {
        *out = json_incref((json_t *)perms);
        return 0;
    }
    if (rc == 0)
        rc = gf_local_get_string(&proto, ctx, input, "IpProtocol", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&cidr, ctx, input, "CidrIp", NULL);
    if (rc < 0)
        return rc;
    if (!proto || !cidr)
        return gf_local_fail(ctx, 400, E_MISSING, "The request must contain the parameter "
                                                  "ipPermissions");
    p = json_pack("{s:s,s:[{s:s}]}", "IpProtocol", proto, "IpRanges", "CidrIp", cidr);
    if (p && json_object_get(input, "FromPort"))
        json_object_set(p, "FromPort", json_object_get(input, "FromPort"));
    if (p && json_object_get(input, "ToPort"))
        json_object_set(p, "ToPort", json_object_get(input, "ToPort"));
    *out = p ? json_pack("[o]", p) : NULL;
    return *out ? 0 : gf_error_oom();
}

/* "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW", as AWS words a rule. */
static void rule_text(char *out, size_t size, const json_t *r)
{
    const json_t *ref = json_object_get(r, "referencedGroupInfo");
    const char *peer = ref ? json_string_value(json_object_get(ref, "groupId"))
                           : json_string_value(json_object_get(r, "cidrIpv4"));
    char proto[16];
    size_t i;

    if (!peer)
        peer = json_string_value(json_object_get(r, "cidrIpv6"));
    snprintf(proto, sizeof(proto), "%s",
             json_string_value(json_object_get(r, "ipProtocol")));
    for (i = 0; proto[i]; i++)
        proto[i] = (char)toupper((unsigned char)proto[i]);
    snprintf(out, size, "peer: %s, %s, from port: %" JSON_INTEGER_FORMAT
                        ", to port: %" JSON_INTEGER_FORMAT ", ALLOW",
             peer ? peer : "", proto, json_integer_value(json_object_get(r, "fromPort")),
             json_integer_value(json_object_get(r, "toPort")));
}

/* The index in `have` of a rule equal to r, or -1. */
static int rule_index(const json_t *have, const json_t *r)
{
    const json_t *h;
    size_t i;

    json_array_foreach(have, i, h) {
        if (same_rule(h, r))
            return (int)i;
    }
    return -1;
}

/* The rules the input's permissions name, for group `sg` in one direction (a new array). */
static int wanted_rules(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                        const char *group_id, bool egress)
{
    json_t *perms = NULL;
    const json_t *p;
    size_t i;
    int rc;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    rc = input_permissions(&perms, ctx, input);
    json_array_foreach(perms, i, p) {
        if (rc == 0)
            rc = expand_permission(*out, ctx, group_id, egress, p);
    }
    json_decref(perms);
    return rc;
}

static int load_group_of_input(json_t **sg_out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *gid = NULL;
    int rc = gf_local_get_string(&gid, ctx, input, "GroupId", E_MISSING);

    if (rc == 0)
        rc = res_load(sg_out, ctx, K_SG, gid);
    return rc;
}

static int authorize(json_t **out, struct gf_local_ctx *ctx, const json_t *input, bool egress)
{
    json_t *sg = NULL, *want = NULL, *have = NULL, *r;
    const char *gid;
    char text[256];
    size_t i;
    int rc;

    rc = load_group_of_input(&sg, ctx, input);
    if (rc < 0)
        goto out;
    gid = json_string_value(json_object_get(sg, "groupId"));
    rc = wanted_rules(&want, ctx, input, gid, egress);
    if (rc == 0)
        rc = group_rules(&have, ctx, gid, egress ? 1 : 0);
    json_array_foreach(want, i, r) {
        if (rc < 0)
            break;
        if (rule_index(have, r) >= 0) {
            rule_text(text, sizeof(text), r);
            rc = gf_local_fail(ctx, 400, "InvalidPermission.Duplicate",
                               "the specified rule \"%s\" already exists", text);
        } else if (json_array_append(have, r) < 0) {
            rc = gf_error_oom();
        }
    }
    json_array_foreach(want, i, r) {
        if (rc == 0)
            rc = res_put(ctx, K_SGR, r);
    }
    if (rc == 0) {
        *out = json_pack("{s:b,s:O}", "return", 1, "securityGroupRuleSet", want);
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(sg);
    json_decref(want);
    json_decref(have);
    return rc;
}

/* The rule of `have` with id `id`, or NULL. */
static const json_t *rule_by_id(const json_t *have, const json_t *id)
{
    const json_t *h;
    size_t i;

    json_array_foreach(have, i, h) {
        if (json_equal(json_object_get(h, "securityGroupRuleId"), id))
            return h;
    }
    return NULL;
}

/* The rules named by SecurityGroupRuleIds, appended to out (each must exist). */
static int revoke_by_ids(json_t *out, struct gf_local_ctx *ctx, const json_t *ids,
                         const json_t *have)
{
    const json_t *id, *h;
    size_t i;

    json_array_foreach(ids, i, id) {
        h = rule_by_id(have, id);
        if (!h)
            return gf_local_fail(ctx, 400, "InvalidSecurityGroupRuleId.NotFound",
                                 "The security group rule ID '%s' does not exist",
                                 json_is_string(id) ? json_string_value(id) : "");
        if (json_array_append(out, (json_t *)(uintptr_t)h) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* The rules to revoke: by SecurityGroupRuleIds or by permissions (each must exist). */
static int revoke_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                          const char *gid, bool egress, const json_t *have)
{
    const json_t *ids = NULL;
    json_t *want = NULL, *r;
    size_t i;
    int at, rc;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    rc = gf_local_get_array(&ids, ctx, input, "SecurityGroupRuleIds", NULL);
    if (rc == 0 && json_array_size(ids) > 0)
        return revoke_by_ids(*out, ctx, ids, have);
    if (rc == 0)
        rc = wanted_rules(&want, ctx, input, gid, egress);
    json_array_foreach(want, i, r) {
        if (rc < 0)
            break;
        at = rule_index(have, r);
        if (at < 0)
            rc = gf_local_fail(ctx, 400, "InvalidPermission.NotFound",
                               "The specified rule does not exist in this security group.");
        else
            rc = json_array_append(*out, json_array_get(have, (size_t)at)) < 0 ? gf_error_oom()
                                                                              : 0;
    }
    json_decref(want);
    return rc;
}

static int revoke(json_t **out, struct gf_local_ctx *ctx, const json_t *input, bool egress)
{
    json_t *sg = NULL, *have = NULL, *gone = NULL, *r;
    const char *gid;
    size_t i;
    int rc;

    rc = load_group_of_input(&sg, ctx, input);
    if (rc < 0)
        goto out;
    gid = json_string_value(json_object_get(sg, "groupId"));
    rc = group_rules(&have, ctx, gid, egress ? 1 : 0);
    if (rc == 0)
        rc = revoke_targets(&gone, ctx, input, gid, egress, have);
    json_array_foreach(gone, i, r) {
        if (rc == 0)
            rc = res_delete(ctx, K_SGR,
                            json_string_value(json_object_get(r, "securityGroupRuleId")));
    }
    if (rc == 0) {
        *out = json_pack("{s:b,s:O}", "return", 1, "revokedSecurityGroupRuleSet", gone);
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(sg);
    json_decref(have);
    json_decref(gone);
    return rc;
}

static int ec2_authorize_ingress(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return authorize(out, ctx, input, false);
}

static int ec2_authorize_egress(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return authorize(out, ctx, input, true);
}

static int ec2_revoke_ingress(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return revoke(out, ctx, input, false);
}

static int ec2_revoke_egress(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return revoke(out, ctx, input, true);
}

/* ---- security groups ---------------------------------------------------------------------- */

/* Create group `name` in `vpc_id` with AWS's default rules: egress all to 0.0.0.0/0, and for a
 * VPC's "default" group ingress all from itself. *id_out gets its id. Steals tagset. */
static int sg_create(char id_out[40], struct gf_local_ctx *ctx, const char *vpc_id,
                     const char *name, const char *description, json_t *tagset)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *sg = NULL, *rule = NULL;
    int rc;

    new_id(id_out, "sg-");
    gf_buf_printf(&arn, "arn:aws:ec2:%s:%s:security-group/%s", ctx->region, ctx->account, id_out);
    sg = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "groupId", id_out, "groupName", name,
                   "groupDescription", description, "vpcId", vpc_id, "ownerId", ctx->account,
                   "securityGroupArn", arn.ptr, "tagSet", tagset);
    rc = (sg && !gf_buf_failed(&arn)) ? res_put(ctx, K_SG, sg) : gf_error_oom();
    if (rc == 0) {
        rule = new_rule(ctx, id_out, true, "-1", -1, -1, "cidrIpv4", "0.0.0.0/0", NULL);
        rc = rule ? res_put(ctx, K_SGR, rule) : gf_error_oom();
        json_decref(rule);
        rule = NULL;
    }
    if (rc == 0 && strcmp(name, "default") == 0) {
        rule = new_rule(ctx, id_out, false, "-1", -1, -1, "groupId", id_out, NULL);
        rc = rule ? res_put(ctx, K_SGR, rule) : gf_error_oom();
    }
    json_decref(rule);
    json_decref(sg);
    gf_buf_release(&arn);
    return rc;
}

static bool is_default_vpc(const json_t *vpc)
{
    return json_is_true(json_object_get(vpc, "isDefault"));
}

/* The default VPC's id into out (40 bytes), or VPCIdNotSpecified. */
static int default_vpc(char out[40], struct gf_local_ctx *ctx)
{
    json_t *all = NULL, *v;
    size_t i;
    int rc = res_all(&all, ctx, K_VPC);

    out[0] = '\0';
    json_array_foreach(all, i, v) {
        if (!out[0] && is_default_vpc(v))
            snprintf(out, 40, "%s", json_string_value(json_object_get(v, "vpcId")));
    }
    json_decref(all);
    if (rc == 0 && !out[0])
        rc = gf_local_fail(ctx, 400, "VPCIdNotSpecified", "No default VPC for this user");
    return rc;
}

/* Whether group `name` exists in `vpc_id`. */
static int sg_name_taken(bool *taken_out, struct gf_local_ctx *ctx, const char *vpc_id,
                         const char *name)
{
    json_t *all = NULL, *g;
    size_t i;
    int rc = res_all(&all, ctx, K_SG);

    *taken_out = false;
    json_array_foreach(all, i, g) {
        if (strcmp(json_string_value(json_object_get(g, "vpcId")), vpc_id) == 0 &&
            strcmp(json_string_value(json_object_get(g, "groupName")), name) == 0)
            *taken_out = true;
    }
    json_decref(all);
    return rc;
}

static bool printable_ascii(const char *s)
{
    for (; *s; s++) {
        if (*s < 0x20 || *s > 0x7e)
            return false;
    }
    return true;
}

static int check_sg_input(struct gf_local_ctx *ctx, const char *name, const char *desc)
{
    if (strlen(name) == 0 || strlen(name) > 255 || !printable_ascii(name))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value (%s) for parameter GroupName is invalid. Group names may "
                             "be 1-255 characters long.",
                             name);
    if (strncmp(name, "sg-", 3) == 0)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value (%s) for parameter GroupName is invalid. Group names may "
                             "not be in the format sg-*.",
                             name);
    if (!desc || strlen(desc) > 255 || !printable_ascii(desc))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value (%s) for parameter GroupDescription is invalid. Character "
                             "sets beyond ASCII are not supported.",
                             desc);
    return 0;
}

static int ec2_create_security_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *desc = NULL, *vpc_id = NULL;
    json_t *vpc = NULL, *tags = NULL;
    char vpc_buf[40], id[40];
    bool taken = false;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "GroupName", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&desc, ctx, input, "Description", NULL);
    if (rc == 0 && !desc)
        rc = gf_local_fail(ctx, 400, E_MISSING, "The request must contain the parameter "
                                                "GroupDescription");
    if (rc == 0)
        rc = gf_local_get_string(&vpc_id, ctx, input, "VpcId", NULL);
    if (rc == 0)
        rc = check_sg_input(ctx, name, desc);
    if (rc == 0 && !vpc_id) {
        rc = default_vpc(vpc_buf, ctx);
        vpc_id = vpc_buf;
    }
    if (rc == 0)
        rc = res_load(&vpc, ctx, K_VPC, vpc_id);
    if (rc == 0)
        rc = sg_name_taken(&taken, ctx, vpc_id, name);
    if (rc == 0 && taken)
        rc = gf_local_fail(ctx, 400, "InvalidGroup.Duplicate",
                           "The security group '%s' already exists for VPC '%s'", name, vpc_id);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "security-group");
    if (rc == 0)
        rc = sg_create(id, ctx, vpc_id, name, desc, json_incref(tags));
    if (rc == 0) {
        *out = json_pack("{s:b,s:s,s:O}", "return", 1, "groupId", id, "tagSet", tags);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(vpc);
    json_decref(tags);
    return rc;
}

/* Delete a group and its rules (no checks). */
static int sg_remove(struct gf_local_ctx *ctx, const char *gid)
{
    json_t *rules = NULL, *r;
    size_t i;
    int rc = group_rules(&rules, ctx, gid, -1);

    json_array_foreach(rules, i, r) {
        if (rc == 0)
            rc = res_delete(ctx, K_SGR,
                            json_string_value(json_object_get(r, "securityGroupRuleId")));
    }
    json_decref(rules);
    return rc == 0 ? res_delete(ctx, K_SG, gid) : rc;
}

/* Whether a rule of another group references `gid`. */
static int sg_referenced(bool *ref_out, struct gf_local_ctx *ctx, const char *gid)
{
    json_t *all = NULL, *r;
    size_t i;
    int rc = res_all(&all, ctx, K_SGR);

    *ref_out = false;
    json_array_foreach(all, i, r) {
        const char *other = json_string_value(
            json_object_get(json_object_get(r, "referencedGroupInfo"), "groupId"));

        if (other && gid && strcmp(other, gid) == 0 &&
            !json_equal(json_object_get(r, "groupId"), json_object_get(json_object_get(
                                                           r, "referencedGroupInfo"), "groupId")))
            *ref_out = true;
    }
    json_decref(all);
    return rc;
}

static int ec2_delete_security_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *gid = NULL, *name = NULL;
    json_t *sg = NULL;
    bool referenced = false;
    int rc;

    rc = gf_local_get_string(&gid, ctx, input, "GroupId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&name, ctx, input, "GroupName", NULL);
    if (rc == 0 && !gid)
        rc = name ? gf_local_fail(ctx, 400, "InvalidGroup.NotFound",
                                  "The security group '%s' does not exist in default VPC", name)
                  : gf_local_fail(ctx, 400, E_MISSING,
                                  "The request must contain the parameter GroupId");
    if (rc == 0)
        rc = res_load(&sg, ctx, K_SG, gid);
    if (rc == 0 && strcmp(json_string_value(json_object_get(sg, "groupName")), "default") == 0)
        rc = gf_local_fail(ctx, 400, "CannotDelete",
                           "the specified group: \"%s\" name: \"default\" cannot be deleted by "
                           "a user",
                           gid);
    if (rc == 0)
        rc = sg_referenced(&referenced, ctx, gid);
    if (rc == 0 && referenced)
        rc = gf_local_fail(ctx, 400, E_DEPENDENCY, "resource %s has a dependent object", gid);
    if (rc == 0)
        rc = sg_remove(ctx, gid);
    if (rc == 0) {
        *out = json_pack("{s:b,s:s}", "return", 1, "groupId", gid);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(sg);
    return rc;
}

static const struct describe s_describe_sg = {K_SG, "GroupIds", "Filters", "securityGroupInfo",
                                              s_sg_filters, sg_complete};

static int ec2_describe_security_groups(json_t **out, struct gf_local_ctx *ctx,
                                        const json_t *input)
{
    const json_t *names = NULL, *n;
    const json_t *ids = NULL;
    size_t i;
    int rc;

    rc = gf_local_get_array(&names, ctx, input, "GroupNames", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&ids, ctx, input, "GroupIds", NULL);
    json_array_foreach(ids, i, n) {
        if (rc == 0 && json_is_string(n) && strncmp(json_string_value(n), "sg-", 3) != 0)
            rc = gf_local_fail(ctx, 400, "InvalidGroupId.Malformed",
                               "Invalid id: \"%s\" (expecting \"sg-...\")", json_string_value(n));
    }
    /* GroupNames name groups of the default VPC only (use the group-name filter elsewhere) */
    json_array_foreach(names, i, n) {
        if (rc == 0)
            rc = gf_local_fail(ctx, 400, "InvalidGroup.NotFound",
                               "The security group '%s' does not exist in default VPC",
                               json_is_string(n) ? json_string_value(n) : "");
    }
    if (rc < 0)
        return rc;
    return describe(out, ctx, input, &s_describe_sg);
}

static const struct describe s_describe_sgr = {K_SGR, "SecurityGroupRuleIds", "Filters",
                                               "securityGroupRuleSet", s_sgr_filters, NULL};

static int ec2_describe_security_group_rules(json_t **out, struct gf_local_ctx *ctx,
                                             const json_t *input)
{
    return describe(out, ctx, input, &s_describe_sgr);
}

/* ---- VPCs --------------------------------------------------------------------------------- */

/* A route table of `vpc` with its local route; main: with the main association. Steals
 * tagset. */
static json_t *new_route_table(struct gf_local_ctx *ctx, const char *vpc_id, const char *cidr,
                               bool main, json_t *tagset)
{
    char id[40], assoc[40];
    json_t *rt;

    new_id(id, "rtb-");
    rt = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s}],s:[],s:[],s:o}", "routeTableId", id,
                   "vpcId", vpc_id, "ownerId", ctx->account, "routeSet", "destinationCidrBlock",
                   cidr, "gatewayId", "local", "state", "active", "origin", "CreateRouteTable",
                   "associationSet", "propagatingVgwSet", "tagSet", tagset);
    if (rt && main) {
        new_id(assoc, "rtbassoc-");
        json_array_append_new(json_object_get(rt, "associationSet"),
                              json_pack("{s:b,s:s,s:s,s:{s:s}}", "main", 1,
                                        "routeTableAssociationId", assoc, "routeTableId", id,
                                        "associationState", "state", "associated"));
    }
    return rt;
}

/* Create a VPC with its main route table and default security group. *vpc_out (a new ref) is
 * the VPC item. */
static int vpc_create(json_t **vpc_out, struct gf_local_ctx *ctx, const char *cidr,
                      json_t *tagset)
{
    char id[40], assoc[40], dopt[40], sg[40];
    json_t *vpc = NULL, *rt = NULL;
    int rc;

    new_id(id, "vpc-");
    new_id(assoc, "vpc-cidr-assoc-");
    new_id(dopt, "dopt-");
    vpc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:[{s:s,s:s,s:{s:s}}],s:[],s:O}", "vpcId", id,
                    "ownerId", ctx->account, "state", "available", "cidrBlock", cidr,
                    "dhcpOptionsId", dopt, "instanceTenancy", "default", "isDefault", 0,
                    "cidrBlockAssociationSet", "associationId", assoc, "cidrBlock", cidr,
                    "cidrBlockState", "state", "associated", "ipv6CidrBlockAssociationSet",
                    "tagSet", tagset);
    rt = new_route_table(ctx, id, cidr, true, json_array());
    rc = (vpc && rt) ? res_put(ctx, K_VPC, vpc) : gf_error_oom();
    if (rc == 0)
        rc = res_put(ctx, K_RTB, rt);
    if (rc == 0)
        rc = sg_create(sg, ctx, id, "default", "default VPC security group", json_array());
    json_decref(rt);
    if (rc < 0) {
        json_decref(vpc);
        return rc;
    }
    *vpc_out = vpc;
    return 0;
}

static int ec2_create_vpc(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *cidr = NULL;
    json_t *tags = NULL, *vpc = NULL;
    struct cidr c;
    int rc;

    rc = gf_local_get_string(&cidr, ctx, input, "CidrBlock", E_MISSING);
    if (rc == 0)
        rc = check_cidr(&c, ctx, cidr, "cidrBlock");
    if (rc == 0 && (c.prefix < 16 || c.prefix > 28))
        rc = gf_local_fail(ctx, 400, "InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "vpc");
    if (rc == 0)
        rc = vpc_create(&vpc, ctx, cidr, tags);
    if (rc == 0) {
        json_object_set_new(vpc, "state", json_string("pending")); /* as CreateVpc answers */
        *out = json_pack("{s:o}", "vpc", vpc);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(tags);
    return rc;
}

static bool nat_alive(const json_t *nat)
{
    const char *s = json_string_value(json_object_get(nat, "state"));

    return s && strcmp(s, "deleted") != 0 && strcmp(s, "failed") != 0;
}

static bool rt_not_main(const json_t *rt)
{
    const json_t *a;
    size_t i;

    json_array_foreach(json_object_get(rt, "associationSet"), i, a) {
        if (json_is_true(json_object_get(a, "main")))
            return false;
    }
    return true;
}

static bool sg_not_default(const json_t *sg)
{
    return strcmp(json_string_value(json_object_get(sg, "groupName")), "default") != 0;
}

static int igw_of_vpc(char out[40], struct gf_local_ctx *ctx, const char *vpc_id)
{
    json_t *all = NULL, *g;
    size_t i;
    int rc = res_all(&all, ctx, K_IGW);

    out[0] = '\0';
    json_array_foreach(all, i, g) {
        const char *v = json_string_value(
            json_object_get(json_array_get(json_object_get(g, "attachmentSet"), 0), "vpcId"));

        if (v && strcmp(v, vpc_id) == 0)
            snprintf(out, 40, "%s", json_string_value(json_object_get(g, "internetGatewayId")));
    }
    json_decref(all);
    return rc;
}

/* Whether anything but the main route table and the default group lives in the VPC. */
static int vpc_busy(bool *busy_out, struct gf_local_ctx *ctx, const char *vpc_id)
{
    char igw[40];
    bool b = false;
    int rc;

    rc = res_any(&b, ctx, K_SUBNET, "vpcId", vpc_id, NULL);
    if (rc == 0 && !b)
        rc = res_any(&b, ctx, K_RTB, "vpcId", vpc_id, rt_not_main);
    if (rc == 0 && !b)
        rc = res_any(&b, ctx, K_SG, "vpcId", vpc_id, sg_not_default);
    if (rc == 0 && !b)
        rc = res_any(&b, ctx, K_NAT, "vpcId", vpc_id, nat_alive);
    if (rc == 0 && !b) {
        rc = igw_of_vpc(igw, ctx, vpc_id);
        b = igw[0] != '\0';
    }
    *busy_out = b;
    return rc;
}

/* Delete what a VPC brought with it: its main route table and default group. */
static int vpc_remove(struct gf_local_ctx *ctx, const char *vpc_id)
{
    json_t *all = NULL, *d;
    size_t i;
    int rc = res_all(&all, ctx, K_RTB);

    json_array_foreach(all, i, d) {
        if (rc == 0 && strcmp(json_string_value(json_object_get(d, "vpcId")), vpc_id) == 0)
            rc = res_delete(ctx, K_RTB, json_string_value(json_object_get(d, "routeTableId")));
    }
    json_decref(all);
    all = NULL;
    if (rc == 0)
        rc = res_all(&all, ctx, K_SG);
    json_array_foreach(all, i, d) {
        if (rc == 0 && strcmp(json_string_value(json_object_get(d, "vpcId")), vpc_id) == 0)
            rc = sg_remove(ctx, json_string_value(json_object_get(d, "groupId")));
    }
    json_decref(all);
    return rc == 0 ? res_delete(ctx, K_VPC, vpc_id) : rc;
}

static int ec2_delete_vpc(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *vpc = NULL;
    bool busy = false;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "VpcId", E_MISSING);
    if (rc == 0)
        rc = res_load(&vpc, ctx, K_VPC, id);
    if (rc == 0)
        rc = vpc_busy(&busy, ctx, id);
    if (rc == 0 && busy)
        rc = gf_local_fail(ctx, 400, E_DEPENDENCY,
                           "The vpc '%s' has dependencies and cannot be deleted.", id);
    if (rc == 0)
        rc = vpc_remove(ctx, id);
    json_decref(vpc);
    return rc;
}

static const struct describe s_describe_vpcs = {K_VPC, "VpcIds", "Filters", "vpcSet",
                                                s_vpc_filters, NULL};

static int ec2_describe_vpcs(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe(out, ctx, input, &s_describe_vpcs);
}

/* ---- subnets ------------------------------------------------------------------------------ */

/* Create a subnet after the checks: *out (a new ref) is the subnet item. */
static int subnet_create(json_t **out, struct gf_local_ctx *ctx, const json_t *vpc,
                         const char *cidr, int zone, bool public_ip, json_t *tagset)
{
    char id[40], az[48], azid[48];
    struct gf_buf arn = GF_BUF_INIT;
    struct cidr c;
    json_t *s;
    int rc;

    GF_ASSERT(parse_cidr(&c, cidr));
    new_id(id, "subnet-");
    zone_name(az, ctx, zone);
    zone_id(azid, ctx, zone);
    gf_buf_printf(&arn, "arn:aws:ec2:%s:%s:subnet/%s", ctx->region, ctx->account, id);
    s = json_pack("{s:s,s:s,s:O,s:s,s:s,s:s,s:s,s:I,s:b,s:b,s:b,s:b,s:[],s:s,s:O,s:b,s:b,"
                  "s:{s:s,s:b,s:b}}",
                  "subnetId", id, "subnetArn", arn.ptr, "vpcId", json_object_get(vpc, "vpcId"),
                  "cidrBlock", cidr, "availabilityZone", az, "availabilityZoneId", azid, "state",
                  "available", "availableIpAddressCount",
                  (json_int_t)((1LL << (32 - c.prefix)) - 5), "defaultForAz", 0,
                  "mapPublicIpOnLaunch", public_ip, "mapCustomerOwnedIpOnLaunch", 0,
                  "assignIpv6AddressOnCreation", 0, "ipv6CidrBlockAssociationSet", "ownerId",
                  ctx->account, "tagSet", tagset, "enableDns64", 0, "ipv6Native", 0,
                  "privateDnsNameOptionsOnLaunch", "hostnameType", "ip-name",
                  "enableResourceNameDnsARecord", 0, "enableResourceNameDnsAAAARecord", 0);
    rc = (s && !gf_buf_failed(&arn)) ? res_put(ctx, K_SUBNET, s) : gf_error_oom();
    gf_buf_release(&arn);
    if (rc < 0) {
        json_decref(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* The CIDR checks of CreateSubnet: inside the VPC, /16-/28, no overlap in the VPC. */
static int check_subnet_cidr(struct gf_local_ctx *ctx, const json_t *vpc, const char *cidr)
{
    const char *vpc_id = json_string_value(json_object_get(vpc, "vpcId"));
    struct cidr c, v, o;
    json_t *all = NULL, *s;
    size_t i;
    int rc = check_cidr(&c, ctx, cidr, "cidrBlock");

    if (rc < 0)
        return rc;
    if (!parse_cidr(&v, json_string_value(json_object_get(vpc, "cidrBlock"))) ||
        !cidr_inside(&c, &v) || c.prefix < 16 || c.prefix > 28)
        return gf_local_fail(ctx, 400, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr);
    rc = res_all(&all, ctx, K_SUBNET);
    json_array_foreach(all, i, s) {
        if (rc == 0 && strcmp(json_string_value(json_object_get(s, "vpcId")), vpc_id) == 0 &&
            parse_cidr(&o, json_string_value(json_object_get(s, "cidrBlock"))) &&
            cidr_overlap(&c, &o))
            rc = gf_local_fail(ctx, 400, "InvalidSubnet.Conflict",
                               "The CIDR '%s' conflicts with another subnet", cidr);
    }
    json_decref(all);
    return rc;
}

static int subnet_zone(int *zone_out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *az = NULL, *azid = NULL;
    char names[160] = "", n[48];
    int i, rc;

    *zone_out = 0;
    rc = gf_local_get_string(&az, ctx, input, "AvailabilityZone", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&azid, ctx, input, "AvailabilityZoneId", NULL);
    if (rc < 0 || (!az && !azid))
        return rc;
    *zone_out = zone_index(ctx, az ? az : azid);
    if (*zone_out >= 0)
        return 0;
    for (i = 0; i < N_ZONES; i++) {
        zone_name(n, ctx, i);
        snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "", n);
    }
    return gf_local_fail(ctx, 400, E_PARAM,
                         "Value (%s) for parameter availabilityZone is invalid. Subnets can "
                         "currently only be created in the following availability zones: %s.",
                         az ? az : azid, names);
}

static int ec2_create_subnet(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *vpc_id = NULL, *cidr = NULL;
    json_t *vpc = NULL, *tags = NULL, *s = NULL;
    int zone = 0, rc;

    rc = gf_local_get_string(&vpc_id, ctx, input, "VpcId", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&cidr, ctx, input, "CidrBlock", E_MISSING);
    if (rc == 0)
        rc = subnet_zone(&zone, ctx, input);
    if (rc == 0)
        rc = res_load(&vpc, ctx, K_VPC, vpc_id);
    if (rc == 0)
        rc = check_subnet_cidr(ctx, vpc, cidr);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "subnet");
    if (rc == 0)
        rc = subnet_create(&s, ctx, vpc, cidr, zone, false, tags);
    if (rc == 0) {
        *out = json_pack("{s:o}", "subnet", s);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(vpc);
    json_decref(tags);
    return rc;
}

/* Drop subnet `id`'s route table associations. */
static int subnet_disassociate(struct gf_local_ctx *ctx, const char *id)
{
    json_t *all = NULL, *rt, *a;
    size_t i, j;
    int rc = res_all(&all, ctx, K_RTB);

    json_array_foreach(all, i, rt) {
        json_t *set = json_object_get(rt, "associationSet");
        bool changed = false;

        for (j = json_array_size(set); j-- > 0;) {
            a = json_array_get(set, j);
            if (json_is_string(json_object_get(a, "subnetId")) &&
                strcmp(json_string_value(json_object_get(a, "subnetId")), id) == 0) {
                json_array_remove(set, j);
                changed = true;
            }
        }
        if (rc == 0 && changed)
            rc = res_put(ctx, K_RTB, rt);
    }
    json_decref(all);
    return rc;
}

static int ec2_delete_subnet(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *s = NULL;
    bool busy = false;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "SubnetId", E_MISSING);
    if (rc == 0)
        rc = res_load(&s, ctx, K_SUBNET, id);
    if (rc == 0)
        rc = res_any(&busy, ctx, K_NAT, "subnetId", id, nat_alive);
    if (rc == 0 && busy)
        rc = gf_local_fail(ctx, 400, E_DEPENDENCY,
                           "The subnet '%s' has dependencies and cannot be deleted.", id);
    if (rc == 0)
        rc = subnet_disassociate(ctx, id);
    if (rc == 0)
        rc = res_delete(ctx, K_SUBNET, id);
    json_decref(s);
    return rc;
}

static const struct describe s_describe_subnets = {K_SUBNET, "SubnetIds", "Filters", "subnetSet",
                                                   s_subnet_filters, NULL};

static int ec2_describe_subnets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe(out, ctx, input, &s_describe_subnets);
}

/* ---- internet gateways -------------------------------------------------------------------- */

static int igw_create(json_t **out, struct gf_local_ctx *ctx, json_t *tagset)
{
    char id[40];
    json_t *g;
    int rc;

    new_id(id, "igw-");
    g = json_pack("{s:s,s:s,s:[],s:O}", "internetGatewayId", id, "ownerId", ctx->account,
                  "attachmentSet", "tagSet", tagset);
    rc = g ? res_put(ctx, K_IGW, g) : gf_error_oom();
    if (rc < 0) {
        json_decref(g);
        return rc;
    }
    *out = g;
    return 0;
}

static int ec2_create_internet_gateway(json_t **out, struct gf_local_ctx *ctx,
                                       const json_t *input)
{
    json_t *tags = NULL, *g = NULL;
    int rc = tags_from_specs(&tags, ctx, input, "internet-gateway");

    if (rc == 0)
        rc = igw_create(&g, ctx, tags);
    if (rc == 0) {
        *out = json_pack("{s:o}", "internetGateway", g);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(tags);
    return rc;
}

/* Attach after the checks. */
static int igw_attach(struct gf_local_ctx *ctx, json_t *igw, const char *vpc_id)
{
    json_t *att = json_pack("[{s:s,s:s}]", "vpcId", vpc_id, "state", "available");

    if (!att || json_object_set_new(igw, "attachmentSet", att) < 0)
        return gf_error_oom();
    return res_put(ctx, K_IGW, igw);
}

static int igw_and_vpc(json_t **igw_out, const char **vpc_id_out, struct gf_local_ctx *ctx,
                       const json_t *input)
{
    const char *igw_id = NULL;
    json_t *vpc = NULL;
    int rc;

    rc = gf_local_get_string(&igw_id, ctx, input, "InternetGatewayId", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(vpc_id_out, ctx, input, "VpcId", E_MISSING);
    if (rc == 0)
        rc = res_load(igw_out, ctx, K_IGW, igw_id);
    if (rc == 0)
        rc = res_load(&vpc, ctx, K_VPC, *vpc_id_out);
    json_decref(vpc);
    return rc;
}

static int ec2_attach_internet_gateway(json_t **out, struct gf_local_ctx *ctx,
                                       const json_t *input)
{
    const char *vpc_id = NULL, *igw_id;
    json_t *igw = NULL;
    char other[40];
    int rc;

    (void)out;
    rc = igw_and_vpc(&igw, &vpc_id, ctx, input);
    if (rc < 0)
        goto out;
    igw_id = json_string_value(json_object_get(igw, "internetGatewayId"));
    if (json_array_size(json_object_get(igw, "attachmentSet")) > 0) {
        rc = gf_local_fail(ctx, 400, E_ASSOCIATED, "resource %s is already attached to network "
                                                   "%s",
                           igw_id,
                           json_string_value(json_object_get(
                               json_array_get(json_object_get(igw, "attachmentSet"), 0),
                               "vpcId")));
        goto out;
    }
    rc = igw_of_vpc(other, ctx, vpc_id);
    if (rc == 0 && other[0])
        rc = gf_local_fail(ctx, 400, E_ASSOCIATED,
                           "Network %s already has an internet gateway attached", vpc_id);
    if (rc == 0)
        rc = igw_attach(ctx, igw, vpc_id);
out:
    json_decref(igw);
    return rc;
}

static int ec2_detach_internet_gateway(json_t **out, struct gf_local_ctx *ctx,
                                       const json_t *input)
{
    const char *vpc_id = NULL, *attached;
    json_t *igw = NULL;
    int rc;

    (void)out;
    rc = igw_and_vpc(&igw, &vpc_id, ctx, input);
    if (rc < 0)
        goto out;
    attached = json_string_value(
        json_object_get(json_array_get(json_object_get(igw, "attachmentSet"), 0), "vpcId"));
    if (!attached || strcmp(attached, vpc_id) != 0) {
        rc = gf_local_fail(ctx, 400, "Gateway.NotAttached",
                           "resource %s is not attached to network %s",
                           json_string_value(json_object_get(igw, "internetGatewayId")), vpc_id);
        goto out;
    }
    rc = gf_local_set(igw, "attachmentSet", json_array());
    if (rc == 0)
        rc = res_put(ctx, K_IGW, igw);
out:
    json_decref(igw);
    return rc;
}

static int ec2_delete_internet_gateway(json_t **out, struct gf_local_ctx *ctx,
                                       const json_t *input)
{
    const char *id = NULL;
    json_t *igw = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "InternetGatewayId", E_MISSING);
    if (rc == 0)
        rc = res_load(&igw, ctx, K_IGW, id);
    if (rc == 0 && json_array_size(json_object_get(igw, "attachmentSet")) > 0)
        rc = gf_local_fail(ctx, 400, E_DEPENDENCY,
                           "The internetGateway '%s' has dependencies and cannot be deleted.",
                           id);
    if (rc == 0)
        rc = res_delete(ctx, K_IGW, id);
    json_decref(igw);
    return rc;
}

static const struct describe s_describe_igws = {K_IGW, "InternetGatewayIds", "Filters",
                                                "internetGatewaySet", s_igw_filters, NULL};

static int ec2_describe_internet_gateways(json_t **out, struct gf_local_ctx *ctx,
                                          const json_t *input)
{
    return describe(out, ctx, input, &s_describe_igws);
}

/* ---- route tables ------------------------------------------------------------------------- */

static int ec2_create_route_table(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *vpc_id = NULL;
    json_t *vpc = NULL, *tags = NULL, *rt = NULL;
    int rc;

    rc = gf_local_get_string(&vpc_id, ctx, input, "VpcId", E_MISSING);
    if (rc == 0)
        rc = res_load(&vpc, ctx, K_VPC, vpc_id);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "route-table");
    if (rc == 0) {
        rt = new_route_table(ctx, vpc_id, json_string_value(json_object_get(vpc, "cidrBlock")),
                             false, json_incref(tags));
        rc = rt ? res_put(ctx, K_RTB, rt) : gf_error_oom();
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "routeTable", rt);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(rt);
    json_decref(vpc);
    json_decref(tags);
    return rc;
}

static int ec2_delete_route_table(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *rt = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "RouteTableId", E_MISSING);
    if (rc == 0)
        rc = res_load(&rt, ctx, K_RTB, id);
    if (rc == 0 && json_array_size(json_object_get(rt, "associationSet")) > 0)
        rc = gf_local_fail(ctx, 400, E_DEPENDENCY,
                           "The routeTable '%s' has dependencies and cannot be deleted.", id);
    if (rc == 0)
        rc = res_delete(ctx, K_RTB, id);
    json_decref(rt);
    return rc;
}

/* Add route dest -> target (gateway_id or nat_id) to rt after the checks. */
static int route_add(struct gf_local_ctx *ctx, json_t *rt, const char *dest,
                     const char *gateway_id, const char *nat_id)
{
    json_t *r = json_pack("{s:s,s:s,s:s,s:s}", "destinationCidrBlock", dest,
                          gateway_id ? "gatewayId" : "natGatewayId",
                          gateway_id ? gateway_id : nat_id, "state", "active", "origin",
                          "CreateRoute");

    if (!r || json_array_append_new(json_object_get(rt, "routeSet"), r) < 0)
        return gf_error_oom();
    return res_put(ctx, K_RTB, rt);
}

/* The route target's checks: it exists and lives in the table's VPC. */
static int check_route_target(struct gf_local_ctx *ctx, const json_t *rt, const char *gateway_id,
                              const char *nat_id)
{
    const char *vpc_id = json_string_value(json_object_get(rt, "vpcId"));
    const char *id = gateway_id ? gateway_id : nat_id;
    const char *in_vpc;
    json_t *t = NULL;
    int rc;

    rc = gateway_id ? res_get(&t, ctx, K_IGW, gateway_id) : res_get(&t, ctx, K_NAT, nat_id);
    if (rc == 0 && !t)
        return gateway_id ? gf_local_fail(ctx, 400, "InvalidGatewayID.NotFound",
                                          "The gateway ID '%s' does not exist", id)
                          : gf_local_fail(ctx, 400, "InvalidNatGatewayID.NotFound",
                                          "The natGateway ID '%s' does not exist", id);
    in_vpc = gateway_id ? json_string_value(json_object_get(
                              json_array_get(json_object_get(t, "attachmentSet"), 0), "vpcId"))
                        : json_string_value(json_object_get(t, "vpcId"));
    if (rc == 0 && (!in_vpc || strcmp(in_vpc, vpc_id) != 0))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "route table %s and network gateway %s belong to different networks",
                           json_string_value(json_object_get(rt, "routeTableId")), id);
    json_decref(t);
    return rc;
}

static int ec2_create_route(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL, *dest = NULL, *gw = NULL, *nat = NULL;
    json_t *rt = NULL;
    struct cidr c;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "RouteTableId", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&dest, ctx, input, "DestinationCidrBlock", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&gw, ctx, input, "GatewayId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&nat, ctx, input, "NatGatewayId", NULL);
    if (rc == 0 && !gw == !nat)
        rc = gf_local_fail(ctx, 400, "InvalidParameterCombination",
                           "The request must contain exactly one of gatewayId, natGatewayId");
    if (rc == 0)
        rc = check_cidr(&c, ctx, dest, "destinationCidrBlock");
    if (rc == 0)
        rc = res_load(&rt, ctx, K_RTB, id);
    if (rc == 0)
        rc = check_route_target(ctx, rt, gw, nat);
    if (rc == 0) {
        const json_t *r;
        size_t i;

        json_array_foreach(json_object_get(rt, "routeSet"), i, r) {
            if (rc == 0 && strcmp(json_string_value(json_object_get(r, "destinationCidrBlock")),
                                  dest) == 0)
                rc = gf_local_fail(ctx, 400, "RouteAlreadyExists",
                                   "The route identified by %s already exists.", dest);
        }
    }
    if (rc == 0)
        rc = route_add(ctx, rt, dest, gw, nat);
    if (rc == 0) {
        *out = json_pack("{s:b}", "return", 1);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(rt);
    return rc;
}

/* Associate rt with subnet after the checks; *assoc_out gets the association id. */
static int rt_associate(char assoc_out[40], struct gf_local_ctx *ctx, json_t *rt,
                        const char *subnet_id)
{
    json_t *a;

    new_id(assoc_out, "rtbassoc-");
    a = json_pack("{s:b,s:s,s:s,s:s,s:{s:s}}", "main", 0, "routeTableAssociationId", assoc_out,
                  "routeTableId", json_string_value(json_object_get(rt, "routeTableId")),
                  "subnetId", subnet_id, "associationState", "state", "associated");
    if (!a || json_array_append_new(json_object_get(rt, "associationSet"), a) < 0)
        return gf_error_oom();
    return res_put(ctx, K_RTB, rt);
}

static int ec2_associate_route_table(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL, *subnet_id = NULL;
    json_t *rt = NULL, *subnet = NULL;
    bool taken = false;
    char assoc[40];
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "RouteTableId", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&subnet_id, ctx, input, "SubnetId", E_MISSING);
    if (rc == 0)
        rc = res_load(&rt, ctx, K_RTB, id);
    if (rc == 0)
        rc = res_load(&subnet, ctx, K_SUBNET, subnet_id);
    if (rc == 0 && !json_equal(json_object_get(rt, "vpcId"), json_object_get(subnet, "vpcId")))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Route table %s and subnet %s belong to different networks", id,
                           subnet_id);
    if (rc == 0)
        rc = res_any(&taken, ctx, K_RTB, "vpcId",
                     json_string_value(json_object_get(rt, "vpcId")), NULL);
    if (rc == 0) {
        json_t *all = NULL, *t;
        size_t i;

        taken = false;
        rc = res_all(&all, ctx, K_RTB);
        json_array_foreach(all, i, t) {
            json_t *one = json_pack("[s]", subnet_id);

            if (path_matches(t, "associationSet.subnetId", one))
                taken = true;
            json_decref(one);
        }
        json_decref(all);
    }
    if (rc == 0 && taken)
        rc = gf_local_fail(ctx, 400, E_ASSOCIATED,
                           "the specified association for route table %s conflicts with an "
                           "existing association",
                           id);
    if (rc == 0)
        rc = rt_associate(assoc, ctx, rt, subnet_id);
    if (rc == 0) {
        *out = json_pack("{s:s,s:{s:s}}", "associationId", assoc, "associationState", "state",
                         "associated");
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(rt);
    json_decref(subnet);
    return rc;
}

static const struct describe s_describe_rtbs = {K_RTB, "RouteTableIds", "Filters",
                                                "routeTableSet", s_rtb_filters, NULL};

static int ec2_describe_route_tables(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe(out, ctx, input, &s_describe_rtbs);
}

/* ---- elastic IPs -------------------------------------------------------------------------- */

static int eip_create(json_t **out, struct gf_local_ctx *ctx, json_t *tagset)
{
    char id[40], hex[8], ip[32];
    unsigned long n;
    json_t *a;
    int rc;

    new_id(id, "eipalloc-");
    gf_local_random_hex(hex, 4);
    n = strtoul(hex, NULL, 16);
    /* 198.18.0.0/15 is reserved for testing: never a real address */
    snprintf(ip, sizeof(ip), "198.%lu.%lu.%lu", 18 + ((n >> 16) & 1), (n >> 8) & 0xff, n & 0xff);
    a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "allocationId", id, "publicIp", ip, "domain",
                  "vpc", "publicIpv4Pool", "amazon", "networkBorderGroup", ctx->region, "tagSet",
                  tagset);
    rc = a ? res_put(ctx, K_EIP, a) : gf_error_oom();
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

static int ec2_allocate_address(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *domain = NULL;
    json_t *tags = NULL, *a = NULL;
    int rc;

    rc = gf_local_get_string(&domain, ctx, input, "Domain", NULL);
    if (rc == 0 && domain && strcmp(domain, "vpc") != 0 && strcmp(domain, "standard") != 0)
        rc = gf_local_fail(ctx, 400, E_PARAM, "Value (%s) for parameter domain is invalid.",
                           domain);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "elastic-ip");
    if (rc == 0)
        rc = eip_create(&a, ctx, tags);
    if (rc == 0) {
        json_object_del(a, "tagSet");
        *out = a;
    }
    json_decref(tags);
    return rc;
}

/* The live NAT gateway using allocation `id`, if any (*nat_out a new ref or NULL). */
static int eip_user(json_t **nat_out, struct gf_local_ctx *ctx, const char *id)
{
    json_t *all = NULL, *n, *one = json_pack("[s]", id);
    size_t i;
    int rc = one ? res_all(&all, ctx, K_NAT) : gf_error_oom();

    *nat_out = NULL;
    json_array_foreach(all, i, n) {
        if (!*nat_out && nat_alive(n) &&
            path_matches(n, "natGatewayAddressSet.allocationId", one))
            *nat_out = json_incref(n);
    }
    json_decref(all);
    json_decref(one);
    return rc;
}

static int ec2_release_address(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *a = NULL, *user = NULL;
    int rc;

    (void)out;
    rc = gf_local_get_string(&id, ctx, input, "AllocationId", E_MISSING);
    if (rc == 0)
        rc = res_load(&a, ctx, K_EIP, id);
    if (rc == 0)
        rc = eip_user(&user, ctx, id);
    if (rc == 0 && user)
        rc = gf_local_fail(ctx, 400, "InvalidIPAddress.InUse", "Address %s is in use.",
                           json_string_value(json_object_get(a, "publicIp")));
    if (rc == 0)
        rc = res_delete(ctx, K_EIP, id);
    json_decref(a);
    json_decref(user);
    return rc;
}

/* ---- NAT gateways ------------------------------------------------------------------------- */

static int nat_create(json_t **out, struct gf_local_ctx *ctx, const json_t *subnet,
                      const json_t *eip, json_t *tagset)
{
    char id[40], eni[40], ip[32];
    struct cidr c;
    json_t *n;
    int rc;

    new_id(id, "nat-");
    new_id(eni, "eni-");
    parse_cidr(&c, json_string_value(json_object_get(subnet, "cidrBlock")));
    snprintf(ip, sizeof(ip), "%u.%u.%u.%u", (c.addr >> 24) & 0xff, (c.addr >> 16) & 0xff,
             (c.addr >> 8) & 0xff, (c.addr & 0xff) + 10);
    n = json_pack("{s:s,s:O,s:O,s:s,s:o,s:s,s:[{s:O,s:s,s:s,s:O,s:b,s:s}],s:O}", "natGatewayId", id,
                  "subnetId", json_object_get(subnet, "subnetId"), "vpcId",
                  json_object_get(subnet, "vpcId"), "state", "pending", "createTime",
                  gf_local_now(ctx), "connectivityType", "public", "natGatewayAddressSet",
                  "allocationId", json_object_get(eip, "allocationId"), "networkInterfaceId",
                  eni, "privateIp", ip, "publicIp", json_object_get(eip, "publicIp"),
                  "isPrimary", 1, "status", "succeeded", "tagSet", tagset);
    rc = n ? res_put(ctx, K_NAT, n) : gf_error_oom();
    if (rc < 0) {
        json_decref(n);
        return rc;
    }
    *out = n;
    return 0;
}

static int ec2_create_nat_gateway(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *subnet_id = NULL, *alloc = NULL, *type = NULL;
    json_t *subnet = NULL, *eip = NULL, *user = NULL, *tags = NULL, *n = NULL;
    int rc;

    rc = gf_local_get_string(&subnet_id, ctx, input, "SubnetId", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&type, ctx, input, "ConnectivityType", NULL);
    if (rc == 0 && type && strcmp(type, "public") != 0)
        rc = gf_local_fail(ctx, 400, E_PARAM, "local-aws supports public NAT gateways only");
    if (rc == 0)
        rc = gf_local_get_string(&alloc, ctx, input, "AllocationId", E_MISSING);
    if (rc == 0)
        rc = res_load(&subnet, ctx, K_SUBNET, subnet_id);
    if (rc == 0)
        rc = res_load(&eip, ctx, K_EIP, alloc);
    if (rc == 0)
        rc = eip_user(&user, ctx, alloc);
    if (rc == 0 && user)
        rc = gf_local_fail(ctx, 400, E_ASSOCIATED,
                           "Elastic IP address [%s] is already associated", alloc);
    if (rc == 0)
        rc = tags_from_specs(&tags, ctx, input, "natgateway");
    if (rc == 0)
        rc = nat_create(&n, ctx, subnet, eip, tags);
    if (rc == 0) {
        *out = json_pack("{s:o}", "natGateway", n);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(subnet);
    json_decref(eip);
    json_decref(user);
    json_decref(tags);
    return rc;
}

static int ec2_delete_nat_gateway(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *id = NULL;
    json_t *n = NULL;
    int rc;

    rc = gf_local_get_string(&id, ctx, input, "NatGatewayId", E_MISSING);
    if (rc == 0)
        rc = res_load(&n, ctx, K_NAT, id);
    if (rc == 0 && nat_alive(n) &&
        strcmp(json_string_value(json_object_get(n, "state")), "deleting") != 0) {
        rc = gf_local_set(n, "state", json_string("deleting"));
        if (rc == 0)
            rc = gf_local_set(n, "deleteTime", gf_local_now(ctx));
        if (rc == 0)
            rc = res_put(ctx, K_NAT, n);
    }
    if (rc == 0) {
        *out = json_pack("{s:s}", "natGatewayId", id);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(n);
    return rc;
}

static const struct describe s_describe_nats = {K_NAT, "NatGatewayIds", "Filter",
                                                "natGatewaySet", s_nat_filters, NULL};

static int ec2_describe_nat_gateways(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe(out, ctx, input, &s_describe_nats);
}

/* ---- tags --------------------------------------------------------------------------------- */

/* The resource `id` (any kind) for a tag operation, with its kind. */
static int tag_target(json_t **doc_out, enum kind_id *k_out, struct gf_local_ctx *ctx,
                      const char *id)
{
    const struct kind *k = kind_of_id(id);

    *doc_out = NULL;
    if (!k)
        return gf_local_fail(ctx, 400, "InvalidID", "The ID '%s' is not valid", id);
    *k_out = (enum kind_id)(k - s_kinds);
    return res_load(doc_out, ctx, *k_out, id);
}

static int tag_op(struct gf_local_ctx *ctx, const json_t *input, bool remove);

static int ec2_create_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = tag_op(ctx, input, false);

    if (rc == 0) {
        *out = json_pack("{s:b}", "return", 1);
        rc = *out ? 0 : gf_error_oom();
    }
    return rc;
}

static int ec2_delete_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = tag_op(ctx, input, true);

    if (rc == 0) {
        *out = json_pack("{s:b}", "return", 1);
        rc = *out ? 0 : gf_error_oom();
    }
    return rc;
}

/* Remove from tagset the tags named in `tags` ({Key} any value, {Key, Value} that value); all
 * of them when tags is empty. */
static void tagset_remove(json_t *tagset, const json_t *tags)
{
    const json_t *t;
    size_t i, j;

    if (json_array_size(tags) == 0) {
        json_array_clear(tagset);
        return;
    }
    json_array_foreach(tags, i, t) {
        const json_t *k = json_object_get(t, "Key");
        const json_t *v = json_object_get(t, "Value");

        for (j = json_array_size(tagset); j-- > 0;) {
            const json_t *have = json_array_get(tagset, j);

            if (json_equal(json_object_get(have, "key"), k) &&
                (!v || json_equal(json_object_get(have, "value"), v)))
                json_array_remove(tagset, j);
        }
    }
}

/* The documents of every resource of `ids`, as [{"doc", "k"}] (a new array); each must exist,
 * since AWS changes none when one is missing. */
static int tag_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *ids)
{
    const json_t *id;
    json_t *doc = NULL;
    enum kind_id k = K_VPC;
    size_t i;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach(ids, i, id) {
        if (rc == 0)
            rc = tag_target(&doc, &k, ctx, json_is_string(id) ? json_string_value(id) : "");
        if (rc == 0)
            rc = json_array_append_new(*out, json_pack("{s:o,s:i}", "doc", doc, "k", (int)k)) < 0
                     ? gf_error_oom()
                     : 0;
        doc = NULL;
    }
    return rc;
}

static int tag_op(struct gf_local_ctx *ctx, const json_t *input, bool remove)
{
    const json_t *ids = NULL, *tags = NULL, *t;
    json_t *docs = NULL;
    size_t i;
    int rc;

    rc = gf_local_get_array(&ids, ctx, input, "Resources", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", remove ? NULL : E_MISSING);
    if (rc == 0)
        rc = tag_targets(&docs, ctx, ids);
    json_array_foreach(docs, i, t) {
        json_t *d = json_object_get(t, "doc");
        json_t *set = json_object_get(d, "tagSet");

        if (rc == 0 && !set) {
            set = json_array();
            rc = gf_local_set(d, "tagSet", set);
        }
        if (rc == 0 && remove)
            tagset_remove(set, tags);
        else if (rc == 0)
            rc = tagset_merge(ctx, set, tags);
        if (rc == 0)
            rc = res_put(ctx, (enum kind_id)json_integer_value(json_object_get(t, "k")), d);
    }
    json_decref(docs);
    return rc;
}

/* Every tag of every resource as DescribeTags items (a new array). */
static int all_tags(json_t **out, struct gf_local_ctx *ctx)
{
    json_t *all = NULL, *d, *t;
    size_t k, i, j;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    for (k = 0; rc == 0 && k < K_COUNT; k++) {
        rc = res_all(&all, ctx, (enum kind_id)k);
        json_array_foreach(all, i, d) {
            json_array_foreach(json_object_get(d, "tagSet"), j, t) {
                if (rc == 0 &&
                    json_array_append_new(
                        *out, json_pack("{s:O,s:s,s:O,s:O}", "resourceId",
                                        json_object_get(d, s_kinds[k].id_key), "resourceType",
                                        s_kinds[k].type, "key", json_object_get(t, "key"),
                                        "value", json_object_get(t, "value"))) < 0)
                    rc = gf_error_oom();
            }
        }
        json_decref(all);
        all = NULL;
    }
    return rc;
}

static int ec2_describe_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *filters = NULL;
    json_t *tags = NULL, *kept = NULL;
    int64_t limit = 0, offset = 0;
    bool given = false;
    int rc;

    rc = gf_local_get_array(&filters, ctx, input, "Filters", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&limit, &given, ctx, input, "MaxResults", NULL);
    if (rc == 0 && given && (limit < 5 || limit > 1000))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Value ( %" PRId64 " ) for parameter maxResults is invalid. Expecting "
                           "a value between 5 and 1000.",
                           limit);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = all_tags(&tags, ctx);
    if (rc == 0)
        rc = filter_all(&kept, ctx, tags, filters, s_tag_filters);
    if (rc == 0)
        rc = page_out(out, kept, "tagSet", offset, given ? limit : 0);
    json_decref(tags);
    json_decref(kept);
    return rc;
}

/* ---- zones -------------------------------------------------------------------------------- */

static int ec2_describe_availability_zones(json_t **out, struct gf_local_ctx *ctx,
                                           const json_t *input)
{
    const json_t *names = NULL, *filters = NULL, *n;
    json_t *zones = json_array(), *kept = NULL;
    char zn[48], zi[48];
    size_t i;
    int z, rc = zones ? 0 : gf_error_oom();

    if (rc == 0)
        rc = gf_local_get_array(&names, ctx, input, "ZoneNames", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&filters, ctx, input, "Filters", NULL);
    json_array_foreach(names, i, n) {
        if (rc == 0 && (!json_is_string(n) || zone_index(ctx, json_string_value(n)) < 0))
            rc = gf_local_fail(ctx, 400, E_PARAM, "The zone '%s' does not exist.",
                               json_is_string(n) ? json_string_value(n) : "");
    }
    for (z = 0; rc == 0 && z < N_ZONES; z++) {
        zone_name(zn, ctx, z);
        zone_id(zi, ctx, z);
        if (json_array_size(names) > 0 && !gf_local_array_has_string(names, zn))
            continue;
        if (json_array_append_new(
                zones, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[]}", "zoneName", zn,
                                 "zoneId", zi, "zoneState", "available", "regionName",
                                 ctx->region, "groupName", ctx->region, "networkBorderGroup",
                                 ctx->region, "zoneType", "availability-zone", "optInStatus",
                                 "opt-in-not-required", "messageSet")) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = filter_all(&kept, ctx, zones, filters, s_zone_filters);
    if (rc == 0) {
        *out = json_pack("{s:O}", "availabilityZoneInfo", kept);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(zones);
    json_decref(kept);
    return rc;
}

/* ---- the starting topology and the hooks -------------------------------------------------- */

static json_t *name_tag(const char *name)
{
    return json_pack("[{s:s,s:s}]", "key", "Name", "value", name);
}

/* A route table tagged `name` with 0.0.0.0/0 -> gw or nat, associated with two subnets. */
static int seed_routes(struct gf_local_ctx *ctx, const json_t *vpc, const char *name,
                       const char *gw, const char *nat, const json_t *s1, const json_t *s2)
{
    char assoc[40];
    json_t *rt = new_route_table(ctx, json_string_value(json_object_get(vpc, "vpcId")),
                                 json_string_value(json_object_get(vpc, "cidrBlock")), false,
                                 name_tag(name));
    int rc = rt ? route_add(ctx, rt, "0.0.0.0/0", gw, nat) : gf_error_oom();

    if (rc == 0)
        rc = rt_associate(assoc, ctx, rt, json_string_value(json_object_get(s1, "subnetId")));
    if (rc == 0)
        rc = rt_associate(assoc, ctx, rt, json_string_value(json_object_get(s2, "subnetId")));
    json_decref(rt);
    return rc;
}

struct seed {
    json_t *vpc, *igw, *pub[2], *priv[2], *eip, *nat;
};

static void seed_release(struct seed *s)
{
    json_decref(s->vpc);
    json_decref(s->igw);
    json_decref(s->pub[0]);
    json_decref(s->pub[1]);
    json_decref(s->priv[0]);
    json_decref(s->priv[1]);
    json_decref(s->eip);
    json_decref(s->nat);
}

static int seed_subnets(struct seed *s, struct gf_local_ctx *ctx)
{
    static const char *const cidrs[] = {"10.0.1.0/24", "10.0.2.0/24", "10.0.101.0/24",
                                        "10.0.102.0/24"};
    static const char *const names[] = {"local-aws-public-a", "local-aws-public-b",
                                        "local-aws-private-a", "local-aws-private-b"};
    json_t **slots[] = {&s->pub[0], &s->pub[1], &s->priv[0], &s->priv[1]};
    json_t *tags;
    int i, rc = 0;

    for (i = 0; rc == 0 && i < 4; i++) {
        tags = name_tag(names[i]);
        rc = tags ? subnet_create(slots[i], ctx, s->vpc, cidrs[i], i % 2, i < 2, tags)
                  : gf_error_oom();
        json_decref(tags);
    }
    return rc;
}

int gf_local_ec2_seed(char vpc_out[32], struct gf_local_ctx *ctx)
{
    struct seed s;
    json_t *tags = name_tag("local-aws");
    const char *vpc_id = NULL;
    int rc;

    memset(&s, 0, sizeof(s));
    vpc_out[0] = '\0';
    rc = tags ? vpc_create(&s.vpc, ctx, "10.0.0.0/16", tags) : gf_error_oom();
    if (rc == 0) {
        vpc_id = json_string_value(json_object_get(s.vpc, "vpcId"));
        json_decref(tags);
        tags = name_tag("local-aws");
        rc = tags ? igw_create(&s.igw, ctx, tags) : gf_error_oom();
    }
    if (rc == 0)
        rc = igw_attach(ctx, s.igw, vpc_id);
    if (rc == 0)
        rc = seed_subnets(&s, ctx);
    if (rc == 0)
        rc = seed_routes(ctx, s.vpc, "local-aws-public",
                         json_string_value(json_object_get(s.igw, "internetGatewayId")), NULL,
                         s.pub[0], s.pub[1]);
    if (rc == 0) {
        json_decref(tags);
        tags = name_tag("local-aws-nat");
        rc = tags ? eip_create(&s.eip, ctx, tags) : gf_error_oom();
    }
    if (rc == 0)
        rc = nat_create(&s.nat, ctx, s.pub[0], s.eip, tags);
    if (rc == 0) /* the topology's NAT gateway is ready from the start */
        rc = gf_local_set(s.nat, "state", json_string("available"));
    if (rc == 0)
        rc = res_put(ctx, K_NAT, s.nat);
    if (rc == 0)
        rc = seed_routes(ctx, s.vpc, "local-aws-private", NULL,
                         json_string_value(json_object_get(s.nat, "natGatewayId")), s.priv[0],
                         s.priv[1]);
    if (rc == 0)
        snprintf(vpc_out, 32, "%s", vpc_id);
    json_decref(tags);
    seed_release(&s);
    return rc;
}

int gf_local_ec2_exists(struct gf_local_ctx *ctx, const char *id)
{
    const struct kind *k = id ? kind_of_id(id) : NULL;
    json_t *doc = NULL;
    int rc;

    if (!k)
        return GF_ENOTFOUND;
    rc = res_get(&doc, ctx, (enum kind_id)(k - s_kinds), id);
    if (rc < 0)
        return rc;
    rc = doc && (k != &s_kinds[K_NAT] || nat_alive(doc)) ? 0 : GF_ENOTFOUND;
    json_decref(doc);
    return rc;
}

int gf_local_ec2_subnet(char vpc_out[32], char az_out[32], struct gf_local_ctx *ctx,
                        const char *subnet_id)
{
    json_t *s = NULL;
    int rc;

    vpc_out[0] = '\0';
    az_out[0] = '\0';
    rc = res_get(&s, ctx, K_SUBNET, subnet_id ? subnet_id : "");
    if (rc < 0)
        return rc;
    if (!s)
        return GF_ENOTFOUND;
    snprintf(vpc_out, 32, "%s", json_string_value(json_object_get(s, "vpcId")));
    snprintf(az_out, 32, "%s", json_string_value(json_object_get(s, "availabilityZone")));
    json_decref(s);
    return 0;
}

static const struct gf_local_op s_ec2_ops[] = {
    {"DescribeVpcs", ec2_describe_vpcs},
    {"DescribeSubnets", ec2_describe_subnets},
    {"DescribeRouteTables", ec2_describe_route_tables},
    {"DescribeInternetGateways", ec2_describe_internet_gateways},
    {"DescribeNatGateways", ec2_describe_nat_gateways},
    {"DescribeSecurityGroups", ec2_describe_security_groups},
    {"DescribeSecurityGroupRules", ec2_describe_security_group_rules},
    {"DescribeAvailabilityZones", ec2_describe_availability_zones},
    {"DescribeTags", ec2_describe_tags},
    {"CreateSecurityGroup", ec2_create_security_group},
    {"DeleteSecurityGroup", ec2_delete_security_group},
    {"AuthorizeSecurityGroupIngress", ec2_authorize_ingress},
    {"AuthorizeSecurityGroupEgress", ec2_authorize_egress},
    {"RevokeSecurityGroupIngress", ec2_revoke_ingress},
    {"RevokeSecurityGroupEgress", ec2_revoke_egress},
    {"CreateTags", ec2_create_tags},
    {"DeleteTags", ec2_delete_tags},
    {"CreateVpc", ec2_create_vpc},
    {"DeleteVpc", ec2_delete_vpc},
    {"CreateSubnet", ec2_create_subnet},
    {"DeleteSubnet", ec2_delete_subnet},
    {"CreateInternetGateway", ec2_create_internet_gateway},
    {"AttachInternetGateway", ec2_attach_internet_gateway},
    {"DetachInternetGateway", ec2_detach_internet_gateway},
    {"DeleteInternetGateway", ec2_delete_internet_gateway},
    {"CreateRouteTable", ec2_create_route_table},
    {"DeleteRouteTable", ec2_delete_route_table},
    {"CreateRoute", ec2_create_route},
    {"AssociateRouteTable", ec2_associate_route_table},
    {"AllocateAddress", ec2_allocate_address},
    {"ReleaseAddress", ec2_release_address},
    {"CreateNatGateway", ec2_create_nat_gateway},
    {"DeleteNatGateway", ec2_delete_nat_gateway},
    {NULL, NULL},
};

const struct gf_local_service gf_local_ec2 = {&gf_aws_ec2, s_ec2_ops};

int gf_local_ec2_default_group(char id_out[40], struct gf_local_ctx *ctx, const char *vpc_id)
{
    json_t *all = NULL, *g;
    size_t i;
    int rc = res_all(&all, ctx, K_SG);

    id_out[0] = '\0';
    json_array_foreach(all, i, g) {
        const char *vpc = json_string_value(json_object_get(g, "vpcId"));
        const char *name = json_string_value(json_object_get(g, "groupName"));

        if (rc == 0 && vpc && name && vpc_id && strcmp(vpc, vpc_id) == 0 &&
            strcmp(name, "default") == 0)
            snprintf(id_out, 40, "%s", json_string_value(json_object_get(g, "groupId")));
    }
    json_decref(all);
    return rc < 0 ? rc : id_out[0] ? 0 : GF_ENOTFOUND;
}
