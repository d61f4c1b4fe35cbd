/*
 * ptx_tables.c - the instruction, type, suffix and special-register tables as data, and the
 * name look-ups over them.
 *
 * Owns: the arrays generated from the .def files and their sorted name indexes (built once,
 * thread-safely, on first use).  Must not: hold any per-module state.
 */
#include "ptx.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct op_row {
    const char *name;
    ptx_family family;
    int nmin, nmax;
    const char *meaning;
};

static const struct op_row op_rows[PTX_OP_COUNT] = {
    [PTX_OP_UNKNOWN] = {"?", PTX_FAM_NONE, 0, 255, "an opcode the tables do not know"},
#define PTX_OP(id, name, family, nmin, nmax, meaning) \
    [PTX_OP_##id] = {name, PTX_FAM_##family, nmin, nmax, meaning},
#include "ptx_ops.def"
#undef PTX_OP
};

struct type_row {
    const char *name;
    unsigned bytes;
    ptx_type_class cls;
};

static const struct type_row type_rows[PTX_T_COUNT] = {
    [PTX_T_NONE] = {"", 0, PTX_TC_NONE},
#define PTX_TYPE(id, name, bytes, cls) [PTX_T_##id] = {name, bytes, PTX_TC_##cls},
#include "ptx_types.def"
#undef PTX_TYPE
};

static const char *const mod_names[PTX_MOD_COUNT] = {
    [PTX_MOD_UNKNOWN] = "?",
#define PTX_MOD(id, name, cls) [PTX_MOD_##id] = name,
#include "ptx_mods.def"
#undef PTX_MOD
};

struct sreg_row {
    const char *name;
    int vec;
    unsigned bytes;
};

static const struct sreg_row sreg_rows[PTX_SREG_COUNT] = {
    [PTX_SREG_NONE] = {"", 0, 0},
#define PTX_SREG(id, name, vec, bytes) [PTX_SREG_##id] = {name, vec, bytes},
#include "ptx_sreg.def"
#undef PTX_SREG
};

/* Sorted indexes: entries are table indices ordered by name. */
struct name_index {
    const char *(*get)(int i);
    int count;
    int *order;
};

static const char *op_get(int i) { return op_rows[i].name; }
static const char *type_get(int i) { return type_rows[i].name; }
static const char *mod_get(int i) { return mod_names[i]; }
static const char *sreg_get(int i) { return sreg_rows[i].name; }

static int op_order[PTX_OP_COUNT], type_order[PTX_T_COUNT], mod_order[PTX_MOD_COUNT],
    sreg_order[PTX_SREG_COUNT];
static struct name_index idx_op = {op_get, PTX_OP_COUNT, op_order};
static struct name_index idx_type = {type_get, PTX_T_COUNT, type_order};
static struct name_index idx_mod = {mod_get, PTX_MOD_COUNT, mod_order};
static struct name_index idx_sreg = {sreg_get, PTX_SREG_COUNT, sreg_order};

static struct name_index *sorting; /* only used under pthread_once */

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(sorting->get(*(const int *)a), sorting->get(*(const int *)b));
}

static void build_one(struct name_index *ix)
{
    /* index 0 is the "none/unknown" row in every table: leave it out of the search */
    for (int i = 1; i < ix->count; i++)
        ix->order[i - 1] = i;
    sorting = ix;
    qsort(ix->order, (size_t)(ix->count - 1), sizeof(int), cmp_entries);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_all(void)
{
    build_one(&idx_op);
    build_one(&idx_type);
    build_one(&idx_mod);
    build_one(&idx_sreg);
}

static int find(struct name_index *ix, const char *name, size_t len)
{
    pthread_once(&once, build_all);
    int lo = 0, hi = ix->count - 2;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const char *s = ix->get(ix->order[mid]);
        int c = strncmp(s, name, len);
        if (c == 0)
            c = s[len] == 0 ? 0 : 1;
        if (c == 0)
            return ix->order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

const char *ptx_op_name(ptx_op op) { return op < PTX_OP_COUNT ? op_rows[op].name : "?"; }
ptx_family ptx_op_family(ptx_op op) { return op < PTX_OP_COUNT ? op_rows[op].family : PTX_FAM_NONE; }
int ptx_op_min_operands(ptx_op op) { return op < PTX_OP_COUNT ? op_rows[op].nmin : 0; }
int ptx_op_max_operands(ptx_op op) { return op < PTX_OP_COUNT ? op_rows[op].nmax : 255; }
const char *ptx_op_meaning(ptx_op op) { return op < PTX_OP_COUNT ? op_rows[op].meaning : ""; }
ptx_op ptx_op_lookup(const char *name, size_t len) { return (ptx_op)find(&idx_op, name, len); }

const char *ptx_type_name(ptx_type t) { return t < PTX_T_COUNT ? type_rows[t].name : "?"; }
unsigned ptx_type_bytes(ptx_type t) { return t < PTX_T_COUNT ? type_rows[t].bytes : 0; }
ptx_type_class ptx_type_cls(ptx_type t) { return t < PTX_T_COUNT ? type_rows[t].cls : PTX_TC_NONE; }
ptx_type ptx_type_lookup(const char *name, size_t len) { return (ptx_type)find(&idx_type, name, len); }

const char *ptx_mod_name(ptx_mod m) { return m < PTX_MOD_COUNT ? mod_names[m] : "?"; }
ptx_mod ptx_mod_lookup(const char *name, size_t len) { return (ptx_mod)find(&idx_mod, name, len); }

const char *ptx_sreg_name(ptx_sreg s) { return s < PTX_SREG_COUNT ? sreg_rows[s].name : "?"; }
int ptx_sreg_is_vector(ptx_sreg s) { return s < PTX_SREG_COUNT ? sreg_rows[s].vec : 0; }
unsigned ptx_sreg_bytes(ptx_sreg s) { return s < PTX_SREG_COUNT ? sreg_rows[s].bytes : 0; }
ptx_sreg ptx_sreg_lookup(const char *name, size_t len) { return (ptx_sreg)find(&idx_sreg, name, len); }

int ptx_has_mod(const ptx_insn *in, ptx_mod mod)
{
    for (unsigned i = 0; i < in->nmods; i++)
        if (in->mods[i] == mod)
            return 1;
    return 0;
}
