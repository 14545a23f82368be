// fat-write.test.ts — what the FAT library writes is read back correctly by
// mtools (mdir, mtype, mcopy), passes `fsck.fat -n`, and survives a
// remount: create, write, append, truncate, rename (also across
// directories), delete, mkdir, rmdir, long and short names, directories
// that grow past a cluster, df and sync; FAT12, FAT16 and FAT32.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileFatWasm, FatFs, ATTR_DIR, O_CREATE, O_EXCL } from "./fatwasm";
import { fsck, mcopyOut, mdir, mget, missingTools, mkfs, mls, mmd, mput, pattern, tempDir } from "./fattools";

beforeAll(async () => { await compileFatWasm(); }, 120_000);

function fresh(fat: 12 | 16 | 32, mib: number, populate?: (img: string, work: string) => void, extra: string[] = []): Buffer {
  const t = tempDir();
  try {
    const img = join(t.dir, "disk.img");
    mkfs(img, fat, mib, extra);
    populate?.(img, t.dir);
    return readFileSync(img);
  } finally { t.done(); }
}

// Runs f with the image written to a file (for mtools and fsck).
function onHost<T>(image: Buffer, f: (img: string, work: string) => T): T {
  const t = tempDir();
  try {
    const img = join(t.dir, "disk.img");
    writeFileSync(img, image);
    return f(img, t.dir);
  } finally { t.done(); }
}

function expectClean(image: Buffer, fs?: FatFs) {
  const r = onHost(image, (img) => fsck(img));
  // After the boot sector dump, fsck -v prints only its check steps and
  // the summary when it finds nothing wrong.
  const after = r.output.slice(r.output.indexOf("sectors total") + "sectors total".length).split("\n").filter((l) => l.trim());
  const steps = /^(Checking for unused clusters\.|Checking free cluster summary\.|.*: \d+ files, \d+\/\d+ clusters)$/;
  expect(after.filter((l) => !steps.test(l)), r.output).toEqual([]);
  expect(r.ok, r.output).toBe(true);
  if (fs) {
    const m = r.output.match(/(\d+)\/(\d+) clusters/);
    expect(m, r.output).not.toBeNull();
    expect(fs.df().free).toBe(Number(m![2]) - Number(m![1]));
  }
}

