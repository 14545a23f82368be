// sysproc.test.ts — the system calls of a supervisor (kernel/sys_process.ts)
// and IPC tracing (kernel/ipctrace.ts) on the simulated machine: who may
// create objects, handing a process capabilities, starting and inspecting
// it, I/O ports within a capability's range, one-shot timers, and the
// trace lines of delivered messages. (proc_spawn and proc_kill need boot
// modules and ELF images: tests/qemu/shell.test.ts runs them.)

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { info, world, TS } from "./ipcworld";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/sysproc.ts"));

type W = Awaited<ReturnType<typeof world>>;
// The handlers' extra exports.
interface SysEx {
  initSet(t: number): void;
  sysProcGive(proc: number, src: number, dst: number, rights: number, badge: bigint): bigint;
  sysProcStart(proc: number): bigint;
  sysProcInfo(proc: number): bigint;
  sysObjCreate(type: number, dst: number, param: bigint): bigint;
  sysIoportIn(ports: number, port: number, width: number): bigint;
  sysIoportOut(ports: number, port: number, width: number, value: number): bigint;
  sysTimerSet(ntfn: number, ms: bigint): bigint;
  timersExpire(now: bigint): void;
  sysMemFrames(): bigint;
  sysIpcTrace(mode: number): bigint;
  ntfnWord(n: number): bigint;
  slotObj(id: number): number;
  slotType(id: number): number;
  slotBadge(id: number): bigint;
}
const sx = (w: W) => w.ex as unknown as SysEx;
const err = (w: W, name: string) => -BigInt(w.E[name]);

beforeAll(async () => { await compile(); }, 120_000);

