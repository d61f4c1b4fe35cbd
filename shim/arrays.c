/*
 * arrays.c - CUDA arrays (cudaArray_t): the opaque, texture-ready memory layout.  They are not
 * implemented yet; copies that name one report so plainly instead of misreading the handle.
 */
#include <stdio.h>

#include "memcpy.h"

cudaError_t cushim_copy_3d_arrays(const struct cudaMemcpy3DParms *p, cudaStream_t stream,
                                  int async)
{
    (void)p;
    (void)stream;
    fprintf(stderr, "cushim: cudaMemcpy3D%s with a cudaArray is not supported yet\n",
            async ? "Async" : "");
    return cudaErrorNotSupported;
}
