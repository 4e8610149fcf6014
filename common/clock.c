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

/* Read exactly n decimal digits at *p (advancing it); -1 if they are not all digits. */
static int fixed_digits(const char **p, int n)
{
    int v = 0;

    for (; n > 0; n--, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

/* Expect the character c at *p and step over it. */
static int expect_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* ".123456" (any number of digits, milliseconds kept) or nothing. */
static int parse_fraction(int64_t *ms_out, const char **p)
{
    int digits = 0;
    int64_t ms = 0;

    *ms_out = 0;
    if (**p != '.')
        return 0;
    for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, digits++) {
        if (digits < 3)
            ms = ms * 10 + (**p - '0');
    }
    if (!digits)
        return -1;
    for (; digits < 3; digits++)
        ms *= 10;
    *ms_out = ms;
    return 0;
}

/* "Z" or "+hh:mm" / "-hh:mm": minutes east of UTC. */
static int parse_offset(int64_t *min_out, const char **p)
{
    int sign, oh, om;

    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *min_out = 0;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return -1;
    sign = **p == '+' ? 1 : -1;
    (*p)++;
    oh = fixed_digits(p, 2);
    if (oh < 0 || expect_char(p, ':') < 0)
        return -1;
    om = fixed_digits(p, 2);
    if (om < 0 || oh > 23 || om > 59)
        return -1;
    *min_out = (int64_t)sign * (oh * 60 + om);
    return 0;
}

int gf_time_parse_iso8601(int64_t *out_ms, const char *s)
{
    const char *p = s;
    int y, mo, d, h, mi, sec;
    int64_t ms, offset_min, days;

    y = fixed_digits(&p, 4);
    mo = expect_char(&p, '-') < 0 ? -1 : fixed_digits(&p, 2);
    d = expect_char(&p, '-') < 0 ? -1 : fixed_digits(&p, 2);
    h = expect_char(&p, 'T') < 0 ? -1 : fixed_digits(&p, 2);
    mi = expect_char(&p, ':') < 0 ? -1 : fixed_digits(&p, 2);
    sec = expect_char(&p, ':') < 0 ? -1 : fixed_digits(&p, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 60)
        return GF_EINVALID;
    if (parse_fraction(&ms, &p) < 0 || parse_offset(&offset_min, &p) < 0 || *p)
        return GF_EINVALID;
    days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *out_ms = (days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec - offset_min * 60) * 1000 +
              ms;
    return 0;
}
