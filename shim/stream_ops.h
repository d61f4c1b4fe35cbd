/*
 * stream_ops.h - one stream-ordered operation described as data, and the single path every
 * stream-ordered API call takes.
 *
 * A kernel launch, a copy, a fill, a host function, an event record or wait, a stream-ordered
 * allocation or free and a graph launch are each built once, by the API function that checks
 * their arguments, as a `struct cushim_op` whose kind is the graph node type it becomes.
 * cushim_enqueue then either runs it on the backend (cushim_op_run) or, when its stream is
 * being captured, hands it to the capture (capture.c), which keeps it as a graph node.  A
 * graph node holds the same structure, so running a launched graph is cushim_op_run on each
 * node: there is no second description of what an operation does.
 *
 * An operation built by an API call borrows the caller's memory (kernel argument values,
 * access descriptors); cushim_op_own makes it independent of the caller before it is kept in
 * a graph, and cushim_op_release frees what an owned operation holds.
 */
#ifndef CUSHIM_STREAM_OPS_H
#define CUSHIM_STREAM_OPS_H

#include "runtime.h"
#include "streams.h"

struct cushim_function;
struct cushim_graph;
struct cushim_exec;
struct cushim_gmem;

struct cushim_kernel_op {
    const void *func; /* as the caller named it: a host stub or a cudaKernel_t */
    struct cushim_function *fn;
    MUfunction f; /* fn loaded on `device` */
    int device;
    dim3 grid, block;
    size_t shared_mem;
    int cooperative;
    int programmatic; /* captured edges from kernel nodes become programmatic (PDL) */
    void **args;  /* one pointer per parameter: the caller's, or into `owned` */
    int nparams;  /* known once the operation owns its arguments */
    void *owned;  /* argv and the values, when the operation owns them */
    cudaLaunchAttribute *attrs; /* graph node attributes set by the program (owned) */
    unsigned nattrs;
};

struct cushim_copy_op {
    struct cudaMemcpy3DParms params; /* as the program described it (node queries) */
    struct mu_copy3d copy;           /* checked against the memory map, direction resolved */
    int pageable;                    /* a side is pageable host memory */
    int device;
};

struct cushim_fill_op {
    struct cudaMemsetParams params;  /* as the program described it (node queries) */
    size_t height_per_slice, depth;  /* 3-D fills of the stream API */
    unsigned char *pattern; /* owned: the filled bytes, for 2- and 4-byte values whose bytes
                               differ (the backend fills bytes) */
    int device;
};

struct cushim_host_op {
    cudaHostFn_t fn;
    void *data;
};

struct cushim_event_op {
    cudaEvent_t event;
    unsigned flags; /* cudaEventRecordExternal / cudaEventWaitExternal */
};

struct cushim_alloc_op {
    struct cudaMemAllocNodeParams params; /* dptr is the result */
    struct cudaMemAccessDesc *access;     /* owned copy of params.accessDescs */
    cudaMemPool_t pool;                   /* stream-ordered: the pool to take it from */
    struct cushim_gmem *mem;              /* in a graph: the graph allocation */
};

struct cushim_free_op {
    void *dptr;
    struct cushim_gmem *mem; /* in a graph: the graph allocation it frees */
};

struct cushim_child_op {
    struct cushim_graph *graph; /* owned by the node */
    struct cushim_exec *exec;   /* a stream's cudaGraphLaunch: the executable graph */
};

struct cushim_cond_op {
    cudaGraphConditionalHandle handle;
    enum cudaGraphConditionalNodeType type;
    unsigned size;
    struct cushim_graph **bodies; /* owned */
    cudaGraph_t *body_handles;    /* what cudaConditionalNodeParams.phGraph_out points at */
};

struct cushim_op {
    enum cudaGraphNodeType kind;
    int sync; /* the API call returns only once it has completed (cudaMemcpy, cudaMemset) */
    union {
        struct cushim_kernel_op kernel;
        struct cushim_copy_op copy;
        struct cushim_fill_op fill;
        struct cushim_host_op host;
        struct cushim_event_op event;
        struct cushim_alloc_op alloc;
        struct cushim_free_op free;
        struct cushim_child_op child;
        struct cushim_cond_op cond;
    };
};

/* How an operation is run: on behalf of a stream API call, or as a node of a launched graph
 * (copies of pageable memory stay asynchronous; allocations were accounted at launch). */
enum cushim_run { CUSHIM_RUN_STREAM, CUSHIM_RUN_GRAPH };

/* Run op on the stream, or capture it when the stream is capturing. */
cudaError_t cushim_enqueue(const struct cushim_stream_ref *ref, struct cushim_op *op);

/* Hand op to the backend on stream. */
cudaError_t cushim_op_run(struct cushim_op *op, const struct cushim_stream_ref *ref,
                          enum cushim_run how);

/* Make op independent of the memory of the call that built it (before a graph keeps it). */
cudaError_t cushim_op_own(struct cushim_op *op);
/* Deep copy of an owned operation's own storage (child graphs and bodies are graph.c's). */
cudaError_t cushim_op_copy(struct cushim_op *dst, const struct cushim_op *src);
/* Free what an owned operation holds (not child graphs or bodies: graph.c frees those). */
void cushim_op_release(struct cushim_op *op);

/* ---- the checks each kind's API functions share, in the files that own them ---- */

struct cushim_launch;
/* launch.c: check a launch on `device` and describe it (the arguments stay the caller's). */
cudaError_t cushim_kernel_prepare(struct cushim_function *fn, const void *func,
                                  const struct cushim_launch *launch, int device,
                                  struct cushim_op *op);

struct cushim_copy;
/* memcpy.c: check a copy against the memory map and describe it. */
cudaError_t cushim_copy_prepare(const struct cushim_copy *copy, int device,
                                struct cushim_op *op);
/* memcpy.c: the linear copy a cudaMemcpy3DParms describes (array sides: array_copy.c). */
cudaError_t cushim_copy_from_3d(const struct cudaMemcpy3DParms *p, struct cushim_copy *out);
/* memcpy.c: check a fill and describe it. */
cudaError_t cushim_fill_prepare(void *dst, size_t pitch, size_t height_per_slice,
                                unsigned value, unsigned element_size, size_t width,
                                size_t height, size_t depth, int device, struct cushim_op *op);
/* symbols.c: the copy to (to_symbol) or from a device variable, as memcpy.c describes one. */
cudaError_t cushim_symbol_copy_describe(int to_symbol, const void *symbol, void *other,
                                        size_t count, size_t offset, enum cudaMemcpyKind kind,
                                        struct cushim_copy *out);

#endif
