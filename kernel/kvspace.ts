// kvspace.ts — the kernel's own address space, built by paging.ts.
//
// boot/ left the CPU on its boot page tables: the direct map (PML4[256],
// 2 MiB pages) and the kernel image (PML4[511], 4 KiB pages with W^X
// rights from boot/linker.ld). kvspaceBuild() makes a fresh PML4 with the
// kernel's page-table code:
//   - the direct map DIRECT_MAP_BASE + 0 .. DIRECT_MAP_SIZE, rebuilt with
//     vmMapLarge: 2 MiB pages, writable, NX, kernel only;
//   - the kernel image entry (PML4[511]) shared with the boot tables, not
//     copied: boot/wasm_env.asm's __wasm_memory_grow maps new Wasm pages
//     by writing into those boot tables (kernel_pt_pool), so the image
//     must keep living there until boot/ exposes another way.
// It checks the new tables against the live ones (a few lookups) before
// loading CR3, and from then on every new address space copies its upper
// half from this PML4 (pagingInit).

import { phys_read64, phys_write64, read_cr3, write_cr3 } from "./x86";
import { DIRECT_MAP_BASE, DIRECT_MAP_SIZE, KERNEL_OFFSET } from "./memlayout";
import { pagingInit, tableAlloc, vmLookup, vmMapLarge, lookupPhys, lookupRights, LARGE_PAGE_SIZE, MAP_WRITE, PTE_ADDR, PTE_LARGE, PTE_PRESENT } from "./paging";
import { frameFree } from "./frames";
import { KErr } from "./errors";

export let kvspaceError: string = "";

// The same answer from both address spaces for `va`?
function sameMapping(a: u64, b: u64, va: u64): bool {
  if (vmLookup(a, va) != KErr.OK) return false;
  const pa = lookupPhys, ra = lookupRights;
  if (vmLookup(b, va) != KErr.OK) return false;
  return pa == lookupPhys && ra == lookupRights;
}

// Give back the tables of a half-built kernel PML4: the direct map's
// PDPT and page directories (PML4[256]), then the PML4. PML4[511] is boot's.
function discard(pml4: u64): void {
  const e4 = phys_read64(pml4 + 256 * 8);
  if (e4 & PTE_PRESENT) {
    const pdpt = e4 & PTE_ADDR;
    for (let i: u64 = 0; i < 512; i++) {
      const e3 = phys_read64(pdpt + i * 8);
      if ((e3 & PTE_PRESENT) != 0 && (e3 & PTE_LARGE) == 0) frameFree(e3 & PTE_ADDR);
    }
    frameFree(pdpt);
  }
  frameFree(pml4);
}

function fail(pml4: u64, why: string): u64 {
  discard(pml4);
  kvspaceError = why;
  return 0;
}

// Build the kernel's address space and switch to it. Returns its PML4, or
// 0 (with kvspaceError set, its frames given back) when it could not; the
// boot tables stay live then.
export function kvspaceBuild(imagePhys: u64): u64 {
  const boot = read_cr3() & PTE_ADDR;
  const pml4 = tableAlloc();
  if (pml4 == 0) { kvspaceError = "no frame for the PML4"; return 0; }
  phys_write64(pml4 + 511 * 8, phys_read64(boot + 511 * 8));
  for (let pa: u64 = 0; pa < DIRECT_MAP_SIZE; pa += LARGE_PAGE_SIZE) {
    if (vmMapLarge(pml4, DIRECT_MAP_BASE + pa, pa, MAP_WRITE) != KErr.OK) {
      return fail(pml4, "no frame for the direct map's tables");
    }
  }
  // Spot checks: the direct map (first, some middle and last byte) and
  // the start of the kernel image.
  if (!sameMapping(boot, pml4, DIRECT_MAP_BASE) ||
      !sameMapping(boot, pml4, DIRECT_MAP_BASE + 0x1234_5678) ||
      !sameMapping(boot, pml4, DIRECT_MAP_BASE + DIRECT_MAP_SIZE - 8)) {
    return fail(pml4, "the new direct map differs from the boot one");
  }
  if (!sameMapping(boot, pml4, KERNEL_OFFSET + imagePhys)) {
    return fail(pml4, "the kernel image is not mapped the same");
  }
  write_cr3(pml4);
  pagingInit(pml4);
  return pml4;
}
