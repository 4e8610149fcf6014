/* SPDX-License-Identifier: Apache-2.0 */
/* schema.c: every key of an App::FargateStack stack file as one table row (state/schema.h):
 * name, type, where it lives in the model, flags and a one-line doc. The rows follow
 * reference/fargatestack-behaviour.md §2-§2.6, in that order, which is also emit order. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/schema.h"
#include "state/stack.h"

#include "common/banned.h"

#define NO    GF_SCHEMA_NO_OFF
#define REQ   GF_SCHEMA_REQUIRED
#define STATE GF_SCHEMA_STATE

#define LEAF(k, t, T, f, fl, d)                                                                    \
    {                                                                                              \
        .key = (k), .type = (t), .flags = (fl), .off = offsetof(T, f), .pos_off = NO,              \
        .aux_off = NO, .doc = (d)                                                                  \
    }
#define STR(k, T, f, fl, d)  LEAF(k, GF_SCHEMA_STRING, T, f, fl, d)
#define INT(k, T, f, fl, d)  LEAF(k, GF_SCHEMA_INT, T, f, fl, d)
#define BOOL(k, T, f, fl, d) LEAF(k, GF_SCHEMA_BOOL, T, f, fl, d)
#define LIST(k, T, f, fl, d) LEAF(k, GF_SCHEMA_STRLIST, T, f, fl, d)
#define SMAP(k, T, f, fl, d) LEAF(k, GF_SCHEMA_STRMAP, T, f, fl, d)
/* A nested map whose fields sit directly in T (no struct of its own). */
#define FLAT(k, T, posf, kids, d)                                                                  \
    {                                                                                              \
        .key = (k), .type = GF_SCHEMA_MAP, .off = 0, .pos_off = offsetof(T, posf), .aux_off = NO,  \
        .children = (kids), .doc = (d)                                                             \
    }
/* NOLINTBEGIN(bugprone-macro-parentheses): offsetof takes a type and a member designator. */
/* A nested map held in its own struct member f (with .pos and .present). */
#define SUB(k, T, f, kids, d)                                                                      \
    {                                                                                              \
        .key = (k), .type = GF_SCHEMA_MAP, .off = offsetof(T, f), .pos_off = offsetof(T, f.pos),   \
        .aux_off = offsetof(T, f.present), .children = (kids), .doc = (d)                          \
    }
#define LEGACY(k, d)                                                                               \
    {                                                                                              \
        .key = (k), .type = GF_SCHEMA_ANY, .flags = GF_SCHEMA_LEGACY, .off = NO, .pos_off = NO,    \
        .aux_off = NO, .doc = (d)                                                                  \
    }
#define END                                                                                        \
    {                                                                                              \
        .key = NULL                                                                                \
    }
/* NOLINTEND(bugprone-macro-parentheses) */

/* §2: app */
static const struct gf_schema_row s_app[] = {
    STR("name", struct gf_stack, app_name, REQ,
        "application name; every default resource name is derived from it"),
    STR("version", struct gf_stack, app_version, 0, "application version, shown in the plan"),
    END,
};

static const struct gf_schema_row s_subnets[] = {
    LIST("public", struct gf_stack, subnets_public, 0, "public subnet ids (discovered if absent)"),
    LIST("private", struct gf_stack, subnets_private, 0,
         "private subnet ids (discovered if absent)"),
    LIST("isolated", struct gf_stack, subnets_isolated, 0,
         "isolated subnet ids (no route out; written when discovery finds some)"),
    END,
};

static const struct gf_schema_row s_route53[] = {
    STR("zone_id", struct gf_stack, route53_zone_id, 0,
        "Route 53 hosted zone id, without /hostedzone/ (discovered from domain if absent)"),
    STR("profile", struct gf_stack, route53_profile, 0,
        "AWS profile used for Route 53 calls (the zone may live in another account)"),
    END,
};

static const struct gf_schema_row s_cluster[] = {
    STR("name", struct gf_stack, cluster_name, 0, "ECS cluster name; default <app>-cluster"),
    STR("arn", struct gf_stack, cluster_arn, STATE, "ECS cluster ARN"),
    END,
};

