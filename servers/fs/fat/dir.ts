// dir.ts — directories: walking their entries, long names, lookup,
// inserting a name (long-name entries, a unique short name) and removing.
//
// A directory is named by its first cluster; 0 names the fixed root
// directory of FAT12/16. Entries are numbered from 0 (32 bytes each). Only
// `next` interprets entries; lookup, listing and emptiness are built on it.

import { E_CLUSTER_RANGE, E_CORRUPT_DIR, E_DIR_FULL, fail } from "./errors";
import { MODIFY, OVERWRITE, READ, SectorCache } from "./cache";
import { EOC, ERR, Fat } from "./fat";
import { Geometry } from "./geometry";
import { ATTR_VOLUME, D_ATTR, D_NAME, D_NTCASE, END_MARK, ENTRY, FREE_MARK, L_CHECKSUM, L_ORD, LFN_LAST, MAX_DIR_ENTRIES, fillLfn, isLfn, lfnUnitOffset } from "./dirent";
import { addTail, checkLongName, equalFold, makeShort, shortChecksum, shortToName, SHORT_LOSSY, SHORT_MIXED, CASE_BASE_LOWER, CASE_EXT_LOWER } from "./names";

const TAILS: u32 = 8192;   // ~1 .. ~8191 are tried for a new short name

export class Dir {
  g: Geometry = new Geometry();
  cache: SectorCache;
  fat: Fat;
  err: i32 = 0;
  // Memo of the last walk along a directory's chain.
  private wDir: u32 = ERR;
  private wIdx: u32 = 0;
  private wCluster: u32 = 0;
  // What `next` found: the entry (a copy), its index, where its long-name
  // entries start (== shortIdx without any), and its name.
  ent: usize = heap.alloc(ENTRY);
  shortIdx: u32 = 0;
  lfnStart: u32 = 0;
  hasLong: bool = false;
  name: usize = heap.alloc(2 * 260);
  nameLen: u32 = 0;
  private alt: usize = heap.alloc(2 * 13);
  private short: usize = heap.alloc(12);
  private basis: usize = heap.alloc(12);
  private used: usize = heap.alloc(TAILS / 8);

  constructor(cache: SectorCache, fat: Fat) { this.cache = cache; this.fat = fat; }

  reset(g: Geometry): void { this.g = g; this.forget(); }
  forget(): void { this.wDir = ERR; }

  // Checks a directory's cluster chain (cycles, range, size). 0 or an error.
  check(dir: u32): i32 {
    if (dir == 0) return 0;
    const r = this.fat.chainLength(dir, max<u32>(1, MAX_DIR_ENTRIES * ENTRY / this.g.clusterBytes));
    return r < 0 ? r : 0;
  }

  // The sector holding entry `index`: 0 past the end, ERR after an error.
  sectorOf(dir: u32, index: u32): u32 {
    const g = this.g;
    if (index >= MAX_DIR_ENTRIES) return 0;
    if (dir == 0) return index >= g.rootEntries ? 0 : g.rootStart + index * ENTRY / g.bps;
    if (dir < 2 || dir > g.maxCluster) { this.err = fail(E_CLUSTER_RANGE, "directory cluster out of range", dir); return ERR; }
    const per = g.clusterBytes / ENTRY;
    const ci = index / per;
    if (this.wDir != dir || ci < this.wIdx) { this.wDir = dir; this.wIdx = 0; this.wCluster = dir; }
    while (this.wIdx < ci) {
      const n = this.fat.next(this.wCluster);
      if (n == EOC) return 0;
      if (n == ERR) { this.err = this.fat.err; this.forget(); return ERR; }
      this.wCluster = n;
      this.wIdx++;
    }
    return g.clusterSector(this.wCluster) + (index % per) * ENTRY / g.bps;
  }

  // Pointer to entry `index` in the cache, or 0 (err set: an error, or
  // E_CORRUPT_DIR past the end).
  at(dir: u32, index: u32, mode: i32): usize {
    const s = this.sectorOf(dir, index);
    if (s == ERR) return 0;
    if (s == 0) { this.err = fail(E_CORRUPT_DIR, "directory entry past the end of its directory", index); return 0; }
    const p = this.cache.get(s, mode);
    if (p == 0) { this.err = this.cache.err; return 0; }
    return p + (index * ENTRY) % this.g.bps;
  }

