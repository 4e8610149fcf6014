/* SPDX-License-Identifier: Apache-2.0 */
/* policy.c: the IAM trust and inline policy documents of a stack (reference/
 * fargatestack-behaviour.md §6.6, §8), the secret and image resolution they share with
 * reconcile/taskdef.c, and the canonical comparison the planner uses for "policy changed".
 * Pure: the plan step calls it to derive the desired role policies; no I/O. */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "state/stack.h"

#include "common/banned.h"

/* ---- the context --------------------------------------------------------------------------- */

static const char *ctx_partition(const struct gf_build_ctx *ctx)
{
    return ctx->partition ? ctx->partition : "aws";
}

static const char *ctx_region(const struct gf_build_ctx *ctx)
{
    return ctx->region ? ctx->region : ctx->stack->region.v;
}

static const char *ctx_account(const struct gf_build_ctx *ctx)
{
    return ctx->account ? ctx->account : ctx->stack->account.v;
}

static int ctx_check(const struct gf_build_ctx *ctx)
{
    const char *what = !ctx_account(ctx) ? "account" : !ctx_region(ctx) ? "region" : NULL;

    if (!what)
        return 0;
    gf_error_set(GF_EINVALID, "no %s to build the ARNs of stack '%s' with", what,
                 ctx->stack->app_name.v ? ctx->stack->app_name.v : "");
    gf_error_key("%s", what);
    return GF_EINVALID;
}

static const char *pair_get(const struct gf_build_pair *pairs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].name && strcmp(pairs[i].name, name) == 0)
            return pairs[i].value;
    }
    return NULL;
}

/* ---- secrets ------------------------------------------------------------------------------- */

static size_t count_char(struct gf_slice s, char ch)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++)
        n += s.ptr[i] == ch;
    return n;
}

/* Split "<source>:<env>" at the last ':' when has_env. */
static void split_last(struct gf_slice *source, struct gf_slice *env, struct gf_slice s,
                       bool has_env)
{
    size_t cut = s.len;

    *env = gf_slice_make("", 0);
    if (has_env) {
        while (cut > 0 && s.ptr[cut - 1] != ':')
            cut--;
        *env = gf_slice_sub(s, cut, s.len);
        cut--;
    }
    *source = gf_slice_sub(s, 0, cut);
}

/* The upper-cased variable name: as written, else the last '/' segment of the name. */
static char *env_name(struct gf_slice env, struct gf_slice name)
{
    struct gf_buf b = GF_BUF_INIT;
    size_t i;

    if (!env.len) {
        i = name.len;
        while (i > 0 && name.ptr[i - 1] != '/' && name.ptr[i - 1] != ':')
            i--;
        env = gf_slice_sub(name, i, name.len);
    }
    for (i = 0; i < env.len; i++) {
        char c = env.ptr[i];

        gf_buf_putc(&b, c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
    }
    return gf_buf_detach(&b);
}

/* A Secrets Manager secret by name: the resolved ARN, else the partial ARN (value_from) and the
 * suffix pattern (grant). */
static int secret_by_name(struct gf_secret_ref *r, const struct gf_build_ctx *ctx,
                          struct gf_slice name)
{
    struct gf_buf b = GF_BUF_INIT;
    const char *arn;
    char *key = gf_slice_dup(name);

    if (!key)
        return gf_error_oom();
    arn = pair_get(ctx->secret_arns, ctx->n_secret_arns, key);
    gf_free(key);
    if (arn) {
        r->value_from = gf_strdup(arn);
        r->grant = gf_strdup(arn);
    } else {
        gf_buf_printf(&b, "arn:%s:secretsmanager:%s:%s:secret:%.*s", ctx_partition(ctx),
                      ctx_region(ctx), ctx_account(ctx), GF_SLICE_FMT(name));
        r->value_from = gf_strdup(b.ptr);
        gf_buf_puts(&b, "-??????"); /* Secrets Manager adds 6 random characters */
        r->grant = gf_buf_detach(&b);
    }
    gf_buf_release(&b);
    return r->value_from && r->grant ? 0 : gf_error_oom();
}

/* An SSM parameter by name: arn:...:parameter/<name> ('/'-prefixed names keep one '/'). */
static int parameter_by_name(struct gf_secret_ref *r, const struct gf_build_ctx *ctx,
                             struct gf_slice name)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_buf_printf(&b, "arn:%s:ssm:%s:%s:parameter%s%.*s", ctx_partition(ctx), ctx_region(ctx),
                  ctx_account(ctx), name.len && name.ptr[0] == '/' ? "" : "/",
                  GF_SLICE_FMT(name));
    r->value_from = gf_strdup(b.ptr);
    r->grant = gf_buf_detach(&b);
    r->store = GF_SECRET_SSM;
    return r->value_from && r->grant ? 0 : gf_error_oom();
}

