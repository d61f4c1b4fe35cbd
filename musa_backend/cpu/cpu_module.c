/*
 * cpu_module.c - muModuleLoad/Unload/GetFunction/GetGlobal, muFuncGetInfo/SetAttribute.
 *
 * Owns: choosing, for each unit of a fatbinary, the image the engine can run; module lifetime
 * (a module goes when its handle is unloaded and no queued launch uses it any more); function
 * objects.  A -rdc=true program has one unit per translation unit: each is loaded as its own
 * engine module and lookups search them in turn, so kernels and globals of every unit are
 * found; a device function or variable one unit takes from another needs the engine to link
 * PTX texts, which engine.h does not offer yet.
 * Must not: parse PTX or run kernels: that is the engine's, reached through cpu_engine().
 */
#include "cpu_module.h"

#include <stdio.h>
#include <string.h>

#include "cpu_alloc.h"
#include "cpu_engine.h"
#include "cpu_entry.h"
#include "mu_log.h"

void cpu_module_ref(struct mu_module *module)
{
    atomic_fetch_add(&module->refs, 1);
}

void cpu_module_unref(struct mu_module *module)
{
    if (atomic_fetch_sub(&module->refs, 1) != 1)
        return;
    for (int i = 0; i < module->nunits; i++)
        cpu_engine()->module_unload(module->units[i]);
    cpu_free(module->units);
    while (module->functions != NULL) {
        struct mu_function *fn = module->functions;
        module->functions = fn->next;
        cpu_free(fn->param_offset); /* param_size shares the block */
        cpu_free(fn->name);
        cpu_free(fn);
    }
    pthread_mutex_destroy(&module->lock);
    cpu_free(module);
}

static void unlink_locked(struct cpu_device *dev, struct mu_module *module)
{
    if (module->prev != NULL)
        module->prev->next = module->next;
    else
        dev->modules = module->next;
    if (module->next != NULL)
        module->next->prev = module->prev;
    module->next = module->prev = NULL;
}

void cpu_modules_reset(struct cpu_device *dev)
{
    pthread_mutex_lock(&dev->lock);
    struct mu_module *list = dev->modules;
    dev->modules = NULL;
    pthread_mutex_unlock(&dev->lock);
    while (list != NULL) {
        struct mu_module *module = list;
        list = module->next;
        cpu_module_unref(module);
    }
}

/* Tell the user why a unit has nothing the cpu device can run, and how to rebuild. */
static void explain_missing_ptx(const struct mu_image *images, int n, int unit, const char *what)
{
    const struct mu_image *newest_ptx = NULL, *sass = NULL;
    for (int i = 0; i < n; i++) {
        const struct mu_image *im = &images[i];
        if (im->unit != unit)
            continue;
        if (im->kind == MU_IMAGE_PTX && (newest_ptx == NULL || im->sm > newest_ptx->sm))
            newest_ptx = im;
        else if (im->kind == MU_IMAGE_CUBIN && (sass == NULL || im->sm > sass->sm))
            sass = im;
    }
    if (newest_ptx != NULL) {
        mu_report("%s: the binary holds PTX only for compute_%u, newer than compute_%d, the "
                  "newest cushim's cpu device executes; rebuild with "
                  "-gencode arch=compute_%d,code=compute_%d",
                  what, newest_ptx->sm, CPU_MAX_PTX_SM, CPU_MAX_PTX_SM, CPU_MAX_PTX_SM);
    } else if (sass != NULL) {
        unsigned sm = sass->sm <= CPU_MAX_PTX_SM ? sass->sm : CPU_MAX_PTX_SM;
        mu_report("%s: the binary holds only SASS for sm_%u and no PTX; cushim runs "
                  "kernels from PTX: rebuild with -gencode arch=compute_%u,code=compute_%u (or "
                  "-arch=sm_%u, which embeds both)",
                  what, sass->sm, sm, sm, sm);
    } else {
        mu_report("%s: the binary holds no device code", what);
    }
}

