// endpoint.ts — synchronous IPC endpoints: the wait queue (ipc.ts builds
// the operations on it).
//
// An endpoint (objects.ts type OBJ_ENDPOINT, a record of the endpoint pool
// in cap.ts) is, as in seL4, a rendezvous point with one FIFO of waiting
// threads, all of one kind: senders or receivers, never both (a sender
// meets a waiting receiver at once and vice versa, so the queue can hold
// only the kind that found nobody). Its state says which kind:
//   EP_IDLE   empty queue
//   EP_SEND   threads blocked in send/call (TS_BLOCKED_SEND)
//   EP_RECV   threads blocked in recv (TS_BLOCKED_RECV)
// The queue is threaded through the TCBs (tcb.ts epNext/epPrev); a
// blocked thread records the endpoint by (index, generation) in
// epWait/epWaitGen, so cancelling its wait (suspend, delete) needs no
// search. All operations are O(1) except epDestroy (one step per waiter).
//
// The operations here only decide who meets whom and keep the queue:
// ipc.ts moves the message (info word, words in registers and IPC
// buffers, badge, a capability), and blocks and wakes threads, with
// errors for the waiters of a deleted endpoint (ipcEndpointGone).
// epTransfer is the first step's register-only copy (rsi, rdx, r10, r8,
// r9), kept for usermode.ts's call / reply_recv until ipc.ts replaces it.

import { KErr } from "./errors";
import { objValid, objRefValid, objHeader, OBJ_ENDPOINT, OBJ_THREAD } from "./objects";
import { endpointPool, SMALL_RECORD } from "./cap";
import {
  tcb, tcbReg, tcbSetReg, TS_BLOCKED_RECV, TS_BLOCKED_SEND, TS_INACTIVE,
  REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9,
} from "./tcb";

export const EP_IDLE: u32 = 0;
export const EP_SEND: u32 = 1;
export const EP_RECV: u32 = 2;

// The endpoint record: the common header, then the queue (fits the
// 32-byte records of the endpoint pool).
@unmanaged export class Endpoint {
  live: u32; capCount: u32; nextFree: i32; generation: u32;
  state: u32;
  head: i32;   // thread index, -1 = empty
  tail: i32;
  count: u32;  // waiters in the queue
}

// A constant base (the pool is always cap.ts's endpointPool): no pool-table loads.
@inline export function ep(index: u32): Endpoint {
  return changetype<Endpoint>(endpointPool + <usize>index * SMALL_RECORD);
}

// A freshly created endpoint: idle, empty (objAlloc zeroes the record, so
// the links must be set to -1). cap.ts calls it when it creates one.
export function epInit(e: u32): void {
  const x = ep(e);
  x.state = EP_IDLE;
  x.head = -1;
  x.tail = -1;
  x.count = 0;
}

export function epState(e: u32): u32 { return ep(e).state; }
export function epHead(e: u32): i32 { return ep(e).head; }
export function epCount(e: u32): u32 { return ep(e).count; }
export function epNextOf(t: u32): i32 { return tcb(t).epNext; }
export function epWaitingOn(t: u32): i32 { return tcb(t).epWait; }

// Append thread t to e's queue, blocked in `threadState`.
@inline function enqueue(e: u32, t: u32, epState: u32, threadState: u32): void {
  const x = ep(e), th = tcb(t);
  th.epPrev = x.tail;
  th.epNext = -1;
  if (x.tail < 0) x.head = <i32>t;
  else tcb(<u32>x.tail).epNext = <i32>t;
  x.tail = <i32>t;
  x.count++;
  x.state = epState;
  th.epWait = <i32>e;
  th.epWaitGen = objHeader(OBJ_ENDPOINT, e).generation;
  th.state = threadState;
}

// Unlink thread t from e's queue (it must be in it).
@inline function unlink(e: u32, t: u32): void {
  const x = ep(e), th = tcb(t);
  if (th.epPrev < 0) x.head = th.epNext;
  else tcb(<u32>th.epPrev).epNext = th.epNext;
  if (th.epNext < 0) x.tail = th.epPrev;
  else tcb(<u32>th.epNext).epPrev = th.epPrev;
  th.epNext = -1;
  th.epPrev = -1;
  th.epWait = -1;
  x.count--;
  if (x.head < 0) x.state = EP_IDLE;
}

