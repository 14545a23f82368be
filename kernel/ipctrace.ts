// ipctrace.ts — IPC tracing for the shell's `ipctrace on|off`: when on,
// every message ipc.ts delivers (deliver: calls, replies, faults; plain
// sends too in mode IPC_TRACE_ALL) is one console line
//   ipc: call shell -> serial badge 0x1 label 32 len 3
// (sender, receiver by process name, the badge the receiver sees, label,
// length in words). The fast path (fastpath.ts) steps aside while tracing
// is on, so every message goes through deliver. Switched by the
// ipc_trace system call, which only init may make (it checks the asking
// server's grant=trace in its manifest).

import { print, printChar, printDec, printHex, println } from "./print";
import { tcb, TS_BLOCKED_REPLY } from "./tcb";
import { strData, strLen } from "./strpool";
import { KErr } from "./errors";
import { callerIsInit } from "./initproc";

export const IPC_TRACE_OFF: u32 = 0;
export const IPC_TRACE_ON: u32 = 1;   // calls, replies, faults
export const IPC_TRACE_ALL: u32 = 2;  // and plain sends (ticks, pings)

export let ipcTraceMode: u32 = IPC_TRACE_OFF;

function name(t: u32): void {
  const s = <usize>tcb(t).name;
  if (s == 0) { print("thread "); printDec(t); return; }
  const p = strData(s), n = strLen(s);
  for (let i: u32 = 0; i < n; i++) printChar(load<u8>(p + i));
}

// Message of s delivered to r (before r's state changes): info as r gets it.
export function ipcTraceMsg(s: u32, r: u32, badge: u64, info: u64, isCall: bool, isFault: bool): void {
  const isReply = !isCall && !isFault && tcb(r).state == TS_BLOCKED_REPLY;
  if (ipcTraceMode == IPC_TRACE_ON && !isCall && !isFault && !isReply) return;
  print("ipc: ");
  print(isCall ? "call " : isFault ? "fault " : isReply ? "reply " : "send ");
  name(s); print(" -> "); name(r);
  print(" badge "); printHex(badge);
  print(" label "); printDec(info >> 16);
  print(" len "); printDec(info & 0x7F);
  println();
}

// ipc_trace(mode): 0 off, 1 calls/replies/faults, 2 everything. Init only.
export function sysIpcTrace(mode: u32): i64 {
  if (!callerIsInit()) return -<i64>KErr.INSUFFICIENT_RIGHTS;
  if (mode > IPC_TRACE_ALL) return -<i64>KErr.INVALID_ARGUMENT;
  ipcTraceMode = mode;
  return 0;
}
