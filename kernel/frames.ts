// frames.ts — the physical frame allocator: 4 KiB frames of RAM.
//
// framesInit() is fed by the multiboot2 memory map (multiboot2.ts): every
// usable region, trimmed inward to whole pages, becomes free frames, except
//   - everything below 1 MiB (LOW_MEMORY_END),
//   - the kernel image (from boot/'s layout table, layout.ts; without it,
//     from the ELF section headers GRUB passes; without those, the largest
//     image the boot page tables allow),
//   - the boot modules (the servers, kernel.sym),
//   - the boot information itself (the ACPI RSDP copy lives in it).
// Only frames the direct map reaches (below DIRECT_MAP_SIZE) are managed:
// the kernel can touch nothing else.
//
// State: two bitmaps with one bit per frame below DIRECT_MAP_SIZE, in the
// kernel's linear memory. `ram` says the allocator manages the frame (usable
// RAM, not reserved; fixed after init); `free` says it is free now.
// Allocation is next-fit over 64-bit words (ctz finds the bit), so a run
// costs O(words skipped); freeing checks the frame is managed RAM and is
// really allocated, so a double free is an error, not a corruption.
// Frames are handed out with stale contents: callers zero what they need.

import { DIRECT_MAP_SIZE, KERNEL_MAX_SIZE, KERNEL_PHYS, LOW_MEMORY_END, PAGE_SIZE } from "./memlayout";
import {
  bootModule, mbHasElfSections, mbImageEnd, mbImageStart, mbInfoPhys, mbModuleCount,
  mbRegionCount, mbTotalSize, memRegion, MEM_USABLE
} from "./multiboot2";
import { KErr } from "./errors";
import { kernelEnd, kernelStart, layoutValid } from "./layout";
import { print, printDec, printHex, println, printSize } from "./print";

const FRAME_COUNT: u64 = DIRECT_MAP_SIZE / PAGE_SIZE;     // 1 Mi frames
const WORDS: u32 = <u32>(FRAME_COUNT / 64);               // 16 Ki u64 words
const ramBits = memory.data(<i32>WORDS * 8, 8);
const freeBits = memory.data(<i32>WORDS * 8, 8);

export let framesTotal: u64 = 0;   // usable RAM frames (below DIRECT_MAP_SIZE)
export let framesFree: u64 = 0;    // of which free now
let hint: u32 = 0;                 // word where the next search starts

// Where the kernel image was taken to be, and how we knew.
export let imageStart: u64 = 0;
export let imageEnd: u64 = 0;
export let imageFromElf = false;
export let imageFromLayout = false;

@inline function word(bits: usize, w: u32): u64 {
  return load<u64>(bits + (<usize>w << 3));
}
@inline function setWord(bits: usize, w: u32, v: u64): void {
  store<u64>(bits + (<usize>w << 3), v);
}
@inline function bit(bits: usize, f: u64): bool {
  return ((word(bits, <u32>(f >> 6)) >> (f & 63)) & 1) != 0;
}
@inline function setBit(bits: usize, f: u64, on: bool): void {
  const w = <u32>(f >> 6);
  const m: u64 = <u64>1 << (f & 63);
  const v = word(bits, w);
  setWord(bits, w, on ? v | m : v & ~m);
}

// Forget everything: no RAM, nothing free.
export function framesReset(): void {
  memory.fill(ramBits, 0, <usize>WORDS * 8);
  memory.fill(freeBits, 0, <usize>WORDS * 8);
  framesTotal = 0;
  framesFree = 0;
  hint = 0;
}

// Add the whole frames inside physical [base, end) as free RAM.
export function framesAddRange(base: u64, end: u64): void {
  if (end > DIRECT_MAP_SIZE) end = DIRECT_MAP_SIZE;
  if (base >= end) return;
  let f = (base + PAGE_SIZE - 1) / PAGE_SIZE;
  const last = end / PAGE_SIZE; // exclusive
  for (; f < last; f++) {
    if (bit(ramBits, f)) continue; // overlapping map entries: count once
    setBit(ramBits, f, true);
    setBit(freeBits, f, true);
    framesTotal++;
    framesFree++;
  }
}

// Take every frame that overlaps physical [base, end) out of the
// allocator for good: it stays counted in framesTotal, but can never be
// allocated or freed. Call after the framesAddRange() calls.
export function framesReserveRange(base: u64, end: u64): void {
  if (end > DIRECT_MAP_SIZE) end = DIRECT_MAP_SIZE;
  if (base >= end) return;
  let f = base / PAGE_SIZE;
  const last = (end + PAGE_SIZE - 1) / PAGE_SIZE;
  for (; f < last; f++) {
    if (!bit(ramBits, f)) continue;
    setBit(ramBits, f, false);
    if (bit(freeBits, f)) {
      setBit(freeBits, f, false);
      framesFree--;
    }
  }
}

