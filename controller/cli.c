/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c: the process's main(): global options (anywhere before `--`), logging set-up, and
 * dispatch through the command table (controller/cmd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "controller/cli.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "common/banned.h"

const struct gf_cmd *gf_cmd_find(const char *name, bool *ambiguous)
{
    const struct gf_cmd *hit = NULL;
    size_t len = strlen(name);
    int matches = 0;
    size_t i;

    *ambiguous = false;
    for (i = 0; gf_commands[i]; i++) {
        const struct gf_cmd *c = gf_commands[i];

        if (strcmp(c->name, name) == 0 || (c->alias && strcmp(c->alias, name) == 0))
            return c;
        if (len && strncmp(c->name, name, len) == 0) {
            hit = c;
            matches++;
        }
    }
    if (matches > 1) {
        *ambiguous = true;
        return NULL;
    }
    return hit;
}

void gf_cmd_print_help(FILE *to, const struct gf_cmd *cmd)
{
    fprintf(to, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
    if (cmd->help && cmd->help[0])
        fprintf(to, "\n%s", cmd->help);
    fprintf(to, "\nGlobal options (-c, -p, -r, --log-level, --log-format, --no-color) are listed "
                "by 'gitfargate --help'.\n");
}

int gf_cmd_usage_error(const struct gf_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "gitfargate %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n(run 'gitfargate %s --help' for more)\n", cmd->usage, cmd->name);
    return GF_EXIT_USAGE;
}

int gf_cmd_fail(void)
{
    const struct gf_error *e = gf_error_last();
    struct gf_buf line = GF_BUF_INIT;

    gf_error_format(&line, e);
    fprintf(stderr, "gitfargate: %s\n", gf_buf_failed(&line) ? e->msg : line.ptr);
    gf_buf_release(&line);
    return gf_exit_from_error(e->code);
}

static void print_main_help(FILE *to)
{
    size_t i;

    fprintf(to, "usage: gitfargate [GLOBAL OPTIONS] COMMAND [ARGS]\n\n"
                "GitOps for Amazon ECS and Fargate: validate, plan and record stacks written in\n"
                "the App::FargateStack format.\n\nCommands:\n");
    for (i = 0; gf_commands[i]; i++)
        fprintf(to, "  %-12s %s\n", gf_commands[i]->name, gf_commands[i]->summary);
    fprintf(to,
            "\nGlobal options (before or after the command):\n"
            "  -c, --config FILE      the stack file (default: fargate-stack.yml)\n"
            "  -p, --profile NAME     the AWS profile\n"
            "  -r, --region REGION    the AWS region\n"
            "      --log-level LEVEL  trace, debug, info, warn or error (default: info)\n"
            "      --log-format FMT   human or json (default: human on a terminal, json "
            "otherwise)\n"
            "      --no-color         no colour in logs (also: NO_COLOR set)\n"
            "  -h, --help             this help; 'gitfargate COMMAND --help' for a command\n"
            "      --version          print the version\n"
            "\nLogs go to stderr, results to stdout. Exit statuses: 'gitfargate help exit-codes'.\n"
            "Subjects: 'gitfargate help help'.\n");
}

/* A global option at argv[*i]: consume it (and its value) into cli. 1 consumed, 0 not global,
 * negative: a usage error (already printed). */
static int take_global(struct gf_cli *cli, int argc, char **argv, int *i)
{
    static const struct {
        const char *lng;
        const char *shrt;
    } valued[] = {{"--config", "-c"}, {"--profile", "-p"}, {"--region", "-r"},
                  {"--log-level", NULL}, {"--log-format", NULL}};
    const char *arg = argv[*i];
    const char *value = NULL;
    size_t k;

    if (strcmp(arg, "--no-color") == 0 || strcmp(arg, "--no-colour") == 0) {
        cli->color = 0;
        return 1;
    }
    if (strcmp(arg, "--color") == 0) {
        cli->color = 1;
        return 1;
    }
    for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
        size_t n = strlen(valued[k].lng);

        if (strcmp(arg, valued[k].lng) == 0 || (valued[k].shrt && strcmp(arg, valued[k].shrt) == 0)) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "gitfargate: option '%s' needs a value\n", arg);
                return -1;
            }
            value = argv[++*i];
        } else if (strncmp(arg, valued[k].lng, n) == 0 && arg[n] == '=') {
            value = arg + n + 1;
        } else {
            continue;
        }
        switch (k) {
        case 0:
            cli->config = value;
            return 1;
        case 1:
            cli->profile = value;
            return 1;
        case 2:
            cli->region = value;
            return 1;
        case 3: {
            int lvl = gf_log_level_parse(value);

            if (lvl < 0) {
                fprintf(stderr, "gitfargate: unknown log level '%s' (use trace, debug, info, "
                                "warn or error)\n", value);
                return -1;
            }
            cli->log_level = (enum gf_log_level)lvl;
            return 1;
        }
        default:
            if (strcmp(value, "json") == 0) {
                cli->log_format = GF_LOG_FORMAT_JSON;
            } else if (strcmp(value, "human") == 0 || strcmp(value, "text") == 0) {
                cli->log_format = GF_LOG_FORMAT_HUMAN;
            } else {
                fprintf(stderr, "gitfargate: unknown log format '%s' (use human or json)\n", value);
                return -1;
            }
            return 1;
        }
    }
    return 0;
}

