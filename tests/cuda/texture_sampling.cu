// Texture sampling through CUDA's texture functions (issue 6): tex1Dfetch of linear memory,
// tex2D over pitched memory and arrays (point and linear filtering, every address mode,
// normalised and texel coordinates), normalised reads of 8-bit colours, signed integer reads,
// tex3D, tex2DLayered, texCubemap, tex2DLod over a mipmapped array and tex2Dgather.  Every
// expected value is computed here on the host from NVIDIA's description of texture fetching;
// coordinates are chosen so that float and double agree on every texel index and weight.
// nvcc-variants: sm_80
#include <cmath>
#include <vector>
#include "common.h"

static int g_checked = 0;

static void expect_close(float got, double want, const char *what, int i)
{
    g_checked++;
    if (std::fabs(got - want) > 1e-5 * (std::fabs(want) > 1 ? std::fabs(want) : 1)) {
        fprintf(stderr, "%s[%d]: %.8g, expected %.8g\n", what, i, got, want);
        g_failures++;
    }
}

// ---- host reference ----

static long addr(long i, long n, cudaTextureAddressMode m)
{
    if (i >= 0 && i < n)
        return i;
    if (m == cudaAddressModeWrap)
        return ((i % n) + n) % n;
    if (m == cudaAddressModeMirror) {
        long p = ((i % (2 * n)) + 2 * n) % (2 * n);
        return p < n ? p : 2 * n - 1 - p;
    }
    if (m == cudaAddressModeClamp)
        return i < 0 ? 0 : n - 1;
    return -1; // border
}

// One-channel 2-D image, as tex2D<float> reads it.
struct Image {
    int w, h;
    std::vector<float> v;
    float at(long x, long y, cudaTextureAddressMode m, float border) const
    {
        long i = addr(x, w, m), j = addr(y, h, m);
        return i < 0 || j < 0 ? border : v[j * w + i];
    }
    double sample(double x, double y, bool norm, bool linear, cudaTextureAddressMode m) const
    {
        if (norm) {
            x *= w;
            y *= h;
        }
        if (!linear)
            return at((long)std::floor(x), (long)std::floor(y), m, 0.0f);
        double bx = x - 0.5, by = y - 0.5;
        long i = (long)std::floor(bx), j = (long)std::floor(by);
        double a = bx - i, b = by - j;
        return (1 - a) * (1 - b) * at(i, j, m, 0) + a * (1 - b) * at(i + 1, j, m, 0) +
               (1 - a) * b * at(i, j + 1, m, 0) + a * b * at(i + 1, j + 1, m, 0);
    }
};

// ---- kernels ----

__global__ void k2d(cudaTextureObject_t t, const float2 *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2D<float>(t, c[i].x, c[i].y);
}

__global__ void k2d4(cudaTextureObject_t t, const float2 *c, float4 *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2D<float4>(t, c[i].x, c[i].y);
}

__global__ void k2di(cudaTextureObject_t t, const float2 *c, int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2D<short>(t, c[i].x, c[i].y);
}

__global__ void kfetch(cudaTextureObject_t t, const int *idx, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex1Dfetch<float>(t, idx[i]);
}

__global__ void k3d(cudaTextureObject_t t, const float4 *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex3D<float>(t, c[i].x, c[i].y, c[i].z);
}

__global__ void klayered(cudaTextureObject_t t, const float4 *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2DLayered<float>(t, c[i].x, c[i].y, (int)c[i].w);
}

__global__ void kcube(cudaTextureObject_t t, const float4 *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = texCubemap<float>(t, c[i].x, c[i].y, c[i].z);
}

__global__ void klod(cudaTextureObject_t t, const float4 *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2DLod<float>(t, c[i].x, c[i].y, c[i].z);
}

__global__ void kgather(cudaTextureObject_t t, const float2 *c, float4 *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = tex2Dgather<float4>(t, c[i].x, c[i].y, 1); // the green channel
}

