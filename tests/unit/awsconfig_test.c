/* SPDX-License-Identifier: Apache-2.0 */
/* awsconfig_test.c: the shared config / credentials INI parser (botocore's reading), profile
 * selection, the merged profile view, services endpoints and region resolution (aws/awsconfig.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws/awsconfig.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

/* ---- a fake environment ------------------------------------------------------------------- */

struct fake_env {
    const char *vars[32]; /* "NAME=value" */
};

static const char *fake_getenv(const char *name, void *payload)
{
    const struct fake_env *e = payload;
    size_t n = strlen(name);
    size_t i;

    for (i = 0; i < 32 && e->vars[i]; i++)
        if (strncmp(e->vars[i], name, n) == 0 && e->vars[i][n] == '=')
            return e->vars[i] + n + 1;
    return NULL;
}

static struct fake_env s_vars;
static struct gf_env s_env = {fake_getenv, &s_vars};
static struct gf_awsconfig s_cfg;

static void setenv_fake(const char *kv)
{
    size_t i;

    for (i = 0; i < 31 && s_vars.vars[i]; i++)
        ;
    s_vars.vars[i] = kv;
}

static void fini(void)
{
    gf_awsconfig_release(&s_cfg);
    memset(&s_vars, 0, sizeof(s_vars));
}

/* cppcheck-suppress unknownMacro */
TestSuite(awsconfig, .fini = fini);

static char *data_text(const char *name)
{
    struct gf_buf b = GF_BUF_INIT;
    char path[512];

    snprintf(path, sizeof(path), "%s/awsconfig/%s", gf_test_data_dir(), name);
    cr_assert_eq(gf_test_read_file(&b, path), 0, "cannot read %s", path);
    return gf_buf_detach(&b);
}

/* Load the sample files of tests/data/awsconfig with the fake environment. */
static int load_sample(const char *profile)
{
    struct gf_awsconfig_opts o = GF_AWSCONFIG_OPTS_INIT;
    char *config = data_text("config");
    char *creds = data_text("credentials");
    int rc;

    o.profile = profile;
    o.env = &s_env;
    rc = gf_awsconfig_load_text(&s_cfg, &o, "/h/.aws/config", config, "/h/.aws/credentials",
                                creds);
    gf_free(config);
    gf_free(creds);
    return rc;
}

static int load_texts(const char *profile, const char *config, const char *creds)
{
    struct gf_awsconfig_opts o = GF_AWSCONFIG_OPTS_INIT;

    o.profile = profile;
    o.env = &s_env;
    return gf_awsconfig_load_text(&s_cfg, &o, "/h/.aws/config", config, "/h/.aws/credentials",
                                  creds);
}

/* ---- parsing ------------------------------------------------------------------------------- */

Test(awsconfig, parses_profiles_comments_and_odd_whitespace)
{
    gf_cr_ok(load_sample(NULL));
    cr_assert_str_eq(s_cfg.profile, "default");
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "eu-west-1");
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "output"), "json");
    /* keys are lower-cased; `key: value` works; values are stripped */
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_CONFIG, "dev", "region"),
                     "us-east-2");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "dev", "endpoint_url"),
                     "http://localhost:4566");
    /* shlex-split names; botocore's startswith("profile") quirk; "[ default ]" is not default */
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "with space", "region"),
                     "ap-south-1");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "odd", "region"),
                     "ca-central-1");
    cr_assert_null(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "corp", "sso_region"));
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "multi", "note"),
                     "first line\nsecond line\nthird line");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, "multi", "region"),
                     "sa-east-1");
}

Test(awsconfig, parses_nested_services_sections)
{
    const struct gf_ini_section *s;
    const struct gf_ini_entry *e;

    gf_cr_ok(load_sample(NULL));
    s = gf_ini_section(&s_cfg.config, "services local-dev");
    cr_assert_not_null(s);
    e = gf_ini_entry(s, "ecs");
    cr_assert_not_null(e);
    cr_assert_eq(e->nsub, 2);
    cr_assert_str_eq(e->sub[0].key, "endpoint_url");
    cr_assert_str_eq(e->sub[0].value, "http://127.0.0.1:4566/ecs");
    cr_assert_str_eq(e->sub[1].key, "signature_version");
    cr_assert_str_eq(e->sub[1].value, "v4");
    /* nested values are not scalars */
    cr_assert_null(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_ANY, NULL, "ecs"));
    cr_assert_str_eq(gf_awsconfig_service_endpoint(&s_cfg, "ecs"), "http://127.0.0.1:4566/ecs");
    cr_assert_str_eq(gf_awsconfig_service_endpoint(&s_cfg, "cloudwatch_logs"),
                     "http://127.0.0.1:4566/logs");
    cr_assert_str_eq(gf_awsconfig_service_get(&s_cfg, "ecs", "signature_version"), "v4");
    cr_assert_null(gf_awsconfig_service_endpoint(&s_cfg, "sts"));
    cr_assert_null(gf_awsconfig_endpoint_url(&s_cfg));
}

