// capture_basic.cu - stream capture records stream work as a graph instead of running it:
// launches, copies, fills, host functions and event-ordered work on forked streams become
// nodes with the right dependencies; the capture can be queried and steered
// (cudaStreamGetCaptureInfo, cudaStreamUpdateCaptureDependencies, capture into an existing
// graph), and launching the graph does the work.  Expected values are computed on the host.
#include "common.h"

__global__ void scale_add(int *p, int n, int a, int b)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = p[i] * a + b;
}

__device__ int dev_table[16];

static int host_calls = 0;
static void CUDART_CB count_call(void *data)
{
    host_calls += *(int *)data;
}

static size_t node_count(cudaGraph_t g)
{
    size_t n = 0;
    CHECK(cudaGraphGetNodes(g, NULL, &n));
    return n;
}

static size_t edge_count(cudaGraph_t g)
{
    size_t n = 0;
    CHECK(cudaGraphGetEdges(g, NULL, NULL, NULL, &n));
    return n;
}

static void capture_runs_nothing_until_launched()
{
    const int n = 1000;
    int *d, h[n], want[n];
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    CHECK(cudaMemset(d, 0, n * sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));

    enum cudaStreamCaptureStatus status;
    CHECK(cudaStreamIsCapturing(s, &status));
    EXPECT(status == cudaStreamCaptureStatusNone);

    static int one = 1;
    for (int i = 0; i < n; i++)
        h[i] = i;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaStreamIsCapturing(s, &status));
    EXPECT(status == cudaStreamCaptureStatusActive);
    CHECK(cudaMemcpyAsync(d, h, n * sizeof(int), cudaMemcpyHostToDevice, s));
    scale_add<<<(n + 127) / 128, 128, 0, s>>>(d, n, 3, 1);
    CHECK(cudaGetLastError());
    CHECK(cudaLaunchHostFunc(s, count_call, &one));
    CHECK(cudaMemsetAsync(d + 10, 0, 5 * sizeof(int), s));
    cudaGraph_t graph;
    CHECK(cudaStreamEndCapture(s, &graph));
    CHECK(cudaStreamIsCapturing(s, &status));
    EXPECT(status == cudaStreamCaptureStatusNone);

    // Nothing ran: the device memory is still zero and the host function was not called.
    int probe[n];
    CHECK(cudaMemcpy(probe, d, sizeof probe, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(probe[5], 0);
    EXPECT_EQ_LL(host_calls, 0);

    // Four nodes in a chain, in capture order.
    EXPECT_EQ_LL(node_count(graph), 4);
    EXPECT_EQ_LL(edge_count(graph), 3);
    cudaGraphNode_t nodes[4];
    size_t count = 4;
    CHECK(cudaGraphGetNodes(graph, nodes, &count));
    enum cudaGraphNodeType types[4];
    for (int i = 0; i < 4; i++)
        CHECK(cudaGraphNodeGetType(nodes[i], &types[i]));
    EXPECT(types[0] == cudaGraphNodeTypeMemcpy);
    EXPECT(types[1] == cudaGraphNodeTypeKernel);
    EXPECT(types[2] == cudaGraphNodeTypeHost);
    EXPECT(types[3] == cudaGraphNodeTypeMemset);
    size_t roots = 0;
    CHECK(cudaGraphGetRootNodes(graph, NULL, &roots));
    EXPECT_EQ_LL(roots, 1);

    // The kernel node kept copies of the arguments.
    struct cudaKernelNodeParams kp;
    CHECK(cudaGraphKernelNodeGetParams(nodes[1], &kp));
    EXPECT_EQ_LL(kp.gridDim.x, (n + 127) / 128);
    EXPECT_EQ_LL(kp.blockDim.x, 128);
    // <<<>>> names the kernel by the cudaKernel_t of __cudaGetKernel; the node still reports
    // the function as the program knows it (code finds nodes to update by comparing this)
    EXPECT(kp.func == (void *)scale_add);
    EXPECT_EQ_LL(*(int *)kp.kernelParams[1], n);
    EXPECT_EQ_LL(*(int *)kp.kernelParams[2], 3);
    EXPECT_EQ_LL(*(int *)kp.kernelParams[3], 1);

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    for (int launch = 0; launch < 3; launch++)
        CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(host_calls, 3);
    for (int i = 0; i < n; i++)
        want[i] = (i >= 10 && i < 15) ? 0 : i * 3 + 1;
    CHECK(cudaMemcpy(probe, d, sizeof probe, cudaMemcpyDeviceToHost));
    EXPECT(memcmp(probe, want, sizeof want) == 0);

    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d));
}

