/* SPDX-License-Identifier: Apache-2.0 */
/* client.c: the AWS call layer (the "apply" step's door to AWS): config, region, one credentials
 * provider and one http engine per client; each call is encoded by the codec, routed by the
 * endpoint resolver, signed before every attempt, retried on classified errors and decoded. */
#define _DEFAULT_SOURCE
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/awsconfig.h"
#include "aws/awserror.h"
#include "aws/client.h"
#include "aws/codec.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "aws/svc_sts.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define DEFAULT_MAX_PAGES 1000

struct gf_aws_client {
    struct gf_awsconfig cfg;
    char *region;
    const char *region_source; /* a literal */
    char *endpoint_url;
    const struct gf_env *env;
    const struct gf_clock *clock;
    gf_aws_observe_fn *observer;
    void *observer_payload;
    gf_aws_before_fn *before;
    void *before_payload;
    struct gf_http *http;
    bool own_http;
    struct gf_creds_provider *creds;
    struct gf_creds_sts sts;
    struct gf_endpoint_service_url *svc_urls;
    struct gf_endpoint_config epcfg;
    unsigned decode_flags;
};

/* One call in flight: the before_attempt and completion payload. */
struct call {
    struct gf_aws_client *client;
    const struct gf_aws_service *svc;
    char *op;
    struct gf_endpoint ep;
    struct gf_creds creds;
    bool unsigned_request;
    bool secret_response;
    gf_aws_done_fn *done;
    void *payload;
};

/* ---- creation ------------------------------------------------------------------------------ */

static int bool_setting(const char *v)
{
    if (!v)
        return -1;
    return strcasecmp(v, "true") == 0 ? 1 : 0;
}

static int endpoint_config(struct gf_aws_client *c)
{
    size_t n = 0, i;

    for (i = 0; gf_aws_services[i]; i++)
        n++;
    c->svc_urls = gf_calloc(n + 1, sizeof(*c->svc_urls));
    if (!c->svc_urls)
        return gf_error_oom();
    n = 0;
    for (i = 0; gf_aws_services[i]; i++) {
        const char *url = gf_awsconfig_service_endpoint(&c->cfg, gf_aws_services[i]->config_key);

        if (url) {
            c->svc_urls[n].config_key = gf_aws_services[i]->config_key;
            c->svc_urls[n].endpoint_url = url;
            n++;
        }
    }
    c->epcfg.services = c->svc_urls;
    c->epcfg.nservices = n;
    c->epcfg.profile_endpoint_url = gf_awsconfig_endpoint_url(&c->cfg);
    c->epcfg.ignore_configured_endpoint_urls =
        bool_setting(gf_awsconfig_get(&c->cfg, "ignore_configured_endpoint_urls"));
    c->epcfg.sts_regional_endpoints = gf_awsconfig_get(&c->cfg, "sts_regional_endpoints");
    /* `s3 =` / `addressing_style = path|virtual|auto` (botocore args.py) */
    return gf_awsconfig_s3_addressing_style(&c->epcfg.s3_addressing_style, &c->cfg);
}

static int make_engine(struct gf_aws_client *c, const struct gf_aws_client_opts *opts)
{
    struct gf_http_opts hopts = GF_HTTP_OPTS_INIT;
    int rc;

    if (opts->http) {
        c->http = opts->http;
        return 0;
    }
    if (opts->http_opts) {
        hopts = *opts->http_opts;
    } else {
        rc = gf_retry_opts_from_env(&hopts.retry, c->env);
        if (rc < 0)
            return rc;
    }
    hopts.classify = gf_aws_client_classify;
    hopts.classify_payload = NULL;
    if (!hopts.clock)
        hopts.clock = c->clock;
    rc = gf_http_new(&c->http, &hopts);
    if (rc < 0)
        return rc;
    c->own_http = true;
    return 0;
}

