/* SPDX-License-Identifier: Apache-2.0 */
/* local.h: `gitfargate local-aws`, a stateful stand-in for the AWS APIs gitfargate calls
 * (DESIGN.md "AWS, for real and locally"). One HTTP port serves every service: each request is
 * size-capped, SigV4-verified (aws/sigv4.h), routed on its credential scope's service
 * (reference/aws-protocols.md §2.7), decoded and answered with the client's own codecs
 * (aws/codec.h, aws/awserror.h), and its state kept in SQLite (db.c).
 *
 * Layout: server.c (HTTP, dispatch, SigV4, stats), db.c (the SQLite state), svc_<service>.c (one
 * table of operations per service, exported as one const struct gf_local_service).
 *
 * Ownership, once for the whole API: options and their strings are borrowed for the server's
 * life; json_t inputs are borrowed for a call; json_t **out are new references the caller
 * json_decref()s. Threads: libmicrohttpd runs a thread per connection; handlers are serialised by
 * one lock, so the database connection is only ever used by one thread at a time (injected
 * latency sleeps outside it). */
#ifndef GF_AWS_LOCAL_H
#define GF_AWS_LOCAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/service.h"
#include "common/buf.h"
#include "common/clock.h"

#define GF_LOCAL_DEFAULT_HOST      "127.0.0.1"
#define GF_LOCAL_DEFAULT_PORT      4566
#define GF_LOCAL_DEFAULT_REGION    "us-east-1"
#define GF_LOCAL_DEFAULT_ACCOUNT   "000000000000"
#define GF_LOCAL_DEFAULT_KEY       "test"
#define GF_LOCAL_DEFAULT_SECRET    "test"
#define GF_LOCAL_MAX_BODY_BYTES    (8u << 20) /* larger bodies get 413 RequestEntityTooLarge */
#define GF_LOCAL_MAX_CREDENTIALS   16
#define GF_LOCAL_STATS_PATH        "/_localaws/stats"

/* ---- the state (db.c) ------------------------------------------------------------------- */

/* One SQLite connection holding every resource as a JSON document in one `resources` table
 * keyed by (service, type, name, version): see db.c for why one table. */
struct gf_local_db;

/* Open (creating when missing) the database at `path` (":memory:" for a throw-away one), in WAL
 * mode for a file. Returns 0, GF_ERROR (cannot open, not a database; where = path) or GF_ENOMEM.
 * Blocks on file I/O. */
int gf_local_db_open(struct gf_local_db **out, const char *path);
/* Close it (NULL allowed). */
void gf_local_db_free(struct gf_local_db *db);

/* A resource row. `version` is 0 for unversioned resources (clusters), the revision for
 * versioned ones (task definitions); `status` is the resource's lifecycle word (ACTIVE). */
struct gf_local_res {
    const char *service; /* "ecs" */
    const char *type;    /* "cluster", "task-definition" */
    const char *name;    /* "web", the family */
    int64_t version;
    const char *arn;
    const char *status;
    const json_t *doc; /* the document as the API returns it (borrowed) */
};

/* Insert or replace the row of (service, type, name, version). 0 or GF_ERROR / GF_ENOMEM. */
int gf_local_db_put(struct gf_local_db *db, const struct gf_local_res *res);
/* The document of one row into *doc_out, NULL when absent (returns 0 either way). */
int gf_local_db_get(json_t **doc_out, struct gf_local_db *db, const char *service,
                    const char *type, const char *name, int64_t version);
/* Delete one row; *deleted_out tells whether it existed. */
int gf_local_db_delete(bool *deleted_out, struct gf_local_db *db, const char *service,
                       const char *type, const char *name, int64_t version);
/* The highest version of `name` (0 when none), and the highest ACTIVE one. */
int gf_local_db_max_version(int64_t *max_out, int64_t *max_active_out, struct gf_local_db *db,
                            const char *service, const char *type, const char *name);

struct gf_local_list {
    const char *service, *type;
    const char *name;   /* only this name; NULL: all */
    const char *status; /* only this status; NULL: any */
    bool desc;          /* order by name, version descending */
    int64_t offset;     /* rows to skip */
    int64_t limit;      /* rows at most */
};
/* The documents matching `q` in order, as a new array; *more_out: rows remain after them. */
int gf_local_db_list(json_t **docs_out, bool *more_out, struct gf_local_db *db,
                     const struct gf_local_list *q);

/* ---- services (svc_<service>.c) --------------------------------------------------------- */

/* What an operation handler sees of the request. */
struct gf_local_opts;

