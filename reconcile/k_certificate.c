/* SPDX-License-Identifier: Apache-2.0 */
/* k_certificate.c: the ACM certificate of an https task (fargatestack-behaviour.md §5.7, §6.3):
 * the ISSUED or pending certificate whose DomainName is the domain, else a new DNS-validated
 * request. Its validation CNAME goes into the public hosted zone, and apply waits until ACM
 * says ISSUED (FargateStack does not wait, so its first HTTPS listener cannot be made). Only a
 * certificate gitfargate requested (tagged) is ever deleted. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/svc_acm.h"
#include "aws/svc_route53.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/k_dns.h"
#include "reconcile/resource.h"
#include "common/banned.h"

#define POLL_FIRST_MS 500
#define POLL_MAX_MS   10000
#define PROGRESS_MS   10000
#define CNAME_TTL     300
#define RECORD_MIN_MS 60000
#define RETRY_MS      3000

static int cert_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    const struct gf_task *t = gf_stack_http_task(s);

    if (!t || t->type != GF_TASK_HTTPS || !s->domain.v)
        return 0;
    return gf_rc_add(NULL, rc, &gf_rc_kind_certificate, t->key, s->domain.v, t);
}

static struct gf_task *cert_task(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    return (struct gf_task *)gf_stack_task(gf_rc_stack(rc), r->key);
}

static int cert_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    (void)rc;
    r->desired = json_pack("{s:s, s:s}", "domain", r->name, "status", "ISSUED");
    return r->desired ? 0 : gf_error_oom();
}

static const char *cert_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    const struct gf_task *t = cert_task(r, rc);

    return t ? t->certificate_arn.v : NULL;
}

static int cert_ours(bool *out, struct gf_rc_io *io, const char *arn)
{
    json_t *tags = NULL;
    int code = gf_acm_list_tags(&tags, io->aws, arn);

    *out = code == 0 && gf_rc_tagged_for_stack(tags, "Key", "Value", io->rc);
    json_decref(tags);
    return code;
}

/* Whether certificate name `name` ("shop.example.com", "*.example.com") covers `domain`: the
 * same name (case aside), or a wildcard for exactly one leftmost label. */
static bool name_covers(const char *name, const char *domain)
{
    const char *dot = strchr(domain, '.');

    if (strcasecmp(name, domain) == 0)
        return true;
    return name[0] == '*' && name[1] == '.' && dot && dot != domain &&
           strcasecmp(name + 1, dot) == 0;
}

static bool cert_covers(const json_t *cert, const char *domain)
{
    const json_t *n;
    size_t i;
    const char *main_name = json_string_value(json_object_get(cert, "DomainName"));

    if (main_name && name_covers(main_name, domain))
        return true;
    json_array_foreach(json_object_get(cert, "SubjectAlternativeNames"), i, n) {
        if (json_is_string(n) && name_covers(json_string_value(n), domain))
            return true;
    }
    return false;
}

/* actual: "domain" is the stack's domain when the certificate covers it (as a wildcard or an
 * alternative name too), else the certificate's own name, with "_covers" saying which, for the
 * preflight. */
static int cert_adopt(struct gf_rc_res *r, struct gf_rc_io *io, json_t *cert)
{
    struct gf_task *t = cert_task(r, io->rc);
    const char *arn = json_string_value(json_object_get(cert, "CertificateArn"));
    bool ours = false;
    int code = arn ? cert_ours(&ours, io, arn) : gf_error_set(GF_ERROR, "certificate without ARN");
    bool covers = cert_covers(cert, r->name);

    json_decref(r->actual);
    r->actual = json_pack("{s:o?, s:O?, s:b, s:b, s:O?}", "domain",
                          covers ? json_string(r->name)
                                 : json_incref(json_object_get(cert, "DomainName")),
                          "status", json_object_get(cert, "Status"), "_ours", ours, "_covers",
                          covers, "_validation", json_object_get(cert, "DomainValidationOptions"));
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    if (code == 0 && (!r->actual || !r->id))
        code = gf_error_oom();
    if (code == 0 && t)
        code = gf_rc_state_set(io->rc, &t->certificate_arn, arn);
    json_decref(cert);
    return code;
}

static int cert_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *known = cert_state_id(r, io->rc);
    char *arn = NULL;
    json_t *cert = NULL;
    int code = GF_ENOTFOUND;

    if (known)
        code = gf_acm_describe_certificate(&cert, io->aws, known);
    if (code == GF_ENOTFOUND) {
        code = gf_acm_find_certificate(&arn, io->aws, r->name);
        if (code == 0)
            code = gf_acm_describe_certificate(&cert, io->aws, arn);
    }
    gf_free(arn);
    return code < 0 ? code : cert_adopt(r, io, cert);
}

