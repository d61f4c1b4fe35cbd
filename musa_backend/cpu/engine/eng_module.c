/*
 * eng_module.c - loading a PTX module: parse, lay out its memory, lower its functions, and
 * describe its kernels.
 *
 * Owns: where every variable lives (module .global/.const in device memory from
 * engine_host.alloc, initialised from the PTX including address initialisers; .shared at
 * offsets in a block's shared buffer; .local and function .param in each lane's local frame;
 * kernel .param in the launch's parameter buffer), which external functions the device
 * provides, and which kernels can reach an instruction the engine cannot run.  Also the
 * engine_module_* / engine_kernel_* queries.
 */
#define _POSIX_C_SOURCE 200809L /* flockfile, clock_gettime, strdup, sysconf */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_builtin.h"
#include "eng_module.h"
#include "mu_log.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
    if (a == 0)
        a = 1;
    return (v + a - 1) / a * a;
}

static uint32_t builtin_of(const char *name)
{
    if (strcmp(name, "vprintf") == 0)
        return ENG_BUILTIN_VPRINTF;
    if (strcmp(name, "malloc") == 0)
        return ENG_BUILTIN_MALLOC;
    if (strcmp(name, "free") == 0)
        return ENG_BUILTIN_FREE;
    if (strcmp(name, "__assertfail") == 0)
        return ENG_BUILTIN_ASSERTFAIL;
    return eng_devrt_lookup(name);
}

static int track_alloc(struct engine_module *mod, void *p)
{
    void **n = realloc(mod->allocs, sizeof(void *) * (mod->nallocs + 1));
    if (!n)
        return -1;
    mod->allocs = n;
    mod->allocs[mod->nallocs++] = p;
    return 0;
}

