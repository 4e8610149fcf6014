/* SPDX-License-Identifier: Apache-2.0 */
/* client_test.c: the AWS call layer (aws/client.c, aws/svc_sts.c) against a libmicrohttpd server
 * on 127.0.0.1 that VERIFIES every request's SigV4 signature with gf_sigv4_verify and answers
 * recorded AWS bodies from a script: success, throttling then success (retried and re-signed),
 * a non-retryable error, pagination over three pages, assume-role and web identity. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/local/mhd.h"
#include "aws/sigv4.h"
#include "aws/svc_sts.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/error.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define AKID      "AKIDCLIENTTEST000001"
#define SECRET    "client/Secret+Key/0123456789abcdefghij"
#define TEMP_AKID "ASIATEMPROLE00000001"
#define TEMP_SEC  "temp/Secret+Key/0123456789abcdefghijk"
#define TEMP_TOK  "FwoGZXIvYXdzEtemp+token=="
#define MAX_STEPS 8

/* ---- the scripted, verifying server --------------------------------------------------------- */

struct step {
    unsigned status;
    const char *ctype;
    const char *body;
};

struct seen {
    char method[8];
    char path[256];
    char body[2048];
    char amz_date[32];
    char target[128];
    bool has_auth;
    int verify_rc;
    char verify_code[128];
    struct gf_sigv4_identity id;
};

struct server {
    struct gf_test_mhd mhd;
    pthread_mutex_t lock;
    struct step steps[MAX_STEPS];
    size_t nsteps;
    struct seen seen[MAX_STEPS];
    size_t n;
};

static struct server s_srv;
static char *s_tmp;
static char s_endpoint[64];

static int lookup(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice akid,
                  void *payload)
{
    (void)payload;
    if (gf_slice_eq_str(akid, AKID)) {
        gf_buf_puts(secret_out, SECRET);
        return 0;
    }
    if (gf_slice_eq_str(akid, TEMP_AKID)) {
        gf_buf_puts(secret_out, TEMP_SEC);
        gf_buf_puts(token_out, TEMP_TOK);
        return 0;
    }
    return GF_ENOTFOUND;
}

