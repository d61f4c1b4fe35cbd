// capture_rules.cu - what stream capture forbids, with NVIDIA's error codes: synchronising
// with or querying a capturing stream, "potentially unsafe" calls under each capture mode
// (from the capturing thread and from others), the legacy stream while a blocking stream
// captures, waiting for work outside the capture, forks never joined, ending a capture on the
// wrong stream or thread.  A forbidden call invalidates the capture, which then fails to end.
#include <thread>

#include "common.h"

__global__ void bump(int *p)
{
    p[threadIdx.x] += 1;
}

static cudaStreamCaptureStatus status_of(cudaStream_t s)
{
    cudaStreamCaptureStatus status;
    CHECK(cudaStreamIsCapturing(s, &status));
    return status;
}

// End a capture expected to have been invalidated: no graph comes back.
static void expect_invalidated(cudaStream_t s)
{
    EXPECT(status_of(s) == cudaStreamCaptureStatusInvalidated);
    cudaGraph_t g = (cudaGraph_t)0x1;
    EXPECT_ERR(cudaStreamEndCapture(s, &g), cudaErrorStreamCaptureInvalidated);
    EXPECT(g == NULL);
    EXPECT(status_of(s) == cudaStreamCaptureStatusNone);
}

static void begin_and_end_misuse(cudaStream_t s)
{
    EXPECT_ERR(cudaStreamBeginCapture(0, cudaStreamCaptureModeGlobal),
               cudaErrorStreamCaptureUnsupported);
    EXPECT_ERR(cudaStreamBeginCapture(cudaStreamLegacy, cudaStreamCaptureModeGlobal),
               cudaErrorStreamCaptureUnsupported);
    EXPECT_ERR(cudaStreamBeginCapture(s, (cudaStreamCaptureMode)7), cudaErrorInvalidValue);
    cudaGraph_t g;
    EXPECT_ERR(cudaStreamEndCapture(s, &g), cudaErrorIllegalState);
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal), cudaErrorIllegalState);
    EXPECT_ERR(cudaStreamEndCapture(s, NULL), cudaErrorInvalidValue); // still capturing
    EXPECT(status_of(s) == cudaStreamCaptureStatusActive);
    CHECK(cudaStreamEndCapture(s, &g));
    size_t n = 1;
    CHECK(cudaGraphGetNodes(g, NULL, &n));
    EXPECT_EQ_LL(n, 0); // an empty capture is an empty graph
    CHECK(cudaGraphDestroy(g));
    cudaStreamCaptureMode mode = (cudaStreamCaptureMode)9;
    EXPECT_ERR(cudaThreadExchangeStreamCaptureMode(&mode), cudaErrorInvalidValue);
    EXPECT_ERR(cudaThreadExchangeStreamCaptureMode(NULL), cudaErrorInvalidValue);
}

static void synchronising_with_a_capture(cudaStream_t s, int *d)
{
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    bump<<<1, 8, 0, s>>>(d);
    EXPECT_ERR(cudaStreamSynchronize(s), cudaErrorStreamCaptureUnsupported);
    // Every later operation on the stream reports the invalidation.
    EXPECT_ERR(cudaMemsetAsync(d, 0, 4, s), cudaErrorStreamCaptureInvalidated);
    expect_invalidated(s);

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaStreamQuery(s), cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed));
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaStreamAttachMemAsync(s, d, 0, cudaMemAttachSingle),
               cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);
}

static void CUDART_CB callback(cudaStream_t, cudaError_t, void *)
{
}

static void callbacks_are_not_captured(cudaStream_t s)
{
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaStreamAddCallback(s, callback, NULL, 0), cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);
}

static void unsafe_calls_by_mode(cudaStream_t s)
{
    void *p = NULL;
    // Global mode: the capturing thread may not allocate.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaMalloc(&p, 256), cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    EXPECT_ERR(cudaMallocHost(&p, 256), cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);

    // A relaxed capture forbids nothing of the sort.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed));
    CHECK(cudaMalloc(&p, 256));
    CHECK(cudaFree(p));
    EXPECT(status_of(s) == cudaStreamCaptureStatusActive);
    cudaGraph_t g;
    CHECK(cudaStreamEndCapture(s, &g));
    CHECK(cudaGraphDestroy(g));

    // Nor does a thread that switched itself to relaxed: push, allocate, pop.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
    EXPECT(mode == cudaStreamCaptureModeGlobal);
    CHECK(cudaMalloc(&p, 256));
    CHECK(cudaFree(p));
    CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
    EXPECT(mode == cudaStreamCaptureModeRelaxed);
    EXPECT(status_of(s) == cudaStreamCaptureStatusActive);
    CHECK(cudaStreamEndCapture(s, &g));
    CHECK(cudaGraphDestroy(g));
}

