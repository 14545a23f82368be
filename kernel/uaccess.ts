// uaccess.ts — checked access to user memory from the kernel.
//
// The kernel never dereferences a user pointer: SMAP stays on. A user
// range is checked against the address space's page tables (lower half,
// no wrap-around, every page present with MAP_USER, and MAP_WRITE when the
// kernel is to write it), then copied through the direct map, page by
// page, with the physical addresses those tables give.

import { KErr } from "./errors";
import { vmLookup, lookupPhys, lookupRights, MAP_USER, MAP_WRITE, USER_TOP } from "./paging";
import { PAGE_SIZE } from "./memlayout";
import { phys_read8, phys_read64, phys_write8 } from "./x86";

// May the user of `pml4` have the kernel read (write = false) or write
// (write = true) the `len` bytes at `va`? KErr.OK or BAD_ADDRESS.
export function userRangeCheck(pml4: u64, va: u64, len: u64, write: bool): KErr {
  if (len == 0) return KErr.OK;
  if (va >= USER_TOP || len > USER_TOP - va) return KErr.BAD_ADDRESS;
  const need: u32 = MAP_USER | (write ? MAP_WRITE : 0);
  const last = (va + len - 1) & ~(PAGE_SIZE - 1);
  for (let page = va & ~(PAGE_SIZE - 1); page <= last; page += PAGE_SIZE) {
    if (vmLookup(pml4, page) != KErr.OK) return KErr.BAD_ADDRESS;
    if ((lookupRights & need) != need) return KErr.BAD_ADDRESS;
  }
  return KErr.OK;
}

// Copy `len` user bytes at `va` into kernel linear memory at `dst`.
export function copyFromUser(pml4: u64, dst: usize, va: u64, len: u64): KErr {
  const err = userRangeCheck(pml4, va, len, false);
  if (err != KErr.OK) return err;
  let done: u64 = 0;
  while (done < len) {
    const at = va + done;
    vmLookup(pml4, at);
    let chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
    if (chunk > len - done) chunk = len - done;
    const pa = lookupPhys;
    let i: u64 = 0;
    for (; i + 8 <= chunk; i += 8) store<u64>(dst + <usize>(done + i), phys_read64(pa + i));
    for (; i < chunk; i++) store<u8>(dst + <usize>(done + i), phys_read8(pa + i));
    done += chunk;
  }
  return KErr.OK;
}

// Copy `len` bytes of kernel linear memory at `src` to user `va` (writable pages only).
export function copyToUser(pml4: u64, va: u64, src: usize, len: u64): KErr {
  const err = userRangeCheck(pml4, va, len, true);
  if (err != KErr.OK) return err;
  for (let i: u64 = 0; i < len; i++) {
    vmLookup(pml4, va + i);
    phys_write8(lookupPhys, load<u8>(src + <usize>i));
  }
  return KErr.OK;
}
