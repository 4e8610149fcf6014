/* SPDX-License-Identifier: Apache-2.0 */
/* env.h: the process environment, injected. Code that reads environment variables takes a
 * const struct gf_env * (NULL: the process environment), so tests never depend on the
 * environment they run in. */
#ifndef GF_ENV_H
#define GF_ENV_H

/* The value of `name` (borrowed; must outlive its use), or NULL when unset. */
typedef const char *gf_getenv_fn(const char *name, void *payload);

struct gf_env {
    gf_getenv_fn *getenv;
    void *payload;
};

/* The process environment (borrowed, static). */
const struct gf_env *gf_env_system(void);
/* env's value of `name`; NULL when unset or empty. env NULL: the process environment. */
const char *gf_env_get(const struct gf_env *env, const char *name);

#endif
