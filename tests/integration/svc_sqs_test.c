/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sqs_test.c: aws/svc_sqs.c against local-aws and moto (queues, idempotent create and its
 * conflict, attributes, redrive to a dead-letter queue, tags, messages and the message counts,
 * not-found codes through the query-compatible header), and local-aws's SQS strictness
 * (attribute ranges, names, QueueDeletedRecently, ListQueues paging). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/svc_sqs.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/alloc.h"
#include "common/banned.h"

#define QARN "arn:aws:sqs:eu-west-1:123456789012:"

static struct gf_test_aws s_b;

static void fini(void)
{
    gf_test_aws_stop(&s_b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *attr(const json_t *attrs, const char *name)
{
    const char *v = json_string_value(json_object_get(attrs, name));

    cr_assert(v, "no attribute %s", name);
    return v;
}

static void queues_scenario(struct gf_test_aws *b)
{
    struct gf_aws_client *c = b->client;
    json_t *attrs = json_pack("{s:s,s:s}", "VisibilityTimeout", "60", "RedrivePolicy",
                              "{\"deadLetterTargetArn\":\"" QARN "jobs-dlq\",\"maxReceiveCount\":5}");
    json_t *other = json_pack("{s:s}", "VisibilityTimeout", "61");
    json_t *set = json_pack("{s:s}", "DelaySeconds", "0");
    json_t *tags = json_pack("{s:s}", "team", "a"), *more = json_pack("{s:s}", "env", "prod");
    json_t *keys = json_pack("[s]", "team");
    json_t *out = NULL, *msgs = NULL;
    char *dlq = NULL, *url = NULL, *again = NULL, *id = NULL;

    gf_cr_ok(gf_sqs_create_queue(&dlq, c, "jobs-dlq", NULL, NULL));
    cr_assert(ends_with(dlq, "/123456789012/jobs-dlq"), "%s", dlq);
    gf_cr_ok(gf_sqs_create_queue(&url, c, "jobs", attrs, tags));
    cr_assert(ends_with(url, "/123456789012/jobs"), "%s", url);
    gf_cr_ok(gf_sqs_create_queue(&again, c, "jobs", attrs, NULL));
    cr_assert_str_eq(again, url);
    gf_free(again);
    gf_cr_fails(GF_ECONFLICT, gf_sqs_create_queue(&again, c, "jobs", other, NULL));
    cr_assert_null(again);
    gf_cr_ok(gf_sqs_get_queue_url(&again, c, "jobs"));
    cr_assert_str_eq(again, url);
    gf_free(again);
    gf_cr_fails(GF_ENOTFOUND, gf_sqs_get_queue_url(&again, c, "nope"));
    cr_assert_str_eq(gf_error_last()->msg, "queue 'nope' does not exist");
    cr_assert_str_eq(gf_error_last()->aws_code, "AWS.SimpleQueueService.NonExistentQueue");

    gf_cr_ok(gf_sqs_get_queue_attributes(&out, c, url, NULL));
    cr_assert_str_eq(attr(out, "QueueArn"), QARN "jobs");
    cr_assert_str_eq(attr(out, "VisibilityTimeout"), "60");
    cr_assert_str_eq(attr(out, "ApproximateNumberOfMessages"), "0");
    cr_assert(strstr(attr(out, "RedrivePolicy"), QARN "jobs-dlq"));
    json_decref(out);
    gf_cr_ok(gf_sqs_set_queue_attributes(c, url, set));
    gf_cr_ok(gf_sqs_list_queues(&out, c, "jobs"));
    cr_assert_eq(json_array_size(out), 2);
    json_decref(out);

    gf_cr_ok(gf_sqs_tag_queue(c, url, more));
    gf_cr_ok(gf_sqs_untag_queue(c, url, keys));
    gf_cr_ok(gf_sqs_list_tags(&out, c, url));
    cr_assert_eq(json_object_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "env"), "prod");
    json_decref(out);

    gf_cr_ok(gf_sqs_send_message(&id, c, url, "hello", NULL));
    cr_assert(id && strlen(id) > 0);
    gf_cr_ok(gf_sqs_send_message(NULL, c, url, "world", NULL));
    gf_cr_ok(gf_sqs_get_queue_attributes(&out, c, url, NULL));
    cr_assert_str_eq(attr(out, "ApproximateNumberOfMessages"), "2");
    json_decref(out);
    gf_cr_ok(gf_sqs_receive_messages(&msgs, c, url, 1));
    cr_assert_eq(json_array_size(msgs), 1);
    cr_assert_str_eq(gf_test_json_str(msgs, "0.MessageId"), id);
    cr_assert_str_eq(gf_test_json_str(msgs, "0.Body"), "hello");
    gf_cr_ok(gf_sqs_delete_message(c, url, gf_test_json_str(msgs, "0.ReceiptHandle")));
    json_decref(msgs);
    gf_cr_ok(gf_sqs_purge_queue(c, url));
    gf_cr_ok(gf_sqs_get_queue_attributes(&out, c, url, NULL));
    cr_assert_str_eq(attr(out, "ApproximateNumberOfMessages"), "0");
    json_decref(out);

    gf_cr_ok(gf_sqs_delete_queue(c, url));
    gf_cr_fails(GF_ENOTFOUND, gf_sqs_get_queue_attributes(&out, c, url, NULL));
    cr_assert_str_eq(gf_error_last()->msg, "queue 'jobs' does not exist");
    cr_assert_null(out);
    gf_free(dlq);
    gf_free(url);
    gf_free(id);
    json_decref(attrs);
    json_decref(other);
    json_decref(set);
    json_decref(tags);
    json_decref(more);
    json_decref(keys);
}

Test(svc_sqs, queues_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    queues_scenario(&s_b);
}

Test(svc_sqs, queues_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    queues_scenario(&s_b);
}

/* ---- local-aws strictness --------------------------------------------------------------- */

static void create_fails(struct gf_aws_client *c, const char *name, json_t *attrs,
                         const char *code)
{
    char *url = NULL;

    gf_cr_fails(GF_ERROR, gf_sqs_create_queue(&url, c, name, attrs, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, code, "%s: %s", name, gf_error_last()->msg);
    cr_assert_null(url);
    json_decref(attrs);
}

Test(svc_sqs, strict_codes_local_aws, .fini = fini)
{
    struct gf_aws_client *c;
    json_t *fifo = json_pack("{s:s}", "FifoQueue", "true");
    char *url = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    c = s_b.client;
    create_fails(c, "a", json_pack("{s:s}", "VisibilityTimeout", "43201"), "InvalidAttributeValue");
    create_fails(c, "a", json_pack("{s:s}", "MessageRetentionPeriod", "59"),
                 "InvalidAttributeValue");
    create_fails(c, "a", json_pack("{s:s}", "MaximumMessageSize", "262145"),
                 "InvalidAttributeValue");
    create_fails(c, "a", json_pack("{s:s}", "Colour", "blue"), "InvalidAttributeName");
    create_fails(c, "a",
                 json_pack("{s:s}", "RedrivePolicy",
                           "{\"deadLetterTargetArn\":\"" QARN "nope\",\"maxReceiveCount\":3}"),
                 "InvalidAttributeValue");
    create_fails(c, "a b", NULL, "InvalidParameterValue");
    create_fails(c, "a.fifo", NULL, "InvalidParameterValue");
    create_fails(c, "a", json_incref(fifo), "InvalidParameterValue");
    gf_cr_ok(gf_sqs_create_queue(&url, c, "a.fifo", fifo, NULL));
    /* a FIFO message needs a group */
    gf_cr_fails(GF_ERROR, gf_sqs_send_message(NULL, c, url, "x", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "MissingParameter");
    gf_cr_ok(gf_sqs_delete_queue(c, url));
    gf_free(url);
    url = NULL;
    /* AWS: wait 60 s before re-creating a deleted queue's name */
    gf_cr_fails(GF_ERROR, gf_sqs_create_queue(&url, c, "a.fifo", fifo, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "AWS.SimpleQueueService.QueueDeletedRecently");
    json_decref(fifo);
}

Test(svc_sqs, list_queues_pages_local_aws, .fini = fini)
{
    json_t *out = NULL;
    char name[16];
    char *url = NULL;
    int i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    for (i = 0; i < 30; i++) {
        snprintf(name, sizeof(name), "q%02d", i);
        gf_cr_ok(gf_sqs_create_queue(&url, s_b.client, name, NULL, NULL));
        gf_free(url);
    }
    gf_cr_ok(gf_sqs_list_queues(&out, s_b.client, "q1"));
    cr_assert_eq(json_array_size(out), 10);
    cr_assert(ends_with(json_string_value(json_array_get(out, 9)), "/q19"));
    json_decref(out);
    gf_cr_ok(gf_sqs_list_queues(&out, s_b.client, NULL));
    cr_assert_eq(json_array_size(out), 30);
    json_decref(out);
}
