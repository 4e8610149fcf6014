/* SPDX-License-Identifier: Apache-2.0 */
/* schedule.c: EventBridge schedule expressions (cron/rate/at) checked field by field as AWS
 * defines them, with FargateStack's one normalisation (both day fields `*`). Part of the parse
 * step: state/validate.c calls it for tasks.<t>.schedule. See state/schedule.h for the rules. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "state/schedule.h"

#include "common/banned.h"

#define SCHEDULE_MAX_LEN 256 /* events ScheduleExpression: max 256 */
#define CRON_FIELDS      6
#define CRON_EXAMPLE     "cron(0 2 * * ? *)"

enum {
    OP_STEP = 1 << 0,     /* a/b, * /b */
    OP_QUESTION = 1 << 1, /* ? */
    OP_L = 1 << 2,        /* L */
    OP_W = 1 << 3,        /* W */
    OP_HASH = 1 << 4,     /* # */
};

struct field_def {
    const char *name;
    int lo, hi;
    const char *const *names; /* 3-letter names for lo..hi, or NULL */
    const char *range_text;
    unsigned ops;
    int max_step;
};

static const char *const s_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const s_days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

enum { F_MIN, F_HOUR, F_DOM, F_MONTH, F_DOW, F_YEAR };

static const struct field_def s_fields[CRON_FIELDS] = {
    {"minutes", 0, 59, NULL, "0-59", OP_STEP, 59},
    {"hours", 0, 23, NULL, "0-23", OP_STEP, 23},
    {"day-of-month", 1, 31, NULL, "1-31", OP_STEP | OP_QUESTION | OP_L | OP_W, 31},
    {"month", 1, 12, s_months, "1-12 or JAN-DEC", OP_STEP, 12},
    {"day-of-week", 1, 7, s_days, "1-7 or SUN-SAT", OP_QUESTION | OP_L | OP_HASH, 0},
    {"year", 1970, 2199, NULL, "1970-2199", OP_STEP, 229},
};

static bool all_digits(struct gf_slice s)
{
    if (s.len == 0)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
    }
    return true;
}

/* A number or (for month/day-of-week) a 3-letter name; range-checked. */
static int field_value(int *out, const struct field_def *f, struct gf_slice s)
{
    int64_t n = 0;

    if (all_digits(s)) {
        if (gf_slice_to_i64(&n, s, 0, INT32_MAX) < 0)
            n = INT32_MAX; /* reported as out of range below */
    } else if (f->names != NULL && s.len == 3) {
        n = -1;
        for (int i = 0; i <= f->hi - f->lo; i++) {
            if (strncasecmp(s.ptr, f->names[i], 3) == 0)
                n = f->lo + i;
        }
        if (n < 0)
            goto bad;
    } else {
        goto bad;
    }
    if (n < f->lo || n > f->hi) {
        gf_error_set(GF_EINVALID, "%s value %.*s out of range %s", f->name, GF_SLICE_FMT(s),
                     f->range_text);
        gf_error_hint("write %s as %s", f->name, f->range_text);
        return GF_EINVALID;
    }
    *out = (int)n;
    return 0;
bad:
    gf_error_set(GF_EINVALID, "%s value '%.*s' is not %s", f->name, GF_SLICE_FMT(s),
                 f->names != NULL ? "a number or a name" : "a number");
    gf_error_hint("write %s as %s, with , - * %s", f->name, f->range_text,
                  (f->ops & OP_STEP) ? "/" : "");
    return GF_EINVALID;
}

static const char *misplaced_hint(const struct field_def *f, char c)
{
    switch (c) {
    case '?':
        return "'?' must be the whole field";
    case 'W':
        return "write <day>W on its own, e.g. 15W (the weekday nearest the 15th), or LW";
    case '#':
        return "write <day>#<week> on its own, e.g. MON#2 (the second Monday)";
    default:
        return f->ops & OP_W ? "write L (the last day of the month) or LW on its own"
                             : "write L or <day>L on its own, e.g. 6L or FRIL (the last Friday)";
    }
}

static bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name(const struct field_def *f, const char *p)
{
    if (f->names == NULL)
        return false;
    for (int i = 0; i <= f->hi - f->lo; i++) {
        if (strncasecmp(p, f->names[i], 3) == 0)
            return true;
    }
    return false;
}

/* Is special character c used in item? Letters count as L/W only in the runs L, W, LW and
 * <name>L, so that JUL or WED are names, not wildcards. */
