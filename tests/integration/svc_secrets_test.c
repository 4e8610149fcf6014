/* SPDX-License-Identifier: Apache-2.0 */
/* svc_secrets_test.c: aws/svc_secretsmanager.c and aws/svc_ssm.c (metadata only) against
 * local-aws and moto, local-aws's Secrets Manager and SSM strictness and lifecycle, their
 * compose value hooks' forms, and the secrets rule: a planted value never appears in a log line
 * or an error message of the client or the server, even at trace level. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aws/local/local.h"
#include "aws/svc_secretsmanager.h"
#include "aws/svc_ssm.h"
#include "common/alloc.h"
#include "common/log.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define PLANTED     "planted-Value-9f3Kq"
#define PLANTED_SSM "planted-Param-77xQ"

static struct gf_test_aws s_b;

static void fini(void)
{
    gf_test_aws_stop(&s_b);
}

/* Whether the JSON text of v contains s. */
static bool json_contains(const json_t *v, const char *s)
{
    char *text = json_dumps(v, JSON_COMPACT);
    bool found = text && strstr(text, s);

    free(text);
    return found;
}

/* ---- Secrets Manager -------------------------------------------------------------------- */

static void create_secret(struct gf_test_aws *b, const char *name, const char *value)
{
    json_decref(gf_test_aws_call_ok(
        b, &gf_aws_secretsmanager, "CreateSecret",
        json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "Name", name, "SecretString", value, "Tags", "Key",
                  "team", "Value", "web")));
}

static void secrets_scenario(struct gf_test_aws *b)
{
    json_t *d = NULL, *list = NULL;
    char arn[512], ref[600];

    create_secret(b, "app/db-password", "{\"password\":\"" PLANTED "\"}");
    create_secret(b, "other", PLANTED);
    gf_cr_ok(gf_secretsmanager_describe_secret(&d, b->client, "app/db-password"));
    cr_assert_str_eq(gf_test_json_str(d, "Name"), "app/db-password");
    snprintf(arn, sizeof(arn), "%s", gf_test_json_str(d, "ARN") ? gf_test_json_str(d, "ARN") : "");
    cr_assert(strncmp(arn, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
                                  "app/db-password-", 67) == 0, "ARN %s", arn);
    cr_assert_eq(strlen(arn), strlen("arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
                                     "app/db-password-") + 6);
    cr_assert_str_eq(gf_test_json_str(d, "Tags.0.Key"), "team");
    cr_assert(!json_contains(d, PLANTED), "DescribeSecret returned the value");
    /* by full ARN, and by ECS valueFrom with a JSON key */
    json_decref(d);
    gf_cr_ok(gf_secretsmanager_describe_secret(&d, b->client, arn));
    cr_assert_str_eq(gf_test_json_str(d, "Name"), "app/db-password");
    json_decref(d);
    snprintf(ref, sizeof(ref), "%s:password::", arn);
    gf_cr_ok(gf_secretsmanager_describe_secret(&d, b->client, ref));
    cr_assert_str_eq(gf_test_json_str(d, "Name"), "app/db-password");
    json_decref(d);
    /* missing */
    gf_cr_fails(GF_ENOTFOUND, gf_secretsmanager_describe_secret(&d, b->client, "app/nope"));
    cr_assert_null(d);
    cr_assert_str_eq(gf_error_last()->msg, "secret 'app/nope' does not exist");
    cr_assert_str_eq(gf_error_last()->aws_code, "ResourceNotFoundException");
    cr_assert_str_eq(gf_error_last()->where, "secretsmanager:DescribeSecret");
    /* lists */
    gf_cr_ok(gf_secretsmanager_list_secrets(&list, b->client, "app/"));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(gf_test_json_str(list, "0.Name"), "app/db-password");
    cr_assert(!json_contains(list, PLANTED));
    json_decref(list);
    gf_cr_ok(gf_secretsmanager_list_secrets(&list, b->client, NULL));
    cr_assert_eq(json_array_size(list), 2);
    json_decref(list);
}

