// sys_process.ts — the system calls a supervisor needs (servers/init): make
// processes from boot modules, hand them capabilities, start, inspect and
// kill them; create kernel objects; and the small services of user-space
// drivers and the shell: I/O ports, the clock, one-shot timers, memory
// figures. Table: toolchain/src/abi/syscalls.ts (numbers 25..35); the
// dispatch is generated. kernel/README.md, "Processes and init".
//
// Authority. Whoever holds a process's thread capability controls it
// (proc_give / proc_start / proc_info / proc_kill take it). Making
// processes and creating objects (proc_spawn, obj_create) is the initial
// process's alone: the thread processStartAll made from the boot module
// named "init" (initStart below; initproc.ts remembers it by index and
// generation). A
// memory quota object could take that role later; nothing else changes.
//
// Init mode: when the boot modules include one named "init", the kernel
// starts ONLY init (at INIT_PRIORITY); init starts the rest by name from
// its manifest. Without it every module runs as before.
//
// Timers: one per thread (timer_set re-arms it); timersTick (from the
// timer interrupt) signals each expired one's notification with the
// capability's badge.

import { KErr } from "./errors";
import { println } from "./print";
import { capCopy, capCreate, capDelete, capMint, capMove, slot, slotId, CNODE_SLOTS, RIGHT_READ, RIGHT_WRITE } from "./cap";
import { objHeader, objRefValid, OBJ_ENDPOINT, OBJ_IO_PORTS, OBJ_IRQ_HANDLER, OBJ_NOTIFICATION, OBJ_THREAD } from "./objects";
import { tcb, tcbReg, MAX_THREADS, REG_SYSCALLS } from "./tcb";
import { execCur, execStop } from "./exec";
import { capError, capLookup } from "./ipc";
import { ntfnSignal } from "./notification";
import { processCreate, processDestroy, processStart, PROC_SLOT_THREAD } from "./process";
import { bootModule, mbModuleCount } from "./multiboot2";
import { strData, strLen } from "./strpool";
import { copyFromUser } from "./uaccess";
import { uptimeMs } from "./interrupts";
import { framesFree, framesTotal } from "./frames";
import { inb, inl, inw, outb, outl, outw } from "./x86";
import { INIT_PRIORITY, PROC_FIRST_FREE_SLOT } from "./syscalls";
import { initSet, isInit } from "./initproc";

// INIT_PRIORITY, PROC_FIRST_FREE_SLOT (slots 0..4 are process.ts's) and
// FAULT_EXIT (the fault kind of an exit: + status) are table constants.


@inline function err(e: KErr): i64 { return -<i64>e; }


// The caller's CNode (-1 if none).
function myCnode(): i32 {
  if (execCur < 0) return -1;
  const c = tcb(<u32>execCur).cnode;
  return c;
}

// --- init mode (processStartAll) -------------------------------------------------------

// If a boot module is named "init": make it the only process, at
// INIT_PRIORITY, and start it. Returns 1 then, -1 if there is no init.
export function initStart(): i32 {
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    if (!strIs(m.string, memory.data<u8>([0x69, 0x6E, 0x69, 0x74]), 4)) continue;
    const t = processCreate(<u64>m.start, <u64>(m.end - m.start), m.string, <u32>INIT_PRIORITY);
    if (t < 0) return -1;
    initSet(<u32>t);
    println("init: the only process the kernel starts; it starts the others");
    return processStart(<u32>t) == KErr.OK ? 1 : -1;
  }
  return -1;
}

function strIs(s: usize, p: usize, n: u32): bool {
  if (strLen(s) != n) return false;
  const d = strData(s);
  for (let i: u32 = 0; i < n; i++) if (load<u8>(d + i) != load<u8>(p + i)) return false;
  return true;
}

// --- processes --------------------------------------------------------------------------

const nameBuf = memory.data(64, 8);

// The thread of process capability `proc` in the caller's CNode (-1, with
// capError, if it is not a thread capability).
function procThread(proc: u32): i32 {
  const id = capLookup(<u32>execCur, proc, OBJ_THREAD, 0);
  if (id < 0) return -1;
  return <i32>slot(<u32>id).obj;
}

