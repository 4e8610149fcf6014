/* SPDX-License-Identifier: Apache-2.0 */
/* http_test.c: the AWS client's HTTP engine (aws/http.h) against servers on 127.0.0.1 with
 * kernel-picked ports: libmicrohttpd for scripted replies, a raw socket thread for connections
 * dropped mid-response. Covers blocking and concurrent calls, reuse, timeouts, retries,
 * the observer, trace redaction and the response size bound. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aws/http.h"
#include "common/alloc.h"
#include "common/log.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

/* ---- a scripted libmicrohttpd server ---------------------------------------------------- */

#define MAX_SCRIPT 8

struct srv {
    struct MHD_Daemon *d;
    int port;
    atomic_int requests;
    atomic_int accepts;
    int statuses[MAX_SCRIPT]; /* reply i gets statuses[min(i, n - 1)] */
    int nstatuses;
    const char *error_body; /* body of non-2xx replies */
    int delay_ms;           /* before every reply */
    size_t body_size;       /* 0: echo the request body */
    bool chunked;           /* reply without Content-Length */
    pthread_mutex_t mu;
    char last_method[16];
    char last_attempt[16]; /* X-Attempt request header */
    char last_auth[256];
};

struct upload {
    struct gf_buf body;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_header(char *dst, size_t size, struct MHD_Connection *conn, const char *name)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    snprintf(dst, size, "%s", v ? v : "");
}

static ssize_t chunk_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    size_t total = *(size_t *)cls;
    size_t n = total - (size_t)pos;

    if (pos >= total)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n > max)
        n = max;
    memset(buf, 'x', n);
    return (ssize_t)n;
}

static struct MHD_Response *make_reply(struct srv *s, int status, struct upload *up)
{
    static char big[1 << 16];

