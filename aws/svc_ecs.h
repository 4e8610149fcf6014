/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecs.h: Amazon ECS through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4, §7.3 and §10): clusters, task definitions, services, tasks
 * and tags. Thin: one function per operation, lists fully paginated, no business logic and no
 * caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure; they
 *   are the API's object of interest as AWS returns it (member names unchanged: "clusterArn",
 *   "taskDefinitionArn", "deployments", timestamps as epoch seconds, reals).
 * - Inputs are borrowed for the call. `cluster` is a cluster name or ARN; NULL means AWS's
 *   "default" cluster. An optional input that is NULL (0 / false for a number or flag) is not
 *   sent. `spec` objects are botocore's request members (e.g. CreateService's "desiredCount",
 *   "launchType", "networkConfiguration", "loadBalancers", "deploymentConfiguration",
 *   "propagateTags", "enableExecuteCommand"), copied into the request; the members a function
 *   takes as parameters (cluster, names) win over the same member in `spec`.
 * - Tags (`const json_t *tags`) are ECS's own shape: an array of {"key": k, "value": v}; tag
 *   keys to remove are an array of strings.
 * - Reads of one thing normalise "it does not exist" to GF_ENOTFOUND with a gf_error naming it:
 *   a `failures` entry with reason MISSING, ClusterNotFoundException, ServiceNotFoundException,
 *   ClientException "Unable to describe task definition", and a cluster or service whose status
 *   is INACTIVE (AWS keeps deleted ones visible for a while). Deleting a cluster that still holds
 *   services or tasks (ClusterContains*Exception) and updating a service that is not active
 *   (ServiceNotActiveException) return GF_ECONFLICT. Other failures are gf_aws_call's codes
 *   (InvalidParameterException, ClientException: GF_ERROR with aws_code set).
 * - Every function blocks. */
#ifndef GF_AWS_SVC_ECS_H
#define GF_AWS_SVC_ECS_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"

/* ---- clusters --------------------------------------------------------------------------- */

/* CreateCluster (idempotent on the name: an existing cluster comes back unchanged). name: 1-255
 * letters, digits, '-' and '_'; NULL: "default". out: the cluster object (clusterArn,
 * clusterName, status ACTIVE, counts). */
int gf_ecs_create_cluster(json_t **out, struct gf_aws_client *client, const char *name,
                          const json_t *tags);
/* DescribeClusters for one cluster, tags included. out: the cluster object (runningTasksCount,
 * pendingTasksCount, activeServicesCount, tags). GF_ENOTFOUND when missing or INACTIVE. */
int gf_ecs_describe_cluster(json_t **out, struct gf_aws_client *client, const char *cluster);
/* ListClusters, every page. out: array of cluster ARNs. */
int gf_ecs_list_clusters(json_t **out, struct gf_aws_client *client);
/* DeleteCluster. out (may be NULL): the cluster object, status INACTIVE. GF_ENOTFOUND;
 * GF_ECONFLICT while it holds active services or tasks. */
int gf_ecs_delete_cluster(json_t **out, struct gf_aws_client *client, const char *cluster);

/* ---- task definitions ------------------------------------------------------------------- */

/* RegisterTaskDefinition. taskdef: the request's members (family, containerDefinitions,
 * networkMode, requiresCompatibilities, cpu, memory, executionRoleArn, taskRoleArn, volumes...);
 * its own "tags" member is replaced by `tags` when that is not NULL. out: the taskDefinition
 * object (taskDefinitionArn, revision, status ACTIVE). */
int gf_ecs_register_task_definition(json_t **out, struct gf_aws_client *client,
                                    const json_t *taskdef, const json_t *tags);
/* DescribeTaskDefinition with include TAGS. ref: "family" (latest ACTIVE revision),
 * "family:revision" or the ARN. out: the taskDefinition object; tags_out (may be NULL): the
 * tags array ([] when none). GF_ENOTFOUND when no such family or revision. */
int gf_ecs_describe_task_definition(json_t **out, json_t **tags_out, struct gf_aws_client *client,
                                    const char *ref);
/* DeregisterTaskDefinition of one revision ("family:revision" or ARN). out (may be NULL): the
 * taskDefinition object, status INACTIVE. GF_ENOTFOUND. */
int gf_ecs_deregister_task_definition(json_t **out, struct gf_aws_client *client, const char *ref);
/* ListTaskDefinitionFamilies, every page. prefix: or NULL; status: "ACTIVE", "INACTIVE", "ALL"
 * or NULL (AWS's default, ACTIVE). out: array of family names. */
int gf_ecs_list_task_definition_families(json_t **out, struct gf_aws_client *client,
                                         const char *prefix, const char *status);
/* ListTaskDefinitions, every page, oldest first. family: exact family (sent as familyPrefix,
 * which ECS matches as the whole family) or NULL for all; status: "ACTIVE", "INACTIVE" or NULL
 * (ACTIVE). out: array of task definition ARNs. */
