/* SPDX-License-Identifier: Apache-2.0 */
/* svc_elbv2.c: local-aws's ELBv2 (query protocol, reference/aws-protocols.md §7.6): application
 * load balancers, target groups, listeners, rules, targets and tags, with AWS's name rules,
 * limits and error codes; load balancer state and target health computed lazily from
 * ctx->now_ms. Also the hooks ECS uses to register its tasks' addresses (local.h). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC             "elbv2"
#define VAL             "ValidationError"
#define PROVISION_MS    200  /* provisioning -> active, compressed from AWS's minutes */
#define REGISTER_MS     300  /* target "initial" phase */
#define DRAIN_MAX_MS    300  /* "draining" lasts min(deregistration delay, this) */
#define MAX_LBS         50   /* AWS default quotas */
#define MAX_LISTENERS   50
#define MAX_RULES       100
#define MAX_TARGETS     1000
#define MAX_TAGS        50
#define MAX_ALL         100000


enum kind { K_LB, K_TG, K_LISTENER, K_RULE };

static const struct {
    const char *type, *marker, *notfound, *msg;
} s_kinds[] = {
    {"loadbalancer", ":loadbalancer/app/", "LoadBalancerNotFound",
     "One or more load balancers not found"},
    {"targetgroup", ":targetgroup/", "TargetGroupNotFound", "One or more target groups not found"},
    {"listener", ":listener/app/", "ListenerNotFound", "One or more listeners not found"},
    {"rule", ":listener-rule/app/", "RuleNotFound", "One or more rules not found"},
};

static const struct gf_local_page s_page = {"PageSize", "Marker", "NextMarker", 400, VAL};

/* ALB canonical hosted zone ids per region, from AWS's "Elastic Load Balancing endpoints and
 * quotas" table (https://docs.aws.amazon.com/general/latest/gr/elb.html, Application Load
 * Balancers column). Unknown regions get us-east-1's. */
static const struct {
    const char *region, *zone;
} s_zones[] = {
    {"us-east-1", "Z35SXDOTRQ7X7K"},      {"us-east-2", "Z3AADJGX6KTTL2"},
    {"us-west-1", "Z368ELLRRE2KJ0"},      {"us-west-2", "Z1H1FL5HABSF5"},
    {"ca-central-1", "ZQSVJUPU6J1EY"},    {"eu-central-1", "Z215JYRZR1TBD5"},
    {"eu-west-1", "Z32O12XQLNTSW2"},      {"eu-west-2", "ZHURV8PSTC4K8"},
    {"eu-west-3", "Z3Q77PNBQS71R4"},      {"eu-north-1", "Z23TAZL0KVD5T8"},
    {"eu-south-1", "Z3ULH7SSC9OV64"},     {"ap-northeast-1", "Z14GRHDCWA56QT"},
    {"ap-northeast-2", "ZWKZPGTI48KDX"},  {"ap-northeast-3", "Z5LXEXXYW11ES"},
    {"ap-southeast-1", "Z1LMS91P8CMLE5"}, {"ap-southeast-2", "Z1GM3OXH4ZPM65"},
    {"ap-south-1", "ZP97RAFLXTNZK"},      {"sa-east-1", "Z2P70J7HTTTPLU"},
    {"ap-east-1", "Z3DQVH9N71FHZ0"},      {"me-south-1", "ZS929ML54UICD"},
    {"af-south-1", "Z268VQBMOI5EKX"},
};

