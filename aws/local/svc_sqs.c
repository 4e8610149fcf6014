/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sqs.c: local-aws's SQS (json 1.0, reference/aws-protocols.md §2.4 and §7.9, botocore
 * sqs/2012-11-05): queues with AWS's name and attribute rules, redrive policies, tags, the
 * 60-second QueueDeletedRecently window, and enough of messages (send, receive, delete, purge,
 * visibility, dead-lettering) to fill and inspect a queue. Queues are addressed by URL; the
 * legacy query form reaches these same handlers through server.c. */
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define SVC          "sqs"
#define T_QUEUE      "queue"
#define T_TOMBSTONE  "deleted-queue"
#define E_NOQUEUE    "QueueDoesNotExist"
#define E_EXISTS     "QueueNameExists"
#define E_ATTR_NAME  "InvalidAttributeName"
#define E_ATTR_VALUE "InvalidAttributeValue"
#define E_PARAM      "InvalidParameterValue"
#define E_MISSING    "MissingParameter"
#define E_ADDRESS    "InvalidAddress"
#define E_RECEIPT    "ReceiptHandleIsInvalid"
#define ALL_ROWS     100000000
#define NAME_MAX_    80
#define MAX_TAGS     50
#define DELETED_MS   60000
#define PURGE_MS     60000
#define RECEIPT_PFX  "gfr-"

/* ---- queue documents ---------------------------------------------------------------------
 * Stored form (ours, not an API shape): {"name", "fifo", "attrs": {settable attributes as
 * strings}, "created_ms", "modified_ms", "purged_ms", "tags": {}, "seq", "messages": [{"id",
 * "body", "md5", "sent_ms", "visible_ms", "receives", "first_ms", "receipt", "group"}]}. */

