/* SPDX-License-Identifier: Apache-2.0 */
/* http_bench.c: figures for the AWS client's HTTP engine (aws/http.h) against a local
 * libmicrohttpd server on 127.0.0.1 (kernel-picked port): connection reuse, calls in flight
 * together against injected latency, and bytes allocated per call (curl's allocations through
 * curl_global_init_mem, ours through common/alloc.h). Built, not run by the suite; results go to
 * docs/benchmarks.md. Usage: http_bench [sequential_calls] */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "common/alloc.h"
#include "common/banned.h"

/* ---- counting allocators ---------------------------------------------------------------- */

struct counter {
    atomic_long calls;
    atomic_long bytes;
};

static struct counter s_curl, s_ours;

#define HDR 16 /* keeps the caller's pointer 16-byte aligned */

static void *count_malloc(struct counter *c, size_t n)
{
    char *p = malloc(n + HDR);

    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    atomic_fetch_add(&c->calls, 1);
    atomic_fetch_add(&c->bytes, (long)n);
    return p + HDR;
}

static void count_free(void *ptr)
{
    if (ptr)
        free((char *)ptr - HDR);
}

static void *count_realloc(struct counter *c, void *ptr, size_t n)
{
    char *p;

    if (!ptr)
        return count_malloc(c, n);
    p = realloc((char *)ptr - HDR, n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    atomic_fetch_add(&c->calls, 1);
    atomic_fetch_add(&c->bytes, (long)n);
    return p + HDR;
}

static void *curl_malloc_cb(size_t n)
{
    return count_malloc(&s_curl, n);
}

static void *curl_realloc_cb(void *p, size_t n)
{
    return count_realloc(&s_curl, p, n);
}

static void *curl_calloc_cb(size_t nmemb, size_t size)
{
    void *p = count_malloc(&s_curl, nmemb * size);

    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

static char *curl_strdup_cb(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = count_malloc(&s_curl, n);

    if (p)
        memcpy(p, s, n);
    return p;
}

static void *ours_malloc(size_t n, void *payload)
{
    (void)payload;
    return count_malloc(&s_ours, n);
}

static void *ours_realloc(void *p, size_t n, void *payload)
{
    (void)payload;
    return count_realloc(&s_ours, p, n);
}

static void ours_free(void *p, void *payload)
{
    (void)payload;
    count_free(p);
}

/* ---- a local server --------------------------------------------------------------------- */

static atomic_int s_accepts;
static int s_delay_ms;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    static const char body[] = "{\"clusterArns\":[]}";
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    if (!*con_cls) {
        *con_cls = conn;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (s_delay_ms) {
        struct timespec ts = {0, (long)s_delay_ms * 1000000L};

        nanosleep(&ts, NULL);
    }
    r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "x-amzn-RequestId", "bench");
    MHD_add_response_header(r, "Content-Type", "application/x-amz-json-1.1");
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)conn;
    (void)ctx;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s_accepts, 1);
}

static struct MHD_Daemon *server_start(int *port_out)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                         MHD_OPTION_CONNECTION_LIMIT, 500u, MHD_OPTION_END);
    if (!d)
        return NULL;
    *port_out = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return d;
}

/* ---- the benchmarks --------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void make_request(struct gf_http_request *req, const char *url, bool close_conn)
{
    gf_http_request_init(req, "POST", url);
    req->service = "ecs";
    req->operation = "ListClusters";
    gf_http_headers_add(&req->headers, "Content-Type", "application/x-amz-json-1.1");
    gf_http_headers_add(&req->headers, "X-Amz-Target",
                        "AmazonEC2ContainerServiceV20141113.ListClusters");
    gf_http_headers_add(&req->headers, "Authorization", "AWS4-HMAC-SHA256 Credential=x");
    if (close_conn)
        gf_http_headers_add(&req->headers, "Connection", "close");
    gf_buf_puts(&req->body, "{}");
}

static int sequential(struct gf_http *http, const char *url, int n, bool close_conn, double *ms_out)
{
    struct gf_http_request req;
    struct gf_http_response resp;
    double t0 = now_ms();
    int i;
    int rc = 0;

    make_request(&req, url, close_conn);
    gf_http_response_init(&resp);
    for (i = 0; i < n && rc == 0; i++) {
        rc = gf_http_send(&resp, http, &req);
        if (rc == 0 && resp.status != 200)
            rc = -1;
    }
    *ms_out = now_ms() - t0;
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    return rc;
}

static void count_done(int rc, struct gf_http_response *resp, const struct gf_error *err,
                       void *payload)
{
    (void)err;
    if (rc == 0 && resp->status == 200)
        (*(int *)payload)++;
}

static int together(struct gf_http *http, const char *url, int n, double *ms_out)
{
    struct gf_http_request req;
    double t0 = now_ms();
    int ok = 0;
    int i;

    for (i = 0; i < n; i++) {
        make_request(&req, url, false);
        gf_http_submit(http, &req, count_done, &ok);
        gf_http_request_release(&req);
    }
    gf_http_run_all(http);
    *ms_out = now_ms() - t0;
    return ok == n ? 0 : -1;
}

static struct gf_http *engine(void)
{
    struct gf_http_opts opts = GF_HTTP_OPTS_INIT;
    struct gf_http *http = NULL;

    opts.rate_per_s = 0; /* measure the transport, not the client-side rate limiter */
    opts.max_connections = 64;
    if (gf_http_new(&http, &opts) < 0)
        return NULL;
    return http;
}

