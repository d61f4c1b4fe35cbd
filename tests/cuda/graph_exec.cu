// graph_exec.cu - executable graphs: changing parameters of an instantiated graph (one node at
// a time, or all at once with cudaGraphExecUpdate) affects only later launches; disabled nodes
// do nothing; launches of one executable graph are ordered behind each other even on
// different streams; flags and upload; user objects live as long as the graphs (and launches)
// holding them.  Expected values are computed on the host.
#include <atomic>
#include <chrono>
#include <thread>

#include "common.h"

__global__ void set_to(int *p, int n, int v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = v;
}

__global__ void add(int *p, int n, int v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] += v;
}

__global__ void times(int *p, int n, int v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] *= v;
}

static int read_last(const int *d, int n)
{
    int v;
    CHECK(cudaMemcpy(&v, d + n - 1, sizeof v, cudaMemcpyDeviceToHost));
    return v;
}

// A graph "set p to v, then add w" made by capture, so that it can be made again with other
// values for cudaGraphExecUpdate.
static cudaGraph_t capture_set_add(cudaStream_t s, int *p, int n, int v, int w)
{
    cudaGraph_t g;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    set_to<<<1, 64, 0, s>>>(p, n, v);
    add<<<1, 64, 0, s>>>(p, n, w);
    CHECK(cudaStreamEndCapture(s, &g));
    return g;
}

static void node_setters(cudaStream_t s)
{
    const int n = 64;
    int *d, *e;
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    CHECK(cudaMalloc(&e, n * sizeof(int)));
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    int nn = n, v = 5;
    void *args[] = {&d, &nn, &v};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)set_to;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(n);
    kp.kernelParams = args;
    cudaGraphNode_t k, fill, copy;
    CHECK(cudaGraphAddKernelNode(&k, g, NULL, 0, &kp));
    struct cudaMemsetParams mp = {};
    mp.dst = e;
    mp.value = 7;
    mp.elementSize = 4;
    mp.width = n;
    mp.height = 1;
    CHECK(cudaGraphAddMemsetNode(&fill, g, &k, 1, &mp));
    int out[n];
    CHECK(cudaGraphAddMemcpyNode1D(&copy, g, &fill, 1, out, d, sizeof out,
                                   cudaMemcpyDeviceToHost));
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiateWithFlags(&exec, g, 0));
    unsigned long long flags = 99;
    CHECK(cudaGraphExecGetFlags(exec, &flags));
    EXPECT_EQ_LL(flags, 0);

    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(out[n - 1], 5);
    EXPECT_EQ_LL(read_last(e, n), 7);

    // New kernel arguments, a new fill value, a copy from the other buffer.
    v = 11;
    CHECK(cudaGraphExecKernelNodeSetParams(exec, k, &kp));
    mp.value = 9;
    CHECK(cudaGraphExecMemsetNodeSetParams(exec, fill, &mp));
    CHECK(cudaGraphExecMemcpyNodeSetParams1D(exec, copy, out, e, sizeof out,
                                             cudaMemcpyDeviceToHost));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 11);
    EXPECT_EQ_LL(out[n - 1], 9);
    // The graph's own nodes did not change.
    struct cudaMemsetParams still;
    CHECK(cudaGraphMemsetNodeGetParams(fill, &still));
    EXPECT_EQ_LL(still.value, 7);
    // A node of the wrong kind, or of another graph, is refused.
    EXPECT_ERR(cudaGraphExecKernelNodeSetParams(exec, fill, &kp), cudaErrorInvalidValue);
    cudaGraph_t other;
    cudaGraphNode_t foreign;
    CHECK(cudaGraphCreate(&other, 0));
    CHECK(cudaGraphAddKernelNode(&foreign, other, NULL, 0, &kp));
    EXPECT_ERR(cudaGraphExecKernelNodeSetParams(exec, foreign, &kp), cudaErrorInvalidValue);

    // Disabled nodes do nothing; host and empty nodes cannot be disabled.
    CHECK(cudaMemset(d, 0, n * sizeof(int)));
    CHECK(cudaGraphNodeSetEnabled(exec, k, 0));
    unsigned enabled = 1;
    CHECK(cudaGraphNodeGetEnabled(exec, k, &enabled));
    EXPECT_EQ_LL(enabled, 0);
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 0);
    CHECK(cudaGraphNodeSetEnabled(exec, k, 1));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 11);

    // Destroyed executable graphs are not handles any more.
    CHECK(cudaGraphExecDestroy(exec));
    EXPECT_ERR(cudaGraphLaunch(exec, s), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphExecDestroy(exec), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphExecGetFlags(exec, &flags), cudaErrorInvalidValue);
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaGraphDestroy(other));
    CHECK(cudaFree(d));
    CHECK(cudaFree(e));
}

