// graph_memnodes.cu - graph memory: allocation and free nodes (added by hand, and made by
// capturing cudaMallocAsync / cudaFreeAsync), an allocation's fixed address, its life across
// launches (unfreed allocations block a relaunch unless freed automatically; cudaFree,
// cudaFreeAsync or another graph's free node free them), the restrictions on graphs with
// memory nodes, and the device's graph memory attributes and trimming.
#include "common.h"

__global__ void fill(int *p, int n, int v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = v;
}

__global__ void copy_scaled(const int *src, int *dst, int n, int k)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        dst[i] = src[i] * k;
}

static struct cudaMemAllocNodeParams alloc_params(size_t bytes)
{
    struct cudaMemAllocNodeParams p = {};
    p.poolProps.allocType = cudaMemAllocationTypePinned;
    p.poolProps.location.type = cudaMemLocationTypeDevice;
    p.poolProps.location.id = 0;
    p.bytesize = bytes;
    return p;
}

static cudaGraphNode_t kernel_node(cudaGraph_t g, const cudaGraphNode_t *deps, size_t n,
                                   void *func, void **args, unsigned threads)
{
    struct cudaKernelNodeParams kp = {};
    kp.func = func;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(threads);
    kp.kernelParams = args;
    cudaGraphNode_t node;
    CHECK(cudaGraphAddKernelNode(&node, g, deps, n, &kp));
    return node;
}

static uint64_t graph_mem(cudaGraphMemAttributeType attr)
{
    uint64_t v = 0;
    CHECK(cudaDeviceGetGraphMemAttribute(0, attr, &v));
    return v;
}

// alloc -> fill -> copy out -> free, all inside one graph.
static void allocated_and_freed_inside()
{
    const int n = 256;
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    struct cudaMemAllocNodeParams ap = alloc_params(n * sizeof(int));
    cudaGraphNode_t alloc, k, copy, free_node;
    CHECK(cudaGraphAddMemAllocNode(&alloc, g, NULL, 0, &ap));
    int *buf = (int *)ap.dptr;
    EXPECT(buf != NULL);
    int nn = n, v = 42;
    void *args[] = {&buf, &nn, &v};
    k = kernel_node(g, &alloc, 1, (void *)fill, args, n);
    int out[n];
    CHECK(cudaGraphAddMemcpyNode1D(&copy, g, &k, 1, out, buf, sizeof out,
                                   cudaMemcpyDeviceToHost));
    CHECK(cudaGraphAddMemFreeNode(&free_node, g, &copy, 1, buf));
    // Reading the nodes back.
    struct cudaMemAllocNodeParams got;
    CHECK(cudaGraphMemAllocNodeGetParams(alloc, &got));
    EXPECT(got.dptr == buf && got.bytesize == n * sizeof(int));
    void *freed = NULL;
    CHECK(cudaGraphMemFreeNodeGetParams(free_node, &freed));
    EXPECT(freed == buf);
    // Freed twice, or something that is no graph allocation: refused.
    cudaGraphNode_t again;
    EXPECT_ERR(cudaGraphAddMemFreeNode(&again, g, &free_node, 1, buf), cudaErrorInvalidValue);
    int *plain;
    CHECK(cudaMalloc(&plain, 64));
    EXPECT_ERR(cudaGraphAddMemFreeNode(&again, g, NULL, 0, plain), cudaErrorInvalidValue);
    CHECK(cudaFree(plain));
    // Graphs with memory nodes: no clone, no edges removed, no nodes destroyed, one
    // executable graph at a time, only moved into a parent.
    cudaGraph_t clone;
    EXPECT_ERR(cudaGraphClone(&clone, g), cudaErrorNotSupported);
    EXPECT_ERR(cudaGraphRemoveDependencies(g, &k, &copy, NULL, 1), cudaErrorNotSupported);
    EXPECT_ERR(cudaGraphDestroyNode(copy), cudaErrorNotSupported);
    cudaGraph_t parent;
    CHECK(cudaGraphCreate(&parent, 0));
    cudaGraphNode_t child;
    EXPECT_ERR(cudaGraphAddChildGraphNode(&child, parent, NULL, 0, g), cudaErrorNotSupported);
    CHECK(cudaGraphDestroy(parent));

    cudaGraphExec_t exec, second;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    EXPECT_ERR(cudaGraphInstantiate(&second, g, 0), cudaErrorInvalidValue);
    for (int i = 0; i < 3; i++) { // freed in the graph: it can run again and again
        CHECK(cudaGraphLaunch(exec, 0));
        CHECK(cudaStreamSynchronize(0));
        EXPECT_EQ_LL(out[n - 1], 42);
        out[n - 1] = 0;
    }
    // The allocation is the graph's own: cudaFree cannot free it.
    EXPECT_ERR(cudaFree(buf), cudaErrorInvalidValue);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphInstantiate(&second, g, 0)); // the first one is gone
    CHECK(cudaGraphExecDestroy(second));
    CHECK(cudaGraphDestroy(g));
}

