// abort.ts — where AssemblyScript's abort() goes in a user program (a
// failed assert, a thrown error, an out-of-range array index):
// servers/asconfig.json says `abort=servers/lib/abort/userAbort`. It prints
// "abort: <message> at <file>:<line>:<column>" and then traps
// (unreachable), so the kernel reports "wasm trap: unreachable" and stops
// the thread like any other trap.

import { print, printDec, flush } from "./print";

export function userAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  print("abort: ");
  print(message !== null ? message : "(no message)");
  print(" at ");
  print(file !== null ? file : "?");
  print(":");
  printDec(line);
  print(":");
  printDec(column);
  print("\n");
  flush();
  unreachable();
}
