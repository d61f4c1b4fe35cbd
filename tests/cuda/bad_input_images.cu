// bad_input_images.cu - device code that cannot be used (issue 7's bad-input table, image
// rows): damaged, truncated and SASS-only fatbinaries and malformed PTX, registered through
// __cudaRegisterFatBinary the way nvcc's start-up code does, then launched.  Registration
// never fails (it returns nothing); the launch does, with the code a user of NVIDIA's runtime
// sees for the same image: cudaErrorInvalidKernelImage for a container that cannot be read,
// cudaErrorNoKernelImageForDevice when nothing in it runs on this device (only machine code for
// a GPU), cudaErrorInvalidPtx for PTX that does not parse, and cudaErrorInvalidDeviceFunction
// for a kernel name the image does not have.  None of these is sticky, and a sound image
// registered beside them still runs.
//
// The fatbinaries are nvcc's own output for tests/data/small.cu (tests/data/README.md), read at
// run time from the repository root, where the test runner starts programs.
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include "bad_input.h"

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaUnregisterFatBinary(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);
}

static const char KERNEL[] = "_Z10scaled_addPKfS0_Pfi"; // small.cu's kernel

// The 24-byte wrapper nvcc's code passes to __cudaRegisterFatBinary (shared/FACTS.md).
struct wrapper {
    uint32_t magic, version;
    const void *fatbin;
    const void *extra;
};

static std::vector<unsigned char> read_data(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/%s", name);
    std::vector<unsigned char> bytes;
    FILE *f = fopen(path, "rb");
    if (f == nullptr) {
        fprintf(stderr, "cannot open %s (run from the repository root)\n", path);
        exit(1);
    }
    unsigned char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        bytes.insert(bytes.end(), buf, buf + n);
    fclose(f);
    return bytes;
}

