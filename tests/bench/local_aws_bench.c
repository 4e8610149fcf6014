/* SPDX-License-Identifier: Apache-2.0 */
/* local_aws_bench.c: `gitfargate local-aws` as users see it: start-up time to the ready lines,
 * the median and p99 latency of a signed ECS call from a kept-alive client (aws/http reuses
 * the connection), and the server's resident memory idle and with 1,000 clusters stored.
 * On a loaded machine the wall-clock figures mostly measure the scheduler: the server's CPU time
 * per call is printed too. Usage: local_aws_bench [CALLS] (default 5000). One line per figure. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/banned.h"

#define KEY    "AKIDBENCH00000000001"
#define SECRET "bench/Secret+Key/0123456789abcdefghijk"
#define ECS_T  "AmazonEC2ContainerServiceV20141113."

struct child {
    pid_t pid;
    int out; /* its stdout */
    unsigned port;
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start local-aws; returns the milliseconds until its `export` line was read. */
static double start(struct child *c, const char *db)
{
    const char *argv[] = {GF_BINARY, "local-aws", "--listen", "127.0.0.1:0", "--db", db,
                          "--region", "eu-west-1", "--credentials", KEY ":" SECRET,
                          "--log-level", "error", NULL};
    char buf[4096];
    size_t len = 0;
    int fds[2];
    double t0 = now_ms();

    if (pipe(fds) != 0)
        exit(1);
    c->pid = fork();
    if (c->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(fds[1]);
    c->out = fds[0];
    while (len < sizeof(buf) - 1) {
        ssize_t n = read(c->out, buf + len, sizeof(buf) - 1 - len);
        const char *mark;

        if (n <= 0) {
            fprintf(stderr, "bench: local-aws did not start\n");
            exit(1);
        }
        len += (size_t)n;
        buf[len] = '\0';
        mark = strstr(buf, "http://127.0.0.1:");
        if (mark && strstr(buf, "export ")) {
            c->port = (unsigned)strtoul(mark + 17, NULL, 10);
            return now_ms() - t0;
        }
    }
    exit(1);
}

static void stop(struct child *c)
{
    int status;

    kill(c->pid, SIGTERM);
    waitpid(c->pid, &status, 0);
    close(c->out);
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* One signed ECS call; its status. */
static int call(struct gf_http *http, unsigned port, const char *op, const char *body)
{
    struct gf_sigv4_creds creds = {GF_SLICE_LIT(KEY), GF_SLICE_LIT(SECRET), GF_SLICE_INIT};
    struct gf_sigv4_header h[3];
    struct gf_sigv4_params p;
    struct gf_sigv4_signed sig;
    struct gf_http_request req;
    struct gf_http_response resp;
    char host[64], url[96], target[128];
    size_t i;
    int status;

    snprintf(host, sizeof(host), "127.0.0.1:%u", port);
    snprintf(url, sizeof(url), "http://%s/", host);
    snprintf(target, sizeof(target), ECS_T "%s", op);
    h[0] = (struct gf_sigv4_header){GF_SLICE_LIT("Content-Type"),
                                    GF_SLICE_LIT("application/x-amz-json-1.1")};
    h[1] = (struct gf_sigv4_header){GF_SLICE_LIT("Host"), gf_slice_from(host)};
    h[2] = (struct gf_sigv4_header){GF_SLICE_LIT("X-Amz-Target"), gf_slice_from(target)};
    memset(&p, 0, sizeof(p));
    p.creds = &creds;
    p.region = GF_SLICE_LIT("eu-west-1");
    p.service = GF_SLICE_LIT("ecs");
    p.time_ms = gf_clock_wall_ms(gf_clock_system());
    gf_sigv4_signed_init(&sig);
    struct gf_sigv4_request sreq = {GF_SLICE_LIT("POST"), GF_SLICE_LIT("/"), GF_SLICE_INIT, h, 3,
                                    gf_slice_from(body)};
    gf_sigv4_sign(&sig, &sreq, &p);
    gf_http_request_init(&req, "POST", url);
    gf_http_headers_add(&req.headers, "Content-Type", "application/x-amz-json-1.1");
    gf_http_headers_add(&req.headers, "X-Amz-Target", target);
    for (i = 0; i < sig.n_add; i++) {
        char *name = gf_slice_dup(sig.add[i].name), *value = gf_slice_dup(sig.add[i].value);

        gf_http_headers_add(&req.headers, name, value);
        gf_free(name);
        gf_free(value);
    }
    gf_buf_puts(&req.body, body);
    req.max_attempts = 1;
    gf_http_response_init(&resp);
    gf_http_send(&resp, http, &req);
    status = resp.status;
    gf_http_response_release(&resp);
    gf_http_request_release(&req);
    gf_sigv4_signed_release(&sig);
    return status;
}

/* The process's CPU time (user + system) in milliseconds, from /proc/PID/stat. */
static double cpu_ms(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long ut = 0, st = 0;
    const char *p;
    size_t n;
    FILE *f;
    int i;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* fields after the command name; utime is the 14th, stime 15th */
    for (i = 2; p && i < 14; i++)
        p = strchr(p + 1, ' ');
    if (!p || sscanf(p, " %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void startup(void)
{
    double t[7];
    struct child c;
    size_t i;

    for (i = 0; i < 7; i++) {
        t[i] = start(&c, ":memory:");
        stop(&c);
    }
    qsort(t, 7, sizeof(t[0]), cmp_double);
    printf("startup_to_ready_ms median=%.1f min=%.1f max=%.1f (7 starts, :memory:, topology "
           "seeded)\n",
           t[3], t[0], t[6]);
}

static void latency(struct gf_http *http, const struct child *c, int n)
{
    double *t = malloc(sizeof(double) * (size_t)n);
    unsigned port = c->port;
    double cpu0;
    int i, bad = 0;

    for (i = 0; i < 200; i++)
        call(http, port, "ListClusters", "{}");
    cpu0 = cpu_ms(c->pid);
    for (i = 0; i < n; i++) {
        double t0 = now_ms();

        bad += call(http, port, "DescribeClusters", "{\"clusters\":[\"c1\",\"c2\"]}") != 200;
        t[i] = now_ms() - t0;
    }
    qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
    printf("call_latency_ms median=%.3f p99=%.3f max=%.3f (%d DescribeClusters, kept-alive, "
           "signed per call, %d non-200)\n",
           t[n / 2], t[(size_t)n * 99 / 100], t[n - 1], n, bad);
    printf("server_cpu_ms_per_call=%.3f (user + system time of local-aws over the %d calls)\n",
           (cpu_ms(c->pid) - cpu0) / n, n);
    free(t);
}

int main(int argc, char **argv)
{
    struct gf_http_opts hopts = GF_HTTP_OPTS_INIT;
    struct gf_http *http = NULL;
    struct child c;
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5000;
    char body[64];
    long idle;
    int i;

    if (n < 100)
        n = 100;
    startup();
    hopts.rate_per_s = 0; /* the client's 50/s token bucket would be the figure otherwise */
    if (gf_http_new(&http, &hopts) < 0)
        return 1;
    start(&c, ":memory:");
    idle = rss_kb(c.pid);
    for (i = 0; i < 1000; i++) {
        snprintf(body, sizeof(body), "{\"clusterName\":\"c%d\"}", i);
        if (call(http, c.port, "CreateCluster", body) != 200)
            return 1;
    }
    printf("rss_kb idle=%ld with_1000_clusters=%ld\n", idle, rss_kb(c.pid));
    latency(http, &c, n);
    printf("tcp_connections_opened=%ld\n", gf_http_connections_opened(http));
    stop(&c);
    gf_http_free(http);
    return 0;
}
