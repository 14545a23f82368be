// fat-corrupt.test.ts — damaged images give clear errors and never crash
// the library: truncated images, bad boot sectors (signature, each absurd
// geometry field), cycles and out-of-range clusters in chains, chains that
// end early or run into free clusters, FSInfo damage and mismatch, device
// errors, and random damage to the metadata (no trap, only defined codes).

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileFatWasm, FatFs, O_CREATE } from "./fatwasm";
import { missingTools, mkfs, mmd, mput, pattern, tempDir } from "./fattools";

let module: WebAssembly.Module;
beforeAll(async () => { module = new WebAssembly.Module(await compileFatWasm()); }, 120_000);

const E = { IO: -1, TRUNCATED: -2, BAD_SIGNATURE: -3, BAD_BPB: -4, BAD_FSINFO: -5, CHAIN_CYCLE: -6, CLUSTER_RANGE: -7, CHAIN_BROKEN: -8, CHAIN_LENGTH: -9, LAST: -26 };

function image(fat: 12 | 16 | 32, mib: number): Buffer {
  const t = tempDir();
  try {
    const img = join(t.dir, "disk.img");
    mkfs(img, fat, mib, fat === 16 ? ["-s", "1"] : []);
    mmd(img, "/dir");
    mput(img, "/three.bin", pattern(1500, 1), t.dir);           // three 512-byte clusters (FAT16/32 here)
    for (let i = 0; i < 40; i++) mput(img, `/dir/a long name number ${i}.txt`, Buffer.from(`${i}`), t.dir);
    return readFileSync(img);
  } finally { t.done(); }
}

// Boot-sector numbers the tests need to patch the FAT and entries.
function layout(img: Buffer) {
  const bps = img.readUInt16LE(11), reserved = img.readUInt16LE(14), nfats = img[16];
  const fat16 = img.readUInt16LE(22);
  const fatSize = fat16 || img.readUInt32LE(36);
  const width = fat16 ? 2 : 4;
  const fatAt = (c: number) => reserved * bps + c * width;
  return {
    bps,
    getFat(c: number): number {
      return width === 2 ? img.readUInt16LE(fatAt(c)) : img.readUInt32LE(fatAt(c)) & 0x0fffffff;
    },
    setFat(c: number, v: number) {
      for (let k = 0; k < nfats; k++) {
        const at = (reserved + k * fatSize) * bps + c * width;
        if (width === 2) img.writeUInt16LE(v & 0xffff, at); else img.writeUInt32LE(v, at);
      }
    },
  };
}

async function mounted(img: Buffer, flags = 0): Promise<FatFs> {
  const fs = new FatFs(module, img);
  fs.check(fs.mount(flags));
  return fs;
}