Test(svc_secrets, secrets_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    secrets_scenario(&s_b);
}

Test(svc_secrets, secrets_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    secrets_scenario(&s_b);
}

/* ---- SSM -------------------------------------------------------------------------------- */

static void put_param(struct gf_test_aws *b, const char *name, const char *type,
                      const char *value)
{
    json_decref(gf_test_aws_call_ok(b, &gf_aws_ssm, "PutParameter",
                                    json_pack("{s:s,s:s,s:s}", "Name", name, "Type", type,
                                              "Value", value)));
}

static void ssm_scenario(struct gf_test_aws *b)
{
    json_t *p = NULL, *list = NULL, *filters;

    put_param(b, "/app/db/host", "String", "db.internal");
    put_param(b, "/app/db/pass", "SecureString", PLANTED_SSM);
    put_param(b, "plain-name", "StringList", "a,b");
    gf_cr_ok(gf_ssm_describe_parameter(&p, b->client, "/app/db/pass"));
    cr_assert_str_eq(gf_test_json_str(p, "Name"), "/app/db/pass");
    cr_assert_str_eq(gf_test_json_str(p, "Type"), "SecureString");
    cr_assert_eq(json_integer_value(json_object_get(p, "Version")), 1);
    cr_assert(!json_contains(p, PLANTED_SSM));
    json_decref(p);
    gf_cr_ok(gf_ssm_describe_parameter(
        &p, b->client, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/host"));
    cr_assert_str_eq(gf_test_json_str(p, "Name"), "/app/db/host");
    json_decref(p);
    gf_cr_ok(gf_ssm_describe_parameter(&p, b->client,
                                       "arn:aws:ssm:eu-west-1:123456789012:parameter/plain-name"));
    cr_assert_str_eq(gf_test_json_str(p, "Type"), "StringList");
    json_decref(p);
    gf_cr_fails(GF_ENOTFOUND, gf_ssm_describe_parameter(&p, b->client, "/app/db/nope"));
    cr_assert_null(p);
    cr_assert_str_eq(gf_error_last()->msg, "parameter '/app/db/nope' does not exist");
    /* a prefix of an existing name is not a match */
    gf_cr_fails(GF_ENOTFOUND, gf_ssm_describe_parameter(&p, b->client, "/app/db/h"));
    filters = json_pack("[{s:s,s:s,s:[s]}]", "Key", "Name", "Option", "BeginsWith", "Values",
                        "/app/");
    gf_cr_ok(gf_ssm_describe_parameters(&list, b->client, filters));
    json_decref(filters);
    cr_assert_eq(json_array_size(list), 2);
    cr_assert(!json_contains(list, PLANTED_SSM));
    json_decref(list);
}

Test(svc_secrets, ssm_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    ssm_scenario(&s_b);
}

Test(svc_secrets, ssm_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    ssm_scenario(&s_b);
}

/* ---- local-aws strictness and lifecycle --------------------------------------------------- */

#define SM(op, in) gf_test_aws_call_ok(&s_b, &gf_aws_secretsmanager, (op), (in))
#define SM_FAILS(op, in, code)                                                                     \
    gf_test_aws_call_fails(&s_b, &gf_aws_secretsmanager, (op), (in), (code))
#define SSM_OK(op, in) gf_test_aws_call_ok(&s_b, &gf_aws_ssm, (op), (in))
#define SSM_FAILS(op, in, code) gf_test_aws_call_fails(&s_b, &gf_aws_ssm, (op), (in), (code))

Test(svc_secrets, secrets_strict_local_aws, .fini = fini)
{
    json_t *r;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    create_secret(&s_b, "s1", "v1");
    SM_FAILS("CreateSecret", json_pack("{s:s}", "Name", "s1"), "ResourceExistsException");
    SM_FAILS("CreateSecret", json_pack("{s:s}", "Name", "bad name"), "ValidationException");
    SM_FAILS("CreateSecret", json_pack("{s:s,s:s,s:s}", "Name", "s2", "SecretString", "a",
                                       "SecretBinary", "YQ=="),
             "InvalidParameterException");
    SM_FAILS("DescribeSecret", json_pack("{s:s}", "SecretId", "nope"),
             "ResourceNotFoundException");
    /* versions: a put makes AWSCURRENT, the old one AWSPREVIOUS */
    r = SM("PutSecretValue", json_pack("{s:s,s:s}", "SecretId", "s1", "SecretString", "v2"));
    json_decref(r);
    r = SM("GetSecretValue", json_pack("{s:s}", "SecretId", "s1"));
    cr_assert_str_eq(gf_test_json_str(r, "SecretString"), "v2");
    json_decref(r);
    r = SM("GetSecretValue", json_pack("{s:s,s:s}", "SecretId", "s1", "VersionStage",
                                       "AWSPREVIOUS"));
    cr_assert_str_eq(gf_test_json_str(r, "SecretString"), "v1");
    json_decref(r);
    /* deletion with a recovery window */
    SM_FAILS("DeleteSecret", json_pack("{s:s,s:i}", "SecretId", "s1", "RecoveryWindowInDays", 6),
             "InvalidParameterException");
    SM_FAILS("DeleteSecret", json_pack("{s:s,s:i,s:b}", "SecretId", "s1", "RecoveryWindowInDays",
                                       7, "ForceDeleteWithoutRecovery", 1),
             "InvalidParameterException");
    json_decref(SM("DeleteSecret", json_pack("{s:s,s:i}", "SecretId", "s1",
                                             "RecoveryWindowInDays", 7)));
    r = SM("DescribeSecret", json_pack("{s:s}", "SecretId", "s1"));
    cr_assert(json_is_number(json_object_get(r, "DeletedDate")));
    json_decref(r);
    SM_FAILS("GetSecretValue", json_pack("{s:s}", "SecretId", "s1"), "InvalidRequestException");
    cr_assert(strstr(gf_error_last()->msg, "marked for deletion"), "%s", gf_error_last()->msg);
    SM_FAILS("CreateSecret", json_pack("{s:s}", "Name", "s1"), "InvalidRequestException");
    r = SM("ListSecrets", json_object());
    cr_assert_eq(json_array_size(json_object_get(r, "SecretList")), 0);
    json_decref(r);
    json_decref(SM("RestoreSecret", json_pack("{s:s}", "SecretId", "s1")));
    json_decref(SM("DeleteSecret", json_pack("{s:s,s:b}", "SecretId", "s1",
                                             "ForceDeleteWithoutRecovery", 1)));
    SM_FAILS("DescribeSecret", json_pack("{s:s}", "SecretId", "s1"), "ResourceNotFoundException");
}

Test(svc_secrets, ssm_strict_local_aws, .fini = fini)
{
    json_t *r;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    put_param(&s_b, "/a/b", "SecureString", "hidden-1");
    SSM_FAILS("PutParameter", json_pack("{s:s,s:s,s:s}", "Name", "/a/b", "Type", "String",
                                        "Value", "x"),
              "ParameterAlreadyExists");
    SSM_FAILS("PutParameter", json_pack("{s:s,s:s}", "Name", "/a/c", "Value", "x"),
              "ValidationException");
    SSM_FAILS("PutParameter", json_pack("{s:s,s:s,s:s}", "Name", "a/b", "Type", "String",
                                        "Value", "x"),
              "ValidationException");
    SSM_FAILS("PutParameter", json_pack("{s:s,s:s,s:s,s:b,s:[{s:s,s:s}]}", "Name", "/a/b",
                                        "Type", "SecureString", "Value", "x", "Overwrite", 1,
                                        "Tags", "Key", "k", "Value", "v"),
              "ValidationException");
    r = SSM_OK("PutParameter", json_pack("{s:s,s:s,s:b}", "Name", "/a/b", "Value", "hidden-2",
                                         "Overwrite", 1));
    cr_assert_eq(json_integer_value(json_object_get(r, "Version")), 2);
    json_decref(r);
    r = SSM_OK("GetParameter", json_pack("{s:s}", "Name", "/a/b"));
    cr_assert_str_neq(gf_test_json_str(r, "Parameter.Value"), "hidden-2");
    json_decref(r);
    r = SSM_OK("GetParameter", json_pack("{s:s,s:b}", "Name", "/a/b", "WithDecryption", 1));
    cr_assert_str_eq(gf_test_json_str(r, "Parameter.Value"), "hidden-2");
    json_decref(r);
    SSM_FAILS("GetParameter", json_pack("{s:s}", "Name", "/a/x"), "ParameterNotFound");
    put_param(&s_b, "/a/c", "String", "c");
    r = SSM_OK("DescribeParameters", json_pack("{s:i}", "MaxResults", 1));
    cr_assert_eq(json_array_size(json_object_get(r, "Parameters")), 1);
    cr_assert_not_null(gf_test_json_str(r, "NextToken"));
    json_decref(r);
    SSM_FAILS("DescribeParameters", json_pack("{s:[{s:s,s:[s]}]}", "ParameterFilters", "Key",
                                              "Bogus", "Values", "x"),
              "InvalidFilterKey");
    json_decref(SSM_OK("AddTagsToResource", json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "ResourceType",
                                                      "Parameter", "ResourceId", "/a/c", "Tags",
                                                      "Key", "team", "Value", "web")));
    r = SSM_OK("ListTagsForResource", json_pack("{s:s,s:s}", "ResourceType", "Parameter",
                                                "ResourceId", "/a/c"));
    cr_assert_str_eq(gf_test_json_str(r, "TagList.0.Value"), "web");
    json_decref(r);
    json_decref(SSM_OK("DeleteParameter", json_pack("{s:s}", "Name", "/a/c")));
    SSM_FAILS("DeleteParameter", json_pack("{s:s}", "Name", "/a/c"), "ParameterNotFound");
}

/* The secrets rule: plant values, run client and server at trace level, through successes and
 * failures, and search every log line. */
Test(svc_secrets, values_never_logged_local_aws, .fini = fini)
{
    static const char *const args[] = {"--log-level", "trace", NULL};
    struct gf_log_opts lo = GF_LOG_OPTS_INIT;
    struct gf_buf logs = GF_BUF_INIT;
    char *client_log, **names;
    size_t n, i;
    json_t *d = NULL;
    int fd;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, args);
    client_log = gf_test_path(s_b.tmp, "client.log");
    fd = open(client_log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    lo.level = GF_LOG_TRACE;
    lo.format = GF_LOG_FORMAT_JSON;
    lo.fd = fd;
    gf_log_configure(&lo);
    create_secret(&s_b, "logged", PLANTED);
    SM_FAILS("CreateSecret", json_pack("{s:s,s:s}", "Name", "logged", "SecretString", PLANTED),
             "ResourceExistsException");
    cr_assert_null(strstr(gf_error_last()->msg, PLANTED));
    put_param(&s_b, "/logged", "SecureString", PLANTED_SSM);
    SSM_FAILS("PutParameter", json_pack("{s:s,s:s,s:s}", "Name", "/logged", "Type", "String",
                                        "Value", PLANTED_SSM),
              "ParameterAlreadyExists");
    cr_assert_null(strstr(gf_error_last()->msg, PLANTED_SSM));
    json_decref(SM("GetSecretValue", json_pack("{s:s}", "SecretId", "logged")));
    gf_cr_ok(gf_secretsmanager_describe_secret(&d, s_b.client, "logged"));
    json_decref(d);
    gf_cr_ok(gf_ssm_describe_parameter(&d, s_b.client, "/logged"));
    json_decref(d);
    lo.fd = 2;
    lo.level = GF_LOG_INFO;
    gf_log_configure(&lo);
    close(fd);
    cr_assert_eq(gf_test_read_file(&logs, client_log), 0);
    cr_assert(strstr(logs.ptr, "\"level\":\"trace\""), "the client logged nothing at trace");
    cr_assert_null(strstr(logs.ptr, PLANTED));
    cr_assert_null(strstr(logs.ptr, PLANTED_SSM));
    names = gf_test_list(&n, s_b.tmp, ".log", false);
    for (i = 0; i < n; i++) {
        char *path = gf_test_path(s_b.tmp, names[i]);

        cr_assert_eq(gf_test_read_file(&logs, path), 0);
        cr_assert_null(strstr(logs.ptr, PLANTED), "%s holds the secret", names[i]);
        cr_assert_null(strstr(logs.ptr, PLANTED_SSM), "%s holds the parameter", names[i]);
        free(path);
    }
    gf_test_list_free(names, n);
    gf_buf_release(&logs);
    free(client_log);
}

/* ---- the compose hooks, in process ---------------------------------------------------------- */

static json_t *run_op(const struct gf_local_service *ls, struct gf_local_ctx *ctx, const char *op,
                      json_t *input)
{
    const struct gf_local_op *o;
    json_t *out = NULL;

    for (o = ls->ops; o->name && strcmp(o->name, op) != 0; o++)
        ;
    cr_assert_not_null(o->name, "no op %s", op);
    ctx->svc = ls->svc;
    gf_cr_ok(o->fn(&out, ctx, input));
    json_decref(input);
    return out;
}

Test(svc_secrets, value_hooks)
{
    struct gf_local_ctx ctx;
    json_t *r;
    char *v = NULL, arn[256], ref[300];

    memset(&ctx, 0, sizeof(ctx));
    gf_cr_ok(gf_local_db_open(&ctx.db, ":memory:"));
    ctx.region = "eu-west-1";
    ctx.account = "123456789012";
    ctx.access_key_id = "AKID";
    ctx.now_ms = 1700000000000;
    r = run_op(&gf_local_secretsmanager, &ctx, "CreateSecret",
               json_pack("{s:s,s:s}", "Name", "db", "SecretString",
                         "{\"user\":\"u\",\"port\":5432}"));
    snprintf(arn, sizeof(arn), "%s", gf_test_json_str(r, "ARN"));
    json_decref(r);
    gf_cr_ok(gf_local_secret_value(&v, &ctx, "db"));
    cr_assert_str_eq(v, "{\"user\":\"u\",\"port\":5432}");
    gf_free(v);
    snprintf(ref, sizeof(ref), "%s:user::", arn);
    gf_cr_ok(gf_local_secret_value(&v, &ctx, ref));
    cr_assert_str_eq(v, "u");
    gf_free(v);
    snprintf(ref, sizeof(ref), "%s:port:AWSCURRENT:", arn);
    gf_cr_ok(gf_local_secret_value(&v, &ctx, ref));
    cr_assert_str_eq(v, "5432");
    gf_free(v);
    snprintf(ref, sizeof(ref), "%s:nokey::", arn);
    gf_cr_fails(GF_ENOTFOUND, gf_local_secret_value(&v, &ctx, ref));
    cr_assert_null(v);
    cr_assert_str_eq(gf_error_last()->msg, "secret has no JSON key 'nokey'");
    gf_cr_fails(GF_ENOTFOUND, gf_local_secret_value(&v, &ctx, "missing"));
    cr_assert_str_eq(ctx.err_code, "");
    json_decref(run_op(&gf_local_ssm, &ctx, "PutParameter",
                       json_pack("{s:s,s:s,s:s}", "Name", "/app/key", "Type", "SecureString",
                                 "Value", "k1")));
    gf_cr_ok(gf_local_ssm_value(&v, &ctx, "/app/key"));
    cr_assert_str_eq(v, "k1");
    gf_free(v);
    gf_cr_ok(gf_local_ssm_value(&v, &ctx, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/key"));
    cr_assert_str_eq(v, "k1");
    gf_free(v);
    gf_cr_fails(GF_ENOTFOUND, gf_local_ssm_value(&v, &ctx, "/app/none"));
    gf_local_db_free(ctx.db);
}
