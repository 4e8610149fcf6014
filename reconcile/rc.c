/* SPDX-License-Identifier: Apache-2.0 */
/* rc.c: the pass object (reconcile.h) and the helpers kinds use (resource.h): the graph of
 * resources, writing state back into the model, tags, progress and warnings. */
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/svc_ecr.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "reconcile/policy.h"
#include "reconcile/rc_internal.h"
#include "common/banned.h"

#define LOG_MOD "reconcile"

int gf_rc_new(struct gf_rc **out, struct gf_stack *stack, const struct gf_rc_opts *opts)
{
    struct gf_rc *rc;

    *out = NULL;
    if (!opts || !opts->store || !opts->run_id)
        return gf_error_set(GF_EINVALID, "a reconcile pass needs a store and an audit run");
    rc = gf_calloc(1, sizeof(*rc));
    if (!rc)
        return gf_error_oom();
    rc->stack = stack;
    rc->opts = *opts;
    if (rc->opts.parallel <= 0)
        rc->opts.parallel = GF_RC_DEFAULT_PARALLEL;
    if (rc->opts.wait_timeout_s <= 0)
        rc->opts.wait_timeout_s = GF_RC_DEFAULT_WAIT_TIMEOUT;
    pthread_mutex_init(&rc->lock, NULL);
    rc->warnings = json_array();
    rc->problems = json_array();
    if (!rc->warnings || !rc->problems) {
        gf_rc_free(rc);
        return gf_error_oom();
    }
    snprintf(rc->region, sizeof(rc->region), "%s",
             opts->region ? opts->region : (stack->region.v ? stack->region.v : ""));
    snprintf(rc->account, sizeof(rc->account), "%s", stack->account.v ? stack->account.v : "");
    *out = rc;
    return 0;
}

static void res_free(struct gf_rc_res *r)
{
    if (!r)
        return;
    gf_free(r->key);
    gf_free(r->name);
    json_decref(r->desired);
    json_decref(r->actual);
    gf_free(r->id);
    json_decref(r->diffs);
    gf_free(r->reason);
    gf_free(r->deps);
    gf_free(r);
}

static void images_free(struct gf_rc *rc)
{
    size_t i;

    for (i = 0; i < rc->n_images; i++)
        gf_free((char *)rc->images[i].value);
    gf_free(rc->images);
    rc->images = NULL;
    rc->n_images = 0;
}

void gf_rc_free(struct gf_rc *rc)
{
    size_t i;

    if (!rc)
        return;
    for (i = 0; i < rc->n_res; i++)
        res_free(rc->res[i]);
    gf_free(rc->res);
    json_decref(rc->warnings);
    json_decref(rc->problems);
    images_free(rc);
    pthread_mutex_destroy(&rc->lock);
    gf_free(rc);
}

struct gf_stack *gf_rc_stack(const struct gf_rc *rc)
{
    return rc->stack;
}

const char *gf_rc_region(const struct gf_rc *rc)
{
    return rc->region;
}

const char *gf_rc_account(const struct gf_rc *rc)
{
    return rc->account;
}

int gf_rc_wait_timeout_s(const struct gf_rc *rc)
{
    return rc->opts.no_wait ? 0 : rc->opts.wait_timeout_s;
}

int gf_rc_resolved_image(struct gf_buf *out, const struct gf_rc *rc, const struct gf_task *t)
{
    struct gf_ecr_image_ref ref;

    if (!t->image.v || !t->image_digest.v || gf_ecr_parse_image_ref(&ref, t->image.v) < 0 ||
        ref.is_ecr || ref.registry[0])
        return 0;
    gf_buf_printf(out, "%s.dkr.ecr.%s.amazonaws.com/%s:%s", rc->account, rc->region,
                  ref.repository, ref.tag);
    return gf_buf_failed(out) ? gf_error_oom() : 1;
}

