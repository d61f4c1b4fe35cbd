/*
 * graph.h - CUDA graphs inside the runtime: graphs, their nodes and executable graphs, shared
 * by the files that build them (graph.c, graph_nodes.c, capture.c), instantiate and update
 * them (graph_exec.c), run them (graph_launch.c) and print them (graph_dot.c).
 *
 * A node holds a stream operation (stream_ops.h) and its edges.  Graphs a program holds are
 * "public": they and their nodes are in uthash handle maps, so a destroyed or foreign handle
 * is answered with an error instead of being dereferenced.  An executable graph runs a private
 * copy of its graph (the "plan"), in topological order worked out at instantiation; the plan
 * is reference-counted so that a launch still running keeps the copy it started with while the
 * program changes the executable graph (a changed plan is copied first: copy on write).
 *
 * Locking: one mutex, cushim_graph_lock, guards every graph, node and executable graph and the
 * handle maps (NVIDIA's graphs are not thread-safe objects, so one lock costs nothing real).
 * capture.c takes its own lock before this one, never after.  Freeing a private plan never
 * needs the lock (it is done on stream workers when a launch ends).
 */
#ifndef CUSHIM_GRAPH_H
#define CUSHIM_GRAPH_H

#include <pthread.h>
#include <stdatomic.h>
#include <uthash.h>

#include "stream_ops.h"

extern pthread_mutex_t cushim_graph_lock;

struct cushim_edge {
    struct cushim_node *node;
    cudaGraphEdgeData data;
};

struct cushim_node {
    struct cushim_node *key; /* the handle: this record's address (public graphs only) */
    UT_hash_handle hh;
    struct cushim_graph *graph;
    struct cushim_node *next, *prev; /* the graph's nodes in creation order */
    unsigned long long seq;          /* creation order, which breaks ties when ordering */
    struct cushim_op op;
    struct cushim_edge *deps, *outs; /* what it waits for, what waits for it */
    size_t ndeps, nouts, deps_cap, outs_cap;
    struct cushim_node *origin; /* the node it was copied from (clones, plans) */
    int enabled;                /* plans: cudaGraphNodeSetEnabled */
    unsigned long long mark;    /* traversal scratch, under the lock */
    UT_hash_handle hh_origin;   /* plans: found by origin */
};

struct cushim_uref {
    struct cushim_user_object *object;
    unsigned count;
};

struct cushim_graph {
    struct cushim_graph *key; /* the handle (public graphs) */
    UT_hash_handle hh;
    int is_public;
    atomic_int refs; /* plans: the executable graph and the launches running it */
    struct cushim_node *head, *tail;
    size_t count;
    struct cushim_graph *origin; /* cudaGraphClone: the graph it was cloned from */
    struct cushim_node *owner;   /* a child graph or conditional body: its node */
    int capturing;               /* a stream capture is recording into it */
    int mem_nodes;               /* allocation and free nodes in it */
    int execs;                   /* live executable graphs made from it */
    struct cushim_uref *urefs;   /* user objects it holds references to */
    size_t nurefs;
    struct cushim_cond **conds; /* conditional handles created on it (referenced) */
    size_t nconds;
    /* plans */
    struct cushim_node **order; /* topological order of its nodes */
    int has_conditional;        /* here or in a child: the launch needs the runner */
    struct cushim_node *by_origin;
};

struct cushim_exec {
    struct cushim_exec *key; /* the handle: this record's address */
    UT_hash_handle hh;
    atomic_int refs; /* the handle, and launches whose driver still uses the runner */
    struct cushim_graph *plan;
    struct cushim_graph *source; /* the graph it was made from, while that lives */
    unsigned long long flags;
    int device;
    MUevent done;      /* recorded after each launch, so the next one can wait for it */
    int done_device;
    MUstream last;     /* the stream of the last launch */
    MUstream runner;   /* plans with conditional nodes run on this private stream */
};

/* ---- graph.c: lifetime, handles, structure (callers hold cushim_graph_lock) ---------------- */

struct cushim_graph *cushim_graph_new(int is_public);
struct cushim_graph *cushim_graph_find(cudaGraph_t handle);
struct cushim_node *cushim_node_find(cudaGraphNode_t handle);
struct cushim_exec *cushim_exec_find(cudaGraphExec_t handle);
/* Add a node holding op (already owned: the node takes it over, failure included). */
cudaError_t cushim_graph_add(struct cushim_graph *g, const struct cushim_edge *deps, size_t n,
                             struct cushim_op *op, struct cushim_node **out);
/* The same from public handles: checks the graph, the dependencies (members of the graph, no
 * duplicates) and the edge data. */
cudaError_t cushim_graph_add_public(cudaGraphNode_t *out, cudaGraph_t graph,
                                    const cudaGraphNode_t *deps, const cudaGraphEdgeData *data,
                                    size_t n, struct cushim_op *op);
