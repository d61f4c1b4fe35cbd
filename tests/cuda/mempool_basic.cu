// mempool_basic.cu - stream-ordered allocation through memory pools: the default and current
// pools, explicit pools, cudaMallocAsync / cudaMallocFromPoolAsync / cudaFreeAsync with the
// reuse of freed memory in stream order, the usage attributes (reserved and used, current and
// high watermark) as allocations come and go, the release threshold applied at
// synchronisation, cudaMemPoolTrimTo, pool limits, access descriptors, and the errors.
#include "common.h"

__global__ void iota(int *p, int n, int base)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = base + i;
}

static uint64_t attr64(cudaMemPool_t pool, cudaMemPoolAttr attr)
{
    uint64_t v = 0;
    CHECK(cudaMemPoolGetAttribute(pool, attr, &v));
    return v;
}

static int attr_int(cudaMemPool_t pool, cudaMemPoolAttr attr)
{
    int v = -1;
    CHECK(cudaMemPoolGetAttribute(pool, attr, &v));
    return v;
}

static void default_and_current_pools()
{
    cudaMemPool_t dflt, current, again;
    CHECK(cudaDeviceGetDefaultMemPool(&dflt, 0));
    CHECK(cudaDeviceGetMemPool(&current, 0));
    EXPECT(dflt == current);
    CHECK(cudaDeviceGetDefaultMemPool(&again, 0));
    EXPECT(dflt == again);
    struct cudaMemLocation loc = {cudaMemLocationTypeDevice, 0};
    CHECK(cudaMemGetDefaultMemPool(&again, &loc, cudaMemAllocationTypePinned));
    EXPECT(again == dflt);
    CHECK(cudaMemGetMemPool(&again, &loc, cudaMemAllocationTypePinned));
    EXPECT(again == dflt);
    EXPECT_ERR(cudaDeviceGetDefaultMemPool(&again, 99), cudaErrorInvalidDevice);
    EXPECT_ERR(cudaDeviceGetDefaultMemPool(NULL, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemPoolDestroy(dflt), cudaErrorInvalidValue); // the default stays

    // Defaults of a pool's attributes.
    EXPECT_EQ_LL(attr_int(dflt, cudaMemPoolReuseFollowEventDependencies), 1);
    EXPECT_EQ_LL(attr_int(dflt, cudaMemPoolReuseAllowOpportunistic), 1);
    EXPECT_EQ_LL(attr_int(dflt, cudaMemPoolReuseAllowInternalDependencies), 1);
    EXPECT_EQ_LL(attr64(dflt, cudaMemPoolAttrReleaseThreshold), 0);
    enum cudaMemAccessFlags flags;
    CHECK(cudaMemPoolGetAccess(&flags, dflt, &loc));
    EXPECT(flags == cudaMemAccessFlagsProtReadWrite);

    // An explicit pool made current, then destroyed: the default is current again.
    struct cudaMemPoolProps props = {};
    props.allocType = cudaMemAllocationTypePinned;
    props.location = loc;
    cudaMemPool_t pool;
    CHECK(cudaMemPoolCreate(&pool, &props));
    EXPECT(pool != dflt);
    CHECK(cudaDeviceSetMemPool(0, pool));
    CHECK(cudaDeviceGetMemPool(&current, 0));
    EXPECT(current == pool);
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    int *p;
    CHECK(cudaMallocAsync(&p, 1000, s)); // from the current pool
    EXPECT(attr64(pool, cudaMemPoolAttrUsedMemCurrent) >= 1000);
    CHECK(cudaFreeAsync(p, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemPoolDestroy(pool));
    CHECK(cudaDeviceGetMemPool(&current, 0));
    EXPECT(current == dflt);
    EXPECT_ERR(cudaMemPoolDestroy(pool), cudaErrorInvalidValue);
    EXPECT_ERR(cudaDeviceSetMemPool(0, pool), cudaErrorInvalidValue);
    uint64_t v;
    EXPECT_ERR(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &v),
               cudaErrorInvalidValue);
    CHECK(cudaStreamDestroy(s));

    // Bad pool properties.
    props.allocType = cudaMemAllocationTypeInvalid;
    EXPECT_ERR(cudaMemPoolCreate(&pool, &props), cudaErrorInvalidValue);
    props.allocType = cudaMemAllocationTypePinned;
    props.location.id = 42;
    EXPECT_ERR(cudaMemPoolCreate(&pool, &props), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemPoolCreate(&pool, NULL), cudaErrorInvalidValue);
}

static void usage_is_tracked()
{
    struct cudaMemPoolProps props = {};
    props.allocType = cudaMemAllocationTypePinned;
    props.location = {cudaMemLocationTypeDevice, 0};
    cudaMemPool_t pool;
    CHECK(cudaMemPoolCreate(&pool, &props));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    uint64_t keep = ~0ull;
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));

    const int n = 4096;
    int *a, *b;
    CHECK(cudaMallocFromPoolAsync((void **)&a, n * sizeof(int), pool, s));
    CHECK(cudaMallocAsync(&b, n * sizeof(int), pool, s)); // the C++ spelling of the same
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemCurrent), 2 * n * sizeof(int));
    EXPECT(attr64(pool, cudaMemPoolAttrReservedMemCurrent) >= 2 * n * sizeof(int));
    iota<<<n / 256, 256, 0, s>>>(a, n, 100);
    CHECK(cudaMemcpyAsync(b, a, n * sizeof(int), cudaMemcpyDeviceToDevice, s));
    int h[n];
    CHECK(cudaMemcpyAsync(h, b, sizeof h, cudaMemcpyDeviceToHost, s));
    CHECK(cudaFreeAsync(a, s));
    // Freed in stream order: the stream reuses the memory at once.
    int *c;
    CHECK(cudaMallocFromPoolAsync((void **)&c, n * sizeof(int), pool, s));
    EXPECT(c == a);
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(h[n - 1], 100 + n - 1);
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemHigh), 2 * n * sizeof(int));
    CHECK(cudaFreeAsync(b, s));
    CHECK(cudaFreeAsync(c, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemCurrent), 0);
    uint64_t reserved = attr64(pool, cudaMemPoolAttrReservedMemCurrent);
    EXPECT(reserved >= 2 * n * sizeof(int)); // kept: the threshold is above it

    // High watermarks reset to the current value, and only with 0.
    uint64_t zero = 0, one = 1;
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &zero));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemHigh), 0);
    EXPECT_ERR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &one),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &zero),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &zero),
               cudaErrorInvalidValue);
    int off = 0;
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseAllowOpportunistic, &off));
    EXPECT_EQ_LL(attr_int(pool, cudaMemPoolReuseAllowOpportunistic), 0);

    // Trimming lets go of free memory down to what was asked to keep.
    CHECK(cudaMemPoolTrimTo(pool, 0));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrReservedMemCurrent), 0);
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReservedMemHigh, &zero));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrReservedMemHigh), 0);

    // With the default threshold (0) a synchronisation gives free memory back.
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &zero));
    CHECK(cudaMallocFromPoolAsync((void **)&a, n * sizeof(int), pool, s));
    CHECK(cudaFreeAsync(a, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrReservedMemCurrent), 0);
    EXPECT(attr64(pool, cudaMemPoolAttrReservedMemHigh) >= n * sizeof(int));

    // cudaFree frees a pool allocation too (after waiting for the device).
    CHECK(cudaMallocFromPoolAsync((void **)&a, 64, pool, s));
    CHECK(cudaFree(a));
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemCurrent), 0);
    EXPECT_ERR(cudaFreeAsync(a, s), cudaErrorInvalidValue); // freed already
    // A pool still holding an allocation goes once it is freed.
    CHECK(cudaMallocFromPoolAsync((void **)&a, 64, pool, s));
    CHECK(cudaMemPoolDestroy(pool));
    CHECK(cudaFreeAsync(a, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaStreamDestroy(s));
}

