/* SPDX-License-Identifier: Apache-2.0 */
/* help.c: the help subjects as data (what `gitfargate help SUBJECT` prints) and their lookup by
 * name, alias or unique prefix. Texts follow reference/fargatestack-behaviour.md and say where
 * gitfargate deliberately differs from App::FargateStack and what is not built yet. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "controller/help.h"
#include "common/banned.h"

/* The longest name a user may usefully type; longer input matches nothing. */
#define HELP_NAME_MAX 64
/* How many candidates an ambiguity hint names. */
#define HELP_HINT_MAX 8

/* Lines are at most 90 columns so the source stays within 100. When editing, keep the status
 * of each feature true: say "planned" / "being built" for what does not exist yet. */
static const struct gf_help_subject s_subjects[] = {
    {
        "overview",
        NULL,
        "what gitfargate is and how the pieces fit",
        "gitfargate is a GitOps controller for applications on Amazon ECS (Fargate). A team keeps\n"
        "one YAML file per application stack in a git repository, in the stack format of\n"
        "App::FargateStack. When a change is merged, gitfargate works out the AWS changes the\n"
        "file implies (the plan), makes them (apply), and commits the enriched file - every ARN,\n"
        "id and default it found or created - to a status branch, with an audit log of every run,\n"
        "action and API call in SQLite.\n"
        "\n"
        "One pass:\n"
        "  config branch -> stacks/*.yml -> parse and validate\n"
        "    -> discover what is unknown (VPC, subnets, ALB, hosted zone, certificate)\n"
        "    -> plan (desired vs actual: ordered actions, each with its reason)\n"
        "    -> apply (journaled first, independent actions in parallel)\n"
        "    -> enriched YAML committed to the status branch -> audit record\n"
        "\n"
        "The same pipeline serves every entry point: `plan`/`apply` on one local file (the\n"
        "FargateStack way: the file itself is the state), `sync --once` for CI or cron, and the\n"
        "long-running controller (poll or webhook).\n"
        "\n"
        "Status: validate, plan, apply, destroy, audit, whoami, local-aws (all 15 services),\n"
        "version and help work today. sync and the controller loop are being built.\n"
        "\n"
        "See also: help configuration, help commands, help gitops, help help.\n",
    },
    {
        "configuration",
        "config",
        "the stack file: its top-level keys, and the file as state",
        "A stack file is a YAML mapping. Only `app.name` and at least one entry under `tasks` are\n"
        "required; everything else has a default or is discovered.\n"
        "\n"
        "  app:            name (required: lower-case letters, digits, '-', '_'), version\n"
        "  tasks:          one entry per task; the key is the task name (help tasks)\n"
        "  domain:         the DNS name of the http/https service (required with one)\n"
        "  region:         AWS region; when absent, from --region or the AWS environment\n"
        "  profile:        AWS profile used (filled)\n"
        "  account:        AWS account id (filled)\n"
        "  vpc_id:         the VPC (discovered if absent; help networking)\n"
        "  subnets:        public, private (and isolated) subnet ids (discovered if absent)\n"
        "  cluster:        name (default <app>-cluster), arn (filled)\n"
        "  role:           task execution role: name, arn, policy_name (help iam)\n"
        "  task_role:      task role: name, arn, policy_name\n"
        "  events_role:    EventBridge role for scheduled tasks\n"
        "  log_group:      name (default /ecs/app-fargatestack/<app>), retention_days (14), arn\n"
        "  security_groups: fargate and alb groups: group_id, group_name\n"
        "  route53:        zone_id (discovered), profile\n"
        "  alb:            type, port, redirect_80, arn, name, create, waf (help http)\n"
        "  queue:, dlq:    one SQS queue and its dead-letter queue (help queues)\n"
        "  bucket:         one S3 bucket (help buckets)\n"
        "  config_name, id, last_updated: written back by the tool\n"
        "\n"
        "Unknown keys are reported by `validate`, with a did-you-mean. Legacy keys FargateStack\n"
        "no longer reads (`default_log_group`, top-level `services`, `route53_profile`, a task's\n"
        "`task_definition_arn` and `log_group`) are accepted with an \"ignored\" warning and\n"
        "dropped.\n"
        "\n"
        "The file is the state: after apply, the enriched copy records what gitfargate found or\n"
        "made, so the next pass makes no discovery calls. In GitOps mode the enriched copy goes\n"
        "to the status\n"
        "branch, never back to the file you wrote (help state). Every key, its type and default:\n"
        "docs/stack-reference.md.\n",
    },
    {
        "commands",
        NULL,
        "the gitfargate commands, which work today and which are planned",
        "Usage: gitfargate [GLOBAL OPTIONS] COMMAND [ARGS]    (more: gitfargate COMMAND --help)\n"
        "A unique prefix of a command name is accepted.\n"
        "\n"
        "Working now:\n"
        "  validate FILE...          parse and check stack files; no AWS calls\n"
        "  plan FILE                 compare with AWS and print the actions\n"
        "                            (--format text|json|markdown; --detailed-exitcode: exit 2\n"
        "                            when changes are pending; --destroy: what destroy would do;\n"
        "                            --offline: the defaults, no AWS calls)\n"
        "  apply FILE                make the changes and write the enriched state back\n"
        "  destroy --yes FILE        delete what the stack made, in reverse dependency order\n"
        "  audit                     show runs, actions and API calls from the SQLite audit store\n"
        "  whoami                    the AWS account, ARN and region behind your credentials,\n"
        "                            and which source gave the credentials\n"
        "  local-aws                 a local stand-in for the 15 AWS services (help local-aws)\n"
        "  help [SUBJECT]            this help; `help help` lists the subjects\n"
        "  version                   print the version\n"
        "\n"
        "Being built:\n"
        "  sync --once               one GitOps pass over a repository, then exit (help gitops)\n"
        "  sync                      the controller: poll and/or webhook, /healthz, /metrics\n"
        "\n"
        "Operator commands from FargateStack, planned against the same stack files: status, logs,\n"
        "run-task, list-tasks, stop-task, redeploy, start-service, stop-service, update-service,\n"
        "enable-scheduled-task, disable-scheduled-task, register-task, list-zones.\n"
        "\n"
        "Global options: -c/--config FILE, -p/--profile NAME, -r/--region NAME,\n"
        "--log-level LEVEL, --log-format human|json, --no-color (help logging).\n",
    },
    {
        "tasks",
        NULL,
        "task types, images, sizes and the keys of a task",
        "Each key under `tasks:` is a task. Its name is also the ECS service name and, unless\n"
        "`family` or `name` say otherwise, the task-definition family and the container name.\n"
        "\n"
        "type:\n"
        "  task     one-shot (run by hand) or scheduled with `schedule` (help schedules); default\n"
        "  daemon   an ECS service with no load balancer\n"
        "  http     an ECS service behind an internal ALB (help http)\n"
        "  https    an ECS service behind a public ALB with a certificate (help https)\n"
        "At most one http or https task per stack.\n"
        "\n"
        "image: `repo[:tag]` is looked up in this account's ECR (repository `repo`); if that\n"
        "repository has no images the name is used as written (Docker Hub). A name containing '/'\n"
        "(`123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3`) is always used as written.\n"
        "gitfargate builds `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`; FargateStack\n"
        "1.0.55 doubles the tag (`app:latest:latest`), a defect not reproduced.\n"
        "\n"
        "size (CPU units / MiB): tiny 256/512, small 512/1024, medium 1024/2048, large 2048/4096,\n"
        "xlarge 4096/8192, 2xlarge 8192/16384. Default: medium for http, https, daemon and\n"
        "scheduled tasks; tiny for a one-shot task. `cpu` and `memory` may be given instead; they\n"
        "must be a pair Fargate accepts.\n"
        "\n"
        "Other keys: command (one string, not split on spaces), environment (help environment),\n"
        "secrets (help secrets), efs (help efs), port / container_port (http/https: default 80;\n"
        "equal on Fargate), desired_count (services, default 1), health_check (help http),\n"
        "autoscaling (help autoscaling), tags (added to scheduled runs). Filled: arn (task\n"
        "definition with revision), image_digest, target_group_name / target_group_arn,\n"
        "certificate_arn.\n",
    },
    {
        "environment",
        NULL,
        "environment variables passed to a task's container",
        "`environment` is a map of NAME: value under a task. Each pair becomes a plain-text\n"
        "variable in the container definition; a changed value registers a new task-definition\n"
        "revision and, for a service, rolls the service onto it.\n"
        "\n"
        "  tasks:\n"
        "    worker:\n"
        "      environment:\n"
        "        LOG_LEVEL: info\n"
        "        MAX_WORKERS: \"4\"\n"
        "\n"
        "Quote values YAML reads as numbers or booleans (\"4\", \"true\") to keep them strings.\n"
        "Values are visible in the task definition, the status branch and the plan: never put\n"
        "secrets here, use `secrets` (help secrets).\n"
        "\n"
        "The variables gitfargate itself reads are listed under `help env-vars`.\n",
    },
    {
        "env-vars",
        NULL,
        "environment variables gitfargate reads",
        "AWS:\n"
        "  AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
        "  AWS_SESSION_TOKEN, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE    the usual meanings\n"
        "  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>   another endpoint, e.g. local-aws\n"
        "  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI    credentials inside ECS\n"
        "Stack file:\n"
        "  FARGATE_STACK_CONFIG   the stack file when none is given (else fargate-stack.yml)\n"
        "Logging (help logging):\n"
        "  GITFARGATE_LOG_LEVEL   error, warn, info (default), debug, trace\n"
        "  GITFARGATE_LOG         comma-separated module filter, e.g. aws,apply\n"
        "  NO_COLOR               any non-empty value turns colour off\n"
        "The AWS part is read by the AWS layer, which is being built (help commands).\n",
    },
    {
        "queues",
        "sqs",
        "one SQS queue and an optional dead-letter queue",
        "A stack may own one queue (`queue:`) and its dead-letter queue (`dlq:`). The task role\n"
        "is granted access according to a permission profile.\n"
        "\n"
        "  queue:\n"
        "    name: orders                         required\n"
        "    max_receive_count: 5                 present (even empty): make a DLQ; default 5\n"
        "    visibility_timeout: 30               seconds (default 30)\n"
        "    message_retention_period: 345600     seconds (default 4 days)\n"
        "    receive_message_wait_time_seconds: 0 long polling, 0-20 (default 0)\n"
        "    delay_seconds: 0                     0-900 (default 0)\n"
        "    maximum_message_size: 262144         bytes (default 262144)\n"
        "    permissions:\n"
        "      profile: consumer                  consumer | producer | admin | none\n"
        "      include: [sqs:GetQueueAttributes]  actions added to the profile\n"
        "      exclude: []                        actions removed from it\n"
        "  dlq:\n"
        "    name: orders-dlq                     default <queue>-dlq; same keys as queue\n"
        "\n"
        "Profiles: consumer = ReceiveMessage, DeleteMessage, ChangeMessageVisibility; producer =\n"
        "SendMessage, GetQueueAttributes; admin = sqs:*; none = no access. The DLQ is created\n"
        "first; the queue gets a RedrivePolicy pointing at it. Queues are never deleted. Filled:\n"
        "url, arn.\n"
        "\n"
        "gitfargate differs: the attributes you write are sent (FargateStack sends its defaults\n"
        "and never MaximumMessageSize), and policy actions are sorted, so no spurious drift is\n"
        "reported.\n",
    },
    {
        "buckets",
        "s3",
        "one S3 bucket and the task role's access to it",
        "  bucket:\n"
        "    name: acme-uploads     created if missing (never deleted); 3-63 chars, lower-case\n"
        "    readonly: true         only s3:GetObject (and ListBucket when paths are given)\n"
        "    paths: [incoming/*]    key patterns the object grant is limited to\n"
        "    policy: FILE-or-JSON   a bucket policy, attached when the bucket has none\n"
        "\n"
        "Full access grants s3:GetObject and s3:PutObject on the objects, s3:ListBucket on the\n"
        "bucket, to the task role. FargateStack grants the object actions on the bucket ARN\n"
        "itself when no `paths` are given, which allows no object access; gitfargate implements\n"
        "the evident intent (objects under the bucket), and it does pass `policy` to\n"
        "PutBucketPolicy, which FargateStack never does.\n",
    },
    {
        "scheduled-jobs",
        "schedules",
        "cron(), rate() and at() schedules for tasks",
        "A `type: task` with a `schedule` runs on an EventBridge rule named `<task>-schedule`\n"
        "(target id `<task>-target`, launch group `schedule:<task>`) on the default event bus.\n"
        "Times are UTC.\n"
        "\n"
        "  cron(M H DoM Mon DoW Y)   six fields; exactly one of day-of-month / day-of-week is `?`\n"
        "      cron(0 2 * * ? *)         02:00 every day\n"
        "      cron(30 6 ? * MON-FRI *)  06:30 on weekdays\n"
        "  rate(N unit)              rate(1 minute), rate(1 hour), rate(1 day);\n"
        "                            rate(5 minutes), rate(2 hours), rate(7 days)\n"
        "  at(yyyy-mm-ddThh:mm:ss)   once, at that time (UTC)\n"
        "\n"
        "A cron with `*` in both day fields is rewritten with `?` for day-of-week, with a\n"
        "warning. The events role `Events<App>Role` may run the scheduled task definitions and\n"
        "pass the roles they need. `enable-scheduled-task` / `disable-scheduled-task` (planned)\n"
        "switch the rule.\n"
        "\n"
        "gitfargate differs: rate() and at() work and the singular units AWS requires for 1 are\n"
        "accepted (FargateStack stores `1` instead of the expression); every scheduled family is\n"
        "in the events policy and the task role can be passed; an unchanged target is left alone\n"
        "instead of being removed and put again on every apply.\n",
    },
    {
        "http",
        "http-services",
        "web services behind an internal Application Load Balancer",
        "`type: http` runs the task as an ECS service behind an internal ALB in the private\n"
        "subnets, and writes an alias (A) record for `domain` in the private hosted zone\n"
        "containing it.\n"
        "\n"
        "  domain: admin.example.com     required\n"
        "  alb:\n"
        "    type: private               default for http (public for https)\n"
        "    port: 80                    listener port (default 80 for http)\n"
        "    arn: ...                    use this ALB; else the one ALB of that scheme in the\n"
        "                                VPC is reused, or `<app>-alb` is created\n"
        "                                (create: true forces a new one)\n"
        "  tasks:\n"
        "    web:\n"
        "      type: http\n"
        "      container_port: 8080      the port the container listens on (default 80)\n"
        "      port: 8080                the host port: must equal container_port on Fargate\n"
        "      health_check:\n"
        "        path: /healthz          enabled, port, path, interval_seconds (30),\n"
        "                                timeout_seconds (5), healthy_threshold_count (5),\n"
        "                                unhealthy_threshold_count (2), matcher (\"200\")\n"
        "\n"
        "A host-header rule for `domain` forwards to the target group `<app>-tg` (targets of type\n"
        "ip). The task security group accepts the ALB's security group on the container port. The\n"
        "service is created by `apply` (help gitops).\n"
        "\n"
        "gitfargate differs: the target group and the ingress rule use container_port\n"
        "(FargateStack always uses 80), and the health-check path, thresholds and matcher are\n"
        "sent as written (FargateStack sends none of them). Disabling the health check is an\n"
        "error, as there.\n",
    },
    {
        "https",
        NULL,
        "public web services: ALB, certificate, domain, redirect",
        "`type: https` is `http` with a public face: an internet-facing ALB in the public\n"
        "subnets, a listener on 443 with an ACM certificate for `domain`, and port 80 redirected\n"
        "to HTTPS (alb.redirect_80, default on). The alias record goes into the public hosted\n"
        "zone.\n"
        "\n"
        "The certificate is found by its exact domain name in ACM or requested with DNS\n"
        "validation; the validation record is written into the hosted zone. Its ARN is recorded\n"
        "under the task (certificate_arn).\n"
        "\n"
        "gitfargate differs: the certificate is attached to the HTTPS listener it creates, and\n"
        "port 80 is opened on the ALB security group whenever the redirect is on. FargateStack\n"
        "1.0.55 cannot create its listeners (a defect), reads the certificate from a key it no\n"
        "longer writes, and opens 80 only when redirect_80 is set explicitly.\n",
    },
    {
        "secrets",
        NULL,
        "secrets from AWS Secrets Manager, injected as environment variables",
        "  secrets:\n"
        "    - /prod/db-password:DB_PASSWORD\n"
        "    - arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-Ab12Cd:API_KEY\n"
        "\n"
        "Each entry is \"<secret>:<ENV>\". A name (it may contain '/') is resolved to its ARN\n"
        "with ListSecrets; a full ARN is used as written (gitfargate: FargateStack splits at\n"
        "the first ':' and cannot take an ARN). Without \":ENV\" the variable is the upper-cased\n"
        "last '/' segment of the name. The container receives the whole secret value; the\n"
        "execution role gets secretsmanager:GetSecretValue on the listed ARNs.\n"
        "\n"
        "Secret values never reach the stack file, the status branch, the plan, the logs or the\n"
        "audit log: only names and ARNs. gitfargate puts the secrets of every task in the policy\n"
        "(FargateStack keeps only the last task's).\n",
    },
    {
        "efs",
        NULL,
        "mounting an existing EFS file system in a task",
        "  efs:\n"
        "    id: fs-0123456789abcdef0   required: an existing file system\n"
        "    path: /                    root directory on the file system (default /)\n"
        "    mount_point: /mnt          path in the container (default /mnt, with a warning)\n"
        "    readonly: false\n"
        "    authorize_ingress: true    allow NFS (2049/tcp) from the task security group to the\n"
        "                               file system's mount-target security groups\n"
        "\n"
        "One EFS volume per task, with transit encryption. The execution role is granted\n"
        "ClientMount, ClientWrite and ClientRootAccess on the file system. gitfargate does not\n"
        "create file systems. Filled: arn, security_groups. (FargateStack dies on the first run\n"
        "with authorize_ingress; gitfargate finds the mount-target groups first.)\n",
    },
    {
        "autoscaling",
        NULL,
        "target tracking and scheduled scaling for services",
        "For an http, https or daemon task:\n"
        "\n"
        "  autoscaling:\n"
        "    cpu: 60                 target average CPU %, or\n"
        "    requests: 500           ALB requests per target (http/https); not both\n"
        "    min_capacity: 1         default 1\n"
        "    max_capacity: 2         default 2; min <= max\n"
        "    scale_out_cooldown: 60  seconds (default 60)\n"
        "    scale_in_cooldown: 300  seconds (default 300)\n"
        "    scheduled:\n"
        "      business-hours:\n"
        "        start_time: \"00:08\"   MM:HH - minute first\n"
        "        end_time: \"00:20\"\n"
        "        days: MON-FRI         MON-FRI, 1-7 or one day\n"
        "        min_capacity: 3/2     scale-out/scale-in pairs\n"
        "        max_capacity: 6/4\n"
        "\n"
        "Each scheduled action becomes `<app>-<action>-out-schedule` at start_time and\n"
        "`<app>-<action>-in-schedule` at end_time. With a cpu/requests policy, max_capacity must\n"
        "be at least every scheduled max; without one, each scheduled min must equal its max. The\n"
        "policy is named app-fargatestack-<app>-<task>-autoscaling-policy.\n"
        "\n"
        "gitfargate differs: scaling is built for daemons too, and the scalable target is\n"
        "registered before the policy (both fail in FargateStack 1.0.55).\n",
    },
    {
        "logging",
        "logs",
        "container logs in CloudWatch, and gitfargate's own log lines",
        "Containers log through the awslogs driver to the stack's log group\n"
        "(/ecs/app-fargatestack/<app>, retention 14 days unless log_group.retention_days says\n"
        "otherwise: 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288\n"
        "3653), streams <app>/<container>/<task-id>. `gitfargate logs TASK` (planned) reads them.\n"
        "\n"
        "gitfargate's own log goes to stderr; stdout carries only what you asked for.\n"
        "  --log-level error|warn|info|debug|trace   default info (or GITFARGATE_LOG_LEVEL)\n"
        "  --log-format human|json                   human on a terminal, JSON lines otherwise\n"
        "  --no-color, NO_COLOR=1                    no colour (only ever used on a TTY)\n"
        "  GITFARGATE_LOG=aws,apply                  only these modules below warn; errors and\n"
        "                                            warnings always pass; `*` = all\n"
        "JSON lines have ts, level, mod, msg, run, stack, then fields such as commit, action,\n"
        "kind, aws_service, aws_op, request_id, http_status, latency_ms, error, where, hint.\n"
        "Secrets, Authorization headers and tokens are never logged. See docs/logging.md.\n",
    },
    {
        "iam",
        NULL,
        "the roles and policies a stack gets",
        "  execution role Fargate<App>Role, policy Fargate<App>Policy (always):\n"
        "    ecr:GetAuthorizationToken; image pulls on each task's repository;\n"
        "    logs:CreateLogStream, PutLogEvents, CreateLogGroup on the stack log group;\n"
        "    secretsmanager:GetSecretValue on the secrets; EFS client actions on the file systems\n"
        "  task role Fargate<App>TaskRole, policy Fargate<App>TaskPolicy (only when non-empty):\n"
        "    the bucket and queue grants (help buckets, help queues), the secrets\n"
        "  events role Events<App>Role, policy Events<App>Policy (with scheduled tasks):\n"
        "    ecs:RunTask on the scheduled families in the stack's cluster, iam:PassRole on the\n"
        "    execution and task roles, ecs:TagResource on the launched tasks\n"
        "\n"
        "<App> is app.name in CamelCase: my-cron_job -> MyCronJob. Names can be overridden with\n"
        "role.name / task_role.name. Policies are compared as JSON (arrays sorted where order has\n"
        "no meaning) and replaced when they differ; trust policies are not updated. One task role\n"
        "is shared by every task of the stack.\n",
    },
    {
        "networking",
        "network",
        "the VPC, subnets and security groups",
        "The VPC is `vpc_id`, or discovered when exactly one VPC has an internet gateway (with\n"
        "several or none, set vpc_id). Subnets are classified by their route tables: public (0/0\n"
        "to an internet gateway), private (0/0 to a NAT gateway), isolated (neither). A stack\n"
        "needs two private and two public subnets, or lists them under `subnets:`.\n"
        "\n"
        "Tasks run in the private subnets without public IPs, in the security group `<app>-sg`\n"
        "(egress open). The ALB of an http/https stack has its own group, `<app>-alb-sg`, opening\n"
        "the listener ports. Private subnets need a NAT gateway or VPC endpoints (ecr.api,\n"
        "ecr.dkr, s3, logs, and secretsmanager with secrets) to pull images and ship logs.\n"
        "\n"
        "gitfargate differs: subnets you list are honoured (FargateStack replaces them by\n"
        "discovery unless cached), and subnets on the VPC's main route table are classified too.\n",
    },
    {
        "gitops",
        "gitflow",
        "merge -> plan -> apply -> status branch, the loop",
        "1. A developer changes stacks/<app>.yml and opens a pull request. CI runs\n"
        "   `gitfargate validate` and `gitfargate plan --format markdown` for the reviewers.\n"
        "2. The change is merged. gitfargate notices (webhook or poll, or `sync --once` from CI),\n"
        "   reads the stack files at that commit without a work tree, plans the changed stacks.\n"
        "3. It applies the plan. Services are created and updated by apply (FargateStack leaves\n"
        "   that to deploy-service; here merging must deploy). Mutating calls are journaled.\n"
        "4. It commits the enriched files to the status branch (default gitfargate/status), one\n"
        "   result per stack, with trailers Source-Commit:, Gitfargate-Run:, Gitfargate-Outcome:.\n"
        "   A rejected file (bad YAML, failed preflight) is recorded there with its error, and\n"
        "   nothing is applied.\n"
        "\n"
        "`git log gitfargate/status` is the deployment history; roll back with `git revert` on\n"
        "the config branch. A pass over an unchanged commit makes no AWS call.\n"
        "\n"
        "Status: the loop (sync) is being built; validate, plan and apply on a file work today.\n"
        "See docs/gitops.md.\n",
    },
    {
        "state",
        NULL,
        "configuration as state: what gitfargate fills in",
        "After a pass the enriched stack holds every name, default, id and ARN gitfargate used:\n"
        "account, region, vpc_id, subnets, cluster.arn, roles and their ARNs, log_group.arn,\n"
        "security group ids, the task-definition ARN (with revision) of each task, queue url/arn,\n"
        "certificate and target-group ARNs, last_updated. A pass that finds them makes no\n"
        "discovery calls.\n"
        "\n"
        "Locally (`apply FILE`, planned) the file itself is rewritten, the FargateStack way. In\n"
        "GitOps mode the file you wrote is never changed: the enriched copy is committed under\n"
        "the same path on the status branch. Keys are emitted in a fixed order with stable\n"
        "quoting, so its diffs show only real changes. Created resources are also tagged\n"
        "gitfargate:stack and gitfargate:managed, so lost state can be rebuilt.\n",
    },
    {
        "waf",
        NULL,
        "a WAF web ACL in front of the ALB (planned)",
        "  alb:\n"
        "    waf:\n"
        "      enabled: true\n"
        "      managed_rules: [default]    bundles: default, linux-app, wordpress-app,\n"
        "                                  windows-app, all; sets: base, sql, linux, admin, php,\n"
        "                                  wordpress, windows, anonymous, ddos, premium;\n"
        "                                  -name removes one\n"
        "      name: <app>-acl\n"
        "\n"
        "The web ACL is created with AWS managed rule groups and associated with the ALB. Filled:\n"
        "id, arn, lock_token, md5. Parsed and validated now; building it is planned.\n",
    },
    {
        "exit-codes",
        "exit",
        "what gitfargate's exit status means",
        "   0  success, or no changes\n"
        "   1  failure: invalid input, failed apply, not found\n"
        "   2  plan --detailed-exitcode: changes are pending\n"
        "   3  conflict: the state moved (push race, resource exists elsewhere); try again\n"
        "  64  usage error\n"
        "  70  internal error (a bug in gitfargate: please report it)\n"
        "  75  temporary failure: AWS throttling, 5xx or unreachable, a busy database or a\n"
        "      held lock, after the retries; run again later\n"
        "  77  authentication failed or permission denied\n"
        "See docs/exit-codes.md.\n",
    },
    {
        "local-aws",
        NULL,
        "a local stand-in for AWS, for trying gitfargate without an account",
        "`gitfargate local-aws` serves the AWS APIs gitfargate calls over HTTP on 127.0.0.1, with\n"
        "its state in SQLite. It is strict where AWS is: it checks SigV4 signatures, required\n"
        "parameters, name rules and limits, and returns AWS's error codes. Point gitfargate (or\n"
        "the AWS CLI) at it with AWS_ENDPOINT_URL=http://127.0.0.1:PORT. It serves all 15\n"
        "services gitfargate calls, with the state AWS implies (tasks that start and stop,\n"
        "certificates issued once their DNS record exists), a starting topology, and fault\n"
        "injection (throttling, 5xx errors, dropped connections, latency). See docs/local-aws.md.\n",
    },
    {
        "audit",
        NULL,
        "the SQLite audit store and `gitfargate audit`",
        "Every run is recorded in SQLite (WAL mode), by default in .gitfargate/gitfargate.db:\n"
        "the run (id, source commit, stack, trigger, outcome, timings), its actions (kind, key,\n"
        "change, reason, outcome) and its API calls (service, operation, status, latency,\n"
        "request id). The same database holds the apply journal: each mutating call is written\n"
        "before it is sent and completed after, so a pass after a crash resolves unfinished\n"
        "calls before planning. Only names, ARNs, ids and error messages are stored: never a\n"
        "secret value or a request body.\n"
        "\n"
        "  gitfargate audit [--db PATH] [--stack S] [--since T] [--format table|json] [--limit N]\n"
        "  gitfargate audit [--db PATH] [--format table|json] RUN\n"
        "\n"
        "The first form lists runs, newest first (20 unless --limit), with their actions; --since\n"
        "takes a duration back from now (30m, 2h, 3d, 1w) or a UTC time. The second shows one run\n"
        "in full with its API calls.\n",
    },
    {
        "fargatestack",
        "differences",
        "how gitfargate differs from App::FargateStack",
        "gitfargate reads App::FargateStack's stack files and derives the same names and\n"
        "defaults.\n"
        "Where FargateStack 1.0.55 has a defect, gitfargate does what the code evidently means:\n"
        "  - services are created and updated by apply (merging must deploy)\n"
        "  - rate() and at() schedules work; singular rate units are accepted\n"
        "  - queue attributes are sent, MaximumMessageSize included\n"
        "  - image `repo:tag` resolves to <registry>/<repo>:<tag>, not a doubled tag\n"
        "  - the certificate is attached to the HTTPS listener; port 80 opens with the redirect\n"
        "  - target group, ingress and health check use the container port and the given settings\n"
        "  - the bucket policy is passed; object grants cover the objects\n"
        "  - policies list every scheduled family and every task's secrets, in a stable order\n"
        "  - unchanged scheduled targets are left alone; user-written subnets are honoured\n"
        "It differs by design, too: the state of a GitOps run goes to a status branch instead of\n"
        "back into the file; no side files (taskdef-*.json, .bak, .fargatestack/) are written;\n"
        "AWS is called directly over HTTPS, not through the aws CLI.\n",
    },
    {
        "help",
        NULL,
        "how to use help, and the list of subjects",
        "gitfargate help SUBJECT shows one subject; a unique prefix is enough (help sched). An\n"
        "ambiguous prefix lists the subjects it matches. `help help` lists every subject.\n",
    },
};

