/*
 * cpu_engine.h - how the device services call the engine.
 *
 * Owns: one table of the engine entry points the device services use (engine.h's functions by
 * default), so that tests can put a fake engine in its place (kernels that fault, sleep or
 * record their arguments) whether or not the real engine is linked.
 * Must not: add behaviour: every slot is the engine's function or a test's stand-in for it.
 */
#ifndef CUSHIM_CPU_ENGINE_GLUE_H
#define CUSHIM_CPU_ENGINE_GLUE_H

#include "cpu/engine/engine.h"

struct cpu_engine_ops {
    MUresult (*module_load)(engine_module **module, const char *ptx, size_t len,
                            const struct engine_host *host, const char *what);
    void (*module_unload)(engine_module *module);
    const engine_kernel *(*module_kernel)(const engine_module *module, const char *name);
    int (*module_global)(const engine_module *module, const char *name, void **addr,
                         size_t *bytes);
    void (*kernel_info)(const engine_kernel *kernel, struct mu_func_info *info);
    const char *(*kernel_name)(const engine_kernel *kernel);
    /* Bytes of parameter index, so a launch can copy the argument values when it is queued.
     * A stand-in engine may leave it NULL: its launches then run synchronously (the caller's
     * argument pointers stay valid while it waits). */
    size_t (*kernel_param_size)(const engine_kernel *kernel, int index);
    /* Where parameter index starts in the kernel's parameter buffer as its PTX lays it out
     * (cuFuncGetParamInfo's answer).  May be NULL: values are then laid out at their natural
     * alignment. */
    size_t (*kernel_param_offset)(const engine_kernel *kernel, int index);
    /* MU_SUCCESS if the kernel can run, else the error its launch would end with (such as
     * unsupported PTX), so launches report it synchronously.  May be NULL. */
    MUresult (*kernel_check)(const engine_kernel *kernel);
    MUresult (*launch)(const engine_kernel *kernel, const struct engine_launch *launch);
    /* The device owning host is being reset: drop the engine's state for it. */
    void (*host_release)(const struct engine_host *host);
    /* 1 when the device heap of host exists (device malloc was used).  May be NULL. */
    int (*host_heap_created)(const struct engine_host *host);
};

const struct cpu_engine_ops *cpu_engine(void);
/* Tests: use ops instead of the engine (NULL puts the engine back). */
void cpu_engine_set_ops_for_testing(const struct cpu_engine_ops *ops);

#endif
