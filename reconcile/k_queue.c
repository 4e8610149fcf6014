/* SPDX-License-Identifier: Apache-2.0 */
/* k_queue.c: the stack's SQS queue and its dead-letter queue (fargatestack-behaviour.md §6.4):
 * kinds "dlq" (made first, for its ARN) and "queue" (with the RedrivePolicy naming the DLQ).
 * The stack's attributes are sent (FargateStack's [defect] of sending only defaults is fixed) and
 * kept in line with SetQueueAttributes; --prune finds queues tagged for the stack. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_sqs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static const char *const s_attr_names[] = {"VisibilityTimeout", "MessageRetentionPeriod",
                                           "ReceiveMessageWaitTimeSeconds", "DelaySeconds",
                                           "MaximumMessageSize", NULL};

static struct gf_queue *model_of(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);

    return r->kind == &gf_rc_kind_dlq ? &s->dlq : &s->queue;
}

static int queue_expand(struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);

    if (!s->queue.present || !s->queue.name.v)
        return 0;
    return gf_rc_add(NULL, rc, &gf_rc_kind_queue, "queue", s->queue.name.v, &s->queue);
}

static int dlq_expand(struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);

    if (!s->queue.present || !s->queue.name.v || !s->queue.max_receive_count_present ||
        !s->dlq.name.v)
        return 0;
    return gf_rc_add(NULL, rc, &gf_rc_kind_dlq, "dlq", s->dlq.name.v, &s->dlq);
}

static int set_int_str(json_t *doc, const char *name, const struct gf_int *v)
{
    char text[32];

    if (v->origin == GF_ORIGIN_UNSET)
        return 0;
    snprintf(text, sizeof(text), "%lld", (long long)v->v);
    return json_object_set_new(doc, name, json_string(text)) == 0 ? 0 : gf_error_oom();
}

/* The DLQ's ARN: the state's, else the one SQS gives a queue of that name (deterministic). */
static json_t *dlq_arn(const struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    if (s->dlq.arn.v)
        return json_string(s->dlq.arn.v);
    if (!gf_rc_account(rc)[0] || !gf_rc_region(rc)[0])
        return json_string(GF_RC_UNKNOWN);
    return json_sprintf("arn:aws:sqs:%s:%s:%s", gf_rc_region(rc), gf_rc_account(rc),
                        s->dlq.name.v);
}

static int queue_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_queue *q = model_of(r, rc);
    const struct gf_stack *s = gf_rc_stack(rc);
    int code = 0;

    r->desired = json_object();
    if (!r->desired)
        return gf_error_oom();
    code |= set_int_str(r->desired, "VisibilityTimeout", &q->visibility_timeout);
    code |= set_int_str(r->desired, "MessageRetentionPeriod", &q->message_retention_period);
    code |= set_int_str(r->desired, "ReceiveMessageWaitTimeSeconds",
                        &q->receive_message_wait_time_seconds);
    code |= set_int_str(r->desired, "DelaySeconds", &q->delay_seconds);
    code |= set_int_str(r->desired, "MaximumMessageSize", &q->maximum_message_size);
    if (code == 0 && r->kind == &gf_rc_kind_queue && s->queue.max_receive_count_present) {
        json_t *redrive = json_pack("{s:o, s:I}", "deadLetterTargetArn", dlq_arn(rc),
                                    "maxReceiveCount", (json_int_t)s->queue.max_receive_count.v);

        if (!redrive || json_object_set_new(r->desired, "RedrivePolicy", redrive) != 0)
            code = gf_error_oom();
    }
    return code < 0 ? gf_error_oom() : 0;
}

static const char *queue_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    return model_of(r, rc)->url.v;
}

