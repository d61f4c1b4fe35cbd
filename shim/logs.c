/*
 * logs.c - the Error Log Management group (cudaLogs*) over the shared error log
 * (musa_backend/mu_log.c), and the log line every failed runtime call leaves
 * ("Returning 1 (cudaErrorInvalidValue)" under the call's name), as NVIDIA's runtime does.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "mu_log.h"
#include "runtime.h"

void cushim_log_failure(const char *name, cudaError_t result)
{
    mu_log(cudaLogLevelError, name, "Returning %d (%s)", (int)result,
           impl_cudaGetErrorName(result));
}

cudaError_t impl_cudaLogsRegisterCallback(cudaLogsCallback_t callbackFunc, void *userData,
                                          cudaLogsCallbackHandle *callback_out)
{
    if (callbackFunc == NULL)
        return cudaErrorInvalidValue;
    cudaLogsCallbackHandle handle = mu_log_add_callback(callbackFunc, userData);
    if (handle == NULL)
        return cudaErrorMemoryAllocation;
    if (callback_out != NULL)
        *callback_out = handle;
    return cudaSuccess;
}

cudaError_t impl_cudaLogsUnregisterCallback(cudaLogsCallbackHandle callback)
{
    if (callback == NULL || mu_log_remove_callback(callback) != 0)
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

cudaError_t impl_cudaLogsCurrent(cudaLogIterator *iterator_out, unsigned int flags)
{
    if (iterator_out == NULL || flags != 0)
        return cudaErrorInvalidValue;
    *iterator_out = mu_log_current();
    return cudaSuccess;
}

cudaError_t impl_cudaLogsDumpToMemory(cudaLogIterator *iterator, char *buffer, size_t *size,
                                      unsigned int flags)
{
    if (buffer == NULL || size == NULL || flags != 0)
        return cudaErrorInvalidValue;
    return mu_log_dump(iterator, buffer, size) == 0 ? cudaSuccess : cudaErrorInvalidValue;
}

cudaError_t impl_cudaLogsDumpToFile(cudaLogIterator *iterator, const char *pathToFile,
                                    unsigned int flags)
{
    if (pathToFile == NULL || flags != 0)
        return cudaErrorInvalidValue;
    /* every kept line, the truncation notice and the NUL fit in twice the capacity */
    size_t size = 2 * MU_LOG_CAPACITY;
    char *text = malloc(size);
    if (text == NULL)
        return cudaErrorMemoryAllocation;
    FILE *file = fopen(pathToFile, "a"); /* dumps after each failure accumulate */
    if (file == NULL) {
        free(text);
        mu_report("cudaLogsDumpToFile: cannot open %s for writing", pathToFile);
        return cudaErrorInvalidValue;
    }
    cudaError_t result = cudaSuccess;
    if (mu_log_dump(iterator, text, &size) != 0)
        result = cudaErrorInvalidValue;
    else if (fwrite(text, 1, size, file) != size)
        result = cudaErrorInvalidValue;
    if (fclose(file) != 0)
        result = cudaErrorInvalidValue;
    free(text);
    return result;
}
