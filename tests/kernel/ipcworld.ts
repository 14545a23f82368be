// ipcworld.ts — a small world of processes for the IPC tests: the kernel's
// IPC test entry (assembly/ipc.ts) on a simulated machine, object pools set
// up, and helpers that make a "process" (CNode, address space, thread with
// an IPC buffer page) the way process.ts does, hand it capabilities, put a
// message in its registers and read one back.

import { expect } from "vitest";
import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";
import { E, errName, MAP, R, T } from "./corekernel";
import type { Entry } from "./harness";

let binary: Promise<Uint8Array> | null = null;
export function compileIpc(): Promise<Uint8Array> {
  binary ??= compileKernelWasm("tests/kernel/assembly/ipc.ts");
  return binary;
}

// exec.ts also imports user.entry_forget (a stopped running thread's
// system call result is dropped); count the calls.
class IpcMachine extends Machine {
  forgets = 0;
  override userImports(): Record<string, Function> {
    return { ...super.userImports(), entry_forget: () => { this.forgets++; }, run: () => {} };
  }
}

// tcb.ts register indexes
export const RAX = 0, RDX = 3, RSI = 4, RDI = 5, R8 = 8, R9 = 9, R10 = 10;
export const TS = { INACTIVE: 0, RUNNABLE: 1, BLOCKED_SEND: 2, BLOCKED_RECV: 3, BLOCKED_REPLY: 4, BLOCKED_NOTIFY: 5 };
export const NONE = 0xffffffff;
export const IPC_BUF = 0x7000_0000n;   // every process's IPC buffer page
export const LABEL_FAULT = 0xffff_ffff_ffffn;
export const TRUNCATED = 1n << 9n;

export const info = (label: bigint | number, length: number, caps = 0): bigint =>
  (BigInt(label) << 16n) | (BigInt(caps) << 7n) | BigInt(length);

export interface Proc { t: number; cn: number; tslot: number; buf: bigint; bufPhys: bigint; bufPhys2?: bigint; bufOff?: bigint }

