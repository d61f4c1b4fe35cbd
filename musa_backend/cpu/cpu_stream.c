/*
 * cpu_stream.c - streams, their workers, and the ordering between streams.
 *
 * Owns: stream objects (the device's legacy stream and created ones), the queue and worker of
 * each, tickets, dependencies, muStreamCreate/Destroy/Synchronize/Query/WaitEvent,
 * muLaunchHostFunc, and the device-wide wait that muDeviceSynchronize and cudaFree rely on.
 * Must not: hold a lock while an operation runs (a kernel may take seconds and other threads
 * keep submitting), or know what an operation does beyond its class.
 *
 * Ordering.  Every operation gets the next ticket of its stream; a stream's operations run one
 * at a time in ticket order, so "stream S has completed ticket t" says everything up to t is
 * done.  Cross-stream order is a list of dependencies fixed when the operation is submitted:
 *   - legacy stream: each blocking stream of the device that still has work (its last ticket);
 *   - blocking stream: the legacy stream, if it still has work;
 *   - muStreamWaitEvent: the event's record generation.
 * Submissions to the legacy stream and to blocking streams of a device take the device lock
 * while they pick their ticket and dependencies, so the two sides see one order of submissions
 * and can never wait for each other in a cycle.  Non-blocking streams skip the device lock.
 *
 * Lifetime.  A created stream is referenced by its handle, by the device's list and by
 * dependencies of queued operations.  muStreamDestroy drops the handle and tells the worker to
 * exit once the queue is empty; the stream stays on the device's list (so the legacy stream and
 * muDeviceSynchronize still see its pending work) until a walk of the list finds it idle,
 * unlinks it and joins its worker.  Workers start on the first operation that needs one, so a
 * stream used only synchronously never costs a thread.
 *
 * Waiting.  A host thread that waits for a stream runs the operations at the head of its queue
 * itself when the worker has not taken them (host functions excepted): see
 * wait_ticket_helping.
 */
#include "cpu_stream.h"

#include <stdlib.h>
#include <string.h>

#include "cpu_alloc.h"
#include "cpu_entry.h"
#include "cpu_event.h"

static struct mu_stream legacy_streams[CPU_MAX_DEVICES];
static _Thread_local struct mu_stream *current_worker;

int cpu_on_worker_thread(void)
{
    return current_worker != NULL;
}

static void stream_init(struct mu_stream *s, struct cpu_device *dev, unsigned flags,
                        int priority, int is_legacy)
{
    memset(s, 0, sizeof *s);
    s->dev = dev;
    s->flags = flags;
    s->priority = priority;
    s->is_legacy = is_legacy;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->work, NULL);
    pthread_cond_init(&s->done, NULL);
    atomic_init(&s->enqueued, 0);
    atomic_init(&s->completed, 0);
    atomic_init(&s->refs, 2); /* the handle and the device's list */
}

struct mu_stream *cpu_stream_legacy_init(struct cpu_device *dev)
{
    struct mu_stream *s = &legacy_streams[dev->ordinal];
    stream_init(s, dev, 0, CPU_STREAM_PRIORITY_LEAST, 1);
    return s;
}

static void stream_ref(struct mu_stream *s)
{
    if (!s->is_legacy)
        atomic_fetch_add(&s->refs, 1);
}

void cpu_stream_unref(struct mu_stream *s)
{
    if (s->is_legacy || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->work);
    pthread_cond_destroy(&s->done);
    cpu_free(s);
}

static int idle_locked(const struct mu_stream *s)
{
    return s->head == NULL && !s->busy;
}

static int blocking(const struct mu_stream *s)
{
    return !s->is_legacy && !(s->flags & MU_STREAM_NON_BLOCKING);
}

static int pending(struct mu_stream *s)
{
    return atomic_load(&s->completed) < atomic_load(&s->enqueued);
}

/* Release what an operation holds: its dependencies, then the operation itself. */
static void op_finish(struct cpu_op *op)
{
    for (int i = 0; i < op->ndeps; i++) {
        if (op->deps[i].stream != NULL)
            cpu_stream_unref(op->deps[i].stream);
        if (op->deps[i].event != NULL)
            cpu_event_unref(op->deps[i].event);
    }
    if (op->deps != op->inline_deps)
        cpu_free(op->deps);
    op->deps = NULL;
    op->ndeps = 0;
    op->cls->release(op);
}

