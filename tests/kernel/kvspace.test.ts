// kvspace.test.ts — boot/'s kernel layout table (kernel/layout.ts) and the
// kernel's own mappings of its image (kernel/kvspace.ts), on the simulated
// machine: kmain(mbInfoPhys, entryTsc, layoutPhys) as boot/start64.asm calls
// it, with boot page tables built from the layout as boot/paging32.asm does.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";
import { KERNEL_OFFSET, Mb2Builder, QEMU_128M_MAP } from "./mb2";

let kernel: Uint8Array;
beforeAll(async () => { kernel = await compileKernelWasm("kernel/main.ts"); }, 60_000);

const P = 1n, W = 2n, PS = 0x80n, NX = 1n << 63n, ADDR = 0x000f_ffff_ffff_f000n;
const PAGE = 0x1000n;

// The image of KERNEL_SECTIONS (mb2.ts), as boot/layout.asm describes it.
interface Layout {
  version: bigint; kernelStart: bigint; kernelEnd: bigint; textStart: bigint; textEnd: bigint;
  rodataStart: bigint; rodataEnd: bigint; dataStart: bigint; guards: [bigint, bigint, bigint];
  wasmBase: bigint; ptPool: bigint; wasmReserved: bigint;
}
const LAYOUT: Layout = {
  version: 1n, kernelStart: 0x100000n, kernelEnd: 0x1170000n, textStart: 0x100000n, textEnd: 0x105000n,
  rodataStart: 0x105000n, rodataEnd: 0x107000n, dataStart: 0x107000n,
  guards: [0x109000n, 0x11a000n, 0x11f000n], wasmBase: 0x170000n, ptPool: 0x124000n, wasmReserved: 0x1000000n,
};
const LAYOUT_PHYS = 0x106800; // in rodata, as in kernel.elf

function layoutBytes(l: Layout): Uint8Array {
  const words = [l.version, l.kernelStart, l.kernelEnd, l.textStart, l.textEnd, l.rodataStart, l.rodataEnd,
    l.dataStart, ...l.guards, l.wasmBase, l.ptPool, l.wasmReserved];
  const b = new DataView(new ArrayBuffer(words.length * 8));
  words.forEach((w, i) => b.setBigUint64(i * 8, w, true));
  return new Uint8Array(b.buffer);
}

function table(m: Machine, at: bigint, fill: (t: DataView) => void): void {
  const t = new DataView(new ArrayBuffer(4096));
  fill(t);
  m.place(at, new Uint8Array(t.buffer));
}

function read64(m: Machine, phys: bigint): bigint {
  return m.imports().phys_read64(phys) as bigint;
}

// boot/paging32.asm's tables for layout `l` and `wasmPages` of Wasm memory:
// PML4 0x1000, direct map PDPT 0x2000 + 4 PDs, kernel PDPT 0x7000, PD 0x8000,
// page tables at l.ptPool (64 of them).
function bootTables(m: Machine, l: Layout, wasmPages: bigint): void {
  table(m, 0x1000n, (t) => { t.setBigUint64(256 * 8, 0x2000n | P | W, true); t.setBigUint64(511 * 8, 0x7000n | P | W, true); });
  table(m, 0x2000n, (t) => { for (let i = 0; i < 4; i++) t.setBigUint64(i * 8, BigInt(0x3000 + i * 0x1000) | P | W, true); });
  for (let d = 0; d < 4; d++) {
    table(m, BigInt(0x3000 + d * 0x1000), (t) => {
      for (let i = 0; i < 512; i++) t.setBigUint64(i * 8, (BigInt(d * 512 + i) << 21n) | P | W | PS | NX, true);
    });
  }
  table(m, 0x7000n, (t) => t.setBigUint64(510 * 8, 0x8000n | P | W, true));
  table(m, 0x8000n, (t) => { for (let i = 0; i < 64; i++) t.setBigUint64(i * 8, (l.ptPool + BigInt(i) * PAGE) | P | W, true); });
  const ptes = new Map<bigint, bigint>();
  for (let pa = l.textStart; pa < l.textEnd; pa += PAGE) ptes.set(pa, pa | P);
  for (let pa = l.rodataStart; pa < l.rodataEnd; pa += PAGE) ptes.set(pa, pa | P | NX);
  for (let pa = l.dataStart; pa < l.wasmBase + (wasmPages << 16n); pa += PAGE) ptes.set(pa, pa | P | W | NX);
  for (const g of l.guards) ptes.delete(g);
  for (let i = 0n; i < 64n; i++) {
    table(m, l.ptPool + i * PAGE, (t) => {
      for (let j = 0n; j < 512n; j++) {
        const e = ptes.get((i * 512n + j) * PAGE);
        if (e !== undefined) t.setBigUint64(Number(j) * 8, e, true);
      }
    });
  }
}

