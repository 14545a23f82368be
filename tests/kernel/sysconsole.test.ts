// sysconsole.test.ts — the screen console's kernel side on the simulated
// machine: the console log (kernel/klog.ts: every COM1 byte, klog_write,
// reading from a position, a reader that fell out of the ring), fb_info
// (the multiboot2 framebuffer tag with its RGB field positions, written to
// a process's memory), power() being init's alone, and the \_S5_ search
// of power.ts in hand-made AML. (Switching off and resetting for real:
// tests/qemu/screen.test.ts.)

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { world } from "./ipcworld";
import { Mb2Builder } from "./mb2";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/sysconsole.ts"));
type W = Awaited<ReturnType<typeof world>>;
interface Ex {
  initSet(t: number): void;
  mb2Parse(phys: bigint): number;
  sysFbInfo(buf: bigint): bigint;
  sysKlogRead(buf: bigint, len: bigint, pos: bigint): bigint;
  sysKlogWrite(buf: bigint, len: bigint): bigint;
  sysPower(op: number): bigint;
  klogPut(b: number): void;
  klogHead(): bigint;
  s5Search(d: bigint): number;
  s5TypA(): number;
  s5TypB(): number;
}
const sx = (w: W) => w.ex as unknown as Ex;
const KLOG_SIZE = 32768n;

// Bytes of process memory at its IPC buffer (through physical memory).
function userBytes(w: W, p: { bufPhys: bigint }, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Number(w.m.imports().phys_read8(p.bufPhys + BigInt(i)));
  return b;
}
function setUserBytes(w: W, p: { bufPhys: bigint }, bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i++) w.m.imports().phys_write8(p.bufPhys + BigInt(i), bytes[i]);
}

beforeAll(async () => { await compile(); }, 120_000);

describe("console log (klog_read, klog_write)", () => {
  it("keeps what the kernel printed and what klog_write added, in order, readable from any position", async () => {
    const w = await world(compile);
    const s = sx(w);
    const p = w.proc(100);
    w.run(p);
    const start = s.klogHead();
    for (const ch of Buffer.from("kernel line\n")) s.klogPut(ch);
    setUserBytes(w, p, Buffer.from("from serial\n"));
    expect(s.sysKlogWrite(p.buf, 12n)).toBe(0n);
    const head = s.sysKlogRead(p.buf, 100n, start);
    expect(head).toBe(start + 24n);
    expect(userBytes(w, p, 24).toString()).toBe("kernel line\nfrom serial\n");
    // From a later position, and a short read.
    expect(s.sysKlogRead(p.buf, 4n, start + 7n)).toBe(head);
    expect(userBytes(w, p, 4).toString()).toBe("line");
    // Nothing new: head, nothing copied.
    expect(s.sysKlogRead(p.buf, 100n, head)).toBe(head);
    // A bad buffer.
    expect(s.sysKlogRead(0x1234_0000n, 10n, start)).toBe(-BigInt(w.E.BAD_ADDRESS));
    expect(s.sysKlogWrite(0x1234_0000n, 10n)).toBe(-BigInt(w.E.BAD_ADDRESS));
  });

  it("a reader that fell behind resumes at the oldest byte kept", async () => {
    const w = await world(compile);
    const s = sx(w);
    const p = w.proc(100);
    w.run(p);
    const start = s.klogHead();
    for (let i = 0n; i < KLOG_SIZE + 100n; i++) s.klogPut(0x41 + Number(i % 26n));
    const head = s.klogHead();
    expect(head).toBe(start + KLOG_SIZE + 100n);
    expect(s.sysKlogRead(p.buf, 8n, start)).toBe(head);
    // The oldest byte kept is head - KLOG_SIZE = start + 100.
    const want = [...Array(8).keys()].map((i) => String.fromCharCode(0x41 + Number((100n + BigInt(i)) % 26n))).join("");
    expect(userBytes(w, p, 8).toString()).toBe(want);
  });
});

