/*
 * abi_probe12.c -- prints one `fact = value` line per row of abi_checks_12.def, as seen through
 * one set of headers: cushim's include/cushim/cuda_types_12.h, or with ABI_PROBE_NVIDIA CUDA
 * 12's own headers (tests/abi/abi.mk builds both when CUDA12_INCLUDE names CUDA 12's include
 * directory).  The two outputs must be identical; abi_compare.sh says which lines are not.
 *
 * Owns: turning the CUDA 12 check rows into printed facts, and naming each CUDA 12 type or
 * value the way each header set spells it.  Must not: decide what is checked (that is
 * abi_checks_12.def) or print anything else that differs between the two builds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef ABI_PROBE_NVIDIA
#include <cuda_runtime_api.h>
typedef struct cudaDeviceProp abi12_cudaDeviceProp;
#define ABI12_SIZE(T, ours) printf("CUDA 12 sizeof(struct %s) = %zu\n", #T, sizeof(struct T));
#define ABI12_VALUE(name, ours) printf("CUDA 12 %s = %lld\n", #name, (long long)(name));
#else
#include "cushim/cuda_types_12.h"
typedef struct cudaDeviceProp12 abi12_cudaDeviceProp;
#define ABI12_SIZE(T, ours) printf("CUDA 12 sizeof(struct %s) = %zu\n", #T, (size_t)(ours));
#define ABI12_VALUE(name, ours) printf("CUDA 12 %s = %lld\n", #name, (long long)(ours));
#endif

#define ABI_SIZE(T) printf("sizeof(%s) = %zu\n", #T, sizeof(T));
#define ABI_ALIGN(T) printf("_Alignof(%s) = %zu\n", #T, _Alignof(T));
#define ABI_OFFSET(T, m) printf("offsetof(%s, %s) = %zu\n", #T, #m, offsetof(T, m));
#define ABI_MEMBER_SIZE(T, m) printf("sizeof((%s).%s) = %zu\n", #T, #m, sizeof(((T *)0)->m));

int main(void)
{
#include "abi_checks_12.def"
    return 0;
}
