/* SPDX-License-Identifier: Apache-2.0 */
/* creds_test.c: the credential chain (aws/creds.h): each source alone and the chain's order,
 * assume-role and web identity through a fake STS that records its arguments, credential_process,
 * the ECS container endpoint and IMDSv2 played by libmicrohttpd on 127.0.0.1, the caching
 * provider's refresh windows on a fixed clock, and that secrets never reach an error. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aws/awsconfig.h"
#include "aws/creds.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define SECRET "SECRETplanted0123456789"

/* ---- fake environment ---------------------------------------------------------------------- */

#define MAX_VARS 32

static char *s_vars[MAX_VARS]; /* "NAME=value", owned */

static const char *fake_getenv(const char *name, void *payload)
{
    size_t n = strlen(name);
    size_t i;

    (void)payload;
    for (i = 0; i < MAX_VARS && s_vars[i]; i++)
        if (strncmp(s_vars[i], name, n) == 0 && s_vars[i][n] == '=')
            return s_vars[i] + n + 1;
    return NULL;
}

static const struct gf_env s_env = {fake_getenv, NULL};

static void setenvf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void setenvf(const char *fmt, ...)
{
    char buf[1024];
    const char *eq;
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    eq = strchr(buf, '=');
    cr_assert_not_null(eq);
    for (i = 0; i < MAX_VARS && s_vars[i]; i++) {
        if (strncmp(s_vars[i], buf, (size_t)(eq - buf + 1)) == 0) {
            free(s_vars[i]);
            s_vars[i] = strdup(buf);
            return;
        }
    }
    cr_assert_lt(i, MAX_VARS - 1);
    s_vars[i] = strdup(buf);
}

/* ---- fake STS ------------------------------------------------------------------------------ */

#define MAX_CALLS 8

struct fake_sts {
    int calls;
    int fail; /* answer GF_EAUTH */
    char role_arn[MAX_CALLS][128];
    char source_akid[MAX_CALLS][64];
    char session[MAX_CALLS][64];
    char external_id[MAX_CALLS][64];
    char profile[MAX_CALLS][64];
    char token[MAX_CALLS][128];
    int64_t duration[MAX_CALLS];
    char region[MAX_CALLS][32];
};

static struct fake_sts s_fake;

static void copy_str(char *out, size_t size, const char *s)
{
    snprintf(out, size, "%s", s ? s : "(null)");
}

static int fake_answer(struct gf_creds *out, int i)
{
    char akid[32];

    if (s_fake.fail)
        return gf_error_set(GF_EAUTH, "fake sts refused");
    snprintf(akid, sizeof(akid), "ASIAFAKE%d", i);
    return gf_creds_set(out, akid, GF_SLICE_LIT("sts-secret"), GF_SLICE_LIT("sts-token"),
                        1767229200000, "123456789012", NULL);
}

static int fake_assume_role(struct gf_creds *out, const struct gf_creds_assume_role_req *req,
                            void *payload)
{
    int i = s_fake.calls++;

    cr_assert_eq(payload, &s_fake);
    cr_assert_lt(i, MAX_CALLS);
    copy_str(s_fake.role_arn[i], sizeof(s_fake.role_arn[i]), req->role_arn);
    copy_str(s_fake.source_akid[i], sizeof(s_fake.source_akid[i]), req->source->access_key_id);
    copy_str(s_fake.session[i], sizeof(s_fake.session[i]), req->role_session_name);
    copy_str(s_fake.external_id[i], sizeof(s_fake.external_id[i]), req->external_id);
    copy_str(s_fake.profile[i], sizeof(s_fake.profile[i]), req->profile);
    copy_str(s_fake.region[i], sizeof(s_fake.region[i]), req->region);
    s_fake.duration[i] = req->duration_seconds;
    return fake_answer(out, i);
}

static int fake_web_identity(struct gf_creds *out, const struct gf_creds_web_identity_req *req,
                             void *payload)
{
    int i = s_fake.calls++;

    cr_assert_eq(payload, &s_fake);
    cr_assert_lt(i, MAX_CALLS);
    copy_str(s_fake.role_arn[i], sizeof(s_fake.role_arn[i]), req->role_arn);
    copy_str(s_fake.session[i], sizeof(s_fake.session[i]), req->role_session_name);
    snprintf(s_fake.token[i], sizeof(s_fake.token[i]), "%.*s", GF_SLICE_FMT(req->token));
    copy_str(s_fake.region[i], sizeof(s_fake.region[i]), req->region);
    s_fake.duration[i] = req->duration_seconds;
    return fake_answer(out, i);
}

static const struct gf_creds_sts s_sts = {fake_assume_role, fake_web_identity, &s_fake};

/* ---- fixture ------------------------------------------------------------------------------- */

static struct gf_awsconfig s_cfg;
static struct gf_creds s_creds;
static struct gf_creds_opts s_opts;
static struct gf_clock_fixed s_clock;
static char s_closed_url[64]; /* a loopback port nobody listens on */
static char *s_tmp;
static int64_t s_t0;

