/*
 * managed_advice.h - what the program said about its managed memory (cudaMemAdvise, prefetches),
 * kept per byte range so cudaMemRangeGetAttribute(s) can answer it back (managed_advice.c).
 */
#ifndef CUSHIM_MANAGED_ADVICE_H
#define CUSHIM_MANAGED_ADVICE_H

#include "memory_map.h"
#include "runtime.h"

/* Record advice, or a prefetch to `location`, over [ptr, ptr+count) of managed allocation r.
 * cudaErrorMemoryAllocation when the record cannot grow. */
cudaError_t cushim_advice_apply(const struct cushim_range *r, uintptr_t ptr, size_t count,
                                enum cudaMemoryAdvise advice, struct cudaMemLocation location);
cudaError_t cushim_advice_prefetched(const struct cushim_range *r, uintptr_t ptr, size_t count,
                                     struct cudaMemLocation location);
/* Answer one attribute for [ptr, ptr+count) of r into data (dataSize bytes). */
cudaError_t cushim_advice_query(void *data, size_t dataSize, enum cudaMemRangeAttribute attribute,
                                const struct cushim_range *r, uintptr_t ptr, size_t count);
/* The allocation at base is gone: forget what was said about it. */
void cushim_advice_forget(uintptr_t base);
/* cudaDeviceReset: forget the records of the device's managed memory. */
void cushim_advice_forget_device(int device);

#endif
