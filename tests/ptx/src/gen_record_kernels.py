#!/usr/bin/env python3
# gen_record_kernels.py - writes the record-convention conformance modules of tests/ptx
# (int.ptx, bit.ptx, float.ptx, cmp.ptx, cvt.ptx, half.ptx): one small kernel per instruction
# form, each loading its operands from in[tid], running the instruction under test and storing
# the results to out[tid] (see tests/ptx/harness.h).  The outputs are checked in; run this only
# to add or change forms:   python3 tests/ptx/src/gen_record_kernels.py tests/ptx
# The expectations live in tests/unit/test_ptx_<family>.c and are computed on the host.
import os, sys

TYPES = {  # class: (reg decl type, load suffix, store suffix)
    'r16': ('.b16', 'u16', 'u16'),
    'r32': ('.b32', 'u32', 'u32'),
    'r64': ('.b64', 'u64', 'u64'),
    'f32': ('.f32', 'f32', 'f32'),
    'f64': ('.f64', 'f64', 'f64'),
    'p':   ('.pred', None, None),
}
OFF = {'a': 0, 'b': 8, 'c': 16, 'e': 24}

def kernel(name, body, comment, d=None, q=None, **srcs):
    regs = {}
    for k, cls in list(srcs.items()) + [('d', d), ('q', q)]:
        if cls:
            regs[k] = cls
    out = []
    out.append('// %s' % comment)
    out.append('.visible .entry %s(.param .u64 in, .param .u64 out)' % name)
    out.append('{')
    out.append('\t.reg .b32 \t%tid_;')
    out.append('\t.reg .b32 \t%t32;')
    out.append('\t.reg .b64 \t%in_, %out_, %x_;')
    for k, cls in regs.items():
        out.append('\t.reg %s \t%%%s;' % (TYPES[cls][0], k))
    out.append('\tld.param.u64 \t%in_, [in];')
    out.append('\tld.param.u64 \t%out_, [out];')
    out.append('\tmov.u32 \t%tid_, %tid.x;')
    out.append('\tmul.wide.u32 \t%x_, %tid_, 32;')
    out.append('\tadd.s64 \t%in_, %in_, %x_;')
    out.append('\tmul.wide.u32 \t%x_, %tid_, 16;')
    out.append('\tadd.s64 \t%out_, %out_, %x_;')
    for k, cls in srcs.items():
        if cls == 'p':
            out.append('\tld.global.u32 \t%%t32, [%%in_+%d];' % OFF[k])
            out.append('\tsetp.ne.u32 \t%%%s, %%t32, 0;' % k)
        else:
            out.append('\tld.global.%s \t%%%s, [%%in_+%d];' % (TYPES[cls][1], k, OFF[k]))
    for line in body.strip().split('\n'):
        out.append('\t' + line.strip())
    for k, off in (('d', 0), ('q', 8)):
        cls = regs.get(k)
        if not cls:
            continue
        if cls == 'p':
            out.append('\tselp.u32 \t%%t32, 1, 0, %%%s;' % k)
            out.append('\tst.global.u32 \t[%%out_+%d], %%t32;' % off)
        else:
            out.append('\tst.global.%s \t[%%out_+%d], %%%s;' % (TYPES[cls][2], off, k))
    out.append('\tret;')
    out.append('}')
    return '\n'.join(out) + '\n'

HEADER = """//
// %s - %s
//
// Conformance kernels in the record convention of tests/ptx/harness.h: thread i reads
// operands a, b, c, e from the 32-byte record in[i] and writes d (and q) to the 16-byte record
// out[i].  %s
//
.version 8.0
.target sm_80
.address_size 64

"""

