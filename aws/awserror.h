/* SPDX-License-Identifier: Apache-2.0 */
/* awserror.h: one AWS error value for every protocol (reference §2.2-§2.6): parsed from an
 * error response's headers and body, classified per §4 (standard retry mode's throttling and
 * transient lists), mapped once to a gf_error; and, for local-aws, written back as each
 * protocol's error body. No I/O.
 *
 * Codes are the code on the wire, which may differ from the model's shape name (IAM
 * `NoSuchEntity` for NoSuchEntityException; SQS's legacy `AWS.SimpleQueueService.NonExistentQueue`
 * from x-amzn-query-error, with the JSON `__type` name `QueueDoesNotExist` kept in query_code):
 * match with gf_aws_error_is, which accepts either. */
#ifndef GF_AWS_AWSERROR_H
#define GF_AWS_AWSERROR_H

#include <stdbool.h>

#include "aws/codec.h"
#include "aws/service.h"

enum gf_aws_fault {
    GF_AWS_FAULT_UNKNOWN = 0,
    GF_AWS_FAULT_SENDER,   /* the caller's fault (4xx, <Type>Sender</Type>) */
    GF_AWS_FAULT_RECEIVER, /* the service's fault (5xx, <Type>Receiver</Type>) */
};

struct gf_aws_error {
    int http_status;
    char code[128];       /* the wire code; the status ("503") when the body has none */
    char message[512];    /* "" when none */
    char request_id[128]; /* "" when none */
    char query_code[128]; /* SQS: the __type name when x-amzn-query-error gave `code`; else "" */
    enum gf_aws_fault type;
    bool throttling; /* a §4 standard-mode throttling code */
    bool transient;  /* a §4 transient code or status (500/502/503/504) */
};

/* Parse the error response `resp` of a `svc` call into `out` (overwritten; fields truncated to
 * fit). Bodies that do not parse leave the code derived from the status: S3/rest-xml bodiless
 * errors (every HEAD) give 404 NotFound, 403 Forbidden, 400 BadRequest, 301 PermanentRedirect,
 * others the status digits. Classifies the result (gf_aws_error_classify). Returns 0, or
 * GF_ENOMEM (out still holds what the headers and status said). */
int gf_aws_error_parse(struct gf_aws_error *out, const struct gf_aws_service *svc,
                       const struct gf_aws_msg *resp);

/* Set e->throttling and e->transient from code, query_code and http_status (§4). */
void gf_aws_error_classify(struct gf_aws_error *e);

/* Whether the error's code or query_code is `code`. */
bool gf_aws_error_is(const struct gf_aws_error *e, const char *code);

/* The GF_E* code for an AWS error: throttling, transient, 429 or >= 500 -> GF_ERETRY;
 * credential and permission codes (UnrecognizedClientException, InvalidClientTokenId,
 * SignatureDoesNotMatch, AccessDenied*, ExpiredToken, ...) -> GF_EAUTH; not-found codes (*NotFound*,
 * NoSuch*, *NonExistent*, *DoesNotExist*) -> GF_ENOTFOUND; already-exists, duplicate, in-use and
 * conflict codes -> GF_ECONFLICT; anything else GF_ERROR. */
int gf_aws_error_code(const struct gf_aws_error *e);

/* Make e the calling thread's gf_error: code gf_aws_error_code(e), message
 * "ecs:UpdateService: ServiceNotFoundException: Service not found.", where "ecs:UpdateService",
 * and the aws fields (code, request id, status). Returns the GF_E* code. */
int gf_aws_error_raise(const struct gf_aws_error *e, const char *service_id, const char *op);

/* local-aws: write an error response for `svc` into `out` (initialised by the caller): status,
 * request-id header, Content-Type and the protocol's body: JSON {"__type","message"} with
 * x-amzn-ErrorType (SQS also x-amzn-query-error with the legacy code of §2.4); query
 * <ErrorResponse>; EC2 <Response><Errors>; S3 <Error>; Route 53 <ErrorResponse>; rest-json
 * x-amzn-ErrorType with {"ErrorCode","Message"}. `sender`: the Type (4xx faults). For an S3 HEAD
 * the caller sends no body. Returns 0 or GF_ENOMEM. */
int gf_aws_error_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, int status,
                        const char *code, const char *message, const char *request_id,
                        bool sender);

#endif
