// mapping.test.ts — kernel/mapping.ts: memory objects mapped into address
// spaces by capability, with the rights of both capabilities checked
// before any page table changes, and a mapped frame kept alive.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, errName, MAP, R, T } from "./corekernel";
import { coreWorld } from "./world";

beforeAll(async () => { await compileCore(); }, 60_000);

async function setup() {
  const { m, ex, root, ok } = await coreWorld();
  ok(ex.capCreate(T.OBJ_ADDRESS_SPACE, root, 1, 0n));
  const space = ex.createdObj();
  ok(ex.capCreate(T.OBJ_MEMORY, root, 2, 0n));
  const mem = ex.createdObj();
  return { m, ex, root, ok, space, mem, pml4: ex.objPhys(T.OBJ_ADDRESS_SPACE, space) as bigint, frame: ex.objPhys(T.OBJ_MEMORY, mem) as bigint };
}

describe("mapping memory objects", () => {
  it("maps the frame at a user address, recorded in the capability; unmaps it", async () => {
    const { ex, root, ok, pml4, frame } = await setup();
    ok(ex.memMap(root, 1, root, 2, 0x400000n, MAP.MAP_WRITE));
    expect(ex.vmLookup(pml4, 0x400010n)).toBe(E.OK);
    expect(ex.lookupPhys()).toBe(frame + 0x10n);
    expect(ex.lookupRights()).toBe(MAP.MAP_USER | MAP.MAP_WRITE);
    expect(ex.memMappedAt(root, 2)).toBe(0x400000n);
    expect(ex.memMap(root, 1, root, 2, 0x500000n, 0)).toBe(E.ALREADY_MAPPED); // one mapping per capability
    ok(ex.capMint(root, 2, root, 3, R.RIGHT_READ, 0n));                      // a copy maps it again: shared
    ok(ex.memMap(root, 1, root, 3, 0x500000n, 0));
    expect(ex.vmLookup(pml4, 0x500000n)).toBe(E.OK);
    expect(ex.lookupPhys()).toBe(frame);
    ok(ex.memUnmap(root, 2));
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    expect(ex.memMappedAt(root, 2)).toBe(0n);
    expect(ex.memUnmap(root, 2)).toBe(E.NOT_MAPPED);
    expect(ex.memUnmap(root, 1)).toBe(E.WRONG_TYPE);
    expect(ex.memUnmap(root, 9)).toBe(E.EMPTY_SLOT);
  });

  it("checks both capabilities' types and rights before touching the tables", async () => {
    const { ex, root, ok, pml4 } = await setup();
    ok(ex.capMint(root, 2, root, 3, R.RIGHT_READ, 0n));                 // read-only memory
    ok(ex.capMint(root, 1, root, 4, R.RIGHT_READ, 0n));                 // read-only address space
    ok(ex.capMint(root, 2, root, 5, R.RIGHT_WRITE | R.RIGHT_EXEC, 0n)); // no read
    ok(ex.capCreate(T.OBJ_ENDPOINT, root, 6, 0n));
    const cases: Array<[number, number, bigint, number, string]> = [
      [1, 3, 0x400000n, MAP.MAP_WRITE, "INSUFFICIENT_RIGHTS"],
      [1, 3, 0x400000n, MAP.MAP_EXEC, "INSUFFICIENT_RIGHTS"],
      [4, 2, 0x400000n, 0, "INSUFFICIENT_RIGHTS"],
      [1, 5, 0x400000n, 0, "INSUFFICIENT_RIGHTS"],
      [1, 6, 0x400000n, 0, "WRONG_TYPE"],
      [2, 2, 0x400000n, 0, "WRONG_TYPE"],
      [1, 9, 0x400000n, 0, "EMPTY_SLOT"],
      [1, 200, 0x400000n, 0, "INVALID_SLOT"],
      [1, 2, 0x400000n, MAP.MAP_WRITE | MAP.MAP_EXEC, "WRITE_AND_EXECUTE"],
      [1, 2, 0xffff_8000_0000_0000n, 0, "BAD_ADDRESS"],
      [1, 2, 0x400100n, 0, "BAD_ADDRESS"],
    ];
    const free = ex.framesFree();
    for (const [s, mm, va, rights, err] of cases) expect(errName(ex.memMap(root, s, root, mm, va, rights)), `${s} ${mm} ${rights}`).toBe(err);
    expect(ex.framesFree()).toBe(free);
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    ok(ex.memMap(root, 1, root, 3, 0x400000n, 0));
  });

  it("revoking a memory capability unmaps every copy derived from it; moving keeps the mapping", async () => {
    const { ex, root, ok, pml4, mem } = await setup();
    ok(ex.capCopy(root, 2, root, 3));
    ok(ex.capCopy(root, 3, root, 4));
    ok(ex.memMap(root, 1, root, 3, 0x400000n, 0));
    ok(ex.memMap(root, 1, root, 4, 0x401000n, 0));
    ok(ex.capMove(root, 4, root, 5));
    expect(ex.memMappedAt(root, 5)).toBe(0x401000n);
    ok(ex.capRevoke(root, 2));
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    expect(ex.vmLookup(pml4, 0x401000n)).toBe(E.NOT_MAPPED);
    expect(ex.objValid(T.OBJ_MEMORY, mem)).toBe(1);
    ok(ex.memMap(root, 1, root, 2, 0x402000n, 0));
    ok(ex.capDelete(root, 2));                          // the last capability: unmapped, frame freed
    expect(ex.vmLookup(pml4, 0x402000n)).toBe(E.NOT_MAPPED);
    expect(ex.objValid(T.OBJ_MEMORY, mem)).toBe(0);
  });

  it("deleting the address space frees its tables, not the frame; the capability's mapping goes stale", async () => {
    const { ex, root, ok, frame } = await setup();
    const free0 = ex.framesFree();
    ok(ex.memMap(root, 1, root, 2, 0x400000n, 0));
    expect(ex.framesFree()).toBe(free0 - 3n);  // PDPT, PD, PT
    ok(ex.capDelete(root, 1));
    expect(ex.framesFree()).toBe(free0 + 1n);  // ... and the PML4
    expect(ex.frameIsFree(frame)).toBe(0);
    expect(ex.memMappedAt(root, 2)).toBe(0n);
    ok(ex.capCreate(T.OBJ_ADDRESS_SPACE, root, 1, 0n)); // the same record again, a new generation
    ok(ex.memMap(root, 1, root, 2, 0x400000n, 0));
    ok(ex.capDelete(root, 2));
    expect(ex.frameIsFree(frame)).toBe(1);
  });
});
