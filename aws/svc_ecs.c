/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecs.c: Amazon ECS over the call layer (reference/aws-protocols.md §7.3): one thin function
 * per operation the reconcile engine and the CLI commands need for clusters, task definitions,
 * services, tasks and tags. Inputs are botocore-named json objects; outputs the decoded members,
 * with ECS's several ways of saying "not there" folded into GF_ENOTFOUND. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_ecs.h"
#include "common/error.h"
#include "common/banned.h"

#define DESCRIBE_SERVICES 10  /* DescribeServices takes at most 10 */
#define DESCRIBE_TASKS    100 /* DescribeTasks at most 100 */

/* Replace the current error's code and message, keeping where and the AWS fields. */
static int recode(int code, const char *what, const char *name, const char *how)
{
    struct gf_error saved;

    gf_error_copy(&saved, gf_error_last());
    gf_error_set(code, "%s '%s' %s", what, name ? name : "", how);
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return code;
}

/* A not-found error names the thing; the listed AWS codes become `code`. Others unchanged. */
static int name_error(int rc, const char *what, const char *name)
{
    const char *aws = gf_error_last()->aws_code;

    if (rc == GF_ENOTFOUND)
        return recode(GF_ENOTFOUND, what, name, "not found");
    if (rc < 0 && strncmp(aws, "ClusterContains", 15) == 0)
        return recode(GF_ECONFLICT, what, name, "still holds services or tasks");
    if (rc < 0 && strcmp(aws, "ServiceNotActiveException") == 0)
        return recode(GF_ECONFLICT, what, name, "is not active");
    return rc;
}

/* The status member of an ECS object ("" when none). */
static const char *status_of(const json_t *o)
{
    const char *s = json_string_value(json_object_get(o, "status"));

    return s ? s : "";
}

static int set_str(json_t *o, const char *key, const char *v)
{
    if (!v)
        return 0;
    return json_object_set_new(o, key, json_string(v)) == 0 ? 0 : gf_error_oom();
}

static int set_json(json_t *o, const char *key, const json_t *v)
{
    if (!v)
        return 0;
    /* deep copy: the input is borrowed and const */
    return json_object_set_new(o, key, json_deep_copy(v)) == 0 ? 0 : gf_error_oom();
}

/* A new request object: a deep copy of spec (or {}) with "cluster" set when given. */
static int request_new(json_t **out, const json_t *spec, const char *cluster)
{
    json_t *in = spec ? json_deep_copy(spec) : json_object();
    int rc;

    *out = NULL;
    if (!json_is_object(in)) {
        json_decref(in);
        return in ? gf_error_set(GF_EINVALID, "ecs request members must be an object")
                  : gf_error_oom();
    }
    rc = set_str(in, "cluster", cluster);
    if (rc < 0) {
        json_decref(in);
        return rc;
    }
    *out = in;
    return 0;
}

/* Call op and take result[key] (an object) as *out (may be NULL: discarded). */
static int call_member(json_t **out, struct gf_aws_client *client, const char *op,
                       const json_t *input, const char *key)
{
    json_t *res = NULL;
    json_t *item;
    int rc;

    if (out)
        *out = NULL;
    rc = gf_aws_call(&res, client, &gf_aws_ecs, op, input);
    if (rc < 0)
        goto out;
    item = json_object_get(res, key);
    if (!json_is_object(item)) {
        rc = gf_error_set(GF_ERROR, "ecs:%s reply has no '%s'", op, key);
        goto out;
    }
    if (out)
        *out = json_incref(item);
out:
    json_decref(res);
    return rc;
}

/* ---- clusters --------------------------------------------------------------------------- */

int gf_ecs_create_cluster(json_t **out, struct gf_aws_client *client, const char *name,
                          const json_t *tags)
{
    json_t *in = json_object();
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = set_str(in, "clusterName", name);
    if (rc == 0)
        rc = set_json(in, "tags", tags);
    if (rc == 0)
        rc = call_member(out, client, "CreateCluster", in, "cluster");
    json_decref(in);
    return rc;
}

/* The first failure's reason of a Describe* reply ("MISSING"), NULL when none. */
static const char *first_failure(const json_t *res)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(res, "failures"), 0), "reason"));
}

