/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4_test.c: aws/sigv4: every official vector (tests/data/sigv4/v4) at every step, for header
 * and query signing; the verifier on the vectors and on tampered requests; S3 rules; the
 * reference/aws-protocols.md §3 STS example; host derivation; the key cache across threads. */
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define AKID           "AKIDEXAMPLE"
#define SECRET         "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define VECTOR_TIME_MS 1440938160000LL /* 2015-08-30T12:36:00Z */
#define MAX_HEADERS    32

/* ---- a parsed HTTP request (request.txt, *-signed-request.txt) ---------------------------- */

struct http_msg {
    struct gf_buf raw;
    char *method, *path, *query, *body;
    size_t body_len, n_headers;
    char *names[MAX_HEADERS], *values[MAX_HEADERS];
    struct gf_sigv4_header headers[MAX_HEADERS];
};

static char *dup_range(const char *p, size_t n)
{
    char *s = gf_strndup(p, n);

    cr_assert_not_null(s);
    return s;
}

/* A header line "Name:value"; a line starting with whitespace continues the previous value. */
static void msg_add_line(struct http_msg *m, const char *line, size_t len)
{
    const char *colon;

    if ((line[0] == ' ' || line[0] == '\t') && m->n_headers > 0) {
        struct gf_buf v = GF_BUF_INIT;
        char *prev = m->values[m->n_headers - 1];

        gf_buf_printf(&v, "%s\n%.*s", prev, (int)len, line);
        cr_assert(!gf_buf_failed(&v));
        gf_free(prev);
        m->values[m->n_headers - 1] = gf_buf_detach(&v);
        return;
    }
    colon = memchr(line, ':', len);
    cr_assert_not_null(colon, "header line without ':': %.*s", (int)len, line);
    cr_assert_lt(m->n_headers, MAX_HEADERS);
    m->names[m->n_headers] = dup_range(line, (size_t)(colon - line));
    m->values[m->n_headers] = dup_range(colon + 1, len - (size_t)(colon - line) - 1);
    m->n_headers++;
}

static void msg_split_target(struct http_msg *m, const char *line, size_t len)
{
    const char *sp = memchr(line, ' ', len), *end = line + len, *q;

    cr_assert_not_null(sp);
    cr_assert(len > 9 && memcmp(end - 9, " HTTP/1.1", 9) == 0, "bad request line");
    m->method = dup_range(line, (size_t)(sp - line));
    end -= 9;
    q = memchr(sp + 1, '?', (size_t)(end - sp - 1));
    m->path = dup_range(sp + 1, (size_t)((q ? q : end) - sp - 1));
    m->query = q ? dup_range(q + 1, (size_t)(end - q - 1)) : dup_range("", 0);
}

static void msg_load(struct http_msg *m, const char *path)
{
    const char *p, *nl, *end;
    size_t i;

    memset(m, 0, sizeof(*m));
    gf_buf_init(&m->raw, 0);
    cr_assert_eq(gf_test_read_file(&m->raw, path), 0, "cannot read %s", path);
    p = m->raw.ptr;
    end = p + m->raw.len;
    nl = memchr(p, '\n', (size_t)(end - p));
    cr_assert_not_null(nl);
    msg_split_target(m, p, (size_t)(nl - p));
    for (p = nl + 1; p < end && *p != '\n'; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        msg_add_line(m, p, (size_t)(nl - p));
    }
    p = p < end ? p + 1 : end;
    m->body = dup_range(p, (size_t)(end - p));
    m->body_len = (size_t)(end - p);
    for (i = 0; i < m->n_headers; i++) {
        m->headers[i].name = gf_slice_from(m->names[i]);
        m->headers[i].value = gf_slice_from(m->values[i]);
    }
}

static void msg_release(struct http_msg *m)
{
    size_t i;

    for (i = 0; i < m->n_headers; i++) {
        gf_free(m->names[i]);
        gf_free(m->values[i]);
    }
    gf_free(m->method);
    gf_free(m->path);
    gf_free(m->query);
    gf_free(m->body);
    gf_buf_release(&m->raw);
}

static struct gf_sigv4_request msg_request(const struct http_msg *m)
{
    struct gf_sigv4_request r;

    r.method = gf_slice_from(m->method);
    r.path = gf_slice_from(m->path);
    r.query = gf_slice_from(m->query);
    r.headers = m->headers;
    r.n_headers = m->n_headers;
    r.body = gf_slice_make(m->body, m->body_len);
    return r;
}

/* ---- one vector -------------------------------------------------------------------------- */

struct vector {
    char name[128];
    char *dir;
    struct http_msg req;
    json_t *ctx;
    struct gf_sigv4_creds creds;
    struct gf_sigv4_params params;
    bool normalize, sign_body, omit_token;
};

