// check.ts — the reporting of servers/ktest: one line per test, "ok
// <name>" or "FAIL <name>: <why>", counted for the final "N passed, M
// failed" line (tests/qemu/ktest.test.ts reads them).

import { print, println, printDec, printHex, flush } from "../lib/print";

export let passed: u32 = 0;
export let failed: u32 = 0;

export function pass(name: string): void {
  passed++;
  print("ok "); println(name);
}

export function fail(name: string, why: string): void {
  failed++;
  print("FAIL "); print(name); print(": "); println(why);
}

// A result (0 / value, or -KErr) printed as "error N" or "N".
function printResult(v: i64): void {
  if (v < 0) { print("error "); printDec(<u64>(-v)); } else printDec(<u64>v);
}

// got must be exactly want (both results: >= 0 value, < 0 -KErr).
export function eq(name: string, got: i64, want: i64): bool {
  if (got == want) { pass(name); return true; }
  failed++;
  print("FAIL "); print(name); print(": got "); printResult(got); print(", want "); printResult(want); println();
  return false;
}

// The call failed with error e.
@inline export function err(name: string, got: i64, e: i32): bool { return eq(name, got, -<i64>e); }

// A value comparison (u64, printed in hex).
export function eqx(name: string, got: u64, want: u64): bool {
  if (got == want) { pass(name); return true; }
  failed++;
  print("FAIL "); print(name); print(": got "); printHex(got); print(", want "); printHex(want); println();
  return false;
}

export function truth(name: string, cond: bool, why: string): bool {
  if (cond) { pass(name); return true; }
  fail(name, why);
  return false;
}

export function summary(): void {
  printDec(passed); print(" passed, "); printDec(failed); println(" failed");
  flush();
}
