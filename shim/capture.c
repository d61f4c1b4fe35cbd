/*
 * capture.c - stream capture: cudaStreamBeginCapture(ToGraph), EndCapture, IsCapturing,
 * GetCaptureInfo, UpdateCaptureDependencies, cudaThreadExchangeStreamCaptureMode, and the
 * rules NVIDIA's programming guide gives for what a capture allows.
 *
 * A capture is a graph being built plus the streams taking part: the origin stream, and every
 * stream that joined by waiting for an event recorded in the capture.  Each taking part has a
 * dependency set, the nodes its next operation will depend on.  A stream operation on such a
 * stream (cushim_capture_claim, from cushim_enqueue) becomes a node depending on that set and
 * replaces it; an event recorded in the capture remembers the set, and a stream waiting for it
 * adds the set to its own (joining the capture if it was not capturing).  cudaStreamEndCapture
 * requires every stream that forked from the origin to have been joined back (its dependency
 * set reaches the origin's), else cudaErrorStreamCaptureUnjoined.
 *
 * Anything the rules forbid invalidates the capture: later operations on its streams answer
 * cudaErrorStreamCaptureInvalidated, and cudaStreamEndCapture returns that error and no graph.
 * Streams and events are found by their backend stream and event handle in uthash maps under
 * one lock, taken before the graph lock, never after.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "graph.h"

struct participant;

struct capture {
    unsigned long long id;
    struct cushim_graph *graph;
    int to_graph; /* capturing into the program's own graph */
    enum cudaStreamCaptureMode mode;
    pthread_t thread; /* the thread that began it */
    int invalidated;
    MUstream origin;
    struct participant *members; /* every stream that took part, detached ones included */
    struct capture *next, *prev; /* all captures in progress */
};

/* A stream taking part in a capture. */
struct participant {
    MUstream key; /* while attached: the stream's entry in the map */
    UT_hash_handle hh;
    struct capture *cap;
    int attached; /* the stream still exists and is capturing */
    int device;
    int blocking; /* synchronises with the legacy stream */
    struct cushim_edge *deps;
    size_t ndeps, cap_deps;
    cudaGraphNode_t *query_nodes; /* what cudaStreamGetCaptureInfo last handed out */
    cudaGraphEdgeData *query_edges;
    struct participant *next_member;
};

/* An event last recorded in a capture. */
struct captured_event {
    cudaEvent_t key;
    UT_hash_handle hh;
    struct capture *cap;
    struct cushim_edge *deps;
    size_t ndeps;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int active; /* captures in progress: the fast path when there are none */
static struct capture *captures;
static struct participant *streams;
static struct captured_event *events;
static int blocking_capturing[CUSHIM_MAX_DEVICES];
static atomic_ullong next_id = 1;
static _Thread_local enum cudaStreamCaptureMode thread_mode = cudaStreamCaptureModeGlobal;

static int valid_mode(enum cudaStreamCaptureMode mode)
{
    return mode == cudaStreamCaptureModeGlobal || mode == cudaStreamCaptureModeThreadLocal ||
           mode == cudaStreamCaptureModeRelaxed;
}

static int is_legacy(const struct cushim_stream_ref *ref)
{
    return ref->id == 0; /* streams.c gives every other stream an id */
}

static struct participant *participant_of(MUstream stream)
{
    struct participant *p;
    HASH_FIND_PTR(streams, &stream, p);
    return p;
}

static struct captured_event *captured(cudaEvent_t event)
{
    struct captured_event *e;
    HASH_FIND_PTR(events, &event, e);
    return e;
}

static int set_deps(struct participant *p, const struct cushim_edge *deps, size_t n)
{
    if (n > p->cap_deps) {
        struct cushim_edge *grown = realloc(p->deps, n * sizeof *grown);
        if (grown == NULL)
            return -1;
        p->deps = grown;
        p->cap_deps = n;
    }
    if (n > 0)
        memmove(p->deps, deps, n * sizeof *deps);
    p->ndeps = n;
    return 0;
}

/* Add deps to p's set, skipping nodes already in it. */
static int add_deps(struct participant *p, const struct cushim_edge *deps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < p->ndeps && p->deps[j].node != deps[i].node)
            j++;
        if (j < p->ndeps)
            continue;
        if (p->ndeps == p->cap_deps) {
            size_t bigger = p->cap_deps ? p->cap_deps * 2 : 4;
            struct cushim_edge *grown = realloc(p->deps, bigger * sizeof *grown);
            if (grown == NULL)
                return -1;
            p->deps = grown;
            p->cap_deps = bigger;
        }
        p->deps[p->ndeps++] = deps[i];
    }
    return 0;
}

