/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c: the replaceable allocator behind gf_malloc & co (common/alloc.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/banned.h"

static void *libc_malloc(size_t size, void *payload)
{
    (void)payload;
    return malloc(size);
}

static void *libc_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    return realloc(ptr, size);
}

static void libc_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

static const struct gf_allocator s_libc = {libc_malloc, libc_realloc, libc_free, NULL};
static const struct gf_allocator *s_alloc = &s_libc;

void gf_alloc_set(const struct gf_allocator *allocator)
{
    s_alloc = allocator ? allocator : &s_libc;
}

void *gf_malloc(size_t size)
{
    return s_alloc->malloc_fn(size ? size : 1, s_alloc->payload);
}

void *gf_calloc(size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size)
        return NULL;
    p = gf_malloc(count * size);
    if (p && count && size)
        memset(p, 0, count * size);
    return p;
}

void *gf_realloc(void *ptr, size_t size)
{
    return s_alloc->realloc_fn(ptr, size ? size : 1, s_alloc->payload);
}

void gf_free(void *ptr)
{
    if (ptr)
        s_alloc->free_fn(ptr, s_alloc->payload);
}

char *gf_strndup(const char *s, size_t len)
{
    char *p = gf_malloc(len + 1);

    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *gf_strdup(const char *s)
{
    if (!s)
        return NULL;
    return gf_strndup(s, strlen(s));
}

/* The failing allocator: counts calls, fails after `s_succeed` of them. */
static long s_succeed = -1;
static long s_calls;

static void *failing_malloc(size_t size, void *payload)
{
    long n = s_calls++;

    (void)payload;
    if (s_succeed >= 0 && n >= s_succeed)
        return NULL;
    return malloc(size);
}

static void *failing_realloc(void *ptr, size_t size, void *payload)
{
    long n = s_calls++;

    (void)payload;
    if (s_succeed >= 0 && n >= s_succeed)
        return NULL;
    return realloc(ptr, size);
}

static const struct gf_allocator s_failing = {failing_malloc, failing_realloc, libc_free, NULL};

void gf_alloc_failing_install(long succeed)
{
    s_succeed = succeed;
    s_calls = 0;
    gf_alloc_set(&s_failing);
}

long gf_alloc_failing_count(void)
{
    return s_calls;
}
