/* SPDX-License-Identifier: Apache-2.0 */
/* codec_restjson.c: the REST bindings both rest protocols share (reference §2.5, §2.6): URI
 * templates with labels (greedy `{Key+}`, Route 53 ids cut at their last '/'), query-string
 * and header members, header-bound output members, matching a received request to its
 * operation for local-aws; and the rest-json (EFS) request. No I/O. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <strings.h>

#include "aws/codec.h"
#include "common/error.h"
#include "common/banned.h"

/* The input hint bound to URI label `label` (length len). */
static const struct gf_aws_hint *label_hint(const struct gf_aws_op *desc, const char *label,
                                            size_t len)
{
    size_t i;

    for (i = 0; desc->in && desc->in[i].path; i++) {
        const struct gf_aws_hint *h = &desc->in[i];
        const char *name = h->wire ? h->wire : h->path;

        if ((h->loc == GF_AWS_LOC_URI || h->loc == GF_AWS_LOC_URI_ID) && strlen(name) == len &&
            memcmp(name, label, len) == 0)
            return h;
    }
    return NULL;
}

static int put_label(struct gf_aws_wire *out, const struct gf_aws_op *desc, const json_t *input,
                     struct gf_slice label)
{
    bool greedy = label.len > 0 && label.ptr[label.len - 1] == '+';
    const struct gf_aws_hint *h = label_hint(desc, label.ptr, label.len - (greedy ? 1 : 0));
    const json_t *v = h && input ? json_object_get(input, h->path) : NULL;
    char text[64];
    const char *s = v ? gf_aws_scalar_text(text, sizeof(text), v, h) : NULL;
    const char *slash;

    if (!s || !s[0]) {
        gf_error_set(GF_EINVALID, "missing URI member '%.*s'", GF_SLICE_FMT(label));
        gf_error_where("%s:%s", desc->service->id, desc->name);
        return GF_EINVALID;
    }
    /* botocore strips Route 53 ids (`/hostedzone/Z1` -> `Z1`) for ResourceId, ChangeId (§7.12) */
    slash = h->loc == GF_AWS_LOC_URI_ID ? strrchr(s, '/') : NULL;
    if (slash)
        s = slash + 1;
    return gf_uri_encode(&out->path, gf_slice_from(s), greedy ? "/" : NULL, 0);
}

static int put_query_member(struct gf_aws_wire *out, const char *name, const json_t *v,
                            const struct gf_aws_hint *h)
{
    char text[64];
    const char *s;
    size_t i;
    int rc = 0;

    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && rc == 0; i++)
            rc = put_query_member(out, name, json_array_get(v, i), NULL);
        return rc;
    }
    s = gf_aws_scalar_text(text, sizeof(text), v, h);
    if (!s)
        return 0;
    if (out->query.len)
        gf_buf_putc(&out->query, '&');
    gf_uri_encode(&out->query, gf_slice_from(name), NULL, 0);
    gf_buf_putc(&out->query, '=');
    return gf_uri_encode(&out->query, gf_slice_from(s), NULL, 0);
}

static int put_header_member(struct gf_aws_wire *out, const char *name, const json_t *v,
                             const struct gf_aws_hint *h)
{
    struct gf_buf joined = GF_BUF_INIT;
    char text[64];
    const char *s;
    size_t i;
    int rc;

    if (!json_is_array(v)) {
        s = gf_aws_scalar_text(text, sizeof(text), v, h);
        return s ? gf_aws_wire_add_header(out, name, s) : 0;
    }
    for (i = 0; i < json_array_size(v); i++) { /* lists are comma-joined (§2.5) */
        s = gf_aws_scalar_text(text, sizeof(text), json_array_get(v, i), NULL);
        if (s)
            gf_buf_printf(&joined, "%s%s", joined.len ? "," : "", s);
    }
    rc = gf_buf_failed(&joined) ? gf_error_oom() : gf_aws_wire_add_header(out, name, joined.ptr);
    gf_buf_release(&joined);
    return rc;
}

