/*
 * test_engine_harness.c - the shared plumbing of the engine tests (see tests/ptx/harness.h):
 * a thread-safe allocation registry standing in for the cpu backend's device services,
 * module loading from tests/ptx/, record-kernel runs and output capture.  Defines no suite.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ptx/harness.h"

struct th_alloc_rec {
    uint64_t base, size;
};

static pthread_mutex_t th_mu = PTHREAD_MUTEX_INITIALIZER;
static struct th_alloc_rec *th_allocs;
static size_t th_nallocs, th_cap;

static int th_find_range(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size)
{
    (void)ctx;
    int found = 0;
    pthread_mutex_lock(&th_mu);
    for (size_t i = 0; i < th_nallocs; i++) {
        if (addr - th_allocs[i].base < th_allocs[i].size) {
            *base = th_allocs[i].base;
            *size = th_allocs[i].size;
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&th_mu);
    return found;
}

static void *th_host_alloc(void *ctx, size_t bytes, size_t align)
{
    (void)ctx;
    if (align < 16)
        align = 16;
    size_t rounded = (bytes + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (!p)
        return NULL;
    memset(p, 0, rounded ? rounded : align);
    pthread_mutex_lock(&th_mu);
    if (th_nallocs == th_cap) {
        size_t ncap = th_cap ? th_cap * 2 : 64;
        struct th_alloc_rec *n = realloc(th_allocs, ncap * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&th_mu);
            free(p);
            return NULL;
        }
        th_allocs = n;
        th_cap = ncap;
    }
    th_allocs[th_nallocs].base = (uint64_t)(uintptr_t)p;
    th_allocs[th_nallocs].size = bytes ? bytes : 1;
    th_nallocs++;
    pthread_mutex_unlock(&th_mu);
    return p;
}

static void th_host_free(void *ctx, void *p)
{
    (void)ctx;
    if (!p)
        return;
    pthread_mutex_lock(&th_mu);
    for (size_t i = 0; i < th_nallocs; i++) {
        if (th_allocs[i].base == (uint64_t)(uintptr_t)p) {
            th_allocs[i] = th_allocs[--th_nallocs];
            break;
        }
    }
    pthread_mutex_unlock(&th_mu);
    free(p);
}

/* Texture and surface objects for the texture tests: a small table the engine resolves
 * handles through, as the cpu backend's cpu_texture.c does for real programs. */
#define TH_MAX_TEXTURES 64
static struct {
    uint64_t handle;
    int surface;
    struct mu_texture desc;
} th_textures[TH_MAX_TEXTURES];
static uint64_t th_next_texture = 1;

static int th_resolve_texture(void *ctx, uint64_t handle, int surface, struct mu_texture *out)
{
    (void)ctx;
    int found = 0;
    pthread_mutex_lock(&th_mu);
    for (size_t i = 0; i < TH_MAX_TEXTURES && !found; i++) {
        if (th_textures[i].handle == handle && handle != 0 && th_textures[i].surface == surface) {
            *out = th_textures[i].desc;
            found = 1;
        }
    }
    pthread_mutex_unlock(&th_mu);
    return found;
}

uint64_t th_texture_add(const struct mu_texture *t, int surface)
{
    uint64_t handle = 0;
    pthread_mutex_lock(&th_mu);
    for (size_t i = 0; i < TH_MAX_TEXTURES && handle == 0; i++) {
        if (th_textures[i].handle == 0) {
            handle = th_next_texture++;
            th_textures[i].handle = handle;
            th_textures[i].surface = surface;
            th_textures[i].desc = *t;
        }
    }
    pthread_mutex_unlock(&th_mu);
    ck_assert_msg(handle != 0, "texture table full");
    return handle;
}

void th_texture_remove(uint64_t handle)
{
    pthread_mutex_lock(&th_mu);
    for (size_t i = 0; i < TH_MAX_TEXTURES; i++)
        if (th_textures[i].handle == handle)
            th_textures[i].handle = 0;
    pthread_mutex_unlock(&th_mu);
}

static const struct engine_host th_the_host = {.find_range = th_find_range,
                                               .alloc = th_host_alloc,
                                               .free = th_host_free,
                                               .resolve_texture = th_resolve_texture};

