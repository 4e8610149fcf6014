/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_local_aws.c: `gitfargate local-aws`: run the local AWS stand-in (aws/local/) in the
 * foreground until SIGTERM or SIGINT: its options (listen, db, keys, starting topology, faults,
 * running tasks with docker compose) checked here, then the endpoint, what the starting topology
 * holds and the environment to export printed once it listens. */
#define _DEFAULT_SOURCE /* strcasecmp */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/local/local.h"
#include "common/error.h"
#include "common/log.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "common/banned.h"

#define MAX_IMAGES        64
#define MAX_LATENCY_MS    60000u
#define FAULTS_EXAMPLE    "throttle=0.1,error=0.05,reset=0.02,latency=50ms"

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
    const char *images[MAX_IMAGES];
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

/* ---- --faults ----------------------------------------------------------------------------- */

/* "0.1" or "10%" -> 0.1; false when it is not a number in [0, 1]. */
static bool parse_probability(double *out, const char *s)
{
    char *end = NULL;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0 || !isfinite(v))
        return false;
    if (*end == '%') {
        v /= 100.0;
        end++;
    }
    if (*end || v < 0 || v > 1)
        return false;
    *out = v;
    return true;
}

/* "50ms", "1s", "250" (ms) -> milliseconds, at most MAX_LATENCY_MS. */
static bool parse_latency(unsigned *out, const char *s)
{
    char *end = NULL;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0)
        return false;
    if (strcmp(end, "s") == 0)
        v *= 1000;
    else if (*end && strcmp(end, "ms") != 0)
        return false;
    if (v > MAX_LATENCY_MS)
        return false;
    *out = (unsigned)v;
    return true;
}

static int faults_usage(const char *item, const char *what)
{
    return gf_cmd_usage_error(&gf_cmd_local_aws, "bad --faults item '%s': %s (use --faults %s)",
                              item, what, FAULTS_EXAMPLE);
}

/* One "name=value" of --faults (item is a NUL-terminated copy). */
static int parse_fault_item(struct args *a, char *item)
{
    char *eq = strchr(item, '=');
    double *prob = NULL;

    if (!eq || eq == item || !eq[1])
        return faults_usage(item, "expected NAME=VALUE");
    *eq = '\0';
    if (strcmp(item, "throttle") == 0)
        prob = &a->opts.fault_throttle;
    else if (strcmp(item, "error") == 0)
        prob = &a->opts.fault_error;
    else if (strcmp(item, "reset") == 0)
        prob = &a->opts.fault_reset;
    else if (strcmp(item, "latency") == 0) {
        if (!parse_latency(&a->opts.fault_latency_ms, eq + 1)) {
            *eq = '=';
            return faults_usage(item, "latency is a duration from 0ms to 60s, such as 50ms");
        }
        return 0;
    }
    if (!prob) {
        *eq = '=';
        return faults_usage(item, "the faults are throttle, error, reset and latency");
    }
    if (!parse_probability(prob, eq + 1)) {
        *eq = '=';
        return faults_usage(item, "a probability is a number from 0 to 1 (0.05) or a percentage "
                                  "(5%)");
    }
    return 0;
}

static int parse_faults(struct args *a, const char *arg)
{
    char copy[256];
    char *item = copy, *comma;
    int rc = 0;

    if (strlen(arg) >= sizeof(copy) || !arg[0])
        return gf_cmd_usage_error(&gf_cmd_local_aws, "bad --faults '%.40s' (use --faults %s)",
                                  arg, FAULTS_EXAMPLE);
    snprintf(copy, sizeof(copy), "%s", arg);
    while (rc == 0 && item) {
        comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        rc = parse_fault_item(a, item);
        item = comma ? comma + 1 : NULL;
    }
    if (rc == 0 && a->opts.fault_throttle + a->opts.fault_error + a->opts.fault_reset > 1.0 + 1e-9)
        rc = gf_cmd_usage_error(&gf_cmd_local_aws,
                                "bad --faults '%s': throttle + error + reset add up to more than 1 "
                                "(each request gets at most one of them)",
                                arg);
    return rc;
}

/* ---- --domain, --image, --seed, --compose-dir ---------------------------------------------- */

