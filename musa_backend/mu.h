/*
 * mu.h - the MUSA-style driver interface between the runtime (shim/) and a backend.
 *
 * The shim translates every CUDA runtime call into calls on one `struct mu_driver`, a table of
 * mu*-named operations in the shape of a vendor driver API (MUSA's mu*, CUDA's cu*).  A backend
 * (musa_backend/cpu, musa_backend/gpu) fills one table and registers it by name; it never sees
 * the runtime's handle maps or last-error state, and reports every failure as a MUresult.
 *
 * Vocabulary types (dim3, cudaDeviceAttr, cudaUUID_t, ...) are the ABI types of include/cushim;
 * MUresult values equal the cudaError_t values of the same meaning, so the shim's translation is
 * exact (see include/cushim/cuda_errors.def).
 *
 * Conventions: devices are explicit ordinals (the runtime owns "current device"); a NULL MUstream
 * is never passed (the shim asks for the device's legacy default stream with muStreamGetLegacy);
 * operations that take a stream are stream-ordered, and MU_OP_SYNC asks the backend to return
 * only once the operation has completed (it may then run it inline when the stream is idle).
 */
#ifndef CUSHIM_MU_H
#define CUSHIM_MU_H

#include <stddef.h>
#include <stdint.h>

#include "cushim/cuda_types.h"
#include "mu_texture.h"

typedef enum MUresult_enum {
#define CUDA_ERROR(value, runtime_name, mu_name, text) mu_name = value,
#include "cushim/cuda_errors.def"
#undef CUDA_ERROR
} MUresult;

typedef uint64_t MUdeviceptr;
typedef struct mu_stream *MUstream;
typedef struct mu_event *MUevent;
typedef struct mu_module *MUmodule;
typedef struct mu_function *MUfunction;

/* Flags for operations that take a stream. */
#define MU_OP_SYNC 0x1u /* return only once the operation has completed */
/* muMemcpy3D: the caller keeps pageable host memory valid until the copy has run (a graph's
 * copy nodes), so the copy stays asynchronous instead of completing before the call returns. */
#define MU_OP_ASYNC_PAGEABLE 0x2u

/* Stream creation flags (cudaStreamNonBlocking has the same value). */
#define MU_STREAM_NON_BLOCKING 0x1u

/* Event creation flags (same values as cudaEvent*). */
#define MU_EVENT_BLOCKING_SYNC 0x1u
#define MU_EVENT_DISABLE_TIMING 0x2u
#define MU_EVENT_INTERPROCESS 0x4u

/* One image from a fatbinary.  Images of the same unit are alternatives (the same code for
 * different targets): the backend picks the one it can run.  A program built with -rdc=true
 * has several units (one per translation unit), which the backend links into one module. */
enum mu_image_kind { MU_IMAGE_PTX = 1, MU_IMAGE_CUBIN = 2 };
struct mu_image {
    enum mu_image_kind kind;
    int unit;
    unsigned sm;          /* target architecture, 75 for sm_75 / compute_75 */
    unsigned ptx_version; /* PTX ISA major*10+minor for PTX images, 0 otherwise */
    const void *data;     /* PTX text (NUL-terminated) or ELF, already decompressed */
    size_t size;          /* bytes of data, without the NUL of PTX text */
};

/* What cudaFuncGetAttributes reports, as the backend knows it. */
struct mu_func_info {
    size_t shared_size_bytes; /* static shared memory */
    size_t const_size_bytes;
    size_t local_size_bytes; /* per thread */
    int max_threads_per_block;
    int num_regs;
    int ptx_version; /* major*10+minor of the target the code was built for */
    int binary_version;
    int max_dynamic_shared_size_bytes; /* current opt-in limit */
    int preferred_shmem_carveout;
    int num_params;
    size_t params_bytes; /* size of the parameter buffer */
};

/* Function attributes that can be set (values of cudaFuncAttribute). */
enum mu_func_attribute {
    MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
    MU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT = 9,
};

/* A kernel launch. */
struct mu_launch_config {
    dim3 grid;
    dim3 block;
    size_t shared_mem_bytes; /* dynamic shared memory */
    MUstream stream;
    int cooperative; /* all blocks must be co-resident: grid-wide sync is allowed */
};

/* A 3-D copy between two pitched linear regions (1-D and 2-D copies are special cases). */
struct mu_copy3d {
    enum cudaMemcpyKind kind; /* resolved: never cudaMemcpyDefault */
    void *dst;
    const void *src;
    size_t dst_pitch, dst_height; /* bytes per row, rows per slice */
    size_t src_pitch, src_height;
    size_t width_bytes, height, depth;
};

struct mu_driver {
    const char *name;        /* "cpu", "gpu" */
    const char *description; /* one line for cushim-info */

    MUresult (*muInit)(void);
    MUresult (*muDeviceGetCount)(int *count);
    MUresult (*muDeviceGetName)(char *name, int len, int dev);
    MUresult (*muDeviceGetUuid)(cudaUUID_t *uuid, int dev);
    MUresult (*muDeviceTotalMem)(size_t *bytes, int dev);
    MUresult (*muDeviceGetAttribute)(int *value, enum cudaDeviceAttr attr, int dev);
    MUresult (*muDeviceCanAccessPeer)(int *can, int dev, int peer);
    MUresult (*muMemGetInfo)(size_t *free_bytes, size_t *total_bytes, int dev);
    /* Destroy everything the device holds (memory, streams, events, modules); usable after. */
    MUresult (*muDeviceReset)(int dev);
    /* Wait for all work on all streams of the device. */
    MUresult (*muDeviceSynchronize)(int dev);
    MUresult (*muDeviceSetLimit)(int dev, enum cudaLimit limit, size_t value);
    MUresult (*muDeviceGetLimit)(size_t *value, int dev, enum cudaLimit limit);

