#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# gen_codec_ops.py: writes aws/codec_ops.c, the shape hints of the query, ec2, rest-xml and
# rest-json operations of reference/aws-protocols.md §7, read from botocore's service models.
# Run: python3 scripts/gen_codec_ops.py > aws/codec_ops.c
import gzip
import json
import os

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), 'data')

OPS = {
    ('sts', '2011-06-15'): ['GetCallerIdentity', 'AssumeRole', 'AssumeRoleWithWebIdentity'],
    ('iam', '2010-05-08'): ['CreateRole', 'GetRole', 'DeleteRole', 'UpdateAssumeRolePolicy',
                            'PutRolePolicy', 'GetRolePolicy', 'DeleteRolePolicy',
                            'ListRolePolicies', 'ListRoles', 'TagRole', 'UntagRole',
                            'ListRoleTags', 'AttachRolePolicy', 'DetachRolePolicy',
                            'ListAttachedRolePolicies'],
    ('ec2', '2016-11-15'): ['DescribeVpcs', 'DescribeSubnets', 'DescribeRouteTables',
                            'DescribeInternetGateways', 'DescribeNatGateways',
                            'CreateSecurityGroup', 'DescribeSecurityGroups',
                            'AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress',
                            'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress',
                            'DescribeSecurityGroupRules', 'DeleteSecurityGroup', 'CreateTags',
                            'DeleteTags', 'DescribeTags', 'DescribeAvailabilityZones',
                            'CreateVpc', 'DeleteVpc', 'CreateSubnet', 'DeleteSubnet',
                            'CreateInternetGateway', 'AttachInternetGateway',
                            'DetachInternetGateway', 'DeleteInternetGateway',
                            'CreateRouteTable', 'DeleteRouteTable', 'CreateRoute',
                            'AssociateRouteTable', 'AllocateAddress', 'ReleaseAddress',
                            'CreateNatGateway', 'DeleteNatGateway'],
    ('elbv2', '2015-12-01'): ['CreateLoadBalancer', 'DescribeLoadBalancers', 'CreateTargetGroup',
                              'DescribeTargetGroups', 'ModifyTargetGroup', 'CreateListener',
                              'DescribeListeners', 'ModifyListener', 'CreateRule',
                              'DescribeRules', 'ModifyRule', 'DescribeTargetHealth',
                              'RegisterTargets', 'DeregisterTargets', 'AddTags', 'RemoveTags',
                              'DescribeTags', 'DeleteLoadBalancer', 'DeleteTargetGroup',
                              'DeleteListener', 'DeleteRule', 'DescribeLoadBalancerAttributes',
                              'ModifyLoadBalancerAttributes', 'DescribeTargetGroupAttributes',
                              'ModifyTargetGroupAttributes'],
    ('s3', '2006-03-01'): ['CreateBucket', 'HeadBucket', 'ListBuckets', 'GetBucketLocation',
                           'PutPublicAccessBlock', 'GetPublicAccessBlock',
                           'DeletePublicAccessBlock', 'PutBucketEncryption',
                           'GetBucketEncryption', 'PutBucketTagging', 'GetBucketTagging',
                           'DeleteBucketTagging', 'ListObjectsV2', 'PutObject', 'DeleteObject',
                           'DeleteBucket'],
    ('route53', '2013-04-01'): ['CreateHostedZone', 'ListHostedZones', 'ListHostedZonesByName',
                                'GetHostedZone', 'DeleteHostedZone', 'ChangeResourceRecordSets',
                                'ListResourceRecordSets', 'GetChange', 'ChangeTagsForResource',
                                'ListTagsForResource'],
    ('efs', '2015-02-01'): ['DescribeFileSystems', 'DescribeMountTargets',
                            'DescribeMountTargetSecurityGroups', 'CreateFileSystem',
                            'DeleteFileSystem', 'CreateMountTarget', 'DeleteMountTarget',
                            'TagResource', 'UntagResource', 'ListTagsForResource'],
}
SCALAR = {'integer': 'INT', 'long': 'INT', 'boolean': 'BOOL', 'double': 'DOUBLE',
          'float': 'DOUBLE', 'timestamp': 'TIME', 'blob': 'BLOB'}
LOC = {'uri': 'URI', 'querystring': 'QUERY', 'header': 'HEADER'}


def load(svc, ver):
    p = os.path.join(DATA, svc, ver, 'service-2.json')
    if os.path.exists(p):
        return json.load(open(p))
    return json.load(gzip.open(p + '.gz'))


def c(s):
    return 'NULL' if s is None else '"%s"' % s