/* The path part of the URI template (before any '?'), its {labels} filled from input. */
static int encode_path(struct gf_aws_wire *out, const struct gf_aws_op *desc, const json_t *input,
                       struct gf_slice tpl, size_t end)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < end && rc == 0; i++) {
        long close;

        if (tpl.ptr[i] != '{') {
            rc = gf_buf_putc(&out->path, tpl.ptr[i]);
            continue;
        }
        close = gf_slice_find(tpl, '}', i);
        if (close < 0)
            GF_BUG("unclosed label in a generated URI template");
        rc = put_label(out, desc, input, gf_slice_sub(tpl, i + 1, (size_t)close - i - 1));
        i = (size_t)close;
    }
    return rc;
}

/* Querystring and header members, in the input's order as botocore adds them. */
static int encode_members(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                          const json_t *input)
{
    const char *key;
    json_t *v;
    int rc = 0;

    json_object_foreach((json_t *)input, key, v)
    {
        const struct gf_aws_hint *h = gf_aws_hint_find(desc->in, key, strlen(key));

        if (!h || json_is_null(v))
            continue;
        if (h->loc == GF_AWS_LOC_QUERY)
            rc = put_query_member(out, h->wire ? h->wire : key, v, h);
        else if (h->loc == GF_AWS_LOC_HEADER)
            rc = put_header_member(out, h->wire ? h->wire : key, v, h);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int gf_aws_rest_encode_uri(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                           const json_t *input)
{
    struct gf_slice tpl = gf_slice_from(desc->uri);
    long qmark = gf_slice_find(tpl, '?', 0);
    int rc;

    out->method = desc->method;
    rc = encode_path(out, desc, input, tpl, qmark < 0 ? tpl.len : (size_t)qmark);
    if (rc == 0 && qmark >= 0) /* a literal `?tagging` stays as written, first */
        rc = gf_buf_put(&out->query, tpl.ptr + qmark + 1, tpl.len - (size_t)qmark - 1);
    if (rc == 0 && input)
        rc = encode_members(out, desc, input);
    if (rc < 0)
        return rc;
    return gf_buf_failed(&out->query) ? gf_error_oom() : 0;
}

int gf_aws_restjson_encode(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                           const json_t *input)
{
    json_t *body = NULL;
    const char *key;
    json_t *v;
    int rc;

    rc = gf_aws_rest_encode_uri(out, desc, input);
    if (rc < 0 || !input)
        return rc;
    json_object_foreach((json_t *)input, key, v)
    {
        const struct gf_aws_hint *h = gf_aws_hint_find(desc->in, key, strlen(key));

        if (h && h->loc != GF_AWS_LOC_BODY)
            continue;
        if (!body)
            body = json_object();
        if (!body || json_object_set(body, key, v) < 0) {
            json_decref(body);
            return gf_error_oom();
        }
    }
    if (!body) /* our EFS operations are GETs with query-string members only (§2.6) */
        return 0;
    rc = gf_aws_json_dump(&out->body, body);
    json_decref(body);
    if (rc == 0)
        rc = gf_aws_wire_add_header(out, "Content-Type", "application/json");
    return rc;
}

int gf_aws_rest_output_headers(json_t *out, const struct gf_aws_op *desc,
                               const struct gf_aws_msg *resp)
{
    size_t i;

    for (i = 0; desc->out && desc->out[i].path; i++) {
        const struct gf_aws_hint *h = &desc->out[i];
        const char *v;
        json_t *val;
        int64_t n;

        if (h->loc != GF_AWS_LOC_HEADER)
            continue;
        v = gf_aws_msg_header(resp, h->wire ? h->wire : h->path);
        if (!v)
            continue;
        if (h->type == GF_AWS_H_INT &&
            gf_slice_to_i64(&n, gf_slice_from(v), INT64_MIN, INT64_MAX) == 0)
            val = json_integer(n);
        else if (h->type == GF_AWS_H_BOOL)
            val = json_boolean(strcmp(v, "true") == 0);
        else
            val = json_string(v);
        if (!val || json_object_set_new(out, h->path, val) < 0)
            return gf_error_oom();
    }
    return 0;
}

/* ---- local-aws: which operation a REST request is ----------------------------------------- */

/* Match path against the template's path part, setting labels in `input` (decoded). */
static int match_path(bool *ok, json_t *input, const struct gf_aws_op *desc, struct gf_slice path)
{
    struct gf_slice tpl = gf_slice_from(desc->uri);
    long qmark = gf_slice_find(tpl, '?', 0);
    size_t tend = qmark < 0 ? tpl.len : (size_t)qmark;
    struct gf_buf val = GF_BUF_INIT;
    size_t t = 0;
    size_t p = 0;
    int rc = 0;

    *ok = false;
    while (t < tend && rc == 0) {
        long close;
        bool greedy;
        size_t vend;
        const struct gf_aws_hint *h;

        if (tpl.ptr[t] != '{') {
            if (p >= path.len || path.ptr[p] != tpl.ptr[t])
                goto out;
            t++;
            p++;
            continue;
        }
        close = gf_slice_find(tpl, '}', t);
        greedy = tpl.ptr[close - 1] == '+';
        h = label_hint(desc, tpl.ptr + t + 1, (size_t)close - t - 1 - (greedy ? 1 : 0));
        for (vend = p; vend < path.len && (greedy || path.ptr[vend] != '/'); vend++)
            ;
        if (vend == p || !h)
            goto out;
        gf_buf_clear(&val);
        rc = gf_uri_decode(&val, gf_slice_sub(path, p, vend - p), GF_URI_STRICT);
        if (rc == 0 && json_object_set_new(input, h->path, json_string(val.ptr)) < 0)
            rc = gf_error_oom();
        p = vend;
        t = (size_t)close + 1;
    }
    *ok = rc == 0 && p == path.len;
out:
    gf_buf_release(&val);
    return rc;
}

/* Whether the query string has the key `key` (a literal `?tagging`). */
/* Whether the query holds the URI template's literal: "tagging" (the key, any value) or
 * "list-type=2" (that exact pair). */
static bool query_has_key(struct gf_slice query, struct gf_slice literal)
{
    long want_eq = gf_slice_find(literal, '=', 0);
    struct gf_slice key = gf_slice_sub(literal, 0, want_eq < 0 ? literal.len : (size_t)want_eq);
    size_t start = 0;

    while (start <= query.len) {
        long amp = gf_slice_find(query, '&', start);
        size_t end = amp < 0 ? query.len : (size_t)amp;
        struct gf_slice pair = gf_slice_sub(query, start, end - start);
        long eq = gf_slice_find(pair, '=', 0);

        if (want_eq >= 0 ? gf_slice_eq(pair, literal)
                         : gf_slice_eq(gf_slice_sub(pair, 0, eq < 0 ? pair.len : (size_t)eq), key))
            return true;
        start = end + 1;
    }
    return false;
}

static int set_typed(json_t *input, const struct gf_aws_hint *h, const char *s)
{
    json_t *v;
    int64_t n;

    if (h->type == GF_AWS_H_INT && gf_slice_to_i64(&n, gf_slice_from(s), INT64_MIN, INT64_MAX) == 0)
        v = json_integer(n);
    else if (h->type == GF_AWS_H_BOOL && (!strcmp(s, "true") || !strcmp(s, "false")))
        v = json_boolean(s[0] == 't');
    else
        v = json_string(s);
    if (v && (h->type == GF_AWS_H_LIST || h->type == GF_AWS_H_FLIST)) {
        /* a list member repeats its key (`tagKeys=a&tagKeys=b`): every value, in order */
        json_t *list = json_object_get(input, h->path);

        if (!json_is_array(list)) {
            list = json_array();
            if (!list || json_object_set_new(input, h->path, list) < 0) {
                json_decref(v);
                return gf_error_oom();
            }
        }
        return json_array_append_new(list, v) < 0 ? gf_error_oom() : 0;
    }
    return !v || json_object_set_new(input, h->path, v) < 0 ? gf_error_oom() : 0;
}

static int query_members(json_t *input, const struct gf_aws_op *desc, struct gf_slice query)
{
    struct gf_buf k = GF_BUF_INIT;
    struct gf_buf v = GF_BUF_INIT;
    size_t start = 0;
    int rc = 0;

    while (start < query.len && rc == 0) {
        long amp = gf_slice_find(query, '&', start);
        size_t end = amp < 0 ? query.len : (size_t)amp;
        struct gf_slice pair = gf_slice_sub(query, start, end - start);
        long eq = gf_slice_find(pair, '=', 0);
        size_t i;

        start = end + 1;
        gf_buf_clear(&k);
        gf_buf_clear(&v);
        rc = gf_uri_decode(&k, gf_slice_sub(pair, 0, eq < 0 ? pair.len : (size_t)eq),
                           GF_URI_STRICT | GF_URI_PLUS_SPACE);
        if (rc == 0 && eq >= 0)
            rc = gf_uri_decode(&v, gf_slice_sub(pair, (size_t)eq + 1, pair.len),
                               GF_URI_STRICT | GF_URI_PLUS_SPACE);
        for (i = 0; rc == 0 && desc->in && desc->in[i].path; i++) {
            const struct gf_aws_hint *h = &desc->in[i];

            if (h->loc == GF_AWS_LOC_QUERY && strcmp(h->wire ? h->wire : h->path, k.ptr) == 0)
                rc = set_typed(input, h, v.ptr);
        }
    }
    gf_buf_release(&k);
    gf_buf_release(&v);
    return rc;
}

static int header_members(json_t *input, const struct gf_aws_op *desc, const struct gf_aws_msg *req)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && desc->in && desc->in[i].path; i++) {
        const struct gf_aws_hint *h = &desc->in[i];
        const char *v;

        if (h->loc != GF_AWS_LOC_HEADER)
            continue;
        v = gf_aws_msg_header(req, h->wire ? h->wire : h->path);
        if (v)
            rc = set_typed(input, h, v);
    }
    return rc;
}

