// user.test.ts - the first user program (servers/hello) in the normal boot
// (build/os.iso, a GRUB module of every ISO) and servers/bye after it: the kernel checks and loads
// its ELF image, enters ring 3, serves its system calls (debug_write with
// pointer checks, null, yield), turns its read of a kernel address into a
// one-line report ("process hello: page fault at ..., stopped") instead of
// an exception report; then bye writes a line by debug_putc and exits
// by the exit system call; then the boot finishes.
// Under -icount shift=0 the program's rdtsc counts guest instructions: the
// null system call's round trip is printed (and logged here).

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

test('hello runs in user mode, its fault is reported, the kernel goes on', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntil({ iso: buildPath('os.iso'), config: BOOT_MATRIX[0], icount: true, until: /^boot complete$|EXCEPTION|PANIC/m });
  check(run, !/^(EXCEPTION|PANIC)/m.test(run.log), 'an exception or panic report: a user fault must not reach the kernel\'s report');
  check(run, !/FAILED|bad ELF image/.test(run.log), 'the user program reported a failure');
  const entry = expectInLog(run, /^process hello: entry 0x401000, address space 0x[0-9a-f]+$/m, 'the program being started');
  const hello = expectInLog(run, /^hello from user space$/m, 'the greeting, written by debug_write');
  expectInLog(run, /^hello: debug_write refused a kernel, an unmapped and an overlong pointer$/m, 'the pointer checks');
  const nul = expectInLog(run, /^hello: null syscall: (\d+) ticks per call \((\d+) for (\d+) calls\)$/m, 'the null system call timing');
  const fault = expectInLog(run,
    /^process hello: page fault at 0xffffffff80100000 \(user read, protection violation\) at rip 0x40[0-9a-f]+, stopped$/m,
    'the report of the user page fault');
  // The second program, in a fresh address space after hello's fault: debug_putc, then exit.
  const bye = expectInLog(run, /^bye: registers survive system calls, exiting with status 3$/m, 'the second program\'s line');
  const exit = expectInLog(run, /^process bye: exited with status 3$/m, 'the exit system call');
  const done = expectInLog(run, /^boot complete$/m, '"boot complete" after the user programs');
  check(run, entry.index! < hello.index! && hello.index! < nul.index! && nul.index! < fault.index! &&
    fault.index! < bye.index! && bye.index! < exit.index! && exit.index! < done.index!, 'out of order');
  const perCall = Number(nul[1]);
  check(run, perCall > 10 && perCall < 1000, `implausible null system call figure ${perCall}`);
  console.log(`null system call round trip (guest instructions, incl. 3 loop instructions): ${perCall}`);
});
