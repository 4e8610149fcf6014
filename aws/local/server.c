/* SPDX-License-Identifier: Apache-2.0 */
/* server.c: local-aws's HTTP side: libmicrohttpd on loopback, every request size-capped,
 * SigV4-verified, routed on its credential scope (reference/aws-protocols.md §2.7), decoded and
 * answered with the client's codecs, counted for GET /_localaws/stats. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "aws/awserror.h"
#include "aws/codec.h"
#include "aws/local/local.h"
#include "aws/local/mhd.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/log.h"
#include "common/banned.h"

#define MAX_STATS 256
#define LOG_MOD   "local-aws"

static const struct gf_local_service *const s_services[] = {
    &gf_local_sts,   &gf_local_ecs,  &gf_local_ecr,    &gf_local_iam,
    &gf_local_ec2,   &gf_local_elbv2, &gf_local_logs,  &gf_local_events,
    &gf_local_sqs,   &gf_local_s3,   &gf_local_acm,    &gf_local_route53,
    &gf_local_secretsmanager, &gf_local_ssm, &gf_local_efs, NULL};

struct stat_entry {
    char service[32];
    char op[64];
    unsigned long calls, errors;
};

struct gf_local_server {
    struct MHD_Daemon *daemon;
    struct gf_local_db *db;
    pthread_mutex_t lock; /* the db, the stats */
    unsigned port;
    char region[64];
    char account[32];
    struct gf_local_cred creds[GF_LOCAL_MAX_CREDENTIALS]; /* strings owned */
    size_t n_creds;
    size_t max_body_bytes;
    const struct gf_clock *clock;
    struct gf_local_opts opts; /* a shallow copy: its strings are borrowed for the server's life */
    struct stat_entry stats[MAX_STATS];
    size_t n_stats;
    unsigned long rejected; /* requests answered before reaching an operation */
};

/* One connection's request being received. */
struct pending {
    struct gf_buf body;
    bool too_large;
};

/* A received request, borrowed views over libmicrohttpd's storage. */
struct request {
    const char *method;
    const char *url;
    struct gf_mhd_request in; /* headers and query, as sent */
    struct gf_slice body;
    char request_id[40];
};

int gf_local_fail(struct gf_local_ctx *ctx, int status, const char *code, const char *fmt, ...)
{
    va_list ap;

    ctx->err_status = status;
    snprintf(ctx->err_code, sizeof(ctx->err_code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(ctx->err_message, sizeof(ctx->err_message), fmt, ap);
    va_end(ap);
    return GF_EINVALID;
}

bool gf_local_host_is_loopback(const char *host)
{
    struct in_addr a;

    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a) != 1)
        return false;
    return (ntohl(a.s_addr) >> 24) == 127;
}