def gen_int():
    o = HEADER % ('int.ptx', 'integer arithmetic', 'Expectations: tests/unit/test_ptx_int.c.')
    cls = {'16': 'r16', '32': 'r32', '64': 'r64'}
    for w in ('16', '32', '64'):
        for s in ('s', 'u'):
            t = s + w; c = cls[w]
            for op in ('add', 'sub', 'div', 'rem', 'min', 'max'):
                o += kernel('%s_%s' % (op, t), '%s.%s %%d, %%a, %%b;' % (op, t), '%s.%s' % (op, t), d=c, a=c, b=c)
            o += kernel('mullo_%s' % t, 'mul.lo.%s %%d, %%a, %%b;' % t, 'mul.lo.' + t, d=c, a=c, b=c)
            o += kernel('mulhi_%s' % t, 'mul.hi.%s %%d, %%a, %%b;' % t, 'mul.hi.' + t, d=c, a=c, b=c)
            o += kernel('madlo_%s' % t, 'mad.lo.%s %%d, %%a, %%b, %%c;' % t, 'mad.lo.' + t, d=c, a=c, b=c, c=c)
            o += kernel('madhi_%s' % t, 'mad.hi.%s %%d, %%a, %%b, %%c;' % t, 'mad.hi.' + t, d=c, a=c, b=c, c=c)
            o += kernel('sad_%s' % t, 'sad.%s %%d, %%a, %%b, %%c;' % t, 'sad.' + t, d=c, a=c, b=c, c=c)
            if w != '64':
                wc = {'16': 'r32', '32': 'r64'}[w]
                o += kernel('mulwide_%s' % t, 'mul.wide.%s %%d, %%a, %%b;' % t, 'mul.wide.' + t, d=wc, a=c, b=c)
                o += kernel('madwide_%s' % t, 'mad.wide.%s %%d, %%a, %%b, %%c;' % t, 'mad.wide.' + t, d=wc, a=c, b=c, c=wc)
            if s == 's':
                o += kernel('abs_%s' % t, 'abs.%s %%d, %%a;' % t, 'abs.' + t, d=c, a=c)
                o += kernel('neg_%s' % t, 'neg.%s %%d, %%a;' % t, 'neg.' + t, d=c, a=c)
    o += kernel('addsat_s32', 'add.sat.s32 %d, %a, %b;', 'add.sat.s32', d='r32', a='r32', b='r32')
    o += kernel('subsat_s32', 'sub.sat.s32 %d, %a, %b;', 'sub.sat.s32', d='r32', a='r32', b='r32')
    o += kernel('madhisat_s32', 'mad.hi.sat.s32 %d, %a, %b, %c;', 'mad.hi.sat.s32', d='r32', a='r32', b='r32', c='r32')
    o += kernel('mul24lo_s32', 'mul24.lo.s32 %d, %a, %b;', 'mul24.lo.s32', d='r32', a='r32', b='r32')
    o += kernel('mul24hi_u32', 'mul24.hi.u32 %d, %a, %b;', 'mul24.hi.u32', d='r32', a='r32', b='r32')
    o += kernel('mad24lo_u32', 'mad24.lo.u32 %d, %a, %b, %c;', 'mad24.lo.u32', d='r32', a='r32', b='r32', c='r32')
    # 64-bit add and sub through 32-bit carry chains: a, b are 64-bit; halves via mov unpack
    o += kernel('add64_cc', '''
    .reg .b32 %al, %ah, %bl, %bh, %dl, %dh;
    mov.b64 {%al, %ah}, %a;
    mov.b64 {%bl, %bh}, %b;
    add.cc.u32 %dl, %al, %bl;
    addc.u32 %dh, %ah, %bh;
    mov.b64 %d, {%dl, %dh};''', '64-bit add from add.cc/addc', d='r64', a='r64', b='r64')
    o += kernel('sub64_cc', '''
    .reg .b32 %al, %ah, %bl, %bh, %dl, %dh;
    mov.b64 {%al, %ah}, %a;
    mov.b64 {%bl, %bh}, %b;
    sub.cc.u32 %dl, %al, %bl;
    subc.u32 %dh, %ah, %bh;
    mov.b64 %d, {%dl, %dh};''', '64-bit sub from sub.cc/subc', d='r64', a='r64', b='r64')
    o += kernel('carry_out', '''
    .reg .b32 %x, %y;
    add.cc.u32 %x, %a, %b;
    addc.u32 %d, 0, 0;''', 'carry flag of add.cc', d='r32', a='r32', b='r32')
    o += kernel('mad_cc_chain', '''
    .reg .b32 %lo;
    mad.lo.cc.u32 %lo, %a, %b, %c;
    madc.hi.u32 %d, %a, %b, 0;''', 'high word of a*b+c via mad.lo.cc/madc.hi', d='r32', a='r32', b='r32', c='r32')
    o += kernel('dp4a_s32', 'dp4a.s32.s32 %d, %a, %b, %c;', 'dp4a.s32.s32', d='r32', a='r32', b='r32', c='r32')
    o += kernel('dp4a_u32', 'dp4a.u32.u32 %d, %a, %b, %c;', 'dp4a.u32.u32', d='r32', a='r32', b='r32', c='r32')
    o += kernel('dp2a_lo', 'dp2a.lo.s32.u32 %d, %a, %b, %c;', 'dp2a.lo.s32.u32', d='r32', a='r32', b='r32', c='r32')
    o += kernel('add_imm', 'add.s32 %d, %a, -7;', 'add.s32 with a negative immediate', d='r32', a='r32')
    o += kernel('mul_imm_hex', 'mul.lo.u32 %d, %a, 0x10001;', 'mul.lo.u32 with a hex immediate', d='r32', a='r32')
    return o