static int unit_has_ptx(const struct mu_image *images, int n, int unit)
{
    for (int i = 0; i < n; i++)
        if (images[i].unit == unit && images[i].kind == MU_IMAGE_PTX)
            return 1;
    return 0;
}

static int runnable(const struct mu_image *im, unsigned newest)
{
    return im->kind == MU_IMAGE_PTX && im->data != NULL && im->sm <= newest;
}

/* For each unit, the PTX image with the newest target the engine executes, in order of first
 * appearance.  A unit with no such image is left out when another unit has one: a -rdc=true
 * program's device-linked image carries machine code only, and libcudadevrt carries machine
 * code and PTX for the newest architectures only; the engine provides what it defines.  So the
 * newest target considered is the device's own compute capability while any unit has PTX up
 * to it (what a GPU's driver picks, so code under #if __CUDA_ARCH__ >= 900 (clusters, say) stays
 * out of a program that also carries compute_80 PTX), then CPU_PREFER_PTX_SM, and
 * CPU_MAX_PTX_SM only for programs built for newer GPUs alone.  Returns the number of units
 * chosen (chosen has room for n), or -1 when no unit is runnable (after telling the user why). */
static int choose_images(const struct mu_image *images, int n, const char *what,
                         const struct mu_image **chosen)
{
    static const unsigned tiers[] = {CPU_CC_MAJOR * 10 + CPU_CC_MINOR, CPU_PREFER_PTX_SM};
    unsigned newest = CPU_MAX_PTX_SM;
    for (size_t t = sizeof tiers / sizeof *tiers; t-- > 0;)
        for (int i = 0; i < n; i++)
            if (runnable(&images[i], tiers[t]))
                newest = tiers[t];
    int units = 0;
    for (int i = 0; i < n; i++) {
        int u = 0;
        while (u < units && chosen[u]->unit != images[i].unit)
            u++;
        if (u == units)
            chosen[units++] = &images[i]; /* a placeholder until a runnable image is seen */
        const struct mu_image *im = &images[i], *best = chosen[u];
        if (runnable(im, newest) && (!runnable(best, newest) || im->sm > best->sm))
            chosen[u] = im;
    }
    int any = 0;
    for (int u = 0; u < units; u++)
        any |= runnable(chosen[u], newest);
    int kept = 0;
    for (int u = 0; u < units; u++) {
        if (runnable(chosen[u], newest))
            chosen[kept++] = chosen[u];
        else if (any && chosen[u]->unit != 0 && !unit_has_ptx(images, n, chosen[u]->unit))
            /* a -rdc=true translation unit built for machine code only (code=sm_XX): its
             * kernels and functions are missing from the link; say so before a launch fails
             * on a name the PTX never defines */
            explain_missing_ptx(images, n, chosen[u]->unit, what);
    }
    if (kept == 0) {
        explain_missing_ptx(images, n, images[0].unit, what);
        return -1;
    }
    return kept;
}

/* The chosen units' PTX, one after another. */
static char *join_texts(const struct mu_image **chosen, int n)
{
    size_t total = 1;
    for (int u = 0; u < n; u++)
        total += chosen[u]->size + 1;
    char *out = cpu_malloc(total);
    if (out == NULL)
        return NULL;
    size_t at = 0;
    for (int u = 0; u < n; u++) {
        memcpy(out + at, chosen[u]->data, chosen[u]->size);
        at += chosen[u]->size;
        out[at++] = '\n';
    }
    out[at] = '\0';
    return out;
}

