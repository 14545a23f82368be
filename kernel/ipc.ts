// ipc.ts — synchronous IPC: messages, send / recv / call / reply /
// reply_recv (blocking and not), reply capabilities, and what happens to
// waiting threads when a partner or an object goes away.
//
// endpoint.ts keeps the endpoint queues; this file moves messages and
// blocks and wakes threads. Every operation is a function of the calling
// thread `t` (its TCB index) and the system-call arguments; results go
// into the saved registers of the threads involved (tcb.ts register area):
// the caller's own when it does not block, a blocked thread's when it is
// woken. Each returns what it wrote to t's rax (0 or -KErr; meaningless
// when t blocked: the value is written again when t is woken). `t` is the
// running thread (exec.ts execCur, in no run queue). Scheduling goes
// through exec.ts: a thread that gets a message runs at once if it
// outranks the running one (execWake); when t blocks, the partner it
// woke runs next directly if nothing runnable outranks it (handOff, the
// call / reply_recv fast path), else the best runnable thread (execBlock).
//
// The ABI (kernel/README.md, "IPC"):
//   in:  rdi = capability slot, rsi = info, words 0..3 in rdx, r10, r8, r9
//   out: rax = 0 or -KErr; rdi = badge (receives); rsi = info; rdx, r10, r8, r9
//   info = length (bits 0..6, 0..64 words) | caps (bits 7..8, 0 or 1)
//          | TRUNCATED (bit 9, out only) | label (bits 16..63)
//   words 4..63: the thread's IPC buffer (tcb.ipcBuffer, a user address),
//   word i at byte 8*i; then the header: 512 = slot of the capability to
//   send, 520 = slot where a received capability lands, 528 = capabilities
//   received (0 or 1), 536 = why a capability did not arrive (KErr).
//
// Replies (seL4 style, with generations): a receiver that takes a call
// holds an implicit "caller" (thread, generation, epoch); reply and
// reply_recv answer it; reply_save moves it into a reply object whose
// capability a later send answers (one-shot: the capability is deleted).
// The caller's epoch is bumped each time it enters TS_BLOCKED_REPLY, so a
// reference answers only that one call: a caller that died (generation),
// was stopped or restarted (state, epoch) makes the reply fail with
// DEAD_PARTNER. A caller whose server is stopped or deleted, or whose
// reply object is deleted, or whose server receives again without
// answering, is woken with DEAD_PARTNER / CANCELLED.

import { ipcTraceMode, ipcTraceMsg } from "./ipctrace";
import { KErr } from "./errors";
import {
  objAddr, objRefValid, objHeader,
  OBJ_NULL, OBJ_THREAD, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_REPLY, OBJ_CNODE, OBJ_ADDRESS_SPACE,
} from "./objects";
import { slot, capCopy, capCreate, capDelete, createdObj, objPhys, CNODE_SLOTS, RIGHT_READ, RIGHT_WRITE, RIGHT_GRANT } from "./cap";
import {
  tcb, tcbReg, tcbSetReg, MAX_THREADS,
  TS_INACTIVE, TS_RUNNABLE, TS_BLOCKED_SEND, TS_BLOCKED_RECV, TS_BLOCKED_REPLY,
  REG_RAX, REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9,
} from "./tcb";
import { schedDequeue, schedEnqueue, schedTopPriority } from "./sched";
import { execCur, execWake, execBlock, execSwitchTo } from "./exec";
import { epState, epTakeHead, epSend, epRecv, epCancel, EP_RECV, EP_SEND } from "./endpoint";
import { ntfnCancel, ntfnSignal, ntfnTakeBound, ntfnUnbindThread } from "./notification";
import { vmLookup, lookupPhys, lookupRights, mapEpoch, MAP_USER, MAP_WRITE, USER_TOP } from "./paging";
import { phys_read64, phys_write64, phys_copy64 } from "./x86";
import { INFO_TRUNCATED, LABEL_FAULT, IPCBUF_SEND_SLOT, IPCBUF_RECV_SLOT, IPCBUF_CAPS_RECEIVED, IPCBUF_CAP_STATUS } from "./syscalls";