static int make_creds(struct gf_aws_client *c, const struct gf_aws_client_opts *opts)
{
    struct gf_creds_opts copts = GF_CREDS_OPTS_INIT;

    if (opts->creds_opts)
        copts = *opts->creds_opts;
    gf_sts_creds_sts(&c->sts, c);
    copts.config = &c->cfg;
    copts.sts = &c->sts;
    copts.region = c->region;
    copts.clock = c->clock;
    return gf_creds_provider_new_chain(&c->creds, &copts);
}

static int client_init(struct gf_aws_client *c, const struct gf_aws_client_opts *opts)
{
    struct gf_awsconfig_opts copts = GF_AWSCONFIG_OPTS_INIT;
    const char *region = NULL;
    int rc;

    c->env = opts->env ? opts->env : gf_env_system();
    c->clock = opts->clock ? opts->clock : gf_clock_system();
    c->observer = opts->observer;
    c->observer_payload = opts->observer_payload;
    c->before = opts->before;
    c->before_payload = opts->before_payload;
    c->decode_flags = opts->decode_flags;
    copts.profile = opts->profile;
    copts.env = c->env;
    rc = gf_awsconfig_load(&c->cfg, &copts);
    if (rc < 0)
        return rc;
    rc = gf_awsconfig_region(&region, &c->region_source, &c->cfg, opts->region,
                             opts->stack_region);
    if (rc < 0)
        return rc;
    c->region = gf_strdup(region);
    if (!c->region)
        return gf_error_oom();
    if (opts->endpoint_url) {
        c->endpoint_url = gf_strdup(opts->endpoint_url);
        if (!c->endpoint_url)
            return gf_error_oom();
    }
    rc = endpoint_config(c);
    if (rc < 0)
        return rc;
    rc = make_engine(c, opts);
    if (rc < 0)
        return rc;
    return make_creds(c, opts);
}

