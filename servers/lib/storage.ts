// storage.ts — what the storage servers and their clients agree on: the
// PCI server's interface (servers/pci), the block interface every block
// driver serves (servers/virtioblk, servers/ahci; their shared loop:
// servers/lib/blkserve.ts), and the hardware window where drivers map DMA and device memory (kernel/sys_dma.ts mem_map).
// Labels sit above init's and serial's (servers/lib/proto.ts).

// --- the PCI server (call on its endpoint) ---
// Devices are numbered 0..count-1 in bus order.
export const L_PCI_INFO: u64 = 64;   // w0 = index -> w0 = bus<<8|dev<<3|fn | vendor<<16 | device<<32,
                                     //    w1 = class<<8|prog-if (24 bits) | irq line << 24 | revision << 32,
                                     //    w2 = bar count with a size (bit i: BAR i present) ; label E_PCI_NONE past the end
export const L_PCI_FIND: u64 = 65;   // w0 = vendor (0xFFFF any), w1 = device (0xFFFF any), w2 = class (0xFFFFFF any;
                                     //    a class with low byte 0xFF matches any prog-if), w3 = n-th match -> as L_PCI_INFO + w3 = index
export const L_PCI_BAR: u64 = 66;    // w0 = index, w1 = BAR -> w0 = base, w1 = size, w2 = 1 I/O, 0 memory
export const L_PCI_CAP: u64 = 67;    // w0 = index, w1 = BAR 0..5, 6 = the IRQ line, 7 = an MSI IRQ -> a capability for
                                     //    exactly that BAR's ports / device memory, or an IRQ handler (into the caller's
                                     //    receive slot); 7 programs and enables the device's MSI (INTx off); E_PCI_NONE
                                     //    when it has no MSI capability or there is no local APIC: use 6
export const L_PCI_ENABLE: u64 = 68; // w0 = index: command register |= I/O, memory, bus master
export const PCI_CAP_IRQ: u64 = 6;
export const PCI_CAP_MSI: u64 = 7;
export const E_PCI_NONE: u64 = 1;    // no such device / BAR
export const E_PCI_NOCAP: u64 = 2;   // the PCI server lacks the capability to derive from

// --- block devices (call on the driver's endpoint) ---
// Bulk data travels in a memory object the client hands over once
// (L_BLK_ATTACH, a capability of BLK_BUF_PAGES pages); requests name
// offsets inside it.
export const L_BLK_INFO: u64 = 80;   // -> w0 = sector count, w1 = sector size, w2 = flags (1 read-only), w3 = max sectors per request,
                                     //    w4 = BLK_KIND_*; label E_BLK_NODEV: this driver found no device
export const L_BLK_ATTACH: u64 = 81; // capability: the shared buffer (a memory object) -> w0 = its size in bytes
export const L_BLK_READ: u64 = 82;   // w0 = first sector, w1 = sectors, w2 = buffer offset -> w0 = sectors done
export const L_BLK_WRITE: u64 = 83;  // same
export const L_BLK_FLUSH: u64 = 84;  // -> 0
export const E_BLK_IO: u64 = 1;      // the device reported an error
export const E_BLK_RANGE: u64 = 2;   // sectors outside the device or the buffer
export const E_BLK_NOBUF: u64 = 3;   // no buffer attached
export const E_BLK_NODEV: u64 = 4;   // no device
export const BLK_BUF_PAGES: u64 = 32; // 128 KiB
export const BLK_KIND_VIRTIO: u64 = 1; // what kind of disk (L_BLK_INFO w4, L_FS_DISK w4)
export const BLK_KIND_AHCI: u64 = 2;
export function blkKindName(kind: u64): string {
  return kind == BLK_KIND_VIRTIO ? "virtio-blk" : kind == BLK_KIND_AHCI ? "AHCI SATA" : "block device";
}

// --- the hardware window of a server's linear memory (kernel/sys_dma.ts) ---
export const HW_WINDOW: usize = 0xC000_0000;