static const char *ctx_str(json_t *ctx, const char *a, const char *b)
{
    json_t *v = json_object_get(ctx, a);

    if (b && v)
        v = json_object_get(v, b);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void vector_load(struct vector *v, const char *name)
{
    char *req_path, *ctx_path;
    json_error_t jerr;
    int64_t ms = 0;

    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->dir = gf_test_path(gf_test_data_dir(), "sigv4/v4");
    req_path = gf_test_path(v->dir, name);
    free(v->dir);
    v->dir = req_path;
    req_path = gf_test_path(v->dir, "request.txt");
    ctx_path = gf_test_path(v->dir, "context.json");
    msg_load(&v->req, req_path);
    v->ctx = json_load_file(ctx_path, 0, &jerr);
    cr_assert_not_null(v->ctx, "%s: %s", ctx_path, jerr.text);
    free(req_path);
    free(ctx_path);
    v->creds.access_key_id = gf_slice_from(ctx_str(v->ctx, "credentials", "access_key_id"));
    v->creds.secret_access_key = gf_slice_from(ctx_str(v->ctx, "credentials", "secret_access_key"));
    v->creds.session_token = gf_slice_from(ctx_str(v->ctx, "credentials", "token"));
    v->normalize = json_is_true(json_object_get(v->ctx, "normalize"));
    v->sign_body = json_is_true(json_object_get(v->ctx, "sign_body"));
    v->omit_token = json_is_true(json_object_get(v->ctx, "omit_session_token"));
    gf_cr_ok(gf_time_parse_iso8601(&ms, ctx_str(v->ctx, "timestamp", NULL)));
    v->params.creds = &v->creds;
    v->params.region = gf_slice_from(ctx_str(v->ctx, "region", NULL));
    v->params.service = gf_slice_from(ctx_str(v->ctx, "service", NULL));
    v->params.time_ms = ms;
    v->params.expires_s = json_integer_value(json_object_get(v->ctx, "expiration_in_seconds"));
    v->params.flags = (v->normalize ? 0 : GF_SIGV4_NO_NORMALIZE) |
                      (v->omit_token ? GF_SIGV4_OMIT_SESSION_TOKEN : 0);
    /* sign_body false: the payload is hashed as empty, whatever the body */
    if (!v->sign_body)
        v->params.payload_hash = GF_SLICE_LIT(GF_SIGV4_EMPTY_SHA256);
}

static void vector_release(struct vector *v)
{
    msg_release(&v->req);
    json_decref(v->ctx);
    free(v->dir);
}

static char *vector_file(const struct vector *v, const char *file)
{
    struct gf_buf b = GF_BUF_INIT;
    char *path = gf_test_path(v->dir, file);

    cr_assert_eq(gf_test_read_file(&b, path), 0, "cannot read %s", path);
    free(path);
    return gf_buf_detach(&b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The vector names, sorted (owned: free each and the array). */
static size_t vector_names(char ***out)
{
    char *dir = gf_test_path(gf_test_data_dir(), "sigv4/v4");
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = calloc(128, sizeof(*names));
    size_t n = 0;

    cr_assert_not_null(d, "cannot open %s", dir);
    cr_assert_not_null(names);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        cr_assert_lt(n, 128, "too many vectors");
        names[n++] = gf_strdup(e->d_name);
    }
    closedir(d);
    free(dir);
    qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    return n;
}

static void free_names(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        gf_free(names[i]);
    free(names);
}

/* ---- comparing signed requests by structure ------------------------------------------------ */

static void collapse(struct gf_buf *out, const char *v)
{
    bool space = false, any = false;

    for (; *v; v++) {
        if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') {
            space = any;
            continue;
        }
        if (space)
            gf_buf_putc(out, ' ');
        space = false;
        any = true;
        gf_buf_putc(out, *v);
    }
}

/* "name:value" lines, lowercase names and collapsed values, sorted, joined by '\n'. */
static char *header_set(const struct gf_sigv4_header *h, size_t n)
{
    char **lines = calloc(n + 1, sizeof(*lines));
    struct gf_buf all = GF_BUF_INIT;
    size_t i, j;

    cr_assert_not_null(lines);
    for (i = 0; i < n; i++) {
        struct gf_buf line = GF_BUF_INIT;
        char *value = gf_strndup(h[i].value.ptr, h[i].value.len);

        for (j = 0; j < h[i].name.len; j++) {
            char c = h[i].name.ptr[j];
            gf_buf_putc(&line, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
        }
        gf_buf_putc(&line, ':');
        collapse(&line, value);
        gf_free(value);
        lines[i] = gf_buf_detach(&line);
    }
    qsort(lines, n, sizeof(*lines), cmp_str);
    for (i = 0; i < n; i++) {
        gf_buf_printf(&all, "%s\n", lines[i]);
        gf_free(lines[i]);
    }
    free(lines);
    return gf_buf_detach(&all);
}

/* The query's "k=v" pieces, sorted, joined by '&'. */
static char *query_set(const char *q)
{
    char *copy = gf_strdup(q), **parts = calloc(strlen(q) + 2, sizeof(*parts));
    struct gf_buf all = GF_BUF_INIT;
    size_t n = 0, i;
    char *p = copy, *amp;

    while (*p) {
        amp = strchr(p, '&');
        if (amp)
            *amp = '\0';
        parts[n++] = p;
        if (!amp)
            break;
        p = amp + 1;
    }
    qsort(parts, n, sizeof(*parts), cmp_str);
    for (i = 0; i < n; i++)
        gf_buf_printf(&all, "%s%s", i ? "&" : "", parts[i]);
    free(parts);
    gf_free(copy);
    return gf_buf_detach(&all);
}

/* Our signed request against the vector's example, compared as the README says. */
static bool same_signed_request(const struct vector *v, const char *file, const char *query,
                                const struct gf_sigv4_header *added, size_t n_added)
{
    struct gf_sigv4_header all[MAX_HEADERS + 4];
    struct http_msg want;
    char *path = gf_test_path(v->dir, file), *hw, *hg, *qw, *qg;
    size_t n = v->req.n_headers, i;
    bool ok;

    msg_load(&want, path);
    free(path);
    memcpy(all, v->req.headers, n * sizeof(all[0]));
    for (i = 0; i < n_added; i++)
        all[n++] = added[i];
    hw = header_set(want.headers, want.n_headers);
    hg = header_set(all, n);
    qw = query_set(want.query);
    qg = query_set(query);
    ok = strcmp(want.method, v->req.method) == 0 && strcmp(want.path, v->req.path) == 0 &&
         strcmp(hw, hg) == 0 && strcmp(qw, qg) == 0 && want.body_len == v->req.body_len &&
         memcmp(want.body, v->req.body, want.body_len) == 0;
    cr_expect(ok, "%s: %s differs:\nheaders want:\n%s\ngot:\n%s\nquery want %s\ngot %s", v->name,
              file, hw, hg, qw, qg);
    gf_free(hw);
    gf_free(hg);
    gf_free(qw);
    gf_free(qg);
    msg_release(&want);
    return ok;
}

/* ---- every vector, every step ---------------------------------------------------------------- */

struct step_count {
    size_t creq, sts, sig, sreq;
};

static bool expect_file(const struct vector *v, const char *file, const char *got)
{
    char *want = vector_file(v, file);
    bool ok = strcmp(want, got) == 0;

    cr_expect(ok, "%s: %s differs:\n--- want\n%s\n--- got\n%s", v->name, file, want, got);
    gf_free(want);
    return ok;
}

static void check_header_variant(struct vector *v, struct step_count *c)
{
    struct gf_sigv4_signed s;
    struct gf_sigv4_request req = msg_request(&v->req);
    struct gf_sigv4_params p = v->params;

    if (v->sign_body)
        p.flags |= GF_SIGV4_CONTENT_SHA256;
    gf_sigv4_signed_init(&s);
    gf_cr_ok(gf_sigv4_sign(&s, &req, &p));
    c->creq += expect_file(v, "header-canonical-request.txt", s.canonical_request.ptr);
    c->sts += expect_file(v, "header-string-to-sign.txt", s.string_to_sign.ptr);
    c->sig += expect_file(v, "header-signature.txt", s.signature);
    c->sreq += same_signed_request(v, "header-signed-request.txt", v->req.query, s.add, s.n_add);
    gf_sigv4_signed_release(&s);
}

static void check_query_variant(struct vector *v, struct step_count *c)
{
    struct gf_sigv4_signed s;
    struct gf_sigv4_request req = msg_request(&v->req);

    gf_sigv4_signed_init(&s);
    gf_cr_ok(gf_sigv4_presign(&s, &req, &v->params));
    cr_expect_eq(s.n_add, 0);
    c->creq += expect_file(v, "query-canonical-request.txt", s.canonical_request.ptr);
    c->sts += expect_file(v, "query-string-to-sign.txt", s.string_to_sign.ptr);
    c->sig += expect_file(v, "query-signature.txt", s.signature);
    c->sreq += same_signed_request(v, "query-signed-request.txt", s.query.ptr, NULL, 0);
    gf_sigv4_signed_release(&s);
}

static void run_vectors(bool query_variant)
{
    struct step_count c = {0, 0, 0, 0};
    char **names = NULL;
    size_t n = vector_names(&names), i;

    cr_assert_eq(n, 38, "expected the 38 official vectors, found %zu", n);
    for (i = 0; i < n; i++) {
        struct vector v;

        vector_load(&v, names[i]);
        if (query_variant)
            check_query_variant(&v, &c);
        else
            check_header_variant(&v, &c);
        vector_release(&v);
    }
    cr_log_info("%s signing: %zu/%zu canonical requests, %zu string to sign, %zu signatures, "
                "%zu signed requests",
                query_variant ? "query" : "header", c.creq, n, c.sts, c.sig, c.sreq);
    cr_expect_eq(c.creq, n);
    cr_expect_eq(c.sts, n);
    cr_expect_eq(c.sig, n);
    cr_expect_eq(c.sreq, n);
    free_names(names, n);
}

Test(sigv4_vectors, header_signing_matches_every_step)
{
    run_vectors(false);
}

Test(sigv4_vectors, query_signing_matches_every_step)
{
    run_vectors(true);
}

/* ---- the verifier ---------------------------------------------------------------------------- */

struct keyring {
    const char *akid, *secret, *token;
    int calls;
};

static int keyring_lookup(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice akid,
                          void *payload)
{
    struct keyring *k = payload;

    k->calls++;
    if (!gf_slice_eq_str(akid, k->akid))
        return GF_ENOTFOUND;
    gf_buf_puts(secret_out, k->secret);
    if (k->token)
        gf_buf_puts(token_out, k->token);
    return 0;
}

struct verifier {
    struct keyring keys;
    struct gf_clock_fixed clock;
    struct gf_sigv4_verify_opts opts;
    struct gf_sigv4_identity id;
};

static void verifier_init(struct verifier *vf, int64_t now_ms)
{
    memset(vf, 0, sizeof(*vf));
    vf->keys.akid = AKID;
    vf->keys.secret = SECRET;
    gf_clock_fixed_init(&vf->clock, now_ms);
    vf->opts.clock = &vf->clock.clock;
    vf->opts.lookup = keyring_lookup;
    vf->opts.lookup_payload = &vf->keys;
}

/* A vector's request as header-signed: its headers plus the added ones, in `store`. */
struct signed_req {
    struct gf_sigv4_signed s;
    struct gf_sigv4_header headers[MAX_HEADERS + 4];
    struct gf_sigv4_request req;
};

static void sign_vector(struct signed_req *sr, struct vector *v, bool presign)
{
    struct gf_sigv4_params p = v->params;
    size_t i, n = v->req.n_headers;

    if (v->sign_body && !presign)
        p.flags |= GF_SIGV4_CONTENT_SHA256;
    sr->req = msg_request(&v->req);
    gf_sigv4_signed_init(&sr->s);
    if (presign)
        gf_cr_ok(gf_sigv4_presign(&sr->s, &sr->req, &p));
    else
        gf_cr_ok(gf_sigv4_sign(&sr->s, &sr->req, &p));
    memcpy(sr->headers, v->req.headers, n * sizeof(sr->headers[0]));
    for (i = 0; i < sr->s.n_add; i++)
        sr->headers[n++] = sr->s.add[i];
    sr->req.headers = sr->headers;
    sr->req.n_headers = n;
    if (presign)
        sr->req.query = gf_buf_slice(&sr->s.query);
}

static void expect_verified(struct vector *v, bool presign, size_t *count)
{
    struct signed_req sr;
    struct verifier vf;
    int rc;

    verifier_init(&vf, VECTOR_TIME_MS + 60000);
    vf.keys.token = v->creds.session_token.len ? v->creds.session_token.ptr : NULL;
    sign_vector(&sr, v, presign);
    rc = gf_sigv4_verify(&vf.id, &sr.req, &vf.opts);
    cr_expect_eq(rc, 0, "%s (%s) does not verify: %s [%s]", v->name, presign ? "query" : "header",
                 gf_error_last()->msg, gf_error_last()->aws_code);
    if (rc == 0) {
        cr_expect_str_eq(vf.id.service, "service");
        cr_expect_str_eq(vf.id.region, "us-east-1");
        cr_expect_str_eq(vf.id.access_key_id, AKID);
        cr_expect_eq(vf.id.presigned, presign);
        cr_expect(!vf.id.s3);
        (*count)++;
    }
    gf_sigv4_signed_release(&sr.s);
}

/* Servers normalise paths, so the 7 "normalize": false vectors are signed differently than a
 * server checks them; the token added after signing is not covered in the query variant
 * (it would join the canonical query) either. Every other vector must verify both ways. */
Test(sigv4_verify, accepts_every_normalised_vector)
{
    char **names = NULL;
    size_t n = vector_names(&names), i, header_ok = 0, query_ok = 0, header_n = 0, query_n = 0;

    for (i = 0; i < n; i++) {
        struct vector v;

        vector_load(&v, names[i]);
        if (v.normalize) {
            header_n++;
            expect_verified(&v, false, &header_ok);
            if (!v.omit_token) {
                query_n++;
                expect_verified(&v, true, &query_ok);
            }
        }
        vector_release(&v);
    }
    cr_log_info("verified %zu/%zu header-signed and %zu/%zu presigned vectors", header_ok, header_n,
                query_ok, query_n);
    cr_expect_eq(header_n, 31);
    cr_expect_eq(query_n, 30);
    cr_expect_eq(header_ok, header_n);
    cr_expect_eq(query_ok, query_n);
    free_names(names, n);
}

/* Verify a tampered copy of vector `name`; expect GF_EAUTH with `aws_code`. */
typedef void (*tamper_fn)(struct signed_req *sr, struct verifier *vf, const void *payload);

static void expect_rejected(const char *name, bool presign, tamper_fn tamper, const void *payload,
                            const char *aws_code, int http_status)
{
    struct signed_req sr;
    struct verifier vf;
    struct vector v;

    vector_load(&v, name);
    verifier_init(&vf, VECTOR_TIME_MS);
    sign_vector(&sr, &v, presign);
    tamper(&sr, &vf, payload);
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&vf.id, &sr.req, &vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, aws_code, "%s: got %s: %s", name,
                     gf_error_last()->aws_code, gf_error_last()->msg);
    cr_expect_eq(gf_error_last()->http_status, http_status);
    cr_expect_null(strstr(gf_error_last()->msg, SECRET), "the secret leaked into the message");
    gf_sigv4_signed_release(&sr.s);
    vector_release(&v);
}

static void tamper_body(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    static char body[64];

    (void)vf;
    (void)payload;
    memcpy(body, sr->req.body.ptr, sr->req.body.len);
    body[0] ^= 1;
    sr->req.body.ptr = body;
}

static void tamper_header(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    size_t i;

    (void)vf;
    for (i = 0; i < sr->req.n_headers; i++) {
        if (gf_slice_eq_str(sr->headers[i].name, (const char *)payload))
            sr->headers[i].value = GF_SLICE_LIT("value9");
    }
}

static void tamper_date(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    size_t i;

    (void)vf;
    for (i = 0; i < sr->req.n_headers; i++) {
        if (gf_slice_eq_str(sr->headers[i].name, "X-Amz-Date"))
            sr->headers[i].value = gf_slice_from((const char *)payload);
    }
}

static void use_secret(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)sr;
    vf->keys.secret = payload;
}

