/* SPDX-License-Identifier: Apache-2.0 */
/* taskdef.c: the RegisterTaskDefinition input of a stack's task (FargateStack §7) and the
 * normalised comparison with DescribeTaskDefinition (§9.3) that decides whether the plan
 * registers a new revision, and why. Pure: the plan step calls it; no I/O. */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "reconcile/taskdef.h"
#include "state/stack.h"

#include "common/banned.h"

/* ---- building ------------------------------------------------------------------------------ */

struct tb {
    const struct gf_build_ctx *ctx;
    const struct gf_task *task;
    int rc;
};

/* Set key to a new value (stolen); records OOM once. */
static void set_new(struct tb *b, json_t *obj, const char *key, json_t *v)
{
    if (b->rc == 0 && (!v || json_object_set_new(obj, key, v) < 0))
        b->rc = gf_error_oom();
    else if (b->rc < 0)
        json_decref(v);
}

static json_t *str_printf(const char *fmt, ...) GF_PRINTF(1, 2);

static json_t *str_printf(const char *fmt, ...)
{
    struct gf_buf s = GF_BUF_INIT;
    json_t *v = NULL;
    va_list ap;

    va_start(ap, fmt);
    gf_buf_vprintf(&s, fmt, ap);
    va_end(ap);
    if (!gf_buf_failed(&s))
        v = json_string(s.ptr);
    gf_buf_release(&s);
    return v;
}

static json_t *role_arn(const struct gf_build_ctx *ctx, const struct gf_role *role)
{
    const char *account = ctx->account ? ctx->account : ctx->stack->account.v;

    if (role->arn.v)
        return json_string(role->arn.v);
    return str_printf("arn:%s:iam::%s:role/%s", ctx->partition ? ctx->partition : "aws", account,
                      role->name.v ? role->name.v : "");
}

struct named {
    const char *name;
    json_t *v;
};

static int cmp_by_name(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Sort an array of {name, ...} objects by name, in place. 0 or GF_ENOMEM. */
static int sort_by_name(json_t *arr)
{
    size_t n = json_array_size(arr);
    struct named *v;

    if (n < 2)
        return 0;
    v = gf_calloc(n, sizeof(*v));
    if (!v)
        return gf_error_oom();
    for (size_t i = 0; i < n; i++) {
        v[i].v = json_incref(json_array_get(arr, i));
        v[i].name = json_string_value(json_object_get(v[i].v, "name"));
        if (!v[i].name)
            v[i].name = "";
    }
    qsort(v, n, sizeof(*v), cmp_by_name);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i].v);
    gf_free(v);
    return json_array_size(arr) == n ? 0 : gf_error_oom();
}

static json_t *environment(struct tb *b)
{
    const struct gf_strmap *env = &b->task->environment;
    json_t *a = json_array();

    for (size_t i = 0; a && i < env->n; i++) {
        if (json_array_append_new(a, json_pack("{s:s, s:s}", "name", env->v[i].key, "value",
                                                env->v[i].value)) < 0)
            json_decref(a), a = NULL;
    }
    if (a && sort_by_name(a) < 0)
        json_decref(a), a = NULL;
    return a;
}

static json_t *secrets(struct tb *b)
{
    struct gf_secret_ref *refs = NULL;
    size_t n = 0;
    json_t *a;

    b->rc = gf_secret_refs(&refs, &n, b->ctx, b->task);
    if (b->rc < 0)
        return NULL;
    a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_pack("{s:s, s:s}", "name", refs[i].env, "valueFrom",
                                                refs[i].value_from)) < 0)
            json_decref(a), a = NULL;
    }
    gf_secret_refs_free(refs, n);
    if (a && sort_by_name(a) < 0)
        json_decref(a), a = NULL;
    if (!a)
        b->rc = gf_error_oom();
    return a;
}

