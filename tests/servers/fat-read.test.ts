// fat-read.test.ts — images made on the host by mkfs.fat and filled by
// mtools (nested directories, long names, files of 0 B, 1 B, 4 KiB and
// 5 MiB) are read correctly by the FAT library: FAT16 and FAT32 (and
// FAT12), listing, stat, contents, lookups by long and short name.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileFatWasm, FatFs, ATTR_DIR } from "./fatwasm";
import { missingTools, mkfs, mmd, mput, pattern, tempDir } from "./fattools";

beforeAll(async () => { await compileFatWasm(); }, 120_000);

const FILES: [string, Buffer][] = [
  ["/empty.txt", Buffer.alloc(0)],
  ["/one.bin", Buffer.from([0x42])],
  ["/docs/four-kib.dat", pattern(4096, 7)],
  ["/big/five-mib.bin", pattern(5 << 20, 11)],
  ["/docs/A long file name with spaces.text", Buffer.from("long names work\n")],
  ["/docs/Ünïcödé ファイル.txt", Buffer.from("unicode name\n")],
  ["/a/b/c/deep/nested.txt", Buffer.from("deep\n")],
  ["/MixedCase.Txt", Buffer.from("mixed\n")],
  ["/lower.txt", Buffer.from("lower\n")],
];
const DIRS = ["/docs", "/big", "/a", "/a/b", "/a/b/c", "/a/b/c/deep", "/empty dir"];

function makeImage(fat: 12 | 16 | 32, mib: number): Buffer {
  const t = tempDir();
  try {
    const img = join(t.dir, "disk.img");
    mkfs(img, fat, mib);
    for (const d of DIRS) mmd(img, d);
    for (const [p, data] of FILES) if (fat !== 12 || data.length < 1 << 20) mput(img, p, data, t.dir);
    return readFileSync(img);
  } finally { t.done(); }
}

describe.skipIf(missingTools.length > 0)("FAT images made by mkfs.fat and mtools", () => {
  for (const [fat, mib] of [[16, 16], [32, 40], [12, 2]] as const) {
    describe(`FAT${fat}`, () => {
      let fs: FatFs;
      beforeAll(async () => {
        fs = await FatFs.load(makeImage(fat, mib));
        fs.check(fs.mount());
      }, 60_000);

      it("mounts with the right geometry", () => {
        const d = fs.df();
        expect(d.fatType).toBe(fat);
        expect(d.sectorBytes).toBe(512);
        expect(d.free).toBeLessThan(d.clusters);
      });

      it("lists the root and nested directories with long names", () => {
        const root = fs.list("/").map((e) => e.name).sort();
        expect(root).toEqual(["MixedCase.Txt", "a", "big", "docs", "empty dir", "empty.txt", "lower.txt", "one.bin"]);
        const docs = fs.list("/docs").map((e) => e.name).sort();
        expect(docs).toEqual(["A long file name with spaces.text", "four-kib.dat", "Ünïcödé ファイル.txt"].sort());
        expect(fs.list("/a/b/c").map((e) => e.name)).toEqual(["deep"]);
        expect(fs.list("/empty dir")).toEqual([]);
        const a = fs.list("/a")[0];
        expect(a.attr & ATTR_DIR).toBe(ATTR_DIR);
      });

      it("reads every file byte for byte", () => {
        for (const [p, data] of FILES) {
          if (fat === 12 && data.length >= 1 << 20) continue;
          const got = fs.readFile(p);
          expect(got.length, p).toBe(data.length);
          expect(got.equals(data), p).toBe(true);
          expect(fs.stat(p).size).toBe(data.length);
        }
      });

      it("finds names case-insensitively, by short name, and through . and ..", () => {
        expect(fs.readFile("/DOCS/a LONG file NAME with spaces.TEXT").toString()).toBe("long names work\n");
        expect(fs.readFile("/docs/ALONGF~1.TEX").toString()).toBe("long names work\n");
        expect(fs.readFile("a/./b/../b/c/deep/nested.txt").toString()).toBe("deep\n");
        expect(fs.readFile("/a/../../one.bin")[0]).toBe(0x42);
      });

      it("reads at offsets and past the end", () => {
        const big = fat === 12 ? "/docs/four-kib.dat" : "/big/five-mib.bin";
        const data = FILES.find((f) => f[0] === big)![1];
        const h = fs.check(fs.open(big));
        for (const [pos, len] of [[0, 1], [511, 2], [4095, 3], [1000, 70000], [data.length - 5, 100], [data.length, 10], [data.length + 7, 1]]) {
          const r = fs.read(h, pos, len) as Buffer;
          expect(r.equals(data.subarray(pos, Math.min(pos + len, data.length))), `${pos}+${len}`).toBe(true);
        }
        fs.close(h);
      });

      it("gives clear errors for missing names and wrong kinds", () => {
        expect(fs.open("/nope.txt")).toBe(-11);
        expect(fs.message(-11)).toBe("no such file or directory");
        expect(fs.open("/nope/x.txt")).toBe(-11);
        expect(fs.open("/one.bin/x")).toBe(-13);
        expect(fs.open("/docs")).toBe(-14);
        expect(() => fs.list("/one.bin")).toThrow(/not a directory/);
      });
    });
  }
});
