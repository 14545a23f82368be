// memcopy.test.ts — mem_copy (kernel/sys_memcopy.ts): bytes between two
// memory objects by capability, through the direct map; every check (rights,
// ranges, the length bound, overlap, device memory, a capability revoked or
// deleted under the caller) answers an error and copies nothing. The fs
// server relies on the last one (servers/fs/clients.ts; the end-to-end case
// is tests/qemu/fsbench.test.ts).

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { world } from "./ipcworld";
import { errName, R } from "./corekernel";

let binary: Promise<Uint8Array> | null = null;
const compile = () => (binary ??= compileKernelWasm("tests/kernel/assembly/memcopy.ts"));
beforeAll(async () => { await compile(); }, 120_000);

const MAX = 0x20000n;   // MEM_COPY_MAX

interface Ex {
  initSet(t: number): void;
  sysDmaAlloc(dst: number, pages: bigint): bigint;
  sysDevmemCreate(dst: number, phys: bigint, pages: bigint): bigint;
  sysMemCopy(dst: number, dstOff: bigint, src: number, srcOff: bigint, len: bigint): bigint;
  sysCapMint(src: number, dst: number, rights: number, badge: bigint): bigint;
  sysCapRevoke(slot: number): bigint;
  sysCapDelete(slot: number): bigint;
}

// A process with two DMA objects: slot 10 (40 pages, 160 KiB) filled with a
// pattern, slot 11 (2 pages) zeroed. Physical addresses for reading back.
async function setup() {
  const w = await world(compile);
  const s = w.ex as unknown as Ex;
  const p = w.proc(100);
  w.run(p);
  const a = s.sysDmaAlloc(10, 40n), b = s.sysDmaAlloc(11, 2n);
  expect(a).toBeGreaterThan(0n);
  expect(b).toBeGreaterThan(0n);
  const io = w.m.imports();
  for (let i = 0n; i < 40n * 4096n; i++) io.phys_write8(a + i, Number((i * 7n + 3n) & 255n));
  const byte = (phys: bigint) => Number(io.phys_read8(phys));
  const copy = (dst: number, dOff: bigint, src: number, sOff: bigint, len: bigint) => errName(-Number(s.sysMemCopy(dst, dOff, src, sOff, len)));
  return { w, s, p, a, b, byte, copy };
}

describe("mem_copy", () => {
  it("copies bytes at any offset and length, and nothing more", async () => {
    const { a, b, byte, copy } = await setup();
    expect(copy(11, 7n, 10, 4093n, 8001n)).toBe("OK");
    for (let i = 0n; i < 8001n; i++) if (byte(b + 7n + i) !== byte(a + 4093n + i)) expect.fail(`byte ${i}`);
    expect(byte(b + 6n)).toBe(0);
    expect(byte(b + 7n + 8001n)).toBe(0);
    expect(copy(11, 0n, 10, 0n, 0n)).toBe("OK");
    // one object to itself, ranges apart
    expect(copy(10, 0x10000n, 10, 0n, 100n)).toBe("OK");
    expect(byte(a + 0x10000n + 99n)).toBe(byte(a + 99n));
  });

  it("keeps both ranges inside their objects and the length bounded", async () => {
    const { b, byte, copy } = await setup();
    expect(copy(11, 0n, 10, 0n, 8193n)).toBe("INVALID_ARGUMENT");          // past dst (8 KiB)
    expect(copy(11, 8192n, 10, 0n, 1n)).toBe("INVALID_ARGUMENT");
    expect(copy(11, 8193n, 10, 0n, 0n)).toBe("INVALID_ARGUMENT");          // offset past the end
    expect(copy(11, 0n, 10, 40n * 4096n - 1n, 2n)).toBe("INVALID_ARGUMENT"); // past src
    expect(copy(11, 0n, 10, 0xffff_ffff_ffff_ff00n, 0x200n)).toBe("INVALID_ARGUMENT"); // wraps
    expect(copy(10, 0n, 10, MAX, MAX + 1n)).toBe("INVALID_ARGUMENT");      // over MEM_COPY_MAX
    expect(copy(10, 0n, 10, 50n, 100n)).toBe("INVALID_ARGUMENT");          // overlapping
    expect(byte(b)).toBe(0);
  });

  it("wants RIGHT_WRITE on dst, RIGHT_READ on src, RAM memory objects", async () => {
    const { w, s, p, copy } = await setup();
    expect(Number(s.sysCapMint(11, 20, R.RIGHT_READ, 0n))).toBe(0);
    expect(Number(s.sysCapMint(10, 21, R.RIGHT_WRITE, 0n))).toBe(0);
    expect(copy(20, 0n, 10, 0n, 8n)).toBe("INSUFFICIENT_RIGHTS");
    expect(copy(11, 0n, 21, 0n, 8n)).toBe("INSUFFICIENT_RIGHTS");
    expect(copy(11, 0n, 99, 0n, 8n)).toBe("EMPTY_SLOT");
    expect(copy(11, 0n, 100000, 0n, 8n)).toBe("INVALID_SLOT");
    w.ex.initSet(p.t);
    expect(Number(s.sysDevmemCreate(12, 0xfebf0000n, 1n))).toBe(0);
    expect(copy(12, 0n, 10, 0n, 8n)).toBe("WRONG_TYPE");
    expect(copy(11, 0n, 12, 0n, 8n)).toBe("WRONG_TYPE");
  });

  it("answers EMPTY_SLOT once the capability is revoked or deleted", async () => {
    const { s, copy } = await setup();
    expect(Number(s.sysCapMint(11, 20, R.RIGHT_READ | R.RIGHT_WRITE, 0n))).toBe(0);   // what a client sends
    expect(Number(s.sysCapMint(10, 21, R.RIGHT_READ, 0n))).toBe(0);
    expect(copy(20, 0n, 21, 0n, 64n)).toBe("OK");
    expect(Number(s.sysCapRevoke(11))).toBe(0);
    expect(copy(20, 0n, 21, 0n, 64n)).toBe("EMPTY_SLOT");
    expect(Number(s.sysCapDelete(21))).toBe(0);
    expect(copy(11, 0n, 21, 0n, 64n)).toBe("EMPTY_SLOT");
  });
});
