// Devices (issue 4): count, current device, properties and attributes that agree with each
// other, versions, limits, flags, configuration calls, PCI identity and memory information.
#include <unistd.h>
#include "common.h"

int main()
{
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    EXPECT_EQ_LL(count, 1); // CUSHIM_CPU_DEVICES is not set for this test

    int dev = -1;
    CHECK(cudaGetDevice(&dev));
    EXPECT_EQ_LL(dev, 0);
    EXPECT_ERR(cudaSetDevice(count), cudaErrorInvalidDevice);
    EXPECT_ERR(cudaSetDevice(-1), cudaErrorInvalidDevice);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidDevice);
    CHECK(cudaSetDevice(0));

    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    EXPECT(strcmp(p.name, "cushim CPU device") == 0);
    EXPECT_EQ_LL(p.major, 8);
    EXPECT_EQ_LL(p.minor, 0);
    EXPECT_EQ_LL(p.warpSize, 32);
    EXPECT_EQ_LL(p.maxThreadsPerBlock, 1024);
    EXPECT_EQ_LL(p.sharedMemPerBlock, 48 * 1024);
    EXPECT_EQ_LL(p.sharedMemPerBlockOptin, 227 * 1024);
    EXPECT_EQ_LL(p.multiProcessorCount, sysconf(_SC_NPROCESSORS_ONLN));
    EXPECT_EQ_LL(p.unifiedAddressing, 1);
    EXPECT_EQ_LL(p.managedMemory, 1);
    EXPECT_EQ_LL(p.concurrentKernels, 1);
    EXPECT(p.totalGlobalMem > (size_t)64 << 20);
    EXPECT_ERR(cudaGetDeviceProperties(&p, count), cudaErrorInvalidDevice);

    // Every attribute the property struct carries reports the same value.
    struct { cudaDeviceAttr attr; long long prop; const char *name; } same[] = {
        {cudaDevAttrMaxThreadsPerBlock, p.maxThreadsPerBlock, "maxThreadsPerBlock"},
        {cudaDevAttrMaxBlockDimX, p.maxThreadsDim[0], "maxThreadsDim[0]"},
        {cudaDevAttrMaxBlockDimY, p.maxThreadsDim[1], "maxThreadsDim[1]"},
        {cudaDevAttrMaxBlockDimZ, p.maxThreadsDim[2], "maxThreadsDim[2]"},
        {cudaDevAttrMaxGridDimX, p.maxGridSize[0], "maxGridSize[0]"},
        {cudaDevAttrMaxGridDimY, p.maxGridSize[1], "maxGridSize[1]"},
        {cudaDevAttrMaxGridDimZ, p.maxGridSize[2], "maxGridSize[2]"},
        {cudaDevAttrMaxSharedMemoryPerBlock, (long long)p.sharedMemPerBlock, "sharedMemPerBlock"},
        {cudaDevAttrTotalConstantMemory, (long long)p.totalConstMem, "totalConstMem"},
        {cudaDevAttrWarpSize, p.warpSize, "warpSize"},
        {cudaDevAttrMaxRegistersPerBlock, p.regsPerBlock, "regsPerBlock"},
        {cudaDevAttrMultiProcessorCount, p.multiProcessorCount, "multiProcessorCount"},
        {cudaDevAttrComputeCapabilityMajor, p.major, "major"},
        {cudaDevAttrComputeCapabilityMinor, p.minor, "minor"},
        {cudaDevAttrIntegrated, p.integrated, "integrated"},
        {cudaDevAttrCanMapHostMemory, p.canMapHostMemory, "canMapHostMemory"},
        {cudaDevAttrConcurrentKernels, p.concurrentKernels, "concurrentKernels"},
        {cudaDevAttrAsyncEngineCount, p.asyncEngineCount, "asyncEngineCount"},
        {cudaDevAttrUnifiedAddressing, p.unifiedAddressing, "unifiedAddressing"},
        {cudaDevAttrL2CacheSize, p.l2CacheSize, "l2CacheSize"},
        {cudaDevAttrMaxThreadsPerMultiProcessor, p.maxThreadsPerMultiProcessor, "maxThreadsPerMultiProcessor"},
        {cudaDevAttrMaxSharedMemoryPerMultiprocessor, (long long)p.sharedMemPerMultiprocessor, "sharedMemPerMultiprocessor"},
        {cudaDevAttrMaxRegistersPerMultiprocessor, p.regsPerMultiprocessor, "regsPerMultiprocessor"},
        {cudaDevAttrManagedMemory, p.managedMemory, "managedMemory"},
        {cudaDevAttrConcurrentManagedAccess, p.concurrentManagedAccess, "concurrentManagedAccess"},
        {cudaDevAttrPageableMemoryAccess, p.pageableMemoryAccess, "pageableMemoryAccess"},
        {cudaDevAttrCooperativeLaunch, p.cooperativeLaunch, "cooperativeLaunch"},
        {cudaDevAttrMaxSharedMemoryPerBlockOptin, (long long)p.sharedMemPerBlockOptin, "sharedMemPerBlockOptin"},
        {cudaDevAttrMaxBlocksPerMultiprocessor, p.maxBlocksPerMultiProcessor, "maxBlocksPerMultiProcessor"},
        {cudaDevAttrStreamPrioritiesSupported, p.streamPrioritiesSupported, "streamPrioritiesSupported"},
        {cudaDevAttrPciBusId, p.pciBusID, "pciBusID"},
        {cudaDevAttrPciDeviceId, p.pciDeviceID, "pciDeviceID"},
        {cudaDevAttrPciDomainId, p.pciDomainID, "pciDomainID"},
        {cudaDevAttrTexturePitchAlignment, (long long)p.texturePitchAlignment, "texturePitchAlignment"},
        {cudaDevAttrMemoryPoolsSupported, p.memoryPoolsSupported, "memoryPoolsSupported"},
    };
    for (auto &s : same) {
        int value = -12345;
        CHECK(cudaDeviceGetAttribute(&value, s.attr, 0));
        if (value != s.prop) {
            fprintf(stderr, "attribute %d = %d but prop.%s = %lld\n", (int)s.attr, value, s.name,
                    s.prop);
            g_failures++;
        }
    }
    int clock_khz = 0;
    CHECK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, 0));
    EXPECT(clock_khz > 0);
    EXPECT_ERR(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrWarpSize, count),
               cudaErrorInvalidDevice);
    EXPECT_ERR(cudaDeviceGetAttribute(nullptr, cudaDevAttrWarpSize, 0), cudaErrorInvalidValue);

    // Memory information: free shrinks when memory is allocated.
    size_t free0 = 0, total = 0, free1 = 0;
    CHECK(cudaMemGetInfo(&free0, &total));
    EXPECT(total == p.totalGlobalMem);
    EXPECT(free0 <= total);
    void *block = nullptr;
    const size_t bytes = 64u << 20;
    CHECK(cudaMalloc(&block, bytes));
    CHECK(cudaMemGetInfo(&free1, &total));
    EXPECT(free1 + bytes <= free0);
    CHECK(cudaFree(block));

    // Limits, with their documented defaults, and settable.
    size_t stack = 0, heap = 0, fifo = 0;
    CHECK(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
    CHECK(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
    CHECK(cudaDeviceGetLimit(&fifo, cudaLimitPrintfFifoSize));
    EXPECT(stack > 0 && heap > 0 && fifo > 0);
    CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 8192));
    CHECK(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
    EXPECT(stack >= 8192);
    EXPECT_ERR(cudaDeviceGetLimit(&stack, (cudaLimit)0x77), cudaErrorUnsupportedLimit);

    // Flags and configuration are recorded.
    CHECK(cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync));
    unsigned flags = 0;
    CHECK(cudaGetDeviceFlags(&flags));
    EXPECT((flags & cudaDeviceScheduleMask) == cudaDeviceScheduleBlockingSync);
    EXPECT_ERR(cudaSetDeviceFlags(0xffff0000u), cudaErrorInvalidValue);
    CHECK(cudaDeviceSetCacheConfig(cudaFuncCachePreferShared));
    cudaFuncCache cache = cudaFuncCachePreferNone;
    CHECK(cudaDeviceGetCacheConfig(&cache));
    EXPECT(cache == cudaFuncCachePreferShared);
    CHECK(cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeEightByte));
    cudaSharedMemConfig bank = cudaSharedMemBankSizeDefault;
    CHECK(cudaDeviceGetSharedMemConfig(&bank));
    EXPECT(bank == cudaSharedMemBankSizeEightByte);
    EXPECT_ERR(cudaDeviceSetSharedMemConfig((cudaSharedMemConfig)9), cudaErrorInvalidValue);
    int least = 1, greatest = 1;
    CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
    EXPECT(least == 0 && greatest < 0);

    // PCI identity round-trips.
    char bus[64];
    CHECK(cudaDeviceGetPCIBusId(bus, sizeof bus, 0));
    int found = -1;
    CHECK(cudaDeviceGetByPCIBusId(&found, bus));
    EXPECT_EQ_LL(found, 0);

    cudaDeviceProp want;
    memset(&want, 0, sizeof want);
    want.major = 8;
    int chosen = -1;
    CHECK(cudaChooseDevice(&chosen, &want));
    EXPECT_EQ_LL(chosen, 0);

    CHECK(cudaDeviceSynchronize());
    void *pinned = nullptr;
    CHECK(cudaMallocHost(&pinned, 1 << 20));
    static char registered[8192];
    CHECK(cudaHostRegister(registered, sizeof registered, cudaHostRegisterDefault));
    CHECK(cudaDeviceReset());
    // The reset took the context's pinned memory and registrations with it.
    cudaPointerAttributes gone;
    CHECK(cudaPointerGetAttributes(&gone, pinned));
    EXPECT(gone.type == cudaMemoryTypeUnregistered);
    EXPECT_ERR(cudaFreeHost(pinned), cudaErrorInvalidValue);
    EXPECT_ERR(cudaHostUnregister(registered), cudaErrorHostMemoryNotRegistered);
    CHECK(cudaHostRegister(registered, sizeof registered, cudaHostRegisterDefault));
    CHECK(cudaHostUnregister(registered));
    (void)cudaGetLastError();
    // The device stays usable after a reset.
    CHECK(cudaMalloc(&block, 1024));
    CHECK(cudaFree(block));
    // Driver entry points: a found symbol comes with a pointer, a missing one with NULL and
    // cudaDriverEntryPointSymbolNotFound (the call itself succeeds either way).
    {
        void *fn = (void *)1;
        cudaDriverEntryPointQueryResult status = cudaDriverEntryPointVersionNotSufficent;
        CHECK(cudaGetDriverEntryPoint("cuMemAlloc", &fn, cudaEnableDefault, &status));
        EXPECT((fn != nullptr && status == cudaDriverEntryPointSuccess) ||
               (fn == nullptr && status == cudaDriverEntryPointSymbolNotFound));
        fn = (void *)1;
        CHECK(cudaGetDriverEntryPointByVersion("cuNoSuchFunctionAnywhere", &fn, 12000, cudaEnableDefault, &status));
        EXPECT(fn == nullptr && status == cudaDriverEntryPointSymbolNotFound);
        EXPECT_ERR(cudaGetDriverEntryPoint(nullptr, &fn, cudaEnableDefault, &status), cudaErrorInvalidValue);
        EXPECT_ERR(cudaGetDriverEntryPoint("cuMemAlloc", &fn, 1ull << 40, &status), cudaErrorInvalidValue);
        (void)cudaGetLastError();
    }
    return finish("devices");
}
