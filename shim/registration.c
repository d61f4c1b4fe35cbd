/*
 * registration.c - the __cudaRegister* entry points nvcc's host code calls before main, and
 * the module records they build: one per fatbinary, with its kernels and variables in uthash
 * maps keyed by host address.
 *
 * Nothing is loaded at registration (start-up stays cheap and a program that never launches
 * never parses PTX): a module is decompressed and handed to the backend the first time one of
 * its kernels or variables is used on a device, once per device.  A container that cannot be
 * read is reported once, on stderr, and every use of its kernels then fails with the error a
 * user of NVIDIA's runtime would see.
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "fatbin.h"
#include "memory_map.h"
#include "registration.h"
#include "mu_log.h"

enum load_state { NOT_LOADED = 0, LOADED, FAILED };

struct module {
    void **key; /* the handle nvcc's code holds: this record's address */
    const void *wrapper;
    char what[512]; /* the file the fatbinary came from, for messages */
    pthread_mutex_t lock;
    int parsed;               /* images below are ready (or parse_error is set) */
    cudaError_t parse_error;  /* the container is unusable */
    struct mu_image *images;
    int image_count;
    enum load_state state[CUSHIM_MAX_DEVICES];
    cudaError_t load_error[CUSHIM_MAX_DEVICES];
    MUmodule loaded[CUSHIM_MAX_DEVICES];
    int is_library;          /* made by cudaLibraryLoadData, not registered by nvcc's code */
    uintptr_t *lib_ranges;   /* the globals of a library handed out (memory map ranges) */
    int lib_range_count;
    UT_hash_handle hh;
};

struct cushim_function {
    const void *host_fun; /* key of hh */
    const void *self;     /* key of hh_own: the cudaKernel_t handle, this record's address */
    struct module *module;
    char *name;
    MUfunction loaded[CUSHIM_MAX_DEVICES];
    UT_hash_handle hh;     /* by host_fun */
    UT_hash_handle hh_own; /* by its own address, for cudaKernel_t */
};

struct variable {
    const void *host_var; /* key: the host shadow (or, for managed, the pointer's address) */
    struct module *module;
    char *name;
    size_t size;
    void **managed_pointer; /* __managed__: where host code reads the variable's address */
    UT_hash_handle hh;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
/* Guards variables only.  It is the innermost lock: load_module holds a module's lock while it
 * records the module's variables, and cushim_modules_forget_device holds registry_lock while it
 * takes every module's lock, so the variables cannot be under registry_lock. */
static pthread_mutex_t variables_lock = PTHREAD_MUTEX_INITIALIZER;
static struct module *modules;
static struct cushim_function *functions, *kernels;
static struct variable *variables;

/* ---- reading the fatbinary ------------------------------------------------------------- */

struct readable_search {
    uintptr_t address;
    size_t readable;
};

static int find_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct readable_search *s = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && s->address >= start &&
            s->address < start + ph->p_memsz) {
            s->readable = start + ph->p_memsz - s->address;
            return 1;
        }
    }
    return 0;
}

/* How many bytes from p are mapped readable: from the loaded object holding p, else from the
 * process's memory map; 0 when p is not mapped at all. */
static size_t readable_from(const void *p)
{
    struct readable_search s = {(uintptr_t)p, 0};
    if (dl_iterate_phdr(find_segment, &s) != 0)
        return s.readable;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return 0;
    char line[512];
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && s.address >= lo &&
            s.address < hi && perms[0] == 'r') {
            s.readable = hi - s.address;
            break;
        }
    }
    fclose(maps);
    return s.readable;
}

struct collect {
    struct module *m;
    int unit;
    char why[256];
    int failed;
};