static json_t *log_configuration(struct tb *b)
{
    const struct gf_stack *s = b->ctx->stack;
    const char *region = b->ctx->region ? b->ctx->region : s->region.v;

    /* awslogs-stream-prefix <app>: streams are <app>/<container>/<task id> (§3.1, §10) */
    return json_pack("{s:s, s:{s:s, s:s, s:s}}", "logDriver", GF_TASKDEF_LOG_DRIVER, "options",
                     "awslogs-group", s->log_group_name.v ? s->log_group_name.v : "",
                     "awslogs-region", region ? region : "", "awslogs-stream-prefix",
                     s->app_name.v ? s->app_name.v : "");
}

static void add_ports_and_mounts(struct tb *b, json_t *c)
{
    const struct gf_task *t = b->task;

    if (t->type == GF_TASK_HTTP || t->type == GF_TASK_HTTPS) {
        int64_t cport = t->container_port.v ? t->container_port.v : 80;
        int64_t hport = t->host_port.v ? t->host_port.v : t->port.v ? t->port.v : cport;

        set_new(b, c, "portMappings",
                json_pack("[{s:I, s:I, s:s}]", "containerPort", (json_int_t)cport, "hostPort",
                          (json_int_t)hport, "protocol", "tcp"));
    }
    if (t->efs.present && t->efs.id.v)
        set_new(b, c, "mountPoints",
                json_pack("[{s:s, s:s, s:b}]", "sourceVolume", GF_TASKDEF_EFS_VOLUME,
                          "containerPath", t->efs.mount_point.v ? t->efs.mount_point.v : "/mnt",
                          "readOnly", t->efs.readonly.v));
}

static json_t *container(struct tb *b)
{
    const struct gf_task *t = b->task;
    struct gf_buf image = GF_BUF_INIT;
    json_t *c = json_object();
    json_t *sec;

    if (b->rc == 0)
        b->rc = gf_build_image(&image, b->ctx, t);
    set_new(b, c, "name", json_string(t->name.v ? t->name.v : t->key));
    set_new(b, c, "image", json_string(image.ptr));
    gf_buf_release(&image);
    set_new(b, c, "essential", json_true());
    if (t->command.v) /* one element, not split on spaces (§2.2) */
        set_new(b, c, "command", json_pack("[s]", t->command.v));
    if (t->environment.n)
        set_new(b, c, "environment", environment(b));
    if (b->rc == 0 && (t->secrets.n || t->secrets_map.n)) {
        sec = secrets(b);
        if (sec)
            set_new(b, c, "secrets", sec);
    }
    add_ports_and_mounts(b, c);
    set_new(b, c, "logConfiguration", log_configuration(b));
    return c;
}

static json_t *volumes(struct tb *b)
{
    const struct gf_efs *efs = &b->task->efs;

    if (!efs->present || !efs->id.v)
        return json_array();
    return json_pack("[{s:s, s:{s:s, s:s, s:s}}]", "name", GF_TASKDEF_EFS_VOLUME,
                     "efsVolumeConfiguration", "fileSystemId", efs->id.v, "rootDirectory",
                     efs->path.v ? efs->path.v : "/", "transitEncryption", "ENABLED");
}

