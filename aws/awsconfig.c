/* SPDX-License-Identifier: Apache-2.0 */
/* awsconfig.c: the shared AWS config and credentials files, read as botocore's configloader
 * (Python's RawConfigParser plus nested values), profile selection and region resolution.
 * Part of the AWS client (aws/awsconfig.h); the credential chain and endpoints build on it. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/awsconfig.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/banned.h"

#define MAX_FILE_BYTES (1u << 20)

/* ---- INI parsing --------------------------------------------------------------------------- */

/* Grow an array of n elements so element n fits (capacity doubles from 4). */
static int grow_array(void **arr, size_t n, size_t elem)
{
    size_t cap;
    void *p;

    if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return 0;
    cap = n == 0 ? 4 : n * 2;
    p = gf_realloc(*arr, cap * elem);
    if (!p)
        return gf_error_oom();
    *arr = p;
    return 0;
}

static void entry_release(struct gf_ini_entry *e)
{
    size_t i;

    for (i = 0; i < e->nsub; i++)
        entry_release(&e->sub[i]);
    gf_free(e->sub);
    gf_free(e->key);
    if (e->value) /* values may be secret keys */
        explicit_bzero(e->value, strlen(e->value));
    gf_free(e->value);
}

void gf_ini_release(struct gf_ini *ini)
{
    size_t i;
    size_t j;

    for (i = 0; i < ini->nsections; i++) {
        struct gf_ini_section *s = &ini->sections[i];

        for (j = 0; j < s->nentries; j++)
            entry_release(&s->entries[j]);
        gf_free(s->entries);
        gf_free(s->name);
    }
    gf_free(ini->sections);
    gf_free(ini->path);
    memset(ini, 0, sizeof(*ini));
}

const struct gf_ini_section *gf_ini_section(const struct gf_ini *ini, const char *name)
{
    const struct gf_ini_section *found = NULL;
    size_t i;

    for (i = 0; i < ini->nsections; i++)
        if (strcmp(ini->sections[i].name, name) == 0)
            found = &ini->sections[i];
    return found;
}

const struct gf_ini_entry *gf_ini_entry(const struct gf_ini_section *sect, const char *key)
{
    size_t i;

    if (!sect)
        return NULL;
    for (i = 0; i < sect->nentries; i++)
        if (strcmp(sect->entries[i].key, key) == 0)
            return &sect->entries[i];
    return NULL;
}

struct ini_parser {
    struct gf_ini *ini;
    const char *path;
    size_t lineno;
    struct gf_ini_section *sect; /* current section, or NULL */
    struct gf_ini_entry *opt;    /* current option (its value is being collected), or NULL */
    size_t indent;               /* indentation of the last header or key line */
    struct gf_buf value;         /* the current option's value so far */
};

static int parse_error(const struct ini_parser *p, size_t line, const char *what,
                       struct gf_slice text)
{
    gf_error_set(GF_EINVALID, "%s '%.*s'", what, (int)(text.len > 80 ? 80 : text.len), text.ptr);
    gf_error_where("%s:%zu", p->path, line);
    gf_error_hint("the AWS config and credentials files are INI: [section] headers, then "
                  "`key = value` lines");
    return GF_EINVALID;
}

/* A nested value ("\nk = v\nk2 = v2"): botocore's _parse_nested. */
static int parse_nested(const struct ini_parser *p, struct gf_ini_entry *e)
{
    struct gf_slice rest = gf_slice_from(e->value);
    int rc = 0;

    while (rest.len) {
        long nl = gf_slice_find(rest, '\n', 0);
        struct gf_slice line = gf_slice_trim(gf_slice_sub(rest, 0, nl < 0 ? rest.len : (size_t)nl));
        struct gf_ini_entry *sub;
        long eq;

        rest = nl < 0 ? gf_slice_make("", 0) : gf_slice_sub(rest, (size_t)nl + 1, rest.len);
        if (!line.len)
            continue;
        eq = gf_slice_find(line, '=', 0);
        if (eq < 0)
            return parse_error(p, e->line, "nested value line has no '=':", line);
        rc = grow_array((void **)&e->sub, e->nsub, sizeof(*e->sub));
        if (rc < 0)
            return rc;
        sub = &e->sub[e->nsub];
        memset(sub, 0, sizeof(*sub));
        e->nsub++;
        sub->line = e->line;
        sub->key = gf_slice_dup(gf_slice_trim(gf_slice_sub(line, 0, (size_t)eq)));
        sub->value = gf_slice_dup(gf_slice_trim(gf_slice_sub(line, (size_t)eq + 1, line.len)));
        if (!sub->key || !sub->value)
            return gf_error_oom();
    }
    return 0;
}

