/*
 * fuzz_ptx.c - libFuzzer target for the PTX front end (musa_backend/cpu/ptx): any bytes are
 * offered as PTX text.  The parser must accept or report, never crash, never read outside the
 * text (ASan), never build an IR with an index outside the module (fuzz_ptx_one.h).
 * Seeds: tests/fuzz/corpus/ptx (nvcc's PTX of the project's programs and conformance modules).
 */
#include "fuzz_ptx_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ptx_one(data, size);
    return 0;
}