static const struct gf_schema_row s_role[] = {
    STR("name", struct gf_role, name, 0, "IAM role name; default derived from the app name"),
    STR("arn", struct gf_role, arn, STATE, "IAM role ARN"),
    STR("policy_name", struct gf_role, policy_name, 0, "name of the role's inline policy"),
    END,
};

static const struct gf_schema_row s_log_group[] = {
    STR("name", struct gf_stack, log_group_name, 0,
        "CloudWatch log group; default /ecs/app-fargatestack/<app>"),
    STR("arn", struct gf_stack, log_group_arn, STATE, "log group ARN"),
    INT("retention_days", struct gf_stack, log_group_retention_days, 0,
        "days to keep logs (1, 3, 5, 7, 14, 30, ... 3653); default 14"),
    END,
};

static const struct gf_schema_row s_sg[] = {
    STR("group_id", struct gf_sg, group_id, STATE, "security group id (sg-...)"),
    STR("group_name", struct gf_sg, group_name, 0, "security group name"),
    STR("name", struct gf_sg, name, 0,
        "security group name, as written for an ALB group gitfargate made or found"),
    END,
};

static const struct gf_schema_row s_security_groups[] = {
    SUB("fargate", struct gf_stack, sg_fargate, s_sg, "security group of the tasks"),
    SUB("alb", struct gf_stack, sg_alb, s_sg, "security group of the load balancer"),
    END,
};

/* §2.1 */
static const struct gf_schema_row s_waf[] = {
    BOOL("enabled", struct gf_waf, enabled, 0, "protect the load balancer with a WAF web ACL"),
    LIST("managed_rules", struct gf_waf, managed_rules, 0,
         "AWS managed rule keywords or bundles; default [default]"),
    STR("name", struct gf_waf, name, 0, "web ACL name; default <app>-acl"),
    STR("id", struct gf_waf, id, STATE, "web ACL id"),
    STR("arn", struct gf_waf, arn, STATE, "web ACL ARN"),
    STR("lock_token", struct gf_waf, lock_token, STATE, "web ACL lock token of the last update"),
    STR("md5", struct gf_waf, md5, STATE, "digest of the web ACL rules last applied"),
    END,
};

static const struct gf_schema_row s_alb[] = {
    STR("type", struct gf_alb, type, 0,
        "public or private; default public for an https task, else private"),
    INT("port", struct gf_alb, port, 0, "listener port; default 443 for https, 80 for http"),
    BOOL("redirect_80", struct gf_alb, redirect_80, 0,
         "https: add a port 80 listener redirecting to HTTPS (default on)"),
    STR("arn", struct gf_alb, arn, 0, "an existing load balancer to use; filled when created"),
    STR("name", struct gf_alb, name, 0, "load balancer name; default <app>-alb"),
    BOOL("create", struct gf_alb, create, 0, "true: always create a new load balancer"),
    SUB("waf", struct gf_alb, waf, s_waf, "web application firewall"),
    END,
};

/* §2.3 */
static const struct gf_schema_row s_permissions[] = {
    STR("profile", struct gf_queue, permissions_profile, 0,
        "consumer (default), producer, admin or none"),
    LIST("include", struct gf_queue, permissions_include, 0, "SQS actions added to the profile"),
    LIST("exclude", struct gf_queue, permissions_exclude, 0,
         "SQS actions removed from the profile"),
    END,
};

static const struct gf_schema_row s_queue[] = {
    STR("name", struct gf_queue, name, 0, "queue name; required when the block is present"),
    {.key = "max_receive_count",
     .type = GF_SCHEMA_INT,
     .flags = GF_SCHEMA_PRESENCE,
     .off = offsetof(struct gf_queue, max_receive_count),
     .pos_off = NO,
     .aux_off = offsetof(struct gf_queue, max_receive_count_present),
     .doc = "receives before a message moves to the DLQ; its presence (even empty) asks for a "
            "DLQ; default 5"},
    INT("visibility_timeout", struct gf_queue, visibility_timeout, 0, "seconds; default 30"),
    INT("message_retention_period", struct gf_queue, message_retention_period, 0,
        "seconds; default 345600"),
    INT("receive_message_wait_time_seconds", struct gf_queue, receive_message_wait_time_seconds, 0,
        "long-poll seconds; default 0"),
    INT("delay_seconds", struct gf_queue, delay_seconds, 0, "seconds; default 0"),
    INT("maximum_message_size", struct gf_queue, maximum_message_size, 0, "bytes; default 262144"),
    STR("url", struct gf_queue, url, STATE, "queue URL"),
    STR("arn", struct gf_queue, arn, STATE, "queue ARN"),
    FLAT("permissions", struct gf_queue, permissions_pos, s_permissions,
         "what the task role may do with the queue"),
    END,
};

