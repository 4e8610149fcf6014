/* SPDX-License-Identifier: Apache-2.0 */
/* stack_bench.c: parse + validate + defaults + emit of a generated stack with many tasks.
 * Not a test: scripts/bench.sh runs it and docs/benchmarks.md records the figures.
 * Usage: stack_bench [TASKS=500] [ROUNDS=50] */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/stack.h"
#include "common/banned.h"

/* A stack in the App::FargateStack format: a mix of every task kind and most keys. */
static void generate(struct gf_buf *y, int tasks)
{
    int i;

    gf_buf_puts(y, "app:\n  name: bench\n  version: 1.0.0\nregion: us-east-1\n"
                   "domain: bench.example.com\nlog_group:\n  retention_days: 30\n"
                   "queue:\n  name: bench-jobs\n  max_receive_count: 5\n"
                   "bucket:\n  name: bench-data-bucket\n  readonly: true\n  paths:\n    - in/*\n"
                   "tasks:\n");
    for (i = 0; i < tasks; i++) {
        gf_buf_printf(y, "  job-%04d:\n", i);
        if (i == 0) {
            gf_buf_puts(y, "    type: https\n    image: web:1.2.3\n    port: 80\n"
                           "    health_check:\n      path: /healthz\n");
        } else if (i % 3 == 0) {
            gf_buf_puts(y, "    type: daemon\n    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                           "worker:2.0\n    size: small\n");
        } else {
            gf_buf_printf(y, "    type: task\n    image: report:latest\n"
                             "    schedule: cron(%d %d * * ? *)\n    cpu: 512\n    memory: 1024\n",
                          i % 60, i % 24);
        }
        gf_buf_printf(y, "    command: /app/run --job %d\n    environment:\n      LOG_LEVEL: info\n"
                         "      JOB_ID: \"%d\"\n    secrets:\n      - /bench/db-password:DB_PASSWORD\n",
                      i, i);
    }
}

static int one_round(const struct gf_buf *yaml, struct gf_buf *out)
{
    struct gf_diags diags;
    struct gf_stack *stack = NULL;
    int rc;

    gf_diags_init(&diags);
    rc = gf_stack_parse(&stack, &diags, "bench.yml", gf_buf_slice(yaml));
    if (rc == 0 && diags.n_errors == 0)
        rc = gf_stack_validate(stack, &diags);
    if (rc == 0)
        rc = gf_stack_defaults(stack);
    if (rc == 0) {
        gf_buf_clear(out);
        rc = gf_stack_emit(out, stack);
    }
    if (rc < 0 || diags.n_errors) {
        struct gf_buf d = GF_BUF_INIT;

        gf_diags_format(&d, &diags, "bench.yml");
        fprintf(stderr, "stack_bench: round failed (%d): %s\n%s", rc, gf_error_last()->msg, d.ptr);
        gf_buf_release(&d);
        rc = rc < 0 ? rc : GF_EINVALID;
    }
    gf_stack_free(stack);
    gf_diags_release(&diags);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct gf_buf yaml = GF_BUF_INIT, out = GF_BUF_INIT;
    int tasks = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 500;
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 50;
    int64_t *us;
    struct rusage ru;
    int i;

    if (tasks < 1 || rounds < 1)
        return 64;
    us = calloc((size_t)rounds, sizeof(*us));
    generate(&yaml, tasks);
    for (i = 0; i < rounds; i++) {
        struct timespec a, b;

        clock_gettime(CLOCK_MONOTONIC, &a);
        if (one_round(&yaml, &out) < 0)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        us[i] = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000;
    }
    qsort(us, (size_t)rounds, sizeof(*us), cmp_i64);
    getrusage(RUSAGE_SELF, &ru);
    printf("stack_bench: %d tasks, %zu bytes of YAML in, %zu bytes emitted, %d rounds\n", tasks,
           yaml.len, out.len, rounds);
    printf("parse+validate+defaults+emit: median %.2f ms, min %.2f ms, max %.2f ms\n",
           (double)us[rounds / 2] / 1000.0, (double)us[0] / 1000.0,
           (double)us[rounds - 1] / 1000.0);
    printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    free(us);
    gf_buf_release(&yaml);
    gf_buf_release(&out);
    return 0;
}