static bool valid_queue_name(const char *s, bool fifo)
{
    size_t n = strlen(s), base = n, i;

    if (fifo) {
        if (n < 6 || strcmp(s + n - 5, ".fifo") != 0)
            return false;
        base = n - 5;
    }
    if (n < 1 || n > NAME_MAX_ || base < 1)
        return false;
    for (i = 0; i < base; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static int no_queue(struct gf_local_ctx *ctx)
{
    return gf_local_fail(ctx, 400, E_NOQUEUE, "The specified queue does not exist.");
}

/* The queue's URL: this endpoint's address when the port is known, else AWS's own form (no
 * SDK here routes on it: reference §7.9 "a stand-in returns its own"). */
static int queue_url(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *name)
{
    const struct gf_local_opts *o = ctx->opts;

    if (o && o->port)
        gf_buf_printf(out, "http://%s:%u/%s/%s", o->host ? o->host : GF_LOCAL_DEFAULT_HOST,
                      o->port, ctx->account, name);
    else
        gf_buf_printf(out, "https://sqs.%s.amazonaws.com/%s/%s", ctx->region, ctx->account,
                      name);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

static int queue_arn(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *name)
{
    return gf_local_arn(out, ctx, SVC, true, name);
}

/* The queue name of a QueueUrl ("http(s)://HOST/ACCOUNT/NAME", any host) into out. */
static int url_name(char out[NAME_MAX_ + 1], struct gf_local_ctx *ctx, const char *url)
{
    const char *name = strrchr(url, '/');
    const char *acct;
    size_t alen;

    if (!name || name == url || !name[1] || strlen(name + 1) > NAME_MAX_)
        return gf_local_fail(ctx, 400, E_ADDRESS, "The address %s is not valid for this "
                                                  "endpoint.", url);
    acct = name - 1;
    while (acct > url && *acct != '/')
        acct--;
    alen = (size_t)(name - acct - 1);
    if (*acct != '/' || alen != strlen(ctx->account) ||
        strncmp(acct + 1, ctx->account, alen) != 0)
        return no_queue(ctx);
    snprintf(out, NAME_MAX_ + 1, "%s", name + 1);
    return 0;
}

static int load_queue_by_name(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    int rc = gf_local_db_get(out, ctx->db, SVC, T_QUEUE, name, 0);

    if (rc == 0 && !*out)
        return no_queue(ctx);
    return rc;
}

static int64_t attr_int(const json_t *q, const char *name)
{
    int64_t v = 0;

    gf_slice_to_i64(&v, gf_slice_from(json_string_value(
                            json_object_get(json_object_get(q, "attrs"), name))),
                    INT64_MIN, INT64_MAX);
    return v;
}

static int64_t doc_int(const json_t *q, const char *key)
{
    return json_integer_value(json_object_get(q, key));
}

/* Drop messages past the retention period (computed lazily, when read). */
static void expire_messages(json_t *q, int64_t now_ms)
{
    json_t *msgs = json_object_get(q, "messages");
    int64_t keep_ms = attr_int(q, "MessageRetentionPeriod") * 1000;
    size_t i;

    for (i = json_array_size(msgs); i > 0; i--) {
        if (doc_int(json_array_get(msgs, i - 1), "sent_ms") + keep_ms <= now_ms)
            json_array_remove(msgs, i - 1);
    }
}

/* QueueUrl of the input, and the queue loaded (messages expired). */
static int load_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    char name[NAME_MAX_ + 1];
    const char *url = NULL;
    int rc;

    *out = NULL;
    rc = gf_local_get_string(&url, ctx, input, "QueueUrl", E_MISSING);
    if (rc == 0)
        rc = url_name(name, ctx, url);
    if (rc == 0)
        rc = load_queue_by_name(out, ctx, name);
    if (rc == 0)
        expire_messages(*out, ctx->now_ms);
    return rc;
}

static int put_queue(struct gf_local_ctx *ctx, const json_t *q)
{
    struct gf_buf arn = GF_BUF_INIT;
    const char *name = json_string_value(json_object_get(q, "name"));
    struct gf_local_res res = {SVC, T_QUEUE, name, 0, NULL, "ACTIVE", q};
    int rc = queue_arn(&arn, ctx, name);

    res.arn = arn.ptr;
    if (rc == 0)
        rc = gf_local_db_put(ctx->db, &res);
    gf_buf_release(&arn);
    return rc;
}

/* ---- attributes ------------------------------------------------------------------------- */

struct attr_rule {
    const char *name;
    int64_t min, max; /* integer attributes; min > max: not an integer */
    bool fifo_only;
};

static const struct attr_rule s_attrs[] = {
    {"DelaySeconds", 0, 900, false},
    {"MaximumMessageSize", 1024, 262144, false},
    {"MessageRetentionPeriod", 60, 1209600, false},
    {"ReceiveMessageWaitTimeSeconds", 0, 20, false},
    {"VisibilityTimeout", 0, 43200, false},
    {"KmsDataKeyReusePeriodSeconds", 60, 86400, false},
    {"Policy", 1, 0, false},
    {"RedrivePolicy", 1, 0, false},
    {"RedriveAllowPolicy", 1, 0, false},
    {"KmsMasterKeyId", 1, 0, false},
    {"SqsManagedSseEnabled", 1, 0, false},
    {"FifoQueue", 1, 0, false},
    {"ContentBasedDeduplication", 1, 0, true},
    {"DeduplicationScope", 1, 0, true},
    {"FifoThroughputLimit", 1, 0, true},
    {NULL, 0, 0, false},
};

/* The attributes computed from the queue's state: readable, never settable. */
static const char *const s_readonly[] = {
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "QueueArn", NULL};

static const struct attr_rule *attr_rule(const char *name)
{
    size_t i;

    for (i = 0; s_attrs[i].name; i++) {
        if (strcmp(s_attrs[i].name, name) == 0)
            return &s_attrs[i];
    }
    return NULL;
}

static bool is_readonly(const char *name)
{
    size_t i;

    for (i = 0; s_readonly[i]; i++) {
        if (strcmp(s_readonly[i], name) == 0)
            return true;
    }
    return false;
}

static int bad_value(struct gf_local_ctx *ctx, const char *name)
{
    return gf_local_fail(ctx, 400, E_ATTR_VALUE, "Invalid value for the parameter %s.", name);
}

static int bad_redrive(struct gf_local_ctx *ctx, const char *value, const char *why)
{
    return gf_local_fail(ctx, 400, E_ATTR_VALUE,
                         "Value %s for parameter RedrivePolicy is invalid. Reason: %s", value,
                         why);
}

/* RedrivePolicy: {"deadLetterTargetArn": an existing queue of the same type in this account
 * and region, "maxReceiveCount": 1-1000}; "" clears it. */
static int check_redrive(struct gf_local_ctx *ctx, const char *value, bool fifo)
{
    struct gf_buf prefix = GF_BUF_INIT;
    json_t *p = json_loads(value, 0, NULL), *dlq = NULL;
    const char *arn = json_string_value(json_object_get(p, "deadLetterTargetArn"));
    const json_t *max = json_object_get(p, "maxReceiveCount");
    int64_t n = 0;
    int rc = 0;

    if (!json_is_object(p))
        rc = bad_redrive(ctx, value, "Redrive policy is not a valid JSON map.");
    else if (!arn)
        rc = bad_redrive(ctx, value, "Redrive policy does not contain mandatory attribute: "
                                     "deadLetterTargetArn.");
    else if (!max)
        rc = bad_redrive(ctx, value, "Redrive policy does not contain mandatory attribute: "
                                     "maxReceiveCount.");
    else if (json_is_integer(max))
        n = json_integer_value(max);
    else if (!json_is_string(max) ||
             gf_slice_to_i64(&n, gf_slice_from(json_string_value(max)), 1, 1000) < 0)
        n = 0;
    if (rc == 0 && (n < 1 || n > 1000))
        rc = bad_redrive(ctx, value, "Invalid value for maxReceiveCount: must be between 1 and "
                                     "1000.");
    if (rc == 0)
        rc = queue_arn(&prefix, ctx, "");
    if (rc == 0 && arn && strncmp(arn, prefix.ptr, prefix.len) == 0)
        rc = gf_local_db_get(&dlq, ctx->db, SVC, T_QUEUE, arn + prefix.len, 0);
    if (rc == 0 && !dlq)
        rc = bad_redrive(ctx, value, "Dead letter target does not exist.");
    else if (rc == 0 && json_is_true(json_object_get(dlq, "fifo")) != fifo)
        rc = bad_redrive(ctx, value, fifo ? "Dead-letter queue must be a FIFO queue."
                                          : "Dead-letter queue must be a standard queue.");
    json_decref(p);
    json_decref(dlq);
    gf_buf_release(&prefix);
    return rc;
}

static int check_enum_value(struct gf_local_ctx *ctx, const char *name, const char *v,
                            const char *a, const char *b)
{
    return strcmp(v, a) == 0 || strcmp(v, b) == 0 ? 0 : bad_value(ctx, name);
}

/* One attribute's value (a string) against its rule. */
static int check_value(struct gf_local_ctx *ctx, const struct attr_rule *r, const char *v,
                       bool fifo)
{
    int64_t n;
    json_t *j;

    if (r->min <= r->max)
        return gf_slice_to_i64(&n, gf_slice_from(v), r->min, r->max) == 0 ? 0
                                                                          : bad_value(ctx, r->name);
    if (!strcmp(r->name, "RedrivePolicy"))
        return *v ? check_redrive(ctx, v, fifo) : 0;
    if (!strcmp(r->name, "Policy") || !strcmp(r->name, "RedriveAllowPolicy")) {
        if (!*v)
            return 0;
        j = json_loads(v, 0, NULL);
        n = json_is_object(j);
        json_decref(j);
        return n ? 0 : bad_value(ctx, r->name);
    }
    if (!strcmp(r->name, "SqsManagedSseEnabled") || !strcmp(r->name, "FifoQueue") ||
        !strcmp(r->name, "ContentBasedDeduplication"))
        return check_enum_value(ctx, r->name, v, "true", "false");
    if (!strcmp(r->name, "DeduplicationScope"))
        return check_enum_value(ctx, r->name, v, "messageGroup", "queue");
    if (!strcmp(r->name, "FifoThroughputLimit"))
        return check_enum_value(ctx, r->name, v, "perQueue", "perMessageGroupId");
    return 0;
}

static int unknown_attr(struct gf_local_ctx *ctx, const char *name)
{
    return gf_local_fail(ctx, 400, E_ATTR_NAME, "Unknown Attribute %s.", name);
}

/* Check a set of attributes for a queue (creating: FifoQueue allowed). */
static int check_attrs(struct gf_local_ctx *ctx, const json_t *attrs, bool fifo, bool creating)
{
    const char *k;
    const json_t *v;
    int rc;

    json_object_foreach((json_t *)(uintptr_t)attrs, k, v) {
        const struct attr_rule *r = attr_rule(k);

        if (!r || (r->fifo_only && !fifo) || (!creating && !strcmp(k, "FifoQueue")))
            return unknown_attr(ctx, k);
        if (!json_is_string(v))
            return bad_value(ctx, k);
        rc = check_value(ctx, r, json_string_value(v), fifo);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* AWS's defaults for a new queue. */
static json_t *default_attrs(bool fifo)
{
    json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "VisibilityTimeout", "30",
                          "MaximumMessageSize", "262144", "MessageRetentionPeriod", "345600",
                          "DelaySeconds", "0", "ReceiveMessageWaitTimeSeconds", "0",
                          "SqsManagedSseEnabled", "true");

    if (a && fifo) {
        json_object_set_new(a, "FifoQueue", json_string("true"));
        json_object_set_new(a, "ContentBasedDeduplication", json_string("false"));
        json_object_set_new(a, "DeduplicationScope", json_string("queue"));
        json_object_set_new(a, "FifoThroughputLimit", json_string("perQueue"));
    }
    return a;
}

/* Set attrs on the queue; "" clears Policy, RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId. */
static int apply_attrs(json_t *q, const json_t *attrs)
{
    json_t *have = json_object_get(q, "attrs");
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)(uintptr_t)attrs, k, v) {
        if (json_string_length(v) == 0 && attr_rule(k) && attr_rule(k)->min > attr_rule(k)->max)
            json_object_del(have, k);
        else if (json_object_set(have, k, (json_t *)(uintptr_t)v) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* ---- computed attributes ---------------------------------------------------------------- */

struct counts {
    int64_t visible, in_flight, delayed;
};

static void count_messages(struct counts *c, const json_t *q, int64_t now_ms)
{
    const json_t *m;
    size_t i;

    memset(c, 0, sizeof(*c));
    json_array_foreach(json_object_get(q, "messages"), i, m) {
        if (doc_int(m, "visible_ms") <= now_ms)
            c->visible++;
        else if (doc_int(m, "receives") > 0)
            c->in_flight++;
        else
            c->delayed++;
    }
}

static int set_str(json_t *obj, const char *key, int width, int64_t v)
{
    char text[32];

    snprintf(text, sizeof(text), "%0*" PRId64, width, v);
    return gf_local_set(obj, key, json_string(text));
}

/* Every attribute: the stored ones plus the computed ones. New object into *out. */
static int all_attrs(json_t **out, struct gf_local_ctx *ctx, const json_t *q)
{
    struct gf_buf arn = GF_BUF_INIT;
    struct counts c;
    int rc;

    *out = json_copy(json_object_get(q, "attrs"));
    if (!*out)
        return gf_error_oom();
    count_messages(&c, q, ctx->now_ms);
    rc = queue_arn(&arn, ctx, json_string_value(json_object_get(q, "name")));
    if (rc == 0)
        rc = gf_local_set(*out, "QueueArn", json_string(arn.ptr));
    if (rc == 0)
        rc = set_str(*out, "ApproximateNumberOfMessages", 0, c.visible);
    if (rc == 0)
        rc = set_str(*out, "ApproximateNumberOfMessagesNotVisible", 0, c.in_flight);
    if (rc == 0)
        rc = set_str(*out, "ApproximateNumberOfMessagesDelayed", 0, c.delayed);
    if (rc == 0)
        rc = set_str(*out, "CreatedTimestamp", 0, doc_int(q, "created_ms") / 1000);
    if (rc == 0)
        rc = set_str(*out, "LastModifiedTimestamp", 0, doc_int(q, "modified_ms") / 1000);
    gf_buf_release(&arn);
    return rc;
}

/* ---- queues ----------------------------------------------------------------------------- */

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    const char *k;
    const json_t *v;

    if (json_object_size(tags) > MAX_TAGS)
        return gf_local_fail(ctx, 400, E_PARAM, "Too many tags added for queue.");
    json_object_foreach((json_t *)(uintptr_t)tags, k, v) {
        if (strlen(k) < 1 || strlen(k) > 128 || !json_is_string(v) ||
            json_string_length(v) > 256)
            return gf_local_fail(ctx, 400, E_PARAM, "Tag '%s' is not valid.", k);
    }
    return 0;
}

static int new_queue(json_t **out, struct gf_local_ctx *ctx, const char *name, bool fifo,
                     const json_t *attrs, const json_t *tags)
{
    json_t *q = json_pack("{s:s,s:b,s:o,s:I,s:I,s:I,s:o,s:I,s:[]}", "name", name, "fifo", fifo,
                          "attrs", default_attrs(fifo), "created_ms", (json_int_t)ctx->now_ms,
                          "modified_ms", (json_int_t)ctx->now_ms, "purged_ms", (json_int_t)0,
                          "tags", tags ? json_deep_copy(tags) : json_object(), "seq",
                          (json_int_t)0, "messages");

    *out = q;
    if (!q)
        return gf_error_oom();
    return attrs ? apply_attrs(q, attrs) : 0;
}

/* An existing queue may be "created" again only with the same values for what is given. */
static int same_attrs(struct gf_local_ctx *ctx, const json_t *q, const json_t *attrs)
{
    const json_t *have = json_object_get(q, "attrs");
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)(uintptr_t)attrs, k, v) {
        const char *h = json_string_value(json_object_get(have, k));

        if (!h ? json_string_length(v) != 0 : strcmp(h, json_string_value(v)) != 0)
            return gf_local_fail(ctx, 400, E_EXISTS,
                                 "A queue already exists with the same name and a different "
                                 "value for attribute %s",
                                 k);
    }
    return 0;
}

/* QueueDeletedRecently within 60 s of a DeleteQueue of the same name. */
static int check_tombstone(struct gf_local_ctx *ctx, const char *name)
{
    json_t *t = NULL;
    bool deleted;
    int rc = gf_local_db_get(&t, ctx->db, SVC, T_TOMBSTONE, name, 0);

    if (rc == 0 && t && ctx->now_ms - doc_int(t, "deleted_ms") < DELETED_MS)
        rc = gf_local_fail(ctx, 400, "QueueDeletedRecently",
                           "You must wait 60 seconds after deleting a queue before you can "
                           "create another queue with the same name.");
    else if (rc == 0 && t)
        rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_TOMBSTONE, name, 0);
    json_decref(t);
    return rc;
}

