// paging.ts — x86-64 4-level page tables, built and edited by the kernel.
//
// An address space is named by the physical address of its top table (the
// PML4, what CR3 holds). Tables are 4 KiB frames from frames.ts, reached
// only through the x86.phys_* intrinsics (the direct map). The lower half
// (PML4 entries 0..255) belongs to the address space; the upper half
// (256..511: direct map, kernel image, Wasm memory) is shared by every
// address space: vspaceCreate() copies those 256 entries from the kernel's
// own PML4 (pagingInit), so they point at the same lower-level tables.
//
// Mappings are 4 KiB pages (2 MiB ones for the kernel's direct map) with
// three rights: MAP_USER (ring 3 may touch it: only in the lower half;
// kernel mappings only in the upper half), MAP_WRITE, MAP_EXEC. A page without MAP_EXEC gets NX; a page with both
// MAP_WRITE and MAP_EXEC is refused (W^X). Intermediate tables are
// present + writable (+ user in the lower half): the leaf decides.
//
// Kernel-half mappings belong in the kernel's PML4, and only under PML4
// entries that already exist there (the direct map, the image), so that
// every address space sees them. A kernel-half mapping made in another
// address space, or under a new kernel PML4 entry after address spaces
// were created, is private to that space and its tables are not freed
// by vspaceFree. (Pre-allocating all 256 kernel PDPTs would lift this.)
//
// Each operation checks its arguments first (vmCheck*) and only then
// changes tables, so a refused call changes nothing. vmMap may leave empty
// intermediate tables behind when it runs out of frames half-way; they are
// reused by the next map and freed with the address space.

import { phys_read64, phys_write64, read_cr3, invlpg } from "./x86";
import { frameAlloc, frameFree } from "./frames";
import { KErr } from "./errors";
import { PAGE_SIZE } from "./memlayout";

// --- page-table entry bits ------------------------------------------------------
export const PTE_PRESENT: u64 = 1 << 0;
export const PTE_WRITABLE: u64 = 1 << 1;
export const PTE_USER: u64 = 1 << 2;
export const PTE_ACCESSED: u64 = 1 << 5;
export const PTE_DIRTY: u64 = 1 << 6;
export const PTE_LARGE: u64 = 1 << 7;   // 2 MiB / 1 GiB page in a PD / PDPT
export const PTE_GLOBAL: u64 = 1 << 8;
export const PTE_NX: u64 = <u64>1 << 63;
export const PTE_ADDR: u64 = 0x000F_FFFF_FFFF_F000;

// --- mapping rights ---------------------------------------------------------------
export const MAP_WRITE: u32 = 1;
export const MAP_EXEC: u32 = 2;
export const MAP_USER: u32 = 4;
const MAP_ALL: u32 = MAP_WRITE | MAP_EXEC | MAP_USER;

// Lower half: 0 .. USER_TOP; upper half: KERNEL_HALF .. 2^64.
export const USER_TOP: u64 = 0x0000_8000_0000_0000;
export const KERNEL_HALF: u64 = 0xFFFF_8000_0000_0000;
export const LARGE_PAGE_SIZE: u64 = 0x20_0000;
// Physical addresses have at most 52 bits.
const PHYS_LIMIT: u64 = <u64>1 << 52;

let kernelPml4: u64 = 0;

// The result of the last successful vmLookup().
export let lookupPhys: u64 = 0;   // physical address of the virtual address asked for
export let lookupRights: u32 = 0; // MAP_* bits of the leaf

// Use `pml4` as the kernel's address space: the source of the upper half of
// every new address space. 0 means "whatever CR3 holds now".
export function pagingInit(pml4: u64): void {
  kernelPml4 = pml4 != 0 ? pml4 : read_cr3() & PTE_ADDR;
}

export function pagingKernelPml4(): u64 {
  return kernelPml4;
}

@inline function index(va: u64, level: u32): u64 {
  // level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT
  return (va >> (12 + 9 * <u64>level)) & 511;
}

@inline function entryAddr(table: u64, i: u64): u64 {
  return table + (i << 3);
}

function zeroFrame(phys: u64): void {
  for (let off: u64 = 0; off < PAGE_SIZE; off += 8) phys_write64(phys + off, 0);
}

// A zeroed frame for a page table, or 0.
export function tableAlloc(): u64 {
  const t = frameAlloc();
  if (t != 0) zeroFrame(t);
  return t;
}

function canonical(va: u64): bool {
  return va < USER_TOP || va >= KERNEL_HALF;
}

