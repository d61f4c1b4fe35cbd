/*
 * streams.c - stream handles (a uthash map of the streams this runtime created, per-thread
 * default streams included) and the stream management API.  Synchronising with or querying a
 * stream, and the calls stream capture cannot record, first ask capture.c whether the stream
 * is capturing; host functions are stream operations (stream_ops.h).  Capture queries are in
 * capture.c.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "memory_map.h"
#include "mempool.h"
#include "stream_ops.h"
#include "streams.h"

struct stream_handle {
    struct CUstream_st *key; /* the handle users hold: this record's own address */
    struct cushim_stream_ref ref;
    int per_thread; /* a thread's per-thread default stream, not a user's */
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct stream_handle *handles;
static atomic_ullong next_id = 1;

/* The calling thread's per-thread default streams, one per device, and their clean-up. */
struct thread_stream {
    struct CUstream_st *key;
    unsigned long long id; /* guards against the key being reused after a device reset */
};
static _Thread_local struct thread_stream per_thread[CUSHIM_MAX_DEVICES];
static pthread_key_t thread_exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static int lookup_locked(struct CUstream_st *key, struct cushim_stream_ref *out)
{
    struct stream_handle *h;
    HASH_FIND_PTR(handles, &key, h);
    if (h == NULL)
        return -1;
    *out = h->ref;
    return 0;
}

static struct stream_handle *create_handle(int device, unsigned flags, int priority,
                                           int is_per_thread, cudaError_t *error)
{
    const struct mu_driver *driver;
    *error = cushim_begin_device(&driver, device);
    if (*error != cudaSuccess)
        return NULL;
    struct stream_handle *h = calloc(1, sizeof *h);
    if (h == NULL) {
        *error = cudaErrorMemoryAllocation;
        return NULL;
    }
    MUresult r = driver->muStreamCreate(&h->ref.stream, device, flags, priority);
    if (r != MU_SUCCESS) {
        free(h);
        *error = cushim_from_mu(r);
        return NULL;
    }
    h->key = (struct CUstream_st *)h;
    h->ref.device = device;
    h->ref.flags = flags;
    h->ref.priority = priority;
    h->ref.id = atomic_fetch_add(&next_id, 1);
    h->per_thread = is_per_thread;
    pthread_mutex_lock(&lock);
    HASH_ADD_PTR(handles, key, h);
    int added = h->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&lock);
    if (!added) {
        driver->muStreamDestroy(h->ref.stream);
        free(h);
        *error = cudaErrorMemoryAllocation;
        return NULL;
    }
    return h;
}

/* Destroy a record if it is still registered (a device reset may have taken it already);
 * a non-zero id must match too. */
static cudaError_t destroy_handle(struct CUstream_st *key, int only_per_thread,
                                  unsigned long long id)
{
    struct stream_handle *h;
    pthread_mutex_lock(&lock);
    HASH_FIND_PTR(handles, &key, h);
    if (h == NULL || h->per_thread != only_per_thread || (id != 0 && h->ref.id != id)) {
        pthread_mutex_unlock(&lock);
        return cudaErrorInvalidResourceHandle;
    }
    HASH_DEL(handles, h);
    pthread_mutex_unlock(&lock);
    cushim_capture_forget_stream(h->ref.stream);
    const struct mu_driver *driver = cushim_backend(NULL);
    MUresult r = driver->muStreamDestroy(h->ref.stream);
    free(h);
    return cushim_from_mu(r);
}

static void destroy_thread_streams(void *unused)
{
    (void)unused;
    for (int d = 0; d < CUSHIM_MAX_DEVICES; d++) {
        if (per_thread[d].key != NULL)
            destroy_handle(per_thread[d].key, 1, per_thread[d].id);
        per_thread[d].key = NULL;
    }
}

static void make_key(void)
{
    pthread_key_create(&thread_exit_key, destroy_thread_streams);
}

/* The per-thread default stream: an ordinary blocking stream of this thread's own. */
static cudaError_t per_thread_stream(int device, struct cushim_stream_ref *out)
{
    struct thread_stream *mine = &per_thread[device];
    if (mine->key != NULL) {
        pthread_mutex_lock(&lock);
        int live = lookup_locked(mine->key, out) == 0 && out->id == mine->id;
        pthread_mutex_unlock(&lock);
        if (live)
            return cudaSuccess;
    }
    pthread_once(&key_once, make_key);
    cudaError_t error;
    struct stream_handle *h = create_handle(device, 0, 0, 1, &error);
    if (h == NULL)
        return error;
    mine->key = h->key;
    mine->id = h->ref.id;
    pthread_setspecific(thread_exit_key, per_thread);
    *out = h->ref;
    return cudaSuccess;
}

cudaError_t cushim_stream_resolve(cudaStream_t handle, struct cushim_stream_ref *out)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    if (handle == cudaStreamPerThread || (handle == NULL && cushim_thread()->per_thread_stream))
        return per_thread_stream(device, out);
    if (handle == NULL || handle == cudaStreamLegacy) {
        out->device = device;
        out->flags = 0;
        out->priority = 0;
        out->id = 0;
        return cushim_from_mu(driver->muStreamGetLegacy(&out->stream, device));
    }
    pthread_mutex_lock(&lock);
    int found = lookup_locked(handle, out) == 0;
    pthread_mutex_unlock(&lock);
    return found ? cudaSuccess : cudaErrorInvalidResourceHandle;
}

void cushim_streams_forget_device(int device)
{
    struct stream_handle *h, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, handles, h, tmp)
    {
        if (h->ref.device == device) {
            HASH_DEL(handles, h);
            free(h);
        }
    }
    pthread_mutex_unlock(&lock);
}

