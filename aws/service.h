/* SPDX-License-Identifier: Apache-2.0 */
/* service.h: the 15 AWS services gitfargate speaks, as data (reference/aws-protocols.md §1).
 * Everything protocol- or endpoint-specific about a service is a field here, so the codecs,
 * the signer, endpoint resolution and local-aws's dispatch read one table. */
#ifndef GF_AWS_SERVICE_H
#define GF_AWS_SERVICE_H

#include <stdbool.h>

enum gf_aws_protocol {
    GF_AWS_PROTO_QUERY = 0, /* STS, IAM, ELBv2 (and SQS's legacy form) */
    GF_AWS_PROTO_EC2,       /* EC2 */
    GF_AWS_PROTO_JSON,      /* ECS, ECR, Logs, EventBridge, ACM, Secrets Manager, SSM, SQS */
    GF_AWS_PROTO_REST_XML,  /* S3, Route 53 */
    GF_AWS_PROTO_REST_JSON, /* EFS */
};

struct gf_aws_service {
    const char *id;              /* botocore's service name: "ecs", "elbv2", "logs" */
    const char *endpoint_prefix; /* host label: "ecs", "api.ecr", "elasticloadbalancing" */
    const char *signing_name;    /* SigV4 scope service: "ecs", "ecr", "elasticloadbalancing" */
    const char *env_suffix;      /* AWS_ENDPOINT_URL_<env_suffix>: "ECS", "CLOUDWATCH_LOGS" */
    const char *config_key;      /* `services` section key in ~/.aws/config: "ecs", "cloudwatch_logs" */
    enum gf_aws_protocol protocol;
    const char *api_version;   /* "2014-11-13" */
    const char *json_version;  /* "1.1", "1.0" for SQS; NULL when not JSON */
    const char *target_prefix; /* X-Amz-Target prefix: "AmazonEC2ContainerServiceV20141113" */
    const char *xml_namespace; /* response namespace for query/ec2/rest-xml; NULL otherwise */
    const char *global_host;   /* "iam.amazonaws.com" for global services; NULL otherwise */
    const char *global_region; /* the region a global service signs for: "us-east-1" */
};

extern const struct gf_aws_service gf_aws_sts, gf_aws_ecs, gf_aws_ecr, gf_aws_iam, gf_aws_ec2,
    gf_aws_elbv2, gf_aws_logs, gf_aws_events, gf_aws_sqs, gf_aws_s3, gf_aws_acm, gf_aws_route53,
    gf_aws_secretsmanager, gf_aws_ssm, gf_aws_efs;

/* Every service, NULL-terminated. */
extern const struct gf_aws_service *const gf_aws_services[];

/* Look up by id ("ecs"), by signing name ("elasticloadbalancing", "ecr"), or by JSON target
 * prefix ("AmazonEC2ContainerServiceV20141113"); NULL if unknown. */
const struct gf_aws_service *gf_aws_service_by_id(const char *id);
const struct gf_aws_service *gf_aws_service_by_signing_name(const char *name, unsigned len);
const struct gf_aws_service *gf_aws_service_by_target(const char *target_prefix, unsigned len);

#endif
