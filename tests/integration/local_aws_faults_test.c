/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_faults_test.c: `gitfargate local-aws --faults ... --seed N` as a real process: a
 * client that retries what the retry classifier (aws/retry.h, aws/awserror.h) calls retryable
 * converges under throttling, 5xx and dropped connections; the stats endpoint counts each
 * fault; the same seed gives the same sequence of faults, another seed another one. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awserror.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define KEY    "AKIDLOCALTEST0000001"
#define SECRET "local/Secret+Key/0123456789abcdefghijkl"
#define ECS_T  "AmazonEC2ContainerServiceV20141113."
#define JSON11 "application/x-amz-json-1.1"
#define FORM   "application/x-www-form-urlencoded; charset=utf-8"

struct local {
    char *tmp;
    struct gf_test_child child;
    unsigned port;
    struct gf_http *http;
};

static void start(struct local *t, const char *faults, const char *seed)
{
    struct gf_buf line = GF_BUF_INIT;
    const char *argv[] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0",
                          "--region", "eu-west-1", "--credentials", KEY ":" SECRET,
                          "--no-topology", "--faults", faults, "--seed", seed, NULL};
    const char *mark;
    char *log;

    memset(t, 0, sizeof(*t));
    t->tmp = gf_test_tmpdir("local-aws-faults");
    log = gf_test_path(t->tmp, "local-aws.log");
    gf_cr_ok(gf_http_new(&t->http, NULL));
    cr_assert_eq(gf_test_spawn(&t->child, argv, NULL, log), 0);
    cr_assert_eq(gf_test_wait_log(&t->child, "local-aws: listening on http://127.0.0.1:", &line,
                                  10000),
                 0, "local-aws did not print its ready line");
    mark = strrchr(line.ptr, ':');
    t->port = (unsigned)strtoul(mark + 1, NULL, 10);
    gf_buf_release(&line);
    cr_assert_eq(gf_test_wait_log(&t->child, "local-aws: faults: throttle=", NULL, 5000), 0,
                 "the ready lines do not show the faults");
    free(log);
}

static void stop(struct local *t)
{
    gf_test_kill(&t->child);
    gf_http_free(t->http);
    gf_test_tmpdir_remove(t->tmp);
}

/* One attempt's outcome: a status (0: no response, the connection was dropped), the AWS code. */
struct attempt {
    int status;
    enum gf_http_fault fault;
    char code[128];
    bool retryable;
};

/* Sign and send one attempt (never retried by the transport). */
static void attempt(struct attempt *out, struct local *t, const char *scope, const char *ctype,
                    const char *target, const char *body)
{
    struct gf_sigv4_header h[3];
    struct gf_sigv4_creds creds = {GF_SLICE_LIT(KEY), GF_SLICE_LIT(SECRET), GF_SLICE_INIT};
    struct gf_sigv4_params p;
    struct gf_sigv4_signed sig;
    struct gf_http_request req;
    struct gf_http_response resp;
    struct gf_retry_class cls;
    char host[64], url[96];
    size_t n = 0, i;

    snprintf(host, sizeof(host), "127.0.0.1:%u", t->port);
    snprintf(url, sizeof(url), "http://%s/", host);
    h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("Content-Type"), gf_slice_from(ctype)};
    h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("Host"), gf_slice_from(host)};
    if (target)
        h[n++] = (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Target"), gf_slice_from(target)};
    memset(&p, 0, sizeof(p));
    p.creds = &creds;
    p.region = GF_SLICE_LIT("eu-west-1");
    p.service = gf_slice_from(scope);
    p.time_ms = gf_clock_wall_ms(gf_clock_system());
    gf_sigv4_signed_init(&sig);
    struct gf_sigv4_request sreq = {GF_SLICE_LIT("POST"), GF_SLICE_LIT("/"), GF_SLICE_INIT, h, n,
                                    gf_slice_from(body)};
    gf_cr_ok(gf_sigv4_sign(&sig, &sreq, &p));
    gf_cr_ok(gf_http_request_init(&req, "POST", url));
    for (i = 0; i < n; i++)
        if (!gf_slice_eq_str(h[i].name, "Host"))
            gf_http_headers_add(&req.headers, h[i].name.ptr, h[i].value.ptr);
    for (i = 0; i < sig.n_add; i++) {
        char *name = gf_slice_dup(sig.add[i].name), *value = gf_slice_dup(sig.add[i].value);

        gf_http_headers_add(&req.headers, name, value);
        gf_free(name);
        gf_free(value);
    }
    gf_buf_puts(&req.body, body);
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    (void)gf_http_send(&resp, t->http, &req); /* a dropped connection fails: resp.fault says */
    memset(out, 0, sizeof(*out));
    out->status = resp.status;
    out->fault = resp.fault;
    if (resp.fault == GF_HTTP_FAULT_NONE && resp.status >= 300) {
        struct gf_aws_error e;
        struct gf_aws_msg m = {resp.status, NULL, GF_SLICE_INIT, GF_SLICE_INIT, NULL, 0,
                               gf_buf_slice(&resp.body)};
        const struct gf_aws_service *svc = strcmp(scope, "ecs") == 0 ? &gf_aws_ecs : &gf_aws_sts;

        gf_aws_error_parse(&e, svc, &m);
        snprintf(out->code, sizeof(out->code), "%s", e.code);
        gf_retry_classify_code(&cls, resp.status, e.code);
        out->retryable = cls.kind != GF_RETRY_NO;
    } else {
        gf_retry_classify_default(&cls, &resp, NULL);
        out->retryable = resp.fault != GF_HTTP_FAULT_NONE && cls.kind != GF_RETRY_NO;
    }
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_sigv4_signed_release(&sig);
}

