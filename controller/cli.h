/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h: option parsing shared by every command, and the process's main(). */
#ifndef GF_CLI_H
#define GF_CLI_H

/* Parse global options, configure logging, dispatch to the command; returns the exit status. */
int gf_cli_main(int argc, char **argv);

#endif
