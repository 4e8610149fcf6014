/* SPDX-License-Identifier: Apache-2.0 */
/* whoami_test.c: `gitfargate whoami` as a user runs it, against a libmicrohttpd STS stand-in on
 * 127.0.0.1 (reached through AWS_ENDPOINT_URL_STS) that verifies each request's SigV4 signature
 * and answers GetCallerIdentity, or InvalidClientTokenId for keys it does not know. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "aws/local/mhd.h"
#include "aws/sigv4.h"
#include "common/clock.h"
#include "common/error.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define AKID   "AKIDWHOAMITEST000001"
#define SECRET "whoami/Secret+Key/0123456789abcdefghi"

struct server {
    struct gf_test_mhd mhd;
    pthread_mutex_t lock;
    int requests;
    int verified;
    char region[64];
};

static struct server s_srv;
static char *s_tmp;
static char s_endpoint[64];
static char s_config[512];
static char s_creds[512];

static int lookup(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice akid,
                  void *payload)
{
    (void)payload;
    (void)token_out;
    if (!gf_slice_eq_str(akid, AKID))
        return GF_ENOTFOUND;
    gf_buf_puts(secret_out, SECRET);
    return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                        MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "text/xml");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const struct gf_buf *body)
{
    struct gf_sigv4_verify_opts vo = {gf_clock_system(), 0, NULL, lookup, NULL};
    struct gf_sigv4_identity id;
    struct gf_mhd_request in;
    int rc;

    (void)cls;
    rc = gf_mhd_request_collect(&in, c, method, url, gf_buf_slice(body));
    if (rc == 0)
        rc = gf_sigv4_verify(&id, &in.sigv4, &vo);
    gf_mhd_request_release(&in);
    pthread_mutex_lock(&s_srv.lock);
    s_srv.requests++;
    if (rc == 0) {
        s_srv.verified++;
        snprintf(s_srv.region, sizeof(s_srv.region), "%s", id.region);
    }
    pthread_mutex_unlock(&s_srv.lock);
    if (rc < 0)
        return reply(c, 403,
                     "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                     "<Message>The security token included in the request is invalid.</Message>"
                     "</Error><RequestId>deny-1</RequestId></ErrorResponse>");
    return reply(c, 200,
                 "<GetCallerIdentityResponse><GetCallerIdentityResult>"
                 "<Arn>arn:aws:iam::123456789012:user/deployer</Arn><UserId>AIDAWHOAMI</UserId>"
                 "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata>"
                 "<RequestId>ok-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
}

static void setup(void)
{
    memset(&s_srv, 0, sizeof(s_srv));
    pthread_mutex_init(&s_srv.lock, NULL);
    gf_test_mhd_start(&s_srv.mhd, answer, NULL);
    snprintf(s_endpoint, sizeof(s_endpoint), "AWS_ENDPOINT_URL_STS=http://127.0.0.1:%u",
             s_srv.mhd.port);
    s_tmp = gf_test_tmpdir("whoami");
    cr_assert_not_null(s_tmp);
    snprintf(s_config, sizeof(s_config), "AWS_CONFIG_FILE=%s/config", s_tmp);
    snprintf(s_creds, sizeof(s_creds), "AWS_SHARED_CREDENTIALS_FILE=%s/credentials", s_tmp);
}

static void teardown(void)
{
    gf_test_mhd_stop(&s_srv.mhd);
    pthread_mutex_destroy(&s_srv.lock);
    gf_test_tmpdir_remove(s_tmp);
}

TestSuite(whoami, .init = setup, .fini = teardown);

/* Run `gitfargate <args...>` with keys (akid NULL: none) and `region` (NULL: unset). */
static void run(struct gf_test_run *r, const char *akid, const char *region,
                const char *const *args)
{
    char e_akid[128], e_region[64];
    const char *argv[12];
    size_t n = 0, i;

    snprintf(e_akid, sizeof(e_akid), "AWS_ACCESS_KEY_ID=%s", akid ? akid : "");
    snprintf(e_region, sizeof(e_region), "AWS_REGION=%s", region ? region : "");
    {
        const char *env[] = {e_akid,
                             akid ? "AWS_SECRET_ACCESS_KEY=" SECRET : "AWS_SECRET_ACCESS_KEY=",
                             "AWS_SESSION_TOKEN=",
                             e_region,
                             s_endpoint,
                             s_config,
                             s_creds,
                             "AWS_DEFAULT_REGION=",
                             "AWS_PROFILE=",
                             "AWS_DEFAULT_PROFILE=",
                             "AWS_ENDPOINT_URL=",
                             "AWS_ROLE_ARN=",
                             "AWS_WEB_IDENTITY_TOKEN_FILE=",
                             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=",
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI=",
                             "AWS_EC2_METADATA_DISABLED=true",
                             "AWS_MAX_ATTEMPTS=1",
                             "HTTP_PROXY=",
                             "http_proxy=",
                             "NO_PROXY=127.0.0.1",
                             "no_proxy=127.0.0.1",
                             "NO_COLOR=1",
                             "GITFARGATE_LOG_LEVEL=",
                             NULL};

        argv[n++] = gf_test_binary();
        for (i = 0; args[i] && n < 11; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        cr_assert_eq(gf_test_run(r, argv, env, s_tmp, NULL, 60), 0);
    }
}

/* Skip until controller/commands.c lists the command. */
static void need_whoami(void)
{
    static const char *const args[] = {"whoami", "--help", NULL};
    struct gf_test_run r;

    run(&r, NULL, NULL, args);
    if (r.status != 0) {
        gf_test_run_release(&r);
        cr_skip_test("this gitfargate has no 'whoami' (controller/commands.c does not list it)");
    }
    gf_test_run_release(&r);
}

Test(whoami, prints_identity_region_and_source)
{
    static const char *const args[] = {"whoami", "-r", "eu-west-1", NULL};
    struct gf_test_run r;

    need_whoami();
    run(&r, AKID, "us-east-2", args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err.ptr);
    cr_assert_not_null(strstr(r.out.ptr, "account:     123456789012\n"), "%s", r.out.ptr);
    cr_assert_not_null(strstr(r.out.ptr, "arn:         arn:aws:iam::123456789012:user/deployer\n"));
    cr_assert_not_null(strstr(r.out.ptr, "user id:     AIDAWHOAMI\n"));
    cr_assert_not_null(strstr(r.out.ptr, "region:      eu-west-1 (from --region)\n"), "%s",
                       r.out.ptr);
    cr_assert_not_null(strstr(r.out.ptr, "credentials: env\n"), "%s", r.out.ptr);
    cr_assert_null(strstr(r.out.ptr, SECRET));
    cr_assert_null(strstr(r.err.ptr, SECRET));
    cr_assert_eq(s_srv.verified, 1);
    cr_assert_str_eq(s_srv.region, "eu-west-1");
    gf_test_run_release(&r);
}

Test(whoami, json_with_a_profile)
{
    static const char *const args[] = {"--profile", "dev", "whoami", "--format", "json", NULL};
    static const char creds[] =
        "[dev]\naws_access_key_id = " AKID "\naws_secret_access_key = " SECRET "\n";
    char *path = gf_test_path(s_tmp, "credentials");
    struct gf_test_run r;
    json_t *doc;

    need_whoami();
    cr_assert_eq(gf_test_write_file(path, creds, strlen(creds)), 0);
    run(&r, "AKIDIGNOREDBYPROFILE", "ap-south-1", args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err.ptr);
    doc = json_loads(r.out.ptr, 0, NULL);
    cr_assert_not_null(doc, "not JSON: %s", r.out.ptr);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "account")), "123456789012");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "region")), "ap-south-1");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "region_source")), "AWS_REGION");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "profile")), "dev");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "credentials_source")), "profile dev");
    cr_assert_eq(s_srv.verified, 1);
    json_decref(doc);
    free(path);
    gf_test_run_release(&r);
}

