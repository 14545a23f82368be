// procdestroy.test.ts — the kernel bugs found by the syscall fuzzer
// (servers/fuzz, issue 8), each as the sequence that broke the kernel, on
// the simulated machine:
//  1. a process that moved its address-space capability out of slot 3
//     (cap_move) was torn down by deleting the space first and then walking
//     its freed page tables for the image frames (QEMU: a kernel page fault
//     in processDestroy); one that moved its CNode's own capability left
//     the CNode behind (NOT_EMPTY when the loop deleted it first);
//  2. a running thread that deleted its own last thread capability kept
//     running on a freed TCB;
//  3. trap(code) with a code beyond the trap table gave fault kind 256 +
//     code >= FAULT_EXIT: a supervisor read the trap as an exit;
//  4. a supervisor that deleted a child's last thread capability itself
//     (cap_revoke + cap_delete, instead of proc_kill) freed only the thread:
//     the CNode (which holds itself), the address space, the image frames
//     and the IPC buffer stayed, a leak it could repeat until kernel
//     objects ran out.
// (The fourth, proc_spawn giving the supervisor a child of the process's
// own thread capability, so that the process could revoke its supervisor's
// control, needs boot modules: the fuzz run of tests/qemu/fuzz.test.ts with
// its default seed failed on it.)

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { T } from "./corekernel";
import { processWorld } from "./world";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileKernelWasm("tests/kernel/assembly/procdestroy.ts"); }, 60_000);

const SLOT = { CNODE: 0, THREAD: 2, VSPACE: 3, IPCBUF: 4 };

async function world() {
  const { m, ex, spawn } = await processWorld(binary);
  const allBack = (free0: bigint) => {
    expect(ex.framesFree()).toBe(free0);
    for (const type of [T.OBJ_THREAD, T.OBJ_CNODE, T.OBJ_ADDRESS_SPACE, T.OBJ_MEMORY]) expect(ex.poolUsed(type)).toBe(0);
  };
  return { m, ex, spawn, allBack };
}

describe("process teardown after the process rearranged its own CNode", () => {
  it("address space moved out of slot 3: teardown still frees every frame and object", async () => {
    const { ex, spawn, allBack } = await world();
    const free0 = ex.framesFree();
    const a = spawn();
    const cn = ex.tcbCnode(a);
    expect(ex.capMove(cn, SLOT.VSPACE, cn, 50)).toBe(0);
    expect(ex.processDestroy(a)).toBeTruthy();
    allBack(free0);
  });

  it("CNode capability moved out of slot 0, and copied: the CNode goes too", async () => {
    const { ex, spawn, allBack } = await world();
    const free0 = ex.framesFree();
    const a = spawn();
    const cn = ex.tcbCnode(a);
    expect(ex.capMove(cn, SLOT.CNODE, cn, 60)).toBe(0);
    expect(ex.capCopy(cn, 60, cn, 61)).toBe(0);
    expect(ex.capMove(cn, SLOT.VSPACE, cn, 0)).toBe(0);        // and the space where the CNode was
    expect(ex.capCopy(cn, SLOT.IPCBUF, cn, 70)).toBe(0);
    expect(ex.processDestroy(a)).toBeTruthy();
    allBack(free0);
  });

  it("a thread whose capability lives on elsewhere can never be started again", async () => {
    const { ex, spawn } = await world();
    const a = spawn(), b = spawn();
    const cnb = ex.tcbCnode(b);
    expect(ex.capCopy(ex.tcbCnode(a), SLOT.THREAD, cnb, 40)).toBe(0);  // b holds a's thread
    expect(ex.capCopy(ex.tcbCnode(a), SLOT.CNODE, cnb, 41)).toBe(0);   // and a's CNode
    expect(ex.capCopy(ex.tcbCnode(a), SLOT.VSPACE, cnb, 42)).toBe(0);  // and a's address space
    expect(ex.processDestroy(a)).toBeTruthy();
    expect(ex.tcbCnode(a)).toBe(-1);       // sys_process.ts refuses proc_start / proc_give / proc_kill then
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeTruthy();
  });
});

