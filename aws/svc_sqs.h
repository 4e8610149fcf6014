/* SPDX-License-Identifier: Apache-2.0 */
/* svc_sqs.h: Amazon SQS through the call layer (aws/client.h, json 1.0 with the query-compatible
 * error header, reference/aws-protocols.md §2.4 and §7.9): queues (and dead-letter queues) with
 * their attributes and tags, plus the few message calls tests and checks need. Thin: one
 * function per operation, lists fully paginated, no business logic and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`, `char **url_out`) are owned by the caller (json_decref, gf_free),
 *   NULL on failure.
 * - Inputs are borrowed for the call; an optional input that is NULL (0 for a number) is not
 *   sent. A queue is addressed by its URL ("https://sqs.REGION.amazonaws.com/ACCOUNT/NAME", or
 *   whatever host the endpoint answered with); gf_sqs_get_queue_url maps a name to it.
 * - Attributes (`const json_t *attributes`) are a string map: {"VisibilityTimeout": "30",
 *   "RedrivePolicy": "{\"deadLetterTargetArn\":\"...\",\"maxReceiveCount\":5}",
 *   "FifoQueue": "true"}; values must be strings, as on the wire.
 * - Tags (`const json_t *tags`) are SQS's shape: an object mapping key to value; tag keys to
 *   remove are an array of strings.
 * - "It does not exist" (QueueDoesNotExist, legacy AWS.SimpleQueueService.NonExistentQueue) is
 *   GF_ENOTFOUND with a gf_error naming the queue; CreateQueue answered QueueNameExists (legacy
 *   QueueAlreadyExists: the name exists with other attributes) returns GF_ECONFLICT. Other
 *   failures are gf_aws_call's codes (InvalidAttributeValue: GF_ERROR with aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_SQS_H
#define GF_AWS_SVC_SQS_H

#include <jansson.h>

#include "aws/client.h"

/* CreateQueue. name: 1-80 of [A-Za-z0-9_-], ending ".fifo" exactly when attributes say
 * FifoQueue "true"; attributes, tags: or NULL. url_out: the queue's URL. Creating a queue that
 * exists with the same attributes returns its URL (AWS's idempotence); with different ones
 * GF_ECONFLICT. */
int gf_sqs_create_queue(char **url_out, struct gf_aws_client *client, const char *name,
                        const json_t *attributes, const json_t *tags);
/* GetQueueUrl. GF_ENOTFOUND. */
int gf_sqs_get_queue_url(char **url_out, struct gf_aws_client *client, const char *name);
/* GetQueueAttributes. names: array of attribute names, or NULL for "All". out: the Attributes
 * string map (QueueArn, ApproximateNumberOfMessages, CreatedTimestamp, VisibilityTimeout, ...).
 * GF_ENOTFOUND. */
int gf_sqs_get_queue_attributes(json_t **out, struct gf_aws_client *client, const char *url,
                                const json_t *names);
/* SetQueueAttributes. GF_ENOTFOUND. */
int gf_sqs_set_queue_attributes(struct gf_aws_client *client, const char *url,
                                const json_t *attributes);
/* DeleteQueue. GF_ENOTFOUND. */
int gf_sqs_delete_queue(struct gf_aws_client *client, const char *url);
/* ListQueues, every page. prefix: or NULL. out: array of queue URLs. */
int gf_sqs_list_queues(json_t **out, struct gf_aws_client *client, const char *prefix);

/* TagQueue / UntagQueue / ListQueueTags. keys: array of strings. out: the tags object ({} when
 * none). GF_ENOTFOUND. */
int gf_sqs_tag_queue(struct gf_aws_client *client, const char *url, const json_t *tags);
int gf_sqs_untag_queue(struct gf_aws_client *client, const char *url, const json_t *keys);
int gf_sqs_list_tags(json_t **out, struct gf_aws_client *client, const char *url);

/* ---- messages (minimal) ----------------------------------------------------------------- */

/* SendMessage. group_id: required for FIFO queues, else NULL. id_out (may be NULL): the
 * MessageId. GF_ENOTFOUND. */
int gf_sqs_send_message(char **id_out, struct gf_aws_client *client, const char *url,
                        const char *body, const char *group_id);
/* ReceiveMessage: up to max_messages (1-10; 0: 1), no long polling. out: array of
 * {MessageId, ReceiptHandle, Body, MD5OfBody, Attributes} ([] when none). GF_ENOTFOUND. */
int gf_sqs_receive_messages(json_t **out, struct gf_aws_client *client, const char *url,
                            int max_messages);
/* DeleteMessage by receipt handle. GF_ENOTFOUND (queue); a bad handle is GF_ERROR with
 * aws_code ReceiptHandleIsInvalid. */
int gf_sqs_delete_message(struct gf_aws_client *client, const char *url, const char *receipt);
/* PurgeQueue. GF_ENOTFOUND. */
int gf_sqs_purge_queue(struct gf_aws_client *client, const char *url);

#endif
