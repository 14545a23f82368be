// panic.ts — stop the machine when the kernel cannot go on.
//
// panic(msg) prints "PANIC: msg", tells QEMU to exit with a failure status
// (isa-debug-exit at port 0xf4: writing 0x11 makes QEMU exit with status
// (0x11 << 1) | 1 = 35; on a PC without that device the write is ignored)
// and halts for good. AssemblyScript's abort() (failed bounds checks, out of
// memory in the runtime, explicit abort calls) is routed to kabort() by
// `--use abort=kernel/panic/kabort` in kernel/asconfig.json.

import { cli, hlt, outb } from "./x86";
import { print, printDec, println } from "./print";

const QEMU_EXIT_PORT: u16 = 0xF4;
const QEMU_EXIT_FAILURE: u8 = 0x11;

let panicking = false;

// Never returns.
export function halt(): void {
  cli();
  while (true) hlt();
}

function failAndHalt(): void {
  outb(QEMU_EXIT_PORT, QEMU_EXIT_FAILURE);
  halt();
}

// Never returns.
export function panic(msg: string): void {
  cli();
  if (panicking) failAndHalt(); // a panic while panicking: just stop
  panicking = true;
  print("PANIC: ");
  println(msg);
  failAndHalt();
}

// Takes abort()'s exact signature, defaults included. Never returns.
export function kabort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0
): void {
  cli();
  if (panicking) failAndHalt();
  panicking = true;
  print("PANIC: abort: ");
  if (message !== null) print(message);
  else print("(no message)");
  if (fileName !== null) {
    print(" at ");
    print(fileName);
    print(":");
    printDec(lineNumber);
    print(":");
    printDec(columnNumber);
  }
  println();
  failAndHalt();
}
