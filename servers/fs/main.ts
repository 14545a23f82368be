// main.ts — servers/fs: the FAT filesystem server. The FAT library
// (servers/fs/fat/, Node-tested against mtools and fsck) over a block
// device that is IPC to a block driver: the first of its manifest uses=
// list (virtioblk, ahci) that found a disk (pickDisk); a DMA buffer
// (dma_alloc, mapped at HW_WINDOW) is handed to the driver once
// (L_BLK_ATTACH); reads and writes name sectors and offsets in it, and the
// device transfers straight into it. Clients call L_FS_* (servers/lib/
// storage.ts): paths as bytes in the message words, file data in a buffer
// each client shares with the server (L_FS_ATTACH; clients.ts), never
// mapped here: the library reads into and writes from the server's bounce
// buffer, and mem_copy moves the bytes between it and the client's object
// (a client that revokes its buffer gets an error, not a crashed server).
// Every library
// error is answered with E_FS, the code and a message with the detail
// ("corrupt filesystem: cycle in a cluster chain (cluster 1234)"); a bad
// image never crashes the server: nothing on the disk is trusted by the
// library. Not mounted (no disk, no FAT volume): the error says why, and
// L_FS_DISK retries the mount.

import { BlockDevice, Volume, findFatVolume, open, close, read, write, fileSize, mkdir, rmdir, remove, rename, list, stat,
  errorMessage, lastDetail, lastValue, INFO_BYTES, INFO_NAME } from "./fat/fs";
import { E_INVALID, fail } from "./fat/errors";
import { copyBytes } from "./fat/copy";
import { sysCall, sysCapDelete, sysDmaAlloc, sysMemCopy, sysMemMap, sysRecv, sysReplyRecv } from "../lib/sys";
import { sleepMs } from "../lib/sleep";
import { call, capsReceived, lastMsg, msgInfo, setRecvSlot, setSendCap } from "../lib/msg";
import { print, printDec, println } from "../lib/print";
import { crashCheck } from "../lib/crash";
import { L_PING, SLOT_SELF, SLOT_USES } from "../lib/proto";
import {
  BLK_BUF_PAGES, E_BLK_NOBUF, E_FS, E_FS_NOBUF, FS_BUF_MAX, FS_PATH_MAX, HW_WINDOW, L_BLK_ATTACH, L_BLK_FLUSH, L_BLK_INFO, L_BLK_READ, L_BLK_WRITE,
  L_FS_ATTACH, L_FS_CLOSE, L_FS_DF, L_FS_DISK, L_FS_LIST, L_FS_MKDIR, L_FS_OPEN, L_FS_READ, L_FS_REMOVE, L_FS_RENAME, L_FS_RMDIR,
  L_FS_SIZE, L_FS_STAT, L_FS_SYNC, L_FS_WRITE, setStageWord, stageBytes, stageIn, stageOut, stageWord, wordsFor
} from "../lib/storage";
import * as clients from "./clients";

import { msgWord } from "../lib/msg";
let BLK: u32 = SLOT_USES;     // the block driver in use (pickDisk)
let blkKind: u64 = 0;         // its BLK_KIND_* (L_FS_DISK w4)
const SLOT_DBUF: u32 = 20;
const SLOT_RECV: u32 = 24;     // where a client's buffer capability arrives (clients.ts keeps it)
const DBUF: usize = HW_WINDOW;
const DBUF_BYTES: u64 = BLK_BUF_PAGES * 4096;

// Hand the DMA buffer to the driver (again after the driver restarted: a
// new instance has none). True if it took it.
function attach(): bool {
  setSendCap(SLOT_DBUF);
  const r = sysCall(BLK, msgInfo(L_BLK_ATTACH, 0, 1), 0, 0, 0, 0, changetype<usize>(lastMsg()));
  return r == 0 && lastMsg().label == 0;
}

