/*
 * cuda_types_interop.h -- the CUDA 13 runtime's types for sharing resources with graphics
 * APIs: the generic graphics-resource flags, and the OpenGL, EGL and VDPAU types that the
 * interop calls name.
 *
 * The graphics APIs' own handle types are declared here minimally (only what the runtime's
 * signatures need), so the shim builds without GL, EGL or VDPAU headers.  The GL and EGL
 * typedefs repeat the Khronos headers' exact types, which C11 and C++ both allow, so either
 * include order works.  The VDPAU ones are skipped when <vdpau/vdpau.h> came first; a file
 * that needs both must include vdpau.h before this header.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_INTEROP_H
#define CUSHIM_CUDA_TYPES_INTEROP_H

#include <stdint.h>

#include "cuda_types_core.h"
#include "cuda_types_copy.h"
#include "cuda_types_texture.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Any graphics API: cudaGraphics*Register* flags, map flags, cube-map faces --- */

enum cudaGraphicsRegisterFlags {
    cudaGraphicsRegisterFlagsNone             = 0,
    cudaGraphicsRegisterFlagsReadOnly         = 1,
    cudaGraphicsRegisterFlagsWriteDiscard     = 2,
    cudaGraphicsRegisterFlagsSurfaceLoadStore = 4,
    cudaGraphicsRegisterFlagsTextureGather    = 8
};

enum cudaGraphicsMapFlags {
    cudaGraphicsMapFlagsNone         = 0,
    cudaGraphicsMapFlagsReadOnly     = 1,
    cudaGraphicsMapFlagsWriteDiscard = 2
};

enum cudaGraphicsCubeFace {
    cudaGraphicsCubeFacePositiveX = 0,
    cudaGraphicsCubeFaceNegativeX = 1,
    cudaGraphicsCubeFacePositiveY = 2,
    cudaGraphicsCubeFaceNegativeY = 3,
    cudaGraphicsCubeFacePositiveZ = 4,
    cudaGraphicsCubeFaceNegativeZ = 5
};

/* --- OpenGL --- */

typedef unsigned int GLuint;
typedef unsigned int GLenum;

/* cudaGLGetDevices: which devices drive the current GL context, and when. */
enum cudaGLDeviceList {
    cudaGLDeviceListAll          = 1,
    cudaGLDeviceListCurrentFrame = 2,
    cudaGLDeviceListNextFrame    = 3
};

/* Flags of the deprecated cudaGLSetBufferObjectMapFlags. */
enum cudaGLMapFlags {
    cudaGLMapFlagsNone         = 0,
    cudaGLMapFlagsReadOnly     = 1,
    cudaGLMapFlagsWriteDiscard = 2
};

/* --- EGL: images, streams (producer/consumer frames) and syncs --- */

typedef int32_t EGLint;
typedef void   *EGLImageKHR;
typedef void   *EGLStreamKHR;
typedef void   *EGLSyncKHR;

typedef struct CUeglStreamConnection_st *cudaEglStreamConnection;

#define CUDA_EGL_MAX_PLANES 3

typedef enum cudaEglFrameType_enum {
    cudaEglFrameTypeArray = 0,
    cudaEglFrameTypePitch = 1
} cudaEglFrameType;

typedef enum cudaEglResourceLocationFlags_enum {
    cudaEglResourceLocationSysmem = 0,
    cudaEglResourceLocationVidmem = 1
} cudaEglResourceLocationFlags;

/* Pixel layouts of EGL frames.  _ER means extended (full) range, _709/_2020 the colour
 * standard; values are the driver's CUeglColorFormat numbers, gaps included. */
