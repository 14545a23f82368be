// usermode.ts — the kernel side of user mode besides the system calls
// themselves (kernel/README.md, "User mode"): the syscall MSRs, and CPU
// exceptions in ring 3. The system calls go from boot/entry.asm through
// main.ts's syscall_dispatch to the generated dispatch
// (syscall_dispatch.ts) and the handlers (syscall_handlers.ts); which
// thread runs is exec.ts's business, processes are process.ts's.
//
//   userModeInit()                        the syscall MSRs (kmain)
//   userFault(vector, error, addr, rip)   main.ts's user_fault export: a
//                                         CPU exception in ring 3 (or a
//                                         sysret to a bad rip, as #GP)

import { print, printDec, printHex, println } from "./print";
import { execCur, execFpuTrap, execPrintName, execStop, faultToMessage } from "./exec";
import { wasmUserFault } from "./wasm_user";

@external("user", "syscall_init") declare function user_syscall_init(): void;

// Program the syscall MSRs (boot/entry.asm).
export function userModeInit(): void {
  user_syscall_init();
}

// A CPU exception in user mode, the running thread's registers saved: a
// fault message if the thread has a fault endpoint (exec.ts
// faultToMessage), else one report line and the thread stops.
export function userFault(vector: u64, err: u64, addr: u64, rip: u64): void {
  if (execCur < 0) return;
  if (vector == 7 && execFpuTrap()) return; // #NM: lazy FPU switching, not a fault
  const t = <u32>execCur;
  if (wasmUserFault(t, vector, addr, rip)) return; // a Wasm trap of a wasmc program (wasm_user.ts)
  if (faultToMessage(t, vector, err, addr, rip)) return;
  execPrintName(t);
  if (vector == 14) {
    print(": page fault at ");
    printHex(addr, 16);
    print((err & 4) != 0 ? " (user " : " (kernel ");
    print((err & 16) != 0 ? "fetch, " : (err & 2) != 0 ? "write, " : "read, ");
    print((err & 1) != 0 ? "protection violation)" : "not mapped)");
  } else {
    print(": exception ");
    printDec(vector);
    print(" error ");
    printHex(err);
  }
  print(" at rip ");
  printHex(rip);
  println(", stopped");
  execStop(t);
}