static bool uses_special(const struct field_def *f, struct gf_slice item, char c)
{
    size_t i = 0;

    if (c != 'L' && c != 'W')
        return memchr(item.ptr, c, item.len) != NULL;
    while (i < item.len) {
        size_t j = i;

        if (!is_letter(item.ptr[i])) {
            i++;
            continue;
        }
        while (j < item.len && is_letter(item.ptr[j]))
            j++;
        struct gf_slice run = gf_slice_sub(item, i, j - i);
        if (gf_slice_eq_str(run, c == 'L' ? "L" : "W") || gf_slice_eq_str(run, "LW") ||
            (c == 'L' && run.len == 4 && run.ptr[3] == 'L' && is_name(f, run.ptr)))
            return true;
        i = j;
    }
    return false;
}

/* A character this field does not allow, found in `item`. */
static int bad_char(const struct field_def *f, struct gf_slice item)
{
    static const struct {
        char c;
        unsigned op;
        const char *fields;
    } specials[] = {
        {'/', OP_STEP, "every field but day-of-week"},
        {'?', OP_QUESTION, "day-of-month and day-of-week"},
        {'L', OP_L, "day-of-month and day-of-week"},
        {'W', OP_W, "day-of-month"},
        {'#', OP_HASH, "day-of-week"},
    };
    for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
        if (!uses_special(f, item, specials[i].c))
            continue;
        if (!(f->ops & specials[i].op)) {
            gf_error_set(GF_EINVALID, "%s does not allow '%c' (in '%.*s')", f->name, specials[i].c,
                         GF_SLICE_FMT(item));
            gf_error_hint("'%c' is only allowed in %s", specials[i].c, specials[i].fields);
            return GF_EINVALID;
        }
        if (specials[i].c != '/') {
            gf_error_set(GF_EINVALID, "%s value '%.*s' misuses '%c'", f->name, GF_SLICE_FMT(item),
                         specials[i].c);
            gf_error_hint("%s", misplaced_hint(f, specials[i].c));
            return GF_EINVALID;
        }
    }
    return 0;
}

static int parse_step(const struct field_def *f, struct gf_slice item, struct gf_slice step)
{
    int64_t n = 0;

    if (!all_digits(step) || gf_slice_to_i64(&n, step, 1, 999999999) < 0) {
        gf_error_set(GF_EINVALID, "%s step '%.*s' must be a positive number (in '%.*s')", f->name,
                     GF_SLICE_FMT(step), GF_SLICE_FMT(item));
        gf_error_hint("write a step as start/step or */step, e.g. */5");
        return GF_EINVALID;
    }
    if (n > f->max_step) {
        gf_error_set(GF_EINVALID, "%s step %.*s is larger than %d", f->name, GF_SLICE_FMT(step),
                     f->max_step);
        gf_error_hint("use a step from 1 to %d in %s", f->max_step, f->name);
        return GF_EINVALID;
    }
    return 0;
}

/* One list item: * | v | v-v, optionally /step. */
static int parse_item(const struct field_def *f, struct gf_slice item)
{
    struct gf_slice base = item;
    long slash = gf_slice_find(item, '/', 0);
    long dash;
    int lo = 0;
    int hi = 0;
    int rc;

    if (item.len == 0) {
        gf_error_set(GF_EINVALID, "%s has an empty list item", f->name);
        gf_error_hint("separate values with single commas, e.g. 1,15");
        return GF_EINVALID;
    }
    rc = bad_char(f, item);
    if (rc < 0)
        return rc;
    if (slash >= 0) {
        base = gf_slice_sub(item, 0, (size_t)slash);
        rc = parse_step(f, item, gf_slice_sub(item, (size_t)slash + 1, item.len));
        if (rc < 0)
            return rc;
    }
    if (gf_slice_eq_str(base, "*"))
        return 0;
    dash = gf_slice_find(base, '-', 0);
    if (dash < 0)
        return field_value(&lo, f, base);
    if (dash == 0 || (size_t)dash + 1 == base.len) {
        gf_error_set(GF_EINVALID, "%s range '%.*s' lacks a bound", f->name, GF_SLICE_FMT(base));
        gf_error_hint("write a range as low-high, e.g. %s", f->range_text);
        return GF_EINVALID;
    }
    rc = field_value(&lo, f, gf_slice_sub(base, 0, (size_t)dash));
    if (rc == 0)
        rc = field_value(&hi, f, gf_slice_sub(base, (size_t)dash + 1, base.len));
    if (rc < 0)
        return rc;
    if (lo > hi) {
        gf_error_set(GF_EINVALID, "%s range '%.*s' goes backwards", f->name, GF_SLICE_FMT(base));
        gf_error_hint("write the low end first, or split it into two ranges with ','");
        return GF_EINVALID;
    }
    return 0;
}

