/* SPDX-License-Identifier: Apache-2.0 */
/* endpoint.c: endpoint resolution for the AWS client (reference/aws-protocols.md §1, §6, and
 * botocore 1.43.11's endpoint rule sets for the partitions' global hosts). Pure: the
 * environment comes through an injected getenv, the config file through a struct. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/endpoint.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/banned.h"

/* Partitions by region prefix, most specific first; the last one matches everything. The global
 * services' hosts outside `aws` come from their rule sets (iam, route53). */
struct partition {
    const char *prefix;
    const char *suffix;
    const char *iam_host, *iam_region;
    const char *r53_host, *r53_region;
};

static const struct partition s_partitions[] = {
    {"cn-", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1",
     "route53.amazonaws.com.cn", "cn-northwest-1"},
    {"us-gov-", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1",
     "route53.us-gov.amazonaws.com", "us-gov-west-1"},
    {"", "amazonaws.com", NULL, NULL, NULL, NULL}, /* aws: hosts from the service table */
};

/* botocore's LEGACY_GLOBAL_STS_REGIONS: with sts_regional_endpoints=legacy, these go to
 * sts.amazonaws.com (signed for us-east-1); other regions stay regional. */
static const char *const s_sts_legacy_regions[] = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2", "aws-global",
    "ca-central-1",   "eu-central-1", "eu-north-1",     "eu-west-1",      "eu-west-2",
    "eu-west-3",      "sa-east-1",    "us-east-1",      "us-east-2",      "us-west-1",
    "us-west-2",      NULL,
};

static const struct partition *partition_of(const char *region)
{
    size_t i;

    for (i = 0; region && s_partitions[i].prefix[0]; i++) {
        if (strncmp(region, s_partitions[i].prefix, strlen(s_partitions[i].prefix)) == 0)
            return &s_partitions[i];
    }
    return &s_partitions[sizeof(s_partitions) / sizeof(s_partitions[0]) - 1];
}

static const char *env(const struct gf_endpoint_opts *opts, const char *name)
{
    return gf_env_get(opts->env, name);
}

