/*
 * cpu_event.c - events and their record operation.
 *
 * Owns: muEventCreate/Destroy/Record/Query/Synchronize/ElapsedTime and the generation scheme of
 * cpu_event.h.  A record bumps the generation and queues an operation carrying it; when the
 * stream reaches that operation it stamps CLOCK_MONOTONIC and marks the generation done.  An
 * older record that runs after a newer one changes nothing, so "complete" and the time always
 * describe the latest record, as in CUDA.
 * Must not: hold the event lock while submitting (a record on an idle stream runs inline and
 * takes that lock itself).
 */
#include "cpu_event.h"

#include <time.h>

#include "cpu_alloc.h"
#include "cpu_entry.h"
#include "cpu_stream.h"

uint64_t cpu_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cpu_event_ref(struct mu_event *event)
{
    atomic_fetch_add(&event->refs, 1);
}

void cpu_event_unref(struct mu_event *event)
{
    if (atomic_fetch_sub(&event->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&event->lock);
    pthread_cond_destroy(&event->cond);
    cpu_free(event);
}

/* A generation above the current one was withdrawn (its record could not be queued). */
int cpu_event_reached(struct mu_event *event, uint64_t gen)
{
    pthread_mutex_lock(&event->lock);
    int reached = event->done_gen >= gen || event->gen < gen;
    pthread_mutex_unlock(&event->lock);
    return reached;
}

void cpu_event_wait_gen(struct mu_event *event, uint64_t gen)
{
    pthread_mutex_lock(&event->lock);
    while (event->done_gen < gen && event->gen >= gen)
        pthread_cond_wait(&event->cond, &event->lock);
    pthread_mutex_unlock(&event->lock);
}

static void unlink_locked(struct cpu_device *dev, struct mu_event *event)
{
    if (event->prev != NULL)
        event->prev->next = event->next;
    else
        dev->events = event->next;
    if (event->next != NULL)
        event->next->prev = event->prev;
    event->next = event->prev = NULL;
}

void cpu_events_reset(struct cpu_device *dev)
{
    pthread_mutex_lock(&dev->lock);
    struct mu_event *list = dev->events;
    dev->events = NULL;
    pthread_mutex_unlock(&dev->lock);
    while (list != NULL) {
        struct mu_event *event = list;
        list = event->next;
        cpu_event_unref(event); /* the handle's reference */
    }
}

/* ---- the record operation ---- */

struct record_op {
    struct cpu_op op;
    struct mu_event *event;
    uint64_t gen;
};

static void record_run(struct cpu_op *op, struct mu_stream *s)
{
    (void)s;
    struct record_op *r = (struct record_op *)op;
    uint64_t now = cpu_now_ns();
    pthread_mutex_lock(&r->event->lock);
    if (r->gen > r->event->done_gen) {
        r->event->done_gen = r->gen;
        r->event->time_ns = now;
        pthread_cond_broadcast(&r->event->cond);
    }
    pthread_mutex_unlock(&r->event->lock);
}

static void record_release(struct cpu_op *op)
{
    struct record_op *r = (struct record_op *)op;
    cpu_event_unref(r->event);
    cpu_free(r);
}

static const struct cpu_op_class record_class = {"event-record", record_run, record_release, 1};

/* ---- the mu* event operations ---- */

MUresult cpu_muEventCreate(MUevent *out, int ordinal, unsigned flags)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    unsigned known = MU_EVENT_BLOCKING_SYNC | MU_EVENT_DISABLE_TIMING | MU_EVENT_INTERPROCESS;
    if (out == NULL || (flags & ~known) != 0)
        return MU_ERROR_INVALID_VALUE;
    /* An interprocess event must not time (CUDA's rule). */
    if ((flags & MU_EVENT_INTERPROCESS) && !(flags & MU_EVENT_DISABLE_TIMING))
        return MU_ERROR_INVALID_VALUE;
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    struct mu_event *event = cpu_calloc(1, sizeof *event);
    if (event == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    event->dev = dev;
    event->flags = flags;
    pthread_mutex_init(&event->lock, NULL);
    pthread_cond_init(&event->cond, NULL);
    atomic_init(&event->refs, 1);
    pthread_mutex_lock(&dev->lock);
    event->next = dev->events;
    if (dev->events != NULL)
        dev->events->prev = event;
    dev->events = event;
    pthread_mutex_unlock(&dev->lock);
    *out = event;
    return MU_SUCCESS;
}

MUresult cpu_muEventDestroy(MUevent event)
{
    if (event == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    struct cpu_device *dev = event->dev;
    pthread_mutex_lock(&dev->lock);
    unlink_locked(dev, event);
    pthread_mutex_unlock(&dev->lock);
    /* A record still queued keeps the event alive until it has run. */
    cpu_event_unref(event);
    return cpu_device_status(dev);
}

MUresult cpu_muEventRecord(MUevent event, MUstream stream)
{
    if (event == NULL || stream == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (event->dev != stream->dev) /* CUDA: event and stream must share a device */
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    MUresult r = cpu_device_status(event->dev);
    if (r != MU_SUCCESS)
        return r;
    struct record_op *op = cpu_calloc(1, sizeof *op);
    if (op == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    op->op.cls = &record_class;
    op->event = event;
    cpu_event_ref(event);
    pthread_mutex_lock(&event->lock);
    op->gen = ++event->gen;
    pthread_mutex_unlock(&event->lock);
    uint64_t gen = op->gen;
    r = cpu_stream_submit(stream, &op->op, NULL, 0, CPU_SUBMIT_CHEAP);
    if (r != MU_SUCCESS) {
        /* Withdraw the generation so that nobody waits for a record that will never run. */
        pthread_mutex_lock(&event->lock);
        if (event->gen == gen)
            event->gen = gen - 1;
        pthread_cond_broadcast(&event->cond);
        pthread_mutex_unlock(&event->lock);
    }
    return r;
}

MUresult cpu_muEventQuery(MUevent event)
{
    if (event == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    MUresult r = cpu_device_status(event->dev);
    if (r != MU_SUCCESS)
        return r;
    pthread_mutex_lock(&event->lock);
    int complete = event->done_gen >= event->gen; /* never recorded: complete */
    pthread_mutex_unlock(&event->lock);
    return complete ? MU_SUCCESS : MU_ERROR_NOT_READY;
}

MUresult cpu_muEventSynchronize(MUevent event)
{
    if (event == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (cpu_on_worker_thread())
        return MU_ERROR_NOT_PERMITTED;
    pthread_mutex_lock(&event->lock);
    uint64_t gen = event->gen;
    pthread_mutex_unlock(&event->lock);
    cpu_event_wait_gen(event, gen);
    return cpu_device_sync_result(event->dev);
}

/* NVIDIA's order of checks: timing disabled, never recorded (invalid handle), not yet
 * complete (not ready). */
MUresult cpu_muEventElapsedTime(float *ms, MUevent start, MUevent end)
{
    if (start == NULL || end == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (ms == NULL)
        return MU_ERROR_INVALID_VALUE;
    if ((start->flags | end->flags) & MU_EVENT_DISABLE_TIMING)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (start->dev != end->dev)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    MUresult r = cpu_device_status(start->dev);
    if (r != MU_SUCCESS)
        return r;
    uint64_t gen[2], done[2], time[2];
    MUevent events[2] = {start, end};
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&events[i]->lock);
        gen[i] = events[i]->gen;
        done[i] = events[i]->done_gen;
        time[i] = events[i]->time_ns;
        pthread_mutex_unlock(&events[i]->lock);
    }
    if (gen[0] == 0 || gen[1] == 0)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (done[0] < gen[0] || done[1] < gen[1])
        return MU_ERROR_NOT_READY;
    *ms = (float)((double)(int64_t)(time[1] - time[0]) / 1e6);
    return MU_SUCCESS;
}
