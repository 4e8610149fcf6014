/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4_awscli_test.c: aws/sigv4's verifier against an independent signer, the AWS CLI
 * (botocore). A libmicrohttpd server on 127.0.0.1 runs gf_sigv4_verify on every request and
 * records the result; the CLI calls several services and protocols through --endpoint-url. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "aws/local/mhd.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define AKID        "AKIDCLITEST000000001"
#define SECRET      "cli/Secret+Key/0123456789abcdefghijklmn"
#define TOKEN       "FwoGZXIvYXdzE//session+token/with=chars=="
#define MAX_RECORDS 64
#define MAX_HEADERS 64

/* ---- the recording server ------------------------------------------------------------------- */

struct record {
    char method[16];
    char path[256];
    int rc;
    char aws_code[128];
    char msg[512];
    struct gf_sigv4_identity id;
};

struct server {
    struct gf_test_mhd mhd;
    pthread_mutex_t lock;
    struct record rec[MAX_RECORDS];
    size_t n;
};

static int lookup(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice akid,
                  void *payload)
{
    (void)payload;
    if (!gf_slice_eq_str(akid, AKID))
        return GF_ENOTFOUND;
    gf_buf_puts(secret_out, SECRET);
    gf_buf_puts(token_out, TOKEN);
    return 0;
}

/* A body the CLI can parse for the operations this test calls. */
static const char *ok_body(const struct gf_sigv4_identity *id, const char *method,
                           const char **content_type)
{
    *content_type = "text/xml";
    if (!strcmp(id->service, "sts"))
        return "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::"
               "123456789012:user/t</Arn><UserId>" AKID "</UserId><Account>123456789012"
               "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId>"
               "</ResponseMetadata></GetCallerIdentityResponse>";
    if (!strcmp(id->service, "iam"))
        return "<ListRolesResponse><ListRolesResult><Roles/><IsTruncated>false</IsTruncated>"
               "</ListRolesResult><ResponseMetadata><RequestId>r1</RequestId>"
               "</ResponseMetadata></ListRolesResponse>";
    if (!strcmp(id->service, "ec2"))
        return "<DescribeVpcsResponse><requestId>r1</requestId><vpcSet/></DescribeVpcsResponse>";
    if (!strcmp(id->service, "route53"))
        return "<ListHostedZonesResponse><HostedZones/><IsTruncated>false</IsTruncated>"
               "<MaxItems>100</MaxItems></ListHostedZonesResponse>";
    if (!strcmp(id->service, "s3"))
        return strcmp(method, "GET") ? ""
                                     : "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
                                       "<IsTruncated>false</IsTruncated></ListBucketResult>";
    if (!strcmp(id->service, "elasticfilesystem")) {
        *content_type = "application/json";
        return "{\"FileSystems\":[]}";
    }
    *content_type = "application/x-amz-json-1.1";
    return "{}";
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const char *body)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                        MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "x-amzn-RequestId", "r1");
    MHD_add_response_header(r, "ETag", "\"0\"");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, const struct record *rec)
{
    struct gf_buf body = GF_BUF_INIT;
    enum MHD_Result ret;

    gf_buf_printf(&body,
                  "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                  "<Message>denied</Message></Error><RequestId>r1</RequestId></ErrorResponse>",
                  rec->aws_code);
    ret = reply(c, 403, "text/xml", body.ptr);
    gf_buf_release(&body);
    return ret;
}

static void record_result(struct server *s, struct record *out, const char *method, const char *url,
                          int rc, const struct gf_sigv4_identity *id)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->method, sizeof(out->method), "%s", method);
    snprintf(out->path, sizeof(out->path), "%s", url);
    out->rc = rc;
    out->id = *id;
    if (rc < 0) {
        memcpy(out->aws_code, gf_error_last()->aws_code, sizeof(out->aws_code));
        memcpy(out->msg, gf_error_last()->msg, sizeof(out->msg));
    }
    pthread_mutex_lock(&s->lock);
    if (s->n < MAX_RECORDS)
        s->rec[s->n++] = *out;
    pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result verify_and_reply(void *cls, struct MHD_Connection *c, const char *url,
                                        const char *method, const struct gf_buf *upload)
{
    struct server *s = cls;
    struct gf_mhd_request in;
    struct gf_sigv4_identity id;
    struct gf_sigv4_verify_opts opts = {gf_clock_system(), 0, NULL, lookup, NULL};
    struct record rec;
    const char *ctype, *body;
    enum MHD_Result ret;
    int rc;

    cr_assert_eq(gf_mhd_request_collect(&in, c, method, url, gf_buf_slice(upload)), 0);
    rc = gf_sigv4_verify(&id, &in.sigv4, &opts);
    record_result(s, &rec, method, url, rc, &id);
    if (rc < 0) {
        ret = reply_error(c, &rec);
    } else {
        body = ok_body(&id, method, &ctype);
        ret = reply(c, 200, ctype, body);
    }
    gf_mhd_request_release(&in);
    return ret;
}

