/*
 * mu_log.c - the error log (see mu_log.h).
 *
 * Owns: the kept lines (oldest dropped first once they pass MU_LOG_CAPACITY bytes), the
 * callbacks, and the CUDA_LOG_FILE destination.  User callbacks run after the lock is released,
 * so a callback may itself call the log functions, or fail another API call; and only on
 * threads that made an API call: a line from a kernel's worker thread (a fault) waits for the
 * next line an API call makes (the failure that reports the fault), because a callback that
 * synchronises with the device must not run on the thread the device is waiting for.
 */
#ifndef _GNU_SOURCE
/* syscall, strndup, localtime_r; the bench builds this file without the Makefile's flags */
#define _GNU_SOURCE
#endif

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mu_log.h"

#define MESSAGE_MAX 1024

struct line {
    cudaLogIterator seq;
    size_t len; /* with the newline */
    char *text;
};

struct CUlogsCallbackEntry_st {
    cudaLogsCallback_t fn;
    void *data;
    int users;   /* deliveries under way that may still call it (under the lock) */
    int removed; /* unregistered from inside a callback: the last user frees it */
    struct CUlogsCallbackEntry_st *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t delivered = PTHREAD_COND_INITIALIZER; /* some entry's users dropped */
static struct line *lines;
static size_t nlines, lines_cap, kept_bytes;
static cudaLogIterator next_seq;
static struct CUlogsCallbackEntry_st *callbacks;
static size_t ncallbacks;

/* Lines made on worker threads, not yet handed to the callbacks. */
struct pending {
    cudaLogLevel level;
    char *text; /* without the newline */
    struct pending *next;
};
static struct pending *pending_first, **pending_last = &pending_first;

static FILE *destination;
static pthread_once_t destination_once = PTHREAD_ONCE_INIT;

static void open_destination(void)
{
    const char *where = getenv("CUDA_LOG_FILE");
    if (where == NULL || where[0] == '\0')
        return;
    if (strcmp(where, "stdout") == 0)
        destination = stdout;
    else if (strcmp(where, "stderr") == 0)
        destination = stderr;
    else if ((destination = fopen(where, "a")) == NULL)
        fprintf(stderr, "cushim: CUDA_LOG_FILE=%s cannot be opened for writing; not logging "
                        "there\n", where);
}

/* Keep one line, dropping the oldest ones past the capacity.  Called with the lock held. */
static void keep_locked(char *text, size_t len)
{
    if (nlines == lines_cap) {
        size_t cap = lines_cap ? lines_cap * 2 : 64;
        struct line *grown = realloc(lines, cap * sizeof *grown);
        if (grown == NULL) { /* the line is lost, but it still went to callbacks and the file */
            free(text);
            return;
        }
        lines = grown;
        lines_cap = cap;
    }
    lines[nlines++] = (struct line){next_seq, len, text};
    kept_bytes += len;
    size_t drop = 0;
    while (kept_bytes > MU_LOG_CAPACITY && drop + 1 < nlines) {
        kept_bytes -= lines[drop].len;
        free(lines[drop].text);
        drop++;
    }
    if (drop) {
        memmove(lines, lines + drop, (nlines - drop) * sizeof *lines);
        nlines -= drop;
    }
}

/* Queue a copy of a line (without its newline) for the callbacks; on no memory, only the
 * callbacks miss it.  Called with the lock held. */
static void queue_locked(cudaLogLevel level, const char *text, size_t len)
{
    struct pending *line = malloc(sizeof *line);
    if (line == NULL || (line->text = strndup(text, len)) == NULL) {
        free(line);
        return;
    }
    line->level = level;
    line->next = NULL;
    *pending_last = line;
    pending_last = &line->next;
}

struct call {
    struct CUlogsCallbackEntry_st *entry;
    cudaLogsCallback_t fn;
    void *data;
};

/* Set while this thread runs callbacks: the lines its own calls make then are logged but not
 * handed to the callbacks again (a callback whose call fails would otherwise never end). */
static _Thread_local int in_callback;

/* Hand lines (a list of pending ones, oldest first) to a snapshot of the callbacks. */
static void deliver(const struct call *calls, size_t ncalls, struct pending *lines)
{
    while (lines != NULL) {
        struct pending *next = lines->next;
        in_callback = 1;
        for (size_t i = 0; i < ncalls; i++)
            calls[i].fn(calls[i].data, lines->level, lines->text, strlen(lines->text));
        in_callback = 0;
        free(lines->text);
        free(lines);
        lines = next;
    }
}

static void record(cudaLogLevel level, const char *entry, const char *message, int api_thread)
{
    pthread_once(&destination_once, open_destination);
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &tm);
    char head[96], entry_part[80] = "";
    if (entry != NULL)
        snprintf(entry_part, sizeof entry_part, "[%s]", entry);
    snprintf(head, sizeof head, "[%02d:%02d:%02d.%03ld][%ld][CUDA][%c]", tm.tm_hour, tm.tm_min,
             tm.tm_sec, now.tv_nsec / 1000000, (long)syscall(SYS_gettid),
             level == cudaLogLevelWarning ? 'W' : 'E');
    size_t len = strlen(head) + strlen(entry_part) + 1 + strlen(message) + 1;
    char *text = malloc(len + 1);
    if (text == NULL)
        return;
    snprintf(text, len + 1, "%s%s %s\n", head, entry_part, message);

