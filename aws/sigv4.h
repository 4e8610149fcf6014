/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.h: AWS Signature Version 4, both sides (reference/aws-protocols.md §3).
 * One canonicaliser serves the client signer (aws/http.c signs every request with it) and the
 * server verifier (local-aws checks every request with it), so the two cannot drift apart.
 *
 * Ownership, once for the whole API: every input is borrowed (slices, header arrays, the
 * credentials) and only read during the call; every output is caller storage (a gf_buf, a fixed
 * array, a struct released with its _release function). Nothing here blocks or does I/O, and
 * every function is safe to call from several threads at once (the signing-key cache is locked).
 *
 * Secrets: the secret key, the session token, signing keys and Authorization values never reach
 * a log line or an error message. Buffers that held them are wiped when released. */
#ifndef GF_AWS_SIGV4_H
#define GF_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/clock.h"

#define GF_SIGV4_ALGORITHM        "AWS4-HMAC-SHA256"
#define GF_SIGV4_EMPTY_SHA256     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define GF_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define GF_SIGV4_MAX_SKEW_MS      (15LL * 60 * 1000)
#define GF_SIGV4_MAX_EXPIRES_S    604800 /* presigned URLs live at most 7 days */

/* One header as sent: borrowed name (any case) and raw value (untrimmed). Repeated names are
 * separate entries, in the order they were sent. */
struct gf_sigv4_header {
    struct gf_slice name;
    struct gf_slice value;
};

/* A request as the signer or the verifier sees it (all borrowed). */
struct gf_sigv4_request {
    struct gf_slice method; /* "GET" */
    struct gf_slice path;   /* as on the wire, without the query: "/b/a%20b"; empty means "/" */
    struct gf_slice query;  /* after the '?', still encoded; empty when none */
    const struct gf_sigv4_header *headers;
    size_t n_headers;
    struct gf_slice body; /* hashed unless a payload hash is given or sent */
};

struct gf_sigv4_creds {
    struct gf_slice access_key_id;
    struct gf_slice secret_access_key; /* secret */
    struct gf_slice session_token;     /* secret; empty: long-term credentials */
};

enum gf_sigv4_flags {
    /* S3 rules: the path is used as sent (no normalising, no second encoding) and
     * X-Amz-Content-SHA256 is added and signed (botocore's S3SigV4Auth). */
    GF_SIGV4_S3 = 1 << 0,
    /* Keep ".", ".." and empty path segments (the path is still percent-encoded once). Only the
     * test vectors' "normalize": false asks for this; real services normalise. */
    GF_SIGV4_NO_NORMALIZE = 1 << 1,
    /* Add and sign X-Amz-Content-SHA256 outside S3 (the vectors' "sign_body"). */
    GF_SIGV4_CONTENT_SHA256 = 1 << 2,
    /* The payload hash is UNSIGNED-PAYLOAD (S3 presigned URLs, streaming uploads). */
    GF_SIGV4_UNSIGNED_BODY = 1 << 3,
    /* Add the session token after signing, unsigned (the vectors' "omit_session_token"). */
    GF_SIGV4_OMIT_SESSION_TOKEN = 1 << 4,
    /* Canonical query: leave X-Amz-Signature out (verifying a presigned request). */
    GF_SIGV4_PRESIGNED = 1 << 5,
};

/* What the client signs with. */
struct gf_sigv4_params {
    const struct gf_sigv4_creds *creds; /* borrowed */
    struct gf_slice region;             /* scope region: "eu-west-1" */
    struct gf_slice service;            /* signing name: "ecs", "elasticloadbalancing" */
    struct gf_slice host; /* signed when the request has no Host header: gf_sigv4_host_from_url */
    int64_t time_ms;      /* signing time, Unix epoch ms (from the injected clock) */
    int64_t expires_s;    /* gf_sigv4_presign only: X-Amz-Expires, 1..604800 */
    struct gf_slice payload_hash; /* a precomputed hex SHA-256; empty: hash req->body */
    unsigned flags;               /* enum gf_sigv4_flags */
};

/* The signer's result: the headers to add to the request and every intermediate step. */
struct gf_sigv4_signed {
    /* Headers to add, in this order when present: X-Amz-Date, X-Amz-Security-Token,
     * X-Amz-Content-SHA256, Authorization (header signing; presigning adds none). The slices
     * borrow from this struct and from params->creds. */
    struct gf_sigv4_header add[4];
    size_t n_add;
    char amz_date[17];               /* "20150830T123600Z" */
    char signature[65];              /* lowercase hex */
    char payload_hash[65];           /* hex, or UNSIGNED-PAYLOAD */
    struct gf_buf scope;             /* "20150830/us-east-1/service/aws4_request" */
    struct gf_buf signed_headers;    /* "host;x-amz-date" */
    struct gf_buf canonical_request; /* for tests and debugging; never log it (it holds tokens) */
    struct gf_buf string_to_sign;
    struct gf_buf authorization; /* the Authorization value (header signing) */
    struct gf_buf query;         /* gf_sigv4_presign: the full query to send, signature last */
};

