/*
 * cpu_alloc.h - the cpu backend's own host allocations and threads, with the fault-injection
 * hook of issue 7.
 *
 * Owns: every malloc/calloc/realloc/free and pthread_create that the device services make for
 * their own bookkeeping (stream, event and module records, queued operations, the tracker's and
 * the arena's tables, worker threads), and the counter that makes the Nth of them fail.
 * Must not: serve memory handed to the program (device, managed, pinned memory have their own
 * paths and limits), or cost more than one relaxed atomic load while injection is off.
 *
 * Every caller treats a NULL (or a non-zero pthread result) as MU_ERROR_MEMORY_ALLOCATION and
 * leaves the backend as it was before the call: that is what the fault-injection tests check.
 */
#ifndef CUSHIM_CPU_ALLOC_H
#define CUSHIM_CPU_ALLOC_H

#include <pthread.h>
#include <stddef.h>

void *cpu_malloc(size_t bytes);
void *cpu_calloc(size_t count, size_t size);
void *cpu_realloc(void *ptr, size_t bytes);
void cpu_free(void *ptr);
/* pthread_create, counted as an allocation (a thread is a stack): 0 or an errno value. */
int cpu_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg);

/* Make the nth counted allocation from now fail, once (1 = the very next one); 0 disarms.
 * CUSHIM_FAIL_HOST_ALLOC=N in the environment arms it when the backend starts. */
void cpu_fault_fail_nth_alloc(long n);
/* Whether an armed failure is still waiting to happen. */
int cpu_fault_pending(void);
/* Counted allocations made so far (tests use it to size a sweep over every failure point). */
unsigned long cpu_fault_alloc_count(void);
/* Read CUSHIM_FAIL_HOST_ALLOC (called once at start-up). */
void cpu_fault_init_from_env(void);

#endif
