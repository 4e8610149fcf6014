/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ecr.c: local-aws's ECR (json 1.1, reference/aws-protocols.md §7.4): repositories, images
 * pushed as manifests (digest = sha256 of the manifest bytes), tags moved or refused per the
 * repository's tag mutability, repository tags, and the hooks that let ECS check an image and
 * `--image NAME:TAG` seed one. Member names, limits and error codes from botocore's
 * ecr/2015-09-21 model; image references parsed by aws/svc_ecr.h. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/local/local.h"
#include "aws/svc_ecr.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define ECR          "ecr"
#define T_REPO       "repository"
#define T_IMAGE      "image"
#define E_PARAM      "InvalidParameterException"
#define E_NOREPO     "RepositoryNotFoundException"
#define E_NOIMAGE    "ImageNotFoundException"
#define E_TAGPARAM   "InvalidTagParameterException"
#define MEDIA_DOCKER "application/vnd.docker.distribution.manifest.v2+json"
#define MAX_MANIFEST (4 << 20)

static const struct gf_local_page s_page = {"maxResults", "nextToken", "nextToken", 1000,
                                            E_PARAM};

/* ---- helpers --------------------------------------------------------------------------- */

/* *out = v; GF_ENOMEM when v is NULL (a failed json_pack). */
static int set_out(json_t **out, json_t *v)
{
    *out = v;
    return v ? 0 : gf_error_oom();
}

static int no_repo(struct gf_local_ctx *ctx, const char *name)
{
    return gf_local_fail(ctx, 400, E_NOREPO,
                         "The repository with name '%.256s' does not exist in the registry "
                         "with id '%s'",
                         name, ctx->account);
}

