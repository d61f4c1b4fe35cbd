/*
 * capture.h - stream capture: what the rest of the runtime asks of it.
 *
 * While no capture is in progress every function here returns at once (one atomic load), so
 * programs that never capture pay nothing.
 */
#ifndef CUSHIM_CAPTURE_H
#define CUSHIM_CAPTURE_H

#include "runtime.h"
#include "streams.h"

struct cushim_op;

/* cushim_enqueue asks first: when op belongs to a capture (its stream is capturing, or it
 * makes a stream wait for an event recorded in one) or must not run because of one (the
 * legacy stream while a blocking stream captures), the capture has dealt with it: returns 1
 * and *error says how.  Returns 0 when op should simply run. */
int cushim_capture_claim(const struct cushim_stream_ref *ref, struct cushim_op *op,
                         cudaError_t *error);

/* Calls that cannot be captured and must not meet a capture (stream synchronize or query,
 * callbacks, attaching memory): cudaErrorStreamCaptureUnsupported on a capturing stream,
 * cudaErrorStreamCaptureImplicit on the legacy stream while a blocking stream of its device
 * captures; either invalidates the capture concerned. */
cudaError_t cushim_capture_check_stream(const struct cushim_stream_ref *ref);
/* "Potentially unsafe" calls (allocation, freeing, registration): prohibited by the calling
 * thread's capture mode (cudaThreadExchangeStreamCaptureMode) while captures are in progress;
 * cudaErrorStreamCaptureUnsupported, and the captures that prohibit it are invalidated. */
cudaError_t cushim_capture_check_unsafe(void);
/* cudaDeviceSynchronize cannot wait for a device with a capturing stream. */
cudaError_t cushim_capture_check_device(int device);
/* Event queries and waits: cudaErrorCapturedEvent for an event last recorded in a capture. */
cudaError_t cushim_capture_check_event(cudaEvent_t event);

/* The event was recorded outside any capture, or destroyed. */
void cushim_capture_forget_event(cudaEvent_t event);
/* The stream is being destroyed (a capture it began is dropped with its graph). */
void cushim_capture_forget_stream(MUstream stream);
/* cudaDeviceReset: the device's streams are gone, and the captures using them with them. */
void cushim_capture_forget_device(int device);

#endif
