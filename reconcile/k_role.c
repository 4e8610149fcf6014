/* SPDX-License-Identifier: Apache-2.0 */
/* k_role.c: the stack's IAM roles and their inline least-privilege policies
 * (fargatestack-behaviour.md §6.6, §8; the documents come from reconcile/policy.h): the task
 * execution role (ECS pulls images, writes logs, reads secrets), the task role (what the
 * application may do), and the EventBridge role when a task has a schedule. Two kinds: "role"
 * (the role and its trust policy) and "role_policy" (its inline policy, put only when the
 * canonical comparison says it differs, so an added bucket is one PutRolePolicy and a policy
 * edited by hand shows as drift).
 *
 * IAM is eventually consistent: a role just made may not be assumable for some seconds. The
 * consumers (ECS services, EventBridge targets) retry "cannot assume role" for that reason. */
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aws/svc_iam.h"
#include "common/alloc.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "reconcile/resource.h"
#include "common/banned.h"

struct role_def {
    const char *key;
    enum gf_policy_role which;
    size_t offset; /* of the struct gf_role in struct gf_stack */
};

static const struct role_def s_roles[] = {
    {"execution", GF_POLICY_EXECUTION, offsetof(struct gf_stack, role)},
    {"task", GF_POLICY_TASK, offsetof(struct gf_stack, task_role)},
    {"events", GF_POLICY_EVENTS, offsetof(struct gf_stack, events_role)},
};

static const struct role_def *def_of(const struct gf_rc_res *r)
{
    size_t i;

    for (i = 0; i < sizeof(s_roles) / sizeof(s_roles[0]); i++) {
        if (strcmp(s_roles[i].key, r->key) == 0)
            return &s_roles[i];
    }
    return &s_roles[0];
}

static struct gf_role *role_of(struct gf_rc *rc, const struct gf_rc_res *r)
{
    return (struct gf_role *)((char *)gf_rc_stack(rc) + def_of(r)->offset);
}

static bool has_schedule(const struct gf_stack *s)
{
    size_t i;

    for (i = 0; i < s->n_tasks; i++) {
        if (gf_task_is_scheduled(&s->tasks[i]))
            return true;
    }
    return false;
}

/* The canonical form of a document given as JSON text or an object. */
static int canonical_of(json_t **out, const json_t *doc)
{
    return gf_policy_canonical(out, doc);
}

/* ---- role ------------------------------------------------------------------------------------- */

static int role_expand(struct gf_rc *rc)
{
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < sizeof(s_roles) / sizeof(s_roles[0]); i++) {
        const struct gf_role *role =
            (const struct gf_role *)((const char *)gf_rc_stack(rc) + s_roles[i].offset);

        if (s_roles[i].which == GF_POLICY_EVENTS && !has_schedule(gf_rc_stack(rc)))
            continue;
        code = gf_rc_add(NULL, rc, &gf_rc_kind_role, s_roles[i].key, role->name.v, NULL);
    }
    return code;
}

static int role_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    json_t *trust = NULL, *canon = NULL;
    int code = gf_policy_trust(&trust, def_of(r)->which);

    (void)rc;
    if (code == 0)
        code = canonical_of(&canon, trust);
    if (code == 0)
        r->desired = json_pack("{s:s, s:O}", "RoleName", r->name, "AssumeRolePolicyDocument",
                               canon);
    json_decref(trust);
    json_decref(canon);
    return code < 0 ? code : r->desired ? 0 : gf_error_oom();
}

static const char *role_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    return role_of((struct gf_rc *)rc, r)->arn.v;
}

static int role_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    json_t *role = NULL, *canon = NULL;
    const char *arn;
    int code = gf_iam_get_role(&role, io->aws, r->name);

    if (code < 0)
        return code;
    arn = json_string_value(json_object_get(role, "Arn"));
    if (json_object_get(role, "AssumeRolePolicyDocument") &&
        canonical_of(&canon, json_object_get(role, "AssumeRolePolicyDocument")) == 0)
        json_object_set_new(role, "AssumeRolePolicyDocument", canon);
    json_decref(r->actual);
    r->actual = role;
    gf_free(r->id);
    r->id = arn ? gf_strdup(arn) : NULL;
    return gf_rc_state_set(io->rc, &role_of(io->rc, r)->arn, arn);
}

static char *trust_text(const struct gf_rc_res *r)
{
    return json_dumps(json_object_get(r->desired, "AssumeRolePolicyDocument"),
                      JSON_COMPACT | JSON_SORT_KEYS);
}

static int role_create(struct gf_rc_res *r, struct gf_rc_io *io)
{
    struct gf_iam_role_spec spec = GF_IAM_ROLE_SPEC_INIT;
    json_t *tags = gf_rc_tags(io->rc, r, "Key", "Value"), *made = NULL;
    char *trust = trust_text(r);
    int code = tags && trust ? 0 : gf_error_oom();

    spec.name = r->name;
    spec.assume_role_policy = trust;
    spec.description = "gitfargate: managed for its stack";
    spec.tags = tags;
    if (code == 0)
        code = gf_iam_create_role(&made, io->aws, &spec);
    if (code == GF_ECONFLICT) /* made by an interrupted run: adopt it */
        code = gf_iam_update_assume_role_policy(io->aws, r->name, trust);
    if (code == 0)
        code = role_read(r, io);
    json_decref(made);
    json_decref(tags);
    free(trust); /* jansson's allocator is the C library's */
    return code;
}

