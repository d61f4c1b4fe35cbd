/*
 * cpu_texture.c - texture and surface objects of the cpu device (muTexObjectCreate/Destroy,
 * muSurfObjectCreate/Destroy) and engine_host.resolve_texture, through which the engine finds
 * the object behind a handle a kernel passes to tex/suld/sust.
 *
 * Owns: one process-wide table of objects, sorted by handle, behind a reader/writer lock.
 * Handles count up from 1 and are never reused, so a destroyed handle stays invalid instead of
 * silently naming a newer object.  Every description is checked here before it is kept: each
 * level must lie inside the object's span and the span inside one live allocation, so the
 * engine can compute texel addresses from it without further bounds checks (it still checks,
 * at every use, that the span has not been freed since).
 * Must not: call out of this file while holding the lock.
 */
#include <string.h>

#include "cpu_alloc.h"
#include "cpu_entry.h"
#include "cpu_stream.h"
#include "cpu_texture.h"
#include "cpu_tracker.h"

struct object {
    uint64_t handle;
    int dev;
    int surface;
    struct mu_texture desc;
};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct object *table; /* sorted by handle */
static size_t count, capacity;
static uint64_t next_handle = 1;

static size_t lower_bound(uint64_t handle)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].handle < handle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* [base, base + bytes) inside [lo, lo + span) */
static int inside(uint64_t base, uint64_t bytes, uint64_t lo, uint64_t span)
{
    return base >= lo && base - lo <= span && bytes <= span - (base - lo);
}

static int description_ok(const struct mu_texture *t)
{
    const struct mu_format *f = &t->format;
    if ((f->channels != 1 && f->channels != 2 && f->channels != 4) ||
        (f->bits != 8 && f->bits != 16 && f->bits != 32) || f->kind > MU_FORMAT_FLOAT ||
        (f->normalized && (f->bits > 16 || f->kind == MU_FORMAT_FLOAT)) ||
        (f->kind == MU_FORMAT_FLOAT && f->bits == 8))
        return 0;
    if (t->resource > MU_RESOURCE_PITCH2D || t->dims < 1 || t->dims > 3 || t->levels == 0 ||
        t->levels > MU_MAX_LEVELS || t->span_bytes == 0)
        return 0;
    uint64_t es = mu_format_bytes(f);
    for (uint32_t l = 0; l < t->levels; l++) {
        const struct mu_level *v = &t->level[l];
        uint64_t row, last_row, last_slice, bytes;
        if (v->width == 0 || v->height == 0 || v->depth == 0)
            return 0;
        /* rows fit their pitch and slices their rows, and the last element ends in the span */
        if (__builtin_mul_overflow(es, (uint64_t)v->width, &row) || row > v->pitch ||
            (v->depth > 1 && v->slice / v->pitch < v->height) ||
            __builtin_mul_overflow(v->pitch, (uint64_t)(v->height - 1), &last_row) ||
            __builtin_mul_overflow(v->slice, (uint64_t)(v->depth - 1), &last_slice) ||
            __builtin_add_overflow(last_row, last_slice, &bytes) ||
            __builtin_add_overflow(bytes, row, &bytes) ||
            !inside(v->base, bytes, t->span_base, t->span_bytes))
            return 0;
    }
    struct cpu_range r; /* the span is memory a kernel may touch, all of one allocation */
    return cpu_tracker_find(t->span_base, &r) &&
           inside(t->span_base, t->span_bytes, r.base, r.size);
}

static MUresult create(uint64_t *handle, const struct mu_texture *t, int ordinal, int surface)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (handle == NULL || t == NULL || !description_ok(t))
        return MU_ERROR_INVALID_VALUE;
    pthread_rwlock_wrlock(&lock);
    if (count == capacity) {
        size_t grown = capacity ? capacity * 2 : 64;
        struct object *bigger = cpu_realloc(table, grown * sizeof *table);
        if (bigger == NULL) {
            pthread_rwlock_unlock(&lock);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
        table = bigger;
        capacity = grown;
    }
    struct object *o = &table[count++]; /* handles only grow: appending keeps the order */
    o->handle = next_handle++;
    o->dev = ordinal;
    o->surface = surface;
    o->desc = *t;
    *handle = o->handle;
    pthread_rwlock_unlock(&lock);
    return MU_SUCCESS;
}

/* Kernels already queued may still use the object: programs (NVIDIA's own samples among them)
 * destroy a texture right after an asynchronous launch that reads it, which works on a GPU.
 * So the object goes once the work submitted so far is done, as memory does in cudaFree; a
 * destroy from a host callback (which may not wait) takes effect at once. */
static void wait_for_devices(void)
{
    if (cpu_on_worker_thread())
        return;
    for (int i = 0; i < cpu_device_count(); i++)
        cpu_streams_wait_device(cpu_device_at(i));
}

static MUresult destroy(uint64_t handle, int surface)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    pthread_rwlock_rdlock(&lock);
    size_t at = lower_bound(handle);
    int known = at < count && table[at].handle == handle && table[at].surface == surface;
    pthread_rwlock_unlock(&lock);
    if (!known)
        return MU_ERROR_INVALID_VALUE;
    wait_for_devices();
    pthread_rwlock_wrlock(&lock);
    size_t i = lower_bound(handle);
    if (i == count || table[i].handle != handle || table[i].surface != surface) {
        pthread_rwlock_unlock(&lock);
        return MU_ERROR_INVALID_VALUE;
    }
    memmove(&table[i], &table[i + 1], (count - i - 1) * sizeof *table);
    count--;
    pthread_rwlock_unlock(&lock);
    return MU_SUCCESS;
}

MUresult cpu_muTexObjectCreate(uint64_t *handle, const struct mu_texture *tex, int dev)
{
    return create(handle, tex, dev, 0);
}

MUresult cpu_muTexObjectDestroy(uint64_t handle)
{
    return destroy(handle, 0);
}

MUresult cpu_muSurfObjectCreate(uint64_t *handle, const struct mu_texture *surf, int dev)
{
    return create(handle, surf, dev, 1);
}

MUresult cpu_muSurfObjectDestroy(uint64_t handle)
{
    return destroy(handle, 1);
}

/* Any device's kernels may use any object: devices share one address space here. */
static int resolve(void *ctx, uint64_t handle, int surface, struct mu_texture *out)
{
    (void)ctx;
    int found = 0;
    pthread_rwlock_rdlock(&lock);
    size_t i = lower_bound(handle);
    if (i < count && table[i].handle == handle && table[i].surface == surface) {
        const struct mu_texture *t = &table[i].desc;
        /* the levels in use, not the whole fixed-size table */
        memcpy(out, t, offsetof(struct mu_texture, level) + t->levels * sizeof t->level[0]);
        found = 1;
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

void cpu_texture_engine_host(struct engine_host *host)
{
    host->resolve_texture = resolve;
}

void cpu_texture_reset(struct cpu_device *dev)
{
    pthread_rwlock_wrlock(&lock);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (table[i].dev != dev->ordinal)
            table[kept++] = table[i];
    count = kept;
    pthread_rwlock_unlock(&lock);
}
