/*
 * graph_launch.c - running an executable graph: cudaGraphLaunch.
 *
 * A launch is one unit in stream order.  Its nodes run one after another in the plan's
 * topological order (a correct schedule of any graph), each through cushim_op_run, so a node
 * does exactly what the same stream operation would.  Launches of one executable graph are
 * ordered behind each other, as NVIDIA requires, even on different streams: each launch
 * records a private event that the next launch on another stream waits for.
 *
 * A plan without conditional nodes is handed to the launch stream at once.  A plan with them
 * cannot be: a conditional's value is known only when the node is reached.  Its launch puts one
 * host function on the launch stream, the "driver", which runs on that stream's worker when the
 * stream gets there and walks the plan, submitting nodes to the executable graph's private
 * non-blocking "runner" stream.  At a conditional node it waits (with its own condition
 * variable, never a backend wait, which a stream worker may not do) for the runner to finish
 * what it was given, reads the handle's cell (graph_cond.c) and runs the chosen body, again
 * and again for a while loop.  The launch stream stays blocked in the driver until the runner
 * is done, so later work in it still comes after the whole graph.  Nothing can deadlock: the
 * runner depends on no other stream, and the driver waits only for work it submitted there.
 *
 * Errors a node meets while running (a kernel fault) are the device's, reported by the next
 * synchronisation like any stream error; errors found at the launch (an unfreed allocation, a
 * node the backend refuses) are returned by cudaGraphLaunch.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "graph.h"
#include "graph_mem.h"
#include "mu_log.h"

cudaError_t cushim_graph_submit(struct cushim_graph *plan, const struct cushim_stream_ref *ref)
{
    for (size_t i = 0; i < plan->count; i++) {
        struct cushim_node *n = plan->order[i];
        if (!n->enabled)
            continue; /* a disabled node is an empty one */
        cudaError_t error = cushim_op_run(&n->op, ref, CUSHIM_RUN_GRAPH);
        if (error != cudaSuccess)
            return error;
    }
    return cudaSuccess;
}

/* ---- the driver of plans with conditional nodes ----------------------------------------- */

struct run {
    struct cushim_exec *exec;  /* referenced for the run: it owns the runner */
    struct cushim_graph *plan; /* referenced for the run */
    struct cushim_stream_ref runner;
    pthread_mutex_t lock;
    pthread_cond_t reached;
    int done;
    unsigned value; /* where a handle's value is copied to */
};

static void signal_reached(void *data)
{
    struct run *r = data;
    pthread_mutex_lock(&r->lock);
    r->done = 1;
    pthread_cond_broadcast(&r->reached);
    pthread_mutex_unlock(&r->lock);
}

/* Wait until the runner has done everything submitted to it so far. */
static cudaError_t drain(struct run *r)
{
    r->done = 0;
    MUresult result = cushim_backend(NULL)->muLaunchHostFunc(r->runner.stream, signal_reached, r);
    if (result != MU_SUCCESS)
        return cushim_from_mu(result); /* a faulted device: nothing more will run */
    pthread_mutex_lock(&r->lock);
    while (!r->done)
        pthread_cond_wait(&r->reached, &r->lock);
    pthread_mutex_unlock(&r->lock);
    return cudaSuccess;
}

static cudaError_t copy_cell(struct run *r, void *dst, const void *src, enum cudaMemcpyKind kind)
{
    struct mu_copy3d copy = {
        .kind = kind,
        .dst = dst,
        .src = src,
        .dst_pitch = sizeof(unsigned),
        .dst_height = 1,
        .src_pitch = sizeof(unsigned),
        .src_height = 1,
        .width_bytes = sizeof(unsigned),
        .height = 1,
        .depth = 1,
    };
    return cushim_from_mu(
        cushim_backend(NULL)->muMemcpy3D(&copy, r->runner.stream, MU_OP_ASYNC_PAGEABLE));
}

