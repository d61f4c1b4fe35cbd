// stress_mixed.cu - load (issue 7): 16 host threads with 4 streams each run 10 000 mixed
// operations in random order from a fixed seed: allocations, fills, copies in every direction,
// kernel launches, events that hand a buffer from one stream to another, host callbacks and
// frees.  Every buffer has a host shadow of what it must hold, and every read-back is compared
// with it; at the end every callback has run exactly once and cudaMemGetInfo's free memory is
// back to where it started.
//
// STRESS_OPS=N changes the number of operations (all threads together); STRESS_SECONDS=S runs
// until S seconds have passed instead (`make soak`).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common.h"

static const int THREADS = 16, STREAMS = 4, MAX_ELEMS = 1 << 14, MAX_BUFFERS = 24;

__global__ void add(int *p, int n, int delta)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] += delta;
}

__global__ void scale_into(int *dst, const int *src, int n, int factor)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        dst[i] = src[i] * factor;
}

static std::atomic<int> failures{0};
static std::atomic<long> ops_done{0};
static std::atomic<long> callbacks_queued{0}, callbacks_run{0};

#define STRESS_CHECK(call)                                                                    \
    do {                                                                                      \
        cudaError_t e_ = (call);                                                              \
        if (e_ != cudaSuccess) {                                                              \
            fprintf(stderr, "thread %d op %ld: %s -> %s\n", id, op, #call,                    \
                    cudaGetErrorName(e_));                                                    \
            failures++;                                                                       \
            return;                                                                           \
        }                                                                                     \
    } while (0)

struct buffer {
    int *d;
    int n;
    int stream;              // the stream that owns it: all its work is ordered there
    std::vector<int> shadow; // what it holds once its stream's work is done
};

static void CUDART_CB count_callback(void *)
{
    callbacks_run++;
}

