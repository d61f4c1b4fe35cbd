// Device function pointers between modules: a pointer taken in the program's own module and
// called from a kernel of a library loaded at run time (PTX through cudaLibraryLoadData, no
// -rdc link between them).  On a GPU code addresses are the context's, so the call reaches the
// program's function; the cpu device keeps functions per module and cannot call across, so it
// must fail the launch with cudaErrorNotSupported and a message, never call the function of
// the same number in the library (here negate in place of triple) and report success.
// Pointers within the library work.
#include "common.h"

typedef int (*fn_t)(int);

__device__ __noinline__ int triple(int x)
{
    return 3 * x;
}
__device__ fn_t program_fp = triple;

__global__ void call_here(fn_t f, int *out)
{
    out[0] = f(7);
}

// nvcc -ptx -arch=compute_75 of: negate (x -> -x), a __device__ pointer lib_fp to it, and
// extern "C" call_through(fn_t f, int *out) { out[0] = f(7); out[1] = lib_fp(7); }
static const char library_ptx[] =
    ".version 9.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".func  (.param .b32 func_retval0) _Z6negatei\n"
    "(\n"
    "\t.param .b32 _Z6negatei_param_0\n"
    ")\n"
    ";\n"
    ".global .align 8 .u64 lib_fp = _Z6negatei;\n"
    ".func  (.param .b32 func_retval0) _Z6negatei(\n"
    "\t.param .b32 _Z6negatei_param_0\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<3>;\n"
    "\tld.param.u32 \t%r1, [_Z6negatei_param_0];\n"
    "\tneg.s32 \t%r2, %r1;\n"
    "\tst.param.b32 \t[func_retval0+0], %r2;\n"
    "\tret;\n"
    "}\n"
    ".visible .entry call_through(\n"
    "\t.param .u64 call_through_param_0,\n"
    "\t.param .u64 call_through_param_1\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<3>;\n"
    "\t.reg .b64 \t%rd<5>;\n"
    "\tld.param.u64 \t%rd1, [call_through_param_0];\n"
    "\tld.param.u64 \t%rd2, [call_through_param_1];\n"
    "\tcvta.to.global.u64 \t%rd3, %rd2;\n"
    "\t{ // callseq 0, 0\n"
    "\t.reg .b32 temp_param_reg;\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], 7;\n"
    "\t.param .b32 retval0;\n"
    "\tprototype_0 : .callprototype (.param .b32 _) _ (.param .b32 _);\n"
    "\tcall (retval0), \n"
    "\t%rd1, \n"
    "\t(\n"
    "\tparam0\n"
    "\t)\n"
    "\t, prototype_0;\n"
    "\tld.param.b32 \t%r1, [retval0+0];\n"
    "\t} // callseq 0\n"
    "\tst.global.u32 \t[%rd3], %r1;\n"
    "\tld.global.u64 \t%rd4, [lib_fp];\n"
    "\t{ // callseq 1, 0\n"
    "\t.reg .b32 temp_param_reg;\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], 7;\n"
    "\t.param .b32 retval0;\n"
    "\tprototype_1 : .callprototype (.param .b32 _) _ (.param .b32 _);\n"
    "\tcall (retval0), \n"
    "\t%rd4, \n"
    "\t(\n"
    "\tparam0\n"
    "\t)\n"
    "\t, prototype_1;\n"
    "\tld.param.b32 \t%r2, [retval0+0];\n"
    "\t} // callseq 1\n"
    "\tst.global.u32 \t[%rd3+4], %r2;\n"
    "\tret;\n"
    "}\n";

int main()
{
    int *out, h[2] = {0, 0};
    CHECK(cudaMalloc(&out, sizeof h));
    fn_t fp = NULL;
    CHECK(cudaMemcpyFromSymbol(&fp, program_fp, sizeof fp));
    call_here<<<1, 1>>>(fp, out); // in its own module the pointer works
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 21);

    cudaLibrary_t lib;
    cudaKernel_t call_through;
    CHECK(cudaLibraryLoadData(&lib, library_ptx, NULL, NULL, 0, NULL, NULL, 0));
    CHECK(cudaLibraryGetKernel(&call_through, lib, "call_through"));
    void *lib_fp_addr = NULL;
    size_t lib_fp_size = 0;
    CHECK(cudaLibraryGetGlobal(&lib_fp_addr, &lib_fp_size, lib, "lib_fp"));
    fn_t own = NULL;
    CHECK(cudaMemcpy(&own, lib_fp_addr, sizeof own, cudaMemcpyDeviceToHost));
    void *args_own[] = {&own, &out};
    CHECK(cudaLaunchKernel((const void *)call_through, dim3(1), dim3(1), args_own, 0, 0));
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], -7);
    EXPECT_EQ_LL(h[1], -7);

    // across modules: the right answer, or a clean refusal; never the library's negate
    CHECK(cudaMemset(out, 0, sizeof h));
    void *args_cross[] = {&fp, &out};
    cudaError_t launched = cudaLaunchKernel((const void *)call_through, dim3(1), dim3(1),
                                            args_cross, 0, 0);
    cudaError_t done = launched == cudaSuccess ? cudaDeviceSynchronize() : launched;
    if (done == cudaSuccess) {
        CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
        EXPECT_EQ_LL(h[0], 21);
    } else {
        EXPECT_ERR(done, cudaErrorNotSupported);
    }
    return finish("device_fnptr_modules");
}