static void use_akid(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)sr;
    vf->keys.akid = payload;
}

static void move_clock(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)sr;
    vf->clock.now_ms += *(const int64_t *)payload;
}

static void drop_auth(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)vf;
    (void)payload;
    sr->req.n_headers -= 1; /* Authorization is added last */
}

static void replace_auth(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)vf;
    sr->headers[sr->req.n_headers - 1].value = gf_slice_from((const char *)payload);
}

static void expect_region(struct signed_req *sr, struct verifier *vf, const void *payload)
{
    (void)sr;
    vf->opts.region = payload;
}

Test(sigv4_verify, rejects_a_flipped_body_byte)
{
    /* with X-Amz-Content-SHA256 (the header no longer matches the body) and without */
    expect_rejected("post-x-www-form-urlencoded", false, tamper_body, NULL, "SignatureDoesNotMatch",
                    403);
    cr_expect(strstr(gf_error_last()->msg, "x-amz-content-sha256"));
    expect_rejected("post-x-www-form-urlencoded", true, tamper_body, NULL, "SignatureDoesNotMatch",
                    403);
    cr_expect(strstr(gf_error_last()->msg, "signature does not match"));
}

Test(sigv4_verify, rejects_a_changed_header_value)
{
    expect_rejected("get-header-value-trim", false, tamper_header, "My-Header1",
                    "SignatureDoesNotMatch", 403);
    cr_expect_str_eq(gf_error_last()->msg, "the request signature does not match the one "
                                           "computed for access key id 'AKIDEXAMPLE'");
}

