/* SPDX-License-Identifier: Apache-2.0 */
/* taskdef.h: the task definition a stack's task implies (reference/fargatestack-behaviour.md §7)
 * as the input of ECS RegisterTaskDefinition, and the "container definition actually changed"
 * comparison against what DescribeTaskDefinition returns (§9.3), after both sides are normalised
 * so the fields and defaults ECS adds on its own never count as a change.
 *
 * Pure functions: no I/O. Ownership, once for the whole API: json_t outputs (`**out`) are new
 * references the caller json_decref()s; inputs are borrowed for the call. */
#ifndef GF_RECONCILE_TASKDEF_H
#define GF_RECONCILE_TASKDEF_H

#include <jansson.h>

#include "reconcile/policy.h"
#include "state/stack.h"

/* FargateStack's names (§7.2, §7.5). */
#define GF_TASKDEF_EFS_VOLUME "efs-volume"
#define GF_TASKDEF_LOG_DRIVER "awslogs"

/* The RegisterTaskDefinition input for the task `task_key` of ctx->stack:
 *   family, taskRoleArn, executionRoleArn (the roles' ARNs from the state, else
 *   arn:<p>:iam::<account>:role/<name>), networkMode awsvpc, requiresCompatibilities [FARGATE],
 *   cpu and memory as strings, one essential container named tasks.<t>.name with: image
 *   (gf_build_image: resolved, pinned to the recorded digest), command ([the string]),
 *   environment sorted by name, secrets [{name, valueFrom}] sorted by name (gf_secret_refs),
 *   portMappings (http/https: containerPort, hostPort, tcp), mountPoints and an EFS volume
 *   (efs-volume, transit encryption on), logConfiguration awslogs (group, region, stream
 *   prefix <app>); and `tags` when tags is not NULL (an ECS [{key, value}] array, copied).
 * Returns 0, GF_ENOTFOUND (no such task), GF_EINVALID (no account or region, a secret entry that
 * does not parse), GF_ENOMEM. */
int gf_taskdef_build(json_t **out, const struct gf_build_ctx *ctx, const char *task_key,
                     const json_t *tags);

/* A task definition (a RegisterTaskDefinition input, or DescribeTaskDefinition's
 * `taskDefinition`) in comparable form, a new value: the fields ECS adds dropped (revision,
 * status, requiresAttributes, compatibilities, registeredAt/By, deregisteredAt,
 * taskDefinitionArn, tags), as are nulls, empty lists and objects, and the values ECS fills in
 * by default (container cpu 0 and essential true, portMappings protocol tcp and a hostPort equal
 * to the containerPort, mountPoints readOnly false, EFS rootDirectory "/" and transitEncryption
 * DISABLED, enableFaultInjection false); cpu/memory numbers become strings; environment and
 * secrets are sorted by name, requiresCompatibilities, portMappings, mountPoints and volumes by
 * their text. 0, GF_EINVALID (not an object), GF_ENOMEM. */
int gf_taskdef_normalise(json_t **out, const json_t *td);
/* The same on a document the caller gives up (no copy): td is the result, or freed. */
int gf_taskdef_normalise_owned(json_t **out, json_t *td);

/* What differs between the desired input and the actual definition, both normalised: a new
 * array of {"field", "want", "have"} (want/have null when absent), empty when nothing does.
 * Fields are top-level names ("cpu", "volumes") or "containerDefinitions[<name>].<field>"
 * ("containerDefinitions[web].image"; "containerDefinitions[web]" when that container is missing
 * or unexpected). Tags are not compared: they change with TagResource, not a new revision.
 * Returns 0, GF_EINVALID, GF_ENOMEM. */
int gf_taskdef_diff(json_t **diffs_out, const json_t *desired, const json_t *actual);

#endif