static void closed_port_url(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(s_closed_url, sizeof(s_closed_url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
    close(fd);
}

static void init(void)
{
    memset(&s_fake, 0, sizeof(s_fake));
    gf_creds_init(&s_creds);
    cr_assert_eq(gf_time_parse_iso8601(&s_t0, "2026-01-01T00:00:00Z"), 0);
    gf_clock_fixed_init(&s_clock, s_t0);
    closed_port_url();
    setenvf("HOME=/h");
    s_opts = (struct gf_creds_opts)GF_CREDS_OPTS_INIT;
    s_opts.config = &s_cfg;
    s_opts.sts = &s_sts;
    s_opts.region = "eu-west-1";
    s_opts.clock = &s_clock.clock;
    /* never reach the real link-local addresses */
    s_opts.imds_base = s_closed_url;
    s_opts.container_base = s_closed_url;
    s_tmp = gf_test_tmpdir("creds");
    cr_assert_not_null(s_tmp);
}

static void fini(void)
{
    size_t i;

    gf_creds_release(&s_creds);
    gf_awsconfig_release(&s_cfg);
    for (i = 0; i < MAX_VARS; i++) {
        free(s_vars[i]);
        s_vars[i] = NULL;
    }
    gf_test_tmpdir_remove(s_tmp);
}

/* cppcheck-suppress unknownMacro */
TestSuite(creds, .init = init, .fini = fini);

static void load(const char *profile, const char *config, const char *credentials)
{
    struct gf_awsconfig_opts o = GF_AWSCONFIG_OPTS_INIT;

    o.profile = profile;
    o.env = &s_env;
    gf_awsconfig_release(&s_cfg);
    gf_cr_ok(gf_awsconfig_load_text(&s_cfg, &o, "/h/.aws/config", config, "/h/.aws/credentials",
                                    credentials));
}

static int resolve(void)
{
    return gf_creds_resolve(&s_creds, &s_opts);
}

static char *tmp_file(const char *name, const char *text)
{
    char *p = gf_test_path(s_tmp, name);

    cr_assert_eq(gf_test_write_file(p, text, strlen(text)), 0);
    return p;
}

static void assert_no_secret(const char *secret)
{
    const struct gf_error *e = gf_error_last();

    cr_assert_null(strstr(e->msg, secret), "secret in msg: %s", e->msg);
    cr_assert_null(strstr(e->hint, secret), "secret in hint: %s", e->hint);
    cr_assert_null(strstr(e->where, secret), "secret in where: %s", e->where);
    cr_assert_null(strstr(e->key, secret), "secret in key: %s", e->key);
}

static const char *s_keys_default = "[default]\naws_access_key_id = AKIDFILE\n"
                                    "aws_secret_access_key = file-secret\n";

/* ---- env ----------------------------------------------------------------------------------- */

Test(creds, env_source)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=env-secret");
    setenvf("AWS_SECURITY_TOKEN=old-token");
    setenvf("AWS_CREDENTIAL_EXPIRATION=2026-01-01T01:00:00Z");
    setenvf("AWS_ACCOUNT_ID=111122223333");
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "env");
    cr_assert_str_eq(s_creds.access_key_id, "AKIDENV");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "env-secret");
    cr_assert_str_eq(s_creds.session_token.ptr, "old-token");
    cr_assert_eq(s_creds.expiration_ms, s_t0 + 3600000);
    cr_assert_str_eq(s_creds.account_id, "111122223333");
    setenvf("AWS_SESSION_TOKEN=new-token");
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.session_token.ptr, "new-token");
}

Test(creds, env_partial_is_an_error)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    load(NULL, NULL, s_keys_default);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    cr_assert_str_eq(gf_error_last()->where, "env");
}

Test(creds, env_bad_expiration)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=" SECRET);
    setenvf("AWS_CREDENTIAL_EXPIRATION=tomorrow");
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "AWS_CREDENTIAL_EXPIRATION 'tomorrow' is not an ISO 8601 time");
    assert_no_secret(SECRET);
}

Test(creds, env_beats_profile)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=env-secret");
    load(NULL, NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "env");
}

Test(creds, env_beats_aws_profile_variable)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=env-secret");
    setenvf("AWS_PROFILE=default");
    load(NULL, NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "env");
}

Test(creds, explicit_profile_skips_env)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=env-secret");
    load("default", NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "profile default");
    cr_assert_str_eq(s_creds.access_key_id, "AKIDFILE");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "file-secret");
    cr_assert_eq(s_creds.expiration_ms, 0);
}

/* ---- shared files -------------------------------------------------------------------------- */

Test(creds, credentials_file_beats_process_and_config)
{
    load(NULL,
         "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n"
         "credential_process = exit 1\n",
         "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = s\n"
         "aws_session_token = t\n");
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.access_key_id, "AKIDCREDS");
    cr_assert_str_eq(s_creds.session_token.ptr, "t");
    cr_assert_str_eq(s_creds.source, "profile default");
}

Test(creds, process_beats_config_file_keys)
{
    load("p",
         "[profile p]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n"
         "credential_process = printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
         "\"SecretAccessKey\": \"proc-secret\"}'\n",
         NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.access_key_id, "AKIDPROC");
    cr_assert_str_eq(s_creds.source, "process");
}

Test(creds, config_file_keys)
{
    load("p", "[profile p]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n", NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.access_key_id, "AKIDCONFIG");
    cr_assert_str_eq(s_creds.source, "profile p");
}

Test(creds, profile_keys_partial_is_an_error)
{
    load(NULL, NULL, "[default]\n\naws_access_key_id = AKIDONLY\n");
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "profile 'default' has aws_access_key_id but no aws_secret_access_key");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/credentials:3");
}

/* ---- credential_process ------------------------------------------------------------------ */

static const char *const s_not_json = "credential_process answered a body that is not JSON (line ";

Test(creds, process_success)
{
    gf_cr_ok(gf_creds_from_process(&s_creds,
                                   "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                                   "\"SecretAccessKey\": \"ps\", \"SessionToken\": \"pt\", "
                                   "\"Expiration\": \"2026-01-01T02:00:00Z\", "
                                   "\"AccountId\": \"444455556666\"}'",
                                   "p", 5000));
    cr_assert_str_eq(s_creds.access_key_id, "AKIDPROC");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "ps");
    cr_assert_str_eq(s_creds.session_token.ptr, "pt");
    cr_assert_eq(s_creds.expiration_ms, s_t0 + 7200000);
    cr_assert_str_eq(s_creds.account_id, "444455556666");
    cr_assert_str_eq(s_creds.source, "process");
}

Test(creds, process_has_no_stdin)
{
    /* cat reads /dev/null: empty output, not a hang */
    gf_cr_fails(GF_EAUTH, gf_creds_from_process(&s_creds, "cat", "p", 5000));
    cr_assert(strncmp(gf_error_last()->msg, s_not_json, strlen(s_not_json)) == 0, "%s",
              gf_error_last()->msg);
}

