/* SPDX-License-Identifier: Apache-2.0 */
/* k_cluster.c: the stack's ECS cluster (fargatestack-behaviour.md §6.7): created once by name,
 * its ARN kept in the state. */
#include <jansson.h>

#include "aws/svc_ecs.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/resource.h"
#include "common/banned.h"

static int cluster_expand(struct gf_rc *rc)
{
    const struct gf_stack *s = gf_rc_stack(rc);

    return gf_rc_add(NULL, rc, &gf_rc_kind_cluster, "", s->cluster_name.v, NULL);
}

static int cluster_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    (void)rc;
    r->desired = json_pack("{s:s, s:s}", "clusterName", r->name, "status", "ACTIVE");
    return r->desired ? 0 : gf_error_oom();
}

static const char *cluster_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)r;
    return gf_rc_stack(rc)->cluster_arn.v;
}

static int cluster_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *cluster)
{
    const char *arn = json_string_value(json_object_get(cluster, "clusterArn"));

    json_decref(r->actual);
    r->actual = cluster;
    r->exists = true;
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    return gf_rc_state_set(rc, &(gf_rc_stack(rc))->cluster_arn, arn);
}

static int cluster_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *cluster = NULL;
    int code = gf_ecs_describe_cluster(&cluster, io->aws, r->name);

    return code < 0 ? code : cluster_adopt(r, io->rc, cluster);
}

static int cluster_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *tags = gf_rc_tags(io->rc, r, "key", "value"), *cluster = NULL;
    int code = tags ? gf_ecs_create_cluster(&cluster, io->aws, r->name, tags) : gf_error_oom();

    json_decref(tags);
    return code < 0 ? code : cluster_adopt(r, io->rc, cluster);
}

/* ECS refuses to delete a cluster while a deleted service is still draining its tasks
 * (ClusterContainsServicesException / ClusterContainsTasksException): wait for them. */
#define DRAIN_WAIT_MS 120000

static int cluster_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int waited = 0, step = 500;
    int code = gf_ecs_delete_cluster(NULL, io->aws, r->name);

    while (code == GF_ECONFLICT && waited < DRAIN_WAIT_MS) {
        if (waited % 10000 < step)
            gf_rc_progress(io->rc, r, "waiting for its services and tasks to drain (%d s)",
                           waited / 1000);
        gf_rc_sleep(io->rc, step);
        waited += step;
        step = step < 4000 ? step * 2 : step;
        code = gf_ecs_delete_cluster(NULL, io->aws, r->name);
    }
    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 ? code : gf_rc_state_set(io->rc, &(gf_rc_stack(io->rc))->cluster_arn, NULL);
}

static const char *const s_create[] = {"ecs:CreateCluster", NULL};
static const char *const s_delete[] = {"ecs:DeleteCluster", NULL};

const struct gf_rc_kind gf_rc_kind_cluster = {
    .name = "cluster",
    .expand = cluster_expand,
    .desire = cluster_desire,
    .read = cluster_read,
    .create = cluster_create,
    .destroy = cluster_destroy,
    .state_id = cluster_state_id,
    .create_calls = s_create,
    .delete_calls = s_delete,
};
