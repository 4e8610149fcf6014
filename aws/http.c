/* SPDX-License-Identifier: Apache-2.0 */
/* http.c: the AWS client's one HTTP engine (STYLE.md §1): calls queue on a curl multi handle,
 * attempts start when due (rate limit, backoff), completions are classified for retries
 * (aws/retry.h) and delivered from the run functions only. gf_http_send wraps the same engine.
 * Sits under the codecs and svc_*.c in the apply step; it never parses a body. */
#define _DEFAULT_SOURCE
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/http.h"
#include "common/alloc.h"
#include "common/log.h"
#include "common/banned.h"

#define LOG_MOD       "aws"
#define EASY_POOL_MAX 64

struct call {
    struct call *next;
    struct call *run_prev, *run_next; /* in gf_http.running_list while attached to the multi */
    struct gf_http *http;
    struct gf_http_request req;
    struct gf_http_response resp;
    gf_http_done_fn *done;
    void *payload;
    CURL *easy;
    struct curl_slist *slist;
    size_t max_bytes;
    int64_t start_ms; /* first attempt's start, monotonic */
    int64_t due_ms;
    int last_taken; /* retry quota taken by the last retry */
    int rc;
    bool too_large;
    struct gf_error err;
    char errbuf[CURL_ERROR_SIZE];
};

struct bucket {
    struct bucket *next;
    char *service;
    struct gf_ratelimit rl;
};

struct call_list {
    struct call *head, *tail;
};

struct gf_http {
    struct gf_http_opts opts;
    CURLM *multi;
    struct call_list waiting; /* queued or backing off; started when due */
    struct call_list done;    /* completed, callback not yet delivered */
    size_t pending;           /* submitted and not yet delivered */
    size_t running;           /* attached to the multi handle */
    struct call *running_list;
    struct gf_retry_quota quota;
    struct bucket *buckets;
    CURL *pool[EASY_POOL_MAX];
    size_t npool;
    long connections;
};

/* ---- curl, once per process ------------------------------------------------------------ */

static pthread_once_t s_curl_once = PTHREAD_ONCE_INIT;
static CURLcode s_curl_init_rc = CURLE_OK;

static void curl_init_once(void)
{
    /* Reference-counted by curl: a benchmark may have called curl_global_init_mem first. */
    s_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- headers ---------------------------------------------------------------------------- */

int gf_http_headers_add(struct gf_http_headers *h, const char *name, const char *value)
{
    struct gf_http_header *items;
    char *n = NULL;
    char *v = NULL;

    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;

        items = gf_realloc(h->items, cap * sizeof(*items));
        if (!items)
            return gf_error_oom();
        h->items = items;
        h->cap = cap;
    }
    n = gf_strdup(name);
    v = gf_strdup(value ? value : "");
    if (!n || !v) {
        gf_free(n);
        gf_free(v);
        return gf_error_oom();
    }
    h->items[h->count].name = n;
    h->items[h->count].value = v;
    h->count++;
    return 0;
}

void gf_http_headers_remove(struct gf_http_headers *h, const char *name)
{
    size_t i;
    size_t keep = 0;

    for (i = 0; i < h->count; i++) {
        if (strcasecmp(h->items[i].name, name) == 0) {
            gf_free(h->items[i].name);
            gf_free(h->items[i].value);
            continue;
        }
        h->items[keep++] = h->items[i];
    }
    h->count = keep;
}

int gf_http_headers_set(struct gf_http_headers *h, const char *name, const char *value)
{
    gf_http_headers_remove(h, name);
    return gf_http_headers_add(h, name, value);
}

const char *gf_http_headers_get(const struct gf_http_headers *h, const char *name)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        if (strcasecmp(h->items[i].name, name) == 0)
            return h->items[i].value;
    }
    return NULL;
}

void gf_http_headers_clear(struct gf_http_headers *h)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        gf_free(h->items[i].name);
        gf_free(h->items[i].value);
    }
    h->count = 0;
}

void gf_http_headers_release(struct gf_http_headers *h)
{
    gf_http_headers_clear(h);
    gf_free(h->items);
    h->items = NULL;
    h->cap = 0;
}

/* Wipe every header value (tokens, Authorization) before the headers are freed. */
static void headers_wipe(struct gf_http_headers *h)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        if (h->items[i].value)
            explicit_bzero(h->items[i].value, strlen(h->items[i].value));
    }
}

