// elf.ts — check and load a user program: a static ELF64 executable from
// a boot module, into a new address space.
//
// elfCheck() reads the file only through the direct map (it lies in
// physical memory where GRUB put it) and accepts it only if every rule
// below holds; elfLoad() then copies its PT_LOAD segments into fresh
// frames mapped with MAP_USER and the segment's rights. The rules:
//   - an ELF64, little-endian, version 1, ET_EXEC, x86-64 file of at
//     most ELF_MAX_FILE bytes;
//   - program headers of the standard size, 1..ELF_MAX_PHDRS of them,
//     wholly inside the file;
//   - every PT_LOAD: file bytes inside the file, filesz <= memsz <=
//     ELF_MAX_SEGMENT, at or above ELF_USER_MIN (the null page stays
//     unmapped) and ending below USER_STACK_GUARD (the stack's region),
//     not writable and executable at once, not sharing a page with
//     another PT_LOAD;
//   - at least one PT_LOAD; the entry point inside an executable one.
// A PT_LOAD with filesz = memsz = 0 is ignored (it loads nothing).
// Other program headers (GNU_STACK, NOTE, ...) are ignored.

import { phys_read16, phys_read32, phys_read64, phys_read8, phys_write64, phys_write8 } from "./x86";
import { frameAlloc } from "./frames";
import { vmMap, MAP_EXEC, MAP_USER, MAP_WRITE } from "./paging";
import { KErr } from "./errors";
import { PAGE_SIZE } from "./memlayout";

// The user stack: USER_STACK_PAGES pages below USER_STACK_TOP, one
// unmapped guard page below them, nothing mapped above (so a `syscall` can
// never be the last instruction of the lower half: no non-canonical rcx).
export const USER_STACK_TOP: u64 = 0x0000_7FFF_FFF0_0000;
export const USER_STACK_PAGES: u64 = 4;
export const USER_STACK_GUARD: u64 = USER_STACK_TOP - (USER_STACK_PAGES + 1) * 4096;
export const ELF_USER_MIN: u64 = 0x1_0000;
export const ELF_MAX_FILE: u64 = 16 << 20;
export const ELF_MAX_SEGMENT: u64 = 64 << 20;
export const ELF_MAX_PHDRS: u32 = 16;

// Results of elfCheck.
export const ELF_OK: u32 = 0;
export const ELF_E_SIZE: u32 = 1;
export const ELF_E_MAGIC: u32 = 2;
export const ELF_E_CLASS: u32 = 3;
export const ELF_E_TYPE: u32 = 4;
export const ELF_E_MACHINE: u32 = 5;
export const ELF_E_PHDRS: u32 = 6;
export const ELF_E_SEGMENT_FILE: u32 = 7;
export const ELF_E_SEGMENT_SIZE: u32 = 8;
export const ELF_E_SEGMENT_ADDRESS: u32 = 9;
export const ELF_E_WX: u32 = 10;
export const ELF_E_OVERLAP: u32 = 11;
export const ELF_E_NO_LOAD: u32 = 12;
export const ELF_E_ENTRY: u32 = 13;

export function elfErrorText(code: u32): string {
  switch (code) {
    case ELF_OK: return "ok";
    case ELF_E_SIZE: return "file too small or too large";
    case ELF_E_MAGIC: return "not an ELF file";
    case ELF_E_CLASS: return "not ELF64 little-endian version 1";
    case ELF_E_TYPE: return "not a static executable (ET_EXEC)";
    case ELF_E_MACHINE: return "not an x86-64 program";
    case ELF_E_PHDRS: return "bad program header table";
    case ELF_E_SEGMENT_FILE: return "a segment's bytes lie outside the file";
    case ELF_E_SEGMENT_SIZE: return "a segment's sizes are bad";
    case ELF_E_SEGMENT_ADDRESS: return "a segment lies outside the user program area";
    case ELF_E_WX: return "a segment is writable and executable";
    case ELF_E_OVERLAP: return "two segments share a page";
    case ELF_E_NO_LOAD: return "no loadable segment";
    case ELF_E_ENTRY: return "the entry point is not in an executable segment";
  }
  return "unknown error";
}

const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PHDR_SIZE: u64 = 56;

export let elfEntry: u64 = 0;

// Program header `i` of the file at `phys` (already bounds-checked).
@inline function ph(phys: u64, i: u32): u64 {
  return phys + phys_read64(phys + 32) + <u64>i * PHDR_SIZE;
}

// A PT_LOAD with no bytes at all loads nothing and is ignored (ld makes one
// for an empty output section: wasmc --target=user's linear memory of a
// module with no initial pages).
@inline function isEmpty(h: u64): bool {
  return phys_read64(h + 32) == 0 && phys_read64(h + 40) == 0;
}

