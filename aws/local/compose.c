/* SPDX-License-Identifier: Apache-2.0 */
/* compose.c: running local-aws's ECS tasks for real. With --compose-dir a started task becomes
 * DIR/<task-id>/compose.yaml (libyaml's emitter; one service per container, secrets resolved
 * into it, mode 0600); with --docker it is run with `docker compose up -d`, its containers'
 * real state read back with `docker compose ps`, and taken down with `down` (fork/exec, never a
 * shell). Without those options every entry point is a no-op. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "aws/local/local.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "common/banned.h"

#define LOG_MOD        "local-aws"
#define COMPOSE_FILE   "compose.yaml"
#define ESSENTIAL_FILE "essential"
#define PS_TIMEOUT_MS  15000
#define PS_MAX_BYTES   (1u << 20)

/* A string member's value, or `dflt`. */
static const char *str_or(const json_t *v, const char *dflt)
{
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* ---- paths -------------------------------------------------------------------------------- */

/* The task id: what follows the last '/' of the task ARN; only [A-Za-z0-9-], so it is safe as
 * a folder name and a compose project name. */
static int task_id(char out[80], const json_t *task)
{
    const char *arn = json_string_value(json_object_get(task, "taskArn"));
    const char *slash = arn ? strrchr(arn, '/') : NULL;
    const char *id = slash ? slash + 1 : arn;
    size_t i, n = id ? strlen(id) : 0;

    if (n == 0 || n >= 80)
        return gf_error_set(GF_EINVALID, "compose: the task has no usable taskArn");
    for (i = 0; i < n; i++) {
        char c = id[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return gf_error_set(GF_EINVALID, "compose: task id '%s' has a character other than "
                                "letters, digits and '-'", id);
    }
    memcpy(out, id, n + 1);
    return 0;
}

static int task_path(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *id,
                     const char *file)
{
    gf_buf_clear(out);
    gf_buf_printf(out, "%s/%s%s%s", ctx->opts->compose_dir, id, file ? "/" : "", file ? file : "");
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* ---- YAML --------------------------------------------------------------------------------- */

struct emit {
    yaml_emitter_t em;
    struct gf_buf *out;
    bool failed;
};

static int on_write(void *data, unsigned char *buffer, size_t size)
{
    struct emit *e = data;

    return gf_buf_put(e->out, (const char *)buffer, size) == 0;
}

static void ev(struct emit *e, yaml_event_t *event, int made)
{
    if (!made || !yaml_emitter_emit(&e->em, event))
        e->failed = true;
}

/* A scalar: `quoted` for values from the task (compose must read them as strings), plain for
 * keys and our own numbers. Compose interpolates `$`, so it is written `$$` in values. */
static void scalar(struct emit *e, const char *s, bool quoted)
{
    struct gf_buf esc = GF_BUF_INIT;
    yaml_event_t event;
    const char *p;

    for (p = s; quoted && *p; p++) {
        if (*p == '$')
            gf_buf_putc(&esc, '$');
        gf_buf_putc(&esc, *p);
    }
    if (quoted && gf_buf_failed(&esc)) {
        e->failed = true;
        return;
    }
    if (quoted && !esc.ptr)
        gf_buf_puts(&esc, "");
    p = quoted ? esc.ptr : s;
    ev(e, &event,
       yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)(uintptr_t)p,
                                    (int)strlen(p), 1, 1,
                                    quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                           : YAML_PLAIN_SCALAR_STYLE));
    if (esc.ptr)
        explicit_bzero(esc.ptr, esc.len); /* it may hold a secret */
    gf_buf_release(&esc);
}

static void key(struct emit *e, const char *k)
{
    scalar(e, k, false);
}

static void kv(struct emit *e, const char *k, const char *v)
{
    key(e, k);
    scalar(e, v, true);
}

static void kv_plain(struct emit *e, const char *k, const char *v)
{
    key(e, k);
    scalar(e, v, false);
}

static void map_start(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event,
       yaml_mapping_start_event_initialize(&event, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event, yaml_mapping_end_event_initialize(&event));
}

static void seq_start(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event,
       yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event, yaml_sequence_end_event_initialize(&event));
}

