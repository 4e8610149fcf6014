/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.c: AWS Signature Version 4 (reference/aws-protocols.md §3, botocore auth.py SigV4Auth).
 * The canonicaliser, the signing-key cache, the client signer (header and presigned query) and
 * the server verifier that local-aws runs on every request; both sides share one canonicaliser. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/uri.h"
#include "common/banned.h"

/* ---- small helpers ------------------------------------------------------------------- */

static const char s_hex_lower[] = "0123456789abcdef";

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static void hex_encode(char *out, const unsigned char *in, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = s_hex_lower[in[i] >> 4];
        out[2 * i + 1] = s_hex_lower[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

/* Case-insensitive ASCII comparison of two slices; shorter first on a common prefix. */
static int slice_casecmp(struct gf_slice a, struct gf_slice b)
{
    size_t i, n = a.len < b.len ? a.len : b.len;

    for (i = 0; i < n; i++) {
        unsigned char x = lower((unsigned char)a.ptr[i]), y = lower((unsigned char)b.ptr[i]);

        if (x != y)
            return x < y ? -1 : 1;
    }
    return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1);
}

static bool slice_ieq(struct gf_slice a, const char *s)
{
    return slice_casecmp(a, gf_slice_from(s)) == 0;
}

/* Copy a slice into a fixed field; false when it does not fit. */
static bool copy_field(char *dst, size_t cap, struct gf_slice s)
{
    if (s.len >= cap)
        return false;
    memcpy(dst, s.ptr, s.len);
    dst[s.len] = '\0';
    return true;
}

/* ---- hashing ------------------------------------------------------------------------- */

int gf_sigv4_sha256_hex(char hex_out[65], const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return gf_error_set(GF_ERROR, "sha-256 failed in libcrypto");
    hex_encode(hex_out, md, 32);
    return 0;
}

static int hmac_sha256(unsigned char out[32], const void *key, size_t key_len, const void *data,
                       size_t len)
{
    unsigned int out_len = 0;

    if (key_len > (size_t)0x7fffffff)
        return gf_error_set(GF_EINVALID, "hmac key too long");
    if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len) || out_len != 32)
        return gf_error_set(GF_ERROR, "hmac-sha-256 failed in libcrypto");
    return 0;
}

/* ---- the signing-key cache ----------------------------------------------------------- */

#define KEY_CACHE_SLOTS 16

struct key_slot {
    bool used;
    unsigned char id[32];  /* salted SHA-256 of secret, date, region, service */
    unsigned char key[32]; /* kSigning */
};

static pthread_mutex_t s_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t s_salt_once = PTHREAD_ONCE_INIT;
static unsigned char s_salt[32];
static struct key_slot s_cache[KEY_CACHE_SLOTS];
static unsigned s_cache_next;

static void salt_init(void)
{
    /* Without randomness the id is an unsalted hash: still not the secret itself. */
    if (RAND_bytes(s_salt, sizeof(s_salt)) != 1)
        memset(s_salt, 0, sizeof(s_salt));
}

static int digest_parts(unsigned char id_out[32], const struct gf_slice *parts, size_t n)
{
    static const unsigned char sep = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok;
    size_t i;

    if (!ctx)
        return gf_error_oom();
    ok =
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, s_salt, sizeof(s_salt));
    for (i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len) && EVP_DigestUpdate(ctx, &sep, 1);
    ok = ok && EVP_DigestFinal_ex(ctx, id_out, &len) && len == 32;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : gf_error_set(GF_ERROR, "sha-256 failed in libcrypto");
}

static bool cache_get(unsigned char key_out[32], const unsigned char id[32])
{
    bool found = false;
    unsigned i;

    pthread_mutex_lock(&s_cache_lock);
    for (i = 0; i < KEY_CACHE_SLOTS && !found; i++) {
        if (s_cache[i].used && CRYPTO_memcmp(s_cache[i].id, id, 32) == 0) {
            memcpy(key_out, s_cache[i].key, 32);
            found = true;
        }
    }
    pthread_mutex_unlock(&s_cache_lock);
    return found;
}

static void cache_put(const unsigned char id[32], const unsigned char key[32])
{
    struct key_slot *slot;

    pthread_mutex_lock(&s_cache_lock);
    slot = &s_cache[s_cache_next];
    s_cache_next = (s_cache_next + 1) % KEY_CACHE_SLOTS;
    slot->used = true;
    memcpy(slot->id, id, 32);
    memcpy(slot->key, key, 32);
    pthread_mutex_unlock(&s_cache_lock);
}

static int derive_key(unsigned char key_out[32], struct gf_slice secret, struct gf_slice date8,
                      struct gf_slice region, struct gf_slice service)
{
    struct gf_buf k_secret = GF_BUF_INIT;
    unsigned char k[32];
    int rc;

    /* Size it once so no realloc leaves a copy of the secret behind. */
    rc = gf_buf_grow(&k_secret, secret.len + 4);
    if (rc < 0)
        goto out;
    gf_buf_puts(&k_secret, "AWS4");
    gf_buf_put_slice(&k_secret, secret);
    rc = hmac_sha256(k, k_secret.ptr, k_secret.len, date8.ptr, date8.len);
    if (rc == 0)
        rc = hmac_sha256(k, k, 32, region.ptr, region.len);
    if (rc == 0)
        rc = hmac_sha256(k, k, 32, service.ptr, service.len);
    if (rc == 0)
        rc = hmac_sha256(key_out, k, 32, "aws4_request", 12);
out:
    OPENSSL_cleanse(k, sizeof(k));
    gf_buf_release_secret(&k_secret);
    return rc;
}

int gf_sigv4_signing_key(unsigned char key_out[32], struct gf_slice secret, struct gf_slice date8,
                         struct gf_slice region, struct gf_slice service)
{
    struct gf_slice parts[4] = {secret, date8, region, service};
    unsigned char id[32];
    int rc;

    pthread_once(&s_salt_once, salt_init);
    rc = digest_parts(id, parts, 4);
    if (rc < 0)
        return rc;
    if (cache_get(key_out, id))
        return 0;
    rc = derive_key(key_out, secret, date8, region, service);
    if (rc < 0)
        return rc;
    cache_put(id, key_out);
    return 0;
}

int gf_sigv4_signature(char sig_out[65], const unsigned char key[32],
                       struct gf_slice string_to_sign)
{
    unsigned char mac[32];
    int rc;

    rc = hmac_sha256(mac, key, 32, string_to_sign.ptr, string_to_sign.len);
    if (rc < 0)
        return rc;
    hex_encode(sig_out, mac, 32);
    return 0;
}

/* ---- the canonicaliser --------------------------------------------------------------- */

/* RFC 3986 remove_dot_segments plus dropping empty segments, as botocore's
 * utils.remove_dot_segments: the result keeps a leading '/' and a trailing '/' (when segments
 * remain). Appends the normalised (still unencoded) path to out. */
