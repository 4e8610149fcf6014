/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: owned growable buffers and borrowed slices (common/buf.h). */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

char gf_buf__empty[1];
char gf_buf__failed[1];

void gf_buf_init(struct gf_buf *buf, size_t max_bytes)
{
    buf->ptr = gf_buf__empty;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max_bytes;
}

bool gf_buf_failed(const struct gf_buf *buf)
{
    return buf->ptr == gf_buf__failed;
}

static int buf_fail(struct gf_buf *buf, bool too_large)
{
    if (buf->cap)
        gf_free(buf->ptr);
    buf->ptr = gf_buf__failed;
    buf->len = 0;
    buf->cap = 0;
    if (too_large)
        return gf_error_set(GF_ENOMEM, "data larger than the limit of %zu bytes", buf->max);
    return gf_error_oom();
}

int gf_buf_grow(struct gf_buf *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (gf_buf_failed(buf))
        return GF_ENOMEM;
    if (extra > SIZE_MAX - buf->len - 1)
        return buf_fail(buf, false);
    need = buf->len + extra + 1;
    if (buf->max && need - 1 > buf->max)
        return buf_fail(buf, true);
    if (need <= buf->cap)
        return 0;
    cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (buf->cap) {
        p = gf_realloc(buf->ptr, cap);
    } else {
        p = gf_malloc(cap);
        if (p)
            p[0] = '\0';
    }
    if (!p)
        return buf_fail(buf, false);
    buf->ptr = p;
    buf->cap = cap;
    return 0;
}

int gf_buf_put(struct gf_buf *buf, const void *data, size_t len)
{
    int rc = gf_buf_grow(buf, len);

    if (rc < 0)
        return rc;
    if (len)
        memmove(buf->ptr + buf->len, data, len);
    buf->len += len;
    buf->ptr[buf->len] = '\0';
    return 0;
}

int gf_buf_puts(struct gf_buf *buf, const char *s)
{
    return gf_buf_put(buf, s, strlen(s));
}

int gf_buf_putc(struct gf_buf *buf, char c)
{
    return gf_buf_put(buf, &c, 1);
}

int gf_buf_put_slice(struct gf_buf *buf, struct gf_slice s)
{
    return gf_buf_put(buf, s.ptr, s.len);
}

int gf_buf_vprintf(struct gf_buf *buf, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    int rc;

    if (gf_buf_failed(buf))
        return GF_ENOMEM;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return gf_error_set(GF_ERROR, "bad format string '%s'", fmt);
    rc = gf_buf_grow(buf, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return 0;
}

int gf_buf_printf(struct gf_buf *buf, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = gf_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return rc;
}

void gf_buf_truncate(struct gf_buf *buf, size_t len)
{
    if (buf->cap && len < buf->len) {
        buf->len = len;
        buf->ptr[len] = '\0';
    }
}

void gf_buf_clear(struct gf_buf *buf)
{
    if (gf_buf_failed(buf)) {
        buf->ptr = gf_buf__empty;
        return;
    }
    gf_buf_truncate(buf, 0);
}

void gf_buf_release(struct gf_buf *buf)
{
    if (buf->cap)
        gf_free(buf->ptr);
    buf->ptr = gf_buf__empty;
    buf->len = 0;
    buf->cap = 0;
}

void gf_buf_release_secret(struct gf_buf *buf)
{
    if (buf->cap)
        explicit_bzero(buf->ptr, buf->cap);
    gf_buf_release(buf);
}

char *gf_buf_detach(struct gf_buf *buf)
{
    char *p;

    if (gf_buf_failed(buf)) {
        buf->ptr = gf_buf__empty;
        return NULL;
    }
    if (!buf->cap) {
        p = gf_strdup("");
        if (!p)
            gf_error_oom();
        return p;
    }
    p = buf->ptr;
    buf->ptr = gf_buf__empty;
    buf->len = 0;
    buf->cap = 0;
    return p;
}

struct gf_slice gf_buf_slice(const struct gf_buf *buf)
{
    struct gf_slice s = {buf->ptr, buf->len};

    return s;
}

struct gf_slice gf_slice_from(const char *s)
{
    struct gf_slice r = {s ? s : "", s ? strlen(s) : 0};

    return r;
}

struct gf_slice gf_slice_make(const char *ptr, size_t len)
{
    struct gf_slice r = {ptr, len};

    return r;
}

bool gf_slice_eq(struct gf_slice a, struct gf_slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool gf_slice_eq_str(struct gf_slice a, const char *s)
{
    return gf_slice_eq(a, gf_slice_from(s));
}

bool gf_slice_starts_with(struct gf_slice s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

bool gf_slice_ends_with(struct gf_slice s, const char *suffix)
{
    size_t n = strlen(suffix);

    return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

struct gf_slice gf_slice_sub(struct gf_slice s, size_t off, size_t len)
{
    if (off > s.len)
        off = s.len;
    if (len > s.len - off)
        len = s.len - off;
    return gf_slice_make(s.ptr + off, len);
}

struct gf_slice gf_slice_trim(struct gf_slice s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '\n' || s.ptr[0] == '\r')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' ||
                     s.ptr[s.len - 1] == '\n' || s.ptr[s.len - 1] == '\r'))
        s.len--;
    return s;
}

long gf_slice_find(struct gf_slice s, char c, size_t from)
{
    size_t i;

    for (i = from; i < s.len; i++) {
        if (s.ptr[i] == c)
            return (long)i;
    }
    return -1;
}

char *gf_slice_dup(struct gf_slice s)
{
    char *p = gf_strndup(s.ptr, s.len);

    if (!p)
        gf_error_oom();
    return p;
}

int gf_slice_to_i64(int64_t *out, struct gf_slice s, int64_t min, int64_t max)
{
    char tmp[32];
    char *end = NULL;
    long long v;

    if (s.len == 0 || s.len >= sizeof(tmp))
        return GF_EINVALID;
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    if (!(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9')))
        return GF_EINVALID;
    errno = 0;
    v = strtoll(tmp, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return GF_EINVALID;
    *out = v;
    return 0;
}