// What `va` maps to in the tables at `pml4`: [entry, level] or null.
function walk(m: Machine, pml4: bigint, va: bigint): bigint | null {
  let t = pml4;
  for (const shift of [39n, 30n, 21n, 12n]) {
    const e = read64(m, t + ((va >> shift) & 511n) * 8n);
    if ((e & P) === 0n) return null;
    if (shift === 12n || (e & PS) !== 0n) return e;
    t = e & ADDR;
  }
  return null;
}

async function boot(opts: { layout?: Layout; tamper?: (m: Machine) => void; cmdline?: string } = {}) {
  const m = new Machine();
  const instance = await m.load(kernel);
  m.addRam(0, 0x100000); // interruptsInit looks for ACPI in the BIOS areas
  m.addRam(0x100000, 0x7ee0000);
  const l = opts.layout ?? LAYOUT;
  const wasmPages = BigInt(m.memory!.buffer.byteLength >> 16);
  bootTables(m, LAYOUT, wasmPages);
  m.place(LAYOUT_PHYS, layoutBytes(l));
  opts.tamper?.(m);
  const mbi = new Mb2Builder().cmdline(opts.cmdline ?? "").loaderName("GRUB").mmap(QEMU_128M_MAP).end().build();
  m.place(0x10000, mbi);
  const kmain = instance.exports.kmain as (p: number, tsc: bigint, layout: number) => void;
  const result = m.run(() => kmain(0x10000, 0n, LAYOUT_PHYS));
  return { m, result, out: m.output, wasmPages };
}

describe("kernel layout table", () => {
  it("kmain takes three arguments: boot information, entry TSC, layout table (boot/start64.asm)", async () => {
    const instance = await new Machine().load(kernel);
    expect((instance.exports.kmain as Function).length).toBe(3);
  });

  it("gives the image extent: no ELF sections tag needed", async () => {
    const { result, out } = await boot();
    expect(result.how).toBe("halted");
    expect(out).toContain("kernel image: 0x00100000 - 0x01170000 (16.4 MiB, from boot/'s layout table)\n");
    // 0x100000..0x7fe0000 usable, minus the image (4208 frames)
    expect(out).toContain(`frames: ${0x7ee0 - 0x1070} free of ${0x9f + 0x7ee0} (`);
  });

  for (const [what, change, message] of [
    ["an unknown version", { version: 2n }, "unknown version 0x0000000000000002"],
    ["an unaligned entry", { textEnd: 0x105008n }, "an entry is not page-aligned: 0x0000000000105008"],
    ["sections out of order", { rodataStart: 0x104000n }, "the sections are not in order text, rodata, data, Wasm memory; text at 0x0000000000100000"],
    ["a Wasm memory past the image", { kernelEnd: 0x1160000n }, "the Wasm memory runs past the image end 0x0000000001160000"],
    ["a guard page outside the data", { guards: [0x104000n, 0x11a000n, 0x11f000n] }, "a stack guard page is outside data..Wasm memory: 0x0000000000104000"],
  ] as Array<[string, Partial<Layout>, string]>) {
    it(`panics on ${what}`, async () => {
      const { m, result, out } = await boot({ layout: { ...LAYOUT, ...change } });
      expect(result.how).toBe("exit");
      expect(m.exitCode).toBe(0x11);
      expect(out.endsWith(`kernel layout table at 0x00106800: ${message}\nPANIC: bad kernel layout table from boot/\n`)).toBe(true);
    });
  }
});

