/* SPDX-License-Identifier: Apache-2.0 */
/* yaml.c: libyaml events -> our read-only node tree (state/yaml.h), the first step of the
 * parse pass. All limits on untrusted stack files are enforced here; libyaml errors are
 * translated here once, and nothing above this file sees a libyaml type. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/alloc.h"
#include "common/error.h"
#include "state/yaml.h"

#include "common/banned.h"

/* ---- arena: every node, array and string of a document ---- */

struct arena_chunk {
    struct arena_chunk *next;
    size_t used;
    size_t cap;
    max_align_t data[];
};

#define ARENA_CHUNK_BYTES ((size_t)64 * 1024)

struct gf_yaml_doc {
    struct arena_chunk *chunks;
    const struct gf_yaml_node *root;
};

static void *arena_alloc(struct gf_yaml_doc *doc, size_t size)
{
    struct arena_chunk *c = doc->chunks;
    size_t align = sizeof(max_align_t);
    size_t need = (size + align - 1) / align * align;
    void *p;

    if (need < size)
        return NULL;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > ARENA_CHUNK_BYTES ? need : ARENA_CHUNK_BYTES;

        c = gf_malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = doc->chunks;
        doc->chunks = c;
    }
    p = (char *)c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
}

static char *arena_strndup(struct gf_yaml_doc *doc, const char *s, size_t len)
{
    char *p = arena_alloc(doc, len + 1);

    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void gf_yaml_doc_free(struct gf_yaml_doc *doc)
{
    struct arena_chunk *c;

    if (!doc)
        return;
    c = doc->chunks;
    while (c) {
        struct arena_chunk *next = c->next;

        gf_free(c);
        c = next;
    }
    gf_free(doc);
}

const struct gf_yaml_node *gf_yaml_doc_root(const struct gf_yaml_doc *doc)
{
    return doc ? doc->root : NULL;
}

/* ---- anchors: open-addressing hash table, a later anchor replaces an earlier one ---- */

struct anchor {
    const char *name; /* in the arena */
    const struct gf_yaml_node *node;
};

struct anchors {
    struct anchor *v;
    size_t cap; /* power of two */
    size_t n;
};

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;

    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL & (size_t)-1;
    }
    return h;
}

static struct anchor *anchors_slot(struct anchor *v, size_t cap, const char *name)
{
    size_t i = hash_str(name) & (cap - 1);