/* .global/.const variables: device memory with their initial values. */
static MUresult place_globals(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    for (uint32_t i = 0; i < pm->nvars; i++) {
        const ptx_var *v = &pm->vars[i];
        if (v->space != PTX_SPACE_GLOBAL && v->space != PTX_SPACE_CONST)
            continue;
        size_t bytes = (size_t)(v->size ? v->size : 16);
        size_t align = v->align ? v->align : 16;
        if (align < 16)
            align = 16;
        void *p = mod->host.alloc(mod->host.ctx, bytes, align);
        if (!p)
            return MU_ERROR_MEMORY_ALLOCATION;
        if (track_alloc(mod, p)) {
            mod->host.free(mod->host.ctx, p);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
        memset(p, 0, bytes);
        mod->var_addr[i] = (uint64_t)(uintptr_t)p;
    }
    return MU_SUCCESS;
}

static void apply_initialisers(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    for (uint32_t i = 0; i < pm->nvars; i++) {
        const ptx_var *v = &pm->vars[i];
        if (v->space != PTX_SPACE_GLOBAL && v->space != PTX_SPACE_CONST)
            continue;
        uint8_t *p = (uint8_t *)(uintptr_t)mod->var_addr[i];
        if (v->init != PTX_NONE)
            memcpy(p, pm->data + v->init, (size_t)v->size);
        for (uint32_t k = 0; k < v->nrelocs; k++) {
            const ptx_reloc *r = &pm->relocs[v->relocs + k];
            uint64_t val = r->is_func ? ENG_FUNC_ADDR(mod->serial, r->sym) : mod->var_addr[r->sym];
            val += (uint64_t)r->addend;
            if (r->offset + r->width <= v->size)
                memcpy(p + r->offset, &val, r->width); /* little-endian host */
        }
    }
}

/* Shared memory: the reserved region (%reserved_smem_offset_*, used by cooperative groups),
 * module-level and .func variables (every kernel may reach them), then
 * each kernel's own variables from the same base (kernels never share a block), then dynamic
 * shared memory after the largest static extent. */
static MUresult place_shared(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    uint64_t off = ENG_RESERVED_SMEM; /* the system's reserved shared memory comes first */
    uint32_t dyn_align = 16;
    for (uint32_t i = 0; i < pm->nvars; i++) {
        const ptx_var *v = &pm->vars[i];
        if (v->space != PTX_SPACE_SHARED)
            continue;
        if (v->flags & (PTX_VAR_F_UNSIZED | PTX_VAR_F_EXTERN)) {
            if (v->align > dyn_align)
                dyn_align = v->align;
            continue;
        }
        if (v->owner != PTX_NONE && (pm->funcs[v->owner].flags & PTX_FUNC_F_ENTRY))
            continue;
        if (v->size > ENG_MAX_SHARED) /* so the sums below cannot wrap */
            return MU_ERROR_INVALID_PTX;
        off = align_up(off, v->align);
        mod->var_addr[i] = off;
        off += v->size;
    }
    mod->smem_module = (uint32_t)off;
    uint64_t max = off;
    for (uint32_t f = 0; f < pm->nfuncs; f++) {
        if (!(pm->funcs[f].flags & PTX_FUNC_F_ENTRY))
            continue;
        uint64_t k = mod->smem_module;
        for (uint32_t i = 0; i < pm->nvars; i++) {
            const ptx_var *v = &pm->vars[i];
            if (v->space != PTX_SPACE_SHARED || v->owner != f ||
                (v->flags & (PTX_VAR_F_UNSIZED | PTX_VAR_F_EXTERN)))
                continue;
            if (v->size > ENG_MAX_SHARED)
                return MU_ERROR_INVALID_PTX;
            k = align_up(k, v->align);
            mod->var_addr[i] = k;
            k += v->size;
        }
        if (k > max)
            max = k;
    }
    /* Offsets are kept in 32 bits from here on.  No device has a gigabyte of shared memory,
     * and a GPU's JIT refuses such a kernel too (CUDA_ERROR_INVALID_PTX). */
    if (align_up(max, dyn_align) > ENG_MAX_SHARED)
        return MU_ERROR_INVALID_PTX;
    mod->smem_static_max = (uint32_t)max;
    mod->smem_dyn_align = dyn_align;
    mod->smem_dyn_base = (uint32_t)align_up(max, dyn_align);
    for (uint32_t i = 0; i < pm->nvars; i++) {
        const ptx_var *v = &pm->vars[i];
        if (v->space == PTX_SPACE_SHARED && (v->flags & (PTX_VAR_F_UNSIZED | PTX_VAR_F_EXTERN)))
            mod->var_addr[i] = mod->smem_dyn_base;
    }
    return MU_SUCCESS;
}

/* Each function's frame in per-lane local memory: its .local variables, the .param variables
 * of its call sites, and (for .func) its own parameters and return values. */
static MUresult place_locals(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    for (uint32_t f = 0; f < pm->nfuncs; f++) {
        const ptx_func *pf = &pm->funcs[f];
        int entry = (pf->flags & PTX_FUNC_F_ENTRY) != 0;
        uint64_t off = 0;
        for (uint32_t i = 0; i < pm->nvars; i++) {
            const ptx_var *v = &pm->vars[i];
            if (v->owner != f)
                continue;
            int here = v->space == PTX_SPACE_LOCAL ||
                       (v->space == PTX_SPACE_PARAM && (!entry || (v->flags & PTX_VAR_F_CALLARG)));
            if (!here)
                continue;
            if (v->size > ENG_MAX_LOCAL) /* so the sums below cannot wrap */
                return MU_ERROR_INVALID_PTX;
            off = align_up(off, v->align ? v->align : 1);
            mod->var_addr[i] = off;
            off += v->size;
        }
        /* A GPU gives a thread at most 512 KiB of local memory; ptxas refuses more. */
        if (off > ENG_MAX_LOCAL)
            return MU_ERROR_INVALID_PTX;
        /* every frame takes some stack, like a GPU's return address and saved registers, so
         * unbounded recursion overflows the stack instead of running forever */
        mod->funcs[f].local_bytes = (uint32_t)align_up(off ? off : 16, 16);
    }
    return MU_SUCCESS;
}

static MUresult make_kernels(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    uint32_t n = 0;
    for (uint32_t f = 0; f < pm->nfuncs; f++)
        if ((pm->funcs[f].flags & PTX_FUNC_F_ENTRY) && (pm->funcs[f].flags & PTX_FUNC_F_BODY))
            n++;
    mod->kernels = calloc(n ? n : 1, sizeof *mod->kernels);
    if (!mod->kernels)
        return MU_ERROR_MEMORY_ALLOCATION;
    for (uint32_t f = 0; f < pm->nfuncs; f++) {
        const ptx_func *pf = &pm->funcs[f];
        if (!(pf->flags & PTX_FUNC_F_ENTRY) || !(pf->flags & PTX_FUNC_F_BODY))
            continue;
        struct engine_kernel *k = &mod->kernels[mod->nkernels++];
        k->mod = mod;
        k->func = f;
        k->name = ptx_str(pm, pf->name);
        k->nparams = pf->nparams;
        k->param_off = calloc(pf->nparams ? pf->nparams : 1, sizeof(uint32_t));
        k->param_size = calloc(pf->nparams ? pf->nparams : 1, sizeof(uint32_t));
        if (!k->param_off || !k->param_size)
            return MU_ERROR_MEMORY_ALLOCATION;
        uint64_t off = 0;
        for (uint32_t i = 0; i < pf->nparams; i++) {
            const ptx_var *v = &pm->vars[pf->params + i];
            off = align_up(off, v->align ? v->align : 1);
            k->param_off[i] = (uint32_t)off;
            k->param_size[i] = (uint32_t)v->size;
            mod->var_addr[pf->params + i] = off;
            off += v->size;
        }
        k->params_bytes = (uint32_t)align_up(off, 16);
        uint64_t smem = mod->smem_module;
        for (uint32_t i = 0; i < pm->nvars; i++) {
            const ptx_var *v = &pm->vars[i];
            if (v->space == PTX_SPACE_SHARED && v->owner == f &&
                !(v->flags & (PTX_VAR_F_UNSIZED | PTX_VAR_F_EXTERN)))
                smem = align_up(smem, v->align) + v->size;
        }
        k->static_smem = (uint32_t)smem;
        k->local_bytes = mod->funcs[f].local_bytes;
        uint64_t local = 0; /* the frame minimum and call arguments are the engine's own */
        for (uint32_t i = 0; i < pm->nvars; i++)
            if (pm->vars[i].space == PTX_SPACE_LOCAL && pm->vars[i].owner == f)
                local = align_up(local, pm->vars[i].align ? pm->vars[i].align : 1) + pm->vars[i].size;
        k->declared_local = (uint32_t)align_up(local, 8);
        k->unsupported = ENG_NONE;
        k->unsupported_func = ENG_NONE;
        memcpy(k->maxntid, pf->maxntid, sizeof k->maxntid);
        memcpy(k->reqntid, pf->reqntid, sizeof k->reqntid);
    }
    return MU_SUCCESS;
}

/* The local memory the calls made from function f need at the deepest, each callee's frame
 * plus what its own calls need.  A call back into a function still on the path (recursion)
 * adds nothing here: how deep recursion goes is the program's choice, bounded by
 * cudaLimitStackSize.  state: 0 not seen, 1 on the path, 2 need[f] known. */
static uint64_t call_need(const struct engine_module *mod, const uint8_t *addr_taken, uint32_t f,
                          uint8_t *state, uint64_t *need)
{
    if (state[f] == 2)
        return need[f];
    if (state[f] == 1 || mod->funcs[f].builtin)
        return 0;
    state[f] = 1;
    const ptx_module *pm = mod->ptx;
    const ptx_func *pf = &pm->funcs[f];
    uint64_t most = 0;
    for (uint32_t i = pf->insns; i < pf->insns + pf->ninsns; i++) {
        const ptx_insn *in = &pm->insns[i];
        if (in->op != PTX_OP_CALL || in->nopnds < 2)
            continue;
        const ptx_operand *callee = ptx_opnd(pm, in, 1);
        for (uint32_t g = 0; g < pm->nfuncs; g++) { /* an indirect call may reach any taken address */
            int reached = callee->kind == PTX_OPND_FUNC ? g == callee->index : addr_taken[g];
            if (!reached || state[g] == 1)
                continue;
            uint64_t n = mod->funcs[g].local_bytes + call_need(mod, addr_taken, g, state, need);
            most = n > most ? n : most;
        }
    }
    state[f] = 2;
    need[f] = most;
    return most;
}

/* Which functions each kernel can reach; the first unsupported instruction among them. */
static void check_reachability(struct engine_module *mod)
{
    const ptx_module *pm = mod->ptx;
    uint8_t *addr_taken = calloc(pm->nfuncs ? pm->nfuncs : 1, 1);
    uint8_t *seen = calloc(pm->nfuncs ? pm->nfuncs : 1, 1);
    uint32_t *stack = calloc(pm->nfuncs ? pm->nfuncs : 1, sizeof(uint32_t));
    if (!addr_taken || !seen || !stack)
        goto out;
    for (uint32_t i = 0; i < pm->ninsns; i++) {
        const ptx_insn *in = &pm->insns[i];
        for (unsigned k = 0; k < in->nopnds; k++) {
            const ptx_operand *o = ptx_opnd(pm, in, k);
            if (o->kind == PTX_OPND_FUNC && !(in->op == PTX_OP_CALL && k == 1))
                addr_taken[o->index] = 1;
        }
    }
    for (uint32_t r = 0; r < pm->nrelocs; r++)
        if (pm->relocs[r].is_func)
            addr_taken[pm->relocs[r].sym] = 1;
    for (uint32_t ki = 0; ki < mod->nkernels; ki++) {
        struct engine_kernel *k = &mod->kernels[ki];
        memset(seen, 0, pm->nfuncs);
        uint64_t *need = calloc(pm->nfuncs ? pm->nfuncs : 1, sizeof *need);
        if (need != NULL) {
            k->call_stack = call_need(mod, addr_taken, k->func, seen, need);
            free(need);
            memset(seen, 0, pm->nfuncs);
        }
        uint32_t sp = 0;
        stack[sp++] = k->func;
        seen[k->func] = 1;
        int indirect_added = 0;
        while (sp) {
            uint32_t f = stack[--sp];
            const ptx_func *pf = &pm->funcs[f];
            if (mod->funcs[f].builtin) /* the engine's own: its PTX body (if any) never runs */
                continue;
            if (mod->funcs[f].unsupported != ENG_NONE &&
                (k->unsupported == ENG_NONE || mod->funcs[f].unsupported < k->unsupported)) {
                k->unsupported = mod->funcs[f].unsupported;
                k->unsupported_func = f;
            }
            for (uint32_t i = pf->insns; i < pf->insns + pf->ninsns; i++) {
                const ptx_insn *in = &pm->insns[i];
                if (in->op == PTX_OP_ALLOCA) /* needs the stack as a call does */
                    k->uses_calls = 1;
                if (in->op != PTX_OP_CALL || in->nopnds < 2)
                    continue;
                k->uses_calls = 1;
                const ptx_operand *callee = ptx_opnd(pm, in, 1);
                if (callee->kind == PTX_OPND_FUNC) {
                    if (!seen[callee->index]) {
                        seen[callee->index] = 1;
                        stack[sp++] = callee->index;
                    }
                } else if (!indirect_added) {
                    indirect_added = 1;
                    for (uint32_t g = 0; g < pm->nfuncs; g++)
                        if (addr_taken[g] && !seen[g]) {
                            seen[g] = 1;
                            stack[sp++] = g;
                        }
                }
            }
        }
    }
out:
    free(addr_taken);
    free(seen);
    free(stack);
}

static void module_free(struct engine_module *mod)
{
    if (!mod)
        return;
    for (uint32_t i = 0; i < mod->nallocs; i++)
        mod->host.free(mod->host.ctx, mod->allocs[i]);
    free(mod->allocs);
    for (uint32_t i = 0; i < mod->nkernels; i++) {
        free(mod->kernels[i].param_off);
        free(mod->kernels[i].param_size);
    }
    free(mod->kernels);
    if (mod->funcs)
        for (uint32_t i = 0; i < mod->nfuncs; i++)
            free(mod->funcs[i].const_image);
    free(mod->funcs);
    free(mod->code);
    free(mod->callsites);
    free(mod->callargs);
    free(mod->vslots);
    free(mod->var_addr);
    free(mod->what);
    ptx_module_free(mod->ptx);
    free(mod);
}

MUresult engine_module_load(engine_module **out, const char *ptx, size_t len,
                            const struct engine_host *host, const char *what)
{
    *out = NULL;
    if (!ptx || !host || !host->alloc || !host->free || !host->find_range)
        return MU_ERROR_INVALID_VALUE;
    if (!what)
        what = "module";
    struct engine_module *mod = calloc(1, sizeof *mod);
    if (!mod)
        return MU_ERROR_MEMORY_ALLOCATION;
    static _Atomic uint32_t next_serial;
    mod->serial = next_serial++ & 0xFFFFu;
    mod->host = *host;
    mod->what = strdup(what);
    char err[256];
    int rc = ptx_parse(ptx, len, &mod->ptx, err, sizeof err);
    if (rc) {
        if (rc == -2) {
            module_free(mod);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
        mu_report("%s: invalid PTX: %s", what, err);
        module_free(mod);
        return MU_ERROR_INVALID_PTX;
    }
    const ptx_module *pm = mod->ptx;
    mod->nfuncs = pm->nfuncs;
    mod->funcs = calloc(pm->nfuncs ? pm->nfuncs : 1, sizeof *mod->funcs);
    mod->var_addr = calloc(pm->nvars ? pm->nvars : 1, sizeof *mod->var_addr);
    if (!mod->funcs || !mod->var_addr || !mod->what) {
        module_free(mod);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    for (uint32_t f = 0; f < pm->nfuncs; f++) {
        mod->funcs[f].ptx = f;
        mod->funcs[f].unsupported = ENG_NONE;
        const char *name = ptx_str(pm, pm->funcs[f].name);
        /* The engine is the device runtime: where a -rdc program links libcudadevrt's own PTX
         * (built for sm_100 and later), its definitions, made of system calls into NVIDIA's
         * driver, give way to the engine's. */
        uint32_t devrt = eng_devrt_lookup(name);
        if (devrt != ENG_BUILTIN_UNKNOWN)
            mod->funcs[f].builtin = devrt;
        else if (!(pm->funcs[f].flags & PTX_FUNC_F_BODY))
            mod->funcs[f].builtin = builtin_of(name);
    }
    MUresult r = place_globals(mod);
    if (r != MU_SUCCESS) {
        module_free(mod);
        return r;
    }
    if (place_shared(mod) != MU_SUCCESS) {
        mu_report("%s: invalid PTX: more than %u bytes of shared memory", what,
                  ENG_MAX_SHARED);
        module_free(mod);
        return MU_ERROR_INVALID_PTX;
    }
    if (place_locals(mod) != MU_SUCCESS) {
        mu_report("%s: invalid PTX: a function with more than %u bytes of local "
                  "memory per thread", what, ENG_MAX_LOCAL);
        module_free(mod);
        return MU_ERROR_INVALID_PTX;
    }
    r = make_kernels(mod); /* also places kernel parameters, which lowering reads */
    if (r != MU_SUCCESS) {
        module_free(mod);
        return r;
    }
    apply_initialisers(mod);
    for (uint32_t f = 0; f < pm->nfuncs; f++) {
        if (!(pm->funcs[f].flags & PTX_FUNC_F_BODY))
            continue;
        if (eng_lower_function(mod, f)) {
            module_free(mod);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
    }
    check_reachability(mod);
    *out = mod;
    return MU_SUCCESS;
}

void engine_module_unload(engine_module *module)
{
    module_free(module);
}

const engine_kernel *engine_module_kernel(const engine_module *module, const char *name)
{
    if (!module || !name)
        return NULL;
    for (uint32_t i = 0; i < module->nkernels; i++)
        if (strcmp(module->kernels[i].name, name) == 0)
            return &module->kernels[i];
    return NULL;
}

int engine_module_global(const engine_module *module, const char *name, void **addr, size_t *bytes)
{
    if (!module || !name)
        return 0;
    const ptx_module *pm = module->ptx;
    for (uint32_t i = 0; i < pm->nvars; i++) {
        const ptx_var *v = &pm->vars[i];
        if (v->owner != PTX_NONE || (v->space != PTX_SPACE_GLOBAL && v->space != PTX_SPACE_CONST))
            continue;
        if (strcmp(ptx_str(pm, v->name), name) != 0)
            continue;
        if (addr)
            *addr = (void *)(uintptr_t)module->var_addr[i];
        if (bytes)
            *bytes = (size_t)v->size;
        return 1;
    }
    return 0;
}

void engine_kernel_info(const engine_kernel *k, struct mu_func_info *info)
{
    memset(info, 0, sizeof *info);
    const struct engine_module *mod = k->mod;
    const ptx_module *pm = mod->ptx;
    info->shared_size_bytes = k->static_smem - ENG_RESERVED_SMEM; /* what the program declared */
    size_t cbytes = 0;
    for (uint32_t i = 0; i < pm->nvars; i++)
        if (pm->vars[i].space == PTX_SPACE_CONST)
            cbytes += (size_t)pm->vars[i].size;
    info->const_size_bytes = cbytes;
    info->local_size_bytes = k->declared_local;
    uint32_t maxt = 1024;
    if (k->maxntid[0])
        maxt = k->maxntid[0] * (k->maxntid[1] ? k->maxntid[1] : 1) * (k->maxntid[2] ? k->maxntid[2] : 1);
    if (k->reqntid[0])
        maxt = k->reqntid[0] * (k->reqntid[1] ? k->reqntid[1] : 1) * (k->reqntid[2] ? k->reqntid[2] : 1);
    info->max_threads_per_block = (int)(maxt > 1024 ? 1024 : maxt);
    /* PTX registers are virtual and unbounded; ptxas fits a kernel into the register file for
     * its largest block (at most 255 per thread, in units of 8), so report what it would. */
    uint32_t warps = (uint32_t)(info->max_threads_per_block + 31) / 32;
    uint32_t fit = 65536u / (warps * 32u) / 8u * 8u, regs = pm->funcs[k->func].nregs;
    if (fit > 255)
        fit = 255;
    info->num_regs = (int)(regs > fit ? fit : regs);
    info->ptx_version = (int)(pm->target_sm ? pm->target_sm : 75);
    info->binary_version = info->ptx_version;
    info->max_dynamic_shared_size_bytes = 48 * 1024 - (int)info->shared_size_bytes;
    info->preferred_shmem_carveout = -1;
    info->num_params = (int)k->nparams;
    info->params_bytes = k->params_bytes;
}

const char *engine_kernel_name(const engine_kernel *kernel)
{
    return kernel ? kernel->name : NULL;
}

size_t engine_kernel_param_size(const engine_kernel *kernel, int index)
{
    if (!kernel || index < 0 || (uint32_t)index >= kernel->nparams)
        return 0;
    return kernel->param_size[index];
}

size_t engine_kernel_param_offset(const engine_kernel *kernel, int index)
{
    if (!kernel || index < 0 || (uint32_t)index >= kernel->nparams)
        return 0;
    return kernel->param_off[index];
}