/* Destroy a graph and its nodes (public handles are forgotten). */
void cushim_graph_destroy(struct cushim_graph *g);
/* Copy a graph: public copies get handles; keep_origin copies point at their source's origins
 * (plans copied on write) rather than at the source nodes. */
struct cushim_graph *cushim_graph_copy(struct cushim_graph *g, int is_public, int keep_origin,
                                       cudaError_t *error);
/* Deep copy of what a node's operation holds, child graphs and bodies included. */
cudaError_t cushim_node_copy_op(struct cushim_op *dst, const struct cushim_op *src,
                                int is_public);
/* Free what a node's operation holds, child graphs and bodies included. */
void cushim_node_release_op(struct cushim_op *op);
/* Mark, with `mark`, every node some target depends on, directly or not, and the targets. */
void cushim_graph_mark_ancestors(const struct cushim_edge *targets, size_t n,
                                 unsigned long long mark);
unsigned long long cushim_graph_next_mark(void);
/* Whether the graph (or a child graph, recursively) has nodes of a kind. */
int cushim_graph_contains(const struct cushim_graph *g, enum cudaGraphNodeType kind);

/* ---- graph_nodes.c: node parameters as operations ------------------------------------------ */

/* The operation a kernel, copy or fill node's parameters describe (checked, and owned). */
cudaError_t cushim_kernel_node_op(const struct cudaKernelNodeParams *p, struct cushim_op *op);
cudaError_t cushim_memcpy_node_op(const struct cudaMemcpy3DParms *p, struct cushim_op *op);
cudaError_t cushim_memset_node_op(const struct cudaMemsetParams *p, struct cushim_op *op);
/* A graph allocation for an allocation node (op->alloc.params filled in, dptr set). */
cudaError_t cushim_graph_prepare_alloc(struct cushim_op *op, int device);
/* The graph allocation a free node in g frees (op->free.dptr in, op->free.mem set):
 * cudaErrorInvalidValue if dptr is none, or is freed twice in g or outside its own graph. */
cudaError_t cushim_graph_prepare_free(struct cushim_graph *g, struct cushim_op *op);

/* ---- graph_exec.c ---------------------------------------------------------------------- */

/* Work out a plan's order (and its children's); cudaErrorInvalidValue on a cycle, with the
 * offending node in *bad. */
cudaError_t cushim_plan_order(struct cushim_graph *plan, struct cushim_node **bad);
void cushim_plan_unref(struct cushim_graph *plan);
/* The plan, safe to change: copied first if a launch still holds it (under the lock). */
struct cushim_graph *cushim_plan_writable(struct cushim_exec *exec, cudaError_t *error);
/* The plan's node for a node of the graph the executable graph was made from. */
struct cushim_node *cushim_plan_node(struct cushim_exec *exec, cudaGraphNode_t node);
/* Drop a reference to an executable graph (the last one frees its event and runner stream). */
void cushim_exec_unref(struct cushim_exec *exec);
/* A public graph equal to the executable graph's (capture of cudaGraphLaunch). */
struct cushim_graph *cushim_exec_to_graph(struct cushim_exec *exec, cudaError_t *error);

/* ---- graph_update.c: cushim_plan_* above, cudaGraphExecUpdate ------------------------------ */

/* ---- graph_launch.c -------------------------------------------------------------------- */

/* cudaGraphLaunch on a resolved stream (a stream operation's run). */
cudaError_t cushim_exec_launch(struct cushim_exec *exec, const struct cushim_stream_ref *ref);
/* Submit a plan's nodes (a child graph node's graph) to a stream, in order. */
cudaError_t cushim_graph_submit(struct cushim_graph *plan, const struct cushim_stream_ref *ref);

/* ---- graph_cond.c: conditional handles --------------------------------------------------- */

/* Whether a handle exists; its default and flags. */
int cushim_cond_lookup(cudaGraphConditionalHandle handle, unsigned *default_value,
                       unsigned *flags);
/* Handles live while a graph (or a copy of it) that created them does. */
struct cushim_cond;
void cushim_cond_ref(struct cushim_cond *cond);
void cushim_cond_unref(struct cushim_cond *cond);
/* The handle: the address of its cell. */
cudaGraphConditionalHandle cushim_cond_handle(const struct cushim_cond *cond);
/* The value a launch must first write into the handle's cell (its default, when reset at each
 * launch or never written yet), or NULL; it stays put while a plan holds the handle. */
const unsigned *cushim_cond_default_to_write(struct cushim_cond *cond);
/* cudaDeviceReset: the device's cells are gone (never given back). */
void cushim_cond_forget_device(int device);

/* ---- user_objects.c -------------------------------------------------------------------- */

void cushim_user_object_retain(struct cushim_user_object *object, unsigned count);
void cushim_user_object_release(struct cushim_user_object *object, unsigned count);

#endif
