/* SPDX-License-Identifier: Apache-2.0 */
/* svc_route53_test.c: aws/svc_route53.c against `gitfargate local-aws` and moto (each scenario
 * written once, run against both), local-aws's Route 53 strictness (InvalidChangeBatch
 * messages, all-or-nothing batches, caller references, names, paging in AWS's order, the lazy
 * PENDING -> INSYNC), and its two hooks called in-process on a scratch database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/local/local.h"
#include "aws/svc_route53.h"
#include "common/alloc.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define ZONE "h5.example.com"
#define VPC  "vpc-0123456789abcdef0"

static struct gf_test_aws s_b;

static void stop(void)
{
    gf_test_aws_stop(&s_b);
}

/* Create a zone; *id_out (owned) its id as AWS answers it ("/hostedzone/Z..."). */
static int create_zone(char **id_out, struct gf_test_aws *b, const char *name, const char *ref,
                       const char *vpc)
{
    struct gf_route53_zone_spec spec = GF_ROUTE53_ZONE_SPEC_INIT;
    json_t *out = NULL;
    int rc;

    spec.name = name;
    spec.caller_reference = ref;
    spec.comment = "gitfargate test";
    spec.private_zone = vpc != NULL;
    spec.vpc_id = vpc;
    spec.vpc_region = vpc ? GF_TEST_AWS_REGION : NULL;
    rc = gf_route53_create_hosted_zone(&out, b->client, &spec);
    if (rc == 0 && id_out)
        *id_out = gf_strdup(gf_test_json_str(out, "HostedZone.Id"));
    json_decref(out);
    return rc;
}

static int change(struct gf_test_aws *b, json_t **info_out, const char *zone, const char *action,
                  const char *name, const char *type, const char *value)
{
    struct gf_route53_record rec = GF_ROUTE53_RECORD_INIT;
    const char *values[1] = {value};
    json_t *changes = json_array();
    int rc;

    rec.name = name;
    rec.type = type;
    rec.ttl = 60;
    rec.values = values;
    rec.nvalues = 1;
    gf_cr_ok(gf_route53_change_append(changes, action, &rec));
    rc = gf_route53_change_records(info_out, b->client, zone, changes, "test");
    json_decref(changes);
    return rc;
}

static void records_part(struct gf_test_aws *b, const char *id)
{
    struct gf_route53_wait_opts wait = {5000, 100, NULL};
    json_t *info = NULL, *sets = NULL, *rec = NULL;

    /* lowercase here: moto 5 keeps a name's case (AWS answers names lowercased; local-aws's
     * strictness test sends upper case) */
    gf_cr_ok(change(b, &info, id, "CREATE", "www." ZONE, "A", "10.0.0.1"));
    cr_assert_eq(strncmp(gf_test_json_str(info, "Id"), "/change/", 8), 0);
    gf_cr_ok(gf_route53_wait_change(NULL, b->client, gf_test_json_str(info, "Id"), &wait));
    json_decref(info);
    gf_cr_ok(change(b, NULL, id, "UPSERT", "_x." ZONE ".", "CNAME", "target.example.org"));
    gf_cr_ok(gf_route53_list_records(&sets, b->client, id, NULL, NULL));
    cr_assert_eq(json_array_size(sets), 4, "%s", json_dumps(sets, JSON_COMPACT));
    /* AWS's order: names by reversed labels (apex first), then type */
    cr_assert_str_eq(gf_test_json_str(sets, "0.Type"), "NS");
    cr_assert_str_eq(gf_test_json_str(sets, "1.Type"), "SOA");
    cr_assert_str_eq(gf_test_json_str(sets, "2.Name"), "_x." ZONE ".");
    cr_assert_str_eq(gf_test_json_str(sets, "3.Name"), "www." ZONE ".");
    json_decref(sets);
    gf_cr_ok(gf_route53_get_record(&rec, b->client, id, "www." ZONE, "A"));
    cr_assert_str_eq(gf_test_json_str(rec, "ResourceRecords.0.Value"), "10.0.0.1");
    cr_assert_eq(json_integer_value(json_object_get(rec, "TTL")), 60);
    json_decref(rec);
    gf_cr_fails(GF_ENOTFOUND, gf_route53_get_record(&rec, b->client, id, "nope." ZONE, "A"));

    gf_cr_fails(GF_ERROR, change(b, NULL, id, "CREATE", "www." ZONE, "A", "10.0.0.1"));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidChangeBatch");
    gf_cr_fails(GF_ECONFLICT, gf_route53_delete_hosted_zone(NULL, b->client, id));
    cr_assert_str_eq(gf_error_last()->aws_code, "HostedZoneNotEmpty");
    gf_cr_ok(change(b, NULL, id, "DELETE", "www." ZONE, "A", "10.0.0.1"));
    gf_cr_ok(change(b, NULL, id, "DELETE", "_x." ZONE, "CNAME", "target.example.org"));
}

