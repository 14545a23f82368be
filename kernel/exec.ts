// exec.ts — the execution model's kernel API: which thread runs, and the
// few ways that changes (kernel/README.md, "Scheduling" and "User mode").
//
// One CPU, one kernel stack. boot/entry.asm saves a thread's registers into
// its TCB on every kernel entry and, on the way out, restores the thread
// that is current THEN. So switching threads is only: load the thread's
// address space (CR3) and make its register area the current one
// (user.switch). Nothing here ever waits: a blocked thread is its saved
// registers plus its state in the TCB; with nothing to run the exit path
// idles (sti; hlt) until an interrupt makes something runnable.
//
// The running thread (execCur) is NOT in a run queue (seL4's rule): it is
// put back into one when it is preempted (at the head: execWake of a
// higher priority) or its timeslice ends (at the tail: execTick, execYield).
//
// The API (announced in /work/plan/status.md):
//   execCur / execCurrent()  the running thread's TCB index, -1 = idle
//   execSwitchTo(t)          direct switch (IPC fast path): t runs next; the
//                            caller has already decided what happens to
//                            the current thread (blocked, queued, stopped)
//   execBlock()              the current thread has blocked (its state is
//                            set, it is queued nowhere): run the best
//                            runnable thread, or idle
//   execWake(t)              t becomes runnable; it runs at once if it
//                            outranks the running thread (or the CPU idles)
//   execYield()              round robin: to the tail of its priority
//   execReschedule()         after a priority change: the best runs
//   execTick()               timer interrupt: end of timeslice -> execYield
//   execStop(t)              t stops (fault, exit, suspend): out of every
//                            queue, TS_INACTIVE; if it runs, the next runs
//   execSwitchState(t)       execSwitchTo but the last step (the IPC fast
//                            path's exit in entry.asm makes the area current)
//   execRun()                kmain's last call: enter the scheduler, never returns
//   execSpaceGone(space)     cap.ts: an address space dies, its threads stop
//   execKernelSpace()        CR3 to the kernel's tables (process teardown)
//   execFpuTrap()            #NM from ring 3: lazy FPU/SSE switch
//   faultToMessage(...)      THE hook where a user fault becomes a fault
//                            message (fault.ts faultDeliver, ipc.ts)
//   execPrintName(t)         "process <name>" for report lines
// A syscall handler's return value is the calling thread's rax (entry.asm
// stores it in the caller's area if the kernel switched away); to give a
// blocked thread its result later, set its REG_RAX (tcbSetReg) when
// waking it.

import { read_cr0, write_cr0, write_cr3 } from "./x86";
import { print, printChar, println } from "./print";
import { tcb, MAX_THREADS, TCB_REGS_OFFSET, TS_INACTIVE, TS_RUNNABLE } from "./tcb";
import { schedDequeue, schedEnqueue, schedEnqueueFront, schedPick, schedTopPriority } from "./sched";
import { ipcStop } from "./ipc";
import { faultDeliver } from "./fault";
import { objValid, OBJ_THREAD } from "./objects";
import { pagingKernelPml4 } from "./paging";
import { strData, strLen } from "./strpool";

@external("user", "switch") declare function user_switch(regs: usize): void;
@external("user", "idle") declare function user_idle(): void;
@external("user", "run") declare function user_run(): void;
@external("user", "entry_forget") declare function user_entry_forget(): void;
@external("user", "fpu_switch") declare function user_fpu_switch(save: usize, restore: usize): void;

// Timer ticks per timeslice (execTick): with timerStart(EXEC_TIMER_HZ), a
// thread runs at most TIMESLICE_TICKS / EXEC_TIMER_HZ s before the next of
// its priority gets the CPU.
export const EXEC_TIMER_HZ: u32 = 100;
export const TIMESLICE_TICKS: u32 = 2;

export let execCur: i32 = -1;   // the running thread, -1 = none (idle)
let curPml4: u64 = 0;           // what CR3 holds (0: not known, the kernel's)
let sliceLeft: u32 = TIMESLICE_TICKS;

@inline export function execCurrent(): i32 { return execCur; }

// Make thread t the running one: its address space and register area.
// The caller has taken t out of any queue and dealt with the old thread.
// (t's address space is alive: when one is destroyed, execSpaceGone
// stops its threads, so none of them can be switched to.)
@inline export function execSwitchTo(t: u32): void {
  user_switch(execSwitchState(t));
}

