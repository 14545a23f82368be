// main.ts — the kernel's TypeScript entry point.
//
// boot/ has switched to 64-bit long mode, mapped the kernel in the higher
// half and physical memory 0..4 GiB at DIRECT_MAP_BASE, set up COM1,
// called __wasm_init (data segments, globals, start function) and now calls
// kmain with the physical address of the multiboot2 boot information, the
// time stamp counter read at the kernel's first instruction (_start), and
// the physical address of boot/'s kernel layout table (layout.ts; 0: none).
// Interrupts are disabled in the kernel (threads run with them enabled).
//
// kmain reads the boot information, then sets up memory (frames.ts, the
// kernel's own page tables in kvspace.ts, SMEP/SMAP in protect.ts) and
// the empty kernel object pools and run queues (cap.ts, sched.ts), makes
// every program boot module a runnable process (process.ts), prints "boot
// complete" and enters the scheduler (exec.ts): kmain never returns.

import { KERNEL_DESCRIPTION, KERNEL_NAME, KERNEL_VERSION } from "./version";
import { print, printDec, printHex, println } from "./print";
import { rdtsc } from "./x86";
import { cpuIdentify, cpuPrint } from "./cpu";
import { mb2Parse, mbCmdline } from "./multiboot2";
import { bootInfoPrint, bootInfoPrintError } from "./bootinfo";
import { strData, strLen } from "./strpool";
import { cmdlineInit } from "./cmdline";
import { runTestMode } from "./testmode";
import { panic } from "./panic";
import { framesInit, framesPrint, imageStart } from "./frames";
import { pagingInit } from "./paging";
import { kvspaceBuild, kvspaceError, kvspaceOwnImage } from "./kvspace";
import { layoutError, layoutErrorValue, layoutRead } from "./layout";
import { protectEnable, protectPrint } from "./protect";
import { objectsInit } from "./cap";
import { schedInit } from "./sched";
import { userFault, userModeInit } from "./usermode";
import { processStartAll } from "./process";
import { execRun, EXEC_TIMER_HZ } from "./exec";
import { interruptsInit, timerStart } from "./interrupts";
import { interruptDispatch } from "./intdispatch";
import { patInit } from "./pat";

export function kmain(mbInfoPhys: u32, entryTsc: u64, layoutPhys: u32): void {
  const bannerTsc = rdtsc();
  printBanner();                         // "tsos <version> — ..."
  printBootTicks(entryTsc, bannerTsc);   // for `make bench`
  cpuIdentify();                         // vendor, brand and feature bits
  cpuPrint();
  const ok = mb2Parse(<u64>mbInfoPhys);  // copy what GRUB told us into the kernel
  bootInfoPrint();                       // loader, command line, memory map, modules
  if (!ok) {
    bootInfoPrintError();                // say what was wrong and where
    panic("bad multiboot2 boot information");
  }
  cmdlineInit(strData(mbCmdline), strLen(mbCmdline)); // key=value words
  kernelLayout(layoutPhys);              // boot/'s table of the image's parts
  framesInit();                          // free RAM minus image, modules, boot info
  framesPrint();
  pagingInit(0);                         // the boot page tables, for now
  kernelAddressSpace();                  // our own page tables, then CR3
  protectEnable();                       // SMEP and SMAP when the CPU has them
  protectPrint();
  patInit();                             // PAT entry 1 write-combining (the framebuffer)
  objectsInit();                         // empty object pools and CNodes
  schedInit();                           // empty run queues
  runTestMode();                         // test=<mode> from the QEMU suite
  interruptsInit();                      // ACPI, APIC / 8259: remapped, lines masked
  userModeInit();                        // syscall MSRs (boot/entry.asm)
  processStartAll();                     // every program module: a runnable process
  timerStart(EXEC_TIMER_HZ);             // preemption: round robin on the ticks
  println("boot complete");
  execRun();                             // the scheduler; never returns
}

function printBanner(): void {
  print(KERNEL_NAME);
  print(" ");
  print(KERNEL_VERSION);
  print(" — ");
  println(KERNEL_DESCRIPTION);
}

// "address space: kernel PML4 at 0x..." once CR3 holds tables built by
// paging.ts; on failure the boot tables stay and the reason is printed.
function kernelAddressSpace(): void {
  const pml4 = kvspaceBuild(imageStart);
  print("address space: ");
  if (pml4 == 0) {
    print("kept the boot page tables: ");
    println(kvspaceError);
    return;
  }
  print("kernel PML4 at ");
  printHex(pml4, 8);
  print(", direct map rebuilt (2 MiB pages, NX), ");
  println(kvspaceOwnImage ? "image mapped W^X by the kernel" : "image shared with boot/");
}

// Read boot/'s layout table. None (0, the Node tests) is fine: the image
// extent then comes from the ELF sections tag; a bad one is a build bug.
function kernelLayout(layoutPhys: u32): void {
  if (layoutRead(<u64>layoutPhys) || layoutPhys == 0) return;
  print("kernel layout table at ");
  printHex(layoutPhys, 8);
  print(": ");
  print(layoutError);
  print(" ");
  printHex(layoutErrorValue, 16);
  println();
  panic("bad kernel layout table from boot/");
}

// "boot: N TSC ticks from kernel entry to banner": under QEMU -icount
// shift=0 the TSC counts guest instructions (tests/bench/boot.ts reads it).
function printBootTicks(entryTsc: u64, bannerTsc: u64): void {
  print("boot: ");
  printDec(bannerTsc >= entryTsc ? bannerTsc - entryTsc : 0);
  println(" TSC ticks from kernel entry to banner");
}

// syscall_dispatch(num, a0..a5): called by boot/entry.asm on the kernel
// stack, the thread's registers saved: number and arguments as the user
// passed them (rax; rdi, rsi, rdx, r10, r8, r9). The result is the
// calling thread's rax. The generated dispatch itself, exported under
// that name (no wrapper: one call less on every system call).
export { syscallDispatch as syscall_dispatch } from "./syscall_dispatch";

// The IPC fast path (kernel/fastpath.ts): boot/entry.asm calls these for
// SYS_CALL and SYS_REPLY_RECV instead of syscall_dispatch (no arguments:
// they read the saved registers); anything unusual goes to the general path.
export { fastCall as syscall_fast_call, fastReplyRecv as syscall_fast_reply_recv } from "./fastpath";

// Called by boot/entry.asm for a CPU exception in user mode, the
// thread's registers saved (kernel/usermode.ts).
export function user_fault(vector: u64, err: u64, addr: u64, rip: u64): void {
  userFault(vector, err, addr, rip);
}

// Called by boot/entry.asm for vectors 32..255 (kernel/intdispatch.ts).
export function interrupt_dispatch(vector: u32): void {
  interruptDispatch(vector);
}
