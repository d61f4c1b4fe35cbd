// bad_input_handles.cu - invalid, destroyed and cross-device stream and event handles (issue
// 7's bad-input table, handle rows; two devices from bad_input_handles.env).  NVIDIA's runtime
// crashes on a destroyed handle; cushim keeps handle maps and answers
// cudaErrorInvalidResourceHandle for any handle it did not hand out or has destroyed, which is
// what NVIDIA returns for a handle of the wrong context and what a user of its runtime reads as
// "this handle is no good" (issue 4).
#include "bad_input.h"

__global__ void nothing() {}

static cudaStream_t destroyed_stream, other_device_stream;
static cudaEvent_t destroyed_event, never_recorded, untimed, other_device_event;
static const cudaStream_t garbage_stream = (cudaStream_t)(uintptr_t)0xdeadbeef0ull;
static const cudaEvent_t garbage_event = (cudaEvent_t)(uintptr_t)0xfeedface0ull;
static unsigned char *buffer;

static void CUDART_CB callback(cudaStream_t, cudaError_t, void *) {}
static void CUDART_CB host_fn(void *) {}

// <<<>>> returns nothing: the launch's error is the thread's last error.
static cudaError_t launch_into(cudaStream_t s)
{
    nothing<<<1, 1, 0, s>>>();
    return cudaPeekAtLastError();
}

static const struct bad_row rows[] = {
    // streams
    {"synchronize a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaStreamSynchronize(destroyed_stream); }},
    {"query a never-created stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaStreamQuery(garbage_stream); }},
    {"destroy a stream twice", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaStreamDestroy(destroyed_stream); }},
    {"copy on a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] {
         static unsigned char h[16];
         return cudaMemcpyAsync(buffer, h, 16, cudaMemcpyHostToDevice, destroyed_stream);
     }},
    {"fill on a never-created stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaMemsetAsync(buffer, 0, 16, garbage_stream); }},
    {"launch into a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return launch_into(destroyed_stream); }},
    {"launch into a never-created stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return launch_into(garbage_stream); }},
    {"callback on a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaStreamAddCallback(destroyed_stream, callback, nullptr, 0); }},
    {"host function on a never-created stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaLaunchHostFunc(garbage_stream, host_fn, nullptr); }},
    {"priority of a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] {
         int priority;
         return cudaStreamGetPriority(destroyed_stream, &priority);
     }},
    {"wait on a destroyed event", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaStreamWaitEvent(0, destroyed_event, 0); }},
    {"a stream with unknown flags", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         cudaStream_t s;
         return cudaStreamCreateWithFlags(&s, 0x80);
     }},
    {"a stream into a null result", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaStreamCreate(nullptr); }},
    // events
    {"record a destroyed event", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventRecord(destroyed_event, 0); }},
    {"record into a destroyed stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventRecord(never_recorded, destroyed_stream); }},
    {"synchronize a never-created event", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventSynchronize(garbage_event); }},
    {"query a destroyed event", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventQuery(destroyed_event); }},
    {"destroy an event twice", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventDestroy(destroyed_event); }},
    // NVIDIA documents cudaErrorInvalidResourceHandle when either event was never recorded or
    // was created with cudaEventDisableTiming.
    {"elapsed time from a never-recorded event", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] {
         cudaEvent_t end;
         float ms;
         cudaError_t e = cudaEventCreate(&end);
         if (e == cudaSuccess && (e = cudaEventRecord(end, 0)) == cudaSuccess &&
             (e = cudaEventSynchronize(end)) == cudaSuccess)
             e = cudaEventElapsedTime(&ms, never_recorded, end);
         cudaEventDestroy(end);
         return e;
     }},
    {"elapsed time of an event without timing", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] {
         float ms;
         cudaError_t e = cudaEventRecord(untimed, 0);
         if (e == cudaSuccess && (e = cudaEventSynchronize(untimed)) == cudaSuccess)
             e = cudaEventElapsedTime(&ms, untimed, untimed);
         return e;
     }},
    {"elapsed time into a null result", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaEventElapsedTime(nullptr, never_recorded, never_recorded); }},
    {"elapsed time of destroyed events", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] {
         float ms;
         return cudaEventElapsedTime(&ms, destroyed_event, destroyed_event);
     }},
    {"an event with unknown flags", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         cudaEvent_t e;
         return cudaEventCreateWithFlags(&e, 0x80);
     }},
    // devices and cross-device handles (current device 0; the other handles are device 1's)
    {"select a device that does not exist", cudaErrorInvalidDevice, NOT_STICKY,
     [] { return cudaSetDevice(2); }},
    {"select device -1", cudaErrorInvalidDevice, NOT_STICKY, [] { return cudaSetDevice(-1); }},
    {"launch into another device's stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return launch_into(other_device_stream); }},
    {"record an event into another device's stream", cudaErrorInvalidResourceHandle, NOT_STICKY,
     [] { return cudaEventRecord(never_recorded, other_device_stream); }},
    // Waiting on another device's event is allowed: it is how devices order their work.
    {"wait on another device's event", cudaSuccess, NOT_STICKY,
     [] { return cudaStreamWaitEvent(0, other_device_event, 0); }},
};

int main()
{
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    if (count != 2) {
        fprintf(stderr, "expected 2 devices from bad_input_handles.env, found %d\n", count);
        return 1;
    }
    CHECK(cudaSetDevice(1));
    CHECK(cudaStreamCreate(&other_device_stream));
    CHECK(cudaEventCreate(&other_device_event));
    CHECK(cudaEventRecord(other_device_event, other_device_stream));
    CHECK(cudaSetDevice(0));
    CHECK(cudaMalloc(&buffer, 4096));
    CHECK(cudaStreamCreate(&destroyed_stream));
    CHECK(cudaStreamDestroy(destroyed_stream));
    CHECK(cudaEventCreate(&destroyed_event));
    CHECK(cudaEventDestroy(destroyed_event));
    CHECK(cudaEventCreate(&never_recorded));
    CHECK(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming));
    RUN_TABLE("bad_input_handles", rows);
    // The handles that were fine are still fine.
    int device = -1;
    CHECK(cudaGetDevice(&device));
    EXPECT_EQ_LL(device, 0);
    nothing<<<1, 1>>>();
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaEventDestroy(untimed));
    CHECK(cudaEventDestroy(never_recorded));
    CHECK(cudaFree(buffer));
    CHECK(cudaSetDevice(1));
    CHECK(cudaStreamSynchronize(other_device_stream));
    CHECK(cudaEventDestroy(other_device_event));
    CHECK(cudaStreamDestroy(other_device_stream));
    return finish("bad_input_handles");
}