int gf_aws_client_new(struct gf_aws_client **out, const struct gf_aws_client_opts *opts)
{
    struct gf_aws_client_opts defaults = GF_AWS_CLIENT_OPTS_INIT;
    struct gf_aws_client *c = NULL;
    int rc;

    *out = NULL;
    c = gf_calloc(1, sizeof(*c));
    if (!c)
        return gf_error_oom();
    c->epcfg = (struct gf_endpoint_config)GF_ENDPOINT_CONFIG_INIT;
    rc = client_init(c, opts ? opts : &defaults);
    if (rc < 0) {
        gf_aws_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void gf_aws_client_free(struct gf_aws_client *client)
{
    if (!client)
        return;
    if (client->creds)
        gf_creds_provider_free(client->creds);
    if (client->own_http)
        gf_http_free(client->http);
    gf_free(client->svc_urls);
    gf_free(client->endpoint_url);
    gf_free(client->region);
    gf_awsconfig_release(&client->cfg);
    gf_free(client);
}

const char *gf_aws_client_region(const struct gf_aws_client *client)
{
    return client->region;
}

const char *gf_aws_client_region_source(const struct gf_aws_client *client)
{
    return client->region_source ? client->region_source : "";
}

const char *gf_aws_client_profile(const struct gf_aws_client *client)
{
    return client->cfg.profile ? client->cfg.profile : "default";
}

struct gf_http *gf_aws_client_http(struct gf_aws_client *client)
{
    return client->http;
}

int gf_aws_client_creds(struct gf_creds *out, struct gf_aws_client *client)
{
    return gf_creds_provider_get(out, client->creds);
}

/* ---- classification ------------------------------------------------------------------------ */

/* Build a borrowed gf_aws_msg view of a response; *headers_out is owned (gf_free). */
static int response_msg(struct gf_aws_msg *msg, struct gf_aws_header **headers_out,
                        const struct gf_http_response *resp)
{
    struct gf_aws_header *h = NULL;
    size_t i;

    memset(msg, 0, sizeof(*msg));
    *headers_out = NULL;
    if (resp->headers.count) {
        h = gf_calloc(resp->headers.count, sizeof(*h));
        if (!h)
            return gf_error_oom();
    }
    for (i = 0; i < resp->headers.count; i++) {
        h[i].name = resp->headers.items[i].name;
        h[i].value = resp->headers.items[i].value;
    }
    msg->status = resp->status;
    msg->headers = h;
    msg->nheaders = resp->headers.count;
    msg->body = gf_buf_slice(&resp->body);
    *headers_out = h;
    return 0;
}

/* Without a service (an engine-wide classifier on a request the call layer did not make), pick
 * a parser by the body's syntax: the rest-json parser reads x-amzn-ErrorType, __type, code and
 * ErrorCode; the query parser reads <ErrorResponse>, EC2's <Response><Errors> and S3's <Error>. */
static const struct gf_aws_service *guess_service(const struct gf_http_response *resp)
{
    struct gf_slice body = gf_slice_trim(gf_buf_slice(&resp->body));

    return body.len && body.ptr[0] == '{' ? &gf_aws_efs : &gf_aws_sts;
}

void gf_aws_client_classify(struct gf_retry_class *out, const struct gf_http_response *resp,
                            void *payload)
{
    struct gf_aws_header *headers = NULL;
    struct gf_aws_error e;
    struct gf_aws_msg msg;
    const struct gf_aws_service *svc = payload ? payload : guess_service(resp);

    if (resp->status >= 200 && resp->status < 300) {
        gf_retry_classify_code(out, resp->status, NULL);
        return;
    }
    if (response_msg(&msg, &headers, resp) < 0 || gf_aws_error_parse(&e, svc, &msg) < 0) {
        gf_free(headers);
        gf_retry_classify_default(out, resp, NULL);
        return;
    }
    gf_free(headers);
    gf_retry_classify_code(out, resp->status, e.code);
    if (out->kind == GF_RETRY_NO && e.query_code[0]) {
        gf_retry_classify_code(out, resp->status, e.query_code);
        snprintf(out->aws_code, sizeof(out->aws_code), "%s", e.code);
    }
}

/* ---- signing -------------------------------------------------------------------------------- */

/* Split an absolute URL into its path and query (borrowed from url). */
static void split_url(struct gf_slice *path, struct gf_slice *query, const char *url)
{
    const char *p = strstr(url, "://");
    const char *q;

    p = p ? strchr(p + 3, '/') : NULL;
    *path = gf_slice_from("/");
    *query = gf_slice_from("");
    if (!p) {
        q = strchr(url, '?');
        if (q)
            *query = gf_slice_from(q + 1);
        return;
    }
    q = strchr(p, '?');
    *path = q ? gf_slice_make(p, (size_t)(q - p)) : gf_slice_from(p);
    if (q)
        *query = gf_slice_from(q + 1);
}

static int add_signed_headers(struct gf_http_request *req, const struct gf_sigv4_signed *s)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < s->n_add && rc == 0; i++) {
        char *name = gf_slice_dup(s->add[i].name);
        char *value = gf_slice_dup(s->add[i].value);

        if (!name || !value)
            rc = gf_error_oom();
        else
            rc = gf_http_headers_set(&req->headers, name, value);
        gf_free(name);
        if (value)
            explicit_bzero(value, s->add[i].value.len);
        gf_free(value);
    }
    return rc;
}

static void sign_params(struct gf_sigv4_params *params, struct gf_sigv4_creds *sc,
                        const struct call *c, struct gf_slice host)
{
    sc->access_key_id = gf_slice_from(c->creds.access_key_id);
    sc->secret_access_key = gf_buf_slice(&c->creds.secret_access_key);
    sc->session_token = gf_buf_slice(&c->creds.session_token);
    memset(params, 0, sizeof(*params));
    params->creds = sc;
    params->region = gf_slice_from(c->ep.signing_region);
    params->service = gf_slice_from(c->ep.signing_name);
    params->host = host;
    params->time_ms = gf_clock_wall_ms(c->client->clock);
    params->flags = c->svc == &gf_aws_s3 ? GF_SIGV4_S3 : 0;
}