#define HELP_N (sizeof(s_subjects) / sizeof(s_subjects[0]))

const struct gf_help_subject *gf_help_subjects(size_t *n_out)
{
    *n_out = HELP_N;
    return s_subjects;
}

/* Lower-case `src` into dst with ' ' and '_' as '-'. False when it does not fit. */
static bool normalise(char *dst, size_t cap, const char *src)
{
    size_t i;

    for (i = 0; src[i]; i++) {
        char c = src[i];

        if (i + 1 >= cap)
            return false;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '_')
            c = '-';
        dst[i] = c;
    }
    dst[i] = '\0';
    return true;
}

static bool is_prefix(const char *prefix, const char *s)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_exact(const char *q, const struct gf_help_subject *s)
{
    return strcmp(s->name, q) == 0 || (s->alias && strcmp(s->alias, q) == 0);
}

size_t gf_help_matches(const struct gf_help_subject **out, size_t max, const char *name)
{
    char q[HELP_NAME_MAX];
    size_t i;
    size_t n = 0;

    if (!name || !name[0] || !normalise(q, sizeof(q), name))
        return 0;
    for (i = 0; i < HELP_N; i++) {
        if (is_exact(q, &s_subjects[i])) {
            if (max > 0)
                out[0] = &s_subjects[i];
            return 1;
        }
    }
    for (i = 0; i < HELP_N; i++) {
        if (!is_prefix(q, s_subjects[i].name) && !is_prefix(q, s_subjects[i].alias))
            continue;
        if (n < max)
            out[n] = &s_subjects[i];
        n++;
    }
    return n;
}

