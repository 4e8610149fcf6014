/* SPDX-License-Identifier: Apache-2.0 */
/* log.c: structured records to stderr, human on a TTY, JSON lines elsewhere (common/log.h). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/banned.h"

#define LOG_LINE_MAX 8192

static enum gf_log_level s_level = GF_LOG_INFO;
static bool s_json;
static bool s_color;
static int s_fd = 2;
static char s_modules[256];

static _Thread_local char tl_run[64];
static _Thread_local char tl_stack[128];

static const char *const s_level_names[] = {"error", "warn", "info", "debug", "trace"};

int gf_log_level_parse(const char *name)
{
    size_t i;

    if (!name)
        return -1;
    for (i = 0; i < sizeof(s_level_names) / sizeof(s_level_names[0]); i++) {
        if (strcasecmp(name, s_level_names[i]) == 0)
            return (int)i;
    }
    if (strcasecmp(name, "warning") == 0)
        return GF_LOG_WARN;
    return -1;
}

const char *gf_log_level_name(enum gf_log_level level)
{
    if ((unsigned)level > GF_LOG_TRACE)
        return "info";
    return s_level_names[level];
}

void gf_log_configure(const struct gf_log_opts *opts)
{
    struct gf_log_opts defaults = GF_LOG_OPTS_INIT;
    const char *env;
    bool tty;
    int lvl;

    if (!opts)
        opts = &defaults;
    s_fd = opts->fd >= 0 ? opts->fd : 2;
    s_level = opts->level;
    env = getenv("GITFARGATE_LOG_LEVEL");
    lvl = gf_log_level_parse(env);
    if (opts->level == GF_LOG_INFO && lvl >= 0)
        s_level = (enum gf_log_level)lvl;
    env = opts->modules ? opts->modules : getenv("GITFARGATE_LOG");
    snprintf(s_modules, sizeof(s_modules), "%s", env ? env : "");
    tty = isatty(s_fd) == 1;
    if (opts->format == GF_LOG_FORMAT_AUTO)
        s_json = !tty;
    else
        s_json = opts->format == GF_LOG_FORMAT_JSON;
    env = getenv("NO_COLOR");
    if (opts->color == 0 || (env && env[0]) || !tty || s_json)
        s_color = false;
    else
        s_color = true;
}

static bool module_listed(const char *mod)
{
    size_t n = strlen(mod);
    const char *p = s_modules;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if ((len == n && strncmp(p, mod, n) == 0) || (len == 1 && *p == '*'))
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

bool gf_log_enabled(enum gf_log_level level, const char *mod)
{
    if (level > s_level)
        return false;
    /* A module filter narrows info and below; errors and warnings always pass. */
    if (level >= GF_LOG_INFO && s_modules[0] && mod && !module_listed(mod))
        return false;
    return true;
}

void gf_log_set_run(const char *run_id)
{
    snprintf(tl_run, sizeof(tl_run), "%s", run_id ? run_id : "");
}

void gf_log_set_stack(const char *stack)
{
    snprintf(tl_stack, sizeof(tl_stack), "%s", stack ? stack : "");
}

