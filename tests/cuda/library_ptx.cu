// The library management API with device code given at run time, as a program using NVRTC
// would: PTX text loaded with cudaLibraryLoadData and from a file, its kernels counted,
// enumerated and launched through their cudaKernel_t, a global read back, and the errors for
// a missing kernel and malformed PTX; and a fatbinary: this program's own, read from the
// .nv_fatbin section of its executable.
#include "common.h"
#include <cmath>
#include <elf.h>
#include <vector>

extern "C" __global__ void lib_add1(int *p)
{
    p[threadIdx.x] += 1;
}

// The contents of this executable's .nv_fatbin section (nvcc's fatbinaries, ours first).
static std::vector<char> own_fatbin()
{
    std::vector<char> exe;
    FILE *f = fopen("/proc/self/exe", "rb");
    if (f == nullptr)
        return exe;
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        exe.insert(exe.end(), buf, buf + got);
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)exe.data();
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(exe.data() + eh->e_shoff);
    const char *names = exe.data() + sh[eh->e_shstrndx].sh_offset;
    for (int i = 0; i < eh->e_shnum; i++)
        if (strcmp(names + sh[i].sh_name, ".nv_fatbin") == 0)
            return std::vector<char>(exe.data() + sh[i].sh_offset,
                                     exe.data() + sh[i].sh_offset + sh[i].sh_size);
    return std::vector<char>();
}

static const char ptx[] = R"(
.version 8.0
.target sm_75
.address_size 64
.visible .global .align 4 .u32 counter;
.visible .entry scale(.param .u64 p, .param .u32 n, .param .f32 k)
{
    .reg .pred %p1;
    .reg .b32 %r<7>;
    .reg .f32 %f<3>;
    .reg .b64 %rd<4>;
    ld.param.u64 %rd1, [p];
    ld.param.u32 %r1, [n];
    ld.param.f32 %f1, [k];
    mov.u32 %r2, %ctaid.x;
    mov.u32 %r3, %ntid.x;
    mov.u32 %r4, %tid.x;
    mad.lo.s32 %r5, %r2, %r3, %r4;
    setp.ge.u32 %p1, %r5, %r1;
    @%p1 bra DONE;
    cvta.to.global.u64 %rd2, %rd1;
    mul.wide.u32 %rd3, %r5, 4;
    add.s64 %rd2, %rd2, %rd3;
    ld.global.f32 %f2, [%rd2];
    mul.f32 %f2, %f2, %f1;
    st.global.f32 [%rd2], %f2;
    atom.global.add.u32 %r6, [counter], 1;
DONE:
    ret;
}
.visible .entry noop()
{
    ret;
}
)";

