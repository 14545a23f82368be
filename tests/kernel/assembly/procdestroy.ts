// procdestroy.ts — AssemblyScript test entry for the kernel bugs the
// syscall fuzzer found (servers/fuzz, issue 8): everything of exec.ts
// (processes, the execution model) plus the trap and proc_kill system
// calls, for ../procdestroy.test.ts.

export * from "./exec";
import * as wu from "../../../kernel/wasm_user";
import * as exec from "../../../kernel/exec";
import * as sp from "../../../kernel/sys_process";

export function sysTrap(code: u32, rip: u64): i64 { return wu.sysTrap(code, rip); }
export function setExecCur(t: i32): void { exec.execCur = t; }
export function sysProcKill(proc: u32): i64 { return sp.sysProcKill(proc); }
