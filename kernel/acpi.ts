// acpi.ts — the ACPI tables the interrupt code needs: where the RSDP is,
// the RSDT/XSDT, the MADT (local APIC address, I/O APICs, interrupt source
// overrides, NMI wiring), where the FADT is (kept for power work) and
// where the HPET's registers are (the HPET table; hpet.ts).
//
// The RSDP comes from the multiboot2 boot information (tags 14/15: GRUB
// copies it there, on BIOS and UEFI alike; multiboot2.ts notes where), else
// from the BIOS areas: the first KiB of the EBDA (segment at 0x40E) and
// 0xE0000..0xFFFFF, on 16-byte boundaries. acpiInit() reads everything
// once, through the direct map (x86.phys_*), and keeps the answers in the
// kernel's memory; interrupts.ts then programs the controllers from them.
//
// Firmware tables are not trusted: every table must lie inside the direct
// map, have a sane length (ACPI_MAX_TABLE) and a zero checksum, and every
// MADT entry must fit inside its table with the minimum length of its type.
// A table that fails is reported on one line ("acpi: ... ignored") and
// left out: a bad XSDT falls back to the RSDT, a bad MADT to "no MADT"
// (interrupts.ts then uses the 8259 PIC and the PIT). Nothing here can
// fault or loop for long: every loop is bounded by a checked length.

import { phys_read8, phys_read16, phys_read32, phys_read64 } from "./x86";
import { inDirectMap } from "./memlayout";
import { mbRsdpPhys, mbRsdpVersion } from "./multiboot2";
import { print, printDec, printHex, println } from "./print";

// --- limits --------------------------------------------------------------------
export const ACPI_MAX_TABLE: u32 = 1 << 20;   // no RSDT/XSDT/MADT/FADT is this big
export const ACPI_MAX_ENTRIES: u32 = 256;     // RSDT/XSDT entries looked at
export const ACPI_MAX_IOAPICS: i32 = 8;
export const ACPI_MAX_OVERRIDES: i32 = 16;
export const ACPI_MAX_NMIS: i32 = 8;          // I/O APIC NMI sources and LAPIC NMI pins each

// Interrupt source override flags (MPS INTI flags).
export const INTI_POLARITY_MASK: u32 = 3;     // 0 bus default, 1 active high, 3 active low
export const INTI_TRIGGER_MASK: u32 = 3 << 2; // 0 bus default, 1 edge, 3 level
export const INTI_ACTIVE_HIGH: u32 = 1;
export const INTI_ACTIVE_LOW: u32 = 3;
export const INTI_EDGE: u32 = 1 << 2;
export const INTI_LEVEL: u32 = 3 << 2;

const SIG_RSDP: u64 = 0x2052_5450_2044_5352;  // "RSD PTR "
const SIG_RSDT: u32 = 0x5444_5352;            // "RSDT"
const SIG_XSDT: u32 = 0x5444_5358;            // "XSDT"
const SIG_MADT: u32 = 0x4349_5041;            // "APIC"
const SIG_FADT: u32 = 0x5043_4146;            // "FACP"
const SIG_HPET: u32 = 0x5445_5048;            // "HPET"
const HPET_TABLE_LEN: u32 = 56;
const SDT_HEADER: u32 = 36;

// --- what the tables said --------------------------------------------------------
export let acpiRsdpPhys: u64 = 0;       // the RSDP used (0: none found)
export let acpiRsdpFrom: u32 = 0;       // 14 or 15: the multiboot2 tag; 0: BIOS area scan
export let acpiRevision: u32 = 0;       // the RSDP's revision (0: ACPI 1.0, 2: 2.0+)
export let acpiRootPhys: u64 = 0;       // the RSDT or XSDT walked
export let acpiRootIsXsdt = false;
export let acpiTableCount: u32 = 0;     // entries of the root table
export let acpiProblems: u32 = 0;       // tables reported and ignored

export let acpiHasMadt = false;
export let madtPhys: u64 = 0;
export let madtLapicPhys: u64 = 0;      // from the MADT (type 5 overrides the 32-bit field)
export let madtPcatCompat = false;      // flags bit 0: there are 8259s to mask
export let madtCpuCount: u32 = 0;       // enabled or online-capable processors (types 0 and 9)
export let madtIoapicCount: i32 = 0;
export let madtOverrideCount: i32 = 0;
export let madtNmiCount: i32 = 0;       // type 3: NMI sources on I/O APIC inputs
export let madtLapicNmiCount: i32 = 0;  // type 4 / 0xA: NMI on a LAPIC LINT pin