// Build the free set from the boot information (after mb2Parse succeeded).
export function framesInit(): void {
  framesReset();
  for (let i = 0; i < mbRegionCount; i++) {
    const r = memRegion(i);
    if (r.type == MEM_USABLE) framesAddRange(r.base, r.base + r.length);
  }
  framesReserveRange(0, LOW_MEMORY_END);
  imageFromLayout = false;
  imageFromElf = false;
  if (layoutValid) {
    imageStart = kernelStart;
    imageEnd = kernelEnd;
    imageFromLayout = true;
  } else if (mbHasElfSections) {
    imageStart = mbImageStart;
    imageEnd = mbImageEnd;
    imageFromElf = true;
  } else {
    imageStart = KERNEL_PHYS;
    imageEnd = KERNEL_PHYS + KERNEL_MAX_SIZE;
  }
  framesReserveRange(imageStart, imageEnd);
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    framesReserveRange(<u64>m.start, <u64>m.end);
  }
  framesReserveRange(mbInfoPhys, mbInfoPhys + mbTotalSize);
}

// One free frame, now allocated; its physical address, or 0 when none is
// left (physical page 0 is never handed out).
export function frameAlloc(): u64 {
  if (framesFree == 0) return 0;
  let w = hint;
  for (let n: u32 = 0; n < WORDS; n++) {
    const v = word(freeBits, w);
    if (v != 0) {
      const f: u64 = (<u64>w << 6) + <u64>ctz(v);
      setWord(freeBits, w, v & (v - 1)); // clear the lowest set bit
      framesFree--;
      hint = w;
      return f * PAGE_SIZE;
    }
    w = w + 1 == WORDS ? 0 : w + 1;
  }
  return 0; // not reached while framesFree is right
}

// `n` physically contiguous free frames below physical `below`, now
// allocated (first fit from the bottom; whole zero words skipped): the
// first one's address, or 0. For DMA buffers (sys_dma.ts dma_alloc).
export function framesAllocContig(n: u64, below: u64): u64 {
  if (n == 0 || n > framesFree) return 0;
  let limit = below / PAGE_SIZE;
  if (limit > FRAME_COUNT) limit = FRAME_COUNT;
  let run: u64 = 0, start: u64 = 0;
  let f: u64 = 1;
  while (f < limit) {
    if ((f & 63) == 0 && word(freeBits, <u32>(f >> 6)) == 0) { run = 0; f += 64; continue; }
    if (bit(freeBits, f)) {
      if (run == 0) start = f;
      run++;
      if (run == n) {
        for (let i: u64 = 0; i < n; i++) setBit(freeBits, start + i, false);
        framesFree -= n;
        return start * PAGE_SIZE;
      }
    } else run = 0;
    f++;
  }
  return 0;
}

// Decode: may `phys` be given back?
export function frameCheckFree(phys: u64): KErr {
  if ((phys & (PAGE_SIZE - 1)) != 0 || phys >= DIRECT_MAP_SIZE) return KErr.INVALID_ARGUMENT;
  const f = phys / PAGE_SIZE;
  if (!bit(ramBits, f)) return KErr.INVALID_ARGUMENT;
  if (bit(freeBits, f)) return KErr.DOUBLE_FREE;
  return KErr.OK;
}

// Give the frame at `phys` back.
export function frameFree(phys: u64): KErr {
  const err = frameCheckFree(phys);
  if (err != KErr.OK) return err;
  setBit(freeBits, phys / PAGE_SIZE, true);
  framesFree++;
  return KErr.OK;
}

// Is the frame at `phys` free now? (For tests and assertions.)
export function frameIsFree(phys: u64): bool {
  return phys < DIRECT_MAP_SIZE && bit(freeBits, phys / PAGE_SIZE);
}

// kernel image: 0x00100000 - 0x01180000 (16.5 MiB, from boot/'s layout table)
// frames: N free of M (X MiB free)
export function framesPrint(): void {
  print("kernel image: ");
  printHex(imageStart, 8);
  print(" - ");
  printHex(imageEnd, 8);
  print(" (");
  printSize(imageEnd - imageStart);
  println(imageFromLayout ? ", from boot/'s layout table)"
    : imageFromElf ? ", from the ELF sections)" : ", assumed: no layout table or ELF sections tag)");
  print("frames: ");
  printDec(framesFree);
  print(" free of ");
  printDec(framesTotal);
  print(" (");
  printDec((framesFree * PAGE_SIZE) >> 20);
  println(" MiB free)");
}
