// load.test.ts - the IPC load test (issue 8, item 5; servers/load, servers/
// loadclient) in QEMU: boots build/load.iso, where 8 client processes of 4
// threads each make 10,000 calls per thread with distinct payloads to one
// server, and waits for the server's verdict and QEMU's exit through
// isa-debug-exit. Checks: no kernel panic or exception report, "load:
// PASSED", 320,000 calls served and 320,000 good replies counted by the
// clients, nothing bad, lost or duplicated, all 32 threads done. A second
// boot under -icount (rdtsc counts instructions) checks the IPC round trip a
// probe client measures before the load and after it: the same figure.

import { describe, test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntilExit, buildPath, check, expectInLog, type BootResult } from './qemu';

const FINAL = /^load: calls (\d+) of (\d+), client good (\d+), client bad (\d+), server bad (\d+), lost (\d+), duplicated (\d+), threads done (\d+) of (\d+), (\d+) ms$/m;
const PROBE = /^load: ipc round trip before (\d+) \(mean (\d+)\), after (\d+) \(mean (\d+)\) ticks$/m;

async function loadRun(icount: boolean): Promise<{ run: BootResult; f: RegExpMatchArray; probe: number[] }> {
  const run = await bootUntilExit({ iso: buildPath('load.iso'), config: BOOT_MATRIX[0], icount, timeoutMs: DEFAULT_TIMEOUT_MS + 90_000 });
  check(run, !/^(PANIC|EXCEPTION)/m.test(run.log), 'a kernel panic or exception report');
  const f = expectInLog(run, FINAL, 'the final load line');
  check(run, /^load: PASSED$/m.test(run.log), `the load run failed: ${run.log.match(/^load: FAIL.*$/m)?.[0] ?? '(no verdict line)'}`);
  check(run, run.exitCode === 33, `QEMU exit status ${run.exitCode} (33: passed)`);
  const [calls, expected, good, cbad, sbad, lost, dup, done, threads] = f.slice(1, 10).map(Number);
  check(run, calls === 320_000 && expected === 320_000, `${calls} calls served of ${expected} (expected 320000)`);
  check(run, good === 320_000, `${good} good replies counted by the clients`);
  check(run, cbad === 0 && sbad === 0 && lost === 0 && dup === 0, `bad ${cbad}/${sbad}, lost ${lost}, duplicated ${dup}`);
  check(run, done === 32 && threads === 32, `${done} of ${threads} client threads done`);
  const probe = expectInLog(run, PROBE, 'the IPC round trip line').slice(1, 5).map(Number);
  return { run, f, probe };
}

describe('IPC load', () => {
  test('32 threads in 8 processes, 320,000 calls, every reply matches its request', { timeout: DEFAULT_TIMEOUT_MS + 120_000 }, async () => {
    const { run, f, probe } = await loadRun(false);
    console.log(`load: ${f[1]} calls by ${f[8]} threads, ${f[10]} ms guest, ${(run.durationMs / 1000).toFixed(1)} s wall; round trip ${probe[0]} ticks before, ${probe[2]} after`);
  });

  test('under -icount: the same load, and the IPC round trip is the same before and after it', { timeout: DEFAULT_TIMEOUT_MS + 120_000 }, async () => {
    const { run, probe } = await loadRun(true);
    const [min0, , min1] = probe;
    check(run, min0 > 0 && min1 === min0, `round trip ${min0} instructions before the load, ${min1} after`);
    console.log(`load (icount): round trip ${min0} instructions before, ${min1} after; ${(run.durationMs / 1000).toFixed(1)} s wall`);
  });
});
