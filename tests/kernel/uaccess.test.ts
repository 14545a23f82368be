// uaccess.test.ts — kernel/uaccess.ts: the checks on user pointers that
// system calls use (lower half, no wrap-around, every page mapped for the
// user, writable when written), and copies in and out through the page
// tables, across page boundaries.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, loadCore, MAP } from "./corekernel";
import { initMemory } from "./world";

beforeAll(async () => { await compileCore(); }, 60_000);

const RO = 0x300000n, RW = 0x301000n; // frames of the two user pages

async function setup() {
  const { m, ex } = await loadCore();
  initMemory(m, ex, { framesEnd: 0x280000n });
  const pml4 = ex.vspaceCreate() as bigint;
  const text = new TextEncoder().encode("0123456789abcdef");
  const ro = new Uint8Array(4096); ro.set(text.subarray(0, 8), 4096 - 8);
  const rw = new Uint8Array(4096); rw.set(text, 0);
  m.place(RO, ro);
  m.place(RW, rw);
  expect(ex.vmMap(pml4, 0x400000n, RO, MAP.MAP_USER)).toBe(E.OK);
  expect(ex.vmMap(pml4, 0x401000n, RW, MAP.MAP_USER | MAP.MAP_WRITE)).toBe(E.OK);
  return { m, ex, pml4 };
}

describe("user pointer checks", () => {
  it("accepts mapped user ranges with the right rights, refuses the rest", async () => {
    const { ex, pml4 } = await setup();
    const chk = (va: bigint, len: bigint, write = false) => ex.userRangeCheck(pml4, va, len, write);
    expect(chk(0x400000n, 4096n)).toBe(E.OK);
    expect(chk(0x400ff0n, 0x20n)).toBe(E.OK);                     // across the two pages
    expect(chk(0x401000n, 4096n, true)).toBe(E.OK);
    expect(chk(0x400ff0n, 0x20n, true)).toBe(E.BAD_ADDRESS);      // first page read-only
    expect(chk(0x401ff0n, 0x20n)).toBe(E.BAD_ADDRESS);            // runs into an unmapped page
    expect(chk(0x3ffff8n, 0x10n)).toBe(E.BAD_ADDRESS);            // starts in an unmapped page
    expect(chk(0x10000000n, 1n)).toBe(E.BAD_ADDRESS);
    expect(chk(0xffff_ffff_8010_0000n, 16n)).toBe(E.BAD_ADDRESS); // the kernel half
    expect(chk(0xffff_8000_0000_0000n, 16n)).toBe(E.BAD_ADDRESS); // the direct map
    expect(chk(0x7fff_ffff_fff8n, 0x10n)).toBe(E.BAD_ADDRESS);    // runs past the lower half
    expect(chk(0x400000n, 0xffff_ffff_ffff_f000n)).toBe(E.BAD_ADDRESS); // wraps around
    expect(chk(0xffff_ffff_8010_0000n, 0n)).toBe(E.OK);           // nothing to touch
  });

  it("copies from user memory across pages, and refuses without copying", async () => {
    const { m, ex, pml4 } = await setup();
    const dst = ex.userScratchAddr() as number;
    expect(ex.copyFromUser(pml4, dst, 0x400ff8n, 16n)).toBe(E.OK);
    const mem = () => new Uint8Array(m.memory!.buffer);
    expect(Buffer.from(mem().subarray(dst, dst + 16)).toString()).toBe("01234567" + "01234567");
    mem().fill(0x55, dst, dst + 32);
    expect(ex.copyFromUser(pml4, dst, 0x401ff8n, 16n)).toBe(E.BAD_ADDRESS);
    expect(mem()[dst]).toBe(0x55);
  });

  it("copies to writable user memory only", async () => {
    const { m, ex, pml4 } = await setup();
    const src = ex.userScratchAddr() as number;
    new Uint8Array(m.memory!.buffer).set([1, 2, 3, 4], src);
    expect(ex.copyToUser(pml4, 0x401100n, src, 4n)).toBe(E.OK);
    const peek = (p: bigint) => m.imports().phys_read8(p) as number;
    expect([0n, 1n, 2n, 3n].map(i => peek(RW + 0x100n + i))).toEqual([1, 2, 3, 4]);
    expect(ex.copyToUser(pml4, 0x400100n, src, 4n)).toBe(E.BAD_ADDRESS);
    expect(peek(RO + 0x100n)).toBe(0);
  });
});
