/*
 * programs.c - runs each .cu test program (built by nvcc with -cudart shared into
 * $CUSHIM_TEST_PROGRAMS) under the shim as its own process, one Check test per program.
 *
 * A program passes when it exits 0 within the time limit and, if tests/cuda/NAME.expected
 * exists, prints exactly that on stdout.  tests/cuda/NAME.env may list KEY=VALUE lines to set
 * (e.g. CUSHIM_CPU_DEVICES=2).  The library directory comes from $CUSHIM_LIBDIR.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROGRAMS 512
#define SOURCE_DIR "tests/cuda"

static char *programs[MAX_PROGRAMS];
static int program_count;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_programs(const char *dir)
{
    DIR *d = dir != NULL && dir[0] != '\0' ? opendir(dir) : NULL;
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && program_count < MAX_PROGRAMS) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            (st.st_mode & S_IXUSR))
            programs[program_count++] = strdup(path);
    }
    closedir(d);
    qsort(programs, (size_t)program_count, sizeof programs[0], by_name);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* Source-side companion file of a program: tests/cuda/NAME.SUFFIX (NAME without @variant). */
static void companion(char *out, size_t len, const char *program, const char *suffix)
{
    char name[256];
    snprintf(name, sizeof name, "%s", base_name(program));
    char *at = strchr(name, '@');
    if (at != NULL)
        *at = '\0';
    snprintf(out, len, "%s/%s.%s", SOURCE_DIR, name, suffix);
}

static void apply_env_file(const char *program)
{
    char path[4096];
    companion(path, sizeof path, program, "env");
    size_t len;
    char *text = read_file(path, &len);
    if (text == NULL)
        return;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (line[0] != '#' && eq != NULL) {
            *eq = '\0';
            setenv(line, eq + 1, 1);
        }
    }
    free(text);
}

/* How a program finds cushim: by the library path (the usual way), or preloaded over NVIDIA's
 * own runtime on the library path. */
enum loading { BY_LIBRARY_PATH, BY_PRELOAD };

static int run_program(const char *program, const char *stdout_path, int timeout_s,
                       enum loading loading)
{
    pid_t pid = fork();
    if (pid == 0) {
        const char *libdir = getenv("CUSHIM_LIBDIR");
        /* Sanitizer runs: the sanitizer runtime must come before everything else. */
        const char *preload_first = getenv("CUSHIM_TEST_PRELOAD");
        if (preload_first != NULL && preload_first[0] != '\0')
            setenv("LD_PRELOAD", preload_first, 1);
        if (libdir != NULL && loading == BY_LIBRARY_PATH) {
            setenv("LD_LIBRARY_PATH", libdir, 1);
        } else if (libdir != NULL) {
            char preload[8192];
            snprintf(preload, sizeof preload, "%s%s%s/libcudart.so.13",
                     preload_first != NULL ? preload_first : "",
                     preload_first != NULL && preload_first[0] ? ":" : "", libdir);
            setenv("LD_PRELOAD", preload, 1);
            const char *cuda = getenv("CUDA_HOME");
            char nvidia[4096];
            snprintf(nvidia, sizeof nvidia, "%s/lib64", cuda != NULL ? cuda : "/usr/local/cuda");
            setenv("LD_LIBRARY_PATH", nvidia, 1);
        }
        apply_env_file(program);
        if (freopen(stdout_path, "w", stdout) == NULL)
            _exit(126);
        execl(program, program, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status = 0;
    for (int waited_ms = 0;; waited_ms += 20) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            return -1;
        if (waited_ms >= timeout_s * 1000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -2;
        }
        struct timespec ms20 = {0, 20 * 1000 * 1000};
        nanosleep(&ms20, NULL);
    }
    if (WIFSIGNALED(status))
        return 1000 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

START_TEST(program_passes)
{
    const char *program = programs[_i];
    char out_path[] = "/tmp/cushim-test-stdout-XXXXXX";
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    const char *limit = getenv("CUSHIM_TEST_TIMEOUT");
    int rc = run_program(program, out_path, limit != NULL ? atoi(limit) : 300, BY_LIBRARY_PATH);
    size_t got_len = 0;
    char *got = read_file(out_path, &got_len);
    unlink(out_path);
    if (rc != 0 && got != NULL)
        fprintf(stderr, "---- stdout of %s ----\n%s---- end ----\n", program, got);
    ck_assert_msg(rc != -2, "%s: timed out", program);
    ck_assert_msg(rc < 1000, "%s: killed by signal %d", program, rc - 1000);
    ck_assert_msg(rc == 0, "%s: exit status %d", program, rc);
    char expected_path[4096];
    companion(expected_path, sizeof expected_path, program, "expected");
    size_t want_len;
    char *want = read_file(expected_path, &want_len);
    if (want != NULL) {
        ck_assert_msg(got != NULL && got_len == want_len && memcmp(got, want, want_len) == 0,
                      "%s: stdout differs from %s:\n---- got ----\n%s---- want ----\n%s",
                      program, expected_path, got != NULL ? got : "", want);
        free(want);
    }
    free(got);
}
END_TEST

/* LD_PRELOAD over NVIDIA's runtime: the foundation program passes only if cushim answers (it
 * checks answers NVIDIA's runtime would give differently without a GPU). */
START_TEST(preloaded_over_nvidia_runtime)
{
    const char *dir = getenv("CUSHIM_TEST_PROGRAMS");
    char program[4096];
    snprintf(program, sizeof program, "%s/foundation", dir);
    if (access(program, X_OK) != 0)
        return;
    char out_path[] = "/tmp/cushim-test-stdout-XXXXXX";
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    int rc = run_program(program, out_path, 120, BY_PRELOAD);
    size_t len = 0;
    char *got = read_file(out_path, &len);
    unlink(out_path);
    ck_assert_msg(rc == 0, "foundation under LD_PRELOAD: exit status %d, stdout: %s", rc,
                  got != NULL ? got : "");
    ck_assert(got != NULL && strstr(got, "foundation: PASS") != NULL);
    free(got);
}
END_TEST

Suite *suite_programs(void)
{
    find_programs(getenv("CUSHIM_TEST_PROGRAMS"));
    Suite *s = suite_create("programs");
    TCase *tc = tcase_create("cuda");
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, program_passes, 0, program_count);
    if (program_count > 0)
        tcase_add_test(tc, preloaded_over_nvidia_runtime);
    suite_add_tcase(s, tc);
    return s;
}