// A new address space: a zeroed PML4 whose upper half is the kernel's.
// Returns its physical address, or 0 when no frame is left.
export function vspaceCreate(): u64 {
  const pml4 = tableAlloc();
  if (pml4 == 0) return 0;
  if (kernelPml4 != 0) {
    for (let i: u64 = 256; i < 512; i++) {
      phys_write64(entryAddr(pml4, i), phys_read64(entryAddr(kernelPml4, i)));
    }
  }
  return pml4;
}

// Decode for vmMap: KErr.OK when mapping `pa` at `va` with `rights` is allowed.
export function vmCheckMap(va: u64, pa: u64, rights: u32): KErr {
  if ((rights & ~MAP_ALL) != 0) return KErr.INVALID_ARGUMENT;
  if ((rights & MAP_WRITE) != 0 && (rights & MAP_EXEC) != 0) return KErr.WRITE_AND_EXECUTE;
  if ((va & (PAGE_SIZE - 1)) != 0 || (pa & (PAGE_SIZE - 1)) != 0) return KErr.BAD_ADDRESS;
  if (pa >= PHYS_LIMIT || !canonical(va)) return KErr.BAD_ADDRESS;
  const user = (rights & MAP_USER) != 0;
  if (user != (va < USER_TOP)) return KErr.BAD_ADDRESS;
  return KErr.OK;
}

// The leaf entry for a 4 KiB page with these rights.
export function leafEntry(pa: u64, rights: u32): u64 {
  let e = pa | PTE_PRESENT;
  if (rights & MAP_WRITE) e |= PTE_WRITABLE;
  if (rights & MAP_USER) e |= PTE_USER;
  if ((rights & MAP_EXEC) == 0) e |= PTE_NX;
  return e;
}

// Map the 4 KiB page at virtual `va` of address space `pml4` to physical `pa`.
export function vmMap(pml4: u64, va: u64, pa: u64, rights: u32): KErr {
  const err = vmCheckMap(va, pa, rights);
  if (err != KErr.OK) return err;
  return mapAt(pml4, va, leafEntry(pa, rights), (rights & MAP_USER) != 0, 0);
}

// Map a 2 MiB page (the kernel's direct map): same rules, 2 MiB alignment.
export function vmMapLarge(pml4: u64, va: u64, pa: u64, rights: u32): KErr {
  const err = vmCheckMap(va, pa, rights);
  if (err != KErr.OK) return err;
  if ((va & (LARGE_PAGE_SIZE - 1)) != 0 || (pa & (LARGE_PAGE_SIZE - 1)) != 0) return KErr.BAD_ADDRESS;
  return mapAt(pml4, va, leafEntry(pa, rights) | PTE_LARGE, (rights & MAP_USER) != 0, 1);
}

// Walk down to level `leafLevel` (0: PT, 1: PD), making the missing
// tables; the table at that level, or 0 with descendErr set.
let descendErr: KErr = KErr.OK;
function descend(pml4: u64, va: u64, user: bool, leafLevel: u32): u64 {
  const inner = PTE_PRESENT | PTE_WRITABLE | (user ? PTE_USER : 0);
  let table = pml4;
  for (let level: u32 = 3; level > leafLevel; level--) {
    const ea = entryAddr(table, index(va, level));
    const e = phys_read64(ea);
    if ((e & PTE_PRESENT) == 0) {
      const t = tableAlloc();
      if (t == 0) { descendErr = KErr.OUT_OF_MEMORY; return 0; }
      phys_write64(ea, t | inner);
      table = t;
    } else {
      if (e & PTE_LARGE) { descendErr = KErr.ALREADY_MAPPED; return 0; } // covered by a large page
      table = e & PTE_ADDR;
    }
  }
  return table;
}

// Perform: store `entry` at level `leafLevel` for `va` if the place is free.
function mapAt(pml4: u64, va: u64, entry: u64, user: bool, leafLevel: u32): KErr {
  const table = descend(pml4, va, user, leafLevel);
  if (table == 0) return descendErr;
  const leaf = entryAddr(table, index(va, leafLevel));
  if (phys_read64(leaf) & PTE_PRESENT) return KErr.ALREADY_MAPPED;
  phys_write64(leaf, entry);
  return KErr.OK;
}

