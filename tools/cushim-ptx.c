/*
 * cushim-ptx - lists the fatbinary entries of a CUDA binary and prints its (decompressed) PTX,
 * like `cuobjdump -lptx -ptx`, which CUDA 13 no longer installs.
 *
 *   cushim-ptx [--list] [--entry N] BINARY
 *
 * It reads the ELF sections nvcc fills (.nv_fatbin, and __nv_relfatbin for -rdc builds), which
 * hold one or more fatbinaries back to back, with the same container reader the runtime uses.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatbin.h"

struct options {
    int list_only;
    int only_entry; /* -1: all */
};

struct walk {
    const struct options *opt;
    const char *section;
    int index;
    int failures;
};

static int show_entry(const struct fatbin_entry *entry, void *ctx)
{
    struct walk *w = ctx;
    int index = w->index++;
    if (w->opt->only_entry >= 0 && index != w->opt->only_entry)
        return 0;
    char target[32];
    fatbin_entry_target(entry, target, sizeof target);
    const char *kind = entry->kind == FATBIN_KIND_PTX   ? "PTX"
                       : entry->kind == FATBIN_KIND_ELF ? "ELF"
                                                        : "unknown";
    const char *codec = (entry->flags & FATBIN_FLAG_COMPRESSED_ZSTD)  ? "zstd"
                        : (entry->flags & FATBIN_FLAG_COMPRESSED_LZ4) ? "lz4"
                                                                      : "none";
    printf("entry %d: %s %s, %zu bytes stored, compression %s", index, kind, target,
           entry->stored_size, codec);
    if (entry->kind == FATBIN_KIND_PTX)
        printf(", PTX ISA %u.%u", entry->ptx_major, entry->ptx_minor);
    printf(" (%s)\n", w->section);
    if (w->opt->list_only || entry->kind != FATBIN_KIND_PTX)
        return 0;
    char why[256];
    size_t len;
    char *text = fatbin_entry_contents(entry, &len, why, sizeof why);
    if (text == NULL) {
        fprintf(stderr, "cushim-ptx: entry %d: %s\n", index, why);
        w->failures++;
        return 0;
    }
    printf("---- PTX of entry %d (%zu bytes) ----\n", index, len);
    fwrite(text, 1, len, stdout);
    if (len > 0 && text[len - 1] != '\n')
        putchar('\n');
    printf("---- end of entry %d ----\n", index);
    free(text);
    return 0;
}

/* One section: fatbinaries back to back, each 8-byte aligned. */
static void walk_section(const uint8_t *data, size_t size, struct walk *w)
{
    size_t at = 0;
    while (at + 16 <= size) {
        char why[256];
        size_t total = fatbin_total_size(data + at, size - at, why, sizeof why);
        if (total == 0) {
            /* Padding between fatbinaries is zeros; anything else is damage. */
            if (data[at] != 0) {
                fprintf(stderr, "cushim-ptx: %s+%zu: %s\n", w->section, at, why);
                w->failures++;
                return;
            }
            at += 8;
            continue;
        }
        if (fatbin_for_each_entry(data + at, size - at, show_entry, w, why, sizeof why) != 0) {
            fprintf(stderr, "cushim-ptx: %s+%zu: %s\n", w->section, at, why);
            w->failures++;
        }
        at += (total + 7) & ~(size_t)7;
    }
}

static int dump(const char *path, const struct options *opt)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        return 2;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        fprintf(stderr, "cushim-ptx: %s: not an ELF file\n", path);
        close(fd);
        return 2;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *file = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (file == MAP_FAILED) {
        perror(path);
        return 2;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
    int rc = 0;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shoff == 0 || eh->e_shoff > size ||
        (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum || eh->e_shstrndx >= eh->e_shnum) {
        fprintf(stderr, "cushim-ptx: %s: not a 64-bit ELF file with sections\n", path);
        rc = 2;
        goto out;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
    const Elf64_Shdr *names = &sh[eh->e_shstrndx];
    if (names->sh_offset > size || names->sh_size > size - names->sh_offset) {
        fprintf(stderr, "cushim-ptx: %s: damaged section names\n", path);
        rc = 2;
        goto out;
    }
    struct walk w = {.opt = opt};
    int found = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name >= names->sh_size || sh[i].sh_type == SHT_NOBITS)
            continue;
        const char *name = (const char *)file + names->sh_offset + sh[i].sh_name;
        if (strcmp(name, ".nv_fatbin") != 0 && strcmp(name, "__nv_relfatbin") != 0)
            continue;
        if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
            continue;
        found = 1;
        w.section = name;
        walk_section(file + sh[i].sh_offset, sh[i].sh_size, &w);
    }
    if (!found) {
        fprintf(stderr, "cushim-ptx: %s: no fatbinary (.nv_fatbin) in this file\n", path);
        rc = 1;
    } else if (w.failures > 0) {
        rc = 1;
    }
out:
    munmap((void *)file, size);
    return rc;
}

int main(int argc, char **argv)
{
    struct options opt = {.list_only = 0, .only_entry = -1};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0) {
            opt.list_only = 1;
        } else if (strcmp(argv[i], "--entry") == 0 && i + 1 < argc) {
            opt.only_entry = atoi(argv[++i]);
        } else {
            break;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: cushim-ptx [--list] [--entry N] BINARY\n");
        return 2;
    }
    return dump(argv[i], &opt);
}
