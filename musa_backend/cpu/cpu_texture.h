/*
 * cpu_texture.h - what the rest of the cpu backend asks of cpu_texture.c: the texture service it
 * gives the engine, and forgetting a reset device's objects.
 *
 * Owns: nothing but these two declarations (the mu* entry points are in cpu_entry.h).
 */
#ifndef CUSHIM_CPU_TEXTURE_H
#define CUSHIM_CPU_TEXTURE_H

#include "cpu_device.h"

/* Fill host->resolve_texture (the objects are process-wide, so ctx is not used). */
void cpu_texture_engine_host(struct engine_host *host);
/* Destroy every texture and surface object created on dev. */
void cpu_texture_reset(struct cpu_device *dev);

#endif
