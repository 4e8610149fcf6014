/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecs.c: local-aws's ECS (json 1.1, reference/aws-protocols.md §7.3, §10): clusters, task
 * definitions with revisions, services with deployments and the circuit breaker, tasks with a
 * lifecycle, and tags; member names, required fields and error codes from botocore's
 * ecs/2014-11-13 model. Time is lazy: every handler first advances the tasks and services to
 * ctx->now_ms (no threads). Documents are stored as the API returns them (db.c). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define ECS          "ecs"
#define T_CLUSTER    "cluster"
#define T_TASKDEF    "task-definition"
#define T_SERVICE    "service"
#define T_TASK       "task"
#define MAX_DESCRIBE 100
#define MAX_PAGE     100
#define MAX_ROWS     1000000
#define E_CLIENT     "ClientException"
#define E_PARAM      "InvalidParameterException"
#define E_SERIAL     "SerializationException"
#define E_NOCLUSTER  "ClusterNotFoundException"
#define E_NOSERVICE  "ServiceNotFoundException"

/* The task lifecycle, short so tests run fast: PROVISIONING at start, PENDING after 100 ms,
 * RUNNING (or STOPPED with the failure) after 300 ms; a stop takes 100 ms; the first ELB
 * health verdict comes at least 300 ms after RUNNING (or after the grace period). */
#define PENDING_AFTER_MS 100
#define RUNNING_AFTER_MS 300
#define STOPPED_AFTER_MS 100
#define HEALTH_MIN_MS    300
#define KEEP_STOPPED_MS                                                                            \
    ((int64_t)60 * 60 * 1000) /* AWS forgets stopped tasks after about an hour */
#define BACKOFF_BASE_MS 50
#define BACKOFF_MAX_MS                                                                             \
    ((int64_t)15 * 60 * 1000) /* the scheduler's throttle tops out at 15 minutes */
#define MAX_EVENTS    100
#define MAX_SIM_STEPS 20000
#define NEVER         INT64_MAX

static const struct gf_local_page s_page = {"maxResults", "nextToken", "nextToken", MAX_PAGE,
                                            E_PARAM};

/* ---- small helpers ------------------------------------------------------------------------ */

static const char *str_at(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static int64_t int_at(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static json_t *ts(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* ECS names: 1-255 letters, digits, hyphens and underscores. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 255)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* "8-4-4-4-12" random hex (37 bytes). */
static void uuid(char out[37])
{
    char hex[33];

    gf_local_random_hex(hex, 32);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* "arn:aws:ecs:REGION:ACCOUNT:TYPE/NAME" appended to out. */
static int make_arn(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *type,
                    const char *name)
{
    struct gf_buf res = GF_BUF_INIT;
    int rc;

    gf_buf_printf(&res, "%s/%s", type, name);
    rc = gf_buf_failed(&res) ? gf_error_oom() : gf_local_arn(out, ctx, ECS, true, res.ptr);
    gf_buf_release(&res);
    return rc;
}

/* The last '/'-separated part of a reference: "web" of ".../service/c/web" or of "web". */
static const char *last_part(const char *ref)
{
    const char *slash = strrchr(ref, '/');

    return slash ? slash + 1 : ref;
}

/* Check a tag list: at most 50, keys 1-128, values up to 256, no "aws:" prefix. */
static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    const json_t *t;
    size_t i;

    if (json_array_size(tags) > 50)
        return gf_local_fail(ctx, 400, E_PARAM, "The number of tags exceeds the limit of 50.");
    json_array_foreach(tags, i, t)
    {
        const char *k = json_string_value(json_object_get(t, "key"));
        const json_t *v = json_object_get(t, "value");

        if (!json_is_object(t) || !k || !*k || strlen(k) > 128)
            return gf_local_fail(ctx, 400, E_PARAM, "Tag keys must be 1 to 128 characters.");
        if (v && (!json_is_string(v) || json_string_length(v) > 256))
            return gf_local_fail(ctx, 400, E_PARAM, "Tag values must be up to 256 characters.");
        if (strncasecmp(k, "aws:", 4) == 0)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Tag keys cannot start with the reserved prefix 'aws:'.");
    }
    return 0;
}

/* Merge `add` into the tag array `tags` (same key: the value is replaced). */
static int merge_tags(json_t *tags, const json_t *add)
{
    const json_t *t, *have;
    size_t i, j;

    json_array_foreach(add, i, t)
    {
        bool found = false;

        json_array_foreach(tags, j, have)
        {
            if (streq(str_at(have, "key"), str_at(t, "key"))) {
                json_object_set_new((json_t *)have, "value", json_string(str_at(t, "value")));
                found = true;
            }
        }
        if (!found && json_array_append_new(tags, json_pack("{s:s, s:s}", "key", str_at(t, "key"),
                                                            "value", str_at(t, "value"))) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* A page of `items` (strings) at result_key, with nextToken when more remain. */
static int page_array(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                      const json_t *items, const char *result_key)
{
    int64_t limit = 0, offset = 0, i, n = (int64_t)json_array_size(items);
    json_t *page = NULL, *o = NULL;
    int rc;

    rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc < 0)
        return rc;
    page = json_array();
    for (i = offset; page && i < n && i < offset + limit; i++)
        if (json_array_append(page, json_array_get(items, (size_t)i)) < 0)
            break;
    o = page ? json_pack("{s:O}", result_key, page) : NULL;
    rc = o ? gf_local_page_set(o, &s_page, offset + limit < n, offset, json_array_size(page))
           : gf_error_oom();
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    json_decref(o);
    json_decref(page);
    return rc;
}

/* ---- rows --------------------------------------------------------------------------------- */

/* Every stored row of `type` (any status), as a new array. */
static int load_rows(json_t **out, struct gf_local_ctx *ctx, const char *type)
{
    struct gf_local_list q = {ECS, type, NULL, NULL, false, 0, MAX_ROWS};
    bool more = false;

    return gf_local_db_list(out, &more, ctx->db, &q);
}

/* Tasks and services are stored as {"task"|"service": the API document, "x": our own state}. */
static json_t *row_doc(const json_t *row)
{
    json_t *d = json_object_get(row, T_TASK);

    return d ? d : json_object_get(row, T_SERVICE);
}

static json_t *row_x(const json_t *row)
{
    return json_object_get(row, "x");
}

static int save_row(struct gf_local_ctx *ctx, json_t *row)
{
    bool is_task = json_object_get(row, T_TASK) != NULL;
    json_t *doc = row_doc(row);
    json_t *x = row_x(row);

    json_object_del(x, "dirty");
    return gf_local_db_put(
        ctx->db, &(struct gf_local_res){ECS, is_task ? T_TASK : T_SERVICE, str_at(x, "key"), 0,
                                        str_at(doc, is_task ? "taskArn" : "serviceArn"),
                                        str_at(doc, is_task ? "lastStatus" : "status"), row});
}

static void touch(json_t *row)
{
    json_object_set_new(row_x(row), "dirty", json_true());
}

/* ---- clusters ----------------------------------------------------------------------------- */

static json_t *cluster_doc(const char *arn, const char *name, const json_t *tags,
                           const json_t *settings)
{
    json_t *d =
        json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:[], s:[], s:[]}", "clusterArn", arn,
                  "clusterName", name, "status", "ACTIVE", "registeredContainerInstancesCount", 0,
                  "runningTasksCount", 0, "pendingTasksCount", 0, "activeServicesCount", 0,
                  "statistics", "capacityProviders", "defaultCapacityProviderStrategy");

    if (!d)
        return NULL;
    json_object_set_new(d, "tags", tags ? json_deep_copy(tags) : json_array());
    json_object_set_new(
        d, "settings",
        settings ? json_deep_copy(settings)
                 : json_pack("[{s:s, s:s}]", "name", "containerInsights", "value", "disabled"));
    return d;
}

/* The cluster a reference names (NULL: "default"): *doc_out NULL when none, or
 * ClusterNotFoundException when `must`. */
static int cluster_get(json_t **doc_out, struct gf_local_ctx *ctx, const char *ref, bool must)
{
    int rc;

    rc = gf_local_db_get(doc_out, ctx->db, ECS, T_CLUSTER,
                         gf_local_ref_name(ref ? ref : "default", ":cluster/"), 0);
    if (rc == 0 && !*doc_out && must)
        rc = gf_local_fail(ctx, 400, E_NOCLUSTER, "Cluster not found.");
    return rc;
}

/* The cluster named by input's "cluster" member (required or not), which must exist. */
static int input_cluster(json_t **doc_out, struct gf_local_ctx *ctx, const json_t *input,
                         bool required)
{
    const char *ref = NULL;
    int rc;

    *doc_out = NULL;
    rc = gf_local_get_string(&ref, ctx, input, "cluster", required ? E_PARAM : NULL);
    if (rc == 0)
        rc = cluster_get(doc_out, ctx, ref, true);
    return rc;
}

/* Live counts: runningTasksCount, pendingTasksCount, activeServicesCount. */
static int cluster_counts(struct gf_local_ctx *ctx, json_t *cluster)
{
    const char *arn = str_at(cluster, "clusterArn");
    json_t *tasks = NULL, *services = NULL, *row;
    int64_t running = 0, pending = 0, active = 0;
    size_t i;
    int rc;

    rc = load_rows(&tasks, ctx, T_TASK);
    if (rc == 0)
        rc = load_rows(&services, ctx, T_SERVICE);
    json_array_foreach(tasks, i, row)
    {
        const json_t *t = row_doc(row);
        const char *last = str_at(t, "lastStatus");

        if (!streq(str_at(t, "clusterArn"), arn))
            continue;
        running += streq(last, "RUNNING");
        pending += streq(last, "PROVISIONING") || streq(last, "PENDING");
    }
    json_array_foreach(services, i, row)
    {
        const json_t *s = row_doc(row);

        active += streq(str_at(s, "clusterArn"), arn) && !streq(str_at(s, "status"), "INACTIVE");
    }
    json_object_set_new(cluster, "runningTasksCount", json_integer(running));
    json_object_set_new(cluster, "pendingTasksCount", json_integer(pending));
    json_object_set_new(cluster, "activeServicesCount", json_integer(active));
    json_decref(tasks);
    json_decref(services);
    return rc;
}

static int ecs_create_cluster(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf arn = GF_BUF_INIT;
    const char *name = NULL;
    const json_t *tags = NULL, *settings = NULL;
    json_t *doc = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "clusterName", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "tags", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&settings, ctx, input, "settings", NULL);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc < 0)
        goto out;
    if (!name)
        name = "default";
    if (!valid_name(name)) {
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Cluster name can have up to 255 characters: letters (uppercase and "
                           "lowercase), numbers, hyphens and underscores are allowed.");
        goto out;
    }
    /* CreateCluster is idempotent on the name: an existing cluster is returned unchanged */
    rc = gf_local_db_get(&doc, ctx->db, ECS, T_CLUSTER, name, 0);
    if (rc < 0 || doc)
        goto out;
    rc = make_arn(&arn, ctx, T_CLUSTER, name);
    if (rc < 0)
        goto out;
    doc = cluster_doc(arn.ptr, name, tags, settings);
    if (!doc) {
        rc = gf_error_oom();
        goto out;
    }
    rc = gf_local_db_put(ctx->db,
                         &(struct gf_local_res){ECS, T_CLUSTER, name, 0, arn.ptr, "ACTIVE", doc});
out:
    if (rc == 0)
        rc = cluster_counts(ctx, doc);
    if (rc == 0) {
        *out = json_pack("{s:O}", "cluster", doc);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    gf_buf_release(&arn);
    return rc;
}

static int describe_one(json_t *clusters, json_t *failures, struct gf_local_ctx *ctx,
                        const char *ref, bool with_tags)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *doc = NULL;
    int rc;

    rc = cluster_get(&doc, ctx, ref, false);
    if (rc == 0 && doc) {
        if (!with_tags)
            json_object_del(doc, "tags");
        rc = cluster_counts(ctx, doc);
        if (rc == 0 && json_array_append(clusters, doc) < 0)
            rc = gf_error_oom();
        goto out;
    }
    if (rc < 0)
        goto out;
    if (strncmp(ref, "arn:", 4) == 0)
        gf_buf_puts(&arn, ref);
    else
        make_arn(&arn, ctx, T_CLUSTER, ref);
    rc = gf_buf_failed(&arn) ? gf_error_oom() : 0;
    if (rc == 0 && json_array_append_new(
                       failures, json_pack("{s:s, s:s}", "arn", arn.ptr, "reason", "MISSING")) < 0)
        rc = gf_error_oom();
out:
    json_decref(doc);
    gf_buf_release(&arn);
    return rc;
}

