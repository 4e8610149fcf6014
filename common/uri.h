/* SPDX-License-Identifier: Apache-2.0 */
/* uri.h: percent-encoding (RFC 3986) and hex digits, shared by the SigV4 canonicaliser and the
 * AWS protocol codecs, so both sides of a request agree byte for byte on what an escape is. */
#ifndef GF_URI_H
#define GF_URI_H

#include <stdbool.h>

#include "common/buf.h"

enum gf_uri_flags {
    GF_URI_PLUS_SPACE = 1 << 0, /* encode: ' ' as '+'; decode: '+' as ' ' (form bodies) */
    GF_URI_STRICT = 1 << 1,     /* decode: a '%' without two hex digits is GF_EINVALID; without
                                 * this flag it is kept as it is (SigV4 canonicalises that way) */
};

/* Append s percent-encoded with upper-case hex, keeping the unreserved set A-Za-z0-9 "-._~" and
 * the characters in `keep` (NULL: none; "/" for paths). 0 or GF_ENOMEM. */
int gf_uri_encode(struct gf_buf *out, struct gf_slice s, const char *keep, unsigned flags);
/* Append s with its %XX escapes decoded. 0, GF_EINVALID (GF_URI_STRICT and a bad escape, with
 * the error set) or GF_ENOMEM. */
int gf_uri_decode(struct gf_buf *out, struct gf_slice s, unsigned flags);
/* The value of a hex digit, or -1. */
int gf_hex_value(char c);

#endif
