// sched.test.ts — kernel/sched.ts and the TCB of kernel/tcb.ts: priority
// order, round robin within a priority, the bitmap across its 64-bit
// words, and a long random run checked against a plain model.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, loadCore, T } from "./corekernel";

beforeAll(async () => { await compileCore(); }, 60_000);

async function setup() {
  const { ex } = await loadCore();
  ex.objectsInit();
  const root = ex.cnodeCreateRoot();
  let next = 1;
  // A new thread at `prio`; its index.
  const thread = (prio: number): number => {
    expect(ex.capCreate(T.OBJ_THREAD, root, next++, BigInt(prio))).toBe(E.OK);
    return ex.createdObj();
  };
  return { ex, thread };
}

describe("run queues", () => {
  it("nothing runnable: pick says idle", async () => {
    const { ex, thread } = await setup();
    expect(ex.schedPick()).toBe(-1);
    const t = thread(3);
    expect(ex.schedPick()).toBe(-1); // created threads are inactive
    expect(ex.tcbState(t)).toBe(0);
  });

  it("picks the highest priority, round robin among equals", async () => {
    const { ex, thread } = await setup();
    const low = thread(10), a = thread(200), b = thread(200), c = thread(200), idle = thread(0);
    for (const t of [low, a, b, idle, c]) expect(ex.schedEnqueue(t)).toBe(E.OK);
    expect(ex.tcbState(a)).toBe(1);
    expect(ex.schedTopPriority()).toBe(200);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = ex.schedPick();
      order.push(t);
      ex.schedRotate(t);
    }
    expect(order).toEqual([a, b, c, a, b, c]);
    for (const t of [a, b, c]) ex.schedDequeue(t);
    expect(ex.schedPick()).toBe(low);
    ex.schedDequeue(low);
    expect(ex.schedPick()).toBe(idle);
    ex.schedDequeue(idle);
    expect(ex.schedPick()).toBe(-1);
  });

  it("finds priorities in every word of the bitmap, and at its edges", async () => {
    const { ex, thread } = await setup();
    const prios = [0, 1, 62, 63, 64, 65, 127, 128, 191, 192, 254, 255];
    const ts = prios.map((p) => thread(p));
    ts.forEach((t) => ex.schedEnqueue(t));
    for (let i = prios.length - 1; i >= 0; i--) {
      expect(ex.schedTopPriority()).toBe(prios[i]);
      expect(ex.schedPick()).toBe(ts[i]);
      ex.schedDequeue(ts[i]);
    }
    expect(ex.schedTopPriority()).toBe(-1);
  });

  it("enqueue at the front, no double enqueue, priority changes move the thread", async () => {
    const { ex, thread } = await setup();
    const a = thread(50), b = thread(50), c = thread(50);
    ex.schedEnqueue(a);
    ex.schedEnqueue(b);
    expect(ex.schedEnqueueFront(c)).toBe(E.OK);
    expect(ex.schedPick()).toBe(c);
    expect(ex.schedNextOf(c)).toBe(a);
    expect(ex.schedEnqueue(a)).toBe(E.BUSY);
    expect(ex.schedEnqueue(999)).toBe(E.WRONG_TYPE);
    expect(ex.schedSetPriority(a, 256)).toBe(E.INVALID_ARGUMENT);
    expect(ex.schedSetPriority(a, 60)).toBe(E.OK);
    expect(ex.schedPick()).toBe(a);
    expect(ex.schedHead(50)).toBe(c);
    expect(ex.schedNextOf(c)).toBe(b);
    ex.schedDequeue(a);
    ex.schedDequeue(a); // not queued: nothing happens
    expect(ex.schedPick()).toBe(c);
  });

  it("a long random run agrees with a model of one FIFO per priority", async () => {
    const { ex, thread } = await setup();
    const N = 60;
    const ts = Array.from({ length: N }, (_, i) => thread((i * 37) % 256));
    const prio = new Map(ts.map((t, i) => [t, (i * 37) % 256]));
    const queues = new Map<number, number[]>();
    const queued = new Set<number>();
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let step = 0; step < 3000; step++) {
      const t = ts[rand(N)];
      const op = rand(5);
      const q = (p: number) => { if (!queues.has(p)) queues.set(p, []); return queues.get(p)!; };
      if (op === 0 && !queued.has(t)) { ex.schedEnqueue(t); q(prio.get(t)!).push(t); queued.add(t); }
      else if (op === 1 && !queued.has(t)) { ex.schedEnqueueFront(t); q(prio.get(t)!).unshift(t); queued.add(t); }
      else if (op === 2) { ex.schedDequeue(t); if (queued.delete(t)) q(prio.get(t)!).splice(q(prio.get(t)!).indexOf(t), 1); }
      else if (op === 3) {
        const p = rand(256);
        expect(ex.schedSetPriority(t, p)).toBe(E.OK);
        if (queued.has(t)) { const old = q(prio.get(t)!); old.splice(old.indexOf(t), 1); q(p).push(t); }
        prio.set(t, p);
      } else if (op === 4) {
        const top = ex.schedPick();
        if (top >= 0) { ex.schedRotate(top); const qq = q(prio.get(top)!); qq.push(qq.shift()!); }
      }
      const best = [...queues.entries()].filter(([, v]) => v.length > 0).sort((x, y) => y[0] - x[0])[0];
      expect(ex.schedPick(), `step ${step}`).toBe(best ? best[1][0] : -1);
    }
  });
});

describe("thread control block", () => {
  it("has room for the saved registers, which start zeroed", async () => {
    const { ex, thread } = await setup();
    const a = thread(1), b = thread(1);
    expect(ex.tcbSize() % 64).toBe(0);
    for (let r = 0; r < 20; r++) expect(ex.tcbReg(a, r)).toBe(0n);
    for (let r = 0; r < 20; r++) ex.tcbSetReg(a, r, BigInt(r + 1) * 0x1111n);
    for (let r = 0; r < 20; r++) expect(ex.tcbReg(b, r)).toBe(0n); // no overlap with the next TCB
    expect(ex.tcbReg(a, 16)).toBe(17n * 0x1111n);
    expect(ex.tcbPriority(a)).toBe(1);
  });
});
