/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile_diff_test.c: the planner's generic comparison (reconcile/diff.c): only what the
 * stack asks for is compared, values known only after apply match anything, objects are
 * compared member by member so the plan names the field, numbers compare by value. */
#include <jansson.h>
#include <string.h>

#include "common/alloc.h"
#include "reconcile/rc_internal.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

static size_t diff_of(struct gf_rc_res *r, const char *want, const char *have)
{
    memset(r, 0, sizeof(*r));
    r->desired = json_loads(want, 0, NULL);
    r->actual = json_loads(have, 0, NULL);
    cr_assert(r->desired && r->actual);
    gf_cr_ok(gf_rc_diff(r));
    return json_array_size(r->diffs);
}

static void release(struct gf_rc_res *r)
{
    json_decref(r->desired);
    json_decref(r->actual);
    json_decref(r->diffs);
    gf_free(r->reason);
}

Test(reconcile_diff, members_aws_adds_are_ignored)
{
    struct gf_rc_res r;

    cr_expect_eq(diff_of(&r, "{\"name\":\"a\",\"days\":14}",
                         "{\"name\":\"a\",\"days\":14,\"arn\":\"x\",\"storedBytes\":0}"),
                 0);
    cr_expect_null(r.reason);
    release(&r);
}

Test(reconcile_diff, a_changed_member_is_named_with_both_values)
{
    struct gf_rc_res r;
    const json_t *d;

    cr_assert_eq(diff_of(&r, "{\"name\":\"a\",\"cfg\":{\"days\":30,\"on\":true}}",
                         "{\"name\":\"a\",\"cfg\":{\"days\":14,\"on\":true}}"),
                 1);
    d = json_array_get(r.diffs, 0);
    cr_expect_str_eq(json_string_value(json_object_get(d, "field")), "cfg.days");
    cr_expect_eq(json_integer_value(json_object_get(d, "want")), 30);
    cr_expect_eq(json_integer_value(json_object_get(d, "have")), 14);
    cr_expect_str_eq(r.reason, "cfg.days 14 -> 30");
    release(&r);
}

Test(reconcile_diff, a_missing_member_differs_from_any_value)
{
    struct gf_rc_res r;

    cr_assert_eq(diff_of(&r, "{\"retentionInDays\":14}", "{}"), 1);
    cr_expect_str_eq(r.reason, "retentionInDays (none) -> 14");
    release(&r);
}

Test(reconcile_diff, unknown_values_match_anything_even_inside_lists)
{
    struct gf_rc_res r;

    cr_expect_eq(diff_of(&r, "{\"vpc\":\"" GF_RC_UNKNOWN "\",\"sgs\":[\"" GF_RC_UNKNOWN "\"]}",
                         "{\"vpc\":\"vpc-1\",\"sgs\":[\"sg-1\"]}"),
                 0);
    release(&r);
    cr_expect_eq(diff_of(&r, "{\"sgs\":[\"" GF_RC_UNKNOWN "\"]}", "{\"sgs\":[\"sg-1\",\"sg-2\"]}"),
                 1, "a list of another length differs");
    release(&r);
}

Test(reconcile_diff, numbers_compare_by_value_and_lists_in_order)
{
    struct gf_rc_res r;

    cr_expect_eq(diff_of(&r, "{\"cpu\":256}", "{\"cpu\":256.0}"), 0);
    release(&r);
    cr_expect_eq(diff_of(&r, "{\"l\":[1,2]}", "{\"l\":[2,1]}"), 1);
    release(&r);
}

Test(reconcile_diff, the_reason_lists_three_fields_and_counts_the_rest)
{
    struct gf_rc_res r;

    cr_assert_eq(diff_of(&r, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}",
                         "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0}"),
                 5);
    cr_expect(strstr(r.reason, "a 0 -> 1, b 0 -> 2, c 0 -> 3 and 2 more"), "reason: %s", r.reason);
    release(&r);
}
