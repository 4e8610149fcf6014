/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_help.c: `gitfargate help [SUBJECT]`: the subjects of controller/help.c, or a command's
 * own help when SUBJECT names a command. */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "controller/help.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_help;

static int help_run(int argc, char **argv, const struct gf_cli *cli)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_buf name = GF_BUF_INIT;
    const struct gf_cmd *cmd;
    bool ambiguous;
    int i, rc, status;

    (void)cli;
    /* "help scheduled jobs" and "help scheduled-jobs" are the same subject. */
    for (i = 1; i < argc; i++)
        gf_buf_printf(&name, "%s%s", i > 1 ? " " : "", argv[i]);
    /* Subjects first ("help audit" is the audit subject); a command name no subject matches
     * shows that command's --help. */
    rc = gf_help_render(&out, name.len ? name.ptr : NULL);
    cmd = argc == 2 && rc < 0 ? gf_cmd_find(argv[1], &ambiguous) : NULL;
    if (cmd && strcmp(cmd->name, argv[1]) == 0) {
        gf_cmd_print_help(stdout, cmd);
        status = GF_EXIT_OK;
    } else if (rc == 0) {
        fputs(out.ptr, stdout);
        status = GF_EXIT_OK;
    } else {
        status = gf_cmd_fail();
        if (status == GF_EXIT_FAILURE)
            status = GF_EXIT_USAGE;
    }
    gf_buf_release(&out);
    gf_buf_release(&name);
    return status;
}

const struct gf_cmd gf_cmd_help = {
    .name = "help",
    .summary = "explain the stack format and the tool, by subject ('help help' lists them)",
    .usage = "gitfargate help [SUBJECT | COMMAND]",
    .help = "Without SUBJECT: an overview and the list of subjects. A unique prefix picks a\n"
            "subject ('help sched' for scheduled jobs); a command name shows that command's\n"
            "help. Exit status: 0, or 64 for an unknown or ambiguous subject.\n",
    .run = help_run,
};
