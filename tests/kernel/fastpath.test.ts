// fastpath.test.ts — kernel/fastpath.ts, the IPC fast path for call and
// reply_recv, against the general path. Every scenario runs in two
// identical worlds (ipcworld.ts): in one, call and reply_recv go through
// the generated dispatch (what boot/entry.asm called before the fast
// path: sys_ipc.ts -> ipc.ts); in the other through fastCall /
// fastReplyRecv (what entry.asm calls now), which read their arguments
// from the saved registers. After every step the results, the whole
// kernel linear memory (TCBs, register areas, IPC state, endpoints, run
// queues, capabilities), the running thread, CR3, the current register
// area and the FPU switches must be the same in both worlds; the fast
// path's miss counter says whether it applied (ordinary cases) or handed
// over to the general path (everything else).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm, ROOT } from "./compile";
import { info, world, NONE, Proc, RAX, RDI, TS } from "./ipcworld";
import { R, T } from "./corekernel";

let binary: Promise<Uint8Array> | null = null;
const compileFast = () => (binary ??= compileKernelWasm("tests/kernel/assembly/fastpath.ts"));
beforeAll(async () => { await compileFast(); }, 120_000);

// The numbers, from the ABI table's generated kernel file.
const sysNum = (name: string): bigint => {
  const m = readFileSync(join(ROOT, "kernel/syscalls.ts"), "utf8").match(new RegExp(`export const ${name}: u32 = (\\d+);`));
  if (!m) throw new Error(`no ${name} in kernel/syscalls.ts`);
  return BigInt(m[1]);
};
const SYS_CALL = sysNum("SYS_CALL"), SYS_REPLY_RECV = sysNum("SYS_REPLY_RECV");

type W = Awaited<ReturnType<typeof world>>;
const EP = 1; // the endpoint's slot in every process

const REG_ENTRY = 20, ENTRY_SYSCALL = 1n; // kernel/tcb.ts

// A system call of process p (made the running thread), its registers set
// as syscall_entry saves them, through the general path (the generated
// dispatch) or the fast path, and then what boot/entry.asm does with the
// result: the fast path's switch (a result > 0 is the register area to
// make current: syscall_fast_exit), or for a handler's result, when the
// kernel switched away from the caller (and it is not gone), its rax and
// R_ENTRY = ENTRY_SYSCALL into its area (syscall_switched). The caller's
// result.
function sys(w: W, fast: boolean, num: bigint, p: Proc, slot: number | bigint, inf: bigint, words: bigint[] = []): number {
  w.run(p);
  const area = w.m.currentRegs, forgets = (w.m as unknown as { forgets: number }).forgets;
  w.setMsg(p.t, inf, words);
  w.ex.tcbSetReg(p.t, RDI, BigInt(slot));
  w.ex.tcbSetReg(p.t, RAX, num);
  let r: bigint;
  if (fast) r = BigInt(num === SYS_CALL ? w.ex.fastCall() : w.ex.fastReplyRecv());
  else r = BigInt(w.ex.syscallDispatch(num, BigInt(slot), inf, ...[0, 1, 2, 3].map((i) => words[i] ?? 0n)));
  if (r > 0n) {
    expect(fast, "only the fast path returns a register area").toBe(true);
    w.m.currentRegs = Number(r);
    w.m.userSwitches.push(Number(r));
    return 0;
  }
  if (w.m.currentRegs !== area && (w.m as unknown as { forgets: number }).forgets === forgets) {
    w.ex.tcbSetReg(p.t, RAX, r);
    w.ex.tcbSetReg(p.t, REG_ENTRY, ENTRY_SYSCALL);
  }
  return Number(r);
}

// Everything the kernel keeps, of one world.
function snapshot(w: W) {
  return {
    mem: new Uint8Array(w.m.memory!.buffer).slice(),
    cur: w.ex.execCur() as number,
    top: w.ex.schedTopPriority() as number,
    cr3: w.m.cr3,
    regs: w.m.currentRegs,
    switches: w.m.userSwitches.join(","),
    fpu: w.m.fpuSwitches.join(";"),
  };
}

