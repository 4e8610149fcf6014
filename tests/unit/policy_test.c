/* SPDX-License-Identifier: Apache-2.0 */
/* policy_test.c: reconcile/policy.h: golden documents for every example stack in examples/
 * (tests/data/policy/<example>.json; GF_UPDATE_EXPECTED=1 rewrites them), and targeted cases:
 * a bucket adds statements, read-only and path-scoped buckets, secret and parameter ARNs,
 * queue profiles, every scheduled family, the canonical comparison. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "reconcile/policy.h"
#include "state/stack.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

#define ACCOUNT "123456789012"
#define REGION  "us-east-1"

static struct gf_stack *load(const char *text, const char *name)
{
    struct gf_diags diags;
    struct gf_buf fmt = GF_BUF_INIT;
    struct gf_stack *s = NULL;

    gf_diags_init(&diags);
    gf_cr_ok(gf_stack_parse(&s, &diags, name, gf_slice_from(text)));
    gf_stack_validate(s, &diags);
    gf_diags_format(&fmt, &diags, name);
    cr_assert_eq(diags.n_errors, 0, "%s does not validate:\n%s", name, fmt.ptr);
    gf_cr_ok(gf_stack_defaults(s));
    gf_diags_release(&diags);
    gf_buf_release(&fmt);
    return s;
}

static struct gf_build_ctx ctx_for(const struct gf_stack *s)
{
    struct gf_build_ctx ctx = {0};

    ctx.stack = s;
    ctx.region = REGION;
    ctx.account = ACCOUNT;
    return ctx;
}

static json_t *doc(const struct gf_build_ctx *ctx, enum gf_policy_role role)
{
    json_t *d = NULL;

    gf_cr_ok(gf_policy_document(&d, ctx, role));
    return d;
}

/* The statement with `sid`, or NULL. */
static const json_t *stmt(const json_t *d, const char *sid)
{
    const json_t *sts = json_object_get(d, "Statement");

    for (size_t i = 0; i < json_array_size(sts); i++) {
        const json_t *st = json_array_get(sts, i);

        if (strcmp(json_string_value(json_object_get(st, "Sid")), sid) == 0)
            return st;
    }
    return NULL;
}

static void expect_json(const json_t *got, const char *want_text)
{
    json_error_t e;
    json_t *want = json_loads(want_text, 0, &e);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

    cr_assert_not_null(want, "bad expected JSON: %s", e.text);
    cr_expect(json_equal(got, want), "got %s\nwant %s", g, want_text);
    free(g); /* jansson's allocator */
    json_decref(want);
}

/* ---- golden files ---- */

static json_t *all_documents(const struct gf_stack *s)
{
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *trust_ecs = NULL;
    json_t *trust_events = NULL;
    json_t *out;

    gf_cr_ok(gf_policy_trust(&trust_ecs, GF_POLICY_TASK));
    gf_cr_ok(gf_policy_trust(&trust_events, GF_POLICY_EVENTS));
    out = json_pack("{s:o*, s:o*, s:o*, s:{s:o, s:o}}", "execution", doc(&ctx, GF_POLICY_EXECUTION),
                    "task", doc(&ctx, GF_POLICY_TASK), "events", doc(&ctx, GF_POLICY_EVENTS),
                    "trust", "ecs-tasks", trust_ecs, "events", trust_events);
    cr_assert_not_null(out);
    return out;
}

static void check_example(const char *dir, const char *name, bool update)
{
    struct gf_buf path = GF_BUF_INIT;
    struct gf_buf yml = GF_BUF_INIT;
    struct gf_buf want = GF_BUF_INIT;
    struct gf_stack *s;
    json_t *docs;
    char *got;

    gf_buf_printf(&path, "%s/%s.yml", dir, name);
    cr_assert_eq(gf_test_read_file(&yml, path.ptr), 0, "cannot read %s", path.ptr);
    s = load(yml.ptr, name);
    docs = all_documents(s);
    got = json_dumps(docs, JSON_INDENT(2));
    gf_buf_clear(&path);
    gf_buf_printf(&path, "%s/policy/%s.json", gf_test_data_dir(), name);
    if (update) {
        cr_assert_eq(gf_test_write_file(path.ptr, got, strlen(got)), 0);
    } else {
        cr_expect_eq(gf_test_read_file(&want, path.ptr), 0, "missing %s", path.ptr);
        cr_expect_str_eq(got, want.ptr, "%s:\n--- got\n%s\n--- expected\n%s", name, got, want.ptr);
    }
    free(got);
    json_decref(docs);
    gf_stack_free(s);
    gf_buf_release(&path);
    gf_buf_release(&yml);
    gf_buf_release(&want);
}