static int collect_entry(const struct fatbin_entry *entry, void *ctx)
{
    struct collect *c = ctx;
    if (entry->kind != FATBIN_KIND_PTX && entry->kind != FATBIN_KIND_ELF)
        return 0;
    size_t len = 0;
    char *contents = fatbin_entry_contents(entry, &len, c->why, sizeof c->why);
    if (contents == NULL) {
        char target[32];
        fatbin_entry_target(entry, target, sizeof target);
        mu_report("%s: skipping the %s entry of a fatbinary: %s", c->m->what,
                  target, c->why);
        return 0;
    }
    struct mu_image *grown =
        realloc(c->m->images, (size_t)(c->m->image_count + 1) * sizeof *grown);
    if (grown == NULL) {
        free(contents);
        c->failed = 1;
        return 1;
    }
    c->m->images = grown;
    grown[c->m->image_count++] = (struct mu_image){
        .kind = entry->kind == FATBIN_KIND_PTX ? MU_IMAGE_PTX : MU_IMAGE_CUBIN,
        .unit = c->unit,
        .sm = entry->sm,
        .ptx_version = entry->ptx_major * 10 + entry->ptx_minor,
        .data = contents,
        .size = len,
    };
    return 0;
}

size_t cushim_readable_bytes(const void *p)
{
    return readable_from(p);
}

/* The entries of a fatbinary (or of the fatbinary a wrapper names) in memory, for a library:
 * 0 and the images, or -1 when it is not one or is damaged. */
int cushim_fatbin_images(const void *code, size_t limit, struct mu_image **images, int *count)
{
    struct module tmp;
    memset(&tmp, 0, sizeof tmp);
    snprintf(tmp.what, sizeof tmp.what, "library at %p", code);
    struct collect c = {.m = &tmp};
    size_t readable = readable_from(code);
    const void *fatbin = code;
    struct fatbin_wrapper w;
    if (readable > limit)
        readable = limit;
    if (readable >= sizeof w && fatbin_read_wrapper(code, readable, &w, c.why, sizeof c.why) == 0) {
        fatbin = w.fatbin;
        readable = readable_from(fatbin);
    }
    if (readable == 0 ||
        fatbin_for_each_entry(fatbin, readable, collect_entry, &c, c.why, sizeof c.why) != 0 ||
        c.failed) {
        for (int i = 0; i < tmp.image_count; i++)
            free((void *)tmp.images[i].data);
        free(tmp.images);
        return -1;
    }
    *images = tmp.images;
    *count = tmp.image_count;
    return 0;
}

/* Most translation units one -rdc=true program links; the list is NULL-terminated anyway. */
#define MAX_LINKED_UNITS 4096

/* Decompress the module's entries once; called with m->lock held.  A version-2 wrapper
 * (-rdc=true) names the device-linked fatbinary, which holds only machine code, and in its
 * extra field a NULL-terminated list of every translation unit's relocatable fatbinary, which
 * hold the PTX: unit 0 is the linked image, units 1.. the translation units. */
static void parse_module(struct module *m)
{
    if (m->parsed)
        return;
    m->parsed = 1;
    struct fatbin_wrapper w;
    struct collect c = {.m = m};
    int sound = fatbin_read_wrapper(m->wrapper, readable_from(m->wrapper), &w, c.why,
                                    sizeof c.why) == 0 &&
                fatbin_for_each_entry(w.fatbin, readable_from(w.fatbin), collect_entry, &c,
                                      c.why, sizeof c.why) == 0;
    if (sound && w.version >= 2 && w.extra != NULL) {
        const void *const *units = w.extra;
        size_t readable = readable_from(units) / sizeof *units;
        for (size_t i = 0; sound && i < readable && i < MAX_LINKED_UNITS && units[i]; i++) {
            c.unit = (int)i + 1;
            sound = fatbin_for_each_entry(units[i], readable_from(units[i]), collect_entry, &c,
                                          c.why, sizeof c.why) == 0;
        }
    }
    if (!sound) {
        mu_report("%s: damaged fatbinary: %s", m->what, c.why);
        m->parse_error = cudaErrorInvalidKernelImage;
        return;
    }
    if (c.failed)
        m->parse_error = cudaErrorMemoryAllocation;
}

static void record_symbol_ranges(struct module *m, int device);