export let acpiHasFadt = false;
export let fadtPhys: u64 = 0;
export let fadtLength: u32 = 0;

export let acpiHasHpet = false;         // an HPET table with a usable address
export let hpetTablePhys: u64 = 0;
export let hpetBlockPhys: u64 = 0;      // the event timer block's registers (1 KiB)

// Records: I/O APICs (id, address, GSI base), overrides (ISA IRQ, GSI,
// flags), NMI sources (GSI, flags), LAPIC NMIs (processor UID, pin, flags).
const ioapics = memory.data(16 * ACPI_MAX_IOAPICS, 8);
const overrides = memory.data(12 * ACPI_MAX_OVERRIDES, 4);
const nmis = memory.data(8 * ACPI_MAX_NMIS, 4);
const lapicNmis = memory.data(12 * ACPI_MAX_NMIS, 4);

export function ioapicId(i: i32): u32 { return load<u32>(ioapics + 16 * i); }
export function ioapicPhys(i: i32): u64 { return load<u64>(ioapics + 16 * i, 4); }
export function ioapicGsiBase(i: i32): u32 { return load<u32>(ioapics + 16 * i, 12); }
export function overrideIrq(i: i32): u32 { return load<u32>(overrides + 12 * i); }
export function overrideGsi(i: i32): u32 { return load<u32>(overrides + 12 * i, 4); }
export function overrideFlags(i: i32): u32 { return load<u32>(overrides + 12 * i, 8); }
export function nmiGsi(i: i32): u32 { return load<u32>(nmis + 8 * i); }
export function nmiFlags(i: i32): u32 { return load<u32>(nmis + 8 * i, 4); }
export function lapicNmiUid(i: i32): u32 { return load<u32>(lapicNmis + 12 * i); }
export function lapicNmiPin(i: i32): u32 { return load<u32>(lapicNmis + 12 * i, 4); }
export function lapicNmiFlags(i: i32): u32 { return load<u32>(lapicNmis + 12 * i, 8); }

// The override for ISA IRQ `irq`, or -1.
export function overrideFor(irq: u32): i32 {
  for (let i = 0; i < madtOverrideCount; i++) if (overrideIrq(i) == irq) return i;
  return -1;
}

function reset(): void {
  acpiRsdpPhys = 0; acpiRsdpFrom = 0; acpiRevision = 0;
  acpiRootPhys = 0; acpiRootIsXsdt = false; acpiTableCount = 0; acpiProblems = 0;
  acpiHasMadt = false; madtPhys = 0; madtLapicPhys = 0; madtPcatCompat = false;
  resetMadt();
  acpiHasFadt = false; fadtPhys = 0; fadtLength = 0;
  acpiHasHpet = false; hpetTablePhys = 0; hpetBlockPhys = 0;
}

function resetMadt(): void {
  madtCpuCount = 0; madtIoapicCount = 0; madtOverrideCount = 0;
  madtNmiCount = 0; madtLapicNmiCount = 0;
}

// "acpi: <what> at 0x<addr>: <why>, ignored"
function problem(what: string, phys: u64, why: string): void {
  acpiProblems++;
  print("acpi: ");
  print(what);
  print(" at ");
  printHex(phys, 8);
  print(": ");
  print(why);
  println(", ignored");
}

// Sum of `len` bytes at `phys` (already known to be in the direct map).
function byteSum(phys: u64, len: u32): u32 {
  let sum: u32 = 0;
  for (let i: u32 = 0; i < len; i++) sum += phys_read8(phys + i);
  return sum & 0xFF;
}

// --- the RSDP --------------------------------------------------------------------

