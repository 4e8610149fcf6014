/* SPDX-License-Identifier: Apache-2.0 */
/* svc_acm.c: local-aws's ACM (json 1.1, reference/aws-protocols.md §7.11): DNS-validated
 * certificates that stay PENDING_VALIDATION until every validation CNAME exists in Route 53
 * (checked lazily when read, through gf_local_route53_has_record), then turn ISSUED; tags;
 * InUseBy computed from ELBv2's listeners. */
#include <inttypes.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC        "acm"
#define TYPE       "certificate"
#define VAL        "ValidationException"
#define MAX_TAGS   50
#define MAX_SANS   10  /* AWS's default quota of names per certificate */
#define TOKEN_MS   3600000 /* an IdempotencyToken holds for one hour */
#define VALID_DAYS 395
#define MAX_ALL    100000


static const struct gf_local_page s_page = {"MaxItems", "NextToken", "NextToken", 1000, VAL};

/* ---- input checks ----------------------------------------------------------------------- */

static bool label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

/* DomainNameString: (\*\.)?(label\.)+label, labels 1-63 without edge hyphens, 1-253 long. */
static bool valid_domain(const char *d)
{
    size_t len = strlen(d), labels = 0, n = 0;
    const char *p = d;

    if (len < 1 || len > 253)
        return false;
    if (strncmp(p, "*.", 2) == 0)
        p += 2;
    for (;; p++) {
        if (*p == '.' || *p == '\0') {
            if (n == 0 || n > 63 || p[-1] == '-' || p[-(ptrdiff_t)n] == '-')
                return false;
            labels++;
            n = 0;
            if (*p == '\0')
                break;
            continue;
        }
        if (!label_char(*p))
            return false;
        n++;
    }
    return labels >= 2;
}

/* "arn:aws:acm:REGION:ACCOUNT:certificate/ID": the ID (borrowed), or NULL. */
static const char *arn_id(const char *arn)
{
    const char *at;

    if (!arn || strncmp(arn, "arn:aws:acm:", 12) != 0)
        return NULL;
    at = strstr(arn, ":certificate/");
    if (!at || !at[13])
        return NULL;
    return at + 13;
}

static int get_arn(const char **arn, const char **id, struct gf_local_ctx *ctx,
                   const json_t *input)
{
    int rc = gf_local_get_string(arn, ctx, input, "CertificateArn", VAL);

    if (rc < 0)
        return rc;
    *id = arn_id(*arn);
    if (!*id || strlen(*arn) < 20 || strlen(*arn) > 2048)
        return gf_local_fail(ctx, 400, "InvalidArnException", "String '%s' is not a valid ARN",
                             *arn);
    return 0;
}

static bool valid_token(const char *t)
{
    size_t i, n = strlen(t);

    if (n < 1 || n > 32)
        return false;
    for (i = 0; i < n; i++) {
        if (!label_char(t[i]) || t[i] == '-') {
            if (t[i] != '_')
                return false;
        }
    }
    return true;
}

/* Set key (=val, or no value when val is NULL) in `have`, replacing a tag of the same key. */
static int put_tag(json_t *have, const char *key, const char *val)
{
    json_t *h;
    json_t *nt;
    size_t j;

    json_array_foreach (have, j, h) {
        const char *hk = json_string_value(json_object_get(h, "Key"));

        if (!hk || strcmp(hk, key) != 0)
            continue;
        if (val)
            return gf_local_set(h, "Value", json_string(val));
        json_object_del(h, "Value");
        return 0;
    }
    nt = val ? json_pack("{s:s,s:s}", "Key", key, "Value", val) : json_pack("{s:s}", "Key", key);
    if (!nt || json_array_append_new(have, nt) < 0)
        return gf_error_oom();
    return 0;
}

/* Merge tags ([{Key, Value?}]) into `have`. */
static int merge_tags(struct gf_local_ctx *ctx, json_t *have, const json_t *tags)
{
    const json_t *t;
    size_t i;
    int rc;

    json_array_foreach (tags, i, t) {
        const char *key = json_string_value(json_object_get(t, "Key"));
        const char *val = json_string_value(json_object_get(t, "Value"));

        if (!key || !*key || strlen(key) > 128 || (val && strlen(val) > 256))
            return gf_local_fail(ctx, 400, "InvalidParameterException",
                                 "tag keys must be 1-128 characters and values at most 256");
        if (strncmp(key, "aws:", 4) == 0)
            return gf_local_fail(ctx, 400, "InvalidTagException",
                                 "Tag keys starting with 'aws:' are reserved");
        rc = put_tag(have, key, val);
        if (rc < 0)
            return rc;
    }
    if (json_array_size(have) > MAX_TAGS)
        return gf_local_fail(ctx, 400, "TooManyTagsException",
                             "the certificate would have more than %d tags", MAX_TAGS);
    return 0;
}