static void tags_part(struct gf_test_aws *b, const char *id)
{
    json_t *add = json_pack("[{s:s,s:s},{s:s,s:s}]", "Key", "app", "Value", "web", "Key", "team",
                            "Value", "a");
    json_t *rm = json_pack("[s]", "team");
    json_t *tags = NULL;

    gf_cr_ok(gf_route53_change_zone_tags(b->client, id, add, NULL));
    gf_cr_ok(gf_route53_change_zone_tags(b->client, id, NULL, rm));
    gf_cr_ok(gf_route53_list_zone_tags(&tags, b->client, id));
    cr_assert_eq(json_array_size(tags), 1, "%s", json_dumps(tags, JSON_COMPACT));
    cr_assert_str_eq(gf_test_json_str(tags, "0.Key"), "app");
    cr_assert_str_eq(gf_test_json_str(tags, "0.Value"), "web");
    json_decref(tags);
    json_decref(add);
    json_decref(rm);
}

/* A public and a private zone of one name: create, find, records, tags, delete. */
static void zones_scenario(struct gf_test_aws *b)
{
    char *pub = NULL, *priv = NULL;
    json_t *zone = NULL, *all = NULL;

    gf_cr_ok(create_zone(&pub, b, ZONE, "h5-public-1", NULL));
    /* AWS's ids are Z + 13-21 letters and digits; moto 5's are not (no leading Z) */
    cr_assert_eq(strncmp(pub, b->kind == GF_TEST_MOTO ? "/hostedzone/" : "/hostedzone/Z",
                         b->kind == GF_TEST_MOTO ? 12 : 13),
                 0, "%s", pub);
    gf_cr_ok(create_zone(&priv, b, ZONE ".", "h5-private-1", VPC));

    gf_cr_ok(gf_route53_find_hosted_zones(&all, b->client, "H5.Example.COM"));
    cr_assert_eq(json_array_size(all), 2);
    json_decref(all);
    gf_cr_ok(gf_route53_find_hosted_zone(&zone, b->client, ZONE, true));
    cr_assert_str_eq(gf_test_json_str(zone, "Id"), priv);
    json_decref(zone);
    gf_cr_ok(gf_route53_find_hosted_zone(&zone, b->client, ZONE, false));
    cr_assert_str_eq(gf_test_json_str(zone, "Id"), pub);
    cr_assert_str_eq(gf_test_json_str(zone, "Name"), ZONE ".");
    json_decref(zone);
    gf_cr_fails(GF_ENOTFOUND, gf_route53_find_hosted_zones(&all, b->client, "none.example.com"));

    gf_cr_ok(gf_route53_get_hosted_zone(&zone, b->client, pub + strlen("/hostedzone/")));
    cr_assert_str_eq(gf_test_json_str(zone, "HostedZone.Id"), pub);
    cr_assert_not_null(gf_test_json_str(zone, "DelegationSet.NameServers.0"));
    json_decref(zone);
    gf_cr_ok(gf_route53_list_hosted_zones(&all, b->client));
    cr_assert_geq(json_array_size(all), 2);
    json_decref(all);

    records_part(b, pub);
    tags_part(b, pub);

    gf_cr_ok(gf_route53_delete_hosted_zone(&zone, b->client, pub));
    cr_assert_not_null(gf_test_json_str(zone, "Id"));
    json_decref(zone);
    gf_cr_fails(GF_ENOTFOUND, gf_route53_get_hosted_zone(&zone, b->client, pub));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchHostedZone");
    cr_assert_eq(strncmp(gf_error_last()->msg, "route53 hosted zone '/hostedzone/", 33), 0,
                 "%s", gf_error_last()->msg);
    gf_cr_ok(gf_route53_delete_hosted_zone(NULL, b->client, priv));
    gf_free(pub);
    gf_free(priv);
}

