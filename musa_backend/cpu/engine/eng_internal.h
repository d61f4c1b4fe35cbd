/*
 * eng_internal.h - the engine's private data model: decoded instructions, modules, kernels,
 * warps, call frames, blocks and launches, and the helpers every handler uses.
 *
 * Owns: the shapes the execution files agree on.  The design in one paragraph: a module is
 * lowered once into an array of fixed-size eng_insn records whose operands are byte offsets
 * into a register frame and whose handler (fn) already encodes opcode, types and modifiers.  A
 * register frame stores each PTX register structure-of-arrays: 32 lanes side by side (16-bit
 * registers take 64 bytes, 32-bit 128, 64-bit 256; a predicate is one 32-bit lane mask), so a
 * handler is a loop over 32 lanes the compiler vectorises.  Immediates live in constant slots
 * at the start of a frame (copied in when the frame is created), so handlers never ask "register
 * or immediate?".  A warp runs one group of lanes (the active mask) at one pc; lanes that
 * diverge are parked with their own pc in the current call frame and the warp always resumes
 * the parked group with the lowest pc, which reconverges at the first common pc.  Everything a
 * warp needs to resume is in eng_warp, never on the C stack, so a block can pause (barriers, and
 * later grid-wide sync) and continue on any host thread.
 */
#ifndef CUSHIM_ENG_INTERNAL_H
#define CUSHIM_ENG_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../ptx/ptx.h"
#include "engine.h"

#define ENG_LANES 32
#define ENG_FULL 0xffffffffu
#define ENG_NONE 0xffffffffu
#define ENG_NBARRIERS 16
/* Backward branches and calls a warp runs before it lets other warps run (and the watchdog
 * looks at the launch: eng_watchdog.c). */
#define ENG_SLICE 4096
/* Most shared memory (static + dynamic) a block can have, whatever the device: sizes and
 * offsets of shared memory are 32-bit inside the engine. */
#define ENG_MAX_SHARED (1u << 30)
/* Most local memory one function's frame may have per thread (what a GPU allows). */
#define ENG_MAX_LOCAL (512u << 10)

typedef struct eng_warp eng_warp;
typedef struct eng_insn eng_insn;
typedef struct eng_block eng_block;
typedef struct eng_job eng_job;
struct eng_children;

/* Handler return values: 0 continues the warp at w->pc (handlers that change control flow set
 * w->pc/w->active/w->resched_pc first); anything else stops the warp's run loop. */
enum eng_status {
    ENG_OK = 0,
    ENG_YIELD,   /* time slice used: let other warps of the block run */
    ENG_BLOCKED, /* no lane can run until a barrier opens */
    ENG_DONE,    /* every lane has exited */
    ENG_PAUSE,   /* the warp polls memory that has not changed: the block's other warps go first */
    ENG_FAULT    /* the launch failed: job->error says why */
};

typedef int (*eng_fn)(eng_warp *w, const eng_insn *in, uint32_t m);

struct eng_insn {
    eng_fn fn;
    uint32_t d, a, b, c; /* frame byte offsets of the operand slots */
    uint32_t guard;      /* frame offset of the guard predicate (offset 0: all lanes) */
    uint32_t gneg;       /* 0, or ENG_FULL for @!p */
    int64_t imm;         /* address offset, immediate, branch target */
    uint32_t x;          /* family-specific index (vector slots, range cache, call site) */
    uint16_t mode, mode2; /* family-specific small parameters */
    uint32_t src;        /* module-wide index of the ptx_insn (messages) */
};

/* Frame header: fixed words at the start of every register frame. */
#define ENG_F_ONES 0   /* predicate word with every lane set: the guard of unguarded insns */
#define ENG_F_CARRY 4  /* carry flag of add.cc & co, one bit per lane */
#define ENG_F_ZERO 64  /* 256 zero bytes: a zero operand of any width */
#define ENG_F_SCRATCH 320 /* 256 bytes where sink operands (_) are written */
#define ENG_F_HEADER 576