static void record(struct seen *r, struct MHD_Connection *c, const char *url, const char *method,
                   const struct gf_buf *body)
{
    struct gf_mhd_request in;
    struct gf_sigv4_verify_opts vo = {gf_clock_system(), 0, NULL, lookup, NULL};
    const char *v;

    cr_assert_eq(gf_mhd_request_collect(&in, c, method, url, gf_buf_slice(body)), 0);
    memset(r, 0, sizeof(*r));
    snprintf(r->method, sizeof(r->method), "%s", method);
    snprintf(r->path, sizeof(r->path), "%s", url);
    snprintf(r->body, sizeof(r->body), "%s", body->ptr);
    v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Date");
    snprintf(r->amz_date, sizeof(r->amz_date), "%s", v ? v : "");
    v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Target");
    snprintf(r->target, sizeof(r->target), "%s", v ? v : "");
    r->has_auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization") != NULL;
    r->verify_rc = gf_sigv4_verify(&r->id, &in.sigv4, &vo);
    if (r->verify_rc < 0)
        snprintf(r->verify_code, sizeof(r->verify_code), "%s", gf_error_last()->aws_code);
    gf_mhd_request_release(&in);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const struct gf_buf *body)
{
    struct seen r;
    struct step st = {500, "text/plain", "no step scripted"};
    struct MHD_Response *resp;
    enum MHD_Result ret;

    (void)cls;
    record(&r, c, url, method, body);
    pthread_mutex_lock(&s_srv.lock);
    if (s_srv.n < s_srv.nsteps)
        st = s_srv.steps[s_srv.n];
    if (s_srv.n < MAX_STEPS)
        s_srv.seen[s_srv.n++] = r;
    pthread_mutex_unlock(&s_srv.lock);
    if (r.verify_rc < 0 && r.has_auth)
        st = (struct step){403, "text/xml",
                           "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch"
                           "</Code><Message>bad</Message></Error><RequestId>bad-sig</RequestId>"
                           "</ErrorResponse>"};
    resp = MHD_create_response_from_buffer(strlen(st.body), (void *)(uintptr_t)st.body,
                                           MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", st.ctype);
    MHD_add_response_header(resp, "x-amzn-RequestId", "req-0001");
    ret = MHD_queue_response(c, st.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void script(unsigned status, const char *ctype, const char *body)
{
    cr_assert_lt(s_srv.nsteps, MAX_STEPS);
    s_srv.steps[s_srv.nsteps++] = (struct step){status, ctype, body};
}

static void setup(void)
{
    memset(&s_srv, 0, sizeof(s_srv));
    pthread_mutex_init(&s_srv.lock, NULL);
    gf_test_mhd_start(&s_srv.mhd, answer, NULL);
    snprintf(s_endpoint, sizeof(s_endpoint), "http://127.0.0.1:%u", s_srv.mhd.port);
    s_tmp = gf_test_tmpdir("client");
    cr_assert_not_null(s_tmp);
}

static void teardown(void)
{
    gf_test_mhd_stop(&s_srv.mhd);
    pthread_mutex_destroy(&s_srv.lock);
    gf_test_tmpdir_remove(s_tmp);
}

/* ---- the injected world -------------------------------------------------------------------- */

struct fake_env {
    const char *kv[16][2];
    char config[512];
    char creds[512];
};

static const char *fake_getenv(const char *name, void *payload)
{
    struct fake_env *e = payload;
    size_t i;

    for (i = 0; i < 16 && e->kv[i][0]; i++) {
        if (strcmp(e->kv[i][0], name) == 0)
            return e->kv[i][1];
    }
    return NULL;
}

static void env_set(struct fake_env *e, const char *name, const char *value)
{
    size_t i;

    for (i = 0; i < 15 && e->kv[i][0]; i++)
        ;
    e->kv[i][0] = name;
    e->kv[i][1] = value;
}

/* An environment with no config files, static keys unless `keys` is false. */
static void env_base(struct fake_env *e, bool keys)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->config, sizeof(e->config), "%s/config", s_tmp);
    snprintf(e->creds, sizeof(e->creds), "%s/credentials", s_tmp);
    env_set(e, "AWS_CONFIG_FILE", e->config);
    env_set(e, "AWS_SHARED_CREDENTIALS_FILE", e->creds);
    env_set(e, "AWS_EC2_METADATA_DISABLED", "true");
    env_set(e, "HOME", s_tmp);
    if (keys) {
        env_set(e, "AWS_ACCESS_KEY_ID", AKID);
        env_set(e, "AWS_SECRET_ACCESS_KEY", SECRET);
    }
}

/* A wall clock one second further on each reading, so every signature has its own date. */
struct step_clock {
    struct gf_clock clock;
    int64_t calls;
};

static int64_t step_wall(void *payload)
{
    struct step_clock *c = payload;

    return gf_clock_wall_ms(gf_clock_system()) + 1000 * c->calls++;
}

static int64_t step_mono(void *payload)
{
    (void)payload;
    return gf_clock_mono_ms(gf_clock_system());
}

static void step_sleep(void *payload, int64_t ms)
{
    (void)payload;
    gf_clock_system()->sleep_ms(gf_clock_system()->payload, ms);
}

static double zero_rng(void *payload)
{
    (void)payload;
    return 0.0;
}

struct observed {
    int n;
    struct gf_aws_call_info last;
    char service[32], op[64], code[64], rid[64];
};

static void observer(const struct gf_aws_call_info *info, void *payload)
{
    struct observed *o = payload;

    o->n++;
    o->last = *info;
    snprintf(o->service, sizeof(o->service), "%s", info->service);
    snprintf(o->op, sizeof(o->op), "%s", info->operation);
    snprintf(o->code, sizeof(o->code), "%s", info->aws_code);
    snprintf(o->rid, sizeof(o->rid), "%s", info->request_id);
}

struct world {
    struct fake_env fe;
    struct gf_env env;
    struct step_clock clock;
    struct gf_http_opts hopts;
    struct observed obs;
    struct gf_aws_client_opts opts;
};

static void world_init(struct world *w, bool keys)
{
    memset(w, 0, sizeof(*w));
    env_base(&w->fe, keys);
    w->env = (struct gf_env){fake_getenv, &w->fe};
    w->clock.clock = (struct gf_clock){step_wall, step_mono, step_sleep, &w->clock};
    w->hopts = (struct gf_http_opts)GF_HTTP_OPTS_INIT;
    w->hopts.retry.rng = zero_rng;
    w->opts = (struct gf_aws_client_opts)GF_AWS_CLIENT_OPTS_INIT;
    w->opts.region = "eu-west-1";
    w->opts.endpoint_url = s_endpoint;
    w->opts.env = &w->env;
    w->opts.clock = &w->clock.clock;
    w->opts.http_opts = &w->hopts;
    w->opts.observer = observer;
    w->opts.observer_payload = &w->obs;
}

static const char *const k_identity =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
    "<UserId>AIDACLIENTTEST</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>sts-req-1</RequestId></ResponseMetadata>"
    "</GetCallerIdentityResponse>";

TestSuite(client, .init = setup, .fini = teardown);

Test(client, get_caller_identity_is_signed_and_decoded)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    struct gf_sts_identity id = {NULL, NULL, NULL};

    world_init(&w, true);
    script(200, "text/xml", k_identity);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    cr_assert_str_eq(gf_aws_client_region(client), "eu-west-1");
    cr_assert_str_eq(gf_aws_client_region_source(client), "--region");
    gf_cr_ok(gf_sts_get_caller_identity(&id, client));
    cr_assert_str_eq(id.account, "123456789012");
    cr_assert_str_eq(id.arn, "arn:aws:iam::123456789012:user/alice");
    cr_assert_str_eq(id.user_id, "AIDACLIENTTEST");
    cr_assert_eq(s_srv.n, 1);
    cr_assert_eq(s_srv.seen[0].verify_rc, 0, "signature rejected: %s", s_srv.seen[0].verify_code);
    cr_assert_str_eq(s_srv.seen[0].id.service, "sts");
    cr_assert_str_eq(s_srv.seen[0].id.region, "eu-west-1");
    cr_assert_str_eq(s_srv.seen[0].id.access_key_id, AKID);
    cr_assert_str_eq(s_srv.seen[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
    cr_assert_eq(w.obs.n, 1);
    cr_assert_str_eq(w.obs.service, "sts");
    cr_assert_str_eq(w.obs.op, "GetCallerIdentity");
    cr_assert_eq(w.obs.last.http_status, 200);
    cr_assert_eq(w.obs.last.attempts, 1);
    cr_assert_eq(w.obs.last.rc, 0);
    cr_assert_str_eq(w.obs.rid, "req-0001");
    gf_sts_identity_release(&id);
    gf_aws_client_free(client);
}

Test(client, throttling_is_retried_and_resigned)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *in = json_pack("{s:[s]}", "clusters", "web");
    json_t *out = NULL;

    world_init(&w, true);
    script(400, "application/x-amz-json-1.1",
           "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
    script(200, "application/x-amz-json-1.1",
           "{\"clusters\":[{\"clusterName\":\"web\",\"status\":\"ACTIVE\"}],\"failures\":[]}");
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_ok(gf_aws_call(&out, client, &gf_aws_ecs, "DescribeClusters", in));
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(out, "clusters"), 0), "clusterName")),
                     "web");
    cr_assert_eq(s_srv.n, 2);
    cr_assert_eq(s_srv.seen[0].verify_rc, 0);
    cr_assert_eq(s_srv.seen[1].verify_rc, 0, "retry not signed: %s", s_srv.seen[1].verify_code);
    cr_assert_str_neq(s_srv.seen[0].amz_date, s_srv.seen[1].amz_date, "retry was not re-signed");
    cr_assert_str_eq(s_srv.seen[1].target, "AmazonEC2ContainerServiceV20141113.DescribeClusters");
    cr_assert_str_eq(s_srv.seen[1].id.service, "ecs");
    cr_assert_eq(w.obs.n, 1);
    cr_assert_eq(w.obs.last.attempts, 2);
    cr_assert_eq(w.obs.last.http_status, 200);
    json_decref(out);
    json_decref(in);
    gf_aws_client_free(client);
}

