// tcb.ts — the thread control block: what the kernel knows about a thread.
//
// A TCB is a kernel object (objects.ts, type OBJ_THREAD) in a fixed pool.
// It holds the thread's scheduling state (sched.ts links it into the run
// queues through schedNext/schedPrev), its saved user registers (written by
// boot/entry.asm on every kernel entry, restored on the way out), and weak
// references (index + generation) to the objects it runs with: its
// address space, its CNode and its fault endpoint.
// Weak, so that destroying one of those objects never has to find every
// thread using it: the thread's next use of the reference sees a stale
// generation and fails cleanly.

import { poolSetup, OBJ_THREAD, ObjHeader } from "./objects";

// Thread states.
export const TS_INACTIVE: u32 = 0;      // created, not started (or stopped)
export const TS_RUNNABLE: u32 = 1;      // in a run queue
export const TS_BLOCKED_SEND: u32 = 2;  // waiting on an endpoint to send
export const TS_BLOCKED_RECV: u32 = 3;  // waiting on an endpoint to receive
export const TS_BLOCKED_REPLY: u32 = 4; // called, waiting for the reply
export const TS_BLOCKED_NOTIFY: u32 = 5; // waiting on a notification

export const PRIORITY_LEVELS: u32 = 256; // 0 lowest .. 255 highest

// Saved registers, in this order (indexes into the register area).
export const REG_RAX = 0; export const REG_RBX = 1; export const REG_RCX = 2; export const REG_RDX = 3;
export const REG_RSI = 4; export const REG_RDI = 5; export const REG_RBP = 6; export const REG_RSP = 7;
export const REG_R8 = 8; export const REG_R9 = 9; export const REG_R10 = 10; export const REG_R11 = 11;
export const REG_R12 = 12; export const REG_R13 = 13; export const REG_R14 = 14; export const REG_R15 = 15;
export const REG_RIP = 16; export const REG_RFLAGS = 17; export const REG_FS_BASE = 18; export const REG_GS_BASE = 19;
export const REG_ENTRY = 20; // how the thread last entered the kernel (ENTRY_*; boot/entry.asm)
// The count of its system calls, every one (boot/entry.asm adds 1 at each
// syscall entry, before the fast path or the dispatch), for proc_info: a
// supervisor's watchdog tells a thread spinning without system calls from
// a busy one (found by the fault-injection campaign, servers/faultload).
export const REG_SYSCALLS = 21;
export const REG_COUNT = 22;

// REG_ENTRY values. ENTRY_SYSCALL: by syscall, so the exit may use sysret
// (rcx and r11 are not restored); ENTRY_IRET (0, a fresh thread's):
// every register is restored (iretq). Kernel code that sets a thread's
// registers other than rax and the message registers sets ENTRY_IRET.
export const ENTRY_IRET: u64 = 0;
export const ENTRY_SYSCALL: u64 = 1;

@unmanaged export class Tcb extends ObjHeader {
  state: u32;
  priority: u32;
  schedNext: i32;      // run queue links (thread indexes, -1 = none)
  schedPrev: i32;
  queued: u32;         // 1 while in a run queue
  vspace: i32;         // address space object index, -1 = none
  vspaceGen: u32;
  cnode: i32;          // CNode object index, -1 = none
  cnodeGen: u32;
  faultEp: i32;        // endpoint object index, -1 = none
  faultEpGen: u32;
  caller: i32;         // IPC: the thread waiting for this one's reply, -1 = none
  faultBadge: u64;     // badge the fault messages carry
  ipcBuffer: u64;      // user virtual address of the IPC buffer, 0 = none
  epNext: i32;         // endpoint wait-queue links (endpoint.ts; thread indexes, -1 = none)
  epPrev: i32;
  epWait: i32;         // endpoint object index it waits on, -1 = none
  epWaitGen: u32;      // that endpoint's generation
  pml4: u64;           // physical PML4 of its address space (vspace), for the switch (exec.ts)
  name: u32;           // strpool string: the process's name, for reports (0 = none)
  fpu: u32;            // exec.ts: FPU_LIVE (its x87/SSE registers are in the CPU), FPU_SAVED
  bufRights: u32;      // ipc.ts: cached MAP_* rights of the IPC buffer's page (valid while bufEpoch == paging.ts mapEpoch)
  bufPhys: u64;        // ipc.ts: cached physical address of ipcBuffer (direct map), see bufRights
  bufEpoch: u64;       // paging.ts mapEpoch when bufPhys was resolved; 0 = not resolved
  flags: u32;          // TF_* (sys_thread.ts)
}

// Tcb.flags: made by thread_create (sys_thread.ts), not a process's first
// thread: its exit stops only it (process.ts processExit).
export const TF_EXTRA: u32 = 1;
// A process's first thread (process.ts processCreate): its last capability
// going takes the process with it (processOrphaned).
export const TF_PROCESS: u32 = 2;

// The register area follows the fields, 8-byte aligned.
export const TCB_REGS_OFFSET: u32 = <u32>((offsetof<Tcb>() + 7) & ~7);
export const TCB_SIZE: u32 = (TCB_REGS_OFFSET + REG_COUNT * 8 + 63) & ~63;

export const MAX_THREADS: u32 = 256;
export const tcbPool = memory.data(<i32>(TCB_SIZE * MAX_THREADS), 64);

export function tcbPoolInit(): void {
  poolSetup(OBJ_THREAD, tcbPool, TCB_SIZE, MAX_THREADS);
}

// A constant base (the pool is always tcbPool): no pool-table loads.
@inline export function tcb(index: u32): Tcb {
  return changetype<Tcb>(tcbPool + <usize>index * TCB_SIZE);
}

// A freshly allocated TCB's fields: inactive, no links, no references.
export function tcbInitFields(index: u32, priority: u32): void {
  const t = tcb(index);
  t.state = TS_INACTIVE;
  t.priority = priority;
  t.schedNext = -1;
  t.schedPrev = -1;
  t.queued = 0;
  t.vspace = -1;
  t.cnode = -1;
  t.faultEp = -1;
  t.caller = -1;
  t.epNext = -1;
  t.epPrev = -1;
  t.epWait = -1;
  t.pml4 = 0;
  t.name = 0;
  t.bufEpoch = 0;
  t.flags = 0;
  t.fpu = 0;
}

@inline export function tcbReg(index: u32, reg: i32): u64 {
  return load<u64>(changetype<usize>(tcb(index)) + TCB_REGS_OFFSET + (<usize>reg << 3));
}

@inline export function tcbSetReg(index: u32, reg: i32, value: u64): void {
  store<u64>(changetype<usize>(tcb(index)) + TCB_REGS_OFFSET + (<usize>reg << 3), value);
}
