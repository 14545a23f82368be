// multiboot2.ts — read the boot information that GRUB hands over.
//
// The boot stub passes the physical address of the multiboot2 boot
// information to kmain. mb2Parse() walks it once through the x86.phys_*
// intrinsics and keeps what the kernel needs in its own memory: the
// command line and loader name (copied into strpool.ts), the memory map,
// the boot modules, basic memory info, the framebuffer and where the ACPI
// RSDP copy is. bootinfo.ts prints the result.
//
// Layout (multiboot2 specification, section 3.6): a u32 total size and a
// u32 reserved word, then tags, each starting on an 8-byte boundary with a
// u32 type and a u32 size (header included, padding not), ending with a tag
// of type 0 and size 8.
//
// The walk trusts nothing: every read is checked to lie inside the total
// size, which itself must be sane and inside the direct map. At the first
// inconsistency parsing stops, mb2Parse() returns false, and mbError and
// friends say what was wrong and where. Every loop is bounded by the total
// size, so bad input cannot make the kernel spin or read wild memory.

import { phys_read8, phys_read32, phys_read64 } from "./x86";
import { inDirectMap, KERNEL_OFFSET } from "./memlayout";
import { EMPTY_STR, poolCopyPhys, poolReset } from "./strpool";

// --- tag types ---------------------------------------------------------------
export const TAG_END: u32 = 0;
export const TAG_CMDLINE: u32 = 1;
export const TAG_LOADER_NAME: u32 = 2;
export const TAG_MODULE: u32 = 3;
export const TAG_BASIC_MEMINFO: u32 = 4;
export const TAG_MMAP: u32 = 6;
export const TAG_FRAMEBUFFER: u32 = 8;
export const TAG_ELF_SECTIONS: u32 = 9;
export const TAG_ACPI_OLD: u32 = 14;
export const TAG_ACPI_NEW: u32 = 15;
export const TAG_LOAD_BASE: u32 = 21;

// --- ELF section headers (tag 9) ----------------------------------------------
const ELF64_SHDR_SIZE: u32 = 64;
const SHF_ALLOC: u64 = 2;

// --- memory map entry types --------------------------------------------------
export const MEM_USABLE: u32 = 1;
export const MEM_RESERVED: u32 = 2;
export const MEM_ACPI_RECLAIMABLE: u32 = 3;
export const MEM_ACPI_NVS: u32 = 4;
export const MEM_BAD: u32 = 5;

// --- limits --------------------------------------------------------------------
// GRUB's boot information is a few KiB (tens with a big UEFI memory map);
// anything over 1 MiB is garbage.
export const MB2_MAX_TOTAL_SIZE: u32 = 1 << 20;
export const MB2_MIN_ENTRY_SIZE: u32 = 24;
// Entries or modules beyond these are counted but not kept.
export const MB2_MAX_REGIONS: i32 = 256;
export const MB2_MAX_MODULES: i32 = 64;

// One memory map entry, as kept by the kernel.
@unmanaged export class MemRegion {
  base: u64;
  length: u64;
  type: u32;
  _pad: u32;
}

// One boot module: physical [start, end) and its string (a strpool.ts string).
@unmanaged export class BootModule {
  start: u32;
  end: u32;
  string: usize;
  _pad: u32;
}

const REGION_SIZE = offsetof<MemRegion>();
const MODULE_SIZE = offsetof<BootModule>();
const regions = memory.data(<i32>REGION_SIZE * MB2_MAX_REGIONS, 8);
const modules = memory.data(<i32>MODULE_SIZE * MB2_MAX_MODULES, 8);

// --- what the boot information said ------------------------------------------
export let mbInfoPhys: u64 = 0;
export let mbTotalSize: u32 = 0;
export let mbTagCount: u32 = 0;
export let mbTagTypesSeen: u64 = 0; // bit t set when a tag of type t < 64 was seen