/* "sha256:" + hex of the SHA-256 of s (out: 80 bytes). */
static int sha256_digest(char out[80], const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;
    size_t pos = 7;

    if (EVP_Digest(s, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return gf_error_set(GF_ERROR, "sha256 of the manifest failed");
    snprintf(out, 80, "sha256:");
    for (i = 0; i < len; i++) {
        out[pos++] = hex[md[i] >> 4];
        out[pos++] = hex[md[i] & 15];
    }
    out[pos] = '\0';
    return 0;
}

static int check_tags(struct gf_local_ctx *ctx, const json_t *tags)
{
    size_t i;
    const json_t *t;

    if (json_array_size(tags) > 50)
        return gf_local_fail(ctx, 400, "TooManyTagsException", "A repository takes at most 50 "
                                                                "tags");
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        const char *v = json_string_value(json_object_get(t, "Value"));

        if (!k || !k[0] || strlen(k) > 128 || !v || strlen(v) > 256)
            return gf_local_fail(ctx, 400, E_TAGPARAM,
                                 "Tags need a Key of 1-128 characters and a Value of 0-256");
    }
    return 0;
}

/* The repository named by input's repositoryName (new reference) or RepositoryNotFound. */
static int load_repo(json_t **out, const char **name_out, struct gf_local_ctx *ctx,
                     const json_t *input)
{
    const char *name = NULL;
    int rc = gf_local_get_string(&name, ctx, input, "repositoryName", E_PARAM);

    *out = NULL;
    if (rc == 0)
        rc = gf_local_db_get(out, ctx->db, ECR, T_REPO, name, 0);
    if (rc == 0 && !*out)
        rc = no_repo(ctx, name);
    if (name_out)
        *name_out = name;
    return rc;
}

/* Every image of repository `repo`, oldest first (a new array of stored documents). */
static int list_images(json_t **out, struct gf_local_ctx *ctx, const char *repo)
{
    struct gf_local_list q = {ECR, T_IMAGE, NULL, NULL, false, 0, INT32_MAX};
    bool more;
    size_t i;
    int rc = gf_local_db_list(out, &more, ctx->db, &q);

    for (i = json_array_size(*out); rc == 0 && i > 0; i--) {
        const char *r = json_string_value(
            json_object_get(json_array_get(*out, i - 1), "repositoryName"));

        if (!r || strcmp(r, repo) != 0)
            json_array_remove(*out, i - 1);
    }
    return rc;
}

/* The image of `images` with `digest` (when non-NULL) or carrying `tag`; borrowed or NULL. */
static json_t *find_image(const json_t *images, const char *digest, const char *tag)
{
    size_t i;
    json_t *img;

    json_array_foreach(images, i, img) {
        if (digest && strcmp(json_string_value(json_object_get(img, "imageDigest")), digest) == 0)
            return img;
        if (!digest && tag && gf_local_array_has_string(json_object_get(img, "imageTags"), tag))
            return img;
    }
    return NULL;
}

static int store_image(struct gf_local_ctx *ctx, const json_t *img)
{
    struct gf_buf key = GF_BUF_INIT, arn = GF_BUF_INIT;
    const char *repo = json_string_value(json_object_get(img, "repositoryName"));
    const char *digest = json_string_value(json_object_get(img, "imageDigest"));
    struct gf_local_res r = {ECR, T_IMAGE, NULL, 0, NULL, "ACTIVE", img};
    int rc;

    gf_buf_printf(&key, "%s@%s", repo, digest);
    gf_buf_printf(&arn, "ecr-image:%s:%s:%s@%s", ctx->region, ctx->account, repo, digest);
    r.name = key.ptr;
    r.arn = arn.ptr;
    rc = gf_buf_failed(&key) || gf_buf_failed(&arn) ? gf_error_oom() : gf_local_db_put(ctx->db, &r);
    gf_buf_release(&key);
    gf_buf_release(&arn);
    return rc;
}

static int delete_image(struct gf_local_ctx *ctx, const json_t *img)
{
    struct gf_buf key = GF_BUF_INIT;
    bool deleted;
    int rc;

    gf_buf_printf(&key, "%s@%s", json_string_value(json_object_get(img, "repositoryName")),
                  json_string_value(json_object_get(img, "imageDigest")));
    rc = gf_buf_failed(&key) ? gf_error_oom()
                             : gf_local_db_delete(&deleted, ctx->db, ECR, T_IMAGE, key.ptr, 0);
    gf_buf_release(&key);
    return rc;
}

/* The repository as the API shows it (our "_" members dropped). */
static json_t *repo_view(const json_t *doc)
{
    json_t *o = json_object(), *v;
    const char *k;

    json_object_foreach((json_t *)doc, k, v) {
        if (o && k[0] != '_' && json_object_set(o, k, v) < 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/* The imageDetails entry of a stored image. */
static json_t *image_view(const json_t *img)
{
    json_t *o = repo_view(img);

    if (o && json_array_size(json_object_get(o, "imageTags")) == 0)
        json_object_del(o, "imageTags");
    return o;
}

/* ---- repositories ----------------------------------------------------------------------- */

static int repo_create(json_t **out, struct gf_local_ctx *ctx, const char *name,
                       const char *mutability, const json_t *tags)
{
    struct gf_buf arn = GF_BUF_INIT, res = GF_BUF_INIT, uri = GF_BUF_INIT;
    struct gf_local_res r = {ECR, T_REPO, name, 0, NULL, "ACTIVE", NULL};
    int rc;

    gf_buf_printf(&res, "repository/%s", name);
    gf_buf_printf(&uri, "%s.dkr.ecr.%s.amazonaws.com/%s", ctx->account, ctx->region, name);
    rc = gf_buf_failed(&res) || gf_buf_failed(&uri) ? gf_error_oom()
                                                     : gf_local_arn(&arn, ctx, ECR, true, res.ptr);
    if (rc == 0)
        *out = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:{s:b},s:{s:s},s:o}", "repositoryArn",
                         arn.ptr, "registryId", ctx->account, "repositoryName", name,
                         "repositoryUri", uri.ptr, "createdAt", gf_local_now(ctx),
                         "imageTagMutability", mutability ? mutability : "MUTABLE",
                         "imageScanningConfiguration", "scanOnPush", 0,
                         "encryptionConfiguration", "encryptionType", "AES256", "_tags",
                         tags ? json_deep_copy(tags) : json_array());
    if (rc == 0 && !*out)
        rc = gf_error_oom();
    if (rc == 0) {
        r.arn = arn.ptr;
        r.doc = *out;
        rc = gf_local_db_put(ctx->db, &r);
    }
    gf_buf_release(&arn);
    gf_buf_release(&res);
    gf_buf_release(&uri);
    return rc;
}

static int ecr_create_repository(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL, *mut = NULL;
    const json_t *tags = NULL;
    json_t *doc = NULL;
    int rc;

    rc = gf_local_get_string(&name, ctx, input, "repositoryName", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&mut, ctx, input, "imageTagMutability", NULL);
    if (rc == 0)
        rc = gf_local_get_array(&tags, ctx, input, "tags", NULL);
    if (rc == 0 && !gf_ecr_repository_name_valid(name))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                           "'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*"
                           "[a-z0-9]+(?:[._-][a-z0-9]+)*'' and length 2-256");
    if (rc == 0 && mut && strcmp(mut, "MUTABLE") != 0 && strcmp(mut, "IMMUTABLE") != 0)
        rc = gf_local_fail(ctx, 400, E_PARAM, "imageTagMutability must be MUTABLE or IMMUTABLE");
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = gf_local_db_get(&doc, ctx->db, ECR, T_REPO, name, 0);
    if (rc == 0 && doc)
        rc = gf_local_fail(ctx, 400, "RepositoryAlreadyExistsException",
                           "The repository with name '%s' already exists in the registry with "
                           "id '%s'",
                           name, ctx->account);
    if (rc == 0)
        rc = repo_create(&doc, ctx, name, mut, tags);
    if (rc == 0)
        rc = set_out(out, json_pack("{s:o}", "repository", repo_view(doc)));
    json_decref(doc);
    return rc;
}

static int describe_named(json_t *list, struct gf_local_ctx *ctx, const json_t *names)
{
    size_t i;
    const json_t *n;
    json_t *doc = NULL;
    int rc = 0;

    json_array_foreach(names, i, n) {
        if (!json_is_string(n))
            return gf_local_fail(ctx, 400, E_PARAM, "repositoryNames must hold strings");
        rc = gf_local_db_get(&doc, ctx->db, ECR, T_REPO, json_string_value(n), 0);
        if (rc == 0 && !doc)
            rc = no_repo(ctx, json_string_value(n));
        if (rc == 0 && json_array_append_new(list, repo_view(doc)) < 0)
            rc = gf_error_oom();
        json_decref(doc);
        doc = NULL;
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int ecr_describe_repositories(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct gf_local_list q = {ECR, T_REPO, NULL, NULL, false, 0, 0};
    const json_t *names = NULL;
    json_t *docs = NULL, *list = json_array(), *doc;
    int64_t limit = 0, offset = 0;
    bool more = false;
    size_t i;
    int rc;

    rc = gf_local_get_array(&names, ctx, input, "repositoryNames", NULL);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0 && !list)
        rc = gf_error_oom();
    if (rc == 0 && names && (json_object_get(input, "maxResults") ||
                             json_object_get(input, "nextToken")))
        rc = gf_local_fail(ctx, 400, E_PARAM,
                           "maxResults and nextToken can't be used with repositoryNames");
    if (rc == 0 && names) {
        rc = describe_named(list, ctx, names);
    } else if (rc == 0) {
        q.offset = offset;
        q.limit = limit;
        rc = gf_local_db_list(&docs, &more, ctx->db, &q);
        json_array_foreach(docs, i, doc) {
            if (rc == 0 && json_array_append_new(list, repo_view(doc)) < 0)
                rc = gf_error_oom();
        }
    }
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "repositories", list));
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, more, offset, json_array_size(list));
    json_decref(docs);
    json_decref(list);
    return rc;
}

