// user.test.ts - the user programs of the normal boot (build/os.iso; each a
// GRUB module of every ISO): servers/hello and servers/trap are
// AssemblyScript compiled by wasmc --target=user, servers/bye is NASM.
//   hello: writes by debug_write (servers/lib/print.ts); debug_write refuses
//          a kernel pointer (a raw system call), one past its linear
//          memory and a range that runs over its end; null system calls
//          timed with rdtsc; memory.grow through the memory_grow system
//          call (fresh zeroed pages, growing past the maximum refused); then
//          a read past the end of its linear memory: its page fault is
//          reported as the Wasm trap it is, the thread stopped, the kernel
//          goes on.
//   trap:  executes `unreachable`: the kernel reports the Wasm trap by
//          name and stops it.
//   bye:   a line by debug_putc, then exit with status 3.
// Under -icount shift=0 the program's rdtsc counts guest instructions: the
// null system call's round trip is printed (and logged here).

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, Qemu, buildPath, check, expectInLog } from './qemu';

const LAST = [
  /^process hello: wasm trap: out of bounds memory access at rip 0x[0-9a-f]+, stopped$/m,
  /^process trap: wasm trap: unreachable at rip 0x[0-9a-f]+, stopped$/m,
  /^process bye: exited with status 3$/m,
];

// The whole boot with every program, under -icount and maybe beside another
// QEMU: give it room.
const WAIT_MS = 2 * DEFAULT_TIMEOUT_MS;

test('hello (TypeScript) runs in user mode; trap\'s and hello\'s Wasm traps are reported, the kernel goes on', { timeout: WAIT_MS + 60_000 }, async () => {
  const qemu = new Qemu({ iso: buildPath('os.iso'), config: BOOT_MATRIX[0], icount: true });
  const until = Date.now() + WAIT_MS;
  try {
    for (const p of LAST) await qemu.waitFor(new RegExp(`${p.source}|^(EXCEPTION|PANIC)`, 'm'), Math.max(1000, until - Date.now()));
  } finally {
    await qemu.stop();
  }
  const run = qemu.result();
  check(run, !/^(EXCEPTION|PANIC)/m.test(run.log), 'an exception or panic report: a user fault must not reach the kernel\'s report');
  check(run, !/FAILED|bad ELF image|abort:/.test(run.log), 'a user program reported a failure');
  expectInLog(run, /^process hello: entry 0x40[0-9a-f]+, address space 0x[0-9a-f]+$/m, 'the program being started');
  const hello = expectInLog(run, /^hello from user space$/m, 'the greeting, written by debug_write');
  const checks = expectInLog(run, /^hello: debug_write refused a kernel, an unmapped and an overlong pointer$/m, 'the pointer checks');
  const nul = expectInLog(run, /^hello: null syscall: (\d+) ticks per call \((\d+) for (\d+) calls\)$/m, 'the null system call timing');
  const grow = expectInLog(run, /^hello: memory\.grow: (\d+) -> (\d+) pages, new pages zeroed and writable, growing past the maximum refused$/m, 'memory.grow');
  check(run, Number(grow[2]) === Number(grow[1]) + 2, 'memory.grow by 2 pages');
  const past = expectInLog(run, /^hello: reading past the end of linear memory at 0x([0-9a-f]+)$/m, 'the announced out-of-bounds read');
  const fault = expectInLog(run, LAST[0], 'the out-of-bounds read reported as a Wasm trap');
  check(run, hello.index! < checks.index! && checks.index! < nul.index! && nul.index! < grow.index! &&
    grow.index! < past.index! && past.index! < fault.index!, 'hello\'s lines out of order');
  const trapSays = expectInLog(run, /^trap: executing unreachable$/m, 'the trap program\'s line');
  const trapped = expectInLog(run, LAST[1], 'the Wasm trap report');
  check(run, trapSays.index! < trapped.index!, 'the trap reported before the program ran');
  expectInLog(run, /^bye: registers survive system calls, exiting with status 3$/m, 'the NASM program\'s line');
  expectInLog(run, LAST[2], 'the exit system call');
  const perCall = Number(nul[1]);
  check(run, perCall > 10 && perCall < 1000, `implausible null system call figure ${perCall}`);
  console.log(`null system call round trip (guest instructions, incl. the stub call and the loop): ${perCall}`);
});
