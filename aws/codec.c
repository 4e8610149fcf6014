/* SPDX-License-Identifier: Apache-2.0 */
/* codec.c: what the protocol codecs share (aws/codec.h): the owned and borrowed HTTP message
 * types, hint lookup, percent and XML escaping, the per-protocol dispatch of the four entry
 * points, request ids, and the §8 pagination table. No I/O. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/codec.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

void gf_aws_wire_init(struct gf_aws_wire *w)
{
    memset(w, 0, sizeof(*w));
    gf_buf_init(&w->path, 0);
    gf_buf_init(&w->query, 0);
    gf_buf_init(&w->body, 0);
}

void gf_aws_wire_release(struct gf_aws_wire *w)
{
    size_t i;

    for (i = 0; i < w->nheaders; i++) {
        gf_free(w->headers[i].name);
        gf_free(w->headers[i].value);
    }
    gf_buf_release(&w->path);
    gf_buf_release(&w->query);
    gf_buf_release(&w->body);
    gf_aws_wire_init(w);
}

int gf_aws_wire_add_header(struct gf_aws_wire *w, const char *name, const char *value)
{
    char *n = NULL;
    char *v = NULL;

    if (w->nheaders >= GF_AWS_WIRE_MAX_HEADERS)
        return gf_error_set(GF_ERROR, "too many headers adding '%s'", name);
    n = gf_strdup(name);
    v = gf_strdup(value);
    if (!n || !v) {
        gf_free(n);
        gf_free(v);
        return gf_error_oom();
    }
    w->headers[w->nheaders].name = n;
    w->headers[w->nheaders].value = v;
    w->nheaders++;
    return 0;
}

const char *gf_aws_wire_header(const struct gf_aws_wire *w, const char *name)
{
    size_t i;

    for (i = 0; i < w->nheaders; i++) {
        if (strcasecmp(w->headers[i].name, name) == 0)
            return w->headers[i].value;
    }
    return NULL;
}

const char *gf_aws_msg_header(const struct gf_aws_msg *m, const char *name)
{
    size_t i;

    for (i = 0; m->headers && i < m->nheaders; i++) {
        if (m->headers[i].name && strcasecmp(m->headers[i].name, name) == 0)
            return m->headers[i].value ? m->headers[i].value : "";
    }
    return NULL;
}

const struct gf_aws_op *gf_aws_op_find(const struct gf_aws_service *svc, const char *name)
{
    size_t i;

    for (i = 0; name && gf_aws_ops[i].service; i++) {
        if (gf_aws_ops[i].service == svc && strcmp(gf_aws_ops[i].name, name) == 0)
            return &gf_aws_ops[i];
    }
    return NULL;
}

const struct gf_aws_hint *gf_aws_hint_find(const struct gf_aws_hint *hints, const char *path,
                                           size_t path_len)
{
    size_t i;

    for (i = 0; hints && hints[i].path; i++) {
        if (strlen(hints[i].path) == path_len && memcmp(hints[i].path, path, path_len) == 0)
            return &hints[i];
    }
    return NULL;
}

int gf_aws_xml_escape(struct gf_buf *out, struct gf_slice s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        char c = s.ptr[i];

        switch (c) {
        case '&':
            gf_buf_puts(out, "&amp;");
            break;
        case '<':
            gf_buf_puts(out, "&lt;");
            break;
        case '>':
            gf_buf_puts(out, "&gt;");
            break;
        case '"':
            gf_buf_puts(out, "&quot;");
            break;
        case '\r':
            gf_buf_puts(out, "&#xD;");
            break;
        default:
            gf_buf_putc(out, c);
        }
    }
    return gf_buf_failed(out) ? gf_error_oom() : 0;
}

const char *gf_aws_scalar_text(char *out, size_t size, const json_t *v, const struct gf_aws_hint *h)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_true(v))
        return "true";
    if (json_is_false(v))
        return "false";
    if (h && h->type == GF_AWS_H_TIME && json_is_number(v)) {
        int64_t ms = (int64_t)(json_number_value(v) * 1000.0);

        gf_time_iso8601(out, size, ms, ms % 1000 != 0);
        return out;
    }
    if (json_is_integer(v)) {
        snprintf(out, size, "%lld", (long long)json_integer_value(v));
        return out;
    }
    if (json_is_real(v)) {
        snprintf(out, size, "%.15g", json_real_value(v));
        return out;
    }
    return NULL;
}

int gf_aws_request_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, const char *op,
                          const json_t *input)
{
    const struct gf_aws_op *desc = gf_aws_op_find(svc, op);

    if (input && !json_is_object(input))
        return gf_error_set(GF_EINVALID, "input of '%s:%s' is not an object", svc->id, op);
    switch (svc->protocol) {
    case GF_AWS_PROTO_QUERY:
    case GF_AWS_PROTO_EC2:
        return gf_aws_query_encode(out, svc, op, desc, input);
    case GF_AWS_PROTO_JSON:
        return gf_aws_json_encode(out, svc, op, input);
    case GF_AWS_PROTO_REST_XML:
    case GF_AWS_PROTO_REST_JSON:
        break;
    }
    if (!desc)
        return gf_error_set(GF_EINVALID, "unknown operation '%s:%s'", svc->id, op);
    if (svc->protocol == GF_AWS_PROTO_REST_XML)
        return gf_aws_restxml_encode(out, desc, input);
    return gf_aws_restjson_encode(out, desc, input);
}

static int decode_rest(json_t **out, const struct gf_aws_service *svc, const char *op,
                       const struct gf_aws_msg *resp, unsigned flags)
{
    const struct gf_aws_op *desc = gf_aws_op_find(svc, op);
    json_t *obj = NULL;
    int rc;

    if (svc->protocol == GF_AWS_PROTO_REST_JSON)
        rc = gf_aws_json_decode_body(&obj, resp->body);
    else if (desc && gf_aws_op_text_root(desc) && gf_slice_trim(resp->body).len)
        rc = gf_aws_xml_root_text(&obj, resp->body);
    else
        rc = gf_aws_xml_decode(&obj, resp->body, NULL, "", desc ? desc->out : NULL, flags);
    if (rc < 0)
        return rc;
    if (json_is_string(obj) && desc && gf_aws_op_text_root(desc)) {
        /* S3 GetBucketLocation: the root's text is the member (botocore special-cases it) */
        json_t *wrapped = json_pack("{s:o}", gf_aws_op_text_root(desc), obj);

        if (!wrapped)
            return gf_error_oom();
        obj = wrapped;
    } else if (!json_is_object(obj)) {
        /* an empty root: the output has no body members */
        json_decref(obj);
        obj = json_object();
        if (!obj)
            return gf_error_oom();
    }
    if (desc) {
        rc = gf_aws_rest_output_headers(obj, desc, resp);
        if (rc < 0) {
            json_decref(obj);
            return rc;
        }
    }
    *out = obj;
    return 0;
}