static struct participant *attach(struct capture *cap, const struct cushim_stream_ref *ref)
{
    struct participant *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->key = ref->stream;
    p->cap = cap;
    p->attached = 1;
    p->device = ref->device;
    p->blocking = !(ref->flags & cudaStreamNonBlocking);
    HASH_ADD_PTR(streams, key, p);
    if (p->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
        free(p);
        return NULL;
    }
    p->next_member = cap->members;
    cap->members = p;
    if (p->blocking)
        blocking_capturing[p->device]++;
    return p;
}

static void detach(struct participant *p)
{
    if (!p->attached)
        return;
    HASH_DEL(streams, p);
    p->attached = 0;
    if (p->blocking)
        blocking_capturing[p->device]--;
}

static void invalidate_device_blocking(int device)
{
    for (struct capture *c = captures; c != NULL; c = c->next)
        for (struct participant *p = c->members; p != NULL; p = p->next_member)
            if (p->attached && p->blocking && p->device == device)
                c->invalidated = 1;
}

/* End a capture: its streams stop capturing, its events stop standing for captured work. */
static void finish(struct capture *cap)
{
    for (struct participant *p = cap->members, *next; p != NULL; p = next) {
        next = p->next_member;
        detach(p);
        free(p->deps);
        free(p->query_nodes);
        free(p->query_edges);
        free(p);
    }
    struct captured_event *e, *tmp;
    HASH_ITER(hh, events, e, tmp)
    {
        if (e->cap == cap) {
            HASH_DEL(events, e);
            free(e->deps);
            free(e);
        }
    }
    if (cap->prev != NULL)
        cap->prev->next = cap->next;
    else
        captures = cap->next;
    if (cap->next != NULL)
        cap->next->prev = cap->prev;
    atomic_fetch_sub(&active, 1);
    free(cap);
}

/* ---- recording an operation -------------------------------------------------------------- */

static cudaError_t add_node(struct participant *p, struct cushim_op *op)
{
    struct cushim_node *node;
    /* A PDL launch (programmatic stream serialization) depends on the kernel nodes before it
     * through programmatic edges, as the equivalent graph built by hand would. */
    int programmatic = op->kind == cudaGraphNodeTypeKernel && op->kernel.programmatic;
    if (programmatic)
        for (size_t i = 0; i < p->ndeps; i++)
            if (p->deps[i].node->op.kind == cudaGraphNodeTypeKernel &&
                p->deps[i].data.type == cudaGraphDependencyTypeDefault) {
                p->deps[i].data.type = cudaGraphDependencyTypeProgrammatic;
                p->deps[i].data.from_port = cudaGraphKernelNodePortProgrammatic;
            }
    pthread_mutex_lock(&cushim_graph_lock);
    cudaError_t error = cushim_graph_add(p->cap->graph, p->deps, p->ndeps, op, &node);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error != cudaSuccess)
        return error;
    struct cushim_edge only = {node, {0}};
    return set_deps(p, &only, 1) == 0 ? cudaSuccess : cudaErrorMemoryAllocation;
}