/* before_attempt: drop the previous attempt's signature, sign again with the current time. */
static int sign_attempt(struct gf_http_request *req, int attempt, void *payload)
{
    struct call *c = payload;
    struct gf_sigv4_header *hs = NULL;
    struct gf_sigv4_signed s;
    struct gf_sigv4_request sreq;
    struct gf_sigv4_params params;
    struct gf_sigv4_creds sc;
    struct gf_buf host = GF_BUF_INIT;
    size_t i;
    int rc;

    (void)attempt;
    gf_sigv4_signed_init(&s);
    if (c->unsigned_request)
        return 0;
    gf_http_headers_remove(&req->headers, "Authorization");
    gf_http_headers_remove(&req->headers, "X-Amz-Date");
    gf_http_headers_remove(&req->headers, "X-Amz-Security-Token");
    gf_http_headers_remove(&req->headers, "X-Amz-Content-SHA256");
    hs = gf_calloc(req->headers.count + 1, sizeof(*hs));
    if (!hs) {
        rc = gf_error_oom();
        goto out;
    }
    for (i = 0; i < req->headers.count; i++) {
        hs[i].name = gf_slice_from(req->headers.items[i].name);
        hs[i].value = gf_slice_from(req->headers.items[i].value);
    }
    rc = gf_sigv4_host_from_url(&host, req->url.ptr);
    if (rc < 0)
        goto out;
    memset(&sreq, 0, sizeof(sreq));
    sreq.method = gf_slice_from(req->method);
    split_url(&sreq.path, &sreq.query, req->url.ptr);
    sreq.headers = hs;
    sreq.n_headers = req->headers.count;
    sreq.body = gf_buf_slice(&req->body);
    sign_params(&params, &sc, c, gf_buf_slice(&host));
    rc = gf_sigv4_sign(&s, &sreq, &params);
    if (rc < 0)
        goto out;
    rc = add_signed_headers(req, &s);
out:
    gf_sigv4_signed_release(&s);
    gf_buf_release(&host);
    gf_free(hs);
    return rc;
}

/* ---- completion ----------------------------------------------------------------------------- */

static void call_free(struct call *c)
{
    if (!c)
        return;
    gf_endpoint_release(&c->ep);
    gf_creds_release(&c->creds);
    gf_free(c->op);
    gf_free(c);
}

static void observe(const struct call *c, const struct gf_http_response *resp, int rc,
                    const char *aws_code, const char *request_id)
{
    struct gf_aws_call_info info;

    if (!c->client->observer)
        return;
    info.service = c->svc->id;
    info.operation = c->op;
    info.http_status = resp ? resp->status : 0;
    info.aws_code = aws_code ? aws_code : "";
    info.request_id = request_id ? request_id : "";
    info.latency_ms = resp ? resp->latency_ms : 0;
    info.attempts = resp ? resp->attempts : 0;
    info.rc = rc;
    c->client->observer(&info, c->client->observer_payload);
}

/* An error reply: parse, map and raise it (credentials that expired are dropped from the
 * cache so the next call fetches fresh ones). */
static int raise_reply(char *code_out, size_t code_size, const struct call *c,
                       const struct gf_aws_msg *msg)
{
    struct gf_aws_error e;
    int rc;

    rc = gf_aws_error_parse(&e, c->svc, msg);
    if (rc < 0)
        return rc;
    snprintf(code_out, code_size, "%s", e.code);
    if (gf_aws_error_is(&e, "ExpiredToken") || gf_aws_error_is(&e, "ExpiredTokenException") ||
        gf_aws_error_is(&e, "RequestExpired"))
        gf_creds_provider_invalidate(c->client->creds);
    return gf_aws_error_raise(&e, c->svc->id, c->op);
}