/* A string member, "" when absent: for comparisons. */
static const char *sv(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

/* json_array_append_new that reports GF_ENOMEM (value NULL counts as out of memory). */
static int append_new(json_t *arr, json_t *value)
{
    if (!value)
        return gf_error_oom();
    return json_array_append_new(arr, value) < 0 ? gf_error_oom() : 0;
}

static const char *hosted_zone(const char *region)
{
    size_t i;

    for (i = 0; i < sizeof(s_zones) / sizeof(s_zones[0]); i++) {
        if (strcmp(s_zones[i].region, region) == 0)
            return s_zones[i].zone;
    }
    return "Z35SXDOTRQ7X7K";
}

/* ---- storage ---------------------------------------------------------------------------- */

/* The row name of an ARN of kind k: the LB / TG name segment, or the ARN itself. NULL when the
 * ARN is not of that kind. Owned by out. */
static const char *row_name(struct gf_buf *out, enum kind k, const char *arn)
{
    const char *at = arn ? strstr(arn, s_kinds[k].marker) : NULL;
    const char *end;

    if (!at || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    if (k == K_LISTENER || k == K_RULE)
        return arn;
    at += strlen(s_kinds[k].marker);
    end = strchr(at, '/');
    if (!end || end == at)
        return NULL;
    gf_buf_put(out, at, (size_t)(end - at));
    return gf_buf_failed(out) ? NULL : out->ptr;
}

static const char *arn_key(enum kind k)
{
    static const char *const keys[] = {"LoadBalancerArn", "TargetGroupArn", "ListenerArn",
                                       "RuleArn"};
    return keys[k];
}

/* The stored document of `arn` (kind k) into *out, NULL when absent or malformed. */
static int load(json_t **out, struct gf_local_ctx *ctx, enum kind k, const char *arn)
{
    struct gf_buf name = GF_BUF_INIT;
    const char *n = row_name(&name, k, arn);
    int rc = 0;

    *out = NULL;
    if (n && arn)
        rc = gf_local_db_get(out, ctx->db, SVC, s_kinds[k].type, n, 0);
    if (*out && arn && strcmp(sv(*out, arn_key(k)), arn) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    gf_buf_release(&name);
    return rc;
}

/* load, answering the kind's NotFound error when absent. */
static int load_or_fail(json_t **out, struct gf_local_ctx *ctx, enum kind k, const char *arn)
{
    int rc = load(out, ctx, k, arn);

    if (rc == 0 && !*out)
        return gf_local_fail(ctx, 400, s_kinds[k].notfound, "%s", s_kinds[k].msg);
    return rc;
}

static const char *doc_name(enum kind k, const json_t *doc)
{
    if (k == K_LB)
        return json_string_value(json_object_get(doc, "LoadBalancerName"));
    if (k == K_TG)
        return json_string_value(json_object_get(doc, "TargetGroupName"));
    return json_string_value(json_object_get(doc, arn_key(k)));
}

static int store(struct gf_local_ctx *ctx, enum kind k, const json_t *doc)
{
    struct gf_local_res r = {SVC, s_kinds[k].type, doc_name(k, doc), 0,
                             json_string_value(json_object_get(doc, arn_key(k))), "ACTIVE", doc};

    return gf_local_db_put(ctx->db, &r);
}

static int drop(struct gf_local_ctx *ctx, enum kind k, const json_t *doc)
{
    bool gone;

    return gf_local_db_delete(&gone, ctx->db, SVC, s_kinds[k].type, doc_name(k, doc), 0);
}

static int list_all(json_t **out, struct gf_local_ctx *ctx, enum kind k)
{
    struct gf_local_list q = {SVC, s_kinds[k].type, NULL, NULL, false, 0, MAX_ALL};
    bool more;

    return gf_local_db_list(out, &more, ctx->db, &q);
}

/* A shallow copy without our private "_" members: what the API shows. */
static json_t *public_doc(const json_t *doc)
{
    json_t *o = json_object();
    const char *k;
    json_t *v;

    json_object_foreach ((json_t *)(uintptr_t)doc, k, v) {
        if (o && k[0] != '_' && json_object_set(o, k, v) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* "<prefix>/<16 hex>" style id appended to an ARN of ours. */
static int make_arn(struct gf_buf *out, struct gf_local_ctx *ctx, const char *fmt_resource)
{
    return gf_local_arn(out, ctx, "elasticloadbalancing", true, fmt_resource);
}

/* ---- input checks ------------------------------------------------------------------------ */

/* 1-32 alphanumerics and hyphens, not starting or ending with a hyphen. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    size_t i;

    if (n < 1 || n > 32 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

static int check_name(struct gf_local_ctx *ctx, const char *name, const char *what)
{
    if (!valid_name(name))
        return gf_local_fail(ctx, 400, VAL,
                             "%s name '%s' must be 1-32 alphanumeric characters or hyphens, and "
                             "must not begin or end with a hyphen",
                             what, name);
    return 0;
}

/* Tags: [{Key, Value}] with unique keys, none "aws:"; merged into *have (an array) with
 * replacement; TooManyTags past MAX_TAGS. */
/* Tag i of tags: lengths, no "aws:" prefix, its key not repeated before it. */
static int check_tag(struct gf_local_ctx *ctx, const json_t *tags, size_t i)
{
    const char *key = json_string_value(json_object_get(json_array_get(tags, i), "Key"));
    const char *val = json_string_value(json_object_get(json_array_get(tags, i), "Value"));
    size_t j;

    if (!key || !*key || strlen(key) > 128 || (val && strlen(val) > 256))
        return gf_local_fail(ctx, 400, VAL, "tag keys must be 1-128 characters and values at "
                                            "most 256");
    if (strncmp(key, "aws:", 4) == 0)
        return gf_local_fail(ctx, 400, VAL, "Tag keys starting with 'aws:' are reserved");
    for (j = 0; j < i; j++) {
        if (strcmp(sv(json_array_get(tags, j), "Key"), key) == 0)
            return gf_local_fail(ctx, 400, "DuplicateTagKeys", "Tag key '%s' is duplicated",
                                 key);
    }
    return 0;
}

/* Set key=val in `have`, replacing a tag of the same key. */
static int put_tag(json_t *have, const char *key, const char *val)
{
    json_t *h;
    size_t j;

    json_array_foreach (have, j, h) {
        if (strcmp(sv(h, "Key"), key) == 0)
            return gf_local_set(h, "Value", json_string(val));
    }
    return append_new(have, json_pack("{s:s,s:s}", "Key", key, "Value", val));
}

static int merge_tags(struct gf_local_ctx *ctx, json_t *have, const json_t *tags)
{
    const json_t *t;
    size_t i;
    int rc;

    json_array_foreach (tags, i, t) {
        rc = check_tag(ctx, tags, i);
        if (rc == 0)
            rc = put_tag(have, sv(t, "Key"), sv(t, "Value"));
        if (rc < 0)
            return rc;
    }
    if (json_array_size(have) > MAX_TAGS)
        return gf_local_fail(ctx, 400, "TooManyTags", "You cannot have more than %d tags",
                             MAX_TAGS);
    return 0;
}

/* The "Tags" input of a create into doc._tags. */
static int create_tags(struct gf_local_ctx *ctx, json_t *doc, const json_t *input)
{
    const json_t *tags = NULL;
    json_t *have = json_array();
    int rc = have ? gf_local_get_array(&tags, ctx, input, "Tags", NULL) : gf_error_oom();

    if (rc == 0 && tags)
        rc = merge_tags(ctx, have, tags);
    if (rc == 0)
        rc = gf_local_set(doc, "_tags", json_incref(have));
    json_decref(have);
    return rc;
}

/* An array of strings member (absent: *out NULL). */
static int get_strings(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                       const char *key, const char *missing)
{
    const json_t *v;
    size_t i;
    int rc = gf_local_get_array(out, ctx, input, key, missing);

    if (rc < 0 || !*out)
        return rc;
    json_array_foreach (*out, i, v) {
        if (!json_is_string(v))
            return gf_local_fail(ctx, 400, VAL, "'%s' must be a list of strings", key);
    }
    return 0;
}

/* Page `all` (a new array, stolen) into out[key] with our Marker tokens. */
static int page_out(json_t **out, struct gf_local_ctx *ctx, const json_t *input, json_t *all,
                    const char *key)
{
    int64_t limit, offset, i;
    json_t *o = NULL;
    json_t *items = json_array();
    int rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);

    for (i = offset; rc == 0 && i < offset + limit && i < (int64_t)json_array_size(all); i++) {
        if (json_array_append(items, json_array_get(all, (size_t)i)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0) {
        o = json_pack("{s:O}", key, items);
        rc = o ? gf_local_page_set(o, &s_page,
                                   offset + limit < (int64_t)json_array_size(all), offset,
                                   (size_t)limit)
               : gf_error_oom();
    }
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    json_decref(o);
    json_decref(items);
    json_decref(all);
    return rc;
}

/* ---- views: the stored doc as the API shows it now ---------------------------------------- */

static json_t *lb_view(const struct gf_local_ctx *ctx, const json_t *doc)
{
    json_t *o = public_doc(doc);
    int64_t created = json_integer_value(json_object_get(doc, "_created_ms"));
    const char *code = ctx->now_ms - created >= PROVISION_MS ? "active" : "provisioning";

    if (o && json_object_set_new(o, "State", json_pack("{s:s}", "Code", code)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Whether `actions` forward to tg_arn (TargetGroupArn or ForwardConfig.TargetGroups). */
static bool actions_use(const json_t *actions, const char *tg_arn)
{
    const json_t *a, *t;
    size_t i, j;

    json_array_foreach (actions, i, a) {
        const char *direct = json_string_value(json_object_get(a, "TargetGroupArn"));
        const json_t *tgs =
            json_object_get(json_object_get(a, "ForwardConfig"), "TargetGroups");

        if (direct && strcmp(direct, tg_arn) == 0)
            return true;
        json_array_foreach (tgs, j, t) {
            const char *arn = json_string_value(json_object_get(t, "TargetGroupArn"));

            if (arn && strcmp(arn, tg_arn) == 0)
                return true;
        }
    }
    return false;
}

/* The load balancers whose rules (default rules included) forward to tg_arn: a new array. */
static int tg_lbs(json_t **out, struct gf_local_ctx *ctx, const char *tg_arn)
{
    json_t *rules = NULL;
    json_t *r;
    size_t i;
    int rc = list_all(&rules, ctx, K_RULE);

    *out = json_array();
    if (!*out)
        rc = gf_error_oom();
    json_array_foreach (rc == 0 ? rules : NULL, i, r) {
        const char *lb = json_string_value(json_object_get(r, "_lb"));

        if (lb && actions_use(json_object_get(r, "Actions"), tg_arn) &&
            !gf_local_array_has_string(*out, lb))
            json_array_append_new(*out, json_string(lb));
    }
    json_decref(rules);
    return rc;
}

static int tg_view(json_t **out, struct gf_local_ctx *ctx, const json_t *doc)
{
    json_t *lbs = NULL;
    int rc = tg_lbs(&lbs, ctx, json_string_value(json_object_get(doc, "TargetGroupArn")));

    *out = NULL;
    if (rc == 0) {
        *out = public_doc(doc);
        rc = *out ? gf_local_set(*out, "LoadBalancerArns", json_incref(lbs)) : gf_error_oom();
    }
    json_decref(lbs);
    return rc;
}

/* ---- load balancers --------------------------------------------------------------------- */

/* The subnets of a create (Subnets or SubnetMappings[].SubnetId) as AvailabilityZones, and
 * their VPC into vpc_out; AWS's rules: two or more, in different zones, one VPC. */
/* Add subnet `id` to azs (AvailabilityZones) after AWS's checks: it exists, its VPC is vpc_out's
 * (set by the first), its zone is new. */
static int lb_add_subnet(json_t *azs, char vpc_out[32], struct gf_local_ctx *ctx, const char *id)
{
    char vpc[32], az[32];
    const json_t *have;
    size_t j;

    if (!id || gf_local_ec2_subnet(vpc, az, ctx, id) < 0)
        return gf_local_fail(ctx, 400, "SubnetNotFound", "The subnet ID '%s' is not valid",
                             id ? id : "");
    if (json_array_size(azs) > 0 && strcmp(vpc, vpc_out) != 0)
        return gf_local_fail(ctx, 400, "InvalidConfigurationRequest",
                             "The subnets must all belong to the same VPC");
    snprintf(vpc_out, 32, "%s", vpc);
    json_array_foreach (azs, j, have) {
        if (strcmp(sv(have, "ZoneName"), az) == 0)
            return gf_local_fail(ctx, 400, "InvalidConfigurationRequest",
                                 "A load balancer cannot be attached to multiple subnets in the "
                                 "same Availability Zone");
    }
    return append_new(azs, json_pack("{s:s,s:s,s:[]}", "ZoneName", az, "SubnetId", id,
                                     "LoadBalancerAddresses"));
}

/* The subnets of a create (Subnets or SubnetMappings[].SubnetId) as AvailabilityZones, and
 * their VPC into vpc_out; AWS's rules: two or more, in different zones, one VPC. */
static int lb_subnets(json_t **azs_out, char vpc_out[32], struct gf_local_ctx *ctx,
                      const json_t *input)
{
    const json_t *subnets = NULL;
    const json_t *maps = NULL;
    const json_t *s;
    size_t i;
    int rc = get_strings(&subnets, ctx, input, "Subnets", NULL);

    if (rc == 0)
        rc = gf_local_get_array(&maps, ctx, input, "SubnetMappings", NULL);
    if (rc < 0)
        return rc;
    *azs_out = json_array();
    if (!*azs_out)
        return gf_error_oom();
    json_array_foreach (subnets ? subnets : maps, i, s) {
        rc = lb_add_subnet(*azs_out, vpc_out, ctx,
                           json_is_string(s) ? json_string_value(s) : json_string_value(
                                                   json_object_get(s, "SubnetId")));
        if (rc < 0)
            return rc;
    }
    if (json_array_size(*azs_out) < 2)
        return gf_local_fail(ctx, 400, VAL,
                             "At least two subnets in two different Availability Zones must be "
                             "specified");
    return 0;
}

static int lb_security_groups(struct gf_local_ctx *ctx, const json_t *sgs)
{
    const json_t *g;
    size_t i;

    json_array_foreach (sgs, i, g) {
        if (gf_local_ec2_exists(ctx, json_string_value(g)) < 0)
            return gf_local_fail(ctx, 400, "InvalidSecurityGroup",
                                 "Security group '%s' does not exist", json_string_value(g));
    }
    return 0;
}

static json_t *lb_default_attributes(void)
{
    return json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]",
                     "Key", "deletion_protection.enabled", "Value", "false", "Key",
                     "idle_timeout.timeout_seconds", "Value", "60", "Key",
                     "routing.http2.enabled", "Value", "true", "Key", "access_logs.s3.enabled",
                     "Value", "false", "Key", "access_logs.s3.bucket", "Value", "", "Key",
                     "access_logs.s3.prefix", "Value", "", "Key",
                     "routing.http.drop_invalid_header_fields.enabled", "Value", "false");
}

/* Whether an existing LB has the settings of this create (then the create is idempotent). */
static bool lb_same(const json_t *have, const char *scheme, const json_t *azs, const json_t *sgs)
{
    const json_t *a;
    size_t i;

    if (strcmp(sv(have, "Scheme"), scheme) != 0 ||
        json_array_size(json_object_get(have, "AvailabilityZones")) != json_array_size(azs))
        return false;
    json_array_foreach (azs, i, a) {
        if (!json_equal(json_object_get(json_array_get(json_object_get(have, "AvailabilityZones"),
                                                       i), "SubnetId"),
                        json_object_get(a, "SubnetId")))
            return false;
    }
    return !sgs || json_equal(json_object_get(have, "SecurityGroups"), (json_t *)(uintptr_t)sgs);
}

static int lb_check_input(const char **name, const char **scheme, struct gf_local_ctx *ctx,
                          const json_t *input)
{
    const char *type = NULL;
    int rc = gf_local_get_string(name, ctx, input, "Name", VAL);

    if (rc == 0)
        rc = gf_local_get_string(scheme, ctx, input, "Scheme", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&type, ctx, input, "Type", NULL);
    if (rc < 0)
        return rc;
    rc = check_name(ctx, *name, "Load balancer");
    if (rc < 0)
        return rc;
    if (strncmp(*name, "internal-", 9) == 0)
        return gf_local_fail(ctx, 400, VAL, "Load balancer name '%s' cannot begin with "
                                            "'internal-'", *name);
    if (!*scheme)
        *scheme = "internet-facing";
    if (strcmp(*scheme, "internet-facing") != 0 && strcmp(*scheme, "internal") != 0)
        return gf_local_fail(ctx, 400, VAL, "Scheme must be 'internet-facing' or 'internal'");
    if (type && strcmp(type, "application") != 0)
        return gf_local_fail(ctx, 400, VAL, "Type '%s' is not supported by local-aws: use "
                                            "'application'", type);
    return 0;
}

static int lb_new_doc(json_t **out, struct gf_local_ctx *ctx, const char *name,
                      const char *scheme, const char *vpc, json_t *azs, const json_t *sgs)
{
    struct gf_buf arn = GF_BUF_INIT, dns = GF_BUF_INIT, res = GF_BUF_INIT;
    char id[17], digits[11];
    size_t i;
    int rc;

    gf_local_random_hex(id, 16);
    gf_local_random_hex(digits, 10);
    for (i = 0; i < 10; i++)
        digits[i] = (char)('0' + (digits[i] % 10));
    if (digits[0] == '0')
        digits[0] = '1';
    gf_buf_printf(&res, "loadbalancer/app/%s/%s", name, id);
    rc = make_arn(&arn, ctx, res.ptr);
    gf_buf_printf(&dns, "%s%s-%s.%s.elb.amazonaws.com",
                  strcmp(scheme, "internal") == 0 ? "internal-" : "", name, digits, ctx->region);
    if (rc == 0 && (gf_buf_failed(&dns) || gf_buf_failed(&res)))
        rc = gf_error_oom();
    if (rc == 0) {
        *out = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:O,s:o,s:s,s:I,s:o}",
                         "LoadBalancerArn", arn.ptr, "DNSName", dns.ptr, "CanonicalHostedZoneId",
                         hosted_zone(ctx->region), "CreatedTime", gf_local_now(ctx),
                         "LoadBalancerName", name, "Scheme", scheme, "VpcId", vpc, "Type",
                         "application", "AvailabilityZones", azs, "SecurityGroups",
                         sgs ? json_deep_copy(sgs) : json_array(), "IpAddressType", "ipv4",
                         "_created_ms", (json_int_t)ctx->now_ms, "_attributes",
                         lb_default_attributes());
        rc = *out ? 0 : gf_error_oom();
    }
    gf_buf_release(&arn);
    gf_buf_release(&dns);
    gf_buf_release(&res);
    return rc;
}

static int elb_create_load_balancer(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *scheme = NULL;
    const json_t *sgs = NULL;
    json_t *azs = NULL, *doc = NULL, *have = NULL, *all = NULL, *view = NULL;
    char vpc[32] = "";
    int rc = lb_check_input(&name, &scheme, ctx, input);

    if (rc == 0)
        rc = get_strings(&sgs, ctx, input, "SecurityGroups", NULL);
    if (rc == 0)
        rc = lb_subnets(&azs, vpc, ctx, input);
    if (rc == 0)
        rc = lb_security_groups(ctx, sgs);
    if (rc == 0)
        rc = gf_local_db_get(&have, ctx->db, SVC, "loadbalancer", name, 0);
    if (rc == 0 && have && !lb_same(have, scheme, azs, sgs))
        rc = gf_local_fail(ctx, 400, "DuplicateLoadBalancerName",
                           "A load balancer with the same name '%s' exists, but with different "
                           "settings", name);
    if (rc == 0 && !have) {
        rc = list_all(&all, ctx, K_LB);
        if (rc == 0 && json_array_size(all) >= MAX_LBS)
            rc = gf_local_fail(ctx, 400, "TooManyLoadBalancers",
                               "The maximum number of load balancers (%d) has been reached",
                               MAX_LBS);
        if (rc == 0)
            rc = lb_new_doc(&doc, ctx, name, scheme, vpc, azs, sgs);
        if (rc == 0)
            rc = create_tags(ctx, doc, input);
        if (rc == 0)
            rc = store(ctx, K_LB, doc);
    }
    if (rc == 0)
        view = lb_view(ctx, have ? have : doc);
    if (rc == 0 && !view)
        rc = gf_error_oom();
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "LoadBalancers", view);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(azs);
    json_decref(doc);
    json_decref(have);
    json_decref(all);
    return rc;
}

/* The docs named by `arns` (kind k) as views, in order; the kind's NotFound when one is absent. */
static int views_by_arn(json_t **out, struct gf_local_ctx *ctx, enum kind k, const json_t *arns)
{
    const json_t *a;
    size_t i;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach (arns, i, a) {
        json_t *doc = NULL, *view = NULL;

        rc = load_or_fail(&doc, ctx, k, json_string_value(a));
        if (rc == 0 && k == K_TG)
            rc = tg_view(&view, ctx, doc);
        else if (rc == 0)
            view = k == K_LB ? lb_view(ctx, doc) : public_doc(doc);
        if (rc == 0 && json_array_append_new(*out, view) < 0)
            rc = gf_error_oom();
        json_decref(doc);
        if (rc < 0)
            break;
    }
    return rc;
}

/* Map names to ARNs for LBs / TGs: a new array of ARNs, NotFound when one is missing. */
static int arns_by_name(json_t **out, struct gf_local_ctx *ctx, enum kind k, const json_t *names)
{
    const json_t *n;
    size_t i;
    int rc = 0;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach (names, i, n) {
        json_t *doc = NULL;

        rc = gf_local_db_get(&doc, ctx->db, SVC, s_kinds[k].type, json_string_value(n), 0);
        if (rc == 0 && !doc)
            rc = gf_local_fail(ctx, 400, s_kinds[k].notfound, "%s", s_kinds[k].msg);
        if (rc == 0)
            rc = json_array_append(*out, json_object_get(doc, arn_key(k))) < 0 ? gf_error_oom()
                                                                               : 0;
        json_decref(doc);
        if (rc < 0)
            break;
    }
    return rc;
}

/* Every doc of kind k as views (optionally only those whose `field` equals `value`). */
static int views_all(json_t **out, struct gf_local_ctx *ctx, enum kind k, const char *field,
                     const char *value)
{
    json_t *docs = NULL, *arns = json_array();
    json_t *d;
    size_t i;
    int rc = arns ? list_all(&docs, ctx, k) : gf_error_oom();

    json_array_foreach (rc == 0 ? docs : NULL, i, d) {
        const char *v = field ? json_string_value(json_object_get(d, field)) : NULL;

        if (!field || (v && value && strcmp(v, value) == 0))
            json_array_append(arns, json_object_get(d, arn_key(k)));
    }
    *out = NULL;
    if (rc == 0)
        rc = views_by_arn(out, ctx, k, arns);
    json_decref(docs);
    json_decref(arns);
    return rc;
}

static int elb_describe_load_balancers(json_t **out, struct gf_local_ctx *ctx,
                                       const json_t *input)
{
    const json_t *arns = NULL, *names = NULL;
    json_t *by_name = NULL, *all = NULL;
    int rc = get_strings(&arns, ctx, input, "LoadBalancerArns", NULL);

    if (rc == 0)
        rc = get_strings(&names, ctx, input, "Names", NULL);
    if (rc == 0 && arns && names)
        rc = gf_local_fail(ctx, 400, VAL, "Load balancer names and load balancer ARNs cannot be "
                                          "specified at the same time");
    if (rc == 0 && names)
        rc = arns_by_name(&by_name, ctx, K_LB, names);
    if (rc == 0 && (arns || names))
        rc = views_by_arn(&all, ctx, K_LB, arns ? arns : by_name);
    else if (rc == 0)
        rc = views_all(&all, ctx, K_LB, NULL, NULL);
    json_decref(by_name);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    return page_out(out, ctx, input, all, "LoadBalancers");
}

/* Delete listener `l` (a stored doc) and its rules. */
static int delete_listener_doc(struct gf_local_ctx *ctx, const json_t *l)
{
    const char *arn = json_string_value(json_object_get(l, "ListenerArn"));
    json_t *rules = NULL;
    json_t *r;
    size_t i;
    int rc = list_all(&rules, ctx, K_RULE);

    json_array_foreach (rc == 0 ? rules : NULL, i, r) {
        const char *la = json_string_value(json_object_get(r, "_listener"));

        if (la && strcmp(la, arn) == 0 && rc == 0)
            rc = drop(ctx, K_RULE, r);
    }
    if (rc == 0)
        rc = drop(ctx, K_LISTENER, l);
    json_decref(rules);
    return rc;
}

static const char *attr_value(const json_t *attrs, const char *key)
{
    const json_t *a;
    size_t i;

    json_array_foreach (attrs, i, a) {
        if (strcmp(sv(a, "Key"), key) == 0)
            return json_string_value(json_object_get(a, "Value"));
    }
    return NULL;
}

static int elb_delete_load_balancer(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL, *listeners = NULL;
    json_t *l;
    size_t i;
    const char *prot;
    int rc = gf_local_get_string(&arn, ctx, input, "LoadBalancerArn", VAL);

    (void)out;
    if (rc == 0)
        rc = load(&doc, ctx, K_LB, arn);
    if (rc < 0 || !doc) /* AWS: deleting one already gone succeeds */
        goto out;
    prot = attr_value(json_object_get(doc, "_attributes"), "deletion_protection.enabled");
    if (prot && strcmp(prot, "true") == 0) {
        rc = gf_local_fail(ctx, 400, "OperationNotPermitted",
                           "Load balancer '%s' cannot be deleted because deletion protection is "
                           "enabled", arn);
        goto out;
    }
    rc = list_all(&listeners, ctx, K_LISTENER);
    json_array_foreach (rc == 0 ? listeners : NULL, i, l) {
        const char *lb = json_string_value(json_object_get(l, "LoadBalancerArn"));

        if (rc == 0 && lb && strcmp(lb, arn) == 0)
            rc = delete_listener_doc(ctx, l);
    }
    if (rc == 0)
        rc = drop(ctx, K_LB, doc);
out:
    json_decref(doc);
    json_decref(listeners);
    return rc;
}

/* ---- attributes (LB and TG) -------------------------------------------------------------- */

static bool attr_value_ok(const char *key, const char *v)
{
    int64_t n;

    if (strstr(key, ".enabled"))
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    if (strcmp(key, "idle_timeout.timeout_seconds") == 0)
        return gf_slice_to_i64(&n, gf_slice_from(v), 1, 4000) == 0;
    if (strcmp(key, "deregistration_delay.timeout_seconds") == 0)
        return gf_slice_to_i64(&n, gf_slice_from(v), 0, 3600) == 0;
    if (strcmp(key, "stickiness.lb_cookie.duration_seconds") == 0)
        return gf_slice_to_i64(&n, gf_slice_from(v), 1, 604800) == 0;
    if (strcmp(key, "slow_start.duration_seconds") == 0)
        return gf_slice_to_i64(&n, gf_slice_from(v), 0, 900) == 0;
    if (strcmp(key, "stickiness.type") == 0)
        return strcmp(v, "lb_cookie") == 0 || strcmp(v, "app_cookie") == 0;
    if (strcmp(key, "load_balancing.algorithm.type") == 0)
        return strcmp(v, "round_robin") == 0 || strcmp(v, "least_outstanding_requests") == 0;
    return true;
}

/* Apply `changes` ([{Key, Value}]) to doc._attributes: every key must exist already. */
static int apply_attributes(struct gf_local_ctx *ctx, json_t *doc, const json_t *changes,
                            const char *what)
{
    json_t *attrs = json_object_get(doc, "_attributes");
    const json_t *c;
    size_t i, j;

    json_array_foreach (changes, i, c) {
        const char *key = json_string_value(json_object_get(c, "Key"));
        const char *val = json_string_value(json_object_get(c, "Value"));
        json_t *a;
        bool found = false;

        if (!key || !val)
            return gf_local_fail(ctx, 400, VAL, "Attributes need a Key and a Value");
        json_array_foreach (attrs, j, a) {
            if (strcmp(sv(a, "Key"), key) == 0) {
                if (!attr_value_ok(key, val))
                    return gf_local_fail(ctx, 400, "InvalidConfigurationRequest",
                                         "%s attribute '%s' cannot have value '%s'", what, key,
                                         val);
                json_object_set_new(a, "Value", json_string(val));
                found = true;
            }
        }
        if (!found)
            return gf_local_fail(ctx, 400, VAL, "%s attribute key '%s' is not recognized", what,
                                 key);
    }
    return 0;
}

static int attributes_op(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                         enum kind k, bool modify)
{
    const char *arn = NULL;
    const json_t *changes = NULL;
    json_t *doc = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, arn_key(k), VAL);

    if (rc == 0 && modify)
        rc = gf_local_get_array(&changes, ctx, input, "Attributes", VAL);
    if (rc == 0)
        rc = load_or_fail(&doc, ctx, k, arn);
    if (rc == 0 && modify)
        rc = apply_attributes(ctx, doc, changes, k == K_LB ? "Load balancer" : "Target group");
    if (rc == 0 && modify)
        rc = store(ctx, k, doc);
    if (rc == 0) {
        *out = json_pack("{s:O}", "Attributes", json_object_get(doc, "_attributes"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int elb_describe_lb_attributes(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    return attributes_op(out, ctx, input, K_LB, false);
}

static int elb_modify_lb_attributes(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return attributes_op(out, ctx, input, K_LB, true);
}

static int elb_describe_tg_attributes(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    return attributes_op(out, ctx, input, K_TG, false);
}

static int elb_modify_tg_attributes(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return attributes_op(out, ctx, input, K_TG, true);
}

/* ---- target groups ---------------------------------------------------------------------- */

struct hc_field {
    const char *key;
    int64_t lo, hi;
};

static const struct hc_field s_hc_ints[] = {
    {"HealthCheckIntervalSeconds", 5, 300},
    {"HealthCheckTimeoutSeconds", 2, 120},
    {"HealthyThresholdCount", 2, 10},
    {"UnhealthyThresholdCount", 2, 10},
};

/* Health-check members of input into doc (create: over the defaults; modify: over the current),
 * with AWS's ranges. */
static int check_health_strings(struct gf_local_ctx *ctx, const char *path, const char *proto,
                                bool matcher_without_code)
{
    if (path && (path[0] != '/' || strlen(path) > 1024))
        return gf_local_fail(ctx, 400, VAL, "Health check path must begin with '/' and be at "
                                            "most 1024 characters");
    if (proto && strcmp(proto, "HTTP") != 0 && strcmp(proto, "HTTPS") != 0)
        return gf_local_fail(ctx, 400, VAL, "Health check protocol '%s' is not supported for "
                                            "HTTP target groups", proto);
    if (matcher_without_code)
        return gf_local_fail(ctx, 400, VAL, "Matcher must specify HttpCode");
    return 0;
}

static int health_check_ints(struct gf_local_ctx *ctx, json_t *doc, const json_t *input)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < sizeof(s_hc_ints) / sizeof(s_hc_ints[0]); i++) {
        int64_t v = 0;
        bool given = false;

        rc = gf_local_get_int(&v, &given, ctx, input, s_hc_ints[i].key, NULL);
        if (rc == 0 && given && (v < s_hc_ints[i].lo || v > s_hc_ints[i].hi))
            rc = gf_local_fail(ctx, 400, VAL, "%s must be between %" PRId64 " and %" PRId64,
                               s_hc_ints[i].key, s_hc_ints[i].lo, s_hc_ints[i].hi);
        if (rc == 0 && given)
            rc = gf_local_set(doc, s_hc_ints[i].key, json_integer(v));
    }
    return rc;
}

static int apply_health_check(struct gf_local_ctx *ctx, json_t *doc, const json_t *input)
{
    const char *path = NULL, *proto = NULL, *port = NULL, *code = NULL;
    const json_t *matcher = NULL;
    bool enabled = json_is_true(json_object_get(doc, "HealthCheckEnabled"));
    int rc = health_check_ints(ctx, doc, input);

    if (rc == 0)
        rc = gf_local_get_string(&path, ctx, input, "HealthCheckPath", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&proto, ctx, input, "HealthCheckProtocol", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&port, ctx, input, "HealthCheckPort", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&enabled, ctx, input, "HealthCheckEnabled");
    if (rc == 0)
        rc = gf_local_get_object(&matcher, ctx, input, "Matcher", NULL);
    if (rc < 0)
        return rc;
    code = json_string_value(json_object_get(matcher, "HttpCode"));
    rc = check_health_strings(ctx, path, proto, matcher && !code);
    if (rc < 0)
        return rc;
    if ((path && gf_local_set(doc, "HealthCheckPath", json_string(path)) < 0) ||
        (proto && gf_local_set(doc, "HealthCheckProtocol", json_string(proto)) < 0) ||
        (port && gf_local_set(doc, "HealthCheckPort", json_string(port)) < 0) ||
        (code && gf_local_set(doc, "Matcher", json_pack("{s:s}", "HttpCode", code)) < 0) ||
        gf_local_set(doc, "HealthCheckEnabled", json_boolean(enabled)) < 0)
        return gf_error_oom();
    if (json_integer_value(json_object_get(doc, "HealthCheckTimeoutSeconds")) >=
        json_integer_value(json_object_get(doc, "HealthCheckIntervalSeconds")))
        return gf_local_fail(ctx, 400, VAL, "Health check timeout must be smaller than the "
                                            "interval");
    return 0;
}

static json_t *tg_default_attributes(void)
{
    return json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "Key",
                     "deregistration_delay.timeout_seconds", "Value", "300", "Key",
                     "stickiness.enabled", "Value", "false", "Key", "stickiness.type", "Value",
                     "lb_cookie", "Key", "stickiness.lb_cookie.duration_seconds", "Value",
                     "86400", "Key", "load_balancing.algorithm.type", "Value", "round_robin",
                     "Key", "slow_start.duration_seconds", "Value", "0");
}

struct tg_in {
    const char *name, *protocol, *vpc, *type;
    int64_t port;
    bool has_port;
};

static int tg_read_input(struct tg_in *t, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = gf_local_get_string(&t->name, ctx, input, "Name", VAL);

    if (rc == 0)
        rc = gf_local_get_string(&t->protocol, ctx, input, "Protocol", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&t->vpc, ctx, input, "VpcId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&t->type, ctx, input, "TargetType", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&t->port, &t->has_port, ctx, input, "Port", NULL);
    if (rc == 0)
        rc = check_name(ctx, t->name, "Target group");
    if (rc < 0)
        return rc;
    if (!t->type)
        t->type = "instance";
    if (strcmp(t->type, "instance") != 0 && strcmp(t->type, "ip") != 0)
        return gf_local_fail(ctx, 400, VAL, "Target type '%s' is not supported by local-aws: use "
                                            "'ip' or 'instance'", t->type);
    if (!t->protocol || !t->has_port || !t->vpc)
        return gf_local_fail(ctx, 400, VAL, "A protocol, a port and a VPC ID must be specified "
                                            "for target type '%s'", t->type);
    if (strcmp(t->protocol, "HTTP") != 0 && strcmp(t->protocol, "HTTPS") != 0)
        return gf_local_fail(ctx, 400, VAL, "Protocol '%s' is not supported by local-aws: use "
                                            "HTTP or HTTPS", t->protocol);
    if (t->port < 1 || t->port > 65535)
        return gf_local_fail(ctx, 400, VAL, "Port must be between 1 and 65535");
    if (gf_local_ec2_exists(ctx, t->vpc) < 0)
        return gf_local_fail(ctx, 400, VAL, "The VPC ID '%s' is not found", t->vpc);
    return 0;
}

static int tg_new_doc(json_t **out, struct gf_local_ctx *ctx, const struct tg_in *t)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT;
    char id[17];
    int rc;

    gf_local_random_hex(id, 16);
    gf_buf_printf(&res, "targetgroup/%s/%s", t->name, id);
    rc = gf_buf_failed(&res) ? gf_error_oom() : make_arn(&arn, ctx, res.ptr);
    if (rc == 0) {
        /* AWS's defaults for HTTP/HTTPS target groups of type ip/instance */
        *out = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:b,s:i,s:i,s:i,s:i,s:s,s:{s:s},s:s,s:s,"
                         "s:s,s:[],s:[],s:o}",
                         "TargetGroupArn", arn.ptr, "TargetGroupName", t->name, "Protocol",
                         t->protocol, "Port", (json_int_t)t->port, "VpcId", t->vpc,
                         "HealthCheckProtocol", t->protocol, "HealthCheckPort", "traffic-port",
                         "HealthCheckEnabled", 1, "HealthCheckIntervalSeconds", 30,
                         "HealthCheckTimeoutSeconds", 5, "HealthyThresholdCount", 5,
                         "UnhealthyThresholdCount", 2, "HealthCheckPath", "/", "Matcher",
                         "HttpCode", "200", "TargetType", t->type, "ProtocolVersion", "HTTP1",
                         "IpAddressType", "ipv4", "LoadBalancerArns", "_targets", "_attributes",
                         tg_default_attributes());
        rc = *out ? 0 : gf_error_oom();
    }
    gf_buf_release(&arn);
    gf_buf_release(&res);
    return rc;
}

static bool tg_same(const json_t *have, const struct tg_in *t)
{
    return strcmp(sv(have, "Protocol"), t->protocol) == 0 &&
           json_integer_value(json_object_get(have, "Port")) == t->port &&
           strcmp(sv(have, "VpcId"), t->vpc) == 0 &&
           strcmp(sv(have, "TargetType"), t->type) == 0;
}

static int elb_create_target_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct tg_in t = {NULL, NULL, NULL, NULL, 0, false};
    json_t *doc = NULL, *have = NULL, *view = NULL;
    int rc = tg_read_input(&t, ctx, input);

    if (rc == 0)
        rc = gf_local_db_get(&have, ctx->db, SVC, "targetgroup", t.name, 0);
    if (rc == 0 && have && !tg_same(have, &t))
        rc = gf_local_fail(ctx, 400, "DuplicateTargetGroupName",
                           "A target group with the same name '%s' exists, but with different "
                           "settings", t.name);
    if (rc == 0 && !have) {
        rc = tg_new_doc(&doc, ctx, &t);
        if (rc == 0)
            rc = apply_health_check(ctx, doc, input);
        if (rc == 0)
            rc = create_tags(ctx, doc, input);
        if (rc == 0)
            rc = store(ctx, K_TG, doc);
    }
    if (rc == 0)
        rc = tg_view(&view, ctx, have ? have : doc);
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "TargetGroups", view);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    json_decref(have);
    return rc;
}

/* The target groups forwarded to by load balancer lb's listeners and rules, as views. */
static int tgs_of_lb(json_t **out, struct gf_local_ctx *ctx, const char *lb)
{
    json_t *lbdoc = NULL, *tgs = NULL;
    json_t *t;
    size_t i;
    int rc = load_or_fail(&lbdoc, ctx, K_LB, lb);

    *out = NULL;
    if (rc == 0)
        rc = views_all(&tgs, ctx, K_TG, NULL, NULL);
    if (rc == 0) {
        *out = json_array();
        rc = *out ? 0 : gf_error_oom();
    }
    json_array_foreach (rc == 0 ? tgs : NULL, i, t) {
        if (gf_local_array_has_string(json_object_get(t, "LoadBalancerArns"), lb) &&
            json_array_append(*out, t) < 0)
            rc = gf_error_oom();
    }
    json_decref(lbdoc);
    json_decref(tgs);
    return rc;
}

static int elb_describe_target_groups(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    const json_t *arns = NULL, *names = NULL;
    const char *lb = NULL;
    json_t *by_name = NULL, *all = NULL;
    int rc = get_strings(&arns, ctx, input, "TargetGroupArns", NULL);

    if (rc == 0)
        rc = get_strings(&names, ctx, input, "Names", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&lb, ctx, input, "LoadBalancerArn", NULL);
    if (rc == 0 && (!!arns + !!names + !!lb) > 1)
        rc = gf_local_fail(ctx, 400, VAL, "Only one of load balancer ARN, target group ARNs or "
                                          "names can be specified");
    if (rc == 0 && names)
        rc = arns_by_name(&by_name, ctx, K_TG, names);
    if (rc == 0 && (arns || names))
        rc = views_by_arn(&all, ctx, K_TG, arns ? arns : by_name);
    else if (rc == 0 && lb)
        rc = tgs_of_lb(&all, ctx, lb);
    else if (rc == 0) {
        rc = views_all(&all, ctx, K_TG, NULL, NULL);
    }
    json_decref(by_name);
    if (rc < 0 || !all) {
        json_decref(all);
        return rc < 0 ? rc : gf_error_oom();
    }
    return page_out(out, ctx, input, all, "TargetGroups");
}

static int elb_modify_target_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL, *view = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "TargetGroupArn", VAL);

    if (rc == 0)
        rc = load_or_fail(&doc, ctx, K_TG, arn);
    if (rc == 0)
        rc = apply_health_check(ctx, doc, input);
    if (rc == 0)
        rc = store(ctx, K_TG, doc);
    if (rc == 0)
        rc = tg_view(&view, ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "TargetGroups", view);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static int elb_delete_target_group(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL, *lbs = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "TargetGroupArn", VAL);

    (void)out;
    if (rc == 0)
        rc = load(&doc, ctx, K_TG, arn);
    if (rc == 0 && doc) /* the model lists no TargetGroupNotFound: gone is success */
        rc = tg_lbs(&lbs, ctx, arn);
    if (rc == 0 && doc && json_array_size(lbs) > 0)
        rc = gf_local_fail(ctx, 400, "ResourceInUse",
                           "Target group '%s' is currently in use by a listener or a rule", arn);
    if (rc == 0 && doc)
        rc = drop(ctx, K_TG, doc);
    json_decref(doc);
    json_decref(lbs);
    return rc;
}