/* day-of-month: L, LW, nW. Returns 1 if `s` was one of them (checked), 0 if not, < 0 bad. */
static int parse_dom_special(const struct field_def *f, struct gf_slice s)
{
    int day = 0;

    if (gf_slice_eq_str(s, "L") || gf_slice_eq_str(s, "LW"))
        return 1;
    if (s.len >= 2 && s.ptr[s.len - 1] == 'W' && all_digits(gf_slice_sub(s, 0, s.len - 1))) {
        int rc = field_value(&day, f, gf_slice_sub(s, 0, s.len - 1));
        return rc < 0 ? rc : 1;
    }
    return 0;
}

/* day-of-week: L, nL, n#k. Returns 1 if `s` was one of them (checked), 0 if not, < 0 bad. */
static int parse_dow_special(const struct field_def *f, struct gf_slice s)
{
    long hash = gf_slice_find(s, '#', 0);
    struct gf_slice nth;
    int day = 0;
    int64_t k = 0;
    int rc;

    if (gf_slice_eq_str(s, "L"))
        return 1;
    if (hash < 0 && s.len >= 2 && s.ptr[s.len - 1] == 'L') {
        struct gf_slice d = gf_slice_sub(s, 0, s.len - 1);

        if (!all_digits(d) && !(d.len == 3 && is_name(f, d.ptr)))
            return 0;
        rc = field_value(&day, f, d);
        return rc < 0 ? rc : 1;
    }
    if (hash < 0 || memchr(s.ptr, ',', s.len) != NULL || memchr(s.ptr, '-', s.len) != NULL)
        return 0;
    rc = field_value(&day, f, gf_slice_sub(s, 0, (size_t)hash));
    if (rc < 0)
        return rc;
    nth = gf_slice_sub(s, (size_t)hash + 1, s.len);
    if (!all_digits(nth) || gf_slice_to_i64(&k, nth, 1, 5) < 0) {
        gf_error_set(GF_EINVALID, "day-of-week '%.*s': the week after '#' must be 1-5",
                     GF_SLICE_FMT(s));
        gf_error_hint("write day#week, e.g. MON#2 for the second Monday of the month");
        return GF_EINVALID;
    }
    return 1;
}