const struct engine_host *th_host(void)
{
    return &th_the_host;
}

void *th_alloc(size_t bytes)
{
    return th_host_alloc(NULL, bytes, 16);
}

void th_free(void *p)
{
    th_host_free(NULL, p);
}

/* tests/ptx next to this file's directory, or $CUSHIM_PTX_TESTS */
static void ptx_path(const char *name, char *buf, size_t len)
{
    const char *env = getenv("CUSHIM_PTX_TESTS");
    if (env && *env) {
        snprintf(buf, len, "%s/%s", env, name);
        return;
    }
    const char *me = __FILE__;
    const char *slash = strrchr(me, '/');
    if (slash)
        snprintf(buf, len, "%.*s/../ptx/%s", (int)(slash - me), me, name);
    else
        snprintf(buf, len, "../ptx/%s", name);
    if (access(buf, R_OK) != 0)
        snprintf(buf, len, "tests/ptx/%s", name);
}

char *th_read_ptx(const char *name, size_t *len)
{
    char path[1024];
    ptx_path(name, path, sizeof path);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert(buf != NULL);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

engine_module *th_load(const char *name)
{
    size_t len;
    char *text = th_read_ptx(name, &len);
    engine_module *m = NULL;
    MUresult r = engine_module_load(&m, text, len, th_host(), name);
    free(text);
    ck_assert_msg(r == MU_SUCCESS, "loading %s failed with %d", name, (int)r);
    return m;
}

MUresult th_load_text(const char *text, engine_module **m)
{
    return engine_module_load(m, text, strlen(text), th_host(), "test");
}

MUresult th_launch(engine_module *m, const char *name, dim3 grid, dim3 block, size_t smem, void **args)
{
    const engine_kernel *k = engine_module_kernel(m, name);
    ck_assert_msg(k != NULL, "no kernel %s", name);
    struct engine_launch l;
    memset(&l, 0, sizeof l);
    l.grid = grid;
    l.block = block;
    l.dynamic_smem_bytes = smem;
    l.args = args;
    return engine_launch(k, &l);
}

MUresult th_run(engine_module *m, const char *name, const th_rec_in *in, th_rec_out *out, unsigned n)
{
    th_rec_in *din = th_alloc(sizeof *din * n);
    th_rec_out *dout = th_alloc(sizeof *dout * n);
    ck_assert(din && dout);
    memcpy(din, in, sizeof *din * n);
    memset(dout, 0xa5, sizeof *dout * n);
    void *args[2] = {&din, &dout};
    MUresult r = th_launch(m, name, th_dim(1, 1, 1), th_dim(n, 1, 1), 0, args);
    memcpy(out, dout, sizeof *dout * n);
    th_free(din);
    th_free(dout);
    return r;
}

char *th_capture(int fd, void (*fn)(void *), void *arg)
{
    FILE *stream = fd == 1 ? stdout : stderr;
    fflush(stream);
    char tmpl[] = "/tmp/cushim-capture-XXXXXX";
    int t = mkstemp(tmpl);
    ck_assert(t >= 0);
    unlink(tmpl);
    int saved = dup(fd);
    dup2(t, fd);
    fn(arg);
    fflush(stream);
    dup2(saved, fd);
    close(saved);
    off_t n = lseek(t, 0, SEEK_END);
    char *buf = malloc((size_t)n + 1);
    ck_assert(buf != NULL);
    lseek(t, 0, SEEK_SET);
    ssize_t got = read(t, buf, (size_t)n);
    buf[got > 0 ? got : 0] = 0;
    close(t);
    return buf;
}

struct warp_launch {
    engine_module *m;
    const char *name;
    void **args;
    MUresult r;
};

static void launch_warp(void *p)
{
    struct warp_launch *c = p;
    c->r = th_launch(c->m, c->name, th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c->args);
}

char *th_launch_warp_stderr(engine_module *m, const char *name, void **args, MUresult *r)
{
    struct warp_launch c = {m, name, args, MU_SUCCESS};
    char *err = th_capture(2, launch_warp, &c);
    *r = c.r;
    return err;
}