// --- the message format ---------------------------------------------------------------
// (The constants user programs share, INFO_TRUNCATED, LABEL_FAULT and the
// IPCBUF_* offsets, are the ABI table's: syscalls.ts.)
const MAX_WORDS: u32 = 64;
const MSG_REG_WORDS: u32 = 4;
const INFO_LENGTH_MASK: u64 = 0x7F;
const INFO_CAPS_SHIFT: u64 = 7;
const INFO_LABEL_SHIFT: u64 = 16;

@inline export function msgInfo(label: u64, length: u32, caps: u32): u64 {
  return (label << INFO_LABEL_SHIFT) | (<u64>caps << INFO_CAPS_SHIFT) | <u64>length;
}

// --- per-thread IPC state ------------------------------------------------------------------
// Kept beside the TCBs (same index) so that tcb.ts stays the scheduler's.
@unmanaged export class IpcState {
  badge: u64;       // a blocked sender: the badge its message carries
  fault0: u64;      // a pending fault message (fault.ts): kind, error, address, rip
  fault1: u64;
  fault2: u64;
  fault3: u64;
  flags: u32;       // SF_* below
  epoch: u32;       // bumped each time the thread enters TS_BLOCKED_REPLY
  caller: u32;      // as a server: the call to answer, thread + 1 (0: none)
  callerGen: u32;
  callerEpoch: u32;
  callerGrant: u32; // 1: the reply may carry a capability
}
export const IPC_STATE_SIZE: u32 = 64;
export const ipcStates = memory.data(<i32>(MAX_THREADS * IPC_STATE_SIZE), 8);

const SF_CALL: u32 = 1;   // blocked sender: a call (waits for the reply after delivery)
const SF_GRANT: u32 = 2;  // blocked sender: its capability has GRANT (may send a capability)
const SF_FAULT: u32 = 4;  // blocked sender: the message is its fault record; stays stopped
export const RF_GRANT: u32 = 8;  // blocked receiver: its capability has GRANT (its replies may carry one)

@inline export function st(t: u32): IpcState {
  return changetype<IpcState>(ipcStates + <usize>t * IPC_STATE_SIZE);
}

// Forget all IPC state (boot, tests).
export function ipcInit(): void {
  memory.fill(ipcStates, 0, <usize>MAX_THREADS * IPC_STATE_SIZE);
}


// --- scheduling helpers ------------------------------------------------------------------
// t (the running thread) stops running and waits (state). The operation
// ends with handOff or execBlock.
@inline function block(t: u32, state: u32): void {
  schedDequeue(t);
  tcb(t).state = state;
}

// A blocked thread gets `rax` and becomes runnable: at once if it
// outranks the running thread (execWake), or into its run queue when the
// running thread is itself blocking or stopping (the switch that ends the
// operation picks the best).
export function wake(t: u32, rax: i64): void {
  tcbSetReg(t, REG_RAX, <u64>rax);
  tcb(t).state = TS_INACTIVE;
  const cur = execCur;
  if (cur >= 0 && tcb(<u32>cur).state != TS_RUNNABLE) schedEnqueue(t);
  else execWake(t);
}

// The running thread has blocked; r (its registers set) runs next, unless
// a runnable thread outranks it (then r queues and the best runs).
function handOff(r: u32): void {
  tcb(r).state = TS_INACTIVE;
  const top = schedTopPriority();
  if (top < 0 || <i32>tcb(r).priority >= top) {
    execSwitchTo(r);
  } else {
    schedEnqueue(r);
    execBlock();
  }
}

// t's result, when it does not block.
@inline function result(t: u32, err: KErr): i64 {
  const v = -<i64>err;
  tcbSetReg(t, REG_RAX, <u64>v);
  return v;
}

