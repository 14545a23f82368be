// Pass 4: IR + register allocation -> NASM text for one function.
//
// Requires: IR (ir.ts) and an Allocation (regalloc.ts) for it. Produces the
// function's code (System V convention, see toolchain/ABI.md) and any jump
// tables it needs. Keeps i32 values zero-extended in 64-bit registers.
//
// Scratch registers: rax, rcx, rdx, r11 (never allocated). Every IR
// instruction is preceded by a comment with its Wasm byte offset and its IR
// text, so the output reads side by side with `--dump=ir`.

import { Func, Ins, K, Ty, show } from '../ir.js';
import { Allocation, SLOT, ARG_REGS, RAX, RCX, RDX, R11 } from '../regalloc.js';
import { R64, R32, regName, SIZE_WORD, CC } from './regs.js';
import { trapCode } from '../../traps.js';
import { INTRINSICS, IntrinsicApi } from '../intrinsics.js';
import { CompileError } from '../errors.js';

export interface ModuleInfo {
  funcSymbol(index: number): string;
  funcSig(index: number): { params: Ty[]; results: Ty[] };
  globalSymbol(index: number): string;
}

const MEM = '__wasm_memory_base';

/** A Wasm effective address that fits a disp32 next to the memory base. */
const MAX_DIRECT_OFFSET = 0x40000000;

