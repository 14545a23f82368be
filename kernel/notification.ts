// notification.ts — notifications (asynchronous bit words) and the IRQs
// that signal them.
//
// A notification (objects.ts OBJ_NOTIFICATION, a 32-byte record of the
// pool in cap.ts) is a 64-bit word of bits and a FIFO of threads waiting
// for it to become non-zero:
//   signal  ORs the capability's badge into the word (1 for an unbadged
//           capability, so that a signal is never lost); if a thread
//           waits, the first one gets the word at once and it is cleared;
//   wait    returns the word and clears it; blocks while it is zero;
//   poll    returns the word (maybe 0) and clears it; never blocks.
// Results as for IPC (ipc.ts): rax = 0 or -KErr, rdi = the bits.
//
// IRQs: an IRQ handler capability (OBJ_IRQ_HANDLER, the capability holds
// the IRQ number) can be bound to a notification (irq_set_notification,
// with a notification capability that has RIGHT_WRITE; its badge is what
// the IRQ signals). irqNotify(irq), called by the interrupt dispatch
// (intdispatch.ts) for a device IRQ whose line interrupts.ts has masked,
// signals the bound notification; the line stays masked until the driver
// acknowledges it (irq_ack: interrupts.ts irqUnmask). Lines start masked:
// bind, then ack to enable.
//
// Bound notifications (seL4's): a thread may bind one notification
// (bind_notification, RIGHT_READ; a notification binds to one thread).
// Its receives on any endpoint then also return the notification: when
// the word is non-zero a receive takes it instead of a message (rax 0,
// rdi = the bits, rsi = label LABEL_NOTIFICATION, length 0), and a signal
// with nobody in wait wakes the bound thread out of its receive that way.
// A server can so wait for its clients and its IRQ at once.
//
// Waiters are linked through tables beside the TCBs (same index), not
// through the endpoint links, so a thread is in at most one queue of
// either kind and endpoint.ts needs to know nothing of notifications.

import { KErr } from "./errors";
import { objAddr, objValid, objRefValid, objHeader, OBJ_NOTIFICATION, OBJ_IRQ_HANDLER, OBJ_THREAD } from "./objects";
import { slot, CNODE_SLOTS, RIGHT_READ, RIGHT_WRITE } from "./cap";
import {
  tcb, tcbSetReg, MAX_THREADS, TS_INACTIVE, TS_BLOCKED_NOTIFY, TS_BLOCKED_RECV,
  REG_RAX, REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9,
} from "./tcb";
import { schedDequeue } from "./sched";
import { epCancel } from "./endpoint";
import { capLookup, capError, wake, st } from "./ipc";
import { LABEL_NOTIFICATION } from "./syscalls";
import { execBlock } from "./exec";
import { irqUnmask } from "./interrupts";

// The record: the common header, the queue (thread + 1, 0 = empty), the word.
@unmanaged class Ntfn {
  live: u32; capCount: u32; nextFree: i32; generation: u32;
  head: u32;
  tail: u32;
  word: u64;   // the same place as cap.ts's objWord
}
@inline function nt(n: u32): Ntfn { return changetype<Ntfn>(objAddr(OBJ_NOTIFICATION, n)); }

// Per thread: its links in a notification queue (thread + 1, 0 = none)
// and the notification it waits on (index + 1, generation).
@unmanaged class NtWait {
  next: u32;
  prev: u32;
  ntfn: u32;
  gen: u32;
}
const waits = memory.data(<i32>(MAX_THREADS * 16), 8);
@inline function wt(t: u32): NtWait { return changetype<NtWait>(waits + (<usize>t << 4)); }

export function ntfnInit(): void {
  memory.fill(waits, 0, <usize>MAX_THREADS * 16);
  memory.fill(threadBinds, 0, <usize>MAX_THREADS * 8);
  memory.fill(ntfnBinds, 0, <usize>BIND_NTFNS * 8);
  memory.fill(irqTable, 0, <usize>IRQ_COUNT * 16);
  memory.fill(irqMaskTable, 0, <usize>IRQ_COUNT * 4);
}