static cudaError_t record_event(struct participant *p, struct cushim_op *op)
{
    struct captured_event *e = captured(op->event.event);
    if (e == NULL) {
        e = calloc(1, sizeof *e);
        if (e == NULL)
            return cudaErrorMemoryAllocation;
        e->key = op->event.event;
        HASH_ADD_PTR(events, key, e);
        if (e->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
            free(e);
            return cudaErrorMemoryAllocation;
        }
    }
    struct cushim_edge *deps = NULL;
    if (p->ndeps > 0 && (deps = malloc(p->ndeps * sizeof *deps)) == NULL)
        return cudaErrorMemoryAllocation;
    if (p->ndeps > 0)
        memcpy(deps, p->deps, p->ndeps * sizeof *deps);
    free(e->deps);
    e->deps = deps;
    e->ndeps = p->ndeps;
    e->cap = p->cap;
    return cudaSuccess;
}

static cudaError_t wait_event(struct participant *p, struct cushim_op *op)
{
    struct captured_event *e = captured(op->event.event);
    if (e == NULL) {
        /* Work outside the capture cannot be waited for inside it. */
        p->cap->invalidated = 1;
        return cudaErrorStreamCaptureIsolation;
    }
    if (e->cap != p->cap) {
        p->cap->invalidated = 1;
        e->cap->invalidated = 1;
        return cudaErrorStreamCaptureMerge;
    }
    return add_deps(p, e->deps, e->ndeps) == 0 ? cudaSuccess : cudaErrorMemoryAllocation;
}

static cudaError_t record(struct participant *p, struct cushim_op *op)
{
    struct capture *cap = p->cap;
    if (op->sync) {
        cap->invalidated = 1; /* a synchronous call cannot complete inside a capture */
        return cudaErrorStreamCaptureUnsupported;
    }
    cudaError_t error;
    switch (op->kind) {
    case cudaGraphNodeTypeEventRecord:
        if (!(op->event.flags & cudaEventRecordExternal))
            return record_event(p, op);
        break;
    case cudaGraphNodeTypeWaitEvent:
        if (!(op->event.flags & cudaEventWaitExternal))
            return wait_event(p, op);
        break;
    case cudaGraphNodeTypeMemAlloc:
        /* The allocation is the graph's, not the pool's: it has its address from now on. */
        error = cushim_graph_prepare_alloc(op, op->alloc.params.poolProps.location.id);
        if (error != cudaSuccess)
            return error;
        break;
    case cudaGraphNodeTypeMemFree:
        pthread_mutex_lock(&cushim_graph_lock);
        error = cushim_graph_prepare_free(cap->graph, op);
        pthread_mutex_unlock(&cushim_graph_lock);
        if (error != cudaSuccess) {
            cap->invalidated = 1; /* only graph allocations can be freed in a graph */
            return error;
        }
        break;
    case cudaGraphNodeTypeGraph:
        pthread_mutex_lock(&cushim_graph_lock);
        op->child.graph = cushim_exec_to_graph(op->child.exec, &error);
        pthread_mutex_unlock(&cushim_graph_lock);
        op->child.exec = NULL;
        if (op->child.graph == NULL)
            return error;
        break;
    case cudaGraphNodeTypeKernel:
    case cudaGraphNodeTypeMemcpy:
    case cudaGraphNodeTypeMemset:
    case cudaGraphNodeTypeHost:
        break;
    default:
        cap->invalidated = 1;
        return cudaErrorStreamCaptureUnsupported;
    }
    error = cushim_op_own(op);
    if (error != cudaSuccess) {
        cushim_node_release_op(op);
        return error;
    }
    return add_node(p, op);
}

