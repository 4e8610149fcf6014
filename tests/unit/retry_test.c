/* SPDX-License-Identifier: Apache-2.0 */
/* retry_test.c: the standard retry mode (aws/retry.h, reference/aws-protocols.md §4): which
 * codes and statuses retry, backoff bounds with a fixed RNG, the retry quota's costs and
 * refunds, AWS_MAX_ATTEMPTS, and the token-bucket rate limiter on a fixed clock. */
#include <criterion/criterion.h>
#include <string.h>

#include "aws/http.h"
#include "aws/retry.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

static double fixed_rng(void *payload)
{
    return *(double *)payload;
}

static const char *fake_getenv(const char *name, void *payload)
{
    return strcmp(name, "AWS_MAX_ATTEMPTS") == 0 ? payload : NULL;
}

Test(retry, throttling_codes)
{
    static const char *const codes[] = {"Throttling",
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
                                        NULL};
    struct gf_retry_class cls;
    size_t i;

    for (i = 0; codes[i]; i++) {
        gf_retry_classify_code(&cls, 400, codes[i]);
        cr_assert_eq(cls.kind, GF_RETRY_THROTTLING, "%s", codes[i]);
        cr_assert_str_eq(cls.aws_code, codes[i]);
        cr_assert(gf_retry_code_is_throttling(codes[i]));
    }
}

Test(retry, transient_codes_and_statuses)
{
    static const char *const codes[] = {"RequestTimeout", "RequestTimeoutException",
                                        "IDPCommunicationError", NULL};
    static const int statuses[] = {500, 502, 503, 504};
    struct gf_retry_class cls;
    size_t i;

    for (i = 0; codes[i]; i++) {
        gf_retry_classify_code(&cls, 400, codes[i]);
        cr_assert_eq(cls.kind, GF_RETRY_TRANSIENT, "%s", codes[i]);
    }
    for (i = 0; i < 4; i++) {
        gf_retry_classify_code(&cls, statuses[i], "InternalFailure");
        cr_assert_eq(cls.kind, GF_RETRY_TRANSIENT, "%d", statuses[i]);
    }
}

Test(retry, not_retried)
{
    static const int statuses[] = {200, 400, 403, 404, 409, 429, 501};
    struct gf_retry_class cls;
    size_t i;

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        gf_retry_classify_code(&cls, statuses[i], NULL);
        cr_assert_eq(cls.kind, GF_RETRY_NO, "%d", statuses[i]);
        cr_assert_str_eq(cls.aws_code, "");
    }
    gf_retry_classify_code(&cls, 400, "ValidationException");
    cr_assert_eq(cls.kind, GF_RETRY_NO);
    gf_retry_classify_code(&cls, 400, "AccessDeniedException");
    cr_assert_eq(cls.kind, GF_RETRY_NO);
}

Test(retry, default_classifier_uses_status_and_faults)
{
    struct gf_http_response resp;
    struct gf_retry_class cls;

    gf_http_response_init(&resp);
    resp.status = 503;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_TRANSIENT);
    cr_assert_str_eq(cls.aws_code, "503");
    resp.status = 400;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_NO);
    cr_assert_str_eq(cls.aws_code, "");
    resp.status = 0;
    resp.fault = GF_HTTP_FAULT_DROPPED;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_TRANSIENT);
    resp.fault = GF_HTTP_FAULT_CONNECT;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_TRANSIENT);
    resp.fault = GF_HTTP_FAULT_TIMEOUT;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_TIMEOUT);
    resp.fault = GF_HTTP_FAULT_TLS;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_NO);
    resp.fault = GF_HTTP_FAULT_TOO_LARGE;
    gf_retry_classify_default(&cls, &resp, NULL);
    cr_assert_eq(cls.kind, GF_RETRY_NO);
}

Test(retry, backoff_bounds)
{
    struct gf_retry_opts opts = GF_RETRY_OPTS_INIT;
    double r = 1.0;

    opts.rng = fixed_rng;
    opts.rng_payload = &r;
    /* min(2^(attempt-1), 20) seconds at rand = 1 */
    cr_assert_eq(gf_retry_backoff_ms(&opts, 1), 1000);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 2), 2000);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 3), 4000);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 5), 16000);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 6), 20000);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 40), 20000);
    r = 0.5;
    cr_assert_eq(gf_retry_backoff_ms(&opts, 1), 500);
    cr_assert_eq(gf_retry_backoff_ms(&opts, 3), 2000);
    r = 0.0;
    cr_assert_eq(gf_retry_backoff_ms(&opts, 4), 0);
}