MUresult cpu_muModuleLoad(MUmodule *out, int ordinal, const struct mu_image *images,
                          int num_images, const char *what)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (out == NULL || num_images < 0 || (num_images > 0 && images == NULL))
        return MU_ERROR_INVALID_VALUE;
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    if (what == NULL)
        what = "module";
    if (num_images == 0) {
        mu_report("%s: the binary holds no device code", what);
        return MU_ERROR_NO_KERNEL_IMAGE_FOR_DEVICE;
    }
    struct mu_module *module = cpu_calloc(1, sizeof *module);
    const struct mu_image **chosen = cpu_malloc((size_t)num_images * sizeof *chosen);
    engine_module **units = cpu_calloc((size_t)num_images, sizeof *units);
    if (module == NULL || chosen == NULL || units == NULL) {
        cpu_free(module);
        cpu_free(chosen);
        cpu_free(units);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    module->dev = dev;
    module->units = units;
    atomic_init(&module->refs, 1);
    pthread_mutex_init(&module->lock, NULL);
    int nunits = choose_images(images, num_images, what, chosen);
    r = nunits > 0 ? MU_SUCCESS : MU_ERROR_NO_KERNEL_IMAGE_FOR_DEVICE;
    if (r == MU_SUCCESS) {
        /* Several units (-rdc=true) are handed to the engine as one text, which it links:
         * a function or variable one unit declares .extern and another defines resolves. */
        char *linked = nunits > 1 ? join_texts(chosen, nunits) : NULL;
        const char *text = nunits > 1 ? linked : chosen[0]->data;
        size_t size = nunits > 1 ? (linked != NULL ? strlen(linked) : 0) : chosen[0]->size;
        if (nunits > 1 && linked == NULL)
            r = MU_ERROR_MEMORY_ALLOCATION;
        else
            r = cpu_engine()->module_load(&module->units[0], text, size, &dev->engine_host,
                                          what);
        if (r == MU_SUCCESS)
            module->nunits = 1;
        cpu_free(linked);
    }
    cpu_free(chosen);
    if (r != MU_SUCCESS) {
        cpu_module_unref(module); /* unloads the units that did load */
        return r;
    }
    pthread_mutex_lock(&dev->lock);
    module->next = dev->modules;
    if (dev->modules != NULL)
        dev->modules->prev = module;
    dev->modules = module;
    pthread_mutex_unlock(&dev->lock);
    *out = module;
    return MU_SUCCESS;
}