static int headers_copy(struct gf_http_headers *dst, const struct gf_http_headers *src)
{
    size_t i;
    int rc;

    for (i = 0; i < src->count; i++) {
        rc = gf_http_headers_add(dst, src->items[i].name, src->items[i].value);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- request and response --------------------------------------------------------------- */

int gf_http_request_init(struct gf_http_request *req, const char *method, const char *url)
{
    memset(req, 0, sizeof(*req));
    req->method = method;
    gf_buf_init(&req->url, 0);
    gf_buf_init(&req->body, 0);
    if (url && gf_buf_puts(&req->url, url) < 0)
        return GF_ENOMEM;
    return 0;
}

void gf_http_request_release(struct gf_http_request *req)
{
    gf_buf_release(&req->url);
    if (req->secret) {
        gf_buf_release_secret(&req->body);
        headers_wipe(&req->headers);
    } else {
        gf_buf_release(&req->body);
    }
    gf_http_headers_release(&req->headers);
}

static int request_copy(struct gf_http_request *dst, const struct gf_http_request *src)
{
    int rc;

    *dst = *src;
    gf_buf_init(&dst->url, 0);
    gf_buf_init(&dst->body, 0);
    memset(&dst->headers, 0, sizeof(dst->headers));
    rc = gf_buf_put_slice(&dst->url, gf_buf_slice(&src->url));
    if (rc == 0)
        rc = gf_buf_put_slice(&dst->body, gf_buf_slice(&src->body));
    if (rc == 0)
        rc = headers_copy(&dst->headers, &src->headers);
    return rc;
}

void gf_http_response_init(struct gf_http_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    gf_buf_init(&resp->body, 0);
}

void gf_http_response_release(struct gf_http_response *resp)
{
    if (resp->secret) {
        gf_buf_release_secret(&resp->body);
        headers_wipe(&resp->headers);
    } else {
        gf_buf_release(&resp->body);
    }
    gf_http_headers_release(&resp->headers);
    gf_http_response_init(resp);
}

void gf_http_response_move(struct gf_http_response *dst, struct gf_http_response *src)
{
    if (dst == src)
        return;
    gf_http_response_release(dst);
    *dst = *src;
    gf_http_response_init(src);
}

const char *gf_http_response_request_id(const struct gf_http_response *resp)
{
    const char *id = gf_http_headers_get(&resp->headers, "x-amzn-RequestId");

    if (!id)
        id = gf_http_headers_get(&resp->headers, "x-amz-request-id");
    return id;
}

/* ---- redaction -------------------------------------------------------------------------- */

bool gf_http_header_is_secret(const char *name)
{
    static const char *const secret[] = {"authorization",
                                         "proxy-authorization",
                                         "x-amz-security-token",
                                         "x-aws-ec2-metadata-token",
                                         "cookie",
                                         "set-cookie",
                                         NULL};
    size_t i;

    for (i = 0; secret[i]; i++) {
        if (strcasecmp(name, secret[i]) == 0)
            return true;
    }
    return false;
}

static bool query_name_is_secret(struct gf_slice name)
{
    static const char *const secret[] = {"X-Amz-Signature", "X-Amz-Credential",
                                         "X-Amz-Security-Token", NULL};
    size_t i;

    for (i = 0; secret[i]; i++) {
        if (name.len == strlen(secret[i]) && strncasecmp(name.ptr, secret[i], name.len) == 0)
            return true;
    }
    return false;
}

/* Append one "name=value" query parameter, its value redacted when secret. */
static void redact_param(struct gf_buf *out, struct gf_slice param)
{
    long eq = gf_slice_find(param, '=', 0);
    struct gf_slice name = eq < 0 ? param : gf_slice_sub(param, 0, (size_t)eq);

    if (eq >= 0 && query_name_is_secret(name)) {
        gf_buf_put_slice(out, name);
        gf_buf_puts(out, "=REDACTED");
        return;
    }
    gf_buf_put_slice(out, param);
}

int gf_http_redact_url(struct gf_buf *out, const char *url)
{
    struct gf_slice u = gf_slice_from(url);
    long q = gf_slice_find(u, '?', 0);
    size_t pos;

    if (q < 0) {
        gf_buf_put_slice(out, u);
        return gf_buf_failed(out) ? GF_ENOMEM : 0;
    }
    gf_buf_put_slice(out, gf_slice_sub(u, 0, (size_t)q + 1));
    pos = (size_t)q + 1;
    while (pos <= u.len) {
        long amp = gf_slice_find(u, '&', pos);
        size_t end = amp < 0 ? u.len : (size_t)amp;

        redact_param(out, gf_slice_sub(u, pos, end - pos));
        if (amp < 0)
            break;
        gf_buf_putc(out, '&');
        pos = end + 1;
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

static void headers_for_log(struct gf_buf *out, const struct gf_http_headers *h)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        const char *v = gf_http_header_is_secret(h->items[i].name) ? "REDACTED" : h->items[i].value;

        gf_buf_printf(out, "%s%s: %s", i ? "; " : "", h->items[i].name, v);
    }
}

static void trace_request(const struct call *c, int attempt)
{
    struct gf_buf url = GF_BUF_INIT;
    struct gf_buf hdrs = GF_BUF_INIT;

    gf_http_redact_url(&url, c->req.url.ptr);
    headers_for_log(&hdrs, &c->req.headers);
    gf_log_trace(LOG_MOD, "http request", GF_F_STR("aws_service", c->req.service),
                 GF_F_STR("aws_op", c->req.operation), GF_F_STR("method", c->req.method),
                 GF_F_STR("url", url.ptr), GF_F_STR("headers", hdrs.ptr),
                 GF_F_INT("body_bytes", c->req.body.len), GF_F_INT("attempt", attempt));
    gf_buf_release(&url);
    gf_buf_release(&hdrs);
}

static void trace_response(const struct call *c)
{
    struct gf_buf hdrs = GF_BUF_INIT;

    headers_for_log(&hdrs, &c->resp.headers);
    gf_log_trace(LOG_MOD, "http response", GF_F_STR("aws_service", c->req.service),
                 GF_F_STR("aws_op", c->req.operation), GF_F_INT("http_status", c->resp.status),
                 GF_F_STR("headers", hdrs.ptr), GF_F_INT("body_bytes", c->resp.body.len),
                 GF_F_INT("attempt", c->resp.attempts));
    gf_buf_release(&hdrs);
}

/* ---- lists and buckets ------------------------------------------------------------------ */

static void list_push(struct call_list *l, struct call *c)
{
    c->next = NULL;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
}

static struct call *list_pop(struct call_list *l)
{
    struct call *c = l->head;

    if (c) {
        l->head = c->next;
        if (!l->head)
            l->tail = NULL;
        c->next = NULL;
    }
    return c;
}

static struct bucket *bucket_get(struct gf_http *http, const char *service)
{
    struct bucket *b;

    for (b = http->buckets; b; b = b->next) {
        if (strcmp(b->service, service) == 0)
            return b;
    }
    b = gf_calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->service = gf_strdup(service);
    if (!b->service) {
        gf_free(b);
        return NULL;
    }
    gf_ratelimit_init(&b->rl, http->opts.rate_per_s, http->opts.burst);
    b->next = http->buckets;
    http->buckets = b;
    return b;
}

int gf_http_set_rate(struct gf_http *http, const char *service, double rate_per_s, double burst)
{
    struct bucket *b = bucket_get(http, service);

    if (!b)
        return gf_error_oom();
    gf_ratelimit_init(&b->rl, rate_per_s, burst);
    return 0;
}

static int64_t now_ms(const struct gf_http *http)
{
    return gf_clock_mono_ms(http->opts.clock);
}

/* Schedule c to start `delay_ms` from now, after its service's rate limit. */
static void schedule(struct gf_http *http, struct call *c, int64_t delay_ms)
{
    int64_t now = now_ms(http);
    struct bucket *b = bucket_get(http, c->req.service);

    c->due_ms = now + delay_ms;
    if (b)
        c->due_ms += gf_ratelimit_reserve(&b->rl, c->due_ms);
    list_push(&http->waiting, c);
}

/* ---- engine lifecycle ------------------------------------------------------------------- */

int gf_http_new(struct gf_http **out, const struct gf_http_opts *opts)
{
    static const struct gf_http_opts defaults = GF_HTTP_OPTS_INIT;
    struct gf_http *http = NULL;

    *out = NULL;
    pthread_once(&s_curl_once, curl_init_once);
    if (s_curl_init_rc != CURLE_OK)
        return gf_error_set(GF_ERROR, "cannot initialise libcurl: %s",
                            curl_easy_strerror(s_curl_init_rc));
    http = gf_calloc(1, sizeof(*http));
    if (!http)
        return gf_error_oom();
    http->opts = opts ? *opts : defaults;
    if (!http->opts.clock)
        http->opts.clock = gf_clock_system();
    if (!http->opts.classify)
        http->opts.classify = gf_retry_classify_default;
    if (http->opts.retry.max_attempts < 1)
        http->opts.retry.max_attempts = GF_RETRY_MAX_ATTEMPTS_DEFAULT;
    if (!http->opts.user_agent)
        http->opts.user_agent = "gitfargate";
    gf_retry_quota_init(&http->quota);
    http->multi = curl_multi_init();
    if (!http->multi) {
        gf_free(http);
        return gf_error_oom();
    }
    if (http->opts.max_connections > 0) {
        curl_multi_setopt(http->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, http->opts.max_connections);
        curl_multi_setopt(http->multi, CURLMOPT_MAXCONNECTS, http->opts.max_connections);
    }
    *out = http;
    return 0;
}

/* Free the curl header list, wiping its lines first when the call carries secrets. */
static void slist_free(struct call *c)
{
    struct curl_slist *l;

    if (c->req.secret) {
        for (l = c->slist; l; l = l->next)
            explicit_bzero(l->data, strlen(l->data));
    }
    curl_slist_free_all(c->slist);
    c->slist = NULL;
}

static void call_free(struct call *c)
{
    if (!c)
        return;
    slist_free(c);
    gf_http_request_release(&c->req);
    gf_http_response_release(&c->resp);
    gf_free(c);
}

static void free_list(struct call_list *l)
{
    struct call *c;

    while ((c = list_pop(l)))
        call_free(c);
}

void gf_http_free(struct gf_http *http)
{
    struct call *c;
    struct bucket *b;
    size_t i;

    if (!http)
        return;
    while ((c = http->running_list)) {
        http->running_list = c->run_next;
        curl_multi_remove_handle(http->multi, c->easy);
        curl_easy_cleanup(c->easy);
        call_free(c);
    }
    free_list(&http->waiting);
    free_list(&http->done);
    for (i = 0; i < http->npool; i++)
        curl_easy_cleanup(http->pool[i]);
    while ((b = http->buckets)) {
        http->buckets = b->next;
        gf_free(b->service);
        gf_free(b);
    }
    curl_multi_cleanup(http->multi);
    gf_free(http);
}

size_t gf_http_pending(const struct gf_http *http)
{
    return http->pending;
}

struct gf_retry_quota *gf_http_retry_quota(struct gf_http *http)
{
    return &http->quota;
}

long gf_http_connections_opened(const struct gf_http *http)
{
    return http->connections;
}

/* ---- submit ----------------------------------------------------------------------------- */

int gf_http_submit(struct gf_http *http, struct gf_http_request *req, gf_http_done_fn *done,
                   void *payload)
{
    struct call *c;

    if (!req->method || !req->method[0] || req->url.len == 0)
        return gf_error_set(GF_EINVALID, "http request without a method or url");
    c = gf_calloc(1, sizeof(*c));
    if (!c)
        return gf_error_oom();
    c->http = http;
    c->req = *req;
    if (!c->req.service)
        c->req.service = "";
    if (!c->req.operation)
        c->req.operation = "";
    gf_http_request_init(req, NULL, NULL);
    gf_http_response_init(&c->resp);
    c->resp.secret = c->req.secret;
    c->done = done;
    c->payload = payload;
    c->max_bytes =
        c->req.max_response_bytes ? c->req.max_response_bytes : http->opts.max_response_bytes;
    http->pending++;
    schedule(http, c, 0);
    return 0;
}

/* ---- one attempt ------------------------------------------------------------------------ */

/* Append to a body that holds secrets. gf_buf_put would realloc, leaving a copy of the bytes in
 * freed memory; here a larger buffer is allocated, filled, and the old one wiped and freed. */
static int secret_put(struct gf_buf *b, const char *data, size_t n)
{
    struct gf_buf bigger;
    size_t want;

    if (b->len + n + 1 > b->cap) {
        want = b->cap ? b->cap : 1024;
        while (want < b->len + n + 1 && want < SIZE_MAX / 2)
            want *= 2;
        gf_buf_init(&bigger, b->max);
        if (gf_buf_grow(&bigger, want) < 0 || gf_buf_put(&bigger, b->ptr, b->len) < 0) {
            gf_buf_release_secret(&bigger);
            gf_buf_release_secret(b);
            return GF_ENOMEM;
        }
        gf_buf_release_secret(b);
        *b = bigger;
    }
    return gf_buf_put(b, data, n);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct call *c = userp;
    size_t n = size * nmemb;
    int rc;

    if (c->max_bytes && c->resp.body.len + n > c->max_bytes) {
        c->too_large = true;
        return 0;
    }
    if (c->resp.secret)
        rc = secret_put(&c->resp.body, data, n);
    else
        rc = gf_buf_put(&c->resp.body, data, n);
    return rc < 0 ? 0 : n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct call *c = userp;
    size_t n = size * nmemb;
    struct gf_slice line = gf_slice_trim(gf_slice_make(data, n));
    long colon;
    char *name = NULL;
    char *value = NULL;
    int rc;

    if (gf_slice_starts_with(line, "HTTP/")) {
        /* A new response (after 100 Continue, say): keep only the final one's headers. */
        gf_http_headers_clear(&c->resp.headers);
        return n;
    }
    colon = gf_slice_find(line, ':', 0);
    if (colon <= 0)
        return n;
    name = gf_slice_dup(gf_slice_trim(gf_slice_sub(line, 0, (size_t)colon)));
    value = gf_slice_dup(gf_slice_trim(gf_slice_sub(line, (size_t)colon + 1, line.len)));
    rc = (name && value) ? gf_http_headers_add(&c->resp.headers, name, value) : GF_ENOMEM;
    gf_free(name);
    gf_free(value);
    return rc < 0 ? 0 : n;
}

static int slist_add(struct call *c, const char *line)
{
    struct curl_slist *next = curl_slist_append(c->slist, line);

    if (!next)
        return gf_error_oom();
    c->slist = next;
    return 0;
}

static int build_slist(struct call *c)
{
    struct gf_buf line = GF_BUF_INIT;
    size_t i;
    int rc = 0;

    for (i = 0; i < c->req.headers.count && rc == 0; i++) {
        const struct gf_http_header *h = &c->req.headers.items[i];

        gf_buf_clear(&line);
        /* "Name;" is curl's way to send a header with an empty value. */
        if (h->value[0])
            gf_buf_printf(&line, "%s: %s", h->name, h->value);
        else
            gf_buf_printf(&line, "%s;", h->name);
        rc = gf_buf_failed(&line) ? gf_error_oom() : slist_add(c, line.ptr);
    }
    /* No "Expect: 100-continue" round trip; no form content type curl would invent. */
    if (rc == 0 && !gf_http_headers_get(&c->req.headers, "Expect"))
        rc = slist_add(c, "Expect:");
    if (rc == 0 && !gf_http_headers_get(&c->req.headers, "Content-Type"))
        rc = slist_add(c, "Content-Type:");
    gf_buf_release_secret(&line);
    return rc;
}

static void set_method(CURL *e, const struct gf_http_request *req)
{
    const char *m = req->method;

    if (strcmp(m, "GET") == 0 && req->body.len == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (req->body.len || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body.ptr);
        if (strcmp(m, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    }
}

static CURL *easy_get(struct gf_http *http)
{
    if (http->npool > 0)
        return http->pool[--http->npool];
    return curl_easy_init();
}

static void easy_put(struct gf_http *http, CURL *e)
{
    if (http->npool < EASY_POOL_MAX) {
        curl_easy_reset(e);
        http->pool[http->npool++] = e;
        return;
    }
    curl_easy_cleanup(e);
}

static void setup_easy(struct gf_http *http, struct call *c)
{
    CURL *e = c->easy;
    int64_t connect_ms =
        c->req.connect_timeout_ms ? c->req.connect_timeout_ms : http->opts.connect_timeout_ms;
    int64_t total_ms = c->req.timeout_ms ? c->req.timeout_ms : http->opts.timeout_ms;

    curl_easy_setopt(e, CURLOPT_URL, c->req.url.ptr);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)c);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L); /* always: there is no option to turn off */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)total_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, http->opts.user_agent);
    if (c->max_bytes)
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_bytes);
    if (c->req.no_proxy)
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->slist);
    set_method(e, &c->req);
}