Test(retry, default_rng_stays_in_bounds)
{
    struct gf_retry_opts opts = GF_RETRY_OPTS_INIT;
    int i;

    for (i = 0; i < 1000; i++) {
        int64_t d = gf_retry_backoff_ms(&opts, 2);

        cr_assert(d >= 0 && d <= 2000, "%lld", (long long)d);
    }
}

Test(retry, quota_costs_and_refunds)
{
    struct gf_retry_quota q;

    gf_retry_quota_init(&q);
    cr_assert_eq(q.tokens, 500);
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_TRANSIENT), 5);
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_THROTTLING), 5);
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_TIMEOUT), 10);
    cr_assert_eq(q.tokens, 480);
    gf_retry_quota_release(&q, 10); /* success after a retry: the last amount taken */
    cr_assert_eq(q.tokens, 490);
    gf_retry_quota_release(&q, 0); /* success, not retried: 1 */
    cr_assert_eq(q.tokens, 491);
    q.tokens = 500;
    gf_retry_quota_release(&q, 5);
    cr_assert_eq(q.tokens, 500, "never above the maximum");
    q.tokens = 7;
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_TIMEOUT), 0);
    cr_assert_eq(q.tokens, 7);
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_TRANSIENT), 5);
    cr_assert_eq(gf_retry_quota_acquire(&q, GF_RETRY_TRANSIENT), 0);
    cr_assert_eq(q.tokens, 2);
}

Test(retry, decide)
{
    struct gf_retry_opts opts = GF_RETRY_OPTS_INIT;
    struct gf_retry_quota q;
    struct gf_retry_class cls;
    double r = 0.25;
    int64_t delay;
    int taken;

    opts.rng = fixed_rng;
    opts.rng_payload = &r;
    gf_retry_quota_init(&q);
    gf_retry_classify_code(&cls, 400, "ThrottlingException");
    cr_assert(gf_retry_decide(&taken, &delay, &opts, &q, &cls, 1));
    cr_assert_eq(taken, 5);
    cr_assert_eq(delay, 250);
    cr_assert(gf_retry_decide(&taken, &delay, &opts, &q, &cls, 2));
    cr_assert_eq(delay, 500);
    cr_assert_not(gf_retry_decide(&taken, &delay, &opts, &q, &cls, 3), "3 attempts in all");
    cr_assert_eq(taken, 0);
    cr_assert_eq(q.tokens, 490);
    gf_retry_classify_code(&cls, 400, "ValidationException");
    cr_assert_not(gf_retry_decide(&taken, &delay, &opts, &q, &cls, 1));
    cr_assert_eq(q.tokens, 490, "a non-retryable error takes nothing");
    gf_retry_classify_code(&cls, 503, NULL);
    q.tokens = 4;
    cr_assert_not(gf_retry_decide(&taken, &delay, &opts, &q, &cls, 1), "quota exhausted");
}

Test(retry, max_attempts_from_env)
{
    struct gf_retry_opts opts = GF_RETRY_OPTS_INIT;

    gf_cr_ok(gf_retry_opts_from_env(&opts, &(struct gf_env){fake_getenv, NULL}));
    cr_assert_eq(opts.max_attempts, 3);
    gf_cr_ok(gf_retry_opts_from_env(&opts, &(struct gf_env){fake_getenv, (void *)"7"}));
    cr_assert_eq(opts.max_attempts, 7);
    gf_cr_fails(GF_EINVALID, gf_retry_opts_from_env(&opts, &(struct gf_env){fake_getenv, (void *)"lots"}));
    cr_assert_str_eq(gf_error_last()->msg,
                     "AWS_MAX_ATTEMPTS is 'lots', not a number from 1 to 100");
    cr_assert_str_eq(gf_error_last()->key, "AWS_MAX_ATTEMPTS");
    gf_cr_fails(GF_EINVALID, gf_retry_opts_from_env(&opts, &(struct gf_env){fake_getenv, (void *)"0"}));
    cr_assert_eq(opts.max_attempts, 7);
}

Test(retry, rate_limiter_delays_past_the_burst)
{
    struct gf_ratelimit rl;
    int64_t t = 1000;
    int i;

    gf_ratelimit_init(&rl, 10.0, 3.0); /* 3 at once, then one per 100 ms */
    for (i = 0; i < 3; i++)
        cr_assert_eq(gf_ratelimit_reserve(&rl, t), 0);
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 100);
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 200);
    /* 500 ms later the bucket has refilled what it lent, and 3 more: capped at the burst. */
    t += 500;
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 0);
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 0);
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 0);
    cr_assert_eq(gf_ratelimit_reserve(&rl, t), 100);
    gf_ratelimit_init(&rl, 0, 0);
    for (i = 0; i < 100; i++)
        cr_assert_eq(gf_ratelimit_reserve(&rl, t), 0, "rate 0: no limit");
}