Test(sigv4_verify, rejects_a_changed_date)
{
    expect_rejected("get-vanilla", false, tamper_date, "20150830T123601Z", "SignatureDoesNotMatch",
                    403);
    expect_rejected("get-vanilla", false, tamper_date, "20150831T123600Z", "SignatureDoesNotMatch",
                    403);
    cr_expect_str_eq(gf_error_last()->msg,
                     "credential date 20150830 does not match 'X-Amz-Date' 20150831T123600Z");
    expect_rejected("get-vanilla", false, tamper_date, "2015-08-30", "IncompleteSignature", 400);
}

Test(sigv4_verify, rejects_a_wrong_secret)
{
    expect_rejected("get-vanilla", false, use_secret, "wrong-secret", "SignatureDoesNotMatch", 403);
    expect_rejected("get-vanilla", true, use_secret, "wrong-secret", "SignatureDoesNotMatch", 403);
}

Test(sigv4_verify, rejects_an_unknown_access_key)
{
    expect_rejected("get-vanilla", false, use_akid, "AKIDOTHER", "InvalidClientTokenId", 403);
    cr_expect_str_eq(gf_error_last()->msg, "access key id 'AKIDEXAMPLE' is not known");
}

Test(sigv4_verify, rejects_a_clock_skew_past_15_minutes)
{
    int64_t later = 15 * 60000 + 1000, earlier = -(15 * 60000 + 1000);

    expect_rejected("get-vanilla", false, move_clock, &later, "SignatureDoesNotMatch", 403);
    cr_expect_str_eq(gf_error_last()->msg, "signature expired: 20150830T123600Z is now earlier "
                                           "than 20150830T123601Z (20150830T125101Z - 15 min.)");
    expect_rejected("get-vanilla", false, move_clock, &earlier, "SignatureDoesNotMatch", 403);
    cr_expect(strstr(gf_error_last()->msg, "signature not yet current"));
}

Test(sigv4_verify, accepts_a_skew_within_15_minutes)
{
    struct signed_req sr;
    struct verifier vf;
    struct vector v;

    vector_load(&v, "get-vanilla");
    sign_vector(&sr, &v, false);
    verifier_init(&vf, VECTOR_TIME_MS + 14 * 60000);
    gf_cr_ok(gf_sigv4_verify(&vf.id, &sr.req, &vf.opts));
    vf.clock.now_ms = VECTOR_TIME_MS - 14 * 60000;
    gf_cr_ok(gf_sigv4_verify(&vf.id, &sr.req, &vf.opts));
    gf_sigv4_signed_release(&sr.s);
    vector_release(&v);
}

Test(sigv4_verify, rejects_an_expired_presigned_request)
{
    int64_t after = 3601 * 1000LL;

    expect_rejected("get-vanilla", true, move_clock, &after, "RequestExpired", 403);
}