    if (status >= 300 && s->error_body)
        return MHD_create_response_from_buffer(strlen(s->error_body), (void *)s->error_body,
                                               MHD_RESPMEM_MUST_COPY);
    if (s->body_size && s->chunked)
        return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, chunk_reader,
                                                 &s->body_size, NULL);
    if (s->body_size) {
        memset(big, 'x', sizeof(big));
        return MHD_create_response_from_buffer(
            s->body_size < sizeof(big) ? s->body_size : sizeof(big), big, MHD_RESPMEM_PERSISTENT);
    }
    return MHD_create_response_from_buffer(up->body.len, up->body.ptr, MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct srv *s = cls;
    struct upload *up = *con_cls;
    struct MHD_Response *r;
    enum MHD_Result ret;
    char rid[32];
    int idx;
    int status;

    (void)url;
    (void)version;
    if (!up) {
        up = calloc(1, sizeof(*up));
        gf_buf_init(&up->body, 0);
        *con_cls = up;
        return MHD_YES;
    }
    if (*upload_data_size) {
        gf_buf_put(&up->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    idx = atomic_fetch_add(&s->requests, 1);
    status = s->nstatuses ? s->statuses[idx < s->nstatuses ? idx : s->nstatuses - 1] : 200;
    pthread_mutex_lock(&s->mu);
    snprintf(s->last_method, sizeof(s->last_method), "%s", method);
    copy_header(s->last_attempt, sizeof(s->last_attempt), conn, "X-Attempt");
    copy_header(s->last_auth, sizeof(s->last_auth), conn, "Authorization");
    pthread_mutex_unlock(&s->mu);
    if (s->delay_ms)
        sleep_ms(s->delay_ms);
    r = make_reply(s, status, up);
    snprintf(rid, sizeof(rid), "req-%d", idx + 1);
    MHD_add_response_header(r, "x-amzn-RequestId", rid);
    ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct upload *up = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (up) {
        gf_buf_release(&up->body);
        free(up);
        *con_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct srv *s = cls;

    (void)conn;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s->accepts, 1);
}

static void srv_start(struct srv *s)
{
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    pthread_mutex_init(&s->mu, NULL);
    s->d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                         on_connection, s, MHD_OPTION_CONNECTION_LIMIT, 200u, MHD_OPTION_END);
    cr_assert_not_null(s->d, "cannot start the test server");
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info->port;
}

static void srv_stop(struct srv *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
}

static void srv_url(char *out, size_t size, const struct srv *s, const char *path)
{
    snprintf(out, size, "http://127.0.0.1:%d%s", s->port, path);
}

/* ---- engine helpers --------------------------------------------------------------------- */

static double zero_rng(void *payload)
{
    (void)payload;
    return 0.0;
}

static double one_rng(void *payload)
{
    (void)payload;
    return 1.0;
}

#define MAX_SEEN 64

struct seen {
    int n;
    char service[MAX_SEEN][16];
    char operation[MAX_SEEN][32];
    char request_id[MAX_SEEN][32];
    char aws_code[MAX_SEEN][64];
    int status[MAX_SEEN];
    int attempts[MAX_SEEN];
    int rc[MAX_SEEN];
};

static void observer(const struct gf_http_call_info *info, void *payload)
{
    struct seen *s = payload;
    int i = s->n++;

    cr_assert_lt(i, MAX_SEEN);
    snprintf(s->service[i], sizeof(s->service[i]), "%s", info->service);
    snprintf(s->operation[i], sizeof(s->operation[i]), "%s", info->operation);
    snprintf(s->request_id[i], sizeof(s->request_id[i]), "%s", info->request_id);
    snprintf(s->aws_code[i], sizeof(s->aws_code[i]), "%s", info->aws_code);
    s->status[i] = info->http_status;
    s->attempts[i] = info->attempts;
    s->rc[i] = info->rc;
}

static struct gf_http *engine(struct seen *seen)
{
    struct gf_http_opts opts = GF_HTTP_OPTS_INIT;
    struct gf_http *http = NULL;

    opts.retry.rng = zero_rng; /* no backoff sleeps in tests */
    opts.observer = seen ? observer : NULL;
    opts.observer_payload = seen;
    gf_cr_ok(gf_http_new(&http, &opts));
    return http;
}

static void request(struct gf_http_request *req, const char *method, const struct srv *s,
                    const char *path)
{
    char url[128];

    srv_url(url, sizeof(url), s, path);
    gf_cr_ok(gf_http_request_init(req, method, url));
    req->service = "ecs";
    req->operation = "ListClusters";
}

/* ---- blocking call ---------------------------------------------------------------------- */

Test(http, blocking_post_echoes_body_and_reads_headers)
{
    struct srv s = {0};
    struct seen seen = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;

    srv_start(&s);
    http = engine(&seen);
    request(&req, "POST", &s, "/");
    gf_cr_ok(gf_http_headers_add(&req.headers, "Content-Type", "application/x-amz-json-1.1"));
    gf_cr_ok(gf_buf_puts(&req.body, "{\"hello\":1}"));
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.fault, GF_HTTP_FAULT_NONE);
    cr_assert_str_eq(resp.body.ptr, "{\"hello\":1}");
    cr_assert_str_eq(gf_http_response_request_id(&resp), "req-1");
    cr_assert_eq(resp.attempts, 1);
    cr_assert_str_eq(s.last_method, "POST");
    cr_assert_eq(gf_http_pending(http), 0);
    /* The caller keeps its request: a second send of the same request works. */
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_str_eq(gf_http_response_request_id(&resp), "req-2");
    cr_assert_eq(seen.n, 2);
    cr_assert_str_eq(seen.service[0], "ecs");
    cr_assert_str_eq(seen.operation[0], "ListClusters");
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, methods_reach_the_server)
{
    static const char *const methods[] = {"GET", "PUT", "DELETE", "HEAD", "POST"};
    struct srv s = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    size_t i;

    srv_start(&s);
    http = engine(NULL);
    gf_http_response_init(&resp);
    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        request(&req, methods[i], &s, "/path?x=1");
        gf_cr_ok(gf_http_send(&resp, http, &req));
        cr_assert_eq(resp.status, 200, "%s", methods[i]);
        cr_assert_str_eq(s.last_method, methods[i]);
        gf_http_request_release(&req);
    }
    gf_http_response_release(&resp);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, submit_rejects_a_request_without_url)
{
    struct gf_http *http = engine(NULL);
    struct gf_http_request req;

    gf_cr_ok(gf_http_request_init(&req, "GET", NULL));
    gf_cr_fails(GF_EINVALID, gf_http_submit(http, &req, NULL, NULL));
    cr_assert_str_eq(gf_error_last()->msg, "http request without a method or url");
    cr_assert_eq(gf_http_pending(http), 0);
    gf_http_request_release(&req);
    gf_http_free(http);
}

/* ---- many in flight --------------------------------------------------------------------- */

struct tally {
    int done;
    int ok;
    int in_submit; /* set while submit runs: a callback seeing it was called inline */
    int inline_calls;
};

static void count_done(int rc, struct gf_http_response *resp, const struct gf_error *err,
                       void *payload)
{
    struct tally *t = payload;

    (void)err;
    if (t->in_submit)
        t->inline_calls++;
    t->done++;
    if (rc == 0 && resp->status == 200)
        t->ok++;
}

