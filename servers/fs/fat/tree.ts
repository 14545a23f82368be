// tree.ts — the name space: mkdir, rmdir, remove, rename, list, stat.
//
// Each operation resolves its path(s), checks everything, and only then
// changes the disk, in an order where an error half-way leaves a
// consistent volume (a new entry is written before the old one goes).

import { MODIFY, OVERWRITE } from "./cache";
import { ATTR_DIR, ATTR_VOLUME, D_ATTR, D_MDATE, D_MTIME, D_NAME, D_SIZE, ENTRY, entryCluster, setEntryCluster } from "./dirent";
import { E_EXISTS, E_INVALID, E_IS_DIR, E_NOT_EMPTY, E_NOT_FOUND, E_CORRUPT_DIR, fail } from "./errors";
import { ERR } from "./fat";
import { busy, stampEntry } from "./file";
import { utf8Encode } from "./names";
import { entryDir, parentOf, resolve, Resolved } from "./path";
import { Volume } from "./volume";

const res = new Resolved();
const tmpl: usize = heap.alloc(ENTRY);
const MAX_DEPTH: u32 = 65536;

// Writes a "." or ".." entry.
function dotEntry(v: Volume, e: usize, dots: u32, cluster: u32): void {
  memory.fill(e, 0, ENTRY);
  memory.fill(e + D_NAME, 0x20, 11);
  memory.fill(e + D_NAME, 0x2E, dots);
  store<u8>(e + D_ATTR, ATTR_DIR);
  stampEntry(v, e, true);
  setEntryCluster(e, cluster);
}

export function mkdir(v: Volume, path: usize, len: u32): i32 {
  let r = resolve(v, path, len, res);
  if (r < 0) return r;
  if (res.self || res.found) return fail(E_EXISTS, "already exists", 0);
  const c = v.fat.alloc(0);
  if (c == ERR) return v.fat.err;
  const s = v.g.clusterSector(c);
  for (let j: u32 = 0; j < v.g.spc; j++) {
    const p = v.cache.get(s + j, OVERWRITE);
    if (p == 0) { v.fat.freeChain(c); return v.cache.err; }
    if (j == 0) {
      dotEntry(v, p, 1, c);
      dotEntry(v, p + ENTRY, 2, res.parent == v.root() ? 0 : res.parent);
    }
  }
  memory.fill(tmpl, 0, ENTRY);
  store<u8>(tmpl + D_ATTR, ATTR_DIR);
  stampEntry(v, tmpl, true);
  setEntryCluster(tmpl, c);
  r = v.dir.insert(res.parent, res.name, res.nameLen, tmpl);
  if (r < 0) { v.fat.freeChain(c); return r; }
  return 0;
}

export function rmdir(v: Volume, path: usize, len: u32): i32 {
  let r = resolve(v, path, len, res);
  if (r < 0) return r;
  if (res.self) return fail(E_INVALID, "cannot remove the root, . or ..", 0);
  if (!res.found) return fail(E_NOT_FOUND, "no such directory", 0);
  const d = entryDir(v, res.ent);
  if (d < 0) return <i32>d;
  r = v.dir.check(<u32>d);
  if (r < 0) return r;
  r = v.dir.isEmpty(<u32>d);
  if (r < 0) return r;
  if (r == 0) return fail(E_NOT_EMPTY, "directory not empty", 0);
  r = v.fat.freeChain(<u32>d);
  if (r < 0) return r;
  v.dir.forget();
  return v.dir.remove(res.parent, res.lfnStart, res.shortIdx);
}

// Deletes a file (not a directory, not an open file).
export function remove(v: Volume, path: usize, len: u32): i32 {
  let r = resolve(v, path, len, res);
  if (r < 0) return r;
  if (res.self) return fail(E_IS_DIR, "is a directory", 0);
  if (!res.found) return fail(E_NOT_FOUND, "no such file", 0);
  if (load<u8>(res.ent + D_ATTR) & (ATTR_DIR | ATTR_VOLUME)) return fail(E_IS_DIR, "is a directory (use rmdir)", 0);
  r = busy(v, res.parent, res.shortIdx);
  if (r < 0) return r;
  const c = entryCluster(res.ent);
  if (c != 0) {
    r = v.fat.freeChain(c);
    if (r < 0) return r;
  }
  return v.dir.remove(res.parent, res.lfnStart, res.shortIdx);
}

