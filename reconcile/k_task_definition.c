/* SPDX-License-Identifier: Apache-2.0 */
/* k_task_definition.c: one ECS task definition family per task (fargatestack-behaviour.md §7),
 * built by reconcile/taskdef.h and registered only when the container definition differs from
 * the latest ACTIVE revision; its ARN with revision is kept in tasks.<t>.arn.
 *
 * The image is compared as written in the file: a registered revision names the image pinned to
 * the digest the preflight saw, so each revision carries the written reference in the tag
 * gitfargate:image and read puts it back before comparing. The desired document is thus the
 * same at plan and apply time whatever the preflight resolved. */
#include <jansson.h>
#include <string.h>

#include "aws/svc_ecr.h"
#include "aws/svc_ecs.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "reconcile/resource.h"
#include "reconcile/taskdef.h"
#include "common/banned.h"

#define TAG_IMAGE "gitfargate:image"

static int td_expand(struct gf_rc *rc)
{
    struct gf_stack *s = gf_rc_stack(rc);
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < s->n_tasks; i++) {
        const struct gf_task *t = &s->tasks[i];

        code = gf_rc_add(NULL, rc, &gf_rc_kind_task_definition, t->key,
                         t->family.v ? t->family.v : t->key, t);
    }
    return code;
}

/* Every container of the (normalised) definition names `image`. */
static int set_image(json_t *td, const char *image)
{
    size_t i;
    json_t *c;

    json_array_foreach(json_object_get(td, "containerDefinitions"), i, c) {
        if (json_object_set_new(c, "image", json_string(image ? image : "")) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int td_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    const struct gf_task *t = r->model;
    struct gf_build_ctx ctx;
    json_t *built = NULL;
    int code;

    if (!gf_rc_account(rc)[0]) { /* offline without an account: only the family is known */
        r->desired = json_pack("{s:s}", "family", r->name);
        return r->desired ? 0 : gf_error_oom();
    }
    gf_rc_build_ctx(&ctx, rc);
    ctx.images = NULL; /* the written image is what is compared (see the header) */
    ctx.n_images = 0;
    code = gf_taskdef_build(&built, &ctx, t->key, NULL);
    if (code == 0)
        code = gf_taskdef_normalise_owned(&r->desired, built);
    else
        json_decref(built);
    if (code == 0)
        code = set_image(r->desired, t->image.v);
    return code;
}

static const char *td_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    (void)rc;
    return ((const struct gf_task *)r->model)->arn.v;
}

/* Take a taskDefinition object (stolen) as the actual state: normalised, its written image
 * restored from the tag, its ARN in the state. */
static int td_adopt(struct gf_rc_res *r, struct gf_rc *rc, json_t *td, const json_t *tags)
{
    struct gf_task *t = (struct gf_task *)r->model;
    const char *arn = json_string_value(json_object_get(td, "taskDefinitionArn"));
    const char *written = gf_rc_tag_value(tags, "key", "value", TAG_IMAGE);
    json_t *norm = NULL;
    int code = gf_taskdef_normalise(&norm, td);

    if (code == 0 && written)
        code = set_image(norm, written);
    if (code == 0) {
        json_decref(r->actual);
        r->actual = norm;
        norm = NULL;
        r->exists = true;
        gf_free(r->id);
        r->id = arn ? gf_strdup(arn) : NULL;
        code = gf_rc_state_set(rc, &t->arn, arn);
    }
    json_decref(norm);
    json_decref(td);
    return code;
}

static int td_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *td = NULL, *tags = NULL;
    int code = gf_ecs_describe_task_definition(&td, &tags, io->aws, r->name);

    if (code == 0)
        code = td_adopt(r, io->rc, td, tags);
    json_decref(tags);
    return code;
}

static int td_tags(json_t **out, const struct gf_rc *rc, const struct gf_rc_res *r)
{
    const struct gf_task *t = r->model;
    json_t *tags = gf_rc_tags(rc, r, "key", "value");

    *out = NULL;
    if (!tags || json_array_append_new(tags, json_pack("{s:s, s:s}", "key", TAG_IMAGE, "value",
                                                       t->image.v ? t->image.v : "")) < 0) {
        json_decref(tags);
        return gf_error_oom();
    }
    *out = tags;
    return 0;
}

