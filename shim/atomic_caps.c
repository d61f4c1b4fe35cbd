/*
 * atomic_caps.c - cudaDeviceGetHostAtomicCapabilities and cudaDeviceGetP2PAtomicCapabilities:
 * which atomic operations work natively between a device and the host, or between two devices.
 *
 * A cpu device's memory is the host's, and its peers' is too, so every atomic the engine
 * executes is as native across these links as within the device: the answer is the set of
 * PTX atom/red forms of an sm_80-class device (the same for both queries, consistent with
 * cudaDevAttrHostNativeAtomicSupported = 1).  Float min/max atomics are sm_90 forms and 128-bit
 * and vector forms are not executed, so they are not claimed.
 */
#include "api.h"
#include "device.h"

#define INTEGER (cudaAtomicCapabilitySigned | cudaAtomicCapabilityUnsigned)
#define WIDTHS (cudaAtomicCapabilityScalar32 | cudaAtomicCapabilityScalar64)

static unsigned int capability(enum cudaAtomicOperation op)
{
    switch (op) {
    case cudaAtomicOperationIntegerAdd:
    case cudaAtomicOperationIntegerMin:
    case cudaAtomicOperationIntegerMax:
    case cudaAtomicOperationAnd:
    case cudaAtomicOperationOr:
    case cudaAtomicOperationXOR:
        return INTEGER | cudaAtomicCapabilityReduction | WIDTHS;
    case cudaAtomicOperationIntegerIncrement: /* atom.inc/.dec exist for .u32 only */
    case cudaAtomicOperationIntegerDecrement:
        return cudaAtomicCapabilityUnsigned | cudaAtomicCapabilityReduction |
               cudaAtomicCapabilityScalar32;
    case cudaAtomicOperationExchange:
    case cudaAtomicOperationCAS:
        return INTEGER | WIDTHS;
    case cudaAtomicOperationFloatAdd:
        return cudaAtomicCapabilityReduction | WIDTHS;
    case cudaAtomicOperationFloatMin:
    case cudaAtomicOperationFloatMax:
        return 0;
    }
    return 0;
}

static cudaError_t answer(unsigned int *capabilities, const enum cudaAtomicOperation *operations,
                          unsigned int count)
{
    if (capabilities == NULL || operations == NULL || count == 0)
        return cudaErrorInvalidValue;
    for (unsigned int i = 0; i < count; i++)
        if ((unsigned)operations[i] > cudaAtomicOperationFloatMax)
            return cudaErrorInvalidValue;
    for (unsigned int i = 0; i < count; i++)
        capabilities[i] = capability(operations[i]);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetHostAtomicCapabilities(unsigned int *capabilities,
                                                     const enum cudaAtomicOperation *operations,
                                                     unsigned int count, int device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    return error != cudaSuccess ? error : answer(capabilities, operations, count);
}

cudaError_t impl_cudaDeviceGetP2PAtomicCapabilities(unsigned int *capabilities,
                                                    const enum cudaAtomicOperation *operations,
                                                    unsigned int count, int srcDevice,
                                                    int dstDevice)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, srcDevice);
    if (error == cudaSuccess)
        error = cushim_begin_device(&driver, dstDevice);
    if (error != cudaSuccess)
        return error;
    if (srcDevice == dstDevice) /* a link needs two ends */
        return cudaErrorInvalidDevice;
    return answer(capabilities, operations, count);
}
