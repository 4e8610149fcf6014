/* SPDX-License-Identifier: Apache-2.0 */
/* exit.h: process exit statuses, in one table (docs/exit-codes.md documents it). */
#ifndef GF_EXIT_H
#define GF_EXIT_H

enum gf_exit {
    GF_EXIT_OK = 0,           /* success; for plan --detailed-exitcode: no changes */
    GF_EXIT_FAILURE = 1,      /* invalid input, failed apply, not found, anything else */
    GF_EXIT_CHANGES = 2,      /* plan --detailed-exitcode: changes pending */
    GF_EXIT_CONFLICT = 3,     /* state moved under us (push race, resource exists elsewhere) */
    GF_EXIT_USAGE = 64,       /* bad command line */
    GF_EXIT_SOFTWARE = 70,    /* internal error: a bug in gitfargate */
    GF_EXIT_TEMPFAIL = 75,    /* throttled, unreachable, busy or locked after retries */
    GF_EXIT_NOPERM = 77,      /* credentials missing or rejected, permission denied */
};

/* The exit status for a failed call's GF_E* code (0 maps to GF_EXIT_OK). */
int gf_exit_from_error(int code);

#endif