Test(sigv4_verify, rejects_missing_and_garbled_authorization)
{
    expect_rejected("get-vanilla", false, drop_auth, NULL, "MissingAuthenticationToken", 403);
    expect_rejected("get-vanilla", false, replace_auth,
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                    "aws4_request, SignedHeaders=host;x-amz-date",
                    "IncompleteSignature", 400);
    cr_expect_str_eq(gf_error_last()->msg, "'Authorization' header lacks 'Signature'");
    expect_rejected("get-vanilla", false, replace_auth,
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, "
                    "SignedHeaders=host;x-amz-date, Signature=00",
                    "IncompleteSignature", 400);
    expect_rejected(
        "get-vanilla", false, replace_auth,
        "AWS4-HMAC-SHA1 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00",
        "IncompleteSignature", 400);
    expect_rejected("get-vanilla", false, replace_auth,
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                    "aws4_request, SignedHeaders=x-amz-date, Signature=00",
                    "IncompleteSignature", 400);
}

Test(sigv4_verify, checks_the_region_only_when_asked)
{
    expect_rejected("get-vanilla", false, expect_region, "eu-west-1", "SignatureDoesNotMatch", 403);
    cr_expect_str_eq(gf_error_last()->msg,
                     "credential should be scoped to region 'eu-west-1', not 'us-east-1'");
}

Test(sigv4_verify, checks_the_session_token)
{
    struct signed_req sr;
    struct verifier vf;
    struct vector v;

    vector_load(&v, "get-vanilla-with-session-token");
    sign_vector(&sr, &v, false);
    verifier_init(&vf, VECTOR_TIME_MS);
    vf.keys.token = "another-token";
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&vf.id, &sr.req, &vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "InvalidClientTokenId");
    vf.keys.token = NULL; /* no expected token: any is accepted */
    gf_cr_ok(gf_sigv4_verify(&vf.id, &sr.req, &vf.opts));
    gf_sigv4_signed_release(&sr.s);
    vector_release(&v);
}

/* ---- S3 ------------------------------------------------------------------------------------ */

static const struct gf_sigv4_creds s_creds = {GF_SLICE_LIT(AKID), GF_SLICE_LIT(SECRET),
                                              GF_SLICE_INIT};

struct s3_put {
    struct gf_sigv4_header headers[8];
    struct gf_sigv4_request req;
    struct gf_sigv4_params params;
    struct gf_sigv4_signed s;
    struct verifier vf;
};

static void s3_put_sign(struct s3_put *t, unsigned flags)
{
    size_t i;

    memset(t, 0, sizeof(*t));
    t->headers[0] = (struct gf_sigv4_header){GF_SLICE_LIT("Host"), GF_SLICE_LIT("127.0.0.1:4566")};
    t->headers[1] = (struct gf_sigv4_header){GF_SLICE_LIT("User-Agent"), GF_SLICE_LIT("gf/0.1")};
    t->headers[2] = (struct gf_sigv4_header){GF_SLICE_LIT("Content-Length"), GF_SLICE_LIT("5")};
    t->req = (struct gf_sigv4_request){GF_SLICE_LIT("PUT"),
                                       GF_SLICE_LIT("/bucket/a%20b/../c"),
                                       GF_SLICE_LIT("x-id=PutObject"),
                                       t->headers,
                                       3,
                                       GF_SLICE_LIT("hello")};
    t->params.creds = &s_creds;
    t->params.region = GF_SLICE_LIT("eu-west-1");
    t->params.service = GF_SLICE_LIT("s3");
    t->params.time_ms = VECTOR_TIME_MS;
    t->params.flags = GF_SIGV4_S3 | flags;
    gf_sigv4_signed_init(&t->s);
    gf_cr_ok(gf_sigv4_sign(&t->s, &t->req, &t->params));
    for (i = 0; i < t->s.n_add; i++)
        t->headers[t->req.n_headers++] = t->s.add[i];
    verifier_init(&t->vf, VECTOR_TIME_MS);
}

Test(sigv4_s3, signs_the_path_as_sent_and_the_payload_hash)
{
    struct s3_put t;
    char body_hash[65];

    s3_put_sign(&t, 0);
    gf_cr_ok(gf_sigv4_sha256_hex(body_hash, "hello", 5));
    cr_expect(gf_slice_starts_with(gf_buf_slice(&t.s.canonical_request),
                                   "PUT\n/bucket/a%20b/../c\nx-id=PutObject\n"),
              "%s", t.s.canonical_request.ptr);
    cr_expect_str_eq(t.s.signed_headers.ptr, "content-length;host;x-amz-content-sha256;x-amz-date");
    cr_expect_str_eq(t.s.payload_hash, body_hash);
    cr_assert_eq(t.s.n_add, 3);
    cr_expect(gf_slice_eq_str(t.s.add[1].name, "X-Amz-Content-SHA256"));
    cr_expect(gf_slice_eq_str(t.s.add[1].value, body_hash));
    gf_cr_ok(gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect(t.vf.id.s3);
    cr_expect_str_eq(t.vf.id.service, "s3");
    cr_expect_str_eq(t.vf.id.region, "eu-west-1");
    gf_sigv4_signed_release(&t.s);
}

Test(sigv4_s3, uses_s3_error_codes)
{
    struct s3_put t;

    s3_put_sign(&t, 0);
    t.req.body = GF_SLICE_LIT("hellO");
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "XAmzContentSHA256Mismatch");
    cr_expect_eq(gf_error_last()->http_status, 400);
    t.req.body = GF_SLICE_LIT("hello");
    t.vf.clock.now_ms += 16 * 60000;
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "RequestTimeTooSkewed");
    t.vf.clock.now_ms = VECTOR_TIME_MS;
    t.vf.keys.akid = "AKIDOTHER";
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "InvalidAccessKeyId");
    t.vf.keys.akid = AKID;
    t.vf.opts.region = "us-east-1";
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "AuthorizationHeaderMalformed");
    t.vf.opts.region = NULL;
    t.headers[5].value = GF_SLICE_LIT("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/"
                                      "s3/aws4_request, Signature=00");
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "AuthorizationHeaderMalformed");
    gf_sigv4_signed_release(&t.s);
}

