/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_validate.c: `gitfargate validate FILE...`: parse and check stack files, reporting every
 * problem as FILE:LINE:COL: error: WHAT (HOW TO FIX). Exit 0 when all are valid, 1 otherwise. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "state/stack.h"
#include "common/banned.h"

enum out_format { OUT_TEXT, OUT_JSON };

extern const struct gf_cmd gf_cmd_validate;

struct file_result {
    const char *path;
    struct gf_diags diags;
    int load_rc;            /* gf_stack_load's result */
    struct gf_error load_error; /* when load_rc < 0 and no diagnostic says why */
};

static void check_file(struct file_result *r)
{
    struct gf_stack *stack = NULL;

    gf_diags_init(&r->diags);
    r->load_rc = gf_stack_load(&stack, &r->diags, r->path);
    if (r->load_rc < 0)
        gf_error_copy(&r->load_error, gf_error_last());
    if (stack)
        gf_stack_validate(stack, &r->diags);
    gf_diags_sort(&r->diags);
    gf_stack_free(stack);
}

static bool result_valid(const struct file_result *r)
{
    return r->load_rc >= 0 && r->diags.n_errors == 0;
}

static size_t count_warnings(const struct file_result *r)
{
    return r->diags.n - r->diags.n_errors;
}

static void print_text(const struct file_result *r)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_diags_format(&out, &r->diags, r->path);
    fputs(out.ptr, stdout);
    if (r->load_rc < 0 && r->diags.n_errors == 0) {
        gf_buf_clear(&out);
        gf_error_format(&out, &r->load_error);
        printf("%s: %s\n", r->path, out.ptr);
    }
    if (result_valid(r))
        printf("%s: valid", r->path);
    else
        printf("%s: invalid: %zu error%s", r->path, r->diags.n_errors ? r->diags.n_errors : 1,
               r->diags.n_errors == 1 || r->diags.n_errors == 0 ? "" : "s");
    if (count_warnings(r))
        printf(", %zu warning%s", count_warnings(r), count_warnings(r) == 1 ? "" : "s");
    printf("\n");
    gf_buf_release(&out);
}

static json_t *diag_json(const struct gf_diag *d)
{
    json_t *o = json_object();

    json_object_set_new(o, "severity", json_string(d->severity == GF_DIAG_ERROR ? "error" : "warning"));
    json_object_set_new(o, "line", json_integer(d->pos.line));
    json_object_set_new(o, "column", json_integer(d->pos.col));
    json_object_set_new(o, "key", json_string(d->key ? d->key : ""));
    json_object_set_new(o, "message", json_string(d->msg ? d->msg : ""));
    if (d->hint)
        json_object_set_new(o, "hint", json_string(d->hint));
    return o;
}

static json_t *result_json(const struct file_result *r)
{
    json_t *o = json_object();
    json_t *list = json_array();
    size_t i;

    for (i = 0; i < r->diags.n; i++)
        json_array_append_new(list, diag_json(&r->diags.v[i]));
    if (r->load_rc < 0 && r->diags.n_errors == 0) {
        json_t *e = json_object();

        json_object_set_new(e, "severity", json_string("error"));
        json_object_set_new(e, "line", json_integer(0));
        json_object_set_new(e, "column", json_integer(0));
        json_object_set_new(e, "key", json_string(""));
        json_object_set_new(e, "message", json_string(r->load_error.msg));
        if (r->load_error.hint[0])
            json_object_set_new(e, "hint", json_string(r->load_error.hint));
        json_array_append_new(list, e);
    }
    json_object_set_new(o, "path", json_string(r->path));
    json_object_set_new(o, "valid", json_boolean(result_valid(r)));
    json_object_set_new(o, "errors", json_integer((json_int_t)(r->diags.n_errors ? r->diags.n_errors
                                                              : !result_valid(r))));
    json_object_set_new(o, "warnings", json_integer((json_int_t)count_warnings(r)));
    json_object_set_new(o, "diagnostics", list);
    return o;
}

static int parse_format(enum out_format *out, const char *v)
{
    if (strcmp(v, "text") == 0)
        *out = OUT_TEXT;
    else if (strcmp(v, "json") == 0)
        *out = OUT_JSON;
    else
        return -1;
    return 0;
}

static int validate_run(int argc, char **argv, const struct gf_cli *cli)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    enum out_format format = OUT_TEXT;
    struct file_result *results = NULL;
    json_t *doc = NULL;
    int n_files, i, c, status = GF_EXIT_OK;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return gf_cmd_usage_error(&gf_cmd_validate, "unknown option '%s'", argv[optind - 1]);
        if (parse_format(&format, optarg) < 0)
            return gf_cmd_usage_error(&gf_cmd_validate, "unknown format '%s' (use text or json)",
                                      optarg);
    }
    n_files = argc - optind;
    if (n_files == 0 && !cli->config)
        return gf_cmd_usage_error(&gf_cmd_validate, "no stack file given");
    if (n_files == 0)
        n_files = 1;
    results = gf_calloc((size_t)n_files, sizeof(*results));
    if (!results)
        return GF_EXIT_SOFTWARE;
    doc = json_array();
    for (i = 0; i < n_files; i++) {
        results[i].path = optind < argc ? argv[optind + i] : cli->config;
        check_file(&results[i]);
        if (!result_valid(&results[i]))
            status = GF_EXIT_FAILURE;
        if (format == OUT_TEXT)
            print_text(&results[i]);
        else
            json_array_append_new(doc, result_json(&results[i]));
        gf_diags_release(&results[i].diags);
    }
    if (format == OUT_JSON) {
        json_t *top = json_pack("{s:b,s:o}", "valid", status == GF_EXIT_OK, "files", doc);

        doc = NULL;
        json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\n");
        json_decref(top);
    }
    json_decref(doc);
    gf_free(results);
    return status;
}

const struct gf_cmd gf_cmd_validate = {
    .name = "validate",
    .summary = "check stack files and report every problem with its file, line and column",
    .usage = "gitfargate validate [--format text|json] FILE...",
    .help = "Parses each stack file (the App::FargateStack format) and checks it against the\n"
            "schema and every rule gitfargate applies before planning: required keys, unknown\n"
            "keys (with a suggestion), types, schedule expressions, AWS name rules and lengths,\n"
            "Fargate cpu/memory pairs, log retention values, secret references, EFS and queue\n"
            "settings. No AWS call is made.\n\n"
            "Options:\n"
            "  -f, --format text|json  text (default): one line per problem,\n"
            "                          FILE:LINE:COL: error: WHAT (HOW TO FIX), then a summary\n"
            "                          line per file; json: one document for all files\n\n"
            "Without FILE, the stack named by -c/--config is checked.\n"
            "Exit status: 0 all files valid (warnings allowed), 1 any invalid, 64 usage error.\n",
    .run = validate_run,
};