static int url_out(json_t **out, struct gf_local_ctx *ctx, const char *name)
{
    struct gf_buf url = GF_BUF_INIT;
    int rc = queue_url(&url, ctx, name);

    if (rc == 0) {
        *out = json_pack("{s:s}", "QueueUrl", url.ptr);
        rc = *out ? 0 : gf_error_oom();
    }
    gf_buf_release(&url);
    return rc;
}

static int read_create(const char **name_out, bool *fifo_out, const json_t **attrs_out,
                       const json_t **tags_out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *fifo = NULL;
    int rc;

    rc = gf_local_get_string(name_out, ctx, input, "QueueName", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_object(attrs_out, ctx, input, "Attributes", NULL);
    if (rc == 0)
        rc = gf_local_get_object(tags_out, ctx, input, "tags", NULL);
    if (rc < 0)
        return rc;
    fifo = json_string_value(json_object_get(*attrs_out, "FifoQueue"));
    *fifo_out = fifo && strcmp(fifo, "true") == 0;
    if (!valid_queue_name(*name_out, *fifo_out))
        return gf_local_fail(ctx, 400, E_PARAM,
                             *fifo_out ? "The name of a FIFO queue can only include "
                                         "alphanumeric characters, hyphens, or underscores, "
                                         "must end with .fifo suffix and be 1 to 80 in length."
                                       : "Can only include alphanumeric characters, hyphens, "
                                         "or underscores. 1 to 80 in length");
    rc = check_attrs(ctx, *attrs_out, *fifo_out, true);
    if (rc == 0 && *tags_out)
        rc = check_tags(ctx, *tags_out);
    return rc;
}

static int op_create_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    const json_t *attrs = NULL, *tags = NULL;
    json_t *q = NULL;
    bool fifo = false;
    int rc;

    rc = read_create(&name, &fifo, &attrs, &tags, ctx, input);
    if (rc == 0)
        rc = gf_local_db_get(&q, ctx->db, SVC, T_QUEUE, name, 0);
    if (rc == 0 && q && attrs)
        rc = same_attrs(ctx, q, attrs);
    if (rc == 0 && !q)
        rc = check_tombstone(ctx, name);
    if (rc == 0 && !q) {
        rc = new_queue(&q, ctx, name, fifo, attrs, tags);
        if (rc == 0)
            rc = put_queue(ctx, q);
    }
    if (rc == 0)
        rc = url_out(out, ctx, name);
    json_decref(q);
    return rc;
}