static int ecr_delete_repository(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *name = NULL;
    json_t *doc = NULL, *images = NULL, *img;
    bool force = false, deleted;
    size_t i;
    int rc;

    rc = gf_local_get_bool(&force, ctx, input, "force");
    if (rc == 0)
        rc = load_repo(&doc, &name, ctx, input);
    if (rc == 0)
        rc = list_images(&images, ctx, name);
    if (rc == 0 && json_array_size(images) > 0 && !force)
        rc = gf_local_fail(ctx, 400, "RepositoryNotEmptyException",
                           "The repository with name '%s' in registry with id '%s' cannot be "
                           "deleted because it still contains images",
                           name, ctx->account);
    json_array_foreach(images, i, img) {
        if (rc == 0)
            rc = delete_image(ctx, img);
    }
    if (rc == 0)
        rc = gf_local_db_delete(&deleted, ctx->db, ECR, T_REPO, name, 0);
    if (rc == 0)
        rc = set_out(out, json_pack("{s:o}", "repository", repo_view(doc)));
    json_decref(doc);
    json_decref(images);
    return rc;
}

/* ---- images ----------------------------------------------------------------------------- */

/* The size an image reports: its config and layers' sizes from the manifest, else the
 * manifest's own length. */
static json_int_t image_size(const json_t *manifest, size_t manifest_len)
{
    json_int_t n = json_integer_value(json_object_get(json_object_get(manifest, "config"),
                                                      "size"));
    size_t i;
    const json_t *l;

    json_array_foreach(json_object_get(manifest, "layers"), i, l)
        n += json_integer_value(json_object_get(l, "size"));
    return n > 0 ? n : (json_int_t)manifest_len;
}

