/* SPDX-License-Identifier: Apache-2.0 */
/* codec_xml.c: XML for the query, EC2 and rest-xml protocols (reference §2.2, §2.3, §2.5):
 * reading a body into JSON with libxml2 (element names as keys, hinted lists, maps and scalar
 * types), writing JSON as XML elements, and the rest-xml request and response bodies.
 * No I/O: libxml2 reads from memory with the network off and DTDs refused. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

#define XML_MAX_BODY (64u << 20)

struct xdec {
    const struct gf_aws_hint *hints;
    unsigned flags;
    struct gf_buf path;
};

static bool is_elem(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE;
}

static const char *ename(const xmlNode *n)
{
    return (const char *)n->name;
}

static bool has_elem_child(const xmlNode *n)
{
    const xmlNode *c;

    for (c = n->children; c; c = c->next) {
        if (is_elem(c))
            return true;
    }
    return false;
}

/* A new JSON value for the text of `n` per the hint's scalar type. */
static int text_value(json_t **out, const xmlNode *n, const struct gf_aws_hint *h,
                      unsigned flags)
{
    xmlChar *raw = xmlNodeGetContent(n);
    const char *s = raw ? (const char *)raw : "";
    int64_t num;
    int type = h ? h->type : GF_AWS_H_STRING;

    if (type == GF_AWS_H_INT && gf_slice_to_i64(&num, gf_slice_from(s), INT64_MIN, INT64_MAX) == 0)
        *out = json_integer(num);
    else if (type == GF_AWS_H_BOOL && (!strcmp(s, "true") || !strcmp(s, "false")))
        *out = json_boolean(s[0] == 't');
    else if (type == GF_AWS_H_DOUBLE && s[0])
        *out = json_real(strtod(s, NULL));
    else if (type == GF_AWS_H_TIME && (flags & GF_AWS_DECODE_TIMES) &&
             gf_time_parse_iso8601(&num, s) == 0)
        *out = json_real((double)num / 1000.0);
    else
        *out = json_string(s);
    if (raw)
        xmlFree(raw);
    if (!*out) /* json_string refuses invalid UTF-8: keep the bytes' count, not the bytes */
        *out = json_string("");
    return *out ? 0 : gf_error_oom();
}

static int dec_node(json_t **out, struct xdec *d, const xmlNode *n, const struct gf_aws_hint *h);

static const xmlNode *child_named(const xmlNode *n, const char *name)
{
    const xmlNode *c;

    for (c = n->children; c; c = c->next) {
        if (is_elem(c) && strcmp(ename(c), name) == 0)
            return c;
    }
    return NULL;
}

/* One map entry node (<entry> or a flattened <Name>) into obj. */
static int dec_entry(json_t *obj, struct xdec *d, const xmlNode *e, const struct gf_aws_hint *h)
{
    const xmlNode *k = child_named(e, h->item ? h->item : "key");
    const xmlNode *v = child_named(e, h->item2 ? h->item2 : "value");
    xmlChar *key;
    json_t *val = NULL;
    int rc;

    if (!k)
        return 0;
    key = xmlNodeGetContent(k);
    if (!key)
        return gf_error_oom();
    rc = v ? dec_node(&val, d, v, NULL) : 0;
    if (rc == 0 && json_object_set_new(obj, (const char *)key, val ? val : json_null()) < 0)
        rc = gf_error_oom();
    xmlFree(key);
    return rc;
}