static int ecs_describe_clusters(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *refs = NULL, *include = NULL, *v;
    json_t *clusters = json_array(), *failures = json_array();
    size_t i;
    int rc;

    rc = gf_local_get_array(&refs, ctx, input, "clusters", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&include, ctx, input, "include", NULL);
    if (rc == 0 && refs && json_array_size(refs) > MAX_DESCRIBE)
        rc = gf_local_fail(ctx, 400, E_PARAM, "At most %d clusters can be described at once",
                           MAX_DESCRIBE);
    if (rc == 0 && (!clusters || !failures))
        rc = gf_error_oom();
    if (rc == 0 && (!refs || json_array_size(refs) == 0))
        rc = describe_one(clusters, failures, ctx, "default", false);
    json_array_foreach(refs, i, v)
    {
        if (rc < 0)
            break;
        if (!json_is_string(v))
            rc = gf_local_fail(ctx, 400, E_SERIAL, "'clusters' must be a list of strings");
        else
            rc = describe_one(clusters, failures, ctx, json_string_value(v),
                              gf_local_array_has_string(include, "TAGS"));
    }
    if (rc == 0) {
        *out = json_pack("{s:O, s:O}", "clusters", clusters, "failures", failures);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(clusters);
    json_decref(failures);
    return rc;
}

/* The ARNs of the listed documents, found at `key` (or inside `wrapper`). */
static int arns_of(json_t **out, const json_t *docs, const char *wrapper, const char *key)
{
    json_t *arns = json_array();
    const json_t *d;
    size_t i;

    if (!arns)
        return gf_error_oom();
    json_array_foreach(docs, i, d)
    {
        const json_t *o = wrapper ? json_object_get(d, wrapper) : d;

        if (json_array_append(arns, json_object_get(o, key)) < 0) {
            json_decref(arns);
            return gf_error_oom();
        }
    }
    *out = arns;
    return 0;
}

static int list_page(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                     struct gf_local_list *q, const char *wrapper, const char *arn_key,
                     const char *result_key)
{
    json_t *docs = NULL, *arns = NULL, *o = NULL;
    bool more = false;
    int rc;

    rc = gf_local_page_get(&q->limit, &q->offset, ctx, input, &s_page);
    if (rc == 0)
        rc = gf_local_db_list(&docs, &more, ctx->db, q);
    if (rc == 0)
        rc = arns_of(&arns, docs, wrapper, arn_key);
    if (rc == 0) {
        o = json_pack("{s:O}", result_key, arns);
        rc = o ? gf_local_page_set(o, &s_page, more, q->offset, json_array_size(arns))
               : gf_error_oom();
    }
    if (rc == 0) {
        *out = o;
        o = NULL;
    }
    json_decref(o);
    json_decref(arns);
    json_decref(docs);
    return rc;
}

static int ecs_list_clusters(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {ECS, T_CLUSTER, NULL, "ACTIVE", false, 0, 0};

    return list_page(out, ctx, input, &q, NULL, "clusterArn", "clusterArns");
}

static int ecs_delete_cluster(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    bool deleted = false;
    int rc;

    rc = input_cluster(&doc, ctx, input, true);
    if (rc == 0)
        rc = cluster_counts(ctx, doc);
    if (rc == 0 && int_at(doc, "activeServicesCount") > 0)
        rc = gf_local_fail(ctx, 400, "ClusterContainsServicesException",
                           "The Cluster cannot be deleted while Services are active.");
    if (rc == 0 && int_at(doc, "runningTasksCount") + int_at(doc, "pendingTasksCount") > 0)
        rc = gf_local_fail(ctx, 400, "ClusterContainsTasksException",
                           "The Cluster cannot be deleted while Tasks are active.");
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, ECS, T_CLUSTER, str_at(doc, "clusterName"), 0);
    if (rc == 0) {
        json_object_set_new(doc, "status", json_string("INACTIVE"));
        *out = json_pack("{s:O}", "cluster", doc);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(doc);
    return rc;
}

/* ---- task definitions --------------------------------------------------------------------- */

/* Task-level cpu in units ("256", "0.25 vCPU", "1 vCPU") or memory in MiB ("512", "1GB",
 * "1 GB"); -1 when it is neither. */
static int64_t parse_size(const char *s, const char *unit, int64_t per_unit)
{
    struct gf_slice v = gf_slice_trim(gf_slice_from(s));
    int64_t n;
    double d;
    char *end = NULL;

    if (gf_slice_to_i64(&n, v, 1, 1 << 30) == 0)
        return n;
    errno = 0;
    d = strtod(s, &end);
    if (errno || end == s || !(d > 0) || d > (double)(1 << 20))
        return -1;
    while (*end == ' ')
        end++;
    if (strcasecmp(end, unit) != 0)
        return -1;
    return (int64_t)(d * (double)per_unit + 0.5);
}

/* Fargate's cpu/memory pairs (reference/aws-protocols.md §10, from the ECS model's docs). */
static bool fargate_pair_ok(int64_t cpu, int64_t mem)
{
    static const struct {
        int64_t cpu, lo, hi, step;
    } s_pairs[] = {
        {256, 512, 512, 1},         {256, 1024, 2048, 1024},      {512, 1024, 4096, 1024},
        {1024, 2048, 8192, 1024},   {2048, 4096, 16384, 1024},    {4096, 8192, 30720, 1024},
        {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192},
    };
    size_t i;

    for (i = 0; i < sizeof(s_pairs) / sizeof(s_pairs[0]); i++)
        if (s_pairs[i].cpu == cpu && mem >= s_pairs[i].lo && mem <= s_pairs[i].hi &&
            (mem - s_pairs[i].lo) % s_pairs[i].step == 0)
            return true;
    return false;
}

/* Normalise task-level cpu/memory to their numeric strings in td; check Fargate's rules. */
static int check_cpu_memory(struct gf_local_ctx *ctx, json_t *td, bool fargate)
{
    const char *cpu_s = json_string_value(json_object_get(td, "cpu"));
    const char *mem_s = json_string_value(json_object_get(td, "memory"));
    int64_t cpu = cpu_s ? parse_size(cpu_s, "vCPU", 1024) : 0;
    int64_t mem = mem_s ? parse_size(mem_s, "GB", 1024) : 0;
    char text[32];

    if (cpu < 0 || (fargate && !cpu_s))
        return gf_local_fail(ctx, 400, E_CLIENT, "Invalid 'cpu' setting for task.");
    if (mem < 0 || (fargate && !mem_s))
        return gf_local_fail(ctx, 400, E_CLIENT, "Invalid 'memory' setting for task.");
    if (fargate && !fargate_pair_ok(cpu, mem))
        return gf_local_fail(ctx, 400, E_CLIENT,
                             "No Fargate configuration exists for given values: %lld CPU, "
                             "%lld memory. See the Amazon ECS documentation for the valid values.",
                             (long long)cpu, (long long)mem);
    if (cpu_s) {
        snprintf(text, sizeof(text), "%lld", (long long)cpu);
        json_object_set_new(td, "cpu", json_string(text));
    }
    if (mem_s) {
        snprintf(text, sizeof(text), "%lld", (long long)mem);
        json_object_set_new(td, "memory", json_string(text));
    }
    return 0;
}

static void default_member(json_t *o, const char *key, json_t *value)
{
    if (!json_object_get(o, key))
        json_object_set_new(o, key, value);
    else
        json_decref(value);
}

/* Each container needs a valid, unique name and an image; fill AWS's defaults. */
static int check_containers(struct gf_local_ctx *ctx, json_t *td)
{
    json_t *defs = json_object_get(td, "containerDefinitions");
    json_t *c;
    size_t i, j;

    if (!json_is_array(defs) || json_array_size(defs) == 0)
        return gf_local_fail(ctx, 400, E_CLIENT, "Container list cannot be empty.");
    if (json_array_size(defs) > 10)
        return gf_local_fail(ctx, 400, E_CLIENT, "Too many containers: at most 10 are allowed.");
    json_array_foreach(defs, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *image = json_string_value(json_object_get(c, "image"));

        if (!json_is_object(c))
            return gf_local_fail(ctx, 400, E_SERIAL, "containerDefinitions[%zu] must be an object",
                                 i);
        if (!name || !valid_name(name))
            return gf_local_fail(ctx, 400, E_CLIENT,
                                 "Container.name should not be null or empty, and may contain "
                                 "up to 255 letters, numbers, hyphens and underscores.");
        if (!image || !*image)
            return gf_local_fail(ctx, 400, E_CLIENT,
                                 "Container.image should not be null or empty.");
        for (j = 0; j < i; j++)
            if (strcmp(name, json_string_value(json_object_get(json_array_get(defs, j), "name"))) ==
                0)
                return gf_local_fail(ctx, 400, E_CLIENT, "Duplicate container name '%s'.", name);
        default_member(c, "cpu", json_integer(0));
        default_member(c, "essential", json_true());
        default_member(c, "portMappings", json_array());
        default_member(c, "environment", json_array());
        default_member(c, "mountPoints", json_array());
        default_member(c, "volumesFrom", json_array());
    }
    return 0;
}

static int check_compat(struct gf_local_ctx *ctx, json_t *td, bool *fargate_out)
{
    static const char *const s_modes[] = {"bridge", "host", "awsvpc", "none"};
    const json_t *req = json_object_get(td, "requiresCompatibilities"), *v;
    const char *mode = json_string_value(json_object_get(td, "networkMode"));
    size_t i;
    bool ok = !mode;

    json_array_foreach(
        req, i, v) if (!json_is_string(v) ||
                       (strcmp(json_string_value(v), "EC2") != 0 &&
                        strcmp(json_string_value(v), "FARGATE") != 0 &&
                        strcmp(json_string_value(v), "EXTERNAL") != 0 &&
                        strcmp(json_string_value(v), "MANAGED_INSTANCES") !=
                            0)) return gf_local_fail(ctx, 400, E_PARAM,
                                                     "Invalid requiresCompatibilities value.");
    for (i = 0; mode && i < sizeof(s_modes) / sizeof(s_modes[0]); i++)
        ok = ok || strcmp(mode, s_modes[i]) == 0;
    if (!ok)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid networkMode '%s'.", mode);
    *fargate_out = gf_local_array_has_string(req, "FARGATE");
    if (*fargate_out && (!mode || strcmp(mode, "awsvpc") != 0))
        return gf_local_fail(ctx, 400, E_CLIENT, "Fargate only supports network mode 'awsvpc'.");
    return 0;
}

/* Build the stored task definition from the request: the request's members minus tags, plus
 * what ECS adds (ARN, revision, status, compatibilities, registration time and caller). */
static int build_taskdef(json_t **td_out, struct gf_local_ctx *ctx, const json_t *input,
                         const char *family, int64_t revision, const char *arn)
{
    struct gf_buf by = GF_BUF_INIT;
    json_t *td = json_deep_copy(input);
    bool fargate = false;
    int rc;

    if (!td)
        return gf_error_oom();
    json_object_del(td, "tags");
    rc = check_containers(ctx, td);
    if (rc == 0)
        rc = check_compat(ctx, td, &fargate);
    if (rc == 0)
        rc = check_cpu_memory(ctx, td, fargate);
    if (rc < 0)
        goto out;
    gf_buf_printf(&by, "arn:aws:iam::%s:user/%s", ctx->account, ctx->access_key_id);
    json_object_set_new(td, "taskDefinitionArn", json_string(arn));
    json_object_set_new(td, "family", json_string(family));
    json_object_set_new(td, "revision", json_integer(revision));
    json_object_set_new(td, "status", json_string("ACTIVE"));
    default_member(td, "networkMode", json_string("bridge"));
    default_member(td, "volumes", json_array());
    default_member(td, "placementConstraints", json_array());
    json_object_set_new(td, "requiresAttributes", json_array());
    json_object_set_new(td, "compatibilities",
                        fargate ? json_pack("[s, s]", "EC2", "FARGATE") : json_pack("[s]", "EC2"));
    json_object_set_new(td, "registeredAt", json_real((double)ctx->now_ms / 1000.0));
    json_object_set_new(td, "registeredBy", json_string(by.ptr));
    rc = gf_buf_failed(&by) ? gf_error_oom() : 0;
out:
    if (rc == 0)
        *td_out = td;
    else
        json_decref(td);
    gf_buf_release(&by);
    return rc;
}

static int ecs_register_task_definition(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf arn = GF_BUF_INIT;
    const char *family = NULL;
    const json_t *tags = NULL;
    json_t *td = NULL, *row = NULL;
    int64_t max = 0, max_active = 0;
    int rc;

    rc = gf_local_get_string(&family, ctx, input, "family", NULL);
    if (rc == 0 && !family)
        rc = gf_local_fail(ctx, 400, E_CLIENT, "'family' is required");
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "tags", NULL);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0 && !valid_name(family))
        rc = gf_local_fail(ctx, 400, E_CLIENT,
                           "Family contains invalid characters or is longer than 255 characters: "
                           "use letters, numbers, hyphens and underscores.");
    if (rc == 0)
        rc = gf_local_db_max_version(&max, &max_active, ctx->db, ECS, T_TASKDEF, family);
    if (rc < 0)
        goto out;
    gf_buf_printf(&arn, "arn:aws:ecs:%s:%s:task-definition/%s:%" PRId64, ctx->region, ctx->account,
                  family, max + 1);
    rc = gf_buf_failed(&arn) ? gf_error_oom() : 0;
    if (rc == 0)
        rc = build_taskdef(&td, ctx, input, family, max + 1, arn.ptr);
    if (rc < 0)
        goto out;
    row = json_pack("{s:O, s:o}", "taskDefinition", td, "tags",
                    tags ? json_deep_copy(tags) : json_array());
    rc = row ? gf_local_db_put(ctx->db, &(struct gf_local_res){ECS, T_TASKDEF, family, max + 1,
                                                               arn.ptr, "ACTIVE", row})
             : gf_error_oom();
    if (rc == 0) {
        if (!tags)
            json_object_del(row, "tags");
        *out = row;
        row = NULL;
    }
out:
    json_decref(row);
    json_decref(td);
    gf_buf_release(&arn);
    return rc;
}

/* Split "family", "family:rev" or a task-definition ARN; *rev_out 0 when no revision given.
 * family_out is caller storage of 256 bytes. */
static int parse_taskdef_ref(char *family_out, int64_t *rev_out, struct gf_local_ctx *ctx,
                             const char *ref)
{
    const char *name = gf_local_ref_name(ref, ":task-definition/");
    const char *colon = strchr(name, ':');
    size_t n = colon ? (size_t)(colon - name) : strlen(name);

    *rev_out = 0;
    if (n == 0 || n > 255)
        return gf_local_fail(ctx, 400, E_CLIENT, "Invalid task definition '%s'.", ref);
    memcpy(family_out, name, n);
    family_out[n] = '\0';
    if (colon && gf_slice_to_i64(rev_out, gf_slice_from(colon + 1), 1, INT32_MAX) < 0)
        return gf_local_fail(ctx, 400, E_CLIENT, "Invalid revision number. Number: %s", colon + 1);
    return 0;
}

/* The stored row ({taskDefinition, tags}) a reference names, NULL when none. */
static int find_taskdef(json_t **row_out, struct gf_local_ctx *ctx, const char *ref,
                        bool need_revision)
{
    char family[256];
    int64_t rev = 0, max = 0, max_active = 0;
    int rc;

    *row_out = NULL;
    rc = parse_taskdef_ref(family, &rev, ctx, ref);
    if (rc == 0 && rev == 0 && need_revision)
        rc = gf_local_fail(ctx, 400, E_CLIENT, "Invalid revision number. Number: %s",
                           "(none): use family:revision or the task definition's ARN");
    if (rc == 0 && rev == 0) {
        rc = gf_local_db_max_version(&max, &max_active, ctx->db, ECS, T_TASKDEF, family);
        rev = max_active;
    }
    if (rc == 0 && rev > 0)
        rc = gf_local_db_get(row_out, ctx->db, ECS, T_TASKDEF, family, rev);
    return rc;
}

static int ecs_describe_task_definition(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *ref = NULL;
    const json_t *include = NULL;
    json_t *row = NULL;
    int rc;

    rc = gf_local_get_string(&ref, ctx, input, "taskDefinition", E_CLIENT);
    if (rc == 0)
        rc = gf_local_get_array(&include, ctx, input, "include", NULL);
    if (rc == 0)
        rc = find_taskdef(&row, ctx, ref, false);
    if (rc == 0 && !row)
        rc = gf_local_fail(ctx, 400, E_CLIENT, "Unable to describe task definition.");
    if (rc < 0)
        goto out;
    if (!gf_local_array_has_string(include, "TAGS"))
        json_object_del(row, "tags");
    *out = row;
    row = NULL;
out:
    json_decref(row);
    return rc;
}

