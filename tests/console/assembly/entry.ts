// entry.ts — the framebuffer/VGA terminal library (servers/console/) as a
// Wasm module for tests/console/*.test.ts: one terminal at a time, on a
// framebuffer or a VGA text buffer that the test allocates in our memory.

import { Font } from "../../../servers/console/font";
import { FbGeometry, FbScreen } from "../../../servers/console/fbscreen";
import { VgaScreen } from "../../../servers/console/vgascreen";
import { Terminal } from "../../../servers/console/terminal";

let term: Terminal | null = null;

// n zeroed bytes that stay put.
export function alloc(n: usize): usize {
  const p = heap.alloc(n);
  memory.fill(p, 0, n);
  return p;
}

export function newFb(addr: usize, pitch: u32, width: u32, height: u32, bpp: u32,
  redPos: u32, redSize: u32, greenPos: u32, greenSize: u32, bluePos: u32, blueSize: u32, font: usize): i32 {
  const g = new FbGeometry();
  g.addr = addr; g.pitch = pitch; g.width = width; g.height = height; g.bpp = bpp;
  g.redPos = redPos; g.redSize = redSize; g.greenPos = greenPos; g.greenSize = greenSize;
  g.bluePos = bluePos; g.blueSize = blueSize;
  term = new Terminal(new FbScreen(g, new Font(font)));
  return term!.cols;
}

export function newVga(addr: usize, cols: i32, rows: i32): i32 {
  term = new Terminal(new VgaScreen(addr, cols, rows));
  return term!.cols;
}

export function write(ptr: usize, len: usize): void { term!.write(ptr, len); }
export function dump(out: usize, cap: u32): u32 { return term!.dump(out, cap); }
export function redraw(): void { term!.redraw(); }
export function cols(): i32 { return term!.cols; }
export function rows(): i32 { return term!.rows; }
export function cursorCol(): i32 { return term!.col; }
export function cursorRow(): i32 { return term!.row; }
export function cell(col: i32, row: i32): u32 { return term!.grid.get(col, row); }
export function glyphOf(font: usize, cp: u32): usize { return new Font(font).glyph(cp); }