// execSwitchTo without the last step: everything but making t's register
// area the current one, whose (linear) address it returns. For the IPC
// fast path (kernel/fastpath.ts), whose exit in boot/entry.asm does that
// step itself.
@inline export function execSwitchState(t: u32): usize {
  const x = tcb(t);
  const pml4 = x.pml4;
  if (pml4 != curPml4) {
    write_cr3(pml4);
    curPml4 = pml4;
  }
  // Lazy FPU: the x87/SSE registers stay in the CPU until another thread
  // uses them (#NM: execFpuTrap). CR0.TS is set while they are not t's.
  // (One test when CR0.TS is already right: the IPC fast path's case.)
  const live: u32 = (x.fpu & FPU_LIVE) != 0 ? 1 : 0;
  if (live == <u32>fpuTrap) {
    if (live != 0) { write_cr0(read_cr0() & ~CR0_TS); fpuTrap = false; }
    else { write_cr0(read_cr0() | CR0_TS); fpuTrap = true; }
  }
  execCur = <i32>t;
  x.state = TS_RUNNABLE;
  return changetype<usize>(x) + TCB_REGS_OFFSET;
}

// Address space `space` (an OBJ_ADDRESS_SPACE index) is being destroyed
// (cap.ts, its last capability): every thread configured with it stops
// for good (reported) and forgets it. One pass over the thread pool, on
// a rare operation, so that switching threads needs no check. The live
// address space is never destroyed (cap.ts refuses: BUSY).
export function execSpaceGone(space: u32): void {
  for (let t: u32 = 0; t < MAX_THREADS; t++) {
    if (!objValid(OBJ_THREAD, t)) continue;
    const x = tcb(t);
    if (x.vspace != <i32>space) continue;
    if (x.state != TS_INACTIVE || x.queued != 0) {
      execPrintName(t);
      println(": address space deleted, stopped");
      execStop(t);
    }
    x.vspace = -1;
    x.pml4 = 0;
  }
}

// Nothing to run: the exit path idles until an interrupt wakes a thread.
function idle(): void {
  execCur = -1;
  user_idle();
}

// The current thread no longer runs (it blocked or stopped; its state is
// set and it is in no run queue): the highest-priority runnable thread
// runs, or the CPU idles.
export function execBlock(): void {
  const next = schedPick();
  if (next < 0) { idle(); return; }
  schedDequeue(<u32>next);
  execSwitchTo(<u32>next);
}

// Thread t (blocked or inactive, in no run queue) becomes runnable. It
// runs now if the CPU idles or it has a higher priority than the running
// thread (which goes back to the head of its queue: its timeslice is not
// over); otherwise it waits at the tail of its queue.
export function execWake(t: u32): void {
  const cur = execCur;
  if (<u32>cur == t || tcb(t).queued != 0) return; // running or runnable already
  if (cur < 0) { execSwitchTo(t); return; }
  if (tcb(t).priority > tcb(<u32>cur).priority) {
    schedEnqueueFront(<u32>cur);
    execSwitchTo(t);
    return;
  }
  schedEnqueue(t);
}

// Priorities changed (thread.ts): if a runnable thread now outranks the
// running one, it runs (the running thread goes to the head of its queue).
export function execReschedule(): void {
  const cur = execCur;
  if (cur < 0) return;
  const top = schedTopPriority();
  if (top < 0 || <u32>top <= tcb(<u32>cur).priority) return;
  schedEnqueueFront(<u32>cur);
  execBlock();
}

// The running thread gives up the CPU to the next thread of its own (or
// a higher) priority, if there is one; it goes to the tail of its queue.
export function execYield(): void {
  const cur = execCur;
  if (cur < 0) return;
  const next = schedPick();
  if (next < 0 || tcb(<u32>next).priority < tcb(<u32>cur).priority) return;
  schedEnqueue(<u32>cur);
  schedDequeue(<u32>next);
  execSwitchTo(<u32>next);
}

// A timer tick (interrupt_dispatch): the timeslice shrinks; at its end,
// round robin within the running thread's priority. (One slice counter
// for the CPU, not per thread: a thread switched to in the middle of a
// slice gets what is left of it, which keeps switching cheap.)
export function execTick(): void {
  if (execCur < 0) return;
  if (sliceLeft > 1) { sliceLeft--; return; }
  sliceLeft = TIMESLICE_TICKS;
  execYield();
}

