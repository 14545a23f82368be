// Pass 3: register allocation by linear scan over live intervals.
//
// Requires: IR (ir.ts), after fusion. Produces: a location for every vreg —
// a general-purpose register (i32, i64), an XMM register (f32, f64) or a
// stack slot — such that two vregs that are live at the same time never share
// a location, and no vreg that is live across a call sits in a caller-saved
// register. System V saves no XMM register across calls, so a float live
// across a call always lives in a stack slot.
//
// Liveness is computed per basic block by the usual backward data-flow
// fixpoint; each vreg then gets one interval [first, last] that covers every
// point where it is live (no holes). Positions: instruction i reads its
// operands at 2i and writes its results at 2i+1, so a value that dies at i can
// hand its register to the value i defines (the two-address form x86 likes).
//
// Registers rax, rcx, rdx, r11, xmm14 and xmm15 are never allocated: the
// emitter uses them as scratch (division, shifts, port I/O, parallel moves,
// float sequences). rsp and rbp hold the frame.

import { Func, Ins, K, forEachUse, forEachDef, endsFlow, clobbersCallerSaved, isFloat } from './ir.js';
import { CompileError } from './errors.js';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

/** XMM register n is location XMM + n. */
export const XMM = 16;
export const XMM14 = XMM + 14, XMM15 = XMM + 15;

/** System V argument registers, in order. */
export const ARG_REGS = [RDI, RSI, RDX, RCX, R8, R9];
export const FLOAT_ARG_REGS = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => XMM + n);
const CALLER_SAVED_POOL = [RSI, RDI, R8, R9, R10];
const CALLEE_SAVED_POOL = [RBX, R12, R13, R14, R15];
const XMM_POOL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0].map((n) => XMM + n);
export const CALLEE_SAVED = new Set([RBX, R12, R13, R14, R15]);

/** A location: 0..15 a general-purpose register, 16..31 an XMM register,
 * SLOT + k stack slot k. */
export const SLOT = 64;

export function isXmm(l: number): boolean {
  return l >= XMM && l < XMM + 16;
}

/** Where each argument of a call goes (System V): a register, or stack slot k
 * above the return address (k counts the stack arguments from 0). */
export type ArgPlace = { reg: number } | { stack: number };
export function argPlaces(tys: readonly string[]): ArgPlace[] {
  let ni = 0, nf = 0, ns = 0;
  return tys.map((t) => {
    if (t === 'f32' || t === 'f64') return nf < FLOAT_ARG_REGS.length ? { reg: FLOAT_ARG_REGS[nf++] } : { stack: ns++ };
    return ni < ARG_REGS.length ? { reg: ARG_REGS[ni++] } : { stack: ns++ };
  });
}

export interface Allocation {
  loc: Int32Array; // per vreg; -1 for a vreg that is never live
  nslots: number;
  usedCalleeSaved: number[];
}

export interface Block {
  start: number; // first instruction index
  end: number; // last instruction index (inclusive)
  succ: number[];
}

export function buildBlocks(code: Ins[]): Block[] {
  const labelBlock = new Map<number, number>();
  const blocks: Block[] = [];
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const ins = code[i];
    if (ins.k === K.Label && i > start) {
      blocks.push({ start, end: i - 1, succ: [] });
      start = i;
    }
    if (ins.k === K.Label) labelBlock.set(ins.off, blocks.length);
    const branches = ins.k === K.Jmp || ins.k === K.BrIf || ins.k === K.BrCmp || ins.k === K.BrTable || endsFlow(ins);
    if (branches) {
      blocks.push({ start, end: i, succ: [] });
      start = i + 1;
    }
  }
  if (start < code.length) blocks.push({ start, end: code.length - 1, succ: [] });
  for (let b = 0; b < blocks.length; b++) {
    const last = code[blocks[b].end];
    const succ = blocks[b].succ;
    const add = (t: number) => {
      if (!succ.includes(t)) succ.push(t);
    };
    const target = (l: number) => {
      const t = labelBlock.get(l);
      if (t === undefined) throw new CompileError(`internal error: jump to undefined label L${l}`);
      add(t);
    };
    if (last.k === K.Jmp || last.k === K.BrIf || last.k === K.BrCmp) target(last.off);
    if (last.k === K.BrTable) for (const l of last.labels) target(l);
    if (!endsFlow(last) && b + 1 < blocks.length) add(b + 1);
  }
  return blocks;
}

