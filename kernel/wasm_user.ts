// wasm_user.ts — the kernel side of AssemblyScript user programs (made by
// `wasmc --target=user`, toolchain/ABI.md "User programs"): their linear
// memory lives at USER_MEMORY_BASE, followed by unmapped address space
// that catches out-of-bounds accesses; the two system calls here are what
// their runtime asks of the kernel.
//
//   sysMemoryGrow(pages, delta)  Wasm memory.grow: map `delta` fresh zeroed
//                                64 KiB pages after the `pages` the program
//                                has. Every 4 KiB page of the new range
//                                must be unmapped (so it never replaces
//                                or aliases a mapping) and, unless pages
//                                is 0, the page before it mapped: the
//                                memory stays one run of pages from
//                                USER_MEMORY_BASE. Either all pages are
//                                mapped or none. No per-process state:
//                                the page tables are the truth.
//   wasmMemoryRelease(pml4)      process teardown (process.ts): unmap and
//                                free that run of pages.
//   sysTrap(code, rip)           a Wasm trap: a fault of kind
//                                FAULT_WASM_TRAP + code (a fault message
//                                when the thread has a fault endpoint, see
//                                exec.ts faultToMessage), else the report
//                                "process <name>: wasm trap: <reason> at
//                                rip 0x..., stopped"; the thread stops.
//   wasmUserFault(t, vector, ...) a CPU exception of such a program that is
//                                really a Wasm trap (usermode.ts asks
//                                first): a page fault in the guard region
//                                after the linear memory is "out of bounds
//                                memory access", one in the unmapped page
//                                below its stack "call stack exhausted".
//                                A program is taken for a wasmc one when
//                                its address space has the top page of the
//                                wasmc stack mapped (toolchain/runtime/user.ld).

import { KErr } from "./errors";
import { print, printHex, println } from "./print";
import { USER_MEMORY_BASE, USER_MEMORY_MAX_PAGES, WASM_PAGE_SIZE, USER_WASM_STACK_TOP, USER_WASM_STACK_SIZE, FAULT_WASM_TRAP, wasmTrapName, WASM_TRAP_COUNT,
  WASM_TRAP_OUT_OF_BOUNDS_MEMORY_ACCESS, WASM_TRAP_CALL_STACK_EXHAUSTED } from "./syscalls";
import { frameAlloc, frameFree } from "./frames";
import { vmLookup, vmMap, vmUnmap, lookupPhys, MAP_USER, MAP_WRITE, PTE_ADDR } from "./paging";
import { PAGE_SIZE } from "./memlayout";
import { phys_write64, read_cr3 } from "./x86";
import { execCur, execPrintName, execStop, faultToMessage } from "./exec";
import { tcb } from "./tcb";

// Undo the first `count` 4 KiB pages mapped from `va` (a failed grow).
function unmapPages(pml4: u64, va: u64, count: u64): void {
  for (let i: u64 = 0; i < count; i++) {
    const page = va + i * PAGE_SIZE;
    if (vmLookup(pml4, page) != KErr.OK) continue;
    const pa = lookupPhys;
    vmUnmap(pml4, page);
    frameFree(pa);
  }
}

// memory_grow(pages, delta) -> pages, or -KErr. The live address space
// (CR3) is the calling thread's.
export function sysMemoryGrow(pages: u64, delta: u64): i64 {
  if (pages > USER_MEMORY_MAX_PAGES || delta > USER_MEMORY_MAX_PAGES - pages) return -<i64>KErr.INVALID_ARGUMENT;
  if (delta == 0) return <i64>pages;
  const pml4 = read_cr3() & PTE_ADDR;
  const start = USER_MEMORY_BASE + pages * WASM_PAGE_SIZE;
  const count = delta * (WASM_PAGE_SIZE / PAGE_SIZE);
  // `pages` must be the memory's size: the page before the range mapped
  // (the memory is one run from USER_MEMORY_BASE), every page of it free.
  if (pages > 0 && vmLookup(pml4, start - PAGE_SIZE) != KErr.OK) return -<i64>KErr.INVALID_ARGUMENT;
  for (let i: u64 = 0; i < count; i++) {
    if (vmLookup(pml4, start + i * PAGE_SIZE) != KErr.NOT_MAPPED) return -<i64>KErr.ALREADY_MAPPED;
  }
  for (let i: u64 = 0; i < count; i++) {
    const frame = frameAlloc();
    if (frame == 0) {
      unmapPages(pml4, start, i);
      return -<i64>KErr.OUT_OF_MEMORY;
    }
    for (let o: u64 = 0; o < PAGE_SIZE; o += 8) phys_write64(frame + o, 0);
    const err = vmMap(pml4, start + i * PAGE_SIZE, frame, MAP_USER | MAP_WRITE);
    if (err != KErr.OK) {
      frameFree(frame);
      unmapPages(pml4, start, i);
      return -<i64>err;
    }
  }
  return <i64>pages;
}