/* A JSON array of strings as a quoted sequence (command, entryPoint, healthcheck test). */
static void string_seq(struct emit *e, const char *k, const json_t *arr)
{
    size_t i;

    if (!json_array_size(arr))
        return;
    key(e, k);
    seq_start(e);
    for (i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));

        scalar(e, s ? s : "", true);
    }
    seq_end(e);
}

static void int_plain(struct emit *e, const char *k, json_int_t n)
{
    char text[32];

    snprintf(text, sizeof(text), "%lld", (long long)n);
    kv_plain(e, k, text);
}

/* ---- one container ---------------------------------------------------------------------------- */

/* The value a secret's valueFrom names: Secrets Manager ARNs, else SSM (name or ARN). Owned. */
static int secret_value(char **out, struct gf_local_ctx *ctx, const char *container,
                        const json_t *secret)
{
    const char *name = json_string_value(json_object_get(secret, "name"));
    const char *from = json_string_value(json_object_get(secret, "valueFrom"));
    int rc;

    *out = NULL;
    if (!name || !from)
        return gf_error_set(GF_EINVALID, "compose: container '%s' has a secret without name or "
                            "valueFrom", container);
    if (strstr(from, ":secretsmanager:"))
        rc = gf_local_secret_value(out, ctx, from);
    else
        rc = gf_local_ssm_value(out, ctx, from);
    if (rc < 0 || !*out)
        return gf_error_set(rc < 0 ? rc : GF_ENOTFOUND,
                            "compose: container '%s': the secret %s (valueFrom '%s') cannot be "
                            "read", container, name, from);
    return 0;
}

static void free_secret(char *v)
{
    if (v) {
        explicit_bzero(v, strlen(v));
        gf_free(v);
    }
}

static int environment(struct emit *e, struct gf_local_ctx *ctx, const json_t *c,
                       const char *cname)
{
    const json_t *env = json_object_get(c, "environment");
    const json_t *secrets = json_object_get(c, "secrets");
    size_t i;
    int rc = 0;

    if (!json_array_size(env) && !json_array_size(secrets))
        return 0;
    key(e, "environment");
    map_start(e);
    for (i = 0; i < json_array_size(env); i++) {
        const json_t *kvp = json_array_get(env, i);
        const char *n = json_string_value(json_object_get(kvp, "name"));
        const char *v = json_string_value(json_object_get(kvp, "value"));

        if (n)
            kv(e, n, v ? v : "");
    }
    for (i = 0; rc == 0 && i < json_array_size(secrets); i++) {
        const json_t *s = json_array_get(secrets, i);
        char *value = NULL;

        rc = secret_value(&value, ctx, cname, s);
        if (rc == 0)
            kv(e, json_string_value(json_object_get(s, "name")), value);
        free_secret(value);
    }
    map_end(e);
    return rc;
}

static void ports(struct emit *e, const json_t *c)
{
    const json_t *pm = json_object_get(c, "portMappings");
    size_t i;

    if (!json_array_size(pm))
        return;
    key(e, "ports");
    seq_start(e);
    for (i = 0; i < json_array_size(pm); i++) {
        const json_t *m = json_array_get(pm, i);
        json_int_t target = json_integer_value(json_object_get(m, "containerPort"));
        json_int_t host = json_integer_value(json_object_get(m, "hostPort"));
        const char *proto = json_string_value(json_object_get(m, "protocol"));
        char text[16];

        map_start(e);
        int_plain(e, "target", target);
        snprintf(text, sizeof(text), "%lld", (long long)(host ? host : target));
        kv(e, "published", text);
        kv(e, "host_ip", "127.0.0.1");
        kv(e, "protocol", proto ? proto : "tcp");
        map_end(e);
    }
    seq_end(e);
}

