// paging.test.ts — kernel/paging.ts on simulated RAM: address spaces share
// the kernel half, map/unmap/lookup with user/write/exec rights (NX, W^X),
// every refusal changes nothing, and freeing returns every table frame.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, errName, loadCore, MAP } from "./corekernel";

beforeAll(async () => { await compileCore(); }, 60_000);

const KPML4 = 0x1000n;          // a stand-in for the kernel's PML4
const POOL = [0x200000n, 0x240000n]; // 64 frames for page tables
const P = 1n, W = 2n, U = 4n, PS = 0x80n, NX = 1n << 63n;
const ADDR = 0x000ffffffffff000n;

async function setup(frames = POOL) {
  const { m, ex } = await loadCore();
  m.addRam(0x100000, 0x1000000);
  const k = new DataView(new ArrayBuffer(4096));
  k.setBigUint64(256 * 8, 0x5000n | P | W, true); // direct map PDPT
  k.setBigUint64(511 * 8, 0x6000n | P | W, true); // kernel image PDPT
  m.place(KPML4, new Uint8Array(k.buffer));
  ex.framesReset();
  ex.framesAddRange(frames[0], frames[1]);
  ex.pagingInit(KPML4);
  return { m, ex };
}

// Read a u64 of simulated physical memory without going through the kernel.
function peek(m: any, phys: bigint): bigint {
  return m.imports().phys_read64(phys) as bigint;
}

// The entries on the way to `va`: [pml4e, pdpte, pde, pte].
function entries(m: any, pml4: bigint, va: bigint): bigint[] {
  const out: bigint[] = [];
  let table = pml4;
  for (let level = 3; level >= 0; level--) {
    const e = peek(m, table + ((va >> BigInt(12 + 9 * level)) & 511n) * 8n);
    out.push(e);
    if (!(e & P)) break;
    table = e & ADDR;
  }
  return out;
}

describe("address spaces", () => {
  it("a new address space has an empty lower half and the kernel's upper half", async () => {
    const { m, ex } = await setup();
    const pml4: bigint = ex.vspaceCreate();
    expect(pml4 >= POOL[0] && pml4 < POOL[1]).toBe(true);
    for (let i = 0n; i < 256n; i++) expect(peek(m, pml4 + i * 8n)).toBe(0n);
    expect(peek(m, pml4 + 256n * 8n)).toBe(0x5000n | P | W);
    expect(peek(m, pml4 + 511n * 8n)).toBe(0x6000n | P | W);
  });

  it("frees every table it made, and never the live or the kernel's PML4", async () => {
    const { m, ex } = await setup();
    const free0 = ex.framesFree();
    const pml4 = ex.vspaceCreate();
    for (const va of [0x400000n, 0x401000n, 0x7fff_ffff_f000n, 0x40000000n, 0x8000000000n]) {
      expect(errName(ex.vmMap(pml4, va, 0x800000n, MAP.MAP_USER))).toBe("OK");
    }
    // 1 PML4; PDPTs for PML4 slots 0, 1, 255; PDs for 3 distinct 1 GiB; PTs for 4 distinct 2 MiB
    expect(free0 - ex.framesFree()).toBe(1n + 3n + 4n + 4n);
    expect(ex.vspaceFree(KPML4)).toBe(E.BUSY);
    m.cr3 = pml4;
    expect(ex.vspaceFree(pml4)).toBe(E.BUSY);
    m.cr3 = KPML4;
    expect(ex.vspaceFree(pml4)).toBe(E.OK);
    expect(ex.framesFree()).toBe(free0);
  });
});

