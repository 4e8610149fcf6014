/* SPDX-License-Identifier: Apache-2.0 */
/* names.c: FargateStack's name derivations (§3.1 of reference/fargatestack-behaviour.md) and
 * the AWS rules for those names (botocore service-2.json patterns and API docs), as data.
 * Used by state/defaults.c and state/validate.c in the parse step. */
#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "state/names.h"

#include "common/banned.h"

/* ---- derivations ---- */

/* FargateStack: <App> = app.name split on runs of - or _, each piece's first letter upper-cased,
 * rest unchanged, joined (§3.1). */
static int put_camel(struct gf_buf *out, const char *app)
{
    bool start = true;

    for (const char *p = app; *p != '\0'; p++) {
        if (*p == '-' || *p == '_') {
            start = true;
            continue;
        }
        if (start && *p >= 'a' && *p <= 'z')
            gf_buf_putc(out, (char)(*p - 'a' + 'A'));
        else
            gf_buf_putc(out, *p);
        start = false;
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_names_app(struct gf_buf *out, enum gf_name_app kind, const char *app)
{
    static const struct {
        const char *prefix;
        const char *suffix;
        bool camel;
    } forms[] = {
        [GF_NAME_CAMEL] = {"", "", true},
        [GF_NAME_CLUSTER] = {"", "-cluster", false},
        [GF_NAME_ROLE] = {"Fargate", "Role", true},
        [GF_NAME_POLICY] = {"Fargate", "Policy", true},
        [GF_NAME_TASK_ROLE] = {"Fargate", "TaskRole", true},
        [GF_NAME_TASK_POLICY] = {"Fargate", "TaskPolicy", true},
        [GF_NAME_EVENTS_ROLE] = {"Events", "Role", true},
        [GF_NAME_EVENTS_POLICY] = {"Events", "Policy", true},
        [GF_NAME_SG] = {"", "-sg", false},
        [GF_NAME_ALB_SG] = {"", "-alb-sg", false},
        [GF_NAME_ALB] = {"", "-alb", false},
        [GF_NAME_TARGET_GROUP] = {"", "-tg", false},
        [GF_NAME_LOG_GROUP] = {"/ecs/app-fargatestack/", "", false},
        [GF_NAME_WAF_ACL] = {"", "-acl", false},
        [GF_NAME_LOG_STREAM_PREFIX] = {"", "", false},
    };

    GF_ASSERT((size_t)kind < sizeof(forms) / sizeof(forms[0]));
    gf_buf_puts(out, forms[kind].prefix);
    if (forms[kind].camel)
        put_camel(out, app);
    else
        gf_buf_puts(out, app);
    gf_buf_puts(out, forms[kind].suffix);
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_names_task(struct gf_buf *out, enum gf_name_task kind, const char *app, const char *task)
{
    switch (kind) {
    case GF_NAME_RULE:
        gf_buf_printf(out, "%s-schedule", task);
        break;
    case GF_NAME_TARGET_ID:
        gf_buf_printf(out, "%s-target", task);
        break;
    case GF_NAME_LAUNCH_GROUP:
        gf_buf_printf(out, "schedule:%s", task);
        break;
    case GF_NAME_AUTOSCALING_POLICY:
        gf_buf_printf(out, "app-fargatestack-%s-%s-autoscaling-policy", app, task);
        break;
    case GF_NAME_RESOURCE_ID:
        gf_buf_printf(out, "service/%s/%s", app, task);
        break;
    }
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_names_dlq(struct gf_buf *out, const char *queue)
{
    gf_buf_printf(out, "%s-dlq", queue);
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

int gf_names_scheduled_action(struct gf_buf *out, const char *app, const char *action,
                              bool scale_out)
{
    gf_buf_printf(out, "%s-%s-%s-schedule", app, action, scale_out ? "out" : "in");
    return gf_buf_failed(out) ? GF_ENOMEM : 0;
}

/* ---- sizes ---- */

/* FargateStack: size profiles, CPU units / MiB (§3.2). */
static const struct gf_size_profile s_sizes[] = {
    {"tiny", 256, 512},    {"small", 512, 1024},   {"medium", 1024, 2048},
    {"large", 2048, 4096}, {"xlarge", 4096, 8192}, {"2xlarge", 8192, 16384},
};

const struct gf_size_profile *gf_names_size(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(s_sizes) / sizeof(s_sizes[0]); i++) {
        if (strcmp(s_sizes[i].name, name) == 0)
            return &s_sizes[i];
    }
    return NULL;
}

const struct gf_size_profile *gf_names_size_for(int64_t cpu, int64_t memory)
{
    for (size_t i = 0; i < sizeof(s_sizes) / sizeof(s_sizes[0]); i++) {
        if (s_sizes[i].cpu == cpu && s_sizes[i].memory == memory)
            return &s_sizes[i];
    }
    return NULL;
}

const char *gf_names_default_size(bool is_service, bool is_scheduled)
{
    return is_service || is_scheduled ? "medium" : "tiny";
}

const char *gf_names_size_list(void)
{
    return "tiny, small, medium, large, xlarge, 2xlarge";
}

/* ---- rules ---- */

enum rule_flags {
    R_LOWER = 1 << 0,     /* letters must be lower case */
    R_PRINTABLE = 1 << 1, /* any printable ASCII */
    R_ELB = 1 << 2,       /* no leading or trailing - */
    R_FIFO = 1 << 3,      /* optional .fifo suffix */
    R_S3 = 1 << 4,        /* the bucket rules */
    R_SG = 1 << 5,        /* not starting sg- */
    R_ALB = 1 << 6,       /* not starting internal- */
    R_ACTION = 1 << 7,    /* no leading or trailing space */
};

struct rule {
    const char *what;
    size_t min, max;
    const char *punct;   /* allowed besides letters and digits */
    const char *allowed; /* the same in words, for the hint */
    unsigned flags;
};

#define ECS_PUNCT   "-_"
#define ECS_ALLOWED "letters, digits, '-' and '_'"
#define IAM_PUNCT   "+=,.@_-"
#define IAM_ALLOWED "letters, digits and + = , . @ _ -"

static const struct rule s_rules[GF_RULE_COUNT_] = {
    [GF_RULE_APP] = {"app.name", 1, 255, "-_", "lower-case letters, digits, '-' and '_'", R_LOWER},
    [GF_RULE_ECS_CLUSTER] = {"ECS cluster name", 1, 255, ECS_PUNCT, ECS_ALLOWED, 0},
    [GF_RULE_ECS_SERVICE] = {"ECS service name", 1, 255, ECS_PUNCT, ECS_ALLOWED, 0},
    [GF_RULE_ECS_FAMILY] = {"task definition family", 1, 255, ECS_PUNCT, ECS_ALLOWED, 0},
    [GF_RULE_ECS_CONTAINER] = {"container name", 1, 255, ECS_PUNCT, ECS_ALLOWED, 0},
    [GF_RULE_IAM_ROLE] = {"IAM role name", 1, 64, IAM_PUNCT, IAM_ALLOWED, 0},
    [GF_RULE_IAM_POLICY] = {"IAM policy name", 1, 128, IAM_PUNCT, IAM_ALLOWED, 0},
    [GF_RULE_LOG_GROUP] = {"log group name", 1, 512, ".-_/#", "letters, digits and . - _ / #", 0},
    [GF_RULE_SQS_QUEUE] = {"SQS queue name", 1, 80, "-_",
                           "letters, digits, '-' and '_' (and a final .fifo)", R_FIFO},
    [GF_RULE_S3_BUCKET] = {"S3 bucket name", 3, 63, ".-", "lower-case letters, digits, '.' and '-'",
                           R_LOWER | R_S3},
    [GF_RULE_TARGET_GROUP] = {"target group name", 1, 32, "-", "letters, digits and '-'", R_ELB},
    [GF_RULE_LOAD_BALANCER] = {"load balancer name", 1, 32, "-", "letters, digits and '-'",
                               R_ELB | R_ALB},
    [GF_RULE_EVENTS_RULE] = {"EventBridge rule name", 1, 64, ".-_", "letters, digits and . - _", 0},
    [GF_RULE_EVENTS_TARGET_ID] = {"EventBridge target id", 1, 64, ".-_",
                                  "letters, digits and . - _", 0},
    [GF_RULE_SECURITY_GROUP] = {"security group name", 1, 255, " ._-:/()#,@[]+=&;{}!$*",
                                "letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } "
                                "! $ *",
                                R_SG},
    [GF_RULE_WAF_ACL] = {"web ACL name", 1, 128, "-_", "letters, digits, '-' and '_'", 0},
    [GF_RULE_AUTOSCALING_POLICY] = {"scaling policy name", 1, 256, NULL, "printable characters",
                                    R_PRINTABLE},
    [GF_RULE_SCHEDULED_ACTION] = {"scheduled action name", 1, 256, ":/|",
                                  "printable characters except : / |", R_PRINTABLE | R_ACTION},
};

const char *gf_names_rule_what(enum gf_name_rule rule)
{
    GF_ASSERT((size_t)rule < GF_RULE_COUNT_);
    return s_rules[rule].what;
}

size_t gf_names_rule_max(enum gf_name_rule rule)
{
    GF_ASSERT((size_t)rule < GF_RULE_COUNT_);
    return s_rules[rule].max;
}

/* Long names are cut in messages (the gf_error fields are fixed-size). */
#define SHOW_MAX 80
#define SHOW(name, len)                                                                            \
    (int)((len) > SHOW_MAX ? SHOW_MAX : (len)), (name), (len) > SHOW_MAX ? "..." : ""

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool char_ok(const struct rule *r, char c)
{
    if (r->flags & R_ACTION)
        return c >= 0x20 && c < 0x7f && strchr(r->punct, c) == NULL;
    if (r->flags & R_PRINTABLE)
        return c >= 0x20 && c < 0x7f;
    if ((r->flags & R_LOWER) && c >= 'A' && c <= 'Z')
        return false;
    return is_alnum(c) || (c != '\0' && strchr(r->punct, c) != NULL);
}

static int bad_char(const struct rule *r, const char *name, size_t len, char c)
{
    if (c >= 0x21 && c < 0x7f)
        gf_error_set(GF_EINVALID, "%s '%.*s%s' contains '%c'", r->what, SHOW(name, len), c);
    else if (c == ' ')
        gf_error_set(GF_EINVALID, "%s '%.*s%s' contains a space", r->what, SHOW(name, len));
    else
        gf_error_set(GF_EINVALID, "%s '%.*s%s' contains the byte 0x%02x", r->what, SHOW(name, len),
                     (unsigned)(unsigned char)c);
    gf_error_hint("use only %s", r->allowed);
    return GF_EINVALID;
}

static bool looks_like_ipv4(const char *name)
{
    int dots = 0;
    int digits = 0;

    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '.') {
            if (digits == 0 || digits > 3)
                return false;
            dots++;
            digits = 0;
        } else if (*p >= '0' && *p <= '9') {
            digits++;
        } else {
            return false;
        }
    }
    return dots == 3 && digits >= 1 && digits <= 3;
}

static bool has_suffix(const char *name, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(name + len - n, suffix, n) == 0;
}

static int s3_check(const struct rule *r, const char *name, size_t len)
{
    static const char *const prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
    static const char *const suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"};

    if (!is_alnum(name[0]) || !is_alnum(name[len - 1])) {
        gf_error_set(GF_EINVALID, "%s '%s' must start and end with a letter or digit", r->what,
                     name);
        gf_error_hint("bucket names are 3-63 of %s, starting and ending with a letter or digit",
                      r->allowed);
        return GF_EINVALID;
    }
    if (strstr(name, "..") != NULL) {
        gf_error_set(GF_EINVALID, "%s '%s' contains '..'", r->what, name);
        gf_error_hint("use single dots between labels");
        return GF_EINVALID;
    }
    if (looks_like_ipv4(name)) {
        gf_error_set(GF_EINVALID, "%s '%s' looks like an IP address", r->what, name);
        gf_error_hint("S3 does not allow bucket names formatted as IP addresses");
        return GF_EINVALID;
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
            gf_error_set(GF_EINVALID, "%s '%s' starts with '%s'", r->what, name, prefixes[i]);
            gf_error_hint("S3 reserves the prefixes xn--, sthree- and amzn-s3-demo-");
            return GF_EINVALID;
        }
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (has_suffix(name, len, suffixes[i])) {
            gf_error_set(GF_EINVALID, "%s '%s' ends with '%s'", r->what, name, suffixes[i]);
            gf_error_hint("S3 reserves the suffixes -s3alias, --ol-s3, .mrap, --x-s3 and "
                          "--table-s3");
            return GF_EINVALID;
        }
    }
    return 0;
}

static int shape_check(const struct rule *r, const char *name, size_t len)
{
    if ((r->flags & R_ELB) && (name[0] == '-' || name[len - 1] == '-')) {
        gf_error_set(GF_EINVALID, "%s '%s' %s with '-'", r->what, name,
                     name[0] == '-' ? "starts" : "ends");
        gf_error_hint("start and end the name with a letter or digit");
        return GF_EINVALID;
    }
    if ((r->flags & R_ALB) && strncmp(name, "internal-", 9) == 0) {
        gf_error_set(GF_EINVALID, "%s '%s' starts with 'internal-'", r->what, name);
        gf_error_hint("ELB reserves the prefix internal-: choose another name");
        return GF_EINVALID;
    }
    if ((r->flags & R_SG) && strncmp(name, "sg-", 3) == 0) {
        gf_error_set(GF_EINVALID, "%s '%.*s%s' starts with 'sg-'", r->what, SHOW(name, len));
        gf_error_hint("EC2 reserves the prefix sg- for group ids: choose another name");
        return GF_EINVALID;
    }
    if ((r->flags & R_ACTION) && (name[0] == ' ' || name[len - 1] == ' ')) {
        gf_error_set(GF_EINVALID, "%s '%.*s%s' %s with a space", r->what, SHOW(name, len),
                     name[0] == ' ' ? "starts" : "ends");
        gf_error_hint("remove the leading and trailing spaces");
        return GF_EINVALID;
    }
    if (r->flags & R_S3)
        return s3_check(r, name, len);
    return 0;
}

int gf_names_check(enum gf_name_rule rule, const char *name)
{
    const struct rule *r;
    size_t len;
    size_t body;

    GF_ASSERT((size_t)rule < GF_RULE_COUNT_);
    r = &s_rules[rule];
    len = name != NULL ? strlen(name) : 0;
    if (len == 0) {
        gf_error_set(GF_EINVALID, "%s is empty", r->what);
        gf_error_hint("use 1-%zu of %s", r->max, r->allowed);
        return GF_EINVALID;
    }
    if (len > r->max || len < r->min) {
        gf_error_set(GF_EINVALID, "%s '%.*s%s' is %zu characters long, the %s is %zu", r->what,
                     SHOW(name, len), len, len > r->max ? "limit" : "minimum",
                     len > r->max ? r->max : r->min);
        gf_error_hint("use %zu-%zu of %s", r->min, r->max, r->allowed);
        return GF_EINVALID;
    }
    body = len;
    if ((r->flags & R_FIFO) && has_suffix(name, len, ".fifo") && len > 5)
        body = len - 5;
    for (size_t i = 0; i < body; i++) {
        if (!char_ok(r, name[i]))
            return bad_char(r, name, len, name[i]);
    }
    return shape_check(r, name, len);
}
