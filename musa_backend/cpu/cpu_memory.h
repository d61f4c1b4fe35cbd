/*
 * cpu_memory.h - device memory, host memory the device reaches, and the engine's memory
 * services.
 *
 * Owns: allocation and release of device and managed memory (from the device's arena slice,
 * counted against its capacity), pinned host memory, host registration, the checks copies make
 * on their pointers, and the three services of struct engine_host.
 * Must not: order work (a free waits for devices through cpu_stream.h), or free memory the
 * program still has queued work on.
 */
#ifndef CUSHIM_CPU_MEMORY_H
#define CUSHIM_CPU_MEMORY_H

#include <stdint.h>

#include "cpu_device.h"

/* Fill the engine_host a device gives the engine: ctx is the device. */
void cpu_memory_engine_host(struct cpu_device *dev, struct engine_host *host);
/* Reset: free every device, managed and engine allocation of the device. */
void cpu_memory_reset(struct cpu_device *dev);

/* May a copy touch [ptr, ptr + bytes)?  MU_SUCCESS when it lies inside one live tracked range
 * (*pageable = 0) or in mapped host memory the backend does not track (*pageable = 1);
 * MU_ERROR_INVALID_VALUE for NULL, freed or foreign device addresses, ranges running past their
 * allocation, and unmapped host addresses. */
MUresult cpu_memory_check(const void *ptr, uint64_t bytes, int *pageable);

/* Bytes of device memory in use (page-rounded), for tests and muMemGetInfo. */
size_t cpu_memory_used(struct cpu_device *dev);

#endif