struct push {
    const char *repo, *manifest, *tag, *media, *digest;
    bool immutable;
};

/* Move `tag` off any other image of the repository (MUTABLE) or refuse (IMMUTABLE). */
static int take_tag(struct gf_local_ctx *ctx, json_t *images, const struct push *p,
                    const char *digest)
{
    json_t *other = find_image(images, NULL, p->tag);
    json_t *tags;
    size_t i;
    const json_t *t;

    if (!other || strcmp(json_string_value(json_object_get(other, "imageDigest")), digest) == 0)
        return 0;
    if (p->immutable)
        return gf_local_fail(ctx, 400, "ImageTagAlreadyExistsException",
                             "The image tag '%s' already exists in the '%s' repository and "
                             "cannot be overwritten because the repository is immutable.",
                             p->tag, p->repo);
    tags = json_object_get(other, "imageTags");
    json_array_foreach(tags, i, t) {
        if (strcmp(json_string_value(t), p->tag) == 0) {
            json_array_remove(tags, i);
            break;
        }
    }
    return store_image(ctx, other);
}

/* The manifest of a push as JSON (an object: AWS refuses other text) and its digest. */
static int parse_manifest(json_t **out, char digest[80], struct gf_local_ctx *ctx,
                          const struct push *p)
{
    int rc;

    *out = p->manifest ? json_loads(p->manifest, 0, NULL) : NULL;
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return gf_local_fail(ctx, 400, E_PARAM,
                             "Invalid parameter at 'ImageManifest' failed to satisfy "
                             "constraint: 'Invalid JSON syntax'");
    }
    rc = sha256_digest(digest, p->manifest, strlen(p->manifest));
    if (rc == 0 && p->digest && strcmp(p->digest, digest) != 0)
        rc = gf_local_fail(ctx, 400, "ImageDigestDoesNotMatchException",
                           "Provided digest '%.80s' does not match the digest of the manifest "
                           "'%s'",
                           p->digest, digest);
    return rc;
}

/* Push a manifest (with an optional tag) into a repository; *img_out the stored image. */
static int push_image(json_t **img_out, struct gf_local_ctx *ctx, const struct push *p)
{
    json_t *images = NULL, *manifest = NULL, *img;
    char digest[80];
    int rc;

    *img_out = NULL;
    rc = parse_manifest(&manifest, digest, ctx, p);
    if (rc == 0)
        rc = list_images(&images, ctx, p->repo);
    if (rc < 0)
        goto out;
    img = find_image(images, digest, NULL);
    if (img && (!p->tag || gf_local_array_has_string(json_object_get(img, "imageTags"), p->tag))) {
        rc = gf_local_fail(ctx, 400, "ImageAlreadyExistsException",
                           "Image with digest '%s' and tag '%s' already exists in the "
                           "repository with name '%s' in registry with id '%s'",
                           digest, p->tag ? p->tag : "null", p->repo, ctx->account);
        goto out;
    }
    if (p->tag)
        rc = take_tag(ctx, images, p, digest);
    if (rc < 0)
        goto out;
    if (img) {
        *img_out = json_incref(img);
    } else {
        const char *media = json_string_value(json_object_get(manifest, "mediaType"));

        *img_out = json_pack("{s:s,s:s,s:s,s:[],s:I,s:o,s:s,s:s}", "registryId", ctx->account,
                             "repositoryName", p->repo, "imageDigest", digest, "imageTags",
                             "imageSizeInBytes", image_size(manifest, strlen(p->manifest)),
                             "imagePushedAt", gf_local_now(ctx), "imageManifestMediaType",
                             media ? media : p->media ? p->media : MEDIA_DOCKER, "_manifest",
                             p->manifest);
        if (!*img_out)
            rc = gf_error_oom();
    }
    if (rc == 0 && p->tag &&
        json_array_append_new(json_object_get(*img_out, "imageTags"), json_string(p->tag)) < 0)
        rc = gf_error_oom();
    if (rc == 0)
        rc = store_image(ctx, *img_out);
out:
    json_decref(manifest);
    json_decref(images);
    return rc;
}

