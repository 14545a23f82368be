// ioapic.ts — the I/O APICs: global system interrupts (GSIs) to vectors.
//
// Each I/O APIC of the MADT (acpi.ts) serves the GSIs gsiBase ..
// gsiBase + entries - 1 (entries from its version register). An input is
// steered by its 64-bit redirection entry: vector, delivery mode (fixed or
// NMI), polarity, trigger mode, mask, destination (a local APIC ID; the
// one CPU's). Registers are reached indirectly: write the register number
// to IOREGSEL (base + 0), then read or write IOWIN (base + 0x10).
// ioapicSetup() takes every I/O APIC the MADT lists, makes its registers
// uncached (mmio.ts), drops one that does not answer (all ones), and masks
// every input; interrupts.ts then routes GSIs (ioapicRoute) and masks /
// unmasks them.

import { phys_read32, phys_write32 } from "./x86";
import { madtIoapicCount, ioapicPhys, ioapicGsiBase, ioapicId } from "./acpi";
import { mmioUncached } from "./mmio";
import { print, printDec, printHex, println } from "./print";

const IOREGSEL: u64 = 0x00;
const IOWIN: u64 = 0x10;
const REG_VERSION: u32 = 0x01;
const REG_REDIR: u32 = 0x10;       // entry n: low dword at 0x10 + 2n, high at 0x11 + 2n

export const REDIR_NMI: u32 = 4 << 8;         // delivery mode NMI (0: fixed)
export const REDIR_ACTIVE_LOW: u32 = 1 << 13;
export const REDIR_LEVEL: u32 = 1 << 15;
export const REDIR_MASKED: u32 = 1 << 16;

export const IOAPIC_MAX: i32 = 8;

// The I/O APICs in use: base, first GSI, number of inputs.
export let ioapicCount: i32 = 0;
const bases = memory.data(8 * IOAPIC_MAX, 8);
const gsiBases = memory.data(4 * IOAPIC_MAX, 4);
const counts = memory.data(4 * IOAPIC_MAX, 4);

export function ioapicBase(i: i32): u64 { return load<u64>(bases + 8 * i); }
export function ioapicFirstGsi(i: i32): u32 { return load<u32>(gsiBases + 4 * i); }
export function ioapicInputs(i: i32): u32 { return load<u32>(counts + 4 * i); }

export function ioapicRead(base: u64, reg: u32): u32 {
  phys_write32(base + IOREGSEL, reg);
  return phys_read32(base + IOWIN);
}

export function ioapicWrite(base: u64, reg: u32, value: u32): void {
  phys_write32(base + IOREGSEL, reg);
  phys_write32(base + IOWIN, value);
}

// Take the MADT's I/O APICs; every input masked. Returns how many answer.
export function ioapicSetup(): i32 {
  ioapicCount = 0;
  for (let i = 0; i < madtIoapicCount && ioapicCount < IOAPIC_MAX; i++) {
    const base = ioapicPhys(i);
    mmioUncached(base);
    const ver = ioapicRead(base, REG_VERSION);
    if (ver == 0xFFFF_FFFF) {
      print("ioapic: I/O APIC ");
      printDec(ioapicId(i));
      print(" at ");
      printHex(base, 8);
      println(" does not answer, ignored");
      continue;
    }
    const inputs = ((ver >> 16) & 0xFF) + 1;
    const n = ioapicCount++;
    store<u64>(bases + 8 * n, base);
    store<u32>(gsiBases + 4 * n, ioapicGsiBase(i));
    store<u32>(counts + 4 * n, inputs);
    for (let j: u32 = 0; j < inputs; j++) {
      ioapicWrite(base, REG_REDIR + 2 * j, REDIR_MASKED);
      ioapicWrite(base, REG_REDIR + 2 * j + 1, 0);
    }
  }
  return ioapicCount;
}

// The I/O APIC serving `gsi`, or -1.
export function ioapicFor(gsi: u32): i32 {
  for (let i = 0; i < ioapicCount; i++) {
    const first = ioapicFirstGsi(i);
    if (gsi >= first && gsi - first < ioapicInputs(i)) return i;
  }
  return -1;
}

// Steer `gsi` to `vector` (low dword flags: REDIR_*) on local APIC `dest`.
// The entry is masked while it changes. False when no I/O APIC has `gsi`.
export function ioapicRoute(gsi: u32, vector: u32, flags: u32, dest: u32): bool {
  const i = ioapicFor(gsi);
  if (i < 0) return false;
  const base = ioapicBase(i);
  const reg = REG_REDIR + 2 * (gsi - ioapicFirstGsi(i));
  ioapicWrite(base, reg, REDIR_MASKED);
  ioapicWrite(base, reg + 1, dest << 24);
  ioapicWrite(base, reg, (vector & 0xFF) | flags);
  return true;
}

export function ioapicSetMasked(gsi: u32, masked: bool): bool {
  const i = ioapicFor(gsi);
  if (i < 0) return false;
  const base = ioapicBase(i);
  const reg = REG_REDIR + 2 * (gsi - ioapicFirstGsi(i));
  const low = ioapicRead(base, reg);
  ioapicWrite(base, reg, masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
  return true;
}

// The redirection entry of `gsi` (high dword << 32 | low), 0 when none.
export function ioapicEntry(gsi: u32): u64 {
  const i = ioapicFor(gsi);
  if (i < 0) return 0;
  const base = ioapicBase(i);
  const reg = REG_REDIR + 2 * (gsi - ioapicFirstGsi(i));
  return (<u64>ioapicRead(base, reg + 1) << 32) | ioapicRead(base, reg);
}
