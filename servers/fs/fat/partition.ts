// partition.ts — finding the FAT volume on a disk: the whole disk (a
// "superfloppy", what mkfs.fat makes of an image), or a partition from an
// MBR or GPT partition table (what a USB stick formatted on a PC has).
//
// A Partition is a BlockDevice that is a window on another one. GPT
// headers are taken by their signature and bounds; their CRCs are not
// checked (a wrong CRC does not make the partition's blocks unreadable).

import { BlockDevice } from "./blockdev";
import { Geometry, parseBootSector } from "./geometry";
import { E_INVALID, E_IO, E_NOT_FOUND, fail } from "./errors";

export class Partition extends BlockDevice {
  constructor(public dev: BlockDevice, public start: u64, public count: u64) { super(); }
  blockSize(): u32 { return this.dev.blockSize(); }
  blockCount(): u64 { return this.count; }
  read(block: u64, count: u32, buf: usize): i32 {
    if (block + count > this.count || block + count < block) return -1;
    return this.dev.read(this.start + block, count, buf);
  }
  write(block: u64, count: u32, buf: usize): i32 {
    if (block + count > this.count || block + count < block) return -1;
    return this.dev.write(this.start + block, count, buf);
  }
  flush(): i32 { return this.dev.flush(); }
}

// MBR partition types that hold FAT (and the EFI system partition).
function fatType(t: u32): bool {
  return t == 0x01 || t == 0x04 || t == 0x06 || t == 0x0B || t == 0x0C || t == 0x0E || t == 0xEF;
}

// GPT type GUIDs as stored: Microsoft basic data, EFI system partition.
const BASIC_DATA: u64[] = [0x4433B9E5EBD0A0A2, 0xC79926B7B668C087];
const EFI_SYSTEM: u64[] = [0x11D2F81FC12A7328, 0x3BC93EC9A0004BBA];

export let partitionError: i32 = 0;

// Does block `lba` of dev hold a FAT boot sector? (buf: one block)
function isFat(dev: BlockDevice, lba: u64, count: u64, buf: usize): bool {
  if (dev.read(lba, 1, buf) != 0) return false;
  return parseBootSector(new Geometry(), buf, dev.blockSize(), count) == 0;
}

// The FAT volume on dev: dev itself, or the first FAT partition (MBR or
// GPT) whose first block is a FAT boot sector. `buf`: room for one block.
// Returns null when there is none (partitionError and the error detail say why).
export function findFatVolume(dev: BlockDevice, buf: usize): BlockDevice | null {
  const bs = <u64>dev.blockSize();
  const blocks = dev.blockCount();
  if (bs < 512 || bs > 4096) { partitionError = fail(E_INVALID, "device block size is not 512 to 4096", bs); return null; }
  if (blocks == 0 || dev.read(0, 1, buf) != 0) { partitionError = fail(E_IO, "cannot read block 0", 0); return null; }
  if (parseBootSector(new Geometry(), buf, <u32>bs, blocks) == 0) return dev;
  if (load<u16>(buf + 510) != 0xAA55) { partitionError = fail(E_NOT_FOUND, "no FAT boot sector and no partition table", 0); return null; }
  // MBR: four primary entries.
  let gpt = false;
  const starts = new StaticArray<u64>(4);
  const counts = new StaticArray<u64>(4);
  let n = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const e = buf + 446 + i * 16;
    const t = <u32>load<u8>(e + 4);
    if (t == 0xEE) gpt = true;
    const start = <u64>load<u32>(e + 8), count = <u64>load<u32>(e + 12);
    if (fatType(t) && start > 0 && count > 0 && start + count <= blocks) { starts[n] = start; counts[n] = count; n++; }
  }
  for (let i = 0; i < n; i++) {
    if (isFat(dev, starts[i], counts[i], buf)) return new Partition(dev, starts[i], counts[i]);
  }
  if (gpt) {
    if (dev.read(1, 1, buf) != 0) { partitionError = fail(E_IO, "cannot read the GPT header", 1); return null; }
    if (load<u64>(buf) != 0x5452415020494645) { partitionError = fail(E_NOT_FOUND, "protective MBR without a GPT header", 0); return null; }
    const table = load<u64>(buf + 72);
    const entries = min<u32>(load<u32>(buf + 80), 1024);
    const size = load<u32>(buf + 84);
    if (size < 128 || size > <u32>bs || (size & (size - 1)) != 0 || table < 2 || table >= blocks) {
      partitionError = fail(E_NOT_FOUND, "GPT header with an impossible partition table", 0);
      return null;
    }
    const perBlock = <u32>bs / size;
    for (let i: u32 = 0; i < entries; i++) {
      if (i % perBlock == 0 && dev.read(table + i / perBlock, 1, buf) != 0) { partitionError = fail(E_IO, "cannot read the GPT entries", 0); return null; }
      const e = buf + (i % perBlock) * size;
      const lo = load<u64>(e), hi = load<u64>(e + 8);
      if (!((lo == BASIC_DATA[0] && hi == BASIC_DATA[1]) || (lo == EFI_SYSTEM[0] && hi == EFI_SYSTEM[1]))) continue;
      const first = load<u64>(e + 32), last = load<u64>(e + 40);
      if (first == 0 || last < first || last >= blocks) continue;
      const count = last - first + 1;
      if (isFat(dev, first, count, buf)) return new Partition(dev, first, count);
      // isFat overwrote the buffer: read the entries block again.
      if (dev.read(table + i / perBlock, 1, buf) != 0) { partitionError = fail(E_IO, "cannot read the GPT entries", 0); return null; }
    }
  }
  partitionError = fail(E_NOT_FOUND, "no FAT partition on the disk", 0);
  return null;
}
