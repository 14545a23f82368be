// selfcheck.ts — servers/pci checks the system calls it and the drivers
// depend on (kernel/sys_dma.ts) once at start, on the real kernel path:
// narrowing I/O-port and IRQ capabilities (and the refusals: wider ranges,
// other IRQs, narrowing twice), DMA memory (sizes, alignment, below 4 GiB,
// zeroed, mapped, mapped twice, unmapped, frames back after delete), and
// that device memory is init's to create. Prints "pci: capability checks
// passed" or one line per failure (tests/qemu/storage.test.ts looks).

import {
  sysCapDelete, sysDevmemCreate, sysDmaAlloc, sysIoportIn, sysMemFrames, sysMemMap, sysMemPhys, sysMemSize, sysMemUnmap,
  sysResDerive
} from "../lib/sys";
import { print, printDec, println } from "../lib/print";
import { SLOT_IOPORTS, SLOT_IRQ } from "../lib/proto";
import { HW_WINDOW } from "../lib/storage";

const A: u32 = 50, B: u32 = 51;
const INVALID: i64 = -1, WRONG_TYPE: i64 = -5, RIGHTS: i64 = -6, BAD_ADDRESS: i64 = -9, ALREADY: i64 = -10, NOT_MAPPED: i64 = -11;
let failures = 0;

function expect(what: string, got: i64, want: i64): void {
  if (got == want) return;
  failures++;
  print("pci: check failed: "); print(what); print(": got "); printDec(<u64>got); print(", expected "); printDec(<u64>want); println();
}
function expectOk(what: string, ok: bool): void { if (!ok) { failures++; print("pci: check failed: "); println(what); } }

export function selfCheck(): void {
  sysCapDelete(A); sysCapDelete(B);
  // I/O ports: exactly the range asked for, never wider.
  expect("ports past 0xffff", sysResDerive(SLOT_IOPORTS, A, 0xFFFE, 2), INVALID);
  expect("zero ports", sysResDerive(SLOT_IOPORTS, A, 0x100, 0), INVALID);
  expect("ports 0xcf8+8", sysResDerive(SLOT_IOPORTS, A, 0xCF8, 8), 0);
  expect("wider than the parent", sysResDerive(A, B, 0xCF0, 16), INVALID);
  expect("into an occupied slot", sysResDerive(SLOT_IOPORTS, A, 0x60, 1), -4);
  expectOk("in through the narrow capability", sysIoportIn(A, 0xCFC, 4) >= 0);
  expect("a port outside it", sysIoportIn(A, 0x60, 1), RIGHTS);
  sysCapDelete(A);
  // IRQs: one line from the any-IRQ handler, nothing from a single one.
  expect("IRQ 11", sysResDerive(SLOT_IRQ, A, 11, 1), 0);
  expect("IRQ from a single-IRQ handler", sysResDerive(A, B, 12, 1), INVALID);
  expect("IRQ 255", sysResDerive(SLOT_IRQ, B, 255, 1), INVALID);
  expect("two IRQs", sysResDerive(SLOT_IRQ, B, 11, 2), INVALID);
  sysCapDelete(A);
  // DMA memory.
  const before = <u64>sysMemFrames() & 0xFFFF_FFFF;
  expect("0 pages", sysDmaAlloc(A, 0), INVALID);
  expect("1025 pages", sysDmaAlloc(A, 1025), INVALID);
  const phys = sysDmaAlloc(A, 4);
  expectOk("4 pages: aligned, below 4 GiB", phys > 0 && (phys & 0xFFF) == 0 && phys < 0x1_0000_0000);
  expect("its physical address", sysMemPhys(A), phys);
  expect("its size", sysMemSize(A), 16384);
  expect("narrowing DMA memory", sysResDerive(A, B, 0, 1), WRONG_TYPE);
  const va: usize = HW_WINDOW + 0x80_0000;
  expect("map unaligned", sysMemMap(A, va + 8, 1), BAD_ADDRESS);
  expect("map over the heap", sysMemMap(A, 0x1000, 1), ALREADY);
  expect("map", sysMemMap(A, va, 1), 0);
  let zero = true;
  for (let o: usize = 0; o < 16384; o += 8) if (load<u64>(va + o) != 0) zero = false;
  expectOk("zeroed", zero);
  store<u64>(va + 16376, 0x1234_5678_9ABC_DEF0);
  expectOk("written and read back", load<u64>(va + 16376) == 0x1234_5678_9ABC_DEF0);
  expect("map twice", sysMemMap(A, va + 0x10000, 1), ALREADY);
  expect("unmap", sysMemUnmap(A), 0);
  expect("unmap twice", sysMemUnmap(A), NOT_MAPPED);
  sysCapDelete(A);
  // Again, now that the page tables for the window exist (they stay with the address space):
  // every frame comes back.
  const before2 = <u64>sysMemFrames() & 0xFFFF_FFFF;
  expectOk("page tables only", before - before2 <= 3);
  expectOk("again", sysDmaAlloc(A, 4) > 0 && sysMemMap(A, va, 1) == 0);
  expectOk("fewer frames while held", (<u64>sysMemFrames() & 0xFFFF_FFFF) == before2 - 4);
  sysCapDelete(A);                                   // unmaps and frees
  expect("frames back after delete", <i64>(<u64>sysMemFrames() & 0xFFFF_FFFF), <i64>before2);
  // Device memory: init's alone.
  expect("devmem_create outside init", sysDevmemCreate(A, 0xFEBF_0000, 1), RIGHTS);
  if (failures == 0) println("pci: capability checks passed");
  else { print("pci: "); printDec(failures); println(" capability checks FAILED"); }
}