static int dec_list(json_t **out, struct xdec *d, const xmlNode *n, const struct gf_aws_hint *h)
{
    json_t *arr = json_array();
    const xmlNode *c;
    int rc = 0;

    if (!arr)
        return gf_error_oom();
    for (c = n->children; c && rc == 0; c = c->next) {
        json_t *v = NULL;

        if (!is_elem(c) || (h && h->item && strcmp(ename(c), h->item) != 0))
            continue;
        rc = dec_node(&v, d, c, NULL);
        if (rc == 0 && json_array_append_new(arr, v) < 0)
            rc = gf_error_oom();
    }
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

/* Every element child named "member" or "item" (and at least one): an unhinted list. */
static bool looks_like_list(const xmlNode *n)
{
    const xmlNode *c;
    const char *first = NULL;

    for (c = n->children; c; c = c->next) {
        if (!is_elem(c))
            continue;
        if (strcmp(ename(c), "member") != 0 && strcmp(ename(c), "item") != 0)
            return false;
        if (first && strcmp(first, ename(c)) != 0)
            return false;
        first = ename(c);
    }
    return first != NULL;
}

static int dec_children(json_t *obj, struct xdec *d, const xmlNode *n);

static int dec_node(json_t **out, struct xdec *d, const xmlNode *n, const struct gf_aws_hint *h)
{
    int type = h ? h->type : -1;
    json_t *obj;
    const xmlNode *c;
    int rc = 0;

    *out = NULL;
    if (type == GF_AWS_H_LIST || (type < 0 && looks_like_list(n)))
        return dec_list(out, d, n, h);
    if (type == GF_AWS_H_MAP) {
        obj = json_object();
        for (c = n->children; obj && c && rc == 0; c = c->next) {
            if (is_elem(c))
                rc = dec_entry(obj, d, c, h);
        }
    } else if (!has_elem_child(n) || (type >= GF_AWS_H_INT && type <= GF_AWS_H_BLOB)) {
        return text_value(out, n, h, d->flags);
    } else {
        obj = json_object();
        rc = obj ? dec_children(obj, d, n) : 0;
    }
    if (!obj)
        return gf_error_oom();
    if (rc < 0) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

/* Add val under name; an unhinted name seen again turns into an array (flattened lists). */
static int add_member(json_t *obj, json_t *repeats, const char *name, json_t *val)
{
    json_t *old = json_object_get(obj, name);
    json_t *arr;

    if (!old)
        return json_object_set_new(obj, name, val) < 0 ? gf_error_oom() : 0;
    if (json_object_get(repeats, name))
        return json_array_append_new(old, val) < 0 ? gf_error_oom() : 0;
    arr = json_array();
    if (!arr || json_array_append(arr, old) < 0 || json_array_append_new(arr, val) < 0 ||
        json_object_set_new(obj, name, arr) < 0 || json_object_set_new(repeats, name,
                                                                          json_true()) < 0)
        return gf_error_oom();
    return 0;
}

/* A member whose element name differs from its key (input hints name members; S3 `Rules` is
 * written as repeated <Rule>): the hint, among the members of the structure at `parent`, whose
 * wire or flattened item name is `name`; NULL if none. */
static const struct gf_aws_hint *flist_by_item(const struct xdec *d, size_t parent_len,
                                               const char *name)
{
    size_t i;

    for (i = 0; d->hints && d->hints[i].path; i++) {
        const struct gf_aws_hint *h = &d->hints[i];

        const char *el = h->type == GF_AWS_H_FLIST && h->item ? h->item : h->wire;

        if (!el || h->loc != GF_AWS_LOC_BODY || strcmp(el, name) != 0)
            continue;
        if (parent_len && (strncmp(h->path, d->path.ptr, parent_len) != 0 ||
                           h->path[parent_len] != '.'))
            continue;
        if (!strchr(h->path + (parent_len ? parent_len + 1 : 0), '.'))
            return h;
    }
    return NULL;
}

/* The array or object under name in obj, created when missing; NULL on allocation failure. */
static json_t *member_container(json_t *obj, const char *name, bool array)
{
    json_t *have = json_object_get(obj, name);

    if (have)
        return have;
    have = array ? json_array() : json_object();
    if (!have || json_object_set_new(obj, name, have) < 0)
        return NULL;
    return have;
}

/* No hint at this path: the element may be an item of a list member named differently; then
 * continue under that member's own path and name. */
static int hint_by_item(const struct gf_aws_hint **h_out, const char **name_out, struct xdec *d,
                        size_t parent_len)
{
    const struct gf_aws_hint *h = flist_by_item(d, parent_len, *name_out);

    *h_out = h;
    if (!h)
        return 0;
    *name_out = h->path + (parent_len ? parent_len + 1 : 0);
    gf_buf_truncate(&d->path, parent_len);
    gf_buf_puts(&d->path, h->path + parent_len);
    return gf_buf_failed(&d->path) ? gf_error_oom() : 0;
}

static int dec_child(json_t *obj, json_t *repeats, struct xdec *d, const xmlNode *c,
                     size_t parent_len)
{
    const struct gf_aws_hint *h = gf_aws_hint_find(d->hints, d->path.ptr, d->path.len);
    const char *name = ename(c);
    json_t *val = NULL;
    json_t *have;
    int rc = 0;

    if (!h)
        rc = hint_by_item(&h, &name, d, parent_len);
    if (rc < 0)
        return rc;
    if (h && (h->type == GF_AWS_H_FLIST || h->type == GF_AWS_H_FMAP)) {
        have = member_container(obj, name, h->type == GF_AWS_H_FLIST);
        if (!have)
            return gf_error_oom();
        if (h->type == GF_AWS_H_FMAP)
            return dec_entry(have, d, c, h);
        rc = dec_node(&val, d, c, NULL);
        if (rc == 0 && json_array_append_new(have, val) < 0)
            rc = gf_error_oom();
        return rc;
    }
    rc = dec_node(&val, d, c, h);
    if (rc < 0)
        return rc;
    return add_member(obj, repeats, name, val);
}

static int dec_children(json_t *obj, struct xdec *d, const xmlNode *n)
{
    size_t plen = d->path.len;
    json_t *repeats = json_object();
    const xmlNode *c;
    int rc = 0;

    if (!repeats)
        return gf_error_oom();
    for (c = n->children; c && rc == 0; c = c->next) {
        if (!is_elem(c))
            continue;
        if (plen)
            gf_buf_putc(&d->path, '.');
        gf_buf_puts(&d->path, ename(c));
        rc = gf_buf_failed(&d->path) ? gf_error_oom() : dec_child(obj, repeats, d, c, plen);
        gf_buf_truncate(&d->path, plen);
    }
    json_decref(repeats);
    return rc;
}

/* Lists hinted at this level but absent from the body are not added: absent is not empty. */
int gf_aws_xml_decode(json_t **out, struct gf_slice body, const char *wrapper,
                      const char *prefix, const struct gf_aws_hint *hints, unsigned flags)
{
    struct xdec d = {hints, flags, GF_BUF_INIT};
    xmlDoc *doc = NULL;
    const xmlNode *root;
    json_t *obj = NULL;
    int rc = 0;

    *out = NULL;
    if (body.len == 0 || gf_slice_trim(body).len == 0) {
        *out = json_object();
        return *out ? 0 : gf_error_oom();
    }
    if (body.len > XML_MAX_BODY)
        return gf_error_set(GF_EINVALID, "XML response body too large (%zu bytes)", body.len);
    xmlInitParser();
    doc = xmlReadMemory(body.ptr, (int)body.len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        rc = gf_error_set(GF_EINVALID, "bad XML body");
        goto out;
    }
    if (doc->intSubset || doc->extSubset) {
        rc = gf_error_set(GF_EINVALID, "XML body with a DTD");
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    if (!root) {
        rc = gf_error_set(GF_EINVALID, "XML body without a root element");
        goto out;
    }
    if (wrapper && child_named(root, wrapper))
        root = child_named(root, wrapper);
    if (prefix && prefix[0])
        gf_buf_puts(&d.path, prefix);
    obj = json_object();
    if (!obj || gf_buf_failed(&d.path)) {
        rc = gf_error_oom();
        goto out;
    }
    rc = dec_children(obj, &d, root);
    if (rc == 0) {
        *out = obj;
        obj = NULL;
    }
out:
    json_decref(obj);
    xmlFreeDoc(doc);
    gf_buf_release(&d.path);
    return rc;
}

int gf_aws_xml_root_text(json_t **out, struct gf_slice body)
{
    xmlDoc *doc;
    xmlChar *text;

    *out = NULL;
    if (body.len == 0 || body.len > XML_MAX_BODY)
        return gf_error_set(GF_EINVALID, "bad XML body");
    xmlInitParser();
    doc = xmlReadMemory(body.ptr, (int)body.len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc) || doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        return gf_error_set(GF_EINVALID, "bad XML body");
    }
    text = xmlNodeGetContent(xmlDocGetRootElement(doc));
    *out = json_string(text ? (const char *)text : "");
    xmlFree(text);
    xmlFreeDoc(doc);
    return *out ? 0 : gf_error_oom();
}

/* ---- writing ------------------------------------------------------------------------------ */

struct xenc {
    struct gf_buf *out;
    const struct gf_aws_hint *hints;
    const char *default_item;
    struct gf_buf path;
};

static int enc_members(struct xenc *e, const json_t *obj);

static void open_tag(struct gf_buf *out, const char *name)
{
    gf_buf_printf(out, "<%s>", name);
}

static void close_tag(struct gf_buf *out, const char *name)
{
    gf_buf_printf(out, "</%s>", name);
}

static int enc_value(struct xenc *e, const char *name, const json_t *v,
                     const struct gf_aws_hint *h);

static int enc_list(struct xenc *e, const char *name, const json_t *arr,
                    const struct gf_aws_hint *h)
{
    bool flat = h && h->type == GF_AWS_H_FLIST;
    const char *item = flat ? (h->item ? h->item : name) : (h && h->item ? h->item
                                                                       : e->default_item);
    size_t i;
    int rc = 0;

    if (!flat)
        open_tag(e->out, name);
    for (i = 0; i < json_array_size(arr) && rc == 0; i++)
        rc = enc_value(e, item, json_array_get(arr, i), NULL);
    if (!flat)
        close_tag(e->out, name);
    return rc;
}

static int enc_map(struct xenc *e, const char *name, const json_t *obj,
                   const struct gf_aws_hint *h)
{
    bool flat = h->type == GF_AWS_H_FMAP;
    const char *key;
    json_t *v;
    int rc = 0;

    if (!flat)
        open_tag(e->out, name);
    json_object_foreach((json_t *)obj, key, v) {
        open_tag(e->out, flat ? name : "entry");
        open_tag(e->out, h->item ? h->item : "key");
        gf_aws_xml_escape(e->out, gf_slice_from(key));
        close_tag(e->out, h->item ? h->item : "key");
        rc = enc_value(e, h->item2 ? h->item2 : "value", v, NULL);
        close_tag(e->out, flat ? name : "entry");
        if (rc < 0)
            break;
    }
    if (!flat)
        close_tag(e->out, name);
    return rc;
}

static int enc_value(struct xenc *e, const char *name, const json_t *v,
                     const struct gf_aws_hint *h)
{
    char text[64];
    const char *s;
    int rc;

    if (json_is_array(v))
        return enc_list(e, name, v, h);
    if (json_is_object(v) && h && (h->type == GF_AWS_H_MAP || h->type == GF_AWS_H_FMAP))
        return enc_map(e, name, v, h);
    if (json_is_object(v)) {
        open_tag(e->out, name);
        rc = enc_members(e, v);
        close_tag(e->out, name);
        return rc;
    }
    s = gf_aws_scalar_text(text, sizeof(text), v, h);
    if (!s)
        return 0;
    open_tag(e->out, name);
    if (json_is_string(v))
        gf_aws_xml_escape(e->out, gf_slice_make(s, json_string_length(v)));
    else
        gf_buf_puts(e->out, s);
    close_tag(e->out, name);
    return gf_buf_failed(e->out) ? gf_error_oom() : 0;
}

static int enc_members(struct xenc *e, const json_t *obj)
{
    size_t plen = e->path.len;
    const char *key;
    json_t *v;
    int rc = 0;

    json_object_foreach((json_t *)obj, key, v) {
        const struct gf_aws_hint *h;

        if (plen)
            gf_buf_putc(&e->path, '.');
        gf_buf_puts(&e->path, key);
        if (gf_buf_failed(&e->path))
            return gf_error_oom();
        h = gf_aws_hint_find(e->hints, e->path.ptr, e->path.len);
        if (!(h && h->loc != GF_AWS_LOC_BODY) && !json_is_null(v))
            rc = enc_value(e, h && h->wire ? h->wire : key, v, h);
        gf_buf_truncate(&e->path, plen);
        if (rc < 0)
            break;
    }
    return rc < 0 ? rc : (gf_buf_failed(e->out) ? gf_error_oom() : 0);
}

int gf_aws_xml_encode_members(struct gf_buf *out, const json_t *obj, const char *path,
                              const struct gf_aws_hint *hints, const char *default_item)
{
    struct xenc e = {out, hints, default_item, GF_BUF_INIT};
    int rc;

    gf_buf_puts(&e.path, path);
    rc = gf_buf_failed(&e.path) ? gf_error_oom() : enc_members(&e, obj);
    gf_buf_release(&e.path);
    return rc;
}

/* Whether obj has a member written to the body (not bound elsewhere, not null). */
static bool has_body_members(const json_t *obj, const struct gf_aws_hint *hints)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        const struct gf_aws_hint *h = gf_aws_hint_find(hints, key, strlen(key));

        if (!json_is_null(v) && !(h && h->loc != GF_AWS_LOC_BODY))
            return true;
    }
    return false;
}

