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
import { SYS_DEBUG_PUTC, SYS_DEBUG_WRITE, SYS_EXIT, SYS_NULL, SYS_YIELD, SYS_CALL, SYS_REPLY_RECV, DEBUG_WRITE_MAX } from "./syscalls";
import { epSend, epRecv, epPartner, epTransfer } from "./endpoint";
import { schedPick, schedDequeue, schedEnqueue } from "./sched";
import { cnodeCreateRoot, capCreate, capCopy, createdObj, slotId, slotType, slotObj } from "./cap";
import { OBJ_ENDPOINT, OBJ_CNODE } from "./objects";
import { MAX_THREADS, TS_BLOCKED_REPLY, REG_RAX, tcbReg } from "./tcb";
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
@external("user", "switch") declare function user_switch(regs: usize): void;

// A thread starts with only the reserved bit: IF = 0 (see above).
// user.enter returns the exit status (0..255), or -(vector + 1) for a
// thread stopped by a fault (userFault).
const USER_RFLAGS: u64 = 0x2;

// The running process (one at a time for now).
let curPml4: u64 = 0;
let curName: usize = 0; // strpool string
let curThread: i32 = -1;

const writeBuf = memory.data(256, 8);

// Per thread (by TCB index): its PML4 and its name (strpool string).
const threadPml4 = memory.data(<i32>MAX_THREADS * 8, 8);
const threadName = memory.data(<i32>MAX_THREADS * 8, 8);

function setThread(t: u32, pml4: u64, name: usize): void {
  store<u64>(threadPml4 + (<usize>t << 3), pml4);
  store<u64>(threadName + (<usize>t << 3), <u64>name);
}

// Make thread t the running one: its address space and register area
// (syscall_entry returns to it). No scheduler involved.
@inline function switchTo(t: u32): void {
  const pml4 = load<u64>(threadPml4 + (<usize>t << 3));
  if (pml4 != curPml4) { write_cr3(pml4); curPml4 = pml4; }
  curThread = <i32>t;
  curName = <usize>load<u64>(threadName + (<usize>t << 3));
  tcb(t).state = TS_RUNNABLE;
  user_switch(changetype<usize>(tcb(t)) + TCB_REGS_OFFSET);
}

// The running thread has blocked: run the highest-priority runnable one
// (the general path). Nothing runnable: the group stops (status 255).
function switchAway(): i64 {
  const next = schedPick();
  if (next < 0) {
    println("ipc: no runnable thread left, stopping");
    user_leave(255);
    return 0;
  }
  schedDequeue(<u32>next);
  switchTo(<u32>next);
  return <i64>tcbReg(<u32>next, REG_RAX);
}

// The endpoint named by slot `index` of the running thread's CNode, or -1.
@inline function capEndpoint(index: u64): i32 {
  const c = tcb(<u32>curThread).cnode;
  if (c < 0 || index > 0xFFFF) return -1;
  const id = slotId(<u32>c, <u32>index);
  if (id < 0 || slotType(<u32>id) != OBJ_ENDPOINT) return -1;
  return <i32>slotObj(<u32>id);
}

// call(ep, msg): the message goes to a waiting receiver, the caller waits
// for the reply. Fast path: a receiver is waiting: copy the message and
// switch straight to it.
@inline function sysCall(slotIndex: u64): i64 {
  const e = capEndpoint(slotIndex);
  if (e < 0) return -<i64>KErr.WRONG_TYPE;
  const me = <u32>curThread;
  const err = epSend(<u32>e, me);
  if (err != KErr.OK) return -<i64>err;
  const srv = epPartner;
  if (srv >= 0) {
    epTransfer(me, <u32>srv);
    tcb(<u32>srv).caller = <i32>me;
    tcb(me).state = TS_BLOCKED_REPLY;
    switchTo(<u32>srv);
    return 0;
  }
  // Queued as a sender (the receiver takes it later): run someone else.
  tcbSetReg(me, REG_RAX, 0);
  return switchAway();
}

// reply_recv(ep, reply): reply to the caller being served (if any), then
// wait for the next message. Fast path: no sender queued: block in
// receive and switch straight to the caller.
@inline function sysReplyRecv(slotIndex: u64): i64 {
  const e = capEndpoint(slotIndex);
  if (e < 0) return -<i64>KErr.WRONG_TYPE;
  const me = <u32>curThread;
  const c = tcb(me).caller;
  tcb(me).caller = -1;
  let replied = false;
  if (c >= 0 && tcb(<u32>c).state == TS_BLOCKED_REPLY) {
    epTransfer(me, <u32>c);
    tcbSetReg(<u32>c, REG_RAX, 0);
    replied = true;
  }
  const err = epRecv(<u32>e, me);
  if (err != KErr.OK) {
    if (replied) { tcb(<u32>c).state = TS_INACTIVE; schedEnqueue(<u32>c); }
    return -<i64>err;
  }
  const s = epPartner;
  if (s >= 0) {
    // A sender was queued: take its message and go on serving; the
    // replied caller becomes runnable.
    epTransfer(<u32>s, me);
    tcb(me).caller = s;
    tcb(<u32>s).state = TS_BLOCKED_REPLY;
    if (replied) { tcb(<u32>c).state = TS_INACTIVE; schedEnqueue(<u32>c); }
    return 0;
  }
  if (replied) {
    switchTo(<u32>c);
    return 0;
  }
  tcbSetReg(me, REG_RAX, 0);
  return switchAway();
}

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
  if (num == SYS_CALL) return sysCall(a0);
  if (num == SYS_REPLY_RECV) return sysReplyRecv(a0);
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

