/* SPDX-License-Identifier: Apache-2.0 */
/* svc_route53.h: Amazon Route 53 hosted zones and record sets through the call layer
 * (aws/client.h, rest-xml, global service, reference/aws-protocols.md §2.5 and §7.12): zones
 * (public and private), record-set changes, change status with a wait for INSYNC (§9
 * ResourceRecordSetsChanged), and tags. Thin: one function per operation, lists fully
 * paginated, no business logic and no caching.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are new references the caller json_decref()s, NULL on failure;
 *   keys are the element names gf_aws_response_decode gives ("HostedZone" {"Id", "Name",
 *   "CallerReference", "Config" {"PrivateZone", "Comment"}, "ResourceRecordSetCount"},
 *   "ChangeInfo" {"Id", "Status", "SubmittedAt"}, "ResourceRecordSet" {"Name", "Type", "TTL",
 *   "ResourceRecords" [{"Value"}], "AliasTarget"}).
 * - Ids: a zone id or change id may be given bare ("Z0123...") or prefixed ("/hostedzone/Z0123",
 *   "/change/C0123") as AWS returns them; the codec strips the prefix. Names are DNS names with
 *   or without the final dot; AWS answers them with it.
 * - String and json_t inputs are borrowed for the call; optional ones are NULL when absent.
 * - Tags (`const json_t *tags`) are Route 53's shape: an array of {"Key": k, "Value": v}.
 * - Reads of one thing normalise NoSuchHostedZone / NoSuchChange and a lookup by name that finds
 *   nothing to GF_ENOTFOUND with a gf_error naming it; CreateHostedZone answered
 *   HostedZoneAlreadyExists (a reused CallerReference) is GF_ECONFLICT, DeleteHostedZone answered
 *   HostedZoneNotEmpty too. InvalidChangeBatch is GF_EINVALID or GF_ERROR as aws/awserror.h maps
 *   it, with aws_code set and AWS's message kept.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_ROUTE53_H
#define GF_AWS_SVC_ROUTE53_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/client.h"
#include "common/clock.h"

/* ---- hosted zones ----------------------------------------------------------------------- */

/* What CreateHostedZone sends. name and caller_reference are required. */
struct gf_route53_zone_spec {
    const char *name;             /* "example.com" or "example.com." */
    const char *caller_reference; /* unique per request (1-128 chars): a retry reuses it */
    const char *comment;          /* HostedZoneConfig.Comment, or NULL */
    bool private_zone;            /* true: vpc_id and vpc_region are required */
    const char *vpc_id;           /* "vpc-..." */
    const char *vpc_region;       /* "eu-west-1" */
};

#define GF_ROUTE53_ZONE_SPEC_INIT                                                                  \
    {                                                                                              \
        NULL, NULL, NULL, false, NULL, NULL                                                        \
    }

/* CreateHostedZone. out (may be NULL): the whole output {"HostedZone", "ChangeInfo",
 * "DelegationSet" (public zones), "VPC" (private zones), "Location"}. GF_ECONFLICT when the
 * caller reference was already used (HostedZoneAlreadyExists). */
int gf_route53_create_hosted_zone(json_t **out, struct gf_aws_client *client,
                                  const struct gf_route53_zone_spec *spec);
/* GetHostedZone. out: the whole output {"HostedZone", "DelegationSet"?, "VPCs"?}.
 * GF_ENOTFOUND. */
int gf_route53_get_hosted_zone(json_t **out, struct gf_aws_client *client, const char *zone_id);
/* DeleteHostedZone. out (may be NULL): the ChangeInfo. GF_ENOTFOUND; GF_ECONFLICT while record
 * sets other than the apex SOA and NS remain (HostedZoneNotEmpty). */
int gf_route53_delete_hosted_zone(json_t **out, struct gf_aws_client *client,
                                  const char *zone_id);
/* ListHostedZones, every page. out: array of HostedZone objects. */
int gf_route53_list_hosted_zones(json_t **out, struct gf_aws_client *client);
/* The zones named exactly `name` (ListHostedZonesByName from `name`, following pages while the
 * names still match). out: array of HostedZone objects (a public and a private zone may share a
 * name). GF_ENOTFOUND when there is none. */
int gf_route53_find_hosted_zones(json_t **out, struct gf_aws_client *client, const char *name);
/* The one zone named `name` whose Config.PrivateZone equals private_zone. out: the HostedZone.
 * GF_ENOTFOUND when there is none; GF_ECONFLICT when several match (the message says how many). */
int gf_route53_find_hosted_zone(json_t **out, struct gf_aws_client *client, const char *name,
                                bool private_zone);