int gf_aws_response_decode(json_t **out, const struct gf_aws_service *svc, const char *op,
                           const struct gf_aws_msg *resp, unsigned flags)
{
    const struct gf_aws_op *desc = gf_aws_op_find(svc, op);
    json_t *obj = NULL;
    char wrapper[160];
    int rc;

    *out = NULL;
    switch (svc->protocol) {
    case GF_AWS_PROTO_JSON:
        return gf_aws_json_decode_body(out, resp->body);
    case GF_AWS_PROTO_QUERY:
    case GF_AWS_PROTO_EC2:
        /* every query output we use has a resultWrapper `<Op>Result` (§2.2); EC2 has none */
        if (desc && desc->result_wrapper)
            snprintf(wrapper, sizeof(wrapper), "%s", desc->result_wrapper);
        else
            snprintf(wrapper, sizeof(wrapper), "%sResult", op);
        rc = gf_aws_xml_decode(&obj, resp->body,
                               svc->protocol == GF_AWS_PROTO_QUERY ? wrapper : NULL, "",
                               desc ? desc->out : NULL, flags);
        if (rc < 0)
            return rc;
        if (!json_is_object(obj)) {
            json_decref(obj);
            obj = json_object();
            if (!obj)
                return gf_error_oom();
        }
        /* the envelope's metadata is not output (gf_aws_response_request_id reads it) */
        json_object_del(obj, "ResponseMetadata");
        json_object_del(obj, "requestId");
        *out = obj;
        return 0;
    case GF_AWS_PROTO_REST_XML:
    case GF_AWS_PROTO_REST_JSON:
        break;
    }
    return decode_rest(out, svc, op, resp, flags);
}