Test(policy, examples_match_golden_files)
{
    struct gf_buf dir = GF_BUF_INIT;
    const char *update = getenv("GF_UPDATE_EXPECTED");
    char **names;
    size_t n = 0;

    gf_buf_printf(&dir, "%s/examples", gf_test_source_dir());
    names = gf_test_list(&n, dir.ptr, ".yml", true);
    cr_expect_geq(n, 12, "only %zu examples", n);
    for (size_t i = 0; i < n; i++)
        check_example(dir.ptr, names[i], update != NULL && update[0] == '1');
    gf_test_list_free(names, n);
    gf_buf_release(&dir);
}

/* ---- targeted cases ---- */

#define BASE "app:\n  name: shop\ntasks:\n  web:\n    type: daemon\n    image: nginx:1\n"

Test(policy, trust_policies_name_their_service)
{
    json_t *t = NULL;

    gf_cr_ok(gf_policy_trust(&t, GF_POLICY_EXECUTION));
    expect_json(t, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                   "{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
    json_decref(t);
    gf_cr_ok(gf_policy_trust(&t, GF_POLICY_EVENTS));
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_object_get(json_array_get(json_object_get(t, "Statement"), 0),
                                         "Principal"),
                         "Service")),
                     "events.amazonaws.com");
    json_decref(t);
}

Test(policy, adding_a_bucket_adds_its_statements)
{
    struct gf_stack *a = load(BASE, "a.yml");
    struct gf_stack *b = load(BASE "bucket:\n  name: shop-uploads\n", "b.yml");
    struct gf_build_ctx ca = ctx_for(a);
    struct gf_build_ctx cb = ctx_for(b);
    json_t *before = doc(&ca, GF_POLICY_TASK);
    json_t *after = doc(&cb, GF_POLICY_TASK);

    cr_assert_null(before, "a stack with no bucket, queue or secret needs no task policy");
    cr_assert_not_null(after);
    expect_json(stmt(after, "S3Objects"),
                "{\"Sid\":\"S3Objects\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
                "\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::shop-uploads/*\"]}");
    expect_json(stmt(after, "S3List"),
                "{\"Sid\":\"S3List\",\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],"
                "\"Resource\":[\"arn:aws:s3:::shop-uploads\"]}");
    json_decref(after);
    gf_stack_free(a);
    gf_stack_free(b);
}

