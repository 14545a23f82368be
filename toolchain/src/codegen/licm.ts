// Pass 3c: loop-invariant code motion on the IR.
//
// Requires: IR (ir.ts) after fuse, dce and webs. Keeps: the IR contract; the
// program's meaning (only pure instructions that cannot trap move, so running
// them when the loop body would not have run changes nothing).
//
// A loop is the code between a label and the last backward branch to it
// (Wasm's structured control flow makes that region contiguous; after loop
// rotation in fuse.ts the label is the rotated body, so the preheader is the
// code after the loop's entry test). A region qualifies only if no branch
// from outside it targets a label inside it, so every entry falls through the
// point just before its label: the preheader. An instruction moves there when
//   - it is pure and cannot trap (arithmetic other than division by a
//     variable, comparisons, selects, float constants),
//   - no operand is defined inside the region (after earlier moves, so chains
//     of invariant instructions move together),
//   - its result has this one definition and is not a parameter (so the
//     definition dominates every use, IR contract, and each iteration saw the
//     same value anyway).
// Moved instructions that compute the same thing (the same float constant,
// the same row offset) become one: later copies' uses read the first.
// Innermost loops go first; what they hoist may then leave the enclosing
// loop too. Typical win: the row offset `n * i` of an address computation.
//
// Register pressure: a moved value stays live across the whole loop. A loop
// gets at most as many moved values of a class as the registers left free by
// the values live in it at its busiest point (integer: 10 allocatable, 5
// callee-saved when the loop calls; float: 14, none when the loop calls, as
// System V saves no XMM register).

import { Func, Ins, K, uses, forEachUse, forEachDef, clobbersCallerSaved, isFloat } from './ir.js';
import { liveness, Liveness } from './regalloc.js';

const GPRS = 10, CALLEE_SAVED = 5, XMMS = 14;

function movable(i: Ins): boolean {
  switch (i.k) {
    case K.Bin:
      // div/rem only with a constant divisor (lower.ts makes it neither 0 nor -1)
      return !/^(div|rem)/.test(i.op) || i.imm !== null;
    case K.Un:
      return !(i.op.startsWith('trunc_') && !i.op.startsWith('trunc_sat_'));
    case K.Cmp: case K.Select: case K.RefFunc:
      return true;
    case K.Mov:
      return i.imm !== null && isFloat(i.ty); // a float constant costs two instructions
    default:
      return false;
  }
}

const isBranch = (i: Ins) => i.k === K.Jmp || i.k === K.BrIf || i.k === K.BrCmp || i.k === K.BrTable;
const targets = (i: Ins) => (i.k === K.BrTable ? i.labels : [i.off]);

export function licm(f: Func): Func {
  const n = f.vtypes.length;
  const defCount = new Int32Array(n);
  for (const i of f.code) forEachDef(i, (d) => defCount[d]++);
  const isParam = new Uint8Array(n);
  for (const p of f.params) isParam[p] = 1;

  const done = new Set<number>(); // loop labels already processed
  // What depends on the code only is recomputed when the code changes.
  let code: Ins[] | null = null;
  let at = new Map<number, number>();
  let loops = new Map<number, number>();
  const live: { of: Liveness | null } = { of: null };
  for (;;) {
    if (code !== f.code) {
      code = f.code;
      live.of = null;
      // Label positions, and the last backward branch to each label.
      at = new Map<number, number>();
      code.forEach((i, k) => i.k === K.Label && at.set(i.off, k));
      loops = new Map<number, number>(); // label -> index of its last backward branch
      code.forEach((i, k) => {
        if (!isBranch(i)) return;
        for (const l of targets(i)) {
          const h = at.get(l)!;
          if (h < k) loops.set(l, Math.max(loops.get(l) ?? -1, k));
        }
      });
    }
    // The innermost (smallest) loop not yet done first.
    let best = -1, bh = 0, be = 0;
    for (const [l, e] of loops) {
      if (done.has(l)) continue;
      const h = at.get(l)!;
      if (best < 0 || e - h < be - bh) [best, bh, be] = [l, h, e];
    }
    if (best < 0) break;
    done.add(best);
    if (!singleEntry(code, at, bh, be)) continue;
    const moved = hoist(f, bh, be, defCount, isParam, live);
    if (moved.length) {
      const gone = new Set(moved);
      const kept = dedupe(f, moved);
      f.code = [...code.slice(0, bh), ...kept, ...code.slice(bh).filter((i) => !gone.has(i))];
    }
  }
  return f;
}

/** Drops moved instructions that repeat an earlier one; their results' uses
 * (anywhere in the function) read the earlier result instead. */
