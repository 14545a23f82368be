// wasm.test.ts — the shape of the kernel's Wasm, as the backend and boot
// stub expect it: only x86.* imports, with the signatures of toolchain/ABI.md,
// and the user.* functions boot/entry.asm provides (wasm_import_user_*);
// no floating point and no indirect calls (the backend's first slice lacks
// them); a name section for GDB; linear memory of at most 16 MiB; kmain.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm, ROOT } from "./compile";
import { opcodeHistogram, readWasm, Sig } from "./wasmfile";

let kernel: Uint8Array;
let allIntrinsics: Uint8Array;
beforeAll(async () => {
  [kernel, allIntrinsics] = await Promise.all([
    compileKernelWasm("kernel/main.ts"),
    compileKernelWasm("tests/kernel/assembly/x86_all.ts"),
  ]);
}, 60_000);

// The intrinsics table of toolchain/ABI.md: name -> Wasm signature.
function abiIntrinsics(): Map<string, Sig> {
  const doc = readFileSync(join(ROOT, "toolchain/ABI.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Kernel intrinsics"));
  const table = new Map<string, Sig>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || !cells[1].startsWith("`")) continue;
    // `outb`, `outw` list names; `phys_read8/16/32` is shorthand for three.
    const names = [...cells[1].matchAll(/`([a-z0-9_]+(?:\/[0-9]+)*)`/g)].flatMap((x) => {
      const [first, ...widths] = x[1].split("/");
      const stem = first.replace(/[0-9]+$/, "");
      return [first, ...widths.map((w) => stem + w)];
    });
    const [params, result] = cells[2].split("→").map((s) => s ?? "");
    const sig: Sig = {
      params: [...params.matchAll(/\b(i32|i64)\b/g)].map((x) => x[1] as "i32" | "i64"),
      results: result ? [...result.matchAll(/\b(i32|i64)\b/g)].map((x) => x[1] as "i32" | "i64") : [],
    };
    for (const n of names) table.set(n, sig);
  }
  return table;
}

describe("kernel Wasm", () => {
  it("reads the ABI table (sanity check of this test)", () => {
    const abi = abiIntrinsics();
    expect(abi.size).toBe(34);
    expect(abi.get("cpuid")).toEqual({ params: ["i32", "i32", "i32"], results: [] });
    expect(abi.get("phys_read64")).toEqual({ params: ["i64"], results: ["i64"] });
  });

  it("declares every ABI intrinsic with the ABI's signature", () => {
    const abi = abiIntrinsics();
    const imports = readWasm(allIntrinsics).imports.filter((i) => i.module === "x86");
    expect(imports.map((i) => i.name).sort()).toEqual([...abi.keys()].sort());
    for (const imp of imports) expect(imp.sig, imp.name).toEqual(abi.get(imp.name));
  });

  it("imports nothing but ABI intrinsics and boot/entry.asm's user-mode functions", () => {
    const abi = abiIntrinsics();
    const imports = readWasm(kernel).imports;
    expect(imports.length).toBeGreaterThan(0);
    const asm = readFileSync(join(ROOT, "boot/entry.asm"), "utf8");
    const user: Record<string, { params: string[]; results: string[] }> = {
      syscall_init: { params: [], results: [] },
      switch: { params: ["i32"], results: [] },
      idle: { params: [], results: [] },
      run: { params: [], results: [] },
      entry_forget: { params: [], results: [] },
      fpu_switch: { params: ["i32", "i32"], results: [] },
      nmi_count: { params: [], results: ["i64"] },
    };
    for (const imp of imports) {
      if (imp.module === "user") {
        expect(imp.sig, imp.name).toEqual(user[imp.name]);
        expect(asm, imp.name).toMatch(new RegExp(`^wasm_import_user_${imp.name}:`, "m"));
        continue;
      }
      expect(imp.module, imp.name).toBe("x86");
      expect(imp.sig, imp.name).toEqual(abi.get(imp.name));
    }
  });

  it("has no floating-point, SIMD or indirect-call instruction", async () => {
    const hist = await opcodeHistogram(kernel);
    const bad = [...hist.keys()].filter((op) => /^(f32|f64|v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.|call_indirect|return_call|^i(32|64)\.trunc_(sat_)?f|convert|reinterpret/.test(op));
    expect(bad).toEqual([]);
    expect(hist.get("call")).toBeGreaterThan(0);
  });

  it("keeps a name section with the TypeScript function names", () => {
    const mod = new WebAssembly.Module(kernel as Uint8Array<ArrayBuffer>);
    const sections = WebAssembly.Module.customSections(mod, "name");
    expect(sections.length).toBe(1);
    const names = Buffer.from(sections[0]).toString("latin1");
    expect(names).toContain("kernel/main/kmain");
    expect(names).toContain("kernel/multiboot2/mb2Parse");
    // The stub runtime never frees: the kernel does not allocate at all yet.
    expect(names).not.toMatch(/__alloc|__new/);
  });

  it("exports kmain(i32) and a memory that fits boot/'s 256-page reservation", () => {
    const mod = new WebAssembly.Module(kernel as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.exports(mod)).toEqual(expect.arrayContaining([{ name: "kmain", kind: "function" }]));
    // The static pools (frame bitmaps, kernel objects, CNode slots) are in
    // the initial memory, which boot/ maps up front: keep it small.
    const mem = readWasm(kernel).memory!;
    expect(mem.max).toBe(256);
    expect(mem.min).toBeGreaterThanOrEqual(1);
    expect(mem.min).toBeLessThanOrEqual(32);
  });
});