// --- capabilities and memory of a thread ------------------------------------------------
export let capError: KErr = KErr.OK;

// The global slot id of capability `index` in thread t's CNode, if it has
// `type` (OBJ_NULL: any) and every right in `rights`; -1 with capError.
export function capLookup(t: u32, index: u64, type: u32, rights: u32): i32 {
  const th = tcb(t);
  if (th.cnode < 0 || !objRefValid(OBJ_CNODE, <u32>th.cnode, th.cnodeGen) || index >= <u64>CNODE_SLOTS) {
    capError = KErr.INVALID_SLOT;
    return -1;
  }
  const id = <u32>th.cnode * CNODE_SLOTS + <u32>index;
  const s = slot(id);
  if (s.type == <u8>OBJ_NULL) { capError = KErr.EMPTY_SLOT; return -1; }
  if (type != OBJ_NULL && <u32>s.type != type) { capError = KErr.WRONG_TYPE; return -1; }
  if ((<u32>s.rights & rights) != rights) { capError = KErr.INSUFFICIENT_RIGHTS; return -1; }
  return <i32>id;
}

// The thread's CNode index, or -1 (none, or gone).
@inline function cnodeOf(t: u32): i32 {
  const th = tcb(t);
  return th.cnode >= 0 && objRefValid(OBJ_CNODE, <u32>th.cnode, th.cnodeGen) ? th.cnode : -1;
}

// The thread's page tables (PML4), or 0 (none, or its address space is gone).
export function pml4Of(t: u32): u64 {
  const th = tcb(t);
  if (th.vspace < 0 || !objRefValid(OBJ_ADDRESS_SPACE, <u32>th.vspace, th.vspaceGen)) return 0;
  return objPhys(OBJ_ADDRESS_SPACE, <u32>th.vspace);
}

// The physical address of the user word at `va` of thread t's IPC buffer
// region, if mapped for the user (and writable when `write`); 0 if not.
function bufWord(t: u32, off: u64, write: bool): u64 {
  const b = tcb(t).ipcBuffer, pml4 = pml4Of(t);
  if (b == 0 || pml4 == 0) return 0;
  const va = b + off;
  if (va >= USER_TOP || vmLookup(pml4, va) != KErr.OK) return 0;
  const need: u32 = MAP_USER | (write ? MAP_WRITE : 0);
  if ((lookupRights & need) != need) return 0;
  return lookupPhys;
}

// The physical address of thread t's IPC buffer (its words 0..63: the
// buffer is 512-byte aligned, so they lie in one page) if that page is
// mapped for the user (and writable when `write`); 0 if not. seL4's way:
// resolved by one page walk, then kept in the TCB (bufPhys, bufRights)
// until any mapping anywhere goes away (paging.ts mapEpoch: vmUnmap,
// vspaceFree) or the thread is configured again (thread.ts), so a long
// message costs a compare, not a walk. Failures are not kept (a later
// map may make the buffer usable).
function bufBase(t: u32, write: bool): u64 {
  const th = tcb(t);
  if (th.bufEpoch != mapEpoch) {
    const b = th.ipcBuffer, pml4 = pml4Of(t);
    if (b == 0 || pml4 == 0 || b >= USER_TOP || vmLookup(pml4, b) != KErr.OK) return 0;
    th.bufPhys = lookupPhys;
    th.bufRights = lookupRights;
    th.bufEpoch = mapEpoch;
  }
  const need: u32 = MAP_USER | (write ? MAP_WRITE : 0);
  return (th.bufRights & need) == need ? th.bufPhys : 0;
}

// Are buffer words 4..len-1 of thread t readable (writable)?
@inline function bufWordsOk(t: u32, len: u32, write: bool): bool {
  return bufBase(t, write) != 0;
}

