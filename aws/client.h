/* SPDX-License-Identifier: Apache-2.0 */
/* client.h: the AWS call layer. One struct gf_aws_client holds the shared config files, the
 * resolved region, ONE caching credentials provider and ONE http engine; gf_aws_call encodes an
 * operation (aws/codec.h), resolves its endpoint (aws/endpoint.h), signs every attempt
 * (aws/sigv4.h), sends it through the engine (aws/http.h, retries classified from the AWS error
 * body), decodes the reply and maps AWS errors to GF_E* codes once (aws/awserror.h).
 *
 * Ownership, once for the whole API: the client owns everything it creates and borrows what the
 * options point at (env, clock, a shared engine, the observer's payload) for its life. json_t
 * inputs are borrowed for the call; json_t outputs (`**out`) are new references the caller
 * json_decref()s. Secrets (keys, tokens, Authorization values) never reach a log line, an error
 * message or the observer.
 *
 * Threads: a client belongs to one thread at a time, like its engine (aws/http.h). */
#ifndef GF_AWS_CLIENT_H
#define GF_AWS_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/creds.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "aws/service.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/error.h"

struct gf_aws_client;

/* What the observer hears after every call (retries included), success or not. All borrowed for
 * the duration of the callback. This is where the audit log hangs. */
struct gf_aws_call_info {
    const char *service;    /* the service id: "ecs" */
    const char *operation;  /* "DescribeClusters" */
    int http_status;        /* 0 when no response arrived */
    const char *aws_code;   /* "" when none */
    const char *request_id; /* "" when none */
    int64_t latency_ms;
    int attempts;
    int rc; /* 0 or the GF_E* the call returned */
};

typedef void gf_aws_observe_fn(const struct gf_aws_call_info *info, void *payload);

/* Called once per call (not per attempt) before it is sent, with the service id and operation:
 * a negative return refuses the call, which then fails with that code (the gf_error the hook
 * set). This is where the apply journal records a mutating call's intent before it leaves. */
typedef int gf_aws_before_fn(const char *service, const char *operation, void *payload);

struct gf_aws_client_opts {
    const char *profile;      /* --profile; NULL: AWS_PROFILE, AWS_DEFAULT_PROFILE, "default" */
    const char *region;       /* --region; NULL: AWS_REGION, AWS_DEFAULT_REGION, the profile */
    const char *stack_region; /* the stack's `region` (after --region, before the env); or NULL */
    const char *endpoint_url; /* an explicit endpoint for every service; NULL: resolved */
    const struct gf_env *env; /* NULL: the process environment */
    const struct gf_clock *clock; /* NULL: the system clock; signing time and the engine's */
    gf_aws_observe_fn *observer;  /* NULL: none */
    void *observer_payload;
    /* A shared engine; NULL: the client makes its own. A shared engine should classify with
     * gf_aws_client_classify so retries see throttling codes in the body. */
    struct gf_http *http;
    /* Options for the client's own engine (NULL: defaults with AWS_MAX_ATTEMPTS from env). The
     * classifier is always gf_aws_client_classify, the clock this struct's when it has none. */
    const struct gf_http_opts *http_opts;
    unsigned decode_flags; /* enum gf_aws_decode_flags for every response */
    /* Credentials provider options beyond config, sts, region and clock (tests point the
     * container endpoint and IMDS at loopback). NULL: defaults. */
    const struct gf_creds_opts *creds_opts;
    gf_aws_before_fn *before; /* NULL: none */
    void *before_payload;
};

#define GF_AWS_CLIENT_OPTS_INIT                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL            \
    }

/* Create a client: load ~/.aws/config and credentials (aws/awsconfig.h) for the profile, resolve
 * the region, create the credentials provider (the whole chain, with assume-role and web
 * identity served by STS through this client: aws/svc_sts.h) and the engine. Fetches no
 * credentials yet. Returns 0; GF_ENOTFOUND (no region anywhere, or a named profile missing);
 * GF_EINVALID (a config file or a setting does not parse); GF_ERROR; GF_ENOMEM. On failure *out
 * is NULL. Blocks on reading the config files. */
int gf_aws_client_new(struct gf_aws_client **out, const struct gf_aws_client_opts *opts);
void gf_aws_client_free(struct gf_aws_client *client);

/* The resolved region and where it came from ("--region", "stack", "AWS_REGION",
 * "AWS_DEFAULT_REGION", "profile"); borrowed from the client. */
const char *gf_aws_client_region(const struct gf_aws_client *client);
const char *gf_aws_client_region_source(const struct gf_aws_client *client);
/* The selected profile's name; borrowed. */
const char *gf_aws_client_profile(const struct gf_aws_client *client);
/* The engine (borrowed), for callers that drive async calls themselves. */
struct gf_http *gf_aws_client_http(struct gf_aws_client *client);

