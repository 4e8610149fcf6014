/* SPDX-License-Identifier: Apache-2.0 */
/* stack.h: the stack model: one App::FargateStack stack file as typed C values.
 *
 * The pipeline over it (DESIGN.md "One pass, as data"):
 *     bytes --gf_stack_parse--> model --gf_stack_validate--> diagnostics
 *           --gf_stack_defaults--> model with defaults (origin GF_ORIGIN_DEFAULT)
 *           --(reconcile fills ARNs/ids: GF_ORIGIN_STATE)--> gf_stack_emit --> enriched YAML
 *
 * Every value carries where it came from (origin) and, when it came from the file, its
 * line:column, so diagnostics, `plan` ("defaulted") and emit can say so. The schema (key names,
 * types, order, required/legacy/state flags) is data: state/schema.c, one row per key, driving
 * parse, unknown-key detection, did-you-mean, emit order and docs (state/schema.h).
 *
 * Ownership, once for the whole API: a gf_stack owns every string, list and child in it; all
 * are released by gf_stack_free. Pointers handed out by accessors are borrowed from the stack. */
#ifndef GF_STACK_H
#define GF_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum gf_origin {
    GF_ORIGIN_UNSET = 0, /* not present */
    GF_ORIGIN_USER,      /* written in the file by a person (or any input file value) */
    GF_ORIGIN_DEFAULT,   /* filled by gf_stack_defaults (naming rules, sizes, constants) */
    GF_ORIGIN_STATE,     /* found or created in AWS by gitfargate: ARNs, ids, digests */
};

/* 1-based position in the source file; line 0 = not from the file. */
struct gf_pos {
    uint32_t line;
    uint32_t col;
};

struct gf_str {
    char *v; /* owned, NUL-terminated; NULL when unset */
    enum gf_origin origin;
    struct gf_pos pos;
};

struct gf_int {
    int64_t v;
    enum gf_origin origin;
    struct gf_pos pos;
};

struct gf_bool {
    bool v;
    enum gf_origin origin;
    struct gf_pos pos;
};

struct gf_strlist {
    char **v;            /* owned array of owned strings */
    struct gf_pos *vpos; /* position of each item (owned, same length) */
    size_t n;
    enum gf_origin origin; /* of the list as a whole */
    struct gf_pos pos;
};

struct gf_kv {
    char *key;   /* owned */
    char *value; /* owned; scalars are kept as their text ("8080", "true") */
    struct gf_pos key_pos;
    struct gf_pos value_pos;
};

/* A string -> string map in file order (environment, tags, secrets in map form). */
struct gf_strmap {
    struct gf_kv *v; /* owned array */
    size_t n;
    enum gf_origin origin;
    struct gf_pos pos;
};

enum gf_task_type {
    GF_TASK_UNSET = 0,
    GF_TASK_TASK,   /* one-shot or scheduled (EventBridge) */
    GF_TASK_DAEMON, /* ECS service, no load balancer */
    GF_TASK_HTTP,   /* ECS service behind an internal ALB */
    GF_TASK_HTTPS,  /* ECS service behind a public ALB with an ACM certificate */
};

struct gf_efs {
    bool present;
    struct gf_pos pos;
    struct gf_str id; /* required: fs-... */
    struct gf_str path;
    struct gf_str mount_point;
    struct gf_bool readonly;
    struct gf_str arn; /* state */
    struct gf_bool authorize_ingress;
    struct gf_strlist security_groups; /* state */
};

struct gf_health_check {
    bool present;
    struct gf_pos pos;
    struct gf_bool enabled;
    struct gf_int port;
    struct gf_str path;
    struct gf_int interval_seconds;
    struct gf_int timeout_seconds;
    struct gf_int healthy_threshold_count;
    struct gf_int unhealthy_threshold_count;
    struct gf_str matcher;
};

struct gf_scheduled_action {
    char *name; /* owned: the map key */
    struct gf_pos pos;
    struct gf_str start_time; /* "MM:HH", minute first */
    struct gf_str end_time;
    struct gf_str days;         /* MON-FRI, 1-7, a single day */
    struct gf_str min_capacity; /* "out/in" pair */
    struct gf_str max_capacity;
};

struct gf_autoscaling {
    bool present;
    struct gf_pos pos;
    struct gf_int cpu;      /* target CPU %; exclusive with requests */
    struct gf_int requests; /* ALB requests per target */
    struct gf_int min_capacity;
    struct gf_int max_capacity;
    struct gf_int scale_out_cooldown;
    struct gf_int scale_in_cooldown;
    struct gf_str policy_name; /* state */
    struct gf_str policy_arn;  /* state */
    struct gf_scheduled_action *scheduled; /* owned array, file order */
    size_t n_scheduled;
    struct gf_pos scheduled_pos;
};

