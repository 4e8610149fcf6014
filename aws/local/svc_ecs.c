/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecs.c: local-aws's ECS (json 1.1, reference/aws-protocols.md §7.3, §10): clusters and task
 * definitions with revisions, member names, required fields and error codes from botocore's
 * ecs/2014-11-13 model. Documents are stored as the API returns them (db.c). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <jansson.h>
#include <stdio.h>
#include <errno.h>
#include <inttypes.h>
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
#define MAX_DESCRIBE 100
#define MAX_PAGE     100
#define TOKEN_PREFIX "gfl1-"
#define E_CLIENT     "ClientException"
#define E_PARAM      "InvalidParameterException"
#define E_SERIAL     "SerializationException"
#define E_NOCLUSTER  "ClusterNotFoundException"

/* ---- input helpers ------------------------------------------------------------------------ */

/* A string member: *out borrowed from input, NULL when absent; a non-string is a
 * SerializationException as AWS's JSON front end answers; a missing required one `code`. */
static int get_string(const char **out, struct gf_local_ctx *ctx, const json_t *input,
                      const char *key, const char *missing_code)
{
    const json_t *v = json_object_get(input, key);

    *out = NULL;
    if (v && !json_is_null(v) && !json_is_string(v))
        return gf_local_fail(ctx, 400, E_SERIAL, "'%s' must be a string", key);
    if (json_is_string(v))
        *out = json_string_value(v);
    if (!*out && missing_code)
        return gf_local_fail(ctx, 400, missing_code, "'%s' is required", key);
    return 0;
}

static int get_array(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                     const char *key)
{
    const json_t *v = json_object_get(input, key);

    *out = NULL;
    if (v && !json_is_null(v) && !json_is_array(v))
        return gf_local_fail(ctx, 400, E_SERIAL, "'%s' must be a list", key);
    *out = json_is_array(v) ? v : NULL;
    return 0;
}

static bool array_has_string(const json_t *a, const char *s)
{
    size_t i;
    const json_t *v;

    json_array_foreach(a, i, v) if (json_is_string(v) &&
                                    strcmp(json_string_value(v), s) == 0) return true;
    return false;
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

/* maxResults (1..100, default 100) and nextToken (ours: "gfl1-<offset>"). */
static int get_page(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                    const json_t *input)
{
    const json_t *max = json_object_get(input, "maxResults");
    const char *token = NULL;
    int rc;

    *limit_out = MAX_PAGE;
    *offset_out = 0;
    if (max && !json_is_null(max)) {
        if (!json_is_integer(max))
            return gf_local_fail(ctx, 400, E_SERIAL, "'maxResults' must be an integer");
        *limit_out = json_integer_value(max);
        if (*limit_out < 1 || *limit_out > MAX_PAGE)
            return gf_local_fail(ctx, 400, E_PARAM, "maxResults must be between 1 and %d",
                                 MAX_PAGE);
    }
    rc = get_string(&token, ctx, input, "nextToken", NULL);
    if (rc < 0 || !token || !*token)
        return rc;
    if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 ||
        gf_slice_to_i64(offset_out, gf_slice_from(token + strlen(TOKEN_PREFIX)), 0, INT32_MAX) < 0)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid token %s", token);
    return 0;
}

static int set_page_token(json_t *out, bool more, int64_t offset, size_t n)
{
    char token[48];

    if (!more)
        return 0;
    snprintf(token, sizeof(token), TOKEN_PREFIX "%" PRId64, offset + (int64_t)n);
    return json_object_set_new(out, "nextToken", json_string(token)) < 0 ? gf_error_oom() : 0;
}