// --- the queue -------------------------------------------------------------------------------
function enqueue(n: u32, t: u32): void {
  const x = nt(n), w = wt(t);
  w.prev = x.tail;
  w.next = 0;
  if (x.tail == 0) x.head = t + 1;
  else wt(x.tail - 1).next = t + 1;
  x.tail = t + 1;
  w.ntfn = n + 1;
  w.gen = objHeader(OBJ_NOTIFICATION, n).generation;
}

function unlink(n: u32, t: u32): void {
  const x = nt(n), w = wt(t);
  if (w.prev == 0) x.head = w.next;
  else wt(w.prev - 1).next = w.next;
  if (w.next == 0) x.tail = w.prev;
  else wt(w.next - 1).prev = w.prev;
  w.next = 0;
  w.prev = 0;
  w.ntfn = 0;
}

// --- the operations --------------------------------------------------------------------------

// Signal notification n with `badge` (0 counts as 1).
export function ntfnSignal(n: u32, badge: u64): void {
  if (!objValid(OBJ_NOTIFICATION, n)) return;
  const x = nt(n);
  const bits = badge != 0 ? badge : 1;
  if (x.head != 0) {
    const t = x.head - 1;
    unlink(n, t);
    tcbSetReg(t, REG_RDI, x.word | bits);
    x.word = 0;
    wake(t, 0);
    return;
  }
  const b = boundThread(n);
  if (b >= 0 && tcb(<u32>b).state == TS_BLOCKED_RECV) {
    epCancel(<u32>b);         // out of its endpoint's queue
    st(<u32>b).flags = 0;
    deliverBits(<u32>b, x.word | bits);
    x.word = 0;
    wake(<u32>b, 0);
    return;
  }
  x.word |= bits;
}

// --- bound notifications ----------------------------------------------------------------------
@unmanaged class Bind { other: u32; gen: u32; } // the other side + 1 (0: none), its generation
// One entry per notification record: cap.ts MAX_NOTIFICATIONS (not
// importable here at compile time: cap.ts and this file import each
// other); ntfnSysBind refuses a notification beyond it.
const BIND_NTFNS: u32 = 512;
const threadBinds = memory.data(<i32>(MAX_THREADS * 8), 8);  // per thread: its notification
const ntfnBinds = memory.data(<i32>(BIND_NTFNS * 8), 8);      // per notification: its thread
@inline function threadBind(t: u32): Bind { return changetype<Bind>(threadBinds + (<usize>t << 3)); }
@inline function ntfnBind(n: u32): Bind { return changetype<Bind>(ntfnBinds + (<usize>n << 3)); }

// The live thread notification n is bound to, or -1.
function boundThread(n: u32): i32 {
  if (n >= BIND_NTFNS) return -1;
  const b = ntfnBind(n);
  if (b.other == 0 || !objRefValid(OBJ_THREAD, b.other - 1, b.gen)) return -1;
  return <i32>b.other - 1;
}

// The live notification thread t is bound to, or -1.
function boundNtfn(t: u32): i32 {
  const b = threadBind(t);
  if (b.other == 0 || !objRefValid(OBJ_NOTIFICATION, b.other - 1, b.gen)) return -1;
  return <i32>b.other - 1;
}

// The notification message: rax 0, rdi = bits, label LABEL_NOTIFICATION, no words.
function deliverBits(t: u32, bits: u64): void {
  tcbSetReg(t, REG_RAX, 0);
  tcbSetReg(t, REG_RDI, bits);
  tcbSetReg(t, REG_RSI, LABEL_NOTIFICATION << 16);
  tcbSetReg(t, REG_RDX, 0);
  tcbSetReg(t, REG_R10, 0);
  tcbSetReg(t, REG_R8, 0);
  tcbSetReg(t, REG_R9, 0);
}

// Has thread t a bound notification with bits set? (ipc.ts / fastpath.ts:
// then a receive does not block.)
export function ntfnBoundPending(t: u32): bool {
  const n = boundNtfn(t);
  return n >= 0 && nt(<u32>n).word != 0;
}

// Has thread t a notification bound (live or stale)? One load: the IPC
// fast path's first test, before ntfnBoundPending (fastpath.ts).
@inline export function ntfnBoundMaybe(t: u32): bool { return threadBind(t).other != 0; }

