/* SPDX-License-Identifier: Apache-2.0 */
/* svc_ssm.h: AWS Systems Manager Parameter Store through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4 and §7.13), METADATA ONLY: gitfargate checks that the
 * parameters a stack names exist (DescribeParameters with a Name filter) and never reads a
 * value; there is deliberately no GetParameter here.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are owned by the caller (json_decref), NULL on failure; inputs are
 *   borrowed for the call.
 * - A parameter is named by its name ("db-host", "/app/db/host") or its ARN
 *   ("arn:aws:ssm:R:A:parameter/app/db/host" is "/app/db/host", "...:parameter/db-host" is
 *   "db-host": names holding '/' start with one). An ARN's region is the region called.
 * - "It does not exist" (no match) is GF_ENOTFOUND with a gf_error naming the parameter.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_SSM_H
#define GF_AWS_SVC_SSM_H

#include <jansson.h>
#include <stddef.h>

#include "aws/client.h"

/* DescribeParameters with ParameterFilters [{Key:"Name", Option:"Equals", Values:[name]}].
 * out: the ParameterMetadata object {Name, ARN, Type (String|StringList|SecureString), KeyId,
 * LastModifiedDate, Version, Tier, DataType, ...}; never a value. Returns 0, GF_ENOTFOUND,
 * GF_EINVALID (an empty or malformed reference), or the call's error. */
int gf_ssm_describe_parameter(json_t **out, struct gf_aws_client *client, const char *name_or_arn);

/* DescribeParameters, every page. filters: a ParameterFilters array ([{Key, Option, Values}]),
 * or NULL for all. out: the Parameters array of ParameterMetadata. */
int gf_ssm_describe_parameters(json_t **out, struct gf_aws_client *client, const json_t *filters);

/* The parameter name of a name or ARN (rules above) into out (size bytes with the NUL), and the
 * ARN's region into region_out (region_size bytes; "" for a plain name; region_out may be
 * NULL). Returns 0, or GF_EINVALID (empty, not an SSM parameter ARN, too long). Pure. */
int gf_ssm_parameter_name(char *out, size_t size, char *region_out, size_t region_size,
                          const char *name_or_arn);

#endif