static int has_help_flag(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

static void configure_logging(const struct gf_cli *cli)
{
    struct gf_log_opts opts = GF_LOG_OPTS_INIT;

    opts.level = cli->log_level;
    opts.format = cli->log_format;
    opts.color = cli->color;
    gf_log_configure(&opts);
}

/* Split argv into global options (into cli) and the command's argv (into rest, argc_out).
 * Returns 0, or a usage error status. */
static int split_args(struct gf_cli *cli, char **rest, int *rest_n, int argc, char **argv)
{
    bool dashdash = false;
    int i;

    *rest_n = 0;
    for (i = 1; i < argc; i++) {
        int rc = 0;

        if (!dashdash && strcmp(argv[i], "--") == 0)
            dashdash = true;
        if (!dashdash)
            rc = take_global(cli, argc, argv, &i);
        if (rc < 0)
            return GF_EXIT_USAGE;
        if (rc == 0)
            rest[(*rest_n)++] = argv[i];
    }
    rest[*rest_n] = NULL;
    return 0;
}

int gf_cli_main(int argc, char **argv)
{
    struct gf_cli cli = {NULL, NULL, NULL, GF_LOG_INFO, GF_LOG_FORMAT_AUTO, -1};
    const struct gf_cmd *cmd;
    bool ambiguous = false;
    char **rest;
    int rest_n = 0;
    int status;

    rest = gf_calloc((size_t)argc + 1, sizeof(*rest));
    if (!rest)
        return GF_EXIT_SOFTWARE;
    status = split_args(&cli, rest, &rest_n, argc, argv);
    if (status)
        goto out;
    configure_logging(&cli);
    if (rest_n == 0 || strcmp(rest[0], "-h") == 0 || strcmp(rest[0], "--help") == 0) {
        print_main_help(rest_n ? stdout : stderr);
        status = rest_n ? GF_EXIT_OK : GF_EXIT_USAGE;
        goto out;
    }
    if (strcmp(rest[0], "--version") == 0 || strcmp(rest[0], "-v") == 0)
        rest[0] = (char *)"version";
    cmd = gf_cmd_find(rest[0], &ambiguous);
    if (!cmd) {
        fprintf(stderr, "gitfargate: %s command '%s' (see 'gitfargate --help')\n",
                ambiguous ? "ambiguous" : "unknown", rest[0]);
        status = GF_EXIT_USAGE;
        goto out;
    }
    if (has_help_flag(rest_n, rest)) {
        gf_cmd_print_help(stdout, cmd);
        status = GF_EXIT_OK;
        goto out;
    }
    status = cmd->run(rest_n, rest, &cli);
out:
    fflush(stdout);
    gf_free(rest);
    return status;
}