Test(creds, process_nonzero_exit_reports_first_stderr_line)
{
    gf_cr_fails(GF_EAUTH,
                gf_creds_from_process(&s_creds,
                                      "echo '{\"SecretAccessKey\": \"" SECRET "\"}'; "
                                      "echo 'token expired, run login' >&2; echo more >&2; exit 3",
                                      "dev", 5000));
    cr_assert_str_eq(gf_error_last()->msg,
                     "credential_process exited with status 3: token expired, run login");
    cr_assert_str_eq(gf_error_last()->where, "profile dev");
    assert_no_secret(SECRET);
}

Test(creds, process_bad_json_never_quotes_output)
{
    gf_cr_fails(GF_EAUTH, gf_creds_from_process(&s_creds, "echo " SECRET, "dev", 5000));
    cr_assert(strncmp(gf_error_last()->msg, s_not_json, strlen(s_not_json)) == 0, "%s",
              gf_error_last()->msg);
    assert_no_secret(SECRET);
}

Test(creds, process_wrong_version)
{
    gf_cr_fails(GF_EAUTH, gf_creds_from_process(&s_creds,
                                                "printf '{\"Version\": 2, \"AccessKeyId\": \"A\", "
                                                "\"SecretAccessKey\": \"" SECRET "\"}'",
                                                "dev", 5000));
    cr_assert_str_eq(gf_error_last()->msg, "credential_process output has no \"Version\": 1");
    assert_no_secret(SECRET);
}

Test(creds, process_missing_secret)
{
    gf_cr_fails(GF_EAUTH,
                gf_creds_from_process(&s_creds, "printf '{\"Version\": 1, \"AccessKeyId\": \"A\"}'",
                                      "dev", 5000));
    cr_assert_str_eq(gf_error_last()->msg, "credential_process answered without SecretAccessKey");
}

Test(creds, process_timeout_kills_it)
{
    struct timespec a;
    struct timespec b;

    clock_gettime(CLOCK_MONOTONIC, &a);
    gf_cr_fails(GF_ERETRY, gf_creds_from_process(&s_creds, "sleep 20", "dev", 300));
    clock_gettime(CLOCK_MONOTONIC, &b);
    cr_assert_str_eq(gf_error_last()->msg, "credential_process did not finish within 300 ms");
    cr_assert_lt(b.tv_sec - a.tv_sec, 5);
}

Test(creds, process_via_chain_uses_timeout_option)
{
    s_opts.process_timeout_ms = 200;
    load(NULL, "[default]\ncredential_process = sleep 20\n", NULL);
    gf_cr_fails(GF_ERETRY, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "credential_process did not finish within 200 ms");
    cr_assert_str_eq(gf_error_last()->where, "profile default");
}

/* ---- assume-role --------------------------------------------------------------------------- */

