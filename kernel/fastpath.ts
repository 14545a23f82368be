// fastpath.ts — the IPC fast path: `call` and `reply_recv` between two
// threads when everything is ordinary, switching straight to the partner
// without the scheduler (seL4's fastpath). boot/entry.asm calls these two
// for system-call numbers SYS_CALL and SYS_REPLY_RECV instead of the
// generated dispatch; anything out of the ordinary goes to the general
// path (syscall_dispatch.ts -> sys_ipc.ts -> ipc.ts) unchanged, before
// anything has been changed here.
//
// Taken only when:
//   - no capability (info bits 7..8 = 0) and length <= 64; a message
//     longer than 4 words only when both IPC buffers' frames are cached
//     in the TCBs (ipc.ts bufBase: tcb.ts bufPhys, bufRights, bufEpoch ==
//     paging.ts mapEpoch; the general path fills the cache), readable for
//     the sender and writable for the receiver: then words 4.. are one copy
//     from frame to frame through the direct map;
//   - the slot names, in the caller's live CNode, an endpoint capability
//     with the right needed (WRITE for call, READ for reply_recv);
//   - call: a receiver waits on the endpoint (EP_RECV) and holds no call;
//     reply_recv: the thread holds a call whose caller still waits for
//     the reply (ipc.ts callerValid), no sender is queued (not EP_SEND) and
//     no bound notification has bits for it (notification.ts);
//   - the partner has an address space and is allowed to run now by
//     ipc.ts handOff's rule: no runnable thread outranks it;
//   - IPC tracing is off (ipctrace.ts: traced messages go through deliver).
// The result is the general path's, field for field (tests/kernel/
// fastpath.test.ts runs the same scenarios through both and compares the
// whole kernel memory): the badge (call: the capability's; reply: 0),
// the received info (the label, the length), words beyond the length 0,
// rax 0, the reply state (ipc.ts takeCall / reply: caller, generation,
// epoch, grant flag), thread states, endpoint queues, then exec.ts
// execSwitchTo (CR3 only if the address space differs, lazy FPU).
//
// The running thread (exec.ts execCur) is in no run queue and waits on no
// endpoint (exec's and endpoint.ts's rules), so neither is checked.
//
// Written for the backend (a linear-scan allocator with 10 registers): no
// arguments (the slot, info and words are read from the caller's register
// area, where boot/entry.asm has just saved them), so few values stay
// live; one test per condition; and records named by their byte offset in
// their pool (index * record size), the pool's base and the field's
// offset folded into the load's constant offset (T_*, R_*, S_*, E_*, C_*,
// N_* below: the pools are fixed, see objects.ts), which saves the add of
// the base on every record the path touches.
//
// Each returns, when it switched, the register area of the thread to run
// next (> 0; entry.asm makes it current and leaves by sysret, the caller's
// rax already stored: 0); when the fast path does not apply it runs the
// generated dispatch itself on the saved registers (the general path,
// exactly as if entry.asm had called it) and returns its result (<= 0 for
// these two calls), which entry.asm treats as any handler's.

import { execCur, execSwitchState } from "./exec";
import { Tcb, tcbPool, TCB_SIZE, TCB_REGS_OFFSET, TS_BLOCKED_REPLY, TS_BLOCKED_RECV, REG_ENTRY, ENTRY_SYSCALL } from "./tcb";
import { Slot, slotTable, SLOT_SIZE, cnodePool, endpointPool, SMALL_RECORD, MAX_CNODES, CNODE_SLOTS, RIGHT_READ, RIGHT_WRITE, RIGHT_GRANT } from "./cap";
import { ObjHeader, OBJ_ENDPOINT } from "./objects";
import { Endpoint, EP_RECV, EP_SEND, EP_IDLE } from "./endpoint";
import { IpcState, ipcStates, IPC_STATE_SIZE, RF_GRANT } from "./ipc";
import { schedTopPriority } from "./sched";
import { syscallDispatch } from "./syscall_dispatch";
import { SYS_CALL, SYS_REPLY_RECV } from "./syscalls";
import { ipcTraceMode } from "./ipctrace";
import { ntfnBoundMaybe, ntfnBoundPending } from "./notification";
import { mapEpoch, MAP_USER, MAP_WRITE } from "./paging";
import { phys_copy64 } from "./x86";

