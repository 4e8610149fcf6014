/* SPDX-License-Identifier: Apache-2.0 */
/* help_test.c: the help subjects (controller/help.c): every subject reachable by name, alias
 * and prefix, ambiguity and unknown names reported with their fields, the listing, and the
 * shape of the texts (no line over 100 columns, no tabs, no trailing blanks). */
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "controller/help.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

/* Assert every line of `text` is at most GF_HELP_MAX_COLS wide, tab-free, without trailing
 * blanks, and that the text ends with a newline. `what` names it in the failure. */
static void assert_lines_ok(const char *text, const char *what)
{
    const char *line = text;
    size_t n = 0;

    cr_assert(text[0] != '\0', "%s: empty", what);
    cr_assert_eq(text[strlen(text) - 1], '\n', "%s: does not end with a newline", what);
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);

        n++;
        cr_assert_leq(len, GF_HELP_MAX_COLS, "%s: line %zu is %zu columns: %.*s", what, n, len,
                      (int)len, line);
        cr_assert_null(memchr(line, '\t', len), "%s: line %zu has a tab", what, n);
        cr_assert(len == 0 || line[len - 1] != ' ', "%s: line %zu ends with a blank", what, n);
        if (!end)
            break;
        line = end + 1;
    }
}

static const struct gf_help_subject *find_ok(const char *name)
{
    const struct gf_help_subject *s = NULL;

    gf_cr_ok(gf_help_find(&s, name));
    cr_assert_not_null(s);
    return s;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;

    for (; *text; text++)
        n += *text == '\n';
    return n;
}

Test(help, has_the_subjects_fargatestack_users_expect)
{
    static const char *const expected[] = {
        "overview",   "configuration", "commands", "tasks",          "environment",
        "env-vars",   "queues",        "buckets",  "scheduled-jobs", "http",
        "https",      "secrets",       "efs",      "autoscaling",    "logging",
        "iam",        "networking",    "gitops",   "state",          "waf",
        "exit-codes", "local-aws",     "audit",    "fargatestack",   "help",
    };
    size_t i;

    for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        cr_assert_str_eq(find_ok(expected[i])->name, expected[i]);
}

Test(help, every_subject_is_found_by_its_name_and_alias)
{
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    size_t i;

    cr_assert_geq(n, 20);
    for (i = 0; i < n; i++) {
        cr_assert_eq(find_ok(all[i].name), &all[i], "name %s", all[i].name);
        if (all[i].alias)
            cr_assert_eq(find_ok(all[i].alias), &all[i], "alias %s", all[i].alias);
    }
}

Test(help, every_subject_is_reachable_by_a_unique_prefix_of_its_name)
{
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    size_t i;

    for (i = 0; i < n; i++) {
        char prefix[64];
        size_t len;
        bool reached = false;

        for (len = 1; len <= strlen(all[i].name) && !reached; len++) {
            const struct gf_help_subject *found[2] = {NULL, NULL};

            memcpy(prefix, all[i].name, len);
            prefix[len] = '\0';
            if (gf_help_matches(found, 2, prefix) == 1)
                reached = found[0] == &all[i];
        }
        cr_assert(reached, "no prefix of '%s' finds it", all[i].name);
    }
}

Test(help, names_and_aliases_are_unique_and_normalised)
{
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    size_t i;
    size_t j;

    for (i = 0; i < n; i++) {
        const char *names[2] = {all[i].name, all[i].alias};
        size_t k;

        for (k = 0; k < 2 && names[k]; k++) {
            cr_assert_eq(strspn(names[k], "abcdefghijklmnopqrstuvwxyz0123456789-"),
                         strlen(names[k]), "'%s' is not lower case and '-'", names[k]);
            for (j = 0; j < n; j++) {
                if (j == i)
                    continue;
                cr_assert_str_neq(names[k], all[j].name);
                cr_assert(!all[j].alias || strcmp(names[k], all[j].alias) != 0, "%s twice",
                          names[k]);
            }
        }
    }
}

Test(help, prefix_finds_a_subject_by_name_or_alias)
{
    cr_assert_str_eq(find_ok("sched")->name, "scheduled-jobs");
    cr_assert_str_eq(find_ok("schedules")->name, "scheduled-jobs");
    cr_assert_str_eq(find_ok("sq")->name, "queues"); /* alias sqs */
    cr_assert_str_eq(find_ok("differ")->name, "fargatestack");
    cr_assert_str_eq(find_ok("auto")->name, "autoscaling");
    cr_assert_str_eq(find_ok("loc")->name, "local-aws");
}

Test(help, exact_name_wins_over_longer_names_it_prefixes)
{
    /* "http" is also a prefix of "https"; "help" is not a prefix of anything else but is the
     * subject `help help` shows. */
    cr_assert_str_eq(find_ok("http")->name, "http");
    cr_assert_str_eq(find_ok("https")->name, "https");
    cr_assert_str_eq(find_ok("http-services")->name, "http");
    cr_assert_str_eq(find_ok("help")->name, "help");
}