int gf_ecs_describe_cluster(json_t **out, struct gf_aws_client *client, const char *cluster)
{
    const char *name = cluster ? cluster : "default";
    json_t *in = json_pack("{s:[s], s:[s]}", "clusters", name, "include", "TAGS");
    json_t *res = NULL;
    json_t *c;
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_ecs, "DescribeClusters", in);
    if (rc < 0)
        goto out;
    c = json_array_get(json_object_get(res, "clusters"), 0);
    if (!c) {
        const char *why = first_failure(res);

        rc = gf_error_set(GF_ENOTFOUND, "cluster '%s' not found%s%s", name,
                          why && strcmp(why, "MISSING") != 0 ? ": " : "",
                          why && strcmp(why, "MISSING") != 0 ? why : "");
        gf_error_where("ecs:DescribeClusters");
        goto out;
    }
    if (strcmp(status_of(c), "INACTIVE") == 0) {
        rc = gf_error_set(GF_ENOTFOUND, "cluster '%s' not found (INACTIVE)", name);
        gf_error_where("ecs:DescribeClusters");
        goto out;
    }
    *out = json_incref(c);
out:
    json_decref(res);
    json_decref(in);
    return rc;
}

int gf_ecs_list_clusters(json_t **out, struct gf_aws_client *client)
{
    json_t *in = json_object();
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_paginate(out, client, &gf_aws_ecs, "ListClusters", in, 0);
    json_decref(in);
    return rc;
}

int gf_ecs_delete_cluster(json_t **out, struct gf_aws_client *client, const char *cluster)
{
    const char *name = cluster ? cluster : "default";
    json_t *in = json_pack("{s:s}", "cluster", name);
    int rc;

    if (out)
        *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = call_member(out, client, "DeleteCluster", in, "cluster");
    json_decref(in);
    return name_error(rc, "cluster", name);
}

/* ---- task definitions ------------------------------------------------------------------- */

int gf_ecs_register_task_definition(json_t **out, struct gf_aws_client *client,
                                    const json_t *taskdef, const json_t *tags)
{
    json_t *in = NULL;
    int rc;

    *out = NULL;
    rc = request_new(&in, taskdef, NULL);
    if (rc < 0)
        return rc;
    rc = set_json(in, "tags", tags);
    if (rc == 0)
        rc = call_member(out, client, "RegisterTaskDefinition", in, "taskDefinition");
    json_decref(in);
    return rc;
}

/* ECS answers an unknown family or revision with ClientException ("Unable to describe task
 * definition.", "The specified task definition does not exist."): not found. */
static int taskdef_error(int rc, const char *ref)
{
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "ClientException") == 0)
        rc = GF_ENOTFOUND;
    return name_error(rc, "task definition", ref);
}

int gf_ecs_describe_task_definition(json_t **out, json_t **tags_out, struct gf_aws_client *client,
                                    const char *ref)
{
    json_t *in = json_pack("{s:s, s:[s]}", "taskDefinition", ref ? ref : "", "include", "TAGS");
    json_t *res = NULL;
    json_t *td;
    int rc;

    *out = NULL;
    if (tags_out)
        *tags_out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_ecs, "DescribeTaskDefinition", in);
    if (rc < 0) {
        rc = taskdef_error(rc, ref);
        goto out;
    }
    td = json_object_get(res, "taskDefinition");
    if (!json_is_object(td)) {
        rc = gf_error_set(GF_ERROR, "ecs:DescribeTaskDefinition reply has no 'taskDefinition'");
        goto out;
    }
    if (tags_out) {
        json_t *tags = json_object_get(res, "tags");

        *tags_out = json_is_array(tags) ? json_incref(tags) : json_array();
        if (!*tags_out) {
            rc = gf_error_oom();
            goto out;
        }
    }
    *out = json_incref(td);
out:
    json_decref(res);
    json_decref(in);
    return rc;
}

int gf_ecs_deregister_task_definition(json_t **out, struct gf_aws_client *client, const char *ref)
{
    json_t *in = json_pack("{s:s}", "taskDefinition", ref ? ref : "");
    int rc;

    if (out)
        *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = call_member(out, client, "DeregisterTaskDefinition", in, "taskDefinition");
    json_decref(in);
    return taskdef_error(rc, ref);
}

