// dump.ts — the grid as plain text: one line per row, UTF-8, trailing
// spaces dropped, each line ended by '\n', trailing empty lines kept (the
// dump is always `rows` lines). For tests that compare the screen with
// what was typed (a unit test here, the console server's debug dump later).

import { Grid } from "./grid";

// Writes the dump to `out` (at most `cap` bytes) and returns its full
// length; when that is more than `cap`, the output is cut short.
export function dumpGrid(g: Grid, out: usize, cap: u32): u32 {
  let n: u32 = 0;
  for (let r = 0; r < g.rows; r++) {
    let end = g.cols;
    while (end > 0 && g.cp(end - 1, r) == 0x20) end--;
    for (let c = 0; c < end; c++) n = putUtf8(out, cap, n, g.cp(c, r));
    n = putByte(out, cap, n, 0x0A);
  }
  return n;
}

@inline function putByte(out: usize, cap: u32, n: u32, b: u32): u32 {
  if (n < cap) store<u8>(out + <usize>n, <u8>b);
  return n + 1;
}

function putUtf8(out: usize, cap: u32, n: u32, cp: u32): u32 {
  if (cp < 0x80) return putByte(out, cap, n, cp);
  if (cp < 0x800) {
    n = putByte(out, cap, n, 0xC0 | (cp >> 6));
  } else {
    if (cp < 0x10000) {
      n = putByte(out, cap, n, 0xE0 | (cp >> 12));
    } else {
      n = putByte(out, cap, n, 0xF0 | (cp >> 18));
      n = putByte(out, cap, n, 0x80 | ((cp >> 12) & 0x3F));
    }
    n = putByte(out, cap, n, 0x80 | ((cp >> 6) & 0x3F));
  }
  return putByte(out, cap, n, 0x80 | (cp & 0x3F));
}
