/* SPDX-License-Identifier: Apache-2.0 */
/* retry.h: AWS "standard" retry mode (reference/aws-protocols.md §4) and a client-side
 * token-bucket rate limiter. Pure policy: no I/O. aws/http.c asks it, after every attempt,
 * whether to try again and after how long; the decision needs the AWS error code, which lives in
 * the body the transport never parses, so it comes from an injected classifier.
 *
 * Ownership, once for the whole API: every struct here is caller storage holding no heap
 * memory (nothing to release); strings passed in are borrowed for the duration of the call. */
#ifndef GF_AWS_RETRY_H
#define GF_AWS_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/env.h"

struct gf_http_response;

/* What an attempt's outcome means for retrying. */
enum gf_retry_kind {
    GF_RETRY_NO = 0,     /* success, or an error retrying cannot fix */
    GF_RETRY_TRANSIENT,  /* 500/502/503/504, RequestTimeout, a dropped connection */
    GF_RETRY_TIMEOUT,    /* a connect or read timeout: transient, costs more quota */
    GF_RETRY_THROTTLING, /* Throttling, SlowDown, LimitExceededException... */
};

/* A classifier's verdict on one attempt. */
struct gf_retry_class {
    char aws_code[128]; /* "ThrottlingException"; "" when unknown (e.g. a 2xx) */
    enum gf_retry_kind kind;
};

/* Classify one attempt's HTTP response (status, headers, body). Must fill `out` completely;
 * cannot fail. aws/http.c calls the request's classifier (gf_http_request.classify, with its
 * payload) or else the engine's, and only when a response arrived (resp->fault is
 * GF_HTTP_FAULT_NONE); transport faults it classifies itself with gf_retry_classify_default.
 * The call layer provides gf_aws_client_classify, which reads the AWS error code the way the
 * request's service (its payload) writes it and calls gf_retry_classify_code. */
typedef void gf_retry_classify_fn(struct gf_retry_class *out, const struct gf_http_response *resp,
                                  void *payload);

/* The default classifier: HTTP status and transport faults only. Connect errors and dropped
 * connections are transient, timeouts GF_RETRY_TIMEOUT, other faults not retryable; aws_code
 * stays "" unless the status is >= 500, where it is the status as text (reference §2.1
 * "Generic errors"). */
void gf_retry_classify_default(struct gf_retry_class *out, const struct gf_http_response *resp,
                               void *payload);

/* Fill `out` from an HTTP status (0 if none) and an AWS error code (NULL or "" if none), per the
 * standard mode's lists: transient codes/statuses, throttling codes, STS IDPCommunicationError. */
void gf_retry_classify_code(struct gf_retry_class *out, int http_status, const char *aws_code);

bool gf_retry_code_is_throttling(const char *aws_code);
bool gf_retry_code_is_transient(const char *aws_code);

/* Policy: how many attempts, and where randomness comes from. */
struct gf_retry_opts {
    int max_attempts;                 /* all attempts, first included; default 3 */
    double (*rng)(void *rng_payload); /* uniform in [0, 1); NULL: drand48-like default */
    void *rng_payload;
};

#define GF_RETRY_MAX_ATTEMPTS_DEFAULT 3
#define GF_RETRY_OPTS_INIT                                                                         \
    {                                                                                              \
        GF_RETRY_MAX_ATTEMPTS_DEFAULT, NULL, NULL                                                  \
    }


/* Read AWS_MAX_ATTEMPTS through `env` (NULL: the process environment) into opts.
 * Returns 0, or GF_EINVALID when it is set to something other than an integer in [1, 100]. */
int gf_retry_opts_from_env(struct gf_retry_opts *opts, const struct gf_env *env);

/* Backoff before the retry that follows attempt `attempt` (counted from 1):
 * rand(0,1) x min(2^(attempt-1), 20) seconds, in milliseconds. */
int64_t gf_retry_backoff_ms(const struct gf_retry_opts *opts, int attempt);

/* The retry quota, one per client (engine): 500 tokens, a retry costs 5 (10 after a timeout);
 * a success refunds 1 when it was not retried, else the amount the last retry took. */
struct gf_retry_quota {
    int tokens;
    int max_tokens;
};

#define GF_RETRY_QUOTA_MAX          500
#define GF_RETRY_COST               5
#define GF_RETRY_TIMEOUT_COST       10
#define GF_RETRY_NO_RETRY_INCREMENT 1

void gf_retry_quota_init(struct gf_retry_quota *quota);
/* Take the cost of retrying after an attempt of `kind`. Returns the tokens taken (> 0), or 0
 * when the quota cannot pay (no retry). */
int gf_retry_quota_acquire(struct gf_retry_quota *quota, enum gf_retry_kind kind);
/* After a successful (2xx) call: `last_taken` is what the last retry acquired, 0 if none. */
void gf_retry_quota_release(struct gf_retry_quota *quota, int last_taken);

/* The decision after attempt `attempt` (from 1) classified as `cls`. Retry when attempts remain,
 * the kind is retryable and the quota pays; *taken_out gets the tokens taken and *delay_ms_out the
 * backoff. Returns true to retry. */
bool gf_retry_decide(int *taken_out, int64_t *delay_ms_out, const struct gf_retry_opts *opts,
                     struct gf_retry_quota *quota, const struct gf_retry_class *cls, int attempt);

/* A token bucket: `rate_per_s` tokens a second, at most `burst` banked. Taking never fails: it
 * reserves a token and says how long to wait before using it, so callers delay rather than
 * fail. rate_per_s <= 0 disables the limiter (no wait). */
struct gf_ratelimit {
    double rate_per_s;
    double burst;
    double tokens;
    int64_t last_ms;
    bool started;
};

/* Generous defaults: below AWS's published per-API rates for the services we call. */
#define GF_RATELIMIT_RATE_DEFAULT  50.0
#define GF_RATELIMIT_BURST_DEFAULT 100.0

void gf_ratelimit_init(struct gf_ratelimit *rl, double rate_per_s, double burst);
/* Reserve one token at monotonic time now_ms; returns the wait in ms (0: go now). */
int64_t gf_ratelimit_reserve(struct gf_ratelimit *rl, int64_t now_ms);

#endif
