// Texture objects (issue 6): creation over each kind of resource, the descriptors the queries
// give back, resource views, destruction, and the exact errors for what NVIDIA documents as
// invalid: missing descriptors, unknown or freed arrays, memory outside an allocation,
// misaligned pointers and pitches, sizes past the device's limits, views that change the
// element size or reach past levels and layers, mipmaps without normalised coordinates, and
// destroyed or foreign handles.  Ends with a texture destroyed right after an asynchronous
// launch that reads it (which works on NVIDIA's devices, and so must here), and a texture whose
// array was freed under it (the kernel faults instead of reading freed memory).
#include <cstring>
#include <vector>
#include "common.h"

__global__ void read_texel(cudaTextureObject_t t, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2D<float>(t, i % 8 + 0.5f, i / 8 + 0.5f);
}

static cudaTextureDesc point()
{
    cudaTextureDesc td = {};
    td.addressMode[0] = td.addressMode[1] = cudaAddressModeClamp;
    td.filterMode = cudaFilterModePoint;
    td.readMode = cudaReadModeElementType;
    return td;
}

int main()
{
    cudaChannelFormatDesc f = cudaCreateChannelDesc<float>();
    cudaArray_t arr;
    CHECK(cudaMallocArray(&arr, &f, 8, 8));
    cudaResourceDesc ra = {};
    ra.resType = cudaResourceTypeArray;
    ra.res.array.array = arr;
    cudaTextureDesc td = point();
    td.borderColor[2] = 0.25f;
    td.sRGB = 0;

    // Creation and the queries.
    cudaTextureObject_t t = 0, t2 = 0;
    CHECK(cudaCreateTextureObject(&t, &ra, &td, nullptr));
    EXPECT(t != 0);
    CHECK(cudaCreateTextureObject(&t2, &ra, &td, nullptr));
    EXPECT(t2 != t);
    cudaResourceDesc rback;
    cudaTextureDesc tback;
    cudaResourceViewDesc vback;
    CHECK(cudaGetTextureObjectResourceDesc(&rback, t));
    EXPECT(rback.resType == cudaResourceTypeArray && rback.res.array.array == arr);
    CHECK(cudaGetTextureObjectTextureDesc(&tback, t));
    EXPECT(memcmp(&tback, &td, sizeof td) == 0);
    EXPECT_ERR(cudaGetTextureObjectResourceViewDesc(&vback, t), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetTextureObjectResourceDesc(nullptr, t), cudaErrorInvalidValue);

    // Destroyed and foreign handles.
    CHECK(cudaDestroyTextureObject(t2));
    EXPECT_ERR(cudaDestroyTextureObject(t2), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetTextureObjectResourceDesc(&rback, t2), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetTextureObjectTextureDesc(&tback, t2), cudaErrorInvalidValue);
    EXPECT_ERR(cudaDestroyTextureObject(0x7777777), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetTextureObjectTextureDesc(&tback, 0), cudaErrorInvalidValue);

    // Missing descriptors, unknown resources, unknown modes.
    EXPECT_ERR(cudaCreateTextureObject(nullptr, &ra, &td, nullptr), cudaErrorInvalidValue);
    EXPECT_ERR(cudaCreateTextureObject(&t2, nullptr, &td, nullptr), cudaErrorInvalidValue);
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, nullptr, nullptr), cudaErrorInvalidValue);
    cudaResourceDesc bad = ra;
    bad.resType = (cudaResourceType)9;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &bad, &td, nullptr), cudaErrorInvalidValue);
    int not_an_array;
    bad = ra;
    bad.res.array.array = (cudaArray_t)&not_an_array;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &bad, &td, nullptr), cudaErrorInvalidValue);
    cudaTextureDesc badtd = td;
    badtd.addressMode[1] = (cudaTextureAddressMode)4;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &badtd, nullptr), cudaErrorInvalidValue);
    badtd = td;
    badtd.filterMode = (cudaTextureFilterMode)2;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &badtd, nullptr), cudaErrorInvalidValue);
    badtd = td;
    badtd.seamlessCubemap = 1; // only for cubemaps
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &badtd, nullptr), cudaErrorInvalidValue);

    // Linear memory: aligned to textureAlignment, inside one allocation, a real format.
    int align = 0, pitch_align = 0;
    CHECK(cudaDeviceGetAttribute(&align, cudaDevAttrTextureAlignment, 0));
    CHECK(cudaDeviceGetAttribute(&pitch_align, cudaDevAttrTexturePitchAlignment, 0));
    char *mem;
    CHECK(cudaMalloc(&mem, 1 << 16));
    cudaResourceDesc rl = {};
    rl.resType = cudaResourceTypeLinear;
    rl.res.linear.devPtr = mem;
    rl.res.linear.desc = f;
    rl.res.linear.sizeInBytes = 1 << 16;
    CHECK(cudaCreateTextureObject(&t2, &rl, &td, nullptr));
    CHECK(cudaGetTextureObjectResourceDesc(&rback, t2));
    EXPECT(rback.res.linear.devPtr == mem && rback.res.linear.sizeInBytes == (1u << 16));
    CHECK(cudaDestroyTextureObject(t2));
    rl.res.linear.devPtr = mem + align / 2;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rl, &td, nullptr), cudaErrorInvalidValue);
    rl.res.linear.devPtr = mem + align;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rl, &td, nullptr), cudaErrorInvalidValue);
    rl.res.linear.sizeInBytes = (1 << 16) - align; // now it fits
    CHECK(cudaCreateTextureObject(&t2, &rl, &td, nullptr));
    CHECK(cudaDestroyTextureObject(t2));
    std::vector<float> host(64);
    rl.res.linear.devPtr = host.data(); // pageable host memory is no device memory
    rl.res.linear.sizeInBytes = 256;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rl, &td, nullptr), cudaErrorInvalidValue);
    rl.res.linear.devPtr = mem;
    rl.res.linear.desc = cudaCreateChannelDesc(32, 32, 32, 0, cudaChannelFormatKindFloat);
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rl, &td, nullptr),
               cudaErrorInvalidChannelDescriptor);
    size_t max_linear = 0;
    CHECK(cudaDeviceGetTexture1DLinearMaxWidth(&max_linear, &f, 0));
    int attr = 0;
    CHECK(cudaDeviceGetAttribute(&attr, cudaDevAttrMaxTexture1DLinearWidth, 0));
    EXPECT_EQ_LL(max_linear, attr);

    // Pitched memory: the pitch aligned to texturePitchAlignment and at least one row.
    cudaResourceDesc rp = {};
    rp.resType = cudaResourceTypePitch2D;
    rp.res.pitch2D.devPtr = mem;
    rp.res.pitch2D.desc = f;
    rp.res.pitch2D.width = 16;
    rp.res.pitch2D.height = 16;
    rp.res.pitch2D.pitchInBytes = 64;
    CHECK(cudaCreateTextureObject(&t2, &rp, &td, nullptr));
    CHECK(cudaDestroyTextureObject(t2));
    rp.res.pitch2D.pitchInBytes = 64 + pitch_align / 2;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rp, &td, nullptr), cudaErrorInvalidValue);
    rp.res.pitch2D.pitchInBytes = 32; // narrower than a row of 16 floats
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rp, &td, nullptr), cudaErrorInvalidValue);
    rp.res.pitch2D.pitchInBytes = 4096;
    rp.res.pitch2D.height = 17; // 17 rows of 4096 bytes run past the 64 KiB allocation
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rp, &td, nullptr), cudaErrorInvalidValue);
    rp.res.pitch2D.height = 0;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rp, &td, nullptr), cudaErrorInvalidValue);

    // Resource views: same element size, levels and layers that exist, and only over arrays.
    cudaResourceViewDesc view = {};
    view.format = cudaResViewFormatUnsignedInt1; // a float seen as its bits
    view.width = 8;
    view.height = 8;
    CHECK(cudaCreateTextureObject(&t2, &ra, &td, &view));
    CHECK(cudaGetTextureObjectResourceViewDesc(&vback, t2));
    EXPECT(vback.format == cudaResViewFormatUnsignedInt1 && vback.width == 8);
    CHECK(cudaDestroyTextureObject(t2));
    cudaResourceViewDesc bv = view;
    bv.format = cudaResViewFormatUnsignedShort1;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &td, &bv), cudaErrorInvalidValue);
    bv = view;
    bv.width = 4;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &td, &bv), cudaErrorInvalidValue);
    bv = view;
    bv.lastMipmapLevel = 1;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &td, &bv), cudaErrorInvalidValue);
    bv = view;
    bv.lastLayer = 1; // not layered
    EXPECT_ERR(cudaCreateTextureObject(&t2, &ra, &td, &bv), cudaErrorInvalidValue);
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rl, &td, &view), cudaErrorInvalidValue);
    // A view of some layers of a layered array reads them as layers 0, 1, ...
    cudaArray_t layered;
    CHECK(cudaMalloc3DArray(&layered, &f, make_cudaExtent(8, 8, 4), cudaArrayLayered));
    cudaResourceDesc rlay = {};
    rlay.resType = cudaResourceTypeArray;
    rlay.res.array.array = layered;
    cudaResourceViewDesc lv = {};
    lv.width = lv.height = 8;
    lv.depth = 4;
    lv.firstLayer = 1;
    lv.lastLayer = 3;
    CHECK(cudaCreateTextureObject(&t2, &rlay, &td, &lv));
    CHECK(cudaDestroyTextureObject(t2));
    lv.lastLayer = 4;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rlay, &td, &lv), cudaErrorInvalidValue);

    // Mipmapped arrays need normalised coordinates.
    cudaMipmappedArray_t mm;
    CHECK(cudaMallocMipmappedArray(&mm, &f, make_cudaExtent(8, 8, 0), 3, 0));
    cudaResourceDesc rm = {};
    rm.resType = cudaResourceTypeMipmappedArray;
    rm.res.mipmap.mipmap = mm;
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rm, &td, nullptr), cudaErrorInvalidValue);
    cudaTextureDesc ntd = td;
    ntd.normalizedCoords = 1;
    CHECK(cudaCreateTextureObject(&t2, &rm, &ntd, nullptr));
    CHECK(cudaDestroyTextureObject(t2));
    CHECK(cudaFreeMipmappedArray(mm));
    EXPECT_ERR(cudaCreateTextureObject(&t2, &rm, &ntd, nullptr), cudaErrorInvalidValue);

    // A texture destroyed right after an asynchronous launch that reads it: the launch still
    // sees it.
    std::vector<float> img(64);
    for (int i = 0; i < 64; i++)
        img[i] = 3.0f * i;
    CHECK(cudaMemcpy2DToArray(arr, 0, 0, img.data(), 32, 32, 8, cudaMemcpyHostToDevice));
    float *out;
    CHECK(cudaMalloc(&out, 64 * 4));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    cudaTextureObject_t tt;
    CHECK(cudaCreateTextureObject(&tt, &ra, &td, nullptr));
    (void)cudaGetLastError(); // forget the errors provoked above
    read_texel<<<2, 32, 0, s>>>(tt, out, 64);
    CHECK(cudaGetLastError());
    CHECK(cudaDestroyTextureObject(tt));
    CHECK(cudaStreamSynchronize(s));
    std::vector<float> got(64);
    CHECK(cudaMemcpy(got.data(), out, 64 * 4, cudaMemcpyDeviceToHost));
    EXPECT(got == img);

    CHECK(cudaStreamDestroy(s));
    CHECK(cudaDestroyTextureObject(t));
    CHECK(cudaFreeArray(layered));
    CHECK(cudaFree(mem));

    // Sampling a texture whose array was freed faults the kernel (an illegal address), which
    // poisons the device as on NVIDIA's: this comes last.
    CHECK(cudaCreateTextureObject(&tt, &ra, &td, nullptr));
    CHECK(cudaFreeArray(arr));
    read_texel<<<2, 32>>>(tt, out, 64);
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
    return finish("texture_objects");
}