/* "did you mean: a, b, c" for an ambiguous name, as the gf_error's hint. */
static void hint_candidates(const struct gf_help_subject *const *found, size_t stored, size_t total)
{
    char hint[512];
    size_t len;
    size_t i;

    len = (size_t)snprintf(hint, sizeof(hint), "did you mean:");
    for (i = 0; i < stored && len < sizeof(hint); i++)
        len +=
            (size_t)snprintf(hint + len, sizeof(hint) - len, "%s %s", i ? "," : "", found[i]->name);
    if (total > stored && len < sizeof(hint))
        snprintf(hint + len, sizeof(hint) - len, ", ...");
    gf_error_hint("%s", hint);
}

int gf_help_find(const struct gf_help_subject **out, const char *name)
{
    const struct gf_help_subject *found[HELP_HINT_MAX];
    size_t n;

    *out = NULL;
    if (!name || !name[0]) {
        gf_error_set(GF_EINVALID, "no help subject given");
        gf_error_key("subject");
        gf_error_hint("run 'gitfargate help help' for the list of subjects");
        return GF_EINVALID;
    }
    n = gf_help_matches(found, HELP_HINT_MAX, name);
    if (n == 0) {
        gf_error_set(GF_ENOTFOUND, "unknown help subject '%s'", name);
        gf_error_key("subject");
        gf_error_hint("run 'gitfargate help help' for the list of subjects");
        return GF_ENOTFOUND;
    }
    if (n > 1) {
        gf_error_set(GF_EINVALID, "help subject '%s' is ambiguous", name);
        gf_error_key("subject");
        hint_candidates(found, n < HELP_HINT_MAX ? n : HELP_HINT_MAX, n);
        return GF_EINVALID;
    }
    *out = found[0];
    return 0;
}

