// apic.ts — the local APIC of the (one) CPU, in xAPIC mode (registers in
// memory, 4 KiB at IA32_APIC_BASE; x2APIC is not used).
//
// lapicInit(): the APIC must exist (cpuid 1 EDX bit 9). Firmware may hand
// over in x2APIC mode (some UEFI machines); x2APIC cannot go straight back
// to xAPIC, so it is disabled first, then enabled in xAPIC mode (this also
// resets it). Then: registers uncached (mmio.ts), task priority 0, the
// spurious-interrupt vector 0xFF with the software-enable bit, error and
// timer LVTs masked, LINT0 masked (the 8259s are not used through it: the
// I/O APICs deliver), LINT1 as the MADT says (NMI, usually).
//
// Timer: the APIC timer counts down the bus/core crystal clock divided by
// 16. lapicCalibrate() runs it one-shot over five ~10 ms windows of the
// PIT (pit.ts: a free-running channel read back, with the APIC timer and
// the TSC read right next to it at both ends) and keeps the median count
// per millisecond, and the TSC's rate from the same windows;
// lapicTimerPeriodic(hz) then reloads it for `hz` interrupts per second
// on LAPIC_TIMER_VECTOR.

import { rdmsr, wrmsr, rdtsc, cpuid, phys_read32, phys_write32 } from "./x86";
import { cpuHas, cpuMaxLeaf, CPU_APIC, CPU_MSR } from "./cpu";
import { inDirectMap } from "./memlayout";
import { mmioUncached } from "./mmio";
import { lapicNmiFlags, lapicNmiPin, lapicNmiUid, madtLapicNmiCount, madtProcessorUid, INTI_ACTIVE_LOW } from "./acpi";
import { pitCh2Off, pitElapsed, pitFreeRun, pitRead, pitStop, pitTicksFor, pitTrack, pitTrackStart, pitWaitTicks,
  pitDead, PIT_WINDOW_TRIES } from "./pit";

export const LAPIC_TIMER_VECTOR: u32 = 0xF0;
export const LAPIC_SPURIOUS_VECTOR: u32 = 0xFF;

const MSR_APIC_BASE: u32 = 0x1B;
const APIC_BASE_EXTD: u64 = 1 << 10;           // x2APIC mode
const APIC_BASE_EN: u64 = 1 << 11;             // global enable
const APIC_BASE_ADDR: u64 = 0x000F_FFFF_FFFF_F000;

// Register offsets.
const REG_ID: u64 = 0x20;
const REG_VERSION: u64 = 0x30;
const REG_TPR: u64 = 0x80;
const REG_EOI: u64 = 0xB0;
const REG_SVR: u64 = 0xF0;
const REG_ESR: u64 = 0x280;
const REG_LVT_TIMER: u64 = 0x320;
const REG_LVT_LINT0: u64 = 0x350;
const REG_LVT_LINT1: u64 = 0x360;
const REG_LVT_ERROR: u64 = 0x370;
const REG_TIMER_INIT: u64 = 0x380;
const REG_TIMER_CUR: u64 = 0x390;
const REG_TIMER_DIV: u64 = 0x3E0;

const SVR_ENABLE: u32 = 1 << 8;
const LVT_MASKED: u32 = 1 << 16;
const LVT_NMI: u32 = 4 << 8;
const LVT_ACTIVE_LOW: u32 = 1 << 13;
const TIMER_PERIODIC: u32 = 1 << 17;
const TIMER_DIV_16: u32 = 3;

export const CALIBRATION_US: u32 = 10_000;     // one window: 10 ms
const CALIBRATION_RUNS: i32 = 5;

export let lapicPhys: u64 = 0;                 // 0: not in use
export let lapicId: u32 = 0;
export let lapicVersion: u32 = 0;
export let lapicWasX2apic = false;             // the firmware left it in x2APIC mode
export let lapicTicksPerMs: u32 = 0;           // timer counts per ms at divide 16 (0: not calibrated)
export let tscPerMs: u64 = 0;                  // TSC ticks per ms, from the same windows
export let calibrationSpread: u32 = 0;         // max - min of the runs, in timer counts
export let calibrationMethod: u32 = 0;         // 2 or 0: the PIT channel used (pit.ts); 15: cpuid leaf 0x15

export function lapicRead(reg: u64): u32 {
  return phys_read32(lapicPhys + reg);
}

export function lapicWrite(reg: u64, value: u32): void {
  phys_write32(lapicPhys + reg, value);
}