/* The text of the first <tag>text</tag> in body (a scan, not a parse: request ids only). */
static bool scan_tag(char *out, size_t size, struct gf_slice body, const char *tag)
{
    size_t tlen = strlen(tag);
    size_t i;

    for (i = 0; i + tlen + 2 <= body.len; i++) {
        size_t start;
        size_t end;

        if (body.ptr[i] != '<' || memcmp(body.ptr + i + 1, tag, tlen) != 0 ||
            body.ptr[i + 1 + tlen] != '>')
            continue;
        start = i + tlen + 2;
        for (end = start; end < body.len && body.ptr[end] != '<'; end++)
            ;
        if (end - start >= size)
            end = start + size - 1;
        memcpy(out, body.ptr + start, end - start);
        out[end - start] = '\0';
        return true;
    }
    return false;
}

void gf_aws_response_request_id(char *out, size_t size, const struct gf_aws_msg *resp)
{
    static const char *const headers[] = {"x-amzn-RequestId", "x-amz-request-id", NULL};
    static const char *const tags[] = {"RequestId", "requestId", "RequestID", NULL};
    size_t i;

    if (size == 0)
        return;
    out[0] = '\0';
    for (i = 0; headers[i]; i++) {
        const char *v = gf_aws_msg_header(resp, headers[i]);

        if (v && v[0]) {
            size_t n = strlen(v) < size - 1 ? strlen(v) : size - 1;

            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
    }
    for (i = 0; tags[i]; i++) {
        if (scan_tag(out, size, resp->body, tags[i]))
            return;
    }
}

int gf_aws_request_decode(json_t **input_out, struct gf_slice *op_out,
                          const struct gf_aws_service *svc, const struct gf_aws_msg *req)
{
    const char *target;
    const char *dot;

    *input_out = NULL;
    switch (svc->protocol) {
    case GF_AWS_PROTO_QUERY:
    case GF_AWS_PROTO_EC2:
        return gf_aws_query_decode_request(input_out, op_out, svc, req);
    case GF_AWS_PROTO_JSON:
        target = gf_aws_msg_header(req, "X-Amz-Target");
        dot = target ? strrchr(target, '.') : NULL;
        if (!dot || !dot[1])
            return gf_error_set(GF_EINVALID, "missing or bad X-Amz-Target header");
        *op_out = gf_slice_from(dot + 1);
        return gf_aws_json_decode_body(input_out, req->body);
    case GF_AWS_PROTO_REST_XML:
    case GF_AWS_PROTO_REST_JSON:
        break;
    }
    return gf_aws_rest_decode_request(input_out, op_out, svc, req);
}

static int json_response(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                         const json_t *output, const char *request_id)
{
    char ctype[64];
    int rc;

    out->status = 200;
    if (output)
        rc = gf_aws_json_dump(&out->body, output);
    else
        rc = gf_buf_puts(&out->body, "{}");
    if (rc < 0)
        return rc;
    if (svc->protocol == GF_AWS_PROTO_JSON)
        snprintf(ctype, sizeof(ctype), "application/x-amz-json-%s", svc->json_version);
    else
        snprintf(ctype, sizeof(ctype), "application/json");
    rc = gf_aws_wire_add_header(out, "Content-Type", ctype);
    if (rc == 0 && request_id)
        rc = gf_aws_wire_add_header(out, "x-amzn-RequestId", request_id);
    return rc;
}

int gf_aws_response_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                           const char *op, const json_t *output, const char *request_id)
{
    const struct gf_aws_op *desc = gf_aws_op_find(svc, op);
    int rc;

    switch (svc->protocol) {
    case GF_AWS_PROTO_QUERY:
    case GF_AWS_PROTO_EC2:
        return gf_aws_query_encode_response(out, svc, op, desc, output, request_id);
    case GF_AWS_PROTO_JSON:
        return json_response(out, svc, output, request_id);
    case GF_AWS_PROTO_REST_XML:
    case GF_AWS_PROTO_REST_JSON:
        break;
    }
    if (!desc)
        return gf_error_set(GF_EINVALID, "unknown operation '%s:%s'", svc->id, op);
    if (svc->protocol == GF_AWS_PROTO_REST_JSON) {
        rc = json_response(out, svc, output, request_id);
    } else {
        rc = gf_aws_rest_encode_response(out, svc, desc, output);
        if (rc == 0 && request_id)
            rc = gf_aws_wire_add_header(
                out, svc == &gf_aws_s3 ? "x-amz-request-id" : "x-amzn-RequestId", request_id);
    }
    return rc;
}

