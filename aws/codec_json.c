/* SPDX-License-Identifier: Apache-2.0 */
/* codec_json.c: the JSON 1.0/1.1 protocol (reference §2.4): `POST /` with X-Amz-Target and
 * application/x-amz-json-<ver>, the input as the body; responses are the body. Also the JSON
 * reading and writing the rest-json codec and awserror.c share. No I/O. */
#include <stdio.h>
#include <string.h>

#include "aws/codec.h"
#include "common/error.h"
#include "common/banned.h"

/* Responses are bounded by the transport; this bounds nesting against hostile bodies. */
#define JSON_MAX_BODY (64u << 20)

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return gf_buf_put(data, buffer, size) < 0 ? -1 : 0;
}

int gf_aws_json_dump(struct gf_buf *out, const json_t *v)
{
    if (json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) < 0)
        return gf_buf_failed(out) ? gf_error_oom() : gf_error_set(GF_ERROR, "cannot write JSON");
    return 0;
}

int gf_aws_json_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, const char *op,
                       const json_t *input)
{
    char value[160];
    int rc;

    out->method = "POST";
    if (gf_buf_puts(&out->path, "/") < 0)
        return GF_ENOMEM;
    snprintf(value, sizeof(value), "application/x-amz-json-%s", svc->json_version);
    rc = gf_aws_wire_add_header(out, "Content-Type", value);
    if (rc < 0)
        return rc;
    snprintf(value, sizeof(value), "%s.%s", svc->target_prefix, op);
    rc = gf_aws_wire_add_header(out, "X-Amz-Target", value);
    /* SQS is awsQueryCompatible: botocore sends (and signs) x-amzn-query-mode (§2.4) */
    if (rc == 0 && svc == &gf_aws_sqs)
        rc = gf_aws_wire_add_header(out, "x-amzn-query-mode", "true");
    if (rc < 0)
        return rc;
    if (input)
        return gf_aws_json_dump(&out->body, input);
    return gf_buf_puts(&out->body, "{}");
}

int gf_aws_json_decode_body(json_t **out, struct gf_slice body)
{
    json_error_t jerr;
    json_t *v;

    *out = NULL;
    if (gf_slice_trim(body).len == 0) {
        /* operations without output may answer with an empty body (§2.4) */
        *out = json_object();
        return *out ? 0 : gf_error_oom();
    }
    if (body.len > JSON_MAX_BODY)
        return gf_error_set(GF_EINVALID, "JSON response body too large (%zu bytes)", body.len);
    v = json_loadb(body.ptr, body.len, JSON_ALLOW_NUL, &jerr);
    if (!v)
        return gf_error_set(GF_EINVALID, "bad JSON response body: %s at line %d column %d",
                            jerr.text, jerr.line, jerr.column);
    if (!json_is_object(v)) {
        json_decref(v);
        return gf_error_set(GF_EINVALID, "JSON response body is not an object");
    }
    *out = v;
    return 0;
}