describe("the kernel's own image mappings", () => {
  it("maps text RX, rodata R, data RW NX, guard pages out, Wasm memory to its size", async () => {
    const { m, result, out, wasmPages } = await boot();
    expect(result.how).toBe("halted");
    expect(out).toContain("address space: kernel PML4 at 0x01170000, direct map rebuilt (2 MiB pages, NX), image mapped W^X by the kernel\n");
    expect(m.cr3).toBe(0x1170000n);
    const pml4 = m.cr3;
    // Its own tables for the image, not boot's.
    expect(read64(m, pml4 + 511n * 8n) & ADDR).not.toBe(0x7000n);
    const rights = (pa: bigint) => {
      const e = walk(m, pml4, KERNEL_OFFSET + pa);
      if (e === null) return "-";
      expect(e & ADDR).toBe(pa);
      return ((e & W) ? "w" : "r") + ((e & NX) ? "" : "x");
    };
    expect(rights(0x100000n)).toBe("rx");
    expect(rights(0x104000n)).toBe("rx");
    expect(rights(0x105000n)).toBe("r");
    expect(rights(0x106000n)).toBe("r");
    expect(rights(0x107000n)).toBe("w");
    for (const g of LAYOUT.guards) {
      expect(rights(g)).toBe("-");
      expect(rights(g + PAGE)).toBe("w");
    }
    expect(rights(0x124000n)).toBe("w");
    const wasmEnd = LAYOUT.wasmBase + (wasmPages << 16n);
    expect(rights(LAYOUT.wasmBase)).toBe("w");
    expect(rights(wasmEnd - PAGE)).toBe("w");
    expect(rights(wasmEnd)).toBe("-");
    expect(rights(0xfff000n)).toBe("-");   // below the image
    expect(rights(LAYOUT.kernelEnd)).toBe("-");
    // A page table for every page of the reservation, for __wasm_memory_grow.
    for (let pa = wasmEnd; pa < LAYOUT.wasmBase + LAYOUT.wasmReserved; pa += 0x200000n) {
      const pd = read64(m, (read64(m, (read64(m, pml4 + 511n * 8n) & ADDR) + 510n * 8n) & ADDR) + (((KERNEL_OFFSET + pa) >> 21n) & 511n) * 8n);
      expect(pd & P, pa.toString(16)).toBe(P);
      expect(pd & PS).toBe(0n);
    }
    const last = LAYOUT.wasmBase + LAYOUT.wasmReserved - PAGE;
    const pd = read64(m, (read64(m, (read64(m, pml4 + 511n * 8n) & ADDR) + 510n * 8n) & ADDR) + (((KERNEL_OFFSET + last) >> 21n) & 511n) * 8n);
    expect(read64(m, (pd & ADDR) + (((KERNEL_OFFSET + last) >> 12n) & 511n) * 8n)).toBe(0n);
  });

  it("keeps the boot tables when boot maps the image differently", async () => {
    // boot/ leaves a rodata page writable: the kernel's tables would differ.
    const { m, result, out } = await boot({
      tamper: (mm) => mm.place(LAYOUT.ptPool + (0x105000n >> 12n) * 8n, new Uint8Array([0x03, 0x50, 0x10, 0, 0, 0, 0, 0x80])),
    });
    expect(result.how).toBe("halted");
    expect(out).toContain("address space: kept the boot page tables: the kernel image is not mapped the same\n");
    expect(m.cr3).toBe(0x1000n);
    expect(out.endsWith("boot complete\n")).toBe(true);
  });
});