static void finish(struct gf_http *http, struct call *c, int rc);

/* Start c's next attempt; on failure the call completes with the error. */
static void start_attempt(struct gf_http *http, struct call *c)
{
    int attempt = c->resp.attempts + 1;
    int rc;

    if (attempt == 1)
        c->start_ms = now_ms(http);
    c->resp.attempts = attempt;
    if (c->req.before_attempt) {
        rc = c->req.before_attempt(&c->req, attempt, c->req.before_attempt_payload);
        if (rc < 0) {
            finish(http, c, rc);
            return;
        }
    }
    gf_http_headers_clear(&c->resp.headers);
    gf_buf_clear(&c->resp.body);
    c->resp.status = 0;
    c->resp.fault = GF_HTTP_FAULT_NONE;
    c->too_large = false;
    c->errbuf[0] = '\0';
    slist_free(c);
    rc = build_slist(c);
    if (rc < 0) {
        finish(http, c, rc);
        return;
    }
    c->easy = easy_get(http);
    if (!c->easy) {
        finish(http, c, gf_error_oom());
        return;
    }
    setup_easy(http, c);
    if (gf_log_enabled(GF_LOG_TRACE, LOG_MOD))
        trace_request(c, attempt);
    if (curl_multi_add_handle(http->multi, c->easy) != CURLM_OK) {
        easy_put(http, c->easy);
        c->easy = NULL;
        finish(http, c, gf_error_set(GF_ERROR, "cannot add a transfer to the curl multi handle"));
        return;
    }
    http->running++;
    c->run_prev = NULL;
    c->run_next = http->running_list;
    if (c->run_next)
        c->run_next->run_prev = c;
    http->running_list = c;
}