static int op_get_queue_url(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *owner = NULL;
    json_t *q = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "QueueName", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_string(&owner, ctx, input, "QueueOwnerAWSAccountId", NULL);
    if (rc == 0 && owner && strcmp(owner, ctx->account) != 0)
        rc = no_queue(ctx);
    if (rc == 0)
        rc = load_queue_by_name(&q, ctx, name);
    if (rc == 0)
        rc = url_out(out, ctx, name);
    json_decref(q);
    return rc;
}

static int select_attrs(json_t *out, const json_t *all, const json_t *names,
                        struct gf_local_ctx *ctx)
{
    const json_t *n;
    size_t i;

    json_array_foreach(names, i, n) {
        const char *k = json_string_value(n);
        const json_t *v;

        if (!k)
            return unknown_attr(ctx, "?");
        if (!attr_rule(k) && !is_readonly(k) && strcmp(k, "All") != 0)
            return unknown_attr(ctx, k);
        v = json_object_get(all, k);
        if (v && json_object_set(out, k, (json_t *)(uintptr_t)v) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int op_get_queue_attributes(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *names = NULL;
    json_t *q = NULL, *all = NULL, *sel = NULL;
    int rc;

    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_array(&names, ctx, input, "AttributeNames", NULL);
    if (rc == 0)
        rc = all_attrs(&all, ctx, q);
    if (rc == 0 && gf_local_array_has_string(names, "All")) {
        sel = json_incref(all);
    } else if (rc == 0) {
        sel = json_object();
        rc = sel ? select_attrs(sel, all, names, ctx) : gf_error_oom();
    }
    if (rc == 0 && json_object_size(sel) > 0) {
        *out = json_pack("{s:O}", "Attributes", sel);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(q);
    json_decref(all);
    json_decref(sel);
    return rc;
}

static int op_set_queue_attributes(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *attrs = NULL;
    json_t *q = NULL;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_object(&attrs, ctx, input, "Attributes", E_MISSING);
    if (rc == 0)
        rc = check_attrs(ctx, attrs, json_is_true(json_object_get(q, "fifo")), false);
    if (rc == 0)
        rc = apply_attrs(q, attrs);
    if (rc == 0)
        rc = gf_local_set(q, "modified_ms", json_integer(ctx->now_ms));
    if (rc == 0)
        rc = put_queue(ctx, q);
    json_decref(q);
    return rc;
}

static int op_delete_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf arn = GF_BUF_INIT;
    const char *name;
    json_t *q = NULL, *t = NULL;
    bool deleted;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc < 0)
        return rc;
    name = json_string_value(json_object_get(q, "name"));
    rc = gf_local_db_delete(&deleted, ctx->db, SVC, T_QUEUE, name, 0);
    if (rc == 0)
        rc = gf_buf_printf(&arn, "local-aws:sqs:deleted:%s:%s:%s", ctx->region, ctx->account,
                           name) < 0 ? gf_error_oom() : 0;
    t = json_pack("{s:I}", "deleted_ms", (json_int_t)ctx->now_ms);
    if (rc == 0 && !t)
        rc = gf_error_oom();
    if (rc == 0) {
        struct gf_local_res res = {SVC, T_TOMBSTONE, name, 0, arn.ptr, "DELETED", t};

        rc = gf_local_db_put(ctx->db, &res);
    }
    json_decref(q);
    json_decref(t);
    gf_buf_release(&arn);
    return rc;
}

static int all_queues(json_t **out, struct gf_local_ctx *ctx)
{
    struct gf_local_list q = {SVC, T_QUEUE, NULL, NULL, false, 0, ALL_ROWS};
    bool more;

    return gf_local_db_list(out, &more, ctx->db, &q);
}

/* QueueUrls of `names` (array of strings) from offset, limit, with NextToken. */
static int urls_page(json_t **out, struct gf_local_ctx *ctx, const json_t *names,
                     const struct gf_local_page *page, int64_t limit, int64_t offset,
                     const char *key)
{
    json_t *urls = json_array();
    size_t i, n = json_array_size(names);
    int rc = urls ? 0 : gf_error_oom();

    for (i = (size_t)offset; rc == 0 && i < n && i < (size_t)(offset + limit); i++) {
        struct gf_buf url = GF_BUF_INIT;

        rc = queue_url(&url, ctx, json_string_value(json_array_get(names, i)));
        if (rc == 0)
            rc = json_array_append_new(urls, json_string(url.ptr)) < 0 ? gf_error_oom() : 0;
        gf_buf_release(&url);
    }
    *out = json_object();
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (rc == 0 && json_array_size(urls) > 0)
        rc = gf_local_set(*out, key, json_incref(urls));
    if (rc == 0)
        rc = gf_local_page_set(*out, page, (size_t)(offset + limit) < n, offset, (size_t)limit);
    json_decref(urls);
    return rc;
}

static int op_list_queues(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    static const struct gf_local_page s_page = {"MaxResults", "NextToken", "NextToken", 1000,
                                                E_PARAM};
    const char *prefix = NULL;
    json_t *all = NULL, *names = json_array();
    const json_t *q;
    int64_t limit = 0, offset = 0;
    size_t i;
    int rc;

    rc = names ? gf_local_get_string(&prefix, ctx, input, "QueueNamePrefix", NULL)
               : gf_error_oom();
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = all_queues(&all, ctx);
    json_array_foreach(all, i, q) {
        const char *n = json_string_value(json_object_get(q, "name"));

        if (rc == 0 && (!prefix || strncmp(n, prefix, strlen(prefix)) == 0))
            rc = json_array_append_new(names, json_string(n)) < 0 ? gf_error_oom() : 0;
    }
    if (rc == 0)
        rc = urls_page(out, ctx, names, &s_page, limit, offset, "QueueUrls");
    json_decref(all);
    json_decref(names);
    return rc;
}

static int op_list_dead_letter_source_queues(json_t **out, struct gf_local_ctx *ctx,
                                             const json_t *input)
{
    static const struct gf_local_page s_page = {"MaxResults", "NextToken", "NextToken", 1000,
                                                E_PARAM};
    struct gf_buf arn = GF_BUF_INIT;
    json_t *dlq = NULL, *all = NULL, *names = json_array();
    const json_t *q;
    int64_t limit = 0, offset = 0;
    size_t i;
    int rc;

    rc = names ? load_queue(&dlq, ctx, input) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = queue_arn(&arn, ctx, json_string_value(json_object_get(dlq, "name")));
    if (rc == 0)
        rc = all_queues(&all, ctx);
    json_array_foreach(all, i, q) {
        const char *rp = json_string_value(
            json_object_get(json_object_get(q, "attrs"), "RedrivePolicy"));
        json_t *p = rp ? json_loads(rp, 0, NULL) : NULL;
        const char *target = json_string_value(json_object_get(p, "deadLetterTargetArn"));

        if (rc == 0 && target && strcmp(target, arn.ptr) == 0)
            rc = json_array_append(names, json_object_get(q, "name")) < 0 ? gf_error_oom() : 0;
        json_decref(p);
    }
    if (rc == 0)
        rc = urls_page(out, ctx, names, &s_page, limit, offset, "queueUrls");
    if (rc == 0 && !json_object_get(*out, "queueUrls"))
        rc = gf_local_set(*out, "queueUrls", json_array());
    json_decref(dlq);
    json_decref(all);
    json_decref(names);
    gf_buf_release(&arn);
    return rc;
}

/* ---- tags ------------------------------------------------------------------------------- */

static int op_tag_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tags = NULL;
    json_t *q = NULL, *have;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_object(&tags, ctx, input, "Tags", E_MISSING);
    have = json_object_get(q, "tags");
    if (rc == 0 && json_object_update(have, (json_t *)(uintptr_t)tags) < 0)
        rc = gf_error_oom();
    if (rc == 0)
        rc = check_tags(ctx, have);
    if (rc == 0)
        rc = put_queue(ctx, q);
    json_decref(q);
    return rc;
}

static int op_untag_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *keys = NULL, *k;
    json_t *q = NULL;
    size_t i;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_array(&keys, ctx, input, "TagKeys", E_MISSING);
    json_array_foreach(keys, i, k) {
        if (json_is_string(k))
            json_object_del(json_object_get(q, "tags"), json_string_value(k));
    }
    if (rc == 0)
        rc = put_queue(ctx, q);
    json_decref(q);
    return rc;
}

