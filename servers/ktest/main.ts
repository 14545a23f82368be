// main.ts — servers/ktest: the in-OS test suite (issue 4, item 9). It
// runs as the initial process of build/ktest.iso (its boot module is named
// "init", so it alone may create objects and spawn processes:
// kernel/sys_process.ts) and exercises every system call of
// toolchain/src/abi/syscalls.ts from user space, the error paths
// included: bad numbers and argument ranges, empty / invalid slots, wrong
// capability types, missing rights (minted with fewer), revoked
// capabilities, kernel / unmapped / non-canonical / wrapping pointers and
// huge lengths, messages too long, capability transfer with and without
// GRANT, badges, IPC with a process that died (holding our call, or
// before our reply), non-blocking WOULD_BLOCK, notifications across
// address spaces (signal, wait, poll, bound, timers), IRQs from a real
// device (the COM1 UART's transmitter-empty interrupt, IRQ 4), I/O ports,
// and faults of helper processes delivered to its fault endpoint as
// messages (Wasm traps of servers/ktestpeer, CPU exceptions of
// servers/ktestcrash) with the process stopped and the kernel going on.
// A supervisor dropping a child's last thread capability (cap_revoke +
// cap_delete instead of proc_kill) gets every frame of the child back.
// One line per test ("ok <name>" / "FAIL <name>: <why>", check.ts), then
// "N passed, M failed"; tests/qemu/ktest.test.ts boots it.
//
// Section 10: threads of ktest's own address space (thread_create with
// servers/lib/thread.ts, resume, suspend, priority bound, exit, cap_delete).

import {
  sysNull, sysDebugPutc, sysDebugWrite, sysYield, sysCall, sysReplyRecv, sysSend, sysNbSend, sysRecv, sysNbRecv,
  sysReply, sysReplySave, sysSignal, sysWait, sysPoll, sysIrqSetNotification, sysIrqAck, sysCapCopy, sysCapMint,
  sysCapMove, sysCapDelete, sysCapRevoke, sysProcSpawn, sysProcGive, sysProcStart, sysProcKill, sysProcInfo,
  sysObjCreate, sysIoportIn, sysIoportOut, sysClockMs, sysTimerSet, sysMemFrames, sysBindNotification, sysIpcTrace,
  sysRaw, sysExit, sysDmaAlloc, sysMemMap, sysMemUnmap, sysMemPhys, sysMemSize, sysDevmemCreate, sysResDerive,
  sysFbInfo, sysKlogRead, sysKlogWrite, sysPower, sysMemCopy, MEM_COPY_MAX, sysThreadSetPriority, sysThreadResume, sysThreadSuspend, sysIrqMsi, KErr, RecvOut, WaitOut, SYS_DEBUG_WRITE, SYS_DEBUG_PUTC, SYS_COUNT, SYS_NULL, SYS_MEMORY_GROW,
  SYS_SIGNAL, SYS_PROC_SPAWN, SYS_CAP_COPY, LABEL_FAULT, LABEL_NOTIFICATION, FAULT_EXIT, INFO_TRUNCATED, USER_MEMORY_BASE,
} from "../lib/sys";
import { msgInfo, infoLabel, infoLength, infoCaps, msgWord, setMsgWord, setSendCap } from "../lib/msg";
import { flush, println, print, printHex } from "../lib/print";
import { eq, err, eqx, truth, summary, failed } from "./check";
import { threadCreate } from "../lib/thread";
import {
  P_EP, P_NTFN, P_BACK, P_WAITN, PEER_NTFN_BADGE, PEER_BACK_BADGE, C_ECHO, C_BADGE, C_CAP, C_SIGNAL, C_WAIT,
  C_CALLBACK, C_EXIT, C_TRAP, C_DIV0, C_OOB, C_STACK, C_NOTINIT, C_DROPBUF, C_YIELD, C_CALL_CANCEL, C_RESULT,
  C_CALLBACK_REPLY, C_NOTINIT2, K_DIVIDE, K_BREAKPOINT, K_UD2, K_GP, K_NULL, K_KERNEL,
} from "./proto";

// Object types (kernel/objects.ts) and rights (kernel/cap.ts).
const OBJ_THREAD: u32 = 1, OBJ_ENDPOINT: u32 = 3, OBJ_NOTIFICATION: u32 = 4, OBJ_IRQ_HANDLER: u32 = 7, OBJ_IO_PORTS: u32 = 8;
const R: u32 = 1, W: u32 = 2, G: u32 = 4, ALL: u32 = 31;
const TS_INACTIVE: u64 = 0, TS_RUNNABLE: u64 = 1;
const FAULT_WASM_TRAP: u64 = 256;

// ktest's CNode: 0..4 the kernel's (process.ts), then
const FEP: u32 = 5;       // fault endpoint of the helpers
const PEP: u32 = 6;       // the peer's command endpoint
const BEP: u32 = 7;       // the "back" endpoint (the peer calls ktest here)
const NT: u32 = 8;        // notification the peer signals
const NT2: u32 = 9;       // notification the peer waits on
const PEER: u32 = 10;     // the peer's thread capability
const CRASH: u32 = 11;    // the crash helper's thread capability
const CEP: u32 = 12;      // the crash helper's endpoint
const S: u32 = 20;        // scratch slots 20..39
const IRQ: u32 = 40, PORTS: u32 = 41, IRQN: u32 = 42;

const BADGE_PEER: u64 = 0x1000, BADGE_CRASH: u64 = 0x2000;

const o = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const wo = changetype<WaitOut>(memory.data(offsetof<WaitOut>(), 8));
const OUT = changetype<usize>(o), WOUT = changetype<usize>(wo);
const text = memory.data<u8>([0x6F, 0x6B, 0x0A]); // "ok\n"
const peerName = memory.data<u8>([0x6B, 0x74, 0x65, 0x73, 0x74, 0x70, 0x65, 0x65, 0x72]); // "ktestpeer"
const crashName = memory.data<u8>([0x6B, 0x74, 0x65, 0x73, 0x74, 0x63, 0x72, 0x61, 0x73, 0x68]); // "ktestcrash"
const nope = memory.data<u8>([0x6E, 0x6F, 0x70, 0x65]); // "nope"

@inline function e(k: KErr): i64 { return -<i64>k; }
function frames(): u64 { return <u64>sysMemFrames() & 0xFFFF_FFFF; }
function state(slot: u32): u64 { const i = sysProcInfo(slot); return i < 0 ? 0xFF : <u64>i & 0xFF; }

println("ktest: in-OS test suite");