static bool region_ok(const char *region)
{
    size_t i;
    size_t n = strlen(region);

    if (n == 0 || n > 63)
        return false;
    for (i = 0; i < n; i++) {
        char c = region[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

static bool url_ok(const char *url)
{
    size_t skip;

    if (strncasecmp(url, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        skip = 7;
    else
        return false;
    return url[skip] != '\0' && url[skip] != '/';
}

static bool ignore_configured(const struct gf_endpoint_opts *opts)
{
    const char *v = env(opts, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

    if (v)
        return strcasecmp(v, "true") == 0;
    return opts->config && opts->config->ignore_configured_endpoint_urls == 1;
}

static const char *config_service_url(const struct gf_endpoint_config *cfg,
                                      const struct gf_aws_service *svc)
{
    size_t i;

    for (i = 0; cfg && i < cfg->nservices; i++) {
        const struct gf_endpoint_service_url *s = &cfg->services[i];

        if (s->config_key && s->endpoint_url && s->endpoint_url[0] &&
            strcmp(s->config_key, svc->config_key) == 0)
            return s->endpoint_url;
    }
    return NULL;
}

/* The configured override and where it came from, or NULL. *name_out names it for errors. */
static const char *find_override(enum gf_endpoint_source *source_out, const char **name_out,
                                 const struct gf_aws_service *svc,
                                 const struct gf_endpoint_opts *opts, char *env_name, size_t size)
{
    const struct gf_endpoint_config *cfg = opts->config;
    const char *v = NULL;

    *name_out = "endpoint_url";
    *source_out = GF_ENDPOINT_CLIENT;
    if (opts->endpoint_url && opts->endpoint_url[0])
        return opts->endpoint_url;
    *source_out = GF_ENDPOINT_DEFAULT;
    if (ignore_configured(opts))
        return NULL;
    snprintf(env_name, size, "AWS_ENDPOINT_URL_%s", svc->env_suffix);
    v = env(opts, env_name);
    *name_out = env_name;
    *source_out = GF_ENDPOINT_ENV_SERVICE;
    if (!v) {
        v = env(opts, "AWS_ENDPOINT_URL");
        *name_out = "AWS_ENDPOINT_URL";
        *source_out = GF_ENDPOINT_ENV_GLOBAL;
    }
    if (!v) {
        v = config_service_url(cfg, svc);
        *name_out = svc->config_key;
        *source_out = GF_ENDPOINT_CONFIG_SERVICE;
    }
    if (!v && cfg && cfg->profile_endpoint_url && cfg->profile_endpoint_url[0]) {
        v = cfg->profile_endpoint_url;
        *name_out = "endpoint_url";
        *source_out = GF_ENDPOINT_CONFIG_PROFILE;
    }
    if (!v)
        *source_out = GF_ENDPOINT_DEFAULT;
    return v;
}

static bool sts_legacy(const struct gf_endpoint_opts *opts, const char *region)
{
    const char *v = env(opts, "AWS_STS_REGIONAL_ENDPOINTS");
    size_t i;

    if (!v && opts->config)
        v = opts->config->sts_regional_endpoints;
    if (!v || strcasecmp(v, "legacy") != 0)
        return false;
    for (i = 0; s_sts_legacy_regions[i]; i++) {
        if (strcmp(region, s_sts_legacy_regions[i]) == 0)
            return true;
    }
    return false;
}

static int set_strings(struct gf_endpoint *out, struct gf_buf *url, const char *signing_region)
{
    out->signing_region = gf_strdup(signing_region);
    out->base_url = gf_buf_detach(url);
    if (!out->signing_region || !out->base_url) {
        gf_endpoint_release(out);
        return gf_error_oom();
    }
    return 0;
}

/* The global services' host and signing region for a partition. */
static void global_host(const char **host_out, const char **region_out,
                        const struct gf_aws_service *svc, const struct partition *p)
{
    *host_out = svc->global_host;
    *region_out = svc->global_region;
    if (p->iam_host && strcmp(svc->id, "iam") == 0) {
        *host_out = p->iam_host;
        *region_out = p->iam_region;
    } else if (p->r53_host && strcmp(svc->id, "route53") == 0) {
        *host_out = p->r53_host;
        *region_out = p->r53_region;
    }
}

static int resolve_default(struct gf_endpoint *out, const struct gf_aws_service *svc,
                           const struct gf_endpoint_opts *opts, const char *region)
{
    const struct partition *p = partition_of(region);
    struct gf_buf url = GF_BUF_INIT;
    const char *host;
    const char *signing_region = region;

    if (svc->global_host) {
        global_host(&host, &signing_region, svc, p);
        gf_buf_printf(&url, "https://%s", host);
    } else if (!region) {
        gf_error_set(GF_EINVALID, "no region for '%s'", svc->id);
        gf_error_key("region");
        gf_error_hint("set AWS_REGION or `region` in the profile");
        return GF_EINVALID;
    } else if (svc == &gf_aws_sts && sts_legacy(opts, region)) {
        gf_buf_puts(&url, "https://sts.amazonaws.com");
        signing_region = "us-east-1";
    } else if (svc == &gf_aws_s3 && strcmp(region, "us-east-1") == 0) {
        gf_buf_puts(&url, "https://s3.amazonaws.com"); /* reference §1 (³) */
    } else {
        gf_buf_printf(&url, "https://%s.%s.%s", svc->endpoint_prefix, region, p->suffix);
    }
    if (gf_buf_failed(&url))
        return gf_error_oom();
    return set_strings(out, &url, signing_region);
}

static int resolve_override(struct gf_endpoint *out, const struct gf_aws_service *svc,
                            const char *override, const char *name, const char *region)
{
    struct gf_buf url = GF_BUF_INIT;
    size_t n = strlen(override);

    if (!url_ok(override)) {
        gf_error_set(GF_EINVALID, "endpoint '%s' is not an http or https url", override);
        gf_error_key("%s", name);
        gf_error_hint("use a url like http://localhost:4566");
        return GF_EINVALID;
    }
    /* Signing uses the client region even for IAM and Route 53 (reference §1 (²)). */
    if (!region)
        region = svc->global_region;
    if (!region) {
        gf_error_set(GF_EINVALID, "no region for '%s'", svc->id);
        gf_error_key("region");
        gf_error_hint("set AWS_REGION or `region` in the profile");
        return GF_EINVALID;
    }
    while (n > 0 && override[n - 1] == '/')
        n--;
    if (gf_buf_put(&url, override, n) < 0)
        return GF_ENOMEM;
    return set_strings(out, &url, region);
}

/* An override is always path style (§6): local-aws, moto and LocalStack take the bucket in the
 * path, and `bucket.localhost:4566` does not resolve. Without one, the config's
 * addressing_style decides: path, or virtual-hosted for "virtual", "auto" and unset (a bucket
 * name that is not DNS-safe still goes in the path: gf_endpoint_s3_url). */
static bool s3_path_style(const struct gf_endpoint_opts *opts, bool overridden)
{
    const char *style = opts->config ? opts->config->s3_addressing_style : NULL;

    if (overridden)
        return true;
    return style && strcmp(style, "path") == 0;
}

int gf_endpoint_resolve(struct gf_endpoint *out, const struct gf_aws_service *svc,
                        const struct gf_endpoint_opts *opts)
{
    const char *region = (opts->region && opts->region[0]) ? opts->region : NULL;
    const char *override;
    const char *name;
    char env_name[96];
    int rc;

    memset(out, 0, sizeof(*out));
    if (region && !region_ok(region)) {
        gf_error_set(GF_EINVALID, "region '%s' is not a region name", region);
        gf_error_key("region");
        gf_error_hint("use a name like eu-west-1");
        return GF_EINVALID;
    }
    override = find_override(&out->source, &name, svc, opts, env_name, sizeof(env_name));
    if (override)
        rc = resolve_override(out, svc, override, name, region);
    else
        rc = resolve_default(out, svc, opts, region);
    if (rc < 0) {
        out->source = GF_ENDPOINT_DEFAULT;
        return rc;
    }
    out->service = svc;
    out->signing_name = svc->signing_name;
    out->s3_path_style = svc == &gf_aws_s3 && s3_path_style(opts, override != NULL);
    return 0;
}

void gf_endpoint_release(struct gf_endpoint *ep)
{
    gf_free(ep->base_url);
    gf_free(ep->signing_region);
    ep->base_url = NULL;
    ep->signing_region = NULL;
}

bool gf_endpoint_s3_bucket_is_virtual(const char *bucket)
{
    size_t n = bucket ? strlen(bucket) : 0;
    size_t i;

    if (n < 3 || n > 63 || bucket[0] == '-' || bucket[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++) {
        char c = bucket[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

int gf_endpoint_s3_url(struct gf_buf *out, const struct gf_endpoint *ep, const char *bucket,
                       const char *path)
{
    const char *scheme_end = strstr(ep->base_url, "://");

    if (!path || !path[0])
        path = "/";
    if (!bucket || !bucket[0]) {
        gf_buf_printf(out, "%s%s", ep->base_url, path);
    } else if (ep->s3_path_style || !scheme_end || !gf_endpoint_s3_bucket_is_virtual(bucket)) {
        gf_buf_printf(out, "%s/%s%s", ep->base_url, bucket, path);
    } else {
        size_t head = (size_t)(scheme_end - ep->base_url) + 3;

        gf_buf_printf(out, "%.*s%s.%s%s", (int)head, ep->base_url, bucket, ep->base_url + head,
                      path);
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}
