// endpoint.test.ts — kernel/endpoint.ts: the endpoint wait queue (who meets
// whom, FIFO order, one kind of waiter at a time), cancelling a wait,
// destroying an endpoint or a waiting thread, the register message, and a
// long random run checked against a plain model.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, loadCore, T } from "./corekernel";

beforeAll(async () => { await compileCore(); }, 60_000);

const EP_IDLE = 0, EP_SEND = 1, EP_RECV = 2;
const TS_INACTIVE = 0, TS_RUNNABLE = 1, TS_BLOCKED_SEND = 2, TS_BLOCKED_RECV = 3;
// tcb.ts register indexes
const RSI = 4, RDX = 3, R10 = 10, R8 = 8, R9 = 9, RAX = 0, RDI = 5;

async function setup() {
  const { ex } = await loadCore();
  ex.objectsInit();
  const root = ex.cnodeCreateRoot();
  let next = 1;
  const create = (type: number, param = 0): { obj: number; slot: number } => {
    const slot = next++;
    expect(ex.capCreate(type, root, slot, BigInt(param))).toBe(E.OK);
    return { obj: ex.createdObj(), slot };
  };
  const thread = () => create(T.OBJ_THREAD, 100).obj;
  const endpoint = () => create(T.OBJ_ENDPOINT).obj;
  return { ex, root, create, thread, endpoint };
}

