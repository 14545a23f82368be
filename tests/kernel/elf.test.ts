// elf.test.ts — kernel/elf.ts on simulated RAM: the ELF64 checks a user
// program must pass before the kernel loads it (a good image, then one
// malformed image per rule), and loading: segments with their rights,
// file bytes copied, the rest zeroed, the stack mapped above a guard page.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileCore, E, loadCore, MAP } from "./corekernel";
import { ROOT } from "./compile";
import { initMemory } from "./world";
import { build, CODE, DATA, goodImage, Image, PF_R, PF_W, PF_X } from "./elfimage";

beforeAll(async () => { await compileCore(); }, 60_000);

function readConsts(file: string, prefix: string): Record<string, number> {
  const src = readFileSync(join(ROOT, file), "utf8");
  const out: Record<string, number> = {};
  for (const m of src.matchAll(new RegExp(`export const (${prefix}[A-Z_0-9]+): u32 = (\\d+);`, "g"))) out[m[1]] = Number(m[2]);
  return out;
}
const X = readConsts("kernel/elf.ts", "ELF_");

const FILE = 0x800000n; // where the tests put the module
async function setup() {
  const { m, ex } = await loadCore();
  initMemory(m, ex);
  return { m, ex };
}

async function check(img: Image | Uint8Array): Promise<number> {
  const { m, ex } = await setup();
  const bytes = img instanceof Uint8Array ? img : build(img);
  m.place(FILE, bytes);
  return ex.elfCheck(FILE, BigInt(bytes.length));
}

function peek8(m: any, phys: bigint): number {
  return m.imports().phys_read8(phys) as number;
}

describe("ELF checks", () => {
  it("accepts a static x86-64 executable", async () => {
    expect(await check(goodImage())).toBe(X.ELF_OK);
  });

  const bad: Array<[string, number, () => Image | Uint8Array]> = [
    ["an empty file", X.ELF_E_SIZE, () => new Uint8Array(0)],
    ["a file shorter than the ELF header", X.ELF_E_SIZE, () => build({ ...goodImage(), size: 63 })],
    ["a file that is not ELF", X.ELF_E_MAGIC, () => new TextEncoder().encode("0x0000000000100000 T _start\n".repeat(4))],
    ["ELF32", X.ELF_E_CLASS, () => ({ ...goodImage(), class: 1 })],
    ["big-endian", X.ELF_E_CLASS, () => ({ ...goodImage(), data: 2 })],
    ["ELF version 0", X.ELF_E_CLASS, () => ({ ...goodImage(), version: 0 })],
    ["a shared object (ET_DYN)", X.ELF_E_TYPE, () => ({ ...goodImage(), type: 3 })],
    ["an ARM program", X.ELF_E_MACHINE, () => ({ ...goodImage(), machine: 0x28 })],
    ["program headers of the wrong size", X.ELF_E_PHDRS, () => ({ ...goodImage(), phentsize: 64 })],
    ["no program headers", X.ELF_E_PHDRS, () => ({ ...goodImage(), phnum: 0 })],
    ["too many program headers", X.ELF_E_PHDRS, () => ({ ...goodImage(), phnum: 17 })],
    ["program headers past the end of the file", X.ELF_E_PHDRS, () => ({ ...goodImage(), phoff: 0x2000n })],
    ["a program header offset that wraps around", X.ELF_E_PHDRS, () => ({ ...goodImage(), phoff: 0xffff_ffff_ffff_fff0n })],
    ["a segment's bytes past the end of the file", X.ELF_E_SEGMENT_FILE, () => {
      const i = goodImage(); i.phdrs[2].filesz = 0x20n; i.phdrs[2].memsz = 0x20n; return i; }],
    ["a segment offset that wraps around", X.ELF_E_SEGMENT_FILE, () => {
      const i = goodImage(); i.phdrs[1].offset = 0xffff_ffff_ffff_fff0n; i.phdrs[1].filesz = 0x20n; i.phdrs[1].memsz = 0x20n; return i; }],
    ["filesz > memsz", X.ELF_E_SEGMENT_SIZE, () => { const i = goodImage(); i.phdrs[2].memsz = 8n; return i; }],
    ["a huge segment", X.ELF_E_SEGMENT_SIZE, () => { const i = goodImage(); i.phdrs[2].memsz = 1n << 40n; return i; }],
    ["a segment in the null page", X.ELF_E_SEGMENT_ADDRESS, () => {
      const i = goodImage(); i.phdrs[0].vaddr = 0n; return i; }],
    ["a segment in the kernel half", X.ELF_E_SEGMENT_ADDRESS, () => {
      const i = goodImage(); i.phdrs[1].vaddr = 0xffff_ffff_8010_0000n; i.entry = 0xffff_ffff_8010_0000n; return i; }],
    ["a segment running into the stack area", X.ELF_E_SEGMENT_ADDRESS, () => {
      const i = goodImage(); i.phdrs[2].vaddr = 0x7fff_ffef_0000n; i.phdrs[2].memsz = 0x10_0000n; return i; }],
    ["a writable and executable segment", X.ELF_E_WX, () => { const i = goodImage(); i.phdrs[1].flags = PF_R | PF_W | PF_X; return i; }],
    ["two segments sharing a page", X.ELF_E_OVERLAP, () => { const i = goodImage(); i.phdrs[2].vaddr = 0x401800n; return i; }],
    ["no loadable segment", X.ELF_E_NO_LOAD, () => { const i = goodImage(); i.phdrs = [i.phdrs[3]]; return i; }],
    ["an entry point outside the code", X.ELF_E_ENTRY, () => ({ ...goodImage(), entry: 0x402000n })],
  ];
  for (const [what, code, make] of bad) {
    it(`refuses ${what}`, async () => {
      expect(await check(make())).toBe(code);
    });
  }
});