static int parse_field(const struct field_def *f, struct gf_slice s)
{
    size_t start = 0;
    int rc;

    if (gf_slice_eq_str(s, "?") && (f->ops & OP_QUESTION))
        return 0;
    if (f == &s_fields[F_DOM]) {
        rc = parse_dom_special(f, s);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    if (f == &s_fields[F_DOW]) {
        rc = parse_dow_special(f, s);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    for (;;) {
        long comma = gf_slice_find(s, ',', start);
        size_t end = comma < 0 ? s.len : (size_t)comma;

        rc = parse_item(f, gf_slice_sub(s, start, end - start));
        if (rc < 0)
            return rc;
        if (comma < 0)
            return 0;
        start = end + 1;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Split the inside of cron(...) into fields; *n_out may exceed CRON_FIELDS (counted only). */
static size_t split_fields(struct gf_slice *fields, struct gf_slice body, bool *collapsed)
{
    size_t n = 0;
    size_t i = 0;

    while (i < body.len) {
        size_t start;

        if (is_blank(body.ptr[i])) {
            if (i == 0 || (i + 1 < body.len && is_blank(body.ptr[i + 1])) || body.ptr[i] == '\t' ||
                i + 1 == body.len)
                *collapsed = true;
            i++;
            continue;
        }
        start = i;
        while (i < body.len && !is_blank(body.ptr[i]))
            i++;
        if (n < CRON_FIELDS)
            fields[n] = gf_slice_sub(body, start, i - start);
        n++;
    }
    return n;
}

static int check_day_fields(struct gf_slice *fields, struct gf_schedule_info *info)
{
    bool dom_q = gf_slice_eq_str(fields[F_DOM], "?");
    bool dow_q = gf_slice_eq_str(fields[F_DOW], "?");

    if (dom_q && dow_q) {
        gf_error_set(GF_EINVALID, "day-of-month and day-of-week are both '?'");
        gf_error_hint("keep '?' in one of them and set the other, e.g. " CRON_EXAMPLE);
        return GF_EINVALID;
    }
    if (dom_q || dow_q)
        return 0;
    if (gf_slice_eq_str(fields[F_DOM], "*") && gf_slice_eq_str(fields[F_DOW], "*")) {
        fields[F_DOW] = GF_SLICE_LIT("?"); /* FargateStack's rewrite (§6.11) */
        info->dow_normalised = true;
        return 0;
    }
    gf_error_set(GF_EINVALID, "day-of-month '%.*s' and day-of-week '%.*s' are both set",
                 GF_SLICE_FMT(fields[F_DOM]), GF_SLICE_FMT(fields[F_DOW]));
    if (gf_slice_eq_str(fields[F_DOM], "*"))
        gf_error_hint("EventBridge needs '?' in one of them: write '?' for day-of-month");
    else if (gf_slice_eq_str(fields[F_DOW], "*"))
        gf_error_hint("EventBridge needs '?' in one of them: write '?' for day-of-week");
    else
        gf_error_hint("EventBridge needs '?' in day-of-month or in day-of-week");
    return GF_EINVALID;
}

static int check_cron(struct gf_buf *out, struct gf_schedule_info *info, struct gf_slice body)
{
    struct gf_slice fields[CRON_FIELDS];
    size_t n = split_fields(fields, body, &info->space_normalised);
    int rc;

    if (n != CRON_FIELDS) {
        gf_error_set(GF_EINVALID,
                     "cron needs 6 fields (minutes hours day-of-month month day-of-week year), "
                     "found %zu",
                     n);
        gf_error_hint(
            n == 5 ? "EventBridge cron has a year field: add ' *' at the end, e.g. " CRON_EXAMPLE
                   : "write the 6 fields separated by spaces, e.g. " CRON_EXAMPLE);
        return GF_EINVALID;
    }
    for (size_t i = 0; i < CRON_FIELDS; i++) {
        rc = parse_field(&s_fields[i], fields[i]);
        if (rc < 0)
            return rc;
    }
    rc = check_day_fields(fields, info);
    if (rc < 0)
        return rc;
    gf_buf_puts(out, "cron(");
    for (size_t i = 0; i < CRON_FIELDS; i++)
        gf_buf_printf(out, "%s%.*s", i > 0 ? " " : "", GF_SLICE_FMT(fields[i]));
    gf_buf_putc(out, ')');
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

static const char *rate_singular(struct gf_slice unit)
{
    static const char *const units[] = {"minute", "hour", "day"};
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(units[i]);
        if (unit.len >= len && unit.len <= len + 1 && strncmp(unit.ptr, units[i], len) == 0 &&
            (unit.len == len || unit.ptr[len] == 's'))
            return units[i];
    }
    return NULL;
}

static int check_rate(struct gf_buf *out, struct gf_schedule_info *info, struct gf_slice body)
{
    struct gf_slice parts[CRON_FIELDS];
    size_t n = split_fields(parts, body, &info->space_normalised);
    const char *unit = NULL;
    int64_t value = 0;

    if (n != 2) {
        gf_error_set(GF_EINVALID, "rate needs a number and a unit, found %zu words", n);
        gf_error_hint("write rate(<number> <unit>), e.g. rate(5 minutes) or rate(1 hour)");
        return GF_EINVALID;
    }
    if (!all_digits(parts[0]) || parts[0].ptr[0] == '0' ||
        gf_slice_to_i64(&value, parts[0], 1, INT32_MAX) < 0) {
        gf_error_set(GF_EINVALID, "rate value '%.*s' is not a positive whole number",
                     GF_SLICE_FMT(parts[0]));
        gf_error_hint("write a number from 1 without leading zeros, e.g. rate(5 minutes)");
        return GF_EINVALID;
    }
    unit = rate_singular(parts[1]);
    if (unit == NULL) {
        gf_error_set(GF_EINVALID, "rate unit '%.*s' is not minute(s), hour(s) or day(s)",
                     GF_SLICE_FMT(parts[1]));
        gf_error_hint("use minute, hour or day for 1 and minutes, hours or days for more");
        return GF_EINVALID;
    }
    bool plural = parts[1].len > strlen(unit);
    if (plural != (value > 1)) {
        gf_error_set(GF_EINVALID, "rate(%.*s %.*s) needs the %s unit", GF_SLICE_FMT(parts[0]),
                     GF_SLICE_FMT(parts[1]), value > 1 ? "plural" : "singular");
        gf_error_hint("write rate(%.*s %s%s)", GF_SLICE_FMT(parts[0]), unit, value > 1 ? "s" : "");
        return GF_EINVALID;
    }
    gf_buf_printf(out, "rate(%.*s %.*s)", GF_SLICE_FMT(parts[0]), GF_SLICE_FMT(parts[1]));
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

/* Two digits at s[off] into *out, within [lo, hi]; false otherwise. */
static bool two_digits(int *out, const char *s, size_t off, int lo, int hi)
{
    if (s[off] < '0' || s[off] > '9' || s[off + 1] < '0' || s[off + 1] > '9')
        return false;
    *out = (s[off] - '0') * 10 + (s[off + 1] - '0');
    return *out >= lo && *out <= hi;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

static int check_at(struct gf_buf *out, struct gf_slice body)
{
    const char *s = body.ptr;
    int y_hi = 0, y_lo = 0, mon = 0, day = 0, h = 0, min = 0, sec = 0;
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";

    for (size_t i = 0; i < sizeof(shape) - 1 && body.len == sizeof(shape) - 1; i++) {
        if (shape[i] != 'd' && s[i] != shape[i])
            goto shape;
    }
    if (body.len != sizeof(shape) - 1 || !two_digits(&y_hi, s, 0, 0, 99) ||
        !two_digits(&y_lo, s, 2, 0, 99) || !two_digits(&mon, s, 5, 0, 99) ||
        !two_digits(&day, s, 8, 0, 99) || !two_digits(&h, s, 11, 0, 99) ||
        !two_digits(&min, s, 14, 0, 99) || !two_digits(&sec, s, 17, 0, 99))
        goto shape;
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(y_hi * 100 + y_lo, mon)) {
        gf_error_set(GF_EINVALID, "at() date '%.10s' does not exist", s);
        gf_error_hint("use a real calendar date as yyyy-mm-dd");
        return GF_EINVALID;
    }
    if (h > 23 || min > 59 || sec > 59) {
        gf_error_set(GF_EINVALID, "at() time '%.8s' is out of range", s + 11);
        gf_error_hint("write the time as hh:mm:ss with hh 00-23, mm and ss 00-59");
        return GF_EINVALID;
    }
    gf_buf_printf(out, "at(%.*s)", GF_SLICE_FMT(body));
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
shape:
    gf_error_set(GF_EINVALID, "at() needs yyyy-mm-ddThh:mm:ss, got '%.*s'", GF_SLICE_FMT(body));
    gf_error_hint("write e.g. at(2030-01-31T12:00:00)");
    return GF_EINVALID;
}

int gf_schedule_check(struct gf_buf *out, struct gf_schedule_info *info_out, const char *expr)
{
    struct gf_schedule_info info = {0};
    struct gf_slice e = gf_slice_trim(gf_slice_from(expr));
    struct gf_slice body;
    size_t open;
    int rc;

    gf_buf_clear(out);
    if (e.len != strlen(expr))
        info.space_normalised = true;
    if (e.len > SCHEDULE_MAX_LEN) {
        gf_error_set(GF_EINVALID, "schedule is %zu characters long, the limit is %d", e.len,
                     SCHEDULE_MAX_LEN);
        return GF_EINVALID;
    }
    if (gf_slice_starts_with(e, "cron(")) {
        info.kind = GF_SCHEDULE_CRON;
        open = 5;
    } else if (gf_slice_starts_with(e, "rate(")) {
        info.kind = GF_SCHEDULE_RATE;
        open = 5;
    } else if (gf_slice_starts_with(e, "at(")) {
        info.kind = GF_SCHEDULE_AT;
        open = 3;
    } else {
        gf_error_set(GF_EINVALID, "schedule '%.*s' is not cron(...), rate(...) or at(...)",
                     GF_SLICE_FMT(e));
        gf_error_hint("write e.g. " CRON_EXAMPLE ", rate(5 minutes) or at(2030-01-31T12:00:00)");
        return GF_EINVALID;
    }
    if (!gf_slice_ends_with(e, ")") || gf_slice_find(e, ')', 0) != (long)e.len - 1) {
        gf_error_set(GF_EINVALID, "schedule '%.*s' must end with its only ')'", GF_SLICE_FMT(e));
        gf_error_hint("close the expression with ')' and put nothing after it");
        return GF_EINVALID;
    }
    body = gf_slice_sub(e, open, e.len - open - 1);
    if (info.kind == GF_SCHEDULE_CRON)
        rc = check_cron(out, &info, body);
    else if (info.kind == GF_SCHEDULE_RATE)
        rc = check_rate(out, &info, body);
    else
        rc = check_at(out, body);
    if (rc < 0) {
        gf_buf_clear(out);
        return rc;
    }
    if (info_out != NULL)
        *info_out = info;
    return 0;
}
