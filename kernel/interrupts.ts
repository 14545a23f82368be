// interrupts.ts — the interrupt hardware as the rest of the kernel sees it.
//
// interruptsInit() reads the ACPI tables (acpi.ts) and picks a mode:
//   INT_APIC: a local APIC (apic.ts) and at least one I/O APIC (ioapic.ts)
//             from the MADT. The 8259s are remapped to 0x20..0x2F and
//             masked for good (pic.ts); ISA IRQ n (its GSI and polarity /
//             trigger from the MADT's overrides, ISA default: active high,
//             edge) and every other GSI g >= 16 (PCI default: active low,
//             level) are routed, masked, to vector 32 + IRQ number, where the
//             IRQ number of GSI g >= 16 is g. The timer is the local APIC's,
//             calibrated against the HPET when ACPI has one (hpet.ts), else
//             the PIT (apic.ts), on vector 0xF0. Neither the 8259s nor the
//             PIT need to exist in this mode (the 8259 set-up writes go
//             nowhere on a PC without them).
//   INT_PIC:  no MADT, no I/O APIC or no local APIC, or `interrupts=pic` on
//             the command line: the 8259s at 0x20..0x2F (IRQ n on vector
//             32 + n) and the PIT on IRQ 0 as the timer.
// Either way vector 0xFF is the local APIC's spurious vector, and IRQ 2
// (the 8259 cascade) is never a device.
//
// MSI (APIC mode only): IRQs MSI_FIRST .. MSI_FIRST + MSI_COUNT - 1
// (IRQ_MSI_FIRST of the ABI table, vectors 224..239) are no I/O APIC
// input: a PCI device writes the message irqMsiMessage() describes (the
// PCI server programs it, servers/pci/msi.ts) straight to the local APIC.
// A message is an edge and cannot hold a line asserted, so these IRQs are
// never masked: each message is accepted, EOId and signalled (the
// notification coalesces them), and the driver's acknowledgement has
// nothing to unmask.
//
// The interrupt dispatcher (interrupt_dispatch, exec's) calls
// interruptAccept(vector) first: it counts timer ticks and sends every EOI
// there is to send, masks a device's line (unmasked again by irqUnmask when
// the driver acknowledges), recognises spurious interrupts, and says
// which case it was.

import { print, printDec, printHex, println } from "./print";
import { cmdlineFind, argValueIs } from "./cmdline";
import { acpiInit, acpiPrint, acpiHasMadt, madtIoapicCount, overrideFor, overrideGsi, overrideFlags,
  madtNmiCount, nmiGsi, nmiFlags, INTI_ACTIVE_LOW, INTI_LEVEL, INTI_POLARITY_MASK, INTI_TRIGGER_MASK,
  INTI_ACTIVE_HIGH, INTI_EDGE } from "./acpi";
import { lapicInit, lapicEoi, lapicCalibrate, lapicTimerPeriodic, lapicTimerStop, lapicPhys, lapicId,
  lapicTicksPerMs, tscPerMs, calibrationMethod, calibrationSpread, lapicWasX2apic, CAL_CPUID_15, CAL_HPET,
  LAPIC_TIMER_VECTOR, LAPIC_SPURIOUS_VECTOR } from "./apic";
import { ioapicSetup, ioapicCount, ioapicFor, ioapicRoute, ioapicSetMasked, ioapicBase, ioapicFirstGsi,
  ioapicInputs, REDIR_ACTIVE_LOW, REDIR_LEVEL, REDIR_MASKED, REDIR_NMI } from "./ioapic";
import { picInit, picMask, picUnmask, picEoi, picSpurious, PIC_VECTOR_BASE } from "./pic";
import { pitPeriodic, pitStop } from "./pit";
import { hpetInit, hpetHz } from "./hpet";
import { IRQ_MSI_FIRST, IRQ_MSI_COUNT } from "./syscalls";

export const INT_NONE: u32 = 0;
export const INT_APIC: u32 = 1;
export const INT_PIC: u32 = 2;

export const IRQ_VECTOR_BASE: u32 = 32;
export const TIMER_VECTOR: u32 = LAPIC_TIMER_VECTOR;     // 0xF0 (APIC mode)
export const SPURIOUS_VECTOR: u32 = LAPIC_SPURIOUS_VECTOR; // 0xFF
// IRQ numbers (and so vectors 32 .. 32 + IRQ_LIMIT - 1) stop below the timer.
export const IRQ_LIMIT: u32 = TIMER_VECTOR - IRQ_VECTOR_BASE;
const CASCADE_IRQ: u32 = 2;
export const MSI_FIRST: u32 = <u32>IRQ_MSI_FIRST;   // GSIs stop below it
export const MSI_COUNT: u32 = <u32>IRQ_MSI_COUNT;
// @ts-ignore: decorator
@inline function isMsi(irq: u32): bool { return irq >= MSI_FIRST && irq - MSI_FIRST < MSI_COUNT; }