/* Start every waiting call that is due. Detach them first: a before_attempt hook may drive the
 * engine again (a credentials refresh through gf_http_send). */
static void start_due(struct gf_http *http)
{
    struct call_list due = {NULL, NULL};
    struct call_list later = {NULL, NULL};
    int64_t now = now_ms(http);
    struct call *c;

    while ((c = list_pop(&http->waiting)))
        list_push(c->due_ms <= now ? &due : &later, c);
    http->waiting = later;
    while ((c = list_pop(&due)))
        start_attempt(http, c);
}

/* ---- completion ------------------------------------------------------------------------- */

static enum gf_http_fault fault_from_curl(CURLcode res, bool too_large)
{
    switch (res) {
    case CURLE_OK:
        return GF_HTTP_FAULT_NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return GF_HTTP_FAULT_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return GF_HTTP_FAULT_TIMEOUT;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return GF_HTTP_FAULT_DROPPED;
    case CURLE_FILESIZE_EXCEEDED:
        return GF_HTTP_FAULT_TOO_LARGE;
    case CURLE_WRITE_ERROR:
        return too_large ? GF_HTTP_FAULT_TOO_LARGE : GF_HTTP_FAULT_OTHER;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return GF_HTTP_FAULT_TLS;
    default:
        return GF_HTTP_FAULT_OTHER;
    }
}

