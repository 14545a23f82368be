// multiboot2.test.ts — kernel/multiboot2.ts on synthetic boot information:
// what it keeps from well-formed input, and how it refuses malformed input
// (a clear error, no reads outside the structure, no hang).

import { beforeAll, describe, expect, it } from "vitest";
import { compileEntry, MBI_PHYS, TestKernel } from "./harness";
import { Mb2Builder, QEMU_128M_MAP, typicalBootInfo } from "./mb2";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileEntry(); }, 60_000);

// Load a fresh kernel, place `mbi` at MBI_PHYS (or `at`) and parse it.
async function parse(mbi: Uint8Array, at = MBI_PHYS) {
  const k = await TestKernel.load(binary);
  k.m.place(at, mbi);
  k.m.resetReadTracking();
  const ok = k.ex.parse(BigInt(at)) === 1;
  return { k, ok, ex: k.ex };
}

// The error line the kernel prints for the last failed parse.
function errorLine(k: TestKernel): string {
  return k.printed(() => k.ex.printParseError()).trimEnd();
}

// Every read of the parser stayed inside [at, at + len).
function expectReadsWithin(k: TestKernel, at: number, len: number) {
  if (k.m.physReads === 0) return;
  expect(Number(k.m.lowestRead)).toBeGreaterThanOrEqual(at);
  expect(Number(k.m.highestRead)).toBeLessThan(at + len);
}