int gf_taskdef_build(json_t **out, const struct gf_build_ctx *ctx, const char *task_key,
                     const json_t *tags)
{
    const struct gf_stack *s = ctx->stack;
    struct tb b = {ctx, gf_stack_task(s, task_key), 0};
    const char *account = ctx->account ? ctx->account : s->account.v;
    const char *region = ctx->region ? ctx->region : s->region.v;
    json_t *td = NULL;
    json_t *vols;

    *out = NULL;
    if (!b.task)
        return gf_error_set(GF_ENOTFOUND, "stack '%s' has no task '%s'",
                            s->app_name.v ? s->app_name.v : "", task_key);
    if (!account || !region) {
        gf_error_set(GF_EINVALID, "no %s to build the task definition of '%s' with",
                     account ? "region" : "account", task_key);
        return GF_EINVALID;
    }
    td = json_object();
    if (!td)
        return gf_error_oom();
    set_new(&b, td, "family", json_string(b.task->family.v ? b.task->family.v : task_key));
    set_new(&b, td, "taskRoleArn", role_arn(ctx, &s->task_role));
    set_new(&b, td, "executionRoleArn", role_arn(ctx, &s->role));
    set_new(&b, td, "networkMode", json_string("awsvpc"));
    set_new(&b, td, "requiresCompatibilities", json_pack("[s]", "FARGATE"));
    set_new(&b, td, "cpu", str_printf("%lld", (long long)b.task->cpu.v));
    set_new(&b, td, "memory", str_printf("%lld", (long long)b.task->memory.v));
    set_new(&b, td, "containerDefinitions", json_pack("[o]", container(&b)));
    vols = volumes(&b);
    if (json_array_size(vols) || !vols)
        set_new(&b, td, "volumes", vols);
    else
        json_decref(vols);
    if (tags)
        set_new(&b, td, "tags", json_deep_copy(tags));
    if (b.rc < 0) {
        json_decref(td);
        return b.rc;
    }
    *out = td;
    return 0;
}

/* ---- normalising --------------------------------------------------------------------------- */

static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    return gf_buf_put(data, buffer, size) < 0 ? -1 : 0;
}

struct keyed {
    struct gf_buf text;
    json_t *v;
};

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->text.ptr, ((const struct keyed *)b)->text.ptr);
}

/* Sort an array by each element's canonical text, in place. */
static int sort_by_text(json_t *arr)
{
    size_t n = json_array_size(arr);
    struct keyed *k;
    int rc = 0;

    if (n < 2)
        return 0;
    k = gf_calloc(n, sizeof(*k));
    if (!k)
        return gf_error_oom();
    for (size_t i = 0; i < n; i++) {
        gf_buf_init(&k[i].text, 0);
        k[i].v = json_incref(json_array_get(arr, i));
        if (json_dump_callback(k[i].v, dump_to_buf, &k[i].text,
                               JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0)
        qsort(k, n, sizeof(*k), cmp_keyed);
    if (rc == 0)
        json_array_clear(arr);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && json_array_append(arr, k[i].v) < 0)
            rc = gf_error_oom();
        json_decref(k[i].v);
        gf_buf_release(&k[i].text);
    }
    gf_free(k);
    return rc;
}

/* Whether v is null, an empty array or an empty object. */
static bool is_empty(const json_t *v)
{
    return json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0);
}

/* Drop nulls and empties from every object below v, depth first. */
static void drop_empty(json_t *v)
{
    const char *k;
    json_t *x;
    void *tmp;

    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            drop_empty(json_array_get(v, i));
    } else if (json_is_object(v)) {
        json_object_foreach_safe(v, tmp, k, x)
        {
            drop_empty(x);
            if (is_empty(x))
                json_object_del(v, k);
        }
    }
}

static bool is_str(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

/* Remove obj[key] when it equals the default ECS fills in. */
static void drop_default(json_t *obj, const char *key, const json_t *dflt)
{
    json_t *v = json_object_get(obj, key);

    if (v && json_equal(v, dflt))
        json_object_del(obj, key);
}

static void normalise_container(json_t *c)
{
    json_t *zero = json_integer(0);
    json_t *t = json_true();
    json_t *f = json_false();
    json_t *tcp = json_string("tcp");
    json_t *pm = json_object_get(c, "portMappings");
    json_t *mp = json_object_get(c, "mountPoints");

    drop_default(c, "cpu", zero);
    drop_default(c, "essential", t);
    for (size_t i = 0; i < json_array_size(pm); i++) {
        json_t *m = json_array_get(pm, i);

        drop_default(m, "protocol", tcp);
        /* awsvpc: ECS sets hostPort to the containerPort when it is left out */
        if (json_equal(json_object_get(m, "hostPort"), json_object_get(m, "containerPort")))
            json_object_del(m, "hostPort");
    }
    for (size_t i = 0; i < json_array_size(mp); i++)
        drop_default(json_array_get(mp, i), "readOnly", f);
    json_decref(zero);
    json_decref(t);
    json_decref(f);
    json_decref(tcp);
}

static void normalise_volumes(json_t *vols)
{
    for (size_t i = 0; i < json_array_size(vols); i++) {
        json_t *efs = json_object_get(json_array_get(vols, i), "efsVolumeConfiguration");

        if (is_str(json_object_get(efs, "rootDirectory"), "/"))
            json_object_del(efs, "rootDirectory");
        if (is_str(json_object_get(efs, "transitEncryption"), "DISABLED"))
            json_object_del(efs, "transitEncryption");
    }
}

/* cpu/memory given as numbers become strings, as RegisterTaskDefinition takes them. */
static int stringify(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v))
        return 0;
    return json_object_set_new(obj, key, str_printf("%lld", (long long)json_integer_value(v))) < 0
               ? gf_error_oom()
               : 0;
}

