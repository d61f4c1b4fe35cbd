/*
 * ptx.h - the PTX front end: PTX text in, a compact pre-decoded module (the IR) out.
 *
 * Owns: the IR's shape and the parse entry point.  The front end knows nothing of execution or
 * memory: it resolves every name (registers, variables, functions, labels, special registers)
 * to an index, classifies every opcode and suffix through the tables (ptx_ops.def,
 * ptx_types.def, ptx_mods.def, ptx_sreg.def) and lays the result out in flat arrays.  An opcode
 * or suffix it does not know is kept (PTX_OP_UNKNOWN / PTX_MOD_UNKNOWN) with its written form,
 * so the engine can report it when a kernel can reach it; only malformed text fails the parse.
 *
 * All memory of a module is owned by the module and freed by ptx_module_free.
 * Thread-safe: no global state except the immutable tables.
 */
#ifndef CUSHIM_PTX_H
#define CUSHIM_PTX_H

#include <stddef.h>
#include <stdint.h>

/* --- the tables as enums --- */

typedef enum ptx_op {
    PTX_OP_UNKNOWN = 0,
#define PTX_OP(id, name, family, nmin, nmax, meaning) PTX_OP_##id,
#include "ptx_ops.def"
#undef PTX_OP
    PTX_OP_COUNT
} ptx_op;

typedef enum ptx_family {
    PTX_FAM_NONE = 0,
    PTX_FAM_ARITH,
    PTX_FAM_SFU,
    PTX_FAM_BIT,
    PTX_FAM_CMP,
    PTX_FAM_CVT,
    PTX_FAM_MOV,
    PTX_FAM_MEM,
    PTX_FAM_ATOM,
    PTX_FAM_CTRL,
    PTX_FAM_SYNC,
    PTX_FAM_WARP,
    PTX_FAM_TEX,
    PTX_FAM_ASYNC,
    PTX_FAM_MMA,
    PTX_FAM_VIDEO,
    PTX_FAM_COUNT
} ptx_family;

typedef enum ptx_type {
    PTX_T_NONE = 0,
#define PTX_TYPE(id, name, bytes, cls) PTX_T_##id,
#include "ptx_types.def"
#undef PTX_TYPE
    PTX_T_COUNT
} ptx_type;

typedef enum ptx_type_class {
    PTX_TC_NONE = 0,
    PTX_TC_B, /* untyped bits */
    PTX_TC_U, /* unsigned integer */
    PTX_TC_S, /* signed integer */
    PTX_TC_F, /* f32 / f64 */
    PTX_TC_H, /* narrow or packed float: f16, bf16, tf32, fp8 */
    PTX_TC_P, /* predicate */
    PTX_TC_O  /* opaque handle */
} ptx_type_class;

typedef enum ptx_mod {
    PTX_MOD_UNKNOWN = 0,
#define PTX_MOD(id, name, cls) PTX_MOD_##id,
#include "ptx_mods.def"
#undef PTX_MOD
    PTX_MOD_COUNT
} ptx_mod;

typedef enum ptx_sreg {
    PTX_SREG_NONE = 0,
#define PTX_SREG(id, name, vec, bytes) PTX_SREG_##id,
#include "ptx_sreg.def"
#undef PTX_SREG
    PTX_SREG_COUNT
} ptx_sreg;

/* Table look-ups (ptx_tables.c); names are without the leading '.'. */
const char *ptx_op_name(ptx_op op);
ptx_family ptx_op_family(ptx_op op);
int ptx_op_min_operands(ptx_op op);
int ptx_op_max_operands(ptx_op op);
const char *ptx_op_meaning(ptx_op op);
ptx_op ptx_op_lookup(const char *name, size_t len);
const char *ptx_type_name(ptx_type t);
unsigned ptx_type_bytes(ptx_type t);
ptx_type_class ptx_type_cls(ptx_type t);
ptx_type ptx_type_lookup(const char *name, size_t len);
const char *ptx_mod_name(ptx_mod m);
ptx_mod ptx_mod_lookup(const char *name, size_t len);
const char *ptx_sreg_name(ptx_sreg s);
int ptx_sreg_is_vector(ptx_sreg s);
unsigned ptx_sreg_bytes(ptx_sreg s);
ptx_sreg ptx_sreg_lookup(const char *name, size_t len);