/* ---- pagination: reference §8 (paginators-1.json) ---------------------------------------- */

#define PG1(svc, op, in, out, more, limit, result)                                                 \
    {                                                                                              \
        &gf_aws_##svc, op, {in, NULL, NULL}, {out, NULL, NULL}, more, limit, result                \
    }

static const struct gf_aws_paginator s_paginators[] = {
    PG1(ecs, "ListTaskDefinitions", "nextToken", "nextToken", NULL, "maxResults",
        "taskDefinitionArns"),
    PG1(ecs, "ListTasks", "nextToken", "nextToken", NULL, "maxResults", "taskArns"),
    PG1(ecs, "ListClusters", "nextToken", "nextToken", NULL, "maxResults", "clusterArns"),
    PG1(ecs, "ListServices", "nextToken", "nextToken", NULL, "maxResults", "serviceArns"),
    PG1(ecs, "ListTaskDefinitionFamilies", "nextToken", "nextToken", NULL, "maxResults",
        "families"),
    PG1(ecr, "DescribeImages", "nextToken", "nextToken", NULL, "maxResults", "imageDetails"),
    PG1(ecr, "DescribeRepositories", "nextToken", "nextToken", NULL, "maxResults", "repositories"),
    PG1(iam, "ListRoles", "Marker", "Marker", "IsTruncated", "MaxItems", "Roles"),
    PG1(iam, "ListRolePolicies", "Marker", "Marker", "IsTruncated", "MaxItems", "PolicyNames"),
    PG1(iam, "ListAttachedRolePolicies", "Marker", "Marker", "IsTruncated", "MaxItems",
        "AttachedPolicies"),
    PG1(iam, "ListRoleTags", "Marker", "Marker", "IsTruncated", "MaxItems", "Tags"),
    /* EC2: decoded keys are the wire's element names (`nextToken`, `vpcSet`) */
    PG1(ec2, "DescribeVpcs", "NextToken", "nextToken", NULL, "MaxResults", "vpcSet"),
    PG1(ec2, "DescribeSubnets", "NextToken", "nextToken", NULL, "MaxResults", "subnetSet"),
    PG1(ec2, "DescribeRouteTables", "NextToken", "nextToken", NULL, "MaxResults", "routeTableSet"),
    PG1(ec2, "DescribeInternetGateways", "NextToken", "nextToken", NULL, "MaxResults",
        "internetGatewaySet"),
    PG1(ec2, "DescribeNatGateways", "NextToken", "nextToken", NULL, "MaxResults", "natGatewaySet"),
    PG1(ec2, "DescribeSecurityGroups", "NextToken", "nextToken", NULL, "MaxResults",
        "securityGroupInfo"),
    PG1(ec2, "DescribeSecurityGroupRules", "NextToken", "nextToken", NULL, "MaxResults",
        "securityGroupRuleSet"),
    PG1(ec2, "DescribeTags", "NextToken", "nextToken", NULL, "MaxResults", "tagSet"),
    PG1(elbv2, "DescribeLoadBalancers", "Marker", "NextMarker", NULL, "PageSize", "LoadBalancers"),
    PG1(elbv2, "DescribeTargetGroups", "Marker", "NextMarker", NULL, "PageSize", "TargetGroups"),
    PG1(elbv2, "DescribeListeners", "Marker", "NextMarker", NULL, "PageSize", "Listeners"),
    PG1(elbv2, "DescribeRules", "Marker", "NextMarker", NULL, "PageSize", "Rules"),
    PG1(logs, "DescribeLogGroups", "nextToken", "nextToken", NULL, "limit", "logGroups"),
    PG1(logs, "DescribeLogStreams", "nextToken", "nextToken", NULL, "limit", "logStreams"),
    PG1(logs, "FilterLogEvents", "nextToken", "nextToken", NULL, "limit", "events"),
    PG1(events, "ListTargetsByRule", "NextToken", "NextToken", NULL, "Limit", "Targets"),
    PG1(events, "ListRules", "NextToken", "NextToken", NULL, "Limit", "Rules"),
    PG1(sqs, "ListQueues", "NextToken", "NextToken", NULL, "MaxResults", "QueueUrls"),
    PG1(secretsmanager, "ListSecrets", "NextToken", "NextToken", NULL, "MaxResults", "SecretList"),
    PG1(ssm, "DescribeParameters", "NextToken", "NextToken", NULL, "MaxResults", "Parameters"),
    PG1(acm, "ListCertificates", "NextToken", "NextToken", NULL, "MaxItems",
        "CertificateSummaryList"),
    {&gf_aws_route53,
     "ListResourceRecordSets",
     {"StartRecordName", "StartRecordType", "StartRecordIdentifier"},
     {"NextRecordName", "NextRecordType", "NextRecordIdentifier"},
     "IsTruncated",
     "MaxItems",
     "ResourceRecordSets"},
    PG1(efs, "DescribeFileSystems", "Marker", "NextMarker", NULL, "MaxItems", "FileSystems"),
    PG1(efs, "DescribeMountTargets", "Marker", "NextMarker", NULL, "MaxItems", "MountTargets"),
    {NULL, NULL, {NULL, NULL, NULL}, {NULL, NULL, NULL}, NULL, NULL, NULL},
};

