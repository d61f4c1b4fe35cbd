/*
 * library.c - the library management API: cudaLibraryLoadData / LoadFromFile / Unload, kernels
 * (cudaLibraryGetKernel, GetKernelCount, EnumerateKernels, cudaKernelSetAttributeForDevice) and
 * globals (cudaLibraryGetGlobal, GetManaged) of device code loaded at run time, e.g. PTX from
 * NVRTC.
 *
 * Owns: telling what the code is (a fatbinary, or its wrapper, or PTX text; machine code alone
 * cannot run here), the library's kernel list (its PTX's .entry names), and the API's checks.
 * The module itself is registration.c's, so a library kernel's cudaKernel_t works wherever a
 * runtime call takes a kernel (cudaLaunchKernel, cudaFuncGetAttributes, ...).  The library is
 * loaded on the current device at once, so malformed PTX is reported by the load.
 * Must not: parse fatbinaries or PTX beyond finding entry names (fatbin.c and the backend do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "device.h"
#include "fatbin.h"
#include "registration.h"
#include "mu_log.h"

#define MAX_LIBRARY_BYTES (256u << 20) /* a bound on code whose size nobody tells us */

/* The sm of ".target sm_XX" in PTX text (75 when it says nothing usable). */
static unsigned ptx_target(const char *text)
{
    const char *t = strstr(text, ".target");
    unsigned sm = 0;
    if (t != NULL) {
        t += strlen(".target");
        while (*t == ' ' || *t == '\t')
            t++;
        if (strncmp(t, "sm_", 3) == 0 || strncmp(t, "compute_", 8) == 0)
            sm = (unsigned)strtoul(strchr(t, '_') + 1, NULL, 10);
    }
    return sm != 0 ? sm : 75;
}

/* PTX is text: a NUL within the readable bytes, and the directives every module starts with. */
static int looks_like_ptx(const char *text, size_t readable)
{
    return memchr(text, '\0', readable) != NULL && strstr(text, ".version") != NULL &&
           strstr(text, ".target") != NULL;
}

/* The images of the code: its PTX (machine code entries are kept so the backend can say why
 * it cannot run them).  cudaErrorInvalidKernelImage when it is none of what NVIDIA accepts. */
static cudaError_t images_of(const void *code, struct mu_image **images, int *count)
{
    *images = NULL;
    *count = 0;
    size_t readable = cushim_readable_bytes(code);
    if (readable > MAX_LIBRARY_BYTES)
        readable = MAX_LIBRARY_BYTES;
    if (readable < 4) /* not mapped, or too short to be anything */
        return cudaErrorInvalidValue;
    const unsigned char *b = code;
    if (b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') {
        mu_report("cudaLibraryLoadData: the code is a cubin (machine code only); "
                  "cushim runs PTX: load the PTX or a fatbinary that holds it");
        return cudaErrorNoKernelImageForDevice;
    }
    int is_ptx = looks_like_ptx(code, readable);
    if (!is_ptx && cushim_fatbin_images(code, readable, images, count) == 0)
        return *count > 0 ? cudaSuccess : cudaErrorNoKernelImageForDevice;
    if (!is_ptx)
        return cudaErrorInvalidKernelImage;
    struct mu_image *one = calloc(1, sizeof *one);
    char *text = strdup(code);
    if (one == NULL || text == NULL) {
        free(one);
        free(text);
        return cudaErrorMemoryAllocation;
    }
    *one = (struct mu_image){.kind = MU_IMAGE_PTX, .sm = ptx_target(text), .data = text,
                             .size = strlen(text)};
    *images = one;
    *count = 1;
    return cudaSuccess;
}

cudaError_t impl_cudaLibraryLoadData(cudaLibrary_t *library, const void *code,
                                     enum cudaJitOption *jitOptions, void **jitOptionsValues,
                                     unsigned int numJitOptions,
                                     enum cudaLibraryOption *libraryOptions,
                                     void **libraryOptionValues, unsigned int numLibraryOptions)
{
    /* JIT and library options tune compilation and caching; they change no result here. */
    if (library == NULL || code == NULL ||
        (numJitOptions > 0 && (jitOptions == NULL || jitOptionsValues == NULL)) ||
        (numLibraryOptions > 0 && (libraryOptions == NULL || libraryOptionValues == NULL)))
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_image *images;
    int count;
    if ((error = images_of(code, &images, &count)) != cudaSuccess)
        return error;
    char what[64];
    snprintf(what, sizeof what, "library at %p", code);
    void **handle = cushim_library_create(images, count, what);
    if (handle == NULL) {
        for (int i = 0; i < count; i++)
            free((void *)images[i].data);
        free(images);
        return cudaErrorMemoryAllocation;
    }
    if ((error = cushim_library_load(handle, device)) != cudaSuccess) {
        cushim_library_destroy(handle);
        return error;
    }
    *library = (cudaLibrary_t)(void *)handle;
    return cudaSuccess;
}

cudaError_t impl_cudaLibraryLoadFromFile(cudaLibrary_t *library, const char *fileName,
                                         enum cudaJitOption *jitOptions, void **jitOptionsValues,
                                         unsigned int numJitOptions,
                                         enum cudaLibraryOption *libraryOptions,
                                         void **libraryOptionValues,
                                         unsigned int numLibraryOptions)
{
    if (library == NULL || fileName == NULL)
        return cudaErrorInvalidValue;
    FILE *f = fopen(fileName, "rb");
    if (f == NULL)
        return cudaErrorFileNotFound;
    char *data = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size + 4096 + 1 > cap) {
            char *grown = cap < MAX_LIBRARY_BYTES ? realloc(data, cap = 2 * cap + 8192) : NULL;
            if (grown == NULL) {
                free(data);
                fclose(f);
                return cudaErrorMemoryAllocation;
            }
            data = grown;
        }
        got = fread(data + size, 1, cap - size - 1, f);
        size += got;
    } while (got > 0);
    fclose(f);
    data[size] = '\0'; /* PTX text ends there; binary formats carry their own sizes */
    cudaError_t error = impl_cudaLibraryLoadData(library, data, jitOptions, jitOptionsValues,
                                                 numJitOptions, libraryOptions,
                                                 libraryOptionValues, numLibraryOptions);
    free(data);
    return error;
}