describe("well-formed boot information", () => {
  it("keeps everything a typical GRUB boot gives", async () => {
    const mbi = typicalBootInfo("/boot/kernel.elf test=fault").build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(true);
    expect(k.asString(ex.errorMessageAddr())).toBe("");
    expect(ex.totalSize()).toBe(mbi.length);
    expect(ex.tagCount()).toBe(7); // six tags and the end tag
    expect(ex.tagTypesSeen()).toBe((1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 6n) | (1n << 14n));
    expect(ex.hasCmdline()).toBe(1);
    expect(k.pooled(ex.cmdlineStr())).toBe("/boot/kernel.elf test=fault");
    expect(ex.hasLoaderName()).toBe(1);
    expect(k.pooled(ex.loaderNameStr())).toBe("GRUB 2.06-13+deb12u1");
    expect(ex.hasBasicMeminfo()).toBe(1);
    expect(ex.memLowerKiB()).toBe(639);
    expect(ex.memUpperKiB()).toBe(129920);
    expect(ex.hasMemmap()).toBe(1);
    expect(ex.memmapEntrySize()).toBe(24);
    expect(ex.memmapEntryVersion()).toBe(0);
    expect(ex.regionCount()).toBe(QEMU_128M_MAP.length);
    QEMU_128M_MAP.forEach((r, i) => {
      expect(ex.regionBase(i)).toBe(r.base);
      expect(ex.regionLength(i)).toBe(r.length);
      expect(ex.regionType(i)).toBe(r.type);
    });
    expect(ex.usable()).toBe(0x9fc00n + 0x7ee0000n);
    expect(ex.moduleCount()).toBe(1);
    expect(ex.moduleStart(0)).toBe(0x10f000);
    expect(ex.moduleEnd(0)).toBe(0x112a3c);
    expect(k.pooled(ex.moduleStr(0))).toBe("kernel.sym");
    expect(ex.hasFramebuffer()).toBe(0);
    expect(ex.rsdpVersion()).toBe(1);
    expect(ex.rsdpSignatureOk()).toBe(1);
    expect(ex.rsdpRevision()).toBe(0);
    expectReadsWithin(k, MBI_PHYS, mbi.length);
  });

  it("prints the boot log lines the QEMU tests look for", async () => {
    const { k } = await parse(typicalBootInfo("test=fault").build());
    const out = k.printed(() => k.ex.printBootInfo());
    expect(out).toContain("boot loader: GRUB 2.06-13+deb12u1\n");
    expect(out).toContain('command line: "test=fault"\n');
    expect(out).toContain(
      "memory map:\n" +
      "  base 0x0000000000000000 end 0x000000000009fc00 length 0x000000000009fc00 (639 KiB) usable\n" +
      "  base 0x000000000009fc00 end 0x00000000000a0000 length 0x0000000000000400 (1 KiB) reserved\n" +
      "  base 0x00000000000f0000 end 0x0000000000100000 length 0x0000000000010000 (64 KiB) reserved\n" +
      "  base 0x0000000000100000 end 0x0000000007fe0000 length 0x0000000007ee0000 (126.8 MiB) usable\n" +
      "  base 0x0000000007fe0000 end 0x0000000008000000 length 0x0000000000020000 (128 KiB) reserved\n" +
      "  base 0x00000000fffc0000 end 0x0000000100000000 length 0x0000000000040000 (256 KiB) reserved\n" +
      "usable RAM: 127 MiB\n");
    expect(out).toContain(
      "modules:\n" +
      '  start 0x0010f000 end 0x00112a3c size 0x3a3c (14.5 KiB) "kernel.sym"\n');
    expect(out).toContain("ACPI RSDP: v1 (tag 14), revision 0, copy at 0x");
    expect(out).toContain("framebuffer: none\n");
  });

  it("names every memory type, unknown ones as reserved", async () => {
    const map = [1, 2, 3, 4, 5, 7, 0xf00d].map((type, i) => ({ base: BigInt(i) << 20n, length: 0x1000n, type }));
    const { k, ok } = await parse(new Mb2Builder().mmap(map).end().build());
    expect(ok).toBe(true);
    const names = k.printed(() => k.ex.printBootInfo()).split("\n")
      .filter((l) => l.startsWith("  base ")).map((l) => l.replace(/^.*\(4 KiB\) /, ""));
    expect(names).toEqual(["usable", "reserved", "ACPI reclaimable", "ACPI NVS", "bad",
      "reserved (type 7)", "reserved (type 61453)"]);
  });

  it("keeps several modules, the framebuffer and the newer RSDP", async () => {
    const mbi = new Mb2Builder()
      .rsdp(2).rsdp(1) // tag 15 wins even when a tag 14 follows
      .module(0x200000, 0x201000, "init")
      .module(0x201000, 0x201000, "") // empty module, empty string
      .module(0x300000, 0x380000, "serial --verbose")
      .framebuffer(0xfd000000n, 4096, 1024, 768, 32)
      .mmap([{ base: 0n, length: 0x100000n, type: 1 }], { entrySize: 32, version: 0 })
      .end().build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(true);
    expect(ex.moduleCount()).toBe(3);
    expect([0, 1, 2].map((i) => k.pooled(ex.moduleStr(i)))).toEqual(["init", "", "serial --verbose"]);
    expect(ex.moduleStart(2)).toBe(0x300000);
    expect(ex.moduleEnd(2)).toBe(0x380000);
    expect(ex.hasFramebuffer()).toBe(1);
    expect(ex.fbAddr()).toBe(0xfd000000n);
    expect([ex.fbWidth(), ex.fbHeight(), ex.fbBpp(), ex.fbPitch()]).toEqual([1024, 768, 32, 4096]);
    expect(ex.rsdpVersion()).toBe(2);
    expect(ex.rsdpRevision()).toBe(2);
    expect(ex.rsdpPhys()).toBe(BigInt(MBI_PHYS + 8 + 8)); // first tag's payload
    expect(ex.memmapEntrySize()).toBe(32); // larger entries are fine
    expect(ex.usable()).toBe(0x100000n);
    const out = k.printed(() => ex.printBootInfo());
    expect(out).toContain('  start 0x00201000 end 0x00201000 size 0x0 (0 B) ""\n');
    expect(out).toContain("framebuffer: 1024x768x32 at 0x00000000fd000000, pitch 4096, type 1\n");
    expect(out).toContain("ACPI RSDP: v2 (tag 15), revision 2");
    expect(out).toContain("command line: (not given)\n");
    expect(out).toContain("boot loader: (not given)\n");
  });

  it("says so when there is no memory map and no module", async () => {
    const { k, ok } = await parse(new Mb2Builder().cmdline("").end().build());
    expect(ok).toBe(true);
    const out = k.printed(() => k.ex.printBootInfo());
    expect(out).toContain('command line: ""\n');
    expect(out).toContain("memory map:\n  (none)\nusable RAM: 0 MiB\nmodules:\n  (none)\n");
  });

  it("reads a string that fills its tag without a terminator only up to the tag end", async () => {
    const mbi = new Mb2Builder().tag(1, Buffer.from("abcdefgh")).loaderName("next").end().build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(true);
    expect(k.pooled(ex.cmdlineStr())).toBe("abcdefgh");
    expect(k.pooled(ex.loaderNameStr())).toBe("next");
  });

  it("shows control characters from the loader escaped", async () => {
    const { k } = await parse(new Mb2Builder().cmdline("a\x1b[2Jb\tc").end().build());
    expect(k.printed(() => k.ex.printBootInfo())).toContain('command line: "a\\x1b[2Jb\\x09c"\n');
  });

  it("counts but does not keep memory map entries and modules beyond its tables", async () => {
    const map = Array.from({ length: 1000 }, (_, i) => ({ base: BigInt(i) << 12n, length: 0x1000n, type: 1 }));
    const b = new Mb2Builder().mmap(map);
    for (let i = 0; i < 70; i++) b.module(i << 12, (i + 1) << 12, `m${i}`);
    const mbi = b.end().build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(true);
    expect(ex.regionCount()).toBe(256);
    expect(ex.regionsDropped()).toBe(744);
    expect(ex.regionBase(255)).toBe(255n << 12n);
    expect(ex.moduleCount()).toBe(64);
    expect(ex.modulesDropped()).toBe(6);
    expect(k.pooled(ex.moduleStr(63))).toBe("m63");
    const out = k.printed(() => ex.printBootInfo());
    expect(out).toContain("  ... and 744 more entries, not kept\n");
    expect(out).toContain("  ... and 6 more modules, not kept\n");
    expectReadsWithin(k, MBI_PHYS, mbi.length);
  });

  it("cuts strings short when its string pool is full, and says so", async () => {
    const b = new Mb2Builder();
    for (let i = 0; i < 12; i++) b.module(0, 0, String.fromCharCode(65 + i).repeat(1000));
    const { k, ok, ex } = await parse(b.end().build());
    expect(ok).toBe(true);
    expect(ex.stringsTruncated()).toBeGreaterThan(0);
    expect(k.pooled(ex.moduleStr(0))).toBe("A".repeat(1000));
    expect(k.printed(() => ex.printBootInfo())).toMatch(/warning: \d+ boot loader string\(s\) cut short/);
  });

  it("parses again from scratch", async () => {
    const { k, ex } = await parse(typicalBootInfo("first").build());
    k.m.place(0x20000, new Mb2Builder().cmdline("second").end().build());
    expect(ex.parse(0x20000n)).toBe(1);
    expect(k.pooled(ex.cmdlineStr())).toBe("second");
    expect(ex.moduleCount()).toBe(0);
    expect(ex.regionCount()).toBe(0);
    expect(ex.hasLoaderName()).toBe(0);
  });
});