Test(http, fifty_in_flight_complete_asynchronously)
{
    struct srv s = {0};
    struct seen seen = {0};
    struct tally t = {0};
    struct gf_http *http;
    struct gf_http_request req;
    int64_t t0;
    int i;

    s.delay_ms = 50;
    srv_start(&s);
    http = engine(&seen);
    for (i = 0; i < 50; i++) {
        request(&req, "GET", &s, "/");
        t.in_submit = 1;
        gf_cr_ok(gf_http_submit(http, &req, count_done, &t));
        t.in_submit = 0;
        cr_assert_eq(req.url.len, 0, "submit takes the request over");
        gf_http_request_release(&req);
    }
    cr_assert_eq(t.done, 0, "no callback before the engine runs");
    cr_assert_eq(gf_http_pending(http), 50);
    t0 = mono_ms();
    gf_cr_ok(gf_http_run_all(http));
    cr_assert_eq(t.done, 50);
    cr_assert_eq(t.ok, 50);
    cr_assert_eq(t.inline_calls, 0);
    cr_assert_eq(seen.n, 50);
    cr_assert_lt(mono_ms() - t0, 1000, "the 50 calls did not run together");
    cr_assert_eq(atomic_load(&s.requests), 50);
    gf_http_free(http);
    srv_stop(&s);
}

/* ---- connection reuse ------------------------------------------------------------------- */

Test(http, sequential_calls_reuse_one_connection)
{
    struct srv s = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    int i;

    srv_start(&s);
    http = engine(NULL);
    gf_http_response_init(&resp);
    request(&req, "GET", &s, "/");
    for (i = 0; i < 20; i++) {
        gf_cr_ok(gf_http_send(&resp, http, &req));
        cr_assert_eq(resp.status, 200);
    }
    cr_assert_eq(atomic_load(&s.requests), 20);
    cr_assert_eq(atomic_load(&s.accepts), 1, "%d TCP connections", atomic_load(&s.accepts));
    cr_assert_eq(gf_http_connections_opened(http), 1);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

/* ---- timeouts and connection errors ----------------------------------------------------- */

Test(http, total_timeout_fails_with_eretry)
{
    struct srv s = {0};
    struct seen seen = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    int64_t t0;

    s.delay_ms = 1500;
    srv_start(&s);
    http = engine(&seen);
    request(&req, "GET", &s, "/slow");
    req.timeout_ms = 200;
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    t0 = mono_ms();
    gf_cr_fails(GF_ERETRY, gf_http_send(&resp, http, &req));
    cr_assert_lt(mono_ms() - t0, 1200);
    cr_assert_eq(resp.fault, GF_HTTP_FAULT_TIMEOUT);
    cr_assert_eq(resp.status, 0);
    cr_assert_eq(resp.retry_kind, GF_RETRY_TIMEOUT);
    cr_assert_str_eq(gf_error_last()->where, "ecs:ListClusters");
    cr_assert(strstr(gf_error_last()->msg, "GET http://127.0.0.1:") != NULL, "%s",
              gf_error_last()->msg);
    cr_assert(strstr(gf_error_last()->msg, "failed after 1 attempt: ") != NULL, "%s",
              gf_error_last()->msg);
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.rc[0], GF_ERETRY);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, timeout_retry_costs_ten_tokens)
{
    struct srv s = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;

    s.delay_ms = 600;
    srv_start(&s);
    http = engine(NULL);
    request(&req, "GET", &s, "/slow");
    req.timeout_ms = 100;
    req.max_attempts = 2;
    gf_http_response_init(&resp);
    gf_cr_fails(GF_ERETRY, gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.attempts, 2);
    cr_assert_eq(gf_http_retry_quota(http)->tokens, GF_RETRY_QUOTA_MAX - GF_RETRY_TIMEOUT_COST);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

static int closed_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    port = ntohs(sa.sin_port);
    close(fd); /* bound, never listened: connections are refused */
    return port;
}

Test(http, refused_connection_is_retried_then_fails)
{
    struct seen seen = {0};
    struct gf_http *http = engine(&seen);
    struct gf_http_request req;
    struct gf_http_response resp;
    char url[64];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", closed_port());
    gf_cr_ok(gf_http_request_init(&req, "GET", url));
    gf_http_response_init(&resp);
    gf_cr_fails(GF_ERETRY, gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.fault, GF_HTTP_FAULT_CONNECT);
    cr_assert_eq(resp.attempts, 3);
    cr_assert_eq(seen.attempts[0], 3);
    cr_assert(strstr(gf_error_last()->msg, "failed after 3 attempts") != NULL, "%s",
              gf_error_last()->msg);
    cr_assert_eq(gf_http_retry_quota(http)->tokens, GF_RETRY_QUOTA_MAX - 2 * GF_RETRY_COST);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
}