describe("fb_info", () => {
  it("reports the framebuffer tag, RGB field positions included; NOT_MAPPED without one", async () => {
    const w = await world(compile);
    const s = sx(w);
    const p = w.proc(100);
    w.run(p);
    const none = new Mb2Builder().cmdline("").end().build();
    w.m.place(0x10000, none);
    expect(s.mb2Parse(0x10000n)).toBeTruthy();
    expect(s.sysFbInfo(p.buf)).toBe(-BigInt(w.E.NOT_MAPPED));
    const info = new Mb2Builder().framebuffer(0xfd000000n, 4096, 1024, 768, 32, 1, [16, 8, 8, 8, 0, 8]).end().build();
    w.m.place(0x10000, info);
    expect(s.mb2Parse(0x10000n)).toBeTruthy();
    expect(s.sysFbInfo(p.buf)).toBe(0n);
    const b = userBytes(w, p, 32);
    expect(b.readBigUInt64LE(0)).toBe(0xfd000000n);
    expect([b.readUInt32LE(8), b.readUInt32LE(12), b.readUInt32LE(16)]).toEqual([4096, 1024, 768]);
    expect([...b.subarray(20, 28)]).toEqual([32, 1, 16, 8, 8, 8, 0, 8]);
    const text = new Mb2Builder().framebuffer(0xb8000n, 160, 80, 25, 16, 2).end().build();
    w.m.place(0x10000, text);
    expect(s.mb2Parse(0x10000n)).toBeTruthy();
    expect(s.sysFbInfo(p.buf)).toBe(0n);
    const t = userBytes(w, p, 32);
    expect([t.readBigUInt64LE(0), t.readUInt32LE(12), t.readUInt32LE(16), t[21]]).toEqual([0xb8000n, 80, 25, 2]);
    expect(s.sysFbInfo(0x1234_0000n)).toBe(-BigInt(w.E.BAD_ADDRESS));
  });
});

describe("power", () => {
  it("only the initial process may switch off or reset", async () => {
    const w = await world(compile);
    const s = sx(w);
    const p = w.proc(100);
    w.run(p);
    expect(s.sysPower(0)).toBe(-BigInt(w.E.INSUFFICIENT_RIGHTS));
    expect(s.sysPower(1)).toBe(-BigInt(w.E.INSUFFICIENT_RIGHTS));
    s.initSet(p.t);
    expect(s.sysPower(7)).toBe(-BigInt(w.E.INVALID_ARGUMENT));
  });

  // A DSDT: 36-byte header, then AML.
  function dsdt(aml: number[]): Buffer {
    const b = Buffer.alloc(36 + aml.length);
    b.write("DSDT", 0, "latin1");
    b.writeUInt32LE(b.length, 4);
    Buffer.from(aml).copy(b, 36);
    return b;
  }
  const S5 = [0x5f, 0x53, 0x35, 0x5f];

  it("finds \\_S5_'s sleep types in AML (ZeroOp/OneOp, BytePrefix, root prefix)", async () => {
    const w = await world(compile);
    const s = sx(w);
    // Name(_S5_, Package(4) {0, 0, 0, 0}) as QEMU's q35 DSDT has it.
    w.m.place(0x20000, dsdt([0x10, 0x08, 0x08, ...S5, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00]));
    expect(s.s5Search(0x20000n)).toBeTruthy();
    expect([s.s5TypA(), s.s5TypB()]).toEqual([0, 0]);
    // Name(\_S5_, Package() {BytePrefix 5, BytePrefix 5}), after a decoy "_S5_" that is not a name.
    w.m.place(0x21000, dsdt([0x70, ...S5, 0x00, 0x08, 0x5c, ...S5, 0x12, 0x07, 0x02, 0x0a, 0x05, 0x0a, 0x05, 0x00]));
    expect(s.s5Search(0x21000n)).toBeTruthy();
    expect([s.s5TypA(), s.s5TypB()]).toEqual([5, 5]);
    // OneOp, and a two-byte PkgLength.
    w.m.place(0x22000, dsdt([0x08, ...S5, 0x12, 0x46, 0x00, 0x02, 0x01, 0x0a, 0x07]));
    expect(s.s5Search(0x22000n)).toBeTruthy();
    expect([s.s5TypA(), s.s5TypB()]).toEqual([1, 7]);
    // None.
    w.m.place(0x23000, dsdt([0x08, 0x5f, 0x53, 0x34, 0x5f, 0x12, 0x04, 0x01, 0x00]));
    expect(s.s5Search(0x23000n)).toBeFalsy();
    expect(s.s5Search(0n)).toBeFalsy();
  });
});
