/* SPDX-License-Identifier: Apache-2.0 */
/* svc_logs.h: CloudWatch Logs through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4 and §7.7): log groups (the tasks' awslogs destination), their
 * retention and tags, streams, and reading events back (`gitfargate logs`). Thin: one function
 * per operation, lists fully paginated, no business logic and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure; they
 *   are the API's object of interest as AWS returns it (member names unchanged: "logGroupName",
 *   "retentionInDays", timestamps as epoch milliseconds).
 * - Inputs are borrowed for the call; an optional input that is NULL (0 for a number) is not
 *   sent.
 * - Tags (`const json_t *tags`) are Logs' own shape: an object mapping key to value
 *   ({"team": "a"}); tag keys to remove are an array of strings.
 * - "It does not exist" (ResourceNotFoundException, or no exact match in a name lookup) is
 *   GF_ENOTFOUND with a gf_error naming the group or stream; creates answered
 *   ResourceAlreadyExistsException return GF_ECONFLICT. Other failures are gf_aws_call's codes
 *   (InvalidParameterException: GF_ERROR with aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_LOGS_H
#define GF_AWS_SVC_LOGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/client.h"

/* ---- log groups ------------------------------------------------------------------------- */

/* CreateLogGroup. name: 1-512 of [.-_/#A-Za-z0-9]; tags: or NULL. GF_ECONFLICT when it
 * exists. */
int gf_logs_create_log_group(struct gf_aws_client *client, const char *name, const json_t *tags);
/* DeleteLogGroup (its streams and events go with it). GF_ENOTFOUND. */
int gf_logs_delete_log_group(struct gf_aws_client *client, const char *name);
/* The group called exactly `name` (DescribeLogGroups by prefix, compared by name). out: the
 * log group object (logGroupName, arn ending ":*", logGroupArn, creationTime, retentionInDays
 * when set, storedBytes). GF_ENOTFOUND. */
int gf_logs_describe_log_group(json_t **out, struct gf_aws_client *client, const char *name);
/* DescribeLogGroups, every page. prefix: or NULL for all. out: array of log group objects. */
int gf_logs_list_log_groups(json_t **out, struct gf_aws_client *client, const char *prefix);
/* PutRetentionPolicy. retention_days: one of AWS's values (1, 3, 5, 7, 14, 30, 60, 90, 120,
 * 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; others are
 * InvalidParameterException). GF_ENOTFOUND. */
int gf_logs_put_retention_policy(struct gf_aws_client *client, const char *name,
                                 int retention_days);
/* DeleteRetentionPolicy (events are then kept forever). GF_ENOTFOUND. */
int gf_logs_delete_retention_policy(struct gf_aws_client *client, const char *name);

/* TagResource / UntagResource / ListTagsForResource on a group's ARN
 * ("arn:aws:logs:REGION:ACCOUNT:log-group:NAME", no ":*"). keys: array of tag keys. out: the
 * tags object ({} when none). GF_ENOTFOUND. */
int gf_logs_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_logs_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys);
int gf_logs_list_tags(json_t **out, struct gf_aws_client *client, const char *arn);

/* ---- streams and events ----------------------------------------------------------------- */

/* CreateLogStream. GF_ECONFLICT when it exists; GF_ENOTFOUND when the group does not. */
int gf_logs_create_log_stream(struct gf_aws_client *client, const char *group,
                              const char *stream);
/* DescribeLogStreams, every page, ordered by name. prefix: or NULL. out: array of
 * {logStreamName, arn, creationTime, firstEventTimestamp, lastEventTimestamp, ...}.
 * GF_ENOTFOUND when the group does not exist. */
int gf_logs_list_log_streams(json_t **out, struct gf_aws_client *client, const char *group,
                             const char *prefix);
/* PutLogEvents. events: array of {"timestamp": epoch ms, "message": text} in chronological
 * order. out (may be NULL): the reply (nextSequenceToken, rejectedLogEventsInfo {tooOldLogEventEndIndex,
 * tooNewLogEventStartIndex, expiredLogEventEndIndex} when some events were refused).
 * GF_ENOTFOUND when the group or stream does not exist. */
int gf_logs_put_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                           const char *stream, const json_t *events);

struct gf_logs_read_opts {
    int64_t start_ms;   /* 0: no lower bound (inclusive) */
    int64_t end_ms;     /* 0: no upper bound (exclusive) */
    bool from_head;     /* GetLogEvents: oldest first from the start (AWS's default is the tail) */
    size_t max_events;  /* stop after this many events (0: all, up to 100000) */
};

#define GF_LOGS_READ_OPTS_INIT                                                                     \
    {                                                                                              \
        0, 0, true, 0                                                                              \
    }

/* GetLogEvents of one stream, following nextForwardToken until it comes back unchanged (the
 * operation's end: reference §7.7). opts: NULL for GF_LOGS_READ_OPTS_INIT. out: array of
 * {timestamp, message, ingestionTime} oldest first. GF_ENOTFOUND. */
int gf_logs_get_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                           const char *stream, const struct gf_logs_read_opts *opts);
/* FilterLogEvents over a group, every page. stream_prefix, pattern: or NULL. opts: NULL for
 * GF_LOGS_READ_OPTS_INIT (from_head unused). out: array of {logStreamName, timestamp, message,
 * ingestionTime, eventId} oldest first. GF_ENOTFOUND when the group does not exist. */
int gf_logs_filter_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                              const char *stream_prefix, const char *pattern,
                              const struct gf_logs_read_opts *opts);

#endif
