// Pass 3b: live-range splitting by webs.
//
// Requires: IR (ir.ts) after dce. Keeps: the IR contract; the program's
// meaning.
//
// A Wasm local often holds several unrelated values: Binaryen (asc -O3)
// coalesces locals, so one local is a loop counter in one loop and a
// temporary in the next. Its vreg would then get one live interval over all
// of them (intervals have no holes), occupy a register across code where it
// holds nothing, and crowd others into stack slots. A web is a set of
// definitions and uses of one vreg connected by "this definition reaches
// that use" (reaching definitions over the blocks); each web but one gets a
// fresh vreg of the same type. The web that holds the incoming parameter
// value keeps the parameter's vreg. Fewer overlapping intervals, fewer
// spills, and single-definition vregs for licm.ts.

import { Func, Ins, defs, forEachDef } from './ir.js';
import { buildBlocks, fixpoint } from './regalloc.js';

type Field = 'a' | 'b' | 'c' | 'd';

export function splitWebs(f: Func): Func {
  const n = f.vtypes.length;
  const defCount = new Int32Array(n);
  for (const i of f.code) forEachDef(i, (d) => defCount[d]++);
  const isParam = new Uint8Array(n);
  for (const p of f.params) isParam[p] = 1;
  const cand = (v: number) => defCount[v] + isParam[v] >= 2;
  let any = false;
  for (const i of f.code) forEachDef(i, (d) => (any ||= cand(d)));
  if (!any) return f;

  // Number the definitions: entry pseudo-definitions of parameters, then
  // each instruction's.
  const defVreg: number[] = [];
  const defsOf: number[][] = Array.from({ length: n }, () => []);
  const newDef = (v: number) => {
    defVreg.push(v);
    defsOf[v].push(defVreg.length - 1);
    return defVreg.length - 1;
  };
  const entryDefs: number[] = [];
  for (const p of f.params) if (cand(p)) entryDefs.push(newDef(p));
  const insDefs = new Map<Ins, number[]>();
  for (const i of f.code) {
    if (i.dst >= 0 ? !cand(i.dst) : !i.dsts.length) continue;
    const ds = defs(i).filter(cand);
    if (ds.length) insDefs.set(i, ds.map(newDef));
  }
  const D = defVreg.length;
  const words = (D + 31) >>> 5;

  // Reaching definitions per block.
  const blocks = buildBlocks(f.code);
  const nb = blocks.length;
  const preds: number[][] = blocks.map(() => []);
  blocks.forEach((b, k) => b.succ.forEach((s) => preds[s].push(k)));
  // Bitsets of `words` words per block, all blocks' in one array (block k's at k * words).
  const gen = new Uint32Array(nb * words);
  const kill = new Uint32Array(nb * words);
  const set = (s: Uint32Array, k: number, x: number) => (s[k * words + (x >>> 5)] |= 1 << (x & 31));
  const has = (s: Uint32Array, k: number, x: number) => (s[k * words + (x >>> 5)] >>> (x & 31)) & 1;
  const last = new Map<number, number>();
  blocks.forEach((b, k) => {
    last.clear();
    for (let p = b.start; p <= b.end; p++) {
      const ds = insDefs.get(f.code[p]);
      if (!ds) continue;
      for (const id of ds) last.set(defVreg[id], id);
    }
    for (const [v, id] of last) {
      for (const x of defsOf[v]) set(kill, k, x);
      set(gen, k, id);
    }
  });
  const inn = new Uint32Array(nb * words);
  const out = new Uint32Array(nb * words);
  for (const id of entryDefs) set(inn, 0, id); // block 0's in: the entry, plus what its predecessors add
  fixpoint(words, preds, false, gen, kill, inn, out);

  // Union the definitions that reach a common use; remember each use.
  const parent = Int32Array.from({ length: D }, (_, k) => k);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const union = (x: number, y: number) => {
    const a = find(x), b = find(y);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const useSites: { i: Ins; field: Field | number; def: number }[] = [];
  const cur = new Map<number, number>(); // vreg -> the one definition reaching here
  let k = 0, i: Ins;
  const visit = (v: number, field: Field | number) => {
    if (v < 0 || !cand(v)) return;
    let first = -1;
    const c = cur.get(v);
    if (c !== undefined) first = c;
    else {
      for (const x of defsOf[v]) {
        if (!has(inn, k, x)) continue;
        if (first < 0) first = x;
        else union(first, x);
      }
    }
    if (first >= 0) useSites.push({ i, field, def: first });
  };
  for (k = 0; k < nb; k++) {
    cur.clear();
    for (let p = blocks[k].start; p <= blocks[k].end; p++) {
      i = f.code[p];
      visit(i.a, 'a');
      visit(i.b, 'b');
      visit(i.c, 'c');
      visit(i.d, 'd');
      for (let j = 0; j < i.args.length; j++) visit(i.args[j], j);
      const ds = insDefs.get(i);
      if (ds) for (const id of ds) cur.set(defVreg[id], id);
    }
  }

  // One vreg per web: the parameter's web (or the first) keeps the vreg.
  const webVreg = new Int32Array(D).fill(-1);
  for (const id of entryDefs) webVreg[find(id)] = defVreg[id];
  for (let v = 0; v < n; v++) {
    if (!cand(v)) continue;
    const roots = [...new Set(defsOf[v].map(find))];
    if (!roots.some((r) => webVreg[r] === v)) webVreg[roots[0]] = v;
    for (const r of roots) {
      if (webVreg[r] >= 0) continue;
      f.vtypes.push(f.vtypes[v]);
      webVreg[r] = f.vtypes.length - 1;
    }
  }
  for (const [i, ids] of insDefs) {
    let k = 0;
    if (i.dst >= 0 && cand(i.dst)) i.dst = webVreg[find(ids[k++])];
    else i.dsts = i.dsts.map((d) => (cand(d) ? webVreg[find(ids[k++])] : d));
  }
  for (const u of useSites) {
    const w = webVreg[find(u.def)];
    if (typeof u.field === 'number') u.i.args[u.field] = w;
    else u.i[u.field] = w;
  }
  return f;
}