// One block request; when the driver died under it (DEAD_PARTNER or
// CANCELLED) or is a new instance without the buffer, attach again and
// retry (for up to ~1 s: init restarts the driver after its backoff).
// Sector reads and writes are idempotent, so a retry is safe.
let retries: u64 = 0;
function blk(label: u64, block: u64, n: u32): bool {
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = call(BLK, label, 3, block, n, 0);
    if (r == 0 && lastMsg().label == 0) return true;
    if (r == 0 && lastMsg().label != E_BLK_NOBUF) return false;   // the device said no
    retries++;
    sleepMs(20);
    attach();
  }
  return false;
}

// n bytes from the block buffer to buf (toBuf) or from buf to it. buf is
// the library's (a cache block) or lies in the bounce buffer (clients.ts):
// then mem_copy does it, eight bytes a step in the kernel, with copyBytes
// only as the fallback.
function dbufCopy(buf: usize, n: usize, toBuf: bool): void {
  if (buf >= clients.BOUNCE && n <= <usize>FS_BUF_MAX && buf - clients.BOUNCE <= <usize>FS_BUF_MAX - n) {
    const o = <u64>(buf - clients.BOUNCE);
    if ((toBuf ? sysMemCopy(clients.SLOT_BOUNCE, o, SLOT_DBUF, 0, n) : sysMemCopy(SLOT_DBUF, 0, clients.SLOT_BOUNCE, o, n)) == 0) return;
  }
  if (toBuf) copyBytes(buf, DBUF, n); else copyBytes(DBUF, buf, n);
}

// The block driver as a BlockDevice.
class IpcDisk extends BlockDevice {
  sectors: u64 = 0;
  maxPer: u32 = 0;
  blockSize(): u32 { return 512; }
  blockCount(): u64 { return this.sectors; }
  read(block: u64, count: u32, buf: usize): i32 {
    while (count > 0) {
      const n = count < this.maxPer ? count : this.maxPer;
      if (!blk(L_BLK_READ, block, n)) return -1;
      dbufCopy(buf, <usize>n << 9, true);
      block += n; count -= n; buf += <usize>n << 9;
    }
    return 0;
  }
  write(block: u64, count: u32, buf: usize): i32 {
    while (count > 0) {
      const n = count < this.maxPer ? count : this.maxPer;
      dbufCopy(buf, <usize>n << 9, false);
      if (!blk(L_BLK_WRITE, block, n)) return -1;
      block += n; count -= n; buf += <usize>n << 9;
    }
    return 0;
  }
  flush(): i32 { return blk(L_BLK_FLUSH, 0, 0) ? 0 : -1; }
}

const disk = new IpcDisk();
const vol = new Volume();
let mountErr: i32 = -25;       // E_NOT_MOUNTED until a mount works
let attached = false;
const sectorBuf = heap.alloc(4096);
const infoBuf = heap.alloc(INFO_BYTES);
const pathA = heap.alloc(256);
const pathB = heap.alloc(256);

function say(code: i32): void {
  print("fs: "); print(errorMessage(code));
  if (lastDetail.length > 0) { print(" ("); print(lastDetail); if (lastValue != 0) { print(" "); printDec(lastValue); } print(")"); }
  println();
}

// The block driver: the first server of the manifest's uses= list whose
// L_BLK_INFO answers (a driver without a device answers E_BLK_NODEV; an
// empty slot fails at once). Chosen once; its restarts keep the endpoint.
function pickDisk(): bool {
  for (let k: u32 = 0; k < 4; k++) {
    const r = call(SLOT_USES + k, L_BLK_INFO, 0);
    if (r != 0 || lastMsg().label != 0) continue;
    BLK = SLOT_USES + k;
    return true;
  }
  return false;
}

