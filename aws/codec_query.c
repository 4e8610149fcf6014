/* SPDX-License-Identifier: Apache-2.0 */
/* codec_query.c: the query and EC2 protocols (reference §2.2, §2.3): the form body
 * `Action=Op&Version=..&Tags.member.1.Key=..` flattened per the operation's shape hints, the
 * same form read back into JSON for local-aws, and the <OpResponse> envelopes. XML reading is
 * codec_xml.c's. No I/O. */
#include <stdio.h>
#include <string.h>

#include "aws/codec.h"
#include "common/error.h"
#include "common/banned.h"

#define FORM_MAX_INDEX 1000 /* list indexes read back from a form; bounds hostile input */

struct flat {
    struct gf_buf *body;
    const struct gf_aws_hint *hints;
    bool ec2;
    struct gf_buf path;   /* member names joined by '.' */
    struct gf_buf prefix; /* wire key so far */
};

static int put_pair(struct flat *f, struct gf_slice value)
{
    gf_buf_putc(f->body, '&');
    gf_uri_encode(f->body, gf_buf_slice(&f->prefix), NULL, GF_URI_PLUS_SPACE);
    gf_buf_putc(f->body, '=');
    return gf_uri_encode(f->body, value, NULL, GF_URI_PLUS_SPACE);
}

static int flat_value(struct flat *f, const json_t *v, const struct gf_aws_hint *h);

static int flat_members(struct flat *f, const json_t *obj)
{
    size_t path_len = f->path.len;
    size_t prefix_len = f->prefix.len;
    const char *key;
    json_t *v;
    int rc = 0;

    json_object_foreach((json_t *)obj, key, v)
    {
        const struct gf_aws_hint *h;

        if (path_len)
            gf_buf_putc(&f->path, '.');
        gf_buf_puts(&f->path, key);
        h = gf_aws_hint_find(f->hints, f->path.ptr, f->path.len);
        if (prefix_len)
            gf_buf_putc(&f->prefix, '.');
        gf_buf_puts(&f->prefix, h && h->wire ? h->wire : key);
        if (gf_buf_failed(&f->path) || gf_buf_failed(&f->prefix))
            return gf_error_oom();
        rc = flat_value(f, v, h);
        gf_buf_truncate(&f->path, path_len);
        gf_buf_truncate(&f->prefix, prefix_len);
        if (rc < 0)
            break;
    }
    return rc;
}

/* prefix := the prefix with its last segment replaced by `name` */
static void replace_last(struct gf_buf *prefix, const char *name)
{
    const char *dot = strrchr(prefix->ptr, '.');

    gf_buf_truncate(prefix, dot ? (size_t)(dot - prefix->ptr) + 1 : 0);
    gf_buf_puts(prefix, name);
}

static int flat_list(struct flat *f, const json_t *arr, const struct gf_aws_hint *h)
{
    size_t prefix_len = f->prefix.len;
    size_t i;
    int rc = 0;

    if (json_array_size(arr) == 0)
        return f->ec2 ? 0 : put_pair(f, GF_SLICE_LIT("")); /* §2.1: `Name=` / dropped */
    if (!f->ec2 && h && h->type == GF_AWS_H_FLIST && h->item)
        replace_last(&f->prefix, h->item);
    else if (!f->ec2 && !(h && h->type == GF_AWS_H_FLIST))
        gf_buf_printf(&f->prefix, ".%s", h && h->item ? h->item : "member");
    for (i = 0; i < json_array_size(arr) && rc == 0; i++) {
        size_t elem_len = f->prefix.len;

        gf_buf_printf(&f->prefix, ".%zu", i + 1);
        if (gf_buf_failed(&f->prefix))
            return gf_error_oom();
        rc = flat_value(f, json_array_get(arr, i), NULL);
        gf_buf_truncate(&f->prefix, elem_len);
    }
    gf_buf_truncate(&f->prefix, prefix_len);
    return rc;
}

