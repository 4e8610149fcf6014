/* SPDX-License-Identifier: Apache-2.0 */
/* error.c: the per-thread last error (common/error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/banned.h"

static _Thread_local struct gf_error tl_error;

static void field_vset(char *dst, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(dst, size, fmt, ap);

    /* Truncation marks itself so a cut-off message is not mistaken for a whole one. */
    if (n >= (int)size && size > 4)
        memcpy(dst + size - 4, "...", 4);
}

int gf_error_set(int code, const char *fmt, ...)
{
    va_list ap;

    memset(&tl_error, 0, sizeof(tl_error));
    tl_error.code = code;
    va_start(ap, fmt);
    field_vset(tl_error.msg, sizeof(tl_error.msg), fmt, ap);
    va_end(ap);
    return code;
}

void gf_error_where(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    field_vset(tl_error.where, sizeof(tl_error.where), fmt, ap);
    va_end(ap);
}

void gf_error_key(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    field_vset(tl_error.key, sizeof(tl_error.key), fmt, ap);
    va_end(ap);
}

void gf_error_hint(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    field_vset(tl_error.hint, sizeof(tl_error.hint), fmt, ap);
    va_end(ap);
}

void gf_error_aws(const char *aws_code, const char *request_id, int http_status)
{
    snprintf(tl_error.aws_code, sizeof(tl_error.aws_code), "%s", aws_code ? aws_code : "");
    snprintf(tl_error.request_id, sizeof(tl_error.request_id), "%s", request_id ? request_id : "");
    tl_error.http_status = http_status;
}

int gf_error_oom(void)
{
    return gf_error_set(GF_ENOMEM, "out of memory");
}

const struct gf_error *gf_error_last(void)
{
    return &tl_error;
}

void gf_error_clear(void)
{
    memset(&tl_error, 0, sizeof(tl_error));
}

void gf_error_copy(struct gf_error *out, const struct gf_error *src)
{
    memcpy(out, src, sizeof(*out));
}

int gf_error_restore(const struct gf_error *e)
{
    memcpy(&tl_error, e, sizeof(tl_error));
    return e->code;
}

const char *gf_error_code_name(int code)
{
    switch (code) {
    case GF_OK:
        return "ok";
    case GF_ENOMEM:
        return "nomem";
    case GF_EINVALID:
        return "invalid";
    case GF_ENOTFOUND:
        return "notfound";
    case GF_ECONFLICT:
        return "conflict";
    case GF_ERETRY:
        return "retry";
    case GF_EAUTH:
        return "auth";
    default:
        return "error";
    }
}

int gf_error_format(struct gf_buf *out, const struct gf_error *e)
{
    if (e->where[0])
        gf_buf_printf(out, "%s: ", e->where);
    gf_buf_printf(out, "error: %s", e->msg[0] ? e->msg : gf_error_code_name(e->code));
    if (e->aws_code[0])
        gf_buf_printf(out, " [%s]", e->aws_code);
    if (e->hint[0])
        gf_buf_printf(out, " (%s)", e->hint);
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

void gf_bug(const char *file, int line, const char *what)
{
    char line_buf[512];
    int n = snprintf(line_buf, sizeof(line_buf), "BUG: %s:%d: %s\n", file, line, what);

    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, line_buf, (size_t)n < sizeof(line_buf) ? (size_t)n : sizeof(line_buf) - 1);
        (void)w;
    }
    abort();
}