/* The task definition's volume `name`, or NULL. */
static const json_t *find_volume(const json_t *taskdef, const char *name)
{
    const json_t *vols = json_object_get(taskdef, "volumes");
    size_t i;

    for (i = 0; name && i < json_array_size(vols); i++) {
        const json_t *v = json_array_get(vols, i);
        const char *n = json_string_value(json_object_get(v, "name"));

        if (n && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

static void volumes(struct emit *e, const json_t *c, const json_t *taskdef)
{
    const json_t *mps = json_object_get(c, "mountPoints");
    size_t i;

    if (!json_array_size(mps))
        return;
    key(e, "volumes");
    seq_start(e);
    for (i = 0; i < json_array_size(mps); i++) {
        const json_t *mp = json_array_get(mps, i);
        const char *src = json_string_value(json_object_get(mp, "sourceVolume"));
        const char *path = json_string_value(json_object_get(mp, "containerPath"));
        const json_t *vol = find_volume(taskdef, src);
        const char *host = json_string_value(
            json_object_get(json_object_get(vol, "host"), "sourcePath"));

        map_start(e);
        kv(e, "type", host ? "bind" : "volume");
        kv(e, "source", host ? host : (src ? src : ""));
        kv(e, "target", path ? path : "");
        if (json_is_true(json_object_get(mp, "readOnly")))
            kv_plain(e, "read_only", "true");
        map_end(e);
    }
    seq_end(e);
}

/* cpu units -> cpus, MiB -> mem_limit / mem_reservation; a lone container gets the task's. */
static void limits(struct emit *e, const json_t *c, const json_t *taskdef, size_t n_containers)
{
    json_int_t cpu = json_integer_value(json_object_get(c, "cpu"));
    json_int_t mem = json_integer_value(json_object_get(c, "memory"));
    json_int_t res = json_integer_value(json_object_get(c, "memoryReservation"));
    char text[32];

    if (n_containers == 1 && !cpu)
        cpu = strtoll(str_or(json_object_get(taskdef, "cpu"), "0"), NULL, 10);
    if (n_containers == 1 && !mem)
        mem = strtoll(str_or(json_object_get(taskdef, "memory"), "0"), NULL, 10);
    if (cpu > 0) {
        snprintf(text, sizeof(text), "%g", (double)cpu / 1024.0);
        kv_plain(e, "cpus", text);
    }
    if (mem > 0) {
        snprintf(text, sizeof(text), "%lldm", (long long)mem);
        kv(e, "mem_limit", text);
    }
    if (res > 0) {
        snprintf(text, sizeof(text), "%lldm", (long long)res);
        kv(e, "mem_reservation", text);
    }
}

static void duration(struct emit *e, const char *k, const json_t *secs)
{
    char text[32];

    if (!json_is_integer(secs))
        return;
    snprintf(text, sizeof(text), "%llds", (long long)json_integer_value(secs));
    kv(e, k, text);
}

static void healthcheck(struct emit *e, const json_t *c)
{
    const json_t *hc = json_object_get(c, "healthCheck");

    if (!json_is_object(hc))
        return;
    key(e, "healthcheck");
    map_start(e);
    string_seq(e, "test", json_object_get(hc, "command"));
    duration(e, "interval", json_object_get(hc, "interval"));
    duration(e, "timeout", json_object_get(hc, "timeout"));
    if (json_is_integer(json_object_get(hc, "retries")))
        int_plain(e, "retries", json_integer_value(json_object_get(hc, "retries")));
    duration(e, "start_period", json_object_get(hc, "startPeriod"));
    map_end(e);
}

/* dependsOn conditions -> compose's. */
static void depends_on(struct emit *e, const json_t *c)
{
    const json_t *deps = json_object_get(c, "dependsOn");
    size_t i;

    if (!json_array_size(deps))
        return;
    key(e, "depends_on");
    map_start(e);
    for (i = 0; i < json_array_size(deps); i++) {
        const json_t *d = json_array_get(deps, i);
        const char *name = json_string_value(json_object_get(d, "containerName"));
        const char *cond = json_string_value(json_object_get(d, "condition"));
        const char *how = "service_started";

        if (!name)
            continue;
        if (cond && (strcmp(cond, "COMPLETE") == 0 || strcmp(cond, "SUCCESS") == 0))
            how = "service_completed_successfully";
        else if (cond && strcmp(cond, "HEALTHY") == 0)
            how = "service_healthy";
        key(e, name);
        map_start(e);
        kv(e, "condition", how);
        map_end(e);
    }
    map_end(e);
}

static void labels(struct emit *e, const json_t *c, const json_t *task)
{
    const json_t *dl = json_object_get(c, "dockerLabels");
    const char *arn = json_string_value(json_object_get(task, "taskArn"));
    const char *k;
    json_t *v;

    key(e, "labels");
    map_start(e);
    json_object_foreach((json_t *)dl, k, v)
    {
        if (json_is_string(v))
            kv(e, k, json_string_value(v));
    }
    kv(e, "gitfargate.task-arn", arn ? arn : "");
    kv(e, "gitfargate.essential",
       json_is_false(json_object_get(c, "essential")) ? "false" : "true");
    map_end(e);
}

static void misc(struct emit *e, const json_t *c)
{
    const char *wd = json_string_value(json_object_get(c, "workingDirectory"));
    const char *user = json_string_value(json_object_get(c, "user"));

    if (wd)
        kv(e, "working_dir", wd);
    if (user)
        kv(e, "user", user);
}

static int service(struct emit *e, struct gf_local_ctx *ctx, const json_t *c, const json_t *task,
                   const json_t *taskdef)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *image = json_string_value(json_object_get(c, "image"));
    const json_t *lp = json_object_get(c, "linuxParameters");
    int rc;

    if (!name || !image)
        return gf_error_set(GF_EINVALID, "compose: a container without name or image");
    key(e, name);
    map_start(e);
    kv(e, "image", image);
    string_seq(e, "entrypoint", json_object_get(c, "entryPoint"));
    string_seq(e, "command", json_object_get(c, "command"));
    misc(e, c);
    rc = environment(e, ctx, c, name);
    ports(e, c);
    volumes(e, c, taskdef);
    limits(e, c, taskdef, json_array_size(json_object_get(taskdef, "containerDefinitions")));
    healthcheck(e, c);
    depends_on(e, c);
    if (json_is_true(json_object_get(lp, "initProcessEnabled")))
        kv_plain(e, "init", "true");
    if (json_is_true(json_object_get(c, "readonlyRootFilesystem")))
        kv_plain(e, "read_only", "true");
    duration(e, "stop_grace_period", json_object_get(c, "stopTimeout"));
    kv(e, "restart", "no"); /* ECS never restarts a container: the task stops instead */
    labels(e, c, task);
    map_end(e);
    return rc;
}

/* Top-level volumes: EFS ones are named local volumes shared by every task (gfl-efs-<fs>). */
static void top_volumes(struct emit *e, const json_t *taskdef)
{
    const json_t *vols = json_object_get(taskdef, "volumes");
    size_t i, n = 0;

    for (i = 0; i < json_array_size(vols); i++)
        n += !json_object_get(json_array_get(vols, i), "host");
    if (!n)
        return;
    key(e, "volumes");
    map_start(e);
    for (i = 0; i < json_array_size(vols); i++) {
        const json_t *v = json_array_get(vols, i);
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *fs = json_string_value(json_object_get(
            json_object_get(v, "efsVolumeConfiguration"), "fileSystemId"));
        char shared[128];

        if (!name || json_object_get(v, "host"))
            continue;
        key(e, name);
        map_start(e);
        if (fs) {
            snprintf(shared, sizeof(shared), "gfl-efs-%s", fs);
            kv(e, "name", shared);
        }
        map_end(e);
    }
    map_end(e);
}

static void doc_start(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING));
    ev(e, &event, yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1));
}

