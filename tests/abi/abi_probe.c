/*
 * abi_probe.c -- prints one `fact = value` line per row of abi_checks.def, as seen through one
 * set of CUDA runtime headers.  Built twice by tests/abi/abi.mk: plainly against cushim's
 * include/cushim/cuda_types.h, and with ABI_PROBE_NVIDIA against the CUDA toolkit's headers.
 * The two outputs must be identical; abi_compare.sh says which lines are not.
 *
 * Owns: turning check rows into printed facts.  Must not: decide what is checked (that is
 * abi_checks.def) or print anything that depends on which header set was used other than the
 * facts themselves, so that any difference in the output is an ABI difference.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Interop rows are checked only where the graphics API's headers exist, because NVIDIA's
 * interop headers include them.  Both builds decide the same way, so their rows line up. */
#if defined(__has_include)
#if __has_include(<GL/gl.h>)
#define ABI_HAVE_GL 1
#endif
#if __has_include(<EGL/egl.h>) && __has_include(<EGL/eglext.h>)
#define ABI_HAVE_EGL 1
#endif
#if __has_include(<vdpau/vdpau.h>)
#define ABI_HAVE_VDPAU 1
#endif
#endif
#ifndef ABI_HAVE_GL
#define ABI_HAVE_GL 0
#endif
#ifndef ABI_HAVE_EGL
#define ABI_HAVE_EGL 0
#endif
#ifndef ABI_HAVE_VDPAU
#define ABI_HAVE_VDPAU 0
#endif

#ifdef ABI_PROBE_NVIDIA
#include <cuda_runtime_api.h>
#if ABI_HAVE_GL
#include <cuda_gl_interop.h>
#endif
#if ABI_HAVE_EGL
#include <cuda_egl_interop.h>
#endif
#if ABI_HAVE_VDPAU
#include <cuda_vdpau_interop.h>
#endif
#else
#include "cushim/cuda_types.h"
#endif

/* `is` checks print 1 when the named entity has exactly the spelled type.  Comparing pointers
 * to the types keeps arrays and functions from decaying and qualifiers from being dropped. */
#define ABI_IS(expr_ptr, type) _Generic((expr_ptr), __typeof__(type) *: 1, default: 0)

#define ABI_SIZE(T) printf("sizeof(%s) = %zu\n", #T, sizeof(T));
#define ABI_ALIGN(T) printf("_Alignof(%s) = %zu\n", #T, _Alignof(T));
#define ABI_OFFSET(T, m) printf("offsetof(%s, %s) = %zu\n", #T, #m, offsetof(T, m));
#define ABI_MEMBER_SIZE(T, m) printf("sizeof((%s).%s) = %zu\n", #T, #m, sizeof(((T *)0)->m));
#define ABI_MEMBER_TYPE(T, m, U) \
    printf("(%s).%s is %s = %d\n", #T, #m, #U, ABI_IS(&((T *)0)->m, U));
#define ABI_TYPE(T, U) printf("%s is %s = %d\n", #T, #U, ABI_IS((T *)0, U));
#define ABI_ENUM(e) printf("%s = %lld\n", #e, (long long)(e));
#define ABI_CONST(c) printf("%s = %lld\n", #c, (long long)(c));
#define ABI_HANDLE(c) printf("%s = %#llx\n", #c, (unsigned long long)(uintptr_t)(c));

int main(void)
{
#include "abi_checks.def"
    return 0;
}
