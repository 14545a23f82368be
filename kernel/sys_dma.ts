// sys_dma.ts — what user-space drivers need beyond I/O ports and IRQs:
// memory for DMA, device registers (MMIO), and narrowing the hardware
// capabilities a bus server (servers/pci) holds to exactly one device's.
// System calls 38..43 (toolchain/src/abi/syscalls.ts; dispatch generated).
//
// Memory objects (cap.ts) carry pages - 1 | MEM_DEVICE in their second
// word: 0 is the one-frame RAM object every capCreate makes (IPC buffers),
// so nothing before this file changes.
//
//   dma_alloc(dst, pages) -> phys   `pages` physically contiguous zeroed
//       frames below 4 GiB (32-bit DMA engines) as one memory object; its
//       physical address is the result (what the device is told).
//   mem_map(mem, va, rights)        maps every page of the object into the
//       CALLER's address space from `va` (a linear-memory address for an
//       AssemblyScript program: the stub adds USER_MEMORY_BASE; servers use
//       the window from linear 0xC000_0000, far above their heap, which
//       memory.grow never reaches before failing cleanly). MAP_WRITE needs
//       RIGHT_WRITE. Device memory is mapped uncached (PCD | PWT), the
//       boot loader's framebuffer write-combining (pat.ts). One
//       mapping per capability (as mapping.ts); deleting the capability
//       unmaps it.
//   mem_unmap(mem)                  removes that mapping.
//   mem_phys(mem) -> phys           the physical address of page 0.
//   mem_size(mem) -> bytes          its size (44).
//   devmem_create(dst, phys, pages) init only: a device-memory object for
//       a physical range that holds no usable RAM (multiboot memory map):
//       the broad capability init hands the PCI server.
//   res_derive(src, dst, first, count)  a narrower capability: an I/O port
//       capability for ports [first, first+count) inside src's range, or
//       an IRQ handler for IRQ `first` from the "any IRQ" handler (IRQ
//       IRQ_ANY = 255, which is bound to no line itself), or a device-memory
//       object for pages [first, first+count) of src's. Port and IRQ
//       capabilities are children of src (revoking src removes them); a
//       device-memory part is a new object (a root: revoke does not reach
//       it; delete it with cap_delete).
//
// Authority: any process may allocate DMA memory (no quotas yet, at most
// DMA_MAX_PAGES per object); device memory exists only through
// devmem_create (init) and res_derive.

import { KErr } from "./errors";
import {
  capCreate, capMint, slot, slotId, objPhys, objWord, objSetPhys, objSetWord, slotMappedSpace, slotUnmap,
  MEM_DEVICE, MEM_PAGES_MASK, RIGHT_READ, RIGHT_WRITE
} from "./cap";
import { objHeader, OBJ_ADDRESS_SPACE, OBJ_IO_PORTS, OBJ_IRQ_HANDLER, OBJ_MEMORY, OBJ_NULL } from "./objects";
import { tcb } from "./tcb";
import { execCur } from "./exec";
import { capError, capLookup } from "./ipc";
import { isInit } from "./initproc";
import { frameFree, framesAllocContig } from "./frames";
import { vmMap, vmUnmap, MAP_USER, MAP_WRITE, PTE_ADDR, PTE_LARGE, PTE_PRESENT } from "./paging";
import { deviceCacheBits } from "./pat";
import { invlpg, phys_read64, phys_write64, read_cr3 } from "./x86";
import { PAGE_SIZE } from "./memlayout";
import { mbRegionCount, memRegion, MEM_USABLE } from "./multiboot2";

export const DMA_MAX_PAGES: u64 = 1024;      // 4 MiB per object
export const DMA_LIMIT: u64 = 0x1_0000_0000; // below 4 GiB
export const IRQ_ANY: u32 = 255;
const SLOT_VSPACE: u32 = 3;                  // process.ts PROC_SLOT_VSPACE

@inline function err(e: KErr): i64 { return -<i64>e; }

function myCnode(): i32 { return execCur < 0 ? -1 : tcb(<u32>execCur).cnode; }

// Does physical [base, base + len) overlap usable RAM?
export function overlapsRam(base: u64, len: u64): bool {
  for (let i = 0; i < mbRegionCount; i++) {
    const r = memRegion(i);
    if (r.type != MEM_USABLE) continue;
    if (base < r.base + r.length && r.base < base + len) return true;
  }
  return false;
}

