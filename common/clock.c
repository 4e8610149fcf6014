/* SPDX-License-Identifier: Apache-2.0 */
/* clock.c: the system and fixed clocks, and time formatting (common/clock.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/banned.h"

static int64_t sys_wall_ms(void *payload)
{
    struct timespec ts;

    (void)payload;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t sys_mono_ms(void *payload)
{
    struct timespec ts;

    (void)payload;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sys_sleep_ms(void *payload, int64_t ms)
{
    struct timespec ts;

    (void)payload;
    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static const struct gf_clock s_system = {sys_wall_ms, sys_mono_ms, sys_sleep_ms, NULL};

const struct gf_clock *gf_clock_system(void)
{
    return &s_system;
}

static int64_t fixed_now(void *payload)
{
    return ((struct gf_clock_fixed *)payload)->now_ms;
}

static void fixed_sleep(void *payload, int64_t ms)
{
    if (ms > 0)
        ((struct gf_clock_fixed *)payload)->now_ms += ms;
}

void gf_clock_fixed_init(struct gf_clock_fixed *fixed, int64_t wall_ms)
{
    fixed->now_ms = wall_ms;
    fixed->clock.wall_ms = fixed_now;
    fixed->clock.mono_ms = fixed_now;
    fixed->clock.sleep_ms = fixed_sleep;
    fixed->clock.payload = fixed;
}

static void split_utc(struct tm *tm, int64_t epoch_ms)
{
    time_t t = (time_t)(epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000);

    memset(tm, 0, sizeof(*tm));
    gmtime_r(&t, tm);
}

void gf_time_iso8601(char *out, size_t size, int64_t epoch_ms, int with_ms)
{
    struct tm tm;
    int ms = (int)(((epoch_ms % 1000) + 1000) % 1000);

    split_utc(&tm, epoch_ms);
    if (with_ms)
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    else
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void gf_time_amz(char *out, size_t size, int64_t epoch_ms)
{
    struct tm tm;

    split_utc(&tm, epoch_ms);
    snprintf(out, size, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int gf_time_parse_iso8601(int64_t *out_ms, const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    int64_t ms = 0;
    int64_t offset_min = 0;
    const char *p;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        return GF_EINVALID;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 ||
        mi < 0 || sec < 0)
        return GF_EINVALID;
    p = s + n;
    if (*p == '.') {
        int digits = 0;

        p++;
        while (*p >= '0' && *p <= '9') {
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
            digits++;
            p++;
        }
        if (!digits)
            return GF_EINVALID;
        while (digits < 3) {
            ms *= 10;
            digits++;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, m2 = 0;

        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m2) != 2 || m2 != 5)
            return GF_EINVALID;
        offset_min = (int64_t)(oh * 60 + om) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return GF_EINVALID;
    }
    if (*p)
        return GF_EINVALID;
    *out_ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) -
               offset_min * 60) * 1000 + ms;
    return 0;
}
