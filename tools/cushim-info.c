/*
 * cushim-info - deviceQuery for cushim: the library in use and where it was loaded from, the
 * backends this build has and how many devices each offers, and every property of every
 * device of the selected backend.  It uses only the public runtime API of the library it runs
 * against (linked as libcudart.so.13, found beside the tool or through CUSHIM_LIBDIR).
 *
 *   cushim-info [--backend NAME]
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api.h"

/* The library names its backends in the message it gives for an unknown one. */
static int list_backends(const char *self, char *names, size_t len)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        close(fds[0]);
        setenv("CUSHIM_BACKEND", "cushim-info-no-such-backend", 1);
        execl(self, self, "--count-only", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char text[1024];
    ssize_t got = read(fds[0], text, sizeof text - 1);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    text[got > 0 ? got : 0] = '\0';
    const char *valid = strstr(text, "(valid: ");
    if (valid == NULL)
        return -1;
    valid += strlen("(valid: ");
    size_t n = strcspn(valid, ")");
    snprintf(names, len, "%.*s", (int)n, valid);
    return 0;
}

/* Device count of one backend, from a child process (a process selects its backend once). */
static void show_backend(const char *self, const char *name)
{
    int fds[2];
    if (pipe(fds) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(fds[0]);
        setenv("CUSHIM_BACKEND", name, 1);
        execl(self, self, "--count-only", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char text[256];
    ssize_t got = read(fds[0], text, sizeof text - 1);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    text[got > 0 ? got : 0] = '\0';
    text[strcspn(text, "\n")] = '\0';
    printf("  %-8s %s\n", name, text[0] != '\0' ? text : "not available");
}

static int count_only(void)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess)
        printf("not available (%s)\n", cudaGetErrorName(e));
    else
        printf("%d device%s\n", count, count == 1 ? "" : "s");
    return 0;
}

static void show_device(int dev)
{
    struct cudaDeviceProp p;
    cudaError_t e = cudaGetDeviceProperties(&p, dev);
    if (e != cudaSuccess) {
        printf("Device %d: %s\n", dev, cudaGetErrorString(e));
        return;
    }
    int clock = 0, memclock = 0;
    cudaDeviceGetAttribute(&clock, cudaDevAttrClockRate, dev);
    cudaDeviceGetAttribute(&memclock, cudaDevAttrMemoryClockRate, dev);
    printf("\nDevice %d: \"%s\"\n", dev, p.name);
    printf("  Compute capability:                      %d.%d\n", p.major, p.minor);
    printf("  Total global memory:                     %zu MiB (%zu bytes)\n",
           p.totalGlobalMem >> 20, p.totalGlobalMem);
    printf("  Multiprocessors:                         %d\n", p.multiProcessorCount);
    printf("  Clock rate:                              %d MHz (%%clock64 rate)\n",
           clock / 1000);
    printf("  Memory clock rate / bus width:           %d MHz / %d bits\n", memclock / 1000,
           p.memoryBusWidth);
    printf("  L2 cache size:                           %d bytes\n", p.l2CacheSize);
    printf("  Constant memory:                         %zu bytes\n", p.totalConstMem);
    printf("  Shared memory per block / opt-in / SM:   %zu / %zu / %zu bytes\n",
           p.sharedMemPerBlock, p.sharedMemPerBlockOptin, p.sharedMemPerMultiprocessor);
    printf("  Registers per block / SM:                %d / %d\n", p.regsPerBlock,
           p.regsPerMultiprocessor);
    printf("  Warp size:                               %d\n", p.warpSize);
    printf("  Max threads per block / SM:              %d / %d\n", p.maxThreadsPerBlock,
           p.maxThreadsPerMultiProcessor);
    printf("  Max blocks per SM:                       %d\n", p.maxBlocksPerMultiProcessor);
    printf("  Max block dimensions:                    (%d, %d, %d)\n", p.maxThreadsDim[0],
           p.maxThreadsDim[1], p.maxThreadsDim[2]);
    printf("  Max grid dimensions:                     (%d, %d, %d)\n", p.maxGridSize[0],
           p.maxGridSize[1], p.maxGridSize[2]);
    printf("  Max pitch / texture alignment:           %zu / %zu bytes\n", p.memPitch,
           p.textureAlignment);
    printf("  Max texture 1D / 2D / 3D:                %d / (%d, %d) / (%d, %d, %d)\n",
           p.maxTexture1D, p.maxTexture2D[0], p.maxTexture2D[1], p.maxTexture3D[0],
           p.maxTexture3D[1], p.maxTexture3D[2]);
    printf("  Concurrent kernels / copy engines:       %s / %d\n",
           p.concurrentKernels ? "yes" : "no", p.asyncEngineCount);
    printf("  Unified addressing / managed memory:     %s / %s\n",
           p.unifiedAddressing ? "yes" : "no", p.managedMemory ? "yes" : "no");
    printf("  Concurrent managed / pageable access:    %s / %s\n",
           p.concurrentManagedAccess ? "yes" : "no", p.pageableMemoryAccess ? "yes" : "no");
    printf("  Map host memory / integrated:            %s / %s\n",
           p.canMapHostMemory ? "yes" : "no", p.integrated ? "yes" : "no");
    printf("  Cooperative launch / cluster launch:     %s / %s\n",
           p.cooperativeLaunch ? "yes" : "no", p.clusterLaunch ? "yes" : "no");
    printf("  Stream priorities / memory pools:        %s / %s\n",
           p.streamPrioritiesSupported ? "yes" : "no", p.memoryPoolsSupported ? "yes" : "no");
    printf("  ECC / TCC driver:                        %s / %s\n",
           p.ECCEnabled ? "yes" : "no", p.tccDriver ? "yes" : "no");
    printf("  PCI domain:bus:device:                   %04x:%02x:%02x\n", p.pciDomainID,
           p.pciBusID, p.pciDeviceID);
    printf("  UUID:                                    ");
    for (int i = 0; i < 16; i++)
        printf("%02x%s", (unsigned char)p.uuid.bytes[i], i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--count-only") == 0)
        return count_only();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            setenv("CUSHIM_BACKEND", argv[++i], 1);
        } else {
            fprintf(stderr, "usage: cushim-info [--backend NAME]\n");
            return 2;
        }
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';

    int runtime = 0, driver = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    Dl_info info;
    const char *where = dladdr((void *)cudaGetDeviceCount, &info) && info.dli_fname
                            ? info.dli_fname
                            : "(unknown)";
    printf("cushim-info\n");
    printf("  Runtime library:   %s\n", where);
    printf("  Runtime version:   %d.%d\n", runtime / 1000, runtime % 1000 / 10);
    printf("  Driver version:    %d.%d\n", driver / 1000, driver % 1000 / 10);
    const char *selected = getenv("CUSHIM_BACKEND");
    printf("  Selected backend:  %s\n", selected != NULL && selected[0] ? selected : "cpu");

    char names[512];
    printf("Backends:\n");
    if (n > 0 && list_backends(self, names, sizeof names) == 0) {
        for (char *name = strtok(names, ", "); name != NULL; name = strtok(NULL, ", "))
            show_backend(self, name);
    } else {
        printf("  (could not list)\n");
    }

    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        printf("No devices: %s (%s)\n", cudaGetErrorString(e), cudaGetErrorName(e));
        return 1;
    }
    printf("Devices of the selected backend: %d\n", count);
    for (int dev = 0; dev < count; dev++)
        show_device(dev);
    return 0;
}
