/* SPDX-License-Identifier: Apache-2.0 */
/* common_test.c: the base layer: buffers, slices, errors, logging, clock. */
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/uri.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

Test(common_buf, starts_empty_and_never_null)
{
    struct gf_buf b = GF_BUF_INIT;

    cr_assert_not_null(b.ptr);
    cr_assert_str_eq(b.ptr, "");
    gf_buf_release(&b);
    cr_assert_str_eq(b.ptr, "");
}

Test(common_buf, appends_and_formats)
{
    struct gf_buf b = GF_BUF_INIT;
    int i;

    gf_cr_ok(gf_buf_puts(&b, "arn:aws:logs:"));
    gf_cr_ok(gf_buf_printf(&b, "%s:%d", "us-east-1", 123));
    gf_cr_ok(gf_buf_put_slice(&b, GF_SLICE_LIT(":x")));
    cr_assert_str_eq(b.ptr, "arn:aws:logs:us-east-1:123:x");
    for (i = 0; i < 1000; i++)
        gf_cr_ok(gf_buf_putc(&b, 'a'));
    cr_assert_eq(b.len, 28 + 1000);
    cr_assert_eq(b.ptr[b.len], '\0');
    gf_buf_release(&b);
}

Test(common_buf, fails_sticky_past_max)
{
    struct gf_buf b;

    gf_buf_init(&b, 8);
    gf_cr_ok(gf_buf_puts(&b, "12345678"));
    gf_cr_fails(GF_ENOMEM, gf_buf_puts(&b, "9"));
    cr_assert(gf_buf_failed(&b));
    cr_assert_str_eq(b.ptr, "");
    gf_cr_fails(GF_ENOMEM, gf_buf_puts(&b, "x"));
    cr_assert_null(gf_buf_detach(&b));
    gf_buf_release(&b);
}

Test(common_buf, fails_sticky_on_oom)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_alloc_failing_install(0);
    gf_cr_fails(GF_ENOMEM, gf_buf_puts(&b, "hello"));
    gf_alloc_set(NULL);
    cr_assert(gf_buf_failed(&b));
    cr_assert_str_eq(gf_error_last()->msg, "out of memory");
    gf_buf_clear(&b);
    gf_cr_ok(gf_buf_puts(&b, "usable again"));
    gf_buf_release(&b);
}

Test(common_buf, detach_hands_over)
{
    struct gf_buf b = GF_BUF_INIT;
    char *p;

    gf_cr_ok(gf_buf_puts(&b, "owned"));
    p = gf_buf_detach(&b);
    cr_assert_str_eq(p, "owned");
    cr_assert_str_eq(b.ptr, "");
    gf_free(p);
}

Test(common_slice, compares_and_parses)
{
    struct gf_slice s = gf_slice_from("  cron(0 2 * * ? *)  ");
    int64_t v = 0;

    s = gf_slice_trim(s);
    cr_assert(gf_slice_starts_with(s, "cron("));
    cr_assert(gf_slice_ends_with(s, ")"));
    cr_assert_eq(gf_slice_find(s, '(', 0), 4);
    cr_assert(gf_slice_eq_str(gf_slice_sub(s, 0, 4), "cron"));
    gf_cr_ok(gf_slice_to_i64(&v, gf_slice_from("345600"), 60, 1209600));
    cr_assert_eq(v, 345600);
    cr_assert_eq(gf_slice_to_i64(&v, gf_slice_from("59"), 60, 1209600), GF_EINVALID);
    cr_assert_eq(gf_slice_to_i64(&v, gf_slice_from("12a"), 0, 100), GF_EINVALID);
    cr_assert_eq(gf_slice_to_i64(&v, gf_slice_from(""), 0, 100), GF_EINVALID);
}

Test(common_error, set_clears_details_and_formats)
{
    struct gf_buf out = GF_BUF_INIT;
    struct gf_error copy;

    gf_error_set(GF_EINVALID, "unknown task type '%s'", "cronjob");
    gf_error_where("%s:%d:%d", "stacks/api.yml", 14, 9);
    gf_error_key("tasks.web.type");
    gf_error_hint("use one of: task, daemon, http, https");
    gf_error_copy(&copy, gf_error_last());
    gf_cr_ok(gf_error_format(&out, &copy));
    cr_assert_str_eq(out.ptr, "stacks/api.yml:14:9: error: unknown task type 'cronjob' (use one "
                              "of: task, daemon, http, https)");
    cr_assert_eq(gf_error_set(GF_ENOTFOUND, "x"), GF_ENOTFOUND);
    cr_assert_str_eq(gf_error_last()->where, "");
    cr_assert_eq(gf_error_restore(&copy), GF_EINVALID);
    cr_assert_str_eq(gf_error_last()->key, "tasks.web.type");
    gf_buf_release(&out);
}

