// fat.ts — test entry for the FAT library (servers/fs/fat): one volume on
// a disk that the test (Node) holds, reached through imports; every
// operation exported with plain numbers. Paths and data go through the
// buffer at `buf()`.

import { BlockDevice, Volume, findFatVolume, partitionError, open as fopen, close as fclose, read as fread, write as fwrite, truncateOpen, fileSize as fsize, mkdir as fmkdir, rmdir as frmdir, remove as fremove, rename as frename, list as flist, stat as fstat, errorMessage, lastDetail, lastValue } from "../../../servers/fs/fat/fs";

@external("disk", "read") declare function diskRead(block: u64, count: u32, buf: usize): i32;
@external("disk", "write") declare function diskWrite(block: u64, count: u32, buf: usize): i32;
@external("disk", "blocks") declare function diskBlocks(): u64;

class HostDisk extends BlockDevice {
  blockSize(): u32 { return 512; }
  blockCount(): u64 { return diskBlocks(); }
  read(block: u64, count: u32, buf: usize): i32 { return diskRead(block, count, buf); }
  write(block: u64, count: u32, buf: usize): i32 { return diskWrite(block, count, buf); }
  flush(): i32 { return 0; }
}

const BUF_BYTES: u32 = 1 << 20;
const io = heap.alloc(BUF_BYTES);
const disk = new HostDisk();
const vol = new Volume();

export function buf(): usize { return io; }
export function bufBytes(): u32 { return BUF_BYTES; }
export function mount(flags: u32): i32 { return vol.mount(disk, flags); }
// Mount the FAT volume found on the disk (whole disk, MBR or GPT partition).
export function mountFound(flags: u32): i32 {
  const dev = findFatVolume(disk, io);
  return dev == null ? partitionError : vol.mount(dev, flags);
}
export function warnings(): u32 { return vol.warnings; }
export function sync(): i32 { return vol.sync(); }
export function df(): i32 { return vol.df(io); }
export function setTime(date: u32, time: u32): void { vol.date = <u16>date; vol.time = <u16>time; }
// Path operations: the path is at buf()[0 .. len); a second path at buf()[off2 ..].
export function open(len: u32, flags: u32): i32 { return fopen(vol, io, len, flags); }
export function mkdir(len: u32): i32 { return fmkdir(vol, io, len); }
export function rmdir(len: u32): i32 { return frmdir(vol, io, len); }
export function remove(len: u32): i32 { return fremove(vol, io, len); }
export function rename(len: u32, off2: u32, len2: u32): i32 { return frename(vol, io, len, io + off2, len2); }
// list/stat: the path at buf(), the result at buf() + outOff.
export function list(len: u32, cookie: u32, outOff: u32): i64 { return flist(vol, io, len, cookie, io + outOff); }
export function stat(len: u32, outOff: u32): i32 { return fstat(vol, io, len, io + outOff); }
// Data at buf() + off.
export function read(h: i32, pos: u32, off: u32, len: u32): i32 { return fread(vol, h, pos, io + off, len); }
export function write(h: i32, pos: u32, off: u32, len: u32): i32 { return fwrite(vol, h, pos, io + off, len); }
export function truncate(h: i32, size: u32): i32 { return truncateOpen(vol, h, size); }
export function close(h: i32): i32 { return fclose(vol, h); }
export function fileSize(h: i32): i64 { return fsize(vol, h); }
// Errors: message and detail as (pointer, length) of UTF-16.
export function messagePtr(code: i32): usize { return changetype<usize>(errorMessage(code)); }
export function messageLen(code: i32): i32 { return errorMessage(code).length; }
export function detailPtr(): usize { return changetype<usize>(lastDetail); }
export function detailLen(): i32 { return lastDetail.length; }
export function detailValue(): u64 { return lastValue; }
