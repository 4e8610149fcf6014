/* SPDX-License-Identifier: Apache-2.0 */
/* schedule.h: EventBridge schedule expressions (cron, rate, at) checked as AWS defines them,
 * not with FargateStack's lax checker (reference/fargatestack-behaviour.md §12.2). Used by
 * state/validate.c for tasks.<t>.schedule; pure functions, no I/O, no clock.
 *
 * Rules (EventBridge "Schedule expressions for rules"):
 *   cron(minutes hours day-of-month month day-of-week year)
 *     minutes 0-59, hours 0-23 ........ , - * /
 *     day-of-month 1-31 ............... , - * / ? L W (nW, L, LW)
 *     month 1-12 or JAN-DEC ........... , - * /
 *     day-of-week 1-7 or SUN-SAT ...... , - * ? L # (L, nL, n#k with k 1-5)
 *     year 1970-2199 .................. , - * /
 *   ranges low <= high inside the field, steps 1..field maximum; exactly one of day-of-month
 *   and day-of-week is `?`, except that both `*` (as FargateStack's README writes it) is
 *   rewritten to day-of-week `?` (as FargateStack does) and reported as normalised.
 *   rate(N unit): N a positive integer without leading zeros; unit minute|hour|day for N = 1,
 *   minutes|hours|days for N > 1.
 *   at(yyyy-mm-ddThh:mm:ss): a real calendar date-time (whether it is in the past is not
 *   checked here: that needs a clock).
 * Names (JAN, MON) are accepted in any case. Runs of blanks between cron fields are accepted
 * and written back as one space. */
#ifndef GF_SCHEDULE_H
#define GF_SCHEDULE_H

#include <stdbool.h>

#include "common/buf.h"

enum gf_schedule_kind {
    GF_SCHEDULE_CRON = 1,
    GF_SCHEDULE_RATE,
    GF_SCHEDULE_AT,
};

/* What gf_schedule_check learnt besides the normalised text. */
struct gf_schedule_info {
    enum gf_schedule_kind kind;
    bool dow_normalised;   /* cron had `*` in both day fields: day-of-week became `?` */
    bool space_normalised; /* blanks were collapsed or trimmed */
};

/* Check one schedule expression.
 * out:  cleared, then receives the normalised expression (the same text when nothing changed).
 * info_out: kind and what was normalised (may be NULL).
 * Returns 0, or GF_EINVALID with the gf_error's msg saying which field is wrong and why
 * ("day-of-week value 8 out of range 1-7 or SUN-SAT") and its hint how to write it, or
 * GF_ENOMEM. Does not block. */
int gf_schedule_check(struct gf_buf *out, struct gf_schedule_info *info_out, const char *expr);

#endif
