/* SPDX-License-Identifier: Apache-2.0 */
/* server.c: local-aws's HTTP side: libmicrohttpd on loopback, every request size-capped,
 * SigV4-verified, routed on its credential scope (reference/aws-protocols.md §2.7), decoded and
 * answered with the client's codecs (SQS's legacy query form translated here), faults injected
 * on request, counted for GET /_localaws/stats, recorded as JSON lines with --record; and the
 * starting topology seeded once. */
#define _DEFAULT_SOURCE /* strcasecmp, strncasecmp */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aws/awserror.h"
#include "aws/codec.h"
#include "aws/local/local.h"
#include "aws/local/mhd.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/log.h"
#include "common/banned.h"

#define MAX_STATS      256
#define LOG_MOD        "local-aws"
#define DEFAULT_DOMAIN "example.test"
#define META_SERVICE   "local-aws"
#define META_TYPE      "meta"
#define META_NAME      "topology"


static const struct gf_local_service *const s_services[] = {
    &gf_local_sts,   &gf_local_ecs,  &gf_local_ecr,    &gf_local_iam,
    &gf_local_ec2,   &gf_local_elbv2, &gf_local_logs,  &gf_local_events,
    &gf_local_sqs,   &gf_local_s3,   &gf_local_acm,    &gf_local_route53,
    &gf_local_secretsmanager, &gf_local_ssm, &gf_local_efs, NULL};

/* SQS's legacy query form (§2.4): the JSON service's handlers, answered as a query service. */
static const struct gf_aws_service s_sqs_query = {
    "sqs", "sqs", "sqs", "SQS", "sqs", GF_AWS_PROTO_QUERY, "2012-11-05", NULL, NULL,
    "http://queue.amazonaws.com/doc/2012-11-05/", NULL, NULL};

struct stat_entry {
    char service[32];
    char op[64];
    unsigned long calls, errors;
};

enum fault { FAULT_NONE = 0, FAULT_THROTTLE, FAULT_ERROR, FAULT_RESET };

struct gf_local_server {
    struct MHD_Daemon *daemon;
    struct gf_local_db *db;
    pthread_mutex_t lock; /* the db, the stats, the fault generator */
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
    uint64_t rng;           /* the fault generator's state (splitmix64), from opts.seed */
    unsigned long faults[4]; /* by enum fault (FAULT_NONE unused) */
    unsigned long delayed;   /* requests given the injected latency */
    json_t *topology;
    FILE *record;            /* --record: the JSON-lines file, appended under `lock` */
    bool record_failed;      /* a write failed: warned once, then no more lines */
};

/* One connection's request being received. */
struct pending {
    struct gf_buf body;
    bool too_large;
};