/* ---- state ------------------------------------------------------------------------------ */

static int store(struct gf_local_ctx *ctx, const json_t *doc)
{
    const char *arn = json_string_value(json_object_get(doc, "CertificateArn"));
    struct gf_local_res r = {SVC, TYPE, arn_id(arn), 0, arn,
                             json_string_value(json_object_get(doc, "Status")), doc};

    return gf_local_db_put(ctx->db, &r);
}

/* The load balancers whose listeners use `arn` (ELBv2's stored listener docs): a new array. */
static int in_use_by(json_t **out, struct gf_local_ctx *ctx, const char *arn)
{
    struct gf_local_list q = {"elbv2", "listener", NULL, NULL, false, 0, MAX_ALL};
    json_t *listeners = NULL;
    json_t *l, *c;
    size_t i, j;
    bool more;
    int rc = gf_local_db_list(&listeners, &more, ctx->db, &q);

    *out = json_array();
    if (!*out)
        rc = gf_error_oom();
    json_array_foreach (rc == 0 ? listeners : NULL, i, l) {
        const char *lb = json_string_value(json_object_get(l, "LoadBalancerArn"));

        json_array_foreach (json_object_get(l, "Certificates"), j, c) {
            const char *ca = json_string_value(json_object_get(c, "CertificateArn"));

            if (lb && ca && strcmp(ca, arn) == 0 && !gf_local_array_has_string(*out, lb))
                json_array_append_new(*out, json_string(lb));
        }
    }
    json_decref(listeners);
    return rc;
}

static int issue(const struct gf_local_ctx *ctx, json_t *doc);

/* PENDING_VALIDATION -> ISSUED once every DNS validation record exists in Route 53. Updates
 * and stores doc when something changed. */
static int refresh(struct gf_local_ctx *ctx, json_t *doc)
{
    const char *status = json_string_value(json_object_get(doc, "Status"));
    json_t *dvo;
    size_t i;
    bool all = true, changed = false;
    int rc = 0;

    if (!status || strcmp(status, "PENDING_VALIDATION") != 0)
        return 0;
    json_array_foreach (json_object_get(doc, "DomainValidationOptions"), i, dvo) {
        const json_t *rr = json_object_get(dvo, "ResourceRecord");
        const char *vs = json_string_value(json_object_get(dvo, "ValidationStatus"));
        bool found = false;

        if (vs && strcmp(vs, "SUCCESS") == 0)
            continue;
        if (rr)
            rc = gf_local_route53_has_record(
                &found, ctx, json_string_value(json_object_get(rr, "Name")), "CNAME",
                json_string_value(json_object_get(rr, "Value")));
        if (rc < 0)
            return rc;
        if (found) {
            json_object_set_new(dvo, "ValidationStatus", json_string("SUCCESS"));
            changed = true;
        }
        all = all && found;
    }
    if (all) {
        rc = issue(ctx, doc);
        changed = true;
    }
    return rc == 0 && changed ? store(ctx, doc) : rc;
}

/* Mark doc ISSUED now, valid for VALID_DAYS. */
static int issue(const struct gf_local_ctx *ctx, json_t *doc)
{
    char serial[33];
    int rc;

    gf_local_random_hex(serial, 32);
    rc = gf_local_set(doc, "Status", json_string("ISSUED"));
    if (rc == 0)
        rc = gf_local_set(doc, "IssuedAt", gf_local_now(ctx));
    if (rc == 0)
        rc = gf_local_set(doc, "NotBefore", gf_local_now(ctx));
    if (rc == 0)
        rc = gf_local_set(doc, "NotAfter",
                          json_real((double)ctx->now_ms / 1000.0 + VALID_DAYS * 86400.0));
    if (rc == 0)
        rc = gf_local_set(doc, "Serial", json_string(serial));
    if (rc == 0)
        rc = gf_local_set(doc, "Issuer", json_string("Amazon"));
    return rc;
}

