// path.ts — from a path (UTF-8 bytes, "/"-separated, "." and ".." allowed)
// to a directory and an entry in it.
//
// resolve() walks every component but the last, checking each directory's
// chain on the way in, and then looks the last one up. The result is in a
// Resolved: the directory it would be in, whether it exists, and a copy of
// its entry. A path that ends at a directory itself ("", "/", "a/..") has
// `self` set and no entry.

import { ATTR_DIR, D_ATTR, ENTRY, entryCluster } from "./dirent";
import { E_CORRUPT_DIR, E_NAME_TOO_LONG, E_NOT_DIR, E_NOT_FOUND, E_NOT_MOUNTED, fail } from "./errors";
import { MAX_NAME, utf8Decode } from "./names";
import { Volume } from "./volume";

export const MAX_PATH: u32 = 4096;   // bytes
const MAX_DEPTH: u32 = 1024;

export class Resolved {
  parent: u32 = 0;      // the directory the last component is (or would be) in
  self: bool = false;   // the path names a directory itself; `parent` is that directory
  found: bool = false;
  shortIdx: u32 = 0;
  lfnStart: u32 = 0;
  ent: usize = heap.alloc(ENTRY);
  name: usize = 0;      // the last component, UTF-16 (points into the volume's path buffer)
  nameLen: u32 = 0;
}

@inline function isSep(c: u32): bool { return c == 0x2F || c == 0x5C; }

function isDot(p: usize, n: u32): bool { return n == 1 && load<u16>(p) == 0x2E; }
function isDotDot(p: usize, n: u32): bool { return n == 2 && load<u16>(p) == 0x2E && load<u16>(p + 2) == 0x2E; }

// The directory named by an entry found in `dir` (".." of a first-level
// directory says 0: the root). The cluster/id, or an error.
export function entryDir(v: Volume, e: usize): i64 {
  if ((load<u8>(e + D_ATTR) & ATTR_DIR) == 0) return fail(E_NOT_DIR, "not a directory", 0);
  const c = entryCluster(e);
  if (c == 0) {
    if (load<u8>(e) == 0x2E) return v.root();
    return fail(E_CORRUPT_DIR, "directory entry without a cluster", 0);
  }
  return c;
}

// The parent of directory d (by its ".." entry). The id, or an error.
export function parentOf(v: Volume, d: u32): i64 {
  if (d == v.root()) return d;
  const dotdot = v.pathBuf + 2 * (MAX_PATH - 4);
  store<u16>(dotdot, 0x2E);
  store<u16>(dotdot, 0x2E, 2);
  const r = v.dir.find(d, dotdot, 2);
  if (r < 0) return r;
  if (r == 0) return fail(E_CORRUPT_DIR, "directory without a .. entry (cluster)", d);
  return entryDir(v, v.dir.ent);
}

export function resolve(v: Volume, path: usize, len: u32, out: Resolved): i32 {
  if (!v.mounted) return fail(E_NOT_MOUNTED, "no volume", 0);
  if (len > MAX_PATH) return fail(E_NAME_TOO_LONG, "path longer than 4096 bytes", len);
  const n = utf8Decode(path, len, v.pathBuf, MAX_PATH - 8);
  if (n < 0) return n;
  v.dir.forget();
  let cur = v.root();
  let r = v.dir.check(cur);
  if (r < 0) return r;
  let i: u32 = 0;
  let depth: u32 = 0;
  out.found = false;
  for (;;) {
    while (i < <u32>n && isSep(load<u16>(v.pathBuf + i * 2))) i++;
    const start = i;
    while (i < <u32>n && !isSep(load<u16>(v.pathBuf + i * 2))) i++;
    const name = v.pathBuf + start * 2;
    const m = i - start;
    let rest = i;
    while (rest < <u32>n && isSep(load<u16>(v.pathBuf + rest * 2))) rest++;
    const last = rest >= <u32>n;
    if (m == 0 || isDot(name, m) || isDotDot(name, m)) {
      if (isDotDot(name, m)) {
        const p = parentOf(v, cur);
        if (p < 0) return <i32>p;
        cur = <u32>p;
        r = v.dir.check(cur);
        if (r < 0) return r;
      }
      if (last) {
        out.parent = cur; out.self = true; out.found = true; out.name = 0; out.nameLen = 0;
        return 0;
      }
      continue;
    }
    if (m > MAX_NAME) return fail(E_NAME_TOO_LONG, "path component longer than 255 characters", m);
    r = v.dir.find(cur, name, m);
    if (r < 0) return r;
    if (last) {
      out.parent = cur; out.self = false; out.found = r == 1; out.name = name; out.nameLen = m;
      if (r == 1) {
        memory.copy(out.ent, v.dir.ent, ENTRY);
        out.shortIdx = v.dir.shortIdx;
        out.lfnStart = v.dir.lfnStart;
      }
      return 0;
    }
    if (r == 0) return fail(E_NOT_FOUND, "a directory on the path does not exist", start);
    const d = entryDir(v, v.dir.ent);
    if (d < 0) return <i32>d;
    cur = <u32>d;
    r = v.dir.check(cur);
    if (r < 0) return r;
    if (++depth > MAX_DEPTH) return fail(E_NAME_TOO_LONG, "path too deep", depth);
  }
  return 0;  // not reached
}