static int content_md5(struct gf_aws_wire *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    unsigned char b64[64];

    if (!EVP_Digest(out->body.ptr, out->body.len, md, &mdlen, EVP_md5(), NULL))
        return gf_error_set(GF_ERROR, "cannot compute the body's MD5");
    EVP_EncodeBlock(b64, md, (int)mdlen);
    return gf_aws_wire_add_header(out, "Content-MD5", (const char *)b64);
}

int gf_aws_restxml_encode(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                          const json_t *input)
{
    const json_t *body_obj = input;
    const char *path = "";
    int rc;

    rc = gf_aws_rest_encode_uri(out, desc, input);
    if (rc < 0)
        return rc;
    if (desc->payload) {
        body_obj = input ? json_object_get(input, desc->payload) : NULL;
        path = desc->payload;
    }
    if (desc->payload && !desc->xml_root && json_is_string(body_obj)) {
        /* a blob payload (S3 PutObject's Body) is the body itself */
        gf_buf_put_slice(&out->body, gf_slice_from(json_string_value(body_obj)));
        if (gf_buf_failed(&out->body))
            return gf_error_oom();
    }
    if (desc->xml_root && json_is_object(body_obj) &&
        (desc->payload || has_body_members(body_obj, desc->in))) {
        gf_buf_printf(&out->body, "<%s", desc->xml_root);
        if (desc->xml_ns) {
            gf_buf_puts(&out->body, " xmlns=\"");
            gf_aws_xml_escape(&out->body, gf_slice_from(desc->xml_ns));
            gf_buf_putc(&out->body, '"');
        }
        gf_buf_putc(&out->body, '>');
        rc = gf_aws_xml_encode_members(&out->body, body_obj, path, desc->in, "member");
        close_tag(&out->body, desc->xml_root);
        if (rc < 0)
            return rc;
        if (gf_buf_failed(&out->body))
            return gf_error_oom();
    }
    /* requestChecksumRequired: Content-MD5, the long-standing form S3 accepts (§3) */
    if (desc->flags & GF_AWS_OP_CHECKSUM)
        return content_md5(out);
    return 0;
}

