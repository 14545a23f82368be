// ktest.test.ts - the in-OS test suite (servers/ktest, issue 4 item 9):
// boots build/ktest.iso (ktest as the initial process "init", its helpers
// servers/ktestpeer and servers/ktestcrash), waits for its final line
// "N passed, M failed", and fails if any test failed, printing the whole
// serial log. Every "ok"/"FAIL" line of ktest is one test of a system call
// of toolchain/src/abi/syscalls.ts from user space.

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

test('in-OS test suite: every system call from user space, error paths included', { timeout: DEFAULT_TIMEOUT_MS + 120_000 }, async () => {
  const run = await bootUntil({
    iso: buildPath('ktest.iso'), config: BOOT_MATRIX[0], timeoutMs: DEFAULT_TIMEOUT_MS + 90_000,
    until: /^\d+ passed, \d+ failed$|^PANIC|^EXCEPTION|^process init: .*(stopped|exited with status [1-9]\d*)$/m,
  });
  check(run, !/^(PANIC|EXCEPTION)/m.test(run.log), 'a kernel panic or exception report');
  const fails = [...run.log.matchAll(/^FAIL (.*)$/gm)].map((m) => m[1]);
  const summary = expectInLog(run, /^(\d+) passed, (\d+) failed$/m, 'the final "N passed, M failed" line');
  const passed = Number(summary[1]), failed = Number(summary[2]);
  const oks = [...run.log.matchAll(/^ok .*$/gm)].length;
  check(run, failed === 0 && fails.length === 0, `${failed} in-OS tests failed:\n  ${fails.join('\n  ')}`);
  check(run, oks === passed, `${oks} "ok" lines but the summary says ${passed} passed`);
  check(run, passed >= 200, `only ${passed} tests ran (expected the whole suite)`);
  console.log(`ktest: ${passed} passed, ${failed} failed`);
});