// An allocation the graph leaves allocated, then frees outside it.
static void left_allocated()
{
    const int n = 128;
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    struct cudaMemAllocNodeParams ap = alloc_params(n * sizeof(int));
    cudaGraphNode_t alloc;
    CHECK(cudaGraphAddMemAllocNode(&alloc, g, NULL, 0, &ap));
    int *buf = (int *)ap.dptr;
    int nn = n, v = 3;
    void *args[] = {&buf, &nn, &v};
    kernel_node(g, &alloc, 1, (void *)fill, args, n);
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));

    CHECK(cudaGraphLaunch(exec, s));
    // Still allocated: a second launch fails.
    EXPECT_ERR(cudaGraphLaunch(exec, s), cudaErrorInvalidValue);
    (void)cudaGetLastError();
    // The memory is valid after the graph, for stream work ordered after it.
    int *copy;
    CHECK(cudaMalloc(&copy, n * sizeof(int)));
    copy_scaled<<<1, n, 0, s>>>(buf, copy, n, 2);
    CHECK(cudaFreeAsync(buf, s));
    CHECK(cudaStreamSynchronize(s));
    int h[n];
    CHECK(cudaMemcpy(h, copy, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[n - 1], 6);
    EXPECT_ERR(cudaFreeAsync(buf, s), cudaErrorInvalidValue); // already freed
    // Freed: it can be launched again, and the address is the same.
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaFree(buf));
    // Another graph's free node frees it too.
    cudaGraph_t freer;
    CHECK(cudaGraphCreate(&freer, 0));
    cudaGraphNode_t free_node;
    CHECK(cudaGraphAddMemFreeNode(&free_node, freer, NULL, 0, buf));
    cudaGraphExec_t free_exec;
    CHECK(cudaGraphInstantiate(&free_exec, freer, 0));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaGraphLaunch(free_exec, s));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaGraphExecDestroy(exec));
    // The allocation outlives the graph that made it, until it is freed.
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaMemcpy(h, buf, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 3);
    CHECK(cudaGraphLaunch(free_exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaGraphExecDestroy(free_exec));
    CHECK(cudaGraphDestroy(freer));

    // With cudaGraphInstantiateFlagAutoFreeOnLaunch each launch frees the last one's.
    CHECK(cudaGraphCreate(&g, 0));
    ap = alloc_params(64);
    CHECK(cudaGraphAddMemAllocNode(&alloc, g, NULL, 0, &ap));
    CHECK(cudaGraphInstantiateWithFlags(&exec, g, cudaGraphInstantiateFlagAutoFreeOnLaunch));
    unsigned long long flags = 0;
    CHECK(cudaGraphExecGetFlags(exec, &flags));
    EXPECT_EQ_LL(flags, cudaGraphInstantiateFlagAutoFreeOnLaunch);
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaFree(ap.dptr));
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaFree(copy));
    CHECK(cudaStreamDestroy(s));
}

// cudaMallocAsync / cudaFreeAsync captured: allocation and free nodes.
static void captured_allocations()
{
    const int n = 512;
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    int host[n], out[n];
    for (int i = 0; i < n; i++)
        host[i] = i;
    int *pinned;
    CHECK(cudaMallocHost(&pinned, sizeof out));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    int *a, *b;
    CHECK(cudaMallocAsync(&a, n * sizeof(int), s));
    CHECK(cudaMallocAsync(&b, n * sizeof(int), s));
    CHECK(cudaMemcpyAsync(a, host, sizeof host, cudaMemcpyHostToDevice, s));
    copy_scaled<<<2, 256, 0, s>>>(a, b, n, 5);
    CHECK(cudaFreeAsync(a, s));
    CHECK(cudaMemcpyAsync(pinned, b, sizeof out, cudaMemcpyDeviceToHost, s));
    CHECK(cudaFreeAsync(b, s));
    // Only graph allocations can be freed inside a capture.
    int *plain;
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
    CHECK(cudaMalloc(&plain, 64));
    CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
    cudaGraph_t g;
    CHECK(cudaStreamEndCapture(s, &g));
    cudaGraphNode_t nodes[8];
    size_t count = 8;
    CHECK(cudaGraphGetNodes(g, nodes, &count));
    EXPECT_EQ_LL(count, 7);
    cudaGraphNodeType t;
    CHECK(cudaGraphNodeGetType(nodes[0], &t));
    EXPECT(t == cudaGraphNodeTypeMemAlloc);
    CHECK(cudaGraphNodeGetType(nodes[6], &t));
    EXPECT(t == cudaGraphNodeTypeMemFree);
    struct cudaMemAllocNodeParams ap;
    CHECK(cudaGraphMemAllocNodeGetParams(nodes[1], &ap));
    EXPECT(ap.dptr == b && ap.bytesize == n * sizeof(int));

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    for (int launch = 0; launch < 2; launch++) {
        memset(pinned, 0, sizeof out);
        CHECK(cudaGraphLaunch(exec, s));
        CHECK(cudaStreamSynchronize(s));
        EXPECT_EQ_LL(pinned[n - 1], 5 * (n - 1));
    }

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaFreeAsync(plain, s), cudaErrorInvalidValue);
    cudaGraph_t bad;
    EXPECT_ERR(cudaStreamEndCapture(s, &bad), cudaErrorStreamCaptureInvalidated);
    CHECK(cudaFree(plain));
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaStreamDestroy(s));
}