Test(creds, assume_role_with_source_profile)
{
    load("dev",
         "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\n"
         "external_id = ext-1\nrole_session_name = gf\nduration_seconds = 1800\n",
         "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
    gf_cr_ok(resolve());
    cr_assert_eq(s_fake.calls, 1);
    cr_assert_str_eq(s_fake.role_arn[0], "arn:aws:iam::123456789012:role/deploy");
    cr_assert_str_eq(s_fake.source_akid[0], "AKIDBASE");
    cr_assert_str_eq(s_fake.external_id[0], "ext-1");
    cr_assert_str_eq(s_fake.session[0], "gf");
    cr_assert_str_eq(s_fake.profile[0], "dev");
    cr_assert_str_eq(s_fake.region[0], "eu-west-1");
    cr_assert_eq(s_fake.duration[0], 1800);
    cr_assert_str_eq(s_creds.access_key_id, "ASIAFAKE0");
    cr_assert_str_eq(s_creds.session_token.ptr, "sts-token");
    cr_assert_str_eq(s_creds.account_id, "123456789012");
    cr_assert_str_eq(s_creds.source,
                     "assume-role arn:aws:iam::123456789012:role/deploy via profile dev");
}

Test(creds, assume_role_defaults)
{
    load("dev", "[profile dev]\nrole_arn = arn:r\nsource_profile = base\n",
         "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_fake.session[0], "gitfargate-session-1767225600");
    cr_assert_str_eq(s_fake.external_id[0], "(null)");
    cr_assert_eq(s_fake.duration[0], 0);
}

Test(creds, assume_role_beats_keys_of_the_same_profile)
{
    load("dev", "[profile dev]\nrole_arn = arn:r\nsource_profile = dev\n",
         "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n");
    gf_cr_ok(resolve());
    cr_assert_eq(s_fake.calls, 1);
    cr_assert_str_eq(s_fake.source_akid[0], "AKIDDEV");
    cr_assert_str_eq(s_creds.source, "assume-role arn:r via profile dev");
}

Test(creds, assume_role_chain)
{
    load("a",
         "[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
         "[profile b]\nrole_arn = arn:b\nsource_profile = c\n"
         "[profile c]\naws_access_key_id = AKIDC\naws_secret_access_key = c-secret\n",
         NULL);
    gf_cr_ok(resolve());
    cr_assert_eq(s_fake.calls, 2);
    cr_assert_str_eq(s_fake.role_arn[0], "arn:b");
    cr_assert_str_eq(s_fake.source_akid[0], "AKIDC");
    cr_assert_str_eq(s_fake.role_arn[1], "arn:a");
    cr_assert_str_eq(s_fake.source_akid[1], "ASIAFAKE0");
    cr_assert_str_eq(s_creds.source, "assume-role arn:a via profile a");
}

Test(creds, assume_role_source_profile_uses_process)
{
    load("a",
         "[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
         "[profile b]\ncredential_process = printf '{\"Version\": 1, \"AccessKeyId\": "
         "\"AKIDPROC\", \"SecretAccessKey\": \"s\"}'\n",
         NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_fake.source_akid[0], "AKIDPROC");
}

Test(creds, assume_role_loop_detected)
{
    load("a",
         "[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
         "[profile b]\nrole_arn = arn:b\nsource_profile = a\n",
         NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "source_profile loop: a -> b -> a");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:6");
    cr_assert_eq(s_fake.calls, 0);
}

Test(creds, assume_role_self_reference_without_keys_is_a_loop)
{
    load("a", "[profile a]\nrole_arn = arn:a\nsource_profile = a\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "source_profile loop: a -> a");
}

Test(creds, assume_role_missing_source_profile)
{
    load("a", "[profile a]\nrole_arn = arn:a\nsource_profile = zz\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "source_profile 'zz' of profile 'a' does not exist");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:3");
}

Test(creds, assume_role_source_without_credentials)
{
    load("a", "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nregion = x\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "source profile 'b' has no credentials");
}

Test(creds, assume_role_config_errors)
{
    load("a",
         "[profile a]\nrole_arn = arn:a\nsource_profile = b\ncredential_source = "
         "Environment\n[profile b]\n",
         NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "profile 'a' has both source_profile and credential_source");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:2");
    load("a", "[profile a]\nrole_arn = arn:a\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "profile 'a' has role_arn but neither source_profile nor credential_source");
    load("a", "[profile a]\nrole_arn = arn:a\ncredential_source = Nowhere\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "credential_source 'Nowhere' of profile 'a' is not one of Environment, "
                     "EcsContainer, Ec2InstanceMetadata");
    load("a", "[profile a]\nrole_arn = arn:a\nsource_profile = a\nmfa_serial = arn:mfa\n", NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "profile 'a' needs an MFA code (mfa_serial), which "
                                           "gitfargate cannot prompt for");
}

Test(creds, assume_role_credential_source_environment)
{
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=env-secret");
    load("e", "[profile e]\nrole_arn = arn:e\ncredential_source = Environment\n", NULL);
    gf_cr_ok(resolve()); /* env is skipped as a source (explicit profile), used as the source */
    cr_assert_str_eq(s_fake.source_akid[0], "AKIDENV");
    cr_assert_str_eq(s_creds.source, "assume-role arn:e via profile e");
}

Test(creds, assume_role_credential_source_finds_nothing)
{
    load("e", "[profile e]\nrole_arn = arn:e\ncredential_source = Environment\n", NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "credential_source Environment of profile 'e' found "
                                           "no credentials: env: AWS_ACCESS_KEY_ID not set");
}

Test(creds, assume_role_sts_failure_propagates)
{
    s_fake.fail = 1;
    load("dev", "[profile dev]\nrole_arn = arn:r\nsource_profile = base\n",
         "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "fake sts refused");
}

/* ---- web identity ------------------------------------------------------------------------ */

Test(creds, web_identity_from_env_reads_token_each_time)
{
    char *tok = tmp_file("token", "jwt-one\n");

    setenvf("AWS_WEB_IDENTITY_TOKEN_FILE=%s", tok);
    setenvf("AWS_ROLE_ARN=arn:aws:iam::1:role/web");
    setenvf("AWS_ROLE_SESSION_NAME=sess");
    load(NULL, NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_eq(s_fake.calls, 1);
    cr_assert_str_eq(s_fake.role_arn[0], "arn:aws:iam::1:role/web");
    cr_assert_str_eq(s_fake.session[0], "sess");
    cr_assert_str_eq(s_fake.token[0], "jwt-one");
    cr_assert_str_eq(s_creds.source, "web-identity");
    cr_assert_eq(gf_test_write_file(tok, "jwt-two", 7), 0);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_fake.token[1], "jwt-two");
    free(tok);
}

Test(creds, web_identity_from_profile)
{
    char *tok = tmp_file("token", "jwt-p");
    char config[1024];

    snprintf(config, sizeof(config),
             "[profile w]\nrole_arn = arn:w\nweb_identity_token_file = %s\n"
             "duration_seconds = 900\n",
             tok);
    load("w", config, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_fake.role_arn[0], "arn:w");
    cr_assert_str_eq(s_fake.token[0], "jwt-p");
    cr_assert_str_eq(s_fake.session[0], "gitfargate-session-1767225600");
    cr_assert_eq(s_fake.duration[0], 900);
    free(tok);
}

Test(creds, web_identity_without_role_arn)
{
    setenvf("AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token");
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "web identity token file '/nonexistent/token' is set but no role ARN");
}

Test(creds, web_identity_unreadable_token)
{
    setenvf("AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token");
    setenvf("AWS_ROLE_ARN=arn:x");
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "cannot read the web identity token file "
                                           "'/nonexistent/token': No such file or directory");
}

Test(creds, web_identity_env_ignored_for_explicit_profile)
{
    setenvf("AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token");
    setenvf("AWS_ROLE_ARN=arn:x");
    load("default", NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "profile default");
    cr_assert_eq(s_fake.calls, 0);
}

/* ---- a loopback server: ECS container endpoint and IMDS ------------------------------------ */

enum srv_mode { SRV_CONTAINER, SRV_IMDS_V2, SRV_IMDS_V1_ONLY };

#define MAX_LOG 16

struct srv {
    struct gf_test_mhd mhd;
    enum srv_mode mode;
    const char *want_auth; /* container: required Authorization, NULL: none */
    int fail_first;        /* container: the first N requests answer 500 */
    int token_status;      /* IMDS v1-only: status of PUT /latest/api/token */
    int refuse_token;      /* IMDS v2: answer the PUT with this status instead */
    const char *body;      /* container / IMDS role credentials JSON */
    atomic_int requests;
    pthread_mutex_t mu;
    char log[MAX_LOG][160]; /* "PUT /latest/api/token ttl=21600", "GET /x token=yes" */
    int nlog;
};

static const char *const s_imds_token = "imds-token-abc";

static const char *hdr(struct MHD_Connection *conn, const char *name)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    return v ? v : "";
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);

    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result container_reply(struct srv *s, struct MHD_Connection *conn, int idx)
{
    if (idx < s->fail_first)
        return reply(conn, 500, "{\"code\":\"boom\"}");
    if (s->want_auth && strcmp(hdr(conn, "Authorization"), s->want_auth) != 0)
        return reply(conn, 401, "{\"code\":\"denied\"}");
    return reply(conn, 200, s->body);
}

static enum MHD_Result imds_reply(struct srv *s, struct MHD_Connection *conn, const char *url,
                                  const char *method)
{
    static const char *creds_path = "/latest/meta-data/iam/security-credentials/";
    bool v2 = s->mode == SRV_IMDS_V2;

    if (strcmp(method, "PUT") == 0 && strcmp(url, "/latest/api/token") == 0) {
        if (!v2)
            return reply(conn, (unsigned)s->token_status, "");
        if (s->refuse_token)
            return reply(conn, (unsigned)s->refuse_token, "");
        if (strcmp(hdr(conn, "x-aws-ec2-metadata-token-ttl-seconds"), "21600") != 0)
            return reply(conn, 400, "");
        return reply(conn, 200, s_imds_token);
    }
    if (v2 && strcmp(hdr(conn, "x-aws-ec2-metadata-token"), s_imds_token) != 0)
        return reply(conn, 401, "");
    if (strcmp(url, creds_path) == 0)
        return reply(conn, 200, "role-a\n");
    if (strncmp(url, creds_path, strlen(creds_path)) == 0 &&
        strcmp(url + strlen(creds_path), "role-a") == 0)
        return reply(conn, 200, s->body);
    return reply(conn, 404, "");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const struct gf_buf *body)
{
    struct srv *s = cls;
    int idx;

    (void)body;
    idx = atomic_fetch_add(&s->requests, 1);
    pthread_mutex_lock(&s->mu);
    if (s->nlog < MAX_LOG) {
        if (s->mode == SRV_CONTAINER)
            snprintf(s->log[s->nlog++], sizeof(s->log[0]), "%s %s auth=%s accept=%s", method, url,
                     hdr(conn, "Authorization"), hdr(conn, "Accept"));
        else
            snprintf(s->log[s->nlog++], sizeof(s->log[0]), "%s %s token=%s ttl=%s", method, url,
                     hdr(conn, "x-aws-ec2-metadata-token")[0] ? "yes" : "no",
                     hdr(conn, "x-aws-ec2-metadata-token-ttl-seconds"));
    }
    pthread_mutex_unlock(&s->mu);
    if (s->mode == SRV_CONTAINER)
        return container_reply(s, conn, idx);
    return imds_reply(s, conn, url, method);
}

static struct srv s_srv;

static void srv_start(enum srv_mode mode, const char *body)
{
    s_srv.mode = mode;
    s_srv.body = body;
    s_srv.token_status = 405;
    pthread_mutex_init(&s_srv.mu, NULL);
    gf_test_mhd_start(&s_srv.mhd, on_request, &s_srv);
}

static void srv_stop(void)
{
    gf_test_mhd_stop(&s_srv.mhd);
    pthread_mutex_destroy(&s_srv.mu);
}

static const char *s_container_body =
    "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"container-secret\","
    "\"Token\":\"container-token\",\"Expiration\":\"2026-01-01T06:00:00Z\","
    "\"AccountId\":\"111122223333\",\"RoleArn\":\"arn:aws:iam::111122223333:role/task\"}";

static const char *s_imds_body =
    "{\"Code\":\"Success\",\"LastUpdated\":\"2026-01-01T00:00:00Z\",\"Type\":\"AWS-HMAC\","
    "\"AccessKeyId\":\"ASIAINSTANCE\",\"SecretAccessKey\":\"instance-secret\","
    "\"Token\":\"instance-token\",\"Expiration\":\"2026-01-01T06:00:00Z\"}";

/* ---- ECS container endpoint ---------------------------------------------------------------- */

Test(creds, container_full_uri_with_token)
{
    srv_start(SRV_CONTAINER, s_container_body);
    s_srv.want_auth = "Bearer abc";
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/v2/creds", s_srv.mhd.port);
    setenvf("AWS_CONTAINER_AUTHORIZATION_TOKEN=Bearer abc");
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "container");
    cr_assert_str_eq(s_creds.access_key_id, "ASIACONTAINER");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "container-secret");
    cr_assert_str_eq(s_creds.session_token.ptr, "container-token");
    cr_assert_eq(s_creds.expiration_ms, s_t0 + 6 * 3600000);
    cr_assert_str_eq(s_creds.account_id, "111122223333");
    cr_assert_eq(s_srv.nlog, 1);
    cr_assert_str_eq(s_srv.log[0], "GET /v2/creds auth=Bearer abc accept=application/json");
    srv_stop();
}

Test(creds, container_relative_uri_on_the_base_option)
{
    char base[64];

    srv_start(SRV_CONTAINER, s_container_body);
    snprintf(base, sizeof(base), "http://127.0.0.1:%u", s_srv.mhd.port);
    s_opts.container_base = base;
    setenvf("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/guid-1");
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://example.com/ignored");
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.access_key_id, "ASIACONTAINER");
    cr_assert_str_eq(s_srv.log[0], "GET /v2/credentials/guid-1 auth= accept=application/json");
    srv_stop();
}

