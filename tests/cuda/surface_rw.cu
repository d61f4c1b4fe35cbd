// Surface objects (issue 6): surf1D/2D/3D/2DLayered/Cubemap reads and writes checked against
// host-side expectations, byte-addressed x coordinates, the boundary modes (zero reads zero and
// drops writes, clamp moves to the nearest element, trap faults the kernel), a texture reading
// what a surface wrote, and the API's errors.  The trap comes last: it poisons the device, as a
// fault does on NVIDIA's, so every later call reports cudaErrorIllegalAddress.
#include <vector>
#include "common.h"

__global__ void write2d(cudaSurfaceObject_t s, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y;
    if (x < w && y < h)
        surf2Dwrite((float)(x + 100 * y), s, x * (int)sizeof(float), y);
}

__global__ void read2d(cudaSurfaceObject_t s, float *out, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y;
    if (x < w && y < h)
        out[y * w + x] = surf2Dread<float>(s, x * (int)sizeof(float), y);
}

// Out-of-range accesses under each boundary mode: out = {zero read, clamp read, clamp read};
// a zero-mode write outside (dropped) and a clamp-mode write past the corner (to the corner).
__global__ void boundaries(cudaSurfaceObject_t s, float *out, int w, int h)
{
    out[0] = surf2Dread<float>(s, w * 4, 0, cudaBoundaryModeZero);
    out[1] = surf2Dread<float>(s, -4, 1, cudaBoundaryModeClamp);
    out[2] = surf2Dread<float>(s, 4, h + 3, cudaBoundaryModeClamp);
    surf2Dwrite(-1.0f, s, 0, -1, cudaBoundaryModeZero);
    surf2Dwrite(-2.0f, s, w * 4 + 40, h + 5, cudaBoundaryModeClamp);
}

__global__ void trap(cudaSurfaceObject_t s, float *out, int w)
{
    out[0] = surf2Dread<float>(s, w * 4, 0, cudaBoundaryModeTrap);
}

__global__ void layered(cudaSurfaceObject_t s, float *out, int w, int h, int layers)
{
    int x = threadIdx.x, y = threadIdx.y;
    for (int l = 0; l < layers; l++)
        surf2DLayeredwrite(make_int2(x + 10 * y, l), s, x * 8, y, l);
    __syncthreads();
    for (int l = 0; l < layers; l++) {
        int2 v = surf2DLayeredread<int2>(s, x * 8, y, l);
        out[(l * h + y) * w + x] = (float)(v.x + 1000 * v.y);
    }
}

__global__ void volume(cudaSurfaceObject_t s3, cudaSurfaceObject_t s1, int n)
{
    int x = threadIdx.x, y = threadIdx.y, z = threadIdx.z;
    surf3Dwrite((unsigned char)(x + 4 * y + 16 * z), s3, x, y, z);
    if (y == 0 && z == 0)
        surf1Dwrite((short)(-x), s1, x * 2);
}

__global__ void cube(cudaSurfaceObject_t s, int n)
{
    int x = threadIdx.x, y = threadIdx.y;
    for (int face = 0; face < 6; face++)
        surfCubemapwrite((float)(face * 100 + x + 10 * y), s, x * 4, y, face);
}

__global__ void sample(cudaTextureObject_t t, float *out, int w, int h)
{
    int x = threadIdx.x, y = threadIdx.y;
    out[y * w + x] = tex2D<float>(t, x + 1.0f, y + 0.5f); // halfway between two texels
}