export let mbCmdline: usize = EMPTY_STR;
export let mbHasCmdline = false;
export let mbLoaderName: usize = EMPTY_STR;
export let mbHasLoaderName = false;

export let mbHasBasicMeminfo = false;
export let mbMemLowerKiB: u32 = 0;
export let mbMemUpperKiB: u32 = 0;

export let mbHasMemmap = false;
export let mbMemmapEntrySize: u32 = 0;
export let mbMemmapEntryVersion: u32 = 0;
export let mbRegionCount: i32 = 0;
export let mbRegionsDropped: u32 = 0;

export let mbModuleCount: i32 = 0;
export let mbModulesDropped: u32 = 0;

export let mbHasFramebuffer = false;
export let mbFbAddr: u64 = 0;
export let mbFbPitch: u32 = 0;
export let mbFbWidth: u32 = 0;
export let mbFbHeight: u32 = 0;
export let mbFbBpp: u32 = 0;
export let mbFbType: u32 = 0;          // 0 indexed, 1 direct RGB, 2 EGA text
// Type 1: where red, green and blue sit in a pixel (bit position, size).
export let mbFbRedPos: u32 = 0;
export let mbFbRedSize: u32 = 0;
export let mbFbGreenPos: u32 = 0;
export let mbFbGreenSize: u32 = 0;
export let mbFbBluePos: u32 = 0;
export let mbFbBlueSize: u32 = 0;

// The kernel image's physical extent, from the ELF section headers GRUB
// passes (tag 9): the lowest and highest physical byte of every allocated
// section linked in the higher half (address - KERNEL_OFFSET), .bss and the
// Wasm memory reservation included. frames.ts keeps the allocator out of it
// only when kmain got no layout table from boot/ (layout.ts); boot/ always
// passes one, so this is for the Node tests that pass none.
export let mbHasElfSections = false;
export let mbImageStart: u64 = 0;
export let mbImageEnd: u64 = 0;         // exclusive
export let mbHasLoadBase = false;       // tag 21: where GRUB put the image
export let mbLoadBase: u64 = 0;

export let mbRsdpVersion: u32 = 0;      // 0 none, 1 (tag 14) or 2 (tag 15)
export let mbRsdpPhys: u64 = 0;         // the RSDP copy inside the boot information
export let mbRsdpRevision: u32 = 0;
export let mbRsdpSignatureOk = false;

// --- what was wrong with it ----------------------------------------------------
export const ERR_VALUE_NONE: i32 = 0;
export const ERR_VALUE_DEC: i32 = 1;
export const ERR_VALUE_HEX: i32 = 2;

export let mbError: string = "";        // "" when the parse succeeded
export let mbErrorValue: u64 = 0;       // printed after the message ...
export let mbErrorValueKind: i32 = ERR_VALUE_NONE; // ... in this form
export let mbErrorInTag = false;        // inside a tag (then the three below)
export let mbErrorTagOffset: u32 = 0;
export let mbErrorTagType: u32 = 0;
export let mbErrorTagSize: u32 = 0;

// The tag being looked at, for error reports.
let tagOffset: u32 = 0;
let tagType: u32 = 0;
let tagSize: u32 = 0;
let inTag = false;

export function memRegion(i: i32): MemRegion {
  return changetype<MemRegion>(regions + <usize>i * REGION_SIZE);
}

export function bootModule(i: i32): BootModule {
  return changetype<BootModule>(modules + <usize>i * MODULE_SIZE);
}

// Total length of the usable (type 1) memory.
export function usableBytes(): u64 {
  let sum: u64 = 0;
  for (let i = 0; i < mbRegionCount; i++) {
    const r = memRegion(i);
    if (r.type == MEM_USABLE) sum += r.length;
  }
  return sum;
}

