// pit.ts — the 8254 programmable interval timer (PIT), 1.193182 MHz.
//
// Two jobs: a known clock to calibrate the local APIC timer and the TSC
// against when there is no HPET (apic.ts, hpet.ts), and the periodic timer
// on ISA IRQ 0 when there is no local APIC (interrupts.ts). Some PCs have
// no PIT at all: every read then gives 0xFF bytes, a count that never
// moves, which the bounded waits below report as a dead PIT.
//
// Calibration reads a free-running channel back: channel 2 (gated by port
// 0x61, so nothing else is disturbed), or channel 0 when channel 2 does
// not count. The other clock (local APIC timer, TSC) is read right next
// to the PIT at both ends of a ~10 ms window, so time the CPU spends away
// in between (a descheduled virtual CPU under a loaded host) counts on
// both clocks alike and cancels out; only the few instructions of each
// pair of reads are uncertain. Every wait is bounded by a number of polls,
// so a missing or stuck PIT gives a failure, not a hang.

import { inb, outb, rdtsc } from "./x86";

export const PIT_HZ: u32 = 1193182;
const PIT_CH0: u16 = 0x40;
const PIT_CH2: u16 = 0x42;
const PIT_CMD: u16 = 0x43;
const PORT_B: u16 = 0x61;          // bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output

// A 10 ms wait is ~10^4 port reads on real hardware (~1 us each); allow
// a hundred times that before calling the PIT dead.
export const PIT_MAX_POLLS: u32 = 2_000_000;

// Ticks of the PIT in `us` microseconds.
export function pitTicksFor(us: u32): u32 {
  return <u32>((<u64>us * PIT_HZ + 500_000) / 1_000_000);
}

// Channel `ch` (0 or 2) free-running: mode 2 (rate generator) from 65536,
// counting down for ever. Channel 2 also needs its gate (port 0x61 bit
// 0) on; its speaker output stays off.
export function pitFreeRun(ch: u32): void {
  if (ch == 2) outb(PORT_B, (inb(PORT_B) & 0x0C) | 0x01);
  outb(PIT_CMD, <u8>((ch << 6) | 0x34));   // lobyte/hibyte, mode 2, binary
  const port: u16 = ch == 2 ? PIT_CH2 : PIT_CH0;
  outb(port, 0);
  outb(port, 0);                            // 0 = 65536
}

// Channel `ch`'s current count (latched, so both bytes belong together).
export function pitRead(ch: u32): u32 {
  outb(PIT_CMD, <u8>(ch << 6));             // counter latch command
  const port: u16 = ch == 2 ? PIT_CH2 : PIT_CH0;
  const lo = <u32>inb(port);
  const hi = <u32>inb(port);
  return lo | (hi << 8);
}

// Channel 2's gate off again (and the speaker kept off).
export function pitCh2Off(): void {
  outb(PORT_B, inb(PORT_B) & 0x0C);
}

// Elapsed-tick tracking over a free-running channel: feed it every count
// read; it adds the steps down (modulo 65536). A step of half the range
// or more means the reads were too far apart to tell (the CPU was away
// for 27 ms or more, e.g. a descheduled virtual CPU): pitTrack() says
// false and the measurement must be dropped.
export let pitElapsed: u32 = 0;
let pitLast: u32 = 0;

export function pitTrackStart(count: u32): void {
  pitElapsed = 0;
  pitLast = count;
}

export function pitTrack(count: u32): bool {
  const step = (pitLast - count) & 0xFFFF;
  if (step >= 0x8000) return false;
  pitElapsed += step;
  pitLast = count;
  return true;
}

// Poll channel `ch` until `ticks` have passed since pitTrackStart().
// False on a glitch or when it does not count (PIT_MAX_POLLS polls).
// pitDead: the count did not move for PIT_STUCK_POLLS polls in a row (a
// poll takes longer than a PIT tick, 0.84 us), so there is no use trying
// again. A gap of 27 ms or more between polls makes pitTrack() fail; one
// of 55 ms or more can hide a whole wrap of the counter and spoil the
// window without a trace (it then measures several times too much): the
// callers take the median of several windows, which such a rare outlier
// does not move.
export let pitDead = false;
const PIT_STUCK_POLLS: u32 = 20_000;
export function pitWaitTicks(ch: u32, ticks: u32): bool {
  pitDead = false;
  let still: u32 = 0;
  for (let i: u32 = 0; i < PIT_MAX_POLLS; i++) {
    const c = pitRead(ch);
    if (c == pitLast) {
      if (++still >= PIT_STUCK_POLLS) { pitDead = true; return false; }
    } else {
      still = 0;
    }
    if (!pitTrack(c)) return false;
    if (pitElapsed >= ticks) return true;
  }
  pitDead = true;
  return false;
}

// Attempts at one window before giving up (a loaded host spoils some).
export const PIT_WINDOW_TRIES: i32 = 8;

// The TSC's rate in ticks per ms: the median of three windows of `us`
// microseconds of PIT channel 2 (free-running); 0 when the PIT does not
// answer. Each end is a (TSC, PIT) pair read back to back, the tightest
// of three tries.
const tscWindows = memory.data(8 * 3, 8);
export function pitTscPerMs(us: u32): u64 {
  pitFreeRun(2);
  pitDead = false;
  let got = 0;
  for (let tries = 0; tries < 3 * PIT_WINDOW_TRIES && got < 3 && !pitDead; tries++) {
    const r = tscWindow(us);
    if (r != 0) store<u64>(tscWindows + 8 * got++, r);
  }
  pitCh2Off();
  if (got < 3) return 0;
  const a = load<u64>(tscWindows), b = load<u64>(tscWindows, 8), c = load<u64>(tscWindows, 16);
  return max(min(a, b), min(max(a, b), c));          // the median
}

function tscWindow(us: u32): u64 {
  let best: u64 = U64.MAX_VALUE;
  let t: u64 = 0;
  let p: u32 = 0;
  for (let i = 0; i < 3; i++) {
    const a = rdtsc();
    const c = pitRead(2);
    const b = rdtsc();
    if (b - a < best) { best = b - a; t = a + (b - a) / 2; p = c; }
  }
  pitTrackStart(p);
  let ok = pitWaitTicks(2, pitTicksFor(us));
  const a = rdtsc();
  const c = pitRead(2);
  const b = rdtsc();
  const end = a + (b - a) / 2;
  ok = ok && pitTrack(c);
  if (!ok || pitElapsed == 0) return 0;
  return (end - t) * PIT_HZ / (<u64>pitElapsed * 1000);
}

// Periodic interrupts on IRQ 0 at about `hz` (19..1193182): channel 0,
// mode 2. Returns the exact rate in millihertz (the divisor is an integer).
export function pitPeriodic(hz: u32): u64 {
  let div = (PIT_HZ + hz / 2) / hz;
  if (div < 1) div = 1;
  if (div > 0xFFFF) div = 0xFFFF;
  outb(PIT_CMD, 0x34);
  outb(PIT_CH0, <u8>(div & 0xFF));
  outb(PIT_CH0, <u8>(div >> 8));
  return <u64>PIT_HZ * 1000 / div;
}

// Stop channel 0's interrupts: mode 0 with count 0 raises the output once
// at the end and then stays quiet.
export function pitStop(): void {
  outb(PIT_CMD, 0x30);              // channel 0, lobyte/hibyte, mode 0
  outb(PIT_CH0, 0);
  outb(PIT_CH0, 0);
}