static int ecs_deregister_task_definition(json_t **out, struct gf_local_ctx *ctx,
                                          const json_t *input)
{
    const char *ref = NULL;
    json_t *row = NULL, *td;
    int rc;

    rc = gf_local_get_string(&ref, ctx, input, "taskDefinition", E_CLIENT);
    if (rc == 0)
        rc = find_taskdef(&row, ctx, ref, true);
    if (rc == 0 && !row)
        rc = gf_local_fail(ctx, 400, E_CLIENT, "The specified task definition does not exist.");
    if (rc < 0)
        goto out;
    td = json_object_get(row, "taskDefinition");
    /* revisions are immutable: deregistering only marks one INACTIVE, once */
    if (strcmp(json_string_value(json_object_get(td, "status")), "INACTIVE") != 0) {
        json_object_set_new(td, "status", json_string("INACTIVE"));
        json_object_set_new(td, "deregisteredAt", json_real((double)ctx->now_ms / 1000.0));
        rc = gf_local_db_put(
            ctx->db,
            &(struct gf_local_res){ECS, T_TASKDEF, json_string_value(json_object_get(td, "family")),
                                   json_integer_value(json_object_get(td, "revision")),
                                   json_string_value(json_object_get(td, "taskDefinitionArn")),
                                   "INACTIVE", row});
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "taskDefinition", td);
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(row);
    return rc;
}

static int ecs_list_task_definitions(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {ECS, T_TASKDEF, NULL, "ACTIVE", false, 0, 0};
    const char *sort = NULL;
    int rc;

    rc = gf_local_get_string(&q.name, ctx, input, "familyPrefix", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&q.status, ctx, input, "status", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&sort, ctx, input, "sort", NULL);
    if (rc < 0)
        return rc;
    if (!q.status)
        q.status = "ACTIVE";
    if (strcmp(q.status, "ACTIVE") != 0 && strcmp(q.status, "INACTIVE") != 0 &&
        strcmp(q.status, "DELETE_IN_PROGRESS") != 0)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid status '%s'.", q.status);
    if (sort && strcmp(sort, "ASC") != 0 && strcmp(sort, "DESC") != 0)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid sort '%s'.", sort);
    q.desc = sort && strcmp(sort, "DESC") == 0;
    return list_page(out, ctx, input, &q, "taskDefinition", "taskDefinitionArn",
                     "taskDefinitionArns");
}

/* Whether family `name` qualifies for ListTaskDefinitionFamilies' status filter. */
static bool family_matches(const json_t *rows, const char *name, const char *status)
{
    const json_t *row;
    bool active = false;
    size_t i;

    json_array_foreach(rows, i, row)
    {
        const json_t *td = json_object_get(row, "taskDefinition");

        if (streq(str_at(td, "family"), name) && streq(str_at(td, "status"), "ACTIVE"))
            active = true;
    }
    if (streq(status, "ACTIVE"))
        return active;
    if (streq(status, "INACTIVE"))
        return !active;
    return true;
}

static int ecs_list_task_definition_families(json_t **out, struct gf_local_ctx *ctx,
                                             const json_t *input)
{
    const char *prefix = NULL, *status = NULL;
    json_t *rows = NULL, *families = json_array();
    const json_t *row;
    size_t i;
    int rc;

    rc = families ? gf_local_get_string(&prefix, ctx, input, "familyPrefix", NULL) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&status, ctx, input, "status", NULL);
    if (rc == 0 && status && !streq(status, "ACTIVE") && !streq(status, "INACTIVE") &&
        !streq(status, "ALL"))
        rc = gf_local_fail(ctx, 400, E_PARAM, "Invalid status '%s'.", status);
    if (rc == 0)
        rc = load_rows(&rows, ctx, T_TASKDEF);
    json_array_foreach(rows, i, row)
    {
        const char *family = str_at(json_object_get(row, "taskDefinition"), "family");
        size_t n = json_array_size(families);

        if (rc < 0)
            break;
        if (prefix && strncmp(family, prefix, strlen(prefix)) != 0)
            continue;
        if (n > 0 && streq(json_string_value(json_array_get(families, n - 1)), family))
            continue; /* rows come ordered by family, then revision */
        if (family_matches(rows, family, status) &&
            json_array_append_new(families, json_string(family)) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = page_array(out, ctx, input, families, "families");
    json_decref(rows);
    json_decref(families);
    return rc;
}

/* ---- tasks: documents --------------------------------------------------------------------- */

static bool has(const json_t *o, const char *key)
{
    return json_object_get(o, key) != NULL;
}

static void set_int(json_t *o, const char *key, int64_t v)
{
    json_object_set_new(o, key, json_integer(v));
}

static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, json_string(v));
}

/* The cluster name of a cluster ARN ("arn:...:cluster/NAME"). */
static const char *cluster_name_of(const char *cluster_arn)
{
    return gf_local_ref_name(cluster_arn, ":cluster/");
}

/* What a new task is made of (RunTask, or a service's scheduler). */
struct task_spec {
    const char *cluster_arn;
    const json_t *td; /* the taskDefinition document */
    const char *group, *started_by, *launch_type;
    const json_t *network;        /* awsvpcConfiguration, or NULL */
    const json_t *overrides;      /* or NULL */
    const json_t *tags;           /* or NULL */
    const char *svc_key, *dep_id; /* the service's, or NULL */
    bool exec;
};

/* The ENI attachment of an awsvpc task; *ip_out gets its private address (16 bytes). */
static json_t *eni_attachment(struct gf_local_ctx *ctx, const json_t *network, char ip_out[16],
                              char az_out[32], const char *att_id)
{
    const char *subnet = json_string_value(json_array_get(json_object_get(network, "subnets"), 0));
    char hex[20], vpc[32], eni[32], mac[24], dns[64];

    gf_local_random_hex(hex, 17);
    snprintf(ip_out, 16, "10.0.%u.%u", (unsigned)strtoul((char[3]){hex[0], hex[1], 0}, NULL, 16),
             1 + (unsigned)strtoul((char[3]){hex[2], hex[3], 0}, NULL, 16) % 254);
    snprintf(eni, sizeof(eni), "eni-%s", hex);
    snprintf(mac, sizeof(mac), "0a:%.2s:%.2s:%.2s:%.2s:%.2s", hex + 4, hex + 6, hex + 8, hex + 10,
             hex + 12);
    snprintf(dns, sizeof(dns), "ip-%s.ec2.internal", ip_out);
    for (char *p = dns; *p; p++)
        if (*p == '.' && p < dns + 3 + strlen(ip_out))
            *p = '-';
    if (!subnet || gf_local_ec2_subnet(vpc, az_out, ctx, subnet) < 0 || !az_out[0])
        snprintf(az_out, 32, "%sa", ctx->region);
    return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, "
                     "s:s}]}",
                     "id", att_id, "type", "ElasticNetworkInterface", "status", "ATTACHED",
                     "details", "name", "subnetId", "value", subnet ? subnet : "", "name",
                     "networkInterfaceId", "value", eni, "name", "macAddress", "value", mac, "name",
                     "privateDnsName", "value", dns, "name", "privateIPv4Address", "value", ip_out);
}

/* The containers of a new task, from the task definition and the overrides. */
static json_t *task_containers(const struct task_spec *spec, const char *task_arn,
                               const char *cluster, const char *task_id, const char *att_id,
                               const char *ip)
{
    json_t *list = json_array();
    const json_t *def;
    size_t i;

    json_array_foreach(json_object_get(spec->td, "containerDefinitions"), i, def)
    {
        char cid[37];
        struct gf_buf arn = GF_BUF_INIT;
        json_t *c;

        uuid(cid);
        gf_buf_printf(&arn, "%s", task_arn);
        /* arn:aws:ecs:R:A:container/CLUSTER/TASK/UUID */
        gf_buf_truncate(&arn, (size_t)(strstr(task_arn, ":task/") - task_arn));
        gf_buf_printf(&arn, ":container/%s/%s/%s", cluster, task_id, cid);
        c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:s, s:s}", "containerArn", arn.ptr,
                      "taskArn", task_arn, "name", str_at(def, "name"), "image",
                      str_at(def, "image"), "lastStatus", "PENDING", "networkBindings",
                      "healthStatus", "UNKNOWN", "cpu", "0");
        if (c && json_is_integer(json_object_get(def, "cpu"))) {
            char cpu[24];

            snprintf(cpu, sizeof(cpu), "%" PRId64, int_at(def, "cpu"));
            set_str(c, "cpu", cpu);
        }
        if (c && json_is_integer(json_object_get(def, "memory"))) {
            char mem[24];

            snprintf(mem, sizeof(mem), "%" PRId64, int_at(def, "memory"));
            set_str(c, "memory", mem);
        }
        if (c && ip[0])
            json_object_set_new(
                c, "networkInterfaces",
                json_pack("[{s:s, s:s}]", "attachmentId", att_id, "privateIpv4Address", ip));
        if (!c || gf_buf_failed(&arn) || json_array_append_new(list, c) < 0) {
            gf_buf_release(&arn);
            json_decref(list);
            return NULL;
        }
        gf_buf_release(&arn);
    }
    return list;
}

/* A new task row ({"task": doc, "x": state}) in PROVISIONING at ctx->now_ms. */
static int task_new(json_t **row_out, struct gf_local_ctx *ctx, const struct task_spec *spec)
{
    const char *cluster = cluster_name_of(spec->cluster_arn);
    char id[33], att_id[37], ip[16] = "", az[32] = "";
    struct gf_buf arn = GF_BUF_INIT, key = GF_BUF_INIT;
    json_t *t = NULL, *att = NULL, *row = NULL;
    int rc = 0;

    *row_out = NULL;
    gf_local_random_hex(id, 32);
    uuid(att_id);
    gf_buf_printf(&key, "%s/%s", cluster, id);
    rc = make_arn(&arn, ctx, T_TASK, key.ptr);
    if (rc < 0 || gf_buf_failed(&key))
        goto oom;
    if (spec->network)
        att = eni_attachment(ctx, spec->network, ip, az, att_id);
    else
        snprintf(az, sizeof(az), "%sa", ctx->region);
    t = json_pack("{s:[], s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
                  "s:i, s:{s:i}}",
                  "attachments", "availabilityZone", az, "clusterArn", spec->cluster_arn,
                  "connectivity", "CONNECTING", "createdAt", ts(ctx->now_ms), "desiredStatus",
                  "RUNNING", "enableExecuteCommand", spec->exec, "group", spec->group,
                  "healthStatus", "UNKNOWN", "lastStatus", "PROVISIONING", "launchType",
                  spec->launch_type, "platformFamily", "Linux", "platformVersion", "1.4.0",
                  "taskArn", arn.ptr, "taskDefinitionArn", str_at(spec->td, "taskDefinitionArn"),
                  "version", 1, "ephemeralStorage", "sizeInGiB", 20);
    if (!t)
        goto oom;
    if (att)
        json_array_append(json_object_get(t, "attachments"), att);
    json_object_set_new(t, "containers", task_containers(spec, arn.ptr, cluster, id, att_id, ip));
    json_object_set_new(t, "cpu", json_string(str_at(spec->td, "cpu")));
    json_object_set_new(t, "memory", json_string(str_at(spec->td, "memory")));
    json_object_set_new(t, "overrides",
                        spec->overrides ? json_deep_copy(spec->overrides)
                                        : json_pack("{s:[], s:[]}", "containerOverrides",
                                                    "inferenceAcceleratorOverrides"));
    json_object_set_new(t, "tags", spec->tags ? json_deep_copy(spec->tags) : json_array());
    if (spec->started_by)
        set_str(t, "startedBy", spec->started_by);
    if (!json_is_array(json_object_get(t, "containers")))
        goto oom;
    row = json_pack("{s:O, s:{s:s, s:I, s:s, s:b}}", T_TASK, t, "x", "key", key.ptr, "created_ms",
                    (json_int_t)ctx->now_ms, "ip", ip, "dirty", 1);
    if (!row)
        goto oom;
    if (spec->svc_key) {
        set_str(row_x(row), "svc", spec->svc_key);
        set_str(row_x(row), "dep", spec->dep_id);
    }
    *row_out = row;
    goto out;
oom:
    rc = gf_error_oom();
out:
    json_decref(att);
    json_decref(t);
    gf_buf_release(&arn);
    gf_buf_release(&key);
    return rc;
}

/* ---- tasks: the lifecycle ----------------------------------------------------------------- */

struct sim {
    struct gf_local_ctx *ctx;
    json_t *tasks;    /* rows */
    json_t *services; /* rows */
};

/* When the task's next transition is due; NEVER when it has none. */
static int64_t task_next(const json_t *row)
{
    const json_t *t = row_doc(row), *x = row_x(row);
    const char *last = str_at(t, "lastStatus");
    int64_t created = int_at(x, "created_ms");

    if (streq(last, "STOPPED"))
        return NEVER;
    if (has(x, "stop_ms"))
        return int_at(x, "stop_ms") + STOPPED_AFTER_MS;
    if (streq(last, "PROVISIONING"))
        return created + PENDING_AFTER_MS;
    if (streq(last, "PENDING"))
        return created + RUNNING_AFTER_MS;
    if (has(x, "health_ms"))
        return int_at(x, "health_ms");
    return NEVER;
}

static void task_bump(json_t *row)
{
    json_t *t = row_doc(row);

    set_int(t, "version", int_at(t, "version") + 1);
    touch(row);
}

/* Ask a task to stop at t (it is STOPPED STOPPED_AFTER_MS later); no-op when already asked. */
static void task_request_stop(json_t *row, int64_t t, const char *code, const char *reason)
{
    json_t *task = row_doc(row);

    if (streq(str_at(task, "desiredStatus"), "STOPPED"))
        return;
    set_str(task, "desiredStatus", "STOPPED");
    set_str(task, "stopCode", code);
    set_str(task, "stoppedReason", reason);
    json_object_set_new(task, "stoppingAt", ts(t));
    set_int(row_x(row), "stop_ms", t);
    json_object_del(row_x(row), "health_ms");
    task_bump(row);
}

/* Mark the task and its containers STOPPED at t. */
static void task_set_stopped(json_t *row, int64_t t, bool was_running)
{
    json_t *task = row_doc(row), *c;
    size_t i;

    set_str(task, "lastStatus", "STOPPED");
    set_str(task, "desiredStatus", "STOPPED");
    set_str(task, "connectivity", "DISCONNECTED");
    json_object_set_new(task, "stoppedAt", ts(t));
    json_object_set_new(task, "executionStoppedAt", ts(t));
    if (!has(task, "stoppingAt"))
        json_object_set_new(task, "stoppingAt", ts(t));
    json_array_foreach(json_object_get(task, "containers"), i, c)
    {
        set_str(c, "lastStatus", "STOPPED");
        if (was_running && !has(c, "exitCode"))
            set_int(c, "exitCode", 0);
    }
    json_object_del(row_x(row), "stop_ms");
    json_object_del(row_x(row), "health_ms");
    set_int(row_x(row), "stopped_ms", t);
    task_bump(row);
}

/* The task never started: STOPPED at t with stopCode TaskFailedToStart. */
static void task_fail_start(json_t *row, int64_t t, const char *reason, const char *container)
{
    json_t *task = row_doc(row), *c;
    size_t i;

    set_str(task, "stopCode", "TaskFailedToStart");
    set_str(task, "stoppedReason", reason);
    json_array_foreach(json_object_get(task, "containers"), i, c)
    {
        if (streq(str_at(c, "name"), container))
            set_str(c, "reason", reason);
    }
    json_object_set(row_x(row), "failed", json_true());
    task_set_stopped(row, t, false);
}