int gf_aws_rest_encode_response(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                                const struct gf_aws_op *desc, const json_t *output)
{
    const char *key;
    json_t *v;
    int rc = 0;

    out->status = 200;
    if (!output)
        return 0;
    json_object_foreach((json_t *)output, key, v) {
        const struct gf_aws_hint *h = gf_aws_hint_find(desc->out, key, strlen(key));
        char text[64];
        const char *s;

        if (!h || h->loc != GF_AWS_LOC_HEADER)
            continue;
        s = gf_aws_scalar_text(text, sizeof(text), v, h);
        if (s)
            rc = gf_aws_wire_add_header(out, h->wire ? h->wire : key, s);
        if (rc < 0)
            return rc;
    }
    if (!has_body_members(output, desc->out))
        return 0;
    if (gf_aws_op_text_root(desc)) {
        /* S3 GetBucketLocation: the constraint is the root's text (botocore special-cases it) */
        const char *root = gf_aws_op_text_root(desc);
        const char *text = json_string_value(json_object_get(output, root));

        gf_buf_printf(&out->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"%s\">",
                      root, svc->xml_namespace ? svc->xml_namespace : "");
        gf_aws_xml_escape(&out->body, gf_slice_from(text ? text : ""));
        gf_buf_printf(&out->body, "</%s>", root);
        if (gf_buf_failed(&out->body))
            return gf_error_oom();
        return gf_aws_wire_add_header(out, "Content-Type", "application/xml");
    }
    gf_buf_printf(&out->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%sResponse xmlns=\"%s\">",
                  desc->name, svc->xml_namespace ? svc->xml_namespace : "");
    rc = gf_aws_xml_encode_members(&out->body, output, "", desc->out, "member");
    gf_buf_printf(&out->body, "</%sResponse>", desc->name);
    if (rc < 0)
        return rc;
    if (gf_buf_failed(&out->body))
        return gf_error_oom();
    return gf_aws_wire_add_header(out, "Content-Type", "application/xml");
}
