// blockdev.ts — the block device the filesystem runs on.
//
// The FAT server implements this on top of IPC to a block driver; the
// tests implement it over an in-memory disk image. Blocks are numbered
// from 0; `buf` is a linear-memory address of count * blockSize() bytes.
// read/write return 0 on success and a negative value on failure.

export abstract class BlockDevice {
  abstract blockSize(): u32;        // bytes per block (512 for every disk we know)
  abstract blockCount(): u64;       // size of the device in blocks
  abstract read(block: u64, count: u32, buf: usize): i32;
  abstract write(block: u64, count: u32, buf: usize): i32;
  abstract flush(): i32;            // make every completed write durable
}
