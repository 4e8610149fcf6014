/* SPDX-License-Identifier: Apache-2.0 */
/* endpoint_test.c: endpoint resolution (aws/endpoint.h): every service's default host from
 * tests/data/endpoint/defaults.tsv, then every override rule of reference/aws-protocols.md §6
 * with a fake environment. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "aws/endpoint.h"
#include "common/alloc.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

/* A fake environment: "NAME=value" strings, NULL-terminated. */
static const char *fake_getenv(const char *name, void *payload)
{
    const char *const *vars = payload;
    size_t n = strlen(name);
    size_t i;

    for (i = 0; vars && vars[i]; i++) {
        if (strncmp(vars[i], name, n) == 0 && vars[i][n] == '=')
            return vars[i] + n + 1;
    }
    return NULL;
}

static const char *const s_no_env[] = {NULL};
static struct gf_env s_env; /* the environment opts_for hands out */

static struct gf_endpoint_opts opts_for(const char *region, const char *const *env,
                                        const struct gf_endpoint_config *cfg)
{
    struct gf_endpoint_opts o;

    memset(&o, 0, sizeof(o));
    o.region = region;
    o.config = cfg;
    s_env.getenv = fake_getenv;
    s_env.payload = (void *)env;
    o.env = &s_env;
    return o;
}

static void expect(const struct gf_aws_service *svc, const char *region, const char *const *env,
                   const struct gf_endpoint_config *cfg, const char *url,
                   const char *signing_region, enum gf_endpoint_source source)
{
    struct gf_endpoint_opts o = opts_for(region, env, cfg);
    struct gf_endpoint ep;

    gf_cr_ok(gf_endpoint_resolve(&ep, svc, &o));
    cr_assert_str_eq(ep.base_url, url, "%s in %s", svc->id, region ? region : "-");
    cr_assert_str_eq(ep.signing_region, signing_region, "%s in %s", svc->id, region ? region : "-");
    cr_assert_str_eq(ep.signing_name, svc->signing_name);
    cr_assert_eq(ep.source, source, "%s: source %d", svc->id, ep.source);
    cr_assert_eq(ep.service, svc);
    gf_endpoint_release(&ep);
}

