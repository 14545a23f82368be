// layout.ts — where boot/ put the parts of the kernel image.
//
// boot/layout.asm keeps a table of u64 in .rodata and passes its physical
// address to kmain (layoutPhys): version 1, then the physical addresses of
// the image's parts (boot/linker.ld) and the size of the Wasm memory
// reservation. layoutRead() checks it and keeps the values; frames.ts keeps
// the allocator out of [kernelStart, kernelEnd) and kvspace.ts maps the
// image from it (text RX, rodata R, data..Wasm memory RW, guard pages out).
// Index order (keep equal to boot/layout.asm):

import { phys_read64 } from "./x86";
import { inDirectMap, PAGE_SIZE } from "./memlayout";

export const LAYOUT_VERSION: u64 = 1;
export const LAYOUT_WORDS: u32 = 14;
const L_VERSION: u32 = 0;
const L_KERNEL_START: u32 = 1;
const L_KERNEL_END: u32 = 2;
const L_TEXT_START: u32 = 3;
const L_TEXT_END: u32 = 4;
const L_RODATA_START: u32 = 5;
const L_RODATA_END: u32 = 6;
const L_DATA_START: u32 = 7;
const L_KERNEL_STACK_GUARD: u32 = 8;
const L_IST_STACK_GUARD: u32 = 9;
const L_PANIC_STACK_GUARD: u32 = 10;
const L_WASM_BASE: u32 = 11;
const L_PT_POOL: u32 = 12;
const L_WASM_RESERVED: u32 = 13;

// The kernel window is the top 2 GiB: every image address is below this.
const IMAGE_LIMIT: u64 = 0x8000_0000;
const WASM_PAGE: u64 = 65536;

export let layoutValid = false;     // a table was given and passed the checks
export let layoutError: string = ""; // why not, when one was given
export let layoutErrorValue: u64 = 0;

export let kernelStart: u64 = 0;
export let kernelEnd: u64 = 0;      // exclusive
export let textStart: u64 = 0;
export let textEnd: u64 = 0;
export let rodataStart: u64 = 0;
export let rodataEnd: u64 = 0;
export let dataStart: u64 = 0;      // RW from here to the Wasm memory's end
export let kernelStackGuard: u64 = 0;
export let istStackGuard: u64 = 0;
export let panicStackGuard: u64 = 0;
export let wasmBase: u64 = 0;       // physical address of linear-memory byte 0
export let ptPool: u64 = 0;         // boot's image page tables
export let wasmReserved: u64 = 0;   // bytes reserved for the Wasm memory

function fail(why: string, value: u64): bool {
  layoutValid = false;
  layoutError = why;
  layoutErrorValue = value;
  return false;
}

@inline function word(phys: u64, i: u32): u64 {
  return phys_read64(phys + (<u64>i << 3));
}

// Is `pa` in the data section (between the data start and the Wasm memory)?
function inData(pa: u64): bool {
  return pa >= dataStart && pa < wasmBase;
}

function isGuard(pa: u64): bool {
  return pa == kernelStackGuard || pa == istStackGuard || pa == panicStackGuard;
}

// Is the physical page at `pa` one of the stack guard pages?
export function layoutIsGuard(pa: u64): bool {
  return layoutValid && isGuard(pa);
}

// Read and check the table at physical `phys` (0: not given). Returns
// whether it can be used; layoutError says why not (empty when not given).
export function layoutRead(phys: u64): bool {
  layoutValid = false;
  layoutError = "";
  layoutErrorValue = 0;
  if (phys == 0) return false;
  if ((phys & 7) != 0 || !inDirectMap(phys, <u64>LAYOUT_WORDS * 8)) return fail("table address is not usable:", phys);
  const version = phys_read64(phys);
  if (version != LAYOUT_VERSION) return fail("unknown version", version);
  kernelStart = word(phys, L_KERNEL_START);
  kernelEnd = word(phys, L_KERNEL_END);
  textStart = word(phys, L_TEXT_START);
  textEnd = word(phys, L_TEXT_END);
  rodataStart = word(phys, L_RODATA_START);
  rodataEnd = word(phys, L_RODATA_END);
  dataStart = word(phys, L_DATA_START);
  kernelStackGuard = word(phys, L_KERNEL_STACK_GUARD);
  istStackGuard = word(phys, L_IST_STACK_GUARD);
  panicStackGuard = word(phys, L_PANIC_STACK_GUARD);
  wasmBase = word(phys, L_WASM_BASE);
  ptPool = word(phys, L_PT_POOL);
  wasmReserved = word(phys, L_WASM_RESERVED);
  for (let i: u32 = 1; i < LAYOUT_WORDS; i++) {
    const v = word(phys, i);
    if ((v & (PAGE_SIZE - 1)) != 0) return fail("an entry is not page-aligned:", v);
    if (v >= IMAGE_LIMIT) return fail("an entry is beyond the kernel window:", v);
  }
  if (!(kernelStart <= textStart && textStart < textEnd && textEnd <= rodataStart &&
        rodataStart <= rodataEnd && rodataEnd <= dataStart && dataStart < wasmBase)) {
    return fail("the sections are not in order text, rodata, data, Wasm memory; text at", textStart);
  }
  if (wasmReserved == 0 || (wasmReserved & (WASM_PAGE - 1)) != 0 || (wasmBase & (WASM_PAGE - 1)) != 0) {
    return fail("the Wasm memory reservation is not whole 64 KiB pages:", wasmReserved);
  }
  if (wasmReserved > kernelEnd || wasmBase > kernelEnd - wasmReserved) return fail("the Wasm memory runs past the image end", kernelEnd);
  if (!inData(kernelStackGuard)) return fail("a stack guard page is outside data..Wasm memory:", kernelStackGuard);
  if (!inData(istStackGuard)) return fail("a stack guard page is outside data..Wasm memory:", istStackGuard);
  if (!inData(panicStackGuard)) return fail("a stack guard page is outside data..Wasm memory:", panicStackGuard);
  if (!inData(ptPool)) return fail("boot's page tables are outside the data:", ptPool);
  layoutValid = true;
  return true;
}
