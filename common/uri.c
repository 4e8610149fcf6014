/* SPDX-License-Identifier: Apache-2.0 */
/* uri.c: percent-encoding and hex digits (common/uri.h). */
#include <string.h>

#include "common/error.h"
#include "common/uri.h"
#include "common/banned.h"

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int gf_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int gf_uri_encode(struct gf_buf *out, struct gf_slice s, const char *keep, unsigned flags)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];

        if (is_unreserved(c) || (keep && c && strchr(keep, c))) {
            gf_buf_putc(out, (char)c);
        } else if (c == ' ' && (flags & GF_URI_PLUS_SPACE)) {
            gf_buf_putc(out, '+');
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

            gf_buf_put(out, esc, 3);
        }
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_uri_decode(struct gf_buf *out, struct gf_slice s, unsigned flags)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        int hi = -1, lo = -1;

        if (c == '%' && i + 2 < s.len) {
            hi = gf_hex_value(s.ptr[i + 1]);
            lo = gf_hex_value(s.ptr[i + 2]);
        }
        if (hi >= 0 && lo >= 0) {
            gf_buf_putc(out, (char)(hi * 16 + lo));
            i += 2;
        } else if (c == '%' && (flags & GF_URI_STRICT)) {
            return gf_error_set(GF_EINVALID, "bad percent escape in '%.*s'",
                                GF_SLICE_FMT(gf_slice_sub(s, 0, 64)));
        } else if (c == '+' && (flags & GF_URI_PLUS_SPACE)) {
            gf_buf_putc(out, ' ');
        } else {
            gf_buf_putc(out, c);
        }
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}