static int flat_map(struct flat *f, const json_t *obj, const struct gf_aws_hint *h)
{
    size_t prefix_len = f->prefix.len;
    const char *key;
    json_t *v;
    size_t i = 0;
    int rc = 0;

    json_object_foreach((json_t *)obj, key, v)
    {
        size_t entry_len;

        i++;
        gf_buf_printf(&f->prefix, "%s.%zu.", h->type == GF_AWS_H_MAP ? ".entry" : "", i);
        entry_len = f->prefix.len;
        gf_buf_puts(&f->prefix, h->item ? h->item : "key");
        rc = gf_buf_failed(&f->prefix) ? gf_error_oom() : put_pair(f, gf_slice_from(key));
        gf_buf_truncate(&f->prefix, entry_len);
        gf_buf_puts(&f->prefix, h->item2 ? h->item2 : "value");
        if (rc == 0)
            rc = gf_buf_failed(&f->prefix) ? gf_error_oom() : flat_value(f, v, NULL);
        gf_buf_truncate(&f->prefix, prefix_len);
        if (rc < 0)
            break;
    }
    return rc;
}

static int flat_value(struct flat *f, const json_t *v, const struct gf_aws_hint *h)
{
    char text[64];
    const char *s;

    if (json_is_object(v)) {
        if (h && (h->type == GF_AWS_H_MAP || h->type == GF_AWS_H_FMAP))
            return flat_map(f, v, h);
        return flat_members(f, v);
    }
    if (json_is_array(v))
        return flat_list(f, v, h);
    if (json_is_string(v))
        return put_pair(f, gf_slice_make(json_string_value(v), json_string_length(v)));
    s = gf_aws_scalar_text(text, sizeof(text), v, h);
    return s ? put_pair(f, gf_slice_from(s)) : 0; /* null: absent members are never sent */
}

int gf_aws_query_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, const char *op,
                        const struct gf_aws_op *desc, const json_t *input)
{
    struct flat f = {&out->body, desc ? desc->in : NULL, svc->protocol == GF_AWS_PROTO_EC2,
                     GF_BUF_INIT, GF_BUF_INIT};
    int rc;

    out->method = "POST";
    gf_buf_puts(&out->path, "/");
    gf_buf_puts(&out->body, "Action=");
    gf_uri_encode(&out->body, gf_slice_from(op), NULL, GF_URI_PLUS_SPACE);
    gf_buf_puts(&out->body, "&Version=");
    rc = gf_uri_encode(&out->body, gf_slice_from(svc->api_version), NULL, GF_URI_PLUS_SPACE);
    if (rc < 0 || gf_buf_failed(&out->path))
        return gf_error_oom();
    rc = gf_aws_wire_add_header(out, "Content-Type",
                                "application/x-www-form-urlencoded; charset=utf-8");
    if (rc == 0 && input)
        rc = flat_members(&f, input);
    gf_buf_release(&f.path);
    gf_buf_release(&f.prefix);
    return rc;
}

/* ---- local-aws: the form back into JSON ------------------------------------------------- */

/* Set raw[seg1][seg2].. = value, creating objects. */
static int raw_put(json_t *raw, struct gf_slice key, struct gf_slice value)
{
    json_t *cur = raw;
    size_t start = 0;
    char seg[256];

    for (;;) {
        long dot = gf_slice_find(key, '.', start);
        size_t end = dot < 0 ? key.len : (size_t)dot;
        json_t *next;

        if (end == start || end - start >= sizeof(seg))
            return gf_error_set(GF_EINVALID, "bad form key '%.*s'", GF_SLICE_FMT(key));
        memcpy(seg, key.ptr + start, end - start);
        seg[end - start] = '\0';
        next = json_object_get(cur, seg);
        if (dot < 0) {
            if (next)
                return gf_error_set(GF_EINVALID, "form key '%.*s' given twice", GF_SLICE_FMT(key));
            return json_object_set_new(cur, seg, json_stringn(value.ptr, value.len)) < 0
                       ? gf_error_oom()
                       : 0;
        }
        if (!next) {
            next = json_object();
            if (json_object_set_new(cur, seg, next) < 0)
                return gf_error_oom();
        } else if (!json_is_object(next)) {
            return gf_error_set(GF_EINVALID, "form key '%.*s' is both a value and a structure",
                                GF_SLICE_FMT(key));
        }
        cur = next;
        start = end + 1;
    }
}