// Enable the local APIC (see the top of this file); its address is the
// CPU's own (IA32_APIC_BASE), which the MADT's normally agrees with.
// Returns false when there is no usable local APIC.
export function lapicInit(): bool {
  lapicPhys = 0;
  if (!cpuHas(CPU_APIC) || !cpuHas(CPU_MSR)) return false;
  let msr = rdmsr(MSR_APIC_BASE);
  if (msr & APIC_BASE_EXTD) {
    lapicWasX2apic = true;
    msr &= ~(APIC_BASE_EXTD | APIC_BASE_EN);
    wrmsr(MSR_APIC_BASE, msr);               // disabled; enabled below in xAPIC mode
  }
  if ((msr & APIC_BASE_EN) == 0) {
    msr |= APIC_BASE_EN;
    wrmsr(MSR_APIC_BASE, msr);
  }
  const base = msr & APIC_BASE_ADDR;
  if (base == 0 || !inDirectMap(base, 0x1000)) return false;
  lapicPhys = base;
  mmioUncached(base);
  lapicId = lapicRead(REG_ID) >> 24;
  lapicVersion = lapicRead(REG_VERSION);
  lapicWrite(REG_TPR, 0);
  lapicWrite(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
  lapicWrite(REG_LVT_ERROR, LVT_MASKED | 0xFE);
  lapicWrite(REG_LVT_LINT0, LVT_MASKED);
  lapicWrite(REG_LVT_LINT1, lint1Setting());
  lapicWrite(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
  lapicWrite(REG_ESR, 0);                      // the ESR is cleared by writes
  lapicWrite(REG_ESR, 0);
  lapicEoi();                                  // anything the firmware left in service
  return true;
}

// LINT1: NMI as the MADT says for this processor (or all of them); with
// no MADT entry, the PC convention (LINT1 = NMI, edge, active high).
function lint1Setting(): u32 {
  const uid = madtProcessorUid(lapicId);
  for (let i = 0; i < madtLapicNmiCount; i++) {
    const u = lapicNmiUid(i);
    if (u != 0xFFFF_FFFF && <i64>u != uid) continue;
    if (lapicNmiPin(i) != 1) continue;
    const low = (lapicNmiFlags(i) & 3) == INTI_ACTIVE_LOW;
    return LVT_NMI | (low ? LVT_ACTIVE_LOW : 0);
  }
  return LVT_NMI;
}

export function lapicEoi(): void {
  lapicWrite(REG_EOI, 0);
}

// One (TSC, PIT count, APIC timer count) sample read back to back, the
// tightest of three tries: sampleTsc, samplePit, sampleLapic.
let sampleTsc: u64 = 0;
let samplePit: u32 = 0;
let sampleLapic: u32 = 0;
function sample(ch: u32): void {
  let best: u64 = U64.MAX_VALUE;
  for (let i = 0; i < 3; i++) {
    const a = rdtsc();
    const p = pitRead(ch);
    const l = lapicRead(REG_TIMER_CUR);
    const b = rdtsc();
    if (b - a < best) {
      best = b - a;
      sampleTsc = a + (b - a) / 2;
      samplePit = p;
      sampleLapic = l;
    }
  }
}

// One calibration window on PIT channel `ch` (free-running): APIC timer
// counts per `pitTicks` PIT ticks, 0 when the PIT did not count or the
// window was spoilt. Leaves the TSC ticks of the window in `lastTsc`.
let lastTsc: u64 = 0;
function window(ch: u32, pitTicks: u32): u32 {
  lapicWrite(REG_TIMER_DIV, TIMER_DIV_16);
  lapicWrite(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);   // one-shot, masked
  lapicWrite(REG_TIMER_INIT, 0xFFFF_FFFF);
  sample(ch);
  const t0 = sampleTsc, l0 = sampleLapic;
  pitTrackStart(samplePit);
  let ok = pitWaitTicks(ch, pitTicks);
  sample(ch);
  ok = ok && pitTrack(samplePit);
  lapicWrite(REG_TIMER_INIT, 0);                // stop
  if (!ok || pitElapsed == 0 || sampleLapic == 0) return 0;
  // Scale to exactly pitTicks (the window overshoots by a poll or so).
  lastTsc = (sampleTsc - t0) * pitTicks / pitElapsed;
  return <u32>(<u64>(l0 - sampleLapic) * pitTicks / pitElapsed);
}

// Median of five windows (sorted in place, insertion sort).
const runs = memory.data(4 * CALIBRATION_RUNS, 4);
const tscRuns = memory.data(8 * CALIBRATION_RUNS, 8);

// Calibrate against the PIT, channel 2 first, channel 0 if that fails.
// Returns false when neither gave sane numbers (then lapicTicksPerMs = 0).
export function lapicCalibrate(): bool {
  lapicTicksPerMs = 0;
  tscPerMs = 0;
  if (lapicPhys == 0) return false;
  const pitTicks = pitTicksFor(CALIBRATION_US);
  for (let pass = 0; pass < 2; pass++) {
    const ch: u32 = pass == 0 ? 2 : 0;
    pitFreeRun(ch);
    let good = true;
    for (let i = 0; i < CALIBRATION_RUNS && good; i++) {
      // A spoilt window is tried again (a few times: a PIT that does not
      // count fails every try).
      let n = window(ch, pitTicks);
      for (let t = 1; n == 0 && !pitDead && t < PIT_WINDOW_TRIES; t++) n = window(ch, pitTicks);
      if (n < 100) good = false;               // under 10 kHz: nonsense
      store<u32>(runs + 4 * i, n);
      store<u64>(tscRuns + 8 * i, lastTsc);
    }
    if (ch == 2) pitCh2Off(); else pitStop();
    if (!good) continue;
    sortU32(runs, CALIBRATION_RUNS);
    sortU64(tscRuns, CALIBRATION_RUNS);
    const mid = CALIBRATION_RUNS / 2;
    const counts = load<u32>(runs + 4 * mid);
    calibrationSpread = load<u32>(runs + 4 * (CALIBRATION_RUNS - 1)) - load<u32>(runs);
    lapicTicksPerMs = <u32>((<u64>counts * 1000 + CALIBRATION_US / 2) / CALIBRATION_US);
    tscPerMs = (load<u64>(tscRuns + 8 * mid) * 1000 + CALIBRATION_US / 2) / CALIBRATION_US;
    calibrationMethod = ch;
    return lapicTicksPerMs != 0;
  }
  return crystalCalibrate();
}

// No PIT (some recent PCs gate it off): Intel's cpuid leaf 0x15 may name
// the core crystal clock, which is what the APIC timer counts (and the
// TSC's ratio to it). calibrationMethod 15 says so.
const cpuidOut = memory.data(16, 16);
function crystalCalibrate(): bool {
  if (cpuMaxLeaf < 0x15) return false;
  cpuid(0x15, 0, cpuidOut);
  const denom = <u64>load<u32>(cpuidOut);
  const numer = <u64>load<u32>(cpuidOut, 4);
  const hz = <u64>load<u32>(cpuidOut, 8);
  if (hz < 1_000_000) return false;            // not given (0), or nonsense
  lapicTicksPerMs = <u32>(hz / 16 / 1000);
  tscPerMs = denom != 0 && numer != 0 ? hz * numer / denom / 1000 : 0;
  calibrationSpread = 0;
  calibrationMethod = 15;
  return true;
}

function sortU32(a: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = load<u32>(a + 4 * i);
    let j = i - 1;
    while (j >= 0 && load<u32>(a + 4 * j) > v) { store<u32>(a + 4 * (j + 1), load<u32>(a + 4 * j)); j--; }
    store<u32>(a + 4 * (j + 1), v);
  }
}

function sortU64(a: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = load<u64>(a + 8 * i);
    let j = i - 1;
    while (j >= 0 && load<u64>(a + 8 * j) > v) { store<u64>(a + 8 * (j + 1), load<u64>(a + 8 * j)); j--; }
    store<u64>(a + 8 * (j + 1), v);
  }
}

// Periodic interrupts at `hz` on LAPIC_TIMER_VECTOR. Returns the exact
// rate in millihertz (0: not calibrated, or hz out of range).
export function lapicTimerPeriodic(hz: u32): u64 {
  if (lapicPhys == 0 || lapicTicksPerMs == 0 || hz == 0) return 0;
  const perSecond = <u64>lapicTicksPerMs * 1000;
  let count = (perSecond + hz / 2) / hz;
  if (count == 0) count = 1;
  if (count > 0xFFFF_FFFF) count = 0xFFFF_FFFF;
  lapicWrite(REG_TIMER_DIV, TIMER_DIV_16);
  lapicWrite(REG_LVT_TIMER, TIMER_PERIODIC | LAPIC_TIMER_VECTOR);
  lapicWrite(REG_TIMER_INIT, <u32>count);
  return perSecond * 1000 / count;
}

export function lapicTimerStop(): void {
  if (lapicPhys == 0) return;
  lapicWrite(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
  lapicWrite(REG_TIMER_INIT, 0);
}

export function lapicTimerCurrent(): u32 {
  return lapicRead(REG_TIMER_CUR);
}

export function lapicTimerLvt(): u32 {
  return lapicRead(REG_LVT_TIMER);
}
