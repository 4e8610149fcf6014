/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sqs.c: SQS over the call layer (json 1.0, query-compatible errors: reference/
 * aws-protocols.md §2.4, §7.9): queues, attributes, tags and the few message calls, with
 * QueueDoesNotExist (or its legacy code) normalised to GF_ENOTFOUND naming the queue. ListQueues
 * is paged here: aws/codec.c's paginator table lacks it (botocore has one). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_sqs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"


/* Rewrite a GF_ENOTFOUND as "queue '...' does not exist", keeping the AWS fields. */
static int not_found(int rc, const char *queue)
{
    struct gf_error e;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&e, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "queue '%s' does not exist", queue);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return GF_ENOTFOUND;
}

/* Call op with input (stolen; NULL means out of memory); *out (may be NULL) gets the output.
 * `queue` names the queue in a not-found error. */
static int call(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                const char *queue)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_sqs, op, input);
    json_decref(input);
    if (rc == 0 && out) {
        *out = res;
        res = NULL;
    }
    json_decref(res);
    return not_found(rc, queue);
}

/* The string member `key` of a call's output, duplicated into *out. */
static int call_string(char **out, struct gf_aws_client *client, const char *op, json_t *input,
                       const char *queue, const char *key)
{
    json_t *res = NULL;
    const char *v;
    int rc;

    *out = NULL;
    rc = call(&res, client, op, input, queue);
    if (rc < 0)
        return rc;
    v = json_string_value(json_object_get(res, key));
    if (!v)
        rc = gf_error_set(GF_ERROR, "sqs:%s reply for '%s' has no %s", op, queue, key);
    else if (!(*out = gf_strdup(v)))
        rc = gf_error_oom();
    json_decref(res);
    return rc;
}

/* "https://host/ACCOUNT/NAME" -> NAME, for error messages. */
static const char *url_name(const char *url)
{
    const char *slash = strrchr(url, '/');

    return slash && slash[1] ? slash + 1 : url;
}

static int set_nonempty(json_t *obj, const char *key, const json_t *value)
{
    if (!obj)
        return gf_error_oom();
    if (!value || json_object_size(value) == 0)
        return 0;
    return json_object_set(obj, key, (json_t *)(uintptr_t)value) < 0 ? gf_error_oom() : 0;
}

int gf_sqs_create_queue(char **url_out, struct gf_aws_client *client, const char *name,
                        const json_t *attributes, const json_t *tags)
{
    json_t *input = json_pack("{s:s}", "QueueName", name);

    *url_out = NULL;
    if (set_nonempty(input, "Attributes", attributes) < 0 || set_nonempty(input, "tags", tags) < 0) {
        json_decref(input);
        return gf_error_oom();
    }
    return call_string(url_out, client, "CreateQueue", input, name, "QueueUrl");
}

int gf_sqs_get_queue_url(char **url_out, struct gf_aws_client *client, const char *name)
{
    return call_string(url_out, client, "GetQueueUrl", json_pack("{s:s}", "QueueName", name),
                       name, "QueueUrl");
}

int gf_sqs_get_queue_attributes(json_t **out, struct gf_aws_client *client, const char *url,
                                const json_t *names)
{
    json_t *input = names ? json_pack("{s:s,s:O}", "QueueUrl", url, "AttributeNames", names)
                          : json_pack("{s:s,s:[s]}", "QueueUrl", url, "AttributeNames", "All");
    json_t *res = NULL;
    json_t *attrs;
    int rc;

    *out = NULL;
    rc = call(&res, client, "GetQueueAttributes", input, url_name(url));
    if (rc < 0)
        return rc;
    attrs = json_object_get(res, "Attributes");
    *out = json_is_object(attrs) ? json_incref(attrs) : json_object();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_sqs_set_queue_attributes(struct gf_aws_client *client, const char *url,
                                const json_t *attributes)
{
    json_t *input = json_pack("{s:s,s:O}", "QueueUrl", url, "Attributes", attributes);

    return call(NULL, client, "SetQueueAttributes", input, url_name(url));
}

int gf_sqs_delete_queue(struct gf_aws_client *client, const char *url)
{
    return call(NULL, client, "DeleteQueue", json_pack("{s:s}", "QueueUrl", url), url_name(url));
}

int gf_sqs_list_queues(json_t **out, struct gf_aws_client *client, const char *prefix)
{
    /* MaxResults is what makes SQS page at all (without it: the first 1000, no token) */
    json_t *input = json_pack("{s:i}", "MaxResults", 1000);
    int rc = 0;

    *out = NULL;
    if (!input ||
        (prefix && json_object_set_new(input, "QueueNamePrefix", json_string(prefix)) < 0))
        rc = gf_error_oom();
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_sqs, "ListQueues", input, 0);
    json_decref(input);
    return rc;
}

int gf_sqs_tag_queue(struct gf_aws_client *client, const char *url, const json_t *tags)
{
    json_t *input = json_pack("{s:s,s:O}", "QueueUrl", url, "Tags", tags);

    return call(NULL, client, "TagQueue", input, url_name(url));
}

int gf_sqs_untag_queue(struct gf_aws_client *client, const char *url, const json_t *keys)
{
    json_t *input = json_pack("{s:s,s:O}", "QueueUrl", url, "TagKeys", keys);

    return call(NULL, client, "UntagQueue", input, url_name(url));
}

int gf_sqs_list_tags(json_t **out, struct gf_aws_client *client, const char *url)
{
    json_t *res = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    rc = call(&res, client, "ListQueueTags", json_pack("{s:s}", "QueueUrl", url), url_name(url));
    if (rc < 0)
        return rc;
    tags = json_object_get(res, "Tags");
    *out = json_is_object(tags) ? json_incref(tags) : json_object();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_sqs_send_message(char **id_out, struct gf_aws_client *client, const char *url,
                        const char *body, const char *group_id)
{
    json_t *input = json_pack("{s:s,s:s}", "QueueUrl", url, "MessageBody", body);
    char *id = NULL;
    int rc;

    if (id_out)
        *id_out = NULL;
    if (input && group_id &&
        json_object_set_new(input, "MessageGroupId", json_string(group_id)) < 0) {
        json_decref(input);
        return gf_error_oom();
    }
    rc = call_string(&id, client, "SendMessage", input, url_name(url), "MessageId");
    if (rc == 0 && id_out)
        *id_out = id;
    else
        gf_free(id);
    return rc;
}

int gf_sqs_receive_messages(json_t **out, struct gf_aws_client *client, const char *url,
                            int max_messages)
{
    json_t *input = json_pack("{s:s,s:i,s:i}", "QueueUrl", url, "MaxNumberOfMessages",
                              max_messages > 0 ? max_messages : 1, "WaitTimeSeconds", 0);
    json_t *res = NULL;
    json_t *msgs;
    int rc;

    *out = NULL;
    rc = call(&res, client, "ReceiveMessage", input, url_name(url));
    if (rc < 0)
        return rc;
    msgs = json_object_get(res, "Messages");
    *out = json_is_array(msgs) ? json_incref(msgs) : json_array();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_sqs_delete_message(struct gf_aws_client *client, const char *url, const char *receipt)
{
    json_t *input = json_pack("{s:s,s:s}", "QueueUrl", url, "ReceiptHandle", receipt);

    return call(NULL, client, "DeleteMessage", input, url_name(url));
}

int gf_sqs_purge_queue(struct gf_aws_client *client, const char *url)
{
    return call(NULL, client, "PurgeQueue", json_pack("{s:s}", "QueueUrl", url), url_name(url));
}