Test(creds, container_retries_a_failing_endpoint)
{
    srv_start(SRV_CONTAINER, s_container_body);
    s_srv.fail_first = 2;
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_eq(atomic_load(&s_srv.requests), 3);
    cr_assert_eq(s_clock.now_ms, s_t0 + 2000, "two 1 s pauses on the injected clock");
    cr_assert_str_eq(s_creds.access_key_id, "ASIACONTAINER");
    srv_stop();
}

Test(creds, container_gives_up_after_three_attempts)
{
    char where[128];

    srv_start(SRV_CONTAINER, s_container_body);
    s_srv.fail_first = 100;
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_ERETRY, resolve());
    snprintf(where, sizeof(where), "http://127.0.0.1:%u/c", s_srv.mhd.port);
    cr_assert_str_eq(gf_error_last()->msg, "the container credentials endpoint answered HTTP 500");
    cr_assert_str_eq(gf_error_last()->where, where);
    cr_assert_str_eq(gf_error_last()->hint, "gave up after 3 attempts; on ECS check the task "
                                            "role (taskRoleArn) of the task definition");
    cr_assert_eq(atomic_load(&s_srv.requests), 3);
    srv_stop();
}

Test(creds, container_wrong_token_is_refused)
{
    srv_start(SRV_CONTAINER, s_container_body);
    s_srv.want_auth = "right";
    s_opts.container_retry_delay_ms = -1;
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    setenvf("AWS_CONTAINER_AUTHORIZATION_TOKEN=" SECRET);
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "the container credentials endpoint answered HTTP 401");
    cr_assert_eq(s_clock.now_ms, s_t0, "no pause with a negative delay");
    assert_no_secret(SECRET);
    srv_stop();
}