describe("the running thread deletes its own last thread capability", () => {
  it("it stops at once: the CPU goes to the next thread, its system call never returns", async () => {
    const { m, ex, spawn } = await world();
    const a = spawn(), b = spawn();
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(ex.execCur()).toBe(a);
    const forgets = m.entryForgets;
    const ca = ex.tcbCnode(a);
    expect(ex.capDelete(ca, SLOT.THREAD)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeFalsy();  // and its process with it
    expect(ex.execCur()).toBe(b);
    expect(m.entryForgets).toBe(forgets + 1);
  });
});

// Two processes as proc_spawn (sys_process.ts) leaves them: the
// supervisor s holds a's original thread capability in slot SUP, a's own
// slot 2 a child of it. free0: the free frames before either was made.
const SUP = 40;
async function supervised() {
  const w = await world();
  const { ex, spawn } = w;
  const free0 = ex.framesFree();
  const a = spawn(), s = spawn();
  const ca = ex.tcbCnode(a), cs = ex.tcbCnode(s);
  expect(ex.capMove(ca, SLOT.THREAD, cs, SUP)).toBe(0);
  expect(ex.capCopy(cs, SUP, ca, SLOT.THREAD)).toBe(0);
  return { ...w, free0, a, s, ca, cs };
}

describe("the last capability of a process's first thread takes the process with it", () => {
  it("supervisor revokes and deletes its capability: every frame and object comes back", async () => {
    const { ex, allBack, free0, a, s, ca, cs } = await supervised();
    expect(ex.capRevoke(cs, SUP)).toBe(0);              // a's own copy goes: not the last
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeTruthy();
    expect(ex.capDelete(cs, SUP)).toBe(0);              // the last
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeFalsy();
    expect(ex.processDestroy(s)).toBeTruthy();
    allBack(free0);
  });

  it("the process deleted its own slot 2 (nothing freed yet), then the supervisor deletes its copy: all back", async () => {
    const { ex, allBack, free0, a, s, ca, cs } = await supervised();
    const frames = ex.framesFree(), cnodes = ex.poolUsed(T.OBJ_CNODE), spaces = ex.poolUsed(T.OBJ_ADDRESS_SPACE);
    expect(ex.capDelete(ca, SLOT.THREAD)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeTruthy();
    expect(ex.tcbCnode(a)).toBe(ca);
    expect(ex.framesFree()).toBe(frames);
    expect(ex.poolUsed(T.OBJ_CNODE)).toBe(cnodes);
    expect(ex.poolUsed(T.OBJ_ADDRESS_SPACE)).toBe(spaces);
    expect(ex.capDelete(cs, SUP)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    expect(ex.processDestroy(s)).toBeTruthy();
    allBack(free0);
  });

  it("a chain (a holds b's last thread capability, b holds c's): one deletion frees all three", async () => {
    const { ex, spawn, allBack } = await world();
    const free0 = ex.framesFree();
    const a = spawn(), b = spawn(), c = spawn();
    const ca = ex.tcbCnode(a), cb = ex.tcbCnode(b), cc = ex.tcbCnode(c);
    expect(ex.capMove(cb, SLOT.THREAD, ca, 40)).toBe(0);
    expect(ex.capMove(cc, SLOT.THREAD, cb, 40)).toBe(0);
    expect(ex.capCopy(ca, SLOT.CNODE, cc, 41)).toBe(0);   // c holds a's CNode: it goes once c lets go
    expect(ex.capDelete(ca, SLOT.THREAD)).toBe(0);
    for (const t of [a, b, c]) expect(ex.objValid(T.OBJ_THREAD, t)).toBeFalsy();
    allBack(free0);
  });

  it("proc_kill after the process deleted its own slot 2: the supervisor's capability, the last, goes after the teardown", async () => {
    const { ex, allBack, free0, a, s, ca, cs } = await supervised();
    expect(ex.capDelete(ca, SLOT.THREAD)).toBe(0);
    ex.setExecCur(s);
    expect(ex.sysProcKill(SUP)).toBe(0n);
    expect(ex.slotType(ex.slotId(cs, SUP))).toBe(T.OBJ_NULL);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    ex.setExecCur(-1);
    expect(ex.processDestroy(s)).toBeTruthy();
    allBack(free0);
  });

  it("a process that emptied and deleted its own CNode: its index, reused, is not torn down with the thread", async () => {
    const { ex, spawn, a, ca, cs } = await supervised();
    for (const i of [SLOT.THREAD, SLOT.IPCBUF, SLOT.VSPACE, SLOT.CNODE]) expect(ex.capDelete(ca, i)).toBe(0);
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeFalsy();
    const b = spawn();
    expect(ex.tcbCnode(b)).toBe(ca);                  // the same CNode index, a new generation
    expect(ex.capDelete(cs, SUP)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeTruthy();
    expect(ex.objValid(T.OBJ_THREAD, b)).toBeTruthy();
    expect(ex.slotType(ex.slotId(ca, SLOT.THREAD))).toBe(T.OBJ_THREAD);
  });

  it("a thread that is not a process's first thread frees only itself", async () => {
    const { ex, spawn, allBack } = await world();
    const free0 = ex.framesFree();
    const a = spawn();
    const ca = ex.tcbCnode(a);
    expect(ex.capCreate(T.OBJ_THREAD, ca, 40, 100n)).toBe(0);
    const t = ex.createdObj();
    expect(ex.capDelete(ca, 40)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, t)).toBeFalsy();
    expect(ex.objValid(T.OBJ_CNODE, ca)).toBeTruthy();
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeTruthy();
    expect(ex.processDestroy(a)).toBeTruthy();
    allBack(free0);
  });
});

describe("trap codes", () => {
  it("a code beyond the trap table (or 0) is refused: 256 + code must stay below FAULT_EXIT", async () => {
    const { ex, spawn } = await world();
    const a = spawn();
    ex.processStart(a);
    ex.execBlock();
    expect(ex.execCur()).toBe(a);
    expect(ex.sysTrap(0, 0x401000n)).toBe(-1n);
    expect(ex.sysTrap(256, 0x401000n)).toBe(-1n);
    expect(ex.sysTrap(0xFFFF_FFFF, 0x401000n)).toBe(-1n);
    expect(ex.execCur()).toBe(a);          // still running
    expect(ex.sysTrap(1, 0x401000n)).toBe(0n); // unreachable: a real trap stops it
    expect(ex.execCur()).toBe(-1);
  });
});
