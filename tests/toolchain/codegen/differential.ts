// Differential testing of the backend against V8: a module runs once in Node
// (WebAssembly API) and once as native code from our backend on the build
// host (toolchain/src/host.ts); every call must give the same results or the
// same trap. Arguments come from a pool of edge values plus seeded random
// ones, so a failure is reproducible. Values are compared as raw bits, except
// that any two NaNs are equal (JS numbers do not keep NaN payloads; the spec
// suite checks NaN bits exactly).

import wabtInit from 'wabt';
import { buildHostExecutable, runHost, HostCall, Outcome } from '../../../toolchain/src/host.js';
import { decodeModule } from '../../../toolchain/src/wasm/decode.js';
import { ValType } from '../../../toolchain/src/wasm/types.js';
import type { Cpu } from '../../../toolchain/src/compile.js';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function wat2wasm(text: string): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat('test.wat', text, { multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true });
  try {
    return mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}

/** Seeded xorshift64*, so failing cases can be replayed. */
export function rng(seed: bigint) {
  let s = seed || 1n;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
}

const I32_EDGE = [0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xfffffffen, 0x12345678n, 0xfffffff0n, 100n];
const I64_EDGE = [0n, 1n, 2n, 63n, 64n, 65n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x123456789abcdef0n, 0xfffffffffffffff0n];

const f32 = (x: number) => {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, x, true);
  return BigInt(dv.getUint32(0, true));
};
const f64 = (x: number) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
};
const FLOAT_EDGE = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999997, 3.7, -3.7, 1e10, -1e10, 2147483647.5, 2147483648, -2147483648.5, -2147483649,
  4294967295.5, 4294967296, 9223372036854775807, 9223372036854775808, -9223372036854775808, 18446744073709551615, 18446744073709551616, 1e-45, 1e-310,
  Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, 3.4028234663852886e38];
const F32_EDGE = [...FLOAT_EDGE.map(f32), 0x7fc00001n, 0xff800001n, 0x7f7fffffn, 0x00000001n, 0x80000001n];
const F64_EDGE = [...FLOAT_EDGE.map(f64), 0x7ff0000000000001n, 0xfff8000000000001n, 0x0000000000000001n];
const poolOf = (t: ValType) => (t === ValType.I64 ? I64_EDGE : t === ValType.F32 ? F32_EDGE : t === ValType.F64 ? F64_EDGE : I32_EDGE);

/** Argument tuples for a signature: edge values crossed, then random ones. */
export function argTuples(params: ValType[], count: number, seed: bigint): bigint[][] {
  const next = rng(seed);
  const pick = (t: ValType, k: number): bigint => {
    const pool = poolOf(t);
    if (k < pool.length * 2) return pool[Number(next() % BigInt(pool.length))];
    const r = next();
    if (t === ValType.F64) return f64(Number(BigInt.asIntN(64, r)) / 2 ** Number(r & 63n));
    if (t === ValType.F32) return (r & 1n) ? r & 0xffffffffn : f32(Number(BigInt.asIntN(32, r)) / 2 ** Number(r & 31n));
    return t === ValType.I64 ? r : r & 0xffffffffn;
  };
  const out: bigint[][] = [];
  if (params.length === 1) {
    for (const v of poolOf(params[0])) out.push([v]);
  }
  for (let k = 0; out.length < count; k++) out.push(params.map((t) => pick(t, k)));
  return out;
}

function v8Trap(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError && /call stack/i.test(m)) return 'call stack exhausted';
  if (/unreachable/.test(m)) return 'unreachable';
  if (/divide by zero|remainder by zero/.test(m)) return 'integer divide by zero';
  if (/float unrepresentable/.test(m)) return 'float unrepresentable';
  if (/unrepresentable|integer overflow/.test(m)) return 'integer overflow';
  if (/null function or function signature mismatch/.test(m)) return 'null function or signature mismatch';
  if (/table index is out of bounds/.test(m)) return 'table index out of bounds';
  if (/out of bounds|memory access/.test(m)) return /table|element segment/.test(m) ? 'out of bounds table access' : 'out of bounds memory access';
  return `other: ${m}`;
}

// V8 gives one message where the spec (and our runtime) has several.
const V8_AMBIGUOUS: Record<string, string[]> = {
  'float unrepresentable': ['invalid conversion to integer', 'integer overflow'],
  'null function or signature mismatch': ['uninitialized element', 'indirect call type mismatch'],
  'table index out of bounds': ['undefined element', 'out of bounds table access'],
};