typedef enum cudaEglColorFormat_enum {
    cudaEglColorFormatYUV420Planar                   = 0,
    cudaEglColorFormatYUV420SemiPlanar               = 1,
    cudaEglColorFormatYUV422Planar                   = 2,
    cudaEglColorFormatYUV422SemiPlanar               = 3,
    cudaEglColorFormatARGB                           = 6,
    cudaEglColorFormatRGBA                           = 7,
    cudaEglColorFormatL                              = 8,
    cudaEglColorFormatR                              = 9,
    cudaEglColorFormatYUV444Planar                   = 10,
    cudaEglColorFormatYUV444SemiPlanar               = 11,
    cudaEglColorFormatYUYV422                        = 12,
    cudaEglColorFormatUYVY422                        = 13,
    cudaEglColorFormatABGR                           = 14,
    cudaEglColorFormatBGRA                           = 15,
    cudaEglColorFormatA                              = 16,
    cudaEglColorFormatRG                             = 17,
    cudaEglColorFormatAYUV                           = 18,
    cudaEglColorFormatYVU444SemiPlanar               = 19,
    cudaEglColorFormatYVU422SemiPlanar               = 20,
    cudaEglColorFormatYVU420SemiPlanar               = 21,
    cudaEglColorFormatY10V10U10_444SemiPlanar        = 22,
    cudaEglColorFormatY10V10U10_420SemiPlanar        = 23,
    cudaEglColorFormatY12V12U12_444SemiPlanar        = 24,
    cudaEglColorFormatY12V12U12_420SemiPlanar        = 25,
    cudaEglColorFormatVYUY_ER                        = 26,
    cudaEglColorFormatUYVY_ER                        = 27,
    cudaEglColorFormatYUYV_ER                        = 28,
    cudaEglColorFormatYVYU_ER                        = 29,
    cudaEglColorFormatYUVA_ER                        = 31,
    cudaEglColorFormatAYUV_ER                        = 32,
    cudaEglColorFormatYUV444Planar_ER                = 33,
    cudaEglColorFormatYUV422Planar_ER                = 34,
    cudaEglColorFormatYUV420Planar_ER                = 35,
    cudaEglColorFormatYUV444SemiPlanar_ER            = 36,
    cudaEglColorFormatYUV422SemiPlanar_ER            = 37,
    cudaEglColorFormatYUV420SemiPlanar_ER            = 38,
    cudaEglColorFormatYVU444Planar_ER                = 39,
    cudaEglColorFormatYVU422Planar_ER                = 40,
    cudaEglColorFormatYVU420Planar_ER                = 41,
    cudaEglColorFormatYVU444SemiPlanar_ER            = 42,
    cudaEglColorFormatYVU422SemiPlanar_ER            = 43,
    cudaEglColorFormatYVU420SemiPlanar_ER            = 44,
    cudaEglColorFormatBayerRGGB                      = 45,
    cudaEglColorFormatBayerBGGR                      = 46,
    cudaEglColorFormatBayerGRBG                      = 47,
    cudaEglColorFormatBayerGBRG                      = 48,
    cudaEglColorFormatBayer10RGGB                    = 49,
    cudaEglColorFormatBayer10BGGR                    = 50,
    cudaEglColorFormatBayer10GRBG                    = 51,
    cudaEglColorFormatBayer10GBRG                    = 52,
    cudaEglColorFormatBayer12RGGB                    = 53,
    cudaEglColorFormatBayer12BGGR                    = 54,
    cudaEglColorFormatBayer12GRBG                    = 55,
    cudaEglColorFormatBayer12GBRG                    = 56,
    cudaEglColorFormatBayer14RGGB                    = 57,
    cudaEglColorFormatBayer14BGGR                    = 58,
    cudaEglColorFormatBayer14GRBG                    = 59,
    cudaEglColorFormatBayer14GBRG                    = 60,
    cudaEglColorFormatBayer20RGGB                    = 61,
    cudaEglColorFormatBayer20BGGR                    = 62,
    cudaEglColorFormatBayer20GRBG                    = 63,
    cudaEglColorFormatBayer20GBRG                    = 64,
    cudaEglColorFormatYVU444Planar                   = 65,
    cudaEglColorFormatYVU422Planar                   = 66,
    cudaEglColorFormatYVU420Planar                   = 67,
    cudaEglColorFormatBayerIspRGGB                   = 68,
    cudaEglColorFormatBayerIspBGGR                   = 69,
    cudaEglColorFormatBayerIspGRBG                   = 70,
    cudaEglColorFormatBayerIspGBRG                   = 71,
    cudaEglColorFormatBayerBCCR                      = 72,
    cudaEglColorFormatBayerRCCB                      = 73,
    cudaEglColorFormatBayerCRBC                      = 74,
    cudaEglColorFormatBayerCBRC                      = 75,
    cudaEglColorFormatBayer10CCCC                    = 76,
    cudaEglColorFormatBayer12BCCR                    = 77,
    cudaEglColorFormatBayer12RCCB                    = 78,
    cudaEglColorFormatBayer12CRBC                    = 79,
    cudaEglColorFormatBayer12CBRC                    = 80,
    cudaEglColorFormatBayer12CCCC                    = 81,
    cudaEglColorFormatY                              = 82,
    cudaEglColorFormatYUV420SemiPlanar_2020          = 83,
    cudaEglColorFormatYVU420SemiPlanar_2020          = 84,
    cudaEglColorFormatYUV420Planar_2020              = 85,
    cudaEglColorFormatYVU420Planar_2020              = 86,
    cudaEglColorFormatYUV420SemiPlanar_709           = 87,
    cudaEglColorFormatYVU420SemiPlanar_709           = 88,
    cudaEglColorFormatYUV420Planar_709               = 89,
    cudaEglColorFormatYVU420Planar_709               = 90,
    cudaEglColorFormatY10V10U10_420SemiPlanar_709    = 91,
    cudaEglColorFormatY10V10U10_420SemiPlanar_2020   = 92,
    cudaEglColorFormatY10V10U10_422SemiPlanar_2020   = 93,
    cudaEglColorFormatY10V10U10_422SemiPlanar        = 94,
    cudaEglColorFormatY10V10U10_422SemiPlanar_709    = 95,
    cudaEglColorFormatY_ER                           = 96,
    cudaEglColorFormatY_709_ER                       = 97,
    cudaEglColorFormatY10_ER                         = 98,
    cudaEglColorFormatY10_709_ER                     = 99,
    cudaEglColorFormatY12_ER                         = 100,
    cudaEglColorFormatY12_709_ER                     = 101,
    cudaEglColorFormatYUVA                           = 102,
    cudaEglColorFormatYVYU                           = 104,
    cudaEglColorFormatVYUY                           = 105,
    cudaEglColorFormatY10V10U10_420SemiPlanar_ER     = 106,
    cudaEglColorFormatY10V10U10_420SemiPlanar_709_ER = 107,
    cudaEglColorFormatY10V10U10_444SemiPlanar_ER     = 108,
    cudaEglColorFormatY10V10U10_444SemiPlanar_709_ER = 109,
    cudaEglColorFormatY12V12U12_420SemiPlanar_ER     = 110,
    cudaEglColorFormatY12V12U12_420SemiPlanar_709_ER = 111,
    cudaEglColorFormatY12V12U12_444SemiPlanar_ER     = 112,
    cudaEglColorFormatY12V12U12_444SemiPlanar_709_ER = 113,
    cudaEglColorFormatUYVY709                        = 114,
    cudaEglColorFormatUYVY709_ER                     = 115,
    cudaEglColorFormatUYVY2020                       = 116
} cudaEglColorFormat;

