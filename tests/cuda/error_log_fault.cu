// A kernel fault reaches the error log with what cushim prints (kernel, address, instruction),
// and log callbacks hear of it on the thread whose API call reports the fault, never on a
// thread that runs kernels: a callback may call back into the runtime, even wait for the
// device, without hanging the process.
#include <pthread.h>
#include <string>
#include <vector>

#include "common.h"

__global__ void write_far_away(int *p)
{
    p[-(1 << 28)] = 1;
}

static std::vector<std::string> seen;
static int calls_off_main_thread;
static pthread_t main_thread;

static void on_log(void *, cudaLogLevel, char *message, size_t length)
{
    if (!pthread_equal(pthread_self(), main_thread))
        calls_off_main_thread++;
    seen.push_back(std::string(message, length));
    cudaDeviceSynchronize(); // would never return on a thread the device waits for
}

int main()
{
    main_thread = pthread_self();
    int *d;
    CHECK(cudaMalloc(&d, 1024));
    CHECK(cudaLogsRegisterCallback(on_log, NULL, NULL));
    write_far_away<<<1, 1>>>(d);
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
    EXPECT_EQ_LL(calls_off_main_thread, 0);
    bool fault = false, returning = false;
    for (const std::string &line : seen) {
        fault |= line.find("write_far_away") != std::string::npos &&
                 line.find("illegal address") != std::string::npos;
        returning |= line.find("cudaDeviceSynchronize") != std::string::npos &&
                     line.find("cudaErrorIllegalAddress") != std::string::npos;
    }
    EXPECT(fault);
    EXPECT(returning);
    return finish("error_log_fault");
}