/* ---- actions and conditions ------------------------------------------------------------- */

/* The target group ARNs an action forwards to must exist and belong to no other LB. */
static int check_forward_tg(struct gf_local_ctx *ctx, const char *tg_arn, const char *lb_arn)
{
    json_t *doc = NULL, *lbs = NULL;
    size_t i;
    int rc = load_or_fail(&doc, ctx, K_TG, tg_arn);

    if (rc == 0)
        rc = tg_lbs(&lbs, ctx, tg_arn);
    for (i = 0; rc == 0 && i < json_array_size(lbs); i++) {
        if (strcmp(json_string_value(json_array_get(lbs, i)), lb_arn) != 0)
            rc = gf_local_fail(ctx, 400, "TargetGroupAssociationLimit",
                               "The following target groups cannot be associated with more than "
                               "one load balancer: %s", tg_arn);
    }
    json_decref(doc);
    json_decref(lbs);
    return rc;
}

static int check_forward(struct gf_local_ctx *ctx, json_t *a, const char *lb_arn)
{
    const char *direct = json_string_value(json_object_get(a, "TargetGroupArn"));
    json_t *tgs = json_object_get(json_object_get(a, "ForwardConfig"), "TargetGroups");
    json_t *t;
    size_t i;
    int rc = 0;

    if (!direct && json_array_size(tgs) == 0)
        return gf_local_fail(ctx, 400, VAL, "A target group ARN must be specified for a forward "
                                            "action");
    if (direct)
        rc = check_forward_tg(ctx, direct, lb_arn);
    json_array_foreach (rc == 0 ? tgs : NULL, i, t) {
        const char *arn = json_string_value(json_object_get(t, "TargetGroupArn"));

        rc = check_forward_tg(ctx, arn ? arn : "", lb_arn);
        if (rc < 0)
            break;
    }
    if (rc == 0 && direct && !tgs) /* AWS echoes both forms */
        rc = gf_local_set(a, "ForwardConfig",
                          json_pack("{s:[{s:s,s:i}],s:{s:b}}", "TargetGroups", "TargetGroupArn",
                                    direct, "Weight", 1, "TargetGroupStickinessConfig",
                                    "Enabled", 0));
    return rc;
}