static int bench_reuse(const char *url, int n)
{
    struct gf_http *http = engine();
    double reused = 0;
    double fresh = 0;
    int a0;
    int a1;

    if (!http)
        return 1;
    a0 = atomic_load(&s_accepts);
    if (sequential(http, url, n, false, &reused) < 0)
        return 1;
    a1 = atomic_load(&s_accepts);
    if (sequential(http, url, n, true, &fresh) < 0)
        return 1;
    printf(
        "sequential, one reused connection: %d calls in %.1f ms (%.3f ms/call), %d TCP accepts\n",
        n, reused, reused / n, a1 - a0);
    printf(
        "sequential, new connection per call: %d calls in %.1f ms (%.3f ms/call), %d TCP accepts\n",
        n, fresh, fresh / n, atomic_load(&s_accepts) - a1);
    gf_http_free(http);
    return 0;
}

static int bench_latency(const char *url)
{
    struct gf_http *http = engine();
    double par = 0;
    double seq = 0;

    if (!http)
        return 1;
    s_delay_ms = 50;
    if (together(http, url, 50, &par) < 0 || sequential(http, url, 50, false, &seq) < 0)
        return 1;
    s_delay_ms = 0;
    printf("50 calls at 50 ms server latency: together %.1f ms (target < 100 ms), one by one %.1f "
           "ms\n",
           par, seq);
    gf_http_free(http);
    return 0;
}

static int bench_alloc(const char *url)
{
    struct gf_http *http = engine();
    double ms = 0;
    long cc, cb, oc, ob;
    const int n = 100;

    if (!http)
        return 1;
    if (sequential(http, url, 10, false, &ms) < 0) /* warm up: connection, easy handle pool */
        return 1;
    cc = atomic_load(&s_curl.calls);
    cb = atomic_load(&s_curl.bytes);
    oc = atomic_load(&s_ours.calls);
    ob = atomic_load(&s_ours.bytes);
    if (sequential(http, url, n, false, &ms) < 0)
        return 1;
    printf(
        "allocated per call (gf_http_send, reused connection): curl %.1f allocations / %.0f bytes, "
        "ours %.1f allocations / %.0f bytes\n",
        (double)(atomic_load(&s_curl.calls) - cc) / n,
        (double)(atomic_load(&s_curl.bytes) - cb) / n,
        (double)(atomic_load(&s_ours.calls) - oc) / n,
        (double)(atomic_load(&s_ours.bytes) - ob) / n);
    gf_http_free(http);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct gf_allocator counting = {ours_malloc, ours_realloc, ours_free, NULL};
    struct MHD_Daemon *d;
    char url[96];
    int port = 0;
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
    int rc;

    /* First curl_global_init in the process: every curl allocation goes through the counters. */
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc_cb, count_free, curl_realloc_cb,
                             curl_strdup_cb, curl_calloc_cb) != CURLE_OK)
        return 1;
    gf_alloc_set(&counting);
    d = server_start(&port);
    if (!d) {
        fprintf(stderr, "http_bench: cannot start the local server\n");
        return 1;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    printf("http_bench: %s, libcurl %s\n", url, curl_version_info(CURLVERSION_NOW)->version);
    rc = bench_reuse(url, n > 0 ? n : 200);
    if (rc == 0)
        rc = bench_latency(url);
    if (rc == 0)
        rc = bench_alloc(url);
    MHD_stop_daemon(d);
    gf_alloc_set(NULL);
    curl_global_cleanup();
    if (rc)
        fprintf(stderr, "http_bench: a call failed\n");
    return rc;
}
