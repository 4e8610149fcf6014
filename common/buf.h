/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h: the owned growable buffer (gf_buf) and the borrowed view (gf_slice).
 * Nothing else in the tree reallocs strings (STYLE.md §5).
 *
 * Ownership, once for the whole API: a gf_buf owns `ptr` (released by gf_buf_release or handed
 * over by gf_buf_detach); a gf_slice borrows and lives no longer than what it points into. */
#ifndef GF_BUF_H
#define GF_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gf_buf {
    char *ptr;  /* never NULL; always NUL-terminated */
    size_t len; /* bytes before the NUL */
    size_t cap; /* 0 while ptr is the shared empty string or the failure marker */
    size_t max; /* 0: unbounded; else appends past max bytes fail */
};

struct gf_slice {
    const char *ptr;
    size_t len;
};

extern char gf_buf__empty[1];
extern char gf_buf__failed[1];

#define GF_BUF_INIT {gf_buf__empty, 0, 0, 0}
#define GF_SLICE_INIT {"", 0}
#define GF_SLICE_FMT(s) (int)(s).len, (s).ptr
#define GF_SLICE_LIT(lit) ((struct gf_slice){(lit), sizeof(lit) - 1})

#if defined(__GNUC__)
#define GF_PRINTF(fmt_idx, args_idx) __attribute__((format(printf, fmt_idx, args_idx)))
#else
#define GF_PRINTF(fmt_idx, args_idx)
#endif

/* Initialise caller storage as an empty buffer bounded to max_bytes (0: no bound). */
void gf_buf_init(struct gf_buf *buf, size_t max_bytes);

/* Appends. They fail sticky: after an allocation failure or passing `max` the buffer frees what
 * it held, refuses further writes and gf_buf_failed() is true. Return 0, or GF_ENOMEM (with the
 * gf_error set) when the buffer is or becomes failed. */
int gf_buf_put(struct gf_buf *buf, const void *data, size_t len);
int gf_buf_puts(struct gf_buf *buf, const char *s);
int gf_buf_putc(struct gf_buf *buf, char c);
int gf_buf_put_slice(struct gf_buf *buf, struct gf_slice s);
int gf_buf_printf(struct gf_buf *buf, const char *fmt, ...) GF_PRINTF(2, 3);
int gf_buf_vprintf(struct gf_buf *buf, const char *fmt, va_list ap) GF_PRINTF(2, 0);
/* Make room for `extra` more bytes (plus the NUL) without changing len. */
int gf_buf_grow(struct gf_buf *buf, size_t extra);

bool gf_buf_failed(const struct gf_buf *buf);
/* Set len (<= current len) and keep the storage. */
void gf_buf_truncate(struct gf_buf *buf, size_t len);
/* Empty it, keep it usable (and un-fail it). */
void gf_buf_clear(struct gf_buf *buf);
/* Free the storage; the buffer is GF_BUF_INIT again (max is kept). */
void gf_buf_release(struct gf_buf *buf);
/* As gf_buf_release, wiping the bytes first: for secrets. */
void gf_buf_release_secret(struct gf_buf *buf);
/* Hand the storage to the caller (free with gf_free); NULL when failed or on OOM for an empty
 * buffer. The buffer is GF_BUF_INIT afterwards. */
char *gf_buf_detach(struct gf_buf *buf);
/* A borrowed view of the contents. */
struct gf_slice gf_buf_slice(const struct gf_buf *buf);

/* Slices. */
struct gf_slice gf_slice_from(const char *s); /* s may be NULL: the empty slice */
struct gf_slice gf_slice_make(const char *ptr, size_t len);
bool gf_slice_eq(struct gf_slice a, struct gf_slice b);
bool gf_slice_eq_str(struct gf_slice a, const char *s);
bool gf_slice_starts_with(struct gf_slice s, const char *prefix);
bool gf_slice_ends_with(struct gf_slice s, const char *suffix);
struct gf_slice gf_slice_sub(struct gf_slice s, size_t off, size_t len); /* clamped */
struct gf_slice gf_slice_trim(struct gf_slice s);                        /* ASCII space */
/* Index of the first c at or after `from`, or -1. */
long gf_slice_find(struct gf_slice s, char c, size_t from);
/* An owned NUL-terminated copy (gf_free), NULL on OOM with the gf_error set. */
char *gf_slice_dup(struct gf_slice s);
/* Parse the whole slice as a base-10 integer in [min, max]; GF_EINVALID otherwise (no error set:
 * the caller knows what the number was for). */
int gf_slice_to_i64(int64_t *out, struct gf_slice s, int64_t min, int64_t max);

#endif
