// volume.ts — one mounted FAT volume: mount (boot sector, FSInfo, free
// space), the open-file table, df and sync.
//
// Mount checks everything it reads and refuses a damaged volume with an
// error code (errors.ts); it never trusts a number from the disk to index
// memory. The operations on names and files are in path.ts, file.ts and
// tree.ts; fs.ts is the library's public face.

import { BlockDevice } from "./blockdev";
import { SectorCache, MODIFY, READ } from "./cache";
import { Dir } from "./dir";
import { E_BAD_FSINFO, E_INVALID, E_IO, E_NOT_MOUNTED, E_TRUNCATED, fail } from "./errors";
import { Fat } from "./fat";
import { Geometry, parseBootSector } from "./geometry";

export const MAX_OPEN: i32 = 16;
export const MOUNT_STRICT: u32 = 1;      // a wrong FSInfo free count is an error, not a warning
export const WARN_FSINFO: u32 = 1;       // warning: FSInfo free count was wrong (fixed at sync)

// An open file: where its entry is and what it holds.
export class OpenFile {
  refs: u32 = 0;
  dir: u32 = 0;        // directory holding its entry
  idx: u32 = 0;        // index of its short entry there
  first: u32 = 0;      // first cluster, 0 when empty
  size: u32 = 0;
  attr: u8 = 0;
  chainLen: u32 = 0;   // clusters in its chain
  curIdx: u32 = 0;     // cursor: cluster number curCluster is the curIdx-th of the chain
  curCluster: u32 = 0;
}

export class Volume {
  dev: BlockDevice | null = null;
  g: Geometry = new Geometry();
  cache: SectorCache;
  fat: Fat;
  dir: Dir;
  mounted: bool = false;
  warnings: u32 = 0;
  fsinfoFree: u32 = 0xFFFFFFFF;   // as last read from / written to FSInfo
  fsinfoNext: u32 = 0xFFFFFFFF;
  date: u16 = 0x0021;             // DOS date and time for new and changed entries (1980-01-01)
  time: u16 = 0;
  files: OpenFile[] = [];
  scratch: usize = heap.alloc(4096);
  zeros: usize = heap.alloc(4096);
  pathBuf: usize = heap.alloc(2 * 4096);

  constructor() {
    const cache = new SectorCache();
    const fat = new Fat(cache);
    this.cache = cache;
    this.fat = fat;
    this.dir = new Dir(cache, fat);
    memory.fill(this.zeros, 0, 4096);
    for (let i = 0; i < MAX_OPEN; i++) this.files.push(new OpenFile());
  }

  // The directory id of the root: 0 (fixed root) or FAT32's root cluster.
  @inline root(): u32 { return this.g.fatType == 32 ? this.g.rootCluster : 0; }

  // Mounts the volume on `dev` (a whole-disk FAT image: no partition
  // table). 0, or an error for anything wrong in the boot sector, FSInfo,
  // the FAT or the root directory's chain.
  mount(dev: BlockDevice, flags: u32): i32 {
    this.mounted = false;
    this.warnings = 0;
    const bs = dev.blockSize();
    if (bs < 512 || bs > 4096) return fail(E_INVALID, "device block size is not 512 to 4096", bs);
    if (dev.blockCount() == 0) return fail(E_TRUNCATED, "the device is smaller than one sector", 0);
    if (dev.read(0, 1, this.scratch) != 0) return fail(E_IO, "cannot read the boot sector", 0);
    const g = new Geometry();
    let r = parseBootSector(g, this.scratch, bs, dev.blockCount());
    if (r < 0) return r;
    this.dev = dev;
    this.g = g;
    this.cache.reset(dev, g);
    this.fat.reset(g);
    this.dir.reset(g);
    for (let i = 0; i < MAX_OPEN; i++) this.files[i].refs = 0;
    if (g.fatType == 32) {
      r = this.dir.check(g.rootCluster);
      if (r < 0) return r;
    }
    r = this.fat.countFree();
    if (r < 0) return r;
    this.fsinfoFree = 0xFFFFFFFF;
    this.fsinfoNext = 0xFFFFFFFF;
    if (g.fsInfoSector != 0) {
      const p = this.cache.get(g.fsInfoSector, READ);
      if (p == 0) return this.cache.err;
      if (load<u32>(p) != 0x41615252 || load<u32>(p + 484) != 0x61417272 || load<u32>(p + 508) != 0xAA550000) {
        return fail(E_BAD_FSINFO, "FSInfo signatures missing (sector)", g.fsInfoSector);
      }
      this.fsinfoFree = load<u32>(p + 488);
      this.fsinfoNext = load<u32>(p + 492);
      if (this.fsinfoFree != 0xFFFFFFFF && this.fsinfoFree != this.fat.freeCount) {
        if (flags & MOUNT_STRICT) return fail(E_BAD_FSINFO, "FSInfo free cluster count differs from the FAT (FSInfo says)", this.fsinfoFree);
        this.warnings |= WARN_FSINFO;
      }
      if (this.fsinfoNext >= 2 && this.fsinfoNext <= g.maxCluster) this.fat.nextFree = this.fsinfoNext;
    }
    this.mounted = true;
    return 0;
  }

  // Writes every cached change to the device (all FAT copies, FSInfo) and
  // asks the device to make it durable. 0 or an error.
  sync(): i32 {
    if (!this.mounted) return fail(E_NOT_MOUNTED, "sync", 0);
    const g = this.g;
    if (g.fsInfoSector != 0 && (this.fsinfoFree != this.fat.freeCount || this.fsinfoNext != this.fat.nextFree)) {
      const p = this.cache.get(g.fsInfoSector, MODIFY);
      if (p == 0) return this.cache.err;
      store<u32>(p + 488, this.fat.freeCount);
      store<u32>(p + 492, this.fat.nextFree);
      this.fsinfoFree = this.fat.freeCount;
      this.fsinfoNext = this.fat.nextFree;
    }
    const r = this.cache.flush();
    if (r < 0) return r;
    if (this.dev!.flush() != 0) return fail(E_IO, "device flush failed", 0);
    this.warnings &= ~WARN_FSINFO;
    return 0;
  }

  // Free space: writes cluster size, cluster count, free clusters, FAT
  // type and sector size (five u32) at out. 0 or an error.
  df(out: usize): i32 {
    if (!this.mounted) return fail(E_NOT_MOUNTED, "df", 0);
    store<u32>(out, this.g.clusterBytes);
    store<u32>(out, this.g.clusterCount, 4);
    store<u32>(out, this.fat.freeCount, 8);
    store<u32>(out, this.g.fatType, 12);
    store<u32>(out, this.g.bps, 16);
    return 0;
  }

  // The open file behind handle h, or null.
  file(h: i32): OpenFile | null {
    if (!this.mounted || h < 0 || h >= MAX_OPEN) return null;
    const f = this.files[h];
    return f.refs > 0 ? f : null;
  }

  // The handle of the open file whose entry is (dir, idx), or -1.
  openAt(dir: u32, idx: u32): i32 {
    for (let i = 0; i < MAX_OPEN; i++) {
      const f = this.files[i];
      if (f.refs > 0 && f.dir == dir && f.idx == idx) return i;
    }
    return -1;
  }
}

