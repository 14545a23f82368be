// strpool.ts — the kernel's own copies of strings it was handed at boot.
//
// Strings from the boot loader (command line, loader name, module strings)
// live in memory the kernel will later reuse, so multiboot2.ts copies them
// here, into one static pool. A pooled string is named by a single usize:
// the address of a u32 byte count followed by the bytes (no terminator).
// When the pool is full, strings are cut short and counted in
// poolTruncated; the pool never grows and never frees.

import { phys_read8 } from "./x86";

export const POOL_SIZE: u32 = 8192;
export const MAX_STRING: u32 = 2048; // longest string kept, in bytes

const pool = memory.data(POOL_SIZE, 4);
let used: u32 = 0;
export let poolTruncated: u32 = 0;

// The empty string, always available.
export const EMPTY_STR: usize = memory.data(4, 4);

export function strLen(s: usize): u32 {
  return load<u32>(s);
}

export function strData(s: usize): usize {
  return s + 4;
}

// Forget every pooled string (used before parsing the boot information again).
export function poolReset(): void {
  used = 0;
  poolTruncated = 0;
}

// Copy the NUL-terminated string at physical address `phys`, reading at
// most `limit` bytes (the end of the structure that holds it).
export function poolCopyPhys(phys: u64, limit: u32): usize {
  const room = POOL_SIZE - used;
  if (room < 4) {
    poolTruncated++;
    return EMPTY_STR;
  }
  let max = room - 4;
  if (max > MAX_STRING) max = MAX_STRING;
  const s = pool + used;
  let n: u32 = 0;
  while (n < limit) {
    const b = phys_read8(phys + n);
    if (b == 0) break;
    if (n == max) {
      poolTruncated++;
      break;
    }
    store<u8>(s + 4 + n, b);
    n++;
  }
  store<u32>(s, n);
  used += (4 + n + 3) & ~3;
  return s;
}
