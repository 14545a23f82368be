// smaptest.ts — `test=smap`: a deliberately bad kernel (issue 8, item 3).
// It maps a user page (MAP_USER) into a fresh address space, switches to
// it, and reads the page from ring 0 directly, outside uaccess.ts's
// checked copy path (which goes through the direct map and never touches
// a user address). With SMAP on (protect.ts; QEMU -cpu max, Broadwell and
// later) the CPU refuses: a page fault, error code 0x1 (present, read,
// supervisor), CR2 = the user address, reported by the boot stub
// ("EXCEPTION 14 #PF ..."), which ends the run. Without SMAP the read
// succeeds and the mode says so and panics. tests/qemu/smap.test.ts.
//
// `test=smep`: likewise, the kernel calls a user page holding one `ret`
// (mapped MAP_USER | MAP_EXEC): with SMEP on the fetch faults (error code
// 0x11: present, instruction fetch, supervisor; CR2 = the user address).

import { frameAlloc } from "./frames";
import { vspaceCreate, vmMap, MAP_EXEC, MAP_USER, MAP_WRITE } from "./paging";
import { DIRECT_MAP_BASE } from "./memlayout";
import { call_addr, phys_read64, phys_write8, phys_write64, read_cr4, write_cr3 } from "./x86";
import { print, printHex, println } from "./print";
import { panic } from "./panic";

export const SMAP_TEST_VA: u64 = 0x40_0000;
const CR4_SMAP: u64 = 1 << 21;
const CR4_SMEP: u64 = 1 << 20;

export function testSmap(): void {
  const pml4 = vspaceCreate();
  const frame = frameAlloc();
  if (pml4 == 0 || frame == 0) panic("test=smap: out of memory");
  phys_write64(frame, 0x5AFE_5AFE_5AFE_5AFE);
  if (vmMap(pml4, SMAP_TEST_VA, frame, MAP_USER | MAP_WRITE) != 0) panic("test=smap: cannot map the user page");
  write_cr3(pml4);
  print("test=smap: SMAP ");
  print((read_cr4() & CR4_SMAP) != 0 ? "on" : "off");
  print("; the kernel reads user page ");
  printHex(SMAP_TEST_VA, 16);
  println(" directly (not through uaccess.ts): this must fault");
  // phys_read64 reads DIRECT_MAP_BASE + its argument (mod 2^64): the user address itself.
  const v = phys_read64(SMAP_TEST_VA - DIRECT_MAP_BASE);
  print("test=smap: FAILED: the kernel read the user page: ");
  printHex(v, 16);
  println();
  panic("test=smap: no page fault (no SMAP)");
}

export function testSmep(): void {
  const pml4 = vspaceCreate();
  const frame = frameAlloc();
  if (pml4 == 0 || frame == 0) panic("test=smep: out of memory");
  phys_write8(frame, 0xC3); // ret
  if (vmMap(pml4, SMAP_TEST_VA, frame, MAP_USER | MAP_EXEC) != 0) panic("test=smep: cannot map the user page");
  write_cr3(pml4);
  print("test=smep: SMEP ");
  print((read_cr4() & CR4_SMEP) != 0 ? "on" : "off");
  print("; the kernel calls user page ");
  printHex(SMAP_TEST_VA, 16);
  println(": this must fault");
  call_addr(SMAP_TEST_VA);
  println("test=smep: FAILED: the kernel executed the user page");
  panic("test=smep: no page fault (no SMEP)");
}
