/*
 * cpu_entry.h - the cpu backend's implementations of the mu* operations, one per slot of
 * struct mu_driver, named after the slot (cpu_muMemAlloc fills muMemAlloc).
 *
 * Owns: the declarations cpu_driver.c needs to fill mu_cpu_driver, grouped by the file that
 * defines them, so the second hop (slot -> implementation) is a grep away.
 * Must not: declare helpers: those live in the header of the file that owns them.
 */
#ifndef CUSHIM_CPU_ENTRY_H
#define CUSHIM_CPU_ENTRY_H

#include "mu.h"

/* cpu_device.c */
MUresult cpu_muInit(void);
MUresult cpu_muDeviceGetCount(int *count);
MUresult cpu_muDeviceGetName(char *name, int len, int dev);
MUresult cpu_muDeviceGetUuid(cudaUUID_t *uuid, int dev);
MUresult cpu_muDeviceTotalMem(size_t *bytes, int dev);
MUresult cpu_muDeviceCanAccessPeer(int *can, int dev, int peer);
MUresult cpu_muDeviceReset(int dev);
MUresult cpu_muDeviceSynchronize(int dev);
MUresult cpu_muDeviceSetLimit(int dev, enum cudaLimit limit, size_t value);
MUresult cpu_muDeviceGetLimit(size_t *value, int dev, enum cudaLimit limit);

/* cpu_attributes.c */
MUresult cpu_muDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int dev);

/* cpu_memory.c */
MUresult cpu_muMemGetInfo(size_t *free_bytes, size_t *total_bytes, int dev);
MUresult cpu_muMemAlloc(MUdeviceptr *ptr, size_t bytes, int dev);
MUresult cpu_muMemAllocManaged(MUdeviceptr *ptr, size_t bytes, int dev);
MUresult cpu_muMemFree(MUdeviceptr ptr);
MUresult cpu_muMemAllocHost(void **ptr, size_t bytes, unsigned flags);
MUresult cpu_muMemFreeHost(void *ptr);
MUresult cpu_muMemHostRegister(void *ptr, size_t bytes, unsigned flags);
MUresult cpu_muMemHostUnregister(void *ptr);
MUresult cpu_muMemHostGetDevicePointer(MUdeviceptr *dptr, void *host, unsigned flags);

/* cpu_copy.c */
MUresult cpu_muMemcpy3D(const struct mu_copy3d *copy, MUstream stream, unsigned flags);
MUresult cpu_muMemset3D(MUdeviceptr dst, size_t pitch, size_t height_per_slice, int value,
                        size_t width_bytes, size_t height, size_t depth, MUstream stream,
                        unsigned flags);

/* cpu_stream.c */
MUresult cpu_muStreamGetLegacy(MUstream *stream, int dev);
MUresult cpu_muStreamCreate(MUstream *stream, int dev, unsigned flags, int priority);
MUresult cpu_muStreamDestroy(MUstream stream);
MUresult cpu_muStreamSynchronize(MUstream stream);
MUresult cpu_muStreamQuery(MUstream stream);
MUresult cpu_muStreamWaitEvent(MUstream stream, MUevent event, unsigned flags);
MUresult cpu_muLaunchHostFunc(MUstream stream, void (*fn)(void *), void *data);

/* cpu_event.c */
MUresult cpu_muEventCreate(MUevent *event, int dev, unsigned flags);
MUresult cpu_muEventDestroy(MUevent event);
MUresult cpu_muEventRecord(MUevent event, MUstream stream);
MUresult cpu_muEventQuery(MUevent event);
MUresult cpu_muEventSynchronize(MUevent event);
MUresult cpu_muEventElapsedTime(float *ms, MUevent start, MUevent end);

/* cpu_module.c */
MUresult cpu_muModuleLoad(MUmodule *module, int dev, const struct mu_image *images,
                          int num_images, const char *what);
MUresult cpu_muModuleUnload(MUmodule module);
MUresult cpu_muModuleGetFunction(MUfunction *fn, MUmodule module, const char *name);
MUresult cpu_muModuleGetGlobal(MUdeviceptr *ptr, size_t *bytes, MUmodule module,
                               const char *name);
MUresult cpu_muFuncGetInfo(struct mu_func_info *info, MUfunction fn);
MUresult cpu_muFuncSetAttribute(MUfunction fn, enum mu_func_attribute attr, int value);
MUresult cpu_muFuncGetParamInfo(MUfunction fn, int index, size_t *offset, size_t *size);

/* cpu_array.c */
MUresult cpu_muArrayCreate(struct mu_level *levels, uint64_t *bytes,
                           const struct mu_array_desc *desc, int dev);
MUresult cpu_muArrayDestroy(uint64_t base);

/* cpu_texture.c */
MUresult cpu_muTexObjectCreate(uint64_t *handle, const struct mu_texture *tex, int dev);
MUresult cpu_muTexObjectDestroy(uint64_t handle);
MUresult cpu_muSurfObjectCreate(uint64_t *handle, const struct mu_texture *surf, int dev);
MUresult cpu_muSurfObjectDestroy(uint64_t handle);

/* cpu_launch.c */
MUresult cpu_muLaunchKernel(MUfunction fn, const struct mu_launch_config *config, void **args);
MUresult cpu_muOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, MUfunction fn,
                                                         int block_size,
                                                         size_t dynamic_smem_bytes);

#endif
