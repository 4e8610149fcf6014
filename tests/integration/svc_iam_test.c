/* SPDX-License-Identifier: Apache-2.0 */
/* svc_iam_test.c: aws/svc_iam.c against `gitfargate local-aws` and moto (each scenario written
 * once, run against both), and local-aws's IAM strictness: name rules, malformed documents,
 * limits, DeleteConflict, URL-encoded documents decoded by the client. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/svc_iam.h"
#include "common/alloc.h"
#include "common/error.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define TRUST                                                                                      \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"            \
    "{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define POLICY                                                                                     \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"               \
    "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/a b+c%\"}]}"
#define TRUST2                                                                                     \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"            \
    "{\"Service\":\"events.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define EXEC_ARN "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

static struct gf_test_aws s_b;

static void stop(void)
{
    gf_test_aws_stop(&s_b);
}

static int create(json_t **out, const char *name, const char *path, const char *doc)
{
    struct gf_iam_role_spec spec = GF_IAM_ROLE_SPEC_INIT;
    json_t *tags = json_pack("[{s:s,s:s}]", "Key", "app", "Value", "web");
    int rc;

    spec.name = name;
    spec.path = path;
    spec.assume_role_policy = doc;
    spec.description = "a role";
    spec.tags = tags;
    rc = gf_iam_create_role(out, s_b.client, &spec);
    json_decref(tags);
    return rc;
}

static bool has_string(const json_t *a, const char *key, const char *want)
{
    const json_t *v;
    size_t i;

    json_array_foreach(a, i, v) {
        const char *s = key ? json_string_value(json_object_get(v, key)) : json_string_value(v);

        if (s && strcmp(s, want) == 0)
            return true;
    }
    return false;
}

/* The role's whole life: create, read (documents decoded), list, policies, tags, delete.
 * policy_arn: a managed policy to attach. */
static void roles_scenario(struct gf_test_aws *b, const char *policy_arn)
{
    json_t *role = NULL, *list = NULL, *doc = NULL, *tags = NULL, *keys = NULL;

    gf_cr_ok(create(&role, "gf-web-task", "/gf/", TRUST));
    cr_assert_str_eq(gf_test_json_str(role, "Arn"),
                     "arn:aws:iam::" GF_TEST_AWS_ACCOUNT ":role/gf/gf-web-task");
    cr_assert_eq(strncmp(gf_test_json_str(role, "RoleId"), "AROA", 4), 0);
    json_decref(role);
    gf_cr_fails(GF_ECONFLICT, create(&role, "gf-web-task", "/gf/", TRUST));
    cr_assert_str_eq(gf_error_last()->aws_code, "EntityAlreadyExists");
    cr_assert_eq(gf_error_last()->http_status, 409);

    gf_cr_ok(gf_iam_get_role(&role, b->client, "gf-web-task"));
    cr_assert_str_eq(gf_test_json_str(role, "Path"), "/gf/");
    cr_assert_not_null(strstr(gf_test_json_str(role, "AssumeRolePolicyDocument"),
                              "\"ecs-tasks.amazonaws.com\""),
                       "document not decoded: %s",
                       gf_test_json_str(role, "AssumeRolePolicyDocument"));
    cr_assert_not_null(gf_test_json_str(role, "CreateDate"));
    json_decref(role);
    gf_cr_fails(GF_ENOTFOUND, gf_iam_get_role(&role, b->client, "gf-missing"));
    cr_assert_str_eq(gf_error_last()->msg, "role 'gf-missing' does not exist");
    cr_assert_str_eq(gf_error_last()->aws_code, "NoSuchEntity");
    cr_assert_str_eq(gf_error_last()->where, "iam:GetRole");

    gf_cr_ok(create(&role, "gf-other", NULL, TRUST));
    json_decref(role);
    gf_cr_ok(gf_iam_list_roles(&list, b->client, "/gf/"));
    cr_assert(has_string(list, "RoleName", "gf-web-task"));
    cr_assert_not(has_string(list, "RoleName", "gf-other"));
    json_decref(list);
    gf_cr_ok(gf_iam_update_assume_role_policy(b->client, "gf-other", TRUST2));

    gf_cr_ok(gf_iam_put_role_policy(b->client, "gf-web-task", "s3", POLICY));
    gf_cr_ok(gf_iam_get_role_policy(&doc, b->client, "gf-web-task", "s3"));
    cr_assert_not_null(strstr(json_string_value(doc), "arn:aws:s3:::b/a b+c%"), "%s",
                       json_string_value(doc));
    json_decref(doc);
    gf_cr_ok(gf_iam_list_role_policies(&list, b->client, "gf-web-task"));
    cr_assert(has_string(list, NULL, "s3"));
    json_decref(list);
    gf_cr_fails(GF_ENOTFOUND, gf_iam_get_role_policy(&doc, b->client, "gf-web-task", "nope"));

    gf_cr_ok(gf_iam_attach_role_policy(b->client, "gf-web-task", policy_arn));
    gf_cr_ok(gf_iam_list_attached_role_policies(&list, b->client, "gf-web-task"));
    cr_assert(has_string(list, "PolicyArn", policy_arn));
    json_decref(list);
    gf_cr_fails(GF_ECONFLICT, gf_iam_delete_role(b->client, "gf-web-task"));
    cr_assert_str_eq(gf_error_last()->aws_code, "DeleteConflict");

    tags = json_pack("[{s:s,s:s}]", "Key", "team", "Value", "a");
    gf_cr_ok(gf_iam_tag_role(b->client, "gf-web-task", tags));
    json_decref(tags);
    keys = json_pack("[s]", "app");
    gf_cr_ok(gf_iam_untag_role(b->client, "gf-web-task", keys));
    json_decref(keys);
    gf_cr_ok(gf_iam_list_role_tags(&list, b->client, "gf-web-task"));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(gf_test_json_str(list, "0.Key"), "team");
    json_decref(list);

    gf_cr_ok(gf_iam_detach_role_policy(b->client, "gf-web-task", policy_arn));
    gf_cr_ok(gf_iam_delete_role_policy(b->client, "gf-web-task", "s3"));
    gf_cr_ok(gf_iam_delete_role(b->client, "gf-web-task"));
    gf_cr_ok(gf_iam_delete_role(b->client, "gf-other"));
    gf_cr_fails(GF_ENOTFOUND, gf_iam_delete_role(b->client, "gf-web-task"));
}