struct gf_task {
    char *key; /* owned: the map key = task name = ECS service name */
    struct gf_pos pos;
    struct gf_str type_text; /* as written; `type` below is its parsed value */
    enum gf_task_type type;
    struct gf_str image;
    struct gf_str command;
    struct gf_strmap environment;
    struct gf_strlist secrets;     /* list form: "<name-or-arn>:<ENV>" */
    struct gf_strmap secrets_map;  /* map form: "<path>:<ENV>" -> ARN */
    struct gf_str schedule;
    struct gf_str size;
    struct gf_int cpu;
    struct gf_int memory;
    struct gf_str name;   /* container name */
    struct gf_str family; /* task-definition family */
    struct gf_int port;
    struct gf_int container_port;
    struct gf_int host_port;
    struct gf_efs efs;
    struct gf_str arn;          /* state: task definition ARN with revision */
    struct gf_str image_digest; /* state */
    struct gf_str target_group_name;
    struct gf_str target_group_arn; /* state */
    struct gf_health_check health_check;
    struct gf_str certificate_arn; /* state (https) */
    struct gf_strmap tags;
    struct gf_int desired_count;
    struct gf_autoscaling autoscaling;
    struct gf_str event_bus_name;
    struct gf_str domain;
    struct gf_str service_arn; /* state (gitfargate): the ECS service of daemon/http/https */
    struct gf_str rule_arn;    /* state (gitfargate): the EventBridge rule of a scheduled task */
};

struct gf_queue {
    bool present;
    struct gf_pos pos;
    struct gf_str name;
    struct gf_int max_receive_count;
    bool max_receive_count_present; /* presence (even empty) requests a DLQ */
    struct gf_int visibility_timeout;
    struct gf_int message_retention_period;
    struct gf_int receive_message_wait_time_seconds;
    struct gf_int delay_seconds;
    struct gf_int maximum_message_size;
    struct gf_str url; /* state */
    struct gf_str arn; /* state */
    struct gf_str permissions_profile; /* consumer | producer | admin | none */
    struct gf_strlist permissions_include;
    struct gf_strlist permissions_exclude;
    struct gf_pos permissions_pos;
};

struct gf_role {
    bool present;
    struct gf_pos pos;
    struct gf_str name;
    struct gf_str arn; /* state */
    struct gf_str policy_name;
};

struct gf_waf {
    bool present;
    struct gf_pos pos;
    struct gf_bool enabled;
    struct gf_strlist managed_rules;
    struct gf_str name;
    struct gf_str id;         /* state */
    struct gf_str arn;        /* state */
    struct gf_str lock_token; /* state */
    struct gf_str md5;        /* state */
};

struct gf_alb {
    bool present;
    struct gf_pos pos;
    struct gf_str type; /* public | private */
    struct gf_int port;
    struct gf_bool redirect_80;
    struct gf_str arn; /* state */
    struct gf_str name;
    struct gf_bool create;
    struct gf_waf waf;
};

struct gf_sg {
    bool present;
    struct gf_pos pos;
    struct gf_str group_id; /* state */
    struct gf_str group_name;
    struct gf_str name; /* FargateStack writes `name` for the ALB SG it made or found */
};

struct gf_stack {
    char *path;        /* owned: the file name used in diagnostics */
    struct gf_buf src; /* owned copy of the file's bytes */

    struct gf_pos app_pos;
    struct gf_str app_name; /* required */
    struct gf_str app_version;
    struct gf_str account; /* state */
    struct gf_str profile;
    struct gf_str region;
    struct gf_str vpc_id;
    struct gf_strlist subnets_public;
    struct gf_strlist subnets_private;
    struct gf_strlist subnets_isolated;
    struct gf_pos subnets_pos;
    struct gf_str domain;
    struct gf_str route53_zone_id;
    struct gf_str route53_profile;
    struct gf_pos route53_pos;
    struct gf_str cluster_name;
    struct gf_str cluster_arn;
    struct gf_pos cluster_pos;
    struct gf_role role;        /* task execution role */
    struct gf_role task_role;   /* task role */
    struct gf_role events_role; /* EventBridge role (scheduled tasks) */
    struct gf_str log_group_name;
    struct gf_str log_group_arn;
    struct gf_int log_group_retention_days;
    struct gf_pos log_group_pos;
    struct gf_sg sg_fargate;
    struct gf_sg sg_alb;
    struct gf_pos security_groups_pos;
    struct gf_alb alb;
    struct gf_str certificate_arn; /* legacy top level */
    struct gf_queue queue;
    struct gf_queue dlq;
    struct gf_pos bucket_pos;
    bool bucket_present;
    struct gf_str bucket_name;
    struct gf_bool bucket_readonly;
    struct gf_strlist bucket_paths;
    struct gf_str bucket_policy;
    struct gf_str bucket_arn; /* state */
    struct gf_task *tasks; /* owned array, file order */
    size_t n_tasks;
    struct gf_pos tasks_pos;
    struct gf_str config_name;
    struct gf_str id;
    struct gf_str last_updated;
};