// Check and load one ELF image into a fresh address space with a thread
// ready to enter it. Its thread index, or -1 (reported) if it cannot start.
function loadImage(phys: u64, size: u64, name: usize): i32 {
  curName = name;
  const check = elfCheck(phys, size);
  if (check != ELF_OK) {
    print("process "); printName(); print(": bad ELF image: "); print(elfErrorText(check)); println(", skipped");
    return -1;
  }
  const pml4 = vspaceCreate();
  const t = objAlloc(OBJ_THREAD);
  if (pml4 == 0 || t < 0) {
    print("process "); printName(); println(": out of memory, skipped");
    if (t >= 0) objFree(OBJ_THREAD, <u32>t);
    return -1;
  }
  if (elfLoad(pml4, phys) != KErr.OK) {
    print("process "); printName(); println(": out of memory while loading, skipped");
    objFree(OBJ_THREAD, <u32>t);
    return -1;
  }
  tcbInitFields(<u32>t, 100);
  tcbSetReg(<u32>t, REG_RIP, elfEntry);
  tcbSetReg(<u32>t, REG_RSP, USER_STACK_TOP);
  tcbSetReg(<u32>t, REG_RFLAGS, USER_RFLAGS);
  setThread(<u32>t, pml4, name);
  print("process "); printName(); print(": entry "); printHex(elfEntry); print(", address space "); printHex(pml4); println();
  return t;
}

// Enter thread t; back when the running thread (t, or one it switched
// to by IPC) stops.
function runThread(t: u32): void {
  curPml4 = load<u64>(threadPml4 + (<usize>t << 3));
  curThread = <i32>t;
  curName = <usize>load<u64>(threadName + (<usize>t << 3));
  const kernelCr3 = read_cr3();
  write_cr3(curPml4);
  tcb(t).state = TS_RUNNABLE;
  const status = user_enter(changetype<usize>(tcb(t)) + TCB_REGS_OFFSET);
  write_cr3(kernelCr3);
  tcb(<u32>curThread).state = TS_INACTIVE;
  if (status >= 0) {
    print("process "); printName(); print(": exited with status "); printDec(<u64>status); println();
  }
  curThread = -1;
  // The address spaces and their frames stay (no process teardown yet).
}

// Run one ELF image to its end. Returns false if it could not start.
function runImage(phys: u64, size: u64, name: usize): bool {
  const t = loadImage(phys, size, name);
  if (t < 0) return false;
  runThread(<u32>t);
  return true;
}

// The IPC pair (kernel/README.md, "IPC"): the modules named "ipcserver"
// and "ipcclient" each get a CNode whose slot 1 holds a capability to one
// shared endpoint; the client is made runnable, the server is entered
// first (it blocks in reply_recv, and the kernel switches to the client).
function runIpcPair(server: i32, client: i32): void {
  const ms = bootModule(server), mc = bootModule(client);
  const s = loadImage(<u64>ms.start, <u64>(ms.end - ms.start), ms.string);
  const c = loadImage(<u64>mc.start, <u64>(mc.end - mc.start), mc.string);
  if (s < 0 || c < 0) return;
  const cs = cnodeCreateRoot(), cc = cnodeCreateRoot();
  if (cs < 0 || cc < 0 || capCreate(OBJ_ENDPOINT, <u32>cs, 1, 0) != KErr.OK ||
      capCopy(<u32>cs, 1, <u32>cc, 1) != KErr.OK) {
    println("ipc: out of kernel objects, pair skipped");
    return;
  }
  tcb(<u32>s).cnode = cs;
  tcb(<u32>c).cnode = cc;
  schedEnqueue(<u32>c);
  runThread(<u32>s);
}

// Program the syscall MSRs and run every boot module that is a program
// (all but kernel.sym), one after the other.
export function runUserPrograms(): void {
  user_syscall_init();
  if (pagingKernelPml4() == 0 || (read_cr3() & PTE_ADDR) == 0) return;
  let server = -1, client = -1;
  for (let i = 0; i < mbModuleCount; i++) {
    const s = bootModule(i).string;
    if (nameIs(s, "ipcserver")) server = i;
    if (nameIs(s, "ipcclient")) client = i;
  }
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    const s = m.string;
    if (isKernelSym(s) || i == client) continue;
    if (i == server) {
      if (client >= 0) runIpcPair(server, client);
      continue;
    }
    runImage(<u64>m.start, <u64>(m.end - m.start), s);
  }
}

function isKernelSym(s: usize): bool { return nameIs(s, "kernel.sym"); }

function nameIs(s: usize, want: string): bool {
  const n = strLen(s);
  if (n != <u32>want.length) return false;
  const p = strData(s);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>want.charCodeAt(i)) return false;
  return true;
}