// Copy buffer words 4..len-1 from s to r (both buffers checked first).
// False when either buffer is not usable: nothing was copied.
function copyWords(s: u32, r: u32, len: u32): bool {
  const sb = bufBase(s, false);
  if (sb == 0) return false;
  const rb = bufBase(r, true);
  if (rb == 0) return false;
  phys_copy64(rb + 8 * <u64>MSG_REG_WORDS, sb + 8 * <u64>MSG_REG_WORDS, <u64>(len - MSG_REG_WORDS));
  return true;
}

// --- the message ---------------------------------------------------------------------------

// Decode a message thread t is about to send with `info`: length, caps
// field, the IPC buffer it needs, the capability it names. `grant`: its
// capability allows sending a capability. Changes nothing.
@inline function checkMessage(t: u32, info: u64, grant: bool): KErr {
  // length <= 4 and no capability (the common case): nothing to check.
  if ((info & 0x1FF) <= <u64>MSG_REG_WORDS) return KErr.OK;
  return checkLongMessage(t, info, grant);
}

function checkLongMessage(t: u32, info: u64, grant: bool): KErr {
  const len = <u32>(info & INFO_LENGTH_MASK);
  if (len > MAX_WORDS) return KErr.MSG_TOO_LONG;
  const caps = <u32>((info >> INFO_CAPS_SHIFT) & 3);
  if (caps > 1) return KErr.INVALID_ARGUMENT;
  if (len <= MSG_REG_WORDS && caps == 0) return KErr.OK;
  if (caps != 0 && !grant) return KErr.INSUFFICIENT_RIGHTS;
  if (len > MSG_REG_WORDS && !bufWordsOk(t, len, false)) return KErr.IPC_BUFFER;
  if (caps != 0) {
    const p = bufWord(t, IPCBUF_SEND_SLOT, false);
    if (p == 0) return KErr.IPC_BUFFER;
    const id = capLookup(t, phys_read64(p), OBJ_NULL, 0);
    if (id < 0) return capError;
    if (<u32>slot(<u32>id).type == OBJ_REPLY) return KErr.WRONG_TYPE; // reply capabilities are never copied
  }
  return KErr.OK;
}

// Copy the capability s names (buffer word 512) into r's CNode at the slot
// r names (its buffer word 520). KErr.OK or why not.
function transferCap(s: u32, r: u32): KErr {
  const sp = bufWord(s, IPCBUF_SEND_SLOT, false);
  const rp = bufWord(r, IPCBUF_RECV_SLOT, false);
  if (sp == 0 || rp == 0) return KErr.IPC_BUFFER;
  const sc = cnodeOf(s), rc = cnodeOf(r);
  if (sc < 0 || rc < 0) return KErr.INVALID_SLOT;
  const si = phys_read64(sp), ri = phys_read64(rp);
  if (si >= <u64>CNODE_SLOTS || ri == 0 || ri >= <u64>CNODE_SLOTS) return KErr.INVALID_SLOT;
  return capCopy(<u32>sc, <u32>si, <u32>rc, <u32>ri);
}