Test(client, non_retryable_error_sets_every_field)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *in = json_pack("{s:s}", "RoleName", "missing");
    json_t *out = NULL;
    const struct gf_error *e;

    world_init(&w, true);
    script(404, "text/xml",
           "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender"
           "</Type><Code>NoSuchEntity</Code><Message>The role with name missing cannot be found."
           "</Message></Error><RequestId>iam-req-9</RequestId></ErrorResponse>");
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_fails(GF_ENOTFOUND, gf_aws_call(&out, client, &gf_aws_iam, "GetRole", in));
    cr_assert_null(out);
    e = gf_error_last();
    cr_assert_eq(e->code, GF_ENOTFOUND);
    cr_assert_str_eq(e->aws_code, "NoSuchEntity");
    cr_assert_str_eq(e->request_id, "iam-req-9");
    cr_assert_eq(e->http_status, 404);
    cr_assert_str_eq(e->where, "iam:GetRole");
    cr_assert_str_eq(e->msg,
                     "iam:GetRole: NoSuchEntity: The role with name missing cannot be found.");
    cr_assert_eq(s_srv.n, 1, "a non-retryable error was retried");
    cr_assert_str_eq(s_srv.seen[0].id.service, "iam");
    cr_assert_str_eq(s_srv.seen[0].id.region, "eu-west-1"); /* overridden: client region */
    cr_assert_eq(w.obs.last.rc, GF_ENOTFOUND);
    cr_assert_str_eq(w.obs.code, "NoSuchEntity");
    json_decref(in);
    gf_aws_client_free(client);
}

