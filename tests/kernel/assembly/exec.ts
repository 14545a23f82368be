// exec.ts — AssemblyScript test entry for the execution model: everything
// of core.ts, plus kernel/exec.ts (who runs: switch, block, wake, yield,
// tick, stop) and kernel/process.ts (a process from an ELF image, its exit
// and teardown), for ../exec.test.ts.

export * from "./core";
import * as exec from "../../../kernel/exec";
import * as proc from "../../../kernel/process";
import * as tcbs from "../../../kernel/tcb";
import * as objects from "../../../kernel/objects";
import * as ipc from "../../../kernel/ipc";

export function execCur(): i32 { return exec.execCur; }
export function execSwitchTo(t: u32): void { exec.execSwitchTo(t); }
export function execBlock(): void { exec.execBlock(); }
export function execWake(t: u32): void { exec.execWake(t); }
export function execYield(): void { exec.execYield(); }
export function execTick(): void { exec.execTick(); }
export function execStop(t: u32): void { exec.execStop(t); }
export function execSpace(): u64 { return exec.execSpace(); }
export function timesliceTicks(): u32 { return exec.TIMESLICE_TICKS; }
export function tcbBlock(t: u32, state: u32): void { tcbs.tcb(t).state = state; }
export function tcbQueued(t: u32): u32 { return tcbs.tcb(t).queued; }
export function tcbPml4(t: u32): u64 { return tcbs.tcb(t).pml4; }
export function tcbRegsAddr(t: u32): usize { return changetype<usize>(tcbs.tcb(t)) + tcbs.TCB_REGS_OFFSET; }
export function tcbIpcBuffer(t: u32): u64 { return tcbs.tcb(t).ipcBuffer; }
export function poolUsed(type: u32): u32 { return objects.poolUsedOf(type); }
export function ipcCallerOf(t: u32): u32 { return ipc.ipcCallerOf(t); }

export function processCreate(phys: u64, size: u64, priority: u32): i32 { return proc.processCreate(phys, size, 0, priority); }
export function processStart(t: u32): i32 { return proc.processStart(t); }
export function processExit(t: u32, status: u64): void { proc.processExit(t, status); }
export function processDestroy(t: u32): bool { return proc.processDestroy(t); }
export function tcbCnode(t: u32): i32 { return tcbs.tcb(t).cnode; }
export function execFpuTrap(): bool { return exec.execFpuTrap(); }
export function tcbFpu(t: u32): u32 { return tcbs.tcb(t).fpu; }