def gen_bit():
    o = HEADER % ('bit.ptx', 'logic and bit-field instructions', 'Expectations: tests/unit/test_ptx_bit.c.')
    cls = {'16': 'r16', '32': 'r32', '64': 'r64'}
    for w in ('16', '32', '64'):
        c = cls[w]
        for op in ('and', 'or', 'xor'):
            o += kernel('%s_b%s' % (op, w), '%s.b%s %%d, %%a, %%b;' % (op, w), '%s.b%s' % (op, w), d=c, a=c, b=c)
        o += kernel('not_b%s' % w, 'not.b%s %%d, %%a;' % w, 'not.b' + w, d=c, a=c)
        o += kernel('cnot_b%s' % w, 'cnot.b%s %%d, %%a;' % w, 'cnot.b' + w, d=c, a=c)
        o += kernel('shl_b%s' % w, 'shl.b%s %%d, %%a, %%b;' % w, 'shl.b%s (amount is a 32-bit register)' % w, d=c, a=c, b='r32')
        o += kernel('shr_u%s' % w, 'shr.u%s %%d, %%a, %%b;' % w, 'shr.u' + w, d=c, a=c, b='r32')
        o += kernel('shr_s%s' % w, 'shr.s%s %%d, %%a, %%b;' % w, 'shr.s' + w, d=c, a=c, b='r32')
    for w in ('32', '64'):
        c = cls[w]
        o += kernel('popc_b%s' % w, 'popc.b%s %%d, %%a;' % w, 'popc.b' + w, d='r32', a=c)
        o += kernel('clz_b%s' % w, 'clz.b%s %%d, %%a;' % w, 'clz.b' + w, d='r32', a=c)
        o += kernel('brev_b%s' % w, 'brev.b%s %%d, %%a;' % w, 'brev.b' + w, d=c, a=c)
        for s in ('u', 's'):
            o += kernel('bfind_%s%s' % (s, w), 'bfind.%s%s %%d, %%a;' % (s, w), 'bfind.%s%s' % (s, w), d='r32', a=c)
            o += kernel('bfindsh_%s%s' % (s, w), 'bfind.shiftamt.%s%s %%d, %%a;' % (s, w), 'bfind.shiftamt.%s%s' % (s, w), d='r32', a=c)
            o += kernel('bfe_%s%s' % (s, w), 'bfe.%s%s %%d, %%a, %%b, %%c;' % (s, w), 'bfe.%s%s' % (s, w), d=c, a=c, b='r32', c='r32')
        o += kernel('bfi_b%s' % w, 'bfi.b%s %%d, %%a, %%b, %%c, %%e;' % w, 'bfi.b' + w, d=c, a=c, b=c, c='r32', e='r32')
    for m in ('l.wrap', 'r.wrap', 'l.clamp', 'r.clamp'):
        o += kernel('shf_%s' % m.replace('.', '_'), 'shf.%s.b32 %%d, %%a, %%b, %%c;' % m, 'shf.%s.b32' % m, d='r32', a='r32', b='r32', c='r32')
    for m in ('', '.f4e', '.b4e', '.rc8', '.ecl', '.ecr', '.rc16'):
        o += kernel('prmt%s' % m.replace('.', '_'), 'prmt.b32%s %%d, %%a, %%b, %%c;' % m, 'prmt.b32' + m, d='r32', a='r32', b='r32', c='r32')
    for m in ('clamp', 'wrap'):
        o += kernel('bmsk_%s' % m, 'bmsk.%s.b32 %%d, %%a, %%b;' % m, 'bmsk.%s.b32' % m, d='r32', a='r32', b='r32')
    o += kernel('szext_clamp_s32', 'szext.clamp.s32 %d, %a, %b;', 'szext.clamp.s32', d='r32', a='r32', b='r32')
    o += kernel('szext_wrap_u32', 'szext.wrap.u32 %d, %a, %b;', 'szext.wrap.u32', d='r32', a='r32', b='r32')
    o += kernel('lop3_ca', 'lop3.b32 %d, %a, %b, %c, 0xca;', 'lop3.b32 with table 0xca (a ? b : c)', d='r32', a='r32', b='r32', c='r32')
    o += kernel('lop3_96', 'lop3.b32 %d, %a, %b, %c, 0x96;', 'lop3.b32 with table 0x96 (a ^ b ^ c)', d='r32', a='r32', b='r32', c='r32')
    for op in ('and', 'or', 'xor'):
        o += kernel('%s_pred' % op, '%s.pred %%d, %%a, %%b;' % op, '%s.pred' % op, d='p', a='p', b='p')
    o += kernel('not_pred', 'not.pred %d, %a;', 'not.pred', d='p', a='p')
    return o