static cudaError_t load_module(struct module *m, int device)
{
    pthread_mutex_lock(&m->lock);
    cudaError_t error = cudaSuccess;
    if (m->state[device] == LOADED)
        goto out;
    if (m->state[device] == FAILED) {
        error = m->load_error[device];
        goto out;
    }
    parse_module(m);
    error = m->parse_error;
    const struct mu_driver *driver = NULL;
    if (error == cudaSuccess)
        error = cushim_begin_device(&driver, device);
    if (error == cudaSuccess)
        error = cushim_from_mu(driver->muModuleLoad(&m->loaded[device], device, m->images,
                                                    m->image_count, m->what));
    if (error != cudaSuccess) {
        /* Failures that depend on the device's state are not remembered. */
        if (error != cudaErrorMemoryAllocation) {
            m->state[device] = FAILED;
            m->load_error[device] = error;
        }
        goto out;
    }
    m->state[device] = LOADED;
    record_symbol_ranges(m, device);
out:
    pthread_mutex_unlock(&m->lock);
    return error;
}

/* Module variables become known ranges, so copies to and from their addresses are checked
 * like any other device memory; __managed__ variables get their host-side pointer. */
static void record_symbol_ranges(struct module *m, int device)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    struct variable *v, *tmp;
    pthread_mutex_lock(&variables_lock);
    HASH_ITER(hh, variables, v, tmp)
    {
        if (v->module != m)
            continue;
        MUdeviceptr address = 0;
        size_t bytes = 0;
        if (driver->muModuleGetGlobal(&address, &bytes, m->loaded[device], v->name) !=
            MU_SUCCESS)
            continue;
        struct cushim_range r = {(uintptr_t)address, bytes,
                                 v->managed_pointer ? CUSHIM_MEM_MANAGED : CUSHIM_MEM_SYMBOL,
                                 device, 0};
        cushim_memory_add(&r);
        if (v->managed_pointer != NULL && *v->managed_pointer == NULL)
            *v->managed_pointer = (void *)(uintptr_t)address;
    }
    pthread_mutex_unlock(&variables_lock);
}

static int is_module_range(const struct cushim_range *r)
{
    return r->kind == CUSHIM_MEM_SYMBOL || r->kind == CUSHIM_MEM_MANAGED;
}

void cushim_modules_forget_device(int device)
{
    struct module *m, *tmp;
    pthread_mutex_lock(&registry_lock);
    HASH_ITER(hh, modules, m, tmp)
    {
        pthread_mutex_lock(&m->lock);
        m->state[device] = NOT_LOADED;
        m->loaded[device] = NULL;
        pthread_mutex_unlock(&m->lock);
    }
    struct cushim_function *f, *ftmp;
    HASH_ITER(hh_own, kernels, f, ftmp) /* every kernel, registered or from a library */
    {
        f->loaded[device] = NULL;
    }
    pthread_mutex_unlock(&registry_lock);
    cushim_memory_remove_device(device, is_module_range, NULL);
}

/* ---- lookups ---------------------------------------------------------------------------- */

struct cushim_function *cushim_function_by_host(const void *host_fun)
{
    struct cushim_function *f;
    pthread_mutex_lock(&registry_lock);
    HASH_FIND_PTR(functions, &host_fun, f);
    pthread_mutex_unlock(&registry_lock);
    return f;
}

struct cushim_function *cushim_function_by_kernel(cudaKernel_t kernel)
{
    struct cushim_function *f;
    const void *key = kernel;
    pthread_mutex_lock(&registry_lock);
    HASH_FIND(hh_own, kernels, &key, sizeof key, f);
    pthread_mutex_unlock(&registry_lock);
    return f;
}

const char *cushim_function_name(const struct cushim_function *fn)
{
    return fn->name;
}

const void *cushim_function_host(const struct cushim_function *fn)
{
    return fn->host_fun;
}

cudaError_t cushim_function_load(struct cushim_function *fn, int device, MUfunction *out)
{
    MUfunction loaded = __atomic_load_n(&fn->loaded[device], __ATOMIC_ACQUIRE);
    if (loaded != NULL) {
        *out = loaded;
        return cudaSuccess;
    }
    cudaError_t error = load_module(fn->module, device);
    if (error != cudaSuccess)
        return error;
    MUresult r = cushim_backend(NULL)->muModuleGetFunction(
        &loaded, fn->module->loaded[device], fn->name);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    __atomic_store_n(&fn->loaded[device], loaded, __ATOMIC_RELEASE);
    *out = loaded;
    return cudaSuccess;
}

