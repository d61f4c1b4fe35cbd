// abi12.cu - a CUDA 12 program for libcudart.so.12: built by a CUDA 12 toolchain (see README.md
// here), it imports CUDA 12's symbols and ABI, and checks the calls whose ABI CUDA 13 changed or
// removed: device properties (CUDA 12 layout, both versions), managed-memory hints by device
// number, pointer attributes, graph edges without edge data, child-graph parameters, capture
// queries, the cudaThread* calls, the multi-device cooperative launch, and kernels.
// Prints "abi12: PASS" and exits 0 when every check holds.
#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>

// The unversioned CUDA 12 symbols the header's macros route around: CUDA 12 still exports them
// for programs built before their _v2.
extern "C" cudaError_t legacy_cudaGetDeviceProperties(cudaDeviceProp *, int)
    __asm__("cudaGetDeviceProperties");
extern "C" cudaError_t legacy_cudaStreamGetCaptureInfo(cudaStream_t, cudaStreamCaptureStatus *,
                                                       unsigned long long *)
    __asm__("cudaStreamGetCaptureInfo");

static int failures;
#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            printf("abi12: FAIL line %d: %s\n", __LINE__, #cond);                                \
            failures++;                                                                          \
        }                                                                                        \
    } while (0)
#define OK(call) CHECK((call) == cudaSuccess)

__global__ void add_one(int *data, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        data[i] += 1;
}

static bool untouched(const unsigned char *p, size_t n, unsigned char fill)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != fill)
            return false;
    return true;
}

static void device_properties()
{
    int version = 0;
    OK(cudaRuntimeGetVersion(&version));
    CHECK(version / 1000 == 12);

    // _v2 (what the header's cudaGetDeviceProperties means) writes up to the reserved space.
    static cudaDeviceProp prop;
    memset(&prop, 0xAB, sizeof prop);
    OK(cudaGetDeviceProperties(&prop, 0));
    int value = 0;
    CHECK(prop.name[0] != '\0' && prop.warpSize == 32 && prop.major >= 1);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrMultiProcessorCount, 0));
    CHECK(prop.multiProcessorCount == value);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrClockRate, 0));
    CHECK(prop.clockRate == value && value > 0);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrMemoryClockRate, 0));
    CHECK(prop.memoryClockRate == value);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrComputeMode, 0));
    CHECK(prop.computeMode == value);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrMaxThreadsPerMultiProcessor, 0));
    CHECK(prop.maxThreadsPerMultiProcessor == value);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrCooperativeMultiDeviceLaunch, 0));
    CHECK(prop.cooperativeMultiDeviceLaunch == value);
    OK(cudaDeviceGetAttribute(&value, cudaDevAttrClusterLaunch, 0));
    CHECK(prop.clusterLaunch == value);
    CHECK(untouched((const unsigned char *)prop.reserved, sizeof prop.reserved, 0xAB));

    // The unversioned symbol writes only the older layout, which ends at hostRegisterSupported.
    static cudaDeviceProp legacy;
    memset(&legacy, 0xCD, sizeof legacy);
    OK(legacy_cudaGetDeviceProperties(&legacy, 0));
    size_t legacy_bytes = offsetof(cudaDeviceProp, hostRegisterSupported);
    CHECK(memcmp(&legacy, &prop, legacy_bytes) == 0);
    CHECK(untouched((const unsigned char *)&legacy + legacy_bytes, sizeof legacy - legacy_bytes,
                    0xCD));

    int chosen = -1;
    OK(cudaChooseDevice(&chosen, &prop));
    CHECK(chosen == 0);
}