/* Set the gf_error for an attempt that got no HTTP response; returns its code. */
static int fault_error(const struct call *c, CURLcode res)
{
    struct gf_buf url = GF_BUF_INIT;
    const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(res);
    int code = GF_ERROR;

    gf_http_redact_url(&url, c->req.url.ptr);
    switch (c->resp.fault) {
    case GF_HTTP_FAULT_CONNECT:
    case GF_HTTP_FAULT_TIMEOUT:
    case GF_HTTP_FAULT_DROPPED:
        code = GF_ERETRY;
        break;
    case GF_HTTP_FAULT_TOO_LARGE:
        gf_error_set(GF_ENOMEM, "response from '%s' is larger than %zu bytes", url.ptr,
                     c->max_bytes);
        gf_buf_release(&url);
        return GF_ENOMEM;
    default:
        break;
    }
    gf_error_set(code, "%s %s failed after %d attempt%s: %s", c->req.method, url.ptr,
                 c->resp.attempts, c->resp.attempts == 1 ? "" : "s", why);
    gf_buf_release(&url);
    return code;
}

static void observe(struct gf_http *http, const struct call *c, int rc)
{
    struct gf_http_call_info info;
    const char *rid = gf_http_response_request_id(&c->resp);

    info.service = c->req.service;
    info.operation = c->req.operation;
    info.method = c->req.method;
    info.http_status = c->resp.status;
    info.aws_code = c->resp.aws_code;
    info.request_id = rid ? rid : "";
    info.latency_ms = c->resp.latency_ms;
    info.attempts = c->resp.attempts;
    info.rc = rc;
    gf_log_debug(LOG_MOD, "aws call", GF_F_STR("aws_service", info.service),
                 GF_F_STR("aws_op", info.operation), GF_F_INT("http_status", info.http_status),
                 GF_F_STR("aws_code", info.aws_code), GF_F_STR("request_id", info.request_id),
                 GF_F_INT("latency_ms", info.latency_ms), GF_F_INT("attempts", info.attempts));
    if (http->opts.observer)
        http->opts.observer(&info, http->opts.observer_payload);
}

