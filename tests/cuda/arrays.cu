// CUDA arrays (issue 6): allocation of every shape NVIDIA documents (1-D, 2-D, 3-D, layered,
// cubemap, cubemap layered, mipmapped), what cudaArrayGetInfo and cudaGetChannelDesc report,
// every copy to, from and between arrays checked against host-side copies (offsets, pitches,
// the 1-D forms that run across rows, cudaMemcpy3D with positions in elements, streams, stream
// capture and graph copy nodes), and the exact errors for bad shapes, bad regions, bad kinds and
// freed or foreign handles.
#include <vector>
#include "common.h"

// cudaMemcpyToArray and friends are deprecated, and still exported and used: test them quietly.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static cudaChannelFormatDesc f32() { return cudaCreateChannelDesc<float>(); }

static std::vector<float> pattern(size_t n, float seed)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; i++)
        v[i] = seed + (float)i * 0.5f;
    return v;
}

static void shapes_and_info()
{
    cudaChannelFormatDesc d = f32();
    cudaArray_t a;
    cudaExtent e;
    unsigned flags;
    cudaChannelFormatDesc got;

    CHECK(cudaMallocArray(&a, &d, 100, 0));
    CHECK(cudaArrayGetInfo(&got, &e, &flags, a));
    EXPECT(got.x == 32 && got.y == 0 && got.f == cudaChannelFormatKindFloat);
    EXPECT(e.width == 100 && e.height == 0 && e.depth == 0 && flags == 0);
    CHECK(cudaFreeArray(a));

    cudaChannelFormatDesc c4 = cudaCreateChannelDesc<uchar4>();
    CHECK(cudaMallocArray(&a, &c4, 64, 32, cudaArraySurfaceLoadStore));
    CHECK(cudaGetChannelDesc(&got, a));
    EXPECT(got.x == 8 && got.y == 8 && got.z == 8 && got.w == 8);
    EXPECT(got.f == cudaChannelFormatKindUnsigned);
    CHECK(cudaArrayGetInfo(nullptr, &e, &flags, a)); // any output may be NULL
    EXPECT(e.width == 64 && e.height == 32 && e.depth == 0 && flags == cudaArraySurfaceLoadStore);
    CHECK(cudaFreeArray(a));

    struct {
        cudaExtent extent;
        unsigned flags;
    } good[] = {
        {make_cudaExtent(16, 8, 4), 0},                                  // 3-D
        {make_cudaExtent(16, 0, 5), cudaArrayLayered},                   // 1-D layered
        {make_cudaExtent(16, 8, 3), cudaArrayLayered},                   // 2-D layered
        {make_cudaExtent(8, 8, 6), cudaArrayCubemap},                    // cubemap
        {make_cudaExtent(8, 8, 12), cudaArrayCubemap | cudaArrayLayered}, // two cubemaps
        {make_cudaExtent(8, 8, 0), cudaArrayTextureGather},              // 2-D for tld4
    };
    for (auto &g : good) {
        CHECK(cudaMalloc3DArray(&a, &d, g.extent, g.flags));
        CHECK(cudaArrayGetInfo(nullptr, &e, &flags, a));
        EXPECT(e.width == g.extent.width && e.height == g.extent.height &&
               e.depth == g.extent.depth && flags == g.flags);
        CHECK(cudaFreeArray(a));
    }

    // Shapes no device has, and descriptors no array has.
    EXPECT_ERR(cudaMallocArray(nullptr, &d, 4, 4), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMallocArray(&a, nullptr, 4, 4), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMallocArray(&a, &d, 0, 4), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMalloc3DArray(&a, &d, make_cudaExtent(4, 0, 3), 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMalloc3DArray(&a, &d, make_cudaExtent(8, 4, 6), cudaArrayCubemap),
               cudaErrorInvalidValue); // faces must be square
    EXPECT_ERR(cudaMalloc3DArray(&a, &d, make_cudaExtent(8, 8, 5), cudaArrayCubemap),
               cudaErrorInvalidValue); // and six of them
    EXPECT_ERR(cudaMalloc3DArray(&a, &d, make_cudaExtent(8, 8, 0), cudaArrayLayered),
               cudaErrorInvalidValue); // layers need a depth
    EXPECT_ERR(cudaMalloc3DArray(&a, &d, make_cudaExtent(8, 8, 8), cudaArrayTextureGather),
               cudaErrorInvalidValue); // gather is for 2-D arrays
    EXPECT_ERR(cudaMallocArray(&a, &d, 4, 4, 0x1000), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMallocArray(&a, &d, 4, 4, cudaArrayLayered), cudaErrorInvalidValue);
    int max1d = 0;
    CHECK(cudaDeviceGetAttribute(&max1d, cudaDevAttrMaxTexture1DWidth, 0));
    EXPECT_ERR(cudaMallocArray(&a, &d, (size_t)max1d + 1, 0), cudaErrorInvalidValue);
    cudaChannelFormatDesc three = cudaCreateChannelDesc(32, 32, 32, 0, cudaChannelFormatKindFloat);
    EXPECT_ERR(cudaMallocArray(&a, &three, 4, 4), cudaErrorInvalidChannelDescriptor);
    cudaChannelFormatDesc odd = cudaCreateChannelDesc(8, 16, 0, 0, cudaChannelFormatKindSigned);
    EXPECT_ERR(cudaMallocArray(&a, &odd, 4, 4), cudaErrorInvalidChannelDescriptor);
    cudaChannelFormatDesc f8 = cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindFloat);
    EXPECT_ERR(cudaMallocArray(&a, &f8, 4, 4), cudaErrorInvalidChannelDescriptor);
    cudaChannelFormatDesc unorm_wrong =
        cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindUnsignedNormalized8X4);
    EXPECT_ERR(cudaMallocArray(&a, &unorm_wrong, 4, 4), cudaErrorInvalidChannelDescriptor);
    cudaChannelFormatDesc unorm =
        cudaCreateChannelDesc(8, 8, 8, 8, cudaChannelFormatKindUnsignedNormalized8X4);
    CHECK(cudaMallocArray(&a, &unorm, 4, 4));
    CHECK(cudaFreeArray(a));
    // Arrays without backing memory need cuMemMapArrayAsync, which this runtime lacks.
    EXPECT_ERR(cudaMallocArray(&a, &d, 64, 64, cudaArraySparse), cudaErrorNotSupported);
    EXPECT_ERR(cudaMallocArray(&a, &d, 64, 64, cudaArrayDeferredMapping), cudaErrorNotSupported);

    // Queries NVIDIA answers only for such arrays, and planes for multi-planar formats.
    CHECK(cudaMallocArray(&a, &d, 8, 8));
    cudaArrayMemoryRequirements req;
    cudaArraySparseProperties sp;
    cudaArray_t plane;
    EXPECT_ERR(cudaArrayGetMemoryRequirements(&req, a, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaArrayGetMemoryRequirements(&req, a, 99), cudaErrorInvalidDevice);
    EXPECT_ERR(cudaArrayGetSparseProperties(&sp, a), cudaErrorInvalidValue);
    EXPECT_ERR(cudaArrayGetPlane(&plane, a, 0), cudaErrorInvalidValue);
    CHECK(cudaFreeArray(a));
    EXPECT_ERR(cudaArrayGetPlane(&plane, a, 0), cudaErrorInvalidResourceHandle);

    // Freed, foreign and NULL handles.
    CHECK(cudaFreeArray(nullptr));
    EXPECT_ERR(cudaFreeArray(a), cudaErrorInvalidValue);
    EXPECT_ERR(cudaArrayGetInfo(&got, &e, &flags, a), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetChannelDesc(&got, a), cudaErrorInvalidValue);
    int not_an_array = 0;
    EXPECT_ERR(cudaFreeArray((cudaArray_t)&not_an_array), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetChannelDesc(&got, (cudaArray_t)&not_an_array), cudaErrorInvalidValue);
}