/* ---- record sets ------------------------------------------------------------------------ */

/* One record set, for building a change. Either values (with ttl) or an alias. */
struct gf_route53_record {
    const char *name;                /* "www.example.com" (final dot optional) */
    const char *type;                /* "A", "AAAA", "CNAME", "TXT", "MX", ... */
    int64_t ttl;                     /* seconds; ignored for an alias */
    const char *const *values;       /* nvalues record values (TXT values quoted by caller) */
    size_t nvalues;
    const char *alias_zone_id;       /* AliasTarget.HostedZoneId, or NULL for no alias */
    const char *alias_dns_name;      /* AliasTarget.DNSName */
    bool alias_evaluate_health;      /* AliasTarget.EvaluateTargetHealth */
};

#define GF_ROUTE53_RECORD_INIT                                                                     \
    {                                                                                              \
        NULL, NULL, 0, NULL, 0, NULL, NULL, false                                                  \
    }

/* Append one Change {"Action": action, "ResourceRecordSet": ...} built from rec to `changes`
 * (an array). action: "CREATE", "DELETE" or "UPSERT". Returns 0, GF_EINVALID (no name/type, an
 * unknown action, neither values nor alias), GF_ENOMEM. Never blocks. */
int gf_route53_change_append(json_t *changes, const char *action,
                             const struct gf_route53_record *rec);
/* ChangeResourceRecordSets with `changes` (an array of Change objects in botocore's shape, as
 * gf_route53_change_append builds them) and an optional comment. All or nothing, as AWS applies
 * a batch. out (may be NULL): the ChangeInfo {"Id", "Status", "SubmittedAt"}. GF_ENOTFOUND for
 * the zone; InvalidChangeBatch (creating an existing set, deleting a missing one) as above. */
int gf_route53_change_records(json_t **out, struct gf_aws_client *client, const char *zone_id,
                              const json_t *changes, const char *comment);
/* ListResourceRecordSets, every page, from start_name/start_type (NULL: the first set) in AWS's
 * order (names by reversed labels, then type). out: array of ResourceRecordSet objects.
 * GF_ENOTFOUND for the zone. */
int gf_route53_list_records(json_t **out, struct gf_aws_client *client, const char *zone_id,
                            const char *start_name, const char *start_type);
/* The record set named `name` with `type` (exact, final dot optional, case-insensitive), via
 * one ListResourceRecordSets page starting there. out: the ResourceRecordSet. GF_ENOTFOUND when
 * the zone or the set does not exist. */
int gf_route53_get_record(json_t **out, struct gf_aws_client *client, const char *zone_id,
                          const char *name, const char *type);

/* ---- changes ---------------------------------------------------------------------------- */

/* GetChange. out: the ChangeInfo {"Id", "Status" PENDING|INSYNC, "SubmittedAt"}.
 * GF_ENOTFOUND (NoSuchChange). */
int gf_route53_get_change(json_t **out, struct gf_aws_client *client, const char *change_id);

struct gf_route53_wait_opts {
    int64_t timeout_ms;           /* 0: 1800000 (AWS's waiter: 30 s x 60) */
    int64_t interval_ms;          /* 0: 30000 (AWS's waiter delay) */
    const struct gf_clock *clock; /* NULL: the system clock; sleeps through it */
};

#define GF_ROUTE53_WAIT_OPTS_INIT                                                                  \
    {                                                                                              \
        0, 0, NULL                                                                                 \
    }

/* Poll GetChange until the change is INSYNC (the ResourceRecordSetsChanged waiter, §9). out
 * (may be NULL): the final ChangeInfo. Returns 0; GF_ERETRY when opts->timeout_ms passes first
 * (the gf_error names the change and its status); GF_ENOTFOUND; or the failing call's error.
 * opts may be NULL. Blocks (sleeps between polls). */
int gf_route53_wait_change(json_t **out, struct gf_aws_client *client, const char *change_id,
                           const struct gf_route53_wait_opts *opts);

/* ---- tags ------------------------------------------------------------------------------- */

/* ChangeTagsForResource on a hosted zone: add or overwrite `add` (array of {"Key", "Value"}, or
 * NULL) and remove `remove_keys` (array of key strings, or NULL). GF_ENOTFOUND for the zone. */
int gf_route53_change_zone_tags(struct gf_aws_client *client, const char *zone_id,
                                const json_t *add, const json_t *remove_keys);
/* ListTagsForResource on a hosted zone. out: array of {"Key", "Value"}, [] when none.
 * GF_ENOTFOUND. */
int gf_route53_list_zone_tags(json_t **out, struct gf_aws_client *client, const char *zone_id);

#endif