Test(client, paginates_across_three_pages)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *in = json_pack("{s:s}", "logGroupNamePrefix", "/app");
    json_t *items = NULL;
    size_t i;

    world_init(&w, true);
    script(200, "application/x-amz-json-1.1",
           "{\"logGroups\":[{\"logGroupName\":\"/app/a\"},{\"logGroupName\":\"/app/b\"}],"
           "\"nextToken\":\"t1\"}");
    script(200, "application/x-amz-json-1.1",
           "{\"logGroups\":[{\"logGroupName\":\"/app/c\"}],\"nextToken\":\"t2\"}");
    script(200, "application/x-amz-json-1.1",
           "{\"logGroups\":[{\"logGroupName\":\"/app/d\"},{\"logGroupName\":\"/app/e\"}]}");
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_ok(gf_aws_paginate(&items, client, &gf_aws_logs, "DescribeLogGroups", in, 0));
    cr_assert_eq(json_array_size(items), 5);
    for (i = 0; i < 5; i++) {
        char want[16];

        snprintf(want, sizeof(want), "/app/%c", (char)('a' + i));
        cr_assert_str_eq(
            json_string_value(json_object_get(json_array_get(items, i), "logGroupName")), want);
    }
    cr_assert_eq(s_srv.n, 3);
    cr_assert_null(strstr(s_srv.seen[0].body, "nextToken"));
    cr_assert_not_null(strstr(s_srv.seen[1].body, "\"nextToken\":\"t1\""));
    cr_assert_not_null(strstr(s_srv.seen[2].body, "\"nextToken\":\"t2\""));
    cr_assert_not_null(strstr(s_srv.seen[2].body, "\"logGroupNamePrefix\":\"/app\""));
    cr_assert_eq(s_srv.seen[2].verify_rc, 0);
    cr_assert_null(json_object_get(in, "nextToken"), "the caller's input was changed");
    cr_assert_eq(w.obs.n, 3);
    json_decref(items);
    json_decref(in);
    gf_aws_client_free(client);
}

Test(client, paginate_stops_on_a_repeated_token)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *items = NULL;

    world_init(&w, true);
    script(200, "application/x-amz-json-1.1", "{\"logGroups\":[],\"nextToken\":\"same\"}");
    script(200, "application/x-amz-json-1.1", "{\"logGroups\":[],\"nextToken\":\"same\"}");
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_fails(GF_ERROR,
                gf_aws_paginate(&items, client, &gf_aws_logs, "DescribeLogGroups", NULL, 0));
    cr_assert_str_eq(gf_error_last()->msg,
                     "'logs:DescribeLogGroups' returned the same page token twice");
    cr_assert_null(items);
    gf_aws_client_free(client);
}

Test(client, no_region_is_a_clear_error)
{
    struct world w;
    struct gf_aws_client *client = NULL;

    world_init(&w, true);
    w.opts.region = NULL;
    gf_cr_fails(GF_ENOTFOUND, gf_aws_client_new(&client, &w.opts));
    cr_assert_null(client);
    cr_assert_not_null(strstr(gf_error_last()->msg, "region"), "%s", gf_error_last()->msg);
    cr_assert_eq(s_srv.n, 0);
}

Test(client, no_credentials_is_eauth_without_a_request)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *out = NULL;

    world_init(&w, false);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_fails(GF_EAUTH, gf_aws_call(&out, client, &gf_aws_sts, "GetCallerIdentity", NULL));
    cr_assert_eq(s_srv.n, 0);
    cr_assert_eq(w.obs.n, 1);
    cr_assert_eq(w.obs.last.rc, GF_EAUTH);
    gf_aws_client_free(client);
}

