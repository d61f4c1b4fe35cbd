/*
 * registry.c - the backends this build knows, by name.  Adding a backend is one line here and
 * one `const struct mu_driver` elsewhere; nothing above musa_backend/ names a backend.
 */
#include <string.h>

#include "mu.h"

static const struct mu_driver *const backends[] = {
    &mu_cpu_driver,
};

const struct mu_driver *mu_backend_find(const char *name)
{
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

void mu_backend_names(char *names, size_t len)
{
    if (len == 0)
        return;
    names[0] = '\0';
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        if (i > 0)
            strncat(names, ", ", len - strlen(names) - 1);
        strncat(names, backends[i]->name, len - strlen(names) - 1);
    }
}