static int op_list_queue_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *q = NULL;
    int rc;

    rc = load_queue(&q, ctx, input);
    if (rc == 0 && json_object_size(json_object_get(q, "tags")) > 0) {
        *out = json_pack("{s:O}", "Tags", json_object_get(q, "tags"));
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(q);
    return rc;
}

/* ---- messages --------------------------------------------------------------------------- */

static void md5_hex(char out[33], const char *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t i;

    if (EVP_Digest(data, len, d, &n, EVP_md5(), NULL) != 1)
        n = 0;
    for (i = 0; i < n && i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 0xf];
    }
    out[2 * i] = '\0';
}

/* A message id in UUID form. */
static void message_id(char out[37])
{
    char h[33];

    gf_local_random_hex(h, 32);
    snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

struct send_in {
    const char *body, *group, *dedup;
    int64_t delay_s;
    bool delay_given;
};

static int read_send(struct send_in *s, struct gf_local_ctx *ctx, const json_t *input,
                     const json_t *q)
{
    bool fifo = json_is_true(json_object_get(q, "fifo"));
    size_t n;
    int rc;

    memset(s, 0, sizeof(*s));
    s->delay_s = attr_int(q, "DelaySeconds");
    rc = gf_local_get_string(&s->body, ctx, input, "MessageBody", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_int(&s->delay_s, &s->delay_given, ctx, input, "DelaySeconds", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&s->group, ctx, input, "MessageGroupId", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&s->dedup, ctx, input, "MessageDeduplicationId", NULL);
    if (rc < 0)
        return rc;
    n = strlen(s->body);
    if (n < 1 || (int64_t)n > attr_int(q, "MaximumMessageSize"))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "One or more parameters are invalid. Reason: Message must be "
                             "shorter than %" PRId64 " bytes.",
                             attr_int(q, "MaximumMessageSize"));
    if (s->delay_s < 0 || s->delay_s > 900)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value %" PRId64 " for parameter DelaySeconds is invalid. Reason: "
                             "must be between 0 and 900, if provided.",
                             s->delay_s);
    if (fifo && s->delay_given)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value %" PRId64 " for parameter DelaySeconds is invalid. Reason: "
                             "The request include parameter that is not valid for this queue "
                             "type.",
                             s->delay_s);
    if (fifo && !s->group)
        return gf_local_fail(ctx, 400, E_MISSING,
                             "The request must contain the parameter MessageGroupId.");
    if (fifo && !s->dedup &&
        strcmp(json_string_value(json_object_get(json_object_get(q, "attrs"),
                                                 "ContentBasedDeduplication")),
               "true") != 0)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "The queue should either have ContentBasedDeduplication enabled "
                             "or MessageDeduplicationId provided explicitly");
    return 0;
}

