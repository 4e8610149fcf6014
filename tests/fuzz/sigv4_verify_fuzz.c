/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4_verify_fuzz.c: the SigV4 canonicaliser and verifier over hostile requests, as local-aws
 * will see them. Input: a request in the vectors' request.txt form (method line, headers, blank
 * line, body), run through the verifier and the canonicaliser. Any result is fine but a crash,
 * a leak or a sanitizer report. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_HEADERS 32

static int lookup(struct gf_buf *secret_out, struct gf_buf *token_out, struct gf_slice key_id,
                  void *payload)
{
    (void)token_out;
    (void)payload;
    if (!gf_slice_eq_str(key_id, "AKIDEXAMPLE"))
        return GF_ENOTFOUND;
    return gf_buf_puts(secret_out, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
}

static struct gf_slice next_line(struct gf_slice *rest)
{
    long nl = gf_slice_find(*rest, '\n', 0);
    struct gf_slice line = nl < 0 ? *rest : gf_slice_sub(*rest, 0, (size_t)nl);

    *rest =
        nl < 0 ? gf_slice_sub(*rest, rest->len, 0) : gf_slice_sub(*rest, (size_t)nl + 1, rest->len);
    if (line.len && line.ptr[line.len - 1] == '\r')
        line.len--;
    return line;
}

/* "GET /path?query HTTP/1.1" */
static void parse_request_line(struct gf_sigv4_request *req, struct gf_slice line)
{
    long sp = gf_slice_find(line, ' ', 0);
    struct gf_slice target;
    long q, sp2;

    req->method = sp < 0 ? line : gf_slice_sub(line, 0, (size_t)sp);
    target =
        sp < 0 ? gf_slice_sub(line, line.len, 0) : gf_slice_sub(line, (size_t)sp + 1, line.len);
    sp2 = gf_slice_find(target, ' ', 0);
    if (sp2 >= 0)
        target.len = (size_t)sp2;
    q = gf_slice_find(target, '?', 0);
    req->path = q < 0 ? target : gf_slice_sub(target, 0, (size_t)q);
    req->query = q < 0 ? gf_slice_sub(target, target.len, 0)
                       : gf_slice_sub(target, (size_t)q + 1, target.len);
}

static void one_input(struct gf_slice in, const struct gf_clock *clock)
{
    struct gf_sigv4_header headers[MAX_HEADERS];
    struct gf_sigv4_request req;
    struct gf_sigv4_verify_opts opts = {clock, 0, NULL, lookup, NULL};
    struct gf_sigv4_identity id;
    struct gf_buf canon = GF_BUF_INIT;
    struct gf_slice line;

    memset(&req, 0, sizeof(req));
    parse_request_line(&req, next_line(&in));
    req.headers = headers;
    while (in.len && req.n_headers < MAX_HEADERS) {
        long colon;

        line = next_line(&in);
        if (line.len == 0)
            break;
        colon = gf_slice_find(line, ':', 0);
        if (colon < 0)
            continue;
        headers[req.n_headers].name = gf_slice_sub(line, 0, (size_t)colon);
        headers[req.n_headers].value = gf_slice_sub(line, (size_t)colon + 1, line.len);
        req.n_headers++;
    }
    req.body = in;
    gf_sigv4_verify(&id, &req, &opts);
    gf_sigv4_canonical_request(&canon, &req, GF_SLICE_LIT("host;x-amz-date"),
                               GF_SLICE_LIT(GF_SIGV4_EMPTY_SHA256), 0);
    gf_buf_release(&canon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gf_clock_fixed fixed;

    gf_clock_fixed_init(&fixed, 1440938160000LL); /* the vectors' 2015-08-30T12:36:00Z */
    one_input(gf_slice_make((const char *)data, size), &fixed.clock);
    return 0;
}
