/* SPDX-License-Identifier: Apache-2.0 */
/* stackfix.c: see stackfix.h. The shared fixture of the reconcile integration tests: start a
 * backend and a stack file, run the `gitfargate` binary on it with the one pinned environment,
 * read the plan and the audit store, edit the enriched file, mend moto's network. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "reconcile/reconcile.h"
#include "stackfix.h"
#include "common/banned.h"

#define ECR_US "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
#define ECR    "123456789012.dkr.ecr." GF_TEST_AWS_REGION ".amazonaws.com/"

/* ---- life cycle --------------------------------------------------------------------------- */

void gf_test_stack_start(struct gf_test_stack *f, enum gf_test_aws_kind kind, const char *text,
                         const char *const *backend_args)
{
    memset(f, 0, sizeof(*f));
    gf_test_aws_start(&f->aws, kind, kind == GF_TEST_LOCAL_AWS ? backend_args : NULL);
    f->dir = gf_test_tmpdir("stack");
    cr_assert_not_null(f->dir);
    f->stack = gf_test_path(f->dir, "stack.yml");
    f->db = gf_test_path(f->dir, "gf.db");
    f->timeout_s = 120;
    gf_test_stack_write(f, text);
    snprintf(f->endpoint_env, sizeof(f->endpoint_env), "AWS_ENDPOINT_URL=%s", f->aws.url);
}

void gf_test_stack_stop(struct gf_test_stack *f)
{
    free(f->stack);
    free(f->db);
    if (f->dir)
        gf_test_tmpdir_remove(f->dir);
    f->stack = f->db = f->dir = NULL;
    gf_test_aws_stop(&f->aws);
}

void gf_test_stack_restart(struct gf_test_stack *f, const char *const *backend_args)
{
    gf_test_aws_restart(&f->aws, backend_args);
    snprintf(f->endpoint_env, sizeof(f->endpoint_env), "AWS_ENDPOINT_URL=%s", f->aws.url);
}

/* ---- running gitfargate ------------------------------------------------------------------- */

void gf_test_stack_env(const char **env_out, const struct gf_test_stack *f)
{
    static const char *const s_pinned[] = {"AWS_ACCESS_KEY_ID=" GF_TEST_AWS_KEY,
                                           "AWS_SECRET_ACCESS_KEY=" GF_TEST_AWS_SECRET,
                                           "AWS_SESSION_TOKEN=",
                                           "AWS_REGION=" GF_TEST_AWS_REGION,
                                           "AWS_DEFAULT_REGION=",
                                           "AWS_PROFILE=",
                                           "AWS_CONFIG_FILE=/dev/null",
                                           "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
                                           "AWS_EC2_METADATA_DISABLED=true"};
    size_t i, n = sizeof(s_pinned) / sizeof(s_pinned[0]);

    _Static_assert(sizeof(s_pinned) / sizeof(s_pinned[0]) + 2 <= GF_TEST_STACK_ENV_MAX,
                   "the pinned environment fits");
    for (i = 0; i < n; i++)
        env_out[i] = s_pinned[i];
    env_out[n++] = f->endpoint_env;
    env_out[n] = NULL;
}

void gf_test_stack_argv(const char **argv_out, const struct gf_test_stack *f,
                        const char *const *args)
{
    size_t n = 0, i;

    argv_out[n++] = gf_test_binary();
    for (i = 0; args && args[i]; i++) {
        cr_assert_lt(n, GF_TEST_STACK_ARGV_MAX - 5, "too many arguments");
        argv_out[n++] = args[i];
    }
    argv_out[n++] = "-c";
    argv_out[n++] = f->stack;
    argv_out[n++] = "--db";
    argv_out[n++] = f->db;
    argv_out[n] = NULL;
}

void gf_test_stack_run(struct gf_test_run *out, struct gf_test_stack *f, const char *const *args)
{
    const char *argv[GF_TEST_STACK_ARGV_MAX];
    const char *env[GF_TEST_STACK_ENV_MAX];

    gf_test_stack_argv(argv, f, args);
    gf_test_stack_env(env, f);
    cr_assert_eq(gf_test_run(out, argv, env, f->dir, NULL, f->timeout_s), 0,
                 "gitfargate %s did not finish in %d s", args[0], f->timeout_s);
}

