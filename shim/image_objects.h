/*
 * image_objects.h - the runtime's record of every texture and surface object (image_objects.c):
 * the descriptors the program made it from, kept under the backend's handle, which is the
 * handle the program gets.
 */
#ifndef CUSHIM_IMAGE_OBJECTS_H
#define CUSHIM_IMAGE_OBJECTS_H

#include "resources.h"

/* What the program described; tex and view only for textures. */
struct cushim_image_desc {
    struct cudaResourceDesc res;
    struct cudaTextureDesc tex;
    struct cudaResourceViewDesc view;
    int has_view;
};

/* Resolve desc's resource (and view) on the current device, let `sample` (NULL for surfaces)
 * add the sampling state, make the backend's object and remember desc under its handle. */
cudaError_t cushim_image_make(enum cushim_resource_use use, const struct cushim_image_desc *desc,
                              cudaError_t (*sample)(const struct cudaTextureDesc *,
                                                    struct mu_texture *),
                              uint64_t *handle);
/* Forget the object and destroy the backend's; cudaErrorInvalidValue for a handle not known. */
cudaError_t cushim_image_destroy(enum cushim_resource_use use, uint64_t handle);
/* Copy out what the object was made from; cudaErrorInvalidValue for a handle not known. */
cudaError_t cushim_image_lookup(enum cushim_resource_use use, uint64_t handle,
                                struct cushim_image_desc *out);

/* cudaDeviceReset: forget the records of the device's objects. */
void cushim_images_forget_device(int device);

#endif
