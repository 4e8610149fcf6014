/* SPDX-License-Identifier: Apache-2.0 */
/* compose.c: running local-aws's ECS tasks for real: a started task becomes a docker compose
 * project (--compose-dir), run with `docker compose up` (--docker). Being written: without those
 * options every entry point is the no-op local.h documents. */
#include <jansson.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/banned.h"

int gf_local_compose_start(struct gf_local_ctx *ctx, const json_t *task, const json_t *taskdef)
{
    (void)task;
    (void)taskdef;
    return ctx->opts && ctx->opts->compose_dir ? GF_ERROR : 0;
}

int gf_local_compose_refresh(struct gf_local_ctx *ctx, json_t *task)
{
    (void)ctx;
    (void)task;
    return 0;
}

int gf_local_compose_stop(struct gf_local_ctx *ctx, const json_t *task)
{
    (void)ctx;
    (void)task;
    return 0;
}