/* Device-side function addresses (function pointers) are tags, not host addresses: the
 * module's serial in bits 32..47 (so a pointer taken in one module and called in another is
 * recognised, as code addresses are unique per context on a GPU), the function index in 4..31. */
#define ENG_FUNC_TAG 0xF00D000000000000ull
#define ENG_FUNC_ADDR(s, i) (ENG_FUNC_TAG | ((uint64_t)((s) & 0xFFFFu) << 32) | ((uint64_t)(i) << 4))
#define ENG_FUNC_INDEX(a) ((uint32_t)(((a) & 0xFFFFFFFFull) >> 4))
#define ENG_FUNC_MODULE(a) ((uint32_t)((a) >> 32) & 0xFFFFu)
#define ENG_IS_FUNC_ADDR(a) (((a) & 0xFFFF00000000000Full) == ENG_FUNC_TAG)

#define ENG_SLOT(T, w, off) ((T *)(void *)((w)->regs + (off)))

/* One function of a module, lowered. */
typedef struct eng_func {
    uint32_t ptx;         /* index in the ptx module */
    uint32_t entry_pc;    /* first instruction in the module code */
    uint32_t end_pc;
    uint32_t frame_bytes; /* register frame size */
    uint32_t dyn_start;   /* constants and temporaries start here (registers are below) */
    uint8_t *const_image; /* initial frame: header and constants (frame_bytes bytes) */
    uint32_t local_bytes; /* this function's frame in each lane's local memory */
    uint32_t builtin;     /* ENG_BUILTIN_* for device-runtime functions without a body */
    uint32_t unsupported; /* module insn index of the first instruction we cannot run, or NONE */
    uint32_t lowered;     /* has a body we lowered */
} eng_func;

enum eng_builtin {
    ENG_BUILTIN_NONE = 0,
    ENG_BUILTIN_VPRINTF,
    ENG_BUILTIN_MALLOC,
    ENG_BUILTIN_FREE,
    ENG_BUILTIN_ASSERTFAIL,
    ENG_BUILTIN_UNKNOWN, /* an external function the device does not provide */
    ENG_BUILTIN_DEVRT    /* first of the device runtime's functions (eng_devrt.c) */
};

/* A call site: how arguments and results move between caller and callee frames. */
typedef struct eng_callsite {
    uint32_t callee;   /* eng function index, or ENG_NONE for an indirect call */
    uint32_t nargs, nrets;
    uint32_t args;     /* first entry in the module's callarg array */
    uint32_t rets;
} eng_callsite;

/* One argument or result: caller-side location in the caller's local frame. */
typedef struct eng_callarg {
    uint32_t local_off; /* offset within the caller's local frame */
    uint32_t size;
} eng_callarg;

/* Vector operand slots (ld.v4 and friends): four frame offsets. */
typedef struct eng_vslots {
    uint32_t s[8];
} eng_vslots;

struct engine_kernel {
    struct engine_module *mod;
    uint32_t func;             /* eng function index */
    const char *name;
    uint32_t nparams;
    uint32_t *param_off;       /* offset of each parameter in the parameter buffer */
    uint32_t *param_size;
    uint32_t params_bytes;
    uint32_t static_smem;      /* this kernel's static shared memory (what it reports) */
    uint32_t local_bytes;      /* local memory of the kernel frame per thread */
    uint32_t declared_local;   /* what its .local variables take (cudaFuncAttributes) */
    uint32_t unsupported;      /* ptx insn index of the first unsupported insn it can reach, or NONE */
    uint32_t unsupported_func; /* ptx function holding it */
    uint32_t uses_calls;  /* needs a stack: it calls functions or alloca()s */
    uint64_t call_stack; /* local memory its deepest non-recursive chain of calls needs */
    uint32_t maxntid[3], reqntid[3];
};

