/* SPDX-License-Identifier: Apache-2.0 */
/* svc_efs_test.c: aws/svc_efs.c against local-aws and moto (file systems, creation-token
 * conflicts, tags, mount targets, the preflight's VPC check), and local-aws's EFS strictness:
 * 404/409 codes, the lazy creating -> available lifecycle, one mount target per zone. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "aws/svc_efs.h"
#include "tests/testlib/awsbackend.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

static struct gf_test_aws s_b;

static void fini(void)
{
    gf_test_aws_stop(&s_b);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Poll until the file system is available (local-aws: ~200 ms; moto: at once). */
static void wait_available(struct gf_test_aws *b, const char *fs_id)
{
    json_t *fs = NULL;
    int i;

    for (i = 0; i < 100; i++) {
        gf_cr_ok(gf_efs_describe_file_system(&fs, b->client, fs_id));
        if (strcmp(gf_test_json_str(fs, "LifeCycleState"), "available") == 0) {
            json_decref(fs);
            return;
        }
        json_decref(fs);
        sleep_ms(50);
    }
    cr_assert_fail("file system %s never became available", fs_id);
}

/* A VPC with two subnets in one zone, through EC2; false when the backend has no EC2 yet. */
static bool make_subnets(struct gf_test_aws *b, char vpc[32], char s1[32], char s2[32])
{
    json_t *out = NULL, *in;
    int rc;

    in = json_pack("{s:s}", "CidrBlock", "10.9.0.0/16");
    rc = gf_aws_call(&out, b->client, &gf_aws_ec2, "CreateVpc", in);
    json_decref(in);
    if (rc < 0)
        return false;
    snprintf(vpc, 32, "%s", gf_test_json_str(out, "vpc.vpcId"));
    json_decref(out);
    out = gf_test_aws_call_ok(b, &gf_aws_ec2, "CreateSubnet",
                              json_pack("{s:s,s:s,s:s}", "VpcId", vpc, "CidrBlock",
                                        "10.9.1.0/24", "AvailabilityZone", "eu-west-1a"));
    snprintf(s1, 32, "%s", gf_test_json_str(out, "subnet.subnetId"));
    json_decref(out);
    out = gf_test_aws_call_ok(b, &gf_aws_ec2, "CreateSubnet",
                              json_pack("{s:s,s:s,s:s}", "VpcId", vpc, "CidrBlock",
                                        "10.9.2.0/24", "AvailabilityZone", "eu-west-1a"));
    snprintf(s2, 32, "%s", gf_test_json_str(out, "subnet.subnetId"));
    json_decref(out);
    return true;
}

