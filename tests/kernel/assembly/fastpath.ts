// fastpath.ts — AssemblyScript test entry for kernel/fastpath.ts: the IPC
// entry (ipc.ts here) plus the fast path's two system calls and the
// generated dispatch (the general path boot/entry.asm would call), for
// ../fastpath.test.ts, which runs the same scenarios through both.

export * from "./ipc";
import * as fp from "../../../kernel/fastpath";
import * as dispatch from "../../../kernel/syscall_dispatch";

export function fastCall(): i64 { return fp.fastCall(); }
export function fastReplyRecv(): i64 { return fp.fastReplyRecv(); }
export function fastpathMisses(): u32 { return fp.fastpathMisses; }
export function syscallDispatch(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64): i64 {
  return dispatch.syscallDispatch(num, a0, a1, a2, a3, a4, a5);
}