static int sort_container_lists(json_t *c)
{
    int rc = sort_by_name(json_object_get(c, "environment"));

    if (rc == 0)
        rc = sort_by_name(json_object_get(c, "secrets"));
    if (rc == 0)
        rc = sort_by_text(json_object_get(c, "portMappings"));
    if (rc == 0)
        rc = sort_by_text(json_object_get(c, "mountPoints"));
    return rc;
}

static int normalise_owned(json_t **out, json_t *n, json_t *f);

int gf_taskdef_normalise(json_t **out, const json_t *td)
{
    json_t *n;
    json_t *f = json_false();

    *out = NULL;
    if (!json_is_object(td)) {
        json_decref(f);
        return gf_error_set(GF_EINVALID, "task definition is not a JSON object");
    }
    n = json_deep_copy(td);
    if (!n) {
        json_decref(f);
        return gf_error_oom();
    }
    return normalise_owned(out, n, f);
}

int gf_taskdef_normalise_owned(json_t **out, json_t *td)
{
    *out = NULL;
    if (!json_is_object(td)) {
        json_decref(td);
        return gf_error_set(GF_EINVALID, "task definition is not a JSON object");
    }
    return normalise_owned(out, td, json_false());
}

/* The normalisation of n (owned; the result, or freed on failure); f: a `false` to drop. */
static int normalise_owned(json_t **out, json_t *n, json_t *f)
{
    static const char *const added[] = {"revision",       "status",         "requiresAttributes",
                                        "compatibilities", "registeredAt",   "registeredBy",
                                        "deregisteredAt", "taskDefinitionArn", "tags", NULL};
    json_t *cds;
    int rc = 0;

    for (size_t i = 0; added[i]; i++)
        json_object_del(n, added[i]);
    drop_default(n, "enableFaultInjection", f);
    json_decref(f);
    cds = json_object_get(n, "containerDefinitions");
    for (size_t i = 0; i < json_array_size(cds); i++)
        normalise_container(json_array_get(cds, i));
    normalise_volumes(json_object_get(n, "volumes"));
    drop_empty(n);
    rc = stringify(n, "cpu");
    if (rc == 0)
        rc = stringify(n, "memory");
    for (size_t i = 0; rc == 0 && i < json_array_size(cds); i++)
        rc = sort_container_lists(json_array_get(cds, i));
    if (rc == 0)
        rc = sort_by_text(json_object_get(n, "requiresCompatibilities"));
    if (rc == 0)
        rc = sort_by_text(json_object_get(n, "volumes"));
    if (rc < 0) {
        json_decref(n);
        return rc;
    }
    *out = n;
    return 0;
}

/* ---- comparing ----------------------------------------------------------------------------- */

static int add_diff(json_t *diffs, const char *field, const json_t *want, const json_t *have)
{
    json_t *d = json_pack("{s:s, s:O, s:O}", "field", field, "want", want ? want : json_null(),
                          "have", have ? have : json_null());

    return !d || json_array_append_new(diffs, d) < 0 ? gf_error_oom() : 0;
}

