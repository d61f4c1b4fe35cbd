// graph_cond.cu - conditional nodes: IF (with and without ELSE), WHILE and SWITCH, evaluated
// when the node is reached, from the handle's default value or from a value set by a kernel
// that runs before the node.  Device code normally sets the value with
// cudaGraphSetConditional; cushim's handle is the device address of the 32-bit value (see
// shim/graph_cond.c), and the kernels here store to it directly, which is the same operation.
#include "common.h"

__global__ void set_cond(cudaGraphConditionalHandle h, unsigned v)
{
    *(unsigned *)h = v;
}

__global__ void set_cond_from(cudaGraphConditionalHandle h, const int *value)
{
    *(unsigned *)h = (unsigned)*value;
}

__global__ void bump(int *counter, int by)
{
    *counter += by;
}

// One loop iteration: count down, keep going while something is left.
__global__ void countdown(int *left, int *iterations, cudaGraphConditionalHandle h)
{
    *left -= 1;
    *iterations += 1;
    *(unsigned *)h = *left > 0;
}

static int *counters; // device: [0] if-body, [1] else-body, [2..4] switch bodies, [5] loop left,
                      // [6] loop iterations, [7] switch selector, [8] nested
static const int NCOUNTERS = 9;

static void reset()
{
    CHECK(cudaMemset(counters, 0, NCOUNTERS * sizeof(int)));
}

static void read(int *h)
{
    CHECK(cudaMemcpy(h, counters, NCOUNTERS * sizeof(int), cudaMemcpyDeviceToHost));
}

static cudaGraphNode_t add_kernel(cudaGraph_t g, const cudaGraphNode_t *deps, size_t n,
                                  void *func, void **args)
{
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeKernel;
    p.kernel.func = func;
    p.kernel.gridDim = dim3(1);
    p.kernel.blockDim = dim3(1);
    p.kernel.kernelParams = args;
    cudaGraphNode_t node;
    CHECK(cudaGraphAddNode(&node, g, deps, NULL, n, &p));
    return node;
}

static cudaGraph_t *add_conditional(cudaGraph_t g, const cudaGraphNode_t *deps, size_t n,
                                    cudaGraphConditionalHandle h,
                                    cudaGraphConditionalNodeType type, unsigned size,
                                    cudaGraphNode_t *out)
{
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeConditional;
    p.conditional.handle = h;
    p.conditional.type = type;
    p.conditional.size = size;
    CHECK(cudaGraphAddNode(out, g, deps, NULL, n, &p));
    EXPECT(p.conditional.phGraph_out != NULL);
    return p.conditional.phGraph_out;
}

static void launch(cudaGraph_t g, int times)
{
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    for (int i = 0; i < times; i++)
        CHECK(cudaGraphLaunch(exec, 0));
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaGraphExecDestroy(exec));
}

static void if_from_defaults_and_kernels()
{
    int h[NCOUNTERS];
    int one = 1;
    int *if_counter = counters;
    void *bump_args[] = {&if_counter, &one};
    for (unsigned dflt = 0; dflt <= 1; dflt++) {
        cudaGraph_t g;
        CHECK(cudaGraphCreate(&g, 0));
        cudaGraphConditionalHandle handle;
        CHECK(cudaGraphConditionalHandleCreate(&handle, g, dflt, cudaGraphCondAssignDefault));
        cudaGraphNode_t cond;
        cudaGraph_t *body = add_conditional(g, NULL, 0, handle, cudaGraphCondTypeIf, 1, &cond);
        add_kernel(body[0], NULL, 0, (void *)bump, bump_args);
        reset();
        launch(g, 3);
        read(h);
        EXPECT_EQ_LL(h[0], dflt ? 3 : 0);
        CHECK(cudaGraphDestroy(g));
    }

    // A kernel before the node decides; the ELSE body runs otherwise.
    int *else_counter = counters + 1;
    void *else_args[] = {&else_counter, &one};
    for (unsigned value = 0; value <= 1; value++) {
        cudaGraph_t g;
        CHECK(cudaGraphCreate(&g, 0));
        cudaGraphConditionalHandle handle;
        CHECK(cudaGraphConditionalHandleCreate(&handle, g, 0, 0));
        void *set_args[] = {&handle, &value};
        cudaGraphNode_t setter = add_kernel(g, NULL, 0, (void *)set_cond, set_args);
        cudaGraphNode_t cond;
        cudaGraph_t *bodies =
            add_conditional(g, &setter, 1, handle, cudaGraphCondTypeIf, 2, &cond);
        add_kernel(bodies[0], NULL, 0, (void *)bump, bump_args);
        add_kernel(bodies[1], NULL, 0, (void *)bump, else_args);
        reset();
        launch(g, 2);
        read(h);
        EXPECT_EQ_LL(h[0], value ? 2 : 0);
        EXPECT_EQ_LL(h[1], value ? 0 : 2);
        CHECK(cudaGraphDestroy(g));
    }
}