Test(svc_iam, roles_local_aws, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    roles_scenario(&s_b, EXEC_ARN);
}

Test(svc_iam, roles_moto, .fini = stop)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    /* moto 5 loads no AWS-managed policies unless MOTO_IAM_LOAD_MANAGED_POLICIES is set: attach
     * a customer-managed one instead (test set-up only) */
    json_decref(gf_test_aws_call_ok(&s_b, &gf_aws_iam, "CreatePolicy",
                                    json_pack("{s:s,s:s}", "PolicyName", "gf-exec",
                                              "PolicyDocument", POLICY)));
    roles_scenario(&s_b, "arn:aws:iam::" GF_TEST_AWS_ACCOUNT ":policy/gf-exec");
}

/* ---- local-aws strictness ----------------------------------------------------------------- */

static void expect_aws(int rc, int want_rc, const char *code, int status)
{
    cr_assert_eq(rc, want_rc, "rc %d (%s), want %d", rc, gf_error_last()->msg, want_rc);
    cr_assert_str_eq(gf_error_last()->aws_code, code);
    cr_assert_eq(gf_error_last()->http_status, status);
}

Test(svc_iam, local_aws_rejects_what_iam_rejects, .fini = stop)
{
    json_t *role = NULL;
    char name65[66];
    char *big = NULL;
    json_t *tags = json_array();
    int i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    memset(name65, 'a', 65);
    name65[65] = '\0';
    expect_aws(create(&role, name65, NULL, TRUST), GF_ERROR, "ValidationError", 400);
    expect_aws(create(&role, "bad name", NULL, TRUST), GF_ERROR, "ValidationError", 400);
    expect_aws(create(&role, "r", "no-slash", TRUST), GF_ERROR, "ValidationError", 400);
    expect_aws(create(&role, "r", NULL, "not json"), GF_ERROR, "MalformedPolicyDocument", 400);
    expect_aws(create(&role, "r", NULL, "{\"Version\":\"2012-10-17\"}"), GF_ERROR,
               "MalformedPolicyDocument", 400);
    expect_aws(create(&role, "r", NULL, "{\"Statement\":[{}]}"), GF_ERROR,
               "MalformedPolicyDocument", 400);
    expect_aws(create(&role, "r", NULL, POLICY), GF_ERROR, "MalformedPolicyDocument", 400);
    cr_assert_not_null(strstr(gf_error_last()->msg, "Has prohibited field Resource"));
    gf_cr_ok(create(&role, "gf-r", NULL, TRUST));
    json_decref(role);
    /* names are case-insensitive */
    expect_aws(create(&role, "GF-R", NULL, TRUST), GF_ECONFLICT, "EntityAlreadyExists", 409);
    gf_cr_ok(gf_iam_get_role(&role, s_b.client, "Gf-R"));
    cr_assert_str_eq(gf_test_json_str(role, "RoleName"), "gf-r");
    json_decref(role);

    /* 10240 bytes of inline policies per role */
    big = gf_malloc(11000);
    cr_assert_not_null(big);
    i = snprintf(big, 11000, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                             "\"Action\":\"s3:GetObject\",\"Resource\":\"");
    memset(big + i, 'x', 10300);
    memcpy(big + i + 10300, "\"}]}", 5);
    expect_aws(gf_iam_put_role_policy(s_b.client, "gf-r", "big", big), GF_ERROR, "LimitExceeded",
               409);
    gf_free(big);

    /* 50 tags per role */
    for (i = 0; i < 50; i++) {
        char k[16];

        snprintf(k, sizeof(k), "k%d", i);
        json_array_append_new(tags, json_pack("{s:s,s:s}", "Key", k, "Value", "v"));
    }
    expect_aws(gf_iam_tag_role(s_b.client, "gf-r", tags), GF_ERROR, "LimitExceeded", 409);
    json_decref(tags);

    expect_aws(gf_iam_attach_role_policy(s_b.client, "gf-r", "arn:aws:iam::aws:policy/Nope"),
               GF_ENOTFOUND, "NoSuchEntity", 404);
    expect_aws(gf_iam_detach_role_policy(s_b.client, "gf-r", EXEC_ARN), GF_ENOTFOUND,
               "NoSuchEntity", 404);
    gf_cr_ok(gf_iam_put_role_policy(s_b.client, "gf-r", "p", POLICY));
    expect_aws(gf_iam_delete_role(s_b.client, "gf-r"), GF_ECONFLICT, "DeleteConflict", 409);
    cr_assert_not_null(strstr(gf_error_last()->msg, "must delete policies first"));
}