static void managed_memory(cudaStream_t stream)
{
    const int n = 1000;
    int *data = nullptr;
    OK(cudaMallocManaged(&data, n * sizeof(int)));
    if (data == nullptr)
        return;
    for (int i = 0; i < n; i++)
        data[i] = i;
    OK(cudaMemAdvise(data, n * sizeof(int), cudaMemAdviseSetPreferredLocation, 0));
    OK(cudaMemAdvise(data, n * sizeof(int), cudaMemAdviseSetAccessedBy, cudaCpuDeviceId));
    cudaMemLocation device0 = {cudaMemLocationTypeDevice, 0};
    OK(cudaMemAdvise_v2(data, n * sizeof(int), cudaMemAdviseSetReadMostly, device0));
    OK(cudaMemPrefetchAsync(data, n * sizeof(int), 0, stream));
    OK(cudaMemPrefetchAsync_v2(data, n * sizeof(int), device0, 0, stream));
    add_one<<<(n + 127) / 128, 128, 0, stream>>>(data, n);
    OK(cudaGetLastError());
    OK(cudaMemPrefetchAsync(data, n * sizeof(int), cudaCpuDeviceId, stream));
    OK(cudaStreamSynchronize(stream));
    OK(cudaThreadSynchronize());
    bool right = true;
    for (int i = 0; i < n; i++)
        right = right && data[i] == i + 1;
    CHECK(right);

    // CUDA 12's struct ends before CUDA 13's reserved space: nothing past it may be written.
    struct {
        cudaPointerAttributes attributes;
        unsigned char guard[96];
    } probe;
    memset(&probe, 0xEE, sizeof probe);
    OK(cudaPointerGetAttributes(&probe.attributes, data));
    CHECK(probe.attributes.type == cudaMemoryTypeManaged && probe.attributes.device == 0);
    CHECK(untouched(probe.guard, sizeof probe.guard, 0xEE));
    OK(cudaFree(data));
}

static void graph_edges(cudaStream_t stream)
{
    cudaGraph_t graph;
    cudaGraphNode_t a, b, c;
    OK(cudaGraphCreate(&graph, 0));
    OK(cudaGraphAddEmptyNode(&a, graph, nullptr, 0));
    OK(cudaGraphAddEmptyNode(&b, graph, nullptr, 0));
    OK(cudaGraphAddEmptyNode(&c, graph, nullptr, 0));
    OK(cudaGraphAddDependencies(graph, &a, &b, 1));
    cudaGraphEdgeData plain = {};
    OK(cudaGraphAddDependencies_v2(graph, &b, &c, &plain, 1));

    cudaGraphNode_t from[4], to[4];
    size_t edges = 0;
    OK(cudaGraphGetEdges(graph, nullptr, nullptr, &edges));
    CHECK(edges == 2);
    edges = 4;
    OK(cudaGraphGetEdges(graph, from, to, &edges));
    CHECK(edges == 2);
    cudaGraphEdgeData data[4];
    edges = 4;
    OK(cudaGraphGetEdges_v2(graph, from, to, data, &edges));
    CHECK(edges == 2 && data[0].type == cudaGraphDependencyTypeDefault);

    cudaGraphNode_t found[2];
    size_t count = 2;
    OK(cudaGraphNodeGetDependencies(b, found, &count));
    CHECK(count == 1 && found[0] == a);
    count = 2;
    OK(cudaGraphNodeGetDependentNodes(b, found, &count));
    CHECK(count == 1 && found[0] == c);
    count = 2;
    OK(cudaGraphNodeGetDependencies_v2(c, found, data, &count));
    CHECK(count == 1 && found[0] == b);
    count = 2;
    OK(cudaGraphNodeGetDependentNodes_v2(a, found, data, &count));
    CHECK(count == 1 && found[0] == b);

    OK(cudaGraphRemoveDependencies(graph, &a, &b, 1));
    OK(cudaGraphRemoveDependencies_v2(graph, &b, &c, &plain, 1));
    edges = 0;
    OK(cudaGraphGetEdges(graph, nullptr, nullptr, &edges));
    CHECK(edges == 0);

    // A kernel in a child graph, added through CUDA 12's cudaGraphAddNode; a CUDA 12 caller's
    // parameters hold anything after the child graph's handle.
    const int n = 256;
    int *values = nullptr;
    OK(cudaMallocManaged(&values, n * sizeof(int)));
    if (values == nullptr)
        return;
    memset(values, 0, n * sizeof(int));
    cudaGraph_t child;
    OK(cudaGraphCreate(&child, 0));
    cudaKernelNodeParams kernel = {};
    int count_arg = n;
    void *args[] = {&values, &count_arg};
    kernel.func = (void *)add_one;
    kernel.gridDim = dim3(2);
    kernel.blockDim = dim3(128);
    kernel.kernelParams = args;
    cudaGraphNode_t kernel_node;
    OK(cudaGraphAddKernelNode(&kernel_node, child, nullptr, 0, &kernel));
    // (Its union holds types with constructors, so C++ cannot declare one plainly.)
    alignas(cudaGraphNodeParams) unsigned char raw[sizeof(cudaGraphNodeParams)];
    memset(raw, 0x5A, sizeof raw);
    cudaGraphNodeParams &params = *reinterpret_cast<cudaGraphNodeParams *>(raw);
    params.type = cudaGraphNodeTypeGraph;
    memset(params.reserved0, 0, sizeof params.reserved0);
    params.graph.graph = child;
    params.reserved2 = 0;
    cudaGraphNode_t child_node, second;
    OK(cudaGraphAddNode(&child_node, graph, &c, 1, &params));
    CHECK(params.graph.graph == child);
    OK(cudaGraphAddNode_v2(&second, graph, &child_node, &plain, 1, &params));
    OK(cudaGraphDestroy(child)); // the nodes hold clones
    cudaGraphExec_t exec;
    OK(cudaGraphInstantiate(&exec, graph, 0));
    OK(cudaGraphLaunch(exec, stream));
    OK(cudaStreamSynchronize(stream));
    bool right = true;
    for (int i = 0; i < n; i++)
        right = right && values[i] == 2;
    CHECK(right);
    OK(cudaGraphExecDestroy(exec));
    OK(cudaGraphDestroy(graph));
    OK(cudaFree(values));
}

