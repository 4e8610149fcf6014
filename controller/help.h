/* SPDX-License-Identifier: Apache-2.0 */
/* help.h: the subjects of `gitfargate help SUBJECT`, kept as data (as App::FargateStack's help
 * command has them), and their lookup and formatting. The `help` command itself lives in
 * controller/cmd_help.c and only calls this API.
 *
 * Ownership, once for the whole API: subjects are static data, borrowed for the life of the
 * process; formatted text is appended to a caller-owned gf_buf. Nothing here blocks. */
#ifndef GF_HELP_H
#define GF_HELP_H

#include <stddef.h>

#include "common/buf.h"

/* No line of a subject's text, nor of anything formatted here, is wider than this. */
#define GF_HELP_MAX_COLS 100

struct gf_help_subject {
    const char *name;    /* "scheduled-jobs": lower case, words joined by '-' */
    const char *alias;   /* another accepted name ("schedules"), or NULL */
    const char *summary; /* one line, lowercase, no final period */
    const char *text;    /* plain text; every line ends with '\n' */
};

/* All subjects, in display order; *n_out gets their number. Never NULL. */
const struct gf_help_subject *gf_help_subjects(size_t *n_out);

/* Find a subject by name or alias, ignoring case, with ' ' and '_' matching '-' ("exit codes"
 * finds "exit-codes"). An exact name or alias wins; otherwise `name` must be a prefix of the
 * name or alias of exactly one subject.
 * Returns 0 with *out set; GF_ENOTFOUND ("unknown help subject 'x'", hint naming `help help`)
 * when nothing matches; GF_EINVALID when name is NULL or empty ("no help subject given") or
 * when several subjects match ("help subject 'x' is ambiguous", hint "did you mean: a, b").
 * *out is NULL on failure. The gf_error's key is "subject". */
int gf_help_find(const struct gf_help_subject **out, const char *name);

/* The subjects `name` matches (exact match first, else every prefix match), in display order:
 * up to `max` are stored in out[] (out may be NULL when max is 0). Returns how many matched in
 * all, so 0 = none, 1 = found, >1 = ambiguous. */
size_t gf_help_matches(const struct gf_help_subject **out, size_t max, const char *name);

/* Append one subject: a title line ("NAME (also ALIAS) - SUMMARY"), a blank line, the text.
 * Returns 0 or GF_ENOMEM. */
int gf_help_format_subject(struct gf_buf *out, const struct gf_help_subject *subject);

/* Append the list of every subject, one "  NAME  SUMMARY" line each, names aligned.
 * Returns 0 or GF_ENOMEM. */
int gf_help_format_list(struct gf_buf *out);

/* What `gitfargate help [SUBJECT]` prints: no subject (NULL or "") gives the overview followed
 * by the list; "help" gives how to use help followed by the list; anything else the subject
 * gf_help_find finds. Returns 0, GF_ENOMEM, or gf_help_find's failure (nothing appended). */
int gf_help_render(struct gf_buf *out, const char *name);

#endif