cudaError_t cushim_symbol_lookup(const void *symbol, int device, void **address, size_t *size)
{
    struct variable *v;
    pthread_mutex_lock(&variables_lock);
    HASH_FIND_PTR(variables, &symbol, v);
    pthread_mutex_unlock(&variables_lock);
    if (v == NULL)
        return cudaErrorInvalidSymbol;
    cudaError_t error = load_module(v->module, device);
    if (error != cudaSuccess)
        return error;
    MUdeviceptr ptr = 0;
    size_t bytes = 0;
    MUresult r = cushim_backend(NULL)->muModuleGetGlobal(&ptr, &bytes,
                                                        v->module->loaded[device], v->name);
    if (r != MU_SUCCESS)
        return cudaErrorInvalidSymbol;
    *address = (void *)(uintptr_t)ptr;
    *size = bytes;
    return cudaSuccess;
}

/* ---- the entry points nvcc's host code calls ------------------------------------------- */

static struct module *module_of(void **handle)
{
    struct module *m;
    pthread_mutex_lock(&registry_lock);
    HASH_FIND_PTR(modules, &handle, m);
    pthread_mutex_unlock(&registry_lock);
    return m;
}

void **impl___cudaRegisterFatBinary(void *fatCubin)
{
    struct module *m = calloc(1, sizeof *m);
    if (m == NULL) {
        mu_report("out of memory registering a fatbinary");
        return NULL;
    }
    m->key = (void **)m;
    m->wrapper = fatCubin;
    pthread_mutex_init(&m->lock, NULL);
    Dl_info info;
    if (dladdr(fatCubin, &info) != 0 && info.dli_fname != NULL && info.dli_fname[0] != '\0')
        snprintf(m->what, sizeof m->what, "%s", info.dli_fname);
    else
        snprintf(m->what, sizeof m->what, "fatbinary at %p", fatCubin);
    pthread_mutex_lock(&registry_lock);
    HASH_ADD_PTR(modules, key, m);
    pthread_mutex_unlock(&registry_lock);
    if (m->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
        mu_report("out of memory registering a fatbinary");
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m->key;
}

void impl___cudaRegisterFatBinaryEnd(void **fatCubinHandle)
{
    (void)fatCubinHandle;
}

void impl___cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                                 const char *deviceName, int thread_limit, uint3 *tid,
                                 uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize)
{
    (void)deviceFun;
    (void)thread_limit;
    (void)tid;
    (void)bid;
    (void)bDim;
    (void)gDim;
    (void)wSize;
    struct module *m = module_of(fatCubinHandle);
    if (m == NULL || deviceName == NULL)
        return;
    struct cushim_function *f = calloc(1, sizeof *f);
    char *name = deviceName != NULL ? strdup(deviceName) : NULL;
    if (f == NULL || name == NULL) {
        free(f);
        free(name);
        return;
    }
    f->host_fun = hostFun;
    f->self = f;
    f->module = m;
    f->name = name;
    pthread_mutex_lock(&registry_lock);
    struct cushim_function *old;
    HASH_FIND_PTR(functions, &f->host_fun, old);
    int kept = 0;
    if (old == NULL) {
        /* uthash is built non-fatal on allocation failure: a kernel that cannot be recorded
         * is not registered, and launching it says cudaErrorInvalidDeviceFunction */
        HASH_ADD_PTR(functions, host_fun, f);
        if (f->hh.tbl != NULL) {
            HASH_ADD(hh_own, kernels, self, sizeof f->self, f);
            if (f->hh_own.tbl == NULL)
                HASH_DELETE(hh, functions, f);
            else
                kept = 1;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    if (!kept) {
        free(name);
        free(f);
    }
}

static void add_variable(void **handle, const void *key, const char *name, size_t size,
                         void **managed_pointer)
{
    struct module *m = module_of(handle);
    if (m == NULL || name == NULL)
        return;
    struct variable *v = calloc(1, sizeof *v);
    char *copy = strdup(name);
    if (v == NULL || copy == NULL) {
        free(v);
        free(copy);
        return;
    }
    *v = (struct variable){.host_var = key,
                           .module = m,
                           .name = copy,
                           .size = size,
                           .managed_pointer = managed_pointer};
    pthread_mutex_lock(&variables_lock);
    struct variable *old;
    HASH_FIND_PTR(variables, &key, old);
    if (old == NULL)
        HASH_ADD_PTR(variables, host_var, v);
    int kept = old == NULL && v->hh.tbl != NULL; /* uthash is non-fatal on allocation failure */
    pthread_mutex_unlock(&variables_lock);
    if (!kept) {
        free(copy);
        free(v);
    }
}

void impl___cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
                            const char *deviceName, int ext, size_t size, int constant,
                            int global)
{
    (void)deviceAddress;
    (void)ext;
    (void)constant;
    (void)global;
    add_variable(fatCubinHandle, hostVar, deviceName, size, NULL);
}

/* A __managed__ variable: host code reads its address through *hostVarPtrAddress, which
 * __cudaInitModule fills in; cudaMemcpyToSymbol may also name it by that pointer's address. */
void impl___cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress,
                                   char *deviceAddress, const char *deviceName, int ext,
                                   size_t size, int constant, int global)
{
    (void)deviceAddress;
    (void)ext;
    (void)constant;
    (void)global;
    add_variable(fatCubinHandle, hostVarPtrAddress, deviceName, size, hostVarPtrAddress);
}

