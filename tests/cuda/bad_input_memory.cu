// bad_input_memory.cu - misused pointers in every copy and fill family and in the frees
// (issue 7's bad-input table, memory rows).  Each row names the exact cudaError_t.  NVIDIA
// documents cudaErrorInvalidValue for a pointer that does not fit the copy; cushim checks that
// every device-side range lies inside one live allocation (issue 4), so null, foreign, freed
// and interior-past-the-end pointers all give cudaErrorInvalidValue, nothing is copied, and the
// error is not sticky.
#include "bad_input.h"

static const size_t N = 4096;
static unsigned char host[2 * 4096];
static unsigned char *live;  // a live device allocation of N bytes
static unsigned char *pinned;
static cudaStream_t stream;
__device__ unsigned char symbol[64];

// Memory that is neither device memory nor known to the runtime.
static unsigned char foreign[4096];

// A device allocation just freed.  Each row frees its own right before use: the allocator may
// hand a freed address out again (a module's variables, the next cudaMalloc), and then it is
// live memory, not freed memory.
static unsigned char *just_freed(void)
{
    unsigned char *p = nullptr;
    CHECK(cudaMalloc(&p, N));
    CHECK(cudaFree(p));
    return p;
}

static const struct bad_row rows[] = {
    // cudaMemcpy
    {"memcpy H2D to null", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(nullptr, host, 16, cudaMemcpyHostToDevice); }},
    {"memcpy D2H from null", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(host, nullptr, 16, cudaMemcpyDeviceToHost); }},
    {"memcpy H2D from null host", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(live, nullptr, 16, cudaMemcpyHostToDevice); }},
    {"memcpy H2D to a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(foreign, host, 16, cudaMemcpyHostToDevice); }},
    {"memcpy D2H from a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(host, foreign, 16, cudaMemcpyDeviceToHost); }},
    {"memcpy D2D from freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(live, just_freed(), 16, cudaMemcpyDeviceToDevice); }},
    {"memcpy H2D to freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(just_freed(), host, 16, cudaMemcpyHostToDevice); }},
    {"memcpy H2D past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(live + N - 8, host, 16, cudaMemcpyHostToDevice); }},
    {"memcpy D2H past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(host, live + 8, N, cudaMemcpyDeviceToHost); }},
    {"memcpy D2D overlapping the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(live, live + 1, N, cudaMemcpyDeviceToDevice); }},
    {"memcpy Default past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(host, live + N - 1, 2, cudaMemcpyDefault); }},
    {"memcpy with an invalid kind", cudaErrorInvalidMemcpyDirection, NOT_STICKY,
     [] { return cudaMemcpy(live, host, 16, (cudaMemcpyKind)7); }},
    {"memcpy past the end of pinned memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy(pinned + N - 4, live, 8, cudaMemcpyDeviceToHost); }},
    // cudaMemcpyAsync
    {"memcpyAsync to null", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyAsync(nullptr, host, 16, cudaMemcpyHostToDevice, stream); }},
    {"memcpyAsync from freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyAsync(pinned, just_freed(), 16, cudaMemcpyDeviceToHost, stream); }},
    {"memcpyAsync past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyAsync(live + N, pinned, 1, cudaMemcpyHostToDevice, stream); }},
    {"memcpyAsync to a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyAsync(foreign, pinned, 16, cudaMemcpyHostToDevice, stream); }},
    // cudaMemcpy2D / 3D
    {"memcpy2D past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy2D(live, 256, host, 256, 256, 17, cudaMemcpyHostToDevice); }},
    {"memcpy2D width above pitch", cudaErrorInvalidPitchValue, NOT_STICKY,
     [] { return cudaMemcpy2D(live, 64, host, 128, 128, 2, cudaMemcpyHostToDevice); }},
    {"memcpy2D from freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy2D(host, 64, just_freed(), 64, 64, 2, cudaMemcpyDeviceToHost); }},
    {"memcpy2DAsync past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         return cudaMemcpy2DAsync(pinned, 512, live, 512, 512, 9, cudaMemcpyDeviceToHost,
                                  stream);
     }},
    {"memcpy3D past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         cudaMemcpy3DParms p = {};
         p.srcPtr = make_cudaPitchedPtr(host, 64, 64, 8);
         p.dstPtr = make_cudaPitchedPtr(live, 64, 64, 8);
         p.extent = make_cudaExtent(64, 8, 9); // 9 slices of 512 bytes: 4608 > 4096
         p.kind = cudaMemcpyHostToDevice;
         return cudaMemcpy3D(&p);
     }},
    {"memcpy3D with null parameters", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpy3D(nullptr); }},
    {"memcpy3D to freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         cudaMemcpy3DParms p = {};
         p.srcPtr = make_cudaPitchedPtr(host, 64, 64, 1);
         p.dstPtr = make_cudaPitchedPtr(just_freed(), 64, 64, 1);
         p.extent = make_cudaExtent(64, 1, 1);
         p.kind = cudaMemcpyHostToDevice;
         return cudaMemcpy3D(&p);
     }},
    // cudaMemcpyPeer, symbols
    {"memcpyPeer from freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyPeer(live, 0, just_freed(), 0, 16); }},
    {"memcpyPeer past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyPeer(live, 0, live + 1, 0, N); }},
    {"memcpyToSymbol past the symbol's end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyToSymbol(symbol, host, 16, 56); }},
    {"memcpyFromSymbol larger than the symbol", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemcpyFromSymbol(host, symbol, 65); }},
    {"memcpyToSymbol of a host variable", cudaErrorInvalidSymbol, NOT_STICKY,
     [] { return cudaMemcpyToSymbol(foreign, host, 16); }},
    // cudaMemset family
    {"memset null", cudaErrorInvalidValue, NOT_STICKY, [] { return cudaMemset(nullptr, 0, 16); }},
    {"memset freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset(just_freed(), 0, 16); }},
    {"memset a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset(foreign, 0, 16); }},
    {"memset past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset(live + N - 15, 0, 16); }},
    {"memsetAsync past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemsetAsync(live + 1, 0, N, stream); }},
    {"memset2D past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset2D(live, 512, 0, 512, 9); }},
    {"memset2D freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset2D(just_freed(), 64, 0, 64, 2); }},
    {"memset2DAsync a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMemset2DAsync(foreign, 64, 0, 64, 2, stream); }},
    {"memset3D past the end", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         return cudaMemset3D(make_cudaPitchedPtr(live, 64, 64, 8), 0, make_cudaExtent(64, 8, 9));
     }},
    {"memset3DAsync freed memory", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         return cudaMemset3DAsync(make_cudaPitchedPtr(just_freed(), 64, 64, 1), 0,
                                  make_cudaExtent(64, 1, 1), stream);
     }},
    // frees
    {"double cudaFree", cudaErrorInvalidValue, NOT_STICKY, [] { return cudaFree(just_freed()); }},
    {"cudaFree of an interior pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaFree(live + 16); }},
    {"cudaFree of a host pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaFree(foreign); }},
    {"cudaFree of pinned memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaFree(pinned); }},
    {"cudaFree of null", cudaSuccess, NOT_STICKY, [] { return cudaFree(nullptr); }},
    {"cudaFreeHost of device memory", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaFreeHost(live); }},
    {"cudaFreeHost of a foreign pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaFreeHost(foreign); }},
    {"double cudaFreeHost", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         void *p = nullptr;
         cudaError_t e = cudaMallocHost(&p, 64);
         if (e == cudaSuccess)
             e = cudaFreeHost(p);
         return e == cudaSuccess ? cudaFreeHost(p) : e;
     }},
    {"cudaHostUnregister of memory never registered", cudaErrorHostMemoryNotRegistered,
     NOT_STICKY, [] { return cudaHostUnregister(foreign); }},
    {"cudaHostRegister twice", cudaErrorHostMemoryAlreadyRegistered, NOT_STICKY,
     [] {
         cudaError_t e = cudaHostRegister(foreign, sizeof foreign, cudaHostRegisterDefault);
         cudaError_t twice = e == cudaSuccess
                                 ? cudaHostRegister(foreign, sizeof foreign, cudaHostRegisterDefault)
                                 : e;
         if (e == cudaSuccess && cudaHostUnregister(foreign) != cudaSuccess)
             return cudaErrorUnknown;
         return twice;
     }},
    {"cudaMalloc to a null result pointer", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaMalloc(nullptr, 16); }},
};

int main()
{
    CHECK(cudaMalloc(&live, N));
    CHECK(cudaMallocHost(&pinned, N));
    CHECK(cudaStreamCreate(&stream));
    CHECK(cudaMemset(live, 0x11, N));
    RUN_TABLE("bad_input_memory", rows);
    // Nothing any row refused was copied: the live allocation still holds its fill.
    CHECK(cudaMemcpy(host, live, N, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < N; i++)
        if (host[i] != 0x11) {
            fprintf(stderr, "byte %zu of the live allocation changed to 0x%02x\n", i, host[i]);
            return 1;
        }
    CHECK(cudaStreamDestroy(stream));
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(live));
    return finish("bad_input_memory");
}
