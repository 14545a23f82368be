// print.ts — console output for user programs, through the debug_write
// system call for now (a console server will take its place).
//
// Output is buffered in a static 256-byte buffer and written out at each
// new line, when the buffer is full, and by flush(): one system call per
// line. Nothing here allocates (the runtime never frees: see
// servers/README.md). AssemblyScript strings (UTF-16) go out as UTF-8.

import { sysDebugWrite } from "./sys";

const BUF_SIZE: usize = 256;
const buf = memory.data(<i32>BUF_SIZE);
let used: usize = 0;
const HEX = "0123456789abcdef";
const digits = memory.data(24);

// Write out what is buffered.
export function flush(): void {
  if (used == 0) return;
  sysDebugWrite(buf, used);
  used = 0;
}

// One byte.
export function printByte(b: u8): void {
  if (used == BUF_SIZE) flush();
  store<u8>(buf + used, b);
  used++;
  if (b == 10) flush();
}

// `len` bytes at linear address `ptr`.
export function printBytes(ptr: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) printByte(load<u8>(ptr + i));
}

// A string, as UTF-8.
export function print(s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>s.charCodeAt(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
      const d = <u32>s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d < 0xE000) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); i++; }
    }
    if (c < 0x80) printByte(<u8>c);
    else if (c < 0x800) { printByte(<u8>(0xC0 | (c >> 6))); printByte(<u8>(0x80 | (c & 63))); }
    else if (c < 0x10000) { printByte(<u8>(0xE0 | (c >> 12))); printByte(<u8>(0x80 | ((c >> 6) & 63))); printByte(<u8>(0x80 | (c & 63))); }
    else {
      printByte(<u8>(0xF0 | (c >> 18))); printByte(<u8>(0x80 | ((c >> 12) & 63)));
      printByte(<u8>(0x80 | ((c >> 6) & 63))); printByte(<u8>(0x80 | (c & 63)));
    }
  }
}

// A string and a new line (which writes the line out).
export function println(s: string = ""): void {
  print(s);
  printByte(10);
}

// An unsigned number in decimal.
export function printDec(v: u64): void {
  let n: usize = 0;
  do {
    store<u8>(digits + n, <u8>(0x30 + v % 10));
    v /= 10;
    n++;
  } while (v != 0);
  while (n > 0) { n--; printByte(load<u8>(digits + n)); }
}

// A signed number in decimal.
export function printSigned(v: i64): void {
  if (v < 0) { printByte(0x2D); printDec(<u64>(-v)); } else printDec(<u64>v);
}

// "0x" and `v` in lower-case hex, zero-padded to at least `width` digits.
export function printHex(v: u64, width: i32 = 0): void {
  let n: i32 = 1;
  while (n < 16 && (v >> (<u64>n << 2)) != 0) n++;
  if (width > 16) width = 16;
  if (n < width) n = width;
  printByte(0x30);
  printByte(0x78);
  for (let i = n - 1; i >= 0; i--) printByte(<u8>HEX.charCodeAt(<i32>((v >> (<u64>i << 2)) & 15)));
}
