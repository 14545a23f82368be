// screen.ts — what the terminal draws on: a grid of character cells that a
// backend turns into pixels (fbscreen.ts, a linear framebuffer) or into VGA
// text-mode words (vgascreen.ts). Cells are u32s (colors.ts). The terminal
// (terminal.ts) keeps its own copy of the grid; a backend only draws.

export abstract class Screen {
  cols: i32 = 0;
  rows: i32 = 0;

  // Draw one cell.
  abstract drawCell(col: i32, row: i32, cell: u32): void;

  // Draw `count` copies of `blank` (a space) from (col, row) on, within the row.
  abstract fillCells(col: i32, row: i32, count: i32, blank: u32): void;

  // Move rows [n, rows) up to [0, rows - n) and fill the last n with `blank`.
  abstract scrollUp(n: i32, blank: u32): void;
}

// Copy n bytes from src to dst, front to back (dst < src, or the ranges
// apart). Not memory.copy: the screen memory a server maps lies outside
// its Wasm linear memory's size (the device-memory window), where bulk
// memory instructions trap; plain loads and stores reach it.
export function copyBytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  if (((dst | src) & 7) == 0) for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}
