/* SPDX-License-Identifier: Apache-2.0 */
/* mhd.h: a request as libmicrohttpd received it, in the two forms our code reads: the SigV4
 * verifier's (aws/sigv4.h) and the codecs' (aws/codec.h). local-aws and the tests' loopback
 * servers collect requests with it, so every server here hands the verifier the same bytes.
 *
 * The daemon must be started with MHD_OPTION_UNESCAPE_CALLBACK, gf_mhd_no_unescape, so the
 * path and query arguments keep their wire bytes (a signature covers the escapes as sent).
 * Ownership: headers, method, URL and body borrow from the connection and the caller; only
 * the rebuilt query is owned (gf_mhd_request_release). */
#ifndef GF_AWS_LOCAL_MHD_H
#define GF_AWS_LOCAL_MHD_H

#include <stddef.h>

#include <microhttpd.h>

#include "aws/codec.h"
#include "aws/sigv4.h"
#include "common/buf.h"

#define GF_MHD_MAX_HEADERS     64
#define GF_MHD_MAX_QUERY_BYTES (64 << 10)

struct gf_mhd_request {
    struct gf_sigv4_header sig[GF_MHD_MAX_HEADERS]; /* headers past the limit are dropped */
    struct gf_aws_header aws[GF_MHD_MAX_HEADERS];
    size_t n_headers;
    struct gf_buf query;           /* "a=1&b=%2F": the arguments as sent, in order */
    struct gf_sigv4_request sigv4; /* method, URL, query, headers, body: for gf_sigv4_verify */
};

/* The unescape callback that leaves every byte as it came. */
size_t gf_mhd_no_unescape(void *cls, struct MHD_Connection *c, char *s);

/* Collect the headers and query of connection c (method, url and body as the access handler
 * got them). 0, or GF_ENOMEM when the query passes GF_MHD_MAX_QUERY_BYTES (the caller answers
 * 414); release in either case. */
int gf_mhd_request_collect(struct gf_mhd_request *out, struct MHD_Connection *c, const char *method,
                           const char *url, struct gf_slice body);
void gf_mhd_request_release(struct gf_mhd_request *r);
/* The value of header `name` (any case), or NULL. */
const char *gf_mhd_request_header(const struct gf_mhd_request *r, const char *name);

#endif
