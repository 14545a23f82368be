// corekernel.ts — load the kernel-core test entry (assembly/core.ts) on a
// simulated machine, and the kernel's error codes and object types, read
// from the kernel sources so that the tests and the kernel share one list.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileKernelWasm, ROOT } from "./compile";
import { Machine } from "./machine";
import type { Entry } from "./harness";

let binary: Promise<Uint8Array> | null = null;

export function compileCore(): Promise<Uint8Array> {
  binary ??= compileKernelWasm("tests/kernel/assembly/core.ts");
  return binary;
}

export async function loadCore(machine = new Machine()): Promise<{ m: Machine; ex: Entry }> {
  const instance = await machine.load(await compileCore());
  return { m: machine, ex: instance.exports as unknown as Entry };
}

// `NAME = number` lines of the enum `name` in kernel/errors.ts.
function readEnum(file: string, name: string): Record<string, number> {
  const src = readFileSync(join(ROOT, file), "utf8");
  const body = src.slice(src.indexOf(`enum ${name}`));
  const out: Record<string, number> = {};
  for (const m of body.slice(0, body.indexOf("}")).matchAll(/^\s*([A-Z_]+)\s*=\s*(\d+),/gm)) out[m[1]] = Number(m[2]);
  return out;
}

// `export const NAME: u32 = number;` lines with a prefix, from a kernel file.
function readConsts(file: string, prefix: string): Record<string, number> {
  const src = readFileSync(join(ROOT, file), "utf8");
  const out: Record<string, number> = {};
  for (const m of src.matchAll(new RegExp(`export const (${prefix}[A-Z_0-9]+): u32 = (\\d+);`, "g"))) out[m[1]] = Number(m[2]);
  return out;
}

export const E = readEnum("kernel/errors.ts", "KErr");
export const T = readConsts("kernel/objects.ts", "OBJ_");
export const R = readConsts("kernel/cap.ts", "RIGHT");
export const MAP = readConsts("kernel/paging.ts", "MAP_");

// The name of an error code, for readable failures.
export function errName(code: number): string {
  return Object.entries(E).find(([, v]) => v === code)?.[0] ?? `unknown error ${code}`;
}