// What interruptAccept() says, besides an IRQ number (>= 0).
export const ACCEPT_TIMER: i32 = -1;     // a tick: counted, EOI sent; the scheduler's turn
export const ACCEPT_SPURIOUS: i32 = -2;  // nothing happened, no EOI due
export const ACCEPT_OTHER: i32 = -3;     // not an interrupt of ours (EOI sent in APIC mode)

export let interruptMode: u32 = INT_NONE;
export let timerTicks: u64 = 0;          // timer interrupts since timerStart
export let timerMilliHz: u64 = 0;        // the timer's exact rate (0: never started)
export let timerRunning = false;
export let timerHz: u32 = 0;             // what was asked for
export let spuriousCount: u64 = 0;

// Device interrupts accepted, per IRQ.
const irqCounts = memory.data(8 * <i32>IRQ_LIMIT, 8);
export function irqCount(irq: u32): u64 {
  return irq < IRQ_LIMIT ? load<u64>(irqCounts + 8 * irq) : 0;
}

// Bit g set: GSI g is the target of an ISA IRQ's override (or an NMI
// source), so it is not also "IRQ g".
const claimedGsi = memory.data(<i32>IRQ_LIMIT / 8 + 1);

function claim(gsi: u32): void {
  if (gsi < IRQ_LIMIT) store<u8>(claimedGsi + (gsi >> 3), load<u8>(claimedGsi + (gsi >> 3)) | <u8>(<u32>1 << (gsi & 7)));
}
function claimed(gsi: u32): bool {
  return gsi < IRQ_LIMIT && (load<u8>(claimedGsi + (gsi >> 3)) & <u8>(<u32>1 << (gsi & 7))) != 0;
}

// --- IRQ numbers, GSIs, vectors -----------------------------------------------------

// The GSI of `irq` in APIC mode: ISA IRQs through the overrides.
export function irqGsi(irq: u32): u32 {
  if (irq < 16) {
    const o = overrideFor(irq);
    if (o >= 0) return overrideGsi(o);
  }
  return irq;
}

// Redirection-entry flags (REDIR_*) for `irq`.
function irqFlags(irq: u32): u32 {
  let pol: u32 = irq < 16 ? INTI_ACTIVE_HIGH : INTI_ACTIVE_LOW;
  let trig: u32 = irq < 16 ? INTI_EDGE : INTI_LEVEL;
  if (irq < 16) {
    const o = overrideFor(irq);
    if (o >= 0) {
      const f = overrideFlags(o);
      if ((f & INTI_POLARITY_MASK) != 0) pol = f & INTI_POLARITY_MASK;
      if ((f & INTI_TRIGGER_MASK) != 0) trig = f & INTI_TRIGGER_MASK;
    }
  }
  return (pol == INTI_ACTIVE_LOW ? REDIR_ACTIVE_LOW : 0) | (trig == INTI_LEVEL ? REDIR_LEVEL : 0);
}

// Can `irq` interrupt at all in the current mode?
export function irqValid(irq: u32): bool {
  if (irq == CASCADE_IRQ) return false;
  if (interruptMode == INT_PIC) return irq < 16;
  if (interruptMode != INT_APIC || irq >= IRQ_LIMIT) return false;
  if (isMsi(irq)) return true;
  if (irq >= 16 && claimed(irq)) return false;   // that GSI belongs to an ISA IRQ
  if (irq >= MSI_FIRST) return false;             // above the MSIs: no GSI
  return ioapicFor(irqGsi(irq)) >= 0;
}

// The vector `irq` arrives on, or -1 when it cannot interrupt.
export function irqVector(irq: u32): i32 {
  return irqValid(irq) ? <i32>(IRQ_VECTOR_BASE + irq) : -1;
}

// The IRQ behind `vector`, or -1.
export function vectorIrq(vector: u32): i32 {
  if (vector < IRQ_VECTOR_BASE || vector >= IRQ_VECTOR_BASE + IRQ_LIMIT) return -1;
  const irq = vector - IRQ_VECTOR_BASE;
  return irqValid(irq) ? <i32>irq : -1;
}

// The MSI message of `irq` for a PCI device: vector | destination local
// APIC ID << 8 (address 0xFEE00000 | ID << 12, data = the vector: fixed
// delivery, edge), or -1 when `irq` is no MSI IRQ, not in APIC mode, or
// the local APIC ID does not fit the 8-bit destination field.
export function irqMsiMessage(irq: u32): i64 {
  if (interruptMode != INT_APIC || !isMsi(irq) || lapicId > 0xFF) return -1;
  return <i64>(IRQ_VECTOR_BASE + irq) | (<i64>lapicId << 8);
}

