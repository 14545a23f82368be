// systhread.test.ts — the thread system calls (kernel/sys_thread.ts) on the
// simulated machine: thread_create in the caller's own address space and
// CNode with its own IPC-buffer page (a mapped memory capability), resume,
// suspend, the seL4-MCP priority bound, a long message between two threads
// of one address space (the IPC buffer's frame cached in the TCB, ipc.ts
// bufBase) and the cache dropped when the buffer is unmapped, and the
// thread's destruction by cap_delete.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { info, world, IPC_BUF, NONE, TRUNCATED, TS, Proc } from "./ipcworld";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/systhread.ts"));

type W = Awaited<ReturnType<typeof world>>;
interface ThrEx {
  sysThreadCreate(dst: number, space: number, cnode: number, ipcbuf: number, entry: bigint, stack: bigint): bigint;
  sysThreadResume(t: number): bigint;
  sysThreadSuspend(t: number): bigint;
  sysThreadSetPriority(t: number, p: number): bigint;
}
const tx = (w: W) => w.ex as unknown as ThrEx;
const err = (w: W, name: string) => -BigInt(w.E[name]);
const MAP_WRITE = 1;

beforeAll(async () => { await compile(); }, 120_000);

// A process whose CNode holds, like process.ts's: 0 itself, 2 its thread,
// 3 its address space, 4 its IPC buffer (mapped at IPC_BUF), 5 a second
// page mapped at IPC_BUF + 0x1000 (for a new thread's buffer).
function process(w: W, prio = 100): { main: Proc; cn: number; mem2: bigint } {
  const { ex, root, ok, create, T } = w;
  const [cnSlot, cn] = create(T.OBJ_CNODE);
  const [spSlot] = create(T.OBJ_ADDRESS_SPACE);
  const [tslot, t] = create(T.OBJ_THREAD, BigInt(prio));
  const [m1Slot, m1] = create(T.OBJ_MEMORY);
  const [m2Slot, m2] = create(T.OBJ_MEMORY);
  ok(ex.capMint(root, cnSlot, cn, 0, 31, 0n));
  ok(ex.capMint(root, tslot, cn, 2, 31, 0n));
  ok(ex.capMint(root, spSlot, cn, 3, 31, 0n));
  ok(ex.capMint(root, m1Slot, cn, 4, 31, 0n));
  ok(ex.capMint(root, m2Slot, cn, 5, 31, 0n));
  ok(ex.memMap(cn, 3, cn, 4, IPC_BUF, MAP_WRITE));
  ok(ex.memMap(cn, 3, cn, 5, IPC_BUF + 0x1000n, MAP_WRITE));
  ok(ex.threadConfigure(cn, 2, 3, 0, NONE, IPC_BUF));
  const main: Proc = { t, cn, tslot, buf: IPC_BUF, bufPhys: ex.objPhys(T.OBJ_MEMORY, m1) as bigint };
  return { main, cn, mem2: ex.objPhys(T.OBJ_MEMORY, m2) as bigint };
}