template <typename T> static T *upload(const std::vector<T> &v)
{
    T *d;
    CHECK(cudaMalloc(&d, v.size() * sizeof(T)));
    CHECK(cudaMemcpy(d, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
    return d;
}

template <typename T> static std::vector<T> download(const T *d, size_t n)
{
    std::vector<T> v(n);
    CHECK(cudaMemcpy(v.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
    return v;
}

static cudaTextureObject_t make(const cudaResourceDesc &res, cudaTextureAddressMode m,
                                cudaTextureFilterMode f, bool norm,
                                cudaTextureReadMode read = cudaReadModeElementType)
{
    cudaTextureDesc td = {};
    td.addressMode[0] = td.addressMode[1] = td.addressMode[2] = m;
    td.filterMode = f;
    td.normalizedCoords = norm;
    td.readMode = read;
    td.maxMipmapLevelClamp = 100.0f;
    cudaTextureObject_t t;
    CHECK(cudaCreateTextureObject(&t, &res, &td, nullptr));
    return t;
}

static void sampled_2d()
{
    Image img{16, 8, std::vector<float>(16 * 8)};
    for (int i = 0; i < 16 * 8; i++)
        img.v[i] = (float)((i * 37) % 101) - 20.0f;
    cudaChannelFormatDesc d = cudaCreateChannelDesc<float>();
    cudaArray_t arr;
    CHECK(cudaMallocArray(&arr, &d, img.w, img.h));
    CHECK(cudaMemcpy2DToArray(arr, 0, 0, img.v.data(), img.w * 4, img.w * 4, img.h,
                              cudaMemcpyHostToDevice));
    float *pitched;
    size_t pitch;
    CHECK(cudaMallocPitch(&pitched, &pitch, img.w * 4, img.h));
    CHECK(cudaMemcpy2D(pitched, pitch, img.v.data(), img.w * 4, img.w * 4, img.h,
                       cudaMemcpyHostToDevice));
    cudaResourceDesc ra = {}, rp = {};
    ra.resType = cudaResourceTypeArray;
    ra.res.array.array = arr;
    rp.resType = cudaResourceTypePitch2D;
    rp.res.pitch2D.devPtr = pitched;
    rp.res.pitch2D.desc = d;
    rp.res.pitch2D.width = img.w;
    rp.res.pitch2D.height = img.h;
    rp.res.pitch2D.pitchInBytes = pitch;

    // coordinates in sixteenths of a texel, from well before to well after the texture
    std::vector<float2> c;
    for (int k = 0; k < 400; k++)
        c.push_back(make_float2((float)(k * 7 % 640 - 160) / 16.0f, (float)(k * 3 % 320 - 80) / 16.0f));
    const int n = (int)c.size();
    float2 *dc = upload(c), *dcn;
    std::vector<float2> cn(c);
    for (auto &p : cn) {
        p.x /= img.w; // exact: sizes are powers of two
        p.y /= img.h;
    }
    dcn = upload(cn);
    float *dout;
    CHECK(cudaMalloc(&dout, n * sizeof(float)));
    const cudaTextureAddressMode modes[] = {cudaAddressModeWrap, cudaAddressModeClamp,
                                            cudaAddressModeMirror, cudaAddressModeBorder};
    for (const cudaResourceDesc *res : {&ra, &rp})
        for (cudaTextureAddressMode m : modes)
            for (int linear = 0; linear < 2; linear++)
                for (int norm = 0; norm < 2; norm++) {
                    cudaTextureObject_t t = make(*res, m, linear ? cudaFilterModeLinear
                                                                 : cudaFilterModePoint, norm);
                    k2d<<<(n + 127) / 128, 128>>>(t, norm ? dcn : dc, dout, n);
                    CHECK(cudaGetLastError());
                    std::vector<float> out = download(dout, n);
                    // without normalised coordinates, wrap and mirror become clamp
                    cudaTextureAddressMode eff =
                        !norm && m != cudaAddressModeBorder ? cudaAddressModeClamp : m;
                    for (int i = 0; i < n; i++) {
                        const float2 &p = norm ? cn[i] : c[i];
                        expect_close(out[i], img.sample(p.x, p.y, norm, linear, eff), "tex2D",
                                     i);
                    }
                    CHECK(cudaDestroyTextureObject(t));
                }
    CHECK(cudaFreeArray(arr));
    CHECK(cudaFree(pitched));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dcn));
    CHECK(cudaFree(dout));
}

static void formats_and_linear_memory()
{
    // tex1Dfetch: the element at an integer index, zero outside
    std::vector<float> lin(100);
    for (int i = 0; i < 100; i++)
        lin[i] = 0.5f * i;
    float *dlin = upload(lin);
    cudaResourceDesc rl = {};
    rl.resType = cudaResourceTypeLinear;
    rl.res.linear.devPtr = dlin;
    rl.res.linear.desc = cudaCreateChannelDesc<float>();
    rl.res.linear.sizeInBytes = 100 * 4;
    cudaTextureObject_t t = make(rl, cudaAddressModeClamp, cudaFilterModePoint, false);
    std::vector<int> idx = {0, 1, 50, 99, 100, -1, 1000};
    int *didx = upload(idx);
    float *dout;
    CHECK(cudaMalloc(&dout, 64 * sizeof(float4)));
    kfetch<<<1, 32>>>(t, didx, dout, (int)idx.size());
    std::vector<float> out = download(dout, idx.size());
    for (size_t i = 0; i < idx.size(); i++)
        expect_close(out[i], idx[i] >= 0 && idx[i] < 100 ? 0.5 * idx[i] : 0.0, "tex1Dfetch",
                     (int)i);
    CHECK(cudaDestroyTextureObject(t));

    // 8-bit colours read as normalised floats
    std::vector<uchar4> col(4 * 4);
    for (int i = 0; i < 16; i++)
        col[i] = make_uchar4((unsigned char)(i * 16), (unsigned char)(255 - i), 0, 255);
    cudaChannelFormatDesc d4 = cudaCreateChannelDesc<uchar4>();
    cudaArray_t a4;
    CHECK(cudaMallocArray(&a4, &d4, 4, 4, cudaArrayTextureGather));
    CHECK(cudaMemcpy2DToArray(a4, 0, 0, col.data(), 16, 16, 4, cudaMemcpyHostToDevice));
    cudaResourceDesc r4 = {};
    r4.resType = cudaResourceTypeArray;
    r4.res.array.array = a4;
    t = make(r4, cudaAddressModeClamp, cudaFilterModePoint, false, cudaReadModeNormalizedFloat);
    std::vector<float2> c;
    for (int i = 0; i < 16; i++)
        c.push_back(make_float2(i % 4 + 0.5f, i / 4 + 0.5f));
    float2 *dc = upload(c);
    float4 *dout4 = (float4 *)dout;
    k2d4<<<1, 16>>>(t, dc, dout4, 16);
    std::vector<float4> o4 = download(dout4, 16);
    for (int i = 0; i < 16; i++) {
        expect_close(o4[i].x, i * 16 / 255.0, "uchar4.x", i);
        expect_close(o4[i].y, (255 - i) / 255.0, "uchar4.y", i);
        expect_close(o4[i].w, 1.0, "uchar4.w", i);
    }
    CHECK(cudaDestroyTextureObject(t));

    // signed 16-bit integers read as themselves
    std::vector<short> sv(16);
    for (int i = 0; i < 16; i++)
        sv[i] = (short)(i * 1000 - 8000);
    cudaChannelFormatDesc ds = cudaCreateChannelDesc<short>();
    cudaArray_t as;
    CHECK(cudaMallocArray(&as, &ds, 4, 4));
    CHECK(cudaMemcpy2DToArray(as, 0, 0, sv.data(), 8, 8, 4, cudaMemcpyHostToDevice));
    cudaResourceDesc rs = {};
    rs.resType = cudaResourceTypeArray;
    rs.res.array.array = as;
    t = make(rs, cudaAddressModeClamp, cudaFilterModePoint, false);
    k2di<<<1, 16>>>(t, dc, (int *)dout, 16);
    std::vector<int> oi = download((int *)dout, 16);
    for (int i = 0; i < 16; i++)
        EXPECT_EQ_LL(oi[i], sv[i]);
    CHECK(cudaDestroyTextureObject(t));

    // tex2Dgather: component 1 of the four texels around the point, lower left first
    t = make(r4, cudaAddressModeClamp, cudaFilterModePoint, false, cudaReadModeNormalizedFloat);
    std::vector<float2> gc = {make_float2(1.6f, 1.6f), make_float2(0.2f, 0.2f)};
    float2 *dgc = upload(gc);
    kgather<<<1, 2>>>(t, dgc, dout4, 2);
    o4 = download(dout4, 2);
    auto g = [&](int x, int y) {
        x = x < 0 ? 0 : x > 3 ? 3 : x;
        y = y < 0 ? 0 : y > 3 ? 3 : y;
        return (255 - (y * 4 + x)) / 255.0;
    };
    expect_close(o4[0].x, g(1, 2), "gather", 0);
    expect_close(o4[0].y, g(2, 2), "gather", 1);
    expect_close(o4[0].z, g(2, 1), "gather", 2);
    expect_close(o4[0].w, g(1, 1), "gather", 3);
    expect_close(o4[1].x, g(-1, 0), "gather", 4);
    expect_close(o4[1].y, g(0, 0), "gather", 5);
    CHECK(cudaDestroyTextureObject(t));

    CHECK(cudaFreeArray(a4));
    CHECK(cudaFreeArray(as));
    CHECK(cudaFree(dlin));
    CHECK(cudaFree(didx));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dgc));
    CHECK(cudaFree(dout));
}