/* ---- retries ---------------------------------------------------------------------------- */

static void send_script(struct gf_http_response *resp, struct seen *seen, struct srv *s,
                        int rc_want)
{
    struct gf_http *http = engine(seen);
    struct gf_http_request req;

    request(&req, "POST", s, "/");
    gf_http_response_init(resp);
    cr_assert_eq(gf_http_send(resp, http, &req), rc_want);
    gf_http_request_release(&req);
    gf_http_free(http);
}

Test(http, retries_503_and_500_then_succeeds)
{
    struct srv s = {.statuses = {503, 500, 200}, .nstatuses = 3};
    struct seen seen = {0};
    struct gf_http_response resp;

    srv_start(&s);
    send_script(&resp, &seen, &s, 0);
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.attempts, 3);
    cr_assert_eq(seen.n, 1, "one observation per call, not per attempt");
    cr_assert_eq(seen.attempts[0], 3);
    cr_assert_str_eq(seen.request_id[0], "req-3");
    cr_assert_eq(atomic_load(&s.requests), 3);
    gf_http_response_release(&resp);
    srv_stop(&s);
}

Test(http, gives_up_after_max_attempts_with_the_last_response)
{
    struct srv s = {.statuses = {503}, .nstatuses = 1, .error_body = "<html>busy</html>"};
    struct seen seen = {0};
    struct gf_http_response resp;

    srv_start(&s);
    send_script(&resp, &seen, &s, 0);
    cr_assert_eq(resp.status, 503);
    cr_assert_eq(resp.attempts, 3);
    cr_assert_str_eq(resp.body.ptr, "<html>busy</html>");
    cr_assert_str_eq(resp.aws_code, "503");
    cr_assert_str_eq(seen.aws_code[0], "503");
    cr_assert_eq(atomic_load(&s.requests), 3);
    gf_http_response_release(&resp);
    srv_stop(&s);
}

Test(http, no_retry_on_400)
{
    struct srv s = {
        .statuses = {400}, .nstatuses = 1, .error_body = "{\"__type\":\"ValidationException\"}"};
    struct seen seen = {0};
    struct gf_http_response resp;

    srv_start(&s);
    send_script(&resp, &seen, &s, 0);
    cr_assert_eq(resp.status, 400);
    cr_assert_eq(resp.attempts, 1);
    cr_assert_eq(resp.retry_kind, GF_RETRY_NO);
    cr_assert_eq(atomic_load(&s.requests), 1);
    gf_http_response_release(&resp);
    srv_stop(&s);
}

/* A classifier as the JSON codec would write it: the code is the body's "__type". */
static void json_classifier(struct gf_retry_class *out, const struct gf_http_response *resp,
                            void *payload)
{
    const char *code = strstr(resp->body.ptr, "ThrottlingException") ? "ThrottlingException" : NULL;

    (*(int *)payload)++;
    gf_retry_classify_code(out, resp->status, code);
}