Test(svc_route53, zones_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    zones_scenario(&s_b);
}

Test(svc_route53, zones_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    zones_scenario(&s_b);
}

/* ---- local-aws strictness ------------------------------------------------------------------ */

static void batch_fails(const char *id, const char *action, const char *name, const char *type,
                        const char *value, const char *msg)
{
    gf_cr_fails(GF_ERROR, change(&s_b, NULL, id, action, name, type, value));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidChangeBatch");
    cr_assert_eq(gf_error_last()->http_status, 400);
    cr_assert_str_eq(gf_error_last()->msg, msg);
}

#define ICB "route53:ChangeResourceRecordSets: InvalidChangeBatch: "

Test(svc_route53, local_aws_answers_invalid_change_batches_as_aws, .fini = stop)
{
    char *id = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(create_zone(&id, &s_b, ZONE, "r1", NULL));
    gf_cr_ok(change(&s_b, NULL, id, "CREATE", "a." ZONE, "A", "10.0.0.1"));
    batch_fails(id, "CREATE", "A." ZONE ".", "A", "10.0.0.1",
                ICB "[Tried to create resource record set [name='a." ZONE ".', type='A'] but it "
                    "already exists]");
    batch_fails(id, "DELETE", "b." ZONE, "A", "10.0.0.1",
                ICB "[Tried to delete resource record set [name='b." ZONE ".', type='A'] but it "
                    "was not found]");
    batch_fails(id, "DELETE", "a." ZONE, "A", "10.0.0.2",
                ICB "[Tried to delete resource record set [name='a." ZONE ".', type='A'] but the "
                    "values provided do not match the current values]");
    batch_fails(id, "CREATE", ZONE, "CNAME", "x.example.org",
                ICB "[RRSet of type CNAME with DNS name " ZONE ". is not permitted at apex in "
                    "zone " ZONE ".]");
    batch_fails(id, "CREATE", "a." ZONE, "CNAME", "x.example.org",
                ICB "[RRSet of type CNAME with DNS name a." ZONE ". is not permitted as it "
                    "conflicts with other records with the same DNS name in zone " ZONE ".]");
    batch_fails(id, "CREATE", "www.other.org", "A", "10.0.0.1",
                ICB "[RRSet with DNS name www.other.org. is not permitted in zone " ZONE ".]");
    batch_fails(id, "CREATE", "c." ZONE, "A", "300.1.1.1",
                ICB "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value "
                    "is not a valid IPv4 address) encountered with '300.1.1.1'']");
    batch_fails(id, "CREATE", "c." ZONE, "TXT", "unquoted",
                ICB "[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value "
                    "should be enclosed in quotation marks) encountered with 'unquoted'']");
    gf_cr_fails(GF_ENOTFOUND, change(&s_b, NULL, "ZNOPE", "CREATE", "a." ZONE, "A", "10.0.0.1"));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchHostedZone");
    cr_assert_str_eq(gf_error_last()->msg, "route53 hosted zone 'ZNOPE' does not exist");
    gf_free(id);
}

Test(svc_route53, local_aws_applies_a_batch_all_or_nothing, .fini = stop)
{
    struct gf_route53_record rec = GF_ROUTE53_RECORD_INIT;
    const char *v1[] = {"10.0.0.1"}, *v2[] = {"\"text\""};
    json_t *changes = json_array(), *sets = NULL;
    char *id = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(create_zone(&id, &s_b, ZONE, "r1", NULL));
    rec.name = "ok." ZONE;
    rec.type = "A";
    rec.ttl = 30;
    rec.values = v1;
    rec.nvalues = 1;
    gf_cr_ok(gf_route53_change_append(changes, "CREATE", &rec));
    rec.name = "gone." ZONE;
    rec.type = "TXT";
    rec.values = v2;
    gf_cr_ok(gf_route53_change_append(changes, "DELETE", &rec));
    gf_cr_fails(GF_ERROR, gf_route53_change_records(NULL, s_b.client, id, changes, NULL));
    gf_cr_ok(gf_route53_list_records(&sets, s_b.client, id, NULL, NULL));
    cr_assert_eq(json_array_size(sets), 2, "the good half was applied");
    json_decref(sets);
    gf_cr_fails(GF_EINVALID, gf_route53_change_append(changes, "MOVE", &rec));
    json_decref(changes);
    gf_free(id);
}