Test(endpoint, defaults_for_every_service)
{
    struct gf_buf data = GF_BUF_INIT;
    char path[512];
    bool covered[32] = {false};
    char *line;
    char *save = NULL;
    size_t i;
    int rows = 0;

    snprintf(path, sizeof(path), "%s/endpoint/defaults.tsv", gf_test_data_dir());
    cr_assert_eq(gf_test_read_file(&data, path), 0, "%s", path);
    for (line = strtok_r(data.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char svc_id[32], region[32], url[128], sreg[32], sname[32];
        const struct gf_aws_service *svc;

        if (line[0] == '#')
            continue;
        cr_assert_eq(sscanf(line, "%31s %31s %127s %31s %31s", svc_id, region, url, sreg, sname), 5,
                     "bad row: %s", line);
        svc = gf_aws_service_by_id(svc_id);
        cr_assert_not_null(svc, "unknown service %s", svc_id);
        cr_assert_str_eq(svc->signing_name, sname);
        expect(svc, strcmp(region, "-") == 0 ? NULL : region, s_no_env, NULL, url, sreg,
               GF_ENDPOINT_DEFAULT);
        for (i = 0; gf_aws_services[i]; i++)
            covered[i] = covered[i] || gf_aws_services[i] == svc;
        rows++;
    }
    cr_assert_geq(rows, 15);
    for (i = 0; gf_aws_services[i]; i++)
        cr_assert(covered[i], "%s has no row in defaults.tsv", gf_aws_services[i]->id);
    gf_buf_release(&data);
}

Test(endpoint, regional_services_need_a_region)
{
    struct gf_endpoint_opts o = opts_for(NULL, s_no_env, NULL);
    struct gf_endpoint ep;

    gf_cr_fails(GF_EINVALID, gf_endpoint_resolve(&ep, &gf_aws_ecs, &o));
    cr_assert_str_eq(gf_error_last()->msg, "no region for 'ecs'");
    cr_assert_str_eq(gf_error_last()->key, "region");
    cr_assert_str_eq(gf_error_last()->hint, "set AWS_REGION or `region` in the profile");
}

Test(endpoint, rejects_a_region_that_is_not_a_host_label)
{
    struct gf_endpoint_opts o = opts_for("eu-west-1.evil.com/", s_no_env, NULL);
    struct gf_endpoint ep;

    gf_cr_fails(GF_EINVALID, gf_endpoint_resolve(&ep, &gf_aws_ecs, &o));
    cr_assert_str_eq(gf_error_last()->msg, "region 'eu-west-1.evil.com/' is not a region name");
}

Test(endpoint, sts_legacy_goes_global_for_legacy_regions_only)
{
    static const char *const env[] = {"AWS_STS_REGIONAL_ENDPOINTS=legacy", NULL};
    struct gf_endpoint_config cfg = GF_ENDPOINT_CONFIG_INIT;

    expect(&gf_aws_sts, "eu-west-1", env, NULL, "https://sts.amazonaws.com", "us-east-1",
           GF_ENDPOINT_DEFAULT);
    expect(&gf_aws_sts, "af-south-1", env, NULL, "https://sts.af-south-1.amazonaws.com",
           "af-south-1", GF_ENDPOINT_DEFAULT);
    cfg.sts_regional_endpoints = "legacy";
    expect(&gf_aws_sts, "us-west-2", s_no_env, &cfg, "https://sts.amazonaws.com", "us-east-1",
           GF_ENDPOINT_DEFAULT);
    expect(&gf_aws_sts, "us-west-2",
           (const char *const[]){"AWS_STS_REGIONAL_ENDPOINTS=regional", NULL}, &cfg,
           "https://sts.us-west-2.amazonaws.com", "us-west-2", GF_ENDPOINT_DEFAULT);
}

Test(endpoint, service_env_beats_global_env)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL=http://localhost:4566",
                                      "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://logs.local:9000/",
                                      "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2=http://elb:1",
                                      NULL};

    expect(&gf_aws_logs, "eu-west-1", env, NULL, "http://logs.local:9000", "eu-west-1",
           GF_ENDPOINT_ENV_SERVICE);
    expect(&gf_aws_elbv2, "eu-west-1", env, NULL, "http://elb:1", "eu-west-1",
           GF_ENDPOINT_ENV_SERVICE);
    expect(&gf_aws_ecs, "eu-west-1", env, NULL, "http://localhost:4566", "eu-west-1",
           GF_ENDPOINT_ENV_GLOBAL);
}

Test(endpoint, every_service_reads_its_own_env_suffix)
{
    char var[128];
    size_t i;

    for (i = 0; gf_aws_services[i]; i++) {
        const char *env[] = {var, NULL};

        snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s=http://x:1/p",
                 gf_aws_services[i]->env_suffix);
        expect(gf_aws_services[i], "eu-west-1", env, NULL, "http://x:1/p", "eu-west-1",
               GF_ENDPOINT_ENV_SERVICE);
    }
}

Test(endpoint, env_beats_config_and_services_section_beats_profile)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL_ECS=http://env-ecs:1", NULL};
    static const struct gf_endpoint_service_url services[] = {
        {"ecs", "http://cfg-ecs:2"},
        {"elastic_load_balancing_v2", "http://cfg-elb:3"},
    };
    struct gf_endpoint_config cfg = GF_ENDPOINT_CONFIG_INIT;

    cfg.services = services;
    cfg.nservices = 2;
    cfg.profile_endpoint_url = "http://profile:4";
    expect(&gf_aws_ecs, "eu-west-1", env, &cfg, "http://env-ecs:1", "eu-west-1",
           GF_ENDPOINT_ENV_SERVICE);
    expect(&gf_aws_ecs, "eu-west-1", s_no_env, &cfg, "http://cfg-ecs:2", "eu-west-1",
           GF_ENDPOINT_CONFIG_SERVICE);
    expect(&gf_aws_elbv2, "eu-west-1", s_no_env, &cfg, "http://cfg-elb:3", "eu-west-1",
           GF_ENDPOINT_CONFIG_SERVICE);
    expect(&gf_aws_sqs, "eu-west-1", s_no_env, &cfg, "http://profile:4", "eu-west-1",
           GF_ENDPOINT_CONFIG_PROFILE);
    expect(&gf_aws_sqs, "eu-west-1", (const char *const[]){"AWS_ENDPOINT_URL=http://g:5", NULL},
           &cfg, "http://g:5", "eu-west-1", GF_ENDPOINT_ENV_GLOBAL);
}

