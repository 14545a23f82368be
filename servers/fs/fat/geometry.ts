// geometry.ts — the boot sector (BIOS parameter block): read, checked,
// and turned into the numbers the rest of the library works with.
//
// Sectors are the filesystem's logical sectors (bytes per sector from the
// BPB), numbered from the start of the volume; a sector is `ratio` device
// blocks. Clusters are numbered 2 .. maxCluster as on disk. The FAT type
// follows Linux: FAT32 when the 16-bit FAT size is 0, otherwise FAT12 or
// FAT16 by the count of clusters (as the Microsoft specification says).

import { E_BAD_BPB, E_BAD_SIGNATURE, E_TRUNCATED, fail } from "./errors";

export class Geometry {
  bps: u32 = 0;            // bytes per sector
  spc: u32 = 0;            // sectors per cluster
  clusterBytes: u32 = 0;
  reserved: u32 = 0;       // sectors before the first FAT
  numFats: u32 = 0;
  fatSize: u32 = 0;        // sectors per FAT
  activeFat: u32 = 0;      // the FAT we read (FAT32 without mirroring: the active one)
  mirror: bool = true;     // write every FAT copy
  rootEntries: u32 = 0;    // FAT12/16 fixed root directory: entries
  rootStart: u32 = 0;      //   and its first sector
  rootSectors: u32 = 0;    //   and its size in sectors
  dataStart: u32 = 0;      // sector of cluster 2
  totalSectors: u32 = 0;
  clusterCount: u32 = 0;   // data clusters
  maxCluster: u32 = 0;     // clusterCount + 1
  fatType: u32 = 0;        // 12, 16 or 32
  rootCluster: u32 = 0;    // FAT32: first cluster of the root directory
  fsInfoSector: u32 = 0;   // FAT32: FSInfo sector, 0 if none
  ratio: u32 = 1;          // device blocks per sector
  media: u32 = 0;

  clusterSector(c: u32): u32 {
    return this.dataStart + (c - 2) * this.spc;
  }
  fatSector(k: u32): u32 {  // first sector of FAT copy k
    return this.reserved + k * this.fatSize;
  }
}

@inline function isPow2(x: u32): bool { return x != 0 && (x & (x - 1)) == 0; }

// Parses the boot sector at `p` (at least 512 bytes read from block 0).
export function parseBootSector(g: Geometry, p: usize, devBlockSize: u32, devBlocks: u64): i32 {
  if (load<u16>(p + 510) != 0xAA55) return fail(E_BAD_SIGNATURE, "boot sector does not end in 55 AA", load<u16>(p + 510));
  const bps = <u32>load<u16>(p + 11);
  if (bps < 512 || bps > 4096 || !isPow2(bps)) return fail(E_BAD_BPB, "bytes per sector is not 512, 1024, 2048 or 4096", bps);
  if (devBlockSize == 0 || devBlockSize > bps || bps % devBlockSize != 0) return fail(E_BAD_BPB, "sector size is not a multiple of the device block size", bps);
  const spc = <u32>load<u8>(p + 13);
  if (!isPow2(spc)) return fail(E_BAD_BPB, "sectors per cluster is not a power of two (1 to 128)", spc);
  const reserved = <u32>load<u16>(p + 14);
  if (reserved == 0) return fail(E_BAD_BPB, "reserved sector count is 0", 0);
  const numFats = <u32>load<u8>(p + 16);
  if (numFats == 0 || numFats > 4) return fail(E_BAD_BPB, "number of FATs is not 1 to 4", numFats);
  const media = <u32>load<u8>(p + 21);
  if (media != 0xF0 && media < 0xF8) return fail(E_BAD_BPB, "invalid media descriptor", media);
  const rootEntries = <u32>load<u16>(p + 17);
  let total = <u32>load<u16>(p + 19);
  if (total == 0) total = load<u32>(p + 32);
  if (total == 0) return fail(E_BAD_BPB, "total sector count is 0", 0);
  const fat16Size = <u32>load<u16>(p + 22);
  const fat32 = fat16Size == 0;
  const fatSize = fat32 ? load<u32>(p + 36) : fat16Size;
  if (fatSize == 0) return fail(E_BAD_BPB, "FAT size is 0", 0);
  if (fat32) {
    if (rootEntries != 0) return fail(E_BAD_BPB, "FAT32 volume with a fixed root directory", rootEntries);
    if (load<u16>(p + 42) != 0) return fail(E_BAD_BPB, "unknown FAT32 version", load<u16>(p + 42));
  } else if (rootEntries == 0) return fail(E_BAD_BPB, "FAT12/16 volume without root directory entries", 0);

  const rootSectors = (rootEntries * 32 + bps - 1) / bps;
  const meta = <u64>reserved + <u64>numFats * <u64>fatSize + <u64>rootSectors;
  if (meta >= <u64>total) return fail(E_BAD_BPB, "FATs and root directory larger than the volume", meta);
  const clusterCount = (total - <u32>meta) / spc;
  if (clusterCount == 0) return fail(E_BAD_BPB, "no data clusters", 0);
  const type: u32 = fat32 ? 32 : clusterCount < 4085 ? 12 : 16;
  if (type == 16 && clusterCount >= 65525) return fail(E_BAD_BPB, "too many clusters for FAT16", clusterCount);
  if (type == 32 && clusterCount > 0x0FFFFFF5) return fail(E_BAD_BPB, "too many clusters for FAT32", clusterCount);
  const entries = <u64>clusterCount + 2;
  const need = type == 12 ? (entries * 3 + 1) / 2 : entries * (type / 8);
  if (<u64>fatSize * bps < need) return fail(E_BAD_BPB, "FAT too small for the number of clusters", fatSize);
  if (<u64>total * bps > devBlocks * devBlockSize) return fail(E_TRUNCATED, "the device is smaller than the volume (bytes needed)", <u64>total * bps);

  g.bps = bps; g.spc = spc; g.clusterBytes = bps * spc; g.reserved = reserved;
  g.numFats = numFats; g.fatSize = fatSize; g.rootEntries = rootEntries;
  g.rootStart = reserved + numFats * fatSize; g.rootSectors = rootSectors;
  g.dataStart = <u32>meta; g.totalSectors = total; g.clusterCount = clusterCount;
  g.maxCluster = clusterCount + 1; g.fatType = type; g.ratio = bps / devBlockSize;
  g.media = media; g.activeFat = 0; g.mirror = true; g.rootCluster = 0; g.fsInfoSector = 0;
  if (type == 32) {
    const flags = <u32>load<u16>(p + 40);
    if (flags & 0x80) {
      g.mirror = false;
      g.activeFat = flags & 0xF;
      if (g.activeFat >= numFats) return fail(E_BAD_BPB, "active FAT number beyond the number of FATs", g.activeFat);
    }
    const root = load<u32>(p + 44);
    if (root < 2 || root > g.maxCluster) return fail(E_BAD_BPB, "root directory cluster out of range", root);
    g.rootCluster = root;
    const fsi = <u32>load<u16>(p + 48);
    if (fsi != 0 && fsi != 0xFFFF) {
      if (fsi >= reserved) return fail(E_BAD_BPB, "FSInfo sector outside the reserved area", fsi);
      g.fsInfoSector = fsi;
    }
  }
  return 0;
}