Test(svc_route53, local_aws_checks_zones_and_caller_references, .fini = stop)
{
    struct gf_route53_zone_spec spec = GF_ROUTE53_ZONE_SPEC_INIT;
    char *id = NULL, *again = NULL;
    json_t *ch = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, (const char *const[]){"--no-topology", NULL});
    gf_cr_ok(create_zone(&id, &s_b, ZONE, "ref-1", NULL));
    cr_assert_geq(strlen(id), strlen("/hostedzone/Z") + 13);
    /* the same request again (a retry) answers the same zone; another request is refused */
    gf_cr_ok(create_zone(&again, &s_b, ZONE, "ref-1", NULL));
    cr_assert_str_eq(again, id);
    gf_cr_fails(GF_ECONFLICT, create_zone(NULL, &s_b, "other.example.com", "ref-1", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "HostedZoneAlreadyExists");
    cr_assert_eq(gf_error_last()->http_status, 409);
    gf_cr_fails(GF_ERROR, create_zone(NULL, &s_b, "bad..name", "ref-2", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidDomainName");
    spec.name = "p.example.com";
    spec.caller_reference = "ref-3";
    spec.private_zone = true;
    gf_cr_fails(GF_ERROR, gf_route53_create_hosted_zone(NULL, s_b.client, &spec));
    cr_assert_str_eq(gf_error_last()->aws_code, "InvalidInput");
    gf_cr_ok(create_zone(NULL, &s_b, "p.example.com", "ref-4", VPC));
    gf_cr_fails(GF_ECONFLICT, create_zone(NULL, &s_b, "p.example.com", "ref-5", VPC));
    cr_assert_str_eq(gf_error_last()->aws_code, "ConflictingDomainExists");
    gf_cr_fails(GF_ENOTFOUND, gf_route53_get_change(&ch, s_b.client, "CNOPE"));
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchChange");
    gf_free(id);
    gf_free(again);
}

Test(svc_route53, local_aws_changes_turn_insync_after_300_ms, .fini = stop)
{
    json_t *info = NULL, *now = NULL;
    char *id = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(create_zone(&id, &s_b, ZONE, "r1", NULL));
    gf_cr_ok(change(&s_b, &info, id, "CREATE", "a." ZONE, "A", "10.0.0.1"));
    cr_assert_str_eq(gf_test_json_str(info, "Status"), "PENDING");
    gf_cr_ok(gf_route53_get_change(&now, s_b.client, gf_test_json_str(info, "Id")));
    cr_assert_str_eq(gf_test_json_str(now, "Status"), "PENDING");
    json_decref(now);
    nanosleep(&(struct timespec){0, 350 * 1000000L}, NULL);
    gf_cr_ok(gf_route53_get_change(&now, s_b.client, gf_test_json_str(info, "Id")));
    cr_assert_str_eq(gf_test_json_str(now, "Status"), "INSYNC");
    cr_assert_str_eq(gf_test_json_str(now, "Id"), gf_test_json_str(info, "Id"));
    json_decref(now);
    json_decref(info);
    gf_free(id);
}

Test(svc_route53, wait_change_times_out_with_eretry, .fini = stop)
{
    struct gf_clock_fixed fixed;
    struct gf_route53_wait_opts wait = {1000, 400, NULL};
    json_t *info = NULL;
    char *id = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_clock_fixed_init(&fixed, 0);
    wait.clock = &fixed.clock; /* sleeps advance a frozen clock: the server never sees 300 ms */
    gf_cr_ok(create_zone(&id, &s_b, ZONE, "r1", NULL));
    gf_cr_ok(change(&s_b, &info, id, "CREATE", "a." ZONE, "A", "10.0.0.1"));
    gf_cr_fails(GF_ERETRY, gf_route53_wait_change(NULL, s_b.client, gf_test_json_str(info, "Id"),
                                                  &wait));
    cr_assert_not_null(strstr(gf_error_last()->msg, "is still PENDING after"), "%s",
                       gf_error_last()->msg);
    json_decref(info);
    gf_free(id);
}

/* Paging in AWS's order: ListHostedZonesByName from a name, ListResourceRecordSets from a
 * name and type, one item per page. */
Test(svc_route53, local_aws_pages_in_aws_order, .fini = stop)
{
    static const char *const names[] = {"b.example.com", "a.example.net", "z.a.example.com",
                                        "example.com", NULL};
    json_t *page = NULL, *sets = NULL;
    char *id = NULL;
    size_t i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, (const char *const[]){"--no-topology", NULL});
    for (i = 0; names[i]; i++) {
        char ref[32];

        snprintf(ref, sizeof(ref), "r%zu", i);
        gf_cr_ok(create_zone(i == 3 ? &id : NULL, &s_b, names[i], ref, NULL));
    }
    page = gf_test_aws_call_ok(&s_b, &gf_aws_route53, "ListHostedZonesByName",
                               json_pack("{s:s, s:s}", "DNSName", "a.example.com", "MaxItems",
                                         "2"));
    cr_assert_str_eq(gf_test_json_str(page, "HostedZones.0.Name"), "z.a.example.com.");
    cr_assert_str_eq(gf_test_json_str(page, "HostedZones.1.Name"), "b.example.com.");
    cr_assert_str_eq(gf_test_json_str(page, "NextDNSName"), "a.example.net.");
    json_decref(page);
    gf_cr_ok(change(&s_b, NULL, id, "CREATE", "m.example.com", "A", "10.0.0.1"));
    gf_cr_ok(change(&s_b, NULL, id, "CREATE", "m.example.com", "TXT", "\"t\""));
    gf_cr_ok(gf_route53_list_records(&sets, s_b.client, id, "m.example.com", "TXT"));
    cr_assert_eq(json_array_size(sets), 1);
    cr_assert_str_eq(gf_test_json_str(sets, "0.Type"), "TXT");
    json_decref(sets);
    page = gf_test_aws_call_ok(&s_b, &gf_aws_route53, "ListResourceRecordSets",
                               json_pack("{s:s, s:s}", "HostedZoneId", id, "MaxItems", "3"));
    cr_assert_str_eq(gf_test_json_str(page, "NextRecordName"), "m.example.com.");
    cr_assert_str_eq(gf_test_json_str(page, "NextRecordType"), "TXT");
    json_decref(page);
    gf_free(id);
}

/* The topology's zones: a public and a private zone of --domain. */
Test(svc_route53, local_aws_seeds_the_topology_zones, .fini = stop)
{
    json_t *zone = NULL;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, (const char *const[]){"--domain", "h5.test", NULL});
    gf_cr_ok(gf_route53_find_hosted_zone(&zone, s_b.client, "h5.test", false));
    json_decref(zone);
    gf_cr_ok(gf_route53_find_hosted_zone(&zone, s_b.client, "h5.test", true));
    json_decref(zone);
}

