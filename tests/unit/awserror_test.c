/* SPDX-License-Identifier: Apache-2.0 */
/* awserror_test.c: AWS error parsing for every protocol (tests/data/aws/errors: recorded error
 * responses with the code, message, request id and classification botocore and reference §4
 * give), the mapping to gf_error, and local-aws error bodies read back by the client. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/awserror.h"
#include "testlib.h"
#include "common/banned.h"

static const char *fault_name(enum gf_aws_fault f)
{
    return f == GF_AWS_FAULT_SENDER ? "sender" : f == GF_AWS_FAULT_RECEIVER ? "receiver" : "unknown";
}

static void check_case(const char *dir, const char *name)
{
    struct gf_buf data = GF_BUF_INIT;
    struct gf_aws_header h[8];
    struct gf_aws_error e;
    struct gf_aws_msg m;
    char path[1024];
    json_t *c;
    const char *key;
    json_t *v;
    size_t n = 0;

    cr_assert_lt((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name), sizeof(path));
    cr_assert_eq(gf_test_read_file(&data, path), 0, "cannot read %s", path);
    c = json_loadb(data.ptr, data.len, 0, NULL);
    cr_assert_not_null(c, "%s", name);
    memset(&m, 0, sizeof(m));
    json_object_foreach(json_object_get(c, "headers"), key, v) {
        h[n].name = key;
        h[n].value = json_string_value(v);
        n++;
    }
    m.headers = h;
    m.nheaders = n;
    m.status = (int)json_integer_value(json_object_get(c, "status"));
    m.body = gf_slice_from(json_string_value(json_object_get(c, "body")));
    gf_cr_ok(gf_aws_error_parse(
        &e, gf_aws_service_by_id(json_string_value(json_object_get(c, "service"))), &m));
    cr_assert_str_eq(e.code, json_string_value(json_object_get(c, "code")), "%s", name);
    cr_assert_str_eq(e.message, json_string_value(json_object_get(c, "message")), "%s", name);
    cr_assert_str_eq(e.request_id, json_string_value(json_object_get(c, "request_id")), "%s",
                     name);
    cr_assert_str_eq(e.query_code, json_string_value(json_object_get(c, "query_code")), "%s",
                     name);
    cr_assert_str_eq(fault_name(e.type), json_string_value(json_object_get(c, "type")), "%s",
                     name);
    cr_assert_eq(e.throttling, json_is_true(json_object_get(c, "throttling")), "%s throttling",
                 name);
    cr_assert_eq(e.transient, json_is_true(json_object_get(c, "transient")), "%s transient",
                 name);
    cr_assert_str_eq(gf_error_code_name(gf_aws_error_code(&e)),
                     json_string_value(json_object_get(c, "gf")), "%s gf code", name);
    cr_assert_eq(e.http_status, m.status);
    json_decref(c);
    gf_buf_release(&data);
}

Test(awserror_parse, every_protocol_from_recorded_bodies)
{
    char dir[1024];
    DIR *d;
    struct dirent *ent;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/aws/errors", gf_test_data_dir());
    d = opendir(dir);
    cr_assert_not_null(d);
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);

        if (len > 5 && strcmp(ent->d_name + len - 5, ".json") == 0) {
            check_case(dir, ent->d_name);
            n++;
        }
    }
    closedir(d);
    cr_assert_geq(n, 30, "only %d error cases", n);
}

Test(awserror_parse, keeps_the_callers_error_on_bad_bodies)
{
    struct gf_aws_msg m;
    struct gf_aws_error e;

    gf_error_set(GF_ERROR, "before");
    memset(&m, 0, sizeof(m));
    m.status = 400;
    m.body = GF_SLICE_LIT("<oops");
    gf_cr_ok(gf_aws_error_parse(&e, &gf_aws_iam, &m));
    cr_assert_str_eq(e.code, "400");
    cr_assert_str_eq(gf_error_last()->msg, "before");
}

Test(awserror_parse, matches_wire_and_shape_names)
{
    struct gf_aws_error e;

    memset(&e, 0, sizeof(e));
    snprintf(e.code, sizeof(e.code), "AWS.SimpleQueueService.NonExistentQueue");
    snprintf(e.query_code, sizeof(e.query_code), "QueueDoesNotExist");
    cr_assert(gf_aws_error_is(&e, "QueueDoesNotExist"));
    cr_assert(gf_aws_error_is(&e, "AWS.SimpleQueueService.NonExistentQueue"));
    cr_assert_not(gf_aws_error_is(&e, "NoSuchEntityException"));
}

Test(awserror_raise, sets_gf_error_fields)
{
    struct gf_aws_error e;
    const struct gf_error *g;

    memset(&e, 0, sizeof(e));
    e.http_status = 400;
    snprintf(e.code, sizeof(e.code), "ServiceNotFoundException");
    snprintf(e.message, sizeof(e.message), "Service not found.");
    snprintf(e.request_id, sizeof(e.request_id), "req-1");
    gf_aws_error_classify(&e);
    cr_assert_eq(gf_aws_error_raise(&e, "ecs", "UpdateService"), GF_ENOTFOUND);
    g = gf_error_last();
    cr_assert_eq(g->code, GF_ENOTFOUND);
    cr_assert_str_eq(g->msg, "ecs:UpdateService: ServiceNotFoundException: Service not found.");
    cr_assert_str_eq(g->where, "ecs:UpdateService");
    cr_assert_str_eq(g->aws_code, "ServiceNotFoundException");
    cr_assert_str_eq(g->request_id, "req-1");
    cr_assert_eq(g->http_status, 400);

    memset(&e, 0, sizeof(e));
    e.http_status = 403;
    snprintf(e.code, sizeof(e.code), "Forbidden");
    cr_assert_eq(gf_aws_error_raise(&e, "s3", "HeadBucket"), GF_EAUTH);
    cr_assert_str_eq(gf_error_last()->msg, "s3:HeadBucket: Forbidden (HTTP 403)");
    cr_assert_str_eq(gf_error_last()->hint,
                     "check the AWS credentials, the region and the IAM permissions");

    memset(&e, 0, sizeof(e));
    e.http_status = 429;
    snprintf(e.code, sizeof(e.code), "Whatever");
    cr_assert_eq(gf_aws_error_code(&e), GF_ERETRY);
}

/* local-aws writes an error; the client reads back what was written. */
static void roundtrip(const struct gf_aws_service *svc, int status, const char *code,
                      const char *want_code, const char *want_query_code, int want_gf)
{
    struct gf_aws_header h[GF_AWS_WIRE_MAX_HEADERS];
    struct gf_aws_wire w;
    struct gf_aws_msg m;
    struct gf_aws_error e;
    size_t i;

    gf_aws_wire_init(&w);
    gf_cr_ok(gf_aws_error_encode(&w, svc, status, code, "it <went> & wrong", "rid-9", true));
    memset(&m, 0, sizeof(m));
    for (i = 0; i < w.nheaders; i++) {
        h[i].name = w.headers[i].name;
        h[i].value = w.headers[i].value;
    }
    m.headers = h;
    m.nheaders = w.nheaders;
    m.status = w.status;
    m.body = gf_buf_slice(&w.body);
    gf_cr_ok(gf_aws_error_parse(&e, svc, &m));
    cr_assert_str_eq(e.code, want_code, "%s", svc->id);
    cr_assert_str_eq(e.query_code, want_query_code, "%s", svc->id);
    cr_assert_str_eq(e.message, "it <went> & wrong", "%s", svc->id);
    cr_assert_str_eq(e.request_id, "rid-9", "%s", svc->id);
    cr_assert_eq(e.type, GF_AWS_FAULT_SENDER, "%s", svc->id);
    cr_assert_eq(gf_aws_error_code(&e), want_gf, "%s", svc->id);
    gf_aws_wire_release(&w);
}

