/* SPDX-License-Identifier: Apache-2.0 */
/* service.c: the service table (aws/service.h), from reference/aws-protocols.md §1, which was
 * read from botocore 1.43.11's service models. */
#include <string.h>

#include "aws/service.h"
#include "common/banned.h"

const struct gf_aws_service gf_aws_sts = {
    "sts", "sts", "sts", "STS", "sts", GF_AWS_PROTO_QUERY, "2011-06-15", NULL, NULL,
    "https://sts.amazonaws.com/doc/2011-06-15/", NULL, NULL};
const struct gf_aws_service gf_aws_ecs = {
    "ecs", "ecs", "ecs", "ECS", "ecs", GF_AWS_PROTO_JSON, "2014-11-13", "1.1",
    "AmazonEC2ContainerServiceV20141113", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_ecr = {
    "ecr", "api.ecr", "ecr", "ECR", "ecr", GF_AWS_PROTO_JSON, "2015-09-21", "1.1",
    "AmazonEC2ContainerRegistry_V20150921", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_iam = {
    "iam", "iam", "iam", "IAM", "iam", GF_AWS_PROTO_QUERY, "2010-05-08", NULL, NULL,
    "https://iam.amazonaws.com/doc/2010-05-08/", "iam.amazonaws.com", "us-east-1"};
const struct gf_aws_service gf_aws_ec2 = {
    "ec2", "ec2", "ec2", "EC2", "ec2", GF_AWS_PROTO_EC2, "2016-11-15", NULL, NULL,
    "http://ec2.amazonaws.com/doc/2016-11-15", NULL, NULL};
const struct gf_aws_service gf_aws_elbv2 = {
    "elbv2", "elasticloadbalancing", "elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2",
    "elastic_load_balancing_v2", GF_AWS_PROTO_QUERY, "2015-12-01", NULL, NULL,
    "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", NULL, NULL};
const struct gf_aws_service gf_aws_logs = {
    "logs", "logs", "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs", GF_AWS_PROTO_JSON,
    "2014-03-28", "1.1", "Logs_20140328", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_events = {
    "events", "events", "events", "EVENTBRIDGE", "eventbridge", GF_AWS_PROTO_JSON,
    "2015-10-07", "1.1", "AWSEvents", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_sqs = {
    "sqs", "sqs", "sqs", "SQS", "sqs", GF_AWS_PROTO_JSON, "2012-11-05", "1.0", "AmazonSQS",
    "http://queue.amazonaws.com/doc/2012-11-05/", NULL, NULL};
const struct gf_aws_service gf_aws_s3 = {
    "s3", "s3", "s3", "S3", "s3", GF_AWS_PROTO_REST_XML, "2006-03-01", NULL, NULL,
    "http://s3.amazonaws.com/doc/2006-03-01/", NULL, NULL};
const struct gf_aws_service gf_aws_acm = {
    "acm", "acm", "acm", "ACM", "acm", GF_AWS_PROTO_JSON, "2015-12-08", "1.1",
    "CertificateManager", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_route53 = {
    "route53", "route53", "route53", "ROUTE_53", "route_53", GF_AWS_PROTO_REST_XML,
    "2013-04-01", NULL, NULL, "https://route53.amazonaws.com/doc/2013-04-01/",
    "route53.amazonaws.com", "us-east-1"};
const struct gf_aws_service gf_aws_secretsmanager = {
    "secretsmanager", "secretsmanager", "secretsmanager", "SECRETS_MANAGER", "secrets_manager",
    GF_AWS_PROTO_JSON, "2017-10-17", "1.1", "secretsmanager", NULL, NULL, NULL};
const struct gf_aws_service gf_aws_ssm = {
    "ssm", "ssm", "ssm", "SSM", "ssm", GF_AWS_PROTO_JSON, "2014-11-06", "1.1", "AmazonSSM",
    NULL, NULL, NULL};
const struct gf_aws_service gf_aws_efs = {
    "efs", "elasticfilesystem", "elasticfilesystem", "EFS", "efs", GF_AWS_PROTO_REST_JSON,
    "2015-02-01", NULL, NULL, NULL, NULL, NULL};

const struct gf_aws_service *const gf_aws_services[] = {
    &gf_aws_sts, &gf_aws_ecs, &gf_aws_ecr, &gf_aws_iam, &gf_aws_ec2, &gf_aws_elbv2,
    &gf_aws_logs, &gf_aws_events, &gf_aws_sqs, &gf_aws_s3, &gf_aws_acm, &gf_aws_route53,
    &gf_aws_secretsmanager, &gf_aws_ssm, &gf_aws_efs, NULL};

const struct gf_aws_service *gf_aws_service_by_id(const char *id)
{
    size_t i;

    for (i = 0; id && gf_aws_services[i]; i++) {
        if (strcmp(gf_aws_services[i]->id, id) == 0)
            return gf_aws_services[i];
    }
    return NULL;
}

const struct gf_aws_service *gf_aws_service_by_signing_name(const char *name, unsigned len)
{
    size_t i;

    for (i = 0; name && gf_aws_services[i]; i++) {
        const char *s = gf_aws_services[i]->signing_name;

        if (strlen(s) == len && memcmp(s, name, len) == 0)
            return gf_aws_services[i];
    }
    return NULL;
}

const struct gf_aws_service *gf_aws_service_by_target(const char *target_prefix, unsigned len)
{
    size_t i;

    for (i = 0; target_prefix && gf_aws_services[i]; i++) {
        const char *s = gf_aws_services[i]->target_prefix;

        if (s && strlen(s) == len && memcmp(s, target_prefix, len) == 0)
            return gf_aws_services[i];
    }
    return NULL;
}
