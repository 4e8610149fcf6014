/* SPDX-License-Identifier: Apache-2.0 */
/* commands.c: the command table: adding a command is one file and one line here. */
#include <stddef.h>

#include "controller/cmd.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_apply;
extern const struct gf_cmd gf_cmd_audit;
extern const struct gf_cmd gf_cmd_destroy;
extern const struct gf_cmd gf_cmd_help;
extern const struct gf_cmd gf_cmd_local_aws;
extern const struct gf_cmd gf_cmd_plan;
extern const struct gf_cmd gf_cmd_validate;
extern const struct gf_cmd gf_cmd_version;
extern const struct gf_cmd gf_cmd_whoami;

const struct gf_cmd *const gf_commands[] = {
    &gf_cmd_validate,
    &gf_cmd_plan,
    &gf_cmd_apply,
    &gf_cmd_destroy,
    &gf_cmd_audit,
    &gf_cmd_whoami,
    &gf_cmd_local_aws,
    &gf_cmd_help,
    &gf_cmd_version,
    NULL,
};
