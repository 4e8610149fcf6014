/* SPDX-License-Identifier: Apache-2.0 */
/* schedule_test.c: EventBridge schedule expressions (state/schedule.c): every cron field and
 * operator valid and invalid, rate() units and counts, at() dates, and the normalisations. */
#include <string.h>

#include "common/error.h"
#include "state/schedule.h"
#include "tests/testlib/testlib.h"

#include "common/banned.h"

struct valid_case {
    const char *in;
    const char *out;
};

struct invalid_case {
    const char *in;
    const char *msg;
};

static void expect_valid(const char *in, const char *want, enum gf_schedule_kind kind)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_schedule_info info = {0};
    int rc = gf_schedule_check(&out, &info, in);

    cr_expect_eq(rc, 0, "'%s' was rejected: %s (%s)", in, gf_error_last()->msg,
                 gf_error_last()->hint);
    if (rc == 0) {
        cr_expect_str_eq(out.ptr, want, "'%s' normalised to '%s', wanted '%s'", in, out.ptr, want);
        cr_expect_eq(info.kind, kind, "'%s' kind %d", in, (int)info.kind);
    }
    gf_buf_release(&out);
}

static void expect_invalid(const char *in, const char *msg)
{
    struct gf_buf out = GF_BUF_INIT;
    int rc = gf_schedule_check(&out, NULL, in);

    cr_expect_eq(rc, GF_EINVALID, "'%s' was accepted as '%s'", in, out.ptr);
    if (rc == GF_EINVALID) {
        cr_expect_str_eq(gf_error_last()->msg, msg, "'%s': got '%s', wanted '%s'", in,
                         gf_error_last()->msg, msg);
        cr_expect_neq(gf_error_last()->hint[0], '\0', "'%s' has no hint", in);
        cr_expect_eq(out.len, 0);
    }
    gf_buf_release(&out);
}

