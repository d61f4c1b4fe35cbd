/*
 * symbols.c - __device__, __constant__ and __managed__ variables named by their host shadow:
 * cudaGetSymbolAddress/Size and copies to and from them.  A symbol's address is only known
 * once its module is loaded on the current device, so each call may load it.  Symbol copy
 * graph nodes are described by the same cushim_symbol_copy_describe.
 */
#include "api.h"
#include "device.h"
#include "memcpy.h"
#include "registration.h"
#include "stream_ops.h"

static cudaError_t symbol_on_current(const void *symbol, void **address, size_t *size)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    return cushim_symbol_lookup(symbol, device, address, size);
}

cudaError_t impl_cudaGetSymbolAddress(void **devPtr, const void *symbol)
{
    size_t size;
    if (devPtr == NULL)
        return cudaErrorInvalidValue;
    return symbol_on_current(symbol, devPtr, &size);
}

cudaError_t impl_cudaGetSymbolSize(size_t *size, const void *symbol)
{
    void *address;
    if (size == NULL)
        return cudaErrorInvalidValue;
    return symbol_on_current(symbol, &address, size);
}

/* to_symbol: host or device memory into the symbol; else the symbol into host or device.
 * Described as a linear copy, which stream copies and graph copy nodes both take. */
cudaError_t cushim_symbol_copy_describe(int to_symbol, const void *symbol, void *other,
                                        size_t count, size_t offset, enum cudaMemcpyKind kind,
                                        struct cushim_copy *out)
{
    void *address;
    size_t size;
    cudaError_t error = symbol_on_current(symbol, &address, &size);
    if (error != cudaSuccess)
        return error;
    if (offset > size || count > size - offset)
        return cudaErrorInvalidValue;
    int allowed = kind == cudaMemcpyDeviceToDevice || kind == cudaMemcpyDefault ||
                  kind == (to_symbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
    if (!allowed)
        return cudaErrorInvalidMemcpyDirection;
    char *at = (char *)address + offset;
    *out = (struct cushim_copy){
        .dst = to_symbol ? at : other,
        .src = to_symbol ? (const void *)other : at,
        .dst_pitch = count,
        .dst_height = 1,
        .src_pitch = count,
        .src_height = 1,
        .width = count,
        .height = 1,
        .depth = 1,
        .kind = kind,
    };
    return cudaSuccess;
}

static cudaError_t symbol_copy(int to_symbol, const void *symbol, void *other, size_t count,
                               size_t offset, enum cudaMemcpyKind kind, cudaStream_t stream,
                               int async)
{
    struct cushim_copy c;
    cudaError_t error = cushim_symbol_copy_describe(to_symbol, symbol, other, count, offset,
                                                    kind, &c);
    return error != cudaSuccess ? error : cushim_copy(&c, stream, async);
}

cudaError_t impl_cudaMemcpyToSymbol(const void *symbol, const void *src, size_t count,
                                    size_t offset, enum cudaMemcpyKind kind)
{
    return symbol_copy(1, symbol, (void *)src, count, offset, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpyToSymbolAsync(const void *symbol, const void *src, size_t count,
                                         size_t offset, enum cudaMemcpyKind kind,
                                         cudaStream_t stream)
{
    return symbol_copy(1, symbol, (void *)src, count, offset, kind, stream, 1);
}

cudaError_t impl_cudaMemcpyFromSymbol(void *dst, const void *symbol, size_t count,
                                      size_t offset, enum cudaMemcpyKind kind)
{
    return symbol_copy(0, symbol, dst, count, offset, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpyFromSymbolAsync(void *dst, const void *symbol, size_t count,
                                           size_t offset, enum cudaMemcpyKind kind,
                                           cudaStream_t stream)
{
    return symbol_copy(0, symbol, dst, count, offset, kind, stream, 1);
}