Test(sigv4_s3, accepts_unsigned_payload)
{
    struct s3_put t;

    s3_put_sign(&t, GF_SIGV4_UNSIGNED_BODY);
    cr_expect_str_eq(t.s.payload_hash, "UNSIGNED-PAYLOAD");
    t.req.body = GF_SLICE_LIT("other bytes");
    gf_cr_ok(gf_sigv4_verify(&t.vf.id, &t.req, &t.vf.opts));
    gf_sigv4_signed_release(&t.s);
}

Test(sigv4_s3, requires_x_amz_content_sha256)
{
    struct gf_sigv4_header h[4] = {{GF_SLICE_LIT("Host"), GF_SLICE_LIT("s3.amazonaws.com")}};
    struct gf_sigv4_request req = {GF_SLICE_LIT("GET"), GF_SLICE_LIT("/b"), GF_SLICE_INIT, h, 1,
                                   GF_SLICE_INIT};
    struct gf_sigv4_params p = {&s_creds,           GF_SLICE_LIT("us-east-1"),
                                GF_SLICE_LIT("s3"), GF_SLICE_INIT,
                                VECTOR_TIME_MS,     0,
                                GF_SLICE_INIT,      0};
    struct gf_sigv4_signed s;
    struct verifier vf;

    gf_sigv4_signed_init(&s);
    gf_cr_ok(gf_sigv4_sign(&s, &req, &p)); /* no GF_SIGV4_S3: no content hash header */
    h[1] = s.add[0];
    h[2] = s.add[1];
    req.n_headers = 3;
    verifier_init(&vf, VECTOR_TIME_MS);
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&vf.id, &req, &vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "InvalidRequest");
    gf_sigv4_signed_release(&s);
}

Test(sigv4_s3, presigned_get_verifies_and_expires)
{
    struct gf_sigv4_header h[1] = {{GF_SLICE_LIT("host"), GF_SLICE_LIT("127.0.0.1:9000")}};
    struct gf_sigv4_request req = {
        GF_SLICE_LIT("GET"), GF_SLICE_LIT("/b/k%2Bey"), GF_SLICE_INIT, h, 1, GF_SLICE_INIT};
    struct gf_sigv4_params p = {&s_creds,           GF_SLICE_LIT("us-east-1"),
                                GF_SLICE_LIT("s3"), GF_SLICE_INIT,
                                VECTOR_TIME_MS,     600,
                                GF_SLICE_INIT,      GF_SIGV4_S3 | GF_SIGV4_UNSIGNED_BODY};
    struct gf_sigv4_signed s;
    struct verifier vf;

    gf_sigv4_signed_init(&s);
    gf_cr_ok(gf_sigv4_presign(&s, &req, &p));
    req.query = gf_buf_slice(&s.query);
    verifier_init(&vf, VECTOR_TIME_MS + 599 * 1000);
    gf_cr_ok(gf_sigv4_verify(&vf.id, &req, &vf.opts));
    cr_expect(vf.id.presigned && vf.id.s3);
    vf.clock.now_ms = VECTOR_TIME_MS + 601 * 1000;
    gf_cr_fails(GF_EAUTH, gf_sigv4_verify(&vf.id, &req, &vf.opts));
    cr_expect_str_eq(gf_error_last()->aws_code, "AccessDenied");
    gf_sigv4_signed_release(&s);
}

/* ---- the canonicaliser's pieces ---------------------------------------------------------------
 */

static void expect_uri(const char *path, unsigned flags, const char *want)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_sigv4_canonical_uri(&b, gf_slice_from(path), flags));
    cr_expect_str_eq(b.ptr, want, "canonical uri of '%s'", path);
    gf_buf_release(&b);
}

static void expect_query(const char *query, unsigned flags, const char *want)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_sigv4_canonical_query(&b, gf_slice_from(query), flags));
    cr_expect_str_eq(b.ptr, want, "canonical query of '%s'", query);
    gf_buf_release(&b);
}

Test(sigv4_canonical, uri_normalises_and_encodes_again_outside_s3)
{
    expect_uri("/a%20b", 0, "/a%2520b");
    expect_uri("/a%20b", GF_SIGV4_S3, "/a%20b");
    expect_uri("", 0, "/");
    expect_uri("", GF_SIGV4_S3, "/");
    expect_uri("//a/./b/../c//", 0, "/a/c/");
    expect_uri("/..", 0, "/");
    expect_uri("/2015-02-01/file-systems", 0, "/2015-02-01/file-systems");
    expect_uri("/a:b", 0, "/a%3Ab");
    expect_uri("/x/.//", GF_SIGV4_S3, "/x/.//");
}

Test(sigv4_canonical, query_sorts_encodes_and_keeps_bare_keys)
{
    expect_query("tagging", 0, "tagging=");
    expect_query("b=2&a=2&a=1", 0, "a=1&a=2&b=2");
    expect_query("prefix=a%20b%2fc&list-type=2", 0, "list-type=2&prefix=a%20b%2Fc");
    expect_query("k=a+b&k2=x y", 0, "k=a%2Bb&k2=x%20y");
    expect_query("a=1&&b", 0, "a=1&b=");
    expect_query("a=%zz", 0, "a=%25zz");
    expect_query("X-Amz-Signature=abc&a=1", GF_SIGV4_PRESIGNED, "a=1");
    expect_query("X-Amz-Signature=abc&a=1", 0, "X-Amz-Signature=abc&a=1");
    expect_query("", 0, "");
}

Test(sigv4_canonical, headers_trim_collapse_and_join_repeats)
{
    struct gf_sigv4_header h[] = {
        {GF_SLICE_LIT("X-B"), GF_SLICE_LIT("  two   words \t")},
        {GF_SLICE_LIT("host"), GF_SLICE_LIT("h")},
        {GF_SLICE_LIT("x-b"), GF_SLICE_LIT("second")},
    };
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_sigv4_canonical_headers(&b, h, 3, GF_SLICE_LIT("host;x-b;x-missing")));
    cr_expect_str_eq(b.ptr, "host:h\nx-b:two words,second\nx-missing:\n");
    gf_buf_release(&b);
}

Test(sigv4_canonical, signable_headers_follow_botocore)
{
    cr_expect(!gf_sigv4_header_signable(GF_SLICE_LIT("User-Agent")));
    cr_expect(!gf_sigv4_header_signable(GF_SLICE_LIT("expect")));
    cr_expect(!gf_sigv4_header_signable(GF_SLICE_LIT("X-Amzn-Trace-Id")));
    cr_expect(!gf_sigv4_header_signable(GF_SLICE_LIT("Authorization")));
    cr_expect(gf_sigv4_header_signable(GF_SLICE_LIT("Content-Type")));
    cr_expect(gf_sigv4_header_signable(GF_SLICE_LIT("X-Amz-Target")));
    cr_expect(gf_sigv4_header_signable(GF_SLICE_LIT("amz-sdk-invocation-id")));
}

