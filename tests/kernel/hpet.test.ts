// hpet.test.ts — kernel/hpet.ts (the HPET found through ACPI's HPET table,
// acpi.ts) as the local APIC timer's calibration clock, with the PIT as the
// fallback (apic.ts), and kernel/pat.ts (the PAT with a write-combining
// entry, and which device pages get it), on the simulated PC of pchw.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { MBI_PHYS, TestKernel } from "./harness";
import { Mb2Builder } from "./mb2";
import { HPET_BASE, PcMachine } from "./pchw";
import { qemuMadt, rsdpV1, rsdt, sdt } from "./acpitables";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileKernelWasm("tests/kernel/assembly/hw.ts"); }, 60_000);

const RSDT = 0x7fe1000, MADT = 0x7fe1200, HPET = 0x7fe1400;
const CAL_HPET = 8, CAL_PIT_CH2 = 2;

// An ACPI HPET table: event timer block id, then the base address as a
// generic address structure (space, width, offset, access size, address).
function hpetTable(opts: { base?: bigint; space?: number } = {}): Buffer {
  const body = Buffer.alloc(20);
  body.writeUInt32LE(0x8086a201, 0);
  body.writeUInt8(opts.space ?? 0, 4);
  body.writeUInt8(64, 5);
  body.writeBigUInt64LE(opts.base ?? HPET_BASE, 8);
  return sdt("HPET", body);
}

async function init(opts: { hpet?: Buffer | null; setup?: (m: PcMachine) => void; fb?: boolean } = {}) {
  const m = new PcMachine();
  m.addRam(0, 0x100000);
  opts.setup?.(m);
  const k = await TestKernel.load(binary, m);
  const mb = new Mb2Builder().cmdline("").tag(14, rsdpV1(RSDT));
  if (opts.fb) mb.framebuffer(0xfd000000n, 4096, 1024, 768, 32);
  m.place(MBI_PHYS, mb.end().build());
  m.place(RSDT, rsdt(opts.hpet === null ? [MADT] : [MADT, HPET]));
  m.place(MADT, qemuMadt());
  if (opts.hpet !== null) m.place(HPET, opts.hpet ?? hpetTable());
  expect(k.ex.parse(BigInt(MBI_PHYS))).toBe(1);
  k.ex.identifyCpu();
  k.ex.useCmdline(k.bytes(Buffer.alloc(0)), 0);
  const log = k.printed(() => k.ex.interruptsInit());
  return { k, ex: k.ex, m, log };
}

