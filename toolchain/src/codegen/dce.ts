// Pass 3a: dead-code elimination on the IR, by liveness.
//
// Requires: IR (ir.ts), after fusion. Keeps: the IR contract; the program's
// meaning (only instructions without effects are removed: no stores, calls,
// loads or operations that may trap).
//
// An instruction whose results are all dead where it writes them is dropped.
// The main catch is the zero-initialisation of declared locals (lower.ts)
// when the program writes the local before reading it: without this pass the
// local's live interval would reach back to the function entry (intervals have
// no holes), and across any call on the way.

import { Func, Ins, K, uses, defs } from './ir.js';
import { liveness } from './regalloc.js';

function pure(i: Ins): boolean {
  switch (i.k) {
    case K.Mov: case K.Cmp: case K.Select: case K.GlobalGet: case K.RefFunc: case K.TableSize: case K.MemSize: case K.MemBase:
      return true;
    case K.Bin:
      return !/^(div|rem)/.test(i.op);
    case K.Un:
      return !(i.op.startsWith('trunc_') && !i.op.startsWith('trunc_sat_'));
    default:
      return false;
  }
}

export function dce(f: Func): Func {
  for (let round = 0; round < 4; round++) {
    const { blocks, liveOut, words } = liveness(f);
    const dead = new Set<Ins>();
    for (let b = 0; b < blocks.length; b++) {
      const live = new Uint32Array(words);
      live.set(liveOut[b]);
      const isLive = (v: number) => (live[v >>> 5] >>> (v & 31)) & 1;
      for (let n = blocks[b].end; n >= blocks[b].start; n--) {
        const i = f.code[n];
        const ds = defs(i);
        if (ds.length && pure(i) && !ds.some(isLive)) {
          dead.add(i);
          continue;
        }
        for (const d of ds) live[d >>> 5] &= ~(1 << (d & 31));
        for (const u of uses(i)) live[u >>> 5] |= 1 << (u & 31);
      }
    }
    if (!dead.size) break;
    f.code = f.code.filter((i) => !dead.has(i));
  }
  return f;
}