/* Release r, then assert its status was `want`, showing the end of its stderr: nothing leaks when
 * the assertion ends the test (the sanitizer pass counts leaks). */
static void release_expect(struct gf_test_run *r, int want, const char *what)
{
    char tail[4096];
    int status = r->status;
    size_t skip = r->err.len > sizeof(tail) - 1 ? r->err.len - (sizeof(tail) - 1) : 0;

    snprintf(tail, sizeof(tail), "%s", r->err.ptr + skip);
    gf_test_run_release(r);
    cr_assert_eq(status, want, "gitfargate %s exited %d (wanted %d): %s", what, status, want, tail);
}

int gf_test_stack_status(struct gf_test_stack *f, const char *const *args, struct gf_buf *err_out)
{
    struct gf_test_run r;
    int status;

    gf_test_stack_run(&r, f, args);
    status = r.status;
    if (err_out)
        gf_buf_puts(err_out, r.err.ptr);
    gf_test_run_release(&r);
    return status;
}

void gf_test_stack_ok(struct gf_test_stack *f, const char *const *args, struct gf_buf *err_out)
{
    struct gf_test_run r;

    gf_test_stack_run(&r, f, args);
    if (err_out)
        gf_buf_puts(err_out, r.err.ptr);
    release_expect(&r, 0, args[0]);
}

long gf_test_stack_apply(struct gf_test_stack *f, const char *extra, int want_status,
                         struct gf_buf *err_out)
{
    struct gf_test_run r;
    const char *args[] = {"apply", extra, NULL};
    const char *s;
    long mutating = 0;

    gf_test_stack_run(&r, f, args);
    s = strstr(r.err.ptr, "AWS calls (");
    if (!s)
        s = strstr(r.err.ptr, "AWS call (");
    if (s)
        mutating = strtol(strchr(s, '(') + 1, NULL, 10);
    if (err_out)
        gf_buf_puts(err_out, r.err.ptr);
    release_expect(&r, want_status, "apply");
    return mutating;
}

json_t *gf_test_stack_plan_json(struct gf_test_stack *f, const char *extra)
{
    struct gf_test_run r;
    const char *args[] = {"plan", "--format", "json", extra, NULL};
    json_t *doc;

    gf_test_stack_run(&r, f, args);
    doc = r.status == 0 ? json_loads(r.out.ptr, 0, NULL) : NULL;
    if (r.status == 0 && !doc)
        cr_log_error("plan --format json printed: %s", r.out.ptr);
    release_expect(&r, 0, "plan");
    cr_assert_not_null(doc, "plan --format json printed no JSON document");
    return doc;
}

long long gf_test_stack_summary(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "summary"), key));
}

long long gf_test_stack_calls(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "api_calls"), key));
}

/* ---- the stack file ----------------------------------------------------------------------- */

void gf_test_stack_write(struct gf_test_stack *f, const char *text)
{
    cr_assert_eq(gf_test_write_file(f->stack, text, strlen(text)), 0, "cannot write %s", f->stack);
}

void gf_test_stack_edit(struct gf_test_stack *f, const char *from, const char *to)
{
    struct gf_buf text = GF_BUF_INIT, next = GF_BUF_INIT;
    const char *at;

    cr_assert_eq(gf_test_read_file(&text, f->stack), 0);
    at = strstr(text.ptr, from);
    cr_assert_not_null(at, "'%s' not in %s", from, text.ptr);
    gf_buf_put(&next, text.ptr, (size_t)(at - text.ptr));
    gf_buf_puts(&next, to);
    gf_buf_puts(&next, at + strlen(from));
    cr_assert(!gf_buf_failed(&next));
    cr_assert_eq(gf_test_write_file(f->stack, next.ptr, next.len), 0);
    gf_buf_release(&text);
    gf_buf_release(&next);
}

/* Where the block starting at `body` (the lines after a task's key) ends: the first line that is
 * neither blank nor indented by three spaces or more. */