/* RegisterTaskDefinition of the input the pass resolved (image pinned to its digest). */
static int td_register(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const struct gf_task *t = r->model;
    struct gf_buf image = GF_BUF_INIT;
    struct gf_build_pair pair = {t->key, NULL};
    struct gf_build_ctx ctx;
    json_t *input = NULL, *tags = NULL, *out = NULL;
    int code;

    gf_rc_build_ctx(&ctx, io->rc);
    code = gf_rc_resolved_image(&image, io->rc, t);
    if (code == 1) {
        pair.value = image.ptr;
        ctx.images = &pair;
        ctx.n_images = 1;
    }
    code = code < 0 ? code : td_tags(&tags, io->rc, r);
    if (code == 0)
        code = gf_taskdef_build(&input, &ctx, t->key, NULL);
    if (code == 0)
        code = gf_ecs_register_task_definition(&out, io->aws, input, tags);
    if (code == 0) {
        code = td_adopt(r, io->rc, out, tags);
        out = NULL;
    }
    json_decref(out);
    json_decref(input);
    json_decref(tags);
    gf_buf_release(&image);
    return code;
}

static bool ours(const json_t *tags, const struct gf_rc *rc)
{
    const char *stack = gf_rc_tag_value(tags, "key", "value", GF_RC_TAG_STACK);

    return stack && strcmp(stack, gf_rc_stack(rc)->app_name.v) == 0;
}

/* Deregister every ACTIVE revision of the family gitfargate registered (tagged for the stack),
 * and the one the state names whatever its tags. */
static int td_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_task *t = (struct gf_task *)r->model;
    json_t *arns = NULL;
    size_t i;
    const json_t *a;
    int code = gf_ecs_list_task_definitions(&arns, io->aws, r->name, "ACTIVE");

    json_array_foreach(arns, i, a) {
        const char *arn = json_string_value(a);
        json_t *td = NULL, *tags = NULL;
        bool current = (t && t->arn.v && strcmp(t->arn.v, arn) == 0) ||
                       (r->id && strcmp(r->id, arn) == 0);

        if (code < 0)
            break;
        if (!current)
            code = gf_ecs_describe_task_definition(&td, &tags, io->aws, arn);
        if (code == 0 && (current || ours(tags, io->rc)))
            code = gf_ecs_deregister_task_definition(NULL, io->aws, arn);
        if (code == GF_ENOTFOUND)
            code = 0;
        json_decref(td);
        json_decref(tags);
    }
    json_decref(arns);
    if (code == GF_ENOTFOUND)
        code = 0;
    return code < 0 || !t ? code : gf_rc_state_set(io->rc, &t->arn, NULL);
}

/* With --prune: families whose latest revision is tagged for this stack under a task key the
 * file no longer has. */
static int td_orphans(struct gf_rc *rc, struct gf_rc_io *io)
{
    json_t *families = NULL;
    size_t i;
    const json_t *f;
    int code = gf_ecs_list_task_definition_families(&families, io->aws, NULL, "ACTIVE");

    json_array_foreach(families, i, f) {
        json_t *td = NULL, *tags = NULL;
        const char *key;

        if (code < 0)
            break;
        code = gf_ecs_describe_task_definition(&td, &tags, io->aws, json_string_value(f));
        key = gf_rc_tag_value(tags, "key", "value", GF_RC_TAG_KEY);
        if (code == 0 && ours(tags, rc) && key && strncmp(key, "task_definition/", 16) == 0 &&
            !gf_rc_wanted(rc, "task_definition", key + 16)) {
            code = gf_rc_add_orphan(rc, &gf_rc_kind_task_definition, key + 16,
                                    json_string_value(f),
                                    json_string_value(json_object_get(td, "taskDefinitionArn")),
                                    NULL);
        }
        if (code == GF_ENOTFOUND)
            code = 0;
        json_decref(td);
        json_decref(tags);
    }
    json_decref(families);
    return code;
}

static const char *const s_deps[] = {"role", "role_policy", "log_group", NULL};
static const char *const s_create[] = {"ecs:RegisterTaskDefinition", NULL};
static const char *const s_delete[] = {"ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition",
                                       "ecs:DeregisterTaskDefinition", NULL};

const char *gf_rc_task_definition_arn(struct gf_rc *rc, const struct gf_task *t)
{
    struct gf_rc_res *td = gf_rc_find(rc, "task_definition", t->key);

    if (!td || td->cached)
        return gf_rc_or_unknown(&t->arn);
    if (!td->actual || !td->desired || !gf_rc_matches(td->desired, td->actual))
        return "(new revision)";
    return gf_rc_or_unknown(&t->arn);
}

const struct gf_rc_kind gf_rc_kind_task_definition = {
    .name = "task_definition",
    .deps = s_deps,
    .expand = td_expand,
    .desire = td_desire,
    .read = td_read,
    .create = td_register,
    .update = td_register,
    .destroy = td_destroy,
    .orphans = td_orphans,
    .state_id = td_state_id,
    .create_calls = s_create,
    .update_calls = s_create,
    .delete_calls = s_delete,
};
