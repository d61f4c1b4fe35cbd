// cudaMemAdvise and cudaMemPrefetchAsync as cudaMemRangeGetAttribute(s) report them: advice over
// part of an allocation, ranges whose parts disagree, accessed-by lists with the host, the last
// prefetch location, the location type/id forms, and the argument checks.  Ranges are 2 MiB
// aligned so they fall on page boundaries on any GPU.
#include "common.h"
#include <algorithm>

static const size_t MiB = 1 << 20;

static int attr(cudaMemRangeAttribute a, const void *p, size_t n)
{
    int v = 12345;
    CHECK(cudaMemRangeGetAttribute(&v, sizeof v, a, p, n));
    return v;
}

static bool has(const int *list, int n, int id)
{
    return std::find(list, list + n, id) != list + n;
}

int main()
{
    char *m;
    CHECK(cudaMallocManaged(&m, 8 * MiB));
    const cudaMemLocation dev0 = {cudaMemLocationTypeDevice, 0}, host = {cudaMemLocationTypeHost, 0};

    // Nothing said yet.
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m, 8 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocation, m, 8 * MiB), cudaInvalidDeviceId);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocation, m, 8 * MiB), cudaInvalidDeviceId);
    int list[3] = {7, 7, 7};
    CHECK(cudaMemRangeGetAttribute(list, sizeof list, cudaMemRangeAttributeAccessedBy, m, 8 * MiB));
    EXPECT(list[0] == cudaInvalidDeviceId && list[1] == cudaInvalidDeviceId && list[2] == cudaInvalidDeviceId);

    // Read-mostly everywhere, then taken back in the second 2 MiB.
    CHECK(cudaMemAdvise(m, 8 * MiB, cudaMemAdviseSetReadMostly, dev0));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m, 8 * MiB), 1);
    CHECK(cudaMemAdvise(m + 2 * MiB, 2 * MiB, cudaMemAdviseUnsetReadMostly, dev0));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m, 8 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m, 2 * MiB), 1);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m + 2 * MiB, 2 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m + 4 * MiB, 4 * MiB), 1);

    // Preferred locations: device 0 for the first half, the host for the second.
    CHECK(cudaMemAdvise(m, 4 * MiB, cudaMemAdviseSetPreferredLocation, dev0));
    CHECK(cudaMemAdvise(m + 4 * MiB, 4 * MiB, cudaMemAdviseSetPreferredLocation, host));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocation, m, 4 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocation, m + 4 * MiB, 4 * MiB), cudaCpuDeviceId);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocation, m, 8 * MiB), cudaInvalidDeviceId);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocationType, m, 4 * MiB), cudaMemLocationTypeDevice);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocationId, m, 4 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocationType, m + 4 * MiB, 4 * MiB), cudaMemLocationTypeHost);
    CHECK(cudaMemAdvise(m + 4 * MiB, 4 * MiB, cudaMemAdviseUnsetPreferredLocation, host));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributePreferredLocation, m + 4 * MiB, 4 * MiB), cudaInvalidDeviceId);

    // Accessed by device 0 everywhere, by the host in the first 2 MiB only.
    CHECK(cudaMemAdvise(m, 8 * MiB, cudaMemAdviseSetAccessedBy, dev0));
    CHECK(cudaMemAdvise(m, 2 * MiB, cudaMemAdviseSetAccessedBy, host));
    CHECK(cudaMemRangeGetAttribute(list, sizeof list, cudaMemRangeAttributeAccessedBy, m, 2 * MiB));
    EXPECT(has(list, 3, 0) && has(list, 3, cudaCpuDeviceId) && has(list, 3, cudaInvalidDeviceId));
    CHECK(cudaMemRangeGetAttribute(list, sizeof list, cudaMemRangeAttributeAccessedBy, m, 8 * MiB));
    EXPECT(list[0] == 0 && list[1] == cudaInvalidDeviceId && list[2] == cudaInvalidDeviceId);
    CHECK(cudaMemAdvise(m, 8 * MiB, cudaMemAdviseUnsetAccessedBy, dev0));
    CHECK(cudaMemRangeGetAttribute(list, sizeof(int), cudaMemRangeAttributeAccessedBy, m + 4 * MiB, MiB));
    EXPECT_EQ_LL(list[0], cudaInvalidDeviceId);

    // Prefetches: all of it to device 0, then the first 2 MiB to the host.
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    CHECK(cudaMemPrefetchAsync(m, 8 * MiB, dev0, 0, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocation, m, 8 * MiB), 0);
    CHECK(cudaMemPrefetchAsync(m, 2 * MiB, host, 0, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocation, m, 8 * MiB), cudaInvalidDeviceId);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocation, m, 2 * MiB), cudaCpuDeviceId);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocationType, m, 2 * MiB), cudaMemLocationTypeHost);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocationId, m + 2 * MiB, 2 * MiB), 0);

    // Several attributes at once.
    int rm = -1, pref = -1;
    void *data[] = {&rm, &pref};
    size_t sizes[] = {sizeof rm, sizeof pref};
    cudaMemRangeAttribute which[] = {cudaMemRangeAttributeReadMostly, cudaMemRangeAttributePreferredLocation};
    CHECK(cudaMemRangeGetAttributes(data, sizes, which, 2, m, 2 * MiB));
    EXPECT_EQ_LL(rm, 1);
    EXPECT_EQ_LL(pref, 0);

    // Argument checks.
    int *plain;
    CHECK(cudaMalloc(&plain, 4096));
    int v;
    EXPECT_ERR(cudaMemRangeGetAttribute(&v, sizeof v, cudaMemRangeAttributeReadMostly, plain, 4096),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemRangeGetAttribute(&v, 8, cudaMemRangeAttributeReadMostly, m, 4096), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemRangeGetAttribute(&v, sizeof v, cudaMemRangeAttributeReadMostly, m, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemRangeGetAttribute(&v, sizeof v, cudaMemRangeAttributeReadMostly, m, 9 * MiB),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemAdvise(m, MiB, cudaMemAdviseSetPreferredLocation, cudaMemLocation{cudaMemLocationTypeDevice, 99}),
               cudaErrorInvalidDevice);
    (void)cudaGetLastError();

    // A new allocation starts with nothing said about it.
    CHECK(cudaFree(m));
    CHECK(cudaMallocManaged(&m, 8 * MiB));
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeReadMostly, m, 8 * MiB), 0);
    EXPECT_EQ_LL(attr(cudaMemRangeAttributeLastPrefetchLocation, m, 8 * MiB), cudaInvalidDeviceId);
    CHECK(cudaFree(m));
    CHECK(cudaFree(plain));
    CHECK(cudaStreamDestroy(s));
    return finish("managed_advice");
}
