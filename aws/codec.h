/* SPDX-License-Identifier: Apache-2.0 */
/* codec.h: the AWS protocol codecs (reference/aws-protocols.md §2): operation input as a jansson
 * json_t in, HTTP request parts out; HTTP response parts in, json_t out. Both directions of both
 * sides: the client encodes requests and decodes responses, local-aws decodes requests and
 * encodes responses, so the two share one codec. Codecs never do I/O (STYLE.md §1) and never sign.
 *
 * Design: shape hints as data. Query and EC2 flatten lists and maps by shape (`Tags.member.1.Key`,
 * `Filter.1.Value.1`, `Attributes.entry.1.key`), rest-xml names list items by shape (`Changes/
 * Change`), and an XML list of one element or none cannot be told from a structure or a string by
 * reading it. So each operation carries a small table of hints (struct gf_aws_hint) naming only
 * the members that differ from the defaults: lists and maps with their style and item names,
 * renamed members (EC2 `Filters` -> `Filter`), non-string scalars, and REST bindings (URI label,
 * query string, header). The tables (aws/codec_ops.c) are generated from botocore's models by
 * scripts/gen_codec_ops.py, so they are right by construction and cover the §7 operations;
 * the alternative, service files building flattened key/value pairs, would spread each
 * protocol's rules over 15 files and could not serve local-aws's decoding. JSON protocols need
 * no hints: the input is the body.
 *
 * Keys. Input objects use botocore member names ({"RoleName":"r"}, {"cluster":"x"}). Decoded XML
 * responses use the element names as keys (EC2 `vpcSet`, `vpcId`; IAM `Role`), with `member` /
 * `item` / named-item lists turned into arrays and hinted scalars typed (integers, booleans,
 * optionally timestamps). Hint paths: member names (input) or element names (output) joined by
 * '.', list elements and map values transparent: "IpPermissions.UserIdGroupPairs".
 *
 * Ownership, once for the whole API: a struct gf_aws_wire owns all it holds (release it); a
 * struct gf_aws_msg and the json_t inputs are borrowed for the call; json_t outputs (`**out`) are
 * new references the caller json_decref()s. Nothing here blocks. */
#ifndef GF_AWS_CODEC_H
#define GF_AWS_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/service.h"
#include "common/buf.h"
#include "common/uri.h"

/* ---- shape hints ------------------------------------------------------------------------ */

enum gf_aws_hint_type {
    GF_AWS_H_STRING = 0, /* a string (listed only when renamed or bound) */
    GF_AWS_H_STRUCT,     /* a structure (listed only when renamed or bound) */
    GF_AWS_H_INT,
    GF_AWS_H_BOOL,
    GF_AWS_H_DOUBLE,
    GF_AWS_H_TIME,  /* ISO 8601 on the XML/query wire; epoch seconds in JSON */
    GF_AWS_H_BLOB,  /* base64 on the wire, passed through as the base64 string */
    GF_AWS_H_LIST,  /* wrapped: query Name.member.N, XML <Name><member/></Name>; item = "member" */
    GF_AWS_H_FLIST, /* flattened: Name.N, repeated <Name/>; item renames the element if set */
    GF_AWS_H_MAP,   /* Name.entry.N.key/.value, <Name><entry><key/><value/></entry></Name> */
    GF_AWS_H_FMAP,  /* flattened map: Name.N.key/.value; item / item2 name the key and value */
};

enum gf_aws_hint_loc {
    GF_AWS_LOC_BODY = 0,
    GF_AWS_LOC_URI,    /* `{wire}` label in the URI template (greedy when written `{wire+}`) */
    GF_AWS_LOC_URI_ID, /* as URI, the value cut after its last '/' (Route 53 ids, §7.12) */
    GF_AWS_LOC_QUERY,  /* query-string member `wire=value` */
    GF_AWS_LOC_HEADER, /* header member `wire: value` (input) or header-bound output member */
};