// origin -> fork to two streams through an event -> join back: a diamond.
static void fork_and_join_make_a_diamond()
{
    const int n = 256;
    int *a, *b;
    CHECK(cudaMalloc(&a, n * sizeof(int)));
    CHECK(cudaMalloc(&b, n * sizeof(int)));
    cudaStream_t s0, s1, s2;
    CHECK(cudaStreamCreate(&s0));
    CHECK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
    CHECK(cudaStreamCreate(&s2));
    cudaEvent_t fork, join1, join2;
    CHECK(cudaEventCreateWithFlags(&fork, cudaEventDisableTiming));
    CHECK(cudaEventCreate(&join1));
    CHECK(cudaEventCreate(&join2));

    CHECK(cudaStreamBeginCapture(s0, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemsetAsync(a, 0, n * sizeof(int), s0));
    CHECK(cudaMemsetAsync(b, 0, n * sizeof(int), s0));
    CHECK(cudaEventRecord(fork, s0));
    CHECK(cudaStreamWaitEvent(s1, fork, 0));
    CHECK(cudaStreamWaitEvent(s2, fork, 0));
    enum cudaStreamCaptureStatus status;
    CHECK(cudaStreamIsCapturing(s1, &status));
    EXPECT(status == cudaStreamCaptureStatusActive); // joined by waiting for the event
    unsigned long long id0, id1;
    CHECK(cudaStreamGetCaptureInfo(s0, &status, &id0, NULL, NULL, NULL, NULL));
    CHECK(cudaStreamGetCaptureInfo(s1, &status, &id1, NULL, NULL, NULL, NULL));
    EXPECT(id0 == id1);
    scale_add<<<2, 128, 0, s1>>>(a, n, 1, 5);
    scale_add<<<2, 128, 0, s2>>>(b, n, 1, 7);
    CHECK(cudaEventRecord(join1, s1));
    CHECK(cudaEventRecord(join2, s2));
    // Recorded in a capture, the events stand for no work that can be waited for.
    EXPECT_ERR(cudaEventQuery(join1), cudaErrorCapturedEvent);
    // (that invalidated the capture, so start again, properly this time)
    cudaGraph_t graph;
    EXPECT_ERR(cudaStreamEndCapture(s0, &graph), cudaErrorStreamCaptureInvalidated);
    EXPECT(graph == NULL);
    CHECK(cudaStreamIsCapturing(s1, &status));
    EXPECT(status == cudaStreamCaptureStatusNone);

    // The programming guide's diamond: the origin keeps working after the fork.
    CHECK(cudaStreamBeginCapture(s0, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemsetAsync(a, 0, n * sizeof(int), s0));
    CHECK(cudaMemsetAsync(b, 0, n * sizeof(int), s0));
    CHECK(cudaEventRecord(fork, s0));
    CHECK(cudaStreamWaitEvent(s1, fork, 0));
    scale_add<<<2, 128, 0, s1>>>(a, n, 1, 5);
    scale_add<<<2, 128, 0, s0>>>(b, n, 1, 7);
    CHECK(cudaEventRecord(join1, s1));
    CHECK(cudaStreamWaitEvent(s0, join1, 0));
    const cudaGraphNode_t *deps;
    size_t ndeps;
    CHECK(cudaStreamGetCaptureInfo(s0, &status, NULL, NULL, &deps, NULL, &ndeps));
    EXPECT_EQ_LL(ndeps, 2); // the two kernels
    scale_add<<<2, 128, 0, s0>>>(a, n, 2, 0);
    CHECK(cudaStreamEndCapture(s0, &graph));

    EXPECT_EQ_LL(node_count(graph), 5);
    EXPECT_EQ_LL(edge_count(graph), 5);
    cudaGraphNode_t roots[2];
    size_t nroots = 2;
    CHECK(cudaGraphGetRootNodes(graph, roots, &nroots));
    EXPECT_EQ_LL(nroots, 1);

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    CHECK(cudaGraphLaunch(exec, s0));
    CHECK(cudaStreamSynchronize(s0));
    int ha[n], hb[n];
    CHECK(cudaMemcpy(ha, a, sizeof ha, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hb, b, sizeof hb, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(ha[0], 10);
    EXPECT_EQ_LL(ha[n - 1], 10);
    EXPECT_EQ_LL(hb[n - 1], 7);
    // The event is usable again once recorded outside a capture.
    CHECK(cudaEventRecord(join1, s0));
    CHECK(cudaEventSynchronize(join1));

    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
    CHECK(cudaEventDestroy(fork));
    CHECK(cudaEventDestroy(join1));
    CHECK(cudaEventDestroy(join2));
    CHECK(cudaStreamDestroy(s0));
    CHECK(cudaStreamDestroy(s1));
    CHECK(cudaStreamDestroy(s2));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
}

// cudaStreamUpdateCaptureDependencies and a node added by hand to the capturing graph.
static void steering_a_capture()
{
    int *d;
    CHECK(cudaMalloc(&d, 64 * sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    CHECK(cudaMemsetAsync(d, 0, 64 * sizeof(int), s));
    enum cudaStreamCaptureStatus status;
    cudaGraph_t graph;
    const cudaGraphNode_t *deps;
    size_t ndeps;
    CHECK(cudaStreamGetCaptureInfo(s, &status, NULL, &graph, &deps, NULL, &ndeps));
    EXPECT_EQ_LL(ndeps, 1);
    // Add an empty node by hand after the memset, then make the stream continue from it.
    cudaGraphNode_t mine;
    CHECK(cudaGraphAddEmptyNode(&mine, graph, deps, ndeps));
    CHECK(cudaStreamUpdateCaptureDependencies(s, &mine, NULL, 1,
                                              cudaStreamSetCaptureDependencies));
    CHECK(cudaStreamGetCaptureInfo(s, &status, NULL, NULL, &deps, NULL, &ndeps));
    EXPECT_EQ_LL(ndeps, 1);
    EXPECT(deps[0] == mine);
    scale_add<<<1, 64, 0, s>>>(d, 64, 1, 4);
    // A node of another graph is refused.
    cudaGraph_t other;
    cudaGraphNode_t foreign;
    CHECK(cudaGraphCreate(&other, 0));
    CHECK(cudaGraphAddEmptyNode(&foreign, other, NULL, 0));
    EXPECT_ERR(cudaStreamUpdateCaptureDependencies(s, &foreign, NULL, 1, 0),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaStreamUpdateCaptureDependencies(s, &mine, NULL, 1, 7), cudaErrorInvalidValue);
    cudaGraph_t captured;
    CHECK(cudaStreamEndCapture(s, &captured));
    EXPECT(captured == graph);
    EXPECT_EQ_LL(node_count(captured), 3);
    size_t nd = 0;
    cudaGraphNode_t kernel_deps[2];
    cudaGraphNode_t nodes[3];
    size_t count = 3;
    CHECK(cudaGraphGetNodes(captured, nodes, &count));
    nd = 2;
    CHECK(cudaGraphNodeGetDependencies(nodes[2], kernel_deps, NULL, &nd));
    EXPECT_EQ_LL(nd, 1);
    EXPECT(kernel_deps[0] == mine);
    // Not capturing any more.
    EXPECT_ERR(cudaStreamUpdateCaptureDependencies(s, &mine, NULL, 1, 0), cudaErrorIllegalState);

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, captured, 0));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    int h[64];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[63], 4);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(captured));
    CHECK(cudaGraphDestroy(other));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d));
}