/* §2.4 */
static const struct gf_schema_row s_bucket[] = {
    STR("name", struct gf_stack, bucket_name, 0,
        "S3 bucket to create if missing and grant access to"),
    BOOL("readonly", struct gf_stack, bucket_readonly, 0, "true: read-only grants"),
    LIST("paths", struct gf_stack, bucket_paths, 0, "key prefixes or patterns the grant covers"),
    STR("policy", struct gf_stack, bucket_policy, 0,
        "bucket policy (file or JSON text) to attach if the bucket has none"),
    STR("arn", struct gf_stack, bucket_arn, STATE, "bucket ARN"),
    END,
};

/* §2.5 */
static const struct gf_schema_row s_efs[] = {
    STR("id", struct gf_efs, id, REQ, "EFS file system id (fs-...)"),
    STR("path", struct gf_efs, path, 0, "root directory on the file system; default /"),
    STR("mount_point", struct gf_efs, mount_point, 0, "path in the container; default /mnt"),
    BOOL("readonly", struct gf_efs, readonly, 0, "true: mount read-only"),
    STR("arn", struct gf_efs, arn, STATE, "file system ARN"),
    BOOL("authorize_ingress", struct gf_efs, authorize_ingress, 0,
         "true: allow NFS from the task security group to the mount targets"),
    LIST("security_groups", struct gf_efs, security_groups, STATE,
         "security groups of the file system's mount targets"),
    END,
};

static const struct gf_schema_row s_health_check[] = {
    BOOL("enabled", struct gf_health_check, enabled, 0, "target group health checks; default true"),
    INT("port", struct gf_health_check, port, 0, "port checked; default the container port"),
    STR("path", struct gf_health_check, path, 0, "HTTP path checked; default /"),
    INT("interval_seconds", struct gf_health_check, interval_seconds, 0, "default 30"),
    INT("timeout_seconds", struct gf_health_check, timeout_seconds, 0, "default 5"),
    INT("healthy_threshold_count", struct gf_health_check, healthy_threshold_count, 0, "default 5"),
    INT("unhealthy_threshold_count", struct gf_health_check, unhealthy_threshold_count, 0,
        "default 2"),
    STR("matcher", struct gf_health_check, matcher, 0, "HTTP codes meaning healthy; default 200"),
    END,
};

/* §2.6 */
static const struct gf_schema_row s_scheduled_action[] = {
    STR("start_time", struct gf_scheduled_action, start_time, 0,
        "start time as MM:HH (minute first), UTC"),
    STR("end_time", struct gf_scheduled_action, end_time, 0, "end time as MM:HH (minute first)"),
    STR("days", struct gf_scheduled_action, days, 0, "MON-FRI, 1-7 or a single day"),
    STR("min_capacity", struct gf_scheduled_action, min_capacity, 0,
        "minimum tasks as an out/in pair (\"2/1\")"),
    STR("max_capacity", struct gf_scheduled_action, max_capacity, 0,
        "maximum tasks as an out/in pair (\"4/2\")"),
    END,
};