struct gf_aws_hint {
    const char *path;  /* see above; NULL ends a table */
    const char *wire;  /* wire name when it differs from the last path segment, or NULL */
    unsigned char type; /* enum gf_aws_hint_type */
    unsigned char loc;  /* enum gf_aws_hint_loc (top-level members only) */
    const char *item;  /* list: item element name; map: key name */
    const char *item2; /* map: value name */
};

enum gf_aws_op_flags {
    GF_AWS_OP_CHECKSUM = 1 << 0, /* requestChecksumRequired: the encoder adds Content-MD5 */
};

struct gf_aws_op {
    const struct gf_aws_service *service;
    const char *name;           /* "CreateRole" */
    const char *method;         /* "POST", "PUT", "GET", "HEAD", "DELETE" */
    const char *uri;            /* request URI template: "/", "/2013-04-01/hostedzone/{Id}/rrset/" */
    const char *payload;        /* rest-xml: the input member that alone is the body, or NULL */
    const char *xml_root;       /* rest-xml: the body's root element, or NULL */
    const char *xml_ns;         /* rest-xml: the body root's namespace, or NULL */
    const char *result_wrapper; /* query: "CreateRoleResult", or NULL */
    const struct gf_aws_hint *in;  /* NULL or a table ended by a NULL path */
    const struct gf_aws_hint *out;
    unsigned flags; /* enum gf_aws_op_flags */
};

/* The generated table (aws/codec_ops.c), ended by a NULL service. */
extern const struct gf_aws_op gf_aws_ops[];

/* The operation `name` of `svc`, or NULL when the table has none (always for JSON services,
 * which need no hints). Borrowed, static. */
const struct gf_aws_op *gf_aws_op_find(const struct gf_aws_service *svc, const char *name);

/* The one operation whose whole XML body is a single element's text (S3 GetBucketLocation:
 * <LocationConstraint>eu-west-1</LocationConstraint>, which botocore special-cases): the
 * element's name, which is also the output member's; NULL for every other operation. */
const char *gf_aws_op_text_root(const struct gf_aws_op *desc);

/* The hint for `path` (length path_len) in a hint table, or NULL. */
const struct gf_aws_hint *gf_aws_hint_find(const struct gf_aws_hint *hints, const char *path,
                                           size_t path_len);

/* ---- HTTP messages ---------------------------------------------------------------------- */

#define GF_AWS_WIRE_MAX_HEADERS 24

/* An HTTP message being built (owned): the client's request or local-aws's response. */
struct gf_aws_wire {
    const char *method; /* request: a literal ("POST"); NULL for a response */
    int status;         /* response: the HTTP status; 0 for a request */
    struct gf_buf path; /* request: percent-encoded once, from '/' */
    struct gf_buf query; /* request: encoded query string without '?', "" when none */
    struct gf_buf body;
    size_t nheaders;
    struct {
        char *name;  /* owned */
        char *value; /* owned */
    } headers[GF_AWS_WIRE_MAX_HEADERS];
};

void gf_aws_wire_init(struct gf_aws_wire *w);
void gf_aws_wire_release(struct gf_aws_wire *w);
/* Add a header (copied). 0, GF_ENOMEM, or GF_ERROR past GF_AWS_WIRE_MAX_HEADERS. */
int gf_aws_wire_add_header(struct gf_aws_wire *w, const char *name, const char *value);
/* The first header called `name` (case-insensitive), borrowed; NULL if absent. */
const char *gf_aws_wire_header(const struct gf_aws_wire *w, const char *name);

struct gf_aws_header {
    const char *name;
    const char *value;
};

/* A received HTTP message, borrowed: a response (client) or a request (local-aws). */
struct gf_aws_msg {
    int status;                         /* responses */
    const char *method;                 /* requests */
    struct gf_slice path;               /* requests: as received (encoded) */
    struct gf_slice query;              /* requests: without '?' */
    const struct gf_aws_header *headers;
    size_t nheaders;
    struct gf_slice body;
};

