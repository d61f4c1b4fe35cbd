/*
 * device.h - the runtime's view of devices: which device the calling thread is using, the
 * backend calls a device-touching API function starts with, and per-device runtime settings
 * (flags, cache and shared-memory configuration) that NVIDIA's runtime records.
 */
#ifndef CUSHIM_DEVICE_H
#define CUSHIM_DEVICE_H

#include "runtime.h"

/* Most devices a process can see; CUSHIM_CPU_DEVICES is capped here. */
#define CUSHIM_MAX_DEVICES 16

/* Start a call that works on the current device: initialises the backend and returns it and
 * the calling thread's current device (device 0 until the thread chooses one). */
cudaError_t cushim_begin(const struct mu_driver **driver, int *device);
/* As cushim_begin, for an explicit device ordinal (cudaErrorInvalidDevice when out of range). */
cudaError_t cushim_begin_device(const struct mu_driver **driver, int device);
int cushim_device_count(void);

int cushim_device_attribute(int device, enum cudaDeviceAttr attr);

/* Called by cudaDeviceReset after the backend has reset the device, so each part of the
 * runtime can forget the handles it held on it. */
void cushim_streams_forget_device(int device);
void cushim_events_forget_device(int device);
void cushim_memory_forget_device(int device);
void cushim_modules_forget_device(int device);
void cushim_graphs_forget_device(int device); /* captures and executable graphs */
void cushim_arrays_forget_device(int device);   /* arrays and mipmapped arrays */
void cushim_images_forget_device(int device);   /* texture and surface objects */

#endif