/* Finish a requested stop: targets deregistered, compose project down. */
static int task_finish_stop(struct sim *s, json_t *row, int64_t t)
{
    const json_t *tg;
    size_t i;

    json_array_foreach(json_object_get(row_x(row), "targets"), i, tg)
    {
        json_t *targets = json_pack("[{s:s, s:I}]", "Id", str_at(tg, "ip"), "Port",
                                    (json_int_t)int_at(tg, "port"));

        if (!targets)
            return gf_error_oom();
        (void)gf_local_elbv2_register(s->ctx, str_at(tg, "tg"), targets, true);
        json_decref(targets);
    }
    task_set_stopped(row, t, streq(str_at(row_doc(row), "lastStatus"), "RUNNING"));
    (void)gf_local_compose_stop(s->ctx, row_doc(row));
    return 0;
}

/* The service row whose key is `key`, NULL when none. */
static json_t *sim_service(const struct sim *s, const char *key)
{
    json_t *row;
    size_t i;

    json_array_foreach(s->services, i, row)
    {
        if (key && streq(str_at(row_x(row), "key"), key))
            return row;
    }
    return NULL;
}

/* Pull each container's image: an ECR image that is not there fails the task as AWS does. */
static int task_pull(bool *failed_out, struct sim *s, json_t *row, const json_t *td, int64_t t)
{
    json_t *c;
    size_t i;

    *failed_out = false;
    json_array_foreach(json_object_get(row_doc(row), "containers"), i, c)
    {
        char digest[80] = "", reason[1024];
        bool is_ecr = false;
        const char *image = str_at(c, "image");
        int rc = gf_local_ecr_find_image(digest, &is_ecr, s->ctx, image);

        (void)td;
        if (rc == 0 && digest[0])
            set_str(c, "imageDigest", digest);
        if (rc == GF_ENOTFOUND && is_ecr) {
            snprintf(reason, sizeof(reason),
                     "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                     "failed to resolve ref %s: %s: not found",
                     image, image);
            task_fail_start(row, t, reason, str_at(c, "name"));
            *failed_out = true;
            return 0;
        }
        if (rc < 0 && rc != GF_ENOTFOUND)
            return rc;
    }
    return 0;
}

