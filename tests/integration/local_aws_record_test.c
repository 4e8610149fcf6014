/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_record_test.c: `gitfargate local-aws --record FILE` as a real process: one JSON line
 * per operation run (service, operation, decoded input, output or error code), in order, with
 * secret values redacted and no credential or header; a file it cannot open stops the start. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define SECRET_VALUE "hunter2-do-not-record"

/* The file's lines as JSON objects (the test fails on a line that is not one). */
static json_t *read_lines(const char *path)
{
    struct gf_buf text = GF_BUF_INIT;
    json_t *lines = json_array();
    const char *p;

    cr_assert_eq(gf_test_read_file(&text, path), 0, "no record file at %s", path);
    cr_assert(text.len > 0 && text.ptr[text.len - 1] == '\n', "the last line is not complete");
    for (p = text.ptr; *p;) {
        const char *nl = strchr(p, '\n');
        json_error_t err;
        json_t *line = json_loadb(p, (size_t)(nl - p), 0, &err);

        cr_assert(line, "line %zu is not JSON: %s", json_array_size(lines) + 1, err.text);
        json_array_append_new(lines, line);
        p = nl + 1;
    }
    gf_buf_release(&text);
    return lines;
}

/* local-aws started with --record into a temp folder. */
struct recorded {
    char *tmp, *path;
    struct gf_test_aws b;
};

static void record_start(struct recorded *r)
{
    const char *extra[] = {"--record", NULL, NULL};

    memset(r, 0, sizeof(*r));
    r->tmp = gf_test_tmpdir("record");
    r->path = gf_test_path(r->tmp, "calls.jsonl");
    extra[1] = r->path;
    gf_test_aws_start(&r->b, GF_TEST_LOCAL_AWS, extra);
}

static void record_end(struct recorded *r)
{
    free(r->path);
    gf_test_tmpdir_remove(r->tmp);
}

Test(local_aws_record, writes_one_line_per_call_in_order)
{
    struct recorded rec;
    struct gf_test_aws *b = &rec.b;
    const char *path;
    struct gf_buf text = GF_BUF_INIT;
    json_t *out, *lines;
    const json_t *l;

    record_start(&rec);
    path = rec.path;
    out = gf_test_aws_call_ok(b, &gf_aws_ecs, "CreateCluster",
                              json_pack("{s:s}", "clusterName", "recorded"));
    json_decref(out);
    gf_test_aws_call_fails(b, &gf_aws_ecs, "DeleteCluster",
                           json_pack("{s:s}", "cluster", "missing"), "ClusterNotFoundException");
    gf_test_aws_stop(b);

    lines = read_lines(path);
    cr_assert_eq(json_array_size(lines), 2);
    l = json_array_get(lines, 0);
    cr_assert_str_eq(gf_test_json_str(l, "service"), "ecs");
    cr_assert_str_eq(gf_test_json_str(l, "operation"), "CreateCluster");
    cr_assert_str_eq(gf_test_json_str(l, "input.clusterName"), "recorded");
    cr_assert_str_eq(gf_test_json_str(l, "output.cluster.clusterName"), "recorded");
    cr_assert_str_eq(gf_test_json_str(l, "output.cluster.clusterArn"),
                     "arn:aws:ecs:" GF_TEST_AWS_REGION ":" GF_TEST_AWS_ACCOUNT
                     ":cluster/recorded");
    cr_assert_null(json_object_get(l, "error"));
    l = json_array_get(lines, 1);
    cr_assert_str_eq(gf_test_json_str(l, "operation"), "DeleteCluster");
    cr_assert_str_eq(gf_test_json_str(l, "input.cluster"), "missing");
    cr_assert_str_eq(gf_test_json_str(l, "error"), "ClusterNotFoundException");
    cr_assert_eq(json_integer_value(json_object_get(l, "http_status")), 400);
    cr_assert_null(json_object_get(l, "output"));
    cr_assert_eq(json_object_size(l), 5, "service, operation, input, error, http_status only");

    /* no credential and no header in the file */
    cr_assert_eq(gf_test_read_file(&text, path), 0);
    cr_assert_null(strstr(text.ptr, GF_TEST_AWS_KEY));
    cr_assert_null(strstr(text.ptr, GF_TEST_AWS_SECRET));
    cr_assert_null(strstr(text.ptr, "Authorization"));
    gf_buf_release(&text);
    json_decref(lines);
    record_end(&rec);
}

Test(local_aws_record, redacts_secret_values)
{
    struct recorded rec;
    struct gf_test_aws *b = &rec.b;
    const char *path;
    struct gf_buf text = GF_BUF_INIT;
    json_t *out, *lines;
    const json_t *l;

    record_start(&rec);
    path = rec.path;
    out = gf_test_aws_call_ok(b, &gf_aws_secretsmanager, "CreateSecret",
                              json_pack("{s:s, s:s}", "Name", "app/db", "SecretString",
                                        SECRET_VALUE));
    json_decref(out);
    out = gf_test_aws_call_ok(b, &gf_aws_secretsmanager, "GetSecretValue",
                              json_pack("{s:s}", "SecretId", "app/db"));
    cr_assert_str_eq(gf_test_json_str(out, "SecretString"), SECRET_VALUE); /* the API has it */
    json_decref(out);
    gf_test_aws_stop(b);

    lines = read_lines(path);
    cr_assert_eq(json_array_size(lines), 2);
    l = json_array_get(lines, 0);
    cr_assert_str_eq(gf_test_json_str(l, "input.Name"), "app/db");
    cr_assert_str_eq(gf_test_json_str(l, "input.SecretString"), "REDACTED");
    cr_assert_str_eq(gf_test_json_str(json_array_get(lines, 1), "output.SecretString"),
                     "REDACTED");
    cr_assert_eq(gf_test_read_file(&text, path), 0);
    cr_assert_null(strstr(text.ptr, SECRET_VALUE), "a secret value reached the record");
    gf_buf_release(&text);
    json_decref(lines);
    record_end(&rec);
}

Test(local_aws_record, refuses_to_start_when_the_file_cannot_be_opened)
{
    char *tmp = gf_test_tmpdir("record");
    char *path = gf_test_path(tmp, "no-such-folder/calls.jsonl");
    const char *argv[] = {gf_test_binary(), "local-aws", "--listen", "127.0.0.1:0", "--record",
                          path, NULL};
    struct gf_test_run r;
    char want[1024];

    cr_assert_eq(gf_test_run(&r, argv, NULL, NULL, NULL, 30), 0);
    cr_assert_eq(r.status, 1, "exit %d, stderr: %s", r.status, r.err.ptr);
    snprintf(want, sizeof(want),
             "cannot open the --record file '%s': No such file or directory", path);
    cr_assert(strstr(r.err.ptr, want), "stderr: %s", r.err.ptr);
    cr_assert_null(strstr(r.out.ptr, "listening on"));
    gf_test_run_release(&r);
    free(path);
    gf_test_tmpdir_remove(tmp);
}