struct engine_module {
    struct engine_host host;
    uint32_t serial;           /* tells this module's function addresses from others' */
    ptx_module *ptx;
    char *what;
    eng_insn *code;
    uint32_t ncode, code_cap;
    eng_func *funcs;           /* parallel to ptx->funcs */
    uint32_t nfuncs;
    struct engine_kernel *kernels;
    uint32_t nkernels;
    eng_callsite *callsites;
    uint32_t ncallsites;
    eng_callarg *callargs;
    uint32_t ncallargs;
    eng_vslots *vslots;
    uint32_t nvslots, vslots_cap;
    uint32_t nranges;          /* range-cache entries a warp needs (one per memory insn) */
    uint64_t *var_addr;        /* parallel to ptx->vars: host address (global/const), offset
                                  (shared), local-frame offset (local/param of functions) */
    void **allocs;             /* module-owned device allocations */
    uint32_t nallocs;
    uint32_t smem_module;      /* shared bytes of module-level and .func shared variables */
    uint32_t smem_static_max;  /* largest static shared extent over kernels */
    uint32_t smem_dyn_base;    /* where dynamic (.extern) shared memory starts */
    uint32_t smem_dyn_align;
};

/* Allocations a warp remembers beyond each instruction's last one: lanes reading through a
 * table of pointers to separate buffers would otherwise ask the host for most of them. */
#define ENG_RECENT 8

/* Address range cache entry: [lo, hi) of the allocation a memory instruction touched last. */
typedef struct eng_range {
    uint64_t lo, hi;
} eng_range;

/* A call frame: one activation of a function for the lanes that called it from the same caller
 * frame (lanes that call it from different call sites of that frame share it, so they can meet
 * at a warp-synchronous instruction inside it).  A warp's frames form a tree: lanes of one warp
 * may be at different depths, in different functions, each lane in exactly one frame.  The
 * current frame's running group is (w->pc, w->active); its other lanes are parked with lane_pc. */
typedef struct eng_frame {
    uint8_t *regs;
    uint32_t regs_cap;
    uint32_t func;       /* eng function */
    int32_t parent;      /* the caller's frame (-1 for the kernel's) */
    int32_t depth;       /* calls between the kernel and this frame */
    uint8_t live;
    uint32_t members;    /* lanes whose innermost frame this is (not returned, not exited) */
    uint32_t parked;     /* runnable lanes waiting to be scheduled */
    uint32_t syncwait;   /* lanes waiting at a warp-synchronous insn for the others */
    uint32_t barwait;    /* lanes waiting at a CTA barrier */
    uint32_t local_base; /* this frame's offset in each lane's local memory */
    uint32_t dyn_bytes;  /* alloca'd after its static locals (eng_op_stack.c) */
    uint32_t lane_pc[ENG_LANES];
    uint32_t lane_call[ENG_LANES]; /* each member's call instruction in the parent */
} eng_frame;

struct eng_warp {
    uint8_t *regs;          /* top frame's registers */
    const eng_insn *code;
    uint32_t pc;
    uint32_t active;
    uint32_t resched_pc;    /* reschedule before running an insn at pc >= this */
    int32_t budget;         /* backward branches and calls left in this time slice */
    /* Spin detection: an ordered load that reads what it read last time at the same pc sets
     * `polling`, and the next backward branch pauses the warp (eng_op_mem.c, h_bra). */
    uint32_t poll_pc;
    uint8_t polling;
    uint64_t poll_sig;
    uint32_t sync_force_pc; /* a .sync insn that must run with the lanes present */
    eng_block *blk;
    uint32_t id;            /* warp index in the block */
    uint32_t exists;        /* lanes that are threads of the block */
    uint32_t exited;
    int cur;                /* the running group's frame */
    int nframes;            /* frames allocated, live or free (frames[0]: the kernel's) */
    int nlive;              /* live frames: 1 while no lane is in a called function */
    eng_frame *frames;
    uint8_t *local;         /* ENG_LANES * local_stride bytes, one area per lane */
    uint32_t local_stride;
    eng_range *ranges;      /* one per memory instruction of the module */
    eng_range recent[ENG_RECENT]; /* allocations found last by any instruction (eng_mem.c) */
    uint32_t recent_next;
    uint32_t bar_red_dst[ENG_NBARRIERS]; /* frame offset where bar.red writes its result */
    uint8_t bar_red_kind[ENG_NBARRIERS];
    uint32_t bar_lanes[ENG_NBARRIERS];   /* lanes waiting at each barrier */
    uint32_t tid[3][ENG_LANES];
};

