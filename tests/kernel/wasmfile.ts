// wasmfile.ts — just enough of a Wasm binary reader for the kernel tests:
// function types, imports (with their signatures), memory limits, and the
// opcodes of every function body as wabt prints them.

import wabtInit from "wabt";

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";
export interface Sig { params: ValType[]; results: ValType[] }
export interface Import { module: string; name: string; kind: number; sig?: Sig }

const VALTYPES: Record<number, ValType> = {
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref",
};

class Reader {
  constructor(private b: Uint8Array, public pos = 0) {}
  byte(): number { return this.b[this.pos++]; }
  u32(): number {
    let result = 0, shift = 0, byte: number;
    do { byte = this.byte(); result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return result;
  }
  name(): string {
    const n = this.u32();
    const s = Buffer.from(this.b.subarray(this.pos, this.pos + n)).toString("utf8");
    this.pos += n;
    return s;
  }
  limits(): { min: number; max?: number } {
    const flag = this.byte();
    const min = this.u32();
    return flag & 1 ? { min, max: this.u32() } : { min };
  }
}

export interface WasmInfo {
  types: Sig[];
  imports: Import[];
  memory?: { min: number; max?: number };
}

export function readWasm(bin: Uint8Array): WasmInfo {
  const info: WasmInfo = { types: [], imports: [] };
  const r = new Reader(bin, 8);
  while (r.pos < bin.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error("unexpected type form");
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()]);
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()]);
        info.types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name(), name = r.name(), kind = r.byte();
        if (kind === 0) info.imports.push({ module, name, kind, sig: info.types[r.u32()] });
        else if (kind === 1) { r.byte(); r.limits(); info.imports.push({ module, name, kind }); }
        else if (kind === 2) { info.memory = r.limits(); info.imports.push({ module, name, kind }); }
        else { r.byte(); r.byte(); info.imports.push({ module, name, kind }); }
      }
    } else if (id === 5) {
      if (r.u32() > 0) info.memory = r.limits();
    }
    r.pos = end;
  }
  return info;
}

// How often each instruction occurs in the function bodies.
export async function opcodeHistogram(bin: Uint8Array): Promise<Map<string, number>> {
  const wabt = await wabtInit();
  const mod = wabt.readWasm(bin, { readDebugNames: false, bulk_memory: true, sign_extension: true, mutable_globals: true, sat_float_to_int: true });
  const text = mod.toText({ foldExprs: false, inlineExport: false });
  mod.destroy();
  const hist = new Map<string, number>();
  let inFunc = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (raw.startsWith("  (func")) { inFunc = true; continue; }
    if (raw.startsWith("  (") && !raw.startsWith("  (func")) { inFunc = false; continue; }
    if (!inFunc || line === "" || line.startsWith("(local") || line === ")") continue;
    const op = line.replace(/\)+$/, "").split(/\s+/)[0];
    hist.set(op, (hist.get(op) ?? 0) + 1);
  }
  return hist;
}