struct line {
    char *p;
    size_t len, size;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (l->len + n >= l->size)
        n = l->size - 1 - l->len;
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void puts_(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

static void put_json_str(struct line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    put(l, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7];

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(l, esc, 2);
        } else if (c == '\n') {
            put(l, "\\n", 2);
        } else if (c == '\r') {
            put(l, "\\r", 2);
        } else if (c == '\t') {
            put(l, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

            put(l, u, 6);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
    put(l, "\"", 1);
}

/* Human values: bare unless they hold spaces, quotes or control characters. */
static void put_human_str(struct line *l, const char *s)
{
    const char *p;
    bool plain = s && *s;

    for (p = s; plain && *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '=')
            plain = false;
    }
    if (plain)
        puts_(l, s);
    else
        put_json_str(l, s ? s : "");
}

static void put_field_value(struct line *l, const struct gf_log_field *f, bool json)
{
    char num[64];

    switch (f->type) {
    case GF_LOG_F_STR:
        if (json)
            put_json_str(l, f->s ? f->s : "");
        else
            put_human_str(l, f->s);
        break;
    case GF_LOG_F_INT:
        snprintf(num, sizeof(num), "%lld", (long long)f->i);
        puts_(l, num);
        break;
    case GF_LOG_F_DBL:
        snprintf(num, sizeof(num), "%.6g", f->d);
        puts_(l, num);
        break;
    case GF_LOG_F_BOOL:
        puts_(l, f->i ? "true" : "false");
        break;
    default:
        break;
    }
}

static void render_json(struct line *l, int64_t ts_ms, enum gf_log_level level, const char *mod,
                        const char *msg, const struct gf_log_field *fields)
{
    char ts[32];

    gf_time_iso8601(ts, sizeof(ts), ts_ms, 1);
    puts_(l, "{\"ts\":\"");
    puts_(l, ts);
    puts_(l, "\",\"level\":\"");
    puts_(l, gf_log_level_name(level));
    puts_(l, "\",\"mod\":");
    put_json_str(l, mod);
    puts_(l, ",\"msg\":");
    put_json_str(l, msg);
    if (tl_run[0]) {
        puts_(l, ",\"run\":");
        put_json_str(l, tl_run);
    }
    if (tl_stack[0]) {
        puts_(l, ",\"stack\":");
        put_json_str(l, tl_stack);
    }
    for (; fields && fields->type != GF_LOG_F_END; fields++) {
        puts_(l, ",");
        put_json_str(l, fields->key);
        puts_(l, ":");
        put_field_value(l, fields, true);
    }
    puts_(l, "}");
}

static void render_human(struct line *l, bool color, int64_t ts_ms, enum gf_log_level level,
                         const char *mod, const char *msg, const struct gf_log_field *fields)
{
    static const char *const colors[] = {"\033[31m", "\033[33m", "\033[32m", "\033[36m",
                                         "\033[90m"};
    char ts[32];
    char lvl[8];

    gf_time_iso8601(ts, sizeof(ts), ts_ms, 1);
    put(l, ts + 11, 12); /* HH:MM:SS.mmm */
    puts_(l, " ");
    if (color)
        puts_(l, colors[level]);
    snprintf(lvl, sizeof(lvl), "%-5s", gf_log_level_name(level));
    puts_(l, lvl);
    if (color)
        puts_(l, "\033[0m");
    puts_(l, " ");
    puts_(l, mod);
    puts_(l, ": ");
    puts_(l, msg);
    if (tl_stack[0]) {
        puts_(l, " stack=");
        put_human_str(l, tl_stack);
    }
    for (; fields && fields->type != GF_LOG_F_END; fields++) {
        puts_(l, " ");
        puts_(l, fields->key);
        puts_(l, "=");
        put_field_value(l, fields, false);
    }
}

void gf_log_render(char *out_line, unsigned size, bool json, bool color, int64_t ts_ms,
                   enum gf_log_level level, const char *mod, const char *msg,
                   const struct gf_log_field *fields)
{
    struct line l = {out_line, 0, size};

    if (size < 2)
        return;
    l.size = size - 1; /* room for '\n' */
    if ((unsigned)level > GF_LOG_TRACE)
        level = GF_LOG_INFO;
    if (json)
        render_json(&l, ts_ms, level, mod ? mod : "", msg ? msg : "", fields);
    else
        render_human(&l, color, ts_ms, level, mod ? mod : "", msg ? msg : "", fields);
    out_line[l.len++] = '\n';
    out_line[l.len] = '\0';
}

void gf_log_write(enum gf_log_level level, const char *mod, const char *msg,
                  const struct gf_log_field *fields)
{
    char line[LOG_LINE_MAX];
    ssize_t w;

    gf_log_render(line, sizeof(line), s_json, s_color, gf_clock_wall_ms(gf_clock_system()), level,
                  mod, msg, fields);
    w = write(s_fd, line, strlen(line));
    (void)w;
}