static const char *block_end(const char *body)
{
    const char *end = body;

    while (*end) {
        const char *nl;

        if (!(end[0] == ' ' && end[1] == ' ' && end[2] == ' ') && end[0] != '\n')
            break;
        nl = strchr(end, '\n');
        if (!nl)
            return end + strlen(end);
        end = nl + 1;
    }
    return end;
}

void gf_test_stack_remove_task(struct gf_test_stack *f, const char *key)
{
    struct gf_buf text = GF_BUF_INIT, next = GF_BUF_INIT, head = GF_BUF_INIT;
    const char *at;

    gf_buf_printf(&head, "\n  %s:\n", key);
    cr_assert_eq(gf_test_read_file(&text, f->stack), 0);
    at = strstr(text.ptr, head.ptr);
    cr_assert_not_null(at, "task %s not in %s", key, text.ptr);
    gf_buf_put(&next, text.ptr, (size_t)(at - text.ptr) + 1);
    gf_buf_puts(&next, block_end(at + head.len));
    cr_assert(!gf_buf_failed(&next));
    cr_assert_eq(gf_test_write_file(f->stack, next.ptr, next.len), 0);
    gf_buf_release(&text);
    gf_buf_release(&next);
    gf_buf_release(&head);
}

char *gf_test_stack_file_value(struct gf_test_stack *f, const char *key)
{
    struct gf_buf text = GF_BUF_INIT, needle = GF_BUF_INIT;
    const char *at, *end;
    char *v;

    cr_assert_eq(gf_test_read_file(&text, f->stack), 0);
    gf_buf_printf(&needle, "%s: ", key);
    /* the first line whose key it is, at any indentation (a top-level key too) */
    for (at = strstr(text.ptr, needle.ptr); at; at = strstr(at + 1, needle.ptr)) {
        const char *bol = at;

        while (bol > text.ptr && bol[-1] == ' ')
            bol--;
        if (bol == text.ptr || bol[-1] == '\n')
            break;
    }
    cr_assert_not_null(at, "no %s in the enriched file: %s", key, text.ptr);
    at += needle.len;
    end = strchr(at, '\n');
    v = strndup(at, end ? (size_t)(end - at) : strlen(at));
    cr_assert_not_null(v);
    gf_buf_release(&text);
    gf_buf_release(&needle);
    return v;
}

void gf_test_stack_replace_all(struct gf_buf *buf, const char *from, const char *to)
{
    struct gf_buf next = GF_BUF_INIT;
    const char *p = buf->ptr, *at;

    while ((at = strstr(p, from)) != NULL) {
        gf_buf_put(&next, p, (size_t)(at - p));
        gf_buf_puts(&next, to);
        p = at + strlen(from);
    }
    gf_buf_puts(&next, p);
    cr_assert(!gf_buf_failed(&next));
    gf_buf_release(buf);
    *buf = next;
}

void gf_test_stack_read_example(struct gf_buf *out, const char *file)
{
    char *dir = gf_test_path(gf_test_source_dir(), "examples");
    char *path = gf_test_path(dir, file);

    cr_assert_eq(gf_test_read_file(out, path), 0, "cannot read %s", path);
    gf_test_stack_replace_all(out, ECR_US, ECR);
    free(dir);
    free(path);
}

/* ---- the audit store ---------------------------------------------------------------------- */

