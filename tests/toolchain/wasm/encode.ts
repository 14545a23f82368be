// Test-only encoder: Instr[] back to bytes, and a module with its code
// section replaced. Lets the fuzz tests mutate decoded code at the level of
// instructions (swap an opcode, drop an instruction) and re-encode it.
//
// Contract: encodeInstr writes the canonical (shortest) encoding of what the
// decoder produced; replaceCode keeps every other section's bytes verbatim.

import { Imm, OPS, type FuncBody, type Instr, type Op } from '../../../toolchain/src/wasm/index.js';
import { Reader } from '../../../toolchain/src/wasm/reader.js';
import { u32 } from './helpers.js';

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) { out.push(Number(v & 0xffn)); v >>= 8n; }
  return out;
}

export function encodeInstr(ins: Instr, out: number[]): void {
  const op = ins.op;
  if (op < 0x100) out.push(op);
  else out.push(0xfc, ...u32(op & 0xff));
  switch (OPS[op as Op].imm) {
    case Imm.None: break;
    case Imm.Block:
      if (ins.imm !== undefined) out.push(...sleb(BigInt(ins.imm)));
      else if (ins.bt!.results.length === 0) out.push(0x40);
      else out.push(ins.bt!.results[0]);
      break;
    case Imm.Label: case Imm.Func: case Imm.Local: case Imm.Global: case Imm.Table: case Imm.Data: case Imm.Elem:
      out.push(...u32(ins.imm!));
      break;
    case Imm.BrTable:
      out.push(...u32(ins.targets!.length - 1));
      for (const t of ins.targets!) out.push(...u32(t));
      break;
    case Imm.CallIndirect: case Imm.TableInit: case Imm.TableCopy:
      out.push(...u32(ins.imm!), ...u32(ins.imm2!));
      break;
    case Imm.MemArg: out.push(...u32(ins.imm2!), ...u32(ins.imm!)); break;
    case Imm.ZeroByte: out.push(0); break;
    case Imm.MemoryCopy: out.push(0, 0); break;
    case Imm.MemoryInit: out.push(...u32(ins.imm!), 0); break;
    case Imm.I32: out.push(...sleb(BigInt(ins.imm!))); break;
    case Imm.I64: out.push(...sleb(ins.big!)); break;
    case Imm.F32: out.push(...le(BigInt(ins.bits!), 4)); break;
    case Imm.F64: out.push(...le(ins.big!, 8)); break;
    case Imm.RefType: out.push(ins.imm!); break;
    case Imm.SelectT: out.push(...u32(ins.types!.length), ...ins.types!); break;
  }
}

export function encodeBody(code: FuncBody): number[] {
  const content: number[] = [];
  // locals, run-length encoded
  const groups: [number, number][] = [];
  for (const t of code.locals) {
    const g = groups[groups.length - 1];
    if (g && g[1] === t) g[0]++;
    else groups.push([1, t]);
  }
  content.push(...u32(groups.length));
  for (const [n, t] of groups) content.push(...u32(n), t);
  for (const ins of code.body) encodeInstr(ins, content);
  return [...u32(content.length), ...content];
}

/** The module `bytes` with its code section rebuilt from `codes`. */
export function replaceCode(bytes: Uint8Array, codes: FuncBody[]): Uint8Array {
  const r = new Reader(bytes, 8);
  const out: number[] = [...bytes.subarray(0, 8)];
  while (!r.eof()) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 10) {
      const content = [...u32(codes.length), ...codes.flatMap(encodeBody)];
      out.push(10, ...u32(content.length), ...content);
    } else {
      out.push(...bytes.subarray(start, end));
    }
    r.pos = end;
  }
  return new Uint8Array(out);
}