static void capture(cudaStream_t stream)
{
    const int n = 128;
    int *values = nullptr;
    OK(cudaMallocManaged(&values, n * sizeof(int)));
    if (values == nullptr)
        return;
    memset(values, 0, n * sizeof(int));

    cudaStreamCaptureStatus status = cudaStreamCaptureStatusActive;
    unsigned long long id = 0;
    OK(legacy_cudaStreamGetCaptureInfo(stream, &status, &id));
    CHECK(status == cudaStreamCaptureStatusNone);

    OK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    add_one<<<1, n, 0, stream>>>(values, n);
    OK(legacy_cudaStreamGetCaptureInfo(stream, &status, &id));
    CHECK(status == cudaStreamCaptureStatusActive && id != 0);
    cudaGraph_t capturing = nullptr;
    const cudaGraphNode_t *deps = nullptr;
    size_t ndeps = 0;
    unsigned long long id2 = 0;
    OK(cudaStreamGetCaptureInfo(stream, &status, &id2, &capturing, &deps, &ndeps)); // _v2
    CHECK(status == cudaStreamCaptureStatusActive && id2 == id && capturing && ndeps == 1);
    const cudaGraphEdgeData *edge_data = nullptr;
    size_t ndeps3 = 0;
    OK(cudaStreamGetCaptureInfo_v3(stream, &status, nullptr, nullptr, &deps, &edge_data,
                                   &ndeps3));
    CHECK(ndeps3 == 1);
    cudaGraphNode_t last = ndeps == 1 ? deps[0] : nullptr;
    cudaGraphNode_t extra;
    OK(cudaGraphAddEmptyNode(&extra, capturing, &last, 1));
    OK(cudaStreamUpdateCaptureDependencies(stream, &extra, 1, cudaStreamSetCaptureDependencies));
    OK(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &deps, &ndeps));
    CHECK(ndeps == 1 && deps[0] == extra);
    cudaGraphEdgeData plain = {};
    OK(cudaStreamUpdateCaptureDependencies_v2(stream, &last, &plain, 1,
                                              cudaStreamAddCaptureDependencies));
    OK(cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &deps, &ndeps));
    CHECK(ndeps == 2);
    add_one<<<1, n, 0, stream>>>(values, n);
    cudaGraph_t graph;
    OK(cudaStreamEndCapture(stream, &graph));
    size_t nodes = 0;
    OK(cudaGraphGetNodes(graph, nullptr, &nodes));
    CHECK(nodes == 3);
    cudaGraphExec_t exec;
    OK(cudaGraphInstantiate(&exec, graph, 0));
    OK(cudaGraphLaunch(exec, stream));
    OK(cudaGraphLaunch(exec, stream));
    OK(cudaStreamSynchronize(stream));
    bool right = true;
    for (int i = 0; i < n; i++)
        right = right && values[i] == 4;
    CHECK(right);
    OK(cudaGraphExecDestroy(exec));
    OK(cudaGraphDestroy(graph));
    OK(cudaFree(values));
}