MUresult cpu_muModuleUnload(MUmodule module)
{
    if (module == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    struct cpu_device *dev = module->dev;
    pthread_mutex_lock(&dev->lock);
    unlink_locked(dev, module);
    pthread_mutex_unlock(&dev->lock);
    cpu_module_unref(module); /* queued launches keep it until they have run */
    return cpu_device_status(dev);
}

/* Lay out the argument copy of a launch as the kernel's parameter buffer is laid out, or, for
 * an engine that cannot say, each value at its natural alignment (up to 16). */
static int layout_params(struct mu_function *fn, const struct cpu_engine_ops *engine)
{
    size_t (*param_size)(const engine_kernel *, int) = engine->kernel_param_size;
    fn->nparams = fn->info.num_params > 0 ? fn->info.num_params : 0;
    if (param_size == NULL)
        return 1; /* unknown sizes: launches run synchronously */
    size_t n = fn->nparams > 0 ? (size_t)fn->nparams : 1;
    fn->param_offset = cpu_malloc(2 * n * sizeof *fn->param_offset);
    if (fn->param_offset == NULL)
        return 0;
    fn->param_size = fn->param_offset + n;
    size_t at = 0;
    for (int i = 0; i < fn->nparams; i++) {
        size_t size = param_size(fn->kernel, i);
        size_t align = 1;
        while (align < size && align < 16)
            align *= 2;
        at = (at + align - 1) & ~(align - 1);
        if (engine->kernel_param_offset != NULL)
            at = engine->kernel_param_offset(fn->kernel, i);
        fn->param_offset[i] = at;
        fn->param_size[i] = size;
        at += size;
    }
    fn->args_bytes = at;
    return 1;
}

MUresult cpu_muModuleGetFunction(MUfunction *out, MUmodule module, const char *name)
{
    if (module == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (out == NULL || name == NULL)
        return MU_ERROR_INVALID_VALUE;
    MUresult r = MU_SUCCESS;
    pthread_mutex_lock(&module->lock);
    struct mu_function *fn = module->functions;
    while (fn != NULL && strcmp(fn->name, name) != 0)
        fn = fn->next;
    if (fn != NULL)
        goto done;
    const struct cpu_engine_ops *engine = cpu_engine();
    const engine_kernel *kernel = NULL;
    for (int u = 0; u < module->nunits && kernel == NULL; u++)
        kernel = engine->module_kernel(module->units[u], name);
    if (kernel == NULL) {
        r = MU_ERROR_INVALID_DEVICE_FUNCTION; /* what NVIDIA's runtime says for a kernel the
                                                 device code does not have */
        goto done;
    }
    size_t len = strlen(name);
    fn = cpu_calloc(1, sizeof *fn);
    char *copy = cpu_malloc(len + 1);
    if (fn == NULL || copy == NULL) {
        cpu_free(fn);
        cpu_free(copy);
        fn = NULL;
        r = MU_ERROR_MEMORY_ALLOCATION;
        goto done;
    }
    memcpy(copy, name, len + 1);
    fn->name = copy;
    fn->module = module;
    fn->kernel = kernel;
    engine->kernel_info(kernel, &fn->info);
    int static_shared = (int)fn->info.shared_size_bytes;
    atomic_init(&fn->max_dynamic_shared,
                static_shared < CPU_SHARED_PER_BLOCK ? CPU_SHARED_PER_BLOCK - static_shared : 0);
    atomic_init(&fn->carveout, -1);
    if (!layout_params(fn, engine)) {
        cpu_free(fn->name);
        cpu_free(fn);
        fn = NULL;
        r = MU_ERROR_MEMORY_ALLOCATION;
        goto done;
    }
    fn->next = module->functions;
    module->functions = fn;
done:
    pthread_mutex_unlock(&module->lock);
    if (r == MU_SUCCESS)
        *out = fn;
    return r;
}

MUresult cpu_muModuleGetGlobal(MUdeviceptr *ptr, size_t *bytes, MUmodule module, const char *name)
{
    if (module == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (name == NULL)
        return MU_ERROR_INVALID_VALUE;
    void *addr;
    size_t size;
    int found = 0;
    for (int u = 0; u < module->nunits && !found; u++)
        found = cpu_engine()->module_global(module->units[u], name, &addr, &size);
    if (!found)
        return MU_ERROR_INVALID_SYMBOL; /* NVIDIA's runtime: cudaErrorInvalidSymbol */
    if (ptr != NULL)
        *ptr = (MUdeviceptr)(uintptr_t)addr;
    if (bytes != NULL)
        *bytes = size;
    return MU_SUCCESS;
}

MUresult cpu_muFuncGetInfo(struct mu_func_info *info, MUfunction fn)
{
    if (fn == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (info == NULL)
        return MU_ERROR_INVALID_VALUE;
    *info = fn->info;
    info->max_dynamic_shared_size_bytes = atomic_load(&fn->max_dynamic_shared);
    info->preferred_shmem_carveout = atomic_load(&fn->carveout);
    return MU_SUCCESS;
}

MUresult cpu_muFuncSetAttribute(MUfunction fn, enum mu_func_attribute attr, int value)
{
    if (fn == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    switch (attr) {
    case MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
        /* Up to the opt-in limit, less what the kernel declares statically. */
        if (value < 0 || (size_t)value + fn->info.shared_size_bytes > CPU_SHARED_PER_BLOCK_OPTIN)
            return MU_ERROR_INVALID_VALUE;
        atomic_store(&fn->max_dynamic_shared, value);
        return MU_SUCCESS;
    case MU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
        if (value < -1 || value > 100)
            return MU_ERROR_INVALID_VALUE;
        atomic_store(&fn->carveout, value);
        return MU_SUCCESS;
    }
    return MU_ERROR_INVALID_VALUE;
}

MUresult cpu_muFuncGetParamInfo(MUfunction fn, int index, size_t *offset, size_t *size)
{
    if (fn == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (index < 0 || index >= fn->nparams)
        return MU_ERROR_INVALID_VALUE;
    if (fn->param_offset == NULL)
        return MU_ERROR_NOT_SUPPORTED; /* the engine cannot size this kernel's parameters */
    if (offset != NULL)
        *offset = fn->param_offset[index];
    if (size != NULL)
        *size = fn->param_size[index];
    return MU_SUCCESS;
}
