/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_destroy.c: `gitfargate destroy`: delete every resource of a stack in reverse dependency
 * order (controller/stackcmd.c). */
#include "controller/cmd.h"
#include "controller/stackcmd.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_destroy;

static int destroy_run(int argc, char **argv, const struct gf_cli *cli)
{
    return gf_stackcmd_run(&gf_cmd_destroy, GF_STACKCMD_DESTROY, argc, argv, cli);
}

const struct gf_cmd gf_cmd_destroy = {
    .name = "destroy",
    .summary = "delete every AWS resource a stack file made, in reverse dependency order",
    .usage = "gitfargate destroy --yes [-c FILE | FILE] [--force] [options]",
    .help = "Reads the stack's resources and deletes them, dependants first (services before\n"
            "their target groups, listeners before load balancers, roles after what uses\n"
            "them). Buckets and queues, which may hold data, are kept unless --force.\n"
            "Resources the stack only refers to (a VPC, subnets, an EFS file system, a shared\n"
            "load balancer it did not create) are never deleted. The state in the file is\n"
            "cleared for what was deleted.\n\n"
            "Options:\n" GF_STACKCMD_HELP_OPTIONS
            "  --yes                   required: destroy does not ask\n"
            "  --force                 also delete buckets and queues\n\n"
            "Exit status: 0 destroyed, 1 failed, 64 usage error (no --yes), 75, 77 as apply.\n",
    .run = destroy_run,
};