static void whole_graph_update(cudaStream_t s)
{
    const int n = 64;
    int *d;
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    cudaGraph_t g1 = capture_set_add(s, d, n, 1, 2);
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g1, 0));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 3);

    // Same topology, new values: updated in place.
    cudaGraph_t g2 = capture_set_add(s, d, n, 10, 20);
    cudaGraphExecUpdateResultInfo info;
    CHECK(cudaGraphExecUpdate(exec, g2, &info));
    EXPECT(info.result == cudaGraphExecUpdateSuccess);
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 30);

    // A different function is allowed (same device); a different shape is not.
    cudaGraph_t g3;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    set_to<<<1, 64, 0, s>>>(d, n, 4);
    times<<<1, 64, 0, s>>>(d, n, 3);
    CHECK(cudaStreamEndCapture(s, &g3));
    CHECK(cudaGraphExecUpdate(exec, g3, &info));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 12);

    cudaGraph_t g4;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    set_to<<<1, 64, 0, s>>>(d, n, 4);
    CHECK(cudaStreamEndCapture(s, &g4));
    EXPECT_ERR(cudaGraphExecUpdate(exec, g4, &info), cudaErrorGraphExecUpdateFailure);
    EXPECT(info.result == cudaGraphExecUpdateErrorTopologyChanged);

    cudaGraph_t g5;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    set_to<<<1, 64, 0, s>>>(d, n, 4);
    CHECK(cudaMemsetAsync(d, 0, 4, s));
    CHECK(cudaStreamEndCapture(s, &g5));
    EXPECT_ERR(cudaGraphExecUpdate(exec, g5, &info), cudaErrorGraphExecUpdateFailure);
    EXPECT(info.result == cudaGraphExecUpdateErrorNodeTypeChanged);
    cudaGraphNode_t nodes[2];
    size_t count = 2;
    CHECK(cudaGraphGetNodes(g5, nodes, &count));
    EXPECT(info.errorNode == nodes[1]);
    // The failed updates changed nothing.
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(read_last(d, n), 12);

    CHECK(cudaGraphExecDestroy(exec));
    cudaGraph_t all[] = {g1, g2, g3, g4, g5};
    for (cudaGraph_t g : all)
        CHECK(cudaGraphDestroy(g));
    CHECK(cudaFree(d));
}

// Changing an executable graph while a launch of it is still queued does not change that
// launch; launches on two streams run one after the other.
static std::atomic<int> gate{0};
static void CUDART_CB wait_for_gate(void *)
{
    while (gate.load() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

static void launches_in_flight(cudaStream_t s)
{
    const int n = 64;
    int *d, *copies;
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    CHECK(cudaMalloc(&copies, 2 * sizeof(int)));
    cudaStream_t blocker, other;
    CHECK(cudaStreamCreateWithFlags(&blocker, cudaStreamNonBlocking));
    CHECK(cudaStreamCreateWithFlags(&other, cudaStreamNonBlocking));
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    int nn = n, v = 1;
    void *args[] = {&d, &nn, &v};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)set_to;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(n);
    kp.kernelParams = args;
    cudaGraphNode_t k, copy;
    CHECK(cudaGraphAddKernelNode(&k, g, NULL, 0, &kp));
    CHECK(cudaGraphAddMemcpyNode1D(&copy, g, &k, 1, copies, d + n - 1, sizeof(int),
                                   cudaMemcpyDeviceToDevice));
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));

    // Hold the stream, queue a launch, change the graph, queue another on another stream.
    CHECK(cudaLaunchHostFunc(s, wait_for_gate, NULL));
    CHECK(cudaGraphLaunch(exec, s));
    v = 2;
    CHECK(cudaGraphExecKernelNodeSetParams(exec, k, &kp));
    CHECK(cudaGraphExecMemcpyNodeSetParams1D(exec, copy, copies + 1, d + n - 1, sizeof(int),
                                             cudaMemcpyDeviceToDevice));
    CHECK(cudaGraphLaunch(exec, other)); // must wait for the launch on s
    EXPECT_ERR(cudaStreamQuery(other), cudaErrorNotReady);
    gate.store(1);
    CHECK(cudaStreamSynchronize(other));
    int h[2];
    CHECK(cudaMemcpy(h, copies, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 1); // the first launch ran with the first values
    EXPECT_EQ_LL(h[1], 2);
    EXPECT_EQ_LL(read_last(d, n), 2); // and the second one after it
    CHECK(cudaStreamSynchronize(s));

    // Upload is accepted (there is nothing to upload to this device).
    CHECK(cudaGraphUpload(exec, other));
    EXPECT_ERR(cudaGraphUpload((cudaGraphExec_t)0x1234, other), cudaErrorInvalidValue);
    cudaGraphInstantiateParams ip = {};
    ip.flags = cudaGraphInstantiateFlagUpload;
    ip.uploadStream = other;
    cudaGraphExec_t uploaded;
    CHECK(cudaGraphInstantiateWithParams(&uploaded, g, &ip));
    unsigned long long flags = 1;
    CHECK(cudaGraphExecGetFlags(uploaded, &flags));
    EXPECT_EQ_LL(flags, 0); // the upload flag is not reported
    EXPECT_ERR(cudaGraphInstantiateWithFlags(&uploaded, g, 1ull << 40), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphInstantiateWithFlags(&uploaded, g,
                                             cudaGraphInstantiateFlagAutoFreeOnLaunch |
                                                 cudaGraphInstantiateFlagDeviceLaunch),
               cudaErrorInvalidValue);

    CHECK(cudaGraphExecDestroy(uploaded));
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(blocker));
    CHECK(cudaStreamDestroy(other));
    CHECK(cudaFree(d));
    CHECK(cudaFree(copies));
}