static bool arn_is_ssm(struct gf_slice arn)
{
    long c1 = gf_slice_find(arn, ':', 0);
    long c2 = c1 < 0 ? -1 : gf_slice_find(arn, ':', (size_t)c1 + 1);

    return c2 >= 0 && gf_slice_starts_with(gf_slice_sub(arn, (size_t)c2 + 1, arn.len), "ssm:");
}

static int ref_from_arn(struct gf_secret_ref *r, struct gf_slice arn)
{
    r->store = arn_is_ssm(arn) ? GF_SECRET_SSM : GF_SECRET_SECRETSMANAGER;
    r->value_from = gf_slice_dup(arn);
    r->grant = gf_slice_dup(arn);
    return r->value_from && r->grant ? 0 : gf_error_oom();
}

/* One list entry (forms in policy.h; the same splitting as state/validate.c). */
static int parse_entry(struct gf_secret_ref *r, const struct gf_build_ctx *ctx, const char *entry)
{
    struct gf_slice s = gf_slice_from(entry);
    struct gf_slice source, env, name;
    size_t colons = count_char(s, ':');
    int rc;

    if (gf_slice_starts_with(s, "arn:")) {
        size_t want = arn_is_ssm(s) ? 5 : 6; /* colons inside the ARN itself */

        split_last(&source, &env, s, colons > want);
        name = gf_slice_sub(source, (size_t)gf_slice_find(source, ':', 0), source.len);
        rc = ref_from_arn(r, source);
    } else if (gf_slice_starts_with(s, "ssm:")) {
        split_last(&name, &env, gf_slice_sub(s, 4, s.len), colons > 1);
        rc = parameter_by_name(r, ctx, name);
    } else {
        long colon = gf_slice_find(s, ':', 0); /* FargateStack splits at the first ':' */

        name = colon < 0 ? s : gf_slice_sub(s, 0, (size_t)colon);
        env = colon < 0 ? gf_slice_make("", 0) : gf_slice_sub(s, (size_t)colon + 1, s.len);
        rc = secret_by_name(r, ctx, name);
    }
    if (rc < 0)
        return rc;
    if (!name.len)
        return gf_error_set(GF_EINVALID, "secret '%s' names no secret", entry);
    r->env = env_name(env, name);
    return r->env ? 0 : gf_error_oom();
}

/* A map entry: "<path>:<ENV>" -> ARN. */
static int parse_map_entry(struct gf_secret_ref *r, const struct gf_kv *kv)
{
    struct gf_slice k = gf_slice_from(kv->key);
    long colon = gf_slice_find(k, ':', 0);
    struct gf_slice name = colon < 0 ? k : gf_slice_sub(k, 0, (size_t)colon);
    struct gf_slice env = colon < 0 ? gf_slice_make("", 0) : gf_slice_sub(k, (size_t)colon + 1, k.len);
    int rc = ref_from_arn(r, gf_slice_from(kv->value));

    if (rc < 0)
        return rc;
    r->env = env_name(env, name);
    return r->env ? 0 : gf_error_oom();
}

void gf_secret_refs_free(struct gf_secret_ref *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++) {
        gf_free(refs[i].env);
        gf_free(refs[i].value_from);
        gf_free(refs[i].grant);
    }
    gf_free(refs);
}

int gf_secret_refs(struct gf_secret_ref **out, size_t *n_out, const struct gf_build_ctx *ctx,
                   const struct gf_task *task)
{
    size_t total = task->secrets.n + task->secrets_map.n;
    struct gf_secret_ref *refs = NULL;
    size_t n = 0;
    int rc = 0;

    *out = NULL;
    *n_out = 0;
    if (!total)
        return 0;
    refs = gf_calloc(total, sizeof(*refs));
    if (!refs)
        return gf_error_oom();
    for (; rc == 0 && n < task->secrets.n; n++) {
        rc = parse_entry(&refs[n], ctx, task->secrets.v[n]);
        if (rc < 0)
            gf_error_key("tasks.%s.secrets[%zu]", task->key, n);
    }
    for (size_t i = 0; rc == 0 && i < task->secrets_map.n; i++, n++)
        rc = parse_map_entry(&refs[n], &task->secrets_map.v[i]);
    if (rc < 0) {
        gf_secret_refs_free(refs, total);
        return rc;
    }
    *out = refs;
    *n_out = n;
    return 0;
}