int gf_rc_resolve_images(struct gf_rc *rc)
{
    size_t i;
    int code = 0;

    images_free(rc);
    if (rc->stack->n_tasks == 0)
        return 0;
    rc->images = gf_calloc(rc->stack->n_tasks, sizeof(*rc->images));
    if (!rc->images)
        return gf_error_oom();
    for (i = 0; code >= 0 && i < rc->stack->n_tasks; i++) {
        const struct gf_task *t = &rc->stack->tasks[i];
        struct gf_buf ref = GF_BUF_INIT;

        code = gf_rc_resolved_image(&ref, rc, t);
        if (code == 1) {
            rc->images[rc->n_images].name = t->key;
            rc->images[rc->n_images].value = gf_strdup(ref.ptr);
            code = rc->images[rc->n_images++].value ? 0 : gf_error_oom();
        }
        gf_buf_release(&ref);
    }
    return code < 0 ? code : 0;
}

void gf_rc_build_ctx(struct gf_build_ctx *out, const struct gf_rc *rc)
{
    memset(out, 0, sizeof(*out));
    out->stack = rc->stack;
    out->region = rc->region[0] ? rc->region : NULL;
    out->account = rc->account[0] ? rc->account : NULL;
    out->secret_arns = rc->secret_arns;
    out->n_secret_arns = rc->n_secret_arns;
    out->images = rc->images;
    out->n_images = rc->n_images;
}

