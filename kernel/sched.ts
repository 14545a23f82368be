// sched.ts — the run queues: fixed priorities, round robin within one.
//
// 256 priorities (tcb.ts: 0 lowest, 255 highest), one doubly-linked FIFO
// of runnable threads per priority, threaded through the TCBs
// (schedNext/schedPrev), and a two-level bitmap of non-empty queues: one
// bit per priority in four 64-bit words, plus a 4-bit summary of non-empty
// words. The highest runnable priority is kept in `top`, found again with
// two count-leading-zeros when its queue empties: O(1), no loop over
// priorities.
//
// Only the queues live here; the policy is exec.ts's: the running thread
// is in no queue; when its timeslice ends or it yields it goes to the
// tail (schedEnqueue), when a higher priority preempts it to the head
// (schedEnqueueFront), so equal-priority threads take turns; the next to
// run is schedPick's head, taken out with schedDequeue.

import { tcb, PRIORITY_LEVELS, TS_RUNNABLE } from "./tcb";
import { objValid, OBJ_THREAD } from "./objects";
import { KErr } from "./errors";

const heads = memory.data(<i32>PRIORITY_LEVELS * 4, 4); // i32 thread index, -1 = empty
const tails = memory.data(<i32>PRIORITY_LEVELS * 4, 4);
const bitmap = memory.data(4 * 8, 8);                   // bit p%64 of word p/64
let summary: u32 = 0;                                   // bit w: bitmap word w != 0
let top: i32 = -1;  // the highest non-empty priority, -1: none (kept by markNonEmpty / markEmpty)

@inline function head(p: u32): i32 { return load<i32>(heads + (<usize>p << 2)); }
@inline function tail(p: u32): i32 { return load<i32>(tails + (<usize>p << 2)); }
@inline function setHead(p: u32, t: i32): void { store<i32>(heads + (<usize>p << 2), t); }
@inline function setTail(p: u32, t: i32): void { store<i32>(tails + (<usize>p << 2), t); }

function markNonEmpty(p: u32): void {
  const w = p >> 6;
  const a = bitmap + (<usize>w << 3);
  store<u64>(a, load<u64>(a) | (<u64>1 << (p & 63)));
  summary |= 1 << w;
  if (<i32>p > top) top = <i32>p;
}

function markEmpty(p: u32): void {
  const w = p >> 6;
  const a = bitmap + (<usize>w << 3);
  const v = load<u64>(a) & ~(<u64>1 << (p & 63));
  store<u64>(a, v);
  if (v == 0) summary &= ~(1 << w);
  if (<i32>p == top) top = bitmapTop();
}

// The highest priority with a bit in the bitmap, or -1: two clz.
function bitmapTop(): i32 {
  if (summary == 0) return -1;
  const w: u32 = 31 - clz(summary);
  const v = load<u64>(bitmap + (<usize>w << 3));
  return <i32>((w << 6) + (63 - <u32>clz(v)));
}

export function schedInit(): void {
  for (let p: u32 = 0; p < PRIORITY_LEVELS; p++) {
    setHead(p, -1);
    setTail(p, -1);
  }
  memory.fill(bitmap, 0, 32);
  summary = 0;
  top = -1;
}

// Decode for the enqueue operations.
function checkThread(t: u32): KErr {
  if (!objValid(OBJ_THREAD, t)) return KErr.WRONG_TYPE;
  if (tcb(t).queued != 0) return KErr.BUSY;
  if (tcb(t).priority >= PRIORITY_LEVELS) return KErr.INVALID_ARGUMENT;
  return KErr.OK;
}

// Make thread `t` runnable at the tail of its priority's queue.
export function schedEnqueue(t: u32): KErr {
  const err = checkThread(t);
  if (err != KErr.OK) return err;
  const x = tcb(t);
  const p = x.priority;
  const last = tail(p);
  x.schedPrev = last;
  x.schedNext = -1;
  if (last < 0) {
    setHead(p, <i32>t);
    markNonEmpty(p);
  } else {
    tcb(<u32>last).schedNext = <i32>t;
  }
  setTail(p, <i32>t);
  x.queued = 1;
  x.state = TS_RUNNABLE;
  return KErr.OK;
}

// Make thread `t` runnable at the head of its queue (it runs next at its
// priority: e.g. a thread preempted before its timeslice ended).
export function schedEnqueueFront(t: u32): KErr {
  const err = checkThread(t);
  if (err != KErr.OK) return err;
  const x = tcb(t);
  const p = x.priority;
  const first = head(p);
  x.schedNext = first;
  x.schedPrev = -1;
  if (first < 0) {
    setTail(p, <i32>t);
    markNonEmpty(p);
  } else {
    tcb(<u32>first).schedPrev = <i32>t;
  }
  setHead(p, <i32>t);
  x.queued = 1;
  x.state = TS_RUNNABLE;
  return KErr.OK;
}

// Take thread `t` out of its run queue (it blocks, stops or dies). The
// caller sets its new state. Not queued: a no-op.
export function schedDequeue(t: u32): void {
  if (!objValid(OBJ_THREAD, t)) return;
  const x = tcb(t);
  if (x.queued == 0) return;
  const p = x.priority;
  if (x.schedPrev < 0) setHead(p, x.schedNext);
  else tcb(<u32>x.schedPrev).schedNext = x.schedNext;
  if (x.schedNext < 0) setTail(p, x.schedPrev);
  else tcb(<u32>x.schedNext).schedPrev = x.schedPrev;
  if (head(p) < 0) markEmpty(p);
  x.schedNext = -1;
  x.schedPrev = -1;
  x.queued = 0;
}

// The highest priority with a runnable thread, or -1. (Kept up to date by
// every queue change, so that the IPC fast path's test, kernel/fastpath.ts,
// is one load.)
@inline export function schedTopPriority(): i32 {
  return top;
}

// The thread to run: the head of the highest non-empty queue, or -1 (idle).
export function schedPick(): i32 {
  const p = schedTopPriority();
  return p < 0 ? -1 : head(<u32>p);
}

// End of `t`'s timeslice: to the tail of its queue, behind its equals.
export function schedRotate(t: u32): void {
  if (!objValid(OBJ_THREAD, t) || tcb(t).queued == 0) return;
  schedDequeue(t);
  schedEnqueue(t);
}

// Change `t`'s priority, moving it between queues if it is queued (to the tail).
export function schedSetPriority(t: u32, priority: u32): KErr {
  if (!objValid(OBJ_THREAD, t)) return KErr.WRONG_TYPE;
  if (priority >= PRIORITY_LEVELS) return KErr.INVALID_ARGUMENT;
  const x = tcb(t);
  if (x.queued == 0) {
    x.priority = priority;
    return KErr.OK;
  }
  schedDequeue(t);
  x.priority = priority;
  return schedEnqueue(t);
}

// For tests: the thread after `t` in its queue, and the head of queue `p`.
export function schedNextOf(t: u32): i32 { return tcb(t).schedNext; }
export function schedHead(p: u32): i32 { return p < PRIORITY_LEVELS ? head(p) : -1; }
