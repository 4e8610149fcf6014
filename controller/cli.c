/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c: global options and dispatch (placeholder until the CLI lands fully). */
#include <stdio.h>
#include <string.h>

#include "controller/cli.h"
#include "controller/cmd.h"
#include "common/banned.h"

const struct gf_cmd *const gf_commands[] = {NULL};

const struct gf_cmd *gf_cmd_find(const char *name, bool *ambiguous)
{
    (void)name;
    *ambiguous = false;
    return NULL;
}

int gf_cli_main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("gitfargate %s\n", GF_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: gitfargate COMMAND [OPTIONS]\n");
    return 64;
}
