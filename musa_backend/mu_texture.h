/*
 * mu_texture.h - formatted memory in the mu* interface: CUDA arrays and the texture and
 * surface objects that read and write them (the slots muArrayCreate/Destroy,
 * muTexObjectCreate/Destroy and muSurfObjectCreate/Destroy of struct mu_driver).
 *
 * Owns: the fully resolved description a backend receives.  The runtime turns NVIDIA's
 * descriptors (cudaResourceDesc, cudaTextureDesc, cudaResourceViewDesc, array handles) into
 * these records, so a backend never sees a runtime handle: an object names its memory by device
 * address and layout, its element format by channel kind and size, and its sampling by the
 * values of NVIDIA's enums.  A backend whose arrays are laid out linearly (the cpu backend)
 * chooses the layout in muArrayCreate and reports it, so that the runtime can copy to and from
 * an array as pitched linear memory.
 * Must not: carry runtime state; everything here is plain data copied by value.
 */
#ifndef CUSHIM_MU_TEXTURE_H
#define CUSHIM_MU_TEXTURE_H

#include <stdint.h>

/* Most mipmap levels one array has: 2^15 = 32768 texels, NVIDIA's largest mipmapped width. */
#define MU_MAX_LEVELS 16

/* Element format: 1, 2 or 4 channels of one kind and one size. */
enum mu_format_kind { MU_FORMAT_UNSIGNED = 0, MU_FORMAT_SIGNED = 1, MU_FORMAT_FLOAT = 2 };
struct mu_format {
    uint8_t kind;       /* enum mu_format_kind */
    uint8_t channels;   /* 1, 2 or 4 */
    uint8_t bits;       /* per channel: 8, 16 or 32 (FLOAT: 16 is half precision) */
    uint8_t normalized; /* an 8/16-bit integer format that always reads as [0,1] or [-1,1]
                           (cudaChannelFormatKind*Normalized*) */
};

static inline unsigned mu_format_bytes(const struct mu_format *f)
{
    return (unsigned)f->channels * f->bits / 8u;
}

/* One mipmap level (or the only level) of formatted memory, laid out linearly. */
struct mu_level {
    uint64_t base;                 /* device address of element (0, 0, 0) */
    uint32_t width, height, depth; /* in elements, 1 when absent; depth counts the slices of
                                      3-D data or the layers of layered and cubemap data */
    uint64_t pitch;                /* bytes from one row to the next */
    uint64_t slice;                /* bytes from one slice (or layer) to the next */
};

/* An array to create (muArrayCreate). */
struct mu_array_desc {
    struct mu_format format;
    uint32_t width, height, depth; /* level 0, as struct mu_level counts them */
    uint32_t levels;               /* 1 for a plain array */
    int depth_is_layers;           /* layered and cubemap arrays keep their layers at every
                                      level; 3-D mipmaps halve the depth too */
};

/* What a texture or surface object reads or writes. */
enum mu_resource_kind {
    MU_RESOURCE_ARRAY = 0,   /* a CUDA array or mipmapped array (possibly through a view) */
    MU_RESOURCE_LINEAR = 1,  /* linear memory: tex1Dfetch, integer coordinates, no sampling */
    MU_RESOURCE_PITCH2D = 2, /* pitched 2-D memory */
};

/* How a texture object samples (the values of NVIDIA's enums). */
struct mu_sampler {
    uint8_t address[3];        /* enum cudaTextureAddressMode per coordinate */
    uint8_t filter;            /* enum cudaTextureFilterMode */
    uint8_t read_normalized;   /* cudaReadModeNormalizedFloat */
    uint8_t normalized_coords; /* coordinates in [0, 1) rather than texels */
    uint8_t srgb;              /* sRGB to linear conversion of 8-bit colour channels */
    uint8_t mip_filter;        /* enum cudaTextureFilterMode between mipmap levels */
    uint32_t max_anisotropy;
    float border[4];           /* cudaAddressModeBorder colour (integer formats: the bits) */
    float lod_bias, min_lod, max_lod;
};

/* A texture or surface object, resolved. */
struct mu_texture {
    uint8_t resource;          /* enum mu_resource_kind */
    uint8_t dims;              /* 1, 2 or 3 */
    uint8_t layered, cubemap;
    struct mu_format format;
    uint32_t levels;           /* valid entries of level[] */
    struct mu_sampler sampler; /* texture objects; zero for surfaces */
    uint64_t span_base;        /* every level lies in [span_base, span_base + span_bytes): */
    uint64_t span_bytes;       /* the memory that must stay allocated while it is used */
    struct mu_level level[MU_MAX_LEVELS];
};

#endif