static int op_send_message(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct send_in s = {NULL, NULL, NULL, 0, false};
    json_t *q = NULL, *m = NULL;
    char id[37], md5[33];
    int64_t seq;
    int rc;

    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = read_send(&s, ctx, input, q);
    if (rc != 0 || !s.body)
        goto out;
    message_id(id);
    md5_hex(md5, s.body, strlen(s.body));
    seq = doc_int(q, "seq") + 1;
    m = json_pack("{s:s,s:s,s:s,s:I,s:I,s:i,s:I,s:s,s:s?}", "id", id, "body", s.body, "md5", md5,
                  "sent_ms", (json_int_t)ctx->now_ms, "visible_ms",
                  (json_int_t)ctx->now_ms + (json_int_t)s.delay_s * 1000, "receives", 0, "first_ms",
                  (json_int_t)0, "receipt", "", "group", s.group);
    rc = m && json_array_append(json_object_get(q, "messages"), m) == 0 ? 0 : gf_error_oom();
    if (rc == 0)
        rc = gf_local_set(q, "seq", json_integer(seq));
    if (rc == 0)
        rc = put_queue(ctx, q);
    if (rc == 0) {
        *out = json_pack("{s:s,s:s}", "MessageId", id, "MD5OfMessageBody", md5);
        rc = *out ? 0 : gf_error_oom();
    }
    if (rc == 0 && json_is_true(json_object_get(q, "fifo")))
        rc = set_str(*out, "SequenceNumber", 20, seq);
out:
    json_decref(q);
    json_decref(m);
    return rc;
}

