// notification.test.ts — kernel/notification.ts: signal ORs badges, wait
// returns and clears (blocking while zero, FIFO waiters, priorities when
// woken), poll never blocks, rights, deleted notifications and stopped
// waiters; IRQs bound to notifications: masked when they fire, until
// irq_ack.

import { beforeAll, describe, expect, it } from "vitest";
import { compileIpc, world, TS, type Proc } from "./ipcworld";
import { E, R, T } from "./corekernel";

beforeAll(async () => { await compileIpc(); }, 120_000);

const N = 1; // the notification's slot in every test process

async function setup() {
  const w = await world();
  const [nSlot, n] = w.create(T.OBJ_NOTIFICATION);
  const signal = (p: Proc, slot = N) => { w.run(p); return Number(w.ex.ntfnSysSignal(p.t, BigInt(slot))); };
  const wait = (p: Proc, slot = N, blocking = true) => { w.run(p); return Number(w.ex.ntfnSysWait(p.t, BigInt(slot), blocking)); };
  return { ...w, nSlot, n, signal, wait };
}

describe("notifications", () => {
  it("signal ORs the badge; wait returns the bits and clears them", async () => {
    const w = await setup();
    const a = w.proc(), b = w.proc(), rx = w.proc();
    w.grant(a, w.nSlot, N, R.RIGHT_WRITE, 0b0100n);
    w.grant(b, w.nSlot, N, R.RIGHT_WRITE, 0b0001n);
    w.grant(rx, w.nSlot, N, R.RIGHT_READ);
    expect(w.signal(a)).toBe(0);
    expect(w.signal(b)).toBe(0);
    expect(w.signal(a)).toBe(0);
    expect(w.ex.ntfnWord(w.n)).toBe(0b0101n);
    expect(w.wait(rx)).toBe(0);
    expect(w.regs(rx).badge).toBe(0b0101n);
    expect(w.ex.ntfnWord(w.n)).toBe(0n);
    expect(w.ex.execCur()).toBe(rx.t);
  });

  it("an unbadged capability signals bit 0; poll never blocks", async () => {
    const w = await setup();
    const p = w.proc();
    w.grant(p, w.nSlot, N);
    expect(w.wait(p, N, false)).toBe(0);
    expect(w.regs(p).badge).toBe(0n);
    w.signal(p);
    expect(w.wait(p, N, false)).toBe(0);
    expect(w.regs(p).badge).toBe(1n);
    expect(w.ex.ntfnWord(w.n)).toBe(0n);
  });

  it("waiters block while the word is zero and are woken one per signal, FIFO", async () => {
    const w = await setup();
    const x = w.proc(100), y = w.proc(100), s = w.proc(100);
    w.grant(x, w.nSlot, N); w.grant(y, w.nSlot, N);
    w.grant(s, w.nSlot, N, R.RIGHT_WRITE, 0x10n);
    expect(w.wait(x)).toBe(0);
    expect(w.state(x)).toBe(TS.BLOCKED_NOTIFY);
    expect(w.ex.execCur()).toBe(-1);
    w.wait(y);
    expect(w.ex.ntfnHead(w.n)).toBe(x.t);
    w.signal(s);
    expect(w.state(x)).toBe(TS.RUNNABLE);
    expect(w.regs(x)).toMatchObject({ rax: 0n, badge: 0x10n });
    expect(w.state(y)).toBe(TS.BLOCKED_NOTIFY);
    expect(w.ex.ntfnWord(w.n)).toBe(0n);
    w.signal(s);
    expect(w.state(y)).toBe(TS.RUNNABLE);
    expect(w.ex.ntfnHead(w.n)).toBe(-1);
  });

  it("a woken waiter of higher priority runs at once", async () => {
    const w = await setup();
    const hi = w.proc(200), lo = w.proc(10);
    w.grant(hi, w.nSlot, N); w.grant(lo, w.nSlot, N);
    w.wait(hi);
    w.signal(lo);
    expect(w.ex.execCur()).toBe(hi.t);
    expect(w.state(lo)).toBe(TS.RUNNABLE);
  });

  it("checks rights and types", async () => {
    const w = await setup();
    const [epSlot] = w.create(T.OBJ_ENDPOINT);
    const p = w.proc();
    w.grant(p, w.nSlot, 1, R.RIGHT_READ);
    w.grant(p, w.nSlot, 2, R.RIGHT_WRITE);
    w.grant(p, epSlot, 3);
    expect(w.signal(p, 1)).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.wait(p, 2)).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.wait(p, 3)).toBe(-E.WRONG_TYPE);
    expect(w.signal(p, 9)).toBe(-E.EMPTY_SLOT);
    expect(w.ex.ntfnWord(w.n)).toBe(0n);
    // send on a notification capability signals too
    expect(w.send(p, 2, 0n)).toBe(0);
    expect(w.ex.ntfnWord(w.n)).toBe(1n);
  });

  it("deleting the notification wakes its waiters with CANCELLED; a stopped waiter leaves the queue", async () => {
    const w = await setup();
    const a = w.proc(), b = w.proc();
    w.grant(a, w.nSlot, N); w.grant(b, w.nSlot, N);
    w.wait(a); w.wait(b);
    w.ex.ipcStop(a.t);
    expect(w.state(a)).toBe(TS.INACTIVE);
    expect(w.ex.ntfnWaitingOn(a.t)).toBe(-1);
    expect(w.ex.ntfnHead(w.n)).toBe(b.t);
    for (const p of [a, b]) w.ok(w.ex.capDelete(p.cn, N));
    w.ok(w.ex.capDelete(w.root, w.nSlot));
    expect(w.state(b)).toBe(TS.RUNNABLE);
    expect(w.regs(b).rax).toBe(BigInt(-E.CANCELLED));
    expect(w.state(a)).toBe(TS.INACTIVE);
  });
});

