/* SPDX-License-Identifier: Apache-2.0 */
/* svc_acm_test.c: aws/svc_acm.c against local-aws and moto (one scenario, two backends), the wait
 * for ISSUED on both (moto issues on a timer; local-aws when the validation CNAMEs exist in
 * Route 53, as AWS does), and local-aws's ACM strictness. */
#define _DEFAULT_SOURCE /* setenv */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_acm.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define MISSING "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"

static const char *str(const json_t *o, const char *path)
{
    const char *s = gf_test_json_str(o, path);

    return s ? s : "";
}

/* Whether cert has a DomainValidationOptions entry for `domain`. */
static bool has_option(const json_t *cert, const char *domain)
{
    const json_t *dvo;
    size_t i;

    json_array_foreach (json_object_get(cert, "DomainValidationOptions"), i, dvo) {
        if (strcmp(str(dvo, "DomainName"), domain) == 0)
            return true;
    }
    return false;
}

static void scenario_certificates(struct gf_test_aws *b)
{
    json_t *sans = json_pack("[s]", "www.example.test");
    json_t *tags = json_pack("[{s:s,s:s}]", "Key", "team", "Value", "web");
    json_t *more = json_pack("[{s:s,s:s}]", "Key", "env", "Value", "prod");
    json_t *cert = NULL, *list = NULL;
    char *arn = NULL, *again = NULL, *found = NULL;

    gf_cr_ok(gf_acm_request_certificate(&arn, b->client, "app.example.test", sans, "tok1", tags));
    cr_assert(strncmp(arn, "arn:aws:acm:eu-west-1:123456789012:certificate/", 47) == 0, "%s",
              arn);
    /* a retry repeats every parameter (moto 5.2 also compares the tags) */
    gf_cr_ok(gf_acm_request_certificate(&again, b->client, "app.example.test", sans, "tok1",
                                        tags));
    cr_assert_str_eq(again, arn, "the same idempotency token and domain give the same ARN");
    gf_free(again);
    again = NULL;
    gf_cr_ok(gf_acm_describe_certificate(&cert, b->client, arn));
    cr_assert_str_eq(str(cert, "Status"), "PENDING_VALIDATION");
    cr_assert_str_eq(str(cert, "DomainName"), "app.example.test");
    /* moto 5.2 lists the options in no fixed order; AWS (and local-aws) start with DomainName */
    cr_assert(has_option(cert, "app.example.test") && has_option(cert, "www.example.test"));
    cr_assert_str_eq(str(cert, "DomainValidationOptions.0.ValidationMethod"), "DNS");
    cr_assert_eq(json_array_size(json_object_get(cert, "DomainValidationOptions")), 2);
    json_decref(cert);
    gf_cr_ok(gf_acm_list_certificates(&list, b->client, NULL));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(str(list, "0.CertificateArn"), arn);
    json_decref(list);
    gf_cr_ok(gf_acm_find_certificate(&found, b->client, "app.example.test"));
    cr_assert_str_eq(found, arn);
    gf_cr_fails(GF_ENOTFOUND, gf_acm_find_certificate(&again, b->client, "nope.example.test"));
    gf_cr_ok(gf_acm_add_tags(b->client, arn, more));
    gf_cr_ok(gf_acm_remove_tags(b->client, arn, tags));
    gf_cr_ok(gf_acm_list_tags(&list, b->client, arn));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(str(list, "0.Key"), "env");
    json_decref(list);
    gf_cr_fails(GF_ENOTFOUND, gf_acm_describe_certificate(&cert, b->client, MISSING));
    cr_assert_str_eq(gf_error_last()->msg, "certificate '" MISSING "' not found");
    cr_assert_str_eq(gf_error_last()->aws_code, "ResourceNotFoundException");
    cr_assert_str_eq(gf_error_last()->where, "acm:DescribeCertificate");
    gf_cr_ok(gf_acm_delete_certificate(b->client, arn));
    gf_cr_fails(GF_ENOTFOUND, gf_acm_describe_certificate(&cert, b->client, arn));
    gf_cr_fails(GF_ENOTFOUND, gf_acm_delete_certificate(b->client, arn));
    gf_free(arn);
    gf_free(again);
    gf_free(found);
    json_decref(sans);
    json_decref(tags);
    json_decref(more);
}

Test(svc_acm, certificates_local_aws)
{
    struct gf_test_aws b;

    gf_test_aws_start(&b, GF_TEST_LOCAL_AWS, NULL);
    scenario_certificates(&b);
    gf_test_aws_stop(&b);
}

static void count_polls(const json_t *cert, int attempt, int64_t waited_ms, void *payload)
{
    int *n = payload;

    cr_assert_not_null(json_object_get(cert, "Status"));
    cr_assert_eq(attempt, *n + 1);
    cr_assert_geq(waited_ms, 0);
    (*n)++;
}

/* moto issues a DNS certificate after MOTO_ACM_VALIDATION_WAIT seconds whatever DNS says (a
 * known gap, moto_server.py's header): set to 1 s here so the wait sees PENDING then ISSUED.
 * The shared scenario runs first on the same server. */
