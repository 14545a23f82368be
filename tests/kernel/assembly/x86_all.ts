// x86_all.ts — AssemblyScript test entry that calls every intrinsic declared
// in kernel/x86.ts once, so that all of them appear as imports and
// wasm.test.ts can hold their signatures against toolchain/ABI.md.
// (The kernel itself imports only the ones it uses.) Never run.

import * as x86 from "../../../kernel/x86";
// asconfig.json routes abort to kernel/panic/kabort, which must be compiled in.
import "../../../kernel/panic";

export function useAll(p: u64, v: u32): u64 {
  let r: u64 = 0;
  x86.outb(0, <u8>v);
  x86.outw(0, <u16>v);
  x86.outl(0, v);
  r += x86.inb(0);
  r += x86.inw(0);
  r += x86.inl(0);
  r += x86.rdtsc();
  x86.hlt();
  x86.cli();
  x86.sti();
  x86.pause();
  x86.ud2();
  x86.int3();
  r += x86.read_cr0();
  r += x86.read_cr2();
  r += x86.read_cr3();
  r += x86.read_cr4();
  x86.write_cr0(p);
  x86.write_cr3(p);
  x86.write_cr4(p);
  x86.invlpg(p);
  x86.call_addr(p);
  r += x86.rdmsr(v);
  x86.wrmsr(v, p);
  x86.cpuid(v, v, 0);
  r += x86.phys_read8(p);
  r += x86.phys_read16(p);
  r += x86.phys_read32(p);
  r += x86.phys_read64(p);
  x86.phys_write8(p, <u8>v);
  x86.phys_write16(p, <u16>v);
  x86.phys_write32(p, v);
  x86.phys_write64(p, p);
  x86.phys_copy64(p, p, p);
  return r;
}