Test(http, retries_throttling_found_by_the_classifier)
{
    struct srv s = {.statuses = {400, 400, 200},
                    .nstatuses = 3,
                    .error_body = "{\"__type\":\"ThrottlingException\"}"};
    struct gf_http_opts opts = GF_HTTP_OPTS_INIT;
    struct seen seen = {0};
    struct gf_http *http = NULL;
    struct gf_http_request req;
    struct gf_http_response resp;
    int classified = 0;

    srv_start(&s);
    opts.retry.rng = zero_rng;
    opts.classify = json_classifier;
    opts.classify_payload = &classified;
    opts.observer = observer;
    opts.observer_payload = &seen;
    gf_cr_ok(gf_http_new(&http, &opts));
    request(&req, "POST", &s, "/");
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.attempts, 3);
    cr_assert_eq(classified, 3);
    cr_assert_eq(seen.attempts[0], 3);
    /* Two retries took 5 each; the success refunded the last 5. */
    cr_assert_eq(gf_http_retry_quota(http)->tokens, GF_RETRY_QUOTA_MAX - GF_RETRY_COST);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, quota_exhaustion_stops_retries)
{
    struct srv s = {.statuses = {503}, .nstatuses = 1};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;

    srv_start(&s);
    http = engine(NULL);
    gf_http_retry_quota(http)->tokens = GF_RETRY_COST; /* enough for one retry */
    request(&req, "GET", &s, "/");
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 503);
    cr_assert_eq(resp.attempts, 2);
    cr_assert_eq(gf_http_retry_quota(http)->tokens, 0);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.attempts, 1, "an empty quota means no retry at all");
    cr_assert_eq(atomic_load(&s.requests), 3);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, backoff_waits_on_the_injected_clock)
{
    struct srv s = {.statuses = {503, 503, 200}, .nstatuses = 3};
    struct gf_http_opts opts = GF_HTTP_OPTS_INIT;
    struct gf_clock_fixed fixed;
    struct gf_http *http = NULL;
    struct gf_http_request req;
    struct gf_http_response resp;
    int64_t t0;

    srv_start(&s);
    gf_clock_fixed_init(&fixed, 1440938160000);
    opts.clock = &fixed.clock;
    opts.retry.rng = one_rng; /* the upper bound: 1 s, then 2 s */
    gf_cr_ok(gf_http_new(&http, &opts));
    request(&req, "GET", &s, "/");
    gf_http_response_init(&resp);
    t0 = mono_ms();
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.attempts, 3);
    cr_assert_eq(fixed.now_ms - 1440938160000, 3000);
    cr_assert_eq(resp.latency_ms, 3000);
    cr_assert_lt(mono_ms() - t0, 1000, "the real clock did not wait");
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

/* Re-signing: the hook runs before every attempt and what it sets is what is sent. */
static int resign(struct gf_http_request *req, int attempt, void *payload)
{
    char v[16];

    (*(int *)payload)++;
    snprintf(v, sizeof(v), "%d", attempt);
    return gf_http_headers_set(&req->headers, "X-Attempt", v);
}

static int refuse_to_sign(struct gf_http_request *req, int attempt, void *payload)
{
    (void)req;
    (void)attempt;
    (void)payload;
    gf_error_set(GF_EAUTH, "no credentials");
    gf_error_where("credentials");
    return GF_EAUTH;
}

