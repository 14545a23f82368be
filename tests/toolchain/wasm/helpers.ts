// Test helpers for the Wasm front end: modules from .wat text (through the
// wabt npm package) and hand-assembled bytes for what text cannot express
// (malformed encodings), plus an assertion on the WasmError thrown.
//
// Contract: wat() compiles with the 2.0 features on and does NOT validate,
// so invalid modules can be written in text; the byte builders produce
// exactly the bytes asked for, no checks.

import wabtInit from 'wabt';
import { expect } from 'vitest';
import { WasmError, type WasmErrorKind } from '../../../toolchain/src/wasm/index.js';

let wabtP: ReturnType<typeof wabtInit> | undefined;

/** .wat source -> binary, with the function/local names in a name section. */
export async function wat(src: string): Promise<Uint8Array> {
  const w = await (wabtP ??= wabtInit());
  const mod = w.parseWat('test.wat', src, {
    multi_value: true, bulk_memory: true, reference_types: true,
    sat_float_to_int: true, sign_extension: true, mutable_globals: true,
  });
  try {
    mod.resolveNames();
    return mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}

// ---- bytes by hand ------------------------------------------------------------

export function u32(n: number): number[] {
  const out: number[] = [];
  n >>>= 0;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function s32(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

export function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}

export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function module(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70, EXTERNREF = 0x6f;

export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...u32(params.length), ...params, ...u32(results.length), ...results];
}

/** A code-section entry: locals as [count, type] groups, then the body bytes (give the final 0x0b yourself). */
export function body(locals: [number, number][], code: number[]): number[] {
  const content = [...u32(locals.length), ...locals.flatMap(([n, t]) => [...u32(n), t]), ...code];
  return [...u32(content.length), ...content];
}

/** A module with one type [params] -> [results] and one function with that body. */
export function oneFunc(params: number[], results: number[], code: number[], locals: [number, number][] = [], extra: number[][] = []): Uint8Array {
  return module(
    section(1, vec([funcType(params, results)])),
    section(3, vec([[0]])),
    ...extra,
    section(10, vec([body(locals, code)])),
  );
}

// ---- assertions ---------------------------------------------------------------

export interface Expected { kind?: WasmErrorKind; reason?: string | RegExp; offset?: number; funcIndex?: number }

/** Runs f, which must throw a WasmError matching `exp`; returns it. */
export function expectWasmError(f: () => unknown, exp: Expected = {}): WasmError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error('expected a WasmError, but nothing was thrown');
  if (!(err instanceof WasmError)) throw new Error(`expected a WasmError, got ${String(err)}`);
  if (exp.kind !== undefined) expect(err.kind, err.message).toBe(exp.kind);
  if (typeof exp.reason === 'string') expect(err.reason).toContain(exp.reason);
  else if (exp.reason) expect(err.reason).toMatch(exp.reason);
  if (exp.offset !== undefined) {
    expect(err.offset, err.message).toBe(exp.offset);
    expect(err.message).toContain(`at byte 0x${exp.offset.toString(16)}`);
  }
  if (exp.funcIndex !== undefined) expect(err.funcIndex, err.message).toBe(exp.funcIndex);
  return err;
}