    while (v[i].name && strcmp(v[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static int anchors_put(struct anchors *a, const char *name, const struct gf_yaml_node *node)
{
    struct anchor *slot;

    if ((a->n + 1) * 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        struct anchor *v = gf_calloc(cap, sizeof(*v));
        size_t i;

        if (!v)
            return gf_error_oom();
        for (i = 0; i < a->cap; i++) {
            if (a->v[i].name)
                *anchors_slot(v, cap, a->v[i].name) = a->v[i];
        }
        gf_free(a->v);
        a->v = v;
        a->cap = cap;
    }
    slot = anchors_slot(a->v, a->cap, name);
    if (!slot->name)
        a->n++;
    slot->name = name;
    slot->node = node;
    return 0;
}

static const struct gf_yaml_node *anchors_get(const struct anchors *a, const char *name)
{
    if (!a->cap)
        return NULL;
    return anchors_slot(a->v, a->cap, name)->node;
}

/* ---- the loader ---- */

struct frame {
    struct gf_yaml_node *node; /* container being built */
    size_t start;              /* its first child in loader.pend */
    const char *anchor;        /* registered when the container closes */
};

struct loader {
    struct gf_yaml_doc *doc;
    const char *path;
    struct gf_slice bytes;
    struct gf_pos *err_pos;
    struct frame frames[GF_STACK_MAX_DEPTH];
    size_t depth;
    const struct gf_yaml_node **pend; /* children of the open containers, innermost last */
    size_t n_pend;
    size_t cap_pend;
    struct anchors anchors;
    size_t n_nodes;
    int n_docs;
};

static int fail(struct loader *l, struct gf_pos pos, const char *hint, const char *fmt, ...)
    GF_PRINTF(4, 5);

static int fail(struct loader *l, struct gf_pos pos, const char *hint, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gf_error_set(GF_EINVALID, "%s", msg);
    if (pos.line)
        gf_error_where("%s:%u:%u", l->path, (unsigned)pos.line, (unsigned)pos.col);
    else
        gf_error_where("%s", l->path);
    if (hint)
        gf_error_hint("%s", hint);
    *l->err_pos = pos;
    return GF_EINVALID;
}

static struct gf_pos mark_pos(yaml_mark_t m)
{
    struct gf_pos p;

    p.line = (uint32_t)(m.line + 1);
    p.col = (uint32_t)(m.column + 1);
    return p;
}

static int count_nodes(struct loader *l, size_t add, struct gf_pos pos)
{
    l->n_nodes += add;
    if (l->n_nodes > GF_STACK_MAX_NODES)
        return fail(l, pos, "a stack file needs far fewer; check aliases that expand each other",
                    "more than %d YAML nodes", GF_STACK_MAX_NODES);
    return 0;
}

/* Hand a finished node to the open container, or make it the root. */
static int attach(struct loader *l, const struct gf_yaml_node *node, struct gf_pos pos)
{
    if (l->depth == 0) {
        if (l->doc->root)
            return fail(l, pos, NULL, "unexpected second top-level node");
        l->doc->root = node;
        return 0;
    }
    if (l->n_pend == l->cap_pend) {
        size_t cap = l->cap_pend ? l->cap_pend * 2 : 64;
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        const struct gf_yaml_node **v = gf_realloc(l->pend, cap * sizeof(*v));

        if (!v)
            return gf_error_oom();
        l->pend = v;
        l->cap_pend = cap;
    }
    l->pend[l->n_pend++] = node;
    return 0;
}

static const char *copy_tag(struct loader *l, const yaml_char_t *tag, int *rc)
{
    const char *t;

    *rc = 0;
    if (!tag)
        return NULL;
    t = arena_strndup(l->doc, (const char *)tag, strlen((const char *)tag));
    if (!t)
        *rc = gf_error_oom();
    return t;
}

static int register_anchor(struct loader *l, const yaml_char_t *anchor,
                           const struct gf_yaml_node *node)
{
    const char *name;

    if (!anchor)
        return 0;
    name = arena_strndup(l->doc, (const char *)anchor, strlen((const char *)anchor));
    if (!name)
        return gf_error_oom();
    return anchors_put(&l->anchors, name, node);
}

static int on_scalar(struct loader *l, const yaml_event_t *ev)
{
    struct gf_yaml_node *n = arena_alloc(l->doc, sizeof(*n));
    struct gf_pos pos = mark_pos(ev->start_mark);
    int rc;

    if (!n)
        return gf_error_oom();
    rc = count_nodes(l, 1, pos);
    if (rc < 0)
        return rc;
    n->kind = GF_YAML_SCALAR;
    n->pos = pos;
    n->style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? GF_YAML_PLAIN : GF_YAML_QUOTED;
    n->len = ev->data.scalar.length;
    n->text = arena_strndup(l->doc, (const char *)ev->data.scalar.value, n->len);
    if (!n->text)
        return gf_error_oom();
    n->tag = copy_tag(l, ev->data.scalar.tag, &rc);
    if (rc < 0)
        return rc;
    n->size = 1;
    rc = register_anchor(l, ev->data.scalar.anchor, n);
    if (rc < 0)
        return rc;
    return attach(l, n, pos);
}

static int on_alias(struct loader *l, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const struct gf_yaml_node *target = anchors_get(&l->anchors, name);
    struct gf_pos pos = mark_pos(ev->start_mark);

    if (!target)
        return fail(l, pos, "define the anchor ('&name') before the alias, outside of it",
                    "alias '*%.64s' names no complete anchor before it", name);
    if (l->n_nodes + target->size > GF_STACK_MAX_NODES)
        return fail(l, pos, "aliases are expanded; avoid aliases of aliases",
                    "alias '*%.64s' expands past the limit of %d YAML nodes", name,
                    GF_STACK_MAX_NODES);
    if (l->depth + target->height > GF_STACK_MAX_DEPTH)
        return fail(l, pos, "a stack file needs only a few levels", "nesting deeper than %d levels",
                    GF_STACK_MAX_DEPTH);
    l->n_nodes += target->size;
    return attach(l, target, pos);
}

static int on_open(struct loader *l, const yaml_event_t *ev, enum gf_yaml_kind kind)
{
    struct gf_yaml_node *n = arena_alloc(l->doc, sizeof(*n));
    struct gf_pos pos = mark_pos(ev->start_mark);
    const yaml_char_t *tag;
    const yaml_char_t *anchor;
    struct frame *f;
    int rc;

    if (!n)
        return gf_error_oom();
    if (l->depth >= GF_STACK_MAX_DEPTH)
        return fail(l, pos, "a stack file needs only a few levels", "nesting deeper than %d levels",
                    GF_STACK_MAX_DEPTH);
    rc = count_nodes(l, 1, pos);
    if (rc < 0)
        return rc;
    tag = kind == GF_YAML_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    anchor = kind == GF_YAML_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    n->kind = kind;
    n->pos = pos;
    n->tag = copy_tag(l, tag, &rc);
    if (rc < 0)
        return rc;
    f = &l->frames[l->depth++];
    f->node = n;
    f->start = l->n_pend;
    f->anchor = NULL;
    if (anchor) {
        f->anchor = arena_strndup(l->doc, (const char *)anchor, strlen((const char *)anchor));
        if (!f->anchor)
            return gf_error_oom();
    }
    return 0;
}

struct key_ref {
    const struct gf_yaml_node *key;
    size_t idx;
};

static int key_ref_cmp(const void *a, const void *b)
{
    const struct key_ref *x = a;
    const struct key_ref *y = b;
    size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
    int c = memcmp(x->key->text, y->key->text, n);

    if (c)
        return c;
    if (x->key->len != y->key->len)
        return x->key->len < y->key->len ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

static bool same_key(const struct gf_yaml_node *a, const struct gf_yaml_node *b)
{
    return a->kind == GF_YAML_SCALAR && b->kind == GF_YAML_SCALAR && a->len == b->len &&
           memcmp(a->text, b->text, a->len) == 0;
}

/* Mark each pair whose scalar key repeats an earlier one. */
static int mark_duplicates(struct gf_yaml_pair *pairs, size_t n)
{
    struct key_ref *refs = NULL;
    size_t i;
    size_t j;
    size_t m = 0;

    if (n <= 16) {
        for (i = 1; i < n; i++) {
            for (j = 0; j < i && !pairs[i].dup_of; j++) {
                if (same_key(pairs[i].key, pairs[j].key))
                    pairs[i].dup_of = pairs[j].key;
            }
        }
        return 0;
    }
    refs = gf_malloc(n * sizeof(*refs));
    if (!refs)
        return gf_error_oom();
    for (i = 0; i < n; i++) {
        if (pairs[i].key->kind == GF_YAML_SCALAR) {
            refs[m].key = pairs[i].key;
            refs[m++].idx = i;
        }
    }
    qsort(refs, m, sizeof(*refs), key_ref_cmp);
    for (i = 1, j = 0; i < m; i++) {
        if (same_key(refs[i].key, refs[j].key))
            pairs[refs[i].idx].dup_of = refs[j].key;
        else
            j = i;
    }
    gf_free(refs);
    return 0;
}

static int close_container(struct loader *l, struct frame *f)
{
    struct gf_yaml_node *n = f->node;
    size_t count = l->n_pend - f->start;
    const struct gf_yaml_node **kids = count ? l->pend + f->start : NULL;
    size_t i;
    int rc;

    n->size = 1;
    n->height = 1;
    for (i = 0; i < count; i++) {
        n->size += kids[i]->size;
        if (kids[i]->height + 1 > n->height)
            n->height = kids[i]->height + 1;
    }
    if (n->kind == GF_YAML_SEQ) {
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        const struct gf_yaml_node **items = arena_alloc(l->doc, (count + 1) * sizeof(*items));

        if (!items)
            return gf_error_oom();
        if (count)
            /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
            memcpy(items, kids, count * sizeof(*items));
        n->items = items;
        n->n = count;
    } else {
        struct gf_yaml_pair *pairs = arena_alloc(l->doc, (count / 2 + 1) * sizeof(*pairs));

        GF_ASSERT(count % 2 == 0);
        if (!pairs)
            return gf_error_oom();
        for (i = 0; i < count / 2; i++) {
            pairs[i].key = kids[2 * i];
            pairs[i].value = kids[2 * i + 1];
        }
        rc = mark_duplicates(pairs, count / 2);
        if (rc < 0)
            return rc;
        n->pairs = pairs;
        n->n = count / 2;
    }
    l->n_pend = f->start;
    if (f->anchor) {
        rc = anchors_put(&l->anchors, f->anchor, n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int on_close(struct loader *l, const yaml_event_t *ev)
{
    struct frame *f;
    int rc;

    GF_ASSERT(l->depth > 0);
    f = &l->frames[--l->depth];
    rc = close_container(l, f);
    if (rc < 0)
        return rc;
    return attach(l, f->node, mark_pos(ev->start_mark));
}

/* libyaml's error, translated once. */
static int from_yaml(struct loader *l, const yaml_parser_t *p)
{
    struct gf_pos pos;
    const char *problem = p->problem ? p->problem : "cannot parse";

    if (p->error == YAML_MEMORY_ERROR)
        return gf_error_oom();
    if (p->error == YAML_READER_ERROR) {
        pos = gf_yaml_pos_at(l->bytes, p->problem_offset);
        return fail(l, pos, "remove control characters; write them as escapes in double quotes",
                    "YAML syntax error: %s", problem);
    }
    pos = mark_pos(p->problem_mark);
    if (p->context)
        return fail(l, pos, "check the indentation, colons and quotes here",
                    "YAML syntax error: %s, %s at line %u", problem, p->context,
                    (unsigned)p->context_mark.line + 1);
    return fail(l, pos, "check the indentation, colons and quotes here", "YAML syntax error: %s",
                problem);
}

static int on_event(struct loader *l, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++l->n_docs > 1)
            return fail(l, mark_pos(ev->start_mark),
                        "keep one stack per file and remove the '---' separator",
                        "several documents in one file");
        return 0;
    case YAML_SCALAR_EVENT:
        return on_scalar(l, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(l, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_open(l, ev, GF_YAML_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_open(l, ev, GF_YAML_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_close(l, ev);
    default:
        return 0;
    }
}

static int run_parser(struct loader *l)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    bool done = false;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return gf_error_oom();
    yaml_parser_set_input_string(&parser, (const unsigned char *)l->bytes.ptr, l->bytes.len);
    while (!done && rc == 0) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = from_yaml(l, &parser);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = on_event(l, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

static int check_top(struct loader *l)
{
    const struct gf_yaml_node *root = l->doc->root;
    struct gf_pos none = {0, 0};

    if (!root || gf_yaml_is_null(root))
        return fail(l, none, "a stack needs at least 'app' and 'tasks'", "file is empty");
    if (root->kind == GF_YAML_SEQ)
        return fail(l, root->pos, "a stack file is a map of keys such as 'app' and 'tasks'",
                    "expected a map at the top level, found a list");
    if (root->kind == GF_YAML_SCALAR)
        return fail(l, root->pos, "a stack file is a map of keys such as 'app' and 'tasks'",
                    "expected a map at the top level, found '%.40s'", root->text);
    return 0;
}

static int check_bytes(struct loader *l)
{
    struct gf_pos none = {0, 0};
    long bad;

    if (l->bytes.len > GF_STACK_MAX_BYTES)
        return fail(l, none, "split the stack into several files",
                    "file is larger than the limit of %zu bytes", GF_STACK_MAX_BYTES);
    bad = gf_yaml_utf8_invalid_at(l->bytes);
    if (bad >= 0)
        return fail(l, gf_yaml_pos_at(l->bytes, (size_t)bad), "save the file as UTF-8",
                    "file is not valid UTF-8 (byte 0x%02x)",
                    (unsigned)(unsigned char)l->bytes.ptr[bad]);
    return 0;
}

int gf_yaml_load(struct gf_yaml_doc **out_doc, struct gf_pos *out_err_pos, const char *path,
                 struct gf_slice bytes)
{
    struct loader l;
    int rc;

    memset(&l, 0, sizeof(l));
    *out_doc = NULL;
    out_err_pos->line = 0;
    out_err_pos->col = 0;
    l.path = path ? path : "";
    l.bytes = bytes;
    l.err_pos = out_err_pos;
    rc = check_bytes(&l);
    if (rc < 0)
        return rc;
    l.doc = gf_calloc(1, sizeof(*l.doc));
    if (!l.doc)
        return gf_error_oom();
    rc = run_parser(&l);
    if (rc == 0)
        rc = check_top(&l);
    gf_free(l.pend);
    gf_free(l.anchors.v);
    if (rc < 0) {
        gf_yaml_doc_free(l.doc);
        return rc;
    }
    *out_doc = l.doc;
    return 0;
}

bool gf_yaml_is_null(const struct gf_yaml_node *node)
{
    if (!node || node->kind != GF_YAML_SCALAR)
        return false;
    if (node->tag)
        return strcmp(node->tag, "tag:yaml.org,2002:null") == 0;
    if (node->style != GF_YAML_PLAIN)
        return false;
    return node->len == 0 || strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0 ||
           strcmp(node->text, "Null") == 0 || strcmp(node->text, "NULL") == 0;
}

const char *gf_yaml_kind_name(enum gf_yaml_kind kind)
{
    switch (kind) {
    case GF_YAML_MAP:
        return "a map";
    case GF_YAML_SEQ:
        return "a list";
    case GF_YAML_SCALAR:
        break;
    }
    return "a string";
}

/* Bytes of the line break at s[i], or 0: \n, \r\n, \r, NEL, LS, PS (as libyaml counts). */
static size_t break_len(struct gf_slice s, size_t i)
{
    const unsigned char *p = (const unsigned char *)s.ptr + i;
    size_t left = s.len - i;

    if (p[0] == '\n')
        return 1;
    if (p[0] == '\r')
        return left > 1 && p[1] == '\n' ? 2 : 1;
    if (left > 1 && p[0] == 0xC2 && p[1] == 0x85)
        return 2;
    if (left > 2 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        return 3;
    return 0;
}

struct gf_pos gf_yaml_pos_at(struct gf_slice text, size_t offset)
{
    struct gf_pos pos = {1, 1};
    size_t i = 0;

    if (offset > text.len)
        offset = text.len;
    while (i < offset) {
        size_t b = break_len(text, i);

        if (b) {
            pos.line++;
            pos.col = 1;
            i += b;
            continue;
        }
        if (((unsigned char)text.ptr[i] & 0xC0) != 0x80)
            pos.col++;
        i++;
    }
    return pos;
}

/* Length of the well-formed UTF-8 sequence at p (left bytes available), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    size_t n;
    size_t i;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (left < n)
        return 0;
    if (c == 0xE0)
        lo = 0xA0; /* overlong */
    else if (c == 0xED)
        hi = 0x9F; /* surrogates */
    else if (c == 0xF0)
        lo = 0x90; /* overlong */
    else if (c == 0xF4)
        hi = 0x8F; /* past U+10FFFF */
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    }
    return n;
}

long gf_yaml_utf8_invalid_at(struct gf_slice text)
{
    const unsigned char *p = (const unsigned char *)text.ptr;
    size_t i = 0;

    while (i < text.len) {
        size_t n = utf8_seq(p + i, text.len - i);

        if (!n)
            return (long)i;
        i += n;
    }
    return -1;
}
