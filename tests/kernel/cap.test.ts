// cap.test.ts — kernel/cap.ts and kernel/objects.ts: creating objects,
// copy, mint, move, delete and revoke over the capability derivation
// tree, the checks (types, rights, badges, slots) and when objects die.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, R, T } from "./corekernel";
import { coreWorld } from "./world";

beforeAll(async () => { await compileCore(); }, 60_000);

const ALL = R.RIGHTS_ALL;

async function setup() {
  const { m, ex, root, ok } = await coreWorld();
  expect(root).toBe(0);
  const id = (slot: number, cn = root) => ex.slotId(cn, slot) as number;
  return { m, ex, root, id, ok };
}

describe("creating objects", () => {
  it("puts an original capability, all rights, no badge, no parent, in the slot", async () => {
    const { ex, root, id, ok } = await setup();
    expect(ex.slotType(id(0))).toBe(T.OBJ_CNODE);          // the root CNode names itself in slot 0
    ok(ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n));
    expect(ex.slotType(id(1))).toBe(T.OBJ_ENDPOINT);
    expect(ex.slotRights(id(1))).toBe(ALL);
    expect(ex.slotBadge(id(1))).toBe(0n);
    expect(ex.slotParent(id(1))).toBe(-1);
    expect(ex.objValid(T.OBJ_ENDPOINT, ex.createdObj())).toBe(1);
    expect(ex.objCapCount(T.OBJ_ENDPOINT, ex.createdObj())).toBe(1);
  });

  it("checks the slot, the type and the parameter", async () => {
    const { ex, root } = await setup();
    expect(ex.capCreate(T.OBJ_ENDPOINT, root, 0, 0n)).toBe(E.SLOT_OCCUPIED);
    expect(ex.capCreate(T.OBJ_ENDPOINT, root, 128, 0n)).toBe(E.INVALID_SLOT);
    expect(ex.capCreate(T.OBJ_ENDPOINT, 5, 1, 0n)).toBe(E.INVALID_SLOT);    // no such CNode
    expect(ex.capCreate(T.OBJ_NULL, root, 1, 0n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.capCreate(99, root, 1, 0n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.capCreate(T.OBJ_THREAD, root, 1, 256n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.capCreate(T.OBJ_IRQ_HANDLER, root, 1, 256n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.capCreate(T.OBJ_IO_PORTS, root, 1, 0xfff0n | (0x20n << 16n))).toBe(E.INVALID_ARGUMENT);
    expect(ex.capCreate(T.OBJ_IO_PORTS, root, 1, 0x10000n << 16n)).toBe(E.INVALID_ARGUMENT); // all 65536: does not fit
    expect(ex.capCreate(T.OBJ_IO_PORTS, root, 1, 0n)).toBe(E.INVALID_ARGUMENT);                // no ports
    expect(ex.capCreate(T.OBJ_IO_PORTS, root, 1, 0x3f8n | (8n << 16n))).toBe(E.OK);
    expect(ex.slotObj(ex.slotId(root, 1))).toBe(0x3f8 | (8 << 16));
  });

  it("runs out of pool records with OUT_OF_MEMORY", async () => {
    const { ex, root } = await setup();
    for (let i = 1; i < 64; i++) expect(ex.capCreate(T.OBJ_CNODE, root, i, 0n)).toBe(E.OK);
    expect(ex.capCreate(T.OBJ_CNODE, root, 64, 0n)).toBe(E.OUT_OF_MEMORY);
    expect(ex.slotType(ex.slotId(root, 64))).toBe(T.OBJ_NULL);
  });

  it("a memory object owns a zeroed frame; an address space owns a PML4", async () => {
    const { m, ex, root } = await setup();
    m.place(0x200000, new Uint8Array(4096).fill(0xab)); // stale contents in the first free frame
    const free = ex.framesFree();
    expect(ex.capCreate(T.OBJ_MEMORY, root, 1, 0n)).toBe(E.OK);
    const frame: bigint = ex.objPhys(T.OBJ_MEMORY, ex.createdObj());
    expect(frame).toBe(0x200000n);
    expect(m.imports().phys_read64(frame + 0x800n)).toBe(0n);
    expect(ex.capCreate(T.OBJ_ADDRESS_SPACE, root, 2, 0n)).toBe(E.OK);
    expect(ex.framesFree()).toBe(free - 2n);
    expect(ex.capDelete(root, 1)).toBe(E.OK);
    expect(ex.capDelete(root, 2)).toBe(E.OK);
    expect(ex.framesFree()).toBe(free);
  });
});

describe("copy and mint", () => {
  it("copy keeps rights and badge and becomes a child of its source", async () => {
    const { ex, root, id, ok } = await setup();
    ok(ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n));
    const ep = ex.createdObj();
    ok(ex.capMint(root, 1, root, 2, R.RIGHT_WRITE | R.RIGHT_GRANT, 42n));
    ok(ex.capCopy(root, 2, root, 3));
    expect(ex.slotRights(id(3))).toBe(R.RIGHT_WRITE | R.RIGHT_GRANT);
    expect(ex.slotBadge(id(3))).toBe(42n);
    expect(ex.slotObj(id(3))).toBe(ep);
    expect(ex.slotParent(id(2))).toBe(id(1));
    expect(ex.slotParent(id(3))).toBe(id(2));
    expect(ex.objCapCount(T.OBJ_ENDPOINT, ep)).toBe(3);
  });

  it("mint can only take rights away, and badge an unbadged endpoint or notification once", async () => {
    const { ex, root } = await setup();
    ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n);
    ex.capCreate(T.OBJ_THREAD, root, 2, 10n);
    expect(ex.capMint(root, 1, root, 3, R.RIGHT_READ, 0n)).toBe(E.OK);
    expect(ex.capMint(root, 3, root, 4, R.RIGHT_READ | R.RIGHT_WRITE, 0n)).toBe(E.INSUFFICIENT_RIGHTS);
    expect(ex.capMint(root, 1, root, 4, ALL | 32, 0n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.capMint(root, 2, root, 4, ALL, 7n)).toBe(E.NOT_BADGEABLE);
    expect(ex.capMint(root, 1, root, 4, ALL, 7n)).toBe(E.OK);
    expect(ex.capMint(root, 4, root, 5, ALL, 8n)).toBe(E.NOT_BADGEABLE);   // already badged
    expect(ex.capMint(root, 4, root, 5, R.RIGHT_READ, 0n)).toBe(E.OK);     // badge 0 keeps the badge
    expect(ex.slotBadge(ex.slotId(root, 5))).toBe(7n);
    ex.capCreate(T.OBJ_NOTIFICATION, root, 6, 0n);
    expect(ex.capMint(root, 6, root, 7, ALL, 1n << 40n)).toBe(E.OK);
  });

  it("checks slots: source empty, destination occupied, out of range; reply capabilities are never copied", async () => {
    const { ex, root } = await setup();
    ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n);
    expect(ex.capCopy(root, 9, root, 10)).toBe(E.EMPTY_SLOT);
    expect(ex.capCopy(root, 1, root, 0)).toBe(E.SLOT_OCCUPIED);
    expect(ex.capCopy(root, 1, root, 1)).toBe(E.SLOT_OCCUPIED);
    expect(ex.capCopy(root, 1, root, 128)).toBe(E.INVALID_SLOT);
    expect(ex.capCopy(root, 1000, root, 2)).toBe(E.INVALID_SLOT);
    expect(ex.capCopy(root, 1, 3, 2)).toBe(E.INVALID_SLOT);
    ex.capCreate(T.OBJ_REPLY, root, 2, 0n);
    expect(ex.capCopy(root, 2, root, 3)).toBe(E.WRONG_TYPE);
    expect(ex.capMint(root, 2, root, 3, R.RIGHT_READ, 0n)).toBe(E.WRONG_TYPE);
  });

  it("copies into another CNode", async () => {
    const { ex, root, ok } = await setup();
    ok(ex.capCreate(T.OBJ_CNODE, root, 1, 0n));
    const other = ex.createdObj();
    ok(ex.capCreate(T.OBJ_NOTIFICATION, root, 2, 0n));
    ok(ex.capCopy(root, 2, other, 5));
    expect(ex.slotType(ex.slotId(other, 5))).toBe(T.OBJ_NOTIFICATION);
  });
});

describe("revoke", () => {
  // Original in slot 1; children 2, 3; 2's children 4, 5; 4's child 6; 3's child 7.
  async function tree() {
    const s = await setup();
    const { ex, root, ok } = s;
    ok(ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n));
    ok(ex.capCopy(root, 1, root, 2));
    ok(ex.capMint(root, 1, root, 3, R.RIGHT_READ, 5n));
    ok(ex.capCopy(root, 2, root, 4));
    ok(ex.capMint(root, 2, root, 5, R.RIGHT_WRITE, 0n));
    ok(ex.capCopy(root, 4, root, 6));
    ok(ex.capCopy(root, 3, root, 7));
    return { ...s, ep: ex.createdObj() as number };
  }
  const filled = (ex: any, root: number) => [1, 2, 3, 4, 5, 6, 7].filter((i) => ex.slotType(ex.slotId(root, i)) !== T.OBJ_NULL);

  it("removes every descendant, at every depth, and keeps the capability and the object", async () => {
    const { ex, root, id, ep } = await tree();
    expect(ex.descendants(id(1))).toBe(6);
    expect(ex.capRevoke(root, 1)).toBe(E.OK);
    expect(filled(ex, root)).toEqual([1]);
    expect(ex.descendants(id(1))).toBe(0);
    expect(ex.objValid(T.OBJ_ENDPOINT, ep)).toBe(1);
    expect(ex.objCapCount(T.OBJ_ENDPOINT, ep)).toBe(1);
  });

  it("of a capability in the middle removes only its subtree", async () => {
    const { ex, root, id } = await tree();
    expect(ex.capRevoke(root, 2)).toBe(E.OK);
    expect(filled(ex, root)).toEqual([1, 2, 3, 7]);
    expect(ex.descendants(id(1))).toBe(3);
    expect(ex.capRevoke(root, 9)).toBe(E.OK); // empty slot: nothing to do
  });

  it("reaches capabilities that were moved, and moved into other CNodes", async () => {
    const { ex, root, id, ok } = await tree();
    ok(ex.capCreate(T.OBJ_CNODE, root, 20, 0n));
    const other = ex.createdObj();
    ok(ex.capMove(root, 4, other, 3));           // 4 (with child 6) moves away
    expect(ex.slotType(id(4))).toBe(T.OBJ_NULL);
    expect(ex.slotParent(ex.slotId(other, 3))).toBe(id(2));
    expect(ex.slotParent(id(6))).toBe(ex.slotId(other, 3));
    expect(ex.descendants(id(1))).toBe(6);
    expect(ex.capRevoke(root, 1)).toBe(E.OK);
    expect(ex.slotType(ex.slotId(other, 3))).toBe(T.OBJ_NULL);
    expect(filled(ex, root)).toEqual([1]);
  });

  it("revoking the original and deleting it destroys the object; its record is reused with a new generation", async () => {
    const { ex, root, ep } = await tree();
    const gen = ex.objGeneration(T.OBJ_ENDPOINT, ep);
    expect(ex.capRevoke(root, 1)).toBe(E.OK);
    expect(ex.capDelete(root, 1)).toBe(E.OK);
    expect(ex.objValid(T.OBJ_ENDPOINT, ep)).toBe(0);
    expect(ex.poolUsed(T.OBJ_ENDPOINT)).toBe(0);
    expect(ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n)).toBe(E.OK);
    expect(ex.createdObj()).toBe(ep);
    expect(ex.objGeneration(T.OBJ_ENDPOINT, ep)).toBe(gen + 1);
  });

  it("stops at a CNode that still holds capabilities, with NOT_EMPTY", async () => {
    const { ex, root, ok } = await setup();
    ok(ex.capCreate(T.OBJ_CNODE, root, 1, 0n));
    const other = ex.createdObj();
    ok(ex.capCopy(root, 1, root, 2));
    ok(ex.capCreate(T.OBJ_ENDPOINT, other, 0, 0n));
    expect(ex.capDelete(root, 2)).toBe(E.OK);          // not the last capability
    expect(ex.capDelete(root, 1)).toBe(E.NOT_EMPTY);   // the last, and the CNode is not empty
    ok(ex.capCopy(root, 1, root, 2));
    ok(ex.capMove(root, 1, root, 3));
    expect(ex.capRevoke(root, 3)).toBe(E.OK);          // revoking the copy under it is fine
    expect(ex.capDelete(other, 0)).toBe(E.OK);
    expect(ex.capDelete(root, 3)).toBe(E.OK);
    expect(ex.objValid(T.OBJ_CNODE, other)).toBe(0);
  });
});

