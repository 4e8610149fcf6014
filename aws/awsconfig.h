/* SPDX-License-Identifier: Apache-2.0 */
/* awsconfig.h: the shared AWS `config` and `credentials` files (INI, parsed as botocore's
 * configloader does), profile selection and region resolution (reference/aws-protocols.md §5, §6).
 * The credential chain (aws/creds.h) and endpoint resolution read their settings from here.
 *
 * Ownership, once for the whole API: a struct gf_awsconfig owns everything it holds (release it
 * with gf_awsconfig_release); every `const char *` any function here returns is borrowed from
 * the struct (or from the caller's arguments, for the region) and lives as long as it.
 * The environment is read only through the injected struct gf_env (common/env.h), so tests never depend on
 * the process environment. An empty environment variable or an empty `key =` counts as unset. */
#ifndef GF_AWS_AWSCONFIG_H
#define GF_AWS_AWSCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/env.h"

/* ---- INI files ----------------------------------------------------------------------------- */

/* One `key = value`. Keys are lower-cased (configparser's optionxform). A value whose first line
 * is empty and that continues on indented lines (`ecs =\n  endpoint_url = ...`) is nested: its
 * lines are parsed into `sub` (keys as written, stripped). Other continuation lines join the
 * value with '\n'. */
struct gf_ini_entry {
    char *key;
    char *value; /* the whole value, continuation lines joined with '\n' */
    size_t line; /* 1-based line of the key */
    struct gf_ini_entry *sub;
    size_t nsub; /* > 0 only for a nested value */
};

struct gf_ini_section {
    char *name; /* as written between the brackets: "profile dev", "default", "services s1" */
    size_t line;
    struct gf_ini_entry *entries;
    size_t nentries;
};

struct gf_ini {
    char *path; /* for error locations; NULL when the file was absent */
    struct gf_ini_section *sections;
    size_t nsections;
};

/* Parse INI text as Python's configparser.RawConfigParser (strict) reads it for botocore: `[name]`
 * headers, `key = value` or `key: value`, full-line comments starting with # or ; (also indented;
 * text after a value is part of the value), indented continuation lines, nested values.
 * `path` names the file in errors ("path:line"). Fills `out` (released by the caller even on
 * failure). Returns 0, GF_EINVALID (a line before any section, a line that is neither a header
 * nor `key = value`, an empty key, a duplicate section or key, a nested line without '='), or
 * GF_ENOMEM. Does not block. */
int gf_ini_parse(struct gf_ini *out, const char *path, struct gf_slice text);
void gf_ini_release(struct gf_ini *ini);
/* The last section called exactly `name`, or NULL. */
const struct gf_ini_section *gf_ini_section(const struct gf_ini *ini, const char *name);
/* The entry `key` (lower case) of a section, or NULL. */
const struct gf_ini_entry *gf_ini_entry(const struct gf_ini_section *sect, const char *key);

/* ---- loading and profile selection ------------------------------------------------------- */

struct gf_awsconfig_opts {
    const char *profile;                /* --profile, or NULL */
    const struct gf_env *env; /* NULL: the process environment */
};

#define GF_AWSCONFIG_OPTS_INIT {NULL, NULL}

/* What a config-file section is, by botocore's build_profile_map: `[default]` and
 * `[profile NAME]` are profiles, `[services NAME]` service sections, `[sso-session NAME]` is
 * ignored here; NAME is shlex-split ("[profile \"a b\"]" names "a b"). */
enum gf_awsconfig_kind {
    GF_AWSCONFIG_OTHER = 0,
    GF_AWSCONFIG_PROFILE,
    GF_AWSCONFIG_SERVICES,
    GF_AWSCONFIG_SSO_SESSION,
};

struct gf_awsconfig_sect {
    enum gf_awsconfig_kind kind;
    char *name; /* owned; NULL for GF_AWSCONFIG_OTHER */
};

struct gf_awsconfig {
    const struct gf_env *env; /* borrowed from the opts */
    char *config_path;                  /* AWS_CONFIG_FILE or $HOME/.aws/config */
    char *credentials_path;             /* AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials */
    struct gf_ini config;               /* empty when the file is absent */
    struct gf_ini credentials;
    struct gf_awsconfig_sect *sects;    /* one per config.sections entry */
    char *profile;                      /* the selected profile's name */
    const char *profile_from;           /* "--profile", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default" */
    bool profile_explicit;              /* named by --profile: the env credentials are skipped */
};

/* Read both files and select the profile: opts->profile, else AWS_PROFILE, else
 * AWS_DEFAULT_PROFILE, else "default". An absent file is an empty one. A profile other than
 * "default" that was named (argument or environment) and exists in neither file is an error
 * naming both files. `~/` at the start of AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE means
 * $HOME. Fills `out` (release it even on failure). Returns 0, GF_EINVALID (a file does not parse;
 * where = "file:line"), GF_ENOTFOUND (the named profile does not exist), GF_ERROR (a file
 * exists but cannot be read), GF_ENOMEM. Blocks on file reads. */
