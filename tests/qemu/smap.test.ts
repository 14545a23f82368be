// smap.test.ts - SMAP stops the kernel from touching user pages outside the
// checked copy path (issue 8, item 3). build/test-smap.iso boots the kernel
// with "test=smap" (kernel/smaptest.ts): it maps a user page, switches to
// that address space and reads the page directly from ring 0. Under QEMU
// -cpu max (SMAP present; protect.ts turns it on) the CPU must refuse: the
// boot stub's exception report, #PF with error code 0x1 (a present page,
// read, supervisor) and CR2 = the user address, and QEMU exit status 35;
// the mode's own "FAILED" line (the read succeeded) must not appear.

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, EXIT_FAILURE, bootUntilExit, buildPath, check, expectInLog } from './qemu';

test('test=smap: a kernel read of a user page outside uaccess.ts faults (SMAP)', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntilExit({ iso: buildPath('test-smap.iso'), config: BOOT_MATRIX[0] });
  expectInLog(run, /^protections: .*\bsmap\b/m, 'SMAP on in the protections line');
  const announce = expectInLog(run, /^test=smap: SMAP on; the kernel reads user page 0x0000000000400000 directly/m, 'the kernel announcing the read');
  const head = expectInLog(run, /^EXCEPTION 14 #PF page fault err=0x([0-9a-f]{16})$/m, 'a page fault report');
  check(run, announce.index! < head.index!, 'the fault came before the read');
  const err = BigInt(`0x${head[1]}`);
  check(run, (err & 0b111n) === 1n, `error code 0x${head[1]}: expected a protection violation on a read in kernel mode (bits 0..2 = 001)`);
  const cr2 = run.log.slice(head.index!).match(/CR2=0x([0-9a-f]{16})/);
  check(run, cr2 !== null && BigInt(`0x${cr2[1]}`) === 0x400000n, `CR2 ${cr2?.[1]}: expected the user page 0x400000`);
  check(run, !/^test=smap: FAILED/m.test(run.log), 'the kernel read the user page');
  check(run, run.exitCode === EXIT_FAILURE, `QEMU exit status ${run.exitCode}, expected ${EXIT_FAILURE} (the exception report)`);
});

// test=smep (kernel/smaptest.ts testSmep): the kernel calls a user page
// holding a `ret`; SMEP must stop the fetch: #PF error 0x11 (present,
// instruction fetch, supervisor), CR2 = the user page.
test('test=smep: the kernel executing a user page faults (SMEP)', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntilExit({ iso: buildPath('test-smep.iso'), config: BOOT_MATRIX[0] });
  expectInLog(run, /^protections: .*\bsmep\b/m, 'SMEP on in the protections line');
  const announce = expectInLog(run, /^test=smep: SMEP on; the kernel calls user page 0x0000000000400000: this must fault$/m, 'the kernel announcing the call');
  const head = expectInLog(run, /^EXCEPTION 14 #PF page fault err=0x([0-9a-f]{16})$/m, 'a page fault report');
  check(run, announce.index! < head.index!, 'the fault came before the call');
  check(run, (BigInt(`0x${head[1]}`) & 0b11111n) === 0x11n, `error code 0x${head[1]}: expected 0x11 (present, fetch, supervisor)`);
  const cr2 = run.log.slice(head.index!).match(/CR2=0x([0-9a-f]{16})/);
  check(run, cr2 !== null && BigInt(`0x${cr2[1]}`) === 0x400000n, `CR2 ${cr2?.[1]}: expected the user page 0x400000`);
  check(run, !/^test=smep: FAILED/m.test(run.log), 'the kernel executed the user page');
  check(run, run.exitCode === EXIT_FAILURE, `QEMU exit status ${run.exitCode}, expected ${EXIT_FAILURE}`);
});
