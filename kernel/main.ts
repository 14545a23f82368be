// main.ts — the kernel's TypeScript entry point.
//
// boot/ has switched to 64-bit long mode, mapped the kernel in the higher
// half and physical memory 0..4 GiB at DIRECT_MAP_BASE, set up COM1,
// called __wasm_init (data segments, globals, start function) and now calls
// kmain with the physical address of the multiboot2 boot information.
// Interrupts are disabled and stay disabled for now.

import { KERNEL_DESCRIPTION, KERNEL_NAME, KERNEL_VERSION } from "./version";
import { print, println } from "./print";
import { cpuIdentify, cpuPrint } from "./cpu";
import { mb2Parse, mbCmdline } from "./multiboot2";
import { bootInfoPrint, bootInfoPrintError } from "./bootinfo";
import { strData, strLen } from "./strpool";
import { cmdlineInit } from "./cmdline";
import { runTestMode } from "./testmode";
import { halt, panic } from "./panic";

export function kmain(mbInfoPhys: u32): void {
  printBanner();                         // "tsos <version> — ..."
  cpuIdentify();                         // vendor, brand and feature bits
  cpuPrint();
  const ok = mb2Parse(<u64>mbInfoPhys);  // copy what GRUB told us into the kernel
  bootInfoPrint();                       // loader, command line, memory map, modules
  if (!ok) {
    bootInfoPrintError();                // say what was wrong and where
    panic("bad multiboot2 boot information");
  }
  cmdlineInit(strData(mbCmdline), strLen(mbCmdline)); // key=value words
  runTestMode();                         // test=<mode> from the QEMU suite
  println("boot complete");
  halt();                                // nothing to run yet: hlt for ever
}

function printBanner(): void {
  print(KERNEL_NAME);
  print(" ");
  print(KERNEL_VERSION);
  print(" — ");
  println(KERNEL_DESCRIPTION);
}