  // Finds the next entry (file, directory, volume label, "." or "..") at
  // or after `from`. 1 found (fields above), 0 at the end, or an error.
  next(dir: u32, from: u32): i32 {
    let expect: u32 = 0, chk: u32 = 0, active = false, lfnAt: u32 = 0, longLen: u32 = 0;
    for (let i = from; ; i++) {
      const s = this.sectorOf(dir, i);
      if (s == ERR) return this.err;
      if (s == 0) return 0;
      const p = this.cache.get(s, READ);
      if (p == 0) return this.err = this.cache.err;
      const e = p + (i * ENTRY) % this.g.bps;
      const b0 = load<u8>(e);
      if (b0 == END_MARK) return 0;
      if (b0 == FREE_MARK) { active = false; continue; }
      if (isLfn(e)) {
        const ord = <u32>load<u8>(e + L_ORD);
        const seq = ord & 0x1F;
        if (ord & LFN_LAST) {
          if (seq < 1 || seq > 20) { active = false; continue; }
          active = true;
          expect = seq; chk = load<u8>(e + L_CHECKSUM); lfnAt = i;
          longLen = seq * 13;
        } else if (!active || seq != expect || <u32>load<u8>(e + L_CHECKSUM) != chk) {
          active = false;
          continue;
        }
        for (let k: u32 = 0; k < 13; k++) {
          const u = load<u16>(e + lfnUnitOffset(k));
          const at = (seq - 1) * 13 + k;
          if (u == 0 && at < longLen) longLen = at;
          store<u16>(this.name + at * 2, u);
        }
        expect--;
        continue;
      }
      memory.copy(this.ent, e, ENTRY);
      this.shortIdx = i;
      this.hasLong = active && expect == 0 && <u32>shortChecksum(e) == chk && longLen > 0 && longLen <= 255;
      this.lfnStart = this.hasLong ? lfnAt : i;
      this.nameLen = this.hasLong ? longLen : shortToName(e, load<u8>(e + D_NTCASE), this.name);
      return 1;
    }
  }

  // Looks up a name (case-insensitively, long or short). 1 found (fields
  // as for next), 0 not found, or an error.
  find(dir: u32, name: usize, n: u32): i32 {
    for (let i: u32 = 0; ; i = this.shortIdx + 1) {
      const r = this.next(dir, i);
      if (r <= 0) return r;
      if (load<u8>(this.ent + D_ATTR) & ATTR_VOLUME) continue;
      if (equalFold(this.name, this.nameLen, name, n)) return 1;
      if (this.hasLong) {
        // Also answer to the short name (PROGRA~1).
        const m = shortToName(this.ent, 0, this.alt);
        if (equalFold(this.alt, m, name, n)) return 1;
      }
    }
    return 0;  // not reached
  }

  // 1 if the directory holds nothing but "." and "..", 0 if it does, or an error.
  isEmpty(dir: u32): i32 {
    for (let i: u32 = 0; ; i = this.shortIdx + 1) {
      const r = this.next(dir, i);
      if (r < 0) return r;
      if (r == 0) return 1;
      if (load<u8>(this.ent + D_ATTR) & ATTR_VOLUME) continue;
      if (load<u8>(this.ent) == 0x2E) continue;  // "." and ".."
      return 0;
    }
  }

  // Chooses the short name for a new entry into this.short. Returns
  // whether long-name entries are needed, or an error.
  private chooseShort(dir: u32, name: usize, n: u32): i32 {
    const flags = makeShort(name, n, this.basis);
    memory.copy(this.short, this.basis, 11);
    memory.fill(this.used, 0, TAILS / 8);
    let basisTaken = false;
    for (let i: u32 = 0; ; i = this.shortIdx + 1) {
      const r = this.next(dir, i);
      if (r < 0) return r;
      if (r == 0) break;
      const e = this.ent;
      if (memory.compare(e, this.basis, 11) == 0) basisTaken = true;
      // A tail ~k in the entry: is it our basis with that tail?
      let t: u32 = 0;
      while (t < 8 && load<u8>(e + t) != 0x7E) t++;
      if (t == 8) continue;
      let k: u32 = 0, d: u32 = t + 1;
      while (d < 8 && load<u8>(e + d) >= 0x30 && load<u8>(e + d) <= 0x39 && k < TAILS) { k = k * 10 + load<u8>(e + d) - 0x30; d++; }
      if (k == 0 || k >= TAILS) continue;
      memory.copy(this.short, this.basis, 11);
      addTail(this.short, k);
      if (memory.compare(e, this.short, 11) == 0) store<u8>(this.used + (k >> 3), <u8>(<u32>load<u8>(this.used + (k >> 3)) | (1 << (k & 7))));
    }
    const lossy = (flags & SHORT_LOSSY) != 0;
    if (!lossy && !basisTaken) {
      memory.copy(this.short, this.basis, 11);
      return (flags & SHORT_MIXED) != 0 ? 1 : 0;
    }
    for (let k: u32 = 1; k < TAILS; k++) {
      if ((load<u8>(this.used + (k >> 3)) & (1 << (k & 7))) == 0) {
        memory.copy(this.short, this.basis, 11);
        addTail(this.short, k);
        return 1;
      }
    }
    return fail(E_DIR_FULL, "no free short name for this long name", 0);
  }