// A receive of thread t: if its bound notification has bits, t gets them
// as the notification message (cleared): true. (ipc.ts recvOn.)
export function ntfnTakeBound(t: u32): bool {
  const n = boundNtfn(t);
  if (n < 0) return false;
  const x = nt(<u32>n);
  if (x.word == 0) return false;
  deliverBits(t, x.word);
  x.word = 0;
  return true;
}

// Thread t forgets its bound notification (also when it is destroyed).
export function ntfnUnbindThread(t: u32): void {
  const n = boundNtfn(t);
  if (n >= 0 && <u32>n < BIND_NTFNS && ntfnBind(<u32>n).other == t + 1) ntfnBind(<u32>n).other = 0;
  threadBind(t).other = 0;
}

// bind_notification(slot): bind the notification (RIGHT_READ) to the
// calling thread t, replacing t's binding; a slot >= CNODE_SLOTS unbinds.
// BUSY if it is bound to another thread.
export function ntfnSysBind(t: u32, index: u64): i64 {
  if (index >= <u64>CNODE_SLOTS) {
    ntfnUnbindThread(t);
    return done(t, KErr.OK);
  }
  const id = capLookup(t, index, OBJ_NOTIFICATION, RIGHT_READ);
  if (id < 0) return done(t, capError);
  const n = slot(<u32>id).obj;
  if (n >= BIND_NTFNS) return done(t, KErr.INVALID_ARGUMENT);
  const other = boundThread(n);
  if (other >= 0 && <u32>other != t) return done(t, KErr.BUSY);
  ntfnUnbindThread(t);
  const tb = threadBind(t), nb = ntfnBind(n);
  tb.other = n + 1;
  tb.gen = objHeader(OBJ_NOTIFICATION, n).generation;
  nb.other = t + 1;
  nb.gen = objHeader(OBJ_THREAD, t).generation;
  return done(t, KErr.OK);
}

// Thread t takes the word of notification n (rdi; cleared), or waits for
// one (blocking) in FIFO order; t is the running thread.
function take(t: u32, n: u32, blocking: bool): i64 {
  const x = nt(n);
  if (x.word != 0 || !blocking) {
    tcbSetReg(t, REG_RDI, x.word);
    x.word = 0;
    tcbSetReg(t, REG_RAX, 0);
    return 0;
  }
  schedDequeue(t);
  tcb(t).state = TS_BLOCKED_NOTIFY;
  enqueue(n, t);
  execBlock(); // the best runnable thread runs (or the CPU idles)
  return 0;
}

function done(t: u32, err: KErr): i64 {
  tcbSetReg(t, REG_RAX, <u64>(-<i64>err));
  return -<i64>err;
}

// signal(slot): the notification capability needs RIGHT_WRITE.
export function ntfnSysSignal(t: u32, index: u64): i64 {
  const id = capLookup(t, index, OBJ_NOTIFICATION, RIGHT_WRITE);
  if (id < 0) return done(t, capError);
  ntfnSignal(slot(<u32>id).obj, slot(<u32>id).badge);
  return done(t, KErr.OK);
}

// wait(slot) / poll(slot): RIGHT_READ; the bits in rdi.
export function ntfnSysWait(t: u32, index: u64, blocking: bool): i64 {
  const id = capLookup(t, index, OBJ_NOTIFICATION, RIGHT_READ);
  if (id < 0) return done(t, capError);
  return take(t, slot(<u32>id).obj, blocking);
}

// Thread t stops waiting (it is stopped or deleted). True if it waited.
export function ntfnCancel(t: u32): bool {
  if (!objValid(OBJ_THREAD, t)) return false;
  const w = wt(t);
  if (w.ntfn == 0) return false;
  const n = w.ntfn - 1;
  if (!objRefValid(OBJ_NOTIFICATION, n, w.gen)) {
    w.ntfn = 0; w.next = 0; w.prev = 0;
    return false;
  }
  unlink(n, t);
  tcb(t).state = TS_INACTIVE;
  return true;
}

// The last capability of notification n is going: its waiters are woken
// with CANCELLED (IRQs bound to it see a stale generation).
export function ntfnGone(n: u32): void {
  if (n < BIND_NTFNS) ntfnBind(n).other = 0; // its thread's binding goes stale (generation)
  const x = nt(n);
  while (x.head != 0) {
    const t = x.head - 1;
    unlink(n, t);
    wake(t, -<i64>KErr.CANCELLED);
  }
  x.word = 0;
}

