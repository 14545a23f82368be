// usermode.ts — the first user programs: system calls, user faults, and
// running the ELF boot modules (one at a time, to completion, for now).
//
// boot/syscall.asm holds the machine side:
//   user.syscall_init()   EFER.SCE, STAR, LSTAR = syscall_entry, SFMASK
//                         (IF, DF, AC, TF cleared on entry);
//   user.enter(regs)      saves the kernel's callee-saved registers and
//                         stack as the thread's kernel stack (TSS.RSP0 too),
//                         loads every user register from the register area
//                         at linear address `regs` (tcb.ts order) and
//                         iretq's to ring 3. It returns, with a status,
//                         only when the thread stops: user.leave(status)
//                         called from a system call, or a user fault.
//   syscall_entry         saves the user registers into the register area,
//                         calls syscall_dispatch (exported by main.ts) on
//                         the thread's kernel stack, returns with sysret.
//   user exceptions       (CS.RPL = 3 in boot/exception.asm) save the
//                         registers and call user_fault (exported), then
//                         leave the thread with its status.
// Interrupts stay off in user mode too (RFLAGS.IF = 0): there are no
// interrupt handlers yet, and no preemption.

import { KErr } from "./errors";
import { print, printDec, printHex, println, printChar } from "./print";
import { read_cr3, write_cr3 } from "./x86";
import { SYS_DEBUG_PUTC, SYS_DEBUG_WRITE, SYS_EXIT, SYS_NULL, SYS_YIELD, DEBUG_WRITE_MAX } from "./syscalls";
import { copyFromUser } from "./uaccess";
import { elfCheck, elfEntry, elfErrorText, elfLoad, ELF_OK, USER_STACK_TOP } from "./elf";
import { vspaceCreate, pagingKernelPml4, PTE_ADDR } from "./paging";
import { bootModule, mbModuleCount } from "./multiboot2";
import { strData, strLen } from "./strpool";
import { objAlloc, objFree, OBJ_THREAD } from "./objects";
import { tcb, tcbInitFields, tcbSetReg, TCB_REGS_OFFSET, REG_RIP, REG_RSP, REG_RFLAGS, TS_INACTIVE, TS_RUNNABLE } from "./tcb";

@external("user", "syscall_init") declare function user_syscall_init(): void;
@external("user", "enter") declare function user_enter(regs: usize): i32;
@external("user", "leave") declare function user_leave(status: i32): void;

// A thread starts with only the reserved bit: IF = 0 (see above).
// user.enter returns the exit status (0..255), or -(vector + 1) for a
// thread stopped by a fault (userFault).
const USER_RFLAGS: u64 = 0x2;

// The running process (one at a time for now).
let curPml4: u64 = 0;
let curName: usize = 0; // strpool string
let curThread: i32 = -1;

const writeBuf = memory.data(256, 8);

function printName(): void {
  const p = strData(curName), n = strLen(curName);
  for (let i: u32 = 0; i < n; i++) printChar(load<u8>(p + i));
}

// Console bytes from user space: text and new lines pass, other control
// characters are shown as '?'.
function userByte(b: u8): void {
  printChar(b == 10 || b == 9 || (b >= 0x20 && b != 0x7F) ? b : 0x3F);
}

// The system calls (syscalls.ts). Results >= 0, or -KErr.
export function syscallDispatch(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64 {
  if (num == SYS_NULL) return 0;
  if (num == SYS_DEBUG_WRITE) {
    if (a1 > DEBUG_WRITE_MAX) return -<i64>KErr.INVALID_ARGUMENT;
    let done: u64 = 0;
    while (done < a1) {
      const n: u64 = a1 - done < 256 ? a1 - done : 256;
      const err = copyFromUser(curPml4, writeBuf, a0 + done, n);
      if (err != KErr.OK) return -<i64>err;
      for (let i: u64 = 0; i < n; i++) userByte(load<u8>(writeBuf + <usize>i));
      done += n;
    }
    return <i64>a1;
  }
  if (num == SYS_DEBUG_PUTC) { userByte(<u8>a0); return 0; }
  if (num == SYS_EXIT) { user_leave(<i32>(a0 & 0xFF)); return 0; }
  if (num == SYS_YIELD) return 0; // the only thread: keep running
  return -<i64>KErr.INVALID_ARGUMENT;
}

// A CPU exception in user mode: report it; the thread is stopped (no
// fault endpoints yet). Returns the status for user.enter.
export function userFault(vector: u64, err: u64, addr: u64, rip: u64): i32 {
  print("process ");
  printName();
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
  return -<i32>(vector + 1);
}

// Run one ELF image to its end. Returns false if it could not start.
function runImage(phys: u64, size: u64, name: usize): bool {
  curName = name;
  const check = elfCheck(phys, size);
  if (check != ELF_OK) {
    print("process "); printName(); print(": bad ELF image: "); print(elfErrorText(check)); println(", skipped");
    return false;
  }
  const pml4 = vspaceCreate();
  const t = objAlloc(OBJ_THREAD);
  if (pml4 == 0 || t < 0) {
    print("process "); printName(); println(": out of memory, skipped");
    if (t >= 0) objFree(OBJ_THREAD, <u32>t);
    return false;
  }
  if (elfLoad(pml4, phys) != KErr.OK) {
    print("process "); printName(); println(": out of memory while loading, skipped");
    objFree(OBJ_THREAD, <u32>t);
    return false;
  }
  tcbInitFields(<u32>t, 100);
  tcbSetReg(<u32>t, REG_RIP, elfEntry);
  tcbSetReg(<u32>t, REG_RSP, USER_STACK_TOP);
  tcbSetReg(<u32>t, REG_RFLAGS, USER_RFLAGS);
  print("process "); printName(); print(": entry "); printHex(elfEntry); print(", address space "); printHex(pml4); println();
  curPml4 = pml4;
  curThread = t;
  const kernelCr3 = read_cr3();
  write_cr3(pml4);
  tcb(<u32>t).state = TS_RUNNABLE;
  const status = user_enter(changetype<usize>(tcb(<u32>t)) + TCB_REGS_OFFSET);
  write_cr3(kernelCr3);
  tcb(<u32>t).state = TS_INACTIVE;
  curThread = -1;
  if (status >= 0) {
    print("process "); printName(); print(": exited with status "); printDec(<u64>status); println();
  }
  // The address space and its frames stay (no process teardown yet).
  return true;
}

// Program the syscall MSRs and run every boot module that is a program
// (all but kernel.sym), one after the other.
export function runUserPrograms(): void {
  user_syscall_init();
  if (pagingKernelPml4() == 0 || (read_cr3() & PTE_ADDR) == 0) return;
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    const s = m.string;
    if (isKernelSym(s)) continue;
    runImage(<u64>m.start, <u64>(m.end - m.start), s);
  }
}

function isKernelSym(s: usize): bool {
  const want = "kernel.sym";
  const n = strLen(s);
  if (n != <u32>want.length) return false;
  const p = strData(s);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>want.charCodeAt(i)) return false;
  return true;
}