// Is there a good RSDP at `phys`? Sets acpiRevision, acpiRootPhys and
// acpiRootIsXsdt when there is. `quiet`: do not report (the BIOS scan
// tries many places).
function rsdpCheck(phys: u64, quiet: bool): bool {
  if (!inDirectMap(phys, 20)) {
    if (!quiet) problem("RSDP", phys, "outside the direct map");
    return false;
  }
  if (phys_read64(phys) != SIG_RSDP) {
    if (!quiet) problem("RSDP", phys, "bad signature");
    return false;
  }
  if (byteSum(phys, 20) != 0) {
    if (!quiet) problem("RSDP", phys, "bad checksum");
    return false;
  }
  const rev = <u32>phys_read8(phys + 15);
  const rsdt = <u64>phys_read32(phys + 16);
  let xsdt: u64 = 0;
  if (rev >= 2) {
    // ACPI 2.0+: a length (36 today), the XSDT address and an extended
    // checksum over `length` bytes. A bad extension still leaves the RSDT.
    const len = inDirectMap(phys, 36) ? phys_read32(phys + 20) : 0;
    if (len < 36 || len > 4096 || !inDirectMap(phys, len)) {
      problem("RSDP", phys, "bad extended length, XSDT");
    } else if (byteSum(phys, len) != 0) {
      problem("RSDP", phys, "bad extended checksum, XSDT");
    } else {
      xsdt = phys_read64(phys + 24);
    }
  }
  if (rsdt == 0 && xsdt == 0) {
    if (!quiet) problem("RSDP", phys, "no RSDT or XSDT address");
    return false;
  }
  acpiRsdpPhys = phys;
  acpiRevision = rev;
  acpiRootPhys = xsdt != 0 ? xsdt : rsdt;
  acpiRootIsXsdt = xsdt != 0;
  return true;
}

// Look for "RSD PTR " on 16-byte boundaries in [start, end).
function rsdpScan(start: u64, end: u64): bool {
  for (let p = start; p + 20 <= end; p += 16) {
    if (phys_read64(p) == SIG_RSDP && rsdpCheck(p, true)) return true;
  }
  return false;
}

// The RSDP from the boot information, else from the BIOS areas.
function rsdpFind(): bool {
  if (mbRsdpVersion != 0) {
    if (rsdpCheck(mbRsdpPhys, false)) {
      acpiRsdpFrom = mbRsdpVersion == 1 ? 14 : 15;
      return true;
    }
  }
  // EBDA: its real-mode segment is the word at 0x40E of the BIOS data area.
  const ebda = <u64>phys_read16(0x40E) << 4;
  if (ebda >= 0x80000 && ebda < 0xA0000 && rsdpScan(ebda, ebda + 1024)) return true;
  return rsdpScan(0xE0000, 0x100000);
}

// --- tables ------------------------------------------------------------------------

// Check the table at `phys`: in the direct map, signature `sig` (0: any),
// length in [minLen, ACPI_MAX_TABLE], zero checksum. Returns its length, 0
// when bad (reported as `what`).
function tableCheck(phys: u64, sig: u32, minLen: u32, what: string): u32 {
  if (phys == 0 || !inDirectMap(phys, SDT_HEADER)) {
    problem(what, phys, "outside the direct map");
    return 0;
  }
  if (sig != 0 && phys_read32(phys) != sig) {
    problem(what, phys, "bad signature");
    return 0;
  }
  const len = phys_read32(phys + 4);
  if (len < minLen) {
    problem(what, phys, "too short");
    return 0;
  }
  if (len > ACPI_MAX_TABLE || !inDirectMap(phys, len)) {
    problem(what, phys, "absurd length");
    return 0;
  }
  if (byteSum(phys, len) != 0) {
    problem(what, phys, "bad checksum");
    return 0;
  }
  return len;
}

// Walk the root table (XSDT, or RSDT when the XSDT is bad or absent).
function rootWalk(): void {
  let len: u32 = 0;
  if (acpiRootIsXsdt) {
    len = tableCheck(acpiRootPhys, SIG_XSDT, SDT_HEADER, "XSDT");
    if (len == 0) {
      // Fall back to the RSDT of the same RSDP.
      acpiRootIsXsdt = false;
      acpiRootPhys = <u64>phys_read32(acpiRsdpPhys + 16);
      if (acpiRootPhys == 0) return;
    }
  }
  if (!acpiRootIsXsdt) {
    len = tableCheck(acpiRootPhys, SIG_RSDT, SDT_HEADER, "RSDT");
    if (len == 0) return;
  }
  const size: u32 = acpiRootIsXsdt ? 8 : 4;
  let count = (len - SDT_HEADER) / size;
  acpiTableCount = count;
  if (count > ACPI_MAX_ENTRIES) count = ACPI_MAX_ENTRIES;
  for (let i: u32 = 0; i < count; i++) {
    const at = acpiRootPhys + SDT_HEADER + i * size;
    const t: u64 = acpiRootIsXsdt ? phys_read64(at) : <u64>phys_read32(at);
    if (t == 0 || !inDirectMap(t, SDT_HEADER)) continue; // not ours to judge
    const sig = phys_read32(t);
    if (sig == SIG_MADT && !acpiHasMadt) {
      const mlen = tableCheck(t, SIG_MADT, 44, "MADT");
      if (mlen != 0 && madtParse(t, mlen)) {
        acpiHasMadt = true;
        madtPhys = t;
      }
    } else if (sig == SIG_FADT && !acpiHasFadt) {
      const flen = tableCheck(t, SIG_FADT, SDT_HEADER + 4, "FADT");
      if (flen != 0) {
        acpiHasFadt = true;
        fadtPhys = t;
        fadtLength = flen;
      }
    } else if (sig == SIG_HPET && !acpiHasHpet) {
      if (tableCheck(t, SIG_HPET, HPET_TABLE_LEN, "HPET") != 0) hpetParse(t);
    }
  }
}

