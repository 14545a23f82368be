// kvspace.ts — the kernel's own address space, built by paging.ts.
//
// boot/ left the CPU on its boot page tables: the direct map (PML4[256],
// 2 MiB pages) and the kernel image (PML4[511], 4 KiB pages with W^X
// rights from boot/linker.ld). kvspaceBuild() makes a fresh PML4 with the
// kernel's page-table code:
//   - the direct map DIRECT_MAP_BASE + 0 .. DIRECT_MAP_SIZE, rebuilt with
//     vmMapLarge: 2 MiB pages, writable, NX, kernel only;
//   - the kernel image at KERNEL_OFFSET + physical, from boot/'s layout
//     table (layout.ts): text read + execute, rodata read-only, data, bss,
//     stacks, boot's tables and the Wasm memory up to its current size
//     (memory.size()) read + write NX, the stack guard pages left out; and
//     a page table, with nothing mapped, for every other page of the Wasm
//     memory reservation, where boot/'s __wasm_memory_grow maps the pages
//     it adds (it finds their entries by walking CR3).
//   - Without a layout table (the Node tests that pass none), the image
//     entry PML4[511] is shared with the boot tables instead.
// It checks the new tables against the live ones (a few lookups in the
// direct map, every page of the image) before loading CR3, and from then
// on every new address space copies its upper half from this PML4
// (pagingInit).

import { phys_read64, phys_write64, read_cr3, write_cr3 } from "./x86";
import { DIRECT_MAP_BASE, DIRECT_MAP_SIZE, KERNEL_OFFSET, PAGE_SIZE } from "./memlayout";
import {
  pagingInit, tableAlloc, vmEnsureTable, vmLookup, vmMap, vmMapLarge, lookupPhys, lookupRights,
  LARGE_PAGE_SIZE, MAP_EXEC, MAP_WRITE, PTE_ADDR, PTE_LARGE, PTE_PRESENT
} from "./paging";
import { frameFree } from "./frames";
import { KErr } from "./errors";
import {
  dataStart, kernelEnd, kernelStart, layoutIsGuard, layoutValid, rodataEnd, rodataStart,
  textEnd, textStart, wasmBase, wasmReserved
} from "./layout";

export let kvspaceError: string = "";
export let kvspaceOwnImage = false; // the image is mapped by the kernel's own tables

// The same answer from both address spaces for `va`?
function sameMapping(a: u64, b: u64, va: u64): bool {
  if (vmLookup(a, va) != KErr.OK) return false;
  const pa = lookupPhys, ra = lookupRights;
  if (vmLookup(b, va) != KErr.OK) return false;
  return pa == lookupPhys && ra == lookupRights;
}

// Mapped the same in both, or unmapped in both?
function sameOrBothUnmapped(a: u64, b: u64, va: u64): bool {
  const ea = vmLookup(a, va);
  const pa = lookupPhys, ra = lookupRights;
  const eb = vmLookup(b, va);
  if (ea != KErr.OK || eb != KErr.OK) return ea == eb;
  return pa == lookupPhys && ra == lookupRights;
}

// Free the tables (not the pages) below PML4 entry `i` of `pml4`.
function freeTables(pml4: u64, i: u64): void {
  const e4 = phys_read64(pml4 + i * 8);
  if ((e4 & PTE_PRESENT) == 0) return;
  const pdpt = e4 & PTE_ADDR;
  for (let j: u64 = 0; j < 512; j++) {
    const e3 = phys_read64(pdpt + j * 8);
    if ((e3 & PTE_PRESENT) == 0 || (e3 & PTE_LARGE) != 0) continue;
    const pd = e3 & PTE_ADDR;
    for (let k: u64 = 0; k < 512; k++) {
      const e2 = phys_read64(pd + k * 8);
      if ((e2 & PTE_PRESENT) != 0 && (e2 & PTE_LARGE) == 0) frameFree(e2 & PTE_ADDR);
    }
    frameFree(pd);
  }
  frameFree(pdpt);
}

