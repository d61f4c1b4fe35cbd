// nvcc-variants: sm_80
// Engine (issue 5): device printf formats every conversion a GPU's printf does, the same way
// the host's printf does (kernels_printf.expected holds the host-formatted text).  One thread
// prints, so the order of lines is defined.
#include <cstdio>
#include <cuda_runtime.h>

__global__ void say(int i, unsigned u, long long ll, float f, double d, const char *s)
{
    printf("int %d %5d %-5d| %+d %05d\n", i, i, i, i, i);
    printf("unsigned %u %x %X %o %#x\n", u, u, u, u, u);
    printf("long %lld %llx\n", ll, (unsigned long long)ll);
    printf("float %f %.3f %e %g %10.4f|\n", f, f, f, f, f);
    printf("double %f %.10e %g %G\n", d, d, d, d * 1e20);
    printf("char %c%c string %s %.3s %8s|\n", 'o', 'k', s, s, "pad");
    printf("percent %% and nothing else\n");
    printf("mixed %d %s %.2f %c %lld\n", threadIdx.x, s, f * 2, 'z', ll * 2);
    // CUDA passes 32 arguments at most: a specifier past them is printed as written and the
    // rest of the format goes on
    printf("%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d "
           "%d %d %d %d %d tail\n",
           1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
           25, 26, 27, 28, 29, 30, 31, 32, 33);
}

__global__ void several_blocks()
{
    // Each block prints once; the runtime may interleave blocks but never splits a line.
    if (threadIdx.x == 0)
        printf("block %d of %d\n", blockIdx.x, gridDim.x);
}

int main()
{
    char *s;
    const char text[] = "device";
    cudaMalloc(&s, sizeof text);
    cudaMemcpy(s, text, sizeof text, cudaMemcpyHostToDevice);
    say<<<1, 1>>>(-42, 3735928559u, -1234567890123ll, 3.14159f, 2.718281828459045, s);
    if (cudaDeviceSynchronize() != cudaSuccess)
        return 1;
    several_blocks<<<1, 32>>>();
    if (cudaDeviceSynchronize() != cudaSuccess)
        return 1;
    fflush(stdout);
    cudaFree(s);
    return 0;
}