// Renames or moves a file or directory. An existing file at the new name
// is replaced by a file (as POSIX rename does); any other existing target
// is E_EXISTS (except the same entry: a change of case).
export function rename(v: Volume, from: usize, fromLen: u32, to: usize, toLen: u32): i32 {
  let r = resolve(v, from, fromLen, res);
  if (r < 0) return r;
  if (res.self) return fail(E_INVALID, "cannot rename the root, . or ..", 0);
  if (!res.found) return fail(E_NOT_FOUND, "no such file or directory", 0);
  if (load<u8>(res.ent + D_ATTR) & ATTR_VOLUME) return fail(E_INVALID, "cannot rename the volume label", 0);
  r = busy(v, res.parent, res.shortIdx);
  if (r < 0) return r;
  const oParent = res.parent, oShort = res.shortIdx, oLfn = res.lfnStart;
  memory.copy(tmpl, res.ent, ENTRY);
  const isDir = (load<u8>(tmpl + D_ATTR) & ATTR_DIR) != 0;
  const moved = isDir ? <u32>entryDir(v, tmpl) : 0;
  if (isDir) {
    if (<i32>moved < 0) return <i32>moved;
    r = v.dir.check(moved);
    if (r < 0) return r;
  }

  r = resolve(v, to, toLen, res);
  if (r < 0) return r;
  if (res.self) return fail(E_EXISTS, "target is an existing directory", 0);
  if (res.found && !(res.parent == oParent && res.shortIdx == oShort)) return replace(v, oParent, oLfn, oShort, isDir);
  if (isDir && res.parent != oParent) {
    // The new parent must not be the directory itself or inside it.
    let d = res.parent;
    for (let k: u32 = 0; ; k++) {
      if (d == moved) return fail(E_INVALID, "cannot move a directory into itself", 0);
      if (d == v.root()) break;
      if (k > MAX_DEPTH) return fail(E_CORRUPT_DIR, "directory tree too deep or looping", 0);
      const p = parentOf(v, d);
      if (p < 0) return <i32>p;
      d = <u32>p;
    }
  }
  const nParent = res.parent;
  r = v.dir.insert(nParent, res.name, res.nameLen, tmpl);
  if (r < 0) return r;
  r = v.dir.remove(oParent, oLfn, oShort);
  if (r < 0) return r;
  if (isDir && nParent != oParent) {
    // Point the moved directory's ".." at its new parent.
    const dotdot = v.pathBuf;
    store<u16>(dotdot, 0x2E);
    store<u16>(dotdot, 0x2E, 2);
    r = v.dir.find(moved, dotdot, 2);
    if (r < 0) return r;
    if (r == 0) return fail(E_CORRUPT_DIR, "moved directory has no .. entry", moved);
    const e = v.dir.at(moved, v.dir.shortIdx, MODIFY);
    if (e == 0) return v.dir.err;
    setEntryCluster(e, nParent == v.root() ? 0 : nParent);
  }
  return 0;
}

// Rename onto an existing file: the target's entry keeps its name and
// takes the source's contents; the target's old clusters are freed, and the
// source's entries go. Only a file may replace a file. 0 or an error.
function replace(v: Volume, oParent: u32, oLfn: u32, oShort: u32, isDir: bool): i32 {
  if (isDir || (load<u8>(res.ent + D_ATTR) & (ATTR_DIR | ATTR_VOLUME))) return fail(E_EXISTS, "target exists (only a file may replace a file)", 0);
  let r = busy(v, res.parent, res.shortIdx);
  if (r < 0) return r;
  const old = entryCluster(res.ent);
  if (old != 0) {
    r = v.fat.chainLength(old, v.g.clusterCount);   // checked first: freeing then cannot fail half-way
    if (r < 0) return r;
  }
  const e = v.dir.at(res.parent, res.shortIdx, MODIFY);
  if (e == 0) return v.dir.err;
  store<u8>(e + D_ATTR, load<u8>(tmpl + D_ATTR));
  memory.copy(e + 13, tmpl + 13, ENTRY - 13);        // times, cluster, size (not the name or its case flags)
  if (old != 0) {
    r = v.fat.freeChain(old);
    if (r < 0) return r;
  }
  return v.dir.remove(oParent, oLfn, oShort);
}

// What list and stat write at out: attributes u32, size u32, date u16,
// time u16, first cluster u32, name length u32 (bytes), then the name in
// UTF-8 (at most 765 bytes).
export const INFO_NAME: u32 = 20;
export const INFO_BYTES: u32 = INFO_NAME + 765;

function info(v: Volume, e: usize, name: usize, n: u32, out: usize): void {
  store<u32>(out, load<u8>(e + D_ATTR));
  store<u32>(out, load<u32>(e + D_SIZE), 4);
  store<u16>(out, load<u16>(e + D_MDATE), 8);
  store<u16>(out, load<u16>(e + D_MTIME), 10);
  store<u32>(out, entryCluster(e), 12);
  store<u32>(out, utf8Encode(name, n, out + INFO_NAME), 16);
}

// One entry of a directory: the first at or after `cookie` (0 to start),
// without ".", ".." and the volume label. Writes it at out (see INFO_*) and
// returns the cookie of the next call; 0 at the end; or an error.
export function list(v: Volume, path: usize, len: u32, cookie: u32, out: usize): i64 {
  let r = resolve(v, path, len, res);
  if (r < 0) return r;
  let d: u32;
  if (res.self) d = res.parent;
  else {
    if (!res.found) return fail(E_NOT_FOUND, "no such directory", 0);
    const x = entryDir(v, res.ent);
    if (x < 0) return x;
    d = <u32>x;
    r = v.dir.check(d);
    if (r < 0) return r;
  }
  for (let i = cookie; ;) {
    r = v.dir.next(d, i);
    if (r <= 0) return r;
    i = v.dir.shortIdx + 1;
    const e = v.dir.ent;
    if (load<u8>(e + D_ATTR) & ATTR_VOLUME) continue;
    if (load<u8>(e) == 0x2E) continue;
    info(v, e, v.dir.name, v.dir.nameLen, out);
    return i;
  }
}

// Information about one file or directory (see INFO_*). 0 or an error.
export function stat(v: Volume, path: usize, len: u32, out: usize): i32 {
  const r = resolve(v, path, len, res);
  if (r < 0) return r;
  if (res.self) {
    memory.fill(out, 0, INFO_NAME);
    store<u32>(out, ATTR_DIR);
    return 0;
  }
  if (!res.found) return fail(E_NOT_FOUND, "no such file or directory", 0);
  info(v, res.ent, res.name, res.nameLen, out);
  return 0;
}