describe("HPET", () => {
  it("is found through the ACPI table, started with legacy routing off, and calibrates the APIC timer", async () => {
    const { k, ex, m, log } = await init({ setup: (m) => { m.hpetConfig = 2; } });   // firmware left legacy routing on
    expect(ex.hasHpetTable()).toBe(1);
    expect(ex.hpetBlock()).toBe(HPET_BASE);
    expect(log).toMatch(/^hpet: at 0xfed00000, 100000000 Hz \(10000000 fs\), 64-bit, 3 timers$/m);
    expect(m.hpetConfig).toBe(1);                       // enabled, legacy replacement off: the PIT keeps IRQ 0
    const line = k.printed(() => expect(ex.timerStart(100)).toBe(1)).trimEnd();
    expect(ex.calibrationMethod()).toBe(CAL_HPET);
    expect(Math.abs(ex.lapicTicksPerMs() - 62500)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(ex.tscPerMs()) - 2_500_000)).toBeLessThan(100);
    expect(line).toMatch(/^timer: local APIC, 6250\d counts\/ms \(divide 16, HPET 100000000 Hz, spread \d+\), TSC 2\d{6} ticks\/ms; 100\.000 Hz on vector 0xf0$/);
    expect(Math.abs(Number(ex.tscByHpet(10_000)) - 2_500_000)).toBeLessThan(100);
  });

  it("works without any PIT", async () => {
    const { ex } = await init({ setup: (m) => { m.pitCh2Works = false; m.pitCh0Works = false; m.portNs = 1; } });
    expect(ex.calibrate()).toBe(1);
    expect(ex.calibrationMethod()).toBe(CAL_HPET);
    expect(Math.abs(ex.lapicTicksPerMs() - 62500)).toBeLessThanOrEqual(1);
  });

  it("measures a slower HPET (14.318 MHz, the old ACPI timer crystal) right", async () => {
    const { ex, log } = await init({ setup: (m) => { m.hpetPeriodFs = 69_841_279; } });
    expect(log).toMatch(/^hpet: at 0xfed00000, 14318180 Hz \(69841279 fs\)/m);
    expect(ex.calibrate()).toBe(1);
    expect(Math.abs(ex.lapicTicksPerMs() - 62500)).toBeLessThanOrEqual(2);
  });

  it("falls back to the PIT when there is no HPET table", async () => {
    const { ex, log } = await init({ hpet: null });
    expect(ex.hasHpetTable()).toBe(0);
    expect(log).not.toMatch(/^hpet:/m);
    expect(ex.calibrate()).toBe(1);
    expect(ex.calibrationMethod()).toBe(CAL_PIT_CH2);
  });

  it("falls back to the PIT, without hanging, when the HPET's counter does not count", async () => {
    const { ex, log } = await init({ setup: (m) => { m.hpetCounts = false; } });
    expect(log).toMatch(/^hpet: at 0xfed00000, .*: the counter does not count, not used$/m);
    expect(ex.hpetPhys()).toBe(0n);
    expect(ex.calibrate()).toBe(1);
    expect(ex.calibrationMethod()).toBe(CAL_PIT_CH2);
  });

  it("rejects a bad period and bad tables", async () => {
    const zero = await init({ setup: (m) => { m.hpetPeriodFs = 0; } });
    expect(zero.log).toMatch(/^hpet: at 0xfed00000: bad counter period 0 fs, not used$/m);
    expect(zero.ex.hpetPhys()).toBe(0n);
    const io = await init({ hpet: hpetTable({ space: 1 }) });
    expect(io.log).toMatch(/^acpi: HPET at 0x07fe1400: registers not in memory space, ignored$/m);
    expect(io.ex.hasHpetTable()).toBe(0);
    const odd = await init({ hpet: hpetTable({ base: HPET_BASE + 0x10n }) });
    expect(odd.log).toMatch(/^acpi: HPET at 0x07fe1400: bad register address, ignored$/m);
    const short = await init({ hpet: sdt("HPET", Buffer.alloc(8)) });
    expect(short.log).toMatch(/^acpi: HPET at 0x07fe1400: too short, ignored$/m);
    expect(short.ex.calibrate()).toBe(1);
    expect(short.ex.calibrationMethod()).toBe(CAL_PIT_CH2);
  });
});

describe("PAT", () => {
  const PAT_MSR = 0x277, WC = 0x8n, UC = 0x18n;

  it("makes entry 1 write-combining, keeps WB in 0 and UC in 3, and maps only the framebuffer WC", async () => {
    const { ex, m } = await init({ fb: true, setup: (m) => { m.cpuid.get(1)![3] |= 1 << 16; } });
    expect(ex.patInit()).toBe(1);
    expect(m.msrWrites.filter(([r]) => r === PAT_MSR)).toEqual([[PAT_MSR, 0x0007040600070106n]]);
    expect(ex.deviceCacheBits(0xfd000000n)).toBe(WC);
    expect(ex.deviceCacheBits(0xfd000000n + 4096n * 768n - 4096n)).toBe(WC);   // the last page
    expect(ex.deviceCacheBits(0xfd000000n + 4096n * 768n)).toBe(UC);           // just past it
    expect(ex.deviceCacheBits(0xfcfff000n)).toBe(UC);
    expect(ex.deviceCacheBits(0xfebf0000n)).toBe(UC);                          // another device's registers
  });

  it("leaves everything uncached on a CPU without PAT", async () => {
    const { ex, m } = await init({ fb: true });
    expect(ex.patInit()).toBe(0);
    expect(m.msrWrites.filter(([r]) => r === PAT_MSR)).toEqual([]);
    expect(ex.deviceCacheBits(0xfd000000n)).toBe(UC);
  });
});