/** Per basic block: the vregs live on entry and on exit. Bitsets of `words`
 * 32-bit words each, all blocks' in one array: block b's at b * words. */
export interface Liveness {
  blocks: Block[];
  words: number;
  liveIn: Uint32Array;
  liveOut: Uint32Array;
}

export function liveness(f: Func): Liveness {
  const n = f.vtypes.length;
  const words = (n + 31) >>> 5;
  const blocks = buildBlocks(f.code);
  const nb = blocks.length;
  const gen = new Uint32Array(nb * words);
  const kill = new Uint32Array(nb * words);
  const liveIn = new Uint32Array(nb * words);
  const liveOut = new Uint32Array(nb * words);

  let base = 0;
  const use = (v: number) => {
    const w = base + (v >>> 5), bit = 1 << (v & 31);
    if (!(kill[w] & bit)) gen[w] |= bit;
  };
  const def = (v: number) => {
    kill[base + (v >>> 5)] |= 1 << (v & 31);
  };
  for (let b = 0; b < nb; b++) {
    base = b * words;
    for (let i = blocks[b].start; i <= blocks[b].end; i++) {
      forEachUse(f.code[i], use);
      forEachDef(f.code[i], def);
    }
  }
  // Backward: in = gen | (out & ~kill); out = union of successors' in.
  fixpoint(words, blocks.map((b) => b.succ), true, gen, kill, liveOut, liveIn);
  return { blocks, liveIn, liveOut, words };
}

/** The solution of a gen/kill bit-vector data-flow problem over basic blocks
 * (bitsets of `words` words per block, all blocks' in one array): until
 * nothing changes, for each block b (in reverse order if `backward`),
 * meet[b] |= result[e] for each e in edges[b], then
 * result[b] = gen[b] | (meet[b] & ~kill[b]). Liveness: edges to successors,
 * backward; reaching definitions (webs.ts): edges to predecessors, forward. */
export function fixpoint(words: number, edges: number[][], backward: boolean, gen: Uint32Array, kill: Uint32Array, meet: Uint32Array, result: Uint32Array) {
  const nb = edges.length;
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 0; k < nb; k++) {
      const b = backward ? nb - 1 - k : k;
      const o = b * words;
      for (const e of edges[b]) {
        const eo = e * words;
        for (let w = 0; w < words; w++) meet[o + w] |= result[eo + w];
      }
      for (let w = o; w < o + words; w++) {
        const nv = (gen[w] | (meet[w] & ~kill[w])) >>> 0;
        if (nv !== result[w]) {
          result[w] = nv;
          changed = true;
        }
      }
    }
  }
}

/** Live intervals [start, end] per vreg (start > end: never live). */
export function liveIntervals(f: Func): { start: Int32Array; end: Int32Array } {
  const n = f.vtypes.length;
  const { blocks, liveIn, liveOut, words } = liveness(f);
  const nb = blocks.length;
  const start = new Int32Array(n).fill(0x7fffffff);
  const end = new Int32Array(n).fill(-1);
  const touch = (v: number, p: number) => {
    if (p < start[v]) start[v] = p;
    if (p > end[v]) end[v] = p;
  };
  let pos = 0;
  const touchAt = (v: number) => touch(v, pos);
  for (const p of f.params) touch(p, -1);
  for (let b = 0; b < nb; b++) {
    const { start: s, end: e } = blocks[b];
    for (let w = 0; w < words; w++) {
      let bits = liveIn[b * words + w];
      while (bits) {
        const t = bits & -bits;
        touch((w << 5) + 31 - Math.clz32(t), 2 * s);
        bits ^= t;
      }
      bits = liveOut[b * words + w];
      while (bits) {
        const t = bits & -bits;
        touch((w << 5) + 31 - Math.clz32(t), 2 * e + 2);
        bits ^= t;
      }
    }
    for (let i = s; i <= e; i++) {
      const ins = f.code[i];
      pos = 2 * i;
      forEachUse(ins, touchAt);
      pos = 2 * i + 1;
      forEachDef(ins, touchAt);
    }
  }
  return { start, end };
}