export interface DiffResult {
  calls: HostCall[];
  expected: Outcome[];
  actual: Outcome[];
  mismatches: string[];
}

/**
 * Runs every exported function of `wasm` with `perFunc` argument tuples in
 * V8 and natively; returns the calls and any mismatch described in words.
 */
export async function differential(
  wasm: Uint8Array, name: string, perFunc = 40, seed = 0x5eedn,
  opts: { cpu?: Cpu; extra?: (params: ValType[]) => bigint[][]; args?: Record<string, bigint[][]> } = {},
): Promise<DiffResult> {
  const m = decodeModule(wasm);
  const calls: HostCall[] = [];
  let s = seed;
  for (const e of m.exports) {
    if (e.kind !== 'func') continue;
    const ft = m.funcTypes[e.index];
    const given = opts.args?.[e.name]; // exactly these argument tuples
    for (const args of given ?? argTuples(ft.params, ft.params.length === 0 ? 1 : perFunc, s++)) calls.push({ name: e.name, args });
    if (given) continue;
    for (const args of opts.extra?.(ft.params) ?? []) calls.push({ name: e.name, args });
  }
  // V8 first.
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), {});
  const dv = new DataView(new ArrayBuffer(8));
  const toJs = (t: ValType, a: bigint): unknown => {
    if (t === ValType.I64) return BigInt.asIntN(64, a);
    if (t === ValType.F32) return (dv.setUint32(0, Number(a), true), dv.getFloat32(0, true));
    if (t === ValType.F64) return (dv.setBigUint64(0, a, true), dv.getFloat64(0, true));
    return Number(BigInt.asIntN(32, a));
  };
  const fromJs = (t: ValType, r: unknown): bigint => {
    if (t === ValType.I64) return BigInt.asUintN(64, r as bigint);
    if (t === ValType.F32) return f32(r as number);
    if (t === ValType.F64) return f64(r as number);
    return BigInt((r as number) >>> 0);
  };
  const resultTypes = new Map<string, ValType[]>();
  const expected: Outcome[] = calls.map((c) => {
    const fn = inst.exports[c.name] as (...a: unknown[]) => unknown;
    const ft = m.funcTypes[m.exports.find((e) => e.name === c.name)!.index];
    resultTypes.set(c.name, ft.results);
    const args = c.args.map((a, k) => toJs(ft.params[k], a));
    try {
      const r = fn(...args);
      if (ft.results.length === 0) return { ok: [] };
      const rs = ft.results.length === 1 ? [r] : (r as unknown[]);
      return { ok: ft.results.map((t, k) => fromJs(t, rs[k])) };
    } catch (e) {
      return { trap: v8Trap(e) };
    }
  });
  // Any NaN equals any NaN (see the header).
  const canon = (name: string, o: Outcome | undefined): Outcome | undefined => {
    if (!o || !('ok' in o)) return o;
    const ts = resultTypes.get(name)!;
    return {
      ok: o.ok.map((v, k) => {
        if (ts[k] === ValType.F32 && (v & 0x7f800000n) === 0x7f800000n && (v & 0x7fffffn) !== 0n) return 0x7fc00000n;
        if (ts[k] === ValType.F64 && (v & 0x7ff0000000000000n) === 0x7ff0000000000000n && (v & 0xfffffffffffffn) !== 0n) return 0x7ff8000000000000n;
        return v;
      }),
    };
  };
  const exe = buildHostExecutable(wasm, 'build/test-host', name, { cpu: opts.cpu });
  const run = runHost(exe, calls);
  const mismatches: string[] = [];
  if (!run.ready) mismatches.push(`instance did not start: ${run.initTrap ?? run.stderr}`);
  calls.forEach((c, k) => {
    const a = JSON.stringify(canon(c.name, run.outcomes[k]), (_, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v));
    const x = JSON.stringify(canon(c.name, expected[k]), (_, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v));
    const o = run.outcomes[k];
    const e = expected[k];
    const ambiguous = 'trap' in e && o && 'trap' in o && (V8_AMBIGUOUS[e.trap] ?? []).includes(o.trap);
    if (a !== x && !ambiguous) mismatches.push(`${c.name}(${c.args.map((v) => '0x' + v.toString(16)).join(', ')}): expected ${x}, got ${a}`);
  });
  if (run.stderr) mismatches.push(`stderr: ${run.stderr}`);
  return { calls, expected, actual: run.outcomes, mismatches };
}
