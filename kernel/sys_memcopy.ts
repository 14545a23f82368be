// sys_memcopy.ts — mem_copy (system call 53): bytes from one memory object
// to another, both named by capabilities, copied by the kernel through its
// direct map. Neither object needs to be mapped by the caller. This is how
// a server moves data into or out of a buffer a client shared with it
// (servers/fs/clients.ts): the client's pages are never in the server's
// address space, so a client that revokes or deletes its capability gets
// an error reply (the server's mem_copy fails with EMPTY_SLOT) and cannot
// make the server fault.
//
// Checks: dst must carry RIGHT_WRITE, src RIGHT_READ; both ranges must lie
// inside their objects (INVALID_ARGUMENT); len is at most MEM_COPY_MAX
// (128 KiB: 16384 eight-byte moves, which bounds the time the kernel runs
// without preemption); overlapping ranges (one object twice) are refused
// (INVALID_ARGUMENT). Device memory is refused (WRONG_TYPE): its reads and
// writes can have side effects, and it is the driver's to touch through
// its own uncached mapping, not the kernel's direct map.

import { KErr } from "./errors";
import { slot, objPhys, objWord, MEM_DEVICE, MEM_PAGES_MASK, RIGHT_READ, RIGHT_WRITE } from "./cap";
import { OBJ_MEMORY } from "./objects";
import { execCur } from "./exec";
import { capError, capLookup } from "./ipc";
import { PAGE_SIZE } from "./memlayout";
import { MEM_COPY_MAX } from "./syscalls";
import { phys_copy64, phys_read8, phys_write8 } from "./x86";

let rangeErr: KErr = KErr.OK;

// The physical address of bytes [off, off + len) of the RAM memory object
// in the caller's slot `mem` (with `rights`), or 0 with the reason in rangeErr.
function range(mem: u32, off: u64, len: u64, rights: u32): u64 {
  const id = capLookup(<u32>execCur, mem, OBJ_MEMORY, rights);
  if (id < 0) { rangeErr = capError; return 0; }
  const obj = slot(<u32>id).obj;
  const word = objWord(OBJ_MEMORY, obj);
  if ((word & MEM_DEVICE) != 0) { rangeErr = KErr.WRONG_TYPE; return 0; }
  const size = ((word & MEM_PAGES_MASK) + 1) * PAGE_SIZE;
  if (off > size || len > size - off) { rangeErr = KErr.INVALID_ARGUMENT; return 0; }
  return objPhys(OBJ_MEMORY, obj) + off;
}

// mem_copy(dst, dst_off, src, src_off, len)
export function sysMemCopy(dst: u32, dstOff: u64, src: u32, srcOff: u64, len: u64): i64 {
  if (len > MEM_COPY_MAX) return -<i64>KErr.INVALID_ARGUMENT;
  const d = range(dst, dstOff, len, RIGHT_WRITE);
  if (d == 0) return -<i64>rangeErr;
  const s = range(src, srcOff, len, RIGHT_READ);
  if (s == 0) return -<i64>rangeErr;
  if (d < s + len && s < d + len) return -<i64>KErr.INVALID_ARGUMENT;
  const words = len >> 3;
  if (words != 0) phys_copy64(d, s, words);
  for (let i = words << 3; i < len; i++) phys_write8(d + i, phys_read8(s + i));
  return 0;
}