// A new memory object in the caller's slot dst for physical [phys, +pages),
// word = pages - 1 | flags. The frame capCreate allocates goes back.
function makeObject(dst: u32, phys: u64, pages: u64, flags: u64): KErr {
  const cn = myCnode();
  if (cn < 0) return KErr.INVALID_SLOT;
  const e = capCreate(OBJ_MEMORY, <u32>cn, dst, 0);
  if (e != KErr.OK) return e;
  const obj = slot(<u32>slotId(<u32>cn, dst)).obj;
  frameFree(objPhys(OBJ_MEMORY, obj));
  objSetPhys(OBJ_MEMORY, obj, phys);
  objSetWord(OBJ_MEMORY, obj, (pages - 1) | flags);
  return KErr.OK;
}

// Is the caller's slot dst a free slot?
function freeSlot(dst: u32): KErr {
  const cn = myCnode();
  if (cn < 0) return KErr.INVALID_SLOT;
  const d = slotId(<u32>cn, dst);
  if (d < 0) return KErr.INVALID_SLOT;
  if (slot(<u32>d).type != <u8>OBJ_NULL) return KErr.SLOT_OCCUPIED;
  return KErr.OK;
}

// dma_alloc(dst, pages) -> physical address.
export function sysDmaAlloc(dst: u32, pages: u64): i64 {
  if (pages == 0 || pages > DMA_MAX_PAGES) return err(KErr.INVALID_ARGUMENT);
  const f = freeSlot(dst);
  if (f != KErr.OK) return err(f);
  const phys = framesAllocContig(pages, DMA_LIMIT);
  if (phys == 0) return err(KErr.OUT_OF_MEMORY);
  for (let o: u64 = 0; o < pages * PAGE_SIZE; o += 8) phys_write64(phys + o, 0);
  const e = makeObject(dst, phys, pages, 0);
  if (e != KErr.OK) {
    for (let i: u64 = 0; i < pages; i++) frameFree(phys + i * PAGE_SIZE);
    return err(e);
  }
  return <i64>phys;
}

// The leaf entry of `va` in pml4 (a 4 KiB page mapped by vmMap), or 0.
function leafOf(pml4: u64, va: u64): u64 {
  let table = pml4;
  for (let level: u64 = 3; level >= 1; level--) {
    const e = phys_read64(table + (((va >> (12 + 9 * level)) & 511) << 3));
    if ((e & PTE_PRESENT) == 0 || (e & PTE_LARGE) != 0) return 0;
    table = e & PTE_ADDR;
  }
  return table + (((va >> 12) & 511) << 3);
}

// mem_map(mem, va, rights): every page of the object from va, in the caller's space.
export function sysMemMap(mem: u32, va: u64, rights: u32): i64 {
  if ((rights & ~MAP_WRITE) != 0) return err(KErr.INVALID_ARGUMENT);
  const id = capLookup(<u32>execCur, mem, OBJ_MEMORY, RIGHT_READ);
  if (id < 0) return err(capError);
  const m = slot(<u32>id);
  if ((rights & MAP_WRITE) != 0 && (<u32>m.rights & RIGHT_WRITE) == 0) return err(KErr.INSUFFICIENT_RIGHTS);
  if (slotMappedSpace(<u32>id) >= 0) return err(KErr.ALREADY_MAPPED);
  const sp = capLookup(<u32>execCur, SLOT_VSPACE, OBJ_ADDRESS_SPACE, 0);
  if (sp < 0) return err(capError);
  const space = slot(<u32>sp).obj;
  const pml4 = objPhys(OBJ_ADDRESS_SPACE, space);
  const word = objWord(OBJ_MEMORY, m.obj);
  const pages = (word & MEM_PAGES_MASK) + 1;
  const device = (word & MEM_DEVICE) != 0;
  const phys = objPhys(OBJ_MEMORY, m.obj);
  if ((va & (PAGE_SIZE - 1)) != 0) return err(KErr.BAD_ADDRESS);
  for (let i: u64 = 0; i < pages; i++) {
    const e = vmMap(pml4, va + i * PAGE_SIZE, phys + i * PAGE_SIZE, rights | MAP_USER);
    if (e != KErr.OK) {
      for (let j: u64 = 0; j < i; j++) vmUnmap(pml4, va + j * PAGE_SIZE);
      return err(e);
    }
    if (device) {
      const leaf = leafOf(pml4, va + i * PAGE_SIZE);
      if (leaf != 0) phys_write64(leaf, phys_read64(leaf) | deviceCacheBits(phys + i * PAGE_SIZE));
      if ((read_cr3() & PTE_ADDR) == pml4) invlpg(va + i * PAGE_SIZE);
    }
  }
  m.mapSpace = space + 1;
  m.mapGen = objHeader(OBJ_ADDRESS_SPACE, space).generation;
  m.mapVa = va;
  return 0;
}