/* --- the IR --- */

#define PTX_NONE 0xffffffffu

/* State spaces of variables (and of ld/st through their suffixes). */
typedef enum ptx_space {
    PTX_SPACE_NONE = 0,
    PTX_SPACE_GLOBAL,
    PTX_SPACE_CONST,
    PTX_SPACE_SHARED,
    PTX_SPACE_LOCAL,
    PTX_SPACE_PARAM,
    PTX_SPACE_TEX
} ptx_space;

typedef enum ptx_opnd_kind {
    PTX_OPND_NONE = 0,
    PTX_OPND_REG,    /* index: register of the function */
    PTX_OPND_SREG,   /* index: ptx_sreg; comp: 0..3 = x..w, or the number of %envreg<N> */
    PTX_OPND_IMM,    /* imm: integer value (as written, 64-bit two's complement) */
    PTX_OPND_F32,    /* imm: IEEE single bits (0fXXXXXXXX) */
    PTX_OPND_F64,    /* imm: IEEE double bits (0dXXXX..., or a decimal float literal) */
    PTX_OPND_SYM,    /* index: variable; imm: byte offset (sym+off) */
    PTX_OPND_FUNC,   /* index: function */
    PTX_OPND_LABEL,  /* index: instruction index within the function */
    PTX_OPND_ADDR,   /* [base+imm]: base_kind REG/SYM/NONE with index */
    PTX_OPND_VEC,    /* {a, b, ...}: index = first element in the operand pool, comp = count */
    PTX_OPND_PAIR,   /* a|b destination pair: like VEC with comp = 2 */
    PTX_OPND_LIST,   /* (a, b, ...) of call: like VEC */
    PTX_OPND_SINK    /* _ */
} ptx_opnd_kind;

#define PTX_OPND_F_NEG 0x1u     /* !p */
#define PTX_OPND_F_GENERIC 0x2u /* generic(sym) */
#define PTX_OPND_F_BRACKET 0x4u /* a LIST written [a, b, ...] (texture/surface coordinates) */

typedef struct ptx_operand {
    uint8_t kind;      /* ptx_opnd_kind */
    uint8_t flags;     /* PTX_OPND_F_* */
    uint8_t base_kind; /* ADDR: PTX_OPND_REG, PTX_OPND_SYM or PTX_OPND_NONE */
    uint8_t comp;      /* SREG component / VEC count */
    uint32_t index;
    int64_t imm;
} ptx_operand;

#define PTX_MAX_TYPES 4
#define PTX_MAX_MODS 12

typedef struct ptx_insn {
    uint16_t op;   /* ptx_op */
    uint8_t ntypes, nmods;
    uint8_t types[PTX_MAX_TYPES]; /* ptx_type, in written order */
    uint8_t mods[PTX_MAX_MODS];   /* ptx_mod, in written order */
    uint8_t nopnds;
    uint8_t guard_neg;  /* @!p */
    uint8_t unknown;    /* an opcode or suffix the tables do not know */
    uint8_t pad;
    uint32_t guard;     /* register index of the guard predicate or PTX_NONE */
    uint32_t opnds;     /* first operand in the module's operand pool */
    uint32_t line;      /* line in the PTX text (1-based) */
    uint32_t form;      /* string: the opcode with all suffixes as written */
} ptx_insn;

typedef struct ptx_reg {
    uint32_t name; /* string: the name, or the prefix of a %r<N> range */
    uint32_t num;  /* number within a %r<N> range, PTX_NONE for a plain name */
    uint8_t type;  /* ptx_type */
    uint8_t vec;   /* 1, 2 or 4 (.v2/.v4 registers) */
} ptx_reg;

#define PTX_VAR_F_EXTERN 0x01u   /* .extern (no storage here) */
#define PTX_VAR_F_VISIBLE 0x02u
#define PTX_VAR_F_WEAK 0x04u
#define PTX_VAR_F_UNSIZED 0x08u  /* declared x[]: dynamic shared memory or extern array */
#define PTX_VAR_F_PARAM 0x10u    /* parameter of its function */
#define PTX_VAR_F_RETVAL 0x20u   /* return value of its function */
#define PTX_VAR_F_CALLARG 0x40u  /* .param declared in a function body (call arguments) */
#define PTX_VAR_F_MANAGED 0x80u  /* .attribute(.managed) */