static int normalize_path(struct gf_buf *out, struct gf_slice path)
{
    struct gf_slice *segs = NULL;
    size_t n = 0, i, start = 0, cap = 1;
    int rc = 0;

    for (i = 0; i < path.len; i++)
        cap += path.ptr[i] == '/';
    segs = gf_calloc(cap, sizeof(*segs));
    if (!segs)
        return gf_error_oom();
    for (i = 0; i <= path.len; i++) {
        struct gf_slice seg;

        if (i < path.len && path.ptr[i] != '/')
            continue;
        seg = gf_slice_make(path.ptr + start, i - start);
        start = i + 1;
        if (seg.len == 0 || gf_slice_eq_str(seg, "."))
            continue;
        if (gf_slice_eq_str(seg, "..")) {
            n -= n > 0;
            continue;
        }
        segs[n++] = seg;
    }
    if (path.ptr[0] == '/')
        gf_buf_putc(out, '/');
    for (i = 0; i < n; i++) {
        if (i > 0)
            gf_buf_putc(out, '/');
        gf_buf_put_slice(out, segs[i]);
    }
    if (path.ptr[path.len - 1] == '/' && n > 0)
        gf_buf_putc(out, '/');
    if (gf_buf_failed(out))
        rc = GF_ENOMEM;
    gf_free(segs);
    return rc;
}

int gf_sigv4_canonical_uri(struct gf_buf *out, struct gf_slice path, unsigned flags)
{
    struct gf_buf norm = GF_BUF_INIT;
    int rc;

    if (path.len == 0)
        return gf_buf_putc(out, '/');
    if (flags & GF_SIGV4_S3)
        return gf_buf_put_slice(out, path);
    if (flags & GF_SIGV4_NO_NORMALIZE)
        return gf_uri_encode(out, path, "/", 0);
    rc = normalize_path(&norm, path);
    if (rc == 0 && norm.len == 0)
        rc = gf_buf_putc(&norm, '/');
    if (rc == 0)
        rc = gf_uri_encode(out, gf_buf_slice(&norm), "/", 0);
    gf_buf_release(&norm);
    return rc;
}

struct query_pair {
    size_t key_off, key_len, val_off, val_len;
    struct gf_slice key, val; /* into the arena, set once it stops growing */
};

static int cmp_pair(const void *a, const void *b)
{
    const struct query_pair *x = a, *y = b;
    size_t n;
    int c;

    n = x->key.len < y->key.len ? x->key.len : y->key.len;
    c = memcmp(x->key.ptr, y->key.ptr, n);
    if (c || x->key.len != y->key.len)
        return c ? c : (x->key.len < y->key.len ? -1 : 1);
    n = x->val.len < y->val.len ? x->val.len : y->val.len;
    c = memcmp(x->val.ptr, y->val.ptr, n);
    if (c || x->val.len != y->val.len)
        return c ? c : (x->val.len < y->val.len ? -1 : 1);
    return 0;
}

/* Decode then re-encode one key or value into the arena; returns its offset via off_out. */
static int arena_put_canonical(struct gf_buf *arena, struct gf_buf *tmp, struct gf_slice s,
                               size_t *off_out, size_t *len_out)
{
    gf_buf_clear(tmp);
    if (gf_uri_decode(tmp, s, 0) < 0)
        return GF_ENOMEM;
    *off_out = arena->len;
    if (gf_uri_encode(arena, gf_buf_slice(tmp), NULL, 0) < 0)
        return GF_ENOMEM;
    *len_out = arena->len - *off_out;
    return 0;
}

static bool is_signature_key(struct gf_slice raw_key)
{
    return gf_slice_eq_str(raw_key, "X-Amz-Signature");
}

/* Split the query into canonical pairs in the arena; pairs_out is owned by the caller. */
static int query_pairs(struct query_pair **pairs_out, size_t *n_out, struct gf_buf *arena,
                       struct gf_slice query, unsigned flags)
{
    struct gf_buf tmp = GF_BUF_INIT;
    struct query_pair *pairs = NULL;
    size_t cap = 1, n = 0, i, start = 0;
    int rc = 0;

    for (i = 0; i < query.len; i++)
        cap += query.ptr[i] == '&';
    pairs = gf_calloc(cap, sizeof(*pairs));
    if (!pairs)
        return gf_error_oom();
    for (i = 0; i <= query.len && rc == 0; i++) {
        struct gf_slice piece, key, val = GF_SLICE_INIT;
        long eq;

        if (i < query.len && query.ptr[i] != '&')
            continue;
        piece = gf_slice_make(query.ptr + start, i - start);
        start = i + 1;
        if (piece.len == 0)
            continue;
        eq = gf_slice_find(piece, '=', 0);
        key = eq < 0 ? piece : gf_slice_sub(piece, 0, (size_t)eq);
        if (eq >= 0)
            val = gf_slice_sub(piece, (size_t)eq + 1, piece.len);
        if ((flags & GF_SIGV4_PRESIGNED) && is_signature_key(key))
            continue;
        rc = arena_put_canonical(arena, &tmp, key, &pairs[n].key_off, &pairs[n].key_len);
        if (rc == 0)
            rc = arena_put_canonical(arena, &tmp, val, &pairs[n].val_off, &pairs[n].val_len);
        n++;
    }
    gf_buf_release(&tmp);
    if (rc < 0) {
        gf_free(pairs);
        return gf_error_oom();
    }
    *pairs_out = pairs;
    *n_out = n;
    return 0;
}

int gf_sigv4_canonical_query(struct gf_buf *out, struct gf_slice query, unsigned flags)
{
    struct gf_buf arena = GF_BUF_INIT;
    struct query_pair *pairs = NULL;
    size_t n = 0, i;
    int rc;

    rc = query_pairs(&pairs, &n, &arena, query, flags);
    if (rc < 0)
        goto out;
    for (i = 0; i < n; i++) {
        pairs[i].key = gf_slice_make(arena.ptr + pairs[i].key_off, pairs[i].key_len);
        pairs[i].val = gf_slice_make(arena.ptr + pairs[i].val_off, pairs[i].val_len);
    }
    if (n > 1)
        qsort(pairs, n, sizeof(*pairs), cmp_pair);
    for (i = 0; i < n; i++) {
        if (i > 0)
            gf_buf_putc(out, '&');
        gf_buf_put_slice(out, pairs[i].key);
        gf_buf_putc(out, '=');
        gf_buf_put_slice(out, pairs[i].val);
    }
    rc = gf_buf_failed(out) ? GF_ENOMEM : 0;
out:
    gf_free(pairs);
    gf_buf_release(&arena);
    return rc;
}

/* Append a value trimmed, with every inner run of whitespace collapsed to one space. */
static void put_collapsed(struct gf_buf *out, struct gf_slice v)
{
    bool pending_space = false, any = false;
    size_t i;

    for (i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];

        if (is_space(c)) {
            pending_space = any;
            continue;
        }
        if (pending_space)
            gf_buf_putc(out, ' ');
        pending_space = false;
        any = true;
        gf_buf_putc(out, (char)c);
    }
}