Test(http, before_attempt_hook_runs_for_every_attempt)
{
    struct srv s = {.statuses = {500, 500, 200}, .nstatuses = 3};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    int hooks = 0;

    srv_start(&s);
    http = engine(NULL);
    request(&req, "GET", &s, "/");
    req.before_attempt = resign;
    req.before_attempt_payload = &hooks;
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(hooks, 3);
    cr_assert_str_eq(s.last_attempt, "3");
    req.before_attempt = refuse_to_sign;
    gf_cr_fails(GF_EAUTH, gf_http_send(&resp, http, &req));
    cr_assert_str_eq(gf_error_last()->msg, "no credentials");
    cr_assert_str_eq(gf_error_last()->where, "credentials");
    cr_assert_eq(atomic_load(&s.requests), 3);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

/* ---- a connection dropped mid-response -------------------------------------------------- */

struct raw {
    int fd;
    int port;
    int conns;
    pthread_t th;
};

static void read_request(int c)
{
    char buf[4096];
    size_t got = 0;
    ssize_t n;

    while (got < sizeof(buf) - 1) {
        n = read(c, buf + got, sizeof(buf) - 1 - got);
        if (n <= 0)
            return;
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            return;
    }
}

static void *raw_serve(void *arg)
{
    static const char partial[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc";
    static const char full[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-amzn-RequestId: raw-2\r\n\r\nok";
    struct raw *r = arg;
    int c;

    while ((c = accept(r->fd, NULL, NULL)) >= 0) {
        r->conns++;
        read_request(c);
        if (r->conns == 1) {
            (void)!write(c, partial, sizeof(partial) - 1);
        } else {
            (void)!write(c, full, sizeof(full) - 1);
            read_request(c); /* hold the connection until the client closes it */
        }
        close(c);
        if (r->conns >= 2)
            break;
    }
    return NULL;
}

Test(http, dropped_connection_is_retried)
{
    struct raw r = {0};
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    struct seen seen = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    char url[64];

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r.fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(bind(r.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(r.fd, 8), 0);
    getsockname(r.fd, (struct sockaddr *)&sa, &len);
    r.port = ntohs(sa.sin_port);
    pthread_create(&r.th, NULL, raw_serve, &r);
    http = engine(&seen);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
    gf_cr_ok(gf_http_request_init(&req, "GET", url));
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200);
    cr_assert_str_eq(resp.body.ptr, "ok");
    cr_assert_eq(resp.attempts, 2);
    cr_assert_eq(seen.attempts[0], 2);
    cr_assert_str_eq(seen.request_id[0], "raw-2");
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    pthread_join(r.th, NULL);
    close(r.fd);
}

/* ---- response size bound ---------------------------------------------------------------- */

static void too_large(bool chunked)
{
    struct srv s = {.body_size = 10000, .chunked = chunked};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;

    srv_start(&s);
    http = engine(NULL);
    request(&req, "GET", &s, "/big");
    req.max_response_bytes = 1000;
    gf_http_response_init(&resp);
    gf_cr_fails(GF_ENOMEM, gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.fault, GF_HTTP_FAULT_TOO_LARGE);
    cr_assert_eq(resp.attempts, 1, "a size bound is not retried");
    cr_assert(strstr(gf_error_last()->msg, "is larger than 1000 bytes") != NULL, "%s",
              gf_error_last()->msg);
    req.max_response_bytes = 10000;
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.body.len, 10000);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
}

Test(http, max_response_size_with_content_length)
{
    too_large(false);
}

Test(http, max_response_size_chunked)
{
    too_large(true);
}

/* ---- trace logging redacts secrets ------------------------------------------------------ */

Test(http, trace_log_redacts_secrets)
{
    static const char *const secrets[] = {"SECRETSIG1",  "AKIDSECRET", "TOKENSECRET", "QSIGSECRET",
                                          "QCREDSECRET", "QTOKSECRET", "IMDSSECRET"};
    struct gf_log_opts lopts = GF_LOG_OPTS_INIT;
    struct srv s = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    struct gf_buf log = GF_BUF_INIT;
    char *dir = gf_test_tmpdir("http-trace");
    char *path = gf_test_path(dir, "stderr.log");
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    int saved = dup(2);
    size_t i;

    srv_start(&s);
    dup2(fd, 2);
    lopts.level = GF_LOG_TRACE;
    lopts.format = GF_LOG_FORMAT_JSON;
    gf_log_configure(&lopts);
    http = engine(NULL);
    request(&req, "GET", &s,
            "/obj?Action=List&X-Amz-Signature=QSIGSECRET&X-Amz-Credential=QCREDSECRET"
            "&x-amz-security-token=QTOKSECRET&Version=1");
    gf_cr_ok(gf_http_headers_add(&req.headers, "Authorization",
                                 "AWS4-HMAC-SHA256 Credential=AKIDSECRET/20150830/us-east-1/"
                                 "ecs/aws4_request, SignedHeaders=host, Signature=SECRETSIG1"));
    gf_cr_ok(gf_http_headers_add(&req.headers, "X-Amz-Security-Token", "TOKENSECRET"));
    gf_cr_ok(gf_http_headers_add(&req.headers, "X-aws-ec2-metadata-token", "IMDSSECRET"));
    gf_cr_ok(gf_http_headers_add(&req.headers, "X-Amz-Date", "20150830T123600Z"));
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    dup2(saved, 2);
    close(saved);
    close(fd);
    cr_assert(strstr(s.last_auth, "SECRETSIG1") != NULL, "the server got the real header");
    cr_assert_eq(gf_test_read_file(&log, path), 0);
    cr_assert(strstr(log.ptr, "\"http request\"") != NULL, "%s", log.ptr);
    cr_assert(strstr(log.ptr, "\"http response\"") != NULL, "%s", log.ptr);
    cr_assert(strstr(log.ptr, "Action=List") != NULL, "%s", log.ptr);
    cr_assert(strstr(log.ptr, "X-Amz-Signature=REDACTED") != NULL, "%s", log.ptr);
    cr_assert(strstr(log.ptr, "Authorization: REDACTED") != NULL, "%s", log.ptr);
    cr_assert(strstr(log.ptr, "20150830T123600Z") != NULL, "%s", log.ptr);
    for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        cr_assert(strstr(log.ptr, secrets[i]) == NULL, "'%s' leaked: %s", secrets[i], log.ptr);
    gf_buf_release(&log);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    srv_stop(&s);
    gf_free(path);
    gf_test_tmpdir_remove(dir);
}

Test(http, redact_url_keeps_other_parameters)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_http_redact_url(&out, "https://h/p?a=1&X-Amz-Signature=abc&b&X-Amz-Credential="
                                      "AKID%2F2015&X-Amz-Security-Token=t"));
    cr_assert_str_eq(out.ptr, "https://h/p?a=1&X-Amz-Signature=REDACTED&b&X-Amz-Credential="
                              "REDACTED&X-Amz-Security-Token=REDACTED");
    gf_buf_clear(&out);
    gf_cr_ok(gf_http_redact_url(&out, "https://h/p"));
    cr_assert_str_eq(out.ptr, "https://h/p");
    gf_buf_release(&out);
    cr_assert(gf_http_header_is_secret("authorization"));
    cr_assert(gf_http_header_is_secret("X-Amz-Security-Token"));
    cr_assert_not(gf_http_header_is_secret("X-Amz-Date"));
}

