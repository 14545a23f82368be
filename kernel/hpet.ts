// hpet.ts — the HPET (high precision event timer) as a clock to measure
// other clocks against: its main counter counts up at a rate the hardware
// states (femtoseconds per tick in the capabilities register), so unlike
// the PIT it needs no programming and, read as 32 bits, wraps only every
// 40 s or more. apic.ts calibrates the local APIC timer and the TSC
// against it first; the PIT is the fallback. Many recent PCs gate the PIT
// off or leave it out, while ACPI describes the HPET (the HPET table,
// acpi.ts); some firmware hides the HPET instead, so each covers the other.
//
// hpetInit(): the registers from the table, mapped uncached (mmio.ts); the
// period must be 0 < p <= 100 ns (the spec's limit: at least 10 MHz); the
// counter is started (ENABLE_CNF) with legacy replacement routing off, so
// the PIT keeps IRQ 0; the counter must then move. The comparators are not
// used. Every wait is bounded, so a dead HPET gives a failure, not a hang.

import { phys_read32, phys_write32, rdtsc } from "./x86";
import { acpiHasHpet, hpetBlockPhys } from "./acpi";
import { mmioUncached } from "./mmio";
import { print, printDec, printHex, println } from "./print";

const REG_CAP: u64 = 0x00;          // bits 31..0: id, revision, timers; 63..32: period (fs)
const REG_PERIOD: u64 = 0x04;
const REG_CONFIG: u64 = 0x10;
const REG_COUNTER: u64 = 0xF0;
const CAP_COUNT_64: u32 = 1 << 13;
const CONFIG_ENABLE: u32 = 1 << 0;
const CONFIG_LEGACY: u32 = 1 << 1;
const MAX_PERIOD_FS: u32 = 100_000_000;

// Polls before a wait or the start-up check calls the counter dead: a
// 10 ms window is ~10^4 reads on a real PC (~1 us each).
export const HPET_MAX_POLLS: u32 = 2_000_000;
const HPET_STUCK_POLLS: u32 = 20_000;

export let hpetPhys: u64 = 0;        // 0: no usable HPET
export let hpetPeriodFs: u32 = 0;    // femtoseconds per counter tick
export let hpet64 = false;           // a 64-bit main counter (only 32 bits are read)
export let hpetTimers: u32 = 0;      // comparators (not used)

// Find, check and start the HPET; prints one "hpet:" line when the ACPI
// tables name one. False when there is none or it does not work.
export function hpetInit(): bool {
  hpetPhys = 0;
  hpetPeriodFs = 0;
  if (!acpiHasHpet) return false;
  const base = hpetBlockPhys;
  mmioUncached(base);
  print("hpet: at ");
  printHex(base, 8);
  const cap = phys_read32(base + REG_CAP);
  const period = phys_read32(base + REG_PERIOD);
  if (period == 0 || period > MAX_PERIOD_FS) {
    print(": bad counter period ");
    printDec(period);
    println(" fs, not used");
    return false;
  }
  const config = phys_read32(base + REG_CONFIG);
  phys_write32(base + REG_CONFIG, (config & ~CONFIG_LEGACY) | CONFIG_ENABLE);
  hpetPhys = base;
  hpetPeriodFs = period;
  hpet64 = (cap & CAP_COUNT_64) != 0;
  hpetTimers = ((cap >> 8) & 0x1F) + 1;
  print(", ");
  printDec(hpetHz());
  print(" Hz (");
  printDec(period);
  print(" fs), ");
  print(hpet64 ? "64" : "32");
  print("-bit, ");
  printDec(hpetTimers);
  print(" timers");
  if (!hpetMoves()) {
    hpetPhys = 0;
    println(": the counter does not count, not used");
    return false;
  }
  println();
  return true;
}

// The counter's rate, Hz.
export function hpetHz(): u64 {
  return hpetPeriodFs == 0 ? 0 : (1_000_000_000_000_000 + <u64>hpetPeriodFs / 2) / <u64>hpetPeriodFs;
}

// The main counter's low 32 bits.
export function hpetRead(): u32 {
  return phys_read32(hpetPhys + REG_COUNTER);
}

function hpetMoves(): bool {
  const c = hpetRead();
  for (let i: u32 = 0; i < HPET_STUCK_POLLS; i++) if (hpetRead() != c) return true;
  return false;
}

// Counter ticks in `us` microseconds (at least 1).
export function hpetTicksFor(us: u32): u32 {
  const t = (<u64>us * 1_000_000_000 + <u64>hpetPeriodFs / 2) / <u64>hpetPeriodFs;
  return t == 0 ? 1 : t > 0x7FFF_FFFF ? 0x7FFF_FFFF : <u32>t;
}

// Nanoseconds of `ticks` counter ticks.
export function hpetNs(ticks: u64): u64 {
  return (ticks * <u64>hpetPeriodFs + 500_000) / 1_000_000;
}

// Poll until `ticks` have passed since the counter read `start`. False
// when it stops counting (HPET_STUCK_POLLS reads without a change) or
// takes more than HPET_MAX_POLLS reads.
export function hpetWaitTicks(start: u32, ticks: u32): bool {
  let last = start;
  let still: u32 = 0;
  for (let i: u32 = 0; i < HPET_MAX_POLLS; i++) {
    const c = hpetRead();
    if (c - start >= ticks) return true;
    if (c == last) {
      if (++still >= HPET_STUCK_POLLS) return false;
    } else {
      still = 0;
      last = c;
    }
  }
  return false;
}

// The TSC's rate in ticks per ms over one window of `us` microseconds
// (0 without an HPET). Each end is a (TSC, counter) pair read back to
// back, the tightest of three tries.
let pairTsc: u64 = 0;
let pairCount: u32 = 0;
function pair(): void {
  let best: u64 = U64.MAX_VALUE;
  for (let i = 0; i < 3; i++) {
    const a = rdtsc();
    const c = hpetRead();
    const b = rdtsc();
    if (b - a < best) { best = b - a; pairTsc = a + (b - a) / 2; pairCount = c; }
  }
}

export function hpetTscPerMs(us: u32): u64 {
  if (hpetPhys == 0) return 0;
  pair();
  const t0 = pairTsc, c0 = pairCount;
  if (!hpetWaitTicks(c0, hpetTicksFor(us))) return 0;
  pair();
  const ns = hpetNs(<u64>(pairCount - c0));
  return ns == 0 ? 0 : (pairTsc - t0) * 1_000_000 / ns;
}
