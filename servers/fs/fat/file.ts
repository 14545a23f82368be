// file.ts — files: open, read, write (anywhere, growing the file), truncate,
// close.
//
// Data moves between the caller's buffer and the device in runs of
// consecutive clusters: whole sectors directly (one device request per
// run), partial sectors at the ends through the cache. The file's entry
// (size, first cluster, time) is updated in the cache on every change, so
// sync writes everything. A write that runs out of space changes nothing.

import { MODIFY, READ } from "./cache";
import { copyBytes } from "./copy";
import { ATTR_ARCHIVE, ATTR_DIR, ATTR_READ_ONLY, D_ATTR, D_MDATE, D_MTIME, D_SIZE, ENTRY, entryCluster, setEntryCluster } from "./dirent";
import { E_BAD_HANDLE, E_BUSY, E_CHAIN_LENGTH, E_EXISTS, E_INVALID, E_IS_DIR, E_NOT_FOUND, E_READ_ONLY, E_TOO_BIG, E_TOO_MANY_OPEN, fail } from "./errors";
import { EOC, ERR } from "./fat";
import { resolve, Resolved } from "./path";
import { MAX_OPEN, OpenFile, Volume } from "./volume";

export const O_CREATE: u32 = 1;
export const O_TRUNC: u32 = 2;
export const O_EXCL: u32 = 4;

const res = new Resolved();

// Opens (and with O_CREATE makes) a file. A handle >= 0, or an error.
// Opening a file that is already open gives the same handle (counted).
export function open(v: Volume, path: usize, len: u32, flags: u32): i32 {
  let r = resolve(v, path, len, res);
  if (r < 0) return r;
  if (res.self) return fail(E_IS_DIR, "path names a directory", 0);
  let idx: u32;
  if (res.found) {
    if (load<u8>(res.ent + D_ATTR) & ATTR_DIR) return fail(E_IS_DIR, "path names a directory", 0);
    if ((flags & O_CREATE) && (flags & O_EXCL)) return fail(E_EXISTS, "file exists", 0);
    idx = res.shortIdx;
  } else {
    if ((flags & O_CREATE) == 0) return fail(E_NOT_FOUND, "no such file", 0);
    const t = v.scratch;
    memory.fill(t, 0, ENTRY);
    store<u8>(t + D_ATTR, ATTR_ARCHIVE);
    stampEntry(v, t, true);
    r = v.dir.insert(res.parent, res.name, res.nameLen, t);
    if (r < 0) return r;
    idx = <u32>r;
    memory.copy(res.ent, t, ENTRY);
  }
  const h0 = v.openAt(res.parent, idx);
  if (h0 >= 0) {
    if (flags & O_TRUNC) {
      r = truncateOpen(v, h0, 0);
      if (r < 0) return r;
    }
    v.files[h0].refs++;
    return h0;
  }
  let h = -1;
  for (let i = 0; i < MAX_OPEN; i++) if (v.files[i].refs == 0) { h = i; break; }
  if (h < 0) return fail(E_TOO_MANY_OPEN, "open-file table full", MAX_OPEN);
  const f = v.files[h];
  f.dir = res.parent; f.idx = idx; f.attr = load<u8>(res.ent + D_ATTR);
  f.first = entryCluster(res.ent); f.size = load<u32>(res.ent + D_SIZE);
  f.chainLen = 0; f.curIdx = 0; f.curCluster = f.first;
  const need = clustersFor(v, f.size);
  if (f.first != 0) {
    const n = v.fat.chainLength(f.first, v.g.clusterCount);
    if (n < 0) return n;
    if (<u32>n < need) return fail(E_CHAIN_LENGTH, "cluster chain shorter than the file size (clusters in chain)", n);
    f.chainLen = <u32>n;
  } else if (need != 0) return fail(E_CHAIN_LENGTH, "file with a size but no clusters", f.size);
  f.refs = 1;
  if ((flags & O_TRUNC) && f.size != 0) {
    r = truncateOpen(v, h, 0);
    if (r < 0) f.refs = 0;
    return r;
  }
  return h;
}

export function close(v: Volume, h: i32): i32 {
  const f = v.file(h);
  if (f == null) return fail(E_BAD_HANDLE, "bad handle", h);
  f.refs--;
  return 0;
}

export function fileSize(v: Volume, h: i32): i64 {
  const f = v.file(h);
  if (f == null) return fail(E_BAD_HANDLE, "bad handle", h);
  return f.size;
}

