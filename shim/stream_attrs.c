/*
 * stream_attrs.c - cudaStreamSetAttribute / GetAttribute / CopyAttributes: the launch
 * attributes a stream carries (access policy window, synchronisation policy, priority, memory
 * synchronisation domain and map).  They are kept per stream and read back exactly; none of them
 * changes a result on this runtime's devices (they tune caching and scheduling).  A stream is
 * known by its id, so a destroyed stream's attributes never reach a new one at the same address.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "streams.h"

#define ATTRIBUTE_SLOTS 11 /* ids 0..10; the stream attributes are 1, 3, 8, 9, 10 */

struct attribute_set {
    unsigned long long key; /* stream id; legacy streams use their device with the top bit set */
    cudaLaunchAttributeValue values[ATTRIBUTE_SLOTS];
    unsigned char set[ATTRIBUTE_SLOTS];
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct attribute_set *sets;

static int stream_attribute(cudaLaunchAttributeID id)
{
    return id == cudaLaunchAttributeAccessPolicyWindow ||
           id == cudaLaunchAttributeSynchronizationPolicy || id == cudaLaunchAttributePriority ||
           id == cudaLaunchAttributeMemSyncDomainMap || id == cudaLaunchAttributeMemSyncDomain;
}

static unsigned long long key_of(const struct cushim_stream_ref *ref)
{
    return ref->id != 0 ? ref->id : (1ull << 63) | (unsigned long long)ref->device;
}

/* The attribute set of a stream, created when `create`; called with the lock held. */
static struct attribute_set *find_set(unsigned long long key, int create)
{
    struct attribute_set *s;
    HASH_FIND(hh, sets, &key, sizeof key, s);
    if (s == NULL && create && (s = calloc(1, sizeof *s)) != NULL) {
        s->key = key;
        HASH_ADD(hh, sets, key, sizeof s->key, s);
        if (s->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
            free(s);
            s = NULL;
        }
    }
    return s;
}

cudaError_t impl_cudaStreamSetAttribute(cudaStream_t hStream, cudaLaunchAttributeID attr,
                                        const cudaLaunchAttributeValue *value)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error != cudaSuccess)
        return error;
    if (value == NULL || !stream_attribute(attr))
        return cudaErrorInvalidValue;
    if (attr == cudaLaunchAttributeAccessPolicyWindow &&
        (value->accessPolicyWindow.hitRatio < 0.0f || value->accessPolicyWindow.hitRatio > 1.0f))
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&lock);
    struct attribute_set *s = find_set(key_of(&ref), 1);
    if (s != NULL) {
        s->values[attr] = *value;
        s->set[attr] = 1;
    }
    pthread_mutex_unlock(&lock);
    return s != NULL ? cudaSuccess : cudaErrorMemoryAllocation;
}

cudaError_t impl_cudaStreamGetAttribute(cudaStream_t hStream, cudaLaunchAttributeID attr,
                                        cudaLaunchAttributeValue *value_out)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error != cudaSuccess)
        return error;
    if (value_out == NULL || !stream_attribute(attr))
        return cudaErrorInvalidValue;
    memset(value_out, 0, sizeof *value_out);
    if (attr == cudaLaunchAttributePriority)
        value_out->priority = ref.priority;
    pthread_mutex_lock(&lock);
    struct attribute_set *s = find_set(key_of(&ref), 0);
    if (s != NULL && s->set[attr])
        *value_out = s->values[attr];
    pthread_mutex_unlock(&lock);
    return cudaSuccess;
}

cudaError_t impl_cudaStreamCopyAttributes(cudaStream_t dst, cudaStream_t src)
{
    struct cushim_stream_ref to, from;
    cudaError_t error = cushim_stream_resolve(dst, &to);
    if (error == cudaSuccess)
        error = cushim_stream_resolve(src, &from);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct attribute_set *s = find_set(key_of(&from), 0), *d = find_set(key_of(&to), 1);
    if (d != NULL) {
        if (s != NULL) {
            memcpy(d->values, s->values, sizeof d->values);
            memcpy(d->set, s->set, sizeof d->set);
        } else {
            memset(d->set, 0, sizeof d->set);
        }
    }
    pthread_mutex_unlock(&lock);
    return d != NULL ? cudaSuccess : cudaErrorMemoryAllocation;
}

/* Persisting lines exist only as the access policy windows above; the cpu device has no cache
 * of its own to reset, so a reset leaves nothing persisting, which is what it promises. */
cudaError_t impl_cudaCtxResetPersistingL2Cache(void)
{
    const struct mu_driver *driver;
    int device;
    return cushim_begin(&driver, &device);
}