static std::atomic<int> destroyed{0};
static void CUDART_CB destroy_object(void *p)
{
    destroyed.fetch_add(*(int *)p);
}

static void wait_destroyed(int want)
{
    // Destructors run on another thread, soon after the last reference goes.
    for (int i = 0; i < 2000 && destroyed.load() != want; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ_LL(destroyed.load(), want);
}

static void user_objects(cudaStream_t s)
{
    static int one = 1;
    cudaUserObject_t obj;
    EXPECT_ERR(cudaUserObjectCreate(&obj, &one, destroy_object, 1, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaUserObjectCreate(&obj, &one, destroy_object, 0,
                                    cudaUserObjectNoDestructorSync),
               cudaErrorInvalidValue);
    CHECK(cudaUserObjectCreate(&obj, &one, destroy_object, 1, cudaUserObjectNoDestructorSync));
    CHECK(cudaUserObjectRetain(obj, 2));
    CHECK(cudaUserObjectRelease(obj, 2));
    EXPECT_EQ_LL(destroyed.load(), 0);

    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphNode_t e;
    CHECK(cudaGraphAddEmptyNode(&e, g, NULL, 0));
    // Move the caller's reference to the graph; the executable graph gets its own.
    CHECK(cudaGraphRetainUserObject(g, obj, 1, cudaGraphUserObjectMove));
    EXPECT_ERR(cudaGraphReleaseUserObject(g, obj, 2), cudaErrorInvalidValue); // holds one
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    CHECK(cudaGraphDestroy(g));
    EXPECT_EQ_LL(destroyed.load(), 0); // the executable graph still holds it
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaStreamSynchronize(s));
    wait_destroyed(1);
    EXPECT_ERR(cudaUserObjectRetain(obj, 1), cudaErrorInvalidValue); // gone

    // References taken (not moved) by a graph and released by it.
    CHECK(cudaUserObjectCreate(&obj, &one, destroy_object, 1, cudaUserObjectNoDestructorSync));
    CHECK(cudaGraphCreate(&g, 0));
    CHECK(cudaGraphRetainUserObject(g, obj, 3, 0));
    CHECK(cudaGraphReleaseUserObject(g, obj, 3));
    CHECK(cudaUserObjectRelease(obj, 1));
    wait_destroyed(2);
    EXPECT_ERR(cudaGraphRetainUserObject(g, obj, 1, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaUserObjectRelease(obj, 0), cudaErrorInvalidValue);
    CHECK(cudaGraphDestroy(g));
}

int main()
{
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    node_setters(s);
    whole_graph_update(s);
    launches_in_flight(s);
    user_objects(s);
    CHECK(cudaStreamDestroy(s));
    return finish("graph_exec");
}