// Checks shared by send and recv: a live endpoint, a live thread that
// waits on nothing.
@inline function check(e: u32, t: u32): KErr {
  if (!objValid(OBJ_ENDPOINT, e)) return KErr.WRONG_TYPE;
  if (!objValid(OBJ_THREAD, t)) return KErr.WRONG_TYPE;
  if (tcb(t).epWait >= 0 || tcb(t).queued != 0) return KErr.BUSY;
  return KErr.OK;
}

// The result of epSend/epRecv besides the error: the partner met (a
// thread index, now out of the queue, for the caller to transfer to/from
// and wake), or -1 when `t` was queued and blocked.
export let epPartner: i32 = -1;

// Thread t sends (or calls) on e. A waiting receiver is taken from the
// head (epPartner); otherwise t joins the senders, TS_BLOCKED_SEND. `t`
// must not be running in a run queue (the caller dequeues it first).
@inline export function epSend(e: u32, t: u32): KErr {
  epPartner = -1;
  const err = check(e, t);
  if (err != KErr.OK) return err;
  const x = ep(e);
  if (x.state == EP_RECV) {
    const r = <u32>x.head;
    unlink(e, r);
    tcb(r).state = TS_INACTIVE; // the caller makes it runnable or switches to it
    epPartner = <i32>r;
    return KErr.OK;
  }
  enqueue(e, t, EP_SEND, TS_BLOCKED_SEND);
  return KErr.OK;
}

// Thread t receives on e: a waiting sender is taken from the head
// (epPartner); otherwise t joins the receivers, TS_BLOCKED_RECV.
@inline export function epRecv(e: u32, t: u32): KErr {
  epPartner = -1;
  const err = check(e, t);
  if (err != KErr.OK) return err;
  const x = ep(e);
  if (x.state == EP_SEND) {
    const s = <u32>x.head;
    unlink(e, s);
    tcb(s).state = TS_INACTIVE;
    epPartner = <i32>s;
    return KErr.OK;
  }
  enqueue(e, t, EP_RECV, TS_BLOCKED_RECV);
  return KErr.OK;
}

// Take the thread at the head of e's queue out of it (state TS_INACTIVE:
// the caller delivers to it and wakes or blocks it); its index, or -1
// when the queue is empty. ipc.ts decides with epState whether the head is
// a partner for it.
@inline export function epTakeHead(e: u32): i32 {
  const x = ep(e);
  const h = x.head;
  if (h < 0) return -1;
  unlink(e, <u32>h);
  tcb(<u32>h).state = TS_INACTIVE;
  return h;
}

// Take t out of whatever endpoint queue it waits in (suspend, thread
// deletion). True if it was waiting. A stale endpoint reference (the
// endpoint was destroyed and its waiters released) just clears the link.
export function epCancel(t: u32): bool {
  if (!objValid(OBJ_THREAD, t)) return false;
  const th = tcb(t);
  if (th.epWait < 0) return false;
  const e = <u32>th.epWait;
  if (!objRefValid(OBJ_ENDPOINT, e, th.epWaitGen)) {
    th.epWait = -1; th.epNext = -1; th.epPrev = -1;
    return false;
  }
  unlink(e, t);
  th.state = TS_INACTIVE;
  return true;
}

// The endpoint is going away: release every waiter (they become inactive;
// with the syscall path they will be woken with an error). The number of
// threads released.
export function epDestroy(e: u32): u32 {
  if (!objValid(OBJ_ENDPOINT, e)) return 0;
  let n: u32 = 0;
  while (ep(e).head >= 0) {
    const t = <u32>ep(e).head;
    unlink(e, t);
    tcb(t).state = TS_INACTIVE;
    n++;
  }
  return n;
}

// The message in registers: label + 4 words, from `src`'s saved registers
// to `dst`'s (the registers the receiver sees when it resumes).
@inline export function epTransfer(src: u32, dst: u32): void {
  tcbSetReg(dst, REG_RSI, tcbReg(src, REG_RSI));
  tcbSetReg(dst, REG_RDX, tcbReg(src, REG_RDX));
  tcbSetReg(dst, REG_R10, tcbReg(src, REG_R10));
  tcbSetReg(dst, REG_R8, tcbReg(src, REG_R8));
  tcbSetReg(dst, REG_R9, tcbReg(src, REG_R9));
}
