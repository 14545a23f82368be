// frames.test.ts — kernel/frames.ts (and the ELF sections tag of
// kernel/multiboot2.ts that tells it where the kernel image is): which
// frames are free after boot, allocation, freeing, and its errors.

import { beforeAll, describe, expect, it } from "vitest";
import { compileCore, E, errName, loadCore } from "./corekernel";
import { MBI_PHYS } from "./harness";
import { KERNEL_OFFSET, KERNEL_SECTIONS, Mb2Builder, QEMU_128M_MAP, Region } from "./mb2";

beforeAll(async () => { await compileCore(); }, 60_000);

const IMAGE_END = 0x1170000;
const MODULE = { start: 0x117d000, end: 0x11878ca };

function bootInfo(opts: { elf?: boolean; map?: Region[] } = {}) {
  const b = new Mb2Builder().loaderName("GRUB").module(MODULE.start, MODULE.end, "kernel.sym").mmap(opts.map ?? QEMU_128M_MAP);
  if (opts.elf ?? true) b.elfSections(KERNEL_SECTIONS).loadBase(0x100000);
  return b.end().build();
}

async function boot(mbi: Uint8Array, at = MBI_PHYS) {
  const { m, ex } = await loadCore();
  m.place(at, mbi);
  expect(ex.parse(BigInt(at))).toBe(1);
  ex.framesInit();
  return { m, ex };
}

const frames = (lo: number, hi: number) => (hi - lo) / 4096;

describe("multiboot2 ELF sections tag", () => {
  it("gives the physical extent of the allocated higher-half sections", async () => {
    const { ex } = await boot(bootInfo());
    expect(ex.hasElfSections()).toBe(1);
    expect(ex.elfImageStart()).toBe(0x100000n);
    expect(ex.elfImageEnd()).toBe(BigInt(IMAGE_END));
    expect(ex.hasLoadBase()).toBe(1);
    expect(ex.loadBase()).toBe(0x100000n);
  });

  it("ignores sections that are not allocated or not in the kernel window", async () => {
    const { ex } = await boot(new Mb2Builder().mmap(QEMU_128M_MAP).elfSections([
      { addr: 0x400000n, size: 0x1000n, flags: 2n },                 // low address: not ours
      { addr: KERNEL_OFFSET + 0x300000n, size: 0x1000n, flags: 0n }, // not allocated
      { addr: KERNEL_OFFSET + 0x200000n, size: 0x2000n, flags: 2n },
      { addr: KERNEL_OFFSET + 0x100000n, size: 0n, flags: 2n },      // empty
    ]).end().build());
    expect(ex.elfImageStart()).toBe(0x200000n);
    expect(ex.elfImageEnd()).toBe(0x202000n);
  });

  it("refuses a section header size below 64 and a count that overruns the tag", async () => {
    const { m, ex } = await loadCore();
    m.place(MBI_PHYS, new Mb2Builder().elfSections(KERNEL_SECTIONS, { entsize: 40 }).end().build());
    expect(ex.parse(BigInt(MBI_PHYS))).toBe(0);
    m.place(MBI_PHYS, new Mb2Builder().elfSections(KERNEL_SECTIONS, { num: 11 }).end().build());
    expect(ex.parse(BigInt(MBI_PHYS))).toBe(0);
    m.place(MBI_PHYS, new Mb2Builder().elfSections(KERNEL_SECTIONS, { num: 10 }).end().build());
    expect(ex.parse(BigInt(MBI_PHYS))).toBe(1);
  });
});

