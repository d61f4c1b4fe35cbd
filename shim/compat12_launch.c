/*
 * compat12_launch.c - the CUDA 12 execution calls CUDA 13 removed, for libcudart.so.12:
 * cudaLaunchCooperativeKernelMultiDevice and the cudaSetDoubleFor* conversions.
 *
 * The multi-device launch is one cooperative launch per listed stream, each on its stream's
 * device, with the synchronisation CUDA 12 promises: unless the flags say otherwise, no launch
 * starts before the work already queued in every listed stream, and no listed stream goes on
 * before every launch has finished.  Events on the streams express both, so nothing here
 * blocks the calling thread.
 */
#include <stdlib.h>

#include "api.h"
#include "api12.h"

#define MULTI_DEVICE_FLAGS                                                                        \
    (cudaCooperativeLaunchMultiDeviceNoPreSync | cudaCooperativeLaunchMultiDeviceNoPostSync)

/* Every stream waits for the work queued so far in every other listed stream. */
static cudaError_t join_streams(const struct cudaLaunchParams *list, const int *devices,
                                unsigned count)
{
    cudaError_t error = cudaSuccess;
    for (unsigned i = 0; i < count && error == cudaSuccess; i++) {
        cudaEvent_t event = NULL;
        error = cushim_impl_table.cudaSetDevice(devices[i]);
        if (error == cudaSuccess)
            error = cushim_impl_table.cudaEventCreateWithFlags(&event, cudaEventDisableTiming);
        if (error == cudaSuccess)
            error = cushim_impl_table.cudaEventRecord(event, list[i].stream);
        for (unsigned j = 0; j < count && error == cudaSuccess; j++)
            if (j != i)
                error = cushim_impl_table.cudaStreamWaitEvent(list[j].stream, event, 0);
        if (event != NULL)
            cushim_impl_table.cudaEventDestroy(event);
    }
    return error;
}

static cudaError_t check_list(const struct cudaLaunchParams *list, unsigned count, int *devices)
{
    for (unsigned i = 0; i < count; i++) {
        /* CUDA 12 launches one kernel, alike on every device. */
        if (list[i].func == NULL || list[i].func != list[0].func ||
            list[i].gridDim.x != list[0].gridDim.x || list[i].gridDim.y != list[0].gridDim.y ||
            list[i].gridDim.z != list[0].gridDim.z || list[i].blockDim.x != list[0].blockDim.x ||
            list[i].blockDim.y != list[0].blockDim.y || list[i].blockDim.z != list[0].blockDim.z ||
            list[i].sharedMem != list[0].sharedMem)
            return cudaErrorInvalidValue;
        cudaError_t error = cushim_impl_table.cudaStreamGetDevice(list[i].stream, &devices[i]);
        if (error != cudaSuccess)
            return error;
        for (unsigned j = 0; j < i; j++)
            if (devices[j] == devices[i])
                return cudaErrorInvalidDevice; /* one launch per device */
    }
    return cudaSuccess;
}

cudaError_t compat12_cudaLaunchCooperativeKernelMultiDevice(
    struct cudaLaunchParams *launchParamsList, unsigned int numDevices, unsigned int flags)
{
    int device_count = 0;
    cudaError_t error = cushim_impl_table.cudaGetDeviceCount(&device_count);
    if (error != cudaSuccess)
        return error;
    if (launchParamsList == NULL || numDevices == 0 || numDevices > (unsigned)device_count ||
        (flags & ~(unsigned)MULTI_DEVICE_FLAGS) != 0)
        return cudaErrorInvalidValue;
    int *devices = malloc(numDevices * sizeof *devices);
    if (devices == NULL)
        return cudaErrorMemoryAllocation;
    int current = 0;
    error = cushim_impl_table.cudaGetDevice(&current);
    if (error == cudaSuccess)
        error = check_list(launchParamsList, numDevices, devices);
    if (error == cudaSuccess && !(flags & cudaCooperativeLaunchMultiDeviceNoPreSync))
        error = join_streams(launchParamsList, devices, numDevices);
    for (unsigned i = 0; i < numDevices && error == cudaSuccess; i++) {
        const struct cudaLaunchParams *p = &launchParamsList[i];
        error = cushim_impl_table.cudaSetDevice(devices[i]);
        if (error == cudaSuccess)
            error = cushim_impl_table.cudaLaunchCooperativeKernel(
                p->func, p->gridDim, p->blockDim, p->args, p->sharedMem, p->stream);
    }
    if (error == cudaSuccess && !(flags & cudaCooperativeLaunchMultiDeviceNoPostSync))
        error = join_streams(launchParamsList, devices, numDevices);
    cushim_impl_table.cudaSetDevice(current);
    free(devices);
    return error;
}

/* Every device cushim offers computes in double precision, where CUDA 12 documents these as
 * doing nothing; NVIDIA's CUDA 12 runtime returns success without looking at d. */
cudaError_t compat12_cudaSetDoubleForDevice(double *d)
{
    (void)d;
    return cudaSuccess;
}

cudaError_t compat12_cudaSetDoubleForHost(double *d)
{
    (void)d;
    return cudaSuccess;
}
