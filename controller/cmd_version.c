/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_version.c: `gitfargate version`: the version and the libraries it was built with. */
#include <curl/curlver.h>
#include <git2/version.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/opensslv.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "controller/cmd.h"
#include "controller/exit.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_version;

static int version_run(int argc, char **argv, const struct gf_cli *cli)
{
    (void)cli;
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--short") != 0))
        return gf_cmd_usage_error(&gf_cmd_version, "unexpected argument '%s'", argv[1]);
    printf("gitfargate %s\n", GF_VERSION);
    if (argc == 2)
        return GF_EXIT_OK;
    printf("libyaml %s, jansson %s, sqlite %s, libcurl %s, %s, libgit2 %d.%d.%d, "
           "libmicrohttpd %s\n",
           yaml_get_version_string(), JANSSON_VERSION, sqlite3_libversion(), LIBCURL_VERSION,
           OPENSSL_VERSION_TEXT, LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR, LIBGIT2_VER_REVISION,
           MHD_get_version());
    return GF_EXIT_OK;
}

const struct gf_cmd gf_cmd_version = {
    .name = "version",
    .summary = "print the version of gitfargate and of the libraries it was built with",
    .usage = "gitfargate version [--short]",
    .help = "Options:\n  --short   only the first line\n",
    .run = version_run,
};
