/*
 * errors.c - the error-handling group of the API: last error per thread, and the name and text
 * of every cudaError_t value (from include/cushim/cuda_errors.def, measured from NVIDIA's
 * runtime), plus the notice of functions cushim does not support yet.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "api.h"
#include "device.h"
#include "mu_log.h"
#include "runtime.h"

/* A sticky error (a kernel fault) poisons the device until cudaDeviceReset: on NVIDIA's runtime
 * every call, cudaGetLastError included, returns it again, so reading it must not clear it.
 * The backend still answering that error for the current device is what makes it sticky. */
static int still_sticky(cudaError_t error)
{
    const struct mu_driver *driver;
    int device;
    MUstream legacy;
    if (cushim_begin(&driver, &device) != cudaSuccess ||
        driver->muStreamGetLegacy(&legacy, device) != MU_SUCCESS)
        return 0;
    return cushim_from_mu(driver->muStreamQuery(legacy)) == error;
}

cudaError_t impl_cudaGetLastError(void)
{
    struct cushim_thread_state *state = cushim_thread();
    cudaError_t error = state->last_error;
    /* cudaErrorNotReady is never a last error, so a busy stream cannot look sticky */
    if (error != cudaSuccess && !still_sticky(error))
        state->last_error = cudaSuccess;
    return error;
}

cudaError_t impl_cudaPeekAtLastError(void)
{
    return cushim_thread()->last_error;
}

/* NVIDIA answers the same text for the name and the description of an unknown code. */
static const char unrecognized[] = "unrecognized error code";

const char *impl_cudaGetErrorName(cudaError_t error)
{
    switch ((int)error) {
#define CUDA_ERROR(value, runtime_name, mu_name, text)                                            \
    case value:                                                                                   \
        return #runtime_name;
#include "cushim/cuda_errors.def"
#undef CUDA_ERROR
    }
    return unrecognized;
}

const char *impl_cudaGetErrorString(cudaError_t error)
{
    switch ((int)error) {
#define CUDA_ERROR(value, runtime_name, mu_name, text)                                            \
    case value:                                                                                   \
        return text;
#include "cushim/cuda_errors.def"
#undef CUDA_ERROR
    }
    return unrecognized;
}

cudaError_t cushim_not_supported(int index, const char *name)
{
    static atomic_flag told[CUSHIM_API_COUNT];
    if (index >= 0 && index < CUSHIM_API_COUNT && !atomic_flag_test_and_set(&told[index]))
        mu_report("%s is not supported yet", name);
    return cudaErrorNotSupported;
}