/* Write each awslogs container's start line; a missing log group fails the task. */
static int task_logs(bool *failed_out, struct sim *s, json_t *row, const json_t *td, int64_t t)
{
    const char *id = last_part(str_at(row_doc(row), "taskArn"));
    const json_t *def;
    size_t i;

    *failed_out = false;
    json_array_foreach(json_object_get(td, "containerDefinitions"), i, def)
    {
        const json_t *lc = json_object_get(def, "logConfiguration");
        const json_t *opts = json_object_get(lc, "options");
        const char *prefix = json_string_value(json_object_get(opts, "awslogs-stream-prefix"));
        struct gf_buf stream = GF_BUF_INIT, msg = GF_BUF_INIT;
        int rc;

        if (!streq(str_at(lc, "logDriver"), "awslogs"))
            continue;
        if (prefix)
            gf_buf_printf(&stream, "%s/%s/%s", prefix, str_at(def, "name"), id);
        else
            gf_buf_puts(&stream, id);
        gf_buf_printf(&msg, "local-aws: task %s started container %s (image %s)", id,
                      str_at(def, "name"), str_at(def, "image"));
        rc = gf_buf_failed(&stream) || gf_buf_failed(&msg)
                 ? gf_error_oom()
                 : gf_local_logs_put(s->ctx, str_at(opts, "awslogs-group"), stream.ptr, msg.ptr);
        gf_buf_release(&stream);
        gf_buf_release(&msg);
        if (rc == GF_ENOTFOUND) {
            task_fail_start(row, t,
                            "ResourceInitializationError: failed to validate logger args: create "
                            "stream has been retried 1 times: failed to create Cloudwatch log "
                            "stream: ResourceNotFoundException: The specified log group does not "
                            "exist. : exit status 1",
                            str_at(def, "name"));
            *failed_out = true;
            return 0;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Register a service task's address in its target groups; the first health verdict is due
 * after the grace period. */
static int task_register(struct sim *s, json_t *row, int64_t t)
{
    const json_t *svc_row = sim_service(s, json_string_value(json_object_get(row_x(row), "svc")));
    const json_t *svc = row_doc(svc_row), *lb;
    const char *ip = str_at(row_x(row), "ip");
    json_t *regs = json_array();
    size_t i;
    int rc = regs ? 0 : gf_error_oom();

    json_array_foreach(json_object_get(svc, "loadBalancers"), i, lb)
    {
        const char *tg = json_string_value(json_object_get(lb, "targetGroupArn"));
        json_t *targets;

        if (!tg || !ip[0] || rc < 0)
            continue;
        targets =
            json_pack("[{s:s, s:I}]", "Id", ip, "Port", (json_int_t)int_at(lb, "containerPort"));
        rc = targets ? 0 : gf_error_oom();
        if (rc == 0 && gf_local_elbv2_register(s->ctx, tg, targets, false) == 0 &&
            json_array_append_new(regs, json_pack("{s:s, s:s, s:I}", "tg", tg, "ip", ip, "port",
                                                  (json_int_t)int_at(lb, "containerPort"))) < 0)
            rc = gf_error_oom();
        json_decref(targets);
    }
    if (rc == 0 && json_array_size(regs) > 0) {
        int64_t grace = int_at(svc, "healthCheckGracePeriodSeconds") * 1000;

        set_int(row_x(row), "health_ms", t + (grace > HEALTH_MIN_MS ? grace : HEALTH_MIN_MS));
    }
    if (rc == 0)
        json_object_set_new(row_x(row), "targets", regs);
    else
        json_decref(regs);
    return rc;
}

/* The stored row ({taskDefinition, tags}) of a task definition ARN, NULL when none. */
static int taskdef_by_arn(json_t **row_out, struct gf_local_ctx *ctx, const char *arn)
{
    /* rows are keyed by family and revision: split the ARN's "family:revision" */
    const char *ref = gf_local_ref_name(arn, ":task-definition/");
    const char *colon = strrchr(ref, ':');
    int64_t rev = colon ? strtoll(colon + 1, NULL, 10) : 0;
    char family[256];

    snprintf(family, sizeof(family), "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
    return gf_local_db_get(row_out, ctx->db, ECS, T_TASKDEF, family, rev);
}

/* PENDING -> RUNNING at t, or STOPPED when an image or a log group is missing. */
static int task_start(struct sim *s, json_t *row, int64_t t)
{
    json_t *task = row_doc(row), *tdrow = NULL, *c;
    const json_t *td;
    bool failed = false;
    size_t i;
    int rc;

    rc = taskdef_by_arn(&tdrow, s->ctx, str_at(task, "taskDefinitionArn"));
    td = json_object_get(tdrow, "taskDefinition");
    if (rc == 0)
        rc = task_pull(&failed, s, row, td, t);
    if (rc == 0 && !failed)
        rc = task_logs(&failed, s, row, td, t);
    if (rc < 0 || failed)
        goto out;
    set_str(task, "lastStatus", "RUNNING");
    set_str(task, "connectivity", "CONNECTED");
    json_object_set_new(task, "connectivityAt", ts(t));
    json_object_set_new(task, "pullStoppedAt", ts(t));
    json_object_set_new(task, "startedAt", ts(t));
    json_array_foreach(json_object_get(task, "containers"), i, c)
    {
        char rid[48];

        snprintf(rid, sizeof(rid), "%s-", last_part(str_at(task, "taskArn")));
        gf_local_random_hex(rid + strlen(rid), 10);
        set_str(c, "lastStatus", "RUNNING");
        set_str(c, "runtimeId", rid);
    }
    set_int(row_x(row), "running_ms", t);
    task_bump(row);
    if (has(row_x(row), "svc"))
        rc = task_register(s, row, t);
    if (rc == 0 && gf_local_compose_start(s->ctx, task, td) < 0) {
        char reason[600];

        snprintf(reason, sizeof(reason), "CannotStartContainerError: local-aws: %s",
                 gf_error_last()->msg);
        task_request_stop(row, t, "TaskFailedToStart", reason);
        json_object_set(row_x(row), "failed", json_true());
    }
out:
    json_decref(tdrow);
    return rc;
}

/* The ELB verdict: an unhealthy target stops the task as AWS's scheduler does. */
static void task_check_health(struct sim *s, json_t *row, int64_t t)
{
    const json_t *tg;
    size_t i;

    json_object_del(row_x(row), "health_ms");
    json_array_foreach(json_object_get(row_x(row), "targets"), i, tg)
    {
        bool healthy = false;
        char reason[512];

        if (gf_local_elbv2_healthy(&healthy, s->ctx, str_at(tg, "tg"), str_at(tg, "ip")) == 0 &&
            healthy)
            continue;
        snprintf(reason, sizeof(reason), "Task failed ELB health checks in (target-group %s)",
                 str_at(tg, "tg"));
        set_str(row_doc(row), "healthStatus", "UNHEALTHY");
        task_request_stop(row, t, "ServiceSchedulerInitiated", reason);
        json_object_set(row_x(row), "failed", json_true());
        return;
    }
    set_str(row_doc(row), "healthStatus", "HEALTHY");
    task_bump(row);
}

/* Run the task's transitions due by t. */
static int task_advance(struct sim *s, json_t *row, int64_t t)
{
    int64_t at;
    int rc = 0;

    while (rc == 0 && (at = task_next(row)) <= t) {
        const json_t *x = row_x(row);
        const char *last = str_at(row_doc(row), "lastStatus");
        int64_t saved = s->ctx->now_ms;

        s->ctx->now_ms = at; /* the hooks see the moment it happens */
        if (has(x, "stop_ms")) {
            rc = task_finish_stop(s, row, at);
        } else if (streq(last, "PROVISIONING")) {
            set_str(row_doc(row), "lastStatus", "PENDING");
            json_object_set_new(row_doc(row), "pullStartedAt", ts(at));
            task_bump(row);
        } else if (streq(last, "PENDING")) {
            rc = task_start(s, row, at);
        } else {
            task_check_health(s, row, at);
        }
        s->ctx->now_ms = saved;
    }
    return rc;
}

/* ---- services: deployments and the scheduler ---------------------------------------------- */

/* Counts of one deployment's tasks (dep NULL: every deployment of the service). live: not yet
 * STOPPED; active: live and meant to run; running / pending: active by lastStatus. */
struct counts {
    int64_t live, active, running, pending;
    int64_t unverified; /* running, its ELB health verdict still to come */
};

static void count_tasks(struct counts *c, const struct sim *s, const char *svc_key, const char *dep)
{
    const json_t *row;
    size_t i;

    memset(c, 0, sizeof(*c));
    json_array_foreach(s->tasks, i, row)
    {
        const json_t *t = row_doc(row), *x = row_x(row);
        const char *last = str_at(t, "lastStatus");

        if (!streq(str_at(x, "svc"), svc_key) || (dep && !streq(str_at(x, "dep"), dep)) ||
            streq(last, "STOPPED"))
            continue;
        c->live++;
        if (!streq(str_at(t, "desiredStatus"), "RUNNING"))
            continue;
        c->active++;
        c->running += streq(last, "RUNNING");
        c->unverified += streq(last, "RUNNING") && has(x, "health_ms");
        c->pending += streq(last, "PROVISIONING") || streq(last, "PENDING");
    }
}

/* Add an event, newest first, as ECS words them: "(service web) has reached a steady state." */
static void svc_event(json_t *svc, int64_t t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void svc_event(json_t *svc, int64_t t, const char *fmt, ...)
{
    json_t *events = json_object_get(svc, "events");
    char id[37], msg[1024];
    int n;
    va_list ap;

    va_start(ap, fmt);
    n = snprintf(msg, sizeof(msg), "(service %s) ", str_at(svc, "serviceName"));
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    uuid(id);
    if (!json_is_array(events)) {
        events = json_array();
        json_object_set_new(svc, "events", events);
    }
    json_array_insert_new(
        events, 0, json_pack("{s:s, s:o, s:s}", "id", id, "createdAt", ts(t), "message", msg));
    while (json_array_size(events) > MAX_EVENTS)
        json_array_remove(events, json_array_size(events) - 1);
}

/* A new PRIMARY deployment of `td_arn` for svc at t. */
static json_t *deployment_new(const json_t *svc, const char *td_arn, int64_t t)
{
    char hex[20], id[32], reason[128];
    json_t *d;
    int i;

    gf_local_random_hex(hex, 19);
    for (i = 0; i < 19; i++)
        hex[i] = (char)('0' + (hex[i] % 10));
    snprintf(id, sizeof(id), "ecs-svc/%s", hex);
    snprintf(reason, sizeof(reason), "ECS deployment %s in progress.", id);
    d = json_pack("{s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:o, s:o, s:s, s:s, s:s}", "id", id,
                  "status", "PRIMARY", "taskDefinition", td_arn, "desiredCount",
                  (json_int_t)int_at(svc, "desiredCount"), "pendingCount", 0, "runningCount", 0,
                  "failedTasks", 0, "createdAt", ts(t), "updatedAt", ts(t), "launchType",
                  str_at(svc, "launchType"), "rolloutState", "IN_PROGRESS", "rolloutStateReason",
                  reason);
    if (d && streq(str_at(svc, "launchType"), "FARGATE")) {
        set_str(d, "platformVersion", "1.4.0");
        set_str(d, "platformFamily", "Linux");
    }
    if (d && has(svc, "networkConfiguration"))
        json_object_set_new(d, "networkConfiguration",
                            json_deep_copy(json_object_get(svc, "networkConfiguration")));
    return d;
}

/* AWS's circuit breaker threshold: half the desired count, at least 3, at most 200. */
static int64_t breaker_threshold(int64_t desired)
{
    int64_t half = (desired + 1) / 2;

    return half < 3 ? 3 : (half > 200 ? 200 : half);
}

/* Count the service's newly stopped failed tasks into their deployments' failedTasks. */
static void svc_count_failures(struct sim *s, json_t *row, int64_t t)
{
    json_t *svc = row_doc(row), *x = row_x(row), *trow, *dep;
    size_t i, j;

    json_array_foreach(s->tasks, i, trow)
    {
        json_t *tx = row_x(trow);

        if (!streq(str_at(tx, "svc"), str_at(x, "key")) ||
            !json_is_true(json_object_get(tx, "failed")) || has(tx, "counted") ||
            !streq(str_at(row_doc(trow), "lastStatus"), "STOPPED"))
            continue;
        json_object_set_new(tx, "counted", json_true());
        touch(trow);
        json_array_foreach(json_object_get(svc, "deployments"), j, dep)
        {
            if (streq(str_at(dep, "id"), str_at(tx, "dep")))
                set_int(dep, "failedTasks", int_at(dep, "failedTasks") + 1);
        }
        set_int(x, "fails_in_row", int_at(x, "fails_in_row") + 1);
        {
            int64_t n = int_at(x, "fails_in_row");
            int64_t delay = n > 20 ? BACKOFF_MAX_MS : BACKOFF_BASE_MS << n;

            set_int(x, "next_launch_ms", t + (delay > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay));
        }
        touch(row);
    }
}

/* Too many failed tasks: the deployment FAILED; with rollback the last completed one returns. */
static int svc_breaker(json_t *row, int64_t t)
{
    json_t *svc = row_doc(row), *x = row_x(row);
    json_t *deps = json_object_get(svc, "deployments");
    json_t *primary = json_array_get(deps, 0), *cb, *back;
    char reason[256];

    cb = json_object_get(json_object_get(svc, "deploymentConfiguration"),
                         "deploymentCircuitBreaker");
    if (!json_is_true(json_object_get(cb, "enable")) || !primary ||
        !streq(str_at(primary, "rolloutState"), "IN_PROGRESS") ||
        int_at(primary, "failedTasks") < breaker_threshold(int_at(svc, "desiredCount")))
        return 0;
    set_str(primary, "rolloutState", "FAILED");
    set_str(primary, "rolloutStateReason",
            "ECS deployment circuit breaker: tasks failed to start.");
    json_object_set_new(primary, "updatedAt", ts(t));
    svc_event(svc, t, "(deployment %s) deployment failed: tasks failed to start.",
              str_at(primary, "id"));
    touch(row);
    if (!json_is_true(json_object_get(cb, "rollback")) || !has(x, "done_td") ||
        streq(str_at(x, "done_td"), str_at(primary, "taskDefinition")))
        return 0;
    back = deployment_new(svc, str_at(x, "done_td"), t);
    if (!back)
        return gf_error_oom();
    snprintf(reason, sizeof(reason),
             "ECS deployment circuit breaker: rolling back to deploymentId %s.",
             str_at(x, "done_dep"));
    set_str(back, "rolloutStateReason", reason);
    set_str(primary, "status", "ACTIVE");
    set_str(svc, "taskDefinition", str_at(x, "done_td"));
    svc_event(svc, t, "rolling back to deployment %s.", str_at(x, "done_dep"));
    set_int(x, "fails_in_row", 0);
    json_object_del(x, "next_launch_ms");
    return json_array_insert_new(deps, 0, back) < 0 ? gf_error_oom() : 0;
}

/* Stop up to n of the deployment's active tasks (pending ones first), for `why`. */
static int64_t svc_stop_tasks(struct sim *s, const char *key, const char *dep, int64_t n, int64_t t,
                              const char *why, json_t *svc)
{
    json_t *row;
    size_t i;
    int64_t stopped = 0;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        json_array_foreach(s->tasks, i, row)
        {
            const json_t *task = row_doc(row);
            bool running = streq(str_at(task, "lastStatus"), "RUNNING");

            if (stopped >= n || !streq(str_at(row_x(row), "svc"), key) ||
                (dep && !streq(str_at(row_x(row), "dep"), dep)) ||
                !streq(str_at(task, "desiredStatus"), "RUNNING") ||
                streq(str_at(task, "lastStatus"), "STOPPED") || running != (pass == 1))
                continue;
            task_request_stop(row, t, "ServiceSchedulerInitiated", why);
            svc_event(svc, t, "has stopped 1 running tasks: (task %s).",
                      last_part(str_at(task, "taskArn")));
            stopped++;
        }
    }
    return stopped;
}

/* Start n tasks of the PRIMARY deployment at t. */
static int svc_launch(struct sim *s, json_t *row, int64_t n, int64_t t)
{
    json_t *svc = row_doc(row), *primary = json_array_get(json_object_get(svc, "deployments"), 0);
    json_t *tdrow = NULL, *trow = NULL, *tags = NULL;
    struct gf_buf group = GF_BUF_INIT;
    const char *prop = str_at(svc, "propagateTags");
    int64_t i;
    int rc;

    rc = taskdef_by_arn(&tdrow, s->ctx, str_at(primary, "taskDefinition"));
    if (rc < 0 || !tdrow)
        goto out;
    gf_buf_printf(&group, "service:%s", str_at(svc, "serviceName"));
    if (streq(prop, "SERVICE"))
        tags = json_object_get(svc, "tags");
    else if (streq(prop, "TASK_DEFINITION"))
        tags = json_object_get(tdrow, "tags");
    for (i = 0; i < n && rc == 0; i++) {
        struct task_spec spec = {
            str_at(svc, "clusterArn"),
            json_object_get(tdrow, "taskDefinition"),
            group.ptr,
            str_at(primary, "id"),
            str_at(svc, "launchType"),
            json_object_get(json_object_get(svc, "networkConfiguration"), "awsvpcConfiguration"),
            NULL,
            tags,
            str_at(row_x(row), "key"),
            str_at(primary, "id"),
            json_is_true(json_object_get(svc, "enableExecuteCommand")),
        };

        rc = gf_buf_failed(&group) ? gf_error_oom() : task_new(&trow, s->ctx, &spec);
        if (rc == 0 && json_array_append_new(s->tasks, trow) < 0)
            rc = gf_error_oom();
        if (rc == 0)
            svc_event(svc, t, "has started 1 tasks: (task %s).",
                      last_part(str_at(row_doc(trow), "taskArn")));
        trow = NULL;
    }
out:
    json_decref(tdrow);
    gf_buf_release(&group);
    return rc;
}

/* Retire old deployments once the PRIMARY one is up (or they failed); drop them when empty. */
static void svc_retire(struct sim *s, json_t *row, const struct counts *primary_c, int64_t t)
{
    json_t *svc = row_doc(row), *deps = json_object_get(svc, "deployments");
    json_t *primary = json_array_get(deps, 0);
    const char *key = str_at(row_x(row), "key");
    char why[160];
    size_t i;

    snprintf(why, sizeof(why), "Scaling activity initiated by (deployment %s)",
             str_at(primary, "id"));
    for (i = json_array_size(deps); i-- > 1;) {
        json_t *dep = json_array_get(deps, i);
        struct counts c;
        bool up = primary_c->running - primary_c->unverified >= int_at(svc, "desiredCount") &&
                  primary_c->pending == 0;

        if (up || streq(str_at(dep, "rolloutState"), "FAILED"))
            svc_stop_tasks(s, key, str_at(dep, "id"), INT64_MAX, t, why, svc);
        count_tasks(&c, s, key, str_at(dep, "id"));
        if (c.live == 0 && (up || streq(str_at(dep, "rolloutState"), "FAILED")))
            json_array_remove(deps, i);
    }
}

/* Counts into the deployments and the service; COMPLETED and steady state when it is there. */
static void svc_settle(struct sim *s, json_t *row, int64_t t)
{
    json_t *svc = row_doc(row), *x = row_x(row), *dep;
    json_t *deps = json_object_get(svc, "deployments");
    json_t *primary = json_array_get(deps, 0);
    const char *key = str_at(x, "key");
    struct counts all, c;
    size_t i;

    json_array_foreach(deps, i, dep)
    {
        count_tasks(&c, s, key, str_at(dep, "id"));
        if (int_at(dep, "runningCount") != c.running || int_at(dep, "pendingCount") != c.pending)
            json_object_set_new(dep, "updatedAt", ts(t));
        set_int(dep, "runningCount", c.running);
        set_int(dep, "pendingCount", c.pending);
    }
    if (primary)
        set_int(primary, "desiredCount", int_at(svc, "desiredCount"));
    count_tasks(&all, s, key, NULL);
    set_int(svc, "runningCount", all.running);
    set_int(svc, "pendingCount", all.pending);
    if (!streq(str_at(svc, "status"), "ACTIVE") || json_array_size(deps) != 1 ||
        all.running != int_at(svc, "desiredCount") || all.pending != 0 || all.unverified != 0 ||
        streq(str_at(primary, "rolloutState"), "FAILED"))
        return;
    if (streq(str_at(primary, "rolloutState"), "IN_PROGRESS")) {
        char reason[128];

        snprintf(reason, sizeof(reason), "ECS deployment %s completed.", str_at(primary, "id"));
        set_str(primary, "rolloutState", "COMPLETED");
        set_str(primary, "rolloutStateReason", reason);
        set_str(x, "done_dep", str_at(primary, "id"));
        set_str(x, "done_td", str_at(primary, "taskDefinition"));
        svc_event(svc, t, "(deployment %s) deployment completed.", str_at(primary, "id"));
    }
    if (!json_is_true(json_object_get(x, "steady"))) {
        svc_event(svc, t, "has reached a steady state.");
        json_object_set_new(x, "steady", json_true());
        set_int(x, "fails_in_row", 0);
    }
}

/* How many PRIMARY tasks the scheduler should start now (0: none, or it may not). */
static int64_t svc_need(const struct sim *s, const json_t *row)
{
    const json_t *svc = row_doc(row);
    const json_t *primary = json_array_get(json_object_get(svc, "deployments"), 0);
    struct counts c;

    if (!streq(str_at(svc, "status"), "ACTIVE") || !primary ||
        streq(str_at(primary, "rolloutState"), "FAILED") ||
        !streq(str_at(svc, "launchType"), "FARGATE"))
        return 0;
    count_tasks(&c, s, str_at(row_x(row), "key"), str_at(primary, "id"));
    return int_at(svc, "desiredCount") - c.active;
}

/* When the service's scheduler next has something to do by itself. */
static int64_t svc_next(const struct sim *s, const json_t *row)
{
    /* next_launch_ms is only there while the scheduler backs off after failed tasks */
    if (!has(row_x(row), "next_launch_ms") || svc_need(s, row) <= 0)
        return NEVER;
    return int_at(row_x(row), "next_launch_ms");
}

/* One scheduler pass over a service at t. */
static int svc_step(struct sim *s, json_t *row, int64_t t)
{
    json_t *svc = row_doc(row), *x = row_x(row);
    const json_t *primary;
    const char *key = str_at(x, "key");
    struct counts c;
    int64_t need;
    json_t *before = json_deep_copy(svc);
    int rc;

    if (!before)
        return gf_error_oom();
    svc_count_failures(s, row, t);
    rc = svc_breaker(row, t);
    primary = json_array_get(json_object_get(svc, "deployments"), 0);
    if (rc == 0 && streq(str_at(svc, "status"), "DRAINING")) {
        svc_stop_tasks(s, key, NULL, INT64_MAX, t, "Service is being deleted", svc);
        count_tasks(&c, s, key, NULL);
        if (c.live == 0) {
            set_str(svc, "status", "INACTIVE");
            set_int(x, "inactive_ms", t);
        }
    }
    need = rc == 0 ? svc_need(s, row) : 0;
    if (need > 0 && (!has(x, "next_launch_ms") || int_at(x, "next_launch_ms") <= t)) {
        json_object_del(x, "next_launch_ms");
        rc = svc_launch(s, row, need, t);
        json_object_set_new(x, "steady", json_false());
    } else if (need < 0 && rc == 0) {
        char why[160];

        snprintf(why, sizeof(why), "Scaling activity initiated by (deployment %s)",
                 str_at(primary, "id"));
        svc_stop_tasks(s, key, str_at(primary, "id"), -need, t, why, svc);
        json_object_set_new(x, "steady", json_false());
    }
    if (has(x, "next_launch_ms") && int_at(x, "next_launch_ms") <= t)
        json_object_del(x, "next_launch_ms"); /* the back-off is over */
    if (rc == 0 && primary) {
        count_tasks(&c, s, key, str_at(primary, "id"));
        svc_retire(s, row, &c, t);
        svc_settle(s, row, t);
    }
    if (!json_equal(before, svc))
        touch(row);
    json_decref(before);
    return rc;
}

/* ---- the simulation: every handler first brings tasks and services up to now ------------ */

static void sim_release(struct sim *s)
{
    json_decref(s->tasks);
    json_decref(s->services);
}

/* Load every task and service; forget tasks stopped and services inactive for over an hour. */
static int sim_load(struct sim *s, struct gf_local_ctx *ctx)
{
    size_t i;
    int rc;

    s->ctx = ctx;
    s->tasks = s->services = NULL;
    rc = load_rows(&s->tasks, ctx, T_TASK);
    if (rc == 0)
        rc = load_rows(&s->services, ctx, T_SERVICE);
    for (i = json_array_size(s->tasks); rc == 0 && i-- > 0;) {
        const json_t *x = row_x(json_array_get(s->tasks, i));
        bool deleted = false;

        if (has(x, "stopped_ms") && int_at(x, "stopped_ms") + KEEP_STOPPED_MS < ctx->now_ms) {
            rc = gf_local_db_delete(&deleted, ctx->db, ECS, T_TASK, str_at(x, "key"), 0);
            json_array_remove(s->tasks, i);
        }
    }
    for (i = json_array_size(s->services); rc == 0 && i-- > 0;) {
        const json_t *x = row_x(json_array_get(s->services, i));
        bool deleted = false;

        if (has(x, "inactive_ms") && int_at(x, "inactive_ms") + KEEP_STOPPED_MS < ctx->now_ms) {
            rc = gf_local_db_delete(&deleted, ctx->db, ECS, T_SERVICE, str_at(x, "key"), 0);
            json_array_remove(s->services, i);
        }
    }
    return rc;
}

static int64_t sim_next(const struct sim *s)
{
    int64_t next = NEVER, at;
    const json_t *row;
    size_t i;

    json_array_foreach(s->tasks, i, row)
    {
        at = task_next(row);
        next = at < next ? at : next;
    }
    json_array_foreach(s->services, i, row)
    {
        at = svc_next(s, row);
        next = at < next ? at : next;
    }
    return next;
}

/* One moment: the tasks' transitions due by t, then every service's scheduler. */
static int sim_step(struct sim *s, int64_t t)
{
    json_t *row;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < json_array_size(s->tasks); i++)
        rc = task_advance(s, json_array_get(s->tasks, i), t);
    json_array_foreach(s->services, i, row)
    {
        if (rc == 0)
            rc = svc_step(s, row, t);
    }
    return rc;
}

static int sim_save(struct sim *s)
{
    json_t *row;
    size_t i;
    int rc = 0;

    json_array_foreach(s->tasks, i, row)
    {
        if (rc == 0 && json_is_true(json_object_get(row_x(row), "dirty")))
            rc = save_row(s->ctx, row);
    }
    json_array_foreach(s->services, i, row)
    {
        if (rc == 0 && json_is_true(json_object_get(row_x(row), "dirty")))
            rc = save_row(s->ctx, row);
    }
    return rc;
}

/* Bring every task and service up to ctx->now_ms, event by event. */
static int advance(struct gf_local_ctx *ctx)
{
    struct sim s;
    int64_t now = ctx->now_ms, cur = INT64_MIN, t;
    int steps, rc;

    rc = sim_load(&s, ctx);
    for (steps = 0; rc == 0 && steps < MAX_SIM_STEPS; steps++) {
        t = sim_next(&s);
        if (t > now)
            break;
        cur = t > cur ? t : cur;
        ctx->now_ms = cur;
        rc = sim_step(&s, cur);
        ctx->now_ms = now;
        if (sim_next(&s) <= cur)
            break; /* nothing more can happen at this moment */
    }
    if (rc == 0)
        rc = sim_step(&s, now);
    if (rc == 0)
        rc = sim_save(&s);
    sim_release(&s);
    return rc;
}

/* ---- services and tasks: validation -------------------------------------------------------- */

/* Check each id exists with `exists`; a missing one fails as ECS words it. */
static int check_ids(struct gf_local_ctx *ctx, const json_t *ids, bool subnets)
{
    const json_t *v;
    size_t i;

    json_array_foreach(ids, i, v)
    {
        const char *id = json_string_value(v);
        char vpc[32], az[32];
        int rc;

        if (!id)
            return gf_local_fail(ctx, 400, E_SERIAL, "'%s' must be a list of strings",
                                 subnets ? "subnets" : "securityGroups");
        rc = subnets ? gf_local_ec2_subnet(vpc, az, ctx, id) : gf_local_ec2_exists(ctx, id);
        if (rc == GF_ENOTFOUND && subnets)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Error retrieving subnet information for [%s]: The subnet ID "
                                 "'%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
                                 id, id);
        if (rc == GF_ENOTFOUND)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Error retrieving security group information for [%s]: The "
                                 "security group '%s' does not exist (ErrorCode: "
                                 "InvalidGroup.NotFound)",
                                 id, id);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The launch type and network of a service or task against its task definition. */
static int check_network(struct gf_local_ctx *ctx, const json_t *td, const char *launch_type,
                         const json_t *netcfg)
{
    const json_t *vpc = json_object_get(netcfg, "awsvpcConfiguration");
    const json_t *subnets = json_object_get(vpc, "subnets");
    const json_t *groups = json_object_get(vpc, "securityGroups");
    const char *pub = json_string_value(json_object_get(vpc, "assignPublicIp"));
    bool awsvpc = streq(str_at(td, "networkMode"), "awsvpc");
    int rc;

    if (streq(launch_type, "FARGATE") &&
        !gf_local_array_has_string(json_object_get(td, "compatibilities"), "FARGATE"))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Task definition does not support launch_type FARGATE.");
    if (awsvpc && !vpc)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Network Configuration must be provided when networkMode 'awsvpc' "
                             "is specified.");
    if (!awsvpc && vpc)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Network Configuration is not valid for the given networkMode of "
                             "this task definition.");
    if (!vpc)
        return 0;
    if (!json_is_array(subnets) || json_array_size(subnets) == 0)
        return gf_local_fail(ctx, 400, E_PARAM, "subnets can not be empty.");
    if (json_array_size(subnets) > 16)
        return gf_local_fail(ctx, 400, E_PARAM, "subnets can have at most 16 items.");
    if (groups && (!json_is_array(groups) || json_array_size(groups) > 5))
        return gf_local_fail(ctx, 400, E_PARAM, "securityGroups can have at most 5 items.");
    if (pub && !streq(pub, "ENABLED") && !streq(pub, "DISABLED"))
        return gf_local_fail(ctx, 400, E_PARAM, "assignPublicIp must be ENABLED or DISABLED.");
    rc = check_ids(ctx, subnets, true);
    if (rc == 0)
        rc = check_ids(ctx, groups, false);
    return rc;
}

/* The container definition called `name`, NULL when none. */
static const json_t *td_container(const json_t *td, const char *name)
{
    const json_t *c;
    size_t i;

    json_array_foreach(json_object_get(td, "containerDefinitions"), i, c)
    {
        if (streq(str_at(c, "name"), name))
            return c;
    }
    return NULL;
}

static bool container_has_port(const json_t *c, int64_t port)
{
    const json_t *pm;
    size_t i;

    json_array_foreach(json_object_get(c, "portMappings"), i, pm)
    {
        if (int_at(pm, "containerPort") == port)
            return true;
    }
    return false;
}

/* Each load balancer names a target group that exists and a container port of the task
 * definition; the target group's own port may differ (its targets are then unhealthy). */
static int check_load_balancers(struct gf_local_ctx *ctx, const json_t *td, const json_t *lbs)
{
    const json_t *lb;
    size_t i;

    if (json_array_size(lbs) > 5)
        return gf_local_fail(ctx, 400, E_PARAM, "loadBalancers can have at most 5 items.");
    json_array_foreach(lbs, i, lb)
    {
        const char *tg = json_string_value(json_object_get(lb, "targetGroupArn"));
        const char *name = json_string_value(json_object_get(lb, "containerName"));
        const json_t *c = name ? td_container(td, name) : NULL;
        int64_t port = int_at(lb, "containerPort"), tg_port = 0;
        int rc;

        if (!tg)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Load balancers must name a targetGroupArn: classic load "
                                 "balancers are not supported with Fargate.");
        if (!name || !json_is_integer(json_object_get(lb, "containerPort")))
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "containerName and containerPort must be specified together.");
        if (!c)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "The container %s does not exist in the task definition.", name);
        if (!container_has_port(c, port))
            return gf_local_fail(
                ctx, 400, E_PARAM,
                "The container %s did not have a container port %" PRId64 " defined.", name, port);
        rc = gf_local_elbv2_target_group(&tg_port, ctx, tg);
        if (rc == GF_ENOTFOUND)
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "The target group with targetGroupArn %s does not exist.", tg);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The ACTIVE task definition a reference names, for a new service or task. */
static int usable_taskdef(json_t **row_out, struct gf_local_ctx *ctx, const char *ref)
{
    int rc = find_taskdef(row_out, ctx, ref, false);

    if (rc == 0 && !*row_out)
        return gf_local_fail(ctx, 400, E_CLIENT, "TaskDefinition not found.");
    if (rc == 0 &&
        !streq(str_at(json_object_get(*row_out, "taskDefinition"), "status"), "ACTIVE")) {
        json_decref(*row_out);
        *row_out = NULL;
        return gf_local_fail(ctx, 400, E_CLIENT, "TaskDefinition is inactive");
    }
    return rc;
}