static int decode_reply(json_t **out, char *code_out, size_t code_size, char *rid_out,
                        size_t rid_size, const struct call *c, const struct gf_http_response *resp)
{
    struct gf_aws_header *headers = NULL;
    struct gf_aws_msg msg;
    int rc;

    rc = response_msg(&msg, &headers, resp);
    if (rc < 0)
        return rc;
    gf_aws_response_request_id(rid_out, rid_size, &msg);
    if (resp->status >= 200 && resp->status < 300) {
        rc = gf_aws_response_decode(out, c->svc, c->op, &msg, c->client->decode_flags);
        if (rc < 0)
            gf_error_where("%s:%s", c->svc->id, c->op);
    } else {
        rc = raise_reply(code_out, code_size, c, &msg);
    }
    gf_free(headers);
    return rc;
}

static void on_http_done(int rc, struct gf_http_response *resp, const struct gf_error *err,
                         void *payload)
{
    struct call *c = payload;
    struct gf_error e;
    json_t *out = NULL;
    char code[128] = "";
    char rid[128] = "";

    memset(&e, 0, sizeof(e));
    if (rc < 0) {
        gf_error_copy(&e, err);
        snprintf(code, sizeof(code), "%s", resp->aws_code);
    } else {
        rc = decode_reply(&out, code, sizeof(code), rid, sizeof(rid), c, resp);
        if (rc < 0)
            gf_error_copy(&e, gf_error_last());
    }
    /* A secret reply (resp->secret) is wiped by the engine when it frees it, after this. */
    observe(c, resp, rc, code, rid);
    c->done(rc, rc < 0 ? NULL : out, rc < 0 ? &e : NULL, c->payload);
    json_decref(out);
    call_free(c);
}

/* ---- submitting ----------------------------------------------------------------------------- */

/* S3 virtual-hosted style moves the leading "/bucket" of the codec's path into the host. */
static int build_url(struct gf_buf *url, const struct call *c, const struct gf_aws_wire *w,
                     const json_t *input)
{
    const char *bucket = json_string_value(json_object_get(input, "Bucket"));
    const char *path = w->path.len ? w->path.ptr : "/";
    size_t blen = bucket ? strlen(bucket) : 0;
    int rc;

    if (c->svc == &gf_aws_s3 && bucket && !c->ep.s3_path_style &&
        gf_endpoint_s3_bucket_is_virtual(bucket) && path[0] == '/' &&
        strncmp(path + 1, bucket, blen) == 0 && (path[1 + blen] == '/' || !path[1 + blen])) {
        const char *rest = path[1 + blen] ? path + 1 + blen : "/";

        rc = gf_endpoint_s3_url(url, &c->ep, bucket, rest);
        if (rc < 0)
            return rc;
    } else {
        gf_buf_puts(url, c->ep.base_url);
        gf_buf_puts(url, path);
    }
    if (w->query.len) {
        gf_buf_putc(url, '?');
        gf_buf_put_slice(url, gf_buf_slice(&w->query));
    }
    return gf_buf_failed(url) ? gf_error_oom() : 0;
}

static int build_request(struct gf_http_request *req, struct call *c, const json_t *input)
{
    struct gf_aws_wire w;
    size_t i;
    int rc;

    gf_aws_wire_init(&w);
    rc = gf_aws_request_encode(&w, c->svc, c->op, input);
    if (rc < 0)
        goto out;
    req->method = w.method; /* a literal */
    rc = build_url(&req->url, c, &w, input);
    for (i = 0; rc == 0 && i < w.nheaders; i++)
        rc = gf_http_headers_add(&req->headers, w.headers[i].name, w.headers[i].value);
    if (rc < 0)
        goto out;
    gf_buf_put_slice(&req->body, gf_buf_slice(&w.body));
    if (gf_buf_failed(&req->body)) {
        rc = gf_error_oom();
        goto out;
    }
    req->service = c->svc->id;
    req->operation = c->op;
    req->before_attempt = sign_attempt;
    req->before_attempt_payload = c;
    /* Errors are read the way this service's protocol writes them (§2.2-§2.6). */
    req->classify = gf_aws_client_classify;
    req->classify_payload = (void *)(uintptr_t)c->svc;
    req->secret = c->secret_response;
out:
    if (c->secret_response && w.body.len)
        explicit_bzero(w.body.ptr, w.body.len);
    gf_aws_wire_release(&w);
    return rc;
}