int gf_ecs_list_task_definition_families(json_t **out, struct gf_aws_client *client,
                                         const char *prefix, const char *status)
{
    json_t *in = json_object();
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = set_str(in, "familyPrefix", prefix);
    if (rc == 0)
        rc = set_str(in, "status", status);
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_ecs, "ListTaskDefinitionFamilies", in, 0);
    json_decref(in);
    return rc;
}

int gf_ecs_list_task_definitions(json_t **out, struct gf_aws_client *client, const char *family,
                                 const char *status)
{
    json_t *in = json_object();
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = set_str(in, "familyPrefix", family);
    if (rc == 0)
        rc = set_str(in, "status", status);
    if (rc == 0)
        rc = set_str(in, "sort", "ASC");
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_ecs, "ListTaskDefinitions", in, 0);
    json_decref(in);
    return rc;
}

/* ---- services --------------------------------------------------------------------------- */

int gf_ecs_create_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *name, const json_t *spec)
{
    json_t *in = NULL;
    int rc;

    *out = NULL;
    rc = request_new(&in, spec, cluster);
    if (rc == 0)
        rc = set_str(in, "serviceName", name ? name : "");
    if (rc == 0)
        rc = call_member(out, client, "CreateService", in, "service");
    json_decref(in);
    return name_error(rc, "cluster", cluster ? cluster : "default");
}

int gf_ecs_update_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *service, const json_t *changes)
{
    json_t *in = NULL;
    int rc;

    if (out)
        *out = NULL;
    rc = request_new(&in, changes, cluster);
    if (rc == 0)
        rc = set_str(in, "service", service ? service : "");
    if (rc == 0)
        rc = call_member(out, client, "UpdateService", in, "service");
    json_decref(in);
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "ClusterNotFoundException") == 0)
        return name_error(rc, "cluster", cluster ? cluster : "default");
    return name_error(rc, "service", service);
}

/* DescribeServices of `names` (at most 10) appended to `found`; MISSING ones are skipped. */
static int describe_services_chunk(json_t *found, struct gf_aws_client *client, const char *cluster,
                                   const json_t *names)
{
    json_t *in = json_pack("{s:O, s:[s]}", "services", names, "include", "TAGS");
    json_t *res = NULL;
    int rc;

    if (!in)
        return gf_error_oom();
    rc = set_str(in, "cluster", cluster);
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_ecs, "DescribeServices", in);
    if (rc == 0 && json_array_extend(found, json_object_get(res, "services")) < 0 &&
        json_object_get(res, "services"))
        rc = gf_error_oom();
    json_decref(res);
    json_decref(in);
    return name_error(rc, "cluster", cluster ? cluster : "default");
}

int gf_ecs_describe_services(json_t **out, struct gf_aws_client *client, const char *cluster,
                             const json_t *services)
{
    json_t *found = json_array();
    json_t *chunk = NULL;
    size_t i, n = json_array_size(services);
    int rc = 0;

    *out = NULL;
    if (!found)
        return gf_error_oom();
    for (i = 0; i < n && rc == 0; i += DESCRIBE_SERVICES) {
        size_t j;

        chunk = json_array();
        for (j = i; chunk && j < n && j < i + DESCRIBE_SERVICES; j++)
            if (json_array_append(chunk, json_array_get(services, j)) < 0)
                break;
        rc = chunk ? describe_services_chunk(found, client, cluster, chunk) : gf_error_oom();
        json_decref(chunk);
        chunk = NULL;
    }
    if (rc == 0)
        *out = found;
    else
        json_decref(found);
    return rc;
}

int gf_ecs_describe_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                            const char *service)
{
    json_t *names = json_pack("[s]", service ? service : "");
    json_t *found = NULL;
    json_t *s;
    int rc;

    *out = NULL;
    if (!names)
        return gf_error_oom();
    rc = gf_ecs_describe_services(&found, client, cluster, names);
    if (rc < 0)
        goto out;
    s = json_array_get(found, 0);
    if (!s || strcmp(status_of(s), "INACTIVE") == 0) {
        rc = gf_error_set(GF_ENOTFOUND, "service '%s' not found%s", service ? service : "",
                          s ? " (INACTIVE)" : "");
        gf_error_where("ecs:DescribeServices");
        goto out;
    }
    *out = json_incref(s);
out:
    json_decref(found);
    json_decref(names);
    return rc;
}