Test(schedule, accepts_valid_cron_in_every_field)
{
    static const struct valid_case cases[] = {
        {"cron(0 2 * * ? *)", "cron(0 2 * * ? *)"},
        {"cron(59 23 31 12 ? 2199)", "cron(59 23 31 12 ? 2199)"},
        {"cron(0 0 1 1 ? 1970)", "cron(0 0 1 1 ? 1970)"},
        {"cron(0,15,30,45 * * * ? *)", "cron(0,15,30,45 * * * ? *)"},
        {"cron(0-10 8-17 * * ? *)", "cron(0-10 8-17 * * ? *)"},
        {"cron(*/5 * * * ? *)", "cron(*/5 * * * ? *)"},
        {"cron(5/10 0/2 * * ? *)", "cron(5/10 0/2 * * ? *)"},
        {"cron(10-50/10 * * * ? *)", "cron(10-50/10 * * * ? *)"},
        {"cron(0 12 1-15/2 * ? *)", "cron(0 12 1-15/2 * ? *)"},
        {"cron(0 12 L * ? *)", "cron(0 12 L * ? *)"},
        {"cron(0 12 LW * ? *)", "cron(0 12 LW * ? *)"},
        {"cron(0 12 15W * ? *)", "cron(0 12 15W * ? *)"},
        {"cron(0 12 1W * ? *)", "cron(0 12 1W * ? *)"},
        {"cron(0 12 ? JAN-MAR MON-FRI *)", "cron(0 12 ? JAN-MAR MON-FRI *)"},
        {"cron(0 12 ? jan,jul mon *)", "cron(0 12 ? jan,jul mon *)"},
        {"cron(0 12 ? JUL-DEC WED,THU *)", "cron(0 12 ? JUL-DEC WED,THU *)"},
        {"cron(0 12 ? APR,JUN,JUL * *)", "cron(0 12 ? APR,JUN,JUL * *)"},
        {"cron(0 12 ? 1/3 * *)", "cron(0 12 ? 1/3 * *)"},
        {"cron(0 12 ? * 6L *)", "cron(0 12 ? * 6L *)"},
        {"cron(0 12 ? * FRIL *)", "cron(0 12 ? * FRIL *)"},
        {"cron(0 12 ? * L *)", "cron(0 12 ? * L *)"},
        {"cron(0 12 ? * MON#2 *)", "cron(0 12 ? * MON#2 *)"},
        {"cron(0 12 ? * 2#3 *)", "cron(0 12 ? * 2#3 *)"},
        {"cron(0 12 ? * 7#5 *)", "cron(0 12 ? * 7#5 *)"},
        {"cron(0 12 ? * 1,3,5 *)", "cron(0 12 ? * 1,3,5 *)"},
        {"cron(0 12 ? * SUN-SAT *)", "cron(0 12 ? * SUN-SAT *)"},
        {"cron(0 12 * * ? 2025-2030)", "cron(0 12 * * ? 2025-2030)"},
        {"cron(0 12 * * ? 2025/2)", "cron(0 12 * * ? 2025/2)"},
        {"cron(0 12 * * ? 2025,2027)", "cron(0 12 * * ? 2025,2027)"},
        {"cron(0 12 * * ? */4)", "cron(0 12 * * ? */4)"},
        {"cron(15 10 ? * 6L 2019-2022)", "cron(15 10 ? * 6L 2019-2022)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_valid(cases[i].in, cases[i].out, GF_SCHEDULE_CRON);
}

Test(schedule, rejects_cron_minutes_and_hours)
{
    static const struct invalid_case cases[] = {
        {"cron(60 2 * * ? *)", "minutes value 60 out of range 0-59"},
        {"cron(0 24 * * ? *)", "hours value 24 out of range 0-23"},
        {"cron(x 2 * * ? *)", "minutes value 'x' is not a number"},
        {"cron(-1 2 * * ? *)", "minutes range '-1' lacks a bound"},
        {"cron(5- 2 * * ? *)", "minutes range '5-' lacks a bound"},
        {"cron(30-10 2 * * ? *)", "minutes range '30-10' goes backwards"},
        {"cron(0-60 2 * * ? *)", "minutes value 60 out of range 0-59"},
        {"cron(*/0 2 * * ? *)", "minutes step '0' must be a positive number (in '*/0')"},
        {"cron(*/x 2 * * ? *)", "minutes step 'x' must be a positive number (in '*/x')"},
        {"cron(*/60 2 * * ? *)", "minutes step 60 is larger than 59"},
        {"cron(0 */24 * * ? *)", "hours step 24 is larger than 23"},
        {"cron(1,,2 2 * * ? *)", "minutes has an empty list item"},
        {"cron(1, 2 * * ? *)", "minutes has an empty list item"},
        {"cron(? 2 * * ? *)", "minutes does not allow '?' (in '?')"},
        {"cron(L 2 * * ? *)", "minutes does not allow 'L' (in 'L')"},
        {"cron(0 5W * * ? *)", "hours does not allow 'W' (in '5W')"},
        {"cron(0 1#2 * * ? *)", "hours does not allow '#' (in '1#2')"},
        {"cron(0 MON * * ? *)", "hours value 'MON' is not a number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_cron_day_of_month)
{
    static const struct invalid_case cases[] = {
        {"cron(0 2 0 * ? *)", "day-of-month value 0 out of range 1-31"},
        {"cron(0 2 32 * ? *)", "day-of-month value 32 out of range 1-31"},
        {"cron(0 2 20-10 * ? *)", "day-of-month range '20-10' goes backwards"},
        {"cron(0 2 */32 * ? *)", "day-of-month step 32 is larger than 31"},
        {"cron(0 2 32W * ? *)", "day-of-month value 32 out of range 1-31"},
        {"cron(0 2 1,15W * ? *)", "day-of-month value '15W' misuses 'W'"},
        {"cron(0 2 W * ? *)", "day-of-month value 'W' misuses 'W'"},
        {"cron(0 2 1-5W * ? *)", "day-of-month value '1-5W' misuses 'W'"},
        {"cron(0 2 1,L * ? *)", "day-of-month value 'L' misuses 'L'"},
        {"cron(0 2 1#2 * ? *)", "day-of-month does not allow '#' (in '1#2')"},
        {"cron(0 2 ?,1 * * *)", "day-of-month value '?' misuses '?'"},
        {"cron(0 2 JAN * ? *)", "day-of-month value 'JAN' is not a number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_cron_month)
{
    static const struct invalid_case cases[] = {
        {"cron(0 2 * 0 ? *)", "month value 0 out of range 1-12 or JAN-DEC"},
        {"cron(0 2 * 13 ? *)", "month value 13 out of range 1-12 or JAN-DEC"},
        {"cron(0 2 * FOO ? *)", "month value 'FOO' is not a number or a name"},
        {"cron(0 2 * WED ? *)", "month value 'WED' is not a number or a name"},
        {"cron(0 2 * JANUARY ? *)", "month value 'JANUARY' is not a number or a name"},
        {"cron(0 2 * DEC-JAN ? *)", "month range 'DEC-JAN' goes backwards"},
        {"cron(0 2 * */13 ? *)", "month step 13 is larger than 12"},
        {"cron(0 2 * L ? *)", "month does not allow 'L' (in 'L')"},
        {"cron(0 2 * ? * *)", "month does not allow '?' (in '?')"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_cron_day_of_week)
{
    static const struct invalid_case cases[] = {
        {"cron(0 2 ? * 8 *)", "day-of-week value 8 out of range 1-7 or SUN-SAT"},
        {"cron(0 2 ? * 0 *)", "day-of-week value 0 out of range 1-7 or SUN-SAT"},
        {"cron(0 2 ? * FUN *)", "day-of-week value 'FUN' is not a number or a name"},
        {"cron(0 2 ? * FRI-MON *)", "day-of-week range 'FRI-MON' goes backwards"},
        {"cron(0 2 ? * */2 *)", "day-of-week does not allow '/' (in '*/2')"},
        {"cron(0 2 ? * MON#6 *)", "day-of-week 'MON#6': the week after '#' must be 1-5"},
        {"cron(0 2 ? * MON#0 *)", "day-of-week 'MON#0': the week after '#' must be 1-5"},
        {"cron(0 2 ? * 9#2 *)", "day-of-week value 9 out of range 1-7 or SUN-SAT"},
        {"cron(0 2 ? * 8L *)", "day-of-week value 8 out of range 1-7 or SUN-SAT"},
        {"cron(0 2 ? * 1,5L *)", "day-of-week value '5L' misuses 'L'"},
        {"cron(0 2 ? * MON#2,WED#1 *)", "day-of-week value 'MON#2' misuses '#'"},
        {"cron(0 2 ? * 1W *)", "day-of-week does not allow 'W' (in '1W')"},
        {"cron(0 2 ? * JUL *)", "day-of-week value 'JUL' is not a number or a name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_cron_year)
{
    static const struct invalid_case cases[] = {
        {"cron(0 2 * * ? 1969)", "year value 1969 out of range 1970-2199"},
        {"cron(0 2 * * ? 2200)", "year value 2200 out of range 1970-2199"},
        {"cron(0 2 * * ? 2030-2025)", "year range '2030-2025' goes backwards"},
        {"cron(0 2 * * ? */230)", "year step 230 is larger than 229"},
        {"cron(0 2 * * ? ?)", "year does not allow '?' (in '?')"},
        {"cron(0 2 * * ? 99999999999)", "year value 99999999999 out of range 1970-2199"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_cron_shape_and_day_conflicts)
{
    static const struct invalid_case cases[] = {
        {"cron(0 2 * * ?)",
         "cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 5"},
        {"cron(0 2 * * ? * *)",
         "cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 7"},
        {"cron()", "cron needs 6 fields (minutes hours day-of-month month day-of-week year), "
                   "found 0"},
        {"cron(0 2 ? * ? *)", "day-of-month and day-of-week are both '?'"},
        {"cron(0 2 1 * MON *)", "day-of-month '1' and day-of-week 'MON' are both set"},
        {"cron(0 2 * * MON *)", "day-of-month '*' and day-of-week 'MON' are both set"},
        {"cron(0 2 1 * * *)", "day-of-month '1' and day-of-week '*' are both set"},
        {"cron(0 2 * * ? *", "schedule 'cron(0 2 * * ? *' must end with its only ')'"},
        {"cron(0 2 * * ? *) x", "schedule 'cron(0 2 * * ? *) x' must end with its only ')'"},
        {"cron 0 2 * * ? *", "schedule 'cron 0 2 * * ? *' is not cron(...), rate(...) or at(...)"},
        {"0 2 * * *", "schedule '0 2 * * *' is not cron(...), rate(...) or at(...)"},
        {"CRON(0 2 * * ? *)",
         "schedule 'CRON(0 2 * * ? *)' is not cron(...), rate(...) or at(...)"},
        {"", "schedule '' is not cron(...), rate(...) or at(...)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, hints_name_the_fix)
{
    struct gf_buf out = GF_BUF_INIT;

    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, "cron(0 2 * * ?)"));
    cr_expect_str_eq(gf_error_last()->hint,
                     "EventBridge cron has a year field: add ' *' at the end, e.g. "
                     "cron(0 2 * * ? *)");
    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, "cron(0 2 ? * 8 *)"));
    cr_expect_str_eq(gf_error_last()->hint, "write day-of-week as 1-7 or SUN-SAT");
    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, "cron(0 2 * * MON *)"));
    cr_expect_str_eq(gf_error_last()->hint,
                     "EventBridge needs '?' in one of them: write '?' for day-of-month");
    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, "rate(1 minutes)"));
    cr_expect_str_eq(gf_error_last()->hint, "write rate(1 minute)");
    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, "rate(5 minute)"));
    cr_expect_str_eq(gf_error_last()->hint, "write rate(5 minutes)");
    gf_buf_release(&out);
}

Test(schedule, normalises_both_day_fields_star)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_schedule_info info = {0};

    gf_cr_ok(gf_schedule_check(&out, &info, "cron(0 2 * * * *)"));
    cr_expect_str_eq(out.ptr, "cron(0 2 * * ? *)");
    cr_expect(info.dow_normalised);
    cr_expect_not(info.space_normalised);
    gf_cr_ok(gf_schedule_check(&out, &info, "cron(0 2 * * ? *)"));
    cr_expect_not(info.dow_normalised);
    gf_buf_release(&out);
}

Test(schedule, normalises_blanks)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_schedule_info info = {0};

    gf_cr_ok(gf_schedule_check(&out, &info, "  cron( 0  2 *\t* ? * ) "));
    cr_expect_str_eq(out.ptr, "cron(0 2 * * ? *)");
    cr_expect(info.space_normalised);
    cr_expect_not(info.dow_normalised);
    gf_cr_ok(gf_schedule_check(&out, &info, "rate(5   minutes)"));
    cr_expect_str_eq(out.ptr, "rate(5 minutes)");
    cr_expect(info.space_normalised);
    gf_buf_release(&out);
}

Test(schedule, accepts_rate_with_matching_unit)
{
    static const struct valid_case cases[] = {
        {"rate(1 minute)", "rate(1 minute)"},     {"rate(2 minutes)", "rate(2 minutes)"},
        {"rate(1 hour)", "rate(1 hour)"},         {"rate(12 hours)", "rate(12 hours)"},
        {"rate(1 day)", "rate(1 day)"},           {"rate(7 days)", "rate(7 days)"},
        {"rate(90 minutes)", "rate(90 minutes)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_valid(cases[i].in, cases[i].out, GF_SCHEDULE_RATE);
}

Test(schedule, rejects_bad_rate)
{
    static const struct invalid_case cases[] = {
        {"rate(1 minutes)", "rate(1 minutes) needs the singular unit"},
        {"rate(1 hours)", "rate(1 hours) needs the singular unit"},
        {"rate(1 days)", "rate(1 days) needs the singular unit"},
        {"rate(5 minute)", "rate(5 minute) needs the plural unit"},
        {"rate(2 hour)", "rate(2 hour) needs the plural unit"},
        {"rate(3 day)", "rate(3 day) needs the plural unit"},
        {"rate(0 minutes)", "rate value '0' is not a positive whole number"},
        {"rate(-5 minutes)", "rate value '-5' is not a positive whole number"},
        {"rate(05 minutes)", "rate value '05' is not a positive whole number"},
        {"rate(1.5 hours)", "rate value '1.5' is not a positive whole number"},
        {"rate(99999999999 days)", "rate value '99999999999' is not a positive whole number"},
        {"rate(5 seconds)", "rate unit 'seconds' is not minute(s), hour(s) or day(s)"},
        {"rate(5 weeks)", "rate unit 'weeks' is not minute(s), hour(s) or day(s)"},
        {"rate(5 Minutes)", "rate unit 'Minutes' is not minute(s), hour(s) or day(s)"},
        {"rate(5)", "rate needs a number and a unit, found 1 words"},
        {"rate(5 minutes please)", "rate needs a number and a unit, found 3 words"},
        {"rate()", "rate needs a number and a unit, found 0 words"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, accepts_valid_at)
{
    expect_valid("at(2030-01-31T12:00:00)", "at(2030-01-31T12:00:00)", GF_SCHEDULE_AT);
    expect_valid("at(2028-02-29T23:59:59)", "at(2028-02-29T23:59:59)", GF_SCHEDULE_AT);
    expect_valid("at(2000-02-29T00:00:00)", "at(2000-02-29T00:00:00)", GF_SCHEDULE_AT);
}

Test(schedule, rejects_bad_at)
{
    static const struct invalid_case cases[] = {
        {"at(2030-02-30T12:00:00)", "at() date '2030-02-30' does not exist"},
        {"at(2029-02-29T12:00:00)", "at() date '2029-02-29' does not exist"},
        {"at(2100-02-29T12:00:00)", "at() date '2100-02-29' does not exist"},
        {"at(2030-13-01T12:00:00)", "at() date '2030-13-01' does not exist"},
        {"at(2030-04-31T12:00:00)", "at() date '2030-04-31' does not exist"},
        {"at(2030-01-00T12:00:00)", "at() date '2030-01-00' does not exist"},
        {"at(2030-01-31T24:00:00)", "at() time '24:00:00' is out of range"},
        {"at(2030-01-31T12:60:00)", "at() time '12:60:00' is out of range"},
        {"at(2030-01-31T12:00:60)", "at() time '12:00:60' is out of range"},
        {"at(2030-01-31 12:00:00)", "at() needs yyyy-mm-ddThh:mm:ss, got '2030-01-31 12:00:00'"},
        {"at(2030-01-31)", "at() needs yyyy-mm-ddThh:mm:ss, got '2030-01-31'"},
        {"at(2030-01-31T12:00:00Z)", "at() needs yyyy-mm-ddThh:mm:ss, got '2030-01-31T12:00:00Z'"},
        {"at(2030-1-31T12:00:000)", "at() needs yyyy-mm-ddThh:mm:ss, got '2030-1-31T12:00:000'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_invalid(cases[i].in, cases[i].msg);
}

Test(schedule, rejects_overlong_expression)
{
    struct gf_buf in = GF_BUF_INIT;
    struct gf_buf out = GF_BUF_INIT;

    gf_buf_puts(&in, "cron(0");
    for (int i = 1; i < 120; i++)
        gf_buf_printf(&in, ",%d", i % 60);
    gf_buf_puts(&in, " 2 * * ? *)");
    cr_assert_gt(in.len, 256);
    gf_cr_fails(GF_EINVALID, gf_schedule_check(&out, NULL, in.ptr));
    cr_expect(strstr(gf_error_last()->msg, "the limit is 256") != NULL, "%s", gf_error_last()->msg);
    gf_buf_release(&in);
    gf_buf_release(&out);
}