static json_t *stats(struct local *t)
{
    struct gf_http_request req;
    struct gf_http_response resp;
    char url[96];
    json_t *doc;

    snprintf(url, sizeof(url), "http://127.0.0.1:%u/_localaws/stats", t->port);
    gf_cr_ok(gf_http_request_init(&req, "GET", url));
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, t->http, &req));
    cr_assert_eq(resp.status, 200, "the stats endpoint is never faulted");
    doc = json_loadb(resp.body.ptr, resp.body.len, 0, NULL);
    cr_assert(doc, "%s", resp.body.ptr);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    return doc;
}

static json_int_t fault_count(const json_t *st, const char *kind)
{
    return json_integer_value(json_object_get(json_object_get(st, "faults"), kind));
}

/* ---- tests -------------------------------------------------------------------------------- */

Test(local_aws_faults, a_retrying_client_converges_and_stats_count_the_faults)
{
    struct local t;
    struct attempt a;
    unsigned seen[3] = {0, 0, 0}; /* throttle, error, reset */
    json_t *st;
    int call, tries, ok = 0;
    char body[64];

    start(&t, "throttle=0.2,error=0.15,reset=0.1", "7");
    for (call = 0; call < 40; call++) {
        snprintf(body, sizeof(body), "{\"clusterName\":\"c%d\"}", call);
        for (tries = 0; tries < 25; tries++) {
            attempt(&a, &t, "ecs", JSON11, ECS_T "CreateCluster", body);
            if (a.status == 200)
                break;
            cr_assert(a.retryable, "call %d: %d %s (fault %d) is not retryable", call, a.status,
                      a.code, (int)a.fault);
            if (a.fault != GF_HTTP_FAULT_NONE)
                seen[2]++;
            else if (strcmp(a.code, "ThrottlingException") == 0 && a.status == 400)
                seen[0]++;
            else if (strcmp(a.code, "InternalFailure") == 0 && a.status == 500)
                seen[1]++;
            else
                cr_assert_fail("unexpected answer %d %s", a.status, a.code);
        }
        ok += a.status == 200;
    }
    cr_expect_eq(ok, 40, "every call converged");
    cr_expect_gt(seen[0], 0);
    cr_expect_gt(seen[1], 0);
    st = stats(&t);
    cr_expect_eq(fault_count(st, "throttle"), seen[0], "%u throttled", seen[0]);
    cr_expect_eq(fault_count(st, "error"), seen[1], "%u errors", seen[1]);
    /* curl silently resends once when a reused connection dies before answering, so the client
     * may see fewer resets than the server made */
    cr_expect_gt(fault_count(st, "reset"), 0);
    cr_expect_geq(fault_count(st, "reset"), seen[2], "%u resets seen", seen[2]);
    json_decref(st);
    stop(&t);
}

