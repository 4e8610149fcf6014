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
 * json_decref()s. Threads: the server runs its handlers on one libmicrohttpd thread, serialised
 * by a lock, so the database connection is only ever used by one thread at a time. */
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
struct gf_local_ctx {
    struct gf_local_db *db;
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

extern const struct gf_local_service gf_local_sts, gf_local_ecs;

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

/* Whether an IPv4 literal (or "localhost") is a loopback address. */
bool gf_local_host_is_loopback(const char *host);

#endif
