/* SPDX-License-Identifier: Apache-2.0 */
/* cli_test.c: the `gitfargate` binary as a user runs it: help, exit statuses, validate, plan
 * --offline, audit, and the log format switch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testlib/testlib.h"
#include "common/banned.h"

static char *s_dir;

static void setup(void)
{
    s_dir = gf_test_tmpdir("cli");
    cr_assert_not_null(s_dir);
}

static void teardown(void)
{
    gf_test_tmpdir_remove(s_dir);
}

/* Run gitfargate with up to 7 arguments (a NULL ends them) in the temp folder. */
static void gf7(struct gf_test_run *r, const char *a1, const char *a2, const char *a3,
                const char *a4, const char *a5, const char *a6, const char *a7)
{
    const char *argv[9] = {gf_test_binary(), a1, a2, a3, a4, a5, a6, a7, NULL};
    const char *env[] = {"NO_COLOR=1", "GITFARGATE_LOG_LEVEL=", "GITFARGATE_LOG=", NULL};

    cr_assert_eq(gf_test_run(r, argv, env, s_dir, NULL, 60), 0);
}

static void gf(struct gf_test_run *r, const char *a1, const char *a2, const char *a3,
               const char *a4, const char *a5, const char *a6)
{
    gf7(r, a1, a2, a3, a4, a5, a6, NULL);
}

static char *example(const char *name)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "examples/%s", name);
    return gf_test_path(gf_test_source_dir(), rel);
}

TestSuite(cli, .init = setup, .fini = teardown);

Test(cli, help_lists_commands_and_exits_zero)
{
    struct gf_test_run r;

    gf(&r, "--help", NULL, NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err.ptr);
    cr_assert(strstr(r.out.ptr, "validate"));
    cr_assert(strstr(r.out.ptr, "plan"));
    cr_assert(strstr(r.out.ptr, "audit"));
    cr_assert(strstr(r.out.ptr, "--log-format"));
    gf_test_run_release(&r);
}

Test(cli, no_command_is_a_usage_error)
{
    struct gf_test_run r;

    gf(&r, NULL, NULL, NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "usage: gitfargate"));
    gf_test_run_release(&r);
}

Test(cli, unknown_command_exits_64)
{
    struct gf_test_run r;

    gf(&r, "frobnicate", NULL, NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "unknown command 'frobnicate'"), "stderr: %s", r.err.ptr);
    gf_test_run_release(&r);
}

Test(cli, every_command_has_help)
{
    static const char *const cmds[] = {"validate", "plan", "audit", "help", "version"};
    size_t i;

    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct gf_test_run r;

        gf(&r, cmds[i], "--help", NULL, NULL, NULL, NULL);
        cr_assert_eq(r.status, 0, "%s --help: %s", cmds[i], r.err.ptr);
        cr_assert(strstr(r.out.ptr, "usage: gitfargate"), "%s --help: %s", cmds[i], r.out.ptr);
        gf_test_run_release(&r);
    }
}

Test(cli, unique_prefix_picks_a_command)
{
    struct gf_test_run r;

    gf(&r, "vers", "--short", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out.ptr, "gitfargate ", 11) == 0);
    gf_test_run_release(&r);
}

Test(cli, bad_global_option_value_exits_64)
{
    struct gf_test_run r;

    gf(&r, "--log-level", "loud", "version", NULL, NULL, NULL);
    cr_assert_eq(r.status, 64);
    cr_assert(strstr(r.err.ptr, "unknown log level 'loud'"));
    gf_test_run_release(&r);
}

Test(cli, validate_accepts_every_example)
{
    char *dir = gf_test_path(gf_test_source_dir(), "examples");
    size_t i, n = 0;
    char **names = gf_test_list(&n, dir, ".yml", false);

    for (i = 0; i < n; i++) {
        struct gf_test_run r;
        char *path = gf_test_path(dir, names[i]);

        gf(&r, "validate", path, NULL, NULL, NULL, NULL);
        cr_assert_eq(r.status, 0, "%s: %s%s", names[i], r.out.ptr, r.err.ptr);
        cr_assert(strstr(r.out.ptr, ": valid"), "%s", r.out.ptr);
        gf_test_run_release(&r);
        free(path);
    }
    gf_test_list_free(names, n);
    free(dir);
    cr_assert_geq(n, 10, "only %zu examples found", n);
}

Test(cli, validate_reports_located_errors_and_exits_1)
{
    struct gf_test_run r;
    char *path = gf_test_path(s_dir, "bad.yml");
    static const char bad[] = "app:\n  name: demo\ntasks:\n  web:\n    type: cronjob\n"
                              "    image: nginx:1.27\n    imgae: x\n";

    cr_assert_eq(gf_test_write_file(path, bad, strlen(bad)), 0);
    gf(&r, "validate", path, NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 1, "out: %s err: %s", r.out.ptr, r.err.ptr);
    cr_assert(strstr(r.out.ptr, "bad.yml:5:11: error:"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "cronjob"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "bad.yml:7:5: error:"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "image"), "did-you-mean missing: %s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "invalid: 2 errors"), "%s", r.out.ptr);
    gf_test_run_release(&r);

    gf(&r, "validate", "--format", "json", path, NULL, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.out.ptr, "\"valid\": false"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "\"line\": 5"), "%s", r.out.ptr);
    gf_test_run_release(&r);
    free(path);
}