// info bits 0..8: the length (0..6) and the capability count (7..8).
const SHORT_MASK: u64 = 0x1FF;
const REG_WORDS: u64 = 4;
const MAX_WORDS: u64 = 64;
const USER_RW: u32 = MAP_USER | MAP_WRITE;
const CNODE_RECORD: usize = 16; // cap.ts poolSetup(OBJ_CNODE, cnodePool, 16, ...)

// A thread's TCB (tcb.ts Tcb): offset index * TCB_SIZE; its fields and
// registers (tcb.ts REG_*):
const T_GEN: usize = tcbPool + offsetof<Tcb>("generation");
const T_STATE: usize = tcbPool + offsetof<Tcb>("state");
const T_PRIO: usize = tcbPool + offsetof<Tcb>("priority");
const T_CNODE: usize = tcbPool + offsetof<Tcb>("cnode");
const T_CNODE_GEN: usize = tcbPool + offsetof<Tcb>("cnodeGen");
const T_EP_NEXT: usize = tcbPool + offsetof<Tcb>("epNext");
const T_EP_PREV: usize = tcbPool + offsetof<Tcb>("epPrev");
const T_EP_WAIT: usize = tcbPool + offsetof<Tcb>("epWait");
const T_EP_WAIT_GEN: usize = tcbPool + offsetof<Tcb>("epWaitGen");
const T_PML4: usize = tcbPool + offsetof<Tcb>("pml4");
const T_BUF_RIGHTS: usize = tcbPool + offsetof<Tcb>("bufRights");
const T_BUF_PHYS: usize = tcbPool + offsetof<Tcb>("bufPhys");
const T_BUF_EPOCH: usize = tcbPool + offsetof<Tcb>("bufEpoch");
const R_RAX: usize = tcbPool + TCB_REGS_OFFSET + 0 * 8;
const R_RDX: usize = tcbPool + TCB_REGS_OFFSET + 3 * 8;
const R_RSI: usize = tcbPool + TCB_REGS_OFFSET + 4 * 8;
const R_RDI: usize = tcbPool + TCB_REGS_OFFSET + 5 * 8;
const R_R8: usize = tcbPool + TCB_REGS_OFFSET + 8 * 8;
const R_R9: usize = tcbPool + TCB_REGS_OFFSET + 9 * 8;
const R_R10: usize = tcbPool + TCB_REGS_OFFSET + 10 * 8;
const R_ENTRY: usize = tcbPool + TCB_REGS_OFFSET + <u32>REG_ENTRY * 8;
// Its IPC state (ipc.ts IpcState): offset index * IPC_STATE_SIZE.
const S_FLAGS: usize = ipcStates + offsetof<IpcState>("flags");
const S_EPOCH: usize = ipcStates + offsetof<IpcState>("epoch");
const S_CALLER: usize = ipcStates + offsetof<IpcState>("caller");
const S_CALLER_GEN: usize = ipcStates + offsetof<IpcState>("callerGen");
const S_CALLER_EPOCH: usize = ipcStates + offsetof<IpcState>("callerEpoch");
const S_CALLER_GRANT: usize = ipcStates + offsetof<IpcState>("callerGrant");
// An endpoint (endpoint.ts Endpoint): offset index * SMALL_RECORD.
const E_GEN: usize = endpointPool + offsetof<Endpoint>("generation");
const E_STATE: usize = endpointPool + offsetof<Endpoint>("state");
const E_HEAD: usize = endpointPool + offsetof<Endpoint>("head");
const E_TAIL: usize = endpointPool + offsetof<Endpoint>("tail");
const E_COUNT: usize = endpointPool + offsetof<Endpoint>("count");
// A capability slot (cap.ts Slot): offset slot id * SLOT_SIZE.
const C_TYPE: usize = slotTable + offsetof<Slot>("type");
const C_RIGHTS: usize = slotTable + offsetof<Slot>("rights");
const C_OBJ: usize = slotTable + offsetof<Slot>("obj");
const C_BADGE: usize = slotTable + offsetof<Slot>("badge");
// A CNode's header (objects.ts ObjHeader): offset index * CNODE_RECORD.
const N_LIVE: usize = cnodePool + offsetof<ObjHeader>("live");
const N_GEN: usize = cnodePool + offsetof<ObjHeader>("generation");