describe("sys_thread: thread system calls", () => {
  it("creates a stopped thread with its own IPC buffer; checks its arguments", async () => {
    const w = await world(compile);
    const s = tx(w);
    const p = process(w, 100);
    w.run(p.main);
    expect(s.sysThreadCreate(10, 3, 0, 5, 0x40_1000n, 0x80_0000n)).toBe(0n);
    const id = w.slotOf(p.main, 10);
    expect(w.ex.slotType(id)).toBe(w.T.OBJ_THREAD);
    const t = w.ex.slotObj(id) as number;
    expect(w.ex.tcbState(t)).toBe(TS.INACTIVE);
    expect(w.ex.tcbPriority(t)).toBe(100);
    expect(w.ex.tcbIpcBuffer(t)).toBe(IPC_BUF + 0x1000n);
    const regs = Array.from({ length: 20 }, (_, i) => BigInt.asUintN(64, w.ex.tcbReg(t, i) as bigint));
    expect(regs).toContain(0x40_1000n);
    expect(regs).toContain(0x80_0000n);
    expect(regs).toContain(0x202n);
    expect(s.sysThreadCreate(10, 3, 0, 5, 0x40_1000n, 0x80_0000n)).toBe(err(w, "SLOT_OCCUPIED"));
    expect(s.sysThreadCreate(11, 3, 0, 3, 0x40_1000n, 0x80_0000n)).toBe(err(w, "WRONG_TYPE"));     // not memory
    expect(s.sysThreadCreate(11, 3, 0, 9, 0x40_1000n, 0x80_0000n)).toBe(err(w, "EMPTY_SLOT"));
    expect(s.sysThreadCreate(11, 3, 0, 5, 0xffff_8000_0000_0000n, 0x80_0000n)).toBe(err(w, "BAD_ADDRESS"));
    // A memory capability that is not mapped: no buffer address.
    const [mSlot] = w.create(w.T.OBJ_MEMORY);
    w.ok(w.ex.capMint(w.root, mSlot, p.cn, 6, 31, 0n));
    expect(s.sysThreadCreate(11, 3, 0, 6, 0x40_1000n, 0x80_0000n)).toBe(err(w, "NOT_MAPPED"));
    // Read-only capability: no.
    w.ok(w.ex.capMint(p.cn, 5, p.cn, 7, 1, 0n));
    expect(s.sysThreadCreate(11, 3, 0, 7, 0x40_1000n, 0x80_0000n)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
    expect(w.ex.slotType(w.slotOf(p.main, 11))).toBe(0);
  });

  it("resumes, suspends, bounds priorities by the caller's own, deletes by cap_delete", async () => {
    const w = await world(compile);
    const s = tx(w);
    const p = process(w, 100);
    w.run(p.main);
    expect(s.sysThreadCreate(10, 3, 0, 5, 0x40_1000n, 0x80_0000n)).toBe(0n);
    const t = w.ex.slotObj(w.slotOf(p.main, 10)) as number;
    expect(s.sysThreadResume(10)).toBe(0n);
    expect(w.ex.tcbState(t)).toBe(TS.RUNNABLE);
    expect(s.sysThreadResume(10)).toBe(err(w, "BUSY"));
    expect(s.sysThreadSuspend(10)).toBe(0n);
    expect(w.ex.tcbState(t)).toBe(TS.INACTIVE);
    expect(s.sysThreadSetPriority(10, 101)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
    expect(s.sysThreadSetPriority(2, 101)).toBe(err(w, "INSUFFICIENT_RIGHTS")); // nor its own
    expect(s.sysThreadSetPriority(10, 100)).toBe(0n);
    expect(s.sysThreadSetPriority(10, 40)).toBe(0n);
    expect(w.ex.tcbPriority(t)).toBe(40);
    expect(s.sysThreadResume(3)).toBe(err(w, "WRONG_TYPE"));
    // Runnable, then deleted: out of the run queue, object gone.
    expect(s.sysThreadResume(10)).toBe(0n);
    w.ok(w.ex.capDelete(p.cn, 10));
    expect(w.ex.slotType(w.slotOf(p.main, 10))).toBe(0);
    expect(w.ex.objValid(w.T.OBJ_THREAD, t)).toBeFalsy();
    expect(w.ex.tcbQueued(t)).toBe(0);
  });

  it("a long message between two threads of one address space; unmapping the buffer drops the cached frame", async () => {
    const w = await world(compile);
    const s = tx(w);
    const p = process(w, 100);
    const [epSlot] = w.create(w.T.OBJ_ENDPOINT);
    w.ok(w.ex.capMint(w.root, epSlot, p.cn, 8, 31, 0n));
    w.run(p.main);
    expect(s.sysThreadCreate(10, 3, 0, 5, 0x40_1000n, 0x80_0000n)).toBe(0n);
    const t2: Proc = { t: w.ex.slotObj(w.slotOf(p.main, 10)) as number, cn: p.cn, tslot: 10, buf: IPC_BUF + 0x1000n, bufPhys: p.mem2 };
    for (let round = 0; round < 2; round++) {
      expect(w.recv(t2, 8)).toBe(0);
      for (let i = 4; i < 20; i++) w.setBufWord(p.main, i, BigInt(1000 * round + i));
      expect(w.send(p.main, 8, info(7, 20), [1n, 2n, 3n, 4n])).toBe(0);
      const r = w.regs(t2.t);
      expect(r.info).toBe(info(7, 20));
      for (let i = 4; i < 20; i++) expect(w.bufWord(t2, i)).toBe(BigInt(1000 * round + i));
    }
    // The receiver's buffer page goes away (its capability is deleted: unmapped):
    // the words are dropped, not written to the freed frame.
    w.setBufWord(t2, 4, 0n);
    w.ok(w.ex.capDelete(p.cn, 5));
    expect(w.recv(t2, 8)).toBe(0);
    expect(w.send(p.main, 8, info(7, 20), [1n, 2n, 3n, 4n])).toBe(0);
    expect(w.regs(t2.t).info).toBe(info(7, 4) | TRUNCATED);
    // And the sender's: IPC_BUFFER.
    w.ok(w.ex.memUnmap(p.cn, 4));
    expect(w.recv(t2, 8)).toBe(0);
    expect(w.send(p.main, 8, info(7, 20), [1n, 2n, 3n, 4n])).toBe(-Number(w.E["IPC_BUFFER"]));
  });
});