static void wait_ticket(struct mu_stream *s, uint64_t ticket)
{
    if (atomic_load(&s->completed) >= ticket)
        return;
    pthread_mutex_lock(&s->lock);
    while (atomic_load(&s->completed) < ticket)
        pthread_cond_wait(&s->done, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

/* Whether op could run now without waiting (no locks of other streams are taken). */
static int deps_ready(const struct cpu_op *op)
{
    for (int i = 0; i < op->ndeps; i++) {
        if (op->deps[i].stream != NULL &&
            atomic_load(&op->deps[i].stream->completed) < op->deps[i].ticket)
            return 0;
        if (op->deps[i].event != NULL && !cpu_event_reached(op->deps[i].event, op->deps[i].gen))
            return 0;
    }
    return 1;
}

static void wait_deps(const struct cpu_op *op)
{
    for (int i = 0; i < op->ndeps; i++) {
        if (op->deps[i].stream != NULL)
            wait_ticket(op->deps[i].stream, op->deps[i].ticket);
        if (op->deps[i].event != NULL)
            cpu_event_wait_gen(op->deps[i].event, op->deps[i].gen);
    }
}

/* Run one operation that this thread has marked busy, then publish its completion.  The
 * operation is released before completion is published: a synchronous caller may have it on
 * its stack and return as soon as it sees the ticket. */
static void run_and_complete(struct mu_stream *s, struct cpu_op *op)
{
    uint64_t ticket = op->ticket;
    wait_deps(op);
    op->cls->run(op, s);
    op_finish(op);
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->completed, ticket);
    s->busy = 0;
    pthread_cond_broadcast(&s->done);
    pthread_cond_signal(&s->work); /* the worker may be waiting for an inline run to end */
    pthread_mutex_unlock(&s->lock);
}

/* A host thread waiting for s to reach ticket runs the queued operations itself while the
 * worker has not taken them: the thread is idle anyway, and a launch followed by a
 * synchronisation then costs no thread hand-off at all (about 80 us on a small VM, against
 * 2 us for the kernel).  Order is kept: only the head of the queue is taken, and only while
 * nothing else of the stream runs.  Host functions are left to the worker, and so is an
 * operation whose dependencies have not been met (the worker waits for those). */
static void wait_ticket_helping(struct mu_stream *s, uint64_t ticket)
{
    if (current_worker != NULL) { /* a worker never runs another stream's work */
        wait_ticket(s, ticket);
        return;
    }
    if (atomic_load(&s->completed) >= ticket)
        return;
    pthread_mutex_lock(&s->lock);
    while (atomic_load(&s->completed) < ticket) {
        struct cpu_op *op = s->head;
        if (op != NULL && !s->busy && op->ticket <= ticket && op->cls->may_run_in_waiter &&
            deps_ready(op)) {
            s->head = op->next;
            if (s->head == NULL)
                s->tail = NULL;
            s->busy = 1;
            pthread_mutex_unlock(&s->lock);
            run_and_complete(s, op);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        pthread_cond_wait(&s->done, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
    struct mu_stream *s = arg;
    current_worker = s;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        if (s->head != NULL && !s->busy) {
            struct cpu_op *op = s->head;
            s->head = op->next;
            if (s->head == NULL)
                s->tail = NULL;
            s->busy = 1;
            pthread_mutex_unlock(&s->lock);
            run_and_complete(s, op);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        if (s->stop && idle_locked(s))
            break;
        pthread_cond_wait(&s->work, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Add a dependency on s reaching its current last ticket, if it has not yet. */
static int add_stream_dep(struct cpu_op *op, int capacity, struct mu_stream *s)
{
    if (!pending(s))
        return 1;
    if (op->ndeps == capacity)
        return 0;
    stream_ref(s);
    op->deps[op->ndeps++] = (struct cpu_dep){s, atomic_load(&s->enqueued), NULL, 0};
    return 1;
}

/* The implicit dependencies of an operation submitted to s (device lock held for ordered
 * streams), plus the event one.  0 when the dependency array cannot be allocated. */
static int collect_deps(struct mu_stream *s, struct cpu_op *op, struct mu_event *event,
                        uint64_t gen)
{
    int capacity = (int)(sizeof op->inline_deps / sizeof op->inline_deps[0]);
    op->deps = op->inline_deps;
    op->ndeps = 0;
    if (s->is_legacy) {
        int needed = event != NULL;
        for (struct mu_stream *b = s->dev->streams; b != NULL; b = b->next)
            needed += blocking(b) && pending(b);
        if (needed > capacity) {
            op->deps = cpu_malloc((size_t)needed * sizeof *op->deps);
            if (op->deps == NULL) {
                op->deps = op->inline_deps;
                return 0;
            }
            capacity = needed;
        }
        for (struct mu_stream *b = s->dev->streams; b != NULL; b = b->next)
            if (blocking(b))
                add_stream_dep(op, capacity, b);
    } else if (blocking(s)) {
        add_stream_dep(op, capacity, s->dev->legacy);
    }
    if (event != NULL) {
        cpu_event_ref(event);
        op->deps[op->ndeps++] = (struct cpu_dep){NULL, 0, event, gen};
    }
    return 1;
}

MUresult cpu_stream_submit(struct mu_stream *s, struct cpu_op *op, struct mu_event *event,
                           uint64_t gen, enum cpu_submit_mode mode)
{
    op->next = NULL;
    op->deps = op->inline_deps;
    op->ndeps = 0;
    if (mode == CPU_SUBMIT_SYNC && current_worker != NULL) {
        op_finish(op); /* waiting on a worker could wait for this very thread */
        return MU_ERROR_NOT_PERMITTED;
    }
    if (event != NULL && cpu_event_reached(event, gen))
        event = NULL;
    int ordered = s->is_legacy || blocking(s);
    if (ordered)
        pthread_mutex_lock(&s->dev->lock);
    MUresult result = MU_SUCCESS;
    if (!collect_deps(s, op, event, gen))
        result = MU_ERROR_MEMORY_ALLOCATION;
    pthread_mutex_lock(&s->lock);
    int run_inline = mode != CPU_SUBMIT_ASYNC && op->ndeps == 0 && idle_locked(s);
    if (result == MU_SUCCESS && s->destroyed)
        result = MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (result == MU_SUCCESS && !run_inline && !s->has_worker) {
        if (cpu_thread_create(&s->worker, worker_main, s) != 0)
            result = MU_ERROR_MEMORY_ALLOCATION;
        else
            s->has_worker = 1;
    }
    uint64_t ticket = 0;
    if (result == MU_SUCCESS) {
        /* Read the ticket now: once queued, the worker may run and free op at any moment. */
        ticket = op->ticket = atomic_load(&s->enqueued) + 1;
        atomic_store(&s->enqueued, ticket);
        if (run_inline) {
            s->busy = 1;
        } else {
            if (s->tail != NULL)
                s->tail->next = op;
            else
                s->head = op;
            s->tail = op;
            pthread_cond_signal(&s->work);
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (ordered)
        pthread_mutex_unlock(&s->dev->lock);
    if (result != MU_SUCCESS) {
        op_finish(op);
        return result;
    }
    if (run_inline)
        run_and_complete(s, op);
    else if (mode == CPU_SUBMIT_SYNC)
        wait_ticket_helping(s, ticket);
    return MU_SUCCESS;
}

/* Unlink destroyed streams that have drained and join their workers. */
static void collect_destroyed(struct cpu_device *dev)
{
    struct mu_stream *dead = NULL;
    pthread_mutex_lock(&dev->lock);
    for (struct mu_stream *s = dev->streams, *next; s != NULL; s = next) {
        next = s->next;
        pthread_mutex_lock(&s->lock);
        int done = s->destroyed && idle_locked(s) && s != current_worker;
        pthread_mutex_unlock(&s->lock);
        if (!done)
            continue;
        if (s->prev != NULL)
            s->prev->next = s->next;
        else
            dev->streams = s->next;
        if (s->next != NULL)
            s->next->prev = s->prev;
        s->next = dead;
        dead = s;
    }
    pthread_mutex_unlock(&dev->lock);
    while (dead != NULL) {
        struct mu_stream *s = dead;
        dead = s->next;
        if (s->has_worker)
            pthread_join(s->worker, NULL);
        cpu_stream_unref(s); /* the list's reference */
    }
}

/* A ticket to wait for. */
struct snapshot {
    struct mu_stream *stream;
    uint64_t ticket;
};

void cpu_streams_wait_device(struct cpu_device *dev)
{
    collect_destroyed(dev);
    pthread_mutex_lock(&dev->lock);
    size_t n = 1;
    for (struct mu_stream *s = dev->streams; s != NULL; s = s->next)
        n++;
    struct snapshot *snap = cpu_malloc(n * sizeof *snap);
    if (snap == NULL) {
        pthread_mutex_unlock(&dev->lock);
        /* Out of memory: wait until the device is idle, a stream at a time. */
        for (int again = 1; again;) {
            again = 0;
            pthread_mutex_lock(&dev->lock);
            struct mu_stream *legacy = dev->legacy;
            struct mu_stream *busy = pending(legacy) && legacy != current_worker ? legacy : NULL;
            for (struct mu_stream *s = dev->streams; busy == NULL && s != NULL; s = s->next)
                if (pending(s) && s != current_worker)
                    busy = s;
            uint64_t ticket = busy ? atomic_load(&busy->enqueued) : 0;
            if (busy != NULL)
                stream_ref(busy);
            pthread_mutex_unlock(&dev->lock);
            if (busy != NULL) {
                wait_ticket(busy, ticket);
                cpu_stream_unref(busy);
                again = 1;
            }
        }
        return;
    }
    size_t count = 0;
    snap[count++] = (struct snapshot){dev->legacy, atomic_load(&dev->legacy->enqueued)};
    for (struct mu_stream *s = dev->streams; s != NULL; s = s->next) {
        if (s == current_worker || !pending(s))
            continue;
        stream_ref(s);
        snap[count++] = (struct snapshot){s, atomic_load(&s->enqueued)};
    }
    pthread_mutex_unlock(&dev->lock);
    for (size_t i = 0; i < count; i++) {
        if (snap[i].stream != current_worker)
            wait_ticket_helping(snap[i].stream, snap[i].ticket);
        if (i > 0)
            cpu_stream_unref(snap[i].stream);
    }
    cpu_free(snap);
}

void cpu_streams_reset(struct cpu_device *dev)
{
    cpu_streams_wait_device(dev);
    pthread_mutex_lock(&dev->lock);
    struct mu_stream *list = dev->streams;
    dev->streams = NULL;
    for (struct mu_stream *s = list; s != NULL; s = s->next) {
        pthread_mutex_lock(&s->lock);
        int drop_handle = !s->destroyed;
        s->destroyed = 1;
        s->stop = 1;
        pthread_cond_signal(&s->work);
        pthread_mutex_unlock(&s->lock);
        if (drop_handle)
            cpu_stream_unref(s); /* cannot be the last: the list still holds one */
    }
    pthread_mutex_unlock(&dev->lock);
    while (list != NULL) {
        struct mu_stream *s = list;
        list = s->next;
        if (s->has_worker)
            pthread_join(s->worker, NULL);
        cpu_stream_unref(s);
    }
    /* The legacy stream lives on; only its worker goes (a later submission starts another). */
    struct mu_stream *legacy = dev->legacy;
    pthread_mutex_lock(&legacy->lock);
    legacy->stop = 1;
    pthread_cond_signal(&legacy->work);
    int had_worker = legacy->has_worker;
    pthread_mutex_unlock(&legacy->lock);
    if (had_worker)
        pthread_join(legacy->worker, NULL);
    pthread_mutex_lock(&legacy->lock);
    legacy->stop = 0;
    legacy->has_worker = 0;
    pthread_mutex_unlock(&legacy->lock);
}

/* ---- the mu* stream operations ---- */

MUresult cpu_muStreamGetLegacy(MUstream *stream, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (stream == NULL)
        return MU_ERROR_INVALID_VALUE;
    *stream = dev->legacy;
    return MU_SUCCESS;
}

MUresult cpu_muStreamCreate(MUstream *stream, int ordinal, unsigned flags, int priority)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (stream == NULL || (flags & ~MU_STREAM_NON_BLOCKING) != 0)
        return MU_ERROR_INVALID_VALUE;
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    collect_destroyed(dev);
    struct mu_stream *s = cpu_malloc(sizeof *s);
    if (s == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    /* Out-of-range priorities are clamped, as NVIDIA's runtime does. */
    if (priority > CPU_STREAM_PRIORITY_LEAST)
        priority = CPU_STREAM_PRIORITY_LEAST;
    if (priority < CPU_STREAM_PRIORITY_GREATEST)
        priority = CPU_STREAM_PRIORITY_GREATEST;
    stream_init(s, dev, flags, priority, 0);
    pthread_mutex_lock(&dev->lock);
    s->next = dev->streams;
    if (dev->streams != NULL)
        dev->streams->prev = s;
    dev->streams = s;
    pthread_mutex_unlock(&dev->lock);
    *stream = s;
    return MU_SUCCESS;
}

MUresult cpu_muStreamDestroy(MUstream s)
{
    if (s == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    pthread_mutex_lock(&s->lock);
    if (s->is_legacy || s->destroyed) {
        pthread_mutex_unlock(&s->lock);
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    }
    s->destroyed = 1;
    s->stop = 1;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->lock);
    struct cpu_device *dev = s->dev;
    cpu_stream_unref(s); /* the handle's reference; the list keeps the stream until drained */
    collect_destroyed(dev);
    return cpu_device_status(dev);
}

/* Marks a point in a stream; used to synchronise the legacy stream, whose implicit
 * dependencies the submission works out. */
static void marker_run(struct cpu_op *op, struct mu_stream *s)
{
    (void)op;
    (void)s;
}

static void marker_release(struct cpu_op *op)
{
    (void)op; /* on the submitter's stack */
}

static const struct cpu_op_class marker_class = {"marker", marker_run, marker_release, 1};

MUresult cpu_muStreamSynchronize(MUstream s)
{
    if (s == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (current_worker != NULL)
        return MU_ERROR_NOT_PERMITTED;
    if (s->is_legacy) {
        struct cpu_op marker = {.cls = &marker_class};
        MUresult r = cpu_stream_submit(s, &marker, NULL, 0, CPU_SUBMIT_SYNC);
        if (r != MU_SUCCESS)
            return r;
    } else {
        wait_ticket_helping(s, atomic_load(&s->enqueued));
    }
    return cpu_device_sync_result(s->dev);
}

MUresult cpu_muStreamQuery(MUstream s)
{
    if (s == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    MUresult r = cpu_device_status(s->dev);
    if (r != MU_SUCCESS)
        return r;
    if (pending(s))
        return MU_ERROR_NOT_READY;
    if (s->is_legacy) { /* it would wait for the blocking streams' work: so must a query */
        pthread_mutex_lock(&s->dev->lock);
        for (struct mu_stream *b = s->dev->streams; b != NULL && r == MU_SUCCESS; b = b->next)
            if (blocking(b) && pending(b))
                r = MU_ERROR_NOT_READY;
        pthread_mutex_unlock(&s->dev->lock);
    }
    return r;
}

/* An operation that does nothing but wait for its dependencies (muStreamWaitEvent). */
static void wait_release(struct cpu_op *op)
{
    cpu_free(op);
}

static const struct cpu_op_class wait_class = {"wait-event", marker_run, wait_release, 1};

MUresult cpu_muStreamWaitEvent(MUstream s, MUevent event, unsigned flags)
{
    if (s == NULL || event == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if ((flags & ~1u) != 0) /* cudaEventWaitDefault, cudaEventWaitExternal */
        return MU_ERROR_INVALID_VALUE;
    MUresult r = cpu_device_status(s->dev);
    if (r != MU_SUCCESS)
        return r;
    pthread_mutex_lock(&event->lock);
    uint64_t gen = event->gen;
    pthread_mutex_unlock(&event->lock);
    if (gen == 0 || cpu_event_reached(event, gen))
        return MU_SUCCESS; /* nothing to wait for: a never-recorded event is complete */
    struct cpu_op *op = cpu_calloc(1, sizeof *op);
    if (op == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    op->cls = &wait_class;
    return cpu_stream_submit(s, op, event, gen, CPU_SUBMIT_ASYNC);
}

/* muLaunchHostFunc: fn(data) on the stream's worker, never in the caller's thread (the
 * caller may hold locks fn takes). */
struct host_fn_op {
    struct cpu_op op;
    void (*fn)(void *);
    void *data;
};

static void host_fn_run(struct cpu_op *op, struct mu_stream *s)
{
    (void)s;
    /* Host functions run even on a faulted device: they free user state and signal user
     * threads (cudaStreamAddCallback hands them the status), and skipping them would hang
     * or leak the program. */
    struct host_fn_op *h = (struct host_fn_op *)op;
    h->fn(h->data);
}

static void host_fn_release(struct cpu_op *op)
{
    cpu_free(op);
}

static const struct cpu_op_class host_fn_class = {"host-function", host_fn_run, host_fn_release,
                                                 0};

MUresult cpu_muLaunchHostFunc(MUstream s, void (*fn)(void *), void *data)
{
    if (s == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (fn == NULL)
        return MU_ERROR_INVALID_VALUE;
    MUresult r = cpu_device_status(s->dev);
    if (r != MU_SUCCESS)
        return r;
    struct host_fn_op *h = cpu_calloc(1, sizeof *h);
    if (h == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    h->op.cls = &host_fn_class;
    h->fn = fn;
    h->data = data;
    return cpu_stream_submit(s, &h->op, NULL, 0, CPU_SUBMIT_ASYNC);
}
