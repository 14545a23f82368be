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
//     code >= FAULT_EXIT: a supervisor read the trap as an exit.
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
    expect(ex.capDelete(ex.tcbCnode(a), SLOT.THREAD)).toBe(0);
    expect(ex.objValid(T.OBJ_THREAD, a)).toBeFalsy();
    expect(ex.execCur()).toBe(b);
    expect(m.entryForgets).toBe(forgets + 1);
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
