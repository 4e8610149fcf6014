/* SPDX-License-Identifier: Apache-2.0 */
/* svc_secretsmanager.c: Secrets Manager metadata over the call layer (reference/aws-protocols.md
 * §7.13): DescribeSecret and ListSecrets only. gitfargate never reads a secret's value: no
 * operation here returns one, so none can reach a log line or an error message. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_secretsmanager.h"
#include "common/error.h"
#include "common/banned.h"


/* Re-word the call's GF_ENOTFOUND so it names the secret, keeping the AWS fields. */
static int not_found(const char *secret_id)
{
    struct gf_error saved;

    gf_error_copy(&saved, gf_error_last());
    gf_error_set(GF_ENOTFOUND, "secret '%s' does not exist", secret_id);
    gf_error_where("%s", saved.where);
    gf_error_aws(saved.aws_code, saved.request_id, saved.http_status);
    return GF_ENOTFOUND;
}

int gf_secretsmanager_secret_id(char *out, size_t size, const char *value_from)
{
    size_t n = strlen(value_from), colons = 0, i;

    /* arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:key:stage:version] */
    if (strncmp(value_from, "arn:", 4) == 0) {
        for (i = 0; i < n; i++) {
            if (value_from[i] == ':' && ++colons == 7) {
                n = i;
                break;
            }
        }
    }
    if (n == 0 || n >= size)
        return gf_error_set(GF_EINVALID, "secret reference '%.64s' is empty or too long",
                            value_from);
    memcpy(out, value_from, n);
    out[n] = '\0';
    return 0;
}

/* The region field of an ARN into out ("" for a name). */
static void arn_region(char *out, size_t size, const char *id)
{
    const char *p = id;
    const char *end;
    int i;

    out[0] = '\0';
    if (strncmp(id, "arn:", 4) != 0)
        return;
    for (i = 0; p && i < 3; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    end = p ? strchr(p, ':') : NULL;
    if (end && (size_t)(end - p) < size) {
        memcpy(out, p, (size_t)(end - p));
        out[end - p] = '\0';
    }
}

int gf_secretsmanager_describe_secret(json_t **out, struct gf_aws_client *client,
                                      const char *secret_id)
{
    struct gf_aws_call_opts opts = GF_AWS_CALL_OPTS_INIT;
    char id[2048], region[64];
    json_t *input = NULL;
    int rc;

    *out = NULL;
    rc = gf_secretsmanager_secret_id(id, sizeof(id), secret_id ? secret_id : "");
    if (rc < 0)
        return rc;
    arn_region(region, sizeof(region), id);
    if (region[0])
        opts.region = region;
    input = json_pack("{s:s}", "SecretId", id);
    if (!input)
        return gf_error_oom();
    rc = gf_aws_call_with(out, client, &gf_aws_secretsmanager, "DescribeSecret", input, &opts);
    if (rc == GF_ENOTFOUND)
        rc = not_found(id);
    json_decref(input);
    return rc;
}

int gf_secretsmanager_list_secrets(json_t **out, struct gf_aws_client *client,
                                   const char *name_prefix)
{
    json_t *input = json_object();
    int rc = input ? 0 : gf_error_oom();

    *out = NULL;
    if (rc == 0 && name_prefix &&
        json_object_set_new(input, "Filters", json_pack("[{s:s,s:[s]}]", "Key", "name", "Values",
                                                        name_prefix)) < 0)
        rc = gf_error_oom();
    if (rc == 0)
        rc = gf_aws_paginate(out, client, &gf_aws_secretsmanager, "ListSecrets", input, 0);
    json_decref(input);
    return rc;
}