// `compile`: the test entry to load (default: assembly/ipc.ts; the fast
// path's tests load one that adds to it).
export async function world(compile: () => Promise<Uint8Array> = compileIpc) {
  const m = new IpcMachine();
  const instance = await m.load(await compile());
  const ex = instance.exports as unknown as Entry;
  m.addRam(0x100000, 0x2000000);
  ex.framesReset();
  ex.framesAddRange(0x200000n, 0x1000000n);
  m.place(0x1000, new Uint8Array(4096));
  ex.pagingInit(0x1000n);
  ex.objectsInit();
  const root = ex.cnodeCreateRoot();
  let next = 1;
  const ok = (code: number | bigint) => expect(errName(Number(code))).toBe("OK");
  const rootSlot = () => next++;

  // A new object's original capability in the root CNode: [slot, object].
  const create = (type: number, param = 0n): [number, number] => {
    const s = rootSlot();
    ok(ex.capCreate(type, root, s, param));
    return [s, ex.createdObj()];
  };

  // A process: its own CNode (slot 0 unused by the tests), address space,
  // a thread at `prio` with an IPC buffer page mapped read-write at
  // IPC_BUF (or `bufRights`, or none), optionally a fault endpoint (a slot
  // of the root CNode).
  const proc = (prio = 100, opts: { bufRights?: number | null; faultEp?: number; bufOffset?: bigint } = {}): Proc => {
    const [cnSlot, cn] = create(T.OBJ_CNODE);
    const [spSlot] = create(T.OBJ_ADDRESS_SPACE);
    const [tslot, t] = create(T.OBJ_THREAD, BigInt(prio));
    let buf = 0n, bufPhys = 0n, bufPhys2 = 0n, bufOff = 0n;
    const rights = opts.bufRights === undefined ? MAP.MAP_WRITE : opts.bufRights;
    if (rights !== null) {
      const [memSlot, mem] = create(T.OBJ_MEMORY);
      ok(ex.memMap(root, spSlot, root, memSlot, IPC_BUF, rights));
      buf = IPC_BUF;
      bufPhys = ex.objPhys(T.OBJ_MEMORY, mem) as bigint;
      if (opts.bufOffset !== undefined) {
        // A buffer that starts at this offset of the page and runs into the next one.
        const [mem2Slot, mem2] = create(T.OBJ_MEMORY);
        ok(ex.memMap(root, spSlot, root, mem2Slot, IPC_BUF + 0x1000n, rights));
        buf = IPC_BUF + opts.bufOffset;
        bufPhys2 = ex.objPhys(T.OBJ_MEMORY, mem2) as bigint;
        bufOff = opts.bufOffset;
      }
    }
    ok(ex.threadConfigure(root, tslot, spSlot, cnSlot, opts.faultEp ?? NONE, buf));
    return { t, cn, tslot, buf, bufPhys, bufPhys2, bufOff };
  };

  // Give process p a capability derived from root slot `src` in its slot `dst`.
  const grant = (p: Proc, src: number, dst: number, rights = 31, badge = 0n) =>
    ok(ex.capMint(root, src, p.cn, dst, rights, badge));

  // The message registers.
  const setMsg = (t: number, inf: bigint, words: bigint[] = []) => {
    ex.tcbSetReg(t, RSI, inf);
    [RDX, R10, R8, R9].forEach((r, i) => ex.tcbSetReg(t, r, words[i] ?? 0n));
  };
  const regs = (p: Proc | number) => {
    const t = typeof p === "number" ? p : p.t;
    return {
    rax: BigInt.asIntN(64, ex.tcbReg(t, RAX) as bigint),
    badge: BigInt.asUintN(64, ex.tcbReg(t, RDI) as bigint),
    info: BigInt.asUintN(64, ex.tcbReg(t, RSI) as bigint),
    words: [RDX, R10, R8, R9].map((r) => BigInt.asUintN(64, ex.tcbReg(t, r) as bigint)),
    };
  };
  // Buffer word i (byte offset 8*i) of a process, through physical memory.
  const wordPhys = (p: Proc, i: number): bigint => {
    const off = (p.bufOff ?? 0n) + BigInt(8 * i);
    return off < 0x1000n ? p.bufPhys + off : (p.bufPhys2 ?? 0n) + off - 0x1000n;
  };
  const bufWord = (p: Proc, i: number): bigint => m.imports().phys_read64(wordPhys(p, i)) as bigint;
  const setBufWord = (p: Proc, i: number, v: bigint) => m.imports().phys_write64(wordPhys(p, i), v);

  // Operations as system calls of the running thread (made current first).
  // (p leaves its run queue if it is in one: the running thread is in none.)
  const run = (p: Proc) => { ex.schedDequeue(p.t); ex.execSwitchTo(p.t); expect(ex.execCur()).toBe(p.t); };
  const send = (p: Proc, slot: number, inf: bigint, words: bigint[] = [], blocking = true) => {
    run(p); setMsg(p.t, inf, words);
    return Number(ex.ipcSend(p.t, BigInt(slot), inf, blocking));
  };
  const call = (p: Proc, slot: number, inf: bigint, words: bigint[] = []) => {
    run(p); setMsg(p.t, inf, words);
    return Number(ex.ipcCall(p.t, BigInt(slot), inf));
  };
  const recv = (p: Proc, slot: number, blocking = true) => { run(p); return Number(ex.ipcRecv(p.t, BigInt(slot), blocking)); };
  const reply = (p: Proc, inf: bigint, words: bigint[] = []) => {
    run(p); setMsg(p.t, inf, words);
    return Number(ex.ipcReply(p.t, inf));
  };
  const replyRecv = (p: Proc, slot: number, inf: bigint, words: bigint[] = []) => {
    run(p); setMsg(p.t, inf, words);
    return Number(ex.ipcReplyRecv(p.t, BigInt(slot), inf));
  };
  const state = (p: Proc) => ex.tcbState(p.t) as number;
  const slotOf = (p: Proc, i: number) => ex.slotId(p.cn, i) as number;

  return { m, ex, root, ok, create, proc, grant, setMsg, regs, bufWord, setBufWord, run, send, call, recv, reply, replyRecv, state, slotOf, E, R, T };
}