Test(common_log, renders_one_json_object_per_line)
{
    char line[512];

    gf_log_set_run("r-7f3a");
    gf_log_render(line, sizeof(line), true, false, 1795426867215LL, GF_LOG_INFO, "apply",
                  "action done",
                  (const struct gf_log_field[]){GF_F_STR("kind", "service"),
                                                GF_F_STR("key", "api \"web\"\n"),
                                                GF_F_INT("latency_ms", 412), GF_F_END});
    cr_assert_str_eq(line, "{\"ts\":\"2026-11-23T09:41:07.215Z\",\"level\":\"info\",\"mod\":"
                           "\"apply\",\"msg\":\"action done\",\"run\":\"r-7f3a\",\"kind\":"
                           "\"service\",\"key\":\"api \\\"web\\\"\\n\",\"latency_ms\":412}\n");
    gf_log_set_run(NULL);
}

Test(common_log, renders_a_short_human_line)
{
    char line[512];

    gf_log_render(line, sizeof(line), false, false, 1795426867215LL, GF_LOG_WARN, "state",
                  "retention defaulted",
                  (const struct gf_log_field[]){GF_F_INT("retention_days", 14),
                                                GF_F_STR("where", "a b"), GF_F_END});
    cr_assert_str_eq(line, "09:41:07.215 warn  state: retention defaulted retention_days=14 "
                           "where=\"a b\"\n");
}

Test(common_log, levels_parse)
{
    cr_assert_eq(gf_log_level_parse("TRACE"), GF_LOG_TRACE);
    cr_assert_eq(gf_log_level_parse("warning"), GF_LOG_WARN);
    cr_assert_eq(gf_log_level_parse("loud"), -1);
}

Test(common_clock, formats_and_parses_utc)
{
    char s[32];
    int64_t ms = 0;

    gf_time_amz(s, sizeof(s), 1440938160000LL);
    cr_assert_str_eq(s, "20150830T123600Z");
    gf_time_iso8601(s, sizeof(s), 1440938160000LL, 0);
    cr_assert_str_eq(s, "2015-08-30T12:36:00Z");
    gf_cr_ok(gf_time_parse_iso8601(&ms, "2015-08-30T12:36:00Z"));
    cr_assert_eq(ms, 1440938160000LL);
    gf_cr_ok(gf_time_parse_iso8601(&ms, "2015-08-30T14:36:00.5+02:00"));
    cr_assert_eq(ms, 1440938160500LL);
    cr_assert_eq(gf_time_parse_iso8601(&ms, "2015-08-30 12:36:00"), GF_EINVALID);
    cr_assert_eq(gf_time_parse_iso8601(&ms, "2015-13-30T12:36:00Z"), GF_EINVALID);
}

Test(common_clock, fixed_clock_advances_on_sleep)
{
    struct gf_clock_fixed c;

    gf_clock_fixed_init(&c, 1000);
    c.clock.sleep_ms(c.clock.payload, 250);
    cr_assert_eq(gf_clock_wall_ms(&c.clock), 1250);
}

Test(common_uri, encodes_the_unreserved_set_and_keeps_what_is_asked)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_uri_encode(&b, gf_slice_from("a b/c~d*é"), NULL, 0));
    cr_assert_str_eq(b.ptr, "a%20b%2Fc~d%2A%C3%A9");
    gf_buf_clear(&b);
    gf_cr_ok(gf_uri_encode(&b, gf_slice_from("/a b/c"), "/", GF_URI_PLUS_SPACE));
    cr_assert_str_eq(b.ptr, "/a+b/c");
    gf_buf_release(&b);
}

Test(common_uri, decodes_leniently_or_strictly)
{
    struct gf_buf b = GF_BUF_INIT;

    gf_cr_ok(gf_uri_decode(&b, gf_slice_from("a%20b+c%2"), 0));
    cr_assert_str_eq(b.ptr, "a b+c%2");
    gf_buf_clear(&b);
    gf_cr_ok(gf_uri_decode(&b, gf_slice_from("a%2fb+c"), GF_URI_STRICT | GF_URI_PLUS_SPACE));
    cr_assert_str_eq(b.ptr, "a/b c");
    gf_buf_clear(&b);
    gf_cr_fails(GF_EINVALID, gf_uri_decode(&b, gf_slice_from("100%zz"), GF_URI_STRICT));
    cr_assert_str_eq(gf_error_last()->msg, "bad percent escape in '100%zz'");
    cr_assert_eq(gf_hex_value('F'), 15);
    cr_assert_eq(gf_hex_value('g'), -1);
    gf_buf_release(&b);
}