describe("IRQs", () => {
  async function irqSetup(irq = 4) {
    const w = await setup();
    const [hSlot] = w.create(T.OBJ_IRQ_HANDLER, BigInt(irq));
    const drv = w.proc(150);
    w.grant(drv, hSlot, 2);
    w.grant(drv, w.nSlot, N, R.RIGHT_READ | R.RIGHT_WRITE, 0x8n);
    const bind = (slot = N) => { w.run(drv); return Number(w.ex.irqSysSetNotification(drv.t, 2n, BigInt(slot))); };
    const ack = () => { w.run(drv); return Number(w.ex.irqSysAck(drv.t, 2n)); };
    return { ...w, irq, drv, bind, ack };
  }

  it("lines start masked; a bound IRQ signals its badge, masks the line until irq_ack", async () => {
    const w = await irqSetup();
    expect(w.ex.irqMasked(w.irq)).toBeTruthy();
    expect(w.bind()).toBe(0);
    expect(w.ack()).toBe(0);
    expect(w.ex.irqMasked(w.irq)).toBeFalsy();
    w.wait(w.drv);
    expect(w.state(w.drv)).toBe(TS.BLOCKED_NOTIFY);
    expect(w.ex.irqNotify(w.irq)).toBeTruthy();
    expect(w.ex.irqMasked(w.irq)).toBeTruthy();
    expect(w.ex.execCur()).toBe(w.drv.t); // woken from idle
    expect(w.regs(w.drv)).toMatchObject({ rax: 0n, badge: 0x8n });
    expect(w.ack()).toBe(0);
    expect(w.ex.irqMasked(w.irq)).toBeFalsy();
    // Fired while nobody waits: the bit stays in the word.
    expect(w.ex.irqNotify(w.irq)).toBeTruthy();
    expect(w.ex.ntfnWord(w.n)).toBe(0x8n);
  });

  it("unbound or stale bindings signal nothing; binding checks its capabilities", async () => {
    const w = await irqSetup(9);
    expect(w.ex.irqNotify(9)).toBeFalsy();
    expect(w.ex.irqMasked(9)).toBeTruthy();
    w.grant(w.drv, w.nSlot, 3, R.RIGHT_READ);
    expect(w.bind(3)).toBe(-E.INSUFFICIENT_RIGHTS);
    w.run(w.drv);
    expect(Number(w.ex.irqSysSetNotification(w.drv.t, BigInt(N), BigInt(N)))).toBe(-E.WRONG_TYPE);
    expect(Number(w.ex.irqSysAck(w.drv.t, 7n))).toBe(-E.EMPTY_SLOT);
    expect(w.bind()).toBe(0);
    expect(w.bind(1000)).toBe(0); // unbind
    expect(w.ex.irqNotify(9)).toBeFalsy();
    expect(w.bind()).toBe(0);
    for (const s of [N, 3]) w.ok(w.ex.capDelete(w.drv.cn, s));
    w.ok(w.ex.capDelete(w.root, w.nSlot)); // the notification is gone
    expect(w.ex.irqNotify(9)).toBeFalsy();
  });
});