static void doc_end(struct emit *e)
{
    yaml_event_t event;

    ev(e, &event, yaml_document_end_event_initialize(&event, 1));
    ev(e, &event, yaml_stream_end_event_initialize(&event));
}

/* The compose file of task into out. */
static int emit_compose(struct gf_buf *out, struct gf_local_ctx *ctx, const char *id,
                        const json_t *task, const json_t *taskdef)
{
    const json_t *cds = json_object_get(taskdef, "containerDefinitions");
    struct emit e;
    char project[96];
    size_t i;
    int rc = 0;

    memset(&e, 0, sizeof(e));
    e.out = out;
    if (!yaml_emitter_initialize(&e.em))
        return gf_error_oom();
    yaml_emitter_set_output(&e.em, on_write, &e);
    yaml_emitter_set_unicode(&e.em, 1);
    yaml_emitter_set_width(&e.em, -1);
    yaml_emitter_set_indent(&e.em, 2);
    doc_start(&e);
    map_start(&e);
    snprintf(project, sizeof(project), "gfl-%s", id);
    kv(&e, "name", project);
    key(&e, "services");
    map_start(&e);
    for (i = 0; rc == 0 && i < json_array_size(cds); i++)
        rc = service(&e, ctx, json_array_get(cds, i), task, taskdef);
    map_end(&e);
    top_volumes(&e, taskdef);
    map_end(&e);
    doc_end(&e);
    if (rc == 0 && (e.failed || gf_buf_failed(out)))
        rc = gf_error_set(GF_ERROR, "compose: cannot write the YAML: %s",
                          e.em.problem ? e.em.problem : "out of memory");
    yaml_emitter_delete(&e.em);
    return rc;
}

