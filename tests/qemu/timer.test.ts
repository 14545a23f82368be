// timer.test.ts - the interrupt hardware on QEMU's machines. build/test-timer.iso
// boots with "test=timer" (kernel/timertest.ts): ACPI/MADT, the I/O APIC
// routing read back, the local APIC timer calibrated against the PIT and
// run at 100 Hz with interrupts on in the kernel (50 ticks), then the PIT
// on ISA IRQ 0 through the I/O APIC (GSI 2 by QEMU's override).
// build/test-pictimer.iso does the 8259 + PIT fallback. With -icount the
// guest's clocks are exact, so the figures are checked tightly: QEMU's
// APIC timer runs at 1 GHz / 16 = 62500 counts per ms, and the TSC then
// ticks once per instruction (1 GHz). Without -icount a loaded host can
// delay (and coalesce) ticks, so there only the calibration, which reads
// its clocks in pairs and does not mind, is checked closely.

import { describe, test } from 'vitest';
import { type BootResult, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, expectInLog } from './qemu';

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
function common(run: BootResult, mode: 'timer' | 'pictimer') {
  check(run, !/FAILED|^PANIC|^EXCEPTION/m.test(run.log), 'the timer test reported a failure');
  expectInLog(run, new RegExp(`^test=${mode}: passed$`, 'm'), 'the pass line');
  expectInLog(run, /^acpi: RSDP rev \d+ at 0x[0-9a-f]{8} \(tag 1[45]\), [RX]SDT at 0x[0-9a-f]{8} \(\d+ tables\), MADT: 1 CPU, 1 I\/O APIC, 5 overrides, 1 NMI, LAPIC 0xfee00000; FADT at 0x[0-9a-f]{8}$/m, 'the acpi summary');
  const ticks = expectInLog(run, new RegExp(`^test=${mode}: (\\d+) ticks on vector (\\d+) in (\\d+) ms by the TSC \\(expected 500 ms\\), uptime (\\d+) ms$`, 'm'), 'the tick count');
  const tsc = expectInLog(run, new RegExp(`^test=${mode}: TSC (\\d+) ticks/ms by PIT channel 2$`, 'm'), 'the TSC rate');
  return { ticks: Number(ticks[1]), vector: Number(ticks[2]), ms: Number(ticks[3]), uptime: Number(ticks[4]), tscPerMs: Number(tsc[1]) };
}

function apicMode(run: BootResult, exact: boolean) {
  const f = common(run, 'timer');
  expectInLog(run, /^interrupts: local APIC id 0 at 0xfee00000, I\/O APIC at 0xfec00000 GSI 0-23, 8259 masked; IRQ n on vector 32 \+ n$/m, 'APIC mode');
  const cal = expectInLog(run, /^timer: local APIC, (\d+) counts\/ms \(divide 16, PIT channel 2, spread (\d+)\), TSC (\d+) ticks\/ms; 100\.000 Hz on vector 0xf0$/m, 'the calibration');
  const irq0 = expectInLog(run, /^test=timer: (\d+) IRQ 0 interrupts \(GSI 2\) in (\d+) ms$/m, 'IRQ 0 through the I/O APIC');
  check(run, f.vector === 0xf0 && f.ticks === 50 && f.uptime === 500, 'ticks on vector 0xf0, 50 of them, 500 ms of uptime');
  // The calibration is robust to a loaded host (the clocks are read in
  // pairs), so it is checked closely even without -icount.
  within(run, Number(cal[1]), 62500, 0.01, 'APIC timer counts per ms');
  within(run, Number(cal[3]), f.tscPerMs, 0.01, 'TSC rate, calibration vs. the test\'s own measurement');
  check(run, Number(irq0[1]) === 10, '10 IRQ 0 interrupts');
  if (exact) {
    within(run, f.tscPerMs, 1_000_000, 0.01, 'TSC ticks per ms under -icount');
    within(run, f.ms, 500, 0.05, 'time for 50 ticks at 100 Hz');
    within(run, Number(irq0[2]), 100, 0.1, 'time for 10 PIT interrupts at 100 Hz');
  }
  return f;
}

describe('interrupt hardware (test=timer, test=pictimer)', () => {
  test('q35, -cpu max, BIOS, -icount: local APIC timer and IRQ 0 through the I/O APIC at the calibrated rate', { timeout: ICOUNT_TIMEOUT }, async () => {
    const run = await bootUntil({ iso: buildPath('test-timer.iso'), icount: true, until: UNTIL, timeoutMs: ICOUNT_TIMEOUT - 10_000 });
    apicMode(run, true);
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