static void footprint_and_trim()
{
    const size_t mib = 1 << 20;
    CHECK(cudaDeviceGraphMemTrim(0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 0);
    uint64_t zero = 0, five = 5;
    CHECK(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &zero));
    EXPECT_ERR(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &five),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemCurrent, &zero),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaDeviceGetGraphMemAttribute(99, cudaGraphMemAttrUsedMemCurrent, &five),
               cudaErrorInvalidDevice);

    // Two graphs that each allocate and free 4 MiB: making them reserves nothing, the first
    // launch reserves 4 MiB, the second reuses it.
    cudaGraph_t g[2];
    cudaGraphExec_t exec[2];
    void *addr[2];
    for (int i = 0; i < 2; i++) {
        CHECK(cudaGraphCreate(&g[i], 0));
        struct cudaMemAllocNodeParams ap = alloc_params(4 * mib);
        cudaGraphNode_t alloc, free_node;
        CHECK(cudaGraphAddMemAllocNode(&alloc, g[i], NULL, 0, &ap));
        addr[i] = ap.dptr;
        CHECK(cudaGraphAddMemFreeNode(&free_node, g[i], &alloc, 1, ap.dptr));
        CHECK(cudaGraphInstantiate(&exec[i], g[i], 0));
    }
    EXPECT(addr[0] != addr[1]);
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrReservedMemCurrent), 0);
    CHECK(cudaGraphLaunch(exec[0], 0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrReservedMemCurrent), 4 * mib);
    CHECK(cudaGraphLaunch(exec[1], 0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrReservedMemCurrent), 4 * mib);
    CHECK(cudaStreamSynchronize(0));
    CHECK(cudaDeviceGraphMemTrim(0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 0);
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemHigh), 4 * mib);
    CHECK(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &zero));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemHigh), 0);

    // Unfreed allocations hold their memory through a trim; freed, it goes.
    for (int i = 0; i < 2; i++) {
        CHECK(cudaGraphExecDestroy(exec[i]));
        CHECK(cudaGraphDestroy(g[i]));
        CHECK(cudaGraphCreate(&g[i], 0));
        struct cudaMemAllocNodeParams ap = alloc_params(2 * mib);
        cudaGraphNode_t alloc;
        CHECK(cudaGraphAddMemAllocNode(&alloc, g[i], NULL, 0, &ap));
        addr[i] = ap.dptr;
        CHECK(cudaGraphInstantiate(&exec[i], g[i], 0));
        CHECK(cudaGraphLaunch(exec[i], 0));
    }
    CHECK(cudaStreamSynchronize(0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 4 * mib);
    CHECK(cudaDeviceGraphMemTrim(0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 4 * mib);
    CHECK(cudaFree(addr[0]));
    CHECK(cudaFree(addr[1]));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 4 * mib);
    CHECK(cudaDeviceGraphMemTrim(0));
    EXPECT_EQ_LL(graph_mem(cudaGraphMemAttrUsedMemCurrent), 0);
    for (int i = 0; i < 2; i++) {
        CHECK(cudaGraphExecDestroy(exec[i]));
        CHECK(cudaGraphDestroy(g[i]));
    }
    EXPECT_ERR(cudaDeviceGraphMemTrim(99), cudaErrorInvalidDevice);
}

static void bad_allocation_nodes()
{
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphNode_t node;
    struct cudaMemAllocNodeParams ap = alloc_params(0);
    EXPECT_ERR(cudaGraphAddMemAllocNode(&node, g, NULL, 0, &ap), cudaErrorInvalidValue);
    ap = alloc_params(64);
    ap.poolProps.location.id = 42;
    EXPECT_ERR(cudaGraphAddMemAllocNode(&node, g, NULL, 0, &ap), cudaErrorInvalidValue);
    ap = alloc_params(64);
    ap.poolProps.allocType = cudaMemAllocationTypeInvalid;
    EXPECT_ERR(cudaGraphAddMemAllocNode(&node, g, NULL, 0, &ap), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddMemAllocNode(&node, g, NULL, 0, NULL), cudaErrorInvalidValue);
    // Not in a child graph.
    cudaGraph_t child;
    CHECK(cudaGraphCreate(&child, 0));
    CHECK(cudaGraphAddEmptyNode(&node, child, NULL, 0));
    cudaGraphNode_t cnode;
    CHECK(cudaGraphAddChildGraphNode(&cnode, g, NULL, 0, child));
    cudaGraph_t inside;
    CHECK(cudaGraphChildGraphNodeGetGraph(cnode, &inside));
    ap = alloc_params(64);
    EXPECT_ERR(cudaGraphAddMemAllocNode(&node, inside, NULL, 0, &ap), cudaErrorNotSupported);
    CHECK(cudaGraphDestroy(child));
    CHECK(cudaGraphDestroy(g));
}

int main()
{
    allocated_and_freed_inside();
    left_allocated();
    captured_allocations();
    footprint_and_trim();
    bad_allocation_nodes();
    return finish("graph_memnodes");
}