/* ---- validation ------------------------------------------------------------------------------- */

/* Poll until `done` holds for the certificate or the wait runs out. */
typedef bool cert_done_fn(const json_t *cert);

static bool has_record(const json_t *cert)
{
    return json_object_get(json_object_get(json_array_get(json_object_get(cert,
                                                                          "DomainValidationOptions"),
                                                          0),
                                           "ResourceRecord"),
                           "Name") != NULL;
}

static bool is_settled(const json_t *cert)
{
    const char *st = json_string_value(json_object_get(cert, "Status"));

    return st && strcmp(st, "PENDING_VALIDATION") != 0;
}

static int cert_poll(json_t **out, struct gf_rc_res *r, struct gf_rc_io *io, cert_done_fn *done,
                     const char *what)
{
    int64_t limit_ms = (int64_t)gf_rc_wait_timeout_s(io->rc) * 1000, waited_ms = 0, said_ms = 0;
    int delay_ms = POLL_FIRST_MS;
    int code;

    /* the validation record is needed even with --no-wait: ACM shows it within seconds */
    if (done == has_record && limit_ms < RECORD_MIN_MS)
        limit_ms = RECORD_MIN_MS;
    *out = NULL;
    for (;;) {
        code = gf_acm_describe_certificate(out, io->aws, r->id);
        if (code < 0 || done(*out))
            return code;
        if (waited_ms >= limit_ms)
            return gf_error_set(GF_ERETRY, "certificate for '%s' still %s after %lld s", r->name,
                                json_string_value(json_object_get(*out, "Status")),
                                (long long)(waited_ms / 1000));
        if (waited_ms - said_ms >= PROGRESS_MS) {
            gf_rc_progress(io->rc, r, "%s (%lld s)", what, (long long)(waited_ms / 1000));
            said_ms = waited_ms;
        }
        json_decref(*out);
        *out = NULL;
        code = gf_rc_sleep(io->rc, delay_ms);
        if (code < 0)
            return code;
        waited_ms += delay_ms;
        delay_ms = delay_ms * 2 > POLL_MAX_MS ? POLL_MAX_MS : delay_ms * 2;
    }
}

/* UPSERT the validation CNAME ACM asks for into the public zone. */
static int cert_cname(struct gf_rc_io *io, const json_t *cert)
{
    const json_t *rr = json_object_get(
        json_array_get(json_object_get(cert, "DomainValidationOptions"), 0), "ResourceRecord");
    struct gf_route53_record rec = GF_ROUTE53_RECORD_INIT;
    const char *value = json_string_value(json_object_get(rr, "Value"));
    json_t *changes = json_array();
    char *zone = NULL;
    int code = changes ? gf_rc_dns_zone(&zone, io, false) : gf_error_oom();

    rec.name = json_string_value(json_object_get(rr, "Name"));
    rec.type = json_string_value(json_object_get(rr, "Type"));
    rec.ttl = CNAME_TTL;
    rec.values = &value;
    rec.nvalues = 1;
    if (code == 0)
        code = gf_route53_change_append(changes, "UPSERT", &rec);
    if (code == 0)
        code = gf_route53_change_records(NULL, io->aws, zone, changes, "gitfargate: validation");
    json_decref(changes);
    gf_free(zone);
    return code;
}

/* Write the validation record, then wait for ISSUED (unless --no-wait). */
static int cert_validate(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *cert = NULL;
    const char *status;
    int code = cert_poll(&cert, r, io, has_record, "waiting for the validation record");

    if (code == 0)
        code = cert_cname(io, cert);
    json_decref(cert);
    cert = NULL;
    if (code < 0 || gf_rc_wait_timeout_s(io->rc) <= 0)
        return code;
    gf_rc_progress(io->rc, r, "waiting for the certificate to be issued");
    code = cert_poll(&cert, r, io, is_settled, "waiting for the certificate to be issued");
    status = json_string_value(json_object_get(cert, "Status"));
    if (code == 0 && (!status || strcmp(status, "ISSUED") != 0)) {
        code = gf_error_set(GF_ERROR, "certificate for '%s' is %s: %s", r->name,
                            status ? status : "?",
                            json_string_value(json_object_get(cert, "FailureReason"))
                                ? json_string_value(json_object_get(cert, "FailureReason"))
                                : "no reason given");
        gf_error_hint("check that the validation CNAME is in the domain's public hosted zone");
    }
    json_decref(cert);
    return code;
}