static void other_threads(cudaStream_t s)
{
    void *p = NULL;
    cudaError_t seen = cudaSuccess;

    // Another thread in the default (global) mode is forbidden by a global capture, and its
    // attempt invalidates the capture.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    std::thread([&] { seen = cudaMalloc(&p, 64); }).join();
    EXPECT_ERR(seen, cudaErrorStreamCaptureUnsupported);
    expect_invalidated(s);

    // ... but not if it chose the thread-local mode, nor by a thread-local capture.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    std::thread([&] {
        cudaStreamCaptureMode mode = cudaStreamCaptureModeThreadLocal;
        cudaThreadExchangeStreamCaptureMode(&mode);
        seen = cudaMalloc(&p, 64);
        if (seen == cudaSuccess)
            seen = cudaFree(p);
    }).join();
    CHECK(seen);
    EXPECT(status_of(s) == cudaStreamCaptureStatusActive);
    cudaGraph_t g;
    CHECK(cudaStreamEndCapture(s, &g));
    CHECK(cudaGraphDestroy(g));

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    std::thread([&] {
        seen = cudaMalloc(&p, 64);
        if (seen == cudaSuccess)
            seen = cudaFree(p);
    }).join();
    CHECK(seen);
    // A thread-local capture must be ended by the thread that began it.
    std::thread([&] { seen = cudaStreamEndCapture(s, &g); }).join();
    EXPECT_ERR(seen, cudaErrorStreamCaptureWrongThread);
    EXPECT(status_of(s) == cudaStreamCaptureStatusActive);
    CHECK(cudaStreamEndCapture(s, &g));
    CHECK(cudaGraphDestroy(g));

    // A relaxed capture can be ended anywhere.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed));
    std::thread([&] {
        seen = cudaStreamEndCapture(s, &g);
        if (seen == cudaSuccess)
            seen = cudaGraphDestroy(g);
    }).join();
    CHECK(seen);
}

// A blocking stream's capture makes the legacy stream unusable: it would wait for the capture.
static void the_legacy_stream(int *d)
{
    cudaStream_t blocking, nonblocking;
    CHECK(cudaStreamCreate(&blocking));
    CHECK(cudaStreamCreateWithFlags(&nonblocking, cudaStreamNonBlocking));
    int h[8];

    CHECK(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal));
    cudaStreamCaptureStatus status;
    EXPECT_ERR(cudaStreamIsCapturing(0, &status), cudaErrorStreamCaptureImplicit);
    EXPECT(status_of(blocking) == cudaStreamCaptureStatusActive); // a query does not invalidate
    cudaStreamCaptureStatus st;
    EXPECT_ERR(cudaStreamGetCaptureInfo(cudaStreamLegacy, &st, NULL, NULL, NULL, NULL, NULL),
               cudaErrorStreamCaptureImplicit);
    bump<<<1, 8>>>(d);
    EXPECT_ERR(cudaGetLastError(), cudaErrorStreamCaptureImplicit);
    expect_invalidated(blocking);

    CHECK(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeRelaxed));
    EXPECT_ERR(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost), cudaErrorStreamCaptureImplicit);
    expect_invalidated(blocking);

    // A non-blocking stream's capture leaves the legacy stream alone.
    (void)cudaGetLastError(); // the failures above were recorded as the last error
    CHECK(cudaMemset(d, 0, 8 * sizeof(int)));
    CHECK(cudaStreamBeginCapture(nonblocking, cudaStreamCaptureModeRelaxed));
    bump<<<1, 8, 0, nonblocking>>>(d); // captured
    bump<<<1, 8>>>(d);                 // runs
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[7], 1);
    EXPECT(status_of(nonblocking) == cudaStreamCaptureStatusActive);
    cudaGraph_t g;
    CHECK(cudaStreamEndCapture(nonblocking, &g));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(blocking));
    CHECK(cudaStreamDestroy(nonblocking));
}