/* End the current option: store its value (trailing blank lines dropped, as configparser). */
static int finish_option(struct ini_parser *p)
{
    struct gf_ini_entry *e = p->opt;
    struct gf_slice v;

    if (!e)
        return 0;
    p->opt = NULL;
    if (gf_buf_failed(&p->value))
        return GF_ENOMEM;
    v = gf_buf_slice(&p->value);
    while (v.len && (v.ptr[v.len - 1] == '\n' || v.ptr[v.len - 1] == ' ' ||
                     v.ptr[v.len - 1] == '\t' || v.ptr[v.len - 1] == '\r'))
        v.len--;
    e->value = gf_slice_dup(v);
    gf_buf_clear(&p->value);
    if (!e->value)
        return gf_error_oom();
    if (e->value[0] == '\n')
        return parse_nested(p, e);
    return 0;
}

static int add_section(struct ini_parser *p, struct gf_slice name)
{
    struct gf_ini *ini = p->ini;
    struct gf_ini_section *s;
    size_t i;
    int rc;

    for (i = 0; i < ini->nsections; i++)
        if (gf_slice_eq_str(name, ini->sections[i].name))
            return parse_error(p, p->lineno, "duplicate section", name);
    rc = grow_array((void **)&ini->sections, ini->nsections, sizeof(*ini->sections));
    if (rc < 0)
        return rc;
    s = &ini->sections[ini->nsections];
    memset(s, 0, sizeof(*s));
    s->line = p->lineno;
    s->name = gf_slice_dup(name);
    if (!s->name)
        return gf_error_oom();
    ini->nsections++;
    p->sect = s;
    return 0;
}

static int add_option(struct ini_parser *p, struct gf_slice line)
{
    struct gf_ini_section *s = p->sect;
    struct gf_slice key;
    struct gf_ini_entry *e;
    size_t pos;
    size_t i;
    int rc;

    for (pos = 0; pos < line.len && line.ptr[pos] != '=' && line.ptr[pos] != ':'; pos++)
        ;
    if (pos == line.len)
        return parse_error(p, p->lineno, "line is not `key = value`:", line);
    key = gf_slice_trim(gf_slice_sub(line, 0, pos));
    if (!key.len)
        return parse_error(p, p->lineno, "empty key in", line);
    rc = grow_array((void **)&s->entries, s->nentries, sizeof(*s->entries));
    if (rc < 0)
        return rc;
    e = &s->entries[s->nentries];
    memset(e, 0, sizeof(*e));
    e->line = p->lineno;
    e->key = gf_slice_dup(key);
    if (!e->key)
        return gf_error_oom();
    s->nentries++;
    for (i = 0; e->key[i]; i++)
        if (e->key[i] >= 'A' && e->key[i] <= 'Z')
            e->key[i] = (char)(e->key[i] - 'A' + 'a');
    for (i = 0; i + 1 < s->nentries; i++)
        if (strcmp(s->entries[i].key, e->key) == 0)
            return parse_error(p, p->lineno, "duplicate key", key);
    p->opt = e;
    return gf_buf_put_slice(&p->value, gf_slice_trim(gf_slice_sub(line, pos + 1, line.len)));
}

/* A header or key line (not a continuation). */
static int parse_statement(struct ini_parser *p, struct gf_slice stripped)
{
    long close = -1;
    size_t i;
    int rc;

    rc = finish_option(p);
    if (rc < 0)
        return rc;
    for (i = 1; stripped.ptr[0] == '[' && i < stripped.len; i++)
        if (stripped.ptr[i] == ']' && i > 1)
            close = (long)i;
    if (close > 0)
        return add_section(p, gf_slice_sub(stripped, 1, (size_t)close - 1));
    if (!p->sect)
        return parse_error(p, p->lineno, "line before any [section] header:", stripped);
    return add_option(p, stripped);
}