static const char *const k_assumed =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
    "<AssumedRoleUser><AssumedRoleId>AROATEST:s1</AssumedRoleId>"
    "<Arn>arn:aws:sts::210987654321:assumed-role/deployer/s1</Arn></AssumedRoleUser>"
    "<Credentials><AccessKeyId>" TEMP_AKID "</AccessKeyId><SecretAccessKey>" TEMP_SEC
    "</SecretAccessKey><SessionToken>" TEMP_TOK "</SessionToken>"
    "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>"
    "<ResponseMetadata><RequestId>ar-1</RequestId></ResponseMetadata></AssumeRoleResponse>";

Test(client, assume_role_profile_goes_through_sts)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    struct gf_creds creds = GF_CREDS_INIT;
    struct gf_sts_identity id = {NULL, NULL, NULL};
    static const char cfg[] = "[profile deploy]\n"
                              "role_arn = arn:aws:iam::210987654321:role/deployer\n"
                              "role_session_name = s1\n"
                              "source_profile = base\n";
    static const char keys[] =
        "[base]\naws_access_key_id = " AKID "\naws_secret_access_key = " SECRET "\n";

    world_init(&w, false);
    cr_assert_eq(gf_test_write_file(w.fe.config, cfg, strlen(cfg)), 0);
    cr_assert_eq(gf_test_write_file(w.fe.creds, keys, strlen(keys)), 0);
    w.opts.profile = "deploy";
    script(200, "text/xml", k_assumed);
    script(200, "text/xml", k_identity);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_ok(gf_aws_client_creds(&creds, client));
    cr_assert_str_eq(creds.access_key_id, TEMP_AKID);
    cr_assert_str_eq(creds.account_id, "210987654321");
    cr_assert_not_null(strstr(creds.source, "deployer"), "source: %s", creds.source);
    gf_cr_ok(gf_sts_get_caller_identity(&id, client));
    cr_assert_eq(s_srv.n, 2);
    cr_assert_eq(s_srv.seen[0].verify_rc, 0);
    cr_assert_str_eq(s_srv.seen[0].id.access_key_id, AKID); /* AssumeRole: the source keys */
    cr_assert_not_null(strstr(s_srv.seen[0].body, "Action=AssumeRole&"));
    cr_assert_not_null(strstr(s_srv.seen[0].body, "RoleSessionName=s1"));
    cr_assert_eq(s_srv.seen[1].verify_rc, 0, "%s", s_srv.seen[1].verify_code);
    cr_assert_str_eq(s_srv.seen[1].id.access_key_id, TEMP_AKID); /* then the role's keys */
    gf_sts_identity_release(&id);
    gf_creds_release(&creds);
    gf_aws_client_free(client);
}

Test(client, web_identity_is_unsigned)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    struct gf_creds creds = GF_CREDS_INIT;
    char *token_path = gf_test_path(s_tmp, "token");
    static const char assumed[] =
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
        "<AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/ci/gh</Arn>"
        "</AssumedRoleUser><Credentials><AccessKeyId>" TEMP_AKID "</AccessKeyId>"
        "<SecretAccessKey>" TEMP_SEC "</SecretAccessKey><SessionToken>" TEMP_TOK
        "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
        "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";

    world_init(&w, false);
    cr_assert_eq(gf_test_write_file(token_path, "eyJhbGciOi.jwt.sig", 18), 0);
    env_set(&w.fe, "AWS_WEB_IDENTITY_TOKEN_FILE", token_path);
    env_set(&w.fe, "AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/ci");
    env_set(&w.fe, "AWS_ROLE_SESSION_NAME", "gh");
    script(200, "text/xml", assumed);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_ok(gf_aws_client_creds(&creds, client));
    cr_assert_str_eq(creds.access_key_id, TEMP_AKID);
    cr_assert_eq(gf_buf_slice(&creds.session_token).len, strlen(TEMP_TOK));
    cr_assert_eq(s_srv.n, 1);
    cr_assert_not(s_srv.seen[0].has_auth, "AssumeRoleWithWebIdentity carried Authorization");
    cr_assert_str_eq(s_srv.seen[0].amz_date, "");
    cr_assert_not_null(strstr(s_srv.seen[0].body, "WebIdentityToken=eyJhbGciOi.jwt.sig"));
    gf_creds_release(&creds);
    gf_aws_client_free(client);
    free(token_path);
}

struct async_done {
    int n;
    int rc[3];
    char account[3][16];
};

static void on_async(int rc, json_t *output, const struct gf_error *err, void *payload)
{
    struct async_done *d = payload;

    (void)err;
    d->rc[d->n] = rc;
    snprintf(d->account[d->n], sizeof(d->account[0]), "%s",
             rc == 0 ? json_string_value(json_object_get(output, "Account")) : "");
    d->n++;
}