// --- the filesystem server (call on its endpoint; servers/fs/main.ts) ---
// Paths travel in the message words as bytes (8 per word, from the word
// named). File data travels in a shared buffer: a memory object of
// FS_BUF_MIN..FS_BUF_MAX bytes the client hands over once (L_FS_ATTACH;
// one per client, told apart by the badge it calls with; a new attach
// replaces it); reads and writes name an offset and a length inside it and
// the server moves the data to or from it with mem_copy, never mapping it
// (servers/fs/clients.ts): a client that revokes or deletes the buffer it
// sent gets E_FS_NOBUF ("the shared buffer is gone"), not a crashed server.
// A restarted server has no buffers: requests get E_FS_NOBUF, and the
// client attaches again and retries.
// Errors: reply label E_FS or E_FS_NOBUF (w0 = the library's error code,
// negative) and a message (w1 = its length, bytes from word 2).
export const L_FS_OPEN: u64 = 96;    // w0 = flags (1 create, 2 truncate, 4 exclusive), w1 = path length, path from word 2 -> w0 = handle
export const L_FS_CLOSE: u64 = 97;   // w0 = handle
export const L_FS_READ: u64 = 98;    // w0 = handle, w1 = file offset, w2 = bytes, w3 = buffer offset -> w0 = bytes read
                                     //    (fewer at the end of the file), into the shared buffer from w3
export const L_FS_WRITE: u64 = 99;   // w0 = handle, w1 = file offset, w2 = bytes, w3 = buffer offset (the data) -> w0 = bytes written
export const L_FS_SIZE: u64 = 100;   // w0 = handle -> w0 = size
export const L_FS_LIST: u64 = 101;   // w0 = cookie (0 first), w1 = path length, path from word 2 -> w0 = next cookie (0: no entry),
                                     //    w1 = attributes, w2 = size, w3 = name length, name from word 4
export const L_FS_STAT: u64 = 102;   // w1 = path length, path from word 2 -> w0 = attributes, w1 = size
export const L_FS_MKDIR: u64 = 103;  // w1 = path length, path from word 2
export const L_FS_RMDIR: u64 = 104;  // same
export const L_FS_REMOVE: u64 = 105; // same
export const L_FS_RENAME: u64 = 106; // w0 = from length, w1 = to length, both paths from word 2 (to right after from)
export const L_FS_DF: u64 = 107;     // -> w0 = cluster bytes, w1 = clusters, w2 = free clusters, w3 = FAT type
export const L_FS_SYNC: u64 = 108;
export const L_FS_DISK: u64 = 109;   // -> w0 = sectors, w1 = sector size, w2 = mounted (1) , w3 = mount error (0 or negative),
                                     //    w4 = the disk's BLK_KIND_*
export const L_FS_ATTACH: u64 = 110; // capability: the shared buffer (a memory object, read-write) -> w0 = its size in bytes
export const E_FS: u64 = 1;
export const E_FS_NOBUF: u64 = 2;    // L_FS_READ / L_FS_WRITE without a shared buffer (attach, then retry)
export const FS_BUF_MIN: u64 = 4096;
export const FS_BUF_MAX: u64 = 128 * 1024;
export const FS_BUF_PAGES: u64 = FS_BUF_MAX / 4096; // the buffer clients make
export const FS_PATH_MAX: u32 = 240; // 30 words (rename: both paths)

// --- message words as bytes (a staging area of 64 words) ---
import { msgWord, setMsgWord, Msg } from "./msg";
export const stage: usize = memory.data(64 * 8, 8);
// Copy the received message's words 0..n-1 (registers and IPC buffer) into the stage.
export function stageIn(m: Msg): void {
  const n = <u32>m.length;
  store<u64>(stage, m.w0); store<u64>(stage, m.w1, 8); store<u64>(stage, m.w2, 16); store<u64>(stage, m.w3, 24);
  for (let i: u32 = 4; i < n && i < 64; i++) store<u64>(stage + (<usize>i << 3), msgWord(i));
}
// Put stage words 4..n-1 into the IPC buffer (words 0..3 go in registers: stageWord(0..3)).
export function stageOut(n: u32): void {
  for (let i: u32 = 4; i < n && i < 64; i++) setMsgWord(i, load<u64>(stage + (<usize>i << 3)));
}
@inline export function stageWord(i: u32): u64 { return load<u64>(stage + (<usize>i << 3)); }
@inline export function setStageWord(i: u32, v: u64): void { store<u64>(stage + (<usize>i << 3), v); }
@inline export function stageBytes(word: u32): usize { return stage + (<usize>word << 3); }
// Words needed for n bytes from word `from`.
@inline export function wordsFor(from: u32, n: u32): u32 { return from + ((n + 7) >> 3); }

// Copy n bytes (a multiple of 8) to or from the hardware window: memory.copy
// checks its range against the linear memory's size, and the window lies
// beyond it; plain loads and stores are not checked (the page tables are).
export function hwCopy(dst: usize, src: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 8) store<u64>(dst + i, load<u64>(src + i));
}
