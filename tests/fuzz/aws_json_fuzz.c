/* SPDX-License-Identifier: Apache-2.0 */
/* aws_json_fuzz.c: fuzz the JSON side of the AWS codecs with untrusted bytes: JSON and
 * rest-json response decoding, error parsing (with the SQS query-error and x-amzn-ErrorType
 * headers taken from the input), and local-aws's JSON request decoding. Input: a first line of
 * header text, then the body. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aws/awserror.h"
#include "aws/codec.h"
#include "common/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct gf_aws_service *const svcs[] = {&gf_aws_ecs, &gf_aws_sqs, &gf_aws_efs,
                                                        &gf_aws_logs};
    const char *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - (const char *)data) : 0;
    char header[256];
    struct gf_aws_header h[3];
    struct gf_aws_msg m = {0};
    struct gf_aws_error e;
    struct gf_slice op;
    json_t *out = NULL;
    size_t i;

    if (hlen >= sizeof(header))
        hlen = sizeof(header) - 1;
    memcpy(header, data, hlen);
    header[hlen] = '\0';
    h[0].name = "x-amzn-query-error";
    h[0].value = header;
    h[1].name = "x-amzn-ErrorType";
    h[1].value = header;
    h[2].name = "X-Amz-Target";
    h[2].value = header;
    m.headers = h;
    m.nheaders = 3;
    m.status = 400;
    m.method = "GET";
    m.path = GF_SLICE_LIT("/2015-02-01/file-systems");
    m.query = GF_SLICE_LIT("MaxItems=10&Marker=a%2");
    m.body = nl ? gf_slice_make(nl + 1, size - (size_t)(nl + 1 - (const char *)data))
               : gf_slice_make((const char *)data, size);
    for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
        m.nheaders = (i % 2) ? 3 : 0;
        gf_aws_error_parse(&e, svcs[i], &m);
        if (gf_aws_response_decode(&out, svcs[i], "DescribeFileSystems", &m, 0) == 0)
            json_decref(out);
        out = NULL;
        if (gf_aws_request_decode(&out, &op, svcs[i], &m) == 0)
            json_decref(out);
        out = NULL;
    }
    return 0;
}
