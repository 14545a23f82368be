// Differential testing of the backend against V8: a module runs once in Node
// (WebAssembly API) and once as native code from our backend on the build
// host (toolchain/src/host.ts); every call must give the same results or the
// same trap. Arguments come from a pool of edge values plus seeded random
// ones, so a failure is reproducible.

import wabtInit from 'wabt';
import { buildHostExecutable, runHost, HostCall, Outcome } from '../../../toolchain/src/host.js';
import { decodeModule } from '../../../toolchain/src/wasm/decode.js';
import { ValType } from '../../../toolchain/src/wasm/types.js';

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

/** Argument tuples for a signature: edge values crossed, then random ones. */
export function argTuples(params: ValType[], count: number, seed: bigint): bigint[][] {
  const next = rng(seed);
  const pick = (t: ValType, k: number): bigint => {
    const pool = t === ValType.I64 ? I64_EDGE : I32_EDGE;
    if (k < pool.length * 2) return pool[Number(next() % BigInt(pool.length))];
    const r = next();
    return t === ValType.I64 ? r : r & 0xffffffffn;
  };
  const out: bigint[][] = [];
  if (params.length === 1) {
    const pool = params[0] === ValType.I64 ? I64_EDGE : I32_EDGE;
    for (const v of pool) out.push([v]);
  }
  for (let k = 0; out.length < count; k++) out.push(params.map((t) => pick(t, k)));
  return out;
}

function v8Trap(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError && /call stack/i.test(m)) return 'call stack exhausted';
  if (/unreachable/.test(m)) return 'unreachable';
  if (/divide by zero|remainder by zero/.test(m)) return 'integer divide by zero';
  if (/unrepresentable|integer overflow/.test(m)) return 'integer overflow';
  if (/out of bounds|memory access/.test(m)) return 'out of bounds memory access';
  return `other: ${m}`;
}

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
export async function differential(wasm: Uint8Array, name: string, perFunc = 40, seed = 0x5eedn): Promise<DiffResult> {
  const m = decodeModule(wasm);
  const calls: HostCall[] = [];
  let s = seed;
  for (const e of m.exports) {
    if (e.kind !== 'func') continue;
    const ft = m.funcTypes[e.index];
    for (const args of argTuples(ft.params, ft.params.length === 0 ? 1 : perFunc, s++)) calls.push({ name: e.name, args });
  }
  // V8 first.
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), {});
  const expected: Outcome[] = calls.map((c) => {
    const fn = inst.exports[c.name] as (...a: unknown[]) => unknown;
    const ft = m.funcTypes[m.exports.find((e) => e.name === c.name)!.index];
    const args = c.args.map((a, k) => (ft.params[k] === ValType.I64 ? BigInt.asIntN(64, a) : Number(BigInt.asIntN(32, a))));
    try {
      const r = fn(...args);
      if (ft.results.length === 0) return { ok: [] };
      const v = ft.results[0] === ValType.I64 ? BigInt.asUintN(64, r as bigint) : BigInt((r as number) >>> 0);
      return { ok: [v] };
    } catch (e) {
      return { trap: v8Trap(e) };
    }
  });
  const exe = buildHostExecutable(wasm, 'build/test-host', name);
  const run = runHost(exe, calls);
  const mismatches: string[] = [];
  if (!run.ready) mismatches.push(`instance did not start: ${run.initTrap ?? run.stderr}`);
  calls.forEach((c, k) => {
    const a = JSON.stringify(run.outcomes[k], (_, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v));
    const x = JSON.stringify(expected[k], (_, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v));
    if (a !== x) mismatches.push(`${c.name}(${c.args.map((v) => '0x' + v.toString(16)).join(', ')}): expected ${x}, got ${a}`);
  });
  if (run.stderr) mismatches.push(`stderr: ${run.stderr}`);
  return { calls, expected, actual: run.outcomes, mismatches };
}