Test(cli, validate_missing_file_exits_1_with_message)
{
    struct gf_test_run r;

    gf(&r, "validate", "no-such-stack.yml", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.out.ptr, "no-such-stack.yml"), "%s", r.out.ptr);
    gf_test_run_release(&r);
}

Test(cli, plan_offline_shows_defaults_and_records_the_run)
{
    struct gf_test_run r;
    char *path = example("storefront.yml");
    char *db = gf_test_path(s_dir, "audit.db");

    gf(&r, "plan", "--offline", "--db", db, "-c", path);
    cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
    cr_assert(strstr(r.out.ptr, "Offline plan for"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "cluster.name"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "tasks.web.family"), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "FargateStorefrontTaskRole"), "%s", r.out.ptr);
    gf_test_run_release(&r);

    gf(&r, "audit", "--db", db, "--format", "json", NULL);
    cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
    cr_assert(strstr(r.out.ptr, "\"plan\""), "%s", r.out.ptr);
    cr_assert(strstr(r.out.ptr, "success"), "%s", r.out.ptr);
    gf_test_run_release(&r);
    free(path);
    free(db);
}

Test(cli, plan_yaml_output_is_a_valid_stack)
{
    struct gf_test_run r;
    char *path = example("storefront.yml");
    char *out = gf_test_path(s_dir, "enriched.yml");

    gf(&r, "plan", "--offline", "--no-audit", "--format", "yaml", path);
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    cr_assert(strstr(r.out.ptr, "retention_days: 14") || strstr(r.out.ptr, "retention_days:"));
    cr_assert_eq(gf_test_write_file(out, r.out.ptr, r.out.len), 0);
    gf_test_run_release(&r);
    gf(&r, "validate", out, NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.out.ptr);
    gf_test_run_release(&r);
    free(path);
    free(out);
}

/* Without --offline, plan talks to AWS: here to a closed loopback port, with every other
 * credential source switched off, so nothing leaves the machine. It fails as "unreachable" (75)
 * and leaves the stack file as it was. */
Test(cli, plan_against_an_unreachable_endpoint_exits_75_and_changes_nothing)
{
    struct gf_test_run r;
    struct gf_buf before = GF_BUF_INIT, after = GF_BUF_INIT;
    char *src = example("storefront.yml"), *path = gf_test_path(s_dir, "storefront.yml");
    const char *argv[] = {gf_test_binary(), "plan", "--db", "gf.db", path, NULL};
    const char *env[] = {"NO_COLOR=1", "GITFARGATE_LOG_LEVEL=", "GITFARGATE_LOG=",
                         "AWS_ACCESS_KEY_ID=AKIDCLITEST000000001", "AWS_SECRET_ACCESS_KEY=s",
                         "AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_REGION=eu-west-1",
                         "AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_EC2_METADATA_DISABLED=true",
                         "AWS_MAX_ATTEMPTS=1", "AWS_CONFIG_FILE=/dev/null",
                         "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
                         "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=",
                         "AWS_CONTAINER_CREDENTIALS_FULL_URI=", NULL};

    cr_assert_eq(gf_test_read_file(&before, src), 0);
    cr_assert_eq(gf_test_write_file(path, before.ptr, before.len), 0);
    cr_assert_eq(gf_test_run(&r, argv, env, s_dir, NULL, 60), 0);
    cr_expect_eq(r.status, 75, "status %d, stderr: %s", r.status, r.err.ptr);
    cr_expect(strstr(r.err.ptr, "sts:GetCallerIdentity"), "stderr: %s", r.err.ptr);
    cr_assert_eq(gf_test_read_file(&after, path), 0);
    cr_expect(before.len == after.len && memcmp(before.ptr, after.ptr, before.len) == 0,
              "plan rewrote the stack file");
    gf_test_run_release(&r);
    gf_buf_release(&before);
    gf_buf_release(&after);
    free(src);
    free(path);
}

Test(cli, logs_are_json_lines_off_a_terminal)
{
    struct gf_test_run r;
    char *path = example("storefront.yml");

    /* An audit database that cannot be opened: the run still plans and logs one warning. */
    gf(&r, "plan", "--offline", "--db", "/proc/no/such/dir/audit.db", path, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    cr_assert(strstr(r.err.ptr, "{\"ts\":\""), "stderr: %s", r.err.ptr);
    cr_assert(strstr(r.err.ptr, "\"level\":\"warn\""), "stderr: %s", r.err.ptr);
    gf_test_run_release(&r);

    gf7(&r, "--log-format", "human", "plan", "--offline", "--db", "/proc/no/such/dir/a.db", path);
    cr_assert(strstr(r.err.ptr, " warn  plan: "), "stderr: %s", r.err.ptr);
    cr_assert_null(strstr(r.err.ptr, "\033["), "colour without a terminal");
    gf_test_run_release(&r);
    free(path);
}

Test(cli, help_subjects_by_prefix)
{
    struct gf_test_run r;

    gf(&r, "help", "help", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out.ptr, "configuration"), "%s", r.out.ptr);
    gf_test_run_release(&r);

    gf(&r, "help", "sched", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    cr_assert(strstr(r.out.ptr, "cron("), "%s", r.out.ptr);
    gf_test_run_release(&r);

    gf(&r, "help", "no-such-subject", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 64);
    gf_test_run_release(&r);

    gf(&r, "help", "validate", NULL, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out.ptr, "usage: gitfargate validate"));
    gf_test_run_release(&r);
}