describe.skipIf(missingTools.length > 0)("files written by the library, checked by mtools and fsck.fat", () => {
  const configs: [12 | 16 | 32, number, string[]][] = [[16, 16, []], [32, 40, []], [12, 4, []], [16, 32, ["-S", "4096", "-s", "1"]]];
  for (const [fat, mib, extra] of configs) {
    describe(`FAT${fat}${extra.length ? " with 4096-byte sectors" : ""}`, () => {
      let img: Buffer;
      let fs: FatFs;
      const big = pattern(fat === 12 ? 300_000 : 5 << 20, 3);
      const appended = Buffer.concat([pattern(1000, 5), pattern(5000, 6), pattern(1, 7)]);
      const many = Array.from({ length: 120 }, (_, i) => `File number ${i + 1} of many.txt`);

      beforeAll(async () => {
        img = fresh(fat, mib, (i, w) => { mmd(i, "/host dir"); mput(i, "/host dir/from host.txt", Buffer.from("host\n"), w); }, extra);
        fs = await FatFs.load(img);
        fs.check(fs.mount());
        fs.ex.setTime((46 << 9) | (11 << 5) | 25, (16 << 11) | (5 << 5));   // 2026-11-25 16:05
        // Directories.
        for (const d of ["/projects", "/projects/src", "/Deep Dir", "/Deep Dir/Level Two", "/to be removed", "/many"]) fs.check(fs.mkdir(d));
        // Files of every size.
        fs.writeFile("/empty", Buffer.alloc(0));
        fs.writeFile("/one.txt", Buffer.from("x"));
        fs.writeFile("/projects/src/main.ts", Buffer.from("export const answer = 42;\n"));
        fs.writeFile("/projects/four.kib", pattern(4096, 9));
        fs.writeFile("/projects/Big Data File.bin", big);
        fs.writeFile("/Deep Dir/Level Two/Ünïcödé ファイル.txt", Buffer.from("unicode\n"));
        fs.writeFile("/readme.txt", Buffer.from("lower case 8.3\n"));
        fs.writeFile("/Makefile", Buffer.from("all:\n"));
        fs.writeFile("/a+b=c;d.txt", Buffer.from("lossy short name\n"));
        // Append in pieces.
        fs.writeFile("/log.txt", appended.subarray(0, 1000));
        fs.appendFile("/log.txt", appended.subarray(1000, 6000));
        fs.appendFile("/log.txt", appended.subarray(6000));
        // Truncate down and up.
        fs.writeFile("/shrink.bin", pattern(10_000, 8));
        let h = fs.check(fs.open("/shrink.bin"));
        fs.check(fs.truncate(h, 3000));
        fs.close(h);
        fs.writeFile("/grow.bin", Buffer.from("abc"));
        h = fs.check(fs.open("/grow.bin"));
        fs.check(fs.truncate(h, 9000));
        fs.close(h);
        // Write past the end leaves zeros in the gap.
        h = fs.check(fs.open("/sparse.bin", O_CREATE));
        fs.check(fs.write(h, 5000, Buffer.from("end")));
        fs.close(h);
        // Renames: in place, across directories, a directory with contents.
        fs.writeFile("/old name.txt", Buffer.from("renamed\n"));
        fs.check(fs.rename("/old name.txt", "/New Name With Long Letters.txt"));
        fs.writeFile("/projects/moving.txt", Buffer.from("moved\n"));
        fs.check(fs.rename("/projects/moving.txt", "/Deep Dir/moved here.txt"));
        fs.check(fs.rename("/projects/src", "/Deep Dir/Level Two/src moved"));
        fs.writeFile("/replaced.txt", pattern(30_000, 12));
        fs.writeFile("/Deep Dir/replacement.txt", Buffer.from("replacement\n"));
        fs.check(fs.rename("/Deep Dir/replacement.txt", "/replaced.txt"));   // a file replaces a file
        // Delete, rmdir.
        fs.writeFile("/to be removed/gone.txt", Buffer.from("gone"));
        fs.writeFile("/deleted.txt", pattern(20_000, 4));
        fs.check(fs.remove("/deleted.txt"));
        expect(fs.rmdir("/to be removed")).toBe(-15);
        fs.check(fs.remove("/to be removed/gone.txt"));
        fs.check(fs.rmdir("/to be removed"));
        // A directory that grows past its first cluster, with ~N short names.
        for (const [i, n] of many.entries()) fs.writeFile(`/many/${n}`, Buffer.from(`${i + 1}\n`));
        fs.check(fs.sync());
      }, 120_000);

      it("mtools lists what the library wrote", () => onHost(img, (i) => {
        expect(mls(i, "/").sort()).toEqual(["Deep Dir", "Makefile", "New Name With Long Letters.txt", "a+b=c;d.txt", "empty", "grow.bin", "host dir", "log.txt", "many", "one.txt", "projects", "readme.txt", "replaced.txt", "shrink.bin", "sparse.bin"].sort());
        expect(mls(i, "/projects").sort()).toEqual(["Big Data File.bin", "four.kib"]);
        expect(mls(i, "/Deep Dir").sort()).toEqual(["Level Two", "moved here.txt"]);
        expect(mls(i, "/Deep Dir/Level Two").sort()).toEqual(["src moved", "Ünïcödé ファイル.txt"].sort());
        expect(mls(i, "/Deep Dir/Level Two/src moved")).toEqual(["main.ts"]);
        expect(mls(i, "/many").sort()).toEqual([...many].sort());
      }));

      it("mtools reads the contents back", () => onHost(img, (i, w) => {
        expect(mcopyOut(i, "/projects/Big Data File.bin", w).equals(big)).toBe(true);
        expect(mcopyOut(i, "/projects/four.kib", w).equals(pattern(4096, 9))).toBe(true);
        expect(mcopyOut(i, "/empty", w).length).toBe(0);
        expect(mcopyOut(i, "/one.txt", w).toString()).toBe("x");
        expect(mcopyOut(i, "/log.txt", w).equals(appended)).toBe(true);
        expect(mcopyOut(i, "/shrink.bin", w).equals(pattern(10_000, 8).subarray(0, 3000))).toBe(true);
        expect(mcopyOut(i, "/grow.bin", w).equals(Buffer.concat([Buffer.from("abc"), Buffer.alloc(8997)]))).toBe(true);
        expect(mcopyOut(i, "/sparse.bin", w).equals(Buffer.concat([Buffer.alloc(5000), Buffer.from("end")]))).toBe(true);
        expect(mget(i, "/Deep Dir/Level Two/src moved/main.ts").toString()).toBe("export const answer = 42;\n");
        expect(mget(i, "/Deep Dir/moved here.txt").toString()).toBe("moved\n");
        expect(mget(i, "/replaced.txt").toString()).toBe("replacement\n");
        expect(mget(i, "/New Name With Long Letters.txt").toString()).toBe("renamed\n");
        expect(mget(i, "/Deep Dir/Level Two/Ünïcödé ファイル.txt").toString()).toBe("unicode\n");
        expect(mget(i, "/many/File number 77 of many.txt").toString()).toBe("77\n");
        expect(mget(i, "/host dir/from host.txt").toString()).toBe("host\n");
      }));

      it("fsck.fat -n finds no errors, and df agrees with it", () => expectClean(img, fs));

      it("a remount reads everything back", async () => {
        const again = await FatFs.load(Buffer.from(img));
        again.check(again.mount(1));   // strict: FSInfo must agree with the FAT
        expect(again.readFile("/projects/Big Data File.bin").equals(big)).toBe(true);
        expect(again.readFile("/DEEP DIR/level two/SRC MOVED/MAIN.TS").toString()).toBe("export const answer = 42;\n");
        expect(again.list("/many").length).toBe(many.length);
        expect(again.stat("/Deep Dir").attr & ATTR_DIR).toBe(ATTR_DIR);
        expect(again.df().free).toBe(fs.df().free);
      });

      it("short names: 8.3 kept, lower case by flags, ~N tails for the rest", () => onHost(img, (i) => {
        const out = onHost(img, () => mls(i, "/many"));
        expect(out.length).toBe(many.length);
        // mdir without -b shows the short names first.
        const shorts = mdir(i, "/many");
        expect(shorts).toMatch(/FILENU~1 TXT/);
        expect(shorts).toMatch(/FILEN~10 TXT/);
        expect(shorts).toMatch(/FILE~100 TXT/);
        const root = mdir(i, "/");
        expect(root).toMatch(/readme\s+txt/);     // lower case through the NT flags, no long name
        expect(root).toMatch(/MAKEFILE\s+\d+.*Makefile/);
        expect(root).toMatch(/A_B_C_~1 TXT\s+\d+.*a\+b=c;d\.txt/);
      }));
    });
  }

  it("FAT32 with mirroring off writes only the active FAT", async () => {
    const img = fresh(32, 40);
    const fatSize = img.readUInt32LE(36), reserved = img.readUInt16LE(14);
    img.writeUInt16LE(0x81, 40);   // mirroring off, FAT 1 active
    const fat0 = Buffer.from(img.subarray(reserved * 512, (reserved + fatSize) * 512));
    const fs = await FatFs.load(img);
    fs.check(fs.mount());
    fs.writeFile("/only in fat 1.bin", pattern(100_000, 1));
    fs.check(fs.sync());
    expect(img.subarray(reserved * 512, (reserved + fatSize) * 512).equals(fat0)).toBe(true);
    expect(img.subarray((reserved + fatSize) * 512, (reserved + 2 * fatSize) * 512).equals(fat0)).toBe(false);
    const again = await FatFs.load(Buffer.from(img));
    again.check(again.mount(1));
    expect(again.readFile("/only in fat 1.bin").equals(pattern(100_000, 1))).toBe(true);
  });

  describe("errors when writing", () => {
    let fs: FatFs;
    let img: Buffer;
    beforeAll(async () => {
      img = fresh(16, 16);
      fs = await FatFs.load(img);
      fs.check(fs.mount());
      fs.check(fs.mkdir("/d"));
      fs.check(fs.mkdir("/d/e"));
      fs.writeFile("/f.txt", Buffer.from("f"));
    });

    it("refuses existing names, bad names and wrong kinds", () => {
      expect(fs.mkdir("/d")).toBe(-12);
      expect(fs.mkdir("/F.TXT")).toBe(-12);
      expect(fs.open("/f.txt", O_CREATE | O_EXCL)).toBe(-12);
      expect(fs.rename("/f.txt", "/d")).toBe(-12);
      expect(fs.rename("/d/e", "/f.txt")).toBe(-12);
      expect(fs.rename("/d", "/d/e/inside")).toBe(-23);
      expect(fs.rename("/d", "/d/inside")).toBe(-23);
      expect(fs.rmdir("/f.txt")).toBe(-13);
      expect(fs.remove("/d")).toBe(-14);
      expect(fs.rmdir("/")).toBe(-23);
      expect(fs.rmdir("/d")).toBe(-15);
      expect(fs.open("/a*b", O_CREATE)).toBe(-16);
      expect(fs.open("/trailing.", O_CREATE)).toBe(-16);
      expect(fs.open("/" + "x".repeat(256), O_CREATE)).toBe(-17);
      expect(fs.message(-17)).toBe("file name or path too long");
      expect(fs.open("/" + "y".repeat(255), O_CREATE)).toBeGreaterThanOrEqual(0);
      expect(fs.mkdir("/nope/sub")).toBe(-11);
    });

    it("refuses to delete or rename an open file", () => {
      const h = fs.check(fs.open("/f.txt"));
      expect(fs.remove("/f.txt")).toBe(-22);
      expect(fs.rename("/f.txt", "/g.txt")).toBe(-22);
      fs.close(h);
      fs.check(fs.rename("/f.txt", "/F.TXT"));   // change of case
      expect(fs.list("/").map((e) => e.name)).toContain("F.TXT");
    });

    it("a full fixed root directory says so", () => {
      let r = 0;
      for (let i = 0; i < 600 && r >= 0; i++) {
        r = fs.open(`/root file ${i}`, O_CREATE);
        if (r >= 0) fs.close(r);
      }
      expect(r).toBe(-19);
      fs.check(fs.sync());
      expectClean(img);
    });

    it("a full volume says so, and the failed write changes nothing", async () => {
      const small = fresh(12, 1);
      const s = await FatFs.load(small);
      s.check(s.mount());
      const before = s.df().free;
      const h = s.check(s.open("/huge", O_CREATE));
      expect(s.write(h, 0, pattern(1 << 20, 1))).toBe(-18);
      expect(s.size(h)).toBe(0);
      expect(s.df().free).toBe(before);
      // Fill it exactly, then one more byte fails.
      const room = before * s.df().clusterBytes;
      expect(s.write(h, 0, pattern(room, 2))).toBe(room);
      expect(s.df().free).toBe(0);
      expect(s.write(h, room, Buffer.from("!"))).toBe(-18);
      s.close(h);
      s.check(s.sync());
      expectClean(small, s);
      onHost(small, (i, w) => expect(mcopyOut(i, "/huge", w).equals(pattern(room, 2))).toBe(true));
    });
  });
});