/* The handle's value, once everything before this point has run. */
static cudaError_t read_handle(struct run *r, cudaGraphConditionalHandle handle,
                               unsigned *value)
{
    cudaError_t error = copy_cell(r, &r->value, (const void *)(uintptr_t)handle,
                                  cudaMemcpyDeviceToHost);
    if (error == cudaSuccess)
        error = drain(r);
    *value = r->value;
    return error;
}

static cudaError_t run_plan(struct run *r, struct cushim_graph *plan);

static cudaError_t run_conditional(struct run *r, const struct cushim_cond_op *c)
{
    unsigned value;
    cudaError_t error = read_handle(r, c->handle, &value);
    switch (c->type) {
    case cudaGraphCondTypeIf:
        if (error == cudaSuccess && value != 0)
            return run_plan(r, c->bodies[0]);
        if (error == cudaSuccess && c->size == 2)
            return run_plan(r, c->bodies[1]); /* the else branch */
        return error;
    case cudaGraphCondTypeWhile:
        while (error == cudaSuccess && value != 0) {
            error = run_plan(r, c->bodies[0]);
            if (error == cudaSuccess)
                error = read_handle(r, c->handle, &value);
        }
        return error;
    case cudaGraphCondTypeSwitch:
        if (error == cudaSuccess && value < c->size)
            return run_plan(r, c->bodies[value]);
        return error;
    }
    return cudaErrorInvalidValue;
}

static cudaError_t run_plan(struct run *r, struct cushim_graph *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        struct cushim_node *n = plan->order[i];
        cudaError_t error = cudaSuccess;
        if (!n->enabled)
            continue;
        if (n->op.kind == cudaGraphNodeTypeConditional)
            error = run_conditional(r, &n->op.cond);
        else if (n->op.kind == cudaGraphNodeTypeGraph)
            error = run_plan(r, n->op.child.graph);
        else
            error = cushim_op_run(&n->op, &r->runner, CUSHIM_RUN_GRAPH);
        if (error != cudaSuccess)
            return error;
    }
    return cudaSuccess;
}

/* Handles reset at the start of a launch, in the plan and its child graphs and bodies. */
static cudaError_t write_defaults(struct run *r, struct cushim_graph *g)
{
    cudaError_t error = cudaSuccess;
    for (size_t i = 0; i < g->nconds && error == cudaSuccess; i++) {
        const unsigned *value = cushim_cond_default_to_write(g->conds[i]);
        if (value != NULL)
            error = copy_cell(r, (void *)(uintptr_t)cushim_cond_handle(g->conds[i]), value,
                              cudaMemcpyHostToDevice);
    }
    for (struct cushim_node *n = g->head; n != NULL && error == cudaSuccess; n = n->next) {
        if (n->op.kind == cudaGraphNodeTypeGraph)
            error = write_defaults(r, n->op.child.graph);
        for (unsigned b = 0; n->op.kind == cudaGraphNodeTypeConditional && b < n->op.cond.size &&
                             error == cudaSuccess;
             b++)
            error = write_defaults(r, n->op.cond.bodies[b]);
    }
    return error;
}

static void drive(void *data)
{
    struct run *r = data;
    cudaError_t error = write_defaults(r, r->plan);
    if (error == cudaSuccess)
        error = run_plan(r, r->plan);
    cudaError_t drained = drain(r); /* the launch ends when the runner has done it all */
    if (error == cudaSuccess)
        error = drained;
    if (error != cudaSuccess && error != cudaErrorLaunchFailure &&
        error != cudaErrorIllegalAddress)
        mu_report("a graph launch with conditional nodes stopped early: %s",
                  impl_cudaGetErrorName(error));
    cushim_plan_unref(r->plan);
    cushim_exec_unref(r->exec);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->reached);
    free(r);
}

