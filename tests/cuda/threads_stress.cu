// Many host threads at once (issue 4): 8 threads, each with its own streams and events, mix
// allocations, pinned and pageable copies, fills, kernel launches, host functions and event
// waits, and check every byte against a host-side model of what the device should hold.
#include <atomic>
#include <thread>
#include <vector>
#include "common.h"

__global__ void add_index(int *data, int n, int bias)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        data[i] += i + bias;
}

static void CUDART_CB count_call(void *p)
{
    ((std::atomic<int> *)p)->fetch_add(1);
}

static std::atomic<int> failures{0};
static std::atomic<int> host_calls{0};

#define T_CHECK(call)                                                                     \
    do {                                                                                  \
        cudaError_t err_ = (call);                                                        \
        if (err_ != cudaSuccess) {                                                        \
            fprintf(stderr, "thread %d: %s -> %s\n", id, #call, cudaGetErrorName(err_));  \
            failures++;                                                                   \
            return;                                                                       \
        }                                                                                 \
    } while (0)

static void worker(int id, int rounds)
{
    cudaStream_t s[2];
    T_CHECK(cudaStreamCreateWithFlags(&s[0], cudaStreamNonBlocking));
    T_CHECK(cudaStreamCreate(&s[1]));
    cudaEvent_t ev;
    T_CHECK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));
    for (int r = 0; r < rounds; r++) {
        const int n = 1000 + 37 * id + r;
        std::vector<int> model(n), back(n);
        int *pinned, *d, *d2;
        T_CHECK(cudaMallocHost(&pinned, n * sizeof(int)));
        T_CHECK(cudaMalloc(&d, n * sizeof(int)));
        T_CHECK(cudaMalloc(&d2, n * sizeof(int)));
        for (int i = 0; i < n; i++)
            model[i] = pinned[i] = id * 100000 + r * 1000 + i;
        T_CHECK(cudaMemcpyAsync(d, pinned, n * sizeof(int), cudaMemcpyHostToDevice, s[0]));
        add_index<<<(n + 127) / 128, 128, 0, s[0]>>>(d, n, id);
        T_CHECK(cudaGetLastError());
        for (int i = 0; i < n; i++)
            model[i] += i + id;
        T_CHECK(cudaEventRecord(ev, s[0]));
        T_CHECK(cudaStreamWaitEvent(s[1], ev, 0));
        T_CHECK(cudaMemsetAsync(d2, 0, n * sizeof(int), s[1]));
        T_CHECK(cudaMemcpyAsync(d2, d, (n / 2) * sizeof(int), cudaMemcpyDeviceToDevice, s[1]));
        T_CHECK(cudaLaunchHostFunc(s[1], count_call, &host_calls));
        T_CHECK(cudaStreamSynchronize(s[1]));
        T_CHECK(cudaMemcpy(back.data(), d2, n * sizeof(int), cudaMemcpyDeviceToHost));
        for (int i = 0; i < n; i++) {
            int want = i < n / 2 ? model[i] : 0;
            if (back[i] != want) {
                fprintf(stderr, "thread %d round %d: element %d is %d, expected %d\n", id, r, i,
                        back[i], want);
                failures++;
                break;
            }
        }
        T_CHECK(cudaFree(d));
        T_CHECK(cudaFree(d2));
        T_CHECK(cudaFreeHost(pinned));
    }
    T_CHECK(cudaEventDestroy(ev));
    T_CHECK(cudaStreamDestroy(s[0]));
    T_CHECK(cudaStreamDestroy(s[1]));
}

int main()
{
    const int threads = 8, rounds = 25;
    size_t free_before = 0, free_after = 0, total = 0;
    CHECK(cudaMemGetInfo(&free_before, &total));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++)
        pool.emplace_back(worker, t, rounds);
    for (auto &t : pool)
        t.join();
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemGetInfo(&free_after, &total));
    EXPECT_EQ_LL(failures.load(), 0);
    EXPECT_EQ_LL(host_calls.load(), threads * rounds);
    EXPECT_EQ_LL(free_after, free_before); // everything allocated was given back
    return finish("threads_stress");
}