int cushim_capture_claim(const struct cushim_stream_ref *ref, struct cushim_op *op,
                         cudaError_t *error)
{
    if (atomic_load(&active) == 0)
        return 0;
    int claimed = 1;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(ref->stream);
    struct captured_event *e = NULL;
    if (p != NULL) {
        *error = p->cap->invalidated ? cudaErrorStreamCaptureInvalidated : record(p, op);
    } else if (is_legacy(ref) && blocking_capturing[ref->device] > 0) {
        /* The legacy stream would wait for the capturing blocking streams. */
        invalidate_device_blocking(ref->device);
        *error = cudaErrorStreamCaptureImplicit;
    } else if (op->kind == cudaGraphNodeTypeWaitEvent && !(op->event.flags & cudaEventWaitExternal) &&
               (e = captured(op->event.event)) != NULL) {
        /* Waiting for captured work makes the stream part of that capture. */
        if (e->cap->invalidated) {
            *error = cudaErrorStreamCaptureInvalidated;
        } else if (is_legacy(ref)) {
            e->cap->invalidated = 1;
            *error = cudaErrorStreamCaptureImplicit;
        } else {
            p = attach(e->cap, ref);
            *error = p == NULL || set_deps(p, e->deps, e->ndeps) != 0 ? cudaErrorMemoryAllocation
                                                                      : cudaSuccess;
        }
    } else {
        claimed = 0;
    }
    pthread_mutex_unlock(&lock);
    return claimed;
}

/* ---- checks for calls that must not meet a capture ---------------------------------------- */