// Unmap and free the linear memory of address space `pml4` (the run of
// mapped pages from USER_MEMORY_BASE: the ELF's initial pages and every
// memory_grow). Nothing there: nothing to do.
export function wasmMemoryRelease(pml4: u64): void {
  const end = USER_MEMORY_BASE + USER_MEMORY_MAX_PAGES * WASM_PAGE_SIZE;
  for (let va = USER_MEMORY_BASE; va < end; va += PAGE_SIZE) {
    if (vmLookup(pml4, va) != KErr.OK) return;
    const pa = lookupPhys & PTE_ADDR;
    if (vmUnmap(pml4, va) == KErr.OK) frameFree(pa);
  }
}

// Thread t stops on Wasm trap `code`: a fault message, or the report.
function wasmTrap(t: u32, code: u32, addr: u64, rip: u64): void {
  if (faultToMessage(t, FAULT_WASM_TRAP + <u64>code, 0, addr, rip)) return;
  execPrintName(t);
  print(": wasm trap: ");
  print(wasmTrapName(code));
  print(" at rip ");
  printHex(rip);
  println(", stopped");
  execStop(t);
}

// trap(code, rip): does not return to the thread.
export function sysTrap(code: u32, rip: u64): i64 {
  if (execCur < 0) return -<i64>KErr.INVALID_ARGUMENT;
  // Only real trap codes: 256 + code must stay below FAULT_EXIT, or a trap
  // would read as an exit to the supervisor (found by the syscall fuzzer).
  if (code == 0 || code >= WASM_TRAP_COUNT) return -<i64>KErr.INVALID_ARGUMENT;
  wasmTrap(<u32>execCur, code, 0, rip);
  return 0;
}

const TRAP_OUT_OF_BOUNDS = WASM_TRAP_OUT_OF_BOUNDS_MEMORY_ACCESS;
const TRAP_STACK_EXHAUSTED = WASM_TRAP_CALL_STACK_EXHAUSTED;
// Where a 32-bit index plus a 32-bit offset (plus the access size) can reach.
const GUARD_END: u64 = USER_MEMORY_BASE + (<u64>1 << 33) + 16;

// The Wasm trap code of CPU exception `vector` (page-fault address `addr`)
// in address space `pml4`, or 0 when it is an ordinary fault.
export function wasmFaultCode(pml4: u64, vector: u64, addr: u64): u32 {
  if (vector != 14) return 0;
  const stackBottom = USER_WASM_STACK_TOP - USER_WASM_STACK_SIZE;
  let code: u32 = 0;
  if (addr >= USER_MEMORY_BASE && addr < GUARD_END) code = TRAP_OUT_OF_BOUNDS;
  else if (addr >= stackBottom - PAGE_SIZE && addr < stackBottom) code = TRAP_STACK_EXHAUSTED;
  else return 0;
  if (vmLookup(pml4, USER_WASM_STACK_TOP - PAGE_SIZE) != KErr.OK) return 0; // not a wasmc program
  // A mapped page (a protection fault inside the memory) is no Wasm trap.
  if (vmLookup(pml4, addr & ~(PAGE_SIZE - 1)) == KErr.OK) return 0;
  return code;
}

// Thread t took CPU exception `vector`: if it is a wasmc program's Wasm
// trap, report or send it as that and return true; else false.
export function wasmUserFault(t: u32, vector: u64, addr: u64, rip: u64): bool {
  const code = wasmFaultCode(tcb(t).pml4, vector, addr);
  if (code == 0) return false;
  wasmTrap(t, code, addr, rip);
  return true;
}
