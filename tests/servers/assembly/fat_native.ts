// fat_native.ts — the FAT library on a disk held in its own linear memory,
// with no imports, so that our backend can compile it into a build-host
// executable (toolchain/runtime/host.c) and the same script can run there
// and in Node: same results, same disk image afterwards.

import { BlockDevice, Volume, open, close, read, write, truncateOpen, mkdir, rmdir, remove, rename, list, stat, O_CREATE, O_TRUNC } from "../../../servers/fs/fat/fs";

export function nativeAbort(msg: usize, file: usize, line: u32, col: u32): void { unreachable(); }

let image: usize = 0;
let blocks: u64 = 0;

class MemDisk extends BlockDevice {
  blockSize(): u32 { return 512; }
  blockCount(): u64 { return blocks; }
  read(block: u64, count: u32, buf: usize): i32 {
    if (block + count > blocks) return -1;
    memory.copy(buf, image + <usize>block * 512, count * 512);
    return 0;
  }
  write(block: u64, count: u32, buf: usize): i32 {
    if (block + count > blocks) return -1;
    memory.copy(image + <usize>block * 512, buf, count * 512);
    return 0;
  }
  flush(): i32 { return 0; }
}

// The disk: `bytes` of zeros, then the image's non-zero words by poke.
export function diskInit(bytes: u32): void {
  image = heap.alloc(bytes);
  memory.fill(image, 0, bytes);
  blocks = bytes / 512;
}
export function poke(word: u32, value: u64): void { store<u64>(image + <usize>word * 8, value); }
export function diskAddr(): usize { return image; }

// FNV-1a 64 of 4 KiB chunk k of the disk.
export function chunkHash(k: u32): u64 {
  let h: u64 = 0xcbf29ce484222325;
  const p = image + <usize>k * 4096;
  for (let i: u32 = 0; i < 4096; i++) h = (h ^ load<u8>(p + i)) * 0x100000001b3;
  return h;
}

const vol = new Volume();
const disk = new MemDisk();
const path = heap.alloc(1024);
const path2 = heap.alloc(1024);
const data = heap.alloc(70000);
let sum: u64 = 0;

function P(s: string, to: usize = path): u32 { return <u32>String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, to); }
function fill(n: u32, seed: u32): void {
  let x = seed | 1;
  for (let i: u32 = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; store<u8>(data + i, <u8>x); }
}
function mix(v: u64): void { sum = (sum ^ v) * 0x100000001b3; }

// The script: every operation, results folded into `sum`. Returns the
// first failing step (as -step) or 0.
export function script(): i64 {
  let r = vol.mount(disk, 0);
  if (r < 0) return -1000 + r;
  if (mkdir(vol, path, P("/Native Dir")) < 0) return -1;
  if (mkdir(vol, path, P("/Native Dir/sub")) < 0) return -2;
  const sizes: u32[] = [0, 1, 511, 512, 513, 4096, 65537];
  for (let i = 0; i < sizes.length; i++) {
    const h = open(vol, path, P("/Native Dir/file of size " + sizes[i].toString() + ".bin"), O_CREATE | O_TRUNC);
    if (h < 0) return -10 - i;
    fill(sizes[i], i + 1);
    if (sizes[i] > 0 && write(vol, h, 0, data, sizes[i]) != <i32>sizes[i]) return -20 - i;
    close(vol, h);
  }
  let h = open(vol, path, P("/Native Dir/sub/grow.txt"), O_CREATE);
  for (let k: u32 = 0; k < 50; k++) {
    fill(100, k);
    if (write(vol, h, k * 100, data, 100) != 100) return -30;
  }
  if (truncateOpen(vol, h, 3333) < 0) return -31;
  if (truncateOpen(vol, h, 6000) < 0) return -32;
  close(vol, h);
  if (rename(vol, path, P("/Native Dir/file of size 513.bin"), path2, P("/moved to root with a long name.bin", path2)) < 0) return -40;
  if (rename(vol, path, P("/Native Dir/sub"), path2, P("/sub moved", path2)) < 0) return -41;
  if (remove(vol, path, P("/Native Dir/file of size 1.bin")) < 0) return -42;
  if (mkdir(vol, path, P("/empty")) < 0 || rmdir(vol, path, P("/empty")) < 0) return -43;
  // Read everything back.
  const dirs: string[] = ["/", "/Native Dir", "/sub moved"];
  for (let di = 0; di < dirs.length; di++) {
    const n = P(dirs[di]);
    memory.copy(path2, path, n);
    for (let cookie: i64 = 0; ;) {
      cookie = list(vol, path2, n, <u32>cookie, data);
      if (cookie < 0) return -50;
      if (cookie == 0) break;
      const nameLen = load<u32>(data + 16);
      for (let i: u32 = 0; i < nameLen; i++) mix(load<u8>(data + 20 + i));
      mix(load<u32>(data + 4));
    }
  }
  h = open(vol, path, P("/Native Dir/file of size 65537.bin"), 0);
  if (h < 0) return -60;
  const got = read(vol, h, 0, data, 70000);
  if (got != 65537) return -61;
  for (let i = 0; i < got; i++) mix(load<u8>(data + i));
  close(vol, h);
  if (stat(vol, path, P("/sub moved/grow.txt"), data) < 0 || load<u32>(data + 4) != 6000) return -62;
  r = vol.sync();
  if (r < 0) return -70;
  return 0;
}
export function scriptSum(): u64 { return sum; }