// The HPET table (checked, at least HPET_TABLE_LEN bytes): the base
// address is a generic address structure at offset 40 (address space
// byte, then the address at 44), which must say system memory (0), be
// 1 KiB-aligned and lie in the direct map.
function hpetParse(phys: u64): void {
  const space = phys_read8(phys + 40);
  const base = phys_read64(phys + 44);
  if (space != 0) { problem("HPET", phys, "registers not in memory space"); return; }
  if (base == 0 || (base & 0x3FF) != 0 || !inDirectMap(base, 0x400)) { problem("HPET", phys, "bad register address"); return; }
  acpiHasHpet = true;
  hpetTablePhys = phys;
  hpetBlockPhys = base;
}

// Minimum length of MADT entry `type` (0: a type we skip).
function madtEntryMin(type: u32): u32 {
  if (type == 0) return 8;    // processor local APIC
  if (type == 1) return 12;   // I/O APIC
  if (type == 2) return 10;   // interrupt source override
  if (type == 3) return 8;    // NMI source
  if (type == 4) return 6;    // local APIC NMI
  if (type == 5) return 12;   // local APIC address override
  if (type == 9) return 16;   // processor local x2APIC
  if (type == 10) return 12;  // local x2APIC NMI
  return 2;
}

// Parse the MADT (checked: [phys, phys + len) is in the direct map). On a
// bad entry the whole table is reported and ignored.
function madtParse(phys: u64, len: u32): bool {
  resetMadt();
  let lapic = <u64>phys_read32(phys + 36);
  madtPcatCompat = (phys_read32(phys + 40) & 1) != 0;
  let off: u32 = 44;
  // Each entry is at least 2 bytes long, so this runs at most len / 2 times.
  while (off < len) {
    if (len - off < 2) return madtBad(phys, "entry header cut off at the end");
    const e = phys + off;
    const type = <u32>phys_read8(e);
    const elen = <u32>phys_read8(e + 1);
    if (elen < madtEntryMin(type)) return madtBad(phys, "entry shorter than its type needs");
    if (elen > len - off) return madtBad(phys, "entry runs past the table");
    if (type == 0 || type == 9) {
      const flags = type == 0 ? phys_read32(e + 4) : phys_read32(e + 8);
      if (flags & 3) madtCpuCount++;               // enabled or online capable
    } else if (type == 1) {
      if (madtIoapicCount < ACPI_MAX_IOAPICS) {
        const r = ioapics + 16 * madtIoapicCount++;
        store<u32>(r, phys_read8(e + 2));
        store<u64>(r, <u64>phys_read32(e + 4), 4);
        store<u32>(r, phys_read32(e + 8), 12);
      }
    } else if (type == 2) {
      // Only ISA (bus 0) sources exist; anything else is skipped.
      const irq = <u32>phys_read8(e + 3);
      if (phys_read8(e + 2) == 0 && irq < 16 && madtOverrideCount < ACPI_MAX_OVERRIDES) {
        const r = overrides + 12 * madtOverrideCount++;
        store<u32>(r, irq);
        store<u32>(r, phys_read32(e + 4), 4);
        store<u32>(r, phys_read16(e + 8), 8);
      }
    } else if (type == 3) {
      if (madtNmiCount < ACPI_MAX_NMIS) {
        const r = nmis + 8 * madtNmiCount++;
        store<u32>(r, phys_read32(e + 4));
        store<u32>(r, phys_read16(e + 2), 4);
      }
    } else if (type == 4 || type == 10) {
      if (madtLapicNmiCount < ACPI_MAX_NMIS) {
        const r = lapicNmis + 12 * madtLapicNmiCount++;
        if (type == 4) {
          const uid = <u32>phys_read8(e + 2);
          store<u32>(r, uid == 0xFF ? 0xFFFF_FFFF : uid);
          store<u32>(r, phys_read8(e + 5), 4);
          store<u32>(r, phys_read16(e + 3), 8);
        } else {
          store<u32>(r, phys_read32(e + 4));
          store<u32>(r, phys_read8(e + 8), 4);
          store<u32>(r, phys_read16(e + 2), 8);
        }
      }
    } else if (type == 5) {
      lapic = phys_read64(e + 4);
    }
    off += elen;
  }
  if (lapic == 0 || (lapic & 0xFFF) != 0) return madtBad(phys, "bad local APIC address");
  for (let i = 0; i < madtIoapicCount; i++) {
    const a = ioapicPhys(i);
    if (a == 0 || (a & 0xF) != 0 || !inDirectMap(a, 0x20)) return madtBad(phys, "bad I/O APIC address");
  }
  madtLapicPhys = lapic;
  return true;
}

