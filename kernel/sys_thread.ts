// sys_thread.ts — the thread system calls (toolchain/src/abi/syscalls.ts
// 49..52): thread_create, thread_resume, thread_suspend,
// thread_set_priority. Thin decoding over thread.ts (configure, resume,
// suspend, priority by capability) and cap.ts (the TCB is a kernel object
// whose capability lands in the caller's CNode; cap_delete of its last
// capability stops and frees it).
//
// thread_create(dst, space, cnode, ipcbuf, entry, stack): a stopped thread
// in any address space + CNode the caller holds capabilities for (its
// own: slots 3 and 0). Its IPC buffer is the first page of a memory
// capability mapped into that address space (mem_map): the kernel takes
// the address from the capability's mapping, so one buffer page per
// thread is the caller's choice of memory, and deleting or unmapping it
// leaves the thread without a usable buffer (ipc.ts re-checks: the cached
// frame is dropped on every unmap, paging.ts mapEpoch). The thread starts
// at `entry` with rsp = `stack`, IF = 1, all other registers 0, at the
// caller's priority; in the caller's own CNode it also gets the caller's
// fault endpoint (a supervised server's threads fault to its supervisor).
// Priorities are bounded seL4-MCP style: nobody sets a priority above its
// own.

import { KErr } from "./errors";
import { capCreate, capDelete, createdObj, slot, slotId, RIGHT_WRITE } from "./cap";
import { objHeader, OBJ_ADDRESS_SPACE, OBJ_MEMORY, OBJ_THREAD } from "./objects";
import { tcb, tcbSetReg, REG_RIP, REG_RSP, REG_RFLAGS, REG_ENTRY, ENTRY_IRET, TF_EXTRA } from "./tcb";
import { threadConfigure, threadResume, threadSuspend, threadSetPriority, NO_SLOT } from "./thread";
import { execCur } from "./exec";
import { USER_TOP } from "./paging";
import { USER_RFLAGS } from "./process";

@inline function err(e: KErr): i64 { return -<i64>e; }

// The caller's CNode index, or -1.
function myCnode(): i32 {
  if (execCur < 0) return -1;
  return tcb(<u32>execCur).cnode;
}

// The user address where the memory capability (cn, idx) is mapped in
// address space `space` (its capability at (cn, spaceIdx)); 0 with the
// error in mapError if it is not a writable memory capability mapped there.
let mapError: KErr = KErr.OK;
function bufferVa(cn: u32, idx: u32, spaceIdx: u32): u64 {
  const id = slotId(cn, idx), sid = slotId(cn, spaceIdx);
  if (id < 0 || sid < 0) { mapError = KErr.INVALID_SLOT; return 0; }
  const s = slot(<u32>id), sp = slot(<u32>sid);
  if (s.type == 0 || sp.type == 0) { mapError = KErr.EMPTY_SLOT; return 0; }
  if (s.type != <u8>OBJ_MEMORY || sp.type != <u8>OBJ_ADDRESS_SPACE) { mapError = KErr.WRONG_TYPE; return 0; }
  if ((<u32>s.rights & RIGHT_WRITE) == 0) { mapError = KErr.INSUFFICIENT_RIGHTS; return 0; }
  if (s.mapSpace != sp.obj + 1 || s.mapGen != objHeader(OBJ_ADDRESS_SPACE, sp.obj).generation) {
    mapError = KErr.NOT_MAPPED; return 0;
  }
  return s.mapVa;
}

export function sysThreadCreate(dst: u32, space: u32, cnode: u32, ipcbuf: u32, entry: u64, stack: u64): i64 {
  const c = myCnode();
  if (c < 0) return err(KErr.INVALID_SLOT);
  const cn = <u32>c;
  if (entry >= USER_TOP || stack > USER_TOP) return err(KErr.BAD_ADDRESS);
  const va = bufferVa(cn, ipcbuf, space);
  if (va == 0) return err(mapError);
  const me = tcb(<u32>execCur);
  let e = capCreate(OBJ_THREAD, cn, dst, me.priority);
  if (e != KErr.OK) return err(e);
  const t = <u32>createdObj;
  e = threadConfigure(cn, dst, space, cnode, NO_SLOT, va);
  if (e != KErr.OK) { capDelete(cn, dst); return err(e); }
  const th = tcb(t);
  if (th.cnode == me.cnode && th.cnodeGen == me.cnodeGen && me.faultEp >= 0) {
    th.faultEp = me.faultEp;
    th.faultEpGen = me.faultEpGen;
    th.faultBadge = me.faultBadge;
  }
  th.name = me.name;
  th.flags = TF_EXTRA;
  tcbSetReg(t, REG_RIP, entry);
  tcbSetReg(t, REG_RSP, stack);
  tcbSetReg(t, REG_RFLAGS, USER_RFLAGS);
  tcbSetReg(t, REG_ENTRY, ENTRY_IRET);
  return 0;
}

export function sysThreadResume(thread: u32): i64 {
  const c = myCnode();
  if (c < 0) return err(KErr.INVALID_SLOT);
  return err(threadResume(<u32>c, thread));
}

export function sysThreadSuspend(thread: u32): i64 {
  const c = myCnode();
  if (c < 0) return err(KErr.INVALID_SLOT);
  return err(threadSuspend(<u32>c, thread));
}

export function sysThreadSetPriority(thread: u32, priority: u32): i64 {
  const c = myCnode();
  if (c < 0) return err(KErr.INVALID_SLOT);
  if (priority > tcb(<u32>execCur).priority) return err(KErr.INSUFFICIENT_RIGHTS);
  return err(threadSetPriority(<u32>c, thread, priority));
}
