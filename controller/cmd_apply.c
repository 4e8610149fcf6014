/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_apply.c: `gitfargate apply`: plan, preflight and apply a local stack file, then write the
 * enriched file back (controller/stackcmd.c). */
#include "controller/cmd.h"
#include "controller/stackcmd.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_apply;

static int apply_run(int argc, char **argv, const struct gf_cli *cli)
{
    return gf_stackcmd_run(&gf_cmd_apply, GF_STACKCMD_APPLY, argc, argv, cli);
}

const struct gf_cmd gf_cmd_apply = {
    .name = "apply",
    .summary = "make AWS match a stack file, and write what it found or made back into it",
    .usage = "gitfargate apply [-c FILE | FILE] [--format text|json|markdown] [--no-cache] "
             "[--prune [--force]] [--no-wait] [options]",
    .help = "Plans as `gitfargate plan` does, runs the preflight checks (a failed check changes\n"
            "nothing), then applies the plan: independent actions run together (--parallel),\n"
            "each mutating AWS call is journaled before it is sent, so a run after a crash\n"
            "finishes the job without duplicates. Waits where waiting is the job (certificate\n"
            "issued, service steady). Progress goes to stderr; every run, action and call to\n"
            "the audit store (`gitfargate audit`). A second apply of an unchanged stack makes\n"
            "no mutating call. The enriched stack is written back to the file atomically (the\n"
            "previous one kept as FILE.bak) unless --no-update.\n\n"
            "Options:\n" GF_STACKCMD_HELP_OPTIONS
            "  --prune                 also delete resources tagged for the stack but gone from\n"
            "                          the file (never buckets or queues unless --force)\n"
            "  --force                 with --prune: delete those too\n"
            "  --no-wait               do not wait for certificates and services to settle\n"
            "  --wait-timeout SECONDS  how long to wait for them (default 900)\n\n"
            "Exit status: 0 applied (or nothing to do), 1 invalid stack, failed preflight or\n"
            "failed action, 3 conflict, 64 usage error, 75 AWS unreachable or throttled after\n"
            "retries, 77 credentials refused.\n",
    .run = apply_run,
};
