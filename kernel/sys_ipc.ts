// sys_ipc.ts — the system-call handlers of the IPC and object layer: IPC
// (ipc.ts), notifications and IRQs (notification.ts), and capability
// operations on the caller's CNode (cap.ts). The generated dispatch
// (syscall_dispatch.ts, from toolchain/src/abi/syscalls.ts) decodes the
// registers and calls these through syscall_handlers.ts; each returns the
// calling thread's rax (0 or -KErr).
//
// The calling thread is exec.ts's execCur. The message words are not taken
// from the arguments: boot/entry.asm has saved every register in the
// caller's register area, where ipc.ts reads the message (and where a
// blocked sender's message stays until a receiver takes it).

import { KErr } from "./errors";
import { execCur, execStop } from "./exec";
import { ipcCall, ipcReplyRecv, ipcSend, ipcRecv, ipcReply, ipcReplySave } from "./ipc";
import { ntfnSysSignal, ntfnSysWait, ntfnSysBind, irqSysSetNotification, irqSysAck } from "./notification";
import { capCopy, capMint, capMove, capDelete, capRevoke } from "./cap";
import { objRefValid, objValid, OBJ_CNODE, OBJ_THREAD } from "./objects";
import { tcb, tcbSetReg, TS_RUNNABLE, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 } from "./tcb";

@inline function me(): u32 { return <u32>execCur; }

// --- IPC ------------------------------------------------------------------------------------
export function sysCall(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64 {
  return ipcCall(me(), ep, info);
}
export function sysReplyRecv(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64 {
  return ipcReplyRecv(me(), ep, info);
}
export function sysSend(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64 {
  return ipcSend(me(), dest, info, true, false);
}
export function sysNbSend(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64 {
  return ipcSend(me(), dest, info, false, false);
}
export function sysRecv(ep: u32): i64 { return ipcRecv(me(), ep, true); }
export function sysNbRecv(ep: u32): i64 { return ipcRecv(me(), ep, false); }
// reply has no capability argument, so the table passes its arguments one
// register earlier than ipc.ts's message registers (rdi = info, rsi = w0,
// rdx = w1, r10 = w2, r8 = w3): put them where ipc.ts reads a message
// (rsi = info, rdx, r10, r8, r9 = words 0..3) before replying. (ktest found
// it: every reply through the generated stub arrived shifted by a word.)
export function sysReply(info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64 {
  const t = me();
  tcbSetReg(t, REG_RSI, info);
  tcbSetReg(t, REG_RDX, w0);
  tcbSetReg(t, REG_R10, w1);
  tcbSetReg(t, REG_R8, w2);
  tcbSetReg(t, REG_R9, w3);
  return ipcReply(t, info);
}
export function sysReplySave(slot: u32): i64 { return ipcReplySave(me(), slot); }

// --- notifications and IRQs -----------------------------------------------------------------
export function sysSignal(ntfn: u32): i64 { return ntfnSysSignal(me(), ntfn); }
export function sysWait(ntfn: u32): i64 { return ntfnSysWait(me(), ntfn, true); }
export function sysPoll(ntfn: u32): i64 { return ntfnSysWait(me(), ntfn, false); }
export function sysIrqSetNotification(irq: u32, ntfn: u32): i64 { return irqSysSetNotification(me(), irq, ntfn); }
export function sysIrqAck(irq: u32): i64 { return irqSysAck(me(), irq); }

// --- capabilities in the caller's CNode -------------------------------------------------------

// The caller's CNode, or -1 (none, or gone).
function myCnode(): i32 {
  const t = tcb(me());
  return t.cnode >= 0 && objRefValid(OBJ_CNODE, <u32>t.cnode, t.cnodeGen) ? t.cnode : -1;
}

// After a deletion: if it destroyed the calling thread itself (its last
// capability), the thread stops and the next one runs.
function afterDelete(err: KErr): i64 {
  const t = me();
  if (!objValid(OBJ_THREAD, t) || tcb(t).state != TS_RUNNABLE) execStop(t);
  return -<i64>err;
}

export function sysCapCopy(src: u32, dst: u32): i64 {
  const cn = myCnode();
  if (cn < 0) return -<i64>KErr.INVALID_SLOT;
  return -<i64>capCopy(<u32>cn, src, <u32>cn, dst);
}
export function sysCapMint(src: u32, dst: u32, rights: u32, badge: u64): i64 {
  const cn = myCnode();
  if (cn < 0) return -<i64>KErr.INVALID_SLOT;
  return -<i64>capMint(<u32>cn, src, <u32>cn, dst, rights, badge);
}
export function sysCapMove(src: u32, dst: u32): i64 {
  const cn = myCnode();
  if (cn < 0) return -<i64>KErr.INVALID_SLOT;
  return -<i64>capMove(<u32>cn, src, <u32>cn, dst);
}
export function sysCapDelete(slot: u32): i64 {
  const cn = myCnode();
  if (cn < 0) return -<i64>KErr.INVALID_SLOT;
  return afterDelete(capDelete(<u32>cn, slot));
}
export function sysCapRevoke(slot: u32): i64 {
  const cn = myCnode();
  if (cn < 0) return -<i64>KErr.INVALID_SLOT;
  return afterDelete(capRevoke(<u32>cn, slot));
}

// bind_notification(ntfn): the calling thread's bound notification.
export function sysBindNotification(ntfn: u32): i64 { return ntfnSysBind(me(), ntfn); }
