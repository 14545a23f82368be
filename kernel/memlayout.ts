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

// The kernel image: linked at KERNEL_OFFSET + physical address, loaded by
// GRUB at KERNEL_PHYS (boot/linker.ld). The boot page tables can map at most
// KERNEL_MAX_SIZE of it (boot/boot.inc: KERNEL_PT_COUNT x 2 MiB), so when the
// boot information does not say where the image ends, [KERNEL_PHYS,
// KERNEL_PHYS + KERNEL_MAX_SIZE) is a safe over-estimate.
export const KERNEL_OFFSET: u64 = 0xFFFF_FFFF_8000_0000;
export const KERNEL_PHYS: u64 = 0x10_0000;
export const KERNEL_MAX_SIZE: u64 = 128 << 20;

// Physical memory below 1 MiB (real-mode IVT, BIOS data, EBDA, video memory,
// option ROMs) is never handed out.
export const LOW_MEMORY_END: u64 = 0x10_0000;

export const PAGE_SIZE: u64 = 4096;
export const PAGE_SHIFT: u64 = 12;
