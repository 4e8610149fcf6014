/* SPDX-License-Identifier: Apache-2.0 */
/* cmd.h: the CLI command table. One file per command, controller/cmd_<name>.c, exporting one
 * const struct gf_cmd listed once in controller/commands.c (tmux cmd-*.c). */
#ifndef GF_CMD_H
#define GF_CMD_H

#include <stdbool.h>

#include "common/log.h"

/* Options every command accepts, parsed before the command name or after it. */
struct gf_cli {
    const char *config;  /* -c/--config */
    const char *profile; /* -p/--profile */
    const char *region;  /* -r/--region */
    const char *format;  /* --format text|json|markdown (command-specific) */
    enum gf_log_level log_level;
    enum gf_log_format log_format;
    int color; /* -1 auto, 0 --no-color */
};

struct gf_cmd {
    const char *name;
    const char *alias;   /* or NULL */
    const char *summary; /* one line, for `gitfargate --help` */
    const char *usage;   /* "gitfargate validate [--format text|json] FILE..." */
    const char *help;    /* the rest of `gitfargate CMD --help` */
    /* argv[0] is the command name; returns the process exit status (controller/exit.h). */
    int (*run)(int argc, char **argv, const struct gf_cli *cli);
};

/* The table, NULL-terminated. */
extern const struct gf_cmd *const gf_commands[];

/* Find a command by name, alias or unique prefix; NULL if none or ambiguous (*ambiguous set). */
const struct gf_cmd *gf_cmd_find(const char *name, bool *ambiguous);

#endif
