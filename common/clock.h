/* SPDX-License-Identifier: Apache-2.0 */
/* clock.h: time, injected. Code that needs "now" takes a const struct gf_clock * (tests pass a
 * fixed one, e.g. the SigV4 vectors' 2015-08-30T12:36:00Z), and time formatting lives here. */
#ifndef GF_CLOCK_H
#define GF_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct gf_clock {
    int64_t (*wall_ms)(void *payload);      /* Unix epoch milliseconds, UTC */
    int64_t (*mono_ms)(void *payload);      /* monotonic milliseconds, for intervals */
    void (*sleep_ms)(void *payload, int64_t ms);
    void *payload;
};

/* The real clock (borrowed, static). */
const struct gf_clock *gf_clock_system(void);

/* A clock frozen at `wall_ms` whose sleep advances it: fill caller storage. */
struct gf_clock_fixed {
    struct gf_clock clock;
    int64_t now_ms;
};
void gf_clock_fixed_init(struct gf_clock_fixed *fixed, int64_t wall_ms);

static inline int64_t gf_clock_wall_ms(const struct gf_clock *c)
{
    return c->wall_ms(c->payload);
}

static inline int64_t gf_clock_mono_ms(const struct gf_clock *c)
{
    return c->mono_ms(c->payload);
}

/* "2026-11-23T09:41:07.215Z" (with_ms) or "2026-11-23T09:41:07Z"; out needs 25 bytes. */
void gf_time_iso8601(char *out, size_t size, int64_t epoch_ms, int with_ms);
/* "20150830T123600Z" (SigV4's X-Amz-Date); out needs 17 bytes. */
void gf_time_amz(char *out, size_t size, int64_t epoch_ms);
/* Parse ISO 8601 UTC ("2015-08-30T12:36:00Z", optional fraction, "+00:00" offsets) to epoch ms;
 * GF_EINVALID if it is not one. */
int gf_time_parse_iso8601(int64_t *out_ms, const char *s);

#endif