/* The stored, refreshed doc of `id`; ResourceNotFoundException when absent. */
static int load(json_t **doc, struct gf_local_ctx *ctx, const char *arn, const char *id)
{
    int rc = gf_local_db_get(doc, ctx->db, SVC, TYPE, id, 0);

    if (rc == 0 && *doc &&
        strcmp(json_string_value(json_object_get(*doc, "CertificateArn")), arn) != 0) {
        json_decref(*doc);
        *doc = NULL;
    }
    if (rc == 0 && !*doc)
        return gf_local_fail(ctx, 400, "ResourceNotFoundException",
                             "Certificate with arn '%s' not found", arn);
    if (rc == 0)
        rc = refresh(ctx, *doc);
    return rc;
}

/* The API's view: no private "_" members, InUseBy now. */
static int view(json_t **out, struct gf_local_ctx *ctx, const json_t *doc)
{
    json_t *used = NULL;
    const char *k;
    json_t *v;
    int rc = in_use_by(&used, ctx, json_string_value(json_object_get(doc, "CertificateArn")));

    *out = rc == 0 ? json_object() : NULL;
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    json_object_foreach ((json_t *)(uintptr_t)doc, k, v) {
        if (rc == 0 && k[0] != '_' && json_object_set(*out, k, v) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = gf_local_set(*out, "InUseBy", json_incref(used));
    json_decref(used);
    return rc;
}

int gf_local_acm_certificate_status(char status_out[32], struct gf_local_ctx *ctx,
                                    const char *arn)
{
    const char *id = arn_id(arn);
    json_t *doc = NULL;
    int rc = 0;

    status_out[0] = '\0';
    if (id)
        rc = gf_local_db_get(&doc, ctx->db, SVC, TYPE, id, 0);
    if (rc == 0 && doc &&
        strcmp(json_string_value(json_object_get(doc, "CertificateArn")), arn) != 0) {
        json_decref(doc);
        doc = NULL;
    }
    if (rc == 0 && !doc)
        rc = gf_error_set(GF_ENOTFOUND, "certificate '%s' not found", arn ? arn : "");
    if (rc == 0)
        rc = refresh(ctx, doc);
    if (rc == 0)
        snprintf(status_out, 32, "%s", json_string_value(json_object_get(doc, "Status")));
    json_decref(doc);
    return rc;
}

/* ---- RequestCertificate ----------------------------------------------------------------- */

/* The names of the certificate: the domain first, then the SANs, each once. */
static int cert_names(json_t **out, struct gf_local_ctx *ctx, const char *domain,
                      const json_t *sans)
{
    const json_t *s;
    size_t i;

    *out = json_pack("[s]", domain);
    if (!*out)
        return gf_error_oom();
    if (sans && (json_array_size(sans) < 1 || json_array_size(sans) > 100))
        return gf_local_fail(ctx, 400, VAL, "SubjectAlternativeNames must hold 1 to 100 names");
    json_array_foreach (sans, i, s) {
        const char *n = json_string_value(s);

        if (!n || !valid_domain(n))
            return gf_local_fail(ctx, 400, VAL, "Value '%s' at 'subjectAlternativeNames' failed "
                                                "to satisfy constraint: Member must satisfy "
                                                "regular expression pattern", n ? n : "");
        if (!gf_local_array_has_string(*out, n))
            json_array_append_new(*out, json_string(n));
    }
    if (json_array_size(*out) > MAX_SANS)
        return gf_local_fail(ctx, 400, "LimitExceededException",
                             "a certificate can hold at most %d domain names", MAX_SANS);
    return 0;
}

/* One DomainValidationOptions entry: a CNAME "_<32 hex>.<domain>." -> "_<32 hex>.<10
 * letters>.acm-validations.aws." (the wildcard's "*." is not part of the record name). */
static json_t *validation_option(const char *name, bool dns)
{
    const char *base = strncmp(name, "*.", 2) == 0 ? name + 2 : name;
    char h1[33], h2[33], rnd[11];
    struct gf_buf rn = GF_BUF_INIT, rv = GF_BUF_INIT;
    json_t *o;
    size_t i;

    o = json_pack("{s:s,s:s,s:s,s:s}", "DomainName", name, "ValidationDomain", name,
                  "ValidationStatus", "PENDING_VALIDATION", "ValidationMethod",
                  dns ? "DNS" : "EMAIL");
    if (!o || !dns)
        return o;
    gf_local_random_hex(h1, 32);
    gf_local_random_hex(h2, 32);
    gf_local_random_hex(rnd, 10);
    for (i = 0; i < 10; i++)
        rnd[i] = (char)('a' + (rnd[i] % 26));
    gf_buf_printf(&rn, "_%s.%s.", h1, base);
    gf_buf_printf(&rv, "_%s.%s.acm-validations.aws.", h2, rnd);
    if (gf_buf_failed(&rn) || gf_buf_failed(&rv) ||
        json_object_set_new(o, "ResourceRecord", json_pack("{s:s,s:s,s:s}", "Name", rn.ptr,
                                                           "Type", "CNAME", "Value", rv.ptr)) <
            0) {
        json_decref(o);
        o = NULL;
    }
    gf_buf_release(&rn);
    gf_buf_release(&rv);
    return o;
}

static int new_doc(json_t **out, struct gf_local_ctx *ctx, const char *domain, json_t *names,
                   bool dns, const char *token)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT, subject = GF_BUF_INIT;
    char u[33];
    json_t *dvos = json_array();
    size_t i;
    int rc = dvos ? 0 : gf_error_oom();

    gf_local_random_hex(u, 32);
    u[12] = '4'; /* a version 4 UUID, RFC 4122 variant */
    u[16] = "89ab"[u[16] % 4];
    gf_buf_printf(&res, "certificate/%.8s-%.4s-%.4s-%.4s-%.12s", u, u + 8, u + 12, u + 16,
                  u + 20);
    gf_buf_printf(&subject, "CN=%s", domain);
    if (rc == 0)
        rc = gf_buf_failed(&res) || gf_buf_failed(&subject) ? gf_error_oom()
                                                            : gf_local_arn(&arn, ctx, SVC, true,
                                                                           res.ptr);
    for (i = 0; rc == 0 && i < json_array_size(names); i++) {
        if (json_array_append_new(dvos,
                                  validation_option(json_string_value(json_array_get(names, i)),
                                                    dns)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0) {
        *out = json_pack("{s:s,s:s,s:O,s:O,s:s,s:o,s:s,s:s,s:s,s:s,s:[],s:s,s:{s:s},s:s,s:I,"
                         "s:[]}",
                         "CertificateArn", arn.ptr, "DomainName", domain,
                         "SubjectAlternativeNames", names, "DomainValidationOptions", dvos,
                         "Subject", subject.ptr, "CreatedAt", gf_local_now(ctx), "Status",
                         "PENDING_VALIDATION", "KeyAlgorithm", "RSA-2048", "SignatureAlgorithm",
                         "SHA256WITHRSA", "Type", "AMAZON_ISSUED", "InUseBy",
                         "RenewalEligibility", "INELIGIBLE", "Options",
                         "CertificateTransparencyLoggingPreference", "ENABLED", "_token",
                         token ? token : "", "_created_ms", (json_int_t)ctx->now_ms, "_tags");
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(dvos);
    gf_buf_release(&arn);
    gf_buf_release(&res);
    gf_buf_release(&subject);
    return rc;
}

/* A certificate requested with the same token and domain within the hour, or NULL. */
static int find_by_token(json_t **out, struct gf_local_ctx *ctx, const char *token,
                         const char *domain)
{
    struct gf_local_list q = {SVC, TYPE, NULL, NULL, false, 0, MAX_ALL};
    json_t *all = NULL;
    json_t *d;
    size_t i;
    bool more;
    int rc = gf_local_db_list(&all, &more, ctx->db, &q);

    *out = NULL;
    json_array_foreach (rc == 0 ? all : NULL, i, d) {
        if (strcmp(json_string_value(json_object_get(d, "_token")), token) == 0 &&
            strcmp(json_string_value(json_object_get(d, "DomainName")), domain) == 0 &&
            ctx->now_ms - json_integer_value(json_object_get(d, "_created_ms")) < TOKEN_MS) {
            *out = json_incref(d);
            break;
        }
    }
    json_decref(all);
    return rc;
}

struct request_in {
    const char *domain, *method, *token;
    const json_t *sans, *tags;
};

static int request_read(struct request_in *r, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc = gf_local_get_string(&r->domain, ctx, input, "DomainName", VAL);

    if (rc == 0)
        rc = gf_local_get_string(&r->method, ctx, input, "ValidationMethod", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&r->token, ctx, input, "IdempotencyToken", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&r->sans, ctx, input, "SubjectAlternativeNames", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&r->tags, ctx, input, "Tags", NULL);
    if (rc < 0)
        return rc;
    if (!valid_domain(r->domain))
        return gf_local_fail(ctx, 400, VAL, "1 validation error detected: Value '%s' at "
                                            "'domainName' failed to satisfy constraint: Member "
                                            "must satisfy regular expression pattern",
                             r->domain);
    if (!r->method)
        r->method = "EMAIL"; /* AWS's default when ValidationMethod is absent */
    if (strcmp(r->method, "DNS") != 0 && strcmp(r->method, "EMAIL") != 0)
        return gf_local_fail(ctx, 400, VAL, "ValidationMethod must be DNS or EMAIL");
    if (r->token && !valid_token(r->token))
        return gf_local_fail(ctx, 400, VAL, "IdempotencyToken must be 1-32 word characters");
    if (r->tags && (json_array_size(r->tags) < 1))
        return gf_local_fail(ctx, 400, VAL, "Tags must hold at least one tag");
    return 0;
}

static int acm_request_certificate(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct request_in r = {NULL, NULL, NULL, NULL, NULL};
    json_t *names = NULL, *doc = NULL;
    int rc = request_read(&r, ctx, input);

    if (rc == 0 && r.token)
        rc = find_by_token(&doc, ctx, r.token, r.domain);
    if (rc == 0 && !doc) {
        rc = cert_names(&names, ctx, r.domain, r.sans);
        if (rc == 0)
            rc = new_doc(&doc, ctx, r.domain, names, strcmp(r.method, "DNS") == 0, r.token);
        if (rc == 0 && r.tags)
            rc = merge_tags(ctx, json_object_get(doc, "_tags"), r.tags);
        if (rc == 0)
            rc = store(ctx, doc);
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "CertificateArn", json_object_get(doc, "CertificateArn"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(names);
    json_decref(doc);
    return rc;
}

/* ---- read, list, delete ----------------------------------------------------------------- */

static int acm_describe_certificate(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL, *id = NULL;
    json_t *doc = NULL, *v = NULL;
    int rc = get_arn(&arn, &id, ctx, input);

    if (rc == 0)
        rc = load(&doc, ctx, arn, id);
    if (rc == 0)
        rc = view(&v, ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:o}", "Certificate", v);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static const char *const s_statuses[] = {"PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED",
                                         "VALIDATION_TIMED_OUT", "REVOKED", "FAILED", NULL};

static int check_statuses(struct gf_local_ctx *ctx, const json_t *statuses)
{
    const json_t *s;
    size_t i, j;

    json_array_foreach (statuses, i, s) {
        bool ok = false;

        for (j = 0; json_is_string(s) && s_statuses[j]; j++)
            ok = ok || strcmp(json_string_value(s), s_statuses[j]) == 0;
        if (!ok)
            return gf_local_fail(ctx, 400, VAL, "Value at 'certificateStatuses' failed to "
                                                "satisfy constraint: Member must satisfy enum "
                                                "value set");
    }
    return 0;
}

static json_t *summary(struct gf_local_ctx *ctx, const json_t *doc)
{
    static const char *const copy[] = {"CertificateArn", "DomainName", "Status", "Type",
                                       "KeyAlgorithm", "RenewalEligibility", "CreatedAt",
                                       "IssuedAt", "NotBefore", "NotAfter", NULL};
    json_t *s = json_object();
    json_t *used = NULL;
    json_t *names = json_object_get(doc, "SubjectAlternativeNames");
    size_t i;

    for (i = 0; s && copy[i]; i++) {
        json_t *v = json_object_get(doc, copy[i]);

        if (v)
            json_object_set(s, copy[i], v);
    }
    if (s && in_use_by(&used, ctx, json_string_value(json_object_get(doc, "CertificateArn"))) == 0)
        json_object_set_new(s, "InUse", json_boolean(json_array_size(used) > 0));
    if (s && names) {
        json_object_set(s, "SubjectAlternativeNameSummaries", names);
        json_object_set_new(s, "HasAdditionalSubjectAlternativeNames", json_false());
    }
    json_decref(used);
    return s;
}

static int acm_list_certificates(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {SVC, TYPE, NULL, NULL, false, 0, MAX_ALL};
    const json_t *statuses = NULL;
    json_t *all = NULL, *list = json_array();
    json_t *d;
    int64_t limit = 0, offset = 0, seen = 0;
    size_t i;
    bool more = false;
    int rc = list ? gf_local_get_array(&statuses, ctx, input, "CertificateStatuses", NULL)
                  : gf_error_oom();

    if (rc == 0)
        rc = check_statuses(ctx, statuses);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = gf_local_db_list(&all, &more, ctx->db, &q);
    more = false;
    json_array_foreach (rc == 0 ? all : NULL, i, d) {
        rc = refresh(ctx, d);
        if (rc < 0)
            break;
        if (statuses && !gf_local_array_has_string(
                            statuses, json_string_value(json_object_get(d, "Status"))))
            continue;
        if (seen++ < offset)
            continue;
        if ((int64_t)json_array_size(list) == limit) {
            more = true;
            break;
        }
        if (json_array_append_new(list, summary(ctx, d)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "CertificateSummaryList", list);
        rc = *out ? gf_local_page_set(*out, &s_page, more, offset, json_array_size(list))
                  : gf_error_oom();
    }
    json_decref(all);
    json_decref(list);
    return rc;
}

static int acm_delete_certificate(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL, *id = NULL;
    json_t *doc = NULL, *used = NULL;
    bool gone;
    int rc = get_arn(&arn, &id, ctx, input);

    (void)out;
    if (rc == 0)
        rc = load(&doc, ctx, arn, id);
    if (rc == 0)
        rc = in_use_by(&used, ctx, arn);
    if (rc == 0 && json_array_size(used) > 0)
        rc = gf_local_fail(ctx, 400, "ResourceInUseException", "Certificate %s in use", arn);
    if (rc == 0)
        rc = gf_local_db_delete(&gone, ctx->db, SVC, TYPE, id, 0);
    json_decref(doc);
    json_decref(used);
    return rc;
}

/* ---- tags ------------------------------------------------------------------------------- */

static int remove_tags(json_t *have, const json_t *tags)
{
    const json_t *t;
    size_t i, j;

    json_array_foreach (tags, i, t) {
        const char *key = json_string_value(json_object_get(t, "Key"));
        const char *val = json_string_value(json_object_get(t, "Value"));

        for (j = 0; key && j < json_array_size(have); j++) {
            const json_t *h = json_array_get(have, j);
            const char *hv = json_string_value(json_object_get(h, "Value"));

            if (strcmp(json_string_value(json_object_get(h, "Key")), key) == 0 &&
                (!val || (hv && strcmp(hv, val) == 0))) {
                json_array_remove(have, j);
                break;
            }
        }
    }
    return 0;
}

static int tags_op(struct gf_local_ctx *ctx, const json_t *input, bool add)
{
    const char *arn = NULL, *id = NULL;
    const json_t *tags = NULL;
    json_t *doc = NULL;
    int rc = get_arn(&arn, &id, ctx, input);

    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "Tags", VAL);
    if (rc == 0 && json_array_size(tags) < 1)
        rc = gf_local_fail(ctx, 400, VAL, "Tags must hold at least one tag");
    if (rc == 0)
        rc = load(&doc, ctx, arn, id);
    if (rc == 0)
        rc = add ? merge_tags(ctx, json_object_get(doc, "_tags"), tags)
                 : remove_tags(json_object_get(doc, "_tags"), tags);
    if (rc == 0)
        rc = store(ctx, doc);
    json_decref(doc);
    return rc;
}

static int acm_add_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tags_op(ctx, input, true);
}

static int acm_remove_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    (void)out;
    return tags_op(ctx, input, false);
}

static int acm_list_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL, *id = NULL;
    json_t *doc = NULL;
    int rc = get_arn(&arn, &id, ctx, input);

    if (rc == 0)
        rc = load(&doc, ctx, arn, id);
    if (rc == 0) {
        *out = json_pack("{s:O}", "Tags", json_object_get(doc, "_tags"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

static const struct gf_local_op s_acm_ops[] = {
    {"RequestCertificate", acm_request_certificate},
    {"DescribeCertificate", acm_describe_certificate},
    {"ListCertificates", acm_list_certificates},
    {"DeleteCertificate", acm_delete_certificate},
    {"AddTagsToCertificate", acm_add_tags},
    {"RemoveTagsFromCertificate", acm_remove_tags},
    {"ListTagsForCertificate", acm_list_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_acm = {&gf_aws_acm, s_acm_ops};