def gen_float():
    o = HEADER % ('float.ptx', 'f32 and f64 arithmetic and special functions', 'Expectations: tests/unit/test_ptx_float.c.')
    for t, c in (('f32', 'f32'), ('f64', 'f64')):
        for r in ('', '.rn', '.rz', '.rm', '.rp'):
            rn = r.replace('.', '_') if r else ''
            for op in ('add', 'sub', 'mul'):
                o += kernel('%s%s_%s' % (op, rn, t), '%s%s.%s %%d, %%a, %%b;' % (op, r, t), '%s%s.%s' % (op, r, t), d=c, a=c, b=c)
            if r:
                o += kernel('fma%s_%s' % (rn, t), 'fma%s.%s %%d, %%a, %%b, %%c;' % (r, t), 'fma%s.%s' % (r, t), d=c, a=c, b=c, c=c)
                o += kernel('div%s_%s' % (rn, t), 'div%s.%s %%d, %%a, %%b;' % (r, t), 'div%s.%s' % (r, t), d=c, a=c, b=c)
                o += kernel('sqrt%s_%s' % (rn, t), 'sqrt%s.%s %%d, %%a;' % (r, t), 'sqrt%s.%s' % (r, t), d=c, a=c)
                o += kernel('rcp%s_%s' % (rn, t), 'rcp%s.%s %%d, %%a;' % (r, t), 'rcp%s.%s' % (r, t), d=c, a=c)
        for op in ('min', 'max'):
            o += kernel('%s_%s' % (op, t), '%s.%s %%d, %%a, %%b;' % (op, t), '%s.%s' % (op, t), d=c, a=c, b=c)
        for op in ('abs', 'neg'):
            o += kernel('%s_%s' % (op, t), '%s.%s %%d, %%a;' % (op, t), '%s.%s' % (op, t), d=c, a=c)
        o += kernel('copysign_%s' % t, 'copysign.%s %%d, %%a, %%b;' % t, 'copysign.%s' % t, d=c, a=c, b=c)
        for k in ('finite', 'infinite', 'number', 'notanumber', 'normal', 'subnormal'):
            o += kernel('testp_%s_%s' % (k, t), 'testp.%s.%s %%d, %%a;' % (k, t), 'testp.%s.%s' % (k, t), d='p', a=c)
    o += kernel('add_ftz_f32', 'add.ftz.f32 %d, %a, %b;', 'add.ftz.f32', d='f32', a='f32', b='f32')
    o += kernel('mul_ftz_f32', 'mul.ftz.f32 %d, %a, %b;', 'mul.ftz.f32', d='f32', a='f32', b='f32')
    o += kernel('fma_rn_ftz_f32', 'fma.rn.ftz.f32 %d, %a, %b, %c;', 'fma.rn.ftz.f32', d='f32', a='f32', b='f32', c='f32')
    o += kernel('add_sat_f32', 'add.sat.f32 %d, %a, %b;', 'add.sat.f32', d='f32', a='f32', b='f32')
    o += kernel('fma_rn_sat_f32', 'fma.rn.sat.f32 %d, %a, %b, %c;', 'fma.rn.sat.f32', d='f32', a='f32', b='f32', c='f32')
    o += kernel('mad_rn_f32', 'mad.rn.f32 %d, %a, %b, %c;', 'mad.rn.f32 (same as fma.rn)', d='f32', a='f32', b='f32', c='f32')
    o += kernel('min_ftz_f32', 'min.ftz.f32 %d, %a, %b;', 'min.ftz.f32', d='f32', a='f32', b='f32')
    o += kernel('max_nan_f32', 'max.NaN.f32 %d, %a, %b;', 'max.NaN.f32', d='f32', a='f32', b='f32')
    o += kernel('div_full_f32', 'div.full.f32 %d, %a, %b;', 'div.full.f32', d='f32', a='f32', b='f32')
    o += kernel('div_approx_f32', 'div.approx.f32 %d, %a, %b;', 'div.approx.f32', d='f32', a='f32', b='f32')
    for f in ('rcp', 'sqrt', 'rsqrt', 'sin', 'cos', 'lg2', 'ex2'):
        o += kernel('%s_approx_f32' % f, '%s.approx.f32 %%d, %%a;' % f, '%s.approx.f32' % f, d='f32', a='f32')
        o += kernel('%s_approx_ftz_f32' % f, '%s.approx.ftz.f32 %%d, %%a;' % f, '%s.approx.ftz.f32' % f, d='f32', a='f32')
    o += kernel('tanh_approx_f32', 'tanh.approx.f32 %d, %a;', 'tanh.approx.f32', d='f32', a='f32')
    o += kernel('rsqrt_approx_f64', 'rsqrt.approx.f64 %d, %a;', 'rsqrt.approx.f64', d='f64', a='f64')
    o += kernel('abs_ftz_f32', 'abs.ftz.f32 %d, %a;', 'abs.ftz.f32', d='f32', a='f32')
    o += kernel('neg_ftz_f32', 'neg.ftz.f32 %d, %a;', 'neg.ftz.f32', d='f32', a='f32')
    o += kernel('imm_f32', 'add.f32 %d, %a, 0f3F800000;', 'add.f32 with an 0f immediate (1.0)', d='f32', a='f32')
    o += kernel('imm_f64', 'mul.f64 %d, %a, 0d4000000000000000;', 'mul.f64 with an 0d immediate (2.0)', d='f64', a='f64')
    return o