static int check_redirect(struct gf_local_ctx *ctx, json_t *a)
{
    json_t *rc_cfg = json_object_get(a, "RedirectConfig");
    const char *code = json_string_value(json_object_get(rc_cfg, "StatusCode"));
    static const char *const keys[] = {"Protocol", "Port", "Host", "Path", "Query"};
    static const char *const defs[] = {"#{protocol}", "#{port}", "#{host}", "/#{path}",
                                       "#{query}"};
    size_t i;

    if (!code || (strcmp(code, "HTTP_301") != 0 && strcmp(code, "HTTP_302") != 0))
        return gf_local_fail(ctx, 400, VAL, "A redirect action needs RedirectConfig.StatusCode "
                                            "HTTP_301 or HTTP_302");
    for (i = 0; i < 5; i++) {
        if (!json_object_get(rc_cfg, keys[i]) &&
            gf_local_set(rc_cfg, keys[i], json_string(defs[i])) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int check_fixed(struct gf_local_ctx *ctx, const json_t *a)
{
    const char *code = json_string_value(
        json_object_get(json_object_get(a, "FixedResponseConfig"), "StatusCode"));

    if (!code || strlen(code) != 3 || (code[0] != '2' && code[0] != '4' && code[0] != '5') ||
        code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9')
        return gf_local_fail(ctx, 400, VAL, "A fixed-response action needs "
                                            "FixedResponseConfig.StatusCode 2XX, 4XX or 5XX");
    return 0;
}

/* Validate (and normalise, in place) an Actions list of a listener or rule of lb_arn. */
static int check_actions(struct gf_local_ctx *ctx, json_t *actions, const char *lb_arn)
{
    json_t *a;
    size_t i;
    int rc = 0;

    if (json_array_size(actions) == 0)
        return gf_local_fail(ctx, 400, VAL, "At least one action must be specified");
    if (json_array_size(actions) > 1)
        return gf_local_fail(ctx, 400, "InvalidLoadBalancerAction",
                             "local-aws supports exactly one action per listener or rule");
    json_array_foreach (actions, i, a) {
        const char *type = json_string_value(json_object_get(a, "Type"));

        if (!type)
            rc = gf_local_fail(ctx, 400, VAL, "An action must have a Type");
        else if (strcmp(type, "forward") == 0)
            rc = check_forward(ctx, a, lb_arn);
        else if (strcmp(type, "redirect") == 0)
            rc = check_redirect(ctx, a);
        else if (strcmp(type, "fixed-response") == 0)
            rc = check_fixed(ctx, a);
        else
            rc = gf_local_fail(ctx, 400, "InvalidLoadBalancerAction",
                               "Action type '%s' is not supported by local-aws", type);
        if (rc == 0 && !json_object_get(a, "Order"))
            rc = gf_local_set(a, "Order", json_integer((json_int_t)i + 1));
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* An actions member of input as a copy we may normalise; *out NULL when absent. */
static int get_actions(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                       const char *key, bool required, const char *lb_arn)
{
    const json_t *a = NULL;
    int rc = gf_local_get_array(&a, ctx, input, key, required ? VAL : NULL);

    *out = NULL;
    if (rc < 0 || !a)
        return rc;
    *out = json_deep_copy(a);
    if (!*out)
        return gf_error_oom();
    rc = check_actions(ctx, *out, lb_arn);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Conditions: host-header / path-pattern (and the other fields passed through), each with
 * values in XConfig.Values or the legacy Values; stored with both forms as AWS echoes them. */
/* One condition, normalised in place: values in both XConfig.Values and Values. */
static int normalise_condition(struct gf_local_ctx *ctx, json_t *c)
{
    const char *field = json_string_value(json_object_get(c, "Field"));
    const char *cfg = NULL;
    json_t *values;
    int rc;

    if (field && strcmp(field, "host-header") == 0)
        cfg = "HostHeaderConfig";
    else if (field && strcmp(field, "path-pattern") == 0)
        cfg = "PathPatternConfig";
    if (!cfg)
        return gf_local_fail(ctx, 400, VAL, "Condition field '%s' is not supported by local-aws: "
                                            "use host-header or path-pattern",
                             field ? field : "");
    values = json_object_get(json_object_get(c, cfg), "Values");
    if (!values)
        values = json_object_get(c, "Values");
    if (json_array_size(values) == 0)
        return gf_local_fail(ctx, 400, VAL, "A '%s' condition needs at least one value", field);
    json_incref(values);
    rc = gf_local_set(c, "Values", json_deep_copy(values));
    if (rc == 0)
        rc = gf_local_set(c, cfg, json_pack("{s:O}", "Values", values));
    json_decref(values);
    return rc;
}

/* Conditions: host-header / path-pattern, each with values in XConfig.Values or the legacy
 * Values; stored with both forms as AWS echoes them. *out: a new array, NULL when absent. */
static int check_conditions(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                            bool required)
{
    const json_t *conds = NULL;
    json_t *c;
    size_t i;
    int rc = gf_local_get_array(&conds, ctx, input, "Conditions", required ? VAL : NULL);

    *out = NULL;
    if (rc < 0 || !conds)
        return rc;
    *out = json_deep_copy(conds);
    if (!*out)
        return gf_error_oom();
    json_array_foreach (*out, i, c) {
        rc = normalise_condition(ctx, c);
        if (rc < 0)
            break;
    }
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- listeners -------------------------------------------------------------------------- */

static int listener_cmp(const void *a, const void *b);
static int sort_docs(json_t **arr, int (*cmp)(const void *, const void *));

/* Certificates of an HTTPS listener: present, in ACM, ISSUED. *out: a new array or NULL. */
static int check_certificates(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                              const char *protocol)
{
    const json_t *certs = NULL;
    const json_t *c;
    size_t i;
    int rc = gf_local_get_array(&certs, ctx, input, "Certificates", NULL);

    *out = NULL;
    if (rc < 0)
        return rc;
    if (strcmp(protocol, "HTTPS") == 0 && json_array_size(certs) == 0)
        return gf_local_fail(ctx, 400, "CertificateNotFound",
                             "A certificate must be specified for HTTPS listeners");
    json_array_foreach (certs, i, c) {
        const char *arn = json_string_value(json_object_get(c, "CertificateArn"));
        char status[32];

        if (!arn || gf_local_acm_certificate_status(status, ctx, arn) < 0)
            return gf_local_fail(ctx, 400, "CertificateNotFound", "Certificate '%s' not found",
                                 arn ? arn : "");
        if (strcmp(status, "ISSUED") != 0)
            return gf_local_fail(ctx, 400, "UnsupportedCertificate",
                                 "The certificate '%s' must be ISSUED to be used (it is %s)",
                                 arn, status);
    }
    if (certs) {
        *out = json_array();
        json_array_foreach (certs, i, c)
            json_array_append_new(*out, json_pack("{s:O}", "CertificateArn",
                                                  json_object_get(c, "CertificateArn")));
    }
    return 0;
}

/* Another listener of lb_arn on `port` (not `self`), borrowed from `listeners`. */
static json_t *listener_on_port(json_t *listeners, const char *lb_arn, int64_t port,
                                const char *self)
{
    json_t *l;
    size_t i;

    json_array_foreach (listeners, i, l) {
        const char *lb = sv(l, "LoadBalancerArn");
        const char *arn = sv(l, "ListenerArn");

        if (strcmp(lb, lb_arn) == 0 && json_integer_value(json_object_get(l, "Port")) == port &&
            (!self || strcmp(arn, self) != 0))
            return l;
    }
    return NULL;
}

static size_t count_field(json_t *docs, const char *field, const char *value)
{
    json_t *d;
    size_t i, n = 0;

    json_array_foreach (docs, i, d) {
        const char *v = json_string_value(json_object_get(d, field));

        n += v && strcmp(v, value) == 0;
    }
    return n;
}

static int check_protocol_port(struct gf_local_ctx *ctx, const char *protocol, int64_t port)
{
    if (!protocol)
        return gf_local_fail(ctx, 400, VAL, "A listener protocol must be specified");
    if (strcmp(protocol, "HTTP") != 0 && strcmp(protocol, "HTTPS") != 0)
        return gf_local_fail(ctx, 400, "UnsupportedProtocol",
                             "Protocol '%s' is not supported by application load balancers",
                             protocol);
    if (port < 1 || port > 65535)
        return gf_local_fail(ctx, 400, VAL, "Port must be between 1 and 65535");
    return 0;
}

/* The default rule of a new listener. */
static int put_default_rule(struct gf_local_ctx *ctx, const json_t *listener)
{
    const char *larn = json_string_value(json_object_get(listener, "ListenerArn"));
    const char *at = strstr(larn, ":listener/app/");
    struct gf_buf res = GF_BUF_INIT, arn = GF_BUF_INIT;
    json_t *rule = NULL;
    char id[17];
    int rc;

    gf_local_random_hex(id, 16);
    gf_buf_printf(&res, "listener-rule/app/%s/%s", at + strlen(":listener/app/"), id);
    rc = gf_buf_failed(&res) ? gf_error_oom() : make_arn(&arn, ctx, res.ptr);
    if (rc == 0) {
        rule = json_pack("{s:s,s:s,s:[],s:O,s:b,s:s,s:O,s:[]}", "RuleArn", arn.ptr, "Priority",
                         "default", "Conditions", "Actions",
                         json_object_get(listener, "DefaultActions"), "IsDefault", 1,
                         "_listener", larn, "_lb", json_object_get(listener, "LoadBalancerArn"),
                         "_tags");
        rc = rule ? store(ctx, K_RULE, rule) : gf_error_oom();
    }
    json_decref(rule);
    gf_buf_release(&res);
    gf_buf_release(&arn);
    return rc;
}

static int listener_new_doc(json_t **out, struct gf_local_ctx *ctx, const json_t *lb,
                            const char *protocol, int64_t port, json_t *certs, json_t *actions)
{
    const char *lb_arn = json_string_value(json_object_get(lb, "LoadBalancerArn"));
    const char *at = strstr(lb_arn, ":loadbalancer/app/");
    struct gf_buf res = GF_BUF_INIT, arn = GF_BUF_INIT;
    char id[17];
    int rc;

    gf_local_random_hex(id, 16);
    gf_buf_printf(&res, "listener/app/%s/%s", at + strlen(":loadbalancer/app/"), id);
    rc = gf_buf_failed(&res) ? gf_error_oom() : make_arn(&arn, ctx, res.ptr);
    if (rc == 0) {
        *out = json_pack("{s:s,s:s,s:I,s:s,s:O,s:[]}", "ListenerArn", arn.ptr, "LoadBalancerArn",
                         lb_arn, "Port", (json_int_t)port, "Protocol", protocol,
                         "DefaultActions", actions, "_tags");
        rc = *out ? 0 : gf_error_oom();
    }
    if (rc == 0 && certs) {
        rc = gf_local_set(*out, "Certificates", json_incref(certs));
        if (rc == 0)
            rc = gf_local_set(*out, "SslPolicy", json_string("ELBSecurityPolicy-2016-08"));
    }
    gf_buf_release(&res);
    gf_buf_release(&arn);
    return rc;
}

struct listener_in {
    const char *lb_arn, *protocol, *ssl_policy;
    int64_t port;
    bool has_port;
};

static int listener_read_input(struct listener_in *li, struct gf_local_ctx *ctx,
                               const json_t *input)
{
    int rc = gf_local_get_string(&li->lb_arn, ctx, input, "LoadBalancerArn", VAL);

    if (rc == 0)
        rc = gf_local_get_string(&li->protocol, ctx, input, "Protocol", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&li->ssl_policy, ctx, input, "SslPolicy", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&li->port, &li->has_port, ctx, input, "Port", NULL);
    if (rc == 0 && (!li->protocol || !li->has_port))
        rc = gf_local_fail(ctx, 400, VAL, "A protocol and a port must be specified for "
                                          "application load balancer listeners");
    if (rc == 0)
        rc = check_protocol_port(ctx, li->protocol, li->port);
    return rc;
}

/* Whether a create repeats an existing listener (then it is idempotent). */
static bool listener_same(const json_t *have, const char *protocol, const json_t *actions,
                          const json_t *certs)
{
    return strcmp(sv(have, "Protocol"), protocol) == 0 &&
           json_equal(json_object_get(have, "DefaultActions"), (json_t *)(uintptr_t)actions) &&
           (!certs || json_equal(json_object_get(have, "Certificates"),
                                 (json_t *)(uintptr_t)certs));
}

static int elb_create_listener(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct listener_in li = {NULL, NULL, NULL, 0, false};
    json_t *lb = NULL, *actions = NULL, *certs = NULL, *all = NULL, *doc = NULL;
    json_t *have = NULL;
    int rc = listener_read_input(&li, ctx, input);

    if (rc == 0)
        rc = load_or_fail(&lb, ctx, K_LB, li.lb_arn);
    if (rc == 0)
        rc = get_actions(&actions, ctx, input, "DefaultActions", true, li.lb_arn);
    if (rc == 0)
        rc = check_certificates(&certs, ctx, input, li.protocol);
    if (rc == 0)
        rc = list_all(&all, ctx, K_LISTENER);
    if (rc == 0)
        have = listener_on_port(all, li.lb_arn, li.port, NULL);
    if (rc == 0 && have && !listener_same(have, li.protocol, actions, certs))
        rc = gf_local_fail(ctx, 400, "DuplicateListener",
                           "A listener already exists on port %" PRId64 " of this load balancer",
                           li.port);
    if (rc == 0 && !have && count_field(all, "LoadBalancerArn", li.lb_arn) >= MAX_LISTENERS)
        rc = gf_local_fail(ctx, 400, "TooManyListeners", "A load balancer can have at most %d "
                                                         "listeners", MAX_LISTENERS);
    if (rc == 0 && !have) {
        rc = listener_new_doc(&doc, ctx, lb, li.protocol, li.port, certs, actions);
        if (rc == 0 && li.ssl_policy)
            rc = gf_local_set(doc, "SslPolicy", json_string(li.ssl_policy));
        if (rc == 0)
            rc = create_tags(ctx, doc, input);
        if (rc == 0)
            rc = store(ctx, K_LISTENER, doc);
        if (rc == 0)
            rc = put_default_rule(ctx, doc);
    }
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "Listeners", public_doc(have ? have : doc));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(lb);
    json_decref(actions);
    json_decref(certs);
    json_decref(all);
    json_decref(doc);
    return rc;
}

static int elb_describe_listeners(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *arns = NULL;
    const char *lb = NULL;
    json_t *all = NULL, *lbdoc = NULL;
    int rc = get_strings(&arns, ctx, input, "ListenerArns", NULL);

    if (rc == 0)
        rc = gf_local_get_string(&lb, ctx, input, "LoadBalancerArn", NULL);
    if (rc == 0 && !arns && !lb)
        rc = gf_local_fail(ctx, 400, VAL, "You must specify either listener ARNs or a load "
                                          "balancer ARN");
    if (rc == 0 && arns)
        rc = views_by_arn(&all, ctx, K_LISTENER, arns);
    else if (rc == 0) {
        rc = load_or_fail(&lbdoc, ctx, K_LB, lb);
        if (rc == 0)
            rc = views_all(&all, ctx, K_LISTENER, "LoadBalancerArn", lb);
        if (rc == 0)
            rc = sort_docs(&all, listener_cmp);
    }
    json_decref(lbdoc);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    return page_out(out, ctx, input, all, "Listeners");
}

/* Keep a listener's default rule's actions equal to its DefaultActions. */
static int sync_default_rule(struct gf_local_ctx *ctx, const json_t *listener)
{
    const char *larn = json_string_value(json_object_get(listener, "ListenerArn"));
    json_t *rules = NULL;
    json_t *r;
    size_t i;
    int rc = list_all(&rules, ctx, K_RULE);

    json_array_foreach (rc == 0 ? rules : NULL, i, r) {
        const char *la = json_string_value(json_object_get(r, "_listener"));

        if (la && strcmp(la, larn) == 0 && json_is_true(json_object_get(r, "IsDefault"))) {
            rc = gf_local_set(r, "Actions", json_incref(json_object_get(listener,
                                                                        "DefaultActions")));
            if (rc == 0)
                rc = store(ctx, K_RULE, r);
        }
    }
    json_decref(rules);
    return rc;
}

static int modify_listener_fields(struct gf_local_ctx *ctx, json_t *doc, const json_t *input,
                                  json_t *all)
{
    const char *protocol = NULL, *policy = NULL;
    const char *lb_arn = json_string_value(json_object_get(doc, "LoadBalancerArn"));
    int64_t port = json_integer_value(json_object_get(doc, "Port"));
    json_t *actions = NULL, *certs = NULL;
    int rc = gf_local_get_string(&protocol, ctx, input, "Protocol", NULL);

    if (rc == 0)
        rc = gf_local_get_int(&port, NULL, ctx, input, "Port", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&policy, ctx, input, "SslPolicy", NULL);
    if (rc == 0 && !protocol)
        protocol = sv(doc, "Protocol");
    if (rc == 0)
        rc = check_protocol_port(ctx, protocol, port);
    if (rc == 0 && listener_on_port(all, lb_arn, port,
                                    json_string_value(json_object_get(doc, "ListenerArn"))))
        rc = gf_local_fail(ctx, 400, "DuplicateListener",
                           "A listener already exists on port %" PRId64 " of this load balancer",
                           port);
    if (rc == 0)
        rc = get_actions(&actions, ctx, input, "DefaultActions", false, lb_arn);
    if (rc == 0 && (json_object_get(input, "Certificates") || strcmp(protocol, "HTTPS") != 0 ||
                    !json_object_get(doc, "Certificates")))
        rc = check_certificates(&certs, ctx, input, protocol);
    if (rc == 0 && actions)
        rc = gf_local_set(doc, "DefaultActions", json_incref(actions));
    if (rc == 0 && certs)
        rc = gf_local_set(doc, "Certificates", json_incref(certs));
    if (rc == 0 && strcmp(protocol, "HTTP") == 0) {
        json_object_del(doc, "Certificates");
        json_object_del(doc, "SslPolicy");
    } else if (rc == 0 && (policy || !json_object_get(doc, "SslPolicy"))) {
        rc = gf_local_set(doc, "SslPolicy",
                          json_string(policy ? policy : "ELBSecurityPolicy-2016-08"));
    }
    if (rc == 0)
        rc = gf_local_set(doc, "Protocol", json_string(protocol));
    if (rc == 0)
        rc = gf_local_set(doc, "Port", json_integer(port));
    json_decref(actions);
    json_decref(certs);
    return rc;
}

static int elb_modify_listener(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL, *all = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "ListenerArn", VAL);

    if (rc == 0)
        rc = load_or_fail(&doc, ctx, K_LISTENER, arn);
    if (rc == 0)
        rc = list_all(&all, ctx, K_LISTENER);
    if (rc == 0)
        rc = modify_listener_fields(ctx, doc, input, all);
    if (rc == 0)
        rc = store(ctx, K_LISTENER, doc);
    if (rc == 0)
        rc = sync_default_rule(ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "Listeners", public_doc(doc));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    json_decref(all);
    return rc;
}

static int elb_delete_listener(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "ListenerArn", VAL);

    (void)out;
    if (rc == 0)
        rc = load_or_fail(&doc, ctx, K_LISTENER, arn);
    if (rc == 0)
        rc = delete_listener_doc(ctx, doc);
    json_decref(doc);
    return rc;
}

/* ---- rules ------------------------------------------------------------------------------ */

static int rule_new_doc(json_t **out, struct gf_local_ctx *ctx, const json_t *listener,
                        int64_t priority, json_t *conds, json_t *actions)
{
    const char *larn = json_string_value(json_object_get(listener, "ListenerArn"));
    const char *at = strstr(larn, ":listener/app/");
    struct gf_buf res = GF_BUF_INIT, arn = GF_BUF_INIT;
    char id[17], prio[24];
    int rc;

    gf_local_random_hex(id, 16);
    snprintf(prio, sizeof(prio), "%" PRId64, priority);
    gf_buf_printf(&res, "listener-rule/app/%s/%s", at + strlen(":listener/app/"), id);
    rc = gf_buf_failed(&res) ? gf_error_oom() : make_arn(&arn, ctx, res.ptr);
    if (rc == 0) {
        *out = json_pack("{s:s,s:s,s:O,s:O,s:b,s:s,s:O}", "RuleArn", arn.ptr, "Priority", prio,
                         "Conditions", conds, "Actions", actions, "IsDefault", 0, "_listener",
                         larn, "_lb", json_object_get(listener, "LoadBalancerArn"));
        rc = *out ? 0 : gf_error_oom();
    }
    gf_buf_release(&res);
    gf_buf_release(&arn);
    return rc;
}

static int rule_check_priority(struct gf_local_ctx *ctx, const json_t *rules, const char *larn,
                               int64_t priority)
{
    const json_t *r;
    size_t i, n = 0;
    char prio[24];

    if (priority < 1 || priority > 50000)
        return gf_local_fail(ctx, 400, VAL, "Priority must be between 1 and 50000");
    snprintf(prio, sizeof(prio), "%" PRId64, priority);
    json_array_foreach (rules, i, r) {
        const char *la = json_string_value(json_object_get(r, "_listener"));

        if (!la || strcmp(la, larn) != 0)
            continue;
        if (strcmp(sv(r, "Priority"), prio) == 0)
            return gf_local_fail(ctx, 400, "PriorityInUse", "Priority '%" PRId64 "' is currently "
                                                            "in use", priority);
        n++;
    }
    if (n > MAX_RULES) /* n counts the default rule */
        return gf_local_fail(ctx, 400, "TooManyRules", "A listener can have at most %d rules",
                             MAX_RULES);
    return 0;
}

static int elb_create_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *larn = NULL;
    int64_t priority = 0;
    json_t *listener = NULL, *rules = NULL, *conds = NULL, *actions = NULL, *doc = NULL;
    int rc = gf_local_get_string(&larn, ctx, input, "ListenerArn", VAL);

    if (rc == 0)
        rc = gf_local_get_int(&priority, NULL, ctx, input, "Priority", VAL);
    if (rc == 0)
        rc = check_conditions(&conds, ctx, input, true);
    if (rc == 0)
        rc = load_or_fail(&listener, ctx, K_LISTENER, larn);
    if (rc == 0)
        rc = get_actions(&actions, ctx, input, "Actions", true,
                         json_string_value(json_object_get(listener, "LoadBalancerArn")));
    if (rc == 0)
        rc = list_all(&rules, ctx, K_RULE);
    if (rc == 0)
        rc = rule_check_priority(ctx, rules, larn, priority);
    if (rc == 0)
        rc = rule_new_doc(&doc, ctx, listener, priority, conds, actions);
    if (rc == 0)
        rc = create_tags(ctx, doc, input);
    if (rc == 0)
        rc = store(ctx, K_RULE, doc);
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "Rules", public_doc(doc));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(listener);
    json_decref(rules);
    json_decref(conds);
    json_decref(actions);
    json_decref(doc);
    return rc;
}

/* Rules in AWS's order: by priority, the default rule last. */
static int rule_cmp(const void *a, const void *b)
{
    const json_t *ra = *(const json_t *const *)a;
    const json_t *rb = *(const json_t *const *)b;
    int64_t pa = 0, pb = 0;

    if (json_is_true(json_object_get(ra, "IsDefault")))
        pa = INT64_MAX;
    else
        gf_slice_to_i64(&pa, gf_slice_from(json_string_value(json_object_get(ra, "Priority"))),
                        0, INT64_MAX);
    if (json_is_true(json_object_get(rb, "IsDefault")))
        pb = INT64_MAX;
    else
        gf_slice_to_i64(&pb, gf_slice_from(json_string_value(json_object_get(rb, "Priority"))),
                        0, INT64_MAX);
    return (pa > pb) - (pa < pb);
}

/* Listeners in port order. */
static int listener_cmp(const void *a, const void *b)
{
    json_int_t pa = json_integer_value(json_object_get(*(const json_t *const *)a, "Port"));
    json_int_t pb = json_integer_value(json_object_get(*(const json_t *const *)b, "Port"));

    return (pa > pb) - (pa < pb);
}

/* Sort the array *arr in place with cmp (an insertion sort: lists are short). */
static int sort_docs(json_t **arr, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(*arr), i, j;

    for (i = 1; i < n; i++) {
        json_t *item = json_incref(json_array_get(*arr, i));

        for (j = i; j > 0; j--) {
            json_t *prev = json_array_get(*arr, j - 1);

            if (cmp(&prev, &item) <= 0)
                break;
            json_array_set(*arr, j, prev);
        }
        json_array_set_new(*arr, j, item);
    }
    return 0;
}

static int elb_describe_rules(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *arns = NULL;
    const char *larn = NULL;
    json_t *all = NULL, *listener = NULL;
    int rc = get_strings(&arns, ctx, input, "RuleArns", NULL);

    if (rc == 0)
        rc = gf_local_get_string(&larn, ctx, input, "ListenerArn", NULL);
    if (rc == 0 && !arns && !larn)
        rc = gf_local_fail(ctx, 400, VAL, "You must specify either listener ARN or rule ARNs");
    if (rc == 0 && arns)
        rc = views_by_arn(&all, ctx, K_RULE, arns);
    else if (rc == 0) {
        rc = load_or_fail(&listener, ctx, K_LISTENER, larn);
        if (rc == 0)
            rc = views_all(&all, ctx, K_RULE, "_listener", larn);
        if (rc == 0)
            rc = sort_docs(&all, rule_cmp);
    }
    json_decref(listener);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    return page_out(out, ctx, input, all, "Rules");
}

static int elb_modify_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL, *conds = NULL, *actions = NULL, *listener = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "RuleArn", VAL);

    if (rc == 0)
        rc = load_or_fail(&doc, ctx, K_RULE, arn);
    if (rc == 0)
        rc = check_conditions(&conds, ctx, input, false);
    if (rc == 0 && conds && json_is_true(json_object_get(doc, "IsDefault")))
        rc = gf_local_fail(ctx, 400, "OperationNotPermitted",
                           "Conditions cannot be set on the default rule");
    if (rc == 0)
        rc = get_actions(&actions, ctx, input, "Actions", false,
                         json_string_value(json_object_get(doc, "_lb")));
    if (rc == 0 && conds)
        rc = gf_local_set(doc, "Conditions", json_incref(conds));
    if (rc == 0 && actions)
        rc = gf_local_set(doc, "Actions", json_incref(actions));
    if (rc == 0)
        rc = store(ctx, K_RULE, doc);
    if (rc == 0 && actions && json_is_true(json_object_get(doc, "IsDefault"))) {
        rc = load_or_fail(&listener, ctx, K_LISTENER,
                          json_string_value(json_object_get(doc, "_listener")));
        if (rc == 0)
            rc = gf_local_set(listener, "DefaultActions", json_incref(actions));
        if (rc == 0)
            rc = store(ctx, K_LISTENER, listener);
    }
    if (rc == 0) {
        *out = json_pack("{s:[o]}", "Rules", public_doc(doc));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    json_decref(conds);
    json_decref(actions);
    json_decref(listener);
    return rc;
}

static int elb_delete_rule(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL;
    json_t *doc = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "RuleArn", VAL);

    (void)out;
    if (rc == 0)
        rc = load_or_fail(&doc, ctx, K_RULE, arn);
    if (rc == 0 && json_is_true(json_object_get(doc, "IsDefault")))
        rc = gf_local_fail(ctx, 400, "OperationNotPermitted",
                           "Default rule '%s' cannot be deleted", arn);
    if (rc == 0)
        rc = drop(ctx, K_RULE, doc);
    json_decref(doc);
    return rc;
}

/* ---- targets ---------------------------------------------------------------------------- */

static bool valid_ipv4(const char *s)
{
    int parts = 0;

    while (*s) {
        int v = 0, digits = 0;

        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (*s++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return false;
        parts++;
        if (*s == '.' && parts < 4)
            s++;
        else if (*s)
            return false;
    }
    return parts == 4;
}

/* The stored entry for (id, port) in tg._targets, borrowed; NULL when none. */
static json_t *find_target(json_t *tg, const char *id, int64_t port)
{
    json_t *t;
    size_t i;

    json_array_foreach (json_object_get(tg, "_targets"), i, t) {
        if (strcmp(sv(t, "Id"), id) == 0 &&
            json_integer_value(json_object_get(t, "Port")) == port)
            return t;
    }
    return NULL;
}

static int64_t drain_ms(const json_t *tg)
{
    const char *v = attr_value(json_object_get(tg, "_attributes"),
                               "deregistration_delay.timeout_seconds");
    int64_t s = 300;

    if (v)
        gf_slice_to_i64(&s, gf_slice_from(v), 0, 3600);
    return s * 1000 < DRAIN_MAX_MS ? s * 1000 : DRAIN_MAX_MS;
}

/* The (id, port) pairs of `targets` after AWS's checks; port defaults to the group's. */
static int target_pair(const char **id, int64_t *port, struct gf_local_ctx *ctx,
                       const json_t *tg, const json_t *t)
{
    int rc = gf_local_get_string(id, ctx, t, "Id", VAL);

    *port = json_integer_value(json_object_get(tg, "Port"));
    if (rc == 0)
        rc = gf_local_get_int(port, NULL, ctx, t, "Port", NULL);
    if (rc < 0)
        return rc;
    if (strcmp(sv(tg, "TargetType"), "ip") == 0 &&
        !valid_ipv4(*id))
        return gf_local_fail(ctx, 400, "InvalidTarget", "The IP address '%s' is not a valid "
                                                        "IPv4 address", *id);
    if (*port < 1 || *port > 65535)
        return gf_local_fail(ctx, 400, "InvalidTarget", "Port must be between 1 and 65535");
    return 0;
}

static int register_one(struct gf_local_ctx *ctx, json_t *tg, const json_t *t, bool deregister)
{
    const char *id = NULL;
    int64_t port;
    json_t *have;
    int rc = target_pair(&id, &port, ctx, tg, t);

    if (rc < 0)
        return rc;
    have = find_target(tg, id, port);
    if (deregister) {
        if (!have || json_integer_value(json_object_get(have, "deregistered_ms")) > 0)
            return gf_local_fail(ctx, 400, "InvalidTarget",
                                 "The target '%s' on port %" PRId64 " is not registered", id,
                                 port);
        return gf_local_set(have, "deregistered_ms", json_integer(ctx->now_ms));
    }
    if (have && json_integer_value(json_object_get(have, "deregistered_ms")) == 0)
        return 0; /* AWS: registering a registered target is a no-op */
    if (have)
        return gf_local_set(have, "deregistered_ms", json_integer(0)) == 0
                   ? gf_local_set(have, "registered_ms", json_integer(ctx->now_ms))
                   : gf_error_oom();
    if (json_array_size(json_object_get(tg, "_targets")) >= MAX_TARGETS)
        return gf_local_fail(ctx, 400, "TooManyTargets", "A target group can have at most %d "
                                                         "targets", MAX_TARGETS);
    return json_array_append_new(json_object_get(tg, "_targets"),
                                 json_pack("{s:s,s:I,s:I,s:I}", "Id", id, "Port",
                                           (json_int_t)port, "registered_ms",
                                           (json_int_t)ctx->now_ms, "deregistered_ms",
                                           (json_int_t)0)) < 0
               ? gf_error_oom()
               : 0;
}

/* Drop targets whose draining is over (lazily, when the group is written). */
static void purge_drained(const struct gf_local_ctx *ctx, json_t *tg)
{
    json_t *targets = json_object_get(tg, "_targets");
    size_t i = 0;

    while (i < json_array_size(targets)) {
        int64_t d = json_integer_value(json_object_get(json_array_get(targets, i),
                                                       "deregistered_ms"));

        if (d > 0 && ctx->now_ms - d >= drain_ms(tg))
            json_array_remove(targets, i);
        else
            i++;
    }
}

static int register_targets(struct gf_local_ctx *ctx, const char *tg_arn, const json_t *targets,
                            bool deregister)
{
    json_t *tg = NULL;
    const json_t *t;
    size_t i;
    int rc = load_or_fail(&tg, ctx, K_TG, tg_arn);

    if (rc == 0 && json_array_size(targets) == 0)
        rc = gf_local_fail(ctx, 400, VAL, "At least one target must be specified");
    if (rc == 0)
        purge_drained(ctx, tg);
    json_array_foreach (rc == 0 ? targets : NULL, i, t) {
        rc = register_one(ctx, tg, t, deregister);
        if (rc < 0)
            break;
    }
    if (rc == 0)
        rc = store(ctx, K_TG, tg);
    json_decref(tg);
    return rc;
}

static int targets_op(struct gf_local_ctx *ctx, const json_t *input, bool deregister)
{
    const char *arn = NULL;
    const json_t *targets = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "TargetGroupArn", VAL);

    if (rc == 0)
        rc = gf_local_get_array(&targets, ctx, input, "Targets", VAL);
    if (rc == 0)
        rc = register_targets(ctx, arn, targets, deregister);
    return rc;
}

static int elb_register_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return targets_op(ctx, input, false);
}