// --- 1. basic calls, arguments, pointers -------------------------------------------------------
eq("null returns 0", sysNull(), 0);
eq("unknown number SYS_COUNT fails", sysRaw(<u64>SYS_COUNT, 0, 0, 0, 0, 0, 0), e(KErr.INVALID_ARGUMENT));
eq("unknown number 2^32 fails", sysRaw(1 << 32, 0, 0, 0, 0, 0, 0), e(KErr.INVALID_ARGUMENT));
eq("unknown number -1 fails", sysRaw(0xFFFF_FFFF_FFFF_FFFF, 0, 0, 0, 0, 0, 0), e(KErr.INVALID_ARGUMENT));
eq("null ignores its argument registers", sysRaw(<u64>SYS_NULL, 1, 2, 3, 4, 5, 6), 0);
flush();
eq("debug_putc returns 0", sysDebugPutc(0x0A), 0);
err("debug_putc byte 256 out of u8 range", sysRaw(<u64>SYS_DEBUG_PUTC, 256, 0, 0, 0, 0, 0), KErr.INVALID_ARGUMENT);
eq("debug_write returns its length", sysDebugWrite(text, 3), 3);
eq("debug_write of 0 bytes", sysDebugWrite(text, 0), 0);
const lin = <u64>USER_MEMORY_BASE;
const memEnd: u64 = <u64>memory.size() << 16;
err("debug_write kernel pointer (direct map)", sysRaw(<u64>SYS_DEBUG_WRITE, 0xFFFF_8000_0000_0000, 16, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write kernel pointer (image)", sysRaw(<u64>SYS_DEBUG_WRITE, 0xFFFF_FFFF_8010_0000, 16, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write non-canonical pointer", sysRaw(<u64>SYS_DEBUG_WRITE, 0x0000_8000_0000_0000, 16, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write non-canonical high pointer", sysRaw(<u64>SYS_DEBUG_WRITE, 0x8000_0000_0000_0000, 16, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write unmapped pointer", sysDebugWrite(<usize>(memEnd + 0x10000), 16), KErr.BAD_ADDRESS);
err("debug_write null pointer", sysRaw(<u64>SYS_DEBUG_WRITE, 0, 16, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write range running off linear memory", sysDebugWrite(<usize>(memEnd - 8), 16), KErr.BAD_ADDRESS);
err("debug_write range wrapping the address space", sysRaw(<u64>SYS_DEBUG_WRITE, 0xFFFF_FFFF_FFFF_FF00, 0x200, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write range crossing into the kernel half", sysRaw(<u64>SYS_DEBUG_WRITE, 0x0000_7FFF_FFFF_FF00, 0x200, 0, 0, 0, 0), KErr.BAD_ADDRESS);
err("debug_write huge length", sysRaw(<u64>SYS_DEBUG_WRITE, lin, 0x1_0000_0000, 0, 0, 0, 0), KErr.INVALID_ARGUMENT);
err("debug_write length DEBUG_WRITE_MAX + 1", sysDebugWrite(text, 4097), KErr.INVALID_ARGUMENT);
err("debug_write length 2^64 - 1", sysRaw(<u64>SYS_DEBUG_WRITE, lin, 0xFFFF_FFFF_FFFF_FFFF, 0, 0, 0, 0), KErr.INVALID_ARGUMENT);
eq("yield returns 0", sysYield(), 0);
const c0 = sysClockMs();
truth("clock_ms is a time", c0 >= 0, "negative");
const mf = <u64>sysMemFrames();
truth("mem_frames: 0 < free <= total", (mf & 0xFFFF_FFFF) > 0 && (mf & 0xFFFF_FFFF) <= (mf >> 32), "free > total or 0");
// memory_grow (through memory.grow) and its refusals.
{
  const before = memory.size();
  const old = memory.grow(1);
  let zeroed = true;
  for (let a: usize = <usize>before << 16; a < (<usize>before + 1) << 16; a += 8) if (load<u64>(a) != 0) zeroed = false;
  store<u64>(<usize>before << 16, 0x1234);
  truth("memory_grow adds a zeroed writable page", old == before && memory.size() == before + 1 && zeroed && load<u64>(<usize>before << 16) == 0x1234, "not grown or not zero");
  truth("memory_grow past the maximum is refused", memory.grow(0x10000) == -1, "grew");
  truth("memory_grow over mapped pages is refused", sysRaw(<u64>SYS_MEMORY_GROW, 0, 1, 0, 0, 0, 0) < 0, "mapped over the linear memory");
  truth("memory_grow with a wrong current size is refused", sysRaw(<u64>SYS_MEMORY_GROW, <u64>memory.size() + 3, 1, 0, 0, 0, 0) < 0, "accepted a size that is not the current one");
}
eq("ipc_trace 0 (initial process)", sysIpcTrace(0), 0);
err("ipc_trace mode 3 is invalid", sysIpcTrace(3), KErr.INVALID_ARGUMENT);

// --- 2. objects and capabilities ---------------------------------------------------------------
eq("obj_create endpoint", sysObjCreate(OBJ_ENDPOINT, FEP, 0), 0);
eq("obj_create endpoint 2", sysObjCreate(OBJ_ENDPOINT, PEP, 0), 0);
eq("obj_create endpoint 3", sysObjCreate(OBJ_ENDPOINT, BEP, 0), 0);
eq("obj_create notification", sysObjCreate(OBJ_NOTIFICATION, NT, 0), 0);
eq("obj_create notification 2", sysObjCreate(OBJ_NOTIFICATION, NT2, 0), 0);
err("obj_create thread type refused", sysObjCreate(OBJ_THREAD, S, 0), KErr.INVALID_ARGUMENT);
err("obj_create type 99 refused", sysObjCreate(99, S, 0), KErr.INVALID_ARGUMENT);
err("obj_create into an occupied slot", sysObjCreate(OBJ_ENDPOINT, FEP, 0), KErr.SLOT_OCCUPIED);
err("obj_create into slot 128", sysObjCreate(OBJ_ENDPOINT, 128, 0), KErr.INVALID_SLOT);
err("obj_create slot 2^32 (cap range)", sysRaw(30, OBJ_ENDPOINT, 1 << 32, 0, 0, 0, 0), KErr.INVALID_SLOT);
err("obj_create type 2^32 (u32 range)", sysRaw(30, (1 << 32) | 3, S, 0, 0, 0, 0), KErr.INVALID_ARGUMENT);

eq("cap_copy", sysCapCopy(NT, S), 0);
err("cap_copy into an occupied slot", sysCapCopy(NT, S), KErr.SLOT_OCCUPIED);
err("cap_copy from an empty slot", sysCapCopy(50, S + 1), KErr.EMPTY_SLOT);
err("cap_copy to slot 200", sysCapCopy(NT, 200), KErr.INVALID_SLOT);
err("cap_copy from slot 2^40", sysRaw(<u64>SYS_CAP_COPY, 1 << 40, S + 1, 0, 0, 0, 0), KErr.INVALID_SLOT);
eq("cap_mint read-only badged", sysCapMint(NT, S + 1, R, 0x5), 0);
err("signal without WRITE (minted read-only)", sysSignal(S + 1), KErr.INSUFFICIENT_RIGHTS);
eq("poll with READ", sysPoll(S + 1, WOUT), 0);
err("cap_mint more rights than the source", sysCapMint(S + 1, S + 2, R | W, 0), KErr.INSUFFICIENT_RIGHTS);
err("cap_mint a badge onto a badged capability", sysCapMint(S + 1, S + 2, R, 6), KErr.NOT_BADGEABLE);
err("cap_mint unknown rights bits", sysCapMint(NT, S + 2, 32, 0), KErr.INVALID_ARGUMENT);
err("cap_mint a badge onto a thread capability", sysCapMint(2, S + 2, ALL, 1), KErr.NOT_BADGEABLE);
eq("cap_mint write-only badged", sysCapMint(NT, S + 2, W, 0x10), 0);
err("wait without READ (minted write-only)", sysWait(S + 2, WOUT), KErr.INSUFFICIENT_RIGHTS);
err("poll without READ", sysPoll(S + 2, WOUT), KErr.INSUFFICIENT_RIGHTS);
eq("signal with a badged capability", sysSignal(S + 2), 0);
eq("poll returns 0", sysPoll(NT, WOUT), 0);
eqx("poll returns the badge bits", wo.bits, 0x10);
sysPoll(NT, WOUT);
eqx("poll cleared the word", wo.bits, 0);
eq("signal with an unbadged capability", sysSignal(S), 0);
sysPoll(NT, WOUT);
eqx("unbadged signal sets bit 1", wo.bits, 1);
eq("send on a notification signals it", sysSend(S + 2, msgInfo(1, 0), 0, 0, 0, 0), 0);
sysPoll(NT, WOUT);
eqx("send on a notification: bits", wo.bits, 0x10);
eq("nb_send on a notification signals it", sysNbSend(S + 2, msgInfo(1, 0), 0, 0, 0, 0), 0);
sysSignal(S); sysSignal(S + 2);
eq("wait with bits set does not block", sysWait(NT, WOUT), 0);
eqx("wait returns the ORed bits", wo.bits, 0x11);
err("signal an endpoint", sysSignal(FEP), KErr.WRONG_TYPE);
err("wait on an endpoint", sysWait(FEP, WOUT), KErr.WRONG_TYPE);
err("poll an endpoint", sysPoll(FEP, WOUT), KErr.WRONG_TYPE);
err("signal an empty slot", sysSignal(50), KErr.EMPTY_SLOT);
err("signal slot 128", sysSignal(128), KErr.INVALID_SLOT);
err("signal slot 2^32", sysRaw(<u64>SYS_SIGNAL, 1 << 32, 0, 0, 0, 0, 0), KErr.INVALID_SLOT);
eq("cap_move", sysCapMove(S + 2, S + 3), 0);
err("a moved-from slot is empty", sysSignal(S + 2), KErr.EMPTY_SLOT);
eq("the moved capability works", sysSignal(S + 3), 0);
err("cap_move into an occupied slot", sysCapMove(S, S + 3), KErr.SLOT_OCCUPIED);
err("cap_move from an empty slot", sysCapMove(S + 2, S + 4), KErr.EMPTY_SLOT);
eq("cap_revoke", sysCapRevoke(NT), 0);
err("a revoked copy is gone", sysSignal(S), KErr.EMPTY_SLOT);
err("a revoked mint is gone", sysPoll(S + 1, WOUT), KErr.EMPTY_SLOT);
err("a revoked, moved mint is gone", sysSignal(S + 3), KErr.EMPTY_SLOT);
eq("the revoked capability itself stays", sysPoll(NT, WOUT), 0);
eq("cap_copy, then delete the copy", sysCapCopy(NT, S), 0);
eq("cap_delete", sysCapDelete(S), 0);
err("a deleted capability is gone", sysSignal(S), KErr.EMPTY_SLOT);
eq("cap_delete of an empty slot does nothing", sysCapDelete(S), 0);
err("cap_delete of slot 200", sysCapDelete(200), KErr.INVALID_SLOT);
err("cap_revoke of slot 200", sysCapRevoke(200), KErr.INVALID_SLOT);

// --- 3. endpoints without a partner -------------------------------------------------------------
err("nb_recv with no sender", sysNbRecv(PEP, OUT), KErr.WOULD_BLOCK);
err("nb_send with no receiver", sysNbSend(PEP, msgInfo(1, 1), 7, 0, 0, 0), KErr.WOULD_BLOCK);
err("recv on a notification", sysRecv(NT, OUT), KErr.WRONG_TYPE);
err("call on a notification", sysCall(NT, msgInfo(1, 0), 0, 0, 0, 0, OUT), KErr.WRONG_TYPE);
err("call on an empty slot", sysCall(50, msgInfo(1, 0), 0, 0, 0, 0, OUT), KErr.EMPTY_SLOT);
err("recv on slot 128", sysRecv(128, OUT), KErr.INVALID_SLOT);
err("reply_recv on a notification", sysReplyRecv(NT, msgInfo(1, 0), 0, 0, 0, 0, OUT), KErr.WRONG_TYPE);
eq("cap_mint endpoint read-only", sysCapMint(PEP, S + 4, R, 0), 0);
eq("cap_mint endpoint write-only", sysCapMint(PEP, S + 5, W, 0), 0);
err("nb_send without WRITE", sysNbSend(S + 4, msgInfo(1, 0), 0, 0, 0, 0), KErr.INSUFFICIENT_RIGHTS);
err("send without WRITE", sysSend(S + 4, msgInfo(1, 0), 0, 0, 0, 0), KErr.INSUFFICIENT_RIGHTS);
err("call without WRITE", sysCall(S + 4, msgInfo(1, 0), 0, 0, 0, 0, OUT), KErr.INSUFFICIENT_RIGHTS);
err("nb_recv without READ", sysNbRecv(S + 5, OUT), KErr.INSUFFICIENT_RIGHTS);
err("recv without READ", sysRecv(S + 5, OUT), KErr.INSUFFICIENT_RIGHTS);
err("call with 65 words: message too long", sysCall(PEP, msgInfo(1, 65), 0, 0, 0, 0, OUT), KErr.MSG_TOO_LONG);
err("nb_send with 127 words: message too long", sysNbSend(PEP, msgInfo(1, 127), 0, 0, 0, 0), KErr.MSG_TOO_LONG);
err("call with 2 capabilities", sysCall(PEP, msgInfo(1, 0, 2), 0, 0, 0, 0, OUT), KErr.INVALID_ARGUMENT);
err("reply with no call held", sysReply(msgInfo(1, 0), 0, 0, 0, 0), KErr.NO_CALLER);
err("reply_save with no call held", sysReplySave(S + 6), KErr.NO_CALLER);
setSendCap(50);
err("send a capability from an empty slot", sysNbSend(PEP, msgInfo(1, 0, 1), 0, 0, 0, 0), KErr.EMPTY_SLOT);
eq("bind_notification", sysBindNotification(NT), 0);
err("bind_notification of an endpoint", sysBindNotification(FEP), KErr.WRONG_TYPE);
eq("bind_notification unbind (slot >= 128)", sysBindNotification(200), 0);
err("timer_set on an endpoint", sysTimerSet(FEP, 10), KErr.WRONG_TYPE);
eq("timer_set 0 disarms", sysTimerSet(NT, 0), 0);

// --- 4. processes ---------------------------------------------------------------------------------
const frames0 = frames();
err("proc_spawn of an unknown module", sysProcSpawn(nope, 4, 100, PEER, FEP, 0), KErr.INVALID_ARGUMENT);
err("proc_spawn name length 0", sysProcSpawn(peerName, 0, 100, PEER, FEP, 0), KErr.INVALID_ARGUMENT);
err("proc_spawn name length 65", sysProcSpawn(peerName, 65, 100, PEER, FEP, 0), KErr.INVALID_ARGUMENT);
err("proc_spawn priority 0", sysProcSpawn(peerName, 9, 0, PEER, FEP, 0), KErr.INVALID_ARGUMENT);
err("proc_spawn priority INIT_PRIORITY", sysProcSpawn(peerName, 9, 250, PEER, FEP, 0), KErr.INVALID_ARGUMENT);
err("proc_spawn into an occupied slot", sysProcSpawn(peerName, 9, 100, FEP, FEP, 0), KErr.SLOT_OCCUPIED);
err("proc_spawn with a notification as fault endpoint", sysProcSpawn(peerName, 9, 100, PEER, NT, 0), KErr.WRONG_TYPE);
err("proc_spawn with a read-only fault endpoint", sysProcSpawn(peerName, 9, 100, PEER, S + 4, 0), KErr.INSUFFICIENT_RIGHTS);
err("proc_spawn with a kernel name pointer", sysRaw(<u64>SYS_PROC_SPAWN, 0xFFFF_8000_0000_1000, 9, 100, PEER, FEP, 0), KErr.BAD_ADDRESS);
eqx("failed spawns leak no frames", frames(), frames0);

function spawnPeer(what: string): bool {
  const t = sysProcSpawn(peerName, 9, 100, PEER, FEP, BADGE_PEER);
  if (!truth(what, t >= 0, "proc_spawn failed")) return false;
  let r = sysProcGive(PEER, PEP, P_EP, ALL, 0);
  if (r == 0) r = sysProcGive(PEER, NT, P_NTFN, W, PEER_NTFN_BADGE);
  if (r == 0) r = sysProcGive(PEER, BEP, P_BACK, W | G, PEER_BACK_BADGE);
  if (r == 0) r = sysProcGive(PEER, NT2, P_WAITN, R, 0);
  if (r == 0) r = sysProcStart(PEER);
  return eq(what + ": given capabilities and started", r, 0);
}

// proc_give's refusals (on a stopped peer).
if (eq("proc_spawn", sysProcSpawn(peerName, 9, 100, PEER, FEP, BADGE_PEER) >= 0 ? 0 : -1, 0)) {
  eqx("proc_info: a spawned process is stopped", state(PEER), TS_INACTIVE);
  eqx("proc_info: priority", (<u64>sysProcInfo(PEER) >> 8) & 0xFF, 100);
  err("proc_give into slot 4 (the kernel's)", sysProcGive(PEER, PEP, 4, ALL, 0), KErr.INVALID_SLOT);
  err("proc_give into slot 128", sysProcGive(PEER, PEP, 128, ALL, 0), KErr.INVALID_SLOT);
  err("proc_give through a non-thread capability", sysProcGive(NT, PEP, P_EP, ALL, 0), KErr.WRONG_TYPE);
  err("proc_give an empty slot", sysProcGive(PEER, 50, P_EP, ALL, 0), KErr.EMPTY_SLOT);
  err("proc_give more rights than held", sysProcGive(PEER, S + 4, P_EP, ALL, 0), KErr.INSUFFICIENT_RIGHTS);
  eq("proc_give", sysProcGive(PEER, PEP, P_EP, ALL, 0), 0);
  err("proc_give into an occupied slot", sysProcGive(PEER, PEP, P_EP, ALL, 0), KErr.SLOT_OCCUPIED);
  err("proc_start through a notification", sysProcStart(NT), KErr.WRONG_TYPE);
  err("proc_info through an empty slot", sysProcInfo(50), KErr.EMPTY_SLOT);
  err("proc_kill through an endpoint", sysProcKill(PEP), KErr.WRONG_TYPE);
  err("proc_kill of the caller itself", sysProcKill(2), KErr.INVALID_ARGUMENT);
  eq("proc_kill of a stopped process", sysProcKill(PEER), 0);
  err("proc_kill deleted the capability", sysProcInfo(PEER), KErr.EMPTY_SLOT);
  eqx("spawn + kill gives every frame back", frames(), frames0);
}
// A supervisor dropping a child's last thread capability instead of proc_kill
// (kernel/process.ts processOrphaned): cap_revoke takes the child's own copy
// (its slot 2), cap_delete the last one, and the child's CNode, address space
// and frames come back as with proc_kill.
if (eq("proc_spawn (to orphan)", sysProcSpawn(peerName, 9, 100, PEER, FEP, BADGE_PEER) >= 0 ? 0 : -1, 0)) {
  truth("spawning took frames (to orphan)", frames() < frames0, "free frames did not drop");
  eq("cap_revoke of a stopped child's thread capability", sysCapRevoke(PEER), 0);
  eqx("revoke keeps the supervisor's capability", state(PEER), TS_INACTIVE);
  eq("cap_delete of the child's last thread capability", sysCapDelete(PEER), 0);
  err("the thread capability is gone", sysProcInfo(PEER), KErr.EMPTY_SLOT);
  eqx("orphaning a stopped child gives every frame back", frames(), frames0);
}
if (spawnPeer("peer spawned (to orphan while running)")) {
  sysYield(); // let it block in its receive
  eq("cap_revoke of a running child's thread capability", sysCapRevoke(PEER), 0);
  eq("cap_delete of its last thread capability", sysCapDelete(PEER), 0);
  eqx("orphaning a started child gives every frame back", frames(), frames0);
}

// --- 5. IPC with the peer --------------------------------------------------------------------------
if (spawnPeer("peer spawned")) {
  eqx("proc_info: a started process is runnable", state(PEER), TS_RUNNABLE);
  truth("spawning took frames", frames() < frames0, "free frames did not drop");
  // call + reply, 4 words in registers
  let r = sysCall(PEP, msgInfo(C_ECHO, 4), 10, 20, 30, 40, OUT);
  eq("call: echo of 4 words", r, 0);
  truth("call: reply words and label", o.w0 == 11 && o.w1 == 21 && o.w2 == 31 && o.w3 == 41 && infoLabel(o.info) == C_ECHO && infoLength(o.info) == 4, "wrong reply");
  eqx("call: the reply has no badge", o.badge, 0);
  // 64 words: 4 in registers, 60 through both IPC buffers
  for (let i: u32 = 4; i < 64; i++) setMsgWord(i, 1000 + <u64>i);
  r = sysCall(PEP, msgInfo(C_ECHO, 64), 0, 1, 2, 3, OUT);
  eq("call: echo of 64 words", r, 0);
  let good = infoLength(o.info) == 64 && o.w3 == 4;
  for (let i: u32 = 4; i < 64; i++) if (msgWord(i) != 1001 + <u64>i) good = false;
  truth("call: all 64 words came back + 1", good, "a word differs");
  r = sysCall(PEP, msgInfo(C_ECHO, 10), 0, 0, 0, 0, OUT);
  truth("call: 10 words (IPC buffer)", r == 0 && infoLength(o.info) == 10 && msgWord(9) == 1011, "wrong reply");
  // badges
  eq("cap_mint a badged endpoint capability", sysCapMint(PEP, S + 6, ALL, 0xBEEF), 0);
  r = sysCall(S + 6, msgInfo(C_BADGE, 1), 5, 0, 0, 0, OUT);
  truth("the server sees the badge of the caller's capability", r == 0 && o.w0 == 0xBEEF && o.w1 == 5, "wrong badge");
  r = sysCall(PEP, msgInfo(C_BADGE, 0), 0, 0, 0, 0, OUT);
  truth("an unbadged capability gives badge 0", r == 0 && o.w0 == 0, "badge not 0");
  err("cap_mint a badge onto a badged endpoint capability", sysCapMint(S + 6, S + 7, ALL, 1), KErr.NOT_BADGEABLE);
  // capability transfer
  eq("cap_mint a notification to send", sysCapMint(NT, S + 7, W, 0x100), 0);
  sysPoll(NT, WOUT);
  setSendCap(S + 7);
  r = sysCall(PEP, msgInfo(C_CAP, 0, 1), 0, 0, 0, 0, OUT);
  truth("capability transfer with GRANT arrives", r == 0 && o.w0 == 1 && o.w1 == 0 && o.w2 == 1, "not received");
  eq("the transferred capability works in the other address space", <i64>o.w3, 0);
  sysPoll(NT, WOUT);
  eqx("its signal carries the minted badge", wo.bits, 0x100);
  eq("the sender keeps its capability", sysSignal(S + 7), 0);
  sysPoll(NT, WOUT);
  eq("cap_mint endpoint without GRANT", sysCapMint(PEP, S + 8, R | W, 0), 0);
  setSendCap(S + 7);
  err("capability transfer without GRANT", sysCall(S + 8, msgInfo(C_CAP, 0, 1), 0, 0, 0, 0, OUT), KErr.INSUFFICIENT_RIGHTS);
  setSendCap(S + 8);
  r = sysCall(PEP, msgInfo(C_ECHO, 1), 1, 0, 0, 0, OUT);
  eq("without caps in the info the send slot is ignored", r, 0);
  // notifications across address spaces
  r = sysCall(PEP, msgInfo(C_SIGNAL, 0), 0, 0, 0, 0, OUT);
  truth("the peer signals a notification", r == 0 && o.w0 == 0, "signal failed");
  sysPoll(NT, WOUT);
  eqx("poll sees the peer's badge", wo.bits, PEER_NTFN_BADGE);
  sysSend(PEP, msgInfo(C_SIGNAL, 0), 0, 0, 0, 0);
  r = sysWait(NT, WOUT);
  truth("wait blocks until the peer signals", r == 0 && wo.bits == PEER_NTFN_BADGE, "wrong bits");
  eq("cap_mint a badged notification for a timer", sysCapMint(NT2, S + 9, W, 0x8), 0);
  eq("timer_set 30 ms", sysTimerSet(S + 9, 30), 0);
  const t0 = sysClockMs();
  sysSend(PEP, msgInfo(C_WAIT, 0), 0, 0, 0, 0);
  r = sysRecv(BEP, OUT);
  truth("the peer's wait returns the timer's signal", r == 0 && infoLabel(o.info) == C_WAIT && o.w0 == 0x8 && o.w1 == 0, "wrong message");
  eqx("a call carries the caller capability's badge", o.badge, PEER_BACK_BADGE);
  truth("the timer fired after its time", sysClockMs() - t0 >= 20, "too early");
  eq("reply", sysReply(msgInfo(0, 0), 0, 0, 0, 0), 0);
  // bound notification: a receive returns it
  eq("bind_notification", sysBindNotification(NT), 0);
  sysSend(PEP, msgInfo(C_SIGNAL, 0), 0, 0, 0, 0);
  r = sysRecv(BEP, OUT);
  truth("a signal wakes a bound thread out of recv", r == 0 && infoLabel(o.info) == LABEL_NOTIFICATION && o.badge == PEER_NTFN_BADGE && infoLength(o.info) == 0, "not the notification");
  eq("unbind", sysBindNotification(200), 0);
  // the peer calls back: reply_recv, reply_save, cancel
  sysSend(PEP, msgInfo(C_CALLBACK, 0), 0, 0, 0, 0);
  r = sysRecv(BEP, OUT);
  truth("recv: the peer's call", r == 0 && infoLabel(o.info) == C_CALLBACK_REPLY && o.w0 == 1, "wrong message");
  eqx("proc_info: a caller waiting for the reply", state(PEER), 4);
  r = sysReplyRecv(BEP, msgInfo(0, 1), 41, 0, 0, 0, OUT);
  truth("reply_recv answers and receives the next call", r == 0 && o.w0 == 42, "wrong message");
  eq("reply", sysReply(msgInfo(0, 1), 99, 0, 0, 0), 0);
  r = sysRecv(BEP, OUT);
  truth("the peer got the reply", r == 0 && infoLabel(o.info) == C_RESULT && o.w0 == 99 && o.w1 == 0, "wrong result");
  sysSend(PEP, msgInfo(C_CALLBACK, 0), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  eq("reply_save", sysReplySave(S + 10), 0);
  err("reply_save twice", sysReplySave(S + 11), KErr.NO_CALLER);
  err("reply after reply_save", sysReply(msgInfo(0, 0), 0, 0, 0, 0), KErr.NO_CALLER);
  err("cap_copy of a reply capability", sysCapCopy(S + 10, S + 11), KErr.WRONG_TYPE);
  err("cap_mint of a reply capability", sysCapMint(S + 10, S + 11, ALL, 0), KErr.WRONG_TYPE);
  eq("send on the reply capability answers", sysSend(S + 10, msgInfo(0, 1), 5, 0, 0, 0), 0);
  err("the reply capability is used up", sysSend(S + 10, msgInfo(0, 1), 5, 0, 0, 0), KErr.EMPTY_SLOT);
  r = sysRecv(BEP, OUT);
  truth("the deferred reply arrived", r == 0 && o.w0 == 6, "wrong second call");
  err("reply_save into an occupied slot", sysReplySave(FEP), KErr.SLOT_OCCUPIED);
  eq("reply", sysReply(msgInfo(0, 1), 7, 0, 0, 0), 0);
  r = sysRecv(BEP, OUT);
  truth("the peer got it", r == 0 && infoLabel(o.info) == C_RESULT && o.w0 == 7, "wrong result");
  sysSend(PEP, msgInfo(C_CALL_CANCEL, 0), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  r = sysRecv(BEP, OUT);
  truth("receiving again drops the held call: the caller gets CANCELLED", r == 0 && infoLabel(o.info) == C_RESULT && o.w0 == <u64>KErr.CANCELLED, "wrong result");
  sysSend(PEP, msgInfo(C_CALLBACK, 0), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  eq("reply_save, then delete the reply capability", sysReplySave(S + 10), 0);
  sysCapDelete(S + 10);
  r = sysRecv(BEP, OUT);
  truth("a deleted reply capability cancels the call", r == 0 && o.w0 == 1 && infoLabel(o.info) == C_CALLBACK_REPLY, "wrong second call");
  // (that was the callback's second call: with a 0 first reply it sends 1)
  sysReply(msgInfo(0, 1), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  // the peer is not init
  r = sysCall(PEP, msgInfo(C_NOTINIT, 0), 0, 0, 0, 0, OUT);
  truth("obj_create by a non-initial process", r == 0 && o.w0 == <u64>KErr.INSUFFICIENT_RIGHTS, "allowed");
  truth("proc_spawn by a non-initial process", o.w1 == <u64>KErr.INSUFFICIENT_RIGHTS, "allowed");
  truth("ipc_trace by a non-initial process", o.w2 == <u64>KErr.INSUFFICIENT_RIGHTS, "allowed");
  truth("ioport_in without a capability", o.w3 == <u64>KErr.EMPTY_SLOT, "allowed");
  r = sysCall(PEP, msgInfo(C_NOTINIT2, 0), 0, 0, 0, 0, OUT);
  truth("devmem_create by a non-initial process", r == 0 && o.w0 == <u64>KErr.INSUFFICIENT_RIGHTS, "allowed");
  truth("power by a non-initial process", o.w1 == <u64>KErr.INSUFFICIENT_RIGHTS, "allowed");
  r = sysCall(PEP, msgInfo(C_YIELD, 0), 0, 0, 0, 0, OUT);
  truth("yield in the peer", r == 0 && o.w0 == 0, "failed");
  // a waiter whose notification is destroyed
  sysSend(PEP, msgInfo(C_WAIT, 0), 0, 0, 0, 0);
  sysPoll(NT, WOUT);
  eq("cap_mint a timer badge", sysCapMint(NT, S + 16, W, 0x4000), 0);
  sysTimerSet(S + 16, 20);
  sysWait(NT, WOUT);                 // 20 ms: the peer runs and blocks in wait
  eqx("proc_info: a thread waiting on a notification", state(PEER), 5);
  eq("cap_revoke the notification (the peer's copy goes)", sysCapRevoke(NT2), 0);
  eqx("a revoked capability does not end a wait", state(PEER), 5);
  eq("cap_delete of its last capability destroys it", sysCapDelete(NT2), 0);
  r = sysRecv(BEP, OUT);
  truth("a waiter of a destroyed notification gets CANCELLED", r == 0 && infoLabel(o.info) == C_WAIT && o.w1 == <u64>(-<i64>KErr.CANCELLED), "wrong result");
  sysReply(msgInfo(0, 0), 0, 0, 0, 0);
  eq("obj_create the notification again", sysObjCreate(OBJ_NOTIFICATION, NT2, 0), 0);
  // a reply to a caller that died
  sysSend(PEP, msgInfo(C_CALLBACK, 0), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  eq("proc_kill of a process waiting for our reply", sysProcKill(PEER), 0);
  err("reply to a dead caller", sysReply(msgInfo(0, 0), 0, 0, 0, 0), KErr.DEAD_PARTNER);
  err("nb_send to an endpoint whose server died", sysNbSend(PEP, msgInfo(1, 0), 0, 0, 0, 0), KErr.WOULD_BLOCK);
  eqx("kill gives every frame back", frames(), frames0);
}
if (spawnPeer("peer respawned")) {
  sysSend(PEP, msgInfo(C_CALLBACK, 0), 0, 0, 0, 0);
  sysRecv(BEP, OUT);
  eq("reply_save before the caller dies", sysReplySave(S + 10), 0);
  sysProcKill(PEER);
  err("send on a reply capability of a dead caller", sysSend(S + 10, msgInfo(0, 0), 0, 0, 0, 0), KErr.DEAD_PARTNER);
  sysCapDelete(S + 10);
}
// A sender blocked on our endpoint is killed: its message must go.
if (spawnPeer("peer for a killed sender")) {
  sysSend(PEP, msgInfo(C_CALL_CANCEL, 0), 0, 0, 0, 0);
  sysPoll(NT, WOUT);
  sysCapMint(NT, S + 17, W, 0x8000);
  sysTimerSet(S + 17, 20);
  sysWait(NT, WOUT);                 // the peer runs and blocks calling BEP
  eqx("proc_info: a thread blocked sending", state(PEER), 2);
  eq("proc_kill of a process blocked sending to us", sysProcKill(PEER), 0);
  err("its message left the endpoint with it", sysNbRecv(BEP, OUT), KErr.WOULD_BLOCK);
  sysCapDelete(S + 17);
}
// The server dies holding our call.
if (spawnPeer("peer for exit")) {
  err("call to a server that exits holding it", sysCall(PEP, msgInfo(C_EXIT, 1), 3, 0, 0, 0, OUT), KErr.DEAD_PARTNER);
  const r = sysRecv(FEP, OUT);
  truth("the exit arrives on the fault endpoint", r == 0 && infoLabel(o.info) == LABEL_FAULT && o.badge == BADGE_PEER && o.w0 == FAULT_EXIT + 3, "wrong fault message");
  eqx("an exited supervised process stays stopped", state(PEER), TS_INACTIVE);
  eq("proc_kill frees it", sysProcKill(PEER), 0);
}

// --- 6. faults of the peer (Wasm traps) and of the crash helper (CPU exceptions) ------------------
function peerTrap(cmd: u64, code: u64, what: string): void {
  if (!spawnPeer("peer for " + what)) return;
  err(what + ": the call fails with DEAD_PARTNER", sysCall(PEP, msgInfo(cmd, 0), 0, 0, 0, 0, OUT), KErr.DEAD_PARTNER);
  const r = sysRecv(FEP, OUT);
  truth(what + ": fault message", r == 0 && infoLabel(o.info) == LABEL_FAULT && infoLength(o.info) == 4 && o.badge == BADGE_PEER, "no fault message");
  eqx(what + ": kind = 256 + trap code", o.w0, FAULT_WASM_TRAP + code);
  eqx(what + ": the process is stopped", state(PEER), TS_INACTIVE);
  eq(what + ": proc_kill", sysProcKill(PEER), 0);
}
peerTrap(C_TRAP, 1, "wasm unreachable");
peerTrap(C_DIV0, 2, "wasm integer divide by zero");
peerTrap(C_OOB, 5, "wasm out of bounds memory access");
peerTrap(C_STACK, 9, "wasm call stack exhausted");

eq("obj_create the crash helper's endpoint", sysObjCreate(OBJ_ENDPOINT, CEP, 0), 0);
function crash(kind: u64, vector: u64, what: string): void {
  const t = sysProcSpawn(crashName, 10, 100, CRASH, FEP, BADGE_CRASH);
  if (!truth("crash helper for " + what, t >= 0, "proc_spawn failed")) return;
  let r = sysProcGive(CRASH, CEP, 5, R, 0);
  if (r == 0) r = sysProcStart(CRASH);
  if (!eq("crash helper for " + what + " started", r, 0)) return;
  sysSend(CEP, msgInfo(1, 1), kind, 0, 0, 0);
  r = sysRecv(FEP, OUT);
  truth(what + ": fault message", r == 0 && infoLabel(o.info) == LABEL_FAULT && o.badge == BADGE_CRASH, "no fault message");
  eqx(what + ": vector", o.w0, vector);
  if (kind == K_NULL) {
    eqx(what + ": address", o.w2, 8);
    eqx(what + ": error code (user read, not present)", o.w1 & 7, 4);
  }
  // The error code names IDT entry 3 (bit 1): 3 * 8 + 2 on hardware, 3 * 16 + 2 under QEMU's TCG.
  if (kind == K_BREAKPOINT) truth(what + ": error code names IDT entry 3", o.w1 == 0x1A || o.w1 == 0x32, "not IDT entry 3");
  if (kind == K_KERNEL) {
    eqx(what + ": address", o.w2, 0xFFFF_8000_0000_0000);
    eqx(what + ": error code (user write, protection)", o.w1 & 7, 7);
  }
  truth(what + ": rip in the helper's code", o.w3 >= 0x400000 && o.w3 < 0x500000, "rip elsewhere");
  eqx(what + ": the process is stopped", state(CRASH), TS_INACTIVE);
  eq(what + ": proc_kill", sysProcKill(CRASH), 0);
}
crash(K_DIVIDE, 0, "divide error");
crash(K_BREAKPOINT, 13, "int3 (the IDT gate is DPL 0: a #GP)");
crash(K_UD2, 6, "invalid opcode");
crash(K_GP, 13, "general protection (cli)");
crash(K_NULL, 14, "page fault (unmapped)");
crash(K_KERNEL, 14, "page fault (kernel page)");
eqx("after the faults every frame is back", frames(), frames0);

// --- 7. I/O ports and a real IRQ (COM1's transmitter-empty interrupt, IRQ 4) -------------------------
eq("obj_create IRQ handler (IRQ 4)", sysObjCreate(OBJ_IRQ_HANDLER, IRQ, 4), 0);
eq("obj_create I/O ports 0x3f8..0x3ff", sysObjCreate(OBJ_IO_PORTS, PORTS, 0x3F8 | (8 << 16)), 0);
eq("obj_create the IRQ's notification", sysObjCreate(OBJ_NOTIFICATION, IRQN, 0), 0);
eq("cap_mint it with a badge", sysCapMint(IRQN, S + 12, W, 0x2), 0);
eq("cap_mint it read-only", sysCapMint(IRQN, S + 13, R, 0), 0);
err("irq_set_notification without an IRQ capability (empty)", sysIrqSetNotification(50, S + 12), KErr.EMPTY_SLOT);
err("irq_set_notification through an endpoint", sysIrqSetNotification(PEP, S + 12), KErr.WRONG_TYPE);
err("irq_set_notification to an endpoint", sysIrqSetNotification(IRQ, PEP), KErr.WRONG_TYPE);
err("irq_set_notification to a read-only notification", sysIrqSetNotification(IRQ, S + 13), KErr.INSUFFICIENT_RIGHTS);
err("irq_ack without an IRQ capability (empty)", sysIrqAck(50), KErr.EMPTY_SLOT);
err("irq_ack through a notification", sysIrqAck(NT), KErr.WRONG_TYPE);
err("ioport_in without a capability", sysIoportIn(50, 0x3FD, 1), KErr.EMPTY_SLOT);
err("ioport_in through an endpoint", sysIoportIn(PEP, 0x3FD, 1), KErr.WRONG_TYPE);
err("ioport_in outside the range", sysIoportIn(PORTS, 0x60, 1), KErr.INSUFFICIENT_RIGHTS);
err("ioport_in running past the range", sysIoportIn(PORTS, 0x3FE, 4), KErr.INSUFFICIENT_RIGHTS);
err("ioport_in width 3", sysIoportIn(PORTS, 0x3FD, 3), KErr.INVALID_ARGUMENT);
eq("cap_mint I/O ports read-only", sysCapMint(PORTS, S + 14, R, 0), 0);
err("ioport_out without WRITE", sysIoportOut(S + 14, 0x3F9, 1, 0), KErr.INSUFFICIENT_RIGHTS);
err("ioport_out port 2^32 (u32 range)", sysRaw(32, PORTS, 1 << 32, 1, 0, 0, 0), KErr.INVALID_ARGUMENT);
const lsr = sysIoportIn(S + 14, 0x3FD, 1);
truth("ioport_in reads the UART's line status", lsr >= 0 && (lsr & 0x20) != 0, "transmitter not empty / error");
eq("irq_set_notification", sysIrqSetNotification(IRQ, S + 12), 0);
eq("irq_ack unmasks the line", sysIrqAck(IRQ), 0);
eq("cap_mint a timeout badge", sysCapMint(IRQN, S + 15, W, 0x1000), 0);
sysTimerSet(S + 15, 500);
eq("ioport_out: enable the transmitter-empty interrupt", sysIoportOut(PORTS, 0x3F9, 1, 0x02), 0);
let ir = sysWait(IRQN, WOUT);
truth("the IRQ arrives as a signal of the bound notification", ir == 0 && (wo.bits & 0x2) != 0, "no IRQ (bits " + (wo.bits == 0x1000 ? "timeout" : "?") + ")");
sysIoportOut(PORTS, 0x3F9, 1, 0);
const iir = sysIoportIn(PORTS, 0x3FA, 1);
truth("ioport_in of the UART's interrupt register", iir >= 0, "failed");
eq("irq_ack", sysIrqAck(IRQ), 0);
eq("ioport_out: the interrupt again", sysIoportOut(PORTS, 0x3F9, 1, 0x02), 0);
ir = sysWait(IRQN, WOUT);
truth("a second IRQ after irq_ack", ir == 0 && (wo.bits & 0x2) != 0, "no IRQ");
sysIoportOut(PORTS, 0x3F9, 1, 0);
sysTimerSet(S + 15, 0);
eq("irq_set_notification unbind (slot >= 128)", sysIrqSetNotification(IRQ, 200), 0);
eq("irq_ack after unbinding", sysIrqAck(IRQ), 0);
// irq_msi (kernel/sys_msi.ts): only an MSI IRQ (192..207) has a message.
err("irq_msi through an empty slot", sysIrqMsi(50), KErr.EMPTY_SLOT);
err("irq_msi through a notification", sysIrqMsi(NT), KErr.WRONG_TYPE);
err("irq_msi of a line IRQ (4)", sysIrqMsi(IRQ), KErr.INVALID_ARGUMENT);
if (eq("obj_create IRQ handler (MSI IRQ 200)", sysObjCreate(OBJ_IRQ_HANDLER, S + 18, 200), 0)) {
  const m = sysIrqMsi(S + 18);
  truth("irq_msi: vector 224 + (irq - 192), local APIC ID in bits 8..15", m >= 0 && (m & 0xFF) == 232 && (m >> 16) == 0, m < 0 ? "refused (no local APIC?)" : "wrong vector or APIC ID");
  eq("cap_delete the MSI IRQ handler", sysCapDelete(S + 18), 0);
}
if (eq("obj_create IRQ handler (IRQ 191, the last line IRQ)", sysObjCreate(OBJ_IRQ_HANDLER, S + 18, 191), 0)) {
  err("irq_msi of IRQ 191", sysIrqMsi(S + 18), KErr.INVALID_ARGUMENT);
  sysCapDelete(S + 18);
}


// --- 9. memory objects (DMA, device memory), derived resources, console log, power -------------------
{
  const DMA: u32 = 45, DMA_RO: u32 = 46, DEV: u32 = 47, SUB: u32 = 48, ANY: u32 = 49, SUB2: u32 = 50;
  const MAPAT: usize = 0x1000_0000; // linear address far past the linear memory (the guard region)
  const f1 = frames();
  err("dma_alloc 0 pages", sysDmaAlloc(DMA, 0), KErr.INVALID_ARGUMENT);
  err("dma_alloc 1025 pages", sysDmaAlloc(DMA, 1025), KErr.INVALID_ARGUMENT);
  err("dma_alloc into an occupied slot", sysDmaAlloc(FEP, 1), KErr.SLOT_OCCUPIED);
  const phys = sysDmaAlloc(DMA, 2);
  truth("dma_alloc 2 pages: a page-aligned address below 4 GiB", phys > 0 && (phys & 0xFFF) == 0 && phys < 0x1_0000_0000, "bad address");
  eq("mem_phys", sysMemPhys(DMA), phys);
  eq("mem_size", sysMemSize(DMA), 8192);
  err("mem_phys of a notification", sysMemPhys(NT), KErr.WRONG_TYPE);
  err("mem_size of an empty slot", sysMemSize(99), KErr.EMPTY_SLOT);
  err("mem_map an unaligned address", sysMemMap(DMA, MAPAT + 8, 1), KErr.BAD_ADDRESS);
  err("mem_map rights 2", sysMemMap(DMA, MAPAT, 2), KErr.INVALID_ARGUMENT);
  err("mem_map a notification", sysMemMap(NT, MAPAT, 1), KErr.WRONG_TYPE);
  truth("mem_map over the linear memory is refused", sysMemMap(DMA, 0, 1) < 0, "mapped over it");
  truth("mem_map at a kernel address is refused", sysRaw(39, DMA, 0xFFFF_8000_0000_0000, 1, 0, 0, 0) < 0, "mapped");
  truth("mem_map at a non-canonical address is refused", sysRaw(39, DMA, 0x0000_8000_0000_0000, 1, 0, 0, 0) < 0, "mapped");
  truth("mem_map running off the lower half is refused", sysRaw(39, DMA, 0x0000_7FFF_FFFF_F000, 1, 0, 0, 0) < 0, "mapped");
  if (eq("mem_map", sysMemMap(DMA, MAPAT, 1), 0)) {
    truth("mapped DMA pages are zeroed", load<u64>(MAPAT) == 0 && load<u64>(MAPAT + 0x1FF8) == 0, "not zero");
    store<u64>(MAPAT + 0x1008, 0xC0FFEE);
    eqx("mapped DMA pages are writable", load<u64>(MAPAT + 0x1008), 0xC0FFEE);
    err("mem_map twice with one capability", sysMemMap(DMA, MAPAT + 0x10000, 1), KErr.ALREADY_MAPPED);
    eq("cap_mint memory read-only", sysCapMint(DMA, DMA_RO, R, 0), 0);
    err("mem_map read-write through a read-only capability", sysMemMap(DMA_RO, MAPAT + 0x10000, 1), KErr.INSUFFICIENT_RIGHTS);
    if (eq("mem_map read-only: a second mapping", sysMemMap(DMA_RO, MAPAT + 0x10000, 0), 0)) {
      eqx("the second mapping shows the same frames", load<u64>(MAPAT + 0x11008), 0xC0FFEE);
      eq("mem_unmap", sysMemUnmap(DMA_RO), 0);
    }
    err("mem_unmap twice", sysMemUnmap(DMA_RO), KErr.NOT_MAPPED);
    eq("cap_delete of a mapped memory capability", sysCapDelete(DMA), 0);
    eq("its mapping went with it: the range maps again", sysMemMap(DMA_RO, MAPAT, 0), 0);
    eqx("the frames outlive the deleted capability (a child holds them)", load<u64>(MAPAT + 0x1008), 0xC0FFEE);
    eq("cap_delete of the last capability", sysCapDelete(DMA_RO), 0);
  }
  eqx("DMA memory: every frame back (but the page table the mapping made)", frames(), f1 - 1);

  // mem_copy: bytes between memory objects, by the kernel (servers/fs and its clients' buffers).
  if (sysDmaAlloc(DMA, 2) > 0 && sysDmaAlloc(SUB, 1) > 0 && eq("mem_map for mem_copy", sysMemMap(DMA, MAPAT, 1), 0)) {
    for (let i: usize = 0; i < 8192; i++) store<u8>(MAPAT + i, <u8>(i * 7 + 1));
    eq("mem_copy 100 bytes across a page, odd offsets", sysMemCopy(SUB, 3, DMA, 4090, 100), 0);
    eq("mem_copy them back elsewhere", sysMemCopy(DMA, 0x1801, SUB, 3, 100), 0);
    let same = true;
    for (let i: usize = 0; i < 100; i++) if (load<u8>(MAPAT + 0x1801 + i) != load<u8>(MAPAT + 4090 + i)) same = false;
    truth("mem_copy moved exactly those bytes", same && load<u8>(MAPAT + 0x1800) == <u8>(0x1800 * 7 + 1) && load<u8>(MAPAT + 0x1865) == <u8>(0x1865 * 7 + 1), "differ");
    err("mem_copy more than MEM_COPY_MAX", sysMemCopy(SUB, 0, DMA, 0, MEM_COPY_MAX + 1), KErr.INVALID_ARGUMENT);
    err("mem_copy past the end of dst", sysMemCopy(SUB, 4000, DMA, 0, 100), KErr.INVALID_ARGUMENT);
    err("mem_copy past the end of src", sysMemCopy(SUB, 0, DMA, 8190, 4), KErr.INVALID_ARGUMENT);
    err("mem_copy with a wrapping offset", sysMemCopy(SUB, 0, DMA, 0xFFFF_FFFF_FFFF_FF00, 0x200), KErr.INVALID_ARGUMENT);
    err("mem_copy of overlapping ranges", sysMemCopy(DMA, 0, DMA, 4, 16), KErr.INVALID_ARGUMENT);
    err("mem_copy from a notification", sysMemCopy(SUB, 0, NT, 0, 8), KErr.WRONG_TYPE);
    err("mem_copy from an empty slot", sysMemCopy(SUB, 0, 99, 0, 8), KErr.EMPTY_SLOT);
    err("mem_copy with a slot index over 32 bits", sysRaw(53, SUB, 0, <u64>1 << 33, 0, 8, 0), KErr.INVALID_SLOT);
    eq("cap_mint memory read-only (for mem_copy)", sysCapMint(SUB, DMA_RO, R, 0), 0);
    err("mem_copy into a read-only capability", sysMemCopy(DMA_RO, 0, DMA, 0, 8), KErr.INSUFFICIENT_RIGHTS);
    eq("mem_copy from a read-only capability", sysMemCopy(DMA, 0, DMA_RO, 0, 8), 0);
    eq("cap_revoke of the memory object", sysCapRevoke(SUB), 0);
    err("mem_copy from a revoked capability", sysMemCopy(DMA, 0, DMA_RO, 0, 8), KErr.EMPTY_SLOT);
    if (eq("devmem_create for mem_copy", sysDevmemCreate(DEV, 0xB8000, 1), 0)) {
      err("mem_copy from device memory", sysMemCopy(DMA, 0, DEV, 0, 8), KErr.WRONG_TYPE);
      sysCapDelete(DEV);
    }
  }
  sysCapDelete(DMA); sysCapDelete(SUB);

  err("devmem_create over RAM", sysDevmemCreate(DEV, 0x100000, 1), KErr.BAD_ADDRESS);
  err("devmem_create unaligned", sysDevmemCreate(DEV, 0xB8010, 1), KErr.INVALID_ARGUMENT);
  err("devmem_create 0 pages", sysDevmemCreate(DEV, 0xB8000, 0), KErr.INVALID_ARGUMENT);
  err("devmem_create past 2^52", sysDevmemCreate(DEV, 0xF_FFFF_FFFF_F000, 2), KErr.BAD_ADDRESS);
  if (eq("devmem_create of the text screen (0xb8000)", sysDevmemCreate(DEV, 0xB8000, 2), 0)) {
    eq("mem_phys of device memory", sysMemPhys(DEV), 0xB8000);
    eq("res_derive page 1 of device memory", sysResDerive(DEV, SUB, 1, 1), 0);
    eq("mem_phys of the derived page", sysMemPhys(SUB), 0xB9000);
    err("res_derive past the device memory", sysResDerive(DEV, SUB2, 1, 2), KErr.INVALID_ARGUMENT);
    if (eq("mem_map device memory", sysMemMap(DEV, MAPAT, 0), 0)) {
      const cell = load<u16>(MAPAT);
      truth("device memory reads (screen cell 0)", cell == load<u16>(MAPAT), "unstable");
      eq("mem_unmap device memory", sysMemUnmap(DEV), 0);
    }
    sysCapDelete(SUB);
    sysCapDelete(DEV);
  }
  err("res_derive of a notification", sysResDerive(NT, SUB, 0, 1), KErr.WRONG_TYPE);
  if (sysDmaAlloc(DMA, 1) > 0) {
    err("res_derive of DMA (not device) memory", sysResDerive(DMA, SUB, 0, 1), KErr.WRONG_TYPE);
    sysCapDelete(DMA);
  }
  eq("res_derive one I/O port", sysResDerive(PORTS, SUB, 0x3FD, 1), 0);
  truth("the derived port reads", sysIoportIn(SUB, 0x3FD, 1) >= 0, "refused");
  err("a port outside the derived range", sysIoportIn(SUB, 0x3F9, 1), KErr.INSUFFICIENT_RIGHTS);
  err("res_derive ports past the range", sysResDerive(PORTS, SUB2, 0x3FE, 4), KErr.INVALID_ARGUMENT);
  err("res_derive 0 ports", sysResDerive(PORTS, SUB2, 0x3F8, 0), KErr.INVALID_ARGUMENT);
  err("res_derive into an occupied slot", sysResDerive(PORTS, SUB, 0x3F8, 1), KErr.SLOT_OCCUPIED);
  err("res_derive an IRQ from a one-IRQ handler", sysResDerive(IRQ, SUB2, 5, 1), KErr.INVALID_ARGUMENT);
  eq("obj_create an any-IRQ handler", sysObjCreate(OBJ_IRQ_HANDLER, ANY, 255), 0);
  eq("res_derive IRQ 5 from it", sysResDerive(ANY, SUB2, 5, 1), 0);
  err("res_derive IRQ 255 from it", sysResDerive(ANY, 51, 255, 1), KErr.INVALID_ARGUMENT);
  err("res_derive 2 IRQs", sysResDerive(ANY, 51, 6, 2), KErr.INVALID_ARGUMENT);
  eq("the derived IRQ handler acks", sysIrqAck(SUB2), 0);
  sysCapDelete(SUB); sysCapDelete(SUB2); sysCapDelete(ANY);

  const fb = memory.data(32, 8);
  const fr = sysFbInfo(fb);
  truth("fb_info", fr == 0 || fr == -<i64>KErr.NOT_MAPPED, "failed");
  if (fr == 0) truth("fb_info: type 1 (RGB) or 2 (EGA text), a width", (load<u8>(fb, 21) == 1 || load<u8>(fb, 21) == 2) && load<u32>(fb, 12) > 0, "bad fields");
  err("fb_info to a kernel pointer", sysRaw(45, 0xFFFF_8000_0000_0000, 0, 0, 0, 0, 0), KErr.BAD_ADDRESS);
  err("fb_info to read-only memory (a code page)", sysRaw(45, 0x40_1000, 0, 0, 0, 0, 0), KErr.BAD_ADDRESS);
  const mark = memory.data<u8>([0x6B, 0x6C, 0x6F, 0x67, 0x2D, 0x6D, 0x61, 0x72, 0x6B]); // "klog-mark"
  // (Nothing is printed between these calls: the console log also gets every line ktest prints.)
  const back = memory.data(64, 8);
  const h0 = sysKlogRead(back, 0, 0);
  memory.fill(back, 0xAA, 64);
  const hPast = sysKlogRead(back, 64, <u64>h0 + 100);
  const untouched = load<u64>(back) == 0xAAAA_AAAA_AAAA_AAAA;
  const wr = sysKlogWrite(mark, 9);
  const h1 = sysKlogRead(back, 0, 0);
  const r9 = sysKlogRead(back, 9, <u64>h1 - 9);
  let same = true;
  for (let i = 0; i < 9; i++) if (load<u8>(back + <usize>i) != load<u8>(mark + <usize>i)) same = false;
  truth("klog_read of 0 bytes: the head position", h0 > 0, "no log");
  eq("klog_read from a position past the head", hPast, h0);
  truth("klog_read past the head copies nothing", untouched, "copied bytes");
  eq("klog_write", wr, 0);
  eq("klog_write moves the head", h1, h0 + 9);
  eq("klog_read of the last 9 bytes", r9, h1);
  truth("klog_read returns what klog_write added", same, "other bytes");
  err("klog_write from a kernel pointer", sysRaw(47, 0xFFFF_8000_0000_0000, 8, 0, 0, 0, 0), KErr.BAD_ADDRESS);
  err("klog_write longer than the log", sysKlogWrite(mark, 0x8001), KErr.INVALID_ARGUMENT);
  err("klog_read to a kernel pointer", sysRaw(46, 0xFFFF_8000_0000_0000, 8, 0, 0, 0, 0), KErr.BAD_ADDRESS);
  err("power with an unknown operation", sysPower(7), KErr.INVALID_ARGUMENT);
}

// --- 10. threads of our own address space (kernel/sys_thread.ts, servers/lib/thread.ts) ------------
const TEP: u32 = 50, TBUF: u32 = 51, THR: u32 = 52, THR2: u32 = 53, TBUF2: u32 = 54, NOMEM: u32 = 55;
const TBUF_AT: usize = 0x1010_0000, TBUF2_AT: usize = 0x1011_0000; // past the linear memory, in the page table section 9 made
const TSTACK: usize = 16384;
const tstack = memory.data(<i32>TSTACK, 16), tstack2 = memory.data(<i32>TSTACK, 16);
const to = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
let workerRuns = 0;
// Echo server on TEP: w0 + 1, the rest (and buffer words 4..) as received.
function worker(): void {
  workerRuns++;
  while (true) {
    if (sysRecv(TEP, changetype<usize>(to)) != 0) continue;
    while (sysReplyRecv(TEP, msgInfo(0, infoLength(to.info)), to.w0 + 1, to.w1, to.w2, to.w3, changetype<usize>(to)) == 0) {}
  }
}
function quitter(): void { workerRuns += 100; } // returns: the runtime exits the thread
{
  const f0 = frames();
  eq("thread endpoint", sysObjCreate(OBJ_ENDPOINT, TEP, 0), 0);
  truth("thread IPC buffer page (dma_alloc)", sysDmaAlloc(TBUF, 1) > 0, "failed");
  err("thread_create with an unmapped buffer", threadCreate(THR, 3, 0, TBUF, worker, tstack, TSTACK), KErr.NOT_MAPPED);
  eq("map it", sysMemMap(TBUF, TBUF_AT, 1), 0);
  err("thread_create with a non-memory buffer", threadCreate(THR, 3, 0, TEP, worker, tstack, TSTACK), KErr.WRONG_TYPE);
  err("thread_create with an empty buffer slot", threadCreate(THR, 3, 0, NOMEM, worker, tstack, TSTACK), KErr.EMPTY_SLOT);
  err("thread_create into an occupied slot", threadCreate(TEP, 3, 0, TBUF, worker, tstack, TSTACK), KErr.SLOT_OCCUPIED);
  err("thread_create at a kernel address", sysRaw(49, THR, 3, 0, TBUF, 0xFFFF_8000_0000_0000, 0x1000), KErr.BAD_ADDRESS);
  err("thread_create with a CNode that is not one", threadCreate(THR, 3, TEP, TBUF, worker, tstack, TSTACK), KErr.WRONG_TYPE);
  if (eq("thread_create", threadCreate(THR, 3, 0, TBUF, worker, tstack, TSTACK), 0)) {
    eq("a new thread is stopped", state(THR), TS_INACTIVE);
    eq("and has our priority", (<u64>sysProcInfo(THR) >> 8) & 0xFF, (<u64>sysProcInfo(2) >> 8) & 0xFF);
    err("thread_set_priority above our own", sysThreadSetPriority(THR, 251), KErr.INSUFFICIENT_RIGHTS);
    err("thread_set_priority of ourselves above our own", sysThreadSetPriority(2, 251), KErr.INSUFFICIENT_RIGHTS);
    eq("thread_set_priority 100", sysThreadSetPriority(THR, 100), 0);
    eq("priority now 100", (<u64>sysProcInfo(THR) >> 8) & 0xFF, 100);
    err("thread_resume of an endpoint", sysThreadResume(TEP), KErr.WRONG_TYPE);
    eq("thread_resume", sysThreadResume(THR), 0);
    err("thread_resume of a running thread", sysThreadResume(THR), KErr.BUSY);
    const r = sysCall(TEP, msgInfo(3, 2), 41, 5, 0, 0, OUT);
    truth("call to a second thread of our address space", r == 0 && o.w0 == 42 && o.w1 == 5 && workerRuns == 1, "wrong reply");
    for (let i: u32 = 4; i < 12; i++) setMsgWord(i, 0x7000 + <u64>i);
    const r2 = sysCall(TEP, msgInfo(3, 12), 1, 2, 3, 4, OUT);
    let inBuf = true;
    for (let i: u32 = 4; i < 12; i++) if (load<u64>(TBUF_AT + 8 * <usize>i) != 0x7000 + <u64>i) inBuf = false;
    truth("a 12-word call lands in the thread's own IPC buffer", r2 == 0 && infoLength(o.info) == 12 && inBuf, "not there");
    eq("thread_suspend", sysThreadSuspend(THR), 0);
    eq("a suspended thread is stopped", state(THR), TS_INACTIVE);
    err("no receiver while it is suspended", sysNbSend(TEP, msgInfo(1, 1), 0, 0, 0, 0), KErr.WOULD_BLOCK);
    eq("thread_resume after suspend", sysThreadResume(THR), 0);
    const r3 = sysCall(TEP, msgInfo(3, 1), 9, 0, 0, 0, OUT);
    truth("it serves again after resume", r3 == 0 && o.w0 == 10, "wrong reply");
    // Its buffer unmapped: long messages to it are truncated, short ones work.
    eq("unmap the thread's IPC buffer", sysMemUnmap(TBUF), 0);
    const r4 = sysCall(TEP, msgInfo(3, 12), 1, 2, 3, 4, OUT);
    truth("a receiver thread without IPC buffer gets 4 words", r4 == 0 && infoLength(o.info) == 4 && o.w0 == 2, "wrong reply");
    eq("cap_delete of a runnable/blocked thread", sysCapDelete(THR), 0);
    err("the endpoint has no receiver any more", sysNbSend(TEP, msgInfo(1, 1), 0, 0, 0, 0), KErr.WOULD_BLOCK);
  }
  // A thread whose function returns exits alone; the process goes on.
  truth("second buffer page", sysDmaAlloc(TBUF2, 1) > 0, "failed");
  eq("map it", sysMemMap(TBUF2, TBUF2_AT, 1), 0);
  if (eq("thread_create (returns at once)", threadCreate(THR2, 3, 0, TBUF2, quitter, tstack2, TSTACK), 0)) {
    eq("thread_resume", sysThreadResume(THR2), 0);
    sysYield(); // our priority: it runs now, returns, exits
    truth("the thread ran and exited", workerRuns >= 100 && state(THR2) == TS_INACTIVE, "still there");
    eq("cap_delete of an exited thread", sysCapDelete(THR2), 0);
  }
  eq("cap_delete of the second buffer", sysCapDelete(TBUF2), 0);
  eq("cap_delete of the first buffer", sysCapDelete(TBUF), 0);
  eq("cap_delete of the thread endpoint", sysCapDelete(TEP), 0);
  eqx("threads: every frame is back", frames(), f0);
}

// --- 8. IPC buffers that are gone ---------------------------------------------------------------------
if (spawnPeer("peer for the IPC buffer")) {
  const r = sysCall(PEP, msgInfo(C_DROPBUF, 0), 0, 0, 0, 0, OUT);
  truth("the peer unmaps its IPC buffer (cap_delete of its memory object)", r == 0 && o.w0 == 0, "failed");
  for (let i: u32 = 4; i < 10; i++) setMsgWord(i, 7);
  const r2 = sysCall(PEP, msgInfo(C_ECHO, 10), 1, 2, 3, 4, OUT);
  truth("a receiver without IPC buffer gets 4 words (truncated), the sender no error", r2 == 0 && infoLength(o.info) == 4 && o.w0 == 2, "wrong reply");
  sysProcKill(PEER);
}
eq("cap_delete of our own IPC buffer", sysCapDelete(4), 0);
err("a long message with the IPC buffer unmapped", sysNbSend(PEP, msgInfo(1, 10), 0, 0, 0, 0), KErr.IPC_BUFFER);
err("a capability with the IPC buffer unmapped", sysNbSend(PEP, msgInfo(1, 0, 1), 0, 0, 0, 0), KErr.IPC_BUFFER);
err("a short message still works without IPC buffer", sysNbSend(PEP, msgInfo(1, 4), 0, 0, 0, 0), KErr.WOULD_BLOCK);
eqx("at the end every frame is back (+1: our IPC buffer, -1: a page table of section 9)", frames(), frames0);

summary();
sysExit(failed == 0 ? 0 : 1);
