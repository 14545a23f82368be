// shell.test.ts — the user-space system in QEMU (build/system.iso: the
// kernel starts only servers/init, which starts the ticker, the serial
// driver, the shell and flaky from its boot manifest). Over the serial
// port, like a user: boot to the prompt; every shell command with its
// expected output; line editing; crash the serial driver (bad pointer,
// divide by zero, endless loop -> the watchdog) while the shell is in use
// and check the restart was logged and the shell works again, and that
// the shell looked the driver up again by name (the next generation); bench
// with its shared memory vs copy table (servers/bulksink); ipctrace
// shows the shell's calls to the serial driver; flaky's
// crash loop ends with init giving up while the system stays responsive;
// poweroff ends QEMU.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPath, Qemu } from './qemu';

const ISO = buildPath('system.iso');
const PROMPT = 'tsos> ';

let q: Qemu;
let bootMs = 0;

// Wait until the log written after `mark` matches; returns that text.
function after(mark: number, pattern: RegExp, timeoutMs = 40_000): Promise<string> {
  return q.waitForAfter(mark, pattern, timeoutMs);
}

// Type a command line and wait for the next prompt; returns the output
// between the command's echo and that prompt.
function run(cmd: string, timeoutMs = 40_000): Promise<string> {
  return q.command(cmd, PROMPT, timeoutMs);
}

// The shared memory vs copy table of `bench`: per size (4 KiB, 64 KiB,
// 1 MiB) bytes per TSC tick by IPC copies and through shared memory.
function bulkTable(bench: string): { size: string; copy: number; shm: number }[] {
  expect(bench).toMatch(/^shared memory vs copy: bytes per TSC tick, to servers\/bulksink \(median of \d+; data checked at the receiver\)\nsize +IPC copies +shared memory\n/m);
  expect(bench).not.toMatch(/unavailable|FAILED|IPC failed/);
  return ['4 KiB', '64 KiB', '1 MiB'].map((size) => {
    const m = bench.match(new RegExp(`^${size} +(\\d+\\.\\d{3}) +(\\d+\\.\\d{3})$`, 'm'));
    expect(m, `bench row ${size}`).toBeTruthy();
    return { size, copy: Number(m![1]), shm: Number(m![2]) };
  });
}

beforeAll(async () => {
  const t0 = Date.now();
  q = new Qemu({ iso: ISO });
  await q.waitFor(PROMPT, 60_000);
  bootMs = Date.now() - t0;
  // flaky's crash loop runs during the boot; let it end before typing.
  await q.waitFor(/init: flaky: crash loop \(6 crashes within 5000 ms\), giving up/, 30_000);
  await new Promise((r) => setTimeout(r, 300));
}, 120_000);

afterAll(async () => { await q?.stop(); });