describe("malformed boot information", () => {
  // Each case: the structure, the message expected in the error line, and
  // how many bytes at MBI_PHYS the parser may read.
  const typical = () => typicalBootInfo("test=fault");

  it("a tag whose size runs past the total size", async () => {
    const mbi = new Mb2Builder().cmdline("x").tag(2, Buffer.from("GRUB\0"), 4000).end().build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(false);
    expect(ex.errorInTag()).toBe(1);
    expect(ex.errorTagType()).toBe(2);
    expect(ex.errorTagOffset()).toBe(24);
    expect(ex.errorTagSize()).toBe(4000);
    expect(errorLine(k)).toBe(`multiboot2: tag type 2 at offset 0x18 (size 4000): tag runs past the total size: ${mbi.length}`);
    expect(k.pooled(ex.cmdlineStr())).toBe("x"); // what came before is kept
    expectReadsWithin(k, MBI_PHYS, mbi.length);
  });

  it("a total size smaller than the tags (cuts a tag in half)", async () => {
    // Tags at 8 (cmdline), 32 (loader name), 64 (module, 27 bytes), 96 ...
    const mbi = typical().build({ totalSize: 90 });
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe("multiboot2: tag type 3 at offset 0x40 (size 27): tag runs past the total size: 90");
    expect(k.pooled(ex.loaderNameStr())).toBe("GRUB 2.06-13+deb12u1");
    expectReadsWithin(k, MBI_PHYS, 90);
    // Cut between two tags, fewer than 8 bytes are left for a tag header.
    const r = await parse(typical().build({ totalSize: 100 }));
    expect(r.ok).toBe(false);
    expect(errorLine(r.k)).toBe("multiboot2: no end tag within the total size: 100");
    expectReadsWithin(r.k, MBI_PHYS, 100);
  });

  it("a total size that is absurd", async () => {
    const { k, ok } = await parse(typical().build({ totalSize: 0xfffffff0 }));
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe("multiboot2: total size is absurd (more than 1 MiB): 4294967280");
    expectReadsWithin(k, MBI_PHYS, 8);
  });

  it("a total size too small for even an end tag", async () => {
    for (const total of [0, 8, 15]) {
      const { k, ok } = await parse(typical().build({ totalSize: total }));
      expect(ok).toBe(false);
      expect(errorLine(k)).toBe(`multiboot2: total size is smaller than a header and an end tag: ${total}`);
    }
  });

  it("a total size larger than the tags, without an end tag", async () => {
    // Zero bytes after the last tag look like an end tag of size 0.
    const mbi = new Mb2Builder().cmdline("x").build({ totalSize: 64 });
    const { k, ok } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe("multiboot2: tag type 0 at offset 0x18 (size 0): tag size is smaller than the 8-byte tag header");
    expectReadsWithin(k, MBI_PHYS, 64);
  });

  it("no end tag before the total size", async () => {
    const mbi = new Mb2Builder().cmdline("x").loaderName("y").build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe(`multiboot2: no end tag within the total size: ${mbi.length}`);
    expect(k.pooled(ex.loaderNameStr())).toBe("y");
    expectReadsWithin(k, MBI_PHYS, mbi.length);
  });

  it("a tag of size 0 (would loop for ever if trusted)", async () => {
    const mbi = new Mb2Builder().cmdline("x").tag(3, Buffer.alloc(8), 0).end().build();
    const { k, ok } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe("multiboot2: tag type 3 at offset 0x18 (size 0): tag size is smaller than the 8-byte tag header");
  });

  it("a memory map entry size of 0", async () => {
    const mbi = new Mb2Builder().mmap(QEMU_128M_MAP, { entrySize: 0, layoutSize: 24 }).end().build();
    const { k, ok, ex } = await parse(mbi);
    expect(ok).toBe(false);
    expect(ex.errorTagType()).toBe(6);
    expect(errorLine(k)).toBe("multiboot2: tag type 6 at offset 0x8 (size 160): memory map entry size is smaller than 24: 0");
    expect(ex.hasMemmap()).toBe(0);
    expect(ex.regionCount()).toBe(0);
  });

  it("a memory map entry size of 20", async () => {
    const mbi = new Mb2Builder().mmap(QEMU_128M_MAP.slice(0, 3), { entrySize: 20, layoutSize: 20 }).end().build();
    const { k, ok } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toMatch(/memory map entry size is smaller than 24: 20$/);
  });

  it("a huge memory map entry size", async () => {
    const mbi = new Mb2Builder().mmap(QEMU_128M_MAP, { entrySize: 0xffffffff, layoutSize: 24 }).end().build();
    const { k, ok } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toMatch(/memory map is not a whole number of entries of size 4294967295$/);
    expectReadsWithin(k, MBI_PHYS, mbi.length);
  });

  it("a memory map that is not a whole number of entries", async () => {
    const mbi = new Mb2Builder().mmap(QEMU_128M_MAP, { entrySize: 40, layoutSize: 24 }).end().build();
    const { k, ok } = await parse(mbi);
    expect(ok).toBe(false);
    expect(errorLine(k)).toMatch(/memory map is not a whole number of entries of size 40$/);
  });

  it("a memory map entry that wraps around 2^64", async () => {
    const map = [{ base: 0n, length: 0x1000n, type: 1 }, { base: 0xffff_ffff_ffff_f000n, length: 0x2000n, type: 2 }];
    const { k, ok, ex } = await parse(new Mb2Builder().mmap(map).end().build());
    expect(ok).toBe(false);
    expect(errorLine(k)).toMatch(/memory map entry runs past the end of the 64-bit address space, base 0xfffffffffffff000$/);
    expect(ex.regionCount()).toBe(1);
  });

  it("a module that ends before it starts", async () => {
    const { k, ok } = await parse(new Mb2Builder().module(0x2000, 0x1000, "bad").end().build());
    expect(ok).toBe(false);
    expect(errorLine(k)).toMatch(/module ends before it starts, end 0x1000$/);
  });

  it("tags too short for their type", async () => {
    const cases: [number, number, RegExp][] = [
      [3, 4, /module tag is shorter than 16 bytes/],
      [4, 4, /basic memory information tag is shorter than 16 bytes/],
      [6, 4, /memory map tag is shorter than its 16-byte header/],
      [8, 16, /framebuffer tag is shorter than 30 bytes/],
      [14, 12, /ACPI RSDP tag is too short for an RSDP/],
      [15, 20, /ACPI RSDP tag is too short for an RSDP/],
    ];
    for (const [type, payload, msg] of cases) {
      const mbi = new Mb2Builder().tag(type, Buffer.alloc(payload)).end().build();
      const { k, ok } = await parse(mbi);
      expect(ok, `tag ${type}`).toBe(false);
      expect(errorLine(k)).toMatch(msg);
      expectReadsWithin(k, MBI_PHYS, mbi.length);
    }
  });

  it("a bad boot information address", async () => {
    const k = await TestKernel.load(binary);
    expect(k.ex.parse(0n)).toBe(0);
    expect(errorLine(k)).toBe("multiboot2: boot information address is 0");
    expect(k.ex.parse(0x10004n)).toBe(0);
    expect(errorLine(k)).toBe("multiboot2: boot information address is not 8-byte aligned: 0x10004");
    expect(k.ex.parse(0xfffffff8n + 8n)).toBe(0);
    expect(errorLine(k)).toBe("multiboot2: boot information lies outside the direct map: 0x100000000");
    expect(k.m.physReads).toBe(0);
  });

  it("boot information that would run past the direct map", async () => {
    const at = 0xffff_f000;
    const { k, ok } = await parse(new Mb2Builder().end().build({ totalSize: 0x2000 }), at);
    expect(ok).toBe(false);
    expect(errorLine(k)).toBe("multiboot2: boot information runs past the direct map, total size 8192");
    expectReadsWithin(k, at, 8);
  });

  it("random damage never hangs it nor makes it read outside the structure", async () => {
    // A small deterministic PRNG (xorshift32).
    let seed = 0x2545f491;
    const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
    const good = typicalBootInfo("test=fault quiet").build();
    const k = await TestKernel.load(binary);
    let failures = 0;
    for (let round = 0; round < 400; round++) {
      const mbi = good.slice();
      const flips = 1 + (rnd() % 4);
      for (let f = 0; f < flips; f++) {
        const where = rnd() % mbi.length;
        // Mostly small changes to size fields, sometimes any byte.
        mbi[where] = rnd() % 3 === 0 ? rnd() & 0xff : mbi[where] ^ (1 << (rnd() % 8));
      }
      k.m.unmap(MBI_PHYS, 0x10000);
      k.m.place(MBI_PHYS, mbi);
      k.m.resetReadTracking();
      k.m.budget = 1_000_000;
      const ok = k.ex.parse(BigInt(MBI_PHYS)) === 1;
      if (!ok) failures++;
      const total = new DataView(mbi.buffer).getUint32(0, true);
      const limit = total <= 0x100000 ? Math.max(8, total) : 8;
      expectReadsWithin(k, MBI_PHYS, limit);
      // The printers cope with whatever was kept.
      k.printed(() => { k.ex.printBootInfo(); if (!ok) k.ex.printParseError(); });
    }
    expect(failures).toBeGreaterThan(0);
  });
});