/* SQS's attributes normalised to desire's shape: the managed ones, RedrivePolicy parsed. */
static json_t *normalise(const json_t *attrs)
{
    json_t *doc = json_object(), *redrive;
    const char *text = json_string_value(json_object_get(attrs, "RedrivePolicy"));
    const json_t *count;
    size_t i;

    for (i = 0; doc && s_attr_names[i]; i++) {
        const json_t *v = json_object_get(attrs, s_attr_names[i]);

        if (v)
            json_object_set(doc, s_attr_names[i], (json_t *)v);
    }
    redrive = text ? json_loads(text, 0, NULL) : NULL;
    count = json_object_get(redrive, "maxReceiveCount");
    if (json_is_string(count)) /* AWS answers the count as a string or a number */
        json_object_set_new(redrive, "maxReceiveCount",
                            json_integer(strtoll(json_string_value(count), NULL, 10)));
    if (doc && redrive)
        json_object_set_new(doc, "RedrivePolicy", redrive);
    else
        json_decref(redrive);
    return doc;
}

static int queue_adopt(struct gf_rc_res *r, struct gf_rc_io *io, char *url)
{
    struct gf_queue *q = model_of(r, io->rc);
    json_t *attrs = NULL;
    int code = gf_sqs_get_queue_attributes(&attrs, io->aws, url, NULL);
    const char *arn = json_string_value(json_object_get(attrs, "QueueArn"));

    if (code == 0) {
        json_decref(r->actual);
        r->actual = normalise(attrs);
        r->exists = true;
        gf_free(r->id);
        r->id = url;
        url = NULL;
        code = r->actual ? gf_rc_state_set(io->rc, &q->url, r->id) : gf_error_oom();
    }
    if (code == 0)
        code = gf_rc_state_set(io->rc, &q->arn, arn);
    json_decref(attrs);
    gf_free(url);
    return code;
}

static int queue_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_queue *q = model_of(r, io->rc);
    char *url = NULL;
    int code;

    if (q->url.v) {
        url = gf_strdup(q->url.v);
        if (!url)
            return gf_error_oom();
        code = queue_adopt(r, io, url);
        if (code != GF_ENOTFOUND)
            return code;
        url = NULL;
    }
    code = gf_sqs_get_queue_url(&url, io->aws, r->name);
    return code < 0 ? code : queue_adopt(r, io, url);
}

/* desire's document as SQS attributes: strings, RedrivePolicy as a JSON string. */
static json_t *wire_attrs(const json_t *desired)
{
    json_t *attrs = json_deep_copy(desired);
    const json_t *redrive = json_object_get(desired, "RedrivePolicy");
    char *text = NULL;

    if (attrs && redrive) {
        text = json_dumps(redrive, JSON_COMPACT | JSON_SORT_KEYS);
        if (!text || json_object_set_new(attrs, "RedrivePolicy", json_string(text)) != 0) {
            json_decref(attrs);
            attrs = NULL;
        }
    }
    free(text); /* jansson's allocator */
    return attrs;
}

static json_t *tag_map(const struct gf_rc *rc, const struct gf_rc_res *r)
{
    json_t *tags = gf_rc_tags(rc, r, "Key", "Value"), *map = json_object();
    const json_t *t;
    size_t i;

    if (!tags || !map) {
        json_decref(tags);
        json_decref(map);
        return NULL;
    }
    json_array_foreach(tags, i, t) {
        json_object_set(map, json_string_value(json_object_get(t, "Key")),
                        json_object_get(t, "Value"));
    }
    json_decref(tags);
    return map;
}

static int queue_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *attrs = wire_attrs(r->desired);
    int code = attrs ? gf_sqs_set_queue_attributes(io->aws, r->id, attrs) : gf_error_oom();

    json_decref(attrs);
    return code < 0 ? code : queue_read(r, io);
}

static int queue_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *attrs = wire_attrs(r->desired), *tags = tag_map(io->rc, r);
    char *url = NULL;
    int code = attrs && tags ? 0 : gf_error_oom();

    if (code == 0)
        code = gf_sqs_create_queue(&url, io->aws, r->name, attrs, tags);
    if (code == GF_ECONFLICT) { /* made by an interrupted run with other attributes: align it */
        code = gf_sqs_get_queue_url(&url, io->aws, r->name);
        if (code == 0)
            code = gf_sqs_set_queue_attributes(io->aws, url, attrs);
        if (code == 0)
            code = gf_sqs_tag_queue(io->aws, url, tags);
    }
    json_decref(attrs);
    json_decref(tags);
    if (code < 0) {
        gf_free(url);
        return code;
    }
    return queue_adopt(r, io, url);
}