/* Move m to the queue's dead-letter queue when its receives reached maxReceiveCount; *moved_out
 * says so (then the caller removes it here). */
static int maybe_dead_letter(bool *moved_out, struct gf_local_ctx *ctx, const json_t *q,
                             const json_t *m)
{
    struct gf_buf prefix = GF_BUF_INIT;
    const char *rp = json_string_value(
        json_object_get(json_object_get(q, "attrs"), "RedrivePolicy"));
    json_t *p = rp ? json_loads(rp, 0, NULL) : NULL, *dlq = NULL, *copy = NULL;
    const char *arn = json_string_value(json_object_get(p, "deadLetterTargetArn"));
    const json_t *maxv = json_object_get(p, "maxReceiveCount");
    int64_t max = json_is_integer(maxv) ? json_integer_value(maxv) : 0;
    int rc = 0;

    *moved_out = false;
    if (json_is_string(maxv))
        gf_slice_to_i64(&max, gf_slice_from(json_string_value(maxv)), 1, 1000);
    if (!arn || max < 1 || doc_int(m, "receives") < max)
        goto out;
    rc = queue_arn(&prefix, ctx, "");
    if (rc == 0 && strncmp(arn, prefix.ptr, prefix.len) == 0)
        rc = gf_local_db_get(&dlq, ctx->db, SVC, T_QUEUE, arn + prefix.len, 0);
    if (rc < 0 || !dlq)
        goto out;
    copy = json_deep_copy(m);
    rc = copy ? 0 : gf_error_oom();
    if (rc == 0) {
        json_object_set_new(copy, "receives", json_integer(0));
        json_object_set_new(copy, "visible_ms", json_integer(ctx->now_ms));
        rc = json_array_append(json_object_get(dlq, "messages"), copy) < 0 ? gf_error_oom()
                                                                            : 0;
    }
    if (rc == 0)
        rc = put_queue(ctx, dlq);
    *moved_out = rc == 0;
out:
    json_decref(p);
    json_decref(dlq);
    json_decref(copy);
    gf_buf_release(&prefix);
    return rc;
}

static json_t *received(const json_t *m, bool with_attrs)
{
    json_t *r = json_pack("{s:O,s:O,s:O,s:O}", "MessageId", json_object_get(m, "id"),
                          "ReceiptHandle", json_object_get(m, "receipt"), "MD5OfBody",
                          json_object_get(m, "md5"), "Body", json_object_get(m, "body"));
    char text[32];

    if (!r || !with_attrs)
        return r;
    json_object_set_new(r, "Attributes", json_object());
    snprintf(text, sizeof(text), "%" PRId64, doc_int(m, "sent_ms"));
    json_object_set_new(json_object_get(r, "Attributes"), "SentTimestamp", json_string(text));
    snprintf(text, sizeof(text), "%" PRId64, doc_int(m, "receives"));
    json_object_set_new(json_object_get(r, "Attributes"), "ApproximateReceiveCount",
                        json_string(text));
    snprintf(text, sizeof(text), "%" PRId64, doc_int(m, "first_ms"));
    json_object_set_new(json_object_get(r, "Attributes"), "ApproximateFirstReceiveTimestamp",
                        json_string(text));
    return r;
}

/* Mark m received: a new receipt handle, hidden for vt_s seconds. */
static int take_message(json_t *m, struct gf_local_ctx *ctx, int64_t vt_s)
{
    char receipt[64];

    snprintf(receipt, sizeof(receipt), RECEIPT_PFX);
    gf_local_random_hex(receipt + strlen(RECEIPT_PFX), 40);
    json_object_set_new(m, "receipt", json_string(receipt));
    json_object_set_new(m, "receives", json_integer(doc_int(m, "receives") + 1));
    if (doc_int(m, "first_ms") == 0)
        json_object_set_new(m, "first_ms", json_integer(ctx->now_ms));
    json_object_set_new(m, "visible_ms", json_integer(ctx->now_ms + vt_s * 1000));
    return 0;
}

struct receive_in {
    int64_t max, vt_s, wait_s;
    bool with_attrs;
};

static int read_receive(struct receive_in *r, struct gf_local_ctx *ctx, const json_t *input,
                        const json_t *q)
{
    const json_t *names = NULL, *sys = NULL;
    int rc;

    r->max = 1;
    r->vt_s = attr_int(q, "VisibilityTimeout");
    r->wait_s = 0;
    rc = gf_local_get_int(&r->max, NULL, ctx, input, "MaxNumberOfMessages", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&r->vt_s, NULL, ctx, input, "VisibilityTimeout", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&r->wait_s, NULL, ctx, input, "WaitTimeSeconds", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&names, ctx, input, "AttributeNames", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&sys, ctx, input, "MessageSystemAttributeNames", NULL);
    if (rc < 0)
        return rc;
    r->with_attrs = json_array_size(names) > 0 || json_array_size(sys) > 0;
    if (r->max < 1 || r->max > 10)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value %" PRId64 " for parameter MaxNumberOfMessages is invalid. "
                             "Reason: Must be between 1 and 10, if provided.",
                             r->max);
    if (r->vt_s < 0 || r->vt_s > 43200)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value %" PRId64 " for parameter VisibilityTimeout is invalid.",
                             r->vt_s);
    if (r->wait_s < 0 || r->wait_s > 20)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Value %" PRId64 " for parameter WaitTimeSeconds is invalid. "
                             "Reason: Must be >= 0 and <= 20, if provided.",
                             r->wait_s);
    return 0;
}