cudaError_t cushim_capture_check_stream(const struct cushim_stream_ref *ref)
{
    if (atomic_load(&active) == 0)
        return cudaSuccess;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(ref->stream);
    if (p != NULL) {
        p->cap->invalidated = 1;
        error = cudaErrorStreamCaptureUnsupported;
    } else if (is_legacy(ref) && blocking_capturing[ref->device] > 0) {
        invalidate_device_blocking(ref->device);
        error = cudaErrorStreamCaptureImplicit;
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t cushim_capture_check_unsafe(void)
{
    if (atomic_load(&active) == 0 || thread_mode == cudaStreamCaptureModeRelaxed)
        return cudaSuccess;
    cudaError_t error = cudaSuccess;
    pthread_t self = pthread_self();
    pthread_mutex_lock(&lock);
    for (struct capture *c = captures; c != NULL; c = c->next) {
        int mine = pthread_equal(c->thread, self);
        /* This thread's own non-relaxed captures forbid it; in global mode, so do other
         * threads' global captures. */
        if ((mine && c->mode != cudaStreamCaptureModeRelaxed) ||
            (!mine && thread_mode == cudaStreamCaptureModeGlobal &&
             c->mode == cudaStreamCaptureModeGlobal)) {
            c->invalidated = 1;
            error = cudaErrorStreamCaptureUnsupported;
        }
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t cushim_capture_check_device(int device)
{
    if (atomic_load(&active) == 0)
        return cudaSuccess;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    for (struct capture *c = captures; c != NULL; c = c->next) {
        for (struct participant *p = c->members; p != NULL; p = p->next_member) {
            if (p->attached && p->device == device) {
                c->invalidated = 1;
                error = cudaErrorStreamCaptureUnsupported;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t cushim_capture_check_event(cudaEvent_t event)
{
    if (atomic_load(&active) == 0)
        return cudaSuccess;
    pthread_mutex_lock(&lock);
    struct captured_event *e = captured(event);
    if (e != NULL)
        e->cap->invalidated = 1;
    pthread_mutex_unlock(&lock);
    return e != NULL ? cudaErrorCapturedEvent : cudaSuccess;
}

void cushim_capture_forget_event(cudaEvent_t event)
{
    if (atomic_load(&active) == 0)
        return;
    pthread_mutex_lock(&lock);
    struct captured_event *e = captured(event);
    if (e != NULL) {
        HASH_DEL(events, e);
        free(e->deps);
        free(e);
    }
    pthread_mutex_unlock(&lock);
}

/* A capture whose origin stream is gone can never be ended: drop it and its graph. */
static void abandon(struct capture *cap)
{
    pthread_mutex_lock(&cushim_graph_lock);
    cap->graph->capturing = 0;
    if (!cap->to_graph)
        cushim_graph_destroy(cap->graph);
    pthread_mutex_unlock(&cushim_graph_lock);
    finish(cap);
}

void cushim_capture_forget_stream(MUstream stream)
{
    if (atomic_load(&active) == 0)
        return;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(stream);
    if (p != NULL && p->cap->origin == stream)
        abandon(p->cap);
    else if (p != NULL)
        detach(p); /* its work stays in the capture, and must still have been joined */
    pthread_mutex_unlock(&lock);
}

void cushim_capture_forget_device(int device)
{
    if (atomic_load(&active) == 0)
        return;
    pthread_mutex_lock(&lock);
    for (struct capture *c = captures, *next; c != NULL; c = next) {
        next = c->next;
        int touches = 0;
        for (struct participant *p = c->members; p != NULL; p = p->next_member)
            touches |= p->device == device;
        if (touches)
            abandon(c);
    }
    pthread_mutex_unlock(&lock);
}

/* ---- the API --------------------------------------------------------------------------- */

static cudaError_t begin(cudaStream_t stream, struct cushim_graph *into,
                         const cudaGraphNode_t *dependencies,
                         const cudaGraphEdgeData *dependencyData, size_t numDependencies,
                         enum cudaStreamCaptureMode mode)
{
    if (!valid_mode(mode))
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    if (is_legacy(&ref))
        return cudaErrorStreamCaptureUnsupported;
    struct capture *cap = calloc(1, sizeof *cap);
    if (cap == NULL)
        return cudaErrorMemoryAllocation;
    cap->id = atomic_fetch_add(&next_id, 1);
    cap->mode = mode;
    cap->thread = pthread_self();
    cap->origin = ref.stream;
    pthread_mutex_lock(&lock);
    if (participant_of(ref.stream) != NULL) {
        pthread_mutex_unlock(&lock);
        free(cap);
        return cudaErrorIllegalState; /* already capturing */
    }
    struct cushim_edge *deps = NULL;
    pthread_mutex_lock(&cushim_graph_lock);
    if (into != NULL) {
        /* The program's graph: it must still exist, and the first node's dependencies must
         * be its nodes. */
        struct cushim_graph *g = cushim_graph_find((cudaGraph_t)into);
        if (g == NULL || g->capturing || (numDependencies > 0 && dependencies == NULL))
            error = cudaErrorInvalidValue;
        if (error == cudaSuccess && numDependencies > 0 &&
            (deps = calloc(numDependencies, sizeof *deps)) == NULL)
            error = cudaErrorMemoryAllocation;
        for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
            struct cushim_node *n = cushim_node_find(dependencies[i]);
            if (n == NULL || n->graph != g)
                error = cudaErrorInvalidValue;
            deps[i] = (struct cushim_edge){
                n, dependencyData != NULL ? dependencyData[i] : (cudaGraphEdgeData){0}};
        }
        cap->graph = g;
        cap->to_graph = 1;
    } else if ((cap->graph = cushim_graph_new(1)) == NULL) {
        error = cudaErrorMemoryAllocation;
    }
    if (error == cudaSuccess)
        cap->graph->capturing = 1;
    pthread_mutex_unlock(&cushim_graph_lock);
    struct participant *p = NULL;
    if (error == cudaSuccess && ((p = attach(cap, &ref)) == NULL ||
                                 set_deps(p, deps, numDependencies) != 0))
        error = cudaErrorMemoryAllocation;
    if (error == cudaSuccess) {
        cap->next = captures;
        if (captures != NULL)
            captures->prev = cap;
        captures = cap;
        atomic_fetch_add(&active, 1);
    } else {
        if (p != NULL) {
            detach(p);
            free(p->deps);
            free(p);
        }
        if (cap->graph != NULL) {
            pthread_mutex_lock(&cushim_graph_lock);
            cap->graph->capturing = 0;
            if (!cap->to_graph)
                cushim_graph_destroy(cap->graph);
            pthread_mutex_unlock(&cushim_graph_lock);
        }
        free(cap);
    }
    pthread_mutex_unlock(&lock);
    free(deps);
    return error;
}

cudaError_t impl_cudaStreamBeginCapture(cudaStream_t stream, enum cudaStreamCaptureMode mode)
{
    return begin(stream, NULL, NULL, NULL, 0, mode);
}

cudaError_t impl_cudaStreamBeginCaptureToGraph(cudaStream_t stream, cudaGraph_t graph,
                                               const cudaGraphNode_t *dependencies,
                                               const cudaGraphEdgeData *dependencyData,
                                               size_t numDependencies,
                                               enum cudaStreamCaptureMode mode)
{
    if (graph == NULL)
        return cudaErrorInvalidValue;
    return begin(stream, (struct cushim_graph *)graph, dependencies, dependencyData,
                 numDependencies, mode);
}

/* Every stream that forked from the origin has been joined back: each node a member's next
 * operation would depend on is one the origin's next operation depends on, directly or not. */
static int joined(struct capture *cap, struct participant *origin)
{
    unsigned long long mark = cushim_graph_next_mark();
    cushim_graph_mark_ancestors(origin->deps, origin->ndeps, mark);
    for (struct participant *p = cap->members; p != NULL; p = p->next_member)
        for (size_t i = 0; p != origin && i < p->ndeps; i++)
            if (p->deps[i].node->mark != mark)
                return 0;
    return 1;
}

cudaError_t impl_cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t *pGraph)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(ref.stream);
    if (p == NULL) {
        pthread_mutex_unlock(&lock);
        return cudaErrorIllegalState; /* not capturing */
    }
    struct capture *cap = p->cap;
    if (cap->origin != ref.stream) {
        cap->invalidated = 1;
        pthread_mutex_unlock(&lock);
        return cudaErrorStreamCaptureUnmatched;
    }
    if (pGraph == NULL && !cap->to_graph) {
        pthread_mutex_unlock(&lock);
        return cudaErrorInvalidValue;
    }
    if (cap->mode != cudaStreamCaptureModeRelaxed && !pthread_equal(cap->thread, pthread_self())) {
        pthread_mutex_unlock(&lock);
        return cudaErrorStreamCaptureWrongThread;
    }
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cap->graph;
    if (cap->invalidated)
        error = cudaErrorStreamCaptureInvalidated;
    else if (!joined(cap, p))
        error = cudaErrorStreamCaptureUnjoined;
    g->capturing = 0;
    if (error != cudaSuccess && !cap->to_graph) {
        cushim_graph_destroy(g);
        g = NULL;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    finish(cap);
    pthread_mutex_unlock(&lock);
    if (pGraph != NULL)
        *pGraph = error == cudaSuccess ? (cudaGraph_t)g : NULL;
    return error;
}

cudaError_t impl_cudaStreamIsCapturing(cudaStream_t stream,
                                       enum cudaStreamCaptureStatus *pCaptureStatus)
{
    if (pCaptureStatus == NULL)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    *pCaptureStatus = cudaStreamCaptureStatusNone;
    if (atomic_load(&active) == 0)
        return cudaSuccess;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(ref.stream);
    if (p != NULL)
        *pCaptureStatus = p->cap->invalidated ? cudaStreamCaptureStatusInvalidated
                                              : cudaStreamCaptureStatusActive;
    else if (is_legacy(&ref) && blocking_capturing[ref.device] > 0)
        error = cudaErrorStreamCaptureImplicit; /* the capture is not invalidated */
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaStreamGetCaptureInfo(cudaStream_t stream,
                                          enum cudaStreamCaptureStatus *captureStatus_out,
                                          unsigned long long *id_out, cudaGraph_t *graph_out,
                                          const cudaGraphNode_t **dependencies_out,
                                          const cudaGraphEdgeData **edgeData_out,
                                          size_t *numDependencies_out)
{
    if (captureStatus_out == NULL || (edgeData_out != NULL && dependencies_out == NULL))
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    *captureStatus_out = cudaStreamCaptureStatusNone;
    if (atomic_load(&active) == 0)
        return cudaSuccess;
    pthread_mutex_lock(&lock);
    struct participant *p = participant_of(ref.stream);
    if (p == NULL) {
        if (is_legacy(&ref) && blocking_capturing[ref.device] > 0)
            error = cudaErrorStreamCaptureImplicit;
    } else if (p->cap->invalidated) {
        *captureStatus_out = cudaStreamCaptureStatusInvalidated;
    } else {
        size_t n = p->ndeps;
        int lossy = 0;
        free(p->query_nodes);
        free(p->query_edges);
        p->query_nodes = malloc((n ? n : 1) * sizeof *p->query_nodes);
        p->query_edges = malloc((n ? n : 1) * sizeof *p->query_edges);
        if (p->query_nodes == NULL || p->query_edges == NULL) {
            error = cudaErrorMemoryAllocation;
        } else {
            static const cudaGraphEdgeData zero;
            for (size_t i = 0; i < n; i++) {
                p->query_nodes[i] = (cudaGraphNode_t)p->deps[i].node;
                p->query_edges[i] = p->deps[i].data;
                lossy |= memcmp(&p->deps[i].data, &zero, sizeof zero) != 0;
            }
            if (dependencies_out != NULL && edgeData_out == NULL && lossy)
                error = cudaErrorLossyQuery;
        }
        if (error == cudaSuccess) {
            *captureStatus_out = cudaStreamCaptureStatusActive;
            if (id_out != NULL)
                *id_out = p->cap->id;
            if (graph_out != NULL)
                *graph_out = (cudaGraph_t)p->cap->graph;
            if (dependencies_out != NULL)
                *dependencies_out = p->query_nodes;
            if (edgeData_out != NULL)
                *edgeData_out = p->query_edges;
            if (numDependencies_out != NULL)
                *numDependencies_out = n;
        }
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaStreamUpdateCaptureDependencies(cudaStream_t stream,
                                                     cudaGraphNode_t *dependencies,
                                                     const cudaGraphEdgeData *dependencyData,
                                                     size_t numDependencies, unsigned int flags)
{
    if ((flags != cudaStreamAddCaptureDependencies && flags != cudaStreamSetCaptureDependencies) ||
        (numDependencies > 0 && dependencies == NULL))
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    struct cushim_edge *deps = calloc(numDependencies ? numDependencies : 1, sizeof *deps);
    if (deps == NULL)
        return cudaErrorMemoryAllocation;
    pthread_mutex_lock(&lock);
    struct participant *p = atomic_load(&active) ? participant_of(ref.stream) : NULL;
    if (p == NULL)
        error = cudaErrorIllegalState; /* not capturing */
    else if (p->cap->invalidated)
        error = cudaErrorStreamCaptureInvalidated;
    pthread_mutex_lock(&cushim_graph_lock);
    for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
        struct cushim_node *n = cushim_node_find(dependencies[i]);
        if (n == NULL || n->graph != p->cap->graph)
            error = cudaErrorInvalidValue;
        deps[i] = (struct cushim_edge){
            n, dependencyData != NULL ? dependencyData[i] : (cudaGraphEdgeData){0}};
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error == cudaSuccess) {
        int failed = flags == cudaStreamSetCaptureDependencies ? set_deps(p, NULL, 0) : 0;
        if (failed || add_deps(p, deps, numDependencies) != 0)
            error = cudaErrorMemoryAllocation;
    }
    pthread_mutex_unlock(&lock);
    free(deps);
    return error;
}

cudaError_t impl_cudaThreadExchangeStreamCaptureMode(enum cudaStreamCaptureMode *mode)
{
    if (mode == NULL || !valid_mode(*mode))
        return cudaErrorInvalidValue;
    enum cudaStreamCaptureMode previous = thread_mode;
    thread_mode = *mode;
    *mode = previous;
    return cudaSuccess;
}