// ipc.ts deliver for a short message from s's registers to r's (TCB
// offsets): r's rax = 0, rdi = badge, rsi = the label and the length,
// rdx..r9 = the words (0 beyond the length); words 4.. are copyLong's.
// (The stores come first: then the compiler cannot keep the info word
// from the first check in a register all along; a load is cheaper.)
@inline function deliverShort(so: usize, ro: usize, badge: u64): void {
  store<u64>(ro, 0, R_RAX);
  store<u64>(ro, badge, R_RDI);
  const info = load<u64>(so, R_RSI);
  // The label and the length: bits 0..8 are the length (<= 4, no
  // capability), so only bits 9..15 go.
  store<u64>(ro, info & ~(<u64>0xFE00), R_RSI);
  if ((info & 0x1FC) != 0) { // length >= 4 (no capability: bits 7..8 are 0)
    store<u64>(ro, load<u64>(so, R_RDX), R_RDX);
    store<u64>(ro, load<u64>(so, R_R10), R_R10);
    store<u64>(ro, load<u64>(so, R_R8), R_R8);
    store<u64>(ro, load<u64>(so, R_R9), R_R9);
    if ((info & SHORT_MASK) > REG_WORDS) copyLong(so, ro, info & SHORT_MASK); // checked: buffersCached
  } else {
    const len = info & 3;
    store<u64>(ro, len > 0 ? load<u64>(so, R_RDX) : 0, R_RDX);
    store<u64>(ro, len > 1 ? load<u64>(so, R_R10) : 0, R_R10);
    store<u64>(ro, len > 2 ? load<u64>(so, R_R8) : 0, R_R8);
    store<u64>(ro, 0, R_R9);
  }
}

// Can words 4.. of a long message go from s's IPC buffer to r's (TCB
// offsets) without a page walk: both frames cached and current (ipc.ts
// bufBase), s's readable and r's writable by the user?
@inline function buffersCached(so: usize, ro: usize): bool {
  const ep = mapEpoch;
  if (load<u64>(so, T_BUF_EPOCH) != ep || load<u64>(ro, T_BUF_EPOCH) != ep) return false;
  return (load<u32>(so, T_BUF_RIGHTS) & MAP_USER) != 0 && (load<u32>(ro, T_BUF_RIGHTS) & USER_RW) == USER_RW;
}

// Copy buffer words 4..len-1 (ipc.ts copyWords, frames already checked).
@inline function copyLong(so: usize, ro: usize, len: u64): void {
  phys_copy64(load<u64>(ro, T_BUF_PHYS) + 8 * REG_WORDS, load<u64>(so, T_BUF_PHYS) + 8 * REG_WORDS, len - REG_WORDS);
}

// The end of a fast path: the caller (TCB offset `to`) has blocked with
// result 0 (what entry.asm's exit would store for it: rax 0, it entered
// by syscall); thread t runs next (exec.ts execSwitchState). The result
// for entry.asm is t's register area (a linear address, > 0; the general
// path's results are <= 0), which its exit makes current and restores.
@inline function switchTo(to: usize, t: u32): i64 {
  store<u64>(to, 0, R_RAX);
  store<u64>(to, ENTRY_SYSCALL, R_ENTRY);
  return <i64>execSwitchState(t);
}

// How often the fast path did not apply (for the tests; counted on the
// slow side only, so the fast path pays nothing for it).
export let fastpathMisses: u32 = 0;

// The general path on the saved registers of the caller (TCB offset
// `to`), as entry.asm would have called it: the generated dispatch.
function slow(num: u32, to: usize): i64 {
  fastpathMisses++;
  return syscallDispatch(<u64>num, load<u64>(to, R_RDI), load<u64>(to, R_RSI), load<u64>(to, R_RDX),
    load<u64>(to, R_R10), load<u64>(to, R_R8), load<u64>(to, R_R9));
}