// Stop thread t: out of its run queue and any endpoint or notification
// queue, inactive; a caller waiting for its reply gets DEAD_PARTNER.
// If it is the running thread, the next thread runs (or the CPU idles)
// and the system call that is running (if any) does not write its result
// back into t's registers.
export function execStop(t: u32): void {
  ipcStop(t); // out of run, endpoint and notification queues; a call it served fails
  if (execCur == <i32>t) {
    user_entry_forget();
    execCur = -1;
    execBlock();
  }
}

// --- the x87 / SSE registers (lazy switching) ------------------------------------
// The kernel never uses them (tests/kernel/wasm.test.ts checks its code), so
// they belong to one thread at a time, fpuOwner (tcb.fpu FPU_LIVE). Any
// other thread runs with CR0.TS set: its first x87/SSE instruction raises
// #NM, and execFpuTrap saves the owner's registers into its area and loads
// the running thread's (a fresh thread gets FCW 0x37F, MXCSR 0x1F80, the
// rest zero). A freed TCB is zeroed when reused (objAlloc), so a dead
// owner's FPU_LIVE never passes to its successor.
export const FPU_LIVE: u32 = 1;   // tcb.fpu: its registers are in the CPU now
export const FPU_SAVED: u32 = 2;  // tcb.fpu: its save area holds its registers
const CR0_TS: u64 = 8;
const FXSAVE_SIZE: u32 = 512;
const fpuAreas = memory.data(<i32>(MAX_THREADS * FXSAVE_SIZE), 64);
const fpuInitial = memory.data(FXSAVE_SIZE, 64);
let fpuOwner: i32 = -1;
let fpuTrap = false;              // CR0.TS is set

// A #NM from ring 3 (usermode.ts): the running thread wants the FPU.
// True if it is now its own (the thread retries the instruction); false
// if this #NM is not about lazy switching (a fault).
export function execFpuTrap(): bool {
  const cur = execCur;
  if (cur < 0 || !fpuTrap) return false;
  const x = tcb(<u32>cur);
  let save: usize = 0;
  if (fpuOwner >= 0 && objValid(OBJ_THREAD, <u32>fpuOwner) && (tcb(<u32>fpuOwner).fpu & FPU_LIVE) != 0) {
    save = fpuAreas + <usize>fpuOwner * FXSAVE_SIZE;
    tcb(<u32>fpuOwner).fpu = FPU_SAVED;
  }
  let restore = fpuAreas + <usize>cur * FXSAVE_SIZE;
  if ((x.fpu & FPU_SAVED) == 0) {
    restore = fpuInitial;
    store<u16>(fpuInitial, 0x37F);       // FCW: all x87 exceptions masked
    store<u32>(fpuInitial + 24, 0x1F80); // MXCSR: all SSE exceptions masked, round to nearest
  }
  user_fpu_switch(save, restore);        // clears CR0.TS
  fpuTrap = false;
  x.fpu = FPU_LIVE | FPU_SAVED;
  fpuOwner = cur;
  return true;
}

// CR3 back to the kernel's own tables (before an address space that may
// be live is freed).
export function execKernelSpace(): void {
  const k = pagingKernelPml4();
  if (k != 0 && curPml4 != k) {
    write_cr3(k);
    curPml4 = k;
  }
}

// What CR3 holds, as far as exec knows (0: the boot tables / not switched yet).
export function execSpace(): u64 { return curPml4; }

// kmain's last step: leave through the exit path, which runs the current
// thread or idles. Never returns.
export function execRun(): void {
  if (execCur < 0) execBlock();
  user_run();
}

// THE fault hook: a CPU exception or a Wasm trap of thread t in user
// mode, its registers saved. The thread stops (fault.ts faultDeliver:
// ipcStop). With a fault endpoint (tcb.faultEp) the fault becomes a
// message (label FAULT; words kind, error, address, rip; the fault
// endpoint capability's badge; ipc.ts) and, if t was running, the next
// thread runs: true. Without one: false, and the caller reports the fault
// on serial and execStops the thread.
export function faultToMessage(t: u32, kind: u64, error: u64, address: u64, rip: u64): bool {
  if (!faultDeliver(t, kind, error, address, rip)) return false; // stopped, no fault endpoint
  if (execCur == <i32>t) { // stopped, its fault sent or queued: the next thread runs
    user_entry_forget();
    execCur = -1;
    execBlock();
  }
  return true;
}

// "process <name>" (the TCB's name, from the boot module).
export function execPrintName(t: u32): void {
  print("process ");
  const s = <usize>tcb(t).name;
  if (s == 0) { print("(thread)"); return; }
  const p = strData(s), n = strLen(s);
  for (let i: u32 = 0; i < n; i++) printChar(load<u8>(p + i));
}
