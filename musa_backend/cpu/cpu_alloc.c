/*
 * cpu_alloc.c - counted host allocations for the backend's bookkeeping, and fault injection.
 *
 * Owns: the countdown that makes one chosen allocation fail (issue 7: "a test hook that fails
 * the Nth allocation ... returns cudaErrorMemoryAllocation and leaves the library usable").
 * Must not: allocate program-visible memory, or take a lock: this is on every path.
 */
#include "cpu_alloc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "mu_log.h"

/* 0: off.  n > 0: the nth counted allocation from now fails, then the countdown is back at 0. */
static atomic_long countdown;
static atomic_ulong attempts;

/* One relaxed load when disarmed; the CAS loop only runs while a failure is armed, and it makes
 * exactly one caller see the count reach zero even when many threads allocate at once. */
static int should_fail(void)
{
    atomic_fetch_add_explicit(&attempts, 1, memory_order_relaxed);
    long left = atomic_load_explicit(&countdown, memory_order_relaxed);
    while (left > 0) {
        if (atomic_compare_exchange_weak_explicit(&countdown, &left, left - 1,
                                                  memory_order_relaxed, memory_order_relaxed))
            return left == 1;
    }
    return 0;
}

void *cpu_malloc(size_t bytes)
{
    return should_fail() ? NULL : malloc(bytes ? bytes : 1);
}

void *cpu_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *cpu_realloc(void *ptr, size_t bytes)
{
    return should_fail() ? NULL : realloc(ptr, bytes ? bytes : 1);
}

void cpu_free(void *ptr)
{
    free(ptr);
}

int cpu_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    if (should_fail())
        return EAGAIN; /* what pthread_create says when it cannot get a stack */
    return pthread_create(thread, NULL, fn, arg);
}

void cpu_fault_fail_nth_alloc(long n)
{
    atomic_store(&countdown, n > 0 ? n : 0);
}

int cpu_fault_pending(void)
{
    return atomic_load(&countdown) > 0;
}

unsigned long cpu_fault_alloc_count(void)
{
    return atomic_load(&attempts);
}

void cpu_fault_init_from_env(void)
{
    const char *text = getenv("CUSHIM_FAIL_HOST_ALLOC");
    if (text == NULL || *text == '\0')
        return;
    char *end;
    long n = strtol(text, &end, 10);
    if (*end != '\0' || n < 0) {
        mu_report("CUSHIM_FAIL_HOST_ALLOC=%s is not a count; ignored", text);
        return;
    }
    cpu_fault_fail_nth_alloc(n);
}