static int queue_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_queue *q = r->orphan ? NULL : model_of(r, io->rc);
    int code = r->id ? gf_sqs_delete_queue(io->aws, r->id) : 0;

    if (code == GF_ENOTFOUND)
        code = 0;
    if (code == 0 && q)
        code = gf_rc_state_set(io->rc, &q->url, NULL);
    if (code == 0 && q)
        code = gf_rc_state_set(io->rc, &q->arn, NULL);
    return code;
}

/* ---- --prune ------------------------------------------------------------------------------- */

static bool tag_is(const json_t *tags, const char *key, const char *value)
{
    const char *v = json_string_value(json_object_get(tags, key));

    return v && strcmp(v, value) == 0;
}

/* A queue tagged for the stack: add it as an orphan of its kind unless the stack wants it. */
static int queue_consider(struct gf_rc *rc, struct gf_rc_io *io, const char *url)
{
    const struct gf_stack *s = gf_rc_stack(rc);
    json_t *tags = NULL, *attrs = NULL;
    const char *name = strrchr(url, '/'), *key;
    const struct gf_rc_kind *kind;
    struct gf_rc_res *want;
    int code = gf_sqs_list_tags(&tags, io->aws, url);

    if (code == GF_ENOTFOUND || (code == 0 && !tag_is(tags, GF_RC_TAG_STACK, s->app_name.v)))
        goto out;
    if (code < 0)
        goto out;
    name = name ? name + 1 : url;
    key = json_string_value(json_object_get(tags, GF_RC_TAG_KEY));
    kind = key && strncmp(key, "dlq/", 4) == 0 ? &gf_rc_kind_dlq : &gf_rc_kind_queue;
    want = gf_rc_find(rc, kind->name, kind == &gf_rc_kind_dlq ? "dlq" : "queue");
    if (want && !want->orphan && strcmp(want->name, name) == 0)
        goto out;
    code = gf_sqs_get_queue_attributes(&attrs, io->aws, url, NULL);
    if (code == 0) {
        const char *n = json_string_value(json_object_get(attrs, "ApproximateNumberOfMessages"));

        gf_rc_warn(rc, "%s %s is gone from the stack and holds %s message(s)%s", kind->name,
                   name, n ? n : "?", n && strcmp(n, "0") == 0 ? "" : ": deleted only with --force");
        code = gf_rc_add_orphan(rc, kind, name, name, url, normalise(attrs));
    }
out:
    json_decref(tags);
    json_decref(attrs);
    return code == GF_ENOTFOUND ? 0 : code;
}

static int queue_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *urls = NULL;
    const json_t *u;
    size_t i;
    int code = gf_sqs_list_queues(&urls, io->aws, NULL);

    json_array_foreach(urls, i, u) {
        if (code == 0 && json_string_value(u))
            code = queue_consider(rc, io, json_string_value(u));
    }
    json_decref(urls);
    return code;
}

static const char *const s_create[] = {"sqs:CreateQueue", "sqs:GetQueueAttributes", NULL};
static const char *const s_update[] = {"sqs:SetQueueAttributes", "sqs:GetQueueUrl",
                                       "sqs:GetQueueAttributes", NULL};
static const char *const s_delete[] = {"sqs:DeleteQueue", NULL};
static const char *const s_queue_deps[] = {"dlq", NULL};

const struct gf_rc_kind gf_rc_kind_dlq = {
    .name = "dlq",
    .expand = dlq_expand,
    .desire = queue_desire,
    .read = queue_read,
    .create = queue_create,
    .update = queue_update,
    .destroy = queue_destroy,
    .orphans = queue_orphans,
    .state_id = queue_state_id,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
    .holds_data = true,
};

const struct gf_rc_kind gf_rc_kind_queue = {
    .name = "queue",
    .deps = s_queue_deps,
    .expand = queue_expand,
    .desire = queue_desire,
    .read = queue_read,
    .create = queue_create,
    .update = queue_update,
    .destroy = queue_destroy,
    .state_id = queue_state_id,
    .create_calls = s_create,
    .update_calls = s_update,
    .delete_calls = s_delete,
    .holds_data = true,
};
