/* SPDX-License-Identifier: Apache-2.0 */
/* awsbackend.h: an AWS endpoint for integration tests and a client pointed at it: either
 * `gitfargate local-aws` (our stand-in, as a real process) or moto server (an implementation
 * nobody here wrote, through ../shared/tools/moto_server.py). Both listen on 127.0.0.1 with a
 * kernel-picked port; the client is built with an injected environment (fixed credentials,
 * AWS_ENDPOINT_URL, a temp HOME), so the tests never read the user's AWS files. A test runs the
 * same scenario against both by taking the backend as a parameter. */
#ifndef GF_TEST_AWSBACKEND_H
#define GF_TEST_AWSBACKEND_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"
#include "common/env.h"
#include "testlib.h"

enum gf_test_aws_kind {
    GF_TEST_LOCAL_AWS,
    GF_TEST_MOTO,
};

#define GF_TEST_AWS_REGION  "eu-west-1"
#define GF_TEST_AWS_ACCOUNT "123456789012" /* local-aws's --account and moto's default */
#define GF_TEST_AWS_KEY     "AKIDLOCALTEST0000001"
#define GF_TEST_AWS_SECRET  "local/Secret+Key/0123456789abcdefghijkl"

struct gf_test_aws {
    enum gf_test_aws_kind kind;
    char *tmp;      /* temp folder (HOME, logs, local-aws's db), removed on stop */
    char url[64];   /* http://127.0.0.1:PORT */
    unsigned port;
    char config[512], creds[512];
    struct gf_test_child child;
    bool started;
    unsigned starts;
    struct gf_env env;
    struct gf_aws_client *client;
};

/* Whether moto can be imported by python3 (cached per process). */
bool gf_test_moto_installed(void);

/* Start `kind` and a client for it. local-aws gets --db TMP/local.db, region GF_TEST_AWS_REGION,
 * account GF_TEST_AWS_ACCOUNT, credentials KEY:SECRET, plus `extra_args` (NULL-terminated, or
 * NULL). moto: cr_skip_test with a clear message when it is not installed. Fails the test when
 * the server does not start. */
void gf_test_aws_start(struct gf_test_aws *b, enum gf_test_aws_kind kind,
                       const char *const *extra_args);
/* Stop the server (SIGTERM), free the client, remove the temp folder. Safe on a zeroed struct. */
void gf_test_aws_stop(struct gf_test_aws *b);
/* local-aws only: stop and start again on the same database (a restart), new port and client. */
void gf_test_aws_restart(struct gf_test_aws *b, const char *const *extra_args);

/* gf_aws_call that must succeed: returns the output (owned). `input` is stolen (may be NULL). */
json_t *gf_test_aws_call_ok(struct gf_test_aws *b, const struct gf_aws_service *svc,
                            const char *op, json_t *input);
/* gf_aws_call that must fail with AWS error code `code` (gf_error_last()->aws_code). */
void gf_test_aws_call_fails(struct gf_test_aws *b, const struct gf_aws_service *svc,
                            const char *op, json_t *input, const char *code);

/* The string at a '.'-separated path of object keys and array indexes ("vpcSet.0.vpcId"),
 * borrowed; NULL when absent. */
const char *gf_test_json_str(const json_t *root, const char *path);
const json_t *gf_test_json_at(const json_t *root, const char *path);

/* local-aws's GET /_localaws/stats (calls, errors, faults), as a new document. */
json_t *gf_test_aws_stats(struct gf_test_aws *b);

#endif