Test(policy, readonly_bucket_with_paths_is_path_scoped)
{
    struct gf_stack *s = load(BASE "bucket:\n  name: exports\n  readonly: true\n  paths:\n"
                                   "    - monthly/*\n    - daily/*\n",
                              "r.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d = doc(&ctx, GF_POLICY_TASK);

    expect_json(stmt(d, "S3Objects"),
                "{\"Sid\":\"S3Objects\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],"
                "\"Resource\":[\"arn:aws:s3:::exports/daily/*\",\"arn:aws:s3:::exports/monthly/*\"]}");
    expect_json(stmt(d, "S3List"),
                "{\"Sid\":\"S3List\",\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],"
                "\"Resource\":[\"arn:aws:s3:::exports\"],\"Condition\":{\"StringLike\":"
                "{\"s3:prefix\":[\"daily/*\",\"monthly/*\"]}}}");
    json_decref(d);
    gf_stack_free(s);
}

Test(policy, secrets_grant_exactly_the_referenced_arns)
{
    static const struct gf_build_pair resolved[] = {
        {"prod/db", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123"}};
    struct gf_stack *s =
        load("app:\n  name: shop\ntasks:\n  a:\n    image: x\n    secrets:\n"
             "      - prod/db:DB_PASSWORD\n      - prod/api:API_KEY\n"
             "      - arn:aws:ssm:us-east-1:123456789012:parameter/prod/flag:FLAG\n"
             "  b:\n    image: y\n    secrets:\n"
             "      - arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ789:OTHER\n"
             "      - ssm:/prod/url:URL\n      - prod/db:DB_PASSWORD\n",
             "s.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *ex;
    json_t *task;

    ctx.secret_arns = resolved;
    ctx.n_secret_arns = 1;
    ex = doc(&ctx, GF_POLICY_EXECUTION);
    task = doc(&ctx, GF_POLICY_TASK);
    /* Every task's secrets, once each ([defect] 12 kept only the last task's). */
    expect_json(json_object_get(stmt(ex, "Secrets"), "Resource"),
                "[\"arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ789\","
                "\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-??????\","
                "\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123\"]");
    expect_json(json_object_get(stmt(ex, "Secrets"), "Action"),
                "[\"secretsmanager:GetSecretValue\"]");
    expect_json(stmt(ex, "SsmParameters"),
                "{\"Sid\":\"SsmParameters\",\"Effect\":\"Allow\",\"Action\":[\"ssm:GetParameters\"],"
                "\"Resource\":[\"arn:aws:ssm:us-east-1:123456789012:parameter/prod/flag\","
                "\"arn:aws:ssm:us-east-1:123456789012:parameter/prod/url\"]}");
    /* FargateStack §8.3 grants them to the task role too. */
    cr_expect(json_equal(stmt(ex, "Secrets"), stmt(task, "Secrets")));
    cr_expect(json_equal(stmt(ex, "SsmParameters"), stmt(task, "SsmParameters")));
    json_decref(ex);
    json_decref(task);
    gf_stack_free(s);
}

Test(policy, secret_refs_resolve_env_names_and_value_from)
{
    struct gf_stack *s = load("app:\n  name: shop\ntasks:\n  a:\n    image: x\n    secrets:\n"
                              "      - prod/db_password\n      - ssm:app/flag:flag\n",
                              "e.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    struct gf_secret_ref *refs = NULL;
    size_t n = 0;

    gf_cr_ok(gf_secret_refs(&refs, &n, &ctx, &s->tasks[0]));
    cr_assert_eq(n, 2);
    cr_expect_str_eq(refs[0].env, "DB_PASSWORD");
    cr_expect_str_eq(refs[0].value_from,
                     "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db_password");
    cr_expect_eq(refs[0].store, GF_SECRET_SECRETSMANAGER);
    cr_expect_str_eq(refs[1].env, "FLAG");
    cr_expect_str_eq(refs[1].value_from, "arn:aws:ssm:us-east-1:123456789012:parameter/app/flag");
    cr_expect_eq(refs[1].store, GF_SECRET_SSM);
    gf_secret_refs_free(refs, n);
    gf_stack_free(s);
}

Test(policy, queue_profiles_include_exclude_and_dlq)
{
    struct gf_stack *s =
        load(BASE "queue:\n  name: jobs\n  max_receive_count: 3\n  permissions:\n"
                  "    profile: producer\n    include: [sqs:PurgeQueue]\n"
                  "    exclude: [sqs:GetQueueAttributes]\ndlq:\n  permissions:\n"
                  "    profile: consumer\n",
             "q.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d = doc(&ctx, GF_POLICY_TASK);

    expect_json(stmt(d, "SQSAllowQueuePolicy"),
                "{\"Sid\":\"SQSAllowQueuePolicy\",\"Effect\":\"Allow\",\"Action\":["
                "\"sqs:PurgeQueue\",\"sqs:SendMessage\"],\"Resource\":["
                "\"arn:aws:sqs:us-east-1:123456789012:jobs\"]}");
    expect_json(stmt(d, "SQSAllowDlqPolicy"),
                "{\"Sid\":\"SQSAllowDlqPolicy\",\"Effect\":\"Allow\",\"Action\":["
                "\"sqs:ChangeMessageVisibility\",\"sqs:DeleteMessage\",\"sqs:ReceiveMessage\"],"
                "\"Resource\":[\"arn:aws:sqs:us-east-1:123456789012:jobs-dlq\"]}");
    json_decref(d);
    gf_stack_free(s);
}

Test(policy, events_role_runs_every_scheduled_family_and_passes_both_roles)
{
    struct gf_stack *s = load("app:\n  name: my-jobs\ntasks:\n  a:\n    image: x\n"
                              "    schedule: rate(5 minutes)\n  b:\n    image: y\n"
                              "    family: bee\n    schedule: cron(0 1 * * ? *)\n"
                              "  c:\n    image: z\n",
                              "ev.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d = doc(&ctx, GF_POLICY_EVENTS);

    expect_json(d,
                "{\"Version\":\"2012-10-17\",\"Statement\":["
                "{\"Sid\":\"RunTask\",\"Effect\":\"Allow\",\"Action\":[\"ecs:RunTask\"],"
                "\"Resource\":[\"arn:aws:ecs:us-east-1:123456789012:task-definition/a:*\","
                "\"arn:aws:ecs:us-east-1:123456789012:task-definition/bee:*\"],"
                "\"Condition\":{\"ArnLike\":{\"ecs:cluster\":"
                "\"arn:aws:ecs:us-east-1:123456789012:cluster/my-jobs-cluster\"}}},"
                "{\"Sid\":\"PassRole\",\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\"],"
                "\"Resource\":[\"arn:aws:iam::123456789012:role/FargateMyJobsRole\","
                "\"arn:aws:iam::123456789012:role/FargateMyJobsTaskRole\"]},"
                "{\"Sid\":\"TagLaunchedTasks\",\"Effect\":\"Allow\",\"Action\":"
                "[\"ecs:TagResource\"],\"Resource\":"
                "[\"arn:aws:ecs:us-east-1:123456789012:task/my-jobs-cluster/*\"]}]}");
    json_decref(d);
    gf_stack_free(s);
}

/* IAM caps a role's inline policies at 10,240 characters: 300 scheduled tasks would list 300
 * families; RunTask goes to every task definition of the stack's cluster instead. */
Test(policy, many_scheduled_tasks_stay_under_the_inline_policy_limit)
{
    struct gf_buf y = GF_BUF_INIT;
    struct gf_stack *s;
    struct gf_build_ctx ctx;
    const json_t *run;
    json_t *d;
    char *text;
    int i;

    gf_buf_puts(&y, "app:\n  name: many\ntasks:\n");
    for (i = 0; i < 300; i++)
        gf_buf_printf(&y, "  job-%03d:\n    image: x\n    schedule: rate(1 day)\n", i);
    s = load(y.ptr, "many.yml");
    ctx = ctx_for(s);
    d = doc(&ctx, GF_POLICY_EVENTS);
    run = stmt(d, "RunTask");
    cr_assert_not_null(run);
    cr_expect_eq(json_array_size(json_object_get(run, "Resource")), 1);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(run, "Resource"), 0)),
                     "arn:aws:ecs:us-east-1:123456789012:task-definition/*");
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(run, "Condition"), "ArnLike"),
                         "ecs:cluster")),
                     "arn:aws:ecs:us-east-1:123456789012:cluster/many-cluster",
                     "still only in the stack's cluster");
    text = json_dumps(d, JSON_COMPACT);
    cr_expect_lt(strlen(text), 10240);
    free(text);
    json_decref(d);
    gf_stack_free(s);
    gf_buf_release(&y);
}