static void mount_targets(struct gf_test_aws *b, const char *fs_id)
{
    char vpc[32], s1[32], s2[32], mt[64];
    json_t *out = NULL;
    bool in_vpc = true;

    if (!make_subnets(b, vpc, s1, s2)) {
        /* EC2 not served yet: the subnet hook answers not-found */
        gf_cr_fails(GF_ERROR, gf_efs_create_mount_target(&out, b->client, fs_id, "subnet-1",
                                                         NULL));
        cr_assert_str_eq(gf_error_last()->aws_code, "SubnetNotFound");
        return;
    }
    gf_cr_ok(gf_efs_create_mount_target(&out, b->client, fs_id, s1, NULL));
    snprintf(mt, sizeof(mt), "%s", gf_test_json_str(out, "MountTargetId"));
    cr_assert_str_eq(gf_test_json_str(out, "VpcId"), vpc);
    cr_assert_str_eq(gf_test_json_str(out, "SubnetId"), s1);
    json_decref(out);
    gf_cr_fails(GF_ECONFLICT, gf_efs_create_mount_target(&out, b->client, fs_id, s2, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "MountTargetConflict");
    gf_cr_ok(gf_efs_describe_mount_targets(&out, b->client, fs_id));
    cr_assert_eq(json_array_size(out), 1);
    cr_assert_str_eq(gf_test_json_str(out, "0.MountTargetId"), mt);
    json_decref(out);
    gf_cr_ok(gf_efs_check_vpc(&in_vpc, b->client, fs_id, vpc));
    cr_assert(in_vpc);
    gf_cr_ok(gf_efs_check_vpc(&in_vpc, b->client, fs_id, "vpc-0123456789abcdef0"));
    cr_assert(!in_vpc);
    gf_cr_fails(GF_ECONFLICT, gf_efs_delete_file_system(b->client, fs_id));
    cr_assert_str_eq(gf_error_last()->aws_code, "FileSystemInUse");
    gf_cr_ok(gf_efs_delete_mount_target(b->client, mt));
    gf_cr_fails(GF_ENOTFOUND, gf_efs_delete_mount_target(b->client, mt));
    cr_assert_str_eq(gf_error_last()->aws_code, "MountTargetNotFound");
}

static void efs_scenario(struct gf_test_aws *b)
{
    json_t *fs = NULL, *tags = json_pack("[{s:s,s:s}]", "Key", "Name", "Value", "data"), *list;
    char id[64];
    bool in_vpc = true;

    gf_cr_ok(gf_efs_create_file_system(&fs, b->client, "tok-1", true, tags));
    json_decref(tags);
    snprintf(id, sizeof(id), "%s", gf_test_json_str(fs, "FileSystemId"));
    cr_assert(strncmp(id, "fs-", 3) == 0, "%s", id);
    cr_assert_str_eq(gf_test_json_str(fs, "CreationToken"), "tok-1");
    cr_assert(json_is_true(json_object_get(fs, "Encrypted")));
    json_decref(fs);
    gf_cr_fails(GF_ECONFLICT, gf_efs_create_file_system(&fs, b->client, "tok-1", false, NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "FileSystemAlreadyExists");
    gf_cr_ok(gf_efs_find_by_creation_token(&fs, b->client, "tok-1"));
    cr_assert_str_eq(gf_test_json_str(fs, "FileSystemId"), id);
    json_decref(fs);
    gf_cr_fails(GF_ENOTFOUND, gf_efs_find_by_creation_token(&fs, b->client, "tok-none"));
    gf_cr_fails(GF_ENOTFOUND, gf_efs_describe_file_system(&fs, b->client,
                                                          "fs-0123456789abcdef0"));
    cr_assert_str_eq(gf_error_last()->msg, "file system 'fs-0123456789abcdef0' does not exist");
    cr_assert_str_eq(gf_error_last()->aws_code, "FileSystemNotFound");
    gf_cr_ok(gf_efs_describe_file_systems(&list, b->client));
    cr_assert_eq(json_array_size(list), 1);
    json_decref(list);
    /* tags */
    tags = json_pack("[{s:s,s:s}]", "Key", "team", "Value", "web");
    gf_cr_ok(gf_efs_tag_resource(b->client, id, tags));
    json_decref(tags);
    gf_cr_ok(gf_efs_list_tags(&list, b->client, id));
    cr_assert_eq(json_array_size(list), 2);
    json_decref(list);
    tags = json_pack("[s]", "Name");
    gf_cr_ok(gf_efs_untag_resource(b->client, id, tags));
    json_decref(tags);
    gf_cr_ok(gf_efs_list_tags(&list, b->client, id));
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(gf_test_json_str(list, "0.Key"), "team");
    json_decref(list);
    /* mount targets and the VPC check */
    gf_cr_ok(gf_efs_check_vpc(&in_vpc, b->client, id, "vpc-0123456789abcdef0"));
    cr_assert(!in_vpc);
    gf_cr_fails(GF_ENOTFOUND, gf_efs_check_vpc(&in_vpc, b->client, "fs-0123456789abcdef0",
                                               "vpc-1"));
    wait_available(b, id);
    mount_targets(b, id);
    gf_cr_ok(gf_efs_delete_file_system(b->client, id));
    gf_cr_fails(GF_ENOTFOUND, gf_efs_describe_file_system(&fs, b->client, id));
}

Test(svc_efs, file_systems_local_aws, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    efs_scenario(&s_b);
}

Test(svc_efs, file_systems_moto, .fini = fini)
{
    gf_test_aws_start(&s_b, GF_TEST_MOTO, NULL);
    efs_scenario(&s_b);
}

Test(svc_efs, lifecycle_and_errors_local_aws, .fini = fini)
{
    json_t *fs = NULL, *r;
    char id[64];

    gf_test_aws_start(&s_b, GF_TEST_LOCAL_AWS, NULL);
    gf_cr_ok(gf_efs_create_file_system(&fs, s_b.client, "tok-2", false, NULL));
    cr_assert_str_eq(gf_test_json_str(fs, "LifeCycleState"), "creating");
    cr_assert_str_eq(gf_test_json_str(fs, "PerformanceMode"), "generalPurpose");
    snprintf(id, sizeof(id), "%s", gf_test_json_str(fs, "FileSystemId"));
    json_decref(fs);
    /* a mount target needs an available file system */
    gf_cr_fails(GF_ERROR, gf_efs_create_mount_target(&fs, s_b.client, id, "subnet-1", NULL));
    cr_assert_str_eq(gf_error_last()->aws_code, "IncorrectFileSystemLifeCycleState");
    cr_assert_eq(gf_error_last()->http_status, 409);
    wait_available(&s_b, id);
    gf_test_aws_call_fails(&s_b, &gf_aws_efs, "CreateFileSystem",
                           json_pack("{s:s,s:s}", "CreationToken", "t3", "PerformanceMode",
                                     "fast"),
                           "BadRequest");
    gf_test_aws_call_fails(&s_b, &gf_aws_efs, "DescribeMountTargets", json_object(),
                           "BadRequest");
    gf_cr_fails(GF_ENOTFOUND, gf_efs_describe_file_system(&fs, s_b.client,
                                                          "fs-0000000000000000a"));
    cr_assert_eq(gf_error_last()->http_status, 404);
    /* paging: MaxItems 1 over two file systems */
    gf_cr_ok(gf_efs_create_file_system(&fs, s_b.client, "tok-3", false, NULL));
    json_decref(fs);
    r = gf_test_aws_call_ok(&s_b, &gf_aws_efs, "DescribeFileSystems",
                            json_pack("{s:i}", "MaxItems", 1));
    cr_assert_eq(json_array_size(json_object_get(r, "FileSystems")), 1);
    cr_assert_not_null(gf_test_json_str(r, "NextMarker"));
    json_decref(r);
    gf_cr_ok(gf_efs_describe_file_systems(&r, s_b.client));
    cr_assert_eq(json_array_size(r), 2);
    json_decref(r);
}
