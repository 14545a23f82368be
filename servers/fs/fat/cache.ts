// cache.ts — a small write-back cache of filesystem sectors.
//
// Holds FAT and directory sectors (and the partial sectors at the ends of
// file data transfers). Dirty sectors go to the device on eviction and on
// flush; a FAT sector is written to every FAT copy, so the copies stay the
// same. Whole-sector file data bypasses the cache (see file.ts): `overlay`
// and `absorb` keep those transfers coherent with what is cached.
//
// A pointer from `get` is good until the next call into the cache.

import { BlockDevice } from "./blockdev";
import { copyBytes } from "./copy";
import { E_IO, fail } from "./errors";
import { Geometry } from "./geometry";

const SLOTS: u32 = 32;
const SLOT_BYTES: u32 = 4096;
const VALID: u32 = 1;
const DIRTY: u32 = 2;

export const READ: i32 = 0;       // get: the sector's contents, to read
export const MODIFY: i32 = 1;     // get: the contents, to change (marks dirty)
export const OVERWRITE: i32 = 2;  // get: zeroed, not read, for the caller to fill (marks dirty)

export class SectorCache {
  dev: BlockDevice | null = null;
  g: Geometry = new Geometry();
  bufs: usize = heap.alloc(SLOTS * SLOT_BYTES);
  meta: usize = heap.alloc(SLOTS * 12);   // per slot: sector, flags, last use
  clock: u32 = 0;
  err: i32 = 0;

  reset(dev: BlockDevice, g: Geometry): void {
    this.dev = dev;
    this.g = g;
    memory.fill(this.meta, 0, SLOTS * 12);
  }

  devRead(sector: u32, count: u32, buf: usize): i32 {
    const r = this.g.ratio;
    if (this.dev!.read(<u64>sector * r, count * r, buf) != 0) return fail(E_IO, "device read failed at sector", sector);
    return 0;
  }

  devWrite(sector: u32, count: u32, buf: usize): i32 {
    const r = this.g.ratio;
    if (this.dev!.write(<u64>sector * r, count * r, buf) != 0) return fail(E_IO, "device write failed at sector", sector);
    return 0;
  }

  @inline private slotSector(i: u32): u32 { return load<u32>(this.meta + i * 12); }
  @inline private slotFlags(i: u32): u32 { return load<u32>(this.meta + i * 12, 4); }
  @inline private setSlot(i: u32, sector: u32, flags: u32): void {
    store<u32>(this.meta + i * 12, sector);
    store<u32>(this.meta + i * 12, flags, 4);
  }
  @inline private touch(i: u32): void { store<u32>(this.meta + i * 12, ++this.clock, 8); }
  @inline private buf(i: u32): usize { return this.bufs + i * SLOT_BYTES; }

  // Writes slot i back (to every FAT copy for a FAT sector). 0 or an error.
  private writeBack(i: u32): i32 {
    const s = this.slotSector(i);
    const g = this.g;
    const fat0 = g.fatSector(g.activeFat);
    if (g.mirror && s >= fat0 && s < fat0 + g.fatSize) {
      for (let k: u32 = 0; k < g.numFats; k++) {
        const r = this.devWrite(s - fat0 + g.fatSector(k), 1, this.buf(i));
        if (r < 0) return r;
      }
    } else {
      const r = this.devWrite(s, 1, this.buf(i));
      if (r < 0) return r;
    }
    this.setSlot(i, s, VALID);
    return 0;
  }

  // The cached contents of `sector`, or 0 on an I/O error (code in err).
  get(sector: u32, mode: i32): usize {
    let victim: u32 = 0;
    let oldest: u32 = 0xFFFFFFFF;
    for (let i: u32 = 0; i < SLOTS; i++) {
      const f = this.slotFlags(i);
      if (f & VALID) {
        if (this.slotSector(i) == sector) {
          if (mode != READ) this.setSlot(i, sector, VALID | DIRTY);
          if (mode == OVERWRITE) memory.fill(this.buf(i), 0, this.g.bps);
          this.touch(i);
          return this.buf(i);
        }
        const used = load<u32>(this.meta + i * 12, 8);
        if (used < oldest) { oldest = used; victim = i; }
      } else if (oldest != 0) {
        oldest = 0;
        victim = i;
      }
    }
    if (this.slotFlags(victim) & DIRTY) {
      const r = this.writeBack(victim);
      if (r < 0) { this.err = r; return 0; }
    }
    this.setSlot(victim, 0, 0);
    if (mode == OVERWRITE) {
      memory.fill(this.buf(victim), 0, this.g.bps);
    } else {
      const r = this.devRead(sector, 1, this.buf(victim));
      if (r < 0) { this.err = r; return 0; }
    }
    this.setSlot(victim, sector, mode == READ ? VALID : VALID | DIRTY);
    this.touch(victim);
    return this.buf(victim);
  }

  // Writes every dirty sector back. 0 or an error.
  flush(): i32 {
    for (let i: u32 = 0; i < SLOTS; i++) {
      if (this.slotFlags(i) & DIRTY) {
        const r = this.writeBack(i);
        if (r < 0) return r;
      }
    }
    return 0;
  }

  // After reading sectors [first, first+count) from the device into dst:
  // copy in the cached sectors that are newer than the disk.
  overlay(first: u32, count: u32, dst: usize): void {
    for (let i: u32 = 0; i < SLOTS; i++) {
      const s = this.slotSector(i);
      if ((this.slotFlags(i) & DIRTY) && s >= first && s - first < count) {
        copyBytes(dst + (s - first) * this.g.bps, this.buf(i), this.g.bps);   // dst: maybe outside linear memory (copy.ts)
      }
    }
  }

  // After writing sectors [first, first+count) from src to the device:
  // cached copies take the new contents and are clean.
  absorb(first: u32, count: u32, src: usize): void {
    for (let i: u32 = 0; i < SLOTS; i++) {
      const s = this.slotSector(i);
      if ((this.slotFlags(i) & VALID) && s >= first && s - first < count) {
        copyBytes(this.buf(i), src + (s - first) * this.g.bps, this.g.bps);
        this.setSlot(i, s, VALID);
      }
    }
  }
}