/* A copy of the current credentials (out initialised by the caller, released first); fetches on
 * first use. out->source names where they came from. Returns 0 or the chain's error (GF_EAUTH
 * when there are none). Blocks while fetching. */
int gf_aws_client_creds(struct gf_creds *out, struct gf_aws_client *client);

/* Per-call choices beyond the defaults. */
struct gf_aws_call_opts {
    const struct gf_creds *creds; /* sign with these instead of the provider's (borrowed) */
    bool unsigned_request;        /* send no Authorization (STS AssumeRoleWithWebIdentity) */
    const char *region;           /* resolve the endpoint for this region; NULL: the client's */
    /* The request or reply holds secrets: the engine wipes the request body, header values and
     * the raw reply before freeing them (gf_http_request.secret). Always on for STS
     * AssumeRole*, GetSessionToken, Secrets Manager Get/Create/Put/UpdateSecret(Value) and SSM
     * GetParameter(s)(ByPath) / PutParameter. */
    bool secret_response;
};

#define GF_AWS_CALL_OPTS_INIT                                                                      \
    {                                                                                              \
        NULL, false, NULL, false                                                                   \
    }

/* Call `op` of `svc` with `input` (an object, or NULL for none) and wait for the reply.
 * out: the decoded output (aws/codec.h gf_aws_response_decode), NULL on failure. opts: NULL for
 * the defaults. Returns 0; on an AWS error the mapped code (GF_ENOTFOUND, GF_EAUTH, GF_ECONFLICT,
 * GF_ERETRY after retries, GF_ERROR) with the gf_error's aws_code, request_id and http_status
 * set and where "svc:Op"; GF_ERETRY for connection faults; GF_EINVALID for a bad input or
 * endpoint; GF_EAUTH when there are no credentials; GF_ENOMEM. Blocks; other calls queued on the
 * engine progress meanwhile. */
int gf_aws_call_with(json_t **out, struct gf_aws_client *client, const struct gf_aws_service *svc,
                      const char *op, const json_t *input, const struct gf_aws_call_opts *opts);
int gf_aws_call(json_t **out, struct gf_aws_client *client, const struct gf_aws_service *svc,
                const char *op, const json_t *input);

/* Completion of gf_aws_submit: rc 0 with `output` (borrowed for the callback: json_incref it to
 * keep it), or the GF_E* with `err` describing it (copy it to keep it). Runs from the engine's
 * run functions, never inside gf_aws_submit. */
typedef void gf_aws_done_fn(int rc, json_t *output, const struct gf_error *err, void *payload);

/* Queue a call on the client's engine (drive it with gf_http_run_once / gf_http_run_all on
 * gf_aws_client_http). Credentials are fetched now (blocking when the cache is cold), so each
 * attempt is signed without re-entering the chain. Returns 0, or a GF_E* without queuing (then
 * `done` is never called). */
int gf_aws_submit(struct gf_aws_client *client, const struct gf_aws_service *svc, const char *op,
                  const json_t *input, const struct gf_aws_call_opts *opts, gf_aws_done_fn *done,
                  void *payload);

/* Call a paginated operation (aws/codec.h gf_aws_paginator_find) until the last page, and put
 * every page's result-key items, in order, into `items_out` (a new array). `input` is not
 * changed (a copy carries the tokens). Stops with GF_ERROR when a page repeats its token or past
 * `max_pages` (0: 1000). Returns 0, GF_EINVALID when `op` has no paginator, or the failing
 * page's error. Blocks. */
int gf_aws_paginate(json_t **items_out, struct gf_aws_client *client,
                    const struct gf_aws_service *svc, const char *op, const json_t *input,
                    int max_pages);
/* The same with per-call options (a region, secret bodies) for every page. */
int gf_aws_paginate_with(json_t **items_out, struct gf_aws_client *client,
                         const struct gf_aws_service *svc, const char *op, const json_t *input,
                         int max_pages, const struct gf_aws_call_opts *opts);

/* The classifier for AWS replies (gf_retry_classify_fn): parses the error code the way the
 * request's service writes it (aws/awserror.h: JSON `__type` / x-amzn-ErrorType, SQS's
 * x-amzn-query-error, query <Error><Code>, EC2 <Errors><Error><Code>, rest-xml <Error><Code>,
 * rest-json x-amzn-ErrorType) and classifies it per the standard retry mode. payload: the
 * `const struct gf_aws_service *` of the request (every call of this layer sets it on its
 * request, gf_http_request.classify_payload); NULL (an engine-wide classifier on other
 * requests) picks a parser by the body's syntax. */
void gf_aws_client_classify(struct gf_retry_class *out, const struct gf_http_response *resp,
                            void *payload);

#endif
