// dirent.ts — the 32-byte directory entry: field offsets, attributes, and
// the long-name (VFAT LFN) entry that spreads 13 UTF-16 units over three
// fields.

export const ENTRY: u32 = 32;
export const MAX_DIR_ENTRIES: u32 = 65536;  // a directory is at most 2 MiB

export const ATTR_READ_ONLY: u8 = 0x01;
export const ATTR_HIDDEN: u8 = 0x02;
export const ATTR_SYSTEM: u8 = 0x04;
export const ATTR_VOLUME: u8 = 0x08;
export const ATTR_DIR: u8 = 0x10;
export const ATTR_ARCHIVE: u8 = 0x20;
export const ATTR_LFN: u8 = 0x0F;

export const FREE_MARK: u8 = 0xE5;          // name[0] of a deleted entry
export const END_MARK: u8 = 0x00;           // name[0]: no entries from here on
export const LFN_LAST: u8 = 0x40;           // in the ordinal of the first-stored LFN entry

// Short entry fields.
export const D_NAME = 0;       // 11 bytes
export const D_ATTR = 11;
export const D_NTCASE = 12;
export const D_CTIME_TENTH = 13;
export const D_CTIME = 14;
export const D_CDATE = 16;
export const D_ADATE = 18;
export const D_CLUSTER_HI = 20;
export const D_MTIME = 22;
export const D_MDATE = 24;
export const D_CLUSTER_LO = 26;
export const D_SIZE = 28;

// Long-name entry fields.
export const L_ORD = 0;
export const L_CHECKSUM = 13;

export function isLfn(e: usize): bool {
  return (load<u8>(e + D_ATTR) & 0x3F) == ATTR_LFN;
}

export function entryCluster(e: usize): u32 {
  return (<u32>load<u16>(e + D_CLUSTER_HI) << 16) | <u32>load<u16>(e + D_CLUSTER_LO);
}

export function setEntryCluster(e: usize, c: u32): void {
  store<u16>(e + D_CLUSTER_HI, <u16>(c >> 16));
  store<u16>(e + D_CLUSTER_LO, <u16>c);
}

// Byte offset inside a long-name entry of its unit k (0..12).
export function lfnUnitOffset(k: u32): u32 {
  return k < 5 ? 1 + k * 2 : k < 11 ? 14 + (k - 5) * 2 : 28 + (k - 11) * 2;
}

// Fills long-name entry e with ordinal `ord` (1-based, LFN_LAST may be
// or-ed in) holding units of name (n units) from (ord-1)*13.
export function fillLfn(e: usize, ord: u32, name: usize, n: u32, checksum: u8): void {
  memory.fill(e, 0, ENTRY);
  store<u8>(e + L_ORD, <u8>ord);
  store<u8>(e + D_ATTR, ATTR_LFN);
  store<u8>(e + L_CHECKSUM, checksum);
  const first = ((ord & 0x1F) - 1) * 13;
  for (let k: u32 = 0; k < 13; k++) {
    const i = first + k;
    const u: u16 = i < n ? load<u16>(name + i * 2) : i == n ? 0 : 0xFFFF;
    store<u16>(e + lfnUnitOffset(k), u);
  }
}