// Check the ELF image of `size` bytes at physical `phys`; ELF_OK or why not.
export function elfCheck(phys: u64, size: u64): u32 {
  if (size < 64 || size > ELF_MAX_FILE) return ELF_E_SIZE;
  if (phys_read32(phys) != 0x464C457F) return ELF_E_MAGIC;
  if (phys_read8(phys + 4) != 2 || phys_read8(phys + 5) != 1 || phys_read8(phys + 6) != 1) return ELF_E_CLASS;
  if (phys_read16(phys + 16) != 2) return ELF_E_TYPE;
  if (phys_read16(phys + 18) != 0x3E) return ELF_E_MACHINE;
  if (phys_read32(phys + 20) != 1) return ELF_E_CLASS;
  const phoff = phys_read64(phys + 32);
  const phentsize: u64 = phys_read16(phys + 54);
  const phnum: u32 = phys_read16(phys + 56);
  if (phentsize != PHDR_SIZE || phnum == 0 || phnum > ELF_MAX_PHDRS) return ELF_E_PHDRS;
  if (phoff > size || <u64>phnum * PHDR_SIZE > size - phoff) return ELF_E_PHDRS;
  const entry = phys_read64(phys + 24);
  let loads: u32 = 0;
  let entryOk = false;
  for (let i: u32 = 0; i < phnum; i++) {
    const h = ph(phys, i);
    if (phys_read32(h) != PT_LOAD || isEmpty(h)) continue;
    loads++;
    const flags = phys_read32(h + 4);
    const off = phys_read64(h + 8), va = phys_read64(h + 16);
    const filesz = phys_read64(h + 32), memsz = phys_read64(h + 40);
    if ((flags & PF_W) != 0 && (flags & PF_X) != 0) return ELF_E_WX;
    if (filesz > memsz || memsz == 0 || memsz > ELF_MAX_SEGMENT) return ELF_E_SEGMENT_SIZE;
    if (off > size || filesz > size - off) return ELF_E_SEGMENT_FILE;
    if (va < ELF_USER_MIN || va >= USER_STACK_GUARD || memsz > USER_STACK_GUARD - va) return ELF_E_SEGMENT_ADDRESS;
    const first = va & ~(PAGE_SIZE - 1), end = (va + memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (let j: u32 = 0; j < i; j++) {
      const g = ph(phys, j);
      if (phys_read32(g) != PT_LOAD || isEmpty(g)) continue;
      const gva = phys_read64(g + 16), gsz = phys_read64(g + 40);
      const gfirst = gva & ~(PAGE_SIZE - 1), gend = (gva + gsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
      if (first < gend && gfirst < end) return ELF_E_OVERLAP;
    }
    if ((flags & PF_X) != 0 && entry >= va && entry < va + memsz) entryOk = true;
  }
  if (loads == 0) return ELF_E_NO_LOAD;
  if (!entryOk) return ELF_E_ENTRY;
  elfEntry = entry;
  return ELF_OK;
}

function zeroFrame(pa: u64): void {
  for (let o: u64 = 0; o < PAGE_SIZE; o += 8) phys_write64(pa + o, 0);
}

// Load a checked image into the (lower half of) address space `pml4`,
// and map its stack. KErr.OK, or OUT_OF_MEMORY (frames taken so far stay
// with the address space's tables: a leak until processes can be freed).
export function elfLoad(pml4: u64, phys: u64): KErr {
  const phnum: u32 = phys_read16(phys + 56);
  for (let i: u32 = 0; i < phnum; i++) {
    const h = ph(phys, i);
    if (phys_read32(h) != PT_LOAD || isEmpty(h)) continue;
    const flags = phys_read32(h + 4);
    const off = phys_read64(h + 8), va = phys_read64(h + 16);
    const filesz = phys_read64(h + 32), memsz = phys_read64(h + 40);
    let rights: u32 = MAP_USER;
    if (flags & PF_W) rights |= MAP_WRITE;
    if (flags & PF_X) rights |= MAP_EXEC;
    const end = va + memsz;
    for (let page = va & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
      const frame = frameAlloc();
      if (frame == 0) return KErr.OUT_OF_MEMORY;
      zeroFrame(frame);
      // The file bytes of [page, page + 4096): segment offsets [lo, hi).
      const lo = page > va ? page - va : 0;
      let hi = page + PAGE_SIZE - va;
      if (hi > filesz) hi = filesz;
      for (let o = lo; o < hi; o++) phys_write8(frame + (va + o - page), phys_read8(phys + off + o));
      const err = vmMap(pml4, page, frame, rights);
      if (err != KErr.OK) return err;
    }
  }
  for (let p: u64 = 1; p <= USER_STACK_PAGES; p++) {
    const frame = frameAlloc();
    if (frame == 0) return KErr.OUT_OF_MEMORY;
    zeroFrame(frame);
    const err = vmMap(pml4, USER_STACK_TOP - p * PAGE_SIZE, frame, MAP_USER | MAP_WRITE);
    if (err != KErr.OK) return err;
  }
  return KErr.OK;
}
