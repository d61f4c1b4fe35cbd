/*
 * cpu_event.h - events: markers recorded into streams, with the time the stream reached them.
 *
 * Owns: event objects and the record operation.  An event's state is its record generation
 * (bumped by every muEventRecord) and the newest generation whose record has run, with its
 * CLOCK_MONOTONIC time; completion never depends on the stream still existing.
 * Must not: order work itself (streams do, through cpu_dep), or hold its lock while submitting.
 */
#ifndef CUSHIM_CPU_EVENT_H
#define CUSHIM_CPU_EVENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cpu_device.h"

struct mu_event {
    struct cpu_device *dev;
    unsigned flags;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t gen;      /* generation of the latest record; 0: never recorded */
    uint64_t done_gen; /* newest generation whose record has run */
    uint64_t time_ns;  /* when done_gen's record ran */
    atomic_int refs;   /* handle + queued records + dependencies */
    struct mu_event *next, *prev; /* the device's list while the handle lives */
};

void cpu_event_ref(struct mu_event *event);
void cpu_event_unref(struct mu_event *event);
/* Whether the record of generation gen has run (or was withdrawn). */
int cpu_event_reached(struct mu_event *event, uint64_t gen);
void cpu_event_wait_gen(struct mu_event *event, uint64_t gen);
/* Reset: forget every event of the device (queued records of other devices keep theirs). */
void cpu_events_reset(struct cpu_device *dev);
uint64_t cpu_now_ns(void);

#endif