Test(local_aws_faults, query_services_get_their_own_codes)
{
    struct local t;
    struct attempt a;
    bool throttled = false, unavailable = false;
    int i;

    start(&t, "throttle=0.5,error=0.5", "11");
    for (i = 0; i < 30 && !(throttled && unavailable); i++) {
        attempt(&a, &t, "sts", FORM, NULL, "Action=GetCallerIdentity&Version=2011-06-15");
        cr_assert_neq(a.status, 200, "every request is faulted");
        throttled |= a.status == 400 && strcmp(a.code, "Throttling") == 0;
        unavailable |= a.status == 503 && strcmp(a.code, "ServiceUnavailable") == 0;
        cr_expect(a.retryable, "%d %s", a.status, a.code);
    }
    cr_expect(throttled && unavailable);
    stop(&t);
}

/* The outcome sequence of `n` single attempts under a seed: 'o' ok, 't', 'e', 'r'. */
static void sequence(char *out, size_t n, const char *seed)
{
    struct local t;
    struct attempt a;
    size_t i;

    start(&t, "throttle=0.2,error=0.2,reset=0.2,latency=1ms", seed);
    for (i = 0; i < n; i++) {
        attempt(&a, &t, "ecs", JSON11, ECS_T "ListClusters", "{}");
        out[i] = a.status == 200 ? 'o' : a.fault != GF_HTTP_FAULT_NONE ? 'r'
                                      : a.status == 400              ? 't'
                                                                     : 'e';
    }
    out[n] = '\0';
    stop(&t);
}

Test(local_aws_faults, the_same_seed_gives_the_same_faults)
{
    char a[41], b[41], c[41];

    sequence(a, 40, "42");
    sequence(b, 40, "42");
    sequence(c, 40, "43");
    cr_expect_str_eq(a, b, "seed 42 twice: %s vs %s", a, b);
    cr_expect_str_neq(a, c, "seeds 42 and 43: %s vs %s", a, c);
    cr_expect(strchr(a, 'o') && strchr(a, 't') && strchr(a, 'e') && strchr(a, 'r'), "%s", a);
}

Test(local_aws_faults, protocol_errors_and_stats_are_never_faulted)
{
    struct local t;
    struct attempt a;
    json_t *st;
    int i;

    start(&t, "throttle=1", "1");
    for (i = 0; i < 5; i++) {
        attempt(&a, &t, "ecs", JSON11, ECS_T "NoSuchOperation", "{}");
        cr_expect_eq(a.status, 400);
        cr_expect_str_eq(a.code, "UnknownOperationException");
    }
    attempt(&a, &t, "ecs", JSON11, ECS_T "ListClusters", "{}");
    cr_expect_str_eq(a.code, "ThrottlingException");
    st = stats(&t);
    cr_expect_eq(fault_count(st, "throttle"), 1);
    cr_expect_eq(json_integer_value(json_object_get(st, "rejected")), 5);
    json_decref(st);
    stop(&t);
}

Test(local_aws_faults, bad_fault_specs_are_usage_errors)
{
    static const struct {
        const char *spec, *message;
    } s_cases[] = {
        {"throttle=1.5", "bad --faults item 'throttle=1.5': a probability is a number"},
        {"slow=1", "bad --faults item 'slow=1': the faults are throttle, error, reset and latency"},
        {"latency=fast", "bad --faults item 'latency=fast': latency is a duration"},
        {"throttle=0.7,error=0.7", "add up to more than 1"},
        {"throttle", "expected NAME=VALUE"},
    };
    struct gf_test_run run;
    size_t i;

    for (i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        const char *argv[] = {gf_test_binary(), "local-aws", "--faults", s_cases[i].spec, NULL};

        cr_assert_eq(gf_test_run(&run, argv, NULL, NULL, NULL, 10), 0);
        cr_expect_eq(run.status, 64, "%s: status %d", s_cases[i].spec, run.status);
        cr_expect(strstr(run.err.ptr, s_cases[i].message), "%s: %s", s_cases[i].spec,
                  run.err.ptr);
        cr_expect(strstr(run.err.ptr, "use --faults throttle=") ||
                      strstr(run.err.ptr, "more than 1"),
                  "%s", run.err.ptr);
        gf_test_run_release(&run);
    }
}