int gf_awsconfig_load(struct gf_awsconfig *out, const struct gf_awsconfig_opts *opts);
void gf_awsconfig_release(struct gf_awsconfig *cfg);

/* Build from text instead of files (tests, and callers that hold the files already). The paths
 * only label errors; NULL text: that file is absent. Same selection and returns as _load. */
int gf_awsconfig_load_text(struct gf_awsconfig *out, const struct gf_awsconfig_opts *opts,
                           const char *config_path, const char *config_text,
                           const char *credentials_path, const char *credentials_text);

/* Whether `profile` exists in either file. */
bool gf_awsconfig_has_profile(const struct gf_awsconfig *cfg, const char *profile);

/* Which file a profile value came from. */
enum gf_awsconfig_file {
    GF_AWSCONFIG_ANY = 0,     /* credentials file first, then config (botocore's merge) */
    GF_AWSCONFIG_CONFIG,      /* [default] or [profile NAME] in the config file */
    GF_AWSCONFIG_CREDENTIALS, /* [NAME] in the credentials file */
};

/* A scalar value of `profile` (NULL: the selected one); NULL when unset, empty or nested.
 * `where_out` (may be NULL) gets "file:line" of the value in `where_size` bytes. */
const char *gf_awsconfig_profile_get(const struct gf_awsconfig *cfg, enum gf_awsconfig_file file,
                                     const char *profile, const char *key);
void gf_awsconfig_profile_where(char *where_out, size_t where_size, const struct gf_awsconfig *cfg,
                                enum gf_awsconfig_file file, const char *profile, const char *key);

/* Shorthand: the selected profile's value from either file. */
const char *gf_awsconfig_get(const struct gf_awsconfig *cfg, const char *key);

/* ---- role settings ------------------------------------------------------------------------ */

/* The assume-role and web identity keys of one profile (merged view, all borrowed; NULL unset). */
struct gf_awsconfig_role {
    const char *role_arn;
    const char *source_profile;
    const char *credential_source; /* "Environment", "EcsContainer", "Ec2InstanceMetadata" */
    const char *external_id;
    const char *role_session_name;
    const char *web_identity_token_file;
    const char *mfa_serial;     /* unsupported: the chain reports it */
    int64_t duration_seconds;   /* 0: unset (STS's default, 3600) */
};

/* Fill `out` for `profile` (NULL: the selected one). Returns 0 or GF_EINVALID when
 * duration_seconds is not an integer in 900..43200 (where = "file:line", key = the profile key). */
int gf_awsconfig_role(struct gf_awsconfig_role *out, const struct gf_awsconfig *cfg,
                      const char *profile);

/* ---- endpoints (aws-protocols.md §6) ------------------------------------------------------ */

/* The selected profile's `endpoint_url`, or NULL. */
const char *gf_awsconfig_endpoint_url(const struct gf_awsconfig *cfg);
/* `endpoint_url` of the `config_key` sub-section (service's config_key, e.g. "ecs",
 * "cloudwatch_logs") in the [services X] section that the selected profile names with
 * `services = X`; NULL when any of that is missing. */
const char *gf_awsconfig_service_endpoint(const struct gf_awsconfig *cfg, const char *config_key);
/* Any key of that sub-section (NULL when missing). */
const char *gf_awsconfig_service_get(const struct gf_awsconfig *cfg, const char *config_key,
                                     const char *key);

/* A key of a nested value of the selected profile (either file), such as `s3 =` followed by
 * indented `addressing_style = path`: gf_awsconfig_nested_get(cfg, "s3", "addressing_style").
 * The last occurrence wins (botocore's dict). NULL when the profile, the nested value or the key
 * is missing or empty; borrowed from cfg. */
const char *gf_awsconfig_nested_get(const struct gf_awsconfig *cfg, const char *key,
                                    const char *subkey);

/* The S3 addressing style of the selected profile (`s3 = addressing_style = path|virtual|auto`,
 * botocore's args.py). *style_out gets "path", "virtual" or "auto" (a literal), or NULL when the
 * setting is absent. Returns 0, or GF_EINVALID for any other value (where = "file:line", key
 * "s3.addressing_style"). Does not block. */
int gf_awsconfig_s3_addressing_style(const char **style_out, const struct gf_awsconfig *cfg);

/* ---- region ------------------------------------------------------------------------------- */

/* Resolve the region: cli_region (--region), stack_region (the stack's `region`), AWS_REGION,
 * AWS_DEFAULT_REGION, the selected profile's `region`; the first set wins. `region_out` borrows
 * from the argument, the environment or cfg; `source_out` (may be NULL) gets a literal naming the
 * place ("--region", "stack", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"). Returns 0,
 * GF_EINVALID when the chosen value is not a region name (letters, digits, '-'; where names the
 * place), or GF_ENOTFOUND when none is set: the message lists every place looked at and the hint
 * how to set one. Does not block. */
int gf_awsconfig_region(const char **region_out, const char **source_out,
                        const struct gf_awsconfig *cfg, const char *cli_region,
                        const char *stack_region);

#endif
