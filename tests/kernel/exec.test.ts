// exec.test.ts — the execution model (kernel/exec.ts) and processes
// (kernel/process.ts) on the simulated machine: processes made from ELF
// images, which thread runs after each scheduling event (the machine's
// user.switch / user.idle record the register area boot/entry.asm would
// restore, and CR3), round robin by yield and by timer ticks, priorities,
// blocking into idle, stopping the running thread, an address space
// deleted under a thread, and exit with a teardown that gives back every
// frame and object.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { T } from "./corekernel";
import { processWorld } from "./world";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileKernelWasm("tests/kernel/assembly/exec.ts"); }, 60_000);

const TS = { INACTIVE: 0, RUNNABLE: 1, BLOCKED_RECV: 3 };

async function world() {
  const { m, ex, spawn } = await processWorld(binary);
  const regs = (t: number) => ex.tcbRegsAddr(t) >>> 0;
  const reg = (t: number, i: number) => new DataView(m.memory!.buffer, regs(t), 21 * 8).getBigUint64(i * 8, true);
  // The thread boot/entry.asm would return to: -1 when idle.
  const running = (): number => {
    const cur = ex.execCur();
    expect(m.currentRegs).toBe(cur < 0 ? 0 : regs(cur));
    if (cur >= 0) expect(m.cr3).toBe(ex.tcbPml4(cur));
    return cur;
  };
  return { m, ex, spawn, regs, reg, running };
}

describe("processes", () => {
  it("a process: its own address space, the ELF entry and stack, IF set, full restore, an IPC buffer", async () => {
    const { m, ex, spawn, reg } = await world();
    const a = spawn(), b = spawn();
    expect(ex.tcbPml4(a)).not.toBe(ex.tcbPml4(b));
    expect(reg(a, 16)).toBe(0x401000n);          // rip
    expect(reg(a, 7)).toBe(0x7fff_fff0_0000n);   // rsp
    expect(reg(a, 17)).toBe(0x202n);             // rflags: IF
    expect(reg(a, 20)).toBe(0n);                 // REG_ENTRY: ENTRY_IRET
    expect(ex.tcbIpcBuffer(a)).toBe(0x7fff_ffe0_0000n);
    expect(ex.vmLookup(ex.tcbPml4(a), 0x7fff_ffe0_0000n)).toBe(0);
    expect(m.output).toMatch(/^process \(thread\): entry 0x401000, address space 0x[0-9a-f]+\n/);
    expect(ex.tcbState(a)).toBe(TS.INACTIVE);    // made, not started
  });

  it("exit tears the process down: every frame and object comes back", async () => {
    const { m, ex, spawn, running } = await world();
    const free0 = ex.framesFree();
    const a = spawn(), b = spawn();
    expect(ex.framesFree()).toBeLessThan(free0);
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(a);
    m.clearOutput();
    const forgets = m.entryForgets;
    ex.processExit(a, 3n);
    expect(m.output).toBe("process (thread): exited with status 3\n");
    expect(m.entryForgets).toBe(forgets + 1);
    expect(running()).toBe(b);
    ex.processExit(b, 0n);
    expect(running()).toBe(-1);
    expect(ex.framesFree()).toBe(free0);
    for (const type of [T.OBJ_THREAD, T.OBJ_CNODE, T.OBJ_ADDRESS_SPACE, T.OBJ_MEMORY]) expect(ex.poolUsed(type)).toBe(0);
    expect(m.cr3).toBe(0x1000n); // back on the kernel's tables before the address space went
  });
});

