// main.ts — servers/hello: the first AssemblyScript program in ring 3
// (compiled by asc, then `wasmc --target=user`: see servers/README.md).
// Its top-level code is the Wasm start function; it
//   1. prints a greeting (debug_write through servers/lib/print.ts);
//   2. checks that debug_write refuses a kernel pointer (raw system call),
//      a pointer past the end of its linear memory, and a range that runs
//      over that end;
//   3. yields, then times NULL_CALLS null system calls with rdtsc and prints
//      "hello: null syscall: <ticks per call> ticks per call (<total> for
//      <n> calls)" (under QEMU -icount shift=0 a tick is one guest
//      instruction; each call also counts the loop and the stub call);
//   4. grows its linear memory by memory.grow (the memory_grow system call)
//      and checks the new pages are zeroed and writable, and that growing
//      past the maximum fails;
//   5. reads past the end of its linear memory (the unmapped guard region):
//      the page fault is a Wasm trap, which the kernel reports as such
//      ("wasm trap: out of bounds memory access") and stops it.

import { sysDebugWrite, sysNull, sysRaw, sysYield, KErr, SYS_DEBUG_WRITE } from "../lib/sys";
import { print, println, printDec, printHex, flush } from "../lib/print";
import { rdtsc } from "../lib/x86";

const NULL_CALLS: u64 = 1000;
const KERNEL_ADDRESS: u64 = 0xFFFF_FFFF_8010_0000;

println("hello from user space");

// 2. Pointers the program may not have the kernel read.
const pages = <usize>memory.size();
const end: usize = pages << 16;
const refusedKernel = sysRaw(SYS_DEBUG_WRITE, KERNEL_ADDRESS, 16, 0, 0, 0, 0) == -<i64>KErr.BAD_ADDRESS;
const refusedUnmapped = sysDebugWrite(end + 0x10000, 16) == -<i64>KErr.BAD_ADDRESS;
const refusedOverlong = sysDebugWrite(end - 8, 16) == -<i64>KErr.BAD_ADDRESS;
if (refusedKernel && refusedUnmapped && refusedOverlong) {
  println("hello: debug_write refused a kernel, an unmapped and an overlong pointer");
} else {
  println("hello: FAILED: debug_write accepted a bad pointer");
}

// 3. The null system call.
sysYield();
const t0 = rdtsc();
for (let i: u64 = 0; i < NULL_CALLS; i++) sysNull();
const total = rdtsc() - t0;
print("hello: null syscall: ");
printDec(total / NULL_CALLS);
print(" ticks per call (");
printDec(total);
print(" for ");
printDec(NULL_CALLS);
println(" calls)");

// 4. memory.grow: two fresh pages after the current end.
const before = memory.size();
const old = memory.grow(2);
const after = memory.size();
let grown = old == before && after == before + 2;
if (grown) {
  const base = <usize>before << 16;
  for (let o: usize = 0; o < 2 << 16; o += 512) {
    if (load<u64>(base + o) != 0) grown = false;
    store<u64>(base + o, <u64>o ^ 0x5A5A);
  }
  for (let o: usize = 0; o < 2 << 16; o += 512) if (load<u64>(base + o) != (<u64>o ^ 0x5A5A)) grown = false;
}
const refusedHuge = memory.grow(0x10000) == -1;
if (grown && refusedHuge) {
  print("hello: memory.grow: ");
  printDec(<u64>before);
  print(" -> ");
  printDec(<u64>after);
  println(" pages, new pages zeroed and writable, growing past the maximum refused");
} else {
  println("hello: FAILED: memory.grow");
}

// 5. Past the end of linear memory: the guard region.
const beyond = <usize>memory.size() << 16;
print("hello: reading past the end of linear memory at ");
printHex(<u64>beyond);
println();
flush();
const v = load<u8>(beyond);
println("hello: FAILED: the read past the end worked");
printDec(v);