/* Operations whose request or reply carries credentials or secret values: wiped whatever the
 * caller's options say. */
static bool secret_operation(const struct gf_aws_service *svc, const char *op)
{
    static const struct {
        const struct gf_aws_service *svc;
        const char *op;
    } ops[] = {
        {&gf_aws_sts, "AssumeRole"},
        {&gf_aws_sts, "AssumeRoleWithWebIdentity"},
        {&gf_aws_sts, "GetSessionToken"},
        {&gf_aws_secretsmanager, "GetSecretValue"},
        {&gf_aws_secretsmanager, "CreateSecret"},
        {&gf_aws_secretsmanager, "PutSecretValue"},
        {&gf_aws_secretsmanager, "UpdateSecret"},
        {&gf_aws_ssm, "GetParameter"},
        {&gf_aws_ssm, "GetParameters"},
        {&gf_aws_ssm, "GetParametersByPath"},
        {&gf_aws_ssm, "PutParameter"},
    };
    size_t i;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (ops[i].svc == svc && strcmp(ops[i].op, op) == 0)
            return true;
    }
    return false;
}

static int prepare_call(struct call *c, const struct gf_aws_call_opts *opts)
{
    struct gf_aws_client *client = c->client;
    struct gf_endpoint_opts eo;

    memset(&eo, 0, sizeof(eo));
    eo.region = opts->region ? opts->region : client->region;
    eo.endpoint_url = client->endpoint_url;
    eo.config = &client->epcfg;
    eo.env = client->env;
    if (gf_endpoint_resolve(&c->ep, c->svc, &eo) < 0)
        return gf_error_last()->code;
    c->unsigned_request = opts->unsigned_request;
    c->secret_response = opts->secret_response || secret_operation(c->svc, c->op);
    if (c->unsigned_request)
        return 0;
    if (opts->creds)
        return gf_creds_copy(&c->creds, opts->creds);
    return gf_creds_provider_get(&c->creds, client->creds);
}

int gf_aws_submit(struct gf_aws_client *client, const struct gf_aws_service *svc, const char *op,
                  const json_t *input, const struct gf_aws_call_opts *opts, gf_aws_done_fn *done,
                  void *payload)
{
    struct gf_aws_call_opts defaults = GF_AWS_CALL_OPTS_INIT;
    struct gf_http_request req;
    struct call *c = NULL;
    bool req_init = false;
    int rc;

    if (client->before) {
        rc = client->before(svc->id, op, client->before_payload);
        if (rc < 0)
            return rc;
    }
    c = gf_calloc(1, sizeof(*c));
    if (!c)
        return gf_error_oom();
    gf_creds_init(&c->creds);
    c->client = client;
    c->svc = svc;
    c->done = done;
    c->payload = payload;
    c->op = gf_strdup(op);
    if (!c->op) {
        rc = gf_error_oom();
        goto out;
    }
    rc = prepare_call(c, opts ? opts : &defaults);
    if (rc < 0)
        goto out;
    rc = gf_http_request_init(&req, "POST", NULL);
    req_init = true;
    if (rc == 0)
        rc = build_request(&req, c, input);
    if (rc < 0)
        goto out;
    rc = gf_http_submit(client->http, &req, on_http_done, c);
    if (rc == 0)
        c = NULL; /* on_http_done frees it */
out:
    if (req_init)
        gf_http_request_release(&req);
    if (rc < 0 && c)
        observe(c, NULL, rc, "", "");
    call_free(c);
    return rc;
}

/* ---- blocking calls ------------------------------------------------------------------------ */

struct waiter {
    bool done;
    int rc;
    json_t *out;
    struct gf_error err;
};

static void wait_done(int rc, json_t *output, const struct gf_error *err, void *payload)
{
    struct waiter *w = payload;

    w->done = true;
    w->rc = rc;
    if (rc == 0)
        w->out = json_incref(output);
    else
        gf_error_copy(&w->err, err);
}

