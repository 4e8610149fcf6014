/* SPDX-License-Identifier: Apache-2.0 */
/* svc_secretsmanager.h: AWS Secrets Manager through the call layer (aws/client.h, json 1.1,
 * reference/aws-protocols.md §2.4 and §7.13), METADATA ONLY: gitfargate checks that the secrets
 * a stack names exist (DescribeSecret, ListSecrets) and never reads a secret's value; there is
 * deliberately no GetSecretValue here.
 *
 * Conventions, once for the whole API:
 * - Outputs (`json_t **out`) are owned by the caller (json_decref), NULL on failure; inputs are
 *   borrowed for the call.
 * - A secret is named by its name, its full ARN ("arn:aws:secretsmanager:R:A:secret:NAME-AbCdEf")
 *   or a partial ARN (without the 6-character suffix). An ARN's region is the region called.
 *   An ECS valueFrom suffix (":json-key:version-stage:version-id") is cut off first.
 * - "It does not exist" (ResourceNotFoundException) is GF_ENOTFOUND with a gf_error naming the
 *   secret; other AWS errors are gf_aws_call's mapping.
 * - Every function blocks. */
#ifndef GF_AWS_SVC_SECRETSMANAGER_H
#define GF_AWS_SVC_SECRETSMANAGER_H

#include <jansson.h>
#include <stddef.h>

#include "aws/client.h"

/* DescribeSecret. out: the reply object ({ARN, Name, Description, KmsKeyId, Tags[{Key,Value}],
 * DeletedDate (epoch seconds, present when deletion is scheduled), LastChangedDate,
 * VersionIdsToStages...}); it never holds a value. Returns 0, GF_ENOTFOUND, GF_EINVALID (an
 * empty reference), or the call's error. */
int gf_secretsmanager_describe_secret(json_t **out, struct gf_aws_client *client,
                                      const char *secret_id);

/* ListSecrets, every page. name_prefix: a "name" filter value (AWS matches names beginning with
 * it), or NULL for all. out: the SecretList array ([{ARN, Name, Tags, ...}], no values). */
int gf_secretsmanager_list_secrets(json_t **out, struct gf_aws_client *client,
                                   const char *name_prefix);

/* The secret id of an ECS valueFrom reference: "arn:...:secret:NAME-AbCdEf:key:stage:ver" ->
 * "arn:...:secret:NAME-AbCdEf" (a name or an ARN without suffix is kept whole). Writes at most
 * size-1 bytes and a NUL into out. Returns 0, or GF_EINVALID when it does not fit. Pure. */
int gf_secretsmanager_secret_id(char *out, size_t size, const char *value_from);

#endif
