// Pass 4: IR + register allocation -> NASM text for one function.
//
// Requires: IR (ir.ts) and an Allocation (regalloc.ts) for it. Produces the
// function's code (System V convention, see toolchain/ABI.md) and any jump
// tables it needs. Keeps i32 values zero-extended in 64-bit registers.
//
// Scratch registers: rax, rcx, rdx, r11, xmm14, xmm15 (never allocated).
// Every IR instruction is preceded by a comment with its Wasm byte offset and
// its IR text, so the output reads side by side with `--dump=ir`.
//
// Floats (SSE2 only by default; SSE4.1 `rounds*` for ceil/floor/trunc/nearest
// only with the x86-64-v2 option): Wasm's
// NaN rules are met by construction — arithmetic lets the CPU propagate the
// (quieted) input NaN or make the default NaN, both allowed; abs, neg and
// copysign are pure bit operations on the integer side; min and max handle
// NaN and signed zeros explicitly; comparisons test the parity flag.

import { Func, Ins, K, Ty, show, isFloat } from '../ir.js';
import { Allocation, SLOT, ARG_REGS, RAX, RCX, RDX, R11, XMM, XMM14, XMM15, isXmm, argPlaces } from '../regalloc.js';
import { R64, R32, regName, SIZE_WORD, CC } from './regs.js';
import { trapCode } from '../../traps.js';
import { INTRINSICS, IntrinsicApi } from '../intrinsics.js';
import { CompileError } from '../errors.js';

export interface ModuleInfo {
  funcSymbol(index: number): string;
  globalSymbol(index: number): string;
  tableSymbol(index: number): string;
  /** Symbol of function index's reference (its descriptor: code address, signature hash). */
  funcRefSymbol(index: number): string;
  /** Signature hash of type index (what call_indirect compares). */
  typeHash(typeIndex: number): bigint;
  /** Relocatable memory model (ABI.md): the symbol of the memory object
   * `dq base, pages, max_pages`. Absent: the fixed model, where linear memory
   * is at the link-time constant __wasm_memory_base. */
  memoryObject?: string;
}

/** Bits of x as an f32 or f64, as an unsigned bigint. */
function floatBits(ty: Ty, x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  if (ty === 'f32') {
    dv.setFloat32(0, x, true);
    return BigInt(dv.getUint32(0, true));
  }
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
}

// Float conditions after `ucomis a, b` (or b, a when `swap`): the jcc/setcc
// suffix; eq and ne also need the parity flag (set when unordered).
const FCOND: Record<string, { swap: boolean; cc: string }> = {
  gt: { swap: false, cc: 'a' }, ge: { swap: false, cc: 'ae' }, lt: { swap: true, cc: 'a' }, le: { swap: true, cc: 'ae' },
  ngt: { swap: false, cc: 'be' }, nge: { swap: false, cc: 'b' }, nlt: { swap: true, cc: 'be' }, nle: { swap: true, cc: 'b' },
  eq: { swap: false, cc: 'e' }, ne: { swap: false, cc: 'ne' },
};

