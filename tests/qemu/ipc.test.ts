// ipc.test.ts - the IPC pair in the normal boot (build/os.iso): the kernel
// makes servers/ipcserver and servers/ipcclient processes (two address
// spaces), each with the shared endpoint capability in CNode slot 1
// (kernel/README.md, "IPC"), and schedules them with the other programs
// after "boot complete"; the client calls 1000 times with a label and four
// words in registers, checks every reply (from the server's reply_recv
// loop) and prints the round trip under -icount shift=0 (guest
// instructions per call + reply, including the client loop's checks), then
// exits; the server stays blocked in reply_recv.

import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

test('two processes talk by call / reply_recv on an endpoint', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntil({
    iso: buildPath('os.iso'), config: BOOT_MATRIX[0], icount: true,
    until: /^process ipcclient: exited with status \d+$|^ipc: FAILED|EXCEPTION|PANIC/m,
  });
  check(run, !/^(EXCEPTION|PANIC)/m.test(run.log), 'an exception or panic report');
  check(run, !/FAILED|^ipcserver: /m.test(run.log), 'the IPC pair reported a failure');
  const srv = expectInLog(run, /^process ipcserver: entry 0x401000, address space 0x[0-9a-f]+$/m, 'the server being loaded');
  const cli = expectInLog(run, /^process ipcclient: entry 0x401000, address space 0x[0-9a-f]+$/m, 'the client being loaded');
  check(run, srv[0] !== cli[0].replace('ipcclient', 'ipcserver'), 'server and client must have different address spaces');
  const done = expectInLog(run, /^boot complete$/m, '"boot complete" before the processes run');
  const rt = expectInLog(run, /^ipc: call\+reply round trip: (\d+) ticks \((\d+) for 1000 calls, all replies correct\)$/m, 'the round-trip line');
  const checks = expectInLog(run, /^ipc: error checks passed$/m, 'the IPC error checks (send, recv, reply, reply_save, wait, cap_* with their defined errors)');
  const exit = expectInLog(run, /^process ipcclient: exited with status 0$/m, 'the client\'s exit');
  check(run, srv.index! < cli.index! && cli.index! < done.index! && done.index! < rt.index! && rt.index! < checks.index! && checks.index! < exit.index!, 'out of order');
  const perCall = Number(rt[1]);
  check(run, perCall > 20 && perCall < 10000, `implausible round-trip figure ${perCall}`);
  console.log(`IPC call+reply round trip between two address spaces (guest instructions, incl. the client loop): ${perCall}`);
});
