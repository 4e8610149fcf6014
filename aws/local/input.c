/* SPDX-License-Identifier: Apache-2.0 */
/* input.c: what every local-aws operation handler needs from its input and for its output:
 * typed member getters that answer with the protocol's own serialisation error, our opaque page
 * tokens, ARNs, random ids and timestamps in the protocol's form (local.h). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <inttypes.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/local/local.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define TOKEN_PREFIX "gfl1-"

/* The code AWS's front end answers a member of the wrong type with, per protocol. */
static const char *serial_code(const struct gf_local_ctx *ctx)
{
    if (!ctx->svc)
        return "SerializationException";
    switch (ctx->svc->protocol) {
    case GF_AWS_PROTO_QUERY:
        return "ValidationError";
    case GF_AWS_PROTO_EC2:
        return "InvalidParameterValue";
    case GF_AWS_PROTO_REST_XML:
        return strcmp(ctx->svc->id, "s3") == 0 ? "InvalidArgument" : "InvalidInput";
    default:
        return "SerializationException";
    }
}

static int missing(struct gf_local_ctx *ctx, const char *key, const char *missing_code)
{
    return gf_local_fail(ctx, 400, missing_code, "The request must contain the parameter %s",
                         key);
}

static bool absent(const json_t *v)
{
    return !v || json_is_null(v);
}

int gf_local_get_string(const char **out, struct gf_local_ctx *ctx, const json_t *input,
                        const char *key, const char *missing_code)
{
    const json_t *v = json_object_get(input, key);

    *out = NULL;
    if (!absent(v) && !json_is_string(v))
        return gf_local_fail(ctx, 400, serial_code(ctx), "'%s' must be a string", key);
    if (json_is_string(v))
        *out = json_string_value(v);
    if (!*out && missing_code)
        return missing(ctx, key, missing_code);
    return 0;
}

int gf_local_get_int(int64_t *out, bool *present_out, struct gf_local_ctx *ctx,
                     const json_t *input, const char *key, const char *missing_code)
{
    const json_t *v = json_object_get(input, key);

    if (present_out)
        *present_out = false;
    if (absent(v))
        return missing_code ? missing(ctx, key, missing_code) : 0;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
    } else if (!json_is_string(v) ||
               gf_slice_to_i64(out, gf_slice_from(json_string_value(v)), INT64_MIN, INT64_MAX) <
                   0) {
        return gf_local_fail(ctx, 400, serial_code(ctx), "'%s' must be an integer", key);
    }
    if (present_out)
        *present_out = true;
    return 0;
}

int gf_local_get_bool(bool *out, struct gf_local_ctx *ctx, const json_t *input, const char *key)
{
    const json_t *v = json_object_get(input, key);

    if (absent(v))
        return 0;
    if (json_is_boolean(v))
        *out = json_is_true(v);
    else if (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0)
        *out = true;
    else if (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0)
        *out = false;
    else
        return gf_local_fail(ctx, 400, serial_code(ctx), "'%s' must be a boolean", key);
    return 0;
}

static int get_typed(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                     const char *key, const char *missing_code, bool array)
{
    const json_t *v = json_object_get(input, key);

    *out = NULL;
    if (absent(v))
        return missing_code ? missing(ctx, key, missing_code) : 0;
    if (array ? !json_is_array(v) : !json_is_object(v))
        return gf_local_fail(ctx, 400, serial_code(ctx), "'%s' must be a %s", key,
                             array ? "list" : "structure");
    *out = v;
    return 0;
}

int gf_local_get_array(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                       const char *key, const char *missing_code)
{
    return get_typed(out, ctx, input, key, missing_code, true);
}

int gf_local_get_object(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                        const char *key, const char *missing_code)
{
    return get_typed(out, ctx, input, key, missing_code, false);
}

bool gf_local_array_has_string(const json_t *a, const char *s)
{
    size_t i;
    const json_t *v;

    json_array_foreach(a, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

int gf_local_page_get(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                      const json_t *input, const struct gf_local_page *page)
{
    const char *token = NULL;
    bool given = false;
    int rc;

    *limit_out = page->max_page;
    *offset_out = 0;
    rc = gf_local_get_int(limit_out, &given, ctx, input, page->max_key, NULL);
    if (rc < 0)
        return rc;
    if (given && (*limit_out < 1 || *limit_out > page->max_page))
        return gf_local_fail(ctx, 400, page->bad_code, "%s must be between 1 and %" PRId64,
                             page->max_key, page->max_page);
    rc = gf_local_get_string(&token, ctx, input, page->token_key, NULL);
    if (rc < 0 || !token || !*token)
        return rc;
    if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 ||
        gf_slice_to_i64(offset_out, gf_slice_from(token + strlen(TOKEN_PREFIX)), 0, INT32_MAX) < 0)
        return gf_local_fail(ctx, 400, page->bad_code, "Invalid %s: %s", page->token_key, token);
    return 0;
}

int gf_local_page_set(json_t *out, const struct gf_local_page *page, bool more, int64_t offset,
                      size_t n)
{
    char token[48];

    if (!more)
        return 0;
    snprintf(token, sizeof(token), TOKEN_PREFIX "%" PRId64, offset + (int64_t)n);
    return gf_local_set(out, page->out_key, json_string(token));
}

int gf_local_arn(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *service,
                 bool with_region, const char *resource)
{
    gf_buf_printf(out, "arn:aws:%s:%s:%s:%s", service, with_region ? ctx->region : "",
                  ctx->account, resource);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

const char *gf_local_ref_name(const char *ref, const char *marker)
{
    const char *at;

    if (strncmp(ref, "arn:", 4) != 0)
        return ref;
    at = strstr(ref, marker);
    return at ? at + strlen(marker) : ref;
}

void gf_local_random_hex(char *out, size_t nhex)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[64];
    size_t i;

    GF_ASSERT(nhex <= 2 * sizeof(raw));
    if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
        memset(raw, 0x5a, sizeof(raw)); /* ids stay well-formed; uniqueness is the db's job */
    for (i = 0; i < nhex; i++)
        out[i] = hex[(raw[i / 2] >> ((i % 2) ? 0 : 4)) & 0xf];
    out[nhex] = '\0';
}

int gf_local_set(json_t *obj, const char *key, json_t *value)
{
    if (!value)
        return gf_error_oom();
    return json_object_set_new(obj, key, value) < 0 ? gf_error_oom() : 0;
}

json_t *gf_local_now(const struct gf_local_ctx *ctx)
{
    char iso[40];

    if (ctx->svc && (ctx->svc->protocol == GF_AWS_PROTO_JSON ||
                     ctx->svc->protocol == GF_AWS_PROTO_REST_JSON))
        return json_real((double)ctx->now_ms / 1000.0);
    gf_time_iso8601(iso, sizeof(iso), ctx->now_ms, 1);
    return json_string(iso);
}
