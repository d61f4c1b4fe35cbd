/*
 * mu_log.h - the error log shared by the runtime and every backend (the "driver logs" of
 * CUDA's Error Log Management): each message about a failure becomes one line
 * "[hh:mm:ss.mmm][tid][CUDA][E][entry point] text", kept in a 25600-byte buffer of the newest
 * lines, handed to registered callbacks, and written where CUDA_LOG_FILE says (stdout, stderr
 * or a file).  The runtime's cudaLogs* functions read it.
 */
#ifndef CUSHIM_MU_LOG_H
#define CUSHIM_MU_LOG_H

#include <stddef.h>

#include "cushim/cuda_types.h"

#define MU_LOG_CAPACITY 25600 /* bytes of lines kept, as NVIDIA's driver documents */

/* Record one line (entry may be NULL: a message not tied to one API call). */
void mu_log(cudaLogLevel level, const char *entry, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print "cushim: <text>" on stderr, as every failure message of cushim reads, and record the
 * text as an error line of the log. */
void mu_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same from a thread that runs kernels: the callbacks hear of it on the next line an API
 * call makes, never on this thread (a callback may wait for the device). */
void mu_report_from_worker(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The iterator value the next line will get. */
cudaLogIterator mu_log_current(void);

/* Copy the lines from *iterator (every kept line when iterator is NULL) into buffer, newest
 * last, newline-terminated, then a NUL; when they do not all fit (or older lines were already
 * dropped) a notice line comes first and the oldest lines are left out.  *size: the room in,
 * the bytes written out (the NUL not counted).  Returns 0, or -1 when not even one line fits.
 * Advances *iterator past the newest line. */
int mu_log_dump(cudaLogIterator *iterator, char *buffer, size_t *size);

/* Callbacks: a handle, or NULL when out of memory; unregistering an unknown handle is -1. */
cudaLogsCallbackHandle mu_log_add_callback(cudaLogsCallback_t fn, void *data);
int mu_log_remove_callback(cudaLogsCallbackHandle handle);

#endif