Test(endpoint, client_endpoint_beats_everything)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL_ECS=http://env-ecs:1",
                                      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", NULL};
    struct gf_endpoint_opts o = opts_for("eu-west-1", env, NULL);
    struct gf_endpoint ep;

    o.endpoint_url = "https://client.example:8443/prefix";
    gf_cr_ok(gf_endpoint_resolve(&ep, &gf_aws_ecs, &o));
    cr_assert_str_eq(ep.base_url, "https://client.example:8443/prefix");
    cr_assert_eq(ep.source, GF_ENDPOINT_CLIENT);
    gf_endpoint_release(&ep);
}

Test(endpoint, ignore_configured_endpoint_urls)
{
    static const char *const env_true[] = {"AWS_ENDPOINT_URL=http://g:5",
                                           "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE", NULL};
    static const char *const env_false[] = {"AWS_ENDPOINT_URL=http://g:5",
                                            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false", NULL};
    struct gf_endpoint_config cfg = GF_ENDPOINT_CONFIG_INIT;

    cfg.profile_endpoint_url = "http://profile:4";
    expect(&gf_aws_ecs, "eu-west-1", env_true, &cfg, "https://ecs.eu-west-1.amazonaws.com",
           "eu-west-1", GF_ENDPOINT_DEFAULT);
    cfg.ignore_configured_endpoint_urls = 1;
    expect(&gf_aws_ecs, "eu-west-1", s_no_env, &cfg, "https://ecs.eu-west-1.amazonaws.com",
           "eu-west-1", GF_ENDPOINT_DEFAULT);
    /* The environment wins over the config file's setting. */
    expect(&gf_aws_ecs, "eu-west-1", env_false, &cfg, "http://g:5", "eu-west-1",
           GF_ENDPOINT_ENV_GLOBAL);
}

Test(endpoint, overridden_global_services_sign_with_the_client_region)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL=http://localhost:4566", NULL};

    expect(&gf_aws_iam, "eu-west-1", env, NULL, "http://localhost:4566", "eu-west-1",
           GF_ENDPOINT_ENV_GLOBAL);
    expect(&gf_aws_route53, "ap-south-1", env, NULL, "http://localhost:4566", "ap-south-1",
           GF_ENDPOINT_ENV_GLOBAL);
    /* No client region: the service's global region. */
    expect(&gf_aws_iam, NULL, env, NULL, "http://localhost:4566", "us-east-1",
           GF_ENDPOINT_ENV_GLOBAL);
}

Test(endpoint, rejects_an_override_that_is_not_a_url)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL_ECS=localhost:4566", NULL};
    struct gf_endpoint_opts o = opts_for("eu-west-1", env, NULL);
    struct gf_endpoint ep;

    gf_cr_fails(GF_EINVALID, gf_endpoint_resolve(&ep, &gf_aws_ecs, &o));
    cr_assert_str_eq(gf_error_last()->msg, "endpoint 'localhost:4566' is not an http or https url");
    cr_assert_str_eq(gf_error_last()->key, "AWS_ENDPOINT_URL_ECS");
    cr_assert_null(ep.base_url);
}

static void s3_url(const char *region, const char *const *env, const struct gf_endpoint_config *cfg,
                   const char *bucket, const char *path, const char *want, bool path_style)
{
    struct gf_endpoint_opts o = opts_for(region, env, cfg);
    struct gf_endpoint ep;
    struct gf_buf url = GF_BUF_INIT;

    gf_cr_ok(gf_endpoint_resolve(&ep, &gf_aws_s3, &o));
    cr_assert_eq(ep.s3_path_style, path_style);
    gf_cr_ok(gf_endpoint_s3_url(&url, &ep, bucket, path));
    cr_assert_str_eq(url.ptr, want);
    gf_buf_release(&url);
    gf_endpoint_release(&ep);
}