// Deliver the message of s (its saved registers and IPC buffer, or its
// fault record when SF_FAULT is in `flags`) to r: r's rax = 0, rdi =
// badge, rsi = the info it got, rdx..r9 = words 0..3 (0 beyond the
// length), buffer words 4.. and a capability when `flags` has SF_GRANT.
// Problems on r's side (buffer, receive slot) never fail the sender: the
// words beyond 4 are dropped (INFO_TRUNCATED), the capability stays
// behind (caps 0; buffer word 536 says why when r's header is writable).
function deliver(s: u32, r: u32, badge: u64, flags: u32): void {
  let info: u64, w0: u64, w1: u64, w2: u64, w3: u64;
  if ((flags & SF_FAULT) != 0) {
    const f = st(s);
    info = msgInfo(LABEL_FAULT, 4, 0);
    w0 = f.fault0; w1 = f.fault1; w2 = f.fault2; w3 = f.fault3;
  } else {
    info = tcbReg(s, REG_RSI);
    w0 = tcbReg(s, REG_RDX); w1 = tcbReg(s, REG_R10); w2 = tcbReg(s, REG_R8); w3 = tcbReg(s, REG_R9);
  }
  let len = <u32>(info & INFO_LENGTH_MASK);
  if (len > MAX_WORDS) len = MAX_WORDS; // checked at send; cannot happen
  let out = info & ~(<u64>0xFFFF);              // the label
  if (len > MSG_REG_WORDS && !copyWords(s, r, len)) {
    len = MSG_REG_WORDS;
    out |= INFO_TRUNCATED;
  }
  if (((info >> INFO_CAPS_SHIFT) & 3) == 1 && (flags & SF_GRANT) != 0) {
    const err = transferCap(s, r);
    if (err == KErr.OK) out |= <u64>1 << INFO_CAPS_SHIFT;
    const cnt = bufWord(r, IPCBUF_CAPS_RECEIVED, true), why = bufWord(r, IPCBUF_CAP_STATUS, true);
    if (cnt != 0) phys_write64(cnt, err == KErr.OK ? 1 : 0);
    if (why != 0) phys_write64(why, <u64>err);
  }
  if (ipcTraceMode != 0) ipcTraceMsg(s, r, badge, out | <u64>len, (flags & SF_CALL) != 0, (flags & SF_FAULT) != 0);
  tcbSetReg(r, REG_RAX, 0);
  tcbSetReg(r, REG_RDI, badge);
  tcbSetReg(r, REG_RSI, out | <u64>len);
  tcbSetReg(r, REG_RDX, len > 0 ? w0 : 0);
  tcbSetReg(r, REG_R10, len > 1 ? w1 : 0);
  tcbSetReg(r, REG_R8, len > 2 ? w2 : 0);
  tcbSetReg(r, REG_R9, len > 3 ? w3 : 0);
}

// --- callers ---------------------------------------------------------------------------------

// Does (c, gen, epoch) still name a thread waiting for that call's reply?
@inline function callerValid(c: u32, gen: u32, epoch: u32): bool {
  return objRefValid(OBJ_THREAD, c, gen) && tcb(c).state == TS_BLOCKED_REPLY && st(c).epoch == epoch;
}

// Server `srv` has received a call from `c`: c waits for the reply,
// `srv` holds it. An unanswered earlier call is dropped first.
function takeCall(srv: u32, c: u32, grant: bool): void {
  dropCaller(srv, KErr.CANCELLED);
  const cs = st(c);
  cs.epoch++;
  cs.flags = 0;
  tcb(c).state = TS_BLOCKED_REPLY;
  const s = st(srv);
  s.caller = c + 1;
  s.callerGen = objHeader(OBJ_THREAD, c).generation;
  s.callerEpoch = cs.epoch;
  s.callerGrant = grant ? 1 : 0;
}

// Forget srv's implicit caller; a caller still waiting is woken with `err`.
function dropCaller(srv: u32, err: KErr): void {
  const s = st(srv);
  if (s.caller == 0) return;
  const c = s.caller - 1;
  s.caller = 0;
  if (callerValid(c, s.callerGen, s.callerEpoch)) wake(c, -<i64>err);
}

// --- the operations ----------------------------------------------------------------------

// The thread at the head of endpoint e, if it is a partner for a sender
// (a receiver is waiting), or -1.
@inline function waitingReceiver(e: u32): i32 {
  return epState(e) == EP_RECV ? epTakeHead(e) : -1;
}

