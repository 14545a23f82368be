// thread.ts — thread operations, by capability: configure, priority,
// resume, suspend.
//
// What the TCB system calls will do once there are system calls: the
// caller names the thread and the objects it should run with by slots of
// a CNode (cap.ts). Each operation decodes (slots, types, rights,
// arguments) before it changes the TCB (tcb.ts) or the run queues
// (sched.ts). A configured thread holds weak references (index +
// generation) to its address space, CNode and fault endpoint: deleting
// those objects later needs no search through the threads; the thread
// simply no longer has them, and resume refuses it.

import { KErr } from "./errors";
import { slot, slotId, objPhys, RIGHT_WRITE } from "./cap";
import { objHeader, objRefValid, OBJ_ADDRESS_SPACE, OBJ_CNODE, OBJ_ENDPOINT, OBJ_THREAD } from "./objects";
import { tcb, Tcb, PRIORITY_LEVELS, TS_INACTIVE } from "./tcb";
import { schedEnqueue, schedSetPriority } from "./sched";
import { execCur, execReschedule, execStop, execWake } from "./exec";
import { USER_TOP } from "./paging";

export const NO_SLOT: u32 = 0xFFFF_FFFF; // "no fault endpoint"
export const IPC_BUFFER_ALIGN: u64 = 512;

// The thread a slot names, if the capability is a thread capability with
// RIGHT_WRITE; -1 with the error in threadError otherwise.
let threadError: KErr = KErr.OK;
function writableThread(cn: u32, idx: u32): i32 {
  const id = slotId(cn, idx);
  if (id < 0) { threadError = KErr.INVALID_SLOT; return -1; }
  const s = slot(<u32>id);
  if (s.type == 0) { threadError = KErr.EMPTY_SLOT; return -1; }
  if (s.type != <u8>OBJ_THREAD) { threadError = KErr.WRONG_TYPE; return -1; }
  if ((<u32>s.rights & RIGHT_WRITE) == 0) { threadError = KErr.INSUFFICIENT_RIGHTS; return -1; }
  return <i32>s.obj;
}

// Check that (cn, idx) holds a capability of `type`; KErr.OK or why not.
function checkCap(cn: u32, idx: u32, type: u32): KErr {
  const id = slotId(cn, idx);
  if (id < 0) return KErr.INVALID_SLOT;
  const s = slot(<u32>id);
  if (s.type == 0) return KErr.EMPTY_SLOT;
  if (s.type != <u8>type) return KErr.WRONG_TYPE;
  return KErr.OK;
}

// Decode for threadConfigure.
export function threadCheckConfigure(cn: u32, tcbIdx: u32, spaceIdx: u32, cnodeIdx: u32, faultEpIdx: u32, ipcBuffer: u64): KErr {
  if (writableThread(cn, tcbIdx) < 0) return threadError;
  let err = checkCap(cn, spaceIdx, OBJ_ADDRESS_SPACE);
  if (err != KErr.OK) return err;
  err = checkCap(cn, cnodeIdx, OBJ_CNODE);
  if (err != KErr.OK) return err;
  if (faultEpIdx != NO_SLOT) {
    err = checkCap(cn, faultEpIdx, OBJ_ENDPOINT);
    if (err != KErr.OK) return err;
    // Faults are sent on it: it must allow sending.
    if ((<u32>slot(<u32>slotId(cn, faultEpIdx)).rights & RIGHT_WRITE) == 0) return KErr.INSUFFICIENT_RIGHTS;
  }
  if ((ipcBuffer & (IPC_BUFFER_ALIGN - 1)) != 0 || ipcBuffer >= USER_TOP) return KErr.BAD_ADDRESS;
  const t = tcb(<u32>writableThread(cn, tcbIdx));
  if (t.queued != 0) return KErr.BUSY; // stop it first
  return KErr.OK;
}

// Give a (stopped) thread its address space, CNode, fault endpoint (and
// that capability's badge) and IPC buffer address (0: none).
export function threadConfigure(cn: u32, tcbIdx: u32, spaceIdx: u32, cnodeIdx: u32, faultEpIdx: u32, ipcBuffer: u64): KErr {
  const err = threadCheckConfigure(cn, tcbIdx, spaceIdx, cnodeIdx, faultEpIdx, ipcBuffer);
  if (err != KErr.OK) return err;
  const t = tcb(<u32>writableThread(cn, tcbIdx));
  const sp = slot(<u32>slotId(cn, spaceIdx));
  const cs = slot(<u32>slotId(cn, cnodeIdx));
  t.vspace = <i32>sp.obj;
  t.vspaceGen = objHeader(OBJ_ADDRESS_SPACE, sp.obj).generation;
  t.pml4 = objPhys(OBJ_ADDRESS_SPACE, sp.obj);
  t.cnode = <i32>cs.obj;
  t.cnodeGen = objHeader(OBJ_CNODE, cs.obj).generation;
  if (faultEpIdx != NO_SLOT) {
    const ep = slot(<u32>slotId(cn, faultEpIdx));
    t.faultEp = <i32>ep.obj;
    t.faultEpGen = objHeader(OBJ_ENDPOINT, ep.obj).generation;
    t.faultBadge = ep.badge;
  } else {
    t.faultEp = -1;
    t.faultBadge = 0;
  }
  t.ipcBuffer = ipcBuffer;
  t.bufEpoch = 0; // ipc.ts resolves it again
  return KErr.OK;
}

// Does the thread still have a live address space and CNode?
export function threadRunnable(t: Tcb): bool {
  return t.vspace >= 0 && objRefValid(OBJ_ADDRESS_SPACE, <u32>t.vspace, t.vspaceGen) &&
         t.cnode >= 0 && objRefValid(OBJ_CNODE, <u32>t.cnode, t.cnodeGen);
}

// Start a stopped thread: into its run queue; from a running thread
// (a system call), through exec.ts, so that a higher priority runs at once.
export function threadResume(cn: u32, tcbIdx: u32): KErr {
  const i = writableThread(cn, tcbIdx);
  if (i < 0) return threadError;
  const t = tcb(<u32>i);
  if (t.state != TS_INACTIVE || t.queued != 0 || execCur == i) return KErr.BUSY;
  if (!threadRunnable(t)) return KErr.INVALID_ARGUMENT; // not configured, or its objects are gone
  if (execCur < 0) return schedEnqueue(<u32>i);
  execWake(<u32>i);
  return KErr.OK;
}

// Stop a thread: out of the run queues and any endpoint queue; if it is
// the running thread, the next one runs (exec.ts execStop).
export function threadSuspend(cn: u32, tcbIdx: u32): KErr {
  const i = writableThread(cn, tcbIdx);
  if (i < 0) return threadError;
  execStop(<u32>i);
  return KErr.OK;
}

// Set a thread's priority; if a runnable thread then outranks the running
// one, it runs (exec.ts execReschedule). (seL4 also bounds it by the
// caller's own maximum controlled priority: later.)
export function threadSetPriority(cn: u32, tcbIdx: u32, priority: u32): KErr {
  const i = writableThread(cn, tcbIdx);
  if (i < 0) return threadError;
  if (priority >= PRIORITY_LEVELS) return KErr.INVALID_ARGUMENT;
  const err = schedSetPriority(<u32>i, priority);
  if (err == KErr.OK) execReschedule();
  return err;
}