/* The call is over (rc 0 or an error already set): report it and queue its callback. */
static void finish(struct gf_http *http, struct call *c, int rc)
{
    c->rc = rc;
    if (rc < 0) {
        if (!gf_error_last()->where[0])
            gf_error_where("%s:%s", c->req.service, c->req.operation);
        gf_error_copy(&c->err, gf_error_last());
    } else {
        memset(&c->err, 0, sizeof(c->err));
    }
    if (c->resp.status >= 200 && c->resp.status < 300)
        gf_retry_quota_release(&http->quota, c->last_taken);
    c->resp.latency_ms = now_ms(http) - c->start_ms;
    observe(http, c, rc);
    list_push(&http->done, c);
}

static void classify(struct gf_http *http, struct call *c)
{
    struct gf_retry_class cls;

    /* The injected classifier reads HTTP responses; faults are the engine's to classify. */
    if (c->resp.fault == GF_HTTP_FAULT_NONE && c->req.classify)
        c->req.classify(&cls, &c->resp, c->req.classify_payload);
    else if (c->resp.fault == GF_HTTP_FAULT_NONE)
        http->opts.classify(&cls, &c->resp, http->opts.classify_payload);
    else
        gf_retry_classify_default(&cls, &c->resp, NULL);
    memcpy(c->resp.aws_code, cls.aws_code, sizeof(c->resp.aws_code));
    c->resp.aws_code[sizeof(c->resp.aws_code) - 1] = '\0';
    c->resp.retry_kind = cls.kind;
}

