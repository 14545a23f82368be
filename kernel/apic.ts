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
// 16. lapicCalibrate() runs it one-shot over five ~10 ms windows of a
// reference clock, read with the APIC timer and the TSC right next to it
// at both ends, and keeps the median count per millisecond, and the TSC's
// rate from the same windows. The reference is the HPET when ACPI names a
// working one (hpet.ts: a stated rate, no programming, no wrap within a
// window, and present on PCs that gate or lack the 8254), else the PIT
// (pit.ts: channel 2 free-running, channel 0 when channel 2 does not
// count), else cpuid leaf 0x15's crystal clock. lapicTimerPeriodic(hz)
// then reloads the timer for `hz` interrupts per second on
// LAPIC_TIMER_VECTOR.

import { rdmsr, wrmsr, rdtsc, cpuid, phys_read32, phys_write32 } from "./x86";
import { cpuHas, cpuMaxLeaf, CPU_APIC, CPU_MSR } from "./cpu";
import { inDirectMap } from "./memlayout";
import { mmioUncached } from "./mmio";
import { lapicNmiFlags, lapicNmiPin, lapicNmiUid, madtLapicNmiCount, madtProcessorUid, INTI_ACTIVE_LOW } from "./acpi";
import { pitCh2Off, pitElapsed, pitFreeRun, pitRead, pitStop, pitTicksFor, pitTrack, pitTrackStart, pitWaitTicks,
  pitDead, PIT_HZ, PIT_WINDOW_TRIES } from "./pit";
import { hpetNs, hpetPhys, hpetRead, hpetTicksFor, hpetWaitTicks } from "./hpet";

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
export let calibrationMethod: u32 = 0;         // CAL_*: the reference clock used

// The reference clocks (calibrationMethod).
export const CAL_PIT_CH0: u32 = 0;
export const CAL_PIT_CH2: u32 = 2;
export const CAL_HPET: u32 = 8;
export const CAL_CPUID_15: u32 = 15;

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

// The reference clock's count now: the HPET's (up) or a PIT channel's (down).
@inline function refRead(src: u32): u32 {
  return src == CAL_HPET ? hpetRead() : pitRead(src);
}

// One (TSC, reference count, APIC timer count) sample read back to back,
// the tightest of three tries: sampleTsc, sampleRef, sampleLapic.
let sampleTsc: u64 = 0;
let sampleRef: u32 = 0;
let sampleLapic: u32 = 0;
function sample(src: u32): void {
  let best: u64 = U64.MAX_VALUE;
  for (let i = 0; i < 3; i++) {
    const a = rdtsc();
    const p = refRead(src);
    const l = lapicRead(REG_TIMER_CUR);
    const b = rdtsc();
    if (b - a < best) {
      best = b - a;
      sampleTsc = a + (b - a) / 2;
      sampleRef = p;
      sampleLapic = l;
    }
  }
}

// One calibration window of CALIBRATION_US on reference `src`: APIC timer
// counts per CALIBRATION_US, 0 when the reference did not count or the
// window was spoilt. Leaves the window's TSC ticks (per CALIBRATION_US)
// in `lastTsc`.
const WINDOW_NS: u64 = <u64>CALIBRATION_US * 1000;
let lastTsc: u64 = 0;
function window(src: u32): u32 {
  lapicWrite(REG_TIMER_DIV, TIMER_DIV_16);
  lapicWrite(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);   // one-shot, masked
  lapicWrite(REG_TIMER_INIT, 0xFFFF_FFFF);
  sample(src);
  const t0 = sampleTsc, l0 = sampleLapic, r0 = sampleRef;
  let ok: bool;
  let ns: u64 = 0;
  if (src == CAL_HPET) {
    ok = hpetWaitTicks(r0, hpetTicksFor(CALIBRATION_US));
    sample(src);
    ns = hpetNs(<u64>(sampleRef - r0));
  } else {
    pitTrackStart(r0);
    ok = pitWaitTicks(src, pitTicksFor(CALIBRATION_US));
    sample(src);
    ok = ok && pitTrack(sampleRef);
    ns = <u64>pitElapsed * 1_000_000_000 / PIT_HZ;
  }
  lapicWrite(REG_TIMER_INIT, 0);                // stop
  if (!ok || ns == 0 || sampleLapic == 0) return 0;
  // Scale to exactly CALIBRATION_US (the window overshoots by a poll or so).
  lastTsc = (sampleTsc - t0) * WINDOW_NS / ns;
  return <u32>(<u64>(l0 - sampleLapic) * WINDOW_NS / ns);
}

// Median of five windows (sorted in place, insertion sort).
const runs = memory.data(4 * CALIBRATION_RUNS, 4);
const tscRuns = memory.data(8 * CALIBRATION_RUNS, 8);

// Calibrate against the HPET (hpetInit() found one), else the PIT,
// channel 2 first, channel 0 if that fails, else cpuid leaf 0x15. Returns
// false when none gave sane numbers (then lapicTicksPerMs = 0).
export function lapicCalibrate(): bool {
  lapicTicksPerMs = 0;
  tscPerMs = 0;
  if (lapicPhys == 0) return false;
  if (hpetPhys != 0 && calibrateOn(CAL_HPET)) return true;
  for (let pass = 0; pass < 2; pass++) {
    const ch: u32 = pass == 0 ? CAL_PIT_CH2 : CAL_PIT_CH0;
    pitFreeRun(ch);
    const ok = calibrateOn(ch);
    if (ch == CAL_PIT_CH2) pitCh2Off(); else pitStop();
    if (ok) return true;
  }
  return crystalCalibrate();
}

// CALIBRATION_RUNS windows on reference `src`; the medians are the answer.
function calibrateOn(src: u32): bool {
  for (let i = 0; i < CALIBRATION_RUNS; i++) {
    // A spoilt window is tried again (a few times: a clock that does not
    // count fails every try).
    let n = window(src);
    for (let t = 1; n == 0 && (src == CAL_HPET || !pitDead) && t < PIT_WINDOW_TRIES; t++) n = window(src);
    if (n < 100) return false;                 // under 10 kHz: nonsense
    store<u32>(runs + 4 * i, n);
    store<u64>(tscRuns + 8 * i, lastTsc);
  }
  sortU32(runs, CALIBRATION_RUNS);
  sortU64(tscRuns, CALIBRATION_RUNS);
  const mid = CALIBRATION_RUNS / 2;
  const counts = load<u32>(runs + 4 * mid);
  calibrationSpread = load<u32>(runs + 4 * (CALIBRATION_RUNS - 1)) - load<u32>(runs);
  lapicTicksPerMs = <u32>((<u64>counts * 1000 + CALIBRATION_US / 2) / CALIBRATION_US);
  tscPerMs = (load<u64>(tscRuns + 8 * mid) * 1000 + CALIBRATION_US / 2) / CALIBRATION_US;
  calibrationMethod = src;
  return lapicTicksPerMs != 0;
}

// No PIT (some recent PCs gate it off): Intel's cpuid leaf 0x15 may name
// the core crystal clock, which is what the APIC timer counts (and the
// TSC's ratio to it). calibrationMethod CAL_CPUID_15 says so.
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
  calibrationMethod = CAL_CPUID_15;
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
