/*
 * cpu_engine.c - the default engine table: the functions of engine.h.
 *
 * Owns: the table and its test override.
 * Must not: wrap the engine's behaviour.
 */
#include "cpu_engine.h"

#include <stdatomic.h>
#include <stddef.h>

static const struct cpu_engine_ops real_engine = {
    .module_load = engine_module_load,
    .module_unload = engine_module_unload,
    .module_kernel = engine_module_kernel,
    .module_global = engine_module_global,
    .kernel_info = engine_kernel_info,
    .kernel_name = engine_kernel_name,
    .kernel_param_size = engine_kernel_param_size,
    .kernel_param_offset = engine_kernel_param_offset,
    .kernel_check = engine_kernel_check,
    .launch = engine_launch,
    .host_release = engine_host_release,
    .host_heap_created = engine_host_heap_created,
};

static _Atomic(const struct cpu_engine_ops *) override;

const struct cpu_engine_ops *cpu_engine(void)
{
    const struct cpu_engine_ops *ops = atomic_load_explicit(&override, memory_order_acquire);
    return ops != NULL ? ops : &real_engine;
}

void cpu_engine_set_ops_for_testing(const struct cpu_engine_ops *ops)
{
    atomic_store_explicit(&override, ops, memory_order_release);
}
