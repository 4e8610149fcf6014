/* SPDX-License-Identifier: Apache-2.0 */
/* compose_test.c: local-aws's compose conversion (aws/local/compose.c): a started ECS task and
 * its task definition (DescribeTasks / DescribeTaskDefinition documents) become
 * DIR/<task-id>/compose.yaml, compared with golden files in tests/data/compose/ (set
 * GF_UPDATE_GOLDEN=1 to rewrite them), mode 0600, secrets resolved through Secrets Manager and
 * SSM. With a Docker engine the task also runs for real; without one that test is skipped. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/local/local.h"
#include "common/alloc.h"
#include "tests/testlib/testlib.h"
#include "common/banned.h"

#define ARN_PREFIX "arn:aws:ecs:eu-west-1:123456789012:task/c/"

struct fixture {
    char *tmp;
    struct gf_local_db *db;
    struct gf_local_opts opts;
    struct gf_local_ctx ctx;
};

static void setup(struct fixture *f, bool docker)
{
    memset(f, 0, sizeof(*f));
    f->tmp = gf_test_tmpdir("compose");
    gf_cr_ok(gf_local_db_open(&f->db, ":memory:"));
    f->opts.compose_dir = f->tmp;
    f->opts.docker = docker;
    f->ctx.db = f->db;
    f->ctx.svc = &gf_aws_ecs;
    f->ctx.opts = &f->opts;
    f->ctx.region = "eu-west-1";
    f->ctx.account = "123456789012";
    f->ctx.access_key_id = "AKIDTEST";
    f->ctx.now_ms = 1795000000000;
}

static void teardown(struct fixture *f)
{
    gf_local_db_free(f->db);
    gf_test_tmpdir_remove(f->tmp);
}

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);

    cr_assert(j, "bad test JSON: %s at %d", err.text, err.line);
    return j;
}

/* Compare DIR/<id>/compose.yaml with tests/data/compose/<golden>.yaml. */
static void expect_golden(const struct fixture *f, const char *id, const char *golden)
{
    struct gf_buf got = GF_BUF_INIT, want = GF_BUF_INIT;
    char rel[128], *dir, *path, *gpath;
    struct stat st;

    snprintf(rel, sizeof(rel), "%s/compose.yaml", id);
    path = gf_test_path(f->tmp, rel);
    snprintf(rel, sizeof(rel), "compose/%s.yaml", golden);
    gpath = gf_test_path(gf_test_data_dir(), rel);
    cr_assert_eq(gf_test_read_file(&got, path), 0, "no %s", path);
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
    if (getenv("GF_UPDATE_GOLDEN"))
        cr_assert_eq(gf_test_write_file(gpath, got.ptr, got.len), 0);
    cr_assert_eq(gf_test_read_file(&want, gpath), 0, "no golden file %s", gpath);
    cr_expect_str_eq(got.ptr, want.ptr, "%s differs from %s", path, gpath);
    dir = gf_test_path(f->tmp, id);
    cr_expect_eq(stat(dir, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0700, "folder mode %o", st.st_mode & 0777);
    free(dir);
    free(path);
    free(gpath);
    gf_buf_release(&got);
    gf_buf_release(&want);
}

static json_t *task_doc(const char *id)
{
    char text[512];

    snprintf(text, sizeof(text),
             "{\"taskArn\":\"" ARN_PREFIX "%s\",\"lastStatus\":\"PROVISIONING\","
             "\"desiredStatus\":\"RUNNING\",\"containers\":[{\"name\":\"app\","
             "\"lastStatus\":\"PENDING\"},{\"name\":\"sidecar\",\"lastStatus\":\"PENDING\"}]}",
             id);
    return load(text);
}

/* ---- golden files --------------------------------------------------------------------------- */

Test(compose, one_container_with_command_env_ports_and_task_limits)
{
    struct fixture f;
    json_t *task, *td;

    setup(&f, false);
    task = task_doc("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    td = load("{\"family\":\"web\",\"revision\":3,\"cpu\":\"256\",\"memory\":\"512\","
              "\"networkMode\":\"awsvpc\",\"containerDefinitions\":[{\"name\":\"web\","
              "\"image\":\"nginx:1.27\",\"essential\":true,"
              "\"entryPoint\":[\"/docker-entrypoint.sh\"],"
              "\"command\":[\"nginx\",\"-g\",\"daemon off;\"],"
              "\"workingDirectory\":\"/usr/share/nginx\",\"user\":\"101\","
              "\"environment\":[{\"name\":\"MODE\",\"value\":\"production\"},"
              "{\"name\":\"PRICE\",\"value\":\"$5 and ${HOME}\"},"
              "{\"name\":\"DEBUG\",\"value\":\"true\"},{\"name\":\"PORT\",\"value\":\"8080\"}],"
              "\"portMappings\":[{\"containerPort\":8080,\"hostPort\":8080,"
              "\"protocol\":\"tcp\"}]}]}");
    gf_cr_ok(gf_local_compose_start(&f.ctx, task, td));
    expect_golden(&f, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "single");
    json_decref(task);
    json_decref(td);
    teardown(&f);
}

Test(compose, sidecars_volumes_health_checks_and_dependencies)
{
    struct fixture f;
    struct gf_buf ess = GF_BUF_INIT;
    json_t *task, *td;
    char *path;

    setup(&f, false);
    task = task_doc("11112222333344445555666677778888");
    td = load(
        "{\"family\":\"api\",\"revision\":1,\"cpu\":\"1024\",\"memory\":\"2048\","
        "\"volumes\":[{\"name\":\"data\",\"efsVolumeConfiguration\":{\"fileSystemId\":"
        "\"fs-0123456789abcdef0\",\"rootDirectory\":\"/\"}},{\"name\":\"scratch\"},"
        "{\"name\":\"conf\",\"host\":{\"sourcePath\":\"/etc/gfl\"}}],"
        "\"containerDefinitions\":["
        "{\"name\":\"app\",\"image\":\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2\","
        "\"essential\":true,\"cpu\":768,\"memory\":1536,\"memoryReservation\":1024,"
        "\"mountPoints\":[{\"sourceVolume\":\"data\",\"containerPath\":\"/data\"},"
        "{\"sourceVolume\":\"scratch\",\"containerPath\":\"/tmp/work\"},"
        "{\"sourceVolume\":\"conf\",\"containerPath\":\"/etc/app\",\"readOnly\":true}],"
        "\"healthCheck\":{\"command\":[\"CMD-SHELL\",\"curl -f http://localhost:3000/ || exit 1\"],"
        "\"interval\":30,\"timeout\":5,\"retries\":3,\"startPeriod\":10},"
        "\"dependsOn\":[{\"containerName\":\"sidecar\",\"condition\":\"START\"},"
        "{\"containerName\":\"migrate\",\"condition\":\"SUCCESS\"}],"
        "\"linuxParameters\":{\"initProcessEnabled\":true},\"stopTimeout\":20,"
        "\"readonlyRootFilesystem\":true,\"dockerLabels\":{\"team\":\"payments\"}},"
        "{\"name\":\"sidecar\",\"image\":\"envoyproxy/envoy:v1.30\",\"essential\":false,"
        "\"cpu\":256,\"memory\":256},"
        "{\"name\":\"migrate\",\"image\":\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2\","
        "\"essential\":false,\"command\":[\"migrate\",\"up\"]}]}");
    gf_cr_ok(gf_local_compose_start(&f.ctx, task, td));
    expect_golden(&f, "11112222333344445555666677778888", "sidecars");
    path = gf_test_path(f.tmp, "11112222333344445555666677778888/essential");
    cr_assert_eq(gf_test_read_file(&ess, path), 0);
    cr_expect_str_eq(ess.ptr, "app\n");
    free(path);
    gf_buf_release(&ess);
    json_decref(task);
    json_decref(td);
    teardown(&f);
}

static const struct gf_local_op *find_op(const struct gf_local_service *ls, const char *name)
{
    size_t i;

    for (i = 0; ls->ops[i].name; i++)
        if (strcmp(ls->ops[i].name, name) == 0)
            return &ls->ops[i];
    return NULL;
}

/* Run one operation of another service with the fixture's db; returns its output. */
static json_t *call(struct fixture *f, const struct gf_local_service *ls, const char *op,
                    const char *input)
{
    const struct gf_local_op *o = find_op(ls, op);
    struct gf_local_ctx ctx = f->ctx;
    json_t *in = load(input), *out = NULL;

    if (!o)
        cr_skip_test("local-aws %s does not serve %s yet", ls->svc->id, op);
    ctx.svc = ls->svc;
    gf_cr_ok(o->fn(&out, &ctx, in));
    json_decref(in);
    return out;
}

Test(compose, secrets_are_resolved_into_the_file_only)
{
    struct fixture f;
    json_t *task, *td, *sec, *json_sec;
    char text[2048];

    setup(&f, false);
    sec = call(&f, &gf_local_secretsmanager, "CreateSecret",
               "{\"Name\":\"db/password\",\"SecretString\":\"s3cr$t\"}");
    json_sec = call(&f, &gf_local_secretsmanager, "CreateSecret",
                    "{\"Name\":\"db/creds\",\"SecretString\":"
                    "\"{\\\"user\\\":\\\"app\\\",\\\"password\\\":\\\"pw-from-json\\\"}\"}");
    json_decref(call(&f, &gf_local_ssm, "PutParameter",
                     "{\"Name\":\"/app/token\",\"Value\":\"tok-123\",\"Type\":\"SecureString\"}"));
    task = task_doc("99990000aaaabbbbccccddddeeeeffff");
    snprintf(text, sizeof(text),
             "{\"family\":\"sec\",\"revision\":1,\"containerDefinitions\":[{\"name\":\"app\","
             "\"image\":\"busybox:1\",\"environment\":[{\"name\":\"PLAIN\",\"value\":\"x\"}],"
             "\"secrets\":[{\"name\":\"DB_PASSWORD\",\"valueFrom\":\"%s\"},"
             "{\"name\":\"DB_USER_PW\",\"valueFrom\":\"%s:password::\"},"
             "{\"name\":\"TOKEN\",\"valueFrom\":\"/app/token\"},"
             "{\"name\":\"TOKEN_BY_ARN\",\"valueFrom\":"
             "\"arn:aws:ssm:eu-west-1:123456789012:parameter/app/token\"}]}]}",
             json_string_value(json_object_get(sec, "ARN")),
             json_string_value(json_object_get(json_sec, "ARN")));
    td = load(text);
    gf_cr_ok(gf_local_compose_start(&f.ctx, task, td));
    expect_golden(&f, "99990000aaaabbbbccccddddeeeeffff", "secrets");
    json_decref(td);
    /* a missing secret fails the start, naming the secret but never a value */
    td = load("{\"family\":\"sec\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"b:1\","
              "\"secrets\":[{\"name\":\"GONE\",\"valueFrom\":\"/no/such\"}]}]}");
    gf_cr_fails(GF_ENOTFOUND, gf_local_compose_start(&f.ctx, task, td));
    cr_expect(strstr(gf_error_last()->msg, "container 'app': the secret GONE (valueFrom "
                                           "'/no/such') cannot be read"),
              "%s", gf_error_last()->msg);
    json_decref(td);
    json_decref(task);
    json_decref(sec);
    json_decref(json_sec);
    teardown(&f);
}

Test(compose, without_a_compose_dir_nothing_happens)
{
    struct fixture f;
    json_t *task = task_doc("abc");
    json_t *td = load("{\"containerDefinitions\":[]}");

    setup(&f, false);
    f.opts.compose_dir = NULL;
    gf_cr_ok(gf_local_compose_start(&f.ctx, task, td));
    gf_cr_ok(gf_local_compose_refresh(&f.ctx, task));
    gf_cr_ok(gf_local_compose_stop(&f.ctx, task));
    f.opts.compose_dir = f.tmp;
    gf_cr_ok(gf_local_compose_refresh(&f.ctx, task)); /* no --docker: no-op too */
    json_decref(task);
    json_decref(td);
    teardown(&f);
}

Test(compose, rejects_task_ids_that_are_not_safe_paths)
{
    struct fixture f;
    json_t *task = load("{\"taskArn\":\"arn:aws:ecs:eu-west-1:1:task/c/..\"}");
    json_t *td = load("{\"containerDefinitions\":[]}");

    setup(&f, false);
    gf_cr_fails(GF_EINVALID, gf_local_compose_start(&f.ctx, task, td));
    json_decref(task);
    json_decref(td);
    teardown(&f);
}

/* ---- docker, when an engine answers ------------------------------------------------------ */

static bool docker_ready(void)
{
    struct gf_test_run run;
    const char *info[] = {"/usr/bin/env", "docker", "info", NULL};
    const char *compose[] = {"/usr/bin/env", "docker", "compose", "version", NULL};
    bool ok;

    ok = gf_test_run(&run, info, NULL, NULL, NULL, 20) == 0 && run.status == 0;
    gf_test_run_release(&run);
    if (ok) {
        ok = gf_test_run(&run, compose, NULL, NULL, NULL, 20) == 0 && run.status == 0;
        gf_test_run_release(&run);
    }
    return ok;
}

Test(compose, docker_runs_the_task_and_reports_the_essential_exit, .timeout = 240)
{
    struct fixture f;
    json_t *task, *td;
    const json_t *c;
    int i;

    if (!docker_ready())
        cr_skip_test("no Docker engine with the compose plugin (`docker info` / `docker compose "
                     "version` failed): the docker path is not tested here");
    setup(&f, true);
    task = load("{\"taskArn\":\"" ARN_PREFIX "d0c4e2d0c4e2d0c4e2d0c4e2d0c4e2aa\","
                "\"lastStatus\":\"PROVISIONING\",\"containers\":[{\"name\":\"app\"}]}");
    td = load("{\"family\":\"d\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":"
              "\"busybox:1.36\",\"essential\":true,\"command\":[\"sh\",\"-c\",\"sleep 1; exit 3\"]"
              "}]}");
    gf_cr_ok(gf_local_compose_start(&f.ctx, task, td));
    for (i = 0; i < 180; i++) {
        gf_cr_ok(gf_local_compose_refresh(&f.ctx, task));
        if (strcmp(json_string_value(json_object_get(task, "lastStatus")), "STOPPED") == 0)
            break;
        sleep(1);
    }
    c = json_array_get(json_object_get(task, "containers"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(task, "lastStatus")), "STOPPED");
    cr_expect_str_eq(json_string_value(json_object_get(task, "stopCode")),
                     "EssentialContainerExited");
    cr_expect_eq(json_integer_value(json_object_get(c, "exitCode")), 3);
    gf_cr_ok(gf_local_compose_stop(&f.ctx, task));
    json_decref(task);
    json_decref(td);
    teardown(&f);
}
