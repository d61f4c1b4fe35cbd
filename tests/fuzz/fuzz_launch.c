/*
 * fuzz_launch.c - libFuzzer target for module loading and kernel execution in the cpu
 * backend's engine: any bytes are offered as a PTX module, and its kernels run on a small grid
 * with a branch budget (fuzz_launch_one.h).  Loading must accept or report, a launch must end
 * with a result (a fault, a timeout), never a crash, a hang, an access outside device memory
 * (ASan), or device memory left behind.
 * Seeds: tests/fuzz/corpus/launch (nvcc's PTX of small kernels).
 */
#include <stdlib.h>

#include "fuzz_launch_one.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* One engine thread: the same input always runs the same way, so a crash reproduces. */
    setenv("CUSHIM_CPU_THREADS", "1", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_launch_one(data, size);
    return 0;
}