/* ACM's idempotency token: word characters only, derived from the stack and the domain. */
static void cert_token(char out[33], const struct gf_rc *rc, const char *domain)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    const char *parts[] = {gf_rc_stack(rc)->app_name.v, "/", domain};
    size_t i;
    const char *p;

    for (i = 0; i < 3; i++) {
        for (p = parts[i]; p && *p; p++) {
            h ^= (unsigned char)*p;
            h *= 1099511628211ULL;
        }
    }
    snprintf(out, 33, "gf%016llx", (unsigned long long)h);
}

static int cert_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *cert = NULL;
    char token[33];
    char *arn = NULL;
    int code = tags ? 0 : gf_error_oom();

    cert_token(token, io->rc, r->name);
    if (code == 0)
        code = gf_acm_request_certificate(&arn, io->aws, r->name, NULL, token, tags);
    json_decref(tags);
    if (code == 0)
        code = gf_acm_describe_certificate(&cert, io->aws, arn);
    gf_free(arn);
    if (code == 0)
        code = cert_adopt(r, io, cert);
    if (code == 0)
        code = cert_validate(r, io);
    return code < 0 ? code : cert_read(r, io);
}

static int cert_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = cert_validate(r, io);

    return code < 0 ? code : cert_read(r, io);
}

/* DeleteCertificate, retried while a listener of a load balancer being deleted still uses it. */
static int cert_delete(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int64_t waited_ms = 0;
    int code;

    while ((code = gf_acm_delete_certificate(io->aws, r->id)) == GF_ECONFLICT) {
        struct gf_error saved;

        gf_error_copy(&saved, gf_error_last());
        if (waited_ms >= (int64_t)gf_rc_wait_timeout_s(io->rc) * 1000)
            return gf_error_restore(&saved);
        gf_rc_progress(io->rc, r, "still in use, retrying (%lld s)", (long long)(waited_ms / 1000));
        waited_ms += RETRY_MS;
        code = gf_rc_sleep(io->rc, RETRY_MS);
        if (code < 0)
            return code;
    }
    return code;
}

static int cert_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_task *t = cert_task(r, io->rc);
    bool ours = json_is_true(json_object_get(r->actual, "_ours"));
    int code = 0;

    if (r->id && !json_object_get(r->actual, "_ours")) /* the cache decided: no read */
        code = cert_ours(&ours, io, r->id);
    if (code == 0 && r->id && ours)
        code = cert_delete(r, io);
    else if (code == 0 && r->id)
        gf_rc_progress(io->rc, r, "kept: not requested by gitfargate");
    if (code == GF_ENOTFOUND)
        code = 0;
    if (code == 0 && t)
        code = gf_rc_state_set(io->rc, &t->certificate_arn, NULL);
    return code;
}

/* Certificates this stack requested for a task no longer in it. */
static int cert_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *all = NULL;
    size_t i;
    const json_t *c;
    int code = gf_acm_list_certificates(&all, io->aws, NULL);

    json_array_foreach(all, i, c) {
        const char *arn = json_string_value(json_object_get(c, "CertificateArn"));
        json_t *tags = NULL;
        const char *key;

        if (code < 0 || !arn)
            break;
        code = gf_acm_list_tags(&tags, io->aws, arn);
        key = gf_rc_tag_value(tags, "Key", "Value", GF_RC_TAG_KEY);
        if (code == 0 && gf_rc_tagged_for_stack(tags, "Key", "Value", rc) && key &&
            strncmp(key, "certificate/", 12) == 0 && !gf_rc_wanted(rc, "certificate", key + 12))
            code = gf_rc_add_orphan(rc, &gf_rc_kind_certificate, key + 12,
                                    json_string_value(json_object_get(c, "DomainName")), arn,
                                    json_pack("{s:b}", "_ours", 1));
        json_decref(tags);
        if (code == GF_ENOTFOUND)
            code = 0;
    }
    json_decref(all);
    return code;
}

static const char *const s_create[] = {"acm:RequestCertificate", "acm:DescribeCertificate",
                                       "route53:ChangeResourceRecordSets", NULL};
static const char *const s_update[] = {"acm:DescribeCertificate",
                                       "route53:ChangeResourceRecordSets", NULL};
static const char *const s_delete[] = {"acm:DeleteCertificate", NULL};
static const char *const s_replace[] = {"domain", NULL};

const struct gf_rc_kind gf_rc_kind_certificate = {
    .name = "certificate",
    .expand = cert_expand,
    .desire = cert_desire,
    .read = cert_read,
    .create = cert_create,
    .update = cert_update,
    .destroy = cert_destroy,
    .orphans = cert_orphans,
    .state_id = cert_state_id,
    .replace_fields = s_replace,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
};
