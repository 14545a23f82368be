// preempt.test.ts - preemption by the timer. build/preempt.iso carries two
// CPU-bound programs, servers/spina and servers/spinb (servers/lib/spin.inc:
// they never yield or block, ROUNDS rounds of a busy loop each, every
// general register and xmm0/xmm1 checked after each round), and the IPC
// pair. Without preemption the first spinner would run all its rounds
// before the second started (or the IPC pair ran); with the timer's round
// robin their rounds interleave, no register (nor SSE state: lazy FPU
// switching) changes under them, and the IPC pair still completes.
// NMIs (QEMU monitor command `nmi`, through a monitor socket) while they
// run and once everything has finished (the idle loop) change nothing and
// are reported at the next interrupt ("NMI received, ignored (<n> so far)").

import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, Qemu, buildPath, check, expectInLog } from './qemu';

// One command to QEMU's human monitor on a unix socket.
function monitor(socket: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    c.on('error', reject);
    c.once('data', () => {            // the banner: the monitor is ready
      c.write(`${command}\n`);
      setTimeout(() => { c.end(); resolve(); }, 300);
    });
  });
}

const ROUNDS = 6;

test('two CPU-bound programs both make progress (timer preemption), registers intact, IPC pair still works, NMIs ignored', { timeout: DEFAULT_TIMEOUT_MS + 90_000 }, async () => {
  const socket = path.join(tmpdir(), `tsos-preempt-${process.pid}.sock`);
  const qemu = new Qemu({
    iso: buildPath('preempt.iso'), config: BOOT_MATRIX[0], icount: true,
    extraArgs: ['-monitor', `unix:${socket},server=on,wait=off`],
  });
  const FAIL = '|^(EXCEPTION|PANIC)';
  try {
    await qemu.waitFor(new RegExp(`^spin[ab]: round 1 ${FAIL}`, 'm'), DEFAULT_TIMEOUT_MS + 30_000);
    await monitor(socket, 'nmi');      // while the spinners run
    await qemu.waitFor(new RegExp(`^process spina: exited with status \\d+$[^]*^process spinb: exited with status \\d+$|^process spinb: exited with status \\d+$[^]*^process spina: exited with status \\d+$${FAIL}`, 'm'), 60_000);
    await monitor(socket, 'nmi');      // in the idle loop
    await qemu.waitFor(new RegExp(`^NMI received, ignored \\(2 so far\\)$${FAIL}`, 'm'), 30_000);
  } finally {
    await qemu.stop();
  }
  const run = qemu.result();
  check(run, !/^(EXCEPTION|PANIC)/m.test(run.log), 'an exception or panic report');
  check(run, !/FAILED/.test(run.log), 'a program reported a failure (a register changed under it?)');
  expectInLog(run, /^timer: .* on vector 0x[0-9a-f]+$/m, 'the timer being started');
  const done = expectInLog(run, /^boot complete$/m, '"boot complete"');
  const lines = (name: string) => [...run.log.matchAll(new RegExp(`^${name}: round (\\d+) of ${ROUNDS}, registers intact$`, 'gm'))];
  const a = lines('spina'), b = lines('spinb');
  check(run, a.length === ROUNDS && b.length === ROUNDS, `expected ${ROUNDS} rounds of each spinner, got ${a.length} and ${b.length}`);
  check(run, a.every((m, i) => Number(m[1]) === i + 1) && b.every((m, i) => Number(m[1]) === i + 1), 'rounds out of order');
  check(run, a[0].index! > done.index! && b[0].index! > done.index!, 'a spinner ran before "boot complete"');
  // Interleaved: each one's first round ends before the other's last.
  check(run, a[0].index! < b[ROUNDS - 1].index! && b[0].index! < a[ROUNDS - 1].index!, 'the spinners did not take turns: no preemption');
  expectInLog(run, /^process spina: exited with status 0$/m, 'spina\'s exit');
  expectInLog(run, /^process spinb: exited with status 0$/m, 'spinb\'s exit');
  expectInLog(run, /^ipc: call\+reply round trip: \d+ ticks \(\d+ for 1000 calls, all replies correct\)$/m, 'the IPC pair beside them');
  expectInLog(run, /^process ipcclient: exited with status 0$/m, 'the IPC client\'s exit');
  expectInLog(run, /^NMI received, ignored \(1 so far\)$/m, 'the first NMI\'s report');
  // Strictly alternating rounds are what a fair round robin gives here.
  const order = [...run.log.matchAll(/^spin([ab]): round \d+/gm)].map((m) => m[1]).join('');
  console.log(`preemption: rounds finished in the order ${order}`);
});
