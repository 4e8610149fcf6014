/* SPDX-License-Identifier: Apache-2.0 */
/* stackcmd.h: what `plan`, `apply` and `destroy` share on a local stack file (the FargateStack
 * way): load + validate + default it, run a reconcile pass (reconcile/reconcile.h) recorded in
 * the audit store, print the plan, and write the enriched file back atomically. */
#ifndef GF_STACKCMD_H
#define GF_STACKCMD_H

#include "controller/cmd.h"
#include "state/stack.h"

enum gf_stackcmd_mode { GF_STACKCMD_PLAN = 0, GF_STACKCMD_APPLY, GF_STACKCMD_DESTROY };

/* Load, validate and default a stack file; diagnostics go to stderr as FILE:LINE:COL lines.
 * 0, GF_EINVALID (invalid: error says how many problems), or the loader's error. */
int gf_stackcmd_load(struct gf_stack **out, const char *path);

/* Write the enriched stack back over `path` atomically, keeping the previous file as
 * `path`.bak; nothing is written when the content is unchanged. 0 or GF_ERROR. */
int gf_stackcmd_write_back(const struct gf_stack *stack, const char *path);

/* Run `cmd` (argv as the command table passes it) in `mode`. Returns the exit status. */
int gf_stackcmd_run(const struct gf_cmd *cmd, enum gf_stackcmd_mode mode, int argc, char **argv,
                    const struct gf_cli *cli);

/* The option text the three commands share, for their --help. */
#define GF_STACKCMD_HELP_OPTIONS                                                                   \
    "  -f, --format FORMAT     the plan as text (default), json, or markdown (a PR comment)\n"   \
    "  --no-cache              read every resource from AWS (drift shows as drift)\n"           \
    "  --parallel N            calls in flight together (default 8)\n"                          \
    "  --endpoint-url URL      one endpoint for every service (local-aws, moto); also\n"       \
    "                          AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>\n"                 \
    "  --no-update             do not write the enriched stack back to the file\n"              \
    "  --db PATH               the audit store and apply journal (default\n"                    \
    "                          .gitfargate/gitfargate.db)\n"                                    \
    "  -q, --quiet             no progress lines on stderr\n"

#endif