// Record an error and stop; returns false for `return fail(...)`.
function fail(msg: string, value: u64 = 0, kind: i32 = ERR_VALUE_NONE): bool {
  mbError = msg;
  mbErrorValue = value;
  mbErrorValueKind = kind;
  mbErrorInTag = inTag;
  mbErrorTagOffset = tagOffset;
  mbErrorTagType = tagType;
  mbErrorTagSize = tagSize;
  return false;
}

// Reads at an offset into the boot information (already bounds-checked).
@inline function r32(off: u32): u32 {
  return phys_read32(mbInfoPhys + off);
}
@inline function r64(off: u32): u64 {
  return phys_read64(mbInfoPhys + off);
}

function reset(): void {
  poolReset();
  mbTotalSize = 0;
  mbTagCount = 0;
  mbTagTypesSeen = 0;
  mbCmdline = EMPTY_STR;
  mbHasCmdline = false;
  mbLoaderName = EMPTY_STR;
  mbHasLoaderName = false;
  mbHasBasicMeminfo = false;
  mbMemLowerKiB = 0;
  mbMemUpperKiB = 0;
  mbHasMemmap = false;
  mbMemmapEntrySize = 0;
  mbMemmapEntryVersion = 0;
  mbRegionCount = 0;
  mbRegionsDropped = 0;
  mbModuleCount = 0;
  mbModulesDropped = 0;
  mbHasFramebuffer = false;
  mbFbAddr = 0;
  mbFbPitch = 0;
  mbFbWidth = 0;
  mbFbHeight = 0;
  mbFbBpp = 0;
  mbFbType = 0;
  mbFbRedPos = 0; mbFbRedSize = 0;
  mbFbGreenPos = 0; mbFbGreenSize = 0;
  mbFbBluePos = 0; mbFbBlueSize = 0;
  mbHasElfSections = false;
  mbImageStart = 0;
  mbImageEnd = 0;
  mbHasLoadBase = false;
  mbLoadBase = 0;
  mbRsdpVersion = 0;
  mbRsdpPhys = 0;
  mbRsdpRevision = 0;
  mbRsdpSignatureOk = false;
  mbError = "";
  mbErrorValue = 0;
  mbErrorValueKind = ERR_VALUE_NONE;
  mbErrorInTag = false;
  mbErrorTagOffset = 0;
  mbErrorTagType = 0;
  mbErrorTagSize = 0;
  tagOffset = 0;
  tagType = 0;
  tagSize = 0;
  inTag = false;
}

// Parse the boot information at physical address `infoPhys`. Returns true
// when all of it made sense; on false, everything parsed before the bad
// spot is still available and mbError says what went wrong.
export function mb2Parse(infoPhys: u64): bool {
  reset();
  mbInfoPhys = infoPhys;
  if (infoPhys == 0) return fail("boot information address is 0");
  if (infoPhys & 7) return fail("boot information address is not 8-byte aligned:", infoPhys, ERR_VALUE_HEX);
  if (!inDirectMap(infoPhys, 8)) return fail("boot information lies outside the direct map:", infoPhys, ERR_VALUE_HEX);

  const total = r32(0);
  mbTotalSize = total;
  if (total < 16) return fail("total size is smaller than a header and an end tag:", total, ERR_VALUE_DEC);
  if (total > MB2_MAX_TOTAL_SIZE) return fail("total size is absurd (more than 1 MiB):", total, ERR_VALUE_DEC);
  if (!inDirectMap(infoPhys, total)) return fail("boot information runs past the direct map, total size", total, ERR_VALUE_DEC);

  // Each step moves at least 8 bytes forward and `off` stays <= total,
  // so this loop runs at most total / 8 times.
  let off: u32 = 8;
  while (true) {
    inTag = false;
    tagOffset = off;
    if (total - off < 8) return fail("no end tag within the total size:", total, ERR_VALUE_DEC);
    tagType = r32(off);
    tagSize = r32(off + 4);
    inTag = true;
    if (tagSize < 8) return fail("tag size is smaller than the 8-byte tag header");
    if (tagSize > total - off) return fail("tag runs past the total size:", total, ERR_VALUE_DEC);
    mbTagCount++;
    if (tagType < 64) mbTagTypesSeen |= <u64>1 << tagType;
    if (tagType == TAG_END) break;
    if (!parseTag(off, tagType, tagSize)) return false;
    off = (off + tagSize + 7) & ~7; // cannot overflow: off + tagSize <= total <= 1 MiB
    if (off > total) off = total;   // padding of the last tag may be missing
  }
  inTag = false;
  return true;
}