Test(whoami, rejected_keys_exit_77)
{
    static const char *const args[] = {"whoami", NULL};
    struct gf_test_run r;

    need_whoami();
    run(&r, "AKIDUNKNOWN000000000", "eu-west-1", args);
    cr_assert_eq(r.status, 77, "status %d, stderr: %s", r.status, r.err.ptr);
    cr_assert_not_null(strstr(r.err.ptr, "InvalidClientTokenId"), "%s", r.err.ptr);
    cr_assert_not_null(strstr(r.err.ptr, "sts:GetCallerIdentity"), "%s", r.err.ptr);
    cr_assert_str_eq(r.out.ptr, "");
    cr_assert_eq(s_srv.requests, 1);
    gf_test_run_release(&r);
}

Test(whoami, no_credentials_exit_77)
{
    static const char *const args[] = {"whoami", NULL};
    struct gf_test_run r;

    need_whoami();
    run(&r, NULL, "eu-west-1", args);
    cr_assert_eq(r.status, 77, "status %d, stderr: %s", r.status, r.err.ptr);
    cr_assert_eq(s_srv.requests, 0);
    gf_test_run_release(&r);
}

Test(whoami, no_region_exit_1)
{
    static const char *const args[] = {"whoami", NULL};
    struct gf_test_run r;

    need_whoami();
    run(&r, AKID, NULL, args);
    cr_assert_eq(r.status, 1, "status %d, stderr: %s", r.status, r.err.ptr);
    cr_assert_not_null(strstr(r.err.ptr, "region"), "%s", r.err.ptr);
    cr_assert_eq(s_srv.requests, 0);
    gf_test_run_release(&r);
}

Test(whoami, bad_format_is_a_usage_error)
{
    static const char *const args[] = {"whoami", "--format", "yaml", NULL};
    struct gf_test_run r;

    need_whoami();
    run(&r, AKID, "eu-west-1", args);
    cr_assert_eq(r.status, 64, "status %d, stderr: %s", r.status, r.err.ptr);
    cr_assert_not_null(strstr(r.err.ptr, "unknown format 'yaml'"), "%s", r.err.ptr);
    gf_test_run_release(&r);
}