static bool is_index(const char *s, size_t *out)
{
    size_t n = 0;

    if (!*s || *s == '0')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > FORM_MAX_INDEX)
            return false;
        n = n * 10 + (size_t)(*s - '0');
    }
    *out = n;
    return n <= FORM_MAX_INDEX;
}

static bool all_indexes(const json_t *obj)
{
    const char *key;
    json_t *v;
    size_t n;

    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return false;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!is_index(key, &n))
            return false;
    }
    return true;
}

struct unflat {
    const struct gf_aws_hint *hints;
    bool ec2;
    struct gf_buf path;
};

static int conv_struct(json_t **out, struct unflat *u, const json_t *raw);

static int conv_scalar(json_t **out, const json_t *raw, const struct gf_aws_hint *h)
{
    const char *s = json_string_value(raw);
    int64_t n;

    if (!s)
        return gf_error_set(GF_EINVALID, "form value expected");
    if (h && h->type == GF_AWS_H_INT &&
        gf_slice_to_i64(&n, gf_slice_from(s), INT64_MIN, INT64_MAX) == 0)
        *out = json_integer(n);
    else if (h && h->type == GF_AWS_H_BOOL && (!strcmp(s, "true") || !strcmp(s, "false")))
        *out = json_boolean(s[0] == 't');
    else
        *out = json_string(s);
    return *out ? 0 : gf_error_oom();
}

static int conv_elem(json_t **out, struct unflat *u, const json_t *raw)
{
    if (json_is_object(raw))
        return conv_struct(out, u, raw);
    return conv_scalar(out, raw, NULL);
}

/* {"1":a,"2":b} -> [a', b'] */
static int conv_indexed(json_t **out, struct unflat *u, const json_t *raw)
{
    json_t *arr = json_array();
    const char *key;
    json_t *v;
    size_t n = 0;

    if (!arr)
        return gf_error_oom();
    if (json_is_string(raw) && !json_string_length(raw)) {
        *out = arr; /* `Name=`: the empty list */
        return 0;
    }
    if (!all_indexes(raw)) {
        json_decref(arr);
        return gf_error_set(GF_EINVALID, "list '%s' without 1-based indexes", u->path.ptr);
    }
    json_object_foreach((json_t *)raw, key, v)
    {
        json_t *elem = NULL;
        int rc;

        is_index(key, &n);
        while (json_array_size(arr) < n)
            json_array_append_new(arr, json_null());
        rc = conv_elem(&elem, u, v);
        if (rc < 0 || json_array_set_new(arr, n - 1, elem) < 0) {
            json_decref(arr);
            return rc < 0 ? rc : gf_error_oom();
        }
    }
    *out = arr;
    return 0;
}

static int conv_map(json_t **out, struct unflat *u, const json_t *raw, const struct gf_aws_hint *h)
{
    const json_t *entries = h->type == GF_AWS_H_MAP ? json_object_get(raw, "entry") : raw;
    json_t *obj = json_object();
    const char *idx;
    json_t *e;

    if (!obj)
        return gf_error_oom();
    json_object_foreach((json_t *)entries, idx, e)
    {
        const char *k = json_string_value(json_object_get(e, h->item ? h->item : "key"));
        const json_t *rv = json_object_get(e, h->item2 ? h->item2 : "value");
        json_t *val = NULL;
        int rc;

        if (!k || !rv) {
            json_decref(obj);
            return gf_error_set(GF_EINVALID, "map '%s' entry %s lacks a key or value", u->path.ptr,
                                idx);
        }
        rc = conv_elem(&val, u, rv);
        if (rc < 0 || json_object_set_new(obj, k, val) < 0) {
            json_decref(obj);
            return rc < 0 ? rc : gf_error_oom();
        }
    }
    *out = obj;
    return 0;
}