// proc_spawn(name, len, prio, dst, fault_ep, badge) -> the thread index.
export function sysProcSpawn(name: u64, len: u64, prio: u32, dst: u32, faultEp: u32, badge: u64): i64 {
  if (!isInit(execCur)) return err(KErr.INSUFFICIENT_RIGHTS);
  if (len == 0 || len > 64 || prio == 0 || <u64>prio >= INIT_PRIORITY) return err(KErr.INVALID_ARGUMENT);
  const cn = myCnode();
  const d = slotId(<u32>cn, dst);
  if (d < 0) return err(KErr.INVALID_SLOT);
  if (slot(<u32>d).type != 0) return err(KErr.SLOT_OCCUPIED);
  const fe = capLookup(<u32>execCur, faultEp, OBJ_ENDPOINT, RIGHT_WRITE);
  if (fe < 0) return err(capError);
  const e = copyFromUser(tcb(<u32>execCur).pml4, nameBuf, name, len);
  if (e != KErr.OK) return err(e);
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    if (!strIs(m.string, nameBuf, <u32>len)) continue;
    const t = processCreate(<u64>m.start, <u64>(m.end - m.start), m.string, prio);
    if (t < 0) return err(KErr.OUT_OF_MEMORY);
    const x = tcb(<u32>t);
    const ep = slot(<u32>fe).obj;
    x.faultEp = <i32>ep;
    x.faultEpGen = objHeader(OBJ_ENDPOINT, ep).generation;
    x.faultBadge = badge;
    // The caller's capability takes the original's place in the derivation
    // tree and the process's own becomes its child: a process cannot revoke
    // its supervisor's control (cap_revoke of its slot 2; found by the
    // syscall fuzzer, tests/kernel/procdestroy.test.ts).
    let ce = capMove(<u32>x.cnode, PROC_SLOT_THREAD, <u32>cn, dst);
    if (ce == KErr.OK) ce = capCopy(<u32>cn, dst, <u32>x.cnode, PROC_SLOT_THREAD);
    if (ce != KErr.OK) { processDestroy(<u32>t); capDelete(<u32>cn, dst); return err(ce); }
    return <i64>t;
  }
  return err(KErr.INVALID_ARGUMENT); // no such module
}

// proc_give(proc, src, dst, rights, badge): a child of the caller's
// capability src (fewer rights, a badge: as cap_mint) in slot dst of the
// process's CNode.
export function sysProcGive(proc: u32, src: u32, dst: u32, rights: u32, badge: u64): i64 {
  const t = procThread(proc);
  if (t < 0) return err(capError);
  const x = tcb(<u32>t);
  if (x.cnode < 0) return err(KErr.INVALID_ARGUMENT);
  if (<u64>dst < PROC_FIRST_FREE_SLOT || dst >= CNODE_SLOTS) return err(KErr.INVALID_SLOT);
  const cn = myCnode();
  return err(capMint(<u32>cn, src, <u32>x.cnode, dst, rights, badge));
}

// proc_start(proc): make its thread runnable.
export function sysProcStart(proc: u32): i64 {
  const t = procThread(proc);
  if (t < 0) return err(capError);
  if (tcb(<u32>t).cnode < 0) return err(KErr.INVALID_ARGUMENT);
  return err(processStart(<u32>t));
}

// proc_info(proc) -> state | priority << 8 | thread index << 16 | the
// low 32 bits of its count of system calls (tcb.ts REG_SYSCALLS) << 32.
export function sysProcInfo(proc: u32): i64 {
  const t = procThread(proc);
  if (t < 0) return err(capError);
  const x = tcb(<u32>t);
  return <i64>(<u64>x.state | (<u64>x.priority << 8) | (<u64>t << 16) | (tcbReg(<u32>t, REG_SYSCALLS) << 32));
}

// proc_kill(proc): stop the process and free it; the capability goes.
export function sysProcKill(proc: u32): i64 {
  const t = procThread(proc);
  if (t < 0) return err(capError);
  if (t == execCur) return err(KErr.INVALID_ARGUMENT);
  if (tcb(<u32>t).cnode < 0) return err(KErr.INVALID_ARGUMENT);
  // The capability last: were it the thread's last, its deletion would
  // already tear the process down (process.ts processOrphaned).
  execStop(<u32>t);
  processDestroy(<u32>t);
  capDelete(<u32>myCnode(), proc);
  return 0;
}