/* ---- files -------------------------------------------------------------------------------- */

/* Write data to path, mode 0600, through a temporary file renamed over it. */
static int write_private(const char *path, const char *data, size_t len)
{
    struct gf_buf tmp = GF_BUF_INIT;
    size_t done = 0;
    int fd, rc = 0;

    gf_buf_printf(&tmp, "%s.tmp", path);
    if (gf_buf_failed(&tmp))
        return gf_error_oom();
    fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0)
        rc = gf_error_set(GF_ERROR, "compose: cannot write '%s': %s", tmp.ptr, strerror(errno));
    while (rc == 0 && done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = gf_error_set(GF_ERROR, "compose: cannot write '%s': %s", tmp.ptr,
                              strerror(errno));
        else
            done += (size_t)n;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = gf_error_set(GF_ERROR, "compose: cannot write '%s': %s", tmp.ptr, strerror(errno));
    if (rc == 0 && rename(tmp.ptr, path) != 0)
        rc = gf_error_set(GF_ERROR, "compose: cannot rename '%s': %s", tmp.ptr, strerror(errno));
    if (rc < 0)
        unlink(tmp.ptr);
    gf_buf_release(&tmp);
    return rc;
}

/* The essential containers' names, one a line, for refresh (the task document lacks them). */
static int write_essential(const char *path, const json_t *taskdef)
{
    const json_t *cds = json_object_get(taskdef, "containerDefinitions");
    struct gf_buf b = GF_BUF_INIT;
    size_t i;
    int rc;

    for (i = 0; i < json_array_size(cds); i++) {
        const json_t *c = json_array_get(cds, i);

        if (!json_is_false(json_object_get(c, "essential")))
            gf_buf_printf(&b, "%s\n", str_or(json_object_get(c, "name"), ""));
    }
    rc = gf_buf_failed(&b) ? gf_error_oom() : write_private(path, b.ptr ? b.ptr : "", b.len);
    gf_buf_release(&b);
    return rc;
}

/* ---- docker ------------------------------------------------------------------------------- */

/* argv of `docker compose -p gfl-<id> -f FILE <verb...>`, borrowed from the arguments. */
static void compose_argv(const char *argv[12], const char *project, const char *file,
                         const char *const *verb)
{
    size_t n = 0, i;

    argv[n++] = "docker";
    argv[n++] = "compose";
    argv[n++] = "-p";
    argv[n++] = project;
    argv[n++] = "-f";
    argv[n++] = file;
    for (i = 0; verb[i] && n < 11; i++)
        argv[n++] = verb[i];
    argv[n] = NULL;
}

/* Start argv in the background, detached (double fork: no zombie), output to log_path. */
static int spawn_detached(const char *const *argv, const char *log_path)
{
    pid_t pid = fork();
    int status = 0;

    if (pid < 0)
        return gf_error_set(GF_ERROR, "compose: cannot fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);

        setsid();
        if (fork() != 0)
            _exit(0);
        if (nul >= 0)
            dup2(nul, 0);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return 0;
}

/* Read fd until EOF or the deadline, into out (at most PS_MAX_BYTES). */
static void read_all(struct gf_buf *out, int fd, int64_t deadline_ms)
{
    char chunk[4096];

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        struct timespec now;
        int64_t left;
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &now);
        left = deadline_ms - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out->len + (size_t)n > PS_MAX_BYTES)
            return;
        gf_buf_put(out, chunk, (size_t)n);
    }
}