typedef struct ptx_var {
    uint32_t name;  /* string */
    uint8_t space;  /* ptx_space */
    uint8_t type;   /* element ptx_type */
    uint16_t flags; /* PTX_VAR_F_* */
    uint32_t align; /* bytes; 0 = natural */
    uint64_t size;  /* bytes */
    uint32_t owner; /* function index, or PTX_NONE for module scope */
    uint32_t line;
    uint32_t init;  /* offset of the initial image in the module's data pool, PTX_NONE = zero */
    uint32_t nrelocs, relocs; /* address initialisers: count and first in the reloc pool */
} ptx_var;

/* An initialiser element that is the address of a symbol: image[offset..+width] = &sym+addend. */
typedef struct ptx_reloc {
    uint64_t offset;
    uint32_t sym;   /* variable, or function when is_func */
    uint8_t width;  /* 4 or 8 */
    uint8_t is_func;
    uint8_t generic;
    uint8_t pad;
    int64_t addend;
} ptx_reloc;

#define PTX_FUNC_F_ENTRY 0x01u
#define PTX_FUNC_F_EXTERN 0x02u
#define PTX_FUNC_F_BODY 0x04u
#define PTX_FUNC_F_VISIBLE 0x08u
#define PTX_FUNC_F_WEAK 0x10u
#define PTX_FUNC_F_NORETURN 0x20u

typedef struct ptx_func {
    uint32_t name; /* string */
    uint32_t flags; /* PTX_FUNC_F_* */
    uint32_t params, nparams; /* consecutive variables */
    uint32_t rets, nrets;     /* consecutive variables */
    uint32_t insns, ninsns;   /* range of the module's instruction array */
    uint32_t regs, nregs;     /* range of the module's register array */
    uint32_t line;
    uint32_t maxntid[3], reqntid[3];
    uint32_t minnctapersm, maxnreg;
} ptx_func;

typedef struct ptx_module {
    unsigned version;     /* major*10 + minor, e.g. 90 */
    unsigned target_sm;   /* e.g. 75 */
    unsigned address_size;
    ptx_func *funcs;
    uint32_t nfuncs;
    ptx_var *vars;
    uint32_t nvars;
    ptx_insn *insns;
    uint32_t ninsns;
    ptx_operand *opnds;
    uint32_t nopnds;
    ptx_reg *regs;
    uint32_t nregs;
    uint8_t *data; /* initial images of variables */
    uint32_t ndata;
    ptx_reloc *relocs;
    uint32_t nrelocs;
    const char *strings; /* NUL-separated; a string is an offset into this */
    uint32_t nstrings;
} ptx_module;

static inline const char *ptx_str(const ptx_module *m, uint32_t s)
{
    return m->strings + s;
}

/* Parse PTX text (len bytes, need not be NUL-terminated).  On success *out is the module.
 * On malformed input returns -1 and writes "line N: what is wrong" into err (errlen bytes).
 * Returns -2 on allocation failure. */
int ptx_parse(const char *text, size_t len, ptx_module **out, char *err, size_t errlen);
void ptx_module_free(ptx_module *module);

/* Index of the function or module-scope variable of that name, or PTX_NONE. */
uint32_t ptx_find_func(const ptx_module *m, const char *name);
uint32_t ptx_find_var(const ptx_module *m, const char *name);

/* The instruction's operand i (0-based) / element i of a VEC/PAIR/LIST operand. */
static inline const ptx_operand *ptx_opnd(const ptx_module *m, const ptx_insn *in, unsigned i)
{
    return &m->opnds[in->opnds + i];
}
static inline const ptx_operand *ptx_elem(const ptx_module *m, const ptx_operand *v, unsigned i)
{
    return &m->opnds[v->index + i];
}

/* Does the instruction carry modifier `mod`? Index of the first type, or PTX_T_NONE. */
int ptx_has_mod(const ptx_insn *in, ptx_mod mod);

/* Write one instruction back as PTX text (for dumps and messages); returns the length. */
size_t ptx_insn_format(const ptx_module *m, const ptx_func *f, const ptx_insn *in, char *buf,
                       size_t len);

#endif
