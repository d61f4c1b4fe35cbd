// Memory (issue 4): every allocation family, copies in every direction and shape checked
// against host-side copies, fills, unified addressing, pointer attributes, and the range
// checks that turn foreign, freed and out-of-range pointers into cudaErrorInvalidValue.
#include <algorithm>
#include <vector>
#include "common.h"

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 31u + seed);
}

int main()
{
    const size_t n = 1 << 16;
    std::vector<unsigned char> a(n), b(n);
    fill_pattern(a.data(), n, 7);

    // cudaMalloc, copies in every direction, default direction by unified addressing.
    unsigned char *d1, *d2;
    CHECK(cudaMalloc(&d1, n));
    CHECK(cudaMalloc(&d2, n));
    EXPECT(((uintptr_t)d1 % 256) == 0);
    CHECK(cudaMemcpy(d1, a.data(), n, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(d2, d1, n, cudaMemcpyDeviceToDevice));
    CHECK(cudaMemcpy(b.data(), d2, n, cudaMemcpyDeviceToHost));
    EXPECT(a == b);
    std::fill(b.begin(), b.end(), 0);
    CHECK(cudaMemcpy(d2 + 100, d1 + 50, 1000, cudaMemcpyDefault));
    CHECK(cudaMemcpy(b.data(), d2 + 100, 1000, cudaMemcpyDefault));
    EXPECT(memcmp(b.data(), a.data() + 50, 1000) == 0);

    // Zero-byte allocation: success and a null pointer.
    void *zero = (void *)1;
    CHECK(cudaMalloc(&zero, 0));
    EXPECT(zero == nullptr);

    // Memset family.
    CHECK(cudaMemset(d1, 0xAB, n));
    CHECK(cudaMemcpy(b.data(), d1, n, cudaMemcpyDeviceToHost));
    bool all = true;
    for (size_t i = 0; i < n; i++)
        all = all && b[i] == 0xAB;
    EXPECT(all);

    // Pitched 2-D: copy a sub-rectangle in and out and compare with a host-side copy.
    const size_t w = 100, h = 37;
    size_t pitch = 0;
    unsigned char *p2;
    CHECK(cudaMallocPitch(&p2, &pitch, w, h));
    EXPECT(pitch >= w && pitch % 256 == 0);
    std::vector<unsigned char> img(w * h), out(w * h);
    fill_pattern(img.data(), img.size(), 3);
    CHECK(cudaMemcpy2D(p2, pitch, img.data(), w, w, h, cudaMemcpyHostToDevice));
    CHECK(cudaMemset2D(p2 + 10, pitch, 0x11, 20, 5));
    CHECK(cudaMemcpy2D(out.data(), w, p2, pitch, w, h, cudaMemcpyDeviceToHost));
    for (size_t y = 0; y < 5; y++)
        for (size_t x = 10; x < 30; x++)
            img[y * w + x] = 0x11;
    EXPECT(img == out);
    EXPECT_ERR(cudaMemcpy2D(p2, w - 1, img.data(), w, w, h, cudaMemcpyHostToDevice),
               cudaErrorInvalidPitchValue);

    // 3-D: a sub-box copied between two pitched volumes.
    cudaExtent ext = make_cudaExtent(40, 8, 6);
    cudaPitchedPtr v1, v2;
    CHECK(cudaMalloc3D(&v1, ext));
    CHECK(cudaMalloc3D(&v2, ext));
    std::vector<unsigned char> vol(40 * 8 * 6), vout(40 * 8 * 6, 0);
    fill_pattern(vol.data(), vol.size(), 11);
    cudaMemcpy3DParms up = {};
    up.srcPtr = make_cudaPitchedPtr(vol.data(), 40, 40, 8);
    up.dstPtr = v1;
    up.extent = ext;
    up.kind = cudaMemcpyHostToDevice;
    CHECK(cudaMemcpy3D(&up));
    CHECK(cudaMemset3D(v2, 0, ext));
    cudaMemcpy3DParms box = {};
    box.srcPtr = v1;
    box.srcPos = make_cudaPos(4, 1, 2);
    box.dstPtr = v2;
    box.dstPos = make_cudaPos(10, 3, 1);
    box.extent = make_cudaExtent(7, 4, 3);
    box.kind = cudaMemcpyDeviceToDevice;
    CHECK(cudaMemcpy3D(&box));
    cudaMemcpy3DParms down = {};
    down.srcPtr = v2;
    down.dstPtr = make_cudaPitchedPtr(vout.data(), 40, 40, 8);
    down.extent = ext;
    down.kind = cudaMemcpyDeviceToHost;
    CHECK(cudaMemcpy3D(&down));
    std::vector<unsigned char> want(vol.size(), 0);
    for (int z = 0; z < 3; z++)
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 7; x++)
                want[((1 + z) * 8 + 3 + y) * 40 + 10 + x] = vol[((2 + z) * 8 + 1 + y) * 40 + 4 + x];
    EXPECT(want == vout);

    // Pinned and registered host memory, mapped device pointers and attributes.
    unsigned char *pinned;
    CHECK(cudaMallocHost(&pinned, n));
    unsigned hflags = 0;
    CHECK(cudaHostGetFlags(&hflags, pinned));
    void *mapped = nullptr;
    CHECK(cudaHostGetDevicePointer(&mapped, pinned, 0));
    EXPECT(mapped == pinned);
    CHECK(cudaMemcpyAsync(pinned, d2, n, cudaMemcpyDeviceToHost, 0));
    CHECK(cudaStreamSynchronize(0));
    std::vector<unsigned char> d2_expected(a);
    memcpy(d2_expected.data() + 100, a.data() + 50, 1000);
    EXPECT(memcmp(pinned, d2_expected.data(), n) == 0);
    std::vector<unsigned char> reg(n);
    CHECK(cudaHostRegister(reg.data(), n, cudaHostRegisterDefault));
    EXPECT_ERR(cudaHostRegister(reg.data(), n, cudaHostRegisterDefault),
               cudaErrorHostMemoryAlreadyRegistered);
    cudaPointerAttributes at;
    CHECK(cudaPointerGetAttributes(&at, reg.data() + 5));
    EXPECT(at.type == cudaMemoryTypeHost);
    CHECK(cudaHostUnregister(reg.data()));
    EXPECT_ERR(cudaHostUnregister(reg.data()), cudaErrorHostMemoryNotRegistered);
    CHECK(cudaPointerGetAttributes(&at, d1 + 17));
    EXPECT(at.type == cudaMemoryTypeDevice && at.devicePointer == d1 + 17 && at.device == 0);
    CHECK(cudaPointerGetAttributes(&at, a.data()));
    EXPECT(at.type == cudaMemoryTypeUnregistered);
    CHECK(cudaPointerGetAttributes(&at, pinned));
    EXPECT(at.type == cudaMemoryTypeHost && at.hostPointer == pinned);

    // Managed memory is usable from the host directly.
    int *managed;
    CHECK(cudaMallocManaged(&managed, 256 * sizeof(int)));
    for (int i = 0; i < 256; i++)
        managed[i] = i * i;
    CHECK(cudaPointerGetAttributes(&at, managed));
    EXPECT(at.type == cudaMemoryTypeManaged);
    int *dm;
    CHECK(cudaMalloc(&dm, 256 * sizeof(int)));
    CHECK(cudaMemcpy(dm, managed, 256 * sizeof(int), cudaMemcpyDefault));
    int sq[256];
    CHECK(cudaMemcpy(sq, dm, sizeof sq, cudaMemcpyDeviceToHost));
    EXPECT(sq[255] == 255 * 255 && sq[17] == 17 * 17);
    CHECK(cudaFree(managed));
    CHECK(cudaFree(dm));

    // Range checks: past the end, interior frees, foreign and freed pointers, double free.
    EXPECT_ERR(cudaMemcpy(d1 + 1, a.data(), n, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(b.data(), d1 + n - 10, 11, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(a.data(), b.data(), 16, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemset(d1 + n - 1, 0, 2), cudaErrorInvalidValue); // runs past the end
    EXPECT_ERR(cudaMemset(a.data(), 0, 16), cudaErrorInvalidValue);
    EXPECT_ERR(cudaFree(d1 + 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaFree(a.data()), cudaErrorInvalidValue);
    EXPECT_ERR(cudaFreeHost(d1), cudaErrorInvalidValue);
    CHECK(cudaFree(d1));
    EXPECT_ERR(cudaFree(d1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(b.data(), d1, 16, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(d2, a.data(), 16, (cudaMemcpyKind)42), cudaErrorInvalidMemcpyDirection);
    CHECK(cudaFree(nullptr));
    (void)cudaGetLastError();

    // Stream-ordered allocation.
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    int *async_buf;
    CHECK(cudaMallocAsync(&async_buf, 4096, s));
    CHECK(cudaMemsetAsync(async_buf, 0x5A, 4096, s));
    unsigned char check[4096];
    CHECK(cudaMemcpyAsync(check, async_buf, 4096, cudaMemcpyDeviceToHost, s));
    CHECK(cudaFreeAsync(async_buf, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT(check[0] == 0x5A && check[4095] == 0x5A);
    CHECK(cudaStreamDestroy(s));

    CHECK(cudaFree(d2));
    CHECK(cudaFree(p2));
    CHECK(cudaFree(v1.ptr));
    CHECK(cudaFree(v2.ptr));
    CHECK(cudaFreeHost(pinned));
    return finish("memory");
}