// call(ep = rdi, info = rsi, words rdx, r10, r8, r9) of the running thread.
export function fastCall(): i64 {
  const to = <usize>execCur * TCB_SIZE; // the caller
  if (ipcTraceMode != 0) return slow(SYS_CALL, to); // tracing: every message through ipc.ts deliver
  // > 64: a capability (bits 7..8) or too long. (The length is loaded
  // again where it is needed: cheaper than keeping it live across calls.)
  if ((load<u64>(to, R_RSI) & SHORT_MASK) > MAX_WORDS) return slow(SYS_CALL, to);
  // The capability: slot rdi of the caller's CNode, a live (index, generation).
  const index = load<u64>(to, R_RDI);
  if (index >= <u64>CNODE_SLOTS) return slow(SYS_CALL, to);
  const cn = load<u32>(to, T_CNODE); // -1: huge
  if (cn >= MAX_CNODES) return slow(SYS_CALL, to);
  const no = <usize>cn * CNODE_RECORD;
  if (load<u32>(no, N_LIVE) == 0) return slow(SYS_CALL, to);
  if (load<u32>(no, N_GEN) != load<u32>(to, T_CNODE_GEN)) return slow(SYS_CALL, to);
  const co = (<usize>cn * CNODE_SLOTS + <usize>index) * SLOT_SIZE;
  if (<u32>load<u8>(co, C_TYPE) != OBJ_ENDPOINT) return slow(SYS_CALL, to);
  if ((<u32>load<u8>(co, C_RIGHTS) & RIGHT_WRITE) == 0) return slow(SYS_CALL, to);
  // A receiver waits; it holds no call, has an address space and may run
  // now (ipc.ts handOff).
  const eo = <usize>load<u32>(co, C_OBJ) * SMALL_RECORD;
  if (load<u32>(eo, E_STATE) != EP_RECV) return slow(SYS_CALL, to);
  const r = load<u32>(eo, E_HEAD);
  const ro = <usize>r * TCB_SIZE, rso = <usize>r * IPC_STATE_SIZE;
  if (load<u32>(rso, S_CALLER) != 0) return slow(SYS_CALL, to);
  if (load<u64>(ro, T_PML4) == 0) return slow(SYS_CALL, to);
  if (<i32>load<u32>(ro, T_PRIO) < schedTopPriority()) return slow(SYS_CALL, to);
  if ((load<u64>(to, R_RSI) & SHORT_MASK) > REG_WORDS && !buffersCached(to, ro)) return slow(SYS_CALL, to);

  // r leaves the endpoint's queue (endpoint.ts epTakeHead: it is the head).
  const next = load<i32>(ro, T_EP_NEXT);
  store<i32>(eo, next, E_HEAD);
  if (next < 0) {
    store<i32>(eo, -1, E_TAIL);
    store<u32>(eo, EP_IDLE, E_STATE);
  } else {
    store<i32>(<usize>next * TCB_SIZE, -1, T_EP_PREV);
  }
  store<u32>(eo, load<u32>(eo, E_COUNT) - 1, E_COUNT);
  store<i32>(ro, -1, T_EP_NEXT);
  store<i32>(ro, -1, T_EP_WAIT);
  // The message (ipc.ts deliver) with the capability's badge.
  deliverShort(to, ro, load<u64>(co, C_BADGE));
  // r holds the call, the caller waits for the reply (ipc.ts takeCall).
  const t = <u32>execCur;
  const so = <usize>t * IPC_STATE_SIZE;
  const epoch = load<u32>(so, S_EPOCH) + 1;
  store<u32>(so, epoch, S_EPOCH);
  store<u32>(so, 0, S_FLAGS);
  store<u32>(to, TS_BLOCKED_REPLY, T_STATE);
  store<u32>(rso, t + 1, S_CALLER);
  store<u32>(rso, load<u32>(to, T_GEN), S_CALLER_GEN);
  store<u32>(rso, epoch, S_CALLER_EPOCH);
  store<u32>(rso, (load<u32>(rso, S_FLAGS) & RF_GRANT) / RF_GRANT, S_CALLER_GRANT); // 1: its capability has GRANT
  store<u32>(rso, 0, S_FLAGS);
  return switchTo(to, r);
}

