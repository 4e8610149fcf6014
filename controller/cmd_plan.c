/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_plan.c: `gitfargate plan --offline`: from the stack file alone, the model with every default
 * filled in and marked, as FargateStack's `plan` fills names and defaults before any AWS call.
 * The run is recorded in the audit store. Planning against AWS arrives with reconcile/. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "controller/stackcmd.h"
#include "state/audit.h"
#include "state/stack.h"
#include "state/store.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_plan;

enum plan_format { PLAN_TEXT, PLAN_JSON, PLAN_MARKDOWN, PLAN_YAML };

struct plan_opts {
    const char *path;
    const char *db;
    enum plan_format format;
    bool offline;
    bool audit;
};

struct tally {
    size_t user, defaulted, state;
    enum plan_format format;
    json_t *defaults; /* JSON format: [{key, value}] */
};

static int tally_value(const struct gf_stack_value *value, void *payload)
{
    struct tally *t = payload;

    if (value->origin == GF_ORIGIN_USER)
        t->user++;
    else if (value->origin == GF_ORIGIN_STATE)
        t->state++;
    if (value->origin != GF_ORIGIN_DEFAULT)
        return 0;
    t->defaulted++;
    if (t->format == PLAN_JSON)
        json_array_append_new(t->defaults,
                              json_pack("{s:s,s:s}", "key", value->path, "value", value->text));
    else if (t->format == PLAN_MARKDOWN)
        printf("| `%s` | `%s` |\n", value->path, value->text);
    else if (t->format == PLAN_TEXT)
        printf("  %-44s %s\n", value->path, value->text);
    return 0;
}

static void print_tasks_line(const struct gf_stack *stack, bool markdown)
{
    size_t i;

    printf("%s%zu task%s:", markdown ? "**Tasks:** " : "tasks: ", stack->n_tasks,
           stack->n_tasks == 1 ? "" : "s");
    for (i = 0; i < stack->n_tasks; i++)
        printf("%s %s (%s)", i ? "," : "", stack->tasks[i].key,
               gf_task_type_name(stack->tasks[i].type));
    printf("\n");
}

static int print_plan(const struct gf_stack *stack, const struct plan_opts *o)
{
    struct tally t = {0, 0, 0, o->format, NULL};
    int rc;

    if (o->format == PLAN_TEXT) {
        printf("Offline plan for %s: app '%s'\n", o->path, stack->app_name.v);
        print_tasks_line(stack, false);
        printf("\nDefaults gitfargate fills in:\n");
    } else if (o->format == PLAN_MARKDOWN) {
        printf("### gitfargate plan (offline): `%s`, app `%s`\n\n", o->path, stack->app_name.v);
        print_tasks_line(stack, true);
        printf("\n| defaulted key | value |\n|---|---|\n");
    } else {
        t.defaults = json_array();
    }
    rc = gf_stack_each_value(stack, tally_value, &t);
    if (rc < 0)
        goto out;
    if (o->format == PLAN_JSON) {
        json_t *doc = json_pack("{s:s,s:s,s:b,s:I,s:I,s:O}", "path", o->path, "app",
                                stack->app_name.v, "offline", 1, "user_values",
                                (json_int_t)t.user, "state_values", (json_int_t)t.state,
                                "defaults", t.defaults);

        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\n");
        json_decref(doc);
    } else {
        printf("\n%zu value%s from the file, %zu defaulted, %zu known from earlier applies.\n",
               t.user, t.user == 1 ? "" : "s", t.defaulted, t.state);
        printf("Offline: no AWS call was made; the account, VPC, subnets and every ARN and id are "
               "found or created by apply.\n");
    }
out:
    json_decref(t.defaults);
    return rc;
}

static int record_run(const struct plan_opts *o, const char *stack_name, int rc)
{
    struct gf_store_opts so = GF_STORE_OPTS_INIT;
    struct gf_audit_run_start start = {stack_name, NULL, GF_TRIGGER_CLI, "plan"};
    struct gf_store *store = NULL;
    struct gf_error saved;
    char run_id[GF_AUDIT_RUN_ID_SIZE];
    int arc;

    gf_error_copy(&saved, gf_error_last());
    so.path = o->db;
    arc = gf_store_open(&store, &so);
    if (arc == 0)
        arc = gf_audit_run_start(run_id, store, &start);
    if (arc == 0)
        arc = gf_audit_run_finish(store, run_id, rc < 0 ? GF_RUN_REJECTED : GF_RUN_SUCCESS,
                                  rc < 0 ? &saved : NULL);
    if (arc < 0)
        gf_log_warn("plan", "run not recorded in the audit store", GF_F_STR("db", o->db ? o->db
                    : GF_STORE_DEFAULT_PATH), GF_F_STR("error", gf_error_last()->msg));
    gf_store_free(store);
    gf_error_restore(&saved);
    return arc;
}

