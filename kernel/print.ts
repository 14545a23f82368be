// print.ts — formatted console output: text, numbers, sizes.
//
// Everything goes to the serial console (serial.ts). Nothing here
// allocates: the stub runtime never frees, so numbers are formatted into a
// small static buffer and written out directly.

import { serialPutByte, serialPutString, serialWriteByte } from "./serial";

const HEX_DIGITS = "0123456789abcdef";

// Room for the 20 decimal digits of the largest u64.
const digits = memory.data(24);

// An AssemblyScript string (UTF-16, sent as UTF-8).
export function print(s: string): void {
  serialPutString(s);
}

// A string and a new line.
export function println(s: string = ""): void {
  serialPutString(s);
  serialPutByte(0x0A);
}

// One ASCII character given by its code.
export function printChar(c: u8): void {
  serialPutByte(c);
}

// `len` bytes of text at linear address `ptr`, from outside the kernel (the
// boot loader's strings). Control characters are shown as \xNN so that they
// cannot upset the terminal; bytes >= 0x80 pass through (UTF-8).
export function printBytes(ptr: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    const b = load<u8>(ptr + i);
    if (b < 0x20 || b == 0x7F) {
      serialWriteByte(0x5C); // '\'
      serialWriteByte(0x78); // 'x'
      serialWriteByte(<u8>load<u16>(changetype<usize>(HEX_DIGITS) + ((<usize>b >> 4) << 1)));
      serialWriteByte(<u8>load<u16>(changetype<usize>(HEX_DIGITS) + ((<usize>b & 15) << 1)));
    } else {
      serialWriteByte(b);
    }
  }
}

// An unsigned number in decimal.
export function printDec(v: u64): void {
  let n: usize = 0;
  do {
    store<u8>(digits + n, <u8>(0x30 + v % 10));
    v /= 10;
    n++;
  } while (v != 0);
  while (n > 0) {
    n--;
    serialWriteByte(load<u8>(digits + n));
  }
}

// A signed number in decimal.
export function printSigned(v: i64): void {
  if (v < 0) {
    serialWriteByte(0x2D); // '-'
    printDec(<u64>(-v)); // also right for i64.MIN_VALUE: 2^63 as u64
  } else {
    printDec(<u64>v);
  }
}

// "0x" and `v` in lower-case hex, zero-padded to at least `width` digits
// (16 for a 64-bit address, 8 for a 32-bit one, 0 for no padding).
export function printHex(v: u64, width: i32 = 0): void {
  let n: i32 = 1; // significant digits
  while (n < 16 && (v >> (<u64>n << 2)) != 0) n++;
  if (width > 16) width = 16;
  if (n < width) n = width;
  serialWriteByte(0x30);
  serialWriteByte(0x78);
  for (let i = n - 1; i >= 0; i--) {
    const d = <usize>((v >> (<u64>i << 2)) & 15);
    serialWriteByte(<u8>load<u16>(changetype<usize>(HEX_DIGITS) + (d << 1)));
  }
}

// A size in bytes, in the largest binary unit that keeps the whole part at
// least 1, with one decimal (truncated) when it is not whole: "639 KiB",
// "126.8 MiB", "512 B".
export function printSize(bytes: u64): void {
  let shift: u64 = 0;
  while (shift < 40 && (bytes >> (shift + 10)) != 0) shift += 10;
  printDec(bytes >> shift);
  const tenth = ((bytes & ((<u64>1 << shift) - 1)) * 10) >> shift;
  if (tenth != 0) {
    serialWriteByte(0x2E); // '.'
    serialWriteByte(<u8>(0x30 + tenth));
  }
  serialWriteByte(0x20);
  if (shift == 0) print("B");
  else if (shift == 10) print("KiB");
  else if (shift == 20) print("MiB");
  else if (shift == 30) print("GiB");
  else print("TiB");
}