/* Receive up to r->max visible messages into got (no long polling: answers at once). */
static int receive_from(json_t *got, struct gf_local_ctx *ctx, json_t *q,
                        const struct receive_in *r)
{
    json_t *msgs = json_object_get(q, "messages");
    size_t i = 0;
    bool moved;
    int rc = 0;

    while (rc == 0 && i < json_array_size(msgs) && (int64_t)json_array_size(got) < r->max) {
        json_t *m = json_array_get(msgs, i);

        if (doc_int(m, "visible_ms") > ctx->now_ms) {
            i++;
            continue;
        }
        rc = maybe_dead_letter(&moved, ctx, q, m);
        if (rc == 0 && moved) {
            json_array_remove(msgs, i);
            continue;
        }
        if (rc == 0)
            rc = take_message(m, ctx, r->vt_s);
        if (rc == 0 && json_array_append_new(got, received(m, r->with_attrs)) < 0)
            rc = gf_error_oom();
        i++;
    }
    return rc;
}

static int op_receive_message(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct receive_in r;
    json_t *q = NULL, *got = json_array();
    int rc;

    rc = got ? load_queue(&q, ctx, input) : gf_error_oom();
    if (rc == 0)
        rc = read_receive(&r, ctx, input, q);
    if (rc == 0)
        rc = receive_from(got, ctx, q, &r);
    if (rc == 0)
        rc = put_queue(ctx, q);
    if (rc == 0 && json_array_size(got) > 0) {
        *out = json_pack("{s:O}", "Messages", got);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(q);
    json_decref(got);
    return rc;
}

/* The index of the message holding `receipt`, -1 when none; ReceiptHandleIsInvalid when the
 * handle is not one of ours at all. */
static int find_receipt(int64_t *at_out, struct gf_local_ctx *ctx, const json_t *q,
                        const char *receipt)
{
    const json_t *m;
    size_t i;

    *at_out = -1;
    if (strncmp(receipt, RECEIPT_PFX, strlen(RECEIPT_PFX)) != 0)
        return gf_local_fail(ctx, 400, E_RECEIPT,
                             "The input receipt handle \"%s\" is not a valid receipt handle.",
                             receipt);
    json_array_foreach(json_object_get(q, "messages"), i, m) {
        if (strcmp(json_string_value(json_object_get(m, "receipt")), receipt) == 0)
            *at_out = (int64_t)i;
    }
    return 0;
}

static int op_delete_message(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *receipt = NULL;
    json_t *q = NULL;
    int64_t at = -1;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&receipt, ctx, input, "ReceiptHandle", E_MISSING);
    if (rc == 0)
        rc = find_receipt(&at, ctx, q, receipt);
    /* AWS accepts a stale but well-formed handle (the message may already be gone) */
    if (rc == 0 && at >= 0) {
        json_array_remove(json_object_get(q, "messages"), (size_t)at);
        rc = put_queue(ctx, q);
    }
    json_decref(q);
    return rc;
}

static int op_change_message_visibility(json_t **out, struct gf_local_ctx *ctx,
                                        const json_t *input)
{
    const char *receipt = NULL;
    json_t *q = NULL;
    int64_t at = -1, vt = 0;
    json_t *m;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&receipt, ctx, input, "ReceiptHandle", E_MISSING);
    if (rc == 0)
        rc = gf_local_get_int(&vt, NULL, ctx, input, "VisibilityTimeout", E_MISSING);
    if (rc == 0 && (vt < 0 || vt > 43200))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Value %" PRId64 " for parameter VisibilityTimeout is invalid.", vt);
    if (rc == 0)
        rc = find_receipt(&at, ctx, q, receipt);
    m = at >= 0 ? json_array_get(json_object_get(q, "messages"), (size_t)at) : NULL;
    if (rc == 0 && (!m || doc_int(m, "visible_ms") <= ctx->now_ms))
        rc = gf_local_fail(ctx, 400, "MessageNotInflight", "The message is not in flight.");
    if (rc == 0) {
        json_object_set_new(m, "visible_ms", json_integer(ctx->now_ms + vt * 1000));
        rc = put_queue(ctx, q);
    }
    json_decref(q);
    return rc;
}

static int op_purge_queue(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *q = NULL;
    int64_t last;
    int rc;

    (void)out;
    rc = load_queue(&q, ctx, input);
    last = rc == 0 ? doc_int(q, "purged_ms") : 0;
    if (rc == 0 && last > 0 && ctx->now_ms - last < PURGE_MS)
        rc = gf_local_fail(ctx, 403, "PurgeQueueInProgress",
                           "Only one PurgeQueue operation on %s is allowed every 60 seconds.",
                           json_string_value(json_object_get(q, "name")));
    if (rc == 0) {
        json_array_clear(json_object_get(q, "messages"));
        rc = gf_local_set(q, "purged_ms", json_integer(ctx->now_ms));
    }
    if (rc == 0)
        rc = put_queue(ctx, q);
    json_decref(q);
    return rc;
}

static const struct gf_local_op s_sqs_ops[] = {
    {"CreateQueue", op_create_queue},
    {"GetQueueUrl", op_get_queue_url},
    {"GetQueueAttributes", op_get_queue_attributes},
    {"SetQueueAttributes", op_set_queue_attributes},
    {"DeleteQueue", op_delete_queue},
    {"ListQueues", op_list_queues},
    {"ListDeadLetterSourceQueues", op_list_dead_letter_source_queues},
    {"TagQueue", op_tag_queue},
    {"UntagQueue", op_untag_queue},
    {"ListQueueTags", op_list_queue_tags},
    {"SendMessage", op_send_message},
    {"ReceiveMessage", op_receive_message},
    {"DeleteMessage", op_delete_message},
    {"ChangeMessageVisibility", op_change_message_visibility},
    {"PurgeQueue", op_purge_queue},
    {NULL, NULL},
};

const struct gf_local_service gf_local_sqs = {&gf_aws_sqs, s_sqs_ops};