describe("ELF loading", () => {
  it("maps the segments with their rights, copies the file bytes, zeroes the rest, maps a stack over a guard page", async () => {
    const { m, ex } = await setup();
    const bytes = build(goodImage());
    m.place(FILE, bytes);
    expect(ex.elfCheck(FILE, BigInt(bytes.length))).toBe(X.ELF_OK);
    expect(ex.elfEntry()).toBe(0x401000n);
    const pml4 = ex.vspaceCreate() as bigint;
    expect(ex.elfLoad(pml4, FILE)).toBe(E.OK);
    const U = MAP.MAP_USER, W = MAP.MAP_WRITE, XR = MAP.MAP_EXEC;
    const rights = (va: bigint) => (ex.vmLookup(pml4, va) === E.OK ? ex.lookupRights() : -1);
    expect(rights(0x400000n)).toBe(U);
    expect(rights(0x401000n)).toBe(U | XR);
    expect(rights(0x402000n)).toBe(U | W);
    expect(rights(0x403000n)).toBe(U | W);      // the bss part of the data segment
    expect(rights(0x404000n)).toBe(-1);
    expect(rights(0x3ff000n)).toBe(-1);
    const byte = (va: bigint) => { expect(ex.vmLookup(pml4, va)).toBe(E.OK); return peek8(m, ex.lookupPhys() as bigint); };
    expect(byte(0x400000n)).toBe(0x7f);
    expect([0, 1, 2, 3].map(i => byte(0x401000n + BigInt(i)))).toEqual(CODE);
    expect(byte(0x401004n)).toBe(0);
    expect(byte(0x40200fn)).toBe(0x0a);
    expect(byte(0x402010n)).toBe(0);
    expect(byte(0x403fffn)).toBe(0);
    const top = 0x7fff_fff0_0000n;
    for (let p = 1n; p <= 4n; p++) expect(rights(top - p * 0x1000n)).toBe(U | W);
    expect(rights(top - 5n * 0x1000n)).toBe(-1); // the guard page
    expect(rights(top)).toBe(-1);
  });
});