export function irqMask(irq: u32): bool {
  if (!irqValid(irq)) return false;
  if (isMsi(irq)) return true;             // nothing to mask (see the top)
  if (interruptMode == INT_PIC) { picMask(irq); return true; }
  return ioapicSetMasked(irqGsi(irq), true);
}

export function irqUnmask(irq: u32): bool {
  if (!irqValid(irq)) return false;
  if (isMsi(irq)) return true;
  if (interruptMode == INT_PIC) { picUnmask(irq); return true; }
  return ioapicSetMasked(irqGsi(irq), false);
}

// --- set-up ----------------------------------------------------------------------------

// Read ACPI, program the controllers, print "acpi: ..." and
// "interrupts: ..." lines. Interrupts stay disabled (IF = 0). `forcePic`
// (or `interrupts=pic` on the command line): the 8259 path even when
// there are APICs.
export function interruptsInit(forcePic: bool = false): void {
  interruptMode = INT_NONE;
  timerRunning = false;
  memory.fill(irqCounts, 0, 8 * <i32>IRQ_LIMIT);
  timerTicks = 0;
  timerMilliHz = 0;
  timerHz = 0;
  memory.fill(claimedGsi, 0, <i32>IRQ_LIMIT / 8 + 1);
  acpiInit();
  acpiPrint();
  hpetInit();                             // a clock for the calibration, when ACPI names one
  if (cmdlineFind("interrupts") && argValueIs("pic")) forcePic = true;
  picInit();                              // remapped and all masked, in every mode
  // The I/O APICs first: lapicInit() masks LINT0, through which the 8259s
  // reach the CPU, so it must only run when APIC mode is certain.
  if (!forcePic && acpiHasMadt && madtIoapicCount > 0 && ioapicSetup() > 0 && lapicInit()) {
    interruptMode = INT_APIC;
    routeAll();
  } else {
    interruptMode = INT_PIC;
  }
  interruptsPrint(forcePic);
}