/* ---- headers ---------------------------------------------------------------------------- */

Test(http, headers_set_replaces_case_insensitively)
{
    struct gf_http_headers h = GF_HTTP_HEADERS_INIT;

    gf_cr_ok(gf_http_headers_add(&h, "X-Amz-Date", "1"));
    gf_cr_ok(gf_http_headers_add(&h, "Host", "h"));
    gf_cr_ok(gf_http_headers_add(&h, "x-amz-date", "2"));
    gf_cr_ok(gf_http_headers_set(&h, "X-AMZ-DATE", "3"));
    cr_assert_eq(h.count, 2);
    cr_assert_str_eq(gf_http_headers_get(&h, "x-amz-date"), "3");
    gf_http_headers_remove(&h, "host");
    cr_assert_null(gf_http_headers_get(&h, "Host"));
    gf_http_headers_release(&h);
}

/* ---- rate limiter ----------------------------------------------------------------------- */

Test(http, rate_limit_delays_instead_of_failing)
{
    struct srv s = {0};
    struct tally t = {0};
    struct gf_http *http;
    struct gf_http_request req;
    int64_t t0;
    int i;

    srv_start(&s);
    http = engine(NULL);
    gf_cr_ok(gf_http_set_rate(http, "ecs", 20.0, 2.0)); /* 2 at once, then one per 50 ms */
    t0 = mono_ms();
    for (i = 0; i < 6; i++) {
        request(&req, "GET", &s, "/");
        gf_cr_ok(gf_http_submit(http, &req, count_done, &t));
        gf_http_request_release(&req);
    }
    gf_cr_ok(gf_http_run_all(http));
    cr_assert_eq(t.ok, 6);
    cr_assert_geq(mono_ms() - t0, 190, "4 delayed calls at 50 ms each");
    gf_http_free(http);
    srv_stop(&s);
}

/* A credentials refresh from inside the signing hook: a blocking call on the same engine. */
struct nested {
    struct gf_http *http;
    const struct srv *s;
    int inner_status;
};

static int refresh_then_sign(struct gf_http_request *req, int attempt, void *payload)
{
    struct nested *n = payload;
    struct gf_http_request inner;
    struct gf_http_response resp;
    int rc;

    (void)attempt;
    request(&inner, "GET", n->s, "/credentials");
    gf_http_response_init(&resp);
    rc = gf_http_send(&resp, n->http, &inner);
    n->inner_status = resp.status;
    gf_http_response_release(&resp);
    gf_http_request_release(&inner);
    if (rc < 0)
        return rc;
    return gf_http_headers_set(&req->headers, "Authorization", "signed");
}

Test(http, blocking_call_inside_the_hook_on_the_same_engine)
{
    struct srv s = {0};
    struct tally t = {0};
    struct nested n = {0};
    struct gf_http_request req;
    int i;

    srv_start(&s);
    n.http = engine(NULL);
    n.s = &s;
    for (i = 0; i < 3; i++) {
        request(&req, "GET", &s, "/");
        req.before_attempt = refresh_then_sign;
        req.before_attempt_payload = &n;
        gf_cr_ok(gf_http_submit(n.http, &req, count_done, &t));
        gf_http_request_release(&req);
    }
    gf_cr_ok(gf_http_run_all(n.http));
    cr_assert_eq(t.ok, 3);
    cr_assert_eq(n.inner_status, 200);
    cr_assert_eq(atomic_load(&s.requests), 6);
    cr_assert_str_eq(s.last_auth, "signed");
    cr_assert_eq(gf_http_pending(n.http), 0);
    gf_http_free(n.http);
    srv_stop(&s);
}

/* ---- secret bodies are wiped before they are freed -------------------------------------- */

/* A recording allocator: it remembers the size of every block this (the test's) thread
 * allocates and, when such a block is freed or moved by realloc, counts it in s_dirty if it still
 * holds SECRET_MARK. The server's threads allocate too: their blocks are not recorded. */
#define SECRET_MARK "wJalrXUtnFEMI-SECRET-MARK"
#define MAX_BLOCKS  4096