static int conv_value(json_t **out, struct unflat *u, const json_t *raw,
                      const struct gf_aws_hint *h)
{
    int type = h ? h->type : -1;

    if (type == GF_AWS_H_MAP || type == GF_AWS_H_FMAP)
        return conv_map(out, u, raw, h);
    if (type == GF_AWS_H_FLIST || (u->ec2 && type == GF_AWS_H_LIST))
        return conv_indexed(out, u, raw);
    if (type == GF_AWS_H_LIST) {
        const json_t *items = json_object_get(raw, h->item ? h->item : "member");

        return conv_indexed(out, u, items ? items : raw);
    }
    if (json_is_string(raw))
        return conv_scalar(out, raw, h);
    if (all_indexes(raw))
        return conv_indexed(out, u, raw);
    if (json_object_size(raw) == 1 && all_indexes(json_object_get(raw, "member")))
        return conv_indexed(out, u, json_object_get(raw, "member"));
    return conv_struct(out, u, raw);
}

/* The hint of the member of the structure at u->path whose wire name is `wire`. */
static const struct gf_aws_hint *member_by_wire(const struct unflat *u, const char *wire,
                                                const char **member_out)
{
    size_t plen = u->path.len;
    size_t i;

    for (i = 0; u->hints && u->hints[i].path; i++) {
        const struct gf_aws_hint *h = &u->hints[i];
        const char *last;

        if (plen && (strncmp(h->path, u->path.ptr, plen) != 0 || h->path[plen] != '.'))
            continue;
        last = h->path + (plen ? plen + 1 : 0);
        if (strchr(last, '.'))
            continue;
        if (strcmp(h->wire ? h->wire : last, wire) == 0) {
            *member_out = last;
            return h;
        }
    }
    *member_out = wire;
    return NULL;
}