Test(help, ignores_case_and_accepts_spaces_or_underscores_for_dashes)
{
    cr_assert_str_eq(find_ok("Exit Codes")->name, "exit-codes");
    cr_assert_str_eq(find_ok("SCHEDULED_JOBS")->name, "scheduled-jobs");
    cr_assert_str_eq(find_ok("local aws")->name, "local-aws");
    cr_assert_str_eq(find_ok("Env_V")->name, "env-vars");
}

Test(help, ambiguous_prefix_names_the_candidates)
{
    const struct gf_help_subject *s = (const struct gf_help_subject *)1;
    const struct gf_error *e;

    gf_cr_fails(GF_EINVALID, gf_help_find(&s, "env"));
    cr_assert_null(s);
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "help subject 'env' is ambiguous");
    cr_assert_str_eq(e->key, "subject");
    cr_assert_str_eq(e->hint, "did you mean: environment, env-vars");
}

Test(help, ambiguous_prefix_lists_every_match_in_order)
{
    const struct gf_help_subject *found[8];
    size_t n;

    n = gf_help_matches(found, 8, "e");
    cr_assert_eq(n, 4);
    cr_assert_str_eq(found[0]->name, "environment");
    cr_assert_str_eq(found[1]->name, "env-vars");
    cr_assert_str_eq(found[2]->name, "efs");
    cr_assert_str_eq(found[3]->name, "exit-codes");
    /* htt: http (and its alias http-services, counted once) and https. */
    cr_assert_eq(gf_help_matches(found, 8, "htt"), 2);
    /* More matches than room: the count is still the total. */
    cr_assert_eq(gf_help_matches(found, 1, "e"), 4);
    cr_assert_str_eq(found[0]->name, "environment");
    cr_assert_eq(gf_help_matches(NULL, 0, "e"), 4);
}

Test(help, one_letter_prefix_hint_lists_each_match_once)
{
    const struct gf_help_subject *s = NULL;

    gf_cr_fails(GF_EINVALID, gf_help_find(&s, "a"));
    cr_assert_str_eq(gf_error_last()->hint, "did you mean: autoscaling, audit");
    gf_cr_fails(GF_EINVALID, gf_help_find(&s, "h"));
    cr_assert_str_eq(gf_error_last()->hint, "did you mean: http, https, help");
}

Test(help, unknown_subject_is_not_found_with_a_hint)
{
    const struct gf_help_subject *s = NULL;
    const struct gf_error *e;

    gf_cr_fails(GF_ENOTFOUND, gf_help_find(&s, "kubernetes"));
    cr_assert_null(s);
    e = gf_error_last();
    cr_assert_str_eq(e->msg, "unknown help subject 'kubernetes'");
    cr_assert_str_eq(e->key, "subject");
    cr_assert_str_eq(e->hint, "run 'gitfargate help help' for the list of subjects");
    /* A longer word that merely starts like a subject is no match either. */
    gf_cr_fails(GF_ENOTFOUND, gf_help_find(&s, "httpx"));
    gf_cr_fails(GF_ENOTFOUND, gf_help_find(&s, "-"));
}