bool gf_rc_json_has_string(const json_t *a, const char *s)
{
    size_t i;
    const json_t *v;

    json_array_foreach(a, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

const json_t *gf_rc_json_find(const json_t *a, const char *member, const char *value)
{
    size_t i;
    const json_t *v;

    json_array_foreach(a, i, v) {
        const char *have = json_string_value(json_object_get(v, member));

        if (have && strcmp(have, value) == 0)
            return v;
    }
    return NULL;
}

const char *gf_rc_tag_value(const json_t *tags, const char *key_name, const char *value_name,
                            const char *key)
{
    return json_string_value(json_object_get(gf_rc_json_find(tags, key_name, key), value_name));
}

bool gf_rc_tagged_for_stack(const json_t *tags, const char *key_name, const char *value_name,
                            struct gf_rc *rc)
{
    const char *v = gf_rc_tag_value(tags, key_name, value_name, GF_RC_TAG_STACK);

    return v && strcmp(v, gf_rc_stack(rc)->app_name.v) == 0;
}

struct gf_rc_res *gf_rc_find(struct gf_rc *rc, const char *kind, const char *key)
{
    size_t i;

    for (i = 0; i < rc->n_res; i++) {
        if (strcmp(rc->res[i]->kind->name, kind) == 0 && strcmp(rc->res[i]->key, key) == 0)
            return rc->res[i];
    }
    return NULL;
}

int gf_rc_add(struct gf_rc_res **out, struct gf_rc *rc, const struct gf_rc_kind *kind,
              const char *key, const char *name, const void *model)
{
    struct gf_rc_res *r;

    if (out)
        *out = NULL;
    if (gf_rc_find(rc, kind->name, key))
        return gf_error_set(GF_ECONFLICT, "%s '%s' is declared twice", kind->name, key);
    if (rc->n_res == rc->cap_res) {
        size_t cap = rc->cap_res ? rc->cap_res * 2 : 32;
        struct gf_rc_res **v = gf_realloc(rc->res, cap * sizeof(struct gf_rc_res *));

        if (!v)
            return gf_error_oom();
        rc->res = v;
        rc->cap_res = cap;
    }
    r = gf_calloc(1, sizeof(*r));
    if (!r)
        return gf_error_oom();
    r->kind = kind;
    r->key = gf_strdup(key);
    r->name = gf_strdup(name ? name : key);
    r->model = model;
    r->change = GF_CHANGE_NONE;
    r->outcome = GF_ACTION_PLANNED;
    r->seq = (int)rc->n_res;
    if (!r->key || !r->name) {
        res_free(r);
        return gf_error_oom();
    }
    rc->res[rc->n_res++] = r;
    if (out)
        *out = r;
    return 0;
}

int gf_rc_add_orphan(struct gf_rc *rc, const struct gf_rc_kind *kind, const char *key,
                     const char *name, const char *id, json_t *actual)
{
    struct gf_rc_res *r = NULL;
    int code = 0;

    pthread_mutex_lock(&rc->lock);
    if (!gf_rc_find(rc, kind->name, key))
        code = gf_rc_add(&r, rc, kind, key, name, NULL);
    pthread_mutex_unlock(&rc->lock);
    if (!r) {
        json_decref(actual);
        return code;
    }
    r->orphan = true;
    r->exists = true;
    r->actual = actual;
    r->id = id ? gf_strdup(id) : NULL;
    return id && !r->id ? gf_error_oom() : 0;
}

bool gf_rc_wanted(struct gf_rc *rc, const char *kind, const char *key)
{
    struct gf_rc_res *r = gf_rc_find(rc, kind, key);

    return r && !r->orphan;
}

int gf_rc_state_set(struct gf_rc *rc, struct gf_str *field, const char *value)
{
    char *copy = NULL;

    if (value) {
        copy = gf_strdup(value);
        if (!copy)
            return gf_error_oom();
    }
    pthread_mutex_lock(&rc->lock);
    if (field->v && copy && strcmp(field->v, copy) == 0) {
        gf_free(copy); /* unchanged: keep the origin (a user-written ARN stays the user's) */
    } else {
        gf_free(field->v);
        field->v = copy;
        field->origin = copy ? GF_ORIGIN_STATE : GF_ORIGIN_UNSET;
    }
    pthread_mutex_unlock(&rc->lock);
    return 0;
}

static void strlist_clear(struct gf_strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        gf_free(l->v[i]);
    gf_free(l->v);
    gf_free(l->vpos);
    l->v = NULL;
    l->vpos = NULL;
    l->n = 0;
}

int gf_rc_state_set_list(struct gf_rc *rc, struct gf_strlist *field, const json_t *values)
{
    struct gf_strlist next = {NULL, NULL, 0, GF_ORIGIN_STATE, field->pos};
    size_t i, n = json_array_size(values);

    if (n) {
        next.v = gf_calloc(n, sizeof(*next.v));
        next.vpos = gf_calloc(n, sizeof(*next.vpos));
        if (!next.v || !next.vpos) {
            strlist_clear(&next);
            return gf_error_oom();
        }
    }
    for (i = 0; i < n; i++) {
        next.v[i] = gf_strdup(json_string_value(json_array_get(values, i)));
        next.n = i + 1;
        if (!next.v[i]) {
            strlist_clear(&next);
            return gf_error_oom();
        }
    }
    pthread_mutex_lock(&rc->lock);
    strlist_clear(field);
    *field = next;
    if (!n)
        field->origin = GF_ORIGIN_UNSET;
    pthread_mutex_unlock(&rc->lock);
    return 0;
}

const char *gf_rc_or_unknown(const struct gf_str *s)
{
    return s->v && *s->v ? s->v : GF_RC_UNKNOWN;
}

static int tag_add(json_t *tags, const char *kn, const char *vn, const char *k, const char *v)
{
    json_t *t = json_object();

    if (!t || json_object_set_new(t, kn, json_string(k)) < 0 ||
        json_object_set_new(t, vn, json_string(v)) < 0 || json_array_append_new(tags, t) < 0)
        return gf_error_oom();
    return 0;
}

json_t *gf_rc_tags(const struct gf_rc *rc, const struct gf_rc_res *r, const char *key_name,
                   const char *value_name)
{
    const struct gf_stack *s = rc->stack;
    json_t *tags = json_array();
    char key[256];
    int err = 0;

    if (!tags)
        return NULL;
    snprintf(key, sizeof(key), "%s/%s", r->kind->name, r->key);
    err |= tag_add(tags, key_name, value_name, GF_RC_TAG_STACK, s->app_name.v);
    err |= tag_add(tags, key_name, value_name, GF_RC_TAG_MANAGED, "true");
    err |= tag_add(tags, key_name, value_name, GF_RC_TAG_KEY, key);
    if (err) {
        json_decref(tags);
        return NULL;
    }
    return tags;
}

void gf_rc_progress(struct gf_rc *rc, const struct gf_rc_res *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_log_debug(LOG_MOD, msg, GF_F_STR("kind", r ? r->kind->name : ""),
                GF_F_STR("key", r ? r->key : ""));
    if (rc->opts.quiet)
        return;
    pthread_mutex_lock(&rc->lock);
    if (r)
        fprintf(stderr, "  %s %s: %s\n", r->kind->name, r->name, msg);
    else
        fprintf(stderr, "  %s\n", msg);
    pthread_mutex_unlock(&rc->lock);
}

void gf_rc_warn(struct gf_rc *rc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_log_debug(LOG_MOD, msg);
    pthread_mutex_lock(&rc->lock);
    json_array_append_new(rc->warnings, json_string(msg));
    pthread_mutex_unlock(&rc->lock);
}

int gf_rc_sleep(struct gf_rc *rc, int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    (void)rc;
    while (nanosleep(&ts, &ts) != 0)
        ;
    return 0;
}

bool gf_rc_op_mutates(const char *op)
{
    static const char *const s_reads[] = {"Describe", "List", "Get", "Head", "Search",
                                          "Filter", "Lookup", "BatchGet", "BatchCheck"};
    size_t i;

    for (i = 0; i < sizeof(s_reads) / sizeof(s_reads[0]); i++) {
        if (strncmp(op, s_reads[i], strlen(s_reads[i])) == 0)
            return false;
    }
    return true;
}

static void cache_key(char *out, size_t size, const struct gf_rc *rc, const struct gf_rc_res *r)
{
    snprintf(out, size, "rc/%s/%s/%s", rc->stack->app_name.v, r->kind->name, r->key);
}

int gf_rc_cache_get(struct gf_rc *rc, const struct gf_rc_res *r, char *digest_out, char **id_out)
{
    char key[512];
    char *stored = NULL;
    int code;

    *id_out = NULL;
    cache_key(key, sizeof(key), rc, r);
    pthread_mutex_lock(&rc->lock);
    code = gf_store_kv_get(&stored, rc->opts.store, key);
    pthread_mutex_unlock(&rc->lock);
    if (code < 0 || !stored)
        return code;
    if (strlen(stored) < 64 || (stored[64] != '\0' && stored[64] != ' ')) {
        gf_free(stored); /* not ours, or from an older layout: as if absent */
        return 0;
    }
    memcpy(digest_out, stored, 64);
    digest_out[64] = '\0';
    if (stored[64] == ' ' && stored[65] != '\0') {
        *id_out = gf_strdup(stored + 65);
        if (!*id_out)
            code = gf_error_oom();
    }
    gf_free(stored);
    return code < 0 ? code : 1;
}

int gf_rc_desire(struct gf_rc *rc, struct gf_rc_res *r)
{
    int code;

    json_decref(r->desired);
    r->desired = NULL;
    r->digest[0] = '\0';
    code = r->kind->desire(r, rc);
    if (code == 0 && r->desired)
        code = gf_rc_digest(r->digest, r->desired);
    return code;
}

int gf_rc_cache_put(struct gf_rc *rc, const struct gf_rc_res *r)
{
    char key[512];
    struct gf_buf value = GF_BUF_INIT;
    bool model_holds_id;
    int code = 0;

    cache_key(key, sizeof(key), rc, r);
    if (r->change == GF_CHANGE_DELETE || !r->digest[0]) {
        pthread_mutex_lock(&rc->lock);
        code = gf_store_kv_delete(rc->opts.store, key);
        pthread_mutex_unlock(&rc->lock);
        return code;
    }
    model_holds_id = r->kind->state_id && !r->orphan && r->kind->state_id(r, rc);
    gf_buf_puts(&value, r->digest);
    if (!model_holds_id && r->id)
        gf_buf_printf(&value, " %s", r->id);
    code = gf_buf_failed(&value) ? gf_error_oom() : 0;
    if (code == 0) {
        pthread_mutex_lock(&rc->lock);
        code = gf_store_kv_set(rc->opts.store, key, value.ptr);
        pthread_mutex_unlock(&rc->lock);
    }
    gf_buf_release(&value);
    return code;
}

int gf_rc_digest(char out[65], const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    int rc;

    if (!text)
        return gf_error_oom();
    rc = gf_sigv4_sha256_hex(out, text, strlen(text));
    free(text); /* jansson's allocator is the C library's */
    return rc;
}

size_t gf_rc_changes(const struct gf_rc *rc)
{
    size_t i, n = 0;

    for (i = 0; i < rc->n_res; i++)
        n += rc->res[i]->change != GF_CHANGE_NONE;
    return n;
}

void gf_rc_call_counts(const struct gf_rc *rc, size_t *all_out, size_t *mutating_out)
{
    struct gf_rc *m = (struct gf_rc *)rc; /* the lock is not part of the value */

    pthread_mutex_lock(&m->lock);
    *all_out = rc->calls;
    *mutating_out = rc->mutating;
    pthread_mutex_unlock(&m->lock);
}