Test(creds, container_token_file_wins_and_is_read_each_time)
{
    char *file = tmp_file("auth", "file-token");

    srv_start(SRV_CONTAINER, s_container_body);
    s_srv.want_auth = "file-token";
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://localhost:%u/c", s_srv.mhd.port);
    setenvf("AWS_CONTAINER_AUTHORIZATION_TOKEN=env-token");
    setenvf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s", file);
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_eq(gf_test_write_file(file, "rotated", 7), 0);
    s_srv.want_auth = "rotated";
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_srv.log[1], "GET /c auth=rotated accept=application/json");
    free(file);
    srv_stop();
}

Test(creds, container_token_with_newline_is_rejected)
{
    char *file = tmp_file("auth", SECRET "\n");

    srv_start(SRV_CONTAINER, s_container_body);
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    setenvf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s", file);
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EINVALID, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "the container authorization token (from "
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) contains a "
                                           "CR or LF");
    assert_no_secret(SECRET);
    cr_assert_eq(atomic_load(&s_srv.requests), 0);
    free(file);
    srv_stop();
}

Test(creds, container_full_uri_must_be_local_or_https)
{
    static const char *bad[] = {
        "http://example.com/creds",        "http://169.254.170.3/creds",
        "http://127.0.0.1.evil.com/creds", "http://localhost.evil.com/creds",
        "http://[fd00:ec2::24]/creds",     "ftp://127.0.0.1/creds",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=%s", bad[i]);
        load(NULL, NULL, NULL);
        gf_cr_fails(GF_EINVALID, resolve());
        cr_assert(strstr(gf_error_last()->msg, "must use https, or http to a loopback address"),
                  "%s: %s", bad[i], gf_error_last()->msg);
    }
}

Test(creds, container_bad_json_never_quoted)
{
    srv_start(SRV_CONTAINER, "{\"SecretAccessKey\":\"" SECRET "\"}");
    s_opts.container_retry_delay_ms = -1;
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg, "the container endpoint answered without AccessKeyId");
    assert_no_secret(SECRET);
    srv_stop();
}

Test(creds, assume_role_credential_source_ecs_container)
{
    srv_start(SRV_CONTAINER, s_container_body);
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    load("ops", "[profile ops]\nrole_arn = arn:ops\ncredential_source = EcsContainer\n", NULL);
    gf_cr_ok(resolve());
    cr_assert_eq(s_fake.calls, 1);
    cr_assert_str_eq(s_fake.source_akid[0], "ASIACONTAINER");
    cr_assert_str_eq(s_creds.source, "assume-role arn:ops via profile ops");
    srv_stop();
}

Test(creds, files_beat_the_container)
{
    srv_start(SRV_CONTAINER, s_container_body);
    setenvf("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:%u/c", s_srv.mhd.port);
    load(NULL, NULL, s_keys_default);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "profile default");
    cr_assert_eq(atomic_load(&s_srv.requests), 0);
    srv_stop();
}

/* ---- IMDS -------------------------------------------------------------------------------- */

static void imds_base_opt(char *base, size_t size)
{
    snprintf(base, size, "http://127.0.0.1:%u", s_srv.mhd.port);
    s_opts.imds_base = base;
}

Test(creds, imds_v2)
{
    char base[64];

    srv_start(SRV_IMDS_V2, s_imds_body);
    imds_base_opt(base, sizeof(base));
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "instance");
    cr_assert_str_eq(s_creds.access_key_id, "ASIAINSTANCE");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "instance-secret");
    cr_assert_str_eq(s_creds.session_token.ptr, "instance-token");
    cr_assert_eq(s_creds.expiration_ms, s_t0 + 6 * 3600000);
    cr_assert_eq(s_srv.nlog, 3);
    cr_assert_str_eq(s_srv.log[0], "PUT /latest/api/token token=no ttl=21600");
    cr_assert_str_eq(s_srv.log[1],
                     "GET /latest/meta-data/iam/security-credentials/ token=yes ttl=");
    cr_assert_str_eq(s_srv.log[2],
                     "GET /latest/meta-data/iam/security-credentials/role-a token=yes ttl=");
    srv_stop();
}

Test(creds, imds_v1_fallback)
{
    static const int statuses[] = {403, 404, 405};
    char base[64];
    size_t i;

    srv_start(SRV_IMDS_V1_ONLY, s_imds_body);
    imds_base_opt(base, sizeof(base));
    load(NULL, NULL, NULL);
    for (i = 0; i < 3; i++) {
        s_srv.token_status = statuses[i];
        gf_cr_ok(resolve());
        cr_assert_str_eq(s_creds.access_key_id, "ASIAINSTANCE");
    }
    cr_assert_str_eq(s_srv.log[1], "GET /latest/meta-data/iam/security-credentials/ token=no ttl=");
    srv_stop();
}

