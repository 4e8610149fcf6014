/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ssm.c: SSM Parameter Store metadata over the call layer (reference/aws-protocols.md
 * §7.13): DescribeParameters with a Name filter. gitfargate never reads a parameter's value:
 * no GetParameter here, so no value can reach a log line or an error message. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_ssm.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_NAME  2048

/* Copy [s, s+n) into out (size bytes with the NUL); GF_EINVALID when it does not fit. */
static int copy_part(char *out, size_t size, const char *s, size_t n, const char *ref)
{
    if (n == 0 || n >= size)
        return gf_error_set(GF_EINVALID, "parameter reference '%.64s' is empty or too long",
                            ref);
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

int gf_ssm_parameter_name(char *out, size_t size, char *region_out, size_t region_size,
                          const char *name_or_arn)
{
    const char *p = name_or_arn, *region = NULL, *rest;
    int i, rc;

    if (region_out && region_size)
        region_out[0] = '\0';
    if (strncmp(name_or_arn, "arn:", 4) != 0)
        return copy_part(out, size, name_or_arn, strlen(name_or_arn), name_or_arn);
    /* arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME */
    for (i = 0; p && i < 5; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
        if (p && i == 2)
            region = p;
    }
    if (!p || !region || strncmp(region - 5, ":ssm:", 5) != 0 ||
        strncmp(p, "parameter/", 10) != 0)
        return gf_error_set(GF_EINVALID, "'%.128s' is not an SSM parameter ARN", name_or_arn);
    rest = p + 9; /* "/NAME" or "/a/b" */
    if (!strchr(rest + 1, '/'))
        rest++; /* names without a hierarchy have no leading '/' */
    rc = copy_part(out, size, rest, strlen(rest), name_or_arn);
    if (rc == 0 && region_out && region_size)
        rc = copy_part(region_out, region_size, region, (size_t)(strchr(region, ':') - region),
                       name_or_arn);
    return rc;
}

/* Every page of DescribeParameters with `input`. */
static int describe_all(json_t **out, struct gf_aws_client *client, const json_t *input,
                        const struct gf_aws_call_opts *opts)
{
    return gf_aws_paginate_with(out, client, &gf_aws_ssm, "DescribeParameters", input, 0, opts);
}

int gf_ssm_describe_parameters(json_t **out, struct gf_aws_client *client, const json_t *filters)
{
    json_t *input = json_object();
    int rc;

    *out = NULL;
    if (!input || (filters && json_object_set(input, "ParameterFilters", (json_t *)filters) < 0)) {
        json_decref(input);
        return gf_error_oom();
    }
    rc = describe_all(out, client, input, NULL);
    json_decref(input);
    return rc;
}

/* The entry of `list` whose Name is `name` (borrowed), or NULL. */
static json_t *find_name(const json_t *list, const char *name)
{
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v) {
        const char *n = json_string_value(json_object_get(v, "Name"));

        if (n && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

int gf_ssm_describe_parameter(json_t **out, struct gf_aws_client *client, const char *name_or_arn)
{
    struct gf_aws_call_opts opts = GF_AWS_CALL_OPTS_INIT;
    char name[MAX_NAME], region[64];
    json_t *input = NULL, *all = NULL, *found;
    int rc;

    *out = NULL;
    rc = gf_ssm_parameter_name(name, sizeof(name), region, sizeof(region),
                               name_or_arn ? name_or_arn : "");
    if (rc < 0)
        return rc;
    if (region[0])
        opts.region = region;
    input = json_pack("{s:[{s:s,s:s,s:[s]}]}", "ParameterFilters", "Key", "Name", "Option",
                      "Equals", "Values", name);
    if (!input)
        return gf_error_oom();
    rc = describe_all(&all, client, input, &opts);
    if (rc < 0)
        goto out;
    found = find_name(all, name);
    if (!found) {
        rc = gf_error_set(GF_ENOTFOUND, "parameter '%s' does not exist", name);
        gf_error_where("ssm:DescribeParameters");
        goto out;
    }
    *out = json_incref(found);
out:
    json_decref(all);
    json_decref(input);
    return rc;
}
