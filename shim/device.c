/*
 * device.c - device management: count, current device, flags, reset, synchronize, limits,
 * cache/shared-memory configuration, peer access queries, versions of the driver.
 * Properties and attributes are in device_props.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "mempool.h"

struct device_settings {
    unsigned flags;
    enum cudaFuncCache cache_config;
    enum cudaSharedMemConfig shared_mem_config;
    int peer_enabled[CUSHIM_MAX_DEVICES];
};

static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct device_settings settings[CUSHIM_MAX_DEVICES];
static int device_count = -1;
static pthread_once_t count_once = PTHREAD_ONCE_INIT;

static void read_count(void)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    int count = 0;
    if (driver != NULL && driver->muDeviceGetCount(&count) != MU_SUCCESS)
        count = 0;
    device_count = count > CUSHIM_MAX_DEVICES ? CUSHIM_MAX_DEVICES : count;
}

int cushim_device_count(void)
{
    pthread_once(&count_once, read_count);
    return device_count;
}

cudaError_t cushim_begin_device(const struct mu_driver **driver, int device)
{
    cudaError_t error = cudaSuccess;
    const struct mu_driver *d = cushim_backend(&error);
    if (d == NULL)
        return error;
    int count = cushim_device_count();
    if (count == 0)
        return cudaErrorNoDevice;
    if (device < 0 || device >= count)
        return cudaErrorInvalidDevice;
    *driver = d;
    return cudaSuccess;
}

cudaError_t cushim_begin(const struct mu_driver **driver, int *device)
{
    struct cushim_thread_state *state = cushim_thread();
    int dev = state->device < 0 ? 0 : state->device;
    cudaError_t error = cushim_begin_device(driver, dev);
    if (error == cudaSuccess)
        *device = dev;
    return error;
}

int cushim_device_attribute(int device, enum cudaDeviceAttr attr)
{
    const struct mu_driver *driver;
    int value = 0;
    if (cushim_begin_device(&driver, device) == cudaSuccess &&
        driver->muDeviceGetAttribute(&value, attr, device) != MU_SUCCESS)
        value = 0;
    return value;
}

cudaError_t impl_cudaGetDeviceCount(int *count)
{
    if (count == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    *count = 0;
    if (cushim_backend(&error) == NULL)
        return error;
    *count = cushim_device_count();
    return *count > 0 ? cudaSuccess : cudaErrorNoDevice;
}

cudaError_t impl_cudaGetDevice(int *device)
{
    if (device == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    *device = dev;
    return cudaSuccess;
}

cudaError_t impl_cudaSetDevice(int device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    cushim_thread()->device = device;
    return cudaSuccess;
}

cudaError_t impl_cudaInitDevice(int device, unsigned int deviceFlags, unsigned int flags)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    if (flags != 0)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&settings_lock);
    settings[device].flags = deviceFlags;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaSetValidDevices(int *device_arr, int len)
{
    if (len < 0 || (len > 0 && device_arr == NULL))
        return cudaErrorInvalidValue;
    for (int i = 0; i < len; i++) {
        const struct mu_driver *driver;
        if (cushim_begin_device(&driver, device_arr[i]) != cudaSuccess)
            return cudaErrorInvalidDevice;
    }
    if (len > 0)
        cushim_thread()->device = device_arr[0];
    return cudaSuccess;
}

/* NVIDIA's runtime matches on major/minor and, among equal scores, prefers more SMs; every
 * cushim device of one backend is alike, so the closest compute capability wins. */
cudaError_t impl_cudaChooseDevice(int *device, const struct cudaDeviceProp *prop)
{
    if (device == NULL || prop == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, 0);
    if (error != cudaSuccess)
        return error;
    int best = 0;
    long best_distance = -1;
    for (int dev = 0; dev < cushim_device_count(); dev++) {
        long major = cushim_device_attribute(dev, cudaDevAttrComputeCapabilityMajor);
        long minor = cushim_device_attribute(dev, cudaDevAttrComputeCapabilityMinor);
        long distance = labs((major * 10 + minor) - (prop->major * 10L + prop->minor));
        if (best_distance < 0 || distance < best_distance) {
            best = dev;
            best_distance = distance;
        }
    }
    *device = best;
    return cudaSuccess;
}