Test(svc_iam, list_roles_pages_through_every_role, .fini = stop)
{
    json_t *role = NULL, *list = NULL, *in, *out;
    char name[32];
    int i;

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    for (i = 0; i < 105; i++) {
        snprintf(name, sizeof(name), "gf-role-%03d", i);
        gf_cr_ok(create(&role, name, NULL, TRUST));
        json_decref(role);
    }
    /* a server page is 100 roles at most: the client follows Marker */
    out = gf_test_aws_call_ok(&s_b, &gf_aws_iam, "ListRoles", NULL);
    cr_assert_eq(json_array_size(json_object_get(out, "Roles")), 100);
    cr_assert(json_is_true(json_object_get(out, "IsTruncated")));
    json_decref(out);
    gf_cr_ok(gf_iam_list_roles(&list, s_b.client, NULL));
    cr_assert_eq(json_array_size(list), 105);
    json_decref(list);
    in = json_pack("{s:s}", "Marker", "bogus");
    gf_test_aws_call_fails(&s_b, &gf_aws_iam, "ListRoles", in, "ValidationError");
}

Test(iam_url, decodes_rfc3986_and_keeps_plain_json)
{
    char *out = NULL;

    gf_cr_ok(gf_iam_url_decode(&out, "%7B%22a%22%3A%22b%20c%2Bd%22%7D"));
    cr_assert_str_eq(out, "{\"a\":\"b c+d\"}");
    gf_free(out);
    gf_cr_ok(gf_iam_url_decode(&out, " {\"a\":\"50%\"}"));
    cr_assert_str_eq(out, " {\"a\":\"50%\"}");
    gf_free(out);
    gf_cr_fails(GF_EINVALID, gf_iam_url_decode(&out, "%7B%2"));
    cr_assert_null(out);
}