static const struct gf_schema_row s_autoscaling[] = {
    INT("cpu", struct gf_autoscaling, cpu, 0, "target average CPU %; excludes requests"),
    INT("requests", struct gf_autoscaling, requests, 0,
        "target ALB requests per task; excludes cpu"),
    INT("min_capacity", struct gf_autoscaling, min_capacity, 0, "default 1"),
    INT("max_capacity", struct gf_autoscaling, max_capacity, 0, "default 2"),
    INT("scale_out_cooldown", struct gf_autoscaling, scale_out_cooldown, 0, "seconds; default 60"),
    INT("scale_in_cooldown", struct gf_autoscaling, scale_in_cooldown, 0, "seconds; default 300"),
    STR("policy_name", struct gf_autoscaling, policy_name, STATE, "scaling policy name"),
    STR("policy_arn", struct gf_autoscaling, policy_arn, STATE, "scaling policy ARN"),
    {.key = "scheduled",
     .type = GF_SCHEMA_SCHEDULED,
     .off = offsetof(struct gf_autoscaling, scheduled),
     .pos_off = offsetof(struct gf_autoscaling, scheduled_pos),
     .aux_off = offsetof(struct gf_autoscaling, n_scheduled),
     .elem_size = sizeof(struct gf_scheduled_action),
     .elem_key_off = offsetof(struct gf_scheduled_action, name),
     .elem_pos_off = offsetof(struct gf_scheduled_action, pos),
     .children = s_scheduled_action,
     .doc = "scheduled capacity changes, by action name"},
    END,
};

/* §2.2 */
static const struct gf_schema_row s_task[] = {
    {.key = "type",
     .type = GF_SCHEMA_TASK_TYPE,
     .off = offsetof(struct gf_task, type_text),
     .pos_off = NO,
     .aux_off = offsetof(struct gf_task, type),
     .doc = "task (one-shot or scheduled), daemon, http (internal ALB) or https (public ALB)"},
    STR("image", struct gf_task, image, REQ,
        "image: repo[:tag] in this account's ECR, or a full "
        "reference with a /"),
    STR("command", struct gf_task, command, 0, "container command, one string (not split)"),
    SMAP("environment", struct gf_task, environment, 0, "environment variables, NAME: value"),
    {.key = "secrets",
     .type = GF_SCHEMA_SECRETS,
     .off = offsetof(struct gf_task, secrets),
     .pos_off = NO,
     .aux_off = offsetof(struct gf_task, secrets_map),
     .doc = "Secrets Manager secrets as a list of \"<name>:<ENV>\" (or a map \"<name>:<ENV>\": "
            "ARN)"},
    STR("schedule", struct gf_task, schedule, 0,
        "EventBridge schedule, cron(...) or rate(...); type task only"),
    STR("size", struct gf_task, size, 0, "tiny, small, medium, large, xlarge or 2xlarge"),
    INT("cpu", struct gf_task, cpu, 0, "task CPU units; default from size"),
    INT("memory", struct gf_task, memory, 0, "task memory in MiB; default from size"),
    STR("name", struct gf_task, name, 0, "container name; default the task name"),
    STR("family", struct gf_task, family, 0, "task definition family; default the task name"),
    INT("port", struct gf_task, port, 0, "http/https: host port; default 80"),
    INT("container_port", struct gf_task, container_port, 0,
        "http/https: container port; default 80"),
    INT("host_port", struct gf_task, host_port, 0, "http/https: equals port"),
    SUB("efs", struct gf_task, efs, s_efs, "one EFS volume mounted in the container"),
    STR("arn", struct gf_task, arn, STATE, "task definition ARN with revision"),
    STR("image_digest", struct gf_task, image_digest, STATE,
        "digest of the image when last registered"),
    STR("target_group_name", struct gf_task, target_group_name, 0,
        "http/https: target group name; default <app>-tg"),
    STR("target_group_arn", struct gf_task, target_group_arn, STATE, "target group ARN"),
    SUB("health_check", struct gf_task, health_check, s_health_check,
        "http/https: target group health check"),
    STR("certificate_arn", struct gf_task, certificate_arn, STATE,
        "https: ACM certificate for the domain"),
    SMAP("tags", struct gf_task, tags, 0, "tags of the tasks a schedule launches"),
    INT("desired_count", struct gf_task, desired_count, 0, "services: running tasks; default 1"),
    SUB("autoscaling", struct gf_task, autoscaling, s_autoscaling,
        "services: application autoscaling"),
    STR("event_bus_name", struct gf_task, event_bus_name, 0,
        "EventBridge bus (FargateStack always uses the default bus)"),
    STR("domain", struct gf_task, domain, 0, "task-level domain, used to find its certificate"),
    STR("service_arn", struct gf_task, service_arn, STATE, "daemon/http/https: ECS service ARN"),
    STR("rule_arn", struct gf_task, rule_arn, STATE, "scheduled task: EventBridge rule ARN"),
    LEGACY("task_definition_arn", "legacy (old FargateStack versions); ignored"),
    LEGACY("log_group", "legacy per-task log group (old FargateStack versions); ignored"),
    END,
};