long long gf_test_stack_sql_int(struct gf_test_stack *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long n = -1;

    cr_assert_eq(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", f->db);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

long long gf_test_stack_last_calls(struct gf_buf *out, struct gf_test_stack *f, bool mutating)
{
    static const char s_sql[] = "SELECT service, operation FROM api_calls WHERE run_id = "
                                "(SELECT id FROM runs ORDER BY rowid DESC LIMIT 1) "
                                "ORDER BY service, operation";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long n = 0;

    gf_buf_clear(out);
    cr_assert_eq(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", f->db);
    cr_assert_eq(sqlite3_prepare_v2(db, s_sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *svc = (const char *)sqlite3_column_text(st, 0);
        const char *op = (const char *)sqlite3_column_text(st, 1);

        if (mutating && !gf_rc_op_mutates(op))
            continue;
        gf_buf_printf(out, "%s%s:%s", n ? "," : "", svc, op);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    cr_assert(!gf_buf_failed(out));
    return n;
}

/* ---- moto's network ----------------------------------------------------------------------- */

static json_t *ec2(struct gf_test_stack *f, const char *op, json_t *in)
{
    return gf_test_aws_call_ok(&f->aws, &gf_aws_ec2, op, in);
}

static void copy_id(char *out, const char *id)
{
    if (out)
        snprintf(out, 64, "%s", id);
}

/* Two private subnets in `vpc`, routed to a NAT gateway in public subnet `pub`. */
static void private_subnets(struct gf_test_stack *f, const char *vpc, const char *pub,
                            char *private_out)
{
    static const char *const s_cidr[] = {"172.31.128.0/20", "172.31.144.0/20"};
    static const char *const s_zone[] = {GF_TEST_AWS_REGION "a", GF_TEST_AWS_REGION "b"};
    json_t *eip, *nat, *table;
    const char *nat_id, *table_id;
    size_t i;

    eip = ec2(f, "AllocateAddress", json_pack("{s:s}", "Domain", "vpc"));
    nat = ec2(f, "CreateNatGateway",
              json_pack("{s:s, s:s}", "SubnetId", pub, "AllocationId",
                        gf_test_json_str(eip, "allocationId")));
    nat_id = gf_test_json_str(nat, "natGateway.natGatewayId");
    cr_assert_not_null(nat_id);
    table = ec2(f, "CreateRouteTable", json_pack("{s:s}", "VpcId", vpc));
    table_id = gf_test_json_str(table, "routeTable.routeTableId");
    cr_assert_not_null(table_id);
    json_decref(ec2(f, "CreateRoute",
                    json_pack("{s:s, s:s, s:s}", "RouteTableId", table_id, "DestinationCidrBlock",
                              "0.0.0.0/0", "NatGatewayId", nat_id)));
    for (i = 0; i < 2; i++) {
        json_t *sn = ec2(f, "CreateSubnet",
                         json_pack("{s:s, s:s, s:s}", "VpcId", vpc, "CidrBlock", s_cidr[i],
                                   "AvailabilityZone", s_zone[i]));
        const char *id = gf_test_json_str(sn, "subnet.subnetId");

        cr_assert_not_null(id);
        if (i == 0)
            copy_id(private_out, id);
        json_decref(ec2(f, "AssociateRouteTable",
                        json_pack("{s:s, s:s}", "RouteTableId", table_id, "SubnetId", id)));
        json_decref(sn);
    }
    json_decref(table);
    json_decref(nat);
    json_decref(eip);
}

void gf_test_stack_moto_network(struct gf_test_stack *f, char *vpc_out, char *private_out)
{
    json_t *vpcs, *igw, *tables, *subnets;
    const char *vpc, *igw_id, *table;

    vpcs = ec2(f, "DescribeVpcs", NULL);
    vpc = gf_test_json_str(vpcs, "vpcSet.0.vpcId");
    cr_assert_not_null(vpc);
    copy_id(vpc_out, vpc);
    igw = ec2(f, "CreateInternetGateway", NULL);
    igw_id = gf_test_json_str(igw, "internetGateway.internetGatewayId");
    cr_assert_not_null(igw_id);
    json_decref(ec2(f, "AttachInternetGateway",
                    json_pack("{s:s, s:s}", "InternetGatewayId", igw_id, "VpcId", vpc)));
    tables = ec2(f, "DescribeRouteTables",
                 json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "vpc-id", "Value", vpc));
    table = gf_test_json_str(tables, "routeTableSet.0.routeTableId");
    cr_assert_not_null(table);
    json_decref(ec2(f, "CreateRoute",
                    json_pack("{s:s, s:s, s:s}", "RouteTableId", table, "DestinationCidrBlock",
                              "0.0.0.0/0", "GatewayId", igw_id)));
    subnets = ec2(f, "DescribeSubnets",
                  json_pack("{s:[{s:s, s:[s]}]}", "Filter", "Name", "vpc-id", "Value", vpc));
    private_subnets(f, vpc, gf_test_json_str(subnets, "subnetSet.0.subnetId"), private_out);
    json_decref(subnets);
    json_decref(tables);
    json_decref(igw);
    json_decref(vpcs);
}
