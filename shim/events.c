/*
 * events.c - event handles (a uthash map of the events this runtime created) and the event
 * management API, plus cudaStreamWaitEvent, which needs both kinds of handle.  Recording and
 * waiting are stream operations (stream_ops.h): on a capturing stream they shape the capture
 * (capture.c) instead of reaching the backend.  An event last recorded in a capture stands for
 * no work that can be waited for on the host, so queries and waits on it fail as NVIDIA's do.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "events.h"
#include "mempool.h"
#include "stream_ops.h"
#include "streams.h"

struct event_handle {
    struct CUevent_st *key; /* the handle users hold: this record's own address */
    MUevent event;
    int device;
    unsigned flags;
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct event_handle *handles;

static int lookup(cudaEvent_t key, struct event_handle *out)
{
    struct event_handle *h;
    pthread_mutex_lock(&lock);
    HASH_FIND_PTR(handles, &key, h);
    if (h != NULL)
        *out = *h;
    pthread_mutex_unlock(&lock);
    return h != NULL ? 0 : -1;
}

int cushim_event_lookup(cudaEvent_t event, MUevent *out, int *device, unsigned *flags)
{
    struct event_handle h;
    if (lookup(event, &h) != 0)
        return -1;
    if (out != NULL)
        *out = h.event;
    if (device != NULL)
        *device = h.device;
    if (flags != NULL)
        *flags = h.flags;
    return 0;
}

void cushim_events_forget_device(int device)
{
    struct event_handle *h, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, handles, h, tmp)
    {
        if (h->device == device) {
            HASH_DEL(handles, h);
            free(h);
        }
    }
    pthread_mutex_unlock(&lock);
}

#define KNOWN_EVENT_FLAGS                                                                         \
    (cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess)

cudaError_t impl_cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags)
{
    if (event == NULL || (flags & ~(unsigned)KNOWN_EVENT_FLAGS) != 0)
        return cudaErrorInvalidValue;
    /* Interprocess events must also disable timing, as NVIDIA requires. */
    if ((flags & cudaEventInterprocess) && !(flags & cudaEventDisableTiming))
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct event_handle *h = calloc(1, sizeof *h);
    if (h == NULL)
        return cudaErrorMemoryAllocation;
    MUresult r = driver->muEventCreate(&h->event, device, flags);
    if (r != MU_SUCCESS) {
        free(h);
        return cushim_from_mu(r);
    }
    h->key = (struct CUevent_st *)h;
    h->device = device;
    h->flags = flags;
    pthread_mutex_lock(&lock);
    HASH_ADD_PTR(handles, key, h);
    int added = h->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&lock);
    if (!added) {
        driver->muEventDestroy(h->event);
        free(h);
        return cudaErrorMemoryAllocation;
    }
    *event = h->key;
    return cudaSuccess;
}

cudaError_t impl_cudaEventCreate(cudaEvent_t *event)
{
    return impl_cudaEventCreateWithFlags(event, cudaEventDefault);
}

cudaError_t impl_cudaEventDestroy(cudaEvent_t event)
{
    struct event_handle *h;
    pthread_mutex_lock(&lock);
    HASH_FIND_PTR(handles, &event, h);
    if (h != NULL)
        HASH_DEL(handles, h);
    pthread_mutex_unlock(&lock);
    if (h == NULL)
        return cudaErrorInvalidResourceHandle;
    cushim_capture_forget_event(event);
    MUresult r = cushim_backend(NULL)->muEventDestroy(h->event);
    free(h);
    return cushim_from_mu(r);
}

cudaError_t impl_cudaEventRecordWithFlags(cudaEvent_t event, cudaStream_t stream,
                                          unsigned int flags)
{
    struct event_handle h;
    if (lookup(event, &h) != 0)
        return cudaErrorInvalidResourceHandle;
    if ((flags & ~(unsigned)cudaEventRecordExternal) != 0)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    /* An event records work of its own device only. */
    if (ref.device != h.device)
        return cudaErrorInvalidResourceHandle;
    struct cushim_op op = {.kind = cudaGraphNodeTypeEventRecord, .event = {event, flags}};
    return cushim_enqueue(&ref, &op);
}

cudaError_t impl_cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
{
    return impl_cudaEventRecordWithFlags(event, stream, 0);
}

cudaError_t impl_cudaEventQuery(cudaEvent_t event)
{
    struct event_handle h;
    if (lookup(event, &h) != 0)
        return cudaErrorInvalidResourceHandle;
    cudaError_t error = cushim_capture_check_event(event);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(cushim_backend(NULL)->muEventQuery(h.event));
}

cudaError_t impl_cudaEventSynchronize(cudaEvent_t event)
{
    struct event_handle h;
    if (lookup(event, &h) != 0)
        return cudaErrorInvalidResourceHandle;
    cudaError_t error = cushim_capture_check_event(event);
    if (error != cudaSuccess)
        return error;
    error = cushim_from_mu(cushim_backend(NULL)->muEventSynchronize(h.event));
    if (error == cudaSuccess)
        cushim_mempool_sync_point(h.device);
    return error;
}

cudaError_t impl_cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
{
    struct event_handle a, b;
    if (ms == NULL)
        return cudaErrorInvalidValue;
    if (lookup(start, &a) != 0 || lookup(end, &b) != 0)
        return cudaErrorInvalidResourceHandle;
    if (a.device != b.device)
        return cudaErrorInvalidResourceHandle;
    cudaError_t error = cushim_capture_check_event(start);
    if (error == cudaSuccess)
        error = cushim_capture_check_event(end);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(cushim_backend(NULL)->muEventElapsedTime(ms, a.event, b.event));
}

cudaError_t impl_cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                     unsigned int flags)
{
    struct event_handle h;
    if (lookup(event, &h) != 0)
        return cudaErrorInvalidResourceHandle;
    if ((flags & ~(unsigned)cudaEventWaitExternal) != 0)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    /* Waiting across devices is allowed: the stream simply waits for the other device. */
    struct cushim_op op = {.kind = cudaGraphNodeTypeWaitEvent, .event = {event, flags}};
    return cushim_enqueue(&ref, &op);
}
