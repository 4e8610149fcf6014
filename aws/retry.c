/* SPDX-License-Identifier: Apache-2.0 */
/* retry.c: AWS "standard" retry mode (reference/aws-protocols.md §4, botocore retries/standard.py
 * and quota.py) and a token-bucket rate limiter. Pure policy for aws/http.c: no I/O, the
 * randomness and the environment are injected. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/retry.h"
#include "common/error.h"
#include "common/banned.h"

#define BACKOFF_MAX_S 20

/* Standard mode, reference §4: codes that mean "throttled". */
static const char *const s_throttling[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    NULL,
};

/* Transient codes, plus STS's IDPCommunicationError (a special case in standard.py). */
static const char *const s_transient[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "IDPCommunicationError",
    NULL,
};

static bool in_list(const char *const *list, const char *code)
{
    size_t i;

    if (!code || !code[0])
        return false;
    for (i = 0; list[i]; i++) {
        if (strcmp(list[i], code) == 0)
            return true;
    }
    return false;
}

bool gf_retry_code_is_throttling(const char *aws_code)
{
    return in_list(s_throttling, aws_code);
}

bool gf_retry_code_is_transient(const char *aws_code)
{
    return in_list(s_transient, aws_code);
}

static void set_code(struct gf_retry_class *out, const char *aws_code)
{
    size_t n = aws_code ? strlen(aws_code) : 0;

    if (n >= sizeof(out->aws_code))
        n = sizeof(out->aws_code) - 1;
    if (n)
        memcpy(out->aws_code, aws_code, n);
    out->aws_code[n] = '\0';
}

void gf_retry_classify_code(struct gf_retry_class *out, int http_status, const char *aws_code)
{
    set_code(out, aws_code);
    if (gf_retry_code_is_throttling(aws_code))
        out->kind = GF_RETRY_THROTTLING;
    else if (gf_retry_code_is_transient(aws_code) || http_status == 500 || http_status == 502 ||
             http_status == 503 || http_status == 504)
        out->kind = GF_RETRY_TRANSIENT;
    else
        out->kind = GF_RETRY_NO;
}

void gf_retry_classify_default(struct gf_retry_class *out, const struct gf_http_response *resp,
                               void *payload)
{
    char code[16];

    (void)payload;
    switch (resp->fault) {
    case GF_HTTP_FAULT_NONE:
        break;
    case GF_HTTP_FAULT_CONNECT:
    case GF_HTTP_FAULT_DROPPED:
        set_code(out, "");
        out->kind = GF_RETRY_TRANSIENT;
        return;
    case GF_HTTP_FAULT_TIMEOUT:
        set_code(out, "");
        out->kind = GF_RETRY_TIMEOUT;
        return;
    default:
        set_code(out, "");
        out->kind = GF_RETRY_NO;
        return;
    }
    code[0] = '\0';
    /* Reference §2.1 "Generic errors": a 5xx without a parsable body has the status as code. */
    if (resp->status >= 500)
        snprintf(code, sizeof(code), "%d", resp->status);
    gf_retry_classify_code(out, resp->status, code);
}

int gf_retry_opts_from_env(struct gf_retry_opts *opts, const struct gf_env *env)
{
    const char *v = gf_env_get(env, "AWS_MAX_ATTEMPTS");
    int64_t n;

    if (!v || !v[0])
        return 0;
    if (gf_slice_to_i64(&n, gf_slice_from(v), 1, 100) < 0) {
        gf_error_set(GF_EINVALID, "AWS_MAX_ATTEMPTS is '%s', not a number from 1 to 100", v);
        gf_error_key("AWS_MAX_ATTEMPTS");
        return GF_EINVALID;
    }
    opts->max_attempts = (int)n;
    return 0;
}

static double default_rng(void *payload)
{
    (void)payload;
    return (double)arc4random() / 4294967296.0;
}

int64_t gf_retry_backoff_ms(const struct gf_retry_opts *opts, int attempt)
{
    double r = opts->rng ? opts->rng(opts->rng_payload) : default_rng(NULL);
    double cap = BACKOFF_MAX_S;

    if (attempt >= 1 && attempt <= 5)
        cap = (double)(1 << (attempt - 1));
    if (cap > BACKOFF_MAX_S)
        cap = BACKOFF_MAX_S;
    if (r < 0)
        r = 0;
    if (r > 1)
        r = 1;
    return (int64_t)(r * cap * 1000.0);
}

void gf_retry_quota_init(struct gf_retry_quota *quota)
{
    quota->tokens = GF_RETRY_QUOTA_MAX;
    quota->max_tokens = GF_RETRY_QUOTA_MAX;
}

int gf_retry_quota_acquire(struct gf_retry_quota *quota, enum gf_retry_kind kind)
{
    int cost = kind == GF_RETRY_TIMEOUT ? GF_RETRY_TIMEOUT_COST : GF_RETRY_COST;

    if (cost > quota->tokens)
        return 0;
    quota->tokens -= cost;
    return cost;
}

void gf_retry_quota_release(struct gf_retry_quota *quota, int last_taken)
{
    int amount = last_taken > 0 ? last_taken : GF_RETRY_NO_RETRY_INCREMENT;

    quota->tokens += amount;
    if (quota->tokens > quota->max_tokens)
        quota->tokens = quota->max_tokens;
}

bool gf_retry_decide(int *taken_out, int64_t *delay_ms_out, const struct gf_retry_opts *opts,
                     struct gf_retry_quota *quota, const struct gf_retry_class *cls, int attempt)
{
    int taken;

    *taken_out = 0;
    *delay_ms_out = 0;
    if (cls->kind == GF_RETRY_NO || attempt >= opts->max_attempts)
        return false;
    taken = gf_retry_quota_acquire(quota, cls->kind);
    if (taken == 0)
        return false;
    *taken_out = taken;
    *delay_ms_out = gf_retry_backoff_ms(opts, attempt);
    return true;
}

void gf_ratelimit_init(struct gf_ratelimit *rl, double rate_per_s, double burst)
{
    rl->rate_per_s = rate_per_s;
    rl->burst = burst < 1 ? 1 : burst;
    rl->tokens = rl->burst;
    rl->last_ms = 0;
    rl->started = false;
}

int64_t gf_ratelimit_reserve(struct gf_ratelimit *rl, int64_t now_ms)
{
    double wait;

    if (rl->rate_per_s <= 0)
        return 0;
    if (!rl->started) {
        rl->started = true;
        rl->last_ms = now_ms;
    } else if (now_ms > rl->last_ms) {
        rl->tokens += (double)(now_ms - rl->last_ms) * rl->rate_per_s / 1000.0;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
        rl->last_ms = now_ms;
    }
    rl->tokens -= 1.0;
    if (rl->tokens >= 0)
        return 0;
    wait = -rl->tokens * 1000.0 / rl->rate_per_s;
    return (int64_t)wait + ((double)(int64_t)wait < wait ? 1 : 0);
}
