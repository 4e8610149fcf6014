/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_whoami.c: `gitfargate whoami`: who AWS thinks we are (STS GetCallerIdentity), in which
 * region, and where the credentials came from: the first thing to run when a call is denied. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/svc_sts.h"
#include "common/error.h"
#include "controller/cmd.h"
#include "controller/exit.h"
#include "common/banned.h"

extern const struct gf_cmd gf_cmd_whoami;

enum out_format { OUT_TEXT, OUT_JSON };

static void print_text(const struct gf_sts_identity *id, struct gf_aws_client *client,
                       const struct gf_creds *creds)
{
    printf("account:     %s\n", id->account);
    printf("arn:         %s\n", id->arn);
    printf("user id:     %s\n", id->user_id ? id->user_id : "");
    printf("region:      %s (from %s)\n", gf_aws_client_region(client),
           gf_aws_client_region_source(client));
    printf("profile:     %s\n", gf_aws_client_profile(client));
    printf("credentials: %s\n", creds->source ? creds->source : "unknown");
}

static void print_json(const struct gf_sts_identity *id, struct gf_aws_client *client,
                       const struct gf_creds *creds)
{
    json_t *o = json_object();

    json_object_set_new(o, "account", json_string(id->account));
    json_object_set_new(o, "arn", json_string(id->arn));
    json_object_set_new(o, "user_id", json_string(id->user_id ? id->user_id : ""));
    json_object_set_new(o, "region", json_string(gf_aws_client_region(client)));
    json_object_set_new(o, "region_source", json_string(gf_aws_client_region_source(client)));
    json_object_set_new(o, "profile", json_string(gf_aws_client_profile(client)));
    json_object_set_new(o, "credentials_source",
                        json_string(creds->source ? creds->source : "unknown"));
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("\n");
    json_decref(o);
}

static int parse_args(enum out_format *format, int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    int c;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return gf_cmd_usage_error(&gf_cmd_whoami, "unknown option '%s'", argv[optind - 1]);
        if (strcmp(optarg, "text") == 0)
            *format = OUT_TEXT;
        else if (strcmp(optarg, "json") == 0)
            *format = OUT_JSON;
        else
            return gf_cmd_usage_error(&gf_cmd_whoami, "unknown format '%s' (use text or json)",
                                      optarg);
    }
    if (optind < argc)
        return gf_cmd_usage_error(&gf_cmd_whoami, "unexpected argument '%s'", argv[optind]);
    return GF_EXIT_OK;
}

static int whoami_run(int argc, char **argv, const struct gf_cli *cli)
{
    struct gf_aws_client_opts opts = GF_AWS_CLIENT_OPTS_INIT;
    struct gf_aws_client *client = NULL;
    struct gf_sts_identity id = {NULL, NULL, NULL};
    struct gf_creds creds = GF_CREDS_INIT;
    enum out_format format = OUT_TEXT;
    int status;

    status = parse_args(&format, argc, argv);
    if (status != GF_EXIT_OK)
        return status;
    opts.profile = cli->profile;
    opts.region = cli->region;
    if (gf_aws_client_new(&client, &opts) < 0 || gf_aws_client_creds(&creds, client) < 0 ||
        gf_sts_get_caller_identity(&id, client) < 0) {
        status = gf_cmd_fail();
        goto out;
    }
    if (format == OUT_TEXT)
        print_text(&id, client, &creds);
    else
        print_json(&id, client, &creds);
out:
    gf_sts_identity_release(&id);
    gf_creds_release(&creds);
    gf_aws_client_free(client);
    return status;
}

const struct gf_cmd gf_cmd_whoami = {
    .name = "whoami",
    .summary = "show the AWS account, identity, region and credentials source in use",
    .usage = "gitfargate whoami [--format text|json]",
    .help = "Calls STS GetCallerIdentity with the credentials gitfargate would use and prints\n"
            "the account, the ARN and user id of the caller, the region and where it was set,\n"
            "the profile, and which source of the credentials chain answered (env, profile\n"
            "NAME, assume-role ROLE, web-identity, process, container, instance).\n"
            "Run it first when AWS denies a call.\n\n"
            "Options:\n"
            "  -f, --format text|json  text (default) or one JSON object\n\n"
            "Honours -p/--profile, -r/--region, the AWS_* environment variables, the shared\n"
            "config and credentials files, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS.\n"
            "Exit status: 0 success, 77 no or rejected credentials, 75 throttled or\n"
            "unreachable, 1 other errors (no region, bad config), 64 usage error.\n",
    .run = whoami_run,
};
