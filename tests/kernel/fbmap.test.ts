// fbmap.test.ts — mem_map of device memory (kernel/sys_dma.ts) picks the
// cache bits of kernel/pat.ts: the boot loader's framebuffer write-
// combining (PWT alone: PAT entry 1, once patInit() programmed it), any
// other device page uncached (PCD | PWT), and the framebuffer uncached too
// on a CPU without PAT. Read back from the process's page tables.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { world } from "./ipcworld";
import { Mb2Builder } from "./mb2";
import { MAP } from "./corekernel";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/sysconsole.ts"));
beforeAll(async () => { await compile(); }, 120_000);

const FB = 0xfd000000n, FB_PAGES = 768n;          // 1024x768x32, pitch 4096
const OTHER = 0xfebf0000n;                         // some other device's registers
const PWT = 0x8n, PCD = 0x10n, PAT4K = 0x80n;
const SLOT_VSPACE = 3;

interface Ex {
  identifyCpu(): void;
  patInit(): number;
  mb2Parse(phys: bigint): number;
  initSet(t: number): void;
  sysDevmemCreate(dst: number, phys: bigint, pages: bigint): bigint;
  sysMemMap(mem: number, va: bigint, rights: number): bigint;
  slotId(cn: number, i: number): number;
  slotObj(id: number): number;
  objPhys(type: number, i: number): bigint;
}

async function mapped(pat: boolean) {
  const w = await world(compile);
  const s = w.ex as unknown as Ex;
  if (pat) w.m.cpuid.get(1)![3] |= (1 << 16) | (1 << 5);   // PAT, MSR
  s.identifyCpu();
  expect(s.patInit()).toBe(pat ? 1 : 0);
  w.m.place(0x10000, new Mb2Builder().framebuffer(FB, 4096, 1024, 768, 32, 1, [16, 8, 8, 8, 0, 8]).end().build());
  expect(s.mb2Parse(0x10000n)).toBeTruthy();
  const p = w.proc(100);
  s.initSet(p.t);                                  // devmem_create is init's
  w.grant(p, spaceSlot(p), SLOT_VSPACE);
  w.run(p);
  expect(s.sysDevmemCreate(10, FB, FB_PAGES)).toBe(0n);
  expect(s.sysDevmemCreate(11, OTHER, 4n)).toBe(0n);
  expect(s.sysMemMap(10, 0x4000_0000n, MAP.MAP_WRITE)).toBe(0n);
  expect(s.sysMemMap(11, 0x5000_0000n, MAP.MAP_WRITE)).toBe(0n);
  const pml4 = s.objPhys(w.T.OBJ_ADDRESS_SPACE, s.slotObj(s.slotId(p.cn, SLOT_VSPACE)));
  // The 4 KiB leaf entry of `va`.
  const leaf = (va: bigint): bigint => {
    let table = pml4;
    for (let level = 3n; level >= 1n; level--) {
      const e = w.m.imports().phys_read64(table + ((va >> (12n + 9n * level)) & 511n) * 8n) as bigint;
      expect(e & 1n).toBe(1n);
      table = e & 0x000ffffffffff000n;
    }
    return w.m.imports().phys_read64(table + ((va >> 12n) & 511n) * 8n) as bigint;
  };
  return { leaf };
}

// The root slot of the address space `w.proc` made for p: it is created
// right before p's thread (ipcworld.ts proc()).
function spaceSlot(p: { tslot: number }): number { return p.tslot - 1; }

describe("device memory cache bits", () => {
  it("maps the framebuffer write-combining and other device memory uncached", async () => {
    const { leaf } = await mapped(true);
    for (const i of [0n, 1n, FB_PAGES - 1n]) {
      const e = leaf(0x4000_0000n + i * 0x1000n);
      expect(e & 0x000ffffffffff000n).toBe(FB + i * 0x1000n);
      expect(e & (PAT4K | PCD | PWT)).toBe(PWT);
    }
    for (const i of [0n, 3n]) expect(leaf(0x5000_0000n + i * 0x1000n) & (PAT4K | PCD | PWT)).toBe(PCD | PWT);
  });

  it("keeps the framebuffer uncached on a CPU without PAT", async () => {
    const { leaf } = await mapped(false);
    expect(leaf(0x4000_0000n) & (PAT4K | PCD | PWT)).toBe(PCD | PWT);
  });
});