describe("endpoint queue", () => {
  it("a new endpoint is idle and empty", async () => {
    const { ex, endpoint } = await setup();
    const e = endpoint();
    expect(ex.epState(e)).toBe(EP_IDLE);
    expect(ex.epHead(e)).toBe(-1);
    expect(ex.epCount(e)).toBe(0);
  });

  it("a receiver waits, then a sender meets it at once", async () => {
    const { ex, thread, endpoint } = await setup();
    const e = endpoint(), server = thread(), client = thread();
    expect(ex.epRecv(e, server)).toBe(E.OK);
    expect(ex.epPartner()).toBe(-1);
    expect(ex.epState(e)).toBe(EP_RECV);
    expect(ex.tcbState(server)).toBe(TS_BLOCKED_RECV);
    expect(ex.epWaitingOn(server)).toBe(e);
    expect(ex.epSend(e, client)).toBe(E.OK);
    expect(ex.epPartner()).toBe(server);
    expect(ex.epState(e)).toBe(EP_IDLE);
    expect(ex.epCount(e)).toBe(0);
    expect(ex.tcbState(server)).toBe(TS_INACTIVE);
    expect(ex.epWaitingOn(server)).toBe(-1);
    expect(ex.epWaitingOn(client)).toBe(-1);
  });

  it("senders queue in FIFO order and receivers take them in that order", async () => {
    const { ex, thread, endpoint } = await setup();
    const e = endpoint(), srv = thread();
    const senders = [thread(), thread(), thread(), thread()];
    for (const s of senders) {
      expect(ex.epSend(e, s)).toBe(E.OK);
      expect(ex.epPartner()).toBe(-1);
      expect(ex.tcbState(s)).toBe(TS_BLOCKED_SEND);
    }
    expect(ex.epState(e)).toBe(EP_SEND);
    expect(ex.epCount(e)).toBe(4);
    for (const s of senders) {
      expect(ex.epRecv(e, srv)).toBe(E.OK);
      expect(ex.epPartner()).toBe(s);
    }
    expect(ex.epState(e)).toBe(EP_IDLE);
    // Nobody left: the receiver now waits.
    expect(ex.epRecv(e, srv)).toBe(E.OK);
    expect(ex.epPartner()).toBe(-1);
    expect(ex.epState(e)).toBe(EP_RECV);
  });

  it("refuses a thread that already waits, a queued thread, and non-objects", async () => {
    const { ex, thread, endpoint } = await setup();
    const e = endpoint(), f = endpoint(), t = thread(), u = thread();
    expect(ex.epSend(e, t)).toBe(E.OK);
    expect(ex.epSend(f, t)).toBe(E.BUSY);
    expect(ex.epRecv(e, t)).toBe(E.BUSY);
    expect(ex.schedEnqueue(u)).toBe(E.OK);
    expect(ex.epRecv(e, u)).toBe(E.BUSY);
    expect(ex.epSend(e, 200)).toBe(E.WRONG_TYPE);
    expect(ex.epSend(300, u)).toBe(E.WRONG_TYPE);
    expect(ex.epCount(e)).toBe(1);
  });

  it("cancel takes a waiter out of the head, middle or tail", async () => {
    const { ex, thread, endpoint } = await setup();
    const e = endpoint(), srv = thread();
    const [a, b, c, d] = [thread(), thread(), thread(), thread()];
    for (const s of [a, b, c, d]) ex.epSend(e, s);
    expect(ex.epCancel(b)).toBeTruthy();
    expect(ex.epCancel(a)).toBeTruthy();
    expect(ex.epCancel(d)).toBeTruthy();
    expect(ex.epCancel(d)).toBeFalsy();
    expect(ex.tcbState(b)).toBe(TS_INACTIVE);
    expect(ex.epCount(e)).toBe(1);
    expect(ex.epHead(e)).toBe(c);
    expect(ex.epNextOf(c)).toBe(-1);
    expect(ex.epRecv(e, srv)).toBe(E.OK);
    expect(ex.epPartner()).toBe(c);
    expect(ex.epCancel(c)).toBeFalsy();
    expect(ex.epState(e)).toBe(EP_IDLE);
    // The cancelled threads can wait again.
    expect(ex.epSend(e, b)).toBe(E.OK);
    expect(ex.epHead(e)).toBe(b);
  });

  it("deleting the last endpoint capability wakes its waiters with CANCELLED (ipc.ts)", async () => {
    const { ex, root, create, thread } = await setup();
    const { obj: e, slot } = create(T.OBJ_ENDPOINT);
    const ts = [thread(), thread(), thread()];
    for (const t of ts) ex.epRecv(e, t);
    expect(ex.capDelete(root, slot)).toBe(E.OK);
    for (const t of ts) {
      expect(ex.tcbState(t)).toBe(TS_RUNNABLE);
      expect(ex.tcbReg(t, RAX)).toBe(BigInt(-E.CANCELLED));
      expect(ex.epWaitingOn(t)).toBe(-1);
    }
    // A new endpoint in the recycled record starts empty.
    const { obj: e2 } = create(T.OBJ_ENDPOINT);
    expect(e2).toBe(e);
    expect(ex.epCount(e2)).toBe(0);
    expect(ex.epSend(e2, ts[0])).toBe(E.OK);
    expect(ex.epPartner()).toBe(-1);
  });

  it("deleting a waiting thread takes it out of the queue", async () => {
    const { ex, root, create, endpoint } = await setup();
    const e = endpoint();
    const a = create(T.OBJ_THREAD, 100), b = create(T.OBJ_THREAD, 100), c = create(T.OBJ_THREAD, 100);
    for (const t of [a, b, c]) ex.epSend(e, t.obj);
    expect(ex.capDelete(root, b.slot)).toBe(E.OK);
    expect(ex.epCount(e)).toBe(2);
    expect(ex.epHead(e)).toBe(a.obj);
    expect(ex.epNextOf(a.obj)).toBe(c.obj);
  });

  it("transfers the label and four words, nothing else", async () => {
    const { ex, thread } = await setup();
    const s = thread(), r = thread();
    const msg = [[RSI, 0x1234n], [RDX, 0xdeadbeefcafef00dn], [R10, 2n], [R8, 3n], [R9, 0xffffffffffffffffn]] as const;
    for (const [reg, v] of msg) ex.tcbSetReg(s, reg, v);
    ex.tcbSetReg(s, RAX, 77n); ex.tcbSetReg(s, RDI, 5n);
    ex.tcbSetReg(r, RAX, 9n); ex.tcbSetReg(r, RDI, 6n);
    ex.epTransfer(s, r);
    for (const [reg, v] of msg) expect(ex.tcbReg(r, reg)).toBe(BigInt.asIntN(64, v));
    expect(ex.tcbReg(r, RAX)).toBe(9n);
    expect(ex.tcbReg(r, RDI)).toBe(6n);
  });

  it("matches a plain model over a long random run", async () => {
    const { ex, thread, endpoint } = await setup();
    const eps = [endpoint(), endpoint(), endpoint()];
    const ths = Array.from({ length: 24 }, () => thread());
    // Model: per endpoint a kind and a FIFO; per thread the endpoint it waits on.
    const q = new Map<number, { kind: number; fifo: number[] }>(eps.map((e) => [e, { kind: EP_IDLE, fifo: [] }]));
    const waiting = new Map<number, number>();
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let step = 0; step < 4000; step++) {
      const t = ths[rnd(ths.length)], e = eps[rnd(eps.length)], op = rnd(5);
      if (op <= 1 || op == 2) {
        const send = op != 2 && op == 0 ? true : op == 1 ? false : rnd(2) == 0;
        const got = send ? ex.epSend(e, t) : ex.epRecv(e, t);
        if (waiting.has(t)) { expect(got).toBe(E.BUSY); continue; }
        expect(got).toBe(E.OK);
        const m = q.get(e)!;
        const meets = send ? EP_RECV : EP_SEND;
        if (m.kind == meets) {
          const p = m.fifo.shift()!;
          waiting.delete(p);
          if (m.fifo.length == 0) m.kind = EP_IDLE;
          expect(ex.epPartner()).toBe(p);
        } else {
          m.fifo.push(t); m.kind = send ? EP_SEND : EP_RECV; waiting.set(t, e);
          expect(ex.epPartner()).toBe(-1);
        }
      } else if (op == 3) {
        const was = waiting.get(t);
        expect(!!ex.epCancel(t)).toBe(was !== undefined);
        if (was !== undefined) {
          const m = q.get(was)!;
          m.fifo.splice(m.fifo.indexOf(t), 1);
          if (m.fifo.length == 0) m.kind = EP_IDLE;
          waiting.delete(t);
        }
      } else {
        const m = q.get(e)!;
        expect(ex.epDestroy(e)).toBe(m.fifo.length);
        for (const w of m.fifo) waiting.delete(w);
        m.fifo = []; m.kind = EP_IDLE;
      }
      for (const x of eps) {
        const m = q.get(x)!;
        expect(ex.epState(x)).toBe(m.kind);
        expect(ex.epCount(x)).toBe(m.fifo.length);
        const order: number[] = [];
        for (let h = ex.epHead(x); h >= 0; h = ex.epNextOf(h)) order.push(h);
        expect(order).toEqual(m.fifo);
      }
    }
  });
});