// send / nb_send / call on capability `index`: an endpoint (needs
// RIGHT_WRITE), a reply capability (answers its call; never blocks) or a
// notification (signal; not for call).
export function ipcSend(t: u32, index: u64, info: u64, blocking: bool, isCall: bool): i64 {
  const id = capLookup(t, index, OBJ_NULL, 0);
  if (id < 0) return result(t, capError);
  const c = slot(<u32>id);
  const type = <u32>c.type;
  if (type == OBJ_REPLY && !isCall) return replySend(t, <u32>id, info);
  if (type == OBJ_NOTIFICATION && !isCall) {
    if ((<u32>c.rights & RIGHT_WRITE) == 0) return result(t, KErr.INSUFFICIENT_RIGHTS);
    ntfnSignal(c.obj, c.badge);
    return result(t, KErr.OK);
  }
  if (type != OBJ_ENDPOINT) return result(t, KErr.WRONG_TYPE);
  if ((<u32>c.rights & RIGHT_WRITE) == 0) return result(t, KErr.INSUFFICIENT_RIGHTS);
  const grant = (<u32>c.rights & RIGHT_GRANT) != 0;
  const err = checkMessage(t, info, grant);
  if (err != KErr.OK) return result(t, err);
  const e = c.obj;
  const flags = (isCall ? SF_CALL : 0) | (grant ? SF_GRANT : 0);
  const r = waitingReceiver(e);
  if (r >= 0) {
    deliver(t, <u32>r, c.badge, flags);
    const rGrant = (st(<u32>r).flags & RF_GRANT) != 0;
    st(<u32>r).flags = 0;
    if (isCall) {
      block(t, TS_BLOCKED_REPLY);
      takeCall(<u32>r, t, rGrant);
      handOff(<u32>r); // the fast path: straight to the server
      return 0;
    }
    wake(<u32>r, 0);
    return result(t, KErr.OK);
  }
  if (!blocking) return result(t, KErr.WOULD_BLOCK);
  const s = st(t);
  s.badge = c.badge;
  s.flags = flags;
  block(t, TS_BLOCKED_SEND);
  epSend(e, t); // queues t (no receiver is waiting)
  execBlock();
  return 0;
}

// A sender s taken from an endpoint's queue has delivered to r: a caller
// now waits for r's reply, a faulted thread stays stopped, a plain sender
// goes on with rax = 0.
function senderDone(s: u32, r: u32, rFlags: u32): void {
  const f = st(s).flags;
  st(s).flags = 0;
  if ((f & SF_CALL) != 0) takeCall(r, s, (rFlags & RF_GRANT) != 0);
  else if ((f & SF_FAULT) != 0) tcb(s).state = TS_INACTIVE;
  else wake(s, 0);
}

// recv / nb_recv on endpoint capability `index` (needs RIGHT_READ). An
// unanswered call the thread still holds is dropped (its caller gets
// CANCELLED).
export function ipcRecv(t: u32, index: u64, blocking: bool): i64 {
  const id = capLookup(t, index, OBJ_ENDPOINT, RIGHT_READ);
  if (id < 0) return result(t, capError);
  dropCaller(t, KErr.CANCELLED);
  return recvOn(t, <u32>id, blocking, -1);
}

// Receive on the endpoint capability in slot id. `replied`: a caller t
// has just answered (its registers hold the reply), to be woken now: it
// runs next if t blocks (handOff).
function recvOn(t: u32, id: u32, blocking: bool, replied: i32): i64 {
  const c = slot(id);
  const e = c.obj;
  const rFlags = (<u32>c.rights & RIGHT_GRANT) != 0 ? RF_GRANT : 0;
  if (ntfnTakeBound(t)) { // the bound notification's bits come first (as in seL4)
    if (replied >= 0) wake(<u32>replied, 0);
    return 0;
  }
  if (epState(e) == EP_SEND) {
    const s = <u32>epTakeHead(e);
    deliver(s, t, st(s).badge, st(s).flags);
    senderDone(s, t, rFlags);
    if (replied >= 0) wake(<u32>replied, 0);
    return 0; // rax = 0 written by deliver
  }
  if (!blocking) return result(t, KErr.WOULD_BLOCK);
  st(t).flags = rFlags;
  block(t, TS_BLOCKED_RECV);
  epRecv(e, t); // queues t (no sender is waiting)
  if (replied >= 0) handOff(<u32>replied); // the fast path: straight back to the caller
  else execBlock();
  return 0;
}