static void server_start(struct server *s)
{
    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    gf_test_mhd_start(&s->mhd, verify_and_reply, s);
}

static void server_stop(struct server *s)
{
    gf_test_mhd_stop(&s->mhd);
    pthread_mutex_destroy(&s->lock);
}

static size_t server_count(struct server *s)
{
    size_t n;

    pthread_mutex_lock(&s->lock);
    n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* ---- running the CLI ---------------------------------------------------------------------------
 */

/* `aws` on PATH (owned), or NULL. */
static char *find_aws(void)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL, *found = NULL;

    if (!path)
        return NULL;
    copy = gf_strdup(path);
    for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *candidate = gf_test_path(dir, "aws");

        if (access(candidate, X_OK) == 0)
            found = candidate;
        else
            free(candidate);
    }
    gf_free(copy);
    return found;
}

struct cli {
    char *aws, *tmp, *config, *creds;
    char endpoint[64];
    struct server srv;
};

static void cli_setup(struct cli *t)
{
    memset(t, 0, sizeof(*t));
    t->aws = find_aws();
    if (!t->aws)
        cr_skip_test("the AWS CLI ('aws') is not on PATH: no independent signer to check against");
    t->tmp = gf_test_tmpdir("sigv4-cli");
    t->config = gf_test_path(t->tmp, "config");
    t->creds = gf_test_path(t->tmp, "credentials");
    cr_assert_eq(gf_test_write_file(t->config, "", 0), 0);
    cr_assert_eq(gf_test_write_file(t->creds, "", 0), 0);
    server_start(&t->srv);
    snprintf(t->endpoint, sizeof(t->endpoint), "http://127.0.0.1:%u", t->srv.mhd.port);
}

static void cli_teardown(struct cli *t)
{
    server_stop(&t->srv);
    free(t->aws);
    free(t->config);
    free(t->creds);
    gf_test_tmpdir_remove(t->tmp);
}

/* Run `aws <args...> --endpoint-url ... --region eu-west-1` with `secret`; the exit status. */
static int cli_run(struct cli *t, const char *secret, const char *const *args, struct gf_buf *err)
{
    struct gf_buf e_cfg = GF_BUF_INIT, e_creds = GF_BUF_INIT, e_secret = GF_BUF_INIT;
    const char *argv[24];
    struct gf_test_run run;
    size_t n = 0, i;
    int status;

    gf_buf_printf(&e_cfg, "AWS_CONFIG_FILE=%s", t->config);
    gf_buf_printf(&e_creds, "AWS_SHARED_CREDENTIALS_FILE=%s", t->creds);
    gf_buf_printf(&e_secret, "AWS_SECRET_ACCESS_KEY=%s", secret);
    {
        const char *env[] = {"AWS_ACCESS_KEY_ID=" AKID,
                             e_secret.ptr,
                             "AWS_SESSION_TOKEN=" TOKEN,
                             e_cfg.ptr,
                             e_creds.ptr,
                             "AWS_EC2_METADATA_DISABLED=true",
                             "AWS_MAX_ATTEMPTS=1",
                             "AWS_RETRY_MODE=standard",
                             "AWS_PROFILE=",
                             "AWS_DEFAULT_PROFILE=",
                             "AWS_REGION=",
                             "AWS_DEFAULT_REGION=",
                             "AWS_ENDPOINT_URL=",
                             "AWS_CA_BUNDLE=",
                             "AWS_ROLE_ARN=",
                             "AWS_WEB_IDENTITY_TOKEN_FILE=",
                             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=",
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI=",
                             "HTTP_PROXY=",
                             "HTTPS_PROXY=",
                             "http_proxy=",
                             "https_proxy=",
                             "NO_PROXY=127.0.0.1",
                             "no_proxy=127.0.0.1",
                             "AWS_PAGER=",
                             NULL};

        argv[n++] = t->aws;
        for (i = 0; args[i] && n < 18; i++)
            argv[n++] = args[i];
        argv[n++] = "--endpoint-url";
        argv[n++] = t->endpoint;
        argv[n++] = "--region";
        argv[n++] = "eu-west-1";
        argv[n] = NULL;
        cr_assert_eq(gf_test_run(&run, argv, env, t->tmp, NULL, 120), 0, "cannot run %s", t->aws);
    }
    status = run.status;
    if (err)
        gf_buf_put_slice(err, gf_buf_slice(&run.err));
    gf_test_run_release(&run);
    gf_buf_release(&e_cfg);
    gf_buf_release(&e_creds);
    gf_buf_release_secret(&e_secret);
    return status;
}

