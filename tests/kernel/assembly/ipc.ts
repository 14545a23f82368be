// ipc.ts — AssemblyScript test entry for the IPC and object layer:
// everything of core.ts, plus kernel/ipc.ts, notification.ts, fault.ts and
// the exec.ts calls they make, for ../ipc.test.ts and ../notification.test.ts.

export * from "./core";
import * as ipc from "../../../kernel/ipc";
import * as ntfn from "../../../kernel/notification";
import * as fault from "../../../kernel/fault";
import * as exec from "../../../kernel/exec";
import * as tcbs from "../../../kernel/tcb";
import * as endpoint from "../../../kernel/endpoint";

// --- exec: who runs ---
export function execSwitchTo(t: u32): void { exec.execSwitchTo(t); }
export function execCur(): i32 { return exec.execCur; }
export function execStop(t: u32): void { exec.execStop(t); }

// --- IPC operations (t: the running thread) ---
export function ipcSend(t: u32, slot: u64, info: u64, blocking: bool): i64 { return ipc.ipcSend(t, slot, info, blocking, false); }
export function ipcCall(t: u32, slot: u64, info: u64): i64 { return ipc.ipcCall(t, slot, info); }
export function ipcRecv(t: u32, slot: u64, blocking: bool): i64 { return ipc.ipcRecv(t, slot, blocking); }
export function ipcReply(t: u32, info: u64): i64 { return ipc.ipcReply(t, info); }
export function ipcReplyRecv(t: u32, slot: u64, info: u64): i64 { return ipc.ipcReplyRecv(t, slot, info); }
export function ipcReplySave(t: u32, slot: u64): i64 { return ipc.ipcReplySave(t, slot); }
export function ipcStop(t: u32): void { ipc.ipcStop(t); }
export function ipcCallerOf(t: u32): u32 { return ipc.ipcCallerOf(t); }
export function faultDeliver(t: u32, kind: u64, err: u64, addr: u64, rip: u64): bool { return fault.faultDeliver(t, kind, err, addr, rip); }
export function epTakeHead(e: u32): i32 { return endpoint.epTakeHead(e); }

// --- notifications and IRQs ---
export function ntfnSysSignal(t: u32, slot: u64): i64 { return ntfn.ntfnSysSignal(t, slot); }
export function ntfnSysWait(t: u32, slot: u64, blocking: bool): i64 { return ntfn.ntfnSysWait(t, slot, blocking); }
export function ntfnWord(n: u32): u64 { return ntfn.ntfnWord(n); }
export function ntfnHead(n: u32): i32 { return ntfn.ntfnHead(n); }
export function ntfnWaitingOn(t: u32): i32 { return ntfn.ntfnWaitingOn(t); }
export function irqNotify(irq: u32): bool { return ntfn.irqNotify(irq); }
export function irqMasked(irq: u32): bool { return ntfn.irqMasked(irq); }
export function irqSysSetNotification(t: u32, irqSlot: u64, nSlot: u64): i64 { return ntfn.irqSysSetNotification(t, irqSlot, nSlot); }
export function irqSysAck(t: u32, irqSlot: u64): i64 { return ntfn.irqSysAck(t, irqSlot); }

// --- threads ---
export function tcbSetIpcBuffer(t: u32, va: u64): void { tcbs.tcb(t).ipcBuffer = va; }
export function tcbQueued(t: u32): u32 { return tcbs.tcb(t).queued; }

// --- the system-call handlers (the running thread is execCur) ---
import * as sys from "../../../kernel/sys_ipc";
export function sysCall(ep: u32, info: u64): i64 { return sys.sysCall(ep, info, 0, 0, 0, 0); }
export function sysRecv(ep: u32): i64 { return sys.sysRecv(ep); }
export function sysNbRecv(ep: u32): i64 { return sys.sysNbRecv(ep); }
export function sysReplySave(slot: u32): i64 { return sys.sysReplySave(slot); }
export function sysPoll(n: u32): i64 { return sys.sysPoll(n); }
export function sysCapCopy(src: u32, dst: u32): i64 { return sys.sysCapCopy(src, dst); }
export function sysCapMint(src: u32, dst: u32, rights: u32, badge: u64): i64 { return sys.sysCapMint(src, dst, rights, badge); }
export function sysCapMove(src: u32, dst: u32): i64 { return sys.sysCapMove(src, dst); }
export function sysCapDelete(slot: u32): i64 { return sys.sysCapDelete(slot); }
export function sysCapRevoke(slot: u32): i64 { return sys.sysCapRevoke(slot); }
export function faultToMessage(t: u32, kind: u64, err: u64, addr: u64, rip: u64): bool { return exec.faultToMessage(t, kind, err, addr, rip); }
export function ntfnSysBind(t: u32, slot: u64): i64 { return ntfn.ntfnSysBind(t, slot); }
export function ntfnBoundPending(t: u32): bool { return ntfn.ntfnBoundPending(t); }
