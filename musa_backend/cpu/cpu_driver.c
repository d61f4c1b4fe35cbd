/*
 * cpu_driver.c - mu_cpu_driver, the cpu backend's table of mu* operations.
 *
 * Owns: the table the shim dispatches through, nothing else.  Each slot points at the
 * cpu_<slot name> function declared in cpu_entry.h (the second hop of "export -> slot ->
 * implementation").
 * Must not: contain logic.
 */
#include "cpu_entry.h"

#define SLOT(name) .name = cpu_##name

const struct mu_driver mu_cpu_driver = {
    .name = "cpu",
    .description = "CPU reference device: runs the PTX of CUDA programs on the host's cores",
    SLOT(muInit),
    SLOT(muDeviceGetCount),
    SLOT(muDeviceGetName),
    SLOT(muDeviceGetUuid),
    SLOT(muDeviceTotalMem),
    SLOT(muDeviceGetAttribute),
    SLOT(muDeviceCanAccessPeer),
    SLOT(muMemGetInfo),
    SLOT(muDeviceReset),
    SLOT(muDeviceSynchronize),
    SLOT(muDeviceSetLimit),
    SLOT(muDeviceGetLimit),
    SLOT(muMemAlloc),
    SLOT(muMemAllocManaged),
    SLOT(muMemFree),
    SLOT(muMemAllocHost),
    SLOT(muMemFreeHost),
    SLOT(muMemHostRegister),
    SLOT(muMemHostUnregister),
    SLOT(muMemHostGetDevicePointer),
    SLOT(muMemcpy3D),
    SLOT(muMemset3D),
    SLOT(muStreamGetLegacy),
    SLOT(muStreamCreate),
    SLOT(muStreamDestroy),
    SLOT(muStreamSynchronize),
    SLOT(muStreamQuery),
    SLOT(muStreamWaitEvent),
    SLOT(muLaunchHostFunc),
    SLOT(muEventCreate),
    SLOT(muEventDestroy),
    SLOT(muEventRecord),
    SLOT(muEventQuery),
    SLOT(muEventSynchronize),
    SLOT(muEventElapsedTime),
    SLOT(muModuleLoad),
    SLOT(muModuleUnload),
    SLOT(muModuleGetFunction),
    SLOT(muModuleGetGlobal),
    SLOT(muFuncGetInfo),
    SLOT(muFuncSetAttribute),
    SLOT(muFuncGetParamInfo),
    SLOT(muLaunchKernel),
    SLOT(muOccupancyMaxActiveBlocksPerMultiprocessor),
    SLOT(muArrayCreate),
    SLOT(muArrayDestroy),
    SLOT(muTexObjectCreate),
    SLOT(muTexObjectDestroy),
    SLOT(muSurfObjectCreate),
    SLOT(muSurfObjectDestroy),
};