@inline function clustersFor(v: Volume, size: u32): u32 {
  return <u32>((<u64>size + v.g.clusterBytes - 1) / v.g.clusterBytes);
}

// Sets the modification (and with `created`, creation) time of entry e.
export function stampEntry(v: Volume, e: usize, created: bool): void {
  store<u16>(e + D_MTIME, v.time);
  store<u16>(e + D_MDATE, v.date);
  store<u16>(e + 18, v.date);   // last access date
  if (created) {
    store<u16>(e + 14, v.time);
    store<u16>(e + 16, v.date);
  }
}

// Writes the file's first cluster, size and time into its entry.
function updateEntry(v: Volume, f: OpenFile): i32 {
  const e = v.dir.at(f.dir, f.idx, MODIFY);
  if (e == 0) return v.dir.err;
  setEntryCluster(e, f.first);
  store<u32>(e + D_SIZE, f.size);
  store<u8>(e + D_ATTR, load<u8>(e + D_ATTR) | ATTR_ARCHIVE);
  stampEntry(v, e, false);
  return 0;
}

// Cluster number `ci` of the file's chain (ci < chainLen), or ERR.
function clusterAt(v: Volume, f: OpenFile, ci: u32): u32 {
  if (ci < f.curIdx || f.curCluster == 0) { f.curIdx = 0; f.curCluster = f.first; }
  while (f.curIdx < ci) {
    const n = v.fat.next(f.curCluster);
    if (n == ERR) return ERR;
    if (n == EOC) { v.fat.err = fail(E_CHAIN_LENGTH, "cluster chain ends early", f.curIdx); return ERR; }
    f.curCluster = n;
    f.curIdx++;
  }
  return f.curCluster;
}

// Moves len bytes between buf and sectors from `sector`+byte `off` (one
// contiguous stretch of the volume). 0 or an error.
function io(v: Volume, sector: u32, off: u32, buf: usize, len: u32, write: bool): i32 {
  const bps = v.g.bps;
  sector += off / bps;
  off %= bps;
  while (len > 0) {
    if (off == 0 && len >= bps) {
      const count = len / bps;
      if (write) {
        const r = v.cache.devWrite(sector, count, buf);
        if (r < 0) return r;
        v.cache.absorb(sector, count, buf);
      } else {
        const r = v.cache.devRead(sector, count, buf);
        if (r < 0) return r;
        v.cache.overlay(sector, count, buf);
      }
      sector += count; buf += count * bps; len -= count * bps;
      continue;
    }
    const n = min(len, bps - off);
    const p = v.cache.get(sector, write ? MODIFY : READ);
    if (p == 0) return v.cache.err;
    if (write) copyBytes(p + off, buf, n);   // buf may lie outside linear memory (copy.ts)
    else copyBytes(buf, p + off, n);
    sector++; off = 0; buf += n; len -= n;
  }
  return 0;
}

// Moves bytes [pos, pos+len) of the file (inside its chain). 0 or an error.
function transfer(v: Volume, f: OpenFile, pos: u32, buf: usize, len: u32, write: bool): i32 {
  const cb = v.g.clusterBytes;
  while (len > 0) {
    const ci = pos / cb;
    const c = clusterAt(v, f, ci);
    if (c == ERR) return v.fat.err;
    // Extend the run over following clusters that are consecutive on disk.
    let run = cb - pos % cb;
    let endC = c;
    let endIdx = ci;
    while (run < len && endIdx + 1 < f.chainLen) {
      const n = v.fat.next(endC);
      if (n == ERR) return v.fat.err;
      if (n != endC + 1) break;
      endC = n; endIdx++;
      run += cb;
    }
    const n = min(run, len);
    const r = io(v, v.g.clusterSector(c), pos % cb, buf, n, write);
    if (r < 0) return r;
    f.curIdx = endIdx; f.curCluster = endC;
    pos += n; buf += n; len -= n;
  }
  return 0;
}

// The last cluster of the chain (which is not empty).
function lastCluster(v: Volume, f: OpenFile): u32 {
  return clusterAt(v, f, f.chainLen - 1);
}

