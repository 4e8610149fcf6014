/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecr.c: Amazon ECR over the call layer (json 1.1, reference/aws-protocols.md §7.4):
 * repositories, one image's digest for the preflight, tags; and the pure image reference
 * parser that the preflight and local-aws (aws/local/svc_ecr.c) share. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_ecr.h"
#include "common/error.h"
#include "common/banned.h"

/* ---- image references --------------------------------------------------------------------- */

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* (botocore ecr RepositoryName). */
static bool component_valid(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t run = i;

        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == run)
            return false; /* empty, or a separator where a word must be */
        if (i == n)
            return true;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == n)
            return false; /* ends with a separator */
    }
    return false;
}

/* Slash-separated components over [s, s+n). */
static bool path_valid(const char *s, size_t n)
{
    size_t start = 0, i;

    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '/') {
            if (!component_valid(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

bool gf_ecr_repository_name_valid(const char *name)
{
    size_t n = strlen(name);

    return n >= 2 && n <= 256 && path_valid(name, n);
}

static bool tag_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool digest_valid(const char *s)
{
    size_t i;

    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return false;
    for (i = 7; i < 7 + 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

/* Copy [s, s+n) into a field of `size` bytes; false when it does not fit. */
static bool put(char *out, size_t size, const char *s, size_t n)
{
    if (n >= size)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* "[0-9]{12}" */
static bool account_valid(const char *s, size_t n)
{
    size_t i;

    if (n != 12)
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]: fills account and region, sets is_ecr. */
static void parse_ecr_host(struct gf_ecr_image_ref *out)
{
    const char *h = out->registry;
    const char *dot = strchr(h, '.');
    const char *region, *end;

    if (!dot || !account_valid(h, (size_t)(dot - h)))
        return;
    if (strncmp(dot, ".dkr.ecr.", 9) == 0)
        region = dot + 9;
    else if (strncmp(dot, ".dkr.ecr-fips.", 14) == 0)
        region = dot + 14;
    else
        return;
    end = strchr(region, '.');
    if (!end || end == region ||
        (strcmp(end, ".amazonaws.com") != 0 && strcmp(end, ".amazonaws.com.cn") != 0))
        return;
    if (!put(out->region, sizeof(out->region), region, (size_t)(end - region)))
        return;
    put(out->account, sizeof(out->account), h, 12);
    out->is_ecr = true;
}

static int bad_ref(const char *image, const char *what)
{
    gf_error_set(GF_EINVALID, "image '%.300s' has %s", image, what);
    gf_error_hint("write REGISTRY/REPOSITORY:TAG or REPOSITORY@sha256:DIGEST");
    return GF_EINVALID;
}

/* Split `name` ([REGISTRY/]REPOSITORY[:TAG], length n) into out. */
static int parse_name(struct gf_ecr_image_ref *out, const char *image, const char *name, size_t n)
{
    const char *slash = memchr(name, '/', n);
    const char *rest = name, *colon = NULL, *p;
    size_t reg_n = slash ? (size_t)(slash - name) : 0;

    if (slash && (memchr(name, '.', reg_n) || memchr(name, ':', reg_n) ||
                  (reg_n == 9 && memcmp(name, "localhost", 9) == 0))) {
        if (!put(out->registry, sizeof(out->registry), name, reg_n))
            return bad_ref(image, "a registry name too long");
        rest = slash + 1;
        n -= reg_n + 1;
        parse_ecr_host(out);
    }
    for (p = rest + n; p > rest && p[-1] != '/'; p--) {
        if (p[-1] == ':') {
            colon = p - 1;
            break;
        }
    }
    if (colon) {
        size_t tag_n = n - (size_t)(colon + 1 - rest);

        if (!tag_valid(colon + 1, tag_n))
            return bad_ref(image, "a bad tag (1-128 of A-Z a-z 0-9 _ . -, not first . or -)");
        put(out->tag, sizeof(out->tag), colon + 1, tag_n);
        n = (size_t)(colon - rest);
    }
    if (n == 0 || n > 256 || !path_valid(rest, n) || (out->is_ecr && n < 2))
        return bad_ref(image, "a bad repository name (lowercase words joined by . _ __ - /)");
    put(out->repository, sizeof(out->repository), rest, n);
    return 0;
}

int gf_ecr_parse_image_ref(struct gf_ecr_image_ref *out, const char *image)
{
    const char *at;
    size_t n;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!image || !image[0])
        return gf_error_set(GF_EINVALID, "image reference is empty");
    at = strchr(image, '@');
    n = at ? (size_t)(at - image) : strlen(image);
    if (at) {
        if (!digest_valid(at + 1))
            return bad_ref(image, "a bad digest (want sha256: and 64 lowercase hex digits)");
        put(out->digest, sizeof(out->digest), at + 1, strlen(at + 1));
    }
    rc = parse_name(out, image, image, n);
    if (rc < 0) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    if (!out->tag[0] && !out->digest[0])
        put(out->tag, sizeof(out->tag), "latest", 6);
    return 0;
}

/* ---- calls -------------------------------------------------------------------------------- */

/* Re-word the call's GF_ENOTFOUND so it names the thing, keeping the AWS fields. */
static int not_found(const char *what, const char *name, const char *sep, const char *ref)
{
    struct gf_error saved;

    gf_error_copy(&saved, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "%s '%s%s%s' does not exist", what, name, sep, ref);
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return GF_ENOTFOUND;
}

/* Call `op` with `input` (stolen; NULL means out of memory). */
static int call_with(json_t **out, struct gf_aws_client *client, const char *op, json_t *input,
                     const struct gf_aws_call_opts *opts)
{
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call_with(&res, client, &gf_aws_ecr, op, input, opts);
    json_decref(input);
    if (rc == 0 && out)
        *out = res;
    else
        json_decref(res);
    return rc;
}

/* A new reference to res[key] (res is released), or GF_ERROR naming the op. */
static int take(json_t **out, json_t *res, const char *key, const char *op)
{
    json_t *v = json_object_get(res, key);

    *out = v ? json_incref(v) : NULL;
    json_decref(res);
    return v ? 0 : gf_error_set(GF_ERROR, "ecr:%s reply has no '%s'", op, key);
}

int gf_ecr_create_repository(json_t **out, struct gf_aws_client *client, const char *name,
                             const json_t *tags)
{
    json_t *input = json_pack("{s:s}", "repositoryName", name ? name : "");
    json_t *res = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (input && tags && json_object_set(input, "tags", (json_t *)tags) < 0) {
        json_decref(input);
        input = NULL;
    }
    rc = call_with(&res, client, "CreateRepository", input, NULL);
    if (rc < 0)
        return rc;
    if (!out) {
        json_decref(res);
        return 0;
    }
    return take(out, res, "repository", "CreateRepository");
}

int gf_ecr_describe_repository(json_t **out, struct gf_aws_client *client, const char *name)
{
    const char *n = name ? name : "";
    json_t *res = NULL;
    int rc;

    *out = NULL;
    rc = call_with(&res, client, "DescribeRepositories",
                   json_pack("{s:[s]}", "repositoryNames", n), NULL);
    if (rc == GF_ENOTFOUND)
        return not_found("repository", n, "", "");
    if (rc < 0)
        return rc;
    *out = json_incref(json_array_get(json_object_get(res, "repositories"), 0));
    json_decref(res);
    return *out ? 0 : gf_error_set(GF_ENOTFOUND, "repository '%s' does not exist", n);
}

int gf_ecr_describe_repositories(json_t **out, struct gf_aws_client *client,
                                 const json_t *names)
{
    json_t *input = json_object();
    int rc;

    *out = NULL;
    if (!input || (names && json_object_set(input, "repositoryNames", (json_t *)names) < 0)) {
        json_decref(input);
        return gf_error_oom();
    }
    rc = gf_aws_paginate(out, client, &gf_aws_ecr, "DescribeRepositories", input, 0);
    json_decref(input);
    return rc;
}

int gf_ecr_delete_repository(struct gf_aws_client *client, const char *name, bool force)
{
    const char *n = name ? name : "";
    int rc = call_with(NULL, client, "DeleteRepository",
                       json_pack("{s:s,s:b}", "repositoryName", n, "force", force), NULL);

    return rc == GF_ENOTFOUND ? not_found("repository", n, "", "") : rc;
}

static int describe_image_with(json_t **out, struct gf_aws_client *client,
                               const char *registry_id, const char *repository,
                               const char *tag_or_digest, const struct gf_aws_call_opts *opts)
{
    bool by_digest = strncmp(tag_or_digest, "sha256:", 7) == 0;
    json_t *input = NULL, *res = NULL;
    int rc;

    *out = NULL;
    input = json_pack("{s:s,s:[{s:s}]}", "repositoryName", repository, "imageIds",
                      by_digest ? "imageDigest" : "imageTag", tag_or_digest);
    if (input && registry_id && registry_id[0] &&
        json_object_set_new(input, "registryId", json_string(registry_id)) < 0) {
        json_decref(input);
        input = NULL;
    }
    rc = call_with(&res, client, "DescribeImages", input, opts);
    if (rc == GF_ENOTFOUND &&
        strcmp(gf_error_last()->aws_code, "RepositoryNotFoundException") == 0)
        return not_found("repository", repository, "", "");
    if (rc == GF_ENOTFOUND)
        return not_found("image", repository, by_digest ? "@" : ":", tag_or_digest);
    if (rc < 0)
        return rc;
    *out = json_incref(json_array_get(json_object_get(res, "imageDetails"), 0));
    json_decref(res);
    if (!*out)
        return gf_error_set(GF_ENOTFOUND, "image '%s%s%s' does not exist", repository,
                            by_digest ? "@" : ":", tag_or_digest);
    return 0;
}

int gf_ecr_describe_image(json_t **out, struct gf_aws_client *client, const char *registry_id,
                          const char *repository, const char *tag_or_digest)
{
    return describe_image_with(out, client, registry_id, repository ? repository : "",
                               tag_or_digest ? tag_or_digest : "", NULL);
}

int gf_ecr_image_digest(char digest_out[80], struct gf_aws_client *client,
                        const struct gf_ecr_image_ref *ref)
{
    struct gf_aws_call_opts opts = GF_AWS_CALL_OPTS_INIT;
    json_t *img = NULL;
    const char *d;
    int rc;

    digest_out[0] = '\0';
    if (!ref->is_ecr)
        return gf_error_set(GF_EINVALID, "image '%s' is not in an ECR registry",
                            ref->repository);
    opts.region = ref->region;
    rc = describe_image_with(&img, client, ref->account, ref->repository,
                             ref->digest[0] ? ref->digest : ref->tag, &opts);
    if (rc < 0)
        return rc;
    d = json_string_value(json_object_get(img, "imageDigest"));
    if (!d || strlen(d) >= 80)
        rc = gf_error_set(GF_ERROR, "ecr:DescribeImages reply has no valid imageDigest");
    else
        snprintf(digest_out, 80, "%s", d);
    json_decref(img);
    return rc;
}

int gf_ecr_tag_resource(struct gf_aws_client *client, const char *arn, const json_t *tags)
{
    const char *a = arn ? arn : "";
    int rc = call_with(NULL, client, "TagResource",
                       json_pack("{s:s,s:O}", "resourceArn", a, "tags",
                                 tags ? tags : json_null()),
                       NULL);

    return rc == GF_ENOTFOUND ? not_found("repository", a, "", "") : rc;
}

int gf_ecr_list_tags(json_t **out, struct gf_aws_client *client, const char *arn)
{
    const char *a = arn ? arn : "";
    json_t *res = NULL;
    int rc;

    *out = NULL;
    rc = call_with(&res, client, "ListTagsForResource", json_pack("{s:s}", "resourceArn", a),
                   NULL);
    if (rc == GF_ENOTFOUND)
        return not_found("repository", a, "", "");
    if (rc < 0)
        return rc;
    *out = json_incref(json_object_get(res, "tags"));
    if (!*out)
        *out = json_array();
    json_decref(res);
    return *out ? 0 : gf_error_oom();
}