Test(creds, imds_v1_disabled)
{
    char base[64];

    srv_start(SRV_IMDS_V1_ONLY, s_imds_body);
    imds_base_opt(base, sizeof(base));
    setenvf("AWS_EC2_METADATA_V1_DISABLED=true");
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert(strstr(gf_error_last()->msg, "; instance: no IMDS token (HTTP error) and "
                                           "AWS_EC2_METADATA_V1_DISABLED is set"),
              "%s", gf_error_last()->msg);
    cr_assert_eq(atomic_load(&s_srv.requests), 1);
    srv_stop();
}

Test(creds, imds_v2_server_rejects_a_missing_token)
{
    char base[64];

    /* the token request is refused (403), so the client falls back to v1; a v2-only server
     * answers the token-less GET with 401 */
    srv_start(SRV_IMDS_V2, s_imds_body);
    s_srv.refuse_token = 403;
    imds_base_opt(base, sizeof(base));
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert(strstr(gf_error_last()->msg,
                     "; instance: IMDS answered HTTP 401 (it wants an IMDSv2 token)"),
              "%s", gf_error_last()->msg);
    cr_assert_str_eq(s_srv.log[1], "GET /latest/meta-data/iam/security-credentials/ token=no ttl=");
    srv_stop();
}

Test(creds, imds_token_400_is_fatal_for_imds)
{
    char base[64];

    srv_start(SRV_IMDS_V2, s_imds_body);
    s_srv.refuse_token = 400;
    imds_base_opt(base, sizeof(base));
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert(strstr(gf_error_last()->msg, "; instance: IMDS refused the token request (HTTP 400)"),
              "%s", gf_error_last()->msg);
    cr_assert_eq(atomic_load(&s_srv.requests), 1);
    srv_stop();
}

Test(creds, imds_endpoint_variable_wins)
{
    srv_start(SRV_IMDS_V2, s_imds_body);
    setenvf("AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:%u/", s_srv.mhd.port);
    load(NULL, NULL, NULL);
    gf_cr_ok(resolve());
    cr_assert_str_eq(s_creds.source, "instance");
    srv_stop();
}

Test(creds, imds_disabled)
{
    setenvf("AWS_EC2_METADATA_DISABLED=true");
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert(strstr(gf_error_last()->msg, "; instance: AWS_EC2_METADATA_DISABLED is set"), "%s",
              gf_error_last()->msg);
}

Test(creds, imds_failure_code_is_skipped)
{
    char base[64];

    srv_start(SRV_IMDS_V2, "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"no\"}");
    imds_base_opt(base, sizeof(base));
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert(strstr(gf_error_last()->msg,
                     "; instance: IMDS answered Code 'AssumeRoleUnauthorizedAccess'"),
              "%s", gf_error_last()->msg);
    srv_stop();
}

/* ---- nothing found --------------------------------------------------------------------------- */

Test(creds, all_sources_failed_lists_each)
{
    s_opts.imds_timeout_ms = 0; /* the default, 1 s: connection refused answers at once */
    load(NULL, NULL, NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "no AWS credentials found: env: AWS_ACCESS_KEY_ID not set; web-identity: no "
                     "token file; profile default: not in ~/.aws/credentials or ~/.aws/config; "
                     "container: AWS_CONTAINER_CREDENTIALS_* not set; instance: IMDS did not "
                     "answer in 1 s");
    cr_assert_str_eq(gf_error_last()->where, "credentials");
    cr_assert_str_eq(gf_error_last()->hint,
                     "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, add keys to profile "
                     "'default' (name another with --profile or AWS_PROFILE), or run on ECS with "
                     "a task role");
    cr_assert_null(s_creds.access_key_id);
}

Test(creds, all_sources_failed_with_explicit_profile)
{
    s_opts.imds_timeout_ms = 250;
    setenvf("AWS_ACCESS_KEY_ID=AKIDENV");
    setenvf("AWS_SECRET_ACCESS_KEY=" SECRET);
    load("dev", "[profile dev]\nregion = us-east-1\n", NULL);
    gf_cr_fails(GF_EAUTH, resolve());
    cr_assert_str_eq(gf_error_last()->msg,
                     "no AWS credentials found: env: skipped for --profile; web-identity: no "
                     "token file; profile dev: no keys in ~/.aws/credentials or ~/.aws/config; "
                     "container: AWS_CONTAINER_CREDENTIALS_* not set; instance: IMDS did not "
                     "answer in 250 ms");
    assert_no_secret(SECRET);
}

/* ---- caching provider ---------------------------------------------------------------------- */

struct fake_fetch {
    atomic_int calls;
    int fail;
    int64_t lifetime_ms; /* 0: no expiry */
    int delay_ms;
    const struct gf_clock *clock;
};

static int fake_fetch(struct gf_creds *out, void *payload)
{
    struct fake_fetch *f = payload;
    int n = atomic_fetch_add(&f->calls, 1) + 1;
    char akid[32];

    if (f->delay_ms) {
        struct timespec ts = {0, (long)f->delay_ms * 1000000L};

        nanosleep(&ts, NULL);
    }
    if (f->fail)
        return gf_error_set(GF_EAUTH, "fetch %d failed", n);
    snprintf(akid, sizeof(akid), "AKID%d", n);
    return gf_creds_set(out, akid, GF_SLICE_LIT("s"), GF_SLICE_LIT(""),
                        f->lifetime_ms ? gf_clock_wall_ms(f->clock) + f->lifetime_ms : 0, NULL,
                        "fake");
}

#define MIN_MS (60 * 1000)