/* Diagnostics: validation collects every problem instead of stopping at the first. */
enum gf_diag_severity { GF_DIAG_ERROR = 0, GF_DIAG_WARNING = 1 };

struct gf_diag {
    enum gf_diag_severity severity;
    struct gf_pos pos; /* 0:0 when the problem is an absence with no better place */
    char *key;         /* owned: "tasks.web.image" */
    char *msg;         /* owned: what is wrong, lowercase, no final period */
    char *hint;        /* owned or NULL: how to fix it */
};

struct gf_diags {
    struct gf_diag *v; /* owned */
    size_t n;
    size_t n_errors;
};

/* Limits on untrusted input (gf_stack_parse rejects cleanly past them). */
#define GF_STACK_MAX_BYTES ((size_t)1024 * 1024)
#define GF_STACK_MAX_DEPTH 32
#define GF_STACK_MAX_NODES 200000

/* Parse a stack file's bytes into a new model. `path` names the file in diagnostics.
 * Structural problems (bad YAML, duplicate or unknown keys, wrong types, limits, several
 * documents, non-UTF-8) are all collected into `diags` (which the caller owns and releases).
 * Returns 0 with *out set (the model may still be incomplete: check diags->n_errors), or
 * GF_EINVALID with *out NULL when the file cannot be read as a stack at all (the error and
 * the diags say why), or GF_ENOMEM. Never a partial model on a negative return. */
int gf_stack_parse(struct gf_stack **out, struct gf_diags *diags, const char *path,
                   struct gf_slice bytes);
/* Read a file and parse it (GF_ENOTFOUND if it cannot be opened). */
int gf_stack_load(struct gf_stack **out, struct gf_diags *diags, const char *path);
void gf_stack_free(struct gf_stack *stack);

/* Semantic checks of a parsed model, every rule in reference/fargatestack-behaviour.md and the
 * AWS name rules (state/validate.c). Appends to diags; returns 0 if it added no error,
 * GF_EINVALID if it did (GF_ENOMEM on allocation failure). Normalisations FargateStack makes
 * (both cron day fields `*` -> day-of-week `?`) are applied to the model with a warning. */
int gf_stack_validate(struct gf_stack *stack, struct gf_diags *diags);

/* Fill defaults and derived names exactly as FargateStack derives them (state/defaults.c).
 * Deterministic; only fills values that are unset, marking them GF_ORIGIN_DEFAULT. Needs a
 * model that validated. */
int gf_stack_defaults(struct gf_stack *stack);

/* Emit the model as YAML in schema order with stable quoting (state/emit.c).
 * emit(parse(emit(m))) is byte-identical to emit(m). */
int gf_stack_emit(struct gf_buf *out, const struct gf_stack *stack);

/* One set value of the model, as gf_stack_each_value shows it. */
struct gf_stack_value {
    const char *path; /* "tasks.web.health_check.path", "tasks.web.environment.LOG_LEVEL" */
    const char *text; /* the value as text; lists as "[a, b]" */
    enum gf_origin origin;
    struct gf_pos pos;
};
typedef int gf_stack_value_fn(const struct gf_stack_value *value, void *payload);
/* Visit every set value in schema order (state/values.c), through the schema table. A non-zero
 * return from cb stops the walk and is returned; GF_ENOMEM on allocation failure. */
int gf_stack_each_value(const struct gf_stack *stack, gf_stack_value_fn *cb, void *payload);

/* Lookups. */
const struct gf_task *gf_stack_task(const struct gf_stack *stack, const char *key);
const char *gf_task_type_name(enum gf_task_type type);
bool gf_task_is_service(const struct gf_task *task); /* daemon, http, https */
bool gf_task_is_scheduled(const struct gf_task *task);
/* The http/https task, or NULL. */
const struct gf_task *gf_stack_http_task(const struct gf_stack *stack);

/* Diagnostics. */
void gf_diags_init(struct gf_diags *diags);
void gf_diags_release(struct gf_diags *diags);
/* Append one (key, msg and hint are copied; hint may be NULL). Returns 0 or GF_ENOMEM. */
int gf_diags_add(struct gf_diags *diags, enum gf_diag_severity severity, struct gf_pos pos,
                 const char *key, const char *msg, const char *hint);
/* The same with a printf-style message. */
int gf_diags_addf(struct gf_diags *diags, enum gf_diag_severity severity, struct gf_pos pos,
                  const char *key, const char *hint, const char *fmt, ...) GF_PRINTF(6, 7);
/* Sort by position (line, col), errors before warnings at the same place; stable. */
void gf_diags_sort(struct gf_diags *diags);
/* "FILE:LINE:COL: error: WHAT (HOW TO FIX)" lines, one per diagnostic. */
int gf_diags_format(struct gf_buf *out, const struct gf_diags *diags, const char *path);

#endif