static int body_members(json_t *input, const struct gf_aws_service *svc,
                        const struct gf_aws_op *desc, struct gf_slice body)
{
    json_t *parsed = NULL;
    int rc;

    if (gf_slice_trim(body).len == 0)
        return 0;
    if (desc->payload && !desc->xml_root && svc->protocol == GF_AWS_PROTO_REST_XML) {
        /* a blob payload (S3 PutObject's Body) is the body itself */
        parsed = json_stringn_nocheck(body.ptr, body.len);
        if (!parsed || json_object_set_new(input, desc->payload, parsed) < 0)
            return gf_error_oom();
        return 0;
    }
    if (svc->protocol == GF_AWS_PROTO_REST_JSON)
        rc = gf_aws_json_decode_body(&parsed, body);
    else
        rc =
            gf_aws_xml_decode(&parsed, body, NULL, desc->payload ? desc->payload : "", desc->in, 0);
    if (rc < 0)
        return rc;
    if (desc->payload)
        rc = json_object_set_new(input, desc->payload, parsed) < 0 ? gf_error_oom() : 0;
    else
        rc = json_object_update(input, parsed) < 0 ? gf_error_oom() : 0;
    if (!desc->payload)
        json_decref(parsed);
    return rc;
}

/* The op of svc matching req; ops with a literal query (`?tagging`) are tried first. */
static int find_rest_op(const struct gf_aws_op **out, json_t *input,
                        const struct gf_aws_service *svc, const struct gf_aws_msg *req)
{
    int pass;
    size_t i;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; gf_aws_ops[i].service; i++) {
            const struct gf_aws_op *d = &gf_aws_ops[i];
            const char *q = strchr(d->uri, '?');
            bool ok = false;
            int rc;

            if (d->service != svc || strcasecmp(d->method, req->method ? req->method : "") != 0 ||
                (pass == 0) != (q != NULL))
                continue;
            if (q && !query_has_key(req->query, gf_slice_from(q + 1)))
                continue;
            json_object_clear(input);
            rc = match_path(&ok, input, d, req->path);
            if (rc < 0)
                return rc;
            if (ok) {
                *out = d;
                return 0;
            }
        }
    }
    return gf_error_set(GF_EINVALID, "no %s operation matches %s %.*s", svc->id,
                        req->method ? req->method : "?", GF_SLICE_FMT(req->path));
}

int gf_aws_rest_decode_request(json_t **input_out, struct gf_slice *op_out,
                               const struct gf_aws_service *svc, const struct gf_aws_msg *req)
{
    const struct gf_aws_op *desc = NULL;
    json_t *input = json_object();
    int rc;

    if (!input)
        return gf_error_oom();
    rc = find_rest_op(&desc, input, svc, req);
    GF_ASSERT(rc < 0 || desc);
    if (rc == 0)
        rc = query_members(input, desc, req->query);
    if (rc == 0)
        rc = header_members(input, desc, req);
    if (rc == 0)
        rc = body_members(input, svc, desc, req->body);
    if (rc < 0) {
        json_decref(input);
        return rc;
    }
    *op_out = gf_slice_from(desc->name);
    *input_out = input;
    return 0;
}
