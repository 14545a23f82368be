// A generator of random valid Wasm programs (as text), for differential
// testing against V8 (fuzz.test.ts). Type-directed: every expression is built
// for the type its context needs, so the result always validates.
//
// What it exercises: all four value types; arithmetic, comparisons,
// conversions (trapping ones too), select, if/else with results, blocks left
// by br_if, bounded loops, locals (set/tee), globals, loads and stores,
// direct calls, calls with two results, call_indirect (its traps included).
// What it avoids, so that V8 and we must agree bit for bit: recursion (calls
// go to earlier functions only, so no stack exhaustion), and float bits seen
// as integers or as the other float type (no reinterpret to integer; i32 and
// i64, f32, and f64 each live in their own part of memory; copysign takes its
// sign from a constant), since NaN signs and payloads are not fixed by the
// spec (nor kept by JS, through which V8 gets its arguments).

import { rng } from './differential.js';

type T = 'i32' | 'i64' | 'f32' | 'f64';
const TYPES: T[] = ['i32', 'i64', 'f32', 'f64'];

interface FuncSig { params: T[]; results: T[] }

export function randomModule(seed: bigint, nfuncs = 6): string {
  const next = rng(seed);
  const int = (n: number) => Number(next() % BigInt(n));
  const chance = (p: number) => int(1000) < p * 1000;
  const pick = <X>(xs: readonly X[]): X => xs[int(xs.length)];

  const sigs: FuncSig[] = [];
  for (let k = 0; k < nfuncs; k++) {
    const params = Array.from({ length: int(4) }, () => pick(TYPES));
    const nres = pick([0, 1, 1, 1, 2]);
    sigs.push({ params, results: Array.from({ length: nres }, () => pick(TYPES)) });
  }
  const globals: T[] = TYPES.slice();

  const consts: Record<T, () => string> = {
    i32: () => String(pick([0, 1, -1, 7, 31, 32, 0x7fffffff, -0x80000000, int(1000) - 500, Number(BigInt.asIntN(32, next()))])),
    i64: () => String(pick([0n, 1n, -1n, 63n, 64n, 0x7fffffffffffffffn, -0x8000000000000000n, BigInt(int(1000) - 500), BigInt.asIntN(64, next())])),
    f32: () => pick(['0', '-0', '1', '-1.5', '0.5', '2.5', '3e9', '-3e9', '1e38', 'inf', '-inf', 'nan', '0x1p-149', String((int(20000) - 10000) / 64)]),
    f64: () => pick(['0', '-0', '1', '-1.5', '0.5', '2.5', '3e9', '-1e19', '1e300', 'inf', '-inf', 'nan', '0x1p-1074', String((int(20000) - 10000) / 64)]),
  };
  const BIN: Record<T, string[]> = {
    i32: ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'],
    i64: ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'],
    f32: ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'],
    f64: ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'],
  };
  const UN: Record<T, string[]> = {
    i32: ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'],
    i64: ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'],
    f32: ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
    f64: ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
  };
  const CMP: Record<T, string[]> = {
    i32: ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'],
    i64: ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'],
    f32: ['eq', 'ne', 'lt', 'gt', 'le', 'ge'],
    f64: ['eq', 'ne', 'lt', 'gt', 'le', 'ge'],
  };

  let locals: T[] = [];
  let loopVars: number[] = []; // locals used as loop counters: never assigned otherwise
  let fnIndex = 0;

  const local = (t: T): number | null => {
    const ks = locals.map((x, k) => (x === t && !loopVars.includes(k) ? k : -1)).filter((k) => k >= 0);
    return ks.length ? pick(ks) : null;
  };
  const addr = (t: T) => {
    const [base, mask] = t === 'f32' ? [0x8000, 0x3ff8] : t === 'f64' ? [0xc000, 0x3ff8] : [0, 0x7ff8];
    return `(i32.add (i32.const ${base}) (i32.and ${expr('i32', 1)} (i32.const ${mask})))`;
  };
  const callable = (want: (s: FuncSig) => boolean) => sigs.slice(0, fnIndex).map((s, k) => (want(s) ? k : -1)).filter((k) => k >= 0);
  const args = (s: FuncSig, d: number) => s.params.map((p) => expr(p, d - 1)).join(' ');

  function expr(t: T, d: number): string {
    if (d <= 0 || chance(0.15)) {
      const l = local(t);
      if (l !== null && chance(0.6)) return `(local.get ${l})`;
      return `(${t}.const ${consts[t]()})`;
    }
    const isInt = t === 'i32' || t === 'i64';
    switch (int(14)) {
      case 0: case 1: case 2: {
        const op = pick(BIN[t]);
        // The sign of a NaN is not specified: copysign takes its sign from a constant.
        if (op === 'copysign') return `(${t}.copysign ${expr(t, d - 1)} (${t}.const ${pick(['1', '-1', '0', '-0'])}))`;
        return `(${t}.${op} ${expr(t, d - 1)} ${expr(t, d - 1)})`;
      }
      case 3: {
        const op = pick(UN[t]);
        return op === 'eqz' ? `(i32.eqz ${expr('i32', d - 1)})` : `(${t}.${op} ${expr(t, d - 1)})`;
      }
      case 4: {
        if (t !== 'i32') break;
        const u = pick(TYPES);
        return `(${u}.${pick(CMP[u])} ${expr(u, d - 1)} ${expr(u, d - 1)})`;
      }
      case 5: {
        // conversions into t
        if (isInt) {
          const f = pick(['f32', 'f64'] as const);
          const other = t === 'i32' ? 'i64' : 'i32';
          return pick([
            `(${t}.trunc_sat_${f}_${pick(['s', 'u'])} ${expr(f, d - 1)})`,
            `(${t}.trunc_${f}_${pick(['s', 'u'])} ${expr(f, d - 1)})`,
            t === 'i32' ? `(i32.wrap_i64 ${expr('i64', d - 1)})` : `(i64.extend_i32_${pick(['s', 'u'])} ${expr(other, d - 1)})`,
          ]);
        }
        const i = pick(['i32', 'i64'] as const);
        const other = t === 'f32' ? 'f64' : 'f32';
        return pick([
          `(${t}.convert_${i}_${pick(['s', 'u'])} ${expr(i, d - 1)})`,
          t === 'f32' ? `(f32.demote_f64 ${expr(other, d - 1)})` : `(f64.promote_f32 ${expr(other, d - 1)})`,
          `(${t}.reinterpret_${t === 'f32' ? 'i32' : 'i64'} ${expr(t === 'f32' ? 'i32' : 'i64', d - 1)})`,
        ]);
      }
      case 6:
        return `(select ${expr(t, d - 1)} ${expr(t, d - 1)} ${expr('i32', d - 1)})`;
      case 7:
        return `(if (result ${t}) ${expr('i32', d - 1)} (then ${stmts(d - 1)} ${expr(t, d - 1)}) (else ${expr(t, d - 1)}))`;
      case 8:
        return `(block (result ${t}) ${stmts(d - 1)} (drop (br_if 0 ${expr(t, d - 1)} ${expr('i32', d - 1)})) ${expr(t, d - 1)})`;
      case 9: {
        const w = t === 'i32' || t === 'f32' ? 4 : 8;
        if (isInt && chance(0.5)) {
          const narrow = pick(t === 'i32' ? ['8_s', '8_u', '16_s', '16_u'] : ['8_s', '8_u', '16_s', '16_u', '32_s', '32_u']);
          return `(${t}.load${narrow} offset=${pick([0, 1, 2, 3])} ${addr(t)})`;
        }
        return `(${t}.load offset=${pick([0, w])} ${addr(t)})`;
      }
      case 10: {
        const ks = callable((s) => s.results.length === 1 && s.results[0] === t);
        if (!ks.length) break;
        const k = pick(ks);
        if (chance(0.3)) return `(call_indirect (type $t${k}) ${args(sigs[k], d)} (i32.rem_u ${expr('i32', 1)} (i32.const ${fnIndex})))`;
        return `(call $f${k} ${args(sigs[k], d)})`;
      }
      case 11: {
        // two results: keep one, by a local.set of the other
        const ks = callable((s) => s.results.length === 2 && s.results[0] === t);
        const l = ks.length ? local(sigs[ks[0]].results[1]) : null;
        if (!ks.length || l === null) break;
        return `(block (result ${t}) (call $f${ks[0]} ${args(sigs[ks[0]], d)}) (local.set ${l}))`;
      }
      case 12:
        return `(global.get $g_${t})`;
      case 13: {
        const l = local(t);
        if (l === null) break;
        return `(local.tee ${l} ${expr(t, d - 1)})`;
      }
    }
    return `(${t}.const ${consts[t]()})`;
  }

  function stmt(d: number): string {
    switch (int(6)) {
      case 0: {
        const t = pick(TYPES);
        const l = local(t);
        if (l !== null) return `(local.set ${l} ${expr(t, d)})`;
        return `(drop ${expr(t, d)})`;
      }
      case 1: {
        const t = pick(TYPES);
        if ((t === 'i32' || t === 'i64') && chance(0.5)) return `(${t}.store${pick(t === 'i32' ? ['8', '16'] : ['8', '16', '32'])} ${addr(t)} ${expr(t, d)})`;
        return `(${t}.store ${addr(t)} ${expr(t, d)})`;
      }
      case 2: {
        const t = pick(TYPES);
        return `(global.set $g_${t} ${expr(t, d)})`;
      }
      case 3: {
        if (d <= 1 || loopVars.length >= 2) return '';
        // A loop of at most 6 rounds over a fresh counter local.
        locals.push('i32');
        const c = locals.length - 1;
        loopVars.push(c);
        const body = stmts(d - 1);
        loopVars.pop();
        return `(local.set ${c} (i32.const ${1 + int(6)})) (loop ${body} (br_if 0 (local.tee ${c} (i32.sub (local.get ${c}) (i32.const 1)))))`;
      }
      case 4:
        return `(if ${expr('i32', d)} (then ${stmts(d - 1)}))`;
      default: {
        const ks = callable(() => true);
        if (!ks.length) return '';
        const k = pick(ks);
        return `(call $f${k} ${args(sigs[k], d)})${'(drop)'.repeat(sigs[k].results.length)}`;
      }
    }
  }
  const stmts = (d: number) => Array.from({ length: int(3) }, () => stmt(d)).join(' ');

  const fs: string[] = [];
  for (let k = 0; k < nfuncs; k++) {
    fnIndex = k;
    const s = sigs[k];
    const own = Array.from({ length: 1 + int(5) }, () => pick(TYPES));
    locals = [...s.params, ...own];
    loopVars = [];
    const body = `${stmts(3)} ${s.results.map((t) => expr(t, 4)).join(' ')}`;
    const extra = locals.slice(s.params.length); // own locals plus loop counters
    const sig = `(param ${s.params.join(' ')}) (result ${s.results.join(' ')})`;
    fs.push(`(func $f${k} (export "f${k}") (type $t${k}) ${sig} (local ${extra.join(' ')}) ${body})`);
  }
  return `(module
  (memory 1)
  ${sigs.map((s, k) => `(type $t${k} (func (param ${s.params.join(' ')}) (result ${s.results.join(' ')})))`).join('\n  ')}
  (table ${nfuncs} funcref)
  (elem (i32.const 0) ${sigs.map((_, k) => `$f${k}`).join(' ')})
  ${globals.map((t) => `(global $g_${t} (mut ${t}) (${t}.const ${consts[t]()}))`).join('\n  ')}
  ${fs.join('\n  ')}
)`;
}
