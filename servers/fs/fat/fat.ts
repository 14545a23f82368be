// fat.ts — the file allocation table: entries, chains, allocation.
//
// Entries are normalised on the way in: FREE, EOC (any end-of-chain
// marker), BAD, or the next cluster, whatever the FAT width; ERR means the
// read failed or the chain is corrupt (the code is in `err`, the detail in
// errors.ts). Every chain walk is bounded: chainLength finds cycles with
// Brent's algorithm, so a corrupt FAT gives an error, never a hang.
// The FAT is read from and written to through the sector cache, which
// writes every copy.

import { E_CHAIN_BROKEN, E_CHAIN_CYCLE, E_CLUSTER_RANGE, E_CORRUPT_DIR, E_NO_SPACE, fail } from "./errors";
import { MODIFY, READ, SectorCache } from "./cache";
import { Geometry } from "./geometry";

export const FREE: u32 = 0;
export const BAD: u32 = 0x0FFFFFF7;
export const EOC: u32 = 0x0FFFFFFF;
export const ERR: u32 = 0xFFFFFFFF;

export class Fat {
  cache: SectorCache;
  g: Geometry = new Geometry();
  freeCount: u32 = 0;
  nextFree: u32 = 2;
  err: i32 = 0;

  constructor(cache: SectorCache) { this.cache = cache; }

  reset(g: Geometry): void {
    this.g = g;
    this.freeCount = 0;
    this.nextFree = 2;
  }

  // The byte at offset `off` of the FAT, or -1 after an I/O error.
  private byteAt(off: u32): i32 {
    const g = this.g;
    const p = this.cache.get(g.fatSector(g.activeFat) + off / g.bps, READ);
    if (p == 0) { this.err = this.cache.err; return -1; }
    return <i32>load<u8>(p + off % g.bps);
  }

  private setByte(off: u32, v: u32): i32 {
    const g = this.g;
    const p = this.cache.get(g.fatSector(g.activeFat) + off / g.bps, MODIFY);
    if (p == 0) return this.err = this.cache.err;
    store<u8>(p + off % g.bps, <u8>v);
    return 0;
  }

  // The normalised entry of cluster c (FREE, EOC, BAD or a number), or ERR.
  get(c: u32): u32 {
    const g = this.g;
    if (c < 2 || c > g.maxCluster) { this.err = fail(E_CLUSTER_RANGE, "cluster number out of range", c); return ERR; }
    let v: u32;
    if (g.fatType == 12) {
      const off = c + (c >> 1);
      const lo = this.byteAt(off);
      const hi = lo < 0 ? -1 : this.byteAt(off + 1);
      if (hi < 0) return ERR;
      v = <u32>(lo | (hi << 8));
      v = (c & 1) ? v >> 4 : v & 0xFFF;
      if (v >= 0xFF8) return EOC;
      if (v == 0xFF7) return BAD;
      return v;
    }
    const off = c * (g.fatType / 8);
    const p = this.cache.get(g.fatSector(g.activeFat) + off / g.bps, READ);
    if (p == 0) { this.err = this.cache.err; return ERR; }
    if (g.fatType == 16) {
      v = <u32>load<u16>(p + off % g.bps);
      if (v >= 0xFFF8) return EOC;
      if (v == 0xFFF7) return BAD;
      return v;
    }
    v = load<u32>(p + off % g.bps) & 0x0FFFFFFF;
    if (v >= 0x0FFFFFF8) return EOC;
    return v;  // BAD is the same number in FAT32
  }

  // Sets the entry of cluster c (FREE, EOC, BAD or a cluster). 0 or an error.
  set(c: u32, v: u32): i32 {
    const g = this.g;
    if (c < 2 || c > g.maxCluster) return this.err = fail(E_CLUSTER_RANGE, "cluster number out of range", c);
    if (g.fatType == 12) {
      const raw = v == EOC ? 0xFFF : v == BAD ? 0xFF7 : v & 0xFFF;
      const off = c + (c >> 1);
      const lo = this.byteAt(off);
      const hi = lo < 0 ? -1 : this.byteAt(off + 1);
      if (hi < 0) return this.err;
      let w = <u32>(lo | (hi << 8));
      w = (c & 1) ? (w & 0x000F) | (raw << 4) : (w & 0xF000) | raw;
      const r = this.setByte(off, w & 0xFF);
      return r < 0 ? r : this.setByte(off + 1, w >> 8);
    }
    const off = c * (g.fatType / 8);
    const p = this.cache.get(g.fatSector(g.activeFat) + off / g.bps, MODIFY);
    if (p == 0) return this.err = this.cache.err;
    if (g.fatType == 16) {
      store<u16>(p + off % g.bps, <u16>(v == EOC ? 0xFFFF : v == BAD ? 0xFFF7 : v));
    } else {
      const old = load<u32>(p + off % g.bps);
      store<u32>(p + off % g.bps, (old & 0xF0000000) | (v & 0x0FFFFFFF));
    }
    return 0;
  }