// Capture into an existing graph after given nodes; capture a graph launch (a child node);
// capture a copy to a symbol.
static void capture_into_a_graph_and_of_a_graph()
{
    int *d;
    CHECK(cudaMalloc(&d, 32 * sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    cudaGraph_t graph;
    CHECK(cudaGraphCreate(&graph, 0));
    cudaGraphNode_t first;
    struct cudaMemsetParams mp = {};
    mp.dst = d;
    mp.value = 1;
    mp.elementSize = 4;
    mp.width = 32;
    mp.height = 1;
    CHECK(cudaGraphAddMemsetNode(&first, graph, NULL, 0, &mp));
    CHECK(cudaStreamBeginCaptureToGraph(s, graph, &first, NULL, 1, cudaStreamCaptureModeGlobal));
    scale_add<<<1, 32, 0, s>>>(d, 32, 10, 0);
    CHECK(cudaStreamEndCapture(s, NULL)); // capture into a graph may omit the result
    EXPECT_EQ_LL(node_count(graph), 2);
    EXPECT_EQ_LL(edge_count(graph), 1);

    cudaGraphExec_t inner;
    CHECK(cudaGraphInstantiate(&inner, graph, 0));
    // Launching it in a capture makes a child graph node.
    int table[16];
    for (int i = 0; i < 16; i++)
        table[i] = i * i;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaGraphLaunch(inner, s));
    scale_add<<<1, 32, 0, s>>>(d, 32, 1, 2);
    CHECK(cudaMemcpyToSymbolAsync(dev_table, table, sizeof table, 0, cudaMemcpyHostToDevice, s));
    cudaGraph_t outer;
    CHECK(cudaStreamEndCapture(s, &outer));
    cudaGraphNode_t nodes[3];
    size_t count = 3;
    CHECK(cudaGraphGetNodes(outer, nodes, &count));
    EXPECT_EQ_LL(count, 3);
    enum cudaGraphNodeType type;
    CHECK(cudaGraphNodeGetType(nodes[0], &type));
    EXPECT(type == cudaGraphNodeTypeGraph);
    cudaGraph_t child;
    CHECK(cudaGraphChildGraphNodeGetGraph(nodes[0], &child));
    EXPECT_EQ_LL(node_count(child), 2);
    CHECK(cudaGraphNodeGetType(nodes[2], &type));
    EXPECT(type == cudaGraphNodeTypeMemcpy);

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, outer, 0));
    int zeros[16] = {0}, got[16];
    CHECK(cudaMemcpyToSymbol(dev_table, zeros, sizeof zeros));
    table[15] = 1000; // the copy node reads the host buffer when the graph runs
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    int h[32];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[31], 12);
    CHECK(cudaMemcpyFromSymbol(got, dev_table, sizeof got));
    EXPECT_EQ_LL(got[14], 196);
    EXPECT_EQ_LL(got[15], 1000);

    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphExecDestroy(inner));
    CHECK(cudaGraphDestroy(outer));
    CHECK(cudaGraphDestroy(graph));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d));
}

// The per-thread default stream can be captured.
static void capture_of_the_per_thread_stream()
{
    int *d;
    CHECK(cudaMalloc(&d, 16 * sizeof(int)));
    CHECK(cudaStreamBeginCapture(cudaStreamPerThread, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemsetAsync(d, 0, 16 * sizeof(int), cudaStreamPerThread));
    scale_add<<<1, 16, 0, cudaStreamPerThread>>>(d, 16, 1, 9);
    cudaGraph_t graph;
    CHECK(cudaStreamEndCapture(cudaStreamPerThread, &graph));
    EXPECT_EQ_LL(node_count(graph), 2);
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    CHECK(cudaGraphLaunch(exec, cudaStreamPerThread));
    CHECK(cudaStreamSynchronize(cudaStreamPerThread));
    int h[16];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[15], 9);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
    CHECK(cudaFree(d));
}

int main()
{
    capture_runs_nothing_until_launched();
    fork_and_join_make_a_diamond();
    steering_a_capture();
    capture_into_a_graph_and_of_a_graph();
    capture_of_the_per_thread_stream();
    return finish("capture_basic");
}