static void limits_and_errors()
{
    struct cudaMemPoolProps props = {};
    props.allocType = cudaMemAllocationTypePinned;
    props.location = {cudaMemLocationTypeDevice, 0};
    props.maxSize = 1 << 20;
    cudaMemPool_t pool;
    CHECK(cudaMemPoolCreate(&pool, &props));
    void *a, *b;
    CHECK(cudaMallocFromPoolAsync(&a, 600 << 10, pool, 0));
    EXPECT_ERR(cudaMallocFromPoolAsync(&b, 600 << 10, pool, 0), cudaErrorMemoryAllocation);
    CHECK(cudaFreeAsync(a, 0));
    b = (void *)0x1;
    CHECK(cudaMallocFromPoolAsync(&b, 0, pool, 0)); // nothing, as cudaMalloc(&p, 0)
    EXPECT(b == NULL);
    EXPECT_ERR(cudaMallocFromPoolAsync(NULL, 64, pool, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMallocFromPoolAsync(&b, 64, (cudaMemPool_t)0x1234, 0),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMallocAsync(&b, 64, (cudaStream_t)0x1234), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaFreeAsync((void *)0x1234, 0), cudaErrorInvalidValue);
    CHECK(cudaFreeAsync(NULL, 0));

    // Access: the owning device always has full access, other devices must exist.
    struct cudaMemAccessDesc desc = {{cudaMemLocationTypeDevice, 0},
                                     cudaMemAccessFlagsProtReadWrite};
    CHECK(cudaMemPoolSetAccess(pool, &desc, 1));
    desc.flags = cudaMemAccessFlagsProtNone;
    EXPECT_ERR(cudaMemPoolSetAccess(pool, &desc, 1), cudaErrorInvalidValue);
    desc.location.id = 42;
    desc.flags = cudaMemAccessFlagsProtReadWrite;
    EXPECT_ERR(cudaMemPoolSetAccess(pool, &desc, 1), cudaErrorInvalidValue);
    enum cudaMemAccessFlags flags;
    struct cudaMemLocation host = {cudaMemLocationTypeHost, 0};
    EXPECT_ERR(cudaMemPoolGetAccess(&flags, pool, &host), cudaErrorInvalidValue);

    // Sharing pools between processes is not supported.
    int fd;
    EXPECT_ERR(cudaMemPoolExportToShareableHandle(&fd, pool, cudaMemHandleTypePosixFileDescriptor,
                                                  0),
               cudaErrorNotSupported);
    struct cudaMemPoolProps shared = props;
    shared.handleTypes = cudaMemHandleTypePosixFileDescriptor;
    cudaMemPool_t sp;
    EXPECT_ERR(cudaMemPoolCreate(&sp, &shared), cudaErrorNotSupported);
    CHECK(cudaStreamSynchronize(0));
    CHECK(cudaMemPoolDestroy(pool));
}

// Many allocations and frees in a loop on two streams: the data stays right and the pool
// ends empty.
static void churn()
{
    cudaMemPool_t pool;
    CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
    cudaStream_t s[2];
    for (int i = 0; i < 2; i++)
        CHECK(cudaStreamCreateWithFlags(&s[i], cudaStreamNonBlocking));
    int *results;
    CHECK(cudaMallocHost(&results, 64 * sizeof(int)));
    for (int i = 0; i < 64; i++) {
        cudaStream_t st = s[i % 2];
        int n = 256 + 64 * (i % 7);
        int *p;
        CHECK(cudaMallocAsync(&p, n * sizeof(int), st));
        iota<<<(n + 255) / 256, 256, 0, st>>>(p, n, i);
        CHECK(cudaMemcpyAsync(&results[i], p + n - 1, sizeof(int), cudaMemcpyDeviceToHost, st));
        CHECK(cudaFreeAsync(p, st));
    }
    for (int i = 0; i < 2; i++)
        CHECK(cudaStreamSynchronize(s[i]));
    for (int i = 0; i < 64; i++)
        EXPECT_EQ_LL(results[i], i + 256 + 64 * (i % 7) - 1);
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrUsedMemCurrent), 0);
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(attr64(pool, cudaMemPoolAttrReservedMemCurrent), 0); // threshold 0
    CHECK(cudaFreeHost(results));
    for (int i = 0; i < 2; i++)
        CHECK(cudaStreamDestroy(s[i]));
}