describe("frame allocator set-up", () => {
  it("counts usable RAM and frees all but low memory, the image, the modules and the boot information", async () => {
    const { ex } = await boot(bootInfo());
    const usable = Math.floor(0x9fc00 / 4096) + frames(0x100000, 0x7fe0000);
    expect(ex.framesTotal()).toBe(BigInt(usable));
    const moduleFrames = Math.ceil(MODULE.end / 4096) - MODULE.start / 4096;
    expect(ex.framesFree()).toBe(BigInt(frames(0x100000, 0x7fe0000) - frames(0x100000, IMAGE_END) - moduleFrames));
    expect(ex.imageFromElf()).toBe(1);
    for (const p of [0n, 0x9e000n, 0x100000n, 0x116f000n, 0x117d000n, 0x1187000n, 0x7fe0000n]) expect(ex.frameIsFree(p), p.toString(16)).toBe(0);
    for (const p of [0x1170000n, 0x117c000n, 0x1188000n, 0x7fdf000n]) expect(ex.frameIsFree(p), p.toString(16)).toBe(1);
  });

  it("keeps the frames of the boot information", async () => {
    const { ex } = await boot(bootInfo(), 0x2000ff8);
    expect(ex.frameIsFree(0x2000000n)).toBe(0);
    expect(ex.frameIsFree(0x2001000n)).toBe(0); // the structure crosses into this frame
    expect(ex.frameIsFree(0x2002000n)).toBe(1);
  });

  it("without ELF sections, keeps the largest image the boot page tables allow (1 MiB + 128 MiB)", async () => {
    const map = [{ base: 0n, length: 0x9fc00n, type: 1 }, { base: 0x100000n, length: 0xfee0000n, type: 1 }];
    const { ex } = await boot(bootInfo({ elf: false, map }));
    expect(ex.imageFromElf()).toBe(0);
    expect(ex.imageEnd()).toBe(0x8100000n);
    expect(ex.framesFree()).toBe(BigInt(frames(0x8100000, 0xffe0000)));
  });

  it("trims regions to whole pages, counts overlapping regions once, ignores RAM above 4 GiB", async () => {
    const map = [
      { base: 0x200800n, length: 0x3000n, type: 1 },   // 0x201000..0x203000 whole: 2 frames
      { base: 0x300000n, length: 0x4000n, type: 1 },
      { base: 0x302000n, length: 0x4000n, type: 1 },   // overlaps by 2 frames
      { base: 0x400000n, length: 0x4000n, type: 2 },   // reserved
      { base: 0xfffff000n, length: 0x2000n, type: 1 }, // half above 4 GiB
      { base: 0x100000000n, length: 0x100000000n, type: 1 },
    ];
    const tinyImage = [{ addr: KERNEL_OFFSET + 0x100000n, size: 0x1000n, flags: 2n }];
    const { ex } = await boot(new Mb2Builder().mmap(map).elfSections(tinyImage).end().build());
    expect(ex.framesTotal()).toBe(2n + 6n + 1n);
    expect(ex.framesFree()).toBe(9n);
  });
});

describe("frame allocation", () => {
  it("hands out every free frame exactly once, then 0, and takes them back", async () => {
    const { ex } = await boot(bootInfo());
    const free = Number(ex.framesFree());
    const seen = new Set<bigint>();
    for (let i = 0; i < free; i++) {
      const p: bigint = ex.frameAlloc();
      expect(p % 4096n).toBe(0n);
      if (p < 0x100000n || (p >= 0x100000n && p < BigInt(IMAGE_END)) || (p >= 0x117d000n && p < 0x1188000n) || p >= 0x7fe0000n) {
        throw new Error(`frame 0x${p.toString(16)} should not be handed out`);
      }
      seen.add(p);
    }
    expect(seen.size).toBe(free);
    expect(ex.framesFree()).toBe(0n);
    expect(ex.frameAlloc()).toBe(0n);
    expect(errName(ex.frameFree(0x2000000n))).toBe("OK");
    expect(ex.frameAlloc()).toBe(0x2000000n);
  });

  it("refuses a double free, a frame it does not manage, and an unaligned address", async () => {
    const { ex } = await boot(bootInfo());
    const p: bigint = ex.frameAlloc();
    const before = ex.framesFree();
    expect(ex.frameFree(p)).toBe(E.OK);
    expect(ex.frameFree(p)).toBe(E.DOUBLE_FREE);
    expect(ex.frameFree(0x100000n)).toBe(E.INVALID_ARGUMENT);   // kernel image
    expect(ex.frameFree(0x1000n)).toBe(E.INVALID_ARGUMENT);     // low memory
    expect(ex.frameFree(0x7fe0000n)).toBe(E.INVALID_ARGUMENT);  // reserved region
    expect(ex.frameFree(p + 8n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.frameFree(0x100000000n)).toBe(E.INVALID_ARGUMENT);
    expect(ex.framesFree()).toBe(before + 1n);
  });
});
