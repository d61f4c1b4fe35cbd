/*
 * test_cpu_fake.h - a fake engine and shared helpers for the cpu backend's unit tests.
 *
 * Owns: kernels whose behaviour the tests choose (fill memory, sleep, fault, fail), installed
 * in place of the real engine through cpu_engine_set_ops_for_testing, so device services are
 * tested whether or not the engine is linked or finished.
 * Must not: be used outside tests/unit/test_cpu_*.c.
 */
#ifndef CUSHIM_TEST_CPU_FAKE_H
#define CUSHIM_TEST_CPU_FAKE_H

#include <stdatomic.h>
#include <stdint.h>

#include "mu.h"

/* The driver under test. */
#define D (&mu_cpu_driver)

/* Fake kernels (by name):
 *   fill(int *p, int value, int n)         p[i] = value; ILLEGAL_ADDRESS if p is not tracked
 *   add(int *p, int n, int delta)          p[i] += delta
 *   sleep_ms(int ms)                        sleeps
 *   mixed(char c, double d, struct{int a[3];} s, int *out)  writes c, (int)d, a[0..2] to out
 *   fault()        ILLEGAL_ADDRESS (sticky)       assert()   ASSERT (sticky)
 *   oops()         LAUNCH_OUT_OF_RESOURCES at run time (not sticky)
 *   unsupported()  fails kernel_check with NOT_SUPPORTED
 *   bounded()      .maxntid 128, 40000 bytes of static shared memory, 64 registers
 *   coop()         checks the grid workspace in %envreg1:%envreg2 (LAUNCH_FAILURE if bad)
 * Module global: "counter" (int), allocated through engine_host.alloc. */
void fake_engine_install(void);
/* The same engine without kernel_param_size: launches must run synchronously. */
void fake_engine_install_without_param_sizes(void);
void fake_engine_remove(void);
/* Kernels the fake has run, and modules it holds. */
extern atomic_int fake_launches;
extern atomic_int fake_modules_live;
extern atomic_int fake_host_releases; /* engine_host_release calls */
extern uint64_t fake_last_workspace;    /* what the last coop() saw in %envreg1:2 */

/* Load a fake module on dev through the driver (one PTX image, sm_80). */
MUmodule fake_module(int dev);
/* Launch name with 1x1 grid/block on stream. */
MUresult fake_launch(MUmodule module, const char *name, MUstream stream, void **args);

/* Per-test set-up: in Check's fork mode every test is a fresh process, so it can choose the
 * backend's environment (2 devices, 256 MiB each) before the backend starts. */
void cpu_test_env(void);
/* Milliseconds of CLOCK_MONOTONIC. */
double cpu_test_now_ms(void);
void cpu_test_sleep_ms(int ms);

#endif
