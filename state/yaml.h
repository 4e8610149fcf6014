/* SPDX-License-Identifier: Apache-2.0 */
/* yaml.h: a safe libyaml loader for stack files, into our own read-only node tree.
 *
 * The loader enforces the limits of state/stack.h (bytes, depth, nodes), accepts exactly one
 * document whose top level is a map, checks the input is UTF-8, and translates libyaml errors
 * once into the gf_error (with "path:line:col" in `where`).
 *
 * Aliases are resolved by sharing: `*a` points at the node anchored `&a`, and every node such a
 * reference makes reachable counts against GF_STACK_MAX_NODES (and its height against
 * GF_STACK_MAX_DEPTH), so "billion laughs" expansion bombs are rejected before any walk can
 * blow up. An alias must name an anchor that is already complete (no recursive aliases).
 *
 * Ownership: a gf_yaml_doc owns every node and string in it; nodes are borrowed from it and
 * live until gf_yaml_doc_free. */
#ifndef GF_STATE_YAML_H
#define GF_STATE_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "state/stack.h"

enum gf_yaml_kind { GF_YAML_SCALAR = 0, GF_YAML_SEQ, GF_YAML_MAP };

/* Plain scalars are subject to YAML's implicit typing (null, bool, number); every other style
 * (single, double quoted, literal, folded) is kept as written text. */
enum gf_yaml_style { GF_YAML_PLAIN = 0, GF_YAML_QUOTED };

struct gf_yaml_node;

struct gf_yaml_pair {
    const struct gf_yaml_node *key;
    const struct gf_yaml_node *value;
    /* The earlier key with the same text in this map, or NULL: YAML forbids duplicate keys and
     * libyaml does not check, so the loader records them for the parser to report. */
    const struct gf_yaml_node *dup_of;
};

struct gf_yaml_node {
    enum gf_yaml_kind kind;
    enum gf_yaml_style style; /* scalars */
    struct gf_pos pos;        /* 1-based line:col of the node's first character */
    const char *tag;  /* explicit tag as resolved by libyaml ("tag:yaml.org,2002:str"), or NULL */
    const char *text; /* scalars: NUL-terminated (may also hold NULs: see len) */
    size_t len;       /* scalars: bytes of text */
    const struct gf_yaml_node **items; /* sequences: n items */
    const struct gf_yaml_pair *pairs;  /* maps: n pairs, file order */
    size_t n;
    size_t size;     /* nodes in this subtree, itself included (aliases expanded) */
    uint32_t height; /* containers on the longest path down, itself included; 0 for scalars */
};

struct gf_yaml_doc;

/* Load one stack file. `path` is used only for the error's `where`.
 * Returns 0 with *out_doc set (its root is a map), GF_EINVALID with the gf_error set and
 * *out_err_pos = where (line 0 when the problem is the file as a whole: size, emptiness), or
 * GF_ENOMEM. Never blocks. */
int gf_yaml_load(struct gf_yaml_doc **out_doc, struct gf_pos *out_err_pos, const char *path,
                 struct gf_slice bytes);
void gf_yaml_doc_free(struct gf_yaml_doc *doc);
/* The root map (borrowed from doc). */
const struct gf_yaml_node *gf_yaml_doc_root(const struct gf_yaml_doc *doc);

/* True for a YAML null: a plain scalar that is empty, `~`, `null`, `Null` or `NULL`, or a
 * scalar tagged !!null. */
bool gf_yaml_is_null(const struct gf_yaml_node *node);
/* "a map", "a list", "a string". */
const char *gf_yaml_kind_name(enum gf_yaml_kind kind);
/* Position of byte `offset` of text (1-based line, column in characters), as libyaml counts. */
struct gf_pos gf_yaml_pos_at(struct gf_slice text, size_t offset);
/* Offset of the first byte that is not well-formed UTF-8 (overlong forms, surrogates and code
 * points past U+10FFFF are not), or -1 when all of it is. */
long gf_yaml_utf8_invalid_at(struct gf_slice text);

#endif
