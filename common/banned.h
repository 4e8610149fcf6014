/* SPDX-License-Identifier: Apache-2.0 */
/* banned.h: functions that invite overflow, hidden state or silent failure.
 * Included (via gf_common.h) by every source file; using one is a compile error.
 * Use gf_buf_printf, strtoll/gf_parse_i64, gmtime_r, localtime_r instead. */
#ifndef GF_BANNED_H
#define GF_BANNED_H

#define GF_BANNED(func) sorry_##func##_is_banned_in_gitfargate

#undef strcpy
#define strcpy(x, y) GF_BANNED(strcpy)
#undef strcat
#define strcat(x, y) GF_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) GF_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) GF_BANNED(strncat)
#undef sprintf
#define sprintf(...) GF_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GF_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) GF_BANNED(strtok)
#undef gmtime
#define gmtime(t) GF_BANNED(gmtime)
#undef localtime
#define localtime(t) GF_BANNED(localtime)
#undef ctime
#define ctime(t) GF_BANNED(ctime)
#undef asctime
#define asctime(t) GF_BANNED(asctime)
#undef atoi
#define atoi(x) GF_BANNED(atoi)
#undef atol
#define atol(x) GF_BANNED(atol)

#endif
