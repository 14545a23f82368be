// systhread.ts — AssemblyScript test entry for kernel/sys_thread.ts (the
// thread system calls): the IPC entry (ipc.ts here: processes, messages)
// plus the four handlers, which act for the running thread (exec.ts
// execCur), for ../systhread.test.ts.

export * from "./ipc";
import * as st from "../../../kernel/sys_thread";

export function sysThreadCreate(dst: u32, space: u32, cnode: u32, ipcbuf: u32, entry: u64, stack: u64): i64 { return st.sysThreadCreate(dst, space, cnode, ipcbuf, entry, stack); }
export function sysThreadResume(thread: u32): i64 { return st.sysThreadResume(thread); }
export function sysThreadSuspend(thread: u32): i64 { return st.sysThreadSuspend(thread); }
export function sysThreadSetPriority(thread: u32, priority: u32): i64 { return st.sysThreadSetPriority(thread, priority); }
