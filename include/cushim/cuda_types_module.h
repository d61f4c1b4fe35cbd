/*
 * cuda_types_module.h -- the CUDA 13 runtime's types for code objects: kernel attributes,
 * JIT and library-load options, and driver entry-point lookup.
 *
 * Owns: declarations only.  Must not: change a value or a field -- tests/abi/ checks each one
 * against NVIDIA's headers.
 */
#ifndef CUSHIM_CUDA_TYPES_MODULE_H
#define CUSHIM_CUDA_TYPES_MODULE_H

#include "cuda_types_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- cudaFuncGetAttributes fills this; the sizes are in bytes. --- */

struct cudaFuncAttributes {
    size_t sharedSizeBytes;
    size_t constSizeBytes;
    size_t localSizeBytes;
    int    maxThreadsPerBlock;
    int    numRegs;
    int    ptxVersion;       /* major * 10 + minor */
    int    binaryVersion;    /* major * 10 + minor */
    int    cacheModeCA;
    int    maxDynamicSharedSizeBytes;
    int    preferredShmemCarveout;
    int    clusterDimMustBeSet;
    int    requiredClusterWidth;
    int    requiredClusterHeight;
    int    requiredClusterDepth;
    int    clusterSchedulingPolicyPreference;
    int    nonPortableClusterSizeAllowed;
    int    reserved[16];
};

/* cudaFuncSetAttribute.  Starts at 8 because the values are the driver's
 * CUfunction_attribute numbers; the read-only ones below 8 are not settable. */
enum cudaFuncAttribute {
    cudaFuncAttributeMaxDynamicSharedMemorySize        = 8,
    cudaFuncAttributePreferredSharedMemoryCarveout     = 9,
    cudaFuncAttributeClusterDimMustBeSet               = 10,
    cudaFuncAttributeRequiredClusterWidth              = 11,
    cudaFuncAttributeRequiredClusterHeight             = 12,
    cudaFuncAttributeRequiredClusterDepth              = 13,
    cudaFuncAttributeNonPortableClusterSizeAllowed     = 14,
    cudaFuncAttributeClusterSchedulingPolicyPreference = 15,
    cudaFuncAttributeMax                               = 16
};

/* --- cudaLibraryLoadData / cudaLibraryLoadFromFile options.  Values equal the driver's
 * CUjit_option numbers; the gaps are options the runtime does not forward. --- */

enum cudaJitOption {
    cudaJitMaxRegisters            = 0,
    cudaJitThreadsPerBlock         = 1,
    cudaJitWallTime                = 2,
    cudaJitInfoLogBuffer           = 3,
    cudaJitInfoLogBufferSizeBytes  = 4,
    cudaJitErrorLogBuffer          = 5,
    cudaJitErrorLogBufferSizeBytes = 6,
    cudaJitOptimizationLevel       = 7,
    cudaJitFallbackStrategy        = 10,
    cudaJitGenerateDebugInfo       = 11,
    cudaJitLogVerbose              = 12,
    cudaJitGenerateLineInfo        = 13,
    cudaJitCacheMode               = 14,
    cudaJitPositionIndependentCode = 30,
    cudaJitMinCtaPerSm             = 31,
    cudaJitMaxThreadsPerBlock      = 32,
    cudaJitOverrideDirectiveValues = 33
};

/* Value of cudaJitCacheMode. */
enum cudaJit_CacheMode {
    cudaJitCacheOptionNone = 0,
    cudaJitCacheOptionCG   = 1,
    cudaJitCacheOptionCA   = 2
};

/* Value of cudaJitFallbackStrategy. */
enum cudaJit_Fallback {
    cudaPreferPtx    = 0,
    cudaPreferBinary = 1
};

enum cudaLibraryOption {
    cudaLibraryHostUniversalFunctionAndDataTable = 0,
    cudaLibraryBinaryIsPreserved                 = 1
};

/* Value passed with cudaLibraryHostUniversalFunctionAndDataTable. */
struct cudalibraryHostUniversalFunctionAndDataTable {
    void  *functionTable;
    size_t functionWindowSize;
    void  *dataTable;
    size_t dataWindowSize;
};

/* --- cudaGetDriverEntryPoint: which default-stream flavour of a driver symbol to return,
 * and why a lookup failed. --- */

enum cudaGetDriverEntryPointFlags {
    cudaEnableDefault                = 0,
    cudaEnableLegacyStream           = 1,
    cudaEnablePerThreadDefaultStream = 2
};

enum cudaDriverEntryPointQueryResult {
    cudaDriverEntryPointSuccess             = 0,
    cudaDriverEntryPointSymbolNotFound      = 1,
    cudaDriverEntryPointVersionNotSufficent = 2  /* NVIDIA's spelling */
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_MODULE_H */