/* A CTA barrier. */
typedef struct eng_barrier {
    uint32_t arrived;  /* threads arrived in this phase */
    uint32_t expected; /* 0: every thread of the block that has not exited */
    uint32_t red_popc, red_and, red_or;
    uint32_t in_use;
} eng_barrier;

/* One block's execution context: warps, shared memory, barriers.  Reused for every block a
 * worker runs in a launch. */
struct eng_block {
    eng_job *job;
    const struct engine_kernel *k;
    const struct engine_module *mod;
    uint32_t nwarps;
    uint32_t nthreads;
    uint32_t nexited;     /* threads of this block that have exited */
    eng_warp *warps;
    uint8_t *smem;        /* shared memory */
    uint32_t smem_size;
    uint8_t *local;       /* all warps' local memory */
    uint32_t ctaid[3];
    uint32_t worker;      /* %smid */
    int finished;         /* every warp has exited (cooperative grids step blocks in turn) */
    int polled;           /* a warp paused at a spin-wait during the last eng_block_step */
    eng_barrier bars[ENG_NBARRIERS];
};

/* A launch in progress. */
struct eng_job {
    const struct engine_kernel *k;
    const struct engine_module *mod;
    struct engine_launch cfg;
    uint8_t *params;             /* the kernel's parameter buffer */
    uint64_t nblocks;
    atomic_uint_fast64_t next_block;
    atomic_int error;            /* first MUresult of a failure, 0 while fine */
    atomic_int printed;          /* a failure message has been printed */
    atomic_uint_fast64_t alive;  /* blocks started and not finished (ordinary launches) */
    uint32_t local_stride;
    uint32_t smem_size;
    uint32_t smem_reserved; /* start of the system-reserved shared memory (cooperative groups) */
    /* grids, copies and parameter buffers this grid's threads made through the device
     * runtime (eng_child.c); created on first use, run after the grid's own blocks */
    _Atomic(struct eng_children *) children;
    int budgeted;                /* cfg.branch_budget is set: branches_left counts down */
    atomic_int_fast64_t branches_left;
    uint64_t deadline_ns;        /* eng_now_ns() past which the launch times out; 0: never */
    const _Atomic int *device_fault; /* engine_launch.device_fault */
};

/* Shared memory the system reserves at the start of every block's (%reserved_smem_offset_*):
 * cooperative groups keep their block-tile state there, as on sm_80+ GPUs. */
#define ENG_RESERVED_SMEM 1024u

/* --- helpers shared by handlers --- */

extern const uint32_t eng_lanebit[ENG_LANES];

static inline int eng_popc(uint32_t x)
{
    return __builtin_popcount(x);
}
static inline int eng_ctz(uint32_t x)
{
    return __builtin_ctz(x);
}

/* Write the lanes of m from r (32 values of `bytes` bytes) into d. */
static inline void eng_store32(void *dv, const void *rv, uint32_t m)
{
    uint8_t *d = dv;
    const uint8_t *r = rv;
    if (m == ENG_FULL) {
        memcpy(d, r, 128);
        return;
    }
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t x, y, k = 0u - (uint32_t)((m & eng_lanebit[l]) != 0);
        memcpy(&x, d + 4 * l, 4);
        memcpy(&y, r + 4 * l, 4);
        x ^= (x ^ y) & k;
        memcpy(d + 4 * l, &x, 4);
    }
}

static inline void eng_store64(void *dv, const void *rv, uint32_t m)
{
    uint8_t *d = dv;
    const uint8_t *r = rv;
    if (m == ENG_FULL) {
        memcpy(d, r, 256);
        return;
    }
    for (int l = 0; l < ENG_LANES; l++) {
        uint64_t x, y, k = 0u - (uint64_t)((m & eng_lanebit[l]) != 0);
        memcpy(&x, d + 8 * l, 8);
        memcpy(&y, r + 8 * l, 8);
        x ^= (x ^ y) & k;
        memcpy(d + 8 * l, &x, 8);
    }
}

