// power.ts — switching the machine off and restarting it, from ACPI tables
// acpi.ts found (the FADT, and through it the DSDT).
//
// Power off (ACPI S5): the sleep type for S5 comes from the \_S5_ package
// of the DSDT (AML: NameOp "_S5_" PackageOp PkgLength NumElements then
// SLP_TYPa and SLP_TYPb as ZeroOp/OneOp/BytePrefix n/WordPrefix n; a
// small search for the name, not an AML interpreter, as most small
// kernels do). SLP_TYPx << 10 | SLP_EN (bit 13) goes to PM1a_CNT and, if
// the machine has one, PM1b_CNT. If the firmware has not switched to ACPI
// mode (SCI_EN clear) we write ACPI_ENABLE to SMI_CMD first.
// Reset: the FADT reset register (ACPI 2+, flags bit 10 RESET_REG_SUP;
// I/O or memory space), then the keyboard controller's reset line (0xFE to
// port 0x64), then port 0xCF9 (PCI reset control, full reset).
// Each returns only when nothing worked.

import { acpiHasFadt, fadtLength, fadtPhys } from "./acpi";
import { inDirectMap } from "./memlayout";
import { inb, inw, outb, outw, pause, phys_read8, phys_read16, phys_read32, phys_read64, phys_write8 } from "./x86";
import { print, printDec, printHex, println } from "./print";

// FADT field offsets (ACPI 6.x, table 5.9).
const F_DSDT: u32 = 40;
const F_SMI_CMD: u32 = 48;
const F_ACPI_ENABLE: u32 = 52;
const F_PM1A_CNT: u32 = 64;
const F_PM1B_CNT: u32 = 68;
const F_FLAGS: u32 = 112;
const F_RESET_REG: u32 = 116;   // generic address structure, 12 bytes
const F_RESET_VALUE: u32 = 128;
const F_X_DSDT: u32 = 140;
const FLAG_RESET_REG_SUP: u32 = 1 << 10;
const SLP_EN: u16 = 1 << 13;
const SCI_EN: u16 = 1;

export let s5Found = false;
export let s5TypA: u32 = 0;
export let s5TypB: u32 = 0;

@inline function fadt32(off: u32): u32 { return off + 4 <= fadtLength ? phys_read32(fadtPhys + off) : 0; }
@inline function fadt8(off: u32): u32 { return off + 1 <= fadtLength ? <u32>phys_read8(fadtPhys + off) : 0; }

// The DSDT's physical address (X_DSDT when present), 0 if none.
function dsdtPhys(): u64 {
  if (!acpiHasFadt) return 0;
  if (fadtLength >= F_X_DSDT + 8) {
    const x = phys_read64(fadtPhys + F_X_DSDT);
    if (x != 0) return x;
  }
  return <u64>fadt32(F_DSDT);
}

// One AML integer at p: ZeroOp 0, OneOp 1, BytePrefix 0x0A n, WordPrefix 0x0B n;
// returns the value and sets `amlNext` past it, or -1.
let amlNext: u64 = 0;
function amlInt(p: u64): i64 {
  const op = phys_read8(p);
  if (op == 0x00 || op == 0x01) { amlNext = p + 1; return op; }
  if (op == 0x0A) { amlNext = p + 2; return phys_read8(p + 1); }
  if (op == 0x0B) { amlNext = p + 3; return phys_read16(p + 1); }
  if (op == 0xFF) { amlNext = p + 1; return 0xFF; }   // OnesOp
  return -1;
}

// Find \_S5_ in the DSDT: sets s5Found, s5TypA, s5TypB.
export function powerFindS5(): bool {
  return s5Search(dsdtPhys());
}

