// core.ts — AssemblyScript test entry for the kernel core: the frame
// allocator, page tables, kernel objects, capabilities and run queues.
// Thin wrappers around the kernel's own functions, for ../core.test.ts.

import "../../../kernel/panic";
import * as frames from "../../../kernel/frames";
import * as paging from "../../../kernel/paging";
import * as cap from "../../../kernel/cap";
import * as sched from "../../../kernel/sched";
import * as tcbs from "../../../kernel/tcb";
import * as objects from "../../../kernel/objects";
import { mb2Parse, mbImageStart, mbImageEnd, mbHasElfSections, mbHasLoadBase, mbLoadBase } from "../../../kernel/multiboot2";

// --- multiboot2 (the parts frames.ts uses) ---
export function parse(phys: u64): bool { return mb2Parse(phys); }
export function hasElfSections(): bool { return mbHasElfSections; }
export function elfImageStart(): u64 { return mbImageStart; }
export function elfImageEnd(): u64 { return mbImageEnd; }
export function hasLoadBase(): bool { return mbHasLoadBase; }
export function loadBase(): u64 { return mbLoadBase; }

// --- frames ---
export function framesInit(): void { frames.framesInit(); }
export function framesReset(): void { frames.framesReset(); }
export function framesAddRange(b: u64, e: u64): void { frames.framesAddRange(b, e); }
export function framesReserveRange(b: u64, e: u64): void { frames.framesReserveRange(b, e); }
export function framesTotal(): u64 { return frames.framesTotal; }
export function framesFree(): u64 { return frames.framesFree; }
export function frameAlloc(): u64 { return frames.frameAlloc(); }
export function framesAllocContig(n: u64, below: u64): u64 { return frames.framesAllocContig(n, below); } // sys_dma.ts (storage)
export function frameFree(p: u64): i32 { return frames.frameFree(p); }
export function frameIsFree(p: u64): bool { return frames.frameIsFree(p); }
export function imageStart(): u64 { return frames.imageStart; }
export function imageEnd(): u64 { return frames.imageEnd; }
export function imageFromElf(): bool { return frames.imageFromElf; }

// --- paging ---
export function pagingInit(pml4: u64): void { paging.pagingInit(pml4); }
export function vspaceCreate(): u64 { return paging.vspaceCreate(); }
export function vmMap(pml4: u64, va: u64, pa: u64, rights: u32): i32 { return paging.vmMap(pml4, va, pa, rights); }
export function vmUnmap(pml4: u64, va: u64): i32 { return paging.vmUnmap(pml4, va); }
export function vmLookup(pml4: u64, va: u64): i32 { return paging.vmLookup(pml4, va); }
export function lookupPhys(): u64 { return paging.lookupPhys; }
export function lookupRights(): u32 { return paging.lookupRights; }
export function vspaceFree(pml4: u64): i32 { return paging.vspaceFree(pml4); }
export function vmEnsureTable(pml4: u64, va: u64): i32 { return paging.vmEnsureTable(pml4, va); }

// --- objects and capabilities ---
export function objectsInit(): void { cap.objectsInit(); sched.schedInit(); }
export function cnodeCreateRoot(): i32 { return cap.cnodeCreateRoot(); }
export function capCreate(type: u32, cn: u32, i: u32, param: u64): i32 { return cap.capCreate(type, cn, i, param); }
export function createdObj(): i32 { return cap.createdObj; }
export function capCopy(sc: u32, si: u32, dc: u32, di: u32): i32 { return cap.capCopy(sc, si, dc, di); }
export function capMint(sc: u32, si: u32, dc: u32, di: u32, rights: u32, badge: u64): i32 { return cap.capMint(sc, si, dc, di, rights, badge); }
export function capMove(sc: u32, si: u32, dc: u32, di: u32): i32 { return cap.capMove(sc, si, dc, di); }
export function capDelete(cn: u32, i: u32): i32 { return cap.capDelete(cn, i); }
export function capRevoke(cn: u32, i: u32): i32 { return cap.capRevoke(cn, i); }
export function slotId(cn: u32, i: u32): i32 { return cap.slotId(cn, i); }
export function slotType(id: u32): u32 { return cap.slotType(id); }
export function slotRights(id: u32): u32 { return cap.slotRights(id); }
export function slotBadge(id: u32): u64 { return cap.slotBadge(id); }
export function slotObj(id: u32): u32 { return cap.slotObj(id); }
export function slotParent(id: u32): i32 { return cap.slotParent(id); }
export function descendants(id: u32): u32 { return cap.capDescendants(id); }
export function objValid(type: u32, i: u32): bool { return objects.objValid(type, i); }
export function objGeneration(type: u32, i: u32): u32 { return objects.objHeader(type, i).generation; }
export function objCapCount(type: u32, i: u32): u32 { return objects.objHeader(type, i).capCount; }
export function poolUsed(type: u32): u32 { return objects.poolUsedOf(type); }
export function objPhys(type: u32, i: u32): u64 { return cap.objPhys(type, i); }