/* The first header called `name` (case-insensitive), borrowed from m; NULL if absent. */
const char *gf_aws_msg_header(const struct gf_aws_msg *m, const char *name);

/* ---- client: requests out, responses in ------------------------------------------------- */

/* Encode operation `op` of `svc` with `input` (an object, or NULL for none) into `out`
 * (initialised by the caller): method, path, query, Content-Type / X-Amz-Target /
 * x-amzn-query-mode / header members / Content-MD5, body. Not signed, no Host.
 * Returns 0; GF_EINVALID when a REST operation is unknown or a URI label is missing (the
 * gf_error names it); GF_ENOMEM. `out` is released by the caller either way. */
int gf_aws_request_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                          const char *op, const json_t *input);

enum gf_aws_decode_flags {
    /* Turn ISO 8601 timestamps of GF_AWS_H_TIME members into epoch seconds (JSON reals), the
     * form the JSON protocols send (§2.1). Off: they stay strings. */
    GF_AWS_DECODE_TIMES = 1 << 0,
};

/* Decode a successful (2xx) response of `op` into a new JSON object: JSON bodies as they are
 * (empty body: {}); query: the <OpResult> contents; EC2 and rest-xml: the root's children;
 * rest-xml header-bound members from the headers. Returns 0; GF_EINVALID for a body that does
 * not parse (message says which protocol); GF_ENOMEM. */
int gf_aws_response_decode(json_t **out, const struct gf_aws_service *svc, const char *op,
                           const struct gf_aws_msg *resp, unsigned flags);

/* The request id of a response: header x-amzn-RequestId / x-amz-request-id, else the body's
 * <RequestId> / <requestId> / <RequestID> text. Writes "" when none. Never fails. */
void gf_aws_response_request_id(char *out, size_t size, const struct gf_aws_msg *resp);

/* ---- local-aws: requests in, responses out ---------------------------------------------- */

/* Decode a received request for `svc` (chosen by the caller, §2.7): the operation name into
 * op_out (borrowed from the request or the op table) and the input as a new object with
 * botocore member names. Query/EC2: from the form body (Action, Version dropped); JSON: from
 * X-Amz-Target and the body; REST: the op whose method and URI template match, with labels,
 * query-string and header members. Returns 0; GF_EINVALID (malformed, unknown operation);
 * GF_ENOMEM. */
int gf_aws_request_decode(json_t **input_out, struct gf_slice *op_out,
                          const struct gf_aws_service *svc, const struct gf_aws_msg *req);

/* Encode a successful response of `op` with `output` (keys as gf_aws_response_decode returns
 * them; NULL: empty) and `request_id` into `out` (initialised by the caller): status 200, the
 * request-id header, Content-Type, and the body: JSON; query <OpResponse xmlns><OpResult>..
 * </OpResult><ResponseMetadata><RequestId>; EC2 <OpResponse xmlns><requestId>..; rest-xml the
 * output under <OpResponse xmlns> (none when output has no body members), header-bound members
 * as headers. Returns 0 or GF_ENOMEM. */
int gf_aws_response_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                           const char *op, const json_t *output, const char *request_id);

/* ---- shared pieces (used by the protocol files and awserror.c) -------------------------- */


/* The wire text of a scalar JSON value (string, integer, real, boolean; a number for a
 * GF_AWS_H_TIME hint becomes ISO 8601), in `out` (64 bytes) or borrowed from v; NULL for null,
 * arrays and objects. */
const char *gf_aws_scalar_text(char *out, size_t size, const json_t *v,
                               const struct gf_aws_hint *h);

/* Append the XML-escaped text of s. 0 or GF_ENOMEM. */
int gf_aws_xml_escape(struct gf_buf *out, struct gf_slice s);