/* launchType, or FARGATE when a FARGATE capacity provider is asked for; EC2 by default. */
static int get_launch_type(const char **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *cps = NULL;
    int rc;

    rc = gf_local_get_string(out, ctx, input, "launchType", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&cps, ctx, input, "capacityProviderStrategy", NULL);
    if (rc < 0)
        return rc;
    if (*out && !streq(*out, "FARGATE") && !streq(*out, "EC2") && !streq(*out, "EXTERNAL"))
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid launch type '%s'.", *out);
    if (*out && cps)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Specifying both a launch type and capacity provider strategy is "
                             "not supported.");
    if (!*out)
        *out = strncmp(str_at(json_array_get(cps, 0), "capacityProvider"), "FARGATE", 7) == 0
                   ? "FARGATE"
                   : "EC2";
    return 0;
}

/* The stored row of the service `ref` (name or ARN) in `cluster`, NULL when none. */
static int service_row(json_t **row_out, struct gf_local_ctx *ctx, const json_t *cluster,
                       const char *ref)
{
    struct gf_buf key = GF_BUF_INIT;
    int rc;

    gf_buf_printf(&key, "%s/%s", str_at(cluster, "clusterName"), last_part(ref));
    rc = gf_buf_failed(&key) ? gf_error_oom()
                             : gf_local_db_get(row_out, ctx->db, ECS, T_SERVICE, key.ptr, 0);
    gf_buf_release(&key);
    return rc;
}

/* The service document to answer with (tags only when asked for). */
static json_t *service_out(const json_t *row, bool with_tags)
{
    json_t *s = json_deep_copy(row_doc(row));

    if (s && !with_tags)
        json_object_del(s, "tags");
    return s;
}

/* ---- services: operations ----------------------------------------------------------------- */

struct svc_input {
    const char *name, *td_ref, *launch_type, *propagate;
    const json_t *netcfg, *lbs, *deploy, *tags;
    int64_t desired, grace;
    bool desired_given, grace_given, exec;
};

static int read_svc_input(struct svc_input *in, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    memset(in, 0, sizeof(*in));
    rc = gf_local_get_string(&in->name, ctx, input, "serviceName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&in->td_ref, ctx, input, "taskDefinition", NULL);
    if (rc == 0)
        rc = get_launch_type(&in->launch_type, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&in->propagate, ctx, input, "propagateTags", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->netcfg, ctx, input, "networkConfiguration", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&in->lbs, ctx, input, "loadBalancers", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->deploy, ctx, input, "deploymentConfiguration", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&in->tags, ctx, input, "tags", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->desired, &in->desired_given, ctx, input, "desiredCount", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->grace, &in->grace_given, ctx, input,
                              "healthCheckGracePeriodSeconds", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&in->exec, ctx, input, "enableExecuteCommand");
    if (rc == 0)
        rc = check_tags(ctx, in->tags);
    return rc;
}

static int check_svc_input(struct gf_local_ctx *ctx, const struct svc_input *in)
{
    if (!valid_name(in->name))
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Service name can have up to 255 characters: letters (uppercase and "
                             "lowercase), numbers, hyphens and underscores are allowed.");
    if (!in->td_ref)
        return gf_local_fail(ctx, 400, E_PARAM, "TaskDefinition must be specified.");
    if (in->desired < 0)
        return gf_local_fail(ctx, 400, E_PARAM, "desiredCount must be at least 0.");
    if (in->grace_given && json_array_size(in->lbs) == 0)
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Health check grace period is only valid for services configured "
                             "to use load balancers");
    if (in->grace < 0 || in->grace > 2147483647)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid healthCheckGracePeriodSeconds.");
    if (in->propagate && !streq(in->propagate, "TASK_DEFINITION") &&
        !streq(in->propagate, "SERVICE") && !streq(in->propagate, "NONE"))
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid propagateTags '%s'.", in->propagate);
    return 0;
}

/* deploymentConfiguration with AWS's defaults filled in (max 200 %, min 100 %, no breaker). */
static json_t *deploy_config(const json_t *given, const json_t *base)
{
    json_t *d = base
                    ? json_deep_copy(base)
                    : json_pack("{s:{s:b, s:b}, s:i, s:i}", "deploymentCircuitBreaker", "enable", 0,
                                "rollback", 0, "maximumPercent", 200, "minimumHealthyPercent", 100);

    json_t *copy = given ? json_deep_copy(given) : NULL;

    if (d && copy)
        json_object_update(d, copy);
    json_decref(copy);
    return d;
}

static json_t *service_doc(struct gf_local_ctx *ctx, const struct svc_input *in, const char *arn,
                           const json_t *cluster, const char *td_arn)
{
    struct gf_buf by = GF_BUF_INIT;
    json_t *s;

    gf_buf_printf(&by, "arn:aws:iam::%s:user/%s", ctx->account, ctx->access_key_id);
    s = json_pack(
        "{s:s, s:s, s:s, s:o, s:[], s:s, s:I, s:i, s:i, s:s, s:s, s:o, s:[], s:[], "
        "s:o, s:[], s:[], s:s, s:{s:s}, s:o, s:s, s:b, s:s, s:b}",
        "serviceArn", arn, "serviceName", in->name, "clusterArn", str_at(cluster, "clusterArn"),
        "loadBalancers", in->lbs ? json_deep_copy(in->lbs) : json_array(), "serviceRegistries",
        "status", "ACTIVE", "desiredCount", (json_int_t)in->desired, "runningCount", 0,
        "pendingCount", 0, "launchType", in->launch_type, "taskDefinition", td_arn,
        "deploymentConfiguration", deploy_config(in->deploy, NULL), "deployments", "events",
        "createdAt", ts(ctx->now_ms), "placementConstraints", "placementStrategy",
        "schedulingStrategy", "REPLICA", "deploymentController", "type", "ECS", "tags",
        in->tags ? json_deep_copy(in->tags) : json_array(), "createdBy",
        gf_buf_failed(&by) ? "" : by.ptr, "enableECSManagedTags", 0, "propagateTags",
        in->propagate ? in->propagate : "NONE", "enableExecuteCommand", in->exec);
    if (s && streq(in->launch_type, "FARGATE")) {
        set_str(s, "platformVersion", "LATEST");
        set_str(s, "platformFamily", "Linux");
    }
    if (s && in->netcfg)
        json_object_set_new(s, "networkConfiguration", json_deep_copy(in->netcfg));
    if (s && json_array_size(in->lbs) > 0)
        set_int(s, "healthCheckGracePeriodSeconds", in->grace);
    gf_buf_release(&by);
    return s;
}