// Makes the chain at least `need` clusters long. On failure the chain is
// as it was. 0 or an error.
function grow(v: Volume, f: OpenFile, need: u32): i32 {
  if (f.chainLen >= need) return 0;
  const oldLen = f.chainLen;
  let last: u32 = 0;
  if (oldLen > 0) {
    last = lastCluster(v, f);
    if (last == ERR) return v.fat.err;
  }
  const oldLast = last;
  while (f.chainLen < need) {
    const c = v.fat.alloc(last);
    if (c == ERR) {
      const err = v.fat.err;
      // Undo: free what was added.
      if (oldLen == 0) {
        if (f.first != 0) v.fat.freeChain(f.first);
        f.first = 0;
      } else v.fat.truncateAfter(oldLast);
      f.chainLen = oldLen;
      f.curIdx = 0; f.curCluster = f.first;
      return err;
    }
    if (f.chainLen == 0) f.first = c;
    last = c;
    f.chainLen++;
  }
  return 0;
}

// Writes len bytes at pos (growing the file, zero-filling any gap).
// The number of bytes written, or an error.
export function write(v: Volume, h: i32, pos: u32, buf: usize, len: u32): i32 {
  const f = v.file(h);
  if (f == null) return fail(E_BAD_HANDLE, "bad handle", h);
  if (f.attr & ATTR_READ_ONLY) return fail(E_READ_ONLY, "file is read-only", 0);
  if (len > 0x7FFFFFFF) return fail(E_INVALID, "write longer than 2 GiB", len);
  const end = <u64>pos + len;
  if (end > 0xFFFFFFFF) return fail(E_TOO_BIG, "file would exceed 4 GiB - 1", end);
  if (len == 0) return 0;
  const gapFrom = f.size;
  let r = grow(v, f, clustersFor(v, <u32>end));
  if (r < 0) return r;
  // Zero the gap between the old end and pos.
  for (let p = gapFrom; p < pos;) {
    const n = min<u32>(pos - p, 4096);
    r = transfer(v, f, p, v.zeros, n, true);
    if (r < 0) return r;
    p += n;
  }
  r = transfer(v, f, pos, buf, len, true);
  if (r < 0) return r;
  if (<u32>end > f.size) f.size = <u32>end;
  r = updateEntry(v, f);
  return r < 0 ? r : <i32>len;
}

// Reads up to len bytes at pos. The number read (0 at or past the end), or an error.
export function read(v: Volume, h: i32, pos: u32, buf: usize, len: u32): i32 {
  const f = v.file(h);
  if (f == null) return fail(E_BAD_HANDLE, "bad handle", h);
  if (len > 0x7FFFFFFF) return fail(E_INVALID, "read longer than 2 GiB", len);
  if (pos >= f.size) return 0;
  const n = min(len, f.size - pos);
  const r = transfer(v, f, pos, buf, n, false);
  return r < 0 ? r : <i32>n;
}

// Sets the file's size: shrinking frees clusters, growing appends zeros.
// The handle, or an error.
export function truncateOpen(v: Volume, h: i32, size: u32): i32 {
  const f = v.file(h);
  if (f == null) return fail(E_BAD_HANDLE, "bad handle", h);
  if (f.attr & ATTR_READ_ONLY) return fail(E_READ_ONLY, "file is read-only", 0);
  if (size > f.size) {
    // Grow: write zeros from the end.
    let p = f.size;
    const r = grow(v, f, clustersFor(v, size));
    if (r < 0) return r;
    while (p < size) {
      const n = min<u32>(size - p, 4096);
      const r2 = transfer(v, f, p, v.zeros, n, true);
      if (r2 < 0) return r2;
      p += n;
    }
  } else {
    const need = clustersFor(v, size);
    if (need < f.chainLen) {
      let r: i32;
      if (need == 0) {
        r = v.fat.freeChain(f.first);
        if (r < 0) return r;
        f.first = 0;
      } else {
        const c = clusterAt(v, f, need - 1);
        if (c == ERR) return v.fat.err;
        r = v.fat.truncateAfter(c);
        if (r < 0) return r;
      }
      f.chainLen = need;
      f.curIdx = 0; f.curCluster = f.first;
    }
  }
  f.size = size;
  const r = updateEntry(v, f);
  return r < 0 ? r : h;
}

// E_BUSY if the file whose short entry is (dir, idx) is open, else 0.
export function busy(v: Volume, dir: u32, idx: u32): i32 {
  return v.openAt(dir, idx) >= 0 ? fail(E_BUSY, "file is open", idx) : 0;
}