// Find \_S5_ in the AML table at physical d (a DSDT).
export function s5Search(d: u64): bool {
  s5Found = false;
  if (d == 0 || !inDirectMap(d, 36)) return false;
  const len = phys_read32(d + 4);
  if (len < 36 || len > (16 << 20) || !inDirectMap(d, len)) return false;
  for (let i: u64 = 36; i + 8 < <u64>len; i++) {
    // "_S5_" = 5F 53 35 5F, after NameOp 0x08 (maybe with a root '\' prefix)
    if (phys_read32(d + i) != 0x5F35535F) continue;
    const before = phys_read8(d + i - 1);
    if (!(before == 0x08 || (before == 0x5C && phys_read8(d + i - 2) == 0x08))) continue;
    let p = d + i + 4;
    if (phys_read8(p) != 0x12) continue;          // PackageOp
    p++;
    p += <u64>((phys_read8(p) >> 6) & 3) + 1;      // PkgLength: lead byte + 0..3 more
    p++;                                           // NumElements
    const a = amlInt(p);
    if (a < 0) continue;
    const b = amlInt(amlNext);
    s5TypA = <u32>a & 7;
    s5TypB = b < 0 ? 0 : <u32>b & 7;
    s5Found = true;
    return true;
  }
  return false;
}

// ACPI S5. Returns if the machine is still on.
export function powerOff(): void {
  if (!acpiHasFadt) { println("power: no FADT, cannot power off by ACPI"); return; }
  if (!powerFindS5()) { println("power: no \\_S5_ in the DSDT"); return; }
  const pm1a = <u16>fadt32(F_PM1A_CNT), pm1b = <u16>fadt32(F_PM1B_CNT);
  print("power: ACPI S5 (SLP_TYP ");
  printDec(s5TypA); print("/"); printDec(s5TypB);
  print(", PM1a_CNT "); printHex(pm1a);
  if (pm1b != 0) { print(", PM1b_CNT "); printHex(pm1b); }
  println(")");
  if (pm1a == 0) return;
  const smi = <u16>fadt32(F_SMI_CMD), enable = <u8>fadt8(F_ACPI_ENABLE);
  if ((inw(pm1a) & SCI_EN) == 0 && smi != 0 && enable != 0) {
    outb(smi, enable);
    for (let i = 0; i < 1_000_000 && (inw(pm1a) & SCI_EN) == 0; i++) pause();
  }
  outw(pm1a, <u16>(inw(pm1a) & 0xE3FF) | <u16>(s5TypA << 10) | SLP_EN);
  if (pm1b != 0) outw(pm1b, <u16>(inw(pm1b) & 0xE3FF) | <u16>(s5TypB << 10) | SLP_EN);
  for (let i = 0; i < 10_000_000; i++) pause();
  println("power: still on after S5");
}

// Restart: ACPI reset register, keyboard controller, port 0xCF9.
export function powerReset(): void {
  if (acpiHasFadt && fadtLength >= F_RESET_VALUE + 1 && (fadt32(F_FLAGS) & FLAG_RESET_REG_SUP) != 0) {
    const space = fadt8(F_RESET_REG);
    const addr = phys_read64(fadtPhys + F_RESET_REG + 4);
    const value = <u8>fadt8(F_RESET_VALUE);
    print("power: ACPI reset register (space "); printDec(space); print(", "); printHex(addr);
    print(", value "); printHex(value); println(")");
    if (space == 1 && addr < 0x10000) outb(<u16>addr, value);
    else if (space == 0 && addr != 0 && inDirectMap(addr, 1)) phys_write8(addr, value);
    for (let i = 0; i < 1_000_000; i++) pause();
  }
  println("power: keyboard controller reset");
  for (let i = 0; i < 100_000 && (inb(0x64) & 2) != 0; i++) pause();
  outb(0x64, 0xFE);
  for (let i = 0; i < 1_000_000; i++) pause();
  println("power: PCI reset control (0xCF9)");
  outb(0xCF9, 0x02);
  outb(0xCF9, 0x06);
  for (let i = 0; i < 1_000_000; i++) pause();
  println("power: still running after every reset method");
}