function expectSame(g: W, f: W, what: string) {
  const a = snapshot(g), b = snapshot(f);
  expect(b.mem.length, what).toBe(a.mem.length);
  const diff: number[] = [];
  for (let i = 0; i < a.mem.length && diff.length < 8; i++) if (a.mem[i] !== b.mem[i]) diff.push(i);
  expect(diff, `${what}: linear memory differs at these offsets`).toEqual([]);
  expect({ ...b, mem: 0 }, what).toEqual({ ...a, mem: 0 });
}

// Two worlds built by the same setup; `step` runs one operation in both
// (general path in g, fast path in f) and compares everything after it.
async function twins<S>(setup: (w: W) => S) {
  const g = await world(compileFast), f = await world(compileFast);
  const sg = setup(g), sf = setup(f);
  expectSame(g, f, "after the setup");
  let n = 0;
  const step = (what: string, expectFast: boolean, op: (w: W, fast: boolean, s: S) => number): number => {
    n++;
    const misses = f.ex.fastpathMisses() as number;
    const rg = op(g, false, sg), rf = op(f, true, sf);
    expect(rf, `${what}: result`).toBe(rg);
    expect((f.ex.fastpathMisses() as number) - misses, `${what}: ${expectFast ? "fast path expected" : "general path expected"}`).toBe(expectFast ? 0 : 1);
    expectSame(g, f, `step ${n} (${what})`);
    return rg;
  };
  // Both worlds, the same operation outside the two system calls (setup steps).
  const both = (op: (w: W, s: S) => unknown) => { op(g, sg); op(f, sf); expectSame(g, f, "a setup step"); };
  return { g, f, sg, sf, step, both };
}

// A server and a client on one endpoint (client's capability badged 0xc1).
function pairSetup(opts: { clientRights?: number; serverRights?: number; serverPrio?: number; clientPrio?: number } = {}) {
  return (w: W) => {
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const server = w.proc(opts.serverPrio ?? 100), client = w.proc(opts.clientPrio ?? 100);
    w.grant(server, epSlot, EP, opts.serverRights ?? (R.RIGHT_READ | R.RIGHT_GRANT));
    w.grant(client, epSlot, EP, opts.clientRights ?? (R.RIGHT_WRITE | R.RIGHT_GRANT), 0xc1n);
    return { epSlot, ep, server, client };
  };
}

const call = (p: (s: any) => Proc, inf: bigint, words: bigint[] = [], slot: number | bigint = EP) =>
  (w: W, fast: boolean, s: any) => sys(w, fast, SYS_CALL, p(s), slot, inf, words);
const replyRecv = (p: (s: any) => Proc, inf: bigint, words: bigint[] = [], slot: number | bigint = EP) =>
  (w: W, fast: boolean, s: any) => sys(w, fast, SYS_REPLY_RECV, p(s), slot, inf, words);
const recvGeneral = (p: (s: any) => Proc) => (w: W, _fast: boolean, s: any) => w.recv(p(s), EP);

const srv = (s: any) => s.server as Proc, cli = (s: any) => s.client as Proc;