  // Adds the entries of clusters to a directory: `count` zeroed clusters
  // after its last. 0 or an error.
  private extend(dir: u32, count: u32): i32 {
    let last = dir;
    for (;;) {
      const n = this.fat.next(last);
      if (n == EOC) break;
      if (n == ERR) return this.fat.err;
      last = n;
    }
    for (let k: u32 = 0; k < count; k++) {
      const c = this.fat.alloc(last);
      if (c == ERR) return this.fat.err;
      const s = this.g.clusterSector(c);
      for (let j: u32 = 0; j < this.g.spc; j++) {
        if (this.cache.get(s + j, OVERWRITE) == 0) return this.cache.err;
      }
      last = c;
    }
    this.forget();
    return 0;
  }

  // Finds (or makes, by extending the directory) `slots` consecutive free
  // entries. The index of the first, or an error.
  private findSlots(dir: u32, slots: u32): i32 {
    let run: u32 = 0;
    let i: u32 = 0;
    for (; ; i++) {
      const s = this.sectorOf(dir, i);
      if (s == ERR) return this.err;
      if (s == 0) break;
      const p = this.cache.get(s, READ);
      if (p == 0) return this.cache.err;
      const b0 = load<u8>(p + (i * ENTRY) % this.g.bps);
      run = b0 == END_MARK || b0 == FREE_MARK ? run + 1 : 0;
      if (run == slots) return <i32>(i + 1 - slots);
    }
    if (dir == 0 || i + slots - run > MAX_DIR_ENTRIES) return fail(E_DIR_FULL, "directory full (entries)", i);
    const per = this.g.clusterBytes / ENTRY;
    const r = this.extend(dir, (slots - run + per - 1) / per);
    return r < 0 ? r : <i32>(i - run);
  }

  // Adds a name to a directory. `tmpl` is the short entry to write (its
  // name field is filled here). The index of the short entry, or an error
  // (E_EXISTS is for the caller to check first: this does not look).
  insert(dir: u32, name: usize, n: u32, tmpl: usize): i32 {
    let r = checkLongName(name, n);
    if (r < 0) return r;
    const long = this.chooseShort(dir, name, n);
    if (long < 0) return long;
    const lfns: u32 = long ? (n + 12) / 13 : 0;
    const start = this.findSlots(dir, lfns + 1);
    if (start < 0) return start;
    const chk = shortChecksum(this.short);
    for (let k: u32 = 0; k < lfns; k++) {
      const e = this.at(dir, <u32>start + k, MODIFY);
      if (e == 0) return this.err;
      const ord = lfns - k;
      fillLfn(e, k == 0 ? ord | LFN_LAST : ord, name, n, chk);
    }
    const e = this.at(dir, <u32>start + lfns, MODIFY);
    if (e == 0) return this.err;
    memory.copy(e, tmpl, ENTRY);
    memory.copy(e + D_NAME, this.short, 11);
    let nt: u8 = 0;
    if (!long) nt = <u8>(makeShort(name, n, this.basis) & (CASE_BASE_LOWER | CASE_EXT_LOWER));
    store<u8>(e + D_NTCASE, nt);
    return <i32>(<u32>start + lfns);
  }

  // Marks entries from..to (inclusive) deleted. 0 or an error.
  remove(dir: u32, from: u32, to: u32): i32 {
    for (let i = from; i <= to; i++) {
      const e = this.at(dir, i, MODIFY);
      if (e == 0) return this.err;
      store<u8>(e, FREE_MARK);
    }
    return 0;
  }
}