static void copies_2d_and_1d()
{
    cudaChannelFormatDesc d = f32();
    const size_t w = 37, h = 11;
    cudaArray_t a, b;
    CHECK(cudaMallocArray(&a, &d, w, h));
    CHECK(cudaMallocArray(&b, &d, w, h));
    std::vector<float> img = pattern(w * h, 1.0f), out(w * h, -1.0f);

    // Whole array, tightly packed host rows.
    CHECK(cudaMemcpy2DToArray(a, 0, 0, img.data(), w * 4, w * 4, h, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, a, 0, 0, w * 4, h, cudaMemcpyDeviceToHost));
    EXPECT(out == img);

    // A sub-rectangle at an offset (in bytes and rows), from pitched host rows.
    const size_t sw = 5, sh = 3, x0 = 7, y0 = 4, spitch = 64 * 4;
    std::vector<float> src(64 * sh);
    for (size_t i = 0; i < src.size(); i++)
        src[i] = 1000.0f + (float)i;
    CHECK(cudaMemcpy2DToArray(a, x0 * 4, y0, src.data(), spitch, sw * 4, sh,
                              cudaMemcpyHostToDevice));
    for (size_t y = 0; y < sh; y++)
        for (size_t x = 0; x < sw; x++)
            img[(y0 + y) * w + x0 + x] = src[y * 64 + x];
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, a, 0, 0, w * 4, h, cudaMemcpyDefault));
    EXPECT(out == img);

    // Between arrays, and through device memory, with a corrected kind (an array is never on
    // the host, whatever the kind says).
    CHECK(cudaMemcpy2DArrayToArray(b, 0, 0, a, 0, 0, w * 4, h, cudaMemcpyDeviceToDevice));
    float *dev;
    CHECK(cudaMalloc(&dev, w * h * 4));
    CHECK(cudaMemcpy2DFromArray(dev, w * 4, b, 0, 0, w * 4, h, cudaMemcpyDeviceToDevice));
    std::fill(out.begin(), out.end(), 0.0f);
    CHECK(cudaMemcpy(out.data(), dev, w * h * 4, cudaMemcpyDeviceToHost));
    EXPECT(out == img);
    std::fill(out.begin(), out.end(), 0.0f);
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, b, 0, 0, w * 4, h, cudaMemcpyHostToHost));
    EXPECT(out == img);

    // The deprecated 1-D forms run on into the following rows.
    std::vector<float> run = pattern(w + 10, 500.0f), back(w + 10);
    CHECK(cudaMemcpyToArray(a, 3 * 4, 2, run.data(), run.size() * 4, cudaMemcpyHostToDevice));
    for (size_t i = 0; i < run.size(); i++)
        img[2 * w + 3 + i] = run[i];
    CHECK(cudaMemcpyFromArray(back.data(), a, 3 * 4, 2, back.size() * 4, cudaMemcpyDeviceToHost));
    EXPECT(back == run);
    CHECK(cudaMemcpyArrayToArray(b, 0, 0, a, 0, 0, w * h * 4, cudaMemcpyDeviceToDevice));
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, b, 0, 0, w * 4, h, cudaMemcpyDeviceToHost));
    EXPECT(out == img);

    // Regions outside the array, pitches narrower than rows, directions that do not exist.
    EXPECT_ERR(cudaMemcpy2DToArray(a, 4, 0, img.data(), w * 4, w * 4, 1, cudaMemcpyHostToDevice),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2DToArray(a, 0, 1, img.data(), w * 4, w * 4, h, cudaMemcpyHostToDevice),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2DFromArray(out.data(), 8, a, 0, 0, 16, 2, cudaMemcpyDeviceToHost),
               cudaErrorInvalidPitchValue);
    EXPECT_ERR(cudaMemcpy2DToArray(a, 0, 0, img.data(), w * 4, w * 4, h, (cudaMemcpyKind)7),
               cudaErrorInvalidMemcpyDirection);
    EXPECT_ERR(cudaMemcpyToArray(a, 0, h - 1, run.data(), w * 4 + 4, cudaMemcpyHostToDevice),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2DArrayToArray(b, 4, 0, a, 0, 0, w * 4, 1, cudaMemcpyDeviceToDevice),
               cudaErrorInvalidValue);
    // A device pointer that runs past its allocation on the other side.
    EXPECT_ERR(cudaMemcpy2DFromArray(dev + 1, w * 4, a, 0, 0, w * 4, h, cudaMemcpyDeviceToDevice),
               cudaErrorInvalidValue);

    // Asynchronous forms on a stream.
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    float *pinned;
    CHECK(cudaMallocHost(&pinned, w * h * 4));
    for (size_t i = 0; i < w * h; i++)
        pinned[i] = -(float)i;
    CHECK(cudaMemcpy2DToArrayAsync(a, 0, 0, pinned, w * 4, w * 4, h, cudaMemcpyHostToDevice, s));
    CHECK(cudaMemcpyToArrayAsync(b, 0, 0, pinned, 8, cudaMemcpyHostToDevice, s));
    std::vector<float> out2(w * h);
    CHECK(cudaMemcpy2DFromArrayAsync(out.data(), w * 4, a, 0, 0, w * 4, h,
                                     cudaMemcpyDeviceToHost, s));
    CHECK(cudaMemcpyFromArrayAsync(out2.data(), b, 0, 0, 8, cudaMemcpyDeviceToHost, s));
    CHECK(cudaStreamSynchronize(s));
    bool same = true;
    for (size_t i = 0; i < w * h; i++)
        same = same && out[i] == -(float)i;
    EXPECT(same && out2[0] == 0.0f && out2[1] == -1.0f);

    // Stream capture records array copies as graph copy nodes.
    cudaGraph_t g;
    cudaGraphExec_t ge;
    for (size_t i = 0; i < w * h; i++)
        pinned[i] = 3.0f * (float)i;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemcpy2DToArrayAsync(b, 0, 0, pinned, w * 4, w * 4, h, cudaMemcpyHostToDevice, s));
    CHECK(cudaStreamEndCapture(s, &g));
    size_t nodes = 0;
    CHECK(cudaGraphGetNodes(g, nullptr, &nodes));
    EXPECT_EQ_LL(nodes, 1);
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy2DFromArray(out.data(), w * 4, b, 0, 0, w * 4, h, cudaMemcpyDeviceToHost));
    same = true;
    for (size_t i = 0; i < w * h; i++)
        same = same && out[i] == 3.0f * (float)i;
    EXPECT(same);
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFreeHost(pinned));

    // A freed array is an invalid handle for every copy.
    CHECK(cudaFreeArray(b));
    EXPECT_ERR(cudaMemcpy2DToArray(b, 0, 0, img.data(), w * 4, w * 4, h, cudaMemcpyHostToDevice),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpyFromArray(out.data(), b, 0, 0, 4, cudaMemcpyDeviceToHost),
               cudaErrorInvalidValue);
    CHECK(cudaFreeArray(a));
    CHECK(cudaFree(dev));
}

