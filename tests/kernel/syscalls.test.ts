// syscalls.test.ts — kernel/syscalls.ts is the one table of system-call
// numbers: unique, dense, and the copies in servers/*/*.asm (until
// the user stubs are generated from the table) agrees with it.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./compile";

function table(): Record<string, number> {
  const src = readFileSync(join(ROOT, "kernel/syscalls.ts"), "utf8");
  const out: Record<string, number> = {};
  for (const m of src.matchAll(/export const (SYS_[A-Z_0-9]+): u32 = (\d+);/g)) out[m[1]] = Number(m[2]);
  return out;
}

describe("system-call table", () => {
  it("numbers the calls 0..SYS_COUNT-1, each once", () => {
    const t = table();
    const { SYS_COUNT, ...calls } = t;
    const nums = Object.values(calls).sort((a, b) => a - b);
    expect(nums).toEqual([...Array(SYS_COUNT).keys()]);
    expect(Object.keys(calls)).toEqual(expect.arrayContaining(["SYS_NULL", "SYS_DEBUG_PUTC", "SYS_DEBUG_WRITE", "SYS_EXIT", "SYS_YIELD"]));
  });

  for (const prog of ["hello", "bye", "ipcserver", "ipcclient"]) {
    it(`servers/${prog}/${prog}.asm uses the same numbers`, () => {
      const { SYS_COUNT: _, ...calls } = table();
      const asm = readFileSync(join(ROOT, `servers/${prog}/${prog}.asm`), "utf8");
      for (const [name, num] of Object.entries(calls)) {
        const m = asm.match(new RegExp(`^${name}\\s+equ\\s+(\\d+)`, "m"));
        expect(m, `${name} in ${prog}.asm`).not.toBeNull();
        expect(Number(m![1])).toBe(num);
      }
    });
  }
});