int gf_ecs_delete_service(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const char *service, bool force)
{
    json_t *in = json_pack("{s:s}", "service", service ? service : "");
    int rc;

    if (out)
        *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = set_str(in, "cluster", cluster);
    if (rc == 0 && force)
        rc = json_object_set_new(in, "force", json_true()) == 0 ? 0 : gf_error_oom();
    if (rc == 0)
        rc = call_member(out, client, "DeleteService", in, "service");
    json_decref(in);
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "ClusterNotFoundException") == 0)
        return name_error(rc, "cluster", cluster ? cluster : "default");
    return name_error(rc, "service", service);
}

int gf_ecs_list_services(json_t **out, struct gf_aws_client *client, const char *cluster)
{
    json_t *in = NULL;
    int rc;

    *out = NULL;
    rc = request_new(&in, NULL, cluster);
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_ecs, "ListServices", in, 0);
    json_decref(in);
    return name_error(rc, "cluster", cluster ? cluster : "default");
}

/* ---- tasks ------------------------------------------------------------------------------ */

int gf_ecs_run_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                    const char *taskdef, const json_t *spec)
{
    json_t *in = NULL, *res = NULL;
    json_t *tasks;
    int rc;

    *out = NULL;
    rc = request_new(&in, spec, cluster);
    if (rc == 0)
        rc = set_str(in, "taskDefinition", taskdef ? taskdef : "");
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_ecs, "RunTask", in);
    if (rc < 0) {
        rc = name_error(rc, "cluster", cluster ? cluster : "default");
        goto out;
    }
    tasks = json_object_get(res, "tasks");
    if (json_array_size(tasks) == 0) {
        const char *why = first_failure(res);

        rc = gf_error_set(GF_ERROR, "task definition '%s' started no task: %s",
                          taskdef ? taskdef : "", why ? why : "no reason given");
        gf_error_where("ecs:RunTask");
        goto out;
    }
    *out = json_incref(tasks);
out:
    json_decref(res);
    json_decref(in);
    return rc;
}

/* DescribeTasks of `refs` (at most 100) appended to `found`; MISSING ones are skipped. */
static int describe_tasks_chunk(json_t *found, struct gf_aws_client *client, const char *cluster,
                                const json_t *refs)
{
    json_t *in = json_pack("{s:O, s:[s]}", "tasks", refs, "include", "TAGS");
    json_t *res = NULL;
    int rc;

    if (!in)
        return gf_error_oom();
    rc = set_str(in, "cluster", cluster);
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_ecs, "DescribeTasks", in);
    if (rc == 0 && json_array_extend(found, json_object_get(res, "tasks")) < 0 &&
        json_object_get(res, "tasks"))
        rc = gf_error_oom();
    json_decref(res);
    json_decref(in);
    return name_error(rc, "cluster", cluster ? cluster : "default");
}

int gf_ecs_describe_tasks(json_t **out, struct gf_aws_client *client, const char *cluster,
                          const json_t *tasks)
{
    json_t *found = json_array();
    json_t *chunk = NULL;
    size_t i, n = json_array_size(tasks);
    int rc = 0;

    *out = NULL;
    if (!found)
        return gf_error_oom();
    for (i = 0; i < n && rc == 0; i += DESCRIBE_TASKS) {
        size_t j;

        chunk = json_array();
        for (j = i; chunk && j < n && j < i + DESCRIBE_TASKS; j++)
            if (json_array_append(chunk, json_array_get(tasks, j)) < 0)
                break;
        rc = chunk ? describe_tasks_chunk(found, client, cluster, chunk) : gf_error_oom();
        json_decref(chunk);
        chunk = NULL;
    }
    if (rc == 0)
        *out = found;
    else
        json_decref(found);
    return rc;
}

int gf_ecs_describe_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                         const char *task)
{
    json_t *refs = json_pack("[s]", task ? task : "");
    json_t *found = NULL;
    int rc;

    *out = NULL;
    if (!refs)
        return gf_error_oom();
    rc = gf_ecs_describe_tasks(&found, client, cluster, refs);
    if (rc == 0 && json_array_size(found) == 0) {
        rc = gf_error_set(GF_ENOTFOUND, "task '%s' not found", task ? task : "");
        gf_error_where("ecs:DescribeTasks");
    }
    if (rc == 0)
        *out = json_incref(json_array_get(found, 0));
    json_decref(found);
    json_decref(refs);
    return rc;
}

