/*
 * cuda_types_texture.h -- the CUDA 13 runtime's types for formatted memory: channel formats,
 * CUDA arrays (sparse properties, memory requirements), resource descriptors and views, and
 * the texture and surface object descriptions built on them.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_TEXTURE_H
#define CUSHIM_CUDA_TYPES_TEXTURE_H

#include "cuda_types_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Element formats: up to four channels of x/y/z/w bits, read as f. --- */

enum cudaChannelFormatKind {
    cudaChannelFormatKindSigned                       = 0,
    cudaChannelFormatKindUnsigned                     = 1,
    cudaChannelFormatKindFloat                        = 2,
    cudaChannelFormatKindNone                         = 3,
    cudaChannelFormatKindNV12                         = 4,
    /* Normalised integer formats: the name gives bits per channel and channel count. */
    cudaChannelFormatKindUnsignedNormalized8X1        = 5,
    cudaChannelFormatKindUnsignedNormalized8X2        = 6,
    cudaChannelFormatKindUnsignedNormalized8X4        = 7,
    cudaChannelFormatKindUnsignedNormalized16X1       = 8,
    cudaChannelFormatKindUnsignedNormalized16X2       = 9,
    cudaChannelFormatKindUnsignedNormalized16X4       = 10,
    cudaChannelFormatKindSignedNormalized8X1          = 11,
    cudaChannelFormatKindSignedNormalized8X2          = 12,
    cudaChannelFormatKindSignedNormalized8X4          = 13,
    cudaChannelFormatKindSignedNormalized16X1         = 14,
    cudaChannelFormatKindSignedNormalized16X2         = 15,
    cudaChannelFormatKindSignedNormalized16X4         = 16,
    /* Block-compressed (BCn) formats. */
    cudaChannelFormatKindUnsignedBlockCompressed1     = 17,
    cudaChannelFormatKindUnsignedBlockCompressed1SRGB = 18,
    cudaChannelFormatKindUnsignedBlockCompressed2     = 19,
    cudaChannelFormatKindUnsignedBlockCompressed2SRGB = 20,
    cudaChannelFormatKindUnsignedBlockCompressed3     = 21,
    cudaChannelFormatKindUnsignedBlockCompressed3SRGB = 22,
    cudaChannelFormatKindUnsignedBlockCompressed4     = 23,
    cudaChannelFormatKindSignedBlockCompressed4       = 24,
    cudaChannelFormatKindUnsignedBlockCompressed5     = 25,
    cudaChannelFormatKindSignedBlockCompressed5       = 26,
    cudaChannelFormatKindUnsignedBlockCompressed6H    = 27,
    cudaChannelFormatKindSignedBlockCompressed6H      = 28,
    cudaChannelFormatKindUnsignedBlockCompressed7     = 29,
    cudaChannelFormatKindUnsignedBlockCompressed7SRGB = 30,
    cudaChannelFormatKindUnsignedNormalized1010102    = 31
};

struct cudaChannelFormatDesc {
    int                        x;  /* bits in each channel; 0 means the channel is absent */
    int                        y;
    int                        z;
    int                        w;
    enum cudaChannelFormatKind f;
};

/* --- CUDA arrays: sparse tiling and the memory a deferred-mapping array needs. --- */

/* Bit of cudaArraySparseProperties.flags: one mip tail for all layers. */
#define cudaArraySparsePropertiesSingleMipTail 0x1

struct cudaArraySparseProperties {
    struct {
        unsigned int width;
        unsigned int height;
        unsigned int depth;
    } tileExtent;
    unsigned int       miptailFirstLevel;
    unsigned long long miptailSize;
    unsigned int       flags;
    unsigned int       reserved[4];
};

struct cudaArrayMemoryRequirements {
    size_t       size;
    size_t       alignment;
    unsigned int reserved[4];
};

/* --- Resources a texture or surface object reads: what the memory is ... --- */

enum cudaResourceType {
    cudaResourceTypeArray          = 0,
    cudaResourceTypeMipmappedArray = 1,
    cudaResourceTypeLinear         = 2,
    cudaResourceTypePitch2D        = 3
};

struct cudaResourceDesc {
    enum cudaResourceType resType;
    union {  /* selected by resType */
        struct {
            cudaArray_t array;
        } array;
        struct {
            cudaMipmappedArray_t mipmap;
        } mipmap;
        struct {
            void                        *devPtr;
            struct cudaChannelFormatDesc desc;
            size_t                       sizeInBytes;
        } linear;
        struct {
            void                        *devPtr;
            struct cudaChannelFormatDesc desc;
            size_t                       width;
            size_t                       height;
            size_t                       pitchInBytes;
        } pitch2D;
        struct {
            int reserved[32];  /* fixes the union's size for later resource kinds */
        } reserved;
    } res;
    unsigned int flags;
};

/* --- ... and how a view reinterprets it (format, sub-range of levels and layers). --- */