// Answer the call t holds with the message in t's registers. Decode
// first: with a bad message nothing happens (the call stays held).
function replyTo(t: u32, info: u64): KErr {
  const s = st(t);
  if (s.caller == 0) return KErr.NO_CALLER;
  const c = s.caller - 1;
  if (!callerValid(c, s.callerGen, s.callerEpoch)) {
    s.caller = 0;
    return KErr.DEAD_PARTNER;
  }
  const err = checkMessage(t, info, s.callerGrant != 0);
  if (err != KErr.OK) return err;
  s.caller = 0;
  deliver(t, c, 0, s.callerGrant != 0 ? SF_GRANT : 0);
  wake(c, 0);
  return KErr.OK;
}

// reply: answer the held call.
export function ipcReply(t: u32, info: u64): i64 {
  return result(t, replyTo(t, info));
}

// reply_recv: answer the held call (if there is one and its caller still
// waits: a gone caller is skipped silently), then receive (blocking) on
// endpoint capability `index`. A bad receive capability or a bad reply
// message fails the whole operation before anything happens.
export function ipcReplyRecv(t: u32, index: u64, info: u64): i64 {
  const id = capLookup(t, index, OBJ_ENDPOINT, RIGHT_READ);
  if (id < 0) return result(t, capError);
  const s = st(t);
  let c: i32 = -1;
  if (s.caller != 0) {
    const cc = s.caller - 1;
    if (callerValid(cc, s.callerGen, s.callerEpoch)) {
      const err = checkMessage(t, info, s.callerGrant != 0);
      if (err != KErr.OK) return result(t, err);
      deliver(t, cc, 0, s.callerGrant != 0 ? SF_GRANT : 0);
      c = <i32>cc;
    }
    s.caller = 0;
  }
  return recvOn(t, <u32>id, true, c);
}

// call: send, then wait for the reply (ipcSend with isCall).
export function ipcCall(t: u32, index: u64, info: u64): i64 {
  return ipcSend(t, index, info, true, true);
}

// --- reply capabilities ------------------------------------------------------------------
// The reply object's record: the header, then the call it answers.
@unmanaged class ReplyObj {
  live: u32; capCount: u32; nextFree: i32; generation: u32;
  caller: u32;  // thread + 1, 0 = answered / none
  callerGen: u32;
  callerEpoch: u32;
  grant: u32;   // 1: the reply may carry a capability
}
@inline function replyObj(r: u32): ReplyObj { return changetype<ReplyObj>(objAddr(OBJ_REPLY, r)); }

// reply_save: move the held call into a new reply capability in slot
// `index` of t's CNode (which must be empty).
export function ipcReplySave(t: u32, index: u64): i64 {
  const s = st(t);
  if (s.caller == 0) return result(t, KErr.NO_CALLER);
  const c = s.caller - 1;
  if (!callerValid(c, s.callerGen, s.callerEpoch)) {
    s.caller = 0;
    return result(t, KErr.DEAD_PARTNER);
  }
  const cn = cnodeOf(t);
  if (cn < 0 || index >= <u64>CNODE_SLOTS) return result(t, KErr.INVALID_SLOT);
  const err = capCreate(OBJ_REPLY, <u32>cn, <u32>index, 0); // SLOT_OCCUPIED, OUT_OF_MEMORY
  if (err != KErr.OK) return result(t, err);
  const r = replyObj(<u32>createdObj);
  r.caller = s.caller;
  r.callerGen = s.callerGen;
  r.callerEpoch = s.callerEpoch;
  r.grant = s.callerGrant;
  s.caller = 0;
  return result(t, KErr.OK);
}

