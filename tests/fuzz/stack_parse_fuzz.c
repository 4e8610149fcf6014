/* SPDX-License-Identifier: Apache-2.0 */
/* stack_parse_fuzz.c: libFuzzer target for the stack parser (untrusted bytes from git).
 * Parses; when that gives a model, emits it, parses the emission and emits again, and aborts
 * if the two emissions differ or the emission does not parse (the round-trip property). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "state/stack.h"

#include "common/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct gf_buf *a, const struct gf_buf *b)
{
    fprintf(stderr, "stack_parse_fuzz: %s\n--- first\n%s\n--- second\n%s\n", what, a->ptr,
            b ? b->ptr : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gf_stack *m = NULL;
    struct gf_stack *again = NULL;
    struct gf_diags diags;
    struct gf_buf first = GF_BUF_INIT;
    struct gf_buf second = GF_BUF_INIT;
    struct gf_buf text = GF_BUF_INIT;

    gf_diags_init(&diags);
    if (gf_stack_parse(&m, &diags, "fuzz.yml", gf_slice_make((const char *)data, size)) < 0)
        goto out;
    gf_diags_format(&text, &diags, "fuzz.yml");
    if (gf_stack_emit(&first, m) < 0)
        goto out; /* only a value that is not UTF-8 (impossible from parse) or OOM */
    gf_diags_release(&diags);
    gf_diags_init(&diags);
    if (gf_stack_parse(&again, &diags, "fuzz.yml", gf_buf_slice(&first)) < 0)
        fail("emission does not parse", &first, NULL);
    if (diags.n_errors)
        fail("emission parses with errors", &first, NULL);
    if (gf_stack_emit(&second, again) < 0)
        fail("second emission failed", &first, NULL);
    if (first.len != second.len || memcmp(first.ptr, second.ptr, first.len) != 0)
        fail("emissions differ", &first, &second);
out:
    gf_stack_free(m);
    gf_stack_free(again);
    gf_diags_release(&diags);
    gf_buf_release(&first);
    gf_buf_release(&second);
    gf_buf_release(&text);
    return 0;
}
