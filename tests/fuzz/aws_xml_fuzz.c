/* SPDX-License-Identifier: Apache-2.0 */
/* aws_xml_fuzz.c: fuzz the XML side of the AWS codecs with untrusted bytes: query, EC2 and
 * rest-xml response decoding (hinted and not), error parsing, and local-aws's form and REST
 * request decoding. The first byte picks the operation; the rest is the body. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/awserror.h"
#include "aws/codec.h"
#include "common/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const struct gf_aws_service *svc;
    const char *op;
} s_ops[] = {
    {&gf_aws_iam, "GetRole"},           {&gf_aws_iam, "ListRoles"},
    {&gf_aws_elbv2, "DescribeRules"},   {&gf_aws_ec2, "DescribeSecurityGroups"},
    {&gf_aws_ec2, "DescribeRouteTables"}, {&gf_aws_route53, "ListResourceRecordSets"},
    {&gf_aws_route53, "GetHostedZone"}, {&gf_aws_s3, "CreateBucket"},
    {&gf_aws_sts, "AssumeRole"},        {&gf_aws_iam, "NoSuchOperation"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = sizeof(s_ops) / sizeof(s_ops[0]);
    struct gf_aws_msg m = {0};
    struct gf_aws_error e;
    struct gf_slice op;
    json_t *out = NULL;
    size_t pick;

    if (size < 1)
        return 0;
    pick = data[0] % n;
    m.status = 400 + data[0] % 200;
    m.body = gf_slice_make((const char *)data + 1, size - 1);
    gf_aws_response_decode(&out, s_ops[pick].svc, s_ops[pick].op, &m, GF_AWS_DECODE_TIMES);
    json_decref(out);
    out = NULL;
    gf_aws_error_parse(&e, s_ops[pick].svc, &m);
    /* local-aws reading a request: the body as a form (query/EC2) or a REST body */
    m.method = "POST";
    m.path = GF_SLICE_LIT("/2013-04-01/hostedzone/Z1/rrset/");
    if (gf_aws_request_decode(&out, &op, s_ops[pick].svc, &m) == 0)
        json_decref(out);
    return 0;
}