static void events_across_the_boundary(cudaStream_t s, int *d)
{
    cudaStream_t side;
    CHECK(cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking));
    cudaEvent_t outside, inside;
    CHECK(cudaEventCreate(&outside));
    CHECK(cudaEventCreate(&inside));
    CHECK(cudaEventRecord(outside, side));

    // Work outside the capture cannot be waited for from inside (without the external flag).
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    EXPECT_ERR(cudaStreamWaitEvent(s, outside, 0), cudaErrorStreamCaptureIsolation);
    expect_invalidated(s);

    // With cudaEventWaitExternal it becomes an event wait node; cudaEventRecordExternal an
    // event record node.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaStreamWaitEvent(s, outside, cudaEventWaitExternal));
    bump<<<1, 8, 0, s>>>(d);
    CHECK(cudaEventRecordWithFlags(outside, s, cudaEventRecordExternal));
    cudaGraph_t g;
    CHECK(cudaStreamEndCapture(s, &g));
    cudaGraphNode_t nodes[3];
    size_t n = 3;
    CHECK(cudaGraphGetNodes(g, nodes, &n));
    EXPECT_EQ_LL(n, 3);
    cudaGraphNodeType t0, t2;
    CHECK(cudaGraphNodeGetType(nodes[0], &t0));
    CHECK(cudaGraphNodeGetType(nodes[2], &t2));
    EXPECT(t0 == cudaGraphNodeTypeWaitEvent);
    EXPECT(t2 == cudaGraphNodeTypeEventRecord);
    cudaEvent_t e;
    CHECK(cudaGraphEventWaitNodeGetEvent(nodes[0], &e));
    EXPECT(e == outside);
    CHECK(cudaGraphDestroy(g));

    // A fork that is never joined back.
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaEventRecord(inside, s));
    CHECK(cudaStreamWaitEvent(side, inside, 0));
    bump<<<1, 8, 0, side>>>(d);
    // Only the origin can end it.
    EXPECT_ERR(cudaStreamEndCapture(side, &g), cudaErrorStreamCaptureUnmatched);
    EXPECT_ERR(cudaStreamEndCapture(s, &g), cudaErrorStreamCaptureInvalidated);
    EXPECT(status_of(side) == cudaStreamCaptureStatusNone);

    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaEventRecord(inside, s));
    CHECK(cudaStreamWaitEvent(side, inside, 0));
    bump<<<1, 8, 0, side>>>(d);
    g = (cudaGraph_t)0x1;
    EXPECT_ERR(cudaStreamEndCapture(s, &g), cudaErrorStreamCaptureUnjoined);
    EXPECT(g == NULL);
    EXPECT(status_of(side) == cudaStreamCaptureStatusNone);
    EXPECT(status_of(s) == cudaStreamCaptureStatusNone);

    // Two captures cannot be merged by an event.
    cudaStream_t other;
    CHECK(cudaStreamCreateWithFlags(&other, cudaStreamNonBlocking));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaStreamBeginCapture(other, cudaStreamCaptureModeGlobal));
    CHECK(cudaEventRecord(inside, s));
    EXPECT_ERR(cudaStreamWaitEvent(other, inside, 0), cudaErrorStreamCaptureMerge);
    expect_invalidated(other);
    expect_invalidated(s);

    // After all that, the streams work normally.
    CHECK(cudaMemset(d, 0, 8 * sizeof(int)));
    bump<<<1, 8, 0, s>>>(d);
    CHECK(cudaStreamSynchronize(s));
    int h[8];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 1);
    CHECK(cudaStreamDestroy(other));
    CHECK(cudaStreamDestroy(side));
    CHECK(cudaEventDestroy(outside));
    CHECK(cudaEventDestroy(inside));
}

int main()
{
    int *d;
    CHECK(cudaMalloc(&d, 8 * sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    begin_and_end_misuse(s);
    synchronising_with_a_capture(s, d);
    callbacks_are_not_captured(s);
    unsafe_calls_by_mode(s);
    other_threads(s);
    the_legacy_stream(d);
    events_across_the_boundary(s, d);
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d));
    return finish("capture_rules");
}