static int conv_struct(json_t **out, struct unflat *u, const json_t *raw)
{
    size_t plen = u->path.len;
    json_t *obj = json_object();
    const char *wire;
    json_t *rv;
    int rc = 0;

    if (!obj)
        return gf_error_oom();
    json_object_foreach((json_t *)raw, wire, rv)
    {
        const char *member;
        const struct gf_aws_hint *h = member_by_wire(u, wire, &member);
        json_t *val = NULL;

        if (plen)
            gf_buf_putc(&u->path, '.');
        gf_buf_puts(&u->path, member);
        if (!h)
            h = gf_aws_hint_find(u->hints, u->path.ptr, u->path.len);
        rc = gf_buf_failed(&u->path) ? gf_error_oom() : conv_value(&val, u, rv, h);
        gf_buf_truncate(&u->path, plen);
        if (rc == 0 && json_object_set_new(obj, member, val) < 0)
            rc = gf_error_oom();
        if (rc < 0)
            break;
    }
    if (rc < 0) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

static int parse_form(json_t *raw, struct gf_slice *action, struct gf_slice body,
                      struct gf_buf *keys)
{
    size_t start = 0;

    /* keys holds every decoded key and value back to back, so `action` can borrow from it */
    gf_buf_grow(keys, body.len * 2 + 2);
    if (gf_buf_failed(keys))
        return gf_error_oom();
    while (start < body.len) {
        long amp = gf_slice_find(body, '&', start);
        size_t end = amp < 0 ? body.len : (size_t)amp;
        struct gf_slice pair = gf_slice_sub(body, start, end - start);
        long eq = gf_slice_find(pair, '=', 0);
        struct gf_slice k = gf_slice_sub(pair, 0, eq < 0 ? pair.len : (size_t)eq);
        struct gf_slice v =
            eq < 0 ? gf_slice_make("", 0) : gf_slice_sub(pair, (size_t)eq + 1, pair.len);
        size_t k0 = keys->len;
        size_t v0;
        int rc;

        start = end + 1;
        if (pair.len == 0)
            continue;
        rc = gf_uri_decode(keys, k, GF_URI_STRICT | GF_URI_PLUS_SPACE);
        v0 = keys->len;
        if (rc == 0)
            rc = gf_uri_decode(keys, v, GF_URI_STRICT | GF_URI_PLUS_SPACE);
        if (rc < 0)
            return rc;
        k = gf_slice_make(keys->ptr + k0, v0 - k0);
        v = gf_slice_make(keys->ptr + v0, keys->len - v0);
        if (gf_slice_eq_str(k, "Action"))
            *action = v;
        else if (!gf_slice_eq_str(k, "Version")) {
            rc = raw_put(raw, k, v);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int gf_aws_query_decode_request(json_t **input_out, struct gf_slice *op_out,
                                const struct gf_aws_service *svc, const struct gf_aws_msg *req)
{
    struct gf_buf keys = GF_BUF_INIT;
    struct unflat u = {NULL, svc->protocol == GF_AWS_PROTO_EC2, GF_BUF_INIT};
    struct gf_slice action = GF_SLICE_INIT;
    const struct gf_aws_op *desc;
    json_t *raw = json_object();
    char name[128];
    int rc;

    if (!raw)
        return gf_error_oom();
    rc = parse_form(raw, &action, req->body, &keys);
    if (rc == 0 && (action.len == 0 || action.len >= sizeof(name)))
        rc = gf_error_set(GF_EINVALID, "form body has no Action");
    if (rc < 0)
        goto out;
    memcpy(name, action.ptr, action.len);
    name[action.len] = '\0';
    desc = gf_aws_op_find(svc, name);
    u.hints = desc ? desc->in : NULL;
    rc = conv_struct(input_out, &u, raw);
    if (rc < 0)
        goto out;
    /* borrow the name from the table when known, else from the request body */
    *op_out = desc ? gf_slice_from(desc->name) : gf_slice_make("", 0);
    if (!desc) {
        long at = -1;
        size_t i;

        for (i = 0; i + action.len <= req->body.len; i++) {
            if (memcmp(req->body.ptr + i, action.ptr, action.len) == 0) {
                at = (long)i;
                break;
            }
        }
        if (at >= 0)
            *op_out = gf_slice_make(req->body.ptr + at, action.len);
        else
            rc = gf_error_set(GF_EINVALID, "escaped Action '%s' is not an operation", name);
    }
out:
    if (rc < 0 && *input_out) {
        json_decref(*input_out);
        *input_out = NULL;
    }
    json_decref(raw);
    gf_buf_release(&keys);
    gf_buf_release(&u.path);
    return rc;
}

/* ---- local-aws: the response envelopes --------------------------------------------------- */

int gf_aws_query_encode_response(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                                 const char *op, const struct gf_aws_op *desc, const json_t *output,
                                 const char *request_id)
{
    bool ec2 = svc->protocol == GF_AWS_PROTO_EC2;
    const char *ns = svc->xml_namespace;
    const struct gf_aws_hint *hints = desc ? desc->out : NULL;
    bool has_output = output && json_object_size(output) > 0;
    int rc = 0;

    out->status = 200;
    gf_buf_printf(&out->body,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%sResponse xmlns=\"%s%s\">", op, ns,
                  ns[strlen(ns) - 1] == '/' ? "" : "/");
    if (ec2) {
        gf_buf_puts(&out->body, "<requestId>");
        gf_aws_xml_escape(&out->body, gf_slice_from(request_id));
        gf_buf_puts(&out->body, "</requestId>");
        if (output)
            rc = gf_aws_xml_encode_members(&out->body, output, "", hints, "item");
    } else {
        if (has_output || (desc && desc->result_wrapper)) {
            gf_buf_printf(&out->body, "<%sResult>", op);
            if (output)
                rc = gf_aws_xml_encode_members(&out->body, output, "", hints, "member");
            gf_buf_printf(&out->body, "</%sResult>", op);
        }
        gf_buf_puts(&out->body, "<ResponseMetadata><RequestId>");
        gf_aws_xml_escape(&out->body, gf_slice_from(request_id));
        gf_buf_puts(&out->body, "</RequestId></ResponseMetadata>");
    }
    gf_buf_printf(&out->body, "</%sResponse>", op);
    if (rc < 0)
        return rc;
    if (gf_buf_failed(&out->body))
        return gf_error_oom();
    rc = gf_aws_wire_add_header(out, "Content-Type", "text/xml");
    if (rc == 0 && request_id)
        rc = gf_aws_wire_add_header(out, "x-amzn-RequestId", request_id);
    return rc;
}