function parseTag(off: u32, type: u32, size: u32): bool {
  if (type == TAG_CMDLINE) {
    mbCmdline = poolCopyPhys(mbInfoPhys + off + 8, size - 8);
    mbHasCmdline = true;
  } else if (type == TAG_LOADER_NAME) {
    mbLoaderName = poolCopyPhys(mbInfoPhys + off + 8, size - 8);
    mbHasLoaderName = true;
  } else if (type == TAG_MODULE) {
    return parseModule(off, size);
  } else if (type == TAG_BASIC_MEMINFO) {
    if (size < 16) return fail("basic memory information tag is shorter than 16 bytes");
    mbMemLowerKiB = r32(off + 8);
    mbMemUpperKiB = r32(off + 12);
    mbHasBasicMeminfo = true;
  } else if (type == TAG_MMAP) {
    return parseMemmap(off, size);
  } else if (type == TAG_FRAMEBUFFER) {
    if (size < 30) return fail("framebuffer tag is shorter than 30 bytes");
    mbFbAddr = r64(off + 8);
    mbFbPitch = r32(off + 16);
    mbFbWidth = r32(off + 20);
    mbFbHeight = r32(off + 24);
    mbFbBpp = phys_read8(mbInfoPhys + off + 28);
    mbFbType = phys_read8(mbInfoPhys + off + 29);
    // Direct RGB: six bytes of field positions and sizes after the 32-byte
    // common part (u16 reserved at 30).
    if (mbFbType == 1 && size >= 38) {
      mbFbRedPos = phys_read8(mbInfoPhys + off + 32);
      mbFbRedSize = phys_read8(mbInfoPhys + off + 33);
      mbFbGreenPos = phys_read8(mbInfoPhys + off + 34);
      mbFbGreenSize = phys_read8(mbInfoPhys + off + 35);
      mbFbBluePos = phys_read8(mbInfoPhys + off + 36);
      mbFbBlueSize = phys_read8(mbInfoPhys + off + 37);
    }
    mbHasFramebuffer = true;
  } else if (type == TAG_ELF_SECTIONS) {
    return parseElfSections(off, size);
  } else if (type == TAG_LOAD_BASE) {
    if (size < 12) return fail("load base address tag is shorter than 12 bytes");
    mbLoadBase = r32(off + 8);
    mbHasLoadBase = true;
  } else if (type == TAG_ACPI_OLD || type == TAG_ACPI_NEW) {
    // A copy of the RSDP: 20 bytes (ACPI 1.0) or 36 (ACPI 2.0+).
    const need: u32 = type == TAG_ACPI_OLD ? 8 + 20 : 8 + 36;
    if (size < need) return fail("ACPI RSDP tag is too short for an RSDP");
    // A new-style RSDP wins over an old one, whichever order they come in.
    if (type == TAG_ACPI_NEW || mbRsdpVersion < 2) {
      mbRsdpVersion = type == TAG_ACPI_OLD ? 1 : 2;
      mbRsdpPhys = mbInfoPhys + off + 8;
      mbRsdpSignatureOk = r64(off + 8) == 0x2052_5450_2044_5352; // "RSD PTR "
      mbRsdpRevision = phys_read8(mbRsdpPhys + 15);
    }
  }
  // Other tags (boot device, APM, EFI, SMBIOS, network ...) are not needed yet.
  return true;
}

