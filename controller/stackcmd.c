/* SPDX-License-Identifier: Apache-2.0 */
/* stackcmd.c: the shared body of `plan`, `apply` and `destroy` on a local stack file
 * (stackcmd.h): one reconcile pass, recorded as one audit run, the plan on stdout, progress on
 * stderr, the enriched file written back atomically. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/file.h"
#include "controller/exit.h"
#include "controller/stackcmd.h"
#include "reconcile/reconcile.h"
#include "state/audit.h"
#include "state/store.h"
#include "common/banned.h"

struct stack_opts {
    const char *path;
    const char *db;
    enum gf_rc_format format;
    bool detailed_exitcode, no_update, yes, plan_destroy;
    struct gf_rc_opts rc;
};

/* ---- loading and writing back ----------------------------------------------------------------- */

int gf_stackcmd_load(struct gf_stack **out, const char *path)
{
    struct gf_diags diags;
    struct gf_stack *stack = NULL;
    struct gf_buf text = GF_BUF_INIT;
    int rc;

    *out = NULL;
    gf_diags_init(&diags);
    rc = gf_stack_load(&stack, &diags, path);
    if (rc == 0)
        rc = gf_stack_validate(stack, &diags);
    gf_diags_sort(&diags);
    gf_diags_format(&text, &diags, path);
    fputs(text.ptr ? text.ptr : "", stderr);
    if (rc == 0 && diags.n_errors == 0)
        rc = gf_stack_defaults(stack);
    else if (rc >= 0 || diags.n_errors)
        rc = gf_error_set(GF_EINVALID, "'%s' is not a valid stack: %zu error%s", path,
                          diags.n_errors, diags.n_errors == 1 ? "" : "s");
    if (rc < 0)
        gf_stack_free(stack);
    else
        *out = stack;
    gf_buf_release(&text);
    gf_diags_release(&diags);
    return rc;
}

int gf_stackcmd_write_back(const struct gf_stack *stack, const char *path)
{
    struct gf_buf yaml = GF_BUF_INIT, bak = GF_BUF_INIT;
    int rc = gf_stack_emit(&yaml, stack);

    if (rc == 0 && stack->src.len == yaml.len && memcmp(stack->src.ptr, yaml.ptr, yaml.len) == 0)
        goto out; /* nothing new */
    gf_buf_printf(&bak, "%s.bak", path);
    if (rc == 0 && gf_buf_failed(&bak))
        rc = gf_error_oom();
    if (rc == 0)
        rc = gf_file_write_atomic(bak.ptr, stack->src.ptr, stack->src.len);
    if (rc == 0)
        rc = gf_file_write_atomic(path, yaml.ptr, yaml.len);
out:
    gf_buf_release(&yaml);
    gf_buf_release(&bak);
    return rc;
}

/* ---- options ---------------------------------------------------------------------------------- */

enum { O_NO_CACHE = 256, O_PARALLEL, O_ENDPOINT, O_NO_UPDATE, O_DB, O_DETAILED, O_OFFLINE,
       O_PRUNE, O_FORCE, O_YES, O_NO_WAIT, O_WAIT_TIMEOUT, O_DESTROY };

static int parse_int(int *out, const char *v, int min, int max)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < min || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

static int parse_format(enum gf_rc_format *out, const char *v)
{
    if (strcmp(v, "text") == 0)
        *out = GF_RC_FORMAT_TEXT;
    else if (strcmp(v, "json") == 0)
        *out = GF_RC_FORMAT_JSON;
    else if (strcmp(v, "markdown") == 0)
        *out = GF_RC_FORMAT_MARKDOWN;
    else
        return -1;
    return 0;
}

static int apply_opt(struct stack_opts *o, const struct gf_cmd *cmd, int c)
{
    switch (c) {
    case 'f':
        return parse_format(&o->format, optarg) == 0
                   ? 0
                   : gf_cmd_usage_error(cmd, "unknown format '%s' (use text, json or markdown)",
                                        optarg);
    case 'q':
        o->rc.quiet = true;
        return 0;
    case O_NO_CACHE:
        o->rc.no_cache = true;
        return 0;
    case O_PARALLEL:
        return parse_int(&o->rc.parallel, optarg, 1, 64) == 0
                   ? 0
                   : gf_cmd_usage_error(cmd, "--parallel wants a number from 1 to 64, not '%s'",
                                        optarg);
    case O_WAIT_TIMEOUT:
        return parse_int(&o->rc.wait_timeout_s, optarg, 1, 86400) == 0
                   ? 0
                   : gf_cmd_usage_error(cmd, "--wait-timeout wants seconds (1 to 86400), not '%s'",
                                        optarg);
    case O_ENDPOINT:
        o->rc.endpoint_url = optarg;
        return 0;
    case O_NO_UPDATE:
        o->no_update = true;
        return 0;
    case O_DB:
        o->db = optarg;
        return 0;
    case O_DETAILED:
        o->detailed_exitcode = true;
        return 0;
    case O_OFFLINE:
        o->rc.offline = true;
        return 0;
    case O_PRUNE:
        o->rc.prune = true;
        return 0;
    case O_FORCE:
        o->rc.force = true;
        return 0;
    case O_YES:
        o->yes = true;
        return 0;
    case O_NO_WAIT:
        o->rc.no_wait = true;
        return 0;
    case O_DESTROY:
        o->plan_destroy = true;
        return 0;
    default:
        return -1;
    }
}