/* "arn:aws:ecs:REGION:ACCOUNT:TYPE/NAME" (owned by out). */
static int make_arn(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *type,
                    const char *name)
{
    gf_buf_printf(out, "arn:aws:ecs:%s:%s:%s/%s", ctx->region, ctx->account, type, name);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* The name in a name-or-ARN reference ("web" or "arn:aws:ecs:r:a:cluster/web"). */
static const char *ref_name(const char *ref, const char *type)
{
    char marker[64];
    const char *at;

    if (strncmp(ref, "arn:", 4) != 0)
        return ref;
    snprintf(marker, sizeof(marker), ":%s/", type);
    at = strstr(ref, marker);
    return at ? at + strlen(marker) : ref;
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

static int ecs_create_cluster(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_buf arn = GF_BUF_INIT;
    const char *name = NULL;
    const json_t *tags = NULL, *settings = NULL;
    json_t *doc = NULL;
    int rc;

    rc = get_string(&name, ctx, input, "clusterName", NULL);
    if (rc == 0)
        rc = get_array(&tags, ctx, input, "tags");
    if (rc == 0)
        rc = get_array(&settings, ctx, input, "settings");
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

    rc = gf_local_db_get(&doc, ctx->db, ECS, T_CLUSTER, ref_name(ref, T_CLUSTER), 0);
    if (rc < 0)
        goto out;
    if (doc) {
        if (!with_tags)
            json_object_del(doc, "tags");
        rc = json_array_append(clusters, doc) < 0 ? gf_error_oom() : 0;
        goto out;
    }
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

    rc = get_array(&refs, ctx, input, "clusters");
    if (rc == 0)
        rc = get_array(&include, ctx, input, "include");
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
                              include && array_has_string(include, "TAGS"));
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

    rc = get_page(&q->limit, &q->offset, ctx, input);
    if (rc == 0)
        rc = gf_local_db_list(&docs, &more, ctx->db, q);
    if (rc == 0)
        rc = arns_of(&arns, docs, wrapper, arn_key);
    if (rc == 0) {
        o = json_pack("{s:O}", result_key, arns);
        rc = o ? set_page_token(o, more, q->offset, json_array_size(arns)) : gf_error_oom();
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
    const char *ref = NULL, *name;
    json_t *doc = NULL;
    bool deleted = false;
    int rc;

    rc = get_string(&ref, ctx, input, "cluster", E_PARAM);
    if (rc < 0)
        return rc;
    name = ref_name(ref, T_CLUSTER);
    rc = gf_local_db_get(&doc, ctx->db, ECS, T_CLUSTER, name, 0);
    if (rc == 0 && !doc)
        rc = gf_local_fail(ctx, 400, E_NOCLUSTER, "Cluster not found.");
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, ECS, T_CLUSTER, name, 0);
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
    *fargate_out = array_has_string(req, "FARGATE");
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

    rc = get_string(&family, ctx, input, "family", E_CLIENT);
    if (rc == 0)
        rc = get_array(&tags, ctx, input, "tags");
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
    const char *name = ref_name(ref, T_TASKDEF);
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

    rc = get_string(&ref, ctx, input, "taskDefinition", E_CLIENT);
    if (rc == 0)
        rc = get_array(&include, ctx, input, "include");
    if (rc == 0)
        rc = find_taskdef(&row, ctx, ref, false);
    if (rc == 0 && !row)
        rc = gf_local_fail(ctx, 400, E_CLIENT, "Unable to describe task definition.");
    if (rc < 0)
        goto out;
    if (!include || !array_has_string(include, "TAGS"))
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

    rc = get_string(&ref, ctx, input, "taskDefinition", E_CLIENT);
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

    rc = get_string(&q.name, ctx, input, "familyPrefix", NULL);
    if (rc == 0)
        rc = get_string(&q.status, ctx, input, "status", NULL);
    if (rc == 0)
        rc = get_string(&sort, ctx, input, "sort", NULL);
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

static const struct gf_local_op s_ecs_ops[] = {
    {"CreateCluster", ecs_create_cluster},
    {"DescribeClusters", ecs_describe_clusters},
    {"ListClusters", ecs_list_clusters},
    {"DeleteCluster", ecs_delete_cluster},
    {"RegisterTaskDefinition", ecs_register_task_definition},
    {"DescribeTaskDefinition", ecs_describe_task_definition},
    {"DeregisterTaskDefinition", ecs_deregister_task_definition},
    {"ListTaskDefinitions", ecs_list_task_definitions},
    {NULL, NULL},
};

const struct gf_local_service gf_local_ecs = {&gf_aws_ecs, s_ecs_ops};
