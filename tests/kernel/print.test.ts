// print.test.ts — console output (kernel/serial.ts, kernel/print.ts), CPU
// identification (kernel/cpu.ts) and panics (kernel/panic.ts).

import { beforeAll, describe, expect, it } from "vitest";
import { compileEntry, TestKernel } from "./harness";
import { Machine } from "./machine";

let binary: Uint8Array;
let k: TestKernel;
beforeAll(async () => {
  binary = await compileEntry();
  k = await TestKernel.load(binary);
}, 60_000);

describe("serial output", () => {
  it("sends ASCII as is and turns \\n into \\r\\n", () => {
    k.m.clearOutput();
    k.ex.printStr(k.str("one\ntwo\n"));
    expect(k.m.rawOutput).toBe("one\r\ntwo\r\n");
  });

  it("encodes UTF-16 as UTF-8, an unpaired surrogate as '?'", () => {
    expect(k.printed(() => k.ex.printStr(k.str("tsos — é ∑ 😀")))).toBe("tsos — é ∑ 😀");
    expect(k.printed(() => k.ex.printStr(k.str("a\ud800b\udc00c\ud83d")))).toBe("a?b?c?");
  });

  it("does not wait for ever on a UART that never gets ready", async () => {
    const t = await TestKernel.load(binary);
    t.m.uartStatus = 0; // never "transmitter empty"
    expect(t.printed(() => t.ex.printStr(t.str("x")))).toBe("x");
    expect(t.m.uartPolls).toBe(100_000);
  });

  it("polls the line status once per byte when the UART is ready", async () => {
    const t = await TestKernel.load(binary);
    t.printed(() => t.ex.printStr(t.str("ab\n")));
    expect(t.m.uartPolls).toBe(4); // a, b, \r, \n
  });

  it("escapes control characters in foreign bytes", () => {
    const bytes = Uint8Array.from([0x41, 0x00, 0x1b, 0x7f, 0x0a, 0xc3, 0xa9, 0x42]);
    expect(k.printed(() => k.ex.printRaw(k.bytes(bytes), bytes.length))).toBe("A\\x00\\x1b\\x7f\\x0aéB");
  });
});

describe("numbers", () => {
  const out = (fn: () => void) => k.printed(fn);

  it("prints unsigned decimals", () => {
    for (const v of [0n, 1n, 9n, 10n, 127n, 4294967296n, 18446744073709551615n]) {
      expect(out(() => k.ex.printU64(v))).toBe(v.toString());
    }
  });

  it("prints signed decimals", () => {
    for (const v of [0n, -1n, 42n, -42n, 9223372036854775807n, -9223372036854775808n]) {
      expect(out(() => k.ex.printI64(v))).toBe(v.toString());
    }
  });

  it("prints hex with a minimum width", () => {
    expect(out(() => k.ex.printHexW(0n, 0))).toBe("0x0");
    expect(out(() => k.ex.printHexW(0xabcn, 0))).toBe("0xabc");
    expect(out(() => k.ex.printHexW(0xabcn, 8))).toBe("0x00000abc");
    expect(out(() => k.ex.printHexW(0x9fc00n, 16))).toBe("0x000000000009fc00");
    expect(out(() => k.ex.printHexW(0x123456789n, 4))).toBe("0x123456789");
    expect(out(() => k.ex.printHexW(-1n, 16))).toBe("0xffffffffffffffff");
    expect(out(() => k.ex.printHexW(1n, 99))).toBe("0x0000000000000001");
  });

  it("prints sizes in binary units", () => {
    const cases: [bigint, string][] = [
      [0n, "0 B"], [1n, "1 B"], [1023n, "1023 B"], [1024n, "1 KiB"], [1536n, "1.5 KiB"],
      [0x9fc00n, "639 KiB"], [0x400n, "1 KiB"], [0x7ee0000n, "126.8 MiB"], [1n << 20n, "1 MiB"],
      [(1n << 30n) - 1n, "1023.9 MiB"], [1n << 30n, "1 GiB"], [3n << 39n, "1.5 TiB"],
      [1n << 50n, "1024 TiB"], [18446744073709551615n, "16777215.9 TiB"],
    ];
    for (const [bytes, text] of cases) expect(out(() => k.ex.printSizeOf(bytes)), String(bytes)).toBe(text);
  });
});

describe("cpu", () => {
  it("reads vendor, brand and features from cpuid", async () => {
    const t = await TestKernel.load(binary);
    t.ex.identifyCpu();
    expect(t.printed(() => t.ex.printCpu())).toBe(
      "cpu vendor: TsosSimCPU!!\n" +
      "cpu brand: Simulated CPU for tests\n" +
      "cpu features: tsc apic pge x2apic hypervisor smep smap syscall nx lm\n");
  });

  it("copes with a CPU without extended leaves", async () => {
    const m = new Machine();
    m.cpuid.set(0x8000_0000, [0, 0, 0, 0]);
    m.cpuid.set(0x8000_0001, [0, 0, 0, 0xffffffff]); // must not be looked at
    const t = await TestKernel.load(binary, m);
    t.ex.identifyCpu();
    const text = t.printed(() => t.ex.printCpu());
    expect(text).toContain("cpu brand: (none)\n");
    expect(text).not.toContain(" nx");
  });
});

describe("panic", () => {
  it("prints the message and makes QEMU exit with 0x11", async () => {
    const t = await TestKernel.load(binary);
    const r = t.m.run(() => t.ex.panicWith(t.str("out of frames")));
    expect(r.how).toBe("exit");
    expect(t.m.exitCode).toBe(0x11);
    expect(t.m.output).toBe("PANIC: out of frames\n");
  });

  it("receives AssemblyScript's abort()", async () => {
    const t = await TestKernel.load(binary);
    const r = t.m.run(() => t.ex.abortWith(t.str("bad state"), 12));
    expect(r.how).toBe("exit");
    expect(t.m.exitCode).toBe(0x11);
    expect(t.m.output).toBe("PANIC: abort: bad state at kernel/fake.ts:12:7\n");
  });

  it("turns a failed bounds check into a panic", async () => {
    const t = await TestKernel.load(binary);
    expect(t.ex.outOfBounds(1)).toBe(2);
    const r = t.m.run(() => t.ex.outOfBounds(99));
    expect(r.how).toBe("exit");
    expect(t.m.output).toMatch(/^PANIC: abort: Index out of range at ~lib\/staticarray\.ts:\d+:\d+\n$/);
  });
});