// The bytes placed so that the last one is the last readable byte before an unmapped page: a
// reader that believes a header claiming more faults instead of reading someone else's data.
static const void *at_guard_page(const std::vector<unsigned char> &bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (bytes.size() + page - 1) / page + 1;
    unsigned char *map = (unsigned char *)mmap(nullptr, pages * page, PROT_READ | PROT_WRITE,
                                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        exit(1);
    unsigned char *guard = map + (pages - 1) * page;
    mprotect(guard, page, PROT_NONE);
    unsigned char *start = guard - bytes.size();
    memcpy(start, bytes.data(), bytes.size());
    return start;
}

// A fatbinary with one uncompressed PTX entry holding `ptx` (header layout as nvcc writes it,
// shared/FACTS.md; the entry header is uncompressed.fatbin's).
static std::vector<unsigned char> ptx_fatbin(const char *ptx)
{
    std::vector<unsigned char> model = read_data("uncompressed.fatbin");
    // Find the PTX entry (kind 1) after the 16-byte fatbin header.
    size_t at = 16;
    while (at + 80 <= model.size() && model[at] != 1) {
        uint32_t header;
        uint64_t payload;
        memcpy(&header, &model[at + 4], 4);
        memcpy(&payload, &model[at + 8], 8);
        at += header + payload;
    }
    std::vector<unsigned char> entry(model.begin() + at, model.begin() + at + 80);
    size_t text = strlen(ptx) + 1, padded = (text + 7) & ~(size_t)7;
    uint64_t payload = padded, plain = 0;
    memcpy(&entry[8], &payload, 8);
    memcpy(&entry[56], &plain, 8);
    std::vector<unsigned char> out(16);
    uint32_t magic = 0xBA55ED50u;
    uint16_t version = 1, header = 16;
    uint64_t size = 80 + padded;
    memcpy(&out[0], &magic, 4);
    memcpy(&out[4], &version, 2);
    memcpy(&out[6], &header, 2);
    memcpy(&out[8], &size, 8);
    out.insert(out.end(), entry.begin(), entry.end());
    out.insert(out.end(), ptx, ptx + text);
    out.resize(16 + size, 0);
    return out;
}

// Registers `fatbin` as nvcc's start-up code would, with small.cu's kernel (or `name`) under
// the host address `stub`; launches it on n elements and returns the launch's result.
static float *a, *b, *c;
static const int N = 256;

static cudaError_t register_and_launch(const void *fatbin, const void *stub,
                                       const char *name = KERNEL, uint32_t magic = 0x466243B1u)
{
    static wrapper wrappers[32];
    static int used;
    wrapper *w = &wrappers[used++ % 32];
    *w = {magic, 1, fatbin, nullptr};
    void **handle = __cudaRegisterFatBinary(w);
    __cudaRegisterFunction(handle, (const char *)stub, (char *)name, name, -1, nullptr, nullptr,
                           nullptr, nullptr, nullptr);
    __cudaRegisterFatBinaryEnd(handle);
    int n = N;
    void *args[] = {&a, &b, &c, &n};
    cudaError_t e = cudaLaunchKernel(stub, dim3(1), dim3(N), args, 0, 0);
    if (e == cudaSuccess)
        e = cudaDeviceSynchronize();
    return e;
}

// Distinct host addresses for the kernels registered by the rows.
template <int I> static void stub() {}

static const char malformed_ptx[] = ".version 9.0\n.target sm_75\n.address_size 64\n"
                                    ".visible .entry _Z10scaled_addPKfS0_Pfi(\n"
                                    "{ this is not PTX at all;\n";

static const char other_kernel_ptx[] = ".version 9.0\n.target sm_75\n.address_size 64\n"
                                       ".visible .entry some_other_kernel()\n{\n ret;\n}\n";

static const struct bad_row rows[] = {
    {"a sound fatbinary (the control)", cudaSuccess, NOT_STICKY,
     [] { return register_and_launch(at_guard_page(read_data("default.fatbin")), (const void *)&stub<0>); }},
    {"a fatbinary truncated to half", cudaErrorInvalidKernelImage, NOT_STICKY,
     [] {
         std::vector<unsigned char> f = read_data("default.fatbin");
         f.resize(f.size() / 2);
         return register_and_launch(at_guard_page(f), (const void *)&stub<1>);
     }},
    {"a fatbinary cut inside its header", cudaErrorInvalidKernelImage, NOT_STICKY,
     [] {
         std::vector<unsigned char> f = read_data("default.fatbin");
         f.resize(10);
         return register_and_launch(at_guard_page(f), (const void *)&stub<2>);
     }},
    {"a fatbinary with a damaged magic number", cudaErrorInvalidKernelImage, NOT_STICKY,
     [] {
         std::vector<unsigned char> f = read_data("default.fatbin");
         f[0] ^= 0xff;
         return register_and_launch(at_guard_page(f), (const void *)&stub<3>);
     }},
    {"a fatbinary whose entry claims more than there is", cudaErrorInvalidKernelImage, NOT_STICKY,
     [] {
         std::vector<unsigned char> f = read_data("default.fatbin");
         uint64_t huge = 1ull << 40;
         memcpy(&f[16 + 8], &huge, 8); // the first entry's payload size
         return register_and_launch(at_guard_page(f), (const void *)&stub<4>);
     }},
    {"a wrapper with a damaged magic number", cudaErrorInvalidKernelImage, NOT_STICKY,
     [] {
         return register_and_launch(at_guard_page(read_data("default.fatbin")), (const void *)&stub<5>, KERNEL,
                                    0x12345678u);
     }},
    // Machine code for a GPU is all there is: nothing this device can run, as a GPU of another
    // architecture would say.
    {"a SASS-only fatbinary", cudaErrorNoKernelImageForDevice, NOT_STICKY,
     [] { return register_and_launch(at_guard_page(read_data("sass_only.fatbin")), (const void *)&stub<6>); }},
    // The compressed PTX is damaged: the entry is skipped (with a message), leaving only SASS.
    {"a fatbinary with damaged compressed PTX", cudaErrorNoKernelImageForDevice, NOT_STICKY,
     [] {
         std::vector<unsigned char> f = read_data("default.fatbin");
         // The PTX entry follows the cubin entry; damage the middle of its payload.
         uint32_t header;
         uint64_t payload;
         memcpy(&header, &f[16 + 4], 4);
         memcpy(&payload, &f[16 + 8], 8);
         size_t ptx = 16 + header + payload, ptx_header;
         uint64_t ptx_payload;
         memcpy(&header, &f[ptx + 4], 4);
         memcpy(&ptx_payload, &f[ptx + 8], 8);
         ptx_header = header;
         for (size_t i = ptx + ptx_header + 8; i < ptx + ptx_header + ptx_payload / 2; i++)
             f[i] ^= 0x5a;
         return register_and_launch(at_guard_page(f), (const void *)&stub<7>);
     }},
    {"malformed PTX", cudaErrorInvalidPtx, NOT_STICKY,
     [] { return register_and_launch(at_guard_page(ptx_fatbin(malformed_ptx)), (const void *)&stub<8>); }},
    {"PTX without the registered kernel", cudaErrorInvalidDeviceFunction, NOT_STICKY,
     [] { return register_and_launch(at_guard_page(ptx_fatbin(other_kernel_ptx)), (const void *)&stub<9>); }},
    {"an empty PTX entry", cudaErrorInvalidPtx, NOT_STICKY,
     [] { return register_and_launch(at_guard_page(ptx_fatbin("")), (const void *)&stub<10>); }},
};

int main()
{
    CHECK(cudaMallocManaged(&a, N * sizeof(float)));
    CHECK(cudaMallocManaged(&b, N * sizeof(float)));
    CHECK(cudaMallocManaged(&c, N * sizeof(float)));
    for (int i = 0; i < N; i++) {
        a[i] = (float)i;
        b[i] = 1.0f;
        c[i] = -1.0f;
    }
    RUN_TABLE("bad_input_images", rows);
    // The sound image ran once (the control row): small.cu's scale starts at 2.
    for (int i = 0; i < N; i++)
        if (c[i] != 2.0f * (a[i] + b[i])) {
            fprintf(stderr, "c[%d] = %g, expected %g\n", i, c[i], 2.0f * (a[i] + b[i]));
            g_failures++;
            break;
        }
    // It still runs after every damaged image was refused.
    int n = N;
    void *args[] = {&a, &b, &c, &n};
    CHECK(cudaMemset(c, 0, N * sizeof(float)));
    CHECK(cudaLaunchKernel((const void *)&stub<0>, dim3(1), dim3(N), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT(c[N - 1] == 2.0f * (a[N - 1] + b[N - 1]));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(c));
    return finish("bad_input_images");
}