static int put_read(struct push *p, struct gf_local_ctx *ctx, const json_t *in)
{
    int rc;

    memset(p, 0, sizeof(*p));
    rc = gf_local_get_string(&p->manifest, ctx, in, "imageManifest", E_PARAM);
    if (rc == 0)
        rc = gf_local_get_string(&p->tag, ctx, in, "imageTag", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&p->media, ctx, in, "imageManifestMediaType", NULL);
    if (rc == 0)
        rc = gf_local_get_string(&p->digest, ctx, in, "imageDigest", NULL);
    if (rc < 0)
        return rc;
    if (!p->manifest[0] || strlen(p->manifest) > MAX_MANIFEST)
        return gf_local_fail(ctx, 400, E_PARAM, "imageManifest must be 1-4194304 characters");
    if (p->tag && (!p->tag[0] || strlen(p->tag) > 300))
        return gf_local_fail(ctx, 400, E_PARAM, "imageTag must be 1-300 characters");
    return 0;
}

static int ecr_put_image(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    struct push p;
    json_t *repo = NULL, *img = NULL;
    int rc = put_read(&p, ctx, input);

    if (rc == 0)
        rc = load_repo(&repo, &p.repo, ctx, input);
    if (rc == 0) {
        p.immutable = strcmp(json_string_value(json_object_get(repo, "imageTagMutability")),
                             "IMMUTABLE") == 0;
        rc = push_image(&img, ctx, &p);
    }
    if (rc == 0) {
        *out = json_pack("{s:{s:s,s:s,s:{s:O},s:s,s:O}}", "image", "registryId", ctx->account,
                         "repositoryName", p.repo, "imageId", "imageDigest",
                         json_object_get(img, "imageDigest"), "imageManifest", p.manifest,
                         "imageManifestMediaType", json_object_get(img, "imageManifestMediaType"));
        if (*out && p.tag)
            json_object_set_new(json_object_get(json_object_get(*out, "image"), "imageId"),
                                "imageTag", json_string(p.tag));
        if (!*out)
            rc = gf_error_oom();
    }
    json_decref(repo);
    json_decref(img);
    return rc;
}

/* The image an imageId names: {imageDigest} and/or {imageTag}; borrowed from images or NULL. */
static json_t *image_by_id(const json_t *images, const json_t *id)
{
    const char *digest = json_string_value(json_object_get(id, "imageDigest"));
    const char *tag = json_string_value(json_object_get(id, "imageTag"));
    json_t *img = find_image(images, digest ? digest : NULL, digest ? NULL : tag);

    if (img && digest && tag && !gf_local_array_has_string(json_object_get(img, "imageTags"), tag))
        return NULL;
    return img;
}

/* "TAGGED", "UNTAGGED" or "ANY" from filter.tagStatus (default ANY). */
static int tag_status(const char **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *filter = NULL;
    int rc = gf_local_get_object(&filter, ctx, input, "filter", NULL);

    *out = "ANY";
    if (rc == 0 && filter)
        rc = gf_local_get_string(out, ctx, filter, "tagStatus", NULL);
    if (rc == 0 && !*out)
        *out = "ANY";
    if (rc == 0 && strcmp(*out, "ANY") != 0 && strcmp(*out, "TAGGED") != 0 &&
        strcmp(*out, "UNTAGGED") != 0)
        rc = gf_local_fail(ctx, 400, E_PARAM, "tagStatus must be TAGGED, UNTAGGED or ANY");
    return rc;
}

static bool status_matches(const json_t *img, const char *status)
{
    bool tagged = json_array_size(json_object_get(img, "imageTags")) > 0;

    return strcmp(status, "ANY") == 0 || (strcmp(status, "TAGGED") == 0) == tagged;
}