static void attempt_done(struct gf_http *http, struct call *c, CURLcode res)
{
    struct gf_retry_opts ropts = http->opts.retry;
    struct gf_retry_class cls;
    int64_t delay_ms = 0;
    long status = 0;
    long conns = 0;
    int taken = 0;

    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &conns);
    http->connections += conns;
    curl_multi_remove_handle(http->multi, c->easy);
    http->running--;
    if (c->run_prev)
        c->run_prev->run_next = c->run_next;
    else
        http->running_list = c->run_next;
    if (c->run_next)
        c->run_next->run_prev = c->run_prev;
    easy_put(http, c->easy);
    c->easy = NULL;
    c->resp.fault = fault_from_curl(res, c->too_large);
    c->resp.status = c->resp.fault == GF_HTTP_FAULT_NONE ? (int)status : 0;
    if (gf_log_enabled(GF_LOG_TRACE, LOG_MOD))
        trace_response(c);
    classify(http, c);
    if (c->req.max_attempts > 0)
        ropts.max_attempts = c->req.max_attempts;
    cls.kind = c->resp.retry_kind;
    memcpy(cls.aws_code, c->resp.aws_code, sizeof(cls.aws_code));
    if (gf_retry_decide(&taken, &delay_ms, &ropts, &http->quota, &cls, c->resp.attempts)) {
        c->last_taken = taken;
        gf_log_debug(LOG_MOD, "retrying", GF_F_STR("aws_service", c->req.service),
                     GF_F_STR("aws_op", c->req.operation), GF_F_INT("http_status", c->resp.status),
                     GF_F_STR("aws_code", c->resp.aws_code), GF_F_INT("attempt", c->resp.attempts),
                     GF_F_INT("delay_ms", delay_ms));
        schedule(http, c, delay_ms);
        return;
    }
    finish(http, c, c->resp.fault == GF_HTTP_FAULT_NONE ? 0 : fault_error(c, res));
}