// Make sure the page table (the last level) for the kernel-half address
// `va` exists, mapping nothing: for pages that boot/'s __wasm_memory_grow
// maps later by walking the live tables.
export function vmEnsureTable(pml4: u64, va: u64): KErr {
  if ((va & (PAGE_SIZE - 1)) != 0 || va < KERNEL_HALF) return KErr.BAD_ADDRESS;
  return descend(pml4, va, false, 0) == 0 ? descendErr : KErr.OK;
}

// The physical address of the entry that maps `va` at the lowest level
// reached, and at which level (in walkLevel); 0 when a table is missing.
let walkLevel: u32 = 0;
function walk(pml4: u64, va: u64): u64 {
  let table = pml4;
  let level: u32 = 3;
  while (level > 0) {
    const ea = entryAddr(table, index(va, level));
    walkLevel = level;
    const e = phys_read64(ea);
    if ((e & PTE_PRESENT) == 0) return 0;
    if (e & PTE_LARGE) return ea;
    table = e & PTE_ADDR;
    level--;
  }
  walkLevel = 0;
  return entryAddr(table, index(va, 0));
}

function rightsOf(e: u64): u32 {
  let r: u32 = 0;
  if (e & PTE_WRITABLE) r |= MAP_WRITE;
  if (e & PTE_USER) r |= MAP_USER;
  if ((e & PTE_NX) == 0) r |= MAP_EXEC;
  return r;
}

// What is `va` mapped to? OK with lookupPhys/lookupRights set, or
// NOT_MAPPED. Large pages (the boot stub's direct map) are understood.
export function vmLookup(pml4: u64, va: u64): KErr {
  if (!canonical(va)) return KErr.BAD_ADDRESS;
  const ea = walk(pml4, va);
  if (ea == 0) return KErr.NOT_MAPPED;
  const e = phys_read64(ea);
  if ((e & PTE_PRESENT) == 0) return KErr.NOT_MAPPED;
  const pageBits: u64 = 12 + 9 * <u64>walkLevel;
  const pageMask: u64 = (<u64>1 << pageBits) - 1;
  lookupPhys = (e & PTE_ADDR & ~pageMask) | (va & pageMask);
  lookupRights = rightsOf(e);
  return KErr.OK;
}

// Remove the 4 KiB mapping at `va`. The frame is not freed (it belongs to
// whoever mapped it); the TLB entry is flushed if `pml4` is the live one.
// Bumped whenever a mapping goes away (vmUnmap, vspaceFree): caches of
// resolved user addresses (ipc.ts: a thread's IPC buffer frame, tcb.ts
// bufPhys) are valid only while it is unchanged.
export let mapEpoch: u64 = 1;

export function vmUnmap(pml4: u64, va: u64): KErr {
  if ((va & (PAGE_SIZE - 1)) != 0 || !canonical(va)) return KErr.BAD_ADDRESS;
  const ea = walk(pml4, va);
  if (ea == 0 || (phys_read64(ea) & PTE_PRESENT) == 0) return KErr.NOT_MAPPED;
  if (walkLevel != 0) return KErr.BAD_ADDRESS; // part of a large page: not ours to split
  phys_write64(ea, 0);
  mapEpoch++;
  if ((read_cr3() & PTE_ADDR) == pml4) invlpg(va);
  return KErr.OK;
}

// Free the page tables of an address space: every table below the lower
// half of the PML4, and the PML4 itself. The upper half is shared with the
// kernel and left alone; mapped frames are not freed. Must not be live.
export function vspaceFree(pml4: u64): KErr {
  mapEpoch++;
  if (pml4 == kernelPml4 || (read_cr3() & PTE_ADDR) == pml4) return KErr.BUSY;
  for (let i: u64 = 0; i < 256; i++) {
    const e3 = phys_read64(entryAddr(pml4, i));
    if ((e3 & PTE_PRESENT) == 0) continue;
    const pdpt = e3 & PTE_ADDR;
    for (let j: u64 = 0; j < 512; j++) {
      const e2 = phys_read64(entryAddr(pdpt, j));
      if ((e2 & PTE_PRESENT) == 0 || (e2 & PTE_LARGE) != 0) continue;
      const pd = e2 & PTE_ADDR;
      for (let k: u64 = 0; k < 512; k++) {
        const e1 = phys_read64(entryAddr(pd, k));
        if ((e1 & PTE_PRESENT) == 0 || (e1 & PTE_LARGE) != 0) continue;
        frameFree(e1 & PTE_ADDR);
      }
      frameFree(pd);
    }
    frameFree(pdpt);
  }
  frameFree(pml4);
  return KErr.OK;
}