Test(policy, no_scheduled_task_no_events_policy)
{
    struct gf_stack *s = load(BASE, "n.yml");
    struct gf_build_ctx ctx = ctx_for(s);

    cr_expect_null(doc(&ctx, GF_POLICY_EVENTS));
    gf_stack_free(s);
}

Test(policy, execution_role_pulls_only_ecr_repositories_and_mounts_efs)
{
    static const struct gf_build_pair images[] = {
        {"b", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/tool:2"}};
    struct gf_stack *s = load(
        "app:\n  name: shop\ntasks:\n  a:\n    image: nginx:1\n"
        "    efs:\n      id: fs-11111111\n      mount_point: /data\n      readonly: true\n"
        "  b:\n    image: tool:2\n    efs:\n      id: fs-22222222\n      mount_point: /data\n"
        "  c:\n"
        "    image: 210987654321.dkr.ecr.eu-west-1.amazonaws.com/base@sha256:abc\n",
        "x.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d;

    ctx.images = images;
    ctx.n_images = 1;
    d = doc(&ctx, GF_POLICY_EXECUTION);
    expect_json(json_object_get(stmt(d, "EcrPull"), "Resource"),
                "[\"arn:aws:ecr:eu-west-1:210987654321:repository/base\","
                "\"arn:aws:ecr:us-east-1:123456789012:repository/team/tool\"]");
    expect_json(json_object_get(stmt(d, "EcrAuth"), "Resource"), "[\"*\"]");
    expect_json(json_object_get(stmt(d, "Logs"), "Resource"),
                "[\"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app-fargatestack/shop\","
                "\"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app-fargatestack/shop:"
                "log-stream:*\"]");
    expect_json(stmt(d, "EfsRead"),
                "{\"Sid\":\"EfsRead\",\"Effect\":\"Allow\",\"Action\":["
                "\"elasticfilesystem:ClientMount\"],\"Resource\":["
                "\"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-11111111\"]}");
    expect_json(json_object_get(stmt(d, "EfsReadWrite"), "Action"),
                "[\"elasticfilesystem:ClientMount\",\"elasticfilesystem:ClientWrite\"]");
    json_decref(d);
    gf_stack_free(s);
}

Test(policy, needs_an_account)
{
    struct gf_stack *s = load(BASE, "acct.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d = NULL;

    ctx.account = NULL;
    gf_cr_fails(GF_EINVALID, gf_policy_document(&d, &ctx, GF_POLICY_EXECUTION));
    cr_expect_null(d);
    cr_expect_str_eq(gf_error_last()->msg, "no account to build the ARNs of stack 'shop' with");
    gf_stack_free(s);
}

/* ---- comparison ---- */

static bool equal_texts(const char *a, const char *b)
{
    json_t *ja = json_string(a);
    json_t *jb = json_string(b);
    bool eq = false;

    gf_cr_ok(gf_policy_equal(&eq, ja, jb));
    json_decref(ja);
    json_decref(jb);
    return eq;
}

Test(policy_equal, ignores_key_order_singletons_encoding_and_statement_order)
{
    const char *ours = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":"
                       "\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::b/*\","
                       "\"arn:aws:s3:::c/*\"]},{\"Sid\":\"B\",\"Effect\":\"Allow\",\"Action\":"
                       "[\"sqs:SendMessage\"],\"Resource\":[\"arn:aws:sqs:r:1:q\"]}]}";
    /* As IAM's GetRolePolicy returns it: URL-encoded, keys reordered, one-element lists as
     * strings, statements and resources in another order. */
    const char *iam =
        "%7B%22Statement%22%3A%5B%7B%22Resource%22%3A%22arn%3Aaws%3Asqs%3Ar%3A1%3Aq%22%2C%22"
        "Action%22%3A%22sqs%3ASendMessage%22%2C%22Effect%22%3A%22Allow%22%2C%22Sid%22%3A%22B%22"
        "%7D%2C%7B%22Sid%22%3A%22A%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A"
        "GetObject%22%2C%22Resource%22%3A%5B%22arn%3Aaws%3As3%3A%3A%3Ac%2F*%22%2C%22arn%3Aaws"
        "%3As3%3A%3A%3Ab%2F*%22%5D%7D%5D%2C%22Version%22%3A%222012-10-17%22%7D";

    cr_expect(equal_texts(ours, iam));
    cr_expect(equal_texts(iam, ours));
    /* A single statement object equals a one-element Statement array. */
    cr_expect(equal_texts("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                          "\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},"
                          "\"Action\":\"sts:AssumeRole\"}}",
                          "{\"Statement\":[{\"Action\":[\"sts:AssumeRole\"],\"Effect\":\"Allow\","
                          "\"Principal\":{\"Service\":[\"ecs-tasks.amazonaws.com\"]}}],"
                          "\"Version\":\"2012-10-17\"}"));
}

Test(policy_equal, sees_real_changes)
{
    const char *a = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                    "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}";

    cr_expect_not(equal_texts(a, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                 "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::c/*\"}]}"));
    cr_expect_not(equal_texts(a, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                 "\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],"
                                 "\"Resource\":\"arn:aws:s3:::b/*\"}]}"));
    cr_expect_not(equal_texts(a, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                                 "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"));
    /* Condition values too: a set, not a list. */
    cr_expect(equal_texts(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"r\","
        "\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"b\",\"a\"]}}}]}",
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"r\","
        "\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"a\",\"b\"]}}}]}"));
    cr_expect_not(equal_texts(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"r\","
        "\"Condition\":{\"StringLike\":{\"s3:prefix\":\"a\"}}}]}",
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"r\","
        "\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"a\",\"b\"]}}}]}"));
}

Test(policy_equal, generated_documents_round_trip_through_text)
{
    struct gf_stack *s = load(BASE "bucket:\n  name: shop-uploads\nqueue:\n  name: q\n", "rt.yml");
    struct gf_build_ctx ctx = ctx_for(s);
    json_t *d = doc(&ctx, GF_POLICY_TASK);
    char *text = json_dumps(d, JSON_COMPACT);
    json_t *parsed = NULL;
    bool eq = false;

    gf_cr_ok(gf_policy_parse(&parsed, text));
    gf_cr_ok(gf_policy_equal(&eq, d, parsed));
    cr_expect(eq);
    free(text);
    json_decref(parsed);
    json_decref(d);
    gf_stack_free(s);
}

Test(policy_equal, rejects_what_is_not_a_policy)
{
    json_t *out = NULL;
    json_t *arr = json_array();
    bool eq = true;

    gf_cr_fails(GF_EINVALID, gf_policy_parse(&out, "%7Bnot json"));
    cr_expect_null(out);
    gf_cr_fails(GF_EINVALID, gf_policy_equal(&eq, arr, arr));
    cr_expect_str_eq(gf_error_last()->msg, "policy document has no Statement");
    cr_expect_not(eq);
    json_decref(arr);
}