static int parse_line(struct ini_parser *p, struct gf_slice line)
{
    struct gf_slice stripped = gf_slice_trim(line);
    size_t indent = 0;

    if (stripped.len && (stripped.ptr[0] == '#' || stripped.ptr[0] == ';'))
        return 0; /* full-line comment: keeps the value going */
    if (!stripped.len) {
        if (p->opt)
            gf_buf_putc(&p->value, '\n');
        return 0;
    }
    while (indent < line.len && (line.ptr[indent] == ' ' || line.ptr[indent] == '\t'))
        indent++;
    if (p->opt && indent > p->indent) {
        gf_buf_putc(&p->value, '\n');
        return gf_buf_put_slice(&p->value, stripped);
    }
    p->indent = indent;
    return parse_statement(p, stripped);
}

int gf_ini_parse(struct gf_ini *out, const char *path, struct gf_slice text)
{
    struct ini_parser p;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    p.ini = out;
    p.path = path ? path : "(text)";
    gf_buf_init(&p.value, 0);
    out->path = gf_strdup(p.path);
    if (!out->path)
        return gf_error_oom();
    if (text.len >= 3 && memcmp(text.ptr, "\xef\xbb\xbf", 3) == 0)
        text = gf_slice_sub(text, 3, text.len); /* a UTF-8 byte order mark */
    while (text.len && rc == 0) {
        long nl = gf_slice_find(text, '\n', 0);
        struct gf_slice line = gf_slice_sub(text, 0, nl < 0 ? text.len : (size_t)nl);

        text = nl < 0 ? gf_slice_make("", 0) : gf_slice_sub(text, (size_t)nl + 1, text.len);
        p.lineno++;
        rc = parse_line(&p, line);
    }
    if (rc == 0)
        rc = finish_option(&p);
    gf_buf_release(&p.value);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------- */

/* Read a regular file; an absent one (or not a regular file, as botocore's isfile) leaves
 * *found false. */
static int read_file(struct gf_buf *out, bool *found, const char *path)
{
    struct stat st;
    char chunk[8192];
    int fd;
    int rc = 0;

    *found = false;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
            return 0;
        gf_error_set(GF_ERROR, "cannot open '%s': %s", path, strerror(errno));
        return GF_ERROR;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        goto out;
    *found = true;
    gf_buf_init(out, MAX_FILE_BYTES);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = gf_error_set(GF_ERROR, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        rc = gf_buf_put(out, chunk, (size_t)n);
        if (rc < 0) {
            gf_error_where("%s", path);
            break;
        }
    }
out:
    close(fd);
    return rc;
}

/* AWS_CONFIG_FILE and friends: "~/x" is $HOME/x. */
static char *file_path(const struct gf_env *env, const char *var, const char *dflt)
{
    struct gf_buf path = GF_BUF_INIT;
    const char *v = gf_env_get(env, var);
    const char *home = gf_env_get(env, "HOME");

    if (!v)
        v = dflt;
    if (v[0] == '~' && v[1] == '/' && home)
        gf_buf_printf(&path, "%s%s", home, v + 1);
    else
        gf_buf_puts(&path, v);
    return gf_buf_detach(&path);
}

/* ---- section mapping ---------------------------------------------------------------------- */

/* shlex.split, enough of it for section headers: whitespace separates words, quotes group,
 * backslash escapes outside single quotes. Fills at most 3 words; returns the count, -1 for an
 * unterminated quote (botocore then ignores the section), GF_ENOMEM. */
/* Read one shell-like word at *s into word (quotes group, backslash escapes outside single
 * quotes), advancing *s past it. -1 for an unterminated quote. */
static int read_word(struct gf_buf *word, const char **s)
{
    const char *p = *s;
    char quote = 0;

    for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
        if (!quote && (*p == '"' || *p == '\'')) {
            quote = *p;
        } else if (quote && *p == quote) {
            quote = 0;
        } else if (*p == '\\' && quote != '\'' && p[1]) {
            gf_buf_putc(word, *++p);
        } else {
            gf_buf_putc(word, *p);
        }
    }
    *s = p;
    return quote ? -1 : 0;
}

