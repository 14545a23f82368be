// confine.test.ts - confinement (issue 8, item 3): build/confine.iso runs
// servers/confio, confkread, confcode, confdata and confsys (NASM, no init:
// each its own process, no fault endpoint, so the kernel reports each fault
// in one line). A ring-3 `in` must #GP (IOPL 0, no I/O bitmap), a read of
// the kernel's direct map must page-fault (user read, protection), writing
// its own code (user write, protection) and executing its own data (user
// fetch, protection: NX) too; confsys's capability calls through every slot
// (send, receive, signal, I/O ports, IRQs, mapping, deriving, giving,
// creating, the kernel reading kernel memory for it) must all fail: it
// exits with the number that succeeded. The kernel goes on (no panic).
// SMAP / SMEP (the kernel touching / executing user pages): tests/qemu/smap.test.ts.

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

test('a process cannot touch I/O ports, kernel memory, its code or data wrongly, or objects it holds no capability for', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const ends = /^process (confio|confkread|confcode|confdata|confsys): (exception|page fault|exited).*$/gm;
  const run = await bootUntil({
    iso: buildPath('confine.iso'), config: BOOT_MATRIX[0], timeoutMs: DEFAULT_TIMEOUT_MS,
    until: /(?:^process conf[a-z]+: (?:exception|page fault|exited)[^\n]*\n[\s\S]*){5}|^PANIC|^EXCEPTION/m,
  });
  check(run, !/^(PANIC|EXCEPTION)/m.test(run.log), 'a kernel panic or exception report');
  check(run, !/^confine: FAILED/m.test(run.log), 'a forbidden access succeeded');
  expectInLog(run, /^process confio: exception 13 error 0x0 at rip 0x4[0-9a-f]+, stopped$/m, 'in from ring 3: #GP');
  expectInLog(run, /^process confkread: page fault at 0xffff800000100000 \(user read, protection violation\) at rip 0x4[0-9a-f]+, stopped$/m, 'kernel memory read from ring 3: #PF');
  expectInLog(run, /^process confcode: page fault at 0x0000000000401000 \(user write, protection violation\)/m, 'code page not writable');
  expectInLog(run, /^process confdata: page fault at 0x[0-9a-f]+ \(user fetch, protection violation\)/m, 'data page not executable');
  expectInLog(run, /^process confsys: exited with status 0$/m, 'every capability call without a capability refused');
  console.log(`confine: ${[...run.log.matchAll(ends)].length} processes confined`);
});