/* ---- images -------------------------------------------------------------------------------- */

/* The reference without ":tag" and "@digest" (a ':' before the last '/' is a registry port). */
static struct gf_slice image_repository(struct gf_slice image)
{
    long at = gf_slice_find(image, '@', 0);
    size_t slash = 0;
    size_t i;

    if (at >= 0)
        image = gf_slice_sub(image, 0, (size_t)at);
    for (i = 0; i < image.len; i++) {
        if (image.ptr[i] == '/')
            slash = i + 1;
    }
    for (i = image.len; i > slash; i--) {
        if (image.ptr[i - 1] == ':')
            return gf_slice_sub(image, 0, i - 1);
    }
    return image;
}

int gf_build_image(struct gf_buf *out, const struct gf_build_ctx *ctx, const struct gf_task *task)
{
    const char *image = pair_get(ctx->images, ctx->n_images, task->key);
    const char *digest = task->image_digest.v;

    if (!image)
        image = task->image.v ? task->image.v : "";
    if (digest && strncmp(digest, "sha256:", 7) == 0) {
        gf_buf_put_slice(out, image_repository(gf_slice_from(image)));
        gf_buf_printf(out, "@%s", digest);
    } else {
        gf_buf_puts(out, image);
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

static bool all_digits(struct gf_slice s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
    }
    return s.len > 0;
}

int gf_build_ecr_repository_arn(struct gf_buf *out, const struct gf_build_ctx *ctx,
                                const char *image)
{
    struct gf_slice s = gf_slice_from(image);
    long slash = gf_slice_find(s, '/', 0);
    struct gf_slice host = slash < 0 ? gf_slice_make("", 0) : gf_slice_sub(s, 0, (size_t)slash);
    long dot = gf_slice_find(host, '.', 0);
    struct gf_slice account, region, repo;
    long rdot;

    /* <12 digits>.dkr.ecr.<region>.amazonaws.com[.cn] */
    if (dot != 12 || !gf_slice_starts_with(gf_slice_sub(host, 12, host.len), ".dkr.ecr."))
        return 0;
    account = gf_slice_sub(host, 0, 12);
    region = gf_slice_sub(host, 21, host.len);
    rdot = gf_slice_find(region, '.', 0);
    if (!all_digits(account) || rdot <= 0 ||
        !gf_slice_starts_with(gf_slice_sub(region, (size_t)rdot, region.len), ".amazonaws.com"))
        return 0;
    region = gf_slice_sub(region, 0, (size_t)rdot);
    repo = image_repository(gf_slice_sub(s, (size_t)slash + 1, s.len));
    if (!repo.len)
        return 0;
    gf_buf_printf(out, "arn:%s:ecr:%.*s:%.*s:repository/%.*s", ctx_partition(ctx),
                  GF_SLICE_FMT(region), GF_SLICE_FMT(account), GF_SLICE_FMT(repo));
    return gf_buf_failed(out) ? gf_error_oom() : 1;
}

/* ---- document building --------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A new array with arr's strings sorted and de-duplicated (arr is released). NULL on OOM. */
static json_t *sorted_unique(json_t *arr)
{
    size_t n = json_array_size(arr);
    const char **v = NULL;
    json_t *out = json_array();

    if (!out || (n && !(v = gf_calloc(n, sizeof(*v))))) {
        json_decref(out);
        json_decref(arr);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        v[i] = json_string_value(json_array_get(arr, i));
        if (!v[i])
            v[i] = "";
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; out && i < n; i++) {
        if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
            continue;
        if (json_array_append_new(out, json_string(v[i])) < 0) {
            json_decref(out);
            out = NULL;
        }
    }
    gf_free(v);
    json_decref(arr);
    return out;
}

/* Statements under construction: the array and the first failure. */
struct doc {
    json_t *stmts;
    int rc;
};

static void add_str(struct doc *d, json_t *arr, const char *s)
{
    if (d->rc == 0 && (!arr || !s || json_array_append_new(arr, json_string(s)) < 0))
        d->rc = gf_error_oom();
}

/* Append {Sid, Effect Allow, Action, Resource[, Condition]}: takes actions, resources and cond
 * over; nothing is added when resources is empty. */
static void add_stmt(struct doc *d, const char *sid, json_t *actions, json_t *resources,
                     json_t *cond)
{
    json_t *st = NULL;

    actions = actions ? sorted_unique(actions) : NULL;
    resources = resources ? sorted_unique(resources) : NULL;
    if (d->rc == 0 && (!actions || !resources))
        d->rc = gf_error_oom();
    if (d->rc == 0 && json_array_size(resources) && json_array_size(actions)) {
        st = json_pack("{s:s, s:s, s:O, s:O}", "Sid", sid, "Effect", "Allow", "Action", actions,
                       "Resource", resources);
        if (st && cond && json_object_set(st, "Condition", cond) < 0)
            json_decref(st), st = NULL;
        if (!st || json_array_append_new(d->stmts, st) < 0)
            d->rc = gf_error_oom();
    }
    json_decref(actions);
    json_decref(resources);
    json_decref(cond);
}

static json_t *strings(const char *const *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a && v[i]; i++) {
        if (json_array_append_new(a, json_string(v[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static void add_printf(struct doc *d, json_t *arr, const char *fmt, ...) GF_PRINTF(3, 4);

static void add_printf(struct doc *d, json_t *arr, const char *fmt, ...)
{
    struct gf_buf b = GF_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    gf_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (gf_buf_failed(&b) && d->rc == 0)
        d->rc = gf_error_oom();
    else
        add_str(d, arr, b.ptr);
    gf_buf_release(&b);
}

/* Secrets and SSM parameters of every task (FargateStack §7.4 [defect] 12: only the last task's
 * secrets reached the policies; here every task's do). */
static void add_secret_stmts(struct doc *d, const struct gf_build_ctx *ctx)
{
    json_t *sm = json_array();
    json_t *ssm = json_array();
    static const char *const sm_actions[] = {"secretsmanager:GetSecretValue", NULL};
    static const char *const ssm_actions[] = {"ssm:GetParameters", NULL};

    for (size_t t = 0; d->rc == 0 && t < ctx->stack->n_tasks; t++) {
        struct gf_secret_ref *refs = NULL;
        size_t n = 0;

        d->rc = gf_secret_refs(&refs, &n, ctx, &ctx->stack->tasks[t]);
        for (size_t i = 0; d->rc == 0 && i < n; i++)
            add_str(d, refs[i].store == GF_SECRET_SSM ? ssm : sm, refs[i].grant);
        gf_secret_refs_free(refs, n);
    }
    add_stmt(d, "Secrets", strings(sm_actions), sm, NULL);
    add_stmt(d, "SsmParameters", strings(ssm_actions), ssm, NULL);
}

static void add_ecr_stmts(struct doc *d, const struct gf_build_ctx *ctx)
{
    static const char *const auth[] = {"ecr:GetAuthorizationToken", NULL};
    static const char *const pull[] = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                       "ecr:GetDownloadUrlForLayer", NULL};
    json_t *repos = json_array();
    struct gf_buf image = GF_BUF_INIT;
    struct gf_buf arn = GF_BUF_INIT;

    /* FargateStack §8.2 lists a repository per task even for non-ECR images (duplicates
     * possible); here only the ECR repositories the images actually come from, once. */
    for (size_t t = 0; d->rc == 0 && t < ctx->stack->n_tasks; t++) {
        int rc;

        gf_buf_clear(&image);
        gf_buf_clear(&arn);
        rc = gf_build_image(&image, ctx, &ctx->stack->tasks[t]);
        if (rc == 0)
            rc = gf_build_ecr_repository_arn(&arn, ctx, image.ptr);
        if (rc < 0)
            d->rc = rc;
        else if (rc == 1)
            add_str(d, repos, arn.ptr);
    }
    gf_buf_release(&image);
    gf_buf_release(&arn);
    if (json_array_size(repos)) {
        json_t *star = json_array();

        add_str(d, star, "*");
        add_stmt(d, "EcrAuth", strings(auth), star, NULL);
    }
    add_stmt(d, "EcrPull", strings(pull), repos, NULL);
}

static void add_logs_stmt(struct doc *d, const struct gf_build_ctx *ctx)
{
    /* FargateStack also grants logs:CreateLogGroup; the group is ours and the task definition
     * does not set awslogs-create-group, so the tasks never need it. */
    static const char *const actions[] = {"logs:CreateLogStream", "logs:PutLogEvents", NULL};
    const char *group = ctx->stack->log_group_name.v;
    json_t *res = json_array();

    if (group) {
        add_printf(d, res, "arn:%s:logs:%s:%s:log-group:%s", ctx_partition(ctx), ctx_region(ctx),
                   ctx_account(ctx), group);
        add_printf(d, res, "arn:%s:logs:%s:%s:log-group:%s:log-stream:*", ctx_partition(ctx),
                   ctx_region(ctx), ctx_account(ctx), group);
    }
    add_stmt(d, "Logs", strings(actions), res, NULL);
}

/* EFS (§8.2): on the execution role as FargateStack places it. Its grant of ClientMount,
 * ClientWrite and ClientRootAccess whatever `readonly` says is narrowed: read-only mounts get
 * ClientMount, read-write ones ClientMount + ClientWrite, nobody root access. */
static void add_efs_stmts(struct doc *d, const struct gf_build_ctx *ctx)
{
    static const char *const ro[] = {"elasticfilesystem:ClientMount", NULL};
    static const char *const rw[] = {"elasticfilesystem:ClientMount",
                                     "elasticfilesystem:ClientWrite", NULL};
    json_t *read = json_array();
    json_t *write = json_array();

    for (size_t t = 0; t < ctx->stack->n_tasks; t++) {
        const struct gf_efs *efs = &ctx->stack->tasks[t].efs;

        if (efs->present && efs->id.v)
            add_printf(d, efs->readonly.v ? read : write,
                       "arn:%s:elasticfilesystem:%s:%s:file-system/%s", ctx_partition(ctx),
                       ctx_region(ctx), ctx_account(ctx), efs->id.v);
    }
    /* a file system mounted read-write anywhere is not also listed read-only */
    for (size_t i = json_array_size(read); d->rc == 0 && i > 0; i--) {
        const char *arn = json_string_value(json_array_get(read, i - 1));

        for (size_t j = 0; j < json_array_size(write); j++) {
            if (strcmp(arn, json_string_value(json_array_get(write, j))) == 0) {
                json_array_remove(read, i - 1);
                break;
            }
        }
    }
    add_stmt(d, "EfsReadWrite", strings(rw), write, NULL);
    add_stmt(d, "EfsRead", strings(ro), read, NULL);
}

/* ---- the task role ---- */

static void add_bucket_stmts(struct doc *d, const struct gf_build_ctx *ctx)
{
    static const char *const full[] = {"s3:GetObject", "s3:PutObject", NULL};
    static const char *const readonly[] = {"s3:GetObject", NULL};
    static const char *const list[] = {"s3:ListBucket", NULL};
    const struct gf_stack *s = ctx->stack;
    const char *p = ctx_partition(ctx);
    json_t *objects = json_array();
    json_t *bucket = json_array();
    json_t *prefixes = json_array();
    json_t *cond = NULL;

    if (!s->bucket_present || !s->bucket_name.v) {
        json_decref(objects);
        json_decref(bucket);
        json_decref(prefixes);
        return;
    }
    /* [defect] 11: with no paths FargateStack grants the object actions on the bucket ARN
     * itself, which grants no object; the intent is every object in it ("<bucket>/" and a star). */
    for (size_t i = 0; i < s->bucket_paths.n; i++) {
        const char *path = s->bucket_paths.v[i];

        path += path[0] == '/';
        add_printf(d, objects, "arn:%s:s3:::%s/%s", p, s->bucket_name.v, path);
        add_str(d, prefixes, path);
    }
    if (!s->bucket_paths.n)
        add_printf(d, objects, "arn:%s:s3:::%s/*", p, s->bucket_name.v);
    add_printf(d, bucket, "arn:%s:s3:::%s", p, s->bucket_name.v);
    /* Path-scoped stacks may list only under their paths (FargateStack lists the whole bucket). */
    if (s->bucket_paths.n) {
        prefixes = sorted_unique(prefixes);
        cond = prefixes ? json_pack("{s:{s:o}}", "StringLike", "s3:prefix", prefixes) : NULL;
        if (!cond && d->rc == 0)
            d->rc = gf_error_oom();
    } else {
        json_decref(prefixes);
    }
    add_stmt(d, "S3Objects", strings(s->bucket_readonly.v ? readonly : full), objects, NULL);
    add_stmt(d, "S3List", strings(list), bucket, cond);
}

/* The actions of a permissions profile (§8.3), or GF_EINVALID. */
static int queue_actions(json_t **out, const struct gf_queue *q, const char *key)
{
    static const char *const consumer[] = {"sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
                                           "sqs:ReceiveMessage", NULL};
    static const char *const producer[] = {"sqs:GetQueueAttributes", "sqs:SendMessage", NULL};
    static const char *const admin[] = {"sqs:*", NULL};
    static const char *const none[] = {NULL};
    const char *profile = q->permissions_profile.v ? q->permissions_profile.v : "consumer";
    const char *const *base = strcmp(profile, "consumer") == 0   ? consumer
                              : strcmp(profile, "producer") == 0 ? producer
                              : strcmp(profile, "admin") == 0    ? admin
                              : strcmp(profile, "none") == 0     ? none
                                                                 : NULL;
    json_t *a;

    *out = NULL;
    if (!base) {
        gf_error_set(GF_EINVALID, "unknown queue permissions profile '%s'", profile);
        gf_error_key("%s.permissions.profile", key);
        gf_error_hint("use one of: consumer, producer, admin, none");
        return GF_EINVALID;
    }
    a = strings(base);
    for (size_t i = 0; a && i < q->permissions_include.n; i++) {
        if (json_array_append_new(a, json_string(q->permissions_include.v[i])) < 0)
            json_decref(a), a = NULL;
    }
    for (size_t i = json_array_size(a); a && i > 0; i--) {
        const char *act = json_string_value(json_array_get(a, i - 1));

        for (size_t j = 0; j < q->permissions_exclude.n; j++) {
            if (strcmp(act, q->permissions_exclude.v[j]) == 0) {
                json_array_remove(a, i - 1);
                break;
            }
        }
    }
    *out = a;
    return a ? 0 : gf_error_oom();
}

/* One SQS statement (§8.3). Actions are sorted: FargateStack's hash order made the order-
 * sensitive comparison report drift ([defect] 13). The ARN is the state's, else the one SQS
 * will give (arn:<p>:sqs:<region>:<account>:<name>), so a dry run of a new queue works
 * ([defect] 10). */
static void add_queue_stmt(struct doc *d, const struct gf_build_ctx *ctx, const struct gf_queue *q,
                           const char *sid, const char *key)
{
    json_t *actions = NULL;
    json_t *res;

    if (d->rc < 0 || !q->name.v)
        return;
    d->rc = queue_actions(&actions, q, key);
    if (d->rc < 0)
        return;
    res = json_array();
    if (q->arn.v)
        add_str(d, res, q->arn.v);
    else
        add_printf(d, res, "arn:%s:sqs:%s:%s:%s", ctx_partition(ctx), ctx_region(ctx),
                   ctx_account(ctx), q->name.v);
    add_stmt(d, sid, actions, res, NULL);
}

/* ---- the events role ---- */

#define EVENTS_FAMILIES_MAX 8000 /* characters of RunTask resources, of IAM's 10,240 */

static void add_events_stmts(struct doc *d, const struct gf_build_ctx *ctx)
{
    static const char *const run[] = {"ecs:RunTask", NULL};
    static const char *const pass[] = {"iam:PassRole", NULL};
    static const char *const tag[] = {"ecs:TagResource", NULL};
    const struct gf_stack *s = ctx->stack;
    const char *p = ctx_partition(ctx);
    const char *r = ctx_region(ctx);
    const char *a = ctx_account(ctx);
    const char *cluster = s->cluster_name.v ? s->cluster_name.v : "";
    json_t *families = json_array();
    json_t *roles = json_array();
    json_t *tasks = json_array();
    struct gf_buf arn = GF_BUF_INIT;
    json_t *cond;

    size_t listed = 0;

    /* [defect] 5: FargateStack lists one scheduled family; every one is listed here, while
     * they fit: IAM caps a role's inline policies at 10,240 characters, so past
     * EVENTS_FAMILIES_MAX characters of ARNs (about a hundred scheduled tasks) RunTask is
     * granted on every task definition, still only in the stack's cluster (the condition). */
    for (size_t t = 0; t < s->n_tasks; t++) {
        const struct gf_task *task = &s->tasks[t];
        const char *family = task->family.v ? task->family.v : task->key;

        if (!gf_task_is_scheduled(task))
            continue;
        add_printf(d, families, "arn:%s:ecs:%s:%s:task-definition/%s:*", p, r, a, family);
        listed += strlen(family) + 48;
    }
    if (listed > EVENTS_FAMILIES_MAX) {
        json_array_clear(families);
        add_printf(d, families, "arn:%s:ecs:%s:%s:task-definition/*", p, r, a);
    }
    gf_buf_printf(&arn, "arn:%s:ecs:%s:%s:cluster/%s", p, r, a, cluster);
    cond = json_pack("{s:{s:s}}", "ArnLike", "ecs:cluster", arn.ptr);
    if ((!cond || gf_buf_failed(&arn)) && d->rc == 0)
        d->rc = gf_error_oom();
    gf_buf_release(&arn);
    add_stmt(d, "RunTask", strings(run), families, cond);
    /* [defect] 5: the task role is passed too, since the task definitions name it. */
    add_printf(d, roles, "arn:%s:iam::%s:role/%s", p, a, s->role.name.v ? s->role.name.v : "");
    add_printf(d, roles, "arn:%s:iam::%s:role/%s", p, a,
               s->task_role.name.v ? s->task_role.name.v : "");
    add_stmt(d, "PassRole", strings(pass), roles, NULL);
    add_printf(d, tasks, "arn:%s:ecs:%s:%s:task/%s/*", p, r, a, cluster);
    add_stmt(d, "TagLaunchedTasks", strings(tag), tasks, NULL);
}

static bool any_scheduled(const struct gf_stack *s)
{
    for (size_t t = 0; t < s->n_tasks; t++) {
        if (gf_task_is_scheduled(&s->tasks[t]))
            return true;
    }
    return false;
}

int gf_policy_trust(json_t **out, enum gf_policy_role role)
{
    const char *service = role == GF_POLICY_EVENTS ? "events.amazonaws.com"
                                                   : "ecs-tasks.amazonaws.com";

    *out = json_pack("{s:s, s:[{s:s, s:{s:s}, s:s}]}", "Version", GF_POLICY_VERSION, "Statement",
                     "Effect", "Allow", "Principal", "Service", service, "Action",
                     "sts:AssumeRole");
    return *out ? 0 : gf_error_oom();
}

int gf_policy_document(json_t **out, const struct gf_build_ctx *ctx, enum gf_policy_role role)
{
    struct doc d = {json_array(), 0};

    *out = NULL;
    d.rc = ctx_check(ctx);
    if (d.rc == 0 && !d.stmts)
        d.rc = gf_error_oom();
    if (d.rc == 0 && role == GF_POLICY_EXECUTION) {
        add_ecr_stmts(&d, ctx);
        add_logs_stmt(&d, ctx);
        add_secret_stmts(&d, ctx);
        add_efs_stmts(&d, ctx);
    } else if (d.rc == 0 && role == GF_POLICY_TASK) {
        add_bucket_stmts(&d, ctx);
        add_queue_stmt(&d, ctx, &ctx->stack->queue, "SQSAllowQueuePolicy", "queue");
        if (ctx->stack->queue.max_receive_count_present)
            add_queue_stmt(&d, ctx, &ctx->stack->dlq, "SQSAllowDlqPolicy", "dlq");
        add_secret_stmts(&d, ctx);
    } else if (d.rc == 0 && role == GF_POLICY_EVENTS && any_scheduled(ctx->stack)) {
        add_events_stmts(&d, ctx);
    }
    if (d.rc == 0 && json_array_size(d.stmts)) {
        *out = json_pack("{s:s, s:O}", "Version", GF_POLICY_VERSION, "Statement", d.stmts);
        if (!*out)
            d.rc = gf_error_oom();
    }
    json_decref(d.stmts);
    return d.rc;
}

/* ---- comparison ---------------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int url_decode(struct gf_buf *out, struct gf_slice s)
{
    for (size_t i = 0; i < s.len; i++) {
        int hi = -1;
        int lo = -1;

        if (s.ptr[i] == '%' && i + 2 < s.len) {
            hi = hexval(s.ptr[i + 1]);
            lo = hexval(s.ptr[i + 2]);
        }
        if (hi >= 0 && lo >= 0) {
            gf_buf_putc(out, (char)(hi * 16 + lo));
            i += 2;
        } else {
            gf_buf_putc(out, s.ptr[i]);
        }
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

int gf_policy_parse(json_t **out, const char *text)
{
    struct gf_slice s = gf_slice_trim(gf_slice_from(text));
    struct gf_buf dec = GF_BUF_INIT;
    json_error_t jerr;
    int rc = 0;

    *out = NULL;
    if (s.len && s.ptr[0] != '{')
        rc = url_decode(&dec, s);
    else
        rc = gf_buf_put_slice(&dec, s);
    if (rc == 0) {
        *out = json_loadb(dec.ptr, dec.len, 0, &jerr);
        if (!*out || !json_is_object(*out)) {
            json_decref(*out);
            *out = NULL;
            rc = gf_error_set(GF_EINVALID, "policy document is not a JSON object: %s",
                              jerr.text[0] ? jerr.text : "not an object");
        }
    }
    gf_buf_release(&dec);
    return rc;
}

/* A string or an array of strings (anything else kept) as a new sorted, unique array. */
static json_t *as_set(const json_t *v)
{
    json_t *a;

    if (json_is_string(v))
        return json_pack("[O]", v);
    if (!json_is_array(v))
        return json_deep_copy(v);
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (!json_is_string(json_array_get(v, i)))
            return json_deep_copy(v);
    }
    a = json_deep_copy(v);
    return a ? sorted_unique(a) : NULL;
}

/* {k: v} with every v as_set (Principal); {op: {k: v}} one level deeper (Condition). */
static json_t *map_of_sets(const json_t *v, int depth)
{
    const char *k;
    json_t *x;
    json_t *out;

    if (!json_is_object(v))
        return as_set(v);
    out = json_object();
    json_object_foreach((json_t *)(uintptr_t)v, k, x)
    {
        json_t *c = depth > 1 ? map_of_sets(x, depth - 1) : as_set(x);

        if (!c || json_object_set_new(out, k, c) < 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *canonical_statement(const json_t *st)
{
    static const char *const sets[] = {"Action", "NotAction", "Resource", "NotResource", NULL};
    json_t *out = json_deep_copy(st);
    json_t *v;

    for (size_t i = 0; out && sets[i]; i++) {
        v = json_object_get(st, sets[i]);
        if (v && json_object_set_new(out, sets[i], as_set(v)) < 0)
            json_decref(out), out = NULL;
    }
    v = json_object_get(st, "Principal");
    if (out && v && json_object_set_new(out, "Principal", map_of_sets(v, 1)) < 0)
        json_decref(out), out = NULL;
    v = json_object_get(st, "NotPrincipal");
    if (out && v && json_object_set_new(out, "NotPrincipal", map_of_sets(v, 1)) < 0)
        json_decref(out), out = NULL;
    v = json_object_get(st, "Condition");
    if (out && v && json_object_set_new(out, "Condition", map_of_sets(v, 2)) < 0)
        json_decref(out), out = NULL;
    return out;
}

struct keyed {
    struct gf_buf text;
    json_t *st;
};

static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    return gf_buf_put(data, buffer, size) < 0 ? -1 : 0;
}

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->text.ptr, ((const struct keyed *)b)->text.ptr);
}

/* Statements canonicalised and sorted by their canonical text. */
static json_t *canonical_statements(const json_t *stmts)
{
    json_t *one = json_is_object(stmts) ? json_pack("[O]", stmts)
                                        : json_incref((json_t *)(uintptr_t)stmts);
    size_t n = json_array_size(one);
    struct keyed *k = n ? gf_calloc(n, sizeof(*k)) : NULL;
    json_t *out = (n && !k) ? NULL : json_array();
    size_t i;

    for (i = 0; i < n; i++)
        gf_buf_init(&k[i].text, 0);
    for (i = 0; out && i < n; i++) {
        k[i].st = canonical_statement(json_array_get(one, i));
        if (!k[i].st || json_dump_callback(k[i].st, dump_to_buf, &k[i].text,
                                           JSON_COMPACT | JSON_SORT_KEYS) < 0)
            json_decref(out), out = NULL;
    }
    if (out && k && n > 1)
        qsort(k, n, sizeof(*k), cmp_keyed);
    for (i = 0; k && i < n; i++) {
        if (out && json_array_append(out, k[i].st) < 0)
            json_decref(out), out = NULL;
        json_decref(k[i].st);
        gf_buf_release(&k[i].text);
    }
    gf_free(k);
    json_decref(one);
    return out;
}

int gf_policy_canonical(json_t **out, const json_t *doc)
{
    json_t *parsed = NULL;
    json_t *stmts;
    int rc;

    *out = NULL;
    if (json_is_string(doc)) {
        rc = gf_policy_parse(&parsed, json_string_value(doc));
        if (rc < 0)
            return rc;
        doc = parsed;
    }
    stmts = json_object_get(doc, "Statement");
    if (!json_is_object(doc) || !(json_is_array(stmts) || json_is_object(stmts))) {
        json_decref(parsed);
        return gf_error_set(GF_EINVALID, "policy document has no Statement");
    }
    *out = json_deep_copy(doc);
    if (*out && json_object_set_new(*out, "Statement", canonical_statements(stmts)) < 0) {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(parsed);
    return *out ? 0 : gf_error_oom();
}

int gf_policy_equal(bool *equal_out, const json_t *a, const json_t *b)
{
    json_t *ca = NULL;
    json_t *cb = NULL;
    int rc;

    *equal_out = false;
    rc = gf_policy_canonical(&ca, a);
    if (rc == 0)
        rc = gf_policy_canonical(&cb, b);
    if (rc == 0)
        *equal_out = json_equal(ca, cb);
    json_decref(ca);
    json_decref(cb);
    return rc;
}
