// thread.test.ts — kernel/thread.ts: configuring, resuming, suspending and
// re-prioritising threads by capability, with every check before any
// change, and weak references that go stale when objects die.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, errName, R, T } from "./corekernel";
import { coreWorld } from "./world";

beforeAll(async () => { await compileCore(); }, 60_000);

const NONE = 0xffffffff;

// Root CNode 0: slot 1 thread (prio 50), 2 address space, 3 CNode, 4 endpoint, 5 badged send-only endpoint.
async function setup() {
  const { ex, root, ok } = await coreWorld();
  ok(ex.capCreate(T.OBJ_THREAD, root, 1, 50n));
  const t = ex.createdObj();
  ok(ex.capCreate(T.OBJ_ADDRESS_SPACE, root, 2, 0n));
  ok(ex.capCreate(T.OBJ_CNODE, root, 3, 0n));
  ok(ex.capCreate(T.OBJ_ENDPOINT, root, 4, 0n));
  ok(ex.capMint(root, 4, root, 5, R.RIGHT_WRITE, 0xfa17n));
  return { ex, root, ok, t };
}

describe("thread operations", () => {
  it("configure, resume, suspend", async () => {
    const { ex, root, ok, t } = await setup();
    expect(ex.threadResume(root, 1)).toBe(E.INVALID_ARGUMENT); // not configured yet
    ok(ex.threadConfigure(root, 1, 2, 3, 5, 0x7000_0000n));
    expect(ex.tcbFaultBadge(t)).toBe(0xfa17n);
    expect(ex.tcbIpcBuffer(t)).toBe(0x7000_0000n);
    ok(ex.threadResume(root, 1));
    expect(ex.schedPick()).toBe(t);
    expect(ex.threadResume(root, 1)).toBe(E.BUSY);
    expect(ex.threadConfigure(root, 1, 2, 3, NONE, 0n)).toBe(E.BUSY); // running: stop it first
    ok(ex.threadSetPriority(root, 1, 200));
    expect(ex.schedTopPriority()).toBe(200);
    ok(ex.threadSuspend(root, 1));
    expect(ex.schedPick()).toBe(-1);
    ok(ex.threadConfigure(root, 1, 2, 3, NONE, 0n));
    expect(ex.tcbFaultEp(t)).toBe(-1);
  });

  it("checks every capability and argument, and changes nothing when one is wrong", async () => {
    const { ex, root, ok, t } = await setup();
    ok(ex.capMint(root, 1, root, 6, R.RIGHT_READ, 0n));   // read-only thread capability
    ok(ex.capMint(root, 4, root, 7, R.RIGHT_READ, 0n));   // receive-only endpoint
    const cases: Array<[number[], bigint, string]> = [
      [[6, 2, 3, 4], 0n, "INSUFFICIENT_RIGHTS"],
      [[2, 2, 3, 4], 0n, "WRONG_TYPE"],
      [[9, 2, 3, 4], 0n, "EMPTY_SLOT"],
      [[1, 3, 3, 4], 0n, "WRONG_TYPE"],
      [[1, 2, 2, 4], 0n, "WRONG_TYPE"],
      [[1, 2, 3, 2], 0n, "WRONG_TYPE"],
      [[1, 2, 3, 7], 0n, "INSUFFICIENT_RIGHTS"],
      [[1, 2, 3, 500], 0n, "INVALID_SLOT"],
      [[1, 2, 3, 4], 0x100n, "BAD_ADDRESS"],
      [[1, 2, 3, 4], 0x8000_0000_0000n, "BAD_ADDRESS"],
    ];
    for (const [[a, b, c, d], ipc, err] of cases) expect(errName(ex.threadConfigure(root, a, b, c, d, ipc)), `${a} ${b} ${c} ${d}`).toBe(err);
    expect(ex.tcbFaultEp(t)).toBe(-1);
    expect(ex.threadResume(root, 6)).toBe(E.INSUFFICIENT_RIGHTS);
    expect(ex.threadSetPriority(root, 1, 256)).toBe(E.INVALID_ARGUMENT);
    expect(ex.threadSuspend(root, 2)).toBe(E.WRONG_TYPE);
  });

  it("a thread whose address space died cannot be resumed", async () => {
    const { ex, root, ok } = await setup();
    ok(ex.threadConfigure(root, 1, 2, 3, NONE, 0n));
    ok(ex.capDelete(root, 2));                           // the only capability: the space dies
    ok(ex.capCreate(T.OBJ_ADDRESS_SPACE, root, 2, 0n)); // same record, new generation
    expect(ex.threadResume(root, 1)).toBe(E.INVALID_ARGUMENT);
    ok(ex.threadConfigure(root, 1, 2, 3, NONE, 0n));
    ok(ex.threadResume(root, 1));
  });
});