/* A variable with host storage only: nothing lives on the device. */
void impl___cudaRegisterHostVar(void **fatCubinHandle, const char *deviceName, char *hostVar,
                                size_t size)
{
    (void)fatCubinHandle;
    (void)deviceName;
    (void)hostVar;
    (void)size;
}

/* NVIDIA's unified function/data table for heterogeneous code; nvcc emits it only for
 * features cushim does not offer, so there is nothing to record. */
void impl___cudaRegisterUnifiedTable(void *table)
{
    (void)table;
}

/* Called by host code before it first touches a __managed__ variable: load the module on the
 * current device so the variables have addresses.  Returns 1 when the module is usable. */
char impl___cudaInitModule(void **fatCubinHandle)
{
    struct module *m = module_of(fatCubinHandle);
    const struct mu_driver *driver;
    int device;
    if (m == NULL || cushim_begin(&driver, &device) != cudaSuccess)
        return 0;
    return load_module(m, device) == cudaSuccess;
}

/* Forget a module with its kernels and variables and unload it from every device. */
static void destroy_module(struct module *m)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    pthread_mutex_lock(&registry_lock);
    HASH_DEL(modules, m);
    struct cushim_function *f, *ftmp;
    HASH_ITER(hh_own, kernels, f, ftmp)
    {
        if (f->module == m) {
            if (f->host_fun != NULL)
                HASH_DEL(functions, f);
            HASH_DELETE(hh_own, kernels, f);
            free(f->name);
            free(f);
        }
    }
    struct variable *v, *vtmp;
    pthread_mutex_lock(&variables_lock);
    HASH_ITER(hh, variables, v, vtmp)
    {
        if (v->module == m) {
            for (int d = 0; d < CUSHIM_MAX_DEVICES && driver != NULL; d++) {
                MUdeviceptr address;
                size_t bytes;
                if (m->state[d] == LOADED &&
                    driver->muModuleGetGlobal(&address, &bytes, m->loaded[d], v->name) ==
                        MU_SUCCESS)
                    cushim_memory_remove((uintptr_t)address, is_module_range, NULL);
            }
            HASH_DEL(variables, v);
            free(v->name);
            free(v);
        }
    }
    pthread_mutex_unlock(&variables_lock);
    pthread_mutex_unlock(&registry_lock);
    for (int i = 0; i < m->lib_range_count; i++)
        cushim_memory_remove(m->lib_ranges[i], is_module_range, NULL);
    free(m->lib_ranges);
    for (int d = 0; d < CUSHIM_MAX_DEVICES; d++)
        if (m->state[d] == LOADED && driver != NULL)
            driver->muModuleUnload(m->loaded[d]);
    for (int i = 0; i < m->image_count; i++)
        free((void *)m->images[i].data);
    free(m->images);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void impl___cudaUnregisterFatBinary(void **fatCubinHandle)
{
    struct module *m = module_of(fatCubinHandle);
    if (m != NULL && !m->is_library)
        destroy_module(m);
}