cudaError_t impl_cudaLibraryUnload(cudaLibrary_t library)
{
    const struct mu_image *images;
    if (library == NULL || cushim_library_images((void **)library, &images) < 0)
        return cudaErrorInvalidResourceHandle;
    cushim_library_destroy((void **)library);
    return cudaSuccess;
}

/* The current device for a lookup in a library (the runtime started), or why not. */
static cudaError_t library_device(cudaLibrary_t library, int *device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin(&driver, device);
    if (error == cudaSuccess && library == NULL)
        error = cudaErrorInvalidResourceHandle;
    return error;
}

cudaError_t impl_cudaLibraryGetKernel(cudaKernel_t *pKernel, cudaLibrary_t library, const char *name)
{
    if (pKernel == NULL || name == NULL)
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = library_device(library, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_function *f;
    if ((error = cushim_library_kernel((void **)library, name, device, &f)) != cudaSuccess)
        return error;
    *pKernel = (cudaKernel_t)(void *)f;
    return cudaSuccess;
}

/* Calls visit(name, len, ctx) for each distinct .entry of the library's PTX (the images hold
 * the same kernels for each target, so the first PTX image with entries stands for all). */
static unsigned for_each_entry(cudaLibrary_t library, void (*visit)(const char *, size_t, void *),
                               void *ctx)
{
    const struct mu_image *images;
    int count = cushim_library_images((void **)library, &images);
    unsigned found = 0;
    for (int i = 0; i < count && found == 0; i++) {
        if (images[i].kind != MU_IMAGE_PTX || images[i].data == NULL)
            continue;
        const char *p = images[i].data;
        while ((p = strstr(p, ".entry")) != NULL) {
            p += strlen(".entry");
            if (*p != ' ' && *p != '\t')
                continue;
            while (*p == ' ' || *p == '\t')
                p++;
            size_t len = strcspn(p, " \t\r\n(");
            if (len > 0) {
                if (visit != NULL)
                    visit(p, len, ctx);
                found++;
            }
        }
    }
    return found;
}

cudaError_t impl_cudaLibraryGetKernelCount(unsigned int *count, cudaLibrary_t lib)
{
    const struct mu_image *images;
    if (count == NULL)
        return cudaErrorInvalidValue;
    if (lib == NULL || cushim_library_images((void **)lib, &images) < 0)
        return cudaErrorInvalidResourceHandle;
    *count = for_each_entry(lib, NULL, NULL);
    return cudaSuccess;
}

struct enumeration {
    cudaLibrary_t lib;
    cudaKernel_t *kernels;
    unsigned int room, filled;
    int device;
    cudaError_t error;
};

static void take_kernel(const char *name, size_t len, void *ctx)
{
    struct enumeration *e = ctx;
    if (e->filled >= e->room || e->error != cudaSuccess)
        return;
    char *copy = strndup(name, len);
    struct cushim_function *f = NULL;
    e->error = copy == NULL ? cudaErrorMemoryAllocation
                            : cushim_library_kernel((void **)e->lib, copy, e->device, &f);
    free(copy);
    if (e->error == cudaSuccess)
        e->kernels[e->filled++] = (cudaKernel_t)(void *)f;
}

cudaError_t impl_cudaLibraryEnumerateKernels(cudaKernel_t *kernels, unsigned int numKernels,
                                             cudaLibrary_t lib)
{
    const struct mu_image *images;
    if (kernels == NULL || numKernels == 0)
        return cudaErrorInvalidValue;
    if (lib == NULL || cushim_library_images((void **)lib, &images) < 0)
        return cudaErrorInvalidResourceHandle;
    const struct mu_driver *driver;
    struct enumeration e = {.lib = lib, .kernels = kernels, .room = numKernels};
    e.error = cushim_begin(&driver, &e.device);
    if (e.error == cudaSuccess)
        for_each_entry(lib, take_kernel, &e);
    return e.error;
}

cudaError_t impl_cudaLibraryGetGlobal(void **dptr, size_t *bytes, cudaLibrary_t library,
                                      const char *name)
{
    if (dptr == NULL || name == NULL)
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = library_device(library, &device);
    if (error != cudaSuccess)
        return error;
    return cushim_library_global((void **)library, name, device, dptr, bytes);
}

/* A __managed__ variable of a library is device memory every device and the host reach here,
 * as all memory is on the cpu backend: its address is the global's. */
cudaError_t impl_cudaLibraryGetManaged(void **dptr, size_t *bytes, cudaLibrary_t library,
                                       const char *name)
{
    return impl_cudaLibraryGetGlobal(dptr, bytes, library, name);
}

cudaError_t impl_cudaKernelSetAttributeForDevice(cudaKernel_t kernel, enum cudaFuncAttribute attr,
                                                 int value, int device)
{
    int current;
    cudaError_t error = impl_cudaGetDevice(&current);
    if (error != cudaSuccess)
        return error;
    if ((error = impl_cudaSetDevice(device)) != cudaSuccess)
        return error;
    error = impl_cudaFuncSetAttribute((const void *)kernel, attr, value);
    impl_cudaSetDevice(current);
    return error;
}