export function allocate(f: Func): Allocation {
  const n = f.vtypes.length;
  const { start, end } = liveIntervals(f);

  // Positions of calls, for "is this interval live across a call?".
  const calls: number[] = [];
  f.code.forEach((ins, i) => {
    if (clobbersCallerSaved(ins)) calls.push(2 * i);
  });
  const crossesCall = (v: number) => {
    // any call position p with start < p and end > p + 1
    let lo = 0, hi = calls.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (calls[mid] <= start[v]) lo = mid + 1;
      else hi = mid;
    }
    return lo < calls.length && calls[lo] + 1 < end[v];
  };

  // Register hints: a value defined from another prefers that one's register.
  const fl = (v: number) => isFloat(f.vtypes[v]);
  const hintFrom = new Int32Array(n).fill(-1);
  for (const ins of f.code) {
    if (ins.dst >= 0 && ins.a >= 0 && hintFrom[ins.dst] < 0 && fl(ins.dst) === fl(ins.a) && (ins.k === K.Mov || ins.k === K.Bin || ins.k === K.Un)) {
      hintFrom[ins.dst] = ins.a;
    }
  }
  const paramReg = new Int32Array(n).fill(-1);
  argPlaces(f.params.map((p) => f.vtypes[p])).forEach((pl, k) => {
    if ('reg' in pl) paramReg[f.params[k]] = pl.reg;
  });

  const order: number[] = [];
  for (let v = 0; v < n; v++) if (end[v] >= start[v]) order.push(v);
  order.sort((x, y) => start[x] - start[y] || x - y);

  const loc = new Int32Array(n).fill(-1);
  const free = new Uint8Array(SLOT); // per register: 1 if free
  for (const r of [...CALLER_SAVED_POOL, ...CALLEE_SAVED_POOL, ...XMM_POOL]) free[r] = 1;
  const active: number[] = []; // vregs holding registers, any order
  let nslots = 0;
  const freeSlots: number[] = [];
  const slotEnd: number[] = [];
  const newSlot = (v: number) => {
    // Reuse a slot whose owner's interval is over.
    for (let k = 0; k < freeSlots.length; k++) {
      const s = freeSlots[k];
      if (slotEnd[s] < start[v]) {
        freeSlots.splice(k, 1);
        slotEnd[s] = end[v];
        freeSlots.push(s);
        return SLOT + s;
      }
    }
    const s = nslots++;
    slotEnd[s] = end[v];
    freeSlots.push(s);
    return SLOT + s;
  };

  for (const v of order) {
    // Expire intervals that ended before v starts.
    let kept = 0;
    for (const a of active) {
      if (end[a] < start[v]) free[loc[a]] = 1;
      else active[kept++] = a;
    }
    active.length = kept;
    const cross = crossesCall(v);
    const isF = fl(v);
    const ok = (r: number) => free[r] === 1 && (!cross || CALLEE_SAVED.has(r)) && isXmm(r) === isF;
    let reg = -1;
    const h = hintFrom[v] >= 0 ? loc[hintFrom[v]] : paramReg[v];
    if (h >= 0 && h < SLOT && ok(h)) reg = h;
    if (reg < 0) {
      const pools = isF ? (cross ? [] : [XMM_POOL]) : cross ? [CALLEE_SAVED_POOL] : [CALLER_SAVED_POOL, CALLEE_SAVED_POOL];
      for (const pool of pools) {
        for (const r of pool) if (ok(r)) { reg = r; break; }
        if (reg >= 0) break;
      }
    }
    if (reg >= 0) {
      free[reg] = 0;
      loc[v] = reg;
      active.push(v);
      continue;
    }
    // No register: spill whichever interval ends last (v itself or an active one).
    let victim = -1;
    for (const a of active) {
      if (isXmm(loc[a]) !== isF) continue;
      if (cross && !CALLEE_SAVED.has(loc[a])) continue;
      if (victim < 0 || end[a] > end[victim]) victim = a;
    }
    if (victim >= 0 && end[victim] > end[v]) {
      loc[v] = loc[victim];
      loc[victim] = newSlot(victim);
      active.splice(active.indexOf(victim), 1);
      active.push(v);
    } else {
      loc[v] = newSlot(v);
    }
  }

  const usedCalleeSaved = [...new Set([...loc].filter((r) => CALLEE_SAVED.has(r)))].sort((x, y) => x - y);
  return { loc, nslots, usedCalleeSaved };
}