/* Run argv and capture its stdout (stderr dropped), waiting at most PS_TIMEOUT_MS. */
static int run_capture(struct gf_buf *out, const char *const *argv)
{
    struct timespec now;
    int pipefd[2], status = 0;
    pid_t pid;

    if (pipe(pipefd) != 0)
        return gf_error_set(GF_ERROR, "compose: pipe: %s", strerror(errno));
    fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
    fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

        dup2(pipefd[1], 1);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 2);
        }
        execvp(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return gf_error_set(GF_ERROR, "compose: cannot fork: %s", strerror(errno));
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    read_all(out, pipefd[0], (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + PS_TIMEOUT_MS);
    close(pipefd[0]);
    kill(pid, SIGKILL); /* no-op when it has exited; never left running past the deadline */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return gf_error_set(GF_ERROR, "compose: `%s %s ... %s` failed", argv[0], argv[1],
                            argv[6] ? argv[6] : "");
    return 0;
}

static int compose_up(struct gf_local_ctx *ctx, const char *id)
{
    static const char *const s_up[] = {"up", "-d", "--quiet-pull", NULL};
    struct gf_buf file = GF_BUF_INIT, log = GF_BUF_INIT;
    const char *argv[12];
    char project[96];
    int rc;

    snprintf(project, sizeof(project), "gfl-%s", id);
    rc = task_path(&file, ctx, id, COMPOSE_FILE);
    if (rc == 0)
        rc = task_path(&log, ctx, id, "docker.log");
    if (rc == 0) {
        compose_argv(argv, project, file.ptr, s_up);
        rc = spawn_detached(argv, log.ptr);
    }
    if (rc == 0)
        gf_log_info(LOG_MOD, "docker compose up", GF_F_STR("project", project));
    gf_buf_release(&file);
    gf_buf_release(&log);
    return rc;
}

int gf_local_compose_start(struct gf_local_ctx *ctx, const json_t *task, const json_t *taskdef)
{
    struct gf_buf yaml = GF_BUF_INIT, path = GF_BUF_INIT;
    char id[80];
    int rc;

    if (!ctx->opts || !ctx->opts->compose_dir)
        return 0;
    rc = task_id(id, task);
    if (rc == 0)
        rc = task_path(&path, ctx, id, NULL);
    if (rc == 0 && mkdir(path.ptr, 0700) != 0 && errno != EEXIST)
        rc = gf_error_set(GF_ERROR, "compose: cannot create '%s': %s", path.ptr, strerror(errno));
    if (rc == 0)
        rc = emit_compose(&yaml, ctx, id, task, taskdef);
    if (rc == 0)
        rc = task_path(&path, ctx, id, COMPOSE_FILE);
    if (rc == 0)
        rc = write_private(path.ptr, yaml.ptr, yaml.len);
    if (rc == 0)
        rc = task_path(&path, ctx, id, ESSENTIAL_FILE);
    if (rc == 0)
        rc = write_essential(path.ptr, taskdef);
    if (rc == 0 && ctx->opts->docker)
        rc = compose_up(ctx, id);
    if (yaml.ptr)
        explicit_bzero(yaml.ptr, yaml.len); /* it holds the secrets' values */
    gf_buf_release(&yaml);
    gf_buf_release(&path);
    return rc;
}

/* ---- refresh ------------------------------------------------------------------------------ */

/* `docker compose ps --format json`: a JSON array (compose < 2.21) or one object a line. */
static json_t *parse_ps(const struct gf_buf *out)
{
    json_t *all = json_loadb(out->ptr ? out->ptr : "", out->len, 0, NULL);
    size_t start = 0;

    if (json_is_array(all))
        return all;
    json_decref(all);
    all = json_array();
    while (all && start < out->len) {
        const char *nl = memchr(out->ptr + start, '\n', out->len - start);
        size_t end = nl ? (size_t)(nl - out->ptr) : out->len;
        json_t *one = json_loadb(out->ptr + start, end - start, 0, NULL);

        if (json_is_object(one))
            json_array_append(all, one);
        json_decref(one);
        start = end + 1;
    }
    return all;
}

static const json_t *ps_entry(const json_t *ps, const char *service)
{
    size_t i;

    for (i = 0; service && i < json_array_size(ps); i++) {
        const char *s = json_string_value(json_object_get(json_array_get(ps, i), "Service"));

        if (s && strcmp(s, service) == 0)
            return json_array_get(ps, i);
    }
    return NULL;
}

static bool is_essential(const struct gf_buf *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list->ptr;

    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len == n && memcmp(p, name, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

/* Copy one container's docker state into the task's container; whether it stopped. */
static bool apply_state(json_t *c, const json_t *entry)
{
    const char *state = json_string_value(json_object_get(entry, "State"));
    bool stopped = state && (strcmp(state, "exited") == 0 || strcmp(state, "dead") == 0);
    const char *status = stopped ? "STOPPED"
                         : state && strcmp(state, "running") == 0 ? "RUNNING"
                                                                  : "PENDING";

    json_object_set_new(c, "lastStatus", json_string(status));
    if (stopped)
        json_object_set_new(c, "exitCode",
                            json_integer(json_integer_value(json_object_get(entry, "ExitCode"))));
    return stopped;
}

static void apply_ps(struct gf_local_ctx *ctx, json_t *task, const json_t *ps,
                     const struct gf_buf *essential)
{
    json_t *cs = json_object_get(task, "containers");
    bool essential_stopped = false, all_running = json_array_size(cs) > 0;
    size_t i;

    for (i = 0; i < json_array_size(cs); i++) {
        json_t *c = json_array_get(cs, i);
        const char *name = json_string_value(json_object_get(c, "name"));
        const json_t *entry = ps_entry(ps, name);
        bool stopped;

        if (!entry) {
            all_running = false;
            continue;
        }
        stopped = apply_state(c, entry);
        all_running &= !stopped && strcmp(json_string_value(json_object_get(c, "lastStatus")),
                                          "RUNNING") == 0;
        essential_stopped |= stopped && name && is_essential(essential, name);
    }
    if (essential_stopped) {
        json_object_set_new(task, "lastStatus", json_string("STOPPED"));
        json_object_set_new(task, "desiredStatus", json_string("STOPPED"));
        json_object_set_new(task, "stopCode", json_string("EssentialContainerExited"));
        json_object_set_new(task, "stoppedReason",
                            json_string("Essential container in task exited"));
        if (!json_object_get(task, "stoppedAt"))
            json_object_set_new(task, "stoppedAt", gf_local_now(ctx));
    } else if (all_running) {
        json_object_set_new(task, "lastStatus", json_string("RUNNING"));
    }
}

int gf_local_compose_refresh(struct gf_local_ctx *ctx, json_t *task)
{
    static const char *const s_ps[] = {"ps", "-a", "--format", "json", NULL};
    struct gf_buf file = GF_BUF_INIT, out = GF_BUF_INIT, essential = GF_BUF_INIT;
    const char *argv[12];
    char id[80], project[96];
    json_t *ps = NULL;
    int rc;

    if (!ctx->opts || !ctx->opts->compose_dir || !ctx->opts->docker)
        return 0;
    rc = task_id(id, task);
    if (rc == 0)
        rc = task_path(&file, ctx, id, ESSENTIAL_FILE);
    if (rc == 0) {
        int fd = open(file.ptr, O_RDONLY | O_CLOEXEC);
        char chunk[1024];
        ssize_t n;

        while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0)
            gf_buf_put(&essential, chunk, (size_t)n);
        if (fd >= 0)
            close(fd);
        rc = task_path(&file, ctx, id, COMPOSE_FILE);
    }
    if (rc == 0) {
        snprintf(project, sizeof(project), "gfl-%s", id);
        compose_argv(argv, project, file.ptr, s_ps);
        rc = run_capture(&out, argv);
    }
    if (rc == 0) {
        ps = parse_ps(&out);
        apply_ps(ctx, task, ps, &essential);
    }
    json_decref(ps);
    gf_buf_release(&file);
    gf_buf_release(&out);
    gf_buf_release(&essential);
    return rc;
}

int gf_local_compose_stop(struct gf_local_ctx *ctx, const json_t *task)
{
    static const char *const s_down[] = {"down", "--timeout", "10", NULL};
    struct gf_buf file = GF_BUF_INIT, log = GF_BUF_INIT;
    const char *argv[12];
    char id[80], project[96];
    int rc;

    if (!ctx->opts || !ctx->opts->compose_dir || !ctx->opts->docker)
        return 0;
    rc = task_id(id, task);
    if (rc == 0)
        rc = task_path(&file, ctx, id, COMPOSE_FILE);
    if (rc == 0)
        rc = task_path(&log, ctx, id, "docker.log");
    if (rc == 0) {
        snprintf(project, sizeof(project), "gfl-%s", id);
        compose_argv(argv, project, file.ptr, s_down);
        rc = spawn_detached(argv, log.ptr);
    }
    gf_buf_release(&file);
    gf_buf_release(&log);
    return rc;
}