static void copies_3d()
{
    cudaChannelFormatDesc d = cudaCreateChannelDesc<float2>(); // 8-byte elements
    const size_t w = 6, h = 5, depth = 4;
    cudaArray_t a, b;
    CHECK(cudaMalloc3DArray(&a, &d, make_cudaExtent(w, h, depth), 0));
    CHECK(cudaMalloc3DArray(&b, &d, make_cudaExtent(w, h, depth), cudaArrayLayered));
    std::vector<float> vol = pattern(w * h * depth * 2, 2.0f), out(vol.size(), 0.0f);

    cudaMemcpy3DParms p = {};
    p.srcPtr = make_cudaPitchedPtr(vol.data(), w * 8, w, h);
    p.dstArray = a;
    p.extent = make_cudaExtent(w, h, depth); // elements of the array
    p.kind = cudaMemcpyHostToDevice;
    CHECK(cudaMemcpy3D(&p));
    cudaMemcpy3DParms q = {};
    q.srcArray = a;
    q.dstPtr = make_cudaPitchedPtr(out.data(), w * 8, w, h);
    q.extent = p.extent;
    q.kind = cudaMemcpyDeviceToHost;
    CHECK(cudaMemcpy3D(&q));
    EXPECT(out == vol);

    // A box at positions in elements (array) and bytes (pointer): 2x2x2 from (3,1,2) of a to
    // (1,2,0) of b (zeroed first), then all of b back through device memory.
    std::vector<float> zeros(vol.size(), 0.0f);
    cudaMemcpy3DParms z = p;
    z.srcPtr = make_cudaPitchedPtr(zeros.data(), w * 8, w, h);
    z.dstArray = b;
    CHECK(cudaMemcpy3D(&z));
    cudaMemcpy3DParms r = {};
    r.srcArray = a;
    r.srcPos = make_cudaPos(3, 1, 2);
    r.dstArray = b;
    r.dstPos = make_cudaPos(1, 2, 0);
    r.extent = make_cudaExtent(2, 2, 2);
    r.kind = cudaMemcpyDeviceToDevice;
    CHECK(cudaMemcpy3D(&r));
    cudaPitchedPtr dev;
    CHECK(cudaMalloc3D(&dev, make_cudaExtent(w * 8, h, depth)));
    cudaMemcpy3DParms s = {};
    s.srcArray = b;
    s.dstPtr = dev;
    s.extent = make_cudaExtent(w, h, depth);
    s.kind = cudaMemcpyDefault;
    CHECK(cudaMemcpy3D(&s));
    std::vector<float> got(vol.size(), -1.0f);
    cudaMemcpy3DParms t = {};
    t.srcPtr = dev;
    t.dstPtr = make_cudaPitchedPtr(got.data(), w * 8, w, h);
    t.extent = make_cudaExtent(w * 8, h, depth); // bytes: no array here
    t.kind = cudaMemcpyDeviceToHost;
    CHECK(cudaMemcpy3D(&t));
    bool ok = true;
    for (size_t z = 0; z < depth; z++)
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                bool in_box = x >= 1 && x < 3 && y >= 2 && y < 4 && z < 2;
                for (int c = 0; c < 2; c++) {
                    float want = 0.0f;
                    if (in_box)
                        want = vol[(((z + 2) * h + (y - 2 + 1)) * w + (x - 1 + 3)) * 2 + c];
                    ok = ok && got[((z * h + y) * w + x) * 2 + c] == want;
                }
            }
    EXPECT(ok);

    // The peer form, and an asynchronous one.
    cudaMemcpy3DPeerParms pp = {};
    pp.srcArray = a;
    pp.dstArray = b;
    pp.extent = make_cudaExtent(w, h, depth);
    CHECK(cudaMemcpy3DPeer(&pp));
    std::fill(out.begin(), out.end(), 0.0f);
    q.srcArray = b;
    CHECK(cudaMemcpy3DAsync(&q, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT(out == vol);

    // One source and one destination; equal element sizes; regions inside.
    cudaMemcpy3DParms bad = p;
    bad.dstPtr = make_cudaPitchedPtr(out.data(), w * 8, w, h);
    EXPECT_ERR(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
    cudaArray_t small;
    cudaChannelFormatDesc one = f32();
    CHECK(cudaMalloc3DArray(&small, &one, make_cudaExtent(w, h, depth), 0));
    bad = r;
    bad.dstArray = small;
    EXPECT_ERR(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
    bad = r;
    bad.srcPos = make_cudaPos(5, 0, 0); // 5 + 2 > 6
    EXPECT_ERR(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
    bad = r;
    bad.dstPos = make_cudaPos(0, 0, 3); // 3 + 2 > 4
    EXPECT_ERR(cudaMemcpy3D(&bad), cudaErrorInvalidValue);

    // A graph copy node with an array keeps it, and reports the parameters as given.
    cudaGraph_t g;
    cudaGraphNode_t node;
    CHECK(cudaGraphCreate(&g, 0));
    CHECK(cudaGraphAddMemcpyNode(&node, g, nullptr, 0, &q));
    cudaMemcpy3DParms back = {};
    CHECK(cudaGraphMemcpyNodeGetParams(node, &back));
    EXPECT(back.srcArray == b && back.extent.width == w);
    cudaGraphExec_t ge;
    std::fill(out.begin(), out.end(), 0.0f);
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    CHECK(cudaGraphLaunch(ge, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT(out == vol);
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));

    CHECK(cudaFreeArray(small));
    CHECK(cudaFreeArray(a));
    CHECK(cudaFreeArray(b));
    CHECK(cudaFree(dev.ptr));
}

static void mipmaps()
{
    cudaChannelFormatDesc d = f32();
    cudaMipmappedArray_t m;
    CHECK(cudaMallocMipmappedArray(&m, &d, make_cudaExtent(32, 16, 0), 4, 0));
    for (unsigned l = 0; l < 4; l++) {
        cudaArray_t level;
        CHECK(cudaGetMipmappedArrayLevel(&level, m, l));
        cudaExtent e;
        unsigned flags;
        CHECK(cudaArrayGetInfo(nullptr, &e, &flags, level));
        EXPECT(e.width == (32u >> l) && e.height == (16u >> l) && e.depth == 0);
        // each level is an array copies can use
        std::vector<float> img = pattern(e.width * e.height, (float)l), out(img.size());
        CHECK(cudaMemcpy2DToArray(level, 0, 0, img.data(), e.width * 4, e.width * 4, e.height,
                                  cudaMemcpyHostToDevice));
        CHECK(cudaMemcpy2DFromArray(out.data(), e.width * 4, level, 0, 0, e.width * 4, e.height,
                                    cudaMemcpyDeviceToHost));
        EXPECT(out == img);
        EXPECT_ERR(cudaFreeArray(level), cudaErrorInvalidValue); // freed with its mipmap
    }
    cudaArray_t level;
    EXPECT_ERR(cudaGetMipmappedArrayLevel(&level, m, 4), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetMipmappedArrayLevel(&level, nullptr, 0), cudaErrorInvalidResourceHandle);
    CHECK(cudaGetMipmappedArrayLevel(&level, m, 3));
    cudaArrayMemoryRequirements req;
    EXPECT_ERR(cudaMipmappedArrayGetMemoryRequirements(&req, m, 0), cudaErrorInvalidValue);
    cudaArraySparseProperties sp;
    EXPECT_ERR(cudaMipmappedArrayGetSparseProperties(&sp, m), cudaErrorInvalidValue);
    CHECK(cudaFreeMipmappedArray(m));
    EXPECT_ERR(cudaFreeMipmappedArray(m), cudaErrorInvalidValue);
    EXPECT_ERR(cudaArrayGetInfo(nullptr, nullptr, nullptr, level), cudaErrorInvalidValue);
    CHECK(cudaFreeMipmappedArray(nullptr));

    // 1 + floor(log2(32)) = 6 levels at most; numLevels is clamped into [1, 6] (as NVIDIA
    // documents), so 7 and 64 give 6 levels and 0 gives 1.  3-D mipmaps halve the depth too,
    // layered ones keep their layers.
    for (unsigned asked : {7u, 64u, 0u}) {
        unsigned have = asked == 0 ? 1 : 6;
        CHECK(cudaMallocMipmappedArray(&m, &d, make_cudaExtent(32, 16, 0), asked, 0));
        CHECK(cudaGetMipmappedArrayLevel(&level, m, have - 1));
        cudaExtent last;
        CHECK(cudaArrayGetInfo(nullptr, &last, nullptr, level));
        EXPECT_EQ_LL(last.width, 32u >> (have - 1));
        EXPECT_ERR(cudaGetMipmappedArrayLevel(&level, m, have), cudaErrorInvalidValue);
        CHECK(cudaFreeMipmappedArray(m));
    }
    CHECK(cudaMallocMipmappedArray(&m, &d, make_cudaExtent(8, 8, 8), 4, 0));
    CHECK(cudaGetMipmappedArrayLevel(&level, m, 2));
    cudaExtent e;
    CHECK(cudaArrayGetInfo(nullptr, &e, nullptr, level));
    EXPECT(e.width == 2 && e.height == 2 && e.depth == 2);
    CHECK(cudaFreeMipmappedArray(m));
    CHECK(cudaMallocMipmappedArray(&m, &d, make_cudaExtent(8, 8, 3), 3, cudaArrayLayered));
    CHECK(cudaGetMipmappedArrayLevel(&level, m, 2));
    CHECK(cudaArrayGetInfo(nullptr, &e, nullptr, level));
    EXPECT(e.width == 2 && e.height == 2 && e.depth == 3);
    CHECK(cudaFreeMipmappedArray(m));
}

int main()
{
    size_t free_before, free_after, total;
    CHECK(cudaMemGetInfo(&free_before, &total));
    shapes_and_info();
    copies_2d_and_1d();
    copies_3d();
    mipmaps();
    CHECK(cudaMemGetInfo(&free_after, &total));
    EXPECT_EQ_LL(free_after, free_before); // every array's memory came back
    return finish("arrays");
}
