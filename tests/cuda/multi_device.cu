// Several devices (issue 4, CUSHIM_CPU_DEVICES=2 from multi_device.env): each is independent,
// memory of one is reachable from the other (peer access), and per-device state follows
// cudaSetDevice.
#include "common.h"

int main()
{
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    EXPECT_EQ_LL(count, 2);
    int can = -1;
    CHECK(cudaDeviceCanAccessPeer(&can, 0, 1));
    EXPECT_EQ_LL(can, 1);
    CHECK(cudaDeviceCanAccessPeer(&can, 0, 0));
    EXPECT_EQ_LL(can, 0);
    int p2p = -1;
    CHECK(cudaDeviceGetP2PAttribute(&p2p, cudaDevP2PAttrAccessSupported, 0, 1));
    EXPECT_EQ_LL(p2p, 1);
    CHECK(cudaDeviceGetP2PAttribute(&p2p, cudaDevP2PAttrNativeAtomicSupported, 1, 0));
    EXPECT_EQ_LL(p2p, 1);
    EXPECT_ERR(cudaDeviceGetP2PAttribute(&p2p, cudaDevP2PAttrAccessSupported, 0, 0),
               cudaErrorInvalidDevice);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidDevice);

    const int n = 4096;
    int host[n], back[n];
    for (int i = 0; i < n; i++)
        host[i] = i * 7 - 3;
    int *on0 = nullptr, *on1 = nullptr;
    CHECK(cudaSetDevice(0));
    CHECK(cudaMalloc(&on0, sizeof host));
    CHECK(cudaDeviceEnablePeerAccess(1, 0));
    EXPECT_ERR(cudaDeviceEnablePeerAccess(1, 0), cudaErrorPeerAccessAlreadyEnabled);
    CHECK(cudaSetDevice(1));
    CHECK(cudaMalloc(&on1, sizeof host));
    int dev = -1;
    CHECK(cudaGetDevice(&dev));
    EXPECT_EQ_LL(dev, 1);

    cudaPointerAttributes a;
    CHECK(cudaPointerGetAttributes(&a, on0));
    EXPECT(a.type == cudaMemoryTypeDevice && a.device == 0);
    CHECK(cudaPointerGetAttributes(&a, on1 + 5));
    EXPECT(a.type == cudaMemoryTypeDevice && a.device == 1);

    CHECK(cudaMemcpy(on0, host, sizeof host, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpyPeer(on1, 1, on0, 0, sizeof host));
    CHECK(cudaMemcpy(back, on1, sizeof back, cudaMemcpyDeviceToHost));
    EXPECT(memcmp(host, back, sizeof host) == 0);
    EXPECT_ERR(cudaMemcpyPeer(on1, 2, on0, 0, sizeof host), cudaErrorInvalidDevice);

    // A stream belongs to the device that was current when it was created.
    cudaStream_t s1;
    CHECK(cudaStreamCreate(&s1));
    CHECK(cudaStreamGetDevice(s1, &dev));
    EXPECT_EQ_LL(dev, 1);
    CHECK(cudaStreamDestroy(s1));

    // Resetting device 1 leaves device 0's memory alone.
    CHECK(cudaDeviceReset());
    CHECK(cudaSetDevice(0));
    CHECK(cudaMemcpy(back, on0, sizeof back, cudaMemcpyDeviceToHost));
    EXPECT(memcmp(host, back, sizeof host) == 0);
    EXPECT_ERR(cudaFree(on1), cudaErrorInvalidValue);
    CHECK(cudaFree(on0));
    // Atomic capabilities across the host link and between the two devices: integer add is
    // native in both widths with reductions, increment is 32-bit unsigned, and the answers
    // agree with cudaDevAttrHostNativeAtomicSupported.
    {
        cudaAtomicOperation ops[3] = {cudaAtomicOperationIntegerAdd, cudaAtomicOperationIntegerIncrement,
                                      cudaAtomicOperationCAS};
        unsigned int host_caps[3] = {}, p2p_caps[3] = {};
        int native = 0;
        CHECK(cudaDeviceGetAttribute(&native, cudaDevAttrHostNativeAtomicSupported, 0));
        CHECK(cudaDeviceGetHostAtomicCapabilities(host_caps, ops, 3, 0));
        CHECK(cudaDeviceGetP2PAtomicCapabilities(p2p_caps, ops, 3, 0, 1));
        unsigned int both = cudaAtomicCapabilityScalar32 | cudaAtomicCapabilityScalar64;
        EXPECT(native == 1);
        EXPECT((host_caps[0] & (both | cudaAtomicCapabilityReduction)) == (both | cudaAtomicCapabilityReduction));
        EXPECT(host_caps[1] & cudaAtomicCapabilityScalar32);
        EXPECT((host_caps[2] & both) == both);
        EXPECT(memcmp(host_caps, p2p_caps, sizeof host_caps) == 0);
        EXPECT_ERR(cudaDeviceGetHostAtomicCapabilities(host_caps, ops, 0, 0), cudaErrorInvalidValue);
        EXPECT_ERR(cudaDeviceGetHostAtomicCapabilities(host_caps, ops, 3, 7), cudaErrorInvalidDevice);
        EXPECT_ERR(cudaDeviceGetP2PAtomicCapabilities(p2p_caps, ops, 3, 1, 1), cudaErrorInvalidDevice);
        (void)cudaGetLastError();
    }
    return finish("multi_device");
}