describe("scheduling", () => {
  it("round robin within a priority: yield and timeslices of timer ticks", async () => {
    const { ex, spawn, running } = await world();
    const a = spawn(), b = spawn(), c = spawn();
    for (const t of [a, b, c]) ex.processStart(t);
    ex.execBlock();
    expect(running()).toBe(a);
    expect(ex.tcbQueued(a)).toBe(0); // the running thread is in no run queue
    ex.execYield();
    expect(running()).toBe(b);
    ex.execYield();
    expect(running()).toBe(c);
    const slice = ex.timesliceTicks();
    for (let i = 1; i < slice; i++) { ex.execTick(); expect(running()).toBe(c); }
    ex.execTick();
    expect(running()).toBe(a);
    for (let i = 0; i < slice; i++) ex.execTick();
    expect(running()).toBe(b);
  });

  it("yield with nobody else at that priority keeps running; a lower priority never runs first", async () => {
    const { ex, spawn, running } = await world();
    const hi = spawn(120), lo = spawn(50);
    ex.processStart(lo); ex.processStart(hi);
    ex.execBlock();
    expect(running()).toBe(hi);
    ex.execYield();
    expect(running()).toBe(hi);
    for (let i = 0; i < 5; i++) ex.execTick();
    expect(running()).toBe(hi);
  });

  it("a woken higher priority preempts (the preempted thread is next at its priority); a lower one waits", async () => {
    const { ex, spawn, running } = await world();
    const a = spawn(100), b = spawn(100), hi = spawn(200), lo = spawn(10);
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(a);
    ex.execWake(lo);
    expect(running()).toBe(a);
    expect(ex.tcbState(lo)).toBe(TS.RUNNABLE);
    ex.execWake(hi);
    expect(running()).toBe(hi);
    ex.tcbBlock(hi, TS.BLOCKED_RECV);
    ex.execBlock();
    expect(running()).toBe(a); // a's slice was not over: back at the head, before b
    ex.execYield();
    expect(running()).toBe(b);
  });

  it("priority changes reschedule: a raised runnable thread runs, a lowered running thread yields to a higher one", async () => {
    const { ex, spawn, running } = await world();
    const a = spawn(100), b = spawn(100);
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(a);
    expect(ex.threadSetPriority(ex.tcbCnode(b), 2, 150)).toBe(0); // b: runnable, now above a
    expect(running()).toBe(b);
    expect(ex.threadSetPriority(ex.tcbCnode(b), 2, 50)).toBe(0);  // b lowers itself below a
    expect(running()).toBe(a);
    expect(ex.threadSetPriority(ex.tcbCnode(a), 2, 60)).toBe(0);  // still above b: keeps running
    expect(running()).toBe(a);
  });

  it("waking a thread that is running or already runnable changes nothing", async () => {
    const { ex, spawn, running } = await world();
    const a = spawn(100), b = spawn(200);
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(b);
    ex.execWake(b);
    expect(running()).toBe(b);
    ex.tcbBlock(b, TS.BLOCKED_RECV);
    ex.execBlock();
    expect(running()).toBe(a);
    ex.execWake(b); // preempts a
    expect(running()).toBe(b);
    ex.execWake(a); // a is queued already (at the head): not twice
    expect(ex.tcbQueued(a)).toBe(1);
    ex.execStop(b);
    expect(running()).toBe(a);
    ex.execYield();
    expect(running()).toBe(a);
  });

  it("blocking with nothing runnable idles; a wake while idle runs the thread at once", async () => {
    const { m, ex, spawn, running } = await world();
    const a = spawn();
    ex.processStart(a);
    ex.execBlock();
    expect(running()).toBe(a);
    ex.tcbBlock(a, TS.BLOCKED_RECV);
    ex.execBlock();
    expect(running()).toBe(-1);
    expect(m.currentRegs).toBe(0);
    ex.execTick(); // a tick while idle
    expect(running()).toBe(-1);
    ex.execWake(a);
    expect(running()).toBe(a);
  });

  it("stopping the running thread runs the next and drops its system call result; a stopped thread is never picked", async () => {
    const { m, ex, spawn, running } = await world();
    const a = spawn(), b = spawn();
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    const forgets = m.entryForgets;
    ex.execStop(a);
    expect(m.entryForgets).toBe(forgets + 1);
    expect(ex.tcbState(a)).toBe(TS.INACTIVE);
    expect(running()).toBe(b);
    ex.execYield();
    expect(running()).toBe(b);
    ex.execStop(b);
    expect(running()).toBe(-1);
  });

  it("lazy FPU: the first x87/SSE use after a switch (#NM) saves the owner's registers and loads the thread's", async () => {
    const { m, ex, spawn, running } = await world();
    const a = spawn(), b = spawn();
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(a);
    // a's first use: nothing to save, the initial state (FCW 0x37F, MXCSR 0x1F80) loaded.
    expect(ex.execFpuTrap()).toBe(1);
    const [save0, init] = m.fpuSwitches[0];
    expect(save0).toBe(0);
    const mem = new DataView(m.memory!.buffer);
    expect(mem.getUint16(init, true)).toBe(0x37f);
    expect(mem.getUint32(init + 24, true)).toBe(0x1f80);
    expect(ex.tcbFpu(a)).toBe(3);          // FPU_LIVE | FPU_SAVED
    expect(ex.execFpuTrap()).toBe(0);  // a #NM while it owns the FPU: a real fault
    ex.execYield();
    expect(running()).toBe(b);
    expect(ex.execFpuTrap()).toBe(1);   // b: a's registers saved, the initial state loaded
    const [saveA, initB] = m.fpuSwitches[1];
    expect(initB).toBe(init);
    expect(ex.tcbFpu(a)).toBe(2);          // saved, not live
    ex.execYield();
    expect(running()).toBe(a);
    expect(ex.execFpuTrap()).toBe(1);   // a again: b's saved, a's own area loaded
    const [saveB, restoreA] = m.fpuSwitches[2];
    expect(restoreA).toBe(saveA);
    expect(saveB).not.toBe(saveA);
    ex.execYield();
    ex.execYield();                        // b, then a again: a owns the FPU, no trap armed
    expect(running()).toBe(a);
    expect(ex.execFpuTrap()).toBe(0);
    expect(m.fpuSwitches.length).toBe(3);
  });

  it("deleting a waiting thread's address space stops it (reported), so no switch can load freed tables", async () => {
    const { m, ex, spawn, running } = await world();
    const a = spawn(), b = spawn();
    ex.processStart(a); ex.processStart(b);
    ex.execBlock();
    expect(running()).toBe(a);
    m.clearOutput();
    expect(ex.capDelete(ex.tcbCnode(b), 3)).toBe(0); // PROC_SLOT_VSPACE
    expect(m.output).toBe("process (thread): address space deleted, stopped\n");
    expect(ex.tcbState(b)).toBe(TS.INACTIVE);
    ex.execYield();
    expect(running()).toBe(a);
    // The running thread's address space is live: cap.ts refuses (BUSY = 14).
    expect(ex.capDelete(ex.tcbCnode(a), 3)).toBe(14);
  });
});