static void expect_host(const char *url, const char *want)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_sigv4_host_from_url(&b, url));
    cr_expect_str_eq(b.ptr, want, "host of %s", url);
    gf_buf_release(&b);
}

Test(sigv4_client, host_from_url_keeps_only_non_default_ports)
{
    struct gf_buf b = GF_BUF_INIT;

    expect_host("http://LOCALHOST:4566/x", "localhost:4566");
    expect_host("https://sts.us-east-1.amazonaws.com/", "sts.us-east-1.amazonaws.com");
    expect_host("https://h:443", "h");
    expect_host("http://h:443/", "h:443");
    expect_host("http://user:pw@h:80/p?q", "h");
    expect_host("http://[::1]:8080/", "[::1]:8080");
    expect_host("http://[::1]/", "[::1]");
    gf_cr_fails(GF_EINVALID, gf_sigv4_host_from_url(&b, "ftp://h/"));
    cr_expect_str_eq(gf_error_last()->msg, "'ftp://h/' is not an http or https URL");
    gf_cr_fails(GF_EINVALID, gf_sigv4_host_from_url(&b, "http://h:99999/"));
    gf_buf_release(&b);
}

/* reference/aws-protocols.md §3: botocore 1.43.11 signing STS GetCallerIdentity. */
Test(sigv4_client, matches_the_botocore_sts_example)
{
    static const char want_creq[] =
        "POST\n/\n\n"
        "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
        "host:sts.us-east-1.amazonaws.com\n"
        "x-amz-date:20150830T123600Z\n\n"
        "content-type;host;x-amz-date\n"
        "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843";
    struct gf_sigv4_header h[] = {
        {GF_SLICE_LIT("Content-Type"),
         GF_SLICE_LIT("application/x-www-form-urlencoded; charset=utf-8")},
        {GF_SLICE_LIT("User-Agent"), GF_SLICE_LIT("aws-cli/1.45.11")},
    };
    struct gf_sigv4_request req = {GF_SLICE_LIT("POST"),
                                   GF_SLICE_LIT("/"),
                                   GF_SLICE_INIT,
                                   h,
                                   2,
                                   GF_SLICE_LIT("Action=GetCallerIdentity&Version=2011-06-15")};
    struct gf_buf host = GF_BUF_INIT;
    struct gf_sigv4_params p = {&s_creds,
                                GF_SLICE_LIT("us-east-1"),
                                GF_SLICE_LIT("sts"),
                                GF_SLICE_INIT,
                                VECTOR_TIME_MS,
                                0,
                                GF_SLICE_INIT,
                                0};
    struct gf_sigv4_signed s;
    char hash[65];

    gf_cr_ok(gf_sigv4_host_from_url(&host, "https://sts.us-east-1.amazonaws.com/"));
    p.host = gf_buf_slice(&host);
    gf_sigv4_signed_init(&s);
    gf_cr_ok(gf_sigv4_sign(&s, &req, &p));
    cr_expect_str_eq(s.canonical_request.ptr, want_creq);
    gf_cr_ok(gf_sigv4_sha256_hex(hash, s.canonical_request.ptr, s.canonical_request.len));
    cr_expect_str_eq(hash, "74f85d64795bc5f30af8b92378344f5c25c0d305498fca44ea38f6a5a1d5860f");
    cr_expect_str_eq(s.signature,
                     "52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165");
    cr_assert_eq(s.n_add, 2);
    cr_expect(gf_slice_eq_str(s.add[0].name, "X-Amz-Date"));
    cr_expect(gf_slice_eq_str(s.add[0].value, "20150830T123600Z"));
    cr_expect(gf_slice_eq_str(s.add[1].name, "Authorization"));
    cr_expect_str_eq(s.authorization.ptr,
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date, "
                     "Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165");
    gf_sigv4_signed_release(&s);
    gf_buf_release(&host);
}

Test(sigv4_client, refuses_headers_it_owns_and_missing_inputs)
{
    struct gf_sigv4_header h[] = {{GF_SLICE_LIT("Host"), GF_SLICE_LIT("h")},
                                  {GF_SLICE_LIT("x-amz-date"), GF_SLICE_LIT("x")}};
    struct gf_sigv4_request req = {GF_SLICE_LIT("GET"), GF_SLICE_LIT("/"), GF_SLICE_INIT, h, 2,
                                   GF_SLICE_INIT};
    struct gf_sigv4_params p = {&s_creds,
                                GF_SLICE_LIT("us-east-1"),
                                GF_SLICE_LIT("ecs"),
                                GF_SLICE_INIT,
                                VECTOR_TIME_MS,
                                0,
                                GF_SLICE_INIT,
                                0};
    struct gf_sigv4_creds none = {GF_SLICE_INIT, GF_SLICE_INIT, GF_SLICE_INIT};
    struct gf_sigv4_signed s;

    gf_sigv4_signed_init(&s);
    gf_cr_fails(GF_EINVALID, gf_sigv4_sign(&s, &req, &p));
    cr_expect_str_eq(gf_error_last()->msg, "request already has a 'x-amz-date' header");
    req.n_headers = 0;
    gf_cr_fails(GF_EINVALID, gf_sigv4_sign(&s, &req, &p));
    cr_expect_str_eq(gf_error_last()->msg, "no host to sign: the request has no 'Host' header");
    req.n_headers = 1;
    p.creds = &none;
    gf_cr_fails(GF_EINVALID, gf_sigv4_sign(&s, &req, &p));
    cr_expect_str_eq(gf_error_last()->msg, "no credentials to sign with");
    p.creds = &s_creds;
    gf_cr_fails(GF_EINVALID, gf_sigv4_presign(&s, &req, &p)); /* expires_s 0 */
    cr_expect_eq(s.n_add, 0);
    gf_sigv4_signed_release(&s);
}