int gf_help_format_subject(struct gf_buf *out, const struct gf_help_subject *subject)
{
    gf_buf_puts(out, subject->name);
    if (subject->alias)
        gf_buf_printf(out, " (also: %s)", subject->alias);
    gf_buf_printf(out, " - %s\n\n%s", subject->summary, subject->text);
    if (gf_buf_failed(out))
        return GF_ENOMEM;
    return 0;
}

int gf_help_format_list(struct gf_buf *out)
{
    size_t width = 0;
    size_t i;

    for (i = 0; i < HELP_N; i++) {
        size_t len = strlen(s_subjects[i].name);

        if (len > width)
            width = len;
    }
    for (i = 0; i < HELP_N; i++)
        gf_buf_printf(out, "  %-*s  %s\n", (int)width, s_subjects[i].name, s_subjects[i].summary);
    if (gf_buf_failed(out))
        return GF_ENOMEM;
    return 0;
}

static int render_with_list(struct gf_buf *out, const struct gf_help_subject *subject)
{
    int rc;

    rc = gf_help_format_subject(out, subject);
    if (rc < 0)
        return rc;
    if (gf_buf_puts(out, "\nSubjects (gitfargate help SUBJECT; a unique prefix will do):\n") < 0)
        return GF_ENOMEM;
    return gf_help_format_list(out);
}

int gf_help_render(struct gf_buf *out, const char *name)
{
    const struct gf_help_subject *subject = NULL;
    int rc;

    if (!name || !name[0])
        rc = gf_help_find(&subject, "overview");
    else
        rc = gf_help_find(&subject, name);
    if (rc < 0)
        return rc;
    if (!name || !name[0] || strcmp(subject->name, "help") == 0)
        return render_with_list(out, subject);
    return gf_help_format_subject(out, subject);
}