/* ---- the hooks, in-process -------------------------------------------------------------- */

Test(local_route53, hooks_seed_zones_and_find_records)
{
    struct gf_local_db *db = NULL;
    struct gf_local_ctx ctx;
    json_t *zones = NULL;
    bool found = true;

    gf_cr_ok(gf_local_db_open(&db, ":memory:"));
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.svc = &gf_aws_route53;
    ctx.region = "eu-west-1";
    ctx.account = GF_TEST_AWS_ACCOUNT;
    ctx.now_ms = 1767225600000;
    gf_cr_ok(gf_local_route53_seed(&ctx, "demo.test", VPC));
    gf_cr_ok(gf_local_route53_has_record(&found, &ctx, "demo.test", "SOA", "awsdns-hostmaster"));
    cr_assert(found);
    gf_cr_ok(gf_local_route53_has_record(&found, &ctx, "DEMO.test.", "ns", "awsdns"));
    cr_assert(found);
    gf_cr_ok(gf_local_route53_has_record(&found, &ctx, "demo.test", "NS", "not-there"));
    cr_assert_not(found);
    gf_cr_ok(gf_local_route53_has_record(&found, &ctx, "x.demo.test", "CNAME", ""));
    cr_assert_not(found);
    {
        struct gf_local_list q = {"route53", "zone", NULL, NULL, false, 0, 10};
        bool more = false;

        gf_cr_ok(gf_local_db_list(&zones, &more, db, &q));
        cr_assert_eq(json_array_size(zones), 2);
        json_decref(zones);
    }
    gf_local_db_free(db);
}