static void put_header_line(struct gf_buf *out, const struct gf_sigv4_header *headers,
                            size_t n_headers, struct gf_slice name)
{
    bool first = true;
    size_t i, j;

    for (j = 0; j < name.len; j++)
        gf_buf_putc(out, (char)lower((unsigned char)name.ptr[j]));
    gf_buf_putc(out, ':');
    for (i = 0; i < n_headers; i++) {
        if (slice_casecmp(gf_slice_trim(headers[i].name), name) != 0)
            continue;
        if (!first)
            gf_buf_putc(out, ',');
        put_collapsed(out, headers[i].value);
        first = false;
    }
    gf_buf_putc(out, '\n');
}

int gf_sigv4_canonical_headers(struct gf_buf *out, const struct gf_sigv4_header *headers,
                               size_t n_headers, struct gf_slice signed_headers)
{
    size_t i, start = 0;

    for (i = 0; i <= signed_headers.len; i++) {
        struct gf_slice name;

        if (i < signed_headers.len && signed_headers.ptr[i] != ';')
            continue;
        name = gf_slice_make(signed_headers.ptr + start, i - start);
        start = i + 1;
        if (name.len)
            put_header_line(out, headers, n_headers, name);
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_sigv4_canonical_request(struct gf_buf *out, const struct gf_sigv4_request *req,
                               struct gf_slice signed_headers, struct gf_slice payload_hash,
                               unsigned flags)
{
    gf_buf_put_slice(out, req->method);
    gf_buf_putc(out, '\n');
    if (gf_sigv4_canonical_uri(out, req->path, flags) < 0)
        return GF_ENOMEM;
    gf_buf_putc(out, '\n');
    if (gf_sigv4_canonical_query(out, req->query, flags) < 0)
        return GF_ENOMEM;
    gf_buf_putc(out, '\n');
    if (gf_sigv4_canonical_headers(out, req->headers, req->n_headers, signed_headers) < 0)
        return GF_ENOMEM;
    gf_buf_putc(out, '\n');
    gf_buf_put_slice(out, signed_headers);
    gf_buf_putc(out, '\n');
    gf_buf_put_slice(out, payload_hash);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

int gf_sigv4_string_to_sign(struct gf_buf *out, struct gf_slice amz_date, struct gf_slice scope,
                            struct gf_slice canonical_request)
{
    char hash[65];
    int rc;

    rc = gf_sigv4_sha256_hex(hash, canonical_request.ptr, canonical_request.len);
    if (rc < 0)
        return rc;
    gf_buf_printf(out, GF_SIGV4_ALGORITHM "\n%.*s\n%.*s\n%s", GF_SLICE_FMT(amz_date),
                  GF_SLICE_FMT(scope), hash);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* ---- the client ---------------------------------------------------------------------- */

static const char *const s_unsigned_headers[] = {
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

bool gf_sigv4_header_signable(struct gf_slice name)
{
    size_t i;

    name = gf_slice_trim(name);
    for (i = 0; i < sizeof(s_unsigned_headers) / sizeof(s_unsigned_headers[0]); i++) {
        if (slice_ieq(name, s_unsigned_headers[i]))
            return false;
    }
    return name.len > 0;
}

void gf_sigv4_signed_init(struct gf_sigv4_signed *s)
{
    memset(s, 0, sizeof(*s));
    gf_buf_init(&s->scope, 0);
    gf_buf_init(&s->signed_headers, 0);
    gf_buf_init(&s->canonical_request, 0);
    gf_buf_init(&s->string_to_sign, 0);
    gf_buf_init(&s->authorization, 0);
    gf_buf_init(&s->query, 0);
}

void gf_sigv4_signed_release(struct gf_sigv4_signed *s)
{
    gf_buf_release(&s->scope);
    gf_buf_release(&s->signed_headers);
    gf_buf_release_secret(&s->canonical_request);
    gf_buf_release(&s->string_to_sign);
    gf_buf_release_secret(&s->authorization);
    gf_buf_release_secret(&s->query);
    gf_sigv4_signed_init(s);
}

static int cmp_name(const void *a, const void *b)
{
    return slice_casecmp(*(const struct gf_slice *)a, *(const struct gf_slice *)b);
}

/* The sorted, lowercase, de-duplicated list of signable header names. */
static int build_signed_headers(struct gf_buf *out, const struct gf_sigv4_header *headers, size_t n)
{
    struct gf_slice *names = NULL;
    size_t i, j, k = 0;

    names = gf_calloc(n ? n : 1, sizeof(*names));
    if (!names)
        return gf_error_oom();
    for (i = 0; i < n; i++) {
        if (gf_sigv4_header_signable(headers[i].name))
            names[k++] = gf_slice_trim(headers[i].name);
    }
    qsort(names, k, sizeof(*names), cmp_name);
    for (i = 0; i < k; i++) {
        if (i > 0 && slice_casecmp(names[i], names[i - 1]) == 0)
            continue;
        if (out->len)
            gf_buf_putc(out, ';');
        for (j = 0; j < names[i].len; j++)
            gf_buf_putc(out, (char)lower((unsigned char)names[i].ptr[j]));
    }
    gf_free(names);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

static bool has_header(const struct gf_sigv4_request *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->n_headers; i++) {
        if (slice_ieq(gf_slice_trim(req->headers[i].name), name))
            return true;
    }
    return false;
}

static int check_params(const struct gf_sigv4_request *req, const struct gf_sigv4_params *p)
{
    static const char *const owned[] = {"x-amz-date", "authorization", "x-amz-security-token",
                                        "x-amz-content-sha256"};
    size_t i;

    if (!p->creds || !p->creds->access_key_id.len || !p->creds->secret_access_key.len)
        return gf_error_set(GF_EINVALID, "no credentials to sign with");
    if (!p->region.len || !p->service.len)
        return gf_error_set(GF_EINVALID, "no region or service to sign for");
    if (p->payload_hash.len > 64)
        return gf_error_set(GF_EINVALID, "payload hash '%.*s' is not a sha-256",
                            GF_SLICE_FMT(p->payload_hash));
    if (!has_header(req, "host") && !p->host.len)
        return gf_error_set(GF_EINVALID, "no host to sign: the request has no 'Host' header");
    for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
        if (has_header(req, owned[i]))
            return gf_error_set(GF_EINVALID, "request already has a '%s' header", owned[i]);
    }
    return 0;
}

static int payload_hash(char out[65], const struct gf_sigv4_request *req,
                        const struct gf_sigv4_params *p)
{
    if (p->flags & GF_SIGV4_UNSIGNED_BODY) {
        memcpy(out, GF_SIGV4_UNSIGNED_PAYLOAD, sizeof(GF_SIGV4_UNSIGNED_PAYLOAD));
        return 0;
    }
    if (p->payload_hash.len) {
        memcpy(out, p->payload_hash.ptr, p->payload_hash.len);
        out[p->payload_hash.len] = '\0';
        return 0;
    }
    return gf_sigv4_sha256_hex(out, req->body.ptr, req->body.len);
}

/* The request's headers plus room for up to `extra` more (owned array, gf_free). */
static struct gf_sigv4_header *headers_plus(const struct gf_sigv4_request *req, size_t extra)
{
    struct gf_sigv4_header *all = gf_calloc(req->n_headers + extra, sizeof(*all));

    if (!all) {
        gf_error_oom();
        return NULL;
    }
    if (req->n_headers)
        memcpy(all, req->headers, req->n_headers * sizeof(*all));
    return all;
}

static void add_header(struct gf_sigv4_header *all, size_t *n, const char *name,
                       struct gf_slice value)
{
    all[*n].name = gf_slice_from(name);
    all[*n].value = value;
    (*n)++;
}

/* Everything both signing modes share: date, scope, payload hash. */
static int sign_prepare(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                        const struct gf_sigv4_params *p)
{
    int rc;

    gf_sigv4_signed_release(out);
    rc = check_params(req, p);
    if (rc < 0)
        return rc;
    gf_time_amz(out->amz_date, sizeof(out->amz_date), p->time_ms);
    gf_buf_printf(&out->scope, "%.8s/%.*s/%.*s/aws4_request", out->amz_date,
                  GF_SLICE_FMT(p->region), GF_SLICE_FMT(p->service));
    if (gf_buf_failed(&out->scope))
        return gf_error_oom();
    return payload_hash(out->payload_hash, req, p);
}

/* Canonical request, string to sign and signature for `signing` (the request as signed). */
static int sign_finish(struct gf_sigv4_signed *out, const struct gf_sigv4_request *signing,
                       const struct gf_sigv4_params *p)
{
    unsigned char key[32];
    unsigned flags = p->flags & (GF_SIGV4_S3 | GF_SIGV4_NO_NORMALIZE);
    int rc;

    rc = gf_sigv4_canonical_request(&out->canonical_request, signing,
                                    gf_buf_slice(&out->signed_headers),
                                    gf_slice_from(out->payload_hash), flags);
    if (rc == 0)
        rc = gf_sigv4_string_to_sign(&out->string_to_sign, gf_slice_from(out->amz_date),
                                     gf_buf_slice(&out->scope),
                                     gf_buf_slice(&out->canonical_request));
    if (rc == 0)
        rc = gf_sigv4_signing_key(key, p->creds->secret_access_key, gf_slice_make(out->amz_date, 8),
                                  p->region, p->service);
    if (rc == 0)
        rc = gf_sigv4_signature(out->signature, key, gf_buf_slice(&out->string_to_sign));
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

static void list_added(struct gf_sigv4_signed *out, const struct gf_sigv4_params *p,
                       bool content_sha)
{
    out->n_add = 0;
    out->add[out->n_add++] =
        (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Date"), gf_slice_from(out->amz_date)};
    if (p->creds->session_token.len)
        out->add[out->n_add++] =
            (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Security-Token"), p->creds->session_token};
    if (content_sha)
        out->add[out->n_add++] = (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Content-SHA256"),
                                                          gf_slice_from(out->payload_hash)};
    out->add[out->n_add++] =
        (struct gf_sigv4_header){GF_SLICE_LIT("Authorization"), gf_buf_slice(&out->authorization)};
}

int gf_sigv4_sign(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                  const struct gf_sigv4_params *p)
{
    struct gf_sigv4_header *all = NULL;
    struct gf_sigv4_request signing = *req;
    bool content_sha = p->flags & (GF_SIGV4_S3 | GF_SIGV4_CONTENT_SHA256);
    size_t n;
    int rc;

    rc = sign_prepare(out, req, p);
    if (rc < 0)
        goto out;
    all = headers_plus(req, 4);
    if (!all) {
        rc = GF_ENOMEM;
        goto out;
    }
    n = req->n_headers;
    add_header(all, &n, "X-Amz-Date", gf_slice_from(out->amz_date));
    if (p->creds->session_token.len && !(p->flags & GF_SIGV4_OMIT_SESSION_TOKEN))
        add_header(all, &n, "X-Amz-Security-Token", p->creds->session_token);
    if (content_sha)
        add_header(all, &n, "X-Amz-Content-SHA256", gf_slice_from(out->payload_hash));
    if (!has_header(req, "host"))
        add_header(all, &n, "Host", p->host);
    signing.headers = all;
    signing.n_headers = n;
    rc = build_signed_headers(&out->signed_headers, all, n);
    if (rc == 0)
        rc = sign_finish(out, &signing, p);
    if (rc < 0)
        goto out;
    gf_buf_printf(&out->authorization,
                  GF_SIGV4_ALGORITHM " Credential=%.*s/%s, SignedHeaders=%s, Signature=%s",
                  GF_SLICE_FMT(p->creds->access_key_id), out->scope.ptr, out->signed_headers.ptr,
                  out->signature);
    if (gf_buf_failed(&out->authorization)) {
        rc = gf_error_oom();
        goto out;
    }
    list_added(out, p, content_sha);
out:
    gf_free(all);
    if (rc < 0)
        gf_sigv4_signed_release(out);
    return rc;
}

static void put_param(struct gf_buf *q, const char *name, struct gf_slice value)
{
    if (q->len)
        gf_buf_putc(q, '&');
    gf_buf_puts(q, name);
    gf_buf_putc(q, '=');
    gf_uri_encode(q, value, NULL, 0);
}

static int presign_query(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                         const struct gf_sigv4_params *p)
{
    struct gf_buf cred = GF_BUF_INIT;
    char expires[24];

    gf_buf_printf(&cred, "%.*s/%s", GF_SLICE_FMT(p->creds->access_key_id), out->scope.ptr);
    snprintf(expires, sizeof(expires), "%lld", (long long)p->expires_s);
    gf_buf_put_slice(&out->query, req->query);
    put_param(&out->query, "X-Amz-Algorithm", GF_SLICE_LIT(GF_SIGV4_ALGORITHM));
    put_param(&out->query, "X-Amz-Credential", gf_buf_slice(&cred));
    put_param(&out->query, "X-Amz-Date", gf_slice_from(out->amz_date));
    put_param(&out->query, "X-Amz-Expires", gf_slice_from(expires));
    put_param(&out->query, "X-Amz-SignedHeaders", gf_buf_slice(&out->signed_headers));
    if (p->creds->session_token.len && !(p->flags & GF_SIGV4_OMIT_SESSION_TOKEN))
        put_param(&out->query, "X-Amz-Security-Token", p->creds->session_token);
    gf_buf_release(&cred);
    if (gf_buf_failed(&out->query) || gf_buf_failed(&cred))
        return gf_error_oom();
    return 0;
}

int gf_sigv4_presign(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                     const struct gf_sigv4_params *p)
{
    struct gf_sigv4_header *all = NULL;
    struct gf_sigv4_request signing = *req;
    size_t n;
    int rc;

    if (p->expires_s < 1 || p->expires_s > GF_SIGV4_MAX_EXPIRES_S)
        return gf_error_set(GF_EINVALID, "presigned expiry %lld s is outside 1..%d",
                            (long long)p->expires_s, GF_SIGV4_MAX_EXPIRES_S);
    rc = sign_prepare(out, req, p);
    if (rc < 0)
        goto out;
    all = headers_plus(req, 1);
    if (!all) {
        rc = GF_ENOMEM;
        goto out;
    }
    n = req->n_headers;
    if (!has_header(req, "host"))
        add_header(all, &n, "Host", p->host);
    signing.headers = all;
    signing.n_headers = n;
    rc = build_signed_headers(&out->signed_headers, all, n);
    if (rc == 0)
        rc = presign_query(out, req, p);
    if (rc < 0)
        goto out;
    signing.query = gf_buf_slice(&out->query);
    rc = sign_finish(out, &signing, p);
    if (rc < 0)
        goto out;
    if (p->creds->session_token.len && (p->flags & GF_SIGV4_OMIT_SESSION_TOKEN))
        put_param(&out->query, "X-Amz-Security-Token", p->creds->session_token);
    put_param(&out->query, "X-Amz-Signature", gf_slice_from(out->signature));
    if (gf_buf_failed(&out->query))
        rc = gf_error_oom();
out:
    gf_free(all);
    if (rc < 0)
        gf_sigv4_signed_release(out);
    return rc;
}

static int url_default_port(struct gf_slice *rest, const char *url)
{
    struct gf_slice u = gf_slice_from(url);

    if (u.len >= 7 && slice_ieq(gf_slice_sub(u, 0, 7), "http://")) {
        *rest = gf_slice_sub(u, 7, u.len);
        return 80;
    }
    if (u.len >= 8 && slice_ieq(gf_slice_sub(u, 0, 8), "https://")) {
        *rest = gf_slice_sub(u, 8, u.len);
        return 443;
    }
    return -1;
}

int gf_sigv4_host_from_url(struct gf_buf *out, const char *url)
{
    struct gf_slice rest, host, port = GF_SLICE_INIT;
    int64_t port_num = 0;
    int def;
    size_t i, end = 0;
    long at = -1, colon = -1;

    def = url_default_port(&rest, url);
    if (def < 0)
        return gf_error_set(GF_EINVALID, "'%s' is not an http or https URL", url);
    while (end < rest.len && rest.ptr[end] != '/' && rest.ptr[end] != '?' && rest.ptr[end] != '#')
        end++;
    for (i = 0; i < end; i++) {
        if (rest.ptr[i] == '@')
            at = (long)i;
    }
    host = gf_slice_sub(rest, (size_t)(at + 1), end - (size_t)(at + 1));
    for (i = 0; i < host.len; i++) {
        if (host.ptr[i] == ':')
            colon = (long)i;
        else if (host.ptr[i] == ']')
            colon = -1; /* a ':' inside an IPv6 literal is not the port */
    }
    if (colon >= 0) {
        port = gf_slice_sub(host, (size_t)colon + 1, host.len);
        host = gf_slice_sub(host, 0, (size_t)colon);
    }
    if (!host.len || (port.len && gf_slice_to_i64(&port_num, port, 0, 65535) < 0))
        return gf_error_set(GF_EINVALID, "URL '%s' has no valid host and port", url);
    for (i = 0; i < host.len; i++)
        gf_buf_putc(out, (char)lower((unsigned char)host.ptr[i]));
    if (port.len && port_num != def)
        gf_buf_printf(out, ":%lld", (long long)port_num);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* ---- the server ---------------------------------------------------------------------- */

/* The pieces of a signature, from the Authorization header or the presigned query. */
struct auth_parts {
    struct gf_slice algorithm, credential, signed_headers, signature, amz_date, token;
    struct gf_slice expires; /* presigned only */
    struct gf_buf q_algorithm, q_credential, q_date, q_expires, q_signed, q_signature, q_token;
};

static void auth_parts_init(struct auth_parts *a)
{
    memset(a, 0, sizeof(*a));
    gf_buf_init(&a->q_algorithm, 4096);
    gf_buf_init(&a->q_credential, 4096);
    gf_buf_init(&a->q_date, 4096);
    gf_buf_init(&a->q_expires, 4096);
    gf_buf_init(&a->q_signed, 4096);
    gf_buf_init(&a->q_signature, 4096);
    gf_buf_init(&a->q_token, 0);
}

static void auth_parts_release(struct auth_parts *a)
{
    gf_buf_release(&a->q_algorithm);
    gf_buf_release(&a->q_credential);
    gf_buf_release(&a->q_date);
    gf_buf_release(&a->q_expires);
    gf_buf_release(&a->q_signed);
    gf_buf_release(&a->q_signature);
    gf_buf_release_secret(&a->q_token);
}

static int auth_fail(const char *aws_code, int http_status, const char *fmt, ...) GF_PRINTF(3, 4);

static int auth_fail(const char *aws_code, int http_status, const char *fmt, ...)
{
    char msg[480];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_error_set(GF_EAUTH, "%s", msg);
    gf_error_aws(aws_code, NULL, http_status);
    return GF_EAUTH;
}

/* A malformed signature: the code depends on where it was and on the service. */
static int garbled(const struct gf_sigv4_identity *id, const char *fmt, ...) GF_PRINTF(2, 3);

static int garbled(const struct gf_sigv4_identity *id, const char *fmt, ...)
{
    const char *code = "IncompleteSignature";
    char msg[480];
    va_list ap;

    if (id->s3)
        code = id->presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed";
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return auth_fail(code, 400, "%s", msg);
}

/* First header named `name` (any case), trimmed; false when absent. */
static bool find_header(struct gf_slice *out, const struct gf_sigv4_request *req, const char *name,
                        size_t *count_out)
{
    size_t i, count = 0;

    for (i = 0; i < req->n_headers; i++) {
        if (!slice_ieq(gf_slice_trim(req->headers[i].name), name))
            continue;
        if (count++ == 0)
            *out = gf_slice_trim(req->headers[i].value);
    }
    if (count_out)
        *count_out = count;
    return count > 0;
}

/* The decoded value of query parameter `name` into buf; false when absent. */
static bool find_query(struct gf_buf *buf, struct gf_slice query, const char *name)
{
    size_t i, start = 0;

    for (i = 0; i <= query.len; i++) {
        struct gf_slice piece, key;
        long eq;

        if (i < query.len && query.ptr[i] != '&')
            continue;
        piece = gf_slice_make(query.ptr + start, i - start);
        start = i + 1;
        eq = gf_slice_find(piece, '=', 0);
        key = eq < 0 ? piece : gf_slice_sub(piece, 0, (size_t)eq);
        if (!gf_slice_eq_str(key, name))
            continue;
        gf_buf_clear(buf);
        if (eq >= 0)
            gf_uri_decode(buf, gf_slice_sub(piece, (size_t)eq + 1, piece.len), 0);
        return true;
    }
    return false;
}

/* "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." */
static void parse_auth_header(struct auth_parts *a, struct gf_slice v)
{
    long sp = gf_slice_find(v, ' ', 0);
    size_t i, start;

    a->algorithm = sp < 0 ? v : gf_slice_sub(v, 0, (size_t)sp);
    if (sp < 0)
        return;
    start = (size_t)sp + 1;
    for (i = start; i <= v.len; i++) {
        struct gf_slice item;

        if (i < v.len && v.ptr[i] != ',')
            continue;
        item = gf_slice_trim(gf_slice_make(v.ptr + start, i - start));
        start = i + 1;
        if (gf_slice_starts_with(item, "Credential="))
            a->credential = gf_slice_sub(item, 11, item.len);
        else if (gf_slice_starts_with(item, "SignedHeaders="))
            a->signed_headers = gf_slice_sub(item, 14, item.len);
        else if (gf_slice_starts_with(item, "Signature="))
            a->signature = gf_slice_sub(item, 10, item.len);
    }
}

/* Set id->s3 from the credential's service early, so even a garbled request gets S3's codes. */
static void peek_s3(struct gf_sigv4_identity *id, struct gf_slice cred)
{
    id->s3 = gf_slice_ends_with(cred, "/s3/aws4_request");
}

/* An HTTP date, "Mon, 09 Sep 2011 23:36:00 GMT" (RFC 7231 IMF-fixdate), as the basic ISO 8601
 * form "20110909T233600Z" into out. Returns 0 or GF_EINVALID. */
static int http_date_to_amz(struct gf_buf *out, struct gf_slice d)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const unsigned char digits[] = {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24};
    size_t m;
    size_t i;

    if (d.len != 29 || d.ptr[3] != ',' || d.ptr[4] != ' ' || d.ptr[7] != ' ' ||
        d.ptr[11] != ' ' || d.ptr[16] != ' ' || d.ptr[19] != ':' || d.ptr[22] != ':' ||
        !gf_slice_eq_str(gf_slice_sub(d, 25, 4), " GMT"))
        return GF_EINVALID;
    for (m = 0; m < 12 && memcmp(months + 3 * m, d.ptr + 8, 3) != 0; m++)
        ;
    if (m == 12)
        return GF_EINVALID;
    for (i = 0; i < sizeof(digits); i++) {
        if (d.ptr[digits[i]] < '0' || d.ptr[digits[i]] > '9')
            return GF_EINVALID;
    }
    gf_buf_clear(out);
    gf_buf_printf(out, "%.4s%02zu%.2sT%.2s%.2s%.2sZ", d.ptr + 12, m + 1, d.ptr + 5, d.ptr + 17,
                  d.ptr + 20, d.ptr + 23);
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

/* No X-Amz-Date: AWS takes the signing time from the Date header, in the basic ISO 8601 form or
 * as an HTTP date (the original aws4_testsuite signs that way). a->q_date holds the conversion;
 * query auth, which also uses it, never reaches here. */
static int date_header_fallback(struct auth_parts *a, struct gf_sigv4_identity *id,
                                const struct gf_sigv4_request *req)
{
    struct gf_slice date = GF_SLICE_INIT;
    size_t n_date = 0;
    int rc;

    find_header(&date, req, "date", &n_date);
    if (n_date != 1)
        return garbled(id, "request needs exactly one '%s' header", "X-Amz-Date");
    if (date.len == 16 && date.ptr[8] == 'T') {
        a->amz_date = date;
        return 0;
    }
    rc = http_date_to_amz(&a->q_date, date);
    if (rc == GF_ENOMEM)
        return rc;
    if (rc < 0)
        return garbled(id, "'Date' is not %s", "an HTTP date (Mon, 09 Sep 2011 23:36:00 GMT)");
    a->amz_date = gf_buf_slice(&a->q_date);
    return 0;
}

static int collect_header_auth(struct auth_parts *a, struct gf_sigv4_identity *id,
                               const struct gf_sigv4_request *req, struct gf_slice auth,
                               size_t n_auth)
{
    size_t n_date = 0;

    if (n_auth > 1)
        return garbled(id, "request has %s 'Authorization' headers", "several");
    parse_auth_header(a, auth);
    peek_s3(id, a->credential);
    find_header(&a->amz_date, req, "x-amz-date", &n_date);
    find_header(&a->token, req, "x-amz-security-token", NULL);
    if (!a->credential.len)
        return garbled(id, "'Authorization' header lacks '%s'", "Credential");
    if (!a->signed_headers.len)
        return garbled(id, "'Authorization' header lacks '%s'", "SignedHeaders");
    if (!a->signature.len)
        return garbled(id, "'Authorization' header lacks '%s'", "Signature");
    if (n_date == 0)
        return date_header_fallback(a, id, req);
    if (n_date != 1)
        return garbled(id, "request needs exactly one '%s' header", "X-Amz-Date");
    return 0;
}

static int collect_query_auth(struct auth_parts *a, struct gf_sigv4_identity *id, struct gf_slice q)
{
    static const char *const names[] = {"X-Amz-Algorithm",     "X-Amz-Credential",
                                        "X-Amz-Date",          "X-Amz-Expires",
                                        "X-Amz-SignedHeaders", "X-Amz-Signature"};
    struct gf_buf *bufs[] = {&a->q_algorithm, &a->q_credential, &a->q_date,
                             &a->q_expires,   &a->q_signed,     &a->q_signature};
    struct gf_slice *slots[] = {&a->algorithm, &a->credential,     &a->amz_date,
                                &a->expires,   &a->signed_headers, &a->signature};
    size_t i;

    id->presigned = true;
    if (find_query(&a->q_credential, q, "X-Amz-Credential"))
        peek_s3(id, gf_buf_slice(&a->q_credential));
    for (i = 0; i < 6; i++) {
        if (!find_query(bufs[i], q, names[i]) || !bufs[i]->len)
            return garbled(id, "presigned request lacks the '%s' query parameter", names[i]);
        if (gf_buf_failed(bufs[i]))
            return gf_error_oom();
        *slots[i] = gf_buf_slice(bufs[i]);
    }
    if (find_query(&a->q_token, q, "X-Amz-Security-Token")) {
        if (gf_buf_failed(&a->q_token))
            return gf_error_oom();
        a->token = gf_buf_slice(&a->q_token);
    }
    return 0;
}

/* "AKID/20150830/us-east-1/service/aws4_request" into the identity. */
static int parse_credential(struct gf_sigv4_identity *id, struct gf_slice cred)
{
    struct gf_slice parts[5];
    size_t n = 0, i, start = 0;

    for (i = 0; i <= cred.len && n <= 5; i++) {
        if (i < cred.len && cred.ptr[i] != '/')
            continue;
        if (n < 5)
            parts[n] = gf_slice_make(cred.ptr + start, i - start);
        n++;
        start = i + 1;
    }
    if (n == 5 && gf_slice_eq_str(parts[3], "s3"))
        id->s3 = true;
    if (n != 5 || !parts[0].len || parts[1].len != 8 || !parts[2].len || !parts[3].len ||
        !gf_slice_eq_str(parts[4], "aws4_request"))
        return garbled(id, "credential is not %s",
                       "<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request");
    if (!copy_field(id->access_key_id, sizeof(id->access_key_id), parts[0]) ||
        !copy_field(id->date8, sizeof(id->date8), parts[1]) ||
        !copy_field(id->region, sizeof(id->region), parts[2]) ||
        !copy_field(id->service, sizeof(id->service), parts[3]))
        return garbled(id, "credential %s is too long", "scope");
    return 0;
}

static bool signed_list_has(struct gf_slice list, const char *name)
{
    size_t i, start = 0;

    for (i = 0; i <= list.len; i++) {
        if (i < list.len && list.ptr[i] != ';')
            continue;
        if (gf_slice_eq_str(gf_slice_make(list.ptr + start, i - start), name))
            return true;
        start = i + 1;
    }
    return false;
}

/* "20150830T123600Z" to epoch ms. */
static int parse_amz_date(int64_t *out_ms, struct gf_slice d)
{
    char iso[32];
    size_t i;

    if (d.len != 16 || d.ptr[8] != 'T' || d.ptr[15] != 'Z')
        return GF_EINVALID;
    for (i = 0; i < 15; i++) {
        if (i != 8 && (d.ptr[i] < '0' || d.ptr[i] > '9'))
            return GF_EINVALID;
    }
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d.ptr, d.ptr + 4, d.ptr + 6,
             d.ptr + 9, d.ptr + 11, d.ptr + 13);
    return gf_time_parse_iso8601(out_ms, iso);
}

static int check_skew(const struct gf_sigv4_identity *id, int64_t signed_ms, int64_t now_ms,
                      int64_t max_skew_ms)
{
    char now[17], bound[17];
    long long minutes = (long long)(max_skew_ms / 60000);

    gf_time_amz(now, sizeof(now), now_ms);
    if (signed_ms < now_ms - max_skew_ms) {
        gf_time_amz(bound, sizeof(bound), now_ms - max_skew_ms);
        if (id->s3)
            return auth_fail("RequestTimeTooSkewed", 403,
                             "request time %s is more than %lld min before the server time %s",
                             id->amz_date, minutes, now);
        return auth_fail("SignatureDoesNotMatch", 403,
                         "signature expired: %s is now earlier than %s (%s - %lld min.)",
                         id->amz_date, bound, now, minutes);
    }
    if (signed_ms > now_ms + max_skew_ms) {
        gf_time_amz(bound, sizeof(bound), now_ms + max_skew_ms);
        if (id->s3)
            return auth_fail("RequestTimeTooSkewed", 403,
                             "request time %s is more than %lld min after the server time %s",
                             id->amz_date, minutes, now);
        return auth_fail("SignatureDoesNotMatch", 403,
                         "signature not yet current: %s is still later than %s (%s + %lld min.)",
                         id->amz_date, bound, now, minutes);
    }
    return 0;
}

static int check_presign_expiry(const struct gf_sigv4_identity *id, struct gf_slice expires,
                                int64_t signed_ms, int64_t now_ms, int64_t max_skew_ms)
{
    int64_t secs = 0;

    if (gf_slice_to_i64(&secs, expires, 1, GF_SIGV4_MAX_EXPIRES_S) < 0)
        return garbled(id, "'X-Amz-Expires' must be %s", "1..604800 seconds");
    if (now_ms > signed_ms + secs * 1000)
        return auth_fail(id->s3 ? "AccessDenied" : "RequestExpired", 403,
                         "presigned request expired: signed %s for %lld s", id->amz_date,
                         (long long)secs);
    if (signed_ms > now_ms + max_skew_ms)
        return check_skew(id, signed_ms, now_ms, max_skew_ms);
    return 0;
}

/* Scope and time: algorithm, the scope date against X-Amz-Date, region, clock. */
static int check_scope(struct gf_sigv4_identity *id, const struct auth_parts *a,
                       const struct gf_sigv4_verify_opts *opts)
{
    int64_t signed_ms = 0, now_ms,
            skew = opts->max_skew_ms ? opts->max_skew_ms : GF_SIGV4_MAX_SKEW_MS;

    if (!gf_slice_eq_str(a->algorithm, GF_SIGV4_ALGORITHM))
        return garbled(id, "unsupported signing algorithm: only %s", GF_SIGV4_ALGORITHM);
    if (!copy_field(id->amz_date, sizeof(id->amz_date), a->amz_date) ||
        parse_amz_date(&signed_ms, a->amz_date) < 0)
        return garbled(id, "'X-Amz-Date' is not %s", "YYYYMMDDTHHMMSSZ");
    if (memcmp(id->date8, id->amz_date, 8) != 0)
        return auth_fail("SignatureDoesNotMatch", 403,
                         "credential date %s does not match 'X-Amz-Date' %s", id->date8,
                         id->amz_date);
    if (opts->region && strcmp(opts->region, id->region) != 0)
        return auth_fail(id->s3 ? "AuthorizationHeaderMalformed" : "SignatureDoesNotMatch",
                         id->s3 ? 400 : 403, "credential should be scoped to region '%s', not '%s'",
                         opts->region, id->region);
    if (!signed_list_has(a->signed_headers, "host"))
        return garbled(id, "'%s' must be a signed header", "host");
    now_ms = gf_clock_wall_ms(opts->clock);
    if (id->presigned)
        return check_presign_expiry(id, a->expires, signed_ms, now_ms, skew);
    return check_skew(id, signed_ms, now_ms, skew);
}

/* The secret (and expected token) for the access key id; unknown keys are rejected here. */
static int lookup_secret(struct gf_buf *secret, const struct gf_sigv4_identity *id,
                         const struct auth_parts *a, const struct gf_sigv4_verify_opts *opts)
{
    struct gf_buf token = GF_BUF_INIT;
    int rc;

    /* Room up front, so a realloc does not leave copies of the secret behind. */
    gf_buf_grow(secret, 256);
    gf_buf_grow(&token, 2048);
    rc = opts->lookup(secret, &token, gf_slice_from(id->access_key_id), opts->lookup_payload);
    if (rc == GF_ENOTFOUND || (rc == 0 && !secret->len)) {
        rc = auth_fail(id->s3 ? "InvalidAccessKeyId" : "InvalidClientTokenId", 403,
                       "access key id '%s' is not known", id->access_key_id);
        goto out;
    }
    if (rc < 0 || gf_buf_failed(secret) || gf_buf_failed(&token)) {
        rc = rc < 0 ? rc : gf_error_oom();
        goto out;
    }
    if (token.len &&
        (a->token.len != token.len || CRYPTO_memcmp(a->token.ptr, token.ptr, token.len) != 0))
        rc = auth_fail(id->s3 ? "InvalidAccessKeyId" : "InvalidClientTokenId", 403,
                       "the security token for access key id '%s' is missing or invalid",
                       id->access_key_id);
out:
    gf_buf_release_secret(&token);
    return rc;
}

static bool is_sha256_hex(struct gf_slice v)
{
    size_t i;

    if (v.len != 64)
        return false;
    for (i = 0; i < 64; i++) {
        if (!((v.ptr[i] >= '0' && v.ptr[i] <= '9') || (v.ptr[i] >= 'a' && v.ptr[i] <= 'f')))
            return false;
    }
    return true;
}

/* The payload line when the client sent X-Amz-Content-SHA256: checked against the body. */
static int payload_from_header(char out[65], const struct gf_sigv4_identity *id,
                               const struct gf_sigv4_request *req, struct gf_slice v)
{
    char body[65];
    int rc;

    if (gf_slice_eq_str(v, GF_SIGV4_UNSIGNED_PAYLOAD) ||
        gf_slice_eq_str(v, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")) {
        if (!id->s3)
            return auth_fail("SignatureDoesNotMatch", 403,
                             "unsigned payloads are accepted by S3 only, not by '%s'", id->service);
        copy_field(out, 65, v); /* both markers are shorter than a hash */
        return 0;
    }
    if (gf_slice_starts_with(v, "STREAMING-"))
        return auth_fail(id->s3 ? "NotImplemented" : "SignatureDoesNotMatch", id->s3 ? 501 : 403,
                         "chunk-signed payloads ('%.*s') are not supported", GF_SLICE_FMT(v));
    if (!is_sha256_hex(v))
        return auth_fail(id->s3 ? "InvalidArgument" : "SignatureDoesNotMatch", id->s3 ? 400 : 403,
                         "'x-amz-content-sha256' must be UNSIGNED-PAYLOAD or a hex sha-256, "
                         "not '%.*s'",
                         GF_SLICE_FMT(gf_slice_sub(v, 0, 80)));
    rc = gf_sigv4_sha256_hex(body, req->body.ptr, req->body.len);
    if (rc < 0)
        return rc;
    if (memcmp(body, v.ptr, 64) != 0)
        return auth_fail(id->s3 ? "XAmzContentSHA256Mismatch" : "SignatureDoesNotMatch",
                         id->s3 ? 400 : 403,
                         "the body's sha-256 %s is not the 'x-amz-content-sha256' sent", body);
    memcpy(out, body, 65);
    return 0;
}

static int verify_payload(char out[65], const struct gf_sigv4_identity *id,
                          const struct gf_sigv4_request *req)
{
    struct gf_slice v = GF_SLICE_INIT;

    if (find_header(&v, req, "x-amz-content-sha256", NULL))
        return payload_from_header(out, id, req, v);
    if (id->s3 && id->presigned) {
        memcpy(out, GF_SIGV4_UNSIGNED_PAYLOAD, sizeof(GF_SIGV4_UNSIGNED_PAYLOAD));
        return 0;
    }
    if (id->s3)
        return auth_fail("InvalidRequest", 400, "missing required header for this request: '%s'",
                         "x-amz-content-sha256");
    return gf_sigv4_sha256_hex(out, req->body.ptr, req->body.len);
}

/* Rebuild the signature from the received pieces and compare in constant time. */
static int check_signature(const struct gf_sigv4_identity *id, const struct auth_parts *a,
                           const struct gf_sigv4_request *req, struct gf_slice secret,
                           const char *payload)
{
    struct gf_buf creq = GF_BUF_INIT, sts = GF_BUF_INIT, scope = GF_BUF_INIT;
    unsigned flags = (id->s3 ? GF_SIGV4_S3 : 0) | (id->presigned ? GF_SIGV4_PRESIGNED : 0);
    unsigned char key[32];
    char sig[65];
    int rc;

    gf_buf_printf(&scope, "%s/%s/%s/aws4_request", id->date8, id->region, id->service);
    rc = gf_buf_failed(&scope) ? gf_error_oom() : 0;
    if (rc == 0)
        rc = gf_sigv4_canonical_request(&creq, req, a->signed_headers, gf_slice_from(payload),
                                        flags);
    if (rc == 0)
        rc = gf_sigv4_string_to_sign(&sts, a->amz_date, gf_buf_slice(&scope), gf_buf_slice(&creq));
    if (rc == 0)
        rc = gf_sigv4_signing_key(key, secret, gf_slice_from(id->date8), gf_slice_from(id->region),
                                  gf_slice_from(id->service));
    if (rc == 0)
        rc = gf_sigv4_signature(sig, key, gf_buf_slice(&sts));
    if (rc == 0 && (a->signature.len != 64 || CRYPTO_memcmp(sig, a->signature.ptr, 64) != 0))
        rc = auth_fail("SignatureDoesNotMatch", 403,
                       "the request signature does not match the one computed for access key "
                       "id '%s'",
                       id->access_key_id);
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(sig, sizeof(sig));
    gf_buf_release_secret(&creq);
    gf_buf_release(&sts);
    gf_buf_release(&scope);
    return rc;
}

/* Which kind of signature the request carries; MissingAuthenticationToken when none. */
static int collect_auth(struct auth_parts *a, struct gf_sigv4_identity *id,
                        const struct gf_sigv4_request *req)
{
    struct gf_slice auth = GF_SLICE_INIT;
    struct gf_buf probe = GF_BUF_INIT;
    size_t n_auth = 0;
    bool in_query;

    find_header(&auth, req, "authorization", &n_auth);
    in_query = find_query(&probe, req->query, "X-Amz-Signature") ||
               find_query(&probe, req->query, "X-Amz-Algorithm");
    gf_buf_release(&probe);
    if (n_auth)
        return collect_header_auth(a, id, req, auth, n_auth);
    if (in_query)
        return collect_query_auth(a, id, req->query);
    return auth_fail("MissingAuthenticationToken", 403,
                     "request is not signed: no 'Authorization' header and no "
                     "'X-Amz-Signature' query parameter");
}

int gf_sigv4_verify(struct gf_sigv4_identity *out, const struct gf_sigv4_request *req,
                    const struct gf_sigv4_verify_opts *opts)
{
    struct auth_parts a;
    struct gf_buf secret = GF_BUF_INIT;
    char payload[65];
    int rc;

    GF_ASSERT(opts && opts->clock && opts->lookup);
    memset(out, 0, sizeof(*out));
    auth_parts_init(&a);
    rc = collect_auth(&a, out, req);
    if (rc == 0)
        rc = parse_credential(out, a.credential);
    if (rc == 0)
        rc = check_scope(out, &a, opts);
    if (rc == 0)
        rc = lookup_secret(&secret, out, &a, opts);
    if (rc == 0)
        rc = verify_payload(payload, out, req);
    if (rc == 0)
        rc = check_signature(out, &a, req, gf_buf_slice(&secret), payload);
    gf_buf_release_secret(&secret);
    auth_parts_release(&a);
    return rc;
}