// --- threads and run queues ---
export function tcbState(t: u32): u32 { return tcbs.tcb(t).state; }
export function tcbPriority(t: u32): u32 { return tcbs.tcb(t).priority; }
export function tcbSize(): u32 { return tcbs.TCB_SIZE; }
export function tcbSetReg(t: u32, r: i32, v: u64): void { tcbs.tcbSetReg(t, r, v); }
export function tcbReg(t: u32, r: i32): u64 { return tcbs.tcbReg(t, r); }
export function schedEnqueue(t: u32): i32 { return sched.schedEnqueue(t); }
export function schedEnqueueFront(t: u32): i32 { return sched.schedEnqueueFront(t); }
export function schedDequeue(t: u32): void { sched.schedDequeue(t); }
export function schedPick(): i32 { return sched.schedPick(); }
export function schedTopPriority(): i32 { return sched.schedTopPriority(); }
export function schedRotate(t: u32): void { sched.schedRotate(t); }
export function schedSetPriority(t: u32, p: u32): i32 { return sched.schedSetPriority(t, p); }
export function schedNextOf(t: u32): i32 { return sched.schedNextOf(t); }
export function schedHead(p: u32): i32 { return sched.schedHead(p); }

// --- mapping memory objects by capability ---
import * as mapping from "../../../kernel/mapping";
export function memMap(sc: u32, si: u32, mc: u32, mi: u32, va: u64, rights: u32): i32 { return mapping.memMap(sc, si, mc, mi, va, rights); }
export function memUnmap(mc: u32, mi: u32): i32 { return mapping.memUnmap(mc, mi); }
export function memMappedAt(mc: u32, mi: u32): u64 { return mapping.memMappedAt(mc, mi); }

// --- thread operations by capability ---
import * as thread from "../../../kernel/thread";
export function threadConfigure(cn: u32, t: u32, sp: u32, c: u32, ep: u32, ipc: u64): i32 { return thread.threadConfigure(cn, t, sp, c, ep, ipc); }
export function threadResume(cn: u32, t: u32): i32 { return thread.threadResume(cn, t); }
export function threadSuspend(cn: u32, t: u32): i32 { return thread.threadSuspend(cn, t); }
export function threadSetPriority(cn: u32, t: u32, p: u32): i32 { return thread.threadSetPriority(cn, t, p); }
export function tcbFaultBadge(t: u32): u64 { return tcbs.tcb(t).faultBadge; }
export function tcbIpcBuffer(t: u32): u64 { return tcbs.tcb(t).ipcBuffer; }
export function tcbFaultEp(t: u32): i32 { return tcbs.tcb(t).faultEp; }

// --- user programs: ELF images, user pointers ---
import * as elf from "../../../kernel/elf";
import * as uaccess from "../../../kernel/uaccess";
export function elfCheck(phys: u64, size: u64): u32 { return elf.elfCheck(phys, size); }
export function elfEntry(): u64 { return elf.elfEntry; }
export function elfLoad(pml4: u64, phys: u64): i32 { return elf.elfLoad(pml4, phys); }
export function userRangeCheck(pml4: u64, va: u64, len: u64, write: bool): i32 { return uaccess.userRangeCheck(pml4, va, len, write); }
export function copyFromUser(pml4: u64, dst: usize, va: u64, len: u64): i32 { return uaccess.copyFromUser(pml4, dst, va, len); }
export function copyToUser(pml4: u64, va: u64, src: usize, len: u64): i32 { return uaccess.copyToUser(pml4, va, src, len); }
const userScratch = memory.data(8192, 16);
export function userScratchAddr(): usize { return userScratch; }

// --- IPC endpoints: the wait queue and the register message ---
import * as endpoint from "../../../kernel/endpoint";
export function epSend(e: u32, t: u32): i32 { return endpoint.epSend(e, t); }
export function epRecv(e: u32, t: u32): i32 { return endpoint.epRecv(e, t); }
export function epPartner(): i32 { return endpoint.epPartner; }
export function epCancel(t: u32): bool { return endpoint.epCancel(t); }
export function epDestroy(e: u32): u32 { return endpoint.epDestroy(e); }
export function epState(e: u32): u32 { return endpoint.epState(e); }
export function epHead(e: u32): i32 { return endpoint.epHead(e); }
export function epCount(e: u32): u32 { return endpoint.epCount(e); }
export function epNextOf(t: u32): i32 { return endpoint.epNextOf(t); }
export function epWaitingOn(t: u32): i32 { return endpoint.epWaitingOn(t); }
export function epTransfer(src: u32, dst: u32): void { endpoint.epTransfer(src, dst); }