static int split_words(struct gf_buf words[3], const char *s)
{
    int n = 0;

    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (n == 3)
            return 3;
        if (read_word(&words[n], &s) < 0)
            return -1;
        if (gf_buf_failed(&words[n]))
            return GF_ENOMEM;
        n++;
    }
    return n;
}

static int map_section(struct gf_awsconfig_sect *out, const char *name)
{
    struct gf_buf words[3] = {GF_BUF_INIT, GF_BUF_INIT, GF_BUF_INIT};
    enum gf_awsconfig_kind kind = GF_AWSCONFIG_OTHER;
    int n;
    int rc = 0;

    out->kind = GF_AWSCONFIG_OTHER;
    out->name = NULL;
    if (strcmp(name, "default") == 0) {
        out->kind = GF_AWSCONFIG_PROFILE;
        out->name = gf_strdup("default");
        return out->name ? 0 : gf_error_oom();
    }
    /* botocore tests startswith(), so "[profilex y]" is profile "y" too */
    if (strncmp(name, "profile", 7) == 0)
        kind = GF_AWSCONFIG_PROFILE;
    else if (strncmp(name, "sso-session", 11) == 0)
        kind = GF_AWSCONFIG_SSO_SESSION;
    else if (strncmp(name, "services", 8) == 0)
        kind = GF_AWSCONFIG_SERVICES;
    if (kind == GF_AWSCONFIG_OTHER)
        return 0;
    n = split_words(words, name);
    if (n == GF_ENOMEM) {
        rc = GF_ENOMEM;
    } else if (n == 2) {
        out->kind = kind;
        out->name = gf_buf_detach(&words[1]);
        if (!out->name)
            rc = gf_error_oom();
    }
    for (n = 0; n < 3; n++)
        gf_buf_release(&words[n]);
    return rc;
}

