// pat.ts — memory types of page mappings: the page attribute table
// (IA32_PAT, MSR 0x277) and which cache bits a device page gets.
//
// A 4 KiB page-table entry picks one of the PAT's eight memory types with
// its PAT (bit 7), PCD (bit 4) and PWT (bit 3) bits. The power-on table is
// WB, WT, UC-, UC, WB, WT, UC-, UC; the kernel relies on entry 0 (no bits:
// write-back, all RAM) and entry 3 (PCD | PWT: uncached, device registers,
// mmio.ts and sys_dma.ts). patInit() writes the whole table, so whatever the
// firmware left does not matter, with entry 1 (PWT alone) write-combining
// instead of write-through, as Linux does: entries 0-3 need no PAT bit,
// which some CPUs' errata make unreliable on 4 KiB pages. No mapping uses
// PWT alone before this runs (boot/ and kvspace.ts never set it).
//
// Write-combining is for the framebuffer: stores are gathered into whole
// bursts instead of one uncached bus write each, many times faster on a
// real PC (QEMU does not model memory types; there it changes nothing).
// It beats the MTRRs: a framebuffer the firmware's MTRRs call uncached is
// still write-combined through the PAT (Intel SDM vol. 3, 12.5.2.2). Reads
// stay slow, so the console never reads video memory (servers/console).
// Without PAT (cpuid 1 EDX bit 16) the framebuffer stays uncached.

import { rdmsr, wrmsr, read_cr3, write_cr3 } from "./x86";
import { cpuHas, CPU_MSR, CPU_PAT } from "./cpu";
import { mbFbAddr, mbFbHeight, mbFbPitch, mbHasFramebuffer } from "./multiboot2";
import { PTE_PCD, PTE_PWT } from "./mmio";

export const MSR_PAT: u32 = 0x277;

// Memory type encodings of a PAT entry.
export const PAT_UC: u64 = 0;
export const PAT_WC: u64 = 1;
export const PAT_WT: u64 = 4;
export const PAT_WB: u64 = 6;
export const PAT_UC_MINUS: u64 = 7;

// WB, WC, UC-, UC, WB, WT, UC-, UC (entry i in byte i).
export const PAT_VALUE: u64 = PAT_WB | PAT_WC << 8 | PAT_UC_MINUS << 16 | PAT_UC << 24
  | PAT_WB << 32 | PAT_WT << 40 | PAT_UC_MINUS << 48 | PAT_UC << 56;

export const CACHE_UC: u64 = PTE_PCD | PTE_PWT;   // entry 3
export const CACHE_WC: u64 = PTE_PWT;             // entry 1, once patInit() ran

export let patWc = false;        // entry 1 is write-combining
export let patBefore: u64 = 0;   // what the firmware left in IA32_PAT

// Program the PAT (see the top). False when the CPU has none.
export function patInit(): bool {
  patWc = false;
  if (!cpuHas(CPU_PAT) || !cpuHas(CPU_MSR)) return false;
  patBefore = rdmsr(MSR_PAT);
  wrmsr(MSR_PAT, PAT_VALUE);
  write_cr3(read_cr3());         // drop any TLB entry made under the old table
  patWc = true;
  return true;
}

// The cache bits for the device page at `phys`: write-combining for the
// framebuffer the boot loader reported, uncached for anything else (or
// when there is no write-combining entry).
export function deviceCacheBits(phys: u64): u64 {
  if (!patWc || !mbHasFramebuffer) return CACHE_UC;
  const start = mbFbAddr & ~(<u64>0xFFF);
  const end = mbFbAddr + <u64>mbFbPitch * <u64>mbFbHeight;
  return phys >= start && phys < end ? CACHE_WC : CACHE_UC;
}
