// timer.test.ts - the interrupt hardware on QEMU's machines. build/test-timer.iso
// boots with "test=timer" (kernel/timertest.ts): ACPI/MADT, the I/O APIC
// routing read back, the local APIC timer calibrated against the HPET (or,
// with QEMU's hpet=off, the PIT) and run at 100 Hz with interrupts on in
// the kernel (50 ticks), then the PIT on ISA IRQ 0 through the I/O APIC
// (GSI 2 by QEMU's override). Machines without the 8254 PIT and the 8259s
// (pit=off, pic=off, as many recent PCs) calibrate on the HPET and still
// preempt (build/preempt.iso's spinners take turns).
// build/test-pictimer.iso does the 8259 + PIT fallback. With -icount the
// guest's clocks are exact, so the figures are checked tightly: QEMU's
// APIC timer runs at 1 GHz / 16 = 62500 counts per ms, and the TSC then
// ticks once per instruction (1 GHz). Without -icount a loaded host can
// delay (and coalesce) ticks, so there only the calibration, which reads
// its clocks in pairs and does not mind, is checked closely.

import { describe, test } from 'vitest';
import { type BootResult, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

// What calibrated the APIC timer, and which clocks the test measured the TSC on.
type Clocks = { hpet: boolean; pit: boolean };
const BOTH: Clocks = { hpet: true, pit: true };

const UNTIL = /test=(?:pic)?timer: (?:passed|FAILED.*)$|^PANIC/m;
const TIMEOUT = DEFAULT_TIMEOUT_MS + 60_000;
// Firmware under -icount busy-waits in guest time: ~40 s on an idle host,
// 90 s seen on a loaded one.
const ICOUNT_TIMEOUT = DEFAULT_TIMEOUT_MS + 180_000;

function within(run: BootResult, value: number, expected: number, tolerance: number, what: string): void {
  check(run, Math.abs(value - expected) <= expected * tolerance,
    `${what}: ${value}, expected ${expected} +- ${tolerance * 100}%`);
}

// The lines every passing run has; returns the figures.
function common(run: BootResult, mode: 'timer' | 'pictimer', clocks: Clocks = BOTH) {
  check(run, !/FAILED|^PANIC|^EXCEPTION/m.test(run.log), 'the timer test reported a failure');
  expectInLog(run, new RegExp(`^test=${mode}: passed$`, 'm'), 'the pass line');
  expectInLog(run, /^acpi: RSDP rev \d+ at 0x[0-9a-f]{8} \(tag 1[45]\), [RX]SDT at 0x[0-9a-f]{8} \(\d+ tables\), MADT: 1 CPU, 1 I\/O APIC, 5 overrides, 1 NMI, LAPIC 0xfee00000; FADT at 0x[0-9a-f]{8}$/m, 'the acpi summary');
  const ticks = expectInLog(run, new RegExp(`^test=${mode}: (\\d+) ticks on vector (\\d+) in (\\d+) ms by the TSC \\(expected 500 ms\\), uptime (\\d+) ms$`, 'm'), 'the tick count');
  const byPit = run.log.match(new RegExp(`^test=${mode}: TSC (\\d+) ticks/ms by PIT channel 2$`, 'm'));
  const byHpet = run.log.match(new RegExp(`^test=${mode}: TSC (\\d+) ticks/ms by the HPET$`, 'm'));
  check(run, !!byPit === clocks.pit, clocks.pit ? 'no TSC rate by PIT channel 2' : 'a TSC rate by a PIT that should not exist');
  check(run, !!byHpet === clocks.hpet, clocks.hpet ? 'no TSC rate by the HPET' : 'a TSC rate by an HPET that should not exist');
  const hpetLine = /^hpet: at 0xfed00000, 100000000 Hz \(10000000 fs\), 64-bit, 3 timers$/m;
  check(run, hpetLine.test(run.log) === clocks.hpet, clocks.hpet ? 'no (or a different) hpet: line' : 'an hpet: line with hpet=off');
  if (byPit && byHpet) within(run, Number(byPit[1]), Number(byHpet[1]), 0.01, 'TSC rate by the PIT vs. by the HPET');
  const tsc = byHpet ?? byPit!;
  return { ticks: Number(ticks[1]), vector: Number(ticks[2]), ms: Number(ticks[3]), uptime: Number(ticks[4]), tscPerMs: Number(tsc[1]) };
}

// The "timer:" line of the calibration: the APIC timer's counts per ms and the TSC's ticks per ms.
function calibration(run: BootResult, clocks: Clocks) {
  const by = clocks.hpet ? 'HPET 100000000 Hz' : 'PIT channel 2';
  const cal = expectInLog(run, new RegExp(`^timer: local APIC, (\\d+) counts/ms \\(divide 16, ${by}, spread (\\d+)\\), TSC (\\d+) ticks/ms; 100\\.000 Hz on vector 0xf0$`, 'm'), `the calibration on the ${clocks.hpet ? 'HPET' : 'PIT'}`);
  return { counts: Number(cal[1]), tscPerMs: Number(cal[3]) };
}

function apicMode(run: BootResult, exact: boolean, clocks: Clocks = BOTH) {
  const f = common(run, 'timer', clocks);
  expectInLog(run, /^interrupts: local APIC id 0 at 0xfee00000, I\/O APIC at 0xfec00000 GSI 0-23, 8259 masked; IRQ n on vector 32 \+ n$/m, 'APIC mode');
  const cal = calibration(run, clocks);
  check(run, f.vector === 0xf0 && f.ticks === 50 && f.uptime === 500, 'ticks on vector 0xf0, 50 of them, 500 ms of uptime');
  // The calibration is robust to a loaded host (the clocks are read in
  // pairs), so it is checked closely even without -icount; on the HPET,
  // whose counter QEMU derives from the same clock as the APIC timer's,
  // to 0.1%, and exactly under -icount.
  if (exact && clocks.hpet) check(run, cal.counts === 62500, `APIC timer counts per ms on the HPET under -icount: ${cal.counts}, expected exactly 62500`);
  within(run, cal.counts, 62500, clocks.hpet ? 0.001 : 0.01, 'APIC timer counts per ms');
  within(run, cal.tscPerMs, f.tscPerMs, 0.01, 'TSC rate, calibration vs. the test\'s own measurement');
  if (clocks.pit) {
    const irq0 = expectInLog(run, /^test=timer: (\d+) IRQ 0 interrupts \(GSI 2\) in (\d+) ms$/m, 'IRQ 0 through the I/O APIC');
    check(run, Number(irq0[1]) === 10, '10 IRQ 0 interrupts');
    if (exact) within(run, Number(irq0[2]), 100, 0.1, 'time for 10 PIT interrupts at 100 Hz');
  } else {
    expectInLog(run, /^test=timer: no PIT, IRQ 0 not tested$/m, 'the IRQ 0 test skipped without a PIT');
  }
  if (exact) {
    within(run, f.tscPerMs, 1_000_000, 0.01, 'TSC ticks per ms under -icount');
    within(run, f.ms, 500, 0.05, 'time for 50 ticks at 100 Hz');
  }
  return f;
}

describe('interrupt hardware (test=timer, test=pictimer)', () => {
  test('q35, -cpu max, BIOS, -icount: local APIC timer calibrated on the HPET (exactly 62500 counts/ms), IRQ 0 through the I/O APIC', { timeout: ICOUNT_TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-timer.iso'), icount: true, until: UNTIL, timeoutMs: ICOUNT_TIMEOUT - 10_000 });
    apicMode(run, true);
  });

  test('q35, hpet=off: calibrated on PIT channel 2', { timeout: TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-timer.iso'), until: UNTIL, timeoutMs: TIMEOUT - 10_000, extraArgs: ['-machine', 'hpet=off'] });
    const f = apicMode(run, false, { hpet: false, pit: true });
    check(run, f.ms >= 400, `50 ticks in ${f.ms} ms: faster than 100 Hz`);
  });

  test('q35 without the 8254 PIT and the 8259s (pit=off, pic=off): calibrated on the HPET', { timeout: TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-timer.iso'), until: UNTIL, timeoutMs: TIMEOUT - 10_000, extraArgs: ['-machine', 'pit=off,pic=off'] });
    const f = apicMode(run, false, { hpet: true, pit: false });
    check(run, f.ms >= 400, `50 ticks in ${f.ms} ms: faster than 100 Hz`);
  });

  test('q35 without PIT and 8259s: two CPU-bound programs still take turns (preemption on the HPET-calibrated timer)', { timeout: TIMEOUT + 60_000 }, async () => {
    const done = /^process spin[ab]: exited with status \d+$[^]*^process spin[ab]: exited with status \d+$|^(EXCEPTION|PANIC)/m;
    const run = await bootUntil({ iso: buildPath('preempt.iso'), until: done, timeoutMs: TIMEOUT + 50_000, extraArgs: ['-machine', 'pit=off,pic=off'] });
    check(run, !/^(EXCEPTION|PANIC)/m.test(run.log) && !/FAILED/.test(run.log), 'an exception, panic or failure report');
    calibration(run, { hpet: true, pit: false });
    const rounds = [...run.log.matchAll(/^spin([ab]): round (\d+) of (\d+), registers intact$/gm)];
    const order = rounds.map((m) => m[1]).join('');
    const total = Number(rounds[0]?.[3] ?? 0);
    check(run, total > 1 && order.split('a').length - 1 === total && order.split('b').length - 1 === total, `every round of both spinners: ${order}`);
    // Interleaved: each one's first round ends before the other's last.
    check(run, order.indexOf('a') < order.lastIndexOf('b') && order.indexOf('b') < order.lastIndexOf('a'), `the spinners did not take turns: ${order}`);
  });

  // Firmware under -icount is slow (above), so only the first run uses
  // it; the others check the timing loosely.
  test('pc (i440FX), -cpu qemu64 (no x2APIC), BIOS: the same', { timeout: TIMEOUT }, async () => {
    const run = await bootUntil({
      iso: buildPath('test-timer.iso'), until: UNTIL, timeoutMs: TIMEOUT - 10_000,
      extraArgs: ['-machine', 'pc', '-cpu', 'qemu64'],
    });
    const features = expectInLog(run, /^cpu features: (.*)$/m, 'the cpu features line');
    check(run, /\bapic\b/.test(features[1]) && !/x2apic/.test(features[1]), 'a CPU with an APIC and without x2APIC');
    const f = apicMode(run, false);
    check(run, f.ms >= 400, `50 ticks in ${f.ms} ms: faster than 100 Hz`);
  });

  test('q35, UEFI: local APIC timer (no -icount: loose on the tick timing)', { timeout: TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-timer.iso'), config: { firmware: 'uefi', media: 'cd' }, until: UNTIL, timeoutMs: TIMEOUT - 10_000 });
    expectInLog(run, /^acpi: RSDP rev 2 at 0x[0-9a-f]{8} \(tag 15\), XSDT at /m, 'the ACPI 2.0 RSDP (tag 15) and the XSDT from OVMF');
    const f = apicMode(run, false);
    check(run, f.ms >= 400, `50 ticks in ${f.ms} ms: faster than 100 Hz`);
  });

  test('q35, BIOS, interrupts through the 8259s: the PIT on IRQ 0', { timeout: TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-pictimer.iso'), until: UNTIL, timeoutMs: TIMEOUT - 10_000 });
    const f = common(run, 'pictimer');
    expectInLog(run, /^interrupts: 8259 PIC, IRQ n on vector 32 \+ n \(interrupts=pic\)$/m, '8259 mode');
    expectInLog(run, /^timer: PIT on IRQ 0; 99\.998 Hz on vector 0x20$/m, 'the PIT timer line');
    check(run, f.vector === 32 && f.ticks === 50, 'ticks on vector 32, 50 of them');
    check(run, f.ms >= 400, `50 ticks in ${f.ms} ms: faster than 100 Hz`);
  });
});
