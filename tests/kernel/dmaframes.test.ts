// dmaframes.test.ts — kernel/frames.ts framesAllocContig, what dma_alloc
// (kernel/sys_dma.ts) takes DMA buffers from: n physically contiguous free
// frames below a limit, first fit, all or nothing. (The system calls on top
// are checked on the real path by servers/pci/selfcheck.ts in
// tests/qemu/storage.test.ts.)

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, loadCore } from "./corekernel";

beforeAll(async () => { await compileCore(); }, 60_000);

const FOUR_G = 0x1_0000_0000n;

async function world(ranges: [number, number][]) {
  const { ex } = await loadCore();
  ex.framesReset();
  for (const [b, e] of ranges) ex.framesAddRange(BigInt(b), BigInt(e));
  return ex;
}

describe("framesAllocContig", () => {
  it("takes the first run that is long enough, and only its frames", async () => {
    const ex = await world([[0x100000, 0x110000], [0x120000, 0x140000]]);   // 16 + 32 frames
    expect(ex.framesFree()).toBe(48n);
    const p: bigint = ex.framesAllocContig(20n, FOUR_G);
    expect(p).toBe(0x120000n);
    expect(ex.framesFree()).toBe(28n);
    for (let i = 0n; i < 20n; i++) expect(ex.frameIsFree(p + i * 4096n)).toBe(0);
    expect(ex.frameIsFree(p + 20n * 4096n)).toBe(1);
    expect(ex.frameIsFree(0x100000n)).toBe(1);
    // 16 fit in the first range now.
    expect(ex.framesAllocContig(16n, FOUR_G)).toBe(0x100000n);
  });

  it("finds nothing when no run is long enough, and changes nothing", async () => {
    const ex = await world([[0x100000, 0x110000], [0x120000, 0x140000]]);
    expect(ex.framesAllocContig(33n, FOUR_G)).toBe(0n);
    expect(ex.framesAllocContig(0n, FOUR_G)).toBe(0n);
    expect(ex.framesAllocContig(49n, FOUR_G)).toBe(0n);
    expect(ex.framesFree()).toBe(48n);
  });

  it("a hole in the middle splits the run; freed frames join it again", async () => {
    const ex = await world([[0x100000, 0x120000]]);   // 32 frames
    const one: bigint = ex.frameAlloc();
    expect(one).toBe(0x100000n);                      // next fit starts at the bottom
    const mid = 0x110000n;
    // take the frame at mid out: allocate until we get it
    const taken: bigint[] = [];
    for (;;) { const f: bigint = ex.frameAlloc(); taken.push(f); if (f === mid) break; }
    for (const f of taken) if (f !== mid) expect(ex.frameFree(f)).toBe(0);
    expect(ex.frameFree(one)).toBe(0);
    // 32 frames with one hole: 16 below it, 15 above.
    expect(ex.framesAllocContig(17n, FOUR_G)).toBe(0n);
    expect(ex.framesAllocContig(16n, FOUR_G)).toBe(0x100000n);
    expect(ex.frameFree(mid)).toBe(0);
    expect(ex.framesAllocContig(16n, FOUR_G)).toBe(mid);
  });

  it("stays below the limit", async () => {
    const ex = await world([[0x100000, 0x140000]]);   // 64 frames
    expect(ex.framesAllocContig(8n, 0x104000n)).toBe(0n);        // only 4 frames below
    expect(ex.framesAllocContig(4n, 0x104000n)).toBe(0x100000n);
    expect(ex.framesAllocContig(60n, 0x140000n)).toBe(0x104000n);
  });

  it("runs across 64-frame words of the bitmap", async () => {
    const ex = await world([[0x13f000, 0x1c1000]]);   // starts one frame before a word boundary
    expect(ex.framesAllocContig(130n, FOUR_G)).toBe(0x13f000n);
  });
});