static int perform(struct gf_http *http)
{
    CURLMsg *msg;
    int still = 0;
    int left = 0;
    CURLMcode mrc = curl_multi_perform(http->multi, &still);

    if (mrc != CURLM_OK)
        return gf_error_set(GF_ERROR, "curl multi: %s", curl_multi_strerror(mrc));
    while ((msg = curl_multi_info_read(http->multi, &left))) {
        struct call *c = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
        attempt_done(http, c, msg->data.result);
    }
    return 0;
}

/* Deliver every queued completion; returns how many. */
static size_t deliver(struct gf_http *http)
{
    struct call *c;
    size_t n = 0;

    while ((c = list_pop(&http->done))) {
        http->pending--;
        if (c->done)
            c->done(c->rc, &c->resp, c->rc < 0 ? &c->err : NULL, c->payload);
        call_free(c);
        n++;
    }
    return n;
}

static int64_t next_wait_ms(struct gf_http *http, int64_t max_wait_ms)
{
    int64_t now = now_ms(http);
    int64_t wait = max_wait_ms;
    const struct call *c;

    for (c = http->waiting.head; c; c = c->next) {
        int64_t d = c->due_ms - now;

        if (d < wait)
            wait = d < 0 ? 0 : d;
    }
    return wait;
}

static int step(struct gf_http *http)
{
    start_due(http);
    return perform(http);
}

int gf_http_run_once(struct gf_http *http, int64_t max_wait_ms)
{
    int64_t wait;
    int rc;

    rc = step(http);
    if (rc < 0)
        return rc;
    if (deliver(http) > 0 || http->pending == 0 || max_wait_ms <= 0)
        return (int)http->pending;
    wait = next_wait_ms(http, max_wait_ms);
    if (http->running > 0) {
        CURLMcode mrc = curl_multi_poll(http->multi, NULL, 0, (int)wait, NULL);

        if (mrc != CURLM_OK)
            return gf_error_set(GF_ERROR, "curl multi: %s", curl_multi_strerror(mrc));
    } else if (wait > 0) {
        http->opts.clock->sleep_ms(http->opts.clock->payload, wait);
    }
    rc = step(http);
    if (rc < 0)
        return rc;
    deliver(http);
    return (int)http->pending;
}

int gf_http_run_all(struct gf_http *http)
{
    int rc;

    do {
        rc = gf_http_run_once(http, 1000);
    } while (rc > 0);
    return rc < 0 ? rc : 0;
}

/* ---- the blocking call ------------------------------------------------------------------ */

struct send_state {
    bool done;
    int rc;
    struct gf_error err;
    struct gf_http_response *out;
};

static void send_done(int rc, struct gf_http_response *resp, const struct gf_error *err,
                      void *payload)
{
    struct send_state *st = payload;

    st->done = true;
    st->rc = rc;
    if (err)
        gf_error_copy(&st->err, err);
    gf_http_response_move(st->out, resp);
}

static void forget_in(struct call *c, const void *payload, bool running)
{
    for (; c; c = running ? c->run_next : c->next) {
        if (c->payload == payload)
            c->done = NULL;
    }
}

/* Detach every call's callback whose payload is `payload`. */
static void forget(struct gf_http *http, const void *payload)
{
    forget_in(http->waiting.head, payload, false);
    forget_in(http->done.head, payload, false);
    forget_in(http->running_list, payload, true);
}

int gf_http_send(struct gf_http_response *out, struct gf_http *http,
                 const struct gf_http_request *req)
{
    struct gf_http_request copy;
    struct send_state st;
    int rc;

    memset(&st, 0, sizeof(st));
    st.out = out;
    gf_http_response_release(out);
    rc = request_copy(&copy, req);
    if (rc == 0)
        rc = gf_http_submit(http, &copy, send_done, &st);
    gf_http_request_release(&copy);
    if (rc < 0)
        return rc;
    while (!st.done) {
        rc = gf_http_run_once(http, 1000);
        if (rc < 0) {
            forget(http, &st); /* st lives on this stack: nothing may call back into it */
            return rc;
        }
    }
    if (st.rc < 0)
        return gf_error_restore(&st.err);
    return 0;
}
