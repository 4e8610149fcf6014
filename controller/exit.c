/* SPDX-License-Identifier: Apache-2.0 */
/* exit.c: GF_E* codes to exit statuses, the one table (controller/exit.h). */
#include "common/error.h"
#include "controller/exit.h"
#include "common/banned.h"

int gf_exit_from_error(int code)
{
    static const struct {
        int code;
        int status;
    } table[] = {
        {GF_OK, GF_EXIT_OK},
        {GF_ERROR, GF_EXIT_FAILURE},
        {GF_ENOMEM, GF_EXIT_FAILURE},
        {GF_EINVALID, GF_EXIT_FAILURE},
        {GF_ENOTFOUND, GF_EXIT_FAILURE},
        {GF_ECONFLICT, GF_EXIT_CONFLICT},
        {GF_ERETRY, GF_EXIT_TEMPFAIL},
        {GF_EAUTH, GF_EXIT_NOPERM},
    };
    unsigned i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].code == code)
            return table[i].status;
    }
    return GF_EXIT_FAILURE;
}