def gen_cmp():
    o = HEADER % ('cmp.ptx', 'compare and select', 'Expectations: tests/unit/test_ptx_cmp.c.')
    ints = ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
    uns = ['lo', 'ls', 'hi', 'hs']
    flts = ints + ['equ', 'neu', 'ltu', 'leu', 'gtu', 'geu', 'num', 'nan']
    for t, c in (('s32', 'r32'), ('u32', 'r32'), ('s64', 'r64'), ('u64', 'r64'), ('s16', 'r16'), ('u16', 'r16')):
        for cmp in ints + (uns if t[0] == 'u' else []):
            o += kernel('setp_%s_%s' % (cmp, t), 'setp.%s.%s %%d|%%q, %%a, %%b;' % (cmp, t), 'setp.%s.%s p|q' % (cmp, t), d='p', q='p', a=c, b=c)
    for t in ('f32', 'f64'):
        for cmp in flts:
            o += kernel('setp_%s_%s' % (cmp, t), 'setp.%s.%s %%d|%%q, %%a, %%b;' % (cmp, t), 'setp.%s.%s p|q' % (cmp, t), d='p', q='p', a=t, b=t)
    o += kernel('setp_lt_ftz_f32', 'setp.lt.ftz.f32 %d, %a, %b;', 'setp.lt.ftz.f32', d='p', a='f32', b='f32')
    for b in ('and', 'or', 'xor'):
        o += kernel('setp_lt_%s_s32' % b, 'setp.lt.%s.s32 %%d|%%q, %%a, %%b, %%c;' % b, 'setp.lt.%s.s32 with predicate c' % b, d='p', q='p', a='r32', b='r32', c='p')
        o += kernel('setp_gt_%s_not_f32' % b, 'setp.gt.%s.f32 %%d|%%q, %%a, %%b, !%%c;' % b, 'setp.gt.%s.f32 with !c' % b, d='p', q='p', a='f32', b='f32', c='p')
    o += kernel('setp_eq_b32', 'setp.eq.b32 %d, %a, %b;', 'setp.eq.b32', d='p', a='r32', b='r32')
    o += kernel('setp_imm', 'setp.gt.s32 %d, %a, -1;', 'setp with an immediate', d='p', a='r32')
    for t, c in (('b16', 'r16'), ('b32', 'r32'), ('b64', 'r64'), ('f32', 'f32'), ('f64', 'f64')):
        o += kernel('selp_%s' % t, 'selp.%s %%d, %%a, %%b, %%c;' % t, 'selp.%s' % t, d=c, a=c, b=c, c='p')
    o += kernel('selp_imm', 'selp.u32 %d, 7, -3, %c;', 'selp with immediates', d='r32', c='p')
    o += kernel('slct_s32', 'slct.u32.s32 %d, %a, %b, %c;', 'slct.u32.s32', d='r32', a='r32', b='r32', c='r32')
    o += kernel('slct_f32', 'slct.u32.f32 %d, %a, %b, %c;', 'slct.u32.f32', d='r32', a='r32', b='r32', c='f32')
    o += kernel('set_lt_u32_s32', 'set.lt.u32.s32 %d, %a, %b;', 'set.lt.u32.s32 (all ones / 0)', d='r32', a='r32', b='r32')
    o += kernel('set_gtu_f32_f32', 'set.gtu.f32.f32 %d, %a, %b;', 'set.gtu.f32.f32 (1.0 / 0.0)', d='f32', a='f32', b='f32')
    return o