describe("the fast path applies and does what the general path does", () => {
  it("call + reply_recv round trips, every message length, badges, labels", async () => {
    const { f, sf, step } = await twins(pairSetup());
    step("server receives", true, recvGeneral(srv)); // recv has no fast path (not counted)
    for (let len = 0; len <= 4; len++) {
      const words = [11n, 22n, 33n, 44n].map((x) => x + BigInt(len)).slice(0, len);
      step(`call, ${len} words`, true, call(cli, info(0x1234_5678_9an + BigInt(len), len), [...words, 99n, 98n, 97n, 96n].slice(0, 4)));
      expect(f.ex.execCur()).toBe(sf.server.t);
      expect(f.regs(sf.server)).toEqual({ rax: 0n, badge: 0xc1n, info: info(0x1234_5678_9an + BigInt(len), len), words: [...words, 0n, 0n, 0n, 0n].slice(0, 4) });
      expect(f.state(sf.client)).toBe(TS.BLOCKED_REPLY);
      step(`reply_recv, ${len} words`, true, replyRecv(srv, info(7, len), [1n, 2n, 3n, 4n]));
      expect(f.ex.execCur()).toBe(sf.client.t);
      expect(f.state(sf.server)).toBe(TS.BLOCKED_RECV);
      expect(f.regs(sf.client)).toEqual({ rax: 0n, badge: 0n, info: info(7, len), words: [1n, 2n, 3n, 4n].map((x, i) => (i < len ? x : 0n)) });
    }
  });

  it("info bits beyond the length and the capability count are dropped as the general path drops them", async () => {
    const { step } = await twins(pairSetup());
    step("server receives", true, recvGeneral(srv));
    step("call, info with bits 9..15 set", true, call(cli, info(5, 4) | 0xfe00n, [1n, 2n, 3n, 4n]));
    step("reply_recv, info with bits 9..15 set", true, replyRecv(srv, info(6, 3) | 0xfe00n, [1n, 2n, 3n]));
  });

  it("capabilities without GRANT: the reply state and receive flags are the general path's", async () => {
    const { step } = await twins(pairSetup({ clientRights: R.RIGHT_WRITE, serverRights: R.RIGHT_READ }));
    step("server receives", true, recvGeneral(srv));
    for (let i = 0; i < 3; i++) {
      step("call", true, call(cli, info(i, 2), [5n, 6n]));
      step("reply_recv", true, replyRecv(srv, info(i + 1, 2), [7n, 8n]));
    }
  });

  it("several receivers queued on the endpoint, several callers", async () => {
    const { f, sf, step, both } = await twins((w: W) => {
      const base = pairSetup()(w);
      const server2 = w.proc(100), client2 = w.proc(100);
      w.grant(server2, base.epSlot, EP, R.RIGHT_READ);
      w.grant(client2, base.epSlot, EP, R.RIGHT_WRITE, 0xc2n);
      return { ...base, server2, client2 };
    });
    step("server receives", true, recvGeneral(srv));
    step("server2 receives", true, recvGeneral((s) => s.server2));
    step("call takes the first receiver (a second one waits behind it)", true, call(cli, info(1, 1), [1n]));
    expect(f.ex.execCur()).toBe(sf.server.t);
    step("reply_recv queues behind server2", true, replyRecv(srv, info(2, 1), [2n]));
    expect(f.ex.execCur()).toBe(sf.client.t);
    step("client2 calls: server2 is the head now", true, call((s) => s.client2, info(3, 4), [1n, 2n, 3n, 4n]));
    expect(f.ex.execCur()).toBe(sf.server2.t);
    expect(f.regs(sf.server2).badge).toBe(0xc2n);
    step("server2 replies and waits behind server", true, replyRecv((s) => s.server2, info(4, 0)));
    expect(f.ex.execCur()).toBe(sf.client2.t);
  });

  it("two threads of one process (one address space: no CR3 write)", async () => {
    const { f, sf, step } = await twins((w: W) => {
      const [epSlot] = w.create(T.OBJ_ENDPOINT);
      const [cnSlot, cn] = w.create(T.OBJ_CNODE);
      const [spSlot] = w.create(T.OBJ_ADDRESS_SPACE);
      const [s1, t1] = w.create(T.OBJ_THREAD, 100n);
      const [s2, t2] = w.create(T.OBJ_THREAD, 100n);
      w.ok(w.ex.threadConfigure(w.root, s1, spSlot, cnSlot, NONE, 0n));
      w.ok(w.ex.threadConfigure(w.root, s2, spSlot, cnSlot, NONE, 0n));
      w.ok(w.ex.capMint(w.root, epSlot, cn, EP, R.RIGHT_READ | R.RIGHT_WRITE, 0x77n));
      const server: Proc = { t: t1, cn, tslot: s1, buf: 0n, bufPhys: 0n };
      const client: Proc = { t: t2, cn, tslot: s2, buf: 0n, bufPhys: 0n };
      return { server, client };
    });
    step("server receives", true, recvGeneral(srv));
    const cr3 = f.m.cr3;
    step("call", true, call(cli, info(1, 4), [1n, 2n, 3n, 4n]));
    step("reply_recv", true, replyRecv(srv, info(2, 4), [5n, 6n, 7n, 8n]));
    expect(f.m.cr3).toBe(cr3);
    expect(f.regs(sf.client).badge).toBe(0n);
  });

  it("a partner of higher priority than the caller", async () => {
    const { f, sf, step } = await twins(pairSetup({ serverPrio: 200, clientPrio: 100 }));
    step("server receives", true, recvGeneral(srv));
    step("call to the higher server", true, call(cli, info(1, 1), [1n]));
    step("reply_recv to the lower client (nothing else runnable)", true, replyRecv(srv, info(2, 1), [2n]));
    expect(f.ex.execCur()).toBe(sf.client.t);
  });
});