Test(client, submit_runs_calls_together_and_never_inline)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    struct async_done d;
    int i;

    memset(&d, 0, sizeof(d));
    world_init(&w, true);
    for (i = 0; i < 3; i++)
        script(200, "text/xml", k_identity);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    for (i = 0; i < 3; i++)
        gf_cr_ok(gf_aws_submit(client, &gf_aws_sts, "GetCallerIdentity", NULL, NULL, on_async, &d));
    cr_assert_eq(d.n, 0, "a completion ran inside gf_aws_submit");
    gf_cr_ok(gf_http_run_all(gf_aws_client_http(client)));
    cr_assert_eq(d.n, 3);
    for (i = 0; i < 3; i++) {
        cr_assert_eq(d.rc[i], 0);
        cr_assert_str_eq(d.account[i], "123456789012");
        cr_assert_eq(s_srv.seen[i].verify_rc, 0);
    }
    cr_assert_eq(w.obs.n, 3);
    gf_aws_client_free(client);
}

Test(client, unknown_rest_operation_is_einvalid_without_a_request)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *out = NULL;

    world_init(&w, true);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_fails(GF_EINVALID, gf_aws_call(&out, client, &gf_aws_route53, "NoSuchOperation", NULL));
    cr_assert_null(out);
    cr_assert_eq(s_srv.n, 0);
    gf_aws_client_free(client);
}

/* ---- the classifier reads each protocol's error ------------------------------------------- */

struct fake_reply {
    struct gf_http_response resp;
};

static void reply_init(struct fake_reply *r, int status, const char *body, const char *hname,
                       const char *hvalue)
{
    gf_http_response_init(&r->resp);
    r->resp.status = status;
    gf_cr_ok(gf_buf_puts(&r->resp.body, body));
    if (hname)
        gf_cr_ok(gf_http_headers_add(&r->resp.headers, hname, hvalue));
}

static void expect_class(const struct gf_aws_service *svc, int status, const char *body,
                         const char *hname, const char *hvalue, enum gf_retry_kind kind,
                         const char *code)
{
    struct fake_reply r;
    struct gf_retry_class cls;

    reply_init(&r, status, body, hname, hvalue);
    memset(&cls, 0x55, sizeof(cls));
    gf_aws_client_classify(&cls, &r.resp, (void *)(uintptr_t)svc);
    cr_expect_eq(cls.kind, kind, "%s %d %s: kind %d, want %d", svc ? svc->id : "(guess)", status,
                 body, (int)cls.kind, (int)kind);
    cr_expect_str_eq(cls.aws_code, code, "%s %d %s", svc ? svc->id : "(guess)", status, body);
    gf_http_response_release(&r.resp);
}

Test(client_classify, json_reads_type_and_error_type_header)
{
    expect_class(&gf_aws_ecs, 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate\"}",
                 NULL, NULL, GF_RETRY_THROTTLING, "ThrottlingException");
    expect_class(&gf_aws_logs, 400,
                 "{\"__type\":\"com.amazonaws.logs#LimitExceededException\",\"message\":\"x\"}",
                 NULL, NULL, GF_RETRY_THROTTLING, "LimitExceededException");
    expect_class(&gf_aws_ecs, 400, "{}", "x-amzn-ErrorType",
                 "ThrottlingException:http://internal.amazon.com/coral/", GF_RETRY_THROTTLING,
                 "ThrottlingException");
    expect_class(&gf_aws_ecs, 400, "{\"__type\":\"ClusterNotFoundException\"}", NULL, NULL,
                 GF_RETRY_NO, "ClusterNotFoundException");
    /* botocore reads __type and code for json, never ErrorCode (only EFS's rest-json has it). */
    expect_class(&gf_aws_ecs, 400, "{\"ErrorCode\":\"ThrottlingException\"}", NULL, NULL,
                 GF_RETRY_NO, "400");
    expect_class(&gf_aws_efs, 400, "{\"ErrorCode\":\"ThrottlingException\"}", NULL, NULL,
                 GF_RETRY_THROTTLING, "ThrottlingException");
    expect_class(&gf_aws_efs, 400, "{\"ErrorCode\":\"x\",\"Message\":\"m\"}", "x-amzn-ErrorType",
                 "ThrottlingException", GF_RETRY_THROTTLING, "ThrottlingException");
}