describe("delete and move", () => {
  it("delete hands the children to the parent", async () => {
    const { ex, root, id, ok } = await setup();
    ok(ex.capCreate(T.OBJ_NOTIFICATION, root, 1, 0n));
    ok(ex.capCopy(root, 1, root, 2));
    ok(ex.capCopy(root, 2, root, 3));
    ok(ex.capCopy(root, 2, root, 4));
    ok(ex.capCopy(root, 1, root, 5));
    expect(ex.capDelete(root, 2)).toBe(E.OK);
    expect(ex.slotParent(id(3))).toBe(id(1));
    expect(ex.slotParent(id(4))).toBe(id(1));
    expect(ex.descendants(id(1))).toBe(3);
    expect(ex.capDelete(root, 1)).toBe(E.OK);         // the original goes: the rest become roots
    expect(ex.slotParent(id(3))).toBe(-1);
    expect(ex.objCapCount(T.OBJ_NOTIFICATION, ex.slotObj(id(3)))).toBe(3);
    expect(ex.capDelete(root, 9)).toBe(E.OK);         // empty: nothing to do
    expect(ex.capDelete(root, 200)).toBe(E.INVALID_SLOT);
  });

  it("the last capability of a thread takes it out of the run queues", async () => {
    const { ex, root, ok } = await setup();
    ok(ex.capCreate(T.OBJ_THREAD, root, 1, 100n));
    const t = ex.createdObj();
    ok(ex.capCopy(root, 1, root, 2));
    ok(ex.schedEnqueue(t));
    expect(ex.schedPick()).toBe(t);
    ok(ex.capDelete(root, 1));
    expect(ex.schedPick()).toBe(t);
    ok(ex.capDelete(root, 2));
    expect(ex.schedPick()).toBe(-1);
    expect(ex.objValid(T.OBJ_THREAD, t)).toBe(0);
  });

  it("move checks its slots and leaves the source empty", async () => {
    const { ex, root, id, ok } = await setup();
    ok(ex.capCreate(T.OBJ_ENDPOINT, root, 1, 0n));
    expect(ex.capMove(root, 2, root, 3)).toBe(E.EMPTY_SLOT);
    expect(ex.capMove(root, 1, root, 0)).toBe(E.SLOT_OCCUPIED);
    expect(ex.capMove(root, 1, root, 128)).toBe(E.INVALID_SLOT);
    ok(ex.capMove(root, 1, root, 2));
    expect(ex.slotType(id(1))).toBe(T.OBJ_NULL);
    expect(ex.slotRights(id(2))).toBe(ALL);
  });
});