Test(endpoint, s3_virtual_host_and_path_style)
{
    static const char *const local[] = {"AWS_ENDPOINT_URL_S3=http://localhost:4566", NULL};
    struct gf_endpoint_config cfg = GF_ENDPOINT_CONFIG_INIT;

    s3_url("eu-west-1", s_no_env, NULL, "my-bucket", "/key.txt",
           "https://my-bucket.s3.eu-west-1.amazonaws.com/key.txt", false);
    s3_url("us-east-1", s_no_env, NULL, "my-bucket", NULL, "https://my-bucket.s3.amazonaws.com/",
           false);
    /* Not DNS-safe: path style even without an override. */
    s3_url("eu-west-1", s_no_env, NULL, "my.bucket", "/k",
           "https://s3.eu-west-1.amazonaws.com/my.bucket/k", false);
    s3_url("eu-west-1", s_no_env, NULL, NULL, NULL, "https://s3.eu-west-1.amazonaws.com/", false);
    /* Any override: path style. */
    s3_url("eu-west-1", local, NULL, "my-bucket", "/k", "http://localhost:4566/my-bucket/k", true);
    /* Path style under an override whatever the config says (local-aws, moto, LocalStack). */
    cfg.s3_addressing_style = "virtual";
    s3_url("eu-west-1", local, &cfg, "my-bucket", "/k", "http://localhost:4566/my-bucket/k", true);
    cfg.s3_addressing_style = "path";
    s3_url("eu-west-1", s_no_env, &cfg, "my-bucket", "/k",
           "https://s3.eu-west-1.amazonaws.com/my-bucket/k", true);
}

Test(endpoint, s3_addressing_style_from_the_config)
{
    static const char *const global[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:4566", NULL};
    struct gf_endpoint_config cfg = GF_ENDPOINT_CONFIG_INIT;

    cfg.s3_addressing_style = "auto";
    s3_url("eu-west-1", s_no_env, &cfg, "my-bucket", "/k",
           "https://my-bucket.s3.eu-west-1.amazonaws.com/k", false);
    s3_url("eu-west-1", s_no_env, &cfg, "My.Bucket", "/k",
           "https://s3.eu-west-1.amazonaws.com/My.Bucket/k", false);
    cfg.s3_addressing_style = "virtual";
    s3_url("us-east-1", s_no_env, &cfg, "my-bucket", "/k", "https://my-bucket.s3.amazonaws.com/k",
           false);
    cfg.s3_addressing_style = "path";
    s3_url("us-east-1", s_no_env, &cfg, "my-bucket", "/k", "https://s3.amazonaws.com/my-bucket/k",
           true);
    s3_url("eu-west-1", global, &cfg, "my-bucket", NULL, "http://127.0.0.1:4566/my-bucket/", true);
    cfg.s3_addressing_style = "virtual";
    s3_url("eu-west-1", global, &cfg, "my-bucket", NULL, "http://127.0.0.1:4566/my-bucket/", true);
    /* Other services are never path style. */
    {
        struct gf_endpoint_opts o = opts_for("eu-west-1", s_no_env, &cfg);
        struct gf_endpoint ep;

        cfg.s3_addressing_style = "path";
        gf_cr_ok(gf_endpoint_resolve(&ep, &gf_aws_ecs, &o));
        cr_assert_not(ep.s3_path_style);
        gf_endpoint_release(&ep);
    }
}

Test(endpoint, s3_bucket_names)
{
    cr_assert(gf_endpoint_s3_bucket_is_virtual("abc"));
    cr_assert(gf_endpoint_s3_bucket_is_virtual("my-bucket-1"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual("ab"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual("My-Bucket"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual("-bucket"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual("bucket-"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual("my.bucket"));
    cr_assert_not(gf_endpoint_s3_bucket_is_virtual(NULL));
}

Test(endpoint, empty_env_values_are_unset)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL_ECS=", "AWS_ENDPOINT_URL=http://g:5", NULL};

    expect(&gf_aws_ecs, "eu-west-1", env, NULL, "http://g:5", "eu-west-1", GF_ENDPOINT_ENV_GLOBAL);
}

Test(endpoint, survives_allocation_failures)
{
    static const char *const env[] = {"AWS_ENDPOINT_URL=http://g:5", NULL};
    struct gf_endpoint_opts o = opts_for("eu-west-1", env, NULL);
    struct gf_endpoint ep;
    long n;
    int rc;

    for (n = 0; n < 10; n++) {
        gf_alloc_failing_install(n);
        rc = gf_endpoint_resolve(&ep, &gf_aws_ecs, &o);
        gf_alloc_failing_install(-1);
        if (rc == 0) {
            cr_assert_str_eq(ep.base_url, "http://g:5");
            gf_endpoint_release(&ep);
            break;
        }
        cr_assert_eq(rc, GF_ENOMEM);
    }
    cr_assert_lt(n, 10);
}
