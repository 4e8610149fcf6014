/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_local_aws.c: `gitfargate local-aws`: run the local AWS stand-in (aws/local/) in the
 * foreground until SIGTERM or SIGINT, printing the endpoint and the environment to export once
 * it listens. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/log.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_local_aws;

static volatile sig_atomic_t s_stop;

static void on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

struct args {
    struct gf_local_opts opts;
    struct gf_local_cred creds[GF_LOCAL_MAX_CREDENTIALS];
    char host[64];
};

/* "HOST:PORT", ":PORT" or "PORT". */
static int parse_listen(struct args *a, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    const char *port = colon ? colon + 1 : arg;
    int64_t n;

    if (gf_slice_to_i64(&n, gf_slice_from(port), 0, 65535) < 0)
        return gf_cmd_usage_error(&gf_cmd_local_aws, "bad --listen '%s' (use HOST:PORT)", arg);
    a->opts.port = (unsigned)n;
    if (colon && colon > arg) {
        if ((size_t)(colon - arg) >= sizeof(a->host))
            return gf_cmd_usage_error(&gf_cmd_local_aws, "bad --listen host in '%s'", arg);
        memcpy(a->host, arg, (size_t)(colon - arg));
        a->host[colon - arg] = '\0';
        a->opts.host = a->host;
    }
    return 0;
}

/* "KEY:SECRET": both borrow from argv (the ':' is overwritten). */
static int parse_cred(struct args *a, char *arg)
{
    char *colon = strchr(arg, ':');

    if (!colon || colon == arg || !colon[1])
        return gf_cmd_usage_error(&gf_cmd_local_aws, "bad --credentials (use KEY:SECRET)");
    if (a->opts.n_creds == GF_LOCAL_MAX_CREDENTIALS)
        return gf_cmd_usage_error(&gf_cmd_local_aws, "at most %d --credentials",
                                  GF_LOCAL_MAX_CREDENTIALS);
    *colon = '\0';
    a->creds[a->opts.n_creds].access_key_id = arg;
    a->creds[a->opts.n_creds].secret_access_key = colon + 1;
    a->opts.n_creds++;
    return 0;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},      {"db", required_argument, NULL, 'd'},
        {"account", required_argument, NULL, 'a'},     {"credentials", required_argument, NULL, 'k'},
        {"allow-remote", no_argument, NULL, 'R'},      {NULL, 0, NULL, 0}};
    int c, rc = 0;

    a->opts.port = GF_LOCAL_DEFAULT_PORT;
    a->opts.creds = a->creds;
    optind = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        if (c == 'l')
            rc = parse_listen(a, optarg);
        else if (c == 'd')
            a->opts.db_path = optarg;
        else if (c == 'a')
            a->opts.account = optarg;
        else if (c == 'k')
            rc = parse_cred(a, optarg);
        else if (c == 'R')
            a->opts.allow_remote = true;
        else
            rc = gf_cmd_usage_error(&gf_cmd_local_aws, "unknown option '%s'", argv[optind - 1]);
    }
    if (rc == 0 && optind < argc)
        rc = gf_cmd_usage_error(&gf_cmd_local_aws, "unexpected argument '%s'", argv[optind]);
    return rc;
}

static void print_ready(const struct args *a, unsigned port)
{
    const char *host = a->opts.host ? a->opts.host : GF_LOCAL_DEFAULT_HOST;
    const struct gf_local_cred *first = a->opts.n_creds ? &a->creds[0] : NULL;

    printf("local-aws: listening on http://%s:%u\n", host, port);
    /* test credentials, printed on purpose: the line exists to be pasted into a shell */
    printf("export AWS_ENDPOINT_URL=http://%s:%u AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s "
           "AWS_REGION=%s AWS_DEFAULT_REGION=%s\n",
           host, port, first ? first->access_key_id : GF_LOCAL_DEFAULT_KEY,
           first ? first->secret_access_key : GF_LOCAL_DEFAULT_SECRET,
           a->opts.region ? a->opts.region : GF_LOCAL_DEFAULT_REGION,
           a->opts.region ? a->opts.region : GF_LOCAL_DEFAULT_REGION);
    fflush(stdout);
}

static int run(int argc, char **argv, const struct gf_cli *cli)
{
    struct gf_local_server *srv = NULL;
    struct sigaction sa;
    sigset_t block, old;
    struct args a;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse_args(&a, argc, argv);
    if (rc != 0)
        return rc;
    a.opts.region = cli->region;
    /* block the stop signals in every thread; the main thread takes them in sigsuspend */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = gf_local_server_start(&srv, &a.opts);
    if (rc < 0) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return gf_cmd_fail();
    }
    print_ready(&a, gf_local_server_port(srv));
    gf_log_info("local-aws", "listening", GF_F_INT("port", gf_local_server_port(srv)),
                GF_F_STR("db", a.opts.db_path ? a.opts.db_path : ":memory:"));
    while (!s_stop)
        sigsuspend(&old);
    gf_log_info("local-aws", "stopping");
    gf_local_server_stop(srv);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return GF_EXIT_OK;
}

const struct gf_cmd gf_cmd_local_aws = {
    .name = "local-aws",
    .summary = "run a local, stateful stand-in for the AWS APIs gitfargate calls",
    .usage = "gitfargate local-aws [--listen HOST:PORT] [--db PATH|:memory:] [--region R] "
             "[--account ID] [--credentials KEY:SECRET]... [--allow-remote]",
    .help = "Serve STS and ECS (clusters, task definitions) over HTTP with SigV4 checked, state\n"
            "in SQLite, AWS's error codes, so that gitfargate, the AWS CLI and SDKs can run\n"
            "against it with AWS_ENDPOINT_URL. Stops on SIGTERM or SIGINT.\n"
            "\n"
            "  --listen HOST:PORT     where to listen (default 127.0.0.1:4566; port 0 picks one)\n"
            "  --allow-remote         allow a non-loopback HOST\n"
            "  --db PATH              keep state in this SQLite file (default :memory:)\n"
            "  --region R             the region served (default us-east-1; global option)\n"
            "  --account ID           the account id in ARNs (default 000000000000)\n"
            "  --credentials KEY:SECRET\n"
            "                         an accepted key pair, repeatable (default test:test)\n"
            "\n"
            "When ready it prints the endpoint and an `export ...` line to stdout.\n"
            "GET /_localaws/stats returns call counts per service and operation.\n"
            "See docs/local-aws.md.\n",
    .run = run,
};