// obj_create(type, dst, param): a new endpoint (3), notification (4), IRQ
// handler (7, param = IRQ) or I/O port range (8, param = first | count << 16).
export function sysObjCreate(type: u32, dst: u32, param: u64): i64 {
  if (!isInit(execCur)) return err(KErr.INSUFFICIENT_RIGHTS);
  if (type != OBJ_ENDPOINT && type != OBJ_NOTIFICATION && type != OBJ_IRQ_HANDLER && type != OBJ_IO_PORTS) {
    return err(KErr.INVALID_ARGUMENT);
  }
  return err(capCreate(type, <u32>myCnode(), dst, param));
}

// --- I/O ports ----------------------------------------------------------------------------

// The checked port range of capability `ports` covering [port, port+width).
function portsCover(ports: u32, port: u32, width: u32, rights: u32): KErr {
  if (width != 1 && width != 2 && width != 4) return KErr.INVALID_ARGUMENT;
  const id = capLookup(<u32>execCur, ports, OBJ_IO_PORTS, rights);
  if (id < 0) return capError;
  const r = slot(<u32>id).obj;
  const first = r & 0xFFFF, count = r >> 16;
  if (port < first || port + width > first + count) return KErr.INSUFFICIENT_RIGHTS;
  return KErr.OK;
}

export function sysIoportIn(ports: u32, port: u32, width: u32): i64 {
  const e = portsCover(ports, port, width, RIGHT_READ);
  if (e != KErr.OK) return err(e);
  if (width == 1) return <i64>inb(<u16>port);
  if (width == 2) return <i64>inw(<u16>port);
  return <i64>inl(<u16>port);
}

export function sysIoportOut(ports: u32, port: u32, width: u32, value: u32): i64 {
  const e = portsCover(ports, port, width, RIGHT_WRITE);
  if (e != KErr.OK) return err(e);
  if (width == 1) outb(<u16>port, <u8>value);
  else if (width == 2) outw(<u16>port, <u16>value);
  else outl(<u16>port, value);
  return 0;
}

// --- time and memory -------------------------------------------------------------------------

export function sysClockMs(): i64 { return <i64>uptimeMs(); }

// Frames: free | total << 32.
export function sysMemFrames(): i64 { return <i64>(framesFree | (framesTotal << 32)); }

// Per thread: the armed timer's notification (index + 1, 0 = none), its
// generation, the badge and the deadline (ms).
const timerNtfn = memory.data(<i32>MAX_THREADS * 4, 4);
const timerGen = memory.data(<i32>MAX_THREADS * 4, 4);
const timerBadge = memory.data(<i32>MAX_THREADS * 8, 8);
const timerAt = memory.data(<i32>MAX_THREADS * 8, 8);
let timersArmed: u32 = 0;

// timer_set(ntfn, ms): in ms milliseconds, signal the notification (with
// the capability's badge); ms = 0 disarms. One timer per thread.
export function sysTimerSet(ntfn: u32, ms: u64): i64 {
  const t = <usize>execCur;
  const old = load<u32>(timerNtfn + (t << 2));
  if (ms == 0) {
    if (old != 0) { store<u32>(timerNtfn + (t << 2), 0); timersArmed--; }
    return 0;
  }
  const id = capLookup(<u32>execCur, ntfn, OBJ_NOTIFICATION, RIGHT_WRITE);
  if (id < 0) return err(capError);
  const s = slot(<u32>id);
  if (old == 0) timersArmed++;
  store<u32>(timerNtfn + (t << 2), s.obj + 1);
  store<u32>(timerGen + (t << 2), objHeader(OBJ_NOTIFICATION, s.obj).generation);
  store<u64>(timerBadge + (t << 3), s.badge);
  store<u64>(timerAt + (t << 3), uptimeMs() + ms);
  return 0;
}

// The timer interrupt (intdispatch.ts): signal every expired timer.
export function timersTick(): void {
  if (timersArmed != 0) timersExpire(uptimeMs());
}

// Signal every timer whose deadline is at or before `now` (ms).
export function timersExpire(now: u64): void {
  for (let t: usize = 0; t < <usize>MAX_THREADS; t++) {
    const n = load<u32>(timerNtfn + (t << 2));
    if (n == 0 || now < load<u64>(timerAt + (t << 3))) continue;
    store<u32>(timerNtfn + (t << 2), 0);
    timersArmed--;
    if (objRefValid(OBJ_NOTIFICATION, n - 1, load<u32>(timerGen + (t << 2)))) ntfnSignal(n - 1, load<u64>(timerBadge + (t << 3)));
  }
}