// xorshift: the same sequence on every run and every machine.
static unsigned next(unsigned &s)
{
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

static void worker(int id, long ops, double seconds)
{
    long op = 0;
    unsigned seed = 0x9e3779b9u ^ (unsigned)(id * 7919 + 1);
    cudaStream_t streams[STREAMS];
    for (int i = 0; i < STREAMS; i++)
        STRESS_CHECK(cudaStreamCreateWithFlags(&streams[i], i % 2 ? cudaStreamNonBlocking
                                                                  : cudaStreamDefault));
    int *pinned = nullptr;
    STRESS_CHECK(cudaMallocHost(&pinned, MAX_ELEMS * sizeof(int)));
    // Copies to and from pinned memory are asynchronous: the host touches the buffer only once
    // the last copy that used it is done.
    cudaEvent_t pinned_free;
    STRESS_CHECK(cudaEventCreateWithFlags(&pinned_free, cudaEventDisableTiming));
    std::vector<int> pageable(MAX_ELEMS);
    std::vector<buffer> bufs;
    auto start = std::chrono::steady_clock::now();
    for (op = 0;; op++) {
        if (seconds > 0) {
            std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
            if (spent.count() >= seconds)
                break;
        } else if (op >= ops) {
            break;
        }
        unsigned kind = next(seed) % 8;
        if (bufs.empty() || (kind == 0 && bufs.size() < (size_t)MAX_BUFFERS))
            kind = 100; // allocate
        ops_done++;
        buffer *b = bufs.empty() ? nullptr : &bufs[next(seed) % bufs.size()];
        cudaStream_t s = b ? streams[b->stream] : nullptr;
        switch (kind) {
        case 100: { // allocate and fill, from pinned or pageable memory or with a memset
            buffer nb;
            nb.n = 1 + (int)(next(seed) % MAX_ELEMS);
            nb.stream = (int)(next(seed) % STREAMS);
            nb.shadow.resize(nb.n);
            STRESS_CHECK(cudaMalloc(&nb.d, nb.n * sizeof(int)));
            unsigned how = next(seed) % 3;
            if (how == 0) {
                STRESS_CHECK(cudaMemsetAsync(nb.d, 0, nb.n * sizeof(int), streams[nb.stream]));
                for (int i = 0; i < nb.n; i++)
                    nb.shadow[i] = 0;
            } else {
                int *src = how == 1 ? pinned : pageable.data();
                STRESS_CHECK(cudaEventSynchronize(pinned_free));
                for (int i = 0; i < nb.n; i++)
                    src[i] = nb.shadow[i] = id * 1000003 + i;
                // from pageable memory the copy is done when the call returns
                STRESS_CHECK(cudaMemcpyAsync(nb.d, src, nb.n * sizeof(int),
                                             cudaMemcpyHostToDevice, streams[nb.stream]));
                if (how == 1)
                    STRESS_CHECK(cudaEventRecord(pinned_free, streams[nb.stream]));
            }
            bufs.push_back(std::move(nb));
            break;
        }
        case 1: { // read back and verify
            STRESS_CHECK(cudaEventSynchronize(pinned_free));
            STRESS_CHECK(cudaMemcpyAsync(pinned, b->d, b->n * sizeof(int), cudaMemcpyDeviceToHost,
                                         s));
            STRESS_CHECK(cudaStreamSynchronize(s));
            for (int i = 0; i < b->n; i++)
                if (pinned[i] != b->shadow[i]) {
                    fprintf(stderr, "thread %d op %ld: element %d is %d, expected %d\n", id, op,
                            i, pinned[i], b->shadow[i]);
                    failures++;
                    break;
                }
            break;
        }
        case 2: { // kernel
            int delta = (int)(next(seed) % 100) - 50;
            add<<<(b->n + 255) / 256, 256, 0, s>>>(b->d, b->n, delta);
            STRESS_CHECK(cudaGetLastError());
            for (int &v : b->shadow)
                v += delta;
            break;
        }
        case 3: { // hand the buffer to another stream through an event
            int to = (int)(next(seed) % STREAMS);
            cudaEvent_t e;
            STRESS_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
            STRESS_CHECK(cudaEventRecord(e, s));
            STRESS_CHECK(cudaStreamWaitEvent(streams[to], e, 0));
            STRESS_CHECK(cudaEventDestroy(e)); // pending waits still see it
            b->stream = to;
            break;
        }
        case 4: { // host callback
            callbacks_queued++;
            STRESS_CHECK(cudaLaunchHostFunc(s, count_callback, nullptr));
            break;
        }
        case 5: { // device-to-device: another buffer takes this one's contents, scaled
            buffer *c = &bufs[next(seed) % bufs.size()];
            if (c == b)
                break;
            int n = b->n < c->n ? b->n : c->n;
            cudaEvent_t e;
            STRESS_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
            STRESS_CHECK(cudaEventRecord(e, streams[c->stream]));
            STRESS_CHECK(cudaStreamWaitEvent(s, e, 0));
            STRESS_CHECK(cudaEventDestroy(e));
            if (next(seed) % 2) {
                STRESS_CHECK(cudaMemcpyAsync(c->d, b->d, n * sizeof(int),
                                             cudaMemcpyDeviceToDevice, s));
                for (int i = 0; i < n; i++)
                    c->shadow[i] = b->shadow[i];
            } else {
                scale_into<<<(n + 255) / 256, 256, 0, s>>>(c->d, b->d, n, 3);
                STRESS_CHECK(cudaGetLastError());
                for (int i = 0; i < n; i++)
                    c->shadow[i] = b->shadow[i] * 3;
            }
            c->stream = b->stream; // c's new contents are written in b's stream
            break;
        }
        case 6: { // timing events around some work
            cudaEvent_t t0, t1;
            float ms = -1;
            STRESS_CHECK(cudaEventCreate(&t0));
            STRESS_CHECK(cudaEventCreate(&t1));
            STRESS_CHECK(cudaEventRecord(t0, s));
            add<<<(b->n + 255) / 256, 256, 0, s>>>(b->d, b->n, 1);
            STRESS_CHECK(cudaGetLastError());
            for (int &v : b->shadow)
                v += 1;
            STRESS_CHECK(cudaEventRecord(t1, s));
            STRESS_CHECK(cudaEventSynchronize(t1));
            STRESS_CHECK(cudaEventElapsedTime(&ms, t0, t1));
            if (ms < 0) {
                fprintf(stderr, "thread %d op %ld: elapsed time %f\n", id, op, ms);
                failures++;
            }
            STRESS_CHECK(cudaEventDestroy(t0));
            STRESS_CHECK(cudaEventDestroy(t1));
            break;
        }
        default: { // free (cudaFree waits for the device)
            STRESS_CHECK(cudaFree(b->d));
            *b = std::move(bufs.back());
            bufs.pop_back();
            break;
        }
        }
    }
    // cudaMemcpy runs in the legacy default stream, which does not wait for the non-blocking
    // streams: the last work of every buffer must be finished first (valgrind's scheduling
    // found this race in the test).
    for (int i = 0; i < STREAMS; i++)
        STRESS_CHECK(cudaStreamSynchronize(streams[i]));
    for (buffer &b : bufs) {
        STRESS_CHECK(cudaMemcpy(pageable.data(), b.d, b.n * sizeof(int), cudaMemcpyDeviceToHost));
        for (int i = 0; i < b.n; i++)
            if (pageable[i] != b.shadow[i]) {
                fprintf(stderr, "thread %d at the end: element %d is %d, expected %d\n", id, i,
                        pageable[i], b.shadow[i]);
                failures++;
                break;
            }
        STRESS_CHECK(cudaFree(b.d));
    }
    for (int i = 0; i < STREAMS; i++)
        STRESS_CHECK(cudaStreamDestroy(streams[i]));
    STRESS_CHECK(cudaEventDestroy(pinned_free));
    STRESS_CHECK(cudaFreeHost(pinned));
}

int main()
{
    long ops = 10000;
    double seconds = 0;
    if (const char *e = getenv("STRESS_OPS"))
        ops = atol(e);
    if (const char *e = getenv("STRESS_SECONDS"))
        seconds = atof(e);
    CHECK(cudaFree(nullptr)); // start the runtime before taking the baseline
    size_t free0 = 0, total = 0;
    CHECK(cudaMemGetInfo(&free0, &total));
    std::vector<std::thread> threads;
    for (int t = 0; t < THREADS; t++)
        threads.emplace_back(worker, t, (ops + THREADS - 1 - t) / THREADS, seconds);
    for (std::thread &t : threads)
        t.join();
    CHECK(cudaDeviceSynchronize());
    size_t free1 = 0;
    CHECK(cudaMemGetInfo(&free1, &total));
    EXPECT_EQ_LL(failures.load(), 0);
    EXPECT_EQ_LL(callbacks_run.load(), callbacks_queued.load());
    EXPECT_EQ_LL(free1, free0);
    if (seconds > 0)
        fprintf(stderr, "stress_mixed: %ld operations in %.0f s\n", ops_done.load(), seconds);
    else
        EXPECT_EQ_LL(ops_done.load(), ops);
    return finish("stress_mixed");
}