function dedupe(f: Func, moved: Ins[]): Ins[] {
  const seen = new Map<string, number>();
  const rename = new Map<number, number>();
  const kept: Ins[] = [];
  const r = (v: number) => rename.get(v) ?? v;
  for (const i of moved) {
    for (const k of ['a', 'b', 'c', 'd'] as const) if (i[k] >= 0) i[k] = r(i[k]);
    const key = [i.k, i.ty, i.op, i.a, i.b, i.c, i.d, i.imm, i.off, i.cty].join('|');
    const first = seen.get(key);
    if (first !== undefined && f.vtypes[first] === f.vtypes[i.dst]) {
      rename.set(i.dst, first);
      continue;
    }
    seen.set(key, i.dst);
    kept.push(i);
  }
  if (rename.size) {
    for (const i of f.code) {
      for (const k of ['a', 'b', 'c', 'd'] as const) if (i[k] >= 0) i[k] = r(i[k]);
      if (i.args.length) i.args = i.args.map(r);
    }
  }
  return kept;
}

/** No branch from outside [h, e] targets a label inside it. */
function singleEntry(code: Ins[], at: Map<number, number>, h: number, e: number): boolean {
  for (let k = 0; k < code.length; k++) {
    if (k >= h && k <= e) continue;
    const i = code[k];
    if (!isBranch(i)) continue;
    for (const l of targets(i)) {
      const t = at.get(l)!;
      if (t >= h && t <= e) return false;
    }
  }
  return true;
}

/** The instructions of loop [h, e] that can move to its preheader, in order. */
function hoist(f: Func, h: number, e: number, defCount: Int32Array, isParam: Uint8Array, live: { of: Liveness | null }): Ins[] {
  const code = f.code;
  const definedIn = new Set<number>();
  let calls = false;
  for (let k = h; k <= e; k++) {
    forEachDef(code[k], (d) => definedIn.add(d));
    if (clobbersCallerSaved(code[k])) calls = true;
  }
  const cand: Ins[] = [];
  for (let k = h; k <= e; k++) {
    const i = code[k];
    if (!movable(i) || i.dst < 0 || defCount[i.dst] !== 1 || isParam[i.dst]) continue;
    if (uses(i).some((u) => definedIn.has(u))) continue;
    if (calls && isFloat(f.vtypes[i.dst])) continue;
    cand.push(i);
    definedIn.delete(i.dst);
  }
  if (!cand.length) return cand;
  // Register pressure: the most values of each class live at once in the loop.
  live.of ??= liveness(f); // (the code's, kept while it does not change)
  const { gpr, xmm } = maxLive(f, live.of, h, e);
  let freeG = (calls ? CALLEE_SAVED : GPRS) - gpr, freeX = (calls ? 0 : XMMS) - xmm;
  const out: Ins[] = [];
  const kept = new Set<number>();
  for (const i of cand) {
    // An operand that stayed behind keeps its consumers behind too.
    if (uses(i).some((u) => kept.has(u))) {
      kept.add(i.dst);
      continue;
    }
    const fl = isFloat(f.vtypes[i.dst]);
    if (fl ? freeX <= 0 : freeG <= 0) {
      kept.add(i.dst);
      continue;
    }
    if (fl) freeX--;
    else freeG--;
    out.push(i);
  }
  return out;
}

/** The largest number of integer and of float vregs live at one point of [h, e]. */
function maxLive(f: Func, { blocks, liveOut, words }: Liveness, h: number, e: number): { gpr: number; xmm: number } {
  let gpr = 0, xmm = 0;
  const live = new Uint32Array(words);
  for (let b = 0; b < blocks.length; b++) {
    const { start, end } = blocks[b];
    if (end < h || start > e) continue;
    live.set(liveOut.subarray(b * words, (b + 1) * words));
    const count = () => {
      let g = 0, x = 0;
      for (let w = 0; w < words; w++) {
        let bits = live[w];
        while (bits) {
          const t = bits & -bits;
          const v = (w << 5) + 31 - Math.clz32(t);
          if (isFloat(f.vtypes[v])) x++;
          else g++;
          bits ^= t;
        }
      }
      if (g > gpr) gpr = g;
      if (x > xmm) xmm = x;
    };
    for (let k = end; k >= start; k--) {
      const i = f.code[k];
      forEachDef(i, (d) => (live[d >>> 5] &= ~(1 << (d & 31))));
      forEachUse(i, (u) => (live[u >>> 5] |= 1 << (u & 31)));
      if (k >= h && k <= e) count();
    }
  }
  return { gpr, xmm };
}