describe("bound notifications", () => {
  const LABEL_NOTIFICATION = 0xffff_ffff_fffen;
  async function boundSetup() {
    const w = await setup();
    const [epSlot, ep] = w.create(T.OBJ_ENDPOINT);
    const srv = w.proc(100), cli = w.proc(100), sig = w.proc(100);
    w.grant(srv, epSlot, 2, R.RIGHT_READ);
    w.grant(cli, epSlot, 2, R.RIGHT_WRITE, 0xc1n);
    w.grant(srv, w.nSlot, N, R.RIGHT_READ);
    w.grant(sig, w.nSlot, N, R.RIGHT_WRITE, 0x40n);
    const bind = (p: Proc, slot = N) => { w.run(p); return Number(w.ex.ntfnSysBind(p.t, BigInt(slot))); };
    return { ...w, ep, srv, cli, sig, bind };
  }

  it("a signal wakes the bound thread out of its receive, with the bits", async () => {
    const w = await boundSetup();
    expect(w.bind(w.srv)).toBe(0);
    expect(w.recv(w.srv, 2)).toBe(0);
    expect(w.ex.epCount(w.ep)).toBe(1);
    expect(w.signal(w.sig)).toBe(0);
    expect(w.state(w.srv)).toBe(TS.RUNNABLE);
    expect(w.ex.epCount(w.ep)).toBe(0);
    expect(w.regs(w.srv)).toEqual({ rax: 0n, badge: 0x40n, info: LABEL_NOTIFICATION << 16n, words: [0n, 0n, 0n, 0n] });
    expect(w.ex.ntfnWord(w.n)).toBe(0n);
    // Messages still arrive as usual.
    w.recv(w.srv, 2);
    w.send(w.cli, 2, 7n << 16n);
    expect(w.regs(w.srv)).toMatchObject({ badge: 0xc1n, info: 7n << 16n });
  });

  it("pending bits make a receive return at once; reply_recv answers first", async () => {
    const w = await boundSetup();
    w.bind(w.srv);
    w.recv(w.srv, 2);
    w.call(w.cli, 2, 1n << 16n);
    expect(w.ex.execCur()).toBe(w.srv.t);
    w.signal(w.sig);                         // srv is running: the bits wait
    expect(w.ex.ntfnBoundPending(w.srv.t)).toBeTruthy();
    expect(w.replyRecv(w.srv, 2, 2n << 16n)).toBe(0);
    expect(w.state(w.cli)).toBe(TS.RUNNABLE); // answered
    expect(w.regs(w.cli).info).toBe(2n << 16n);
    expect(w.ex.execCur()).toBe(w.srv.t);    // did not block
    expect(w.regs(w.srv)).toMatchObject({ rax: 0n, badge: 0x40n, info: LABEL_NOTIFICATION << 16n });
    expect(w.ex.ntfnBoundPending(w.srv.t)).toBeFalsy();
  });

  it("one thread per notification; unbinding and deleting forget the binding", async () => {
    const w = await boundSetup();
    const other = w.proc();
    w.grant(other, w.nSlot, N, R.RIGHT_READ);
    w.grant(other, w.nSlot, 3, R.RIGHT_WRITE);
    expect(w.bind(w.srv)).toBe(0);
    expect(w.bind(other)).toBe(-E.BUSY);
    expect(w.bind(other, 3)).toBe(-E.INSUFFICIENT_RIGHTS);
    expect(w.bind(w.srv, 1000)).toBe(0);     // unbind
    expect(w.bind(other)).toBe(0);
    w.recv(w.srv, 2);
    w.signal(w.sig);
    expect(w.state(w.srv)).toBe(TS.BLOCKED_RECV); // no longer bound
    expect(w.ex.ntfnWord(w.n)).toBe(0x40n);
    w.ok(w.ex.capDelete(w.root, other.tslot));     // the bound thread dies
    expect(w.bind(w.srv)).toBe(0);
  });
});
