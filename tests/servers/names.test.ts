// names.test.ts — the name registry (servers/names/registry.ts) compiled
// to Wasm: register, look up, names going dark when their owner dies, and
// generations that tell a restarted server's name from its old instance.

import { beforeAll, describe, expect, it } from "vitest";
import { compileSystem, System } from "./system";

let binary: Uint8Array<ArrayBuffer>;
beforeAll(async () => { binary = await compileSystem(); }, 120_000);

const TAKEN = -1, BAD = -2, FULL = -3, UNKNOWN = -4;

async function registry(max = 4) {
  const s = await System.load(binary);
  s.ex.regNew(max);
  const reg = (name: string, owner: number, handle = 0) => { const [p, n] = s.put(name); return s.ex.regRegister(p, n, owner, BigInt(handle)); };
  const look = (name: string) => { const [p, n] = s.put(name); return s.ex.regLookup(p, n); };
  return { s, reg, look };
}

describe("name registry", () => {
  it("registers and looks up names", async () => {
    const { s, reg, look } = await registry();
    expect(reg("serial", 1, 10)).toBe(1);
    expect(reg("names", 2, 11)).toBe(1);
    const i = look("serial");
    expect(i).toBe(0);
    expect(s.ex.regHandle(i)).toBe(10n);
    expect(s.ex.regHandle(look("names"))).toBe(11n);
    expect(look("seria")).toBe(UNKNOWN);
    expect(look("serial2")).toBe(UNKNOWN);
  });

  it("refuses a name held by another live owner, bad names, and a full table", async () => {
    const { reg } = await registry(2);
    expect(reg("serial", 1)).toBe(1);
    expect(reg("serial", 2)).toBe(TAKEN);
    expect(reg("", 2)).toBe(BAD);
    expect(reg("x".repeat(17), 2)).toBe(BAD);
    expect(reg("x".repeat(16), 2)).toBe(1);
    expect(reg("third", 3)).toBe(FULL);
  });

  it("gives a restarted server's name a new generation; the old one is stale", async () => {
    const { s, reg, look } = await registry();
    expect(reg("serial", 1, 10)).toBe(1);
    const i = look("serial");
    expect(s.ex.regCurrent(i, 1)).toBe(1);
    expect(s.ex.regOwnerGone(1)).toBe(1);
    expect(look("serial")).toBe(UNKNOWN);           // dark while the server restarts
    expect(s.ex.regCurrent(i, 1)).toBe(0);
    expect(reg("serial", 1, 12)).toBe(2);           // the new instance
    expect(look("serial")).toBe(i);
    expect(s.ex.regHandle(i)).toBe(12n);
    expect(s.ex.regCurrent(i, 1)).toBe(0);
    expect(s.ex.regCurrent(i, 2)).toBe(1);
    // Another owner may take a dark name; its generation goes on.
    s.ex.regOwnerGone(1);
    expect(reg("serial", 5, 13)).toBe(3);
    expect(s.ex.regOwnerGone(9)).toBe(0);
  });
});