Test(client_classify, sqs_reads_the_query_error_header)
{
    expect_class(&gf_aws_sqs, 400, "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\"}",
                 "x-amzn-query-error", "RequestThrottled;Sender", GF_RETRY_THROTTLING,
                 "RequestThrottled");
    expect_class(&gf_aws_sqs, 400, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}",
                 "x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender",
                 GF_RETRY_NO, "AWS.SimpleQueueService.NonExistentQueue");
}

Test(client_classify, query_ec2_and_rest_xml_read_their_code_elements)
{
    expect_class(&gf_aws_iam, 400,
                 "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>"
                 "Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                 "<RequestId>r</RequestId></ErrorResponse>",
                 NULL, NULL, GF_RETRY_THROTTLING, "Throttling");
    expect_class(&gf_aws_sts, 400,
                 "<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code>"
                 "</Error></ErrorResponse>",
                 NULL, NULL, GF_RETRY_TRANSIENT, "IDPCommunicationError");
    expect_class(&gf_aws_ec2, 503,
                 "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>m</Message>"
                 "</Error></Errors><RequestID>r</RequestID></Response>",
                 NULL, NULL, GF_RETRY_THROTTLING, "RequestLimitExceeded");
    expect_class(&gf_aws_ec2, 400,
                 "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code></Error></Errors>"
                 "</Response>",
                 NULL, NULL, GF_RETRY_NO, "InvalidGroup.NotFound");
    expect_class(&gf_aws_s3, 503,
                 "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message>"
                 "<RequestId>r</RequestId><HostId>h</HostId></Error>",
                 NULL, NULL, GF_RETRY_THROTTLING, "SlowDown");
    expect_class(&gf_aws_s3, 400, "<Error><Code>RequestTimeout</Code></Error>", NULL, NULL,
                 GF_RETRY_TRANSIENT, "RequestTimeout");
    expect_class(&gf_aws_route53, 400,
                 "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error>"
                 "<Type>Sender</Type><Code>PriorRequestNotComplete</Code></Error></ErrorResponse>",
                 NULL, NULL, GF_RETRY_THROTTLING, "PriorRequestNotComplete");
    /* A bodiless S3 HEAD error is its status. */
    expect_class(&gf_aws_s3, 404, "", NULL, NULL, GF_RETRY_NO, "NotFound");
    expect_class(&gf_aws_s3, 503, "", NULL, NULL, GF_RETRY_TRANSIENT, "503");
}

Test(client_classify, success_and_unknown_service)
{
    expect_class(&gf_aws_ecs, 200, "{}", NULL, NULL, GF_RETRY_NO, "");
    /* Without a service (an engine-wide classifier), the body's syntax picks the parser. */
    expect_class(NULL, 400, "{\"__type\":\"ThrottlingException\"}", NULL, NULL,
                 GF_RETRY_THROTTLING, "ThrottlingException");
    expect_class(NULL, 400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
                 NULL, NULL, GF_RETRY_THROTTLING, "Throttling");
}

/* ---- S3 addressing style from the shared config -------------------------------------------- */

static void write_config(const struct world *w, const char *text)
{
    cr_assert_eq(gf_test_write_file(w->fe.config, text, strlen(text)), 0);
}

Test(client, s3_is_path_style_under_an_override_whatever_the_config)
{
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *in = json_pack("{s:s}", "Bucket", "my-bucket");
    json_t *out = NULL;

    world_init(&w, true);
    write_config(&w, "[default]\ns3 =\n  addressing_style = virtual\n");
    script(200, "application/xml", "");
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    gf_cr_ok(gf_aws_call(&out, client, &gf_aws_s3, "HeadBucket", in));
    cr_assert_eq(s_srv.n, 1);
    cr_assert_str_eq(s_srv.seen[0].method, "HEAD");
    cr_assert_str_eq(s_srv.seen[0].path, "/my-bucket");
    cr_assert_eq(s_srv.seen[0].verify_rc, 0, "signature rejected: %s", s_srv.seen[0].verify_code);
    json_decref(out);
    json_decref(in);
    gf_aws_client_free(client);
}

Test(client, rejects_an_unknown_s3_addressing_style)
{
    struct world w;
    struct gf_aws_client *client = NULL;

    world_init(&w, true);
    write_config(&w, "[default]\ns3 =\n  addressing_style = dns\n");
    gf_cr_fails(GF_EINVALID, gf_aws_client_new(&client, &w.opts));
    cr_assert_null(client);
    cr_assert_str_eq(gf_error_last()->key, "s3.addressing_style");
    cr_assert_eq(s_srv.n, 0);
}