describe("anything unusual goes to the general path, with the same outcome", () => {
  it("messages that carry a capability or are too long; long ones before the IPC buffers are cached", async () => {
    const { step } = await twins(pairSetup());
    step("server receives", true, recvGeneral(srv));
    // The first long message resolves both IPC buffers (ipc.ts bufBase fills the TCBs' cache).
    step("call, 5 words (IPC buffer, not cached yet)", false, call(cli, info(1, 5), [1n, 2n, 3n, 4n]));
    step("reply_recv, 6 words (both buffers cached now: fast)", true, replyRecv(srv, info(2, 6), [1n, 2n, 3n, 4n]));
    step("call, a capability (no send slot set: the general path's error)", false, call(cli, info(3, 1, 1), [1n]));
    step("call, 64 words (cached: fast)", true, call(cli, info(3, 64)));
    step("reply_recv, 64 words (fast)", true, replyRecv(srv, info(4, 64), [5n, 6n, 7n, 8n]));
    step("call, length 65", false, call(cli, info(3, 65)));
    step("call, caps field 2", false, call(cli, info(3, 0, 2)));
  });

  it("long messages through the cached IPC buffers; any unmap sends them to the general path again", async () => {
    const { g, f, sg, sf, step, both } = await twins(pairSetup());
    step("server receives", true, recvGeneral(srv));
    both((w, s) => { for (let i = 4; i < 64; i++) w.setBufWord(cli(s), i, 0x5000n + BigInt(i)); });
    step("call, 9 words (general: fills the cache)", false, call(cli, info(1, 9), [1n, 2n, 3n, 4n]));
    step("reply_recv, 2 words", true, replyRecv(srv, info(2, 2), [1n, 2n]));
    step("call, 40 words (fast)", true, call(cli, info(1, 40), [1n, 2n, 3n, 4n]));
    for (const w of [g, f]) {
      const s = w === g ? sg : sf;
      for (let i = 4; i < 40; i++) expect(w.bufWord(srv(s), i)).toBe(0x5000n + BigInt(i));
      expect(w.bufWord(srv(s), 40)).toBe(0n);
    }
    step("reply_recv, 2 words", true, replyRecv(srv, info(2, 2), [1n, 2n]));
    // An unmap anywhere (here: a page nobody uses for IPC) drops every cached buffer.
    both((w) => {
      const [sp] = w.create(T.OBJ_ADDRESS_SPACE);
      const [mem] = w.create(T.OBJ_MEMORY);
      w.ok(w.ex.memMap(w.root, sp, w.root, mem, 0x1234_0000n, 1));
      w.ok(w.ex.memUnmap(w.root, mem));
    });
    step("call, 40 words after an unmap (general again)", false, call(cli, info(1, 40), [1n, 2n, 3n, 4n]));
    step("reply_recv, 40 words (cached again: fast)", true, replyRecv(srv, info(2, 40), [1n, 2n, 3n, 4n]));
  });

  it("bad capabilities: out of range, empty, wrong type, missing right, huge slot numbers", async () => {
    const { f, sf, step } = await twins((w: W) => {
      const s = pairSetup()(w);
      w.grant(s.client, s.epSlot, 2, R.RIGHT_READ);  // call needs WRITE
      w.grant(s.server, s.epSlot, 2, R.RIGHT_WRITE); // reply_recv needs READ
      const [nSlot] = w.create(T.OBJ_NOTIFICATION);
      w.grant(s.client, nSlot, 3, R.RIGHT_WRITE | R.RIGHT_READ);
      w.grant(s.server, nSlot, 3, R.RIGHT_WRITE | R.RIGHT_READ);
      return s;
    });
    step("server receives", true, recvGeneral(srv));
    const bad = [[128, "slot 128"], [5, "an empty slot"], [3, "a notification"], [2, "a missing right"],
      [1n << 32n, "slot 2^32"], [(1n << 32n) + 1n, "slot 2^32 + 1"], [(1n << 64n) - 1n, "slot 2^64 - 1"]] as const;
    for (const [slot, what] of bad) {
      expect(step(`call on ${what}`, false, call(cli, info(1, 1), [1n], slot))).toBeLessThan(0);
      step("call", true, call(cli, info(1, 1), [1n]));
      expect(step(`reply_recv on ${what}`, false, replyRecv(srv, info(1, 1), [1n], slot))).toBeLessThan(0);
      expect(f.ex.ipcCallerOf(sf.server.t)).toBe(sf.client.t + 1); // still held
      step("reply_recv", true, replyRecv(srv, info(2, 1), [2n]));
    }
  });

  it("call with no receiver waiting queues the caller; reply_recv with a sender queued takes it", async () => {
    const { f, sf, step } = await twins((w: W) => {
      const base = pairSetup()(w);
      const client2 = w.proc(100);
      w.grant(client2, base.epSlot, EP, R.RIGHT_WRITE, 0xc2n);
      return { ...base, client2 };
    });
    step("call, nobody receives: queued", false, call(cli, info(1, 2), [1n, 2n]));
    expect(f.state(sf.client)).toBe(TS.BLOCKED_SEND);
    step("call of client2: queued behind", false, call((s) => s.client2, info(2, 2), [3n, 4n]));
    step("reply_recv with no call held, a sender queued", false, replyRecv(srv, info(0, 0)));
    expect(f.ex.ipcCallerOf(sf.server.t)).toBe(sf.client.t + 1);
    step("reply_recv with a sender queued", false, replyRecv(srv, info(9, 1), [9n]));
    expect(f.ex.ipcCallerOf(sf.server.t)).toBe(sf.client2.t + 1);
    step("reply_recv, nobody queued: the fast path again", true, replyRecv(srv, info(10, 1), [10n]));
  });

  it("reply_recv without a call held, or whose caller is gone", async () => {
    const { f, sf, step, both } = await twins(pairSetup());
    step("first reply_recv: nothing held", false, replyRecv(srv, info(0, 0)));
    step("call", true, call(cli, info(1, 1), [1n]));
    both((w, s) => w.ex.execStop(s.client.t)); // the caller stops (fault, exit)
    step("reply_recv: the caller stopped", false, replyRecv(srv, info(2, 1), [2n]));
    expect(f.state(sf.server)).toBe(TS.BLOCKED_RECV);
  });

  it("reply_recv whose caller was destroyed, and its TCB reused", async () => {
    const { f, sf, step, both } = await twins((w: W) => ({ ...pairSetup()(w), client2: null as Proc | null, client3: null as Proc | null }));
    step("server receives", true, recvGeneral(srv));
    step("call", true, call(cli, info(1, 1), [1n]));
    both((w, s) => w.ok(w.ex.capDelete(w.root, s.client.tslot))); // the caller's thread is destroyed
    step("reply_recv: the caller is gone", false, replyRecv(srv, info(2, 1), [2n]));
    expect(f.state(sf.server)).toBe(TS.BLOCKED_RECV);
    both((w, s) => { s.client2 = w.proc(100); w.grant(s.client2!, s.epSlot, EP, R.RIGHT_WRITE, 0xc2n); });
    step("call of a new client (perhaps in the same TCB)", true, call((s) => s.client2, info(3, 1), [3n]));
    both((w, s) => w.ok(w.ex.capDelete(w.root, s.client2!.tslot)));
    both((w, s) => { s.client3 = w.proc(100); });
    step("reply_recv: the caller is gone, its TCB reused", false, replyRecv(srv, info(4, 1), [4n]));
  });

  it("a receiver or a caller that would not run: a runnable thread outranks it", async () => {
    const { f, sf, step, both } = await twins((w: W) => {
      const base = pairSetup({ serverPrio: 100, clientPrio: 100 })(w);
      const other = w.proc(150);
      return { ...base, other };
    });
    step("server receives", true, recvGeneral(srv));
    // A thread of priority 150 becomes runnable (as if woken by an interrupt).
    both((w, s) => w.ex.schedEnqueue(s.other.t));
    step("call: the server (100) may not run before the 150 one", false, call(cli, info(1, 1), [1n]));
    expect(f.ex.execCur()).toBe(sf.other.t);
    both((w, s) => { w.ex.schedDequeue(s.other.t); w.ex.schedEnqueue(s.other.t); });
    step("reply_recv: the caller (100) may not run before it", false, replyRecv(srv, info(2, 1), [2n]));
    expect(f.ex.execCur()).toBe(sf.other.t);
    // Without it, the fast path again.
    both((w, s) => { w.ex.schedDequeue(s.other.t); });
    step("call", true, call(cli, info(3, 1), [3n]));
    step("reply_recv", true, replyRecv(srv, info(4, 1), [4n]));
  });

  it("equal priority in the run queue does not stop it (handOff's rule)", async () => {
    const { f, sf, step, both } = await twins((w: W) => {
      const base = pairSetup()(w);
      const other = w.proc(100);
      return { ...base, other };
    });
    step("server receives", true, recvGeneral(srv));
    both((w, s) => w.ex.schedEnqueue(s.other.t));
    step("call", true, call(cli, info(1, 1), [1n]));
    step("reply_recv", true, replyRecv(srv, info(2, 1), [2n]));
    expect(f.ex.execCur()).toBe(sf.client.t);
  });

  it("a server with a bound notification: fast while it has no bits, general when it has", async () => {
    const { f, sf, step, both } = await twins((w: W) => {
      const base = pairSetup()(w);
      const [nSlot] = w.create(T.OBJ_NOTIFICATION);
      w.grant(base.server, nSlot, 2, R.RIGHT_READ);
      w.grant(base.server, nSlot, 3, R.RIGHT_WRITE, 0x40n);
      return base;
    });
    both((w, s) => { w.run(s.server); expect(Number(w.ex.ntfnSysBind(s.server.t, 2n))).toBe(0); });
    step("server receives", true, recvGeneral(srv));
    step("call", true, call(cli, info(1, 1), [1n]));
    step("reply_recv, bound notification without bits", true, replyRecv(srv, info(2, 1), [2n]));
    step("call", true, call(cli, info(3, 1), [3n]));
    both((w, s) => { w.run(s.server); expect(Number(w.ex.ntfnSysSignal(s.server.t, 3n))).toBe(0); });
    step("reply_recv with bits pending: they are the message, no blocking", false, replyRecv(srv, info(4, 1), [4n]));
    expect(f.ex.execCur()).toBe(sf.server.t);
    expect(f.regs(sf.server).badge).toBe(0x40n);
    expect(f.state(sf.client)).toBe(TS.RUNNABLE);
  });

  it("a thread whose CNode is gone", async () => {
    const { step, both } = await twins(pairSetup());
    step("server receives", true, recvGeneral(srv));
    // The client's CNode reference goes stale: its CNode's capability is deleted
    // after emptying it (cap.ts refuses to delete a non-empty CNode).
    both((w, s) => {
      w.ok(w.ex.capDelete(s.client.cn, EP));
      const cnSlot = [...Array(64).keys()].find((i) => w.ex.slotType(w.ex.slotId(w.root, i)) === T.OBJ_CNODE && w.ex.slotObj(w.ex.slotId(w.root, i)) === s.client.cn);
      w.ok(w.ex.capDelete(w.root, cnSlot!));
    });
    step("call with a stale CNode", false, call(cli, info(1, 1), [1n]));
  });
});