/* A DNS name: labels of [a-z0-9-] (1-63, no '-' at either end), at least two, 253 at most. */
static bool valid_domain(const char *d)
{
    size_t len = strlen(d), label = 0, labels = 1, i;

    if (len == 0 || len > 253 || d[0] == '.' || d[len - 1] == '.')
        return false;
    for (i = 0; i < len; i++) {
        char c = d[i];

        if (c == '.') {
            if (label == 0 || d[i - 1] == '-')
                return false;
            label = 0;
            labels++;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0)))
            return false;
        if (++label > 63)
            return false;
    }
    return labels >= 2 && d[len - 1] != '-';
}

/* "repo/name:tag": an ECR repository name ([a-z0-9._/-], 2-256) and a tag ([A-Za-z0-9_.-],
 * 1-128, not starting with '.' or '-'). */
static bool valid_image(const char *s)
{
    const char *colon = strrchr(s, ':');
    size_t nlen, tlen, i;

    if (!colon)
        return false;
    nlen = (size_t)(colon - s);
    tlen = strlen(colon + 1);
    if (nlen < 2 || nlen > 256 || tlen < 1 || tlen > 128 || colon[1] == '.' || colon[1] == '-')
        return false;
    for (i = 0; i < nlen; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._/-", s[i]))
            return false;
    for (i = 0; i < tlen; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
                    colon[1 + i]))
            return false;
    return s[0] != '/' && s[nlen - 1] != '/';
}

static int parse_image(struct args *a, const char *arg)
{
    if (!valid_image(arg))
        return gf_cmd_usage_error(&gf_cmd_local_aws,
                                  "bad --image '%s': use NAME:TAG with a lowercase repository "
                                  "name (web, team/api) and a tag (1.4, latest)",
                                  arg);
    if (a->opts.n_images == MAX_IMAGES)
        return gf_cmd_usage_error(&gf_cmd_local_aws, "at most %d --image", MAX_IMAGES);
    a->images[a->opts.n_images++] = arg;
    return 0;
}

static int parse_seed(struct args *a, const char *arg)
{
    char *end = NULL;

    errno = 0;
    a->opts.seed = strtoul(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end || errno != 0)
        return gf_cmd_usage_error(&gf_cmd_local_aws,
                                  "bad --seed '%s': use a non-negative integer such as 42", arg);
    return 0;
}

/* The folder must exist (or be creatable) and be a writable directory. */
static int check_compose_dir(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        gf_error_set(GF_ERROR, "cannot create the --compose-dir '%s': %s", dir, strerror(errno));
        gf_error_hint("create the folder first, or choose one you can write to");
        return GF_ERROR;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
        gf_error_set(GF_ERROR, "--compose-dir '%s' is not a writable folder", dir);
        gf_error_hint("choose a folder you can write to");
        return GF_ERROR;
    }
    return 0;
}