int main()
{
    cudaLibrary_t lib;
    CHECK(cudaLibraryLoadData(&lib, ptx, nullptr, nullptr, 0, nullptr, nullptr, 0));
    unsigned int count = 0;
    CHECK(cudaLibraryGetKernelCount(&count, lib));
    EXPECT_EQ_LL(count, 2);
    cudaKernel_t listed[2] = {};
    CHECK(cudaLibraryEnumerateKernels(listed, 2, lib));
    EXPECT(listed[0] != nullptr && listed[1] != nullptr && listed[0] != listed[1]);

    cudaKernel_t scale;
    CHECK(cudaLibraryGetKernel(&scale, lib, "scale"));
    EXPECT(scale == listed[0] || scale == listed[1]);
    const unsigned n = 1000;
    float *x;
    CHECK(cudaMallocManaged(&x, n * sizeof(float)));
    for (unsigned i = 0; i < n; i++)
        x[i] = (float)i;
    float k = 2.5f;
    unsigned nn = n;
    void *args[] = {&x, &nn, &k};
    CHECK(cudaLaunchKernel((const void *)scale, dim3((n + 127) / 128), dim3(128), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    int bad = 0;
    for (unsigned i = 0; i < n; i++)
        bad += x[i] != 2.5f * (float)i;
    EXPECT_EQ_LL(bad, 0);

    // The module's global: its address and size, and the count the kernel made.
    unsigned *counter = nullptr, seen = 0;
    size_t bytes = 0;
    CHECK(cudaLibraryGetGlobal((void **)&counter, &bytes, lib, "counter"));
    EXPECT_EQ_LL(bytes, 4);
    CHECK(cudaMemcpy(&seen, counter, 4, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(seen, n);

    cudaFuncAttributes attr = {};
    CHECK(cudaFuncGetAttributes(&attr, (const void *)scale));
    EXPECT(attr.maxThreadsPerBlock >= 128);
    CHECK(cudaKernelSetAttributeForDevice(scale, cudaFuncAttributeMaxDynamicSharedMemorySize, 1024, 0));

    cudaKernel_t missing;
    EXPECT_ERR(cudaLibraryGetKernel(&missing, lib, "no_such_kernel"), cudaErrorSymbolNotFound);
    EXPECT_ERR(cudaLibraryGetGlobal((void **)&counter, &bytes, lib, "no_such_global"), cudaErrorSymbolNotFound);
    (void)cudaGetLastError();
    CHECK(cudaLibraryUnload(lib));

    // The same PTX from a file; malformed PTX is refused when loaded.
    char path[] = "/tmp/cushim-library-XXXXXX";
    int fd = mkstemp(path);
    EXPECT(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(ptx, f);
    fclose(f);
    CHECK(cudaLibraryLoadFromFile(&lib, path, nullptr, nullptr, 0, nullptr, nullptr, 0));
    remove(path);
    CHECK(cudaLibraryGetKernel(&scale, lib, "scale"));
    for (unsigned i = 0; i < n; i++)
        x[i] = 1.0f;
    k = -3.0f;
    CHECK(cudaLaunchKernel((const void *)scale, dim3((n + 127) / 128), dim3(128), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT(x[0] == -3.0f && x[n - 1] == -3.0f);
    CHECK(cudaLibraryUnload(lib));
    static const char broken[] = ".version 8.0\n.target sm_75\n.address_size 64\n"
                                 ".visible .entry k()\n{\n\tadd.s32 %r1, %r2;\n}\n";
    cudaLibrary_t bad_lib;
    EXPECT_ERR(cudaLibraryLoadData(&bad_lib, broken, nullptr, nullptr, 0, nullptr, nullptr, 0),
               cudaErrorInvalidPtx);
    EXPECT_ERR(cudaLibraryLoadData(&bad_lib, "neither PTX nor a fatbinary", nullptr, nullptr, 0, nullptr,
                                   nullptr, 0),
               cudaErrorInvalidKernelImage);
    (void)cudaGetLastError();

    // A fatbinary: this program's own kernels, loaded again as a library.  The section holds
    // one fatbinary per part of the program (header: magic, version, header size, data
    // size); the one with this file's PTX is the one that loads.
    std::vector<char> section = own_fatbin();
    EXPECT(!section.empty());
    const char *ours = nullptr;
    for (size_t at = 0; at + 16 <= section.size();) {
        unsigned magic, header;
        unsigned long long size;
        memcpy(&magic, &section[at], 4);
        if (magic != 0xBA55ED50u)
            break;
        header = (unsigned char)section[at + 6] | (unsigned char)section[at + 7] << 8;
        memcpy(&size, &section[at + 8], 8);
        if (cudaLibraryLoadData(&lib, &section[at], nullptr, nullptr, 0, nullptr, nullptr, 0) == cudaSuccess) {
            ours = &section[at];
            break;
        }
        at = (at + header + size + 7) & ~(size_t)7;
    }
    (void)cudaGetLastError();
    EXPECT(ours != nullptr);
    if (ours != nullptr) {
        cudaKernel_t add1;
        CHECK(cudaLibraryGetKernel(&add1, lib, "lib_add1"));
        int *p;
        CHECK(cudaMallocManaged(&p, 32 * sizeof(int)));
        for (int i = 0; i < 32; i++)
            p[i] = i;
        void *pargs[] = {&p};
        CHECK(cudaLaunchKernel((const void *)add1, dim3(1), dim3(32), pargs, 0, 0));
        CHECK(cudaDeviceSynchronize());
        EXPECT(p[0] == 1 && p[31] == 32);
        CHECK(cudaFree(p));
        CHECK(cudaLibraryUnload(lib));
    }
    CHECK(cudaFree(x));
    return finish("library_ptx");
}