// Give back the tables of a half-built kernel PML4: the direct map's
// (PML4[256]), the image's when they are ours (PML4[511]), the PML4.
function discard(pml4: u64, ownImage: bool): void {
  freeTables(pml4, 256);
  if (ownImage) freeTables(pml4, 511);
  frameFree(pml4);
}

function fail(pml4: u64, ownImage: bool, why: string): u64 {
  discard(pml4, ownImage);
  kvspaceError = why;
  return 0;
}

// Map physical [start, end) at KERNEL_OFFSET + physical, 4 KiB pages,
// leaving out the stack guard pages.
function mapImageRange(pml4: u64, start: u64, end: u64, rights: u32): KErr {
  for (let pa = start; pa < end; pa += PAGE_SIZE) {
    if (layoutIsGuard(pa)) continue;
    const err = vmMap(pml4, KERNEL_OFFSET + pa, pa, rights);
    if (err != KErr.OK) return err;
  }
  return KErr.OK;
}

// The image, from the layout table (see the top of this file).
function mapImage(pml4: u64): KErr {
  let err = mapImageRange(pml4, textStart, textEnd, MAP_EXEC);
  if (err == KErr.OK) err = mapImageRange(pml4, rodataStart, rodataEnd, 0);
  const wasmEnd = wasmBase + (<u64>memory.size() << 16);
  if (err == KErr.OK) err = mapImageRange(pml4, dataStart, wasmEnd, MAP_WRITE);
  for (let pa = wasmEnd; err == KErr.OK && pa < wasmBase + wasmReserved; pa += PAGE_SIZE) {
    err = vmEnsureTable(pml4, KERNEL_OFFSET + pa);
  }
  return err;
}

// Build the kernel's address space and switch to it. Returns its PML4, or
// 0 (with kvspaceError set, its frames given back) when it could not; the
// boot tables stay live then. `imagePhys`: where the image starts, for the
// check when the image is shared with boot/.
export function kvspaceBuild(imagePhys: u64): u64 {
  kvspaceOwnImage = false;
  const boot = read_cr3() & PTE_ADDR;
  const own = layoutValid;
  const pml4 = tableAlloc();
  if (pml4 == 0) { kvspaceError = "no frame for the PML4"; return 0; }
  if (own) {
    const err = mapImage(pml4);
    if (err != KErr.OK) {
      return fail(pml4, own, err == KErr.OUT_OF_MEMORY ? "no frame for the image's tables" : "the image could not be mapped");
    }
  } else {
    phys_write64(pml4 + 511 * 8, phys_read64(boot + 511 * 8));
  }
  for (let pa: u64 = 0; pa < DIRECT_MAP_SIZE; pa += LARGE_PAGE_SIZE) {
    if (vmMapLarge(pml4, DIRECT_MAP_BASE + pa, pa, MAP_WRITE) != KErr.OK) {
      return fail(pml4, own, "no frame for the direct map's tables");
    }
  }
  // Spot checks: the direct map (first, some middle and last byte) and
  // the kernel image (every page of it, when we mapped it).
  if (!sameMapping(boot, pml4, DIRECT_MAP_BASE) ||
      !sameMapping(boot, pml4, DIRECT_MAP_BASE + 0x1234_5678) ||
      !sameMapping(boot, pml4, DIRECT_MAP_BASE + DIRECT_MAP_SIZE - 8)) {
    return fail(pml4, own, "the new direct map differs from the boot one");
  }
  if (own) {
    for (let pa = kernelStart; pa < kernelEnd; pa += PAGE_SIZE) {
      if (!sameOrBothUnmapped(boot, pml4, KERNEL_OFFSET + pa)) {
        return fail(pml4, own, "the kernel image is not mapped the same");
      }
    }
  } else if (!sameMapping(boot, pml4, KERNEL_OFFSET + imagePhys)) {
    return fail(pml4, own, "the kernel image is not mapped the same");
  }
  write_cr3(pml4);
  pagingInit(pml4);
  kvspaceOwnImage = own;
  return pml4;
}
