// AssemblyScript programs, compiled by asc at test time, run by V8 and by our
// backend (differential.ts): same results, same traps, same state from call
// to call (each program's calls run in order in one instance).
//
// The programs: the benchmark programs (toolchain/bench/) with small inputs
// and with inputs too large for their buffers (out-of-bounds traps);
// as/programs.ts (i64, float library math, strings, arrays and sorting with
// comparators, classes with virtual methods, function tables, switch, maps;
// at -O3 and -O0); as/traps.ts (out-of-bounds memory, unreachable and
// AssemblyScript's own checks, division by zero and overflow, trapping
// float-to-integer conversions, stack exhaustion). `--use abort=` turns
// AssemblyScript's aborts into `unreachable`, so the modules import nothing.
//
// A bounded count runs in CI; a longer run with more random arguments:
//   AS_COUNT=400 AS_SEED=7 npx vitest run tests/toolchain/codegen/as.test.ts

import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { differential, rng } from './differential.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const COUNT = Number(process.env.AS_COUNT ?? 24); // random argument tuples per function
const SEED = BigInt(process.env.AS_SEED ?? 1);

async function ascCompile(entry: string, flags: string[]): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(
    [entry, '--baseDir', ROOT, '-o', 'out.wasm', '--runtime', 'stub', '--use', 'abort=', '--noColors', ...flags],
    {
      stdout: asc.createMemoryStream(),
      stderr,
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
      },
    },
  );
  if (error || !binary) throw new Error(`asc failed for ${entry}: ${error?.message ?? 'no output'}\n${stderr.toString()}`);
  return binary;
}

/** Benchmark programs: run(n) for small n, and n whose data overflows memory. */
const BENCH: Record<string, { sizes: number[]; max: number; oob?: number }> = {
  sort: { sizes: [0, 1, 2, 17, 100, 5000], max: 100000, oob: 3_000_000 },
  sieve: { sizes: [0, 1, 2, 100, 10007, 200000], max: 1_000_000, oob: 40_000_000 },
  sha256: { sizes: [0, 1, 3], max: 8 },
  crc32: { sizes: [0, 1, 2], max: 4 },
  matmul: { sizes: [0, 1, 3, 16, 40], max: 128, oob: 1000 },
  nbody: { sizes: [0, 1, 100, 10000], max: 100000 },
  hashmap: { sizes: [0, 1, 1000, 50000], max: 200000 },
  interp: { sizes: [0, 1, 10, 10000], max: 1_000_000 },
};

/** What the outcomes of a run were, by kind (ok or the trap message). */
const seen = new Map<string, number>();
const tally = (outcomes: ({ ok: bigint[] } | { trap: string } | { error: string })[]) => {
  for (const o of outcomes) {
    const k = 'ok' in o ? 'ok' : 'trap' in o ? o.trap : `error ${o.error}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
};

describe('AssemblyScript programs, backend vs V8', () => {
  mkdirSync(path.join(ROOT, 'build/test-host'), { recursive: true });

  it('benchmark programs agree on small inputs and on out-of-bounds ones', async () => {
    const failures: string[] = [];
    const next = rng(SEED);
    for (const [name, b] of Object.entries(BENCH)) {
      const wasm = await ascCompile(`toolchain/bench/${name}.ts`, ['-O3', '--noAssert']);
      const sizes = [...b.sizes, ...(b.oob ? [b.oob] : [])];
      // More random sizes in a longer run (beyond the default count).
      for (let k = 24; k < COUNT; k += 24) sizes.push(Number(next() % BigInt(b.max + 1)));
      const r = await differential(wasm, `as-${name}`, 0, SEED, { args: { run: sizes.map((n) => [BigInt(n)]) } });
      tally(r.actual);
      if (r.mismatches.length) failures.push(`${name}:\n  ${r.mismatches.slice(0, 5).join('\n  ')}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 300000);

  for (const [label, file, flags] of [
    ['programs -O3', 'programs', ['-O3']],
    ['programs -O0', 'programs', ['-O0']],
    ['traps', 'traps', ['-O3', '--disable', 'nontrapping-f2i']],
  ] as [string, string, string[]][]) {
    it(`${label}: same results and traps for ${COUNT} argument tuples per function`, async () => {
      const wasm = await ascCompile(`tests/toolchain/codegen/as/${file}.ts`, flags);
      const r = await differential(wasm, `as-${label.replace(/\W+/g, '-')}`, COUNT, SEED);
      tally(r.actual);
      expect(r.mismatches, r.mismatches.slice(0, 10).join('\n')).toEqual([]);
    }, 300000);
  }

  it('covered every trap kind', () => {
    console.log(`AssemblyScript outcomes: ${[...seen].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    for (const k of ['ok', 'out of bounds memory access', 'unreachable', 'integer divide by zero', 'integer overflow',
      'invalid conversion to integer', 'call stack exhausted']) {
      expect(seen.get(k) ?? 0, k).toBeGreaterThan(0);
    }
  });
});
