/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.h: the one allocator every gitfargate module uses.
 * The functions behind it can be replaced at run time (as sqlite3_config(SQLITE_CONFIG_MALLOC)
 * does), which is how tests inject allocation failures into parsers and the store. */
#ifndef GF_ALLOC_H
#define GF_ALLOC_H

#include <stddef.h>

struct gf_allocator {
    void *(*malloc_fn)(size_t size, void *payload);
    void *(*realloc_fn)(void *ptr, size_t size, void *payload);
    void (*free_fn)(void *ptr, void *payload);
    void *payload;
};

/* Replace the allocator (NULL restores the C library's). Not thread-safe: call it before any
 * thread starts, as tests do. */
void gf_alloc_set(const struct gf_allocator *allocator);

/* As malloc/calloc/realloc/free. They never set the gf_error; callers report gf_error_oom(). */
void *gf_malloc(size_t size);
void *gf_calloc(size_t count, size_t size);
void *gf_realloc(void *ptr, size_t size);
void gf_free(void *ptr);

/* Owned NUL-terminated copies; NULL on allocation failure (or when s is NULL for gf_strdup). */
char *gf_strdup(const char *s);
char *gf_strndup(const char *s, size_t len);

/* A test allocator that fails every call after the first `succeed` ones (succeed < 0: never).
 * gf_alloc_failing_install sets it; gf_alloc_failing_count tells how many calls were made. */
void gf_alloc_failing_install(long succeed);
long gf_alloc_failing_count(void);

#endif