// reply_recv(ep = rdi, info = rsi, words rdx, r10, r8, r9) of the running thread.
export function fastReplyRecv(): i64 {
  const to = <usize>execCur * TCB_SIZE; // the server
  if (ipcTraceMode != 0) return slow(SYS_REPLY_RECV, to);
  // A bound notification with bits set: the receive returns them (ipc.ts recvOn).
  if (ntfnBoundMaybe(<u32>execCur)) {
    if (ntfnBoundPending(<u32>execCur)) return slow(SYS_REPLY_RECV, to);
  }
  // > 64: a capability (bits 7..8) or too long. (The length is loaded
  // again where it is needed: cheaper than keeping it live across calls.)
  if ((load<u64>(to, R_RSI) & SHORT_MASK) > MAX_WORDS) return slow(SYS_REPLY_RECV, to);
  // The call held: its caller still waits for this reply (ipc.ts callerValid).
  const so = <usize>execCur * IPC_STATE_SIZE;
  // (callerValid's objRefValid needs no index and live tests here: a held
  // caller is always a thread index + 1, written by takeCall or fastCall
  // from live threads, and a TCB that is not live is TS_INACTIVE: cap.ts
  // frees one only after ipcThreadGone, objAlloc zeroes it.)
  const held = load<u32>(so, S_CALLER); // caller + 1, 0: none
  if (held == 0) return slow(SYS_REPLY_RECV, to);
  const k = held - 1;
  const ko = <usize>k * TCB_SIZE;
  if (load<u32>(ko, T_STATE) != TS_BLOCKED_REPLY) return slow(SYS_REPLY_RECV, to);
  if (load<u32>(ko, T_GEN) != load<u32>(so, S_CALLER_GEN)) return slow(SYS_REPLY_RECV, to);
  if (load<u32>(<usize>k * IPC_STATE_SIZE, S_EPOCH) != load<u32>(so, S_CALLER_EPOCH)) return slow(SYS_REPLY_RECV, to);
  // It has an address space and may run now (ipc.ts handOff).
  if (load<u64>(ko, T_PML4) == 0) return slow(SYS_REPLY_RECV, to);
  if (<i32>load<u32>(ko, T_PRIO) < schedTopPriority()) return slow(SYS_REPLY_RECV, to);
  if ((load<u64>(to, R_RSI) & SHORT_MASK) > REG_WORDS && !buffersCached(to, ko)) return slow(SYS_REPLY_RECV, to);
  // The capability: slot rdi of the server's CNode, a live (index, generation).
  const index = load<u64>(to, R_RDI);
  if (index >= <u64>CNODE_SLOTS) return slow(SYS_REPLY_RECV, to);
  const cn = load<u32>(to, T_CNODE); // -1: huge
  if (cn >= MAX_CNODES) return slow(SYS_REPLY_RECV, to);
  const no = <usize>cn * CNODE_RECORD;
  if (load<u32>(no, N_LIVE) == 0) return slow(SYS_REPLY_RECV, to);
  if (load<u32>(no, N_GEN) != load<u32>(to, T_CNODE_GEN)) return slow(SYS_REPLY_RECV, to);
  const co = (<usize>cn * CNODE_SLOTS + <usize>index) * SLOT_SIZE;
  if (<u32>load<u8>(co, C_TYPE) != OBJ_ENDPOINT) return slow(SYS_REPLY_RECV, to);
  const rights = <u32>load<u8>(co, C_RIGHTS);
  if ((rights & RIGHT_READ) == 0) return slow(SYS_REPLY_RECV, to);
  // No sender queued.
  const e = load<u32>(co, C_OBJ);
  const eo = <usize>e * SMALL_RECORD;
  if (load<u32>(eo, E_STATE) == EP_SEND) return slow(SYS_REPLY_RECV, to);

  // The server waits on the endpoint (ipc.ts recvOn, endpoint.ts enqueue).
  const t = <u32>execCur;
  const last = load<i32>(eo, E_TAIL);
  store<i32>(to, last, T_EP_PREV);
  store<i32>(to, -1, T_EP_NEXT);
  if (last < 0) store<i32>(eo, t, E_HEAD);
  else store<i32>(<usize>last * TCB_SIZE, t, T_EP_NEXT);
  store<i32>(eo, t, E_TAIL);
  store<u32>(eo, load<u32>(eo, E_COUNT) + 1, E_COUNT);
  store<u32>(eo, EP_RECV, E_STATE);
  store<i32>(to, e, T_EP_WAIT);
  store<u32>(to, load<u32>(eo, E_GEN), T_EP_WAIT_GEN);
  store<u32>(to, TS_BLOCKED_RECV, T_STATE);
  store<u32>(so, (rights & RIGHT_GRANT) * (RF_GRANT / RIGHT_GRANT), S_FLAGS); // RF_GRANT if GRANT (single bits)
  // The reply (ipc.ts deliver, badge 0); the call is answered.
  store<u32>(so, 0, S_CALLER);
  deliverShort(to, ko, 0);
  return switchTo(to, k);
}
