/*
 * cuda_types.h -- cushim's own declarations of every type, enum and constant the CUDA 13
 * runtime API (libcudart.so.13) uses, laid out so that programs compiled against NVIDIA's
 * headers and linked against cushim see the same sizes, offsets, tag names and values.
 *
 * Owns: the public type vocabulary the shim, its generated tables (shim/api_table.def names
 * every parameter type through this header) and tools compile against.  Must not: declare
 * functions, include NVIDIA's headers, or drift from NVIDIA's ABI -- `make test-abi` compares
 * every size, field offset, enum value and constant with the toolkit's headers.
 *
 * Written from the CUDA 13.0 toolkit headers as a reference for names, values and layout;
 * C11 and C++ both compile it.  The pieces below each cover one area of the API and include
 * what they depend on; include this file, not the pieces.
 */
#ifndef CUSHIM_CUDA_TYPES_H
#define CUSHIM_CUDA_TYPES_H

#include "cuda_types_core.h"      /* version, cudaError_t, dim3, handles, callbacks, flags */
#include "cuda_types_device.h"    /* cudaDeviceProp, device attributes, limits, atomics */
#include "cuda_types_module.h"    /* kernel attributes, JIT/library options, entry points */
#include "cuda_types_memory.h"    /* pointer attributes, locations, pools, access policy */
#include "cuda_types_copy.h"      /* memcpy kinds, 3D copies, memset, batched copies */
#include "cuda_types_texture.h"   /* channel formats, arrays, resources, texture/surface */
#include "cuda_types_external.h"  /* external memory and semaphores */
#include "cuda_types_launch.h"    /* launch config and attributes (also stream/node attrs) */
#include "cuda_types_graph.h"     /* stream capture, graph nodes, edges, instantiation */
#include "cuda_types_interop.h"   /* graphics resources, OpenGL, EGL, VDPAU */

#endif /* CUSHIM_CUDA_TYPES_H */
