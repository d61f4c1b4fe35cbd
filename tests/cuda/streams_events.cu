// Streams and events (issue 4): in-order execution per stream, asynchrony to the host, the
// legacy default stream's synchronisation with blocking (not non-blocking) streams, queries,
// waits, callbacks, priorities, event timing and the error codes of every misuse.
#include <atomic>
#include <chrono>
#include <thread>
#include "common.h"


static void sleep_ms(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

struct mark {
    int sleep;          // milliseconds to sleep first
    std::atomic<int> *flag;
    int value;          // stored into *flag when done
    int seen;           // value of *watch when this host function ran
    std::atomic<int> *watch;
};

static void CUDART_CB run_mark(void *p)
{
    mark *m = (mark *)p;
    if (m->watch)
        m->seen = m->watch->load();
    if (m->sleep)
        sleep_ms(m->sleep);
    if (m->flag)
        m->flag->store(m->value);
}

static double now_ms()
{
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

static cudaStream_t cb_stream;
static cudaError_t cb_status = cudaErrorUnknown;
static void *cb_data;
static void CUDART_CB on_callback(cudaStream_t s, cudaError_t status, void *data)
{
    cb_stream = s;
    cb_status = status;
    cb_data = data;
}

int main()
{
    cudaStream_t blocking, nonblocking;
    CHECK(cudaStreamCreate(&blocking));
    CHECK(cudaStreamCreateWithFlags(&nonblocking, cudaStreamNonBlocking));
    unsigned flags = 99;
    CHECK(cudaStreamGetFlags(nonblocking, &flags));
    EXPECT_EQ_LL(flags, cudaStreamNonBlocking);

    // Work runs asynchronously and in order; the host is not blocked.
    std::atomic<int> a{0}, b{0};
    mark first = {200, &a, 1, 0, nullptr};
    mark second = {0, &b, 1, -1, &a};
    double t0 = now_ms();
    CHECK(cudaLaunchHostFunc(blocking, run_mark, &first));
    CHECK(cudaLaunchHostFunc(blocking, run_mark, &second));
    EXPECT(now_ms() - t0 < 150);
    EXPECT_ERR(cudaStreamQuery(blocking), cudaErrorNotReady);
    EXPECT_ERR(cudaGetLastError(), cudaSuccess); // not-ready is a status, not an error
    CHECK(cudaStreamSynchronize(blocking));
    EXPECT(now_ms() - t0 >= 190);
    EXPECT_EQ_LL(second.seen, 1);
    CHECK(cudaStreamQuery(blocking));

    // The legacy default stream waits for blocking streams...
    std::atomic<int> c{0};
    mark slow_blocking = {200, &c, 1, 0, nullptr};
    mark legacy_after = {0, nullptr, 0, -1, &c};
    CHECK(cudaLaunchHostFunc(blocking, run_mark, &slow_blocking));
    CHECK(cudaLaunchHostFunc(0, run_mark, &legacy_after));
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(legacy_after.seen, 1);

    // ...and blocking streams wait for it...
    std::atomic<int> d{0};
    mark slow_legacy = {200, &d, 1, 0, nullptr};
    mark blocking_after = {0, nullptr, 0, -1, &d};
    CHECK(cudaLaunchHostFunc(cudaStreamLegacy, run_mark, &slow_legacy));
    CHECK(cudaLaunchHostFunc(blocking, run_mark, &blocking_after));
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(blocking_after.seen, 1);

    // ...but not for non-blocking streams.
    std::atomic<int> e{0};
    mark slow_nonblocking = {300, &e, 1, 0, nullptr};
    mark legacy_meanwhile = {0, nullptr, 0, -1, &e};
    CHECK(cudaLaunchHostFunc(nonblocking, run_mark, &slow_nonblocking));
    CHECK(cudaLaunchHostFunc(0, run_mark, &legacy_meanwhile));
    CHECK(cudaStreamSynchronize(0));
    EXPECT_EQ_LL(legacy_meanwhile.seen, 0);
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(e.load(), 1);

    // Events: timing, queries and their error codes.
    cudaEvent_t start, stop, untimed, never;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    CHECK(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming));
    CHECK(cudaEventCreateWithFlags(&never, cudaEventBlockingSync));
    CHECK(cudaEventQuery(never)); // never recorded: complete
    mark pause = {150, nullptr, 0, 0, nullptr};
    CHECK(cudaEventRecord(start, blocking));
    CHECK(cudaLaunchHostFunc(blocking, run_mark, &pause));
    CHECK(cudaEventRecord(stop, blocking));
    CHECK(cudaEventRecord(untimed, blocking));
    EXPECT_ERR(cudaEventQuery(stop), cudaErrorNotReady);
    float ms = -1;
    EXPECT_ERR(cudaEventElapsedTime(&ms, start, stop), cudaErrorNotReady);
    CHECK(cudaEventSynchronize(stop));
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    EXPECT(ms >= 140 && ms < 2000);
    CHECK(cudaEventSynchronize(untimed));
    EXPECT_ERR(cudaEventElapsedTime(&ms, start, untimed), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventElapsedTime(&ms, start, never), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventElapsedTime(nullptr, start, stop), cudaErrorInvalidValue);

    // A stream waits for an event recorded in another stream.
    std::atomic<int> f{0};
    cudaEvent_t done;
    CHECK(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
    mark producer = {200, &f, 1, 0, nullptr};
    mark consumer = {0, nullptr, 0, -1, &f};
    CHECK(cudaLaunchHostFunc(nonblocking, run_mark, &producer));
    CHECK(cudaEventRecord(done, nonblocking));
    cudaStream_t other;
    CHECK(cudaStreamCreateWithFlags(&other, cudaStreamNonBlocking));
    CHECK(cudaStreamWaitEvent(other, done, 0));
    CHECK(cudaLaunchHostFunc(other, run_mark, &consumer));
    CHECK(cudaStreamSynchronize(other));
    EXPECT_EQ_LL(consumer.seen, 1);

    // Callbacks receive their stream, the status and their data.
    int token = 5;
    CHECK(cudaStreamAddCallback(other, on_callback, &token, 0));
    CHECK(cudaStreamSynchronize(other));
    EXPECT(cb_stream == other && cb_status == cudaSuccess && cb_data == &token);
    EXPECT_ERR(cudaStreamAddCallback(other, on_callback, &token, 1), cudaErrorInvalidValue);

    // Priorities are kept, clamped to the device's range.
    cudaStream_t urgent, lazy;
    int prio = 0;
    CHECK(cudaStreamCreateWithPriority(&urgent, cudaStreamDefault, -3));
    CHECK(cudaStreamGetPriority(urgent, &prio));
    EXPECT_EQ_LL(prio, -3);
    CHECK(cudaStreamCreateWithPriority(&lazy, cudaStreamDefault, 7));
    CHECK(cudaStreamGetPriority(lazy, &prio));
    EXPECT_EQ_LL(prio, 0);

    // Stream attributes are kept per stream, read back, copied, and checked.
    cudaStreamAttrValue window = {}, back = {};
    window.accessPolicyWindow.base_ptr = &token;
    window.accessPolicyWindow.num_bytes = 4096;
    window.accessPolicyWindow.hitRatio = 0.6f;
    window.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
    window.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
    CHECK(cudaStreamSetAttribute(urgent, cudaStreamAttributeAccessPolicyWindow, &window));
    CHECK(cudaStreamGetAttribute(urgent, cudaStreamAttributeAccessPolicyWindow, &back));
    EXPECT(back.accessPolicyWindow.base_ptr == &token && back.accessPolicyWindow.num_bytes == 4096 &&
           back.accessPolicyWindow.hitRatio == 0.6f);
    CHECK(cudaStreamGetAttribute(urgent, cudaStreamAttributePriority, &back));
    EXPECT_EQ_LL(back.priority, -3);
    CHECK(cudaStreamCopyAttributes(other, urgent));
    memset(&back, 0, sizeof back);
    CHECK(cudaStreamGetAttribute(other, cudaStreamAttributeAccessPolicyWindow, &back));
    EXPECT(back.accessPolicyWindow.num_bytes == 4096);
    window.accessPolicyWindow.hitRatio = 1.5f;
    EXPECT_ERR(cudaStreamSetAttribute(urgent, cudaStreamAttributeAccessPolicyWindow, &window),
               cudaErrorInvalidValue);
    EXPECT_ERR(cudaStreamGetAttribute(urgent, cudaLaunchAttributeCooperative, &back),
               cudaErrorInvalidValue);
    (void)cudaGetLastError();
    // After a persisting window, the reset the programming guide pairs with it.
    CHECK(cudaCtxResetPersistingL2Cache());

    // Destroying a stream with pending work: the work still completes.
    std::atomic<int> g{0};
    mark last = {150, &g, 1, 0, nullptr};
    CHECK(cudaLaunchHostFunc(lazy, run_mark, &last));
    CHECK(cudaStreamDestroy(lazy));
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(g.load(), 1);

    // Destroyed and made-up handles are refused, never dereferenced.
    EXPECT_ERR(cudaStreamSynchronize(lazy), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamQuery(lazy), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamDestroy(lazy), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamSynchronize((cudaStream_t)0xdeadbeef0ull), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamDestroy(0), cudaErrorInvalidResourceHandle);
    CHECK(cudaEventDestroy(done));
    EXPECT_ERR(cudaEventQuery(done), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventRecord(done, 0), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventDestroy(done), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamWaitEvent(other, done, 0), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventSynchronize((cudaEvent_t)0x1234), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventCreateWithFlags(&done, 0x100), cudaErrorInvalidValue);
    (void)cudaGetLastError();

    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(stop));
    CHECK(cudaEventDestroy(untimed));
    CHECK(cudaEventDestroy(never));
    CHECK(cudaStreamDestroy(blocking));
    CHECK(cudaStreamDestroy(nonblocking));
    CHECK(cudaStreamDestroy(other));
    CHECK(cudaStreamDestroy(urgent));
    return finish("streams_events");
}