/* ---- libraries: modules made from memory (cudaLibraryLoadData, library.c) ---------------- */

void **cushim_library_create(struct mu_image *images, int count, const char *what)
{
    struct module *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->key = (void **)m;
    m->is_library = 1;
    m->parsed = 1; /* the images are given */
    m->images = images;
    m->image_count = count;
    snprintf(m->what, sizeof m->what, "%s", what);
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_lock(&registry_lock);
    HASH_ADD_PTR(modules, key, m);
    int added = m->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&registry_lock);
    if (!added) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m->key;
}

static struct module *library_of(void **handle)
{
    struct module *m = module_of(handle);
    return m != NULL && m->is_library ? m : NULL;
}

int cushim_library_images(void **handle, const struct mu_image **images)
{
    struct module *m = library_of(handle);
    if (m == NULL)
        return -1;
    *images = m->images;
    return m->image_count;
}



void cushim_library_destroy(void **handle)
{
    struct module *m = library_of(handle);
    if (m != NULL)
        destroy_module(m);
}

/* The library's module, loaded on device. */
static cudaError_t loaded_library(void **handle, int device, struct module **out)
{
    struct module *m = library_of(handle);
    if (m == NULL)
        return cudaErrorInvalidResourceHandle;
    cudaError_t error = load_module(m, device);
    if (error == cudaSuccess)
        *out = m;
    return error;
}

cudaError_t cushim_library_load(void **handle, int device)
{
    struct module *m;
    return loaded_library(handle, device, &m);
}

cudaError_t cushim_library_kernel(void **handle, const char *name, int device,
                                  struct cushim_function **out)
{
    struct module *m;
    cudaError_t error = loaded_library(handle, device, &m);
    if (error != cudaSuccess)
        return error;
    MUfunction probe;
    if (cushim_backend(NULL)->muModuleGetFunction(&probe, m->loaded[device], name) != MU_SUCCESS)
        return cudaErrorSymbolNotFound;
    struct cushim_function *f, *ftmp, *found = NULL;
    pthread_mutex_lock(&registry_lock);
    HASH_ITER(hh_own, kernels, f, ftmp)
    {
        if (f->module == m && strcmp(f->name, name) == 0)
            found = f;
    }
    if (found == NULL && (found = calloc(1, sizeof *found)) != NULL) {
        found->self = found;
        found->module = m;
        found->name = strdup(name);
        if (found->name != NULL)
            HASH_ADD(hh_own, kernels, self, sizeof found->self, found);
        if (found->name == NULL || found->hh_own.tbl == NULL) {
            free(found->name);
            free(found);
            found = NULL;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    if (found == NULL)
        return cudaErrorMemoryAllocation;
    *out = found;
    return cudaSuccess;
}

cudaError_t cushim_library_global(void **handle, const char *name, int device, void **address,
                                  size_t *bytes)
{
    struct module *m;
    cudaError_t error = loaded_library(handle, device, &m);
    if (error != cudaSuccess)
        return error;
    MUdeviceptr at = 0;
    size_t size = 0;
    if (cushim_backend(NULL)->muModuleGetGlobal(&at, &size, m->loaded[device], name) != MU_SUCCESS)
        return cudaErrorSymbolNotFound;
    /* Copies to and from it are checked like any device memory's: a known range. */
    struct cushim_range r = {(uintptr_t)at, size, CUSHIM_MEM_SYMBOL, device, 0};
    if (cushim_memory_add(&r) == 0) {
        pthread_mutex_lock(&m->lock);
        uintptr_t *grown = realloc(m->lib_ranges, (size_t)(m->lib_range_count + 1) * sizeof *grown);
        if (grown != NULL) {
            m->lib_ranges = grown;
            m->lib_ranges[m->lib_range_count++] = r.base;
        }
        pthread_mutex_unlock(&m->lock);
    }
    *address = (void *)(uintptr_t)at;
    if (bytes != NULL)
        *bytes = size;
    return cudaSuccess;
}