Test(help, empty_or_overlong_names_are_rejected)
{
    const struct gf_help_subject *s = NULL;
    char longname[200];

    gf_cr_fails(GF_EINVALID, gf_help_find(&s, ""));
    cr_assert_str_eq(gf_error_last()->msg, "no help subject given");
    gf_cr_fails(GF_EINVALID, gf_help_find(&s, NULL));
    memset(longname, 'o', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    gf_cr_fails(GF_ENOTFOUND, gf_help_find(&s, longname));
    cr_assert_eq(gf_help_matches(NULL, 0, ""), 0);
}

Test(help, summaries_are_one_lowercase_line)
{
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    size_t i;

    for (i = 0; i < n; i++) {
        size_t len = strlen(all[i].summary);

        cr_assert_gt(len, 0);
        cr_assert_null(strchr(all[i].summary, '\n'), "%s", all[i].name);
        cr_assert_neq(all[i].summary[len - 1], '.', "%s: final period", all[i].name);
        cr_assert(all[i].summary[0] < 'A' || all[i].summary[0] > 'Z', "%s", all[i].name);
    }
}

Test(help, no_line_is_wider_than_100_columns)
{
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    struct gf_buf out = GF_BUF_INIT;
    size_t i;

    for (i = 0; i < n; i++) {
        assert_lines_ok(all[i].text, all[i].name);
        gf_buf_clear(&out);
        gf_cr_ok(gf_help_format_subject(&out, &all[i]));
        assert_lines_ok(out.ptr, all[i].name);
        gf_buf_clear(&out);
        gf_cr_ok(gf_help_render(&out, all[i].name));
        assert_lines_ok(out.ptr, all[i].name);
    }
    gf_buf_clear(&out);
    gf_cr_ok(gf_help_format_list(&out));
    assert_lines_ok(out.ptr, "list");
    gf_buf_release(&out);
}

Test(help, formats_a_subject_with_its_title)
{
    struct gf_buf out = GF_BUF_INIT;
    const struct gf_help_subject *s = find_ok("schedules");

    gf_cr_ok(gf_help_format_subject(&out, s));
    cr_assert(strncmp(out.ptr, "scheduled-jobs (also: schedules) - ", 35) == 0, "%s", out.ptr);
    cr_assert_not_null(strstr(out.ptr, "\n\n"));
    cr_assert_not_null(strstr(out.ptr, s->text));
    gf_buf_clear(&out);
    gf_cr_ok(gf_help_format_subject(&out, find_ok("efs")));
    cr_assert(strncmp(out.ptr, "efs - ", 6) == 0, "%s", out.ptr);
    gf_buf_release(&out);
}

Test(help, help_help_lists_every_subject_with_its_summary)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_buf list = GF_BUF_INIT;
    size_t n = 0;
    const struct gf_help_subject *all = gf_help_subjects(&n);
    size_t i;

    gf_cr_ok(gf_help_render(&out, "help"));
    cr_assert(strncmp(out.ptr, "help - ", 7) == 0, "%s", out.ptr);
    gf_cr_ok(gf_help_format_list(&list));
    cr_assert_eq(count_lines(list.ptr), n);
    cr_assert_not_null(strstr(out.ptr, list.ptr));
    for (i = 0; i < n; i++) {
        char line[256];

        snprintf(line, sizeof(line), "  %s ", all[i].name);
        cr_assert_not_null(strstr(list.ptr, line), "%s not listed", all[i].name);
        cr_assert_not_null(strstr(list.ptr, all[i].summary), "%s summary", all[i].name);
    }
    gf_buf_release(&list);
    gf_buf_release(&out);
}

Test(help, no_subject_renders_the_overview_and_the_list)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_buf empty = GF_BUF_INIT;

    gf_cr_ok(gf_help_render(&out, NULL));
    cr_assert(strncmp(out.ptr, "overview - ", 11) == 0, "%s", out.ptr);
    cr_assert_not_null(strstr(out.ptr, "\nSubjects (gitfargate help SUBJECT"));
    cr_assert_not_null(strstr(out.ptr, "  exit-codes "));
    gf_cr_ok(gf_help_render(&empty, ""));
    cr_assert_str_eq(empty.ptr, out.ptr);
    gf_buf_release(&empty);
    gf_buf_release(&out);
}

Test(help, render_of_a_subject_has_no_list_and_failures_append_nothing)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_ok(gf_help_render(&out, "iam"));
    cr_assert(strncmp(out.ptr, "iam - ", 6) == 0);
    cr_assert_null(strstr(out.ptr, "Subjects ("));
    gf_buf_clear(&out);
    gf_cr_fails(GF_ENOTFOUND, gf_help_render(&out, "nope"));
    cr_assert_eq(out.len, 0);
    gf_cr_fails(GF_EINVALID, gf_help_render(&out, "e"));
    cr_assert_eq(out.len, 0);
    gf_buf_release(&out);
}

Test(help, exit_codes_subject_matches_the_exit_table)
{
    static const char *const rows[] = {
        "   0  success",        "   1  failure",           "   2  plan --detailed-exitcode",
        "   3  conflict",       "  64  usage error",       
        "  70  internal error", "  75  temporary failure", "  77  authentication",
    };
    const struct gf_help_subject *s = find_ok("exit-codes");
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        cr_assert_not_null(strstr(s->text, rows[i]), "missing: %s", rows[i]);
}

Test(help, texts_mark_what_is_not_built_yet)
{
    cr_assert_not_null(strstr(find_ok("commands")->text, "Being built:"));
    cr_assert_null(strstr(find_ok("local-aws")->text, "being built"), "local-aws is built");
    cr_assert_not_null(strstr(find_ok("local-aws")->text, "all 15"));
    cr_assert_not_null(strstr(find_ok("gitops")->text, "being built"));
    cr_assert_not_null(strstr(find_ok("overview")->text, "work today"));
}

Test(help, formatting_reports_out_of_memory)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_alloc_failing_install(0);
    gf_cr_fails(GF_ENOMEM, gf_help_format_subject(&out, find_ok("efs")));
    gf_buf_release(&out);
    gf_cr_fails(GF_ENOMEM, gf_help_format_list(&out));
    gf_buf_release(&out);
    gf_cr_fails(GF_ENOMEM, gf_help_render(&out, "help"));
    gf_alloc_set(NULL);
    gf_buf_release(&out);
}
