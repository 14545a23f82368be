// kbd.test.ts — the keyboard driver's scan-code decoder (servers/kbd/
// keymap.ts) in Node: set-1 scan codes in, the bytes a serial terminal
// would send out (US layout, Shift, Caps Lock, Ctrl, cursor keys as ANSI
// sequences, E0-prefixed keys, releases ignored). The driver itself runs
// in QEMU: tests/qemu/screen.test.ts types through it with `sendkey`.

import { ascCompile } from "../ascompile";
import { beforeAll, describe, expect, it } from "vitest";

let wasm: Uint8Array;

beforeAll(async () => {
  wasm = await ascCompile("tests/servers/kbd/entry.ts", ["--runtime", "stub", "-O3", "--noAssert"]);
}, 60_000);

async function decoder() {
  const module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, { env: { abort() { throw new Error("abort"); } } });
  const ex = instance.exports as unknown as { feed(sc: number): number; out(i: number): number };
  // Feed scan codes; everything they produced, as a string.
  return (codes: number[]) => codes.map((c) => {
    const n = ex.feed(c);
    return String.fromCharCode(...[...Array(n).keys()].map((i) => ex.out(i)));
  }).join("");
}

// press + release of a plain key
const tap = (sc: number) => [sc, sc | 0x80];
const SHIFT = 0x2a, CTRL = 0x1d, CAPS = 0x3a;

describe("PS/2 scan codes (set 1) to terminal bytes, US layout", () => {
  it("letters, digits, space, Enter as CR, Backspace as DEL, Tab, Escape", async () => {
    const k = await decoder();
    expect(k([...tap(0x12), ...tap(0x2e), ...tap(0x23), ...tap(0x18)])).toBe("echo");   // e c h o
    expect(k([...tap(0x02), ...tap(0x0b), ...tap(0x39), ...tap(0x1c)])).toBe("10 \r");
    expect(k([...tap(0x0e), ...tap(0x0f), ...tap(0x01)])).toBe("\x7f\t\x1b");
    expect(k([...tap(0x0c), ...tap(0x0d), ...tap(0x1a), ...tap(0x1b), ...tap(0x27), ...tap(0x28), ...tap(0x29), ...tap(0x2b), ...tap(0x33), ...tap(0x34), ...tap(0x35)])).toBe("-=[];'`\\,./");
  });

  it("Shift, Caps Lock (letters only), both Shift keys", async () => {
    const k = await decoder();
    expect(k([SHIFT, ...tap(0x1f), ...tap(0x02), ...tap(0x0c), SHIFT | 0x80, ...tap(0x1f)])).toBe("S!_s");
    expect(k([0x36, ...tap(0x27), 0x36 | 0x80, ...tap(0x27)])).toBe(":;");
    expect(k([...tap(CAPS), ...tap(0x1e), ...tap(0x02), SHIFT, ...tap(0x1e), SHIFT | 0x80, ...tap(CAPS), ...tap(0x1e)])).toBe("A1aa");
  });

  it("Ctrl+letter as control codes (left and right Ctrl)", async () => {
    const k = await decoder();
    expect(k([CTRL, ...tap(0x2e), ...tap(0x16), CTRL | 0x80, ...tap(0x2e)])).toBe("\x03\x15c");
    expect(k([0xe0, CTRL, ...tap(0x26), 0xe0, CTRL | 0x80, ...tap(0x26)])).toBe("\x0cl");
  });

  it("cursor keys, Home, End, Delete as ANSI sequences; fake shifts and releases ignored", async () => {
    const k = await decoder();
    const ext = (sc: number) => [0xe0, sc, 0xe0, sc | 0x80];
    expect(k([...ext(0x48), ...ext(0x50), ...ext(0x4d), ...ext(0x4b)])).toBe("\x1b[A\x1b[B\x1b[C\x1b[D");
    expect(k([...ext(0x47), ...ext(0x4f), ...ext(0x53)])).toBe("\x1b[H\x1b[F\x1b[3~");
    expect(k([0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, ...tap(0x1e)])).toBe("\x1b[Aa");   // shifted cursor key
    expect(k([0xfa, 0xfe, 0x00, ...tap(0x3b)])).toBe("");                                          // ACK, resend, error, F1
  });
});
