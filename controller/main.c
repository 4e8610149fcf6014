/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the `gitfargate` entry point: global options, then the command table (cmd.h). */
#include <stdio.h>
#include <string.h>

#include "controller/cmd.h"
#include "controller/cli.h"
#include "common/banned.h"

int main(int argc, char **argv)
{
    return gf_cli_main(argc, argv);
}
