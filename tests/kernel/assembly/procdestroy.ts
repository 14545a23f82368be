// procdestroy.ts — AssemblyScript test entry for the kernel bugs the
// syscall fuzzer found (servers/fuzz, issue 8): everything of exec.ts
// (processes, the execution model) plus the trap system call, for
// ../procdestroy.test.ts.

export * from "./exec";
import * as wu from "../../../kernel/wasm_user";
import * as exec from "../../../kernel/exec";

export function sysTrap(code: u32, rip: u64): i64 { return wu.sysTrap(code, rip); }
export function setExecCur(t: i32): void { exec.execCur = t; }