static inline void eng_store16(void *dv, const void *rv, uint32_t m)
{
    uint8_t *d = dv;
    const uint8_t *r = rv;
    if (m == ENG_FULL) {
        memcpy(d, r, 64);
        return;
    }
    for (int l = 0; l < ENG_LANES; l++) {
        if (m & eng_lanebit[l])
            memcpy(d + 2 * l, r + 2 * l, 2);
    }
}

static inline void eng_store_w(void *d, const void *r, uint32_t m, unsigned width)
{
    if (width == 8)
        eng_store64(d, r, m);
    else if (width == 4)
        eng_store32(d, r, m);
    else
        eng_store16(d, r, m);
}

/* Pack 32 booleans (0/1 bytes) into a lane mask. */
static inline uint32_t eng_pack(const uint8_t *c)
{
    uint32_t r = 0;
    for (int k = 0; k < 4; k++) {
        uint64_t v;
        memcpy(&v, c + 8 * k, 8);
        r |= (uint32_t)((v * 0x0102040810204080ull) >> 56) << (8 * k);
    }
    return r;
}

/* Write predicate result p for the lanes of m. */
static inline void eng_set_pred(eng_warp *w, uint32_t off, uint32_t p, uint32_t m)
{
    uint32_t *d = ENG_SLOT(uint32_t, w, off);
    *d = (*d & ~m) | (p & m);
}

static inline uint32_t eng_pred(const eng_warp *w, uint32_t off)
{
    return *(const uint32_t *)(const void *)(w->regs + off);
}

/* The frame of the running group (the one whose registers w->regs are). */
static inline eng_frame *eng_cur(eng_warp *w)
{
    return &w->frames[w->cur];
}

static inline uint32_t eng_pc_of(const eng_warp *w, const eng_insn *in)
{
    return (uint32_t)(in - w->code);
}

/* --- services between the engine's files --- */

/* Stop the launch with `err`; prints the message once per launch (printf-style, without the
 * "cushim: kernel NAME: " prefix, which is added).  Returns ENG_FAULT. */
int eng_fault(eng_warp *w, const eng_insn *in, int lane, MUresult err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The PTX text of the instruction and its line, for messages. */
void eng_describe_insn(const struct engine_module *mod, uint32_t src, char *buf, size_t len,
                       uint32_t *line);

/* The warp spent `spent` branches of its time slice: start a new slice, charge the launch's
 * budget and check its deadline (eng_watchdog.c).  ENG_YIELD, or ENG_FAULT with
 * MU_ERROR_LAUNCH_TIMEOUT. */
int eng_slice_end(eng_warp *w, const eng_insn *in, int32_t spent);
uint64_t eng_now_ns(void);

/* Scheduling (eng_sched.c). */
int eng_resched(eng_warp *w);
void eng_park(eng_warp *w, uint32_t lanes, uint32_t pc);
void eng_set_lane_pc(eng_frame *f, uint32_t lanes, uint32_t pc);
void eng_resched_after_jump(eng_warp *w);
void eng_rotate(eng_warp *w);
int eng_exit_lanes(eng_warp *w, uint32_t lanes);
int eng_warp_run(eng_warp *w);

/* Blocks (eng_block.c). */
int eng_block_alloc(eng_block *b, eng_job *job, uint32_t worker);
void eng_block_free(eng_block *b);
int eng_block_run(eng_block *b, uint64_t linear_block);
/* The resumable form: start a block, then step it until ENG_DONE (or ENG_FAULT); with slice
 * set a step also returns ENG_YIELD when a warp has spun through its time slice. */
void eng_block_start(eng_block *b, uint64_t linear_block);
int eng_block_step(eng_block *b, int slice);
void eng_barrier_check(eng_block *b, int id);

/* Frames (eng_sched.c): a free frame made ready for function f called from frame parent (-1:
 * the kernel's frame, index 0), its index; -1 when out of memory.  May move w->frames. */
int eng_frame_new(eng_warp *w, int parent, const eng_func *f);
/* Lanes m of the current frame return to their call sites in the parent frame. */
void eng_return_lanes(eng_warp *w, uint32_t m);

#endif
