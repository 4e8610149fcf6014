/* SPDX-License-Identifier: Apache-2.0 */
/* svc_logs.c: CloudWatch Logs over the call layer (reference/aws-protocols.md §7.7): log
 * groups, retention, tags, streams and events, with "does not exist" normalised to GF_ENOTFOUND
 * naming the group or stream. GetLogEvents has no paginator: it ends when the forward token
 * comes back unchanged (§8). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_logs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_EVENTS_DEFAULT 100000
#define MAX_PAGES          10000

/* Rewrite a GF_ENOTFOUND from a call as "log group/stream '...' does not exist", keeping the
 * AWS fields; other codes pass unchanged. */
static int not_found(int rc, const char *group, const char *stream)
{
    struct gf_error e;

    if (rc != GF_ENOTFOUND)
        return rc;
    gf_error_copy(&e, gf_error_last());
    if (stream && strstr(e.msg, "stream"))
        gf_error_set(GF_ENOTFOUND, "log stream '%s' does not exist in log group '%s'", stream,
                     group);
    else
        gf_error_set(GF_ENOTFOUND, "log group '%s' does not exist", group);
    gf_error_where("%s", e.where);
    gf_error_aws(e.aws_code, e.request_id, e.http_status);
    return GF_ENOTFOUND;
}

/* Call op with input (stolen; NULL means out of memory) and drop the output. */
static int call_void(struct gf_aws_client *client, const char *op, json_t *input)
{
    json_t *res = NULL;
    int rc;

    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_logs, op, input);
    json_decref(res);
    json_decref(input);
    return rc;
}

static int set_opt_string(json_t *obj, const char *key, const char *value)
{
    if (!obj)
        return gf_error_oom();
    if (!value)
        return 0;
    return json_object_set_new(obj, key, json_string(value)) < 0 ? gf_error_oom() : 0;
}

int gf_logs_create_log_group(struct gf_aws_client *client, const char *name, const json_t *tags)
{
    json_t *input = json_pack("{s:s}", "logGroupName", name);

    if (input && tags && json_object_size(tags) > 0)
        json_object_set(input, "tags", (json_t *)(uintptr_t)tags);
    return call_void(client, "CreateLogGroup", input);
}

int gf_logs_delete_log_group(struct gf_aws_client *client, const char *name)
{
    return not_found(call_void(client, "DeleteLogGroup", json_pack("{s:s}", "logGroupName", name)),
                     name, NULL);
}

int gf_logs_list_log_groups(json_t **out, struct gf_aws_client *client, const char *prefix)
{
    json_t *input = json_object();
    int rc;

    *out = NULL;
    rc = set_opt_string(input, "logGroupNamePrefix", prefix);
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_logs, "DescribeLogGroups", input, 0);
    json_decref(input);
    return rc;
}

int gf_logs_describe_log_group(json_t **out, struct gf_aws_client *client, const char *name)
{
    json_t *groups = NULL;
    const json_t *g;
    size_t i;
    int rc;

    *out = NULL;
    rc = gf_logs_list_log_groups(&groups, client, name);
    if (rc < 0)
        return rc;
    json_array_foreach(groups, i, g) {
        const char *n = json_string_value(json_object_get(g, "logGroupName"));

        if (n && strcmp(n, name) == 0) {
            *out = json_incref((json_t *)(uintptr_t)g);
            break;
        }
    }
    json_decref(groups);
    if (!*out) {
        gf_error_set(GF_ENOTFOUND, "log group '%s' does not exist", name);
        gf_error_where("logs:DescribeLogGroups");
        return GF_ENOTFOUND;
    }
    return 0;
}

int gf_logs_put_retention_policy(struct gf_aws_client *client, const char *name,
                                 int retention_days)
{
    json_t *input = json_pack("{s:s,s:i}", "logGroupName", name, "retentionInDays",
                              retention_days);

    return not_found(call_void(client, "PutRetentionPolicy", input), name, NULL);
}

int gf_logs_delete_retention_policy(struct gf_aws_client *client, const char *name)
{
    json_t *input = json_pack("{s:s}", "logGroupName", name);

    return not_found(call_void(client, "DeleteRetentionPolicy", input), name, NULL);
}

/* "arn:aws:logs:R:A:log-group:NAME" -> NAME, for error messages. */
static const char *arn_group(const char *arn)
{
    const char *at = strstr(arn, ":log-group:");

    return at ? at + strlen(":log-group:") : arn;
}

int gf_logs_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    json_t *input = json_pack("{s:s,s:O}", "resourceArn", arn, "tags", tags);

    return not_found(call_void(client, "TagResource", input), arn_group(arn), NULL);
}

int gf_logs_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys)
{
    json_t *input = json_pack("{s:s,s:O}", "resourceArn", arn, "tagKeys", keys);

    return not_found(call_void(client, "UntagResource", input), arn_group(arn), NULL);
}

int gf_logs_list_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *input = json_pack("{s:s}", "resourceArn", arn);
    json_t *res = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_logs, "ListTagsForResource", input);
    json_decref(input);
    if (rc < 0)
        return not_found(rc, arn_group(arn), NULL);
    tags = json_object_get(res, "tags");
    *out = json_is_object(tags) ? json_incref(tags) : json_object();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}

