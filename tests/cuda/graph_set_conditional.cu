// nvcc-variants: sm_80 sm_90
// graph_set_conditional.cu - device code deciding conditional graph nodes through the device
// runtime's cudaGraphSetConditional (no -rdc needed): a WHILE loop whose body counts down and
// sets the handle from inside the loop, a SWITCH whose selector a kernel before it sets from a
// value in memory, and a setter run by many threads where only one (the last to count) sets.
#include "common.h"

__global__ void countdown(int *left, int *iterations, cudaGraphConditionalHandle h)
{
    *left -= 1;
    *iterations += 1;
    cudaGraphSetConditional(h, *left > 0 ? 1u : 0u);
}

__global__ void select_case(cudaGraphConditionalHandle h, const int *selector)
{
    cudaGraphSetConditional(h, (unsigned)*selector);
}

__global__ void bump(int *counter)
{
    *counter += 1;
}

// Every thread counts; the one that brings the count to the block size sets the handle.
__global__ void last_sets(int *count, cudaGraphConditionalHandle h)
{
    if (atomicAdd(count, 1) + 1 == (int)(blockDim.x * gridDim.x))
        cudaGraphSetConditional(h, 1);
}

static cudaGraphNode_t add_kernel(cudaGraph_t g, const cudaGraphNode_t *deps, size_t n, void *func, void **args,
                                  unsigned blocks = 1, unsigned threads = 1)
{
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeKernel;
    p.kernel.func = func;
    p.kernel.gridDim = dim3(blocks);
    p.kernel.blockDim = dim3(threads);
    p.kernel.kernelParams = args;
    cudaGraphNode_t node;
    CHECK(cudaGraphAddNode(&node, g, deps, NULL, n, &p));
    return node;
}

static cudaGraph_t *add_conditional(cudaGraph_t g, const cudaGraphNode_t *deps, size_t n, cudaGraphConditionalHandle h,
                                    cudaGraphConditionalNodeType type, unsigned size)
{
    cudaGraphNodeParams p = {};
    p.type = cudaGraphNodeTypeConditional;
    p.conditional.handle = h;
    p.conditional.type = type;
    p.conditional.size = size;
    cudaGraphNode_t node;
    CHECK(cudaGraphAddNode(&node, g, deps, NULL, n, &p));
    return p.conditional.phGraph_out;
}

static void run(cudaGraph_t g)
{
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    CHECK(cudaGraphLaunch(exec, 0));
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaGraphExecDestroy(exec));
}

int main()
{
    int *d;
    CHECK(cudaMalloc(&d, 16 * sizeof(int)));

    { // WHILE: 5 iterations, the body's kernel ends the loop
        int init[2] = {5, 0};
        CHECK(cudaMemcpy(d, init, sizeof init, cudaMemcpyHostToDevice));
        cudaGraph_t g;
        CHECK(cudaGraphCreate(&g, 0));
        cudaGraphConditionalHandle h;
        CHECK(cudaGraphConditionalHandleCreate(&h, g, 1, cudaGraphCondAssignDefault));
        cudaGraph_t *body = add_conditional(g, NULL, 0, h, cudaGraphCondTypeWhile, 1);
        int *left = d, *iterations = d + 1;
        void *args[] = {&left, &iterations, &h};
        add_kernel(body[0], NULL, 0, (void *)countdown, args);
        run(g);
        int got[2];
        CHECK(cudaMemcpy(got, d, sizeof got, cudaMemcpyDeviceToHost));
        EXPECT_EQ_LL(got[0], 0);
        EXPECT_EQ_LL(got[1], 5);
        CHECK(cudaGraphDestroy(g));
    }

    for (int sel = 0; sel < 4; sel++) { // SWITCH over three bodies; 3 runs none
        int init[4] = {sel, 0, 0, 0};
        CHECK(cudaMemcpy(d, init, sizeof init, cudaMemcpyHostToDevice));
        cudaGraph_t g;
        CHECK(cudaGraphCreate(&g, 0));
        cudaGraphConditionalHandle h;
        CHECK(cudaGraphConditionalHandleCreate(&h, g, 0, 0));
        void *sargs[] = {&h, &d};
        cudaGraphNode_t setter = add_kernel(g, NULL, 0, (void *)select_case, sargs);
        cudaGraph_t *bodies = add_conditional(g, &setter, 1, h, cudaGraphCondTypeSwitch, 3);
        int *counters[3] = {d + 1, d + 2, d + 3};
        void *bargs[3][1] = {{&counters[0]}, {&counters[1]}, {&counters[2]}};
        for (int b = 0; b < 3; b++)
            add_kernel(bodies[b], NULL, 0, (void *)bump, bargs[b]);
        run(g);
        int got[4];
        CHECK(cudaMemcpy(got, d, sizeof got, cudaMemcpyDeviceToHost));
        for (int b = 0; b < 3; b++)
            EXPECT_EQ_LL(got[1 + b], b == sel ? 1 : 0);
        CHECK(cudaGraphDestroy(g));
    }

    { // IF set by one of 4 x 64 threads
        CHECK(cudaMemset(d, 0, 2 * sizeof(int)));
        cudaGraph_t g;
        CHECK(cudaGraphCreate(&g, 0));
        cudaGraphConditionalHandle h;
        CHECK(cudaGraphConditionalHandleCreate(&h, g, 0, cudaGraphCondAssignDefault));
        void *largs[] = {&d, &h};
        cudaGraphNode_t setter = add_kernel(g, NULL, 0, (void *)last_sets, largs, 4, 64);
        cudaGraph_t *body = add_conditional(g, &setter, 1, h, cudaGraphCondTypeIf, 1);
        int *flag = d + 1;
        void *bargs[] = {&flag};
        add_kernel(body[0], NULL, 0, (void *)bump, bargs);
        run(g);
        int got[2];
        CHECK(cudaMemcpy(got, d, sizeof got, cudaMemcpyDeviceToHost));
        EXPECT_EQ_LL(got[0], 256);
        EXPECT_EQ_LL(got[1], 1);
        CHECK(cudaGraphDestroy(g));
    }
    CHECK(cudaFree(d));
    return finish("graph_set_conditional");
}