void gf_sigv4_signed_init(struct gf_sigv4_signed *s);
/* Free (and wipe) what the result holds; it is initialised again afterwards. */
void gf_sigv4_signed_release(struct gf_sigv4_signed *s);

/* --- The client ------------------------------------------------------------------------- */

/* Sign `req` with an Authorization header, as botocore does: add X-Amz-Date, the session token
 * (before signing, so it is signed, unless GF_SIGV4_OMIT_SESSION_TOKEN), X-Amz-Content-SHA256
 * (S3 and GF_SIGV4_CONTENT_SHA256), then sign every header present except the hop-by-hop ones
 * (gf_sigv4_header_signable) plus host (params->host when the request has no Host header).
 * The caller sends req's headers plus out->add[0..n_add).
 * out: initialised by the caller (gf_sigv4_signed_init), cleared first.
 * Returns 0, GF_EINVALID (a missing credential, region or service, or a request header that
 * X-Amz-* replaces) or GF_ENOMEM. */
int gf_sigv4_sign(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                  const struct gf_sigv4_params *params);

/* Presign `req` (a presigned URL): X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders and the session token go in the query; out->query is the whole query to send
 * (req->query first, X-Amz-Signature last). The payload hash follows params as for signing.
 * Returns as gf_sigv4_sign. */
int gf_sigv4_presign(struct gf_sigv4_signed *out, const struct gf_sigv4_request *req,
                     const struct gf_sigv4_params *params);

/* The Host value botocore signs for `url`: the lowercase host, with the port unless it is the
 * scheme's default ("http://LOCALHOST:4566/x" -> "localhost:4566"). Appends to out.
 * Returns 0, GF_EINVALID (not an http(s) URL) or GF_ENOMEM. */
int gf_sigv4_host_from_url(struct gf_buf *out, const char *url);

/* False for the headers botocore never signs (connection, expect, keep-alive,
 * proxy-authenticate, proxy-authorization, te, trailer, transfer-encoding, upgrade, user-agent,
 * x-amzn-trace-id) and for authorization; true otherwise. Any case. */
bool gf_sigv4_header_signable(struct gf_slice name);

/* --- The canonicaliser (shared by both sides) ------------------------------------------- */

/* Canonical URI. Without GF_SIGV4_S3: drop "." and empty segments, resolve "..", keep a
 * trailing "/" (GF_SIGV4_NO_NORMALIZE skips this), then percent-encode every byte outside
 * A-Za-z0-9-._~ and "/" (so an encoded "%20" becomes "%2520"). With GF_SIGV4_S3: the path as
 * sent. An empty path is "/". Appends to out; returns 0 or GF_ENOMEM. */
int gf_sigv4_canonical_uri(struct gf_buf *out, struct gf_slice path, unsigned flags);

/* Canonical query: split on '&' and '=', percent-decode, re-encode keys and values keeping only
 * A-Za-z0-9-._~, sort by key then value; a bare key becomes "key=". GF_SIGV4_PRESIGNED drops
 * X-Amz-Signature. Appends to out; returns 0 or GF_ENOMEM. */
int gf_sigv4_canonical_query(struct gf_buf *out, struct gf_slice query, unsigned flags);

/* Canonical header lines for `signed_headers` ("host;x-amz-date", in that order): for each
 * name, every header of that name (any case) in the order sent, values trimmed with inner
 * whitespace runs collapsed to one space, joined by ','; each line ends with '\n'. A signed
 * name the request lacks gives an empty value. Appends; returns 0 or GF_ENOMEM. */
int gf_sigv4_canonical_headers(struct gf_buf *out, const struct gf_sigv4_header *headers,
                               size_t n_headers, struct gf_slice signed_headers);

/* The whole canonical request: method, canonical URI, canonical query, canonical headers, an
 * empty line, signed_headers and payload_hash, joined by '\n'. Appends; 0 or GF_ENOMEM. */
int gf_sigv4_canonical_request(struct gf_buf *out, const struct gf_sigv4_request *req,
                               struct gf_slice signed_headers, struct gf_slice payload_hash,
                               unsigned flags);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>". Appends; 0 or
 * GF_ENOMEM / GF_ERROR (libcrypto). */
