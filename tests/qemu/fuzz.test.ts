// fuzz.test.ts - the syscall fuzzer (issue 8, item 1; servers/fuzz,
// fuzzer, fuzzcanary, fuzzpoke) in QEMU: boots build/fuzz.iso (kernel
// command line fuzz.calls=100000, the default seed), waits for the
// supervisor's verdict and QEMU's exit through isa-debug-exit, and checks
// the pass criteria: no kernel panic or exception report, at least 100,000
// random system calls made, the canary answered every ping with its memory
// intact (checked by the supervisor), the free frames back to their count
// before the first fuzzer process after the last one (and after every
// chunk), and the seed printed. A second boot with another seed and
// tracing on checks that the same seed replays the same calls (the traced
// call lines of the first fuzzer process are compared between two boots).

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, REPO, bootUntilExit, buildPath, check, expectInLog } from './qemu';

const FINAL = /^fuzz: calls (\d+), faults (\d+), stuck (\d+), restarts (\d+), canary pings (\d+), frames (\d+) of (\d+), seed (0x[0-9a-f]+), (\d+) ms$/m;

describe('syscall fuzzer', () => {
  test('100,000 random system calls: no panic, no hang, canary intact, no frame leak', { timeout: DEFAULT_TIMEOUT_MS + 120_000 }, async () => {
    const run = await bootUntilExit({ iso: buildPath('fuzz.iso'), config: BOOT_MATRIX[0], timeoutMs: DEFAULT_TIMEOUT_MS + 90_000 });
    check(run, !/^(PANIC|EXCEPTION)/m.test(run.log), 'a kernel panic or exception report');
    expectInLog(run, /^fuzz: seed 0x[0-9a-f]+, 100000 calls/m, 'the seed and settings line');
    const f = expectInLog(run, FINAL, 'the final fuzz line');
    check(run, /^fuzz: PASSED$/m.test(run.log), `the fuzz run failed: ${run.log.match(/^fuzz: FAIL.*$/m)?.[0] ?? '(no verdict line)'}`);
    check(run, run.exitCode === 33, `QEMU exit status ${run.exitCode} (33: passed)`);
    const calls = Number(f[1]);
    check(run, calls >= 100_000, `only ${calls} calls`);
    check(run, f[6] === f[7], `frames ${f[6]} of ${f[7]}`);
    check(run, Number(f[5]) >= 2, 'the canary was not pinged');
    console.log(`fuzz: ${calls} calls, ${f[2]} fuzzer faults, ${f[3]} stuck, ${f[4]} restarts, ${f[5]} canary pings, seed ${f[8]}, ${f[9]} ms guest, ${(run.durationMs / 1000).toFixed(1)} s wall`);
  });

  test('the same seed replays the same calls', { timeout: DEFAULT_TIMEOUT_MS + 120_000 }, async () => {
    const dir = buildPath('fuzz-replay');
    mkdirSync(dir, { recursive: true });
    const iso = path.join(dir, 'fuzz-replay.iso');
    const elf = ['fuzz/init.elf', 'servers/fuzzer.elf', 'servers/fuzzcanary.elf', 'servers/fuzzpoke.elf'].map(buildPath);
    execFileSync('bash', [path.join(REPO, 'qemu/mkiso.sh'), buildPath('kernel.elf'), 'fuzz.calls=600 fuzz.chunk=300 fuzz.seed=0x1234 fuzz.trace=1', iso, ...elf]);
    const calls = async () => {
      const run = await bootUntilExit({ iso, config: BOOT_MATRIX[0], timeoutMs: DEFAULT_TIMEOUT_MS });
      check(run, /^fuzz: PASSED$/m.test(run.log), 'the traced fuzz run failed');
      expectInLog(run, /^fuzz: seed 0x1234, 600 calls, 300 calls per fuzzer process, tracing$/m, 'the seed line');
      // The first fuzzer process's calls (numbering starts again at 0 in the next).
      const lines = [...run.log.matchAll(/^fuzzer: call (\d+): .*$/gm)];
      const end = lines.findIndex((m, k) => k > 0 && m[1] === '0');
      return lines.slice(0, end < 0 ? lines.length : end).map((m) => m[0]);
    };
    const a = await calls();
    const b = await calls();
    const n = Math.min(a.length, b.length);
    expect(n).toBeGreaterThanOrEqual(50);
    expect(b.slice(0, n)).toEqual(a.slice(0, n));
  });
});
