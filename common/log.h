/* SPDX-License-Identifier: Apache-2.0 */
/* log.h: typed, structured logging to stderr (STYLE.md §6).
 *
 * One record is one line written with one write(): a short human line on a terminal, one JSON
 * object elsewhere (or with --log-format json). The macros test the level (and the module
 * filter) before evaluating their arguments, so a disabled debug line costs one branch.
 *
 *     gf_log_info("apply", "action done", GF_F_STR("kind", "service"), GF_F_INT("latency_ms", 412));
 *
 * Never pass a secret value as a field. */
#ifndef GF_LOG_H
#define GF_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum gf_log_level {
    GF_LOG_ERROR = 0,
    GF_LOG_WARN = 1,
    GF_LOG_INFO = 2,
    GF_LOG_DEBUG = 3,
    GF_LOG_TRACE = 4,
};

enum gf_log_format { GF_LOG_FORMAT_AUTO = 0, GF_LOG_FORMAT_HUMAN, GF_LOG_FORMAT_JSON };

enum gf_log_field_type { GF_LOG_F_END = 0, GF_LOG_F_STR, GF_LOG_F_INT, GF_LOG_F_DBL, GF_LOG_F_BOOL };

struct gf_log_field {
    const char *key;
    enum gf_log_field_type type;
    const char *s;
    int64_t i;
    double d;
};

#define GF_F_STR(k, v) ((struct gf_log_field){(k), GF_LOG_F_STR, (v), 0, 0})
#define GF_F_INT(k, v) ((struct gf_log_field){(k), GF_LOG_F_INT, NULL, (int64_t)(v), 0})
#define GF_F_DBL(k, v) ((struct gf_log_field){(k), GF_LOG_F_DBL, NULL, 0, (double)(v)})
#define GF_F_BOOL(k, v) ((struct gf_log_field){(k), GF_LOG_F_BOOL, NULL, (v) ? 1 : 0, 0})
#define GF_F_END ((struct gf_log_field){NULL, GF_LOG_F_END, NULL, 0, 0})

struct gf_log_opts {
    enum gf_log_level level;   /* default GF_LOG_INFO */
    enum gf_log_format format; /* AUTO: human on a TTY, JSON otherwise */
    int color;                 /* -1 auto (TTY and no NO_COLOR), 0 never, 1 always (TTY only) */
    const char *modules;       /* "aws,apply": only these modules below warn; NULL: all */
    int fd;                    /* default 2 */
};

#define GF_LOG_OPTS_INIT {GF_LOG_INFO, GF_LOG_FORMAT_AUTO, -1, NULL, 2}

/* Configure the logger. Reads GITFARGATE_LOG_LEVEL and GITFARGATE_LOG when the options leave
 * them at their defaults, and NO_COLOR. Call before starting threads. */
void gf_log_configure(const struct gf_log_opts *opts);
/* Parse "trace".."error"; -1 if unknown. */
int gf_log_level_parse(const char *name);
const char *gf_log_level_name(enum gf_log_level level);
bool gf_log_enabled(enum gf_log_level level, const char *mod);
/* Set the calling thread's pass context (copied); NULL clears. Shown as "run" / "stack". */
void gf_log_set_run(const char *run_id);
void gf_log_set_stack(const char *stack);

/* Write one record; `fields` ends with GF_F_END. Use the macros instead. */
void gf_log_write(enum gf_log_level level, const char *mod, const char *msg,
                  const struct gf_log_field *fields);
/* Format one record into out_line (NUL-terminated, ends with '\n', cut at size). For tests. */
void gf_log_render(char *out_line, unsigned size, bool json, bool color, int64_t ts_ms,
                   enum gf_log_level level, const char *mod, const char *msg,
                   const struct gf_log_field *fields);

#define GF_LOG_(lvl, mod, msg, ...)                                                                \
    do {                                                                                           \
        if (gf_log_enabled((lvl), (mod)))                                                          \
            gf_log_write((lvl), (mod), (msg), (const struct gf_log_field[]){__VA_ARGS__});         \
    } while (0)

#define gf_log_error(mod, ...) GF_LOG_(GF_LOG_ERROR, mod, __VA_ARGS__, GF_F_END)
#define gf_log_warn(mod, ...) GF_LOG_(GF_LOG_WARN, mod, __VA_ARGS__, GF_F_END)
#define gf_log_info(mod, ...) GF_LOG_(GF_LOG_INFO, mod, __VA_ARGS__, GF_F_END)
#define gf_log_debug(mod, ...) GF_LOG_(GF_LOG_DEBUG, mod, __VA_ARGS__, GF_F_END)
#define gf_log_trace(mod, ...) GF_LOG_(GF_LOG_TRACE, mod, __VA_ARGS__, GF_F_END)

#endif
