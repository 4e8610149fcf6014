#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# gen_requests.py: expected request bytes from botocore's own serializers (the oracle for
# tests/unit/codec_test.c): writes tests/data/aws/requests/<name>.json with the input and the
# method, path, query, headers and body botocore produces. Run from the repo root.
import json
import os

import botocore.session
from botocore.serialize import create_serializer

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    ('iam_create_role', 'iam', 'CreateRole', {
        'RoleName': 'r1', 'AssumeRolePolicyDocument': '{"Version":"2012-10-17"}',
        'Tags': [{'Key': 'a', 'Value': 'b'}, {'Key': 'team', 'Value': 'web ops'}]}),
    ('iam_list_roles', 'iam', 'ListRoles', {'PathPrefix': '/gf/', 'MaxItems': 100}),
    ('sts_get_caller_identity', 'sts', 'GetCallerIdentity', {}),
    ('elbv2_create_target_group', 'elbv2', 'CreateTargetGroup', {
        'Name': 'tg-web', 'Protocol': 'HTTP', 'Port': 8080, 'VpcId': 'vpc-1', 'TargetType': 'ip',
        'HealthCheckPath': '/health', 'HealthCheckEnabled': True, 'Matcher': {'HttpCode': '200-299'},
        'Tags': [{'Key': 'stack', 'Value': 'api'}]}),
    ('elbv2_describe_target_groups_empty', 'elbv2', 'DescribeTargetGroups', {'Names': []}),
    ('elbv2_create_rule', 'elbv2', 'CreateRule', {
        'ListenerArn': 'arn:l', 'Priority': 10,
        'Conditions': [{'Field': 'host-header', 'HostHeaderConfig': {'Values': ['a.example.com']}}],
        'Actions': [{'Type': 'forward', 'TargetGroupArn': 'arn:tg'}]}),
    ('ec2_describe_subnets', 'ec2', 'DescribeSubnets', {
        'Filters': [{'Name': 'vpc-id', 'Values': ['vpc-1']},
                    {'Name': 'tag:Name', 'Values': ['a', 'b c']}],
        'SubnetIds': ['subnet-1', 'subnet-2'], 'DryRun': False}),
    ('ec2_authorize_ingress', 'ec2', 'AuthorizeSecurityGroupIngress', {
        'GroupId': 'sg-1', 'IpPermissions': [{
            'IpProtocol': 'tcp', 'FromPort': 80, 'ToPort': 80,
            'IpRanges': [{'CidrIp': '0.0.0.0/0'}],
            'UserIdGroupPairs': [{'GroupId': 'sg-2'}]}]}),
    ('ec2_create_security_group', 'ec2', 'CreateSecurityGroup', {
        'GroupName': 'web', 'Description': 'web tier', 'VpcId': 'vpc-1',
        'TagSpecifications': [{'ResourceType': 'security-group',
                               'Tags': [{'Key': 'Name', 'Value': 'web'}]}],
        'SubnetIdsEmpty': None}),
    ('ec2_describe_vpcs_empty_list', 'ec2', 'DescribeVpcs', {'VpcIds': []}),
    ('ecs_describe_services', 'ecs', 'DescribeServices', {'cluster': 'c', 'services': ['s']}),
    ('sqs_get_queue_url', 'sqs', 'GetQueueUrl', {'QueueName': 'q1'}),
    ('route53_change_rrsets', 'route53', 'ChangeResourceRecordSets', {
        'HostedZoneId': '/hostedzone/Z123', 'ChangeBatch': {'Changes': [{
            'Action': 'UPSERT', 'ResourceRecordSet': {
                'Name': 'a.example.com.', 'Type': 'CNAME', 'TTL': 300,
                'ResourceRecords': [{'Value': 'b.example.com'}]}}]}}),
    ('route53_list_rrsets', 'route53', 'ListResourceRecordSets', {
        'HostedZoneId': 'Z123', 'StartRecordName': 'a b.example.com.', 'StartRecordType': 'A',
        'MaxItems': '100'}),
    ('route53_get_change', 'route53', 'GetChange', {'Id': '/change/C42'}),
    ('s3_create_bucket', 's3', 'CreateBucket', {
        'Bucket': 'my-bucket', 'ACL': 'private',
        'CreateBucketConfiguration': {'LocationConstraint': 'eu-west-1'}}),
    ('s3_put_bucket_tagging', 's3', 'PutBucketTagging', {
        'Bucket': 'my-bucket', 'Tagging': {'TagSet': [{'Key': 'a', 'Value': 'x&y'},
                                                      {'Key': 'b', 'Value': '2'}]}}),
    ('s3_put_public_access_block', 's3', 'PutPublicAccessBlock', {
        'Bucket': 'my-bucket', 'PublicAccessBlockConfiguration': {
            'BlockPublicAcls': True, 'IgnorePublicAcls': True, 'BlockPublicPolicy': False,
            'RestrictPublicBuckets': True}}),
    ('s3_put_bucket_encryption', 's3', 'PutBucketEncryption', {
        'Bucket': 'my-bucket', 'ServerSideEncryptionConfiguration': {'Rules': [{
            'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'AES256'}}]}}),
    ('s3_head_bucket', 's3', 'HeadBucket', {'Bucket': 'my-bucket'}),
    ('efs_untag_resource', 'efs', 'UntagResource', {
        'ResourceId': 'fs-1', 'TagKeys': ['gitfargate:stack', 'team']}),
    ('efs_untag_resource_one', 'efs', 'UntagResource', {'ResourceId': 'fs-1', 'TagKeys': ['team']}),
    ('efs_describe_file_systems', 'efs', 'DescribeFileSystems', {
        'CreationToken': 'gf-data', 'MaxItems': 10, 'Marker': 'm/1=2'}),
]


def main():
    session = botocore.session.get_session()
    loader = session.get_component('data_loader')
    os.makedirs(os.path.join(HERE, 'requests'), exist_ok=True)
    for name, svc, op, params in CASES:
        params = {k: v for k, v in params.items() if v is not None}
        model = session.get_service_model(svc)
        opm = model.operation_model(op)
        if svc == 'route53':  # the handler botocore runs before serializing (§7.12)
            from botocore.handlers import fix_route53_ids
            fix_route53_ids(params, opm)
        ser = create_serializer(model.metadata['protocol'], include_validation=False)
        r = ser.serialize_to_request(params, opm)
        body = r['body']
        if isinstance(body, dict):  # query: botocore urlencodes the dict later
            import urllib.parse
            body = urllib.parse.urlencode(body)
        if isinstance(body, bytes):
            body = body.decode()
        from botocore.utils import percent_encode_sequence
        url = r['url_path']
        query = ''
        if '?' in url:
            url, query = url.split('?', 1)
        if r['query_string']:
            qs = percent_encode_sequence(r['query_string'])
            query = query + '&' + qs if query else qs
        headers = {k: v for k, v in r['headers'].items()}
        if (opm.http_checksum or {}).get('requestChecksumRequired'):  # we send Content-MD5 where botocore sends a CRC32
            import base64
            import hashlib
            headers['Content-MD5'] = base64.b64encode(hashlib.md5(body.encode()).digest()).decode()
        if model.metadata['protocol'] in ('query', 'ec2'):
            headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8'
        case = {'service': svc, 'op': op, 'input': params, 'method': r['method'],
                'path': url, 'query': query, 'headers': headers, 'body': body}
        with open(os.path.join(HERE, 'requests', name + '.json'), 'w') as f:
            json.dump(case, f, indent=1)
            f.write('\n')


main()
