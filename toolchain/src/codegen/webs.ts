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

import { Func, Ins, defs } from './ir.js';
import { buildBlocks } from './regalloc.js';

type Field = 'a' | 'b' | 'c' | 'd';

export function splitWebs(f: Func): Func {
  const n = f.vtypes.length;
  const defCount = new Int32Array(n);
  for (const i of f.code) for (const d of defs(i)) defCount[d]++;
  const isParam = new Uint8Array(n);
  for (const p of f.params) isParam[p] = 1;
  const cand = (v: number) => defCount[v] + isParam[v] >= 2;
  if (!f.code.some((i) => defs(i).some(cand))) return f;

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
  const gen = blocks.map(() => new Uint32Array(words));
  const kill = blocks.map(() => new Uint32Array(words));
  const set = (s: Uint32Array, x: number) => (s[x >>> 5] |= 1 << (x & 31));
  const has = (s: Uint32Array, x: number) => (s[x >>> 5] >>> (x & 31)) & 1;
  blocks.forEach((b, k) => {
    const last = new Map<number, number>();
    for (let p = b.start; p <= b.end; p++) {
      const ds = insDefs.get(f.code[p]);
      if (!ds) continue;
      for (const id of ds) last.set(defVreg[id], id);
    }
    for (const [v, id] of last) {
      for (const x of defsOf[v]) set(kill[k], x);
      set(gen[k], id);
    }
  });
  const inn = blocks.map(() => new Uint32Array(words));
  const out = blocks.map(() => new Uint32Array(words));
  const entry = new Uint32Array(words);
  for (const id of entryDefs) set(entry, id);
  let changed = true;
  while (changed) {
    changed = false;
    for (let b = 0; b < nb; b++) {
      const I = inn[b];
      if (b === 0) I.set(entry);
      for (const p of preds[b]) {
        const o = out[p];
        for (let w = 0; w < words; w++) I[w] |= o[w];
      }
      const O = out[b];
      for (let w = 0; w < words; w++) {
        const nv = (gen[b][w] | (I[w] & ~kill[b][w])) >>> 0;
        if (nv !== O[w]) {
          O[w] = nv;
          changed = true;
        }
      }
    }
  }

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
  blocks.forEach((b, k) => {
    const cur = new Map<number, number>(); // vreg -> the one definition reaching here
    for (let p = b.start; p <= b.end; p++) {
      const i = f.code[p];
      const visit = (v: number, field: Field | number) => {
        if (v < 0 || !cand(v)) return;
        let first = -1;
        const c = cur.get(v);
        if (c !== undefined) first = c;
        else {
          for (const x of defsOf[v]) {
            if (!has(inn[k], x)) continue;
            if (first < 0) first = x;
            else union(first, x);
          }
        }
        if (first >= 0) useSites.push({ i, field, def: first });
      };
      visit(i.a, 'a');
      visit(i.b, 'b');
      visit(i.c, 'c');
      visit(i.d, 'd');
      i.args.forEach((v, j) => visit(v, j));
      const ds = insDefs.get(i);
      if (ds) for (const id of ds) cur.set(defVreg[id], id);
    }
  });

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