describe("map, look up, unmap", () => {
  it("maps user code read+execute: no NX, not writable, user bit all the way down", async () => {
    const { m, ex } = await setup();
    const pml4 = ex.vspaceCreate();
    expect(ex.vmMap(pml4, 0x400000n, 0x800000n, MAP.MAP_USER | MAP.MAP_EXEC)).toBe(E.OK);
    const [e4, e3, e2, e1] = entries(m, pml4, 0x400000n);
    for (const e of [e4, e3, e2]) expect(e & (P | W | U)).toBe(P | W | U);
    expect(e1).toBe(0x800000n | P | U);
    expect(ex.vmLookup(pml4, 0x400123n)).toBe(E.OK);
    expect(ex.lookupPhys()).toBe(0x800123n);
    expect(ex.lookupRights()).toBe(MAP.MAP_USER | MAP.MAP_EXEC);
  });

  it("maps data with NX, and kernel pages without the user bit", async () => {
    const { m, ex } = await setup();
    const pml4 = ex.vspaceCreate();
    expect(ex.vmMap(pml4, 0x10000n, 0x900000n, MAP.MAP_USER | MAP.MAP_WRITE)).toBe(E.OK);
    expect(entries(m, pml4, 0x10000n)[3]).toBe(0x900000n | P | W | U | NX);
    // A kernel mapping goes through a fresh kernel-half table of this space.
    const kva = 0xffff_c000_0000_0000n;
    expect(ex.vmMap(pml4, kva, 0x901000n, 0)).toBe(E.OK);
    const ke = entries(m, pml4, kva);
    for (const e of ke.slice(0, 3)) expect(e & U).toBe(0n);
    expect(ke[3]).toBe(0x901000n | P | NX);
    expect(ex.vmLookup(pml4, kva)).toBe(E.OK);
    expect(ex.lookupRights()).toBe(0);
  });

  it("refuses bad requests with the right error and without touching anything", async () => {
    const { m, ex } = await setup();
    const pml4 = ex.vspaceCreate();
    const free = ex.framesFree();
    const cases: Array<[bigint, bigint, number, string]> = [
      [0x400000n, 0x800000n, MAP.MAP_USER | MAP.MAP_WRITE | MAP.MAP_EXEC, "WRITE_AND_EXECUTE"],
      [0x400000n, 0x800000n, MAP.MAP_WRITE | MAP.MAP_EXEC, "WRITE_AND_EXECUTE"],
      [0x400800n, 0x800000n, MAP.MAP_USER, "BAD_ADDRESS"],             // unaligned va
      [0x400000n, 0x800010n, MAP.MAP_USER, "BAD_ADDRESS"],             // unaligned pa
      [0x0000_8000_0000_0000n, 0x800000n, MAP.MAP_USER, "BAD_ADDRESS"], // non-canonical
      [0xffff_8000_0000_0000n, 0x800000n, MAP.MAP_USER, "BAD_ADDRESS"], // user page in the kernel half
      [0x400000n, 0x800000n, 0, "BAD_ADDRESS"],                        // kernel page in the user half
      [0x400000n, 1n << 52n, MAP.MAP_USER, "BAD_ADDRESS"],             // beyond physical addresses
      [0x400000n, 0x800000n, 8, "INVALID_ARGUMENT"],                   // unknown right
    ];
    for (const [va, pa, rights, err] of cases) expect(errName(ex.vmMap(pml4, va, pa, rights)), `${va.toString(16)} ${rights}`).toBe(err);
    expect(ex.framesFree()).toBe(free);
    for (let i = 0n; i < 256n; i++) expect(peek(m, pml4 + i * 8n)).toBe(0n);
  });

  it("will not map twice, unmaps once, and then finds nothing", async () => {
    const { ex } = await setup();
    const pml4 = ex.vspaceCreate();
    expect(ex.vmMap(pml4, 0x400000n, 0x800000n, MAP.MAP_USER)).toBe(E.OK);
    expect(ex.vmMap(pml4, 0x400000n, 0x801000n, MAP.MAP_USER)).toBe(E.ALREADY_MAPPED);
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.OK);
    expect(ex.lookupPhys()).toBe(0x800000n);
    expect(ex.vmUnmap(pml4, 0x400000n)).toBe(E.OK);
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    expect(ex.vmUnmap(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    expect(ex.vmUnmap(pml4, 0x12345000n)).toBe(E.NOT_MAPPED);     // no tables at all
    expect(ex.vmLookup(pml4, 0x0000_8000_0000_0000n)).toBe(E.BAD_ADDRESS);
    expect(ex.vmMap(pml4, 0x400000n, 0x801000n, MAP.MAP_USER)).toBe(E.OK); // the slot is reusable
  });

  it("understands the boot stub's 2 MiB pages when looking up, and will not split them", async () => {
    const { m, ex } = await setup();
    // Kernel PML4[256] -> PDPT at 0x5000 -> PD at 0x7000 with a 2 MiB page for phys 0x200000..
    const pdpt = new DataView(new ArrayBuffer(4096));
    pdpt.setBigUint64(0, 0x7000n | P | W, true);
    m.place(0x5000, new Uint8Array(pdpt.buffer));
    const pd = new DataView(new ArrayBuffer(4096));
    pd.setBigUint64(8, 0x200000n | P | W | PS | NX, true);
    m.place(0x7000, new Uint8Array(pd.buffer));
    const va = 0xffff_8000_0020_0000n + 0x1234n;
    expect(ex.vmLookup(KPML4, va)).toBe(E.OK);
    expect(ex.lookupPhys()).toBe(0x201234n);
    expect(ex.lookupRights()).toBe(MAP.MAP_WRITE);
    expect(ex.vmUnmap(KPML4, va - 0x234n)).toBe(E.BAD_ADDRESS);
    expect(ex.vmMap(KPML4, va - 0x234n, 0x300000n, 0)).toBe(E.ALREADY_MAPPED);
  });

  it("runs out of frames cleanly and maps once frames are back", async () => {
    const { ex } = await setup([0x200000n, 0x203000n]); // 3 frames: PML4 + 2 tables
    const pml4 = ex.vspaceCreate();
    expect(pml4).not.toBe(0n);
    expect(ex.vmMap(pml4, 0x400000n, 0x800000n, MAP.MAP_USER)).toBe(E.OUT_OF_MEMORY);
    expect(ex.vmLookup(pml4, 0x400000n)).toBe(E.NOT_MAPPED);
    ex.framesAddRange(0x300000n, 0x301000n);
    expect(ex.vmMap(pml4, 0x400000n, 0x800000n, MAP.MAP_USER)).toBe(E.OK);
    expect(ex.vspaceCreate()).toBe(0n);
  });
});

describe("page tables for later (vmEnsureTable)", () => {
  it("makes the tables down to the page table of a kernel-half address, and maps nothing", async () => {
    const { m, ex } = await setup();
    m.place(0x6000n, new Uint8Array(4096)); // the kernel image's (empty) PDPT
    const va = 0xffff_ffff_8120_3000n;
    const free0: bigint = ex.framesFree();
    expect(errName(ex.vmEnsureTable(KPML4, va))).toBe("OK");
    expect(ex.framesFree()).toBe(free0 - 2n); // a page directory and a page table (the PDPT was there)
    const [e4, e3, e2, e1] = entries(m, KPML4, va);
    expect(e4 & ADDR).toBe(0x6000n);
    expect(e3 & (P | W | U)).toBe(P | W);
    expect(e2 & (P | W | U | PS)).toBe(P | W);
    expect(e1).toBe(0n);
    expect(errName(ex.vmLookup(KPML4, va))).toBe("NOT_MAPPED");
    // Again, or for another page of the same table: nothing new.
    expect(errName(ex.vmEnsureTable(KPML4, va + 0x1000n))).toBe("OK");
    expect(ex.framesFree()).toBe(free0 - 2n);
    // Then a mapping there uses that table.
    expect(errName(ex.vmMap(KPML4, va, 0x300000n, MAP.WRITE))).toBe("OK");
    expect(ex.framesFree()).toBe(free0 - 2n);
  });

  it("refuses user-half and unaligned addresses", async () => {
    const { ex } = await setup();
    const free0: bigint = ex.framesFree();
    expect(errName(ex.vmEnsureTable(KPML4, 0x400000n))).toBe("BAD_ADDRESS");
    expect(errName(ex.vmEnsureTable(KPML4, 0xffff_ffff_8120_3008n))).toBe("BAD_ADDRESS");
    expect(ex.framesFree()).toBe(free0);
  });
});