static int ecs_create_service(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct svc_input in;
    struct gf_buf arn = GF_BUF_INIT, key = GF_BUF_INIT;
    json_t *cluster = NULL, *tdrow = NULL, *old = NULL, *svc = NULL, *row = NULL, *dep = NULL;
    const json_t *td;
    int rc;

    rc = read_svc_input(&in, ctx, input);
    if (rc == 0)
        rc = input_cluster(&cluster, ctx, input, false);
    if (rc == 0)
        rc = check_svc_input(ctx, &in);
    if (rc == 0)
        rc = usable_taskdef(&tdrow, ctx, in.td_ref);
    if (rc < 0)
        goto out;
    td = json_object_get(tdrow, "taskDefinition");
    rc = check_network(ctx, td, in.launch_type, in.netcfg);
    if (rc == 0)
        rc = check_load_balancers(ctx, td, in.lbs);
    if (rc == 0)
        rc = service_row(&old, ctx, cluster, in.name);
    if (rc == 0 && old && !streq(str_at(row_doc(old), "status"), "INACTIVE"))
        rc = gf_local_fail(ctx, 400, E_PARAM, "Creation of service was not idempotent.");
    if (rc < 0)
        goto out;
    gf_buf_printf(&key, "%s/%s", str_at(cluster, "clusterName"), in.name);
    rc = gf_buf_failed(&key) ? gf_error_oom() : make_arn(&arn, ctx, T_SERVICE, key.ptr);
    if (rc < 0)
        goto out;
    svc = service_doc(ctx, &in, arn.ptr, cluster, str_at(td, "taskDefinitionArn"));
    dep = svc ? deployment_new(svc, str_at(td, "taskDefinitionArn"), ctx->now_ms) : NULL;
    row = dep ? json_pack("{s:O, s:{s:s, s:i}}", T_SERVICE, svc, "x", "key", key.ptr,
                          "fails_in_row", 0)
              : NULL;
    if (!row || json_array_append(json_object_get(row_doc(row), "deployments"), dep) < 0) {
        rc = gf_error_oom();
        goto out;
    }
    if (!streq(in.launch_type, "FARGATE"))
        svc_event(row_doc(row), ctx->now_ms,
                  "was unable to place a task because no container instance met all of its "
                  "requirements. Reason: No Container Instances were found in your cluster.");
    rc = save_row(ctx, row);
    if (rc == 0) {
        *out = json_pack("{s:o}", "service", service_out(row, true));
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(cluster);
    json_decref(tdrow);
    json_decref(old);
    json_decref(svc);
    json_decref(dep);
    json_decref(row);
    gf_buf_release(&arn);
    gf_buf_release(&key);
    return rc;
}

/* The service named by input's "service" member in input's cluster, which must be there. */
static int input_service(json_t **row_out, json_t **cluster_out, struct gf_local_ctx *ctx,
                         const json_t *input)
{
    const char *ref = NULL;
    int rc;

    *row_out = NULL;
    rc = gf_local_get_string(&ref, ctx, input, "service", E_PARAM);
    if (rc == 0)
        rc = input_cluster(cluster_out, ctx, input, false);
    if (rc == 0)
        rc = service_row(row_out, ctx, *cluster_out, ref);
    if (rc == 0 && (!*row_out || streq(str_at(row_doc(*row_out), "status"), "INACTIVE")))
        rc = gf_local_fail(ctx, 400, E_NOSERVICE, "Service not found.");
    return rc;
}

/* UpdateService's optional members. */
struct upd_input {
    const char *td_ref;
    const json_t *netcfg, *lbs, *deploy;
    int64_t desired, grace;
    bool desired_given, grace_given, force, exec;
};

static int read_upd_input(struct upd_input *in, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    rc = gf_local_get_string(&in->td_ref, ctx, input, "taskDefinition", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->netcfg, ctx, input, "networkConfiguration", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&in->lbs, ctx, input, "loadBalancers", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->deploy, ctx, input, "deploymentConfiguration", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->desired, &in->desired_given, ctx, input, "desiredCount", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->grace, &in->grace_given, ctx, input,
                              "healthCheckGracePeriodSeconds", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&in->force, ctx, input, "forceNewDeployment");
    if (rc == 0)
        rc = gf_local_get_bool(&in->exec, ctx, input, "enableExecuteCommand");
    if (rc == 0 && in->desired_given && in->desired < 0)
        rc = gf_local_fail(ctx, 400, E_PARAM, "desiredCount must be at least 0.");
    return rc;
}

/* Apply UpdateService's members to the service; *redeploy_out: a new deployment is due. */
static int update_members(bool *redeploy_out, struct gf_local_ctx *ctx, json_t *svc,
                          const json_t *input)
{
    struct upd_input in;
    const json_t *td;
    json_t *tdrow = NULL;
    int rc;

    memset(&in, 0, sizeof(in));
    in.exec = json_is_true(json_object_get(svc, "enableExecuteCommand"));
    rc = read_upd_input(&in, ctx, input);
    if (rc == 0)
        rc = usable_taskdef(&tdrow, ctx, in.td_ref ? in.td_ref : str_at(svc, "taskDefinition"));
    td = json_object_get(tdrow, "taskDefinition");
    if (rc == 0)
        rc = check_network(ctx, td, str_at(svc, "launchType"),
                           in.netcfg ? in.netcfg : json_object_get(svc, "networkConfiguration"));
    if (rc == 0)
        rc = check_load_balancers(ctx, td, in.lbs ? in.lbs : json_object_get(svc, "loadBalancers"));
    if (rc < 0)
        goto out;
    *redeploy_out = in.force || in.netcfg || in.lbs ||
                    !streq(str_at(td, "taskDefinitionArn"), str_at(svc, "taskDefinition"));
    set_str(svc, "taskDefinition", str_at(td, "taskDefinitionArn"));
    if (in.desired_given)
        set_int(svc, "desiredCount", in.desired);
    if (in.grace_given)
        set_int(svc, "healthCheckGracePeriodSeconds", in.grace);
    if (in.netcfg)
        json_object_set_new(svc, "networkConfiguration", json_deep_copy(in.netcfg));
    if (in.lbs)
        json_object_set_new(svc, "loadBalancers", json_deep_copy(in.lbs));
    if (in.deploy)
        json_object_set_new(
            svc, "deploymentConfiguration",
            deploy_config(in.deploy, json_object_get(svc, "deploymentConfiguration")));
    json_object_set_new(svc, "enableExecuteCommand", json_boolean(in.exec));
out:
    json_decref(tdrow);
    return rc;
}

static int ecs_update_service(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *row = NULL, *cluster = NULL, *svc, *deps, *dep;
    bool redeploy = false;
    int rc;

    rc = input_service(&row, &cluster, ctx, input);
    if (rc == 0 && !streq(str_at(row_doc(row), "status"), "ACTIVE"))
        rc = gf_local_fail(ctx, 400, "ServiceNotActiveException", "Service was not ACTIVE.");
    if (rc < 0)
        goto out;
    svc = row_doc(row);
    rc = update_members(&redeploy, ctx, svc, input);
    if (rc < 0)
        goto out;
    deps = json_object_get(svc, "deployments");
    if (redeploy) {
        dep = deployment_new(svc, str_at(svc, "taskDefinition"), ctx->now_ms);
        if (!dep || json_array_insert_new(deps, 0, dep) < 0) {
            rc = gf_error_oom();
            goto out;
        }
        set_str(json_array_get(deps, 1), "status", "ACTIVE");
        json_object_set_new(row_x(row), "steady", json_false());
        set_int(row_x(row), "fails_in_row", 0);
        json_object_del(row_x(row), "next_launch_ms");
    }
    rc = save_row(ctx, row);
    if (rc == 0) {
        *out = json_pack("{s:o}", "service", service_out(row, false));
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(row);
    json_decref(cluster);
    return rc;
}

static int ecs_delete_service(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *row = NULL, *cluster = NULL, *svc;
    bool force = false;
    int rc;

    rc = gf_local_get_bool(&force, ctx, input, "force");
    if (rc == 0)
        rc = input_service(&row, &cluster, ctx, input);
    if (rc < 0)
        goto out;
    svc = row_doc(row);
    if (int_at(svc, "desiredCount") > 0 && !force && streq(str_at(svc, "status"), "ACTIVE")) {
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "The service cannot be stopped while it is scaled above 0.");
        goto out;
    }
    set_int(svc, "desiredCount", 0);
    set_str(svc, "status", "DRAINING");
    rc = save_row(ctx, row);
    if (rc == 0) {
        *out = json_pack("{s:o}", "service", service_out(row, false));
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(row);
    json_decref(cluster);
    return rc;
}

static int describe_service_one(json_t *found, json_t *failures, struct gf_local_ctx *ctx,
                                const json_t *cluster, const char *ref, bool with_tags)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *row = NULL;
    int rc;

    rc = service_row(&row, ctx, cluster, ref);
    if (rc == 0 && row) {
        rc = json_array_append_new(found, service_out(row, with_tags)) < 0 ? gf_error_oom() : 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    if (strncmp(ref, "arn:", 4) == 0)
        gf_buf_puts(&arn, ref);
    else
        gf_buf_printf(&arn, "arn:aws:ecs:%s:%s:service/%s/%s", ctx->region, ctx->account,
                      str_at(cluster, "clusterName"), ref);
    rc = gf_buf_failed(&arn) ? gf_error_oom() : 0;
    if (rc == 0 && json_array_append_new(
                       failures, json_pack("{s:s, s:s}", "arn", arn.ptr, "reason", "MISSING")) < 0)
        rc = gf_error_oom();
out:
    json_decref(row);
    gf_buf_release(&arn);
    return rc;
}

/* DescribeServices and DescribeTasks: up to `max` references, found ones and MISSING ones. */
typedef int describe_one_fn(json_t *found, json_t *failures, struct gf_local_ctx *ctx,
                            const json_t *cluster, const char *ref, bool with_tags);

static int describe_many(json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                         const char *key, size_t max, describe_one_fn *one)
{
    const json_t *refs = NULL, *include = NULL, *v;
    json_t *cluster = NULL, *found = json_array(), *failures = json_array();
    size_t i;
    int rc;

    rc = found && failures ? gf_local_get_array(&refs, ctx, input, key, E_PARAM) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_array(&include, ctx, input, "include", NULL);
    if (rc == 0 && json_array_size(refs) > max)
        rc = gf_local_fail(ctx, 400, E_PARAM, "%s can have at most %zu items.", key, max);
    if (rc == 0)
        rc = input_cluster(&cluster, ctx, input, false);
    json_array_foreach(refs, i, v)
    {
        if (rc < 0)
            break;
        if (!json_is_string(v))
            rc = gf_local_fail(ctx, 400, E_SERIAL, "'%s' must be a list of strings", key);
        else
            rc = one(found, failures, ctx, cluster, json_string_value(v),
                     gf_local_array_has_string(include, "TAGS"));
    }
    if (rc == 0) {
        *out = json_pack("{s:O, s:O}", key, found, "failures", failures);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(cluster);
    json_decref(found);
    json_decref(failures);
    return rc;
}

static int ecs_describe_services(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe_many(out, ctx, input, "services", 10, describe_service_one);
}

static int ecs_list_services(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *launch = NULL;
    json_t *cluster = NULL, *rows = NULL, *arns = json_array();
    const json_t *row;
    size_t i;
    int rc;

    rc = arns ? input_cluster(&cluster, ctx, input, false) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&launch, ctx, input, "launchType", NULL);
    if (rc == 0)
        rc = load_rows(&rows, ctx, T_SERVICE);
    json_array_foreach(rows, i, row)
    {
        const json_t *s = row_doc(row);

        if (rc < 0)
            break;
        if (!streq(str_at(s, "clusterArn"), str_at(cluster, "clusterArn")) ||
            streq(str_at(s, "status"), "INACTIVE") ||
            (launch && !streq(str_at(s, "launchType"), launch)))
            continue;
        if (json_array_append(arns, json_object_get(s, "serviceArn")) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = page_array(out, ctx, input, arns, "serviceArns");
    json_decref(cluster);
    json_decref(rows);
    json_decref(arns);
    return rc;
}

/* ---- tasks: operations -------------------------------------------------------------------- */

/* Each containerOverrides entry must name a container of the task definition. */
static int check_overrides(struct gf_local_ctx *ctx, const json_t *td, const json_t *overrides)
{
    const json_t *o;
    size_t i;

    json_array_foreach(json_object_get(overrides, "containerOverrides"), i, o)
    {
        const char *name = json_string_value(json_object_get(o, "name"));

        if (!name || !td_container(td, name))
            return gf_local_fail(ctx, 400, E_PARAM,
                                 "Override for container named %s is not a container in the "
                                 "TaskDefinition.",
                                 name ? name : "(none)");
    }
    return 0;
}

struct run_input {
    const char *td_ref, *launch_type, *started_by, *group, *propagate;
    const json_t *netcfg, *overrides, *tags;
    int64_t count;
    bool exec;
};

static int read_run_input(struct run_input *in, struct gf_local_ctx *ctx, const json_t *input)
{
    int rc;

    memset(in, 0, sizeof(*in));
    in->count = 1;
    rc = gf_local_get_string(&in->td_ref, ctx, input, "taskDefinition", E_PARAM);
    if (rc == 0)
        rc = get_launch_type(&in->launch_type, ctx, input);
    if (rc == 0)
        rc = gf_local_get_string(&in->started_by, ctx, input, "startedBy", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&in->group, ctx, input, "group", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&in->propagate, ctx, input, "propagateTags", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->netcfg, ctx, input, "networkConfiguration", NULL);
    if (rc == 0)
        rc = gf_local_get_object(&in->overrides, ctx, input, "overrides", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&in->tags, ctx, input, "tags", NULL);
    if (rc == 0)
        rc = gf_local_get_int(&in->count, NULL, ctx, input, "count", NULL);
    if (rc == 0)
        rc = gf_local_get_bool(&in->exec, ctx, input, "enableExecuteCommand");
    if (rc == 0)
        rc = check_tags(ctx, in->tags);
    if (rc == 0 && (in->count < 1 || in->count > 10))
        rc = gf_local_fail(ctx, 400, E_PARAM, "count must be between 1 and 10.");
    if (rc == 0 && in->started_by && strlen(in->started_by) > 36)
        rc = gf_local_fail(ctx, 400, E_PARAM, "startedBy can have up to 36 characters.");
    if (rc == 0 && in->propagate && !streq(in->propagate, "TASK_DEFINITION") &&
        !streq(in->propagate, "NONE"))
        rc = gf_local_fail(ctx, 400, E_PARAM, "Invalid propagateTags '%s'.", in->propagate);
    return rc;
}

/* The tags a RunTask task gets: its own, plus the task definition's with TASK_DEFINITION. */
static json_t *run_tags(const struct run_input *in, const json_t *tdrow)
{
    json_t *tags = in->tags ? json_deep_copy(in->tags) : json_array();

    if (tags && streq(in->propagate, "TASK_DEFINITION") &&
        merge_tags(tags, json_object_get(tdrow, "tags")) < 0) {
        json_decref(tags);
        return NULL;
    }
    return tags;
}

static int ecs_run_task(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct run_input in;
    struct gf_buf group = GF_BUF_INIT;
    json_t *cluster = NULL, *tdrow = NULL, *tags = NULL, *tasks = json_array(), *row = NULL;
    const json_t *td = NULL;
    int64_t i;
    int rc;

    memset(&in, 0, sizeof(in));
    rc = tasks ? read_run_input(&in, ctx, input) : gf_error_oom();
    if (rc == 0)
        rc = input_cluster(&cluster, ctx, input, false);
    if (rc == 0)
        rc = usable_taskdef(&tdrow, ctx, in.td_ref);
    if (rc == 0) {
        td = json_object_get(tdrow, "taskDefinition");
        rc = check_network(ctx, td, in.launch_type, in.netcfg);
    }
    if (rc == 0)
        rc = check_overrides(ctx, td, in.overrides);
    if (rc == 0 && !streq(in.launch_type, "FARGATE"))
        rc = gf_local_fail(ctx, 400, E_PARAM, "No Container Instances were found in your cluster.");
    if (rc < 0)
        goto out;
    gf_buf_printf(&group, "family:%s", str_at(td, "family"));
    tags = run_tags(&in, tdrow);
    rc = tags && !gf_buf_failed(&group) ? 0 : gf_error_oom();
    for (i = 0; rc == 0 && i < in.count; i++) {
        struct task_spec spec = {
            str_at(cluster, "clusterArn"),
            td,
            in.group ? in.group : group.ptr,
            in.started_by,
            in.launch_type,
            json_object_get(in.netcfg, "awsvpcConfiguration"),
            in.overrides,
            tags,
            NULL,
            NULL,
            in.exec,
        };

        rc = task_new(&row, ctx, &spec);
        if (rc == 0)
            rc = save_row(ctx, row);
        if (rc == 0 && json_array_append(tasks, row_doc(row)) < 0)
            rc = gf_error_oom();
        json_decref(row);
        row = NULL;
    }
    if (rc == 0) {
        *out = json_pack("{s:O, s:[]}", "tasks", tasks, "failures");
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(cluster);
    json_decref(tdrow);
    json_decref(tags);
    json_decref(tasks);
    gf_buf_release(&group);
    return rc;
}

/* The stored row of task `ref` (id or ARN) in `cluster`, NULL when none. */
static int task_row(json_t **row_out, struct gf_local_ctx *ctx, const json_t *cluster,
                    const char *ref)
{
    struct gf_buf key = GF_BUF_INIT;
    int rc;

    gf_buf_printf(&key, "%s/%s", str_at(cluster, "clusterName"), last_part(ref));
    rc = gf_buf_failed(&key) ? gf_error_oom()
                             : gf_local_db_get(row_out, ctx->db, ECS, T_TASK, key.ptr, 0);
    gf_buf_release(&key);
    return rc;
}

static int describe_task_one(json_t *found, json_t *failures, struct gf_local_ctx *ctx,
                             const json_t *cluster, const char *ref, bool with_tags)
{
    struct gf_buf arn = GF_BUF_INIT;
    json_t *row = NULL, *task;
    int rc;

    rc = task_row(&row, ctx, cluster, ref);
    if (rc == 0 && row) {
        task = json_deep_copy(row_doc(row));
        rc = task ? gf_local_compose_refresh(ctx, task) : gf_error_oom();
        if (task && !with_tags)
            json_object_del(task, "tags");
        if (rc == 0 && json_array_append(found, task) < 0)
            rc = gf_error_oom();
        json_decref(task);
        goto out;
    }
    if (rc < 0)
        goto out;
    if (strncmp(ref, "arn:", 4) == 0)
        gf_buf_puts(&arn, ref);
    else
        gf_buf_printf(&arn, "arn:aws:ecs:%s:%s:task/%s/%s", ctx->region, ctx->account,
                      str_at(cluster, "clusterName"), ref);
    rc = gf_buf_failed(&arn) ? gf_error_oom() : 0;
    if (rc == 0 && json_array_append_new(
                       failures, json_pack("{s:s, s:s}", "arn", arn.ptr, "reason", "MISSING")) < 0)
        rc = gf_error_oom();
out:
    json_decref(row);
    gf_buf_release(&arn);
    return rc;
}

static int ecs_describe_tasks(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    return describe_many(out, ctx, input, "tasks", MAX_DESCRIBE, describe_task_one);
}

struct task_filter {
    const char *family, *service, *desired, *started_by, *launch;
};

static bool task_matches(const json_t *row, const char *cluster_arn, const struct task_filter *f)
{
    const json_t *t = row_doc(row);
    const char *family = gf_local_ref_name(str_at(t, "taskDefinitionArn"), ":task-definition/");
    size_t n = f->family ? strlen(f->family) : 0;

    if (!streq(str_at(t, "clusterArn"), cluster_arn))
        return false;
    if (f->family && (strncmp(family, f->family, n) != 0 || family[n] != ':'))
        return false;
    if (f->service && !streq(str_at(t, "group"), f->service))
        return false;
    if (f->started_by && !streq(str_at(t, "startedBy"), f->started_by))
        return false;
    if (f->launch && !streq(str_at(t, "launchType"), f->launch))
        return false;
    return streq(str_at(t, "desiredStatus"), f->desired);
}

static int ecs_list_tasks(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct task_filter f = {NULL, NULL, NULL, NULL, NULL};
    const char *service = NULL;
    struct gf_buf group = GF_BUF_INIT;
    json_t *cluster = NULL, *svc = NULL, *rows = NULL, *arns = json_array();
    const json_t *row;
    size_t i;
    int rc;

    rc = arns ? input_cluster(&cluster, ctx, input, false) : gf_error_oom();
    if (rc == 0)
        rc = gf_local_get_string(&f.family, ctx, input, "family", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&service, ctx, input, "serviceName", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&f.desired, ctx, input, "desiredStatus", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&f.started_by, ctx, input, "startedBy", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&f.launch, ctx, input, "launchType", NULL);
    if (rc == 0 && f.desired && !streq(f.desired, "RUNNING") && !streq(f.desired, "PENDING") &&
        !streq(f.desired, "STOPPED"))
        rc = gf_local_fail(ctx, 400, E_PARAM, "Invalid desiredStatus '%s'.", f.desired);
    if (rc == 0 && service) {
        rc = service_row(&svc, ctx, cluster, service);
        if (rc == 0 && !svc)
            rc = gf_local_fail(ctx, 400, E_NOSERVICE, "Service not found.");
        gf_buf_printf(&group, "service:%s", last_part(service));
        f.service = group.ptr;
        if (rc == 0 && gf_buf_failed(&group))
            rc = gf_error_oom();
    }
    if (!f.desired)
        f.desired = "RUNNING";
    if (rc == 0)
        rc = load_rows(&rows, ctx, T_TASK);
    json_array_foreach(rows, i, row)
    {
        if (rc == 0 && task_matches(row, str_at(cluster, "clusterArn"), &f) &&
            json_array_append(arns, json_object_get(row_doc(row), "taskArn")) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        rc = page_array(out, ctx, input, arns, "taskArns");
    json_decref(cluster);
    json_decref(svc);
    json_decref(rows);
    json_decref(arns);
    gf_buf_release(&group);
    return rc;
}

static int ecs_stop_task(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *ref = NULL, *reason = NULL;
    json_t *cluster = NULL, *row = NULL;
    int rc;

    rc = gf_local_get_string(&ref, ctx, input, "task", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&reason, ctx, input, "reason", NULL);
    if (rc == 0)
        rc = input_cluster(&cluster, ctx, input, false);
    if (rc == 0)
        rc = task_row(&row, ctx, cluster, ref);
    if (rc == 0 && !row)
        rc = gf_local_fail(ctx, 400, E_PARAM, "The referenced task was not found.");
    if (rc < 0)
        goto out;
    if (!streq(str_at(row_doc(row), "lastStatus"), "STOPPED"))
        task_request_stop(row, ctx->now_ms, "UserInitiated",
                          reason ? reason : "Task stopped by user");
    rc = save_row(ctx, row);
    if (rc == 0) {
        *out = json_pack("{s:O}", "task", row_doc(row));
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(cluster);
    json_decref(row);
    return rc;
}

/* ---- tags --------------------------------------------------------------------------------- */

/* A taggable resource: its stored row and where its tags live in it. */
struct tagged {
    const char *type;
    json_t *row;  /* owned */
    json_t *tags; /* borrowed from row */
};

static int tagged_find(struct tagged *t, struct gf_local_ctx *ctx, const char *arn)
{
    static const char *const s_types[] = {T_CLUSTER, T_SERVICE, T_TASKDEF, T_TASK};
    const char *res = NULL, *p = arn;
    char name[512];
    size_t i;
    int colons = 0, rc = 0;

    memset(t, 0, sizeof(*t));
    for (; *p && colons < 5; p++)
        colons += *p == ':';
    if (strncmp(arn, "arn:aws:ecs:", 12) != 0 || colons < 5)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid ARN: %s", arn);
    for (i = 0; i < sizeof(s_types) / sizeof(s_types[0]) && !res; i++) {
        size_t n = strlen(s_types[i]);

        if (strncmp(p, s_types[i], n) == 0 && p[n] == '/') {
            t->type = s_types[i];
            res = p + n + 1;
        }
    }
    if (!res)
        return gf_local_fail(ctx, 400, E_PARAM, "Unsupported resource type in ARN: %s", arn);
    snprintf(name, sizeof(name), "%s", res);
    if (streq(t->type, T_CLUSTER)) {
        rc = gf_local_db_get(&t->row, ctx->db, ECS, T_CLUSTER, name, 0);
        t->tags = json_object_get(t->row, "tags");
        if (rc == 0 && !t->row)
            return gf_local_fail(ctx, 400, E_NOCLUSTER, "Cluster not found.");
    } else if (streq(t->type, T_TASKDEF)) {
        rc = taskdef_by_arn(&t->row, ctx, arn);
        t->tags = json_object_get(t->row, "tags");
    } else {
        rc = gf_local_db_get(&t->row, ctx->db, ECS, t->type, name, 0);
        t->tags = json_object_get(row_doc(t->row), "tags");
    }
    if (rc == 0 && t->row && !json_is_array(t->tags)) {
        json_t *holder =
            streq(t->type, T_TASKDEF) || streq(t->type, T_CLUSTER) ? t->row : row_doc(t->row);

        t->tags = json_array();
        json_object_set_new(holder, "tags", t->tags);
    }
    return rc;
}

static int tagged_save(struct gf_local_ctx *ctx, struct tagged *t)
{
    const json_t *td = json_object_get(t->row, "taskDefinition");

    if (streq(t->type, T_CLUSTER))
        return gf_local_db_put(
            ctx->db, &(struct gf_local_res){ECS, T_CLUSTER, str_at(t->row, "clusterName"), 0,
                                            str_at(t->row, "clusterArn"), "ACTIVE", t->row});
    if (streq(t->type, T_TASKDEF))
        return gf_local_db_put(ctx->db, &(struct gf_local_res){ECS, T_TASKDEF, str_at(td, "family"),
                                                               int_at(td, "revision"),
                                                               str_at(td, "taskDefinitionArn"),
                                                               str_at(td, "status"), t->row});
    return save_row(ctx, t->row);
}

/* The resource an input's resourceArn names; `missing_code` when it does not exist. */
static int input_tagged(struct tagged *t, struct gf_local_ctx *ctx, const json_t *input,
                        const char *missing_code)
{
    const char *arn = NULL;
    int rc;

    rc = gf_local_get_string(&arn, ctx, input, "resourceArn", E_PARAM);
    if (rc == 0)
        rc = tagged_find(t, ctx, arn);
    if (rc == 0 && !t->row)
        rc = gf_local_fail(ctx, 400, missing_code, "The specified resource is not found.");
    return rc;
}

static int ecs_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct tagged t = {NULL, NULL, NULL};
    const json_t *tags = NULL;
    int rc;

    rc = gf_local_get_array(&tags, ctx, input, "tags", E_PARAM);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = input_tagged(&t, ctx, input, "ResourceNotFoundException");
    if (rc == 0)
        rc = merge_tags(t.tags, tags);
    if (rc == 0 && json_array_size(t.tags) > 50)
        rc = gf_local_fail(ctx, 400, E_PARAM, "The number of tags exceeds the limit of 50.");
    if (rc == 0)
        rc = tagged_save(ctx, &t);
    if (rc == 0)
        *out = json_object();
    json_decref(t.row);
    return rc == 0 && !*out ? gf_error_oom() : rc;
}

static int ecs_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct tagged t = {NULL, NULL, NULL};
    const json_t *keys = NULL, *tag;
    size_t i;
    int rc;

    rc = gf_local_get_array(&keys, ctx, input, "tagKeys", E_PARAM);
    if (rc == 0)
        rc = input_tagged(&t, ctx, input, "ResourceNotFoundException");
    if (rc < 0)
        goto out;
    for (i = json_array_size(t.tags); i-- > 0;) {
        tag = json_array_get(t.tags, i);
        if (gf_local_array_has_string(keys, str_at(tag, "key")))
            json_array_remove(t.tags, i);
    }
    rc = tagged_save(ctx, &t);
    if (rc == 0) {
        *out = json_object();
        rc = *out ? 0 : gf_error_oom();
    }
out:
    json_decref(t.row);
    return rc;
}

static int ecs_list_tags_for_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct tagged t = {NULL, NULL, NULL};
    int rc;

    rc = input_tagged(&t, ctx, input, E_PARAM);
    if (rc == 0) {
        *out = json_pack("{s:O}", "tags", t.tags);
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(t.row);
    return rc;
}

/* ---- the operation table: every handler first brings tasks and services up to now ------- */

/* LAZY: advance, then handle. LAZY_WRITE: also advance after, so a change (a new service, a
 * stop) is acted on at once by the scheduler. */
#define LAZY(fn)                                                                                   \
    static int fn##_lazy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)              \
    {                                                                                              \
        int rc = advance(ctx);                                                                     \
        return rc < 0 ? rc : fn(out, ctx, input);                                                  \
    }
#define LAZY_WRITE(fn)                                                                             \
    static int fn##_lazy(json_t **out, struct gf_local_ctx *ctx, const json_t *input)              \
    {                                                                                              \
        int rc = advance(ctx);                                                                     \
        if (rc == 0)                                                                               \
            rc = fn(out, ctx, input);                                                              \
        if (rc == 0)                                                                               \
            rc = advance(ctx);                                                                     \
        if (rc < 0 && *out) {                                                                      \
            json_decref(*out);                                                                     \
            *out = NULL;                                                                           \
        }                                                                                          \
        return rc;                                                                                 \
    }

LAZY(ecs_create_cluster)
LAZY(ecs_describe_clusters)
LAZY(ecs_list_clusters)
LAZY(ecs_delete_cluster)
LAZY_WRITE(ecs_create_service)
LAZY_WRITE(ecs_update_service)
LAZY_WRITE(ecs_delete_service)
LAZY(ecs_describe_services)
LAZY(ecs_list_services)
LAZY_WRITE(ecs_run_task)
LAZY(ecs_describe_tasks)
LAZY(ecs_list_tasks)
LAZY_WRITE(ecs_stop_task)
LAZY(ecs_tag_resource)
LAZY(ecs_untag_resource)
LAZY(ecs_list_tags_for_resource)

static const struct gf_local_op s_ecs_ops[] = {
    {"CreateCluster", ecs_create_cluster_lazy},
    {"DescribeClusters", ecs_describe_clusters_lazy},
    {"ListClusters", ecs_list_clusters_lazy},
    {"DeleteCluster", ecs_delete_cluster_lazy},
    {"RegisterTaskDefinition", ecs_register_task_definition},
    {"DescribeTaskDefinition", ecs_describe_task_definition},
    {"DeregisterTaskDefinition", ecs_deregister_task_definition},
    {"ListTaskDefinitions", ecs_list_task_definitions},
    {"ListTaskDefinitionFamilies", ecs_list_task_definition_families},
    {"CreateService", ecs_create_service_lazy},
    {"UpdateService", ecs_update_service_lazy},
    {"DeleteService", ecs_delete_service_lazy},
    {"DescribeServices", ecs_describe_services_lazy},
    {"ListServices", ecs_list_services_lazy},
    {"RunTask", ecs_run_task_lazy},
    {"DescribeTasks", ecs_describe_tasks_lazy},
    {"ListTasks", ecs_list_tasks_lazy},
    {"StopTask", ecs_stop_task_lazy},
    {"TagResource", ecs_tag_resource_lazy},
    {"UntagResource", ecs_untag_resource_lazy},
    {"ListTagsForResource", ecs_list_tags_for_resource_lazy},
    {NULL, NULL},
};

const struct gf_local_service gf_local_ecs = {&gf_aws_ecs, s_ecs_ops};