cudaError_t impl_cudaStreamCreateWithPriority(cudaStream_t *pStream, unsigned int flags,
                                              int priority)
{
    if (pStream == NULL || (flags & ~(unsigned)cudaStreamNonBlocking) != 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    /* Out-of-range priorities are clamped, as NVIDIA documents. */
    if (priority > 0)
        priority = 0;
    if (priority < -5)
        priority = -5;
    struct stream_handle *h = create_handle(device, flags, priority, 0, &error);
    if (h == NULL)
        return error;
    *pStream = (cudaStream_t)h->key;
    return cudaSuccess;
}

cudaError_t impl_cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
{
    return impl_cudaStreamCreateWithPriority(pStream, flags, 0);
}

cudaError_t impl_cudaStreamCreate(cudaStream_t *pStream)
{
    return impl_cudaStreamCreateWithPriority(pStream, cudaStreamDefault, 0);
}

cudaError_t impl_cudaStreamDestroy(cudaStream_t stream)
{
    if (stream == NULL || stream == cudaStreamLegacy || stream == cudaStreamPerThread)
        return cudaErrorInvalidResourceHandle;
    return destroy_handle(stream, 0, 0);
}

cudaError_t impl_cudaStreamSynchronize(cudaStream_t stream)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error == cudaSuccess)
        error = cushim_capture_check_stream(&ref);
    if (error != cudaSuccess)
        return error;
    error = cushim_from_mu(cushim_backend(NULL)->muStreamSynchronize(ref.stream));
    if (error == cudaSuccess)
        cushim_mempool_sync_point(ref.device);
    return error;
}

cudaError_t impl_cudaStreamQuery(cudaStream_t stream)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error == cudaSuccess)
        error = cushim_capture_check_stream(&ref);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(cushim_backend(NULL)->muStreamQuery(ref.stream));
}

cudaError_t impl_cudaStreamGetPriority(cudaStream_t hStream, int *priority)
{
    struct cushim_stream_ref ref;
    if (priority == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error == cudaSuccess)
        *priority = ref.priority;
    return error;
}

cudaError_t impl_cudaStreamGetFlags(cudaStream_t hStream, unsigned int *flags)
{
    struct cushim_stream_ref ref;
    if (flags == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error == cudaSuccess)
        *flags = ref.flags;
    return error;
}

cudaError_t impl_cudaStreamGetDevice(cudaStream_t hStream, int *device)
{
    struct cushim_stream_ref ref;
    if (device == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error == cudaSuccess)
        *device = ref.device;
    return error;
}

cudaError_t impl_cudaStreamGetId(cudaStream_t hStream, unsigned long long *streamId)
{
    struct cushim_stream_ref ref;
    if (streamId == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error == cudaSuccess)
        *streamId = ref.id;
    return error;
}

/* Managed memory is always reachable by every stream here, so attaching only validates.
 * Graphs cannot record it, as NVIDIA documents. */
cudaError_t impl_cudaStreamAttachMemAsync(cudaStream_t stream, void *devPtr, size_t length,
                                          unsigned int flags)
{
    struct cushim_stream_ref ref;
    if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost &&
        flags != cudaMemAttachSingle)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error == cudaSuccess)
        error = cushim_capture_check_stream(&ref);
    if (error != cudaSuccess)
        return error;
    /* Managed memory only (the device reports no pageable memory access), and the whole
     * allocation: "it is not possible to change stream association for a portion". */
    struct cushim_range range;
    if (cushim_memory_find((uintptr_t)devPtr, &range) != 0 || range.kind != CUSHIM_MEM_MANAGED ||
        (length != 0 && ((uintptr_t)devPtr != range.base || length != range.size)))
        return cudaErrorInvalidValue;
    /* "It is illegal to attach singly to the NULL stream" */
    if (flags == cudaMemAttachSingle && (stream == NULL || stream == cudaStreamLegacy))
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

struct stream_callback {
    cudaStreamCallback_t callback;
    cudaStream_t stream;
    MUstream mu_stream;
    void *user_data;
};

/* NVIDIA: "In the event of a device error, all subsequently executed callbacks will receive an
 * appropriate cudaError_t."  The callback's own stream is busy running it, so a query answers
 * the device's sticky fault (checked first) or MU_ERROR_NOT_READY. */
static void run_stream_callback(void *data)
{
    struct stream_callback *cb = data;
    MUresult r = cushim_backend(NULL)->muStreamQuery(cb->mu_stream);
    cudaError_t status =
        (r == MU_SUCCESS || r == MU_ERROR_NOT_READY) ? cudaSuccess : cushim_from_mu(r);
    cb->callback(cb->stream, status, cb->user_data);
    free(cb);
}

cudaError_t impl_cudaStreamAddCallback(cudaStream_t stream, cudaStreamCallback_t callback,
                                       void *userData, unsigned int flags)
{
    if (callback == NULL || flags != 0)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    /* Unlike cudaLaunchHostFunc, a callback cannot be captured (NVIDIA documents so). */
    if (error == cudaSuccess)
        error = cushim_capture_check_stream(&ref);
    if (error != cudaSuccess)
        return error;
    struct stream_callback *cb = malloc(sizeof *cb);
    if (cb == NULL)
        return cudaErrorMemoryAllocation;
    *cb = (struct stream_callback){callback, stream, ref.stream, userData};
    MUresult r = cushim_backend(NULL)->muLaunchHostFunc(ref.stream, run_stream_callback, cb);
    if (r != MU_SUCCESS)
        free(cb);
    return cushim_from_mu(r);
}

cudaError_t impl_cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void *userData)
{
    if (fn == NULL)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    struct cushim_op op = {.kind = cudaGraphNodeTypeHost, .host = {fn, userData}};
    return cushim_enqueue(&ref, &op);
}