describe.skipIf(missingTools.length > 0)("damaged images give clear errors", () => {
  let fat16: Buffer, fat32: Buffer;
  beforeAll(() => { fat16 = image(16, 16); fat32 = image(32, 40); }, 60_000);

  it("a truncated image", () => {
    const fs = new FatFs(module, fat16.subarray(0, fat16.length / 2));
    expect(fs.mount()).toBe(E.TRUNCATED);
    expect(fs.message(E.TRUNCATED)).toMatch(/image truncated/);
    expect(fs.detail()).toMatch(/device is smaller than the volume/);
    expect(new FatFs(module, fat16.subarray(0, 100)).mount()).toBe(E.TRUNCATED);
    expect(new FatFs(module, Buffer.alloc(0)).mount()).toBe(E.TRUNCATED);
  });

  it("a boot sector without its signature", () => {
    const img = Buffer.from(fat16);
    img[510] = 0;
    const fs = new FatFs(module, img);
    expect(fs.mount()).toBe(E.BAD_SIGNATURE);
    expect(fs.message(E.BAD_SIGNATURE)).toBe("bad boot sector: no 0x55AA signature");
    expect(new FatFs(module, Buffer.alloc(1 << 20)).mount()).toBe(E.BAD_SIGNATURE);
  });

  const geometry: [string, (b: Buffer) => void, RegExp, boolean?][] = [
    ["bytes per sector 300", (b) => b.writeUInt16LE(300, 11), /bytes per sector/],
    ["bytes per sector 0", (b) => b.writeUInt16LE(0, 11), /bytes per sector/],
    ["sectors per cluster 3", (b) => { b[13] = 3; }, /sectors per cluster/],
    ["sectors per cluster 0", (b) => { b[13] = 0; }, /sectors per cluster/],
    ["no reserved sectors", (b) => b.writeUInt16LE(0, 14), /reserved/],
    ["no FATs", (b) => { b[16] = 0; }, /number of FATs/],
    ["media byte 0x12", (b) => { b[21] = 0x12; }, /media/],
    ["no sectors", (b) => { b.writeUInt16LE(0, 19); b.writeUInt32LE(0, 32); }, /total sector count/],
    ["FAT larger than the volume", (b) => b.writeUInt16LE(0xffff, 22), /larger than the volume/],
    ["FAT too small", (b) => b.writeUInt16LE(1, 22), /FAT too small/],
    ["no root entries", (b) => b.writeUInt16LE(0, 17), /without root directory entries/],
    ["FAT32 root cluster 0", (b) => b.writeUInt32LE(0, 44), /root directory cluster/, true],
    ["FAT32 root cluster beyond the end", (b) => b.writeUInt32LE(0x0ffffff0, 44), /root directory cluster/, true],
    ["FAT32 FAT size 0", (b) => b.writeUInt32LE(0, 36), /FAT size is 0/, true],
    ["FAT32 version 1.0", (b) => b.writeUInt16LE(0x100, 42), /version/, true],
    ["FAT32 with a fixed root", (b) => b.writeUInt16LE(512, 17), /fixed root/, true],
  ];
  for (const [what, patch, detail, is32] of geometry) {
    it(`absurd geometry: ${what}`, () => {
      const img = Buffer.from(is32 ? fat32 : fat16);
      patch(img);
      const fs = new FatFs(module, img);
      const r = fs.mount();
      expect(r).toBe(E.BAD_BPB);
      expect(fs.message(r)).toBe("bad boot sector: absurd geometry");
      expect(fs.detail()).toMatch(detail);
    });
  }

  for (const which of ["FAT16", "FAT32"]) {
    describe(which, () => {
      const base = () => Buffer.from(which === "FAT16" ? fat16 : fat32);

      it("a cycle in a file's cluster chain", async () => {
        const img = base();
        const fs = await mounted(img);
        const c = fs.stat("/three.bin").cluster;
        const l = layout(img);
        l.setFat(l.getFat(l.getFat(c)), c);   // third cluster back to the first
        const again = await mounted(img);
        expect(again.open("/three.bin")).toBe(E.CHAIN_CYCLE);
        expect(again.message(E.CHAIN_CYCLE)).toBe("corrupt filesystem: cycle in a cluster chain");
        expect(again.detail()).toMatch(/cycle/);
        expect(again.remove("/three.bin")).toBe(E.CHAIN_CYCLE);
      });

      it("a cycle in a directory's cluster chain", async () => {
        const img = base();
        const fs = await mounted(img);
        const c = fs.stat("/dir").cluster;
        const l = layout(img);
        const second = l.getFat(c);
        expect(second).toBeLessThan(0xfff0);
        l.setFat(second, c);   // the directory's second cluster back to its first
        const again = await mounted(img);
        expect(() => again.list("/dir")).toThrow(/cycle in a cluster chain/);
        expect(again.open("/dir/x", O_CREATE)).toBe(E.CHAIN_CYCLE);
        expect(again.rmdir("/dir")).toBe(E.CHAIN_CYCLE);
      });

      it("a cluster number out of range, a chain into a free cluster, a chain too short", async () => {
        const img = base();
        const fs = await mounted(img);
        const c = fs.stat("/three.bin").cluster;
        const l = layout(img);
        l.setFat(c + 1, which === "FAT16" ? 0xfff0 : 0x0ffffff0);
        expect((await mounted(Buffer.from(img))).open("/three.bin")).toBe(E.CLUSTER_RANGE);
        l.setFat(c + 1, 0);
        expect((await mounted(Buffer.from(img))).open("/three.bin")).toBe(E.CHAIN_BROKEN);
        l.setFat(c + 1, 0xffffffff);  // end of chain after two clusters: shorter than 1500 bytes
        const short = await mounted(Buffer.from(img));
        expect(short.open("/three.bin")).toBe(E.CHAIN_LENGTH);
        expect(short.message(E.CHAIN_LENGTH)).toMatch(/shorter than the file size/);
      });

      it("I/O errors from the device", () => {
        const fs = new FatFs(module, base());
        fs.failIo = true;
        expect(fs.mount()).toBe(E.IO);
        expect(fs.message(E.IO)).toBe("I/O error on the block device");
      });
    });
  }

  it("FAT32: a cycle in the root directory's chain stops the mount", () => {
    const img = Buffer.from(fat32);
    layout(img).setFat(img.readUInt32LE(44), img.readUInt32LE(44));
    expect(new FatFs(module, img).mount()).toBe(E.CHAIN_CYCLE);
  });

  it("FAT32: a damaged FSInfo sector", () => {
    const img = Buffer.from(fat32);
    const at = img.readUInt16LE(48) * 512;
    img.writeUInt32LE(0x12345678, at);
    const fs = new FatFs(module, img);
    expect(fs.mount()).toBe(E.BAD_FSINFO);
    expect(fs.detail()).toMatch(/FSInfo signatures/);
  });

  it("FAT32: an FSInfo free count that disagrees with the FAT", async () => {
    const img = Buffer.from(fat32);
    const at = img.readUInt16LE(48) * 512 + 488;
    const right = img.readUInt32LE(at);
    img.writeUInt32LE(right - 5, at);
    const strict = new FatFs(module, Buffer.from(img));
    expect(strict.mount(1)).toBe(E.BAD_FSINFO);
    expect(strict.detail()).toMatch(/free cluster count differs/);
    const fs = await mounted(img);      // by default: a warning, corrected at sync
    expect(fs.ex.warnings()).toBe(1);
    expect(fs.df().free).toBe(right);
    fs.check(fs.sync());
    expect(img.readUInt32LE(at)).toBe(right);
    expect(fs.ex.warnings()).toBe(0);
  });

  it("random damage to the metadata never traps: every result is a defined code", async () => {
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    const codes = new Map<number, number>();
    const rounds = Number(process.env.FAT_FUZZ_ROUNDS ?? 80);   // more: FAT_FUZZ_ROUNDS=5000
    for (let round = 0; round < rounds; round++) {
      const img = Buffer.from(round % 2 ? fat16 : fat32);
      // Where the metadata in use is: the FAT's first sectors, the root
      // directory and the first data clusters (the directories and files
      // the images were made with), and sometimes the boot sector.
      const bps = img.readUInt16LE(11), reserved = img.readUInt16LE(14), nfats = img[16];
      const fatSize = img.readUInt16LE(22) || img.readUInt32LE(36);
      const rootStart = reserved + nfats * fatSize;
      const rootSectors = Math.ceil(img.readUInt16LE(17) * 32 / bps);
      const areas = [[0, 1], [reserved, 4], [reserved + fatSize, 4], [rootStart, Math.max(rootSectors, 1)], [rootStart + rootSectors, 96]];
      const flips = 1 + rand(12);
      for (let k = 0; k < flips; k++) {
        const [first, count] = areas[round % 7 === 0 ? 0 : 1 + rand(areas.length - 1)];
        img[first * bps + rand(count * bps)] = rand(4) === 0 ? 0 : rand(256);
      }
      const fs = new FatFs(module, img);
      const note = (r: number | bigint) => {
        const n = Number(r);
        if (n < 0) {
          expect(n).toBeGreaterThanOrEqual(E.LAST);
          expect(fs.message(n)).not.toBe("unknown error");
          codes.set(n, (codes.get(n) ?? 0) + 1);
        }
        return n;
      };
      if (note(fs.mount()) < 0) continue;
      const walk = (dir: string, depth: number) => {
        if (depth > 4) return;
        const len = Buffer.byteLength(dir);
        Buffer.from(dir).copy(Buffer.from(fs.ex.memory.buffer, fs.ex.buf(), len));
        for (let cookie = 0, n = 0; n < 100; n++) {
          const r = note(fs.ex.list(len, cookie, 8192));
          if (r <= 0) break;
          cookie = r;
          const dv = new DataView(fs.ex.memory.buffer, fs.ex.buf() + 8192);
          const name = Buffer.from(fs.ex.memory.buffer, fs.ex.buf() + 8192 + 20, dv.getUint32(16, true)).toString();
          const path = `${dir === "/" ? "" : dir}/${name}`;
          if (dv.getUint32(0, true) & 0x10) walk(path, depth + 1);
          else {
            const h = note(fs.open(path));
            if (h >= 0) { note(fs.read(h, 0, 4096) as number); fs.close(h); }
          }
          Buffer.from(dir).copy(Buffer.from(fs.ex.memory.buffer, fs.ex.buf(), len));
        }
      };
      walk("/", 0);
      const h = note(fs.open("/new file.txt", O_CREATE));
      if (h >= 0) { note(fs.write(h, 0, pattern(3000, round))); fs.close(h); }
      note(fs.mkdir("/dir/new dir"));
      note(fs.remove("/three.bin"));
      note(fs.rename("/dir", "/renamed"));
      note(fs.sync());
    }
    if (process.env.FAT_FUZZ_ROUNDS) console.log("error codes seen:", Object.fromEntries([...codes].map(([c, n]) => [new FatFs(module, Buffer.alloc(0)).message(c), n])));
    expect(codes.size).toBeGreaterThan(2);
  }, 1_200_000);
});