/* A received request, borrowed views over the caller's storage. */
struct request {
    const char *method;
    const char *url; /* the path, without the query */
    const struct gf_aws_header *headers;
    size_t n_headers;
    struct gf_sigv4_header sig[GF_MHD_MAX_HEADERS];
    struct gf_sigv4_request sigv4;
    struct gf_slice body;
    bool too_large;
    bool sqs_query; /* SQS's legacy form: decoded and answered as query */
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

static const char *req_header(const struct request *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
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

static json_t *faults_json(const struct gf_local_server *s)
{
    return json_pack("{s:I, s:I, s:I, s:I}", "throttle", (json_int_t)s->faults[FAULT_THROTTLE],
                     "error", (json_int_t)s->faults[FAULT_ERROR], "reset",
                     (json_int_t)s->faults[FAULT_RESET], "latency", (json_int_t)s->delayed);
}

/* {"calls":{"ecs":{"CreateCluster":2}},"errors":{...},"total":N,"rejected":M,
 *  "faults":{"throttle":..,"error":..,"reset":..,"latency":..}} */
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
    doc = json_pack("{s:o, s:o, s:I, s:I, s:o}", "calls", calls, "errors", errors, "total",
                    (json_int_t)total, "rejected", (json_int_t)s->rejected, "faults",
                    faults_json(s));
    pthread_mutex_unlock(&s->lock);
    return doc;
}

/* ---- replies ------------------------------------------------------------------------------ */

/* An AWS error in `svc`'s protocol into out (cleared first). */
static int wire_error(struct gf_aws_wire *out, const struct gf_aws_service *svc, int status,
                      const char *code, const char *message, const char *request_id)
{
    gf_aws_wire_release(out);
    gf_aws_wire_init(out);
    gf_log_debug(LOG_MOD, "error", GF_F_STR("aws_service", svc->id), GF_F_STR("error", code),
                 GF_F_INT("http_status", status), GF_F_STR("request_id", request_id));
    return gf_aws_error_encode(out, svc, status, code, message, request_id, status < 500);
}

static int wire_stats(struct gf_aws_wire *out, struct gf_local_server *s)
{
    json_t *doc = stats_json(s);
    int rc;

    out->status = 200;
    rc = doc ? gf_aws_json_dump(&out->body, doc) : gf_error_oom();
    if (rc == 0)
        rc = gf_aws_wire_add_header(out, "Content-Type", "application/json");
    json_decref(doc);
    return rc;
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
    const char *target = req_header(r, "X-Amz-Target");
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

/* The service whose wire format answers: SQS's legacy form is answered as query. */
static const struct gf_aws_service *reply_service(const struct gf_aws_service *svc,
                                                  const struct request *r)
{
    return svc == &gf_aws_sqs && r->sqs_query ? &s_sqs_query : svc;
}

/* ---- SQS's legacy query form (§2.4) -------------------------------------------------------
 * The codec reads the form without hints into element names (Attribute: [{Name, Value}]); this
 * table turns them into the JSON form's members (Attributes: {name: value}), and the output
 * hints below write the replies as the old query model did. */

enum sqs_kind { SQ_MAP, SQ_LIST, SQ_INT, SQ_ATTRS, SQ_ENTRIES };

struct sqs_member {
    const char *op;     /* only in this operation; NULL: any */
    const char *wire;   /* "Attribute" */
    const char *member; /* "Attributes"; NULL: the same name */
    enum sqs_kind kind;
    const char *key, *value; /* SQ_MAP / SQ_ATTRS: the entry's key and value names */
};

static const struct sqs_member s_sqs_members[] = {
    {NULL, "Attribute", "Attributes", SQ_MAP, "Name", "Value"},
    {"CreateQueue", "Tag", "tags", SQ_MAP, "Key", "Value"},
    {"TagQueue", "Tag", "Tags", SQ_MAP, "Key", "Value"},
    {NULL, "TagKey", "TagKeys", SQ_LIST, NULL, NULL},
    {NULL, "AttributeName", "AttributeNames", SQ_LIST, NULL, NULL},
    {NULL, "MessageAttributeName", "MessageAttributeNames", SQ_LIST, NULL, NULL},
    {NULL, "MessageSystemAttributeName", "MessageSystemAttributeNames", SQ_LIST, NULL, NULL},
    {NULL, "MessageAttribute", "MessageAttributes", SQ_ATTRS, "Name", "Value"},
    {NULL, "MessageSystemAttribute", "MessageSystemAttributes", SQ_ATTRS, "Name", "Value"},
    {NULL, "StringListValue", "StringListValues", SQ_LIST, NULL, NULL},
    {NULL, "BinaryListValue", "BinaryListValues", SQ_LIST, NULL, NULL},
    {NULL, "SendMessageBatchRequestEntry", "Entries", SQ_ENTRIES, NULL, NULL},
    {NULL, "DeleteMessageBatchRequestEntry", "Entries", SQ_ENTRIES, NULL, NULL},
    {NULL, "ChangeMessageVisibilityBatchRequestEntry", "Entries", SQ_ENTRIES, NULL, NULL},
    {NULL, "DelaySeconds", NULL, SQ_INT, NULL, NULL},
    {NULL, "MaxNumberOfMessages", NULL, SQ_INT, NULL, NULL},
    {NULL, "VisibilityTimeout", NULL, SQ_INT, NULL, NULL},
    {NULL, "WaitTimeSeconds", NULL, SQ_INT, NULL, NULL},
    {NULL, "MaxResults", NULL, SQ_INT, NULL, NULL},
    {NULL, NULL, NULL, SQ_INT, NULL, NULL},
};

#define FL(path, wire)            {path, wire, GF_AWS_H_FLIST, 0, NULL, NULL}
#define FM(path, wire, key, val)  {path, wire, GF_AWS_H_FMAP, 0, key, val}
#define HEND                      {NULL, NULL, 0, 0, NULL, NULL}

static const struct gf_aws_hint s_out_attributes[] = {
    FM("Attributes", "Attribute", "Name", "Value"), HEND};
static const struct gf_aws_hint s_out_list_queues[] = {FL("QueueUrls", "QueueUrl"), HEND};
static const struct gf_aws_hint s_out_dead_letter[] = {FL("queueUrls", "QueueUrl"), HEND};
static const struct gf_aws_hint s_out_tags[] = {FM("Tags", "Tag", "Key", "Value"), HEND};
static const struct gf_aws_hint s_out_receive[] = {
    FL("Messages", "Message"),
    FM("Messages.Attributes", "Attribute", "Name", "Value"),
    FM("Messages.MessageAttributes", "MessageAttribute", "Name", "Value"),
    FL("Messages.MessageAttributes.StringListValues", "StringListValue"),
    FL("Messages.MessageAttributes.BinaryListValues", "BinaryListValue"),
    HEND};
static const struct gf_aws_hint s_out_send_batch[] = {
    FL("Successful", "SendMessageBatchResultEntry"), FL("Failed", "BatchResultErrorEntry"), HEND};
static const struct gf_aws_hint s_out_delete_batch[] = {
    FL("Successful", "DeleteMessageBatchResultEntry"), FL("Failed", "BatchResultErrorEntry"),
    HEND};
static const struct gf_aws_hint s_out_visibility_batch[] = {
    FL("Successful", "ChangeMessageVisibilityBatchResultEntry"),
    FL("Failed", "BatchResultErrorEntry"), HEND};

#define SQS_OP(name, out) \
    {&s_sqs_query, name, "POST", "/", NULL, NULL, NULL, name "Result", NULL, out, 0}

/* The operations with a result; the others answer <OpResponse><ResponseMetadata> only. */
static const struct gf_aws_op s_sqs_ops[] = {
    SQS_OP("CreateQueue", NULL),
    SQS_OP("GetQueueUrl", NULL),
    SQS_OP("GetQueueAttributes", s_out_attributes),
    SQS_OP("ListQueues", s_out_list_queues),
    SQS_OP("ListDeadLetterSourceQueues", s_out_dead_letter),
    SQS_OP("ListQueueTags", s_out_tags),
    SQS_OP("SendMessage", NULL),
    SQS_OP("SendMessageBatch", s_out_send_batch),
    SQS_OP("ReceiveMessage", s_out_receive),
    SQS_OP("DeleteMessageBatch", s_out_delete_batch),
    SQS_OP("ChangeMessageVisibilityBatch", s_out_visibility_batch),
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* The JSON form's __type -> the legacy query code (the x-amzn-query-error codes, §2.4). */
static const struct {
    const char *type, *legacy;
} s_sqs_legacy_codes[] = {
    {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
    {"QueueNameExists", "QueueAlreadyExists"},
    {"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently"},
    {"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation"},
    {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid"},
    {"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight"},
    {"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress"},
    {"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
    {"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"},
    {"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
    {"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId"},
    {"SerializationException", "MalformedQueryString"},
    {"ValidationException", "ValidationError"},
    {"UnknownOperationException", "InvalidAction"},
    {NULL, NULL},
};

static const char *sqs_legacy_code(const char *code)
{
    size_t i;

    for (i = 0; s_sqs_legacy_codes[i].type; i++)
        if (strcmp(s_sqs_legacy_codes[i].type, code) == 0)
            return s_sqs_legacy_codes[i].legacy;
    return code;
}

static const struct gf_aws_op *sqs_op_desc(const char *op)
{
    size_t i;

    for (i = 0; s_sqs_ops[i].name; i++)
        if (strcmp(s_sqs_ops[i].name, op) == 0)
            return &s_sqs_ops[i];
    return NULL;
}

static const struct sqs_member *sqs_member(const char *op, const char *wire)
{
    size_t i;

    for (i = 0; s_sqs_members[i].wire; i++) {
        const struct sqs_member *m = &s_sqs_members[i];

        if (strcmp(m->wire, wire) == 0 && (!m->op || strcmp(m->op, op) == 0))
            return m;
    }
    return NULL;
}

static int sqs_struct(json_t **out, const json_t *raw, const char *op);

/* A list member: an array without holes (a single unindexed value becomes a list of one). */
static int sqs_list(json_t **out, const json_t *raw, const char *op, bool structs)
{
    json_t *arr = json_array();
    size_t i;

    if (!arr)
        return gf_error_oom();
    if (!json_is_array(raw)) {
        if (structs || !json_is_string(raw)) {
            json_decref(arr);
            return gf_error_set(GF_EINVALID, "a list needs numbered items (.1, .2, ...)");
        }
        if (json_array_append(arr, (json_t *)raw) < 0) {
            json_decref(arr);
            return gf_error_oom();
        }
        *out = arr;
        return 0;
    }
    for (i = 0; i < json_array_size(raw); i++) {
        const json_t *item = json_array_get(raw, i);
        json_t *conv = NULL;
        int rc;

        if (json_is_null(item) || (structs != json_is_object(item))) {
            json_decref(arr);
            return gf_error_set(GF_EINVALID, "list item %zu is missing or malformed", i + 1);
        }
        rc = structs ? sqs_struct(&conv, item, op) : 0;
        if (rc < 0 || json_array_append_new(arr, structs ? conv : json_incref((json_t *)item))) {
            json_decref(arr);
            return rc < 0 ? rc : gf_error_oom();
        }
    }
    *out = arr;
    return 0;
}

/* [{Name: k, Value: v}, ...] -> {k: v'}; v' translated when it is a structure (SQ_ATTRS). */
static int sqs_map(json_t **out, const json_t *raw, const char *op, const struct sqs_member *m)
{
    json_t *obj = json_object();
    size_t i;

    if (!obj)
        return gf_error_oom();
    for (i = 0; json_is_array(raw) && i < json_array_size(raw); i++) {
        const json_t *e = json_array_get(raw, i);
        const char *k = json_string_value(json_object_get(e, m->key));
        const json_t *v = json_object_get(e, m->value);
        json_t *conv = NULL;
        int rc = 0;

        if (!k || !v || (m->kind == SQ_MAP) != json_is_string(v)) {
            json_decref(obj);
            return gf_error_set(GF_EINVALID, "%s.%zu needs a %s and a %s", m->wire, i + 1,
                                m->key, m->value);
        }
        if (m->kind == SQ_ATTRS)
            rc = sqs_struct(&conv, v, op);
        else
            conv = json_incref((json_t *)v);
        if (rc < 0 || json_object_set_new(obj, k, conv) < 0) {
            json_decref(obj);
            return rc < 0 ? rc : gf_error_oom();
        }
    }
    if (!json_is_array(raw)) {
        json_decref(obj);
        return gf_error_set(GF_EINVALID, "%s needs numbered entries (%s.1.%s)", m->wire, m->wire,
                            m->key);
    }
    *out = obj;
    return 0;
}

static int sqs_value(json_t **out, const json_t *raw, const char *op, const struct sqs_member *m)
{
    int64_t n;

    if (!m)
        return json_is_object(raw) ? sqs_struct(out, raw, op)
                                   : ((*out = json_incref((json_t *)raw)) ? 0 : gf_error_oom());
    switch (m->kind) {
    case SQ_MAP:
    case SQ_ATTRS:
        return sqs_map(out, raw, op, m);
    case SQ_LIST:
    case SQ_ENTRIES:
        return sqs_list(out, raw, op, m->kind == SQ_ENTRIES);
    default:
        if (json_is_string(raw) &&
            gf_slice_to_i64(&n, gf_slice_from(json_string_value(raw)), INT64_MIN, INT64_MAX) == 0)
            *out = json_integer(n);
        else
            *out = json_incref((json_t *)raw); /* the handler reports the type */
        return *out ? 0 : gf_error_oom();
    }
}

static int sqs_struct(json_t **out, const json_t *raw, const char *op)
{
    json_t *obj = json_object();
    const char *key;
    json_t *v;

    if (!obj)
        return gf_error_oom();
    json_object_foreach((json_t *)raw, key, v)
    {
        const struct sqs_member *m = sqs_member(op, key);
        json_t *conv = NULL;
        int rc = sqs_value(&conv, v, op, m);

        if (rc < 0 || json_object_set_new(obj, m && m->member ? m->member : key, conv) < 0) {
            json_decref(obj);
            return rc < 0 ? rc : gf_error_oom();
        }
    }
    *out = obj;
    return 0;
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
    const struct gf_aws_service *svc;
    int rc;

    memset(id, 0, sizeof(*id));
    rc = gf_sigv4_verify(id, &r->sigv4, &opts);
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

/* Whether an SQS request uses the legacy query form: a form body and no X-Amz-Target. */
static bool is_sqs_query(const struct request *r)
{
    const char *ctype = req_header(r, "Content-Type");
    static const char form[] = "application/x-www-form-urlencoded";

    return !req_header(r, "X-Amz-Target") && ctype && strncasecmp(ctype, form, strlen(form)) == 0;
}

/* The legacy SQS form into the JSON form's input. */
static void decode_sqs_query(struct verdict *v, json_t **input_out, struct gf_slice *op_out,
                             const struct gf_aws_msg *msg)
{
    json_t *raw = NULL;
    char op[64];

    if (!form_field(msg->body, "Action").len) {
        verdict_set(v, 400, "MissingAction", "the request must contain the parameter Action");
        return;
    }
    if (gf_aws_query_decode_request(&raw, op_out, &s_sqs_query, msg) < 0) {
        verdict_set(v, 400, "MalformedQueryString", "%s", gf_error_last()->msg);
        return;
    }
    snprintf(op, sizeof(op), "%.*s", GF_SLICE_FMT(*op_out));
    if (sqs_struct(input_out, raw, op) < 0)
        verdict_set(v, 400, "MalformedQueryString", "%s", gf_error_last()->msg);
    json_decref(raw);
}

/* Decode the request for svc; a failure becomes the protocol's serialisation error. */
static void decode(struct verdict *v, json_t **input_out, struct gf_slice *op_out,
                   const struct gf_aws_service *svc, const struct request *r)
{
    struct gf_aws_msg msg = {0,          r->method,    gf_slice_from(r->url), r->sigv4.query,
                             r->headers, r->n_headers, r->body};
    const char *target = req_header(r, "X-Amz-Target");
    bool json = svc->protocol == GF_AWS_PROTO_JSON;

    if (r->sqs_query) {
        decode_sqs_query(v, input_out, op_out, &msg);
        return;
    }
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

/* ---- faults ------------------------------------------------------------------------------- */

/* splitmix64: small, fast, and the same sequence for the same --seed on every machine. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* One draw per request reaching an operation: which fault, if any, and count it. */
static enum fault draw_fault(struct gf_local_server *s, bool *delay_out)
{
    const struct gf_local_opts *o = &s->opts;
    enum fault f = FAULT_NONE;
    double u;

    *delay_out = o->fault_latency_ms > 0;
    if (o->fault_throttle <= 0 && o->fault_error <= 0 && o->fault_reset <= 0 && !*delay_out)
        return FAULT_NONE;
    pthread_mutex_lock(&s->lock);
    u = (double)(rng_next(&s->rng) >> 11) * 0x1.0p-53;
    if (u < o->fault_throttle)
        f = FAULT_THROTTLE;
    else if (u < o->fault_throttle + o->fault_error)
        f = FAULT_ERROR;
    else if (u < o->fault_throttle + o->fault_error + o->fault_reset)
        f = FAULT_RESET;
    s->faults[f]++;
    s->delayed += *delay_out;
    pthread_mutex_unlock(&s->lock);
    return f;
}

/* The throttling and server errors each protocol's service answers (§4 lists the codes the
 * retry classifiers know: all of these are retried). */
static void fault_verdict(struct verdict *v, enum fault f, const struct gf_aws_service *reply)
{
    bool throttle = f == FAULT_THROTTLE;
    const char *why = "injected by local-aws --faults";

    if (reply->protocol == GF_AWS_PROTO_EC2) {
        if (throttle)
            verdict_set(v, 503, "RequestLimitExceeded", "Request limit exceeded (%s).", why);
        else
            verdict_set(v, 500, "InternalError", "An internal error has occurred (%s).", why);
    } else if (reply == &gf_aws_s3) {
        if (throttle)
            verdict_set(v, 503, "SlowDown", "Please reduce your request rate (%s).", why);
        else
            verdict_set(v, 500, "InternalError", "We encountered an internal error (%s).", why);
    } else if (reply->protocol == GF_AWS_PROTO_QUERY || reply->protocol == GF_AWS_PROTO_REST_XML) {
        if (throttle)
            verdict_set(v, 400, "Throttling", "Rate exceeded (%s).", why);
        else
            verdict_set(v, 503, "ServiceUnavailable", "Service is unavailable (%s).", why);
    } else if (throttle) {
        verdict_set(v, 400, "ThrottlingException", "Rate exceeded (%s).", why);
    } else {
        verdict_set(v, 500, "InternalFailure", "The request processing has failed (%s).", why);
    }
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ---- --record ------------------------------------------------------------------------------ */

/* Members whose values are secrets (or credentials) wherever they appear; SSM's `Value` too
 * (a SecureString parameter's value). The file holds names, ids and ARNs, never these. */
static const char *const s_redacted[] = {"SecretString", "SecretBinary", "SecretAccessKey",
                                         "SessionToken", "authorizationToken", NULL};

static bool redacted_key(const char *key, bool ssm)
{
    size_t i;

    if (ssm && strcmp(key, "Value") == 0)
        return true;
    for (i = 0; s_redacted[i]; i++)
        if (strcmp(s_redacted[i], key) == 0)
            return true;
    return false;
}

/* Replace the secret members of v (a deep copy the caller owns) in place. */
static void redact(json_t *v, bool ssm)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, item)
            redact(item, ssm);
        return;
    }
    json_object_foreach(v, key, item)
    {
        if (redacted_key(key, ssm) && !json_is_object(item) && !json_is_array(item))
            json_object_set_new(v, key, json_string("REDACTED"));
        else
            redact(item, ssm);
    }
}

/* The line of one call: {"service", "operation", "input", "output"} or, when it failed,
 * {"service", "operation", "input", "error": CODE, "http_status": N}. New reference. */
static json_t *record_line(const struct gf_aws_service *svc, const char *op, const json_t *input,
                           const json_t *output, const struct verdict *v)
{
    json_t *line = json_pack("{s:s, s:s, s:o}", "service", svc->id, "operation", op, "input",
                             input ? json_deep_copy(input) : json_object());

    if (line && v->status)
        json_object_update_new(line, json_pack("{s:s, s:i}", "error", v->code, "http_status",
                                               v->status));
    else if (line)
        json_object_set_new(line, "output", output ? json_deep_copy(output) : json_object());
    if (line)
        redact(line, svc == &gf_aws_ssm);
    return line;
}

/* Append the call's line (the caller holds s->lock, so lines follow the order the state
 * changed in). A failed write is warned about once; the server goes on without recording. */
static void record_call(struct gf_local_server *s, const struct gf_aws_service *svc,
                        const char *op, const json_t *input, const json_t *output,
                        const struct verdict *v)
{
    json_t *line;
    char *text = NULL;
    bool ok;

    if (!s->record || s->record_failed)
        return;
    line = record_line(svc, op, input, output, v);
    text = line ? json_dumps(line, JSON_COMPACT) : NULL;
    ok = text && fputs(text, s->record) >= 0 && fputc('\n', s->record) != EOF &&
         fflush(s->record) == 0;
    if (!ok) {
        s->record_failed = true;
        gf_log_warn(LOG_MOD, "cannot write the --record file: no more calls are recorded",
                    GF_F_STR("path", s->opts.record_path));
    }
    free(text); /* jansson's json_dumps allocates with malloc */
    json_decref(line);
}

/* Open --record FILE for appending (created mode 0600). */
static int record_open(struct gf_local_server *s, const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    if (fd >= 0)
        s->record = fdopen(fd, "a");
    if (!s->record) {
        gf_error_set(GF_ERROR, "cannot open the --record file '%s': %s", path, strerror(errno));
        gf_error_hint("choose a file in a folder you can write to");
        if (fd >= 0)
            close(fd);
        return GF_ERROR;
    }
    return 0;
}

/* ---- running an operation ------------------------------------------------------------------ */

static void ctx_init(struct gf_local_ctx *ctx, struct gf_local_server *s,
                     const struct gf_aws_service *svc, const char *access_key_id)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->db = s->db;
    ctx->svc = svc;
    ctx->opts = &s->opts;
    ctx->region = s->region;
    ctx->account = s->account;
    ctx->access_key_id = access_key_id;
    ctx->now_ms = gf_clock_wall_ms(s->clock);
}

static void run_op(struct verdict *v, json_t **out, struct gf_local_server *s,
                   const struct gf_aws_service *svc, const struct gf_local_op *op,
                   const struct gf_sigv4_identity *id, const json_t *input)
{
    struct gf_local_ctx ctx;
    int rc;

    GF_ASSERT(op);
    ctx_init(&ctx, s, svc, id->access_key_id);
    pthread_mutex_lock(&s->lock);
    rc = op->fn(out, &ctx, input);
    if (rc < 0 && ctx.err_code[0])
        verdict_set(v, ctx.err_status, ctx.err_code, "%s", ctx.err_message);
    else if (rc == GF_EINVALID)
        verdict_set(v, 400, "ValidationException", "%s", gf_error_last()->msg);
    else if (rc < 0)
        verdict_set(v, 500, "InternalFailure", "%s", gf_error_last()->msg);
    record_call(s, svc, op->name, input, *out, v);
    pthread_mutex_unlock(&s->lock);
}

/* Where a request got to: what dispatch found, for the reply and the stats. */
struct outcome {
    const struct gf_aws_service *svc;
    const struct gf_local_op *op;
    struct gf_slice op_name;
    json_t *input, *output;
    struct verdict v;
};

/* Everything before the operation: size, signature, service, decoding, operation. */
static void admit(struct outcome *o, struct gf_sigv4_identity *id, struct gf_local_server *s,
                  struct request *r)
{
    const struct gf_local_service *ls = NULL;

    o->svc = guess_service(r);
    if (r->too_large)
        verdict_set(&o->v, 413, "RequestEntityTooLarge", "the request body exceeds %zu bytes",
                    s->max_body_bytes);
    if (!o->v.status)
        authenticate(&o->v, &o->svc, id, s, r);
    r->sqs_query = o->svc == &gf_aws_sqs && is_sqs_query(r);
    if (!o->v.status) {
        ls = local_service(o->svc);
        if (!ls)
            verdict_set(&o->v, 400, unknown_op_code(o->svc), "local-aws does not implement %s yet",
                        o->svc->id);
    }
    if (!o->v.status)
        decode(&o->v, &o->input, &o->op_name, o->svc, r);
    if (!o->v.status) {
        o->op = local_op(ls, o->op_name);
        if (!o->op)
            verdict_set(&o->v, 400, unknown_op_code(reply_service(o->svc, r)),
                        "local-aws %s does not implement %.*s", o->svc->id,
                        GF_SLICE_FMT(o->op_name));
    }
}

static int reply(struct gf_aws_wire *out, const struct outcome *o, const struct request *r)
{
    const struct gf_aws_service *svc = reply_service(o->svc, r);
    int rc;

    if (o->v.status) {
        const char *code = r->sqs_query ? sqs_legacy_code(o->v.code) : o->v.code;

        return wire_error(out, svc, o->v.status, code, o->v.message, r->request_id);
    }
    if (!o->op) /* admit() sets a verdict whenever it finds no operation */
        return wire_error(out, svc, 500, "InternalFailure", "no operation", r->request_id);
    if (r->sqs_query)
        rc = gf_aws_query_encode_response(out, svc, o->op->name, sqs_op_desc(o->op->name),
                                          o->output, r->request_id);
    else
        rc = gf_aws_response_encode(out, svc, o->op->name, o->output, r->request_id);
    if (rc < 0)
        return wire_error(out, svc, 500, "InternalFailure", gf_error_last()->msg, r->request_id);
    gf_log_debug(LOG_MOD, "call", GF_F_STR("aws_service", svc->id),
                 GF_F_STR("aws_op", o->op->name), GF_F_STR("request_id", r->request_id));
    return 0;
}

static int dispatch(struct gf_aws_wire *out, bool *reset_out, struct gf_local_server *s,
                    struct request *r)
{
    struct gf_sigv4_identity id;
    struct outcome o;
    enum fault f = FAULT_NONE;
    bool delay = false;
    int rc;

    memset(&o, 0, sizeof(o));
    admit(&o, &id, s, r);
    if (o.op) {
        f = draw_fault(s, &delay);
        if (delay)
            sleep_ms(s->opts.fault_latency_ms); /* the lock is not held */
        if (f == FAULT_THROTTLE || f == FAULT_ERROR)
            fault_verdict(&o.v, f, reply_service(o.svc, r));
        if (f == FAULT_NONE)
            run_op(&o.v, &o.output, s, o.svc, o.op, &id, o.input);
        stats_count(s, o.svc->id, o.op_name, o.v.status != 0 || f != FAULT_NONE);
    } else {
        pthread_mutex_lock(&s->lock);
        s->rejected++;
        pthread_mutex_unlock(&s->lock);
    }
    *reset_out = f == FAULT_RESET;
    rc = *reset_out ? 0 : reply(out, &o, r);
    json_decref(o.input);
    json_decref(o.output);
    return rc;
}

/* The request as received; too_large: its body passed the cap and was dropped. */
static int handle_request(struct gf_aws_wire *out, bool *reset_out, struct gf_local_server *s,
                          struct request *r, struct gf_slice query)
{
    size_t i, n = r->n_headers < GF_MHD_MAX_HEADERS ? r->n_headers : GF_MHD_MAX_HEADERS;

    *reset_out = false;
    make_request_id(r->request_id);
    if (strcmp(r->method, "GET") == 0 && strcmp(r->url, GF_LOCAL_STATS_PATH) == 0)
        return wire_stats(out, s);
    for (i = 0; i < n; i++) {
        r->sig[i].name = gf_slice_from(r->headers[i].name);
        r->sig[i].value = gf_slice_from(r->headers[i].value);
    }
    r->n_headers = n;
    r->sigv4.method = gf_slice_from(r->method);
    r->sigv4.path = gf_slice_from(r->url);
    r->sigv4.query = query;
    r->sigv4.headers = r->sig;
    r->sigv4.n_headers = n;
    r->sigv4.body = r->body;
    if (r->body.len > s->max_body_bytes) {
        r->too_large = true;
        r->body = gf_slice_make("", 0);
    }
    return dispatch(out, reset_out, s, r);
}

int gf_local_server_handle(struct gf_aws_wire *out, bool *reset_out, struct gf_local_server *srv,
                           const char *method, const char *path, struct gf_slice query,
                           const struct gf_aws_header *headers, size_t n_headers,
                           struct gf_slice body)
{
    struct request r;

    memset(&r, 0, sizeof(r));
    r.method = method;
    r.url = path;
    r.headers = headers;
    r.n_headers = n_headers;
    r.body = body;
    return handle_request(out, reset_out, srv, &r, query);
}

/* ---- libmicrohttpd ------------------------------------------------------------------------ */

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
    if (request_id && !gf_aws_wire_header(w, "x-amzn-RequestId") &&
        !gf_aws_wire_header(w, "x-amz-request-id"))
        MHD_add_response_header(r, "x-amzn-RequestId", request_id);
    ret = MHD_queue_response(c, (unsigned)w->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle_mhd(struct MHD_Connection *c, struct gf_local_server *s,
                                  const char *url, const char *method, const struct pending *p)
{
    struct gf_mhd_request in;
    struct gf_aws_wire w;
    struct request r;
    bool reset = false;
    int rc;

    memset(&r, 0, sizeof(r));
    r.method = method;
    r.url = url;
    r.body = gf_buf_slice(&p->body);
    r.too_large = p->too_large;
    gf_aws_wire_init(&w);
    if (gf_mhd_request_collect(&in, c, method, url, r.body) < 0) {
        make_request_id(r.request_id);
        rc = wire_error(&w, guess_service(&r), 414, "RequestURITooLong", "the query is too long",
                        r.request_id);
    } else {
        r.headers = in.aws;
        r.n_headers = in.n_headers;
        rc = handle_request(&w, &reset, s, &r, gf_buf_slice(&in.query));
    }
    gf_mhd_request_release(&in);
    if (rc < 0 || reset) {
        gf_aws_wire_release(&w);
        return MHD_NO; /* an injected reset: close without answering */
    }
    rc = send_wire(c, &w, r.request_id) == MHD_YES ? 0 : -1;
    gf_aws_wire_release(&w);
    return rc == 0 ? MHD_YES : MHD_NO;
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
    return handle_mhd(c, s, url, method, p);
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

/* ---- the starting topology ------------------------------------------------------------------ */

/* A seeding hook failed: say what could not be seeded, with the hook's own message. */
static int seed_fail(int rc, const struct gf_local_ctx *ctx, const char *what, const char *name)
{
    char why[512];

    snprintf(why, sizeof(why), "%s", ctx->err_message[0] ? ctx->err_message : gf_error_last()->msg);
    gf_error_set(rc, "cannot seed %s '%s': %s", what, name, why);
    gf_error_hint("start with --no-topology to skip the starting topology");
    return rc;
}

static int seed_images(struct gf_local_server *s, json_t *images)
{
    struct gf_local_ctx ctx;
    size_t i;
    int rc;

    for (i = 0; i < s->opts.n_images; i++) {
        ctx_init(&ctx, s, &gf_aws_ecr, s->creds[0].access_key_id);
        rc = gf_local_ecr_seed_image(&ctx, s->opts.images[i]);
        if (rc < 0)
            return seed_fail(rc, &ctx, "the image", s->opts.images[i]);
        if (json_array_append_new(images, json_string(s->opts.images[i])) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* The VPC (EC2), the zones (Route 53) and the images (ECR), into summary. */
static int seed_all(struct gf_local_server *s, json_t *summary, const char *domain)
{
    struct gf_local_ctx ctx;
    char vpc[32] = "";
    json_t *images = json_array();
    int rc;

    if (!images || json_object_set_new(summary, "images", images) < 0)
        return gf_error_oom();
    ctx_init(&ctx, s, &gf_aws_ec2, s->creds[0].access_key_id);
    rc = gf_local_ec2_seed(vpc, &ctx);
    if (rc < 0)
        return seed_fail(rc, &ctx, "the VPC of", domain);
    vpc[sizeof(vpc) - 1] = '\0';
    ctx_init(&ctx, s, &gf_aws_route53, s->creds[0].access_key_id);
    rc = gf_local_route53_seed(&ctx, domain, vpc);
    if (rc < 0)
        return seed_fail(rc, &ctx, "the zones of", domain);
    if (gf_local_set(summary, "vpc", json_string(vpc)) < 0)
        return gf_error_oom();
    return seed_images(s, images);
}

/* Seed once, when the database has no marker row yet; a restart reads the marker back. */
static int seed_topology(struct gf_local_server *s)
{
    const char *domain = s->opts.domain ? s->opts.domain : DEFAULT_DOMAIN;
    struct gf_local_res marker = {META_SERVICE, META_TYPE, META_NAME, 0,
                                  "arn:local-aws:meta::topology", "ACTIVE", NULL};
    json_t *doc = NULL;
    int rc;

    pthread_mutex_lock(&s->lock);
    rc = gf_local_db_get(&doc, s->db, META_SERVICE, META_TYPE, META_NAME, 0);
    if (rc == 0 && doc) {
        rc = gf_local_set(doc, "restored", json_true());
        goto out;
    }
    doc = json_pack("{s:b, s:s, s:s, s:[]}", "seeded", !s->opts.no_topology, "domain", domain,
                    "vpc", "", "images");
    if (!doc)
        rc = gf_error_oom();
    if (rc == 0 && !s->opts.no_topology)
        rc = seed_all(s, doc, domain);
    marker.doc = doc;
    if (rc == 0)
        rc = gf_local_db_put(s->db, &marker);
    if (rc == 0)
        rc = gf_local_set(doc, "restored", json_false());
out:
    pthread_mutex_unlock(&s->lock);
    if (rc < 0) {
        json_decref(doc);
        return rc;
    }
    s->topology = doc;
    return 0;
}

const json_t *gf_local_server_topology(const struct gf_local_server *srv)
{
    return srv->topology;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static int check_faults(const struct gf_local_opts *o)
{
    double p[3] = {o->fault_throttle, o->fault_error, o->fault_reset};
    size_t i;

    for (i = 0; i < 3; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return gf_error_set(GF_EINVALID, "a fault probability must be between 0 and 1");
    if (p[0] + p[1] + p[2] > 1.0 + 1e-9)
        return gf_error_set(GF_EINVALID, "the fault probabilities add up to more than 1");
    return 0;
}

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
    s->rng = (uint64_t)o->seed;
    return check_faults(o);
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
    json_decref(s->topology);
    if (s->record)
        fclose(s->record);
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
    if (rc == 0)
        rc = seed_topology(s);
    if (rc == 0 && opts->record_path)
        rc = record_open(s, opts->record_path); /* after seeding: only the API's calls */
    if (rc < 0)
        goto fail;
    /* a thread per connection, so an injected latency holds up only its own client; handlers
     * are serialised by s->lock, so one db connection serves them all */
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL,
        NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_UNESCAPE_CALLBACK, gf_mhd_no_unescape, s, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)60, MHD_OPTION_END);
    if (!s->daemon) {
        rc = gf_error_set(GF_ERROR, "cannot listen on port %u", opts->port);
        gf_error_hint("is the port in use? --listen 127.0.0.1:0 picks a free one");
        goto fail;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opts->port;
    s->opts.port = s->port; /* handlers see the bound port (SQS queue URLs name this endpoint) */
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