static int describe_ids(json_t *list, struct gf_local_ctx *ctx, const json_t *images,
                        const json_t *ids, const char *repo)
{
    size_t i;
    const json_t *id;

    json_array_foreach(ids, i, id) {
        const json_t *img = image_by_id(images, id);

        if (!img)
            return gf_local_fail(ctx, 400, E_NOIMAGE,
                                 "The image with imageId {imageDigest:'%.80s', imageTag:'%.300s'} "
                                 "does not exist within the repository with name '%s' in the "
                                 "registry with id '%s'",
                                 json_is_string(json_object_get(id, "imageDigest"))
                                     ? json_string_value(json_object_get(id, "imageDigest"))
                                     : "null",
                                 json_is_string(json_object_get(id, "imageTag"))
                                     ? json_string_value(json_object_get(id, "imageTag"))
                                     : "null",
                                 repo, ctx->account);
        if (json_array_append_new(list, image_view(img)) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int ecr_describe_images(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *repo = NULL, *status = "ANY";
    const json_t *ids = NULL, *img;
    json_t *doc = NULL, *images = NULL, *list = json_array();
    int64_t limit = 0, offset = 0, n = 0;
    size_t i;
    int rc;

    rc = gf_local_get_array(&ids, ctx, input, "imageIds", NULL);
    if (rc == 0)
        rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = tag_status(&status, ctx, input);
    if (rc == 0)
        rc = load_repo(&doc, &repo, ctx, input);
    if (rc == 0)
        rc = list_images(&images, ctx, repo);
    if (rc == 0 && !list)
        rc = gf_error_oom();
    if (rc == 0 && ids) {
        rc = describe_ids(list, ctx, images, ids, repo);
    } else {
        json_array_foreach(images, i, img) {
            if (rc < 0 || !status_matches(img, status))
                continue;
            if (n >= offset && n < offset + limit &&
                json_array_append_new(list, image_view(img)) < 0)
                rc = gf_error_oom();
            n++;
        }
    }
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "imageDetails", list));
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, n > offset + (int64_t)json_array_size(list), offset,
                               json_array_size(list));
    json_decref(doc);
    json_decref(images);
    json_decref(list);
    return rc;
}

/* ListImages's imageIds for one image: one per tag, or the digest alone when untagged. */
static int append_ids(json_t *ids, const json_t *img)
{
    const json_t *tags = json_object_get(img, "imageTags"), *t;
    json_t *digest = json_object_get(img, "imageDigest");
    size_t i;

    if (json_array_size(tags) == 0)
        return json_array_append_new(ids, json_pack("{s:O}", "imageDigest", digest)) < 0
                   ? gf_error_oom()
                   : 0;
    json_array_foreach(tags, i, t) {
        if (json_array_append_new(ids, json_pack("{s:O,s:O}", "imageDigest", digest, "imageTag",
                                                 t)) < 0)
            return gf_error_oom();
    }
    return 0;
}

static int ecr_list_images(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *repo = NULL, *status = "ANY";
    json_t *doc = NULL, *images = NULL, *ids = json_array(), *page = NULL;
    int64_t limit = 0, offset = 0, i;
    int rc;

    rc = gf_local_page_get(&limit, &offset, ctx, input, &s_page);
    if (rc == 0)
        rc = tag_status(&status, ctx, input);
    if (rc == 0)
        rc = load_repo(&doc, &repo, ctx, input);
    if (rc == 0)
        rc = list_images(&images, ctx, repo);
    for (i = 0; rc == 0 && ids && i < (int64_t)json_array_size(images); i++) {
        const json_t *img = json_array_get(images, (size_t)i);

        if (status_matches(img, status))
            rc = append_ids(ids, img);
    }
    page = json_array();
    for (i = offset; rc == 0 && page && i < (int64_t)json_array_size(ids) && i < offset + limit;
         i++)
        json_array_append(page, json_array_get(ids, (size_t)i));
    if (rc == 0 && (!ids || !page))
        rc = gf_error_oom();
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "imageIds", page));
    if (rc == 0)
        rc = gf_local_page_set(*out, &s_page, offset + limit < (int64_t)json_array_size(ids),
                               offset, json_array_size(page));
    json_decref(doc);
    json_decref(images);
    json_decref(ids);
    json_decref(page);
    return rc;
}

/* Delete what one imageId names: a digest deletes the image, a tag removes the tag (and the
 * image with its last tag). */
static int delete_one(bool *found_out, struct gf_local_ctx *ctx, json_t *images,
                      const json_t *id)
{
    json_t *img = image_by_id(images, id);
    const char *tag = json_string_value(json_object_get(id, "imageTag"));
    json_t *tags;
    size_t i;
    const json_t *t;

    *found_out = img != NULL;
    if (!img)
        return 0;
    tags = json_object_get(img, "imageTags");
    if (json_object_get(id, "imageDigest") || json_array_size(tags) <= 1)
        return delete_image(ctx, img);
    json_array_foreach(tags, i, t) {
        if (strcmp(json_string_value(t), tag) == 0) {
            json_array_remove(tags, i);
            break;
        }
    }
    return store_image(ctx, img);
}