/* §2 */
static const struct gf_schema_row s_stack[] = {
    FLAT("app", struct gf_stack, app_pos, s_app, "the application"),
    STR("account", struct gf_stack, account, STATE, "AWS account id"),
    STR("profile", struct gf_stack, profile, 0, "AWS profile name"),
    STR("region", struct gf_stack, region, 0, "AWS region"),
    STR("vpc_id", struct gf_stack, vpc_id, 0, "VPC id; discovered if absent"),
    FLAT("subnets", struct gf_stack, subnets_pos, s_subnets, "subnets by kind"),
    STR("domain", struct gf_stack, domain, 0, "FQDN of the http/https service"),
    FLAT("route53", struct gf_stack, route53_pos, s_route53, "Route 53 zone for domain"),
    FLAT("cluster", struct gf_stack, cluster_pos, s_cluster, "ECS cluster"),
    SUB("role", struct gf_stack, role, s_role, "task execution role"),
    SUB("task_role", struct gf_stack, task_role, s_role, "task role (what the app may call)"),
    SUB("events_role", struct gf_stack, events_role, s_role, "EventBridge role (scheduled tasks)"),
    FLAT("log_group", struct gf_stack, log_group_pos, s_log_group, "CloudWatch log group"),
    FLAT("security_groups", struct gf_stack, security_groups_pos, s_security_groups,
         "security groups"),
    SUB("alb", struct gf_stack, alb, s_alb, "application load balancer (http/https task)"),
    STR("certificate_arn", struct gf_stack, certificate_arn, 0,
        "legacy top-level ACM certificate for the HTTPS listener"),
    SUB("queue", struct gf_stack, queue, s_queue, "one SQS queue"),
    SUB("dlq", struct gf_stack, dlq, s_queue, "the queue's dead-letter queue"),
    {.key = "bucket",
     .type = GF_SCHEMA_MAP,
     .off = 0,
     .pos_off = offsetof(struct gf_stack, bucket_pos),
     .aux_off = offsetof(struct gf_stack, bucket_present),
     .children = s_bucket,
     .doc = "one S3 bucket"},
    {.key = "tasks",
     .type = GF_SCHEMA_TASKS,
     .flags = REQ,
     .off = offsetof(struct gf_stack, tasks),
     .pos_off = offsetof(struct gf_stack, tasks_pos),
     .aux_off = offsetof(struct gf_stack, n_tasks),
     .elem_size = sizeof(struct gf_task),
     .elem_key_off = offsetof(struct gf_task, key),
     .elem_pos_off = offsetof(struct gf_task, pos),
     .children = s_task,
     .doc = "the tasks and services, by name (the ECS service name)"},
    STR("config_name", struct gf_stack, config_name, STATE, "path of the stack file"),
    STR("id", struct gf_stack, id, STATE, "digest of the state (informational)"),
    STR("last_updated", struct gf_stack, last_updated, STATE, "time of the last write"),
    LEGACY("route53_profile", "legacy (written by create-stack only); ignored"),
    LEGACY("default_log_group", "legacy (old FargateStack versions); ignored"),
    LEGACY("services", "legacy (old FargateStack versions); ignored"),
    END,
};

const struct gf_schema_row *gf_schema_stack(void)
{
    return s_stack;
}

size_t gf_schema_count(const struct gf_schema_row *rows)
{
    size_t n = 0;

    while (rows && rows[n].key)
        n++;
    return n;
}

const struct gf_schema_row *gf_schema_find(const struct gf_schema_row *rows, const char *key,
                                           size_t len)
{
    size_t i;

    for (i = 0; rows && rows[i].key; i++) {
        if (strlen(rows[i].key) == len && memcmp(rows[i].key, key, len) == 0)
            return &rows[i];
    }
    return NULL;
}

#define SUGGEST_MAX_LEN 48

/* Optimal string alignment distance, ASCII case folded. */
static int lower_at(const char *s, size_t i)
{
    return tolower((unsigned char)s[i]);
}

static size_t min_size(size_t x, size_t y)
{
    return x < y ? x : y;
}

