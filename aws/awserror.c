/* SPDX-License-Identifier: Apache-2.0 */
/* awserror.c: parse AWS error responses of every protocol into one struct gf_aws_error,
 * classify them (reference §4, standard mode), map them to gf_error codes, and write them back
 * for local-aws (aws/awserror.h). No I/O. */
#include <stdio.h>
#include <string.h>

#include "aws/awserror.h"
#include "common/error.h"
#include "common/banned.h"

/* §4 standard mode (retries/standard.py) */
static const char *const s_throttling[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL};
/* transient codes, plus STS IDPCommunicationError, which standard mode also retries */
static const char *const s_transient[] = {"RequestTimeout", "RequestTimeoutException",
                                          "PriorRequestNotComplete", "IDPCommunicationError",
                                          NULL};
static const char *const s_auth[] = {
    "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch",
    "ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId", "AuthFailure",
    "UnauthorizedOperation", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
    "IncompleteSignature", "IncompleteSignatureException", "InvalidSignatureException",
    "RequestExpired", "RequestTimeTooSkewed", "InvalidToken", "Forbidden", "NotAuthorized",
    "UnauthorizedException", "OptInRequired", NULL};
static const char *const s_notfound_parts[] = {"NotFound", "NonExistent", "DoesNotExist", NULL};
static const char *const s_conflict_parts[] = {
    "AlreadyExists", "AlreadyOwnedByYou", "Exists", "Duplicate", "InUse", "Conflict",
    "ConcurrentModification", "DependencyViolation", "NotEmpty", "ClusterContains",
    "InProgress", "OperationAborted", NULL};