describe("sys_process: objects, processes, ports, timers", () => {
  it("only the initial thread creates objects", async () => {
    const w = await world(compile);
    const s = sx(w);
    const a = w.proc(100), b = w.proc(100);
    w.run(a);
    expect(s.sysObjCreate(w.T.OBJ_ENDPOINT, 20, 0n)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
    s.initSet(a.t);
    expect(s.sysObjCreate(w.T.OBJ_ENDPOINT, 20, 0n)).toBe(0n);
    expect(w.ex.slotType(w.slotOf(a, 20))).toBe(w.T.OBJ_ENDPOINT);
    expect(s.sysObjCreate(w.T.OBJ_ENDPOINT, 20, 0n)).toBe(err(w, "SLOT_OCCUPIED"));
    expect(s.sysObjCreate(w.T.OBJ_THREAD, 21, 100n)).toBe(err(w, "INVALID_ARGUMENT"));
    expect(s.sysObjCreate(w.T.OBJ_IO_PORTS, 21, 0n)).toBe(err(w, "INVALID_ARGUMENT"));      // count 0
    expect(s.sysObjCreate(w.T.OBJ_NOTIFICATION, 21, 0n)).toBe(0n);
    w.run(b);
    expect(s.sysObjCreate(w.T.OBJ_NOTIFICATION, 22, 0n)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
  });

  it("gives a process capabilities, starts it, reports its state", async () => {
    const w = await world(compile);
    const s = sx(w);
    const sup = w.proc(200), srv = w.proc(120);
    const [ep] = w.create(w.T.OBJ_ENDPOINT);
    w.grant(sup, ep, 20);
    w.grant(sup, srv.tslot, 10);                 // the supervisor holds the server's thread capability
    w.grant(srv, srv.tslot, 2);                  // and the server its own, as process.ts lays a CNode out
    w.run(sup);
    const info0 = s.sysProcInfo(10);
    expect(Number(info0 & 0xffn)).toBe(TS.INACTIVE);
    expect(Number((info0 >> 8n) & 0xffn)).toBe(120);
    expect(Number((info0 >> 16n) & 0xffffn)).toBe(srv.t);
    expect(info0 >> 32n).toBe(0n);                                  // no system calls yet
    // The count of system calls boot/entry.asm keeps in the register area
    // (REG_SYSCALLS): its low 32 bits in the high half (init's watchdog).
    w.ex.tcbSetReg(srv.t, 21, 0x1_0000_0007n);
    expect(s.sysProcInfo(10) >> 32n).toBe(7n);
    w.ex.tcbSetReg(srv.t, 21, 0n);
    expect(s.sysProcGive(10, 20, 3, 31, 0n)).toBe(err(w, "INVALID_SLOT"));   // the kernel's slots
    expect(s.sysProcGive(10, 20, 128, 31, 0n)).toBe(err(w, "INVALID_SLOT"));
    expect(s.sysProcGive(10, 20, 6, 31, 7n)).toBe(0n);
    const id = w.slotOf(srv, 6);
    expect(w.ex.slotType(id)).toBe(w.T.OBJ_ENDPOINT);
    expect(sx(w).slotBadge(id)).toBe(7n);
    expect(s.sysProcGive(10, 20, 6, 31, 0n)).toBe(err(w, "SLOT_OCCUPIED"));
    expect(s.sysProcInfo(20)).toBe(err(w, "WRONG_TYPE"));                     // not a thread
    expect(s.sysProcStart(10)).toBe(0n);
    expect(Number(s.sysProcInfo(10) & 0xffn)).toBe(TS.RUNNABLE);
  });

  it("I/O ports: only inside the capability's range, widths 1, 2, 4", async () => {
    const w = await world(compile);
    const s = sx(w);
    const a = w.proc(100);
    w.run(a);
    s.initSet(a.t);
    expect(s.sysObjCreate(w.T.OBJ_IO_PORTS, 21, 0x3f8n | (8n << 16n))).toBe(0n);
    w.m.clearOutput();
    expect(s.sysIoportOut(21, 0x3f8, 1, 0x41)).toBe(0n);
    expect(w.m.rawOutput).toBe("A");
    expect(s.sysIoportIn(21, 0x3fd, 1)).toBe(BigInt(w.m.uartStatus));
    expect(s.sysIoportOut(21, 0x2f8, 1, 0x41)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
    expect(s.sysIoportIn(21, 0x3fe, 4)).toBe(err(w, "INSUFFICIENT_RIGHTS"));  // runs past 0x3ff
    expect(s.sysIoportIn(21, 0x3f8, 3)).toBe(err(w, "INVALID_ARGUMENT"));
    expect(s.sysIoportIn(22, 0x3f8, 1)).toBe(err(w, "EMPTY_SLOT"));
  });

  it("one-shot timers signal their notification at the deadline", async () => {
    const w = await world(compile);
    const s = sx(w);
    const a = w.proc(100);
    const [n, nObj] = w.create(w.T.OBJ_NOTIFICATION);
    w.grant(a, n, 9, 31, 4n);
    w.run(a);
    // (the clock reads 0 here: no timer runs on the simulated machine)
    expect(s.sysTimerSet(9, 50n)).toBe(0n);
    s.timersExpire(49n);
    expect(s.ntfnWord(nObj)).toBe(0n);
    s.timersExpire(50n);
    expect(s.ntfnWord(nObj)).toBe(4n);                 // the capability's badge
    s.timersExpire(1000n);                             // one shot: nothing more
    w.run(a);
    expect(w.ex.ntfnSysWait(a.t, 9n, false)).toBe(0n); // poll clears it
    s.timersExpire(2000n);
    expect(s.ntfnWord(nObj)).toBe(0n);
    expect(s.sysTimerSet(9, 10n)).toBe(0n);            // re-armed, then disarmed
    expect(s.sysTimerSet(9, 0n)).toBe(0n);
    s.timersExpire(5000n);
    expect(s.ntfnWord(nObj)).toBe(0n);
    expect(s.sysTimerSet(5, 10n)).toBe(err(w, "EMPTY_SLOT"));
  });

  it("ipc_trace: init switches it; each delivered call and reply is one line", async () => {
    const w = await world(compile);
    const s = sx(w);
    const client = w.proc(100), server = w.proc(100);
    const [ep] = w.create(w.T.OBJ_ENDPOINT);
    w.grant(client, ep, 1, 31, 5n);
    w.grant(server, ep, 1);
    w.run(client);
    expect(s.sysIpcTrace(1)).toBe(err(w, "INSUFFICIENT_RIGHTS"));
    s.initSet(client.t);
    expect(s.sysIpcTrace(3)).toBe(err(w, "INVALID_ARGUMENT"));
    expect(s.sysIpcTrace(1)).toBe(0n);
    w.m.clearOutput();
    expect(w.recv(server, 1)).toBe(0);
    expect(w.call(client, 1, info(32, 2), [1n, 2n])).toBe(0);
    expect(w.reply(server, info(0, 1), [9n])).toBe(0);
    expect(w.m.output).toMatch(/^ipc: call thread \d+ -> thread \d+ badge 0x5 label 32 len 2\nipc: reply thread \d+ -> thread \d+ badge 0x0 label 0 len 1\n$/);
    w.run(client);
    expect(s.sysIpcTrace(0)).toBe(0n);
    w.m.clearOutput();
    expect(w.recv(server, 1)).toBe(0);
    expect(w.call(client, 1, info(32, 0))).toBe(0);
    expect(w.m.output).toBe("");
  });
});