const char *gf_aws_op_text_root(const struct gf_aws_op *desc)
{
    return desc->service == &gf_aws_s3 && strcmp(desc->name, "GetBucketLocation") == 0
               ? "LocationConstraint"
               : NULL;
}

const struct gf_aws_paginator *gf_aws_paginator_find(const struct gf_aws_service *svc,
                                                     const char *op)
{
    size_t i;

    for (i = 0; op && s_paginators[i].service; i++) {
        if (s_paginators[i].service == svc && strcmp(s_paginators[i].op, op) == 0)
            return &s_paginators[i];
    }
    return NULL;
}

int gf_aws_paginator_next(bool *more_out, json_t *input, const struct gf_aws_paginator *p,
                          const json_t *output)
{
    bool more = false;
    size_t i;

    for (i = 0; i < 3 && p->input_token[i]; i++) {
        json_t *tok = json_object_get(output, p->output_token[i]);

        if (tok && !json_is_null(tok) && !(json_is_string(tok) && !json_string_length(tok))) {
            if (json_object_set(input, p->input_token[i], tok) < 0)
                return gf_error_oom();
            if (i == 0)
                more = true;
        } else {
            json_object_del(input, p->input_token[i]);
        }
    }
    if (p->more_results) {
        json_t *flag = json_object_get(output, p->more_results);

        more = json_is_true(flag) ||
               (json_is_string(flag) && strcmp(json_string_value(flag), "true") == 0);
    }
    *more_out = more;
    return 0;
}