// The ACPI processor UID of the processor whose local APIC ID is
// `apicId` (MADT types 0 and 9), or -1. Walks the checked MADT again.
export function madtProcessorUid(apicId: u32): i64 {
  if (!acpiHasMadt) return -1;
  const len = phys_read32(madtPhys + 4);
  let off: u32 = 44;
  while (len - off >= 2) {
    const e = madtPhys + off;
    const type = <u32>phys_read8(e);
    const elen = <u32>phys_read8(e + 1);
    if (elen < 2 || elen > len - off) break;   // cannot happen: checked by madtParse
    if (type == 0 && <u32>phys_read8(e + 3) == apicId) return <i64>phys_read8(e + 2);
    if (type == 9 && phys_read32(e + 4) == apicId) return <i64>phys_read32(e + 12);
    off += elen;
  }
  return -1;
}

function madtBad(phys: u64, why: string): bool {
  problem("MADT", phys, why);
  resetMadt();
  madtPcatCompat = false;
  return false;
}

// --- entry points -----------------------------------------------------------------

// Find and read the tables. Returns true when an RSDP was found (the MADT
// may still be missing: acpiHasMadt).
export function acpiInit(): bool {
  reset();
  if (!rsdpFind()) return false;
  rootWalk();
  return true;
}

// One line for the boot log:
// "acpi: RSDP rev 2 at 0x... (tag 15), XSDT at 0x... (8 tables), MADT: 1 CPU,
//  1 I/O APIC, 5 overrides, 0 NMI sources, LAPIC 0xfee00000; FADT at 0x..."
export function acpiPrint(): void {
  print("acpi: ");
  if (acpiRsdpPhys == 0) {
    println("no RSDP (no ACPI tables)");
    return;
  }
  print("RSDP rev ");
  printDec(acpiRevision);
  print(" at ");
  printHex(acpiRsdpPhys, 8);
  print(acpiRsdpFrom == 14 ? " (tag 14)" : acpiRsdpFrom == 15 ? " (tag 15)" : " (BIOS area)");
  print(acpiRootIsXsdt ? ", XSDT at " : ", RSDT at ");
  printHex(acpiRootPhys, 8);
  print(" (");
  printDec(acpiTableCount);
  print(" tables), ");
  if (acpiHasMadt) {
    print("MADT: ");
    printDec(madtCpuCount);
    print(madtCpuCount == 1 ? " CPU, " : " CPUs, ");
    printDec(madtIoapicCount);
    print(madtIoapicCount == 1 ? " I/O APIC, " : " I/O APICs, ");
    printDec(madtOverrideCount);
    print(madtOverrideCount == 1 ? " override, " : " overrides, ");
    printDec(madtNmiCount + madtLapicNmiCount);
    print(" NMI, LAPIC ");
    printHex(madtLapicPhys, 8);
  } else {
    print("no MADT");
  }
  if (acpiHasFadt) {
    print("; FADT at ");
    printHex(fadtPhys, 8);
  }
  println();
}