static pthread_mutex_t s_rec_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    pthread_t main;
    void *ptr[MAX_BLOCKS];
    size_t size[MAX_BLOCKS];
    int checked; /* recorded blocks freed */
    int dirty;   /* ... still holding the mark */
} s_rec;

static void rec_add(void *p, size_t size)
{
    size_t i;

    if (!p || !pthread_equal(pthread_self(), s_rec.main))
        return;
    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; i < MAX_BLOCKS && s_rec.ptr[i]; i++)
        ;
    if (i < MAX_BLOCKS) {
        s_rec.ptr[i] = p;
        s_rec.size[i] = size;
    }
    pthread_mutex_unlock(&s_rec_mu);
}

static bool holds_mark(const char *p, size_t n)
{
    size_t m = strlen(SECRET_MARK);
    size_t i;

    for (i = 0; i + m <= n; i++) {
        if (memcmp(p + i, SECRET_MARK, m) == 0)
            return true;
    }
    return false;
}

/* Check and forget p's block, if recorded. */
static void rec_check(void *p)
{
    size_t i;

    if (!p)
        return;
    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; i < MAX_BLOCKS; i++) {
        if (s_rec.ptr[i] != p)
            continue;
        s_rec.checked++;
        if (holds_mark(p, s_rec.size[i])) {
            s_rec.dirty++;
        }
        s_rec.ptr[i] = NULL;
        break;
    }
    pthread_mutex_unlock(&s_rec_mu);
}

/* Blocks start zeroed: stale bytes from memory curl or libc freed earlier are not ours. */
static void *rec_malloc(size_t size, void *payload)
{
    void *p = calloc(1, size ? size : 1);

    (void)payload;
    rec_add(p, size);
    return p;
}

/* realloc as malloc + copy + free, so the old block is checked as it is let go. */
static void *rec_realloc(void *ptr, size_t size, void *payload)
{
    size_t old = 0;
    size_t i;
    void *p;

    if (!ptr)
        return rec_malloc(size, payload);
    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; i < MAX_BLOCKS; i++) {
        if (s_rec.ptr[i] == ptr)
            old = s_rec.size[i];
    }
    pthread_mutex_unlock(&s_rec_mu);
    if (!old)
        return realloc(ptr, size); /* not ours to check */
    p = rec_malloc(size, payload);
    if (!p)
        return NULL;
    memcpy(p, ptr, old < size ? old : size);
    rec_check(ptr);
    free(ptr);
    return p;
}

static void rec_free(void *ptr, void *payload)
{
    (void)payload;
    rec_check(ptr);
    free(ptr);
}

static void rec_install(void)
{
    static const struct gf_allocator a = {rec_malloc, rec_realloc, rec_free, NULL};

    memset(s_rec.ptr, 0, sizeof(s_rec.ptr));
    s_rec.main = pthread_self();
    s_rec.checked = 0;
    s_rec.dirty = 0;
    gf_alloc_set(&a);
}

/* POST a 20 KB body full of the mark to the echo server and free everything: the request body,
 * the copy gf_http_send makes, the reply body as it grows from 1 KB and the reply itself. */
static void echo_secret(bool secret)
{
    static char body[20 * 1024];
    struct srv s = {0};
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    size_t i;

    for (i = 0; i + strlen(SECRET_MARK) < sizeof(body); i += strlen(SECRET_MARK))
        memcpy(body + i, SECRET_MARK, strlen(SECRET_MARK));
    srv_start(&s);
    rec_install();
    http = engine(NULL);
    request(&req, "POST", &s, "/");
    req.secret = secret;
    gf_cr_ok(gf_http_headers_add(&req.headers, "X-Token", SECRET_MARK));
    gf_cr_ok(gf_buf_put(&req.body, body, i));
    gf_http_response_init(&resp);
    gf_cr_ok(gf_http_send(&resp, http, &req));
    cr_assert_eq(resp.status, 200);
    cr_assert_eq(resp.body.len, i);
    cr_assert_eq(resp.secret, secret);
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_http_free(http);
    gf_alloc_set(NULL);
    srv_stop(&s);
}

Test(http, secret_request_and_reply_are_wiped_before_free)
{
    echo_secret(true);
    cr_assert_gt(s_rec.checked, 5, "the recording allocator saw no frees");
    cr_assert_eq(s_rec.dirty, 0, "%d freed blocks still held the secret", s_rec.dirty);
}

/* The same without the flag: the test can fail (and buffers grown by realloc do leak copies). */
Test(http, plain_bodies_are_not_wiped)
{
    echo_secret(false);
    cr_assert_gt(s_rec.dirty, 2);
}
