// core.test.ts - the kernel core's self-test on the real machine.
// build/test-core.iso boots with "test=core": kmain runs kernel/selftest.ts
// (frame allocator, page tables, capabilities, scheduler queues, all in the
// natively compiled kernel) which prints "test=core: N checks passed" or a
// "test=core: FAILED: ..." line and panics (exit status 35).

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

test('test=core: the kernel core self-test passes in QEMU', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntil({ iso: buildPath('test-core.iso'), config: BOOT_MATRIX[0], until: /boot complete|FAILED|PANIC/ });
  check(run, !/FAILED|PANIC/.test(run.log), 'the self-test reported a failure');
  const m = expectInLog(run, /^test=core: (\d+) checks passed$/m, 'the self-test summary');
  check(run, Number(m[1]) > 0, 'no checks ran');
  expectInLog(run, /^boot complete$/m, 'the boot to finish after the self-test');
});
