/* SPDX-License-Identifier: Apache-2.0 */
/* endpoint.h: where a service's requests go and how they are signed
 * (reference/aws-protocols.md §1 and §6): the default host for a region and partition
 * (aws, aws-cn, aws-us-gov), STS regional or legacy, IAM and Route 53 global hosts, S3
 * virtual-host or path style, and the configured overrides in botocore's order.
 *
 * The caller reads ~/.aws/config (another module) and fills a gf_endpoint_config; the
 * environment is read only through an injected getenv-like function. */
#ifndef GF_AWS_ENDPOINT_H
#define GF_AWS_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/env.h"
#include "aws/service.h"
#include "common/buf.h"

/* One `endpoint_url` from the `[services X]` section the profile names (`services = X`). */
struct gf_endpoint_service_url {
    const char *config_key;   /* the sub-section: "ecs", "elastic_load_balancing_v2" */
    const char *endpoint_url; /* borrowed */
};

/* What the shared config file says about endpoints, filled by the caller; every pointer
 * borrowed, NULL (or 0 / -1) when the file says nothing. */
struct gf_endpoint_config {
    const struct gf_endpoint_service_url *services; /* the profile's `services` section */
    size_t nservices;
    const char *profile_endpoint_url;    /* the profile's `endpoint_url` */
    int ignore_configured_endpoint_urls; /* -1 unset, 0 false, 1 true */
    const char *sts_regional_endpoints;  /* "regional" (default) or "legacy" */
    const char *s3_addressing_style;     /* "auto" (default), "virtual" or "path" */
};

#define GF_ENDPOINT_CONFIG_INIT                                                                    \
    {                                                                                              \
        NULL, 0, NULL, -1, NULL, NULL                                                              \
    }

struct gf_endpoint_opts {
    const char *region;       /* the client's region ("eu-west-1"); may be NULL for IAM/Route 53 */
    const char *endpoint_url; /* an explicit client endpoint (--endpoint-url); beats everything */
    const struct gf_endpoint_config *config; /* NULL: no config file */
    const struct gf_env *env; /* NULL: the process environment */
};

/* Where the override, if any, came from. */
enum gf_endpoint_source {
    GF_ENDPOINT_DEFAULT = 0,    /* the partition's host for the region */
    GF_ENDPOINT_CLIENT,         /* opts->endpoint_url */
    GF_ENDPOINT_ENV_SERVICE,    /* AWS_ENDPOINT_URL_<SERVICE> */
    GF_ENDPOINT_ENV_GLOBAL,     /* AWS_ENDPOINT_URL */
    GF_ENDPOINT_CONFIG_SERVICE, /* [services X] <key> endpoint_url */
    GF_ENDPOINT_CONFIG_PROFILE, /* the profile's endpoint_url */
};

struct gf_endpoint {
    char *base_url;           /* owned: "https://ecs.eu-west-1.amazonaws.com", no final '/';
                               * an override is kept as given (scheme, host, port, path prefix) */
    char *signing_region;     /* owned: the SigV4 scope region */
    const char *signing_name; /* borrowed from the service table: "ecs", "ecr" */
    bool s3_path_style;       /* S3 only: bucket in the path: any override forces it, else
                               * the config's addressing_style "path" */
    enum gf_endpoint_source source;
    const struct gf_aws_service *service; /* borrowed */
};

/* Resolve `svc`'s endpoint. Override order (botocore ConfiguredEndpointProvider): client
 * endpoint_url; then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (env, else config) is true:
 * AWS_ENDPOINT_URL_<env_suffix>, AWS_ENDPOINT_URL, the config `services` entry, the profile's
 * endpoint_url. Overrides sign with the client region (IAM and Route 53 too).
 * Returns 0 (release `out` with gf_endpoint_release), GF_EINVALID (no region where one is
 * needed, a region that is not a host label, an override that is not an http(s) URL; the error's
 * key names the variable or setting) or GF_ENOMEM. `out` needs no release on failure. */
int gf_endpoint_resolve(struct gf_endpoint *out, const struct gf_aws_service *svc,
                        const struct gf_endpoint_opts *opts);
void gf_endpoint_release(struct gf_endpoint *ep);

/* Whether an S3 bucket name can be a host label (3-63 of [a-z0-9-], starting and ending with a
 * letter or digit, no dots): if not, S3 requests use path style. */
bool gf_endpoint_s3_bucket_is_virtual(const char *bucket);

/* Append the URL of an S3 request to out: for bucket `bucket` (NULL: the service itself) and
 * `path` (already URI-encoded, starting with '/'; NULL: "/"), virtual-host style
 * (https://bucket.s3.eu-west-1.amazonaws.com/path) unless ep is path style or the bucket is not
 * DNS-safe (base_url/bucket/path). 0 or GF_ENOMEM. */
int gf_endpoint_s3_url(struct gf_buf *out, const struct gf_endpoint *ep, const char *bucket,
                       const char *path);

#endif