/* A random UUID v4, as AWS request ids look. */
static void make_request_id(char out[40])
{
    unsigned char r[16];

    if (RAND_bytes(r, sizeof(r)) != 1)
        memset(r, 0x5a, sizeof(r));
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
             r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

/* ---- stats -------------------------------------------------------------------------------- */

static void stats_count(struct gf_local_server *s, const char *service, struct gf_slice op,
                        bool failed)
{
    struct stat_entry *e = NULL;
    size_t i;

    pthread_mutex_lock(&s->lock);
    for (i = 0; i < s->n_stats && !e; i++)
        if (strcmp(s->stats[i].service, service) == 0 && gf_slice_eq_str(op, s->stats[i].op))
            e = &s->stats[i];
    if (!e && s->n_stats < MAX_STATS) {
        e = &s->stats[s->n_stats++];
        snprintf(e->service, sizeof(e->service), "%s", service);
        snprintf(e->op, sizeof(e->op), "%.*s", GF_SLICE_FMT(op));
    }
    if (e) {
        e->calls++;
        e->errors += failed;
    }
    pthread_mutex_unlock(&s->lock);
}

/* {"calls":{"ecs":{"CreateCluster":2}},"errors":{...},"total":N,"rejected":M} */
static json_t *stats_json(struct gf_local_server *s)
{
    json_t *calls = json_object(), *errors = json_object(), *doc;
    unsigned long total = 0;
    size_t i;

    pthread_mutex_lock(&s->lock);
    for (i = 0; calls && errors && i < s->n_stats; i++) {
        const struct stat_entry *e = &s->stats[i];
        json_t *svc = json_object_get(calls, e->service);

        if (!svc) {
            svc = json_object();
            json_object_set_new(calls, e->service, svc);
            json_object_set_new(errors, e->service, json_object());
        }
        json_object_set_new(svc, e->op, json_integer((json_int_t)e->calls));
        if (e->errors)
            json_object_set_new(json_object_get(errors, e->service), e->op,
                                json_integer((json_int_t)e->errors));
        total += e->calls;
    }
    doc = json_pack("{s:o, s:o, s:I, s:I}", "calls", calls, "errors", errors, "total",
                    (json_int_t)total, "rejected", (json_int_t)s->rejected);
    pthread_mutex_unlock(&s->lock);
    return doc;
}

/* ---- replies ------------------------------------------------------------------------------ */

static enum MHD_Result send_wire(struct MHD_Connection *c, const struct gf_aws_wire *w,
                                 const char *request_id)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    size_t i;

    r = MHD_create_response_from_buffer(w->body.len, w->body.ptr, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    for (i = 0; i < w->nheaders; i++)
        MHD_add_response_header(r, w->headers[i].name, w->headers[i].value);
    if (!gf_aws_wire_header(w, "x-amzn-RequestId"))
        MHD_add_response_header(r, "x-amzn-RequestId", request_id);
    ret = MHD_queue_response(c, (unsigned)w->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Answer with an AWS error in `svc`'s protocol. */
static enum MHD_Result send_error(struct MHD_Connection *c, const struct gf_aws_service *svc,
                                  int status, const char *code, const char *message,
                                  const char *request_id)
{
    struct gf_aws_wire w;
    enum MHD_Result ret = MHD_NO;

    gf_aws_wire_init(&w);
    if (gf_aws_error_encode(&w, svc, status, code, message, request_id, status < 500) == 0)
        ret = send_wire(c, &w, request_id);
    gf_aws_wire_release(&w);
    gf_log_debug(LOG_MOD, "error", GF_F_STR("aws_service", svc->id), GF_F_STR("error", code),
                 GF_F_INT("http_status", status), GF_F_STR("request_id", request_id));
    return ret;
}

static enum MHD_Result send_stats(struct MHD_Connection *c, struct gf_local_server *s,
                                  const char *request_id)
{
    struct gf_aws_wire w;
    json_t *doc = stats_json(s);
    enum MHD_Result ret = MHD_NO;

    gf_aws_wire_init(&w);
    w.status = 200;
    if (doc && gf_aws_json_dump(&w.body, doc) == 0 &&
        gf_aws_wire_add_header(&w, "Content-Type", "application/json") == 0)
        ret = send_wire(c, &w, request_id);
    json_decref(doc);
    gf_aws_wire_release(&w);
    return ret;
}

/* ---- reading the request ------------------------------------------------------------------ */

/* The form field `key` in a query body ("Version"), borrowed; empty when absent. */
static struct gf_slice form_field(struct gf_slice body, const char *key)
{
    size_t klen = strlen(key), i = 0;

    while (i < body.len) {
        long amp = gf_slice_find(body, '&', i);
        size_t end = amp < 0 ? body.len : (size_t)amp;

        if (end - i > klen && !memcmp(body.ptr + i, key, klen) && body.ptr[i + klen] == '=')
            return gf_slice_make(body.ptr + i + klen + 1, end - i - klen - 1);
        i = end + 1;
    }
    return gf_slice_make("", 0);
}

/* The service a request is for when the credential scope cannot say (§2.7). */
static const struct gf_aws_service *guess_service(const struct request *r)
{
    static const struct {
        const char *version;
        const struct gf_aws_service *svc;
    } s_versions[] = {{"2010-05-08", &gf_aws_iam},
                      {"2011-06-15", &gf_aws_sts},
                      {"2015-12-01", &gf_aws_elbv2},
                      {"2016-11-15", &gf_aws_ec2},
                      {"2012-11-05", &gf_aws_sqs}};
    const char *target = gf_mhd_request_header(&r->in, "X-Amz-Target");
    struct gf_slice version = form_field(r->body, "Version");
    const struct gf_aws_service *svc;
    size_t i;

    if (target) {
        const char *dot = strchr(target, '.');

        svc = gf_aws_service_by_target(target, dot ? (unsigned)(dot - target) : 0);
        return svc ? svc : &gf_aws_ecs;
    }
    for (i = 0; i < sizeof(s_versions) / sizeof(s_versions[0]); i++)
        if (gf_slice_eq_str(version, s_versions[i].version))
            return s_versions[i].svc;
    if (strncmp(r->url, "/2013-04-01/", 12) == 0)
        return &gf_aws_route53;
    if (strncmp(r->url, "/2015-02-01/", 12) == 0)
        return &gf_aws_efs;
    if (form_field(r->body, "Action").len)
        return &gf_aws_sts;
    return &gf_aws_s3;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static int lookup_cred(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice akid,
                       void *payload)
{
    const struct gf_local_server *s = payload;
    size_t i;

    (void)token_out; /* any session token is accepted */
    for (i = 0; i < s->n_creds; i++)
        if (gf_slice_eq_str(akid, s->creds[i].access_key_id))
            return gf_buf_puts(secret_out, s->creds[i].secret_access_key);
    return GF_ENOTFOUND;
}

static const struct gf_local_service *local_service(const struct gf_aws_service *svc)
{
    size_t i;

    for (i = 0; s_services[i]; i++)
        if (s_services[i]->svc == svc)
            return s_services[i];
    return NULL;
}

static const struct gf_local_op *local_op(const struct gf_local_service *ls, struct gf_slice op)
{
    size_t i;

    for (i = 0; ls->ops[i].name; i++)
        if (gf_slice_eq_str(op, ls->ops[i].name))
            return &ls->ops[i];
    return NULL;
}

static const char *unknown_op_code(const struct gf_aws_service *svc)
{
    return svc->protocol == GF_AWS_PROTO_JSON || svc->protocol == GF_AWS_PROTO_REST_JSON
               ? "UnknownOperationException"
               : "InvalidAction";
}

/* An answer decided before an operation runs: status 0 means "go on". */
struct verdict {
    int status;
    char code[128];
    char message[512];
};

static void verdict_set(struct verdict *v, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void verdict_set(struct verdict *v, int status, const char *code, const char *fmt, ...)
{
    va_list ap;

    v->status = status;
    snprintf(v->code, sizeof(v->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof(v->message), fmt, ap);
    va_end(ap);
}

/* Check the signature and the scope's region; on success *svc_out is the scope's service. */
static void authenticate(struct verdict *v, const struct gf_aws_service **svc_out,
                         struct gf_sigv4_identity *id, struct gf_local_server *s,
                         const struct request *r)
{
    struct gf_sigv4_verify_opts opts = {s->clock, 0, NULL, lookup_cred, s};
    const struct gf_sigv4_request *sreq = &r->in.sigv4;
    const struct gf_aws_service *svc;
    int rc;

    memset(id, 0, sizeof(*id));
    rc = gf_sigv4_verify(id, sreq, &opts);
    svc = gf_aws_service_by_signing_name(id->service, (unsigned)strlen(id->service));
    if (svc)
        *svc_out = svc;
    if (rc < 0) {
        const struct gf_error *e = gf_error_last();

        if (e->aws_code[0])
            verdict_set(v, e->http_status ? e->http_status : 403, e->aws_code, "%s", e->msg);
        else
            verdict_set(v, 500, "InternalFailure", "%s", e->msg);
        return;
    }
    if (!svc) {
        verdict_set(v, 400, unknown_op_code(*svc_out),
                    "local-aws does not know the service '%s' of the credential scope",
                    id->service);
        return;
    }
    /* IAM and Route 53 are signed with the client's region under an endpoint override (§1) */
    if (!svc->global_region && strcmp(id->region, s->region) != 0)
        verdict_set(v, 403, "SignatureDoesNotMatch",
                    "Credential should be scoped to a valid region, not '%s'; this local-aws "
                    "serves '%s'",
                    id->region, s->region);
}

/* Decode the request for svc; a failure becomes the protocol's serialisation error. */
static void decode(struct verdict *v, json_t **input_out, struct gf_slice *op_out,
                   const struct gf_aws_service *svc, const struct request *r)
{
    struct gf_aws_msg msg = {0,
                             r->method,
                             gf_slice_from(r->url),
                             gf_buf_slice(&r->in.query),
                             r->in.aws,
                             r->in.n_headers,
                             r->body};
    const char *target = gf_mhd_request_header(&r->in, "X-Amz-Target");
    bool json = svc->protocol == GF_AWS_PROTO_JSON;

    if (json && (!target || strncmp(target, svc->target_prefix, strlen(svc->target_prefix)) != 0 ||
                 target[strlen(svc->target_prefix)] != '.')) {
        verdict_set(v, 400, "UnknownOperationException", "missing or foreign X-Amz-Target '%s'",
                    target ? target : "");
        return;
    }
    if (!json && svc->protocol == GF_AWS_PROTO_QUERY && !form_field(r->body, "Action").len) {
        verdict_set(v, 400, "MissingAction", "the request must contain the parameter Action");
        return;
    }
    if (gf_aws_request_decode(input_out, op_out, svc, &msg) < 0)
        verdict_set(v, 400, json ? "SerializationException" : "MalformedQueryString", "%s",
                    gf_error_last()->msg);
}

static void run_op(struct verdict *v, json_t **out, struct gf_local_server *s,
                   const struct gf_aws_service *svc, const struct gf_local_op *op, const struct gf_sigv4_identity *id,
                   const json_t *input)
{
    struct gf_local_ctx ctx;
    int rc;

    GF_ASSERT(op);
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = s->db;
    ctx.svc = svc;
    ctx.opts = &s->opts;
    ctx.region = s->region;
    ctx.account = s->account;
    ctx.access_key_id = id->access_key_id;
    ctx.now_ms = gf_clock_wall_ms(s->clock);
    pthread_mutex_lock(&s->lock);
    rc = op->fn(out, &ctx, input);
    pthread_mutex_unlock(&s->lock);
    if (rc >= 0)
        return;
    if (ctx.err_code[0])
        verdict_set(v, ctx.err_status, ctx.err_code, "%s", ctx.err_message);
    else if (rc == GF_EINVALID)
        verdict_set(v, 400, "ValidationException", "%s", gf_error_last()->msg);
    else
        verdict_set(v, 500, "InternalFailure", "%s", gf_error_last()->msg);
}

static enum MHD_Result dispatch(struct MHD_Connection *c, struct gf_local_server *s,
                                struct request *r, const struct pending *p)
{
    const struct gf_aws_service *svc = guess_service(r);
    const struct gf_local_service *ls = NULL;
    const struct gf_local_op *op = NULL;
    struct gf_sigv4_identity id;
    struct verdict v = {0, "", ""};
    struct gf_slice op_name = GF_SLICE_INIT;
    json_t *input = NULL, *output = NULL;
    struct gf_aws_wire w;
    enum MHD_Result ret = MHD_NO;

    if (p->too_large)
        verdict_set(&v, 413, "RequestEntityTooLarge", "the request body exceeds %zu bytes",
                    s->max_body_bytes);
    if (!v.status)
        authenticate(&v, &svc, &id, s, r);
    if (!v.status) {
        ls = local_service(svc);
        if (!ls)
            verdict_set(&v, 400, unknown_op_code(svc), "local-aws does not implement %s yet",
                        svc->id);
    }
    if (!v.status)
        decode(&v, &input, &op_name, svc, r);
    if (!v.status) {
        op = local_op(ls, op_name);
        if (!op)
            verdict_set(&v, 400, unknown_op_code(svc), "local-aws %s does not implement %.*s",
                        svc->id, GF_SLICE_FMT(op_name));
    }
    if (!v.status)
        run_op(&v, &output, s, svc, op, &id, input);
    if (op) {
        stats_count(s, svc->id, op_name, v.status != 0);
    } else {
        pthread_mutex_lock(&s->lock);
        s->rejected++;
        pthread_mutex_unlock(&s->lock);
    }
    if (v.status) {
        ret = send_error(c, svc, v.status, v.code, v.message, r->request_id);
        goto out;
    }
    gf_aws_wire_init(&w);
    if (gf_aws_response_encode(&w, svc, op->name, output, r->request_id) == 0)
        ret = send_wire(c, &w, r->request_id);
    else
        ret = send_error(c, svc, 500, "InternalFailure", gf_error_last()->msg, r->request_id);
    gf_aws_wire_release(&w);
    gf_log_debug(LOG_MOD, "call", GF_F_STR("aws_service", svc->id), GF_F_STR("aws_op", op->name),
                 GF_F_STR("request_id", r->request_id));
out:
    json_decref(input);
    json_decref(output);
    return ret;
}

static enum MHD_Result handle(struct MHD_Connection *c, struct gf_local_server *s, const char *url,
                              const char *method, const struct pending *p)
{
    struct request r;
    enum MHD_Result ret;

    memset(&r, 0, sizeof(r));
    r.method = method;
    r.url = url;
    r.body = gf_buf_slice(&p->body);
    make_request_id(r.request_id);
    if (strcmp(method, "GET") == 0 && strcmp(url, GF_LOCAL_STATS_PATH) == 0)
        return send_stats(c, s, r.request_id);
    if (gf_mhd_request_collect(&r.in, c, method, url, r.body) < 0)
        ret = send_error(c, guess_service(&r), 414, "RequestURITooLong", "the query is too long",
                         r.request_id);
    else
        ret = dispatch(c, s, &r, p);
    gf_mhd_request_release(&r.in);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct gf_local_server *s = cls;
    struct pending *p = *con_cls;

    (void)version;
    if (!p) {
        p = gf_calloc(1, sizeof(*p));
        if (!p)
            return MHD_NO;
        gf_buf_init(&p->body, 0);
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_size) {
        /* past the cap, keep reading (and dropping) so the client gets the 413 answer */
        if (p->too_large || p->body.len + *upload_size > s->max_body_bytes) {
            p->too_large = true;
            gf_buf_release(&p->body);
        } else if (gf_buf_put(&p->body, upload, *upload_size) < 0) {
            return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return handle(c, s, url, method, p);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    struct pending *p = *con_cls;

    (void)cls;
    (void)c;
    (void)code;
    if (p) {
        gf_buf_release(&p->body);
        gf_free(p);
        *con_cls = NULL;
    }
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static int copy_opts(struct gf_local_server *s, const struct gf_local_opts *o)
{
    static const struct gf_local_cred s_default = {GF_LOCAL_DEFAULT_KEY, GF_LOCAL_DEFAULT_SECRET};
    const struct gf_local_cred *creds = o->n_creds ? o->creds : &s_default;
    size_t n = o->n_creds ? o->n_creds : 1, i;

    if (n > GF_LOCAL_MAX_CREDENTIALS)
        return gf_error_set(GF_EINVALID, "at most %d credentials", GF_LOCAL_MAX_CREDENTIALS);
    snprintf(s->region, sizeof(s->region), "%s", o->region ? o->region : GF_LOCAL_DEFAULT_REGION);
    snprintf(s->account, sizeof(s->account), "%s",
             o->account ? o->account : GF_LOCAL_DEFAULT_ACCOUNT);
    for (i = 0; i < n; i++) {
        s->creds[i].access_key_id = gf_strdup(creds[i].access_key_id);
        s->creds[i].secret_access_key = gf_strdup(creds[i].secret_access_key);
        s->n_creds = i + 1;
        if (!s->creds[i].access_key_id || !s->creds[i].secret_access_key)
            return gf_error_oom();
    }
    s->max_body_bytes = o->max_body_bytes ? o->max_body_bytes : GF_LOCAL_MAX_BODY_BYTES;
    s->clock = o->clock ? o->clock : gf_clock_system();
    s->opts = *o;
    return 0;
}

static int resolve_addr(struct sockaddr_in *sa, const struct gf_local_opts *o)
{
    const char *host = o->host ? o->host : GF_LOCAL_DEFAULT_HOST;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)o->port);
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        gf_error_set(GF_EINVALID, "'%s' is not an IPv4 address", host);
        gf_error_hint("use --listen 127.0.0.1:PORT");
        return GF_EINVALID;
    }
    if (!o->allow_remote && !gf_local_host_is_loopback(host)) {
        gf_error_set(GF_EINVALID, "refusing to listen on '%s': not a loopback address", host);
        gf_error_hint("local-aws accepts any client holding its test keys; add --allow-remote "
                      "to listen beyond this machine anyway");
        return GF_EINVALID;
    }
    if (o->port > 65535)
        return gf_error_set(GF_EINVALID, "port %u is out of range", o->port);
    return 0;
}

static void free_server(struct gf_local_server *s)
{
    size_t i;

    for (i = 0; i < s->n_creds; i++) {
        gf_free((char *)(uintptr_t)s->creds[i].access_key_id);
        if (s->creds[i].secret_access_key)
            explicit_bzero((char *)(uintptr_t)s->creds[i].secret_access_key,
                           strlen(s->creds[i].secret_access_key));
        gf_free((char *)(uintptr_t)s->creds[i].secret_access_key);
    }
    gf_local_db_free(s->db);
    pthread_mutex_destroy(&s->lock);
    gf_free(s);
}

int gf_local_server_start(struct gf_local_server **out, const struct gf_local_opts *opts)
{
    struct gf_local_server *s = NULL;
    const union MHD_DaemonInfo *info;
    struct sockaddr_in sa;
    int rc;

    *out = NULL;
    s = gf_calloc(1, sizeof(*s));
    if (!s)
        return gf_error_oom();
    pthread_mutex_init(&s->lock, NULL);
    rc = copy_opts(s, opts);
    if (rc == 0)
        rc = resolve_addr(&sa, opts);
    if (rc == 0)
        rc = gf_local_db_open(&s->db, opts->db_path);
    if (rc < 0)
        goto fail;
    /* one internal polling thread: handlers run one at a time, so one db connection serves */
    s->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, on_request,
                         s, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                         MHD_OPTION_UNESCAPE_CALLBACK, gf_mhd_no_unescape, s,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!s->daemon) {
        rc = gf_error_set(GF_ERROR, "cannot listen on port %u", opts->port);
        gf_error_hint("is the port in use? --listen 127.0.0.1:0 picks a free one");
        goto fail;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opts->port;
    *out = s;
    return 0;
fail:
    free_server(s);
    return rc;
}

unsigned gf_local_server_port(const struct gf_local_server *srv)
{
    return srv->port;
}

void gf_local_server_stop(struct gf_local_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->daemon);
    free_server(srv);
}