// send on a reply capability (slot id `id`): answer its call, then the
// capability is deleted. A caller that is gone: DEAD_PARTNER (the
// capability is deleted too: it can never answer anything).
function replySend(t: u32, id: u32, info: u64): i64 {
  const ro = slot(id).obj;
  const r = replyObj(ro);
  const cn = <u32>cnodeOf(t), index = id - cn * CNODE_SLOTS;
  if (r.caller == 0 || !callerValid(r.caller - 1, r.callerGen, r.callerEpoch)) {
    r.caller = 0;
    capDelete(cn, index);
    return result(t, KErr.DEAD_PARTNER);
  }
  const err = checkMessage(t, info, r.grant != 0);
  if (err != KErr.OK) return result(t, err);
  const c = r.caller - 1;
  r.caller = 0;
  deliver(t, c, 0, r.grant != 0 ? SF_GRANT : 0);
  wake(c, 0);
  capDelete(cn, index);
  return result(t, KErr.OK);
}

// fault.ts: stopped thread t sends its fault message on endpoint e with
// `badge` (a receiver waiting takes it now; otherwise t queues as a
// sender, TS_BLOCKED_SEND, and goes back to TS_INACTIVE when taken).
export function ipcFaultSend(t: u32, e: u32, badge: u64, kind: u64, error: u64, addr: u64, rip: u64): void {
  const s = st(t);
  s.fault0 = kind; s.fault1 = error; s.fault2 = addr; s.fault3 = rip;
  s.badge = badge;
  const r = waitingReceiver(e);
  if (r >= 0) {
    tcb(t).state = TS_INACTIVE;
    deliver(t, <u32>r, badge, SF_FAULT);
    st(<u32>r).flags = 0;
    wake(<u32>r, 0);
    return;
  }
  s.flags = SF_FAULT;
  epSend(e, t);
}

// --- objects and threads going away ----------------------------------------------------

// The last capability of reply object r is going: a caller still waiting
// for it will never get an answer (CANCELLED).
export function ipcReplyGone(r: u32): void {
  const x = replyObj(r);
  if (x.caller != 0 && callerValid(x.caller - 1, x.callerGen, x.callerEpoch)) wake(x.caller - 1, -<i64>KErr.CANCELLED);
  x.caller = 0;
}

// The last capability of endpoint e is going: every waiter is released,
// woken with CANCELLED (a faulted thread waiting to send its fault
// message just stays stopped).
export function ipcEndpointGone(e: u32): void {
  while (true) {
    const w = epTakeHead(e);
    if (w < 0) break;
    const f = st(<u32>w).flags;
    st(<u32>w).flags = 0;
    if ((f & SF_FAULT) != 0) tcb(<u32>w).state = TS_INACTIVE;
    else wake(<u32>w, -<i64>KErr.CANCELLED);
  }
}

// Thread t stops (suspend, fault, exit, restart): out of the run queues
// and of any endpoint or notification queue; a reply it waits for can no
// longer reach it (its state changes); a call it holds as a server is
// failed (its caller gets DEAD_PARTNER). Afterwards t is TS_INACTIVE.
export function ipcStop(t: u32): void {
  schedDequeue(t);
  epCancel(t);
  ntfnCancel(t);
  st(t).flags = 0;
  tcb(t).state = TS_INACTIVE; // first: the caller woken below must not see t as running
  dropCaller(t, KErr.DEAD_PARTNER);
}

// Thread t is being destroyed (its last capability is deleted).
export function ipcThreadGone(t: u32): void {
  ipcStop(t);
  ntfnUnbindThread(t);
  memory.fill(changetype<usize>(st(t)), 0, IPC_STATE_SIZE);
}

// For tests and debugging: the call thread t holds (caller + 1, 0: none).
export function ipcCallerOf(t: u32): u32 { return st(t).caller; }