typedef struct cudaEglPlaneDesc_st {
    unsigned int                 width;
    unsigned int                 height;
    unsigned int                 depth;
    unsigned int                 pitch;
    unsigned int                 numChannels;
    struct cudaChannelFormatDesc channelDesc;
    unsigned int                 reserved[4];
} cudaEglPlaneDesc;

typedef struct cudaEglFrame_st {
    union {  /* selected by frameType */
        cudaArray_t           pArray[CUDA_EGL_MAX_PLANES];
        struct cudaPitchedPtr pPitch[CUDA_EGL_MAX_PLANES];
    } frame;
    cudaEglPlaneDesc   planeDesc[CUDA_EGL_MAX_PLANES];
    unsigned int       planeCount;
    cudaEglFrameType   frameType;
    cudaEglColorFormat eglColorFormat;
} cudaEglFrame;

/* --- VDPAU (libvdpau's <vdpau/vdpau.h> declares the same names; defer to it if included) --- */

#ifndef _VDPAU_H
typedef uint32_t VdpDevice;
typedef uint32_t VdpVideoSurface;
typedef uint32_t VdpOutputSurface;
typedef uint32_t VdpFuncId;
typedef unsigned int VdpStatus;  /* libvdpau: an enum of non-negative values, i.e. unsigned int */
/* A function type, not a pointer: the runtime's signatures say VdpGetProcAddress *. */
typedef VdpStatus VdpGetProcAddress(VdpDevice device, VdpFuncId function_id,
                                    void **function_pointer);
#endif

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_INTEROP_H */