static cudaError_t launch_driver(struct cushim_exec *e, struct cushim_graph *plan,
                                 const struct cushim_stream_ref *ref)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    if (e->runner == NULL) {
        MUresult result =
            driver->muStreamCreate(&e->runner, e->device, MU_STREAM_NON_BLOCKING, 0);
        if (result != MU_SUCCESS) {
            e->runner = NULL;
            return cushim_from_mu(result);
        }
    }
    struct run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cudaErrorMemoryAllocation;
    r->exec = e;
    r->plan = plan;
    r->runner = (struct cushim_stream_ref){.stream = e->runner, .device = e->device,
                                           .flags = MU_STREAM_NON_BLOCKING};
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->reached, NULL);
    atomic_fetch_add(&e->refs, 1);
    MUresult result = driver->muLaunchHostFunc(ref->stream, drive, r);
    if (result != MU_SUCCESS) {
        atomic_fetch_sub(&e->refs, 1);
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->reached);
        free(r);
    }
    return cushim_from_mu(result);
}

/* ---- the launch ------------------------------------------------------------------------- */

static void release_plan(void *plan)
{
    cushim_plan_unref(plan);
}

/* Order this launch behind the executable graph's previous one when it ran on another
 * stream; then let the next launch find this one. */
static cudaError_t order_after_previous(struct cushim_exec *e, const struct cushim_stream_ref *ref)
{
    if (e->done == NULL || e->last == ref->stream)
        return cudaSuccess;
    return cushim_from_mu(cushim_backend(NULL)->muStreamWaitEvent(ref->stream, e->done, 0));
}

static void mark_done(struct cushim_exec *e, const struct cushim_stream_ref *ref)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    if (e->done != NULL && e->done_device != ref->device) {
        driver->muEventDestroy(e->done); /* an event records work of its own device only */
        e->done = NULL;
    }
    if (e->done == NULL &&
        driver->muEventCreate(&e->done, ref->device, MU_EVENT_DISABLE_TIMING) != MU_SUCCESS)
        e->done = NULL;
    e->done_device = ref->device;
    if (e->done != NULL && driver->muEventRecord(e->done, ref->stream) != MU_SUCCESS) {
        driver->muEventDestroy(e->done);
        e->done = NULL;
    }
    e->last = ref->stream;
}

cudaError_t cushim_exec_launch(struct cushim_exec *exec, const struct cushim_stream_ref *ref)
{
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find((cudaGraphExec_t)exec);
    if (e == NULL) {
        pthread_mutex_unlock(&cushim_graph_lock);
        return cudaErrorInvalidValue;
    }
    struct cushim_graph *plan = e->plan;
    cudaError_t error =
        cushim_gmem_launch(plan, (e->flags & cudaGraphInstantiateFlagAutoFreeOnLaunch) != 0);
    if (error == cudaSuccess)
        error = order_after_previous(e, ref);
    if (error == cudaSuccess) {
        atomic_fetch_add(&plan->refs, 1); /* for the launch, until it has run */
        if (plan->has_conditional) {
            error = launch_driver(e, plan, ref);
            if (error != cudaSuccess)
                cushim_plan_unref(plan);
        } else {
            error = cushim_graph_submit(plan, ref);
            /* User objects must outlive the work: the plan goes when the stream gets here. */
            if (plan->nurefs == 0 || error != cudaSuccess ||
                cushim_backend(NULL)->muLaunchHostFunc(ref->stream, release_plan, plan) !=
                    MU_SUCCESS)
                cushim_plan_unref(plan);
        }
        if (error == cudaSuccess)
            mark_done(e, ref);
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphLaunch(cudaGraphExec_t graphExec, cudaStream_t stream)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(graphExec);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (e == NULL)
        return cudaErrorInvalidValue;
    /* A stream operation like any other: a capturing stream records it as a child graph. */
    struct cushim_op op = {.kind = cudaGraphNodeTypeGraph, .child = {NULL, e}};
    return cushim_enqueue(&ref, &op);
}
