/* SPDX-License-Identifier: Apache-2.0 */
/* svc_acm.h: AWS Certificate Manager through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4 and §7.11): DNS-validated public certificates for HTTPS
 * listeners, their tags, and a wait for ISSUED (the CertificateValidated waiter, §9).
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`, `char **arn_out`) are owned by the caller (json_decref, gf_free),
 *   NULL on failure; inputs are borrowed for the call; NULL / absent optional inputs are not
 *   sent.
 * - Tags (`const json_t *tags`) are ACM's shape: an array of {"Key": k, "Value": v} (Value
 *   optional).
 * - "It does not exist" (ResourceNotFoundException) is GF_ENOTFOUND with a gf_error naming the
 *   certificate; a certificate still attached (ResourceInUseException) is GF_ECONFLICT; a bad
 *   ARN (InvalidArnException) or domain (ValidationException, InvalidParameterException) is
 *   gf_aws_call's mapping (GF_ERROR with the aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_ACM_H
#define GF_AWS_SVC_ACM_H

#include <jansson.h>
#include <stdint.h>

#include "aws/client.h"
#include "common/clock.h"

/* RequestCertificate for `domain` validated by DNS. sans: array of extra names, or NULL;
 * idempotency_token: up to 32 word characters, or NULL (the same token and domain within an hour
 * give the same ARN); tags, or NULL. arn_out: "arn:aws:acm:REGION:ACCOUNT:certificate/<uuid>". */
int gf_acm_request_certificate(char **arn_out, struct gf_aws_client *client, const char *domain,
                               const json_t *sans, const char *idempotency_token,
                               const json_t *tags);
/* DescribeCertificate. out: the Certificate object (CertificateArn, DomainName, Status,
 * DomainValidationOptions[{DomainName, ValidationStatus, ResourceRecord{Name, Type, Value}}],
 * InUseBy, NotBefore/NotAfter/IssuedAt as epoch seconds once issued). GF_ENOTFOUND. */
int gf_acm_describe_certificate(json_t **out, struct gf_aws_client *client, const char *arn);
/* ListCertificates, every page. statuses: array of status strings ("ISSUED",
 * "PENDING_VALIDATION", ...) or NULL for AWS's default. out: CertificateSummaryList (array of
 * {CertificateArn, DomainName, Status, ...}). */
int gf_acm_list_certificates(json_t **out, struct gf_aws_client *client, const json_t *statuses);
/* The certificate for exactly `domain` among ISSUED and PENDING_VALIDATION ones, preferring an
 * ISSUED one. arn_out: its ARN; GF_ENOTFOUND when none. */
int gf_acm_find_certificate(char **arn_out, struct gf_aws_client *client, const char *domain);
/* DeleteCertificate; GF_ECONFLICT while a load balancer listener uses it. */
int gf_acm_delete_certificate(struct gf_aws_client *client, const char *arn);

/* AddTagsToCertificate / RemoveTagsFromCertificate (tags: as above; removing matches Key, and
 * Value when given) / ListTagsForCertificate (out: the tag array, [] when none). */
int gf_acm_add_tags(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_acm_remove_tags(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_acm_list_tags(json_t **out, struct gf_aws_client *client, const char *arn);

/* Called after each poll of gf_acm_wait_issued with the Certificate just read (borrowed for the
 * call), the attempt number from 1 and the milliseconds waited so far. */
typedef void gf_acm_progress_fn(const json_t *cert, int attempt, int64_t waited_ms,
                                void *payload);

struct gf_acm_wait_opts {
    int64_t timeout_ms;           /* 0: 300000 (AWS's waiter: 60 s x 5) */
    int64_t interval_ms;          /* 0: 60000 (AWS's waiter delay) */
    const struct gf_clock *clock; /* NULL: the system clock; sleeps through it */
    gf_acm_progress_fn *progress; /* NULL: none */
    void *payload;
};

#define GF_ACM_WAIT_OPTS_INIT                                                                      \
    {                                                                                              \
        0, 0, NULL, NULL, NULL                                                                     \
    }

/* Poll DescribeCertificate until the certificate is ISSUED (the CertificateValidated waiter of
 * reference §9: success when every DomainValidationOptions[].ValidationStatus is SUCCESS and the
 * Status is ISSUED; failure on Status FAILED / VALIDATION_TIMED_OUT / REVOKED, or when the
 * certificate does not exist). out (may be NULL): the final Certificate. Returns 0; GF_ERETRY
 * when opts->timeout_ms passes first (the gf_error names the certificate and its status);
 * GF_ERROR when the certificate failed (the message carries its FailureReason); GF_ENOTFOUND;
 * or the failing call's error. opts may be NULL. Blocks (sleeps between polls). */
int gf_acm_wait_issued(json_t **out, struct gf_aws_client *client, const char *arn,
                       const struct gf_acm_wait_opts *opts);

#endif
