// Pass 2: compare-and-branch fusion and small clean-ups on the IR.
//
// Requires: IR from lower.ts. Keeps: the IR contract; the program's meaning.
//
// - `t = cmp a, b` directly followed by `br_nz t` / `br_z t` (t used nowhere
//   else) becomes one `br a <cc> b`, which the emitter turns into cmp + jcc.
// - the same for an integer `select` whose condition is a single-use integer
//   comparison (cmov).
// - a negated float condition stays NaN-correct: br_z (a < b) becomes
//   br (a nlt b), true when either is NaN (see invertCond).
// - a jump to the label that immediately follows it is dropped.
// - moves of a vreg to itself are dropped.

import { Func, Ins, K, uses, invertCond, isFloat } from './ir.js';

export function fuse(f: Func): Func {
  const useCount = new Int32Array(f.vtypes.length);
  for (const i of f.code) for (const u of uses(i)) useCount[u]++;
  const locals = new Set<number>(); // vregs with several definitions are never fused away
  const defCount = new Int32Array(f.vtypes.length);
  for (const i of f.code) if (i.dst >= 0 && ++defCount[i.dst] > 1) locals.add(i.dst);

  const out: Ins[] = [];
  for (let n = 0; n < f.code.length; n++) {
    const i = f.code[n];
    const prev = out[out.length - 1];
    const fusable = (t: number) =>
      prev && prev.k === K.Cmp && prev.dst === t && useCount[t] === 1 && !locals.has(t);
    if (i.k === K.BrIf && fusable(i.a)) {
      out.pop();
      const br = new Ins(K.BrCmp, prev.ty, prev.wasmOff);
      br.a = prev.a;
      br.b = prev.b;
      br.imm = prev.imm;
      br.op = i.neg ? invertCond(prev.op) : prev.op;
      br.off = i.off;
      out.push(br);
      continue;
    }
    if (i.k === K.Select && !i.op && fusable(i.c) && prev.imm === null && !isFloat(prev.ty) && !isFloat(i.ty)) {
      out.pop();
      i.op = prev.op;
      i.c = prev.a;
      i.d = prev.b;
      i.imm = null;
      i.cty = prev.ty;
      out.push(i);
      continue;
    }
    if (i.k === K.Mov && i.imm === null && i.a === i.dst) continue;
    out.push(i);
  }
  // Drop jumps to the very next label (a chain of labels counts as next).
  const code: Ins[] = [];
  for (let n = 0; n < out.length; n++) {
    const i = out[n];
    if (i.k === K.Jmp) {
      let m = n + 1;
      let next = false;
      while (m < out.length && out[m].k === K.Label) {
        if (out[m].off === i.off) next = true;
        m++;
      }
      if (next) continue;
    }
    code.push(i);
  }
  f.code = code;
  return f;
}
