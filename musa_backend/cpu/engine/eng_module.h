/*
 * eng_module.h - what module loading shares with the lowering driver.
 *
 * Owns: the entry points between eng_module.c (memory layout of a module: globals, shared,
 * local frames, parameters, kernels) and eng_lower.c (code).
 */
#ifndef CUSHIM_ENG_MODULE_H
#define CUSHIM_ENG_MODULE_H

#include "eng_internal.h"

/* Lower one PTX function with a body into mod->code; 0 or -1 (out of memory). */
int eng_lower_function(struct engine_module *mod, uint32_t pfi);

#endif