/* ---- secret replies are wiped before they are freed ---------------------------------------- */

#define SECRET_MARK "SecretString-MARK-0123456789"
#define MAX_BLOCKS  8192

/* A recording allocator (as in http_test.c): blocks this thread allocates are checked for
 * SECRET_MARK when they are freed or moved by realloc. */
static pthread_mutex_t s_rec_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    pthread_t main;
    void *ptr[MAX_BLOCKS];
    size_t size[MAX_BLOCKS];
    int checked, dirty;
} s_rec;

static bool holds_mark(const char *p, size_t n)
{
    size_t m = strlen(SECRET_MARK);
    size_t i;

    for (i = 0; i + m <= n; i++) {
        if (memcmp(p + i, SECRET_MARK, m) == 0)
            return true;
    }
    return false;
}

static void rec_add(void *p, size_t size)
{
    size_t i;

    if (!p || !pthread_equal(pthread_self(), s_rec.main))
        return;
    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; i < MAX_BLOCKS && s_rec.ptr[i]; i++)
        ;
    if (i < MAX_BLOCKS) {
        s_rec.ptr[i] = p;
        s_rec.size[i] = size;
    }
    pthread_mutex_unlock(&s_rec_mu);
}

static size_t rec_forget(void *p)
{
    size_t i, size = 0;

    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; p && i < MAX_BLOCKS; i++) {
        if (s_rec.ptr[i] != p)
            continue;
        size = s_rec.size[i];
        s_rec.checked++;
        s_rec.dirty += holds_mark(p, size);
        s_rec.ptr[i] = NULL;
        break;
    }
    pthread_mutex_unlock(&s_rec_mu);
    return size;
}

/* Blocks start zeroed: stale bytes from memory curl or libc freed earlier are not ours. */
static void *rec_malloc(size_t size, void *payload)
{
    void *p = calloc(1, size ? size : 1);

    (void)payload;
    rec_add(p, size);
    return p;
}

static void *rec_realloc(void *ptr, size_t size, void *payload)
{
    size_t i, old = 0;
    void *p;

    pthread_mutex_lock(&s_rec_mu);
    for (i = 0; ptr && i < MAX_BLOCKS; i++) {
        if (s_rec.ptr[i] == ptr)
            old = s_rec.size[i];
    }
    pthread_mutex_unlock(&s_rec_mu);
    if (ptr && !old)
        return realloc(ptr, size);
    p = rec_malloc(size, payload);
    if (p && ptr) {
        memcpy(p, ptr, old < size ? old : size);
        rec_forget(ptr);
        free(ptr);
    }
    return p;
}

static void rec_free(void *ptr, void *payload)
{
    (void)payload;
    rec_forget(ptr);
    free(ptr);
}

static void get_secret_value(const char *op)
{
    static const struct gf_allocator a = {rec_malloc, rec_realloc, rec_free, NULL};
    static const char body[] =
        "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf\","
        "\"Name\":\"db\",\"SecretString\":\"" SECRET_MARK SECRET_MARK SECRET_MARK "\","
        "\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"]}";
    struct world w;
    struct gf_aws_client *client = NULL;
    json_t *in = json_pack("{s:s}", "SecretId", "db");
    json_t *out = NULL;

    world_init(&w, true);
    script(200, "application/x-amz-json-1.1", body);
    gf_cr_ok(gf_aws_client_new(&client, &w.opts));
    memset(s_rec.ptr, 0, sizeof(s_rec.ptr));
    s_rec.main = pthread_self();
    gf_alloc_set(&a);
    gf_cr_ok(gf_aws_call(&out, client, &gf_aws_secretsmanager, op, in));
    gf_alloc_set(NULL);
    cr_assert_eq(s_srv.seen[0].verify_rc, 0);
    json_decref(out);
    json_decref(in);
    gf_aws_client_free(client);
}

Test(client, get_secret_value_reply_is_wiped_before_free)
{
    get_secret_value("GetSecretValue");
    cr_assert_gt(s_rec.checked, 3);
    cr_assert_eq(s_rec.dirty, 0, "%d freed blocks still held the secret", s_rec.dirty);
}

Test(client, other_replies_are_not_wiped)
{
    get_secret_value("DescribeSecret"); /* the same bytes, not a secret operation */
    cr_assert_gt(s_rec.dirty, 0);
}