function parseModule(off: u32, size: u32): bool {
  if (size < 16) return fail("module tag is shorter than 16 bytes");
  const start = r32(off + 8);
  const end = r32(off + 12);
  if (end < start) return fail("module ends before it starts, end", end, ERR_VALUE_HEX);
  if (mbModuleCount >= MB2_MAX_MODULES) {
    mbModulesDropped++;
    return true;
  }
  const m = bootModule(mbModuleCount++);
  m.start = start;
  m.end = end;
  m.string = poolCopyPhys(mbInfoPhys + off + 16, size - 16);
  return true;
}

function parseMemmap(off: u32, size: u32): bool {
  if (size < 16) return fail("memory map tag is shorter than its 16-byte header");
  const entrySize = r32(off + 8);
  mbMemmapEntrySize = entrySize;
  mbMemmapEntryVersion = r32(off + 12);
  if (entrySize < MB2_MIN_ENTRY_SIZE) return fail("memory map entry size is smaller than 24:", entrySize, ERR_VALUE_DEC);
  const body = size - 16;
  if (body % entrySize != 0) return fail("memory map is not a whole number of entries of size", entrySize, ERR_VALUE_DEC);
  // Bounded by the total size (<= 1 MiB / 24 entries); the rest are counted.
  const count = body / entrySize;
  // A second memory map tag replaces the first.
  mbRegionCount = 0;
  mbRegionsDropped = 0;
  let keep = count;
  if (keep > <u32>MB2_MAX_REGIONS) {
    keep = <u32>MB2_MAX_REGIONS;
    mbRegionsDropped = count - keep;
  }
  for (let i: u32 = 0; i < keep; i++) {
    const e = off + 16 + i * entrySize;
    const base = r64(e);
    const length = r64(e + 8);
    if (length != 0 && base + (length - 1) < base) {
      return fail("memory map entry runs past the end of the 64-bit address space, base", base, ERR_VALUE_HEX);
    }
    const r = memRegion(mbRegionCount++);
    r.base = base;
    r.length = length;
    r.type = r32(e + 16);
  }
  mbHasMemmap = true;
  return true;
}

// Tag 9. GRUB lays it out as u32 type, size, num, entsize, shndx (the
// specification's text says u16 for the last three; GRUB's header and
// every GRUB we boot on use u32), then `num` ELF section headers of
// `entsize` bytes each.
function parseElfSections(off: u32, size: u32): bool {
  if (size < 20) return fail("ELF sections tag is shorter than its 20-byte header");
  const num = r32(off + 8);
  const entsize = r32(off + 12);
  if (entsize < ELF64_SHDR_SIZE) return fail("ELF section header size is smaller than 64:", entsize, ERR_VALUE_DEC);
  // num * entsize must fit in the tag; size <= 1 MiB, so divide instead of multiplying.
  if (num > (size - 20) / entsize) return fail("ELF section headers run past the tag, count", num, ERR_VALUE_DEC);
  let lo: u64 = U64.MAX_VALUE;
  let hi: u64 = 0;
  for (let i: u32 = 0; i < num; i++) {
    const sh = off + 20 + i * entsize;
    const flags = r64(sh + 8);
    const addr = r64(sh + 16);
    const len = r64(sh + 32);
    if ((flags & SHF_ALLOC) == 0 || len == 0 || addr < KERNEL_OFFSET) continue;
    // The kernel window is the top 2 GiB: addr - KERNEL_OFFSET < 2 GiB.
    const phys = addr - KERNEL_OFFSET;
    if (len > 0x8000_0000 || phys + len > 0x8000_0000) return fail("ELF section runs past the end of the address space, address", addr, ERR_VALUE_HEX);
    if (phys < lo) lo = phys;
    if (phys + len > hi) hi = phys + len;
  }
  if (hi != 0) {
    mbHasElfSections = true;
    mbImageStart = lo;
    mbImageEnd = hi;
  }
  return true;
}