/* Parse an XML body into a JSON value, element names as keys, using `hints` (output paths)
 * from the children of the root (or of the root's child `wrapper` when given and present);
 * `prefix` is the hint path of the root ("" for responses, the payload member for requests).
 * Returns 0; GF_EINVALID (not XML); GF_ENOMEM. For codec_query.c and codec_xml.c. */
int gf_aws_xml_decode(json_t **out, struct gf_slice body, const char *wrapper,
                      const char *prefix, const struct gf_aws_hint *hints, unsigned flags);

/* The text of the root element of an XML body, as a new JSON string (S3 GetBucketLocation).
 * Returns 0, GF_EINVALID (not XML), GF_ENOMEM. */
int gf_aws_xml_root_text(json_t **out, struct gf_slice body);

/* Append the members of `obj` as XML child elements per `hints`: a member is named by its
 * hint's `wire` or its key, lists and maps as hinted (unhinted arrays: wrapped, items named
 * default_item: "member" for query and rest-xml, "item" for EC2), members bound to a URI,
 * query string or header skipped. `path` is obj's path ("" at the top). 0 or GF_ENOMEM. */
int gf_aws_xml_encode_members(struct gf_buf *out, const json_t *obj, const char *path,
                              const struct gf_aws_hint *hints, const char *default_item);

/* Protocol entry points (one file each). */
int gf_aws_query_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                        const char *op, const struct gf_aws_op *desc, const json_t *input);
int gf_aws_query_decode_request(json_t **input_out, struct gf_slice *op_out,
                                const struct gf_aws_service *svc, const struct gf_aws_msg *req);
int gf_aws_query_encode_response(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                                 const char *op, const struct gf_aws_op *desc,
                                 const json_t *output, const char *request_id);
int gf_aws_json_encode(struct gf_aws_wire *out, const struct gf_aws_service *svc, const char *op,
                       const json_t *input);
int gf_aws_json_decode_body(json_t **out, struct gf_slice body);
/* Append the compact JSON text of v. 0 or GF_ENOMEM. */
int gf_aws_json_dump(struct gf_buf *out, const json_t *v);
int gf_aws_restxml_encode(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                          const json_t *input);
int gf_aws_restjson_encode(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                           const json_t *input);
int gf_aws_rest_decode_request(json_t **input_out, struct gf_slice *op_out,
                               const struct gf_aws_service *svc, const struct gf_aws_msg *req);
int gf_aws_rest_encode_uri(struct gf_aws_wire *out, const struct gf_aws_op *desc,
                           const json_t *input);
int gf_aws_rest_output_headers(json_t *out, const struct gf_aws_op *desc,
                               const struct gf_aws_msg *resp);
int gf_aws_rest_encode_response(struct gf_aws_wire *out, const struct gf_aws_service *svc,
                                const struct gf_aws_op *desc, const json_t *output);

/* ---- pagination (reference §8), as data ------------------------------------------------- */

struct gf_aws_paginator {
    const struct gf_aws_service *service;
    const char *op;
    const char *input_token[3];  /* input member names; unused slots NULL */
    const char *output_token[3]; /* keys of the decoded output, same order */
    const char *more_results;    /* boolean output key ("IsTruncated"), or NULL */
    const char *limit_key;       /* input member bounding a page, or NULL */
    const char *result_key;      /* decoded output key of the page's items */
};

/* The paginator of `op`, or NULL when it has none (Logs GetLogEvents, Route 53
 * ListHostedZonesByName: see §8). Borrowed, static. */
const struct gf_aws_paginator *gf_aws_paginator_find(const struct gf_aws_service *svc,
                                                     const char *op);

/* Set next-page input tokens: for each output token present in `output`, copy it into `input`
 * under its input name. *more_out: whether another page exists (the output token is present and
 * non-empty, and more_results, when given, is true). 0 or GF_ENOMEM. */
int gf_aws_paginator_next(bool *more_out, json_t *input, const struct gf_aws_paginator *p,
                          const json_t *output);

#endif
