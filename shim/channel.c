/*
 * channel.c - channel format descriptors, the element formats of CUDA arrays and textures.
 */
#include "api.h"

struct cudaChannelFormatDesc impl_cudaCreateChannelDesc(int x, int y, int z, int w,
                                                        enum cudaChannelFormatKind f)
{
    struct cudaChannelFormatDesc desc = {x, y, z, w, f};
    return desc;
}