export function emitFunction(f: Func, alloc: Allocation, mod: ModuleInfo): { text: string[]; rodata: string[] } {
  const out: string[] = [];
  const rodata: string[] = [];
  const { loc } = alloc;
  const nsaved = alloc.usedCalleeSaved.length;
  const traps = new Set<number>();
  const sym = f.name;
  let jt = 0;

  const line = (s: string) => out.push('    ' + s);
  const width = (ty: Ty) => (ty === 'i32' ? 4 : 8);
  const isReg = (v: number) => loc[v] >= 0 && loc[v] < SLOT;
  const slotAddr = (v: number) => `[rbp - ${8 * (nsaved + (loc[v] - SLOT) + 1)}]`;
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

  /** Loads vreg v (type ty) into register r. */
  const loadTo = (r: number, v: number, ty: Ty) => {
    if (isReg(v) && reg(v) === r) return;
    line(`mov ${regName(r, width(ty))}, ${op(v, width(ty))}`);
  };
  /** Stores register r into vreg v. */
  const storeFrom = (v: number, r: number, ty: Ty) => {
    if (isReg(v) && reg(v) === r) return;
    line(`mov ${op(v, width(ty))}, ${regName(r, width(ty))}`);
  };
  /** The register that will hold the result: dst's own, or rax when dst is spilled. */
  const target = (v: number) => (isReg(v) ? reg(v) : RAX);

  // --- parallel moves (call arguments, entry parameters) ---------------------
  type Src = { reg: number } | { mem: string } | { imm: bigint };
  const parallelMove = (moves: { dst: number; src: Src; w: number }[]) => {
    const pending = moves.filter((m) => !('reg' in m.src && m.src.reg === m.dst));
    while (pending.length) {
      const k = pending.findIndex((m) => !pending.some((o) => o !== m && 'reg' in o.src && o.src.reg === m.dst));
      if (k >= 0) {
        const m = pending.splice(k, 1)[0];
        const s = m.src;
        if ('reg' in s) line(`mov ${regName(m.dst, 8)}, ${R64[s.reg]}`);
        else if ('mem' in s) line(`mov ${regName(m.dst, m.w)}, ${SIZE_WORD[m.w]} ${s.mem}`);
        else line(`mov ${regName(m.dst, m.w)}, ${imm(s.imm)}`);
        continue;
      }
      // A cycle: park one source in r11.
      const m = pending[0];
      const r = (m.src as { reg: number }).reg;
      line(`mov r11, ${R64[r]}`);
      for (const o of pending) if ('reg' in o.src && o.src.reg === r) o.src = { reg: R11 };
    }
  };
  const srcOf = (v: number): Src => (isReg(v) ? { reg: reg(v) } : { mem: slotAddr(v) });

  // --- prologue ------------------------------------------------------------
  const frameSlots = alloc.nslots + ((alloc.nslots + nsaved) & 1); // keep rsp 16-aligned
  out.push(`${sym}:`);
  line('push rbp');
  line('mov rbp, rsp');
  for (const r of alloc.usedCalleeSaved) line(`push ${R64[r]}`);
  if (frameSlots) line(`sub rsp, ${8 * frameSlots}`);
  {
    const moves: { dst: number; src: Src; w: number }[] = [];
    const stackLoads: [number, number][] = [];
    f.params.forEach((p, k) => {
      if (loc[p] < 0) return; // unused parameter
      if (k < ARG_REGS.length) {
        if (isReg(p)) moves.push({ dst: reg(p), src: { reg: ARG_REGS[k] }, w: 8 });
      } else stackLoads.push([p, k]);
    });
    // Spilled register parameters first (their sources are still intact).
    f.params.forEach((p, k) => {
      if (loc[p] >= 0 && !isReg(p) && k < ARG_REGS.length) line(`mov ${op(p, 8)}, ${R64[ARG_REGS[k]]}`);
    });
    parallelMove(moves);
    for (const [p, k] of stackLoads) {
      const a = `[rbp + ${16 + 8 * (k - ARG_REGS.length)}]`;
      if (isReg(p)) line(`mov ${R64[reg(p)]}, qword ${a}`);
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
  /** The memory operand for linear address (vreg a or absolute) + off. */
  const memOperand = (a: number, off: number): string => {
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
  const binop = (i: Ins) => {
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

  const unop = (i: Ins) => {
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
    line(`cmp ${ao}, ${im !== null ? imm(im) : op(b, w)}`);
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

  const call = (i: Ins) => {
    const sig = mod.funcSig(i.off);
    const moves: { dst: number; src: Src; w: number }[] = [];
    const stackArgs: number[] = [];
    i.args.forEach((v, k) => {
      if (k < ARG_REGS.length) moves.push({ dst: ARG_REGS[k], src: srcOf(v), w: width(sig.params[k]) });
      else stackArgs.push(v);
    });
    const pad = stackArgs.length & 1;
    if (pad) line('sub rsp, 8');
    for (let k = stackArgs.length - 1; k >= 0; k--) {
      const v = stackArgs[k];
      if (isReg(v)) line(`push ${R64[reg(v)]}`);
      else line(`push qword ${slotAddr(v)}`);
    }
    parallelMove(moves);
    line(`call ${mod.funcSymbol(i.off)}`);
    if (stackArgs.length + pad) line(`add rsp, ${8 * (stackArgs.length + pad)}`);
    if (i.dsts.length > 1) throw new CompileError('functions with several results are not supported yet', i.wasmOff, sym);
    if (i.dsts.length === 1 && loc[i.dsts[0]] >= 0) storeFrom(i.dsts[0], RAX, sig.results[0]);
  };

  const labelName = (l: number) => `.L${l}`;

  for (const i of f.code) {
    curIns = i;
    if (i.k === K.Label) {
      out.push(`${labelName(i.off)}:`);
      continue;
    }
    out.push(`    ; @${i.wasmOff.toString(16)}  ${show(i)}`);
    // A definition nobody reads (no location) is dropped unless it has effects.
    const deadDef = i.dst >= 0 && loc[i.dst] < 0;
    switch (i.k) {
      case K.Mov: {
        if (deadDef) break;
        const w = width(i.ty);
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
        compare(i.ty, i.a, i.b, i.imm);
        line(`set${CC[i.op]} al`);
        line(`movzx eax, al`);
        storeFrom(i.dst, RAX, 'i32');
        break;
      }
      case K.Select: {
        if (deadDef) break;
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
        const m = memOperand(i.a, i.off);
        const t = deadDef ? RAX : target(i.dst);
        const w = i.width;
        if (w === 8) line(`mov ${R64[t]}, qword ${m}`);
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
        else if (isReg(i.b)) src = regName(reg(i.b), w);
        else {
          line(`mov ${regName(RAX, w === 8 ? 8 : 4)}, ${op(i.b, w === 8 ? 8 : 4)}`);
          src = regName(RAX, w);
        }
        const m = memOperand(i.a, i.off);
        line(`mov ${SIZE_WORD[w]} ${m}, ${src}`);
        break;
      }
      case K.GlobalGet: {
        if (deadDef) break;
        const t = target(i.dst);
        line(`mov ${regName(t, width(i.ty))}, [${mod.globalSymbol(i.off)}]`);
        storeFrom(i.dst, t, i.ty);
        break;
      }
      case K.GlobalSet: {
        const w = width(i.ty);
        if (isReg(i.a)) line(`mov [${mod.globalSymbol(i.off)}], ${regName(reg(i.a), w)}`);
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
        compare(i.ty, i.a, i.b, i.imm);
        line(`j${CC[i.op]} ${labelName(i.off)}`);
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
        call(i);
        break;
      case K.Intrinsic: {
        const intr = INTRINSICS[i.name];
        if (!intr) throw new CompileError(`unknown intrinsic ${i.name}`, i.wasmOff, sym);
        intr.emit(api);
        break;
      }
      case K.Ret: {
        if (i.args.length > 1) throw new CompileError('functions with several results are not supported yet', i.wasmOff, sym);
        if (i.args.length === 1) loadTo(RAX, i.args[0], f.results[0]);
        epilogue();
        break;
      }
      case K.Trap:
        line(`jmp ${trapLabel(i.off)}`);
        break;
      case K.MemSize: {
        if (deadDef) break;
        const t = target(i.dst);
        line(`mov ${R32[t]}, [__wasm_memory_pages]`);
        storeFrom(i.dst, t, 'i32');
        break;
      }
      case K.MemGrow:
        line(`mov edi, ${op(i.a, 4)}`);
        line('call __wasm_memory_grow');
        if (!deadDef) storeFrom(i.dst, RAX, 'i32');
        break;
      case K.MemCopy:
      case K.MemFill:
        parallelMove(i.args.map((v, k) => ({ dst: ARG_REGS[k], src: srcOf(v), w: 4 })));
        line(`call ${i.k === K.MemCopy ? '__wasm_memory_copy' : '__wasm_memory_fill'}`);
        break;
    }
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
