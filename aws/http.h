/* SPDX-License-Identifier: Apache-2.0 */
/* http.h: the one HTTP engine of the AWS client (STYLE.md §1): many requests on one curl multi
 * handle, connection reuse, timeouts, retries (aws/retry.h), a per-service rate limiter,
 * observability and redacted trace logs. The blocking gf_http_send is a thin wrapper over the
 * same engine (as curl's easy interface runs through multi). Transport never parses bodies.
 *
 * Ownership, once for the whole API: a request or response struct owns every field that is not
 * `const` (release with gf_http_request_release / gf_http_response_release); `const char *`
 * fields borrow (labels are string literals). gf_http_submit takes the request over (moves it).
 *
 * Threads: one engine belongs to one thread at a time; completion callbacks run on the thread
 * that drives it (gf_http_run_once / gf_http_run_all / gf_http_send), never inside submit.
 *
 *     struct gf_http *http = NULL;
 *     struct gf_http_request req;
 *     struct gf_http_response resp;
 *     gf_http_new(&http, NULL);
 *     gf_http_request_init(&req, "GET", "http://169.254.170.2/v2/credentials/abc");
 *     gf_http_headers_add(&req.headers, "Authorization", token);   (redacted in traces)
 *     gf_http_response_init(&resp);
 *     rc = gf_http_send(&resp, http, &req);  (rc 0: resp.status is the HTTP status, any value)
 *     ... resp.body.ptr ...
 *     gf_http_response_release(&resp); gf_http_request_release(&req); gf_http_free(http); */
#ifndef GF_AWS_HTTP_H
#define GF_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/retry.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"

/* ---- headers --------------------------------------------------------------------------- */

struct gf_http_header {
    char *name;  /* owned */
    char *value; /* owned */
};

struct gf_http_headers {
    struct gf_http_header *items; /* owned array */
    size_t count, cap;
};

#define GF_HTTP_HEADERS_INIT                                                                       \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Append a header (copies name and value). 0 or GF_ENOMEM. */
int gf_http_headers_add(struct gf_http_headers *h, const char *name, const char *value);
/* Replace every header called `name` (case-insensitive) by one with `value`, or add it. For
 * re-signing before each attempt. 0 or GF_ENOMEM. */
int gf_http_headers_set(struct gf_http_headers *h, const char *name, const char *value);
/* Remove every header called `name` (case-insensitive). */
void gf_http_headers_remove(struct gf_http_headers *h, const char *name);
/* The first header called `name` (case-insensitive), borrowed from h; NULL if absent. */
const char *gf_http_headers_get(const struct gf_http_headers *h, const char *name);
void gf_http_headers_clear(struct gf_http_headers *h);
void gf_http_headers_release(struct gf_http_headers *h);

/* ---- request and response -------------------------------------------------------------- */

struct gf_http_request;

/* Called before every attempt, first included, with `attempt` counted from 1: the place to
 * (re)sign the request, since a signature includes the date. May change url, headers and body.
 * Return 0, or a negative GF_E* (with the gf_error set) to end the call with that error. */
typedef int gf_http_before_attempt_fn(struct gf_http_request *req, int attempt, void *payload);

struct gf_http_request {
    const char *method; /* "GET", "POST", "PUT", "DELETE", "HEAD"; borrowed (a literal) */
    struct gf_buf url;  /* absolute http(s) URL */
    struct gf_http_headers headers;
    struct gf_buf body;         /* sent as is; empty: no body */
    const char *service;        /* label for logs and the observer ("ecs"); borrowed; NULL: "" */
    const char *operation;      /* label ("UpdateService"); borrowed; NULL: "" */
    int64_t timeout_ms;         /* whole attempt; 0: the engine's */
    int64_t connect_timeout_ms; /* 0: the engine's */
    size_t max_response_bytes;  /* body bound; 0: the engine's */
    int max_attempts;           /* 0: the engine's retry policy; 1: never retry */
    bool no_proxy;              /* bypass any proxy (IMDS, the ECS credentials endpoint) */
    gf_http_before_attempt_fn *before_attempt; /* NULL: none */
    void *before_attempt_payload;
    /* The classifier for this request's replies, with its payload; NULL: the engine's. The AWS
     * call layer sets gf_aws_client_classify with the request's service (aws/client.h), so the
     * error code is read the way that service's protocol writes it. */
    gf_retry_classify_fn *classify;
    void *classify_payload;
    /* The request or its reply carries credentials, tokens or secret values (STS AssumeRole,
     * container/IMDS credentials, Secrets Manager, SSM SecureString). The engine then wipes
     * (explicit_bzero) the request body, header values, the reply body and reply headers before
     * freeing them, grows the reply body without leaving copies in freed memory, and marks the
     * response `secret` so gf_http_response_release wipes it wherever it was moved. */
    bool secret;
};