// Attach the DMA buffer, learn the disk, mount. 0 or an error.
function tryMount(): i32 {
  if (!attached) {
    if (!pickDisk()) { println("fs: no disk"); return -1; }
    const p = sysDmaAlloc(SLOT_DBUF, BLK_BUF_PAGES);
    if (p < 0) { println("fs: no DMA memory"); return -1; }
    if (sysMemMap(SLOT_DBUF, DBUF, 1) != 0) { println("fs: cannot map the buffer"); return -1; }
    if (!attach()) { println("fs: the block driver refused the buffer"); return -1; }
    attached = true;
  }
  const r = call(BLK, L_BLK_INFO, 0);
  if (r != 0 || lastMsg().label != 0) { println("fs: no disk"); return -1; }
  disk.sectors = lastMsg().w0;
  disk.maxPer = <u32>lastMsg().w3;
  blkKind = msgWord(4);
  if (disk.maxPer == 0 || <u64>disk.maxPer * 512 > DBUF_BYTES) disk.maxPer = <u32>(DBUF_BYTES >> 9);
  const part = findFatVolume(disk, sectorBuf);
  if (part == null) {
    // No partition table either: mount the whole disk for the exact complaint about its boot sector.
    const w = vol.mount(disk, 0);
    if (w == 0) return 0;
    say(w);
    return w;
  }
  const m = vol.mount(part, 0);
  if (m < 0) { say(m); return m; }
  print("fs: mounted FAT"); printDec(vol.g.fatType); print(", "); printDec(disk.sectors); println(" sectors");
  return 0;
}

// --- replies ---
function reply(label: u64, n: u32): void {
  stageOut(n);
  sysReplyRecv(SLOT_SELF, msgInfo(label, <u64>n), stageWord(0), stageWord(1), stageWord(2), stageWord(3), changetype<usize>(lastMsg()));
}
function ok(n: u32 = 0): void { reply(0, n); }
function error(code: i32, label: u64 = E_FS): void {
  let msg = errorMessage(code);
  if (lastDetail.length > 0) msg += " (" + lastDetail + (lastValue != 0 ? " " + lastValue.toString() : "") + ")";
  const b = String.UTF8.encode(msg);
  let n = <u32>b.byteLength;
  if (n > 400) n = 400;
  setStageWord(0, <u64><i64>code);
  setStageWord(1, n);
  memory.copy(stageBytes(2), changetype<usize>(b), n);
  reply(label, wordsFor(2, n));
}
// Result r of the library: >= 0 success (w0 = r), else the error.
function result(r: i64): void {
  if (r < 0) { error(<i32>r); return; }
  setStageWord(0, <u64>r);
  ok(1);
}

// A handle from a message word (a huge one stays bad instead of wrapping to a small one).
function handle(w: u64): i32 { return w > 0x7FFF_FFFF ? 0x7FFF_FFFF : <i32>w; }

// The path in the stage (length in word w, bytes from word `from`) into dst; its length or -1.
function path(lenWord: u32, from: u32, dst: usize): i32 {
  const n = <u32>stageWord(lenWord);
  if (n > FS_PATH_MAX) return -1;
  memory.copy(dst, stageBytes(from), n);
  return <i32>n;
}

if (!clients.init()) println("fs: no memory for the bounce buffer");
const mr = tryMount();
if (mr != 0) println("fs: no volume mounted; ready");
else println("fs: ready");
mountErr = mr;

