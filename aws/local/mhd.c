/* SPDX-License-Identifier: Apache-2.0 */
/* mhd.c: collecting a libmicrohttpd request for the verifier and the codecs (aws/local/mhd.h). */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <string.h>
#include <strings.h>

#include "aws/local/mhd.h"
#include "common/error.h"
#include "common/banned.h"

size_t gf_mhd_no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct gf_mhd_request *r = cls;

    (void)kind;
    if (r->n_headers < GF_MHD_MAX_HEADERS) {
        r->sig[r->n_headers].name = gf_slice_from(key);
        r->sig[r->n_headers].value = gf_slice_from(value);
        r->aws[r->n_headers].name = key;
        r->aws[r->n_headers].value = value ? value : "";
        r->n_headers++;
    }
    return MHD_YES;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct gf_mhd_request *r = cls;

    (void)kind;
    if (r->query.len)
        gf_buf_putc(&r->query, '&');
    gf_buf_puts(&r->query, key);
    if (value) {
        gf_buf_putc(&r->query, '=');
        gf_buf_puts(&r->query, value);
    }
    return MHD_YES;
}

int gf_mhd_request_collect(struct gf_mhd_request *out, struct MHD_Connection *c, const char *method,
                           const char *url, struct gf_slice body)
{
    memset(out, 0, sizeof(*out));
    gf_buf_init(&out->query, GF_MHD_MAX_QUERY_BYTES);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, out);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, out);
    out->sigv4.method = gf_slice_from(method);
    out->sigv4.path = gf_slice_from(url);
    out->sigv4.query = gf_buf_slice(&out->query);
    out->sigv4.headers = out->sig;
    out->sigv4.n_headers = out->n_headers;
    out->sigv4.body = body;
    return gf_buf_failed(&out->query) ? GF_ENOMEM : 0;
}

void gf_mhd_request_release(struct gf_mhd_request *r)
{
    gf_buf_release(&r->query);
}

const char *gf_mhd_request_header(const struct gf_mhd_request *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->aws[i].name, name) == 0)
            return r->aws[i].value;
    }
    return NULL;
}