/* Initialise caller storage: method (a literal) and a copy of url (may be NULL: fill req->url).
 * Returns 0 or GF_ENOMEM. The request must be released even on failure. */
int gf_http_request_init(struct gf_http_request *req, const char *method, const char *url);
/* Free what req holds, wiping the body and header values first when req->secret. */
void gf_http_request_release(struct gf_http_request *req);

/* Why an attempt produced no HTTP response. */
enum gf_http_fault {
    GF_HTTP_FAULT_NONE = 0,  /* an HTTP response arrived (any status) */
    GF_HTTP_FAULT_CONNECT,   /* could not resolve or connect */
    GF_HTTP_FAULT_TIMEOUT,   /* connect or total timeout */
    GF_HTTP_FAULT_DROPPED,   /* the connection broke mid-request or mid-response */
    GF_HTTP_FAULT_TOO_LARGE, /* the body passed max_response_bytes */
    GF_HTTP_FAULT_TLS,       /* certificate or handshake failure */
    GF_HTTP_FAULT_OTHER,     /* a bad URL, out of memory, anything else */
};

struct gf_http_response {
    int status; /* HTTP status; 0 when no response arrived */
    enum gf_http_fault fault;
    struct gf_http_headers headers; /* of the final response */
    struct gf_buf body;
    int attempts;                  /* attempts made, first included */
    int64_t latency_ms;            /* from the first attempt's start to completion */
    char aws_code[128];            /* the classifier's code for the last attempt ("" if none) */
    enum gf_retry_kind retry_kind; /* the classifier's kind for the last attempt */
    bool secret; /* from the request: body and headers are wiped before they are freed */
};

void gf_http_response_init(struct gf_http_response *resp);
/* Free what resp holds (wiping it first when resp->secret) and initialise it again. */
void gf_http_response_release(struct gf_http_response *resp);
/* The request id (x-amzn-RequestId, else x-amz-request-id) borrowed from resp; NULL if none. */
const char *gf_http_response_request_id(const struct gf_http_response *resp);
/* Move src into dst (dst is released first); src is left initialised and empty. */
void gf_http_response_move(struct gf_http_response *dst, struct gf_http_response *src);

/* ---- the engine ------------------------------------------------------------------------- */

/* What the observer is told about every completed call (after retries). All borrowed for the
 * duration of the callback. */
struct gf_http_call_info {
    const char *service; /* "" if unlabelled */
    const char *operation;
    const char *method;
    int http_status;        /* 0 if no response */
    const char *aws_code;   /* "" if none */
    const char *request_id; /* "" if none */
    int64_t latency_ms;
    int attempts;
    int rc; /* 0, or the GF_E* the call completed with */
};

typedef void gf_http_observe_fn(const struct gf_http_call_info *info, void *payload);

struct gf_http_opts {
    int64_t connect_timeout_ms;     /* default 5000 */
    int64_t timeout_ms;             /* per attempt, default 60000 */
    size_t max_response_bytes;      /* default 64 MiB */
    long max_connections;           /* open connections at most (curl's cache too); default 64 */
    const struct gf_clock *clock;   /* NULL: the system clock; used for backoff and rate limits */
    struct gf_retry_opts retry;     /* attempts and RNG */
    gf_retry_classify_fn *classify; /* NULL: gf_retry_classify_default */
    void *classify_payload;
    gf_http_observe_fn *observer; /* NULL: none */
    void *observer_payload;
    double rate_per_s;      /* per-service token bucket; default GF_RATELIMIT_RATE_DEFAULT */
    double burst;           /* default GF_RATELIMIT_BURST_DEFAULT; rate <= 0: no limiter */
    const char *user_agent; /* NULL: "gitfargate" */
};