static int map_sections(struct gf_awsconfig *cfg)
{
    size_t i;
    int rc;

    if (!cfg->config.nsections)
        return 0;
    cfg->sects = gf_calloc(cfg->config.nsections, sizeof(*cfg->sects));
    if (!cfg->sects)
        return gf_error_oom();
    for (i = 0; i < cfg->config.nsections; i++) {
        rc = map_section(&cfg->sects[i], cfg->config.sections[i].name);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The config file's section for a profile or services name; the last one wins (dict.update). */
static const struct gf_ini_section *config_section(const struct gf_awsconfig *cfg,
                                                   enum gf_awsconfig_kind kind, const char *name)
{
    const struct gf_ini_section *found = NULL;
    size_t i;

    for (i = 0; cfg->sects && i < cfg->config.nsections; i++)
        if (cfg->sects[i].kind == kind && strcmp(cfg->sects[i].name, name) == 0)
            found = &cfg->config.sections[i];
    return found;
}

/* ---- loading ------------------------------------------------------------------------------ */

void gf_awsconfig_release(struct gf_awsconfig *cfg)
{
    size_t i;

    for (i = 0; cfg->sects && i < cfg->config.nsections; i++)
        gf_free(cfg->sects[i].name);
    gf_free(cfg->sects);
    gf_ini_release(&cfg->config);
    gf_ini_release(&cfg->credentials);
    gf_free(cfg->config_path);
    gf_free(cfg->credentials_path);
    gf_free(cfg->profile);
    memset(cfg, 0, sizeof(*cfg));
}

bool gf_awsconfig_has_profile(const struct gf_awsconfig *cfg, const char *profile)
{
    return config_section(cfg, GF_AWSCONFIG_PROFILE, profile) != NULL ||
           gf_ini_section(&cfg->credentials, profile) != NULL;
}

static int select_profile(struct gf_awsconfig *cfg, const struct gf_awsconfig_opts *opts)
{
    const char *name = NULL;

    if (opts && opts->profile && opts->profile[0]) {
        name = opts->profile;
        cfg->profile_from = "--profile";
        cfg->profile_explicit = true;
    } else if ((name = gf_env_get(cfg->env, "AWS_PROFILE")) != NULL) {
        cfg->profile_from = "AWS_PROFILE";
    } else if ((name = gf_env_get(cfg->env, "AWS_DEFAULT_PROFILE")) != NULL) {
        /* botocore reads AWS_DEFAULT_PROFILE first; the other SDKs and the CLI v2 docs put
         * AWS_PROFILE first, and so do we */
        cfg->profile_from = "AWS_DEFAULT_PROFILE";
    } else {
        name = "default";
        cfg->profile_from = "default";
    }
    cfg->profile = gf_strdup(name);
    if (!cfg->profile)
        return gf_error_oom();
    if (strcmp(name, "default") == 0 || gf_awsconfig_has_profile(cfg, name))
        return 0;
    gf_error_set(GF_ENOTFOUND, "profile '%s' (from %s) not found in '%s' or '%s'", name,
                 cfg->profile_from, cfg->config_path, cfg->credentials_path);
    gf_error_hint("define [profile %s] in the config file or [%s] in the credentials file, or "
                  "name another profile",
                  name, name);
    return GF_ENOTFOUND;
}

static int parse_one(struct gf_ini *out, const char *path, const char *text)
{
    if (!text) {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    return gf_ini_parse(out, path, gf_slice_from(text));
}

static int load_common(struct gf_awsconfig *out, const struct gf_awsconfig_opts *opts,
                       const char *config_text, const char *credentials_text)
{
    int rc;

    rc = parse_one(&out->config, out->config_path, config_text);
    if (rc < 0)
        return rc;
    rc = parse_one(&out->credentials, out->credentials_path, credentials_text);
    if (rc < 0)
        return rc;
    rc = map_sections(out);
    if (rc < 0)
        return rc;
    return select_profile(out, opts);
}

int gf_awsconfig_load_text(struct gf_awsconfig *out, const struct gf_awsconfig_opts *opts,
                           const char *config_path, const char *config_text,
                           const char *credentials_path, const char *credentials_text)
{
    memset(out, 0, sizeof(*out));
    out->env = opts && opts->env ? opts->env : gf_env_system();
    out->config_path = gf_strdup(config_path ? config_path : "config");
    out->credentials_path = gf_strdup(credentials_path ? credentials_path : "credentials");
    if (!out->config_path || !out->credentials_path)
        return gf_error_oom();
    return load_common(out, opts, config_text, credentials_text);
}

int gf_awsconfig_load(struct gf_awsconfig *out, const struct gf_awsconfig_opts *opts)
{
    struct gf_buf config = GF_BUF_INIT;
    struct gf_buf creds = GF_BUF_INIT;
    bool config_found = false;
    bool creds_found = false;
    int rc;

    memset(out, 0, sizeof(*out));
    out->env = opts && opts->env ? opts->env : gf_env_system();
    out->config_path = file_path(out->env, "AWS_CONFIG_FILE", "~/.aws/config");
    out->credentials_path =
        file_path(out->env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
    if (!out->config_path || !out->credentials_path) {
        rc = gf_error_oom();
        goto out;
    }
    rc = read_file(&config, &config_found, out->config_path);
    if (rc < 0)
        goto out;
    rc = read_file(&creds, &creds_found, out->credentials_path);
    if (rc < 0)
        goto out;
    rc = load_common(out, opts, config_found ? config.ptr : NULL, creds_found ? creds.ptr : NULL);
out:
    gf_buf_release_secret(&creds);
    gf_buf_release_secret(&config);
    return rc;
}

/* ---- lookups ------------------------------------------------------------------------------ */

static const struct gf_ini_entry *profile_entry(const struct gf_awsconfig *cfg,
                                                enum gf_awsconfig_file file, const char *profile,
                                                const char *key, const struct gf_ini **ini_out)
{
    const struct gf_ini_entry *e = NULL;

    if (!profile)
        profile = cfg->profile;
    if (!profile)
        return NULL;
    if (file != GF_AWSCONFIG_CONFIG) {
        e = gf_ini_entry(gf_ini_section(&cfg->credentials, profile), key);
        *ini_out = &cfg->credentials;
    }
    if (!e && file != GF_AWSCONFIG_CREDENTIALS) {
        e = gf_ini_entry(config_section(cfg, GF_AWSCONFIG_PROFILE, profile), key);
        *ini_out = &cfg->config;
    }
    return e;
}

static const char *scalar(const struct gf_ini_entry *e)
{
    if (!e || e->nsub || !e->value || !e->value[0])
        return NULL;
    return e->value;
}

const char *gf_awsconfig_profile_get(const struct gf_awsconfig *cfg, enum gf_awsconfig_file file,
                                     const char *profile, const char *key)
{
    const struct gf_ini *ini = NULL;

    return scalar(profile_entry(cfg, file, profile, key, &ini));
}

void gf_awsconfig_profile_where(char *where_out, size_t where_size, const struct gf_awsconfig *cfg,
                                enum gf_awsconfig_file file, const char *profile, const char *key)
{
    const struct gf_ini *ini = NULL;
    const struct gf_ini_entry *e = profile_entry(cfg, file, profile, key, &ini);
    struct gf_buf w = GF_BUF_INIT;

    if (!where_size)
        return;
    where_out[0] = '\0';
    if (!e || !ini || !ini->path)
        return;
    gf_buf_printf(&w, "%s:%zu", ini->path, e->line);
    if (!gf_buf_failed(&w) && w.len < where_size)
        memcpy(where_out, w.ptr, w.len + 1);
    gf_buf_release(&w);
}

const char *gf_awsconfig_get(const struct gf_awsconfig *cfg, const char *key)
{
    return gf_awsconfig_profile_get(cfg, GF_AWSCONFIG_ANY, NULL, key);
}

int gf_awsconfig_role(struct gf_awsconfig_role *out, const struct gf_awsconfig *cfg,
                      const char *profile)
{
    const char *duration;
    char where[256];

    memset(out, 0, sizeof(*out));
    if (!profile)
        profile = cfg->profile;
#define ROLE_KEY(field) out->field = gf_awsconfig_profile_get(cfg, GF_AWSCONFIG_ANY, profile, #field)
    ROLE_KEY(role_arn);
    ROLE_KEY(source_profile);
    ROLE_KEY(credential_source);
    ROLE_KEY(external_id);
    ROLE_KEY(role_session_name);
    ROLE_KEY(web_identity_token_file);
    ROLE_KEY(mfa_serial);
#undef ROLE_KEY
    duration = gf_awsconfig_profile_get(cfg, GF_AWSCONFIG_ANY, profile, "duration_seconds");
    if (!duration)
        return 0;
    /* AssumeRole's DurationSeconds range (aws-protocols.md §7.1) */
    if (gf_slice_to_i64(&out->duration_seconds, gf_slice_from(duration), 900, 43200) == 0)
        return 0;
    gf_awsconfig_profile_where(where, sizeof(where), cfg, GF_AWSCONFIG_ANY, profile,
                               "duration_seconds");
    gf_error_set(GF_EINVALID, "duration_seconds '%s' of profile '%s' is not a number of seconds "
                 "from 900 to 43200", duration, profile);
    gf_error_where("%s", where);
    gf_error_key("duration_seconds");
    return GF_EINVALID;
}

/* ---- endpoints ---------------------------------------------------------------------------- */

const char *gf_awsconfig_endpoint_url(const struct gf_awsconfig *cfg)
{
    return gf_awsconfig_get(cfg, "endpoint_url");
}

const char *gf_awsconfig_service_get(const struct gf_awsconfig *cfg, const char *config_key,
                                     const char *key)
{
    const char *services = gf_awsconfig_get(cfg, "services");
    const struct gf_ini_entry *e;
    const char *found = NULL;
    size_t i;

    if (!services)
        return NULL;
    e = gf_ini_entry(config_section(cfg, GF_AWSCONFIG_SERVICES, services), config_key);
    for (i = 0; e && i < e->nsub; i++) /* dict semantics: the last one wins */
        if (strcmp(e->sub[i].key, key) == 0)
            found = e->sub[i].value;
    return found && found[0] ? found : NULL;
}

const char *gf_awsconfig_nested_get(const struct gf_awsconfig *cfg, const char *key,
                                    const char *subkey)
{
    const struct gf_ini *ini = NULL;
    const struct gf_ini_entry *e = profile_entry(cfg, GF_AWSCONFIG_ANY, NULL, key, &ini);
    const char *found = NULL;
    size_t i;

    for (i = 0; e && i < e->nsub; i++) /* dict semantics: the last one wins */
        if (strcmp(e->sub[i].key, subkey) == 0)
            found = e->sub[i].value;
    return found && found[0] ? found : NULL;
}

int gf_awsconfig_s3_addressing_style(const char **style_out, const struct gf_awsconfig *cfg)
{
    static const char *const styles[] = {"path", "virtual", "auto"};
    const char *v = gf_awsconfig_nested_get(cfg, "s3", "addressing_style");
    char where[256];
    size_t i;

    *style_out = NULL;
    if (!v)
        return 0;
    for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
        if (strcmp(v, styles[i]) == 0) {
            *style_out = styles[i];
            return 0;
        }
    }
    gf_awsconfig_profile_where(where, sizeof(where), cfg, GF_AWSCONFIG_ANY, NULL, "s3");
    gf_error_set(GF_EINVALID, "s3 addressing_style '%s' of profile '%s' is not path, virtual or "
                 "auto", v, cfg->profile ? cfg->profile : "default");
    gf_error_where("%s", where);
    gf_error_key("s3.addressing_style");
    gf_error_hint("write `s3 =` and on the next line, indented, `addressing_style = path`");
    return GF_EINVALID;
}

const char *gf_awsconfig_service_endpoint(const struct gf_awsconfig *cfg, const char *config_key)
{
    return gf_awsconfig_service_get(cfg, config_key, "endpoint_url");
}

/* ---- region ------------------------------------------------------------------------------- */

/* botocore's validate_region_name: a host label. */
static bool region_valid(const char *r)
{
    size_t n = strlen(r);
    size_t i;

    if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++) {
        char c = r[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

static int region_missing(const struct gf_awsconfig *cfg)
{
    bool dflt = strcmp(cfg->profile, "default") == 0;

    gf_error_set(GF_ENOTFOUND,
                 "no AWS region set: looked at --region, the stack's `region`, AWS_REGION, "
                 "AWS_DEFAULT_REGION and `region` in %s%s%s of '%s'",
                 dflt ? "[default" : "[profile ", dflt ? "" : cfg->profile, "]", cfg->config_path);
    gf_error_hint("set `region:` in the stack, pass --region, export AWS_REGION, or add "
                  "`region = eu-west-1` (for example) to that profile");
    return GF_ENOTFOUND;
}

int gf_awsconfig_region(const char **region_out, const char **source_out,
                        const struct gf_awsconfig *cfg, const char *cli_region,
                        const char *stack_region)
{
    const char *r = NULL;
    const char *src = NULL;
    char where[256] = "";

    if (cli_region && cli_region[0]) {
        r = cli_region;
        src = "--region";
    } else if (stack_region && stack_region[0]) {
        r = stack_region;
        src = "stack";
    } else if ((r = gf_env_get(cfg->env, "AWS_REGION")) != NULL) {
        src = "AWS_REGION";
    } else if ((r = gf_env_get(cfg->env, "AWS_DEFAULT_REGION")) != NULL) {
        src = "AWS_DEFAULT_REGION";
    } else if ((r = gf_awsconfig_get(cfg, "region")) != NULL) {
        src = "profile";
        gf_awsconfig_profile_where(where, sizeof(where), cfg, GF_AWSCONFIG_ANY, NULL, "region");
    }
    *region_out = NULL;
    if (source_out)
        *source_out = src;
    if (!r)
        return region_missing(cfg);
    if (!region_valid(r)) {
        gf_error_set(GF_EINVALID, "region '%.64s' (from %s) is not a region name", r, src);
        gf_error_where("%s", where[0] ? where : src);
        gf_error_hint("a region is a name like us-east-1 or eu-west-3");
        return GF_EINVALID;
    }
    *region_out = r;
    return 0;
}
