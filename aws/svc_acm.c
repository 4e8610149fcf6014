/* SPDX-License-Identifier: Apache-2.0 */
/* svc_acm.c: ACM over the call layer (reference/aws-protocols.md §7.11): request, read, list,
 * tag and delete DNS-validated certificates, and wait for one to be ISSUED as AWS's
 * CertificateValidated waiter does (§9), with our own timeout and a progress callback. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_acm.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

#define WAIT_TIMEOUT_MS  300000 /* waiters-2.json CertificateValidated: 5 attempts */
#define WAIT_INTERVAL_MS 60000  /* ... 60 s apart */

/* Make a not-found error name the certificate, keeping the AWS fields the call layer set. */
static int name_notfound(int rc, const char *arn)
{
    struct gf_error saved;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&saved, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "certificate '%s' not found", arn ? arn : "");
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return GF_ENOTFOUND;
}

static int set_json(json_t *o, const char *key, const json_t *v)
{
    if (!v)
        return 0;
    return json_object_set_new(o, key, json_deep_copy(v)) == 0 ? 0 : gf_error_oom();
}

static int dup_string(char **out, const json_t *res, const char *key, const char *op)
{
    const char *v = json_string_value(json_object_get(res, key));

    if (!v)
        return gf_error_set(GF_ERROR, "acm:%s reply has no '%s'", op, key);
    *out = gf_strdup(v);
    return *out ? 0 : gf_error_oom();
}

static int call_void(struct gf_aws_client *client, const char *op, json_t *in, const char *arn)
{
    json_t *res = NULL;
    int rc;

    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_acm, op, in);
    json_decref(res);
    return name_notfound(rc, arn);
}

int gf_acm_request_certificate(char **arn_out, struct gf_aws_client *client, const char *domain,
                               const json_t *sans, const char *idempotency_token,
                               const json_t *tags)
{
    json_t *in = NULL;
    json_t *res = NULL;
    int rc;

    *arn_out = NULL;
    in = json_pack("{s:s,s:s}", "DomainName", domain ? domain : "", "ValidationMethod", "DNS");
    if (!in)
        return gf_error_oom();
    rc = set_json(in, "SubjectAlternativeNames", sans);
    if (rc == 0 && idempotency_token &&
        json_object_set_new(in, "IdempotencyToken", json_string(idempotency_token)) < 0)
        rc = gf_error_oom();
    if (rc == 0)
        rc = set_json(in, "Tags", tags);
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_acm, "RequestCertificate", in);
    if (rc == 0)
        rc = dup_string(arn_out, res, "CertificateArn", "RequestCertificate");
    json_decref(res);
    json_decref(in);
    return rc;
}

int gf_acm_describe_certificate(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *in = json_pack("{s:s}", "CertificateArn", arn ? arn : "");
    json_t *res = NULL;
    json_t *cert;
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_acm, "DescribeCertificate", in);
    if (rc < 0)
        goto out;
    cert = json_object_get(res, "Certificate");
    if (!json_is_object(cert)) {
        rc = gf_error_set(GF_ERROR, "acm:DescribeCertificate reply has no 'Certificate'");
        goto out;
    }
    *out = json_incref(cert);
out:
    json_decref(res);
    json_decref(in);
    return name_notfound(rc, arn);
}

int gf_acm_list_certificates(json_t **out, struct gf_aws_client *client, const json_t *statuses)
{
    json_t *in = json_object();
    int rc = in ? set_json(in, "CertificateStatuses", statuses) : gf_error_oom();

    *out = NULL;
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_acm, "ListCertificates", in, 0);
    json_decref(in);
    return rc;
}

/* The best summary for `domain` in `list`: an ISSUED one if any, else the first match. */
static const json_t *pick_summary(const json_t *list, const char *domain)
{
    const json_t *best = NULL;
    const json_t *s;
    size_t i;

    json_array_foreach (list, i, s) {
        const char *d = json_string_value(json_object_get(s, "DomainName"));
        const char *st = json_string_value(json_object_get(s, "Status"));

        if (!d || strcmp(d, domain) != 0)
            continue;
        if (st && strcmp(st, "ISSUED") == 0)
            return s;
        if (!best)
            best = s;
    }
    return best;
}

int gf_acm_find_certificate(char **arn_out, struct gf_aws_client *client, const char *domain)
{
    json_t *statuses = json_pack("[s,s]", "ISSUED", "PENDING_VALIDATION");
    json_t *list = NULL;
    const json_t *hit;
    int rc;

    *arn_out = NULL;
    if (!statuses)
        return gf_error_oom();
    rc = gf_acm_list_certificates(&list, client, statuses);
    if (rc < 0)
        goto out;
    hit = pick_summary(list, domain ? domain : "");
    if (!hit) {
        rc = gf_error_set(GF_ENOTFOUND, "no certificate for '%s'", domain ? domain : "");
        gf_error_where("acm:ListCertificates");
        goto out;
    }
    rc = dup_string(arn_out, hit, "CertificateArn", "ListCertificates");
out:
    json_decref(list);
    json_decref(statuses);
    return rc;
}