  // The cluster after c in a chain: a cluster number, EOC, or ERR when the
  // chain is corrupt (runs into a free or bad cluster, or out of range).
  next(c: u32): u32 {
    const v = this.get(c);
    if (v == ERR || v == EOC) return v;
    if (v == FREE || v == BAD || v == 1) { this.err = fail(E_CHAIN_BROKEN, "chain runs into a free or bad cluster after cluster", c); return ERR; }
    if (v > this.g.maxCluster) { this.err = fail(E_CLUSTER_RANGE, "FAT entry points outside the volume, at cluster", c); return ERR; }
    return v;
  }

  // Number of clusters in the chain from `start`, checked: an error for a
  // cycle, a broken chain, or more than `limit` clusters.
  chainLength(start: u32, limit: u32): i32 {
    if (start < 2 || start > this.g.maxCluster) return fail(E_CLUSTER_RANGE, "first cluster out of range", start);
    let power: u32 = 1, lam: u32 = 1, len: u32 = 1;
    let tortoise = start;
    let hare = this.next(start);
    while (hare != EOC) {
      if (hare == ERR) return this.err;
      if (hare == tortoise) return fail(E_CHAIN_CYCLE, "cycle in the cluster chain starting at cluster", start);
      if (++len > limit) return fail(E_CORRUPT_DIR, "cluster chain longer than allowed, starting at cluster", start);
      if (power == lam) { tortoise = hare; power <<= 1; lam = 0; }
      hare = this.next(hare);
      lam++;
    }
    return <i32>len;
  }

  // Allocates a free cluster, marks it end of chain and links it after
  // `prev` (0: a new chain). The cluster, or ERR.
  alloc(prev: u32): u32 {
    const g = this.g;
    if (this.freeCount == 0) { this.err = fail(E_NO_SPACE, "no free cluster", 0); return ERR; }
    let c = this.nextFree < 2 || this.nextFree > g.maxCluster ? 2 : this.nextFree;
    for (let n: u32 = 0; n < g.clusterCount; n++) {
      const v = this.get(c);
      if (v == ERR) return ERR;
      if (v == FREE) {
        if (this.set(c, EOC) < 0) return ERR;
        if (prev != 0 && this.set(prev, c) < 0) return ERR;
        this.freeCount--;
        this.nextFree = c == g.maxCluster ? 2 : c + 1;
        return c;
      }
      c = c == g.maxCluster ? 2 : c + 1;
    }
    this.freeCount = 0;
    this.err = fail(E_NO_SPACE, "no free cluster", 0);
    return ERR;
  }

  // Frees the whole chain from `start` (checked first). 0 or an error.
  freeChain(start: u32): i32 {
    const len = this.chainLength(start, this.g.clusterCount);
    if (len < 0) return len;
    let c = start;
    for (let k = 0; k < len; k++) {
      const n = this.get(c);
      if (n == ERR) return this.err;
      const r = this.set(c, FREE);
      if (r < 0) return r;
      this.freeCount++;
      if (c < this.nextFree) this.nextFree = c;
      c = n;
    }
    return 0;
  }

  // Ends the chain at c and frees what followed it. 0 or an error.
  truncateAfter(c: u32): i32 {
    const n = this.next(c);
    if (n == ERR) return this.err;
    const r = this.set(c, EOC);
    if (r < 0) return r;
    return n == EOC ? 0 : this.freeChain(n);
  }

  // Counts the free clusters (at mount). The count, or an error.
  countFree(): i32 {
    const g = this.g;
    let free: u32 = 0;
    if (g.fatType == 12) {
      for (let c: u32 = 2; c <= g.maxCluster; c++) {
        const v = this.get(c);
        if (v == ERR) return this.err;
        if (v == FREE) free++;
      }
    } else {
      const per = g.bps / (g.fatType / 8);
      let c: u32 = 2;
      while (c <= g.maxCluster) {
        const p = this.cache.get(g.fatSector(g.activeFat) + c / per, READ);
        if (p == 0) return this.err = this.cache.err;
        const end = min(g.maxCluster + 1, (c / per + 1) * per);
        for (; c < end; c++) {
          const i = c % per;
          const v = g.fatType == 16 ? <u32>load<u16>(p + i * 2) : load<u32>(p + i * 4) & 0x0FFFFFFF;
          if (v == 0) free++;
        }
      }
    }
    this.freeCount = free;
    return <i32>free;
  }
}