static int elb_deregister_targets(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return targets_op(ctx, input, true);
}

/* The health of stored target t now: state, reason and description (static strings); NULL state
 * when it is gone. */
static const char *target_state(const char **reason, const char **desc,
                                const struct gf_local_ctx *ctx, const json_t *tg, const json_t *t)
{
    int64_t reg = json_integer_value(json_object_get(t, "registered_ms"));
    int64_t dereg = json_integer_value(json_object_get(t, "deregistered_ms"));

    *reason = NULL;
    *desc = NULL;
    if (dereg > 0) {
        if (ctx->now_ms - dereg >= drain_ms(tg))
            return NULL;
        *reason = "Target.DeregistrationInProgress";
        *desc = "Target deregistration is in progress";
        return "draining";
    }
    if (ctx->now_ms - reg < REGISTER_MS) {
        *reason = "Elb.RegistrationInProgress";
        *desc = "Target registration is in progress";
        return "initial";
    }
    if (json_integer_value(json_object_get(t, "Port")) ==
        json_integer_value(json_object_get(tg, "Port")))
        return "healthy";
    *reason = "Target.FailedHealthChecks";
    *desc = "Health checks failed";
    return "unhealthy";
}

static json_t *health_desc(const char *id, int64_t port, const char *state, const char *reason,
                           const char *desc)
{
    char hc_port[24];
    json_t *h = json_pack("{s:s}", "State", state);

    snprintf(hc_port, sizeof(hc_port), "%" PRId64, port);
    if (h && reason)
        json_object_set_new(h, "Reason", json_string(reason));
    if (h && desc)
        json_object_set_new(h, "Description", json_string(desc));
    if (!h)
        return NULL;
    return json_pack("{s:{s:s,s:I},s:s,s:o}", "Target", "Id", id, "Port", (json_int_t)port,
                     "HealthCheckPort", hc_port, "TargetHealth", h);
}