/* Compare every key of want and have (union, want's order first); prefix names the object. */
static int diff_objects(json_t *diffs, const char *prefix, const json_t *want, const json_t *have,
                        const char *skip)
{
    struct gf_buf field = GF_BUF_INIT;
    const char *k;
    json_t *v;
    int rc = 0;

    json_object_foreach((json_t *)(uintptr_t)want, k, v)
    {
        if (rc < 0 || (skip && strcmp(k, skip) == 0) || json_equal(v, json_object_get(have, k)))
            continue;
        gf_buf_clear(&field);
        gf_buf_printf(&field, "%s%s", prefix, k);
        rc = gf_buf_failed(&field) ? gf_error_oom()
                                   : add_diff(diffs, field.ptr, v, json_object_get(have, k));
    }
    json_object_foreach((json_t *)(uintptr_t)have, k, v)
    {
        if (rc < 0 || (skip && strcmp(k, skip) == 0) || json_object_get(want, k))
            continue;
        gf_buf_clear(&field);
        gf_buf_printf(&field, "%s%s", prefix, k);
        rc = gf_buf_failed(&field) ? gf_error_oom() : add_diff(diffs, field.ptr, NULL, v);
    }
    gf_buf_release(&field);
    return rc;
}

static const json_t *container_named(const json_t *cds, const char *name)
{
    for (size_t i = 0; i < json_array_size(cds); i++) {
        const json_t *c = json_array_get(cds, i);

        if (is_str(json_object_get(c, "name"), name))
            return c;
    }
    return NULL;
}

/* One container of `from` against its namesake in `other`: side 0 walks the desired ones
 * (missing or differing fields), side 1 the actual ones (only unexpected containers). */
static int diff_container(json_t *diffs, const json_t *c, const json_t *other, int side)
{
    struct gf_buf field = GF_BUF_INIT;
    const char *name = json_string_value(json_object_get(c, "name"));
    const json_t *o = container_named(other, name ? name : "");
    int rc;

    gf_buf_printf(&field, "containerDefinitions[%s]", name ? name : "");
    if (gf_buf_failed(&field))
        rc = gf_error_oom();
    else if (!o)
        rc = add_diff(diffs, field.ptr, side ? NULL : c, side ? c : NULL);
    else if (side == 1)
        rc = 0;
    else
        rc = gf_buf_putc(&field, '.') < 0 ? gf_error_oom() : diff_objects(diffs, field.ptr, c, o,
                                                                           NULL);
    gf_buf_release(&field);
    return rc;
}

static int diff_containers(json_t *diffs, const json_t *want, const json_t *have)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < json_array_size(want); i++)
        rc = diff_container(diffs, json_array_get(want, i), have, 0);
    for (size_t i = 0; rc == 0 && i < json_array_size(have); i++)
        rc = diff_container(diffs, json_array_get(have, i), want, 1);
    return rc;
}

int gf_taskdef_diff(json_t **diffs_out, const json_t *desired, const json_t *actual)
{
    json_t *want = NULL;
    json_t *have = NULL;
    json_t *diffs = NULL;
    int rc;

    *diffs_out = NULL;
    rc = gf_taskdef_normalise(&want, desired);
    if (rc == 0)
        rc = gf_taskdef_normalise(&have, actual);
    if (rc == 0) {
        diffs = json_array();
        rc = diffs ? 0 : gf_error_oom();
    }
    if (rc == 0)
        rc = diff_objects(diffs, "", want, have, "containerDefinitions");
    if (rc == 0)
        rc = diff_containers(diffs, json_object_get(want, "containerDefinitions"),
                             json_object_get(have, "containerDefinitions"));
    if (rc == 0) {
        *diffs_out = diffs;
        diffs = NULL;
    }
    json_decref(diffs);
    json_decref(want);
    json_decref(have);
    return rc;
}