#define KNOWN_DEVICE_FLAGS                                                                        \
    (cudaDeviceScheduleMask | cudaDeviceMapHost | cudaDeviceLmemResizeToMax |                     \
     cudaDeviceSyncMemops)

cudaError_t impl_cudaSetDeviceFlags(unsigned int flags)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    unsigned schedule = flags & cudaDeviceScheduleMask;
    if ((flags & ~(unsigned)KNOWN_DEVICE_FLAGS) != 0 || schedule == 3 || schedule > 4)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&settings_lock);
    settings[dev].flags = flags;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaGetDeviceFlags(unsigned int *flags)
{
    if (flags == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&settings_lock);
    /* Host memory is always mappable with unified addressing, and NVIDIA reports it so. */
    *flags = settings[dev].flags | cudaDeviceMapHost;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceSynchronize(void)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error == cudaSuccess)
        error = cushim_capture_check_device(dev); /* a capturing stream cannot be waited for */
    if (error != cudaSuccess)
        return error;
    error = cushim_from_mu(driver->muDeviceSynchronize(dev));
    if (error == cudaSuccess)
        cushim_mempool_after_device_sync(dev); /* pools release memory at synchronisation */
    return error;
}

cudaError_t impl_cudaDeviceReset(void)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    MUresult result = driver->muDeviceReset(dev);
    cushim_streams_forget_device(dev);
    cushim_events_forget_device(dev);
    cushim_memory_forget_device(dev);
    cushim_modules_forget_device(dev);
    cushim_graphs_forget_device(dev);
    cushim_images_forget_device(dev);
    cushim_arrays_forget_device(dev);
    pthread_mutex_lock(&settings_lock);
    memset(&settings[dev], 0, sizeof settings[dev]);
    pthread_mutex_unlock(&settings_lock);
    return cushim_from_mu(result);
}

static int known_limit(enum cudaLimit limit)
{
    switch (limit) {
    case cudaLimitStackSize:
    case cudaLimitPrintfFifoSize:
    case cudaLimitMallocHeapSize:
    case cudaLimitDevRuntimeSyncDepth:
    case cudaLimitDevRuntimePendingLaunchCount:
    case cudaLimitMaxL2FetchGranularity:
    case cudaLimitPersistingL2CacheSize:
        return 1;
    }
    return 0;
}

cudaError_t impl_cudaDeviceSetLimit(enum cudaLimit limit, size_t value)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if (!known_limit(limit))
        return cudaErrorUnsupportedLimit;
    return cushim_from_mu(driver->muDeviceSetLimit(dev, limit, value));
}