// Bounds of the float -> integer conversions: the source must be > lo (>= lo
// when loIncl) and < hi. Values for sat conversions that fall outside.
const TRUNC: Record<string, { lo: number; loIncl: boolean; hi: number; min: bigint; max: bigint }> = {
  i32_s_f32: { lo: -2147483648, loIncl: true, hi: 2147483648, min: 0x80000000n, max: 0x7fffffffn },
  i32_s_f64: { lo: -2147483649, loIncl: false, hi: 2147483648, min: 0x80000000n, max: 0x7fffffffn },
  i32_u: { lo: -1, loIncl: false, hi: 4294967296, min: 0n, max: 0xffffffffn },
  i64_s: { lo: -9223372036854775808, loIncl: true, hi: 9223372036854775808, min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
  i64_u: { lo: -1, loIncl: false, hi: 18446744073709551616, min: 0n, max: -1n },
};

const MEM = '__wasm_memory_base';

/** A Wasm effective address that fits a disp32 next to the memory base. */
const MAX_DIRECT_OFFSET = 0x40000000;

/** Instruction-set options: v2 allows SSE4.1 `rounds*` and `popcnt`
 * (x86-64-v2); without it the code is baseline x86-64 (SSE2). */
export interface EmitOptions {
  v2?: boolean;
}

export function emitFunction(f: Func, alloc: Allocation, mod: ModuleInfo, isa: EmitOptions = {}): { text: string[]; rodata: string[] } {
  const out: string[] = [];
  const rodata: string[] = [];
  const { loc } = alloc;
  const nsaved = alloc.usedCalleeSaved.length;
  const traps = new Set<number>();
  const sym = f.name;
  let jt = 0;
  let nconst = 0;

  const line = (s: string) => out.push('    ' + s);
  const width = (ty: Ty) => (ty === 'i32' || ty === 'f32' ? 4 : 8);
  const isReg = (v: number) => loc[v] >= 0 && loc[v] < SLOT;
  const slotAddr = (v: number) => `[rbp - ${8 * (nsaved + (loc[v] - SLOT) + 1)}]`;
  const sfx = (ty: Ty) => (ty === 'f32' ? 'ss' : 'sd');
  const fmov = (ty: Ty) => (ty === 'f32' ? 'movss' : 'movsd');
  const xn = (r: number) => `xmm${r - XMM}`;
  let nlocal = 0;
  const local = () => `.x${nlocal++}`;

  // The hidden result buffers of calls with several results: one area below the slots.
  let bufSlots = 0;
  for (const i of f.code) if ((i.k === K.Call || i.k === K.CallIndirect) && i.dsts.length > 1) bufSlots = Math.max(bufSlots, i.dsts.length - 1);
  const bufAddr = (j: number) => `[rbp - ${8 * (nsaved + alloc.nslots + bufSlots) - 8 * j}]`;
  /** Operand text of vreg v at the given width. */
  const op = (v: number, w: number): string => {
    if (loc[v] < 0) throw new CompileError(`internal error: v${v} has no location`, -1, sym);
    return isReg(v) ? regName(loc[v], w) : `${SIZE_WORD[w]} ${slotAddr(v)}`;
  };
  const reg = (v: number) => loc[v];
  const imm = (x: bigint) => x.toString();
  const trapLabel = (code: number) => {
    traps.add(code);
    return `.trap${code}`;
  };

  /** Loads vreg v (type ty) into register r (XMM for floats). */
  const loadTo = (r: number, v: number, ty: Ty) => {
    if (isReg(v) && reg(v) === r) return;
    if (isXmm(r)) line(isReg(v) ? `movaps ${xn(r)}, ${xn(reg(v))}` : `${fmov(ty)} ${xn(r)}, ${op(v, width(ty))}`);
    else line(`mov ${regName(r, width(ty))}, ${op(v, width(ty))}`);
  };
  /** Stores register r into vreg v. */
  const storeFrom = (v: number, r: number, ty: Ty) => {
    if (isReg(v) && reg(v) === r) return;
    if (isXmm(r)) line(isReg(v) ? `movaps ${xn(reg(v))}, ${xn(r)}` : `${fmov(ty)} ${op(v, width(ty))}, ${xn(r)}`);
    else line(`mov ${op(v, width(ty))}, ${regName(r, width(ty))}`);
  };
  /** The register that will hold the result: dst's own, or a scratch one when dst is spilled. */
  const target = (v: number) => (isReg(v) ? reg(v) : isFloat(f.vtypes[v]) ? XMM15 : RAX);
  /** The raw bits of float vreg v into general register r. */
  const toGpr = (r: number, v: number, ty: Ty) => {
    const w = width(ty);
    if (isReg(v)) line(`mov${w === 4 ? 'd' : 'q'} ${regName(r, w)}, ${xn(reg(v))}`);
    else line(`mov ${regName(r, w)}, ${op(v, w)}`);
  };
  /** General register r's low bits into float vreg v. */
  const fromGpr = (v: number, r: number, ty: Ty) => {
    const w = width(ty);
    if (isReg(v)) line(`mov${w === 4 ? 'd' : 'q'} ${xn(reg(v))}, ${regName(r, w)}`);
    else line(`mov ${op(v, w)}, ${regName(r, w)}`);
  };
  /** A float vreg as an XMM register (loaded into `scratch` when spilled). */
  const inXmm = (v: number, ty: Ty, scratch: number) => {
    if (isReg(v)) return reg(v);
    loadTo(scratch, v, ty);
    return scratch;
  };
  /** A float constant into XMM register r. */
  const fconst = (r: number, ty: Ty, x: number) => {
    const bits = floatBits(ty, x);
    if (bits === 0n) line(`xorps ${xn(r)}, ${xn(r)}`);
    else if (ty === 'f32') {
      line(`mov eax, ${bits}`);
      line(`movd ${xn(r)}, eax`);
    } else {
      line(`mov rax, ${bits}`);
      line(`movq ${xn(r)}, rax`);
    }
  };

  // --- parallel moves (call arguments, entry parameters) ---------------------
  // Destinations are registers of either class; the two classes never meet.
  type Src = { reg: number } | { mem: string } | { imm: bigint } | { lea: string };
  const parallelMove = (moves: { dst: number; src: Src; w: number }[]) => {
    const pending = moves.filter((m) => !('reg' in m.src && m.src.reg === m.dst));
    while (pending.length) {
      const k = pending.findIndex((m) => !pending.some((o) => o !== m && 'reg' in o.src && o.src.reg === m.dst));
      if (k >= 0) {
        const m = pending.splice(k, 1)[0];
        const s = m.src;
        const x = isXmm(m.dst);
        if ('reg' in s) line(x ? `movaps ${xn(m.dst)}, ${xn(s.reg)}` : `mov ${regName(m.dst, 8)}, ${R64[s.reg]}`);
        else if ('mem' in s) line(x ? `${m.w === 4 ? 'movss' : 'movsd'} ${xn(m.dst)}, ${s.mem}` : `mov ${regName(m.dst, m.w)}, ${SIZE_WORD[m.w]} ${s.mem}`);
        else if ('lea' in s) line(`lea ${R64[m.dst]}, ${s.lea}`);
        else line(`mov ${regName(m.dst, m.w)}, ${imm(s.imm)}`);
        continue;
      }
      // A cycle: park one source in the class's scratch register.
      const m = pending[0];
      const r = (m.src as { reg: number }).reg;
      const park = isXmm(r) ? XMM15 : R11;
      line(isXmm(r) ? `movaps xmm15, ${xn(r)}` : `mov r11, ${R64[r]}`);
      for (const o of pending) if ('reg' in o.src && o.src.reg === r) o.src = { reg: park };
    }
  };
  const srcOf = (v: number): Src => (isReg(v) ? { reg: reg(v) } : { mem: slotAddr(v) });

  // --- prologue ------------------------------------------------------------
  const frameWords = alloc.nslots + bufSlots;
  const frameSlots = frameWords + ((frameWords + nsaved) & 1); // keep rsp 16-aligned
  out.push(`${sym}:`);
  line('push rbp');
  line('mov rbp, rsp');
  for (const r of alloc.usedCalleeSaved) line(`push ${R64[r]}`);
  if (frameSlots) line(`sub rsp, ${8 * frameSlots}`);
  {
    const moves: { dst: number; src: Src; w: number }[] = [];
    const stackLoads: [number, number][] = [];
    const places = argPlaces(f.params.map((p) => f.vtypes[p]));
    f.params.forEach((p, k) => {
      if (loc[p] < 0) return; // unused parameter
      const pl = places[k];
      if ('reg' in pl) {
        if (isReg(p)) moves.push({ dst: reg(p), src: { reg: pl.reg }, w: 8 });
        // Spilled register parameters first (their sources are still intact).
        else storeFrom(p, pl.reg, isXmm(pl.reg) ? f.vtypes[p] : 'i64');
      } else stackLoads.push([p, pl.stack]);
    });
    parallelMove(moves);
    for (const [p, k] of stackLoads) {
      const a = `[rbp + ${16 + 8 * k}]`;
      const ty = f.vtypes[p];
      if (isReg(p)) line(isFloat(ty) ? `${fmov(ty)} ${xn(reg(p))}, ${a}` : `mov ${R64[reg(p)]}, qword ${a}`);
      else {
        line(`mov rax, qword ${a}`);
        line(`mov ${op(p, 8)}, rax`);
      }
    }
  }
  const epilogue = () => {
    if (nsaved) line(`lea rsp, [rbp - ${8 * nsaved}]`);
    else line('mov rsp, rbp');
    for (const r of [...alloc.usedCalleeSaved].reverse()) line(`pop ${R64[r]}`);
    line('pop rbp');
    line('ret');
  };

  // --- memory operands --------------------------------------------------------
  /** The memory operand for linear address (vreg a or absolute) + off; the
   * memory base is the constant MEM, or (relocatable model) vreg c. Scratch:
   * r11 (a spilled address), rcx (a large offset), rdx (a spilled base). */
  const memOperand = (a: number, off: number, c = -1): string => {
    if (c >= 0) {
      let b: string;
      if (isReg(c)) b = R64[reg(c)];
      else {
        line(`mov rdx, ${op(c, 8)}`);
        b = 'rdx';
      }
      if (a < 0) {
        if (off < MAX_DIRECT_OFFSET) return `[${b}${off ? ' + ' + off : ''}]`;
        line(`mov r11, ${off}`);
        return `[${b} + r11]`;
      }
      let x: string;
      if (isReg(a)) x = R64[reg(a)];
      else {
        line(`mov r11d, ${op(a, 4)}`);
        x = 'r11';
      }
      if (off < MAX_DIRECT_OFFSET) return `[${b} + ${x}${off ? ' + ' + off : ''}]`;
      line(`mov rcx, ${off}`);
      line(`add rcx, ${x}`);
      return `[${b} + rcx]`;
    }
    if (a < 0) {
      if (off < MAX_DIRECT_OFFSET) return `[${MEM} + ${off}]`;
      line(`mov r11, ${off}`);
      return `[r11 + ${MEM}]`;
    }
    let base: string;
    if (isReg(a)) base = R64[reg(a)];
    else {
      line(`mov r11d, ${op(a, 4)}`);
      base = 'r11';
    }
    if (off < MAX_DIRECT_OFFSET) return `[${base} + ${MEM}${off ? ' + ' + off : ''}]`;
    line(`mov ${base === 'r11' ? 'rcx' : 'r11'}, ${off}`);
    const t = base === 'r11' ? 'rcx' : 'r11';
    line(`add ${t}, ${base}`);
    return `[${t} + ${MEM}]`;
  };

  // --- one instruction at a time -----------------------------------------------
  const fbinop = (i: Ins) => {
    const ty = i.ty, w = width(ty), S = sfx(ty);
    const d = i.dst;
    const t = target(d);
    if (i.op === 'copysign') {
      toGpr(RAX, i.a, ty);
      toGpr(RCX, i.b, ty);
      if (w === 4) {
        line('and eax, 0x7fffffff');
        line('and ecx, 0x80000000');
        line('or eax, ecx');
      } else {
        line('btr rax, 63');
        line('shr rcx, 63');
        line('shl rcx, 63');
        line('or rax, rcx');
      }
      fromGpr(d, RAX, ty);
      return;
    }
    // b as an operand; moved aside when t (about to receive a) holds it.
    let b = isReg(i.b) ? xn(reg(i.b)) : op(i.b, w);
    const bInT = isReg(i.b) && reg(i.b) === t && !(isReg(i.a) && reg(i.a) === t);
    if (bInT && (i.op === 'add' || i.op === 'mul')) {
      // Commutative: t op= a. (With two NaN operands x86 returns the first;
      // Wasm lets either NaN through, quieted.)
      line(`${i.op}${S} ${xn(t)}, ${isReg(i.a) ? xn(reg(i.a)) : op(i.a, w)}`);
      storeFrom(d, t, ty);
      return;
    }
    if (bInT || ((i.op === 'min' || i.op === 'max') && !isReg(i.b))) {
      loadTo(XMM14, i.b, ty);
      b = 'xmm14';
    }
    loadTo(t, i.a, ty);
    const T = xn(t);
    if (i.op === 'min' || i.op === 'max') {
      // NaN in -> NaN out (the sum propagates it); equal operands may be
      // +0 and -0: or/and of the bits picks -0 for min and +0 for max.
      const nan = local(), ord = local(), done = local();
      line(`ucomi${S} ${T}, ${b}`);
      line(`jp ${nan}`);
      line(`jne ${ord}`);
      line(`${i.op === 'min' ? 'orps' : 'andps'} ${T}, ${b}`);
      line(`jmp ${done}`);
      out.push(`${nan}:`);
      line(`add${S} ${T}, ${b}`);
      line(`jmp ${done}`);
      out.push(`${ord}:`);
      line(`${i.op}${S} ${T}, ${b}`);
      out.push(`${done}:`);
    } else {
      line(`${i.op}${S} ${T}, ${b}`);
    }
    storeFrom(d, t, ty);
  };

  /** Division by a constant without a divide instruction, where it pays:
   * a power of two (either width) by shifts; any other i32 divisor by a
   * multiplication with M = floor(2^64 / |d|) + 1, whose high half is
   * floor(a / |d|) exactly for every |a| < 2^32 (the error a * (M - 2^64/|d|)
   * / 2^64 stays below 2^-32 < 1/|d|); for a negative dividend the signed high
   * half is one below the quotient truncated toward zero, which the sign bit
   * corrects. Remainders are a - q * d. Scratch: rax, rcx, rdx. */
  const divByConstant = (i: Ins, w: number, signed: boolean, isRem: boolean): boolean => {
    const bits = w * 8;
    const dv = signed ? BigInt.asIntN(bits, i.imm!) : BigInt.asUintN(bits, i.imm!);
    const mag = dv < 0n ? -dv : dv;
    const A = regName(RAX, w), C = regName(RCX, w);
    if ((mag & (mag - 1n)) === 0n) {
      const k = mag.toString(2).length - 1;
      loadTo(RAX, i.a, i.ty);
      if (k === 0) {
        if (isRem) line('xor eax, eax'); // x rem 1 = 0; x div 1 = x (d = -1 never gets here)
      } else if (!signed) {
        line(isRem ? `and ${A}, ${(1n << BigInt(k)) - 1n}` : `shr ${A}, ${k}`);
      } else {
        // c = 2^k - 1 for a negative dividend, else 0: rounds toward zero
        line(`mov ${C}, ${A}`);
        line(`sar ${C}, ${bits - 1}`);
        line(`shr ${C}, ${bits - k}`);
        line(`add ${A}, ${C}`);
        if (isRem) {
          line(`and ${A}, ${(1n << BigInt(k)) - 1n}`);
          line(`sub ${A}, ${C}`);
        } else {
          line(`sar ${A}, ${k}`);
          if (dv < 0n) line(`neg ${A}`);
        }
      }
      storeFrom(i.dst, RAX, i.ty);
      return true;
    }
    if (w !== 4) return false;
    const M = (1n << 64n) / mag + 1n;
    if (signed) {
      line(`movsxd rcx, ${op(i.a, 4)}`);
      line(`mov rax, ${M}`);
      line('imul rcx');
      line('mov rax, rcx');
      line('sar rax, 63');
      line('sub rdx, rax');
      if (dv < 0n) line('neg rdx');
    } else {
      loadTo(RCX, i.a, 'i32');
      line(`mov rax, ${M}`);
      line('mul rcx');
    }
    if (isRem) {
      line(`imul edx, edx, ${BigInt.asIntN(32, dv)}`);
      line('mov eax, ecx');
      line('sub eax, edx');
    } else line('mov eax, edx');
    storeFrom(i.dst, RAX, i.ty);
    return true;
  };

  const binop = (i: Ins) => {
    if (isFloat(i.ty)) return fbinop(i);
    const w = width(i.ty);
    const d = i.dst;
    const bOp = i.imm !== null ? imm(i.imm) : op(i.b, w);
    switch (i.op) {
      case 'add': case 'sub': case 'and': case 'or': case 'xor': {
        const mn = i.op;
        const commut = mn !== 'sub';
        if (isReg(d) && i.imm === null && isReg(i.b) && reg(i.b) === reg(d) && !(isReg(i.a) && reg(i.a) === reg(d))) {
          if (commut) {
            line(`${mn} ${regName(reg(d), w)}, ${op(i.a, w)}`);
          } else {
            loadTo(RAX, i.a, i.ty);
            line(`${mn} ${regName(RAX, w)}, ${bOp}`);
            storeFrom(d, RAX, i.ty);
          }
          return;
        }
        const t = target(d);
        // Three-address add (and sub of a constant) as lea, which at 32 bits
        // wraps and zero-extends like the Wasm operation.
        const distinct = isReg(d) && isReg(i.a) && reg(i.a) !== reg(d);
        if (distinct && i.imm !== null && (mn === 'add' || (mn === 'sub' && i.imm !== -0x80000000n))) {
          const k = mn === 'add' ? i.imm : -i.imm;
          line(`lea ${regName(reg(d), w)}, [${R64[reg(i.a)]} ${k < 0n ? '-' : '+'} ${k < 0n ? -k : k}]`);
          return;
        }
        if (distinct && mn === 'add' && isReg(i.b)) {
          line(`lea ${regName(reg(d), w)}, [${R64[reg(i.a)]} + ${R64[reg(i.b)]}]`);
          return;
        }
        if (!isReg(d) && isReg(i.a) === false && loc[i.a] === loc[d] && i.imm !== null) {
          // in-place on a stack slot
          line(`${mn} ${op(d, w)}, ${bOp}`);
          return;
        }
        loadTo(t, i.a, i.ty);
        line(`${mn} ${regName(t, w)}, ${bOp}`);
        storeFrom(d, t, i.ty);
        return;
      }
      case 'shladd': {
        // d = (a << imm) + off as one lea (wraps at 32 bits like the Wasm ops)
        const t = target(d);
        const scale = 1 << Number(i.imm);
        let base: number;
        if (isReg(i.a)) base = reg(i.a);
        else {
          loadTo(t, i.a, i.ty);
          base = t;
        }
        line(`lea ${regName(t, w)}, [${R64[base]}*${scale}${i.off < 0 ? ' - ' + -i.off : ' + ' + i.off}]`);
        storeFrom(d, t, i.ty);
        return;
      }
      case 'mul': {
        const t = target(d);
        if (i.imm !== null) {
          line(`imul ${regName(t, w)}, ${op(i.a, w)}, ${bOp}`);
        } else if (isReg(d) && isReg(i.b) && reg(i.b) === t && !(isReg(i.a) && reg(i.a) === t)) {
          line(`imul ${regName(t, w)}, ${op(i.a, w)}`);
        } else {
          loadTo(t, i.a, i.ty);
          line(`imul ${regName(t, w)}, ${bOp}`);
        }
        storeFrom(d, t, i.ty);
        return;
      }
      case 'shl': case 'shr_s': case 'shr_u': case 'rotl': case 'rotr': {
        const mn = { shl: 'shl', shr_s: 'sar', shr_u: 'shr', rotl: 'rol', rotr: 'ror' }[i.op]!;
        if (i.imm !== null) {
          const t = target(d);
          loadTo(t, i.a, i.ty);
          line(`${mn} ${regName(t, w)}, ${Number(BigInt.asUintN(8, i.imm)) & (w * 8 - 1)}`);
          storeFrom(d, t, i.ty);
          return;
        }
        line(`mov ecx, ${op(i.b, 4)}`);
        const t = isReg(d) && !(isReg(i.b) && reg(i.b) === reg(d)) ? reg(d) : RAX;
        loadTo(t, i.a, i.ty);
        line(`${mn} ${regName(t, w)}, cl`);
        storeFrom(d, t, i.ty);
        return;
      }
      case 'div_s': case 'div_u': case 'rem_s': case 'rem_u': {
        const signed = i.op.endsWith('_s');
        const isRem = i.op.startsWith('rem');
        if (i.imm !== null) {
          // constant divisor, neither 0 nor -1 (lower.ts): no checks
          if (divByConstant(i, w, signed, isRem)) return;
          line(`mov ${regName(RCX, w)}, ${imm(i.imm)}`);
          loadTo(RAX, i.a, i.ty);
          line(signed ? (w === 4 ? 'cdq' : 'cqo') : 'xor edx, edx');
          line(`${signed ? 'idiv' : 'div'} ${regName(RCX, w)}`);
          storeFrom(d, isRem ? RDX : RAX, i.ty);
          return;
        }
        const bo = op(i.b, w);
        line(`cmp ${bo}, 0`);
        line(`je ${trapLabel(trapCode('integer divide by zero'))}`);
        loadTo(RAX, i.a, i.ty);
        const done = `.d${out.length}`;
        if (signed) {
          line(`cmp ${bo}, -1`);
          if (isRem) {
            // x rem -1 = 0 (and idiv would fault on INT_MIN)
            const normal = `.n${out.length}`;
            line(`jne ${normal}`);
            line('xor eax, eax');
            line(`jmp ${done}`);
            out.push(`${normal}:`);
          } else {
            const normal = `.n${out.length}`;
            line(`jne ${normal}`);
            line(w === 4 ? 'cmp eax, 0x80000000' : 'mov rdx, 0x8000000000000000');
            if (w === 8) line('cmp rax, rdx');
            line(`je ${trapLabel(trapCode('integer overflow'))}`);
            out.push(`${normal}:`);
          }
          line(w === 4 ? 'cdq' : 'cqo');
          line(`idiv ${bo}`);
        } else {
          line('xor edx, edx');
          line(`div ${bo}`);
        }
        if (isRem) line(`mov ${regName(RAX, w)}, ${regName(RDX, w)}`);
        out.push(`${done}:`);
        storeFrom(d, RAX, i.ty);
        return;
      }
    }
    throw new CompileError(`internal error: binary operation ${i.op}`, i.wasmOff, sym);
  };

  /** Float -> integer truncation (trapping, or saturating when sat). */
  const truncate = (i: Ins, sat: boolean) => {
    const from = f.vtypes[i.a], S = sfx(from);
    const signed = i.op.endsWith('_s');
    const key = i.ty === 'i32' ? (signed ? `i32_s_${from}` : 'i32_u') : signed ? 'i64_s' : 'i64_u';
    const b = TRUNC[key];
    const X = xn(inXmm(i.a, from, XMM15));
    const nanL = sat ? local() : trapLabel(trapCode('invalid conversion to integer'));
    const loL = sat ? local() : trapLabel(trapCode('integer overflow'));
    const hiL = sat ? local() : loL;
    const done = local();
    line(`ucomi${S} ${X}, ${X}`);
    line(`jp ${nanL}`);
    fconst(XMM14, from, b.lo);
    line(`ucomi${S} ${X}, xmm14`);
    line(`${b.loIncl ? 'jb' : 'jbe'} ${loL}`);
    fconst(XMM14, from, b.hi);
    line(`ucomi${S} ${X}, xmm14`);
    line(`jae ${hiL}`);
    if (key === 'i64_u') {
      // 2^63 and above: subtract 2^63 first, then set the top bit.
      const big = local();
      fconst(XMM14, from, 9223372036854775808);
      line(`ucomi${S} ${X}, xmm14`);
      line(`jae ${big}`);
      line(`cvtt${S}2si rax, ${X}`);
      line(`jmp ${done}`);
      out.push(`${big}:`);
      if (X !== 'xmm15') line(`movaps xmm15, ${X}`);
      line(`sub${S} xmm15, xmm14`);
      line(`cvtt${S}2si rax, xmm15`);
      line('btc rax, 63');
    } else if (key.startsWith('i32_s')) line(`cvtt${S}2si eax, ${X}`);
    else line(`cvtt${S}2si rax, ${X}`);
    if (sat) {
      line(`jmp ${done}`);
      out.push(`${nanL}:`);
      line('xor eax, eax');
      line(`jmp ${done}`);
      out.push(`${loL}:`);
      line(b.min === 0n ? 'xor eax, eax' : i.ty === 'i32' ? `mov eax, ${b.min}` : `mov rax, ${b.min}`);
      line(`jmp ${done}`);
      out.push(`${hiL}:`);
      line(i.ty === 'i32' ? `mov eax, ${b.max}` : `mov rax, ${b.max}`);
    }
    out.push(`${done}:`);
    storeFrom(i.dst, RAX, i.ty);
  };

  /** Integer -> float conversion. */
  const convert = (i: Ins) => {
    const from = f.vtypes[i.a], S = sfx(i.ty);
    const t = target(i.dst), T = xn(t);
    const unsigned = i.op.endsWith('_u');
    if (from === 'i32' && !unsigned) line(`cvtsi2${S} ${T}, ${op(i.a, 4)}`);
    else if (from === 'i32') {
      line(`mov eax, ${op(i.a, 4)}`);
      line(`cvtsi2${S} ${T}, rax`);
    } else if (!unsigned) line(`cvtsi2${S} ${T}, ${op(i.a, 8)}`);
    else {
      // u64: halve with the low bit kept sticky, convert, double.
      const big = local(), done = local();
      loadTo(RAX, i.a, 'i64');
      line('test rax, rax');
      line(`js ${big}`);
      line(`cvtsi2${S} ${T}, rax`);
      line(`jmp ${done}`);
      out.push(`${big}:`);
      line('mov rcx, rax');
      line('shr rcx, 1');
      line('and eax, 1');
      line('or rcx, rax');
      line(`cvtsi2${S} ${T}, rcx`);
      line(`add${S} ${T}, ${T}`);
      out.push(`${done}:`);
    }
    storeFrom(i.dst, t, i.ty);
  };

  /** ceil/floor/trunc/nearest with SSE2 only. |x| >= 2^23 (f32) / 2^52
   * (f64), infinities and NaNs are already integral: x + 0 returns them
   * unchanged, a NaN quieted (like roundss). Below that the integer part is
   * exact in a 64-bit integer (cvtts*2si), corrected by one for floor/ceil
   * (sbb/adc on the compare's carry); nearest adds and subtracts 2^52 to |x|
   * (ties to even, the default MXCSR mode). The sign of x is ORed back in,
   * which gives -0 for results that round to zero from below. */
  const roundSse2 = (i: Ins) => {
    const ty = i.ty, S = sfx(ty), d = i.dst, f64 = ty === 'f64';
    const X = xn(inXmm(i.a, ty, XMM15));
    const R = isReg(d) && xn(reg(d)) !== X ? reg(d) : XMM14;
    const big = local(), done = local();
    const A = f64 ? 'rax' : 'eax', D = f64 ? 'rdx' : 'edx', mq = f64 ? 'movq' : 'movd';
    line(`${mq} ${D}, ${X}`);
    line(`mov ${A}, ${D}`);
    if (f64) {
      line('btr rax, 63');
      line('mov rcx, 0x4330000000000000'); // 2^52
      line('cmp rax, rcx');
    } else {
      line('and eax, 0x7fffffff');
      line('cmp eax, 0x4b000000'); // 2^23
    }
    line(`jae ${big}`);
    if (i.op === 'nearest') {
      const magic = `${sym}.rc${nconst++}`;
      rodata.push('align 8', `${magic}:`, f64 ? '    dq 0x4330000000000000' : '    dd 0x4b000000, 0');
      line(`${mq} xmm14, ${A}`);
      line(`add${S} xmm14, [${magic}]`);
      line(`sub${S} xmm14, [${magic}]`);
      line(`${mq} ${A}, xmm14`);
    } else {
      line(`cvtt${S}2si rax, ${X}`);
      if (i.op !== 'trunc') {
        line('xorps xmm14, xmm14');
        line(`cvtsi2${S} xmm14, rax`);
        if (i.op === 'floor') {
          line(`ucomi${S} ${X}, xmm14`); // CF: x < trunc(x)
          line('sbb rax, 0');
        } else {
          line(`ucomi${S} xmm14, ${X}`); // CF: trunc(x) < x
          line('adc rax, 0');
        }
      }
      line('xorps xmm14, xmm14');
      line(`cvtsi2${S} xmm14, rax`);
      line(`${mq} ${A}, xmm14`);
    }
    if (f64) {
      line('shr rdx, 63');
      line('shl rdx, 63');
    } else line('and edx, 0x80000000');
    line(`or ${A}, ${D}`);
    line(`${mq} ${xn(R)}, ${A}`);
    line(`jmp ${done}`);
    out.push(`${big}:`);
    if (xn(R) !== X) {
      line(`xorps ${xn(R)}, ${xn(R)}`);
      line(`add${S} ${xn(R)}, ${X}`);
    } else throw new CompileError('internal error: round result register', i.wasmOff, sym);
    out.push(`${done}:`);
    storeFrom(d, R, ty);
  };

  const funop = (i: Ins) => {
    const ty = i.ty, S = sfx(ty), d = i.dst;
    const t = target(d), T = xn(t);
    const src = () => (isReg(i.a) ? xn(reg(i.a)) : op(i.a, width(ty)));
    switch (i.op) {
      case 'abs':
      case 'neg':
        toGpr(RAX, i.a, ty);
        if (ty === 'f32') line(i.op === 'abs' ? 'and eax, 0x7fffffff' : 'xor eax, 0x80000000');
        else line(i.op === 'abs' ? 'btr rax, 63' : 'btc rax, 63');
        fromGpr(d, RAX, ty);
        return;
      case 'sqrt':
        line(`sqrt${S} ${T}, ${src()}`);
        break;
      case 'nearest': case 'floor': case 'ceil': case 'trunc':
        if (isa.v2) {
          // SSE4.1: rounding mode in the immediate, precision exception suppressed
          line(`round${S} ${T}, ${src()}, ${{ nearest: 8, floor: 9, ceil: 10, trunc: 11 }[i.op]}`);
          break;
        }
        return roundSse2(i);
      case 'promote_f32':
      case 'demote_f64': {
        const from = f.vtypes[i.a];
        line(`cvt${sfx(from)}2${S} ${T}, ${isReg(i.a) ? xn(reg(i.a)) : op(i.a, width(from))}`);
        break;
      }
      case 'reinterpret_i32':
      case 'reinterpret_i64':
        loadTo(RAX, i.a, ty === 'f32' ? 'i32' : 'i64');
        fromGpr(d, RAX, ty);
        return;
      default:
        if (i.op.startsWith('convert_')) return convert(i);
        throw new CompileError(`internal error: float operation ${i.op}`, i.wasmOff, sym);
    }
    storeFrom(d, t, ty);
  };

  const unop = (i: Ins) => {
    if (isFloat(i.ty)) return funop(i);
    if (i.op.startsWith('trunc_sat_')) return truncate(i, true);
    if (i.op.startsWith('trunc_')) return truncate(i, false);
    if (i.op.startsWith('reinterpret_')) {
      toGpr(RAX, i.a, f.vtypes[i.a]);
      storeFrom(i.dst, RAX, i.ty);
      return;
    }
    const w = width(i.ty);
    const d = i.dst;
    const t = target(d);
    const tn = regName(t, w);
    switch (i.op) {
      case 'clz':
        line(`bsr ${regName(RAX, w)}, ${op(i.a, w)}`);
        line(`mov ecx, ${w === 4 ? 63 : 127}`);
        line(`cmovz ${regName(RAX, w)}, ${regName(RCX, w)}`);
        line(`xor ${regName(RAX, w)}, ${w === 4 ? 31 : 63}`);
        storeFrom(d, RAX, i.ty);
        return;
      case 'ctz':
        line(`bsf ${regName(RAX, w)}, ${op(i.a, w)}`);
        line(`mov ecx, ${w * 8}`);
        line(`cmovz ${regName(RAX, w)}, ${regName(RCX, w)}`);
        storeFrom(d, RAX, i.ty);
        return;
      case 'popcnt': {
        if (isa.v2) {
          line(`popcnt ${tn}, ${op(i.a, w)}`);
          break;
        }
        // Bit-parallel count (baseline x86-64 has no popcnt instruction).
        const A = regName(RAX, w), C = regName(RCX, w), D = regName(RDX, w);
        loadTo(RAX, i.a, i.ty);
        const k = (x: string) => (w === 4 ? `0x${x.slice(0, 8)}` : `0x${x}`);
        line(`mov ${C}, ${A}`);
        line(`shr ${C}, 1`);
        line(`mov ${D}, ${k('5555555555555555')}`);
        line(`and ${C}, ${D}`);
        line(`sub ${A}, ${C}`);
        line(`mov ${D}, ${k('3333333333333333')}`);
        line(`mov ${C}, ${A}`);
        line(`and ${A}, ${D}`);
        line(`shr ${C}, 2`);
        line(`and ${C}, ${D}`);
        line(`add ${A}, ${C}`);
        line(`mov ${C}, ${A}`);
        line(`shr ${C}, 4`);
        line(`add ${A}, ${C}`);
        line(`mov ${D}, ${k('0f0f0f0f0f0f0f0f')}`);
        line(`and ${A}, ${D}`);
        line(`mov ${D}, ${k('0101010101010101')}`);
        line(`imul ${A}, ${D}`);
        line(`shr ${A}, ${w === 4 ? 24 : 56}`);
        storeFrom(d, RAX, i.ty);
        return;
      }
      case 'extend8_s':
        line(`movsx ${tn}, ${op(i.a, 1)}`);
        break;
      case 'extend16_s':
        line(`movsx ${tn}, ${op(i.a, 2)}`);
        break;
      case 'extend32_s':
      case 'extend_s':
        line(`movsxd ${R64[t]}, ${op(i.a, 4)}`);
        break;
      case 'wrap':
      case 'extend_u':
        if (isReg(d) && isReg(i.a) && reg(d) === reg(i.a)) {
          if (i.op === 'wrap') line(`mov ${R32[t]}, ${R32[t]}`);
          return;
        }
        line(`mov ${R32[t]}, ${op(i.a, 4)}`);
        if (!isReg(d)) line(`mov ${op(d, 8)}, rax`);
        return;
      default:
        throw new CompileError(`internal error: unary operation ${i.op}`, i.wasmOff, sym);
    }
    storeFrom(d, t, i.ty);
  };

  /** cmp a, (b | imm) at the operation's width; loads a when both are in memory. */
  const compare = (ty: Ty, a: number, b: number, im: bigint | null) => {
    const w = width(ty);
    let ao = op(a, w);
    if (!isReg(a) && im === null && !isReg(b)) {
      loadTo(RAX, a, ty);
      ao = regName(RAX, w);
    }
    if (im === 0n && isReg(a)) line(`test ${ao}, ${ao}`);
    else line(`cmp ${ao}, ${im !== null ? imm(im) : op(b, w)}`);
  };
  /** ucomis for float condition cc; returns the condition's flag test. */
  const fcompare = (ty: Ty, cc: string, a: number, b: number) => {
    const c = FCOND[cc];
    const [x, y] = c.swap ? [b, a] : [a, b];
    const X = xn(inXmm(x, ty, XMM15));
    line(`ucomi${sfx(ty)} ${X}, ${isReg(y) ? xn(reg(y)) : op(y, width(ty))}`);
    return c.cc;
  };
  /** Float condition into al (0/1). */
  const fsetcc = (ty: Ty, cc: string, a: number, b: number) => {
    const c = fcompare(ty, cc, a, b);
    line(`set${c} al`);
    if (cc === 'eq') {
      line('setnp cl');
      line('and al, cl');
    } else if (cc === 'ne') {
      line('setp cl');
      line('or al, cl');
    }
  };
  const fbranch = (ty: Ty, cc: string, a: number, b: number, target: string) => {
    const c = fcompare(ty, cc, a, b);
    if (cc === 'eq') {
      const skip = local();
      line(`jp ${skip}`);
      line(`je ${target}`);
      out.push(`${skip}:`);
    } else if (cc === 'ne') {
      line(`jp ${target}`);
      line(`jne ${target}`);
    } else line(`j${c} ${target}`);
  };
  const test = (v: number) => {
    if (isReg(v)) line(`test ${R32[reg(v)]}, ${R32[reg(v)]}`);
    else line(`cmp ${op(v, 4)}, 0`);
  };

  const api: IntrinsicApi = {
    line,
    load: (r, k, ty) => loadTo(r, curIns!.args[k], ty),
    store: (k, r, ty) => storeFrom(curIns!.dsts[k], r, ty),
    memBase: MEM,
  };
  let curIns: Ins | null = null;

  /** Arguments into place (System V), the call, results out (the first from
   * rax/xmm0, the others from the hidden buffer). `callee` is the operand of
   * `call`; for call_indirect the descriptor is in rax, which no move touches. */
  const call = (i: Ins, callee: string) => {
    const many = i.dsts.length > 1;
    const tys: Ty[] = i.args.map((v) => f.vtypes[v]);
    if (many) tys.push('i64');
    const places = argPlaces(tys);
    const moves: { dst: number; src: Src; w: number }[] = [];
    const stackArgs: { v: number; k: number }[] = [];
    places.forEach((pl, k) => {
      const src: Src = k < i.args.length ? srcOf(i.args[k]) : { lea: bufAddr(0) };
      if ('reg' in pl) moves.push({ dst: pl.reg, src, w: width(tys[k]) });
      else stackArgs.push({ v: i.args[k], k: pl.stack });
    });
    const pad = stackArgs.length & 1;
    if (pad) line('sub rsp, 8');
    for (let k = stackArgs.length - 1; k >= 0; k--) {
      const v = stackArgs[k].v;
      if (v === undefined) {
        // the hidden result buffer (r11: rax may hold call_indirect's descriptor)
        line(`lea r11, ${bufAddr(0)}`);
        line('push r11');
      } else if (!isReg(v)) line(`push qword ${slotAddr(v)}`);
      else if (isXmm(reg(v))) {
        line('sub rsp, 8');
        line(`movsd [rsp], ${xn(reg(v))}`);
      } else line(`push ${R64[reg(v)]}`);
    }
    parallelMove(moves);
    line(`call ${callee}`);
    if (stackArgs.length + pad) line(`add rsp, ${8 * (stackArgs.length + pad)}`);
    i.dsts.forEach((dv, k) => {
      if (loc[dv] < 0) return;
      const ty = f.vtypes[dv];
      if (k === 0) storeFrom(dv, isFloat(ty) ? XMM : RAX, ty);
      else if (isReg(dv)) line(isFloat(ty) ? `${fmov(ty)} ${xn(reg(dv))}, ${bufAddr(k - 1)}` : `mov ${R64[reg(dv)]}, ${bufAddr(k - 1)}`);
      else {
        line(`mov rax, ${bufAddr(k - 1)}`);
        line(`mov ${op(dv, 8)}, rax`);
      }
    });
  };

  /** rax = element `idx` of table tbl (trap `oobTrap` when out of range). */
  const tableEntry = (tbl: number, idx: number, oobTrap: number) => {
    const T = mod.tableSymbol(tbl);
    line(`mov eax, ${op(idx, 4)}`);
    line(`cmp rax, [${T}]`);
    line(`jae ${trapLabel(oobTrap)}`);
    line(`lea r11, [${T}]`);
  };

  const labelName = (l: number) => `.L${l}`;

  let prevIns: Ins | null = null;
  let alignedHere = 0;
  const tableTargets = new Set<number>();
  for (const i of f.code) if (i.k === K.BrTable) for (const l of i.labels) tableTargets.add(l);
  const loopHeads = new Set<number>();
  {
    const seen = new Set<number>();
    for (const i of f.code) {
      if (i.k === K.Label) seen.add(i.off);
      else if ((i.k === K.Jmp || i.k === K.BrIf || i.k === K.BrCmp) && seen.has(i.off)) loopHeads.add(i.off);
    }
    // Not a dispatch head (a block that ends in br_table): measured slower
    // on Zen when its bounds check and indirect jump share a 32-byte block.
    let head: number[] = [];
    for (const i of f.code) {
      if (i.k === K.Label) head.push(i.off);
      else if (i.k === K.BrTable) for (const l of head) loopHeads.delete(l);
      if (i.k !== K.Label && (i.k === K.Jmp || i.k === K.BrIf || i.k === K.BrCmp || i.k === K.BrTable || i.k === K.Ret || i.k === K.Trap)) head = [];
    }
  }
  /** The code of one instruction other than a label. A definition nobody
   * reads (no location) is dropped unless it has effects. (A function of its
   * own: one loop around this switch made V8's optimizing compiler take
   * most of a cold compile's time.) */
  const emitIns = (i: Ins) => {
    const deadDef = i.dst >= 0 && loc[i.dst] < 0;
    switch (i.k) {
      case K.Mov: {
        if (deadDef) break;
        const w = width(i.ty);
        if (isFloat(i.ty) && isReg(i.dst)) {
          const D = xn(reg(i.dst));
          if (i.imm === null) loadTo(reg(i.dst), i.a, i.ty);
          else if (i.imm === 0n) line(`xorps ${D}, ${D}`);
          else {
            line(`mov ${regName(RAX, w)}, ${imm(i.imm)}`);
            line(`mov${w === 4 ? 'd' : 'q'} ${D}, ${regName(RAX, w)}`);
          }
          break;
        }
        if (isFloat(i.ty) && i.imm === null && isReg(i.a)) {
          storeFrom(i.dst, reg(i.a), i.ty);
          break;
        }
        if (i.imm !== null) {
          if (isReg(i.dst)) {
            if (i.imm === 0n) line(`xor ${R32[reg(i.dst)]}, ${R32[reg(i.dst)]}`);
            else if (w === 8 && !(i.imm >= -0x80000000n && i.imm <= 0xffffffffn)) line(`mov ${R64[reg(i.dst)]}, ${imm(i.imm)}`);
            else if (w === 8 && i.imm < 0n) line(`mov ${R64[reg(i.dst)]}, ${imm(i.imm)}`);
            else line(`mov ${R32[reg(i.dst)]}, ${imm(BigInt.asUintN(32, i.imm))}`);
          } else if (i.imm >= -0x80000000n && i.imm <= 0x7fffffffn) {
            line(`mov ${op(i.dst, w)}, ${imm(i.imm)}`);
          } else {
            line(`mov rax, ${imm(i.imm)}`);
            line(`mov ${op(i.dst, w)}, ${regName(RAX, w)}`);
          }
        } else if (loc[i.dst] !== loc[i.a]) {
          if (isReg(i.dst) || isReg(i.a)) line(`mov ${op(i.dst, w)}, ${op(i.a, w)}`);
          else {
            loadTo(RAX, i.a, i.ty);
            storeFrom(i.dst, RAX, i.ty);
          }
        }
        break;
      }
      case K.Bin:
        if (deadDef && !i.op.startsWith('div') && !i.op.startsWith('rem')) break;
        if (deadDef) {
          // An unused division still traps on a zero or overflowing divisor:
          // compute it into the scratch register.
          loc[i.dst] = RAX;
          binop(i);
          loc[i.dst] = -1;
          break;
        }
        binop(i);
        break;
      case K.Un:
        if (!deadDef) unop(i);
        break;
      case K.Cmp: {
        if (deadDef) break;
        if (isFloat(i.ty)) fsetcc(i.ty, i.op, i.a, i.b);
        else {
          compare(i.ty, i.a, i.b, i.imm);
          line(`set${CC[i.op]} al`);
        }
        const t = isReg(i.dst) ? reg(i.dst) : RAX;
        line(`movzx ${R32[t]}, al`);
        storeFrom(i.dst, t, 'i32');
        break;
      }
      case K.Select: {
        if (deadDef) break;
        if (isFloat(i.ty)) {
          // No cmov for XMM: a short branch.
          const skip = local();
          loadTo(XMM15, i.b, i.ty);
          test(i.c);
          line(`jz ${skip}`);
          loadTo(XMM15, i.a, i.ty);
          out.push(`${skip}:`);
          storeFrom(i.dst, XMM15, i.ty);
          break;
        }
        // Flags first (compare may use rax), then mov (keeps flags), then cmov.
        const w = width(i.ty);
        if (i.op) compare(i.cty, i.c, i.d, null);
        else test(i.c);
        loadTo(RAX, i.b, i.ty);
        line(`cmov${i.op ? CC[i.op] : 'nz'} ${regName(RAX, w)}, ${op(i.a, w)}`);
        storeFrom(i.dst, RAX, i.ty);
        break;
      }
      case K.Load: {
        const m = memOperand(i.a, i.off, i.c);
        const t = deadDef ? (isFloat(i.ty) ? XMM15 : RAX) : target(i.dst);
        const w = i.width;
        if (isFloat(i.ty)) line(`${fmov(i.ty)} ${xn(t)}, ${SIZE_WORD[w]} ${m}`);
        else if (w === 8) line(`mov ${R64[t]}, qword ${m}`);
        else if (w === 4) {
          if (i.signed && i.ty === 'i64') line(`movsxd ${R64[t]}, dword ${m}`);
          else line(`mov ${R32[t]}, dword ${m}`);
        } else {
          const sz = SIZE_WORD[w];
          if (i.signed) line(`movsx ${i.ty === 'i64' ? R64[t] : R32[t]}, ${sz} ${m}`);
          else line(`movzx ${R32[t]}, ${sz} ${m}`);
        }
        if (!deadDef) storeFrom(i.dst, t, i.ty);
        break;
      }
      case K.Store: {
        const w = i.width;
        let src: string;
        if (i.imm !== null) src = imm(BigInt.asIntN(Math.min(32, w * 8), i.imm));
        else if (isReg(i.b) && isXmm(reg(i.b))) {
          line(`${fmov(i.ty)} ${SIZE_WORD[w]} ${memOperand(i.a, i.off, i.c)}, ${xn(reg(i.b))}`);
          break;
        } else if (isReg(i.b)) src = regName(reg(i.b), w);
        else {
          line(`mov ${regName(RAX, w === 8 ? 8 : 4)}, ${op(i.b, w === 8 ? 8 : 4)}`);
          src = regName(RAX, w);
        }
        const m = memOperand(i.a, i.off, i.c);
        line(`mov ${SIZE_WORD[w]} ${m}, ${src}`);
        break;
      }
      case K.GlobalGet: {
        if (deadDef) break;
        const t = target(i.dst);
        if (isFloat(i.ty)) line(`${fmov(i.ty)} ${xn(t)}, [${mod.globalSymbol(i.off)}]`);
        else line(`mov ${regName(t, width(i.ty))}, [${mod.globalSymbol(i.off)}]`);
        storeFrom(i.dst, t, i.ty);
        break;
      }
      case K.GlobalSet: {
        const w = width(i.ty);
        if (isReg(i.a) && isXmm(reg(i.a))) line(`${fmov(i.ty)} [${mod.globalSymbol(i.off)}], ${xn(reg(i.a))}`);
        else if (isReg(i.a)) line(`mov [${mod.globalSymbol(i.off)}], ${regName(reg(i.a), w)}`);
        else {
          loadTo(RAX, i.a, i.ty);
          line(`mov [${mod.globalSymbol(i.off)}], ${regName(RAX, w)}`);
        }
        break;
      }
      case K.Jmp:
        line(`jmp ${labelName(i.off)}`);
        break;
      case K.BrIf:
        test(i.a);
        line(`${i.neg ? 'jz' : 'jnz'} ${labelName(i.off)}`);
        break;
      case K.BrCmp:
        if (isFloat(i.ty)) fbranch(i.ty, i.op, i.a, i.b, labelName(i.off));
        else {
          compare(i.ty, i.a, i.b, i.imm);
          line(`j${CC[i.op]} ${labelName(i.off)}`);
        }
        break;
      case K.BrTable: {
        const n = i.labels.length - 1;
        const tab = `${sym}.jt${jt++}`;
        line(`mov eax, ${op(i.a, 4)}`);
        line(`cmp eax, ${n}`);
        line(`jae ${labelName(i.labels[n])}`);
        line(`jmp [${tab} + rax*8]`);
        rodata.push(`${tab}:`);
        for (let k = 0; k < n; k++) rodata.push(`    dq ${sym}${labelName(i.labels[k])}`);
        break;
      }
      case K.Call:
        call(i, mod.funcSymbol(i.off));
        break;
      case K.CallIndirect: {
        // Index in range, entry not null, signature equal; then call [desc].
        tableEntry(i.tbl, i.a, trapCode('undefined element'));
        line('mov rax, [r11 + 16 + rax*8]');
        line('test rax, rax');
        line(`jz ${trapLabel(trapCode('uninitialized element'))}`);
        line(`mov r11, ${BigInt.asIntN(64, mod.typeHash(i.off))}`);
        line('cmp [rax + 8], r11');
        line(`jne ${trapLabel(trapCode('indirect call type mismatch'))}`);
        call(i, '[rax]');
        break;
      }
      case K.RefFunc:
        if (!deadDef) {
          const t = target(i.dst);
          line(`lea ${R64[t]}, [${mod.funcRefSymbol(i.off)}]`);
          storeFrom(i.dst, t, 'i64');
        }
        break;
      case K.TableGet: {
        tableEntry(i.tbl, i.a, trapCode('out of bounds table access'));
        line('mov rax, [r11 + 16 + rax*8]');
        if (!deadDef) storeFrom(i.dst, RAX, 'i64');
        break;
      }
      case K.TableSet: {
        tableEntry(i.tbl, i.a, trapCode('out of bounds table access'));
        loadTo(RCX, i.b, 'i64');
        line('mov [r11 + 16 + rax*8], rcx');
        break;
      }
      case K.TableSize:
        if (!deadDef) {
          const t = target(i.dst);
          line(`mov ${R32[t]}, [${mod.tableSymbol(i.tbl)}]`);
          storeFrom(i.dst, t, 'i32');
        }
        break;
      case K.Intrinsic: {
        const intr = INTRINSICS[i.name];
        if (!intr) throw new CompileError(`unknown intrinsic ${i.name}`, i.wasmOff, sym);
        intr.emit(api);
        break;
      }
      case K.Ret: {
        if (i.args.length > 1) {
          // Results 1.. into the caller's buffer (address in the hidden parameter, i.a).
          loadTo(R11, i.a, 'i64');
          i.args.slice(1).forEach((v, k) => {
            const ty = f.vtypes[v];
            const at = `[r11 + ${8 * k}]`;
            if (isReg(v) && isXmm(reg(v))) line(`${fmov(ty)} ${at}, ${xn(reg(v))}`);
            else if (isReg(v)) line(`mov ${at}, ${R64[reg(v)]}`);
            else {
              line(`mov rax, ${op(v, 8)}`);
              line(`mov ${at}, rax`);
            }
          });
        }
        if (i.args.length >= 1) loadTo(isFloat(f.results[0]) ? XMM : RAX, i.args[0], f.results[0]);
        epilogue();
        break;
      }
      case K.Trap:
        line(`jmp ${trapLabel(i.off)}`);
        break;
      case K.MemSize: {
        if (deadDef) break;
        const t = target(i.dst);
        line(`mov ${R32[t]}, [${mod.memoryObject ? mod.memoryObject + ' + 8' : '__wasm_memory_pages'}]`);
        storeFrom(i.dst, t, 'i32');
        break;
      }
      case K.MemBase: {
        if (deadDef) break;
        const t = target(i.dst);
        line(`mov ${R64[t]}, [${mod.memoryObject}]`);
        storeFrom(i.dst, t, 'i64');
        break;
      }
      case K.MemGrow:
        line(`mov edi, ${op(i.a, 4)}`);
        if (mod.memoryObject) {
          line(`lea rsi, [${mod.memoryObject}]`);
          line('call __wasm_memory_grow_at');
        } else line('call __wasm_memory_grow');
        if (!deadDef) storeFrom(i.dst, RAX, 'i32');
        break;
      case K.Helper: {
        const n = i.consts.length;
        parallelMove(i.args.map((v, k) => ({ dst: ARG_REGS[n + k], src: srcOf(v), w: width(f.vtypes[v]) })));
        i.consts.forEach((c, k) => line(/^-?\d+$/.test(c) ? `mov ${R64[ARG_REGS[k]]}, ${c}` : `lea ${R64[ARG_REGS[k]]}, [${c}]`));
        line(`call ${i.name}`);
        if (i.dst >= 0 && !deadDef) storeFrom(i.dst, RAX, i.ty);
        break;
      }
    }
  };

  for (const i of f.code) {
    curIns = i;
    if (i.k === K.Label) {
      // A label reached only by jumps (the code before it never falls
      // through) starts on a 16-byte boundary: the padding is never executed,
      // and branch targets then share fewer fetch blocks and predictor entries.
      // br_table targets get a whole 64-byte line: AMD Zen's branch target
      // buffer holds at most two branches per line, and a dispatch loop
      // whose short cases share lines ran 2x slower (bench/interp).
      // Loop heads (targets of a backward branch) start a 32-byte block; when
      // reached by falling through, the padding is long NOPs (smartalign).
      const pi = prevIns;
      const reachedByJumpOnly = pi && (pi.k === K.Jmp || pi.k === K.BrTable || pi.k === K.Ret || pi.k === K.Trap);
      const a = reachedByJumpOnly && tableTargets.has(i.off) ? 64 : loopHeads.has(i.off) ? 32 : reachedByJumpOnly ? 16 : 0;
      if (a > alignedHere) {
        line(`align ${a}`);
        alignedHere = a;
      }
      out.push(`${labelName(i.off)}:`);
      continue;
    }
    alignedHere = 0;
    prevIns = i;
    out.push(`    ; @${i.wasmOff.toString(16)}  ${show(i)}`);
    emitIns(i);
  }
  // Out-of-line trap stubs.
  for (const code of [...traps].sort((x, y) => x - y)) {
    out.push(`.trap${code}:`);
    line(`mov edi, ${code}`);
    line('and rsp, -16');
    line('call __wasm_trap');
  }
  return { text: out, rodata };
}