def gen_cvt():
    o = HEADER % ('cvt.ptx', 'conversions', 'Expectations: tests/unit/test_ptx_cvt.c.')
    ity = {'u8': 'r16', 's8': 'r16', 'u16': 'r16', 's16': 'r16', 'u32': 'r32', 's32': 'r32', 'u64': 'r64', 's64': 'r64'}
    names = list(ity)
    for d in names:
        for s in names:
            if d == s: continue
            o += kernel('cvt_%s_%s' % (d, s), 'cvt.%s.%s %%d, %%a;' % (d, s), 'cvt.%s.%s' % (d, s), d=ity[d], a=ity[s])
            o += kernel('cvtsat_%s_%s' % (d, s), 'cvt.sat.%s.%s %%d, %%a;' % (d, s), 'cvt.sat.%s.%s' % (d, s), d=ity[d], a=ity[s])
    # narrow source type in a wide register, wide destination
    o += kernel('cvt_s32_s8_r32', 'cvt.s32.s8 %d, %a;', 'cvt.s32.s8 from a 32-bit register', d='r32', a='r32')
    o += kernel('cvt_u64_u16_r32', 'cvt.u64.u16 %d, %a;', 'cvt.u64.u16 from a 32-bit register', d='r64', a='r32')
    for f in ('f32', 'f64'):
        for d in names:
            for r in ('rni', 'rzi', 'rmi', 'rpi'):
                o += kernel('cvt_%s_%s_%s' % (r, d, f), 'cvt.%s.%s.%s %%d, %%a;' % (r, d, f), 'cvt.%s.%s.%s' % (r, d, f), d=ity[d], a=f)
        for s in ('s32', 'u32', 's64', 'u64', 's16', 'u8'):
            for r in ('rn', 'rz', 'rm', 'rp'):
                o += kernel('cvt_%s_%s_%s' % (r, f, s), 'cvt.%s.%s.%s %%d, %%a;' % (r, f, s), 'cvt.%s.%s.%s' % (r, f, s), d=f, a=ity[s])
    for r in ('rn', 'rz', 'rm', 'rp'):
        o += kernel('cvt_%s_f32_f64' % r, 'cvt.%s.f32.f64 %%d, %%a;' % r, 'cvt.%s.f32.f64' % r, d='f32', a='f64')
        o += kernel('cvt_%s_f16_f32' % r, 'cvt.%s.f16.f32 %%d, %%a;' % r, 'cvt.%s.f16.f32' % r, d='r16', a='f32')
        o += kernel('cvt_%s_bf16_f32' % r, 'cvt.%s.bf16.f32 %%d, %%a;' % r, 'cvt.%s.bf16.f32' % r, d='r16', a='f32')
        o += kernel('cvt_%s_f16_f64' % r, 'cvt.%s.f16.f64 %%d, %%a;' % r, 'cvt.%s.f16.f64' % r, d='r16', a='f64')
    for r in ('rni', 'rzi', 'rmi', 'rpi'):
        o += kernel('cvt_%s_f32_f32' % r, 'cvt.%s.f32.f32 %%d, %%a;' % r, 'cvt.%s.f32.f32' % r, d='f32', a='f32')
        o += kernel('cvt_%s_f64_f64' % r, 'cvt.%s.f64.f64 %%d, %%a;' % r, 'cvt.%s.f64.f64' % r, d='f64', a='f64')
    o += kernel('cvt_f64_f32', 'cvt.f64.f32 %d, %a;', 'cvt.f64.f32', d='f64', a='f32')
    o += kernel('cvt_f32_f16', 'cvt.f32.f16 %d, %a;', 'cvt.f32.f16', d='f32', a='r16')
    o += kernel('cvt_f32_bf16', 'cvt.f32.bf16 %d, %a;', 'cvt.f32.bf16', d='f32', a='r16')
    o += kernel('cvt_f64_f16', 'cvt.f64.f16 %d, %a;', 'cvt.f64.f16', d='f64', a='r16')
    o += kernel('cvt_sat_f32_f32', 'cvt.sat.f32.f32 %d, %a;', 'cvt.sat.f32.f32', d='f32', a='f32')
    o += kernel('cvt_ftz_f32_f32', 'cvt.ftz.f32.f32 %d, %a;', 'cvt.ftz.f32.f32', d='f32', a='f32')
    o += kernel('cvt_rna_tf32_f32', 'cvt.rna.tf32.f32 %d, %a;', 'cvt.rna.tf32.f32', d='r32', a='f32')
    o += kernel('cvt_rn_f16x2_f32', 'cvt.rn.f16x2.f32 %d, %a, %b;', 'cvt.rn.f16x2.f32 (a to the high half)', d='r32', a='f32', b='f32')
    o += kernel('cvt_rn_relu_bf16x2_f32', 'cvt.rn.relu.bf16x2.f32 %d, %a, %b;', 'cvt.rn.relu.bf16x2.f32', d='r32', a='f32', b='f32')
    return o