class Gen:
    def __init__(self, model):
        self.m = model
        self.proto = model['metadata']['protocol']
        self.rows = []

    def shape(self, name):
        return self.m['shapes'][name]

    def in_wire(self, mname, ref):
        if self.proto == 'ec2':
            if 'queryName' in ref:
                return ref['queryName']
            if 'locationName' in ref:
                n = ref['locationName']
                return n[0].upper() + n[1:]
            return mname
        return ref.get('locationName', mname)

    def add(self, path, wire, typ, loc=None, item=None, item2=None):
        self.rows.append((path, wire, typ, loc, item, item2))

    def walk_in(self, sname, path, depth, top):
        sh = self.shape(sname)
        if depth > 8:
            return
        for mname, ref in sh.get('members', {}).items():
            p = path + [mname]
            wire = self.in_wire(mname, ref)
            loc = LOC.get(ref.get('location')) if top else None
            if loc == 'URI' and self.shape(ref['shape']).get('type') == 'string' and \
                    ref['shape'] in ('ResourceId', 'ChangeId', 'DelegationSetId'):
                loc = 'URI_ID'
            self.member(p, wire, ref, loc, depth, 'in')

    def member(self, p, wire, ref, loc, depth, way):
        msh = self.shape(ref['shape'])
        t = msh['type']
        w = None if wire == p[-1] else wire
        key = '.'.join(p)
        if t == 'structure':
            if w or loc:
                self.add(key, w, 'STRUCT', loc)
            (self.walk_in if way == 'in' else self.walk_out)(ref['shape'], p, depth + 1, False)
        elif t == 'list':
            mref = msh['member']
            flat = msh.get('flattened') or (self.proto == 'ec2' and way == 'in')
            if flat:
                item = None if self.proto == 'ec2' else mref.get('locationName')
                self.add(key, w, 'FLIST', loc, item)
            else:
                self.add(key, w, 'LIST', loc, mref.get('locationName', 'member'))
            esh = self.shape(mref['shape'])
            if esh['type'] == 'structure':
                (self.walk_in if way == 'in' else self.walk_out)(mref['shape'], p, depth + 1, False)
        elif t == 'map':
            kn = msh['key'].get('locationName', 'key')
            vn = msh['value'].get('locationName', 'value')
            self.add(key, w, 'FMAP' if msh.get('flattened') else 'MAP', loc, kn, vn)
        else:
            typ = SCALAR.get(t, 'STRING')
            if w or loc or typ != 'STRING':
                self.add(key, w, typ, loc)

    def walk_out(self, sname, path, depth, top):
        sh = self.shape(sname)
        if depth > 8:
            return
        for mname, ref in sh.get('members', {}).items():
            if top and ref.get('location') == 'statusCode':
                continue
            if top and ref.get('location') == 'header':
                self.add(mname, ref['locationName'], 'STRING', 'HEADER')
                continue
            wire = ref.get('locationName', mname)
            # Output paths are element names: the decoded JSON's keys.
            p = path + [wire]
            self.member(p, wire, ref, None, depth, 'out')


def emit():
    out = []
    table = []
    out.append('/* SPDX-License-Identifier: Apache-2.0 */')
    out.append('/* codec_ops.c: GENERATED by scripts/gen_codec_ops.py from botocore %s; do not'
               % botocore.__version__)
    out.append(' * edit. The shape hints (aws/codec.h) of the query, ec2, rest-xml and rest-json operations')
    out.append(' * of reference/aws-protocols.md §7. */')
    out.append('#include <stddef.h>\n')
    out.append('#include "aws/codec.h"')
    out.append('#include "common/banned.h"\n')
    out.append('/* clang-format off */')
    for (svc, ver), ops in OPS.items():
        m = load(svc, ver)
        for op in ops:
            o = m['operations'][op]
            names = {}
            for way in ('in', 'out'):
                ref = o.get('input' if way == 'in' else 'output')
                if not ref:
                    names[way] = 'NULL'
                    continue
                g = Gen(m)
                if way == 'in':
                    g.walk_in(ref['shape'], [], 0, True)
                else:
                    g.walk_out(ref['shape'], [], 0, True)
                if not g.rows:
                    names[way] = 'NULL'
                    continue
                nm = 's_%s_%s_%s' % (svc, op, way)
                names[way] = nm
                out.append('static const struct gf_aws_hint %s[] = {' % nm)
                for (path, wire, typ, loc, item, item2) in g.rows:
                    out.append('    {%s, %s, GF_AWS_H_%s, %s, %s, %s},' % (
                        c(path), c(wire), typ, 'GF_AWS_LOC_' + loc if loc else '0', c(item), c(item2)))
                out.append('    {NULL, NULL, 0, 0, NULL, NULL}};')
            http = o.get('http', {})
            inref = o.get('input') or {}
            ins = m['shapes'][inref['shape']] if inref else {}
            payload = ins.get('payload')
            root = None
            ns = None
            if payload:
                pref = ins['members'][payload]
                # a blob payload (S3 PutObject's Body) is the raw body: no XML root
                if m['shapes'][pref['shape']].get('type') not in ('blob', 'string'):
                    root = pref.get('locationName', payload)
                    ns = (pref.get('xmlNamespace') or {}).get('uri')
            elif m['metadata']['protocol'] == 'rest-xml' and inref.get('locationName'):
                root = inref['locationName']
                ns = (inref.get('xmlNamespace') or {}).get('uri')
            wrapper = (o.get('output') or {}).get('resultWrapper')
            flags = []
            if o.get('httpChecksum', {}).get('requestChecksumRequired'):
                flags.append('GF_AWS_OP_CHECKSUM')
            table.append('    {&gf_aws_%s, "%s", "%s", "%s", %s, %s, %s, %s, %s, %s, %s},' % (
                svc, op, http.get('method', 'POST'), http.get('requestUri', '/'), c(payload),
                c(root), c(ns), c(wrapper), names['in'], names['out'],
                ' | '.join(flags) if flags else '0'))
    out.append('')
    out.append('const struct gf_aws_op gf_aws_ops[] = {')
    out.extend(table)
    out.append('    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0}};')
    out.append('/* clang-format on */')
    print('\n'.join(out))


emit()
