// memcopy.ts — AssemblyScript test entry for kernel/sys_memcopy.ts: the IPC
// entry (ipc.ts: processes, capability calls) plus mem_copy and the calls
// that make memory objects, for ../memcopy.test.ts.

export * from "./ipc";
import * as dma from "../../../kernel/sys_dma";
import * as mc from "../../../kernel/sys_memcopy";
import * as ip from "../../../kernel/initproc";

export function initSet(t: u32): void { ip.initSet(t); }
export function sysDmaAlloc(dst: u32, pages: u64): i64 { return dma.sysDmaAlloc(dst, pages); }
export function sysDevmemCreate(dst: u32, phys: u64, pages: u64): i64 { return dma.sysDevmemCreate(dst, phys, pages); }
export function sysMemCopy(dst: u32, dstOff: u64, src: u32, srcOff: u64, len: u64): i64 { return mc.sysMemCopy(dst, dstOff, src, srcOff, len); }