describe('system ISO: init, serial driver, shell', { timeout: 90_000 }, () => {
  it('boots to the shell prompt: init alone, then the servers from its manifest', () => {
    const log = q.log;
    expect(log).toMatch(/init: the only process the kernel starts/);
    expect(log).toMatch(/init: manifest: \d+ servers\n/);
    expect(log).toMatch(/init: serial: started \(instance 1, prio 200, thread \d+\)/);
    expect(log).toMatch(/init: shell: started \(instance 1, prio 100, thread \d+\)/);
    expect(log).toMatch(/serial: ready \(COM1, IRQ 4\)/);
    expect(log).toMatch(/shell: serial driver by name: generation 1\n/);   // init's name registry
    expect(log).toMatch(/tsos shell: type 'help' for the commands/);
    console.log(`system ISO: QEMU start to the shell prompt in ${(bootMs / 1000).toFixed(1)} s`);
  });

  it('help lists every command', async () => {
    const out = await run('help');
    for (const c of ['help', 'echo', 'ps', 'kill', 'crash', 'restart', 'mem', 'uptime', 'ipctrace', 'bench', 'reboot', 'poweroff']) {
      expect(out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
    expect(await run('help crash')).toBe('usage: crash <server> pointer|divzero|loop|invalid|stack|exit\n  make a server fault during its next request\n');
  });

  it('echo, and clear messages for unknown commands and bad arguments', async () => {
    expect(await run('echo hello   "big world"')).toBe('hello big world\n');
    expect(await run('frob')).toBe("'frob': unknown command (type 'help' for the list)\n");
    expect(await run('kill')).toBe('kill: missing argument\nusage: kill <server>\n');
    expect(await run('crash serial sideways')).toMatch(/^crash: unknown fault kind 'sideways' \(expected pointer, divzero, loop, invalid, stack or exit\)\n/);
    expect(await run('kill nosuch')).toBe("kill: no server 'nosuch' (see 'ps')\n");
    expect(await run('ps -a')).toBe('ps: too many arguments\nusage: ps\n');
  });

  it('edits the line: cursor keys, insertion, backspace, history', async () => {
    // "echo helo", left, insert "l" -> "echo hello"; a typo erased by backspace.
    expect(await run('echo helo\x1b[Dl')).toBe('hello\n');
    expect(await run('echo abcx\x7f')).toBe('abc\n');
    // Up arrow: the previous line again.
    expect(await run('\x1b[A')).toBe('abc\n');
    expect(await run('\x1b[A\x1b[A\x1b[B')).toBe('abc\n');
  });

  it('ps, mem, uptime, ipctrace, bench', async () => {
    const ps = await run('ps');
    expect(ps).toMatch(/^NAME +STATE +PRIO +INSTANCE +RESTARTS +CRASHES +THREAD\n/);
    expect(ps).toMatch(/^serial +receiving +200 +\d+ +\d+ +\d+ +\d+$/m);
    expect(ps).toMatch(/^shell +calling +100 +1 +0 +0 +\d+$/m);
    expect(ps).toMatch(/^flaky +failed +50 +6 +5 +6 +-$/m);
    expect(await run('mem')).toMatch(/^frames: \d+ total, \d+ used, \d+ free \(4 KiB each: \d+ MiB free of \d+ MiB\)\n$/);
    expect(await run('uptime')).toMatch(/^up \d+\.\d{3} s\n$/);
    // ipctrace: the shell's calls to the serial driver and the replies show on the console.
    const mark = q.log.length;
    expect(await run('ipctrace on')).toMatch(/ipctrace: on \(one console line per call, reply and fault\)\n$/);
    await run('echo traced');
    expect(await run('ipctrace off')).toMatch(/ipctrace: off\n$/);
    const traced = q.log.slice(mark);
    expect(traced).toMatch(/^ipc: call shell -> serial badge 0x[0-9a-f]+ label 32 len \d+$/m);   // L_WRITE
    expect(traced).toMatch(/^ipc: call shell -> serial badge 0x[0-9a-f]+ label 33 len 0$/m);      // L_READ
    expect(traced).toMatch(/^ipc: reply serial -> shell badge 0x0 label 0 len 4$/m);
    expect(traced).toMatch(/^ipc: call shell -> init badge 0x[0-9a-f]+ label 24 len 1$/m);        // ipctrace off
    const quiet = q.log.length;
    await run('echo quiet');
    expect(q.log.slice(quiet)).not.toMatch(/ipc: /);
    const bench = await run('bench');
    expect(bench).toMatch(/^null system call round trip +\d+$/m);
    expect(bench).toMatch(/^IPC call \+ reply round trip \(shell -> init\) +\d+$/m);
    expect(bench).toMatch(/^serial driver: crash -> next instance answers \d+ \(its restart backoff included\)$/m);
    expect(bench).toMatch(/^serial driver: restart -> next instance answers \d+ \(no backoff\)$/m);
    // Shared memory vs copy (servers/bulksink): every figure above 0, and
    // shared memory ahead of copying from 64 KiB on (by far: ~7x under -icount).
    for (const r of bulkTable(bench)) {
      expect(r.copy, r.size).toBeGreaterThan(0);
      expect(r.shm, r.size).toBeGreaterThan(0);
      if (r.size != '4 KiB') expect(r.shm, r.size).toBeGreaterThan(r.copy);
    }
  });

  it('a restarted serial driver is looked up again by name: the next generation, and the shell works', async () => {
    const instance = Number((await run('ps')).match(/^serial +\S+ +200 +(\d+) /m)![1]);
    const mark = q.log.length;
    await run('crash serial pointer');
    const log = await after(mark, /shell: serial driver lost.*; looked up again: generation (\d+)\n/);
    expect(log).toMatch(new RegExp(`init: serial: started \\(instance ${instance + 1},`));
    // The fault hit the driver during the shell's request (servers/lib/crash.ts):
    // the shell's call failed with DEAD_PARTNER (KErr 17), never an answer
    // from another instance; then the name again, one generation up.
    const lost = log.match(/shell: serial driver lost \(a call failed: error (\d+)\); looked up again: generation (\d+)\n/)!;
    expect(lost).toBeTruthy();
    expect(Number(lost[1])).toBe(17);
    expect(Number(lost[2])).toBe(instance + 1);
    expect(await run('echo after the lookup')).toBe('after the lookup\n');
    expect((await run('ps')).match(/^serial +\S+ +200 +(\d+) /m)![1]).toBe(String(instance + 1));
  });

  it('the serial driver crashes (bad pointer, divide by zero), is restarted, and the shell works again', async () => {
    let mark = q.log.length;
    await run('crash serial pointer');
    let log = await after(mark, /init: serial: started \(instance \d+/);
    // A page fault in the guard region, or the bounds check's trap when wasmc checks memory accesses.
    expect(log).toMatch(/init: serial: crashed: (page fault \(vector 14\) at rip 0x[0-9a-f]+, address 0x[0-9a-f]+|wasm trap \(out of bounds memory access\) at rip 0x[0-9a-f]+)\n/);
    expect(log).toMatch(/init: serial: restarting in \d+ ms \(restart \d+\)/);
    expect(await run('echo still here')).toBe('still here\n');
    mark = q.log.length;
    await run('crash serial divzero');
    log = await after(mark, /init: serial: started/);
    expect(log).toMatch(/init: serial: crashed: wasm trap \(integer divide by zero\) at rip 0x[0-9a-f]+/);
    expect(await run('echo again')).toBe('again\n');
  });

  it('a hung serial driver is killed by the watchdog and restarted', async () => {
    const mark = q.log.length;
    q.send('crash serial loop\r');
    const log = await after(mark, /init: serial: started \(instance \d+[\s\S]*\ntsos> /);
    expect(log).toMatch(/crash: spinning forever/);
    expect(log).toMatch(/init: serial: hung \(running without waiting for \d+ ms\), killing it/);
    expect(await run('echo after the hang')).toBe('after the hang\n');
  });

  it('kill and restart by name; the restart count shows in ps', async () => {
    const before = (await run('ps')).match(/^serial +\S+ +200 +(\d+) +(\d+)/m)!;
    const mark = q.log.length;
    expect(await run('kill serial')).toMatch(/killed 'serial' \(init restarts it as its policy says\)\n$/);
    expect(q.log.slice(mark)).toMatch(/init: serial: killed on request/);
    expect(await run('restart serial')).toMatch(/restarted 'serial'\n$/);
    const now = (await run('ps')).match(/^serial +\S+ +200 +(\d+) +(\d+)/m)!;
    expect(Number(now[1])).toBe(Number(before[1]) + 2);
    expect(Number(now[2])).toBe(Number(before[2]) + 2);
  });

  it('poweroff ends the machine', async () => {
    q.send('poweroff\r');
    const code = await q.waitForExit(20_000);
    expect(q.log).toMatch(/init: power off/);
    expect(code).toBe(0);
  });
});

// The figures of issue 5, under -icount shift=0 (the guest's TSC counts
// instructions): guest instructions from reset to the shell's first
// prompt, and from a crash of the serial driver to its next instance
// answering (the shell's bench command), plus the IPC figures.
describe('system ISO under -icount: figures', () => {
  it('boot to the prompt, bench, serial restart', async () => {
    const r = new Qemu({ iso: ISO, icount: true });   // (slow: -icount, and maybe a loaded host)
    try {
      const t0 = Date.now();
      const m = await r.waitFor(/shell: first prompt at TSC (\d+)\n/, 180_000);
      const wallMs = Date.now() - t0;
      await r.waitFor(/giving up/, 60_000);
      await r.waitFor(PROMPT, 30_000);
      const mark = r.log.length;
      r.send('bench\r');
      await r.waitFor(/^1 MiB +[\d.]+ +[\d.]+\n(?:[\s\S]*\n)?tsos> /m, 120_000);
      const bench = r.log.slice(mark);
      const nul = bench.match(/null system call round trip +(\d+)/)!;
      const ipc = bench.match(/IPC call \+ reply round trip \(shell -> init\) +(\d+)/)!;
      const restart = bench.match(/crash -> next instance answers (\d+)/)!;
      const restartNow = bench.match(/restart -> next instance answers (\d+)/)!;
      expect(nul && ipc && restart).toBeTruthy();
      // Bytes per guest instruction: a 64-word call moves 512 bytes for
      // ~3,000 instructions (0.16 in servers/kbench); shared memory costs a
      // load, a store and the loop per 8 bytes (~1.1), ahead at every size.
      const table = bulkTable(bench);
      for (const t of table) {
        expect(t.copy, t.size).toBeGreaterThan(0.05);
        expect(t.copy, t.size).toBeLessThan(1);
        expect(t.shm, t.size).toBeGreaterThan(0.3);
        expect(t.shm, t.size).toBeLessThan(8);
        expect(t.shm, t.size).toBeGreaterThan(t.copy);
      }
      console.log(`system ISO under -icount: reset to the first shell prompt ${Number(m[1]).toLocaleString('en')} guest instructions ` +
        `(wall ${(wallMs / 1000).toFixed(1)} s); null syscall ${nul[1]}; shell->init call round trip ${ipc[1]}; ` +
        `serial crash -> next instance answers ${Number(restart[1]).toLocaleString('en')} (20 ms backoff included); ` +
        `restart serial -> next instance answers ${Number(restartNow[1]).toLocaleString('en')}; ` +
        `bytes per guest instruction, IPC copies / shared memory: ${table.map((t) => `${t.size} ${t.copy} / ${t.shm}`).join(', ')}`);
    } finally {
      await r.stop();
    }
  }, 400_000);
});