Test(sigv4_client, survives_allocation_failures)
{
    struct vector v;
    long n;

    vector_load(&v, "post-sts-header-before");
    for (n = 0; n < 200; n++) {
        struct gf_sigv4_request req = msg_request(&v.req);
        struct gf_sigv4_signed s;
        int rc;

        gf_sigv4_signed_init(&s);
        gf_alloc_failing_install(n);
        rc = n % 2 ? gf_sigv4_presign(&s, &req, &v.params) : gf_sigv4_sign(&s, &req, &v.params);
        gf_alloc_failing_install(-1);
        cr_assert(rc == 0 || rc == GF_ENOMEM, "call %ld: rc %d", n, rc);
        gf_sigv4_signed_release(&s);
    }
    gf_alloc_set(NULL);
    vector_release(&v);
}

/* ---- the signing-key cache --------------------------------------------------------------------
 */

struct key_job {
    int index;
    unsigned char key[32];
    int rc;
};

static void *derive_many(void *arg)
{
    struct key_job *job = arg;
    char region[32];
    int i;

    for (i = 0; i < 200 && job->rc == 0; i++) {
        snprintf(region, sizeof(region), "region-%d", (job->index + i) % 24);
        job->rc = gf_sigv4_signing_key(job->key, GF_SLICE_LIT(SECRET), GF_SLICE_LIT("20150830"),
                                       gf_slice_from(region), GF_SLICE_LIT("iam"));
    }
    if (job->rc == 0)
        job->rc = gf_sigv4_signing_key(job->key, GF_SLICE_LIT(SECRET), GF_SLICE_LIT("20150830"),
                                       GF_SLICE_LIT("us-east-1"), GF_SLICE_LIT("iam"));
    return NULL;
}

static void key_hex(char hex[65], const unsigned char key[32])
{
    int i;

    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
}

Test(sigv4_key, cache_is_consistent_across_threads)
{
    /* kSigning of AWS's documented derivation example (this secret, 20150830/us-east-1/iam) */
    static const char want[] = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";
    struct key_job jobs[4];
    pthread_t th[4];
    char hex[65];
    int i;

    for (i = 0; i < 4; i++) {
        jobs[i] = (struct key_job){.index = i * 5};
        cr_assert_eq(pthread_create(&th[i], NULL, derive_many, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < 4; i++) {
        cr_expect_eq(jobs[i].rc, 0);
        key_hex(hex, jobs[i].key);
        cr_expect_str_eq(hex, want, "thread %d", i);
    }
    /* Another secret with the same scope gets another key: the cache key covers the secret. */
    gf_cr_ok(gf_sigv4_signing_key(jobs[0].key, GF_SLICE_LIT("other"), GF_SLICE_LIT("20150830"),
                                  GF_SLICE_LIT("us-east-1"), GF_SLICE_LIT("iam")));
    key_hex(hex, jobs[0].key);
    cr_expect_str_neq(hex, want);
}

/* ---- the Date header in place of X-Amz-Date ------------------------------------------------ */

/* The original aws4_testsuite's get-vanilla, which signs with `Date` (an HTTP date) and no
 * X-Amz-Date: canonical request hash 366b91fb..., signature b27ccfbf... (recomputed
 * independently with Python's hmac/hashlib). */
#define DATE_VECTOR_TIME_MS 1315611360000LL /* 2011-09-09T23:36:00Z */
#define DATE_VECTOR_AUTH                                                                           \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, "              \
    "SignedHeaders=date;host, "                                                                    \
    "Signature=b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470"

static int verify_date_vector(struct verifier *vf, const char *date, const char *auth)
{
    struct gf_sigv4_header h[3] = {
        {GF_SLICE_LIT("Date"), gf_slice_from(date)},
        {GF_SLICE_LIT("Host"), GF_SLICE_LIT("host.foo.com")},
        {GF_SLICE_LIT("Authorization"), gf_slice_from(auth)},
    };
    struct gf_sigv4_request req = {GF_SLICE_LIT("GET"), GF_SLICE_LIT("/"), GF_SLICE_INIT, h, 3,
                                   GF_SLICE_INIT};

    verifier_init(vf, DATE_VECTOR_TIME_MS + 60000);
    return gf_sigv4_verify(&vf->id, &req, &vf->opts);
}

Test(sigv4_verify, accepts_the_date_header_when_x_amz_date_is_absent)
{
    struct verifier vf;
    int64_t t = 0;

    gf_cr_ok(gf_time_parse_iso8601(&t, "2011-09-09T23:36:00Z"));
    cr_assert_eq(t, DATE_VECTOR_TIME_MS);
    gf_cr_ok(verify_date_vector(&vf, "Mon, 09 Sep 2011 23:36:00 GMT", DATE_VECTOR_AUTH));
    cr_expect_str_eq(vf.id.amz_date, "20110909T233600Z");
    cr_expect_str_eq(vf.id.service, "host");
    cr_expect_str_eq(vf.id.access_key_id, AKID);
}

Test(sigv4_verify, date_header_signature_still_checked)
{
    struct verifier vf;

    /* Another second in the Date: the canonical request changes, the signature does not match. */
    gf_cr_fails(GF_EAUTH, verify_date_vector(&vf, "Mon, 09 Sep 2011 23:36:01 GMT",
                                             DATE_VECTOR_AUTH));
    cr_expect_str_eq(gf_error_last()->aws_code, "SignatureDoesNotMatch");
    /* Another day than the scope's. */
    gf_cr_fails(GF_EAUTH, verify_date_vector(&vf, "Sat, 10 Sep 2011 23:36:00 GMT",
                                             DATE_VECTOR_AUTH));
    cr_expect_str_eq(gf_error_last()->aws_code, "SignatureDoesNotMatch");
    cr_expect_str_eq(gf_error_last()->msg,
                     "credential date 20110909 does not match 'X-Amz-Date' 20110910T233600Z");
}

Test(sigv4_verify, rejects_a_garbled_date_header)
{
    struct verifier vf;

    gf_cr_fails(GF_EAUTH, verify_date_vector(&vf, "Mon, 09 Sep 2011 23:36:00 UTC",
                                             DATE_VECTOR_AUTH));
    cr_expect_str_eq(gf_error_last()->aws_code, "IncompleteSignature");
    cr_expect_str_eq(gf_error_last()->msg,
                     "'Date' is not an HTTP date (Mon, 09 Sep 2011 23:36:00 GMT)");
    gf_cr_fails(GF_EAUTH, verify_date_vector(&vf, "Mon, 09 Foo 2011 23:36:00 GMT",
                                             DATE_VECTOR_AUTH));
    cr_expect_str_eq(gf_error_last()->aws_code, "IncompleteSignature");
}