Test(svc_acm, certificates_moto)
{
    struct gf_test_aws b;
    struct gf_acm_wait_opts opts = GF_ACM_WAIT_OPTS_INIT;
    json_t *cert = NULL;
    char *arn = NULL;
    int polls = 0;

    setenv("MOTO_ACM_VALIDATION_WAIT", "1", 1);
    gf_test_aws_start(&b, GF_TEST_MOTO, NULL);
    scenario_certificates(&b); /* one moto start-up for both halves */
    gf_cr_ok(gf_acm_request_certificate(&arn, b.client, "app.example.test", NULL, NULL, NULL));
    opts.timeout_ms = 20000;
    opts.interval_ms = 300;
    opts.progress = count_polls;
    opts.payload = &polls;
    gf_cr_ok(gf_acm_wait_issued(&cert, b.client, arn, &opts));
    cr_assert_str_eq(str(cert, "Status"), "ISSUED");
    cr_assert_geq(polls, 2, "pending at first, then issued (%d polls)", polls);
    json_decref(cert);
    gf_free(arn);
    gf_test_aws_stop(&b);
}

/* The validation CNAMEs of cert put in a new Route 53 zone for example.test. */
static void publish_records(struct gf_test_aws *b, const json_t *cert)
{
    json_t *zone = gf_test_aws_call_ok(b, &gf_aws_route53, "CreateHostedZone",
                                       json_pack("{s:s,s:s}", "Name", "example.test",
                                                 "CallerReference", "svc-acm-test"));
    const char *id = str(zone, "HostedZone.Id");
    const json_t *dvo;
    size_t i;

    json_array_foreach (json_object_get(cert, "DomainValidationOptions"), i, dvo) {
        json_t *out = gf_test_aws_call_ok(
            b, &gf_aws_route53, "ChangeResourceRecordSets",
            json_pack("{s:s,s:{s:[{s:s,s:{s:s,s:s,s:i,s:[{s:s}]}}]}}", "HostedZoneId", id,
                      "ChangeBatch", "Changes", "Action", "UPSERT", "ResourceRecordSet", "Name",
                      str(dvo, "ResourceRecord.Name"), "Type", "CNAME", "TTL", 300,
                      "ResourceRecords", "Value", str(dvo, "ResourceRecord.Value")));
        json_decref(out);
    }
    json_decref(zone);
}

/* local-aws: PENDING until every record exists in Route 53, then ISSUED with dates; a wait that
 * runs out answers GF_ERETRY after polling on the injected clock. */
Test(svc_acm, issued_by_dns_local_aws)
{
    struct gf_test_aws b;
    struct gf_acm_wait_opts opts = GF_ACM_WAIT_OPTS_INIT;
    struct gf_clock_fixed clock;
    json_t *cert = NULL, *sans = json_pack("[s]", "*.api.example.test");
    char *arn = NULL;
    int polls = 0;

    gf_test_aws_start(&b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(gf_acm_request_certificate(&arn, b.client, "app.example.test", sans, NULL, NULL));
    gf_cr_ok(gf_acm_describe_certificate(&cert, b.client, arn));
    cr_assert_str_eq(str(cert, "DomainValidationOptions.0.DomainName"), "app.example.test");
    cr_assert_str_eq(str(cert, "DomainValidationOptions.1.DomainName"), "*.api.example.test");
    cr_assert(strstr(str(cert, "DomainValidationOptions.1.ResourceRecord.Name"),
                     ".api.example.test."));
    cr_assert(strstr(str(cert, "DomainValidationOptions.0.ResourceRecord.Value"),
                     ".acm-validations.aws."));
    gf_clock_fixed_init(&clock, 1700000000000);
    opts.clock = &clock.clock;
    opts.timeout_ms = 3000;
    opts.interval_ms = 1000;
    opts.progress = count_polls;
    opts.payload = &polls;
    gf_cr_fails(GF_ERETRY, gf_acm_wait_issued(NULL, b.client, arn, &opts));
    cr_assert_eq(polls, 4, "polls at 0, 1, 2 and 3 s: %d", polls);
    cr_assert(strstr(gf_error_last()->msg, "still PENDING_VALIDATION after 3000 ms"), "%s",
              gf_error_last()->msg);
    publish_records(&b, cert);
    json_decref(cert);
    cert = NULL;
    polls = 0;
    gf_cr_ok(gf_acm_wait_issued(&cert, b.client, arn, &opts));
    cr_assert_eq(polls, 1);
    cr_assert_str_eq(str(cert, "Status"), "ISSUED");
    cr_assert_str_eq(str(cert, "DomainValidationOptions.1.ValidationStatus"), "SUCCESS");
    cr_assert_gt(json_number_value(json_object_get(cert, "NotAfter")),
                 json_number_value(json_object_get(cert, "NotBefore")));
    gf_cr_fails(GF_ENOTFOUND, gf_acm_wait_issued(NULL, b.client, MISSING, &opts));
    json_decref(cert);
    json_decref(sans);
    gf_free(arn);
    gf_test_aws_stop(&b);
}

/* local-aws's codes for what AWS rejects. */
Test(svc_acm, strictness_local_aws)
{
    struct gf_test_aws b;
    json_t *cert = NULL;
    char *arn = NULL;

    gf_test_aws_start(&b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_fails(GF_ERROR, gf_acm_request_certificate(&arn, b.client, "bad..name", NULL, NULL,
                                                     NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "ValidationException");
    cr_assert_null(arn);
    gf_cr_fails(GF_ERROR, gf_acm_request_certificate(&arn, b.client, "ok.example.test", NULL,
                                                     "bad token", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "ValidationException");
    gf_cr_fails(GF_ERROR, gf_acm_describe_certificate(&cert, b.client, "arn:aws:s3:::bucket"));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidArnException");
    cr_assert_eq(gf_error_last()->http_status, 400);
    gf_test_aws_stop(&b);
}