/* One cell (i, j >= 1) of the optimal-string-alignment distance table: deletion, insertion,
 * substitution, and the transposition of two adjacent characters. */
static size_t osa_cell(const char *a, const char *b, size_t i, size_t j, const size_t *prev2,
                       const size_t *prev, const size_t *cur)
{
    int ca = lower_at(a, i - 1);
    int cb = lower_at(b, j - 1);
    size_t v = min_size(prev[j] + 1, cur[j - 1] + 1);

    v = min_size(v, prev[j - 1] + (ca == cb ? 0 : 1));
    if (i > 1 && j > 1 && ca == lower_at(b, j - 2) && lower_at(a, i - 2) == cb)
        v = min_size(v, prev2[j - 2] + 1);
    return v;
}

/* Edit distance ignoring case, transpositions counting one; la, lb <= SUGGEST_MAX_LEN. */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[3][SUGGEST_MAX_LEN + 1];
    size_t i;
    size_t j;

    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        size_t *cur = d[i % 3];

        cur[0] = i;
        for (j = 1; j <= lb; j++)
            cur[j] = osa_cell(a, b, i, j, d[(i + 1) % 3], d[(i - 1) % 3], cur);
    }
    return d[la % 3][lb];
}

const struct gf_schema_row *gf_schema_suggest(const struct gf_schema_row *rows, const char *key,
                                              size_t len)
{
    const struct gf_schema_row *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit = len <= 4 ? 1 : (len <= 8 ? 2 : 3);
    size_t i;

    if (len == 0 || len > SUGGEST_MAX_LEN)
        return NULL;
    for (i = 0; rows && rows[i].key; i++) {
        size_t lk = strlen(rows[i].key);
        size_t d;

        if (rows[i].flags & GF_SCHEMA_LEGACY || lk > SUGGEST_MAX_LEN)
            continue;
        d = osa_distance(key, len, rows[i].key, lk);
        if (d < best_d) {
            best_d = d;
            best = &rows[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

const char *gf_schema_type_name(enum gf_schema_type type)
{
    switch (type) {
    case GF_SCHEMA_STRING:
    case GF_SCHEMA_TASK_TYPE:
        return "string";
    case GF_SCHEMA_INT:
        return "number";
    case GF_SCHEMA_BOOL:
        return "true/false";
    case GF_SCHEMA_STRLIST:
        return "list of strings";
    case GF_SCHEMA_STRMAP:
        return "map of strings";
    case GF_SCHEMA_MAP:
        return "map";
    case GF_SCHEMA_TASKS:
    case GF_SCHEMA_SCHEDULED:
        return "map of maps by name";
    case GF_SCHEMA_SECRETS:
        return "list of strings or map of strings";
    case GF_SCHEMA_ANY:
        break;
    }
    return "any";
}

static int walk_rows(const struct gf_schema_row *rows, struct gf_buf *path, unsigned depth,
                     gf_schema_walk_fn *cb, void *payload)
{
    size_t base_len = path->len;
    size_t i;
    int rc = 0;

    for (i = 0; rows[i].key && rc == 0; i++) {
        const struct gf_schema_row *r = &rows[i];

        gf_buf_truncate(path, base_len);
        if (base_len)
            gf_buf_putc(path, '.');
        gf_buf_puts(path, r->key);
        if (gf_buf_failed(path))
            return gf_error_oom();
        rc = cb(r, path->ptr, depth, payload);
        if (rc != 0 || !r->children)
            continue;
        if (r->type == GF_SCHEMA_TASKS)
            gf_buf_puts(path, ".<task>");
        else if (r->type == GF_SCHEMA_SCHEDULED)
            gf_buf_puts(path, ".<action>");
        if (gf_buf_failed(path))
            return gf_error_oom();
        rc = walk_rows(r->children, path, depth + 1, cb, payload);
    }
    gf_buf_truncate(path, base_len);
    return rc;
}

int gf_schema_walk(const struct gf_schema_row *rows, gf_schema_walk_fn *cb, void *payload)
{
    struct gf_buf path = GF_BUF_INIT;
    int rc;

    rc = walk_rows(rows, &path, 0, cb, payload);
    gf_buf_release(&path);
    return rc;
}
