// Error-log callbacks and threads: once cudaLogsUnregisterCallback returns, the callback is
// never called again (its user data may be freed), even while other threads keep failing calls
// and delivering lines to it; a callback may unregister itself.
#include <atomic>
#include <thread>
#include <unistd.h>

#include "common.h"

struct watcher {
    std::atomic<int> dead{0};
};
static std::atomic<int> calls{0}, late{0};

static void on_log(void *data, cudaLogLevel, char *, size_t)
{
    usleep(100); // a slow callback widens the window an unregister must wait for
    calls++;
    if (static_cast<watcher *>(data)->dead)
        late++;
}

static cudaLogsCallbackHandle self_handle;
static std::atomic<int> self_calls{0}, self_known{0};
static void unregister_self(void *, cudaLogLevel, char *, size_t)
{
    while (!self_known) // the failing thread may call it before registering has returned
        usleep(10);
    if (self_calls++ == 0 && cudaLogsUnregisterCallback(self_handle) != cudaSuccess)
        self_calls += 1000;
}

int main()
{
    std::atomic<int> stop{0};
    std::thread failer([&] {
        while (!stop)
            cudaFree((void *)0x1234); // cudaErrorInvalidValue: a log line each time
    });
    static watcher watchers[200];
    for (int i = 0; i < 200; i++) {
        cudaLogsCallbackHandle h;
        CHECK(cudaLogsRegisterCallback(on_log, &watchers[i], &h));
        usleep(50);
        CHECK(cudaLogsUnregisterCallback(h));
        watchers[i].dead = 1;
    }
    CHECK(cudaLogsRegisterCallback(unregister_self, NULL, &self_handle));
    self_known = 1;
    while (self_calls == 0)
        usleep(100);
    usleep(10000);
    stop = 1;
    failer.join();
    cudaGetLastError();
    EXPECT(calls > 0);
    EXPECT_EQ_LL(late.load(), 0);
    EXPECT_EQ_LL(self_calls.load(), 1);
    return finish("error_log_threads");
}
