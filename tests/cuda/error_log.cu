// Error log management (cudaLogs*, CUDA 12.9+): a failed call leaves a log line naming the
// call; callbacks see each line as it is made; dumps to memory and to a file start at an
// auto-advancing iterator, keep at most 25600 bytes of the newest lines, say when older ones
// are gone, and answer cudaErrorInvalidValue for a buffer too small for any line; CUDA_LOG_FILE
// receives every line.  The argument checks NVIDIA documents for each function.
#include <string>
#include <vector>
#include <unistd.h>

#include "common.h"

static std::vector<std::string> seen;
static int seen_level_errors;

static void collect(void *data, cudaLogLevel level, char *message, size_t length)
{
    EXPECT(data == (void *)&seen);
    EXPECT(strlen(message) == length);
    seen.push_back(std::string(message, length));
    if (level == cudaLogLevelError)
        seen_level_errors++;
}

static std::string read_file(const char *path)
{
    std::string text;
    FILE *f = fopen(path, "r");
    if (!f)
        return text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    fclose(f);
    return text;
}

// The lines the callback saw from index `first` on, as a dump writes them.
static std::string joined(size_t first)
{
    std::string text;
    for (size_t i = first; i < seen.size(); i++)
        text += seen[i] + "\n";
    return text;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

int main()
{
    char log_path[] = "/tmp/cushim_error_log_XXXXXX", dump_path[] = "/tmp/cushim_error_dump_XXXXXX";
    int fd1 = mkstemp(log_path), fd2 = mkstemp(dump_path);
    EXPECT(fd1 >= 0 && fd2 >= 0);
    close(fd1);
    close(fd2);
    setenv("CUDA_LOG_FILE", log_path, 1); // before the first failure, which opens it

    // argument checks
    cudaLogIterator it;
    EXPECT_ERR(cudaLogsCurrent(NULL, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsCurrent(&it, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsRegisterCallback(NULL, NULL, NULL), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsUnregisterCallback(NULL), cudaErrorInvalidValue);
    size_t size = 16;
    char small[16];
    EXPECT_ERR(cudaLogsDumpToMemory(NULL, NULL, &size, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsDumpToMemory(NULL, small, NULL, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsDumpToMemory(NULL, small, &size, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsDumpToFile(NULL, NULL, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsDumpToFile(NULL, dump_path, 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaLogsDumpToFile(NULL, "/nonexistent-dir/log", 0), cudaErrorInvalidValue);
    cudaGetLastError();

    // two failures after the iterator: each makes a line naming the call and its error
    cudaLogsCallbackHandle handle = NULL;
    CHECK(cudaLogsRegisterCallback(collect, &seen, &handle));
    EXPECT(handle != NULL);
    CHECK(cudaLogsCurrent(&it, 0));
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    void *p = NULL;
    EXPECT_ERR(cudaSetDevice(count + 5), cudaErrorInvalidDevice);
    EXPECT_ERR(cudaMalloc(&p, (size_t)1 << 62), cudaErrorMemoryAllocation);
    EXPECT_EQ_LL(seen.size(), 2);
    EXPECT_EQ_LL(seen_level_errors, 2);
    if (seen.size() == 2) {
        EXPECT(seen[0].find("cudaSetDevice") != std::string::npos);
        EXPECT(seen[0].find("cudaErrorInvalidDevice") != std::string::npos);
        EXPECT(seen[1].find("cudaMalloc") != std::string::npos);
        EXPECT(seen[1].find("cudaErrorMemoryAllocation") != std::string::npos);
        EXPECT(seen[0].find('\n') == std::string::npos);
    }
    cudaGetLastError();

    // a dump from the iterator holds exactly those lines, newline-separated and NUL-ended
    static char buf[64 * 1024];
    memset(buf, 'x', sizeof buf);
    cudaLogIterator from = it;
    size = sizeof buf;
    CHECK(cudaLogsDumpToMemory(&from, buf, &size, 0));
    EXPECT_EQ_LL(strlen(buf), size);
    EXPECT_EQ_LL(count_lines(buf), 2);
    EXPECT(std::string(buf) == joined(0));
    cudaLogIterator now;
    CHECK(cudaLogsCurrent(&now, 0));
    EXPECT_EQ_LL(from, now); // advanced past the newest line
    size = sizeof buf;
    CHECK(cudaLogsDumpToMemory(&from, buf, &size, 0));
    EXPECT_EQ_LL(size, 0); // nothing new

    // room for no line: nothing written, cudaErrorInvalidValue
    from = it;
    size = sizeof small;
    EXPECT_ERR(cudaLogsDumpToMemory(&from, small, &size, 0), cudaErrorInvalidValue);
    EXPECT_EQ_LL(size, 0);
    cudaGetLastError();
    EXPECT_EQ_LL(seen.size(), 3); // that failure made a line of its own
    // room for the newest line only: a notice first, then that line
    from = it;
    std::string last = seen.back() + "\n";
    size = last.size() + 100;
    CHECK(cudaLogsDumpToMemory(&from, buf, &size, 0));
    EXPECT_EQ_LL(count_lines(buf), 2);
    EXPECT(strstr(buf, "truncated") != NULL);
    EXPECT(size >= last.size() && std::string(buf + size - last.size()) == last);

    // the same lines dumped to a file, appended after what the file held
    FILE *f = fopen(dump_path, "w");
    fputs("before\n", f);
    fclose(f);
    from = it;
    CHECK(cudaLogsDumpToFile(&from, dump_path, 0));
    CHECK(cudaLogsCurrent(&now, 0));
    EXPECT_EQ_LL(from, now);
    EXPECT(read_file(dump_path) == "before\n" + joined(0));

    // once unregistered, the callback hears nothing more; a second unregister is an error
    CHECK(cudaLogsUnregisterCallback(handle));
    EXPECT_ERR(cudaLogsUnregisterCallback(handle), cudaErrorInvalidValue);
    cudaGetLastError();
    size_t heard = seen.size();
    EXPECT_ERR(cudaSetDevice(-1), cudaErrorInvalidDevice);
    EXPECT_EQ_LL(seen.size(), heard);

    // a thousand failures: the buffer keeps the newest 25600 bytes at most, and a dump from the
    // old iterator says older lines are gone
    for (int i = 0; i < 1000; i++)
        cudaSetDevice(count + 7);
    cudaGetLastError();
    size = sizeof buf;
    CHECK(cudaLogsDumpToMemory(NULL, buf, &size, 0));
    EXPECT(size > 0 && size <= 25600);
    EXPECT(strstr(buf, "truncated") == NULL);
    from = it;
    size = sizeof buf;
    CHECK(cudaLogsDumpToMemory(&from, buf, &size, 0));
    EXPECT(strncmp(buf, "[", 1) == 0 && strstr(buf, "truncated") != NULL);
    EXPECT(strstr(buf, "cudaMalloc") == NULL); // long gone

    // CUDA_LOG_FILE received every line made, the flood's and the ones the callback saw
    std::string logged = read_file(log_path);
    EXPECT(count_lines(logged.c_str()) >= 1000 + seen.size());
    EXPECT(logged.find(joined(0)) != std::string::npos);

    unlink(log_path);
    unlink(dump_path);
    return finish("error_log");
}