// For tests and debugging.
export function ntfnWord(n: u32): u64 { return nt(n).word; }
export function ntfnHead(n: u32): i32 { return <i32>nt(n).head - 1; }
export function ntfnWaitingOn(t: u32): i32 { return <i32>wt(t).ntfn - 1; }

// --- IRQs ----------------------------------------------------------------------------------------
export const IRQ_COUNT: u32 = 256;

@unmanaged class IrqState {
  ntfn: u32;     // notification + 1, 0 = none
  gen: u32;
  badge: u64;    // what the IRQ signals
}
@unmanaged class IrqFlags { enabled: u32; } // 0: masked (every line starts so)
const irqTable = memory.data(<i32>(IRQ_COUNT * 16), 8);
const irqMaskTable = memory.data(<i32>(IRQ_COUNT * 4), 4);
@inline function irqBinding(i: u32): IrqState { return changetype<IrqState>(irqTable + (<usize>i << 4)); }
@inline function irqState(i: u32): IrqFlags { return changetype<IrqFlags>(irqMaskTable + (<usize>i << 2)); }

// The line's state here, and the interrupt controller (interrupts.ts).
// interruptAccept has masked a device line already when irqNotify runs,
// so only irq_ack touches the controller: irqUnmask (false, and nothing
// done, without a controller, e.g. in the Node tests).
function lineMask(irq: u32): void { irqState(irq).enabled = 0; }
function lineUnmask(irq: u32): void { irqState(irq).enabled = 1; irqUnmask(irq); }

export function irqMasked(irq: u32): bool { return irq >= IRQ_COUNT || irqState(irq).enabled == 0; }
export let irqSignals: u64 = 0; // IRQs delivered to a notification (for tests and statistics)

// A device IRQ fired (called by the interrupt dispatch, before the EOI):
// mask the line until irq_ack and signal the bound notification. False
// when nothing is bound (the line stays masked).
export function irqNotify(irq: u32): bool {
  if (irq >= IRQ_COUNT) return false;
  lineMask(irq);
  const b = irqBinding(irq);
  if (b.ntfn == 0 || !objRefValid(OBJ_NOTIFICATION, b.ntfn - 1, b.gen)) return false;
  ntfnSignal(b.ntfn - 1, b.badge);
  irqSignals++;
  return true;
}

// irq_set_notification(irq slot, notification slot): bind the IRQ of the
// handler capability to the notification (needs RIGHT_WRITE: it will be
// signalled); a notification slot >= CNODE_SLOTS unbinds.
export function irqSysSetNotification(t: u32, irqIndex: u64, ntfnIndex: u64): i64 {
  const h = capLookup(t, irqIndex, OBJ_IRQ_HANDLER, 0);
  if (h < 0) return done(t, capError);
  const irq = slot(<u32>h).obj;
  if (irq >= IRQ_COUNT) return done(t, KErr.INVALID_ARGUMENT);
  const b = irqBinding(irq);
  if (ntfnIndex >= <u64>CNODE_SLOTS) {
    b.ntfn = 0;
    return done(t, KErr.OK);
  }
  const id = capLookup(t, ntfnIndex, OBJ_NOTIFICATION, RIGHT_WRITE);
  if (id < 0) return done(t, capError);
  const s = slot(<u32>id);
  b.ntfn = s.obj + 1;
  b.gen = objHeader(OBJ_NOTIFICATION, s.obj).generation;
  b.badge = s.badge;
  return done(t, KErr.OK);
}

// irq_ack(irq slot): the driver has handled the IRQ; unmask the line.
export function irqSysAck(t: u32, irqIndex: u64): i64 {
  const h = capLookup(t, irqIndex, OBJ_IRQ_HANDLER, 0);
  if (h < 0) return done(t, capError);
  const irq = slot(<u32>h).obj;
  if (irq >= IRQ_COUNT) return done(t, KErr.INVALID_ARGUMENT);
  lineUnmask(irq);
  return done(t, KErr.OK);
}
