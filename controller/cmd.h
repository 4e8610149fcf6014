/* SPDX-License-Identifier: Apache-2.0 */
/* cmd.h: the CLI command table. One file per command, controller/cmd_<name>.c, exporting one
 * const struct gf_cmd listed once in controller/commands.c (tmux cmd-*.c). */
#ifndef GF_CMD_H
#define GF_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "common/log.h"

/* Options every command accepts, before or after the command name (controller/cli.c takes them
 * out of argv before the command sees it). Strings borrow from argv. */
struct gf_cli {
    const char *config;  /* -c/--config FILE */
    const char *profile; /* -p/--profile NAME */
    const char *region;  /* -r/--region REGION */
    enum gf_log_level log_level;
    enum gf_log_format log_format;
    int color; /* -1 auto, 0 --no-color, 1 --color */
};

struct gf_cmd {
    const char *name;
    const char *alias;   /* or NULL */
    const char *summary; /* one line, for `gitfargate --help` */
    const char *usage;   /* "gitfargate validate [--format text|json] FILE..." */
    const char *help;    /* the rest of `gitfargate CMD --help`: what it does, its options */
    /* argv[0] is the command name; the global options are already removed. Returns the process
     * exit status (controller/exit.h). */
    int (*run)(int argc, char **argv, const struct gf_cli *cli);
};

/* The table, NULL-terminated (controller/commands.c). */
extern const struct gf_cmd *const gf_commands[];

/* Find a command by name, alias or unique prefix of a name; NULL if none or ambiguous (then
 * *ambiguous is true). */
const struct gf_cmd *gf_cmd_find(const char *name, bool *ambiguous);

/* Print `usage: ...` and the command's help to `to`. */
void gf_cmd_print_help(FILE *to, const struct gf_cmd *cmd);

/* Report a usage error for cmd on stderr ("gitfargate CMD: MSG" + usage); returns GF_EXIT_USAGE. */
int gf_cmd_usage_error(const struct gf_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print the calling thread's gf_error on stderr as "gitfargate: WHERE: error: MSG (HINT)" and
 * return the exit status for its code. */
int gf_cmd_fail(void);

#endif