static int ecr_batch_delete_image(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *repo = NULL;
    const json_t *ids = NULL, *id;
    json_t *doc = NULL, *images = NULL, *done = json_array(), *failures = json_array();
    bool found;
    size_t i;
    int rc;

    rc = gf_local_get_array(&ids, ctx, input, "imageIds", E_PARAM);
    if (rc == 0 && (json_array_size(ids) < 1 || json_array_size(ids) > 100))
        rc = gf_local_fail(ctx, 400, E_PARAM, "imageIds must hold 1-100 image ids");
    if (rc == 0)
        rc = load_repo(&doc, &repo, ctx, input);
    if (rc == 0)
        rc = list_images(&images, ctx, repo);
    json_array_foreach(ids, i, id) {
        if (rc < 0 || !done || !failures)
            break;
        rc = delete_one(&found, ctx, images, id);
        if (rc == 0 && found)
            json_array_append(done, (json_t *)id);
        else if (rc == 0)
            json_array_append_new(failures, json_pack("{s:O,s:s,s:s}", "imageId", id,
                                                      "failureCode", "ImageNotFound",
                                                      "failureReason", "Requested image not "
                                                                       "found"));
        json_decref(images); /* re-read: a tag removal may have changed an image */
        images = NULL;
        if (rc == 0)
            rc = list_images(&images, ctx, repo);
    }
    if (rc == 0 && (!done || !failures))
        rc = gf_error_oom();
    if (rc == 0)
        rc = set_out(out, json_pack("{s:O,s:O}", "imageIds", done, "failures", failures));
    json_decref(doc);
    json_decref(images);
    json_decref(done);
    json_decref(failures);
    return rc;
}

/* ---- repository tags ---------------------------------------------------------------------- */

/* The repository a resourceArn names (new reference). */
static int load_arn(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const char *arn = NULL, *name;
    int rc = gf_local_get_string(&arn, ctx, input, "resourceArn", E_PARAM);

    *out = NULL;
    if (rc < 0)
        return rc;
    name = gf_local_ref_name(arn, ":repository/");
    if (name == arn)
        return gf_local_fail(ctx, 400, E_PARAM, "Invalid parameter at 'resourceArn': '%.256s' is "
                                                "not a repository ARN",
                             arn);
    rc = gf_local_db_get(out, ctx->db, ECR, T_REPO, name, 0);
    if (rc == 0 && *out &&
        strcmp(json_string_value(json_object_get(*out, "repositoryArn")), arn) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    if (rc == 0 && !*out)
        rc = no_repo(ctx, name);
    return rc;
}

static int store_repo(struct gf_local_ctx *ctx, const json_t *doc)
{
    struct gf_local_res r = {ECR, T_REPO, json_string_value(json_object_get(doc, "repositoryName")),
                             0, json_string_value(json_object_get(doc, "repositoryArn")),
                             "ACTIVE", doc};

    return gf_local_db_put(ctx->db, &r);
}

static int ecr_tag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *tags = NULL, *t;
    json_t *doc = NULL, *have, *h;
    size_t i, j;
    int rc;

    (void)out;
    rc = gf_local_get_array(&tags, ctx, input, "tags", E_PARAM);
    if (rc == 0)
        rc = check_tags(ctx, tags);
    if (rc == 0)
        rc = load_arn(&doc, ctx, input);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "_tags");
    json_array_foreach(tags, i, t) {
        json_array_foreach(have, j, h) {
            if (json_equal(json_object_get(h, "Key"), json_object_get(t, "Key"))) {
                json_array_remove(have, j);
                break;
            }
        }
        if (json_array_append(have, (json_t *)t) < 0)
            rc = gf_error_oom();
    }
    if (rc == 0 && json_array_size(have) > 50)
        rc = gf_local_fail(ctx, 400, "TooManyTagsException", "A repository takes at most 50 "
                                                             "tags");
    if (rc == 0)
        rc = store_repo(ctx, doc);
out:
    json_decref(doc);
    return rc;
}

static int ecr_untag_resource(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    const json_t *keys = NULL;
    json_t *doc = NULL, *have;
    size_t i;
    int rc;

    (void)out;
    rc = gf_local_get_array(&keys, ctx, input, "tagKeys", E_PARAM);
    if (rc == 0)
        rc = load_arn(&doc, ctx, input);
    if (rc < 0)
        goto out;
    have = json_object_get(doc, "_tags");
    for (i = json_array_size(have); i > 0; i--) {
        const char *k = json_string_value(json_object_get(json_array_get(have, i - 1), "Key"));

        if (gf_local_array_has_string(keys, k))
            json_array_remove(have, i - 1);
    }
    rc = store_repo(ctx, doc);
out:
    json_decref(doc);
    return rc;
}

