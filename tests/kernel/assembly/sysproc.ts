// sysproc.ts — AssemblyScript test entry for kernel/sys_process.ts and
// kernel/ipctrace.ts (the system calls of servers/init): the IPC entry
// (ipc.ts here, for processes and messages) plus those handlers, which act
// for the running thread (exec.ts execCur), for ../sysproc.test.ts.

export * from "./ipc";
import * as sp from "../../../kernel/sys_process";
import * as tr from "../../../kernel/ipctrace";
import * as ip from "../../../kernel/initproc";

export function initSet(t: u32): void { ip.initSet(t); }
export function sysProcGive(proc: u32, src: u32, dst: u32, rights: u32, badge: u64): i64 { return sp.sysProcGive(proc, src, dst, rights, badge); }
export function sysProcStart(proc: u32): i64 { return sp.sysProcStart(proc); }
export function sysProcInfo(proc: u32): i64 { return sp.sysProcInfo(proc); }
export function sysObjCreate(type: u32, dst: u32, param: u64): i64 { return sp.sysObjCreate(type, dst, param); }
export function sysIoportIn(ports: u32, port: u32, width: u32): i64 { return sp.sysIoportIn(ports, port, width); }
export function sysIoportOut(ports: u32, port: u32, width: u32, value: u32): i64 { return sp.sysIoportOut(ports, port, width, value); }
export function sysTimerSet(ntfn: u32, ms: u64): i64 { return sp.sysTimerSet(ntfn, ms); }
export function timersExpire(now: u64): void { sp.timersExpire(now); }
export function sysMemFrames(): i64 { return sp.sysMemFrames(); }
export function sysIpcTrace(mode: u32): i64 { return tr.sysIpcTrace(mode); }
