// cmdline.test.ts — kernel/cmdline.ts (key=value words) and the test=<mode>
// dispatch of kernel/testmode.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { compileEntry, MBI_PHYS, TestKernel } from "./harness";
import { Mb2Builder } from "./mb2";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileEntry(); }, 60_000);

// A kernel with `line` as its command line.
async function withCmdline(line: string): Promise<TestKernel> {
  const k = await TestKernel.load(binary);
  const bytes = Buffer.from(line, "utf8");
  k.ex.useCmdline(k.bytes(bytes), bytes.length);
  return k;
}

// Look `key` up: the value as a string, or null when absent.
function lookup(k: TestKernel, key: string): string | null {
  if (k.ex.find(k.str(key)) !== 1) return null;
  return k.text(k.ex.valueAddr(), k.ex.valueLen());
}

describe("command line words", () => {
  it("finds key=value words anywhere on the line", async () => {
    const k = await withCmdline("/boot/kernel.elf test=fault loglevel=7 quiet");
    expect(lookup(k, "test")).toBe("fault");
    expect(lookup(k, "loglevel")).toBe("7");
    expect(lookup(k, "/boot/kernel.elf")).toBe("");
    expect(lookup(k, "quiet")).toBe("");
    expect(k.ex.valueGiven()).toBe(0); // a bare flag, no '='
    expect(lookup(k, "tes")).toBeNull();
    expect(lookup(k, "testx")).toBeNull();
    expect(lookup(k, "fault")).toBeNull();
    expect(lookup(k, "")).toBeNull();
  });

  it("tells an empty value from a bare flag", async () => {
    const k = await withCmdline("test= quiet");
    expect(lookup(k, "test")).toBe("");
    expect(k.ex.valueGiven()).toBe(1);
    expect(lookup(k, "quiet")).toBe("");
    expect(k.ex.valueGiven()).toBe(0);
  });

  it("lets the last occurrence win and keeps '=' inside values", async () => {
    const k = await withCmdline("test=a test=b opt=x=y");
    expect(lookup(k, "test")).toBe("b");
    expect(lookup(k, "opt")).toBe("x=y");
  });

  it("accepts tabs, new lines and runs of blanks", async () => {
    const k = await withCmdline("  \t test=fault\t\tother=1 \r\n");
    expect(lookup(k, "test")).toBe("fault");
    expect(lookup(k, "other")).toBe("1");
  });

  it("keeps quoted blanks inside a word and strips quotes around a value", async () => {
    const k = await withCmdline('title="hello world" test=fault path=a"b c"d');
    expect(lookup(k, "title")).toBe("hello world");
    expect(lookup(k, "test")).toBe("fault");
    expect(lookup(k, "path")).toBe('a"b c"d');
  });

  it("copes with an empty line, a lone '=' and an unterminated quote", async () => {
    for (const line of ["", " ", "=", "==", '"', 'test="fault', "=fault"]) {
      const k = await withCmdline(line);
      expect(lookup(k, "test"), line).toBe(line === 'test="fault' ? '"fault' : null);
    }
    const k = await withCmdline("=fault");
    expect(lookup(k, "")).toBe("fault"); // an empty key is still a key
  });

  it("reads the command line the boot loader gave", async () => {
    const k = await TestKernel.load(binary);
    k.m.place(MBI_PHYS, new Mb2Builder().cmdline("/boot/kernel.elf test=fault").end().build());
    expect(k.ex.parse(BigInt(MBI_PHYS))).toBe(1);
    k.ex.useParsedCmdline();
    expect(lookup(k, "test")).toBe("fault");
  });
});

describe("test=<mode>", () => {
  it("does nothing without test=", async () => {
    const k = await withCmdline("quiet");
    const r = k.m.run(() => k.ex.testMode());
    expect(r.how).toBe("returned");
    expect(k.m.output).toBe("");
  });

  it("test=fault reads outside the direct map and page-faults", async () => {
    const k = await withCmdline("/boot/kernel.elf test=fault");
    const r = k.m.run(() => k.ex.testMode());
    expect(r.how).toBe("page fault");
    expect(r.fault).toBe(0x1_0000_0000n);
    expect(k.m.output).toBe("test=fault: reading physical address 0x0000000100000000\n");
  });

  it("panics if the fault read comes back", async () => {
    const k = await withCmdline("test=fault");
    // A machine whose direct map covers that address after all.
    (k.m as any).read = () => 0x1234n;
    const r = k.m.run(() => k.ex.testMode());
    expect(r.how).toBe("exit");
    expect(k.m.exitCode).toBe(0x11);
    expect(k.m.output).toBe(
      "test=fault: reading physical address 0x0000000100000000\n" +
      "test=fault: the read returned 0x0000000000001234\n" +
      "PANIC: test=fault: no page fault\n");
  });

  it("an unknown mode is named and fails the run", async () => {
    for (const [line, shown] of [["test=faults", "faults"], ["test=", ""], ["test", ""], ["test=\x01", "\\x01"]]) {
      const k = await withCmdline(line);
      const r = k.m.run(() => k.ex.testMode());
      expect(r.how).toBe("exit");
      expect(k.m.exitCode).toBe(0x11);
      expect(k.m.output).toBe(
        `test=${shown}: unknown test mode (known: fault core timer pictimer smap smep)\n` +
        "PANIC: unknown test mode\n");
    }
  });
});