int gf_logs_create_log_stream(struct gf_aws_client *client, const char *group,
                              const char *stream)
{
    json_t *input = json_pack("{s:s,s:s}", "logGroupName", group, "logStreamName", stream);

    return not_found(call_void(client, "CreateLogStream", input), group, NULL);
}

int gf_logs_list_log_streams(json_t **out, struct gf_aws_client *client, const char *group,
                             const char *prefix)
{
    json_t *input = json_pack("{s:s}", "logGroupName", group);
    int rc;

    *out = NULL;
    rc = set_opt_string(input, "logStreamNamePrefix", prefix);
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_logs, "DescribeLogStreams", input, 0);
    json_decref(input);
    return not_found(rc, group, NULL);
}

int gf_logs_put_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                           const char *stream, const json_t *events)
{
    json_t *input = json_pack("{s:s,s:s,s:O}", "logGroupName", group, "logStreamName", stream,
                              "logEvents", events);
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_logs, "PutLogEvents", input);
    json_decref(input);
    if (rc < 0)
        return not_found(rc, group, stream);
    if (out)
        *out = res;
    else
        json_decref(res);
    return 0;
}

/* Set the optional time bounds of opts on input. */
static int set_times(json_t *input, const struct gf_logs_read_opts *o)
{
    if (!input)
        return gf_error_oom();
    if (o->start_ms > 0 && json_object_set_new(input, "startTime", json_integer(o->start_ms)) < 0)
        return gf_error_oom();
    if (o->end_ms > 0 && json_object_set_new(input, "endTime", json_integer(o->end_ms)) < 0)
        return gf_error_oom();
    return 0;
}

/* Append the page's events to all, up to max; *full_out when max is reached. */
static int take_events(json_t *all, const json_t *page, size_t max, bool *full_out)
{
    const json_t *ev;
    size_t i;

    json_array_foreach(json_object_get(page, "events"), i, ev) {
        if (json_array_size(all) >= max) {
            *full_out = true;
            return 0;
        }
        if (json_array_append(all, (json_t *)(uintptr_t)ev) < 0)
            return gf_error_oom();
    }
    *full_out = json_array_size(all) >= max;
    return 0;
}

/* One GetLogEvents page; *token_inout: the token to send (owned, NULL for none), replaced by
 * nextForwardToken; *done_out when it came back unchanged or absent. */
static int get_page(json_t *all, bool *done_out, char **token_inout, struct gf_aws_client *client,
                    json_t *input, size_t max)
{
    json_t *res = NULL;
    const char *next;
    bool full = false;
    int rc;

    if (*token_inout && json_object_set_new(input, "nextToken", json_string(*token_inout)) < 0)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_logs, "GetLogEvents", input);
    if (rc == 0)
        rc = take_events(all, res, max, &full);
    if (rc < 0)
        goto out;
    next = json_string_value(json_object_get(res, "nextForwardToken"));
    *done_out = full || !next || (*token_inout && strcmp(next, *token_inout) == 0);
    gf_free(*token_inout);
    *token_inout = next ? gf_strdup(next) : NULL;
    if (next && !*token_inout)
        rc = gf_error_oom();
out:
    json_decref(res);
    return rc;
}

int gf_logs_get_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                           const char *stream, const struct gf_logs_read_opts *opts)
{
    static const struct gf_logs_read_opts s_defaults = GF_LOGS_READ_OPTS_INIT;
    const struct gf_logs_read_opts *o = opts ? opts : &s_defaults;
    size_t max = o->max_events ? o->max_events : MAX_EVENTS_DEFAULT;
    json_t *input = json_pack("{s:s,s:s,s:b}", "logGroupName", group, "logStreamName", stream,
                              "startFromHead", o->from_head);
    json_t *all = json_array();
    char *token = NULL;
    bool done = false;
    int pages = 0;
    int rc;

    *out = NULL;
    rc = all ? set_times(input, o) : gf_error_oom();
    while (rc == 0 && !done) {
        if (++pages > MAX_PAGES) {
            rc = gf_error_set(GF_ERROR, "logs:GetLogEvents: more than %d pages", MAX_PAGES);
            break;
        }
        rc = get_page(all, &done, &token, client, input, max);
    }
    if (rc == 0) {
        *out = all;
        all = NULL;
    }
    gf_free(token);
    json_decref(input);
    json_decref(all);
    return not_found(rc, group, stream);
}

int gf_logs_filter_log_events(json_t **out, struct gf_aws_client *client, const char *group,
                              const char *stream_prefix, const char *pattern,
                              const struct gf_logs_read_opts *opts)
{
    static const struct gf_logs_read_opts s_defaults = GF_LOGS_READ_OPTS_INIT;
    const struct gf_logs_read_opts *o = opts ? opts : &s_defaults;
    json_t *input = json_pack("{s:s}", "logGroupName", group);
    json_t *all = NULL;
    int rc;

    *out = NULL;
    rc = set_times(input, o);
    if (rc == 0)
        rc = set_opt_string(input, "logStreamNamePrefix", stream_prefix);
    if (rc == 0)
        rc = set_opt_string(input, "filterPattern", pattern);
    if (rc == 0)
        rc = gf_aws_paginate(&all, client, &gf_aws_logs, "FilterLogEvents", input, 0);
    json_decref(input);
    if (rc < 0)
        return not_found(rc, group, NULL);
    while (o->max_events && json_array_size(all) > o->max_events)
        json_array_remove(all, json_array_size(all) - 1);
    *out = all;
    return 0;
}
