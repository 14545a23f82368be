// cpu.ts — who made the processor, what it calls itself, what it can do.
//
// cpuIdentify() runs the cpuid leaves once and keeps the answers: the vendor
// string (leaf 0), the brand string (leaves 0x80000002..4) and the feature
// bits that the later memory and interrupt code will need (NX, global pages,
// 1 GiB pages, SMEP/SMAP, PCID, x2APIC, invariant TSC, ...). cpuPrint()
// writes them to the boot log.

import { cpuid } from "./x86";
import { print, printBytes, println } from "./print";

// cpuid writes eax, ebx, ecx, edx here.
const regs = memory.data(16, 16);
const vendor = memory.data(12);
const brand = memory.data(48);

export let cpuMaxLeaf: u32 = 0;
export let cpuMaxExtLeaf: u32 = 0;
let brandStart: usize = 0; // brand string without its padding
let brandEnd: usize = 0;

// Our own numbering of the features we care about, one bit each.
export const CPU_TSC: u64 = 1 << 0;
export const CPU_MSR: u64 = 1 << 1;
export const CPU_PAE: u64 = 1 << 2;
export const CPU_APIC: u64 = 1 << 3;
export const CPU_PGE: u64 = 1 << 4;
export const CPU_PAT: u64 = 1 << 5;
export const CPU_PCID: u64 = 1 << 6;
export const CPU_X2APIC: u64 = 1 << 7;
export const CPU_TSC_DEADLINE: u64 = 1 << 8;
export const CPU_HYPERVISOR: u64 = 1 << 9;
export const CPU_FSGSBASE: u64 = 1 << 10;
export const CPU_SMEP: u64 = 1 << 11;
export const CPU_INVPCID: u64 = 1 << 12;
export const CPU_SMAP: u64 = 1 << 13;
export const CPU_SYSCALL: u64 = 1 << 14;
export const CPU_NX: u64 = 1 << 15;
export const CPU_PAGE1G: u64 = 1 << 16;
export const CPU_RDTSCP: u64 = 1 << 17;
export const CPU_LONG_MODE: u64 = 1 << 18;
export const CPU_INVARIANT_TSC: u64 = 1 << 19;

export let cpuFeatures: u64 = 0;

@inline function eax(): u32 { return load<u32>(regs, 0); }
@inline function ebx(): u32 { return load<u32>(regs, 4); }
@inline function ecx(): u32 { return load<u32>(regs, 8); }
@inline function edx(): u32 { return load<u32>(regs, 12); }

// Set `feature` when bit `bit` of `reg` is set.
function take(reg: u32, bit: u32, feature: u64): void {
  if ((reg >> bit) & 1) cpuFeatures |= feature;
}

export function cpuHas(feature: u64): bool {
  return (cpuFeatures & feature) == feature;
}

export function cpuIdentify(): void {
  cpuFeatures = 0;

  // Leaf 0: highest standard leaf, vendor string in ebx, edx, ecx.
  cpuid(0, 0, regs);
  cpuMaxLeaf = eax();
  store<u32>(vendor, ebx(), 0);
  store<u32>(vendor, edx(), 4);
  store<u32>(vendor, ecx(), 8);

  if (cpuMaxLeaf >= 1) {
    cpuid(1, 0, regs);
    const c = ecx(), d = edx();
    take(d, 4, CPU_TSC);
    take(d, 5, CPU_MSR);
    take(d, 6, CPU_PAE);
    take(d, 9, CPU_APIC);
    take(d, 13, CPU_PGE);
    take(d, 16, CPU_PAT);
    take(c, 17, CPU_PCID);
    take(c, 21, CPU_X2APIC);
    take(c, 24, CPU_TSC_DEADLINE);
    take(c, 31, CPU_HYPERVISOR);
  }
  if (cpuMaxLeaf >= 7) {
    cpuid(7, 0, regs);
    const b = ebx();
    take(b, 0, CPU_FSGSBASE);
    take(b, 7, CPU_SMEP);
    take(b, 10, CPU_INVPCID);
    take(b, 20, CPU_SMAP);
  }

  // Extended leaves: only meaningful if 0x80000000 answers with >= itself.
  cpuid(0x8000_0000, 0, regs);
  cpuMaxExtLeaf = eax();
  if (cpuMaxExtLeaf < 0x8000_0000 || cpuMaxExtLeaf > 0x8000_FFFF) cpuMaxExtLeaf = 0;
  if (cpuMaxExtLeaf >= 0x8000_0001) {
    cpuid(0x8000_0001, 0, regs);
    const d = edx();
    take(d, 11, CPU_SYSCALL);
    take(d, 20, CPU_NX);
    take(d, 26, CPU_PAGE1G);
    take(d, 27, CPU_RDTSCP);
    take(d, 29, CPU_LONG_MODE);
  }
  brandStart = brandEnd = brand;
  if (cpuMaxExtLeaf >= 0x8000_0004) {
    for (let i: u32 = 0; i < 3; i++) {
      cpuid(0x8000_0002 + i, 0, regs);
      memory.copy(brand + (<usize>i << 4), regs, 16);
    }
    // NUL-terminated, often padded with spaces on either side.
    let end = brand;
    while (end < brand + 48 && load<u8>(end) != 0) end++;
    let start = brand;
    while (start < end && load<u8>(start) == 0x20) start++;
    while (end > start && load<u8>(end - 1) == 0x20) end--;
    brandStart = start;
    brandEnd = end;
  }
  if (cpuMaxExtLeaf >= 0x8000_0007) {
    cpuid(0x8000_0007, 0, regs);
    take(edx(), 8, CPU_INVARIANT_TSC);
  }
}

function flag(feature: u64, name: string): void {
  if (cpuHas(feature)) {
    print(" ");
    print(name);
  }
}

// cpu vendor: GenuineIntel
// cpu brand: Intel(R) Core(TM) ...        (or "(none)")
// cpu features: tsc msr pae apic pge ...
export function cpuPrint(): void {
  print("cpu vendor: ");
  printBytes(vendor, 12);
  println();
  print("cpu brand: ");
  if (brandEnd > brandStart) printBytes(brandStart, brandEnd - brandStart);
  else print("(none)");
  println();
  print("cpu features:");
  flag(CPU_TSC, "tsc");
  flag(CPU_MSR, "msr");
  flag(CPU_PAE, "pae");
  flag(CPU_APIC, "apic");
  flag(CPU_PGE, "pge");
  flag(CPU_PAT, "pat");
  flag(CPU_PCID, "pcid");
  flag(CPU_X2APIC, "x2apic");
  flag(CPU_TSC_DEADLINE, "tsc-deadline");
  flag(CPU_HYPERVISOR, "hypervisor");
  flag(CPU_FSGSBASE, "fsgsbase");
  flag(CPU_SMEP, "smep");
  flag(CPU_INVPCID, "invpcid");
  flag(CPU_SMAP, "smap");
  flag(CPU_SYSCALL, "syscall");
  flag(CPU_NX, "nx");
  flag(CPU_PAGE1G, "page1g");
  flag(CPU_RDTSCP, "rdtscp");
  flag(CPU_LONG_MODE, "lm");
  flag(CPU_INVARIANT_TSC, "invariant-tsc");
  println();
}
