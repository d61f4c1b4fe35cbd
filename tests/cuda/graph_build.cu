// graph_build.cu - graphs built node by node: every node kind the runtime can run (kernel,
// copies of each shape, fills of 1/2/4-byte elements, host, child graph, empty, event record
// and wait), the queries of structure and parameters, edges added and removed, clones, the
// DOT dump, and the errors NVIDIA answers for bad handles, cycles and bad edges.  Results are
// checked against values computed on the host.
#include <string>
#include <unistd.h>

#include "common.h"

__global__ void saxpy(float *y, const float *x, float a, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = a * x[i] + y[i];
}

__global__ void add_one(int *p, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] += 1;
}

__device__ int symbol_data[8];

static int host_value = 0;
static void CUDART_CB host_fn(void *data)
{
    host_value += *(int *)data;
}

static size_t count_nodes(cudaGraph_t g)
{
    size_t n = 0;
    CHECK(cudaGraphGetNodes(g, NULL, &n));
    return n;
}

static void run_once(cudaGraph_t g)
{
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    CHECK(cudaGraphLaunch(exec, 0));
    CHECK(cudaStreamSynchronize(0));
    CHECK(cudaGraphExecDestroy(exec));
}

// memcpy in -> kernel -> memcpy out, with fills and a host node, like simpleCudaGraphs.
static void every_node_kind()
{
    const int n = 1000;
    float hx[n], hy[n], out[n];
    for (int i = 0; i < n; i++) {
        hx[i] = (float)i;
        hy[i] = 0.5f * i;
    }
    float *x, *y;
    CHECK(cudaMalloc(&x, n * sizeof(float)));
    CHECK(cudaMalloc(&y, n * sizeof(float)));
    unsigned *pattern;
    CHECK(cudaMalloc(&pattern, 64 * sizeof(unsigned)));
    unsigned short *halves;
    CHECK(cudaMalloc(&halves, 32 * sizeof(unsigned short)));

    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    EXPECT_ERR(cudaGraphCreate(&g, 1), cudaErrorInvalidValue);
    cudaGraphNode_t copy_x, copy_y, kernel, copy_out, fill32, fill16, host, empty;
    CHECK(cudaGraphAddMemcpyNode1D(&copy_x, g, NULL, 0, x, hx, sizeof hx,
                                   cudaMemcpyHostToDevice));
    struct cudaMemcpy3DParms p3 = {};
    p3.srcPtr = make_cudaPitchedPtr(hy, sizeof hy, n, 1);
    p3.dstPtr = make_cudaPitchedPtr(y, sizeof hy, n, 1);
    p3.extent = make_cudaExtent(sizeof hy, 1, 1);
    p3.kind = cudaMemcpyDefault;
    CHECK(cudaGraphAddMemcpyNode(&copy_y, g, NULL, 0, &p3));
    float a = 2.0f;
    int count = n;
    void *args[] = {&y, &x, &a, &count};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)saxpy;
    kp.gridDim = dim3((n + 255) / 256);
    kp.blockDim = dim3(256);
    kp.kernelParams = args;
    cudaGraphNode_t both[] = {copy_x, copy_y};
    CHECK(cudaGraphAddKernelNode(&kernel, g, both, 2, &kp));
    a = 100.0f; // the node copied the argument values when it was made
    CHECK(cudaGraphAddMemcpyNode1D(&copy_out, g, &kernel, 1, out, y, sizeof out,
                                   cudaMemcpyDeviceToHost));
    struct cudaMemsetParams mp = {};
    mp.dst = pattern;
    mp.value = 0x12345678u; // bytes differ: a real 32-bit fill
    mp.elementSize = 4;
    mp.width = 16;
    mp.height = 4;
    mp.pitch = 16 * sizeof(unsigned);
    CHECK(cudaGraphAddMemsetNode(&fill32, g, NULL, 0, &mp));
    mp.dst = halves;
    mp.value = 0xabcd;
    mp.elementSize = 2;
    mp.width = 32;
    mp.height = 1;
    mp.pitch = 0; // one row: the pitch is not used
    CHECK(cudaGraphAddMemsetNode(&fill16, g, NULL, 0, &mp));
    static int three = 3;
    struct cudaHostNodeParams hp = {host_fn, &three};
    cudaGraphNode_t after[] = {copy_out, fill32, fill16};
    CHECK(cudaGraphAddHostNode(&host, g, after, 3, &hp));
    CHECK(cudaGraphAddEmptyNode(&empty, g, &host, 1));

    EXPECT_EQ_LL(count_nodes(g), 8);
    size_t roots = 0;
    CHECK(cudaGraphGetRootNodes(g, NULL, &roots));
    EXPECT_EQ_LL(roots, 4);
    size_t edges = 0;
    CHECK(cudaGraphGetEdges(g, NULL, NULL, NULL, &edges));
    EXPECT_EQ_LL(edges, 7);
    cudaGraphNode_t from[8], to[8];
    size_t asked = 8;
    CHECK(cudaGraphGetEdges(g, from, to, NULL, &asked));
    EXPECT_EQ_LL(asked, 7);
    EXPECT(to[7] == NULL); // the rest is cleared
    size_t ndeps = 0;
    CHECK(cudaGraphNodeGetDependencies(kernel, NULL, NULL, &ndeps));
    EXPECT_EQ_LL(ndeps, 2);
    cudaGraphNode_t dependents[2];
    size_t nout = 2;
    CHECK(cudaGraphNodeGetDependentNodes(kernel, dependents, NULL, &nout));
    EXPECT_EQ_LL(nout, 1);
    EXPECT(dependents[0] == copy_out);

    // Parameters read back as they were given.
    struct cudaKernelNodeParams got;
    CHECK(cudaGraphKernelNodeGetParams(kernel, &got));
    EXPECT(got.func == (void *)saxpy);
    EXPECT(*(float *)got.kernelParams[2] == 2.0f);
    struct cudaMemsetParams gm;
    CHECK(cudaGraphMemsetNodeGetParams(fill32, &gm));
    EXPECT_EQ_LL(gm.value, 0x12345678u);
    EXPECT_EQ_LL(gm.height, 4);
    struct cudaMemcpy3DParms gc;
    CHECK(cudaGraphMemcpyNodeGetParams(copy_y, &gc));
    EXPECT(gc.kind == cudaMemcpyDefault && gc.dstPtr.ptr == y);
    struct cudaHostNodeParams gh;
    CHECK(cudaGraphHostNodeGetParams(host, &gh));
    EXPECT(gh.fn == host_fn && gh.userData == &three);
    // Asking a node of another kind is an error.
    EXPECT_ERR(cudaGraphKernelNodeGetParams(host, &got), cudaErrorInvalidValue);

    host_value = 0;
    run_once(g);
    for (int i = 0; i < n; i++)
        EXPECT(out[i] == 2.0f * i + 0.5f * i);
    EXPECT_EQ_LL(host_value, 3);
    unsigned hp32[64];
    CHECK(cudaMemcpy(hp32, pattern, sizeof hp32, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(hp32[0], 0x12345678u);
    EXPECT_EQ_LL(hp32[63], 0x12345678u);
    unsigned short h16[32];
    CHECK(cudaMemcpy(h16, halves, sizeof h16, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h16[31], 0xabcd);

    // Changing a node's parameters changes the next instantiation.
    a = 1.0f;
    CHECK(cudaGraphKernelNodeSetParams(kernel, &kp));
    hp.userData = &count;
    CHECK(cudaGraphHostNodeSetParams(host, &hp));
    host_value = 0;
    run_once(g);
    EXPECT(out[10] == 1.0f * 10 + 0.5f * 10);
    EXPECT_EQ_LL(host_value, n);

    CHECK(cudaGraphDestroy(g));
    // A destroyed graph and its nodes are no longer valid handles.
    EXPECT_ERR(cudaGraphGetNodes(g, NULL, &edges), cudaErrorInvalidValue);
    enum cudaGraphNodeType type;
    EXPECT_ERR(cudaGraphNodeGetType(kernel, &type), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphDestroy(g), cudaErrorInvalidValue);
    CHECK(cudaFree(x));
    CHECK(cudaFree(y));
    CHECK(cudaFree(pattern));
    CHECK(cudaFree(halves));
}

static void symbols_children_and_events()
{
    int values[8] = {1, 2, 3, 4, 5, 6, 7, 8}, back[8] = {0};
    int *d;
    CHECK(cudaMalloc(&d, sizeof values));
    cudaGraph_t child, g;
    CHECK(cudaGraphCreate(&child, 0));
    cudaGraphNode_t to_symbol, from_symbol;
    CHECK(cudaGraphAddMemcpyNodeToSymbol(&to_symbol, child, NULL, 0, symbol_data, values,
                                         sizeof values, 0, cudaMemcpyHostToDevice));
    CHECK(cudaGraphAddMemcpyNodeFromSymbol(&from_symbol, child, &to_symbol, 1, d, symbol_data,
                                           sizeof values, 0, cudaMemcpyDeviceToDevice));
    EXPECT_ERR(cudaGraphAddMemcpyNodeToSymbol(&to_symbol, child, NULL, 0, symbol_data, values,
                                              sizeof values, 4, cudaMemcpyHostToDevice),
               cudaErrorInvalidValue); // past the end of the variable

    CHECK(cudaGraphCreate(&g, 0));
    cudaEvent_t ev;
    CHECK(cudaEventCreate(&ev));
    cudaGraphNode_t child_node, record, wait, kernel;
    CHECK(cudaGraphAddChildGraphNode(&child_node, g, NULL, 0, child));
    // The child is a copy: changing the original does not change the node.
    cudaGraphNode_t extra;
    CHECK(cudaGraphAddEmptyNode(&extra, child, NULL, 0));
    cudaGraph_t inside;
    CHECK(cudaGraphChildGraphNodeGetGraph(child_node, &inside));
    EXPECT_EQ_LL(count_nodes(inside), 2);
    EXPECT_ERR(cudaGraphDestroy(inside), cudaErrorInvalidValue); // owned by its node
    CHECK(cudaGraphAddEventRecordNode(&record, g, &child_node, 1, ev));
    CHECK(cudaGraphAddEventWaitNode(&wait, g, &record, 1, ev));
    int count = 8;
    void *args[] = {&d, &count};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)add_one;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(8);
    kp.kernelParams = args;
    CHECK(cudaGraphAddKernelNode(&kernel, g, &wait, 1, &kp));
    cudaEvent_t got;
    CHECK(cudaGraphEventRecordNodeGetEvent(record, &got));
    EXPECT(got == ev);
    EXPECT_ERR(cudaGraphAddEventRecordNode(&record, g, NULL, 0, (cudaEvent_t)0x1234),
               cudaErrorInvalidValue);

    run_once(g);
    CHECK(cudaMemcpy(back, d, sizeof back, cudaMemcpyDeviceToHost));
    for (int i = 0; i < 8; i++)
        EXPECT_EQ_LL(back[i], values[i] + 1);
    CHECK(cudaEventSynchronize(ev)); // recorded by the graph

    // Clone: a copy with its own nodes, found from the original's.
    cudaGraph_t clone;
    CHECK(cudaGraphClone(&clone, g));
    EXPECT_EQ_LL(count_nodes(clone), 4);
    cudaGraphNode_t cloned_kernel;
    CHECK(cudaGraphNodeFindInClone(&cloned_kernel, kernel, clone));
    EXPECT(cloned_kernel != kernel);
    enum cudaGraphNodeType type;
    CHECK(cudaGraphNodeGetType(cloned_kernel, &type));
    EXPECT(type == cudaGraphNodeTypeKernel);
    EXPECT_ERR(cudaGraphNodeFindInClone(&cloned_kernel, extra, clone), cudaErrorInvalidValue);
    run_once(clone);
    CHECK(cudaMemcpy(back, d, sizeof back, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(back[7], 9);

    // The DOT description names the nodes and their kinds.
    char path[] = "/tmp/cushim-graph-XXXXXX";
    int fd = mkstemp(path);
    EXPECT(fd >= 0);
    CHECK(cudaGraphDebugDotPrint(g, path, cudaGraphDebugDotFlagsVerbose));
    FILE *f = fopen(path, "r");
    std::string text;
    char buf[512];
    while (f != NULL && fgets(buf, sizeof buf, f) != NULL)
        text += buf;
    if (f != NULL)
        fclose(f);
    unlink(path);
    EXPECT(text.find("digraph") != std::string::npos);
    EXPECT(text.find("KERNEL") != std::string::npos);
    EXPECT(text.find("add_one") != std::string::npos);
    EXPECT(text.find("CHILD_GRAPH") != std::string::npos);
    EXPECT(text.find("EVENT_RECORD") != std::string::npos);
    EXPECT(text.find("->") != std::string::npos);
    EXPECT_ERR(cudaGraphDebugDotPrint(g, "/nonexistent-dir/x.dot", 0), cudaErrorOperatingSystem);

    // Edges name nodes by their position in creation order, whatever order the dependencies
    // were given in: a small DAG and a 3000-node chain (edges looked up through a sorted table).
    cudaGraph_t dag;
    CHECK(cudaGraphCreate(&dag, 0));
    cudaGraphNode_t dn[3003];
    CHECK(cudaGraphAddEmptyNode(&dn[0], dag, nullptr, 0));
    CHECK(cudaGraphAddEmptyNode(&dn[1], dag, nullptr, 0));
    cudaGraphNode_t deps2[2] = {dn[1], dn[0]};
    CHECK(cudaGraphAddEmptyNode(&dn[2], dag, deps2, 2));
    for (int i = 3; i < 3003; i++)
        CHECK(cudaGraphAddEmptyNode(&dn[i], dag, &dn[i - 1], 1));
    char path2[] = "/tmp/cushim-graph-XXXXXX";
    int fd2 = mkstemp(path2);
    EXPECT(fd2 >= 0);
    if (fd2 >= 0)
        close(fd2);
    CHECK(cudaGraphDebugDotPrint(dag, path2, 0));
    text.clear();
    f = fopen(path2, "r");
    while (f != NULL && fgets(buf, sizeof buf, f) != NULL)
        text += buf;
    if (f != NULL)
        fclose(f);
    unlink(path2);
    EXPECT(text.find("\"graph_1\" -> \"graph_2\";\n\"graph_0\" -> \"graph_2\";") != std::string::npos);
    EXPECT(text.find("\"graph_2\" -> \"graph_3\";") != std::string::npos);
    EXPECT(text.find("\"graph_3001\" -> \"graph_3002\";") != std::string::npos);
    CHECK(cudaGraphDestroy(dag));

    CHECK(cudaGraphDestroy(clone));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaGraphDestroy(child));
    CHECK(cudaEventDestroy(ev));
    CHECK(cudaFree(d));
}

static void edges_and_errors()
{
    cudaGraph_t g, other;
    CHECK(cudaGraphCreate(&g, 0));
    CHECK(cudaGraphCreate(&other, 0));
    cudaGraphNode_t a, b, c, foreign;
    CHECK(cudaGraphAddEmptyNode(&a, g, NULL, 0));
    CHECK(cudaGraphAddEmptyNode(&b, g, NULL, 0));
    CHECK(cudaGraphAddEmptyNode(&c, g, NULL, 0));
    CHECK(cudaGraphAddEmptyNode(&foreign, other, NULL, 0));
    cudaGraphNode_t dup[] = {a, a};
    EXPECT_ERR(cudaGraphAddEmptyNode(&c, g, dup, 2), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddEmptyNode(&c, g, &foreign, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddEmptyNode(&c, g, NULL, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddEmptyNode(NULL, g, NULL, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddEmptyNode(&c, (cudaGraph_t)0x4321, NULL, 0), cudaErrorInvalidValue);
    CHECK(cudaGraphAddDependencies(g, &a, &b, NULL, 1));
    CHECK(cudaGraphAddDependencies(g, &b, &c, NULL, 1));
    EXPECT_ERR(cudaGraphAddDependencies(g, &a, &b, NULL, 1), cudaErrorInvalidValue); // exists
    EXPECT_ERR(cudaGraphAddDependencies(g, &a, &foreign, NULL, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphAddDependencies(g, &a, &a, NULL, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphRemoveDependencies(g, &a, &c, NULL, 1), cudaErrorInvalidValue);
    // Edge data: an empty node has only the default port.
    cudaGraphEdgeData programmatic = {};
    programmatic.from_port = cudaGraphKernelNodePortProgrammatic;
    programmatic.type = cudaGraphDependencyTypeProgrammatic;
    EXPECT_ERR(cudaGraphAddDependencies(g, &a, &c, &programmatic, 1), cudaErrorInvalidValue);

    // A cycle cannot be instantiated.
    CHECK(cudaGraphAddDependencies(g, &c, &a, NULL, 1));
    cudaGraphExec_t exec;
    cudaGraphInstantiateParams ip = {};
    EXPECT_ERR(cudaGraphInstantiateWithParams(&exec, g, &ip), cudaErrorInvalidValue);
    EXPECT(ip.result_out == cudaGraphInstantiateInvalidStructure);
    EXPECT(ip.errNode_out == a || ip.errNode_out == b || ip.errNode_out == c);
    CHECK(cudaGraphRemoveDependencies(g, &c, &a, NULL, 1));
    CHECK(cudaGraphInstantiateWithParams(&exec, g, &ip));
    EXPECT(ip.result_out == cudaGraphInstantiateSuccess);
    CHECK(cudaGraphExecDestroy(exec));

    // Removing a node severs its edges.
    CHECK(cudaGraphDestroyNode(b));
    size_t edges = 0;
    CHECK(cudaGraphGetEdges(g, NULL, NULL, NULL, &edges));
    EXPECT_EQ_LL(edges, 0);
    EXPECT_ERR(cudaGraphDestroyNode(b), cudaErrorInvalidValue);
    EXPECT_EQ_LL(count_nodes(g), 2);

    // Edge data on kernel nodes: reading it back without an array loses it.
    int *d;
    CHECK(cudaMalloc(&d, 64 * sizeof(int)));
    int n = 64;
    void *args[] = {&d, &n};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)add_one;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(64);
    kp.kernelParams = args;
    cudaGraphNode_t k1, k2;
    CHECK(cudaGraphAddKernelNode(&k1, g, NULL, 0, &kp));
    CHECK(cudaGraphAddKernelNode(&k2, g, NULL, 0, &kp));
    CHECK(cudaGraphAddDependencies(g, &k1, &k2, &programmatic, 1));
    cudaGraphNode_t deps[1];
    size_t nd = 1;
    EXPECT_ERR(cudaGraphNodeGetDependencies(k2, deps, NULL, &nd), cudaErrorLossyQuery);
    cudaGraphEdgeData data[1];
    nd = 1;
    CHECK(cudaGraphNodeGetDependencies(k2, deps, data, &nd));
    EXPECT(deps[0] == k1 && data[0].type == cudaGraphDependencyTypeProgrammatic);
    size_t ne = 4;
    cudaGraphNode_t ef[4], et[4];
    EXPECT_ERR(cudaGraphGetEdges(g, ef, et, NULL, &ne), cudaErrorLossyQuery);
    // A kernel without its arguments, or with both forms, is refused.
    kp.kernelParams = NULL;
    EXPECT_ERR(cudaGraphAddKernelNode(&k1, g, NULL, 0, &kp), cudaErrorInvalidValue);
    kp.func = (void *)0x1234;
    kp.kernelParams = args;
    EXPECT_ERR(cudaGraphAddKernelNode(&k1, g, NULL, 0, &kp), cudaErrorInvalidDeviceFunction);
    kp.func = (void *)add_one;
    kp.blockDim = dim3(2048);
    EXPECT_ERR(cudaGraphAddKernelNode(&k1, g, NULL, 0, &kp), cudaErrorInvalidValue);
    // Copies are checked like cudaMemcpy's.
    int host[4];
    EXPECT_ERR(cudaGraphAddMemcpyNode1D(&k1, g, NULL, 0, d + 62, host, sizeof host,
                                        cudaMemcpyHostToDevice),
               cudaErrorInvalidValue);
    struct cudaMemsetParams mp = {};
    mp.dst = d;
    mp.elementSize = 3;
    mp.width = 4;
    mp.height = 1;
    EXPECT_ERR(cudaGraphAddMemsetNode(&k1, g, NULL, 0, &mp), cudaErrorInvalidValue);
    // External semaphores do not exist here.
    struct cudaExternalSemaphoreSignalNodeParams sp = {};
    EXPECT_ERR(cudaGraphAddExternalSemaphoresSignalNode(&k1, g, NULL, 0, &sp),
               cudaErrorNotSupported);

    // The generic form: cudaGraphAddNode with a kernel and an empty node.
    cudaGraphNodeParams np = {};
    np.type = cudaGraphNodeTypeKernel;
    np.kernel.func = (void *)add_one;
    np.kernel.gridDim = dim3(1);
    np.kernel.blockDim = dim3(64);
    np.kernel.kernelParams = args;
    cudaGraphNode_t k3;
    CHECK(cudaGraphAddNode(&k3, g, &k2, NULL, 1, &np));
    np.reserved0[1] = 5; // unused bytes must be zero
    EXPECT_ERR(cudaGraphAddNode(&k1, g, NULL, NULL, 0, &np), cudaErrorInvalidValue);
    np = cudaGraphNodeParams{};
    np.type = cudaGraphNodeTypeEmpty;
    cudaGraphNode_t e;
    CHECK(cudaGraphAddNode(&e, g, &k3, NULL, 1, &np));
    CHECK(cudaMemset(d, 0, 64 * sizeof(int)));
    run_once(g);
    int h[64];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[63], 3);
    // cudaGraphNodeSetParams needs the node's own kind.
    EXPECT_ERR(cudaGraphNodeSetParams(k3, &np), cudaErrorInvalidValue);

    CHECK(cudaGraphDestroy(g));
    CHECK(cudaGraphDestroy(other));
    CHECK(cudaFree(d));
}

// Arguments packed into one buffer (`extra`), and kernel node attributes.
static void packed_arguments_and_attributes()
{
    int *d;
    CHECK(cudaMalloc(&d, 32 * sizeof(int)));
    CHECK(cudaMemset(d, 0, 32 * sizeof(int)));
    struct {
        int *p;
        int n;
        int pad;
    } packed = {d, 32, 0};
    size_t size = sizeof packed;
    void *extra[] = {(void *)0x01 /* CU_LAUNCH_PARAM_BUFFER_POINTER */, &packed,
                     (void *)0x02 /* CU_LAUNCH_PARAM_BUFFER_SIZE */, &size,
                     (void *)0x00 /* CU_LAUNCH_PARAM_END */};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)add_one;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(32);
    kp.extra = extra;
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphNode_t k, k2;
    CHECK(cudaGraphAddKernelNode(&k, g, NULL, 0, &kp));
    packed.n = 0; // copied when the node was made
    void *args[] = {&d, &packed.n};
    kp.kernelParams = args;
    EXPECT_ERR(cudaGraphAddKernelNode(&k2, g, NULL, 0, &kp), cudaErrorInvalidValue); // both
    kp.extra = NULL;
    packed.n = 16;
    CHECK(cudaGraphAddKernelNode(&k2, g, &k, 1, &kp));
    run_once(g);
    int h[32];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 2);
    EXPECT_EQ_LL(h[31], 1);

    cudaKernelNodeAttrValue v = {};
    CHECK(cudaGraphKernelNodeGetAttribute(k, cudaLaunchAttributePriority, &v));
    EXPECT_EQ_LL(v.priority, 0);
    v.priority = -3;
    CHECK(cudaGraphKernelNodeSetAttribute(k, cudaLaunchAttributePriority, &v));
    cudaKernelNodeAttrValue back = {};
    CHECK(cudaGraphKernelNodeGetAttribute(k, cudaLaunchAttributePriority, &back));
    EXPECT_EQ_LL(back.priority, -3);
    CHECK(cudaGraphKernelNodeCopyAttributes(k2, k));
    back.priority = 0;
    CHECK(cudaGraphKernelNodeGetAttribute(k2, cudaLaunchAttributePriority, &back));
    EXPECT_EQ_LL(back.priority, -3);
    EXPECT_ERR(cudaGraphKernelNodeGetAttribute(k, (cudaKernelNodeAttrID)99, &back),
               cudaErrorInvalidValue);
    v.clusterDim.x = 2;
    v.clusterDim.y = v.clusterDim.z = 1;
    EXPECT_ERR(cudaGraphKernelNodeSetAttribute(k, cudaLaunchAttributeClusterDimension, &v),
               cudaErrorNotSupported);
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaFree(d));
}

int main()
{
    packed_arguments_and_attributes();
    every_node_kind();
    symbols_children_and_events();
    edges_and_errors();
    return finish("graph_build");
}
