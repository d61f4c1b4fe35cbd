// cudaLaunchKernelEx attributes that change results: a programmatic event and a launch
// completion event are recorded by the launch (a query right after it, while the kernel waits
// for the host, is not ready; another stream waiting on the event sees the kernel's writes); an
// attribute id the runtime does not know is refused.  cudaStreamAttachMemAsync accepts managed
// memory only, and whole allocations.  cudaFuncAttributes.localSizeBytes counts the kernel's
// own local variables only.
#include "common.h"

__global__ void fill_after_host(volatile int *flag, int *a, int v)
{
    if (threadIdx.x == 0)
        while (*flag == 0)
            ;
    __syncthreads();
    a[blockIdx.x * blockDim.x + threadIdx.x] = v;
}

__global__ void copy(int *dst, const int *src)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    dst[i] = src[i];
}

__global__ void no_locals(int *a)
{
    a[threadIdx.x] = (int)threadIdx.x;
}

__global__ void with_locals(int *a, int k)
{
    volatile int table[40];
    for (int i = 0; i < 40; i++)
        table[i] = i * k;
    a[threadIdx.x] = table[(threadIdx.x * 7) % 40];
}

static void event_attribute(cudaLaunchAttributeID id)
{
    const int n = 256;
    int *flag_h, *flag_d, *a, *b;
    CHECK(cudaHostAlloc(&flag_h, sizeof(int), cudaHostAllocMapped));
    CHECK(cudaHostGetDevicePointer(&flag_d, flag_h, 0));
    *flag_h = 0;
    CHECK(cudaMalloc(&a, n * sizeof(int)));
    CHECK(cudaMalloc(&b, n * sizeof(int)));
    CHECK(cudaMemset(a, 0, n * sizeof(int)));
    CHECK(cudaMemset(b, 0, n * sizeof(int)));
    CHECK(cudaDeviceSynchronize());
    cudaStream_t s1, s2;
    CHECK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
    CHECK(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
    cudaEvent_t ev;
    CHECK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));

    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(n / 64);
    cfg.blockDim = dim3(64);
    cfg.stream = s1;
    cudaLaunchAttribute at;
    memset(&at, 0, sizeof at);
    at.id = id;
    if (id == cudaLaunchAttributeProgrammaticEvent)
        at.val.programmaticEvent.event = ev;
    else
        at.val.launchCompletionEvent.event = ev;
    cfg.attrs = &at;
    cfg.numAttrs = 1;
    CHECK(cudaLaunchKernelEx(&cfg, fill_after_host, (volatile int *)flag_d, a, 7));
    EXPECT_ERR(cudaEventQuery(ev), cudaErrorNotReady); // the kernel waits for the host
    CHECK(cudaStreamWaitEvent(s2, ev, 0));
    copy<<<n / 64, 64, 0, s2>>>(b, a);
    *(volatile int *)flag_h = 1;
    CHECK(cudaStreamSynchronize(s2));
    int h[n];
    CHECK(cudaMemcpy(h, b, sizeof h, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += h[i] != 7;
    EXPECT_EQ_LL(bad, 0);
    CHECK(cudaEventDestroy(ev));
    CHECK(cudaStreamDestroy(s1));
    CHECK(cudaStreamDestroy(s2));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFreeHost(flag_h));
}

static void unknown_attribute(void)
{
    int *a;
    CHECK(cudaMalloc(&a, 32 * sizeof(int)));
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(1);
    cfg.blockDim = dim3(32);
    cudaLaunchAttribute at;
    memset(&at, 0, sizeof at);
    at.id = (cudaLaunchAttributeID)200;
    cfg.attrs = &at;
    cfg.numAttrs = 1;
    EXPECT_ERR(cudaLaunchKernelEx(&cfg, no_locals, a), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    at.id = cudaLaunchAttributePriority; // a hint: accepted
    at.val.priority = 0;
    CHECK(cudaLaunchKernelEx(&cfg, no_locals, a));
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaFree(a));
}

static void attach_memory(void)
{
    const size_t bytes = 4096;
    int *managed, *device;
    CHECK(cudaMallocManaged(&managed, bytes));
    CHECK(cudaMalloc(&device, bytes));
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    CHECK(cudaStreamAttachMemAsync(s, managed, 0, cudaMemAttachSingle));
    CHECK(cudaStreamAttachMemAsync(s, managed, bytes, cudaMemAttachHost));
    EXPECT_ERR(cudaStreamAttachMemAsync(s, managed, bytes / 2, cudaMemAttachGlobal), cudaErrorInvalidValue);
    EXPECT_ERR(cudaStreamAttachMemAsync(s, device, 0, cudaMemAttachGlobal), cudaErrorInvalidValue);
    EXPECT_ERR(cudaStreamAttachMemAsync(0, managed, 0, cudaMemAttachSingle), cudaErrorInvalidValue);
    CHECK(cudaStreamAttachMemAsync(s, managed, 0, cudaMemAttachGlobal));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(managed));
    CHECK(cudaFree(device));
}

static void local_sizes(void)
{
    cudaFuncAttributes fa;
    CHECK(cudaFuncGetAttributes(&fa, no_locals));
    EXPECT_EQ_LL(fa.localSizeBytes, 0);
    CHECK(cudaFuncGetAttributes(&fa, with_locals));
    EXPECT(fa.localSizeBytes >= 40 * sizeof(int));
}

int main()
{
    event_attribute(cudaLaunchAttributeProgrammaticEvent);
    event_attribute(cudaLaunchAttributeLaunchCompletionEvent);
    unknown_attribute();
    attach_memory();
    local_sizes();
    return finish("launch_ex_attributes");
}