/* SQS §2.4: __type -> legacy code and status, for x-amzn-query-error */
static const struct {
    const char *type, *legacy;
} s_sqs_legacy[] = {
    {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
    {"QueueNameExists", "QueueAlreadyExists"},
    {"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently"},
    {"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation"},
    {"OverLimit", "OverLimit"},
    {"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress"},
    {"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight"},
    {"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
    {"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"},
    {"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
    {"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId"},
    {NULL, NULL},
};

static bool in_list(const char *const *list, const char *s)
{
    size_t i;

    for (i = 0; s[0] && list[i]; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

static bool has_part(const char *const *parts, const char *s)
{
    size_t i;

    for (i = 0; s[0] && parts[i]; i++) {
        if (strstr(s, parts[i]))
            return true;
    }
    return false;
}

static void copy_slice(char *dst, size_t size, struct gf_slice s)
{
    size_t n = s.len < size - 1 ? s.len : size - 1;

    memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static void copy_str(char *dst, size_t size, const char *s)
{
    copy_slice(dst, size, gf_slice_from(s));
}

/* `aws.protocoltests#FooError:http://...` -> `FooError` (§2.4: cut at ':', after the last '#') */
static void set_sanitized_code(char *dst, size_t size, const char *raw)
{
    struct gf_slice s = gf_slice_trim(gf_slice_from(raw));
    long colon = gf_slice_find(s, ':', 0);
    size_t i;

    if (colon >= 0)
        s.len = (size_t)colon;
    for (i = s.len; i > 0; i--) {
        if (s.ptr[i - 1] == '#') {
            s = gf_slice_sub(s, i, s.len - i);
            break;
        }
    }
    copy_slice(dst, size, s);
}

static void code_from_status(struct gf_aws_error *e, bool named)
{
    const char *name = NULL;

    if (named) {
        switch (e->http_status) {
        case 404:
            name = "NotFound";
            break;
        case 403:
            name = "Forbidden";
            break;
        case 400:
            name = "BadRequest";
            break;
        case 301:
            name = "PermanentRedirect";
            break;
        default:
            break;
        }
    }
    if (name)
        copy_str(e->code, sizeof(e->code), name);
    else
        snprintf(e->code, sizeof(e->code), "%d", e->http_status);
}

static const char *jstr(const json_t *obj, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(obj, a));

    if (!s && b)
        s = json_string_value(json_object_get(obj, b));
    return s;
}

static void parse_json(struct gf_aws_error *e, const struct gf_aws_service *svc,
                       const struct gf_aws_msg *resp, const json_t *body)
{
    const char *hdr = gf_aws_msg_header(resp, "x-amzn-ErrorType");
    const char *type = jstr(body, "__type", NULL);
    const char *qerr = gf_aws_msg_header(resp, "x-amzn-query-error");
    const char *msg = jstr(body, "message", "Message");

    /* the header wins (other SDKs read it; EFS bodies say ErrorCode, which botocore ignores) */
    if (hdr && hdr[0])
        set_sanitized_code(e->code, sizeof(e->code), hdr);
    else if (type)
        set_sanitized_code(e->code, sizeof(e->code), type);
    else if (jstr(body, "code", "Code"))
        set_sanitized_code(e->code, sizeof(e->code), jstr(body, "code", "Code"));
    else if (svc->protocol == GF_AWS_PROTO_REST_JSON && jstr(body, "ErrorCode", NULL))
        set_sanitized_code(e->code, sizeof(e->code), jstr(body, "ErrorCode", NULL));
    if (msg)
        copy_str(e->message, sizeof(e->message), msg);
    /* SQS awsQueryCompatible: `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender` */
    if (qerr && qerr[0] && strchr(qerr, ';')) {
        struct gf_slice q = gf_slice_from(qerr);
        long semi = gf_slice_find(q, ';', 0);

        copy_str(e->query_code, sizeof(e->query_code), e->code);
        copy_slice(e->code, sizeof(e->code), gf_slice_sub(q, 0, (size_t)semi));
        if (gf_slice_eq_str(gf_slice_sub(q, (size_t)semi + 1, q.len), "Sender"))
            e->type = GF_AWS_FAULT_SENDER;
        else if (gf_slice_eq_str(gf_slice_sub(q, (size_t)semi + 1, q.len), "Receiver"))
            e->type = GF_AWS_FAULT_RECEIVER;
    }
}

static void parse_xml(struct gf_aws_error *e, const json_t *doc)
{
    const json_t *err = json_object_get(doc, "Error");
    const json_t *errors = json_object_get(doc, "Errors");
    const char *type;
    const char *rid;

    if (!err && errors) /* EC2: <Response><Errors><Error>, possibly several */
        err = json_object_get(errors, "Error");
    if (json_is_array(err))
        err = json_array_get(err, 0);
    if (!json_is_object(err))
        err = doc; /* S3: the root is <Error> */
    if (jstr(err, "Code", NULL))
        copy_str(e->code, sizeof(e->code), jstr(err, "Code", NULL));
    if (jstr(err, "Message", NULL))
        copy_str(e->message, sizeof(e->message), jstr(err, "Message", NULL));
    type = jstr(err, "Type", NULL);
    if (type && strcmp(type, "Sender") == 0)
        e->type = GF_AWS_FAULT_SENDER;
    else if (type && strcmp(type, "Receiver") == 0)
        e->type = GF_AWS_FAULT_RECEIVER;
    rid = jstr(doc, "RequestId", "RequestID");
    if (!rid)
        rid = jstr(err, "RequestId", NULL);
    if (rid)
        copy_str(e->request_id, sizeof(e->request_id), rid);
}

static bool is_html(struct gf_slice body)
{
    struct gf_slice t = gf_slice_trim(body);

    return t.len >= 5 && (gf_slice_starts_with(t, "<html") || gf_slice_starts_with(t, "<HTML") ||
                          gf_slice_starts_with(t, "<!DOC") || gf_slice_starts_with(t, "<!doc"));
}

static int parse_body(struct gf_aws_error *e, const struct gf_aws_service *svc,
                      const struct gf_aws_msg *resp)
{
    json_t *doc = NULL;
    int rc;

    if (svc->protocol == GF_AWS_PROTO_JSON || svc->protocol == GF_AWS_PROTO_REST_JSON) {
        rc = gf_aws_json_decode_body(&doc, resp->body);
        if (rc == GF_ENOMEM)
            return rc;
        parse_json(e, svc, resp, doc); /* doc NULL on a bad body: headers only */
    } else {
        rc = gf_aws_xml_decode(&doc, resp->body, NULL, "", NULL, 0);
        if (rc == GF_ENOMEM)
            return rc;
        if (doc)
            parse_xml(e, doc);
    }
    json_decref(doc);
    return 0;
}

int gf_aws_error_parse(struct gf_aws_error *out, const struct gf_aws_service *svc,
                       const struct gf_aws_msg *resp)
{
    struct gf_error saved;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->http_status = resp->status;
    gf_error_copy(&saved, gf_error_last());
    /* §2.1: >= 500 with an empty or HTML body gets code = the status */
    if (gf_slice_trim(resp->body).len > 0 && !is_html(resp->body))
        rc = parse_body(out, svc, resp);
    else if (svc->protocol == GF_AWS_PROTO_JSON || svc->protocol == GF_AWS_PROTO_REST_JSON)
        parse_json(out, svc, resp, NULL); /* no body: x-amzn-ErrorType alone names it */
    /* a body that does not parse is not our error: keep the caller's gf_error as it was */
    if (rc != GF_ENOMEM)
        gf_error_restore(&saved);
    if (svc == &gf_aws_s3 && gf_aws_msg_header(resp, "x-amz-request-id")) /* as botocore */
        copy_str(out->request_id, sizeof(out->request_id),
                 gf_aws_msg_header(resp, "x-amz-request-id"));
    if (!out->code[0])
        code_from_status(out, svc->protocol == GF_AWS_PROTO_REST_XML &&
                                  gf_slice_trim(resp->body).len == 0);
    if (!out->request_id[0]) {
        const char *rid = gf_aws_msg_header(resp, "x-amzn-RequestId");

        if (!rid)
            rid = gf_aws_msg_header(resp, "x-amz-request-id");
        if (rid)
            copy_str(out->request_id, sizeof(out->request_id), rid);
    }
    if (out->type == GF_AWS_FAULT_UNKNOWN && resp->status >= 400)
        out->type = resp->status >= 500 ? GF_AWS_FAULT_RECEIVER : GF_AWS_FAULT_SENDER;
    gf_aws_error_classify(out);
    return rc == GF_ENOMEM ? rc : 0;
}

void gf_aws_error_classify(struct gf_aws_error *e)
{
    int s = e->http_status;

    e->throttling = in_list(s_throttling, e->code) || in_list(s_throttling, e->query_code);
    e->transient = in_list(s_transient, e->code) || in_list(s_transient, e->query_code) ||
                   s == 500 || s == 502 || s == 503 || s == 504;
}

bool gf_aws_error_is(const struct gf_aws_error *e, const char *code)
{
    return strcmp(e->code, code) == 0 || (e->query_code[0] && strcmp(e->query_code, code) == 0);
}

static bool matches(const struct gf_aws_error *e, const char *const *exact,
                    const char *const *parts)
{
    if (exact && (in_list(exact, e->code) || in_list(exact, e->query_code)))
        return true;
    return parts && (has_part(parts, e->code) || has_part(parts, e->query_code));
}

int gf_aws_error_code(const struct gf_aws_error *e)
{
    static const char *const auth_parts[] = {"AccessDenied", NULL};
    bool status_code = e->code[0] >= '0' && e->code[0] <= '9';

    if (e->throttling || e->transient || e->http_status == 429 || e->http_status >= 500)
        return GF_ERETRY;
    if (matches(e, s_auth, auth_parts) || (status_code && (e->http_status == 401 ||
                                                           e->http_status == 403)))
        return GF_EAUTH;
    if (matches(e, NULL, s_notfound_parts) || strncmp(e->code, "NoSuch", 6) == 0 ||
        strncmp(e->query_code, "NoSuch", 6) == 0 || (status_code && e->http_status == 404))
        return GF_ENOTFOUND;
    if (matches(e, NULL, s_conflict_parts))
        return GF_ECONFLICT;
    return GF_ERROR;
}

int gf_aws_error_raise(const struct gf_aws_error *e, const char *service_id, const char *op)
{
    int code = gf_aws_error_code(e);

    if (e->message[0])
        gf_error_set(code, "%s:%s: %s: %s", service_id, op, e->code, e->message);
    else
        gf_error_set(code, "%s:%s: %s (HTTP %d)", service_id, op, e->code, e->http_status);
    gf_error_where("%s:%s", service_id, op);
    gf_error_aws(e->code, e->request_id, e->http_status);
    if (code == GF_EAUTH)
        gf_error_hint("check the AWS credentials, the region and the IAM permissions");
    else if (strcmp(e->code, "PermanentRedirect") == 0)
        gf_error_hint("the bucket is in another region");
    return code;
}

/* ---- local-aws: error bodies --------------------------------------------------------------- */

static void xml_elem(struct gf_buf *out, const char *name, const char *text)
{
    gf_buf_printf(out, "<%s>", name);
    gf_aws_xml_escape(out, gf_slice_from(text));
    gf_buf_printf(out, "</%s>", name);
}

static int json_error_body(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                           const char *code, const char *message)
{
    json_t *body = json_object();
    struct gf_buf type = GF_BUF_INIT;
    int rc;

    if (svc->protocol == GF_AWS_PROTO_REST_JSON) {
        json_object_set_new(body, "ErrorCode", json_string(code));
        json_object_set_new(body, "Message", json_string(message));
    } else {
        if (svc == &gf_aws_sqs) /* botocore keeps what follows '#' */
            gf_buf_printf(&type, "com.amazonaws.sqs#%s", code);
        else
            gf_buf_puts(&type, code);
        json_object_set_new(body, "__type", json_string(type.ptr));
        json_object_set_new(body, "message", json_string(message));
    }
    rc = !body || gf_buf_failed(&type) ? gf_error_oom() : gf_aws_json_dump(&out->body, body);
    json_decref(body);
    gf_buf_release(&type);
    return rc;
}

static int json_error(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                      const char *code, const char *message, bool sender)
{
    char value[256];
    size_t i;
    int rc = json_error_body(out, svc, code, message);

    if (rc == 0 && svc->protocol == GF_AWS_PROTO_JSON) {
        snprintf(value, sizeof(value), "application/x-amz-json-%s", svc->json_version);
        rc = gf_aws_wire_add_header(out, "Content-Type", value);
    } else if (rc == 0) {
        rc = gf_aws_wire_add_header(out, "Content-Type", "application/json");
    }
    if (rc == 0)
        rc = gf_aws_wire_add_header(out, "x-amzn-ErrorType", code);
    if (rc == 0 && svc == &gf_aws_sqs) {
        const char *legacy = code;

        for (i = 0; s_sqs_legacy[i].type; i++) {
            if (strcmp(s_sqs_legacy[i].type, code) == 0)
                legacy = s_sqs_legacy[i].legacy;
        }
        snprintf(value, sizeof(value), "%s;%s", legacy, sender ? "Sender" : "Receiver");
        rc = gf_aws_wire_add_header(out, "x-amzn-query-error", value);
    }
    return rc;
}

static void xml_error(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                      const char *code, const char *message, const char *rid, bool sender)
{
    struct gf_buf *b = &out->body;

    gf_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (svc->protocol == GF_AWS_PROTO_EC2) {
        gf_buf_puts(b, "<Response><Errors><Error>");
        xml_elem(b, "Code", code);
        xml_elem(b, "Message", message);
        gf_buf_puts(b, "</Error></Errors>");
        xml_elem(b, "RequestID", rid);
        gf_buf_puts(b, "</Response>");
    } else if (svc == &gf_aws_s3) {
        gf_buf_puts(b, "<Error>");
        xml_elem(b, "Code", code);
        xml_elem(b, "Message", message);
        xml_elem(b, "RequestId", rid);
        gf_buf_puts(b, "</Error>");
    } else {
        gf_buf_puts(b, "<ErrorResponse xmlns=\"");
        gf_aws_xml_escape(b, gf_slice_from(svc->xml_namespace));
        gf_buf_puts(b, "\"><Error>");
        xml_elem(b, "Type", sender ? "Sender" : "Receiver");
        xml_elem(b, "Code", code);
        xml_elem(b, "Message", message);
        gf_buf_puts(b, "</Error>");
        xml_elem(b, "RequestId", rid);
        gf_buf_puts(b, "</ErrorResponse>");
    }
}

int gf_aws_error_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, int status,
                        const char *code, const char *message, const char *request_id,
                        bool sender)
{
    const char *rid = request_id ? request_id : "";
    int rc = 0;

    out->status = status;
    message = message ? message : "";
    if (svc->protocol == GF_AWS_PROTO_JSON || svc->protocol == GF_AWS_PROTO_REST_JSON) {
        rc = json_error(out, svc, code, message, sender);
    } else {
        xml_error(out, svc, code, message, rid, sender);
        rc = gf_buf_failed(&out->body) ? gf_error_oom()
                                       : gf_aws_wire_add_header(out, "Content-Type",
                                                                svc == &gf_aws_s3 ? "application/xml"
                                                                                  : "text/xml");
    }
    if (rc == 0 && rid[0])
        rc = gf_aws_wire_add_header(out, svc == &gf_aws_s3 ? "x-amz-request-id"
                                                           : "x-amzn-RequestId",
                                    rid);
    return rc;
}