static void while_loops()
{
    int h[NCOUNTERS];
    int *left = counters + 5, *iterations = counters + 6;
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphConditionalHandle handle;
    // Reset to 1 at each launch: the loop always starts.
    CHECK(cudaGraphConditionalHandleCreate(&handle, g, 1, cudaGraphCondAssignDefault));
    cudaGraphNode_t loop;
    cudaGraph_t *body = add_conditional(g, NULL, 0, handle, cudaGraphCondTypeWhile, 1, &loop);
    void *args[] = {&left, &iterations, &handle};
    add_kernel(body[0], NULL, 0, (void *)countdown, args);
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    reset();
    int five = 5;
    CHECK(cudaMemcpy(left, &five, sizeof five, cudaMemcpyHostToDevice));
    CHECK(cudaGraphLaunch(exec, 0));
    CHECK(cudaDeviceSynchronize());
    read(h);
    EXPECT_EQ_LL(h[5], 0);
    EXPECT_EQ_LL(h[6], 5);
    // Again, with another count set in stream order before the launch.
    int seven = 7;
    CHECK(cudaMemcpy(left, &seven, sizeof seven, cudaMemcpyHostToDevice));
    CHECK(cudaGraphLaunch(exec, 0));
    CHECK(cudaDeviceSynchronize());
    read(h);
    EXPECT_EQ_LL(h[6], 12);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));

    // Without cudaGraphCondAssignDefault the default is only the first value: the loop left
    // it at 0, so the second launch does not enter the loop.
    CHECK(cudaGraphCreate(&g, 0));
    CHECK(cudaGraphConditionalHandleCreate(&handle, g, 1, 0));
    body = add_conditional(g, NULL, 0, handle, cudaGraphCondTypeWhile, 1, &loop);
    add_kernel(body[0], NULL, 0, (void *)countdown, args);
    reset();
    int three = 3;
    CHECK(cudaMemcpy(left, &three, sizeof three, cudaMemcpyHostToDevice));
    launch(g, 2);
    read(h);
    EXPECT_EQ_LL(h[6], 3);
    CHECK(cudaGraphDestroy(g));
}

static void switches_and_nesting()
{
    int h[NCOUNTERS];
    int one = 1;
    int *selector = counters + 7;
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphConditionalHandle handle;
    CHECK(cudaGraphConditionalHandleCreate(&handle, g, 0, 0));
    void *set_args[] = {&handle, &selector};
    cudaGraphNode_t setter = add_kernel(g, NULL, 0, (void *)set_cond_from, set_args);
    cudaGraphNode_t sw;
    cudaGraph_t *bodies = add_conditional(g, &setter, 1, handle, cudaGraphCondTypeSwitch, 3, &sw);
    int *slot[3] = {counters + 2, counters + 3, counters + 4};
    void *args0[] = {&slot[0], &one}, *args1[] = {&slot[1], &one}, *args2[] = {&slot[2], &one};
    add_kernel(bodies[0], NULL, 0, (void *)bump, args0);
    add_kernel(bodies[1], NULL, 0, (void *)bump, args1);
    // The third body holds an IF of its own, always taken.
    cudaGraphConditionalHandle inner;
    CHECK(cudaGraphConditionalHandleCreate(&inner, g, 1, cudaGraphCondAssignDefault));
    cudaGraphNode_t nested;
    cudaGraph_t *inner_body =
        add_conditional(bodies[2], NULL, 0, inner, cudaGraphCondTypeIf, 1, &nested);
    add_kernel(inner_body[0], NULL, 0, (void *)bump, args2);
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    reset();
    int choices[] = {0, 1, 2, 2, 7}; // 7: no body
    for (int c : choices) {
        CHECK(cudaMemcpy(selector, &c, sizeof c, cudaMemcpyHostToDevice));
        CHECK(cudaGraphLaunch(exec, 0));
    }
    // Destroyed while its launches are still queued: they still run.
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaDeviceSynchronize());
    read(h);
    EXPECT_EQ_LL(h[2], 1);
    EXPECT_EQ_LL(h[3], 1);
    EXPECT_EQ_LL(h[4], 2);

    // Conditional graphs cannot be cloned or made child graphs; their nodes keep their
    // parameters.
    cudaGraph_t clone;
    EXPECT_ERR(cudaGraphClone(&clone, g), cudaErrorNotSupported);
    cudaGraph_t parent;
    CHECK(cudaGraphCreate(&parent, 0));
    cudaGraphNode_t child;
    EXPECT_ERR(cudaGraphAddChildGraphNode(&child, parent, NULL, 0, g), cudaErrorNotSupported);
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeConditional;
    EXPECT_ERR(cudaGraphNodeSetParams(sw, &p), cudaErrorNotSupported);
    CHECK(cudaGraphDestroy(parent));
    // A body belongs to its node.
    EXPECT_ERR(cudaGraphDestroy(bodies[0]), cudaErrorInvalidValue);
    CHECK(cudaGraphDestroy(g));
}