Test(creds, provider_caches_credentials_without_expiry)
{
    struct fake_fetch f = {0};
    struct gf_creds_provider *p = NULL;
    int i;

    f.clock = &s_clock.clock;
    gf_cr_ok(gf_creds_provider_new(&p, fake_fetch, &f, &s_clock.clock));
    for (i = 0; i < 3; i++) {
        gf_cr_ok(gf_creds_provider_get(&s_creds, p));
        s_clock.now_ms += 1000 * MIN_MS;
    }
    cr_assert_eq(atomic_load(&f.calls), 1);
    cr_assert_str_eq(s_creds.access_key_id, "AKID1");
    gf_creds_provider_invalidate(p);
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_str_eq(s_creds.access_key_id, "AKID2");
    gf_creds_provider_free(p);
}

Test(creds, provider_refreshes_in_the_advisory_window)
{
    struct fake_fetch f = {0};
    struct gf_creds_provider *p = NULL;

    f.clock = &s_clock.clock;
    f.lifetime_ms = 60 * MIN_MS;
    gf_cr_ok(gf_creds_provider_new(&p, fake_fetch, &f, &s_clock.clock));
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    s_clock.now_ms += 44 * MIN_MS; /* 16 min left: fresh */
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_eq(atomic_load(&f.calls), 1);
    s_clock.now_ms += 2 * MIN_MS; /* 14 min left: advisory */
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_eq(atomic_load(&f.calls), 2);
    cr_assert_str_eq(s_creds.access_key_id, "AKID2");
    cr_assert_eq(s_creds.expiration_ms, s_clock.now_ms + 60 * MIN_MS);
    gf_creds_provider_free(p);
}

Test(creds, provider_advisory_failure_keeps_the_old_ones)
{
    struct fake_fetch f = {0};
    struct gf_creds_provider *p = NULL;

    f.clock = &s_clock.clock;
    f.lifetime_ms = 60 * MIN_MS;
    gf_cr_ok(gf_creds_provider_new(&p, fake_fetch, &f, &s_clock.clock));
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    f.fail = 1;
    s_clock.now_ms += 47 * MIN_MS; /* 13 min left */
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_str_eq(s_creds.access_key_id, "AKID1");
    cr_assert_eq(atomic_load(&f.calls), 2);
    gf_creds_provider_free(p);
}

Test(creds, provider_mandatory_failure_errors)
{
    struct fake_fetch f = {0};
    struct gf_creds_provider *p = NULL;

    f.clock = &s_clock.clock;
    f.lifetime_ms = 60 * MIN_MS;
    gf_cr_ok(gf_creds_provider_new(&p, fake_fetch, &f, &s_clock.clock));
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    f.fail = 1;
    s_clock.now_ms += 51 * MIN_MS; /* 9 min left */
    gf_cr_fails(GF_EAUTH, gf_creds_provider_get(&s_creds, p));
    cr_assert_str_eq(gf_error_last()->msg, "fetch 2 failed");
    f.fail = 0;
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_str_eq(s_creds.access_key_id, "AKID3");
    gf_creds_provider_free(p);
}

Test(creds, provider_first_fetch_failure_errors)
{
    struct fake_fetch f = {0};
    struct gf_creds_provider *p = NULL;

    f.clock = &s_clock.clock;
    f.fail = 1;
    gf_cr_ok(gf_creds_provider_new(&p, fake_fetch, &f, &s_clock.clock));
    gf_cr_fails(GF_EAUTH, gf_creds_provider_get(&s_creds, p));
    gf_creds_provider_free(p);
}

struct getter {
    struct gf_creds_provider *p;
    int rc;
    char akid[32];
};

static void *getter_main(void *arg)
{
    struct getter *g = arg;
    struct gf_creds c = GF_CREDS_INIT;

    g->rc = gf_creds_provider_get(&c, g->p);
    snprintf(g->akid, sizeof(g->akid), "%s", c.access_key_id ? c.access_key_id : "");
    gf_creds_release(&c);
    return NULL;
}

Test(creds, provider_fetches_once_for_many_threads)
{
    struct fake_fetch f = {0};
    struct getter g[8];
    pthread_t t[8];
    int i;

    f.clock = &s_clock.clock;
    f.lifetime_ms = 60 * MIN_MS;
    f.delay_ms = 50;
    gf_cr_ok(gf_creds_provider_new(&g[0].p, fake_fetch, &f, &s_clock.clock));
    for (i = 0; i < 8; i++) {
        g[i].p = g[0].p;
        cr_assert_eq(pthread_create(&t[i], NULL, getter_main, &g[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(g[i].rc, 0);
        cr_assert_str_eq(g[i].akid, "AKID1");
    }
    cr_assert_eq(atomic_load(&f.calls), 1);
    gf_creds_provider_free(g[0].p);
}

Test(creds, provider_over_the_chain)
{
    struct gf_creds_provider *p = NULL;

    load(NULL, NULL, s_keys_default);
    gf_cr_ok(gf_creds_provider_new_chain(&p, &s_opts));
    gf_cr_ok(gf_creds_provider_get(&s_creds, p));
    cr_assert_str_eq(s_creds.source, "profile default");
    cr_assert_str_eq(s_creds.secret_access_key.ptr, "file-secret");
    gf_creds_provider_free(p);
}

/* ---- struct gf_creds --------------------------------------------------------------------------
 */

Test(creds, copy_and_release)
{
    struct gf_creds copy = GF_CREDS_INIT;

    gf_cr_ok(
        gf_creds_set(&s_creds, "AKID", GF_SLICE_LIT("sec"), GF_SLICE_LIT("tok"), 5, "acct", "env"));
    gf_cr_ok(gf_creds_copy(&copy, &s_creds));
    cr_assert_str_eq(copy.access_key_id, "AKID");
    cr_assert_str_eq(copy.secret_access_key.ptr, "sec");
    cr_assert_str_eq(copy.session_token.ptr, "tok");
    cr_assert_eq(copy.expiration_ms, 5);
    cr_assert_str_eq(copy.account_id, "acct");
    cr_assert_str_eq(copy.source, "env");
    gf_creds_release(&copy);
    cr_assert_null(copy.access_key_id);
    cr_assert_eq(copy.secret_access_key.len, 0);
}
