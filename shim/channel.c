/*
 * channel.c - channel format descriptors, the element formats of CUDA arrays and textures:
 * cudaCreateChannelDesc, and which descriptors an array or texture may have.
 *
 * A descriptor names up to four channels x, y, z, w by their sizes in bits.  The formats that
 * exist (on NVIDIA's devices as here) have 1, 2 or 4 channels of one size: 8, 16 or 32 bits
 * for integers, 16 or 32 for floats.  The normalised kinds (cudaChannelFormatKind*Normalized*)
 * fix both the size and the channel count in their name, and the descriptor must agree.
 */
#include "api.h"
#include "channel.h"

struct cudaChannelFormatDesc impl_cudaCreateChannelDesc(int x, int y, int z, int w,
                                                        enum cudaChannelFormatKind f)
{
    struct cudaChannelFormatDesc desc = {x, y, z, w, f};
    return desc;
}

/* Channels present (leading non-zero sizes, all equal) or 0 when the shape is not one. */
static unsigned channel_count(const struct cudaChannelFormatDesc *d)
{
    const int bits[4] = {d->x, d->y, d->z, d->w};
    unsigned n = 0;
    while (n < 4 && bits[n] != 0)
        n++;
    for (unsigned i = 0; i < 4; i++)
        if ((i < n && bits[i] != bits[0]) || (i >= n && bits[i] != 0))
            return 0;
    return n == 3 ? 0 : n;
}

cudaError_t cushim_channel_format(const struct cudaChannelFormatDesc *d, struct mu_format *out)
{
    unsigned n = channel_count(d);
    int bits = d->x;
    *out = (struct mu_format){0};
    switch (d->f) {
    case cudaChannelFormatKindSigned:
    case cudaChannelFormatKindUnsigned:
        if (n == 0 || (bits != 8 && bits != 16 && bits != 32))
            return cudaErrorInvalidChannelDescriptor;
        out->kind = d->f == cudaChannelFormatKindSigned ? MU_FORMAT_SIGNED : MU_FORMAT_UNSIGNED;
        break;
    case cudaChannelFormatKindFloat:
        if (n == 0 || (bits != 16 && bits != 32))
            return cudaErrorInvalidChannelDescriptor;
        out->kind = MU_FORMAT_FLOAT;
        break;
    case cudaChannelFormatKindUnsignedNormalized8X1:
    case cudaChannelFormatKindUnsignedNormalized8X2:
    case cudaChannelFormatKindUnsignedNormalized8X4:
    case cudaChannelFormatKindUnsignedNormalized16X1:
    case cudaChannelFormatKindUnsignedNormalized16X2:
    case cudaChannelFormatKindUnsignedNormalized16X4:
    case cudaChannelFormatKindSignedNormalized8X1:
    case cudaChannelFormatKindSignedNormalized8X2:
    case cudaChannelFormatKindSignedNormalized8X4:
    case cudaChannelFormatKindSignedNormalized16X1:
    case cudaChannelFormatKindSignedNormalized16X2:
    case cudaChannelFormatKindSignedNormalized16X4: {
        /* 5..10 unsigned, 11..16 signed; in each, 8-bit x1 x2 x4 then 16-bit x1 x2 x4 */
        unsigned k = (unsigned)d->f - cudaChannelFormatKindUnsignedNormalized8X1;
        static const unsigned counts[3] = {1, 2, 4};
        int want_bits = (k % 6) < 3 ? 8 : 16;
        if (n != counts[k % 3] || bits != want_bits)
            return cudaErrorInvalidChannelDescriptor;
        out->kind = k < 6 ? MU_FORMAT_UNSIGNED : MU_FORMAT_SIGNED;
        out->normalized = 1;
        break;
    }
    case cudaChannelFormatKindNone:
        return cudaErrorInvalidChannelDescriptor;
    default: /* NV12, block-compressed, 10-10-10-2: real formats this runtime lacks */
        if ((unsigned)d->f <= cudaChannelFormatKindUnsignedNormalized1010102)
            return cudaErrorNotSupported;
        return cudaErrorInvalidChannelDescriptor;
    }
    out->channels = (uint8_t)n;
    out->bits = (uint8_t)bits;
    return cudaSuccess;
}

unsigned cushim_view_format(enum cudaResourceViewFormat view, struct mu_format *out)
{
    /* 0x01..0x12: (u8, s8, u16, s16, u32, s32) x (1, 2, 4 channels); 0x13..0x18: half, float */
    static const uint8_t channels[3] = {1, 2, 4};
    unsigned v = (unsigned)view;
    if (v >= cudaResViewFormatUnsignedChar1 && v <= cudaResViewFormatFloat4) {
        unsigned k = (v - 1) / 3, c = (v - 1) % 3;
        static const uint8_t kinds[8] = {MU_FORMAT_UNSIGNED, MU_FORMAT_SIGNED,
                                         MU_FORMAT_UNSIGNED, MU_FORMAT_SIGNED,
                                         MU_FORMAT_UNSIGNED, MU_FORMAT_SIGNED,
                                         MU_FORMAT_FLOAT,    MU_FORMAT_FLOAT};
        static const uint8_t bits[8] = {8, 8, 16, 16, 32, 32, 16, 32};
        *out = (struct mu_format){kinds[k], channels[c], bits[k], 0};
        return mu_format_bytes(out);
    }
    return 0;
}