Test(awsconfig, profile_endpoint_url_and_no_services_section)
{
    gf_cr_ok(load_sample("dev"));
    cr_assert_str_eq(gf_awsconfig_endpoint_url(&s_cfg), "http://localhost:4566");
    cr_assert_null(gf_awsconfig_service_endpoint(&s_cfg, "ecs"));
}

Test(awsconfig, credentials_file_wins_in_the_merged_view)
{
    gf_cr_ok(load_sample("dev"));
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "us-west-1");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_CONFIG, NULL, "region"),
                     "us-east-2");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_CREDENTIALS, NULL, "region"),
                     "us-west-1");
    cr_assert_str_eq(gf_awsconfig_profile_get(&s_cfg, GF_AWSCONFIG_CREDENTIALS, "base",
                                              "aws_session_token"),
                     "token-base");
}

Test(awsconfig, where_names_file_and_line)
{
    char where[256];

    gf_cr_ok(load_sample("dev"));
    gf_awsconfig_profile_where(where, sizeof(where), &s_cfg, GF_AWSCONFIG_ANY, "dev", "role_arn");
    cr_assert_str_eq(where, "/h/.aws/config:10");
    gf_awsconfig_profile_where(where, sizeof(where), &s_cfg, GF_AWSCONFIG_ANY, "dev", "region");
    cr_assert_str_eq(where, "/h/.aws/credentials:11");
}

Test(awsconfig, crlf_and_bom)
{
    char *text = data_text("crlf.config");
    struct gf_buf bom = GF_BUF_INIT;

    gf_cr_ok(load_texts("crlf", text, NULL));
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "eu-north-1");
    gf_awsconfig_release(&s_cfg);
    gf_buf_printf(&bom, "\xef\xbb\xbf%s", text);
    gf_cr_ok(load_texts(NULL, bom.ptr, NULL));
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "us-east-1");
    gf_buf_release(&bom);
    gf_free(text);
}

Test(awsconfig, text_after_a_value_is_part_of_it)
{
    /* botocore's RawConfigParser has no inline comments */
    gf_cr_ok(load_texts(NULL, "[default]\nregion = us-east-1 # here\n", NULL));
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "us-east-1 # here");
}

Test(awsconfig, empty_value_counts_as_unset)
{
    gf_cr_ok(load_texts(NULL, "[default]\nregion =\n", NULL));
    cr_assert_null(gf_awsconfig_get(&s_cfg, "region"));
}

Test(awsconfig, indented_key_after_header_is_a_key)
{
    gf_cr_ok(load_texts(NULL, "[default]\n  region = us-east-1\n  output = text\n", NULL));
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "us-east-1");
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "output"), "text");
}

struct bad_case {
    const char *text;
    const char *msg;
    const char *where;
};