int gf_aws_call_with(json_t **out, struct gf_aws_client *client, const struct gf_aws_service *svc,
                     const char *op, const json_t *input, const struct gf_aws_call_opts *opts)
{
    struct waiter w;
    int n;
    int rc;

    *out = NULL;
    memset(&w, 0, sizeof(w));
    rc = gf_aws_submit(client, svc, op, input, opts, wait_done, &w);
    if (rc < 0)
        return rc;
    while (!w.done) {
        n = gf_http_run_once(client->http, 1000);
        if (n < 0)
            return n; /* the engine failed; its call (and w) are abandoned with it */
        GF_ASSERT(w.done || n > 0);
    }
    if (w.rc < 0)
        return gf_error_restore(&w.err);
    *out = w.out;
    return 0;
}

int gf_aws_call(json_t **out, struct gf_aws_client *client, const struct gf_aws_service *svc,
                const char *op, const json_t *input)
{
    return gf_aws_call_with(out, client, svc, op, input, NULL);
}

/* ---- pagination ----------------------------------------------------------------------------- */

static int append_items(json_t *items, const json_t *page_items)
{
    if (!page_items || json_is_null(page_items))
        return 0;
    if (json_is_array(page_items))
        return json_array_extend(items, (json_t *)(uintptr_t)page_items) < 0 ? gf_error_oom() : 0;
    return json_array_append(items, (json_t *)(uintptr_t)page_items) < 0 ? gf_error_oom() : 0;
}

/* GF_ERROR when the next page's token is the one just used (a server that loops). */
static int check_token(char **last, const json_t *in, const struct gf_aws_paginator *p,
                       const struct gf_aws_service *svc, const char *op)
{
    const char *tok = json_string_value(json_object_get(in, p->input_token[0]));

    if (!tok)
        return 0;
    if (*last && strcmp(*last, tok) == 0)
        return gf_error_set(GF_ERROR, "'%s:%s' returned the same page token twice", svc->id, op);
    gf_free(*last);
    *last = gf_strdup(tok);
    return *last ? 0 : gf_error_oom();
}

int gf_aws_paginate(json_t **items_out, struct gf_aws_client *client,
                    const struct gf_aws_service *svc, const char *op, const json_t *input,
                    int max_pages)
{
    return gf_aws_paginate_with(items_out, client, svc, op, input, max_pages, NULL);
}

int gf_aws_paginate_with(json_t **items_out, struct gf_aws_client *client,
                         const struct gf_aws_service *svc, const char *op, const json_t *input,
                         int max_pages, const struct gf_aws_call_opts *opts)
{
    const struct gf_aws_paginator *p = gf_aws_paginator_find(svc, op);
    json_t *in = NULL, *items = NULL, *page = NULL;
    char *last = NULL;
    bool more = true;
    int n = 0;
    int rc = 0;

    *items_out = NULL;
    if (!p)
        return gf_error_set(GF_EINVALID, "'%s:%s' has no paginator", svc->id, op);
    in = input ? json_deep_copy(input) : json_object();
    items = json_array();
    if (!in || !items) {
        rc = gf_error_oom();
        goto out;
    }
    while (more && rc == 0) {
        if (n++ >= (max_pages > 0 ? max_pages : DEFAULT_MAX_PAGES)) {
            rc = gf_error_set(GF_ERROR, "'%s:%s' has more than %d pages", svc->id, op, n - 1);
            break;
        }
        json_decref(page);
        page = NULL;
        rc = gf_aws_call_with(&page, client, svc, op, in, opts);
        if (rc == 0)
            rc = append_items(items, json_object_get(page, p->result_key));
        if (rc == 0)
            rc = gf_aws_paginator_next(&more, in, p, page);
        if (rc == 0 && more)
            rc = check_token(&last, in, p, svc, op);
    }
    if (rc == 0) {
        *items_out = items;
        items = NULL;
    }
out:
    gf_free(last);
    json_decref(page);
    json_decref(items);
    json_decref(in);
    return rc;
}