int gf_sigv4_string_to_sign(struct gf_buf *out, struct gf_slice amz_date, struct gf_slice scope,
                            struct gf_slice canonical_request);

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date8), region), service), "aws4_request").
 * Cached per (secret, date, region, service); the cache is keyed by a salted SHA-256, never by
 * the secret itself, and is locked. Returns 0 or GF_ERROR (libcrypto) / GF_EINVALID. */
int gf_sigv4_signing_key(unsigned char key_out[32], struct gf_slice secret, struct gf_slice date8,
                         struct gf_slice region, struct gf_slice service);

/* hex(HMAC(key, string_to_sign)) into sig_out (65 bytes with the NUL). 0 or GF_ERROR. */
int gf_sigv4_signature(char sig_out[65], const unsigned char key[32],
                       struct gf_slice string_to_sign);

/* Lowercase hex SHA-256 into hex_out (65 bytes with the NUL). 0 or GF_ERROR. */
int gf_sigv4_sha256_hex(char hex_out[65], const void *data, size_t len);

/* --- The server ------------------------------------------------------------------------- */

/* Look up an access key id. Fill secret_out (a secret: it is wiped after use) and, for
 * temporary credentials, token_out with the session token the request must carry (leave it
 * empty to accept any token). Return 0, GF_ENOTFOUND when the key is unknown (no error needs to
 * be set), or another negative code (with the gf_error set), which gf_sigv4_verify passes on. */
typedef int (*gf_sigv4_lookup_fn)(struct gf_buf *secret_out, struct gf_buf *token_out,
                                  struct gf_slice access_key_id, void *payload);

struct gf_sigv4_verify_opts {
    const struct gf_clock *clock; /* the server's clock (borrowed) */
    int64_t max_skew_ms;          /* 0: GF_SIGV4_MAX_SKEW_MS */
    /* The region the scope must name; NULL: any region (IAM and Route 53 are signed with the
     * client's region when the endpoint is overridden, reference §1 note 2). */
    const char *region;
    gf_sigv4_lookup_fn lookup;
    void *lookup_payload;
};

/* Who signed, from the credential scope. Filled as far as parsing got, also on failure, so a
 * caller can shape an error reply for the service (S3 or not) the client addressed. */
struct gf_sigv4_identity {
    char access_key_id[129];
    char date8[9];
    char region[64];
    char service[64]; /* the scope's signing name: local-aws dispatches on it */
    char amz_date[17];
    bool presigned; /* signed in the query rather than the Authorization header */
    bool s3;        /* the scope names "s3": S3's path, payload and error rules apply */
};

/* Verify a received request: header-signed (Authorization) or presigned (X-Amz-* query).
 * The canonical request is rebuilt from the received SignedHeaders with the same canonicaliser
 * as the signer (S3 rules when the scope's service is "s3"); signatures are compared in constant
 * time. Blocks only inside opts->lookup.
 *
 * Returns 0, or GF_EAUTH with gf_error aws_code / http_status set to what AWS answers:
 *   MissingAuthenticationToken 403  no Authorization header and no X-Amz-Signature
 *   IncompleteSignature 400         a garbled Authorization header or X-Amz-Date
 *                                   (S3: AuthorizationHeaderMalformed 400,
 *                                    presigned S3: AuthorizationQueryParametersError 400)
 *   InvalidClientTokenId 403        unknown access key id or wrong session token
 *                                   (S3: InvalidAccessKeyId 403)
 *   SignatureDoesNotMatch 403       wrong signature, a scope date that is not X-Amz-Date's, a
 *                                   region other than opts->region, a body whose hash is not
 *                                   the signed X-Amz-Content-SHA256 (S3: XAmzContentSHA256Mismatch
 *                                   400, and a missing X-Amz-Content-SHA256 is InvalidRequest 400)
 *   RequestTimeTooSkewed 403 (S3)   X-Amz-Date more than max_skew off the server's clock; outside
 *   SignatureDoesNotMatch 403       S3, AWS's query/json services answer "Signature expired: ..."
 *                                   with SignatureDoesNotMatch, which botocore treats the same
 *   AccessDenied 403 (S3) /         a presigned request past X-Amz-Date + X-Amz-Expires
 *   RequestExpired 403 (others)
 *   NotImplemented 501 (S3)         STREAMING-AWS4-HMAC-SHA256-PAYLOAD (signed chunks)
 * Other negative codes: GF_ENOMEM, or what opts->lookup returned. */
int gf_sigv4_verify(struct gf_sigv4_identity *out, const struct gf_sigv4_request *req,
                    const struct gf_sigv4_verify_opts *opts);

#endif