int gf_ecs_list_tasks(json_t **out, struct gf_aws_client *client, const char *cluster,
                      const struct gf_ecs_task_filter *filter)
{
    json_t *in = NULL;
    int rc;

    *out = NULL;
    rc = request_new(&in, NULL, cluster);
    if (rc == 0 && filter) {
        rc = set_str(in, "family", filter->family);
        if (rc == 0)
            rc = set_str(in, "serviceName", filter->service_name);
        if (rc == 0)
            rc = set_str(in, "desiredStatus", filter->desired_status);
        if (rc == 0)
            rc = set_str(in, "startedBy", filter->started_by);
    }
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_ecs, "ListTasks", in, 0);
    json_decref(in);
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "ServiceNotFoundException") == 0)
        return name_error(rc, "service", filter ? filter->service_name : NULL);
    return name_error(rc, "cluster", cluster ? cluster : "default");
}

int gf_ecs_stop_task(json_t **out, struct gf_aws_client *client, const char *cluster,
                     const char *task, const char *reason)
{
    json_t *in = NULL;
    int rc;

    if (out)
        *out = NULL;
    rc = request_new(&in, NULL, cluster);
    if (rc == 0)
        rc = set_str(in, "task", task ? task : "");
    if (rc == 0)
        rc = set_str(in, "reason", reason);
    if (rc == 0)
        rc = call_member(out, client, "StopTask", in, "task");
    json_decref(in);
    /* ECS answers an unknown task id with InvalidParameterException "The referenced task was
     * not found." */
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "InvalidParameterException") == 0 &&
        strstr(gf_error_last()->msg, "not found"))
        rc = GF_ENOTFOUND;
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "ClusterNotFoundException") == 0)
        return name_error(rc, "cluster", cluster ? cluster : "default");
    return name_error(rc, "task", task);
}

/* ---- tags ------------------------------------------------------------------------------- */

static int tags_error(int rc, const char *arn)
{
    /* an unknown ARN is ResourceNotFoundException, or ClusterNotFoundException for its cluster */
    if (rc < 0 && strcmp(gf_error_last()->aws_code, "InvalidParameterException") == 0 &&
        strstr(gf_error_last()->msg, "not found"))
        rc = GF_ENOTFOUND;
    return name_error(rc, "resource", arn);
}

int gf_ecs_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    json_t *in = json_pack("{s:s}", "resourceArn", arn ? arn : "");
    json_t *res = NULL;
    int rc;

    if (!in)
        return gf_error_oom();
    rc = tags ? set_json(in, "tags", tags)
              : (json_object_set_new(in, "tags", json_array()) == 0 ? 0 : gf_error_oom());
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_ecs, "TagResource", in);
    json_decref(res);
    json_decref(in);
    return tags_error(rc, arn);
}

int gf_ecs_untag_resource(struct gf_aws_client *client, const char *arn, const json_t *keys)
{
    json_t *in = json_pack("{s:s}", "resourceArn", arn ? arn : "");
    json_t *res = NULL;
    int rc;

    if (!in)
        return gf_error_oom();
    rc = set_json(in, "tagKeys", keys);
    if (rc == 0 && !keys)
        rc = json_object_set_new(in, "tagKeys", json_array()) == 0 ? 0 : gf_error_oom();
    if (rc == 0)
        rc = gf_aws_call(&res, client, &gf_aws_ecs, "UntagResource", in);
    json_decref(res);
    json_decref(in);
    return tags_error(rc, arn);
}

int gf_ecs_list_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    json_t *in = json_pack("{s:s}", "resourceArn", arn ? arn : "");
    json_t *res = NULL;
    json_t *tags;
    int rc;

    *out = NULL;
    if (!in)
        return gf_error_oom();
    rc = gf_aws_call(&res, client, &gf_aws_ecs, "ListTagsForResource", in);
    if (rc == 0) {
        tags = json_object_get(res, "tags");
        *out = json_is_array(tags) ? json_incref(tags) : json_array();
        rc = *out ? 0 : gf_error_oom();
    }
    json_decref(res);
    json_decref(in);
    return tags_error(rc, arn);
}
