/*
 * eng_printf.c - device printf: vprintf(format, argument buffer) printed on the host's stdout.
 *
 * Owns: reading CUDA's printf argument buffer (each argument at its natural alignment: 4
 * bytes for int-sized conversions, 8 for long/long long/size_t, doubles and pointers) and
 * making the variadic call to fprintf through libffi, so the output is byte for byte what C's
 * printf gives for the same format, as on a GPU.  Device pointers given to %s are checked and
 * copied first; %n is dropped; a format or buffer outside device memory prints nothing.
 */
#define _POSIX_C_SOURCE 200809L /* flockfile, clock_gettime, strdup, sysconf */

#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>

#include "eng_builtin.h"

#define MAX_ARGS 32
#define STR_CAP 4096

enum akind { AK_INT, AK_LONG, AK_DOUBLE, AK_PTR, AK_STR };

int eng_vprintf(eng_warp *w, int lane, uint64_t fmt_addr, uint64_t args_addr)
{
    size_t favail;
    const uint8_t *fmt = eng_dev_bytes(w, lane, fmt_addr, &favail);
    if (!fmt)
        return -1;
    size_t flen = 0;
    while (flen < favail && fmt[flen])
        flen++;
    if (flen == favail)
        return -1; /* not terminated inside its allocation */
    size_t aavail = 0;
    const uint8_t *abuf = args_addr ? eng_dev_bytes(w, lane, args_addr, &aavail) : NULL;

    char *out = malloc(2 * flen + 2); /* '%' may be escaped as '%%' */
    char *strs = malloc((size_t)MAX_ARGS * STR_CAP);
    if (!out || !strs) {
        free(out);
        free(strs);
        return -1;
    }
    ffi_type *types[MAX_ARGS + 2];
    void *values[MAX_ARGS + 2];
    union {
        int32_t i;
        int64_t l;
        double d;
        void *p;
    } vals[MAX_ARGS];
    FILE *stream = stdout;
    const char *outp = out;
    types[0] = &ffi_type_pointer;
    values[0] = &stream;
    types[1] = &ffi_type_pointer;
    values[1] = &outp;
    int nargs = 0, exhausted = 0;
    size_t o = 0, aoff = 0;
    for (size_t i = 0; i < flen;) {
        if (fmt[i] != '%') {
            out[o++] = (char)fmt[i++];
            continue;
        }
        size_t start = i++;
        if (i < flen && fmt[i] == '%') {
            out[o++] = '%';
            out[o++] = '%';
            i++;
            continue;
        }
        /* flags, width, precision, length, conversion */
        size_t spec_start = o;
        out[o++] = '%';
        int stars = 0;
        while (i < flen && strchr("-+ #0'", fmt[i]))
            out[o++] = (char)fmt[i++];
        if (i < flen && fmt[i] == '*') {
            stars++;
            out[o++] = (char)fmt[i++];
        } else {
            while (i < flen && fmt[i] >= '0' && fmt[i] <= '9')
                out[o++] = (char)fmt[i++];
        }
        if (i < flen && fmt[i] == '.') {
            out[o++] = (char)fmt[i++];
            if (i < flen && fmt[i] == '*') {
                stars++;
                out[o++] = (char)fmt[i++];
            } else {
                while (i < flen && fmt[i] >= '0' && fmt[i] <= '9')
                    out[o++] = (char)fmt[i++];
            }
        }
        int longs = 0, bad_len = 0;
        while (i < flen && strchr("hlzjtL", fmt[i])) {
            if (fmt[i] == 'l' || fmt[i] == 'z' || fmt[i] == 'j' || fmt[i] == 't')
                longs++;
            if (fmt[i] == 'L')
                bad_len = 1;
            out[o++] = (char)fmt[i++];
        }
        if (i >= flen) {
            o = spec_start; /* dangling '%': print the rest as written, escaped */
            for (size_t k = start; k < flen; k++) {
                out[o++] = (char)fmt[k];
                if (fmt[k] == '%')
                    out[o++] = '%';
            }
            break;
        }
        char conv = (char)fmt[i++];
        enum akind kind;
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
            kind = longs ? AK_LONG : AK_INT;
            break;
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
            kind = AK_DOUBLE;
            break;
        case 's':
            kind = AK_STR;
            break;
        case 'p':
            kind = AK_PTR;
            break;
        default:
            /* not a conversion C knows: print it as written */
            o = spec_start;
            for (size_t k = start; k < i; k++) {
                out[o++] = (char)fmt[k];
                if (fmt[k] == '%')
                    out[o++] = '%';
            }
            continue;
        }
        if (conv == 'c' && longs)
            bad_len = 1; /* wide characters: not on the device */
        if (conv == 's' && longs)
            bad_len = 1;
        /* consume '*' arguments, then the value */
        int ok = !exhausted, nargs_before = nargs;
        for (int s = 0; ok && s <= stars; s++) {
            enum akind k = s < stars ? AK_INT : kind;
            size_t sz = (k == AK_INT) ? 4 : 8;
            aoff = (aoff + sz - 1) & ~(sz - 1);
            if (!abuf || aoff + sz > aavail || nargs >= MAX_ARGS) {
                ok = 0;
                break;
            }
            uint64_t raw = 0;
            memcpy(&raw, abuf + aoff, sz);
            aoff += sz;
            switch (k) {
            case AK_INT:
                vals[nargs].i = (int32_t)(uint32_t)raw;
                types[nargs + 2] = &ffi_type_sint32;
                break;
            case AK_LONG:
                vals[nargs].l = (int64_t)raw;
                types[nargs + 2] = &ffi_type_sint64;
                break;
            case AK_DOUBLE:
                memcpy(&vals[nargs].d, &raw, 8);
                types[nargs + 2] = &ffi_type_double;
                break;
            case AK_PTR:
                vals[nargs].p = (void *)(uintptr_t)raw;
                types[nargs + 2] = &ffi_type_pointer;
                break;
            default: {
                char *buf = strs + (size_t)nargs * STR_CAP;
                size_t av;
                const uint8_t *sp = raw ? eng_dev_bytes(w, lane, raw, &av) : NULL;
                if (!raw) {
                    snprintf(buf, STR_CAP, "(null)");
                } else if (!sp) {
                    snprintf(buf, STR_CAP, "(invalid address)");
                } else {
                    size_t n = 0;
                    while (n + 1 < STR_CAP && n < av && sp[n])
                        n++;
                    memcpy(buf, sp, n);
                    buf[n] = 0;
                }
                vals[nargs].p = buf;
                types[nargs + 2] = &ffi_type_pointer;
                break;
            }
            }
            values[nargs + 2] = &vals[nargs];
            nargs++;
        }
        if (!ok || bad_len || conv == 'n') {
            /* print nothing for this conversion; its bytes in the buffer are skipped */
            o = spec_start;
            nargs = nargs_before;
            if (!ok || exhausted) {
                /* past the 32 arguments CUDA passes (or past the buffer): as on the GPU, the
                 * specifier is printed as written and the rest of the format goes on */
                exhausted = 1;
                for (size_t k = start; k < i; k++) {
                    out[o++] = (char)fmt[k];
                    if (fmt[k] == '%')
                        out[o++] = '%';
                }
            }
            continue;
        }
        out[o++] = conv;
    }
    out[o] = 0;
    ffi_cif cif;
    int rc = -1;
    int used = nargs;
    if (ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI, 2, (unsigned)used + 2, &ffi_type_sint, types) == FFI_OK) {
        ffi_arg r = 0;
        ffi_call(&cif, FFI_FN(fprintf), &r, values);
        rc = used;
    }
    free(out);
    free(strs);
    return rc;
}
