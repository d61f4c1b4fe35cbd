/*
 * cpu_stream.h - streams: ordered queues of operations, each drained by its own worker thread.
 *
 * Owns: stream objects, their workers, the tickets that order work, the dependencies between
 * streams (the legacy stream's implicit synchronisation, event waits), and the wait/query
 * primitives every synchronising call is built on.
 * Must not: know what an operation does (copies, fills, launches, event records and host
 * functions are cpu_op classes defined by their own files), or hold any lock while one runs.
 */
#ifndef CUSHIM_CPU_STREAM_H
#define CUSHIM_CPU_STREAM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cpu_device.h"

struct cpu_op;

/* What one kind of operation does.  run executes it on the stream's worker (or inline in the
 * caller when the stream is idle); release frees the operation and whatever it holds, whether
 * it ran or not. */
struct cpu_op_class {
    const char *name;
    void (*run)(struct cpu_op *op, struct mu_stream *stream);
    void (*release)(struct cpu_op *op);
    /* The operation may run in a host thread that waits for the stream (see cpu_stream.c):
     * everything but host functions, which must run on a backend thread. */
    int may_run_in_waiter;
};

/* Something an operation waits for before it runs: a stream reaching a ticket, or an event's
 * record of a given generation having run. */
struct cpu_dep {
    struct mu_stream *stream; /* with a reference */
    uint64_t ticket;
    struct mu_event *event; /* with a reference */
    uint64_t gen;
};

/* The header every operation starts with; the class's own fields follow it. */
struct cpu_op {
    struct cpu_op *next;
    const struct cpu_op_class *cls;
    uint64_t ticket;
    struct cpu_dep *deps; /* inline_deps, or an allocated array when there are more */
    int ndeps;
    struct cpu_dep inline_deps[2]; /* the common cases: the legacy stream and one event */
};

struct mu_stream {
    struct cpu_device *dev;
    unsigned flags;
    int priority;
    int is_legacy;
    pthread_mutex_t lock;
    pthread_cond_t work;   /* the worker waits here for operations */
    pthread_cond_t done;   /* waiters wait here for tickets */
    struct cpu_op *head, *tail;
    atomic_uint_least64_t enqueued;  /* last ticket handed out (written under lock) */
    atomic_uint_least64_t completed; /* last ticket finished; tickets finish in order */
    int busy;      /* an operation is running (on the worker or inline) */
    int stop;      /* the worker exits once the queue is empty */
    int destroyed; /* the handle is gone: muStreamDestroy or a reset */
    int has_worker;
    pthread_t worker;
    atomic_int refs; /* handle + device list + dependencies; legacy streams are never freed */
    struct mu_stream *next, *prev; /* the device's list */
};

enum cpu_submit_mode {
    CPU_SUBMIT_ASYNC,  /* queue it; return at once */
    CPU_SUBMIT_SYNC,   /* return once it has run (inline in the caller if the stream is idle) */
    CPU_SUBMIT_CHEAP,  /* inline if the stream is idle, queued otherwise: for trivial work */
};

/* Give op (allocated by the caller, with cls set) to the stream.  The stream owns op from here
 * on, failure included.  wait_event/wait_gen (may be NULL) add an event-record dependency.
 * MU_ERROR_MEMORY_ALLOCATION (no worker thread, no room for dependencies),
 * MU_ERROR_NOT_PERMITTED (a synchronous submission from one of our own workers),
 * MU_ERROR_INVALID_RESOURCE_HANDLE (the stream was destroyed). */
MUresult cpu_stream_submit(struct mu_stream *stream, struct cpu_op *op, struct mu_event *wait_event,
                           uint64_t wait_gen, enum cpu_submit_mode mode);

/* The device's legacy stream, set up at start-up without allocating. */
struct mu_stream *cpu_stream_legacy_init(struct cpu_device *dev);
/* Wait for all work submitted to every stream of dev before this call (not that of the calling
 * worker's own stream). */
void cpu_streams_wait_device(struct cpu_device *dev);
/* Reset: wait for the device, then destroy its streams and stop every worker, legacy included. */
void cpu_streams_reset(struct cpu_device *dev);
/* Whether the calling thread is one of the backend's stream workers (host functions run there;
 * they must not wait for streams). */
int cpu_on_worker_thread(void);
void cpu_stream_unref(struct mu_stream *stream);

#endif