#define GF_HTTP_OPTS_INIT                                                                          \
    {                                                                                              \
        5000, 60000, 64u << 20, 64, NULL, GF_RETRY_OPTS_INIT, NULL, NULL, NULL, NULL,              \
            GF_RATELIMIT_RATE_DEFAULT, GF_RATELIMIT_BURST_DEFAULT, NULL                            \
    }

struct gf_http;

/* Create an engine (opts NULL: defaults; copied, pointers in it borrowed for the engine's life).
 * Initialises libcurl once per process. Returns 0, GF_ENOMEM, or GF_ERROR if curl fails. */
int gf_http_new(struct gf_http **out, const struct gf_http_opts *opts);
/* Free the engine. Calls still in flight are abandoned: their callbacks are not called. */
void gf_http_free(struct gf_http *http);

/* Set one service's rate limit (service label as in requests); rate <= 0 disables it. */
int gf_http_set_rate(struct gf_http *http, const char *service, double rate_per_s, double burst);

/* Completion of a submitted call: rc 0 when an HTTP response arrived (any status: the caller
 * reads the error body), else the GF_E* with `err` describing it (GF_ERETRY for connection
 * errors and timeouts, GF_ENOMEM when the body passed its bound, GF_ERROR otherwise, or what
 * before_attempt returned). `resp` belongs to the engine and lives until the callback returns:
 * gf_http_response_move it out to keep it. Always called from a run function, never inside
 * gf_http_submit. */
typedef void gf_http_done_fn(int rc, struct gf_http_response *resp, const struct gf_error *err,
                             void *payload);

/* Queue a call. Takes `req` over (it is left initialised and empty). Never blocks and never
 * calls `done` itself. Returns 0, or GF_ENOMEM / GF_EINVALID (no URL, no method) without
 * queuing, in which case req is left untouched. */
int gf_http_submit(struct gf_http *http, struct gf_http_request *req, gf_http_done_fn *done,
                   void *payload);

/* Drive the engine once: start due attempts, move data, deliver completions; waits up to
 * max_wait_ms (0: do not wait) when nothing is ready. Returns the number of calls still pending
 * (>= 0), or a negative GF_E* when curl's multi interface fails. Blocks up to max_wait_ms. */
int gf_http_run_once(struct gf_http *http, int64_t max_wait_ms);
/* Drive the engine until no call is pending. Blocks. Returns 0 or a negative GF_E*. */
int gf_http_run_all(struct gf_http *http);
/* Calls submitted and not yet completed. */
size_t gf_http_pending(const struct gf_http *http);

/* Blocking single call: submit `req` (copied; the caller keeps and releases it), drive the engine
 * until it completes, fill `out` (initialised by the caller, released first). Other calls on
 * the engine progress meanwhile and their callbacks may run. Returns as gf_http_done_fn's rc,
 * with the gf_error set on failure. Blocks for up to the request's timeouts x attempts. */
int gf_http_send(struct gf_http_response *out, struct gf_http *http,
                 const struct gf_http_request *req);

/* The engine's retry quota (borrowed; lives as long as the engine): for metrics and tests. */
struct gf_retry_quota *gf_http_retry_quota(struct gf_http *http);

/* Curl counters for tests and benchmarks: TCP connections opened by this engine so far. */
long gf_http_connections_opened(const struct gf_http *http);

/* Redact secrets from a URL for logs: the values of X-Amz-Signature, X-Amz-Credential and
 * X-Amz-Security-Token query parameters become "REDACTED". Appends to out; 0 or GF_ENOMEM. */
int gf_http_redact_url(struct gf_buf *out, const char *url);
/* Whether a header's value must never be logged (Authorization, X-Amz-Security-Token,
 * X-aws-ec2-metadata-token...). */
bool gf_http_header_is_secret(const char *name);

#endif