static void volumes_layers_cubes_levels()
{
    cudaChannelFormatDesc d = cudaCreateChannelDesc<float>();
    float4 *dc;
    float *dout;
    CHECK(cudaMalloc(&dc, 256 * sizeof(float4)));
    CHECK(cudaMalloc(&dout, 256 * sizeof(float)));

    // tex3D, trilinear, clamp, texel coordinates: v = x + 10y + 100z
    const int n3 = 4;
    std::vector<float> vol(n3 * n3 * n3);
    for (int i = 0; i < n3 * n3 * n3; i++)
        vol[i] = (float)(i % 4 + 10 * (i / 4 % 4) + 100 * (i / 16));
    cudaArray_t a3;
    CHECK(cudaMalloc3DArray(&a3, &d, make_cudaExtent(n3, n3, n3), 0));
    cudaMemcpy3DParms p = {};
    p.srcPtr = make_cudaPitchedPtr(vol.data(), n3 * 4, n3, n3);
    p.dstArray = a3;
    p.extent = make_cudaExtent(n3, n3, n3);
    p.kind = cudaMemcpyHostToDevice;
    CHECK(cudaMemcpy3D(&p));
    cudaResourceDesc r = {};
    r.resType = cudaResourceTypeArray;
    r.res.array.array = a3;
    cudaTextureObject_t t = make(r, cudaAddressModeClamp, cudaFilterModeLinear, false);
    // inside the volume the values are linear in each coordinate, so trilinear filtering
    // reproduces x + 10y + 100z at x - 0.5 etc. (clamped at the edges)
    std::vector<float4> c;
    for (int k = 0; k < 64; k++)
        c.push_back(make_float4(0.5f + (k % 7) * 0.5f, 0.5f + (k % 5) * 0.75f,
                                0.5f + (k % 3) * 1.25f, 0));
    CHECK(cudaMemcpy(dc, c.data(), c.size() * sizeof(float4), cudaMemcpyHostToDevice));
    k3d<<<1, 64>>>(t, dc, dout, 64);
    std::vector<float> out = download(dout, 64);
    auto cl = [](double v) { return v < 0 ? 0 : v > 3 ? 3 : v; };
    for (int k = 0; k < 64; k++)
        expect_close(out[k], cl(c[k].x - 0.5) + 10 * cl(c[k].y - 0.5) + 100 * cl(c[k].z - 0.5),
                     "tex3D", k);
    CHECK(cudaDestroyTextureObject(t));

    // tex2DLayered: each layer its own image; the layer index is not filtered
    cudaArray_t al;
    CHECK(cudaMalloc3DArray(&al, &d, make_cudaExtent(4, 4, 3), cudaArrayLayered));
    p.dstArray = al;
    p.extent = make_cudaExtent(4, 4, 3);
    CHECK(cudaMemcpy3D(&p));
    r.res.array.array = al;
    t = make(r, cudaAddressModeClamp, cudaFilterModePoint, false);
    c.clear();
    for (int k = 0; k < 12; k++)
        c.push_back(make_float4(k % 4 + 0.5f, (k * 3) % 4 + 0.5f, 0, (float)(k % 3)));
    CHECK(cudaMemcpy(dc, c.data(), c.size() * sizeof(float4), cudaMemcpyHostToDevice));
    klayered<<<1, 12>>>(t, dc, dout, 12);
    out = download(dout, 12);
    for (int k = 0; k < 12; k++)
        expect_close(out[k], k % 4 + 10 * ((k * 3) % 4) + 100 * (k % 3), "tex2DLayered", k);
    CHECK(cudaDestroyTextureObject(t));

    // texCubemap: face f holds 1000 f + x + 10 y; the major axis of the direction picks it
    std::vector<float> faces(6 * 16);
    for (int i = 0; i < 96; i++)
        faces[i] = (float)(1000 * (i / 16) + i % 4 + 10 * (i / 4 % 4));
    cudaArray_t ac;
    CHECK(cudaMalloc3DArray(&ac, &d, make_cudaExtent(4, 4, 6), cudaArrayCubemap));
    p.srcPtr = make_cudaPitchedPtr(faces.data(), 16, 4, 4);
    p.dstArray = ac;
    p.extent = make_cudaExtent(4, 4, 6);
    CHECK(cudaMemcpy3D(&p));
    r.res.array.array = ac;
    t = make(r, cudaAddressModeClamp, cudaFilterModePoint, true);
    // +x, -x, +y, -y, +z, -z, each off centre; expected (face, i, j) from NVIDIA's table
    c = {make_float4(1, -0.6f, 0.3f, 0),  make_float4(-1, 0.6f, 0.3f, 0),
         make_float4(0.3f, 1, -0.6f, 0),  make_float4(0.3f, -1, -0.6f, 0),
         make_float4(-0.6f, 0.3f, 1, 0),  make_float4(-0.6f, 0.3f, -1, 0)};
    const int want[6][3] = {{0, 1, 3}, {1, 2, 0}, {2, 2, 0}, {3, 2, 3}, {4, 0, 1}, {5, 3, 1}};
    CHECK(cudaMemcpy(dc, c.data(), c.size() * sizeof(float4), cudaMemcpyHostToDevice));
    kcube<<<1, 6>>>(t, dc, dout, 6);
    out = download(dout, 6);
    for (int k = 0; k < 6; k++)
        expect_close(out[k], 1000 * want[k][0] + want[k][1] + 10 * want[k][2], "texCubemap", k);
    CHECK(cudaDestroyTextureObject(t));

    // tex2DLod: level l of a mipmapped array holds l + 1 everywhere
    cudaMipmappedArray_t mm;
    CHECK(cudaMallocMipmappedArray(&mm, &d, make_cudaExtent(8, 8, 0), 4, 0));
    for (unsigned l = 0; l < 4; l++) {
        cudaArray_t level;
        CHECK(cudaGetMipmappedArrayLevel(&level, mm, l));
        size_t n = 8u >> l;
        std::vector<float> v(n * n, (float)(l + 1));
        CHECK(cudaMemcpy2DToArray(level, 0, 0, v.data(), n * 4, n * 4, n,
                                  cudaMemcpyHostToDevice));
    }
    cudaResourceDesc rm = {};
    rm.resType = cudaResourceTypeMipmappedArray;
    rm.res.mipmap.mipmap = mm;
    t = make(rm, cudaAddressModeClamp, cudaFilterModePoint, true);
    const float lods[] = {0.0f, 0.4f, 0.6f, 1.0f, 2.2f, 3.0f, 7.0f, -1.0f};
    const float levels[] = {1, 1, 2, 2, 3, 4, 4, 1};
    c.clear();
    for (float lod : lods)
        c.push_back(make_float4(0.3f, 0.7f, lod, 0));
    CHECK(cudaMemcpy(dc, c.data(), c.size() * sizeof(float4), cudaMemcpyHostToDevice));
    klod<<<1, 8>>>(t, dc, dout, 8);
    out = download(dout, 8);
    for (int k = 0; k < 8; k++)
        expect_close(out[k], levels[k], "tex2DLod", k);
    CHECK(cudaDestroyTextureObject(t));

    CHECK(cudaFreeMipmappedArray(mm));
    CHECK(cudaFreeArray(a3));
    CHECK(cudaFreeArray(al));
    CHECK(cudaFreeArray(ac));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dout));
}

int main()
{
    sampled_2d();
    formats_and_linear_memory();
    volumes_layers_cubes_levels();
    CHECK(cudaDeviceSynchronize());
    EXPECT(g_checked > 6000);
    return finish("texture_sampling");
}
