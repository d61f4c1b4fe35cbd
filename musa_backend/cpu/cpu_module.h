/*
 * cpu_module.h - modules (one fatbinary's chosen PTX, loaded by the engine) and functions.
 *
 * Owns: module and function objects, choosing the images to load, and the per-function
 * settings (maximum dynamic shared memory, carveout) that launches check against.
 * Must not: execute anything (cpu_launch.c queues launches, the engine runs them), or free a
 * module while a queued launch still uses one of its kernels (launches hold a reference).
 */
#ifndef CUSHIM_CPU_MODULE_H
#define CUSHIM_CPU_MODULE_H

#include <pthread.h>
#include <stdatomic.h>

#include "cpu_device.h"

struct mu_function {
    struct mu_module *module;
    const engine_kernel *kernel;
    char *name;
    struct mu_func_info info;      /* the engine's answer, taken once */
    atomic_int max_dynamic_shared; /* cudaFuncAttributeMaxDynamicSharedMemorySize */
    atomic_int carveout;           /* cudaFuncAttributePreferredSharedMemoryCarveout */
    int nparams;
    /* Where each argument value goes in a queued launch's copy; NULL when the engine cannot
     * say how big the parameters are (launches of this function then run synchronously). */
    size_t *param_offset, *param_size;
    size_t args_bytes;
    struct mu_function *next;
};

struct mu_module {
    struct cpu_device *dev;
    /* One engine module per unit of the fatbinary (several for -rdc=true programs): kernels
     * and globals are looked up in each in turn. */
    engine_module **units;
    int nunits;
    atomic_int refs;            /* the handle + queued launches */
    pthread_mutex_t lock;       /* the function list */
    struct mu_function *functions;
    struct mu_module *next, *prev; /* the device's list while the handle lives */
};

void cpu_module_ref(struct mu_module *module);
void cpu_module_unref(struct mu_module *module);
/* Reset: unload every module of the device. */
void cpu_modules_reset(struct cpu_device *dev);

#endif