describe("sched.ts schedTopPriority (the fast path's priority test)", () => {
  it("stays the highest priority of a queued thread through random queue operations", async () => {
    const w = await world(compileFast);
    const threads = [0, 1, 5, 63, 64, 100, 100, 127, 128, 200, 255, 255].map((p) => w.create(T.OBJ_THREAD, BigInt(p))[1]);
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let i = 0; i < 2000; i++) {
      const t = threads[rnd(threads.length)];
      const op = rnd(4);
      if (op === 0) w.ex.schedEnqueue(t);
      else if (op === 1) w.ex.schedEnqueueFront(t);
      else if (op === 2) w.ex.schedDequeue(t);
      else w.ex.schedSetPriority(t, rnd(256));
      const queued = threads.filter((x) => w.ex.tcbQueued(x) !== 0).map((x) => w.ex.tcbPriority(x) as number);
      expect(w.ex.schedTopPriority(), `after operation ${i}`).toBe(queued.length ? Math.max(...queued) : -1);
    }
  });
});

describe("boot/entry.asm", () => {
  it("routes the same numbers as the ABI table to the fast path", () => {
    const asm = readFileSync(join(ROOT, "boot/entry.asm"), "utf8");
    const equ = (name: string) => BigInt(asm.match(new RegExp(`^${name}\\s+equ\\s+(\\d+)`, "m"))![1]);
    expect(equ("SYS_CALL")).toBe(SYS_CALL);
    expect(equ("SYS_REPLY_RECV")).toBe(SYS_REPLY_RECV);
  });
});