// A free that has completed is reused by another stream unless the pool forbids
// opportunistic reuse.
static void reuse_across_streams()
{
    struct cudaMemPoolProps props = {};
    props.allocType = cudaMemAllocationTypePinned;
    props.location = {cudaMemLocationTypeDevice, 0};
    cudaMemPool_t pool;
    CHECK(cudaMemPoolCreate(&pool, &props));
    uint64_t keep = ~0ull;
    CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
    cudaStream_t a, b;
    CHECK(cudaStreamCreateWithFlags(&a, cudaStreamNonBlocking));
    CHECK(cudaStreamCreateWithFlags(&b, cudaStreamNonBlocking));
    for (int opportunistic = 1; opportunistic >= 0; opportunistic--) {
        CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseAllowOpportunistic, &opportunistic));
        void *first, *second;
        CHECK(cudaMallocFromPoolAsync(&first, 8192, pool, a));
        CHECK(cudaFreeAsync(first, a));
        CHECK(cudaStreamSynchronize(a));
        CHECK(cudaMallocFromPoolAsync(&second, 8192, pool, b));
        EXPECT((first == second) == (opportunistic == 1));
        CHECK(cudaFreeAsync(second, b));
        CHECK(cudaStreamSynchronize(b));
    }
    CHECK(cudaStreamDestroy(a));
    CHECK(cudaStreamDestroy(b));
    CHECK(cudaMemPoolDestroy(pool));
}

int main()
{
    reuse_across_streams();
    default_and_current_pools();
    usage_is_tracked();
    limits_and_errors();
    churn();
    return finish("mempool_basic");
}