struct gf_local_ctx {
    struct gf_local_db *db;
    const struct gf_aws_service *svc;  /* the service being called */
    const struct gf_local_opts *opts;  /* the server's options (compose dir, docker, ...) */
    const char *region;        /* the configured region */
    const char *account;       /* the configured account id */
    const char *access_key_id; /* the verified caller */
    int64_t now_ms;
    /* An AWS error to answer with, filled by gf_local_fail. */
    int err_status;
    char err_code[128];
    char err_message[512];
};

/* Set the AWS error a handler answers with; returns GF_EINVALID for `return gf_local_fail(...)`.
 * A handler returning GF_EINVALID without calling it answers 400 with the service's validation
 * code; any other negative code answers 500 InternalFailure. */
int gf_local_fail(struct gf_local_ctx *ctx, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One operation: fill *out (a new object, or NULL for an empty reply). */
typedef int gf_local_op_fn(json_t **out, struct gf_local_ctx *ctx, const json_t *input);

struct gf_local_op {
    const char *name; /* "CreateCluster"; NULL ends a table */
    gf_local_op_fn *fn;
};

struct gf_local_service {
    const struct gf_aws_service *svc;
    const struct gf_local_op *ops;
};

extern const struct gf_local_service gf_local_sts, gf_local_ecs, gf_local_ecr, gf_local_iam,
    gf_local_ec2, gf_local_elbv2, gf_local_logs, gf_local_events, gf_local_sqs, gf_local_s3,
    gf_local_acm, gf_local_route53, gf_local_secretsmanager, gf_local_ssm, gf_local_efs;

/* ---- handler helpers (input.c) ------------------------------------------------------------
 * Input members are read with botocore's member names. A member of the wrong JSON type is the
 * protocol's serialisation error (JSON: SerializationException; query: ValidationError; EC2:
 * InvalidParameterValue; rest-xml: InvalidArgument / InvalidInput); query and XML protocols
 * deliver unhinted scalars as strings, so the int and bool getters accept "12" and "true". A
 * missing required member fails with `missing_code` (NULL: optional). */

/* A string member, borrowed from input; *out NULL when absent. */
int gf_local_get_string(const char **out, struct gf_local_ctx *ctx, const json_t *input,
                        const char *key, const char *missing_code);
/* An integer member; *present_out (may be NULL) tells whether it was given; *out untouched when
 * absent (set the default first). */
int gf_local_get_int(int64_t *out, bool *present_out, struct gf_local_ctx *ctx,
                     const json_t *input, const char *key, const char *missing_code);
/* A boolean member; *out untouched when absent. */
int gf_local_get_bool(bool *out, struct gf_local_ctx *ctx, const json_t *input, const char *key);
/* A list / structure (or map) member, borrowed; NULL when absent. */
int gf_local_get_array(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                       const char *key, const char *missing_code);
int gf_local_get_object(const json_t **out, struct gf_local_ctx *ctx, const json_t *input,
                        const char *key, const char *missing_code);
/* Whether array `a` holds the string s. */
bool gf_local_array_has_string(const json_t *a, const char *s);

/* Paging with our opaque tokens ("gfl1-<offset>"): reads `max_key` (1..max_page, default
 * max_page) and `token_key` from input into a limit and an offset; a bad token or size fails
 * with `bad_code` (400). gf_local_page_set adds `token_key` to out when more rows remain. */
struct gf_local_page {
    const char *max_key;   /* "maxResults", "MaxItems", "MaxRecords", "PageSize" */
    const char *token_key; /* input token member: "nextToken", "Marker", "NextToken" */
    const char *out_key;   /* output token member: "nextToken", "NextMarker", "Marker" */
    int64_t max_page;
    const char *bad_code;  /* "InvalidParameterException" */
};
int gf_local_page_get(int64_t *limit_out, int64_t *offset_out, struct gf_local_ctx *ctx,
                      const json_t *input, const struct gf_local_page *page);
int gf_local_page_set(json_t *out, const struct gf_local_page *page, bool more, int64_t offset,
                      size_t n);

/* "arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE" with the ctx's region and account; pass
 * with_region false for global services (IAM: "arn:aws:iam::ACCOUNT:role/x"). Appended to out;
 * 0 or GF_ENOMEM. */
int gf_local_arn(struct gf_buf *out, const struct gf_local_ctx *ctx, const char *service,
                 bool with_region, const char *resource);
/* The name in a name-or-ARN reference: the part after `marker` ("cluster/", ":secret:") when ref
 * is an ARN holding it, else ref itself. Borrowed from ref. */
const char *gf_local_ref_name(const char *ref, const char *marker);
/* `nhex` random lowercase hex digits and a NUL into out (size > nhex): resource ids
 * ("vpc-" + 17 hex), request tokens. Uses OpenSSL's RAND_bytes. */
void gf_local_random_hex(char *out, size_t nhex);
/* json_object_set_new that reports GF_ENOMEM (value NULL counts as out of memory). */
int gf_local_set(json_t *obj, const char *key, json_t *value);
/* The ISO 8601 text of ctx->now_ms ("2026-11-23T10:00:00.000Z") for XML services, or epoch
 * seconds (a real) for JSON ones: AWS's timestamp form per protocol. New reference. */
json_t *gf_local_now(const struct gf_local_ctx *ctx);

/* ---- cross-service hooks: one service's state seen by another ----------------------------
 * Each is implemented by the service that owns the state (its svc_<service>.c) and called with
 * the server's lock held, from inside another handler. */

/* ECR (svc_ecr.c): whether `image` ("ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo:tag" or
 * "...@sha256:...") exists; *digest_out gets its digest ("sha256:..." , 72 bytes). Images of
 * other registries are GF_ENOTFOUND with *is_ecr_out false. Returns 0 (found), GF_ENOTFOUND. */
int gf_local_ecr_find_image(char digest_out[80], bool *is_ecr_out, struct gf_local_ctx *ctx,
                            const char *image);
/* Seed a repository and tagged image ("name:tag"; the repository is created when missing). */
int gf_local_ecr_seed_image(struct gf_local_ctx *ctx, const char *name_tag);

/* ELBv2 (svc_elbv2.c): the port and protocol of a target group (GF_ENOTFOUND when it does not
 * exist), and registering / deregistering targets on behalf of ECS: `targets` is an array of
 * {"Id": ip, "Port": n}. Target health follows the port: healthy when it equals the target
 * group's port, unhealthy (Target.FailedHealthChecks) otherwise. */
int gf_local_elbv2_target_group(int64_t *port_out, struct gf_local_ctx *ctx, const char *tg_arn);
int gf_local_elbv2_register(struct gf_local_ctx *ctx, const char *tg_arn, const json_t *targets,
                            bool deregister);
/* Whether every target `ip` registered in the group is healthy (false when none). */
int gf_local_elbv2_healthy(bool *healthy_out, struct gf_local_ctx *ctx, const char *tg_arn,
                           const char *ip);

/* ACM (svc_acm.c): the status of a certificate ("ISSUED", "PENDING_VALIDATION"; ELBv2's HTTPS
 * listeners need ISSUED); GF_ENOTFOUND when it does not exist. */
int gf_local_acm_certificate_status(char status_out[32], struct gf_local_ctx *ctx,
                                    const char *arn);

/* CloudWatch Logs (svc_logs.c): append `message` to `stream` of `group` (the stream is created
 * when missing). GF_ENOTFOUND when the group does not exist (ECS then fails the task as AWS
 * does: ResourceInitializationError). */
int gf_local_logs_put(struct gf_local_ctx *ctx, const char *group, const char *stream,
                      const char *message);

/* Route 53 (svc_route53.c): whether a record set (name with or without the final dot, type)
 * whose value contains `value` exists in any zone; seeding the starting topology's public and
 * private zones for `domain`. */
int gf_local_route53_has_record(bool *found_out, struct gf_local_ctx *ctx, const char *name,
                                const char *type, const char *value);
int gf_local_route53_seed(struct gf_local_ctx *ctx, const char *domain, const char *vpc_id);

/* EC2 (svc_ec2.c): seed the starting topology (a VPC with an internet gateway, two public
 * subnets routed to it, two private subnets routed to a NAT gateway, in two zones); *vpc_out
 * gets the VPC id (32 bytes). Whether a subnet / security group exists (0 or GF_ENOTFOUND). */
int gf_local_ec2_seed(char vpc_out[32], struct gf_local_ctx *ctx);
int gf_local_ec2_exists(struct gf_local_ctx *ctx, const char *id);
/* A subnet's VPC id and availability zone (32 bytes each); GF_ENOTFOUND when it does not exist
 * (ELBv2 load balancers, EFS mount targets and ECS tasks take their VPC from their subnets). */
int gf_local_ec2_subnet(char vpc_out[32], char az_out[32], struct gf_local_ctx *ctx,
                        const char *subnet_id);
/* The "default" security group of VPC vpc_id into id_out (40 bytes): what AWS gives an EFS mount
 * target created without groups. GF_ENOTFOUND when the VPC has none. */
int gf_local_ec2_default_group(char id_out[40], struct gf_local_ctx *ctx, const char *vpc_id);

/* Secrets Manager and SSM (svc_secretsmanager.c, svc_ssm.c): the value of a secret (ARN or name,
 * with an optional ":json-key::" suffix as ECS valueFrom allows) or parameter, for the compose
 * conversion only; owned (gf_free, wipe first). GF_ENOTFOUND when absent. */
int gf_local_secret_value(char **value_out, struct gf_local_ctx *ctx, const char *ref);
int gf_local_ssm_value(char **value_out, struct gf_local_ctx *ctx, const char *ref);

/* Running tasks for real (compose.c): with opts->compose_dir, write the started task's compose
 * file (DIR/<task-id>/compose.yaml); with opts->docker also `docker compose up -d`. Both no-ops
 * (returning 0) without those options. gf_local_compose_refresh fills the task's containers'
 * lastStatus / exitCode from docker when it runs them; gf_local_compose_stop takes it down. */
int gf_local_compose_start(struct gf_local_ctx *ctx, const json_t *task, const json_t *taskdef);
int gf_local_compose_refresh(struct gf_local_ctx *ctx, json_t *task);
int gf_local_compose_stop(struct gf_local_ctx *ctx, const json_t *task);

/* ---- the server (server.c) -------------------------------------------------------------- */

struct gf_local_cred {
    const char *access_key_id;
    const char *secret_access_key; /* a secret: never logged */
};

struct gf_local_opts {
    const char *host;    /* IPv4 literal or "localhost"; NULL: 127.0.0.1 */
    unsigned port;       /* 0: the kernel picks one */
    bool allow_remote;   /* allow a non-loopback host */
    const char *db_path; /* NULL or ":memory:": in memory */
    const char *region;  /* NULL: GF_LOCAL_DEFAULT_REGION */
    const char *account; /* NULL: GF_LOCAL_DEFAULT_ACCOUNT */
    const struct gf_local_cred *creds; /* n_creds == 0: test/test */
    size_t n_creds;
    size_t max_body_bytes;        /* 0: GF_LOCAL_MAX_BODY_BYTES */
    const struct gf_clock *clock; /* NULL: the system clock */
    /* The starting topology, made once when the database is new (server.c). */
    bool no_topology;             /* --no-topology: start empty */
    const char *domain;           /* --domain: the demo zones' domain; NULL: "example.test" */
    const char *const *images;    /* --image NAME:TAG (repeatable), seeded into ECR */
    size_t n_images;
    /* Faults (--faults, --seed): probabilities per request and injected latency. */
    double fault_throttle, fault_error, fault_reset;
    unsigned fault_latency_ms;
    unsigned long seed;
    /* Running tasks (compose.c). */
    const char *compose_dir; /* --compose-dir: write a compose file per started task */
    bool docker;             /* --docker: also run it with `docker compose up` */
    /* --record FILE: append one JSON line per operation run (server.c record_call): service,
     * operation, decoded input, output or error; secret values redacted, never a header. */
    const char *record_path;
};

struct gf_local_server;

/* Open the database and start serving on a background thread. Returns 0; GF_EINVALID (a bad
 * host, a non-loopback host without allow_remote); GF_ERROR (cannot bind, cannot open the db);
 * GF_ENOMEM. */
int gf_local_server_start(struct gf_local_server **out, const struct gf_local_opts *opts);
/* The bound port. */
unsigned gf_local_server_port(const struct gf_local_server *srv);
/* Stop serving (in-flight requests finish), close the database, free. NULL allowed. */
void gf_local_server_stop(struct gf_local_server *srv);

/* Answer one request already received (libmicrohttpd's callback and the fuzzer both call it):
 * method, path (encoded, without the query), query (as sent, without '?'), headers, body. Fills
 * `out` (initialised by the caller: status, headers, body); *reset_out true means "close the
 * connection without an answer" (an injected reset), `out` then stays empty. Blocks on the
 * state lock and on injected latency. Returns 0 or GF_ENOMEM. */
struct gf_aws_wire;
struct gf_aws_header;
int gf_local_server_handle(struct gf_aws_wire *out, bool *reset_out, struct gf_local_server *srv,
                           const char *method, const char *path, struct gf_slice query,
                           const struct gf_aws_header *headers, size_t n_headers,
                           struct gf_slice body);
/* What the starting topology holds, borrowed for the server's life: {"seeded": bool,
 * "restored": bool, "vpc": "vpc-..", "domain": "..", "images": [..]}. */
const json_t *gf_local_server_topology(const struct gf_local_server *srv);

/* Whether an IPv4 literal (or "localhost") is a loopback address. */
bool gf_local_host_is_loopback(const char *host);

#endif
