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

import { Func, Ins, K, forEachUse } from './ir.js';
import { liveness } from './regalloc.js';

function pure(i: Ins): boolean {
  switch (i.k) {
    case K.Mov: case K.Cmp: case K.Select: case K.GlobalGet: case K.RefFunc: case K.TableSize: case K.MemSize: case K.MemBase:
      return true;
    case K.Bin:
      return !i.op.startsWith('div') && !i.op.startsWith('rem');
    case K.Un:
      return !(i.op.startsWith('trunc_') && !i.op.startsWith('trunc_sat_'));
    default:
      return false;
  }
}

export function dce(f: Func): Func {
  const live = new Uint32Array((f.vtypes.length + 31) >>> 5); // one block's, going backward
  const isLive = (v: number) => (live[v >>> 5] >>> (v & 31)) & 1;
  const setLive = (v: number) => (live[v >>> 5] |= 1 << (v & 31));
  for (let round = 0; round < 4; round++) {
    const { blocks, liveOut, words } = liveness(f);
    const dead = new Set<Ins>();
    for (let b = 0; b < blocks.length; b++) {
      live.set(liveOut.subarray(b * words, (b + 1) * words));
      for (let n = blocks[b].end; n >= blocks[b].start; n--) {
        const i = f.code[n];
        if (i.dst >= 0 ? pure(i) && !isLive(i.dst) : i.dsts.length > 0 && pure(i) && !i.dsts.some(isLive)) {
          dead.add(i);
          continue;
        }
        if (i.dst >= 0) live[i.dst >>> 5] &= ~(1 << (i.dst & 31));
        else for (const d of i.dsts) live[d >>> 5] &= ~(1 << (d & 31));
        forEachUse(i, setLive);
      }
    }
    if (!dead.size) break;
    f.code = f.code.filter((i) => !dead.has(i));
  }
  return f;
}