int main()
{
    const int w = 40, h = 6;
    cudaChannelFormatDesc f = cudaCreateChannelDesc<float>();
    cudaArray_t arr;
    CHECK(cudaMallocArray(&arr, &f, w, h, cudaArraySurfaceLoadStore));
    cudaResourceDesc r = {};
    r.resType = cudaResourceTypeArray;
    r.res.array.array = arr;
    cudaSurfaceObject_t s;
    CHECK(cudaCreateSurfaceObject(&s, &r));
    cudaResourceDesc back;
    CHECK(cudaGetSurfaceObjectResourceDesc(&back, s));
    EXPECT(back.resType == cudaResourceTypeArray && back.res.array.array == arr);

    float *dout;
    CHECK(cudaMalloc(&dout, 4096 * sizeof(float)));
    write2d<<<dim3(2, h), 32>>>(s, w, h);
    read2d<<<dim3(2, h), 32>>>(s, dout, w, h);
    CHECK(cudaGetLastError());
    std::vector<float> out(w * h), img(w * h);
    CHECK(cudaMemcpy(out.data(), dout, w * h * 4, cudaMemcpyDeviceToHost));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            img[y * w + x] = (float)(x + 100 * y);
    EXPECT(out == img);
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, arr, 0, 0, w * 4, h, cudaMemcpyDeviceToHost));
    EXPECT(out == img);

    // Boundary modes.
    boundaries<<<1, 1>>>(s, dout, w, h);
    std::vector<float> b(3);
    CHECK(cudaMemcpy(b.data(), dout, 12, cudaMemcpyDeviceToHost));
    EXPECT(b[0] == 0.0f && b[1] == img[1 * w + 0] && b[2] == img[(h - 1) * w + 1]);
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, arr, 0, 0, w * 4, h, cudaMemcpyDeviceToHost));
    img[h * w - 1] = -2.0f;
    EXPECT(out == img);

    // A texture over the same array reads what the surface wrote (linear filtering).
    cudaTextureDesc td = {};
    td.filterMode = cudaFilterModeLinear;
    cudaTextureObject_t t;
    CHECK(cudaCreateTextureObject(&t, &r, &td, nullptr));
    sample<<<1, dim3(w - 1, h)>>>(t, dout, w - 1, h);
    std::vector<float> smp((w - 1) * h);
    CHECK(cudaMemcpy(smp.data(), dout, smp.size() * 4, cudaMemcpyDeviceToHost));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w - 1; x++)
            EXPECT(smp[y * (w - 1) + x] == 0.5f * (img[y * w + x] + img[y * w + x + 1]));
    CHECK(cudaDestroyTextureObject(t));

    // Layers of two 32-bit channels.
    cudaChannelFormatDesc i2 = cudaCreateChannelDesc<int2>();
    cudaArray_t al;
    CHECK(cudaMalloc3DArray(&al, &i2, make_cudaExtent(8, 4, 3),
                            cudaArrayLayered | cudaArraySurfaceLoadStore));
    r.res.array.array = al;
    cudaSurfaceObject_t sl;
    CHECK(cudaCreateSurfaceObject(&sl, &r));
    layered<<<1, dim3(8, 4)>>>(sl, dout, 8, 4, 3);
    std::vector<float> lo(8 * 4 * 3);
    CHECK(cudaMemcpy(lo.data(), dout, lo.size() * 4, cudaMemcpyDeviceToHost));
    for (int l = 0; l < 3; l++)
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 8; x++)
                EXPECT(lo[(l * 4 + y) * 8 + x] == (float)(x + 10 * y + 1000 * l));

    // 3-D bytes and 1-D shorts.
    cudaChannelFormatDesc u8 = cudaCreateChannelDesc<unsigned char>();
    cudaChannelFormatDesc s16 = cudaCreateChannelDesc<short>();
    cudaArray_t a3, a1;
    CHECK(cudaMalloc3DArray(&a3, &u8, make_cudaExtent(4, 4, 4), cudaArraySurfaceLoadStore));
    CHECK(cudaMalloc3DArray(&a1, &s16, make_cudaExtent(4, 0, 0), cudaArraySurfaceLoadStore));
    cudaSurfaceObject_t s3, s1;
    r.res.array.array = a3;
    CHECK(cudaCreateSurfaceObject(&s3, &r));
    r.res.array.array = a1;
    CHECK(cudaCreateSurfaceObject(&s1, &r));
    volume<<<1, dim3(4, 4, 4)>>>(s3, s1, 4);
    std::vector<unsigned char> vol(64);
    cudaMemcpy3DParms p = {};
    p.srcArray = a3;
    p.dstPtr = make_cudaPitchedPtr(vol.data(), 4, 4, 4);
    p.extent = make_cudaExtent(4, 4, 4);
    p.kind = cudaMemcpyDeviceToHost;
    CHECK(cudaMemcpy3D(&p));
    bool ok = true;
    for (int i = 0; i < 64; i++)
        ok = ok && vol[i] == i;
    EXPECT(ok);
    short sh[4];
    CHECK(cudaMemcpy2DFromArray(sh, 8, a1, 0, 0, 8, 1, cudaMemcpyDeviceToHost));
    EXPECT(sh[0] == 0 && sh[1] == -1 && sh[2] == -2 && sh[3] == -3);

    // A cubemap written face by face.
    cudaArray_t ac;
    CHECK(cudaMalloc3DArray(&ac, &f, make_cudaExtent(4, 4, 6),
                            cudaArrayCubemap | cudaArraySurfaceLoadStore));
    r.res.array.array = ac;
    cudaSurfaceObject_t sc;
    CHECK(cudaCreateSurfaceObject(&sc, &r));
    cube<<<1, dim3(4, 4)>>>(sc, 4);
    std::vector<float> faces(96);
    p = {};
    p.srcArray = ac;
    p.dstPtr = make_cudaPitchedPtr(faces.data(), 16, 4, 4);
    p.extent = make_cudaExtent(4, 4, 6);
    p.kind = cudaMemcpyDeviceToHost;
    CHECK(cudaMemcpy3D(&p));
    ok = true;
    for (int i = 0; i < 96; i++)
        ok = ok && faces[i] == (float)(i / 16 * 100 + i % 4 + 10 * (i / 4 % 4));
    EXPECT(ok);

    // API errors.
    cudaArray_t plain;
    CHECK(cudaMallocArray(&plain, &f, 4, 4));
    r.res.array.array = plain;
    cudaSurfaceObject_t sx;
    EXPECT_ERR(cudaCreateSurfaceObject(&sx, &r), cudaErrorInvalidValue); // no load/store flag
    EXPECT_ERR(cudaCreateSurfaceObject(nullptr, &r), cudaErrorInvalidValue);
    EXPECT_ERR(cudaCreateSurfaceObject(&sx, nullptr), cudaErrorInvalidValue);
    cudaResourceDesc rp = {};
    rp.resType = cudaResourceTypePitch2D;
    rp.res.pitch2D.devPtr = dout;
    rp.res.pitch2D.desc = f;
    rp.res.pitch2D.width = 16;
    rp.res.pitch2D.height = 16;
    rp.res.pitch2D.pitchInBytes = 64;
    EXPECT_ERR(cudaCreateSurfaceObject(&sx, &rp), cudaErrorInvalidValue); // arrays only
    CHECK(cudaDestroySurfaceObject(sc));
    EXPECT_ERR(cudaDestroySurfaceObject(sc), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetSurfaceObjectResourceDesc(&back, sc), cudaErrorInvalidValue);
    EXPECT_ERR(cudaDestroyTextureObject(s), cudaErrorInvalidValue); // a surface, not a texture
    CHECK(cudaDestroySurfaceObject(s1));
    CHECK(cudaDestroySurfaceObject(s3));
    CHECK(cudaDestroySurfaceObject(sl));

    // .trap: the kernel faults with an illegal address, and the device stays faulted.
    (void)cudaGetLastError();
    trap<<<1, 1>>>(s, dout, w);
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
    EXPECT_ERR(cudaMemcpy(b.data(), dout, 4, cudaMemcpyDeviceToHost), cudaErrorIllegalAddress);
    return finish("surface_rw");
}
