// wasmuser.ts — AssemblyScript test entry for kernel/wasm_user.ts (the
// memory_grow system call of AssemblyScript user programs, the Wasm
// traps among their faults), with the
// frame allocator and page tables it works on. For ../wasm_user.test.ts.

import "../../../kernel/panic";
import * as frames from "../../../kernel/frames";
import * as paging from "../../../kernel/paging";
import { sysMemoryGrow, wasmFaultCode, wasmMemoryRelease } from "../../../kernel/wasm_user";
import { syscallDispatch } from "../../../kernel/syscall_dispatch";

export function framesReset(): void { frames.framesReset(); }
export function framesAddRange(b: u64, e: u64): void { frames.framesAddRange(b, e); }
export function framesFree(): u64 { return frames.framesFree; }
export function pagingInit(p: u64): void { paging.pagingInit(p); }
export function vspaceCreate(): u64 { return paging.vspaceCreate(); }
export function vmMap(pml4: u64, va: u64, pa: u64, rights: u32): i32 { return paging.vmMap(pml4, va, pa, rights); }
export function vmLookup(pml4: u64, va: u64): i32 { return paging.vmLookup(pml4, va); }
export function lookupPhys(): u64 { return paging.lookupPhys; }
export function lookupRights(): u32 { return paging.lookupRights; }
export function memoryGrow(pages: u64, delta: u64): i64 { return sysMemoryGrow(pages, delta); }
export function dispatch(num: u64, a0: u64, a1: u64): i64 { return syscallDispatch(num, a0, a1, 0, 0, 0, 0); }
export function faultCode(pml4: u64, vector: u64, addr: u64): u32 { return wasmFaultCode(pml4, vector, addr); }
export function memoryRelease(pml4: u64): void { wasmMemoryRelease(pml4); }