/* Run argv with stdin, stdout and stderr on /dev/null; its exit status, or -1. */
static int run_quiet(const char *const argv[])
{
    int status = 0, fd;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --docker: a reachable engine (`docker info`) and the compose plugin (`docker compose`). */
static int check_docker(void)
{
    static const char *const info[] = {"docker", "info", NULL};
    static const char *const compose[] = {"docker", "compose", "version", NULL};

    if (run_quiet(info) != 0) {
        gf_error_set(GF_ERROR, "--docker: no Docker engine answers (`docker info` failed)");
        gf_error_hint("start Docker (or set DOCKER_HOST), or drop --docker to only write the "
                      "compose files");
        return GF_ERROR;
    }
    if (run_quiet(compose) != 0) {
        gf_error_set(GF_ERROR, "--docker: `docker compose` is not available");
        gf_error_hint("install the Docker Compose v2 plugin, or drop --docker");
        return GF_ERROR;
    }
    return 0;
}

/* ---- the command line ---------------------------------------------------------------------- */

enum {
    OPT_LISTEN = 'l', OPT_DB = 'd', OPT_ACCOUNT = 'a', OPT_CREDS = 'k', OPT_REMOTE = 'R',
    OPT_FAULTS = 256, OPT_SEED, OPT_NO_TOPOLOGY, OPT_DOMAIN, OPT_IMAGE, OPT_COMPOSE_DIR,
    OPT_DOCKER, OPT_RECORD,
};

static int parse_one(struct args *a, int c, char *arg)
{
    switch (c) {
    case OPT_LISTEN: return parse_listen(a, arg);
    case OPT_DB: a->opts.db_path = arg; return 0;
    case OPT_ACCOUNT: a->opts.account = arg; return 0;
    case OPT_CREDS: return parse_cred(a, arg);
    case OPT_REMOTE: a->opts.allow_remote = true; return 0;
    case OPT_FAULTS: return parse_faults(a, arg);
    case OPT_SEED: return parse_seed(a, arg);
    case OPT_NO_TOPOLOGY: a->opts.no_topology = true; return 0;
    case OPT_DOMAIN:
        if (!valid_domain(arg))
            return gf_cmd_usage_error(&gf_cmd_local_aws,
                                      "bad --domain '%s': use a lowercase DNS name such as "
                                      "example.test",
                                      arg);
        a->opts.domain = arg;
        return 0;
    case OPT_IMAGE: return parse_image(a, arg);
    case OPT_COMPOSE_DIR: a->opts.compose_dir = arg; return 0;
    case OPT_DOCKER: a->opts.docker = true; return 0;
    case OPT_RECORD: a->opts.record_path = arg; return 0;
    default: return -1;
    }
}

static int parse_args(struct args *a, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"db", required_argument, NULL, OPT_DB},
        {"account", required_argument, NULL, OPT_ACCOUNT},
        {"credentials", required_argument, NULL, OPT_CREDS},
        {"allow-remote", no_argument, NULL, OPT_REMOTE},
        {"faults", required_argument, NULL, OPT_FAULTS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"no-topology", no_argument, NULL, OPT_NO_TOPOLOGY},
        {"domain", required_argument, NULL, OPT_DOMAIN},
        {"image", required_argument, NULL, OPT_IMAGE},
        {"compose-dir", required_argument, NULL, OPT_COMPOSE_DIR},
        {"docker", no_argument, NULL, OPT_DOCKER},
        {"record", required_argument, NULL, OPT_RECORD},
        {NULL, 0, NULL, 0}};
    int c, rc = 0;

    a->opts.port = GF_LOCAL_DEFAULT_PORT;
    a->opts.creds = a->creds;
    a->opts.images = a->images;
    optind = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        if (c == ':')
            rc = gf_cmd_usage_error(&gf_cmd_local_aws, "option '%s' needs a value",
                                    argv[optind - 1]);
        else if ((rc = parse_one(a, c, optarg)) < 0)
            rc = gf_cmd_usage_error(&gf_cmd_local_aws, "unknown option '%s'", argv[optind - 1]);
    }
    if (rc == 0 && optind < argc)
        rc = gf_cmd_usage_error(&gf_cmd_local_aws, "unexpected argument '%s'", argv[optind]);
    if (rc == 0 && a->opts.docker && !a->opts.compose_dir)
        rc = gf_cmd_usage_error(&gf_cmd_local_aws,
                                "--docker needs --compose-dir DIR (where the compose files go)");
    return rc;
}

/* ---- ready -------------------------------------------------------------------------------- */

static void print_topology(const json_t *t)
{
    const json_t *images = json_object_get(t, "images");
    const char *vpc = json_string_value(json_object_get(t, "vpc"));
    const char *domain = json_string_value(json_object_get(t, "domain"));
    const char *from = json_is_true(json_object_get(t, "restored")) ? "kept from the database"
                                                                     : "seeded";
    size_t i;

    if (!t)
        return;
    if (!json_is_true(json_object_get(t, "seeded"))) {
        printf("local-aws: topology: none (--no-topology)\n");
        return;
    }
    printf("local-aws: topology %s: vpc %s; zones %s (public) and %s (private); images ", from,
           vpc && vpc[0] ? vpc : "(none: EC2 did not seed one)", domain ? domain : "?",
           domain ? domain : "?");
    for (i = 0; i < json_array_size(images); i++)
        printf("%s%s", i ? ", " : "", json_string_value(json_array_get(images, i)));
    printf("%s\n", json_array_size(images) ? "" : "none");
}

