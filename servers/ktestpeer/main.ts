// main.ts — servers/ktestpeer: the helper process of the in-OS test suite
// (servers/ktest). ktest spawns it (proc_spawn, faults to ktest's fault
// endpoint), gives it capabilities in the slots of servers/ktest/proto.ts
// and sends it commands (message labels C_*) on its endpoint: echo
// messages (also 64 words through the IPC buffers), report badges and
// received capabilities, signal and wait on notifications across address
// spaces, call ktest back (replies, reply_recv, reply_save, cancelled
// calls), die holding a call (exit), trap (unreachable, division by zero,
// out-of-bounds memory, stack exhaustion), try the init-only calls, and
// drop its IPC buffer. It prints nothing unless something is wrong.

import {
  sysRecv, sysReply, sysSignal, sysWait, sysCall, sysSend, sysExit, sysYield, sysCapDelete, sysObjCreate, sysProcSpawn,
  sysIpcTrace, sysIoportIn, sysClockMs, sysDevmemCreate, sysPower, RecvOut, WaitOut, CallOut,
} from "../lib/sys";
import { msgInfo, infoLabel, infoLength, infoCaps, msgWord, setMsgWord, setRecvSlot, capsReceived, capStatus } from "../lib/msg";
import { println, printDec } from "../lib/print";
import {
  P_EP, P_NTFN, P_BACK, P_WAITN, P_RECV_SLOT, C_ECHO, C_BADGE, C_CAP, C_SIGNAL, C_WAIT, C_CALLBACK, C_EXIT, C_TRAP,
  C_DIV0, C_OOB, C_STACK, C_NOTINIT, C_NOTINIT2, C_DROPBUF, C_YIELD, C_CALL_CANCEL, C_RESULT, C_CALLBACK_REPLY,
} from "../ktest/proto";

const m = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const c = changetype<CallOut>(memory.data(offsetof<CallOut>(), 8));
const w = changetype<WaitOut>(memory.data(offsetof<WaitOut>(), 8));
const name = memory.data<u8>([0x6B, 0x74, 0x65, 0x73, 0x74, 0x70, 0x65, 0x65, 0x72]); // "ktestpeer"
let sink: u64 = 0;

function recurse(n: u64): u64 {
  // Not a tail call: each level keeps a frame.
  if (n == 0) return sink;
  return recurse(n + 1) + n;
}

function reply1(label: u64, w0: u64, w1: u64 = 0, w2: u64 = 0, w3: u64 = 0): void {
  sysReply(msgInfo(label, 4), w0, w1, w2, w3);
}

setRecvSlot(P_RECV_SLOT);
while (true) {
  const r = sysRecv(P_EP, changetype<usize>(m));
  if (r != 0) {
    println("ktestpeer: FAILED: recv returned ");
    printDec(<u64>(-r));
    sysExit(99);
  }
  const label = infoLabel(m.info);
  const zero = <u64>sysClockMs() & 0; // a 0 the optimizer cannot see
  if (label == C_ECHO) {
    const n = infoLength(m.info);
    for (let i: u32 = 4; <u64>i < n; i++) setMsgWord(i, msgWord(i) + 1);
    sysReply(msgInfo(label, n), m.w0 + 1, m.w1 + 1, m.w2 + 1, m.w3 + 1);
  } else if (label == C_BADGE) {
    reply1(label, m.badge, m.w0);
  } else if (label == C_CAP) {
    const got = capsReceived(), status = capStatus(), caps = infoCaps(m.info);
    const sig = got == 1 ? sysSignal(P_RECV_SLOT) : 1;
    sysCapDelete(P_RECV_SLOT);
    reply1(label, got, status, caps, <u64>sig);
  } else if (label == C_SIGNAL) {
    const s = sysSignal(P_NTFN);
    reply1(label, <u64>s);
  } else if (label == C_WAIT) {
    const s = sysWait(P_WAITN, changetype<usize>(w));
    sysCall(P_BACK, msgInfo(C_WAIT, 2), w.bits, <u64>s, 0, 0, changetype<usize>(c));
  } else if (label == C_CALLBACK) {
    let s = sysCall(P_BACK, msgInfo(C_CALLBACK_REPLY, 1), 1, 0, 0, 0, changetype<usize>(c));
    const first = s == 0 ? c.w0 : 0;
    s = sysCall(P_BACK, msgInfo(C_CALLBACK_REPLY, 1), first + 1, 0, 0, 0, changetype<usize>(c));
    sysSend(P_BACK, msgInfo(C_RESULT, 2), s == 0 ? c.w0 : 0, <u64>(-s), 0, 0);
  } else if (label == C_CALL_CANCEL) {
    const s = sysCall(P_BACK, msgInfo(C_CALLBACK_REPLY, 1), 1, 0, 0, 0, changetype<usize>(c));
    sysSend(P_BACK, msgInfo(C_RESULT, 1), <u64>(-s), 0, 0, 0);
  } else if (label == C_EXIT) {
    sysExit(m.w0);
  } else if (label == C_TRAP) {
    unreachable();
  } else if (label == C_DIV0) {
    sink = (sink + 7) / zero;
    reply1(label, sink);
  } else if (label == C_OOB) {
    sink = <u64>load<u8>((<usize>memory.size() << 16) + 0x1000 + <usize>zero);
    reply1(label, sink);
  } else if (label == C_STACK) {
    sink = recurse(1 + zero);
    reply1(label, sink);
  } else if (label == C_NOTINIT) {
    const a = sysObjCreate(3, 20, 0);
    const b = sysProcSpawn(name, 9, 100, 21, P_EP, 0);
    const d = sysIpcTrace(0);
    const e = sysIoportIn(22, 0x3F8, 1);
    reply1(label, <u64>(-a), <u64>(-b), <u64>(-d), <u64>(-e));
  } else if (label == C_NOTINIT2) {
    const a = sysDevmemCreate(20, 0xB8000, 1);
    const b = sysPower(0);
    reply1(label, <u64>(-a), <u64>(-b));
  } else if (label == C_DROPBUF) {
    reply1(label, <u64>sysCapDelete(4));
  } else if (label == C_YIELD) {
    reply1(label, <u64>sysYield());
  } else {
    reply1(0xBAD, label);
  }
}