Test(awsconfig, rejects_malformed_files)
{
    static const struct bad_case cases[] = {
        {"region = x\n[default]\n", "line before any [section] header: 'region = x'",
         "/h/.aws/config:1"},
        {"[default]\nregion us-east-1\n", "line is not `key = value`: 'region us-east-1'",
         "/h/.aws/config:2"},
        {"[default]\n = x\n", "empty key in '= x'", "/h/.aws/config:2"},
        {"[a]\nk=1\n[b]\n[a]\n", "duplicate section 'a'", "/h/.aws/config:4"},
        {"[a]\nk=1\nK = 2\n", "duplicate key 'K'", "/h/.aws/config:3"},
        {"[services s]\necs =\n  endpoint_url\n", "nested value line has no '=': 'endpoint_url'",
         "/h/.aws/config:2"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gf_cr_fails(GF_EINVALID, load_texts(NULL, cases[i].text, NULL));
        cr_assert_str_eq(gf_error_last()->msg, cases[i].msg, "case %zu", i);
        cr_assert_str_eq(gf_error_last()->where, cases[i].where, "case %zu", i);
        gf_awsconfig_release(&s_cfg);
    }
}

Test(awsconfig, parse_survives_allocation_failures)
{
    char *text = data_text("config");
    long n;
    int rc = -1;

    for (n = 0; n < 400 && rc != 0; n++) {
        struct gf_ini ini;

        gf_alloc_failing_install(n);
        rc = gf_ini_parse(&ini, "x", gf_slice_from(text));
        gf_alloc_failing_install(-1);
        cr_assert(rc == 0 || rc == GF_ENOMEM, "rc %d at %ld", rc, n);
        gf_ini_release(&ini);
    }
    gf_alloc_set(NULL);
    cr_assert_eq(rc, 0, "never succeeded");
    gf_free(text);
}

/* ---- profile selection -------------------------------------------------------------------- */

Test(awsconfig, profile_argument_wins)
{
    setenv_fake("AWS_PROFILE=base");
    setenv_fake("AWS_DEFAULT_PROFILE=multi");
    gf_cr_ok(load_sample("dev"));
    cr_assert_str_eq(s_cfg.profile, "dev");
    cr_assert_str_eq(s_cfg.profile_from, "--profile");
    cr_assert(s_cfg.profile_explicit);
}

Test(awsconfig, aws_profile_then_aws_default_profile)
{
    setenv_fake("AWS_PROFILE=base");
    setenv_fake("AWS_DEFAULT_PROFILE=multi");
    gf_cr_ok(load_sample(NULL));
    cr_assert_str_eq(s_cfg.profile, "base");
    cr_assert_str_eq(s_cfg.profile_from, "AWS_PROFILE");
    cr_assert_not(s_cfg.profile_explicit);
    gf_awsconfig_release(&s_cfg);
    memset(&s_vars, 0, sizeof(s_vars));
    setenv_fake("AWS_PROFILE=");
    setenv_fake("AWS_DEFAULT_PROFILE=multi");
    gf_cr_ok(load_sample(NULL));
    cr_assert_str_eq(s_cfg.profile, "multi");
    cr_assert_str_eq(s_cfg.profile_from, "AWS_DEFAULT_PROFILE");
}

Test(awsconfig, missing_named_profile_names_both_files)
{
    setenv_fake("AWS_PROFILE=nope");
    gf_cr_fails(GF_ENOTFOUND, load_sample(NULL));
    cr_assert_str_eq(gf_error_last()->msg, "profile 'nope' (from AWS_PROFILE) not found in "
                                           "'/h/.aws/config' or '/h/.aws/credentials'");
    cr_assert_str_eq(gf_error_last()->hint, "define [profile nope] in the config file or [nope] "
                                            "in the credentials file, or name another profile");
}

Test(awsconfig, missing_default_profile_is_fine)
{
    gf_cr_ok(load_texts(NULL, NULL, NULL));
    cr_assert_str_eq(s_cfg.profile, "default");
    cr_assert_not(gf_awsconfig_has_profile(&s_cfg, "default"));
    cr_assert_null(gf_awsconfig_get(&s_cfg, "region"));
}

Test(awsconfig, profile_only_in_credentials_exists)
{
    gf_cr_ok(load_sample("base"));
    cr_assert(gf_awsconfig_has_profile(&s_cfg, "base"));
}

/* ---- role settings ------------------------------------------------------------------------ */

Test(awsconfig, role_settings)
{
    struct gf_awsconfig_role r;

    gf_cr_ok(load_sample(NULL));
    gf_cr_ok(gf_awsconfig_role(&r, &s_cfg, "dev"));
    cr_assert_str_eq(r.role_arn, "arn:aws:iam::123456789012:role/deploy");
    cr_assert_str_eq(r.source_profile, "base");
    cr_assert_str_eq(r.external_id, "ext-1");
    cr_assert_str_eq(r.role_session_name, "gf");
    cr_assert_eq(r.duration_seconds, 1800);
    cr_assert_null(r.credential_source);
    cr_assert_null(r.web_identity_token_file);
}

Test(awsconfig, rejects_bad_duration_seconds)
{
    struct gf_awsconfig_role r;

    gf_cr_ok(load_texts(NULL, "[default]\nrole_arn = a\n\nduration_seconds = 60\n", NULL));
    gf_cr_fails(GF_EINVALID, gf_awsconfig_role(&r, &s_cfg, NULL));
    cr_assert_str_eq(gf_error_last()->msg, "duration_seconds '60' of profile 'default' is not a "
                                           "number of seconds from 900 to 43200");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:4");
    cr_assert_str_eq(gf_error_last()->key, "duration_seconds");
}

/* ---- s3 addressing style ------------------------------------------------------------------- */

Test(awsconfig, s3_addressing_style_from_the_nested_section)
{
    const char *style = "unchanged";

    gf_cr_ok(load_texts("dev",
                        "[default]\nregion = us-east-1\n\n"
                        "[profile dev]\ns3 =\n  max_concurrent_requests = 4\n"
                        "  addressing_style = path\nregion = eu-west-1\n",
                        NULL));
    gf_cr_ok(gf_awsconfig_s3_addressing_style(&style, &s_cfg));
    cr_assert_str_eq(style, "path");
    cr_assert_str_eq(gf_awsconfig_nested_get(&s_cfg, "s3", "max_concurrent_requests"), "4");
    cr_assert_null(gf_awsconfig_nested_get(&s_cfg, "s3", "use_accelerate_endpoint"));
    cr_assert_null(gf_awsconfig_nested_get(&s_cfg, "region", "addressing_style"));
    gf_awsconfig_release(&s_cfg);

    gf_cr_ok(load_texts(NULL, "[default]\ns3 =\n  addressing_style = virtual\n", NULL));
    gf_cr_ok(gf_awsconfig_s3_addressing_style(&style, &s_cfg));
    cr_assert_str_eq(style, "virtual");
    gf_awsconfig_release(&s_cfg);

    gf_cr_ok(load_texts(NULL, "[default]\ns3 =\n  addressing_style = auto\n", NULL));
    gf_cr_ok(gf_awsconfig_s3_addressing_style(&style, &s_cfg));
    cr_assert_str_eq(style, "auto");
}

Test(awsconfig, s3_addressing_style_absent_is_null)
{
    const char *style = "unchanged";

    gf_cr_ok(load_texts(NULL, "[default]\nregion = us-east-1\n", NULL));
    gf_cr_ok(gf_awsconfig_s3_addressing_style(&style, &s_cfg));
    cr_assert_null(style);
}

Test(awsconfig, rejects_an_unknown_s3_addressing_style)
{
    const char *style = "unchanged";

    gf_cr_ok(load_texts(NULL, "[default]\nregion = us-east-1\ns3 =\n  addressing_style = dns\n",
                        NULL));
    gf_cr_fails(GF_EINVALID, gf_awsconfig_s3_addressing_style(&style, &s_cfg));
    cr_assert_null(style);
    cr_assert_str_eq(gf_error_last()->msg,
                     "s3 addressing_style 'dns' of profile 'default' is not path, virtual or auto");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:3");
    cr_assert_str_eq(gf_error_last()->key, "s3.addressing_style");
}

/* ---- region ------------------------------------------------------------------------------- */

Test(awsconfig, region_resolution_order)
{
    const char *r = NULL;
    const char *src = NULL;

    setenv_fake("AWS_REGION=eu-central-1");
    setenv_fake("AWS_DEFAULT_REGION=eu-west-2");
    gf_cr_ok(load_sample(NULL));
    gf_cr_ok(gf_awsconfig_region(&r, &src, &s_cfg, "us-east-1", "us-west-2"));
    cr_assert_str_eq(r, "us-east-1");
    cr_assert_str_eq(src, "--region");
    gf_cr_ok(gf_awsconfig_region(&r, &src, &s_cfg, NULL, "us-west-2"));
    cr_assert_str_eq(r, "us-west-2");
    cr_assert_str_eq(src, "stack");
    gf_cr_ok(gf_awsconfig_region(&r, &src, &s_cfg, "", ""));
    cr_assert_str_eq(r, "eu-central-1");
    cr_assert_str_eq(src, "AWS_REGION");
    s_vars.vars[0] = "AWS_REGION=";
    gf_cr_ok(gf_awsconfig_region(&r, &src, &s_cfg, NULL, NULL));
    cr_assert_str_eq(r, "eu-west-2");
    cr_assert_str_eq(src, "AWS_DEFAULT_REGION");
    s_vars.vars[1] = "X=";
    gf_cr_ok(gf_awsconfig_region(&r, &src, &s_cfg, NULL, NULL));
    cr_assert_str_eq(r, "eu-west-1");
    cr_assert_str_eq(src, "profile");
}

Test(awsconfig, no_region_lists_every_place)
{
    const char *r = "x";

    gf_cr_ok(load_texts("dev", "[profile dev]\noutput = json\n", NULL));
    gf_cr_fails(GF_ENOTFOUND, gf_awsconfig_region(&r, NULL, &s_cfg, NULL, NULL));
    cr_assert_null(r);
    cr_assert_str_eq(gf_error_last()->msg,
                     "no AWS region set: looked at --region, the stack's `region`, AWS_REGION, "
                     "AWS_DEFAULT_REGION and `region` in [profile dev] of '/h/.aws/config'");
    cr_assert_str_eq(gf_error_last()->hint,
                     "set `region:` in the stack, pass --region, export AWS_REGION, or add "
                     "`region = eu-west-1` (for example) to that profile");
}

Test(awsconfig, rejects_a_region_that_is_not_a_name)
{
    const char *r = NULL;

    gf_cr_ok(load_texts(NULL, "[default]\nregion = us-east-1 # comment\n", NULL));
    gf_cr_fails(GF_EINVALID, gf_awsconfig_region(&r, NULL, &s_cfg, NULL, NULL));
    cr_assert_str_eq(gf_error_last()->msg,
                     "region 'us-east-1 # comment' (from profile) is not a region name");
    cr_assert_str_eq(gf_error_last()->where, "/h/.aws/config:2");
    gf_cr_fails(GF_EINVALID, gf_awsconfig_region(&r, NULL, &s_cfg, "evil.com/x", NULL));
    cr_assert_str_eq(gf_error_last()->where, "--region");
}

/* ---- files -------------------------------------------------------------------------------- */

Test(awsconfig, loads_files_from_home_and_from_the_variables)
{
    struct gf_awsconfig_opts o = GF_AWSCONFIG_OPTS_INIT;
    char *dir = gf_test_tmpdir("awsconfig");
    char *aws = gf_test_path(dir, ".aws");
    char *cfgp = gf_test_path(aws, "config");
    char *credp = gf_test_path(dir, "my-creds");
    char home[600];
    char credvar[600];

    cr_assert_eq(mkdir(aws, 0700), 0);
    cr_assert_eq(gf_test_write_file(cfgp, "[default]\nregion = af-south-1\n", 30), 0);
    cr_assert_eq(gf_test_write_file(credp, "[default]\naws_access_key_id = AKIDFILE\n", 38), 0);
    snprintf(home, sizeof(home), "HOME=%s", dir);
    setenv_fake(home);
    o.env = &s_env;
    gf_cr_ok(gf_awsconfig_load(&s_cfg, &o));
    cr_assert_str_eq(s_cfg.config_path, cfgp);
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "region"), "af-south-1");
    cr_assert_null(gf_awsconfig_get(&s_cfg, "aws_access_key_id")); /* ~/.aws/credentials absent */
    gf_awsconfig_release(&s_cfg);
    snprintf(credvar, sizeof(credvar), "AWS_SHARED_CREDENTIALS_FILE=~/my-creds");
    setenv_fake(credvar);
    setenv_fake("AWS_CONFIG_FILE=/nonexistent/config");
    gf_cr_ok(gf_awsconfig_load(&s_cfg, &o));
    cr_assert_str_eq(s_cfg.credentials_path, credp);
    cr_assert_str_eq(gf_awsconfig_get(&s_cfg, "aws_access_key_id"), "AKIDFILE");
    cr_assert_null(gf_awsconfig_get(&s_cfg, "region"));
    free(cfgp);
    free(credp);
    free(aws);
    gf_test_tmpdir_remove(dir);
}

Test(awsconfig, env_getter_treats_empty_as_unset)
{
    setenv_fake("A=");
    setenv_fake("B=b");
    cr_assert_null(gf_env_get(&s_env, "A"));
    cr_assert_null(gf_env_get(&s_env, "C"));
    cr_assert_str_eq(gf_env_get(&s_env, "B"), "b");
}