/* Health of the targets asked for (NULL: all registered) into a new array. */
static int health_list(json_t **out, struct gf_local_ctx *ctx, const json_t *tg,
                       const json_t *asked)
{
    const json_t *t;
    size_t i;

    *out = json_array();
    if (!*out)
        return gf_error_oom();
    json_array_foreach (asked ? asked : json_object_get(tg, "_targets"), i, t) {
        const char *id = NULL, *reason, *desc, *state = NULL;
        int64_t port;
        json_t *have;
        int rc = target_pair(&id, &port, ctx, tg, t);

        if (rc < 0)
            return rc;
        have = find_target((json_t *)(uintptr_t)tg, id, port);
        if (have)
            state = target_state(&reason, &desc, ctx, tg, have);
        if (!state && !asked)
            continue;
        if (!state) {
            state = "unused";
            reason = "Target.NotRegistered";
            desc = "Target is not registered to the target group";
        }
        if (json_array_append_new(*out, health_desc(id, port, state, reason, desc)) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int elb_describe_target_health(json_t **out, struct gf_local_ctx *ctx,
                                      const json_t *input)
{
    const char *arn = NULL;
    const json_t *asked = NULL;
    json_t *tg = NULL, *list = NULL;
    int rc = gf_local_get_string(&arn, ctx, input, "TargetGroupArn", VAL);

    if (rc == 0)
        rc = gf_local_get_array(&asked, ctx, input, "Targets", NULL);
    if (rc == 0)
        rc = load_or_fail(&tg, ctx, K_TG, arn);
    if (rc == 0)
        rc = health_list(&list, ctx, tg, asked);
    if (rc == 0) {
        *out = json_pack("{s:O}", "TargetHealthDescriptions", list);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(tg);
    json_decref(list);
    return rc;
}

/* ---- tags ------------------------------------------------------------------------------- */

/* The kind of a resource ARN of ours, by its resource part; -1 when none. */
static int arn_kind(const char *arn)
{
    int k;

    for (k = K_RULE; k >= K_LB; k--) { /* listener-rule before listener */
        if (strstr(arn, s_kinds[k].marker))
            return k;
    }
    return -1;
}

static int load_any(json_t **doc, enum kind *k, struct gf_local_ctx *ctx, const char *arn)
{
    int kk = arn_kind(arn);

    *doc = NULL;
    if (kk < 0)
        return gf_local_fail(ctx, 400, VAL, "'%s' is not a valid load balancer, target group, "
                                            "listener or rule ARN", arn);
    *k = (enum kind)kk;
    return load_or_fail(doc, ctx, *k, arn);
}

static int tags_resources(const json_t **arns, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = get_strings(arns, ctx, input, "ResourceArns", VAL);

    if (rc == 0 && (json_array_size(*arns) < 1 || json_array_size(*arns) > 20))
        rc = gf_local_fail(ctx, 400, VAL, "Between 1 and 20 resource ARNs must be specified");
    return rc;
}

static int remove_tag_keys(json_t *doc, const json_t *keys)
{
    json_t *tags = json_object_get(doc, "_tags");
    size_t i = 0;

    while (i < json_array_size(tags)) {
        const char *k = json_string_value(json_object_get(json_array_get(tags, i), "Key"));

        if (gf_local_array_has_string(keys, k))
            json_array_remove(tags, i);
        else
            i++;
    }
    return 0;
}

static int tags_op(struct gf_local_ctx *ctx, const json_t *input, bool add)
{
    const json_t *arns = NULL, *tags = NULL, *a;
    size_t i;
    int rc = tags_resources(&arns, ctx, input);

    if (rc == 0 && add)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", VAL);
    else if (rc == 0)
        rc = get_strings(&tags, ctx, input, "TagKeys", VAL);
    json_array_foreach (rc == 0 ? arns : NULL, i, a) {
        json_t *doc = NULL;
        enum kind k = K_LB;

        rc = load_any(&doc, &k, ctx, json_string_value(a));
        if (rc == 0 && !json_is_array(json_object_get(doc, "_tags")))
            rc = gf_local_set(doc, "_tags", json_array());
        if (rc == 0)
            rc = add ? merge_tags(ctx, json_object_get(doc, "_tags"), tags)
                     : remove_tag_keys(doc, tags);
        if (rc == 0)
            rc = store(ctx, k, doc);
        json_decref(doc);
        if (rc < 0)
            break;
    }
    return rc;
}

static int elb_add_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tags_op(ctx, input, true);
}

static int elb_remove_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tags_op(ctx, input, false);
}

static int elb_describe_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *arns = NULL, *a;
    json_t *descs = json_array();
    size_t i;
    int rc = descs ? tags_resources(&arns, ctx, input) : gf_error_oom();

    json_array_foreach (rc == 0 ? arns : NULL, i, a) {
        json_t *doc = NULL;
        json_t *tags;
        enum kind k = K_LB;

        rc = load_any(&doc, &k, ctx, json_string_value(a));
        tags = json_object_get(doc, "_tags");
        if (rc == 0 && json_array_append_new(descs, json_pack("{s:O,s:o}", "ResourceArn", a,
                                                              "Tags",
                                                              tags ? json_incref(tags)
                                                                   : json_array())) < 0)
            rc = gf_error_oom();
        json_decref(doc);
        if (rc < 0)
            break;
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "TagDescriptions", descs);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(descs);
    return rc;
}

/* ---- hooks (local.h) -------------------------------------------------------------------- */

int gf_local_elbv2_target_group(int64_t *port_out, struct gf_local_ctx *ctx, const char *tg_arn)
{
    json_t *tg = NULL;
    int rc = load(&tg, ctx, K_TG, tg_arn);

    *port_out = 0;
    if (rc == 0 && !tg)
        rc = gf_error_set(GF_ENOTFOUND, "target group '%s' not found", tg_arn);
    if (rc == 0)
        *port_out = json_integer_value(json_object_get(tg, "Port"));
    json_decref(tg);
    return rc;
}

int gf_local_elbv2_register(struct gf_local_ctx *ctx, const char *tg_arn, const json_t *targets,
                            bool deregister)
{
    json_t *tg = NULL;
    int rc = load(&tg, ctx, K_TG, tg_arn);

    if (rc == 0 && !tg)
        rc = gf_error_set(GF_ENOTFOUND, "target group '%s' not found", tg_arn);
    json_decref(tg);
    if (rc == 0)
        rc = register_targets(ctx, tg_arn, targets, deregister);
    return rc;
}

int gf_local_elbv2_healthy(bool *healthy_out, struct gf_local_ctx *ctx, const char *tg_arn,
                           const char *ip)
{
    json_t *tg = NULL;
    json_t *t;
    size_t i, n = 0;
    bool all = true;
    int rc = load(&tg, ctx, K_TG, tg_arn);

    *healthy_out = false;
    if (rc == 0 && !tg)
        rc = gf_error_set(GF_ENOTFOUND, "target group '%s' not found", tg_arn);
    json_array_foreach (rc == 0 ? json_object_get(tg, "_targets") : NULL, i, t) {
        const char *reason, *desc, *state;

        if (strcmp(sv(t, "Id"), ip) != 0 ||
            json_integer_value(json_object_get(t, "deregistered_ms")) > 0)
            continue;
        state = target_state(&reason, &desc, ctx, tg, t);
        n++;
        all = all && state && strcmp(state, "healthy") == 0;
    }
    *healthy_out = n > 0 && all;
    json_decref(tg);
    return rc;
}

static const struct gf_local_op s_elbv2_ops[] = {
    {"CreateLoadBalancer", elb_create_load_balancer},
    {"DescribeLoadBalancers", elb_describe_load_balancers},
    {"DeleteLoadBalancer", elb_delete_load_balancer},
    {"DescribeLoadBalancerAttributes", elb_describe_lb_attributes},
    {"ModifyLoadBalancerAttributes", elb_modify_lb_attributes},
    {"CreateTargetGroup", elb_create_target_group},
    {"DescribeTargetGroups", elb_describe_target_groups},
    {"ModifyTargetGroup", elb_modify_target_group},
    {"DeleteTargetGroup", elb_delete_target_group},
    {"DescribeTargetGroupAttributes", elb_describe_tg_attributes},
    {"ModifyTargetGroupAttributes", elb_modify_tg_attributes},
    {"CreateListener", elb_create_listener},
    {"DescribeListeners", elb_describe_listeners},
    {"ModifyListener", elb_modify_listener},
    {"DeleteListener", elb_delete_listener},
    {"CreateRule", elb_create_rule},
    {"DescribeRules", elb_describe_rules},
    {"ModifyRule", elb_modify_rule},
    {"DeleteRule", elb_delete_rule},
    {"RegisterTargets", elb_register_targets},
    {"DeregisterTargets", elb_deregister_targets},
    {"DescribeTargetHealth", elb_describe_target_health},
    {"AddTags", elb_add_tags},
    {"RemoveTags", elb_remove_tags},
    {"DescribeTags", elb_describe_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_elbv2 = {&gf_aws_elbv2, s_elbv2_ops};
