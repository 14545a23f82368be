// memlayout.ts — where things are in the kernel's view of memory.
//
// The boot stub maps physical memory 0 .. DIRECT_MAP_SIZE at
// DIRECT_MAP_BASE (see toolchain/ABI.md); the kernel reaches it only through
// the x86.phys_* intrinsics, which take physical addresses.

export const DIRECT_MAP_BASE: u64 = 0xFFFF_8000_0000_0000;
export const DIRECT_MAP_SIZE: u64 = 0x1_0000_0000; // 4 GiB

// Is the physical range [phys, phys + len) inside the direct map?
export function inDirectMap(phys: u64, len: u64): bool {
  return phys <= DIRECT_MAP_SIZE && len <= DIRECT_MAP_SIZE - phys;
}
