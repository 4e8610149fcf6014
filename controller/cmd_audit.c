/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_audit.c: `gitfargate audit`: the runs recorded in the store, newest first, with their
 * actions; or one run in full with its API calls. Reads state/audit.h, formats to stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "state/audit.h"
#include "state/store.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_audit;

#define AUDIT_USAGE                                                                                \
    "gitfargate audit [--db PATH] [--stack S] [--since T] [--format table|json] [--limit N]\n"     \
    "       gitfargate audit [--db PATH] [--format table|json] RUN"

#define AUDIT_HELP                                                                                 \
    "Show the audit log: the runs recorded in the database, newest first, with their actions;\n"   \
    "or, given a run id, that run in full with its actions and API calls.\n"                       \
    "\n"                                                                                           \
    "  --db PATH          the database (default " GF_STORE_DEFAULT_PATH ")\n"                      \
    "  --stack S          only runs of stack S\n"                                                  \
    "  --since T          only runs started since T: a duration back from now (30m, 2h, 3d,\n"     \
    "                     1w) or a UTC time (2026-11-23T09:00:00Z, 2026-11-23)\n"                  \
    "  --format F         table (default) or json\n"                                               \
    "  --limit N          at most N runs (default 20)\n"                                           \
    "\n"                                                                                           \
    "Exit status: 0 ok, 1 error (such as an unknown run), 64 usage error, 75 database locked.\n"

struct audit_args {
    const char *db;
    const char *stack;
    const char *since;
    const char *format;
    const char *limit;
    const char *run_id;
    bool json;
};

/* "--name VALUE" or "--name=VALUE": 1 and *value set when argv[*i] is that option, 0 if it is
 * another one, -1 when the value is missing. */
static int option_value(const char **value, int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

static int parse_option(struct audit_args *a, int argc, char **argv, int *i)
{
    static const char *const names[] = {"--db", "--stack", "--since", "--format", "--limit"};
    const char **slots[] = {&a->db, &a->stack, &a->since, &a->format, &a->limit};
    size_t k;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        int rc = option_value(slots[k], argc, argv, i, names[k]);

        if (rc < 0)
            return gf_cmd_usage_error(&gf_cmd_audit, "option '%s' needs a value", names[k]);
        if (rc > 0)
            return 0;
    }
    return gf_cmd_usage_error(&gf_cmd_audit, "unknown option '%s'", argv[*i]);
}

static int check_args(struct audit_args *a)
{
    if (!a->format || strcmp(a->format, "table") == 0 || strcmp(a->format, "text") == 0)
        a->json = false;
    else if (strcmp(a->format, "json") == 0)
        a->json = true;
    else
        return gf_cmd_usage_error(&gf_cmd_audit, "unknown format '%s' (use table or json)",
                                  a->format);
    if (a->run_id && (a->stack || a->since || a->limit))
        return gf_cmd_usage_error(&gf_cmd_audit,
                                  "--stack, --since and --limit select runs to list, not one run");
    return 0;
}

/* 0 to go on, -1 when --help was printed, else the exit status of a usage error. */
static int parse_args(struct audit_args *a, int argc, char **argv)
{
    bool options_done = false;
    int i;
    int rc;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            gf_cmd_print_help(stdout, &gf_cmd_audit);
            return -1;
        }
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            rc = parse_option(a, argc, argv, &i);
            if (rc)
                return rc;
        } else if (a->run_id) {
            return gf_cmd_usage_error(&gf_cmd_audit,
                                      "unexpected argument '%s' (one run id at most)", arg);
        } else {
            a->run_id = arg;
        }
    }
    return check_args(a);
}

static int build_filter(struct gf_audit_filter *f, const struct audit_args *a)
{
    int64_t limit = 0;

    memset(f, 0, sizeof(*f));
    f->stack = a->stack;
    if (a->limit && gf_slice_to_i64(&limit, gf_slice_from(a->limit), 1, 100000) < 0)
        return gf_cmd_usage_error(&gf_cmd_audit, "invalid --limit '%s' (a number from 1 to 100000)",
                                  a->limit);
    f->limit = (int)limit;
    if (a->since &&
        gf_audit_parse_since(&f->since_ms, a->since, gf_clock_wall_ms(gf_clock_system())) < 0) {
        const struct gf_error *e = gf_error_last();

        return gf_cmd_usage_error(&gf_cmd_audit, "%s (%s)", e->msg, e->hint);
    }
    return 0;
}

static int show_list(struct gf_buf *out, struct gf_store *store, const struct audit_args *a,
                     const struct gf_audit_filter *f)
{
    struct gf_audit_runs runs = GF_AUDIT_RUNS_INIT;
    int rc = gf_audit_list(&runs, store, f);

    if (rc == 0)
        rc = a->json ? gf_audit_format_list_json(out, &runs)
                     : gf_audit_format_list_table(out, &runs);
    gf_audit_runs_release(&runs);
    return rc;
}

static int show_run(struct gf_buf *out, struct gf_store *store, const struct audit_args *a)
{
    struct gf_audit_run run;
    int rc = gf_audit_get(&run, store, a->run_id);

    if (rc < 0)
        return rc;
    rc = a->json ? gf_audit_format_run_json(out, &run) : gf_audit_format_run_table(out, &run);
    gf_audit_run_release(&run);
    return rc;
}

/* A read command must not create a database (nor its folder) where none is. */
static int check_exists(const char *path)
{
    struct stat st;

    if (strcmp(path, ":memory:") == 0 || stat(path, &st) == 0)
        return 0;
    gf_error_set(GF_ENOTFOUND, "no audit database at '%s': %s", path, strerror(errno));
    gf_error_hint("run a pass first, or point --db at the controller's database");
    return GF_ENOTFOUND;
}

static int audit_run(int argc, char **argv, const struct gf_cli *cli)
{
    struct gf_store_opts opts = GF_STORE_OPTS_INIT;
    struct gf_audit_filter filter;
    struct gf_store *store = NULL;
    struct gf_buf out = GF_BUF_INIT;
    struct audit_args a;
    int status;
    int rc;

    (void)cli; /* the global options (profile, region) do not apply to the local database */
    status = parse_args(&a, argc, argv);
    if (status)
        return status < 0 ? GF_EXIT_OK : status;
    status = build_filter(&filter, &a);
    if (status)
        return status;
    opts.path = a.db ? a.db : GF_STORE_DEFAULT_PATH;
    rc = check_exists(opts.path);
    if (rc == 0)
        rc = gf_store_open(&store, &opts);
    if (rc == 0)
        rc = a.run_id ? show_run(&out, store, &a) : show_list(&out, store, &a, &filter);
    if (rc == 0) {
        fwrite(out.ptr, 1, out.len, stdout);
        status = fflush(stdout) == 0 ? GF_EXIT_OK : GF_EXIT_FAILURE;
    } else {
        status = gf_cmd_fail();
    }
    gf_buf_release(&out);
    gf_store_free(store);
    return status;
}

const struct gf_cmd gf_cmd_audit = {
    .name = "audit",
    .alias = NULL,
    .summary = "show recorded runs, their actions and API calls",
    .usage = AUDIT_USAGE,
    .help = AUDIT_HELP,
    .run = audit_run,
};