static int ecr_list_tags(json_t **out, struct gf_local_ctx *ctx, const json_t *input)
{
    json_t *doc = NULL;
    int rc = load_arn(&doc, ctx, input);

    if (rc == 0)
        rc = set_out(out, json_pack("{s:O}", "tags", json_object_get(doc, "_tags")));
    json_decref(doc);
    return rc;
}

/* ---- hooks -------------------------------------------------------------------------------- */

int gf_local_ecr_find_image(char digest_out[80], bool *is_ecr_out, struct gf_local_ctx *ctx,
                            const char *image)
{
    struct gf_ecr_image_ref ref;
    struct gf_error saved;
    json_t *images = NULL, *img;
    int rc;

    digest_out[0] = '\0';
    gf_error_copy(&saved, gf_error_last());
    if (gf_ecr_parse_image_ref(&ref, image) < 0) {
        gf_error_restore(&saved);
        *is_ecr_out = strstr(image, ".dkr.ecr.") != NULL;
        return gf_error_set(GF_ENOTFOUND, "image '%.300s' is not a valid reference", image);
    }
    *is_ecr_out = ref.is_ecr;
    if (!ref.is_ecr || strcmp(ref.account, ctx->account) != 0 ||
        strcmp(ref.region, ctx->region) != 0)
        return gf_error_set(GF_ENOTFOUND, "image '%.300s' is not in this registry", image);
    rc = list_images(&images, ctx, ref.repository);
    if (rc < 0)
        return rc;
    img = find_image(images, ref.digest[0] ? ref.digest : NULL, ref.tag);
    if (img)
        snprintf(digest_out, 80, "%s", json_string_value(json_object_get(img, "imageDigest")));
    else
        rc = gf_error_set(GF_ENOTFOUND, "image '%.300s' does not exist", image);
    json_decref(images);
    return rc;
}

int gf_local_ecr_seed_image(struct gf_local_ctx *ctx, const char *name_tag)
{
    struct gf_ecr_image_ref ref;
    struct push p;
    json_t *repo = NULL, *img = NULL, *images = NULL, *doc = NULL;
    char config[80], *manifest = NULL;
    int rc;

    rc = gf_ecr_parse_image_ref(&ref, name_tag);
    if (rc == 0 && (ref.registry[0] || ref.digest[0] ||
                    !gf_ecr_repository_name_valid(ref.repository)))
        rc = gf_error_set(GF_EINVALID, "seed image '%.300s' must be NAME:TAG", name_tag);
    if (rc == 0)
        rc = gf_local_db_get(&repo, ctx->db, ECR, T_REPO, ref.repository, 0);
    if (rc == 0 && !repo)
        rc = repo_create(&repo, ctx, ref.repository, NULL, NULL);
    if (rc == 0)
        rc = list_images(&images, ctx, ref.repository);
    if (rc < 0 || find_image(images, NULL, ref.tag))
        goto out; /* already there: seeding is idempotent */
    rc = sha256_digest(config, name_tag, strlen(name_tag));
    if (rc == 0)
        doc = json_pack("{s:i,s:s,s:{s:s,s:i,s:s},s:[]}", "schemaVersion", 2, "mediaType",
                        MEDIA_DOCKER, "config", "mediaType",
                        "application/vnd.docker.container.image.v1+json", "size", 1024,
                        "digest", config, "layers");
    if (doc)
        manifest = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (rc == 0 && !manifest)
        rc = gf_error_oom();
    memset(&p, 0, sizeof(p));
    p.repo = ref.repository;
    p.manifest = manifest;
    p.tag = ref.tag;
    if (rc == 0)
        rc = push_image(&img, ctx, &p);
out:
    free(manifest); /* json_dumps allocates with jansson's default allocator, malloc */
    json_decref(doc);
    json_decref(repo);
    json_decref(img);
    json_decref(images);
    return rc;
}

static const struct gf_local_op s_ecr_ops[] = {
    {"CreateRepository", ecr_create_repository},
    {"DescribeRepositories", ecr_describe_repositories},
    {"DeleteRepository", ecr_delete_repository},
    {"PutImage", ecr_put_image},
    {"DescribeImages", ecr_describe_images},
    {"ListImages", ecr_list_images},
    {"BatchDeleteImage", ecr_batch_delete_image},
    {"TagResource", ecr_tag_resource},
    {"UntagResource", ecr_untag_resource},
    {"ListTagsForResource", ecr_list_tags},
    {NULL, NULL},
};

const struct gf_local_service gf_local_ecr = {&gf_aws_ecr, s_ecr_ops};
