/* SPDX-License-Identifier: Apache-2.0 */
/* names.h: FargateStack's naming derivations (reference/fargatestack-behaviour.md §3.1) and the
 * AWS rules those names must obey (lengths and characters from the botocore service models
 * and the API documentation). Used by state/defaults.c (to fill names) and state/validate.c
 * (to check written and derived names). Pure functions: no I/O.
 *
 * Ownership, once for the whole API: the derivation functions append to a caller-owned gf_buf;
 * nothing is allocated elsewhere. */
#ifndef GF_NAMES_H
#define GF_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* ---- derivations ---- */

/* Names derived from app.name alone. */
enum gf_name_app {
    GF_NAME_CAMEL = 0,         /* <App>: my-cron_job -> MyCronJob */
    GF_NAME_CLUSTER,           /* <app>-cluster */
    GF_NAME_ROLE,              /* Fargate<App>Role (task execution role) */
    GF_NAME_POLICY,            /* Fargate<App>Policy */
    GF_NAME_TASK_ROLE,         /* Fargate<App>TaskRole */
    GF_NAME_TASK_POLICY,       /* Fargate<App>TaskPolicy */
    GF_NAME_EVENTS_ROLE,       /* Events<App>Role */
    GF_NAME_EVENTS_POLICY,     /* Events<App>Policy */
    GF_NAME_SG,                /* <app>-sg */
    GF_NAME_ALB_SG,            /* <app>-alb-sg */
    GF_NAME_ALB,               /* <app>-alb */
    GF_NAME_TARGET_GROUP,      /* <app>-tg */
    GF_NAME_LOG_GROUP,         /* /ecs/app-fargatestack/<app> */
    GF_NAME_WAF_ACL,           /* <app>-acl */
    GF_NAME_LOG_STREAM_PREFIX, /* <app> */
};

/* Names derived from a task key (and app.name for the autoscaling policy). */
enum gf_name_task {
    GF_NAME_RULE = 0,           /* <task>-schedule */
    GF_NAME_TARGET_ID,          /* <task>-target */
    GF_NAME_LAUNCH_GROUP,       /* schedule:<task> */
    GF_NAME_AUTOSCALING_POLICY, /* app-fargatestack-<app>-<task>-autoscaling-policy */
    GF_NAME_RESOURCE_ID,        /* service/<cluster>/<task>: pass the cluster name as `app` */
};

/* Append the derived name to `out`. Returns 0 or GF_ENOMEM (out is then failed). */
int gf_names_app(struct gf_buf *out, enum gf_name_app kind, const char *app);
int gf_names_task(struct gf_buf *out, enum gf_name_task kind, const char *app, const char *task);
/* <queue>-dlq */
int gf_names_dlq(struct gf_buf *out, const char *queue);
/* <app>-<action>-out-schedule (scale_out) or <app>-<action>-in-schedule. */
int gf_names_scheduled_action(struct gf_buf *out, const char *app, const char *action,
                              bool scale_out);

/* ---- sizes (§3.2) ---- */

struct gf_size_profile {
    const char *name; /* tiny, small, medium, large, xlarge, 2xlarge */
    int64_t cpu;      /* CPU units */
    int64_t memory;   /* MiB */
};

/* The profile called `name` (exact, lower case), or NULL. Borrowed static data. */
const struct gf_size_profile *gf_names_size(const char *name);
/* The profile with exactly these cpu and memory values, or NULL. */
const struct gf_size_profile *gf_names_size_for(int64_t cpu, int64_t memory);
/* FargateStack's default size by kind: http, https, daemon and scheduled tasks "medium", a
 * plain task "tiny". `is_service` = daemon/http/https. */
const char *gf_names_default_size(bool is_service, bool is_scheduled);
/* "tiny, small, medium, large, xlarge, 2xlarge" */
const char *gf_names_size_list(void);

/* ---- AWS name rules ---- */

enum gf_name_rule {
    GF_RULE_APP = 0,            /* app.name as create-stack enforces: [a-z0-9_-]+ */
    GF_RULE_ECS_CLUSTER,        /* 1-255 of [A-Za-z0-9_-] */
    GF_RULE_ECS_SERVICE,        /* same */
    GF_RULE_ECS_FAMILY,         /* same */
    GF_RULE_ECS_CONTAINER,      /* same */
    GF_RULE_IAM_ROLE,           /* 1-64 of [A-Za-z0-9+=,.@_-] */
    GF_RULE_IAM_POLICY,         /* 1-128 of the same */
    GF_RULE_LOG_GROUP,          /* 1-512 of [.-_/#A-Za-z0-9] */
    GF_RULE_SQS_QUEUE,          /* 1-80 of [A-Za-z0-9_-], optional .fifo suffix within the 80 */
    GF_RULE_S3_BUCKET,          /* 3-63 general purpose bucket rules */
    GF_RULE_TARGET_GROUP,       /* 1-32 of [A-Za-z0-9-], no leading/trailing - */
    GF_RULE_LOAD_BALANCER,      /* the same, and not starting internal- */
    GF_RULE_EVENTS_RULE,        /* 1-64 of [.-_A-Za-z0-9] */
    GF_RULE_EVENTS_TARGET_ID,   /* the same */
    GF_RULE_SECURITY_GROUP,     /* 1-255, EC2-VPC characters, not starting sg- */
    GF_RULE_WAF_ACL,            /* 1-128 of [A-Za-z0-9_-] */
    GF_RULE_AUTOSCALING_POLICY, /* 1-256 printable ASCII */
    GF_RULE_SCHEDULED_ACTION,   /* 1-256 printable, no : / |, no leading/trailing space */
    GF_RULE_COUNT_,
};

/* Check `name` against `rule`. Returns 0, or GF_EINVALID with the gf_error's msg saying what
 * is wrong with it ("IAM role name 'x' is 70 characters long, the limit is 64") and its hint
 * the rule to follow. Never allocates. */
int gf_names_check(enum gf_name_rule rule, const char *name);
/* "IAM role name" and so on, for messages. */
const char *gf_names_rule_what(enum gf_name_rule rule);
/* The rule's maximum length in characters. */
size_t gf_names_rule_max(enum gf_name_rule rule);

#endif