static void removed_calls(cudaStream_t stream)
{
    size_t limit = 0;
    OK(cudaThreadSetLimit(cudaLimitPrintfFifoSize, 1 << 20));
    OK(cudaThreadGetLimit(&limit, cudaLimitPrintfFifoSize));
    CHECK(limit >= (1 << 20));
    cudaFuncCache cache;
    OK(cudaThreadSetCacheConfig(cudaFuncCachePreferShared));
    OK(cudaThreadGetCacheConfig(&cache));
    double d = 1.5;
    OK(cudaSetDoubleForDevice(&d));
    OK(cudaSetDoubleForHost(&d));
    CHECK(d == 1.5);

    cudaEvent_t start, stop;
    OK(cudaEventCreate(&start));
    OK(cudaEventCreate(&stop));
    OK(cudaEventRecord(start, stream));

    const int n = 64;
    int *values = nullptr;
    OK(cudaMallocManaged(&values, n * sizeof(int)));
    if (values == nullptr)
        return;
    memset(values, 0, n * sizeof(int));
    int count_arg = n;
    void *args[] = {&values, &count_arg};
    cudaLaunchParams launch = {};
    launch.func = (void *)add_one;
    launch.gridDim = dim3(1);
    launch.blockDim = dim3(n);
    launch.args = args;
    launch.stream = stream;
    OK(cudaLaunchCooperativeKernelMultiDevice(&launch, 1, 0));
    OK(cudaLaunchCooperativeKernelMultiDevice(&launch, 1,
                                              cudaCooperativeLaunchMultiDeviceNoPreSync |
                                                  cudaCooperativeLaunchMultiDeviceNoPostSync));
    CHECK(cudaLaunchCooperativeKernelMultiDevice(&launch, 0, 0) == cudaErrorInvalidValue);
    CHECK(cudaGetLastError() == cudaErrorInvalidValue);
    OK(cudaEventRecord(stop, stream));
    OK(cudaEventSynchronize(stop));
    bool right = true;
    for (int i = 0; i < n; i++)
        right = right && values[i] == 2;
    CHECK(right);
    float ms = -1, ms2 = -1;
    OK(cudaEventElapsedTime(&ms, start, stop));
    OK(cudaEventElapsedTime_v2(&ms2, start, stop));
    CHECK(ms >= 0 && ms2 >= 0);
    OK(cudaEventDestroy(start));
    OK(cudaEventDestroy(stop));
    OK(cudaFree(values));
}

// Texture objects may not be supported yet; when they are, CUDA 12's shorter descriptors must
// be read and written only as far as they go.
static void texture_descriptors()
{
    float *linear = nullptr;
    OK(cudaMalloc(&linear, 256 * sizeof(float)));
    if (linear == nullptr)
        return;
    struct {
        cudaResourceDesc desc;
        unsigned char guard[96];
    } resource;
    memset(&resource, 0x77, sizeof resource);
    memset(&resource.desc, 0, sizeof resource.desc);
    resource.desc.resType = cudaResourceTypeLinear;
    resource.desc.res.linear.devPtr = linear;
    resource.desc.res.linear.desc = cudaCreateChannelDesc<float>();
    resource.desc.res.linear.sizeInBytes = 256 * sizeof(float);
    cudaTextureDesc texture = {};
    texture.readMode = cudaReadModeElementType;
    cudaTextureObject_t object = 0;
    cudaError_t created = cudaCreateTextureObject(&object, &resource.desc, &texture, nullptr);
    CHECK(created == cudaSuccess || created == cudaErrorNotSupported);
    if (created == cudaSuccess) {
        struct {
            cudaResourceDesc desc;
            unsigned char guard[96];
        } back;
        memset(&back, 0x66, sizeof back);
        OK(cudaGetTextureObjectResourceDesc(&back.desc, object));
        CHECK(back.desc.resType == cudaResourceTypeLinear &&
              back.desc.res.linear.devPtr == linear);
        CHECK(untouched(back.guard, sizeof back.guard, 0x66));
        OK(cudaDestroyTextureObject(object));
    }
    cudaGetLastError();
    OK(cudaFree(linear));
}

int main()
{
    cudaStream_t stream;
    OK(cudaStreamCreate(&stream));
    device_properties();
    managed_memory(stream);
    managed_memory(0);
    graph_edges(stream);
    capture(stream);
    removed_calls(stream);
    texture_descriptors();
    OK(cudaStreamDestroy(stream));
    OK(cudaThreadExit());
    if (failures == 0)
        printf("abi12: PASS\n");
    return failures == 0 ? 0 : 1;
}