struct call {
    const char *args[12];
    const char *service; /* the scope's signing name */
    const char *what;
};

/* Run one CLI call and check every request it sent verified, for the expected scope. */
static size_t expect_call_verified(struct cli *t, const struct call *c)
{
    struct gf_buf err = GF_BUF_INIT;
    size_t before = server_count(&t->srv), after, i;
    int status;

    status = cli_run(t, SECRET, c->args, &err);
    after = server_count(&t->srv);
    cr_log_info("aws %s %s (%s): exit %d, %zu request(s)", c->args[0], c->args[1], c->what, status,
                after - before);
    cr_expect_gt(after, before, "aws %s %s sent no request (exit %d): %s", c->args[0], c->args[1],
                 status, err.ptr);
    for (i = before; i < after; i++) {
        const struct record *r = &t->srv.rec[i];

        cr_log_info("  %s %s -> %s", r->method, r->path, r->rc == 0 ? "verified" : r->aws_code);
        cr_expect_eq(r->rc, 0, "aws %s %s: %s %s rejected: %s: %s", c->args[0], c->args[1],
                     r->method, r->path, r->aws_code, r->msg);
        cr_expect_str_eq(r->id.service, c->service);
        cr_expect_str_eq(r->id.region, "eu-west-1");
        cr_expect_str_eq(r->id.access_key_id, AKID);
    }
    gf_buf_release(&err);
    return after - before;
}

static const struct call s_calls[] = {
    {{"sts", "get-caller-identity", NULL}, "sts", "query"},
    {{"ecs", "list-clusters", NULL}, "ecs", "json 1.1"},
    {{"iam", "list-roles", NULL}, "iam", "query, global service signed for the client region"},
    {{"s3api", "list-objects-v2", "--bucket", "b", "--prefix", "a b/c", NULL},
     "s3",
     "rest-xml, path style, encoded query"},
    {{"s3api", "put-object", "--bucket", "b", "--key", "dir/a b+c.txt", "--body", "body.bin", NULL},
     "s3",
     "rest-xml, path style, payload hash, encoded key"},
    {{"route53", "list-hosted-zones", NULL}, "route53", "rest-xml, global"},
    {{"efs", "describe-file-systems", NULL}, "elasticfilesystem", "rest-json"},
    {{"ec2", "describe-vpcs", NULL}, "ec2", "ec2"},
    {{"sqs", "list-queues", NULL}, "sqs", "json 1.0, query-compatible"},
};

Test(sigv4_awscli, every_request_the_cli_signs_verifies)
{
    struct cli t;
    char *body_path;
    size_t i, total = 0;

    cli_setup(&t);
    body_path = gf_test_path(t.tmp, "body.bin");
    cr_assert_eq(gf_test_write_file(body_path, "hello from gitfargate\n", 22), 0);
    free(body_path);
    for (i = 0; i < sizeof(s_calls) / sizeof(s_calls[0]); i++)
        total += expect_call_verified(&t, &s_calls[i]);
    cr_log_info("%zu requests from the AWS CLI verified", total);
    cli_teardown(&t);
}

Test(sigv4_awscli, a_wrong_secret_is_rejected)
{
    static const char *const sts[] = {"sts", "get-caller-identity", NULL};
    static const char *const s3[] = {"s3api", "list-objects-v2", "--bucket", "b", NULL};
    struct gf_buf err = GF_BUF_INIT;
    struct cli t;
    size_t before, i;
    int status;

    cli_setup(&t);
    before = server_count(&t.srv);
    status = cli_run(&t, "not/the+right/secret0123456789abcdefghij", sts, &err);
    cr_expect_neq(status, 0, "the CLI succeeded with a wrong secret");
    cr_expect(strstr(err.ptr, "SignatureDoesNotMatch"), "stderr: %s", err.ptr);
    status = cli_run(&t, "not/the+right/secret0123456789abcdefghij", s3, NULL);
    cr_expect_neq(status, 0);
    cr_assert_gt(server_count(&t.srv), before);
    for (i = before; i < server_count(&t.srv); i++) {
        cr_expect_eq(t.srv.rec[i].rc, GF_EAUTH, "%s %s was accepted", t.srv.rec[i].method,
                     t.srv.rec[i].path);
        cr_expect_str_eq(t.srv.rec[i].aws_code, "SignatureDoesNotMatch");
    }
    gf_buf_release(&err);
    cli_teardown(&t);
}