static int parse_opts(struct stack_opts *o, const struct gf_cmd *cmd, enum gf_stackcmd_mode mode,
                      int argc, char **argv, const struct gf_cli *cli)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},       {"quiet", no_argument, NULL, 'q'},
        {"no-cache", no_argument, NULL, O_NO_CACHE},    {"parallel", required_argument, NULL, O_PARALLEL},
        {"endpoint-url", required_argument, NULL, O_ENDPOINT},
        {"no-update", no_argument, NULL, O_NO_UPDATE},  {"db", required_argument, NULL, O_DB},
        {"detailed-exitcode", no_argument, NULL, O_DETAILED},
        {"offline", no_argument, NULL, O_OFFLINE},      {"prune", no_argument, NULL, O_PRUNE},
        {"force", no_argument, NULL, O_FORCE},          {"yes", no_argument, NULL, O_YES},
        {"no-wait", no_argument, NULL, O_NO_WAIT},
        {"destroy", no_argument, NULL, O_DESTROY},
        {"wait-timeout", required_argument, NULL, O_WAIT_TIMEOUT},
        {NULL, 0, NULL, 0}};
    const char *env = getenv("FARGATE_STACK_CONFIG");
    int c, status;

    memset(o, 0, sizeof(*o));
    o->path = cli->config ? cli->config : env && *env ? env : "fargate-stack.yml";
    o->rc.profile = cli->profile;
    o->rc.region = cli->region;
    o->rc.destroy = mode == GF_STACKCMD_DESTROY;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:q", longopts, NULL)) != -1) {
        status = apply_opt(o, cmd, c);
        if (status < 0)
            return gf_cmd_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        if (status > 0)
            return status;
    }
    if (optind < argc && !cli->config)
        o->path = argv[optind++];
    if (optind < argc)
        return gf_cmd_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (mode != GF_STACKCMD_PLAN && (o->rc.offline || o->detailed_exitcode))
        return gf_cmd_usage_error(cmd, "--offline and --detailed-exitcode are plan options");
    if (mode != GF_STACKCMD_PLAN && o->plan_destroy)
        return gf_cmd_usage_error(cmd, "--destroy is a plan option (what destroy would do)");
    o->rc.destroy = o->rc.destroy || o->plan_destroy;
    if (mode == GF_STACKCMD_DESTROY && !o->yes)
        return gf_cmd_usage_error(cmd, "destroy deletes every resource of the stack: add --yes "
                                  "(see what it would delete with `gitfargate plan --destroy`)");
    return 0;
}

/* ---- the run ---------------------------------------------------------------------------------- */

static int print_plan(const struct gf_rc *rc, enum gf_rc_format fmt)
{
    struct gf_buf out = GF_BUF_INIT;
    int code = gf_rc_format(&out, rc, fmt);

    if (code == 0)
        fputs(out.ptr, stdout);
    fflush(stdout);
    gf_buf_release(&out);
    return code;
}

static void print_summary(const struct gf_rc *rc, int code, int64_t ms)
{
    size_t all = 0, mutating = 0;

    gf_rc_call_counts(rc, &all, &mutating);
    fprintf(stderr, "%s: %zu change%s, %zu AWS call%s (%zu mutating) in %lld ms\n",
            code < 0 ? "Apply failed" : "Apply complete", gf_rc_changes(rc),
            gf_rc_changes(rc) == 1 ? "" : "s", all, all == 1 ? "" : "s", mutating,
            (long long)ms);
}

/* Print the document of a json/markdown run (the plan, and after apply each action's outcome
 * and the calls made) without losing the run's error. */
static int print_final(const struct gf_rc *rc, enum gf_rc_format fmt, int code)
{
    struct gf_error saved;
    int pcode;

    gf_error_copy(&saved, gf_error_last());
    pcode = print_plan(rc, fmt);
    if (code < 0)
        return gf_error_restore(&saved);
    return pcode;
}