    pthread_mutex_lock(&lock);
    if (destination != NULL) {
        fputs(text, destination);
        fflush(destination);
    }
    if (ncallbacks > 0 && !in_callback)
        queue_locked(level, text, len - 1);
    keep_locked(text, len);
    next_seq++;
    struct call *calls = NULL;
    size_t ncalls = 0;
    struct pending *ready = NULL;
    if (api_thread && !in_callback && pending_first != NULL &&
        (ncallbacks == 0 || (calls = malloc(ncallbacks * sizeof *calls)) != NULL)) {
        for (struct CUlogsCallbackEntry_st *c = callbacks; c != NULL; c = c->next, ncalls++) {
            c->users++; /* unregistering it waits until this delivery is done with it */
            calls[ncalls] = (struct call){c, c->fn, c->data};
        }
        ready = pending_first; /* with no callbacks left, only freed */
        pending_first = NULL;
        pending_last = &pending_first;
    }
    pthread_mutex_unlock(&lock);
    deliver(calls, ncalls, ready);
    if (ncalls > 0) {
        pthread_mutex_lock(&lock);
        for (size_t i = 0; i < ncalls; i++)
            if (--calls[i].entry->users == 0 && calls[i].entry->removed)
                free(calls[i].entry);
        pthread_cond_broadcast(&delivered);
        pthread_mutex_unlock(&lock);
    }
    free(calls);
}

void mu_log(cudaLogLevel level, const char *entry, const char *fmt, ...)
{
    char message[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    record(level, entry, message, 1);
}

static void report(int api_thread, const char *fmt, va_list ap)
{
    char message[MESSAGE_MAX];
    vsnprintf(message, sizeof message, fmt, ap);
    fprintf(stderr, "cushim: %s\n", message);
    fflush(stderr);
    record(cudaLogLevelError, NULL, message, api_thread);
}

void mu_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(1, fmt, ap);
    va_end(ap);
}

void mu_report_from_worker(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(0, fmt, ap);
    va_end(ap);
}

cudaLogIterator mu_log_current(void)
{
    pthread_mutex_lock(&lock);
    cudaLogIterator seq = next_seq;
    pthread_mutex_unlock(&lock);
    return seq;
}

int mu_log_dump(cudaLogIterator *iterator, char *buffer, size_t *size)
{
    pthread_mutex_lock(&lock);
    size_t first = 0, lost = 0;
    if (iterator != NULL) {
        cudaLogIterator from = *iterator;
        cudaLogIterator oldest = nlines ? lines[0].seq : next_seq;
        if (from - oldest > next_seq - oldest) /* before the oldest kept line (mod 2^32) */
            lost = oldest - from;
        else
            first = from - oldest;
    }
    size_t room = *size ? *size - 1 : 0, all = 0;
    for (size_t i = first; i < nlines; i++)
        all += lines[i].len;
    size_t take = nlines - first, notice_room = 0;
    if (lost > 0 || all > room) {
        /* keep the newest lines that fit beside the notice */
        char probe[128];
        notice_room = (size_t)snprintf(probe, sizeof probe,
                                       "[CUDA][W] log truncated: %zu earlier lines not shown\n",
                                       lost + nlines);
        size_t used = notice_room;
        take = 0;
        while (take < nlines - first && used + lines[nlines - 1 - take].len <= room)
            used += lines[nlines - 1 - take++].len;
    }
    if (take == 0 && nlines > first) {
        pthread_mutex_unlock(&lock);
        *size = 0;
        return -1;
    }
    size_t at = 0;
    if (notice_room > 0 && take > 0)
        at = (size_t)snprintf(buffer, notice_room + 1,
                              "[CUDA][W] log truncated: %zu earlier lines not shown\n",
                              lost + (nlines - first - take));
    for (size_t i = nlines - take; i < nlines; i++) {
        memcpy(buffer + at, lines[i].text, lines[i].len);
        at += lines[i].len;
    }
    if (*size > 0)
        buffer[at] = '\0';
    *size = at;
    if (iterator != NULL)
        *iterator = next_seq;
    pthread_mutex_unlock(&lock);
    return 0;
}

cudaLogsCallbackHandle mu_log_add_callback(cudaLogsCallback_t fn, void *data)
{
    struct CUlogsCallbackEntry_st *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    c->fn = fn;
    c->data = data;
    c->users = 0;
    c->removed = 0;
    pthread_mutex_lock(&lock);
    c->next = callbacks;
    callbacks = c;
    ncallbacks++;
    pthread_mutex_unlock(&lock);
    return c;
}

int mu_log_remove_callback(cudaLogsCallbackHandle handle)
{
    pthread_mutex_lock(&lock);
    for (struct CUlogsCallbackEntry_st **p = &callbacks; *p != NULL; p = &(*p)->next)
        if (*p == handle) {
            *p = handle->next;
            ncallbacks--;
            /* Once this returns the callback is never called again, so its data may go.  A
             * callback unregistering itself (or another) cannot wait for its own delivery: the
             * entry is then freed by the last delivery using it. */
            while (handle->users > 0 && !in_callback)
                pthread_cond_wait(&delivered, &lock);
            if (handle->users > 0)
                handle->removed = 1;
            else
                free(handle);
            pthread_mutex_unlock(&lock);
            return 0;
        }
    pthread_mutex_unlock(&lock);
    return -1;
}