static int role_update(struct gf_rc_res *r, struct gf_rc_io *io)
{
    char *trust = trust_text(r);
    int code = trust ? gf_iam_update_assume_role_policy(io->aws, r->name, trust) : gf_error_oom();

    free(trust); /* jansson's allocator is the C library's */
    return code < 0 ? code : role_read(r, io);
}

static int role_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = gf_iam_delete_role(io->aws, r->name);

    if (code == GF_ENOTFOUND)
        code = 0;
    if (code == GF_ECONFLICT)
        gf_error_hint("the role still has policies gitfargate did not put there: detach or delete "
                      "them, then run destroy again");
    return code < 0 ? code : gf_rc_state_set(io->rc, &role_of(io->rc, r)->arn, NULL);
}

static const char *const s_role_create[] = {"iam:CreateRole", "iam:GetRole", NULL};
static const char *const s_role_update[] = {"iam:UpdateAssumeRolePolicy", "iam:GetRole", NULL};
static const char *const s_role_delete[] = {"iam:DeleteRole", NULL};

const struct gf_rc_kind gf_rc_kind_role = {
    .name = "role",
    .expand = role_expand,
    .desire = role_desire,
    .read = role_read,
    .create = role_create,
    .update = role_update,
    .destroy = role_destroy,
    .state_id = role_state_id,
    .create_calls = s_role_create,
    .update_calls = s_role_update,
    .delete_calls = s_role_delete,
};

/* ---- inline policy ---------------------------------------------------------------------------- */

static int policy_document(json_t **out, struct gf_rc *rc, enum gf_policy_role which)
{
    struct gf_build_ctx ctx;

    gf_rc_build_ctx(&ctx, rc);
    return gf_policy_document(out, &ctx, which);
}

static int policy_expand(struct gf_rc *rc)
{
    size_t i;
    int code = 0;

    for (i = 0; code == 0 && i < sizeof(s_roles) / sizeof(s_roles[0]); i++) {
        const struct gf_role *role =
            (const struct gf_role *)((const char *)gf_rc_stack(rc) + s_roles[i].offset);
        json_t *doc = NULL;

        if (s_roles[i].which == GF_POLICY_EVENTS && !has_schedule(gf_rc_stack(rc)))
            continue;
        code = policy_document(&doc, rc, s_roles[i].which);
        if (code == 0 && doc) /* no document: the role needs no policy */
            code = gf_rc_add(NULL, rc, &gf_rc_kind_role_policy, s_roles[i].key,
                             role->policy_name.v, NULL);
        json_decref(doc);
    }
    return code;
}

static int policy_desire(struct gf_rc_res *r, struct gf_rc *rc)
{
    json_t *doc = NULL, *canon = NULL;
    int code = policy_document(&doc, rc, def_of(r)->which);

    if (code == 0 && doc)
        code = canonical_of(&canon, doc);
    if (code == 0)
        r->desired = json_pack("{s:s, s:s, s:o}", "RoleName", role_of(rc, r)->name.v,
                               "PolicyName", r->name, "PolicyDocument",
                               canon ? canon : json_object());
    json_decref(doc);
    return code < 0 ? code : r->desired ? 0 : gf_error_oom();
}

static const char *policy_state_id(const struct gf_rc_res *r, const struct gf_rc *rc)
{
    /* an inline policy has no id of its own: its role's ARN vouches for it */
    return role_of((struct gf_rc *)rc, r)->arn.v;
}

static int policy_read(struct gf_rc_res *r, struct gf_rc_io *io)
{
    const char *role = role_of(io->rc, r)->name.v;
    json_t *doc = NULL, *canon = NULL;
    int code = gf_iam_get_role_policy(&doc, io->aws, role, r->name);

    if (code == 0)
        code = canonical_of(&canon, doc);
    json_decref(doc);
    if (code < 0)
        return code;
    json_decref(r->actual);
    r->actual = json_pack("{s:s, s:s, s:o}", "RoleName", role, "PolicyName", r->name,
                          "PolicyDocument", canon);
    gf_free(r->id);
    r->id = gf_strdup(r->name);
    return r->actual && r->id ? 0 : gf_error_oom();
}

static int policy_put(struct gf_rc_res *r, struct gf_rc_io *io)
{
    char *text = json_dumps(json_object_get(r->desired, "PolicyDocument"), JSON_COMPACT);
    int code = text ? gf_iam_put_role_policy(io->aws, role_of(io->rc, r)->name.v, r->name, text)
                    : gf_error_oom();

    free(text); /* jansson's allocator is the C library's */
    return code < 0 ? code : policy_read(r, io);
}

static int policy_destroy(struct gf_rc_res *r, struct gf_rc_io *io)
{
    int code = gf_iam_delete_role_policy(io->aws, role_of(io->rc, r)->name.v, r->name);

    return code == GF_ENOTFOUND ? 0 : code;
}

static const char *const s_deps[] = {"role", NULL};
static const char *const s_put[] = {"iam:PutRolePolicy", "iam:GetRolePolicy", NULL};
static const char *const s_delete[] = {"iam:DeleteRolePolicy", NULL};

const struct gf_rc_kind gf_rc_kind_role_policy = {
    .name = "role_policy",
    .deps = s_deps,
    .expand = policy_expand,
    .desire = policy_desire,
    .read = policy_read,
    .create = policy_put,
    .update = policy_put,
    .destroy = policy_destroy,
    .state_id = policy_state_id,
    .create_calls = s_put,
    .update_calls = s_put,
    .delete_calls = s_delete,
};
