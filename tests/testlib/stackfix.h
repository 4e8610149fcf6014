/* SPDX-License-Identifier: Apache-2.0 */
/* stackfix.h: one fixture for the integration tests that run the real `gitfargate` binary on a
 * stack file against an AWS backend (awsbackend.h): a temp folder holding the stack file and the
 * audit store, the one pinned environment of every run, the plan as JSON, edits of the enriched
 * file, the store's rows, and the network moto's default VPC lacks.
 *
 * Ownership, for the whole API: the struct owns its backend and paths until
 * gf_test_stack_stop; returned `char *` and `json_t *` are the caller's (free / json_decref).
 * Every function fails the running Criterion test (cr_assert) when it cannot do its job. */
#ifndef GF_TEST_STACKFIX_H
#define GF_TEST_STACKFIX_H

#include <jansson.h>
#include <stdbool.h>

#include "common/buf.h"
#include "awsbackend.h"
#include "testlib.h"

/* Sizes of the caller arrays gf_test_stack_env / gf_test_stack_argv fill. */
#define GF_TEST_STACK_ENV_MAX  16
#define GF_TEST_STACK_ARGV_MAX 40

struct gf_test_stack {
    struct gf_test_aws aws; /* the backend; its client makes the tests' set-up and checks */
    char *dir;              /* temp folder, the working directory of every run */
    char *stack;            /* dir/stack.yml, passed as -c */
    char *db;               /* dir/gf.db, the audit store and journal, passed as --db */
    char endpoint_env[96];  /* AWS_ENDPOINT_URL=<aws.url> */
    int timeout_s;          /* per gitfargate run (120 unless the test sets it) */
};

/* Start the backend `kind` with `backend_args` (NULL-terminated, or NULL; local-aws only), make
 * the temp folder and write `text` as the stack file. moto: skips the test (awsbackend.h) when
 * moto is absent or GF_TEST_SKIP_MOTO is set. */
void gf_test_stack_start(struct gf_test_stack *f, enum gf_test_aws_kind kind, const char *text,
                         const char *const *backend_args);
/* Stop the backend and remove the folder. Safe on a zeroed struct. */
void gf_test_stack_stop(struct gf_test_stack *f);
/* local-aws: restart on the same database (gf_test_aws_restart), the endpoint follows. */
void gf_test_stack_restart(struct gf_test_stack *f, const char *const *backend_args);

/* The environment of every run, NULL-terminated into env_out[GF_TEST_STACK_ENV_MAX]: the
 * backend's test credentials and region, no profile, config, credentials file or instance
 * metadata, the endpoint on 127.0.0.1. The only place the tests pin it. Borrows from f. */
void gf_test_stack_env(const char **env_out, const struct gf_test_stack *f);
/* argv_out[GF_TEST_STACK_ARGV_MAX] = { binary, args..., "-c", stack, "--db", db, NULL }. */
void gf_test_stack_argv(const char **argv_out, const struct gf_test_stack *f,
                        const char *const *args);
/* Run gitfargate with args (NULL-terminated; -c and --db are added) and wait for it (blocks up to
 * f->timeout_s); out is released with gf_test_run_release. */
void gf_test_stack_run(struct gf_test_run *out, struct gf_test_stack *f, const char *const *args);
/* Run and return the exit status; stderr is appended to err_out when given. */
int gf_test_stack_status(struct gf_test_stack *f, const char *const *args, struct gf_buf *err_out);
/* Run; the exit status must be 0. stderr appended to err_out when given. */
void gf_test_stack_ok(struct gf_test_stack *f, const char *const *args, struct gf_buf *err_out);
/* `apply [extra]` (extra may be NULL); the status must be want_status. Returns the mutating-call
 * count of its summary line ("N AWS calls (M mutating)"), 0 when it printed none. */
long gf_test_stack_apply(struct gf_test_stack *f, const char *extra, int want_status,
                         struct gf_buf *err_out);
/* `plan --format json [extra]` (extra may be NULL): the document, owned. */
json_t *gf_test_stack_plan_json(struct gf_test_stack *f, const char *extra);
/* plan.summary.<key> and plan.api_calls.<key> of a plan document. */
long long gf_test_stack_summary(const json_t *plan, const char *key);
long long gf_test_stack_calls(const json_t *plan, const char *key);

/* The stack file: overwrite it; replace the first `from` by `to` (which must be there); cut the
 * block of task `key` out; the value of the first line whose key is `key`, at any indentation
 * (owned). */
void gf_test_stack_write(struct gf_test_stack *f, const char *text);
void gf_test_stack_edit(struct gf_test_stack *f, const char *from, const char *to);
void gf_test_stack_remove_task(struct gf_test_stack *f, const char *key);
char *gf_test_stack_file_value(struct gf_test_stack *f, const char *key);
/* Replace every `from` by `to` in buf. */
void gf_test_stack_replace_all(struct gf_buf *buf, const char *from, const char *to);
/* examples/<file> into out (cleared first), its ECR registry moved from us-east-1 to the tests'
 * region (the backends serve GF_TEST_AWS_REGION). */
void gf_test_stack_read_example(struct gf_buf *out, const char *file);

/* The audit store: the first column of the first row of `sql` as an integer (-1: no row). */
long long gf_test_stack_sql_int(struct gf_test_stack *f, const char *sql);
/* The API calls of the last run (runs in order of start), as sorted "service:Operation" joined
 * by ',' into out (cleared first): all of them, or only those that change something (what the
 * apply journals: not Describe/List/Get/Head/...). Returns their count. */
long long gf_test_stack_last_calls(struct gf_buf *out, struct gf_test_stack *f, bool mutating);

/* moto's default VPC has no internet gateway and no private subnet: attach a gateway routed from
 * the main table (its subnets then classify as public), and add two private subnets routed to a
 * NAT gateway. The ids of the VPC and of the first private subnet are copied into vpc_out and
 * private_out when given (64 bytes each). */
void gf_test_stack_moto_network(struct gf_test_stack *f, char *vpc_out, char *private_out);

#endif
