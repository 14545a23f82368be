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
// - loop rotation: a jump back to a loop head whose first instruction is a
//   conditional exit becomes the inverted test, branching to just after
//   that exit (one jump less per iteration).
// - a jump to the label that immediately follows it is dropped.
// - moves of a vreg to itself are dropped.
// - `t = a shl k; d = t add c` (k = 1..3, t used only there) becomes
//   `d = shladd a, k, c` (imm = k, off = c): one lea.
// - a branch on `c1 or c2` / `c1 and c2` of two single-use comparisons
//   becomes two compare-and-branches (short circuit: comparisons are pure).
// - `global.get g` right after `global.set g, a` reads a instead (no store
//   to load round trip through memory).
// - `t = f(h, ...); h = g(t, ...)` (adjacent, t used only there) computes
//   into h directly: an update of a local through a temporary needs no
//   second register and no copy (`h = (h + 1) & m` becomes add + and).

import { Func, Ins, K, uses, forEachUse, invertCond, isFloat } from './ir.js';

export function fuse(f: Func): Func {
  const useCount = new Int32Array(f.vtypes.length);
  for (const i of f.code) forEachUse(i, (u) => useCount[u]++);
  const locals = new Set<number>(); // vregs with several definitions are never fused away
  const defCount = new Int32Array(f.vtypes.length);
  for (const i of f.code) if (i.dst >= 0 && ++defCount[i.dst] > 1) locals.add(i.dst);

  const out: Ins[] = [];
  for (let n = 0; n < f.code.length; n++) {
    const i = f.code[n];
    const prev = out[out.length - 1];
    const fusable = (t: number) =>
      prev && prev.k === K.Cmp && prev.dst === t && useCount[t] === 1 && !locals.has(t);
    if (i.k === K.BrIf && logicalBranch(f, out, i, useCount, locals)) continue;
    if (i.k === K.GlobalGet && prev && prev.k === K.GlobalSet && prev.off === i.off) {
      const mv = new Ins(K.Mov, i.ty, i.wasmOff);
      mv.dst = i.dst;
      mv.a = prev.a;
      useCount[prev.a]++;
      out.push(mv);
      continue;
    }
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
    // Address arithmetic: `t = a shl k` (k = 1..3, t used once) then
    // `d = t add c` becomes one `d = shladd a, k, c` (the emitter's lea).
    if (
      i.k === K.Bin && i.op === 'add' && i.imm !== null && !isFloat(i.ty) && prev && prev.k === K.Bin && prev.op === 'shl' &&
      prev.ty === i.ty && prev.imm !== null && prev.dst === i.a && useCount[i.a] === 1 && !locals.has(i.a)
    ) {
      const k = Number(BigInt.asUintN(8, prev.imm)) & (i.ty === 'i32' ? 31 : 63);
      const c = i.ty === 'i32' ? BigInt.asIntN(32, i.imm) : i.imm;
      if (k >= 1 && k <= 3 && c >= -0x80000000n && c <= 0x7fffffffn) {
        out.pop();
        i.op = 'shladd';
        i.a = prev.a;
        i.off = Number(c);
        i.imm = BigInt(k);
        out.push(i);
        continue;
      }
    }
    out.push(i);
  }
  retarget(f, out, useCount, locals);
  rotateLoops(f, out);
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

const cmpOf = (c: Ins, op: string, label: number): Ins => {
  const br = new Ins(K.BrCmp, c.ty, c.wasmOff);
  br.a = c.a;
  br.b = c.b;
  br.imm = c.imm;
  br.op = op;
  br.off = label;
  return br;
};

/** `br_nz/br_z (c1 or/and c2)` of single-use comparisons -> two compare-and-branches. */
function logicalBranch(f: Func, out: Ins[], i: Ins, useCount: Int32Array, locals: Set<number>): boolean {
  const single = (v: number) => useCount[v] === 1 && !locals.has(v);
  let n = out.length;
  let cond = i.a, neg = i.neg;
  const z = out[n - 1];
  if (z && z.k === K.Cmp && z.ty === 'i32' && z.op === 'eq' && z.imm === 0n && z.dst === cond && single(cond)) {
    // br on eqz(x): the same as the opposite branch on x
    cond = z.a;
    neg = !neg;
    n--;
  }
  if (n < 3) return false;
  const [c1, c2, lg] = [out[n - 3], out[n - 2], out[n - 1]];
  if (lg.k !== K.Bin || (lg.op !== 'or' && lg.op !== 'and') || lg.ty !== 'i32' || lg.imm !== null || lg.dst !== cond || !single(lg.dst)) return false;
  if (c1.k !== K.Cmp || c2.k !== K.Cmp || !single(c1.dst) || !single(c2.dst)) return false;
  if (!((lg.a === c1.dst && lg.b === c2.dst) || (lg.a === c2.dst && lg.b === c1.dst))) return false;
  out.length = n - 3;
  const or = lg.op === 'or';
  if (or !== neg) {
    // nz(c1 | c2): c1 -> L, c2 -> L;  z(c1 & c2): !c1 -> L, !c2 -> L
    out.push(cmpOf(c1, or ? c1.op : invertCond(c1.op), i.off), cmpOf(c2, or ? c2.op : invertCond(c2.op), i.off));
  } else {
    // z(c1 | c2): c1 -> S, !c2 -> L, S:;  nz(c1 & c2): !c1 -> S, c2 -> L, S:
    const skip = f.nlabels++;
    out.push(cmpOf(c1, or ? c1.op : invertCond(c1.op), skip), cmpOf(c2, or ? invertCond(c2.op) : c2.op, i.off));
    const l = new Ins(K.Label, 'i32', i.wasmOff);
    l.off = skip;
    out.push(l);
  }
  return true;
}

/** `t = f(h, ...); h = g(t, ...)` -> `h = f(h, ...); h = g(h, ...)` (see the header). */
function retarget(f: Func, code: Ins[], useCount: Int32Array, locals: Set<number>) {
  const simple = (i: Ins) => i.dst >= 0 && (i.k === K.Bin || i.k === K.Un || i.k === K.Mov || i.k === K.Load || i.k === K.Cmp || i.k === K.Select || i.k === K.GlobalGet);
  const params = new Set(f.params);
  for (let n = code.length - 1; n > 0; n--) {
    const i = code[n], p = code[n - 1];
    if (!simple(i) || !simple(p)) continue;
    const t = p.dst, h = i.dst;
    if (t === h || useCount[t] !== 1 || locals.has(t) || params.has(t) || f.vtypes[t] !== f.vtypes[h]) continue;
    const ui = uses(i);
    if (!ui.includes(t) || ui.includes(h) || !uses(p).includes(h)) continue;
    p.dst = h;
    for (const k of ['a', 'b', 'c', 'd'] as const) if (i[k] === t) i[k] = h;
    locals.add(h);
  }
}

/** Loop rotation (see the header), in place on `code`. */
function rotateLoops(f: Func, code: Ins[]) {
  const at = new Map<number, number>(); // label -> index of its Label instruction
  code.forEach((i, n) => i.k === K.Label && at.set(i.off, n));
  for (let n = 0; n < code.length; n++) {
    const j = code[n];
    if (j.k !== K.Jmp) continue;
    const h = at.get(j.off)!;
    if (h >= n) continue; // only backward jumps
    let e = h;
    while (code[e].k === K.Label) e++;
    const exit = code[e];
    if (e >= n || (exit.k !== K.BrCmp && exit.k !== K.BrIf)) continue;
    // After the exit test: a new label, the target of the rotated test.
    const body = f.nlabels++;
    const l = new Ins(K.Label, 'i32', exit.wasmOff);
    l.off = body;
    const t = new Ins(exit.k, exit.ty, j.wasmOff);
    Object.assign(t, { a: exit.a, b: exit.b, imm: exit.imm, off: body, cty: exit.cty });
    if (exit.k === K.BrCmp) t.op = invertCond(exit.op);
    else t.neg = !exit.neg;
    // Falling out of the rotated test means "exit": go where the exit goes.
    const out = new Ins(K.Jmp, 'i32', j.wasmOff);
    out.off = exit.off;
    code.splice(n, 1, t, out);
    code.splice(e + 1, 0, l);
    n += 2;
    at.clear();
    code.forEach((i, k) => i.k === K.Label && at.set(i.off, k));
  }
}