int gf_acm_delete_certificate(struct gf_aws_client *client, const char *arn)
{
    json_t *in = json_pack("{s:s}", "CertificateArn", arn ? arn : "");
    int rc = call_void(client, "DeleteCertificate", in, arn);

    json_decref(in);
    return rc;
}

static int tags_call(struct gf_aws_client *client, const char *op, const char *arn,
                     const json_t *tags)
{
    json_t *in = json_pack("{s:s}", "CertificateArn", arn ? arn : "");
    int rc = in ? set_json(in, "Tags", tags) : gf_error_oom();

    if (rc == 0)
        rc = call_void(client, op, in, arn);
    json_decref(in);
    return rc;
}

int gf_acm_add_tags(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    return tags_call(client, "AddTagsToCertificate", arn, tags);
}

int gf_acm_remove_tags(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    return tags_call(client, "RemoveTagsFromCertificate", arn, tags);
}

int gf_acm_list_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *in = json_pack("{s:s}", "CertificateArn", arn ? arn : "");
    json_t *res = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_acm, "ListTagsForCertificate", in);
    if (rc == 0) {
        tags = json_object_get(res, "Tags");
        *out = json_is_array(tags) ? json_incref(tags) : json_array();
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(res);
    json_decref(in);
    return name_notfound(rc, arn);
}

/* ---- waiting for ISSUED ----------------------------------------------------------------- */

enum wait_state { WAIT_RETRY, WAIT_DONE, WAIT_FAILED };

/* The CertificateValidated waiter's acceptors (waiters-2.json), with ISSUED required too. */
static enum wait_state cert_state(const json_t *cert)
{
    static const char *const failed[] = {"FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED",
                                         "INACTIVE", NULL};
    const char *status = json_string_value(json_object_get(cert, "Status"));
    const json_t *dvos = json_object_get(cert, "DomainValidationOptions");
    const json_t *dvo;
    size_t i;

    for (i = 0; status && failed[i]; i++) {
        if (strcmp(status, failed[i]) == 0)
            return WAIT_FAILED;
    }
    json_array_foreach (dvos, i, dvo) {
        const char *vs = json_string_value(json_object_get(dvo, "ValidationStatus"));

        if (!vs || strcmp(vs, "SUCCESS") != 0)
            return WAIT_RETRY;
    }
    return status && strcmp(status, "ISSUED") == 0 ? WAIT_DONE : WAIT_RETRY;
}

static int wait_failed(const json_t *cert, const char *arn)
{
    const char *status = json_string_value(json_object_get(cert, "Status"));
    const char *reason = json_string_value(json_object_get(cert, "FailureReason"));

    gf_error_set(GF_ERROR, "certificate '%s' is %s%s%s", arn, status ? status : "?",
                 reason ? ": " : "", reason ? reason : "");
    gf_error_where("acm:DescribeCertificate");
    gf_error_hint("request a new certificate; a failed one cannot be validated again");
    return GF_ERROR;
}

static int wait_timed_out(const json_t *cert, const char *arn, int64_t waited_ms)
{
    const char *status = json_string_value(json_object_get(cert, "Status"));

    gf_error_set(GF_ERETRY, "certificate '%s' still %s after %lld ms", arn,
                 status ? status : "not issued", (long long)waited_ms);
    gf_error_where("acm:DescribeCertificate");
    gf_error_hint("create the DNS validation records DescribeCertificate lists, then wait again");
    return GF_ERETRY;
}

int gf_acm_wait_issued(json_t **out, struct gf_aws_client *client, const char *arn,
                       const struct gf_acm_wait_opts *opts)
{
    const struct gf_clock *clock = opts && opts->clock ? opts->clock : gf_clock_system();
    int64_t timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : WAIT_TIMEOUT_MS;
    int64_t interval_ms = opts && opts->interval_ms > 0 ? opts->interval_ms : WAIT_INTERVAL_MS;
    int64_t start_ms = gf_clock_mono_ms(clock);
    json_t *cert = NULL;
    int attempt = 0;
    int rc;

    if (out)
        *out = NULL;
    for (;;) {
        int64_t waited_ms;
        enum wait_state st;

        json_decref(cert);
        cert = NULL;
        rc = gf_acm_describe_certificate(&cert, client, arn);
        if (rc < 0)
            break;
        attempt++;
        waited_ms = gf_clock_mono_ms(clock) - start_ms;
        if (opts && opts->progress)
            opts->progress(cert, attempt, waited_ms, opts->payload);
        st = cert_state(cert);
        if (st == WAIT_DONE)
            break;
        if (st == WAIT_FAILED) {
            rc = wait_failed(cert, arn);
            break;
        }
        if (waited_ms + interval_ms > timeout_ms) {
            rc = wait_timed_out(cert, arn, waited_ms);
            break;
        }
        clock->sleep_ms(clock->payload, interval_ms);
    }
    if (rc == 0 && out)
        *out = json_incref(cert);
    json_decref(cert);
    return rc;
}