// mem_unmap(mem)
export function sysMemUnmap(mem: u32): i64 {
  const id = capLookup(<u32>execCur, mem, OBJ_MEMORY, 0);
  if (id < 0) return err(capError);
  if (slotMappedSpace(<u32>id) < 0) return err(KErr.NOT_MAPPED);
  slotUnmap(<u32>id);
  return 0;
}

// mem_phys(mem) -> physical address of page 0.
export function sysMemPhys(mem: u32): i64 {
  const id = capLookup(<u32>execCur, mem, OBJ_MEMORY, 0);
  if (id < 0) return err(capError);
  return <i64>objPhys(OBJ_MEMORY, slot(<u32>id).obj);
}

// mem_size(mem) -> bytes.
export function sysMemSize(mem: u32): i64 {
  const id = capLookup(<u32>execCur, mem, OBJ_MEMORY, 0);
  if (id < 0) return err(capError);
  return <i64>(((objWord(OBJ_MEMORY, slot(<u32>id).obj) & MEM_PAGES_MASK) + 1) * PAGE_SIZE);
}

// devmem_create(dst, phys, pages): init only.
export function sysDevmemCreate(dst: u32, phys: u64, pages: u64): i64 {
  if (!isInit(execCur)) return err(KErr.INSUFFICIENT_RIGHTS);
  if ((phys & (PAGE_SIZE - 1)) != 0 || pages == 0 || pages > MEM_PAGES_MASK + 1) return err(KErr.INVALID_ARGUMENT);
  if (phys >= (<u64>1 << 52) || pages > ((<u64>1 << 52) - phys) / PAGE_SIZE) return err(KErr.BAD_ADDRESS);
  if (overlapsRam(phys, pages * PAGE_SIZE)) return err(KErr.BAD_ADDRESS);
  const f = freeSlot(dst);
  if (f != KErr.OK) return err(f);
  return err(makeObject(dst, phys, pages, MEM_DEVICE));
}

// res_derive(src, dst, first, count): a narrower capability (see the top).
export function sysResDerive(src: u32, dst: u32, first: u64, count: u64): i64 {
  const id = capLookup(<u32>execCur, src, OBJ_NULL, 0);
  if (id < 0) return err(capError);
  const s = slot(<u32>id);
  const type: u32 = s.type;
  const cn = <u32>myCnode();
  if (type == OBJ_IO_PORTS) {
    const f0: u64 = s.obj & 0xFFFF, c0: u64 = s.obj >> 16;
    if (count == 0 || first < f0 || first > f0 + c0 || count > f0 + c0 - first) return err(KErr.INVALID_ARGUMENT);
    const e = capMint(cn, src, cn, dst, s.rights, 0);
    if (e != KErr.OK) return err(e);
    slot(<u32>slotId(cn, dst)).obj = <u32>(first | (count << 16));
    return 0;
  }
  if (type == OBJ_IRQ_HANDLER) {
    if (s.obj != IRQ_ANY || count != 1 || first >= <u64>IRQ_ANY) return err(KErr.INVALID_ARGUMENT);
    const e = capMint(cn, src, cn, dst, s.rights, 0);
    if (e != KErr.OK) return err(e);
    slot(<u32>slotId(cn, dst)).obj = <u32>first;
    return 0;
  }
  if (type == OBJ_MEMORY) {
    const word = objWord(OBJ_MEMORY, s.obj);
    if ((word & MEM_DEVICE) == 0) return err(KErr.WRONG_TYPE);
    const pages = (word & MEM_PAGES_MASK) + 1;
    if (count == 0 || first >= pages || count > pages - first) return err(KErr.INVALID_ARGUMENT);
    const rights = s.rights;
    const f = freeSlot(dst);
    if (f != KErr.OK) return err(f);
    const e = makeObject(dst, objPhys(OBJ_MEMORY, s.obj) + first * PAGE_SIZE, count, MEM_DEVICE);
    if (e != KErr.OK) return err(e);
    slot(<u32>slotId(cn, dst)).rights = rights;
    return 0;
  }
  return err(KErr.WRONG_TYPE);
}
