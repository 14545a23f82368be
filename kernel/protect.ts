// protect.ts — the CPU's memory protections, switched on and reported.
//
// boot/ already turned on NX (EFER.NXE) and write protection in ring 0
// (CR0.WP) and mapped the kernel W^X. Here the kernel adds SMEP (ring 0
// never executes user pages) and SMAP (ring 0 never reads or writes user
// pages unless it says so with stac) when cpuid leaf 7 says the CPU has
// them (cpu.ts), then prints one line:
//   protections: nx wp smep smap          (those that are on)

import { read_cr0, read_cr4, write_cr4, rdmsr } from "./x86";
import { cpuHas, CPU_SMAP, CPU_SMEP } from "./cpu";
import { print, println } from "./print";

export const CR0_WP: u64 = 1 << 16;
export const CR4_SMEP: u64 = 1 << 20;
export const CR4_SMAP: u64 = 1 << 21;
const MSR_EFER: u32 = 0xC000_0080;
const EFER_NXE: u64 = 1 << 11;

// Turn on what the CPU offers. Returns the CR4 bits it set.
export function protectEnable(): u64 {
  let add: u64 = 0;
  if (cpuHas(CPU_SMEP)) add |= CR4_SMEP;
  if (cpuHas(CPU_SMAP)) add |= CR4_SMAP;
  if (add != 0) write_cr4(read_cr4() | add);
  return add;
}

export function protectPrint(): void {
  const cr4 = read_cr4();
  print("protections:");
  if (rdmsr(MSR_EFER) & EFER_NXE) print(" nx");
  if (read_cr0() & CR0_WP) print(" wp");
  if (cr4 & CR4_SMEP) print(" smep");
  if (cr4 & CR4_SMAP) print(" smap");
  println();
}