// Every I/O APIC input: NMI sources, ISA IRQs, the rest (all masked).
function routeAll(): void {
  for (let i = 0; i < madtNmiCount; i++) {
    const f = nmiFlags(i);
    const low = (f & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW;
    const level = (f & INTI_TRIGGER_MASK) == INTI_LEVEL;
    if (ioapicRoute(nmiGsi(i), 0, REDIR_NMI | (low ? REDIR_ACTIVE_LOW : 0) | (level ? REDIR_LEVEL : 0), lapicId)) claim(nmiGsi(i));
  }
  for (let irq: u32 = 0; irq < 16; irq++) {
    if (irq == CASCADE_IRQ) continue;
    const gsi = irqGsi(irq);
    if (claimed(gsi)) continue;                  // an NMI source, or (bad tables) another IRQ's
    if (ioapicRoute(gsi, IRQ_VECTOR_BASE + irq, irqFlags(irq) | REDIR_MASKED, lapicId)) claim(gsi);
  }
  for (let i = 0; i < ioapicCount; i++) {
    const first = ioapicFirstGsi(i);
    for (let j: u32 = 0; j < ioapicInputs(i); j++) {
      const gsi = first + j;
      if (gsi < 16 || gsi >= MSI_FIRST || claimed(gsi)) continue;
      ioapicRoute(gsi, IRQ_VECTOR_BASE + gsi, irqFlags(gsi) | REDIR_MASKED, lapicId);
    }
  }
}

// "interrupts: I/O APIC + local APIC (id 0 at 0xfee00000), I/O APIC 0xfec00000 GSI 0-23, 8259 masked"
// "interrupts: 8259 PIC (IRQ n on vector 32 + n), timer: PIT"
function interruptsPrint(forced: bool): void {
  print("interrupts: ");
  if (interruptMode == INT_APIC) {
    print("local APIC id ");
    printDec(lapicId);
    print(" at ");
    printHex(lapicPhys, 8);
    if (lapicWasX2apic) print(" (was x2APIC)");
    for (let i = 0; i < ioapicCount; i++) {
      print(", I/O APIC at ");
      printHex(ioapicBase(i), 8);
      print(" GSI ");
      printDec(ioapicFirstGsi(i));
      print("-");
      printDec(ioapicFirstGsi(i) + ioapicInputs(i) - 1);
    }
    println(", 8259 masked; IRQ n on vector 32 + n");
  } else {
    print("8259 PIC, IRQ n on vector 32 + n");
    println(forced ? " (interrupts=pic)" : " (no I/O APIC)");
  }
}

// --- the timer ---------------------------------------------------------------------------

// Periodic timer interrupts at `hz` (APIC: LAPIC timer on TIMER_VECTOR,
// calibrated on first use; PIC: PIT on IRQ 0). Prints one "timer:" line.
// False when no timer could be started.
export function timerStart(hz: u32): bool {
  timerTicks = 0;
  timerMilliHz = 0;
  timerRunning = false;
  timerHz = hz;
  if (hz == 0 || hz > 10_000) return false;
  print("timer: ");
  if (interruptMode == INT_APIC) {
    if (lapicTicksPerMs == 0 && !lapicCalibrate()) {
      println("local APIC timer calibration failed (no HPET, no PIT answer, no cpuid crystal clock)");
      return false;
    }
    timerMilliHz = lapicTimerPeriodic(hz);
    print("local APIC, ");
    printDec(lapicTicksPerMs);
    if (calibrationMethod == CAL_CPUID_15) {
      print(" counts/ms (divide 16, cpuid 0x15 crystal clock), TSC ");
    } else {
      if (calibrationMethod == CAL_HPET) {
        print(" counts/ms (divide 16, HPET ");
        printDec(hpetHz());
        print(" Hz");
      } else {
        print(" counts/ms (divide 16, PIT channel ");
        printDec(calibrationMethod);
      }
      print(", spread ");
      printDec(calibrationSpread);
      print("), TSC ");
    }
    printDec(tscPerMs);
    print(" ticks/ms; ");
  } else if (interruptMode == INT_PIC) {
    timerMilliHz = pitPeriodic(hz < 19 ? 19 : hz);
    picUnmask(0);
    print("PIT on IRQ 0; ");
  } else {
    println("interrupts not initialised");
    return false;
  }
  timerRunning = true;
  printDec(timerMilliHz / 1000);
  print(".");
  const frac = timerMilliHz % 1000;
  if (frac < 100) print("0");
  if (frac < 10) print("0");
  printDec(frac);
  print(" Hz on vector ");
  printHex(timerVector(), 2);
  println();
  return true;
}

export function timerStop(): void {
  if (interruptMode == INT_APIC) lapicTimerStop();
  else if (interruptMode == INT_PIC) { picMask(0); pitStop(); }
  timerRunning = false;                   // ticks and uptime stay as they were
}

// The vector timer interrupts arrive on.
export function timerVector(): u32 {
  return interruptMode == INT_PIC ? PIC_VECTOR_BASE : TIMER_VECTOR;
}

// Milliseconds of timer ticks since timerStart (they stop counting at timerStop).
export function uptimeMs(): u64 {
  if (timerMilliHz == 0) return 0;
  return timerTicks * 1_000_000 / timerMilliHz;
}

// A timer interrupt: count it and send the EOI. For the dispatcher when
// it knows the vector is timerVector() (interruptAccept does this too).
export function timerTick(): void {
  timerTicks++;
  interruptEoi(timerVector());
}

// --- the dispatcher's side ------------------------------------------------------------

// End of interrupt for `vector` (never for the spurious vector).
export function interruptEoi(vector: u32): void {
  if (vector == SPURIOUS_VECTOR) return;
  if (interruptMode == INT_APIC) lapicEoi();
  else if (interruptMode == INT_PIC && vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + 16) picEoi(vector - PIC_VECTOR_BASE);
}

// First thing for every interrupt vector (32..255): ACCEPT_TIMER (tick
// counted, EOI sent: call the scheduler's tick), ACCEPT_SPURIOUS (ignore),
// ACCEPT_OTHER (not ours), or an IRQ number >= 0: that line is now masked
// and its EOI sent; signal its notification, and irqUnmask(irq) when the
// driver acknowledges it.
export function interruptAccept(vector: u32): i32 {
  if (vector == timerVector() && timerRunning) {
    timerTick();
    return ACCEPT_TIMER;
  }
  if (vector == SPURIOUS_VECTOR) {
    spuriousCount++;
    return ACCEPT_SPURIOUS;
  }
  const irq = vectorIrq(vector);
  if (irq < 0) {
    if (interruptMode == INT_APIC) lapicEoi();
    return ACCEPT_OTHER;
  }
  if (interruptMode == INT_PIC && picSpurious(<u32>irq)) {
    spuriousCount++;
    return ACCEPT_SPURIOUS;
  }
  irqMask(<u32>irq);
  interruptEoi(vector);
  store<u64>(irqCounts + 8 * irq, load<u64>(irqCounts + 8 * irq) + 1);
  return irq;
}