setRecvSlot(SLOT_RECV);
sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
while (true) {
  const m = lastMsg();
  const label = m.label;
  if (capsReceived() != 0 && label != L_FS_ATTACH) sysCapDelete(SLOT_RECV);   // unasked for: the slot stays free
  if (label == L_PING) { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); continue; }
  if (crashCheck(label, m.w0)) { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); continue; }   // L_CRASH: armed
  stageIn(m);
  if (label == L_FS_DISK) {
    if (mountErr != 0) mountErr = tryMount();
    setStageWord(0, disk.sectors); setStageWord(1, 512); setStageWord(2, mountErr == 0 ? 1 : 0); setStageWord(3, <u64><i64>mountErr);
    setStageWord(4, blkKind);
    ok(5);
    continue;
  }
  if (label == L_FS_ATTACH) {
    const r = capsReceived() != 0 ? clients.attach(m.badge, SLOT_RECV) : <i64>fail(E_INVALID, "L_FS_ATTACH without a memory object capability", 0);
    result(r);
    continue;
  }
  if (mountErr != 0) { error(mountErr < 0 ? mountErr : -25); continue; }
  if (label == L_FS_OPEN) {
    const n = path(1, 2, pathA);
    if (n < 0) { error(-17); continue; }
    result(open(vol, pathA, <u32>n, <u32>stageWord(0)));
  } else if (label == L_FS_CLOSE) {
    result(close(vol, handle(stageWord(0))));
  } else if (label == L_FS_READ || label == L_FS_WRITE) {
    // w0 = handle, w1 = file offset, w2 = bytes, w3 = offset in the caller's shared buffer
    const off = stageWord(3);
    const c = clients.check(m.badge, off, stageWord(2));
    if (c < 0) { if (clients.err == 0) error(clients.noBuffer(), E_FS_NOBUF); else error(clients.err); continue; }
    if (stageWord(1) > 0xFFFF_FFFF) { error(fail(E_INVALID, "file offset past 4 GiB", 0)); continue; }
    const h = handle(stageWord(0));
    const pos = <u32>stageWord(1), n = <u32>stageWord(2);
    if (label == L_FS_WRITE && !clients.move(c, off, n, false)) { error(clients.gone(), E_FS_NOBUF); continue; }
    const r = label == L_FS_READ ? read(vol, h, pos, clients.BOUNCE, n) : write(vol, h, pos, clients.BOUNCE, n);
    if (label == L_FS_READ && r > 0 && !clients.move(c, off, <u64>r, true)) { error(clients.gone(), E_FS_NOBUF); continue; }
    result(r);
  } else if (label == L_FS_SIZE) {
    result(fileSize(vol, handle(stageWord(0))));
  } else if (label == L_FS_LIST || label == L_FS_STAT) {
    const n = path(1, 2, pathA);
    if (n < 0) { error(-17); continue; }
    if (label == L_FS_STAT) {
      const r = stat(vol, pathA, <u32>n, infoBuf);
      if (r < 0) { error(r); continue; }
      setStageWord(0, load<u32>(infoBuf)); setStageWord(1, load<u32>(infoBuf, 4));
      ok(2);
      continue;
    }
    const r = list(vol, pathA, <u32>n, <u32>stageWord(0), infoBuf);
    if (r < 0) { error(<i32>r); continue; }
    if (r == 0) { setStageWord(0, 0); ok(1); continue; }
    let nl = load<u32>(infoBuf, 16);
    if (nl > 255) nl = 255;
    setStageWord(0, <u64>r); setStageWord(1, load<u32>(infoBuf)); setStageWord(2, load<u32>(infoBuf, 4)); setStageWord(3, nl);
    memory.copy(stageBytes(4), infoBuf + INFO_NAME, nl);
    ok(wordsFor(4, nl));
  } else if (label == L_FS_MKDIR || label == L_FS_RMDIR || label == L_FS_REMOVE) {
    const n = path(1, 2, pathA);
    if (n < 0) { error(-17); continue; }
    result(label == L_FS_MKDIR ? mkdir(vol, pathA, <u32>n) : label == L_FS_RMDIR ? rmdir(vol, pathA, <u32>n) : remove(vol, pathA, <u32>n));
  } else if (label == L_FS_RENAME) {
    const a = <u32>stageWord(0), b = <u32>stageWord(1);
    if (a > FS_PATH_MAX || b > FS_PATH_MAX || a + b > 480) { error(-17); continue; }
    memory.copy(pathA, stageBytes(2), a);
    memory.copy(pathB, stageBytes(2) + a, b);
    result(rename(vol, pathA, a, pathB, b));
  } else if (label == L_FS_DF) {
    const r = vol.df(infoBuf);
    if (r < 0) { error(r); continue; }
    setStageWord(0, load<u32>(infoBuf)); setStageWord(1, load<u32>(infoBuf, 4)); setStageWord(2, load<u32>(infoBuf, 8)); setStageWord(3, load<u32>(infoBuf, 12));
    ok(4);
  } else if (label == L_FS_SYNC) {
    result(vol.sync());
  } else {
    setStageWord(0, 0);
    reply(0xFFFF, 0);
  }
}