def gen_half():
    o = HEADER % ('half.ptx', 'f16/bf16 arithmetic, compares and SIMD video', 'Expectations: tests/unit/test_ptx_half.c.')
    for t, c in (('f16', 'r16'), ('bf16', 'r16'), ('f16x2', 'r32'), ('bf16x2', 'r32')):
        tn = t
        for op in ('add', 'sub', 'mul'):
            o += kernel('%s_%s' % (op, tn), '%s.rn.%s %%d, %%a, %%b;' % (op, t), '%s.rn.%s' % (op, t), d=c, a=c, b=c)
        o += kernel('fma_%s' % tn, 'fma.rn.%s %%d, %%a, %%b, %%c;' % t, 'fma.rn.%s' % t, d=c, a=c, b=c, c=c)
        o += kernel('neg_%s' % tn, 'neg.%s %%d, %%a;' % t, 'neg.%s' % t, d=c, a=c)
        o += kernel('abs_%s' % tn, 'abs.%s %%d, %%a;' % t, 'abs.%s' % t, d=c, a=c)
        o += kernel('min_%s' % tn, 'min.%s %%d, %%a, %%b;' % t, 'min.%s' % t, d=c, a=c, b=c)
        o += kernel('max_%s' % tn, 'max.%s %%d, %%a, %%b;' % t, 'max.%s' % t, d=c, a=c, b=c)
    for t in ('f16', 'bf16'):
        for cmp in ('lt', 'ge', 'equ', 'nan'):
            o += kernel('setp_%s_%s' % (cmp, t), 'setp.%s.%s %%d, %%a, %%b;' % (cmp, t), 'setp.%s.%s' % (cmp, t), d='p', a='r16', b='r16')
    o += kernel('setp_lt_f16x2', 'setp.lt.f16x2 %d|%q, %a, %b;', 'setp.lt.f16x2: p low half, q high half', d='p', q='p', a='r32', b='r32')
    o += kernel('set_gt_f16x2', 'set.gt.f16x2.f16x2 %d, %a, %b;', 'set.gt.f16x2.f16x2 (1.0 per half)', d='r32', a='r32', b='r32')
    o += kernel('set_gt_u32_f16x2', 'set.gt.u32.f16x2 %d, %a, %b;', 'set.gt.u32.f16x2 (0xffff per half)', d='r32', a='r32', b='r32')
    o += kernel('fma_sat_f16', 'fma.rn.sat.f16 %d, %a, %b, %c;', 'fma.rn.sat.f16', d='r16', a='r16', b='r16', c='r16')
    o += kernel('fma_relu_f16', 'fma.rn.relu.f16 %d, %a, %b, %c;', 'fma.rn.relu.f16', d='r16', a='r16', b='r16', c='r16')
    o += kernel('add_ftz_f16', 'add.rn.ftz.f16 %d, %a, %b;', 'add.rn.ftz.f16', d='r16', a='r16', b='r16')
    o += kernel('ex2_f16', 'ex2.approx.f16 %d, %a;', 'ex2.approx.f16', d='r16', a='r16')
    o += kernel('selp_f16', 'selp.f16 %d, %a, %b, %c;', 'selp.f16', d='r16', a='r16', b='r16', c='p')
    for op in ('vabsdiff4', 'vadd4', 'vsub4', 'vmin4', 'vmax4', 'vabsdiff2', 'vadd2', 'vsub2', 'vmin2', 'vmax2'):
        for tys in ('u32.u32.u32', 's32.s32.s32'):
            nm = tys.split('.')[0]
            o += kernel('%s_%s' % (op, nm), '%s.%s %%d, %%a, %%b, %%c;' % (op, tys), '%s.%s' % (op, tys), d='r32', a='r32', b='r32', c='r32')
            o += kernel('%s_%s_sat' % (op, nm), '%s.%s.sat %%d, %%a, %%b, %%c;' % (op, tys), '%s.%s.sat' % (op, tys), d='r32', a='r32', b='r32', c='r32')
            o += kernel('%s_%s_add' % (op, nm), '%s.%s.add %%d, %%a, %%b, %%c;' % (op, tys), '%s.%s.add' % (op, tys), d='r32', a='r32', b='r32', c='r32')
    return o


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    for fam in ('int', 'bit', 'float', 'cmp', 'cvt', 'half'):
        with open(os.path.join(out, fam + '.ptx'), 'w') as f:
            f.write(globals()['gen_' + fam]())