enum cudaResourceViewFormat {
    cudaResViewFormatNone                      = 0x00,
    cudaResViewFormatUnsignedChar1             = 0x01,
    cudaResViewFormatUnsignedChar2             = 0x02,
    cudaResViewFormatUnsignedChar4             = 0x03,
    cudaResViewFormatSignedChar1               = 0x04,
    cudaResViewFormatSignedChar2               = 0x05,
    cudaResViewFormatSignedChar4               = 0x06,
    cudaResViewFormatUnsignedShort1            = 0x07,
    cudaResViewFormatUnsignedShort2            = 0x08,
    cudaResViewFormatUnsignedShort4            = 0x09,
    cudaResViewFormatSignedShort1              = 0x0a,
    cudaResViewFormatSignedShort2              = 0x0b,
    cudaResViewFormatSignedShort4              = 0x0c,
    cudaResViewFormatUnsignedInt1              = 0x0d,
    cudaResViewFormatUnsignedInt2              = 0x0e,
    cudaResViewFormatUnsignedInt4              = 0x0f,
    cudaResViewFormatSignedInt1                = 0x10,
    cudaResViewFormatSignedInt2                = 0x11,
    cudaResViewFormatSignedInt4                = 0x12,
    cudaResViewFormatHalf1                     = 0x13,
    cudaResViewFormatHalf2                     = 0x14,
    cudaResViewFormatHalf4                     = 0x15,
    cudaResViewFormatFloat1                    = 0x16,
    cudaResViewFormatFloat2                    = 0x17,
    cudaResViewFormatFloat4                    = 0x18,
    cudaResViewFormatUnsignedBlockCompressed1  = 0x19,
    cudaResViewFormatUnsignedBlockCompressed2  = 0x1a,
    cudaResViewFormatUnsignedBlockCompressed3  = 0x1b,
    cudaResViewFormatUnsignedBlockCompressed4  = 0x1c,
    cudaResViewFormatSignedBlockCompressed4    = 0x1d,
    cudaResViewFormatUnsignedBlockCompressed5  = 0x1e,
    cudaResViewFormatSignedBlockCompressed5    = 0x1f,
    cudaResViewFormatUnsignedBlockCompressed6H = 0x20,
    cudaResViewFormatSignedBlockCompressed6H   = 0x21,
    cudaResViewFormatUnsignedBlockCompressed7  = 0x22
};

struct cudaResourceViewDesc {
    enum cudaResourceViewFormat format;
    size_t                      width;
    size_t                      height;
    size_t                      depth;
    unsigned int                firstMipmapLevel;
    unsigned int                lastMipmapLevel;
    unsigned int                firstLayer;
    unsigned int                lastLayer;
    unsigned int                reserved[16];
};

/* --- Texture objects: sampling state for cudaCreateTextureObject. --- */

/* Texture shapes as device code names them (the low nibble is the dimension count). */
#define cudaTextureType1D             0x01
#define cudaTextureType2D             0x02
#define cudaTextureType3D             0x03
#define cudaTextureTypeCubemap        0x0C
#define cudaTextureType1DLayered      0xF1
#define cudaTextureType2DLayered      0xF2
#define cudaTextureTypeCubemapLayered 0xFC

enum cudaTextureAddressMode {
    cudaAddressModeWrap   = 0,
    cudaAddressModeClamp  = 1,
    cudaAddressModeMirror = 2,
    cudaAddressModeBorder = 3
};

enum cudaTextureFilterMode {
    cudaFilterModePoint  = 0,
    cudaFilterModeLinear = 1
};

enum cudaTextureReadMode {
    cudaReadModeElementType     = 0,
    cudaReadModeNormalizedFloat = 1
};

struct cudaTextureDesc {
    enum cudaTextureAddressMode addressMode[3];  /* per coordinate */
    enum cudaTextureFilterMode  filterMode;
    enum cudaTextureReadMode    readMode;
    int                         sRGB;
    float                       borderColor[4];
    int                         normalizedCoords;
    unsigned int                maxAnisotropy;
    enum cudaTextureFilterMode  mipmapFilterMode;
    float                       mipmapLevelBias;
    float                       minMipmapLevelClamp;
    float                       maxMipmapLevelClamp;
    int                         disableTrilinearOptimization;
    int                         seamlessCubemap;
};

/* --- Surface objects: device-side load/store behaviour. --- */

#define cudaSurfaceType1D             0x01
#define cudaSurfaceType2D             0x02
#define cudaSurfaceType3D             0x03
#define cudaSurfaceTypeCubemap        0x0C
#define cudaSurfaceType1DLayered      0xF1
#define cudaSurfaceType2DLayered      0xF2
#define cudaSurfaceTypeCubemapLayered 0xFC

enum cudaSurfaceBoundaryMode {
    cudaBoundaryModeZero  = 0,
    cudaBoundaryModeClamp = 1,
    cudaBoundaryModeTrap  = 2
};

enum cudaSurfaceFormatMode {
    cudaFormatModeForced = 0,
    cudaFormatModeAuto   = 1
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_TEXTURE_H */