int gf_ecs_list_task_definitions(json_t **out, struct gf_aws_client *client, const char *family,
                                 const char *status);

/* ---- services --------------------------------------------------------------------------- */

/* CreateService `name` in `cluster` with `spec` (botocore CreateService members: taskDefinition,
 * desiredCount, launchType, platformVersion, networkConfiguration, loadBalancers,
 * healthCheckGracePeriodSeconds, deploymentConfiguration, propagateTags, enableExecuteCommand,
 * tags...). out: the service object (serviceArn, status ACTIVE, deployments). GF_ENOTFOUND for
 * a missing cluster; a name already used by an ACTIVE or DRAINING service is AWS's
 * InvalidParameterException "Creation of service was not idempotent." (GF_ERROR). */
int gf_ecs_create_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *name, const json_t *spec);
/* UpdateService `service` (name or ARN) with `changes` (botocore UpdateService members:
 * taskDefinition, desiredCount, forceNewDeployment, networkConfiguration, loadBalancers,
 * deploymentConfiguration, healthCheckGracePeriodSeconds, propagateTags,
 * enableExecuteCommand...; NULL: none). out (may be NULL): the service object. GF_ENOTFOUND;
 * GF_ECONFLICT when it is not ACTIVE. */
int gf_ecs_update_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *service, const json_t *changes);
/* DescribeServices for one service (name or ARN), tags included. out: the service object
 * (status, desiredCount, runningCount, pendingCount, deployments[{status PRIMARY|ACTIVE,
 * rolloutState, failedTasks}], events, tags). GF_ENOTFOUND when missing (a MISSING failure, or
 * the cluster is missing) or INACTIVE. */
int gf_ecs_describe_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                            const char *service);
/* DescribeServices for many (names or ARNs, asked 10 at a time), tags included. out: array of
 * the service objects found, whatever their status, in the order asked; missing ones are left
 * out. GF_ENOTFOUND when the cluster is missing. */
int gf_ecs_describe_services(json_t **out, struct gf_aws_client *client, const char *cluster,
                             const json_t *services);
/* DeleteService. force: delete even when desiredCount > 0 (otherwise AWS refuses with
 * InvalidParameterException, GF_ERROR). out (may be NULL): the service object, status DRAINING.
 * GF_ENOTFOUND. */
int gf_ecs_delete_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *service, bool force);
/* ListServices, every page. out: array of service ARNs. GF_ENOTFOUND for the cluster. */
int gf_ecs_list_services(json_t **out, struct gf_aws_client *client, const char *cluster);

/* ---- tasks ------------------------------------------------------------------------------ */

/* RunTask of `taskdef` (family, family:revision or ARN) in `cluster` with `spec` (botocore
 * RunTask members: count, launchType, platformVersion, networkConfiguration, overrides,
 * startedBy, group, tags, propagateTags, enableExecuteCommand...; NULL: none). out: array of
 * the started task objects. A reply with `failures` and no task is GF_ERROR naming the first
 * failure's reason. GF_ENOTFOUND for the cluster. */
int gf_ecs_run_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                    const char *taskdef, const json_t *spec);
/* DescribeTasks for one task (id or ARN). out: the task object (lastStatus, desiredStatus,
 * stopCode, stoppedReason, containers[{exitCode, reason}], attachments, group, startedBy).
 * GF_ENOTFOUND when missing. */
int gf_ecs_describe_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                         const char *task);
/* DescribeTasks for many (ids or ARNs, asked 100 at a time). out: array of the task objects
 * found; missing ones are left out. GF_ENOTFOUND for the cluster. */
int gf_ecs_describe_tasks(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const json_t *tasks);

/* ListTasks filters; NULL members are not sent. */
struct gf_ecs_task_filter {
    const char *family;         /* task definition family */
    const char *service_name;   /* tasks started by this service */
    const char *desired_status; /* "RUNNING" (AWS's default), "PENDING", "STOPPED" */
    const char *started_by;
};

#define GF_ECS_TASK_FILTER_INIT                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL                                                                     \
    }

/* ListTasks, every page. filter: or NULL for none. out: array of task ARNs. GF_ENOTFOUND for
 * the cluster or the service named in the filter. */
int gf_ecs_list_tasks(json_t **out, struct gf_aws_client *client, const char *cluster,
                      const struct gf_ecs_task_filter *filter);
/* StopTask (id or ARN). reason: or NULL. out (may be NULL): the task object (desiredStatus
 * STOPPED, stopCode UserInitiated). GF_ENOTFOUND when the task or the cluster is missing. */
int gf_ecs_stop_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                     const char *task, const char *reason);

/* ---- tags ------------------------------------------------------------------------------- */

/* TagResource / UntagResource / ListTagsForResource on a cluster, service, task definition or
 * task ARN. keys: array of tag keys. out: the tags array ([] when none). GF_ENOTFOUND when the
 * resource does not exist. */
int gf_ecs_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags);
int gf_ecs_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys);
int gf_ecs_list_tags(json_t **out, struct gf_aws_client *client, const char *arn);

#endif
