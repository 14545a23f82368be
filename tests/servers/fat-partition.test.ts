// fat-partition.test.ts — the FAT volume found on a whole disk: a
// superfloppy (no table), an MBR partition, a GPT partition (what USB
// sticks formatted on PCs have); written through the partition, read back
// by mtools and checked by fsck.fat; a disk without FAT says so.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileFatWasm, FatFs } from "./fatwasm";
import { fsck, mget, missingTools, mkfs, mput, tempDir } from "./fattools";

let module: WebAssembly.Module;
beforeAll(async () => { module = new WebAssembly.Module(await compileFatWasm()); }, 120_000);

const START = 2048;   // partition start, in 512-byte blocks (1 MiB)

function volume(fat: 16 | 32, mib: number): Buffer {
  const t = tempDir();
  try {
    const img = join(t.dir, "v.img");
    mkfs(img, fat, mib);
    mput(img, "/hello.txt", Buffer.from("from the host\n"), t.dir);
    return readFileSync(img);
  } finally { t.done(); }
}

function mbrDisk(vol: Buffer, type: number): Buffer {
  const disk = Buffer.alloc(START * 512 + vol.length + 64 * 512);
  const e = 446;
  disk[e + 4] = 0xee === type ? 0xee : type;
  disk.writeUInt32LE(START, e + 8);
  disk.writeUInt32LE(vol.length / 512, e + 12);
  disk.writeUInt16LE(0xaa55, 510);
  vol.copy(disk, START * 512);
  return disk;
}

function gptDisk(vol: Buffer): Buffer {
  const disk = mbrDisk(vol, 0xee);
  disk.writeUInt32LE(1, 446 + 8);          // protective entry from LBA 1
  const h = 512;
  disk.write("EFI PART", h, "latin1");
  disk.writeBigUInt64LE(2n, h + 72);       // entries at LBA 2
  disk.writeUInt32LE(128, h + 80);         // 128 entries
  disk.writeUInt32LE(128, h + 84);         // of 128 bytes
  const entry = (i: number) => 1024 + i * 128;
  // Entry 0: a Linux filesystem (not ours); entry 1: Microsoft basic data.
  Buffer.from("af3dc60f838472478e793d69d8477de4", "hex").copy(disk, entry(0));
  disk.writeBigUInt64LE(34n, entry(0) + 32);
  disk.writeBigUInt64LE(100n, entry(0) + 40);
  Buffer.from("a2a0d0ebe5b9334487c068b6b72699c7", "hex").copy(disk, entry(1));
  disk.writeBigUInt64LE(BigInt(START), entry(1) + 32);
  disk.writeBigUInt64LE(BigInt(START + vol.length / 512 - 1), entry(1) + 40);
  return disk;
}

describe.skipIf(missingTools.length > 0)("FAT volumes on partitioned disks", () => {
  const cases: [string, () => Buffer, boolean][] = [
    ["a whole-disk volume (no partition table)", () => volume(16, 16), false],
    ["an MBR partition of type 0x0E (FAT16 LBA)", () => mbrDisk(volume(16, 16), 0x0e), true],
    ["an MBR partition of type 0x0C (FAT32 LBA)", () => mbrDisk(volume(32, 40), 0x0c), true],
    ["a GPT basic data partition", () => gptDisk(volume(32, 40)), true],
  ];
  for (const [what, make, partitioned] of cases) {
    it(what, () => {
      const disk = make();
      const fs = new FatFs(module, disk);
      fs.check(fs.mountFound());
      expect(fs.readFile("/hello.txt").toString()).toBe("from the host\n");
      fs.check(fs.mkdir("/written here"));
      fs.writeFile("/written here/a file.txt", Buffer.from("through the partition\n"));
      fs.check(fs.sync());
      const vol = partitioned ? disk.subarray(START * 512, disk.length - 64 * 512) : disk;
      if (partitioned) expect(disk.subarray(disk.length - 64 * 512).every((b) => b === 0)).toBe(true);
      const t = tempDir();
      try {
        const img = join(t.dir, "v.img");
        writeFileSync(img, vol);
        expect(mget(img, "/written here/a file.txt").toString()).toBe("through the partition\n");
        const r = fsck(img);
        expect(r.ok, r.output).toBe(true);
      } finally { t.done(); }
    });
  }

  it("a disk without a FAT volume says so", () => {
    const fs = new FatFs(module, mbrDisk(Buffer.alloc(1 << 20), 0x83));
    expect(fs.mountFound()).toBe(-11);
    expect(fs.detail()).toMatch(/no FAT partition/);
    const blank = new FatFs(module, Buffer.alloc(1 << 20));
    expect(blank.mountFound()).toBe(-11);
    expect(blank.detail()).toMatch(/no FAT boot sector and no partition table/);
  });
});