// The pattern of NVIDIA's graphConditionalNodes sample: a conditional added to a graph being
// captured, its body filled by capturing into it.
static void conditional_in_a_capture()
{
    int h[NCOUNTERS];
    int *left = counters + 5, *iterations = counters + 6;
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    cudaStreamCaptureStatus status;
    cudaGraph_t g;
    const cudaGraphNode_t *deps;
    size_t ndeps;
    CHECK(cudaStreamGetCaptureInfo(s, &status, NULL, &g, &deps, NULL, &ndeps));
    cudaGraphConditionalHandle handle;
    CHECK(cudaGraphConditionalHandleCreate(&handle, g, 1, cudaGraphCondAssignDefault));
    CHECK(cudaMemsetAsync(iterations, 0, sizeof(int), s));
    CHECK(cudaStreamGetCaptureInfo(s, &status, NULL, &g, &deps, NULL, &ndeps));
    cudaGraphNode_t loop;
    cudaGraph_t *body = add_conditional(g, deps, ndeps, handle, cudaGraphCondTypeWhile, 1, &loop);
    CHECK(cudaStreamUpdateCaptureDependencies(s, &loop, NULL, 1,
                                              cudaStreamSetCaptureDependencies));
    int one = 1, *after = counters + 8;
    bump<<<1, 1, 0, s>>>(after, one);
    cudaGraph_t captured;
    CHECK(cudaStreamEndCapture(s, &captured));
    EXPECT(captured == g);

    CHECK(cudaStreamBeginCaptureToGraph(s, body[0], NULL, NULL, 0, cudaStreamCaptureModeGlobal));
    countdown<<<1, 1, 0, s>>>(left, iterations, handle);
    CHECK(cudaStreamEndCapture(s, NULL));

    reset();
    int four = 4;
    CHECK(cudaMemcpy(left, &four, sizeof four, cudaMemcpyHostToDevice));
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    read(h);
    EXPECT_EQ_LL(h[6], 4);
    EXPECT_EQ_LL(h[8], 1);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(s));
}

static void handle_and_node_errors()
{
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    cudaGraphConditionalHandle handle;
    EXPECT_ERR(cudaGraphConditionalHandleCreate(&handle, g, 0, 2), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphConditionalHandleCreate(NULL, g, 0, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGraphConditionalHandleCreate(&handle, (cudaGraph_t)0x1234, 0, 0),
               cudaErrorInvalidValue);
    CHECK(cudaGraphConditionalHandleCreate(&handle, g, 0, 0));
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeConditional;
    p.conditional.handle = handle + 4; // not a handle
    p.conditional.type = cudaGraphCondTypeIf;
    p.conditional.size = 1;
    cudaGraphNode_t node;
    EXPECT_ERR(cudaGraphAddNode(&node, g, NULL, NULL, 0, &p), cudaErrorInvalidValue);
    p.conditional.handle = handle;
    p.conditional.size = 3; // IF takes one body, or two with ELSE
    EXPECT_ERR(cudaGraphAddNode(&node, g, NULL, NULL, 0, &p), cudaErrorInvalidValue);
    p.conditional.type = cudaGraphCondTypeWhile;
    p.conditional.size = 2;
    EXPECT_ERR(cudaGraphAddNode(&node, g, NULL, NULL, 0, &p), cudaErrorInvalidValue);
    p.conditional.type = cudaGraphCondTypeSwitch;
    p.conditional.size = 0;
    EXPECT_ERR(cudaGraphAddNode(&node, g, NULL, NULL, 0, &p), cudaErrorInvalidValue);
    CHECK(cudaGraphDestroy(g));
}

int main()
{
    CHECK(cudaMalloc(&counters, NCOUNTERS * sizeof(int)));
    if_from_defaults_and_kernels();
    while_loops();
    switches_and_nesting();
    conditional_in_a_capture();
    handle_and_node_errors();
    CHECK(cudaFree(counters));
    return finish("graph_cond");
}
