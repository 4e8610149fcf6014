/* SPDX-License-Identifier: Apache-2.0 */
/* schema.h: the stack file's schema as data, one row per key (state/schema.c).
 *
 * The rows drive the parser (which key goes where, what type it must be, unknown keys and
 * did-you-mean), the emitter (key order) and the docs (`gitfargate help configuration`).
 * A row array ends with a row whose key is NULL. Offsets are relative to the "base" of the
 * rows' level: struct gf_stack for the top level, struct gf_task for a task, and so on; a
 * nested map row says which base its children use (base + off).
 *
 * All rows are static constant data (borrowed, never freed). */
#ifndef GF_STATE_SCHEMA_H
#define GF_STATE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

enum gf_schema_type {
    GF_SCHEMA_STRING = 0, /* struct gf_str at off; any scalar, kept as written */
    GF_SCHEMA_INT,        /* struct gf_int at off; plain or quoted digits */
    GF_SCHEMA_BOOL,       /* struct gf_bool at off; true/false/yes/no/on/off, any case */
    GF_SCHEMA_STRLIST,    /* struct gf_strlist at off; a list of scalars */
    GF_SCHEMA_STRMAP,     /* struct gf_strmap at off; a map of scalar -> scalar */
    GF_SCHEMA_MAP,   /* nested map: children at base + off; pos at pos_off, present at aux_off */
    GF_SCHEMA_TASKS, /* the tasks map: name -> struct gf_task (keyed array, see below) */
    GF_SCHEMA_SCHEDULED, /* autoscaling.scheduled: name -> struct gf_scheduled_action */
    GF_SCHEMA_SECRETS,   /* a list (gf_strlist at off) or a map (gf_strmap at aux_off) */
    GF_SCHEMA_TASK_TYPE, /* struct gf_str at off (as written) + enum gf_task_type at aux_off */
    GF_SCHEMA_ANY,       /* legacy keys only: any value, not stored */
};

enum gf_schema_flags {
    GF_SCHEMA_REQUIRED = 1 << 0, /* must be present (checked by state/validate.c, not the parser) */
    GF_SCHEMA_STATE = 1 << 1,    /* filled by gitfargate (found or created in AWS) */
    GF_SCHEMA_LEGACY = 1 << 2,   /* accepted with an "ignored" warning and dropped */
    GF_SCHEMA_PRESENCE = 1 << 3, /* its presence, even with an empty value, sets bool at aux_off */
};

#define GF_SCHEMA_NO_OFF ((size_t)-1)

struct gf_schema_row {
    const char *key; /* NULL ends a row array */
    enum gf_schema_type type;
    unsigned flags; /* enum gf_schema_flags */
    size_t off;     /* the value (or, for MAP, the children's base) relative to this level's base */
    size_t pos_off; /* MAP, TASKS, SCHEDULED: struct gf_pos of the key; else GF_SCHEMA_NO_OFF */
    size_t aux_off; /* MAP: bool present; TASKS/SCHEDULED: size_t count; SECRETS: gf_strmap;
                     * TASK_TYPE: enum gf_task_type; PRESENCE: bool; else GF_SCHEMA_NO_OFF */
    /* TASKS and SCHEDULED: `off` holds a pointer to an owned array of elements of elem_size
     * bytes; each element's name (char *) is at elem_key_off and its struct gf_pos at
     * elem_pos_off; the children rows describe one element. */
    size_t elem_size;
    size_t elem_key_off;
    size_t elem_pos_off;
    const struct gf_schema_row *children; /* MAP, TASKS, SCHEDULED */
    const char *doc;                      /* one line for docs and `help configuration` */
};

/* The top-level rows (of struct gf_stack). */
const struct gf_schema_row *gf_schema_stack(void);
/* Number of rows before the terminator. */
size_t gf_schema_count(const struct gf_schema_row *rows);
/* The row named key (len bytes), or NULL. */
const struct gf_schema_row *gf_schema_find(const struct gf_schema_row *rows, const char *key,
                                           size_t len);
/* The non-legacy row closest to `key` by edit distance (transpositions count one, case is
 * ignored), when close enough to be a likely typo; NULL otherwise. */
const struct gf_schema_row *gf_schema_suggest(const struct gf_schema_row *rows, const char *key,
                                              size_t len);
/* "string", "number", "true/false", "list of strings", "map of strings", "map", ... */
const char *gf_schema_type_name(enum gf_schema_type type);

/* Called for every row in schema order, depth first. `path` is the dotted key path with
 * placeholders for names the user picks ("tasks.<task>.efs.id",
 * "tasks.<task>.autoscaling.scheduled.<action>.days"); depth is 0 at the top level.
 * A non-zero return stops the walk and is returned by gf_schema_walk. */
typedef int gf_schema_walk_fn(const struct gf_schema_row *row, const char *path, unsigned depth,
                              void *payload);
/* Walk rows (gf_schema_stack() for all). Returns 0, the callback's non-zero value, or
 * GF_ENOMEM. */
int gf_schema_walk(const struct gf_schema_row *rows, gf_schema_walk_fn *cb, void *payload);

#endif
