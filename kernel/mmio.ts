// mmio.ts — device registers (the local APIC, the I/O APICs) through the
// direct map.
//
// The direct map (kvspace.ts, or boot/'s tables before it) maps physical
// 0..4 GiB with write-back 2 MiB pages; the firmware's MTRRs make the APIC
// ranges uncached on real PCs, but the kernel should not rely on that.
// mmioUncached() sets PCD | PWT (PAT entry 3: uncached, the power-on PAT)
// on the live page-table entry that maps a device's registers and flushes
// it from the TLB. The upper half of every address space shares the
// kernel's tables, so this holds everywhere. Only 2 MiB and 4 KiB entries
// are changed; a 1 GiB page is left alone (it would make RAM uncached).
// Register reads and writes are 32-bit phys_read32 / phys_write32: plain
// `mov`s, which is what xAPIC and I/O APIC registers need.

import { phys_read64, phys_write64, read_cr3, invlpg } from "./x86";
import { DIRECT_MAP_BASE, inDirectMap } from "./memlayout";
import { PTE_ADDR, PTE_LARGE, PTE_PRESENT } from "./paging";

export const PTE_PWT: u64 = 1 << 3;
export const PTE_PCD: u64 = 1 << 4;

// Make the direct-map page holding `phys` uncached. False when `phys` is
// not in the direct map or its entry is missing or a 1 GiB page.
export function mmioUncached(phys: u64): bool {
  if (!inDirectMap(phys, 4)) return false;
  const va = DIRECT_MAP_BASE + phys;
  let table = read_cr3() & PTE_ADDR;
  for (let level: u64 = 3; level >= 1; level--) {
    const entry = table + (((va >> (12 + 9 * level)) & 511) << 3);
    const e = phys_read64(entry);
    if ((e & PTE_PRESENT) == 0) return false;
    if (level == 2 && (e & PTE_LARGE) != 0) return false;       // 1 GiB page
    if (level == 1 && (e & PTE_LARGE) != 0) {                   // 2 MiB page
      if ((e & (PTE_PCD | PTE_PWT)) != (PTE_PCD | PTE_PWT)) {
        phys_write64(entry, e | PTE_PCD | PTE_PWT);
        invlpg(va & ~(<u64>0x1F_FFFF));
      }
      return true;
    }
    table = e & PTE_ADDR;
  }
  // A 4 KiB page table.
  const pte = table + (((va >> 12) & 511) << 3);
  const e = phys_read64(pte);
  if ((e & PTE_PRESENT) == 0) return false;
  if ((e & (PTE_PCD | PTE_PWT)) != (PTE_PCD | PTE_PWT)) {
    phys_write64(pte, e | PTE_PCD | PTE_PWT);
    invlpg(va & ~(<u64>0xFFF));
  }
  return true;
}
