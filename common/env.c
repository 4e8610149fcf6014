/* SPDX-License-Identifier: Apache-2.0 */
/* env.c: the injected environment (common/env.h). */
#include <stdlib.h>

#include "common/env.h"
#include "common/banned.h"

static const char *sys_getenv(const char *name, void *payload)
{
    (void)payload;
    return getenv(name);
}

static const struct gf_env s_env_system = {sys_getenv, NULL};

const struct gf_env *gf_env_system(void)
{
    return &s_env_system;
}

const char *gf_env_get(const struct gf_env *env, const char *name)
{
    const char *v;

    if (!env)
        env = &s_env_system;
    v = env->getenv(name, env->payload);
    return v && v[0] ? v : NULL;
}
