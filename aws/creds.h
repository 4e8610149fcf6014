/* SPDX-License-Identifier: Apache-2.0 */
/* creds.h: AWS credentials, the provider chain in the SDKs' order (reference/aws-protocols.md §5)
 * and a caching, refreshing provider. The signer takes a struct gf_creds; the controller holds
 * one gf_creds_provider for its life (on ECS it reads the task role from the container endpoint).
 *
 * Ownership, once for the whole API: a struct gf_creds owns all its fields (release with
 * gf_creds_release, which wipes the secrets); options and requests borrow everything they point
 * at. Secrets (the secret key, session tokens, web identity tokens, the container authorization
 * token) never appear in an error message or a log line. */
#ifndef GF_AWS_CREDS_H
#define GF_AWS_CREDS_H

#include <stdbool.h>
#include <stdint.h>

#include "aws/awsconfig.h"
#include "common/buf.h"
#include "common/clock.h"

struct gf_http;

struct gf_creds {
    char *access_key_id;             /* owned; NULL when empty */
    struct gf_buf secret_access_key; /* secret */
    struct gf_buf session_token;     /* secret; empty when none */
    int64_t expiration_ms;           /* Unix epoch ms; 0: does not expire */
    char *account_id;                /* owned; NULL when unknown */
    char *source;                    /* owned: "env", "profile NAME", "assume-role ROLE via profile
                                        NAME", "web-identity", "process", "container", "instance" */
};

#define GF_CREDS_INIT {NULL, GF_BUF_INIT, GF_BUF_INIT, 0, NULL, NULL}

void gf_creds_init(struct gf_creds *creds);
/* Free everything, wiping the secrets; creds is GF_CREDS_INIT afterwards. */
void gf_creds_release(struct gf_creds *creds);
/* Replace creds' contents with copies of the arguments (account_id, source and the token may be
 * NULL / empty). 0 or GF_ENOMEM (creds is then released). */
int gf_creds_set(struct gf_creds *creds, const char *access_key_id, struct gf_slice secret,
                 struct gf_slice session_token, int64_t expiration_ms, const char *account_id,
                 const char *source);
/* out (initialised, released first) becomes a deep copy of src. 0 or GF_ENOMEM. */
int gf_creds_copy(struct gf_creds *out, const struct gf_creds *src);

/* ---- STS, injected ------------------------------------------------------------------------- */

struct gf_creds_assume_role_req {
    const struct gf_creds *source; /* the credentials that sign the call */
    const char *role_arn;
    const char *role_session_name;
    const char *external_id;  /* NULL: none */
    int64_t duration_seconds; /* 0: STS's default */
    const char *region;       /* gf_creds_opts.region; NULL: unknown */
    const char *profile;      /* the profile holding role_arn, for messages */
};

struct gf_creds_web_identity_req {
    const char *role_arn;
    const char *role_session_name;
    struct gf_slice token;    /* the web identity token (secret), read from its file just now */
    int64_t duration_seconds; /* 0: STS's default */
    const char *region;
};

/* STS AssumeRole / AssumeRoleWithWebIdentity: fill `out` (initialised) with the Credentials and
 * the account of AssumedRoleUser.Arn; `source` is overwritten by the chain. Return 0 or a GF_E*
 * with the gf_error set (GF_EAUTH when STS refuses). Block. */
typedef int gf_creds_assume_role_fn(struct gf_creds *out, const struct gf_creds_assume_role_req *req,
                                    void *payload);
typedef int gf_creds_web_identity_fn(struct gf_creds *out,
                                     const struct gf_creds_web_identity_req *req, void *payload);

struct gf_creds_sts {
    gf_creds_assume_role_fn *assume_role;
    gf_creds_web_identity_fn *assume_role_with_web_identity;
    void *payload;
};

/* ---- the chain ----------------------------------------------------------------------------- */