static int parse_format(enum plan_format *out, const char *v)
{
    static const char *const names[] = {"text", "json", "markdown", "yaml"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = (enum plan_format)i;
            return 0;
        }
    }
    return -1;
}

static int parse_opts(struct plan_opts *o, int argc, char **argv, const struct gf_cli *cli)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"offline", no_argument, NULL, 'o'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"no-audit", no_argument, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    const char *env = getenv("FARGATE_STACK_CONFIG");
    int c;

    memset(o, 0, sizeof(*o));
    o->audit = true;
    o->path = cli->config ? cli->config : env && *env ? env : "fargate-stack.yml";
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:", longopts, NULL)) != -1) {
        if (c == 'f' && parse_format(&o->format, optarg) == 0)
            continue;
        if (c == 'f')
            return gf_cmd_usage_error(&gf_cmd_plan, "unknown format '%s' (use text, json, "
                                      "markdown or yaml)", optarg);
        if (c == 'o')
            o->offline = true;
        else if (c == 'd')
            o->db = optarg;
        else if (c == 'n')
            o->audit = false;
        else
            return gf_cmd_usage_error(&gf_cmd_plan, "unknown option '%s'", argv[optind - 1]);
    }
    if (optind < argc && !cli->config)
        o->path = argv[optind++];
    if (optind < argc)
        return gf_cmd_usage_error(&gf_cmd_plan, "unexpected argument '%s'", argv[optind]);
    return 0;
}

/* Without --offline: a plan against AWS (controller/stackcmd.c). */
static bool wants_offline(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--offline") == 0 || strcmp(argv[i], "--format=yaml") == 0 ||
            (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "yaml") == 0) ||
            (strcmp(argv[i], "-f") == 0 && i + 1 < argc && strcmp(argv[i + 1], "yaml") == 0))
            return true;
    }
    return false;
}

static int plan_run(int argc, char **argv, const struct gf_cli *cli)
{
    struct plan_opts o;
    struct gf_stack *stack = NULL;
    struct gf_buf yaml = GF_BUF_INIT;
    int status;
    int rc;

    if (!wants_offline(argc, argv))
        return gf_stackcmd_run(&gf_cmd_plan, GF_STACKCMD_PLAN, argc, argv, cli);
    status = parse_opts(&o, argc, argv, cli);
    if (status)
        return status;
    rc = gf_stackcmd_load(&stack, o.path);
    if (rc == 0 && o.format == PLAN_YAML) {
        rc = gf_stack_emit(&yaml, stack);
        if (rc == 0)
            fputs(yaml.ptr, stdout);
    } else if (rc == 0) {
        rc = print_plan(stack, &o);
    }
    if (o.audit)
        record_run(&o, stack && stack->app_name.v ? stack->app_name.v : o.path, rc);
    status = rc < 0 ? gf_cmd_fail() : GF_EXIT_OK;
    gf_buf_release(&yaml);
    gf_stack_free(stack);
    return status;
}

const struct gf_cmd gf_cmd_plan = {
    .name = "plan",
    .summary = "show what applying a stack file would change in AWS, and why",
    .usage = "gitfargate plan [-c FILE | FILE] [--format text|json|markdown] [--no-cache] "
             "[--detailed-exitcode] [--destroy] [--offline [--format yaml]] [options]",
    .help = "Loads and validates the stack file, fills in every default exactly as\n"
            "App::FargateStack derives it, discovers what the state does not hold yet, reads\n"
            "the actual resources and prints the actions an apply would take: + create,\n"
            "~ update, -/+ replace, - delete, with the fields that differ and the API calls\n"
            "each action makes. A resource whose id the file holds and whose desired state\n"
            "is the one last applied is not read: an unchanged stack plans with no AWS call.\n"
            "A plan never changes the stack file (apply writes the enriched file back).\n\n"
            "Options:\n"
            GF_STACKCMD_HELP_OPTIONS
            "  --detailed-exitcode     exit 0 when there is nothing to change, 2 when there is\n"
            "  --destroy               show what `gitfargate destroy` would delete (and keep)\n"
            "  --offline               no AWS call at all: show the defaults the file implies\n"
            "                          (with --format yaml: the enriched file itself)\n"
            "  --no-audit              (with --offline) do not record the run\n\n"
            "The stack file is FILE, else -c/--config, else $FARGATE_STACK_CONFIG, else\n"
            "fargate-stack.yml. Problems are printed to stderr as FILE:LINE:COL: error: ...\n"
            "Exit status: 0 planned (no changes with --detailed-exitcode), 2 changes pending\n"
            "(--detailed-exitcode), 1 invalid stack or failed plan, 64 usage error, 75 AWS\n"
            "unreachable or throttled, 77 credentials refused.\n",
    .run = plan_run,
};