    /* Device memory, and host memory the device can reach. */
    MUresult (*muMemAlloc)(MUdeviceptr *ptr, size_t bytes, int dev);
    MUresult (*muMemAllocManaged)(MUdeviceptr *ptr, size_t bytes, int dev);
    MUresult (*muMemFree)(MUdeviceptr ptr);
    MUresult (*muMemAllocHost)(void **ptr, size_t bytes, unsigned flags);
    MUresult (*muMemFreeHost)(void *ptr);
    MUresult (*muMemHostRegister)(void *ptr, size_t bytes, unsigned flags);
    MUresult (*muMemHostUnregister)(void *ptr);
    MUresult (*muMemHostGetDevicePointer)(MUdeviceptr *dptr, void *host, unsigned flags);
    /* Stream-ordered copies and fills; the runtime has already validated the ranges. */
    MUresult (*muMemcpy3D)(const struct mu_copy3d *copy, MUstream stream, unsigned flags);
    MUresult (*muMemset3D)(MUdeviceptr dst, size_t pitch, size_t height_per_slice, int value,
                           size_t width_bytes, size_t height, size_t depth, MUstream stream,
                           unsigned flags);

    /* Streams. */
    MUresult (*muStreamGetLegacy)(MUstream *stream, int dev);
    MUresult (*muStreamCreate)(MUstream *stream, int dev, unsigned flags, int priority);
    MUresult (*muStreamDestroy)(MUstream stream); /* pending work still completes */
    MUresult (*muStreamSynchronize)(MUstream stream);
    MUresult (*muStreamQuery)(MUstream stream); /* MU_ERROR_NOT_READY while work is pending */
    MUresult (*muStreamWaitEvent)(MUstream stream, MUevent event, unsigned flags);
    /* fn runs on a backend thread once all earlier work in the stream has completed. */
    MUresult (*muLaunchHostFunc)(MUstream stream, void (*fn)(void *), void *data);

    /* Events. */
    MUresult (*muEventCreate)(MUevent *event, int dev, unsigned flags);
    MUresult (*muEventDestroy)(MUevent event);
    MUresult (*muEventRecord)(MUevent event, MUstream stream);
    MUresult (*muEventQuery)(MUevent event);
    MUresult (*muEventSynchronize)(MUevent event);
    MUresult (*muEventElapsedTime)(float *ms, MUevent start, MUevent end);

    /* Modules: load one fatbinary's images; the backend picks the image it can run. */
    MUresult (*muModuleLoad)(MUmodule *module, int dev, const struct mu_image *images,
                             int num_images, const char *what);
    MUresult (*muModuleUnload)(MUmodule module);
    MUresult (*muModuleGetFunction)(MUfunction *fn, MUmodule module, const char *name);
    MUresult (*muModuleGetGlobal)(MUdeviceptr *ptr, size_t *bytes, MUmodule module,
                                  const char *name);
    MUresult (*muFuncGetInfo)(struct mu_func_info *info, MUfunction fn);
    MUresult (*muFuncSetAttribute)(MUfunction fn, enum mu_func_attribute attr, int value);
    /* Where parameter index lives in the kernel's parameter buffer and how big it is (as
     * cuFuncGetParamInfo), so the runtime can keep copies of a launch's arguments (graph
     * nodes).  MU_ERROR_INVALID_VALUE past the last parameter; MU_ERROR_NOT_SUPPORTED when the
     * backend cannot say. */
    MUresult (*muFuncGetParamInfo)(MUfunction fn, int index, size_t *offset, size_t *size);
    /* args[i] points at the value of parameter i, as in cuLaunchKernel. */
    MUresult (*muLaunchKernel)(MUfunction fn, const struct mu_launch_config *config,
                               void **args);
    MUresult (*muOccupancyMaxActiveBlocksPerMultiprocessor)(int *blocks, MUfunction fn,
                                                            int block_size,
                                                            size_t dynamic_smem_bytes);

    /* Formatted memory (mu_texture.h).  An array is device memory the backend lays out: it
     * fills levels[0..desc->levels) (one allocation, starting at levels[0].base, of *bytes
     * bytes) and frees it with muArrayDestroy(levels[0].base).  Texture and surface objects
     * are process-wide handles (never 0) that kernels pass to tex/suld/sust; the backend keeps
     * the description and checks, at every use, that its memory is still allocated. */
    MUresult (*muArrayCreate)(struct mu_level *levels, uint64_t *bytes,
                              const struct mu_array_desc *desc, int dev);
    MUresult (*muArrayDestroy)(uint64_t base);
    MUresult (*muTexObjectCreate)(uint64_t *handle, const struct mu_texture *tex, int dev);
    MUresult (*muTexObjectDestroy)(uint64_t handle);
    MUresult (*muSurfObjectCreate)(uint64_t *handle, const struct mu_texture *surf, int dev);
    MUresult (*muSurfObjectDestroy)(uint64_t handle);
};

/* Backends known to this build, and the one selected by CUSHIM_BACKEND (default "cpu"). */
const struct mu_driver *mu_backend_find(const char *name);
void mu_backend_names(char *names, size_t len); /* "cpu, gpu", for messages */

extern const struct mu_driver mu_cpu_driver;

#endif