struct gf_creds_opts {
    const struct gf_awsconfig *config; /* required: profile, files and environment */
    const struct gf_creds_sts *sts;    /* NULL: role profiles and web identity fail */
    const char *region;                /* passed to STS calls; NULL: unknown */
    struct gf_http *http;              /* engine for the container and IMDS; NULL: a private one
                                          per fetch (safe from any thread) */
    const struct gf_clock *clock;      /* NULL: the system clock */
    const char *container_base;        /* base for ..._RELATIVE_URI; NULL: http://169.254.170.2 */
    const char *imds_base;             /* NULL: http://169.254.169.254; the environment's
                                          AWS_EC2_METADATA_SERVICE_ENDPOINT wins over it */
    int64_t container_timeout_ms;      /* 0: 2000 */
    int container_attempts;            /* 0: 3 */
    int64_t container_retry_delay_ms;  /* 0: 1000 (slept on the clock); < 0: none */
    int64_t imds_timeout_ms;           /* 0: 1000 */
    int64_t process_timeout_ms;        /* credential_process; 0: 60000 */
};

#define GF_CREDS_OPTS_INIT {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0}

/* Resolve credentials once, first source that answers wins: env (skipped when the profile came
 * from --profile), assume-role profile (role_arn + source_profile / credential_source), web
 * identity, the credentials file's keys, credential_process, the config file's keys, the ECS
 * container endpoint, EC2 IMDSv2. Fills `out` (initialised, released first); out->source names
 * the winner. Returns 0; GF_EAUTH when no source has credentials (the message lists each source
 * and what it said; the hint how to provide some) or a source is set up but fails (a bad
 * credential_process, a container endpoint that refuses); GF_EINVALID for a bad profile setup
 * (a loop of source_profile, both source_profile and credential_source...); GF_ERETRY when a
 * configured endpoint or process timed out; GF_ENOMEM. Blocks (files, processes, HTTP). */
int gf_creds_resolve(struct gf_creds *out, const struct gf_creds_opts *opts);

/* Run a credential_process command with /bin/sh -c (stdin /dev/null) and parse its stdout
 * (JSON Version 1: AccessKeyId, SecretAccessKey, optional SessionToken, Expiration, AccountId).
 * `profile` labels errors. Returns 0, GF_EAUTH (nonzero exit: the message carries the first line
 * of its stderr; output not JSON or keys missing), GF_ERETRY (timed out: the process group is
 * killed), GF_ERROR (cannot start), GF_ENOMEM. Blocks up to timeout_ms. */
int gf_creds_from_process(struct gf_creds *out, const char *command, const char *profile,
                          int64_t timeout_ms);

/* ---- caching provider ---------------------------------------------------------------------- */

/* Fetch fresh credentials into `out` (initialised). 0 or a GF_E* with the gf_error set. */
typedef int gf_creds_fetch_fn(struct gf_creds *out, void *payload);

struct gf_creds_provider;

/* Refresh windows (aws-protocols.md §5): advisory 15 min before expiry (one caller refreshes,
 * others get the cached credentials; on failure the cached ones are kept), mandatory 10 min
 * before (callers wait for the refresh; failure is returned). */
#define GF_CREDS_ADVISORY_MS (15LL * 60 * 1000)
#define GF_CREDS_MANDATORY_MS (10LL * 60 * 1000)

/* A thread-safe provider that caches what `fetch` returns. clock NULL: the system clock.
 * Borrows payload and clock for its life. 0, GF_ENOMEM or GF_ERROR (mutex). Does not fetch. */
int gf_creds_provider_new(struct gf_creds_provider **out, gf_creds_fetch_fn *fetch, void *payload,
                          const struct gf_clock *clock);
/* The same over gf_creds_resolve (opts copied; what it points at is borrowed for the
 * provider's life). */
int gf_creds_provider_new_chain(struct gf_creds_provider **out, const struct gf_creds_opts *opts);
/* A copy of the current credentials into `out` (initialised, released first), fetching first
 * when there are none or they are inside a refresh window. Returns 0 or the fetch's error.
 * Blocks while fetching. Thread-safe. */
int gf_creds_provider_get(struct gf_creds *out, struct gf_creds_provider *provider);
/* Drop the cache so the next get fetches (after an ExpiredToken reply, for instance). */
void gf_creds_provider_invalidate(struct gf_creds_provider *provider);
void gf_creds_provider_free(struct gf_creds_provider *provider);

#endif