cudaError_t impl_cudaDeviceGetLimit(size_t *pValue, enum cudaLimit limit)
{
    if (pValue == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if (!known_limit(limit))
        return cudaErrorUnsupportedLimit;
    return cushim_from_mu(driver->muDeviceGetLimit(pValue, dev, limit));
}

cudaError_t impl_cudaDeviceGetCacheConfig(enum cudaFuncCache *pCacheConfig)
{
    if (pCacheConfig == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&settings_lock);
    *pCacheConfig = settings[dev].cache_config;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if ((unsigned)cacheConfig > cudaFuncCachePreferEqual)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&settings_lock);
    settings[dev].cache_config = cacheConfig;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetSharedMemConfig(enum cudaSharedMemConfig *pConfig)
{
    if (pConfig == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&settings_lock);
    *pConfig = settings[dev].shared_mem_config;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceSetSharedMemConfig(enum cudaSharedMemConfig config)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if ((unsigned)config > cudaSharedMemBankSizeEightByte)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&settings_lock);
    settings[dev].shared_mem_config = config;
    pthread_mutex_unlock(&settings_lock);
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetStreamPriorityRange(int *leastPriority, int *greatestPriority)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    /* The same range NVIDIA reports: 0 is the least urgent, -5 the most. */
    if (leastPriority != NULL)
        *leastPriority = 0;
    if (greatestPriority != NULL)
        *greatestPriority = -5;
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceCanAccessPeer(int *canAccessPeer, int device, int peerDevice)
{
    if (canAccessPeer == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error == cudaSuccess)
        error = cushim_begin_device(&driver, peerDevice);
    if (error != cudaSuccess)
        return error;
    if (device == peerDevice) {
        *canAccessPeer = 0;
        return cudaSuccess;
    }
    return cushim_from_mu(driver->muDeviceCanAccessPeer(canAccessPeer, device, peerDevice));
}

cudaError_t impl_cudaDeviceGetP2PAttribute(int *value, enum cudaDeviceP2PAttr attr, int srcDevice,
                                          int dstDevice)
{
    if (value == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, srcDevice);
    if (error == cudaSuccess)
        error = cushim_begin_device(&driver, dstDevice);
    if (error != cudaSuccess)
        return error;
    if (srcDevice == dstDevice)
        return cudaErrorInvalidDevice;
    int can = 0;
    error = cushim_from_mu(driver->muDeviceCanAccessPeer(&can, srcDevice, dstDevice));
    if (error != cudaSuccess)
        return error;
    switch (attr) {
    case cudaDevP2PAttrPerformanceRank:
        *value = 0; /* one shared memory: every pair is as fast as any other */
        return cudaSuccess;
    case cudaDevP2PAttrAccessSupported:
    case cudaDevP2PAttrNativeAtomicSupported:
    case cudaDevP2PAttrCudaArrayAccessSupported:
        *value = can;
        return cudaSuccess;
    case cudaDevP2PAttrOnlyPartialNativeAtomicSupported:
        *value = 0;
        return cudaSuccess;
    }
    return cudaErrorInvalidValue;
}

cudaError_t impl_cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if (flags != 0)
        return cudaErrorInvalidValue;
    if (cushim_begin_device(&driver, peerDevice) != cudaSuccess || peerDevice == dev)
        return cudaErrorInvalidDevice;
    int can = 0;
    driver->muDeviceCanAccessPeer(&can, dev, peerDevice);
    if (!can)
        return cudaErrorPeerAccessUnsupported;
    pthread_mutex_lock(&settings_lock);
    int already = settings[dev].peer_enabled[peerDevice];
    settings[dev].peer_enabled[peerDevice] = 1;
    pthread_mutex_unlock(&settings_lock);
    return already ? cudaErrorPeerAccessAlreadyEnabled : cudaSuccess;
}

cudaError_t impl_cudaDeviceDisablePeerAccess(int peerDevice)
{
    const struct mu_driver *driver;
    int dev;
    cudaError_t error = cushim_begin(&driver, &dev);
    if (error != cudaSuccess)
        return error;
    if (cushim_begin_device(&driver, peerDevice) != cudaSuccess)
        return cudaErrorInvalidDevice;
    pthread_mutex_lock(&settings_lock);
    int was = settings[dev].peer_enabled[peerDevice];
    settings[dev].peer_enabled[peerDevice] = 0;
    pthread_mutex_unlock(&settings_lock);
    return was ? cudaSuccess : cudaErrorPeerAccessNotEnabled;
}

cudaError_t impl_cudaDriverGetVersion(int *driverVersion)
{
    if (driverVersion == NULL)
        return cudaErrorInvalidValue;
    /* A CUDA 13 driver: it serves both libcudart.so.13 and .12 programs. */
    *driverVersion = 13000;
    return cudaSuccess;
}
