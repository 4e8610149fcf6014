/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_request_fuzz.c: local-aws's request handling (aws/local/server.c,
 * gf_local_server_handle, the function libmicrohttpd's callback also calls) over hostile
 * requests. Input: "METHOD TARGET SCOPE" on the first line, "Name: value" header lines, a blank
 * line, the body. SCOPE "-" sends the request unsigned (the verifier's rejections); any other
 * scope ("ecs", "sqs", "s3"...) signs it with the server's key first, so the bytes reach the
 * decoders, the SQS query translation and the handlers. Any answer is fine but a crash, a leak
 * or a sanitizer report. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/local/local.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_HEADERS 32
#define KEY         "AKIDFUZZ000000000001"
#define SECRET      "fuzz/Secret+Key/0123456789abcdefghijklm"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gf_local_server *s_srv;

static struct gf_local_server *server(void)
{
    static const struct gf_local_cred cred = {KEY, SECRET};
    static const char *const images[] = {"web:1"};
    struct gf_local_opts o;

    if (s_srv)
        return s_srv;
    memset(&o, 0, sizeof(o));
    o.region = "eu-west-1";
    o.account = "123456789012";
    o.creds = &cred;
    o.n_creds = 1;
    o.max_body_bytes = 64 << 10;
    o.images = images;
    o.n_images = 1;
    if (gf_local_server_start(&s_srv, &o) < 0)
        abort();
    return s_srv;
}

/* The next line of *rest (without "\r\n"), NUL-terminated in place. */
static char *next_line(char **rest, char *end)
{
    char *line = *rest, *nl;

    if (line >= end)
        return NULL;
    nl = memchr(line, '\n', (size_t)(end - line));
    *rest = nl ? nl + 1 : end;
    if (!nl)
        nl = end;
    if (nl > line && nl[-1] == '\r')
        nl--;
    *nl = '\0';
    return line;
}

struct parsed {
    char *method, *path, *query, *scope;
    struct gf_aws_header h[MAX_HEADERS + 8];
    size_t n;
    struct gf_slice body;
};

static void parse(struct parsed *p, char *buf, size_t size)
{
    char *end = buf + size, *rest = buf, *line = next_line(&rest, end), *sp, *q;

    memset(p, 0, sizeof(*p));
    p->method = line ? line : (char *)"POST";
    sp = line ? strchr(line, ' ') : NULL;
    p->path = (char *)"/";
    p->scope = (char *)"-";
    if (sp) {
        *sp = '\0';
        p->path = sp + 1;
        sp = strchr(p->path, ' ');
        if (sp) {
            *sp = '\0';
            p->scope = sp + 1;
        }
    }
    q = strchr(p->path, '?');
    p->query = (char *)"";
    if (q) {
        *q = '\0';
        p->query = q + 1;
    }
    while (p->n < MAX_HEADERS && (line = next_line(&rest, end)) && *line) {
        char *colon = strchr(line, ':');

        if (!colon)
            continue;
        *colon = '\0';
        for (colon++; *colon == ' '; colon++) {
        }
        p->h[p->n].name = line;
        p->h[p->n].value = colon;
        p->n++;
    }
    p->body = gf_slice_make(rest, (size_t)(end - rest));
}

/* Sign p with the server's key for its scope: the added headers go into p->h (owned by sig). */
static void sign(struct parsed *p, struct gf_sigv4_signed *sig, char **owned, size_t *n_owned)
{
    struct gf_sigv4_header sh[MAX_HEADERS];
    struct gf_sigv4_creds creds = {GF_SLICE_LIT(KEY), GF_SLICE_LIT(SECRET), GF_SLICE_INIT};
    struct gf_sigv4_params params;
    size_t i;

    for (i = 0; i < p->n; i++) {
        sh[i].name = gf_slice_from(p->h[i].name);
        sh[i].value = gf_slice_from(p->h[i].value);
    }
    memset(&params, 0, sizeof(params));
    params.creds = &creds;
    params.region = GF_SLICE_LIT("eu-west-1");
    params.service = gf_slice_from(p->scope);
    params.time_ms = gf_clock_wall_ms(gf_clock_system());
    struct gf_sigv4_request req = {gf_slice_from(p->method), gf_slice_from(p->path),
                                   gf_slice_from(p->query), sh, p->n, p->body};
    if (gf_sigv4_sign(sig, &req, &params) < 0)
        return;
    for (i = 0; i < sig->n_add && p->n < MAX_HEADERS + 8 && *n_owned + 2 <= 16; i++) {
        owned[*n_owned] = gf_slice_dup(sig->add[i].name);
        owned[*n_owned + 1] = gf_slice_dup(sig->add[i].value);
        if (!owned[*n_owned] || !owned[*n_owned + 1])
            break;
        p->h[p->n].name = owned[*n_owned];
        p->h[p->n].value = owned[*n_owned + 1];
        p->n++;
        *n_owned += 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gf_local_server *srv = server();
    struct gf_sigv4_signed sig;
    struct gf_aws_wire out;
    struct parsed p;
    char *owned[16];
    size_t n_owned = 0, i;
    char *buf = malloc(size + 1);
    bool reset = false;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    parse(&p, buf, size);
    gf_sigv4_signed_init(&sig);
    if (strcmp(p.scope, "-") != 0 && p.scope[0])
        sign(&p, &sig, owned, &n_owned);
    gf_aws_wire_init(&out);
    gf_local_server_handle(&out, &reset, srv, p.method, p.path, gf_slice_from(p.query), p.h, p.n,
                           p.body);
    if (!reset && (out.status < 200 || out.status > 599))
        abort(); /* every request gets an HTTP answer */
    gf_aws_wire_release(&out);
    for (i = 0; i < n_owned; i++)
        gf_free(owned[i]);
    gf_sigv4_signed_release(&sig);
    free(buf);
    return 0;
}
