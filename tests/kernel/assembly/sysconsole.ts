// sysconsole.ts — AssemblyScript test entry for kernel/sys_console.ts,
// klog.ts and power.ts's \_S5_ search: the IPC entry (ipc.ts here, for
// processes whose buffers the calls write) plus those handlers, for
// ../sysconsole.test.ts.

export * from "./ipc";
import * as sc from "../../../kernel/sys_console";
import * as kl from "../../../kernel/klog";
import * as pw from "../../../kernel/power";
import * as mb from "../../../kernel/multiboot2";
import * as ip from "../../../kernel/initproc";

export function initSet(t: u32): void { ip.initSet(t); }
export function mb2Parse(phys: u64): bool { return mb.mb2Parse(phys); }
export function sysFbInfo(buf: u64): i64 { return sc.sysFbInfo(buf); }
export function sysKlogRead(buf: u64, len: u64, pos: u64): i64 { return sc.sysKlogRead(buf, len, pos); }
export function sysKlogWrite(buf: u64, len: u64): i64 { return sc.sysKlogWrite(buf, len); }
export function sysPower(op: u32): i64 { return sc.sysPower(op); }
export function klogPut(b: u8): void { kl.klogPut(b); }
export function klogHead(): u64 { return kl.klogHead; }
export function s5Search(d: u64): bool { return pw.s5Search(d); }
export function s5TypA(): u32 { return pw.s5TypA; }
export function s5TypB(): u32 { return pw.s5TypB; }

// Device memory mappings and their cache bits (../fbmap.test.ts).
import * as dma from "../../../kernel/sys_dma";
import * as pat from "../../../kernel/pat";
import { cpuIdentify } from "../../../kernel/cpu";
export function identifyCpu(): void { cpuIdentify(); }
export function patInit(): bool { return pat.patInit(); }
export function sysDevmemCreate(dst: u32, phys: u64, pages: u64): i64 { return dma.sysDevmemCreate(dst, phys, pages); }
export function sysMemMap(mem: u32, va: u64, rights: u32): i64 { return dma.sysMemMap(mem, va, rights); }
