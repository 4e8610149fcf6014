/* SPDX-License-Identifier: Apache-2.0 */
/* demo_repo_test.c: scripts/make-demo-repo.sh builds the reproducible demo git repository the
 * quickstart and the sync loop use: three commits, every stack in it valid, the same commit ids
 * on every run, and a foreign non-empty folder left alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testlib/testlib.h"
#include "common/banned.h"

static char *s_dir;

static void setup(void)
{
    s_dir = gf_test_tmpdir("demo");
    cr_assert_not_null(s_dir);
}

static void teardown(void)
{
    gf_test_tmpdir_remove(s_dir);
}

TestSuite(demo_repo, .init = setup, .fini = teardown);

static int make_demo(struct gf_test_run *r, const char *dir)
{
    char *script = gf_test_path(gf_test_source_dir(), "scripts/make-demo-repo.sh");
    const char *argv[] = {"/bin/bash", script, dir, NULL};
    int rc = gf_test_run(r, argv, NULL, NULL, NULL, 60);

    free(script);
    return rc;
}

static void git_out(struct gf_test_run *r, const char *dir, const char *a1, const char *a2)
{
    const char *argv[] = {"/usr/bin/git", "-C", dir, a1, a2, NULL};

    cr_assert_eq(gf_test_run(r, argv, NULL, NULL, NULL, 30), 0);
    cr_assert_eq(r->status, 0, "git %s %s: %s", a1, a2 ? a2 : "", r->err.ptr);
}

Test(demo_repo, builds_three_commits_of_valid_stacks_reproducibly)
{
    struct gf_test_run r;
    char *repo = gf_test_path(s_dir, "repo");
    struct gf_buf cmd = GF_BUF_INIT;
    char head1[64], head2[64];

    cr_assert_eq(make_demo(&r, repo), 0);
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    gf_test_run_release(&r);

    {
        const char *argv[] = {"/usr/bin/git", "-C", repo, "rev-list", "--count", "main", NULL};

        cr_assert_eq(gf_test_run(&r, argv, NULL, NULL, NULL, 30), 0);
        cr_assert_str_eq(r.out.ptr, "3\n");
        gf_test_run_release(&r);
    }
    git_out(&r, repo, "rev-parse", "HEAD");
    snprintf(head1, sizeof(head1), "%s", r.out.ptr);
    gf_test_run_release(&r);

    /* Every stack in the repository validates with the real binary. */
    gf_buf_printf(&cmd, "'%s' validate '%s'/stacks/*.yml", gf_test_binary(), repo);
    cr_assert(!gf_buf_failed(&cmd));
    {
        const char *argv[] = {"/bin/sh", "-c", cmd.ptr, NULL};

        cr_assert_eq(gf_test_run(&r, argv, NULL, NULL, NULL, 60), 0);
        cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
        cr_assert(strstr(r.out.ptr, "storefront.yml: valid"), "%s", r.out.ptr);
        gf_test_run_release(&r);
    }

    /* Running it again rebuilds the same commits. */
    cr_assert_eq(make_demo(&r, repo), 0);
    cr_assert_eq(r.status, 0, "%s", r.err.ptr);
    gf_test_run_release(&r);
    git_out(&r, repo, "rev-parse", "HEAD");
    snprintf(head2, sizeof(head2), "%s", r.out.ptr);
    gf_test_run_release(&r);
    cr_assert_str_eq(head1, head2);
    gf_buf_release(&cmd);
    free(repo);
}

Test(demo_repo, refuses_a_foreign_non_empty_folder)
{
    struct gf_test_run r;
    char *keep = gf_test_path(s_dir, "precious.txt");

    cr_assert_eq(gf_test_write_file(keep, "mine\n", 5), 0);
    cr_assert_eq(make_demo(&r, s_dir), 0);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err.ptr, "is not a gitfargate demo repository"), "%s", r.err.ptr);
    gf_test_run_release(&r);
    cr_assert_eq(gf_test_read_file(&r.out, keep), 0);
    cr_assert_str_eq(r.out.ptr, "mine\n");
    gf_buf_release(&r.out);
    free(keep);
}