Test(awserror_encode, every_protocol_round_trips)
{
    roundtrip(&gf_aws_ecs, 400, "ClusterNotFoundException", "ClusterNotFoundException", "",
              GF_ENOTFOUND);
    roundtrip(&gf_aws_sqs, 400, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
              "QueueDoesNotExist", GF_ENOTFOUND);
    roundtrip(&gf_aws_iam, 409, "EntityAlreadyExists", "EntityAlreadyExists", "", GF_ECONFLICT);
    roundtrip(&gf_aws_ec2, 400, "InvalidGroup.NotFound", "InvalidGroup.NotFound", "",
              GF_ENOTFOUND);
    roundtrip(&gf_aws_s3, 409, "BucketAlreadyExists", "BucketAlreadyExists", "", GF_ECONFLICT);
    roundtrip(&gf_aws_route53, 404, "NoSuchHostedZone", "NoSuchHostedZone", "", GF_ENOTFOUND);
    roundtrip(&gf_aws_efs, 404, "FileSystemNotFound", "FileSystemNotFound", "", GF_ENOTFOUND);
    roundtrip(&gf_aws_sts, 403, "ExpiredToken", "ExpiredToken", "", GF_EAUTH);
}

Test(awserror_encode, wire_shapes)
{
    struct gf_aws_wire w;

    gf_aws_wire_init(&w);
    gf_cr_ok(gf_aws_error_encode(&w, &gf_aws_sqs, 400, "QueueDoesNotExist", "gone", "r", true));
    cr_assert_str_eq(gf_aws_wire_header(&w, "x-amzn-query-error"),
                     "AWS.SimpleQueueService.NonExistentQueue;Sender");
    cr_assert_str_eq(gf_aws_wire_header(&w, "x-amzn-ErrorType"), "QueueDoesNotExist");
    cr_assert_str_eq(gf_aws_wire_header(&w, "Content-Type"), "application/x-amz-json-1.0");
    cr_assert_str_eq(w.body.ptr,
                     "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"gone\"}");
    gf_aws_wire_release(&w);
    gf_aws_wire_init(&w);
    gf_cr_ok(gf_aws_error_encode(&w, &gf_aws_ec2, 400, "X", "m", "r", true));
    cr_assert_str_eq(w.body.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors>"
                                 "<Error><Code>X</Code><Message>m</Message></Error></Errors>"
                                 "<RequestID>r</RequestID></Response>");
    gf_aws_wire_release(&w);
}