static int pass(struct gf_rc *rc, const struct stack_opts *o, enum gf_stackcmd_mode mode)
{
    int64_t t0 = gf_clock_mono_ms(gf_clock_system());
    bool machine = o->format != GF_RC_FORMAT_TEXT; /* json/markdown: one document, at the end */
    int code = gf_rc_plan(rc);

    if (code < 0 || mode == GF_STACKCMD_PLAN)
        return code < 0 ? code : print_plan(rc, o->format);
    code = gf_rc_preflight(rc);
    if (code < 0 || (machine && gf_rc_changes(rc) == 0)) /* the problems are in the document */
        return machine ? print_final(rc, o->format, code) : code;
    if (!machine && gf_rc_changes(rc) > 0)
        code = print_plan(rc, o->format);
    if (code < 0)
        return code;
    if (gf_rc_changes(rc) == 0) {
        struct gf_buf warnings = GF_BUF_INIT;

        /* no plan was shown: its warnings still are (a public image, a reused bucket) */
        code = gf_rc_format_warnings(&warnings, rc);
        if (code == 0 && warnings.len)
            fputs(warnings.ptr, stdout);
        gf_buf_release(&warnings);
        if (!o->rc.quiet)
            fprintf(stderr, "No changes: the stack matches AWS.\n");
        return code;
    }
    code = gf_rc_apply(rc);
    if (machine)
        code = print_final(rc, o->format, code);
    if (!o->rc.quiet)
        print_summary(rc, code, gf_clock_mono_ms(gf_clock_system()) - t0);
    return code;
}

static enum gf_run_outcome outcome_of(int code, const struct gf_rc *rc)
{
    if (code < 0)
        return rc ? GF_RUN_FAILED : GF_RUN_REJECTED;
    return rc && gf_rc_changes(rc) ? GF_RUN_SUCCESS : GF_RUN_NO_CHANGE;
}

static int run_with_store(struct gf_stack *stack, struct stack_opts *o, const struct gf_cmd *cmd,
                          enum gf_stackcmd_mode mode, struct gf_store *store, bool *changes)
{
    struct gf_audit_run_start start = {stack->app_name.v, NULL, GF_TRIGGER_CLI, cmd->name};
    char run_id[GF_AUDIT_RUN_ID_SIZE];
    struct gf_rc *rc = NULL;
    struct gf_error saved;
    int code = gf_audit_run_start(run_id, store, &start);

    if (code < 0)
        return code;
    o->rc.store = store;
    o->rc.run_id = run_id;
    code = gf_rc_new(&rc, stack, &o->rc);
    if (code == 0)
        code = pass(rc, o, mode);
    *changes = rc && gf_rc_changes(rc) > 0;
    gf_error_copy(&saved, gf_error_last());
    /* the model holds whatever was found or made, even after a failure: keep it (a plan only
     * reads, and leaves the file alone) */
    if (rc && mode != GF_STACKCMD_PLAN && !o->no_update) {
        int wrc = gf_stackcmd_write_back(stack, o->path);

        if (wrc < 0 && code == 0) {
            code = wrc;
            gf_error_copy(&saved, gf_error_last());
        }
    }
    (void)gf_audit_run_finish(store, run_id, outcome_of(code, rc),
                              code < 0 ? &saved : NULL);
    if (!o->rc.quiet)
        fprintf(stderr, "audit run %s (see it with: gitfargate audit%s%s %s)\n", run_id,
                o->db ? " --db " : "", o->db ? o->db : "", run_id);
    gf_rc_free(rc);
    o->rc.run_id = NULL; /* run_id lives on this frame */
    o->rc.store = NULL;
    return code < 0 ? gf_error_restore(&saved) : 0;
}

int gf_stackcmd_run(const struct gf_cmd *cmd, enum gf_stackcmd_mode mode, int argc, char **argv,
                    const struct gf_cli *cli)
{
    struct stack_opts o;
    struct gf_stack *stack = NULL;
    struct gf_store_opts so = GF_STORE_OPTS_INIT;
    struct gf_store *store = NULL;
    bool changes = false;
    int status = parse_opts(&o, cmd, mode, argc, argv, cli);
    int code;

    if (status)
        return status;
    code = gf_stackcmd_load(&stack, o.path);
    so.path = o.db;
    if (code == 0)
        code = gf_store_open(&store, &so);
    if (code == 0)
        code = run_with_store(stack, &o, cmd, mode, store, &changes);
    gf_store_free(store);
    gf_stack_free(stack);
    if (code < 0)
        return gf_cmd_fail();
    return o.detailed_exitcode && changes ? GF_EXIT_CHANGES : GF_EXIT_OK;
}
