// Random valid programs (fuzz.ts), run by V8 and by our backend: same results,
// same traps, same memory effects (calls run in order in one instance).
// A bounded number of seeds runs in CI; for a longer run:
//   FUZZ_COUNT=500 FUZZ_SEED=1000 npx vitest run tests/toolchain/codegen/fuzz.test.ts
// A failure names its seed; the module text is in build/test-host/fuzz-<seed>.wat.

import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { differential, wat2wasm } from './differential.js';
import { randomModule } from './fuzz.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 16);
const FIRST = Number(process.env.FUZZ_SEED ?? 1);

describe('random programs, backend vs V8', () => {
  it(`agrees on ${COUNT} random modules (seeds ${FIRST}..${FIRST + COUNT - 1})`, async () => {
    mkdirSync('build/test-host', { recursive: true });
    const failures: string[] = [];
    const tally = { ok: 0, trap: 0 };
    for (let seed = FIRST; seed < FIRST + COUNT; seed++) {
      const wat = randomModule(BigInt(seed) * 0x9e3779b97f4a7c15n);
      writeFileSync(`build/test-host/fuzz-${seed}.wat`, wat);
      const wasm = await wat2wasm(wat);
      const r = await differential(wasm, `fuzz-${seed}`, 12, BigInt(seed));
      for (const o of r.expected) tally['ok' in o ? 'ok' : 'trap']++;
      if (r.mismatches.length) failures.push(`seed ${seed}:\n  ${r.mismatches.slice(0, 5).join('\n  ')}`);
    }
    console.log(`random programs: ${tally.ok} calls returned, ${tally.trap} trapped`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(tally.ok).toBeGreaterThan(tally.trap / 4); // the programs mostly run, not just trap
  }, 600000);
});