static void print_ready(const struct args *a, const struct gf_local_server *srv)
{
    const char *host = a->opts.host ? a->opts.host : GF_LOCAL_DEFAULT_HOST;
    const struct gf_local_cred *first = a->opts.n_creds ? &a->creds[0] : NULL;
    unsigned port = gf_local_server_port(srv);

    printf("local-aws: listening on http://%s:%u\n", host, port);
    print_topology(gf_local_server_topology(srv));
    if (a->opts.fault_throttle > 0 || a->opts.fault_error > 0 || a->opts.fault_reset > 0 ||
        a->opts.fault_latency_ms > 0)
        printf("local-aws: faults: throttle=%g error=%g reset=%g latency=%ums seed=%lu\n",
               a->opts.fault_throttle, a->opts.fault_error, a->opts.fault_reset,
               a->opts.fault_latency_ms, a->opts.seed);
    /* test credentials, printed on purpose: the line exists to be pasted into a shell */
    printf("export AWS_ENDPOINT_URL=http://%s:%u AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s "
           "AWS_REGION=%s AWS_DEFAULT_REGION=%s\n",
           host, port, first ? first->access_key_id : GF_LOCAL_DEFAULT_KEY,
           first ? first->secret_access_key : GF_LOCAL_DEFAULT_SECRET,
           a->opts.region ? a->opts.region : GF_LOCAL_DEFAULT_REGION,
           a->opts.region ? a->opts.region : GF_LOCAL_DEFAULT_REGION);
    fflush(stdout);
}

static int check_environment(const struct args *a)
{
    int rc = 0;

    if (a->opts.compose_dir)
        rc = check_compose_dir(a->opts.compose_dir);
    if (rc == 0 && a->opts.docker)
        rc = check_docker();
    return rc;
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
    if (check_environment(&a) < 0)
        return gf_cmd_fail();
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
    print_ready(&a, srv);
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
             "[--account ID] [--credentials KEY:SECRET]... [--allow-remote] [--no-topology] "
             "[--domain NAME] [--image NAME:TAG]... [--faults SPEC] [--seed N] "
             "[--compose-dir DIR [--docker]] [--record FILE]",
    .help = "Serve the 15 AWS services gitfargate calls over HTTP with SigV4 checked, state in\n"
            "SQLite and AWS's error codes, so that gitfargate, the AWS CLI and SDKs can run\n"
            "against it with AWS_ENDPOINT_URL. Stops on SIGTERM or SIGINT.\n"
            "\n"
            "  --listen HOST:PORT     where to listen (default 127.0.0.1:4566; port 0 picks one)\n"
            "  --allow-remote         allow a non-loopback HOST\n"
            "  --db PATH              keep state in this SQLite file (default :memory:)\n"
            "  --region R             the region served (default us-east-1; global option)\n"
            "  --account ID           the account id in ARNs (default 000000000000)\n"
            "  --credentials KEY:SECRET\n"
            "                         an accepted key pair, repeatable (default test:test)\n"
            "  --record FILE          append one JSON line per API call to FILE: service,\n"
            "                         operation, decoded input, output or error code (secret\n"
            "                         values redacted, no headers)\n"
            "\n"
            "Starting topology (made once, when the database is new):\n"
            "  --no-topology          start empty: no VPC, zones or images\n"
            "  --domain NAME          the public and private hosted zones' domain\n"
            "                         (default example.test)\n"
            "  --image NAME:TAG       an ECR repository and tagged image to create, repeatable\n"
            "\n"
            "Faults, for reliability tests (the AWS APIs only, never the stats endpoint):\n"
            "  --faults SPEC          comma-separated: throttle=P, error=P, reset=P (P a\n"
            "                         probability per request, 0.05 or 5%; at most one fault a\n"
            "                         request) and latency=DURATION added to every request\n"
            "                         (50ms, 1s); e.g. --faults " FAULTS_EXAMPLE "\n"
            "  --seed N               the fault generator's seed: the same N gives the same\n"
            "                         sequence of faults (default 0)\n"
            "\n"
            "Running tasks:\n"
            "  --compose-dir DIR      write DIR/<task-id>/compose.yaml for each started ECS task\n"
            "                         (secrets resolved into it, mode 0600)\n"
            "  --docker               also run it with `docker compose up -d` and report the\n"
            "                         containers' real state; needs a Docker engine\n"
            "\n"
            "When ready it prints the endpoint, what the starting topology holds and an\n"
            "`export ...` line to stdout. GET /_localaws/stats returns call, error and fault\n"
            "counts. See docs/local-aws.md.\n",
    .run = run,
};
