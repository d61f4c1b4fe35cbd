/*
 * backend_select.c - chooses and initialises the backend once per process: CUSHIM_BACKEND names
 * it (default "cpu"); an unknown name or a backend that fails to start is reported once on
 * stderr, and every call that needs a device then fails with cudaErrorInitializationError.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "runtime.h"
#include "mu_log.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct mu_driver *selected;
static cudaError_t init_error = cudaSuccess;

static void select_backend(void)
{
    const char *name = getenv("CUSHIM_BACKEND");
    if (name == NULL || name[0] == '\0')
        name = "cpu";
    const struct mu_driver *driver = mu_backend_find(name);
    if (driver == NULL) {
        char names[128];
        mu_backend_names(names, sizeof names);
        mu_report("CUSHIM_BACKEND=%s is not a backend of this build (valid: %s)",
                  name, names);
        init_error = cudaErrorInitializationError;
        return;
    }
    MUresult result = driver->muInit();
    if (result != MU_SUCCESS) {
        mu_report("the %s backend failed to start (%s)", driver->name,
                  impl_cudaGetErrorString(cushim_from_mu(result)));
        init_error = cushim_from_mu(result);
        return;
    }
    selected = driver;
}

const struct mu_driver *cushim_backend(cudaError_t *error)
{
    pthread_once(&once, select_backend);
    if (selected == NULL && error != NULL)
        *error = init_error;
    return selected;
}
