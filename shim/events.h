/*
 * events.h - what the rest of the runtime asks of the event handles events.c keeps.
 */
#ifndef CUSHIM_EVENTS_H
#define CUSHIM_EVENTS_H

#include "runtime.h"

/* The backend event, device and creation flags of a handle this runtime created: 0, or -1
 * for a destroyed or foreign handle.  device and flags may be NULL. */
int cushim_event_lookup(cudaEvent_t event, MUevent *out, int *device, unsigned *flags);

#endif
